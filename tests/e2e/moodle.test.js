// A batch of 30 statements the way Moodle's xAPI logstore sends them. One bad
// statement rejects the whole batch (400 naming it) and stores nothing; the
// 29 good ones then go in and read back exactly as sent.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startLrs } from "./lib/harness.js";
import { isErrorBody } from "./lib/http.js";
import { tag, moodleStatement, moodleCourseId, withoutLrsProperties, collectAll } from "./lib/statements.js";

let lrs;
let xapi;
before(async () => {
  lrs = await startLrs();
  xapi = lrs.client();
});
after(async () => {
  await lrs?.stop();
});

const BAD_INDEX = 17;

// Each way a Moodle-shaped statement can be broken, with where it is broken.
const breakages = [
  ["verb id is not an IRI", (s) => { s.verb.id = "viewed"; }],
  ["actor has two identifiers", (s) => { s.actor.mbox = "mailto:two.ifis@example.org"; }],
  ["account without homePage", (s) => { delete s.actor.account.homePage; }],
  ["statement id is not a UUID", (s) => { s.id = "not-a-uuid"; }],
  ["timestamp is not ISO 8601", (s) => { s.timestamp = "yesterday at noon"; }],
  ["object is missing", (s) => { delete s.object; }],
];

for (const [what, breakIt] of breakages) {
  test(`a 30-statement Moodle batch with one bad statement (${what}) is 400 and stores nothing`, async () => {
    const t = tag();
    const batch = Array.from({ length: 30 }, (_, i) => moodleStatement(t, i));
    breakIt(batch[BAD_INDEX]);

    await assert.rejects(xapi.sendStatements({ statements: batch }), (e) => {
      assert.equal(e.response?.status, 400, `status ${e.response?.status ?? e.message}`);
      const body = e.response.data;
      assert.ok(isErrorBody(body, 400), `error body: ${JSON.stringify(body)}`);
      assert.match(body.path, new RegExp(`^\\$\\[${BAD_INDEX}\\]`), `path names the bad statement: ${body.path}`);
      return true;
    });

    const stored = await collectAll(xapi, { activity: moodleCourseId(t), related_activities: true });
    assert.equal(stored.statements.length, 0, "nothing of the rejected batch is stored");
    for (const i of [0, BAD_INDEX - 1, BAD_INDEX + 1, 29]) {
      await assert.rejects(xapi.getStatement({ statementId: batch[i].id }), (e) => e.response?.status === 404);
    }
  });
}

test("the 29 valid Moodle statements are stored and read back as sent", async () => {
  const t = tag();
  const batch = Array.from({ length: 30 }, (_, i) => moodleStatement(t, i));
  batch.splice(BAD_INDEX, 1);
  const res = await xapi.sendStatements({ statements: batch });
  assert.equal(res.status, 200);
  assert.deepEqual(res.data, batch.map((s) => s.id));

  const stored = await collectAll(xapi, { activity: moodleCourseId(t), related_activities: true });
  assert.equal(stored.statements.length, 29);
  const byId = new Map(stored.statements.map((s) => [s.id, s]));
  for (const sent of batch) {
    assert.deepEqual(withoutLrsProperties(byId.get(sent.id), sent), sent, `statement ${sent.id}`);
  }

  // Moodle user ids are account names; querying by account finds that learner only.
  const learner = batch[0].actor;
  const mine = await collectAll(xapi, { agent: { account: learner.account } });
  const expected = batch.filter((s) => s.actor.account.name === learner.account.name).map((s) => s.id);
  assert.deepEqual(mine.statements.map((s) => s.id).sort(), expected.sort());
  for (const s of mine.statements) assert.deepEqual(s.actor, learner);
});
