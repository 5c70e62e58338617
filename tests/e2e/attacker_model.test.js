// The attacker bites: hand-built releases with known leaks, no server.
// Each release is a list of requests with rows in the shape GET
// /analytics/tables/{id} answers; lib/attacker must pin or find each leak,
// and find nothing in a safe release.

import test from "node:test";
import assert from "node:assert/strict";
import { attack, summary } from "./lib/attacker/index.js";

const A = "https://example.com/course/a";
const Q = "https://example.com/quiz/q";
const H = null; // a hidden cell

function rel(table, by, period, rows) {
  return {
    table,
    request: { by, period },
    rows: rows.map((r) => {
      const row = { ...r };
      if (row.learners === H) row.suppressed = true;
      return row;
    }),
  };
}
const opts = { k: 5, cohortDimensions: ["department", "site"], maxSolves: 400, deadlineMs: 20000 };

test("a total minus the visible cells pins the hidden one", async () => {
  const released = [
    rel("active", [], "all", [{ activity: A, measure: "active", learners: 20 }]),
    rel("active", ["department"], "all", [
      { activity: A, department: "sales", measure: "active", learners: 8 },
      { activity: A, department: "hr", measure: "active", learners: 9 },
      { activity: A, department: "legal", measure: "active", learners: H },
    ]),
  ];
  const r = await attack(released, opts);
  console.log(summary(r));
  assert.equal(r.pinned.length, 1);
  assert.match(r.pinned[0].cell, /department=legal/);
  assert.equal(r.pinned[0].value, 3);
  assert.equal(r.linear.length, 1, "the rank test sees it too");
});

// Outcomes of one activity: three departments, four days. Legal (4 learners,
// one a day) and hr (6) hidden; the old design labelled legal's cells
// "primary" (1 to k-1) and hr's "secondary" (0 or >= k).
function labelledRelease() {
  const days = ["2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08"];
  const byDay = [8, 7, 8, 7]; // sales 5+4+5+6 = 20, legal 1 each, hr 2+2+2+0 = 6
  const out = [];
  const measures = ["attempted"];
  for (const m of measures) {
    out.push(rel("outcomes", [], "all", [{ activity: A, measure: m, learners: 30 }]));
    out.push(rel("outcomes", ["department"], "all", [
      { activity: A, department: "sales", measure: m, learners: 20 },
      { activity: A, department: "hr", measure: m, learners: H, truth: 6 },
      { activity: A, department: "legal", measure: m, learners: H, truth: 4 },
    ]));
    out.push(rel("outcomes", [], "day", days.map((d, i) => ({ activity: A, period: d, measure: m, learners: byDay[i] }))));
    const sales = [5, 4, 5, 6];
    out.push(rel("outcomes", ["department"], "day", days.flatMap((d, i) => [
      { activity: A, period: d, department: "sales", measure: m, learners: H, truth: sales[i] },
      { activity: A, period: d, department: "legal", measure: m, learners: H, truth: 1 },
      ...(i < 3 ? [{ activity: A, period: d, department: "hr", measure: m, learners: H, truth: 2 }] : []),
    ])));
  }
  return out;
}

test("labels: 'primary' (1..k-1) and 'secondary' (0 or >= k) pin cells that one label leaves open", async () => {
  // the old design: a hidden cell of 1 to k-1 said "primary", any other hidden one "secondary"
  const labels = (b, c) => (c.learners !== null ? undefined : c.row.truth < 5 ? "primary" : "secondary");
  const leaky = await attack(labelledRelease(), { ...opts, labels });
  console.log("with two labels:\n" + summary(leaky));
  const legal = leaky.pinned.find((p) => /department=legal/.test(p.cell) && !/day=/.test(p.cell));
  assert.ok(legal, "legal's total is pinned: four primary days each hold at least 1, the total at most 4");
  assert.equal(legal.value, 4);
  assert.ok(leaky.pinned.some((p) => /department=hr/.test(p.cell) && !/day=/.test(p.cell) && p.value === 6), "hr follows from the total");
  assert.equal(leaky.linear.length, 0, "no linear leak: only the labels' bounds pin them");

  const safe = await attack(labelledRelease(), opts);
  console.log("with one label:\n" + summary(safe));
  assert.deepEqual(safe.pinned.map((p) => p.cell), []);
});

test("labels: a 'secondary' 0 inside a small group says nobody there passed", async () => {
  const released = [
    rel("outcomes", ["department"], "all", [
      { activity: A, department: "legal", measure: "attempted", learners: H },
      { activity: A, department: "legal", measure: "passed", learners: H },
      { activity: A, department: "sales", measure: "attempted", learners: 12 },
      { activity: A, department: "sales", measure: "passed", learners: 6 },
    ]),
  ];
  const labels = (b, c) => (c.learners !== null ? undefined : c.row.measure === "passed" ? "secondary" : "primary");
  const r = await attack(released, { ...opts, labels });
  console.log(summary(r));
  assert.ok(r.pinned.some((p) => /legal/.test(p.cell) && /measure=passed/.test(p.cell) && p.value === 0));
  assert.equal(r.linear.length, 0, "not a linear leak");
  const plain = await attack(released, opts);
  assert.deepEqual(plain.pinned, [], "one label: legal's passed stays open");
});

