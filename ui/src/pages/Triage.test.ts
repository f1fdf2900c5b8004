// Issue 20, "the triage loop, safe and truthful": lists that follow every
// change, undo everywhere, saved kept apart from dismissed, keys typed after
// a missed click that reach nothing, notices that never move the page, and a
// poll state that cannot go stale.
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import App from "../App.svelte";
import AlertRowView from "../lib/components/AlertRow.svelte";
import StatusBar from "../lib/components/StatusBar.svelte";
import { BURST_MS, resetShortcutGuard } from "../lib/keys";
import { POLL_LINGER_MS, POLL_SILENCE_MS, app } from "../lib/stores/app.svelte";
import { callsOf, fresh, press } from "../test/helpers";

function rows(): Array<HTMLElement> {
  return [...document.querySelectorAll<HTMLElement>('[data-testid^="alert-row-"]')];
}

afterEach(() => {
  vi.useRealTimers();
});

describe("Truthful lists", () => {
  // Issue 20, item 1: backfilled alerts stayed invisible in the unfiltered
  // list, which said "Nothing has matched" beside "4 unread".
  it("refetches when alerts appear without an event (backfill, CLI)", async () => {
    const { mock, store } = fresh({ alerts: 0 });
    render(App, { props: { alerts: store, infoEveryMs: 50 } });
    await screen.findByTestId("alerts-none-yet");
    const made = mock.addSilently(["Backfilled one", "Backfilled two", "Backfilled three", "Backfilled four"]);
    for (const a of made) await screen.findByTestId(`alert-row-${a.id}`, {}, { timeout: 3000 });
    expect(screen.queryByTestId("alerts-none-yet")).toBeNull();
  });

  it("never says nothing matched while alerts exist", async () => {
    const { mock, store } = fresh({ alerts: 3 });
    for (const a of mock.alerts) a.state = "dismissed";
    render(App, { props: { alerts: store } });
    await screen.findByTestId("alerts-all-done");
    expect(screen.queryByText(/Nothing has matched/)).toBeNull();
  });

  it("refetches on coming back to the page", async () => {
    const { mock, store } = fresh({ alerts: 5 });
    render(App, { props: { alerts: store, infoEveryMs: 3_600_000 } });
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    app.go("search");
    await waitFor(() => expect(rows()).toEqual([]));
    const [a] = mock.addSilently(["Seen by the CLI"]);
    app.go("alerts");
    await screen.findByTestId(`alert-row-${a!.id}`);
  });
});

describe("Undo and state kept apart", () => {
  // Issue 20, item 2: a dismissed saved, annotated alert could only be
  // recovered by hand.
  it("z restores a dismissed, saved, annotated alert exactly", async () => {
    const { mock, store } = fresh({ alerts: 20 });
    const target = mock.alerts[0]!;
    Object.assign(target, { state: "read", saved: true, note: "Ministry confirmed", tags: ["verify", "border"], story_id: null, story_sources: 1 });
    render(App, { props: { alerts: store } });
    await screen.findByTestId(`alert-row-${target.id}`);
    store.selected = store.groups.findIndex((g) => g.lead.id === target.id);
    await press("e");
    await fireEvent.click(await screen.findByTestId("confirm-dismiss-yes"));
    await waitFor(() => expect(screen.queryByTestId(`alert-row-${target.id}`)).toBeNull());
    expect(target.state).toBe("dismissed");
    expect(target.saved).toBe(true);
    expect(screen.getByTestId("notice-undo")).toBeTruthy();
    await press("z");
    await screen.findByTestId(`alert-row-${target.id}`);
    expect(callsOf(mock, "restore_alert")).toEqual([
      { id: target.id, triage: { state: "read", saved: true, note: "Ministry confirmed", tags: ["verify", "border"] } },
    ]);
    expect({ state: target.state, saved: target.saved, note: target.note, tags: target.tags }).toEqual({
      state: "read",
      saved: true,
      note: "Ministry confirmed",
      tags: ["verify", "border"],
    });
  });

  it("the notice's Undo button takes back a save", async () => {
    const { mock, store } = fresh({ alerts: 20 });
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    const lead = store.groups[0]!.lead;
    const before = { state: lead.state, saved: lead.saved };
    await press("s");
    await waitFor(() => expect(mock.alerts.find((a) => a.id === lead.id)!.saved).toBe(true));
    await fireEvent.click(await screen.findByTestId("notice-undo"));
    await waitFor(() => expect(callsOf(mock, "restore_alert")).toHaveLength(1));
    const stored = mock.alerts.find((a) => a.id === lead.id)!;
    expect({ state: stored.state, saved: stored.saved }).toEqual(before);
  });

  it("notes and tags are undone too", async () => {
    const { mock, store } = fresh({ alerts: 10 });
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    await press("o");
    await screen.findByTestId("note-input");
    const id = store.detail!.alert.id;
    await store.setNote("First reading");
    await store.addTag("urgent");
    await store.undo();
    expect(mock.alerts.find((a) => a.id === id)!.tags).toEqual([]);
    expect(mock.alerts.find((a) => a.id === id)!.note).toBe("First reading");
    await store.undo();
    expect(mock.alerts.find((a) => a.id === id)!.note).toBeNull();
  });
});

