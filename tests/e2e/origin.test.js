// Content on the LRS's origin (issue 15, findings 7, 8, 9; issue 14, finding
// 14): the LRS serves /me and /privacy/audit from the same origin as the
// documents and attachments clients store, so nothing stored may run there,
// nothing a client sends may become a header of an answer, no learner data
// is kept by a cache, HEAD (also as POST ?method=HEAD) is a read that is
// audited and answers no body, and a cross-site form cannot drive /privacy.
// Headless Chromium (lib/browser.js) plays the victim's browser.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import http from "node:http";
import { startLrs, freePort } from "./lib/harness.js";
import { request, rawExchange, isErrorBody, VERSION } from "./lib/http.js";
import { launchBrowser } from "./lib/browser.js";
import { tag, mboxAgent, simpleStatement } from "./lib/statements.js";

let lrs;
let browser;
before(async () => {
  lrs = await startLrs();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await lrs?.stop();
});

const SANDBOX = "sandbox; default-src 'none'";
const PAGE = `<!doctype html><title>stored</title><script>document.title = "script ran";</script>`;

function stateQuery(t, stateId = "page") {
  return new URLSearchParams({
    activityId: `https://courses.example.org/origin/${t}`,
    agent: JSON.stringify(mboxAgent(t)),
    stateId,
  }).toString();
}

async function auditEntries() {
  const res = await request(lrs, "/privacy/audit?limit=1000", { auth: lrs.adminAuth, version: null });
  assert.equal(res.status, 200, res.text);
  return res.json.entries;
}

/** The request bytes of an alternate-syntax POST (Communication 1.3). */
function alternateRequest(path, method, fields) {
  const form = new URLSearchParams({ Authorization: lrs.auth, "X-Experience-API-Version": VERSION, ...fields })
    .toString();
  return (
    `POST ${path}?method=${method} HTTP/1.1\r\nHost: 127.0.0.1:${lrs.port}\r\n` +
    `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(form)}\r\n` +
    `Connection: close\r\n\r\n${form}`
  );
}

function assertServedAsInert(headers, what) {
  const get = (name) => headers.get?.(name) ?? headers[name];
  assert.equal(get("x-content-type-options"), "nosniff", `${what}: nosniff`);
  assert.equal(get("content-security-policy"), SANDBOX, `${what}: sandbox CSP`);
  assert.equal(get("cache-control"), "no-store", `${what}: no-store`);
}

test("a document stored as text/html is served sandboxed, and its script does not run on the LRS's origin", async () => {
  const t = tag();
  const query = stateQuery(t);
  const put = await request(lrs, `/xapi/activities/state?${query}`, {
    method: "PUT",
    body: PAGE,
    headers: { "Content-Type": "text/html" },
  });
  assert.equal(put.status, 204, put.text);
  // The same URL opened in a browser that holds the LMS's credentials.
  const page = await browser.newPage();
  await page.setExtraHTTPHeaders({ Authorization: lrs.auth, "X-Experience-API-Version": VERSION });
  const response = await page.goto(`${lrs.baseUrl}/xapi/activities/state?${query}`);
  assert.equal(response.status(), 200);
  assert.equal(await page.title(), "stored", "the stored page's script must not run");
  await page.close();

  const got = await request(lrs, `/xapi/activities/state?${query}`);
  assert.equal(got.status, 200);
  assert.equal(got.text, PAGE, "the client gets its bytes back as sent");
  assert.equal(got.headers.get("content-type"), "text/html");
  assertServedAsInert(got.headers, "State document");
});

test("agent profile, activity profile and attachment data are served the same way", async () => {
  const t = tag();
  const agent = JSON.stringify(mboxAgent(t));
  const documents = [
    `/xapi/agents/profile?${new URLSearchParams({ agent, profileId: "page" })}`,
    `/xapi/activities/profile?${new URLSearchParams({ activityId: `https://courses.example.org/origin/${t}`, profileId: "page" })}`,
  ];
  for (const path of documents) {
    const put = await request(lrs, path, {
      method: "PUT",
      body: PAGE,
      headers: { "Content-Type": "text/html", "If-None-Match": "*" },
    });
    assert.equal(put.status, 204, `${path}: ${put.text}`);
    for (const method of ["GET", "HEAD"]) {
      const got = await request(lrs, path, { method });
      assert.equal(got.status, 200, `${method} ${path}`);
      assertServedAsInert(got.headers, `${method} ${path}`);
    }
  }

  const statement = simpleStatement(t);
  const sha2 = createHash("sha256").update(PAGE).digest("hex");
  statement.attachments = [{
    usageType: "https://example.org/usage/page",
    display: { "en-US": "page" },
    contentType: "text/html",
    length: Buffer.byteLength(PAGE),
    sha2,
  }];
  const boundary = `b${t}`;
  const body =
    `--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(statement)}\r\n` +
    `--${boundary}\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: binary\r\n` +
    `X-Experience-API-Hash: ${sha2}\r\n\r\n${PAGE}\r\n--${boundary}--\r\n`;
  const posted = await request(lrs, "/xapi/statements", {
    method: "POST",
    body,
    headers: { "Content-Type": `multipart/mixed; boundary=${boundary}` },
  });
  assert.equal(posted.status, 200, posted.text);
  const got = await request(lrs, `/xapi/statements?statementId=${posted.json[0]}&attachments=true`);
  assert.equal(got.status, 200);
  assert.match(got.headers.get("content-type"), /^multipart\/mixed/);
  assert.ok(got.text.includes(PAGE));
  assertServedAsInert(got.headers, "statement with attachments");
});

