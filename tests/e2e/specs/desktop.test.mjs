// Living on the desktop (issue 16), tested rather than assumed: the tray item
// registers with a StatusNotifierWatcher on the private D-Bus and carries the
// unread count, and a click on an alert's notification (the notification
// server's ActionInvoked, sent by dunst) brings the hidden window back to
// the front showing that alert.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { withApp, screenshot } from "../lib/app.mjs";
import { startFeedServer, BORDER_TITLE } from "../lib/feeds.mjs";

let feeds;
before(async () => {
  feeds = await startFeedServer();
});
after(async () => {
  await feeds?.close();
});

const byId = (browser, id) => browser.$(`[data-testid="${id}"]`);
const run = (cmd, args) => execFileSync(cmd, args, { encoding: "utf8" });

/** Items the tray watcher (lib/sni-watcher.py) has seen register, oldest first. */
function trayItems() {
  return readFileSync(process.env.OUTPOST_SNI_ITEMS, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** One property of a StatusNotifierItem, as gdbus prints its value. */
function itemProperty(item, name) {
  return run("gdbus", [
    "call", "--session", "--dest", item.sender, "--object-path", item.path,
    "--method", "org.freedesktop.DBus.Properties.Get", "org.kde.StatusNotifierItem", name,
  ]).trim();
}

/** Calls a Tauri command of the app from the page, as the UI does. */
async function invoke(browser, cmd, args = {}) {
  const r = await browser.executeAsync(
    (c, a, done) => window.__TAURI_INTERNALS__.invoke(c, a).then((v) => done({ v }), (e) => done({ e })),
    cmd,
    args,
  );
  if (r.e) throw new Error(`${cmd}: ${JSON.stringify(r.e)}`);
  return r.v;
}

/** Adds the fixture source and waits until its first fetch succeeded. */
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

const watchlist = (name, query, severity) => ({
  name,
  query,
  severity,
  notify: true,
  scope_sources: [],
  scope_langs: [],
  color: "#3b82f6",
});

test("the tray item registers on the session bus and shows the unread count", async (t) => {
  const before = trayItems().length;
  await withApp(t, {}, async ({ browser }) => {
    await byId(browser, "status-bar").waitForExist({ timeout: 15000 });
    await browser.waitUntil(async () => trayItems().length > before, {
      timeout: 15000,
      timeoutMsg: "the app's tray item never registered with the StatusNotifierWatcher",
    });
    const item = trayItems().at(-1);
    assert.match(item.path, /^\/org\/ayatana\/NotificationItem\//, "an appindicator item");
    assert.match(itemProperty(item, "Status"), /'Active'/, "the item is shown, not passive");
    // Linux trays have no tooltip for appindicator items (the item exports
    // no ToolTip property), so the count is the item's label, beside the icon.
    assert.match(itemProperty(item, "XAyatanaLabel"), /<'0'>/, "an empty archive has nothing unread");

    await invoke(browser, "save_watchlist", { id: null, input: watchlist("Border", '"Tajik-Afghan border"', "low"), backfill: false });
    await addPolledSource(browser);
    const info = await invoke(browser, "app_info");
    assert.ok(info.unread >= 1, `the fixture feed makes unread alerts, saw ${info.unread}`);
    await browser.waitUntil(async () => itemProperty(item, "XAyatanaLabel").includes(`'${info.unread}'`), {
      timeout: 15000,
      timeoutMsg: `the tray label never showed ${info.unread} unread: ${itemProperty(item, "XAyatanaLabel")}`,
    });
    // Reading one story takes one off the count, in the tray as in the badge.
    await byId(browser, "nav-alerts").click();
    await browser.$('[data-testid^="alert-row-"]').click();
    await byId(browser, "reader-title").waitForDisplayed({ timeout: 10000 });
    await browser.waitUntil(async () => itemProperty(item, "XAyatanaLabel").includes(`'${info.unread - 1}'`), {
      timeout: 15000,
      timeoutMsg: `the tray label did not drop to ${info.unread - 1}: ${itemProperty(item, "XAyatanaLabel")}`,
    });
    const left = info.unread - 1;
    if (left > 0) assert.equal(await byId(browser, "badge-alerts").getText(), String(left), "the Alerts badge agrees with the tray");
    else assert.equal(await byId(browser, "badge-alerts").isExisting(), false, "no Alerts badge when nothing is unread");
  });
});

test("a click on an alert's notification brings the window to the front on that alert", async (t) => {
  await withApp(t, {}, async ({ browser }) => {
    await byId(browser, "status-bar").waitForExist({ timeout: 15000 });
    // Critical, so the notification stays on screen until it is acted on;
    // the query matches one fixture article, so there is one notification.
    await invoke(browser, "save_watchlist", { id: null, input: watchlist("Khorog", "Khorog", "critical"), backfill: false });
    run("dunstctl", ["close-all"]);
    await addPolledSource(browser);
    await browser.waitUntil(async () => Number(run("dunstctl", ["count", "displayed"])) === 1, {
      timeout: 20000,
      timeoutMsg: `dunst shows ${run("dunstctl", ["count", "displayed"]).trim()} notifications, not the one alert's`,
    });
    // Away from the alerts, and hidden as after a close to the tray.
    await byId(browser, "nav-settings").click();
    await byId(browser, "settings-form").waitForExist({ timeout: 10000 });
    run("xdotool", ["search", "--sync", "--onlyvisible", "--name", "^Outpost$", "windowunmap", "--sync"]);
    await browser.waitUntil(async () => (await browser.execute(() => document.visibilityState)) === "hidden", {
      timeout: 10000,
      timeoutMsg: "the window did not hide",
    });

    // dunst invokes the notification's default action: ActionInvoked(id, "default").
    run("dunstctl", ["action", "0"]);
    await browser.waitUntil(async () => (await browser.execute(() => document.visibilityState)) === "visible", {
      timeout: 15000,
      timeoutMsg: "the window did not come back after the notification was clicked",
    });
    assert.ok(run("xdotool", ["search", "--onlyvisible", "--name", "^Outpost$"]).trim(), "the window is mapped again");
    const title = byId(browser, "reader-title");
    await title.waitForDisplayed({ timeout: 15000 });
    assert.match(await title.getText(), /Khorog/, "the reader shows the notified alert");
    assert.equal(await title.getText(), BORDER_TITLE);
    assert.match(await byId(browser, "nav-alerts").getAttribute("class"), /active/, "the Alerts page is open");
    await screenshot(browser, "notification-click");
  });
});
