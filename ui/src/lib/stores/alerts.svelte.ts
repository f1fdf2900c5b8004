// The alert list: paged from the backend (newest first), folded into story
// groups as pages arrive, with live additions from `alerts:new`. Triage state
// changes are kept in a reactive map so a changed row re-renders alone, even
// with 100,000 rows loaded.
import { SvelteMap } from "svelte/reactivity";
import type { AlertDetail, AlertFilter, AlertRow, AlertState, Severity } from "../bindings";
import * as ipc from "../ipc";
import { StoryGrouper, type AlertGroup } from "../stories";
import { app } from "./app.svelte";

export const PAGE_SIZE = 500;

/** The state filter adds "not dismissed" (the default view) to the backend's states. */
export type StateChoice = AlertState | "all" | "active";

export type TimeChoice = "any" | "1h" | "24h" | "7d" | "30d";

const TIME_MS: Record<Exclude<TimeChoice, "any">, number> = {
  "1h": 3600_000,
  "24h": 86400_000,
  "7d": 7 * 86400_000,
  "30d": 30 * 86400_000,
};

export type Filters = {
  watchlist: number | null;
  severity: Severity | null;
  source: number | null;
  lang: string | null;
  state: StateChoice;
  time: TimeChoice;
};

export const DEFAULT_FILTERS: Filters = {
  watchlist: null,
  severity: null,
  source: null,
  lang: null,
  state: "active",
  time: "any",
};

/** Unread counts live in app_info (status bar, nav badge) and per watchlist. */
function refreshCounts(): void {
  void app.refreshInfo();
  void app.refreshWatchlists();
}

export class AlertsStore {
  filters = $state<Filters>({ ...DEFAULT_FILTERS });
  groups = $state.raw<Array<AlertGroup>>([]);
  selected = $state(-1);
  loading = $state(false);
  loaded = $state(false);
  exhausted = $state(false);
  error = $state<string | null>(null);
  detail = $state<AlertDetail | null>(null);
  detailLoading = $state(false);
  /** Live-region text for screen readers ("2 new alerts"). */
  announcement = $state("");
  /** Per-alert state after local triage; rows read it before their own. */
  readonly states = new SvelteMap<number, AlertState>();
  private grouper = new StoryGrouper();
  private known = new Set<number>();
  private offset = 0;
  private generation = 0;

  stateOf(row: AlertRow): AlertState {
    return this.states.get(row.id) ?? row.state;
  }

  isUnread(g: AlertGroup): boolean {
    return g.members.some((m) => this.stateOf(m) === "new");
  }

  backendFilter(offset: number, limit: number, now: Date = new Date()): AlertFilter {
    const f = this.filters;
    const state = f.state === "all" || f.state === "active" ? null : f.state;
    return {
      watchlist_id: f.watchlist,
      severity: f.severity,
      state,
      source_id: f.source,
      lang: f.lang,
      since: f.time === "any" ? null : new Date(now.getTime() - TIME_MS[f.time]).toISOString(),
      until: null,
      limit,
      offset,
    };
  }

  private keep(row: AlertRow): boolean {
    return this.filters.state !== "active" || this.stateOf(row) !== "dismissed";
  }

  /** Starts over with the current filters. */
  async reload(): Promise<void> {
    this.generation++;
    this.grouper = new StoryGrouper();
    this.known = new Set();
    this.offset = 0;
    this.exhausted = false;
    this.groups = [];
    this.selected = -1;
    this.loaded = false;
    await this.loadMore();
    if (this.groups.length > 0 && this.selected < 0) this.selected = 0;
  }

  /** Fetches the next page; the virtual list calls this near its end. */
  async loadMore(): Promise<void> {
    if (this.loading || this.exhausted) return;
    const gen = this.generation;
    this.loading = true;
    this.error = null;
    try {
      const rows = await ipc.listAlerts(this.backendFilter(this.offset, PAGE_SIZE));
      if (gen !== this.generation) return;
      this.offset += rows.length;
      if (rows.length < PAGE_SIZE) this.exhausted = true;
      const fresh = rows.filter((r) => !this.known.has(r.id) && this.keep(r));
      for (const r of rows) this.known.add(r.id);
      this.grouper.add(fresh);
      this.groups = this.grouper.groups.slice();
    } catch (e) {
      if (gen === this.generation) this.error = app.showError(e, "Could not load the alerts").message;
    } finally {
      if (gen === this.generation) {
        this.loading = false;
        this.loaded = true;
      }
    }
  }

  /** Handles `alerts:new`: fetches the newest rows and puts unseen ones on top. */
  async addLive(count: number): Promise<number> {
    const gen = this.generation;
    try {
      const rows = await ipc.listAlerts(this.backendFilter(0, Math.max(50, count + 20)));
      if (gen !== this.generation) return 0;
      const fresh = rows.filter((r) => !this.known.has(r.id));
      if (fresh.length === 0) return 0;
      for (const r of fresh) this.known.add(r.id);
      this.offset += fresh.length;
      const lead = this.groups[this.selected];
      this.grouper.prepend(fresh.filter((r) => this.keep(r)));
      this.groups = this.grouper.groups.slice();
      if (lead) this.selected = this.groups.indexOf(lead);
      else if (this.groups.length > 0 && this.selected < 0) this.selected = 0;
      this.announcement = `${fresh.length} new alert${fresh.length === 1 ? "" : "s"}`;
      return fresh.length;
    } catch (e) {
      app.showError(e, "Could not load the new alerts");
      return 0;
    }
  }

