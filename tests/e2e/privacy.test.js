// No learner identity reaches disk: after storing statements full of agents,
// no mbox address, account name, display name or SHA-1 of an mbox IRI is in
// any file under the data dir (nor in the keys dir beside it, nor in what the
// server printed), while the LMS still reads every agent back as sent.

import { filesUnder } from "./lib/disk.js";
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { startLrs } from "./lib/harness.js";
import { request } from "./lib/http.js";
import { uuid, tag, VERBS, activity, withoutLrsProperties, collectAll } from "./lib/statements.js";

const sha1 = (s) => createHash("sha1").update(s, "utf8").digest("hex");

let lrs;
before(async () => {
  lrs = await startLrs();
});
after(async () => {
  await lrs?.stop();
});


/** [needle, file] pairs for every needle found in any file under dirs. */
function findOnDisk(dirs, needles) {
  const hits = [];
  for (const file of dirs.flatMap(filesUnder)) {
    const bytes = fs.readFileSync(file);
    for (const needle of needles) {
      if (bytes.includes(Buffer.from(needle, "utf8"))) hits.push(`${JSON.stringify(needle)} in ${path.relative(lrs.root, file)}`);
    }
  }
  return hits;
}

/** A set of people, each in every place xAPI lets an agent stand. */
function people(t) {
  const hidden = `mailto:hidden.${t}@example.org`;
  const p = {
    ada: { objectType: "Agent", name: `Ada Lovelace ${t}`, mbox: `mailto:ada.lovelace.${t}@example.org` },
    moodle: { objectType: "Agent", name: `Zoë Ångström ${t}`, account: { homePage: "https://moodle.example.org", name: `moodle-user-${t}` } },
    teacher: { objectType: "Agent", name: `Charles Babbage ${t}`, mbox: `mailto:charles.babbage.${t}@example.org` },
    member: { objectType: "Agent", name: `Mary Somerville ${t}`, account: { homePage: "https://lms.example.org", name: `somerville-${t}` } },
    peer: { objectType: "Agent", name: `Grace Hopper ${t}`, mbox: `mailto:grace.hopper.${t}@example.org` },
    sub: { objectType: "Agent", name: `Alan Turing ${t}`, mbox: `mailto:alan.turing.${t}@example.org` },
    hashed: { objectType: "Agent", name: `Hedy Lamarr ${t}`, mbox_sha1sum: sha1(hidden) },
  };
  const needles = [];
  for (const a of Object.values(p)) {
    needles.push(a.name);
    if (a.mbox) {
      needles.push(a.mbox, a.mbox.slice("mailto:".length), sha1(a.mbox), sha1(a.mbox).toUpperCase());
    }
    if (a.account) needles.push(a.account.name);
  }
  needles.push(hidden.slice("mailto:".length), sha1(hidden), sha1(hidden).toUpperCase());
  const team = `Analytical Engine Team ${t}`;
  needles.push(team);
  return { p, needles, team };
}

function statementsAbout(t, { p, team }) {
  const registration = uuid();
  const group = { objectType: "Group", name: team, member: [p.member, p.peer] };
  return [
    { id: uuid(), actor: p.ada, verb: VERBS.completed, object: activity(t, 1), context: { registration, instructor: p.teacher, team: group } },
    { id: uuid(), actor: p.moodle, verb: VERBS.viewed, object: activity(t, 2), context: { registration, platform: "Moodle" } },
    { id: uuid(), actor: p.teacher, verb: { id: "http://adlnet.gov/expapi/verbs/mentored", display: { "en-US": "mentored" } }, object: p.ada, context: { registration } },
    { id: uuid(), actor: group, verb: VERBS.attempted, object: activity(t, 3), context: { registration } },
    {
      id: uuid(),
      actor: p.peer,
      verb: { id: "http://adlnet.gov/expapi/verbs/planned", display: { "en-US": "planned" } },
      object: { objectType: "SubStatement", actor: p.sub, verb: VERBS.experienced, object: p.moodle },
      context: { registration },
    },
    { id: uuid(), actor: p.hashed, verb: VERBS.experienced, object: activity(t, 4), context: { registration } },
  ];
}

