import { render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "../../App.svelte";
import { fresh } from "../../test/helpers";

describe("Status bar and progress", () => {
  it("shows version, database path and counts", async () => {
    const { store } = fresh({ alerts: 30 });
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(screen.getByTestId("status-bar").textContent).toContain("Outpost 0.1.0"));
    expect(screen.getByTestId("db-path").textContent).toBe("/home/analyst/.local/share/outpost/outpost.sqlite");
    expect(screen.getByTestId("status-counts").textContent).toContain("8 sources");
    expect(screen.queryByTestId("notifications-warning")).toBeNull();
  });

  it("warns visibly when notifications are unavailable, with the reason", async () => {
    const { mock, store } = fresh();
    mock.notifications = { available: false, reason: "no notification daemon is running" };
    render(App, { props: { alerts: store } });
    const w = await screen.findByTestId("notifications-warning");
    expect(w.textContent).toContain("no notification daemon is running");
  });

  it("follows poll:progress events", async () => {
    const { mock, store } = fresh();
    render(App, { props: { alerts: store } });
    await waitFor(() => expect(mock.listenerCount("poll:progress")).toBe(1));
    mock.emit("poll:progress", { done: 3, total: 8, current: "TOLOnews", new_articles: 12, new_alerts: 2 });
    const bar = await screen.findByTestId("progress-bar");
    expect(bar.textContent).toContain("3/8");
    expect(bar.textContent).toContain("12 new articles, 2 new alerts — TOLOnews");
    expect(bar.querySelector('[role="progressbar"]')!.getAttribute("aria-valuenow")).toBe("3");
  });

  it("pauses polling from the status bar", async () => {
    const { mock, store } = fresh();
    render(App, { props: { alerts: store } });
    const btn = await screen.findByTestId("polling-toggle");
    btn.click();
    await waitFor(() => expect(mock.pollingPaused).toBe(true));
    await waitFor(() => expect(screen.getByTestId("polling-toggle").textContent).toContain("paused"));
  });
});
