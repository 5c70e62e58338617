// The privacy core's two web pages in headless Chromium (lib/browser.js):
// /privacy renders the data manifest in words, and escapes what a person typed
// into it; /me, opened as the LMS opens it (/me#token=...), shows the learner
// their records, switches consent, downloads, erases only after a confirm step
// and then shows the receipt; a bad token and a lost connection are told
// plainly. Every run leaves screenshots in build/screenshots/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startLrs, REPO_ROOT } from "./lib/harness.js";
import { request } from "./lib/http.js";
import { launchBrowser, screenshot } from "./lib/browser.js";
import { tag, mboxAgent, simpleStatement, VERBS } from "./lib/statements.js";

const MANIFEST_FILE = path.resolve(process.env.LRS_MANIFEST || path.join(REPO_ROOT, "manifests", "default.json"));
const manifest = JSON.parse(fs.readFileSync(MANIFEST_FILE, "utf8"));

let lrs;
let browser;
before(async () => {
  lrs = await startLrs();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await lrs?.stop();
});

// ---- helpers --------------------------------------------------------------

const agentQuery = (agent) => encodeURIComponent(JSON.stringify(agent));

async function postStatements(server, statements) {
  const res = await request(server, "/xapi/statements", { method: "POST", body: statements });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function issueToken(server, agent, ttl_seconds = 900) {
  const res = await request(server, "/privacy/tokens", { method: "POST", version: null, body: { agent, ttl_seconds } });
  assert.equal(res.status, 200, `POST /privacy/tokens: ${res.text}`);
  assert.equal(typeof res.json.token, "string");
  return res.json.token;
}

async function meAsLearner(server, token) {
  return request(server, "/privacy/me", { auth: `Bearer ${token}`, version: null });
}

async function lmsStatementsAbout(server, agent) {
  const res = await request(server, `/xapi/statements?agent=${agentQuery(agent)}&limit=100`);
  assert.equal(res.status, 200, res.text);
  return res.json.statements;
}

/** A learner with three records, and someone else with one. */
async function learnerWithRecords() {
  const t = tag();
  const learner = mboxAgent(t, "ada");
  const other = mboxAgent(t, "grace");
  await postStatements(lrs, [
    simpleStatement(t, { actor: learner, verb: VERBS.completed, n: 1 }),
    simpleStatement(t, { actor: learner, verb: VERBS.attempted, n: 2 }),
    simpleStatement(t, { actor: learner, verb: VERBS.experienced, n: 3 }),
    simpleStatement(t, { actor: other, verb: VERBS.completed, n: 9 }),
  ]);
  return { t, learner, other, token: await issueToken(lrs, learner) };
}

/** Opens /me the way an LMS does; resolves once the page has shown the data or a problem. */
async function openMe(token, { waitFor = "#content" } = {}) {
  const page = await browser.newPage();
  page.seenRequests = [];
  page.on("request", (r) => page.seenRequests.push({ url: r.url(), authorization: r.headers().authorization }));
  const fragment = token === undefined ? "" : `#token=${encodeURIComponent(token)}`;
  const response = await page.goto(`${lrs.baseUrl}/me${fragment}`);
  await page.locator(waitFor).waitFor({ state: "visible" });
  return { page, response };
}

function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], "the page's own style and script ran under its CSP without errors");
}

function assertSecurityHeaders(headers, { script }) {
  const csp = headers["content-security-policy"] || "";
  assert.match(csp, /default-src 'none'/, csp);
  assert.match(csp, /style-src 'sha256-[A-Za-z0-9+/=]+'/, csp);
  assert.match(csp, /frame-ancestors 'none'/, csp);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/, csp);
  if (script) {
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'/, csp);
    assert.match(csp, /connect-src 'self'/, csp);
  } else {
    assert.doesNotMatch(csp, /script-src/, "the /privacy page runs no script at all");
  }
  assert.equal(headers["x-content-type-options"], "nosniff");
  assert.equal(headers["referrer-policy"], "no-referrer");
  assert.match(headers["content-type"], /^text\/html; charset=utf-8/);
}

