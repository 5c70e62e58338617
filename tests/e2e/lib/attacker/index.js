// The attacker who knows the method (ANALYTICS.md): every released row of an
// epoch in, integer programs over the inner cells, three checks out:
//  (a) pinned: a hidden cell with one feasible value (min == max);
//  (b) certain groups: a nameable group (the learners of any released cell)
//      whose members the attacker can be sure all fall in one sensitive
//      category (the max of the group's non-sensitive part is 0 while the
//      group may have members);
//  (c) linear: a hidden cell whose row is in the span of the published rows.
// Bounded: at most options.maxSolves MIP solves (each at most
// options.timeLimit s) and options.deadlineMs overall; what the budget left
// undecided is reported as `unresolved`, never as safe.

import { buildBlocks, OUTCOME_MEASURES } from "./blocks.js";
import { buildModel, BlockSolver, linearLeaks, describe, UNBOUNDED } from "./model.js";
import { mulberry32 } from "./random.js";
import { impliedZeros, pinnedByBounds } from "./implied.js";

export { buildBlocks } from "./blocks.js";
export { describe } from "./model.js";

let highsPromise = null;
export async function loadSolver() {
  if (!highsPromise) highsPromise = import("highs").then((m) => (m.default || m)());
  return highsPromise;
}


/** Moves statistics to the block whose group they describe. */
function attachStats(blocks) {
  for (const b of blocks.values()) {
    for (const s of b.stats) {
      const m = s.row.measure;
      let target, cats;
      if (b.table === "scores" && m === "median_scaled") {
        target = b;
        cats = null; // all bins
      } else if (b.table === "durations" && m === "median_duration_s") {
        target = blocks.get(`outcomes|${b.activity}`);
        cats = OUTCOME_MEASURES.completed;
      } else continue;
      if (!target) continue;
      (target.statsCells ||= []).push({ ...s, cats: cats || target.categories });
    }
  }
}

/**
 * released: [{table, request, rows}]. options: {k, passMark,
 * cohortDimensions, maxSolves, timeLimit, deadlineMs, witnesses, seed,
 * absentIsZero, labels (self-test: cell -> "primary" | "secondary")}.
 */
