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
const periodMemo = new Map();
function periodOf(kind, day) {
  if (kind === "day") return day;
  const key = kind + day;
  let v = periodMemo.get(key);
  if (v !== undefined) return v;
  if (kind === "week") v = weekStart(day);
  else if (kind === "month") v = monthStart(day);
  else throw new Error(`unknown period ${kind}`);
  periodMemo.set(key, v);
  return v;
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
  // index: (cat, period kind, period start) -> vars
  const byPlace = new Map();
  vars.forEach((v, i) => {
    for (const kind of ["all", "day", "week", "month"]) {
      if (kind !== "all" && v.day === "(all)") continue;
      const key = `${v.cat}\u0001${kind}\u0001${kind === "all" ? "" : periodOf(kind, v.day)}`;
      if (!byPlace.has(key)) byPlace.set(key, []);
      byPlace.get(key).push(i);
    }
  });
  for (const c of cells) {
    const dimIdx = Object.entries(c.dims).map(([d, v]) => [dims.indexOf(d), v]);
    c.vars = [];
    for (const cat of c.cats) {
      const key = `${cat}\u0001${c.period ? c.period.kind : "all"}\u0001${c.period ? c.period.start : ""}`;
      for (const i of byPlace.get(key) || []) {
        const t = vars[i].tuple;
        let ok = true;
        for (const [j, val] of dimIdx) if (t[j] !== val) { ok = false; break; }
        if (ok) c.vars.push(i);
      }
    }
    c.vars.sort((a, b) => a - b);
  }
  const varsOf = (c) => {
    const dimIdx = Object.entries(c.dims).map(([d, v]) => [dims.indexOf(d), v]);
    const cs = new Set(c.cats);
    const vs = [];
    for (const cat of cs) {
      const key = `${cat}\u0001${c.period ? c.period.kind : "all"}\u0001${c.period ? c.period.start : ""}`;
      for (const i of byPlace.get(key) || []) {
        const t = vars[i].tuple;
        if (dimIdx.every(([j, val]) => j >= 0 && t[j] === val)) vs.push(i);
      }
    }
    return vs.sort((a, b) => a - b);
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

/**
 * The solver for one model: one persistent HiGHS model (sparse rows, every
 * column integer), one objective per solve. Each published cell is a row
 * sum = value; the self-test's old labels add 1..k-1 ("primary") or 0 or >= k
 * with a binary ("secondary"); published statistics add sum >= k.
 */
export class BlockSolver {
  constructor(highs, model, options = {}) {
    this.highs = highs;
    this.model = model;
    this.k = options.k ?? 5;
    this.timeLimit = options.timeLimit ?? 2;
    this.solves = 0;
    this.witnesses = [];
    const nx = Math.max(model.vars.length, 1);
    const rows = []; // [lower, upper, [[col, coef]...]]
    let nz = 0; // binaries after the x columns
    const sum = (vs) => vs.map((i) => [i, 1]);
    const seenRows = new Map(); // one equality per distinct set of inner cells
    for (const c of model.cells) {
      if (c.learners !== null) {
        const key = c.vars.join(",");
        if (seenRows.has(key) && seenRows.get(key) === c.learners) continue;
        seenRows.set(key, c.learners);
        rows.push([c.learners, c.learners, sum(c.vars)]); // an empty row with learners > 0: infeasible, the model is wrong
      } else if (c.label === "primary") {
        rows.push([1, this.k - 1, sum(c.vars)]);
      } else if (c.label === "secondary") {
        const z = nx + nz++;
        rows.push([0, Infinity, sum(c.vars).concat([[z, -this.k]])]);
        rows.push([-Infinity, 0, sum(c.vars).concat([[z, -UNBOUNDED]])]);
      }
    }
    for (const s of model.stats) if (s.vars.length) rows.push([this.k, Infinity, sum(s.vars)]);
    const n = nx + nz;
    const starts = [0], indices = [], values = [];
    for (const [, , entries] of rows) {
      for (const [c, v] of entries) {
        indices.push(c);
        values.push(v);
      }
      starts.push(indices.length);
    }
    const inf = highs.infinity ?? Infinity;
    const fix = (v) => (v === Infinity ? inf : v === -Infinity ? -inf : v);
    // each inner cell is at most the smallest published cell that holds it
    const colUpper = new Float64Array(n).fill(UNBOUNDED);
    for (const c of model.cells) {
      if (c.learners === null) continue;
      for (const i of c.vars) if (c.learners < colUpper[i]) colUpper[i] = c.learners;
    }
    for (let i = nx; i < n; i++) colUpper[i] = 1;
    this.n = n;
    this.nv = nx;
    this.hm = highs.createModel({
      numCols: n,
      numRows: rows.length,
      colCost: new Float64Array(n),
      colLower: new Float64Array(n),
      colUpper,
      rowLower: Float64Array.from(rows.map((r) => fix(r[0]))),
      rowUpper: Float64Array.from(rows.map((r) => fix(r[1]))),
      matrix: { format: "csr", numRows: rows.length, numCols: n, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) },
    });
    // Solved as an LP first: these matrices are nearly totally unimodular, so
    // the LP optimum is almost always integral, and an integral LP optimum is
    // the MIP optimum. Only a fractional one is solved again as a MIP.
    this.lpSolves = 0;
    this.mipSolves = 0;
    this.hm.options.set({ output_flag: false, time_limit: this.timeLimit, mip_rel_gap: 0, mip_abs_gap: 0.5 });
  }

  dispose() {
    if (this.hm) this.hm.dispose();
    this.hm = null;
  }

  /** sense "Maximize" | "Minimize"; terms: [[varIndex, coef]]. Returns {status, value, x}. */
  solve(sense, terms) {
    this.solves++;
    const cost = new Float64Array(this.n);
    for (const [i, c] of terms) cost[i] += c;
    const hm = this.hm;
    const C = this.highs.constants;
    const all = { kind: "range", from: 0, to: this.n - 1 };
    const integral = (col) => {
      for (let i = 0; i < col.length; i++) if (Math.abs(col[i] - Math.round(col[i])) > 1e-6) return false;
      return true;
    };
    let col;
    try {
      hm.changeColsCost(all, cost);
      hm.changeObjectiveSense(sense === "Maximize" ? C.objectiveSense.maximize : C.objectiveSense.minimize);
      hm.zeroAllClocks();
      hm.run();
      this.lpSolves++;
      let st = hm.getModelStatus();
      col = st === C.modelStatus.optimal ? hm.getSolution().colValue : null;
      const fractional = col !== null && !integral(col);
      if (col && (this.lpOnly || (fractional && this.mipOnFractional === false))) {
        // LP relaxation only (the MIP was out of time, or the caller asked for
        // the LP): a sound bound, not an integer point; a fractional vertex
        // says the block is not integral
        if (fractional) this.sawFractional = true;
        const x = Float64Array.from(col.slice(0, this.nv));
        this.witnesses.push(x);
        return { status: "Optimal", value: hm.getObjectiveValue(), x, relaxed: true };
      }
      if (st !== C.modelStatus.infeasible && (!col || fractional)) {
        this.mipSolves++;
        hm.changeColsIntegrality(all, new Int32Array(this.n).fill(C.variableType.integer));
        hm.zeroAllClocks();
        hm.run();
        st = hm.getModelStatus();
        col = st === C.modelStatus.optimal ? hm.getSolution().colValue : null;
        hm.changeColsIntegrality(all, new Int32Array(this.n).fill(C.variableType.continuous));
      }
      if (!col) {
        const name = Object.entries(C.modelStatus).find(([, v]) => v === st);
        return { status: name ? name[0] : String(st), value: NaN };
      }
    } catch (e) {
      return { status: `error: ${e.message}`, value: NaN };
    }
    const x = new Float64Array(this.nv);
    for (let i = 0; i < this.nv; i++) x[i] = Math.round(col[i]);
    this.witnesses.push(x);
    if (process.env.ATTACK_DEBUG_SOLVES) console.error(`    solve: ${this.lpSolves} lp, ${this.mipSolves} mip`);
    return { status: "Optimal", value: Math.round(hm.getObjectiveValue()), x };
  }

  /** Random objectives: feasible integer points that prove cells are not pinned. */
  sampleWitnesses(count, rng, budgetLeft = () => true) {
    for (let t = 0; t < count; t++) {
      if (t > 0 && !budgetLeft()) break;
      if (t === 0 && this.witnesses.length === 0) {
        // first a plain feasibility solve: infeasible means the model is wrong
        // (a longer time limit: a fractional vertex goes on to branch and bound)
        this.hm.options.set({ time_limit: this.timeLimit * 4 });
        // a random objective: its LP vertex is integral far more often than a plain feasibility solve's
        const terms = [];
        for (let i = 0; i < this.model.vars.length; i++) terms.push([i, 1 + Math.floor(rng() * 5)]);
        const r = this.solve("Minimize", terms);
        this.hm.options.set({ time_limit: this.timeLimit });
        if (r.status !== "Optimal") return r;
        continue;
      }
      const terms = [];
      for (let i = 0; i < this.model.vars.length; i++) {
        const c = Math.round((rng() * 2 - 1) * 20);
        if (c) terms.push([i, c]);
      }
      const r = this.solve("Maximize", terms);
      if (r.status === "infeasible") return r; // a time limit only costs a witness
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

/** The linear check: hidden cells whose rows are in the span of published rows. */
export function linearLeaks(model) {
  const pub = model.cells.filter((c) => c.learners !== null).map((c) => c.vars);
  const hid = model.cells.filter((c) => c.learners === null);
  const idx = hiddenInSpan(pub, hid.map((c) => c.vars));
  return idx.map((i) => hid[i]);
}

export { UNBOUNDED };
