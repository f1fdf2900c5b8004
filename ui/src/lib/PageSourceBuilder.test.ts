import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import Sources from "../pages/Sources.svelte";
import { callsOf, fresh } from "../test/helpers";
import { fullTime } from "./format";

async function openBuilder(url: string) {
  render(Sources);
  await fireEvent.click(await screen.findByTestId("page-builder-open"));
  await fireEvent.input(screen.getByTestId("page-url"), { target: { value: url } });
  await fireEvent.click(screen.getByTestId("page-fetch"));
}

const value = (id: string) => (screen.getByTestId(id) as HTMLInputElement).value;

describe("Page source builder", () => {
  // Issue 13, item 2: a page source for a typical news list is built
  // without writing a selector by hand: the suggestion fills the fields.
  it("fills the selectors from the suggestion and previews the items", async () => {
    const { mock } = fresh();
    await openBuilder("https://news.example/ru/list/");
    await waitFor(() => expect(value("page-item")).toBe("article.post"));
    expect(value("page-title")).toBe("h2");
    expect(value("page-link")).toBe("h2 a");
    expect(value("page-date")).toBe("time");
    await waitFor(() => expect(screen.getByTestId("page-count").textContent).toContain("12 items found"));
    expect(screen.getAllByTestId("page-item-row")).toHaveLength(5);
    expect(screen.getAllByTestId("page-item-row")[0]!.textContent).toContain("Новость 1 о событиях на границе");
    // A read date shows in the UI's own format, as everywhere else; the
    // instant it was read as stays on hover.
    const date = screen.getAllByTestId("page-item-date")[0]!;
    expect(date.getAttribute("title")).toMatch(/^2026-11-\d\dT09:00:00Z$/);
    expect(date.textContent).toBe(fullTime(date.getAttribute("title")!));
    expect(value("page-name")).toBe("Лента новостей");
    // The first call sent nothing typed; the engine suggested.
    expect((callsOf(mock, "preview_page_source")[0]!.req as { selectors: { item: string } }).selectors.item).toBe("");

    await fireEvent.click(screen.getByTestId("page-add"));
    await waitFor(() => expect(callsOf(mock, "add_source")).toHaveLength(1));
    const input = callsOf(mock, "add_source")[0]!.input as Record<string, unknown>;
    expect(input.kind).toBe("page");
    expect(input.url).toBe("https://news.example/ru/list/");
    expect(input.settings).toEqual({
      page: { item: "article.post", title: "h2", link: "h2 a", date: "time", date_format: null, tz: null, body: null },
    });
    await waitFor(() => expect(screen.queryByTestId("page-builder")).toBeNull());
    expect(mock.sources.some((s) => s.kind === "page" && s.name === "Лента новостей")).toBe(true);
  });

  it("previews again as a selector is typed, and says what is wrong with it", async () => {
    const { mock } = fresh();
    await openBuilder("https://news.example/ru/list/");
    await waitFor(() => expect(value("page-item")).toBe("article.post"));
    const before = callsOf(mock, "preview_page_source").length;
    await fireEvent.input(screen.getByTestId("page-item"), { target: { value: "div.card" } });
    await waitFor(() => expect(screen.getByTestId("page-warning").textContent).toContain("matched nothing"));
    expect(screen.getByTestId("page-count").textContent).toContain("0 items found");
    expect((screen.getByTestId("page-add") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("page-item"), { target: { value: "article[" } });
    await waitFor(() => expect(screen.getByTestId("page-problem").textContent).toContain("is not valid CSS"));
    // Debounced: typing re-reads the preview, without a fetch per keystroke
    // in between the pauses.
    expect(callsOf(mock, "preview_page_source").length).toBeLessThanOrEqual(before + 2);
    expect(callsOf(mock, "add_source")).toEqual([]);
  });

  it("says in a sentence when the page cannot be fetched", async () => {
    fresh();
    await openBuilder("https://news.example/missing");
    const err = await screen.findByTestId("page-error");
    expect(err.textContent).toContain("The server answered HTTP 404 Not Found.");
    expect(screen.queryByTestId("page-count")).toBeNull();
  });
});
