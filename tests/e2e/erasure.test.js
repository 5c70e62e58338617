// Erasure leaves no trace (issue 14, findings 4, 7, 8, 9 and 10), tried as an
// attacker would, against the real binary and the files it writes:
//  - a withdrawal outlives erasure (a tombstone: the pseudonym and its
//    withdrawn purposes, nothing else), also across a restart; under opt-in
//    an erased learner simply has no grant and nothing is kept (that case
//    also held before: it guards the rule, it was not a finding);
//  - Activity definitions only the erased learner sent go, shared ones are
//    rebuilt from what remains;
//  - erasing a member of an anonymous Group takes the group's sealed identity
//    and data key with the statements;
//  - the erased learner's audit entries share no tag any more, and
//    `lrs audit verify` still passes;
//  - the erased learner's tokens are dead at once (401 on every route, no new
//    consent row), also after a restart.
// The files are read with the sqlite3 program (scripts/setup.sh installs it).

import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startLrs, LRS_BIN, REPO_ROOT } from "./lib/harness.js";
import { request } from "./lib/http.js";
import { filesUnder } from "./lib/disk.js";
import { tag, mboxAgent, simpleStatement } from "./lib/statements.js";

function call(lrs, method, pathAndQuery, { auth = lrs.auth, body } = {}) {
  return request(lrs, pathAndQuery, { method, auth, body, version: null });
}
const bearer = (token) => `Bearer ${token}`;
const agentQuery = (agent) => `agent=${encodeURIComponent(JSON.stringify(agent))}`;

