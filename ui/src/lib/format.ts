// Dates and numbers as an analyst reads them: relative for the last day,
// absolute beyond it, always with the full timestamp in a tooltip.

const abs = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
const short = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

export function parseTime(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "3m", "5h", "14:05", "Mar 3" — short enough for a dense list row. */
export function shortTime(iso: string | null | undefined, now: Date = new Date()): string {
  const d = parseTime(iso);
  if (!d) return "—";
  const secs = (now.getTime() - d.getTime()) / 1000;
  if (secs < 60 && secs > -60) return "now";
  if (secs > 0 && secs < 3600) return `${Math.floor(secs / 60)}m`;
  if (secs > 0 && secs < 6 * 3600) return `${Math.floor(secs / 3600)}h`;
  if (d.toDateString() === now.toDateString()) return clock.format(d);
  return short.format(d);
}

// Rows format the same few timestamps again on every scroll; Intl formatting
// is the costliest script in a row render, so results are remembered.
const fullCache = new Map<string, string>();

export function fullTime(iso: string | null | undefined): string {
  if (!iso) return "never";
  let s = fullCache.get(iso);
  if (s === undefined) {
    const d = parseTime(iso);
    s = d ? abs.format(d) : "never";
    if (fullCache.size > 20_000) fullCache.clear();
    fullCache.set(iso, s);
  }
  return s;
}

/** "in 4 min", "12 min ago" — for next/last fetch in the sources table. */
export function relative(iso: string | null | undefined, now: Date = new Date()): string {
  const d = parseTime(iso);
  if (!d) return "never";
  const secs = Math.round((d.getTime() - now.getTime()) / 1000);
  const a = Math.abs(secs);
  const [n, unit] =
    a < 60 ? [secs, "second"] : a < 3600 ? [Math.round(secs / 60), "minute"] : a < 86400 ? [Math.round(secs / 3600), "hour"] : [Math.round(secs / 86400), "day"];
  return new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" }).format(
    n,
    unit as Intl.RelativeTimeFormatUnit,
  );
}

export function count(n: number): string {
  return new Intl.NumberFormat().format(n);
}

export function plural(n: number, one: string, many: string = one + "s"): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}
