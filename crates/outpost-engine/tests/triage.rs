//! The triage loop (issue 20): backfilled alerts in stories, the alerts
//! marker the UI follows, source editing and "Add anyway".

mod support;

use std::sync::Arc;

use outpost_core::{AlertFilter, NewWatchlist, Severity};
use outpost_engine::NewSourceRequest;
use outpost_engine::api::{self, NewSourceInput, SourceEdit};
use support::{FeedServer, Recorder, open, rss, test_now};

fn watchlist(name: &str, query: &str) -> NewWatchlist {
    NewWatchlist {
        name: name.into(),
        query: query.into(),
        severity: Severity::High,
        notify: true,
        scope_sources: vec![],
        scope_langs: vec![],
        color: None,
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

const ITEMS: [(&str, &str, &str); 3] = [
    (
        "b1",
        "Clashes reported on the Tajik-Afghan border near Khorog",
        "Border guards exchanged fire overnight.",
    ),
    (
        "b2",
        "Tajik Afghan border crossing reopens for trade",
        "Traders welcomed the reopening at Panji Poyon.",
    ),
    (
        "b3",
        "Uzbekistan opens rail terminal in Termez",
        "Cargo bound for Mazar-i-Sharif.",
    ),
];

/// Issue 20, item 1: backfilled alerts were invisible in the main list and
/// had no story, unlike polled ones; the UI learns of them only through
/// app_info's alerts marker.
#[test]
fn backfilled_alerts_join_stories_and_move_the_alerts_marker() {
    let server = FeedServer::start(&rss(&ITEMS));
    let dir = tempfile::tempdir().unwrap();
    let engine = open(
        &dir.path().join("outpost.db"),
        Arc::new(Recorder::default()),
    );
    let rt = rt();
    rt.block_on(engine.add_source(NewSourceRequest {
        url: server.feed_url(),
        ..Default::default()
    }))
    .unwrap();
    let summary = rt.block_on(engine.poll(None)).unwrap();
    assert_eq!(summary.new_articles, 3);
    assert_eq!(summary.alerts, 0, "no watchlist yet");

    let before = api::app_info(&engine).unwrap().alerts_version;
    let w = engine
        .add_watchlist(&watchlist("Border", "border"))
        .unwrap();
    assert_eq!(engine.backfill(w.id).unwrap(), 2);
    assert_ne!(api::app_info(&engine).unwrap().alerts_version, before);

    let all = support::archive(&engine)
        .list_alerts(&AlertFilter {
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        all.len(),
        2,
        "the unfiltered list holds the backfilled alerts"
    );
    for a in &all {
        assert!(
            a.story_id.is_some(),
            "backfilled alert without a story: {a:?}"
        );
    }
}

/// Issue 20, item 5: sources could not be edited, and a new interval must
/// be used at once.
#[test]
fn a_source_edit_changes_every_property_and_reschedules_the_next_poll() {
    let server = FeedServer::start(&rss(&ITEMS));
    let dir = tempfile::tempdir().unwrap();
    let engine = open(
        &dir.path().join("outpost.db"),
        Arc::new(Recorder::default()),
    );
    let rt = rt();
    let s = rt
        .block_on(engine.add_source(NewSourceRequest {
            url: server.feed_url(),
            ..Default::default()
        }))
        .unwrap();
    rt.block_on(engine.poll(None)).unwrap();
    let polled = support::archive(&engine).get_source(s.id).unwrap();
    let last = polled.health.last_fetch_at.expect("polled once");

    let view = api::update_source(
        &engine,
        s.id,
        SourceEdit {
            name: "  Khatlon (RU)  ".into(),
            interval_secs: 5 * 60,
            lang: Some("RU".into()),
            folder: Some("Tajikistan".into()),
            tags: vec!["tj".into(), " ".into(), "wire".into()],
            enabled: true,
        },
    )
    .unwrap();
    assert_eq!(
        (
            view.name.as_str(),
            view.interval_secs,
            view.lang.as_deref(),
            view.folder.as_deref(),
            view.tags.clone(),
            view.enabled
        ),
        (
            "Khatlon (RU)",
            300,
            Some("ru"),
            Some("Tajikistan"),
            vec!["tj".to_string(), "wire".to_string()],
            true
        )
    );
    let next = support::archive(&engine)
        .get_source(s.id)
        .unwrap()
        .health
        .next_fetch_at
        .unwrap();
    assert_eq!(next, last + chrono::Duration::minutes(5));

    let off = api::update_source(
        &engine,
        s.id,
        SourceEdit {
            name: "Khatlon (RU)".into(),
            interval_secs: 5 * 60,
            lang: None,
            folder: None,
            tags: vec![],
            enabled: false,
        },
    )
    .unwrap();
    assert!(!off.enabled);
    assert_eq!((off.lang, off.folder), (None, None));

    let err = api::update_source(
        &engine,
        s.id,
        SourceEdit {
            name: "x".into(),
            interval_secs: 5,
            lang: None,
            folder: None,
            tags: vec![],
            enabled: true,
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(
        err.to_string().contains("between 1 minute and 7 days"),
        "{err}"
    );
}

/// Issue 20, item 5: a source answering 404 could not be kept to retry.
#[test]
fn add_anyway_keeps_a_failing_source_with_its_error() {
    let server = FeedServer::start(&rss(&ITEMS));
    let dir = tempfile::tempdir().unwrap();
    let engine = open(
        &dir.path().join("outpost.db"),
        Arc::new(Recorder::default()),
    );
    let rt = rt();
    let url = format!("{}/moved.xml", server.base);
    let input = |keep_failing| NewSourceInput {
        kind: None,
        settings: None,
        url: url.clone(),
        name: None,
        interval_secs: None,
        lang: None,
        folder: None,
        tags: vec![],
        keep_failing,
    };
    let err = rt
        .block_on(api::add_source(&engine, input(false)))
        .unwrap_err();
    assert_eq!(err.code(), "fetch_failed");
    assert!(err.to_string().contains("404"), "{err}");
    assert!(support::archive(&engine).list_sources().unwrap().is_empty());

    let kept = rt.block_on(api::add_source(&engine, input(true))).unwrap();
    assert_eq!(kept.url, url);
    let summary = rt.block_on(engine.poll(None)).unwrap();
    assert_eq!(summary.failed, 1);
    let s = support::archive(&engine).get_source(kept.id).unwrap();
    assert!(s.enabled, "a kept source stays enabled, to retry");
    assert!(
        s.health.last_error.as_deref().unwrap_or("").contains("404"),
        "{:?}",
        s.health.last_error
    );
    assert!(s.health.next_fetch_at.unwrap() > test_now());
}

/// Issue 20, watchlist editor: the preview showed titles only; a body match
/// now comes with the text around it, cut at character boundaries.
#[test]
fn the_preview_shows_the_body_around_a_match() {
    use outpost_core::{Field, Span};
    let body =
        "Пограничники сообщили о перестрелке на таджикско-афганской границе ночью. ".repeat(4);
    let at = body.find("границе").unwrap();
    let spans = [Span {
        field: Field::Body,
        start: at,
        end: at + "границе".len(),
        text: "границе".into(),
        term: None,
    }];
    let s = api::body_snippet(&body, &spans).unwrap();
    assert!(s.contains("границе"), "{s}");
    assert!(s.ends_with('…'), "{s}");
    assert!(s.chars().count() < 200, "{s}");
    let title_only = [Span {
        field: Field::Title,
        ..spans[0].clone()
    }];
    assert_eq!(api::body_snippet(&body, &title_only), None);
}
