// Retention with a fixed clock (`lrs purge --now`): statements, learner
// documents and facts past the manifest's retention are deleted, and the LMS
// then gets 404s and empty results; measured from just after they were
// stored, nothing goes; and purge refuses to run beside a server, naming the
// lock (exit status 2).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startLrs, addCredential, basicAuth, LRS_BIN, REPO_ROOT } from "./lib/harness.js";
import { request } from "./lib/http.js";
import { tag, uuid, VERBS, mboxAgent, simpleStatement } from "./lib/statements.js";

let lrs;
before(async () => {
  lrs = await startLrs();
});
after(async () => {
  await lrs?.stop();
});

/** Runs `lrs purge --data <the server's data dir> ...args`; {status, stdout, stderr, report}. */
function purge(...args) {
  const all = ["purge", "--data", lrs.dataDir, ...args];
  if (process.env.LRS_MANIFEST && !args.includes("--manifest")) all.push("--manifest", path.resolve(process.env.LRS_MANIFEST));
  const run = spawnSync(LRS_BIN, all, { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000 });
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    report = undefined;
  }
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, report };
}

/** The manifest in use with the longest retention the schema allows (about 270 years), in a temp file. */
function foreverManifest() {
  const source = path.resolve(process.env.LRS_MANIFEST || path.join(REPO_ROOT, "manifests", "default.json"));
  const m = JSON.parse(fs.readFileSync(source, "utf8"));
  m.retention = { statements_days: 100_000, facts_days: 100_000 };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lrs-forever-")), "forever.json");
  fs.writeFileSync(file, JSON.stringify(m));
  return file;
}

const stateQuery = (t, agent) =>
  `/xapi/activities/state?activityId=${encodeURIComponent(`https://courses.example.org/e2e/${t}/activity/0`)}` +
  `&agent=${encodeURIComponent(JSON.stringify(agent))}&stateId=bookmark`;

test("purge deletes what is past retention, keeps what is not, and never runs beside a server", async () => {
  const t = tag();
  const ada = mboxAgent(t, "ada");
  const bob = mboxAgent(t, "bob");
  const ids = [uuid(), uuid(), uuid()];
  const statements = [
    { ...simpleStatement(t, { actor: ada, verb: VERBS.completed, id: ids[0] }), result: { completion: true, score: { scaled: 0.9 } } },
    simpleStatement(t, { actor: ada, id: ids[1], n: 1 }),
    simpleStatement(t, { actor: bob, id: ids[2] }),
  ];
  const posted = await request(lrs, "/xapi/statements", { method: "POST", body: statements });
  assert.equal(posted.status, 200, posted.text);
  const put = await request(lrs, stateQuery(t, ada), { method: "PUT", body: { page: 7 } });
  assert.equal(put.status, 204, put.text);

  // Beside the running server: refused, naming the lock, nothing deleted.
  const refused = purge("--now", "2999-01-01T00:00:00Z");
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /lrs\.lock/);
  assert.equal(refused.stdout, "");
  for (const id of ids) {
    assert.equal((await request(lrs, `/xapi/statements?statementId=${id}`)).status, 200);
  }

  await lrs.shutdown();

  // The longest retention the manifest allows: a century from now nothing
  // goes, and the cutoffs are real dates (two centuries back).
  const foreverFile = foreverManifest();
  const forever = purge("--manifest", foreverFile, "--now", "2126-01-01T00:00:00Z");
  fs.rmSync(path.dirname(foreverFile), { recursive: true, force: true });
  assert.equal(forever.status, 0, forever.stderr);
  assert.match(forever.report.statements_before, /^18\d\d-/, forever.stdout);
  assert.match(forever.report.facts_before, /^18\d\d-/, forever.stdout);
  assert.deepEqual(forever.report.deleted, { statements: 0, documents: 0, facts: 0, attachments: 0, identities: 0 });

  // Measured from just after they were stored, everything is within retention.
  const soon = purge("--now", new Date(Date.now() + 60_000).toISOString());
  assert.equal(soon.status, 0, soon.stderr);
  assert.deepEqual(soon.report.deleted, { statements: 0, documents: 0, facts: 0, attachments: 0, identities: 0 });
  assert.ok(Date.parse(soon.report.statements_before) < Date.now() - 700 * 86400_000);

  // Far in the future, everything individual-level is past retention.
  const later = purge("--now", "2999-01-01T00:00:00Z");
  assert.equal(later.status, 0, later.stderr);
  assert.equal(later.report.now, "2999-01-01T00:00:00.000Z");
  assert.equal(later.report.deleted.statements, 3);
  assert.equal(later.report.deleted.documents, 1);
  assert.equal(later.report.deleted.facts, 3); // ada completed, ada experienced, bob experienced
  assert.ok(later.report.deleted.identities >= 3, JSON.stringify(later.report)); // ada, bob, the LMS's authority

  // Again: nothing left to delete.
  const again = purge("--now", "2999-01-01T00:00:00Z");
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.report.deleted.statements, 0);

  await lrs.restart();
  // The purge that deleted something is in the audit trail with the counts
  // only, as the server's daily pass records itself (regression: it also
  // carried the report's timestamps, in another shape).
  const admin = basicAuth(addCredential(lrs.dataDir, "admin", "e2e-retention-admin"));
  const trail = await request(lrs, "/privacy/audit?limit=1000", { auth: admin });
  assert.equal(trail.status, 200, trail.text);
  const purges = trail.json.entries.filter((entry) => entry.action === "retention.purge");
  assert.equal(purges.length, 1, JSON.stringify(purges));
  assert.deepEqual(purges[0].detail, later.report.deleted);

  for (const id of ids) {
    const got = await request(lrs, `/xapi/statements?statementId=${id}`);
    assert.equal(got.status, 404, `statement ${id} after purge: ${got.status}`);
  }
  const byAgent = await request(lrs, `/xapi/statements?agent=${encodeURIComponent(JSON.stringify(ada))}`);
  assert.equal(byAgent.status, 200);
  assert.deepEqual(byAgent.json.statements, []);
  const all = await request(lrs, "/xapi/statements");
  assert.equal(all.status, 200);
  assert.deepEqual(all.json.statements, []);
  assert.equal((await request(lrs, stateQuery(t, ada))).status, 404);

  // The server still ingests after a purge.
  const fresh = await request(lrs, "/xapi/statements", { method: "POST", body: simpleStatement(t, { actor: ada }) });
  assert.equal(fresh.status, 200, fresh.text);
});

