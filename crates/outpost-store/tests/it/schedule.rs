//! The scheduler's history: publish times per source, bounded; the fixed
//! and priority flags; the last decision; and migration 8 on an archive an
//! older Outpost wrote.

use chrono::Duration;
use outpost_store::Store;

use crate::common::*;

// Issue 19, item 2: the history is bounded, by count and by age, so a
// source that publishes all day does not grow the archive.
#[test]
fn publish_history_keeps_the_newest_200_of_the_last_14_days() {
    let (_dir, store) = file_store();
    let s = add_source(&store, "https://a.example/rss", "A");
    let other = add_source(&store, "https://b.example/rss", "B");
    let times: Vec<_> = (0..300).map(|i| t0() - Duration::minutes(5 * i)).collect();
    store.record_publishes(s, &times, t0()).unwrap();
    // Duplicates are one; an old time beyond the window goes at once.
    store
        .record_publishes(other, &[t0(), t0(), t0() - days(20)], t0())
        .unwrap();
    let kept = store.publish_history(s).unwrap();
    assert_eq!(kept.len(), 200);
    assert_eq!(kept.last(), Some(&t0()));
    assert_eq!(kept[0], t0() - Duration::minutes(5 * 199));
    assert!(kept.windows(2).all(|w| w[0] < w[1]), "oldest first");
    assert_eq!(store.publish_history(other).unwrap(), vec![t0()]);
    // A week later, items older than 14 days fall out.
    store
        .record_publishes(other, &[t0() + days(15)], t0() + days(15))
        .unwrap();
    assert_eq!(store.publish_history(other).unwrap(), vec![t0() + days(15)]);
    let all = store.publish_histories().unwrap();
    assert_eq!(all[&s].len(), 200);
    store.set_source_enabled(s, false, None).unwrap();
    assert!(
        !store.publish_histories().unwrap().contains_key(&s),
        "a disabled source asks nothing of the budget"
    );
}

#[test]
fn schedule_flags_and_the_last_decision_are_stored() {
    let (_dir, store) = file_store();
    let s = add_source(&store, "https://a.example/rss", "A");
    let fresh = store.get_source(s).unwrap();
    assert!(!fresh.interval_fixed && !fresh.priority);
    assert_eq!(fresh.health.check_reason, None);
    store
        .set_source_schedule(s, Some(300), Some(true), Some(true))
        .unwrap();
    store.set_source_plan(s, 300, "fixed by you").unwrap();
    let got = store.get_source(s).unwrap();
    assert_eq!(got.interval_secs, 300);
    assert!(got.interval_fixed && got.priority);
    assert_eq!(got.health.check_every_secs, Some(300));
    assert_eq!(got.health.check_reason.as_deref(), Some("fixed by you"));
    // `None` leaves a flag as it is.
    store
        .set_source_schedule(s, None, Some(false), None)
        .unwrap();
    let got = store.get_source(s).unwrap();
    assert!(!got.interval_fixed && got.priority);
    assert_eq!(got.interval_secs, 300);
    assert!(
        store
            .set_source_schedule(999, None, None, Some(true))
            .is_err()
    );
}

// Issue 19, item 2: an archive of version 5 keeps its sources; an interval
// other than the default was the analyst's choice, and the articles it
// already holds seed the history.
#[test]
fn migration_8_marks_chosen_intervals_fixed_and_seeds_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v5.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for i in 0..5 {
            conn.execute_batch(outpost_store::schema::migration_sql(i))
                .unwrap();
        }
        conn.execute_batch(
            "PRAGMA user_version = 5;
             INSERT INTO sources (id, kind, url, name, interval_secs, created_at)
                 VALUES (1, 'feed', 'https://a.example/rss', 'A', 900, 0),
                        (2, 'feed', 'https://b.example/rss', 'B', 3600, 0);
             INSERT INTO articles (id, content_hash, title, summary, content_html, text,
                 published, fetched_at, sort_date)
                 VALUES (1, x'01', 't', '', '', '', 1000, 5000, 1000),
                        (2, x'02', 'u', '', '', '', NULL, 7000, 7000),
                        (3, x'03', 'v', '', '', '', 9000, 8000, 8000);
             INSERT INTO article_sources (article_id, source_id, first_seen)
                 VALUES (1, 1, 5000), (2, 1, 7000), (3, 2, 8000);",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let a = store.get_source(1).unwrap();
    let b = store.get_source(2).unwrap();
    assert!(!a.interval_fixed);
    assert!(b.interval_fixed);
    let ms = |v: i64| chrono::DateTime::from_timestamp_millis(v).unwrap();
    // Published, else first seen; a post-dated item counts as first seen.
    assert_eq!(store.publish_history(1).unwrap(), vec![ms(1000), ms(7000)]);
    assert_eq!(store.publish_history(2).unwrap(), vec![ms(8000)]);
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
}
