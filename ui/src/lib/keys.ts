// Single-key shortcuts must not fire while the analyst types into a field.
export function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t || !t.tagName) return false;
  if (t.isContentEditable) return true;
  const tag = t.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (t as HTMLInputElement).type;
    return !["checkbox", "radio", "button", "submit", "color", "range"].includes(type);
  }
  return false;
}

export function plainKey(e: KeyboardEvent): boolean {
  return !e.ctrlKey && !e.metaKey && !e.altKey;
}

/** Enter and Space belong to a focused button or link, not to list shortcuts. */
export function activatesControl(e: KeyboardEvent): boolean {
  if (e.key !== "Enter" && e.key !== " ") return false;
  const t = e.target as HTMLElement | null;
  if (!t || !t.closest) return false;
  return t.closest('button, a[href], summary, [role="button"], [role="link"], input, select, textarea') !== null;
}

// ---- The shortcut guard (issue 20) ----------------------------------------
// A note typed after a click that missed its text box reached the single-key
// shortcuts and dismissed four alerts. Three rules keep typing away from
// triage: a burst of keys faster than a person triages (more than
// BURST_KEYS in BURST_MS) is typing; a text field that lost focus less than
// TEXT_GRACE_MS ago means the analyst is still writing; and a click in a
// writing area (`data-typing-zone`) that missed its field means the next
// keys were meant for the field. Destructive shortcuts wait BURST_MS before
// acting, so a burst that starts with one is cancelled too.

export const BURST_KEYS = 4;
export const BURST_MS = 300;
export const TEXT_GRACE_MS = 1000;

let stamps: Array<number> = [];
let counted = new WeakSet<Event>();
let textBlurAt = -Infinity;
let pointerInTypingZone = false;
let burstAt = -Infinity;
let installed = false;
let clock: () => number = () => performance.now();

/** Forgets every key and focus seen; tests start from here. */
export function resetShortcutGuard(now: () => number = () => performance.now()): void {
  stamps = [];
  counted = new WeakSet();
  textBlurAt = -Infinity;
  pointerInTypingZone = false;
  burstAt = -Infinity;
  clock = now;
}

function isTextField(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable || el.tagName === "TEXTAREA") return true;
  if (el.tagName !== "INPUT") return false;
  return !["checkbox", "radio", "button", "submit", "color", "range"].includes((el as HTMLInputElement).type);
}

/** Listens for focus leaving text fields and clicks in writing areas; once. */
export function installShortcutGuard(doc: Document = document): void {
  if (installed) return;
  installed = true;
  doc.addEventListener("focusout", (e) => {
    if (isTextField(e.target)) textBlurAt = clock();
  }, true);
  doc.addEventListener("pointerdown", (e) => {
    const t = e.target as HTMLElement | null;
    pointerInTypingZone = !!t?.closest?.("[data-typing-zone]") && !isTextField(t);
  }, true);
  doc.addEventListener("focusin", (e) => {
    // Focus reaching a list or a control ends the "missed a field" state.
    if (!isTextField(e.target)) pointerInTypingZone = false;
  }, true);
}

/** Records a key; true while the keys come faster than a person triages. */
export function inBurst(e: KeyboardEvent): boolean {
  const now = clock();
  if (!counted.has(e) && e.key.length === 1 && !e.repeat) {
    counted.add(e);
    stamps = stamps.filter((t) => now - t < BURST_MS);
    stamps.push(now);
    if (stamps.length > BURST_KEYS) burstAt = now;
  }
  return now - burstAt < BURST_MS;
}

/**
 * True when a single-key shortcut may act on this key: not typed into a
 * field, no modifier, not part of a burst, no text field left within the
 * last second, and no click that missed a text field since.
 */
export function shortcutAllowed(e: KeyboardEvent): boolean {
  const burst = inBurst(e);
  if (isTyping(e) || !plainKey(e)) return false;
  if (burst || pointerInTypingZone) return false;
  return clock() - textBlurAt >= TEXT_GRACE_MS;
}

/** True when keys typed since `since` (a clock reading) formed a burst. */
export function burstSince(since: number): boolean {
  return burstAt >= since;
}

export function guardClock(): number {
  return clock();
}
