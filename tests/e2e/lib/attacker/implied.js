// The exact linear-programming attacker over one block, in two steps:
//  1. implied zeros: the inner cells every non-negative solution of the
//     published cells (and of "a published median's group holds at least k")
//     holds at 0, found with one LP (HiGHS): maximise the sum of t_j subject
//     to A x = lambda b, x >= 0, lambda >= 0, 0 <= t_j <= x_j, t_j <= 1. After
//     scaling and adding solutions every cell that can be positive reaches
//     t_j = 1 at once, so t_j is 1 exactly where x_j is not implied. A median's
//     row gets a slack (its sum minus k), decided the same way: a slack
//     implied 0 makes the row an equality the analyst knows.
//  2. pinned: the solutions span the same affine space as the published
//     equalities with the implied zeros fixed (a solution positive on every
//     other cell exists), so a hidden cell has one LP-feasible value exactly
//     when its row without the implied zeros is in the span of the published
//     rows without them (rank.js), or has no cell left (pinned at 0).
// A nameable group's members are all in a sensitive category for certain
// (max of its other part is 0) exactly when its other part's inner cells are
// all implied zeros. Sound and complete for the LP relaxation; integer-only
// pins (an LP range narrower than one learner) are the witnesses' job
// (index.js).

import { hiddenInSpan } from "./rank.js";

/** model: buildModel's; k: the k of the release. Returns a Set of implied-zero var indices. */
export function impliedZeros(highs, model, k) {
  const n = model.vars.length;
  if (n === 0) return new Set();
  const stats = model.stats.filter((s) => s.vars.length);
  const lines = ["Maximize", " obj: " + termList(Array.from({ length: n }, (_, j) => `t${j}`).concat(stats.map((_, i) => `ts${i}`))), "Subject To"];
  let r = 0;
  const seen = new Set();
  for (const c of model.cells) {
    if (c.learners === null || c.vars.length === 0) continue;
    const key = c.vars.join(",");
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(` p${r++}: ${termList(c.vars.map((i) => `x${i}`))}${c.learners ? ` - ${c.learners} lam` : ""} = 0`);
  }
  stats.forEach((s, i) => lines.push(` q${i}: ${termList(s.vars.map((j) => `x${j}`))} - s${i} - ${k} lam = 0`));
  for (let j = 0; j < n; j++) lines.push(` t_${j}: t${j} - x${j} <= 0`);
  stats.forEach((_, i) => lines.push(` ts_${i}: ts${i} - s${i} <= 0`));
  lines.push("Bounds");
  for (let j = 0; j < n; j++) lines.push(` 0 <= t${j} <= 1`);
  stats.forEach((_, i) => lines.push(` 0 <= ts${i} <= 1`));
  lines.push("End");
  const sol = highs.solve(lines.join("\n"));
  if (sol.Status !== "Optimal") throw new Error(`implied zeros: ${sol.Status}`);
  const implied = new Set();
  for (let j = 0; j < n; j++) if (sol.Columns[`t${j}`].Primal < 0.5) implied.add(j);
  const tightStats = stats.filter((_, i) => sol.Columns[`ts${i}`].Primal < 0.5);
  return Object.assign(implied, { tightStats });
}

function termList(names) {
  return names.length ? names.join(" + ") : "0 x0";
}

/**
 * The LP-pinned hidden cells of a model given its implied zeros: those whose
 * row without implied zeros is empty or in the span of the published rows
 * (and tight median rows) without them. Returns [{cell, value}] (value only
 * known for an empty row: 0).
 */
export function pinnedByBounds(model, implied) {
  const keep = (vars) => vars.filter((i) => !implied.has(i));
  const pub = model.cells.filter((c) => c.learners !== null).map((c) => keep(c.vars));
  for (const s of implied.tightStats || []) pub.push(keep(s.vars));
  const hidden = model.cells.filter((c) => c.learners === null);
  const out = [];
  const rest = [];
  for (const c of hidden) {
    const vars = keep(c.vars);
    if (vars.length === 0) out.push({ cell: c, value: 0 });
    else rest.push({ cell: c, vars });
  }
  for (const i of hiddenInSpan(pub.filter((v) => v.length), rest.map((x) => x.vars))) out.push({ cell: rest[i].cell, value: null });
  return out;
}
