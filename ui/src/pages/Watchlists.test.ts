import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { app } from "../lib/stores/app.svelte";
import { callsOf, fresh } from "../test/helpers";
import Watchlists from "./Watchlists.svelte";

async function openNew() {
  await app.refreshWatchlists();
  render(Watchlists);
  await fireEvent.click(screen.getByTestId("watchlist-new"));
}

describe("Watchlists page", () => {
  it("lists watchlists with their counts", async () => {
    const { mock } = fresh({ alerts: 80 });
    await app.refreshWatchlists();
    render(Watchlists);
    const w = mock.watchlists[1]!;
    const row = screen.getByTestId(`watchlist-item-${w.id}`).closest("tr")!;
    expect(row.textContent).toContain(w.name);
    expect(row.textContent).toContain(String(w.alert_count));
  });

  it("marks the error column reported by check_query", async () => {
    const { mock } = fresh();
    await openNew();
    const q = screen.getByTestId("watchlist-query");
    await fireEvent.input(q, { target: { value: 'border AND "Tajik-Afghan' } });
    const err = await screen.findByTestId("query-error");
    // The quote opens at character 12 (1-based), as the fake check reports.
    expect(err.dataset.column).toBe("12");
    expect(err.textContent).toContain("never closed");
    expect(screen.getByTestId("query-error-at").textContent).toBe('"');
    expect(q.getAttribute("aria-invalid")).toBe("true");
    expect((screen.getByTestId("watchlist-save") as HTMLButtonElement).disabled).toBe(true);
    expect(callsOf(mock, "check_query").at(-1)).toEqual({ query: 'border AND "Tajik-Afghan' });
    expect(callsOf(mock, "preview_query")).toEqual([]);
  });

  it("marks the end of the query when a term is missing at the end", async () => {
    fresh();
    await openNew();
    await fireEvent.input(screen.getByTestId("watchlist-query"), { target: { value: "границ* OR" } });
    await waitFor(() => expect(screen.getByTestId("query-error").dataset.column).toBe("11"));
    expect(screen.getByTestId("query-error-at").textContent).toBe(" ");
  });

  it("previews matching archive articles as you type, with highlights", async () => {
    const { mock } = fresh();
    await openNew();
    await fireEvent.input(screen.getByTestId("watchlist-query"), { target: { value: "иностран* OR خارجی" } });
    await waitFor(() => expect(screen.getAllByTestId("preview-hit").length).toBe(2));
    expect(screen.getByTestId("query-ok")).toBeTruthy();
    const marks = [...screen.getByTestId("watchlist-preview").querySelectorAll(".ptitle mark")].map((m) => m.textContent);
    expect(marks).toEqual(["иностран", "خارجی"]);
    expect(callsOf(mock, "preview_query").at(-1)).toEqual({ query: "иностран* OR خارجی", limit: 25 });
  });

  it("saves with backfill and shows the new watchlist in the list", async () => {
    const { mock } = fresh();
    await openNew();
    await fireEvent.input(screen.getByTestId("watchlist-name"), { target: { value: "Rasht valley" } });
    await fireEvent.input(screen.getByTestId("watchlist-query"), { target: { value: "Rasht OR Рашт*" } });
    await waitFor(() => expect(screen.getByTestId("query-ok")).toBeTruthy());
    await fireEvent.click(screen.getByTestId("watchlist-save"));
    await waitFor(() => expect(callsOf(mock, "save_watchlist")).toHaveLength(1));
    const args = callsOf(mock, "save_watchlist")[0]!;
    expect(args.id).toBeNull();
    expect(args.backfill).toBe(true);
    expect(args.input).toMatchObject({ name: "Rasht valley", query: "Rasht OR Рашт*", severity: "medium", notify: true, scope_langs: [] });
    await waitFor(() => expect(screen.getByText("Rasht valley")).toBeTruthy());
  });

  it("lists each term's spelling variants, drops one, and saves the gate", async () => {
    // Issue 14: the editor shows the variants a term also matches and lets
    // the analyst drop one; the corroboration gate is saved with it.
    const { mock } = fresh();
    await openNew();
    await fireEvent.input(screen.getByTestId("watchlist-name"), { target: { value: "Khorog" } });
    await fireEvent.input(screen.getByTestId("watchlist-query"), { target: { value: "Khorog" } });
    const list = await screen.findByTestId("variants-khorog");
    expect(list.textContent).toContain("хорог");
    expect(list.textContent).toContain("хороге");
    const drop = screen.getByTestId("variant-хороге");
    await fireEvent.click(drop);
    expect(drop.classList.contains("dropped")).toBe(true);
    await fireEvent.input(screen.getByTestId("watchlist-min-sources"), { target: { value: "2" } });
    await fireEvent.click(screen.getByTestId("watchlist-gate-bypass"));
    await fireEvent.click(screen.getByTestId("watchlist-save"));
    await waitFor(() => expect(callsOf(mock, "save_watchlist")).toHaveLength(1));
    expect(callsOf(mock, "save_watchlist")[0]!.input).toMatchObject({
      dropped_variants: ["хороге"],
      min_sources: 2,
      gate_bypass_critical: true,
    });
  });

  it("says what deleting removes and deletes only on confirmation", async () => {
    // Hardening 2, item 5: deleting a watchlist silently removed its alerts.
    const { mock } = fresh({ alerts: 80 });
    await app.refreshWatchlists();
    render(Watchlists);
    const w = mock.watchlists[1]!;
    await fireEvent.click(screen.getByTestId(`watchlist-item-${w.id}`));
    await fireEvent.click(screen.getByTestId("watchlist-delete"));
    const warning = await screen.findByTestId("watchlist-delete-warning");
    const mine = mock.alerts.filter((a) => a.watchlist_id === w.id);
    const kept = mine.filter((a) => a.state === "saved" || a.note !== null || a.tags.length > 0).length;
    expect(mine.length).toBe(w.alert_count);
    expect(warning.textContent).toContain(`removes ${mine.length - kept} alert`);
    expect(warning.textContent).toContain(`keeps ${kept} saved or annotated`);
    expect(callsOf(mock, "watchlist_removal")).toEqual([{ id: w.id }]);
    expect(callsOf(mock, "delete_watchlist")).toEqual([]);
    await fireEvent.click(screen.getByTestId("watchlist-delete"));
    await waitFor(() => expect(callsOf(mock, "delete_watchlist")).toEqual([{ id: w.id }]));
  });

  it("shows the backend's refusal as a sentence", async () => {
    const { mock } = fresh();
    await openNew();
    await fireEvent.input(screen.getByTestId("watchlist-name"), { target: { value: "Only exclusions" } });
    await fireEvent.input(screen.getByTestId("watchlist-query"), { target: { value: "Kunduz" } });
    await waitFor(() => expect(screen.getByTestId("query-ok")).toBeTruthy());
    mock.failures.set("save_watchlist", { code: "invalid_query", message: "the query only excludes: add a term that must match" });
    await fireEvent.click(screen.getByTestId("watchlist-save"));
    const err = await screen.findByTestId("watchlist-save-error");
    expect(err.textContent).toBe("The query only excludes: add a term that must match. Fix the query where it is marked and try again.");
  });
});

