// Privacy review (issue 14, findings 1, 2, 3, 5, 6): a learner is protected
// wherever they appear, not only as the actor.
// - Identity outside Agent positions: Agents inside extensions and e-mail
//   addresses in free text, extension values, activity ids and definitions,
//   attachment metadata, SubStatement parts and document ids never reach disk
//   in clear, under both shipped manifests and both consent modes; the LMS
//   reads back exactly what it sent (sealed manifests), and a query by an
//   activity id holding an address still finds its statements.
// - Consent for every learner a statement names; voiding statements from a
//   learner without consent keep only what voiding needs; documents of such a
//   learner are acknowledged and never stored; addresses compared without
//   regard to case.

import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { startLrs, REPO_ROOT } from "./lib/harness.js";
import { request } from "./lib/http.js";
import { identitiesOnDisk } from "./lib/disk.js";
import { uuid, tag, VERBS, withoutLrsProperties } from "./lib/statements.js";

const sha1 = (s) => createHash("sha1").update(s, "utf8").digest("hex");
const agentQuery = (agent) => `agent=${encodeURIComponent(JSON.stringify(agent))}`;
const WITHHELD = { objectType: "Agent", account: { homePage: "https://withheld.invalid", name: "another learner" } };

/** A manifest file: `base` (in manifests/) with its consent mode set. */
function manifestWith(base, mode) {
  const m = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "manifests", `${base}.json`), "utf8"));
  m.consent.mode = mode;
  delete m.$schema;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lrs-manifest-")), `${base}-${mode}.json`);
  fs.writeFileSync(file, JSON.stringify(m));
  return file;
}

/** Everyone a statement can name, each with the strings that identify them. */
function cast(t) {
  const person = (who, name) => ({ objectType: "Agent", name: `${name} ${t}`, mbox: `mailto:${who}.${t}@example.org` });
  const p = {
    ada: person("ada", "Ada Lovelace"),
    teacher: person("charles", "Charles Babbage"),
    member: person("mary", "Mary Somerville"),
    grader: person("grace", "Grace Hopper"),
    cohort: person("kai", "Kai Cohort"),
    sub: person("alan", "Alan Turing"),
    peer: person("lin", "Lin Peer"),
    ctx: person("emmy", "Emmy Noether"),
  };
  // Addresses that appear only in text, never as an Agent.
  const text = { essay: `essayist.${t}@example.org`, note: `noted.${t}@Example.ORG`, file: `filed.${t}@example.org`, doc: `docid.${t}@example.org` };
  const needles = [];
  for (const a of Object.values(p)) {
    const address = a.mbox.slice("mailto:".length);
    needles.push(a.name, address, sha1(a.mbox));
  }
  for (const address of Object.values(text)) needles.push(address, address.toLowerCase());
  needles.push(`Study group ${t}`);
  return { p, text, needles };
}

function fullStatement(t, { p, text }) {
  return {
    id: uuid(),
    actor: p.ada,
    verb: VERBS.completed,
    object: {
      objectType: "Activity",
      id: `https://courses.example.org/e2e/${t}/essays/${text.essay}`,
      definition: {
        name: { "en-US": `Essay ${t}` },
        description: { "en-US": `Marked by ${text.essay}` },
        type: "http://adlnet.gov/expapi/activities/assessment",
        extensions: { "https://example.org/ext/author": p.grader },
      },
    },
    result: {
      response: `Please write to ${text.essay} or ${text.note}.`,
      success: true,
      extensions: {
        "https://example.org/ext/grader": { name: p.grader.name, mbox: p.grader.mbox },
        "https://example.org/ext/note": [`cc ${text.note}`, { peer: p.peer, "$p": "client data", "$v": 1 }],
      },
    },
    context: {
      instructor: p.teacher,
      team: { objectType: "Group", name: `Study group ${t}`, member: [p.member] },
      extensions: { "https://lrs.invalid/cohort/department": p.cohort, [`https://example.org/ext/${text.note}`]: "key holds an address" },
    },
    attachments: [
      {
        usageType: `https://example.org/usage/${text.file}`,
        display: { "en-US": `Certificate of ${text.file}` },
        description: { "en-US": `Sent to ${text.file}` },
        contentType: "application/pdf",
        length: 12,
        sha2: "f".repeat(64),
        fileUrl: `https://files.example.org/${text.file}/cert.pdf`,
      },
    ],
  };
}

