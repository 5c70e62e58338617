// Hostile-client benchmark for the HTTP layer (issue 15). Starts `lrs serve`
// on a free loopback port with a fresh data dir and measures two scenarios:
//
//  load:     1,000 slow-body connections (headers with Content-Length, then a
//            body byte every few seconds) and 2,000 idle kept-alive ones are
//            held open while a probe (GET /xapi/about on a new connection)
//            runs PROBES times: its p50/p99/max latency, and the server's
//            RSS before and at its highest while they are open.
//  fdlimit:  the server under `prlimit --nofile=256`; 400 connections that
//            never send a byte; the server's CPU over CPU_SECONDS, then how
//            long new clients wait for an answer.
//
// Usage: node bench/http/hostile.mjs [load|fdlimit|all]
// Environment: LRS_BIN (default build/lrs), SLOW=1000, IDLE=2000, PROBES=500,
//              FD_LIMIT=256, FD_IDLE=400, CPU_SECONDS=5, PROBE_TIMEOUT_MS=5000
// Prints one JSON object per scenario. Loopback only; everything it starts is
// killed when it ends.

import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const LRS = path.resolve(REPO, process.env.LRS_BIN || "build/lrs");
const env = (name, fallback) => Number(process.env[name] || fallback);
const SLOW = env("SLOW", 1000);
const IDLE = env("IDLE", 2000);
const PROBES = env("PROBES", 500);
const FD_LIMIT = env("FD_LIMIT", 256);
const FD_IDLE = env("FD_IDLE", 400);
const CPU_SECONDS = env("CPU_SECONDS", 5);
const PROBE_TIMEOUT_MS = env("PROBE_TIMEOUT_MS", 5000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const children = new Set();
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));

function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startServer(prlimitArgs) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "lrs-hostile-"));
  const data = path.join(root, "data");
  execFileSync(LRS, ["credentials", "add", "--role", "lms", "--name", "bench", "--data", data, "--json"], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await freePort();
  const args = ["serve", "--listen", `127.0.0.1:${port}`, "--data", data];
  const child = prlimitArgs
    ? spawn("prlimit", [...prlimitArgs, LRS, ...args], { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] })
    : spawn(LRS, args, { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
  children.add(child);
  await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (c) => {
      out += c;
      if (out.includes("listening on")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`lrs exited ${code}`)));
  });
  const stop = async () => {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await new Promise((r) => child.once("exit", r));
    clearTimeout(timer);
    children.delete(child);
    fs.rmSync(root, { recursive: true, force: true });
  };
  // prlimit execs lrs, so the child's pid is the server's.
  return { port, pid: child.pid, stop };
}

function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m[1]) * 1024;
}

function cpuTicks(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime, stime
}

function open(port, first) {
  return new Promise((resolve) => {
    const sock = net.connect(port, "127.0.0.1");
    sock.on("error", () => {});
    sock.once("connect", () => {
      if (first) sock.write(first);
      resolve(sock);
    });
    sock.once("close", () => resolve(sock));
  });
}

/** One GET /xapi/about on a new connection; resolves with ms, or null on timeout/close. */
function probe(port) {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const sock = net.connect(port, "127.0.0.1");
    let data = "";
    const done = (v) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(null), PROBE_TIMEOUT_MS);
    sock.on("error", () => done(null));
    sock.on("close", () => done(null));
    sock.on("connect", () =>
      sock.write("GET /xapi/about HTTP/1.1\r\nHost: b\r\nX-Experience-API-Version: 1.0.3\r\nConnection: close\r\n\r\n"),
    );
    sock.on("data", (c) => {
      data += c;
      if (/^HTTP\/1\.1 200/.test(data) && data.includes("\r\n\r\n") && data.endsWith("}")) {
        done(Number(process.hrtime.bigint() - start) / 1e6);
      }
    });
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function load() {
  const server = await startServer(["--nofile=8192:8192"]);
  for (let i = 0; i < 20; i++) await probe(server.port);
  const rssBefore = rssBytes(server.pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssBytes(server.pid));
  }, 100);
  const about = "GET /xapi/about HTTP/1.1\r\nHost: b\r\nX-Experience-API-Version: 1.0.3\r\n\r\n";
  const slow = [];
  for (let i = 0; i < SLOW; i++) {
    slow.push(await open(server.port, "POST /xapi/statements HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\n" +
      "X-Experience-API-Version: 1.0.3\r\nContent-Length: 1000000\r\n\r\n["));
  }
  const idle = [];
  for (let i = 0; i < IDLE; i++) idle.push(await open(server.port, about));
  // A body byte every 5 s keeps the slow ones under the body timeout.
  const trickle = setInterval(() => slow.forEach((s) => !s.destroyed && s.write(" ")), 5000);
  await sleep(500);
  const latencies = [];
  let failed = 0;
  for (let i = 0; i < PROBES; i++) {
    const ms = await probe(server.port);
    if (ms === null) failed++;
    else latencies.push(ms);
    await sleep(10);
  }
  const openSlow = slow.filter((s) => !s.destroyed).length;
  const openIdle = idle.filter((s) => !s.destroyed).length;
  clearInterval(trickle);
  clearInterval(sampler);
  latencies.sort((a, b) => a - b);
  [...slow, ...idle].forEach((s) => s.destroy());
  await server.stop();
  return {
    scenario: "load",
    slow: SLOW,
    idle: IDLE,
    still_open_at_end: { slow: openSlow, idle: openIdle },
    probes: PROBES,
    probes_failed: failed,
    p50_ms: latencies.length ? +percentile(latencies, 50).toFixed(2) : null,
    p99_ms: latencies.length ? +percentile(latencies, 99).toFixed(2) : null,
    max_ms: latencies.length ? +latencies[latencies.length - 1].toFixed(2) : null,
    rss_before_mb: +(rssBefore / 2 ** 20).toFixed(1),
    rss_peak_mb: +(rssPeak / 2 ** 20).toFixed(1),
    rss_growth_mb: +((rssPeak - rssBefore) / 2 ** 20).toFixed(1),
  };
}

async function fdlimit() {
  const server = await startServer([`--nofile=${FD_LIMIT}:${FD_LIMIT}`]);
  const idle = [];
  for (let i = 0; i < FD_IDLE; i++) idle.push(await open(server.port, null));
  await sleep(500);
  const ticks = 100; // USER_HZ on Linux
  const before = cpuTicks(server.pid);
  await sleep(CPU_SECONDS * 1000);
  const cpu = (cpuTicks(server.pid) - before) / (CPU_SECONDS * ticks);
  const stillOpen = idle.filter((s) => !s.destroyed).length;
  const waits = [];
  for (let i = 0; i < 10; i++) waits.push(await probe(server.port));
  idle.forEach((s) => s.destroy());
  await server.stop();
  const served = waits.filter((w) => w !== null);
  return {
    scenario: "fdlimit",
    fd_limit: FD_LIMIT,
    idle: FD_IDLE,
    idle_still_open: stillOpen,
    cpu_percent_of_a_core: +(cpu * 100).toFixed(1),
    new_clients_served: `${served.length}/10`,
    new_client_max_ms: served.length ? +Math.max(...served).toFixed(2) : null,
  };
}

const which = process.argv[2] || "all";
if (which === "load" || which === "all") console.log(JSON.stringify(await load()));
if (which === "fdlimit" || which === "all") console.log(JSON.stringify(await fdlimit()));
process.exit(0);
