// Drives the release app over WebDriver (tauri-driver + WebKitWebDriver) on
// a large archive and times what the analyst waits for, inside the page
// (performance.now(), so WebDriver's own round trips do not count): start
// to first alerts, opening an alert, search, and holding `j` over 1,000
// rows. Run by run.sh inside Xvfb and a private D-Bus session.
//
//   node measure.mjs --app APP --db DB --idle-db DB2 --port PORT --out FILE.json
//
// DB has the feeds of a cold poll imported and due, so the app polls them
// at start: the first launch measures during that poll, then idle after it.
// IDLE-DB is the archive with nothing due, for the idle starts.
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../tests/e2e/package.json"));
const { remote } = require("webdriverio");

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const APP = path.resolve(arg("app"));
const PORT = Number(arg("port", "4460"));
const OUT = arg("out");
const STARTS = Number(arg("starts", "5"));

async function launch(db) {
  const t0 = Date.now();
  const browser = await remote({
    hostname: "127.0.0.1",
    port: PORT,
    logLevel: "error",
    connectionRetryCount: 0,
    // A round in the page can take minutes on a loaded machine.
    connectionRetryTimeout: 900_000,
    capabilities: {
      browserName: "wry",
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: APP, args: ["--db", db] },
    },
  });
  await browser.setTimeout({ script: 600_000 });
  // Start to first alerts: from asking for the window to the frame after
  // the first rows; and from the page's own start (no process launch).
  const first = await browser.executeAsync((done) => {
    const check = () => {
      const m = performance.getEntriesByName("outpost:first-alerts")[0];
      if (m) done({ at: performance.timeOrigin + m.startTime, inPage: m.startTime });
      else setTimeout(check, 5);
    };
    check();
  });
  return { browser, startMs: first.at - t0, pageMs: first.inPage };
}

/** True while the backend reports a poll in progress. */
const polling = (browser) =>
  browser.execute(async () => (await window.__TAURI_INTERNALS__.invoke("poll_state")).progress !== null);

/** Opening an alert: `o` on the next row to the title in the reader, painted. */
async function openAlerts(browser, n) {
  return browser.executeAsync(async (n, done) => {
    const key = (k, repeat = false) => window.dispatchEvent(new KeyboardEvent("keydown", { key: k, repeat, bubbles: true }));
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    const pause = (ms) => new Promise((r) => setTimeout(r, ms));
    const times = [];
    for (let i = 0; i < n; i++) {
      key("Escape");
      key("j", true);
      await frame();
      const before = document.querySelector('[data-testid="reader-title"]')?.textContent ?? "";
      const t0 = performance.now();
      key("o");
      await new Promise((resolve) => {
        const seen = () => {
          const t = document.querySelector('[data-testid="reader-title"]')?.textContent ?? "";
          return t !== "" && t !== before;
        };
        if (seen()) return resolve();
        const mo = new MutationObserver(() => {
          if (seen()) {
            mo.disconnect();
            resolve();
          }
        });
        mo.observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await frame();
      times.push(performance.now() - t0);
      // Apart, as a person's keys are (the shortcut guard ignores bursts).
      await pause(120);
    }
    key("Escape");
    done(times);
  }, n);
}

/** Search: a query typed into the Search page, to its results painted. */
async function searches(browser, queries) {
  return browser.executeAsync(async (queries, done) => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    const pause = (ms) => new Promise((r) => setTimeout(r, ms));
    document.querySelector('[data-testid="nav-search"]').click();
    await pause(300);
    const input = document.querySelector('[data-testid="search-input"]');
    const times = [];
    for (const q of queries) {
      const results = () => document.querySelector('[data-testid="search-results"]');
      const top = () => results()?.querySelector('[data-testid^="search-hit-"]')?.getAttribute("data-testid") ?? "";
      const before = top();
      const t0 = performance.now();
      input.value = q;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      await new Promise((resolve) => {
        const deadline = t0 + 30_000;
        const check = () => {
          if ((top() !== "" && top() !== before) || performance.now() > deadline) resolve();
          else setTimeout(check, 2);
        };
        check();
      });
      await frame();
      times.push(performance.now() - t0);
      await pause(100);
    }
    document.querySelector('[data-testid="nav-alerts"]').click();
    await pause(300);
    done(times);
  }, queries);
}

/**
 * Holding `j` over `n` rows, one key per frame: for each, the script,
 * style and layout work it caused (key to layout done), and the interval
 * between frames.
 */
async function holdJ(browser, n) {
  return browser.executeAsync(async (n, done) => {
    const frame = () => new Promise((r) => requestAnimationFrame((t) => r(t)));
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "Home", bubbles: true }));
    await frame();
    const work = [];
    const intervals = [];
    let last = await frame();
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      window.dispatchEvent(new KeyboardEvent("keydown", { key: "j", repeat: i > 0, bubbles: true }));
      // Svelte applies state changes in a microtask; then force layout.
      await Promise.resolve();
      await Promise.resolve();
      document.querySelector('[aria-selected="true"]')?.getBoundingClientRect();
      work.push(performance.now() - t0);
      const t = await frame();
      intervals.push(t - last);
      last = t;
    }
    const selected = document.querySelector('[data-testid^="alert-row-"][aria-selected="true"]');
    done({ work, intervals, reached: selected?.getAttribute("data-testid") ?? null });
  }, n);
}

