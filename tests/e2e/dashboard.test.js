// The analysts' dashboard (/dashboard) in headless Chromium (lib/browser.js),
// against the real `lrs` on a demo store (`lrs demo --learners 150 --days 30
// --seed 3`: departments, roles and sites of very different sizes, some below
// k). It proves that:
// - the page and its assets (ECharts included) come from lrs itself under a
//   strict Content-Security-Policy, and run without a single CSP report;
// - an analyst signs in with a key and secret that never appear in a URL, a
//   cookie or web storage, and every /analytics request names its purpose;
// - every chart renders (an ECharts instance whose series hold data, on a
//   canvas with something drawn): completions per week, outcomes and pass
//   rate per activity, the score distribution, a funnel built in the page,
//   and one breakdown per cohort dimension;
// - each cell the API reports suppressed reads "hidden to protect small
//   groups" (in the table and the tooltip) and never as a number, and each
//   published cell reads as the API's number;
// - a CSV downloaded from the page is byte for byte the API's CSV.
// It does not prove that the numbers are protected: that is the analytics
// tests' job; here the API's answer is the truth the page must show.
// Screenshots: build/screenshots/dashboard-*.png.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LRS_BIN, REPO_ROOT, READY_TIMEOUT_MS, addCredential, assertBinaryExists, basicAuth, freePort } from "./lib/harness.js";
import { launchBrowser, screenshot, SCREENSHOTS_DIR } from "./lib/browser.js";

const HIDDEN_TEXT = "hidden to protect small groups";
const PURPOSE = "analytics";
const DEMO_ARGS = ["--learners", "150", "--days", "30", "--seed", "3"];
const DEMO_TIMEOUT_MS = 300_000;
const EPOCH_TIMEOUT_MS = 60_000;
const FUNNEL_STEPS = 3;

let root;
let server;
let baseUrl;
let analyst;
let browser;

// ---- the server, on a demo store ---------------------------------------------

function serve(dataDir, port) {
  const child = spawn(LRS_BIN, ["serve", "--listen", `127.0.0.1:${port}`, "--data", dataDir], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lrs serve not ready:\n${output}`)), READY_TIMEOUT_MS);
    const seen = (chunk) => {
      output += chunk;
      if (output.includes(`listening on http://127.0.0.1:${port}/xapi`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.setEncoding("utf8").on("data", seen);
    child.stderr.setEncoding("utf8").on("data", seen);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`lrs serve exited (${code}):\n${output}`));
    });
  });
  return { child, ready };
}

process.on("exit", () => server?.child.kill("SIGKILL"));

