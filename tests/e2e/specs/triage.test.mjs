// The triage loop, safe and truthful (issue 20), end to end in the real app:
// a backfill shows in the unfiltered list, keys typed after a missed click
// dismiss nothing, undo restores a saved, annotated alert exactly, a notice
// never moves the page, the poll bar goes when the poll ends, and an edited
// source's interval is used.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { withApp, screenshot } from "../lib/app.mjs";
import { startFeedServer, BORDER_TITLE, OTHER_TITLE } from "../lib/feeds.mjs";

let feeds;
before(async () => {
  feeds = await startFeedServer();
});
after(async () => {
  await feeds?.close();
});

const byId = (browser, id) => browser.$(`[data-testid="${id}"]`);

async function rowWithTitle(browser, title, timeout = 30000) {
  let found = null;
  await browser.waitUntil(
    async () => {
      for (const row of await browser.$$('[data-testid^="alert-row-"]')) {
        if ((await browser.execute((el) => el.textContent, row)).includes(title)) {
          found = row;
          return true;
        }
      }
      return false;
    },
    { timeout, timeoutMsg: `no alert row titled "${title}" appeared` },
  );
  return found;
}

async function rowCount(browser) {
  return (await browser.$$('[data-testid^="alert-row-"]')).length;
}

/** Adds the fixture source, polls it, and waits for a successful fetch. */
async function addPolledSource(browser) {
  await byId(browser, "nav-sources").click();
  await byId(browser, "source-url-input").setValue(feeds.url);
  await byId(browser, "source-add").click();
  await browser.$('[data-testid^="source-row-"]').waitForExist({ timeout: 15000 });
  await byId(browser, "poll-all").click();
  await browser.waitUntil(async () => /OK/.test(await browser.$('[data-testid^="source-health-"]').getText()), {
    timeout: 30000,
    timeoutMsg: "the source never reported a successful fetch",
  });
}

async function newWatchlist(browser, name, query, backfill) {
  await byId(browser, "nav-watchlists").click();
  await byId(browser, "watchlist-new").click();
  await byId(browser, "watchlist-name").setValue(name);
  await byId(browser, "watchlist-query").setValue(query);
  await byId(browser, "query-ok").waitForDisplayed({ timeout: 10000 });
  const box = byId(browser, "watchlist-backfill");
  if ((await box.isSelected()) !== backfill) await box.click();
  await byId(browser, "watchlist-save").click();
  await browser.$('[data-testid^="watchlist-item-"]').waitForExist({ timeout: 10000 });
}

/** Top of an element in the viewport, in CSS pixels. */
async function topOf(browser, el) {
  return browser.execute((e) => e.getBoundingClientRect().top, el);
}

