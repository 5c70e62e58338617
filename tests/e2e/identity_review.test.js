// Privacy review, second pass (issue 14, findings 1, 4 and 6 as a class): an
// attacker's review of the merged main found identities that still reached
// disk or outlived erasure. One test per finding; each failed before its fix.
// - an address in an Activity Profile's body (stored in clear: it belongs to
//   no learner) was stored as sent;
// - an address in an attachment part's own Content-Type was stored as sent;
// - an Agent or Group in an extension that names no one the LRS can key (a
//   name only, an account without homePage, a Group's name with no member)
//   was stored as sent;
// - other learners' documents whose ids held the erased learner's address
//   token kept it after the erasure;
// - a document id holding the address of a learner without consent stored
//   their token (statements withhold it);
// - a Group without objectType in an extension escaped limits.group_members.

import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { startLrs } from "./lib/harness.js";
import { request } from "./lib/http.js";
import { identitiesOnDisk } from "./lib/disk.js";
import { buildMultipart, postMultipart } from "./lib/multipart.js";
import { uuid, tag, VERBS } from "./lib/statements.js";

const agentQuery = (agent) => `agent=${encodeURIComponent(JSON.stringify(agent))}`;
const enc = encodeURIComponent;
const TOKEN = /a[0-9a-f]{32}@pseudonym\.invalid/g;

