// Analytics facts on disk (issue 16), against the real binary and the file it
// writes: a statement makes its learner's facts under their pseudonym, with
// the default manifest's cohort (context.platform); erasure takes them; a
// learner without consent, or who withdrew only "analytics", gets none.
// Read with the sqlite3 program (scripts/setup.sh installs it).

import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { startLrs } from "./lib/harness.js";
import { request } from "./lib/http.js";
import { tag, mboxAgent, simpleStatement, VERBS } from "./lib/statements.js";

const call = (lrs, method, pathAndQuery, body) => request(lrs, pathAndQuery, { method, body, version: null });
const agentQuery = (agent) => `agent=${encodeURIComponent(JSON.stringify(agent))}`;
const quoted = (text) => `'${text.replaceAll("'", "''")}'`;

function sql(lrs, query) {
  const run = spawnSync("sqlite3", ["-readonly", "-separator", "|", path.join(lrs.dataDir, "lrs.db"), query], {
    encoding: "utf8",
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.split("\n").filter(Boolean).map((line) => line.split("|"));
}

async function store(lrs, statements) {
  const res = await request(lrs, "/xapi/statements", { method: "POST", body: statements });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function pseudonymOf(lrs, agent) {
  const issued = await call(lrs, "POST", "/privacy/tokens", { agent });
  assert.equal(issued.status, 200, issued.text);
  const me = await request(lrs, "/privacy/me", { auth: `Bearer ${issued.json.token}`, version: null });
  assert.equal(me.status, 200, me.text);
  return me.json.pseudonym;
}

function completion(t, actor, n) {
  const s = simpleStatement(t, { actor, verb: VERBS.completed, n });
  s.result = { completion: true, success: true, score: { scaled: 0.75 }, duration: "PT10M" };
  s.context = { platform: "Moodle" };
  return s;
}

const factsOf = (lrs, pseudonym) =>
  sql(lrs, `SELECT kind, cohort, value FROM analytics_facts WHERE pseudonym = ${quoted(pseudonym)} ORDER BY kind`);

describe("analytics facts", () => {
  let lrs;
  before(async () => {
    lrs = await startLrs();
  });
  after(async () => {
    await lrs?.stop();
  });

  test("a completion makes its learner's facts, and erasure takes them and no one else's", async () => {
    const t = tag();
    const ada = mboxAgent(t, "ada");
    const bob = mboxAgent(t, "bob");
    await store(lrs, [completion(t, ada, 0), completion(t, bob, 0)]);
    const adaPseudonym = await pseudonymOf(lrs, ada);
    const bobPseudonym = await pseudonymOf(lrs, bob);
    // active, completed (600 s), passed, score, time spent; cohort: the platform.
    assert.deepEqual(factsOf(lrs, adaPseudonym), [
      ["0", '["Moodle"]', ""],
      ["2", '["Moodle"]', "600.0"],
      ["3", '["Moodle"]', ""],
      ["5", '["Moodle"]', "0.75"],
      ["6", '["Moodle"]', "600.0"],
    ]);
    const erased = await call(lrs, "DELETE", `/privacy/learners?${agentQuery(ada)}`);
    assert.equal(erased.status, 200, erased.text);
    assert.deepEqual(factsOf(lrs, adaPseudonym), []);
    assert.equal(factsOf(lrs, bobPseudonym).length, 5);
  });

  test("a learner without consent gets no facts, one who withdrew analytics only is stored uncounted", async () => {
    const t = tag();
    const cy = mboxAgent(t, "cy");
    const dee = mboxAgent(t, "dee");
    const cyPseudonym = await pseudonymOf(lrs, cy);
    const deePseudonym = await pseudonymOf(lrs, dee);
    let put = await call(lrs, "PUT", "/privacy/consent", { agent: cy, state: "withdrawn" });
    assert.equal(put.status, 204, put.text);
    put = await call(lrs, "PUT", "/privacy/consent", { agent: dee, state: "withdrawn", purposes: ["analytics"] });
    assert.equal(put.status, 204, put.text);
    const [cyId, deeId] = await store(lrs, [completion(t, cy, 0), completion(t, dee, 0)]);
    assert.equal((await request(lrs, `/xapi/statements?statementId=${cyId}`)).status, 404);
    assert.equal((await request(lrs, `/xapi/statements?statementId=${deeId}`)).status, 200);
    assert.deepEqual(factsOf(lrs, cyPseudonym), []);
    assert.deepEqual(factsOf(lrs, deePseudonym), []);
  });
});
