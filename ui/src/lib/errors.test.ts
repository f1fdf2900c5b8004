import { describe, expect, it } from "vitest";
import { appearsOffline, isDnsFailure, shortFetchError } from "./errors";

// The chains the fetcher stores, as reqwest words them.
const DNS =
  "could not connect to asiaplustj.info: error sending request for url (https://asiaplustj.info/rss): client error (Connect): dns error: failed to lookup address information: Temporary failure in name resolution";
const REFUSED =
  "could not connect to 127.0.0.1: error sending request for url (http://127.0.0.1:9/feed): client error (Connect): tcp connect error: Connection refused (os error 111)";

const src = (last_error: string | null, enabled = true, fetched = true) => ({
  enabled,
  last_error,
  last_fetch_at: fetched ? "2026-11-29T10:00:00Z" : null,
});

describe("fetch errors", () => {
  // Issue 16: error sentences are short, with the full chain behind a toggle.
  it("says a fetch error in one short sentence", () => {
    expect(shortFetchError(DNS)).toBe("Could not find asiaplustj.info (the name does not resolve).");
    expect(shortFetchError(REFUSED)).toBe("127.0.0.1 refused the connection.");
    expect(shortFetchError("the server answered HTTP 404 Not Found")).toBe("The server answered HTTP 404 Not Found.");
    const long = "the response could not be read: " + "x".repeat(100);
    expect(shortFetchError(long)).toBe("The response could not be read.");
  });

  // Issue 16: a first run without network turned every source red with the
  // whole reqwest chain; all-DNS failures mean "offline", one does not.
  it("calls it offline only when every fetched source failed its DNS lookup", () => {
    expect(isDnsFailure(DNS)).toBe(true);
    expect(isDnsFailure(REFUSED)).toBe(false);
    expect(appearsOffline([src(DNS), src(DNS), src(null, true, false), src(REFUSED, false)])).toBe(true);
    expect(appearsOffline([src(DNS), src(REFUSED)])).toBe(false);
    expect(appearsOffline([src(DNS), src(null)])).toBe(false);
    expect(appearsOffline([src(DNS)])).toBe(false);
    expect(appearsOffline([])).toBe(false);
  });
});