export async function attack(released, options = {}) {
  const highs = options.highs || (await loadSolver());
  const k = options.k ?? 5;
  const maxSolves = options.maxSolves ?? 600;
  const deadline = Date.now() + (options.deadlineMs ?? 40000);
  const rng = mulberry32(options.seed ?? 1);
  const { blocks } = buildBlocks(released, options);
  attachStats(blocks);
  const report = {
    blocks: 0, cells: 0, published: 0, hidden: 0, innerCells: 0, solves: 0,
    pinned: [], certain: [], softCertain: [], linear: [], intervals: [], unresolved: [], errors: [], lpOnlyBlocks: [],
    maxSolves, timeLimit: options.timeLimit ?? 2,
  };
  let solves = 0;
  let blockSolveCap = maxSolves;
  let blockDeadline = deadline;
  const budgetLeft = () => solves < blockSolveCap && Date.now() < blockDeadline;

  const ordered = [...blocks.values()].filter((b) => b.cells.length);
  for (const [bi, b] of ordered.entries()) {
    // each block gets a fair share of what is left of the budget
    const left = ordered.length - bi;
    blockSolveCap = solves + Math.floor((maxSolves - solves) / left);
    blockDeadline = Date.now() + Math.max(0, deadline - Date.now()) / left;
    let model;
    try {
      model = buildModel(b, { absentIsZero: options.absentIsZero });
    } catch (e) {
      report.errors.push(`${b.key}: ${e.message}`);
      continue;
    }
    if (options.labels) for (const c of model.cells) c.label = options.labels(b, c);
    report.blocks++;
    report.cells += model.cells.length;
    report.innerCells += model.vars.length;
    const hidden = model.cells.filter((c) => c.learners === null);
    report.hidden += hidden.length;
    report.published += model.cells.length - hidden.length;

    // (c) linear
    const blockStart = Date.now();
    const t0 = Date.now();
    const inSpan = new Set();
    for (const c of linearLeaks(model)) {
      report.linear.push({ block: b.key, cell: describe(b, c) });
      inSpan.add(c.vars.join(","));
    }
    report.linearMs = (report.linearMs || 0) + Date.now() - t0;
    if (process.env.ATTACK_DEBUG) console.error(`  linear ${b.key}: ${Date.now() - t0} ms`);

    if (!options.labels) {
      // The exact LP attacker (implied.js), then integer witnesses.
      attackBlockExactly(highs, b, model, hidden, { k, rng, options, report, budget: () => budgetLeft(), count: (n) => (solves += n) });
      report.solves = solves;
      if (process.env.ATTACK_DEBUG) console.error(`  ${b.key}: ${model.vars.length} inner, ${model.cells.length} cells (${hidden.length} hidden), ${Date.now() - blockStart} ms`);
      continue;
    }
    // With the old labels (the self-test), the constraints are not linear: MIPs throughout.
    // No inner variable at all: every cell is a known 0.
    if (Date.now() >= deadline) {
      // out of time: the linear check above is all this block gets
      report.unresolved.push({ block: b.key, cell: `(the whole block: ${hidden.length} hidden cells)`, check: "deadline" });
      continue;
    }
    const solver = new BlockSolver(highs, model, { k, timeLimit: options.timeLimit ?? 2 });
    const sample = options.witnesses ?? 6;
    let w = solver.sampleWitnesses(1, rng);
    solves += solver.solves;
    if (w.status === "Optimal" && solver.mipSolves > 0 && !options.integerAlways) {
      // its LP vertices are fractional: every further solve would be branch and bound
      solver.lpOnly = true;
      report.lpOnlyBlocks.push(b.key);
    } else if (w.status === "timeLimit") {
      // No integer point in time: go on with the LP relaxation. Its findings
      // are sound (an LP range of one value, an LP max of 0, bound the
      // integer ones); what it clears is only likely safe: counted apart.
      solver.lpOnly = true;
      report.lpOnlyBlocks.push(b.key);
      const before = solver.solves;
      w = solver.sampleWitnesses(1, rng);
      solves += solver.solves - before;
    }
    if (w.status !== "Optimal") {
      if (w.status === "infeasible") report.errors.push(`${b.key}: the attacker's model is infeasible (its reading of the method does not fit the release)`);
      else report.unresolved.push({ block: b.key, cell: "(the whole block)", check: `feasibility: ${w.status}` });
      solver.dispose();
      continue;
    }
    if (hidden.length || b.sensitive.length) {
      const before = solver.solves;
      solver.sampleWitnesses(Math.max(0, sample - 1), rng, budgetLeft);
      solves += solver.solves - before;
    }
    const exact = (sense, vars) => {
      if (!budgetLeft()) return null;
      solves++;
      const r = solver.solve(sense, vars.map((i) => [i, 1]));
      if (r.status !== "Optimal") return null;
      // a relaxed bound: round outwards to the integers it allows
      return r.relaxed ? (sense === "Minimize" ? Math.ceil(r.value - 1e-6) : Math.floor(r.value + 1e-6)) : r.value;
    };

    // (a) pinned hidden cells. Cells with the same inner cells are one question.
    const uniq = new Map();
    for (const c of hidden) {
      const key = c.vars.join(",");
      if (!uniq.has(key)) uniq.set(key, { vars: c.vars, cells: [] });
      uniq.get(key).cells.push(c);
    }
    const questions = [...uniq.values()];
    const sumIn = (x, vars) => vars.reduce((s, i) => s + x[i], 0);
    let open = questions.filter((q) => q.vars.length > 0);
    // Directed witnesses: push every still-constant cell away from its value at once.
    for (let round = 0; round < (options.directedRounds ?? 12) && open.length && budgetLeft(); round++) {
      const last = solver.witnesses[solver.witnesses.length - 1];
      const coef = new Map();
      for (const q of open) {
        const [lo, hi] = solver.rangeInWitnesses(q.vars);
        if (hi > lo) continue;
        const sign = sumIn(last, q.vars) === 0 ? 1 : rng() < 0.5 ? 1 : -1;
        for (const i of q.vars) coef.set(i, (coef.get(i) || 0) + sign * (1 + Math.floor(rng() * 3)));
      }
      solves++;
      solver.solve("Maximize", [...coef].filter(([, c]) => c !== 0));
      open = open.filter((q) => {
        const [lo, hi] = solver.rangeInWitnesses(q.vars);
        return hi === lo;
      });
    }
    for (const q of questions) {
      const c = q.cells[0];
      if (q.vars.length === 0) {
        for (const cc of q.cells) report.pinned.push({ block: b.key, cell: describe(b, cc), value: 0, why: "every inner cell under it is a known zero" });
        continue;
      }
      const [wlo, whi] = solver.rangeInWitnesses(q.vars);
      if (whi > wlo + 1e-6) continue; // two feasible values seen (LP-only blocks: two relaxed values)
      if (inSpan.has(q.vars.join(","))) {
        // a linear combination of published cells: one value, the witnesses' one
        for (const cc of q.cells) report.pinned.push({ block: b.key, cell: describe(b, cc), value: Math.round(wlo), why: "in the span of the published cells" });
        continue;
      }
      const lo = wlo === 0 ? 0 : exact("Minimize", q.vars); // counts are >= 0
      const hi = lo === null ? null : exact("Maximize", q.vars);
      if (lo === null || hi === null) {
        for (const cc of q.cells) report.unresolved.push({ block: b.key, cell: describe(b, cc), check: "pinned" });
        continue;
      }
      q.exact = [lo, hi];
      if (lo === hi) for (const cc of q.cells) report.pinned.push({ block: b.key, cell: describe(b, cc), value: lo });
      else report.intervals.push({ block: b.key, cell: describe(b, c), min: lo, max: hi >= UNBOUNDED ? Infinity : hi });
    }
    // the narrowest intervals (for the report): exact bounds of a few
    const narrow = questions
      .filter((q) => q.vars.length && !q.exact)
      .map((q) => ({ q, range: solver.rangeInWitnesses(q.vars) }))
      .sort((x, y) => x.range[1] - x.range[0] - (y.range[1] - y.range[0]))
      .slice(0, options.intervalsPerBlock ?? 2);
    for (const { q } of narrow) {
      const lo = exact("Minimize", q.vars);
      const hi = lo === null ? null : exact("Maximize", q.vars);
      if (lo !== null && hi !== null) report.intervals.push({ block: b.key, cell: describe(b, q.cells[0]), min: lo, max: hi >= UNBOUNDED ? Infinity : hi });
    }

    // (b) certain groups: a group is safe once a feasible point puts one of
    // its members outside the sensitive category.
    const checks = groupChecks(b, model);
    const maxNonSeen = (ch) => (solver.rangeInWitnesses(ch.non)[1] > 1e-6 ? 1 : 0);
    let openChecks = checks.filter((ch) => ch.non.length && maxNonSeen(ch) === 0);
    for (let round = 0; round < (options.directedRounds ?? 12) && openChecks.length && budgetLeft(); round++) {
      const coef = new Map();
      for (const ch of openChecks) for (const i of ch.non) coef.set(i, (coef.get(i) || 0) + 1 + Math.floor(rng() * 3));
      solves++;
      const r = solver.solve("Maximize", [...coef]);
      if (r.status !== "Optimal") break;
      const before = openChecks.length;
      openChecks = openChecks.filter((ch) => maxNonSeen(ch) === 0);
      if (openChecks.length === before) break; // the rest need one solve each
    }
    for (const ch of checks) {
      const { s, S, c, non } = ch;
      if (non.length && maxNonSeen(ch) > 0) continue;
      const [, hiAll] = solver.rangeInWitnesses(c.vars);
      const maxAll = c.learners !== null ? c.learners : hiAll > 0 ? hiAll : exact("Maximize", c.vars);
      const maxNon = non.length ? exact("Maximize", non) : 0;
      if (maxAll === null || maxNon === null) {
        report.unresolved.push({ block: b.key, cell: describe(b, c), check: `certain ${s.name}` });
        continue;
      }
      if (maxNon === 0 && maxAll > 0) {
        const finding = {
          block: b.key, cell: describe(b, c), category: s.name,
          learners: c.learners, maxMembers: maxAll >= UNBOUNDED ? Infinity : Math.floor(maxAll + 1e-6),
          why: `every member of this group is ${s.name}: its other categories (${c.cats.filter((x) => !S.has(x)).join(", ")}) have max 0`,
        };
        (s.soft ? report.softCertain : report.certain).push(finding);
      }
    }
    solver.dispose();
    report.solves = solves;
    if (process.env.ATTACK_DEBUG) {
      console.error(`  ${b.key}: ${model.vars.length} inner, ${model.cells.length} cells (${hidden.length} hidden, ${questions.length} distinct), ${checks.length} group checks, ${solver.solves} solves, ${Date.now() - blockStart} ms`);
    }
  }
  report.solves = solves;
  report.intervals.sort((x, y) => x.max - x.min - (y.max - y.min));
  return report;
}


