//! Moving sources and watchlists in and out: OPML for sources (what other
//! readers speak), a TOML file for watchlists (readable, diffable, easy to
//! share between analysts).

use std::path::Path;

use outpost_core::query::Query;
use outpost_core::{NewSource, NewWatchlist, Severity, SourceKind, SourceSettings};
use outpost_feeds::address::{normalize_feed_url, redact_url};
use outpost_feeds::opml::{OpmlEntry, check_folder, read_opml, write_opml};
use serde::{Deserialize, Serialize};

use crate::api::ImportSummary;
use crate::engine::{DEFAULT_INTERVAL_SECS, Engine};
use crate::error::{EngineError, Result};

fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| EngineError::Io {
        what: format!("cannot read the {what} {}", path.display()),
        source,
    })
}

/// Writes `contents` to `path` atomically: into a temporary file in the
/// same folder, synced, then renamed over `path`, so a full disk or a crash
/// leaves either the earlier file or the new one, never a truncated one,
/// and the temporary file is removed on error. An existing file is replaced
/// only with `force`. A symbolic link at `path` (dangling or not) is
/// refused: writing through it would put the file somewhere else. Every
/// user file Outpost writes (exports of articles, sources and watchlists)
/// goes through here.
pub fn write_new(path: &Path, contents: &[u8], force: bool) -> Result<()> {
    use std::io::Write as _;
    let io = |what: &str, source| EngineError::Io {
        what: format!("cannot {what} {}", path.display()),
        source,
    };
    check_target(path, force)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(|e| io("write", e))?;
    // On any error below `tmp` is dropped, which deletes the temporary file.
    tmp.write_all(contents).map_err(|e| io("write", e))?;
    tmp.as_file().sync_all().map_err(|e| io("write", e))?;
    if force {
        tmp.persist(path).map_err(|e| io("write", e.error))?;
    } else {
        // Refuses, atomically, a file that appeared meanwhile.
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                EngineError::FileExists {
                    path: path.display().to_string(),
                }
            } else {
                io("write", e.error)
            }
        })?;
    }
    // The rename is durable once the folder's entry is on disk.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Whether [`write_new`] may write `path`, checked before any work: not a
/// symbolic link, not a folder, and not an existing file without `force`.
pub fn check_target(path: &Path, force: bool) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(EngineError::invalid(format!(
            "{} is a symbolic link; Outpost does not write through links, so name the file itself or another path",
            path.display()
        ))),
        Ok(m) if m.is_dir() => Err(EngineError::invalid(format!(
            "{} is a folder; name a file to write to",
            path.display()
        ))),
        Ok(_) if !force => Err(EngineError::FileExists {
            path: path.display().to_string(),
        }),
        _ => Ok(()),
    }
}

/// Imports an OPML file; nested outlines become folders. Feeds already in
/// the archive are skipped. `progress(done, total)` is called per entry.
pub fn import_opml(
    engine: &Engine,
    path: &Path,
    mut progress: impl FnMut(usize, usize),
) -> Result<ImportSummary> {
    let bytes = read(path, "OPML file")?;
    let entries = read_opml(&bytes).map_err(|e| {
        EngineError::invalid(format!(
            "{} is not an OPML file Outpost can read: {e}",
            path.display()
        ))
    })?;
    let mut summary = ImportSummary::default();
    let total = entries.len();
    for (i, e) in entries.into_iter().enumerate() {
        let name = e
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| redact_url(&e.url).into_owned());
        match import_entry(engine, &e, name.clone()) {
            Ok(true) => summary.added += 1,
            Ok(false) => summary.skipped += 1,
            Err(msg) => summary.errors.push(format!("{name}: {msg}")),
        }
        progress(i + 1, total);
    }
    engine.wake();
    Ok(summary)
}

