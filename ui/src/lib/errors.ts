// Backend errors reach the analyst as sentences: the backend's own message
// (already written to be acted on) and, for the stable codes, what to do next.
import type { ApiError } from "./bindings";
import { toApiError } from "./ipc";

const NEXT_STEP: Record<string, string> = {
  invalid_query: "Fix the query where it is marked and try again.",
  not_found: "It may have been deleted meanwhile; refresh the list.",
  source_exists: "That source is already in your list; look for it in the table below.",
  io: "Check that the folder exists and that you may write to it, then try again.",
  database: "Restart Outpost; if it keeps happening, restore the last backup from Settings.",
  invalid_input: "Correct the highlighted value and try again.",
  file_exists: "Choose another file name or delete the old file first.",
};

export type ErrorView = { code: string; message: string; hint: string | null };

function sentence(s: string): string {
  const t = s.trim();
  if (t.length === 0) return "Something went wrong.";
  const first = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?…]$/.test(first) ? first : first + ".";
}

/**
 * What to do about a failed fetch, from what failed (issue 20: a 404 was
 * blamed on the network or proxy).
 */
export function fetchAdvice(message: string): string {
  const m = message.toLowerCase();
  if (/\b(404|410)\b|not found|gone/.test(m)) return "The feed address is wrong or moved; check it or use the site's address.";
  if (/\b(401|403)\b|forbidden|unauthori[sz]ed/.test(m)) return "The site refuses Outpost; it may need a login or block automated readers. Try its other feed or the site's address.";
  if (/\b(429)\b|too many/.test(m)) return "The site asks Outpost to slow down; keep the source and it is retried later.";
  if (/\b5\d\d\b|server error|bad gateway|unavailable/.test(m)) return "The site has a problem of its own; keep the source and it is retried later.";
  if (/certificate|tls|ssl/.test(m)) return "The site's certificate is not valid; check the address (https) or ask the site to fix it.";
  if (/not a feed|no feed|could not find a feed|parse|xml|html/.test(m)) return "This page is not a feed and links to none; use the feed's address or the site's home page.";
  if (/timed out|timeout|dns|resolve|connect|refused|proxy|network|unreachable/.test(m)) return "Check your network and the proxy setting in Settings, then try again.";
  return "Check the address and try again; “Add anyway” keeps it to retry later.";
}

/** Turns whatever a failed call threw into a sentence and a next step. */
export function describeError(e: unknown): ErrorView {
  const err: ApiError = toApiError(e);
  const hint =
    err.code === "fetch_failed" ? fetchAdvice(err.message) : (NEXT_STEP[err.code] ?? "Try again; if it keeps failing, restart Outpost.");
  const message = sentence(err.message);
  return { code: err.code, message, hint: message.includes(hint) ? null : hint };
}
