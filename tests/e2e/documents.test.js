// The Document Resources (State, Activity Profile, Agent Profile) through
// both clients, @xapi/xapi and TinCanJS, under xAPI 1.0.3 and 2.0.0: PUT,
// GET, POST merge, DELETE, id lists with since, registration scoping, and the
// concurrency rules (ETag, If-Match / If-None-Match -> 412, PUT over an
// existing profile without either -> 409), Last-Modified and HEAD. fetch is
// used only for what neither client can send (HEAD, a PUT without
// precondition headers, an If-Match on a POST of a profile).
// Last: no learner identity used here reached the data dir.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { startLrs } from "./lib/harness.js";
import { request, isErrorBody } from "./lib/http.js";
import { uuid, tag, mboxAgent, accountAgent } from "./lib/statements.js";
import { TinCan, tincanLrs, tc, tcOk, tcStatus, versionHeaders } from "./lib/tincan.js";
import { identitiesOnDisk, agentNeedles } from "./lib/disk.js";

const VERSIONS = ["1.0.3", "2.0.0"];
const STALE = `"${"0".repeat(40)}"`;
const quotedSha1 = (text) => `"${createHash("sha1").update(text, "utf8").digest("hex")}"`;
const sorted = (a) => [...a].sort();

let lrs;
before(async () => {
  lrs = await startLrs();
});
after(async () => {
  await lrs?.stop();
});

// Every agent a test hands to the server, for the privacy check at the end.
const usedAgents = [];
function learner(t, who, kind = "mbox") {
  const agent = kind === "mbox" ? mboxAgent(t, who) : accountAgent(t, who);
  agent.name = `${who} Quimby-${t}`;
  usedAgents.push(agent);
  return agent;
}
const activityIri = (t, what = "doc") => `https://courses.example.org/e2e/${t}/${what}`;

/** fetch on a document resource: params are encoded (objects as JSON). */
function docRequest(resource, params, opts = {}) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) query.set(k, typeof v === "object" ? JSON.stringify(v) : v);
  return request(lrs, `/xapi/${resource}?${query}`, opts);
}

async function rejectsStatus(promise, status, what) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.response?.status, status, `${what}: status ${e.response?.status ?? e.message} ${JSON.stringify(e.response?.data)}`);
    return true;
  });
}

function assertDocumentHeaders(headers, body, startedMs, what) {
  const etag = headers.etag ?? headers.get?.("etag");
  // Keyed (storage/document_store.h, invariant 5): a quoted hex string, never
  // the SHA-1 of the bytes, which would confirm a guessed content.
  assert.match(etag, /^"[0-9a-f]{40}"$/, `${what}: ETag is a quoted hex string`);
  assert.notEqual(etag, quotedSha1(body), `${what}: ETag is not the SHA-1 of the bytes`);
  const lastModified = headers["last-modified"] ?? headers.get?.("last-modified");
  assert.ok(lastModified, `${what}: Last-Modified present`);
  const ms = Date.parse(lastModified);
  assert.ok(ms >= Math.floor(startedMs / 1000) * 1000 && ms <= Date.now() + 1000, `${what}: Last-Modified ${lastModified} is the write time`);
  return etag;
}

