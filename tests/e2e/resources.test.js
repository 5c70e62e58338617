// The Activities and Agents resources through both clients: the canonical
// Activity definition the LMS's statements built (languages merged across
// statements, newer values winning), and the Person object combining every
// name and IFI the LMS used for one learner. The analyst role gets 403 on
// each. Last: none of the learners' identities reached the data dir.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startLrs } from "./lib/harness.js";
import { request, isErrorBody } from "./lib/http.js";
import { tag, VERBS } from "./lib/statements.js";
import { TinCan, tincanLrs, tc, tcOk, tcStatus, TINCAN_VERSION } from "./lib/tincan.js";
import { identitiesOnDisk, agentNeedles } from "./lib/disk.js";

const sha1 = (s) => createHash("sha1").update(s, "utf8").digest("hex");
const sorted = (a) => [...a].sort();

let lrs;
let xapi;
let tincan;
before(async () => {
  lrs = await startLrs();
  xapi = lrs.client();
  tincan = tincanLrs(lrs);
});
after(async () => {
  await lrs?.stop();
});

const usedAgents = [];
function person(t, who) {
  const agent = { objectType: "Agent", name: `${who} Fairweather-${t}`, mbox: `mailto:${who}.fairweather.${t}@example.org` };
  usedAgents.push(agent);
  return agent;
}

async function rejectsStatus(promise, status, what) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.response?.status, status, `${what}: status ${e.response?.status ?? e.message}`);
    return true;
  });
}

/** GET /agents through TinCanJS: it has no method for it, but its public sendRequest says it. */
async function tincanPerson(client, agent) {
  const xhr = await tcOk(client, "sendRequest", { url: "agents", method: "GET", params: { agent: JSON.stringify(agent) } });
  return JSON.parse(xhr.responseText);
}

test("Activities: the canonical definition from a statement, languages merged from later ones, newer values winning", async () => {
  const t = tag();
  const actor = person(t, "reader");
  const id = `https://courses.example.org/e2e/${t}/lesson/intro`;
  const first = {
    actor,
    verb: VERBS.experienced,
    object: {
      objectType: "Activity",
      id,
      definition: {
        name: { "en-US": "Introduction" },
        description: { "en-US": "The first lesson" },
        type: "http://adlnet.gov/expapi/activities/lesson",
        moreInfo: "https://courses.example.org/intro",
      },
    },
  };
  // A second statement names it in another language, as a context activity.
  const second = {
    actor,
    verb: VERBS.completed,
    object: { objectType: "Activity", id: `https://courses.example.org/e2e/${t}/lesson/quiz` },
    context: {
      contextActivities: {
        parent: [{ objectType: "Activity", id, definition: { name: { "fr-FR": "Introduction (fr)" }, description: { "de-DE": "Die erste Lektion" } } }],
      },
    },
  };
  await xapi.sendStatements({ statements: [first, second] });

  const expected = {
    name: { "en-US": "Introduction", "fr-FR": "Introduction (fr)" },
    description: { "en-US": "The first lesson", "de-DE": "Die erste Lektion" },
    type: "http://adlnet.gov/expapi/activities/lesson",
    moreInfo: "https://courses.example.org/intro",
  };
  const got = await xapi.getActivity({ activityId: id });
  assert.equal(got.status, 200);
  assert.deepEqual(got.data, { objectType: "Activity", id, definition: expected });
  assert.match(String(got.headers.etag), /^"[0-9a-f]{40}"$/, "an ETag on the Activities resource");

  const viaTincan = await tcOk(tincan, "retrieveActivity", id, {});
  assert.ok(viaTincan instanceof TinCan.Activity);
  assert.equal(viaTincan.id, id);
  assert.deepEqual(viaTincan.definition.name, expected.name);
  assert.deepEqual(viaTincan.definition.description, expected.description);
  assert.equal(viaTincan.definition.type, expected.type);

  // A newer statement's value for a language replaces the older one; the
  // other languages stay.
  await xapi.sendStatement({
    statement: { actor, verb: VERBS.experienced, object: { objectType: "Activity", id, definition: { name: { "en-US": "Introduction, revised" } } } },
  });
  const revised = await xapi.getActivity({ activityId: id });
  assert.deepEqual(revised.data.definition.name, { "en-US": "Introduction, revised", "fr-FR": "Introduction (fr)" });
  assert.deepEqual(revised.data.definition.description, expected.description);
  assert.equal((await xapi.getActivity({ activityId: id })).headers.etag, revised.headers.etag, "the same content, the same ETag");
  assert.deepEqual((await lrs.client(lrs.auth, "2.0.0").getActivity({ activityId: id })).data, revised.data, "the same under 2.0.0");
});

