//! The use cases the shells call instead of the store, over a real archive
//! filled by a real poll.

mod support;

use std::sync::Arc;

use outpost_core::{AlertFilter, SearchOrder, SearchQuery};
use outpost_engine::Engine;
use outpost_engine::api::{self, SearchRequest};
use outpost_engine::dates::{Bound, parse_date};
use support::{FeedServer, Recorder, add_feed_and_poll, open, rss};

fn polled(server: &FeedServer, dir: &std::path::Path) -> Arc<Engine> {
    let engine = open(&dir.join("outpost.db"), Arc::new(Recorder::default()));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    assert_eq!(
        add_feed_and_poll(&rt, &engine, server.feed_url()).new_articles,
        2
    );
    engine
}

fn ui_search(engine: &Engine, since: Option<&str>, until: Option<&str>) -> usize {
    api::search(
        engine,
        SearchRequest {
            text: "border".into(),
            source_id: None,
            lang: None,
            since: since.map(Into::into),
            until: until.map(Into::into),
            limit: 10,
            order: SearchOrder::Newest,
        },
    )
    .unwrap()
    .len()
}

// Issue 12, item 4: "until DATE" was the start of that day in the UI but its
// end in `outpost search`, so the same date found different articles. The
// fixtures are published on 2026-11-26 at 08:00 UTC.
#[test]
fn a_date_means_the_same_instant_in_the_ui_and_the_cli() {
    let server = FeedServer::start(&rss(&[
        ("a1", "Clashes on the border", "Guards said."),
        ("a2", "Border crossing reopens", "Traders."),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let engine = polled(&server, dir.path());

    assert_eq!(ui_search(&engine, None, Some("2026-11-26")), 2);
    assert_eq!(
        ui_search(&engine, Some("2026-11-26"), Some("2026-11-26")),
        2
    );
    assert_eq!(ui_search(&engine, Some("2026-11-27"), None), 0);
    assert_eq!(ui_search(&engine, None, Some("2026-11-25")), 0);
    // The CLI builds its query with the same reading of the same dates.
    let cli = engine
        .search(&SearchQuery {
            text: "border".into(),
            until: Some(parse_date("2026-11-26", Bound::Until).unwrap()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(cli.len(), 2);
    let bad = api::search(
        &engine,
        SearchRequest {
            text: "border".into(),
            source_id: None,
            lang: None,
            since: Some("last week".into()),
            until: None,
            limit: 10,
            order: SearchOrder::Newest,
        },
    )
    .unwrap_err();
    assert_eq!(bad.code(), "invalid_input");
}

// Issue 12, item 4: `outpost backup` opened the store itself; the engine's
// backup refuses to overwrite unless asked, and the copy is a whole archive.
#[test]
fn backup_and_source_edits_go_through_the_engine() {
    let server = FeedServer::start(&rss(&[
        ("a1", "Clashes on the border", "Guards said."),
        ("a2", "Border crossing reopens", "Traders."),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let engine = polled(&server, dir.path());

    let copy = dir.path().join("copy.db");
    engine.backup(&copy, false).unwrap();
    let again = engine.backup(&copy, false).unwrap_err();
    assert_eq!(again.code(), "store.backup_exists");
    engine.backup(&copy, true).unwrap();
    let restored = outpost_store::Store::open(&copy).unwrap();
    assert_eq!(restored.count_articles().unwrap(), 2);
    assert_eq!(engine.stats().unwrap().articles, 2);

    let id = engine.sources().unwrap()[0].id;
    engine
        .set_source_enabled(id, false, Some("disabled by the analyst"))
        .unwrap();
    let source = engine.source(id).unwrap();
    assert!(!source.enabled);
    assert_eq!(
        source.disabled_reason.as_deref(),
        Some("disabled by the analyst")
    );
    assert!(engine.alerts(&AlertFilter::default()).unwrap().is_empty());
    // Nothing was kept, so removing the source takes its articles along.
    assert_eq!(engine.remove_source(id).unwrap(), 2);
    assert!(engine.sources().unwrap().is_empty());
}
