//! Retention through the engine: the window comes from the settings, the
//! time from the engine's clock, and the shells' task prunes on start.

mod support;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use outpost_core::NewSource;
use outpost_engine::{Clock, Engine};
use support::{
    FeedServer, Recorder, add_feed_and_poll, feed_source, open_with_clock, rss, rt, test_now,
    watchlist,
};

/// An engine on `dir/outpost.db` whose clock the test moves by hand: it
/// starts at [`test_now`] and reads the milliseconds in the returned cell.
fn open_on_movable_clock(dir: &Path) -> (Arc<AtomicI64>, Arc<Engine>) {
    let at = Arc::new(AtomicI64::new(test_now().timestamp_millis()));
    let read = Arc::clone(&at);
    let clock: Clock = Arc::new(move || {
        chrono::DateTime::from_timestamp_millis(read.load(Ordering::SeqCst)).unwrap()
    });
    let engine = open_with_clock(
        &dir.join("outpost.db"),
        Arc::new(Recorder::default()),
        clock,
    );
    (at, engine)
}

// Issue 12, item 5: nothing ever called `Store::prune`, so the archive grew
// for ever. The engine prunes on its own clock with the configured window,
// keeps alerted articles, and a dry run deletes nothing.
#[test]
fn prune_uses_the_engine_clock_and_the_retention_setting() {
    let server = FeedServer::start(&rss(&[
        ("a1", "Clashes on the Tajik-Afghan border", "Guards said."),
        ("a2", "Rail terminal opens in Termez", "Cargo."),
        ("a3", "Cotton harvest ends early", "Farmers."),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let (at, engine) = open_on_movable_clock(dir.path());
    let rt = rt();
    engine
        .add_watchlist(&watchlist("Border", "border"))
        .unwrap();
    let summary = add_feed_and_poll(&rt, &engine, server.feed_url());
    assert_eq!((summary.new_articles, summary.alerts), (3, 1));

    // Within the window nothing goes.
    assert_eq!(engine.prune(false).unwrap().articles, 0);

    // 40 days on, the 30-day window has passed for the two unalerted items.
    let mut settings = engine.settings().unwrap();
    settings.retention_days = 30;
    engine.save_settings(&settings).unwrap();
    at.fetch_add(40 * 86_400_000, Ordering::SeqCst);
    let dry = engine.prune(true).unwrap();
    assert!(dry.dry_run);
    assert_eq!((dry.articles, dry.retention_days), (2, 30));
    assert_eq!(dry.cutoff, test_now() + chrono::Duration::days(10));
    assert_eq!(
        engine.prune(true).unwrap(),
        dry,
        "the dry run deleted nothing"
    );

    let done = engine.prune(false).unwrap();
    assert_eq!(done.articles, 2);
    assert_eq!(engine.prune(false).unwrap().articles, 0);
    // The alerted article is still there to be read.
    let alerts = outpost_engine::api::list_alerts(&engine, Default::default()).unwrap();
    assert_eq!(alerts.len(), 1);
    outpost_engine::api::get_article(&engine, alerts[0].article_id).unwrap();
}

// Issue 12, item 5: the retention task the app and `outpost poll` spawn
// prunes once on start, before its first hourly sleep.
#[test]
fn the_retention_task_prunes_on_start() {
    let server = FeedServer::start(&rss(&[("a1", "Rail terminal opens", "Cargo.")]));
    let dir = tempfile::tempdir().unwrap();
    let (at, engine) = open_on_movable_clock(dir.path());
    let rt = rt();
    assert_eq!(
        add_feed_and_poll(&rt, &engine, server.feed_url()).new_articles,
        1
    );
    at.fetch_add(400 * 86_400_000, Ordering::SeqCst);
    // A shutdown that is already due: the task prunes once and returns.
    rt.block_on(Arc::clone(&engine).run_retention(async {}));
    assert_eq!(engine.prune(true).unwrap().articles, 0);
    assert_eq!(
        outpost_engine::api::app_info(&engine).unwrap().articles,
        0,
        "the task pruned the expired article"
    );
}

// Issue 12, item 5: the engine prunes chunk by chunk (releasing the store
// between chunks); every chunk is counted and nothing expired is left.
#[test]
fn prune_spans_many_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let engine = support::open(
        &dir.path().join("outpost.db"),
        Arc::new(Recorder::default()),
    );
    let store = support::archive(&engine);
    let source = store
        .add_source(
            &NewSource {
                interval_secs: 600,
                ..feed_source("https://a.example/rss", "A")
            },
            test_now(),
        )
        .unwrap();
    let n = 2 * outpost_store::PRUNE_CHUNK as usize + 500;
    let batch: Vec<_> = (0..n)
        .map(|i| outpost_store::NewArticle {
            guid: Some(i.to_string()),
            url: Some(format!("https://a.example/{i}")),
            title: format!("Item {i}"),
            published: Some(test_now() - chrono::Duration::days(400)),
            ..Default::default()
        })
        .collect();
    store.ingest(source, &batch, test_now()).unwrap();
    assert_eq!(engine.prune(true).unwrap().articles, n as u64);
    assert_eq!(engine.prune(false).unwrap().articles, n as u64);
    assert_eq!(engine.stats().unwrap().articles, 0);
}
