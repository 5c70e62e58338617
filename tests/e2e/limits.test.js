// What the door refuses: bodies over the limit (with Content-Length and
// chunked), batches over the limit, malformed JSON, invalid UTF-8 and deep
// nesting. After every refusal the server still answers GET /xapi/about.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startLrs } from "./lib/harness.js";
import { request, rawPost, rawChunkedPost, aboutStatus, isErrorBody } from "./lib/http.js";
import { uuid, tag, simpleStatement, collectAll } from "./lib/statements.js";

const MAX_BODY = 65536;
const MAX_BATCH = 20;

let lrs;
let xapi;
before(async () => {
  lrs = await startLrs({ args: ["--max-body-bytes", String(MAX_BODY), "--max-batch", String(MAX_BATCH)] });
  xapi = lrs.client();
});
after(async () => {
  await lrs?.stop();
});

async function assertStillServing() {
  assert.equal(await aboutStatus(lrs), 200, "GET /xapi/about still answers");
}

/** A JSON array of valid statements, padded to at least `bytes` bytes. */
function bigBatchBody(t, bytes, registration) {
  const s = simpleStatement(t, { registration });
  s.result = { response: "x".repeat(Math.max(0, bytes - 400)) };
  return Buffer.from(JSON.stringify([s]), "utf8");
}

test("Content-Length over the limit is 413", async () => {
  const t = tag();
  const registration = uuid();
  const body = bigBatchBody(t, MAX_BODY + 40_000, registration);
  assert.ok(body.length > MAX_BODY);
  const res = await rawPost(lrs, "/xapi/statements", { body });
  assert.equal(res.status, 413, res.text);
  assert.ok(isErrorBody(JSON.parse(res.text), 413), `error body: ${res.text}`);
  const stored = await collectAll(xapi, { registration });
  assert.equal(stored.statements.length, 0);
  await assertStillServing();
});

test("Content-Length over the limit is answered from the headers, before any body is sent", async () => {
  const res = await rawPost(lrs, "/xapi/statements", { declaredLength: 8 * 1024 * 1024, timeoutMs: 10_000 });
  assert.equal(res.status, 413, res.text);
  await assertStillServing();
});

test("a chunked body is cut off at the limit: 413", async () => {
  const t = tag();
  const registration = uuid();
  const body = bigBatchBody(t, 4 * MAX_BODY, registration);
  const res = await rawChunkedPost(lrs, "/xapi/statements", body);
  assert.equal(res.status, 413, `status ${res.status}: ${res.text}`);
  const stored = await collectAll(xapi, { registration });
  assert.equal(stored.statements.length, 0);
  await assertStillServing();
});

test("a chunked body under the limit is accepted", async () => {
  const t = tag();
  const statement = simpleStatement(t, { id: uuid() });
  const res = await rawPost(lrs, "/xapi/statements", {
    body: Buffer.from(JSON.stringify(statement)),
    chunked: true,
    chunkSize: 50,
  });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(JSON.parse(res.text), [statement.id]);
});

test("a body exactly at the limit is not refused for its size", async () => {
  const t = tag();
  const s = simpleStatement(t, { id: uuid() });
  const base = Buffer.byteLength(JSON.stringify({ ...s, result: { response: "" } }));
  s.result = { response: "y".repeat(MAX_BODY - base) };
  const body = Buffer.from(JSON.stringify(s));
  assert.equal(body.length, MAX_BODY);
  const res = await rawPost(lrs, "/xapi/statements", { body });
  assert.equal(res.status, 200, res.text);
});

test(`a batch of ${MAX_BATCH + 1} statements is 413 and stores nothing; ${MAX_BATCH} is fine`, async () => {
  const t = tag();
  const registration = uuid();
  const over = Array.from({ length: MAX_BATCH + 1 }, (_, n) => simpleStatement(t, { n, registration }));
  await assert.rejects(xapi.sendStatements({ statements: over }), (e) => {
    assert.equal(e.response?.status, 413, `status ${e.response?.status ?? e.message}`);
    assert.ok(isErrorBody(e.response.data, 413), `error body: ${JSON.stringify(e.response.data)}`);
    return true;
  });
  assert.equal((await collectAll(xapi, { registration })).statements.length, 0);
  await assertStillServing();
  const ok = await xapi.sendStatements({ statements: over.slice(0, MAX_BATCH) });
  assert.equal(ok.data.length, MAX_BATCH);
});

