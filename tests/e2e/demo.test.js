// `lrs demo` (plugin/cli/demo_command.cc): fills a store through the same
// door as the API, so what an LMS reads back is what the demo sent, and no
// learner's address or name reaches disk in the clear.
//
// What it proves: the demo's statements pass validation and are stored
// (the count it prints is what the Statements API pages through), identities
// come back unsealed for the LMS, the cohort extensions arrive, a second fill
// of the same store is refused, and no e-mail address (any "@corp.example")
// nor any learner's name is in any file under the data and keys directories.
// What it does not: the shape of the traffic (tests/plugin/demo/traffic_test.cc).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startLrs, LRS_BIN, REPO_ROOT } from "./lib/harness.js";
import { request } from "./lib/http.js";
import { filesUnder, agentNeedles, identitiesOnDisk } from "./lib/disk.js";

const DEPARTMENT = "https://lrs.example/extensions/department";
const ROLE = "https://lrs.example/extensions/role";
const SITE = "https://lrs.example/extensions/site";

let lrs;
let printed;

function demo(dataDir, extra = []) {
  return spawnSync(
    LRS_BIN,
    ["demo", "--data", dataDir, "--learners", "60", "--days", "14", "--seed", "7", ...extra],
    { cwd: REPO_ROOT, encoding: "utf8", timeout: 120_000 },
  );
}

// Every statement the LMS can read, following `more`.
async function allStatements() {
  const out = [];
  let next = "/xapi/statements?limit=500";
  while (next) {
    const res = await request(lrs, next, { auth: lrs.auth });
    assert.equal(res.status, 200, res.text);
    out.push(...res.json.statements);
    next = res.json.more ? res.json.more.replace(/^.*?\/xapi\//, "/xapi/") : "";
  }
  return out;
}

before(async () => {
  // The harness makes the store with its credentials and starts a server;
  // the demo needs the store to itself (the data directory lock), as
  // `make run` runs it before serving.
  lrs = await startLrs();
  await lrs.shutdown();
  const run = demo(lrs.dataDir);
  assert.equal(run.status, 0, `lrs demo failed: ${run.stderr}`);
  printed = run.stdout;
  await lrs.restart();
});

after(async () => {
  if (lrs) await lrs.stop();
});

test("the demo prints one line: statements, learners, seconds", () => {
  assert.match(printed, /^lrs: demo: \d+ statements, 60 learners, [\d.]+ seconds\n$/);
});

test("no progress bar when stderr is not a terminal", () => {
  // before() ran it with stderr on a pipe; a second run on this store is
  // refused, so run a fresh one into a temp dir and read its stderr.
  const dir = fs.mkdtempSync(path.join(lrs.root, "second-"));
  const run = demo(path.join(dir, "data"), ["--learners", "5"]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, "");
  fs.rmSync(dir, { recursive: true, force: true });
});

test("the LMS reads back every statement the demo stored, identities unsealed", async () => {
  const count = Number(/(\d+) statements/.exec(printed)[1]);
  assert.ok(count > 300, `only ${count} statements for 60 learners`);
  const statements = await allStatements();
  assert.equal(statements.length, count);
  const learners = new Set();
  const verbs = new Set();
  const departments = new Set();
  let withScore = 0;
  let answers = 0;
  for (const s of statements) {
    assert.match(s.actor.mbox, /^mailto:[a-z]+\.[a-z]+\.\d+@corp\.example$/);
    assert.ok(s.actor.name, "the display name is kept and unsealed for the LMS");
    learners.add(s.actor.mbox);
    verbs.add(s.verb.id);
    const ext = s.context.extensions;
    assert.ok(ext[DEPARTMENT], "every statement names the learner's department");
    departments.add(ext[DEPARTMENT]);
    if (s.result?.score) withScore++;
    if (s.object.definition?.type === "http://adlnet.gov/expapi/activities/cmi.interaction") {
      assert.ok(["choice", "true-false", "likert"].includes(s.object.definition.interactionType));
      assert.equal(typeof s.result.response, "string");
      answers++;
    }
    assert.ok(Date.parse(s.timestamp) <= Date.now());
    assert.ok(Date.parse(s.timestamp) >= Date.now() - 15 * 86_400_000);
  }
  assert.ok(learners.size >= 50 && learners.size <= 60, `${learners.size} learners`);
  for (const v of ["launched", "initialized", "completed", "terminated", "answered"]) {
    assert.ok(verbs.has(`http://adlnet.gov/expapi/verbs/${v}`), `no ${v} statement`);
  }
  assert.ok(verbs.has("http://adlnet.gov/expapi/verbs/passed"));
  assert.ok(withScore > 0 && answers > 0);
  assert.ok(departments.size >= 5, `${departments.size} departments`);
  assert.ok(statements.some((s) => s.context.extensions[ROLE]));
  assert.ok(statements.some((s) => s.context.extensions[SITE]));
});

test("no e-mail address nor learner name anywhere on disk under the store", async () => {
  const statements = await allStatements();
  const agents = new Map();
  for (const s of statements) agents.set(s.actor.mbox, s.actor);
  const needles = ["@corp.example", ...[...agents.values()].flatMap(agentNeedles)];
  assert.deepEqual(identitiesOnDisk(lrs, needles), []);
  // And grep's view of it, every file byte for byte.
  const files = [lrs.dataDir, lrs.keysDir].flatMap(filesUnder);
  assert.ok(files.some((f) => f.endsWith("lrs.db")));
  const grep = spawnSync("grep", ["-rl", "--binary-files=text", "@corp.example", lrs.dataDir, lrs.keysDir]);
  assert.equal(grep.stdout.toString(), "", "grep found an address");
});

test("a second fill of the same store is refused", async () => {
  await lrs.shutdown();
  const run = demo(lrs.dataDir);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /already holds statements/);
  await lrs.restart();
  const count = Number(/(\d+) statements/.exec(printed)[1]);
  assert.equal((await allStatements()).length, count);
});

test("the demo refuses a store a server is using", () => {
  const run = demo(lrs.dataDir);
  assert.equal(run.status, 2, run.stderr);
});

test("usage errors exit 2 and name the flag", () => {
  const run = spawnSync(LRS_BIN, ["demo", "--learners", "0"], { cwd: REPO_ROOT, encoding: "utf8" });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /--learners/);
  const help = execFileSync(LRS_BIN, ["demo", "--help"], { cwd: REPO_ROOT, encoding: "utf8" });
  assert.match(help, /lrs demo \[--data DIR\] \[--learners 2000\] \[--days 90\] \[--seed N\]/);
});
