//! Domain nouns shared by every crate: sources, articles, watchlists, alerts.
//!
//! Only the small value types that appear unchanged inside the UI's payloads
//! (severity, alert state, source kind, match spans, search order) derive
//! `TS`; the records do not. The payload types live in `outpost_engine::api`,
//! whose TypeScript declarations are generated into `ui/src/lib/bindings.ts`
//! and checked by a test in `outpost-engine` (see ARCHITECTURE.md).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub type SourceId = i64;
pub type ArticleId = i64;
pub type WatchlistId = i64;
pub type AlertId = i64;
pub type StoryId = i64;

/// How urgent a watchlist's matches are. Ordered: `Low < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Self::Low, Self::Medium, Self::High, Self::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownValue::new("severity", s, "low, medium, high, critical"))
    }
}

/// The analyst's triage state of an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum AlertState {
    New,
    Read,
    Saved,
    Dismissed,
}

impl AlertState {
    pub const ALL: [AlertState; 4] = [Self::New, Self::Read, Self::Saved, Self::Dismissed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Read => "read",
            Self::Saved => "saved",
            Self::Dismissed => "dismissed",
        }
    }
}

impl fmt::Display for AlertState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AlertState {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownValue::new("alert state", s, "new, read, saved, dismissed"))
    }
}

/// What a source is and therefore which reader turns its response into
/// entries: feeds, web pages read with CSS selectors, public Telegram
/// channels through their web preview, and GDELT DOC queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Feed,
    Page,
    Telegram,
    Gdelt,
}

impl SourceKind {
    pub const ALL: [SourceKind; 4] = [Self::Feed, Self::Page, Self::Telegram, Self::Gdelt];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Feed => "feed",
            Self::Page => "page",
            Self::Telegram => "telegram",
            Self::Gdelt => "gdelt",
        }
    }
}

impl FromStr for SourceKind {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownValue::new("source kind", s, "feed, page, telegram, gdelt"))
    }
}

/// The CSS selectors that turn a web page without a feed into items.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PageSelectors {
    /// One match per item (a repeated element of the list).
    pub item: String,
    /// Within an item: its title.
    pub title: String,
    /// Within an item: the element whose `href` (or whose first `<a>`'s)
    /// is the item's link, and its identity.
    pub link: String,
    #[serde(default)]
    pub date: Option<String>,
    /// A strftime format for the date, when it is none of the usual forms.
    #[serde(default)]
    pub date_format: Option<String>,
    /// IANA zone of dates written without one (default UTC).
    #[serde(default)]
    pub tz: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
}

/// What a source of a kind other than a feed needs besides its URL. Stored
/// as JSON with the source, so a new setting needs no migration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SourceSettings {
    /// For `page` sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<PageSelectors>,
    /// For `gdelt` sources: the DOC API query (the URL is the endpoint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gdelt_query: Option<String>,
    /// Where the source's address came from, for sources of the default
    /// packs that no poll has confirmed yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<String>,
}

impl SourceSettings {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Which part of an article a match span lies in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Title,
    Body,
}

/// A byte range of an article's original (not normalised) title or body that
/// made a watchlist match; used for highlighting and "why did this fire".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct Span {
    pub field: Field,
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The watchlist term this text matched through one of its spelling
    /// variants (`khorog` for the text `Хороге`); absent when the text is
    /// the term as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub term: Option<String>,
}

/// A parse error of a user-typed value (`--severity urgent`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{got}': expected one of {expected}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub got: String,
    pub expected: &'static str,
}

impl UnknownValue {
    pub fn new(what: &'static str, got: &str, expected: &'static str) -> Self {
        Self {
            what,
            got: got.to_string(),
            expected,
        }
    }
}

/// Instants are UTC everywhere in Outpost; local time exists only in the UI.
pub type Timestamp = DateTime<Utc>;

// ---------------------------------------------------------------------------
// Archive records: what the store returns and the engine works on. They
// carry no TypeScript concerns: the UI sees the payload types of
// `outpost_engine::api`, which convert from these.
// ---------------------------------------------------------------------------

