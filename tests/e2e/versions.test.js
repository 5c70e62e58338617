// Version negotiation per request (X-Experience-API-Version 1.0.x or 2.0.0)
// through @xapi/xapi: 2.0.0's contextAgents / contextGroups accepted and
// returned (and refused in a 1.0.3 request), timestamps with an offset
// returned in UTC under 2.0.0 (as sent under 1.0.3), the response's version
// header, and the 1.0.3 alternate request syntax (POST ?method=... with a
// form body), accepted under 1.0.3 and refused under 2.0.0. The alternate
// syntax is a browser's form POST: no xAPI client says it, so fetch does.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startLrs } from "./lib/harness.js";
import { request, isErrorBody } from "./lib/http.js";
import { uuid, tag, VERBS, mboxAgent, activity, simpleStatement } from "./lib/statements.js";

let lrs;
let x10;
let x20;
before(async () => {
  lrs = await startLrs();
  x10 = lrs.client(lrs.auth, "1.0.3");
  x20 = lrs.client(lrs.auth, "2.0.0");
});
after(async () => {
  await lrs?.stop();
});

function contextualStatement(t) {
  return {
    id: uuid(),
    actor: mboxAgent(t, "learner"),
    verb: VERBS.completed,
    object: activity(t, 1),
    context: {
      registration: uuid(),
      contextAgents: [
        { objectType: "contextAgent", agent: mboxAgent(t, "coach"), relevantTypes: ["https://roles.example.org/coach"] },
        { objectType: "contextAgent", agent: { objectType: "Agent", account: { homePage: "https://lms.example.org", name: `peer-${t}` } } },
      ],
      contextGroups: [
        {
          objectType: "contextGroup",
          group: { objectType: "Group", name: `study group ${t}`, member: [mboxAgent(t, "member")] },
          relevantTypes: ["https://roles.example.org/study-group"],
        },
      ],
    },
  };
}

test("2.0.0: contextAgents and contextGroups are accepted and returned as sent", async () => {
  const t = tag();
  const statement = contextualStatement(t);
  const sent = await x20.sendStatement({ statement });
  assert.deepEqual(sent.data, [statement.id]);
  assert.equal(sent.headers["x-experience-api-version"], "2.0.0");

  const got = await x20.getStatement({ statementId: statement.id });
  assert.equal(got.headers["x-experience-api-version"], "2.0.0");
  assert.deepEqual(got.data.context, statement.context);
  assert.equal(got.data.version, "2.0.0", "the statement keeps the version it was accepted with");
  const found = await x20.getStatements({ registration: statement.context.registration });
  assert.deepEqual(found.data.statements.map((s) => s.id), [statement.id]);
});

test("1.0.3: a statement with contextAgents is 400 and not stored", async () => {
  const t = tag();
  const statement = contextualStatement(t);
  await assert.rejects(x10.sendStatement({ statement }), (e) => {
    assert.equal(e.response?.status, 400);
    assert.ok(isErrorBody(e.response.data, 400), JSON.stringify(e.response.data));
    assert.equal(e.response.data.path, "$.context");
    return true;
  });
  await assert.rejects(x20.getStatement({ statementId: statement.id }), (e) => e.response?.status === 404);
});

test("2.0.0: a timestamp with an offset comes back in UTC; under 1.0.3 as sent", async () => {
  const t = tag();
  const cases = [
    ["2024-03-01T10:00:00.123+02:00", "2024-03-01T08:00:00.123Z"],
    ["2024-03-01T15:30:00-05:30", "2024-03-01T21:00:00.000Z"],
    ["2024-03-01T00:30:00.5+01:00", "2024-02-29T23:30:00.500Z"],
    ["2024-12-31T23:59:59.999-00:30", "2025-01-01T00:29:59.999Z"],
  ];
  for (const [sentAs, utc] of cases) {
    const s20 = { ...simpleStatement(t, { id: uuid() }), timestamp: sentAs };
    await x20.sendStatement({ statement: s20 });
    const got20 = await x20.getStatement({ statementId: s20.id });
    assert.equal(got20.data.timestamp, utc, `2.0.0: ${sentAs}`);
    assert.match(got20.data.stored, /Z$/, "stored is UTC");
    assert.equal(Date.parse(got20.data.timestamp), Date.parse(sentAs), "the same instant");

    const s10 = { ...simpleStatement(t, { id: uuid() }), timestamp: sentAs };
    await x10.sendStatement({ statement: s10 });
    assert.equal((await x10.getStatement({ statementId: s10.id })).data.timestamp, sentAs, `1.0.3 keeps ${sentAs} as sent`);
  }
});

