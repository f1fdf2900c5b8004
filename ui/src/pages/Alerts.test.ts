import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "../App.svelte";
import { app } from "../lib/stores/app.svelte";
import { callsOf, fresh, press } from "../test/helpers";

function rows(): Array<HTMLElement> {
  return [...document.querySelectorAll<HTMLElement>('[data-testid^="alert-row-"]')];
}

function selectedRow(): HTMLElement | undefined {
  return rows().find((r) => r.getAttribute("aria-selected") === "true");
}

describe("Alerts page", () => {
  it("lists alerts newest first, one row per story with N sources", async () => {
    const { mock, store } = fresh({ alerts: 300 });
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(rows().length).toBeGreaterThan(10));
    const first = mock.alerts.find((a) => a.state !== "dismissed")!;
    expect(rows()[0]!.dataset.testid).toBe(`alert-row-${first.id}`);
    // A story reported by several outlets shows once, with its count.
    const multi = store.groups.find((g) => g.members.length > 1)!;
    expect(multi).toBeDefined();
    const ids = new Set(store.groups.map((g) => g.lead.id));
    for (const m of multi.members.slice(1)) expect(ids.has(m.id)).toBe(false);
    expect(store.groups.length).toBeLessThan(mock.alerts.filter((a) => a.state !== "dismissed").length);
    const idx = store.groups.indexOf(multi);
    store.selected = idx;
    const el = await screen.findByTestId(`alert-row-${multi.lead.id}`);
    expect(within(el).getByTestId("story-sources").textContent).toBe(`${multi.sources} sources`);
  });

  it("renders only a window of rows, not all of them", async () => {
    const { store } = fresh({ alerts: 5000 });
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(store.groups.length).toBeGreaterThan(100));
    expect(rows().length).toBeLessThan(60);
  });

  it("j/k move the selection and o opens the reader, marking the story read", async () => {
    const { mock, store } = fresh({ alerts: 60 });
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(selectedRow()).toBeDefined());
    const first = store.groups[0]!.lead.id;
    expect(selectedRow()!.dataset.testid).toBe(`alert-row-${first}`);
    await press("j");
    await press("j");
    await press("k");
    const second = store.groups[1]!;
    expect(selectedRow()!.dataset.testid).toBe(`alert-row-${second.lead.id}`);
    await press("o");
    const title = await screen.findByTestId("reader-title");
    expect(title.textContent).toBe(second.lead.title);
    expect(callsOf(mock, "get_alert")).toEqual([{ id: second.lead.id }]);
    const unread = second.members.filter((m) => m.state === "new").map((m) => m.id);
    await waitFor(() =>
      expect(callsOf(mock, "set_alert_state").filter((a) => a.state === "read").map((a) => a.id)).toEqual(unread),
    );
  });

  it("s saves and e dismisses through ipc; a saved story asks first, stays in Saved, and leaves the list", async () => {
    const { mock, store } = fresh({ alerts: 60 });
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(selectedRow()).toBeDefined());
    const g0 = store.groups[0]!;
    const g1 = store.groups[1]!;
    await press("s");
    await waitFor(() => expect(callsOf(mock, "set_alert_saved")).toContainEqual({ id: g0.lead.id, saved: true }));
    await waitFor(() => expect(screen.getByTestId(`alert-row-${g0.lead.id}`).dataset.state).toBe("saved"));
    await press("e");
    // Issue 20: a saved alert asks before it is dismissed.
    await screen.findByTestId("confirm-dismiss");
    expect(callsOf(mock, "set_alert_state").filter((c) => c.state === "dismissed")).toEqual([]);
    await fireEvent.click(screen.getByTestId("confirm-dismiss-yes"));
    await waitFor(() => expect(screen.queryByTestId(`alert-row-${g0.lead.id}`)).toBeNull());
    for (const m of g0.members) expect(callsOf(mock, "set_alert_state")).toContainEqual({ id: m.id, state: "dismissed" });
    const stored = mock.alerts.find((a) => a.id === g0.lead.id)!;
    expect(stored.state).toBe("dismissed");
    expect(stored.saved).toBe(true);
    expect(selectedRow()!.dataset.testid).toBe(`alert-row-${g1.lead.id}`);
  });

  it("v opens the selected story's original in the system browser", async () => {
    const { mock, store } = fresh({ alerts: 20 });
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(selectedRow()).toBeDefined());
    await press("v");
    await waitFor(() => expect(mock.opened).toEqual([store.groups[0]!.lead.url]));
  });

  it("does not treat keys typed into a field as shortcuts", async () => {
    const { mock, store } = fresh({ alerts: 20 });
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(selectedRow()).toBeDefined());
    const select = screen.getByTestId("filter-severity");
    const input = document.createElement("input");
    document.body.append(input);
    await press("s", input);
    await press("e", input);
    expect(callsOf(mock, "set_alert_state")).toEqual([]);
    expect(select).toBeDefined();
    input.remove();
  });

  it("shows alerts that arrive live without a reload", async () => {
    const { mock, store } = fresh({ alerts: 30 });
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(rows().length).toBeGreaterThan(5));
    await waitFor(() => expect(mock.listenerCount("alerts:new")).toBe(1));
    const before = store.groups.length;
    const row = mock.addLiveAlert("Border crossing at Panji Poyon closed after shooting");
    const el = await screen.findByTestId(`alert-row-${row.id}`);
    expect(el.textContent).toContain("Panji Poyon");
    expect(rows()[0]).toBe(el);
    expect(store.groups.length).toBe(before + 1);
    expect(screen.getByTestId("alerts-announcement").textContent).toBe("1 new alert");
    // The selection stays on the story the analyst was looking at.
    expect(selectedRow()!.dataset.testid).not.toBe(`alert-row-${row.id}`);
  });

  it("filters go to the backend as an AlertFilter", async () => {
    const { mock, store } = fresh({ alerts: 50 });
    const { getByTestId } = render(App, { props: { alerts: store } });
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    const sel = getByTestId("filter-severity") as HTMLSelectElement;
    await fireEvent.change(sel, { target: { value: "critical" } });
    await waitFor(() => expect(rows().every((r) => r.textContent!.includes("critical"))).toBe(true));
    const last = callsOf(mock, "list_alerts").at(-1)!.filter as Record<string, unknown>;
    expect(last).toMatchObject({ severity: "critical", watchlist_id: null, state: null, offset: 0 });
  });

  it("says what to do when there is nothing yet", async () => {
    const { mock, store } = fresh({ alerts: 0 });
    mock.sources = [];
    render(App, { props: { alerts: store } });
    expect(await screen.findByText("No alerts yet — add a source")).toBeTruthy();
    screen.getByTestId("empty-add-source").click();
    await waitFor(() => expect(app.page).toBe("sources"));
  });

  it("shows a backend failure as a sentence with what to do", async () => {
    const { mock, store } = fresh({ alerts: 10 });
    mock.failures.set("list_alerts", { code: "database", message: "the archive file is locked by another program" });
    render(App, { props: { alerts: store } });
    const banner = await screen.findByTestId("error-banner");
    expect(banner.textContent).toContain("Could not load the alerts: The archive file is locked by another program.");
    expect(banner.textContent).toContain("restore the last backup");
    expect(banner.getAttribute("role")).toBe("alert");
  });

  it("opens the alert a notification points at", async () => {
    const { mock, store } = fresh({ alerts: 40 });
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(mock.listenerCount("open-alert")).toBe(1));
    app.go("settings");
    const target = mock.alerts[25]!;
    mock.emit("open-alert", target.id);
    await waitFor(() => expect(screen.getByTestId("reader-title").textContent).toBe(target.title));
    expect(app.page).toBe("alerts");
  });
});

