// App-wide state: the current page, app_info for the status bar, the shared
// lists of watchlists and sources (filters everywhere need them), settings
// and theme, the progress of long work, and the notice line.
import type { AppInfo, PollProgress, PollState, Settings, Source, Watchlist } from "../bindings";
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
export const POLL_LINGER_MS = 1000;
/** How often the shown window asks `poll_state` while a bar shows. */
export const BUSY_CHECK_MS = 1000;

/** The label of the bar that poll events own (and `poll_state` clears). */
const POLL_LABEL = "Polling sources";

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
  /** The archive's version when app_info was last read (see `syncPoll`). */
  archiveVersion: number | null = null;
  private progressTimer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  /** Counts poll events, so an older `poll_state` answer never undoes a newer event. */
  private pollEvents = 0;
  /** Sources were not refetched while the window was hidden. */
  private sourcesStale = false;

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
    this.archiveVersion = null;
    this.sourcesStale = false;
    if (this.progressTimer) clearTimeout(this.progressTimer);
    if (this.watchdog) clearTimeout(this.watchdog);
    this.progressTimer = null;
    this.watchdog = null;
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
    // A hidden window refetches nothing on a timer; it catches up on waking.
    if (isHidden()) {
      this.sourcesStale = true;
      return;
    }
    this.sourcesStale = false;
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
   * Asks the backend what is going on: the poll in progress (none clears a
   * poll bar whose last event was missed: sent before the page listened,
   * or while it slept) and the archive's version, which moves on any
   * commit, so app_info (counts, and the alerts' marker the list follows)
   * is reread only when something changed. The shell calls it on start,
   * on waking, and every few seconds while the window shows.
   */
  async syncPoll(): Promise<void> {
    const seq = this.pollEvents;
    let state: PollState;
    try {
      state = await ipc.pollState();
    } catch (e) {
      this.showError(e, "Could not read the poll state");
      return;
    }
    if (seq === this.pollEvents) {
      if (state.progress) {
        this.showPoll(state.progress);
      } else if (this.progress?.label === POLL_LABEL && this.progress.total !== null) {
        if (this.progressTimer) clearTimeout(this.progressTimer);
        if (this.watchdog) clearTimeout(this.watchdog);
        this.progressTimer = null;
        this.watchdog = null;
        this.progress = null;
        void this.refreshSources();
      }
    }
    if (state.archive_version !== this.archiveVersion || this.info === null) {
      this.archiveVersion = state.archive_version;
      await this.refreshInfo();
    } else if (this.info.polling_paused !== state.polling_paused) {
      this.info = { ...this.info, polling_paused: state.polling_paused };
    }
    if (this.sourcesStale) await this.refreshSources();
  }

  /** True while a bar shows that a poll owns (the shell checks more often then). */
  get polling(): boolean {
    return this.progress?.label === POLL_LABEL;
  }

  /**
   * Poll progress from the backend. The bar cannot go stale: it goes
   * POLL_LINGER_MS after the last source, at once for an empty poll, and
   * after POLL_SILENCE_MS without any progress (a poll that ended without
   * its last event).
   */
  onPollProgress(p: PollProgress): void {
    this.pollEvents++;
    this.showPoll(p);
  }

  private showPoll(p: PollProgress): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    if (this.watchdog) clearTimeout(this.watchdog);
    if (p.total === 0) {
      this.progress = null;
      return;
    }
    const detail =
      `${p.new_articles} new article${p.new_articles === 1 ? "" : "s"}, ${p.new_alerts} new alert${p.new_alerts === 1 ? "" : "s"}` +
      (p.current ? ` — ${p.current}` : "");
    this.progress = { label: POLL_LABEL, done: p.done, total: p.total, detail };
    if (p.done >= p.total) {
      this.finishProgress(POLL_LINGER_MS);
      void this.refreshSources();
      void this.refreshInfo();
    } else {
      this.watchdog = setTimeout(() => {
        this.watchdog = null;
        if (this.progress?.label === POLL_LABEL) this.progress = null;
        void this.refreshSources();
      }, POLL_SILENCE_MS);
    }
  }
}

export const app = new AppState();

/** True when the window is hidden or minimised (the page is not shown). */
export function isHidden(): boolean {
  return typeof document !== "undefined" && document.visibilityState === "hidden";
}

/** Sets the theme on <html>; "system" follows prefers-color-scheme in CSS. */
export function applyTheme(theme: "light" | "dark" | "system"): void {
  if (typeof document === "undefined") return;
  document.documentElement.dataset.theme = theme;
}
