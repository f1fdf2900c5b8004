//! The payloads the UI sends and receives, and the use cases behind each
//! Tauri command. Every type here derives `TS`; `typescript_bindings()`
//! renders them into `ui/src/lib/bindings.ts`, and the `bindings` test fails
//! when that file is stale (`UPDATE_BINDINGS=1 cargo test -p outpost-engine
//! --test bindings` rewrites it).

use std::path::Path;

use outpost_core::matcher::Document;
use outpost_core::query::Query;
use outpost_core::{
    AlertId, AlertState, ArticleId, Field, SearchOrder, Severity, SourceId, SourceKind, Span,
    WatchlistId,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::dates::{Bound, parse_optional};
use crate::engine::{Engine, NewSourceRequest, PollProgress};
use crate::error::{EngineError, Result};
use crate::notify::NotificationStatus;
use crate::settings::{Settings, Theme};

/// What every failing command rejects with.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        Self {
            code: e.code().to_string(),
            message: e.to_string(),
        }
    }
}

impl From<outpost_store::StoreError> for ApiError {
    fn from(e: outpost_store::StoreError) -> Self {
        EngineError::from(e).into()
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub version: String,
    pub db_path: String,
    pub data_dir: String,
    pub sources: u64,
    pub articles: u64,
    pub watchlists: u64,
    pub alerts: u64,
    pub unread: u64,
    pub notifications: NotificationStatus,
    pub polling_paused: bool,
    /// Changes whenever the alerts change, in this app or in another
    /// process on the archive; the UI refetches its lists when it moves.
    pub alerts_version: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(rename = "Source")]
pub struct SourceView {
    pub id: SourceId,
    pub kind: SourceKind,
    pub url: String,
    pub name: String,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub interval_secs: u32,
    pub lang: Option<String>,
    pub country: Option<String>,
    pub folder: Option<String>,
    pub tags: Vec<String>,
    pub last_fetch_at: Option<String>,
    pub last_success_at: Option<String>,
    pub last_error: Option<String>,
    pub consecutive_failures: u32,
    pub next_fetch_at: Option<String>,
    pub items_seen: u64,
    pub avg_latency_ms: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewSourceInput {
    pub url: String,
    pub name: Option<String>,
    pub interval_secs: Option<u32>,
    pub lang: Option<String>,
    pub folder: Option<String>,
    pub tags: Vec<String>,
    /// Keep the source even when its address cannot be read now ("Add
    /// anyway"): it is stored as given, and its error shows after the next
    /// poll, which is retried on its schedule.
    #[serde(default)]
    pub keep_failing: bool,
}

/// Every editable property of a source, as the Sources page's editor sends
/// them.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct SourceEdit {
    pub name: String,
    pub interval_secs: u32,
    pub lang: Option<String>,
    pub folder: Option<String>,
    pub tags: Vec<String>,
    pub enabled: bool,
}

/// An alert's triage as it was before a change, which undo puts back.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct AlertTriageInput {
    pub state: AlertState,
    pub saved: bool,
    pub note: Option<String>,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct ImportSummary {
    pub added: u32,
    pub skipped: u32,
    pub errors: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(rename = "Watchlist")]
pub struct WatchlistView {
    pub id: WatchlistId,
    pub name: String,
    pub query: String,
    pub severity: Severity,
    pub notify: bool,
    pub scope_sources: Vec<SourceId>,
    pub scope_langs: Vec<String>,
    pub color: String,
    pub alert_count: u64,
    pub unread_count: u64,
    /// Why the watchlist is not being matched (its stored query no longer
    /// parses), or null when it is.
    pub problem: Option<String>,
}

/// What deleting a watchlist removes and keeps (asked before, and
/// reported after): its alerts go, except the saved, noted or tagged ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(rename = "WatchlistRemoval")]
pub struct WatchlistRemovalView {
    pub alerts_removed: u64,
    pub alerts_kept: u64,
}

impl From<outpost_store::WatchlistRemoval> for WatchlistRemovalView {
    fn from(r: outpost_store::WatchlistRemoval) -> Self {
        Self {
            alerts_removed: r.alerts_removed,
            alerts_kept: r.alerts_kept,
        }
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct WatchlistInput {
    pub name: String,
    pub query: String,
    pub severity: Severity,
    pub notify: bool,
    pub scope_sources: Vec<SourceId>,
    pub scope_langs: Vec<String>,
    pub color: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct QueryCheck {
    pub ok: bool,
    pub canonical: Option<String>,
    pub column: Option<u32>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PreviewHit {
    pub article_id: ArticleId,
    pub title: String,
    pub source_name: String,
    pub published: Option<String>,
    pub spans: Vec<Span>,
    /// About 160 characters of the body around its first match, plain
    /// text; null when only the title matched.
    pub snippet: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(rename = "AlertFilter")]
pub struct AlertFilterInput {
    pub watchlist_id: Option<WatchlistId>,
    pub severity: Option<Severity>,
    pub state: Option<AlertState>,
    pub source_id: Option<SourceId>,
    pub lang: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(rename = "AlertRow")]
pub struct AlertView {
    pub id: AlertId,
    pub watchlist_id: WatchlistId,
    pub watchlist_name: String,
    pub severity: Severity,
    pub color: String,
    pub article_id: ArticleId,
    pub title: String,
    pub url: Option<String>,
    pub source_name: String,
    pub lang: Option<String>,
    pub published: Option<String>,
    pub created_at: String,
    pub state: AlertState,
    /// In Saved, whatever the state: dismissing keeps it there.
    pub saved: bool,
    pub story_id: Option<i64>,
    pub story_sources: u32,
    pub note: Option<String>,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ArticleView {
    pub id: ArticleId,
    pub title: String,
    pub url: Option<String>,
    pub source_name: String,
    pub lang: Option<String>,
    pub published: Option<String>,
    pub fetched_at: String,
    pub summary: String,
    /// Sanitised HTML; images carry `data-src` instead of `src` until the
    /// analyst loads them.
    pub content_html: String,
    pub authors: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct StoryMember {
    pub article_id: ArticleId,
    pub title: String,
    pub source_name: String,
    pub url: Option<String>,
    pub lang: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AlertDetail {
    pub alert: AlertView,
    pub article: ArticleView,
    pub query: String,
    pub spans: Vec<Span>,
    pub story: Vec<StoryMember>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SearchRequest {
    pub text: String,
    pub source_id: Option<SourceId>,
    pub lang: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub limit: u32,
    pub order: SearchOrder,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(rename = "SearchHit")]
pub struct SearchHitView {
    pub article_id: ArticleId,
    pub title: String,
    pub source_name: String,
    pub url: Option<String>,
    pub published: Option<String>,
    pub lang: Option<String>,
    /// HTML: only `<mark>` tags, everything else escaped.
    pub snippet: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Json,
    Md,
    Html,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExportRequest {
    pub format: ExportFormat,
    pub path: String,
    /// `null`: all saved alerts.
    pub alert_ids: Option<Vec<AlertId>>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportSummary {
    pub count: u32,
    pub path: String,
}

/// Every type the UI sees, in declaration order.
pub fn typescript_bindings() -> String {
    let cfg = ts_rs::Config::new().with_large_int("number");
    let decls = [
        Severity::decl(&cfg),
        AlertState::decl(&cfg),
        Field::decl(&cfg),
        Span::decl(&cfg),
        ApiError::decl(&cfg),
        NotificationStatus::decl(&cfg),
        AppInfo::decl(&cfg),
        SourceKind::decl(&cfg),
        SourceView::decl(&cfg),
        NewSourceInput::decl(&cfg),
        SourceEdit::decl(&cfg),
        ImportSummary::decl(&cfg),
        WatchlistView::decl(&cfg),
        WatchlistRemovalView::decl(&cfg),
        WatchlistInput::decl(&cfg),
        QueryCheck::decl(&cfg),
        PreviewHit::decl(&cfg),
        AlertFilterInput::decl(&cfg),
        AlertView::decl(&cfg),
        ArticleView::decl(&cfg),
        StoryMember::decl(&cfg),
        AlertDetail::decl(&cfg),
        AlertTriageInput::decl(&cfg),
        SearchOrder::decl(&cfg),
        SearchRequest::decl(&cfg),
        SearchHitView::decl(&cfg),
        Theme::decl(&cfg),
        Settings::decl(&cfg),
        PollProgress::decl(&cfg),
        ExportFormat::decl(&cfg),
        ExportRequest::decl(&cfg),
        ExportSummary::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types in outpost-engine (src/api.rs) by\n\
         // `UPDATE_BINDINGS=1 cargo test -p outpost-engine --test bindings`. Do not edit.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

// ----- use cases ------------------------------------------------------------

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub const DEFAULT_COLOR: &str = "#64748b";

pub fn app_info(engine: &Engine) -> Result<AppInfo> {
    let stats = engine.store().stats()?;
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        db_path: engine.db_path().display().to_string(),
        data_dir: engine
            .db_path()
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        sources: stats.sources,
        articles: stats.articles,
        watchlists: stats.watchlists,
        alerts: stats.alerts,
        unread: stats.unread,
        notifications: engine.notification_status(),
        polling_paused: engine.is_paused(),
        alerts_version: engine.store().alerts_version()?,
    })
}

pub fn source_view(s: outpost_core::Source) -> SourceView {
    SourceView {
        id: s.id,
        kind: s.kind,
        // Credentials in an address are for fetching only, never shown.
        url: outpost_feeds::address::redact_url(&s.url).into_owned(),
        name: s.name,
        enabled: s.enabled,
        disabled_reason: s.disabled_reason,
        interval_secs: s.interval_secs,
        lang: s.lang,
        country: s.country,
        folder: s.folder,
        tags: s.tags,
        last_fetch_at: s.health.last_fetch_at.map(rfc3339),
        last_success_at: s.health.last_success_at.map(rfc3339),
        last_error: s.health.last_error,
        consecutive_failures: s.health.consecutive_failures,
        next_fetch_at: s.health.next_fetch_at.map(rfc3339),
        items_seen: s.health.items_seen,
        avg_latency_ms: s.health.avg_latency_ms,
    }
}

pub fn list_sources(engine: &Engine) -> Result<Vec<SourceView>> {
    Ok(crate::moves::listed_sources(engine)?
        .into_iter()
        .map(source_view)
        .collect())
}

pub async fn add_source(engine: &Engine, input: NewSourceInput) -> Result<SourceView> {
    let keep_failing = input.keep_failing;
    let req = NewSourceRequest {
        url: input.url.clone(),
        name: input.name.clone(),
        interval_secs: input.interval_secs,
        lang: input.lang.clone(),
        folder: input.folder.clone(),
        tags: input.tags.clone(),
    };
    match engine.add_source(req).await {
        Ok(s) => Ok(source_view(s)),
        // "Add anyway": a source that fails now (404, timeout) is kept as
        // typed, so the analyst can retry or fix it later; its poll records
        // the error on the source.
        Err(EngineError::Fetch(_)) if keep_failing => {
            let url = input.url.trim().to_string();
            let name = input
                .name
                .filter(|n| !n.trim().is_empty())
                .or_else(|| {
                    url::Url::parse(&url)
                        .ok()
                        .and_then(|u| u.host_str().map(str::to_string))
                })
                .unwrap_or_else(|| url.clone());
            let id = engine.add_source_unchecked(&outpost_core::NewSource {
                kind: SourceKind::Feed,
                url,
                name,
                interval_secs: input
                    .interval_secs
                    .unwrap_or(crate::engine::DEFAULT_INTERVAL_SECS),
                lang: input.lang,
                country: None,
                folder: input.folder,
                tags: input.tags,
            })?;
            engine.wake();
            Ok(source_view(engine.store().get_source(id)?))
        }
        Err(e) => Err(e),
    }
}

/// Edits every property of a source. A changed interval takes effect at
/// once: the next poll is rescheduled from the last one.
pub fn update_source(engine: &Engine, id: SourceId, edit: SourceEdit) -> Result<SourceView> {
    let name = edit.name.trim().to_string();
    if name.is_empty() {
        return Err(EngineError::invalid(
            "A source needs a name; type one, or keep the one it had",
        ));
    }
    if !(60..=7 * 86_400).contains(&edit.interval_secs) {
        return Err(EngineError::invalid(format!(
            "An interval of {} seconds is out of range; choose between 1 minute and 7 days",
            edit.interval_secs
        )));
    }
    let blank = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let patch = outpost_core::SourcePatch {
        name: Some(name),
        interval_secs: Some(edit.interval_secs),
        lang: Some(blank(edit.lang).map(|l| l.to_lowercase())),
        country: None,
        folder: Some(blank(edit.folder)),
        tags: Some(
            edit.tags
                .into_iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect(),
        ),
    };
    let view = {
        let store = engine.store();
        store.update_source(id, &patch)?;
        let reason = (!edit.enabled).then_some("disabled by the analyst");
        store.set_source_enabled(id, edit.enabled, reason)?;
        source_view(store.get_source(id)?)
    };
    engine.wake();
    Ok(view)
}

pub fn list_watchlists(engine: &Engine) -> Result<Vec<WatchlistView>> {
    let store = engine.store();
    let unread: std::collections::HashMap<WatchlistId, u64> =
        store.unread_counts()?.into_iter().collect();
    let totals: std::collections::HashMap<WatchlistId, u64> =
        store.alert_counts()?.into_iter().collect();
    Ok(store
        .list_watchlists()?
        .into_iter()
        .map(|w| WatchlistView {
            alert_count: totals.get(&w.id).copied().unwrap_or(0),
            unread_count: unread.get(&w.id).copied().unwrap_or(0),
            id: w.id,
            name: w.name,
            query: w.query,
            severity: w.severity,
            notify: w.notify,
            scope_sources: w.scope_sources,
            scope_langs: w.scope_langs,
            color: w.color.unwrap_or_else(|| DEFAULT_COLOR.to_string()),
            problem: engine.watchlist_problem(w.id),
        })
        .collect())
}

pub fn check_query(query: &str) -> QueryCheck {
    match Query::parse(query) {
        Ok(q) => QueryCheck {
            ok: true,
            canonical: Some(q.to_string()),
            column: None,
            message: None,
        },
        Err(e) => QueryCheck {
            ok: false,
            canonical: None,
            column: Some(e.column as u32),
            message: Some(e.message.clone()),
        },
    }
}

/// Runs a draft query over the most recent archive articles (newest first)
/// and returns up to `limit` matches with their spans.
pub fn preview_query(engine: &Engine, query: &str, limit: u32) -> Result<Vec<PreviewHit>> {
    let q = Query::parse(query)?;
    let store = engine.reader();
    let mut hits = Vec::new();
    let mut before: Option<ArticleId> = None;
    const PAGE: u32 = 500;
    const MAX_SCANNED: usize = 20_000;
    let mut scanned = 0;
    while hits.len() < limit as usize && scanned < MAX_SCANNED {
        let page = store.articles_before(before, PAGE)?;
        if page.is_empty() {
            break;
        }
        scanned += page.len();
        before = page.last().map(|a| a.id);
        for a in page {
            let body = if a.text.trim().is_empty() {
                &a.summary
            } else {
                &a.text
            };
            let source = a
                .sources
                .first()
                .map(|s| s.name.clone())
                .unwrap_or_default();
            let doc = Document {
                title: &a.title,
                body,
                lang: a.lang.as_deref(),
                source: Some(&source),
            };
            if let Some(spans) = q.matches(&doc) {
                let snippet = body_snippet(body, &spans);
                hits.push(PreviewHit {
                    article_id: a.id,
                    title: a.title.clone(),
                    source_name: source,
                    published: a.published.map(rfc3339),
                    spans,
                    snippet,
                });
                if hits.len() >= limit as usize {
                    break;
                }
            }
        }
    }
    Ok(hits)
}

/// The body around its first matched span (byte offsets, as the matcher
/// reports them), cut at character boundaries, with "…" where it was cut.
pub fn body_snippet(body: &str, spans: &[Span]) -> Option<String> {
    const SIDE: usize = 80;
    let s = spans.iter().find(|s| s.field == Field::Body)?;
    if s.start > s.end || s.end > body.len() {
        return None;
    }
    let mut from = s.start.saturating_sub(SIDE);
    while !body.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (s.end + SIDE).min(body.len());
    while !body.is_char_boundary(to) {
        to += 1;
    }
    let text = body[from..to]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < body.len() { "…" } else { "" };
    Some(format!("{lead}{text}{tail}"))
}

/// Creates or edits a watchlist; with `backfill`, past archive matches become
/// alerts too (without notifications: they are not news).
pub fn save_watchlist(
    engine: &Engine,
    id: Option<WatchlistId>,
    input: WatchlistInput,
    backfill: bool,
) -> Result<WatchlistView> {
    if input.name.trim().is_empty() {
        return Err(EngineError::invalid("a watchlist needs a name"));
    }
    let color = Some(input.color).filter(|c| !c.trim().is_empty());
    let w = match id {
        None => engine.add_watchlist(&outpost_core::NewWatchlist {
            name: input.name.trim().to_string(),
            query: input.query,
            severity: input.severity,
            notify: input.notify,
            scope_sources: input.scope_sources,
            scope_langs: input.scope_langs,
            color,
        })?,
        Some(id) => engine.update_watchlist(
            id,
            &outpost_core::WatchlistPatch {
                name: Some(input.name.trim().to_string()),
                query: Some(input.query),
                severity: Some(input.severity),
                notify: Some(input.notify),
                enabled: None,
                scope_sources: Some(input.scope_sources),
                scope_langs: Some(input.scope_langs),
                color: Some(color),
            },
        )?,
    };
    if backfill {
        engine.backfill(w.id)?;
    }
    list_watchlists(engine)?
        .into_iter()
        .find(|v| v.id == w.id)
        .ok_or(EngineError::Store(outpost_store::StoreError::NotFound {
            what: "watchlist",
            id: w.id,
        }))
}

pub fn alert_view(a: outpost_core::AlertRow) -> AlertView {
    AlertView {
        id: a.id,
        watchlist_id: a.watchlist_id,
        watchlist_name: a.watchlist_name,
        severity: a.severity,
        color: a.color.unwrap_or_else(|| DEFAULT_COLOR.to_string()),
        article_id: a.article_id,
        title: a.title,
        url: a.url,
        source_name: a.source_name.unwrap_or_default(),
        lang: a.lang,
        published: a.published.map(rfc3339),
        created_at: rfc3339(a.created_at),
        state: a.state,
        saved: a.saved,
        story_id: a.story_id,
        story_sources: a.story_sources,
        note: a.note,
        tags: a.tags,
    }
}

pub fn list_alerts(engine: &Engine, f: AlertFilterInput) -> Result<Vec<AlertView>> {
    let filter = outpost_core::AlertFilter {
        watchlist: f.watchlist_id,
        state: f.state,
        severity: f.severity,
        source: f.source_id,
        lang: f.lang.filter(|l| !l.is_empty()),
        since: parse_optional(f.since.as_deref(), Bound::Since)?,
        until: parse_optional(f.until.as_deref(), Bound::Until)?,
        limit: if f.limit == 0 { 200 } else { f.limit },
        offset: f.offset,
    };
    Ok(engine
        .reader()
        .list_alerts(&filter)?
        .into_iter()
        .map(alert_view)
        .collect())
}

pub fn article_view(a: &outpost_core::Article) -> ArticleView {
    ArticleView {
        id: a.id,
        title: a.title.clone(),
        url: a.url.clone(),
        source_name: a
            .sources
            .first()
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        lang: a.lang.clone(),
        published: a.published.map(rfc3339),
        fetched_at: rfc3339(a.fetched_at),
        summary: a.summary.clone(),
        content_html: defer_images(&a.content_html),
        authors: a.authors.clone(),
    }
}

pub fn get_article(engine: &Engine, id: ArticleId) -> Result<ArticleView> {
    let store = engine.reader();
    with_snapshot(&store, article_view(&store.get_article(id)?))
}

/// A saved article reads from its captured page when there is one, so it
/// stays readable offline and shows what was preserved as evidence.
fn with_snapshot(store: &outpost_store::Store, mut view: ArticleView) -> Result<ArticleView> {
    let captured = store
        .get_snapshot(view.id)?
        .filter(|s| s.error.is_none())
        .and_then(|s| s.html);
    if let Some(html) = captured.filter(|h| !h.trim().is_empty()) {
        view.content_html = defer_images(&html);
    }
    Ok(view)
}

pub fn get_alert(engine: &Engine, id: AlertId) -> Result<AlertDetail> {
    let store = engine.store();
    let row = store.get_alert(id)?;
    let article = store.get_article(row.article_id)?;
    let query = store.get_watchlist(row.watchlist_id)?.query;
    let story = match row.story_id {
        Some(sid) => store
            .story_articles(sid)?
            .into_iter()
            .map(|a| StoryMember {
                article_id: a.id,
                source_name: a
                    .sources
                    .first()
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                title: a.title,
                url: a.url,
                lang: a.lang,
            })
            .collect(),
        None => Vec::new(),
    };
    let spans = row.spans.clone();
    let article = with_snapshot(&store, article_view(&article))?;
    Ok(AlertDetail {
        alert: alert_view(row),
        article,
        query,
        spans,
        story,
    })
}

/// Triage. Saving also captures the article's page as evidence (see
/// `evidence::save_alert`); a page that cannot be fetched keeps the feed
/// text and records why.
pub async fn set_alert_state(engine: &Engine, id: AlertId, state: AlertState) -> Result<()> {
    if state == AlertState::Saved {
        crate::evidence::save_alert(engine, id).await?;
        return Ok(());
    }
    Ok(engine.store().set_alert_state(id, state, engine.now())?)
}

/// Saves an alert (capturing its page as evidence) or takes it out of
/// Saved; the triage state is left as it is.
pub async fn set_alert_saved(engine: &Engine, id: AlertId, saved: bool) -> Result<()> {
    if saved {
        return set_alert_state(engine, id, AlertState::Saved).await;
    }
    Ok(engine.store().unsave_alert(id)?)
}

/// Undo: puts an alert's state, saved flag, note and tags back exactly.
pub fn restore_alert(engine: &Engine, id: AlertId, t: AlertTriageInput) -> Result<()> {
    Ok(engine.store().restore_alert(
        id,
        &outpost_store::AlertTriage {
            state: t.state,
            saved: t.saved,
            note: t.note,
            tags: t.tags,
        },
    )?)
}

pub fn search(engine: &Engine, req: SearchRequest) -> Result<Vec<SearchHitView>> {
    let q = outpost_core::SearchQuery {
        text: req.text,
        sources: req.source_id.into_iter().collect(),
        langs: req.lang.into_iter().filter(|l| !l.is_empty()).collect(),
        since: parse_optional(req.since.as_deref(), Bound::Since)?,
        until: parse_optional(req.until.as_deref(), Bound::Until)?,
        limit: if req.limit == 0 { 50 } else { req.limit },
        offset: 0,
        order: req.order,
    };
    Ok(engine
        .reader()
        .search(&q)?
        .into_iter()
        .map(|h| SearchHitView {
            article_id: h.article_id,
            title: h.title,
            source_name: h.source_name.unwrap_or_default(),
            url: h.url,
            published: h.published.map(rfc3339),
            lang: h.lang,
            snippet: h.snippet,
        })
        .collect())
}

pub fn backup(engine: &Engine, path: &Path) -> Result<()> {
    Ok(engine.store().backup_to(path)?)
}

/// Swaps `src` for `data-src` on every image (and drops `srcset`), so the
/// reader shows no remote image until the analyst asks: a remote image
/// tells its host the analyst's address and that the article was read.
pub fn defer_images(html: &str) -> String {
    use lol_html::{RewriteStrSettings, element, rewrite_str};
    let settings = RewriteStrSettings::new().append_element_content_handler(element!(
        "img[src], img[srcset], source[srcset]",
        |el| {
            if let Some(src) = el.get_attribute("src") {
                el.remove_attribute("src");
                el.set_attribute("data-src", &src)?;
            }
            el.remove_attribute("srcset");
            Ok(())
        }
    ));
    rewrite_str(html, settings).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_deferred() {
        let out = defer_images(
            r#"<p>Hi</p><img src="https://cdn.example/a.jpg" alt="a" srcset="https://cdn.example/b.jpg 2x">"#,
        );
        assert_eq!(
            out,
            r#"<p>Hi</p><img alt="a" data-src="https://cdn.example/a.jpg">"#
        );
    }

    #[test]
    fn query_check_reports_the_column() {
        let bad = check_query(r#"border AND ("Tajik"#);
        assert!(!bad.ok);
        assert!(bad.column.is_some());
        let good = check_query("border");
        assert!(good.ok && good.canonical.is_some());
    }
}