describe("Alerts page keyboard and focused controls", () => {
  it("leaves Enter to a focused button instead of opening the selected alert", async () => {
    const { mock, store } = fresh({ alerts: 20 });
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(selectedRow()).toBeDefined());
    const button = screen.getByTestId("help-button");
    button.focus();
    const ev = new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true });
    button.dispatchEvent(ev);
    expect(ev.defaultPrevented).toBe(false);
    expect(callsOf(mock, "get_alert")).toEqual([]);
    await press("Enter");
    await waitFor(() => expect(callsOf(mock, "get_alert")).toHaveLength(1));
  });
});

describe("Alerts export", () => {
  it("exports every alert the filters select, in the format of the chosen file", async () => {
    const { mock, store } = fresh({ alerts: 1200 });
    mock.nextSavePath = "/home/analyst/reports";
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    await fireEvent.change(screen.getByTestId("filter-watchlist"), { target: { value: "2" } });
    await waitFor(() => expect(callsOf(mock, "list_alerts").at(-1)!.filter).toMatchObject({ watchlist_id: 2 }));
    const saveFile = mock.saveFile.bind(mock);
    mock.saveFile = async (t, _d) => saveFile(t, "border.json");
    await fireEvent.click(screen.getByTestId("alerts-export"));
    await waitFor(() => expect(callsOf(mock, "export_alerts")).toHaveLength(1));
    const req = callsOf(mock, "export_alerts")[0]!.req as { format: string; path: string; alert_ids: Array<number> };
    expect(req.format).toBe("json");
    expect(req.path).toBe("/home/analyst/reports/border.json");
    const expected = mock.alerts.filter((a) => a.watchlist_id === 2 && a.state !== "dismissed").map((a) => a.id);
    expect([...req.alert_ids].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
  });
});
