// Matched-term spans arrive as BYTE offsets into the original UTF-8 title or
// body (that is what the Rust matcher sees). JavaScript strings index UTF-16
// code units, so every span is converted before it touches a string; for
// Cyrillic (2 bytes → 1 unit) and Persian (2 bytes → 1 unit) text the two
// differ on every character, and astral characters (4 bytes → 2 units) too.
import type { Field, Span } from "./bindings";

export type Range = { start: number; end: number };

function utf8Len(cp: number): number {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

/**
 * Maps UTF-8 byte offsets of `text` to UTF-16 indices. Offsets that fall
 * inside a character snap to that character's start; offsets past the end
 * clamp to `text.length`.
 */
export function byteOffsetsToIndices(text: string, offsets: Array<number>): Array<number> {
  const order = offsets.map((o, i) => [o, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(offsets.length).fill(text.length);
  let byte = 0;
  let idx = 0;
  let k = 0;
  while (k < order.length && idx < text.length) {
    const cp = text.codePointAt(idx) ?? 0;
    const len = utf8Len(cp);
    while (k < order.length && order[k]![0] < byte + len) {
      out[order[k]![1]] = idx;
      k++;
    }
    byte += len;
    idx += cp > 0xffff ? 2 : 1;
  }
  return out;
}

/** Converts one field's byte spans to string ranges of `text`. */
export function spansToRanges(text: string, spans: Array<Span>, field: Field): Array<Range> {
  const mine = spans.filter((s) => s.field === field && s.end > s.start);
  if (mine.length === 0) return [];
  const flat = byteOffsetsToIndices(
    text,
    mine.flatMap((s) => [s.start, s.end]),
  );
  const ranges: Array<Range> = [];
  for (let i = 0; i < mine.length; i++) {
    const start = flat[2 * i]!;
    const end = flat[2 * i + 1]!;
    if (end > start) ranges.push({ start, end });
  }
  return mergeRanges(ranges);
}

/** Sorts and joins overlapping or touching ranges. */
export function mergeRanges(ranges: Array<Range>): Array<Range> {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Array<Range> = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

export type Segment = { text: string; mark: boolean };

/** Cuts `text` into plain and marked pieces; the pieces join back to `text`. */
export function segment(text: string, ranges: Array<Range>): Array<Segment> {
  const out: Array<Segment> = [];
  let pos = 0;
  for (const r of mergeRanges(ranges)) {
    const start = Math.max(r.start, pos);
    const end = Math.min(r.end, text.length);
    if (end <= start) continue;
    if (start > pos) out.push({ text: text.slice(pos, start), mark: false });
    out.push({ text: text.slice(start, end), mark: true });
    pos = end;
  }
  if (pos < text.length) out.push({ text: text.slice(pos), mark: false });
  return out;
}

/**
 * Ranges for a field whose offsets may not line up with `text` (e.g. spans of
 * the stored body shown over the summary): trusts the offsets when the text
 * there equals the span's text, and otherwise finds the span text itself.
 */
export function rangesFor(text: string, spans: Array<Span>, field: Field): Array<Range> {
  const mine = spans.filter((s) => s.field === field);
  const byOffset = spansToRanges(text, mine, field);
  const exact = mine.every((s) => {
    const [a, b] = byteOffsetsToIndices(text, [s.start, s.end]);
    return text.slice(a, b).toLowerCase() === s.text.toLowerCase();
  });
  if (exact) return byOffset;
  return findTerms(text, mine.map((s) => s.text));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A case-insensitive matcher for the given terms, longest first; null if none. */
export function termsRegExp(terms: Array<string>): RegExp | null {
  const uniq = [...new Set(terms.map((t) => t.trim()).filter((t) => t.length > 0))];
  if (uniq.length === 0) return null;
  uniq.sort((a, b) => b.length - a.length);
  return new RegExp(uniq.map(escapeRegExp).join("|"), "giu");
}

/** Every occurrence of any of `terms` in `text`, case-insensitively. */
export function findTerms(text: string, terms: Array<string>): Array<Range> {
  const re = termsRegExp(terms);
  if (!re) return [];
  const out: Array<Range> = [];
  for (const m of text.matchAll(re)) {
    if (m[0].length > 0) out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/**
 * Wraps every occurrence of `terms` in the text nodes under `root` in
 * `<mark>`. Works on DOM nodes only (createElement/createTextNode), so no
 * untrusted text is ever parsed as HTML. Returns the number of marks added.
 */
export function markTermsInDom(root: HTMLElement, terms: Array<string>): number {
  const re = termsRegExp(terms);
  if (!re) return 0;
  const doc = root.ownerDocument;
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes: Array<Text> = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (parent && (parent.closest("mark") || parent.tagName === "SCRIPT" || parent.tagName === "STYLE")) continue;
    nodes.push(n as Text);
  }
  let count = 0;
  for (const node of nodes) {
    const text = node.data;
    const found = [...text.matchAll(re)].filter((m) => m[0].length > 0);
    if (found.length === 0) continue;
    const frag = doc.createDocumentFragment();
    let pos = 0;
    for (const m of found) {
      if (m.index > pos) frag.append(doc.createTextNode(text.slice(pos, m.index)));
      const mark = doc.createElement("mark");
      mark.dataset.testid = "mark";
      mark.textContent = m[0];
      frag.append(mark);
      pos = m.index + m[0].length;
      count++;
    }
    if (pos < text.length) frag.append(doc.createTextNode(text.slice(pos)));
    node.replaceWith(frag);
  }
  return count;
}
