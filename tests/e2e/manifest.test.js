// The data manifest at work: under manifests/moodle.json a statement shaped
// like Moodle's xAPI logstore output (learner's full name as actor.name, an
// account with the Moodle user id) is stored without what the manifest drops
// (names, typed answers, activity names, the grader, the IP address and
// session extensions) and reads back as valid xAPI without them; none of it
// is in any file of the data directory. A bad manifest stops `lrs serve`
// with exit status 2 and one line naming the field.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startLrs, LRS_BIN, REPO_ROOT } from "./lib/harness.js";
import { identitiesOnDisk, agentNeedles } from "./lib/disk.js";
import { request } from "./lib/http.js";
import { tag, moodleStatement, collectAll } from "./lib/statements.js";

const MOODLE_MANIFEST = path.join(REPO_ROOT, "manifests", "moodle.json");
const INFO = "http://lrs.learninglocker.net/define/extensions/info";
const IP_ADDRESS = "http://id.tincanapi.com/extension/ip-address";
const SESSION_ID = "http://xapi.jisc.ac.uk/sessionId";

let lrs;
before(async () => {
  lrs = await startLrs({ args: ["--manifest", MOODLE_MANIFEST] });
});
after(async () => {
  await lrs?.stop();
});

/** A graded essay the way the logstore sends it, with everything it may carry. */
function gradedEssay(t) {
  const s = moodleStatement(t, 0);
  s.verb = { id: "http://adlnet.gov/expapi/verbs/answered", display: { en: "answered" } };
  s.result = {
    score: { raw: 7, min: 0, max: 10, scaled: 0.7 },
    success: true,
    completion: true,
    duration: "PT12M",
    response: `My essay about my manager ${t}`,
  };
  s.context.registration = "e6a4b5c2-7d3f-4b61-9a8e-2f1c0d9e8b7a";
  s.context.instructor = { name: `Grading Teacher ${t}`, account: { homePage: "https://moodle.example.org", name: `teacher-${t}` } };
  s.context.extensions = {
    [INFO]: { "http://moodle.org": "4.3", event_name: "\\mod_quiz\\event\\attempt_submitted" },
    [IP_ADDRESS]: `203.0.113.${(t.charCodeAt(0) % 200) + 1}`,
    [SESSION_ID]: `session-${t}`,
    "http://xapi.jisc.ac.uk/statementCat": "VLE",
  };
  s.object.definition.name = { en: `Forum subject written by a learner ${t}` };
  return s;
}

test("Moodle statements are stored without the names and the rest the manifest drops", async () => {
  const t = tag();
  const sent = gradedEssay(t);
  const xapi = lrs.client();
  const res = await xapi.sendStatements({ statements: [sent] });
  assert.deepEqual(res.data, [sent.id]);

  // The LMS reads it back: its account, but no name, and only what is kept.
  const got = (await xapi.getStatement({ statementId: sent.id })).data;
  assert.deepEqual(got.actor, { objectType: "Agent", account: sent.actor.account });
  assert.deepEqual(got.verb, sent.verb);
  assert.deepEqual(got.object, { objectType: "Activity", id: sent.object.id });
  assert.deepEqual(got.result, { score: sent.result.score, success: true, completion: true, duration: "PT12M" });
  assert.equal(got.context.registration, sent.context.registration);
  assert.equal(got.context.platform, "Moodle");
  assert.equal(got.context.language, "en");
  assert.equal(got.context.instructor, undefined, "the grader is not kept");
  assert.deepEqual(Object.keys(got.context.extensions).sort(), [INFO, "http://xapi.jisc.ac.uk/statementCat"].sort());
  assert.deepEqual(got.context.extensions[INFO], sent.context.extensions[INFO]);
  for (const list of Object.values(got.context.contextActivities)) {
    for (const activity of list) assert.equal(activity.definition, undefined, "activity names are dropped");
  }
  assert.deepEqual(
    got.context.contextActivities.grouping.map((a) => a.id),
    sent.context.contextActivities.grouping.map((a) => a.id),
  );

  // Queries by the Moodle account still find the learner.
  const mine = await collectAll(xapi, { agent: { account: sent.actor.account } });
  assert.deepEqual(mine.statements.map((s) => s.id), [sent.id]);

  // Nothing dropped is in any file, while running and after a clean stop.
  const needles = [
    ...agentNeedles(sent.actor),
    ...agentNeedles(sent.context.instructor),
    sent.result.response,
    sent.context.extensions[IP_ADDRESS],
    sent.context.extensions[SESSION_ID],
    sent.object.definition.name.en,
  ];
  assert.ok(needles.includes(sent.actor.name));
  assert.deepEqual(identitiesOnDisk(lrs, needles), [], "dropped data on disk while the server runs");
  await lrs.shutdown();
  assert.deepEqual(identitiesOnDisk(lrs, needles), [], "dropped data on disk after a clean stop");
  assert.deepEqual(needles.filter((n) => lrs.output().includes(n)), [], "dropped data in the server's output");
  await lrs.restart();
});

