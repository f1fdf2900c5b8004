// Alert-list rendering benchmark in a real browser engine (headless Chromium):
// time to first render and scrolling with 100,000 alerts, side by side with a
// baseline measured in the same run (a naive, non-windowed list of 2,000 rows).
//
//   cd ui && node bench/render-100k.mjs [runs]
//
// It builds bench/bench.html in production mode (as the app ships), serves it
// on 127.0.0.1, and drives /usr/bin/chromium through playwright-core.
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { build } from "vite";

const ui = resolve(fileURLToPath(import.meta.url), "../..");
const runs = Number(process.argv[2] ?? 3);
const STEPS = 100;
const out = await mkdtemp(join(tmpdir(), "outpost-bench-"));

await build({
  root: ui,
  logLevel: "warn",
  build: { outDir: out, emptyOutDir: true, rollupOptions: { input: resolve(ui, "bench/bench.html") } },
});

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };
const server = createServer((req, res) => {
  const path = normalize(join(out, decodeURIComponent(new URL(req.url, "http://x").pathname)));
  if (!path.startsWith(out)) return res.writeHead(403).end();
  res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
  createReadStream(path).on("error", () => res.end()).pipe(res);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}/bench/bench.html`;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});

async function once(mode) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${base}?mode=${mode}&alerts=100000&steps=${STEPS}`);
  await page.waitForFunction(() => window.__result || window.__error, null, { timeout: 300_000 });
  const err = await page.evaluate(() => window.__error);
  if (err) throw new Error(`${mode}: ${err}`);
  const r = await page.evaluate(() => window.__result);
  await page.close();
  return r;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
for (const mode of ["naive", "virtual", "virtual-all"]) {
  const rs = [];
  for (let i = 0; i < runs; i++) rs.push(await once(mode));
  results[mode] = {
    rowsInDom: rs[0].rowsInDom,
    stories: rs[0].stories,
    firstSync: median(rs.map((r) => r.firstRenderSyncMs)),
    firstPaint: median(rs.map((r) => r.firstRenderPaintMs)),
    scrollSyncMean: median(rs.map((r) => r.scrollSync.median)),
    scrollSyncP95: median(rs.map((r) => r.scrollSync.p95)),
    scrollFrameMean: median(rs.map((r) => r.scrollFrame.median)),
    scrollFrameP95: median(rs.map((r) => r.scrollFrame.p95)),
    jankyFrames: median(rs.map((r) => r.scrollFrame.over16)),
  };
}
await browser.close();
server.close();
await rm(out, { recursive: true, force: true });

const load = (await import("node:os")).loadavg()[0];
const f = (x) => x.toFixed(1).padStart(8);
const label = {
  naive: "baseline: naive list, 2,000 rows",
  virtual: "virtualised, 100,000 alerts (first page of 500)",
  "virtual-all": "virtualised, all 100,000 alerts loaded",
};
console.log(`Chromium ${browser.version()} · 1280×800 · median of ${runs} runs · ${STEPS} scroll jumps each · times in ms · load average ${load.toFixed(1)} on ${(await import("node:os")).cpus().length} cores`);
console.log(`${"".padEnd(50)}  rows in DOM  first render (sync / painted)   scroll jump sync median/p95   frame median/p95   frames >16.7ms`);
for (const [mode, r] of Object.entries(results)) {
  console.log(
    `${label[mode].padEnd(50)}  ${String(r.rowsInDom).padStart(11)}  ${f(r.firstSync)} /${f(r.firstPaint)}        ${f(r.scrollSyncMean)} /${f(r.scrollSyncP95)}     ${f(r.scrollFrameMean)} /${f(r.scrollFrameP95)}   ${String(r.jankyFrames).padStart(5)}/${STEPS}`,
  );
}
const b = results.naive;
for (const mode of ["virtual", "virtual-all"]) {
  const r = results[mode];
  console.log(
    `ratio ${mode} ÷ baseline: first render painted ${(r.firstPaint / b.firstPaint).toFixed(2)}×, scroll jump sync ${(r.scrollSyncMean / b.scrollSyncMean).toFixed(2)}×, scroll frame ${(r.scrollFrameMean / b.scrollFrameMean).toFixed(2)}×`,
  );
}
