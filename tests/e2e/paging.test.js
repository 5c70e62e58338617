// Paging through `more`: exact pages, no repeats, and pages that stay stable
// while new statements arrive between them.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startLrs } from "./lib/harness.js";
import { uuid, tag, simpleStatement } from "./lib/statements.js";

let lrs;
let xapi;
before(async () => {
  lrs = await startLrs();
  xapi = lrs.client();
});
after(async () => {
  await lrs?.stop();
});

async function postMatching(registration, t, count, from = 0) {
  const batch = [];
  for (let n = from; n < from + count; n++) batch.push(simpleStatement(t, { n, registration }));
  return (await xapi.sendStatements({ statements: batch })).data;
}

const storedOrder = (statements, ascending) => {
  for (let i = 1; i < statements.length; i++) {
    const a = Date.parse(statements[i - 1].stored);
    const b = Date.parse(statements[i].stored);
    assert.ok(ascending ? a <= b : a >= b, `stored order broken at ${i}: ${statements[i - 1].stored} then ${statements[i].stored}`);
  }
};

test("25 statements with limit 10 come in 3 pages (10, 10, 5) without repeats", async () => {
  const t = tag();
  const registration = uuid();
  const posted = await postMatching(registration, t, 25);

  const p1 = await xapi.getStatements({ registration, limit: 10 });
  assert.equal(p1.data.statements.length, 10);
  assert.match(p1.data.more, /^\/xapi\/statements\?more=/);
  const p2 = await xapi.getMoreStatements({ more: p1.data.more });
  assert.equal(p2.data.statements.length, 10);
  assert.match(p2.data.more, /^\/xapi\/statements\?more=/);
  const p3 = await xapi.getMoreStatements({ more: p2.data.more });
  assert.equal(p3.data.statements.length, 5);
  assert.ok(!p3.data.more, `last page has an empty more, got ${JSON.stringify(p3.data.more)}`);

  const all = [...p1.data.statements, ...p2.data.statements, ...p3.data.statements];
  const seen = all.map((s) => s.id);
  assert.equal(new Set(seen).size, 25, "no statement twice");
  assert.deepEqual([...seen].sort(), [...posted].sort());
  storedOrder(all, false);
});

test("pages stay stable when statements arrive between them (default, newest first)", async () => {
  const t = tag();
  const registration = uuid();
  const original = await postMatching(registration, t, 25);

  // The same query, read in one go, is what the paged reads must add up to.
  const p1 = await xapi.getStatements({ registration, limit: 10 });
  const arrivedAfterP1 = await postMatching(registration, t, 5, 100);
  const p2 = await xapi.getMoreStatements({ more: p1.data.more });
  const arrivedAfterP2 = await postMatching(registration, t, 7, 200);
  const p3 = await xapi.getMoreStatements({ more: p2.data.more });

  assert.equal(p1.data.statements.length, 10);
  assert.equal(p2.data.statements.length, 10);
  assert.equal(p3.data.statements.length, 5);
  assert.ok(!p3.data.more, "no more pages after the 25 that existed when paging began");
  const paged = [...p1.data.statements, ...p2.data.statements, ...p3.data.statements].map((s) => s.id);
  assert.equal(new Set(paged).size, 25, "no repeats");
  assert.deepEqual([...paged].sort(), [...original].sort(), "exactly the statements that existed when paging began");
  for (const id of [...arrivedAfterP1, ...arrivedAfterP2]) assert.ok(!paged.includes(id), "a statement stored later does not shift pages");

  // A new query sees everything.
  const fresh = await xapi.getStatements({ registration, limit: 100 });
  assert.equal(fresh.data.statements.length, 37);
});

test("ascending paging: no repeats, nothing lost, later arrivals only at the end", async () => {
  const t = tag();
  const registration = uuid();
  const original = await postMatching(registration, t, 25);

  const p1 = await xapi.getStatements({ registration, limit: 10, ascending: true });
  const later = await postMatching(registration, t, 4, 300);
  const pages = [p1.data.statements];
  let more = p1.data.more;
  while (more) {
    const next = await xapi.getMoreStatements({ more });
    pages.push(next.data.statements);
    more = next.data.more;
    assert.ok(pages.length < 10, "paging terminates");
  }
  const all = pages.flat();
  storedOrder(all, true);
  const seen = all.map((s) => s.id);
  assert.equal(new Set(seen).size, seen.length, "no repeats");
  assert.deepEqual(seen.slice(0, 25).sort(), [...original].sort(), "the original 25 come first, all of them");
  for (const id of seen.slice(25)) assert.ok(later.includes(id), "anything after them arrived later");
});

test("a tampered more link is rejected, not trusted", async () => {
  const t = tag();
  const registration = uuid();
  await postMatching(registration, t, 3);
  const p1 = await xapi.getStatements({ registration, limit: 1 });
  const more = p1.data.more;
  const i = more.indexOf("more=") + 5;
  const token = more.slice(i);
  const flipped = token.slice(0, -2) + (token.at(-2) === "A" ? "B" : "A") + token.at(-1);
  await assert.rejects(
    xapi.getMoreStatements({ more: more.slice(0, i) + flipped }),
    (e) => e.response?.status === 400 || e.response?.status === 404,
  );
});