test("a backfill shows its alerts in the unfiltered list, and triage survives stray keys with undo", async (t) => {
  await withApp(t, {}, async ({ browser }) => {
    await addPolledSource(browser);
    // Issue 20, item 1: the alerts of a backfill appeared only under a filter.
    await byId(browser, "nav-alerts").click();
    await newWatchlist(browser, "Border", '"Tajik-Afghan border" OR "Panji Poyon"', true);
    await byId(browser, "nav-alerts").click();
    assert.equal(await byId(browser, "filter-watchlist").getValue(), "", "the list is unfiltered");
    // Rows are re-rendered as the list refetches: find them by id each time.
    const id = await (await rowWithTitle(browser, BORDER_TITLE)).getAttribute("data-testid");
    const border = { click: () => byId(browser, id).click(), getAttribute: (a) => byId(browser, id).getAttribute(a) };
    await rowWithTitle(browser, OTHER_TITLE);
    assert.equal(await byId(browser, "alerts-none-yet").isExisting(), false);
    const before = await rowCount(browser);

    // Save and annotate one alert.
    await border.click();
    await byId(browser, "reader-title").waitForDisplayed({ timeout: 10000 });
    const header = await browser.$(".page-header");
    const headerTop = await topOf(browser, header);
    await byId(browser, "save-button").click();
    // Issue 20, item 2: a notice pushed the page down by 40 px.
    await byId(browser, "info-banner").waitForDisplayed({ timeout: 10000 });
    assert.equal(await topOf(browser, header), headerTop, "the page did not move when the notice appeared");
    assert.equal(await topOf(browser, await byId(browser, "reader-title")) > headerTop, true);
    await screenshot(browser, "page-alerts-notice");
    const note = byId(browser, "note-input");
    await note.setValue("Checked with the border guard statement");
    await byId(browser, "note-save").click();
    await byId(browser, "tag-input").setValue("verify");
    await browser.keys("Enter");
    await byId(browser, "tag-verify").waitForExist({ timeout: 10000 });

    // Issue 20, item 2: a click 9 px below the note box, then typing.
    const size = await note.getSize();
    await note.click({ y: Math.round(size.height / 2) + 9 });
    await browser.keys("seen near the border e e e".split(""));
    await browser.pause(800);
    assert.equal(await rowCount(browser), before, "typing after a missed click dismissed nothing");
    assert.equal(await border.getAttribute("data-state"), "saved");
    await screenshot(browser, "page-alerts-missed-click");

    // Dismiss asks first for a saved, annotated alert; z undoes it exactly.
    await border.click();
    await browser.pause(1200);
    await browser.keys("e");
    await byId(browser, "confirm-dismiss").waitForDisplayed({ timeout: 5000 });
    await screenshot(browser, "page-alerts-confirm-dismiss");
    await byId(browser, "confirm-dismiss-yes").click();
    await browser.$(`[data-testid="${id}"]`).waitForExist({ reverse: true, timeout: 10000 });
    await browser.pause(1200);
    await browser.keys("z");
    const back = browser.$(`[data-testid="${id}"]`);
    await back.waitForExist({ timeout: 10000, timeoutMsg: "z did not bring the dismissed alert back" });
    assert.equal(await back.getAttribute("data-state"), "saved");
    await back.click();
    await byId(browser, "tag-verify").waitForExist({ timeout: 10000 });
    assert.equal(await byId(browser, "note-input").getValue(), "Checked with the border guard statement");
    await screenshot(browser, "page-alerts-undo");
  });
});

test("the poll bar goes when the poll ends, and an edited source's interval is used", async (t) => {
  await withApp(t, {}, async ({ browser }) => {
    await addPolledSource(browser);
    // Issue 20, item 3: the poll bar stayed for ten minutes after a poll.
    await browser.waitUntil(async () => !(await byId(browser, "progress-bar").isExisting()), {
      timeout: 10000,
      timeoutMsg: "the poll bar stayed after the poll ended",
    });
    const status = await browser.execute(() => document.querySelector('[data-testid="poll-status"]')?.textContent ?? "");
    assert.match(status, /last poll \S+.*· next \S+/);

    // Issue 20, item 5: sources were add-only.
    const row = browser.$('[data-testid^="source-row-"]');
    const sid = (await row.getAttribute("data-testid")).replace("source-row-", "");
    await byId(browser, `source-edit-${sid}`).click();
    await byId(browser, "source-editor").waitForDisplayed({ timeout: 5000 });
    await byId(browser, "edit-name").setValue("Khatlon Wire (edited)");
    await byId(browser, "edit-interval").setValue("1");
    await byId(browser, "edit-folder").setValue("Tajikistan");
    await byId(browser, "edit-tags").setValue("tj, wire");
    await screenshot(browser, "page-sources-editor");
    await byId(browser, "edit-save").click();
    await byId(browser, "source-editor").waitForExist({ reverse: true, timeout: 10000 });
    await browser.waitUntil(async () => (await row.getAttribute("data-interval")) === "60", {
      timeout: 10000,
      timeoutMsg: "the new interval was not stored",
    });
    assert.match(await row.getText(), /Khatlon Wire \(edited\)/);
    assert.match(await row.getText(), /Tajikistan/);
    const last = Date.parse(await row.getAttribute("data-last-fetch"));
    const next = Date.parse(await row.getAttribute("data-next-fetch"));
    assert.equal(next - last, 60_000, "the next poll follows the new interval");

    // "Add anyway" keeps a source that answers 404, with advice for a 404.
    await byId(browser, "source-url-input").setValue(`${feeds.url}/moved.xml`);
    await byId(browser, "source-add").click();
    const err = byId(browser, "source-add-error");
    await err.waitForDisplayed({ timeout: 15000 });
    assert.match(await err.getText(), /The feed address is wrong or moved/);
    await byId(browser, "source-add-anyway").click();
    await browser.waitUntil(async () => (await browser.$$('[data-testid^="source-row-"]')).length === 2, {
      timeout: 15000,
      timeoutMsg: "the failing source was not kept",
    });
    await screenshot(browser, "page-sources-edited");
  });
});