function subStatement(t, { p, text }) {
  return {
    id: uuid(),
    actor: p.peer,
    verb: { id: "http://adlnet.gov/expapi/verbs/planned", display: { "en-US": "planned" } },
    object: {
      objectType: "SubStatement",
      actor: p.sub,
      verb: VERBS.experienced,
      object: { objectType: "Activity", id: `https://courses.example.org/e2e/${t}/sub/${text.essay}` },
      result: { response: `with ${text.note}` },
      context: { extensions: { "https://example.org/ext/peer": p.grader } },
    },
  };
}

function statement20(t, { p }) {
  return {
    id: uuid(),
    actor: p.ada,
    verb: VERBS.attempted,
    object: { objectType: "Activity", id: `https://courses.example.org/e2e/${t}/v2` },
    context: {
      contextAgents: [{ objectType: "contextAgent", agent: p.ctx, relevantTypes: ["https://example.org/types/mentor"] }],
      contextGroups: [{ objectType: "contextGroup", group: { objectType: "Group", name: `Study group ${t}`, member: [p.member] } }],
    },
  };
}

const CONFIGS = [
  { base: "default", mode: "opt-out" },
  { base: "default", mode: "opt-in" },
  { base: "strict", mode: "opt-in" },
  { base: "strict", mode: "opt-out" },
];

