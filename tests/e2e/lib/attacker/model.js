// The attacker's integer program over one block (lib/attacker/blocks.js):
// variables = the inner cells (every cohort combination seen x day x
// category) that may hold learners, constraints = every published cell equals
// the sum of its inner cells, every hidden cell only >= 0 (one label: the
// attacker learns nothing else from "suppressed"), published statistics say
// their group has at least k learners. Known zeros (a published 0, or a cell
// a complete request did not list) take their inner cells out of the model.
//
// Solved with HiGHS (npm `highs`, WebAssembly) as MIPs in CPLEX LP text.

import { hiddenInSpan } from "./rank.js";

const UNBOUNDED = 100000; // no organisation here has more learners: a max this big means "no upper bound"

export function weekStart(day) {
  const d = new Date(day + "T00:00:00Z");
  const dow = (d.getUTCDay() + 6) % 7; // Monday = 0
  return new Date(d.getTime() - dow * 86400000).toISOString().slice(0, 10);
}
export function monthStart(day) {
  return day.slice(0, 8) + "01";
}
function periodOf(kind, day) {
  if (kind === "day") return day;
  if (kind === "week") return weekStart(day);
  if (kind === "month") return monthStart(day);
  throw new Error(`unknown period ${kind}`);
}

/** Labels a cell for messages: "outcomes|act attempted department=legal period(day)=2026-01-03". */
export function describe(block, cell) {
  const parts = [`${block.table}`, `activity=${block.activity}`];
  if (cell.row && cell.row.measure) parts.push(`measure=${cell.row.measure}`);
  if (cell.row && cell.row.bin !== undefined) parts.push(`bin=${cell.row.bin}`);
  if (cell.row && cell.row.step !== undefined) parts.push(`step=${cell.row.step}`);
  if (cell.row && (cell.row.response ?? cell.row.choice) !== undefined) parts.push(`response=${cell.row.response ?? cell.row.choice}`);
  for (const [d, v] of Object.entries(cell.dims)) parts.push(`${d}=${v}`);
  if (cell.period) parts.push(`${cell.period.kind}=${cell.period.start}`);
  return parts.join(" ");
}

/**
 * Builds the inner variables and constraint rows of a block.
 * options.absentIsZero (default true): a row a request did not list is 0.
 * Returns {vars: [{tuple, day, cat}], cells (with .vars), dims, days}.
 */
