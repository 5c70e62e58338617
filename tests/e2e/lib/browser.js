// Headless Chromium for the page tests: Debian's /usr/bin/chromium (installed
// by `scripts/setup.sh --test`) driven by playwright-core, which brings no
// browser of its own.
//
// Invariants:
// - Each browser gets a fresh profile in a temp dir (--user-data-dir, through
//   launchPersistentContext), removed by close(): no state leaks between runs.
// - The browser reaches only what the page asks for: background networking,
//   component updates and sync are off.
// - Content-Security-Policy reports and uncaught errors are recorded on the
//   page (page.problems), so a test can assert that the policy blocked nothing
//   of the page's own and its script never threw. (Failed requests are not
//   problems: the tests cause 401s and dropped connections on purpose.)

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { REPO_ROOT } from "./harness.js";

export const CHROMIUM = process.env.LRS_CHROMIUM || "/usr/bin/chromium";
/** Where every run leaves its screenshots: build/screenshots in the repo. */
export const SCREENSHOTS_DIR = path.join(REPO_ROOT, "build", "screenshots");

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Starts Chromium with a fresh profile. Returns {context, newPage, close}.
 * newPage() gives a page whose `problems` array collects CSP reports and
 * uncaught exceptions.
 */
export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: run scripts/setup.sh --test (or set LRS_CHROMIUM)`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "lrs-chromium-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1024, height: 800 },
      acceptDownloads: true,
      locale: "en-US",
      timezoneId: "UTC",
    });
  } catch (e) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.problems = [];
      page.on("console", (message) => {
        const text = message.text();
        if (/Content Security Policy|Refused to/i.test(text)) page.problems.push(`CSP: ${text}`);
      });
      page.on("pageerror", (error) => page.problems.push(`page error: ${error.message}`));
      return page;
    },
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A full-page PNG under build/screenshots/, named `name`.png; returns its path. */
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const file = path.join(SCREENSHOTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
