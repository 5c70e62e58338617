// Issue 15, findings 11-14 against the real binary: `lrs credentials
// list|revoke|rotate` and --scope, the /admin/credentials API, a revoked or
// rotated secret failing on the very next request while the server runs,
// failed attempts limited per address (429) without locking out the right
// secret from elsewhere, and the modes of every file in the data directory
// under umask 000.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { startLrs, basicAuth, LRS_BIN, REPO_ROOT } from "./lib/harness.js";
import { request, isErrorBody } from "./lib/http.js";
import { tag, simpleStatement } from "./lib/statements.js";

let lrs;
before(async () => {
  lrs = await startLrs();
});
after(async () => {
  await lrs?.stop();
});

function cli(args) {
  return spawnSync(LRS_BIN, ["credentials", ...args, "--data", lrs.dataDir], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 20_000,
  });
}

function cliJson(args) {
  const run = cli([...args, "--json"]);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim());
}

const getStatements = (auth) => request(lrs, "/xapi/statements?limit=1", { auth });

/** GET /xapi/statements from a chosen local address (127.0.0.0/8 is all loopback). */
function getFrom(localAddress, auth) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: lrs.port,
        path: "/xapi/statements?limit=1",
        localAddress,
        headers: { Authorization: auth, "X-Experience-API-Version": "1.0.3" },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

test("credentials add --json prints exactly {key, secret}; --scope is repeatable or comma-separated", () => {
  const run = cli(["add", "--role", "lms", "--name", "scoped", "--scope", "statements/write,state", "--scope", "profile", "--json"]);
  assert.equal(run.status, 0, run.stderr);
  const created = JSON.parse(run.stdout);
  assert.deepEqual(Object.keys(created).sort(), ["key", "secret"]);
  const listed = cliJson(["list"]).credentials.find((c) => c.key === created.key);
  assert.deepEqual(listed.scopes, ["statements/write", "state", "profile"]);
  assert.equal(listed.role, "lms");
  assert.equal(listed.name, "scoped");
  assert.match(listed.created, /^\d{4}-\d\d-\d\dT/);
  const bad = cli(["add", "--role", "lms", "--name", "x", "--scope", "everything"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown scope/);
});

test("credentials list prints key, role, name, scopes and created, never a secret", () => {
  const run = cli(["list"]);
  assert.equal(run.status, 0, run.stderr);
  for (const cred of [lrs.lmsCred, lrs.analystCred, lrs.adminCred]) {
    assert.ok(run.stdout.includes(cred.key), run.stdout);
    assert.ok(!run.stdout.includes(cred.secret), "a secret was listed");
  }
  assert.match(run.stdout, /KEY\s+ROLE\s+CREATED\s+SCOPES\s+NAME/);
  assert.match(run.stdout, /e2e-lms/);
});

test("a secret revoked by the CLI fails on the very next request while the server runs", async () => {
  const cred = cliJson(["add", "--role", "lms", "--name", "to-revoke"]);
  const auth = basicAuth(cred);
  assert.equal((await getStatements(auth)).status, 200);
  assert.equal((await getStatements(auth)).status, 200);
  const run = cli(["revoke", cred.key]);
  assert.equal(run.status, 0, run.stderr);
  const next = await getStatements(auth);
  assert.equal(next.status, 401, next.text);
  assert.ok(isErrorBody(next.json, 401), next.text);
  const again = cli(["revoke", cred.key]);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /no credential/);
});

test("a secret rotated by the CLI fails at once; the new one, printed once, works", async () => {
  const cred = cliJson(["add", "--role", "lms", "--name", "to-rotate"]);
  assert.equal((await getStatements(basicAuth(cred))).status, 200);
  const rotated = cliJson(["rotate", cred.key]);
  assert.deepEqual(Object.keys(rotated).sort(), ["key", "secret"]);
  assert.equal(rotated.key, cred.key);
  assert.notEqual(rotated.secret, cred.secret);
  assert.equal((await getStatements(basicAuth(cred))).status, 401);
  assert.equal((await getStatements(basicAuth(rotated))).status, 200);
  assert.equal(cli(["rotate", "no-such-key"]).status, 2);
});

