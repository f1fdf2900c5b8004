//! Sources, health, the fetch log, removal, settings and backup.

use chrono::Duration;
use outpost_store::{FetchRecord, SearchQuery, SourcePatch, Store, StoreError};

use crate::common::*;

#[test]
fn duplicate_source_url_is_a_typed_error() {
    let store = Store::open_in_memory().unwrap();
    let id = add_source(&store, "https://a.example/rss", "A");
    let err = store
        .add_source(&new_source("https://a.example/rss", "again"), t0())
        .unwrap_err();
    assert!(matches!(err, StoreError::SourceExists { id: found, .. } if found == id));
    assert_eq!(err.code(), "store.source_exists");
    let other = add_source(&store, "https://b.example/rss", "B");
    assert!(matches!(
        store.set_source_url(other, "https://a.example/rss"),
        Err(StoreError::SourceExists { .. })
    ));
}

/// Sources beyond feeds: a page's selectors and a kind survive the round
/// trip through the archive, and an edit of other fields keeps them.
#[test]
fn kind_and_settings_round_trip() {
    use outpost_store::{PageSelectors, SourceKind, SourceSettings};
    let store = Store::open_in_memory().unwrap();
    let settings = SourceSettings {
        page: Some(PageSelectors {
            item: "article.news".into(),
            title: "h2".into(),
            link: "a".into(),
            tz: Some("Asia/Dushanbe".into()),
            ..PageSelectors::default()
        }),
        ..SourceSettings::default()
    };
    let id = store
        .add_source(
            &outpost_store::NewSource {
                kind: SourceKind::Page,
                settings: settings.clone(),
                ..new_source("https://khovar.example/news", "Khovar")
            },
            t0(),
        )
        .unwrap();
    let got = store.get_source(id).unwrap();
    assert_eq!((got.kind, &got.settings), (SourceKind::Page, &settings));
    let edited = store
        .update_source(
            id,
            &SourcePatch {
                name: Some("Khovar (tg)".into()),
                ..SourcePatch::default()
            },
        )
        .unwrap();
    assert_eq!(edited.settings, settings);
    // A plain feed stores no settings.
    let feed = add_source(&store, "https://a.example/rss", "A");
    assert!(store.get_source(feed).unwrap().settings.is_empty());
}

#[test]
fn health_follows_fetches_and_due_sources_respect_schedule() {
    let store = Store::open_in_memory().unwrap();
    let id = add_source(&store, "https://a.example/rss", "A");
    assert_eq!(
        store.due_sources(t0()).unwrap().len(),
        1,
        "a new source is due at once"
    );

    let ok = FetchRecord {
        at: t0(),
        ok: true,
        latency_ms: Some(100),
        items: 20,
        new_items: 20,
        etag: Some("\"v1\"".into()),
        last_modified: Some("Sun, 01 Nov 2026 08:00:00 GMT".into()),
        next_fetch_at: Some(t0() + Duration::minutes(10)),
        status: Some(200),
        error: None,
        retry_after: None,
    };
    store.record_fetch(id, &ok).unwrap();
    let fail = FetchRecord {
        at: t0() + Duration::minutes(10),
        ok: false,
        error: Some("connection refused".into()),
        latency_ms: Some(200),
        next_fetch_at: Some(t0() + Duration::minutes(30)),
        ..FetchRecord::default()
    };
    store.record_fetch(id, &fail).unwrap();
    store
        .record_fetch(
            id,
            &FetchRecord {
                at: t0() + Duration::minutes(30),
                ..fail.clone()
            },
        )
        .unwrap();

    let s = store.get_source(id).unwrap();
    let h = &s.health;
    assert_eq!(h.last_success_at, Some(t0()));
    assert_eq!(h.last_fetch_at, Some(t0() + Duration::minutes(30)));
    assert_eq!(h.last_error.as_deref(), Some("connection refused"));
    assert_eq!(h.consecutive_failures, 2);
    assert_eq!(h.items_seen, 20);
    assert_eq!(
        h.etag.as_deref(),
        Some("\"v1\""),
        "failures keep the validators"
    );
    assert_eq!(h.avg_latency_ms, Some(((100 * 4 + 200) / 5 * 4 + 200) / 5));
    assert_eq!(
        store
            .due_sources(t0() + Duration::minutes(29))
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        store
            .due_sources(t0() + Duration::minutes(30))
            .unwrap()
            .len(),
        1
    );

    let log = store.fetch_log(id, 10).unwrap();
    assert_eq!(log.len(), 3);
    assert!(!log[0].ok);
    assert_eq!(log[2].items, 20);

    store
        .record_fetch(
            id,
            &FetchRecord {
                at: t0() + Duration::hours(1),
                ..ok
            },
        )
        .unwrap();
    assert_eq!(store.get_source(id).unwrap().health.consecutive_failures, 0);
    assert_eq!(store.get_source(id).unwrap().health.last_error, None);
}

