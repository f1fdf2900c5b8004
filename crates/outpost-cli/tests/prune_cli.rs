//! `outpost prune` against a real archive file seeded through the store
//! library, dated relative to the moment the test runs (the CLI reads the
//! wall clock).

use std::path::Path;

use chrono::{Duration, Utc};
use outpost_store::{NewArticle, NewSource, Store};

mod common;
use common::{json, new_source, outpost};

fn seed(db: &Path) {
    let store = Store::open(db).unwrap();
    let now = Utc::now();
    let source = store
        .add_source(
            &NewSource {
                interval_secs: 600,
                ..new_source("https://asiaplus.example/rss", "Asia-Plus")
            },
            now,
        )
        .unwrap();
    let item = |n: u32, days_ago: i64| NewArticle {
        guid: Some(n.to_string()),
        url: Some(format!("https://news.example/{n}")),
        title: format!("Item number {n}"),
        summary: String::new(),
        content_html: String::new(),
        text: String::new(),
        lang: Some("en".into()),
        published: Some(now - Duration::days(days_ago)),
        authors: vec![],
        extra: Default::default(),
    };
    store
        .ingest(source, &[item(1, 200), item(2, 150), item(3, 1)], now)
        .unwrap();
}

fn count(db: &Path) -> u64 {
    Store::open(db).unwrap().count_articles().unwrap()
}

// Issue 12, item 5: `outpost prune --dry-run` says what would go and keeps
// it; `outpost prune` removes exactly that.
#[test]
fn prune_dry_run_then_for_real() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    seed(&db);

    let out = outpost(&db, &["prune", "--dry-run"]);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("retention 90 days") && stdout.contains("would remove 2 articles"),
        "{stdout}"
    );
    assert!(stdout.contains("nothing was deleted"), "{stdout}");
    assert_eq!(count(&db), 3);

    let out = outpost(&db, &["prune", "--dry-run", "--json"]);
    assert!(out.status.success(), "{out:?}");
    let json = json(&out);
    assert_eq!(json["articles"], 2);
    assert_eq!(json["dry_run"], true);
    assert_eq!(count(&db), 3);

    let out = outpost(&db, &["prune"]);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("removed 2 articles"), "{stdout}");
    assert_eq!(count(&db), 1);
}
