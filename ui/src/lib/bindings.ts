// Generated from the Rust types in outpost-engine (src/api.rs) by
// `UPDATE_BINDINGS=1 cargo test -p outpost-engine --test bindings`. Do not edit.

export type Severity = "low" | "medium" | "high" | "critical";

export type AlertState = "new" | "read" | "saved" | "dismissed";

export type Field = "title" | "body";

export type Span = { field: Field, start: number, end: number, text: string, 
/**
 * The watchlist term this text matched through one of its spelling
 * variants (`khorog` for the text `Хороге`); absent when the text is
 * the term as written.
 */
term?: string, };

export type ApiError = { code: string, message: string, };

export type NotificationStatus = { available: boolean, reason: string | null, };

export type AppInfo = { version: string, db_path: string, data_dir: string, sources: number, articles: number, watchlists: number, alerts: number, unread: number, notifications: NotificationStatus, polling_paused: boolean, 
/**
 * Changes whenever the alerts change, in this app or in another
 * process on the archive; the UI refetches its lists when it moves.
 */
alerts_version: string, };

export type SourceKind = "feed" | "page" | "telegram" | "gdelt";

export type PageSelectors = { 
/**
 * One match per item (a repeated element of the list).
 */
item: string, 
/**
 * Within an item: its title.
 */
title: string, 
/**
 * Within an item: the element whose `href` (or whose first `<a>`'s)
 * is the item's link, and its identity.
 */
link: string, date: string | null, 
/**
 * A strftime format for the date, when it is none of the usual forms.
 */
date_format: string | null, 
/**
 * IANA zone of dates written without one (default UTC).
 */
tz: string | null, body: string | null, };

export type SourceSettings = { 
/**
 * For `page` sources.
 */
page?: PageSelectors | null, 
/**
 * For `gdelt` sources: the DOC API query (the URL is the endpoint).
 */
gdelt_query?: string | null, 
/**
 * Where the source's address came from, for sources of the default
 * packs that no poll has confirmed yet.
 */
provenance?: string | null, };

export type HealthNote = { 
/**
 * `error`, `html`, `empty` or `stale`.
 */
code: string, 
/**
 * A short sentence saying what is wrong and what to do.
 */
message: string, };

export type Source = { id: number, kind: SourceKind, settings: SourceSettings, url: string, name: string, enabled: boolean, disabled_reason: string | null, interval_secs: number, 
/**
 * The analyst fixed `interval_secs`; otherwise the scheduler learns
 * the source's rhythm.
 */
interval_fixed: boolean, 
/**
 * Checked at its floor while active.
 */
priority: boolean, 
/**
 * The scheduler's current interval (before jitter), once it has
 * checked the source.
 */
check_every_secs: number | null, 
/**
 * Why that interval, in words: "publishes ~every 12 min", "quiet:
 * every 2 h", "fixed by you", "backing off after 3 failures".
 */
check_reason: string | null, lang: string | null, country: string | null, folder: string | null, tags: Array<string>, last_fetch_at: string | null, last_success_at: string | null, last_error: string | null, consecutive_failures: number, next_fetch_at: string | null, items_seen: number, avg_latency_ms: number | null, 
/**
 * Where the feed says it moved for good, on another host: the source
 * keeps polling its own address until the analyst accepts the move.
 */
pending_move: string | null, 
/**
 * What is wrong with the source, each in a short sentence saying what
 * to do (`crate::health`); `last_error` keeps the full error.
 */
health: Array<HealthNote>, 
/**
 * From a pack and not yet polled successfully: its address is a
 * candidate, not a confirmed feed.
 */
unverified: boolean, };

export type NewSourceInput = { 
/**
 * `feed` when absent.
 */
kind?: SourceKind, url: string, 
/**
 * The kind's settings (a page's selectors, a GDELT query).
 */
settings?: SourceSettings, name: string | null, interval_secs: number | null, lang: string | null, folder: string | null, tags: Array<string>, 
/**
 * Keep the source even when its address cannot be read now ("Add
 * anyway"): it is stored as given, and its error shows after the next
 * poll, which is retried on its schedule.
 */
keep_failing: boolean, };

export type SourceEdit = { name: string, interval_secs: number, lang: string | null, folder: string | null, tags: Array<string>, enabled: boolean, };

export type PagePreviewRequest = { url: string, selectors: PageSelectors, 
/**
 * Fetch the page again instead of using the copy fetched earlier.
 */
reload?: boolean, };

export type PagePreviewItem = { title: string | null, link: string, published: string | null, };

export type PagePreview = { 
/**
 * The address the page was read from (after redirects); links resolve
 * against it.
 */
url: string, 
/**
 * The page's `<title>`, a name for the source.
 */
page_title: string | null, 
/**
 * Items the selectors read from the page.
 */
count: number, 
/**
 * The first few of them.
 */
items: Array<PagePreviewItem>, warnings: Array<string>, 
/**
 * What is wrong with the selectors as typed (not valid CSS, an unknown
 * zone), or null; the page itself was fetched.
 */
problem: string | null, 
/**
 * Selectors for the repeated element of the page, when the item
 * selector is empty.
 */
suggested: PageSelectors | null, };

export type ImportSummary = { added: number, skipped: number, errors: Array<string>, };

export type Watchlist = { id: number, name: string, query: string, severity: Severity, notify: boolean, scope_sources: Array<number>, scope_langs: Array<string>, color: string, alert_count: number, unread_count: number, 
/**
 * Why the watchlist is not being matched (its stored query no longer
 * parses), or null when it is.
 */
problem: string | null, 
/**
 * Normalised spelling variants the analyst dropped.
 */
dropped_variants: Array<string>, 
/**
 * Independent sources an alert's story needs before it notifies.
 */
min_sources: number, 
/**
 * Whether critical severity notifies without waiting for them.
 */
gate_bypass_critical: boolean, };

