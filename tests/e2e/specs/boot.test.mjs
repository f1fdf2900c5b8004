// The window opens and shows data that came from the backend.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withApp, screenshot } from "../lib/app.mjs";

test("the window opens and shows backend data", async (t) => {
  await withApp(t, {}, async ({ browser, db }) => {
    assert.equal(await browser.getTitle(), "Outpost");
    const status = await browser.$('[data-testid="db-path"]');
    await status.waitForExist({ timeout: 15000 });
    await browser.waitUntil(async () => (await status.getText()).includes(db), {
      timeout: 15000,
      timeoutMsg: "the status bar never showed the database path from app_info",
    });
    const version = await browser.$('[data-testid="app-version"]').getText();
    assert.match(version, /\d+\.\d+\.\d+/);
    await screenshot(browser, "boot");
  });
});
