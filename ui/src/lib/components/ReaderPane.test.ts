import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { fresh } from "../../test/helpers";
import { spansOf } from "../../test/mock-ipc";
import type { ArticleView } from "../bindings";
import { app } from "../stores/app.svelte";
import ReaderPane from "./ReaderPane.svelte";

function article(over: Partial<ArticleView> = {}): ArticleView {
  return {
    id: 7,
    title: "کشته شدن پنج تبعه خارجی در نزدیکی مرز تاجیکستان",
    url: "https://www.bbc.com/persian/articles/c1",
    source_name: "BBC Persian",
    lang: "fa",
    published: "2026-11-26T08:00:00Z",
    fetched_at: "2026-11-26T08:05:00Z",
    summary: "پنج کارگر چینی در نزدیکی مرز کشته شدند.",
    content_html:
      '<p>پنج کارگر چینی در نزدیکی مرز کشته شدند.</p><img data-src="https://ichef.bbci.co.uk/a.jpg" alt="photo"><img data-src="https://ichef.bbci.co.uk/b.jpg" alt="photo 2"><p><a href="https://www.bbc.com/persian/x">بیشتر</a> <a href="javascript:alert(1)">bad</a></p>',
    authors: [],
    ...over,
  };
}

describe("Reader pane", () => {
  it("marks the matched terms of a Persian title from byte spans", () => {
    fresh();
    const a = article();
    render(ReaderPane, { props: { article: a, spans: spansOf(a.title, ["خارجی", "مرز"], "title") } });
    const marks = [...screen.getByTestId("reader-title").querySelectorAll("mark")].map((m) => m.textContent);
    expect(marks).toEqual(["خارجی", "مرز"]);
    expect(screen.getByTestId("reader-title").textContent).toBe(a.title);
  });

  it("marks span texts inside the sanitised HTML body", () => {
    fresh();
    const a = article();
    render(ReaderPane, { props: { article: a, spans: spansOf(a.summary, ["مرز"], "body") } });
    const body = screen.getByTestId("reader-body");
    expect([...body.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["مرز"]);
  });

  it("marks the plain summary by byte spans when there is no HTML", () => {
    fresh();
    const a = article({ content_html: "", title: "Граница", summary: "На границе с Афганистаном убиты пять иностранцев." });
    render(ReaderPane, { props: { article: a, spans: spansOf(a.summary, ["иностранцев"], "body") } });
    expect([...screen.getByTestId("reader-body").querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["иностранцев"]);
  });

  it("blocks remote images until the analyst loads them through the backend", async () => {
    const { mock } = fresh();
    render(ReaderPane, { props: { article: article() } });
    const body = screen.getByTestId("reader-body");
    const imgs = [...body.querySelectorAll("img")];
    expect(imgs).toHaveLength(2);
    for (const img of imgs) expect(img.getAttribute("src")).toBeNull();
    expect(screen.getByTestId("images-blocked").textContent).toContain("2 remote images are blocked");
    expect(mock.calls.filter((c) => c.cmd === "load_image")).toHaveLength(0);

    await fireEvent.click(screen.getByTestId("load-images"));
    await waitFor(() => expect(imgs.every((i) => i.getAttribute("src")?.startsWith("data:image/"))).toBe(true));
    expect(mock.calls.filter((c) => c.cmd === "load_image").map((c) => c.args!.url).sort()).toEqual([
      "https://ichef.bbci.co.uk/a.jpg",
      "https://ichef.bbci.co.uk/b.jpg",
    ]);
    expect(screen.queryByTestId("load-images")).toBeNull();
  });

  it("loads images at once when the setting allows remote images", async () => {
    const { mock } = fresh();
    app.settings = { ...mock.settings, remote_images: true };
    render(ReaderPane, { props: { article: article() } });
    await waitFor(() => expect(mock.calls.filter((c) => c.cmd === "load_image")).toHaveLength(2));
  });

  it("tries each image once when automatic loading fails", async () => {
    const { mock } = fresh();
    app.settings = { ...mock.settings, remote_images: true };
    mock.failures.set("load_image", { code: "fetch_failed", message: "the image server refused the connection" });
    render(ReaderPane, { props: { article: article() } });
    await waitFor(() => expect(app.notice?.message).toContain("1 image could not be loaded"));
    await new Promise((r) => setTimeout(r, 50));
    expect(mock.calls.filter((c) => c.cmd === "load_image")).toHaveLength(2);
    expect(screen.getByTestId("load-images").textContent).toContain("Load 1 image");
  });

  it("sends http links to the system browser and refuses the rest", async () => {
    const { mock } = fresh();
    render(ReaderPane, { props: { article: article() } });
    const links = [...screen.getByTestId("reader-body").querySelectorAll("a")];
    const ok = new MouseEvent("click", { bubbles: true, cancelable: true });
    links[0]!.dispatchEvent(ok);
    expect(ok.defaultPrevented).toBe(true);
    await waitFor(() => expect(mock.opened).toEqual(["https://www.bbc.com/persian/x"]));
    const bad = new MouseEvent("click", { bubbles: true, cancelable: true });
    links[1]!.dispatchEvent(bad);
    expect(bad.defaultPrevented).toBe(true);
    await waitFor(() => expect(app.notice?.kind).toBe("error"));
    expect(app.notice!.message).toContain("only http and https");
    expect(mock.opened).toHaveLength(1);
    await fireEvent.click(screen.getByTestId("open-original"));
    await waitFor(() => expect(mock.opened).toContain("https://www.bbc.com/persian/articles/c1"));
  });

  it("shows why an alert fired, and edits notes and tags", async () => {
    const { mock } = fresh({ alerts: 12 });
    const alert = mock.alerts[3]!;
    const detail = await (await import("../ipc")).getAlert(alert.id);
    const notes: Array<string> = [];
    const tags: Array<string> = [];
    render(ReaderPane, {
      props: { article: detail.article, spans: detail.spans, detail, onNote: (n: string) => notes.push(n), onTag: (t: string) => tags.push(t) },
    });
    const why = screen.getByTestId("why-fired");
    expect(why.textContent).toContain(alert.watchlist_name);
    expect(why.textContent).toContain(detail.query);
    expect(why.querySelectorAll("mark").length).toBeGreaterThan(0);
    expect(screen.getByTestId("tag-verify")).toBeTruthy();
    const note = screen.getByTestId("note-input") as HTMLTextAreaElement;
    expect(note.value).toBe("Cross-check with the ministry statement.");
    await fireEvent.input(note, { target: { value: "Confirmed by two sources." } });
    await fireEvent.click(screen.getByTestId("note-save"));
    expect(notes).toEqual(["Confirmed by two sources."]);
    const tagInput = screen.getByTestId("tag-input") as HTMLInputElement;
    await fireEvent.input(tagInput, { target: { value: "chinese-workers" } });
    await fireEvent.submit(tagInput.form!);
    expect(tags).toEqual(["chinese-workers"]);
  });
});