/** A manifest a person edited carelessly (or maliciously), in a temp file. */
function handEditedManifest(dir) {
  const m = structuredClone(manifest);
  m.name = "Acme & Sons <Learning>";
  m.description = `We keep little. <img src=x onerror="window.__manifestImgRan=true"> "quoted" & 'single'`;
  m.purposes[0].description = `<script>window.__manifestScriptRan = true</script>Keep records <b>safe</b>.`;
  m.k = 7;
  m.retention = { statements_days: 123, facts_days: 45 };
  m.consent = { ...m.consent, mode: "opt-in" };
  m.key_file = path.join(dir, "secret-key-place", "lrs.key");
  const file = path.join(dir, "hand-edited.json");
  fs.writeFileSync(file, JSON.stringify(m, null, 2));
  return { file, m };
}

// ---- /privacy ---------------------------------------------------------------

test("/privacy renders the manifest: purposes, k, retention, consent and identity modes, roles", async () => {
  const page = await browser.newPage();
  const response = await page.goto(`${lrs.baseUrl}/privacy`);
  assert.equal(response.status(), 200);
  assertSecurityHeaders(await response.allHeaders(), { script: false });

  assert.equal(await page.locator("h1").innerText(), manifest.name);
  assert.equal(await page.title(), `Privacy: ${manifest.name}`);
  const purposes = await page.locator("#purposes").innerText();
  for (const purpose of manifest.purposes) assert.ok(purposes.includes(purpose.description), `purpose ${purpose.id} shown`);
  assert.equal(await page.locator("#glance-k").innerText(), `${manifest.k} people`);
  assert.match(await page.locator("#k").innerText(), new RegExp(`at least ${manifest.k} people`));
  assert.equal(await page.locator("#glance-retention").innerText(), `${manifest.retention.statements_days} days`);
  const retention = await page.locator("#retention").innerText();
  assert.ok(retention.includes(`${manifest.retention.statements_days} days`), retention);
  assert.ok(retention.includes(`${manifest.retention.facts_days} days`), retention);
  const mode = manifest.consent.mode === "opt-in" ? "Opt-in" : "Opt-out";
  assert.equal(await page.locator("#glance-consent").innerText(), mode);
  assert.match(await page.locator("#consent h2").innerText(), new RegExp(manifest.consent.mode));
  assert.match(await page.locator("#consent").innerText(), /My data/, "says how to opt out or in");
  assert.match(await page.locator("#rights").innerText(), /erase/i, "says how to see or erase your data");
  assert.equal(
    await page.locator("#glance-identity").innerText(),
    manifest.identity === "sealed" ? "Sealed" : "Pseudonymous only",
  );
  const roles = await page.locator("#roles").innerText();
  for (const role of Object.keys(manifest.roles)) assert.ok(roles.includes(`role ${role}`), `role ${role} listed`);
  assert.ok(await page.locator("#collected").isVisible());
  assert.equal(await page.locator("script").count(), 0, "no script on the notice");
  assert.equal(await page.locator("link[rel=stylesheet], img, iframe").count(), 0, "no external assets");
  await screenshot(page, "privacy");
  assertNoProblems(page);
  await page.close();
});

test("/privacy.json is the manifest as data, without key_file", async () => {
  const res = await request(lrs, "/privacy.json", { auth: null, version: null });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^application\/json/);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  const expected = structuredClone(manifest);
  delete expected.key_file;
  assert.deepEqual(res.json, expected);
});

