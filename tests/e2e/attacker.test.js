// The attacker who knows the method (ANALYTICS.md, "An attacker who knows the
// method"; issue 16, "Protection"), against the real binary.
//
// A store with planted homogeneous groups is filled through /xapi with the
// LMS credential: a department (legal) whose quiz completers all failed, a
// small team (finance) all in one low score band, a department (board) below
// k, learners without a site ("(none)"). Then, as an analyst, every table the
// catalogue offers is requested (every activity, by none / each dimension /
// each pair, period all / day / week / month, funnels) and lib/attacker bounds
// every hidden cell and every nameable group's sensitive categories with
// linear and integer programming (npm highs; lib/attacker/implied.js). Expected: no hidden cell with a single
// feasible value, no group whose members all fall in a sensitive category for
// certain, no hidden cell in the span of the published ones. A failure here
// is a finding about the release, not about the test: the message names the
// cell and why.
//
// Bounded: at most ATTACK_MAX_SOLVES solves of at most 2 s each and a
// deadline; what the budget leaves undecided fails the test as `unresolved`.
// ATTACK_DUMP=FILE writes every released row there (to replay the attack).

import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { startLrs, REPO_ROOT } from "./lib/harness.js";
import { request } from "./lib/http.js";
import { attack, summary } from "./lib/attacker/index.js";
import { fetchEverything } from "./lib/attacker/fetch.js";
import { generateStore, DIMS, EXT, COURSE, QUIZ, REQUIRED, DUE, PASS_MARK, K } from "./lib/attacker/store.js";

const MAX_SOLVES = Number(process.env.ATTACK_MAX_SOLVES || 1500);
const DEADLINE_MS = Number(process.env.ATTACK_DEADLINE_MS || 50000);

function writeManifest(dir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "manifests", "default.json"), "utf8"));
  const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "manifests", "manifest.schema.json"), "utf8"));
  manifest.name = "Attacker e2e: three cohort dimensions from context extensions";
  manifest.k = K;
  manifest.cohort_dimensions = DIMS.map((id) => ({ id, source: `context.extensions.${EXT}${id}`, description: `The learner's ${id}.` }));
  if (schema.properties.analytics) {
    manifest.analytics = { ...(manifest.analytics || {}), pass_mark: PASS_MARK, required: [{ activity: REQUIRED, due: DUE }] };
  }
  const perms = JSON.stringify(schema).includes('"analytics:epoch"');
  if (perms && !manifest.roles.admin.includes("analytics:epoch")) manifest.roles.admin.push("analytics:epoch");
  delete manifest.$schema;
  const file = path.join(dir, "attacker-manifest.json");
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
  return file;
}

let lrs;
let manifestDir;
before(async () => {
  manifestDir = fs.mkdtempSync(path.join(process.env.TMPDIR || "/tmp", "lrs-attacker-"));
  lrs = await startLrs({ args: ["--manifest", writeManifest(manifestDir)] });
});
after(async () => {
  if (lrs) await lrs.stop();
  fs.rmSync(manifestDir, { recursive: true, force: true });
});

test("an attacker who knows the method pins no hidden cell and is certain of no group's outcome", { timeout: 88_000 }, async (t) => {
  const started = Date.now();
  const debug = (m) => process.env.ATTACK_DEBUG && process.stderr.write(`[${Date.now() - started} ms] ${m}\n`);
  const { statements, learners } = generateStore();
  for (let i = 0; i < statements.length; i += 250) {
    const res = await request(lrs, "/xapi/statements", { method: "POST", body: statements.slice(i, i + 250) });
    assert.equal(res.status, 200, `POST /xapi/statements: ${res.status} ${res.text.slice(0, 300)}`);
  }
  debug(`posted ${statements.length} statements`);
  // A new epoch sees them (the one from server start was empty).
  const epoch = await request(lrs, "/admin/epoch", { method: "POST", auth: lrs.adminAuth, version: null, body: {} });
  assert.equal(epoch.status, 200, `POST /admin/epoch: ${epoch.text}`);
  console.log(`epoch ${epoch.json.epoch.id}: utility ${JSON.stringify(epoch.json.utility)}`);

  debug("epoch built");
  let n = 0;
  const get = (p) => {
    if (++n % 50 === 0) debug(`${n} requests`);
    return request(lrs, p, { auth: lrs.analystAuth, version: null });
  };
  const { catalogue, released, requests, refused } = await fetchEverything(get, {
    funnels: [[COURSE, QUIZ], [COURSE, QUIZ, REQUIRED], [REQUIRED, COURSE]],
  });
  if (process.env.ATTACK_DUMP) fs.writeFileSync(process.env.ATTACK_DUMP, JSON.stringify(released));
  const rows = released.reduce((s, r) => s + r.rows.length, 0);
  console.log(`store: ${learners} learners, ${statements.length} statements; ${requests} requests (${refused.length} refused), ${rows} rows, epoch ${catalogue.epoch && catalogue.epoch.id}, fetched in ${Date.now() - started} ms`);
  assert.ok(rows > 0, "the catalogue released rows");
  assert.ok(released.some((r) => r.rows.some((row) => row.suppressed === true && row.learners === null)), "some cells are hidden (board is below k)");
  for (const r of released) for (const row of r.rows) {
    if (row.learners === null) assert.equal(row.suppressed, true, "one label for every hidden cell");
    assert.ok(!("reason" in row) && !("label" in row), `a hidden cell carries nothing but suppressed: ${JSON.stringify(row)}`);
    if (typeof row.learners === "number") assert.ok(row.learners === 0 || row.learners >= catalogue.k, `a published count is 0 or >= k: ${JSON.stringify(row)}`);
  }

  const report = await attack(released, {
    k: catalogue.k, passMark: PASS_MARK, cohortDimensions: catalogue.cohort_dimensions,
    maxSolves: MAX_SOLVES, timeLimit: 2, deadlineMs: DEADLINE_MS, witnesses: 6,
  });
  console.log(summary(report));
  console.log(`attack took ${Date.now() - started} ms in all`);
  const show = (xs) => xs.slice(0, 20).map((x) => JSON.stringify(x)).join("\n");
  assert.deepEqual(report.errors, [], "the attacker's model fits the release");
  await t.test("no hidden cell has a single feasible value", () =>
    assert.equal(report.pinned.length, 0, `hidden cells with a single feasible value:\n${show(report.pinned)}`));
  await t.test("no hidden cell is in the span of the published ones", () =>
    assert.equal(report.linear.length, 0, `hidden cells in the span of the published ones:\n${show(report.linear)}`));
  await t.test("no nameable group's members all fall in a sensitive category for certain", () =>
    assert.equal(report.certain.length, 0, `groups whose members all fall in a sensitive category for certain:\n${show(report.certain)}`));
  await t.test("every check was decided within the budget", () =>
    assert.equal(report.unresolved.length, 0, `undecided within the budget (${MAX_SOLVES} solves):\n${show(report.unresolved)}`));
});
