// In-page half of bench/render-100k.mjs: renders the alert list in a real
// browser engine and measures it with performance.now(). Modes:
//   virtual      Alerts page, 100,000 alerts in the backend; first page fetched, grouped, rendered
//   virtual-all  Alerts page with all 100,000 alerts already loaded and grouped
//   naive        baseline: every row of 2,000 in the DOM, no windowing
import { flushSync, mount } from "svelte";
import "../src/app.css";
import { AlertsStore } from "../src/lib/stores/alerts.svelte";
import { app } from "../src/lib/stores/app.svelte";
import { groupAlerts } from "../src/lib/stories";
import Alerts from "../src/pages/Alerts.svelte";
import { installMockBackend } from "../src/test/mock-ipc";
import NaiveList from "./NaiveList.svelte";

type Stats = { mean: number; median: number; p95: number; max: number; over16: number };
export type BenchResult = {
  mode: string;
  alerts: number;
  stories: number;
  rowsInDom: number;
  firstRenderSyncMs: number;
  /** The JavaScript part of the first render (fetch, group, mount), before style and layout. */
  mountMs: number;
  firstRenderPaintMs: number;
  scrollSync: Stats;
  scrollFrame: Stats;
};

const q = new URLSearchParams(location.search);
const mode = q.get("mode") ?? "virtual";
const n = Number(q.get("alerts") ?? 100_000);
const steps = Number(q.get("steps") ?? 60);

const frame = () => new Promise<number>((r) => requestAnimationFrame((t) => r(t)));

function stats(xs: Array<number>): Stats {
  const s = [...xs].sort((a, b) => a - b);
  return {
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    median: s[Math.floor(s.length / 2)] ?? 0,
    p95: s[Math.floor(s.length * 0.95)] ?? 0,
    max: s[s.length - 1] ?? 0,
    over16: s.filter((x) => x > 16.7).length,
  };
}

async function run(): Promise<BenchResult> {
  const mock = installMockBackend({ alerts: n, now: new Date("2026-11-26T12:00:00Z") });
  app.sources = mock.sources;
  const groups = mode === "virtual" ? [] : groupAlerts(mock.alerts);
  const target = document.getElementById("app")!;
  target.style.height = "100vh";
  await frame();
  await frame();

  const t0 = performance.now();
  let scroller: HTMLElement;
  if (mode === "naive") {
    const wrap = document.createElement("div");
    wrap.style.cssText = "height:100vh;overflow-y:auto";
    target.append(wrap);
    mount(NaiveList, { target: wrap, props: { groups: groups.slice(0, 2000) } });
    flushSync();
    scroller = wrap;
  } else {
    const store = new AlertsStore();
    if (mode === "virtual-all") {
      store.groups = groups;
      store.loaded = true;
      store.exhausted = true;
      store.selected = 0;
    } else {
      await store.reload();
    }
    mount(Alerts, { target, props: { store } });
    flushSync();
    scroller = target.querySelector<HTMLElement>('[data-testid="alert-list"]')!;
  }
  const mountMs = performance.now() - t0;
  void scroller.getBoundingClientRect().height; // forces style and layout
  const firstRenderSyncMs = performance.now() - t0;
  await frame();
  const firstRenderPaintMs = performance.now() - t0;
  const rowsInDom = target.querySelectorAll('[data-testid^="alert-row-"]').length;

  // Scrolling: jump to spread-out positions (a scrollbar drag, the worst
  // case for a windowed list) and measure the synchronous work and the frame.
  const sync: Array<number> = [];
  const frames: Array<number> = [];
  const maxTop = scroller.scrollHeight - scroller.clientHeight;
  for (let i = 1; i <= steps; i++) {
    await frame();
    const a = performance.now();
    scroller.scrollTop = Math.round(((i * 7919) % steps) / steps * maxTop);
    scroller.dispatchEvent(new Event("scroll"));
    flushSync();
    void scroller.querySelector('[data-testid^="alert-row-"]:last-child')?.getBoundingClientRect();
    sync.push(performance.now() - a);
    await frame();
    frames.push(performance.now() - a);
  }
  const stories = mode === "virtual" ? Number((target.querySelector('[data-testid="alert-count"]')?.textContent ?? "").replace(/\D.*$/, "")) : Math.min(groups.length, mode === "naive" ? 2000 : groups.length);
  return {
    mode,
    alerts: n,
    stories,
    rowsInDom,
    firstRenderSyncMs,
    mountMs,
    firstRenderPaintMs,
    scrollSync: stats(sync),
    scrollFrame: stats(frames),
  };
}

run().then(
  (r) => ((window as unknown as { __result: BenchResult }).__result = r),
  (e) => ((window as unknown as { __error: string }).__error = String(e?.stack ?? e)),
);