/// A source as the analyst adds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSource {
    pub kind: SourceKind,
    /// Settings of the kind (selectors of a page, a GDELT query).
    #[serde(default)]
    pub settings: SourceSettings,
    pub url: String,
    pub name: String,
    /// Poll interval; the scheduler adds jitter.
    pub interval_secs: u32,
    pub lang: Option<String>,
    pub country: Option<String>,
    pub folder: Option<String>,
    pub tags: Vec<String>,
}

/// A partial edit of a source: `None` leaves a field as it is; for the
/// nullable fields `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourcePatch {
    pub name: Option<String>,
    pub interval_secs: Option<u32>,
    pub lang: Option<Option<String>>,
    pub country: Option<Option<String>>,
    pub folder: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub settings: Option<SourceSettings>,
}

/// How a source's polling has been going, for the Sources page and the
/// scheduler (conditional GET validators and backoff state live here too).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceHealth {
    pub last_fetch_at: Option<Timestamp>,
    pub last_success_at: Option<Timestamp>,
    pub last_error: Option<String>,
    /// HTTP status of the last response, if there was one.
    pub last_status: Option<u16>,
    pub consecutive_failures: u32,
    pub next_fetch_at: Option<Timestamp>,
    /// Items seen in all successful fetches together.
    pub items_seen: u64,
    /// Mean latency of recent fetches (an exponential moving average).
    pub avg_latency_ms: Option<u32>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// The scheduler's current interval for the source (before jitter)
    /// and why (`schedule::Reason` in words), from its last check.
    pub check_every_secs: Option<u32>,
    pub check_reason: Option<String>,
}

/// A configured source with its health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub id: SourceId,
    pub kind: SourceKind,
    pub settings: SourceSettings,
    pub url: String,
    pub name: String,
    /// The analyst's interval when `interval_fixed`; otherwise the plain
    /// schedule's, which the request budget counts (the scheduler learns
    /// the source's own, see `schedule`).
    pub interval_secs: u32,
    /// The analyst chose `interval_secs`; the scheduler keeps to it.
    pub interval_fixed: bool,
    /// Checked at its politeness floor while it is active.
    pub priority: bool,
    pub lang: Option<String>,
    pub country: Option<String>,
    pub folder: Option<String>,
    pub tags: Vec<String>,
    pub enabled: bool,
    /// Why the source was disabled (by the analyst, or "410 Gone").
    pub disabled_reason: Option<String>,
    pub created_at: Timestamp,
    pub health: SourceHealth,
}

/// One source an article was seen in, with that source's GUID for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSource {
    pub source_id: SourceId,
    pub name: String,
    pub guid: Option<String>,
    pub first_seen: Timestamp,
}

/// What a source of some kind says about an article besides its text.
/// Stored as JSON with the article, so a new field needs no migration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleExtra {
    /// A Telegram post's "Forwarded from".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarded_from: Option<String>,
    /// A Telegram post's views label as shown ("12.5K").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub views: Option<String>,
    /// The outlet behind an aggregator's item ("example.com via GDELT").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
}

impl ArticleExtra {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// An archived article. `text` is the plain text the matcher and the index
/// see; `content_html` is the feed's HTML as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub id: ArticleId,
    /// The URL as the feed gave it.
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    pub title: String,
    pub summary: String,
    pub content_html: String,
    pub text: String,
    pub lang: Option<String>,
    pub published: Option<Timestamp>,
    /// When Outpost first stored it.
    pub fetched_at: Timestamp,
    /// When a later fetch changed its title, summary or text.
    pub updated_at: Option<Timestamp>,
    pub authors: Vec<String>,
    /// Kind-specific facts (forwarded-from, views, outlet).
    pub extra: ArticleExtra,
    /// SHA-256 (hex) of the normalised title and summary.
    pub content_hash: String,
    pub story_id: Option<StoryId>,
    /// Saved by the analyst (directly or through a saved alert).
    pub saved: bool,
    pub sources: Vec<ArticleSource>,
}