async function api(pathAndQuery, accept = "application/json") {
  const res = await fetch(baseUrl + pathAndQuery, { headers: { Authorization: basicAuth(analyst), Accept: accept } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The first epoch is built at start; until then the API answers 503. */
async function catalogueOnceReady() {
  const deadline = Date.now() + EPOCH_TIMEOUT_MS;
  for (;;) {
    const res = await api(`/analytics/tables?purpose=${PURPOSE}`);
    if (res.status === 200) return JSON.parse(res.text);
    assert.equal(res.status, 503, `catalogue: ${res.status} ${res.text}`);
    assert.ok(Date.now() < deadline, "the first epoch was not ready in time");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** A value inside a CSS attribute selector's double quotes. */
const quoted = (value) => String(value).replace(/["\\]/g, "\\$&");

const tablePath = (table, params) =>
  `/analytics/tables/${table}?` + new URLSearchParams({ purpose: PURPOSE, ...params }).toString();

before(async () => {
  assertBinaryExists();
  root = fs.mkdtempSync(path.join(os.tmpdir(), "lrs-dashboard-"));
  const dataDir = path.join(root, "data");
  execFileSync(LRS_BIN, ["demo", "--data", dataDir, ...DEMO_ARGS], {
    cwd: REPO_ROOT,
    timeout: DEMO_TIMEOUT_MS,
    stdio: ["ignore", "pipe", "pipe"],
  });
  analyst = addCredential(dataDir, "analyst", "dashboard-analyst");
  const port = await freePort();
  server = serve(dataDir, port);
  await server.ready;
  baseUrl = `http://127.0.0.1:${port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (server) {
    server.child.kill("SIGTERM");
    await new Promise((resolve) => (server.child.exitCode !== null ? resolve() : server.child.once("exit", resolve)));
  }
  if (root && process.env.LRS_E2E_KEEP !== "1") fs.rmSync(root, { recursive: true, force: true });
});

// ---- helpers -----------------------------------------------------------------

function assertPolicy(headers, what) {
  const csp = headers["content-security-policy"] || "";
  for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'",
    "img-src 'self' data:", "frame-ancestors 'none'", "form-action 'none'"]) {
    assert.ok(csp.split(/;\s*/).includes(directive), `${what}: CSP has ${directive}: ${csp}`);
  }
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/, `${what}: ${csp}`);
  assert.equal(headers["x-content-type-options"], "nosniff", what);
  assert.equal(headers["referrer-policy"], "no-referrer", what);
}

const CHARTS_BEFORE_FUNNEL = (dimensions) =>
  ["chart-completions", "chart-outcomes", "chart-passrate", "chart-scores", ...dimensions.map((d) => `chart-by-${d}`)];

/** Resolves once every named chart holds a series with data. */
async function chartsDrawn(page, ids) {
  await page.waitForFunction((ids) => ids.every((id) => {
    const node = document.getElementById(id);
    const chart = node && window.echarts.getInstanceByDom(node);
    return chart && chart.getOption().series.some((s) => s.data.length > 0);
  }), ids, { timeout: 30_000 });
}

/** What each chart shows: its series' data lengths, and how much of its canvas is drawn on. */
async function chartFacts(page, ids) {
  return page.evaluate((ids) => ids.map((id) => {
    const node = document.getElementById(id);
    const chart = window.echarts.getInstanceByDom(node);
    const canvas = node.querySelector("canvas");
    let painted = 0;
    if (canvas && canvas.width > 0 && canvas.height > 0) {
      const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
    }
    return { id, series: chart.getOption().series.map((s) => ({ name: s.name, points: s.data.filter((d) => d !== null).length })), painted };
  }), ids);
}

// ---- the tests -------------------------------------------------------------------

test("the page and its assets are served by lrs under a strict CSP", async () => {
  for (const [asset, type] of [["/dashboard", /^text\/html/], ["/dashboard/dashboard.js", /^text\/javascript/],
    ["/dashboard/echarts.min.js", /^text\/javascript/], ["/dashboard/dashboard.css", /^text\/css/],
    ["/dashboard/pages.css", /^text\/css/]]) {
    const res = await fetch(baseUrl + asset);
    assert.equal(res.status, 200, asset);
    assert.match(res.headers.get("content-type"), type, asset);
    assertPolicy(Object.fromEntries(res.headers), asset);
    const body = await res.text();
    assert.ok(body.length > 0, asset);
    if (asset === "/dashboard") {
      assert.doesNotMatch(body, /<script(?![^>]*\ssrc=)[^>]*>/, "no inline script");
      assert.doesNotMatch(body, /<style|\sstyle=/, "no inline style");
      assert.doesNotMatch(body, /https?:\/\/(?!127\.0\.0\.1)/, "nothing from elsewhere");
    }
  }
  const echarts = await fetch(baseUrl + "/dashboard/echarts.min.js");
  const installed = fs.readFileSync(path.join(REPO_ROOT, "plugin", "web", "node_modules", "echarts", "dist", "echarts.min.js"), "utf8");
  assert.equal(await echarts.text(), installed, "ECharts is the npm package's, compiled in");
  const again = await fetch(baseUrl + "/dashboard/echarts.min.js", { headers: { "If-None-Match": echarts.headers.get("etag") } });
  assert.equal(again.status, 304, "revalidated by its ETag");
  assert.equal((await fetch(baseUrl + "/dashboard/nothing.js")).status, 404);
});

test("a wrong secret is refused on the page and nothing is drawn", async () => {
  const page = await browser.newPage();
  await page.goto(`${baseUrl}/dashboard`);
  await page.fill("#key", analyst.key);
  await page.fill("#secret", "not-the-secret");
  await page.click("#signin-button");
  await page.locator("#signin-status", { hasText: "not accepted" }).waitFor();
  assert.equal(await page.locator("#content").isHidden(), true);
  assert.equal(await page.inputValue("#secret"), "", "the typed secret is not left in the form");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("an analyst signs in and sees every chart; hidden cells read as hidden; CSV equals the API's", async () => {
  const catalogue = await catalogueOnceReady();
  const dimensions = catalogue.cohort_dimensions;
  assert.ok(dimensions.length > 0, "the demo store has cohort dimensions");
  assert.ok(catalogue.activities.length >= FUNNEL_STEPS, "the demo store has activities");

  const page = await browser.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const requests = [];
  page.on("request", (r) => requests.push({ url: r.url(), authorization: r.headers().authorization }));
  const response = await page.goto(`${baseUrl}/dashboard`);
  assert.equal(response.status(), 200);
  assertPolicy(await response.allHeaders(), "/dashboard");
  await screenshot(page, "dashboard-signin");

  // Sign in, by keyboard as much as a person would.
  await page.locator("#key").focus();
  await page.keyboard.type(analyst.key);
  await page.keyboard.press("Tab");
  await page.keyboard.type(analyst.secret);
  await page.keyboard.press("Enter");
  await page.locator("#content").waitFor({ state: "visible" });
  assert.equal(await page.inputValue("#secret"), "", "the secret left the form at once");
  await chartsDrawn(page, CHARTS_BEFORE_FUNNEL(dimensions));

  // The epoch's time, and k.
  assert.equal(await page.getAttribute("#epoch-as-of", "datetime"), catalogue.epoch.as_of);
  assert.match(await page.locator("#epoch-as-of").innerText(), /UTC$/);
  assert.equal(await page.locator("#epoch-id").innerText(), catalogue.epoch.id);
  assert.equal(await page.locator("#k-value").innerText(), `${catalogue.k} learners`);

  // A funnel built in the page: the first activities of the catalogue, in order.
  const steps = catalogue.activities.slice(0, FUNNEL_STEPS).map((a) => a.id);
  for (const step of steps) {
    await page.selectOption("#funnel-activity", step);
    await page.click("#funnel-add");
  }
  assert.deepEqual(await page.locator("#funnel-steps li").evaluateAll((items) => items.map((li) => li.dataset.iri)), steps);
  await page.click("#funnel-show");
  const allCharts = [...CHARTS_BEFORE_FUNNEL(dimensions), "chart-funnel"];
  await chartsDrawn(page, allCharts);

  for (const facts of await chartFacts(page, allCharts)) {
    assert.ok(facts.series.some((s) => s.points > 0), `${facts.id} has data: ${JSON.stringify(facts.series)}`);
    assert.ok(facts.painted > 1000, `${facts.id} drew on its canvas (${facts.painted} pixels)`);
  }
  await screenshot(page, "dashboard-charts");

  // Every cell of each breakdown reads as the API says; at least one small
  // cohort somewhere is hidden.
  const activity = await page.inputValue("#activity");

  // The activity's medians, as the API gives them (or hidden).
  const durations = JSON.parse((await api(tablePath("durations", { activity }))).text).rows
    .filter((r) => r.activity === activity && dimensions.every((d) => !(d in r)) && !("period" in r));
  for (const [measure, id] of [["median_duration_s", "#median-duration"], ["median_time_spent_s", "#median-time-spent"]]) {
    const row = durations.find((r) => r.measure === measure);
    await page.waitForFunction((id) => document.querySelector(id).textContent !== "\u2014", id).catch(() => {});
    const text = await page.locator(id).innerText();
    if (!row) assert.equal(text, "\u2014", measure);
    else if (row.suppressed) assert.equal(text, HIDDEN_TEXT, measure);
    else assert.match(text, new RegExp(`${Math.round(row.value) % 60} s$`), `${measure}: ${text} for ${row.value}`);
  }
  let hiddenSeen = 0;
  let firstHidden = null;
  for (const dimension of dimensions) {
    const answer = JSON.parse((await api(tablePath("outcomes", { activity, by: dimension }))).text);
    const rows = answer.rows.filter((r) => r.activity === activity && !("period" in r) && r[dimension] !== undefined);
    assert.ok(rows.length > 0, `the API has ${dimension} rows`);
    for (const row of rows) {
      const cell = page.locator(`#table-by-${dimension} td[data-key="${quoted(row[dimension])}"][data-measure="${row.measure}"]`);
      const text = await cell.innerText();
      if (row.suppressed) {
        assert.equal(text, HIDDEN_TEXT, `${dimension}=${row[dimension]} ${row.measure} is hidden`);
        assert.ok(await cell.isVisible());
        hiddenSeen++;
        firstHidden ??= { dimension, row };
      } else {
        assert.equal(text, String(row.learners), `${dimension}=${row[dimension]} ${row.measure}`);
      }
    }
  }
  assert.ok(hiddenSeen > 0, "a small cohort of the demo store is hidden in some breakdown");

  // Its bar says so too: a ghost bar marked hidden, and the tooltip's words.
  const { dimension, row } = firstHidden;
  const tooltip = await page.evaluate(({ dimension, group, measure }) => {
    const node = document.getElementById(`chart-by-${dimension}`);
    const chart = window.echarts.getInstanceByDom(node);
    const option = chart.getOption();
    const dataIndex = option.xAxis[0].data.indexOf(group);
    const seriesIndex = option.series.findIndex((s) => s.id === measure);
    const item = option.series[seriesIndex].data[dataIndex];
    chart.dispatchAction({ type: "showTip", seriesIndex, dataIndex });
    return { hiddenCell: item.hiddenCell === true };
  }, { dimension, group: row[dimension], measure: row.measure });
  assert.equal(tooltip.hiddenCell, true, "the chart marks the cell hidden");
  await page.waitForFunction(({ id, text }) => document.getElementById(id).innerText.includes(text),
    { id: `chart-by-${dimension}`, text: HIDDEN_TEXT });
  await page.locator(`#card-by-${dimension}`).scrollIntoViewIfNeeded();
  fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.locator(`#card-by-${dimension}`).screenshot({ path: path.join(SCREENSHOTS_DIR, "dashboard-hidden.png") });
  assert.ok(await page.locator("#hidden-legend").isVisible(), "the legend explains hidden cells");

  // CSV: the page's download is the API's CSV, byte for byte.
  for (const [card, params] of [[`by-${dimension}`, { activity, by: dimension }], ["outcomes", {}]]) {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click(`#card-${card} button.csv`),
    ]);
    assert.match(download.suggestedFilename(), /\.csv$/);
    const file = path.join(root, `${card}.csv`);
    await download.saveAs(file);
    const fromApi = await api(tablePath("outcomes", { ...params, format: "csv" }), "text/csv");
    assert.equal(fromApi.status, 200);
    assert.equal(fs.readFileSync(file, "utf8"), fromApi.text, `the ${card} CSV equals the API's`);
  }

  // Another period: the completions chart follows, with the API's periods.
  await page.selectOption("#period", "month");
  const monthly = JSON.parse((await api(tablePath("outcomes", { activity, period: "month" }))).text);
  const months = [...new Set(monthly.rows
    .filter((r) => r.measure === "completed" && r.activity === activity && dimensions.every((d) => !(d in r)))
    .map((r) => r.period))].sort();
  assert.ok(months.length > 0, "the API has monthly completions");
  await page.waitForFunction((months) => {
    const chart = window.echarts.getInstanceByDom(document.getElementById("chart-completions"));
    return JSON.stringify(chart.getOption().xAxis[0].data) === JSON.stringify(months);
  }, months);

  // The secret travelled in the Authorization header only.
  const analytics = requests.filter((r) => new URL(r.url).pathname.startsWith("/analytics/"));
  assert.ok(analytics.length >= allCharts.length, "the page read /analytics");
  const encoded = basicAuth(analyst).slice("Basic ".length);
  for (const r of requests) {
    for (const secret of [analyst.secret, encodeURIComponent(analyst.secret), encoded]) {
      assert.ok(!r.url.includes(secret), `no secret in ${r.url}`);
    }
  }
  for (const r of analytics) {
    assert.equal(new URL(r.url).searchParams.get("purpose"), PURPOSE, `purpose named in ${r.url}`);
    assert.equal(r.authorization, basicAuth(analyst));
  }
  const kept = await page.evaluate(() => ({
    cookie: document.cookie,
    local: localStorage.length,
    session: sessionStorage.length,
    url: location.href,
    html: document.documentElement.outerHTML,
  }));
  assert.equal(kept.cookie, "");
  assert.equal(kept.local, 0);
  assert.equal(kept.session, 0);
  assert.equal(kept.url, `${baseUrl}/dashboard`);
  assert.ok(!kept.html.includes(analyst.secret), "the secret is nowhere in the page");

  await screenshot(page, "dashboard-full");
  assert.deepEqual(page.problems, [], "no CSP report and no script error");

  // Signing out forgets everything drawn.
  await page.click("#signout");
  await page.locator("#signin-section").waitFor({ state: "visible" });
  assert.equal(await page.locator("#content").isHidden(), true);
  await page.close();
});
