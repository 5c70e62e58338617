// Starts the real `lrs` binary for an end-to-end test and hands back what a
// client needs: the endpoint, Basic auth for an LMS and an analyst credential,
// and stop() / kill9() / restart().
//
// Invariants:
// - Servers listen on 127.0.0.1 only, on a port picked free just before spawn.
// - Every server started here is killed when the test process exits, whatever
//   happened (after() hooks call stop(); an 'exit'/signal hook SIGKILLs any
//   survivor), so a failed test never leaves an lrs behind.
// - Each server has its own temp dir laid out as TMP/data (the --data dir) and
//   TMP/keys (where `lrs` puts the key file by default, beside the data dir:
//   TMP/keys/data.key, named after the data dir, so each store has its own).
//   The dir is removed by stop() unless LRS_E2E_KEEP=1.

import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import XAPI from "@xapi/xapi";

const here = path.dirname(fileURLToPath(import.meta.url));
export const E2E_DIR = path.resolve(here, "..");
export const REPO_ROOT = path.resolve(E2E_DIR, "..", "..");
export const LRS_BIN = path.resolve(
  E2E_DIR,
  process.env.LRS_BIN || path.join("..", "..", "build", "lrs"),
);
export const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

// The servers are on loopback: never send their traffic through a proxy that
// the environment may name (axios honours HTTP_PROXY unless NO_PROXY says so).
for (const name of ["NO_PROXY", "no_proxy"]) {
  process.env[name] = [process.env[name], "127.0.0.1", "localhost"].filter(Boolean).join(",");
}

const live = new Set();
function killAllNow() {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  live.clear();
}
process.on("exit", killAllNow);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.once(sig, () => {
    killAllNow();
    process.exit(128 + (os.constants.signals[sig] || 0));
  });
}

export function assertBinaryExists() {
  if (!fs.existsSync(LRS_BIN)) {
    throw new Error(
      `lrs binary not found at ${LRS_BIN}: build it first (or set LRS_BIN)`,
    );
  }
}

/** Runs `lrs credentials add` and returns {key, secret}. */
export function addCredential(dataDir, role, name) {
  const out = execFileSync(
    LRS_BIN,
    ["credentials", "add", "--role", role, "--name", name, "--data", dataDir, "--json"],
    { cwd: REPO_ROOT, encoding: "utf8", timeout: 20_000, stdio: ["ignore", "pipe", "pipe"] },
  );
  let cred;
  try {
    cred = JSON.parse(out.trim());
  } catch (e) {
    throw new Error(`credentials add --json printed something other than one JSON object: ${JSON.stringify(out)}`);
  }
  if (typeof cred.key !== "string" || typeof cred.secret !== "string" || !cred.key || !cred.secret) {
    throw new Error(`credentials add returned no key/secret: ${out}`);
  }
  return cred;
}

export function basicAuth({ key, secret }) {
  return "Basic " + Buffer.from(`${key}:${secret}`, "utf8").toString("base64");
}

/** Where `lrs` keeps the key file of a data dir by default: DIR/../keys/<name of DIR>.key. */
export function defaultKeyFile(dataDir) {
  return path.join(path.dirname(dataDir), "keys", `${path.basename(dataDir)}.key`);
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function spawnServer(dataDir, port, extraArgs) {
  const args = ["serve", "--listen", `127.0.0.1:${port}`, "--data", dataDir, ...extraArgs];
  if (process.env.LRS_MANIFEST && !extraArgs.includes("--manifest")) {
    args.push("--manifest", path.resolve(process.env.LRS_MANIFEST));
  }
  const child = spawn(LRS_BIN, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  const log = { out: "", err: "" };
  const exited = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  const wanted = `listening on http://127.0.0.1:${port}/xapi`;
  const ready = new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      child.kill("SIGKILL");
      reject(new Error(`lrs serve did not print "${wanted}" within ${READY_TIMEOUT_MS} ms\nstdout: ${log.out}\nstderr: ${log.err}`));
    }, READY_TIMEOUT_MS);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      log.out += chunk;
      if (!done && log.out.includes(wanted)) {
        done = true;
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr.on("data", (chunk) => {
      log.err += chunk;
    });
    exited.then(({ code, signal }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`lrs serve exited (code ${code}, signal ${signal}) before it was ready\nstdout: ${log.out}\nstderr: ${log.err}`));
    });
  });
  return { child, log, exited, ready };
}

