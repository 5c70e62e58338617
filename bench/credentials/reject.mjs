// Time to reject a wrong secret, for a known key and for an unknown key
// (issue 15, finding 11), and the cost of a right secret's check.
//
//   node bench/credentials/reject.mjs LRS_BIN [N]
//
// Starts LRS_BIN on a fresh data directory on 127.0.0.1, makes one lms
// credential, then sends N sequential GET /xapi/activities?activityId=... (no audit entry, a
// small read) for each
// case and prints the mean and p99 latency and the server's CPU time per
// request (utime + stime from /proc/PID/stat). Each failing request comes
// from its own loopback address (127.1.x.y) so that the failure limiter of
// newer servers answers 401, not 429: the figure is the cost of the check.
// A last case sends every wrong secret from one address over one keep-alive
// connection: what a single guesser gets (429 after 10 on newer servers).
// Uses only Node's standard library; loopback only; stops the server itself.

import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

const bin = path.resolve(process.argv[2] || "build/lrs");
const n = Number(process.argv[3] || 2000);
const root = fs.mkdtempSync(path.join(os.tmpdir(), "lrs-bench-credentials-"));
const data = path.join(root, "data");
const cred = JSON.parse(
  execFileSync(bin, ["credentials", "add", "--role", "lms", "--name", "bench", "--data", data, "--json"], {
    encoding: "utf8",
  }),
);
const port = 20000 + Math.floor(Math.random() * 20000);
const server = spawn(bin, ["serve", "--listen", `127.0.0.1:${port}`, "--data", data], { stdio: ["ignore", "pipe", "inherit"] });
await new Promise((resolve, reject) => {
  server.stdout.on("data", (chunk) => chunk.toString().includes("listening") && resolve());
  server.on("exit", () => reject(new Error("server exited")));
  setTimeout(() => reject(new Error("server not ready")), 20000);
});

const ticks = () => {
  const fields = fs.readFileSync(`/proc/${server.pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]);  // utime + stime, clock ticks
};
const hz = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
const auth = (key, secret) => "Basic " + Buffer.from(`${key}:${secret}`).toString("base64");

function get(header, localAddress, agent) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/xapi/activities?activityId=http%3A%2F%2Fexample.org%2Fa", localAddress, agent,
        headers: { Authorization: header, "X-Experience-API-Version": "1.0.3" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function run(label, header, expected, rotateAddress) {
  const agent = rotateAddress ? undefined : new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times = [];
  const statuses = {};
  const before = ticks();
  for (let i = 0; i < n; i++) {
    const address = rotateAddress ? `127.1.${Math.floor(i / 250) % 250}.${(i % 250) + 1}` : undefined;
    const start = process.hrtime.bigint();
    const status = await get(header, address, agent);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    statuses[status] = (statuses[status] || 0) + 1;
  }
  const cpuMs = ((ticks() - before) / hz) * 1000;
  agent?.destroy();
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / n;
  console.log(
    `${label.padEnd(26)} n=${n} status=${JSON.stringify(statuses)} mean=${mean.toFixed(3)} ms ` +
      `p99=${times[Math.floor(n * 0.99)].toFixed(3)} ms server_cpu=${(cpuMs / n).toFixed(3)} ms/request`,
  );
  if (!statuses[expected]) console.log(`  (expected ${expected})`);
}

try {
  await run("wrong secret, known key", auth(cred.key, "0".repeat(48)), 401, true);
  await run("wrong secret, unknown key", auth("00000000000000000000", "0".repeat(48)), 401, true);
  await run("right secret (keep-alive)", auth(cred.key, cred.secret), 200, false);
  // One address guessing: 401 for the first 10, then 429 (newer servers).
  await run("wrong secret, one address", auth(cred.key, "1".repeat(48)), 429, false);
} finally {
  server.kill("SIGTERM");
  await new Promise((r) => server.on("exit", r));
  fs.rmSync(root, { recursive: true, force: true });
}