/**
 * The nameable groups (cells and groups of the model, not known empty) that
 * hold a sensitive category beside others, once per category and set of inner
 * cells: [{s, S, c, non}] with S the category's set and non the group's inner
 * cells outside it. Certain when non can hold nobody while c can hold someone.
 */
function groupChecks(b, model) {
  const checks = [];
  const seen = new Set();
  for (const s of b.sensitive) {
    const S = new Set(s.cats);
    for (const c of model.cells.concat(model.groups)) {
      if (c.learners === 0) continue;
      // A response's correctness is the question's (correctResponsesPattern):
      // everyone who gave one response is right or wrong alike, so the group
      // of one response is homogeneous by definition, not by disclosure.
      // Interactions are checked on cohort and period groups (every answer).
      if (b.table === "interactions" && c.row && (c.row.response ?? c.row.choice) !== undefined) continue;
      if (!c.cats.some((x) => S.has(x)) || c.cats.every((x) => S.has(x))) continue;
      const key = s.name + "|" + c.vars.join(",");
      if (seen.has(key)) continue;
      seen.add(key);
      checks.push({ s, S, c, non: c.vars.filter((i) => !S.has(model.vars[i].cat)) });
    }
  }
  return checks;
}

/**
 * One block without labels: (a) and (b) decided exactly for the LP relaxation
 * (implied.js: implied zeros, then the span), with the values of pinned cells
 * from a feasible point; then integer pins by rounding LP bounds (below).
 * What the budget leaves unprobed there is counted in report.integerUnprobed,
 * not as unresolved: every LP-level check was decided. Not checked: a cell
 * whose rounded LP range holds two integers but whose integer hull holds one.
 */
