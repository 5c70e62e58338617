// `lrs keys rotate` on a real data directory: statements (one with a group),
// a State document, then the server stopped, the keys rotated, the server
// started again. The LMS still reads every agent back as sent, an agent query
// finds the learner's statements from before and after the rotation together,
// a statement sent again is a no-op, the old secrets are gone from the key
// file and the old pseudonyms from every file of the data directory. A
// rotation beside a running server is refused (exit 2, naming the lock).
//
// The old pseudonym is computed here independently (node:crypto and BigInt):
// hash-to-curve as anonymizer/curve_pseudonym.h defines it, then k · H by
// ECDH, whose shared secret is the x-coordinate of k · H: the hex of x is a
// substring of the stored pseudonym ("02"/"03" + x).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createECDH, createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { startLrs, LRS_BIN, REPO_ROOT } from "./lib/harness.js";
import { filesUnder } from "./lib/disk.js";
import { request } from "./lib/http.js";
import { uuid, tag, VERBS, activity } from "./lib/statements.js";

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

function modPow(base, exponent, modulus) {
  let result = 1n;
  base %= modulus;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
    exponent >>= 1n;
  }
  return result;
}

/** x of k · H(ifi) as 64 hex digits; k is the pseudonym key's secret (hex). */
function pseudonymX(keyHex, canonicalIfi) {
  const domain = Buffer.from("lrs pseudonym hash-to-curve P-256 v1");
  for (let counter = 0; counter < 256; counter++) {
    const digest = createHash("sha256")
      .update(Buffer.concat([domain, Buffer.from([counter]), Buffer.from(canonicalIfi, "utf8")]))
      .digest("hex");
    const x = BigInt("0x" + digest);
    if (x >= P) continue;
    const rhs = (((x * x * x - 3n * x + B) % P) + P) % P;
    const y = modPow(rhs, (P + 1n) / 4n, P);
    if ((y * y) % P !== rhs) continue;
    const ecdh = createECDH("prime256v1");
    ecdh.setPrivateKey(Buffer.from(keyHex, "hex"));
    return ecdh.computeSecret(Buffer.from("02" + digest, "hex")).toString("hex");
  }
  throw new Error("hash-to-curve found no point");
}

const sha1 = (s) => createHash("sha1").update(s, "utf8").digest("hex");
const mboxIfi = (mbox) => `mbox_sha1sum:${sha1(mbox)}`;

function rotate(lrs) {
  return spawnSync(LRS_BIN, ["keys", "rotate", "--data", lrs.dataDir], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
}

const keyFile = (lrs) => lrs.keyFile;
const readKeys = (lrs) => JSON.parse(fs.readFileSync(keyFile(lrs), "utf8"));

/** Files under `dir` that contain `needle`. */
function filesContaining(dir, needle) {
  return filesUnder(dir).filter((file) => fs.readFileSync(file).includes(Buffer.from(needle, "utf8")));
}

const t = tag();
const ada = { objectType: "Agent", name: `Ada Lovelace ${t}`, mbox: `mailto:ada.${t}@example.org` };
const bob = { objectType: "Agent", name: `Bob Stone ${t}`, mbox: `mailto:bob.${t}@example.org` };
const cat = { objectType: "Agent", name: `Cat Wong ${t}`, account: { homePage: "https://lms.example.org", name: `cat-${t}` } };
const team = { objectType: "Group", name: `Red team ${t}`, mbox: `mailto:red.${t}@example.org`, member: [cat] };
const oldId = uuid();
const groupId = uuid();
const oldStatement = { id: oldId, actor: ada, verb: VERBS.completed, object: activity(t, 1) };
const groupStatement = {
  id: groupId,
  actor: { objectType: "Group", member: [ada, bob] },
  verb: VERBS.experienced,
  object: activity(t, 2),
  context: { team },
};
const stateQuery = new URLSearchParams({
  activityId: activity(t, 1).id,
  agent: JSON.stringify({ mbox: ada.mbox }),
  stateId: "bookmark",
}).toString();

let lrs;
let oldKeys;
let tokenBefore; // a learner token and a `more` link issued before the rotation
let moreBefore;
before(async () => {
  lrs = await startLrs();
  const posted = await request(lrs, "/xapi/statements", { method: "POST", body: [oldStatement, groupStatement] });
  assert.equal(posted.status, 200, posted.text);
  const put = await request(lrs, `/xapi/activities/state?${stateQuery}`, { method: "PUT", body: { page: 7 } });
  assert.equal(put.status, 204, put.text);
  oldKeys = readKeys(lrs);
  const issued = await request(lrs, "/privacy/tokens", { method: "POST", version: null, body: { agent: { mbox: ada.mbox } } });
  assert.equal(issued.status, 200, issued.text);
  tokenBefore = issued.json.token;
  const page = await request(lrs, "/xapi/statements?limit=1");
  assert.equal(page.status, 200, page.text);
  moreBefore = page.json.more;
  assert.match(moreBefore, /more=/);
});
after(async () => {
  await lrs?.stop();
});

test("the independently computed pseudonym is what the server stored", async () => {
  const x = pseudonymX(oldKeys.pseudonym_key.secret, mboxIfi(ada.mbox));
  await lrs.shutdown(); // the WAL is complete on disk; restarted by the next test
  assert.notDeepEqual(filesContaining(lrs.dataDir, x), []);
  await lrs.restart();
});

test("a rotation beside a running server is refused, naming the lock", () => {
  const run = rotate(lrs);
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /lrs\.lock/);
  assert.equal(run.stderr.trim().split("\n").length, 1);
  assert.deepEqual(readKeys(lrs), oldKeys);
});

