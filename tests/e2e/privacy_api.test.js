// The privacy API (issue 4): learner tokens, consent (opt-out and opt-in),
// self-access and erasure, each with its roles: wrong role 403, missing,
// forged or expired token 401, and a learner token never reaches another
// learner's data. Erasure leaves no trace of the learner's pseudonym in any
// file of the data directory.

import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { startLrs, REPO_ROOT } from "./lib/harness.js";
import { request } from "./lib/http.js";
import { identitiesOnDisk, agentNeedles, filesUnder } from "./lib/disk.js";
import { uuid, tag, mboxAgent, accountAgent, simpleStatement } from "./lib/statements.js";

/** JSON API call outside /xapi (no xAPI version header). */
function call(lrs, method, pathAndQuery, { auth = lrs.auth, body } = {}) {
  return request(lrs, pathAndQuery, { method, auth, body, version: null });
}

const bearer = (token) => `Bearer ${token}`;
const agentQuery = (agent) => `agent=${encodeURIComponent(JSON.stringify(agent))}`;

async function issueToken(lrs, agent, ttl_seconds) {
  const res = await call(lrs, "POST", "/privacy/tokens", { body: { agent, ...(ttl_seconds ? { ttl_seconds } : {}) } });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function store(lrs, statements) {
  const res = await request(lrs, "/xapi/statements", { method: "POST", body: statements });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function statementStatus(lrs, id) {
  return (await request(lrs, `/xapi/statements?statementId=${id}`)).status;
}

/** Files under the data dir whose bytes contain `needle`. */
function filesContaining(lrs, needle) {
  return filesUnder(lrs.dataDir)
    .filter((f) => fs.readFileSync(f).includes(Buffer.from(needle, "utf8")))
    .map((f) => path.relative(lrs.root, f));
}

function manifestWith(change) {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "manifests", "default.json"), "utf8"));
  change(manifest);
  const dir = fs.mkdtempSync(path.join(fs.realpathSync("/tmp"), "lrs-manifest-"));
  const file = path.join(dir, "manifest.json");
  fs.writeFileSync(file, JSON.stringify(manifest));
  return file;
}