function pct(values, p) {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return null;
  return v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)];
}

const summary = (values) => ({ n: values.length, p50: pct(values, 50), p95: pct(values, 95), max: pct(values, 100) });

let q = 0;
const nextQueries = (k) =>
  Array.from({ length: k }, () => {
    q += 1;
    // A rare phrase (one article) and a broad AND over the whole archive.
    // Item numbers that are not multiples of 10: those titles are alerts'.
    const n = ((q * 7919) % 90000) * 10 + 3;
    return q % 2 ? `"item ${n}"` : `market AND river AND "item ${n}"`;
  });

async function round(browser, label, into) {
  const r = (into[label] ??= { open: [], search: [], work: [], intervals: [], reached: [] });
  r.open.push(...(await openAlerts(browser, 10)));
  r.search.push(...(await searches(browser, nextQueries(4))));
  const j = await holdJ(browser, 1000);
  r.work.push(...j.work);
  r.intervals.push(...j.intervals);
  r.reached.push(j.reached);
}

const results = { starts: { poll: [], idle: [] }, rounds: {} };

// 1. During the cold poll: the first launch polls every imported feed.
{
  const { browser, startMs, pageMs } = await launch(arg("db"));
  results.starts.poll.push({ startMs, pageMs });
  console.log(`start to first alerts during the poll: ${startMs.toFixed(0)} ms (page ${pageMs.toFixed(0)} ms)`);
  let rounds = 0;
  while (await polling(browser)) {
    await round(browser, "poll", results.rounds);
    rounds += 1;
    console.log(`  round ${rounds} during the poll`);
  }
  results.pollRounds = rounds;
  // 2. Idle, in the same window, after the poll.
  for (let i = 0; i < 3; i++) await round(browser, "idle", results.rounds);
  console.log("  3 rounds idle");
  await browser.deleteSession();
}

// 3. Idle starts: nothing is due on the second archive.
for (let i = 0; i < STARTS; i++) {
  const { browser, startMs, pageMs } = await launch(arg("idle-db"));
  results.starts.idle.push({ startMs, pageMs });
  console.log(`start to first alerts, idle: ${startMs.toFixed(0)} ms (page ${pageMs.toFixed(0)} ms)`);
  await browser.deleteSession();
}

const table = {};
for (const [label, r] of Object.entries(results.rounds)) {
  table[label] = {
    open: summary(r.open),
    search: summary(r.search),
    jWork: summary(r.work),
    jInterval: summary(r.intervals),
    jDropped: r.intervals.filter((t) => t > 20).length,
    reached: r.reached,
  };
}
table.startPoll = summary(results.starts.poll.map((s) => s.startMs));
table.startPollPage = summary(results.starts.poll.map((s) => s.pageMs));
table.startIdle = summary(results.starts.idle.map((s) => s.startMs));
table.startIdlePage = summary(results.starts.idle.map((s) => s.pageMs));
table.pollRounds = results.pollRounds;
writeFileSync(OUT, JSON.stringify({ table, raw: results }, null, 1));
console.log(JSON.stringify(table, null, 1));