test("a Content-Type that is not a media type is refused with a 400 naming it", async () => {
  const t = tag();
  for (const type of ["html", "text/plain; charset", "text/plain, text/html", "text/html;;a"]) {
    const query = stateQuery(t, `bad-${encodeURIComponent(type)}`);
    for (const method of ["PUT", "POST"]) {
      const res = await request(lrs, `/xapi/activities/state?${query}`, {
        method,
        body: "{}",
        headers: { "Content-Type": type },
      });
      assert.equal(res.status, 400, `${method} ${type}: ${res.text}`);
      assert.ok(isErrorBody(res.json, 400), res.text);
      assert.match(res.json.message, /Content-Type/);
    }
    const got = await request(lrs, `/xapi/activities/state?${query}`);
    assert.equal(got.status, 404, "nothing was stored");
  }
});

test("through the alternate syntax, a CR LF in a header-named form field injects nothing", async () => {
  const t = tag();
  const params = Object.fromEntries(new URLSearchParams(stateQuery(t, "injected")));
  for (const fields of [
    { "Content-Type": "text/html\r\nSet-Cookie: planted=1", content: PAGE },
    { "Content-Type": "text/html\nSet-Cookie: planted=1", content: PAGE },
    { "If-None-Match": "*\r\nSet-Cookie: planted=1", content: PAGE },
  ]) {
    const res = await rawExchange(lrs.port, alternateRequest("/xapi/activities/state", "PUT", { ...params, ...fields }));
    assert.equal(res.status, 400, JSON.stringify(fields));
    assert.equal(res.headers["set-cookie"], undefined, "no injected header");
    const error = JSON.parse(res.body.toString("utf8"));
    assert.ok(isErrorBody(error, 400), JSON.stringify(error));
  }
  const got = await rawExchange(
    lrs.port,
    `GET /xapi/activities/state?${stateQuery(t, "injected")} HTTP/1.1\r\nHost: x\r\n` +
      `Authorization: ${lrs.auth}\r\nX-Experience-API-Version: ${VERSION}\r\nConnection: close\r\n\r\n`,
  );
  assert.equal(got.status, 404, "nothing was stored");
  assert.equal(got.headers["set-cookie"], undefined);
});

test("POST ?method=HEAD answers no body and is audited, and so is a real HEAD", async () => {
  const t = tag();
  const actor = mboxAgent(t);
  const stored = await request(lrs, "/xapi/statements", { method: "POST", body: simpleStatement(t, { actor }) });
  assert.equal(stored.status, 200, stored.text);
  const put = await request(lrs, `/xapi/activities/state?${stateQuery(t)}`, { method: "PUT", body: { page: 1 } });
  assert.equal(put.status, 204);
  const before = (await auditEntries()).length;

  const agent = JSON.stringify(actor);
  for (const path of ["/xapi/statements", "/xapi/agents"]) {
    const res = await rawExchange(lrs.port, alternateRequest(path, "HEAD", { agent }));
    assert.equal(res.status, 200, path);
    assert.equal(res.body.length, 0, `${path}: no body (it held the statements, identities included)`);
    assert.ok(!res.body.toString().includes(actor.mbox));
  }
  for (const path of [`/xapi/statements?agent=${encodeURIComponent(agent)}`, `/xapi/agents?agent=${encodeURIComponent(agent)}`,
    `/xapi/activities/state?${stateQuery(t)}`]) {
    const res = await request(lrs, path, { method: "HEAD" });
    assert.equal(res.status, 200, path);
  }

  const entries = (await auditEntries()).slice(before + 1); // past the audit read itself
  const heads = entries.filter((e) => e.detail?.method === "HEAD").map((e) => e.action);
  assert.deepEqual(heads, ["statements.read", "agents.read", "statements.read", "agents.read", "state.read"]);
  for (const entry of entries.filter((e) => e.detail?.method === "HEAD")) {
    assert.equal(entry.subjects, 1, `${entry.action} names the learner`);
  }
});