async function store(lrs, statements) {
  const res = await request(lrs, "/xapi/statements", { method: "POST", body: statements });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function statementStatus(lrs, id) {
  return (await request(lrs, `/xapi/statements?statementId=${id}`)).status;
}

async function issueToken(lrs, agent) {
  const res = await call(lrs, "POST", "/privacy/tokens", { body: { agent } });
  assert.equal(res.status, 200, res.text);
  return res.json.token;
}

async function pseudonymOf(lrs, agent) {
  const me = await call(lrs, "GET", "/privacy/me", { auth: bearer(await issueToken(lrs, agent)) });
  assert.equal(me.status, 200, me.text);
  return me.json.pseudonym;
}

async function erase(lrs, agent) {
  const res = await call(lrs, "DELETE", `/privacy/learners?${agentQuery(agent)}`);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

/** Rows of a query on one of the server's database files, as arrays of strings. */
function sql(lrs, file, query) {
  const run = spawnSync("sqlite3", ["-readonly", "-separator", "|", path.join(lrs.dataDir, file), query], {
    encoding: "utf8",
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.split("\n").filter(Boolean).map((line) => line.split("|"));
}
const count = (lrs, file, query) => Number(sql(lrs, file, query)[0][0]);
const quoted = (text) => `'${text.replaceAll("'", "''")}'`;

/** Files under the data dir whose bytes contain `needle`, relative to it. */
function filesContaining(lrs, needle) {
  return filesUnder(lrs.dataDir)
    .filter((f) => fs.readFileSync(f).includes(Buffer.from(needle, "utf8")))
    .map((f) => path.relative(lrs.dataDir, f));
}

/** Every column of lrs.db that names a learner, and how many rows hold `pseudonym`. */
function rowsNaming(lrs, pseudonym) {
  const columns = [
    ["statement_agents", "pseudonym"], ["identities", "pseudonym"], ["documents", "agent_pseudonym"],
    ["attachments", "owner"], ["learner_facts", "pseudonym"], ["consent_events", "pseudonym"],
  ];
  const out = {};
  for (const [table, column] of columns) {
    out[table] = count(lrs, "lrs.db", `SELECT count(*) FROM ${table} WHERE ${column} = ${quoted(pseudonym)}`);
  }
  out.statements = count(lrs, "lrs.db", `SELECT count(*) FROM statements WHERE instr(json, ${quoted(pseudonym)}) > 0`);
  return out;
}

const noRows = {
  statement_agents: 0, identities: 0, documents: 0, attachments: 0, learner_facts: 0, consent_events: 0, statements: 0,
};

describe("a withdrawal outlives erasure (opt-out)", () => {
  let lrs;
  before(async () => {
    lrs = await startLrs();
  });
  after(async () => {
    await lrs?.stop();
  });

  test("withdraw, erase: the next statement is not stored, and only the tombstone keeps the pseudonym", async () => {
    const t = tag();
    const ada = mboxAgent(t, "ada");
    const [first] = await store(lrs, [simpleStatement(t, { actor: ada })]);
    const pseudonym = await pseudonymOf(lrs, ada);
    const put = await call(lrs, "PUT", "/privacy/consent", { body: { agent: ada, state: "withdrawn" } });
    assert.equal(put.status, 204, put.text);
    await erase(lrs, ada);
    assert.equal(await statementStatus(lrs, first), 404);

    const [after] = await store(lrs, [simpleStatement(t, { actor: ada, n: 1 })]);
    assert.equal(await statementStatus(lrs, after), 404, "a withdrawn learner stays withdrawn after erasure");
    const consent = await call(lrs, "GET", `/privacy/consent?${agentQuery(ada)}`);
    assert.equal(consent.status, 200, consent.text);
    assert.equal(consent.json.storing, false, consent.text);
    assert.ok(Object.values(consent.json.purposes).every((state) => state === "withdrawn"), consent.text);

    // The tombstone: one consent row (withdrawn, no actor, no time), nothing else.
    assert.deepEqual({ ...rowsNaming(lrs, pseudonym), consent_events: 0 }, noRows);
    const tombstone = sql(lrs, "lrs.db", `SELECT state, actor, at_us FROM consent_events WHERE pseudonym = ${quoted(pseudonym)}`);
    assert.deepEqual(tombstone, [["withdrawn", "erasure", "0"]]);
    assert.deepEqual(filesContaining(lrs, pseudonym), ["lrs.db"], "the tombstone is the only trace");

    await lrs.restart();
    const [afterRestart] = await store(lrs, [simpleStatement(t, { actor: ada, n: 2 })]);
    assert.equal(await statementStatus(lrs, afterRestart), 404, "the tombstone survives a restart");

    // Granting again starts afresh.
    const grant = await call(lrs, "PUT", "/privacy/consent", { body: { agent: ada, state: "granted" } });
    assert.equal(grant.status, 204, grant.text);
    const [granted] = await store(lrs, [simpleStatement(t, { actor: ada, n: 3 })]);
    assert.equal(await statementStatus(lrs, granted), 200);
  });

  test("a learner who never withdrew leaves no trace of their pseudonym at all", async () => {
    const t = tag();
    const bob = mboxAgent(t, "bob");
    await store(lrs, [simpleStatement(t, { actor: bob })]);
    const pseudonym = await pseudonymOf(lrs, bob);
    await erase(lrs, bob);
    assert.deepEqual(rowsNaming(lrs, pseudonym), noRows);
    assert.deepEqual(filesContaining(lrs, pseudonym), []);
  });
});

describe("erasure under opt-in", () => {
  let lrs;
  before(async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "manifests", "default.json"), "utf8"));
    manifest.consent.mode = "opt-in";
    const dir = fs.mkdtempSync(path.join(fs.realpathSync("/tmp"), "lrs-manifest-"));
    fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
    lrs = await startLrs({ args: ["--manifest", path.join(dir, "manifest.json")] });
  });
  after(async () => {
    await lrs?.stop();
  });

  test("an erased learner simply has no grant: nothing is stored, no tombstone is kept", async () => {
    const t = tag();
    const ada = mboxAgent(t, "ada");
    assert.equal((await call(lrs, "PUT", "/privacy/consent", { body: { agent: ada, state: "granted" } })).status, 204);
    const [first] = await store(lrs, [simpleStatement(t, { actor: ada })]);
    assert.equal(await statementStatus(lrs, first), 200);
    const pseudonym = await pseudonymOf(lrs, ada);
    const put = await call(lrs, "PUT", "/privacy/consent", { body: { agent: ada, state: "withdrawn", purposes: ["analytics"] } });
    assert.equal(put.status, 204, put.text);
    const receipt = await erase(lrs, ada);
    assert.equal(receipt.erased.consent_tombstone, false);
    const [after] = await store(lrs, [simpleStatement(t, { actor: ada, n: 1 })]);
    assert.equal(await statementStatus(lrs, after), 404);
    assert.deepEqual(rowsNaming(lrs, pseudonym), noRows);
    assert.deepEqual(filesContaining(lrs, pseudonym), []);
  });
});

