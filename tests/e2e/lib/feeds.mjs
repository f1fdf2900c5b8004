// A fixture feed server on 127.0.0.1 for the end-to-end specs. It serves a
// regional RSS feed whose items the specs' watchlists match, including one
// hostile item whose payloads must never execute in the app.
import http from "node:http";

export const BORDER_TITLE = "Clashes reported on the Tajik-Afghan border near Khorog";
export const OTHER_TITLE = "Tajik Afghan border crossing at Panji Poyon reopens for trade";
export const HOSTILE_TITLE = "Tajik-Afghan border: hostile markup test";

function rss(base) {
  const hostile = `
    <p>Border guards said <b>three</b> people were hurt.</p>
    <script>window.__outpostPwned = "script";</script>
    <img src="x" onerror="window.__outpostPwned = 'onerror'">
    <a href="javascript:window.__outpostPwned='href'">click</a>
    <iframe src="javascript:window.parent.__outpostPwned='iframe'"></iframe>
    <svg onload="window.__outpostPwned='svg'"><circle r="4"/></svg>
    <form action="https://example.invalid/steal"><input name="q"></form>`;
  const now = new Date().toUTCString();
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
  <title>Khatlon Fixture Wire</title>
  <link>${base}/</link>
  <description>Fixture feed for Outpost's end-to-end tests</description>
  <item>
    <title>${BORDER_TITLE}</title>
    <link>${base}/news/1</link>
    <guid>fixture-1</guid>
    <pubDate>${now}</pubDate>
    <description>Border guards exchanged fire with smugglers on the Tajik-Afghan border overnight, officials in Khorog said.</description>
  </item>
  <item>
    <title>${OTHER_TITLE}</title>
    <link>${base}/news/2</link>
    <guid>fixture-2</guid>
    <pubDate>${now}</pubDate>
    <description>Traders welcomed the reopening of the Tajik–Afghan border crossing after two weeks.</description>
  </item>
  <item>
    <title>${HOSTILE_TITLE}</title>
    <link>${base}/news/3</link>
    <guid>fixture-3</guid>
    <pubDate>${now}</pubDate>
    <description><![CDATA[${hostile}]]></description>
  </item>
  <item>
    <title>Uzbekistan opens new rail terminal in Termez</title>
    <link>${base}/news/4</link>
    <guid>fixture-4</guid>
    <pubDate>${now}</pubDate>
    <description>The terminal will handle cargo bound for Mazar-i-Sharif.</description>
  </item>
</channel>
</rss>`;
}

/** Starts the server; resolves to { url, close }. */
export function startFeedServer() {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      const base = `http://127.0.0.1:${server.address().port}`;
      if (req.url === "/feed.xml") {
        res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" });
        res.end(rss(base));
      } else if (req.url === "/") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        res.end(`<html><head><title>Khatlon Fixture Wire</title>
          <link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>News</body></html>`);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    server.listen(0, "127.0.0.1", () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      resolve({ url, feedUrl: `${url}/feed.xml`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/**
 * Serves `count` small feeds at /feeds/N.xml, each answered after `delayMs`
 * (a slow site, so a poll lasts long enough to be seen), and writes an OPML
 * file listing them for `outpost sources import`. Resolves to { url, opml,
 * lastRequestAt(), requests(), close }.
 */
export function startManyFeeds({ count, delayMs = 0, opmlPath }) {
  let last = 0;
  let served = 0;
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      const m = /^\/feeds\/(\d+)\.xml$/.exec(req.url ?? "");
      if (!m) {
        res.writeHead(404);
        res.end();
        return;
      }
      const base = `http://127.0.0.1:${server.address().port}`;
      setTimeout(() => {
        last = Date.now();
        served += 1;
        res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" });
        res.end(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire ${m[1]}</title><link>${base}/</link><description>Fixture</description>
<item><title>Market day in Khorog, number ${m[1]}</title><link>${base}/news/${m[1]}</link><guid>many-${m[1]}</guid>
<pubDate>${new Date().toUTCString()}</pubDate><description>Traders met.</description></item>
</channel></rss>`);
      }, delayMs);
    });
    server.listen(0, "127.0.0.1", async () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      const outlines = Array.from(
        { length: count },
        (_, i) => `<outline type="rss" text="Wire ${i}" xmlUrl="${url}/feeds/${i}.xml"/>`,
      ).join("\n");
      const { writeFileSync } = await import("node:fs");
      writeFileSync(opmlPath, `<?xml version="1.0"?><opml version="2.0"><head><title>Wires</title></head><body>\n${outlines}\n</body></opml>\n`);
      resolve({
        url,
        opml: opmlPath,
        lastRequestAt: () => last,
        requests: () => served,
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}