test("/privacy shows markup from a hand-edited manifest as text, and its values", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lrs-pages-manifest-"));
  const { file, m } = handEditedManifest(dir);
  const other = await startLrs({ args: ["--manifest", file] });
  const page = await browser.newPage();
  try {
    const raw = await request(other, "/privacy", { auth: null, version: null });
    assert.equal(raw.status, 200, raw.text);
    assert.ok(raw.text.includes("&lt;script&gt;window.__manifestScriptRan"), "the <script> is escaped");
    assert.ok(!raw.text.includes("<script>window.__manifestScriptRan"), "no live <script> from the manifest");
    assert.ok(!raw.text.includes("<img src=x"), "no live <img> from the manifest");
    assert.ok(!raw.text.includes("secret-key-place"), "the key file's place is not published");

    await page.goto(`${other.baseUrl}/privacy`);
    assert.equal(await page.locator("h1").innerText(), m.name);
    assert.ok((await page.locator(".lead").innerText()).includes(`<img src=x onerror="window.__manifestImgRan=true"> "quoted" & 'single'`));
    assert.ok((await page.locator("#purposes").innerText()).includes(m.purposes[0].description), "shown as typed");
    assert.equal(await page.evaluate(() => window.__manifestScriptRan), undefined, "the script never ran");
    assert.equal(await page.evaluate(() => window.__manifestImgRan), undefined, "the handler never ran");
    assert.equal(await page.locator("script, main img, main b").count(), 0, "no element came from the manifest's text");
    assert.equal(await page.locator("#glance-k").innerText(), "7 people");
    assert.equal(await page.locator("#glance-retention").innerText(), "123 days");
    assert.ok((await page.locator("#retention").innerText()).includes("45 days"));
    assert.equal(await page.locator("#glance-consent").innerText(), "Opt-in");
    await screenshot(page, "privacy-hand-edited-manifest");
    assertNoProblems(page);

    const data = await request(other, "/privacy.json", { auth: null, version: null });
    assert.equal(data.status, 200);
    assert.equal("key_file" in data.json, false);
    assert.equal(data.json.purposes[0].description, m.purposes[0].description);
  } finally {
    await page.close();
    await other.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("/privacy under pseudonymous-only says display names are removed, not kept sealed", async () => {
  // Regression: with keep.display_names true the page said names were "kept
  // only sealed", but pseudonymous-only stores no identity, names included.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lrs-pages-pseudonymous-"));
  const m = { ...structuredClone(manifest), identity: "pseudonymous-only" };
  m.keep.display_names = true;
  const file = path.join(dir, "pseudonymous-only.json");
  fs.writeFileSync(file, JSON.stringify(m, null, 2));
  const other = await startLrs({ args: ["--manifest", file] });
  try {
    const raw = await request(other, "/privacy", { auth: null, version: null });
    assert.equal(raw.status, 200, raw.text);
    assert.match(raw.text, /Display names \(such as your full name\) are removed/);
    assert.doesNotMatch(raw.text, /names \(such as your full name\) are kept/);
  } finally {
    await other.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("/privacy renders every shipped manifest (manifests/*.json)", async () => {
  const dir = path.join(REPO_ROOT, "manifests");
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json") && !f.includes("schema"));
  assert.ok(files.length >= 1);
  for (const name of files) {
    const m = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
    const server = await startLrs({ args: ["--manifest", path.join(dir, name)] });
    const page = await browser.newPage();
    try {
      await page.goto(`${server.baseUrl}/privacy`);
      assert.equal(await page.locator("h1").innerText(), m.name, name);
      assert.equal(await page.locator("#glance-k").innerText(), `${m.k} people`, name);
      assert.equal(await page.locator("#glance-retention").innerText(), `${m.retention.statements_days} days`, name);
      assert.equal(await page.locator("#glance-consent").innerText(), m.consent.mode === "opt-in" ? "Opt-in" : "Opt-out", name);
      const collected = await page.locator("#collected").innerText();
      if (m.keep?.display_names === false) assert.match(collected, /names .* are removed/, name);
      await screenshot(page, `privacy-${path.basename(name, ".json")}`);
      assertNoProblems(page);
    } finally {
      await page.close();
      await server.stop();
    }
  }
});

// ---- /me --------------------------------------------------------------------

test("/me shows the learner's own records, with the token kept out of every URL", async () => {
  const { t, token } = await learnerWithRecords();
  const { page, response } = await openMe(token);
  assert.equal(response.status(), 200);
  const headers = await response.allHeaders();
  assertSecurityHeaders(headers, { script: true });
  assert.equal(headers["cache-control"], "no-store");

  const items = page.locator("#statements li");
  assert.equal(await items.count(), 3);
  const text = await page.locator("#statements").innerText();
  for (const expected of ["completed Activity 1", "attempted Activity 2", "experienced Activity 3"]) {
    assert.ok(text.includes(expected), `${expected} in ${text}`);
  }
  assert.ok(!text.includes("Activity 9"), "another learner's record is not shown");
  assert.equal(await page.locator("#statement-count").innerText(), "3");
  assert.match(await page.locator("#pseudonym").innerText(), /\S{16,}/);
  assert.match(await page.locator("#facts").innerText(), /completed Activity 1\s+1 record/);
  assert.ok(await page.locator("#audit-section").isVisible(), "who read the data is shown");
  assert.ok(await page.locator("#consent-history-empty, #consent-history").first().isVisible());

  assert.ok(!page.url().includes(token) && !page.url().includes("#"), `address bar cleared: ${page.url()}`);
  for (const r of page.seenRequests) assert.ok(!r.url.includes(token), `token in a URL: ${r.url}`);
  const api = page.seenRequests.filter((r) => new URL(r.url).pathname === "/privacy/me");
  assert.equal(api.length, 1);
  assert.equal(api[0].authorization, `Bearer ${token}`);
  const manifestRead = page.seenRequests.find((r) => new URL(r.url).pathname === "/privacy.json");
  assert.equal(manifestRead?.authorization, undefined, "the token goes to the learner API only");
  assert.ok(t);
  await screenshot(page, "me");
  assertNoProblems(page);
  await page.close();
});

test("/me's consent switch changes GET /privacy/consent, and back", async () => {
  const { learner, token } = await learnerWithRecords();
  const { page } = await openMe(token);
  const purpose = manifest.consent.purposes[0];
  const toggle = page.locator(`#consent-${purpose}`);
  const consentAsLms = async () => {
    const res = await request(lrs, `/privacy/consent?agent=${agentQuery(learner)}`, { version: null });
    assert.equal(res.status, 200, res.text);
    return res.json;
  };
  const before = (await consentAsLms()).purposes[purpose];
  assert.equal(await toggle.isChecked(), before === "granted");
  assert.equal(await toggle.getAttribute("role"), "switch");
  assert.ok((await page.locator(`label[for="consent-${purpose}"]`).innerText()).length > 0, "the switch has a label");

  await toggle.click();
  const flipped = before === "granted" ? "withdrawn" : "granted";
  await page.locator("#consent-status").filter({ hasText: flipped === "granted" ? "switched on" : "switched off" }).waitFor();
  assert.equal((await consentAsLms()).purposes[purpose], flipped);
  assert.equal(await toggle.isChecked(), flipped === "granted");
  assert.equal(await page.locator("#consent-history tbody tr").count(), 1, "the page re-read the history");
  if (flipped === "withdrawn") assert.ok(await page.locator("#erase-hint").isVisible(), "erasure is offered");
  await screenshot(page, "me-consent-switched");

  await toggle.click();
  await page.locator("#consent-history tbody tr").nth(1).waitFor();
  assert.equal((await consentAsLms()).purposes[purpose], before);
  assert.equal(await toggle.isChecked(), before === "granted");
  assertNoProblems(page);
  await page.close();
});

test("/me's download saves everything as one JSON file", async () => {
  const { token } = await learnerWithRecords();
  const { page } = await openMe(token);
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#download").click()]);
  assert.match(download.suggestedFilename(), /\.json$/);
  const saved = JSON.parse(fs.readFileSync(await download.path(), "utf8"));
  assert.equal(saved.statements.length, 3);
  assert.equal(saved.pseudonym, await page.locator("#pseudonym").innerText());
  await page.locator("#actions-status").filter({ hasText: "saved as" }).waitFor();
  assertNoProblems(page);
  await page.close();
});

test("/me's erase asks first: cancel keeps everything, confirm erases and shows the receipt", async () => {
  const { learner, other, token } = await learnerWithRecords();
  const { page } = await openMe(token);

  await page.locator("#erase").click();
  const confirm = page.locator("#erase-confirm");
  await confirm.waitFor({ state: "visible" });
  assert.equal(await page.locator("#erase").getAttribute("aria-expanded"), "true");
  assert.equal(await page.evaluate(() => document.activeElement.id), "erase-cancel", "the safe choice has focus");
  await screenshot(page, "me-erase-confirm");
  await page.locator("#erase-cancel").click();
  await confirm.waitFor({ state: "hidden" });
  assert.equal(await page.locator("#actions-status").innerText(), "Nothing was erased.");
  const kept = await meAsLearner(lrs, token);
  assert.equal(kept.status, 200, kept.text);
  assert.equal(kept.json.statements.length, 3, "cancel erased nothing");
  assert.equal((await lmsStatementsAbout(lrs, learner)).length, 3);

  await page.locator("#erase").click();
  await page.locator("#erase-confirm-button").click();
  const receipt = page.locator("#receipt");
  await receipt.waitFor({ state: "visible" });
  const receiptId = (await page.locator("#receipt-id").innerText()).trim();
  assert.ok(receiptId.length >= 8, `receipt id: ${receiptId}`);
  assert.ok((await page.locator("#receipt-at time").getAttribute("datetime")).length > 0);
  const erasedRows = await page.locator("#receipt-erased tr").allInnerTexts();
  assert.ok(erasedRows.some((row) => /Learning records\s+3/.test(row)), erasedRows.join(" | "));
  assert.ok(await page.locator("#content").isHidden(), "the erased data is gone from the page");
  await screenshot(page, "me-erased-receipt");

  const after = await meAsLearner(lrs, token);
  if (after.status === 200) assert.equal(after.json.statements.length, 0, after.text);
  else assert.ok([401, 404].includes(after.status), after.text);
  assert.equal((await lmsStatementsAbout(lrs, learner)).length, 0, "the LMS finds nothing either");
  assert.equal((await lmsStatementsAbout(lrs, other)).length, 1, "someone else's record stays");
  assertNoProblems(page);
  await page.close();
});

test("/me with an invalid, tampered or missing token says so and shows no data", async () => {
  const { token } = await learnerWithRecords();
  const tampered = token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA");
  for (const [name, bad] of [["invalid", "not-a-valid-token"], ["tampered", tampered]]) {
    const { page } = await openMe(bad, { waitFor: "#problem" });
    assert.match(await page.locator("#problem-title").innerText(), /expired or is not valid/);
    assert.match(await page.locator("#problem-text").innerText(), /LMS/);
    assert.ok(await page.locator("#content").isHidden());
    if (name === "invalid") await screenshot(page, "me-invalid-token");
    assertNoProblems(page);
    await page.close();
  }
  const { page } = await openMe(undefined, { waitFor: "#problem" });
  assert.match(await page.locator("#problem-title").innerText(), /needs a link/);
  assert.equal(page.seenRequests.filter((r) => r.url.includes("/privacy/me")).length, 0, "nothing asked without a token");
  assertNoProblems(page);
  await page.close();
});

test("/me tells a lost connection apart, and Try again recovers", async () => {
  const { token } = await learnerWithRecords();
  const page = await browser.newPage();
  await page.route("**/privacy/me", (route) => route.abort("internetdisconnected"));
  await page.goto(`${lrs.baseUrl}/me#token=${encodeURIComponent(token)}`);
  await page.locator("#problem").waitFor({ state: "visible" });
  assert.match(await page.locator("#problem-title").innerText(), /cannot be reached/);
  assert.ok(await page.locator("#retry").isVisible());
  await screenshot(page, "me-network-error");
  await page.unroute("**/privacy/me");
  await page.locator("#retry").click();
  await page.locator("#content").waitFor({ state: "visible" });
  assert.ok(await page.locator("#problem").isHidden());
  assert.equal(await page.locator("#statements li").count(), 3);
  assertNoProblems(page);
  await page.close();
});
