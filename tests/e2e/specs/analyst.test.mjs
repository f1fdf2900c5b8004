// The analyst's day, end to end in the real app: add a source, create a
// watchlist, poll, triage the alerts, search, and make sure hostile feed
// markup never runs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { withApp, screenshot } from "../lib/app.mjs";
import { startFeedServer, BORDER_TITLE, HOSTILE_TITLE } from "../lib/feeds.mjs";

let feeds;
before(async () => {
  feeds = await startFeedServer();
});
after(async () => {
  await feeds?.close();
});

const byId = (browser, id) => browser.$(`[data-testid="${id}"]`);

async function rowWithTitle(browser, title) {
  let found = null;
  await browser.waitUntil(
    async () => {
      for (const row of await browser.$$('[data-testid^="alert-row-"]')) {
        // Titles are elided on screen; match on the full text.
        if ((await browser.execute((el) => el.textContent, row)).includes(title)) {
          found = row;
          return true;
        }
      }
      return false;
    },
    { timeout: 30000, timeoutMsg: `no alert row titled "${title}" appeared` },
  );
  return found;
}

test("source, watchlist, poll, triage, search, and hostile markup stays inert", async (t) => {
  await withApp(t, {}, async ({ browser }) => {
    // A watchlist with a syntax error shows where the error is.
    await byId(browser, "nav-watchlists").click();
    await byId(browser, "watchlist-new").click();
    await byId(browser, "watchlist-name").setValue("Tajik-Afghan border");
    const query = byId(browser, "watchlist-query");
    await query.setValue('"Tajik-Afghan border" AND (');
    const error = byId(browser, "query-error");
    await error.waitForDisplayed({ timeout: 10000 });
    assert.equal(await error.getAttribute("data-column"), "28", "the error is at the end of the query");
    await screenshot(browser, "page-watchlists-error");

    await query.clearValue();
    await query.setValue('"Tajik-Afghan border"');
    await byId(browser, "query-ok").waitForDisplayed({ timeout: 10000 });
    await byId(browser, "watchlist-save").click();
    await browser.$('[data-testid^="watchlist-item-"]').waitForExist({ timeout: 10000 });
    await screenshot(browser, "page-watchlists");

    // Add the fixture site by its home page: the feed is discovered.
    await byId(browser, "nav-sources").click();
    await byId(browser, "source-url-input").setValue(feeds.url);
    await byId(browser, "source-add").click();
    const row = browser.$('[data-testid^="source-row-"]');
    await row.waitForExist({ timeout: 15000 });
    assert.match(await row.getText(), /Khatlon Fixture Wire/);
    await byId(browser, "poll-all").click();
    await browser.waitUntil(
      async () => /OK/.test(await browser.$('[data-testid^="source-health-"]').getText()),
      { timeout: 30000, timeoutMsg: "the source never reported a successful fetch" },
    );
    await screenshot(browser, "page-sources");

    // The alert appears live, with the phrase highlighted in the reader.
    await byId(browser, "nav-alerts").click();
    const border = await rowWithTitle(browser, BORDER_TITLE);
    await border.click();
    const title = byId(browser, "reader-title");
    await title.waitForDisplayed({ timeout: 10000 });
    const marks = await title.$$('[data-testid="mark"]');
    assert.ok(marks.length >= 1, "the matched phrase is highlighted in the title");
    assert.equal(await marks[0].getText(), "Tajik-Afghan border");
    await screenshot(browser, "page-alerts-reader");

    // Save it; dismiss another.
    await byId(browser, "save-button").click();
    await browser.waitUntil(async () => (await border.getAttribute("data-state")) === "saved", {
      timeout: 10000,
      timeoutMsg: "the alert was not saved",
    });
    const hostile = await rowWithTitle(browser, HOSTILE_TITLE);
    await hostile.click();
    await byId(browser, "reader-body").waitForDisplayed({ timeout: 10000 });
    const body = await byId(browser, "reader-body").getHTML();
    assert.doesNotMatch(body, /<script|onerror=|javascript:|<iframe|<form|onload=/i, "the sanitiser removed every payload");
    assert.equal(await browser.execute(() => window.__outpostPwned ?? null), null, "no payload executed");
    const hostileId = await hostile.getAttribute("data-testid");
    await byId(browser, "dismiss-button").click();
    // The default filter hides dismissed alerts.
    await browser.$(`[data-testid="${hostileId}"]`).waitForExist({
      reverse: true,
      timeout: 10000,
      timeoutMsg: "the dismissed alert stayed in the list",
    });
    // Even an inline script injected by hand cannot run under the CSP.
    const injected = await browser.execute(() => {
      const s = document.createElement("script");
      s.textContent = "window.__outpostPwned = 'inline'";
      document.body.appendChild(s);
      return window.__outpostPwned ?? null;
    });
    assert.equal(injected, null, "the Content-Security-Policy blocks inline scripts");

    // Full-text search finds the story, with the match marked.
    await byId(browser, "nav-search").click();
    const input = byId(browser, "search-input");
    await input.setValue("Khorog");
    await browser.keys("Enter");
    const hit = browser.$('[data-testid^="search-hit-"]');
    await hit.waitForExist({ timeout: 10000 });
    assert.match(await hit.getText(), /Khorog/);
    assert.ok((await hit.$$("mark")).length >= 1, "the snippet marks the match");
    await screenshot(browser, "page-search");

    for (const page of ["saved", "settings"]) {
      await byId(browser, `nav-${page}`).click();
      await browser.pause(300);
      await screenshot(browser, `page-${page}`);
    }
    assert.match(await byId(browser, "nav-saved").getText(), /Saved/);
  });
});