function attackBlockExactly(highs, b, model, hidden, { k, rng, options, report, budget, count }) {
  const solver = new BlockSolver(highs, model, { k, timeLimit: options.timeLimit ?? 2 });
  try {
    solver.mipOnFractional = false;
    const w = solver.sampleWitnesses(1, rng);
    count(solver.solves);
    if (w.status !== "Optimal") {
      if (w.status === "infeasible") report.errors.push(`${b.key}: the attacker's model is infeasible (its reading of the method does not fit the release)`);
      else report.unresolved.push({ block: b.key, cell: "(the whole block)", check: `feasibility: ${w.status}` });
      return;
    }
    if (solver.sawFractional) report.lpOnlyBlocks.push(b.key);
    const point = solver.witnesses[0];
    const sumAt = (x, vars) => vars.reduce((s, i) => s + x[i], 0);
    const implied = impliedZeros(highs, model, k);
    const pinnedKeys = new Set();
    for (const { cell, value } of pinnedByBounds(model, implied)) {
      pinnedKeys.add(cell.vars.join(","));
      report.pinned.push({
        block: b.key, cell: describe(b, cell), value: value ?? Math.round(sumAt(point, cell.vars)),
        why: value === 0 ? "every inner cell under it is a known or implied zero" : "in the span of the published cells once the implied zeros are known",
      });
    }
    // (b) certain groups: the group's other part is all implied zeros while the group may have members.
    for (const { s, S, c, non } of groupChecks(b, model)) {
      const mayHaveMembers = c.learners > 0 || c.vars.some((i) => !implied.has(i));
      if (mayHaveMembers && non.every((i) => implied.has(i))) {
        const finding = {
          block: b.key, cell: describe(b, c), category: s.name, learners: c.learners,
          why: `every member of this group is ${s.name}: its other categories (${c.cats.filter((x) => !S.has(x)).join(", ")}) are implied zeros`,
        };
        (s.soft ? report.softCertain : report.certain).push(finding);
      }
    }
    // Integer pins: the integer values of a cell lie in [ceil(LP min),
    // floor(LP max)]; one integer there pins it though the LP range is wider
    // than a point. LP witnesses (random objectives, then objectives pushing
    // the undecided cells) clear a cell once they show two integers inside
    // its range; the rest get their exact LP bounds while the budget lasts.
    const wide = (lo, hi) => Math.floor(hi + 1e-6) - Math.ceil(lo - 1e-6) >= 1;
    const before = solver.solves;
    solver.sampleWitnesses(Math.max(0, (options.witnesses ?? 6) - 1), rng, budget);
    const uniq = new Map();
    for (const c of hidden) {
      const key = c.vars.join(",");
      if (c.vars.length && !pinnedKeys.has(key) && !uniq.has(key)) uniq.set(key, c);
    }
    let open = [...uniq.values()].filter((c) => !wide(...solver.rangeInWitnesses(c.vars)));
    for (let round = 0; round < (options.directedRounds ?? 12) && open.length && budget(); round++) {
      const last = solver.witnesses[solver.witnesses.length - 1];
      const coef = new Map();
      for (const c of open) {
        const sign = sumAt(last, c.vars) < 0.5 ? 1 : rng() < 0.5 ? 1 : -1;
        for (const i of c.vars) coef.set(i, (coef.get(i) || 0) + sign * (1 + Math.floor(rng() * 3)));
      }
      solver.solve("Maximize", [...coef].filter(([, v]) => v !== 0));
      open = open.filter((c) => !wide(...solver.rangeInWitnesses(c.vars)));
    }
    for (const c of open) {
      if (!budget()) {
        report.integerUnprobed = (report.integerUnprobed || 0) + 1;
        continue;
      }
      const terms = c.vars.map((i) => [i, 1]);
      const lo = solver.solve("Minimize", terms), hi = solver.solve("Maximize", terms);
      if (lo.status !== "Optimal" || hi.status !== "Optimal") {
        report.integerUnprobed = (report.integerUnprobed || 0) + 1;
      } else if (!wide(lo.value, hi.value)) {
        report.pinned.push({ block: b.key, cell: describe(b, c), value: Math.ceil(lo.value - 1e-6), why: `one integer in its LP range [${lo.value}, ${hi.value}]` });
      } else {
        report.intervals.push({ block: b.key, cell: describe(b, c), min: Math.ceil(lo.value - 1e-6), max: hi.value >= UNBOUNDED ? Infinity : Math.floor(hi.value + 1e-6) });
      }
    }
    count(solver.solves - before);
  } finally {
    solver.dispose();
  }
}

