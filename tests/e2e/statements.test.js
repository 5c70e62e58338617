// The Statements API through a real xAPI client (@xapi/xapi): store, read
// back exactly, query, void, conflicts, and the protocol headers.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startLrs } from "./lib/harness.js";
import { request, rawExchange, isErrorBody } from "./lib/http.js";
import {
  uuid, tag, VERBS, mboxAgent, accountAgent, activity, simpleStatement, withoutLrsProperties, collectAll,
} from "./lib/statements.js";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let lrs;
let xapi;
before(async () => {
  lrs = await startLrs();
  xapi = lrs.client();
});
after(async () => {
  await lrs?.stop();
});

const ids = (statements) => statements.map((s) => s.id);
const sorted = (a) => [...a].sort();

test("POST a single statement returns 200 and its id", async () => {
  const t = tag();
  const res = await xapi.sendStatement({ statement: simpleStatement(t) });
  assert.equal(res.status, 200);
  assert.ok(Array.isArray(res.data), "body is a JSON array");
  assert.equal(res.data.length, 1);
  assert.match(res.data[0], UUID_RE);
});

test("POST a batch returns the ids in order, keeping ids the client set", async () => {
  const t = tag();
  const given = uuid();
  const batch = [
    simpleStatement(t, { n: 0, id: given }),
    simpleStatement(t, { n: 1 }),
    simpleStatement(t, { n: 2, actor: accountAgent(t) }),
  ];
  const res = await xapi.sendStatements({ statements: batch });
  assert.equal(res.status, 200);
  assert.equal(res.data.length, 3);
  assert.equal(res.data[0], given);
  for (const id of res.data) assert.match(id, UUID_RE);
  assert.equal(new Set(res.data).size, 3);
});

test("GET by statementId returns the statement exactly as sent (mbox actor)", async () => {
  const t = tag();
  const sent = simpleStatement(t, { actor: mboxAgent(t, "ada") });
  const [id] = (await xapi.sendStatement({ statement: sent })).data;
  const got = await xapi.getStatement({ statementId: id });
  assert.equal(got.status, 200);
  assert.equal(got.data.id, id);
  assert.deepEqual(got.data.actor, sent.actor, "actor (name, mbox) round-trips exactly");
  assert.deepEqual(withoutLrsProperties(got.data, sent), sent);
  assert.ok(got.data.stored, "stored is set");
  assert.ok(got.data.authority, "authority is set");
});

test("GET by statementId returns the statement exactly as sent (account actor, context agents)", async () => {
  const t = tag();
  const sent = {
    id: uuid(),
    actor: accountAgent(t, "grace"),
    verb: VERBS.completed,
    object: activity(t, 1),
    result: { completion: true, success: true, score: { scaled: 0.9 } },
    context: {
      registration: uuid(),
      instructor: mboxAgent(t, "teacher"),
      team: {
        objectType: "Group",
        name: `Team ${t}`,
        member: [mboxAgent(t, "m1"), accountAgent(t, "m2")],
      },
      contextActivities: { parent: [activity(t, 0)] },
    },
    timestamp: "2024-05-06T07:08:09.123Z",
  };
  const res = await xapi.sendStatement({ statement: sent });
  assert.deepEqual(res.data, [sent.id]);
  const got = await xapi.getStatement({ statementId: sent.id });
  assert.deepEqual(withoutLrsProperties(got.data, sent), sent);
});

test("GET an unknown statementId is 404", async () => {
  await assert.rejects(xapi.getStatement({ statementId: uuid() }), (e) => e.response?.status === 404);
});

test("query by agent returns that agent's statements only", async () => {
  const t = tag();
  const a = mboxAgent(t, "alice");
  const b = accountAgent(t, "bob");
  const batch = [
    simpleStatement(t, { actor: a, n: 0 }),
    simpleStatement(t, { actor: b, n: 1 }),
    simpleStatement(t, { actor: a, n: 2 }),
    simpleStatement(t, { actor: b, n: 3 }),
    simpleStatement(t, { actor: a, n: 4 }),
  ];
  const posted = (await xapi.sendStatements({ statements: batch })).data;
  const forA = await collectAll(xapi, { agent: { mbox: a.mbox } });
  assert.deepEqual(sorted(ids(forA.statements)), sorted([posted[0], posted[2], posted[4]]));
  for (const s of forA.statements) assert.deepEqual(s.actor, a, "LMS sees the agent as sent");
  const forB = await collectAll(xapi, { agent: { account: b.account } });
  assert.deepEqual(sorted(ids(forB.statements)), sorted([posted[1], posted[3]]));
});

