import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { app } from "../lib/stores/app.svelte";
import { callsOf, fresh } from "../test/helpers";
import Search from "./Search.svelte";

describe("Search page", () => {
  it("searches the archive with filters and shows highlighted snippets", async () => {
    const { mock } = fresh({ alerts: 120 });
    await app.refreshSources();
    render(Search);
    await fireEvent.change(screen.getByTestId("search-lang"), { target: { value: "ru" } });
    await fireEvent.input(screen.getByTestId("search-input"), { target: { value: "границ*" } });
    await waitFor(() => expect(screen.getByTestId("search-results").querySelectorAll("li").length).toBeGreaterThan(0));
    const req = callsOf(mock, "search").at(-1)!.req;
    expect(req).toMatchObject({ text: "границ*", lang: "ru", source_id: null, order: "ranked", limit: 200 });
    const marks = [...screen.getByTestId("search-results").querySelectorAll(".snippet mark")].map((m) => m.textContent!.toLowerCase());
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.every((m) => m.startsWith("границ"))).toBe(true);
  });

  it("opens a result in the reader with the search words marked", async () => {
    fresh({ alerts: 60 });
    render(Search);
    await fireEvent.input(screen.getByTestId("search-input"), { target: { value: "Badakhshan" } });
    await waitFor(() => expect(screen.getByTestId("search-results").querySelectorAll("li").length).toBeGreaterThan(0));
    await fireEvent.click(screen.getByTestId("search-results").querySelector("li")!);
    const body = await screen.findByTestId("reader-body");
    await waitFor(() => expect(body.querySelectorAll("mark").length).toBeGreaterThan(0));
    expect(screen.getByTestId("reader-title").textContent).toContain("Badakhshan");
  });

  it("says so when nothing matches", async () => {
    fresh({ alerts: 20 });
    render(Search);
    await fireEvent.input(screen.getByTestId("search-input"), { target: { value: "zzzunknownword" } });
    expect((await screen.findByTestId("search-none")).textContent).toContain("No article in the archive matches");
  });
});

describe("Search page (issue 20)", () => {
  it("highlights the search words in result titles", async () => {
    fresh({ alerts: 60 });
    render(Search);
    await fireEvent.input(screen.getByTestId("search-input"), { target: { value: "Badakhshan" } });
    await waitFor(() => expect(screen.getAllByTestId("search-hit-title").length).toBeGreaterThan(0));
    const title = screen.getAllByTestId("search-hit-title")[0]!;
    expect([...title.querySelectorAll("mark")].map((m) => m.textContent)).toContain("Badakhshan");
  });

  it("saves the search as a watchlist draft", async () => {
    fresh({ alerts: 60 });
    render(Search);
    await fireEvent.input(screen.getByTestId("search-input"), { target: { value: "Badakhshan" } });
    await fireEvent.click(await screen.findByTestId("search-save-watchlist"));
    expect(app.page).toBe("watchlists");
    expect(app.draftWatchlistQuery).toBe("Badakhshan");
  });
});
