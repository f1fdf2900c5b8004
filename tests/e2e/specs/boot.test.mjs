// The window opens and shows data that came from the backend.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withApp, screenshot } from "../lib/app.mjs";

test("the window opens and shows backend data", async (t) => {
  await withApp(t, {}, async ({ browser, db }) => {
    assert.equal(await browser.getTitle(), "Outpost");
    const status = await browser.$('[data-testid="db-path"]');
    await status.waitForExist({ timeout: 15000 });
    // The path is elided on screen; its full text comes from app_info.
    await browser.waitUntil(async () => (await browser.execute((el) => el.textContent, status)) === db, {
      timeout: 15000,
      timeoutMsg: "the status bar never showed the database path from app_info",
    });
    const bar = await browser.$('[data-testid="status-bar"]').getText();
    assert.match(bar, /Outpost \d+\.\d+\.\d+/, "the version comes from the backend");
    assert.match(bar, /0 sources · 0 articles · 0 watchlists/, "a --no-seed archive starts empty");
    await screenshot(browser, "boot");
  });
});

test("a first run loads the regional sources and example watchlists", async (t) => {
  await withApp(t, { seed: true }, async ({ browser }) => {
    const counts = await browser.$('[data-testid="status-counts"]');
    await counts.waitForExist({ timeout: 15000 });
    const text = await counts.getText();
    const sources = Number(/(\d+) sources/.exec(text)?.[1]);
    const watchlists = Number(/(\d+) watchlists/.exec(text)?.[1]);
    assert.ok(sources >= 15, `the default pack has many sources, saw: ${text}`);
    assert.equal(watchlists, 4, `four example watchlists, saw: ${text}`);
    // Issue 16: the first run explains itself; unticking a pack removes it.
    await browser.$('[data-testid="welcome"]').waitForDisplayed({ timeout: 15000 });
    await browser.$('[data-testid="welcome-pack-Humanitarian"]').click();
    await browser.$('[data-testid="welcome-start"]').click();
    await browser.$('[data-testid="welcome"]').waitForExist({ reverse: true, timeout: 10000 });
    await browser.waitUntil(async () => Number(/(\d+) sources/.exec(await counts.getText())?.[1]) < sources, {
      timeout: 10000,
      timeoutMsg: "the Humanitarian pack's sources were not removed",
    });
  });
});

test("the webview cannot be navigated away from the app", async (t) => {
  await withApp(t, {}, async ({ browser }) => {
    await browser.$('[data-testid="status-bar"]').waitForExist({ timeout: 15000 });
    const origin = await browser.execute(() => window.location.origin);
    await browser.execute(() => {
      window.location.href = "http://127.0.0.1:9/elsewhere";
    });
    await browser.pause(1500);
    assert.equal(await browser.execute(() => window.location.origin), origin, "navigation was blocked");
    assert.equal(await browser.getTitle(), "Outpost");
  });
});
