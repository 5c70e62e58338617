// A 200 means durable: kill -9 the server while several clients post, restart
// it on the same data dir, and every acknowledged statement is there, once.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startLrs } from "./lib/harness.js";
import { uuid, tag, mboxAgent, accountAgent, simpleStatement, collectAll } from "./lib/statements.js";

const POSTERS = 6;
const ACKS_BEFORE_KILL = 400;
const MAX_MS_BEFORE_KILL = 8_000;

let lrs;
before(async () => {
  lrs = await startLrs();
});
after(async () => {
  await lrs?.stop();
});

async function mapLimit(items, limit, fn) {
  let next = 0;
  const workers = Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  });
  await Promise.all(workers);
}

test("every statement acknowledged before kill -9 survives, and none is stored twice", { timeout: 90_000 }, async (t_) => {
  const t = tag();
  const learners = Array.from({ length: 12 }, (_, i) => (i % 2 ? mboxAgent(t, `l${i}`) : accountAgent(t, `l${i}`)));
  const acked = new Set();
  const sentBatches = []; // every batch sent, acknowledged or not
  const unacked = [];
  const errorsBeforeKill = [];
  let killed = false;

  const client = lrs.client();
  const poster = async (p) => {
    let n = 0;
    while (!killed) {
      const size = [1, 5, 10, 25][n % 4];
      const batch = Array.from({ length: size }, (_, k) =>
        simpleStatement(t, { id: uuid(), actor: learners[(p + n + k) % learners.length], n: (n * 31 + k) % 50 }),
      );
      n++;
      sentBatches.push(batch);
      try {
        const res = await client.sendStatements({ statements: batch });
        assert.equal(res.status, 200);
        assert.deepEqual(res.data, batch.map((s) => s.id));
        for (const id of res.data) acked.add(id);
      } catch (e) {
        unacked.push(batch);
        if (!killed) errorsBeforeKill.push(e.response?.status ?? e.code ?? e.message);
      }
    }
  };

  const posting = Array.from({ length: POSTERS }, (_, p) => poster(p));
  const started = Date.now();
  while (acked.size < ACKS_BEFORE_KILL && Date.now() - started < MAX_MS_BEFORE_KILL && errorsBeforeKill.length === 0) {
    await new Promise((r) => setTimeout(r, 10));
  }
  killed = true; // from here on, failures are the kill's doing
  const result = await lrs.kill9();
  await Promise.all(posting);
  assert.equal(result.signal, "SIGKILL");
  assert.deepEqual(errorsBeforeKill, [], "every request before the kill was answered 200");
  assert.ok(acked.size > 0, "some statements were acknowledged before the kill");

  t_.diagnostic(`acknowledged ${acked.size} statements in ${sentBatches.length - unacked.length} batches before kill -9; ${unacked.length} batches in flight`);
  await lrs.restart();
  const xapi = lrs.client();

  // Every acknowledged id is GETtable.
  const missing = [];
  await mapLimit([...acked], 8, async (id) => {
    try {
      const res = await xapi.getStatement({ statementId: id });
      assert.equal(res.data.id, id);
    } catch (e) {
      missing.push(`${id}: ${e.response?.status ?? e.message}`);
    }
  });
  assert.deepEqual(missing, [], `${missing.length} of ${acked.size} acknowledged statements lost`);

  // A full query through `more` shows no id twice, and only ids we sent.
  const sentIds = new Set(sentBatches.flat().map((s) => s.id));
  const checkAll = async (label) => {
    const { statements, pages } = await collectAll(xapi, { limit: 250 });
    const ids = statements.map((s) => s.id);
    const counts = new Map();
    for (const id of ids) counts.set(id, (counts.get(id) || 0) + 1);
    const twice = [...counts].filter(([, c]) => c > 1);
    assert.deepEqual(twice, [], `${label}: ids seen more than once`);
    for (const id of acked) assert.ok(counts.has(id), `${label}: acknowledged ${id} in the full query`);
    for (const id of ids) assert.ok(sentIds.has(id), `${label}: unknown id ${id}`);
    return { ids, pages: pages.length };
  };
  const afterRestart = await checkAll("after restart");
  assert.ok(afterRestart.ids.length >= acked.size);

  // A client retrying what was in flight gets 200, and still nothing is stored twice.
  for (const batch of unacked) {
    const res = await xapi.sendStatements({ statements: batch });
    assert.equal(res.status, 200);
  }
  const afterRetry = await checkAll("after retry");
  assert.equal(afterRetry.ids.length, sentIds.size, "after retrying, every statement sent is stored exactly once");
});