test("Activities: an interaction definition round-trips; an unknown activity is an Activity with its id alone", async () => {
  const t = tag();
  const id = `https://courses.example.org/e2e/${t}/question/1`;
  const definition = {
    name: { "en-US": "Which planet is largest?" },
    type: "http://adlnet.gov/expapi/activities/cmi.interaction",
    interactionType: "choice",
    correctResponsesPattern: ["jupiter"],
    choices: [
      { id: "mars", description: { "en-US": "Mars" } },
      { id: "jupiter", description: { "en-US": "Jupiter" } },
    ],
  };
  await xapi.sendStatement({
    statement: { actor: person(t, "answerer"), verb: { id: "http://adlnet.gov/expapi/verbs/answered" }, object: { objectType: "Activity", id, definition }, result: { response: "jupiter" } },
  });
  assert.deepEqual((await xapi.getActivity({ activityId: id })).data, { objectType: "Activity", id, definition });
  const viaTincan = await tcOk(tincan, "retrieveActivity", id, {});
  assert.equal(viaTincan.definition.interactionType, "choice");
  assert.deepEqual(viaTincan.definition.correctResponsesPattern, ["jupiter"]);
  assert.deepEqual(viaTincan.asVersion(TINCAN_VERSION).definition.choices, definition.choices);

  const unknown = `https://courses.example.org/e2e/${t}/never-mentioned`;
  assert.deepEqual((await xapi.getActivity({ activityId: unknown })).data, { objectType: "Activity", id: unknown });
  const unknownTincan = await tcOk(tincan, "retrieveActivity", unknown, {});
  assert.equal(unknownTincan.id, unknown);

  for (const query of ["", "?activityId=not%20an%20iri", `?activityId=${encodeURIComponent(id)}&extra=1`]) {
    const res = await request(lrs, `/xapi/activities${query}`);
    assert.equal(res.status, 400, `GET /xapi/activities${query}: ${res.text}`);
    assert.ok(isErrorBody(res.json, 400), res.text);
  }
});