test("a Moodle batch is stored whole, every name dropped, every statement valid on read", async () => {
  const t = tag();
  const batch = Array.from({ length: 10 }, (_, i) => moodleStatement(t, i));
  const xapi = lrs.client();
  const res = await xapi.sendStatements({ statements: batch });
  assert.deepEqual(res.data, batch.map((s) => s.id));
  for (const s of batch) {
    const got = (await xapi.getStatement({ statementId: s.id })).data;
    assert.equal(got.actor.name, undefined);
    assert.deepEqual(got.actor.account, s.actor.account);
    // What was read back is itself a statement this LRS accepts (valid xAPI).
    const { id, stored, authority, version, ...again } = got;
    const put = await request(lrs, "/xapi/statements", { method: "POST", body: again });
    assert.equal(put.status, 200, put.text);
  }
  const names = [...new Set(batch.map((s) => s.actor.name))];
  assert.deepEqual(identitiesOnDisk(lrs, names), []);
});

/** Runs `lrs serve` with `manifest` (an object) and returns {status, stderr}. */
function serveWith(manifest) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "lrs-e2e-manifest-"));
  try {
    const file = path.join(root, "bad.json");
    fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
    const run = spawnSync(
      LRS_BIN,
      ["serve", "--listen", "127.0.0.1:1", "--data", path.join(root, "data"), "--manifest", file],
      { cwd: REPO_ROOT, encoding: "utf8", timeout: 20_000 },
    );
    return { status: run.status, stderr: run.stderr, stdout: run.stdout };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const moodle = () => JSON.parse(fs.readFileSync(MOODLE_MANIFEST, "utf8"));
const badManifests = [
  ["a bad consent mode", (m) => { m.consent.mode = "maybe"; }, "$.consent.mode"],
  ["k below 2", (m) => { m.k = 1; }, "$.k"],
  ["a missing field", (m) => { delete m.retention; }, "$.retention"],
  ["an unknown permission", (m) => { m.roles.lms.push("statements:delete"); }, "$.roles.lms[6]"],
  ["an unknown role", (m) => { m.roles.teacher = ["statements:read"]; }, "$.roles.teacher"],
  ["an undeclared consent purpose", (m) => { m.consent.purposes.push("marketing"); }, "$.consent.purposes[2]"],
  ["an ill-typed keep field", (m) => { m.keep.display_names = "no"; }, "$.keep.display_names"],
];

for (const [what, breakIt, field] of badManifests) {
  test(`lrs serve --manifest with ${what} exits 2 with one line naming ${field}`, () => {
    const m = moodle();
    breakIt(m);
    const run = serveWith(m);
    assert.equal(run.status, 2, `exit status; stderr: ${run.stderr}`);
    const lines = run.stderr.trim().split("\n");
    assert.equal(lines.length, 1, run.stderr);
    assert.ok(lines[0].includes(` ${field} `), `names ${field}: ${lines[0]}`);
    assert.ok(!run.stdout.includes("listening"), "never served");
  });
}
