// Dates and numbers as an analyst reads them: relative for the last hours,
// absolute beyond, always with the full timestamp in a tooltip. Every date
// is shown in the time zone chosen in Settings (local time, UTC or an IANA
// zone such as Asia/Dushanbe) and in the system's locale.

/** null: the computer's local time. */
let zone: string | undefined = undefined;
let abs: Intl.DateTimeFormat;
let short: Intl.DateTimeFormat;
let clock: Intl.DateTimeFormat;
let day: Intl.DateTimeFormat;

function build(): void {
  const timeZone = zone;
  abs = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone, timeZoneName: timeZone ? "short" : undefined });
  short = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone });
  clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", timeZone });
  day = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone });
  fullCache.clear();
}

/** True when the browser knows the zone name (Intl throws on unknown ones). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Sets the zone every date is shown in; null or an unknown name means local time. */
export function setTimeZone(name: string | null | undefined): void {
  const next = name && isTimeZone(name) ? name : undefined;
  if (next === zone && abs) return;
  zone = next;
  build();
}

export function timeZone(): string | null {
  return zone ?? null;
}

/** Zone names the browser knows, for the Settings picker. */
export function timeZoneNames(): Array<string> {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => Array<string> };
  try {
    return intl.supportedValuesOf?.("timeZone") ?? [];
  } catch {
    return [];
  }
}

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
  if (day.format(d) === day.format(now)) return clock.format(d);
  return short.format(d);
}

/** "15:09" in the chosen zone, for the poll status. */
export function clockTime(iso: string | null | undefined): string {
  const d = parseTime(iso);
  return d ? clock.format(d) : "—";
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

build();

/** A polling interval as a person says it: "45 s", "12 min", "2 h", "2.5 h", "3 days". */
export function every(secs: number): string {
  if (secs < 90) return `${Math.round(secs)} s`;
  if (secs < 90 * 60) return `${Math.round(secs / 60)} min`;
  if (secs < 36 * 3600) {
    const h = secs / 3600;
    return Math.abs(h - Math.round(h)) < 0.05 ? `${Math.round(h)} h` : `${h.toFixed(1)} h`;
  }
  return `${Math.round(secs / 86400)} days`;
}
