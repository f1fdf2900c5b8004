import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "../../App.svelte";
import { AlertsStore } from "../stores/alerts.svelte";
import { callsOf, fresh } from "../../test/helpers";

describe("Welcome screen", () => {
  // Issue 16: a first run that explains itself. The packs are the seeded
  // sources' folders (from the backend), and what is unticked is removed.
  it("offers the seeded packs, languages and watchlists, and keeps only the chosen", async () => {
    const { mock } = fresh();
    mock.welcomeNeeded = true;
    const folders = new Set(mock.sources.map((s) => s.folder ?? "Other"));
    render(App, { props: { alerts: new AlertsStore() } });
    await screen.findByTestId("welcome");
    for (const f of folders) expect(screen.getByTestId(`welcome-pack-${f}`)).toBeTruthy();
    const [drop, ...keep] = [...folders];
    await fireEvent.click(screen.getByTestId(`welcome-pack-${drop}`));
    const ru = screen.queryByTestId("welcome-lang-ru");
    if (ru) await fireEvent.click(ru);
    const firstWatchlist = mock.watchlists[0]!.id;
    await fireEvent.click(screen.getByTestId(`welcome-watchlist-${firstWatchlist}`));
    await fireEvent.click(screen.getByTestId("welcome-start"));
    await waitFor(() => expect(screen.queryByTestId("welcome")).toBeNull());
    const [choice] = callsOf(mock, "apply_welcome");
    const c = choice!.choice as { packs: Array<string>; langs: Array<string>; watchlists: Array<number> };
    expect(c.packs.sort()).toEqual(keep.sort());
    expect(c.langs).not.toContain("ru");
    expect(c.watchlists).not.toContain(firstWatchlist);
    expect(mock.sources.every((s) => (s.folder ?? "Other") !== drop && s.lang !== "ru")).toBe(true);
  });

  it("does not show on an archive that already answered it", async () => {
    fresh();
    render(App, { props: { alerts: new AlertsStore() } });
    await waitFor(() => expect(screen.getByTestId("status-bar")).toBeTruthy());
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId("welcome")).toBeNull();
  });
});