describe("erasure and the Activities resource", () => {
  let lrs;
  before(async () => {
    lrs = await startLrs();
  });
  after(async () => {
    await lrs?.stop();
  });

  async function activityDefinition(id) {
    const res = await request(lrs, `/xapi/activities?activityId=${encodeURIComponent(id)}`);
    assert.equal(res.status, 200, res.text);
    return res.json.definition;
  }

  test("definitions only the erased learner sent go; shared ones are rebuilt from what remains", async () => {
    const t = tag();
    const ada = mboxAgent(t, "ada");
    const bob = mboxAgent(t, "bob");
    const essayName = `Essay by Ada Lovelace ${t}`;
    const essayId = `https://courses.example.org/e2e/${t}/essays/ada.${t}@example.org`;
    const sharedId = `https://courses.example.org/e2e/${t}/course`;
    const statement = (actor, object) => ({ actor, verb: { id: "http://adlnet.gov/expapi/verbs/experienced" }, object });
    await store(lrs, [
      statement(bob, { id: sharedId, definition: { name: { "en-US": "Shared course" }, type: "http://adlnet.gov/expapi/activities/course" } }),
      statement(ada, { id: essayId, definition: { name: { "en-US": essayName } } }),
      statement(ada, { id: sharedId, definition: { name: { "fr-FR": `Cours d'Ada Lovelace ${t}` }, description: { "en-US": `Ada Lovelace's notes ${t}` } } }),
    ]);
    assert.equal((await activityDefinition(essayId)).name["en-US"], essayName);
    assert.ok((await activityDefinition(sharedId)).name["fr-FR"]);

    await erase(lrs, ada);
    assert.equal(await activityDefinition(essayId), undefined, "a definition only her statements made goes");
    assert.deepEqual(await activityDefinition(sharedId), {
      name: { "en-US": "Shared course" },
      type: "http://adlnet.gov/expapi/activities/course",
    });
    for (const needle of [essayName, `ada.${t}@example.org`, `Cours d'Ada Lovelace ${t}`, `Ada Lovelace's notes ${t}`]) {
      assert.deepEqual(filesContaining(lrs, needle), [], needle);
    }
  });
});

describe("erasing a member of an anonymous Group", () => {
  let lrs;
  before(async () => {
    lrs = await startLrs();
  });
  after(async () => {
    await lrs?.stop();
  });

  test("the group's sealed identity and data key go with the statements", async () => {
    const t = tag();
    const lin = mboxAgent(t, "lin");
    const kai = mboxAgent(t, "kai");
    const group = { objectType: "Group", name: `Study group of Lin and Kai ${t}`, member: [lin, kai] };
    const [id] = await store(lrs, [simpleStatement(t, { actor: group })]);
    const read = await request(lrs, `/xapi/statements?statementId=${id}`);
    assert.equal(read.json.actor.name, group.name);
    // The anonymous group is the one identity that no statement mentions by pseudonym.
    const groups = sql(lrs, "lrs.db",
      "SELECT DISTINCT pseudonym FROM identities WHERE pseudonym NOT IN (SELECT pseudonym FROM statement_agents)");
    assert.equal(groups.length, 1, JSON.stringify(groups));
    const groupPseudonym = groups[0][0];
    assert.equal(count(lrs, "keystore.db", `SELECT count(*) FROM data_keys WHERE pseudonym = ${quoted(groupPseudonym)}`), 1);

    const receipt = await erase(lrs, lin);
    assert.equal(receipt.erased.statements, 1);
    assert.equal(await statementStatus(lrs, id), 404);
    assert.equal(count(lrs, "lrs.db", `SELECT count(*) FROM identities WHERE pseudonym = ${quoted(groupPseudonym)}`), 0);
    assert.equal(count(lrs, "keystore.db", `SELECT count(*) FROM data_keys WHERE pseudonym = ${quoted(groupPseudonym)}`), 0);
    assert.deepEqual(filesContaining(lrs, groupPseudonym), [], "no trace of the group in any file");
  });
});