/// Adds one OPML entry; `Ok(false)` when the feed is already in the archive.
fn import_entry(engine: &Engine, e: &OpmlEntry, name: String) -> std::result::Result<bool, String> {
    // Normalised, so that a feed written two ways is found as one source.
    let url = normalize_feed_url(&e.url)
        .ok_or_else(|| format!("'{}' is not an http(s) feed address", redact_url(&e.url)))?;
    if let Some(folder) = &e.folder {
        check_folder(folder)?;
    }
    let kind = match e.kind.as_deref() {
        None => SourceKind::Feed,
        Some(k) => k
            .parse::<SourceKind>()
            .map_err(|err| format!("'{}': {err}; it was skipped", redact_url(&e.url)))?,
    };
    let settings: SourceSettings = match e.settings.as_deref() {
        None => SourceSettings::default(),
        Some(json) => serde_json::from_str(json).map_err(|err| {
            format!(
                "the settings of '{}' are not readable ({err}); it was skipped",
                redact_url(&e.url)
            )
        })?,
    };
    if kind == SourceKind::Page {
        let selectors = settings.page.as_ref().ok_or_else(|| {
            format!(
                "the page '{}' has no selectors; it was skipped",
                redact_url(&e.url)
            )
        })?;
        outpost_feeds::page::check(selectors)
            .map_err(|err| format!("{}: {err}", redact_url(&e.url)))?;
    }
    let new = NewSource {
        kind,
        settings,
        url,
        name,
        interval_secs: e
            .interval_secs
            .filter(|i| *i > 0)
            .unwrap_or(DEFAULT_INTERVAL_SECS),
        lang: e.language.clone(),
        country: None,
        folder: e.folder.clone().filter(|f| !f.is_empty()),
        tags: e.tags.clone(),
    };
    let id = match engine.add_source_unchecked(&new) {
        Ok(id) => id,
        Err(EngineError::Store(outpost_store::StoreError::SourceExists { .. })) => {
            return Ok(false);
        }
        Err(err) => return Err(err.to_string()),
    };
    if e.disabled {
        engine
            .store()
            .set_source_enabled(id, false, Some("disabled in the imported OPML file"))
            .map_err(|err| err.to_string())?;
    }
    Ok(true)
}

/// The source list as OPML, folders as nested outlines, with what other
/// readers have no attribute for in Outpost's own (see
/// `outpost_feeds::opml`). Credentials in an address are written as `***`:
/// an exported list is meant to be shared.
pub fn export_opml(engine: &Engine) -> Result<String> {
    let entries: Vec<OpmlEntry> = engine
        .store()
        .list_sources()?
        .into_iter()
        .map(|s| OpmlEntry {
            url: redact_url(&s.url).into_owned(),
            title: Some(s.name),
            html_url: None,
            folder: s.folder,
            interval_secs: Some(s.interval_secs),
            language: s.lang,
            tags: s.tags,
            disabled: !s.enabled,
            kind: (s.kind != SourceKind::Feed).then(|| s.kind.as_str().to_string()),
            settings: (!s.settings.is_empty())
                .then(|| serde_json::to_string(&s.settings).expect("settings serialise")),
        })
        .collect();
    write_opml("Outpost sources", &entries).map_err(|e| EngineError::invalid(e.to_string()))
}

/// One watchlist in the shared file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct WatchlistEntry {
    name: String,
    query: String,
    #[serde(default = "medium")]
    severity: Severity,
    #[serde(default = "yes")]
    notify: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    languages: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    color: Option<String>,
}

fn medium() -> Severity {
    Severity::Medium
}
fn yes() -> bool {
    true
}

#[derive(Debug, Serialize, Deserialize)]
struct WatchlistFile {
    #[serde(rename = "watchlist", default)]
    watchlists: Vec<WatchlistEntry>,
}

/// Watchlists as TOML. Source scopes are left out: source ids mean nothing
/// in another analyst's archive.
pub fn export_watchlists(engine: &Engine) -> Result<String> {
    let watchlists = engine
        .store()
        .list_watchlists()?
        .into_iter()
        .map(|w| WatchlistEntry {
            name: w.name,
            query: w.query,
            severity: w.severity,
            notify: w.notify,
            languages: w.scope_langs,
            color: w.color,
        })
        .collect();
    let body = toml::to_string_pretty(&WatchlistFile { watchlists })
        .map_err(|e| EngineError::invalid(e.to_string()))?;
    Ok(format!(
        "# Outpost watchlists. Import with `outpost watchlists import FILE` or the Watchlists page.\n\n{body}"
    ))
}

/// Imports watchlists; a name already present is skipped, an invalid query
/// is reported with its name and nothing of it is stored.
pub fn import_watchlists(engine: &Engine, path: &Path) -> Result<ImportSummary> {
    let bytes = read(path, "watchlist file")?;
    let text = String::from_utf8(bytes)
        .map_err(|_| EngineError::invalid(format!("{} is not UTF-8 text", path.display())))?;
    let file: WatchlistFile = toml::from_str(&text).map_err(|e| {
        EngineError::invalid(format!(
            "{} is not an Outpost watchlist file: {e}",
            path.display()
        ))
    })?;
    let mut summary = ImportSummary::default();
    for w in file.watchlists {
        if let Err(e) = Query::parse(&w.query) {
            summary.errors.push(format!("{}: {e}", w.name));
            continue;
        }
        let new = NewWatchlist {
            name: w.name.clone(),
            query: w.query,
            severity: w.severity,
            notify: w.notify,
            scope_sources: vec![],
            scope_langs: w.languages,
            color: w.color,
        };
        match engine.add_watchlist(&new) {
            Ok(_) => summary.added += 1,
            Err(EngineError::Store(outpost_store::StoreError::WatchlistExists { .. })) => {
                summary.skipped += 1
            }
            Err(e) => summary.errors.push(format!("{}: {e}", w.name)),
        }
    }
    Ok(summary)
}
