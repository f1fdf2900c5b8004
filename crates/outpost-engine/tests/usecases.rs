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

/// A progress event's (done, total), and what `poll_state` answered then.
type Seen = (u32, u32, Option<(u32, u32)>);

/// Sees, at each progress event, what `poll_state` answers then.
#[derive(Default)]
struct ProgressProbe {
    engine: std::sync::OnceLock<std::sync::Weak<Engine>>,
    seen: std::sync::Mutex<Vec<Seen>>,
}

impl outpost_engine::EventSink for ProgressProbe {
    fn emit(&self, event: outpost_engine::EngineEvent) {
        if let outpost_engine::EngineEvent::PollProgress(p) = event {
            let state = self
                .engine
                .get()
                .and_then(std::sync::Weak::upgrade)
                .and_then(|e| api::poll_state(&e).unwrap().progress)
                .map(|s| (s.done, s.total));
            self.seen.lock().unwrap().push((p.done, p.total, state));
        }
    }
}

/// Issue 18, item 2: the UI asks `poll_state` on start and on waking, so a
/// missed last progress event cannot leave its bar stuck. The state follows
/// every event while the poll runs and is empty once it returned, and the
/// archive's version moves only when something was committed.
#[test]
fn poll_state_follows_the_poll_and_ends_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = FeedServer::start(&rss(&[
        ("a1", "Clashes on the Tajik-Afghan border", "Khorog"),
        ("a2", "Border crossing reopens", "Panji Poyon"),
    ]));
    let probe = Arc::new(ProgressProbe::default());
    let engine = Engine::open(outpost_engine::EngineOptions {
        db_path: dir.path().join("outpost.db"),
        seed: false,
        sink: Arc::new(Recorder::default()),
        events: probe.clone(),
        clock: support::fixed_clock(),
    })
    .unwrap();
    probe.engine.set(Arc::downgrade(&engine)).unwrap();
    let rt = support::rt();
    let idle = api::poll_state(&engine).unwrap();
    assert!(idle.progress.is_none(), "no poll has run yet");
    assert_eq!(
        api::poll_state(&engine).unwrap().archive_version,
        idle.archive_version,
        "nothing was committed, so the version stays"
    );

    assert_eq!(
        add_feed_and_poll(&rt, &engine, server.feed_url()).new_articles,
        2
    );
    let seen = probe.seen.lock().unwrap().clone();
    assert!(
        seen.len() >= 2,
        "a start and an end event at least: {seen:?}"
    );
    for (done, total, state) in &seen {
        assert_eq!(
            *state,
            Some((*done, *total)),
            "poll_state answers the progress just sent"
        );
    }
    let after = api::poll_state(&engine).unwrap();
    assert!(after.progress.is_none(), "the poll is over: {after:?}");
    assert_ne!(
        after.archive_version, idle.archive_version,
        "the poll committed articles, so the version moved"
    );
}
