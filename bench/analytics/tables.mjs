// Table request latency against a running lrs (bench/analytics/run.sh).
//
//   node bench/analytics/tables.mjs --base http://127.0.0.1:PORT --auth "Basic ..."
//        [--requests 2000] [--concurrency 4] [--seed 1]
//
// Reads the catalogue (GET /analytics/tables?purpose=analytics), asks
// (untimed) which table answers for which activity (interactions only for
// questions, required only for required training), makes
// `requests` DISTINCT table requests from it (every table; one activity or
// all; no breakdown, each cohort dimension, each pair; every period; JSON and
// CSV; funnels over each course's modules), shuffles them with a seeded
// generator, and sends each once over `concurrency` kept-alive connections,
// timing each from the request's first byte to the answer's last. Distinct
// requests, because an epoch answers a repeat from the same rows: repeats
// would measure a cache, not the tables.
//
// Prints one JSON object: {"requests", "distinct", "pairs_offered",
// "pairs_not_offered", "concurrency", "statuses",
// "p50_ms", "p90_ms", "p99_ms", "max_ms", "wall_s", "catalogue_ms"}.
// Exit status 1 if any answer is not 200 (a 400 is a bug in this script or
// the routes: every request is made from the catalogue's own contract).

import http from "node:http";

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const base = new URL(flag("base", "http://127.0.0.1:8080"));
const auth = flag("auth", "");
const wanted = Number(flag("requests", "2000"));
const concurrency = Number(flag("concurrency", "4"));
let seed = BigInt(flag("seed", "1"));

// splitmix64, as the demo uses: the same seed, the same requests in the same order.
function next() {
  seed = (seed + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
  let z = seed;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
  return z ^ (z >> 31n);
}
const below = (n) => Number(next() % BigInt(n));

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function get(pathAndQuery) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      { host: base.hostname, port: base.port, path: pathAndQuery, method: "GET", agent,
        headers: { Authorization: auth } },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8"), ms });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const q = (params) =>
  Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");

// Every request the catalogue's contract allows (each breakdown by the periods
// the catalogue's `periods` offer it), as distinct query strings.
// `offered` says which (table, activity) pairs the epoch answers at all (the
// catalogue does not say which activities are interactions or required).
function allRequests(catalogue, offered) {
  const dims = catalogue.cohort_dimensions || [];
  const bys = [undefined, ...dims];
  for (let i = 0; i < dims.length; i++) for (let j = i + 1; j < dims.length; j++) bys.push(`${dims[i]},${dims[j]}`);
  const periods = ["all", "day", "week", "month"];
  // How many cohort dimensions each period takes (day and week: none).
  const maxBy = new Map((catalogue.periods || []).map((p) => [p.period, p.max_by]));
  const takes = (period, by) => !maxBy.has(period) || (by ? by.split(",").length : 0) <= maxBy.get(period);
  const activities = (catalogue.activities || []).map((a) => a.id);
  // Funnels: each course's modules in order (ids under one course share a
  // prefix in the demo), two to six steps.
  const courses = new Map();
  for (const id of activities) {
    const m = /^(.*\/courses\/[^/]+)\/([^/]+)$/.exec(id);
    if (m) courses.set(m[1], [...(courses.get(m[1]) || []), id]);
  }
  const funnels = [];
  for (const [course, modules] of courses) {
    // The course itself (cmi5 satisfied) is the last step.
    const steps = [...modules.slice(0, 5), course].filter((s) => activities.includes(s));
    for (let n = 2; n <= steps.length; n++) funnels.push(steps.slice(0, n).join(","));
  }
  const out = [];
  for (const table of catalogue.tables.map((t) => t.id)) {
    for (const by of bys) {
      for (const period of periods) {
        if (!takes(period, by)) continue;
        for (const format of [undefined, "csv"]) {
          const common = { purpose: "analytics", by, period, format };
          if (table === "funnel") {
            for (const steps of funnels) out.push(`/analytics/tables/funnel?${q({ ...common, steps })}`);
            continue;
          }
          if (offered.has(`${table} `)) out.push(`/analytics/tables/${table}?${q(common)}`);
          for (const activity of activities) {
            if (offered.has(`${table} ${activity}`)) out.push(`/analytics/tables/${table}?${q({ ...common, activity })}`);
          }
        }
      }
    }
  }
  return [...new Set(out)];
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const catalogueAnswer = await get("/analytics/tables?purpose=analytics");
if (catalogueAnswer.status !== 200) {
  console.error(`tables.mjs: the catalogue answered ${catalogueAnswer.status}: ${catalogueAnswer.body.slice(0, 300)}`);
  process.exit(1);
}
const catalogue = JSON.parse(catalogueAnswer.body);
// Untimed: which (table, activity) pairs are offered (200) and which not (400).
const offered = new Set();
let notOffered = 0;
for (const table of catalogue.tables.map((t) => t.id).filter((t) => t !== "funnel")) {
  for (const activity of [undefined, ...(catalogue.activities || []).map((a) => a.id)]) {
    const res = await get(`/analytics/tables/${table}?${q({ purpose: "analytics", activity })}`);
    if (res.status === 200) offered.add(`${table} ${activity ?? ""}`);
    else if (res.status === 400) notOffered++;
    else {
      console.error(`tables.mjs: ${table} ${activity ?? "(all)"} answered ${res.status}: ${res.body.slice(0, 200)}`);
      process.exit(1);
    }
  }
}
const every = allRequests(catalogue, offered);
for (let i = every.length - 1; i > 0; i--) {
  const j = below(i + 1);
  [every[i], every[j]] = [every[j], every[i]];
}
const chosen = every.slice(0, Math.min(wanted, every.length));

const times = [];
const statuses = {};
const failures = [];
let cursor = 0;
const wallStart = process.hrtime.bigint();
async function worker() {
  while (cursor < chosen.length) {
    const path = chosen[cursor++];
    const res = await get(path);
    times.push(res.ms);
    statuses[res.status] = (statuses[res.status] || 0) + 1;
    if (res.status !== 200 && failures.length < 5) failures.push(`${res.status} ${path}: ${res.body.slice(0, 200)}`);
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const wall = Number(process.hrtime.bigint() - wallStart) / 1e9;
agent.destroy();
times.sort((a, b) => a - b);
const round = (x) => (x === null ? null : Math.round(x * 100) / 100);
console.log(JSON.stringify({
  requests: chosen.length,
  distinct: every.length,
  pairs_offered: offered.size,
  pairs_not_offered: notOffered,
  concurrency,
  statuses,
  p50_ms: round(percentile(times, 50)),
  p90_ms: round(percentile(times, 90)),
  p99_ms: round(percentile(times, 99)),
  max_ms: round(times[times.length - 1] ?? null),
  wall_s: round(wall),
  catalogue_ms: round(catalogueAnswer.ms),
}));
for (const f of failures) console.error(`tables.mjs: ${f}`);
process.exit(Object.keys(statuses).every((s) => s === "200") ? 0 : 1);
