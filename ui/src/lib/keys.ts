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