test("every 1.0.x request is answered as 1.0.3, a 2.0.0 request as 2.0.0", async () => {
  for (const [asked, answered] of [["1.0.0", "1.0.3"], ["1.0.1", "1.0.3"], ["1.0.2", "1.0.3"], ["1.0.3", "1.0.3"], ["2.0.0", "2.0.0"]]) {
    const res = await request(lrs, "/xapi/statements?limit=1", { version: asked });
    assert.equal(res.status, 200, `${asked}: ${res.text}`);
    assert.equal(res.headers.get("x-experience-api-version"), answered, `asked ${asked}`);
  }
});

/** POST path?method=METHOD with the form the alternate syntax carries (headers as fields). */
async function alternate(path, method, fields, { version = "1.0.3", versionAsHeader = false } = {}) {
  const form = new URLSearchParams({ ...fields, Authorization: lrs.auth });
  const headers = { "Content-Type": "application/x-www-form-urlencoded" };
  if (versionAsHeader) headers["X-Experience-API-Version"] = version;
  else form.set("X-Experience-API-Version", version);
  const res = await fetch(`${lrs.baseUrl}${path}?method=${method}`, { method: "POST", headers, body: form.toString() });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

test("alternate request syntax: accepted under 1.0.3 (statements PUT and GET, a State PUT)", async () => {
  const t = tag();
  const statement = simpleStatement(t);
  const id = uuid();
  const put = await alternate("/xapi/statements", "PUT", { statementId: id, content: JSON.stringify(statement), "Content-Type": "application/json" });
  assert.equal(put.status, 204, put.text);
  const stored = await x10.getStatement({ statementId: id });
  assert.deepEqual(stored.data.actor, statement.actor);

  const get = await alternate("/xapi/statements", "GET", { statementId: id });
  assert.equal(get.status, 200, get.text);
  assert.equal(get.json.id, id);

  const agent = mboxAgent(t, "alt");
  const activityId = activity(t, 9).id;
  const state = await alternate("/xapi/activities/state", "PUT", {
    activityId,
    agent: JSON.stringify(agent),
    stateId: "resume",
    content: JSON.stringify({ location: "page-4" }),
    "Content-Type": "application/json",
  });
  assert.equal(state.status, 204, state.text);
  assert.deepEqual((await x10.getState({ agent, activityId, stateId: "resume" })).data, { location: "page-4" });
});

test("alternate request syntax: 400 under 2.0.0, nothing stored", async () => {
  const t = tag();
  for (const versionAsHeader of [false, true]) {
    const id = uuid();
    const put = await alternate(
      "/xapi/statements",
      "PUT",
      { statementId: id, content: JSON.stringify(simpleStatement(t)), "Content-Type": "application/json" },
      { version: "2.0.0", versionAsHeader },
    );
    assert.equal(put.status, 400, put.text);
    assert.ok(isErrorBody(put.json, 400), put.text);
    assert.equal(put.json.path, "?method");
    await assert.rejects(x20.getStatement({ statementId: id }), (e) => e.response?.status === 404);
  }
  const get = await alternate("/xapi/statements", "GET", { limit: "1" }, { version: "2.0.0" });
  assert.equal(get.status, 400, get.text);
  const agent = mboxAgent(t, "alt20");
  const activityId = activity(t, 8).id;
  const state = await alternate(
    "/xapi/activities/state",
    "PUT",
    { activityId, agent: JSON.stringify(agent), stateId: "resume", content: "{}", "Content-Type": "application/json" },
    { version: "2.0.0" },
  );
  assert.equal(state.status, 400, state.text);
  await assert.rejects(x20.getState({ agent, activityId, stateId: "resume" }), (e) => e.response?.status === 404);
});
