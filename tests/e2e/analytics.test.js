// The analytics API (issue 16) against the real binary: statements posted
// through /xapi by an lms credential, tables read by an analyst credential
// made with `lrs credentials add --role analyst`.
//  - each route and role: no credential 401; lms, admin and learner tokens
//    403; the 400s name the parameter; an unknown table 404;
//  - the answer shapes of the catalogue, a table and POST /admin/epoch, and
//    CSV carrying exactly the JSON rows;
//  - every read in the audit trail with its purpose, and no parameter value;
//  - epochs: a statement ingested mid-epoch changes nothing until POST
//    /admin/epoch, repeats within an epoch are byte-identical;
//  - erasure and a withdrawal of consent for analytics reach the next epoch;
//  - `lrs purge` past the facts' retention keeps old periods' counts (the
//    roll-up), with no analytics fact left.
// What it does not prove: the protection itself (suppression, the attacker's
// integer program): that is the analytics library's and the attacker test's.
// The numbers checked here are of the `active` table on one department, which
// has no sensitive category and no small cell, so none of them is hidden.

import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startLrs, LRS_BIN, REPO_ROOT } from "./lib/harness.js";
import { request, isErrorBody } from "./lib/http.js";
import { tag, mboxAgent, VERBS } from "./lib/statements.js";

const DEPARTMENT = "https://lrs.invalid/cohort/department";
const COURSE = (t) => `https://courses.example.org/e2e/${t}/course`;

/** The default manifest with k = 2 and one cohort dimension, department. */
function analyticsManifest(analytics = { epoch_hours: 24, pass_mark: 0.5, required: [] }) {
  const m = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "manifests", "default.json"), "utf8"));
  m.k = 2;
  m.cohort_dimensions = [{ id: "department", source: `context.extensions.${DEPARTMENT}` }];
  m.analytics = analytics;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lrs-analytics-")), "manifest.json");
  fs.writeFileSync(file, JSON.stringify(m));
  return file;
}

function call(lrs, method, pathAndQuery, { auth = lrs.analystAuth, body } = {}) {
  return request(lrs, pathAndQuery, { method, auth, body, version: null });
}

/** One learner's day on the course: attempted, then completed and passed. */
function learnerStatements(t, agent, when) {
  const object = {
    objectType: "Activity",
    id: COURSE(t),
    definition: { name: { "en-US": `Course ${t}` }, type: "http://adlnet.gov/expapi/activities/course" },
  };
  const context = { extensions: { [DEPARTMENT]: "sales" } };
  const at = (minutes) => new Date(when.getTime() + minutes * 60_000).toISOString();
  return [
    { actor: agent, verb: VERBS.attempted, object, context, timestamp: at(0) },
    {
      actor: agent,
      verb: VERBS.completed,
      object,
      context,
      timestamp: at(30),
      result: { completion: true, success: true, duration: "PT30M", score: { scaled: 0.9 } },
    },
  ];
}

async function post(lrs, statements) {
  const res = await request(lrs, "/xapi/statements", { method: "POST", body: statements });
  assert.equal(res.status, 200, res.text);
}

/** Waits for the first epoch (503 until it is built). */
async function firstEpoch(lrs) {
  for (let i = 0; i < 200; i++) {
    const res = await call(lrs, "GET", "/analytics/tables?purpose=analytics");
    if (res.status === 200) return res.json;
    assert.equal(res.status, 503, res.text);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("no epoch within 10 s");
}

async function newEpoch(lrs) {
  const res = await call(lrs, "POST", "/admin/epoch", { auth: lrs.adminAuth, body: {} });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function table(lrs, id, query, auth) {
  const res = await call(lrs, "GET", `/analytics/tables/${id}?${query}`, { auth });
  assert.equal(res.status, 200, res.text);
  return res;
}

/** The learners the `active` table counts on the course (null when hidden). */
async function activeOn(lrs, t) {
  const res = await table(lrs, "active", `purpose=analytics&activity=${encodeURIComponent(COURSE(t))}`);
  const rows = res.json.rows.filter((r) => r.measure === "active" && r.activity === COURSE(t));
  assert.equal(rows.length, 1, res.text);
  return rows[0].learners;
}

/** RFC 4180 as the server writes it: CRLF lines, quoted fields with "" for ". */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else {
      field += c;
    }
  }
  assert.equal(field, "", "the CSV ends with CRLF");
  return rows;
}

