// The Statements API through a second, independent client: TinCanJS (npm
// `tincanjs`, xAPI 1.0.2 on the wire). Save (PUT) and batch save (POST),
// retrieve, query by verb / agent / activity / registration, paging with
// `more`, voiding, conflicts, About and bad credentials; what TinCanJS writes
// is read back exactly by @xapi/xapi too.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startLrs } from "./lib/harness.js";
import { uuid, tag, VERBS, withoutLrsProperties } from "./lib/statements.js";
import { TinCan, tincanLrs, tc, tcOk, tcStatus, TINCAN_VERSION } from "./lib/tincan.js";

let lrs;
let client;
before(async () => {
  lrs = await startLrs();
  client = tincanLrs(lrs);
});
after(async () => {
  await lrs?.stop();
});

const sorted = (a) => [...a].sort();
const ids = (statements) => statements.map((s) => s.id);
const agentOf = (t, who) => ({ objectType: "Agent", name: `${who} ${t}`, mbox: `mailto:${who}.${t}@example.org` });
const activityOf = (t, n) => ({
  objectType: "Activity",
  id: `https://courses.example.org/e2e/${t}/tincan/${n}`,
  definition: { name: { "en-US": `TinCan activity ${n}` }, type: "http://adlnet.gov/expapi/activities/lesson" },
});

function statementOf(t, { who = "learner", verb = VERBS.experienced, n = 0, registration, extra = {} } = {}) {
  return new TinCan.Statement({
    actor: agentOf(t, who),
    verb,
    target: activityOf(t, n),
    ...(registration && { context: { registration } }),
    ...extra,
  });
}

/** Every statement of a query, following `more` with moreStatements; also the page sizes. */
async function queryAll(params) {
  let page = await tcOk(client, "queryStatements", { params });
  const statements = [...page.statements];
  const sizes = [page.statements.length];
  while (page.more) {
    page = await tcOk(client, "moreStatements", { url: page.more });
    statements.push(...page.statements);
    sizes.push(page.statements.length);
  }
  return { statements, sizes };
}

test("saveStatement PUTs, saveStatements POSTs; both read back as sent, by TinCanJS and by @xapi/xapi", async () => {
  const t = tag();
  const registration = uuid();
  const statement = statementOf(t, {
    verb: VERBS.completed,
    registration,
    extra: { result: { score: { scaled: 0.75, raw: 75, min: 0, max: 100 }, success: true, completion: true, duration: "PT12M30S" } },
  });
  const saved = await tcOk(client, "saveStatement", statement, {});
  assert.equal(saved.status, 204, "saveStatement PUTs with the id TinCanJS stamped");

  const back = await tcOk(client, "retrieveStatement", statement.id, {});
  assert.ok(back instanceof TinCan.Statement);
  const sent = statement.asVersion(TINCAN_VERSION);
  const got = back.asVersion(TINCAN_VERSION);
  for (const key of ["id", "actor", "verb", "object", "result", "context", "timestamp"]) {
    assert.deepEqual(got[key], sent[key], `${key} round-trips through TinCanJS`);
  }
  assert.ok(back.stored && back.authority, "the LRS set stored and authority");

  // What TinCanJS put on the wire is exactly what @xapi/xapi reads.
  const viaXapi = await lrs.client().getStatement({ statementId: statement.id });
  assert.deepEqual(withoutLrsProperties(viaXapi.data, sent), JSON.parse(JSON.stringify(sent)));

  const batch = [0, 1, 2].map((n) => statementOf(t, { n: n + 1, registration }));
  const posted = await tcOk(client, "saveStatements", batch, {});
  assert.equal(posted.status, 200);
  assert.deepEqual(JSON.parse(posted.responseText), ids(batch), "the ids of the batch, in order");

  const conflicting = statementOf(t, { verb: VERBS.attempted, registration });
  conflicting.id = statement.id;
  const conflict = await tc(client, "saveStatement", conflicting, {});
  assert.equal(tcStatus(conflict), 409, "a different statement under an existing id");
  const again = await tc(client, "saveStatement", statement, {});
  assert.equal(tcStatus(again), 204, "the same statement again is fine");
});

test("queryStatements by verb, agent, activity and registration", async () => {
  const t = tag();
  const registration = uuid();
  const ada = new TinCan.Agent(agentOf(t, "ada"));
  const grace = new TinCan.Agent(agentOf(t, "grace"));
  const all = [
    statementOf(t, { who: "ada", verb: VERBS.completed, n: 1, registration }),
    statementOf(t, { who: "ada", verb: VERBS.attempted, n: 2, registration }),
    statementOf(t, { who: "grace", verb: VERBS.completed, n: 2, registration }),
    statementOf(t, { who: "grace", verb: VERBS.experienced, n: 1, registration }),
  ];
  await tcOk(client, "saveStatements", all, {});
  const expect = (pred) => sorted(ids(all.filter(pred)));
  const query = async (params) => sorted(ids((await queryAll({ registration, ...params })).statements));

  assert.deepEqual(await query({}), sorted(ids(all)));
  assert.deepEqual(await query({ verb: new TinCan.Verb(VERBS.completed) }), expect((s) => s.verb.id === VERBS.completed.id));
  assert.deepEqual(await query({ agent: ada }), expect((s) => s.actor.mbox === ada.mbox));
  assert.deepEqual(await query({ activity: new TinCan.Activity({ id: activityOf(t, 2).id }) }), expect((s) => s.target.id === activityOf(t, 2).id));
  assert.deepEqual(
    await query({ agent: grace, verb: new TinCan.Verb(VERBS.completed), activity: new TinCan.Activity({ id: activityOf(t, 2).id }) }),
    [all[2].id],
  );
  assert.deepEqual(await query({ agent: new TinCan.Agent(agentOf(t, "nobody")) }), []);
  // Without the registration, the agent still finds exactly its own.
  assert.deepEqual(sorted(ids((await queryAll({ agent: ada })).statements)), expect((s) => s.actor.mbox === ada.mbox));

  const ascending = (await queryAll({ registration, ascending: true })).statements;
  const descending = (await queryAll({ registration })).statements;
  assert.deepEqual(ids(ascending), ids(descending).reverse(), "ascending is the default order reversed");
});

