// The audit trail (issue 4, Audit): every read of learner data by the LMS
// adds an entry; an admin reads them at /privacy/audit, nobody else;
// `lrs audit verify` passes on the untouched chain (also beside a running
// server) and names the entry someone changed in lrs.db offline.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { startLrs, addCredential, basicAuth, LRS_BIN, REPO_ROOT } from "./lib/harness.js";
import { request, isErrorBody } from "./lib/http.js";
import { tag, simpleStatement, mboxAgent, activity } from "./lib/statements.js";

let lrs;
let adminAuth;
before(async () => {
  lrs = await startLrs();
  adminAuth = basicAuth(addCredential(lrs.dataDir, "admin", "e2e-admin"));
});
after(async () => {
  await lrs?.stop();
});

async function auditEntries() {
  const res = await request(lrs, "/privacy/audit?limit=1000", { auth: adminAuth });
  assert.equal(res.status, 200, res.text);
  assert.ok(Array.isArray(res.json?.entries), res.text);
  return res.json.entries;
}

function verify() {
  return spawnSync(LRS_BIN, ["audit", "verify", "--data", lrs.dataDir], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 20_000,
  });
}

function hasSqlite3() {
  return spawnSync("sqlite3", ["-version"], { encoding: "utf8" }).status === 0;
}

test("an LMS statement read, an Agents read and a State read each add an entry", async () => {
  const t = tag();
  const agent = mboxAgent(t);
  const agentParam = encodeURIComponent(JSON.stringify({ mbox: agent.mbox }));
  const activityId = encodeURIComponent(activity(t).id);
  const posted = await request(lrs, "/xapi/statements", { method: "POST", body: simpleStatement(t, { actor: agent }) });
  assert.equal(posted.status, 200, posted.text);
  const stateUrl = `/xapi/activities/state?activityId=${activityId}&agent=${agentParam}&stateId=bookmark`;
  const put = await request(lrs, stateUrl, { method: "PUT", body: { page: 3 } });
  assert.equal(put.status, 204, put.text);

  const already = (await auditEntries()).length;
  for (const url of [`/xapi/statements?agent=${agentParam}`, `/xapi/agents?agent=${agentParam}`, stateUrl]) {
    const res = await request(lrs, url);
    assert.equal(res.status, 200, `${url}: ${res.text}`);
  }
  const entries = await auditEntries();
  // before + the audit read that counted them + the three reads.
  assert.equal(entries.length, already + 4);
  const reads = entries.slice(-3);
  assert.deepEqual(
    reads.map((e) => e.action),
    ["statements.read", "agents.read", "state.read"],
  );
  for (const e of reads) {
    assert.equal(e.actor, lrs.lmsCred.key);
    assert.equal(e.role, "lms");
    assert.equal(e.purpose, "record-keeping");
    assert.equal(e.subjects, 1, JSON.stringify(e));
    assert.match(e.hash, /^[0-9a-f]{64}$/);
    assert.ok(!Number.isNaN(Date.parse(e.at)), e.at);
  }
  assert.deepEqual(reads[0].detail, { resource: "statements", params: ["agent"], learners: 1 });
  for (let i = 1; i < entries.length; i++) {
    assert.equal(entries[i].seq, entries[i - 1].seq + 1);
    assert.equal(entries[i].prev_hash, entries[i - 1].hash);
  }
  // The trail names no learner: not their address, not their name.
  const text = JSON.stringify(entries);
  assert.ok(!text.includes(agent.mbox.slice("mailto:".length)), text);
  assert.ok(!text.includes(agent.name), text);
  // Nor their pseudonym, as their own page shows it, after they looked at it.
  const issued = await request(lrs, "/privacy/tokens", { method: "POST", version: null, body: { agent: { mbox: agent.mbox } } });
  assert.equal(issued.status, 200, issued.text);
  const me = await request(lrs, "/privacy/me", { auth: `Bearer ${issued.json.token}`, version: null });
  assert.equal(me.status, 200, me.text);
  assert.equal(typeof me.json.pseudonym, "string");
  const after = JSON.stringify(await auditEntries());
  assert.ok(!after.includes(me.json.pseudonym), after);

  // A learner's token never reads the trail, not even about themselves.
  const asLearner = await request(lrs, "/privacy/audit", { auth: `Bearer ${issued.json.token}`, version: null });
  assert.equal(asLearner.status, 403, asLearner.text);
});