describe("analytics API", () => {
  let lrs;
  let t;
  const learners = [];

  before(async () => {
    lrs = await startLrs({ args: ["--manifest", analyticsManifest()] });
    t = tag();
    for (let i = 0; i < 6; i++) learners.push(mboxAgent(t, `learner${i}`));
    const day = new Date(Date.UTC(2026, 10, 3, 9, 0, 0));
    await post(lrs, learners.flatMap((agent) => learnerStatements(t, agent, day)));
    await firstEpoch(lrs);
    await newEpoch(lrs);
  });
  after(async () => {
    await lrs?.stop();
  });

  test("roles: no credential 401, lms, admin and learner tokens 403, analyst 200", async () => {
    const token = await call(lrs, "POST", "/privacy/tokens", { auth: lrs.auth, body: { agent: learners[0] } });
    assert.equal(token.status, 200, token.text);
    const paths = ["/analytics/tables", "/analytics/tables?purpose=analytics", "/analytics/tables/active?purpose=analytics"];
    for (const p of paths) {
      const none = await call(lrs, "GET", p, { auth: null });
      assert.equal(none.status, 401, p);
      assert.ok(isErrorBody(none.json, 401), none.text);
      assert.equal((await call(lrs, "GET", p, { auth: "Basic " + Buffer.from("nobody:wrong").toString("base64") })).status, 401, p);
      for (const auth of [lrs.auth, lrs.adminAuth, `Bearer ${token.json.token}`]) {
        const refused = await call(lrs, "GET", p, { auth });
        assert.equal(refused.status, 403, `${p}: ${refused.text}`);
        assert.ok(isErrorBody(refused.json, 403), refused.text);
      }
      const ok = await call(lrs, "GET", p);
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.headers.get("cache-control"), "no-store");
    }
    // POST /admin/epoch is the admin's alone.
    assert.equal((await call(lrs, "POST", "/admin/epoch", { auth: null, body: {} })).status, 401);
    for (const auth of [lrs.analystAuth, lrs.auth]) {
      assert.equal((await call(lrs, "POST", "/admin/epoch", { auth, body: {} })).status, 403);
    }
    assert.equal((await call(lrs, "GET", "/admin/epoch", { auth: lrs.adminAuth })).status, 405);
    assert.equal((await call(lrs, "POST", "/analytics/tables")).status, 405);
  });

  test("bad parameters are 400s naming the parameter; an unknown table is 404", async () => {
    const activity = encodeURIComponent(COURSE(t));
    const cases = [
      ["/analytics/tables/outcomes", "?purpose"],
      ["/analytics/tables/outcomes?by=department", "?purpose"],
      ["/analytics/tables/outcomes?purpose=marketing", "?purpose"],
      ["/analytics/tables?purpose=marketing", "?purpose"],
      ["/analytics/tables/outcomes?purpose=analytics&by=shoe_size", "?by"],
      ["/analytics/tables/outcomes?purpose=analytics&by=department,department", "?by"],
      ["/analytics/tables/outcomes?purpose=analytics&period=year", "?period"],
      // Day and week are offered for the whole population only (README).
      ["/analytics/tables/outcomes?purpose=analytics&by=department&period=day", "?period"],
      ["/analytics/tables/scores?purpose=analytics&by=department&period=week", "?period"],
      ["/analytics/tables/outcomes?purpose=analytics&period=day&from=2026-02-30", "?from"],
      ["/analytics/tables/outcomes?purpose=analytics&period=day&to=soon", "?to"],
      ["/analytics/tables/outcomes?purpose=analytics&activity=not-an-iri", "?activity"],
      ["/analytics/tables/outcomes?purpose=analytics&format=xml", "?format"],
      ["/analytics/tables/funnel?purpose=analytics", "?steps"],
      [`/analytics/tables/funnel?purpose=analytics&steps=${activity}`, "?steps"],
    ];
    for (const [p, where] of cases) {
      const res = await call(lrs, "GET", p);
      assert.equal(res.status, 400, `${p}: ${res.text}`);
      assert.ok(isErrorBody(res.json, 400), res.text);
      assert.equal(res.json.path, where, p);
    }
    const unknown = await call(lrs, "GET", "/analytics/tables/leaderboard?purpose=analytics");
    assert.equal(unknown.status, 404, unknown.text);
  });

  test("the catalogue and a table have the contract's shape", async () => {
    const catalogue = (await call(lrs, "GET", "/analytics/tables")).json;
    assert.equal(catalogue.k, 2);
    assert.equal(typeof catalogue.epoch.id, "string");
    assert.ok(catalogue.epoch.id.length > 0);
    assert.match(catalogue.epoch.as_of, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.deepEqual(catalogue.cohort_dimensions, ["department"]);
    assert.deepEqual(catalogue.periods, [
      { period: "all", max_by: 2 },
      { period: "day", max_by: 0 },
      { period: "week", max_by: 0 },
      { period: "month", max_by: 2 },
    ]);
    const ids = catalogue.tables.map((x) => x.id);
    for (const id of ["outcomes", "scores", "funnel", "durations", "active", "interactions", "required"]) {
      assert.ok(ids.includes(id), `catalogue lists ${id}: ${ids}`);
    }
    for (const entry of catalogue.tables) {
      assert.deepEqual(Object.keys(entry), ["id", "description", "parameters", "measures"]);
      assert.ok(Array.isArray(entry.parameters) && Array.isArray(entry.measures));
    }
    const course = catalogue.activities.find((a) => a.id === COURSE(t));
    assert.ok(course, JSON.stringify(catalogue.activities));
    assert.deepEqual(course, { id: COURSE(t), name: { "en-US": `Course ${t}` } });

    const activity = encodeURIComponent(COURSE(t));
    const weekly = await table(lrs, "outcomes", `purpose=analytics&activity=${activity}&period=week`);
    assert.ok(weekly.json.rows.length > 0);
    for (const row of weekly.json.rows) assert.equal(row.period, "2026-11-02", "weeks start on Monday");
    const res = await table(lrs, "outcomes", `purpose=analytics&activity=${activity}&by=department&period=month`);
    const body = res.json;
    assert.deepEqual(Object.keys(body), ["table", "k", "epoch", "purpose", "by", "period", "rows"]);
    assert.equal(body.table, "outcomes");
    assert.equal(body.k, 2);
    assert.deepEqual(body.epoch, catalogue.epoch);
    assert.equal(body.purpose, "analytics");
    assert.deepEqual(body.by, ["department"]);
    assert.equal(body.period, "month");
    assert.ok(body.rows.length > 0);
    const measures = new Set();
    for (const row of body.rows) {
      assert.equal(row.activity, COURSE(t));
      assert.equal(row.department, "sales");
      assert.equal(row.period, "2026-11-01");
      measures.add(row.measure);
      if (row.suppressed) {
        assert.equal(row.learners, null);
        assert.equal(row.suppressed, true);
      } else {
        assert.ok(Number.isInteger(row.learners) && row.learners >= 2, JSON.stringify(row));
      }
    }
    assert.deepEqual([...measures].sort(), ["attempted", "completed", "failed", "passed"]);
    assert.equal(await activeOn(lrs, t), 6);
  });

  test("CSV holds exactly the JSON rows, with a header line", async () => {
    const query = `purpose=analytics&activity=${encodeURIComponent(COURSE(t))}&by=department&period=month`;
    for (const id of ["outcomes", "active", "scores", "durations"]) {
      const json = (await table(lrs, id, query)).json;
      const csv = await table(lrs, id, `${query}&format=csv`);
      assert.match(csv.headers.get("content-type"), /^text\/csv/);
      const [header, ...lines] = parseCsv(csv.text);
      assert.deepEqual(header.slice(0, 3), ["activity", "department", "period"]);
      assert.deepEqual(header.slice(-4), ["measure", "learners", "value", "suppressed"]);
      assert.equal(lines.length, json.rows.length, id);
      json.rows.forEach((row, i) => {
        const fields = Object.fromEntries(header.map((name, j) => [name, lines[i][j]]));
        for (const name of header.slice(0, -4)) assert.equal(fields[name], row[name] === undefined ? "" : String(row[name]), `${id} ${name}`);
        assert.equal(fields.measure, row.measure);
        assert.equal(fields.learners, row.learners == null ? "" : String(row.learners));
        assert.equal(fields.value, row.value == null ? "" : String(row.value));
        assert.equal(fields.suppressed, row.suppressed ? "true" : "false");
      });
    }
  });

  test("every read is in the audit trail with its purpose, and no parameter value", async () => {
    const activity = encodeURIComponent(COURSE(t));
    await table(lrs, "active", `purpose=recommendations&activity=${activity}`);
    await call(lrs, "GET", "/analytics/tables?purpose=analytics");
    const audit = await call(lrs, "GET", "/privacy/audit?limit=1000", { auth: lrs.adminAuth });
    assert.equal(audit.status, 200, audit.text);
    const reads = audit.json.entries.filter((e) => e.action === "analytics.table.read");
    assert.ok(reads.length >= 5, audit.text);
    const mine = reads.at(-1);
    assert.equal(mine.purpose, "recommendations");
    assert.equal(mine.role, "analyst");
    assert.equal(mine.detail.table, "active");
    assert.deepEqual(mine.detail.params, ["purpose", "activity"]);
    assert.equal(mine.subjects, 0);
    assert.ok(reads.some((e) => e.purpose === "analytics"));
    const catalogue = audit.json.entries.filter((e) => e.action === "analytics.catalogue.read");
    assert.ok(catalogue.length > 0 && catalogue.every((e) => e.purpose === "analytics"));
    assert.ok(audit.json.entries.some((e) => e.action === "analytics.epoch" && e.role === "admin"));
    assert.ok(!audit.text.includes(t), "no activity IRI, tag or learner in the trail");
  });

  test("a statement ingested mid-epoch changes nothing until POST /admin/epoch", async () => {
    const query = `purpose=analytics&activity=${encodeURIComponent(COURSE(t))}&by=department&period=month`;
    const before = await table(lrs, "outcomes", query);
    assert.equal(await activeOn(lrs, t), 6);
    const late = mboxAgent(t, "late");
    await post(lrs, learnerStatements(t, late, new Date(Date.UTC(2026, 10, 4, 9))));
    const again = await table(lrs, "outcomes", query);
    assert.equal(again.text, before.text, "a repeat within an epoch is byte-identical");
    assert.equal(await activeOn(lrs, t), 6);

    const renewed = await newEpoch(lrs);
    assert.deepEqual(Object.keys(renewed), ["epoch", "utility"]);
    assert.notEqual(renewed.epoch.id, before.json.epoch.id);
    for (const key of ["cells", "cells_at_least_k", "published_at_least_k", "published_share", "hidden"]) {
      assert.ok(key in renewed.utility, key);
    }
    assert.equal(await activeOn(lrs, t), 7);
    const after = await table(lrs, "outcomes", query);
    assert.deepEqual(after.json.epoch, renewed.epoch);
    learners.push(late);
  });

  test("erasure and a withdrawal of analytics consent reach the next epoch", async () => {
    const start = await activeOn(lrs, t);
    const agent = (a) => `agent=${encodeURIComponent(JSON.stringify(a))}`;
    const erased = await call(lrs, "DELETE", `/privacy/learners?${agent(learners[0])}`, { auth: lrs.auth });
    assert.equal(erased.status, 200, erased.text);
    const withdrawn = await call(lrs, "PUT", "/privacy/consent", {
      auth: lrs.auth,
      body: { agent: learners[1], state: "withdrawn", purposes: ["analytics"] },
    });
    assert.equal(withdrawn.status, 204, withdrawn.text);
    assert.equal(await activeOn(lrs, t), start, "the epoch does not move on its own");
    await newEpoch(lrs);
    assert.equal(await activeOn(lrs, t), start - 2);
    // Granting again brings the learner back at the next epoch: the facts
    // were never deleted, only left out.
    const granted = await call(lrs, "PUT", "/privacy/consent", {
      auth: lrs.auth,
      body: { agent: learners[1], state: "granted", purposes: ["analytics"] },
    });
    assert.equal(granted.status, 204, granted.text);
    await newEpoch(lrs);
    assert.equal(await activeOn(lrs, t), start - 1);
  });
});