describe("learner tokens", () => {
  let lrs;
  before(async () => {
    lrs = await startLrs();
  });
  after(async () => {
    await lrs?.stop();
  });

  test("the LMS issues a token; other roles and anonymous callers cannot", async () => {
    const learner = mboxAgent(tag());
    const { token, expires } = await issueToken(lrs, learner);
    assert.match(token, /^lt2\.[A-Za-z0-9_-]+$/);
    const ttl = Date.parse(expires) - Date.now();
    assert.ok(ttl > 800_000 && ttl <= 900_000, `expires ${expires}`);
    assert.equal((await call(lrs, "POST", "/privacy/tokens", { auth: lrs.analystAuth, body: { agent: learner } })).status, 403);
    assert.equal((await call(lrs, "POST", "/privacy/tokens", { auth: lrs.adminAuth, body: { agent: learner } })).status, 403);
    assert.equal((await call(lrs, "POST", "/privacy/tokens", { auth: null, body: { agent: learner } })).status, 401);
    assert.equal((await call(lrs, "POST", "/privacy/tokens", { auth: bearer(token), body: { agent: learner } })).status, 403);
  });

  test("bad token requests are 400 naming the field", async () => {
    const learner = mboxAgent(tag());
    for (const [body, field] of [
      [{}, "$.agent"],
      [{ agent: learner, ttl_seconds: 0 }, "$.ttl_seconds"],
      [{ agent: learner, ttl_seconds: "900" }, "$.ttl_seconds"],
      [{ agent: learner, ttl_seconds: 1e9 }, "$.ttl_seconds"],
    ]) {
      const res = await call(lrs, "POST", "/privacy/tokens", { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.json.path, field);
    }
    const res = await call(lrs, "POST", "/privacy/tokens", { body: { agent: { objectType: "Agent", name: "no ifi" } } });
    assert.equal(res.status, 400);
  });

  test("a forged, truncated or expired token is 401", async () => {
    const learner = mboxAgent(tag());
    const { token } = await issueToken(lrs, learner);
    assert.equal((await call(lrs, "GET", "/privacy/me", { auth: bearer(token) })).status, 200);
    const body = token.slice("lt2.".length);
    const flip = (text, i) => text.slice(0, i) + (text[i] === "A" ? "B" : "A") + text.slice(i + 1);
    // The front of another learner's token with the back of this one.
    const other = (await issueToken(lrs, mboxAgent(tag()))).token;
    const half = Math.floor(token.length / 2);
    // The earlier signed format, claims in clear: never accepted.
    const claims = Buffer.from(JSON.stringify({ sub: "x", iat: 0, exp: 4102444800, kid: "k" })).toString("base64url");
    for (const forged of [`lt2.${flip(body, 0)}`, `lt2.${flip(body, body.length - 1)}`, other.slice(0, half) + token.slice(half),
      token.slice(0, -1), `lt1.${claims}.${"A".repeat(43)}`, `lt2.${claims}`, "lt2.", "lt1..", "nonsense"]) {
      const res = await call(lrs, "GET", "/privacy/me", { auth: bearer(forged) });
      assert.equal(res.status, 401, forged);
      assert.equal(res.json.status, 401);
    }
    const short = await issueToken(lrs, learner, 1);
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await call(lrs, "GET", "/privacy/me", { auth: bearer(short.token) });
    assert.equal(expired.status, 401);
    assert.match(expired.json.message, /expired/);
  });

  test("credentials cannot use /privacy/me; a token cannot reach another learner", async () => {
    const t = tag();
    const ada = mboxAgent(t, "ada");
    const bob = mboxAgent(t, "bob");
    await store(lrs, [simpleStatement(t, { actor: ada }), simpleStatement(t, { actor: bob, n: 1 })]);
    const { token } = await issueToken(lrs, ada);
    assert.equal((await call(lrs, "GET", "/privacy/me")).status, 403);
    // Another learner named explicitly: consent read and change, erasure.
    assert.equal((await call(lrs, "GET", `/privacy/consent?${agentQuery(bob)}`, { auth: bearer(token) })).status, 403);
    const put = await call(lrs, "PUT", "/privacy/consent", { auth: bearer(token), body: { agent: bob, state: "withdrawn" } });
    assert.equal(put.status, 403);
    assert.equal((await call(lrs, "DELETE", `/privacy/learners?${agentQuery(bob)}`, { auth: bearer(token) })).status, 403);
    // Bob is untouched; Ada's own page shows only her statements.
    const me = await call(lrs, "GET", "/privacy/me", { auth: bearer(token) });
    assert.equal(me.status, 200);
    assert.equal(me.json.statements.length, 1);
    assert.deepEqual(me.json.statements[0].actor, ada);
    assert.equal((await call(lrs, "GET", `/privacy/consent?${agentQuery(bob)}`)).json.storing, true);
  });
});

describe("self-access", () => {
  let lrs;
  before(async () => {
    lrs = await startLrs();
  });
  after(async () => {
    await lrs?.stop();
  });

  test("GET /privacy/me holds statements, documents, identities and consent; download is a file", async () => {
    const t = tag();
    const ada = mboxAgent(t, "ada");
    const teacher = mboxAgent(t, "teacher");
    const s = simpleStatement(t, { actor: ada });
    s.context = { instructor: teacher };
    const [id] = await store(lrs, [s, simpleStatement(t, { actor: mboxAgent(t, "other"), n: 1 })]);
    const stateQuery = `activityId=${encodeURIComponent(s.object.id)}&${agentQuery(ada)}&stateId=bookmark`;
    const put = await request(lrs, `/xapi/activities/state?${stateQuery}`, { method: "PUT", body: { page: 7 } });
    assert.equal(put.status, 204, put.text);

    const { token } = await issueToken(lrs, ada);
    const me = await call(lrs, "GET", "/privacy/me", { auth: bearer(token) });
    assert.equal(me.status, 200, me.text);
    const data = me.json;
    assert.equal(typeof data.pseudonym, "string");
    assert.deepEqual(data.identities, [ada]);
    assert.deepEqual(data.statements.map((x) => x.id), [id]);
    assert.deepEqual(data.statements[0].actor, ada, "the learner sees their own identity");
    assert.deepEqual(data.statements[0].context.instructor, { objectType: "Agent", name: "another learner" }, "others are another learner");
    assert.ok(!JSON.stringify(data).includes(teacher.mbox), "the instructor's identity is not shown");
    assert.deepEqual(data.documents.map((d) => [d.type, d.id, d.content]), [["state", "bookmark", { page: 7 }]]);
    assert.equal(data.consent.mode, "opt-out");
    assert.equal(data.consent.storing, true);
    assert.deepEqual(data.recommendations, []);
    assert.ok(Array.isArray(data.facts));
    assert.ok(Array.isArray(data.audit));

    const download = await call(lrs, "GET", "/privacy/me?format=download", { auth: bearer(token) });
    assert.equal(download.status, 200);
    assert.match(download.headers.get("content-disposition"), /^attachment; filename=/);
    assert.deepEqual(download.json.statements.map((x) => x.id), [id]);
    assert.equal((await call(lrs, "GET", "/privacy/me?format=xml", { auth: bearer(token) })).status, 400);
  });
});

describe("self-access shows other people as another learner", () => {
  let lrs;
  before(async () => {
    lrs = await startLrs();
  });
  after(async () => {
    await lrs?.stop();
  });

  test("no co-learner's pseudonym, address or name: the learner as instructor of another actor, and on a team", async () => {
    // Regression (issue 14, finding 11): the actor Ada taught and her team
    // mates came back as accounts named by their stable pseudonyms.
    const t = tag();
    const ada = mboxAgent(t, "ada");
    const bob = mboxAgent(t, "bob");
    const cat = mboxAgent(t, "cat");
    const taught = simpleStatement(t, { actor: bob });
    taught.context = { instructor: ada, team: { objectType: "Group", name: `Team of ${t}`, member: [ada, cat] } };
    const grouped = simpleStatement(t, { actor: { objectType: "Group", member: [ada, bob] }, n: 1 });
    await store(lrs, [taught, grouped]);

    const exportOf = async (agent) => {
      const { token } = await issueToken(lrs, agent);
      const me = await call(lrs, "GET", "/privacy/me", { auth: bearer(token) });
      assert.equal(me.status, 200, me.text);
      return me;
    };
    const others = [(await exportOf(bob)).json.pseudonym, (await exportOf(cat)).json.pseudonym];
    const me = await exportOf(ada);
    for (const needle of [...others, bob.mbox.slice(7), cat.mbox.slice(7), bob.name, cat.name, `Team of ${t}`]) {
      assert.ok(!me.text.includes(needle), `the export shows ${needle}`);
    }
    const another = { objectType: "Agent", name: "another learner" };
    const byVerb = Object.fromEntries(me.json.statements.map((s) => [s.object.id, s]));
    const first = byVerb[taught.object.id];
    assert.deepEqual(first.actor, another);
    assert.deepEqual(first.context.instructor, ada);
    assert.deepEqual(first.context.team, { objectType: "Group", member: [ada, another] });
    assert.deepEqual(byVerb[grouped.object.id].actor, { objectType: "Group", member: [ada, another] });
    // The same every time: nothing per export links them either.
    const again = await exportOf(ada);
    assert.deepEqual(again.json.statements.map((s) => s.context ?? null), me.json.statements.map((s) => s.context ?? null));
  });
});

describe("consent, opt-out (the default manifest)", () => {
  let lrs;
  before(async () => {
    lrs = await startLrs();
  });
  after(async () => {
    await lrs?.stop();
  });

  test("after withdrawal nothing more is stored, and erasure is offered", async () => {
    const t = tag();
    const ada = mboxAgent(t, "ada");
    const [before] = await store(lrs, [simpleStatement(t, { actor: ada })]);
    const put = await call(lrs, "PUT", "/privacy/consent", { body: { agent: ada, state: "withdrawn" } });
    assert.equal(put.status, 204, put.text);
    assert.match(put.headers.get("link"), /rel="erase"/);

    const id = uuid();
    const answered = await store(lrs, [simpleStatement(t, { actor: ada, id, n: 1 })]);
    assert.deepEqual(answered, [id], "acknowledged with its id");
    assert.equal(await statementStatus(lrs, id), 404, "but never stored");
    assert.equal(await statementStatus(lrs, before), 200, "what was stored before stays until erased");
    // Other learners are unaffected.
    const [other] = await store(lrs, [simpleStatement(t, { actor: mboxAgent(t, "bob"), n: 2 })]);
    assert.equal(await statementStatus(lrs, other), 200);

    const consent = await call(lrs, "GET", `/privacy/consent?${agentQuery(ada)}`);
    assert.equal(consent.status, 200);
    assert.equal(consent.json.storing, false);
    assert.deepEqual(Object.values(consent.json.purposes), ["withdrawn", "withdrawn"]);
    assert.equal(consent.json.history.length, 1);
    assert.equal(consent.json.history[0].state, "withdrawn");
    assert.equal(consent.json.erasure.method, "DELETE");
    assert.match(consent.json.erasure.href, /^\/privacy\/learners\?agent=/);

    // Granting again resumes storing.
    assert.equal((await call(lrs, "PUT", "/privacy/consent", { body: { agent: ada, state: "granted", purposes: ["analytics"] } })).status, 204);
    const [after] = await store(lrs, [simpleStatement(t, { actor: ada, n: 3 })]);
    assert.equal(await statementStatus(lrs, after), 200);
    const now = await call(lrs, "GET", `/privacy/consent?${agentQuery(ada)}`);
    assert.equal(now.json.purposes.analytics, "granted");
    assert.equal(now.json.purposes.recommendations, "withdrawn");
    assert.equal(now.json.history.length, 2);
  });

  test("a learner changes their own consent with their token", async () => {
    const ada = accountAgent(tag(), "ada");
    const { token } = await issueToken(lrs, ada);
    assert.equal((await call(lrs, "PUT", "/privacy/consent", { auth: bearer(token), body: { state: "withdrawn", purposes: ["recommendations"] } })).status, 204);
    const mine = await call(lrs, "GET", "/privacy/consent", { auth: bearer(token) });
    assert.equal(mine.json.purposes.recommendations, "withdrawn");
    assert.equal(mine.json.history[0].by, "learner");
  });

  test("bad consent requests are 400; roles without consent:manage are 403", async () => {
    const ada = mboxAgent(tag(), "ada");
    for (const [body, field] of [
      [{ agent: ada, state: "maybe" }, "$.state"],
      [{ agent: ada }, "$.state"],
      [{ agent: ada, state: "granted", purposes: ["marketing"] }, "$.purposes[0]"],
      [{ agent: ada, state: "granted", purposes: "analytics" }, "$.purposes"],
    ]) {
      const res = await call(lrs, "PUT", "/privacy/consent", { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.json.path, field);
    }
    assert.equal((await call(lrs, "PUT", "/privacy/consent", { body: "[" })).status, 400);
    assert.equal((await call(lrs, "PUT", "/privacy/consent", { auth: lrs.analystAuth, body: { agent: ada, state: "granted" } })).status, 403);
    assert.equal((await call(lrs, "GET", `/privacy/consent?${agentQuery(ada)}`, { auth: lrs.analystAuth })).status, 403);
    assert.equal((await call(lrs, "GET", "/privacy/consent?agent=nope")).status, 400);
    assert.equal((await call(lrs, "GET", "/privacy/nothing")).status, 404);
    assert.equal((await call(lrs, "POST", "/privacy/consent", { body: {} })).status, 405);
  });
});

describe("consent, opt-in", () => {
  let lrs;
  before(async () => {
    lrs = await startLrs({ args: ["--manifest", manifestWith((m) => (m.consent.mode = "opt-in"))] });
  });
  after(async () => {
    await lrs?.stop();
  });

  test("without consent statements are acknowledged and never stored; with it they are", async () => {
    const t = tag();
    const ada = mboxAgent(t, "ada");
    const id = uuid();
    assert.deepEqual(await store(lrs, [simpleStatement(t, { actor: ada, id })]), [id]);
    assert.equal(await statementStatus(lrs, id), 404);
    const put = await request(lrs, `/xapi/statements?statementId=${uuid()}`, { method: "PUT", body: simpleStatement(t, { actor: ada, n: 1 }) });
    assert.equal(put.status, 204);
    assert.deepEqual(identitiesOnDisk(lrs, agentNeedles(ada)), [], "nothing about the learner reached disk");

    assert.equal((await call(lrs, "PUT", "/privacy/consent", { body: { agent: ada, state: "granted" } })).status, 204);
    const later = uuid();
    await store(lrs, [simpleStatement(t, { actor: ada, id: later, n: 2 })]);
    assert.equal(await statementStatus(lrs, later), 200);
    const consent = await call(lrs, "GET", `/privacy/consent?${agentQuery(ada)}`);
    assert.equal(consent.json.mode, "opt-in");
    assert.equal(consent.json.storing, true);
  });
});

describe("erasure", () => {
  let lrs;
  before(async () => {
    lrs = await startLrs();
  });
  after(async () => {
    await lrs?.stop();
  });

  test("the LMS erases a learner: statements, documents, identity and key go, no trace on disk", async () => {
    const t = tag();
    const ada = mboxAgent(t, "ada");
    const bob = mboxAgent(t, "bob");
    const adaStatement = simpleStatement(t, { actor: ada });
    const aboutAda = simpleStatement(t, { actor: bob, n: 1 });
    aboutAda.context = { instructor: ada };
    const bobStatement = simpleStatement(t, { actor: bob, n: 2 });
    const [adaId, aboutId, bobId] = await store(lrs, [adaStatement, aboutAda, bobStatement]);
    const stateQuery = `activityId=${encodeURIComponent(adaStatement.object.id)}&${agentQuery(ada)}&stateId=s1`;
    assert.equal((await request(lrs, `/xapi/activities/state?${stateQuery}`, { method: "PUT", body: { x: 1 } })).status, 204);
    const profileQuery = `${agentQuery(ada)}&profileId=p1`;
    assert.equal((await request(lrs, `/xapi/agents/profile?${profileQuery}`, { method: "POST", body: { y: 2 } })).status, 204);
    assert.equal((await call(lrs, "PUT", "/privacy/consent", { body: { agent: ada, state: "granted" } })).status, 204);
    const { token } = await issueToken(lrs, ada);
    const pseudonym = (await call(lrs, "GET", "/privacy/me", { auth: bearer(token) })).json.pseudonym;
    assert.ok(filesContaining(lrs, pseudonym).length > 0, "the pseudonym is on disk before erasure");

    assert.equal((await call(lrs, "DELETE", `/privacy/learners?${agentQuery(ada)}`, { auth: lrs.analystAuth })).status, 403);
    const res = await call(lrs, "DELETE", `/privacy/learners?${agentQuery(ada)}`);
    assert.equal(res.status, 200, res.text);
    const receipt = res.json;
    assert.match(receipt.receipt_id, /^[0-9a-f-]{36}$/);
    assert.ok(Math.abs(Date.parse(receipt.erased_at) - Date.now()) < 60_000);
    assert.deepEqual(receipt.erased, {
      statements: 2, identities: 1, documents: 2, attachments: 0, facts: receipt.erased.facts,
      consent_events: 1, data_key: true, consent_tombstone: false,
      activity_definitions: receipt.erased.activity_definitions, anonymous_groups: 0,
      audit_subjects_unlinked: receipt.erased.audit_subjects_unlinked,
    });
    assert.ok(receipt.erased.audit_subjects_unlinked >= 1, "her audit entries are un-linked");

    assert.equal(await statementStatus(lrs, adaId), 404);
    assert.equal(await statementStatus(lrs, aboutId), 404);
    assert.equal(await statementStatus(lrs, bobId), 200, "other learners' statements stay");
    assert.equal((await request(lrs, `/xapi/activities/state?${stateQuery}`)).status, 404);
    assert.equal((await request(lrs, `/xapi/agents/profile?${profileQuery}`)).status, 404);
    assert.deepEqual(filesContaining(lrs, pseudonym), [], "no trace of the pseudonym in any file");
    assert.deepEqual(identitiesOnDisk(lrs, agentNeedles(ada)), []);
    const me = await call(lrs, "GET", "/privacy/me", { auth: bearer(token) });
    assert.equal(me.status, 401, "her token died with her data");
  });

  test("a learner who withdrew and was erased keeps exactly the tombstone, nothing else", async () => {
    const t = tag();
    const ada = mboxAgent(t, "ada");
    await store(lrs, [simpleStatement(t, { actor: ada })]);
    const { token } = await issueToken(lrs, ada);
    const pseudonym = (await call(lrs, "GET", "/privacy/me", { auth: bearer(token) })).json.pseudonym;
    assert.equal((await call(lrs, "PUT", "/privacy/consent", { body: { agent: ada, state: "withdrawn" } })).status, 204);
    const res = await call(lrs, "DELETE", `/privacy/learners?${agentQuery(ada)}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.erased.consent_tombstone, true);
    // The pseudonym is in lrs.db only: the tombstone row and its index entry.
    assert.deepEqual(filesContaining(lrs, pseudonym), ["data/lrs.db"]);
    const bytes = fs.readFileSync(path.join(lrs.dataDir, "lrs.db"));
    let occurrences = 0;
    for (let at = bytes.indexOf(pseudonym); at >= 0; at = bytes.indexOf(pseudonym, at + 1)) occurrences++;
    assert.equal(occurrences, 2, "one consent_events row and its consent_events_by_pseudonym entry");
    const consent = await call(lrs, "GET", `/privacy/consent?${agentQuery(ada)}`);
    assert.deepEqual(consent.json.history.map((e) => [e.state, e.by]), [["withdrawn", "erasure"]]);
    assert.deepEqual(identitiesOnDisk(lrs, agentNeedles(ada)), []);
  });

  test("a learner erases themself with their token and gets a receipt", async () => {
    const t = tag();
    const ada = accountAgent(t, "ada");
    const [id] = await store(lrs, [simpleStatement(t, { actor: ada })]);
    const { token } = await issueToken(lrs, ada);
    const res = await call(lrs, "DELETE", "/privacy/me", { auth: bearer(token) });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.erased.statements, 1);
    assert.equal(res.json.erased.data_key, true);
    assert.equal(await statementStatus(lrs, id), 404);
    // New statements after erasure are a new start (opt-out default).
    const [again] = await store(lrs, [simpleStatement(t, { actor: ada, n: 1 })]);
    assert.equal(await statementStatus(lrs, again), 200);
    const read = await request(lrs, `/xapi/statements?statementId=${again}`);
    assert.deepEqual(read.json.actor, ada, "a fresh key seals the learner again");
  });
});
