// What an analyst who has read the README knows about how released rows are
// built, turned into additive blocks for the attacker's integer program.
//
// A block is one partition of learners the catalogue counts (one activity and
// one table; a funnel: one activity list). Its inner cells are every
// combination of the cohort dimensions' values x day x category; every released
// row is the sum of the inner cells that match its dimensions, its period and
// the categories its measure covers. What a measure covers is the attacker's
// knowledge of the method (README / ANALYTICS.md):
//   outcomes: each attempter in exactly one final state, passed / failed /
//     completed without a result / attempted only; attempted = all four,
//     completed = the first three, passed, failed.
//   scores: each learner once per activity, in the bin of their best score.
//   required: each active learner on_time, late or not_done.
//   interactions: each answerer once, with a response and correct / incorrect
//     (or neither): a response row covers its response, correct / incorrect
//     rows cover every response with that correctness.
//   funnel: each learner who completed step 1 stopped after exactly one step
//     j; "reached" step i covers the stops i..n.
//   active: one category.
// Statistics rows (a `value`, e.g. medians) carry no count: the attacker only
// notes that their group has at least k learners (a published median says so).
//
// Sensitive categories (ANALYTICS.md, "An attacker who knows the method"):
// failed; each score bin below the pass mark (and all of them together); late;
// not_done (and both together: the README's "everyone late or not done");
// incorrect.

export const OUTCOME_CATEGORIES = ["passed", "failed", "completed_no_result", "attempted_only"];
export const OUTCOME_MEASURES = {
  attempted: ["passed", "failed", "completed_no_result", "attempted_only"],
  completed: ["passed", "failed", "completed_no_result"],
  passed: ["passed"],
  failed: ["failed"],
};
export const REQUIRED_MEASURES = { on_time: ["on_time"], late: ["late"], not_done: ["not_done"] };

// Keys of a row that are not cohort dimensions.
const NON_COHORT = new Set([
  "activity", "period", "step", "bin", "measure", "learners", "value", "suppressed",
  "response", "choice", "table",
]);

/** Lower end of a bin label: "0.2-0.3" -> 0.2, "below-0" -> -Infinity. */
export function binLow(bin) {
  if (bin === "below-0") return -Infinity;
  const m = /^(-?[0-9.]+)-/.exec(bin);
  return m ? Number(m[1]) : NaN;
}
export function binHigh(bin) {
  if (bin === "below-0") return 0;
  const m = /-(-?[0-9.]+)$/.exec(bin);
  return m ? Number(m[1]) : NaN;
}

/**
 * released: [{table, request: {by, period, steps?}, rows: [...]}] as fetched.
 * options: {passMark, k, cohortDimensions}
 * Returns {blocks: Map<key, block>} where block = {key, table, activity, dims,
 * categories, sensitive: [{name, cats}], cells: [{id, dims: {d: v}, period:
 * {kind, start} | null, cats: [...], learners: number | null, row, request}],
 * atLeastK: [cell-like without learners]}.
 */