describe("Keys typed after a missed click", () => {
  // Issue 20, item 2: a note typed after a click 9 px below the note box
  // dismissed four alerts.
  it("a burst of keys faster than a person triages is ignored, its first key too", async () => {
    const { mock, store } = fresh({ alerts: 20 });
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    for (const k of "seen near the border") await press(k === " " ? "Space" : k);
    await new Promise((r) => setTimeout(r, BURST_MS * 2));
    expect(callsOf(mock, "set_alert_state").filter((c) => c.state === "dismissed")).toEqual([]);
    expect(callsOf(mock, "set_alert_saved")).toEqual([]);
  });

  it("a letter that is no shortcut cancels a pending dismissal", async () => {
    const { mock, store } = fresh({ alerts: 20 });
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    await press("e");
    await press("x");
    await new Promise((r) => setTimeout(r, BURST_MS * 2));
    expect(callsOf(mock, "set_alert_state").filter((c) => c.state === "dismissed")).toEqual([]);
  });

  it("a click beside the note box puts the keys into the note box", async () => {
    const { mock, store } = fresh({ alerts: 20 });
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    await press("o");
    const zone = await screen.findByTestId("notes-zone");
    await fireEvent.pointerDown(zone);
    expect(document.activeElement).toBe(screen.getByTestId("note-input"));
    // Even were focus lost again, keys right after a missed click act on nothing.
    (document.activeElement as HTMLElement).blur();
    await press("e");
    await new Promise((r) => setTimeout(r, BURST_MS * 2));
    expect(callsOf(mock, "set_alert_state").filter((c) => c.state === "dismissed")).toEqual([]);
  });

  it("keys just after leaving a text field are not shortcuts", async () => {
    let now = 10_000;
    const { mock, store } = fresh({ alerts: 20 });
    resetShortcutGuard(() => now);
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    const input = screen.getByTestId("filter-severity").ownerDocument.createElement("input");
    document.body.append(input);
    input.focus();
    input.blur();
    now += 200;
    await press("e");
    await new Promise((r) => setTimeout(r, BURST_MS * 2));
    expect(callsOf(mock, "set_alert_state").filter((c) => c.state === "dismissed")).toEqual([]);
    now += 2000;
    await press("e");
    now += 2000;
    await waitFor(() => expect(callsOf(mock, "set_alert_state").filter((c) => c.state === "dismissed").length).toBeGreaterThan(0));
    input.remove();
  });
});