for (const V of VERSIONS) {
  describe(`State, xAPI ${V}`, () => {
    let x;
    before(() => {
      x = lrs.client(lrs.auth, V);
    });

    test("@xapi/xapi: PUT, GET with ETag and Last-Modified, HEAD, POST merge, DELETE", async () => {
      const t = tag();
      const params = { agent: learner(t, "state"), activityId: activityIri(t), stateId: "bookmark" };
      const started = Date.now();
      const doc = { page: 3, chapter: "one" };
      const put = await x.setState({ ...params, state: doc });
      assert.equal(put.status, 204);

      const got = await x.getState(params);
      assert.equal(got.status, 200);
      assert.deepEqual(got.data, doc);
      assert.match(got.headers["content-type"], /^application\/json/);
      const etag = assertDocumentHeaders(got.headers, JSON.stringify(doc), started, "GET");

      const head = await docRequest("activities/state", params, { method: "HEAD", version: V });
      assert.equal(head.status, 200);
      assert.equal(head.text, "", "HEAD has no body");
      assert.equal(head.headers.get("etag"), etag);
      assert.ok(head.headers.get("last-modified"));

      const post = await x.createState({ ...params, state: { chapter: "two", notes: ["margin"] } });
      assert.equal(post.status, 204);
      const merged = await x.getState(params);
      assert.deepEqual(merged.data, { page: 3, chapter: "two", notes: ["margin"] }, "top-level properties merged");
      assert.notEqual(merged.headers.etag, etag, "the ETag follows the content");

      const del = await x.deleteState(params);
      assert.equal(del.status, 204);
      await rejectsStatus(x.getState(params), 404, "GET after DELETE");
      const headGone = await docRequest("activities/state", params, { method: "HEAD", version: V });
      assert.equal(headGone.status, 404);
    });

    test("@xapi/xapi: registration scoping, id lists with since, DELETE of all", async () => {
      const t = tag();
      const agent = learner(t, "scoped", "account");
      const base = { agent, activityId: activityIri(t) };
      const [r1, r2] = [uuid(), uuid()];
      await x.setState({ ...base, stateId: "plain", state: { n: 0 } });
      await x.setState({ ...base, stateId: "first", registration: r1, state: { n: 1 } });
      await x.setState({ ...base, stateId: "second", registration: r2, state: { n: 2 } });

      await rejectsStatus(x.getState({ ...base, stateId: "first" }), 404, "a registration's state without the registration");
      await rejectsStatus(x.getState({ ...base, stateId: "first", registration: r2 }), 404, "under another registration");
      assert.deepEqual((await x.getState({ ...base, stateId: "first", registration: r1 })).data, { n: 1 });
      await rejectsStatus(x.getState({ ...base, stateId: "plain", registration: r1 }), 404, "a state without registration under one");
      // Another agent and another activity see nothing.
      await rejectsStatus(x.getState({ ...base, agent: learner(t, "other"), stateId: "plain" }), 404, "another agent");
      await rejectsStatus(x.getState({ ...base, activityId: activityIri(t, "other"), stateId: "plain" }), 404, "another activity");

      assert.deepEqual((await x.getStates({ ...base, registration: r1 })).data, ["first"]);
      assert.deepEqual(sorted((await x.getStates(base)).data), ["first", "plain", "second"], "no registration: every state of activity + agent");

      await sleep(30);
      const since = new Date().toISOString();
      await sleep(30);
      await x.setState({ ...base, stateId: "third", registration: r1, state: { n: 3 } });
      await x.createState({ ...base, stateId: "plain", state: { touched: true } });
      assert.deepEqual((await x.getStates({ ...base, registration: r1, since })).data, ["third"]);
      assert.deepEqual(sorted((await x.getStates({ ...base, since })).data), ["plain", "third"]);
      const list = await x.getStates(base);
      assert.ok(list.headers["last-modified"], "an id list carries Last-Modified");

      assert.equal((await x.deleteStates({ ...base, registration: r1 })).status, 204);
      assert.deepEqual(sorted((await x.getStates(base)).data), ["plain", "second"], "only r1's states deleted");
      await x.deleteStates(base);
      assert.deepEqual((await x.getStates(base)).data, []);
    });

    test("@xapi/xapi: If-Match / If-None-Match -> 412; PUT over an existing state without either", async () => {
      const t = tag();
      const params = { agent: learner(t, "etag"), activityId: activityIri(t), stateId: "attempt" };
      await rejectsStatus(x.setState({ ...params, state: { a: 0 }, etag: STALE, matchHeader: "If-Match" }), 412, "If-Match on no document");
      await x.setState({ ...params, state: { a: 1 }, etag: "*", matchHeader: "If-None-Match" });
      const etag = (await x.getState(params)).headers.etag;

      await rejectsStatus(x.setState({ ...params, state: { a: 2 }, etag: STALE, matchHeader: "If-Match" }), 412, "stale If-Match");
      await rejectsStatus(x.setState({ ...params, state: { a: 2 }, etag: "*", matchHeader: "If-None-Match" }), 412, "If-None-Match: * on an existing state");
      await rejectsStatus(x.setState({ ...params, state: { a: 2 }, etag, matchHeader: "If-None-Match" }), 412, "If-None-Match: its own ETag");
      await rejectsStatus(x.createState({ ...params, state: { b: 2 }, etag: STALE, matchHeader: "If-Match" }), 412, "POST with a stale If-Match");
      await rejectsStatus(x.deleteState({ ...params, etag: STALE }), 412, "DELETE with a stale If-Match");
      assert.deepEqual((await x.getState(params)).data, { a: 1 }, "nothing changed by the refused writes");

      if (V === "2.0.0") {
        await rejectsStatus(x.setState({ ...params, state: { a: 3 } }), 409, "2.0.0: PUT over an existing state without a precondition");
        assert.deepEqual((await x.getState(params)).data, { a: 1 });
      } else {
        // 1.0.3 Communication 3.1 does not oblige State writers to send one.
        assert.equal((await x.setState({ ...params, state: { a: 3 } })).status, 204);
        assert.deepEqual((await x.getState(params)).data, { a: 3 });
      }
      const current = (await x.getState(params)).headers.etag;
      assert.equal((await x.setState({ ...params, state: { a: 4 }, etag: current, matchHeader: "If-Match" })).status, 204);
      const fresh = (await x.getState(params)).headers.etag;
      assert.equal((await x.deleteState({ ...params, etag: fresh })).status, 204);
      await rejectsStatus(x.getState(params), 404, "deleted");
    });

    test("both clients racing with the same ETag: exactly one write wins, the others get 412", async () => {
      const t = tag();
      const agent = learner(t, "racer");
      const params = { agent, activityId: activityIri(t, "race"), stateId: "answer" };
      await x.setState({ ...params, state: { round: 0 }, etag: "*", matchHeader: "If-None-Match" });
      const etag = (await x.getState(params)).headers.etag;
      const client = tincanLrs(lrs);
      const tincanCfg = { agent: new TinCan.Agent(agent), activity: new TinCan.Activity({ id: params.activityId }), contentType: "application/json" };
      const attempts = [
        ...[1, 2, 3].map((n) => x.setState({ ...params, state: { writer: `xapi-${n}` }, etag, matchHeader: "If-Match" }).then((r) => r.status, (e) => e.response?.status)),
        ...[1, 2, 3].map((n) => x.createState({ ...params, state: { merger: `xapi-${n}` }, etag, matchHeader: "If-Match" }).then((r) => r.status, (e) => e.response?.status)),
        ...[1, 2, 3, 4].map((n) => tc(client, "saveState", "answer", { writer: `tincan-${n}` }, { ...tincanCfg, lastSHA1: etag, requestHeaders: versionHeaders(V) }).then(tcStatus)),
      ];
      const statuses = await Promise.all(attempts);
      assert.equal(statuses.filter((s) => s === 204).length, 1, `one winner: ${statuses}`);
      assert.equal(statuses.filter((s) => s === 412).length, statuses.length - 1, `the rest 412: ${statuses}`);
      assert.notEqual((await x.getState(params)).headers.etag, etag);

      // Creating with If-None-Match: * races the same way.
      const fresh = { ...params, stateId: "fresh" };
      const creates = await Promise.all([
        ...[1, 2, 3, 4].map((n) => x.setState({ ...fresh, state: { n }, etag: "*", matchHeader: "If-None-Match" }).then((r) => r.status, (e) => e.response?.status)),
      ]);
      assert.deepEqual(sorted(creates), [204, 412, 412, 412]);
    });

    test("TinCanJS: saveState, retrieveState, POST merge, lastSHA1, registration, ids with since, dropState", async () => {
      const t = tag();
      const client = tincanLrs(lrs);
      const agent = new TinCan.Agent(learner(t, "tincan-state"));
      const activity = new TinCan.Activity({ id: activityIri(t, "tincan") });
      const cfg = (extra = {}) => ({ agent, activity, requestHeaders: versionHeaders(V), ...extra });
      const json = { contentType: "application/json" };

      const saved = await tcOk(client, "saveState", "progress", { score: 1, done: false }, cfg(json));
      assert.equal(saved.status, 204);
      const got = await tcOk(client, "retrieveState", "progress", cfg());
      assert.deepEqual(got.contents, { score: 1, done: false });
      assert.match(got.contentType, /^application\/json/);
      assert.match(got.etag, /^"[0-9a-f]{40}"$/); // keyed: TinCanJS sends it back as it came
      assert.notEqual(got.etag, quotedSha1(JSON.stringify({ score: 1, done: false })));

      await tcOk(client, "saveState", "progress", { done: true }, cfg({ ...json, method: "POST" }));
      const merged = await tcOk(client, "retrieveState", "progress", cfg());
      assert.deepEqual(merged.contents, { score: 1, done: true });

      const stale = await tc(client, "saveState", "progress", { score: 9 }, cfg({ ...json, lastSHA1: got.etag }));
      assert.equal(tcStatus(stale), 412, "lastSHA1 of an older version");
      // Without lastSHA1 TinCanJS sends no precondition: allowed over an
      // existing state under 1.0.x, 409 under 2.0.0 (which also shows the
      // version header override reaches the server).
      const blind = await tc(client, "saveState", "progress", { score: 5 }, cfg(json));
      assert.equal(tcStatus(blind), V === "2.0.0" ? 409 : 204, "saveState over an existing state without lastSHA1");
      const current = await tcOk(client, "retrieveState", "progress", cfg());
      assert.deepEqual(current.contents, V === "2.0.0" ? { score: 1, done: true } : { score: 5 });
      await tcOk(client, "saveState", "progress", { score: 2 }, cfg({ ...json, lastSHA1: current.etag }));
      assert.deepEqual((await tcOk(client, "retrieveState", "progress", cfg())).contents, { score: 2 });

      // A document that is not JSON keeps its bytes and Content-Type.
      await tcOk(client, "saveState", "notes", "margin notes \u2713 caf\u00e9", cfg({ contentType: "text/plain; charset=utf-8" }));
      const notes = await tcOk(client, "retrieveState", "notes", cfg());
      assert.equal(notes.contents, "margin notes \u2713 caf\u00e9");
      assert.match(notes.contentType, /^text\/plain/);
      const badMerge = await tc(client, "saveState", "notes", { x: 1 }, cfg({ ...json, method: "POST" }));
      assert.equal(tcStatus(badMerge), 400, "POST of JSON onto a text document cannot merge");

      const registration = uuid();
      await tcOk(client, "saveState", "slide", { slide: 7 }, cfg({ ...json, registration }));
      assert.equal(await tcOk(client, "retrieveState", "slide", cfg()), null, "not found without its registration");
      assert.deepEqual((await tcOk(client, "retrieveState", "slide", cfg({ registration }))).contents, { slide: 7 });
      assert.deepEqual(await tcOk(client, "retrieveStateIds", cfg({ registration })), ["slide"]);

      await sleep(30);
      const since = new Date().toISOString();
      await sleep(30);
      await tcOk(client, "saveState", "later", { n: 1 }, cfg(json));
      assert.deepEqual(await tcOk(client, "retrieveStateIds", cfg({ since })), ["later"]);
      assert.deepEqual(sorted(await tcOk(client, "retrieveStateIds", cfg())), ["later", "notes", "progress", "slide"]);

      await tcOk(client, "dropState", "progress", cfg());
      assert.equal(await tcOk(client, "retrieveState", "progress", cfg()), null);
      await tcOk(client, "dropState", null, cfg({ registration }));
      assert.deepEqual(sorted(await tcOk(client, "retrieveStateIds", cfg())), ["later", "notes"]);
      await tcOk(client, "dropState", null, cfg());
      assert.deepEqual(await tcOk(client, "retrieveStateIds", cfg()), []);
    });
  });

  // The two profile resources behave alike; each is run through both clients.
  const profileKinds = [
    {
      name: "Activity Profile",
      resource: "activities/profile",
      target: (t) => ({ activityId: activityIri(t, "profiled") }),
      xapi: { set: "setActivityProfile", create: "createActivityProfile", get: "getActivityProfile", list: "getActivityProfiles", del: "deleteActivityProfile" },
      tincan: { save: "saveActivityProfile", retrieve: "retrieveActivityProfile", ids: "retrieveActivityProfileIds", drop: "dropActivityProfile" },
      tincanTarget: (target) => ({ activity: new TinCan.Activity({ id: target.activityId }) }),
    },
    {
      name: "Agent Profile",
      resource: "agents/profile",
      target: (t) => ({ agent: learner(t, "profiled") }),
      xapi: { set: "setAgentProfile", create: "createAgentProfile", get: "getAgentProfile", list: "getAgentProfiles", del: "deleteAgentProfile" },
      tincan: { save: "saveAgentProfile", retrieve: "retrieveAgentProfile", ids: "retrieveAgentProfileIds", drop: "dropAgentProfile" },
      tincanTarget: (target) => ({ agent: new TinCan.Agent(target.agent) }),
    },
  ];

  for (const kind of profileKinds) {
    describe(`${kind.name}, xAPI ${V}`, () => {
      let x;
      before(() => {
        x = lrs.client(lrs.auth, V);
      });

      test("@xapi/xapi: create with If-None-Match: *, GET with ETag and Last-Modified, HEAD, If-Match updates, POST merge, list with since, DELETE", async () => {
        const t = tag();
        const target = kind.target(t);
        const params = { ...target, profileId: "preferences" };
        const started = Date.now();
        const doc = { theme: "dark", fontSize: 14 };
        const created = await x[kind.xapi.set]({ ...params, profile: doc, etag: "*", matchHeader: "If-None-Match" });
        assert.equal(created.status, 204);
        await rejectsStatus(x[kind.xapi.set]({ ...params, profile: { theme: "light" }, etag: "*", matchHeader: "If-None-Match" }), 412, "If-None-Match: * on an existing profile");

        const got = await x[kind.xapi.get](params);
        assert.deepEqual(got.data, doc);
        const etag = assertDocumentHeaders(got.headers, JSON.stringify(doc), started, "GET");
        const head = await docRequest(kind.resource, params, { method: "HEAD", version: V });
        assert.equal(head.status, 200);
        assert.equal(head.text, "");
        assert.equal(head.headers.get("etag"), etag);
        assert.ok(head.headers.get("last-modified"));

        await rejectsStatus(x[kind.xapi.set]({ ...params, profile: { theme: "light" }, etag: STALE, matchHeader: "If-Match" }), 412, "stale If-Match");
        assert.equal((await x[kind.xapi.set]({ ...params, profile: { theme: "light" }, etag, matchHeader: "If-Match" })).status, 204);
        const updated = await x[kind.xapi.get](params);
        assert.deepEqual(updated.data, { theme: "light" }, "PUT replaces the document");

        assert.equal((await x[kind.xapi.create]({ ...params, profile: { fontSize: 16 } })).status, 204);
        const merged = await x[kind.xapi.get](params);
        assert.deepEqual(merged.data, { theme: "light", fontSize: 16 });
        await rejectsStatus(x[kind.xapi.create]({ ...params, profile: { fontSize: 18 }, etag: updated.headers.etag, matchHeader: "If-Match" }), 412, "POST with the ETag before the merge");

        await sleep(30);
        const since = new Date().toISOString();
        await sleep(30);
        await x[kind.xapi.set]({ ...target, profileId: "later", profile: { n: 1 }, etag: "*", matchHeader: "If-None-Match" });
        assert.deepEqual(sorted((await x[kind.xapi.list](target)).data), ["later", "preferences"]);
        assert.deepEqual((await x[kind.xapi.list]({ ...target, since })).data, ["later"]);

        await rejectsStatus(x[kind.xapi.del]({ ...params, etag: STALE }), 412, "DELETE with a stale If-Match");
        assert.equal((await x[kind.xapi.del]({ ...params, etag: merged.headers.etag })).status, 204);
        await rejectsStatus(x[kind.xapi.get](params), 404, "deleted");
        assert.equal((await x[kind.xapi.del]({ ...target, profileId: "later" })).status, 204);
        assert.deepEqual((await x[kind.xapi.list](target)).data, []);
      });

      test("PUT without If-Match / If-None-Match: 409 over an existing profile; a new one is " + (V === "2.0.0" ? "stored" : "400"), async () => {
        // Neither client can send a profile PUT without a precondition header.
        const t = tag();
        const params = { ...kind.target(t), profileId: "settings" };
        await x[kind.xapi.set]({ ...params, profile: { v: 1 }, etag: "*", matchHeader: "If-None-Match" });
        const conflict = await docRequest(kind.resource, params, { method: "PUT", version: V, body: { v: 2 } });
        assert.equal(conflict.status, 409, conflict.text);
        assert.ok(isErrorBody(conflict.json, 409), `error body: ${conflict.text}`);
        assert.deepEqual((await x[kind.xapi.get](params)).data, { v: 1 }, "the 409 changed nothing");

        const fresh = { ...params, profileId: "fresh" };
        const put = await docRequest(kind.resource, fresh, { method: "PUT", version: V, body: { v: 1 } });
        if (V === "2.0.0") {
          assert.equal(put.status, 204, put.text);
          assert.deepEqual((await x[kind.xapi.get](fresh)).data, { v: 1 });
        } else {
          assert.equal(put.status, 400, put.text);
          await rejectsStatus(x[kind.xapi.get](fresh), 404, "nothing stored by the 400");
        }
      });

      test("both clients racing to create and to update: exactly one wins each time", async () => {
        const t = tag();
        const target = kind.target(t);
        const tincanTarget = kind.tincanTarget(target);
        const client = tincanLrs(lrs);
        const tincanSave = (doc, extra) => tc(client, kind.tincan.save, "race", doc, { ...tincanTarget, contentType: "application/json", requestHeaders: versionHeaders(V), ...extra }).then(tcStatus);
        const xapiSet = (doc, etag, matchHeader) => x[kind.xapi.set]({ ...target, profileId: "race", profile: doc, etag, matchHeader }).then((r) => r.status, (e) => e.response?.status);

        // TinCanJS creates with If-None-Match: *; so does @xapi/xapi here.
        const creates = await Promise.all([xapiSet({ by: "x1" }, "*", "If-None-Match"), tincanSave({ by: "t1" }), xapiSet({ by: "x2" }, "*", "If-None-Match"), tincanSave({ by: "t2" })]);
        assert.deepEqual(sorted(creates), [204, 412, 412, 412], `creates: ${creates}`);

        const etag = (await x[kind.xapi.get]({ ...target, profileId: "race" })).headers.etag;
        const updates = await Promise.all([
          xapiSet({ by: "x3" }, etag, "If-Match"),
          tincanSave({ by: "t3" }, { lastSHA1: etag }),
          xapiSet({ by: "x4" }, etag, "If-Match"),
          tincanSave({ by: "t4" }, { lastSHA1: etag, method: "POST" }),
          xapiSet({ by: "x5" }, etag, "If-Match"),
        ]);
        assert.deepEqual(sorted(updates), [204, 412, 412, 412, 412], `updates: ${updates}`);
      });

      test("TinCanJS: save (If-None-Match: *), retrieve, lastSHA1 updates and merges, ids, drop", async () => {
        const t = tag();
        const client = tincanLrs(lrs);
        const target = kind.tincanTarget(kind.target(t));
        const cfg = (extra = {}) => ({ ...target, requestHeaders: versionHeaders(V), ...extra });
        const json = { contentType: "application/json" };

        const saved = await tcOk(client, kind.tincan.save, "prefs", { lang: "fr" }, cfg(json));
        assert.equal(saved.status, 204);
        const again = await tc(client, kind.tincan.save, "prefs", { lang: "de" }, cfg(json));
        assert.equal(tcStatus(again), 412, "TinCanJS sends If-None-Match: * without lastSHA1");

        const got = await tcOk(client, kind.tincan.retrieve, "prefs", cfg());
        assert.deepEqual(got.contents, { lang: "fr" });
        assert.match(got.etag, /^"[0-9a-f]{40}"$/); // keyed: TinCanJS sends it back as it came
        assert.notEqual(got.etag, quotedSha1(JSON.stringify({ lang: "fr" })));
        const stale = await tc(client, kind.tincan.save, "prefs", { lang: "de" }, cfg({ ...json, lastSHA1: STALE }));
        assert.equal(tcStatus(stale), 412);
        await tcOk(client, kind.tincan.save, "prefs", { lang: "de" }, cfg({ ...json, lastSHA1: got.etag }));
        const replaced = await tcOk(client, kind.tincan.retrieve, "prefs", cfg());
        assert.deepEqual(replaced.contents, { lang: "de" });
        await tcOk(client, kind.tincan.save, "prefs", { volume: 3 }, cfg({ ...json, method: "POST", lastSHA1: replaced.etag }));
        assert.deepEqual((await tcOk(client, kind.tincan.retrieve, "prefs", cfg())).contents, { lang: "de", volume: 3 });

        await tcOk(client, kind.tincan.save, "avatar", "not json \u00e9", cfg({ contentType: "application/octet-stream" }));
        const avatar = await tcOk(client, kind.tincan.retrieve, "avatar", cfg());
        assert.equal(avatar.contents, "not json \u00e9");
        assert.equal(avatar.contentType, "application/octet-stream");

        assert.deepEqual(sorted(await tcOk(client, kind.tincan.ids, cfg())), ["avatar", "prefs"]);
        await tcOk(client, kind.tincan.drop, "prefs", cfg());
        assert.equal(await tcOk(client, kind.tincan.retrieve, "prefs", cfg()), null);
        assert.deepEqual(await tcOk(client, kind.tincan.ids, cfg()), ["avatar"]);
      });
    });
  }
}

