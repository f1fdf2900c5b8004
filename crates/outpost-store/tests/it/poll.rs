//! What pollers share through the archive: poll leases and notifications
//! still to be delivered.

use chrono::Duration;
use outpost_store::FetchRecord;

use crate::common::*;

/// Hardening 2, item 12: a poll lease keeps a second poller off a source
/// another holder has in flight, until it is released, runs out, or its
/// holder is gone; a source polled meanwhile is no longer due.
#[test]
fn poll_leases_exclude_a_second_holder() {
    let (_dir, store) = file_store();
    let a = add_source(&store, "https://a.example/rss", "A");
    let b = add_source(&store, "https://b.example/rss", "B");
    let until = t0() + Duration::minutes(15);
    let alive = |_: &str| false;
    assert_eq!(
        store
            .lease_sources(&[a, b], "1:x", t0(), until, true, &alive)
            .unwrap(),
        vec![a, b]
    );
    assert!(
        store
            .lease_sources(&[a, b], "2:y", t0(), until, true, &alive)
            .unwrap()
            .is_empty()
    );
    // The same holder may renew its own lease.
    assert_eq!(
        store
            .lease_sources(&[a], "1:x", t0(), until, false, &alive)
            .unwrap(),
        vec![a]
    );
    // A dead holder's lease is free.
    let gone = |h: &str| h == "1:x";
    assert_eq!(
        store
            .lease_sources(&[a], "2:y", t0(), until, false, &gone)
            .unwrap(),
        vec![a]
    );
    // An expired lease is free, but a source polled meanwhile is not due.
    store
        .record_fetch(
            b,
            &FetchRecord {
                at: t0(),
                ok: true,
                next_fetch_at: Some(t0() + Duration::minutes(10)),
                ..FetchRecord::default()
            },
        )
        .unwrap();
    store.release_sources(&[b], "1:x").unwrap();
    let later = t0() + Duration::minutes(5);
    assert!(
        store
            .lease_sources(&[b], "2:y", later, until, true, &alive)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .lease_sources(&[b], "2:y", later, until, false, &alive)
            .unwrap(),
        vec![b]
    );
}

/// Hardening 2, item 8: an undelivered notification stays pending until it
/// is settled, for at most the window the caller gives.
#[test]
fn pending_notifications_are_kept_until_settled_or_too_old() {
    let store = outpost_store::Store::open_in_memory().unwrap();
    let s = add_source(&store, "https://a.example/rss", "Wire");
    let ingested = store
        .ingest(
            s,
            &[article(
                "1",
                "https://a.example/1",
                "Border closed",
                "Trucks wait.",
            )],
            t0(),
        )
        .unwrap();
    let w = store
        .add_watchlist(
            &outpost_store::NewWatchlist {
                name: "Border".into(),
                query: "border".into(),
                severity: outpost_store::Severity::High,
                notify: true,
                scope_sources: vec![],
                scope_langs: vec![],
                color: None,
            },
            t0(),
        )
        .unwrap();
    let alert = store
        .insert_alert(&outpost_store::NewAlert {
            watchlist_id: w,
            article_id: ingested[0].article_id,
            spans: vec![],
            story_id: None,
            created_at: t0(),
        })
        .unwrap()
        .unwrap();
    store
        .update_pending_notifications(&[], &[alert], t0())
        .unwrap();
    let pending = store.pending_notifications(t0() - days(1)).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].alert_id, pending[0].source_name.as_str()),
        (alert, "Wire")
    );
    assert_eq!(pending[0].title, "Border closed");
    // A second failure keeps the first time.
    store
        .update_pending_notifications(&[], &[alert], t0() + days(1))
        .unwrap();
    assert_eq!(store.pending_notifications(t0()).unwrap().len(), 1);
    // Past the window it is dropped.
    assert!(
        store
            .pending_notifications(t0() + days(1))
            .unwrap()
            .is_empty()
    );
    store
        .update_pending_notifications(&[], &[alert], t0())
        .unwrap();
    store
        .update_pending_notifications(&[alert], &[], t0())
        .unwrap();
    assert!(
        store
            .pending_notifications(t0() - days(1))
            .unwrap()
            .is_empty()
    );
}

/// Issue 12, item 2: the poll's writer commits many sources in one
/// transaction; each write method inside it is a savepoint, and a failed
/// batch leaves nothing of itself behind.
#[test]
fn a_write_batch_commits_all_or_nothing() {
    let (_dir, store) = file_store();
    let a = add_source(&store, "https://a.example/rss", "A");
    let b = add_source(&store, "https://b.example/rss", "B");
    let item = |g: &str| {
        article(
            g,
            &format!("https://n.example/{g}"),
            &format!("Item {g}"),
            "Text.",
        )
    };
    store
        .write_batch(|s| -> outpost_store::Result<()> {
            s.ingest(a, &[item("1"), item("2")], t0())?;
            s.ingest(b, &[item("3")], t0())?;
            Ok(())
        })
        .unwrap();
    assert_eq!(store.count_articles().unwrap(), 3);
    let failed = store.write_batch(|s| -> outpost_store::Result<()> {
        s.ingest(a, &[item("4")], t0())?;
        Err(outpost_store::StoreError::NotFound {
            what: "source",
            id: 99,
        })
    });
    assert!(failed.is_err());
    assert_eq!(
        store.count_articles().unwrap(),
        3,
        "the failed batch left nothing"
    );
    // The same item from two sources in one batch is one article.
    let ingested = store
        .write_batch(|s| -> outpost_store::Result<_> {
            let x = s.ingest(a, &[item("5")], t0())?;
            let y = s.ingest(b, &[item("5")], t0())?;
            Ok((x, y))
        })
        .unwrap();
    assert_eq!(ingested.0[0].article_id, ingested.1[0].article_id);
    assert_eq!(store.count_articles().unwrap(), 4);
}
