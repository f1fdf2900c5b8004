// App-wide state: the current page, app_info for the status bar, the shared
// lists of watchlists and sources (filters everywhere need them), settings
// and theme, the progress of long work, and the notice line.
import type { AppInfo, PollProgress, Settings, Source, Watchlist } from "../bindings";
import { describeError, type ErrorView } from "../errors";
import { setTimeZone } from "../format";
import * as ipc from "../ipc";

export type Page = "alerts" | "search" | "watchlists" | "sources" | "saved" | "settings";

export const PAGES: Array<{ id: Page; label: string; key: string }> = [
  { id: "alerts", label: "Alerts", key: "1" },
  { id: "search", label: "Search", key: "2" },
  { id: "watchlists", label: "Watchlists", key: "3" },
  { id: "sources", label: "Sources", key: "4" },
  { id: "saved", label: "Saved", key: "5" },
  { id: "settings", label: "Settings", key: "6" },
];

export type Progress = { label: string; done: number; total: number | null; detail: string | null };

/** A notice; `undo` puts back what the change it reports did. */
export type Notice = { kind: "error" | "info"; message: string; hint: string | null; code: string | null; undo?: () => void };

/** A poll that sends no progress for this long is taken as over. */
export const POLL_SILENCE_MS = 20_000;
/** How long the poll bar stays after the last source of a poll. */
export const POLL_LINGER_MS = 1200;

class AppState {
  page = $state<Page>("alerts");
  info = $state<AppInfo | null>(null);
  settings = $state<Settings | null>(null);
  watchlists = $state<Array<Watchlist>>([]);
  sources = $state<Array<Source>>([]);
  progress = $state<Progress | null>(null);
  notice = $state<Notice | null>(null);
  helpOpen = $state(false);
  /** An alert to show (a notification was clicked); the Alerts page takes it. */
  pendingAlert = $state<number | null>(null);
  /** A query the Search page hands to a new watchlist draft. */
  draftWatchlistQuery = $state<string | null>(null);
  /** Bumped to ask the Search page to focus its input. */
  focusSearch = $state(0);
  private progressTimer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setTimeout> | null = null;

  reset(): void {
    this.page = "alerts";
    this.info = null;
    this.settings = null;
    this.watchlists = [];
    this.sources = [];
    this.progress = null;
    this.notice = null;
    this.helpOpen = false;
    this.pendingAlert = null;
    this.focusSearch = 0;
    this.draftWatchlistQuery = null;
    this.leaveGuard = null;
  }

  /**
   * Asked before the page changes; false keeps the page (an editor with
   * unsaved work asks the analyst first and navigates itself).
   */
  leaveGuard: ((to: Page) => boolean) | null = null;

  go(page: Page): void {
    if (page !== this.page && this.leaveGuard && !this.leaveGuard(page)) return;
    this.page = page;
  }

  showError(e: unknown, context?: string): ErrorView {
    const v = describeError(e);
    this.notice = {
      kind: "error",
      message: context ? `${context}: ${v.message}` : v.message,
      hint: v.hint,
      code: v.code,
    };
    return v;
  }

  say(message: string, undo?: () => void): void {
    this.notice = { kind: "info", message, hint: null, code: null, undo };
  }

  async refreshInfo(): Promise<void> {
    try {
      this.info = await ipc.appInfo();
    } catch (e) {
      this.showError(e, "Could not read the app status");
    }
  }

  async refreshWatchlists(): Promise<void> {
    try {
      this.watchlists = await ipc.listWatchlists();
    } catch (e) {
      this.showError(e, "Could not load the watchlists");
    }
  }

  async refreshSources(): Promise<void> {
    try {
      this.sources = await ipc.listSources();
    } catch (e) {
      this.showError(e, "Could not load the sources");
    }
  }

  async loadSettings(): Promise<void> {
    try {
      this.settings = await ipc.getSettings();
      applyTheme(this.settings.theme);
      setTimeZone(this.settings.time_zone);
    } catch (e) {
      this.showError(e, "Could not load the settings");
    }
  }

  /** Languages seen in sources and alerts, for the language filters. */
  get languages(): Array<string> {
    const set = new Set<string>(["en", "ru", "tg", "fa", "ps", "uz"]);
    for (const s of this.sources) if (s.lang) set.add(s.lang);
    return [...set].sort();
  }

  startProgress(label: string, total: number | null = null): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progress = { label, done: 0, total, detail: null };
  }

  finishProgress(delayMs = 1200): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = setTimeout(() => {
      this.progress = null;
      this.progressTimer = null;
    }, delayMs);
  }

  /**
   * Poll progress from the backend. The bar cannot go stale: it goes
   * POLL_LINGER_MS after the last source, at once for an empty poll, and
   * after POLL_SILENCE_MS without any progress (a poll that ended without
   * its last event).
   */
  onPollProgress(p: PollProgress): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    if (this.watchdog) clearTimeout(this.watchdog);
    if (p.total === 0) {
      this.progress = null;
      return;
    }
    const detail =
      `${p.new_articles} new article${p.new_articles === 1 ? "" : "s"}, ${p.new_alerts} new alert${p.new_alerts === 1 ? "" : "s"}` +
      (p.current ? ` — ${p.current}` : "");
    this.progress = { label: "Polling sources", done: p.done, total: p.total, detail };
    if (p.done >= p.total) {
      this.finishProgress(POLL_LINGER_MS);
      void this.refreshSources();
      void this.refreshInfo();
    } else {
      this.watchdog = setTimeout(() => {
        this.watchdog = null;
        if (this.progress?.label === "Polling sources") this.progress = null;
        void this.refreshSources();
      }, POLL_SILENCE_MS);
    }
  }
}

export const app = new AppState();

/** Sets the theme on <html>; "system" follows prefers-color-scheme in CSS. */
export function applyTheme(theme: "light" | "dark" | "system"): void {
  if (typeof document === "undefined") return;
  document.documentElement.dataset.theme = theme;
}
