// Backend errors reach the analyst as sentences: the backend's own message
// (already written to be acted on) and, for the stable codes, what to do next.
import type { ApiError } from "./bindings";
import { toApiError } from "./ipc";

const NEXT_STEP: Record<string, string> = {
  invalid_query: "Fix the query where it is marked and try again.",
  not_found: "It may have been deleted meanwhile; refresh the list.",
  source_exists: "That source is already in your list; look for it in the table below.",
  fetch_failed: "Check the address, your network and the proxy setting, then try again.",
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

/** Turns whatever a failed call threw into a sentence and a next step. */
export function describeError(e: unknown): ErrorView {
  const err: ApiError = toApiError(e);
  const hint = NEXT_STEP[err.code] ?? "Try again; if it keeps failing, restart Outpost.";
  const message = sentence(err.message);
  return { code: err.code, message, hint: message.includes(hint) ? null : hint };
}
