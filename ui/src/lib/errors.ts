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

const DNS_FAILURE = /dns error|failed to lookup address|name or service not known|temporary failure in name resolution|no address associated with hostname|nodename nor servname/i;

/** Whether a fetch failed because the host name did not resolve (DNS). */
export function isDnsFailure(message: string): boolean {
  return DNS_FAILURE.test(message);
}

/**
 * A fetch error in one short sentence for the sources table; the full chain
 * (reqwest's causes, often several lines' worth) goes behind a details
 * toggle (issue 16: every row showed the whole chain in red).
 */
export function shortFetchError(message: string): string {
  const host = /^could not connect to ([^:\s]+)/i.exec(message.trim())?.[1];
  const m = message.toLowerCase();
  if (isDnsFailure(message)) return host ? `Could not find ${host} (the name does not resolve).` : "Could not find the host (the name does not resolve).";
  if (/connection refused/.test(m)) return host ? `${host} refused the connection.` : "The server refused the connection.";
  if (/connection reset|broken pipe/.test(m)) return host ? `${host} dropped the connection.` : "The server dropped the connection.";
  if (/network is unreachable|no route to host/.test(m)) return "No network route to the server.";
  // Otherwise the first clause: the backend writes it as the sentence and
  // appends causes after ": ".
  const cut = message.indexOf(": ", 12);
  return sentence(cut > 0 && message.length > 90 ? message.slice(0, cut) : message);
}

/**
 * Whether the sources' errors say this computer is offline: two or more
 * enabled sources have been fetched and every one of them failed to resolve
 * its host. One unreachable site is that site's problem; all of them at
 * once is the network's.
 */
export function appearsOffline(sources: ReadonlyArray<{ enabled: boolean; last_fetch_at: string | null; last_error: string | null }>): boolean {
  const tried = sources.filter((s) => s.enabled && s.last_fetch_at !== null);
  return tried.length >= 2 && tried.every((s) => s.last_error !== null && isDnsFailure(s.last_error));
}

/** The sentence shown instead of a table of red rows when offline. */
export const OFFLINE_SENTENCE = "You appear to be offline; sources will be retried.";
