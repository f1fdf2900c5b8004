// Issue 18, item 2, "idle means idle": the progress bar is gone within 2 s
// of a poll's end, also when the first poll ended before the page loaded
// (its events went nowhere), and both hold on a machine whose every core is
// busy, as an app started at login finds it. The bug: after a missed last
// event "Polling sources" and its animation stayed for over five minutes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { withApp, screenshot } from "../lib/app.mjs";
import { startManyFeeds } from "../lib/feeds.mjs";

// A busy loop per core for the whole file, at normal priority.
let hogs = [];
before(() => {
  hogs = os.cpus().map(() => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
});
after(() => {
  for (const h of hogs) h.kill("SIGKILL");
});

/** Imports the feeds into a fresh database, so the app polls them at start. */
function importer(feedsOptions, holder) {
  return async (db, dir) => {
    holder.feeds = await startManyFeeds({ ...feedsOptions, opmlPath: path.join(dir, "feeds.opml") });
    execFileSync(process.env.OUTPOST_CLI, ["--db", db, "sources", "import", holder.feeds.opml], { stdio: "ignore" });
  };
}

/**
 * Watches, inside the page, the backend's poll state and the bar, until a
 * poll is over and the bar is gone. Times are the page's own
 * (performance.now()), so WebDriver's delays on a busy machine do not count.
 */
async function watchPollEnd(browser, timeoutMs) {
  await browser.setTimeout({ script: timeoutMs + 30000 });
  return browser.executeAsync(async (timeoutMs, done) => {
    const invoke = window.__TAURI_INTERNALS__.invoke;
    const mounted = performance.getEntriesByName("outpost:mounted")[0]?.startTime ?? null;
    const start = performance.now();
    let sawPoll = false;
    let sawBar = false;
    let pollEnd = null;
    let firstState = undefined;
    while (performance.now() - start < timeoutMs) {
      const s = await invoke("poll_state");
      const now = performance.now();
      if (firstState === undefined) firstState = s.progress;
      const bar = document.querySelector('[data-testid="progress-bar"]');
      if (bar) sawBar = true;
      if (s.progress) {
        sawPoll = true;
        pollEnd = null;
      } else if (pollEnd === null) {
        pollEnd = now;
      }
      if (pollEnd !== null && !bar) {
        done({ sawPoll, sawBar, firstState, mounted, pollEnd, barGone: now, timeOrigin: performance.timeOrigin });
        return;
      }
      await new Promise((r) => setTimeout(r, 40));
    }
    done({ sawPoll, sawBar, firstState, mounted, pollEnd, barGone: null, timeOrigin: performance.timeOrigin });
  }, timeoutMs);
}

test("the first poll ended before the page loaded: no bar is left behind", async (t) => {
  const holder = {};
  try {
    await withApp(t, { prepare: importer({ count: 6 }, holder) }, async ({ browser }) => {
      await browser.$('[data-testid="status-bar"]').waitForExist({ timeout: 60000 });
      const r = await watchPollEnd(browser, 60000);
      t.diagnostic(JSON.stringify(r));
      assert.equal(holder.feeds.requests(), 6, "the app polled every feed at start");
      assert.ok(r.mounted !== null, "the shell marked its start");
      assert.ok(
        holder.feeds.lastRequestAt() < r.timeOrigin + r.mounted,
        "the poll was over before the page started, so its events went nowhere",
      );
      assert.equal(r.firstState, null, "no poll runs any more");
      assert.ok(r.barGone !== null, "the bar went");
      const from = Math.max(r.pollEnd, r.mounted);
      assert.ok(r.barGone - from < 2000, `the bar was gone ${Math.round(r.barGone - from)} ms after the page started`);
      // And it stays gone: idle is idle.
      await browser.pause(1500);
      assert.equal(await browser.$('[data-testid="progress-bar"]').isExisting(), false);
    });
  } finally {
    await holder.feeds?.close();
  }
});

test("a poll the page watched: its bar is gone within 2 s of its end", async (t) => {
  const holder = {};
  try {
    // 12 slow feeds on one host, 2 at a time: a poll of a few seconds.
    await withApp(t, { prepare: importer({ count: 12, delayMs: 700 }, holder) }, async ({ browser }) => {
      await browser.$('[data-testid="status-bar"]').waitForExist({ timeout: 60000 });
      const r = await watchPollEnd(browser, 90000);
      t.diagnostic(JSON.stringify(r));
      assert.ok(r.sawPoll && r.sawBar, "the page saw the poll run, with its bar");
      assert.ok(r.barGone !== null, "the bar went");
      assert.ok(r.barGone - r.pollEnd < 2000, `the bar was gone ${Math.round(r.barGone - r.pollEnd)} ms after the poll's end`);
      assert.equal(holder.feeds.requests(), 12, "every feed was polled");
      await screenshot(browser, "idle-after-poll");
    });
  } finally {
    await holder.feeds?.close();
  }
});