describe("the audit trail after erasure", () => {
  let lrs;
  before(async () => {
    lrs = await startLrs();
  });
  after(async () => {
    await lrs?.stop();
  });

  test("the erased learner's entries share no tag, and the chain verifies", async () => {
    const t = tag();
    const ada = mboxAgent(t, "ada");
    await store(lrs, [simpleStatement(t, { actor: ada })]);
    const token = await issueToken(lrs, ada);
    for (let i = 0; i < 3; i++) {
      assert.equal((await call(lrs, "GET", "/privacy/me", { auth: bearer(token) })).status, 200);
    }
    const me = await call(lrs, "GET", "/privacy/me", { auth: bearer(token) });
    const seqs = me.json.audit.map((e) => e.seq);
    assert.ok(seqs.length >= 4, me.text);
    const tagsOf = () => sql(lrs, "lrs.db", `SELECT tag FROM audit_subjects WHERE seq IN (${seqs.join(",")})`).map((r) => r[0]);
    assert.equal(new Set(tagsOf()).size, 1, "before erasure one tag finds her entries");

    await erase(lrs, ada);
    const tags = tagsOf();
    assert.equal(tags.length, seqs.length);
    assert.equal(new Set(tags).size, tags.length, "after erasure no two of her entries share a tag");
    for (const tagValue of tags) {
      assert.equal(count(lrs, "lrs.db", `SELECT count(*) FROM audit_subjects WHERE tag = ${quoted(tagValue)}`), 1);
    }
    const verify = spawnSync(LRS_BIN, ["audit", "verify", "--data", lrs.dataDir], { cwd: REPO_ROOT, encoding: "utf8", timeout: 20_000 });
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /^audit trail intact: \d+ entries$/m);
  });
});

describe("learner tokens after erasure", () => {
  let lrs;
  before(async () => {
    lrs = await startLrs();
  });
  after(async () => {
    await lrs?.stop();
  });

  for (const how of ["the LMS", "the learner"]) {
    test(`after erasure by ${how} the token is dead on every route, also after a restart`, async () => {
      const t = tag();
      const ada = mboxAgent(t, "ada");
      await store(lrs, [simpleStatement(t, { actor: ada })]);
      const token = await issueToken(lrs, ada);
      const me = await call(lrs, "GET", "/privacy/me", { auth: bearer(token) });
      const pseudonym = me.json.pseudonym;
      if (how === "the LMS") await erase(lrs, ada);
      else assert.equal((await call(lrs, "DELETE", "/privacy/me", { auth: bearer(token) })).status, 200);

      const routes = [
        ["GET", "/privacy/me"], ["GET", "/privacy/me?format=download"], ["DELETE", "/privacy/me"],
        ["GET", "/privacy/consent"], ["PUT", "/privacy/consent", { state: "granted" }],
      ];
      const tryAll = async () => {
        for (const [method, route, body] of routes) {
          const res = await call(lrs, method, route, { auth: bearer(token), body });
          assert.equal(res.status, 401, `${method} ${route}: ${res.text}`);
        }
      };
      await tryAll();
      assert.equal(count(lrs, "lrs.db", `SELECT count(*) FROM consent_events WHERE pseudonym = ${quoted(pseudonym)}`), 0);
      assert.deepEqual(filesContaining(lrs, pseudonym), [], "the dead token keeps no pseudonym on disk");
      await lrs.restart();
      await tryAll();

      // A token the LMS issues after the erasure is a new start.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const fresh = await issueToken(lrs, ada);
      assert.equal((await call(lrs, "GET", "/privacy/me", { auth: bearer(fresh) })).status, 200);
    });
  }
});
