// Sources beyond feeds (issue 13): hostile markup in a Telegram post and in
// a GDELT title stays inert all the way to the webview. The sources and the
// watchlist are added with the CLI on the running app's archive (GDELT's
// endpoint is the fixture server's), polled once, and read in the app.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import http from "node:http";
import { withApp, screenshot } from "../lib/app.mjs";

const POST_TITLE = "Hostile channel post about Khorog";
// About another place than the post: two reports naming the same two places
// would rightly be one story, one row in the list.
const GDELT_TITLE = "Hostile GDELT title about Kulob";

const PAYLOAD = `
  <script>window.__outpostPwned = "tg-script";</script>
  <img src="x" onerror="window.__outpostPwned = 'tg-onerror'">
  <a href="javascript:window.__outpostPwned='tg-href'" onclick="window.__outpostPwned='tg-click'">click</a>
  <iframe src="javascript:window.parent.__outpostPwned='tg-iframe'"></iframe>
  <svg onload="window.__outpostPwned='tg-svg'"><circle r="4"/></svg>`;

// A channel preview page written from the documented markup.
function channelPage() {
  const at = new Date(Date.now() - 10 * 60 * 1000).toISOString();
  return `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<div class="tgme_channel_info"><div class="tgme_channel_info_header_title"><span>Hostile Desk</span></div></div>
<section class="tgme_channel_history"><div class="tgme_widget_message_wrap"><div class="tgme_widget_message" data-post="hostile_desk/1">
<div class="tgme_widget_message_bubble"><div class="tgme_widget_message_text" dir="auto">${POST_TITLE}<br>${PAYLOAD}</div>
<a class="tgme_widget_message_link_preview" href="javascript:window.__outpostPwned='preview'"><div class="link_preview_title">&lt;img src=x onerror=alert(1)&gt;</div></a>
<div class="tgme_widget_message_footer"><div class="tgme_widget_message_info"><span class="tgme_widget_message_views">5</span>
<span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/hostile_desk/1"><time datetime="${at}">x</time></a></span></div></div></div></div></div></section></body></html>`;
}

// A GDELT ArtList answer whose title carries markup.
function artList() {
  const d = new Date(Date.now() - 10 * 60 * 1000).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return JSON.stringify({
    articles: [
      {
        url: "https://evil.example/gdelt",
        title: `<img src=x onerror="window.__outpostPwned='gdelt'">${GDELT_TITLE}<script>window.__outpostPwned='gdelt-script'</script>`,
        seendate: d,
        domain: "evil.example",
        language: "English",
        sourcecountry: "Tajikistan",
      },
    ],
  });
}

let server;
let base;
before(async () => {
  server = http.createServer((req, res) => {
    const path = req.url.split("?")[0];
    if (path === "/s/hostile_desk") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(channelPage());
    } else if (path === "/doc") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(artList());
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(async () => {
  await new Promise((r) => server?.close(r));
});

const byId = (browser, id) => browser.$(`[data-testid="${id}"]`);

async function openRow(browser, title) {
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
    { timeout: 30000, timeoutMsg: `no alert row titled "${title}" appeared` },
  );
  await found.click();
  await byId(browser, "reader-title").waitForDisplayed({ timeout: 10000 });
}

test("hostile markup in a Telegram post and a GDELT title stays inert", async (t) => {
  await withApp(t, {}, async ({ browser, db }) => {
    // Asynchronous: the fixture server answers from this same process.
    const cli = (...args) => promisify(execFile)(process.env.OUTPOST_CLI, ["--db", db, ...args]);
    await cli("sources", "add", "--kind", "telegram", `${base}/s/hostile_desk`);
    await cli("sources", "add", "--kind", "gdelt", "Khorog", "--endpoint", `${base}/doc`);
    await cli("watchlists", "add", "--name", "Hostile", "--severity", "high", "--query", "Hostile");
    await cli("poll", "--once", "--all");

    await byId(browser, "nav-alerts").click();
    await openRow(browser, POST_TITLE);
    // Markup written as text (the link preview's title) stays text: the
    // check is on the elements and attributes the webview built.
    const live = (testid) =>
      browser.execute((id) => {
        const el = document.querySelector(`[data-testid="${id}"]`);
        const bad = [...el.querySelectorAll("*")].filter(
          (n) =>
            ["SCRIPT", "IMG", "IFRAME", "SVG", "FORM"].includes(n.tagName.toUpperCase()) ||
            [...n.attributes].some((a) => a.name.startsWith("on") || /^\s*javascript:/i.test(a.value)),
        );
        return bad.map((n) => n.outerHTML);
      }, testid);
    assert.deepEqual(await live("reader-body"), [], "the post's payloads were removed");
    assert.match(await byId(browser, "reader-body").getText(), /channel post about Khorog/);
    await screenshot(browser, "kinds-telegram-hostile");

    await openRow(browser, GDELT_TITLE);
    assert.deepEqual(await live("reader-title"), [], "the GDELT title is text");
    assert.match(await byId(browser, "reader-title").getText(), new RegExp(GDELT_TITLE.replace("Hostile ", "")));
    await screenshot(browser, "kinds-gdelt-hostile");

    assert.equal(await browser.execute(() => window.__outpostPwned ?? null), null, "no payload executed");
  });
});