export function buildBlocks(released, options = {}) {
  const passMark = options.passMark ?? 0.5;
  const cohortDims = options.cohortDimensions || [];
  const blocks = new Map();
  function block(key, init) {
    if (!blocks.has(key)) blocks.set(key, { key, cells: [], stats: [], categories: new Set(), sensitive: [], ...init() });
    return blocks.get(key);
  }
  for (const rel of released) {
    const { table, request } = rel;
    const periodKind = request.period || "all";
    for (const row of rel.rows) {
      const activity = row.activity ?? "*";
      const dims = {};
      for (const d of request.by || []) {
        if (!(d in row)) throw new Error(`row of ${table} by ${request.by} lacks ${d}: ${JSON.stringify(row)}`);
        dims[d] = String(row[d]);
      }
      for (const [key, v] of Object.entries(row)) {
        if (!NON_COHORT.has(key) && !(key in dims) && cohortDims.includes(key)) dims[key] = String(v);
      }
      const period = periodKind === "all" ? null : { kind: periodKind, start: row.period };
      if (periodKind !== "all" && typeof row.period !== "string") {
        throw new Error(`row of ${table} period ${periodKind} lacks period: ${JSON.stringify(row)}`);
      }
      let b, cats;
      if (table === "outcomes") {
        b = block(`outcomes|${activity}`, () => ({ table, activity }));
        cats = OUTCOME_MEASURES[row.measure];
      } else if (table === "scores") {
        b = block(`scores|${activity}`, () => ({ table, activity }));
        if (row.bin !== undefined) cats = [`bin:${row.bin}`];
      } else if (table === "active") {
        b = block(`active|${activity}`, () => ({ table, activity }));
        cats = ["active"];
      } else if (table === "required") {
        b = block(`required|${activity}`, () => ({ table, activity }));
        cats = REQUIRED_MEASURES[row.measure];
      } else if (table === "durations") {
        b = block(`durations|${activity}`, () => ({ table, activity }));
      } else if (table === "interactions") {
        b = block(`interactions|${activity}`, () => ({ table, activity, responses: new Set() }));
        const response = row.response ?? row.choice;
        if (response !== undefined) {
          b.responses.add(String(response));
          cats = { response: String(response) };
        } else if (row.measure === "correct" || row.measure === "incorrect") {
          cats = { correctness: row.measure };
        }
      } else if (table === "funnel") {
        const steps = request.steps || [];
        b = block(`funnel|${steps.join(",")}`, () => ({ table, activity: steps.join(" > "), steps }));
        if (row.measure === "reached" && row.step !== undefined) cats = { reachedFrom: Number(row.step) };
      } else {
        continue;
      }
      const learners = typeof row.learners === "number" ? row.learners : null;
      const cell = { dims, period, cats, learners, row, request, table };
      if (row.value !== undefined || (row.learners === undefined && !row.suppressed)) {
        // A statistic: a published one says its group has at least k learners.
        if (typeof row.value === "number") b.stats.push(cell);
        continue;
      }
      if (cats === undefined) {
        throw new Error(`attacker does not know what ${table} row measures: ${JSON.stringify(row)}`);
      }
      b.cells.push(cell);
    }
  }
  // Resolve categories that depend on the whole block (interactions, funnels).
  for (const b of blocks.values()) {
    if (b.table === "outcomes") b.categories = [...OUTCOME_CATEGORIES];
    else if (b.table === "required") b.categories = ["on_time", "late", "not_done"];
    else if (b.table === "active") b.categories = ["active"];
    else if (b.table === "scores") {
      const bins = new Set();
      for (const c of b.cells) bins.add(c.cats[0]);
      b.categories = [...bins].sort();
    } else if (b.table === "interactions") {
      const rs = [...b.responses].sort();
      const pairs = [];
      for (const r of rs.length ? rs : ["(any)"]) for (const s of ["correct", "incorrect", "unknown"]) pairs.push(`${r}|${s}`);
      b.categories = pairs;
      for (const c of b.cells) {
        if (c.cats.response !== undefined) c.cats = pairs.filter((p) => p.startsWith(c.cats.response + "|"));
        else c.cats = pairs.filter((p) => p.endsWith("|" + c.cats.correctness));
      }
    } else if (b.table === "funnel") {
      const n = b.steps.length;
      b.categories = Array.from({ length: n }, (_, j) => `stop:${j + 1}`);
      for (const c of b.cells) {
        const from = c.cats.reachedFrom;
        c.cats = b.categories.filter((_, j) => j + 1 >= from);
      }
    } else b.categories = [];
    b.sensitive = sensitiveOf(b, passMark);
  }
  return { blocks };
}

function sensitiveOf(b, passMark) {
  if (b.table === "outcomes") return [{ name: "failed", cats: ["failed"] }];
  if (b.table === "required") {
    return [
      { name: "late", cats: ["late"] },
      { name: "not_done", cats: ["not_done"] },
      { name: "late or not_done", cats: ["late", "not_done"] },
    ];
  }
  if (b.table === "scores") {
    const low = b.categories.filter((c) => binHigh(c.slice(4)) <= passMark + 1e-9);
    const out = low.map((c) => ({ name: c, cats: [c] }));
    if (low.length > 1) out.push({ name: `below pass mark ${passMark}`, cats: low });
    return out;
  }
  if (b.table === "interactions") {
    return [{ name: "incorrect", cats: b.categories.filter((c) => c.endsWith("|incorrect")) }];
  }
  return [];
}