test("the analyst role gets 403 from every document resource, through both clients", async () => {
  const t = tag();
  const analyst = lrs.client(lrs.analystAuth);
  const agent = learner(t, "analysed");
  const activityId = activityIri(t);
  await rejectsStatus(analyst.getState({ agent, activityId, stateId: "s" }), 403, "GET state");
  await rejectsStatus(analyst.setState({ agent, activityId, stateId: "s", state: { a: 1 } }), 403, "PUT state");
  await rejectsStatus(analyst.getStates({ agent, activityId }), 403, "GET state ids");
  await rejectsStatus(analyst.getActivityProfile({ activityId, profileId: "p" }), 403, "GET activity profile");
  await rejectsStatus(analyst.setActivityProfile({ activityId, profileId: "p", profile: {}, etag: "*", matchHeader: "If-None-Match" }), 403, "PUT activity profile");
  await rejectsStatus(analyst.getAgentProfile({ agent, profileId: "p" }), 403, "GET agent profile");
  await rejectsStatus(analyst.deleteAgentProfile({ agent, profileId: "p" }), 403, "DELETE agent profile");

  const client = tincanLrs(lrs, { credential: lrs.analystCred });
  const cfg = { agent: new TinCan.Agent(agent), activity: new TinCan.Activity({ id: activityId }) };
  assert.equal(tcStatus(await tc(client, "retrieveState", "s", cfg)), 403);
  assert.equal(tcStatus(await tc(client, "saveState", "s", "x", cfg)), 403);
  assert.equal(tcStatus(await tc(client, "retrieveActivityProfileIds", cfg)), 403);
  assert.equal(tcStatus(await tc(client, "saveAgentProfile", "p", "x", cfg)), 403);
});

test("no name, mbox or account name of any agent used above is on disk or in the server's output", async () => {
  const needles = usedAgents.flatMap(agentNeedles);
  assert.ok(needles.length > 20, `the tests above used agents (${needles.length} needles)`);
  assert.deepEqual(identitiesOnDisk(lrs, needles), [], "while the server runs (WAL included)");
  await lrs.shutdown();
  assert.deepEqual(identitiesOnDisk(lrs, needles), [], "after a clean stop");
  assert.deepEqual(needles.filter((n) => lrs.output().includes(n)), [], "in the server's output");
});