export function summary(report) {
  const lines = [
    `attacker: ${report.blocks} blocks, ${report.cells} cells (${report.published} published, ${report.hidden} hidden), ` +
      `${report.innerCells} inner cells, ${report.solves} MIP solves (cap ${report.maxSolves}, ${report.timeLimit} s each)`,
    `  pinned: ${report.pinned.length}, certain groups: ${report.certain.length} (+${report.softCertain.length} on a union of categories), ` +
      `linear: ${report.linear.length}, unresolved: ${report.unresolved.length}, errors: ${report.errors.length}` +
      (report.integerUnprobed ? `; integer-only pins not probed within the budget: ${report.integerUnprobed} cells` : ""),
  ];
  if (report.lpOnlyBlocks.length) {
    lines.push(`  fractional LP vertices (integer bounds by rounding the LP's): ${report.lpOnlyBlocks.join(", ")}`);
  }
  const w = report.intervals.slice(0, 5);
  if (w.length) lines.push("  narrowest intervals: " + w.map((i) => `[${i.min}, ${i.max}] ${i.cell}`).join("; "));
  for (const p of report.pinned.slice(0, 10)) lines.push(`  PINNED ${p.value}: ${p.cell}${p.why ? " (" + p.why + ")" : ""}`);
  for (const c of report.certain.slice(0, 10)) lines.push(`  CERTAIN ${c.category}: ${c.cell} (learners ${c.learners ?? "hidden"}, up to ${c.maxMembers})`);
  for (const c of report.softCertain.slice(0, 5)) lines.push(`  certain (union) ${c.category}: ${c.cell}`);
  for (const l of report.linear.slice(0, 10)) lines.push(`  LINEAR: ${l.cell}`);
  for (const u of report.unresolved.slice(0, 5)) lines.push(`  unresolved (${u.check}): ${u.cell}`);
  for (const e of report.errors.slice(0, 10)) lines.push(`  ERROR: ${e}`);
  return lines.join("\n");
}