/**
 * Starts `lrs serve` in a fresh temp dir.
 * options.args: extra arguments for `serve` (e.g. ["--max-body-bytes", "65536"]).
 * Returns a handle; endpoint and port change on restart().
 */
export async function startLrs(options = {}) {
  assertBinaryExists();
  const extraArgs = options.args || [];
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "lrs-e2e-"));
  const dataDir = path.join(root, "data");
  const keysDir = path.join(root, "keys");
  const keyFile = defaultKeyFile(dataDir);
  const lmsCred = addCredential(dataDir, "lms", "e2e-lms");
  const analystCred = addCredential(dataDir, "analyst", "e2e-analyst");
  const adminCred = addCredential(dataDir, "admin", "e2e-admin");

  let server = null;
  let port = 0;
  const logs = [];

  async function launch() {
    let lastErr;
    for (let attempt = 0; attempt < 3; attempt++) {
      port = await freePort();
      const s = spawnServer(dataDir, port, extraArgs);
      logs.push(s.log);
      try {
        await s.ready;
        server = s;
        return;
      } catch (e) {
        lastErr = e;
        await s.exited;
      }
    }
    throw lastErr;
  }

  async function waitExit(s, signal) {
    if (!s) return null;
    if (s.child.exitCode !== null || s.child.signalCode !== null) return s.exited;
    s.child.kill(signal);
    const timer = setTimeout(() => s.child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    const result = await s.exited;
    clearTimeout(timer);
    return result;
  }

  await launch();

  const handle = {
    root,
    dataDir,
    keysDir,
    keyFile,
    lmsCred,
    analystCred,
    adminCred,
    get port() {
      return port;
    },
    get baseUrl() {
      return `http://127.0.0.1:${port}`;
    },
    /** The xAPI endpoint, with a trailing slash as @xapi/xapi wants it. */
    get endpoint() {
      return `http://127.0.0.1:${port}/xapi/`;
    },
    get pid() {
      return server ? server.child.pid : null;
    },
    auth: basicAuth(lmsCred),
    analystAuth: basicAuth(analystCred),
    adminAuth: basicAuth(adminCred),
    /** Everything the server printed so far (all runs), stdout then stderr. */
    output() {
      return logs.map((l) => l.out + l.err).join("\n");
    },
    /** An @xapi/xapi client for this server (LMS credential unless auth given). */
    client(auth = handle.auth, version = "1.0.3") {
      return new XAPI({ endpoint: handle.endpoint, auth, version });
    },
    /** SIGTERM, wait (SIGKILL after 10 s); returns {code, signal}. Keeps the data. */
    async shutdown() {
      const s = server;
      server = null;
      return waitExit(s, "SIGTERM");
    },
    /** SIGKILL right now; returns {code, signal}. */
    async kill9() {
      const s = server;
      server = null;
      return waitExit(s, "SIGKILL");
    },
    /** Starts the server again on the same data dir (on a new free port). */
    async restart() {
      if (server) await handle.shutdown();
      await launch();
      return handle;
    },
    /** Stops the server and removes the temp dir (unless LRS_E2E_KEEP=1). */
    async stop() {
      const result = await handle.shutdown();
      if (process.env.LRS_E2E_KEEP !== "1") {
        fs.rmSync(root, { recursive: true, force: true });
      } else {
        process.stderr.write(`kept ${root}\n`);
      }
      return result;
    },
  };
  return handle;
}
