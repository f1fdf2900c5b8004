// The alert list: paged from the backend (newest first), folded into story
// groups as pages arrive, with live additions from `alerts:new`. Triage state
// changes are kept in a reactive map so a changed row re-renders alone, even
// with 100,000 rows loaded.
import { SvelteMap } from "svelte/reactivity";
import type { AlertDetail, AlertFilter, AlertRow, AlertState, AlertTriageInput, Severity } from "../bindings";
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

/** One triage change, with every alert's triage before it, for undo. */
export type Change = { label: string; before: Array<{ id: number; triage: AlertTriageInput }> };

/** How many changes `z` can walk back. */
export const UNDO_DEPTH = 50;

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
  /** Per-alert saved flag after local triage (saved is kept apart from state). */
  readonly saved = new SvelteMap<number, boolean>();
  /** Notes and tags after local edits, so undo snapshots are exact. */
  private extras = new Map<number, { note: string | null; tags: Array<string> }>();
  /** Changes that `z` and the notices' Undo walk back, newest last. */
  undoStack = $state.raw<Array<Change>>([]);
  /** A story with saved or annotated alerts waiting for "dismiss anyway". */
  confirmDismiss = $state<AlertGroup | null>(null);
  /** The backend's alerts_version this list last matched. */
  version: string | null = null;
  private grouper = new StoryGrouper();
  private known = new Set<number>();
  private offset = 0;
  private generation = 0;

  stateOf(row: AlertRow): AlertState {
    return this.states.get(row.id) ?? row.state;
  }

  savedOf(row: AlertRow): boolean {
    return this.saved.get(row.id) ?? (row.saved || row.state === "saved");
  }

  /** The alert's triage as shown now: what undo would put back. */
  triageOf(row: AlertRow): AlertTriageInput {
    const d = this.detail?.alert.id === row.id ? this.detail.alert : null;
    const x = this.extras.get(row.id);
    return {
      state: this.stateOf(row),
      saved: this.savedOf(row),
      note: x ? x.note : (d?.note ?? row.note),
      tags: [...(x ? x.tags : (d?.tags ?? row.tags))],
    };
  }

  private remember(label: string, rows: Array<AlertRow>): Change {
    const change = { label, before: rows.map((r) => ({ id: r.id, triage: this.triageOf(r) })) };
    this.undoStack = [...this.undoStack, change].slice(-UNDO_DEPTH);
    return change;
  }

  /** Shows a notice for a change, with Undo. */
  private tell(message: string, change: Change): void {
    app.say(message, () => void this.undo(change));
  }

  /**
   * z, or a notice's Undo: puts every alert of the change back exactly as
   * it was (state, saved, note, tags), then refetches so a dismissed story
   * returns to its place.
   */
  async undo(change: Change | undefined = this.undoStack.at(-1)): Promise<void> {
    if (!change) {
      app.say("Nothing to undo.");
      return;
    }
    this.undoStack = this.undoStack.filter((c) => c !== change);
    try {
      for (const b of change.before) {
        await ipc.restoreAlert(b.id, b.triage);
        this.states.set(b.id, b.triage.state);
        this.saved.set(b.id, b.triage.saved);
        this.extras.set(b.id, { note: b.triage.note, tags: [...b.triage.tags] });
        const d = this.detail;
        if (d?.alert.id === b.id) {
          this.detail = { ...d, alert: { ...d.alert, state: b.triage.state, saved: b.triage.saved, note: b.triage.note, tags: [...b.triage.tags] } };
        }
      }
      await this.refresh(change.before[0]?.id);
      refreshCounts();
      app.say(`Undone: ${change.label}.`);
    } catch (e) {
      app.showError(e, "Could not undo");
    }
  }

  /**
   * Refetches the rows loaded so far, keeping the selection (by alert) and
   * the reader: the list follows every change of the alerts, whoever made
   * it (a backfill, a poll, the CLI, another window).
   */
  async refresh(select?: number): Promise<void> {
    const gen = ++this.generation;
    const keepId = select ?? this.groups[this.selected]?.lead.id;
    const limit = Math.min(Math.max(PAGE_SIZE, this.offset), 5000);
    this.loading = true;
    try {
      const rows = await ipc.listAlerts(this.backendFilter(0, limit));
      if (gen !== this.generation) return;
      this.states.clear();
      this.saved.clear();
      this.extras.clear();
      this.grouper = new StoryGrouper();
      this.known = new Set(rows.map((r) => r.id));
      this.offset = rows.length;
      this.exhausted = rows.length < limit;
      this.grouper.add(rows.filter((r) => this.keep(r)));
      this.groups = this.grouper.groups.slice();
      let i = keepId === undefined ? -1 : this.groups.findIndex((g) => g.members.some((m) => m.id === keepId));
      if (i < 0) i = Math.min(this.selected, this.groups.length - 1);
      if (i < 0 && this.groups.length > 0) i = 0;
      this.selected = i;
      this.error = null;
    } catch (e) {
      if (gen === this.generation) this.error = app.showError(e, "Could not load the alerts").message;
    } finally {
      if (gen === this.generation) {
        this.loading = false;
        this.loaded = true;
      }
    }
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
      // A refresh meanwhile rebuilds the groups; what matters is whether the
      // same story is still selected, not the same object (issue 16: a
      // notification click landed on the page while it refetched, and the
      // reader stayed empty).
      if (this.groups[this.selected]?.lead.id !== g.lead.id) return;
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

  /** The story the analyst picked in the reader to join with another. */
  joinFrom = $state<{ story: number; title: string } | null>(null);

  /** Takes a wrongly joined report out of the open alert's story. */
  async splitFromStory(article: number): Promise<void> {
    const open = this.detail?.alert.id;
    try {
      await ipc.splitStoryArticle(article);
      await this.afterStoryChange(open);
    } catch (e) {
      app.showError(e, "Could not split the report out of its story");
    }
  }

  /** Joins the picked story into the open alert's story. */
  async joinPickedStory(): Promise<void> {
    const from = this.joinFrom;
    const d = this.detail;
    if (!from || d?.alert.story_id == null || from.story === d.alert.story_id) return;
    try {
      await ipc.joinStories(d.alert.story_id, from.story);
      this.joinFrom = null;
      await this.afterStoryChange(d.alert.id);
    } catch (e) {
      app.showError(e, "Could not join the stories");
    }
  }

  private async afterStoryChange(open: number | undefined): Promise<void> {
    await this.refresh(open);
    if (open !== undefined) this.detail = await ipc.getAlert(open);
  }

  /** Opens an alert by id (a notification was clicked), loading pages until found. */
  async openById(id: number): Promise<void> {
    // The alert is usually new: refetch first, keeping it selected, so the
    // refetch that coming back to the page starts cannot replace the list
    // under the reader afterwards.
    await this.refresh(id);
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

  /**
   * s: saves the selected story's lead alert, or takes it out of Saved.
   * Saved is apart from the triage state: a dismissed alert stays saved.
   */
  async toggleSave(index: number = this.selected): Promise<void> {
    const g = this.groups[index];
    if (!g) return;
    const row = g.lead;
    const next = !this.savedOf(row);
    const change = this.remember(next ? "save" : "unsave", [row]);
    const state = this.stateOf(row);
    try {
      await ipc.setAlertSaved(row.id, next);
      this.saved.set(row.id, next);
      const shown: AlertState = next ? (state === "dismissed" ? state : "saved") : state === "saved" ? "read" : state;
      this.states.set(row.id, shown);
      const d = this.detail;
      if (d?.alert.id === row.id) this.detail = { ...d, alert: { ...d.alert, saved: next, state: shown } };
      refreshCounts();
      this.tell(next ? "Saved. Find it under Saved." : "Removed from Saved.", change);
    } catch (e) {
      this.undoStack = this.undoStack.filter((c) => c !== change);
      app.showError(e, "Could not save the alert");
    }
  }

  /** True when dismissing the story would hide triage work (saved, a note, tags). */
  holdsWork(g: AlertGroup): boolean {
    return g.members.some((m) => {
      const t = this.triageOf(m);
      return t.saved || !!t.note || t.tags.length > 0;
    });
  }

  /**
   * e: dismisses every alert of the selected story; the next one is
   * selected. A story holding saved or annotated alerts asks first
   * (`confirmDismiss`) unless `confirmed`.
   */
  async dismiss(index: number = this.selected, confirmed = false): Promise<void> {
    const g = this.groups[index];
    if (!g) return;
    if (!confirmed && this.holdsWork(g)) {
      this.confirmDismiss = g;
      return;
    }
    this.confirmDismiss = null;
    const change = this.remember(g.members.length === 1 ? "dismiss" : `dismiss ${g.members.length} alerts`, g.members);
    try {
      for (const m of g.members) await this.setState(m, "dismissed", false);
      refreshCounts();
    } catch (e) {
      app.showError(e, "Could not dismiss the alert");
      return;
    }
    this.tell(g.members.length === 1 ? "Dismissed." : `Dismissed ${g.members.length} alerts of this story.`, change);
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
    const change = this.remember("mark unread", [g.lead]);
    try {
      await this.setState(g.lead, "new");
      this.tell("Marked unread.", change);
    } catch (e) {
      app.showError(e, "Could not mark the alert unread");
    }
  }

  async setNote(note: string): Promise<void> {
    const d = this.detail;
    if (!d) return;
    const change = this.remember("note", [d.alert]);
    try {
      await ipc.setAlertNote(d.alert.id, note);
      this.detail = { ...d, alert: { ...d.alert, note: note || null } };
      this.extras.set(d.alert.id, { note: note || null, tags: [...d.alert.tags] });
      this.tell("Note saved.", change);
    } catch (e) {
      app.showError(e, "Could not save the note");
    }
  }

  async addTag(tag: string): Promise<void> {
    const d = this.detail;
    const t = tag.trim();
    if (!d || !t || d.alert.tags.includes(t)) return;
    const change = this.remember(`tag "${t}"`, [d.alert]);
    try {
      await ipc.addAlertTag(d.alert.id, t);
      this.detail = { ...d, alert: { ...d.alert, tags: [...d.alert.tags, t] } };
      this.extras.set(d.alert.id, { note: d.alert.note, tags: [...d.alert.tags, t] });
      this.tell(`Tagged "${t}".`, change);
    } catch (e) {
      app.showError(e, "Could not add the tag");
    }
  }

  async removeTag(tag: string): Promise<void> {
    const d = this.detail;
    if (!d) return;
    const change = this.remember(`untag "${tag}"`, [d.alert]);
    try {
      await ipc.removeAlertTag(d.alert.id, tag);
      const tags = d.alert.tags.filter((x) => x !== tag);
      this.detail = { ...d, alert: { ...d.alert, tags } };
      this.extras.set(d.alert.id, { note: d.alert.note, tags });
      this.tell(`Removed the tag "${tag}".`, change);
    } catch (e) {
      app.showError(e, "Could not remove the tag");
    }
  }
}

export const alerts = new AlertsStore();