test("passed: 0 beside completed: 7 with failed hidden: all seven failed", async () => {
  const released = [
    rel("outcomes", [], "all", [
      { activity: Q, measure: "attempted", learners: 40 },
      { activity: Q, measure: "completed", learners: 40 },
      { activity: Q, measure: "passed", learners: 25 },
      { activity: Q, measure: "failed", learners: 15 },
    ]),
    rel("outcomes", ["department"], "all", [
      { activity: Q, department: "legal", measure: "attempted", learners: 7 },
      { activity: Q, department: "legal", measure: "completed", learners: 7 },
      { activity: Q, department: "legal", measure: "passed", learners: 0 },
      { activity: Q, department: "legal", measure: "failed", learners: H },
      { activity: Q, department: "sales", measure: "attempted", learners: 33 },
      { activity: Q, department: "sales", measure: "completed", learners: 33 },
      { activity: Q, department: "sales", measure: "passed", learners: 25 },
      { activity: Q, department: "sales", measure: "failed", learners: H },
    ]),
  ];
  const r = await attack(released, opts);
  console.log(summary(r));
  assert.ok(r.pinned.some((p) => /legal/.test(p.cell) && /failed/.test(p.cell) && p.value === 7), "legal's failed is pinned to 7");
  assert.ok(r.certain.some((c) => /legal/.test(c.cell) && c.category === "failed"), "the group legal is certain to have failed");
});

test("a score bin holding a whole group is found", async () => {
  const bins = ["0.0-0.1", "0.1-0.2", "0.2-0.3", "0.3-0.4", "0.4-0.5", "0.5-0.6", "0.6-0.7", "0.7-0.8", "0.8-0.9", "0.9-1.0"];
  const team = { "0.2-0.3": 6 };
  const rest = { "0.2-0.3": 4, "0.5-0.6": 7, "0.6-0.7": 9, "0.8-0.9": 6 };
  const released = [
    rel("scores", [], "all", bins.filter((b) => (team[b] || 0) + (rest[b] || 0)).map((b) => ({ activity: Q, bin: b, measure: "learners", learners: (team[b] || 0) + (rest[b] || 0) }))),
    rel("scores", ["department"], "all", [
      { activity: Q, department: "ops", bin: "0.2-0.3", measure: "learners", learners: 6 },
      ...Object.entries(rest).map(([b, n]) => ({ activity: Q, department: "sales", bin: b, measure: "learners", learners: n < 5 ? H : n })),
    ]),
  ];
  const r = await attack(released, { ...opts, passMark: 0.5 });
  console.log(summary(r));
  // ops's only listed bin is 0.2-0.3: every member of ops (a nameable group) is in it
  assert.ok(r.certain.some((c) => /department=ops/.test(c.cell) && c.category === "bin:0.2-0.3"), "every member of ops is in bin 0.2-0.3");
});

test("a safe release: nothing pinned, no certain group, no linear leak", async () => {
  const row = (department, measure, learners) => ({ activity: A, ...(department ? { department } : {}), measure, learners });
  const released = [
    rel("outcomes", [], "all", [row(null, "attempted", 60), row(null, "completed", 50), row(null, "passed", 30), row(null, "failed", 15)]),
    rel("outcomes", ["department"], "all", [
      row("a", "attempted", 25), row("a", "completed", 20), row("a", "passed", 12), row("a", "failed", 6),
      row("b", "attempted", 20), row("b", "completed", 17), row("b", "passed", 10), row("b", "failed", 5),
      row("c", "attempted", H), row("c", "completed", H), row("c", "passed", H), row("c", "failed", H),
      row("d", "attempted", H), row("d", "completed", H), row("d", "passed", H), row("d", "failed", H),
    ]),
  ];
  const r = await attack(released, opts);
  console.log(summary(r));
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.pinned, []);
  assert.deepEqual(r.certain, []);
  assert.deepEqual(r.linear, []);
  assert.deepEqual(r.unresolved, []);
  assert.equal(r.hidden, 8);
});

test("at the real test's size, a release with primary suppression only is caught", { timeout: 60_000 }, async () => {
  const { generateStore, DIMS, EXT, COURSE, QUIZ, QUESTION, REQUIRED, DUE } = await import("./lib/attacker/store.js");
  const { simulateRelease } = await import("./lib/attacker/simulate.js");
  const { statements } = generateStore();
  const released = simulateRelease(statements, {
    dims: DIMS, ext: EXT, k: 5, question: QUESTION, required: { activity: REQUIRED, due: DUE }, funnels: [[COURSE, QUIZ]],
  });
  const r = await attack(released, { k: 5, passMark: 0.5, cohortDimensions: DIMS, maxSolves: 300, deadlineMs: 20000 });
  console.log(summary(r));
  assert.deepEqual(r.errors, [], "the attacker's model fits a release made by its own reading of the method");
  assert.ok(r.linear.length > 0, "totals minus visible cells");
  assert.ok(r.pinned.length > 0, "pinned cells");
  assert.ok(r.certain.some((c) => /department=(legal|finance)/.test(c.cell)), "a planted homogeneous group is certain");
});