describe("Notices and the poll bar", () => {
  // Issue 20, item 2: notices and the poll bar pushed the page down.
  it("notices overlay a corner and the poll bar lives in the status bar", async () => {
    const { store } = fresh({ alerts: 10 });
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    app.say("Saved.");
    app.onPollProgress({ done: 1, total: 3, current: "Asia-Plus", new_articles: 2, new_alerts: 0 });
    const notice = await screen.findByTestId("info-banner");
    // The notice is not inside the page's flow: it is a child of the body's root, after the shell.
    expect(notice.closest(".main")).toBeNull();
    expect(screen.getByTestId("progress-bar").closest('[data-testid="poll-status"]')).not.toBeNull();
  });

  // Issue 20, item 3: "Polling sources · 0 new articles" stayed for 10 minutes.
  it("the poll bar goes soon after the last source, and when a poll falls silent", async () => {
    vi.useFakeTimers();
    fresh({ alerts: 0 });
    app.onPollProgress({ done: 1, total: 2, current: "A", new_articles: 0, new_alerts: 0 });
    expect(app.progress).not.toBeNull();
    app.onPollProgress({ done: 2, total: 2, current: null, new_articles: 0, new_alerts: 0 });
    vi.advanceTimersByTime(POLL_LINGER_MS + 1);
    expect(app.progress).toBeNull();
    app.onPollProgress({ done: 1, total: 5, current: "A", new_articles: 0, new_alerts: 0 });
    vi.advanceTimersByTime(POLL_SILENCE_MS + 1);
    expect(app.progress).toBeNull();
    app.onPollProgress({ done: 0, total: 0, current: null, new_articles: 0, new_alerts: 0 });
    expect(app.progress).toBeNull();
  });

  it("says when the last poll was and when the next is, when idle", async () => {
    const { mock } = fresh({ alerts: 0 });
    await app.refreshInfo();
    await app.refreshSources();
    render(StatusBar);
    const el = screen.getByTestId("poll-status");
    expect(el.textContent).toMatch(/last poll \d{1,2}.\d{2}.* · next \d{1,2}.\d{2}/);
    expect(mock.sources.length).toBeGreaterThan(0);
  });
});

describe("Times", () => {
  // Issue 20, item 4: the list showed when the alert was made ("now"), not
  // when the article was published.
  it("an alert waiting for corroboration says so in the list", () => {
    // Issue 14, item 5: until the gate opens the list shows the wait.
    const base = {
      id: 1, watchlist_id: 1, watchlist_name: "W", severity: "high" as const, color: "#000", article_id: 1, title: "T", url: null,
      source_name: "S", lang: "en", created_at: new Date().toISOString(), published: null, state: "new" as const, saved: false, story_id: 4,
      story_sources: 1, note: null, tags: [], awaiting_confirmation: "awaiting confirmation (1 of 2)",
    };
    render(AlertRowView, { props: { group: { lead: base, members: [base], sources: 1 }, index: 0, selected: false, state: "new", unread: true, onpick: () => {} } });
    expect(screen.getByTestId("awaiting-confirmation").textContent).toBe("awaiting confirmation (1 of 2)");
  });

  it("the list shows the published time, falling back to first seen", () => {
    const now = Date.now();
    const base = {
      id: 1, watchlist_id: 1, watchlist_name: "W", severity: "high" as const, color: "#000", article_id: 1, title: "T", url: null,
      source_name: "S", lang: "en", created_at: new Date(now).toISOString(), state: "new" as const, saved: false, story_id: null,
      story_sources: 1, note: null, tags: [], awaiting_confirmation: null,
    };
    const published = new Date(now - 90 * 60_000).toISOString();
    render(AlertRowView, { props: { group: { lead: { ...base, published }, members: [], sources: 1 }, index: 0, selected: false, state: "new", unread: true, onpick: () => {} } });
    expect(screen.getByTestId("alert-time").textContent!.trim()).toBe("1h");
    expect(screen.getByTestId("alert-time").getAttribute("datetime")).toBe(published);
  });
});