test("Agents: a Person with every name and IFI the LMS used for one learner, through both clients", async () => {
  const t = tag();
  const ada = person(t, "ada");
  const sha = sha1(ada.mbox);
  const alias = { objectType: "Agent", name: `A. Fairweather-${t}`, mbox: ada.mbox };
  const hashed = { objectType: "Agent", name: `Countess Fairweather-${t}`, mbox_sha1sum: sha };
  const teacher = { objectType: "Agent", name: `Teacher Fairweather-${t}`, account: { homePage: "https://lms.example.org", name: `teacher-${t}` } };
  usedAgents.push(alias, hashed, teacher);
  const activity = { objectType: "Activity", id: `https://courses.example.org/e2e/${t}/agents` };
  await xapi.sendStatements({
    statements: [
      { actor: ada, verb: VERBS.experienced, object: activity },
      { actor: alias, verb: VERBS.completed, object: activity, context: { instructor: teacher } },
      { actor: hashed, verb: VERBS.attempted, object: activity },
    ],
  });

  const expected = {
    objectType: "Person",
    name: sorted([ada.name, alias.name, hashed.name]),
    mbox: [ada.mbox],
    mbox_sha1sum: [sha],
  };
  const normalise = (p) => ({ ...p, ...(p.name && { name: sorted(p.name) }) });
  const byMbox = await xapi.getAgent({ agent: { objectType: "Agent", mbox: ada.mbox } });
  assert.equal(byMbox.status, 200);
  assert.deepEqual(normalise(byMbox.data), expected);
  const bySha = await xapi.getAgent({ agent: { mbox_sha1sum: sha } });
  assert.deepEqual(normalise(bySha.data), expected, "the mbox_sha1sum of that mbox is the same learner");
  assert.deepEqual(normalise(await tincanPerson(tincan, { mbox: ada.mbox })), expected);

  const teacherPerson = await xapi.getAgent({ agent: { account: teacher.account } });
  assert.deepEqual(teacherPerson.data, { objectType: "Person", name: [teacher.name], account: [teacher.account] }, "met only as an instructor");
  assert.deepEqual(await tincanPerson(tincan, { objectType: "Agent", account: teacher.account }), teacherPerson.data);
  assert.deepEqual((await lrs.client(lrs.auth, "2.0.0").getAgent({ agent: { mbox: ada.mbox } })).data, byMbox.data, "the same under 2.0.0");

  // An agent the LRS never met: a Person from the agent asked about.
  const stranger = { mbox: `mailto:stranger.${t}@example.org` };
  assert.deepEqual((await xapi.getAgent({ agent: stranger })).data, { objectType: "Person", mbox: [stranger.mbox] });

  // A Group is not a Person; the agent parameter is required.
  const group = { objectType: "Group", name: "team", member: [{ mbox: `mailto:member.${t}@example.org` }] };
  const groupRes = await request(lrs, `/xapi/agents?agent=${encodeURIComponent(JSON.stringify(group))}`);
  assert.equal(groupRes.status, 400, groupRes.text);
  const missing = await request(lrs, "/xapi/agents");
  assert.equal(missing.status, 400, missing.text);
});

test("the analyst role gets 403 from the Activities and Agents resources, through both clients", async () => {
  const t = tag();
  const id = `https://courses.example.org/e2e/${t}/analysed`;
  const agent = person(t, "analysed");
  await xapi.sendStatement({ statement: { actor: agent, verb: VERBS.experienced, object: { objectType: "Activity", id, definition: { name: { en: "x" } } } } });

  const analyst = lrs.client(lrs.analystAuth);
  await rejectsStatus(analyst.getActivity({ activityId: id }), 403, "GET /activities");
  await rejectsStatus(analyst.getAgent({ agent }), 403, "GET /agents");
  const analystTincan = tincanLrs(lrs, { credential: lrs.analystCred });
  assert.equal(tcStatus(await tc(analystTincan, "retrieveActivity", id, {})), 403);
  const agents = await tc(analystTincan, "sendRequest", { url: "agents", method: "GET", params: { agent: JSON.stringify(agent) } });
  assert.equal(tcStatus(agents), 403);
  assert.ok(!agents.result.responseText.includes(agent.mbox), "the 403 does not echo the agent");
  // And no credential at all is 401.
  const anonymous = await request(lrs, `/xapi/activities?activityId=${encodeURIComponent(id)}`, { auth: null });
  assert.equal(anonymous.status, 401);
  const head = await request(lrs, `/xapi/agents?agent=${encodeURIComponent(JSON.stringify(agent))}`, { method: "HEAD", auth: lrs.analystAuth });
  assert.equal(head.status, 403);
});

test("no name, mbox or account name of the learners above is on disk", async () => {
  const needles = usedAgents.flatMap(agentNeedles);
  assert.deepEqual(identitiesOnDisk(lrs, needles), [], "while the server runs");
  await lrs.shutdown();
  assert.deepEqual(identitiesOnDisk(lrs, needles), [], "after a clean stop");
});