test("no identity in any file under the data dir, the keys dir or the server output; the LMS reads agents back as sent", async () => {
  const t = tag();
  const who = people(t);
  const sent = statementsAbout(t, who);
  const xapi = lrs.client();
  const res = await xapi.sendStatements({ statements: sent });
  assert.deepEqual(res.data, sent.map((s) => s.id));
  // One by one too (PUT), so single-statement paths are covered.
  const single = { actor: who.p.ada, verb: VERBS.experienced, object: activity(t, 5) };
  const put = await request(lrs, `/xapi/statements?statementId=${uuid()}`, { method: "PUT", body: single });
  assert.equal(put.status, 204, put.text);

  // The LMS reads everything back exactly, and agent queries still work.
  for (const s of sent) {
    const got = await xapi.getStatement({ statementId: s.id });
    assert.deepEqual(withoutLrsProperties(got.data, s), s);
  }
  const adaStatements = await collectAll(xapi, { agent: { mbox: who.p.ada.mbox } });
  assert.ok(adaStatements.statements.length >= 2, "query by mbox finds Ada's statements");
  const hashed = await collectAll(xapi, { agent: { mbox_sha1sum: who.p.hashed.mbox_sha1sum } });
  assert.deepEqual(hashed.statements.map((s) => s.id), [sent[5].id], "query by mbox_sha1sum finds that agent");

  const dirs = [lrs.dataDir, lrs.keysDir];
  assert.ok(filesUnder(lrs.dataDir).length > 0, "the data dir has files");
  const whileRunning = findOnDisk(dirs, who.needles);
  assert.deepEqual(whileRunning, [], "identity on disk while the server runs (WAL included)");

  await lrs.shutdown();
  const afterStop = findOnDisk(dirs, who.needles);
  assert.deepEqual(afterStop, [], "identity on disk after a clean stop");
  const printed = who.needles.filter((n) => lrs.output().includes(n));
  assert.deepEqual(printed, [], "identity in the server's output");

  // And it is all still readable after a restart (the sealed identities open).
  await lrs.restart();
  const again = await lrs.client().getStatement({ statementId: sent[0].id });
  assert.deepEqual(again.data.actor, who.p.ada);
  assert.deepEqual(again.data.context.team, sent[0].context.team);
});

test("an openid agent is not on disk either", async () => {
  const t = tag();
  const openid = `https://openid.example.org/people/${t}`;
  const s = { id: uuid(), actor: { objectType: "Agent", name: `Katherine Johnson ${t}`, openid }, verb: VERBS.experienced, object: activity(t, 9) };
  await lrs.client().sendStatement({ statement: s });
  const got = await lrs.client().getStatement({ statementId: s.id });
  assert.deepEqual(got.data.actor, s.actor);
  assert.deepEqual(findOnDisk([lrs.dataDir, lrs.keysDir], [openid, s.actor.name]), []);
});

test("a rejected statement's error does not echo the identity in it", async () => {
  const t = tag();
  const address = `mailto:rejected.${t}@example.org`;
  const bad = { actor: { name: `Rejected Person ${t}`, mbox: address }, verb: { id: "not an iri" }, object: activity(t, 0) };
  const res = await request(lrs, "/xapi/statements", { method: "POST", body: bad });
  assert.equal(res.status, 400);
  for (const needle of [address, address.slice(7), bad.actor.name]) {
    assert.ok(!res.text.includes(needle), `error body echoes ${needle}: ${res.text}`);
    assert.ok(!lrs.output().includes(needle), `server output has ${needle}`);
  }
  const badActor = { actor: { name: `Rejected Person ${t}`, mbox: address.slice(7) }, verb: VERBS.experienced, object: activity(t, 0) };
  const res2 = await request(lrs, "/xapi/statements", { method: "POST", body: badActor });
  assert.equal(res2.status, 400);
  assert.ok(!res2.text.includes(address.slice(7)), `error body echoes the address: ${res2.text}`);
  assert.deepEqual(findOnDisk([lrs.dataDir, lrs.keysDir], [address.slice(7), bad.actor.name]), []);
});