export type WatchlistRemoval = { alerts_removed: number, alerts_kept: number, };

export type WatchlistInput = { name: string, query: string, severity: Severity, notify: boolean, scope_sources: Array<number>, scope_langs: Array<string>, color: string, 
/**
 * Normalised spelling variants not to match.
 */
dropped_variants: Array<string>, 
/**
 * Independent sources before notifying (1: at once).
 */
min_sources: number, gate_bypass_critical: boolean, };

export type TermVariants = { term: string, prefix: boolean, 
/**
 * Written with `=`: matched only as written.
 */
exact: boolean, variants: Array<Variant>, };

export type Variant = { 
/**
 * Normalised, as matched.
 */
text: string, 
/**
 * transliteration, tajik keyboard, gazetteer or case ending.
 */
kind: string, 
/**
 * Counts only when the text also names a nearby place or the country.
 */
gated: boolean, };

export type QueryCheck = { ok: boolean, canonical: string | null, column: number | null, message: string | null, 
/**
 * Each term of the query with its spelling variants.
 */
terms: Array<TermVariants>, };

export type PreviewHit = { article_id: number, title: string, source_name: string, published: string | null, spans: Array<Span>, 
/**
 * About 160 characters of the body around its first match, plain
 * text; null when only the title matched.
 */
snippet: string | null, };

export type AlertFilter = { watchlist_id: number | null, severity: Severity | null, state: AlertState | null, source_id: number | null, lang: string | null, since: string | null, until: string | null, limit: number, offset: number, };

export type AlertRow = { id: number, watchlist_id: number, watchlist_name: string, severity: Severity, color: string, article_id: number, title: string, url: string | null, source_name: string, lang: string | null, published: string | null, created_at: string, state: AlertState, 
/**
 * In Saved, whatever the state: dismissing keeps it there.
 */
saved: boolean, story_id: number | null, story_sources: number, note: string | null, tags: Array<string>, 
/**
 * While the watchlist waits for more independent sources before it
 * notifies: "awaiting confirmation (1 of 2)".
 */
awaiting_confirmation: string | null, };

export type ArticleView = { id: number, title: string, url: string | null, source_name: string, lang: string | null, published: string | null, fetched_at: string, summary: string, 
/**
 * Sanitised HTML; images carry `data-src` instead of `src` until the
 * analyst loads them.
 */
content_html: string, authors: Array<string>, };

export type StoryMember = { article_id: number, title: string, source_name: string, url: string | null, lang: string | null, };

export type AlertDetail = { alert: AlertRow, article: ArticleView, query: string, spans: Array<Span>, story: Array<StoryMember>, };

export type AlertTriageInput = { state: AlertState, saved: boolean, note: string | null, tags: Array<string>, };

export type SearchOrder = "ranked" | "newest";

export type SearchRequest = { text: string, source_id: number | null, lang: string | null, since: string | null, until: string | null, limit: number, order: SearchOrder, };

export type SearchHit = { article_id: number, title: string, source_name: string, url: string | null, published: string | null, lang: string | null, 
/**
 * HTML: only `<mark>` tags, everything else escaped.
 */
snippet: string, };

export type Theme = "light" | "dark" | "system";

export type Settings = { 
/**
 * Local time "HH:MM"; both set, or both empty.
 */
quiet_hours_start: string | null, quiet_hours_end: string | null, rate_limit_count: number, rate_limit_minutes: number, 
/**
 * `http://host:port` or `socks5h://host:port` (Tor: `socks5h://127.0.0.1:9050`).
 */
proxy: string | null, retention_days: number, 
/**
 * Load remote images in articles without asking (they reveal the
 * analyst's address to the image's host).
 */
remote_images: boolean, theme: Theme, 
/**
 * How times are shown: `null` for the computer's local time, "UTC",
 * or an IANA zone name ("Asia/Dushanbe"). The UI formats with it
 * (list, reader, search); exports still write UTC (RFC 3339).
 */
time_zone: string | null, 
/**
 * Checks per hour the scheduler may make over all sources; `null`
 * for what a fixed 15-minute schedule (or each source's fixed
 * interval) would make for the same sources.
 */
request_budget_per_hour: number | null, 
/**
 * How many posts the first poll of a Telegram channel reads, paging
 * back through older posts.
 */
telegram_backfill_posts: number, };

export type PollProgress = { done: number, total: number, current: string | null, new_articles: number, new_alerts: number, };

export type PollState = { 
/**
 * The poll in progress, or null when none runs: a progress bar the
 * events left behind is cleared by it.
 */
progress: PollProgress | null, 
/**
 * Moves whenever anything is committed to the archive, by this app
 * or another process; the UI rereads `app_info` only when it moved.
 */
archive_version: number, 
/**
 * Polling is paused (from the window or the tray).
 */
polling_paused: boolean, };

export type ExportFormat = "csv" | "json" | "md" | "html";

export type ExportRequest = { format: ExportFormat, path: string, 
/**
 * `null`: all saved alerts.
 */
alert_ids: Array<number> | null, };

export type ExportSummary = { count: number, path: string, };

export type SourcePack = { 
/**
 * The folder name, which is also the pack's name.
 */
id: string, sources: number, 
/**
 * The languages of its sources, sorted.
 */
langs: Array<string>, };

export type LangChoice = { lang: string, sources: number, };

export type ExampleWatchlist = { id: number, name: string, query: string, };

export type WelcomeOffer = { needed: boolean, packs: Array<SourcePack>, langs: Array<LangChoice>, watchlists: Array<ExampleWatchlist>, };

export type WelcomeChoice = { packs: Array<string>, langs: Array<string>, watchlists: Array<number>, };