/// A watchlist as the analyst creates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWatchlist {
    pub name: String,
    pub query: String,
    pub severity: Severity,
    /// Whether new alerts raise a desktop notification.
    pub notify: bool,
    /// Only these sources (empty: all).
    pub scope_sources: Vec<SourceId>,
    /// Only these languages (empty: all).
    pub scope_langs: Vec<String>,
    pub color: Option<String>,
}

/// A partial edit of a watchlist; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchlistPatch {
    pub name: Option<String>,
    pub query: Option<String>,
    pub severity: Option<Severity>,
    pub notify: Option<bool>,
    pub enabled: Option<bool>,
    pub scope_sources: Option<Vec<SourceId>>,
    pub scope_langs: Option<Vec<String>>,
    pub color: Option<Option<String>>,
    /// Normalised spelling variants not to match (see [`crate::variants`]).
    #[serde(default)]
    pub dropped_variants: Option<Vec<String>>,
    /// Independent sources an alert's story needs before it notifies.
    #[serde(default)]
    pub min_sources: Option<u32>,
    /// Whether a critical watchlist notifies without waiting for them.
    #[serde(default)]
    pub gate_bypass_critical: Option<bool>,
}

/// A stored watchlist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watchlist {
    pub id: WatchlistId,
    pub name: String,
    pub query: String,
    pub severity: Severity,
    pub notify: bool,
    pub enabled: bool,
    pub scope_sources: Vec<SourceId>,
    pub scope_langs: Vec<String>,
    pub color: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Normalised spelling variants the analyst dropped: not matched.
    #[serde(default)]
    pub dropped_variants: Vec<String>,
    /// The corroboration gate: how many independent sources (outlets, by
    /// registrable domain or Telegram channel) an alert's story needs
    /// before the watchlist notifies; 1 notifies at once.
    #[serde(default = "one")]
    pub min_sources: u32,
    /// Whether a critical watchlist notifies without waiting for the gate.
    #[serde(default)]
    pub gate_bypass_critical: bool,
}

fn one() -> u32 {
    1
}

impl Watchlist {
    /// Whether an article from `sources` in language `lang` is in the
    /// watchlist's scope: the one definition, used by polling and backfill
    /// alike. An empty scope takes everything; a scope language takes its
    /// regional variants (`fa` takes `fa-AF` and `fa_AF`), by the same rule
    /// as the query language's `lang:`.
    pub fn in_scope(&self, sources: &[SourceId], lang: Option<&str>) -> bool {
        let source_ok =
            self.scope_sources.is_empty() || sources.iter().any(|s| self.scope_sources.contains(s));
        let lang_ok = self.scope_langs.is_empty()
            || self.scope_langs.iter().any(|code| {
                let code = code.trim().to_ascii_lowercase().replace('_', "-");
                crate::matcher::lang_matches(&code, lang)
            });
        source_ok && lang_ok
    }
}

/// Which alerts to list. Empty fields do not filter; `limit` 0 means the
/// store's default page size.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertFilter {
    pub watchlist: Option<WatchlistId>,
    pub state: Option<AlertState>,
    /// Exactly this severity.
    pub severity: Option<Severity>,
    pub source: Option<SourceId>,
    pub lang: Option<String>,
    /// Alert creation time bounds, inclusive.
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    pub limit: u32,
    pub offset: u32,
}

/// An alert joined with what the alert list shows about its article,
/// watchlist and story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRow {
    pub id: AlertId,
    pub watchlist_id: WatchlistId,
    pub watchlist_name: String,
    pub severity: Severity,
    pub color: Option<String>,
    pub article_id: ArticleId,
    pub title: String,
    pub url: Option<String>,
    /// The first source the article came from.
    pub source_id: Option<SourceId>,
    pub source_name: Option<String>,
    pub lang: Option<String>,
    pub published: Option<Timestamp>,
    pub fetched_at: Timestamp,
    pub created_at: Timestamp,
    pub state: AlertState,
    pub note: Option<String>,
    pub tags: Vec<String>,
    pub spans: Vec<Span>,
    pub story_id: Option<StoryId>,
    /// How many distinct sources reported the alert's story (1 without one).
    pub story_sources: u32,
    /// How many spans the match had; at most the first 100 are stored, and
    /// lists leave `spans` empty.
    pub span_count: u32,
    /// In Saved, whatever the triage state (dismissing keeps it there).
    pub saved: bool,
}