test("every answer that carries learner data says Cache-Control: no-store", async () => {
  const t = tag();
  const actor = mboxAgent(t);
  const agent = encodeURIComponent(JSON.stringify(actor));
  const stored = await request(lrs, "/xapi/statements", { method: "POST", body: simpleStatement(t, { actor }) });
  assert.equal(stored.status, 200);
  const profile = `/xapi/agents/profile?agent=${agent}&profileId=p`;
  assert.equal((await request(lrs, profile, { method: "PUT", body: { a: 1 }, headers: { "If-None-Match": "*" } })).status, 204);
  assert.equal((await request(lrs, `/xapi/activities/state?${stateQuery(t)}`, { method: "PUT", body: { a: 1 } })).status, 204);
  const token = await request(lrs, "/privacy/tokens", { method: "POST", version: null, body: { agent: actor } });
  assert.equal(token.status, 200, token.text);
  const bearer = `Bearer ${token.json.token}`;

  const answers = {
    "POST /xapi/statements": stored,
    "GET /xapi/statements": await request(lrs, `/xapi/statements?agent=${agent}`),
    "GET /xapi/statements?statementId": await request(lrs, `/xapi/statements?statementId=${stored.json[0]}`),
    "GET /xapi/agents": await request(lrs, `/xapi/agents?agent=${agent}`),
    "GET /xapi/activities": await request(lrs, `/xapi/activities?activityId=${encodeURIComponent(simpleStatement(t).object.id)}`),
    "GET state": await request(lrs, `/xapi/activities/state?${stateQuery(t)}`),
    "GET agent profile": await request(lrs, profile),
    "POST /privacy/tokens": token,
    "GET /privacy/me": await request(lrs, "/privacy/me", { auth: bearer, version: null }),
    "GET /privacy/consent": await request(lrs, `/privacy/consent?agent=${agent}`, { version: null }),
    "GET /privacy/audit": await request(lrs, "/privacy/audit", { auth: lrs.adminAuth, version: null }),
  };
  for (const [what, res] of Object.entries(answers)) {
    assert.ok(res.status < 300, `${what}: ${res.status} ${res.text}`);
    assert.equal(res.headers.get("cache-control"), "no-store", what);
  }
});

test("/privacy writes refuse what a cross-site form can send (415), and JSON still works", async () => {
  const t = tag();
  const actor = mboxAgent(t);
  const token = await request(lrs, "/privacy/tokens", { method: "POST", version: null, body: { agent: actor } });
  assert.equal(token.status, 200);
  const agent = encodeURIComponent(JSON.stringify(actor));
  const writes = [
    ["PUT", "/privacy/consent", lrs.auth, JSON.stringify({ agent: actor, state: "withdrawn" })],
    ["POST", "/privacy/tokens", lrs.auth, JSON.stringify({ agent: actor })],
    ["DELETE", "/privacy/me", `Bearer ${token.json.token}`, "confirm=1"],
    ["DELETE", `/privacy/learners?agent=${agent}`, lrs.auth, "confirm=1"],
  ];
  for (const type of ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain"]) {
    for (const [method, path, auth, body] of writes) {
      const res = await request(lrs, path, { method, auth, version: null, body, headers: { "Content-Type": type } });
      assert.equal(res.status, 415, `${method} ${path} as ${type}: ${res.status} ${res.text}`);
      assert.ok(isErrorBody(res.json, 415), res.text);
    }
  }
  const consent = await request(lrs, `/privacy/consent?agent=${agent}`, { version: null });
  assert.equal(consent.status, 200);
  assert.ok(!JSON.stringify(consent.json).includes("withdrawn"), "nothing changed");
  const withdrawn = await request(lrs, "/privacy/consent", {
    method: "PUT",
    version: null,
    body: { agent: actor, state: "withdrawn" },
  });
  assert.equal(withdrawn.status, 204, withdrawn.text);
  const erased = await request(lrs, `/privacy/learners?agent=${agent}`, { method: "DELETE", version: null });
  assert.equal(erased.status, 200, `a DELETE without a body is fine: ${erased.text}`);
});

test("a page on another origin cannot make the victim's browser issue a learner token", async () => {
  const t = tag();
  const actor = mboxAgent(t);
  // text/plain form trick: the field name and value join into a JSON body.
  const name = JSON.stringify({ agent: actor, ttl_seconds: 3600, pad: "" }).slice(0, -2);
  const attackerPage =
    `<!doctype html><form id="f" method="POST" enctype="text/plain" action="${lrs.baseUrl}/privacy/tokens">` +
    `<input name='${name.replace(/'/g, "&#39;")}' value='"}'></form><script>document.getElementById("f").submit()</script>`;
  const attacker = http.createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end(attackerPage);
  });
  const port = await freePort();
  await new Promise((resolve) => attacker.listen(port, "127.0.0.1", resolve));
  const before = (await auditEntries()).filter((e) => e.action === "token.issue").length;
  // The victim's browser sends the LMS's Basic credentials it remembers for
  // the LRS (a header Chromium adds to every request of this page).
  const page = await browser.newPage();
  await page.setExtraHTTPHeaders({ Authorization: lrs.auth });
  try {
    const landed = page.waitForResponse((r) => r.url().startsWith(`${lrs.baseUrl}/privacy/tokens`));
    await page.goto(`http://localhost:${port}/`);
    const response = await landed;
    assert.equal(response.status(), 415, "the form's POST is refused before anything happens");
  } finally {
    await page.close();
    attacker.closeAllConnections(); // Chromium keeps its connection alive
    await new Promise((resolve) => attacker.close(resolve));
  }
  const after = (await auditEntries()).filter((e) => e.action === "token.issue").length;
  assert.equal(after, before, "no token was issued");
});
