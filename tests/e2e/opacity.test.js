// What a client, a browser or a proxy log sees of the LRS's own tokens (issue
// 14, findings 12 and 15): `more` cursors and learner tokens are opaque (no
// pseudonym, no query, whatever one decodes), a changed, truncated or spliced
// one is refused (400 for a `more`, 401 for a token); document ETags are not
// the SHA-1 of the content, yet If-Match and If-None-Match work with them.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startLrs } from "./lib/harness.js";
import { request } from "./lib/http.js";
import { tag, uuid, mboxAgent, simpleStatement } from "./lib/statements.js";

let lrs;
before(async () => {
  lrs = await startLrs();
});
after(async () => {
  await lrs?.stop();
});

const sha1 = (text) => createHash("sha1").update(text, "utf8").digest("hex");

/** The text and every '.'-separated part of it decoded as base64 (both alphabets). */
function everythingReadable(text) {
  const parts = [text, decodeURIComponent(text)];
  for (const part of decodeURIComponent(text).split(".")) {
    for (const encoding of ["base64url", "base64"]) parts.push(Buffer.from(part, encoding).toString("latin1"));
  }
  return parts.join("\n");
}

async function pseudonymOf(agent) {
  const issued = await request(lrs, "/privacy/tokens", { method: "POST", version: null, body: { agent } });
  assert.equal(issued.status, 200, issued.text);
  const me = await request(lrs, "/privacy/me", { auth: `Bearer ${issued.json.token}`, version: null });
  assert.equal(me.status, 200, me.text);
  return { token: issued.json.token, pseudonym: me.json.pseudonym };
}

test("a more cursor names no pseudonym and no query, and a changed one is a 400", async () => {
  const t = tag();
  const learner = mboxAgent(t);
  const registration = uuid();
  const statements = [0, 1, 2].map((n) => ({ ...simpleStatement(t, { actor: learner, n }), context: { registration } }));
  assert.equal((await request(lrs, "/xapi/statements", { method: "POST", body: statements })).status, 200);
  const agent = encodeURIComponent(JSON.stringify({ mbox: learner.mbox }));
  const page = await request(lrs, `/xapi/statements?agent=${agent}&registration=${registration}&limit=1`);
  assert.equal(page.status, 200, page.text);
  const more = page.json.more;
  const cursor = more.slice(more.indexOf("more=") + 5);
  const { pseudonym } = await pseudonymOf({ mbox: learner.mbox });

  const readable = everythingReadable(cursor);
  assert.ok(!readable.includes(pseudonym), "the cursor shows the pseudonym");
  assert.ok(!readable.includes(registration), "the cursor shows the query");
  assert.ok(!readable.includes("snapshot"), "the cursor shows its state");
  assert.match(cursor, /^mc2\.[A-Za-z0-9_-]+$/);

  const next = await request(lrs, more);
  assert.equal(next.status, 200, next.text);
  assert.equal(next.json.statements.length, 1);
  const flip = (text, i) => text.slice(0, i) + (text[i] === "A" ? "B" : "A") + text.slice(i + 1);
  const other = (await request(lrs, `/xapi/statements?registration=${registration}&limit=1`)).json.more;
  const otherCursor = other.slice(other.indexOf("more=") + 5);
  const half = Math.floor(cursor.length / 2);
  for (const bad of [flip(cursor, 5), flip(cursor, cursor.length - 1), cursor.slice(0, -3), cursor.slice(0, half) + otherCursor.slice(half), "mc2.", "mc2.AAAA"]) {
    const res = await request(lrs, `/xapi/statements?more=${encodeURIComponent(bad)}`);
    assert.equal(res.status, 400, `${bad}: ${res.text}`);
  }
});

test("a learner token names no pseudonym, and a changed one is a 401", async () => {
  const learner = mboxAgent(tag());
  assert.equal((await request(lrs, "/xapi/statements", { method: "POST", body: simpleStatement(tag(), { actor: learner }) })).status, 200);
  const { token, pseudonym } = await pseudonymOf(learner);
  assert.match(token, /^lt2\.[A-Za-z0-9_-]+$/);
  const readable = everythingReadable(token);
  assert.ok(!readable.includes(pseudonym), "the token shows the pseudonym");
  assert.ok(!readable.includes('"sub"'), "the token shows its claims");
  for (const i of [4, 20, token.length - 1]) {
    const changed = token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1);
    const res = await request(lrs, "/privacy/me", { auth: `Bearer ${changed}`, version: null });
    assert.equal(res.status, 401, res.text);
  }
});

test("document ETags are not the SHA-1 of the content, and preconditions still work with them", async () => {
  const t = tag();
  const agent = encodeURIComponent(JSON.stringify({ mbox: mboxAgent(t).mbox }));
  const activityId = encodeURIComponent(`http://example.org/e2e/${t}`);
  const body = JSON.stringify({ progress: 0.5, guessable: true });
  for (const url of [
    `/xapi/activities/state?activityId=${activityId}&agent=${agent}&stateId=bookmark`,
    `/xapi/agents/profile?agent=${agent}&profileId=prefs`,
    `/xapi/activities/profile?activityId=${activityId}&profileId=outline`,
  ]) {
    const put = await request(lrs, url, { method: "PUT", body, headers: { "If-None-Match": "*" } });
    assert.equal(put.status, 204, `${url}: ${put.text}`);
    const got = await request(lrs, url);
    assert.equal(got.status, 200, got.text);
    const etag = got.headers.get("etag");
    assert.match(etag, /^"[0-9a-f]{40}"$/, url); // as long as a SHA-1 (ADL's 1.0.3 suite)
    assert.notEqual(etag, `"${sha1(body)}"`, `${url}: the ETag confirms the content`);
    assert.ok(!etag.includes(sha1(body)), url);
    assert.equal((await request(lrs, url)).headers.get("etag"), etag, "stable for the same content");
    // Preconditions against what the LRS returned.
    assert.equal((await request(lrs, url, { method: "PUT", body, headers: { "If-None-Match": "*" } })).status, 412);
    assert.equal((await request(lrs, url, { method: "PUT", body, headers: { "If-Match": `"${sha1(body)}"` } })).status, 412);
    const changed = JSON.stringify({ progress: 1 });
    assert.equal((await request(lrs, url, { method: "PUT", body: changed, headers: { "If-Match": etag } })).status, 204);
    const after = (await request(lrs, url)).headers.get("etag");
    assert.notEqual(after, etag);
    assert.equal((await request(lrs, url, { method: "DELETE", headers: { "If-Match": etag } })).status, 412);
    assert.equal((await request(lrs, url, { method: "DELETE", headers: { "If-Match": after } })).status, 204);
  }
});
