// A stand-in release for the self-test: the catalogue's rows computed in JS
// from statements (the attacker's reading of the method), with a pluggable
// suppression (primary only by default: every cell of 1 to k-1 hidden, nothing
// else). Not the server's algorithm: it shows that the attacker finds the
// leaks a naive release has, at the size of the real test.

import { OUTCOME_MEASURES } from "./blocks.js";

const ADL = "http://adlnet.gov/expapi/verbs/";
const BINS = Array.from({ length: 10 }, (_, i) => `${(i / 10).toFixed(1)}-${((i + 1) / 10).toFixed(1)}`);
function binOf(s) {
  if (s < 0) return "below-0";
  return BINS[Math.min(9, Math.floor(s * 10 + 1e-9))];
}

/** statements -> per (learner, activity): {day, cohort, category...} */
function learnerFacts(statements, { dims, ext, required, question }) {
  const m = new Map();
  for (const s of statements) {
    const key = s.actor.mbox + "|" + s.object.id;
    const cohort = {};
    for (const d of dims) cohort[d] = (s.context.extensions || {})[ext + d] ?? "(none)";
    if (!m.has(key)) m.set(key, { learner: s.actor.mbox, activity: s.object.id, day: s.timestamp.slice(0, 10), cohort, verbs: new Set() });
    const f = m.get(key);
    f.verbs.add(s.verb.id.slice(ADL.length));
    const r = s.result || {};
    if (r.completion) f.verbs.add("completed");
    if (r.success === true) f.verbs.add("passed");
    if (r.success === false && s.object.id !== question) f.verbs.add("failed");
    if (r.score && typeof r.score.scaled === "number") f.score = Math.max(f.score ?? -Infinity, r.score.scaled);
    if (s.object.id === question && r.response !== undefined) {
      f.response = String(r.response);
      f.success = r.success;
    }
    if (s.object.id === required.activity && f.verbs.has("completed")) f.doneDay = s.timestamp.slice(0, 10);
  }
  return [...m.values()];
}

function periodStart(kind, day) {
  if (kind === "day") return day;
  if (kind === "month") return day.slice(0, 8) + "01";
  const d = new Date(day + "T00:00:00Z");
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86400000).toISOString().slice(0, 10);
}

/**
 * Returns released [{table, request, rows}] for every table, activity, by
 * (none, each dimension, each pair) and period, plus the funnels given.
 * hide(learners, cell) -> true to suppress (default: 1..k-1).
 */
export function simulateRelease(statements, options) {
  const { dims, k = 5, funnels = [], passMark = 0.5 } = options;
  const hide = options.hide || ((n) => n > 0 && n < k);
  const facts = learnerFacts(statements, options);
  const bys = [[]];
  dims.forEach((d, i) => {
    bys.push([d]);
    for (const e of dims.slice(i + 1)) bys.push([d, e]);
  });
  const periods = ["all", "day", "week", "month"];
  // (table, fact) -> list of [measure, extra row fields] the learner counts in
  const entries = [];
  for (const f of facts) {
    const v = f.verbs;
    const attempted = v.has("attempted") || v.has("completed") || v.has("passed") || v.has("failed") || v.has("answered");
    const cat = v.has("passed") ? "passed" : v.has("failed") ? "failed" : v.has("completed") ? "completed_no_result" : "attempted_only";
    entries.push({ table: "active", f, measure: "active" });
    if (attempted && f.activity !== options.question) {
      for (const [m, cats] of Object.entries(OUTCOME_MEASURES)) if (cats.includes(cat)) entries.push({ table: "outcomes", f, measure: m });
    }
    if (f.score !== undefined) entries.push({ table: "scores", f, measure: "learners", extra: { bin: binOf(f.score) } });
    if (f.activity === options.required.activity) {
      const m = f.doneDay ? (f.doneDay <= options.required.due ? "on_time" : "late") : "not_done";
      entries.push({ table: "required", f, measure: m });
    }
    if (f.activity === options.question && f.response !== undefined) {
      entries.push({ table: "interactions", f, measure: "learners", extra: { response: f.response } });
      if (f.success !== undefined) entries.push({ table: "interactions", f, measure: f.success ? "correct" : "incorrect" });
    }
  }
  // funnels: learners by the number of steps completed in order, placed at step 1
  const byLearner = new Map();
  for (const f of facts) {
    if (!byLearner.has(f.learner)) byLearner.set(f.learner, new Map());
    byLearner.get(f.learner).set(f.activity, f);
  }
  const released = [];
  const emit = (table, request, list) => {
    for (const by of bys) {
      for (const period of periods) {
        const groups = new Map();
        for (const e of list) {
          const row = { activity: e.activity ?? e.f.activity };
          if (e.activity === null) delete row.activity;
          for (const d of by) row[d] = e.f.cohort[d];
          if (period !== "all") row.period = periodStart(period, e.f.day);
          Object.assign(row, e.extra || {});
          row.measure = e.measure;
          const key = JSON.stringify(row);
          if (!groups.has(key)) groups.set(key, { row, n: 0 });
          groups.get(key).n++;
        }
        const rows = [...groups.values()].map(({ row, n }) => (hide(n, row) ? { ...row, learners: null, suppressed: true } : { ...row, learners: n }));
        released.push({ table, request: { ...request, by, period }, rows });
      }
    }
  };
  for (const t of ["active", "outcomes", "scores", "required", "interactions"]) emit(t, {}, entries.filter((e) => e.table === t));
  for (const steps of funnels) {
    const list = [];
    for (const acts of byLearner.values()) {
      let j = 0;
      while (j < steps.length && acts.get(steps[j]) && acts.get(steps[j]).verbs.has("completed")) j++;
      for (let i = 1; i <= j; i++) list.push({ f: acts.get(steps[0]), activity: null, measure: "reached", extra: { step: i } });
    }
    emit("funnel", { steps }, list);
  }
  void passMark;
  return released;
}