const malformed = [
  ["truncated object", '{"actor": {"mbox": "mailto:a@example.org"'],
  ["not JSON at all", "hello, LRS"],
  ["empty body", ""],
  ["trailing garbage", '{"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"},"object":{"id":"http://example.org/a"}} x'],
  ["single quotes", "{'actor': 1}"],
  ["a bare number (JSON, but no statement)", "42"],
  ["unterminated array", '[{"a":1},'],
];

for (const [what, body] of malformed) {
  test(`malformed JSON (${what}) is 400 with an error body`, async () => {
    const res = await request(lrs, "/xapi/statements", { method: "POST", body });
    assert.equal(res.status, 400, res.text);
    assert.ok(isErrorBody(res.json, 400), `error body: ${res.text}`);
    await assertStillServing();
  });
}

const badUtf8 = [
  ["a lone continuation byte", [0x80]],
  ["a truncated two-byte sequence", [0xc3, 0x28]],
  ["an overlong slash", [0xc0, 0xaf]],
  ["an encoded surrogate", [0xed, 0xa0, 0x80]],
  ["a byte that is never UTF-8", [0xff]],
];

for (const [what, bytes] of badUtf8) {
  test(`invalid UTF-8 (${what}) in a string is 400`, async () => {
    const t = tag();
    const s = simpleStatement(t, { id: uuid() });
    s.actor.name = "@@NAME@@";
    const [before_, after_] = JSON.stringify(s).split("@@NAME@@");
    const body = Buffer.concat([Buffer.from(before_), Buffer.from("Jos"), Buffer.from(bytes), Buffer.from("e"), Buffer.from(after_)]);
    const res = await request(lrs, "/xapi/statements", { method: "POST", body });
    assert.equal(res.status, 400, res.text);
    assert.ok(isErrorBody(res.json, 400), `error body: ${res.text}`);
    await assert.rejects(xapi.getStatement({ statementId: s.id }), (e) => e.response?.status === 404);
    await assertStillServing();
  });
}

function nested(depth) {
  let v = { leaf: true };
  for (let i = 0; i < depth; i++) v = { deeper: v };
  return v;
}

test("nesting deeper than 32 is 400; moderate nesting is fine", async () => {
  const t = tag();
  const shallow = simpleStatement(t, { id: uuid() });
  shallow.result = { extensions: { "https://ext.example.org/shallow": nested(10) } };
  const ok = await xapi.sendStatement({ statement: shallow });
  assert.equal(ok.status, 200);

  const deep = simpleStatement(t, { id: uuid() });
  deep.result = { extensions: { "https://ext.example.org/deep": nested(40) } };
  const res = await request(lrs, "/xapi/statements", { method: "POST", body: deep });
  assert.equal(res.status, 400, res.text);
  assert.ok(isErrorBody(res.json, 400), `error body: ${res.text}`);
  await assertStillServing();
});

test("60,000 levels of nesting are 400, not a crash", async () => {
  for (const open of ["[", '{"a":']) {
    const body = open.repeat(open === "[" ? 60_000 : 10_000);
    assert.ok(body.length <= MAX_BODY);
    const res = await request(lrs, "/xapi/statements", { method: "POST", body });
    assert.equal(res.status, 400, res.text.slice(0, 200));
    await assertStillServing();
  }
});

describe("with the default limits", () => {
  let def;
  before(async () => {
    def = await startLrs();
  });
  after(async () => {
    await def?.stop();
  });

  test("1000 statements in a batch are fine, 1001 are 413", async () => {
    const client = def.client();
    const t = tag();
    const registration = uuid();
    const batch = Array.from({ length: 1001 }, (_, n) => simpleStatement(t, { n, registration }));
    await assert.rejects(client.sendStatements({ statements: batch }), (e) => e.response?.status === 413);
    assert.equal((await collectAll(client, { registration })).statements.length, 0);
    const ok = await client.sendStatements({ statements: batch.slice(0, 1000) });
    assert.equal(ok.data.length, 1000);
  });

  test("a Content-Length just over 10 MiB is 413 while the client waits part-way through the body", async () => {
    // The first 256 KiB are sent, then the client waits for an answer: the
    // server must answer from the header, not wait for the remaining bytes.
    const res = await rawPost(def, "/xapi/statements", {
      declaredLength: 10 * 1024 * 1024 + 1,
      body: Buffer.concat([Buffer.from("["), Buffer.alloc(256 * 1024, 0x20)]),
      timeoutMs: 10_000,
    });
    assert.equal(res.status, 413, res.text);
    assert.equal(await aboutStatus(def), 200);
  });
});
