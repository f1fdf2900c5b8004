import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { app } from "../lib/stores/app.svelte";
import { callsOf, fresh } from "../test/helpers";
import Sources from "./Sources.svelte";

describe("Sources page", () => {
  it("shows source health: failing, disabled and fine sources", async () => {
    const { mock } = fresh();
    render(Sources);
    await waitFor(() => expect(screen.getByTestId("sources-table")).toBeTruthy());
    expect(screen.getByTestId("source-health-1").textContent).toBe("OK");
    expect(screen.getByTestId("source-health-7").textContent).toBe("Failing (3×)");
    expect(screen.getByTestId("source-row-7").textContent).toContain("Timed out after 20 s");
    // Issue 20: the advice follows the error (a timeout: the network or proxy).
    expect(screen.getByTestId("source-advice-7").textContent).toMatch(/network and the proxy/);
    expect(screen.getByTestId("source-health-8").textContent).toBe("Disabled");
    expect(mock.sources).toHaveLength(8);
  });

  // Issue 16: a first run without network turned every row red with
  // reqwest's whole error chain. Now one line says "offline", the rows wait,
  // and each error is a short sentence with the chain behind "Details".
  it("says offline once instead of a table of red rows when every fetch failed DNS", async () => {
    const { mock } = fresh();
    const chain = (host: string) =>
      `could not connect to ${host}: error sending request for url (https://${host}/rss): client error (Connect): dns error: failed to lookup address information: Temporary failure in name resolution`;
    for (const s of mock.sources) {
      s.last_fetch_at = "2026-11-29T10:00:00Z";
      s.last_error = chain(new URL(s.url).host);
    }
    render(Sources);
    expect((await screen.findByTestId("sources-offline")).textContent).toBe("You appear to be offline; sources will be retried.");
    expect(screen.getByTestId("source-health-1").textContent).toBe("Waiting for the network");
    expect(screen.getByTestId("source-error-1").textContent).toMatch(/^Could not find \S+ \(the name does not resolve\)\.$/);
    expect(screen.getByTestId("source-error-detail-1").textContent).toContain("Temporary failure in name resolution");
    expect(screen.queryByTestId("source-advice-1")).toBeNull();
  });

  it("keeps a single failing source red, with its short error", async () => {
    fresh();
    render(Sources);
    await waitFor(() => expect(screen.getByTestId("sources-table")).toBeTruthy());
    expect(screen.queryByTestId("sources-offline")).toBeNull();
    expect(screen.getByTestId("source-error-7").textContent).toBe("Timed out after 20 s while reading the response.");
  });

  // Hardening 2, item 11: a feed's move to another host waits for the
  // analyst; the app offers the move and changes nothing until it is taken.
  it("offers a pending move to another host and accepts it on request", async () => {
    const { mock } = fresh();
    mock.sources[1]!.pending_move = "https://new.example/feed.xml";
    mock.sources[1]!.last_error = "moved to new.example: accept?";
    render(Sources);
    const accept = await screen.findByTestId("source-accept-move-2");
    expect(accept.textContent).toContain("https://new.example/feed.xml");
    expect(screen.queryByTestId("source-accept-move-1")).toBeNull();
    expect(callsOf(mock, "accept_source_move")).toEqual([]);
    await fireEvent.click(accept);
    await waitFor(() => expect(callsOf(mock, "accept_source_move")).toEqual([{ id: 2 }]));
    await waitFor(() => expect(screen.queryByTestId("source-accept-move-2")).toBeNull());
    expect(mock.sources[1]!.url).toBe("https://new.example/feed.xml");
    expect(app.notice?.message).toContain("now polls https://new.example/feed.xml");
  });

  it("adds a source by site URL", async () => {
    const { mock } = fresh();
    render(Sources);
    await fireEvent.input(screen.getByTestId("source-url-input"), { target: { value: "https://www.rferl.org/" } });
    await fireEvent.click(screen.getByTestId("source-add"));
    await waitFor(() => expect(callsOf(mock, "add_source")).toHaveLength(1));
    expect(callsOf(mock, "add_source")[0]!.input).toEqual({ url: "https://www.rferl.org/", name: null, interval_secs: null, lang: null, folder: null, tags: [], keep_failing: false });
    await waitFor(() => expect(screen.getByText("www.rferl.org")).toBeTruthy());
  });

  // Sources beyond feeds (issue 13): a GDELT query is added from the same
  // form, and the form says that GDELT's queries are written in English.
  it("adds a GDELT query and says queries are in English", async () => {
    const { mock } = fresh();
    render(Sources);
    await fireEvent.change(screen.getByTestId("source-kind-input"), { target: { value: "gdelt" } });
    expect((await screen.findByTestId("gdelt-hint")).textContent).toContain("write the query in English");
    await fireEvent.input(screen.getByTestId("source-url-input"), { target: { value: "Khorog OR Darvoz" } });
    await fireEvent.click(screen.getByTestId("source-add"));
    await waitFor(() => expect(callsOf(mock, "add_source")).toHaveLength(1));
    expect(callsOf(mock, "add_source")[0]!.input).toEqual({ kind: "gdelt", url: "", settings: { gdelt_query: "Khorog OR Darvoz" }, name: null, interval_secs: null, lang: null, folder: null, tags: [], keep_failing: false });
  });

  it("explains a duplicate source in a sentence with what to do", async () => {
    fresh();
    render(Sources);
    await fireEvent.input(screen.getByTestId("source-url-input"), { target: { value: "https://tolonews.com/" } });
    await fireEvent.click(screen.getByTestId("source-add"));
    const err = await screen.findByTestId("source-add-error");
    expect(err.textContent).toBe("A source for tolonews.com is already in your list. That source is already in your list; look for it in the table below.");
  });

  it("imports OPML from the native dialog and reports the summary", async () => {
    const { mock } = fresh();
    render(Sources);
    await fireEvent.click(screen.getByTestId("opml-import"));
    await waitFor(() => expect(callsOf(mock, "import_opml")).toEqual([{ path: "/home/analyst/feeds.opml" }]));
    await waitFor(() => expect(app.notice?.message).toContain("Imported 14 sources; 3 already known."));
  });

  it("does nothing when the dialog is cancelled", async () => {
    const { mock } = fresh();
    mock.nextOpenPath = null;
    render(Sources);
    await fireEvent.click(screen.getByTestId("opml-import"));
    await new Promise((r) => setTimeout(r, 20));
    expect(callsOf(mock, "import_opml")).toEqual([]);
  });

  it("disables a source and polls one now", async () => {
    const { mock } = fresh();
    render(Sources);
    await waitFor(() => expect(screen.getByTestId("source-toggle-2")).toBeTruthy());
    await fireEvent.click(screen.getByTestId("source-toggle-2"));
    await waitFor(() => expect(callsOf(mock, "set_source_enabled")).toEqual([{ id: 2, enabled: false }]));
    await waitFor(() => expect(screen.getByTestId("source-health-2").textContent).toBe("Disabled"));
    await fireEvent.click(screen.getByTestId("source-poll-1"));
    await waitFor(() => expect(callsOf(mock, "poll_now")).toEqual([{ id: 1 }]));
  });
});