export function buildModel(block, options = {}) {
  const absentIsZero = options.absentIsZero !== false;
  const cells = block.cells.map((c, i) => ({ ...c, index: i }));
  const dims = [...new Set(cells.flatMap((c) => Object.keys(c.dims)))].sort();
  const values = Object.fromEntries(dims.map((d) => [d, new Set()]));
  const days = new Set();
  const finest = { day: 3, week: 2, month: 1 };
  let finestKind = null;
  for (const c of cells) {
    for (const [d, v] of Object.entries(c.dims)) values[d].add(v);
    if (c.period && (!finestKind || finest[c.period.kind] > finest[finestKind])) finestKind = c.period.kind;
  }
  for (const c of cells) if (c.period && c.period.kind === finestKind) days.add(c.period.start);
  if (finestKind && finestKind !== "day" && cells.some((c) => c.period && c.period.kind !== finestKind)) {
    // coarser periods are only modelled exactly over days
    throw new Error(`block ${block.key}: no day rows to model weeks and months on`);
  }
  const dayList = [...days].sort();
  if (dayList.length === 0) dayList.push("(all)");
  const valueLists = dims.map((d) => [...values[d]].sort());

  // Signatures: (dims of the request, period kind, categories) -> the set of
  // projections that may hold learners (listed and not published 0).
  const sigs = new Map();
  for (const c of cells) {
    const sdims = Object.keys(c.dims).sort();
    const key = `${sdims.join(",")}|${c.period ? c.period.kind : "all"}|${c.cats.join(",")}`;
    if (!sigs.has(key)) sigs.set(key, { dims: sdims, kind: c.period ? c.period.kind : null, cats: new Set(c.cats), open: new Set() });
    const s = sigs.get(key);
    const proj = sdims.map((d) => c.dims[d]).join("\u0001") + "\u0002" + (c.period ? c.period.start : "");
    if (c.learners === null || c.learners > 0) s.open.add(proj);
    else s.closedAny = true;
  }
  if (!absentIsZero) {
    for (const c of cells) {
      if (c.learners !== 0) continue;
      const sdims = Object.keys(c.dims).sort();
      const key = `${sdims.join(",")}|${c.period ? c.period.kind : "all"}|${c.cats.join(",")}`;
      const s = sigs.get(key);
      (s.zeros ||= new Set()).add(sdims.map((d) => c.dims[d]).join("\u0001") + "\u0002" + (c.period ? c.period.start : ""));
    }
  }
  const closed = (s, proj) => (absentIsZero ? !s.open.has(proj) : !!(s.zeros && s.zeros.has(proj)));
  // Enumerate (tuple, day, cat) by backtracking over dims; a signature is
  // checked at the depth where its last dimension is fixed.
  const vars = [];
  const cap = options.maxVars || 60000;
  for (const cat of block.categories) {
    const atDepth = Array.from({ length: dims.length + 1 }, () => []);
    for (const s of sigs.values()) {
      if (!s.cats.has(cat)) continue;
      const depth = s.dims.length ? Math.max(...s.dims.map((d) => dims.indexOf(d))) + 1 : 0;
      atDepth[depth].push(s);
    }
    for (const day of dayList) {
      const tuple = new Array(dims.length);
      const rec = (i) => {
        for (const s of atDepth[i]) {
          const proj = s.dims.map((d) => tuple[dims.indexOf(d)]).join("\u0001") + "\u0002" + (s.kind ? periodOf(s.kind, day) : "");
          if (closed(s, proj)) return;
        }
        if (i === dims.length) {
          if (vars.length >= cap) throw new Error(`block ${block.key}: more than ${cap} inner cells`);
          vars.push({ tuple: tuple.slice(), day, cat });
          return;
        }
        for (const v of valueLists[i]) {
          tuple[i] = v;
          rec(i + 1);
        }
      };
      rec(0);
    }
  }
  // Cells -> their inner variables.
  const byCat = new Map();
  vars.forEach((v, i) => {
    if (!byCat.has(v.cat)) byCat.set(v.cat, []);
    byCat.get(v.cat).push(i);
  });
  for (const c of cells) {
    const dimIdx = Object.entries(c.dims).map(([d, v]) => [dims.indexOf(d), v]);
    c.vars = [];
    for (const cat of c.cats) {
      for (const i of byCat.get(cat) || []) {
        const v = vars[i];
        if (!dimIdx.every(([j, val]) => v.tuple[j] === val)) continue;
        if (c.period && periodOf(c.period.kind, v.day) !== c.period.start) continue;
        c.vars.push(i);
      }
    }
  }
  const varsOf = (c) => {
    const dimIdx = Object.entries(c.dims).map(([d, v]) => [dims.indexOf(d), v]);
    const cs = new Set(c.cats);
    const vs = [];
    vars.forEach((v, i) => {
      if (!cs.has(v.cat)) return;
      if (!dimIdx.every(([j, val]) => j >= 0 && v.tuple[j] === val)) return;
      if (c.period && periodOf(c.period.kind, v.day) !== c.period.start) return;
      vs.push(i);
    });
    return vs;
  };
  const stats = (block.statsCells || []).map((c) => ({ ...c, vars: varsOf(c) }));
  // Every group an analyst can name in this block: the dimensions and period
  // of any released cell, with every category of the block (its whole
  // population), beside the released cells themselves.
  const groups = [];
  const seen = new Set(cells.map((c) => groupKey(c) + "|" + [...c.cats].sort().join(",")));
  const all = [...block.categories].sort().join(",");
  for (const c of cells) {
    const key = groupKey(c) + "|" + all;
    if (seen.has(key)) continue;
    seen.add(key);
    const g = { dims: c.dims, period: c.period, cats: [...block.categories], learners: null, virtual: true, row: { measure: "(every category)" } };
    g.vars = varsOf(g);
    groups.push(g);
  }
  return { block, vars, cells, dims, days: dayList, stats, groups };
}

function groupKey(c) {
  return JSON.stringify([Object.entries(c.dims).sort(), c.period ? [c.period.kind, c.period.start] : null]);
}

function lpSum(vs) {
  return vs.length ? vs.map((i) => `x${i}`).join(" + ") : "0 x0";
}

