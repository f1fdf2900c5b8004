//! The payloads the UI sends and receives, and the use cases behind each
//! Tauri command. Every type here derives `TS`; `typescript_bindings()`
//! renders them into `ui/src/lib/bindings.ts`, and the `bindings` test fails
//! when that file is stale (`UPDATE_BINDINGS=1 cargo test -p outpost-engine
//! --test bindings` rewrites it).

use std::path::Path;

use outpost_core::matcher::Document;
use outpost_core::query::Query;
use outpost_core::{
    AlertId, AlertState, ArticleId, Field, PageSelectors, SearchOrder, Severity, SourceId,
    SourceKind, SourceSettings, Span, WatchlistId,
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

/// What the UI asks on start, on waking and every few seconds while it
/// shows: both answers cost a lock and a pragma, no query.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PollState {
    /// The poll in progress, or null when none runs: a progress bar the
    /// events left behind is cleared by it.
    pub progress: Option<PollProgress>,
    /// Moves whenever anything is committed to the archive, by this app
    /// or another process; the UI rereads `app_info` only when it moved.
    pub archive_version: i64,
    /// Polling is paused (from the window or the tray).
    pub polling_paused: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(rename = "Source")]
pub struct SourceView {
    pub id: SourceId,
    pub kind: SourceKind,
    pub settings: SourceSettings,
    pub url: String,
    pub name: String,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub interval_secs: u32,
    /// The analyst fixed `interval_secs`; otherwise the scheduler learns
    /// the source's rhythm.
    pub interval_fixed: bool,
    /// Checked at its floor while active.
    pub priority: bool,
    /// The scheduler's current interval (before jitter), once it has
    /// checked the source.
    pub check_every_secs: Option<u32>,
    /// Why that interval, in words: "publishes ~every 12 min", "quiet:
    /// every 2 h", "fixed by you", "backing off after 3 failures".
    pub check_reason: Option<String>,
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
    /// Where the feed says it moved for good, on another host: the source
    /// keeps polling its own address until the analyst accepts the move.
    pub pending_move: Option<String>,
    /// What is wrong with the source, each in a short sentence saying what
    /// to do (`crate::health`); `last_error` keeps the full error.
    pub health: Vec<crate::health::HealthNote>,
    /// From a pack and not yet polled successfully: its address is a
    /// candidate, not a confirmed feed.
    pub unverified: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewSourceInput {
    /// `feed` when absent.
    #[serde(default)]
    #[ts(optional)]
    pub kind: Option<SourceKind>,
    pub url: String,
    /// The kind's settings (a page's selectors, a GDELT query).
    #[serde(default)]
    #[ts(optional)]
    pub settings: Option<SourceSettings>,
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
    /// Normalised spelling variants the analyst dropped.
    pub dropped_variants: Vec<String>,
    /// Independent sources an alert's story needs before it notifies.
    pub min_sources: u32,
    /// Whether critical severity notifies without waiting for them.
    pub gate_bypass_critical: bool,
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
    /// Normalised spelling variants not to match.
    #[serde(default)]
    pub dropped_variants: Vec<String>,
    /// Independent sources before notifying (1: at once).
    #[serde(default = "one")]
    pub min_sources: u32,
    #[serde(default)]
    pub gate_bypass_critical: bool,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct QueryCheck {
    pub ok: bool,
    pub canonical: Option<String>,
    pub column: Option<u32>,
    pub message: Option<String>,
    /// Each term of the query with its spelling variants.
    pub terms: Vec<TermVariantsView>,
}

/// One term of a query and the spelling variants it also matches.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(rename = "TermVariants")]
pub struct TermVariantsView {
    pub term: String,
    pub prefix: bool,
    /// Written with `=`: matched only as written.
    pub exact: bool,
    pub variants: Vec<VariantView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(rename = "Variant")]
pub struct VariantView {
    /// Normalised, as matched.
    pub text: String,
    /// transliteration, tajik keyboard, gazetteer or case ending.
    pub kind: String,
    /// Counts only when the text also names a nearby place or the country.
    pub gated: bool,
}

impl From<outpost_core::query::TermVariants> for TermVariantsView {
    fn from(t: outpost_core::query::TermVariants) -> Self {
        Self {
            term: t.term,
            prefix: t.prefix,
            exact: t.exact,
            variants: t
                .variants
                .into_iter()
                .map(|v| VariantView {
                    text: v.text,
                    kind: v.kind.label().to_string(),
                    gated: v.gated,
                })
                .collect(),
        }
    }
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
    /// While the watchlist waits for more independent sources before it
    /// notifies: "awaiting confirmation (1 of 2)".
    pub awaiting_confirmation: Option<String>,
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
        PageSelectors::decl(&cfg),
        SourceSettings::decl(&cfg),
        crate::health::HealthNote::decl(&cfg),
        SourceView::decl(&cfg),
        NewSourceInput::decl(&cfg),
        SourceEdit::decl(&cfg),
        PagePreviewRequest::decl(&cfg),
        PagePreviewItem::decl(&cfg),
        PagePreview::decl(&cfg),
        ImportSummary::decl(&cfg),
        WatchlistView::decl(&cfg),
        WatchlistRemovalView::decl(&cfg),
        WatchlistInput::decl(&cfg),
        TermVariantsView::decl(&cfg),
        VariantView::decl(&cfg),
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
        PollState::decl(&cfg),
        ExportFormat::decl(&cfg),
        ExportRequest::decl(&cfg),
        ExportSummary::decl(&cfg),
        SourcePack::decl(&cfg),
        LangChoice::decl(&cfg),
        ExampleWatchlist::decl(&cfg),
        WelcomeOffer::decl(&cfg),
        WelcomeChoice::decl(&cfg),
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
//
// Each is a few lines over the engine; the Tauri commands call them.

mod alerts;
mod pages;
mod sources;
mod stories;
mod watchlists;
mod welcome;

pub use alerts::{
    alert_view, article_view, backup, defer_images, get_alert, get_article, list_alerts,
    restore_alert, search, set_alert_saved, set_alert_state,
};
pub(crate) use pages::PageCache;
pub use pages::{
    PagePreview, PagePreviewItem, PagePreviewRequest, add_source_pack, preview_page_source,
};
pub use sources::{
    accept_source_move, add_source, app_info, list_sources, source_view, update_source,
};
pub use stories::{join_stories, split_story_article};
pub use watchlists::{
    body_snippet, check_query, list_watchlists, preview_query, preview_query_without,
    save_watchlist,
};
pub use welcome::{
    ExampleWatchlist, LangChoice, SourcePack, WelcomeChoice, WelcomeOffer, apply_welcome, welcome,
};

/// See [`PollState`].
pub fn poll_state(engine: &Engine) -> Result<PollState> {
    Ok(PollState {
        progress: engine.poll_state(),
        archive_version: engine
            .watcher
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .data_version()?,
        polling_paused: engine.is_paused(),
    })
}

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub const DEFAULT_COLOR: &str = "#64748b";

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