test("purge --help documents the report, and bad flags are usage errors", () => {
  const help = spawnSync(LRS_BIN, ["purge", "--help"], { cwd: REPO_ROOT, encoding: "utf8" });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /usage: lrs purge/);
  assert.match(help.stdout, /"deleted"/);
  assert.equal(purge("--now", "yesterday").status, 2);
  assert.equal(purge("--bogus").status, 2);
});

// Second privacy review (F4): when retention deletes a learner's sealed
// address, the documents whose ids or Activity Profile text hold its token
// go with it; otherwise they would name a learner no erasure could find.
test("documents naming an address whose sealed form expires go with it", async () => {
  const t = tag();
  const pat = `pat.${t}@example.org`;
  const posted = await request(lrs, "/xapi/statements", { method: "POST", body: simpleStatement(t, { actor: { mbox: `mailto:${pat}` } }) });
  assert.equal(posted.status, 200, posted.text);
  const profile = `/xapi/activities/profile?activityId=${encodeURIComponent(`https://courses.example.org/e2e/${t}/p`)}&profileId=tutor`;
  const kept = `/xapi/activities/profile?activityId=${encodeURIComponent(`https://courses.example.org/e2e/${t}/p`)}&profileId=plain`;
  assert.equal((await request(lrs, profile, { method: "PUT", body: { tutor: pat }, headers: { "If-None-Match": "*" } })).status, 204);
  assert.equal((await request(lrs, kept, { method: "PUT", body: { tutor: "nobody" }, headers: { "If-None-Match": "*" } })).status, 204);
  await lrs.shutdown();
  const later = purge("--now", "2999-01-01T00:00:00Z");
  assert.equal(later.status, 0, later.stderr);
  await lrs.restart();
  assert.equal((await request(lrs, profile)).status, 404, "the document naming the expired address is gone");
  assert.equal((await request(lrs, kept)).status, 200, "an Activity Profile naming no one stays");
});