describe("identities the first review missed (default manifest)", () => {
  let lrs;
  before(async () => {
    lrs = await startLrs();
  });
  after(async () => {
    await lrs?.stop();
  });

  const statement = (t, extra = {}) => ({
    id: uuid(),
    actor: { mbox: `mailto:actor.${t}@example.org` },
    verb: VERBS.experienced,
    object: { id: `https://courses.example.org/e2e/${t}` },
    ...extra,
  });
  const tokensIn = (sql) =>
    execFileSync("sqlite3", [path.join(lrs.dataDir, "lrs.db"), sql]).toString().match(TOKEN) ?? [];

  test("an Activity Profile's body holds addresses as tokens; the LMS reads back what it sent, merges included", async () => {
    const t = tag();
    const url = `/xapi/activities/profile?activityId=${enc(`https://courses.example.org/e2e/${t}`)}&profileId=roster`;
    const put = await request(lrs, url, { method: "PUT", body: { tutor: `tutor.${t}@example.org` }, headers: { "If-None-Match": "*" } });
    assert.equal(put.status, 204, put.text);
    const post = await request(lrs, url, { method: "POST", body: { [`key.${t}@example.org`]: "y", tutor: `Tutor.${t}@Example.org` } });
    assert.equal(post.status, 204, post.text);
    const got = await request(lrs, url);
    assert.equal(got.status, 200);
    assert.deepEqual(got.json, { tutor: `Tutor.${t}@Example.org`, [`key.${t}@example.org`]: "y" });
    const text = await request(lrs, `${url}-text`, { method: "PUT", body: `mail tutor.${t}@example.org`, headers: { "Content-Type": "text/plain", "If-None-Match": "*" } });
    assert.equal(text.status, 204, text.text);
    assert.equal((await request(lrs, `${url}-text`)).text, `mail tutor.${t}@example.org`);
    assert.deepEqual(identitiesOnDisk(lrs, [`tutor.${t}@example.org`, `Tutor.${t}@Example.org`, `key.${t}@example.org`]), []);
  });

  test("Activity Profile bytes that are not UTF-8, and JSON that escapes @, hold no address; literal tokens read back as sent", async () => {
    const t = tag();
    const base = `/xapi/activities/profile?activityId=${enc(`https://courses.example.org/e2e/${t}`)}`;
    const bytes = Buffer.concat([Buffer.from(`owner bin.${t}@example.org `), Buffer.from([0xff, 0xfe]), Buffer.from(" end")]);
    const bin = await request(lrs, `${base}&profileId=bin`, { method: "PUT", body: bytes, headers: { "Content-Type": "application/octet-stream", "If-None-Match": "*" } });
    assert.equal(bin.status, 204, bin.text);
    const back = await fetch(lrs.baseUrl + `${base}&profileId=bin`, { headers: { Authorization: lrs.auth, "X-Experience-API-Version": "1.0.3" } });
    assert.deepEqual(Buffer.from(await back.arrayBuffer()), bytes);
    const escaped = `{"grader":"esc.${t}\\u0040example.org"}`;
    const url = `${base}&profileId=esc`;
    assert.equal((await request(lrs, url, { method: "PUT", body: escaped, headers: { "If-None-Match": "*" } })).status, 204);
    assert.equal((await request(lrs, url, { method: "POST", body: `{"peer":"peer.${t}\\u0040example.org"}` })).status, 204);
    assert.deepEqual((await request(lrs, url)).json, { grader: `esc.${t}@example.org`, peer: `peer.${t}@example.org` });
    const literal = "a0123456789abcdef0123456789abcdef@pseudonym.invalid";
    const lit = `${base}&profileId=literal`;
    assert.equal((await request(lrs, lit, { method: "PUT", body: { ref: literal }, headers: { "If-None-Match": "*" } })).status, 204);
    assert.deepEqual((await request(lrs, lit)).json, { ref: literal });
    assert.deepEqual(identitiesOnDisk(lrs, [`bin.${t}@example.org`, `esc.${t}@example.org`, `peer.${t}@example.org`]), []);
  });

  test("a statement or a document holding more than 5000 different addresses is a 413", async () => {
    const t = tag();
    const many = Array.from({ length: 5001 }, (_, i) => `u${i}.${t}@example.org`).join(" ");
    const s = statement(t, { result: { response: many } });
    const res = await request(lrs, "/xapi/statements", { method: "POST", body: s });
    assert.equal(res.status, 413, res.text);
    const doc = await request(lrs, `/xapi/activities/profile?activityId=${enc(`https://courses.example.org/e2e/${t}`)}&profileId=many`, {
      method: "PUT", body: { many }, headers: { "If-None-Match": "*" },
    });
    assert.equal(doc.status, 413, doc.text);
    assert.deepEqual(identitiesOnDisk(lrs, [`u5000.${t}@example.org`]), []);
  });

  test("an attachment part's Content-Type holds no address on disk", async () => {
    const t = tag();
    const data = `attached ${t}`;
    const sha2 = createHash("sha256").update(data).digest("hex");
    const s = statement(t, {
      attachments: [{ usageType: "https://example.org/usage/file", display: { "en-US": "file" }, contentType: "text/plain", length: data.length, sha2 }],
    });
    const res = await postMultipart(lrs, buildMultipart(s, [{ contentType: `text/plain; name="part.${t}@example.org"`, data }]));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(identitiesOnDisk(lrs, [`part.${t}@example.org`]), []);
  });

  test("an Agent or Group in an extension that names no one the LRS can key is a 400, and nothing is stored", async () => {
    const t = tag();
    const cases = [
      { account: { name: `acct.${t}` } },
      { objectType: "Agent", name: `Name Only ${t}` },
      { objectType: "Group", name: `Empty Group ${t}`, member: [] },
      { name: `Group Without Type ${t}`, member: [{ name: `Member Without Id ${t}` }] },
      { objectType: "agent", name: `Lower Type ${t}` },
      { objectType: "Person", name: [`Person Type ${t}`] },
      { mbox: "not-mailto", name: `Not Mailto ${t}` },
      { account: { homePage: "notaurl", name: `acct2.${t}` } },
      { mbox: `mailto:host.${t}@example.org`, notes: [{ objectType: "Agent", name: `Nested ${t}` }] },
    ];
    for (const value of cases) {
      const s = statement(t, { context: { extensions: { "https://example.org/ext/person": { nested: [value] } } } });
      const res = await request(lrs, "/xapi/statements", { method: "POST", body: s });
      assert.equal(res.status, 400, `${JSON.stringify(value)}: ${res.text}`);
      assert.match(res.json.message, /identifier/);
      assert.equal((await request(lrs, `/xapi/statements?statementId=${s.id}`)).status, 404);
    }
    assert.deepEqual(identitiesOnDisk(lrs, [`acct.${t}`, `Name Only ${t}`, `Empty Group ${t}`, `Group Without Type ${t}`, `Lower Type ${t}`, `Person Type ${t}`, `Not Mailto ${t}`, `acct2.${t}`, `Nested ${t}`]), []);
    // Ordinary JSON that merely uses these names is no person.
    for (const value of [{ member: true }, { club: { member: [] } }, { account: "premium" }, { account: { id: "ACC-1" } }, { openid: { enabled: false } }, { objectType: "Group", id: "lab-3" }]) {
      const s = statement(t, { result: { extensions: { "https://example.org/ext/plain": value } } });
      assert.equal((await request(lrs, "/xapi/statements", { method: "POST", body: s })).status, 200, JSON.stringify(value));
    }
    // A Group without objectType but with identified members is a Group: sealed.
    const grouped = statement(t, { result: { extensions: { "https://example.org/ext/pair": { name: `Pair ${t}`, member: [{ mbox: `mailto:pair.${t}@example.org` }] } } } });
    assert.equal((await request(lrs, "/xapi/statements", { method: "POST", body: grouped })).status, 200);
    assert.deepEqual(identitiesOnDisk(lrs, [`Pair ${t}`, `pair.${t}@example.org`]), []);
  });

  test("a Group without objectType in an extension counts against limits.group_members", async () => {
    const t = tag();
    const member = Array.from({ length: 5001 }, (_, i) => ({ account: { homePage: "https://lms.example.org", name: `m${i}-${t}` } }));
    const s = statement(t, { context: { extensions: { "https://example.org/ext/all": { member } } } });
    const res = await request(lrs, "/xapi/statements", { method: "POST", body: s });
    assert.equal(res.status, 413, res.text);
  });

  test("erasure deletes other learners' documents whose ids or Activity Profile text name the erased learner", async () => {
    const t = tag();
    const lia = { mbox: `mailto:lia.${t}@example.org` };
    const mo = `mo.${t}@example.org`;
    const activity = enc(`https://courses.example.org/e2e/${t}`);
    const state = `/xapi/activities/state?activityId=${activity}&${agentQuery(lia)}&stateId=${enc(`about ${mo}`)}`;
    const keep = `/xapi/activities/state?activityId=${activity}&${agentQuery(lia)}&stateId=mine`;
    const profile = `/xapi/activities/profile?activityId=${activity}&profileId=notes`;
    for (const url of [state, keep]) assert.equal((await request(lrs, url, { method: "PUT", body: { a: 1 } })).status, 204);
    assert.equal((await request(lrs, profile, { method: "PUT", body: { peer: mo }, headers: { "If-None-Match": "*" } })).status, 204);
    const tokens = tokensIn(
      `SELECT document_id || ' ' || CAST(content AS TEXT) FROM documents WHERE activity_id = 'https://courses.example.org/e2e/${t}' AND (kind = 3 OR document_id LIKE 'about %')`,
    );
    assert.ok(tokens.length >= 2, `tokens stored: ${tokens}`);
    const erased = await request(lrs, `/privacy/learners?${agentQuery({ mbox: `mailto:${mo}` })}`, { method: "DELETE" });
    assert.equal(erased.status, 200, erased.text);
    assert.ok(erased.json.erased.documents >= 2, erased.text);
    assert.equal((await request(lrs, state)).status, 404);
    assert.equal((await request(lrs, profile)).status, 404);
    assert.equal((await request(lrs, keep)).status, 200, "a document that does not name them stays");
    assert.deepEqual(identitiesOnDisk(lrs, [...new Set(tokens)].map((x) => x.slice(0, 33))), []);
  });

  test("a document id naming a learner without consent holds the withheld address, never their token", async () => {
    const t = tag();
    const carl = `carl.${t}@example.org`;
    const withdrawn = await request(lrs, "/privacy/consent", { method: "PUT", body: { agent: { mbox: `mailto:${carl}` }, state: "withdrawn" } });
    assert.equal(withdrawn.status, 204, withdrawn.text);
    const lia = { mbox: `mailto:lia.${t}@example.org` };
    const url = `/xapi/activities/state?activityId=${enc(`https://courses.example.org/e2e/${t}`)}&${agentQuery(lia)}&stateId=${enc(carl)}`;
    assert.equal((await request(lrs, url, { method: "PUT", body: { a: 1 } })).status, 204);
    const ids = execFileSync("sqlite3", [path.join(lrs.dataDir, "lrs.db"), "SELECT document_id FROM documents WHERE kind = 1"]).toString();
    assert.match(ids, /another\.learner@withheld\.invalid/);
    assert.doesNotMatch(ids, new RegExp(carl));
  });
});
