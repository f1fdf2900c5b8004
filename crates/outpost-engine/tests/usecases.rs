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

// Issue 16 (a first run that explains itself): a seeded archive offers its
// packs (the seeded sources' folders), languages and example watchlists
// once; the choice removes what was not kept, and the offer is not made
// again. An unseeded archive offers nothing.
#[test]
fn welcome_offers_the_seeded_packs_once_and_keeps_the_choice() {
    let dir = tempfile::tempdir().unwrap();
    let open_seeded = |seed| {
        Engine::open(outpost_engine::EngineOptions {
            db_path: dir.path().join(if seed { "seeded.db" } else { "bare.db" }),
            seed,
            sink: Arc::new(Recorder::default()),
            events: Arc::new(outpost_engine::NoEvents),
            clock: outpost_engine::system_clock(),
        })
        .unwrap()
    };
    assert!(!api::welcome(&open_seeded(false)).unwrap().needed);

    let engine = open_seeded(true);
    let offer = api::welcome(&engine).unwrap();
    assert!(offer.needed);
    let ids: Vec<&str> = offer.packs.iter().map(|p| p.id.as_str()).collect();
    assert!(
        ids.contains(&"Tajikistan") && ids.contains(&"Afghanistan"),
        "{ids:?}"
    );
    let total: u32 = offer.packs.iter().map(|p| p.sources).sum();
    assert_eq!(total as usize, api::list_sources(&engine).unwrap().len());
    assert!(offer.langs.iter().any(|l| l.lang == "ru"));
    assert_eq!(offer.watchlists.len(), 4);

    let tajik = offer.packs.iter().find(|p| p.id == "Tajikistan").unwrap();
    let keep_watchlist = offer.watchlists[0].id;
    let kept = api::apply_welcome(
        &engine,
        api::WelcomeChoice {
            packs: vec!["Tajikistan".into()],
            langs: vec!["en".into()],
            watchlists: vec![keep_watchlist],
        },
    )
    .unwrap();
    let left = api::list_sources(&engine).unwrap();
    assert_eq!(left.len() as u32, kept);
    assert!(
        kept >= 1 && kept < tajik.sources,
        "only Tajikistan's English sources: {kept}"
    );
    assert!(
        left.iter()
            .all(|s| s.folder.as_deref() == Some("Tajikistan") && s.lang.as_deref() == Some("en"))
    );
    let watchlists = api::list_watchlists(&engine).unwrap();
    assert_eq!(watchlists.len(), 1);
    assert_eq!(watchlists[0].id, keep_watchlist);
    assert!(!api::welcome(&engine).unwrap().needed, "asked once");
}