/** The solver for one model: LP text built once, one objective per solve. */
export class BlockSolver {
  constructor(highs, model, options = {}) {
    this.highs = highs;
    this.model = model;
    this.k = options.k ?? 5;
    this.timeLimit = options.timeLimit ?? 2;
    this.solves = 0;
    this.witnesses = [];
    const lines = [];
    let n = 0;
    for (const c of model.cells) {
      if (c.learners !== null) {
        if (c.vars.length === 0) {
          if (c.learners !== 0) lines.push(` e${n++}: 0 x0 = ${c.learners}`); // infeasible: the model is wrong
          continue;
        }
        lines.push(` e${n++}: ${lpSum(c.vars)} = ${c.learners}`);
      } else if (c.label === "primary") {
        // the old design's label (self-test only): 1 to k-1
        lines.push(` p${n++}: ${lpSum(c.vars)} >= 1`);
        lines.push(` p${n++}: ${lpSum(c.vars)} <= ${this.k - 1}`);
      } else if (c.label === "secondary") {
        // 0 or at least k: z = 0 forces 0, z = 1 forces >= k
        const z = `z${n}`;
        lines.push(` s${n++}: ${lpSum(c.vars)} - ${this.k} ${z} >= 0`);
        lines.push(` s${n++}: ${lpSum(c.vars)} - ${UNBOUNDED} ${z} <= 0`);
        (this.binaries ||= []).push(z);
      }
    }
    for (const s of model.stats) {
      if (s.vars.length) lines.push(` k${n++}: ${lpSum(s.vars)} >= ${this.k}`);
    }
    const nv = Math.max(model.vars.length, 1);
    const names = Array.from({ length: nv }, (_, i) => `x${i}`);
    this.body =
      "Subject To\n" + (lines.length ? lines.join("\n") : " t0: x0 >= 0") + "\nBounds\n" +
      names.map((x) => ` 0 <= ${x} <= ${UNBOUNDED}`).join("\n") +
      (this.binaries ? "\n" + this.binaries.map((z) => ` 0 <= ${z} <= 1`).join("\n") : "") +
      "\nGenerals\n" + chunk(names.concat(this.binaries || [])) + "\nEnd\n";
    this.nv = nv;
  }

  /** sense "Maximize" | "Minimize"; terms: [[varIndex, coef]]. Returns {status, value, x}. */
  solve(sense, terms) {
    this.solves++;
    const obj = terms.length
      ? terms.map(([i, c], j) => `${j === 0 ? (c < 0 ? "-" : "") : c < 0 ? " - " : " + "}${Math.abs(c)} x${i}`).join("")
      : "0 x0";
    const lp = `${sense}\n obj: ${obj}\n${this.body}`;
    let r;
    try {
      r = this.highs.solve(lp, { output_flag: false, time_limit: this.timeLimit, mip_rel_gap: 0, mip_abs_gap: 0.5 });
    } catch (e) {
      return { status: `error: ${e.message}`, value: NaN };
    }
    const status = r.Status;
    if (status !== "Optimal") return { status, value: NaN };
    const x = new Float64Array(this.nv);
    for (let i = 0; i < this.nv; i++) {
      const col = r.Columns[`x${i}`];
      x[i] = col ? Math.round(col.Primal) : 0;
    }
    this.witnesses.push(x);
    return { status, value: Math.round(r.ObjectiveValue), x };
  }

  /** Random objectives: feasible integer points that prove cells are not pinned. */
  sampleWitnesses(count, rng) {
    for (let t = 0; t < count; t++) {
      const terms = [];
      for (let i = 0; i < this.model.vars.length; i++) {
        const c = Math.round((rng() * 2 - 1) * 20);
        if (c) terms.push([i, c]);
      }
      const r = this.solve("Maximize", terms);
      if (r.status !== "Optimal") return r;
    }
    return { status: "Optimal" };
  }

  rangeInWitnesses(vars) {
    let lo = Infinity, hi = -Infinity;
    for (const x of this.witnesses) {
      let s = 0;
      for (const i of vars) s += x[i];
      if (s < lo) lo = s;
      if (s > hi) hi = s;
    }
    return [lo, hi];
  }
}

function chunk(names) {
  const out = [];
  for (let i = 0; i < names.length; i += 20) out.push(" " + names.slice(i, i + 20).join(" "));
  return out.join("\n");
}

/** The linear check: hidden cells whose rows are in the span of published rows. */
export function linearLeaks(model) {
  const pub = model.cells.filter((c) => c.learners !== null).map((c) => c.vars);
  const hid = model.cells.filter((c) => c.learners === null);
  const idx = hiddenInSpan(pub, hid.map((c) => c.vars));
  return idx.map((i) => hid[i]);
}

export { UNBOUNDED };