describe("retention keeps old periods' counts", () => {
  let lrs;
  after(async () => {
    await lrs?.stop();
  });

  test("lrs purge past the facts' retention rolls them up; tables for old periods keep their numbers", async () => {
    const manifest = analyticsManifest();
    lrs = await startLrs({ args: ["--manifest", manifest] });
    const t = tag();
    const agents = Array.from({ length: 5 }, (_, i) => mboxAgent(t, `old${i}`));
    await post(lrs, agents.flatMap((a) => learnerStatements(t, a, new Date(Date.UTC(2026, 9, 5, 9)))));
    await firstEpoch(lrs);
    await newEpoch(lrs);
    const query = `purpose=analytics&activity=${encodeURIComponent(COURSE(t))}&period=month`;
    const before = (await table(lrs, "active", query)).json.rows;
    assert.deepEqual(
      before.map((r) => [r.period, r.measure, r.learners]),
      [["2026-10-01", "active", 5]],
    );
    const outcomesBefore = (await table(lrs, "outcomes", query)).json.rows;

    await lrs.shutdown();
    // A year and a bit later: facts (365 days) are past retention, statements (730) are not.
    const later = new Date(Date.now() + 400 * 86_400_000).toISOString();
    const run = spawnSync(LRS_BIN, ["purge", "--data", lrs.dataDir, "--manifest", manifest, "--now", later], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.rolled_up, 5, run.stdout);
    const left = spawnSync("sqlite3", ["-readonly", path.join(lrs.dataDir, "lrs.db"), "SELECT COUNT(*) FROM analytics_facts"], {
      encoding: "utf8",
    });
    assert.equal(left.status, 0, left.stderr);
    assert.equal(left.stdout.trim(), "0", "no individual analytics fact is left");

    await lrs.restart();
    await firstEpoch(lrs);
    const after = (await table(lrs, "active", query)).json.rows;
    assert.deepEqual(after, before);
    assert.deepEqual((await table(lrs, "outcomes", query)).json.rows, outcomesBefore);
  });
});