describe("Watchlists page with none yet", () => {
  it("shows the empty state and asks the backend once", async () => {
    const { mock } = fresh();
    mock.watchlists = [];
    render(Watchlists);
    expect(await screen.findByText("No watchlists yet")).toBeTruthy();
    await new Promise((r) => setTimeout(r, 50));
    expect(callsOf(mock, "list_watchlists")).toHaveLength(1);
  });
});

describe("Watchlist editor (issue 20)", () => {
  it("warns before an unsaved draft is lost", async () => {
    fresh();
    await openNew();
    await fireEvent.input(screen.getByTestId("watchlist-name"), { target: { value: "Draft" } });
    await fireEvent.click(screen.getByTestId(`watchlist-item-${app.watchlists[0]!.id}`));
    expect(await screen.findByTestId("watchlist-unsaved")).toBeTruthy();
    expect((screen.getByTestId("watchlist-name") as HTMLInputElement).value).toBe("Draft");
    await fireEvent.click(screen.getByTestId("watchlist-keep"));
    expect(screen.queryByTestId("watchlist-unsaved")).toBeNull();
    await fireEvent.click(screen.getByTestId(`watchlist-item-${app.watchlists[0]!.id}`));
    await fireEvent.click(await screen.findByTestId("watchlist-discard"));
    await waitFor(() => expect((screen.getByTestId("watchlist-name") as HTMLInputElement).value).toBe(app.watchlists[0]!.name));
  });

  it("warns when AND and OR are mixed without brackets, and not otherwise", async () => {
    fresh();
    await openNew();
    const q = screen.getByTestId("watchlist-query");
    await fireEvent.input(q, { target: { value: "border AND clash OR attack" } });
    expect(await screen.findByTestId("query-mixed")).toBeTruthy();
    await fireEvent.input(q, { target: { value: "border AND (clash OR attack)" } });
    await screen.findByTestId("query-ok");
    expect(screen.queryByTestId("query-mixed")).toBeNull();
    await fireEvent.input(q, { target: { value: '"Tajik-Afghan border" OR границ*' } });
    await screen.findByTestId("query-ok");
    expect(screen.queryByTestId("query-mixed")).toBeNull();
  });

  it("shows the body around a match in the preview", async () => {
    fresh();
    await openNew();
    // "Reinforcements were sent to districts bordering Tajikistan": "border" is in the body.
    await fireEvent.input(screen.getByTestId("watchlist-query"), { target: { value: "border" } });
    const snippets = await screen.findAllByTestId("preview-snippet");
    expect(snippets[0]!.querySelectorAll("mark").length).toBeGreaterThan(0);
  });

  it("says that no ticked source means all sources", async () => {
    fresh();
    await openNew();
    expect(screen.getByTestId("scope-sources-hint").textContent).toBe("No source ticked = all sources.");
  });

  it("opens a draft with the query a search handed over", async () => {
    fresh();
    app.draftWatchlistQuery = "border OR границ*";
    await app.refreshWatchlists();
    render(Watchlists);
    await waitFor(() => expect((screen.getByTestId("watchlist-query") as HTMLTextAreaElement).value).toBe("border OR границ*"));
    expect(app.draftWatchlistQuery).toBeNull();
  });
});

describe("Watchlist editor, leaving the page (issue 20)", () => {
  it("asks before leaving the page with an unsaved draft", async () => {
    fresh();
    await openNew();
    await fireEvent.input(screen.getByTestId("watchlist-name"), { target: { value: "Draft" } });
    app.page = "watchlists";
    app.go("alerts");
    expect(app.page).toBe("watchlists");
    await fireEvent.click(await screen.findByTestId("watchlist-discard"));
    expect(app.page).toBe("alerts");
  });
});
