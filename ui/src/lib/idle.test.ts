// Issue 18, "idle means idle": the window learns the poll state from the
// backend on start, on waking and while it shows, so a missed last event
// never leaves the poll bar (and its animation) running; hidden, it runs no
// timer at all.
import { render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import App from "../App.svelte";
import { callsOf, fresh } from "../test/helpers";
import { startHeartbeat, type Focus, type Page } from "./heartbeat";
import { app } from "./stores/app.svelte";

/** A page whose visibility the test sets. */
class FakePage implements Page, Focus {
  visibilityState: DocumentVisibilityState = "visible";
  private listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, l: () => void): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(l);
    this.listeners.set(type, set);
  }
  removeEventListener(type: string, l: () => void): void {
    this.listeners.get(type)?.delete(l);
  }
  fire(type: string): void {
    for (const l of this.listeners.get(type) ?? []) l();
  }
  show(visible: boolean): void {
    this.visibilityState = visible ? "visible" : "hidden";
    this.fire("visibilitychange");
  }
}

/** Makes jsdom's document report `hidden` and tells its listeners. */
function setDocumentHidden(hidden: boolean): void {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
  document.dispatchEvent(new Event("visibilitychange"));
}

afterEach(() => {
  vi.useRealTimers();
  setDocumentHidden(false);
});

describe("The heartbeat", () => {
  it("beats at once, then every delay while shown, and never while hidden", async () => {
    vi.useFakeTimers();
    const page = new FakePage();
    let beats = 0;
    const stop = startHeartbeat(async () => void beats++, () => 4000, page, page);
    await vi.advanceTimersByTimeAsync(0);
    expect(beats).toBe(1);
    await vi.advanceTimersByTimeAsync(4000 * 3);
    expect(beats).toBe(4);
    page.show(false);
    // Hidden: nothing is pending, so the window costs no wake-ups at all.
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(beats).toBe(4);
    page.show(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(beats).toBe(5);
    page.fire("focus");
    await vi.advanceTimersByTimeAsync(0);
    expect(beats).toBe(6);
    stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(beats).toBe(6);
  });

  it("never runs two beats at once, however often it is woken", async () => {
    vi.useFakeTimers();
    const page = new FakePage();
    let running = 0;
    let most = 0;
    let beats = 0;
    const stop = startHeartbeat(
      async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 500));
        running--;
        beats++;
      },
      () => 4000,
      page,
      page,
    );
    for (let i = 0; i < 5; i++) page.fire("focus");
    await vi.advanceTimersByTimeAsync(2000);
    expect(most).toBe(1);
    expect(beats).toBe(2);
    stop();
  });
});

describe("The poll bar follows the backend's poll state", () => {
  // The bug: the first poll ended, its last event was missed, and "Polling
  // sources" stayed for five minutes.
  it("a missed last event: the next sync clears the bar", async () => {
    const { mock } = fresh({ alerts: 0 });
    mock.emit("poll:progress", { done: 1, total: 8, current: "A", new_articles: 0, new_alerts: 0 });
    app.onPollProgress({ done: 1, total: 8, current: "A", new_articles: 0, new_alerts: 0 });
    expect(app.progress?.label).toBe("Polling sources");
    mock.pollProgress = null;
    await app.syncPoll();
    expect(app.progress).toBeNull();
  });

  it("a window opened mid-poll shows the poll it never had an event of", async () => {
    const { mock } = fresh({ alerts: 0 });
    mock.pollProgress = { done: 2, total: 5, current: "TOLOnews", new_articles: 4, new_alerts: 1 };
    await app.syncPoll();
    expect(app.progress).toMatchObject({ label: "Polling sources", done: 2, total: 5 });
  });

  it("an answer older than the last event does not undo it", async () => {
    const { mock } = fresh({ alerts: 0 });
    mock.latencyMs = 30;
    const sync = app.syncPoll();
    // The answer was "no poll"; meanwhile a poll started and said so.
    app.onPollProgress({ done: 0, total: 3, current: null, new_articles: 0, new_alerts: 0 });
    await sync;
    expect(app.progress).toMatchObject({ done: 0, total: 3 });
  });

  it("leaves other work's bar alone (an export, a backup)", async () => {
    fresh({ alerts: 0 });
    app.startProgress("Backing up the archive");
    await app.syncPoll();
    expect(app.progress?.label).toBe("Backing up the archive");
  });

  it("rereads app_info only when the archive changed", async () => {
    const { mock } = fresh({ alerts: 3 });
    await app.syncPoll();
    await app.syncPoll();
    await app.syncPoll();
    expect(callsOf(mock, "poll_state").length).toBe(3);
    expect(callsOf(mock, "app_info").length).toBe(1);
    mock.addSilently(["Seen by the CLI"]);
    await app.syncPoll();
    expect(callsOf(mock, "app_info").length).toBe(2);
    expect(app.info?.alerts).toBe(4);
    // Pausing is not in the archive, yet the tray's pause still shows.
    mock.pollingPaused = true;
    await app.syncPoll();
    expect(app.info?.polling_paused).toBe(true);
    expect(callsOf(mock, "app_info").length).toBe(2);
  });
});

describe("The window at rest", () => {
  it("asks on start, clears a stale bar when it wakes, and calls nothing while hidden", async () => {
    const { mock, store } = fresh({ alerts: 5 });
    render(App, { props: { alerts: store, infoEveryMs: 40 } });
    await waitFor(() => expect(callsOf(mock, "poll_state").length).toBeGreaterThan(0));
    await waitFor(() => expect(screen.getByTestId("status-bar").textContent).toContain("Outpost 0.1.0"));
    // The start's one report that the first list is painted (bench/startup)
    // is not a timer: it is done before the window hides.
    await waitFor(() => expect(callsOf(mock, "window_ready")).toHaveLength(1));

    setDocumentHidden(true);
    expect(document.documentElement.hasAttribute("data-hidden")).toBe(true);
    // A poll runs while hidden; its last event never arrives.
    mock.emit("poll:progress", { done: 1, total: 2, current: "A", new_articles: 0, new_alerts: 0 });
    await screen.findByTestId("progress-bar");
    mock.pollProgress = null;
    const before = mock.calls.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(mock.calls.slice(before).map((c) => c.cmd)).toEqual([]);
    expect(screen.getByTestId("progress-bar")).toBeTruthy();

    setDocumentHidden(false);
    expect(document.documentElement.hasAttribute("data-hidden")).toBe(false);
    await waitFor(() => expect(screen.queryByTestId("progress-bar")).toBeNull());
  });
});