describe("Source editing (issue 20)", () => {
  // Issue 20, item 5: sources were add-only.
  it("edits every property of a source after adding it", async () => {
    const { mock } = fresh();
    render(Sources);
    const s = mock.sources[0]!;
    const wasEnabled = s.enabled;
    await fireEvent.click(await screen.findByTestId(`source-edit-${s.id}`));
    await fireEvent.input(screen.getByTestId("edit-name"), { target: { value: "Asia-Plus (RU)" } });
    await fireEvent.change(screen.getByTestId("edit-lang"), { target: { value: "ru" } });
    await fireEvent.input(screen.getByTestId("edit-interval"), { target: { value: "5" } });
    await fireEvent.input(screen.getByTestId("edit-folder"), { target: { value: "Tajikistan" } });
    await fireEvent.input(screen.getByTestId("edit-tags"), { target: { value: "tj, wire" } });
    await fireEvent.click(screen.getByTestId("edit-enabled"));
    await fireEvent.click(screen.getByTestId("edit-save"));
    await waitFor(() => expect(callsOf(mock, "update_source")).toHaveLength(1));
    expect(callsOf(mock, "update_source")[0]).toEqual({
      id: s.id,
      edit: { name: "Asia-Plus (RU)", lang: "ru", interval_secs: 300, folder: "Tajikistan", tags: ["tj", "wire"], enabled: !wasEnabled },
    });
    await waitFor(() => expect(screen.queryByTestId("source-editor")).toBeNull());
    expect(app.notice?.message).toBe("Saved “Asia-Plus (RU)”: polled every 5 minutes.");
  });

  it("advises on a 404 in the table, and the health columns follow the backend", async () => {
    const { mock } = fresh();
    mock.sources[0]!.last_error = "the server answered HTTP 404 Not Found";
    render(Sources);
    expect((await screen.findByTestId("source-advice-1")).textContent).toBe("The feed address is wrong or moved; check it or use the site's address.");
    mock.sources[0]!.last_error = null;
    await app.refreshSources();
    await waitFor(() => expect(screen.queryByTestId("source-advice-1")).toBeNull());
  });

  it("shows the backend's sentence when an edit is refused", async () => {
    const { mock } = fresh();
    render(Sources);
    const s = mock.sources[0]!;
    await fireEvent.click(await screen.findByTestId(`source-edit-${s.id}`));
    await fireEvent.input(screen.getByTestId("edit-name"), { target: { value: "  " } });
    await fireEvent.click(screen.getByTestId("edit-save"));
    expect((await screen.findByTestId("edit-error")).textContent).toMatch(/A source needs a name/);
  });

  // Issue 20, item 5: a source answering 404 could not be kept, and the
  // advice blamed the network.
  it("explains a 404 and keeps the failing source with Add anyway", async () => {
    const { mock } = fresh();
    render(Sources);
    await fireEvent.input(screen.getByTestId("source-url-input"), { target: { value: "https://new.example/missing.xml" } });
    await fireEvent.click(screen.getByTestId("source-add"));
    const err = await screen.findByTestId("source-add-error");
    expect(err.textContent).toContain("The feed address is wrong or moved; check it or use the site's address.");
    expect(err.textContent).not.toMatch(/proxy/);
    await fireEvent.click(screen.getByTestId("source-add-anyway"));
    await waitFor(() => expect(callsOf(mock, "add_source")).toHaveLength(2));
    expect((callsOf(mock, "add_source")[1]!.input as { keep_failing: boolean }).keep_failing).toBe(true);
    await waitFor(() => expect(mock.sources.some((x) => x.url === "https://new.example/missing.xml")).toBe(true));
  });

  // Issue 19, item 5: each source shows how often it is checked now and
  // why; an edited interval becomes the analyst's fixed one.
  it("shows each source's current interval and why", async () => {
    const { mock } = fresh();
    render(Sources);
    await waitFor(() => expect(screen.getByTestId("sources-table")).toBeTruthy());
    expect(screen.getByTestId("source-interval-1").textContent).toBe("every 4 min · publishes ~every 12 min");
    expect(screen.getByTestId("source-interval-2").textContent).toBe("every 30 min · fixed by you");
    expect(screen.getByTestId("source-interval-4").textContent).toBe("every 2 h · quiet: every 2 h");
    expect(screen.getByTestId("source-interval-7").textContent).toBe("every 60 min · backing off after 3 failures");
    expect(screen.queryByTestId("source-interval-8"), "a disabled source is not checked").toBeNull();
    await fireEvent.click(screen.getByTestId("source-edit-1"));
    await fireEvent.input(screen.getByTestId("edit-interval"), { target: { value: "5" } });
    await fireEvent.click(screen.getByTestId("edit-save"));
    await waitFor(() => expect(screen.getByTestId("source-interval-1").textContent).toBe("every 5 min · fixed by you"));
    expect(mock.sources[0]!.interval_fixed).toBe(true);
  });

  // Issue 13, item 5: the Telegram pack is offered, and its sources show
  // "unverified" until a poll succeeds.
  it("adds the Telegram pack on request and marks its channels unverified", async () => {
    const { mock } = fresh();
    render(Sources);
    await waitFor(() => expect(screen.getByTestId("sources-table")).toBeTruthy());
    expect(screen.queryByTestId("source-unverified-9")).toBeNull();
    await fireEvent.click(screen.getByTestId("telegram-pack"));
    await waitFor(() => expect(callsOf(mock, "add_source_pack")).toEqual([{ name: "telegram" }]));
    const badge = await screen.findByTestId("source-unverified-9");
    expect(badge.textContent).toBe("unverified");
    expect(badge.getAttribute("title")).toContain("not yet opened");
    expect(screen.queryByTestId("source-unverified-1")).toBeNull();
    expect(app.notice?.message).toContain("Added 4 Telegram channels");
  });

  // Issue 13, item 5: a health note says shortly what is wrong and what to
  // do; the full error stays under Details.
  it("shows health notes with the full error under details", async () => {
    const { mock } = fresh();
    mock.sources[2]!.last_error = "could not connect to www.ozodi.org: error sending request: dns error: failed to lookup address information";
    mock.sources[2]!.health = [{ code: "error", message: "could not find www.ozodi.org (DNS lookup failed); are you online?" }];
    mock.sources[3]!.health = [{ code: "empty", message: "answered with no items 3 polls in a row; the address may be an empty feed: find the outlet's current one" }];
    render(Sources);
    const note = await screen.findByTestId("source-error-3");
    expect(note.textContent).toBe("could not find www.ozodi.org (DNS lookup failed); are you online?");
    expect(screen.getByTestId("source-error-detail-3").textContent).toContain("failed to lookup address information");
    expect(screen.queryByTestId("source-advice-3")).toBeNull();
    expect(screen.getByTestId("source-note-4-empty").textContent).toContain("no items 3 polls in a row");
  });
});