  move(delta: number): void {
    if (this.groups.length === 0) return;
    const next = this.selected < 0 ? 0 : this.selected + delta;
    this.selected = Math.max(0, Math.min(this.groups.length - 1, next));
  }

  /** Opens the selected story in the reader and marks its alerts read. */
  async open(index: number = this.selected): Promise<void> {
    const g = this.groups[index];
    if (!g) return;
    this.selected = index;
    this.detailLoading = true;
    try {
      const d = await ipc.getAlert(g.lead.id);
      if (this.groups[this.selected] !== g) return;
      this.detail = d;
      let changed = false;
      for (const m of g.members) {
        if (this.stateOf(m) === "new") {
          await this.setState(m, "read", false);
          changed = true;
        }
      }
      if (changed) refreshCounts();
    } catch (e) {
      app.showError(e, "Could not open the alert");
    } finally {
      this.detailLoading = false;
    }
  }

  /**
   * Every alert id the current filters select (loading the remaining pages,
   * up to `max`), for "export this list".
   */
  async allIds(max = 50_000): Promise<Array<number>> {
    while (!this.exhausted && this.offset < max) {
      await this.loadMore();
      if (this.error) break;
    }
    return this.groups.flatMap((g) => g.members.map((m) => m.id)).slice(0, max);
  }

  /** Opens an alert by id (a notification was clicked), loading pages until found. */
  async openById(id: number): Promise<void> {
    let index = this.groups.findIndex((g) => g.members.some((m) => m.id === id));
    while (index < 0 && !this.exhausted && this.groups.length < 20_000) {
      await this.loadMore();
      index = this.groups.findIndex((g) => g.members.some((m) => m.id === id));
      if (this.error) break;
    }
    if (index >= 0) return this.open(index);
    try {
      this.detail = await ipc.getAlert(id);
    } catch (e) {
      app.showError(e, "Could not open the alert from the notification");
    }
  }

  private async setState(row: AlertRow, state: AlertState, refresh = true): Promise<void> {
    const before = this.stateOf(row);
    this.states.set(row.id, state);
    try {
      await ipc.setAlertState(row.id, state);
      if (this.detail?.alert.id === row.id) this.detail = { ...this.detail, alert: { ...this.detail.alert, state } };
      if (refresh) refreshCounts();
    } catch (e) {
      this.states.set(row.id, before);
      throw e;
    }
  }

  /** s: saves the selected story's lead alert, or unsaves it. */
  async toggleSave(index: number = this.selected): Promise<void> {
    const g = this.groups[index];
    if (!g) return;
    const next: AlertState = this.stateOf(g.lead) === "saved" ? "read" : "saved";
    try {
      await this.setState(g.lead, next);
      app.say(next === "saved" ? "Saved. Find it under Saved." : "Removed from Saved.");
    } catch (e) {
      app.showError(e, "Could not save the alert");
    }
  }

  /** e: dismisses every alert of the selected story; the next one is selected. */
  async dismiss(index: number = this.selected): Promise<void> {
    const g = this.groups[index];
    if (!g) return;
    try {
      for (const m of g.members) await this.setState(m, "dismissed", false);
      refreshCounts();
    } catch (e) {
      app.showError(e, "Could not dismiss the alert");
      return;
    }
    if (this.filters.state === "active") {
      const at = this.grouper.groups.indexOf(g);
      if (at >= 0) this.grouper.groups.splice(at, 1);
      this.groups = this.grouper.groups.slice();
      if (this.selected >= this.groups.length) this.selected = this.groups.length - 1;
      if (this.detail && g.members.some((m) => m.id === this.detail!.alert.id)) this.detail = null;
    }
  }

  /** u: marks the story unread again. */
  async markUnread(index: number = this.selected): Promise<void> {
    const g = this.groups[index];
    if (!g) return;
    try {
      await this.setState(g.lead, "new");
    } catch (e) {
      app.showError(e, "Could not mark the alert unread");
    }
  }

  async setNote(note: string): Promise<void> {
    const d = this.detail;
    if (!d) return;
    try {
      await ipc.setAlertNote(d.alert.id, note);
      this.detail = { ...d, alert: { ...d.alert, note: note || null } };
      app.say("Note saved.");
    } catch (e) {
      app.showError(e, "Could not save the note");
    }
  }

  async addTag(tag: string): Promise<void> {
    const d = this.detail;
    const t = tag.trim();
    if (!d || !t || d.alert.tags.includes(t)) return;
    try {
      await ipc.addAlertTag(d.alert.id, t);
      this.detail = { ...d, alert: { ...d.alert, tags: [...d.alert.tags, t] } };
    } catch (e) {
      app.showError(e, "Could not add the tag");
    }
  }

  async removeTag(tag: string): Promise<void> {
    const d = this.detail;
    if (!d) return;
    try {
      await ipc.removeAlertTag(d.alert.id, tag);
      this.detail = { ...d, alert: { ...d.alert, tags: d.alert.tags.filter((x) => x !== tag) } };
    } catch (e) {
      app.showError(e, "Could not remove the tag");
    }
  }
}

export const alerts = new AlertsStore();
