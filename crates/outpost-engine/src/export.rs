//! Export of saved articles and alert lists: CSV, JSON, Markdown and a
//! self-contained HTML report (issue 8).
//!
//! One row per article. The alerts selected for an article are folded into
//! its row: the watchlists they came from, the highest severity, the unique
//! matched terms (the text of their spans), their states, notes and tags.
//! An article saved without an alert (saved from search or the reader) has
//! a row with no watchlist and the state `saved`.
//!
//! Every row carries the text it vouches for and its SHA-256: the text of
//! the article's [`Snapshot`] and the hash stored with it when the page was
//! captured (see [`crate::evidence`]), or, for an article never captured,
//! its feed text ([`evidence::feed_text`]) and that text's hash. The
//! `hashed_text` column says which (`snapshot` or `feed`). The JSON export
//! holds the exact text, so `sha256(text) == sha256` can be checked from the
//! file alone.
//!
//! Formats:
//! * CSV: RFC 4180 (CRLF, quoted where needed), UTF-8 with a byte-order mark
//!   so Excel reads Cyrillic and Persian correctly. A cell that starts with
//!   `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`:
//!   feed text is untrusted, and a spreadsheet would run it as a formula.
//!   Lists are joined with `; `, notes with a line break.
//! * JSON: `{ exported_at, count, articles: [...] }`, lists as arrays.
//! * Markdown: a summary table and each article; every feed-provided string
//!   is escaped so it renders as the text it is.
//! * HTML: one file with an inline style sheet and nothing else: no script,
//!   no image, no remote resource (a Content-Security-Policy in the file says
//!   so to the browser too). Printable: each article starts a new page.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use chrono::SecondsFormat;
use minijinja::{AutoEscape, Environment};
use outpost_core::{
    AlertFilter, AlertId, AlertRow, AlertState, ArticleId, Severity, Timestamp, WatchlistId,
};
use serde::Serialize;

use crate::api::{ExportFormat, ExportRequest, ExportSummary};
use crate::engine::Engine;
use crate::error::{EngineError, Result};
use crate::evidence;

/// The UI's export: the path comes from the native save dialog, which has
/// already asked whether to replace an existing file, so the file is
/// replaced. `alert_ids: None` exports everything saved.
pub fn export_alerts(engine: &Engine, req: &ExportRequest) -> Result<ExportSummary> {
    let selection = match &req.alert_ids {
        Some(ids) => Selection::Alerts(ids.clone()),
        None => Selection::Filter(ExportFilter::saved()),
    };
    export_to_file(
        engine,
        &selection,
        req.format,
        Path::new(&req.path),
        true,
        |_, _| {},
    )
}

/// Which articles to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// These alerts, in this order (the UI's selection).
    Alerts(Vec<AlertId>),
    /// Alerts (and saved articles) matching a filter.
    Filter(ExportFilter),
}

/// The CLI's selection: the conditions combine (all must hold).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFilter {
    /// Only saved alerts; with no watchlist given, articles saved without
    /// an alert too.
    pub saved: bool,
    /// Only alerts of this watchlist.
    pub watchlist: Option<WatchlistId>,
    /// Only alerts raised at or after this time (articles saved without an
    /// alert: first stored at or after it).
    pub since: Option<Timestamp>,
}

impl ExportFilter {
    /// Everything saved.
    pub fn saved() -> Self {
        Self {
            saved: true,
            ..Self::default()
        }
    }
}

/// One exported article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportRow {
    pub article_id: ArticleId,
    pub alert_ids: Vec<AlertId>,
    pub title: String,
    /// Every source that carried the article, first seen first.
    pub sources: Vec<String>,
    pub url: Option<String>,
    /// RFC 3339, UTC.
    pub published: Option<String>,
    /// When Outpost first stored the article (RFC 3339, UTC).
    pub fetched: String,
    pub language: Option<String>,
    pub watchlists: Vec<String>,
    /// The highest severity among the article's selected alerts.
    pub severity: Option<Severity>,
    pub matched_terms: Vec<String>,
    /// The selected alerts' states, or `saved` for an article saved alone.
    pub state: Vec<AlertState>,
    pub notes: Vec<String>,
    pub tags: Vec<String>,
    /// Lowercase hex SHA-256 of `text` (UTF-8).
    pub sha256: String,
    /// `snapshot` (the captured page) or `feed` (the feed's own text).
    pub hashed_text: HashedText,
    /// The text the hash is of.
    pub text: String,
    /// The captured page, if the article has a snapshot.
    pub snapshot: Option<SnapshotInfo>,
}

/// Which text an export row's hash covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HashedText {
    Snapshot,
    Feed,
}

impl HashedText {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Snapshot => "snapshot",
            Self::Feed => "feed",
        }
    }
}

/// Where and when the page was captured, and why not, if it was not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotInfo {
    pub final_url: Option<String>,
    pub fetched_at: String,
    pub error: Option<String>,
}

