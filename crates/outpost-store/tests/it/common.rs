//! Shared fixtures.

use chrono::{Duration, TimeZone};
use outpost_store::{NewArticle, NewSource, SourceId, SourceKind, Store, Timestamp};

pub fn t0() -> Timestamp {
    chrono::Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap()
}

pub fn days(n: i64) -> Duration {
    Duration::days(n)
}

pub fn new_source(url: &str, name: &str) -> NewSource {
    NewSource {
        kind: SourceKind::Feed,
        settings: Default::default(),
        url: url.to_string(),
        name: name.to_string(),
        interval_secs: 600,
        lang: None,
        country: None,
        folder: None,
        tags: vec![],
    }
}

pub fn add_source(store: &Store, url: &str, name: &str) -> SourceId {
    store.add_source(&new_source(url, name), t0()).unwrap()
}

pub fn article(guid: &str, url: &str, title: &str, summary: &str) -> NewArticle {
    NewArticle {
        guid: Some(guid.to_string()),
        url: Some(url.to_string()),
        title: title.to_string(),
        summary: summary.to_string(),
        content_html: format!("<p>{summary}</p>"),
        text: summary.to_string(),
        lang: Some("en".to_string()),
        published: Some(t0()),
        authors: vec![],
        extra: Default::default(),
    }
}

/// A file-backed store in a fresh temporary folder.
pub fn file_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("outpost.db")).unwrap();
    (dir, store)
}