describe("required training comes from the manifest", () => {
  let lrs;
  after(async () => {
    await lrs?.stop();
  });

  test("the required table has rows for the manifest's activities only", async () => {
    const t = tag();
    const other = `https://courses.example.org/e2e/${t}/optional`;
    lrs = await startLrs({
      args: ["--manifest", analyticsManifest({ required: [{ activity: COURSE(t), due: "2026-11-10" }] })],
    });
    const agents = Array.from({ length: 6 }, (_, i) => mboxAgent(t, `req${i}`));
    await post(lrs, agents.flatMap((a) => learnerStatements(t, a, new Date(Date.UTC(2026, 10, 3, 9)))));
    await post(lrs, agents.map((actor) => ({ actor, verb: VERBS.experienced, object: { id: other }, timestamp: "2026-11-03T10:00:00Z" })));
    await firstEpoch(lrs);
    await newEpoch(lrs);
    const rows = (await table(lrs, "required", "purpose=analytics")).json.rows;
    assert.ok(rows.length > 0, "the required activity has rows");
    assert.ok(rows.every((r) => r.activity === COURSE(t)), JSON.stringify(rows));
    assert.deepEqual([...new Set(rows.map((r) => r.measure))].sort(), ["late", "not_done", "on_time"]);
  });
});