test("paging: 7 statements by 3 are 3/3/1 through moreStatements, none repeated", async () => {
  const t = tag();
  const registration = uuid();
  const batch = Array.from({ length: 7 }, (_, n) => statementOf(t, { n, registration }));
  await tcOk(client, "saveStatements", batch, {});
  const { statements, sizes } = await queryAll({ registration, limit: 3 });
  assert.deepEqual(sizes, [3, 3, 1]);
  assert.equal(new Set(ids(statements)).size, 7, "no statement twice");
  assert.deepEqual(sorted(ids(statements)), sorted(ids(batch)));
});

test("voiding through TinCanJS: the voided statement is gone from GET and queries, reachable as voided", async () => {
  const t = tag();
  const registration = uuid();
  const target = statementOf(t, { n: 1, registration });
  const keep = statementOf(t, { n: 2, registration });
  await tcOk(client, "saveStatements", [target, keep], {});
  const voiding = new TinCan.Statement({
    actor: agentOf(t, "admin"),
    verb: { id: "http://adlnet.gov/expapi/verbs/voided", display: { "en-US": "voided" } },
    target: new TinCan.StatementRef({ id: target.id }),
  });
  assert.equal((await tcOk(client, "saveStatement", voiding, {})).status, 204);

  const gone = await tc(client, "retrieveStatement", target.id, {});
  assert.equal(tcStatus(gone), 404);
  const voided = await tcOk(client, "retrieveVoidedStatement", target.id, {});
  assert.equal(voided.id, target.id);
  assert.deepEqual(voided.actor.asVersion(TINCAN_VERSION), target.actor.asVersion(TINCAN_VERSION));
  const notVoided = await tc(client, "retrieveVoidedStatement", keep.id, {});
  assert.equal(tcStatus(notVoided), 404, "a statement that is not voided is not reachable as voided");

  // The voided statement is left out; the voiding statement matches the
  // registration through the statement it targets (Communication 2.1.3,
  // filter conditions for StatementRefs).
  assert.deepEqual(sorted(ids((await queryAll({ registration })).statements)), sorted([keep.id, voiding.id]));
  const byVerb = await queryAll({ verb: new TinCan.Verb({ id: "http://adlnet.gov/expapi/verbs/voided" }), agent: new TinCan.Agent(agentOf(t, "admin")) });
  assert.deepEqual(ids(byVerb.statements), [voiding.id], "the voiding statement is an ordinary statement");
});

test("about answers TinCanJS; bad credentials are 401, the analyst 403", async () => {
  const about = await tcOk(client, "about", {});
  assert.ok(about instanceof TinCan.About);
  assert.ok(about.version.includes(TINCAN_VERSION), `versions: ${about.version}`);

  const t = tag();
  const statement = statementOf(t);
  const stranger = tincanLrs(lrs, { credential: { key: "not-a-key", secret: "not-a-secret" } });
  assert.equal(tcStatus(await tc(stranger, "saveStatement", statement, {})), 401);
  assert.equal(tcStatus(await tc(stranger, "queryStatements", { params: { limit: 1 } })), 401);
  const analyst = tincanLrs(lrs, { credential: lrs.analystCred });
  assert.equal(tcStatus(await tc(analyst, "saveStatement", statement, {})), 403);
  assert.equal(tcStatus(await tc(analyst, "retrieveStatement", statement.id, {})), 403);
  assert.equal(tcStatus(await tc(client, "retrieveStatement", statement.id, {})), 404, "nothing was stored by the refused writes");
});

test("errors about a single statement (not a batch) name paths in that statement: $.id, $.object.id", async () => {
  // The error body's path is a JSON path into the request body; a PUT (or a
  // POST of one object) has no $[0].
  const t = tag();
  const statement = statementOf(t, { n: 1 });
  await tcOk(client, "saveStatement", statement, {});
  const different = statementOf(t, { n: 2 });
  different.id = statement.id;
  const conflict = await tc(client, "saveStatement", different, {});
  assert.equal(tcStatus(conflict), 409);
  const conflictBody = JSON.parse(conflict.result.responseText);
  assert.equal(conflictBody.path, "$.id", `409 for a PUT body that is one statement: ${conflict.result.responseText}`);

  const voiding = new TinCan.Statement({
    actor: agentOf(t, "admin"),
    verb: { id: "http://adlnet.gov/expapi/verbs/voided", display: { "en-US": "voided" } },
    target: new TinCan.StatementRef({ id: statement.id }),
  });
  await tcOk(client, "saveStatement", voiding, {});
  const voidTheVoiding = new TinCan.Statement({
    actor: agentOf(t, "admin"),
    verb: { id: "http://adlnet.gov/expapi/verbs/voided", display: { "en-US": "voided" } },
    target: new TinCan.StatementRef({ id: voiding.id }),
  });
  const refused = await tc(client, "saveStatement", voidTheVoiding, {});
  assert.equal(tcStatus(refused), 400, "a voiding statement cannot be voided");
  assert.equal(JSON.parse(refused.result.responseText).path, "$.object.id", `400 for a PUT body that is one statement: ${refused.result.responseText}`);
});