test("query by verb and by activity, with and without related_*", async () => {
  const t = tag();
  const practised = { id: `https://verbs.example.org/e2e/${t}/practised`, display: { "en-US": "practised" } };
  const main = activity(t, 7);
  const s1 = simpleStatement(t, { verb: practised, n: 7 }); // object = main
  const s2 = simpleStatement(t, { n: 8 }); // other object, main in context
  s2.context = { contextActivities: { grouping: [main] }, instructor: mboxAgent(t, "coach") };
  const s3 = simpleStatement(t, { verb: practised, n: 9 });
  const [id1, id2, id3] = (await xapi.sendStatements({ statements: [s1, s2, s3] })).data;

  const byVerb = await collectAll(xapi, { verb: practised.id });
  assert.deepEqual(sorted(ids(byVerb.statements)), sorted([id1, id3]));

  const byActivity = await collectAll(xapi, { activity: main.id });
  assert.deepEqual(ids(byActivity.statements), [id1]);
  const related = await collectAll(xapi, { activity: main.id, related_activities: true });
  assert.deepEqual(sorted(ids(related.statements)), sorted([id1, id2]));

  const coach = { mbox: mboxAgent(t, "coach").mbox };
  const asActor = await collectAll(xapi, { agent: coach });
  assert.deepEqual(ids(asActor.statements), []);
  const relatedAgent = await collectAll(xapi, { agent: coach, related_agents: true });
  assert.deepEqual(ids(relatedAgent.statements), [id2]);

  const both = await collectAll(xapi, { verb: practised.id, activity: main.id });
  assert.deepEqual(ids(both.statements), [id1]);
});

test("query by registration, ascending and limit", async () => {
  const t = tag();
  const registration = uuid();
  const batch = [0, 1, 2, 3].map((n) => simpleStatement(t, { n, registration }));
  const posted = (await xapi.sendStatements({ statements: batch })).data;
  const desc = await collectAll(xapi, { registration });
  assert.deepEqual(sorted(ids(desc.statements)), sorted(posted));
  const asc = await collectAll(xapi, { registration, ascending: true });
  assert.deepEqual(ids(asc.statements), [...ids(desc.statements)].reverse(), "ascending is the reverse of the default order");
  const limited = await xapi.getStatements({ registration, limit: 2 });
  assert.equal(limited.data.statements.length, 2);
  assert.ok(limited.data.more, "more is set when the limit cut the result");
});

test("voiding: the voided statement is only reachable by voidedStatementId", async () => {
  const t = tag();
  const actor = mboxAgent(t, "voider");
  const target = simpleStatement(t, { actor, n: 3 });
  const keep = simpleStatement(t, { actor, n: 4 });
  const [targetId, keepId] = (await xapi.sendStatements({ statements: [target, keep] })).data;

  const voidRes = await xapi.voidStatement({ actor, statementId: targetId });
  assert.equal(voidRes.status, 200);
  const [voidingId] = voidRes.data;

  await assert.rejects(xapi.getStatement({ statementId: targetId }), (e) => e.response?.status === 404);
  const voided = await xapi.getVoidedStatement({ voidedStatementId: targetId });
  assert.equal(voided.status, 200);
  assert.equal(voided.data.id, targetId);
  assert.deepEqual(voided.data.actor, actor);

  // A statement that is not voided is not reachable by voidedStatementId.
  await assert.rejects(xapi.getVoidedStatement({ voidedStatementId: keepId }), (e) => e.response?.status === 404);

  const byAgent = ids((await collectAll(xapi, { agent: { mbox: actor.mbox } })).statements);
  assert.ok(!byAgent.includes(targetId), "queries exclude the voided statement");
  assert.ok(byAgent.includes(keepId));
  assert.ok(byAgent.includes(voidingId), "the voiding statement itself is a normal statement");
  // xAPI 1.0.3 Communication 2.1.3 (filter conditions for StatementRefs): a
  // statement that targets a matching statement matches too, so the voiding
  // statement is found by the voided statement's activity; the voided one is not.
  const byActivity = ids((await collectAll(xapi, { activity: target.object.id })).statements);
  assert.deepEqual(byActivity, [voidingId]);
});

test("PUT with an id: 204, same again 204, different content 409", async () => {
  const t = tag();
  const id = uuid();
  const statement = simpleStatement(t, { n: 11 });
  const put = (body) => request(lrs, `/xapi/statements?statementId=${id}`, { method: "PUT", body });

  const first = await put(statement);
  assert.equal(first.status, 204, first.text);
  assert.equal(first.text, "");
  const again = await put(statement);
  assert.equal(again.status, 204, again.text);
  const different = await put({ ...statement, verb: VERBS.completed });
  assert.equal(different.status, 409, different.text);
  assert.ok(isErrorBody(different.json, 409), `error body: ${different.text}`);

  const got = await xapi.getStatement({ statementId: id });
  assert.deepEqual(got.data.verb, statement.verb, "the first version is kept");
});