test("GET /privacy/consent (the state and the whole history) adds an entry, by the LMS and by the learner", async () => {
  // Regression (issue 14, finding 14): this read of learner data went unaudited.
  const t = tag();
  const agent = mboxAgent(t);
  const agentParam = encodeURIComponent(JSON.stringify({ mbox: agent.mbox }));
  const posted = await request(lrs, "/xapi/statements", { method: "POST", body: simpleStatement(t, { actor: agent }) });
  assert.equal(posted.status, 200, posted.text);
  const withdrawn = await request(lrs, "/privacy/consent", { method: "PUT", version: null, body: { agent: { mbox: agent.mbox }, state: "withdrawn" } });
  assert.equal(withdrawn.status, 204, withdrawn.text);

  const already = (await auditEntries()).length;
  const read = await request(lrs, `/privacy/consent?agent=${agentParam}`, { version: null });
  assert.equal(read.status, 200, read.text);
  assert.equal(read.json.history.length, 1);
  let entries = await auditEntries();
  // before + the audit read that counted them + the consent read.
  assert.equal(entries.length, already + 2);
  const entry = entries.at(-1);
  assert.equal(entry.action, "consent.read");
  assert.equal(entry.actor, lrs.lmsCred.key);
  assert.equal(entry.role, "lms");
  assert.equal(entry.purpose, "consent");
  assert.equal(entry.subjects, 1, JSON.stringify(entry));
  assert.equal(entry.detail.history, 1, JSON.stringify(entry));
  assert.equal(typeof entry.detail.purposes, "number", JSON.stringify(entry));
  assert.ok(!JSON.stringify(entry).includes(agent.mbox.slice("mailto:".length)));

  const issued = await request(lrs, "/privacy/tokens", { method: "POST", version: null, body: { agent: { mbox: agent.mbox } } });
  assert.equal(issued.status, 200, issued.text);
  const own = await request(lrs, "/privacy/consent", { auth: `Bearer ${issued.json.token}`, version: null });
  assert.equal(own.status, 200, own.text);
  entries = await auditEntries();
  const byLearner = entries.filter((e) => e.action === "consent.read").at(-1);
  assert.equal(byLearner.actor, "learner");
  assert.equal(byLearner.role, "learner");
  assert.ok(byLearner.seq > entry.seq);
});

test("/privacy/audit is for a role with audit:read only", async () => {
  for (const auth of [lrs.auth, lrs.analystAuth]) {
    const res = await request(lrs, "/privacy/audit", { auth });
    assert.equal(res.status, 403, res.text);
    assert.ok(isErrorBody(res.json, 403), res.text);
  }
  const none = await request(lrs, "/privacy/audit", { auth: null });
  assert.equal(none.status, 401, none.text);
  const bad = await request(lrs, "/privacy/audit?limit=0", { auth: adminAuth });
  assert.equal(bad.status, 400, bad.text);
  const since = await request(lrs, "/privacy/audit?since=2999-01-01T00:00:00Z", { auth: adminAuth });
  assert.equal(since.status, 200, since.text);
  assert.deepEqual(since.json.entries, []);
});

test("lrs audit verify passes beside a running server, and names an entry changed offline", async (t) => {
  const running = verify();
  assert.equal(running.status, 0, running.stdout + running.stderr);
  assert.match(running.stdout, /^audit trail intact: \d+ entries$/m);

  if (!hasSqlite3()) {
    t.skip("no sqlite3 command line program: tampering is covered by tests/storage/audit_log_test.cc");
    return;
  }
  await lrs.shutdown();
  const db = path.join(lrs.dataDir, "lrs.db");
  const tampered = spawnSync("sqlite3", [db, "UPDATE audit_log SET purpose = 'analytics' WHERE seq = 2;"], {
    encoding: "utf8",
  });
  assert.equal(tampered.status, 0, tampered.stderr);

  const broken = verify();
  assert.equal(broken.status, 1, broken.stdout + broken.stderr);
  assert.match(broken.stdout, /audit trail broken at entry 2: /);
});
