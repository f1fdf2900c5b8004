// An in-memory fake of the Outpost backend, answering the same command names
// and argument names the Tauri shell does. Unit tests install it with
// `installMockBackend()`; the dev-only preview page uses it to show the real
// UI without Tauri. It keeps realistic data: Russian, Tajik, Persian and
// English titles, stories reported by several outlets, byte-offset spans.
import type {
  AlertDetail,
  AlertFilter,
  AlertRow,
  AlertState,
  AlertTriageInput,
  ApiError,
  AppInfo,
  ArticleView,
  ExportRequest,
  NewSourceInput,
  PagePreview,
  PagePreviewRequest,
  PageSelectors,
  PollProgress,
  PreviewHit,
  QueryCheck,
  SearchHit,
  SearchRequest,
  Settings,
  Severity,
  Source,
  SourceEdit,
  Span,
  StoryMember,
  Watchlist,
  WatchlistInput,
} from "../lib/bindings";
import { setBackend, type Backend, type Unlisten } from "../lib/ipc";

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s).length;

/** Byte spans of every case-insensitive occurrence of `terms` in `text`. */
export function spansOf(text: string, terms: Array<string>, field: "title" | "body"): Array<Span> {
  const out: Array<Span> = [];
  const lower = text.toLowerCase();
  for (const t of terms) {
    const needle = t.toLowerCase();
    if (!needle) continue;
    let at = lower.indexOf(needle);
    while (at >= 0) {
      const start = bytes(text.slice(0, at));
      const piece = text.slice(at, at + needle.length);
      out.push({ field, start, end: start + bytes(piece), text: piece });
      at = lower.indexOf(needle, at + needle.length);
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

type Template = { title: string; summary: string; lang: string; source: number; terms: Array<string> };

const SOURCES: Array<Omit<Source, "id">> = [
  ["https://asiaplustj.info/ru/rss", "Asia-Plus", "ru", "TJ", "Tajikistan"],
  ["https://rus.ozodi.org/api/zrqiteuuir", "Радио Озоди", "ru", "TJ", "Tajikistan"],
  ["https://www.ozodi.org/api/z-pqpiev-qpp", "Радиои Озодӣ", "tg", "TJ", "Tajikistan"],
  ["https://feeds.bbci.co.uk/persian/rss.xml", "BBC Persian", "fa", "AF", "Afghanistan"],
  ["https://tolonews.com/rss.xml", "TOLOnews", "en", "AF", "Afghanistan"],
  ["https://www.khaama.com/feed/", "Khaama Press", "en", "AF", "Afghanistan"],
  ["https://eurasianet.org/rss", "Eurasianet", "en", null, "Central Asia"],
  ["https://akipress.com/rss/news.rss", "AKIpress", "ru", "KG", "Central Asia"],
].map(([url, name, lang, country, folder], i) => ({
  kind: "feed" as const,
  settings: {},
  url: url!,
  name: name!,
  enabled: i !== 7,
  disabled_reason: i === 7 ? "The feed answered 410 Gone; it was disabled." : null,
  interval_secs: i === 1 ? 1800 : 900,
  interval_fixed: i === 1,
  priority: false,
  check_every_secs: i === 7 ? null : i === 1 ? 1800 : i === 6 ? 3600 : i === 3 ? 7200 : 240,
  check_reason: i === 7 ? null : i === 1 ? "fixed by you" : i === 6 ? "backing off after 3 failures" : i === 3 ? "quiet: every 2 h" : "publishes ~every 12 min",
  lang: lang ?? null,
  country: country ?? null,
  folder: folder ?? null,
  tags: [],
  last_fetch_at: null,
  last_success_at: null,
  last_error: i === 6 ? "Timed out after 20 s while reading the response." : null,
  consecutive_failures: i === 6 ? 3 : 0,
  next_fetch_at: null,
  items_seen: 120 + i * 37,
  avg_latency_ms: 180 + i * 40,
  pending_move: null as string | null,
  health: [] as Source["health"],
  unverified: false,
}));

/** The news list the fake backend serves to the page source builder: a
 * menu, then twelve cards with a heading link and a date. */
export const MOCK_PAGE_ITEMS = Array.from({ length: 12 }, (_, i) => ({
  title: `Новость ${i + 1} о событиях на границе`,
  link: `https://news.example/ru/news/${i + 1}`,
  published: `2026-11-${String(28 - (i % 9)).padStart(2, "0")}T09:00:00Z`,
}));
export const MOCK_PAGE_SUGGESTION: PageSelectors = { item: "article.post", title: "h2", link: "h2 a", date: "time", date_format: null, tz: null, body: null };

/** Reads the fake page with the selectors as typed, as the engine would. */
function previewMockPage(req: PagePreviewRequest): PagePreview {
  const url = req.url.trim();
  if (!/^https?:\/\//.test(url)) {
    throw { code: "invalid_input", message: `'${url}' is not a web address; paste the page's address, starting with https://` } satisfies ApiError;
  }
  if (url.includes("missing")) throw { code: "fetch_failed", message: "the server answered HTTP 404 Not Found" } satisfies ApiError;
  const sel = req.selectors;
  const base = { url, page_title: "Лента новостей", count: 0, items: [], warnings: [], problem: null, suggested: null } satisfies PagePreview;
  const item = sel.item.trim();
  if (item.includes("[") && !item.includes("]")) {
    return { ...base, problem: `the item selector '${item}' is not valid CSS (unexpected end of input); fix it in the source's settings` };
  }
  const effective = item || MOCK_PAGE_SUGGESTION.item;
  const suggested = item ? null : MOCK_PAGE_SUGGESTION;
  if (!["article", "article.post", ".post"].includes(effective)) {
    return { ...base, suggested, warnings: [`the item selector '${effective}' matched nothing on the page; the page may have changed`] };
  }
  const link = item ? sel.link.trim() : MOCK_PAGE_SUGGESTION.link;
  const noLink = link !== "" && !link.includes("a");
  if (noLink) return { ...base, suggested, warnings: ["12 items had no link and were skipped; check the link selector"] };
  const dated = (item ? sel.date : MOCK_PAGE_SUGGESTION.date)?.trim();
  const items = MOCK_PAGE_ITEMS.map((i) => ({ ...i, published: dated ? i.published : null }));
  return { ...base, suggested, count: items.length, items: items.slice(0, 5) };
}

const TEMPLATES: Array<Template> = [
  { title: "На таджикско-афганской границе убиты пять иностранцев", summary: "Пять граждан Китая погибли в результате нападения у границы в Хатлонской области.", lang: "ru", source: 0, terms: ["границе", "иностранцев"] },
  { title: "Five foreign nationals killed near Tajik-Afghan border", summary: "Five Chinese workers were killed in an attack near the border in Khatlon region.", lang: "en", source: 6, terms: ["border", "foreign nationals"] },
  { title: "کشته شدن پنج تبعه خارجی در نزدیکی مرز تاجیکستان", summary: "پنج کارگر چینی در حمله‌ای در نزدیکی مرز افغانستان و تاجیکستان کشته شدند.", lang: "fa", source: 3, terms: ["مرز", "خارجی"] },
  { title: "Дар марзи Тоҷикистону Афғонистон панҷ шаҳрванди хориҷӣ кушта шуданд", summary: "Панҷ коргари чинӣ дар ҳамла дар наздикии марз кушта шуданд.", lang: "tg", source: 2, terms: ["марз", "хориҷӣ"] },
  { title: "Taliban deploy additional forces to Badakhshan border posts", summary: "Reinforcements were sent to districts bordering Tajikistan after clashes.", lang: "en", source: 4, terms: ["Badakhshan", "border"] },
  { title: "Пограничники ГКНБ задержали партию наркотиков в Шамсиддин Шохине", summary: "Изъято более 200 кг гашиша на участке границы.", lang: "ru", source: 1, terms: ["наркотиков", "границы"] },
  { title: "طالبان نیروهای بیشتری به بدخشان فرستادند", summary: "گزارش‌ها حاکی از اعزام نیروهای بیشتر به ولسوالی‌های مرزی بدخشان است.", lang: "fa", source: 3, terms: ["بدخشان", "مرزی"] },
  { title: "Drone strike reported in Kunduz province", summary: "Local sources report an explosion near Imam Sahib district.", lang: "en", source: 5, terms: ["Kunduz", "strike"] },
  { title: "В Хороге прошли задержания после протестов", summary: "Силовики задержали несколько человек в ГБАО.", lang: "ru", source: 0, terms: ["Хороге", "ГБАО"] },
  { title: "Kyrgyz-Tajik border talks resume in Batken", summary: "Delegations met to continue demarcation of the disputed border sections.", lang: "en", source: 7, terms: ["border", "Batken"] },
  { title: "Қоидаҳои нави убур аз марзи давлатӣ ҷорӣ шуданд", summary: "Хадамоти марзӣ қоидаҳои навро эълон кард.", lang: "tg", source: 2, terms: ["марзи"] },
  { title: "انفجار در شهر قندوز دست‌کم سه کشته برجای گذاشت", summary: "منابع محلی از انفجار در نزدیکی بازار خبر می‌دهند.", lang: "fa", source: 3, terms: ["قندوز", "انفجار"] },
];

const WATCHLISTS: Array<Omit<Watchlist, "id" | "alert_count" | "unread_count" | "problem" | "dropped_variants" | "min_sources" | "gate_bypass_critical">> = [
  { name: "Border incidents", query: 'border OR границ* OR مرز* OR марз*', severity: "high", notify: true, scope_sources: [], scope_langs: [], color: "#d9480f" },
  { name: "Foreign nationals", query: '"foreign nationals" OR иностран* OR خارجی OR хориҷӣ', severity: "critical", notify: true, scope_sources: [], scope_langs: [], color: "#c2255c" },
  { name: "Badakhshan / GBAO", query: "Badakhshan OR бадахшан* OR ГБАО OR Хорог* OR بدخشان", severity: "medium", notify: true, scope_sources: [], scope_langs: [], color: "#1971c2" },
  { name: "Narcotics", query: "наркот* OR heroin OR hashish OR гашиш*", severity: "low", notify: false, scope_sources: [], scope_langs: ["ru", "en"], color: "#2f9e44" },
  { name: "Kunduz security", query: "Kunduz OR قندوز AND (strike OR انفجار OR explosion)", severity: "high", notify: true, scope_sources: [], scope_langs: [], color: "#7048e8" },
];

const TEMPLATE_WATCHLIST = [1, 1, 1, 1, 2, 3, 2, 4, 2, 0, 0, 4];

/** A seeded PRNG so generated data (and benchmarks) repeat exactly. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function contentHtml(t: Template, id: number): string {
  // Shaped like the backend's sanitised output: images carry data-src.
  return (
    `<p>${t.summary}</p>` +
    `<figure><img data-src="https://cdn.example.org/photo-${id % 5}.jpg" alt="Photo from the scene"><figcaption>${t.title}</figcaption></figure>` +
    `<p>More reporting: <a href="https://example.org/story/${id}">full story</a>, <a href="javascript:alert(1)">bad link</a>.</p>`
  );
}

export type MockOptions = { alerts?: number; now?: Date; seed?: number };

export type Call = { cmd: string; args: Record<string, unknown> | undefined };

export class MockBackend implements Backend {
  readonly calls: Array<Call> = [];
  readonly opened: Array<string> = [];
  sources: Array<Source>;
  watchlists: Array<Watchlist>;
  alerts: Array<AlertRow> = [];
  settings: Settings = {
    quiet_hours_start: "22:00",
    quiet_hours_end: "07:00",
    rate_limit_count: 5,
    rate_limit_minutes: 10,
    proxy: null,
    retention_days: 90,
    remote_images: false,
    theme: "system",
    time_zone: null,
    request_budget_per_hour: null,
    telegram_backfill_posts: 100,
  };
  pollingPaused = false;
  autostart = false;
  welcomeNeeded = false;
  /** The poll in progress, as `poll_state` answers; poll:progress events set it. */
  pollProgress: PollProgress | null = null;
  /** Bumped with every change the fake makes, like SQLite's data_version. */
  private version = 1;
  notifications = { available: true, reason: null as string | null };
  /** The next call of a command fails with this error (once). */
  failures = new Map<string, ApiError>();
  /** Paths the fake dialogs return; null simulates "cancel". */
  nextOpenPath: string | null = "/home/analyst/feeds.opml";
  nextSavePath: string | null = "/home/analyst/outpost-export";
  /** Delay of every call, to see loading states in the preview. */
  latencyMs = 0;
  private listeners = new Map<string, Set<(p: unknown) => void>>();
  private now: Date;
  private nextId = 1_000_000;

  constructor(opts: MockOptions = {}) {
    this.now = opts.now ?? new Date();
    const r = rng(opts.seed ?? 7);
    const t0 = this.now.getTime();
    this.sources = SOURCES.map((s, i) => ({
      ...s,
      id: i + 1,
      last_fetch_at: new Date(t0 - (i + 1) * 90_000).toISOString(),
      last_success_at: i === 6 ? new Date(t0 - 5 * 3600_000).toISOString() : new Date(t0 - (i + 1) * 90_000).toISOString(),
      next_fetch_at: s.enabled ? new Date(t0 + (i + 1) * 60_000).toISOString() : null,
    }));
    this.watchlists = WATCHLISTS.map((w, i) => ({ ...w, id: i + 1, alert_count: 0, unread_count: 0, problem: null, dropped_variants: [], min_sources: 1, gate_bypass_critical: false }));
    const n = opts.alerts ?? 60;
    let story = 1;
    let t = t0 - 2 * 60_000;
    for (let i = 0; i < n; ) {
      // Most stories have one article; some are reported by 2–4 outlets.
      const roll = r();
      const size = roll < 0.7 ? 1 : roll < 0.85 ? 2 : roll < 0.95 ? 3 : 4;
      const base = Math.floor(r() * TEMPLATES.length);
      const sid = size > 1 ? story++ : null;
      for (let k = 0; k < size && i < n; k++, i++) {
        const ti = size > 1 && base < 4 ? (base + k) % 4 : (base + k) % TEMPLATES.length;
        const tpl = TEMPLATES[ti]!;
        const wl = this.watchlists[TEMPLATE_WATCHLIST[ti]!]!;
        const src = this.sources[tpl.source]!;
        const id = n - i;
        t -= Math.floor(r() * 9 * 60_000);
        const stateRoll = r();
        const state: AlertState = i < 8 ? "new" : stateRoll < 0.25 ? "new" : stateRoll < 0.85 ? "read" : stateRoll < 0.93 ? "saved" : "dismissed";
        this.alerts.push({
          id,
          watchlist_id: wl.id,
          watchlist_name: wl.name,
          severity: wl.severity,
          color: wl.color,
          article_id: 10_000 + id,
          title: tpl.title,
          url: `https://${new URL(src.url).host}/news/${10_000 + id}`,
          source_name: src.name,
          lang: tpl.lang,
          published: new Date(t - 20 * 60_000).toISOString(),
          created_at: new Date(t).toISOString(),
          state,
          saved: state === "saved",
          story_id: sid,
          story_sources: size,
          awaiting_confirmation: null,
          note: i === 3 ? "Cross-check with the ministry statement." : null,
          tags: i === 3 ? ["verify"] : [],
        });
      }
    }
    this.recount();
  }

  /** Moves whenever anything changes, as SQLite's data_version does. */
  archiveVersion(): number {
    const marker = `${this.alertsVersion()}|${this.sources.length}|${this.watchlists.length}`;
    if (marker !== this.lastMarker) {
      this.lastMarker = marker;
      this.version++;
    }
    return this.version;
  }
  private lastMarker = "";

  /** Moves whenever the alerts change, as the backend's marker does. */
  alertsVersion(): string {
    const saved = this.alerts.filter((x) => x.saved).length;
    const dismissed = this.alerts.filter((x) => x.state === "dismissed").length;
    const unread = this.alerts.filter((x) => x.state === "new").length;
    const max = this.alerts.reduce((m, x) => Math.max(m, x.id), 0);
    return `${this.alerts.length}.${max}.${unread}.${dismissed}.${saved}`;
  }

  private template(title: string): Template {
    return TEMPLATES.find((t) => t.title === title) ?? TEMPLATES[0]!;
  }

  private recount(): void {
    for (const w of this.watchlists) {
      w.alert_count = 0;
      w.unread_count = 0;
    }
    const byId = new Map(this.watchlists.map((w) => [w.id, w]));
    for (const a of this.alerts) {
      const w = byId.get(a.watchlist_id);
      if (!w) continue;
      w.alert_count++;
      if (a.state === "new") w.unread_count++;
    }
  }

  private fail(cmd: string): void {
    const f = this.failures.get(cmd);
    if (f) {
      this.failures.delete(cmd);
      throw f;
    }
  }

  private alert(id: number): AlertRow {
    const a = this.alerts.find((x) => x.id === id);
    if (!a) throw { code: "not_found", message: `Alert ${id} does not exist.` } satisfies ApiError;
    return a;
  }

  article(id: number): ArticleView {
    const a = this.alerts.find((x) => x.article_id === id);
    const tpl = this.template(a?.title ?? TEMPLATES[id % TEMPLATES.length]!.title);
    return {
      id,
      title: tpl.title,
      url: a?.url ?? `https://example.org/news/${id}`,
      source_name: a?.source_name ?? this.sources[tpl.source]!.name,
      lang: tpl.lang,
      published: a?.published ?? new Date(this.now.getTime() - 3600_000).toISOString(),
      fetched_at: a?.created_at ?? this.now.toISOString(),
      summary: tpl.summary,
      content_html: contentHtml(tpl, id),
      authors: ["Staff correspondent"],
    };
  }

  // ---- Backend ----

  async invoke<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
    this.calls.push({ cmd, args });
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    this.fail(cmd);
    return this.handle(cmd, args ?? {}) as T;
  }

  async listen<T>(event: string, handler: (payload: T) => void): Promise<Unlisten> {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    const h = handler as (p: unknown) => void;
    set.add(h);
    return () => set.delete(h);
  }

  async openUrl(url: string): Promise<void> {
    this.opened.push(url);
  }

  async openFile(): Promise<string | null> {
    return this.nextOpenPath;
  }

  async saveFile(_title: string, defaultPath: string): Promise<string | null> {
    return this.nextSavePath === null ? null : `${this.nextSavePath}/${defaultPath}`;
  }

  /** Delivers a backend event to every listener. */
  emit(event: string, payload: unknown): void {
    if (event === "poll:progress") {
      const p = payload as PollProgress;
      this.pollProgress = p.total === 0 ? null : p;
    }
    for (const h of this.listeners.get(event) ?? []) h(payload);
  }

  listenerCount(event: string): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  /** Adds a fresh alert (as the pipeline would) and announces it. */
  addLiveAlert(title: string, watchlistId = 2, storyId: number | null = null): AlertRow {
    const wl = this.watchlists.find((w) => w.id === watchlistId)!;
    const id = this.nextId++;
    const row: AlertRow = {
      id,
      watchlist_id: wl.id,
      watchlist_name: wl.name,
      severity: wl.severity,
      color: wl.color,
      article_id: 10_000 + id,
      title,
      url: `https://tolonews.com/news/${id}`,
      source_name: "TOLOnews",
      lang: "en",
      published: new Date().toISOString(),
      created_at: new Date().toISOString(),
      state: "new",
      saved: false,
      story_id: storyId,
      story_sources: 1,
      awaiting_confirmation: null,
      note: null,
      tags: [],
    };
    this.alerts.unshift(row);
    this.recount();
    this.emit("alerts:new", { count: 1, alert_ids: [id] });
    return row;
  }

  /**
   * Adds alerts without any event, as a backfill or the CLI on the same
   * archive does; only app_info's alerts_version tells.
   */
  addSilently(titles: Array<string>, watchlistId = 1): Array<AlertRow> {
    const made = titles.map((title) => {
      const row = this.addLiveAlertRow(title, watchlistId);
      this.alerts.unshift(row);
      return row;
    });
    this.recount();
    return made;
  }

  private addLiveAlertRow(title: string, watchlistId: number): AlertRow {
    const wl = this.watchlists.find((w) => w.id === watchlistId)!;
    const id = this.nextId++;
    return {
      id,
      watchlist_id: wl.id,
      watchlist_name: wl.name,
      severity: wl.severity,
      color: wl.color,
      article_id: 10_000 + id,
      title,
      url: `https://asiaplustj.info/news/${id}`,
      source_name: "Asia-Plus",
      lang: "en",
      published: new Date(this.now.getTime() - 90 * 60_000).toISOString(),
      created_at: new Date().toISOString(),
      state: "new",
      saved: false,
      story_id: null,
      story_sources: 1,
      awaiting_confirmation: null,
      note: null,
      tags: [],
    };
  }

  private filterAlerts(f: AlertFilter): Array<AlertRow> {
    const plain =
      f.watchlist_id === null && f.severity === null && f.state === null && f.source_id === null && f.lang === null && f.since === null && f.until === null;
    const src = f.source_id === null ? null : (this.sources.find((s) => s.id === f.source_id)?.name ?? "");
    const rows = plain
      ? this.alerts
      : this.alerts.filter(
          (a) =>
            (f.watchlist_id === null || a.watchlist_id === f.watchlist_id) &&
            (f.severity === null || a.severity === f.severity) &&
            (f.state === null || (f.state === "saved" ? a.saved : a.state === f.state)) &&
            (src === null || a.source_name === src) &&
            (f.lang === null || a.lang === f.lang) &&
            (f.since === null || a.created_at >= f.since) &&
            (f.until === null || a.created_at <= f.until),
        );
    return rows.slice(f.offset, f.offset + f.limit);
  }

  private checkQuery(q: string): QueryCheck {
    const s = q.trim();
    if (!s) return { ok: false, canonical: null, column: 1, message: "The query is empty: type a word, a \"phrase\" or a prefix*.", terms: [] };
    let depth = 0;
    let quote = -1;
    for (let i = 0; i < q.length; i++) {
      const c = q[i];
      if (c === '"') quote = quote < 0 ? i : -1;
      else if (quote < 0 && c === "(") depth++;
      else if (quote < 0 && c === ")") {
        depth--;
        if (depth < 0) return { ok: false, canonical: null, column: i + 1, message: "Unexpected ')': there is no '(' to close.", terms: [] };
      }
    }
    if (quote >= 0) return { ok: false, canonical: null, column: quote + 1, message: "This quote is never closed: add a '\"' after the phrase.", terms: [] };
    if (depth > 0) return { ok: false, canonical: null, column: q.length + 1, message: "Expected ')' to close the group.", terms: [] };
    const m = /\b(AND|OR|NEAR\/\d+)\s*$/.exec(q);
    if (m) return { ok: false, canonical: null, column: q.length + 1, message: `Expected a term after '${m[1]}'.`, terms: [] };
    if (/^\s*(NOT\s+|-)\S+\s*$/.test(q)) return { ok: false, canonical: null, column: 1, message: "The query only excludes: add at least one term that must match.", terms: [] };
    // Spelling variants: a fixed pair for the mock's one known name.
    const terms = /khorog/i.test(s)
      ? [{ term: "khorog", prefix: false, exact: false, variants: [{ text: "хорог", kind: "transliteration", gated: false }, { text: "хороге", kind: "case ending", gated: false }] }]
      : [];
    return { ok: true, canonical: s.replace(/\s+/g, " "), column: null, message: null, terms };
  }

  private queryTerms(q: string): Array<string> {
    return q
      .replace(/[()"]/g, " ")
      .split(/\s+/)
      .filter((w) => w && !/^(AND|OR|NOT|NEAR\/\d+)$/.test(w) && !w.startsWith("-") && !w.includes(":"))
      .map((w) => w.replace(/\*$/, ""));
  }

  private handle(cmd: string, a: Record<string, unknown>): unknown {
    switch (cmd) {
      case "poll_state":
        return { progress: this.pollProgress, archive_version: this.archiveVersion(), polling_paused: this.pollingPaused };
      case "app_info":
        return {
          version: "0.1.0",
          db_path: "/home/analyst/.local/share/outpost/outpost.sqlite",
          data_dir: "/home/analyst/.local/share/outpost",
          sources: this.sources.length,
          articles: this.alerts.length * 3 + 412,
          watchlists: this.watchlists.length,
          alerts: this.alerts.length,
          unread: this.alerts.filter((x) => x.state === "new").length,
          notifications: { ...this.notifications },
          polling_paused: this.pollingPaused,
          alerts_version: this.alertsVersion(),
        } satisfies AppInfo;
      case "list_alerts":
        return this.filterAlerts(a.filter as AlertFilter).map((r) => ({ ...r, tags: [...r.tags] }));
      case "get_alert": {
        const al = this.alert(a.id as number);
        const art = this.article(al.article_id);
        const tpl = this.template(al.title);
        const story: Array<StoryMember> =
          al.story_id === null
            ? []
            : this.alerts
                .filter((x) => x.story_id === al.story_id)
                .map((x) => ({ article_id: x.article_id, title: x.title, source_name: x.source_name, url: x.url, lang: x.lang }));
        const wl = this.watchlists.find((w) => w.id === al.watchlist_id);
        return {
          alert: { ...al, tags: [...al.tags] },
          article: art,
          query: wl?.query ?? "",
          spans: [...spansOf(art.title, tpl.terms, "title"), ...spansOf(art.summary, tpl.terms, "body")],
          story,
        } satisfies AlertDetail;
      }
      case "set_alert_state": {
        const al = this.alert(a.id as number);
        const st = a.state as AlertState;
        if (st === "saved") {
          al.saved = true;
          if (al.state !== "dismissed") al.state = "saved";
        } else al.state = st;
        this.recount();
        return null;
      }
      case "set_alert_saved": {
        const al = this.alert(a.id as number);
        al.saved = a.saved as boolean;
        if (al.saved && al.state !== "dismissed") al.state = "saved";
        if (!al.saved && al.state === "saved") al.state = "read";
        this.recount();
        return null;
      }
      case "restore_alert": {
        const al = this.alert(a.id as number);
        const t = a.triage as AlertTriageInput;
        al.state = t.state;
        al.saved = t.saved;
        al.note = t.note || null;
        al.tags = [...t.tags];
        this.recount();
        return null;
      }
      case "split_story_article": {
        const moved = this.alerts.filter((x) => x.article_id === a.article);
        const story = moved[0]?.story_id ?? null;
        if (story === null || this.alerts.filter((x) => x.story_id === story).length === moved.length) {
          throw { code: "invalid_input", message: "there is nothing to split it from" };
        }
        const id = this.nextId++;
        for (const x of moved) x.story_id = id;
        return id;
      }
      case "join_stories": {
        if (a.keep === a.other) throw { code: "invalid_input", message: "pick two different stories" };
        for (const x of this.alerts) if (x.story_id === a.other) x.story_id = a.keep as number;
        return a.keep;
      }
      case "set_alert_note":
        this.alert(a.id as number).note = (a.note as string) || null;
        return null;
      case "add_alert_tag": {
        const al = this.alert(a.id as number);
        if (!al.tags.includes(a.tag as string)) al.tags.push(a.tag as string);
        return null;
      }
      case "remove_alert_tag": {
        const al = this.alert(a.id as number);
        al.tags = al.tags.filter((t) => t !== a.tag);
        return null;
      }
      case "search": {
        const req = a.req as SearchRequest;
        const terms = this.queryTerms(req.text);
        if (terms.length === 0) return [];
        const hits: Array<SearchHit> = [];
        const seen = new Set<string>();
        for (const al of this.alerts) {
          if (hits.length >= req.limit) break;
          const tpl = this.template(al.title);
          const text = `${tpl.title} ${tpl.summary}`.toLowerCase();
          if (!terms.every((t) => text.includes(t.toLowerCase()))) continue;
          if (req.lang && tpl.lang !== req.lang) continue;
          const key = `${al.title}|${al.source_name}`;
          if (seen.has(key)) continue;
          seen.add(key);
          let snippet = tpl.summary.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
          for (const t of terms) snippet = snippet.replace(new RegExp(t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "giu"), (m) => `<mark>${m}</mark>`);
          hits.push({ article_id: al.article_id, title: al.title, source_name: al.source_name, url: al.url, published: al.published, lang: al.lang, snippet });
        }
        return hits;
      }
      case "get_article":
        return this.article(a.id as number);
      case "load_image":
        // A 1×1 grey GIF: what matters is that a data: URL replaces data-src.
        return "data:image/gif;base64,R0lGODlhAQABAIAAAMzMzAAAACH5BAAAAAAALAAAAAABAAEAAAICRAEAOw==";
      case "list_watchlists":
        return this.watchlists.map((w) => ({ ...w }));
      case "check_query":
        return this.checkQuery(a.query as string);
      case "preview_query": {
        const q = a.query as string;
        const check = this.checkQuery(q);
        if (!check.ok) throw { code: "invalid_query", message: check.message! } satisfies ApiError;
        const terms = this.queryTerms(q);
        const hits: Array<PreviewHit> = [];
        for (const tpl of TEMPLATES) {
          const spans = spansOf(tpl.title, terms, "title");
          if (spans.length === 0) continue;
          const body = spansOf(tpl.summary, terms, "body");
          hits.push({
            article_id: 10_000 + hits.length,
            title: tpl.title,
            source_name: this.sources[tpl.source]!.name,
            published: this.now.toISOString(),
            spans: [...spans, ...body],
            snippet: body.length > 0 ? tpl.summary : null,
          });
          if (hits.length >= (a.limit as number)) break;
        }
        return hits;
      }
      case "save_watchlist": {
        const input = a.input as WatchlistInput;
        const check = this.checkQuery(input.query);
        if (!check.ok) throw { code: "invalid_query", message: check.message! } satisfies ApiError;
        if (!input.name.trim()) throw { code: "invalid_input", message: "A watchlist needs a name." } satisfies ApiError;
        const id = a.id as number | null;
        if (id === null) {
          const w: Watchlist = { ...input, id: Math.max(0, ...this.watchlists.map((x) => x.id)) + 1, alert_count: 0, unread_count: 0, problem: null };
          this.watchlists.push(w);
          return { ...w };
        }
        const w = this.watchlists.find((x) => x.id === id);
        if (!w) throw { code: "not_found", message: `Watchlist ${id} does not exist.` } satisfies ApiError;
        Object.assign(w, input);
        return { ...w };
      }
      case "watchlist_removal":
      case "delete_watchlist": {
        // Saved, noted or tagged alerts outlive their watchlist.
        if (!this.watchlists.some((x) => x.id === a.id)) throw { code: "store.not_found", message: `there is no watchlist with id ${a.id}` } satisfies ApiError;
        const mine = this.alerts.filter((x) => x.watchlist_id === a.id);
        const kept = mine.filter((x) => x.state === "saved" || x.note !== null || x.tags.length > 0);
        if (cmd === "delete_watchlist") {
          this.watchlists = this.watchlists.filter((x) => x.id !== a.id);
          const keep = new Set(kept);
          this.alerts = this.alerts.filter((x) => x.watchlist_id !== a.id || keep.has(x));
        }
        return { alerts_removed: mine.length - kept.length, alerts_kept: kept.length };
      }
      case "import_watchlists":
        return { added: 2, skipped: 1, errors: [] };
      case "export_watchlists":
        return null;
      case "list_sources":
        return this.sources.map((s) => ({ ...s }));
      case "add_source": {
        const input = a.input as NewSourceInput;
        let url: URL;
        try {
          // As the backend: a GDELT query's address is the public endpoint.
          url = new URL(input.kind === "gdelt" ? `https://api.gdeltproject.org/api/v2/doc/doc?query=${encodeURIComponent(input.settings?.gdelt_query ?? "")}` : input.url);
        } catch {
          throw { code: "invalid_input", message: `"${input.url}" is not a web address: it should start with https://.` } satisfies ApiError;
        }
        if (url.pathname.endsWith("/missing.xml") && !input.keep_failing) {
          throw { code: "fetch_failed", message: `could not add ${url.href}: HTTP 404 Not Found` } satisfies ApiError;
        }
        if (this.sources.some((s) => new URL(s.url).host === url.host)) {
          throw { code: "source_exists", message: `A source for ${url.host} is already in your list.` } satisfies ApiError;
        }
        const s: Source = {
          ...SOURCES[0]!,
          id: Math.max(0, ...this.sources.map((x) => x.id)) + 1,
          url: url.pathname === "/" ? `${url.origin}/feed/` : url.href,
          kind: input.kind ?? "feed",
          settings: input.settings ?? {},
          name: input.name ?? url.host,
          lang: input.lang,
          folder: input.folder,
          tags: input.tags,
          enabled: true,
          disabled_reason: null,
          items_seen: 0,
          last_error: null,
          consecutive_failures: 0,
          last_fetch_at: null,
          last_success_at: null,
          next_fetch_at: this.now.toISOString(),
          health: [],
          unverified: false,
        };
        this.sources.push(s);
        return { ...s };
      }
      case "update_source": {
        const s = this.sources.find((x) => x.id === a.id);
        if (!s) throw { code: "not_found", message: `Source ${a.id} does not exist.` } satisfies ApiError;
        const e = a.edit as SourceEdit;
        if (!e.name.trim()) throw { code: "invalid_input", message: "A source needs a name; type one, or keep the one it had." } satisfies ApiError;
        // As the engine does: a changed interval becomes the analyst's fixed one.
        if (e.interval_secs !== s.interval_secs) Object.assign(s, { interval_fixed: true, check_every_secs: e.interval_secs, check_reason: "fixed by you" });
        Object.assign(s, { name: e.name.trim(), interval_secs: e.interval_secs, lang: e.lang, folder: e.folder, tags: [...e.tags], enabled: e.enabled });
        s.disabled_reason = e.enabled ? null : "disabled by the analyst";
        return { ...s };
      }
      case "accept_source_move": {
        const s = this.sources.find((x) => x.id === a.id);
        if (!s?.pending_move) throw { code: "invalid_input", message: `Source ${a.id} has no move waiting to be accepted.` } satisfies ApiError;
        Object.assign(s, { url: s.pending_move, pending_move: null, last_error: null });
        return { ...s };
      }
      case "preview_page_source":
        return previewMockPage(a.req as PagePreviewRequest);
      case "add_source_pack": {
        if (a.name !== "telegram") throw { code: "invalid_input", message: `there is no source pack named '${String(a.name)}'; the packs are default, telegram` } satisfies ApiError;
        const handles = ["radioozodi", "asiaplustj", "kunuzofficial", "akipress"];
        let added = 0;
        for (const h of handles) {
          const url = `https://t.me/s/${h}`;
          if (this.sources.some((x) => x.url === url)) continue;
          this.sources.push({
            ...SOURCES[0]!,
            id: Math.max(0, ...this.sources.map((x) => x.id)) + 1,
            kind: "telegram",
            settings: { provenance: "handle listed in a public script; not yet opened at t.me/s" },
            url,
            name: `${h} (Telegram)`,
            lang: null,
            folder: "Telegram",
            tags: ["telegram"],
            enabled: true,
            disabled_reason: null,
            items_seen: 0,
            last_error: null,
            consecutive_failures: 0,
            last_fetch_at: null,
            last_success_at: null,
            next_fetch_at: this.now.toISOString(),
            health: [],
            unverified: true,
          });
          added++;
        }
        return added;
      }
      case "set_source_enabled": {
        const s = this.sources.find((x) => x.id === a.id)!;
        s.enabled = a.enabled as boolean;
        s.disabled_reason = s.enabled ? null : "Disabled by you.";
        return null;
      }
      case "delete_source":
        this.sources = this.sources.filter((s) => s.id !== a.id);
        return null;
      case "poll_now":
        return null;
      case "import_opml":
        return { added: 14, skipped: 3, errors: ["Line 42: the outline \"Old blog\" has no xmlUrl; it was skipped."] };
      case "export_opml":
        return null;
      case "get_settings":
        return { ...this.settings };
      case "save_settings":
        this.settings = { ...(a.settings as Settings) };
        return null;
      case "set_polling_paused":
        this.pollingPaused = a.paused as boolean;
        return null;
      case "backup":
        return null;
      case "welcome": {
        if (!this.welcomeNeeded) return { needed: false, packs: [], langs: [], watchlists: [] };
        const packs = new Map<string, { id: string; sources: number; langs: Array<string> }>();
        const langs = new Map<string, number>();
        for (const s of this.sources) {
          const id = s.folder ?? "Other";
          const p = packs.get(id) ?? { id, sources: 0, langs: [] };
          p.sources += 1;
          if (s.lang && !p.langs.includes(s.lang)) p.langs.push(s.lang);
          packs.set(id, p);
          if (s.lang) langs.set(s.lang, (langs.get(s.lang) ?? 0) + 1);
        }
        return {
          needed: true,
          packs: [...packs.values()].sort((a, b) => a.id.localeCompare(b.id)),
          langs: [...langs].sort().map(([lang, sources]) => ({ lang, sources })),
          watchlists: this.watchlists.map((w) => ({ id: w.id, name: w.name, query: w.query })),
        };
      }
      case "apply_welcome": {
        const c = a.choice as { packs: Array<string>; langs: Array<string>; watchlists: Array<number> };
        this.sources = this.sources.filter((s) => c.packs.includes(s.folder ?? "Other") && (s.lang === null || c.langs.includes(s.lang)));
        this.watchlists = this.watchlists.filter((w) => c.watchlists.includes(w.id));
        this.welcomeNeeded = false;
        return this.sources.length;
      }
      case "window_ready":
        return null;
      case "autostart_enabled":
        return this.autostart;
      case "set_autostart":
        this.autostart = a.enabled as boolean;
        return this.autostart;
      case "export_alerts": {
        const req = a.req as ExportRequest;
        const n = req.alert_ids === null ? this.alerts.filter((x) => x.saved).length : req.alert_ids.length;
        return { count: n, path: req.path };
      }
      default:
        throw { code: "internal", message: `The fake backend does not know the command "${cmd}".` } satisfies ApiError;
    }
  }
}

/** Installs a fresh fake backend into lib/ipc and returns it. */
export function installMockBackend(opts: MockOptions = {}): MockBackend {
  const m = new MockBackend(opts);
  setBackend(m);
  return m;
}

export type { Severity };
