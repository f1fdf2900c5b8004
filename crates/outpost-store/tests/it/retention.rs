//! Retention: old unsaved, unalerted articles go; saved and alerted stay.

use outpost_store::{
    AlertState, NewAlert, NewWatchlist, Pruned, SearchQuery, Severity, Snapshot, Store,
};

use crate::common::*;

#[test]
fn prune_keeps_saved_alerted_and_snapshotted_articles() {
    let store = Store::open_in_memory().unwrap();
    let s = add_source(&store, "https://a.example/rss", "A");
    let old = t0() - days(120);
    let ids: Vec<i64> = store
        .ingest(
            s,
            &[
                article("1", "https://a.example/1", "Old plain border item one", ""),
                article("2", "https://a.example/2", "Old saved border item two", ""),
                article(
                    "3",
                    "https://a.example/3",
                    "Old alerted border item three",
                    "",
                ),
                article(
                    "4",
                    "https://a.example/4",
                    "Old snapshotted border item four",
                    "",
                ),
            ],
            old,
        )
        .unwrap()
        .iter()
        .map(|i| i.article_id)
        .collect();
    let recent = store
        .ingest(
            s,
            &[article(
                "5",
                "https://a.example/5",
                "Recent border item five",
                "",
            )],
            t0() - days(10),
        )
        .unwrap()[0]
        .article_id;

    store.set_article_saved(ids[1], true, t0()).unwrap();
    let w = store
        .add_watchlist(
            &NewWatchlist {
                name: "Border".into(),
                query: "border".into(),
                severity: Severity::High,
                notify: true,
                scope_sources: vec![],
                scope_langs: vec![],
                color: None,
            },
            t0(),
        )
        .unwrap();
    store
        .insert_alert(&NewAlert {
            watchlist_id: w,
            article_id: ids[2],
            spans: vec![],
            story_id: None,
            created_at: old,
        })
        .unwrap()
        .unwrap();
    store
        .save_snapshot(
            ids[3],
            &Snapshot {
                final_url: None,
                fetched_at: t0(),
                html: Some("<p>x</p>".into()),
                text: None,
                sha256: None,
                error: None,
            },
        )
        .unwrap();

    assert_eq!(store.retention_days().unwrap(), 90);
    let pruned = store
        .prune(t0(), store.retention_days().unwrap(), false)
        .unwrap()
        .articles;
    assert_eq!(pruned, 1);
    assert!(store.get_article(ids[0]).is_err());
    for id in [ids[1], ids[2], ids[3], recent] {
        store.get_article(id).unwrap();
    }
    // The pruned article is gone from the index too.
    let hits = store
        .search(&SearchQuery {
            text: "plain".into(),
            ..Default::default()
        })
        .unwrap();
    assert!(hits.is_empty());
    // Pruning again finds nothing more; the alert is intact.
    assert_eq!(store.prune(t0(), 90, false).unwrap().articles, 0);
    assert_eq!(store.count_alerts().unwrap(), 1);
}

#[test]
fn retention_follows_the_setting_and_handles_many_rows() {
    let store = Store::open_in_memory().unwrap();
    let s = add_source(&store, "https://a.example/rss", "A");
    let batch: Vec<_> = (0..5_000)
        .map(|i| {
            article(
                &i.to_string(),
                &format!("https://a.example/{i}"),
                &format!("item {i}"),
                "",
            )
        })
        .collect();
    store.ingest(s, &batch, t0() - days(40)).unwrap();
    store
        .set_setting(outpost_store::RETENTION_DAYS_KEY, "30")
        .unwrap();
    assert_eq!(store.retention_days().unwrap(), 30);
    assert_eq!(
        store
            .prune(t0(), store.retention_days().unwrap(), false)
            .unwrap()
            .articles,
        5_000
    );
    assert_eq!(store.count_articles().unwrap(), 0);
}

#[test]
fn removing_a_watchlist_keeps_what_was_saved_from_it() {
    let store = Store::open_in_memory().unwrap();
    let s = add_source(&store, "https://a.example/rss", "A");
    let ids: Vec<i64> = store
        .ingest(
            s,
            &[
                article("1", "https://a.example/1", "Saved one", ""),
                article("2", "https://a.example/2", "Read two", ""),
            ],
            t0() - days(200),
        )
        .unwrap()
        .iter()
        .map(|i| i.article_id)
        .collect();
    let w = store
        .add_watchlist(
            &NewWatchlist {
                name: "W".into(),
                query: "x".into(),
                severity: Severity::Low,
                notify: false,
                scope_sources: vec![],
                scope_langs: vec![],
                color: None,
            },
            t0(),
        )
        .unwrap();
    let mk = |article_id| NewAlert {
        watchlist_id: w,
        article_id,
        spans: vec![],
        story_id: None,
        created_at: t0(),
    };
    let saved = store.insert_alert(&mk(ids[0])).unwrap().unwrap();
    store.insert_alert(&mk(ids[1])).unwrap().unwrap();
    // Saving through the alert list keeps the article, and (Hardening 2,
    // item 5) the saved alert itself, after the watchlist is removed.
    store
        .set_alert_state(saved, AlertState::Saved, t0())
        .unwrap();
    let removal = store.remove_watchlist(w, t0()).unwrap();
    assert_eq!((removal.alerts_removed, removal.alerts_kept), (1, 1));
    assert_eq!(store.count_alerts().unwrap(), 1);
    assert_eq!(store.prune(t0(), 90, false).unwrap().articles, 1);
    assert!(store.get_article(ids[0]).unwrap().saved);
    assert!(store.get_article(ids[1]).is_err());
    assert_eq!(store.list_saved(10, 0).unwrap().len(), 1);
}