/// Collects the selected rows and writes them to `path` in `format`. An
/// existing file is replaced only with `force` (otherwise
/// [`EngineError::FileExists`], before any work). `progress(done, total)`
/// is called as articles are read.
pub fn export_to_file(
    engine: &Engine,
    selection: &Selection,
    format: ExportFormat,
    path: &Path,
    force: bool,
    progress: impl FnMut(usize, usize),
) -> Result<ExportSummary> {
    if path.as_os_str().is_empty() {
        return Err(EngineError::invalid(
            "no file to export to; choose a file name",
        ));
    }
    crate::transfer::check_target(path, force)?;
    let rows = collect(engine, selection, progress)?;
    let bytes = render(&rows, format, engine.now())?;
    crate::transfer::write_new(path, &bytes, force)?;
    Ok(ExportSummary {
        count: rows.len() as u32,
        path: path.display().to_string(),
    })
}

/// The rows of a selection, in its order (alerts newest first for a
/// filter, then articles saved without an alert, most recently saved first).
pub fn collect(
    engine: &Engine,
    selection: &Selection,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<ExportRow>> {
    let mut groups: Vec<(ArticleId, Vec<AlertRow>)> = Vec::new();
    let mut index: HashMap<ArticleId, usize> = HashMap::new();
    let mut add = |article: ArticleId, alert: Option<AlertRow>| {
        let i = *index.entry(article).or_insert_with(|| {
            groups.push((article, Vec::new()));
            groups.len() - 1
        });
        if let Some(a) = alert
            && !groups[i].1.iter().any(|b| b.id == a.id)
        {
            groups[i].1.push(a);
        }
    };
    match selection {
        Selection::Alerts(ids) => {
            for &id in ids {
                let alert = engine.store().get_alert(id)?;
                add(alert.article_id, Some(alert));
            }
        }
        Selection::Filter(f) => {
            const PAGE: u32 = 1000;
            let mut filter = AlertFilter {
                watchlist: f.watchlist,
                state: f.saved.then_some(AlertState::Saved),
                since: f.since,
                limit: PAGE,
                ..AlertFilter::default()
            };
            loop {
                let page = engine.store().list_alerts_with_spans(&filter)?;
                let n = page.len() as u32;
                for a in page {
                    add(a.article_id, Some(a));
                }
                if n < PAGE {
                    break;
                }
                filter.offset += PAGE;
            }
            if f.saved && f.watchlist.is_none() {
                let mut offset = 0;
                loop {
                    let page = engine.store().list_saved(PAGE, offset)?;
                    let n = page.len() as u32;
                    for a in page
                        .into_iter()
                        .filter(|a| f.since.is_none_or(|s| a.fetched_at >= s))
                    {
                        add(a.id, None);
                    }
                    if n < PAGE {
                        break;
                    }
                    offset += PAGE;
                }
            }
        }
    }
    let total = groups.len();
    let mut rows = Vec::with_capacity(total);
    for (i, (article_id, alerts)) in groups.into_iter().enumerate() {
        rows.push(row(engine, article_id, &alerts)?);
        progress(i + 1, total);
    }
    Ok(rows)
}

fn rfc3339(t: Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn row(engine: &Engine, article_id: ArticleId, alerts: &[AlertRow]) -> Result<ExportRow> {
    let (article, snapshot) = {
        let store = engine.store();
        (
            store.get_article(article_id)?,
            store.get_snapshot(article_id)?,
        )
    };
    let (text, sha256, hashed_text) = match snapshot
        .as_ref()
        .and_then(|s| s.text.clone().map(|t| (t, s.sha256.clone())))
    {
        Some((text, stored)) => {
            let sha = stored.unwrap_or_else(|| evidence::text_sha256(&text));
            (text, sha, HashedText::Snapshot)
        }
        None => {
            let text = evidence::feed_text(&article);
            let sha = evidence::text_sha256(&text);
            (text, sha, HashedText::Feed)
        }
    };
    let mut watchlists = Vec::new();
    let mut terms = Vec::new();
    let mut states = Vec::new();
    let mut notes = Vec::new();
    let mut tags = BTreeSet::new();
    for a in alerts {
        push_unique(&mut watchlists, a.watchlist_name.clone());
        for s in &a.spans {
            push_unique(&mut terms, s.text.trim().to_string());
        }
        if !states.contains(&a.state) {
            states.push(a.state);
        }
        if let Some(n) = a.note.as_ref().filter(|n| !n.trim().is_empty()) {
            push_unique(&mut notes, n.clone());
        }
        tags.extend(a.tags.iter().cloned());
    }
    terms.retain(|t| !t.is_empty());
    if alerts.is_empty() && article.saved {
        states.push(AlertState::Saved);
    }
    let mut sources = Vec::new();
    for s in &article.sources {
        push_unique(&mut sources, s.name.clone());
    }
    Ok(ExportRow {
        article_id,
        alert_ids: alerts.iter().map(|a| a.id).collect(),
        title: article.title.clone(),
        sources,
        url: article.url.clone().or(article.canonical_url.clone()),
        published: article.published.map(rfc3339),
        fetched: rfc3339(article.fetched_at),
        language: article.lang.clone(),
        watchlists,
        severity: alerts.iter().map(|a| a.severity).max(),
        matched_terms: terms,
        state: states,
        notes,
        tags: tags.into_iter().collect(),
        sha256,
        hashed_text,
        text,
        snapshot: snapshot.map(|s| SnapshotInfo {
            final_url: s.final_url,
            fetched_at: rfc3339(s.fetched_at),
            error: s.error,
        }),
    })
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

mod render;

pub use render::{CSV_COLUMNS, UTF8_BOM, defuse_formula, markdown_escape, render};
