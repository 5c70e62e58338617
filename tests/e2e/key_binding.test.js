// A key file belongs to one store (issue 14, finding 13). Two data
// directories side by side (TMP/data, the harness's, and TMP/b) used to share
// TMP/keys/lrs.key: the same pseudonyms, and a learner token of one worked on
// the other. Now each gets TMP/keys/<name>.key with a store id of its own; a
// token of one is refused by the other; a store pointed at another store's
// key file refuses to start with one line naming the fix (exit 2).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startLrs, addCredential, basicAuth, freePort, defaultKeyFile, LRS_BIN, REPO_ROOT } from "./lib/harness.js";
import { request } from "./lib/http.js";
import { tag, mboxAgent, simpleStatement } from "./lib/statements.js";

let a; // the harness's store, TMP/data
let bDir; // its sibling, TMP/b
let b; // a server on TMP/b: {baseUrl, auth, stop}

/** `lrs serve` on `dataDir` (extra args after), until stop(); resolves once it listens. */
async function serve(dataDir, extra = []) {
  const port = await freePort();
  const child = spawn(LRS_BIN, ["serve", "--listen", `127.0.0.1:${port}`, "--data", dataDir, ...extra], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), 20_000);
    const onData = (chunk) => {
      output += chunk;
      if (output.includes(`listening on http://127.0.0.1:${port}/xapi`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.stderr.setEncoding("utf8").on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`lrs serve exited (${code}): ${output}`));
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
    kill() {
      child.kill("SIGKILL");
    },
  };
}

function manifestWithKeyFile(keyFile) {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "manifests", "default.json"), "utf8"));
  manifest.key_file = keyFile;
  const file = path.join(a.root, "foreign-key-file-manifest.json");
  fs.writeFileSync(file, JSON.stringify(manifest));
  return file;
}

const readKeys = (file) => JSON.parse(fs.readFileSync(file, "utf8"));

before(async () => {
  a = await startLrs();
  bDir = path.join(a.root, "b");
  const cred = addCredential(bDir, "lms", "e2e-b");
  b = { ...(await serve(bDir)), auth: basicAuth(cred) };
});
after(async () => {
  await b?.stop();
  await a?.stop();
});

test("two stores in sibling directories get key files of their own, each naming its store", () => {
  assert.equal(a.keyFile, path.join(a.root, "keys", "data.key"));
  const bKeyFile = defaultKeyFile(bDir);
  assert.deepEqual(fs.readdirSync(path.join(a.root, "keys")).sort(), ["b.key", "data.key"]);
  const ka = readKeys(a.keyFile);
  const kb = readKeys(bKeyFile);
  assert.match(ka.store_id, /^[0-9a-f]{32}$/);
  assert.match(kb.store_id, /^[0-9a-f]{32}$/);
  assert.notEqual(ka.store_id, kb.store_id);
  for (const name of ["pseudonym_key", "master_key", "digest_key", "token_key"]) {
    assert.notEqual(ka[name].secret, kb[name].secret, name);
  }
});

test("a learner token of one store is refused by the other, and the learner has two pseudonyms", async () => {
  const learner = mboxAgent(tag());
  const token = async (lrs) => {
    const res = await request(lrs, "/privacy/tokens", { method: "POST", version: null, body: { agent: learner } });
    assert.equal(res.status, 200, res.text);
    return res.json.token;
  };
  const me = (lrs, t) => request(lrs, "/privacy/me", { auth: `Bearer ${t}`, version: null });
  for (const lrs of [a, b]) {
    const posted = await request(lrs, "/xapi/statements", { method: "POST", body: simpleStatement(tag(), { actor: learner }) });
    assert.equal(posted.status, 200, posted.text);
  }
  const [ta, tb] = [await token(a), await token(b)];
  const [meA, meB] = [await me(a, ta), await me(b, tb)];
  assert.equal(meA.status, 200, meA.text);
  assert.equal(meB.status, 200, meB.text);
  assert.notEqual(meA.json.pseudonym, meB.json.pseudonym);
  assert.equal((await me(b, ta)).status, 401);
  assert.equal((await me(a, tb)).status, 401);
});

test("a store pointed at another store's key file refuses to start: exit 2, one line naming the fix", async () => {
  await b.stop();
  try {
    const run = spawnSync(LRS_BIN, ["serve", "--listen", `127.0.0.1:${await freePort()}`, "--data", bDir, "--manifest", manifestWithKeyFile(a.keyFile)], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 15_000,
    });
    assert.equal(run.status, 2, `${run.stdout}${run.stderr}`);
    const lines = run.stderr.trim().split("\n");
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], /^lrs: /);
    assert.ok(lines[0].includes(a.keyFile), lines[0]);
    assert.match(lines[0], /key file/);
    // A fresh directory pointed at it is refused too, by its store id.
    const fresh = path.join(a.root, "fresh");
    const again = spawnSync(LRS_BIN, ["serve", "--listen", `127.0.0.1:${await freePort()}`, "--data", fresh, "--manifest", manifestWithKeyFile(a.keyFile)], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 15_000,
    });
    assert.equal(again.status, 2, `${again.stdout}${again.stderr}`);
    assert.equal(again.stderr.trim().split("\n").length, 1, again.stderr);
    assert.match(again.stderr, /belongs to another store/);
    assert.match(again.stderr, /key_file in the manifest/);
    // And the key file's own store still starts.
    await a.restart();
    assert.equal((await request(a, "/xapi/about")).status, 200);
  } finally {
    b = { ...(await serve(bDir)), auth: b.auth };
  }
});