#[test]
fn a_version_1_archive_migrates_keeping_watchlists_and_alerts() {
    // Hardening 2, item 5: migration 2 rebuilds the watchlists table; with
    // foreign keys on, dropping the old table would cascade into the alerts.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        conn.execute_batch(outpost_store::schema::migration_sql(0))
            .unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO watchlists (id, name, query, severity, created_at, updated_at)
                 VALUES (7, 'Border', 'border', 'high', 0, 0);
             INSERT INTO articles (id, content_hash, title, summary, content_html, text,
                 fetched_at, sort_date) VALUES (1, x'00', 't', '', '', '', 0, 0);
             INSERT INTO alerts (watchlist_id, article_id, created_at, note)
                 VALUES (7, 1, 0, 'kept');",
        )
        .unwrap();
        // Hardening 2, item 9: an alert of version 1 with every span of
        // its match; the migration keeps the first 100 and their count.
        let spans: Vec<serde_json::Value> = (0..250)
            .map(|i| serde_json::json!({"field": "body", "start": i, "end": i + 1, "text": "b"}))
            .collect();
        conn.execute(
            "UPDATE alerts SET spans = ?1",
            [serde_json::to_string(&spans).unwrap()],
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.count_alerts().unwrap(), 1);
    let alert = &store
        .list_alerts(&outpost_store::AlertFilter::default())
        .unwrap()[0];
    assert_eq!(alert.span_count, 250);
    let detail = store.get_alert(alert.id).unwrap();
    assert_eq!(detail.spans.len(), 100);
    assert_eq!((detail.spans[0].start, detail.spans[99].start), (0, 99));
    assert_eq!(store.list_watchlists().unwrap()[0].name, "Border");
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
}

// Issue 12, item 5: retention goes by publication time, else first seen, so
// an item first fetched today but published long ago is already expired.
#[test]
fn prune_goes_by_publication_time_and_dry_run_deletes_nothing() {
    let (_dir, store) = file_store();
    let s = add_source(&store, "https://a.example/rss", "A");
    let mut old = article("1", "https://a.example/1", "Published long ago", "");
    old.published = Some(t0() - days(200));
    let mut undated = article("2", "https://a.example/2", "No date at all", "");
    undated.published = None;
    let fresh = article("3", "https://a.example/3", "Published today", "");
    store.ingest(s, &[old, undated, fresh], t0()).unwrap();
    let mut seen_long_ago = article("4", "https://a.example/4", "Undated and old", "");
    seen_long_ago.published = None;
    store.ingest(s, &[seen_long_ago], t0() - days(100)).unwrap();

    let dry = store.prune(t0(), 90, true).unwrap();
    assert_eq!(dry.articles, 2, "{dry:?}");
    assert_eq!(
        store.count_articles().unwrap(),
        4,
        "a dry run deletes nothing"
    );
    let real = store.prune(t0(), 90, false).unwrap();
    assert_eq!(
        real, dry,
        "a dry run counts exactly what a real run removes"
    );
    assert_eq!(store.count_articles().unwrap(), 2);
    assert_eq!(store.prune(t0(), 90, false).unwrap(), Pruned::default());
}

// Issue 12, item 5: pruning also removes what only pointed at pruned
// articles: stray full-text rows and the tombstone of a removed source.
#[test]
fn prune_cleans_index_rows_and_removed_sources() {
    let (dir, store) = file_store();
    let s = add_source(&store, "https://a.example/rss", "A");
    let ids: Vec<i64> = store
        .ingest(
            s,
            &[
                article("1", "https://a.example/1", "Saved border item", ""),
                article("2", "https://a.example/2", "Plain border item", ""),
            ],
            t0() - days(120),
        )
        .unwrap()
        .iter()
        .map(|i| i.article_id)
        .collect();
    store.set_article_saved(ids[0], true, t0()).unwrap();
    // Removing the source keeps it as a tombstone: the saved article names it.
    store.remove_source(s, t0()).unwrap();
    // An index row whose article is gone, as an archive written before the
    // delete trigger, or a torn write, could hold.
    {
        let conn = rusqlite::Connection::open(dir.path().join("outpost.db")).unwrap();
        conn.execute(
            "INSERT INTO article_fts (rowid, title, body) VALUES (999999, 'stray', 'row')",
            [],
        )
        .unwrap();
    }
    assert_eq!(store.prune(t0(), 90, false).unwrap().index_rows, 1);
    assert!(
        store
            .search(&SearchQuery {
                text: "stray".into(),
                ..Default::default()
            })
            .unwrap()
            .is_empty()
    );
    // Unsaving the article lets the next prune take it, and then the
    // tombstone has nothing left to name.
    store.set_article_saved(ids[0], false, t0()).unwrap();
    let pruned = store.prune(t0(), 90, false).unwrap();
    assert_eq!((pruned.articles, pruned.sources), (1, 1), "{pruned:?}");
}