test("POST of a different statement under an existing id is 409 and stores nothing of the batch", async () => {
  const t = tag();
  const registration = uuid();
  const existing = simpleStatement(t, { id: uuid(), registration, n: 1 });
  await xapi.sendStatement({ statement: existing });
  const fresh = simpleStatement(t, { id: uuid(), registration, n: 2 });
  const clash = { ...existing, verb: VERBS.attempted };
  await assert.rejects(
    xapi.sendStatements({ statements: [fresh, clash] }),
    (e) => e.response?.status === 409,
  );
  await assert.rejects(xapi.getStatement({ statementId: fresh.id }), (e) => e.response?.status === 404);
});

test("re-POSTing the same batch is 200 and stores no duplicates", async () => {
  const t = tag();
  const registration = uuid();
  const batch = [0, 1, 2].map((n) => simpleStatement(t, { id: uuid(), registration, n }));
  const first = await xapi.sendStatements({ statements: batch });
  const second = await xapi.sendStatements({ statements: batch });
  assert.equal(second.status, 200);
  assert.deepEqual(second.data, first.data);
  const all = await collectAll(xapi, { registration });
  assert.deepEqual(sorted(ids(all.statements)), sorted(batch.map((s) => s.id)));
});

test("statements responses carry X-Experience-API-Version and X-Experience-API-Consistent-Through", async () => {
  const t = tag();
  const post = await xapi.sendStatement({ statement: simpleStatement(t) });
  const get = await xapi.getStatement({ statementId: post.data[0] });
  const query = await xapi.getStatements({ limit: 1 });
  for (const [what, res] of [["POST", post], ["GET one", get], ["GET query", query]]) {
    const version = res.headers["x-experience-api-version"];
    assert.match(String(version), /^(1\.0\.[0-3]|2\.0\.0)$/, `${what}: X-Experience-API-Version`);
    const through = res.headers["x-experience-api-consistent-through"];
    assert.ok(through && !Number.isNaN(Date.parse(through)), `${what}: X-Experience-API-Consistent-Through is a timestamp, got ${through}`);
  }
});

test("xAPI 2.0.0 requests are accepted", async () => {
  const client20 = lrs.client(lrs.auth, "2.0.0");
  const t = tag();
  const res = await client20.sendStatement({ statement: simpleStatement(t) });
  assert.equal(res.status, 200);
  const got = await client20.getStatement({ statementId: res.data[0] });
  assert.equal(got.status, 200);
});

test("a missing or unsupported X-Experience-API-Version is 400", async () => {
  const t = tag();
  for (const version of [null, "0.95", "1.1.0", "banana"]) {
    const get = await request(lrs, "/xapi/statements", { version });
    assert.equal(get.status, 400, `GET with version ${version}: ${get.text}`);
    assert.ok(isErrorBody(get.json, 400), `error body: ${get.text}`);
    const post = await request(lrs, "/xapi/statements", { method: "POST", version, body: simpleStatement(t) });
    assert.equal(post.status, 400, `POST with version ${version}: ${post.text}`);
  }
});

test("GET /xapi/about needs no credentials and lists versions", async () => {
  const res = await fetch(lrs.baseUrl + "/xapi/about");
  assert.equal(res.status, 200);
  const about = await res.json();
  assert.ok(Array.isArray(about.version));
  assert.ok(about.version.includes("1.0.3"), `versions: ${about.version}`);
  const viaClient = await lrs.client("Basic Og==").getAbout();
  assert.equal(viaClient.status, 200);
});

test("HEAD /xapi/statements?statementId=... is 200 with no body", async () => {
  const t = tag();
  const [id] = (await xapi.sendStatement({ statement: simpleStatement(t) })).data;
  const res = await rawExchange(
    lrs.port,
    `HEAD /xapi/statements?statementId=${id} HTTP/1.1\r\nHost: 127.0.0.1:${lrs.port}\r\n` +
      `Authorization: ${lrs.auth}\r\nX-Experience-API-Version: 1.0.3\r\nConnection: close\r\n\r\n`,
  );
  assert.equal(res.status, 200, res.statusLine);
  assert.equal(res.body.length, 0, `HEAD response had a body: ${JSON.stringify(res.body.toString())}`);
  const missing = await rawExchange(
    lrs.port,
    `HEAD /xapi/statements?statementId=${uuid()} HTTP/1.1\r\nHost: 127.0.0.1:${lrs.port}\r\n` +
      `Authorization: ${lrs.auth}\r\nX-Experience-API-Version: 1.0.3\r\nConnection: close\r\n\r\n`,
  );
  assert.equal(missing.status, 404, missing.statusLine);
  assert.equal(missing.body.length, 0);
});
