import { beforeEach, describe, expect, it } from "vitest";
import { installMockBackend, type MockBackend } from "../test/mock-ipc";
import { describeError } from "./errors";
import * as ipc from "./ipc";

let mock: MockBackend;
beforeEach(() => {
  mock = installMockBackend({ alerts: 20 });
});

describe("ipc", () => {
  it("sends the contract's command names and camelCase argument names", async () => {
    await ipc.saveWatchlist(null, { name: "X", query: "border", severity: "low", notify: false, scope_sources: [], scope_langs: [], color: "#000000", dropped_variants: [], min_sources: 1, gate_bypass_critical: false }, true);
    await ipc.setAlertState(3, "saved");
    await ipc.previewQuery("border", 5);
    await ipc.pollNow(null);
    expect(mock.calls.map((c) => [c.cmd, Object.keys(c.args ?? {})])).toEqual([
      ["save_watchlist", ["id", "input", "backfill"]],
      ["set_alert_state", ["id", "state"]],
      ["preview_query", ["query", "limit"]],
      ["poll_now", ["id"]],
    ]);
  });

  it("rejects with an ApiError whatever the transport threw", async () => {
    mock.failures.set("list_sources", { code: "database", message: "the archive is locked by another process" });
    await expect(ipc.listSources()).rejects.toEqual({ code: "database", message: "the archive is locked by another process" });
    expect(ipc.toApiError(new Error("boom"))).toEqual({ code: "internal", message: "boom" });
    expect(ipc.toApiError("plain")).toEqual({ code: "internal", message: "plain" });
  });

  it("opens only http and https links in the system browser", async () => {
    await ipc.openExternal("https://tolonews.com/x");
    await expect(ipc.openExternal("javascript:alert(1)")).rejects.toMatchObject({ code: "invalid_input" });
    await expect(ipc.openExternal("file:///etc/passwd")).rejects.toMatchObject({ code: "invalid_input" });
    await expect(ipc.openExternal(null)).rejects.toMatchObject({ code: "invalid_input" });
    expect(mock.opened).toEqual(["https://tolonews.com/x"]);
  });

  it("delivers events to listeners until unlistened", async () => {
    const got: Array<number> = [];
    const off = await ipc.onOpenAlert((id) => got.push(id));
    mock.emit("open-alert", 42);
    off();
    mock.emit("open-alert", 43);
    expect(got).toEqual([42]);
  });
});

describe("error sentences", () => {
  it("capitalises, ends with a full stop and adds what to do", () => {
    const v = describeError({ code: "fetch_failed", message: "the server answered 503" });
    expect(v.message).toBe("The server answered 503.");
    expect(v.hint).toMatch(/problem of its own/);
  });

  // Issue 20: a 404 was blamed on the network or the proxy.
  it("gives advice that matches the fetch error", () => {
    expect(describeError({ code: "fetch_failed", message: "could not add https://x.example/feed: HTTP 404 Not Found" }).hint).toBe(
      "The feed address is wrong or moved; check it or use the site's address.",
    );
    expect(describeError({ code: "fetch_failed", message: "connection timed out" }).hint).toMatch(/network and the proxy/);
    expect(describeError({ code: "fetch_failed", message: "HTTP 403 Forbidden" }).hint).toMatch(/refuses Outpost/);
  });

  it("gives a next step for unknown codes and for non-API errors", () => {
    expect(describeError(new Error("socket closed")).hint).toMatch(/Try again/);
    expect(describeError({ code: "weird", message: "Odd." }).message).toBe("Odd.");
  });
});

describe("export format from the chosen file", () => {
  it("follows the extension and defaults to CSV", () => {
    expect(ipc.formatForPath("/x/report.HTML")).toBe("html");
    expect(ipc.formatForPath("/x/a.md")).toBe("md");
    expect(ipc.formatForPath("/x/a.json")).toBe("json");
    expect(ipc.formatForPath("/x/a.csv")).toBe("csv");
    expect(ipc.formatForPath("/x/noext")).toBe("csv");
  });
});
