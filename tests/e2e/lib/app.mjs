// Starts the real Outpost app through tauri-driver and hands the WebdriverIO
// browser to a spec. Each app gets a fresh database under the artifacts
// folder; on failure the spec's `t` hook saves a screenshot there.
import { remote } from "webdriverio";
import { mkdirSync } from "node:fs";
import path from "node:path";

export const ARTIFACTS = process.env.OUTPOST_ARTIFACTS ?? path.resolve("../artifacts/e2e");

let counter = 0;

/**
 * Launches the app on a new empty database and waits for the UI to boot.
 * `prepare(db, dir)` runs first, to fill the database (with the CLI) before
 * the app opens it.
 */
export async function launchApp({ seed = false, extraArgs = [], prepare = null } = {}) {
  counter += 1;
  const dir = path.join(ARTIFACTS, `run-${process.pid}-${counter}`);
  mkdirSync(dir, { recursive: true });
  const db = path.join(dir, "outpost.db");
  if (prepare) await prepare(db, dir);
  const args = ["--db", db, ...(seed ? [] : ["--no-seed"]), ...extraArgs];
  const browser = await remote({
    hostname: "127.0.0.1",
    port: Number(process.env.E2E_DRIVER_PORT ?? 4444),
    logLevel: "warn",
    connectionRetryCount: 0,
    capabilities: {
      browserName: "wry",
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: process.env.OUTPOST_APP, args },
    },
  });
  return { browser, db, dir };
}

/** Saves a screenshot named after the test; used on failure and for docs. */
export async function screenshot(browser, name) {
  const file = path.join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, "_")}.png`);
  await browser.saveScreenshot(file);
  return file;
}

/**
 * Runs `body` with a launched app; on error saves a screenshot first, and
 * always ends the session so the next spec starts clean.
 */
export async function withApp(t, options, body) {
  const app = await launchApp(options);
  try {
    await body(app);
  } catch (err) {
    await screenshot(app.browser, `FAILED-${t.name}`).catch(() => {});
    throw err;
  } finally {
    await app.browser.deleteSession().catch(() => {});
  }
}
