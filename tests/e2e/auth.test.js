// HTTP Basic auth on every /xapi route but /about, and the analyst role's
// lack of statement access.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startLrs, basicAuth } from "./lib/harness.js";
import { request, isErrorBody } from "./lib/http.js";
import { tag, simpleStatement } from "./lib/statements.js";

let lrs;
before(async () => {
  lrs = await startLrs();
});
after(async () => {
  await lrs?.stop();
});

const rejectsWith = (promise, status) =>
  assert.rejects(promise, (e) => {
    assert.equal(e.response?.status, status, `expected ${status}, got ${e.response?.status ?? e.message}`);
    return true;
  });

test("no Authorization header is 401 on statements, with an error body", async () => {
  for (const method of ["GET", "POST"]) {
    const res = await request(lrs, "/xapi/statements", {
      method,
      auth: null,
      body: method === "POST" ? simpleStatement(tag()) : undefined,
    });
    assert.equal(res.status, 401, `${method}: ${res.text}`);
    assert.ok(isErrorBody(res.json, 401), `error body: ${res.text}`);
  }
});

test("a wrong secret, an unknown key and a malformed header are 401", async () => {
  const t = tag();
  const wrongSecret = lrs.client(basicAuth({ key: lrs.lmsCred.key, secret: lrs.lmsCred.secret + "x" }));
  await rejectsWith(wrongSecret.getStatements({ limit: 1 }), 401);
  await rejectsWith(wrongSecret.sendStatement({ statement: simpleStatement(t) }), 401);
  const unknownKey = lrs.client(basicAuth({ key: "no-such-key", secret: lrs.lmsCred.secret }));
  await rejectsWith(unknownKey.getStatements({ limit: 1 }), 401);
  for (const auth of ["Basic", "Basic !!!notbase64", "Bearer abc", `Basic ${Buffer.from(lrs.lmsCred.key).toString("base64")}`]) {
    const res = await request(lrs, "/xapi/statements", { auth });
    assert.equal(res.status, 401, `Authorization: ${auth} -> ${res.status}`);
  }
});

test("the analyst role may not read or write statements: 403", async () => {
  const t = tag();
  const analyst = lrs.client(lrs.analystAuth);
  await rejectsWith(analyst.sendStatement({ statement: simpleStatement(t) }), 403);
  await rejectsWith(analyst.getStatements({ limit: 1 }), 403);
  const [id] = (await lrs.client().sendStatement({ statement: simpleStatement(t) })).data;
  await rejectsWith(analyst.getStatement({ statementId: id }), 403);
  const put = await request(lrs, `/xapi/statements?statementId=${crypto.randomUUID()}`, {
    method: "PUT",
    auth: lrs.analystAuth,
    body: simpleStatement(t),
  });
  assert.equal(put.status, 403, put.text);
  assert.ok(isErrorBody(put.json, 403), `error body: ${put.text}`);
});

test("the LMS credential works and /about needs none", async () => {
  const res = await lrs.client().getStatements({ limit: 1 });
  assert.equal(res.status, 200);
  const about = await request(lrs, "/xapi/about", { auth: null });
  assert.equal(about.status, 200);
});