/// Full-text search order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum SearchOrder {
    /// Best match first (bm25, title weighted), among the most recent
    /// matches; see `outpost_store::search` for the bound.
    #[default]
    Ranked,
    /// Most recently archived first.
    Newest,
}

/// A full-text search of the archive. `text` uses the search syntax: words,
/// "phrases", prefix*, `A NEAR/5 B`, `OR`, `NOT`/`-`, `( … )`, `title:`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    pub text: String,
    pub sources: Vec<SourceId>,
    pub langs: Vec<String>,
    /// Bounds on the publication time (fetch time when unknown), inclusive.
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// 0 means the default page size.
    pub limit: u32,
    pub offset: u32,
    pub order: SearchOrder,
}

/// One search result. `title_html` and `snippet` are HTML: the matched words
/// are wrapped in `<mark>…</mark>` and everything else is escaped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub article_id: ArticleId,
    pub title: String,
    pub title_html: String,
    pub source_name: Option<String>,
    pub url: Option<String>,
    pub published: Option<Timestamp>,
    pub fetched_at: Timestamp,
    pub lang: Option<String>,
    pub snippet: String,
}

/// A saved copy of an article's page (issue 8), kept as evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub final_url: Option<String>,
    pub fetched_at: Timestamp,
    pub html: Option<String>,
    pub text: Option<String>,
    /// SHA-256 (hex) of what was fetched.
    pub sha256: Option<String>,
    /// Why the snapshot could not be taken, if it could not.
    pub error: Option<String>,
}

/// Counts for the status bar and `outpost` summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub sources: u64,
    pub articles: u64,
    pub watchlists: u64,
    pub alerts: u64,
    /// Unread stories: what the alert list shows as unread rows. A story
    /// (several outlets, several watchlists) with any alert still `new`
    /// counts once; an alert outside any story counts on its own. The
    /// badge, the header, the status bar and the tray all show this one
    /// unit (issue 16: they showed alerts while the list showed stories, so
    /// "9 unread" fell to "3" when one story of seven alerts was read).
    pub unread: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Critical > Severity::High);
        assert_eq!("HIGH".parse::<Severity>().unwrap(), Severity::High);
        let err = "urgent".parse::<Severity>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown severity 'urgent': expected one of low, medium, high, critical"
        );
    }

    #[test]
    fn alert_state_round_trips_through_serde() {
        for s in AlertState::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(s.as_str().parse::<AlertState>().unwrap(), s);
        }
    }

    // Issue 12, item 4: watchlist scope was defined in three places with
    // different language rules (`fa_AF` and ` FA ` fell out of a `fa` scope
    // while polling but not in a `lang:fa` query).
    #[test]
    fn scope_takes_sources_and_regional_variants_of_languages() {
        let t = DateTime::<Utc>::default();
        let w = Watchlist {
            id: 1,
            name: "W".into(),
            query: "x".into(),
            severity: Severity::Low,
            notify: false,
            enabled: true,
            scope_sources: vec![7, 9],
            scope_langs: vec!["FA".into(), "ru".into()],
            color: None,
            created_at: t,
            updated_at: t,
            dropped_variants: vec![],
            min_sources: 1,
            gate_bypass_critical: false,
        };
        for lang in ["fa", "fa-AF", "fa_AF", " FA ", "ru"] {
            assert!(w.in_scope(&[3, 9], Some(lang)), "{lang}");
        }
        for lang in [Some("far"), Some("en"), None] {
            assert!(!w.in_scope(&[9], lang), "{lang:?}");
        }
        assert!(!w.in_scope(&[3], Some("fa")), "a source outside the scope");
        let open = Watchlist {
            scope_sources: vec![],
            scope_langs: vec![],
            ..w
        };
        assert!(open.in_scope(&[], None), "an empty scope takes everything");
    }
}