for (const { base, mode } of CONFIGS) {
  describe(`identities everywhere stay off disk: ${base}.json, ${mode}`, () => {
    let lrs;
    before(async () => {
      lrs = await startLrs({ args: ["--manifest", manifestWith(base, mode)] });
    });
    after(async () => {
      await lrs?.stop();
    });

    test("every position and free-text field, statements and documents", async () => {
      const t = tag();
      const who = cast(t);
      const purposes = base === "strict" ? ["analytics", "recommendations"] : ["analytics", "recommendations"];
      if (mode === "opt-in") {
        const everyone = [...Object.values(who.p), ...Object.values(who.text).map((a) => ({ mbox: `mailto:${a}` }))];
        for (const agent of everyone) {
          const res = await request(lrs, "/privacy/consent", { method: "PUT", body: { agent, state: "granted", purposes } });
          assert.equal(res.status, 204, res.text);
        }
      }
      const sent = [fullStatement(t, who), subStatement(t, who)];
      const post = await request(lrs, "/xapi/statements", { method: "POST", body: sent });
      assert.equal(post.status, 200, post.text);
      const v2 = statement20(t, who);
      const post2 = await request(lrs, "/xapi/statements", { method: "POST", body: v2, version: "2.0.0" });
      assert.equal(post2.status, 200, post2.text);

      // Documents whose ids hold addresses.
      const docs = [
        `/xapi/activities/state?activityId=${encodeURIComponent(`https://courses.example.org/e2e/${t}/a`)}&${agentQuery(who.p.ada)}&stateId=${encodeURIComponent(`notes:${who.text.doc}`)}`,
        `/xapi/agents/profile?${agentQuery(who.p.ada)}&profileId=${encodeURIComponent(`profile:${who.text.doc}`)}`,
        `/xapi/activities/profile?activityId=${encodeURIComponent(`https://courses.example.org/e2e/${t}/a/${who.text.doc}`)}&profileId=${encodeURIComponent(`p:${who.text.doc}`)}`,
      ];
      for (const url of docs) {
        const put = await request(lrs, url, { method: "PUT", body: { ok: true }, headers: { "If-None-Match": "*" } });
        assert.equal(put.status, 204, `${url}: ${put.text}`);
      }

      if (base === "default") {
        // The LMS reads back exactly what it sent.
        for (const s of sent) {
          const got = await request(lrs, `/xapi/statements?statementId=${s.id}`);
          assert.equal(got.status, 200, got.text);
          assert.deepEqual(withoutLrsProperties(got.json, s), s);
        }
        const got2 = await request(lrs, `/xapi/statements?statementId=${v2.id}`, { version: "2.0.0" });
        assert.deepEqual(got2.json.context, v2.context);
        // Document ids list as sent.
        const ids = await request(lrs, `/xapi/activities/state?activityId=${encodeURIComponent(`https://courses.example.org/e2e/${t}/a`)}&${agentQuery(who.p.ada)}`);
        assert.deepEqual(ids.json, [`notes:${who.text.doc}`]);
        const one = await request(lrs, docs[0]);
        assert.equal(one.status, 200);
        // The canonical definition of an activity whose id holds an address.
        const act = await request(lrs, `/xapi/activities?activityId=${encodeURIComponent(sent[0].object.id)}`);
        assert.equal(act.status, 200, act.text);
        assert.equal(act.json.id, sent[0].object.id);
        assert.deepEqual(act.json.definition.description, sent[0].object.definition.description);
      }
      // A query by an activity id that holds an address still finds it.
      const byActivity = await request(lrs, `/xapi/statements?activity=${encodeURIComponent(sent[0].object.id)}`);
      assert.equal(byActivity.status, 200, byActivity.text);
      assert.deepEqual(byActivity.json.statements.map((s) => s.id), [sent[0].id]);
      const related = await request(lrs, `/xapi/statements?activity=${encodeURIComponent(sent[1].object.object.id)}&related_activities=true`);
      assert.deepEqual(related.json.statements.map((s) => s.id), [sent[1].id]);

      assert.deepEqual(identitiesOnDisk(lrs, who.needles), [], "identity on disk while the server runs");
      await lrs.shutdown();
      assert.deepEqual(identitiesOnDisk(lrs, who.needles), [], "identity on disk after a stop");
      await lrs.restart();
    });
  });
}

describe("consent is checked for every learner a statement names (default manifest, opt-out)", () => {
  let lrs;
  before(async () => {
    lrs = await startLrs();
  });
  after(async () => {
    await lrs?.stop();
  });

  async function withdraw(agent) {
    const res = await request(lrs, "/privacy/consent", { method: "PUT", body: { agent, state: "withdrawn" } });
    assert.equal(res.status, 204, res.text);
  }
  const get = async (id, version) => request(lrs, `/xapi/statements?statementId=${id}`, { version });

  test("a learner who withdrew is stored in no position; statements about others are kept without them", async () => {
    const t = tag();
    const x = { objectType: "Agent", name: `Withdrawn Person ${t}`, mbox: `mailto:withdrawn.${t}@example.org` };
    const y = { objectType: "Agent", name: `Consenting Person ${t}`, mbox: `mailto:consenting.${t}@example.org` };
    await withdraw(x);
    const act = (n) => ({ objectType: "Activity", id: `https://courses.example.org/e2e/${t}/c/${n}` });
    const cases = [
      { actor: { objectType: "Group", name: `Pair ${t}`, member: [x, y] }, verb: VERBS.attempted, object: act(1) },
      { actor: { objectType: "Group", mbox: `mailto:team.${t}@example.org`, member: [x, y] }, verb: VERBS.attempted, object: act(2) },
      { actor: y, verb: { id: "http://adlnet.gov/expapi/verbs/mentored" }, object: x },
      { actor: y, verb: VERBS.experienced, object: { objectType: "Group", member: [x, y] } },
      { actor: y, verb: VERBS.experienced, object: act(3), context: { instructor: x, team: { objectType: "Group", member: [x] } } },
      { actor: y, verb: VERBS.experienced, object: { objectType: "SubStatement", actor: x, verb: VERBS.experienced, object: act(4), context: { instructor: x } } },
      { actor: y, verb: VERBS.experienced, object: act(5), result: { response: `ask ${x.mbox.slice(7)}`, extensions: { "https://example.org/ext/grader": x } } },
      { actor: y, verb: VERBS.experienced, object: { id: `https://courses.example.org/e2e/${t}/essays/${x.mbox.slice(7)}` } },
    ].map((s) => ({ id: uuid(), ...s }));
    const v2 = {
      id: uuid(),
      actor: y,
      verb: VERBS.experienced,
      object: act(6),
      context: { contextAgents: [{ objectType: "contextAgent", agent: x }], contextGroups: [{ objectType: "contextGroup", group: { objectType: "Group", member: [x] } }] },
    };
    const onlyX = [
      { id: uuid(), actor: x, verb: VERBS.experienced, object: act(7) },
      { id: uuid(), actor: { objectType: "Group", member: [x] }, verb: VERBS.experienced, object: act(8) },
    ];
    assert.equal((await request(lrs, "/xapi/statements", { method: "POST", body: [...cases, ...onlyX] })).status, 200);
    assert.equal((await request(lrs, "/xapi/statements", { method: "POST", body: v2, version: "2.0.0" })).status, 200);

    for (const s of onlyX) assert.equal((await get(s.id)).status, 404, "a statement naming only the withdrawn learner is not stored");
    const text = (s) => JSON.stringify(s);
    for (const s of cases) {
      const got = await get(s.id);
      assert.equal(got.status, 200, got.text);
      assert.ok(!text(got.json).includes(x.mbox.slice(7)) && !text(got.json).includes(x.name), `withdrawn learner in ${text(got.json)}`);
    }
    assert.deepEqual((await get(cases[0].id)).json.actor.member, [y], "dropped from the group");
    assert.deepEqual((await get(cases[2].id)).json.object, WITHHELD, "an Agent object becomes the placeholder");
    const c4 = (await get(cases[4].id)).json.context;
    assert.deepEqual(c4.instructor, WITHHELD);
    assert.equal(c4.team, undefined, "a team whose members all withdrew is not stored");
    assert.deepEqual((await get(cases[5].id)).json.object.actor, WITHHELD);
    const c6 = (await get(cases[6].id)).json.result;
    assert.equal(c6.response, "ask another.learner@withheld.invalid");
    assert.deepEqual(c6.extensions["https://example.org/ext/grader"], WITHHELD);
    assert.equal((await get(cases[7].id)).json.object.id, `https://courses.example.org/e2e/${t}/essays/another.learner@withheld.invalid`);
    const g2 = (await get(v2.id, "2.0.0")).json.context;
    assert.equal(g2.contextAgents, undefined);
    assert.equal(g2.contextGroups, undefined);

    const needles = [x.name, x.mbox.slice(7), sha1(x.mbox)];
    assert.deepEqual(identitiesOnDisk(lrs, needles), []);
    // And the withdrawn learner has no data key.
    const keys = execFileSync("sqlite3", [path.join(lrs.dataDir, "keystore.db"), "SELECT count(*) FROM data_keys"]).toString().trim();
    const consenting = 2 + 1; // y, the identified team Group, the credential's authority
    assert.ok(Number(keys) <= consenting + 1, `data keys: ${keys}`);
  });

  test("a voiding statement from a learner without consent voids and keeps only what voiding needs", async () => {
    const t = tag();
    const x = { objectType: "Agent", name: `Voiding Person ${t}`, mbox: `mailto:voider.${t}@example.org` };
    const teacher = { objectType: "Agent", name: `Voiding Teacher ${t}`, mbox: `mailto:vteacher.${t}@example.org` };
    const target = { id: uuid(), actor: x, verb: VERBS.experienced, object: { id: `https://courses.example.org/e2e/${t}/v` } };
    assert.equal((await request(lrs, "/xapi/statements", { method: "POST", body: target })).status, 200);
    await withdraw(x);
    const ip = `10.${t.length}.77.${t.charCodeAt(0)}`;
    const voiding = {
      id: uuid(),
      actor: x,
      verb: { id: "http://adlnet.gov/expapi/verbs/voided", display: { "en-US": `voided by ${t}` } },
      object: { objectType: "StatementRef", id: target.id },
      result: { response: `free text ${t}` },
      context: { instructor: teacher, extensions: { "https://example.org/ext/ip": ip } },
      timestamp: "2024-01-01T12:00:00.000Z",
    };
    assert.equal((await request(lrs, "/xapi/statements", { method: "POST", body: voiding })).status, 200);
    assert.equal((await get(target.id)).status, 404, "the voiding applies");
    assert.equal((await request(lrs, `/xapi/statements?voidedStatementId=${target.id}`)).status, 200);
    const stored = (await get(voiding.id)).json;
    assert.equal(stored.result, undefined);
    assert.equal(stored.context, undefined);
    assert.equal(stored.verb.display, undefined);
    assert.deepEqual(stored.object, voiding.object);
    assert.equal(stored.timestamp, voiding.timestamp);
    assert.deepEqual(identitiesOnDisk(lrs, [teacher.name, teacher.mbox.slice(7), ip, `free text ${t}`, `voided by ${t}`]), []);
  });

  test("State and Agent Profile documents of a learner without consent are acknowledged and not stored", async () => {
    const t = tag();
    const x = { objectType: "Agent", name: `Doc Person ${t}`, mbox: `mailto:docperson.${t}@example.org` };
    await withdraw(x);
    const keystore = path.join(lrs.dataDir, "keystore.db");
    const count = () => execFileSync("sqlite3", [keystore, "SELECT count(*) FROM data_keys"]).toString().trim();
    const before = count();
    const state = `/xapi/activities/state?activityId=${encodeURIComponent(`https://courses.example.org/e2e/${t}`)}&${agentQuery(x)}&stateId=s1`;
    const profile = `/xapi/agents/profile?${agentQuery(x)}&profileId=p1`;
    const secret = `bookmark ${t}`;
    for (const url of [state, profile]) {
      assert.equal((await request(lrs, url, { method: "PUT", body: { secret }, headers: { "If-None-Match": "*" } })).status, 204);
      assert.equal((await request(lrs, url, { method: "POST", body: { more: secret } })).status, 204);
      assert.equal((await request(lrs, url)).status, 404);
    }
    assert.equal(count(), before, "no data key for a learner without consent");
    assert.deepEqual(identitiesOnDisk(lrs, [secret]), []);
  });

  test("addresses are compared without regard to case: withdrawal, queries and erasure", async () => {
    const t = tag();
    const lower = { mbox: `mailto:casey.${t}@example.org` };
    const upper = { objectType: "Agent", name: `Casey ${t}`, mbox: `mailto:Casey.${t}@EXAMPLE.org` };
    const first = { id: uuid(), actor: upper, verb: VERBS.experienced, object: { id: `https://courses.example.org/e2e/${t}/1` } };
    assert.equal((await request(lrs, "/xapi/statements", { method: "POST", body: first })).status, 200);
    const found = await request(lrs, `/xapi/statements?${agentQuery(lower)}`);
    assert.deepEqual(found.json.statements.map((s) => s.id), [first.id], "a query in lower case finds the mixed-case learner");
    assert.deepEqual(found.json.statements[0].actor, upper, "read back exactly as sent");
    await withdraw(lower);
    const second = { id: uuid(), actor: upper, verb: VERBS.experienced, object: { id: `https://courses.example.org/e2e/${t}/2` } };
    assert.equal((await request(lrs, "/xapi/statements", { method: "POST", body: second })).status, 200);
    assert.equal((await get(second.id)).status, 404, "the withdrawal covers every spelling");
    const erased = await request(lrs, `/privacy/learners?${agentQuery({ mbox: `mailto:CASEY.${t}@example.ORG` })}`, { method: "DELETE" });
    assert.equal(erased.status, 200, erased.text);
    assert.equal((await get(first.id)).status, 404, "erasure by another spelling erases them");
  });

  test("a Group past limits.group_members is a 413 and stores nothing", async () => {
    const t = tag();
    const member = Array.from({ length: 5001 }, (_, i) => ({ account: { homePage: "https://lms.example.org", name: `m${i}-${t}` } }));
    const s = { id: uuid(), actor: { objectType: "Group", member }, verb: VERBS.experienced, object: { id: `https://courses.example.org/e2e/${t}` } };
    const res = await request(lrs, "/xapi/statements", { method: "POST", body: s });
    assert.equal(res.status, 413, res.text);
    assert.match(res.json.message, /group_members/);
    assert.equal((await get(s.id)).status, 404);
  });
});