test("after a rotation the old secrets and the old pseudonyms are gone", async () => {
  await lrs.shutdown();
  const run = rotate(lrs);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /keys rotated/);

  const keys = readKeys(lrs);
  assert.equal(keys.format, "lrs-keys-v2");
  assert.notEqual(keys.pseudonym_key.id, oldKeys.pseudonym_key.id);
  assert.notEqual(keys.master_key.id, oldKeys.master_key.id);
  assert.deepEqual(keys.digest_key, oldKeys.digest_key); // statement content hashes survive
  assert.match(keys.store_id, /^[0-9a-f]{32}$/);
  assert.equal(keys.store_id, oldKeys.store_id); // still this store's key file
  assert.deepEqual(fs.readdirSync(lrs.keysDir), [path.basename(lrs.keyFile)]);
  for (const name of ["pseudonym_key", "master_key", "token_key"]) {
    assert.deepEqual(filesContaining(lrs.keysDir, oldKeys[name].secret), [], name);
  }
  for (const agent of [ada, bob]) {
    const before = pseudonymX(oldKeys.pseudonym_key.secret, mboxIfi(agent.mbox));
    const after = pseudonymX(keys.pseudonym_key.secret, mboxIfi(agent.mbox));
    assert.deepEqual(filesContaining(lrs.dataDir, before), [], agent.name);
    assert.notDeepEqual(filesContaining(lrs.dataDir, after), [], agent.name);
  }
  await lrs.restart();
});

test("a learner token and a more link issued before the rotation stop working", async () => {
  const me = await request(lrs, "/privacy/me", { auth: `Bearer ${tokenBefore}`, version: null });
  assert.equal(me.status, 401, me.text);
  const more = await request(lrs, moreBefore);
  assert.equal(more.status, 400, more.text);
});

test("the LMS reads every agent back as sent, the document included", async () => {
  const one = await lrs.client().getStatement({ statementId: oldId });
  assert.deepEqual(one.data.actor, ada);
  const group = await request(lrs, `/xapi/statements?statementId=${groupId}`);
  assert.equal(group.status, 200, group.text);
  assert.deepEqual(group.json.actor, groupStatement.actor);
  assert.deepEqual(group.json.context.team, team);
  const state = await request(lrs, `/xapi/activities/state?${stateQuery}`);
  assert.equal(state.status, 200, state.text);
  assert.deepEqual(state.json, { page: 7 });
});

test("an agent query finds the learner's statements from before and after together", async () => {
  const newer = { actor: ada, verb: VERBS.attempted, object: activity(t, 3) };
  const posted = await request(lrs, "/xapi/statements", { method: "POST", body: newer });
  assert.equal(posted.status, 200, posted.text);
  const found = await request(lrs, `/xapi/statements?agent=${encodeURIComponent(JSON.stringify({ mbox: ada.mbox }))}`);
  assert.equal(found.status, 200, found.text);
  const ids = found.json.statements.map((s) => s.id);
  assert.deepEqual(ids, [posted.json[0], groupId, oldId]);
  assert.deepEqual(found.json.statements[0].actor, ada);
  // The same learner by the SHA-1 of her mbox: the same three.
  const bySha1 = await request(lrs, `/xapi/statements?agent=${encodeURIComponent(JSON.stringify({ mbox_sha1sum: sha1(ada.mbox) }))}`);
  assert.deepEqual(bySha1.json.statements.map((s) => s.id), ids);
});

test("a statement stored before the rotation, sent again, is a no-op", async () => {
  const put = await request(lrs, `/xapi/statements?statementId=${oldId}`, { method: "PUT", body: oldStatement });
  assert.equal(put.status, 204, put.text);
  const post = await request(lrs, "/xapi/statements", { method: "POST", body: [oldStatement] });
  assert.equal(post.status, 200, post.text);
  assert.deepEqual(post.json, [oldId]);
  const changed = { ...oldStatement, verb: VERBS.attempted };
  const conflict = await request(lrs, `/xapi/statements?statementId=${oldId}`, { method: "PUT", body: changed });
  assert.equal(conflict.status, 409, conflict.text);
});