test("the admin API creates, lists, rotates and revokes; others get 401 or 403", async () => {
  assert.equal((await request(lrs, "/admin/credentials", { auth: null })).status, 401);
  const forbidden = await request(lrs, "/admin/credentials", { auth: lrs.auth });
  assert.equal(forbidden.status, 403);
  assert.ok(isErrorBody(forbidden.json, 403), forbidden.text);

  const created = await request(lrs, "/admin/credentials", {
    method: "POST",
    auth: lrs.adminAuth,
    body: { role: "lms", name: "via-api", scopes: ["statements/read/mine", "statements/write"] },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.headers.get("cache-control"), "no-store");
  const cred = created.json;
  const statement = simpleStatement(tag());
  const posted = await request(lrs, "/xapi/statements", { method: "POST", auth: basicAuth(cred), body: statement });
  assert.equal(posted.status, 200, posted.text);
  // read/mine: only its own statement comes back, though the store holds others'.
  await request(lrs, "/xapi/statements", { method: "POST", body: simpleStatement(tag()) });
  const mine = await request(lrs, "/xapi/statements?limit=100", { auth: basicAuth(cred) });
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual(mine.json.statements.map((s) => s.id), posted.json);

  const listed = await request(lrs, "/admin/credentials", { auth: lrs.adminAuth });
  assert.equal(listed.status, 200);
  assert.ok(listed.json.credentials.some((c) => c.key === cred.key && c.name === "via-api"));
  assert.ok(!listed.text.includes(cred.secret));

  const rotated = await request(lrs, `/admin/credentials/${cred.key}/rotate`, { method: "POST", auth: lrs.adminAuth, body: {} });
  assert.equal(rotated.status, 200, rotated.text);
  assert.equal((await getStatements(basicAuth(cred))).status, 401);
  assert.equal((await getStatements(basicAuth(rotated.json))).status, 200);

  const removed = await request(lrs, `/admin/credentials/${cred.key}`, { method: "DELETE", auth: lrs.adminAuth });
  assert.equal(removed.status, 204);
  assert.equal((await getStatements(basicAuth(rotated.json))).status, 401);
  assert.equal((await request(lrs, `/admin/credentials/${cred.key}`, { method: "DELETE", auth: lrs.adminAuth })).status, 404);
});

test("a credential's scopes are enforced: 403 naming the missing scope", async () => {
  const writer = cliJson(["add", "--role", "lms", "--name", "writer", "--scope", "statements/write"]);
  const read = await getStatements(basicAuth(writer));
  assert.equal(read.status, 403, read.text + JSON.stringify(writer));
  assert.ok(isErrorBody(read.json, 403), read.text);
  assert.match(read.json.message, /statements\/read/);
  const posted = await request(lrs, "/xapi/statements", { method: "POST", auth: basicAuth(writer), body: simpleStatement(tag()) });
  assert.equal(posted.status, 200, posted.text);
});

test("failed attempts from one address are 429 with Retry-After; the right secret from another address works", async () => {
  const cred = cliJson(["add", "--role", "lms", "--name", "limited"]);
  const wrong = basicAuth({ key: cred.key, secret: "wrong" });
  let last;
  for (let i = 0; i < 10; i++) last = await getFrom("127.0.0.3", wrong);
  assert.equal(last.status, 401);
  const blocked = await getFrom("127.0.0.3", basicAuth(cred));
  assert.equal(blocked.status, 429, blocked.text);
  assert.ok(Number(blocked.headers["retry-after"]) >= 1, JSON.stringify(blocked.headers));
  assert.ok(isErrorBody(JSON.parse(blocked.text), 429), blocked.text);
  const elsewhere = await getFrom("127.0.0.4", basicAuth(cred));
  assert.equal(elsewhere.status, 200, elsewhere.text);
});

test("under umask 000 the data directory is 0700 and every file in it 0600, the key file too", async () => {
  const previous = process.umask(0);
  let open;
  try {
    open = await startLrs();
    // Something in every file: a statement, a document, an audit entry.
    const t = tag();
    assert.equal((await request(open, "/xapi/statements", { method: "POST", body: simpleStatement(t) })).status, 200);
    assert.equal((await request(open, "/xapi/statements?limit=1")).status, 200);
    const mode = (p) => fs.statSync(p).mode & 0o777;
    assert.equal(mode(open.dataDir).toString(8), "700");
    const files = fs.readdirSync(open.dataDir);
    for (const name of ["lrs.db", "lrs.db-wal", "lrs.db-shm", "keystore.db", "lrs.lock"]) {
      assert.ok(files.includes(name), `${name} in ${files}`);
    }
    for (const name of files) {
      assert.equal(mode(path.join(open.dataDir, name)).toString(8), "600", name);
    }
    assert.equal(mode(open.keyFile).toString(8), "600");
    assert.equal(mode(open.keysDir).toString(8), "700");
  } finally {
    process.umask(previous);
    await open?.stop();
  }
});
