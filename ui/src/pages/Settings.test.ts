import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { clockTime, setTimeZone, timeZone } from "../lib/format";
import { app } from "../lib/stores/app.svelte";
import { callsOf, fresh } from "../test/helpers";
import Settings from "./Settings.svelte";

describe("Settings page", () => {
  it("applies the theme at once and saves the settings", async () => {
    const { mock } = fresh();
    render(Settings);
    await waitFor(() => expect(screen.getByTestId("settings-form")).toBeTruthy());
    await fireEvent.click(screen.getByTestId("theme-dark"));
    expect(document.documentElement.dataset.theme).toBe("dark");
    await fireEvent.click(screen.getByTestId("remote-images"));
    await fireEvent.input(screen.getByTestId("proxy-input"), { target: { value: "socks5://127.0.0.1:9050" } });
    await fireEvent.click(screen.getByTestId("settings-save"));
    await waitFor(() => expect(callsOf(mock, "save_settings")).toHaveLength(1));
    expect(callsOf(mock, "save_settings")[0]!.settings).toEqual({
      quiet_hours_start: "22:00",
      quiet_hours_end: "07:00",
      rate_limit_count: 5,
      rate_limit_minutes: 10,
      proxy: "socks5://127.0.0.1:9050",
      retention_days: 90,
      remote_images: true,
      theme: "dark",
      time_zone: null,
      request_budget_per_hour: null,
      telegram_backfill_posts: 100,
    });
    expect(app.settings?.theme).toBe("dark");
  });

  // Issue 19, item 3: the analyst may raise the request budget; empty
  // means the default, and a nonsense value is refused with a sentence.
  it("saves a raised request budget and refuses one below 1", async () => {
    const { mock } = fresh();
    render(Settings);
    await waitFor(() => expect(screen.getByTestId("settings-form")).toBeTruthy());
    await fireEvent.input(screen.getByTestId("request-budget"), { target: { value: "0" } });
    await fireEvent.click(screen.getByTestId("settings-save"));
    expect((await screen.findByTestId("settings-error")).textContent).toContain("at least 1");
    expect(callsOf(mock, "save_settings")).toEqual([]);
    await fireEvent.input(screen.getByTestId("request-budget"), { target: { value: "400" } });
    await fireEvent.click(screen.getByTestId("settings-save"));
    await waitFor(() => expect(callsOf(mock, "save_settings")).toHaveLength(1));
    expect((callsOf(mock, "save_settings")[0]!.settings as { request_budget_per_hour: number | null }).request_budget_per_hour).toBe(400);
  });

  // Issue 16 (autostart): the toggle writes the login entry at once, without
  // the form's Save, and shows the backend's answer.
  it("turns start at login on and off at once", async () => {
    const { mock } = fresh();
    render(Settings);
    const box = (await screen.findByTestId("autostart")) as HTMLInputElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    expect(box.checked).toBe(false);
    await fireEvent.click(box);
    await waitFor(() => expect(callsOf(mock, "set_autostart")).toEqual([{ enabled: true }]));
    expect(mock.autostart).toBe(true);
    await waitFor(() => expect(box.checked).toBe(true));
    await fireEvent.click(box);
    await waitFor(() => expect(mock.autostart).toBe(false));
    expect(callsOf(mock, "save_settings")).toEqual([]);
  });

  it("refuses a malformed proxy with a sentence, without calling the backend", async () => {
    const { mock } = fresh();
    render(Settings);
    await waitFor(() => expect(screen.getByTestId("settings-form")).toBeTruthy());
    await fireEvent.input(screen.getByTestId("proxy-input"), { target: { value: "127.0.0.1:9050" } });
    await fireEvent.click(screen.getByTestId("settings-save"));
    expect((await screen.findByTestId("settings-error")).textContent).toContain("socks5://127.0.0.1:9050 (Tor)");
    expect(callsOf(mock, "save_settings")).toEqual([]);
  });

  it("backs up to the file chosen in the dialog", async () => {
    const { mock } = fresh();
    await app.refreshInfo();
    render(Settings);
    await waitFor(() => expect(screen.getByTestId("data-dir").textContent).toBe("/home/analyst/.local/share/outpost"));
    await fireEvent.click(screen.getByTestId("backup-button"));
    await waitFor(() => expect(callsOf(mock, "backup")).toHaveLength(1));
    expect(String(callsOf(mock, "backup")[0]!.path)).toMatch(/^\/home\/analyst\/outpost-export\/outpost-backup-\d{4}-\d{2}-\d{2}\.sqlite$/);
  });
});

describe("Time zone", () => {
  // Issue 20: times showed only in local time; analysts work in UTC and in
  // Dushanbe time.
  it("saves UTC or a named zone and shows times in it", async () => {
    const { mock } = fresh();
    render(Settings);
    await waitFor(() => expect(screen.getByTestId("settings-form")).toBeTruthy());
    await fireEvent.click(screen.getByTestId("tz-zone"));
    await fireEvent.input(screen.getByTestId("tz-name"), { target: { value: "Asia/Dushanbe" } });
    await fireEvent.click(screen.getByTestId("settings-save"));
    await waitFor(() => expect(callsOf(mock, "save_settings")).toHaveLength(1));
    expect((callsOf(mock, "save_settings")[0]!.settings as { time_zone: string }).time_zone).toBe("Asia/Dushanbe");
    expect(timeZone()).toBe("Asia/Dushanbe");
    // 10:00 UTC is 15:00 in Dushanbe (UTC+5).
    expect(clockTime("2026-03-01T10:00:00Z")).toMatch(/^(15.00|03.00\sPM)$/);
    await fireEvent.click(screen.getByTestId("tz-utc"));
    await fireEvent.click(screen.getByTestId("settings-save"));
    await waitFor(() => expect(callsOf(mock, "save_settings")).toHaveLength(2));
    expect(clockTime("2026-03-01T10:00:00Z")).toMatch(/^10.00(\sAM)?$/);
    setTimeZone(null);
  });

  it("refuses a zone the system does not know, without calling the backend", async () => {
    const { mock } = fresh();
    render(Settings);
    await waitFor(() => expect(screen.getByTestId("settings-form")).toBeTruthy());
    await fireEvent.click(screen.getByTestId("tz-zone"));
    await fireEvent.input(screen.getByTestId("tz-name"), { target: { value: "Mars/Olympus" } });
    await fireEvent.click(screen.getByTestId("settings-save"));
    await waitFor(() => expect(screen.getByTestId("settings-error").textContent).toMatch(/not a time zone/));
    expect(callsOf(mock, "save_settings")).toEqual([]);
  });
});

describe("Quiet hours switch (issue 20)", () => {
  it("turns quiet hours off without leaving times that look like values", async () => {
    const { mock } = fresh();
    render(Settings);
    await waitFor(() => expect(screen.getByTestId("settings-form")).toBeTruthy());
    expect((screen.getByTestId("quiet-on") as HTMLInputElement).checked).toBe(true);
    await fireEvent.click(screen.getByTestId("quiet-on"));
    // Off shows no time fields whose empty look could pass for a value.
    expect(screen.queryByTestId("quiet-start")).toBeNull();
    expect(screen.getByTestId("quiet-off")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("settings-save"));
    await waitFor(() => expect(callsOf(mock, "save_settings")).toHaveLength(1));
    expect(callsOf(mock, "save_settings")[0]!.settings).toMatchObject({ quiet_hours_start: null, quiet_hours_end: null });
  });
});