#[test]
fn disable_patch_and_redirect() {
    let store = Store::open_in_memory().unwrap();
    let id = add_source(&store, "https://a.example/rss", "A");
    store
        .set_source_enabled(id, false, Some("410 Gone"))
        .unwrap();
    let s = store.get_source(id).unwrap();
    assert!(!s.enabled);
    assert_eq!(s.disabled_reason.as_deref(), Some("410 Gone"));
    assert!(store.due_sources(t0()).unwrap().is_empty());
    store.set_source_enabled(id, true, None).unwrap();
    assert_eq!(store.get_source(id).unwrap().disabled_reason, None);

    store
        .set_source_url(id, "https://a.example/feed.xml")
        .unwrap();
    let patched = store
        .update_source(
            id,
            &SourcePatch {
                name: Some("Asia-Plus".into()),
                folder: Some(Some("Tajikistan".into())),
                tags: Some(vec!["tj".into()]),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(patched.url, "https://a.example/feed.xml");
    assert_eq!(patched.name, "Asia-Plus");
    assert_eq!(patched.folder.as_deref(), Some("Tajikistan"));
    assert_eq!(patched.tags, ["tj"]);
    assert_eq!(patched.interval_secs, 600);
}

#[test]
fn removing_a_source_keeps_shared_alerted_and_saved_articles() {
    let store = Store::open_in_memory().unwrap();
    let a = add_source(&store, "https://a.example/rss", "Gone outlet");
    let b = add_source(&store, "https://b.example/rss", "B");
    let ids: Vec<i64> = store
        .ingest(
            a,
            &[
                article("1", "https://a.example/1", "only in a", ""),
                article("2", "https://a.example/2", "shared with b", ""),
                article("3", "https://a.example/3", "saved from a", ""),
            ],
            t0(),
        )
        .unwrap()
        .iter()
        .map(|i| i.article_id)
        .collect();
    store
        .ingest(
            b,
            &[article("x", "https://a.example/2", "shared with b", "")],
            t0(),
        )
        .unwrap();
    store.set_article_saved(ids[2], true, t0()).unwrap();

    assert_eq!(store.remove_source(a, t0()).unwrap(), 1);
    assert!(store.get_article(ids[0]).is_err());
    assert!(store.get_article(ids[1]).is_ok());
    let saved = store.get_article(ids[2]).unwrap();
    assert_eq!(
        saved.sources[0].name, "Gone outlet",
        "kept articles still name their source"
    );
    assert!(matches!(
        store.get_source(a),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.list_sources().unwrap().len(), 1);
    // The URL is free again.
    add_source(&store, "https://a.example/rss", "A again");
    assert!(
        store
            .search(&SearchQuery {
                text: "only".into(),
                ..Default::default()
            })
            .unwrap()
            .is_empty()
    );
}

#[test]
fn settings_and_first_run_flag() {
    let (dir, store) = file_store();
    assert!(!store.is_seeded().unwrap());
    store.mark_seeded().unwrap();
    store.set_setting("theme", "dark").unwrap();
    store.set_setting("theme", "light").unwrap();
    drop(store);
    let store = Store::open(dir.path().join("outpost.db")).unwrap();
    assert!(store.is_seeded().unwrap());
    assert_eq!(
        store.get_setting("theme").unwrap().as_deref(),
        Some("light")
    );
    assert_eq!(store.get_setting("missing").unwrap(), None);
}

#[test]
fn backup_is_a_consistent_copy_while_another_connection_writes() {
    let (dir, store) = file_store();
    let s = add_source(&store, "https://a.example/rss", "A");
    store
        .ingest(
            s,
            &[article("1", "https://a.example/1", "Border item", "")],
            t0(),
        )
        .unwrap();

    // A second connection, as the app would hold, writes while we back up.
    let writer = Store::open(dir.path().join("outpost.db")).unwrap();
    let handle = std::thread::spawn(move || {
        for i in 2..200 {
            writer
                .ingest(
                    s,
                    &[article(
                        &i.to_string(),
                        &format!("https://a.example/{i}"),
                        "more",
                        "",
                    )],
                    t0(),
                )
                .unwrap();
        }
    });
    let dest = dir.path().join("backup.db");
    store.backup_to(&dest).unwrap();
    handle.join().unwrap();

    let copy = Store::open(&dest).unwrap();
    assert_eq!(copy.integrity_check().unwrap(), ["ok"]);
    assert!(copy.count_articles().unwrap() >= 1);
    assert_eq!(
        copy.search(&SearchQuery {
            text: "border".into(),
            ..Default::default()
        })
        .unwrap()
        .len(),
        1
    );

    let err = store.backup_to(&dest).unwrap_err();
    assert!(matches!(err, StoreError::BackupExists { .. }), "{err}");
    assert!(err.to_string().contains("backup.db"));
    drop(copy);
    store.backup_to_overwriting(&dest).unwrap();
    assert_eq!(Store::open(&dest).unwrap().count_articles().unwrap(), 199);
    let err = store
        .backup_to(&dir.path().join("no/such/dir/b.db"))
        .unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
}

#[test]
fn a_backup_removes_partial_copies_left_by_killed_backups() {
    // Hardening 2, item 6: a killed backup left a hidden partial copy
    // behind, and nothing ever removed it.
    let (dir, store) = file_store();
    add_source(&store, "https://a.example/rss", "A");
    let dest = dir.path().join("copy.db");
    // What a backup killed before its rename leaves: a partial copy named
    // after a process that no longer runs (pid numbers never reach this).
    let stale = dir.path().join(".copy.db.partial-4294967294");
    std::fs::write(&stale, b"half a database").unwrap();
    // A file of another name is not ours to remove.
    let other = dir.path().join(".other.db.partial-4294967294");
    std::fs::write(&other, b"not ours").unwrap();

    store.backup_to(&dest).unwrap();
    assert!(!stale.exists(), "the stale partial copy is removed");
    assert!(other.exists());
    let copy = Store::open(&dest).unwrap();
    assert_eq!(copy.list_sources().unwrap().len(), 1);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    names.sort();
    assert_eq!(names, [".other.db.partial-4294967294"]);
}
