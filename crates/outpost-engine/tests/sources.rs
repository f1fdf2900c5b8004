//! Sources in and out (OPML), what their lists show, and how a feed's move
//! is handled, against real archive files (and a real HTTP server on
//! 127.0.0.1 where a fetch is involved).

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use outpost_core::NewSource;
use outpost_engine::{api, system_clock, transfer};
use support::{archive, feed_source, open_silent};

// Hardening 2, smaller ones: the OPML round trip lost interval, language and
// tags, re-enabled disabled sources and split a folder named `A/B`; import
// did not normalise addresses; credentials in an address appeared in
// `sources list --json` and in the OPML export.
#[test]
fn opml_round_trip_keeps_every_setting_and_hides_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), system_clock());
    let a = engine
        .add_source_unchecked(&NewSource {
            interval_secs: 3600,
            lang: Some("tg".into()),
            folder: Some("A/B".into()),
            tags: vec!["border".into(), "gbao".into()],
            ..feed_source("https://example.tj/a.xml", "A")
        })
        .unwrap();
    archive(&engine)
        .set_source_enabled(a, false, Some("too noisy"))
        .unwrap();
    engine
        .add_source_unchecked(&feed_source(
            "https://reader:s3cret@private.example/feed",
            "Private",
        ))
        .unwrap();

    let listed = api::list_sources(&engine).unwrap();
    let private = listed.iter().find(|s| s.name == "Private").unwrap();
    assert_eq!(private.url, "https://***:***@private.example/feed");
    assert!(!serde_json::to_string(&listed).unwrap().contains("s3cret"));
    // The stored address keeps the credentials for fetching.
    assert!(
        archive(&engine)
            .list_sources()
            .unwrap()
            .iter()
            .any(|s| s.url.contains("s3cret"))
    );

    let opml = transfer::export_opml(&engine).unwrap();
    assert!(!opml.contains("s3cret"), "{opml}");
    assert!(!opml.contains("reader"), "{opml}");
    let file = dir.path().join("sources.opml");
    std::fs::write(&file, &opml).unwrap();

    let other_dir = tempfile::tempdir().unwrap();
    let other = open_silent(other_dir.path(), system_clock());
    // Already present, written another way: found as the same source.
    other
        .add_source_unchecked(&feed_source("https://example.tj/a.xml", "A"))
        .unwrap();
    std::fs::write(
        other_dir.path().join("loud.opml"),
        r#"<opml version="2.0"><body><outline text="A" xmlUrl="HTTPS://EXAMPLE.TJ:443/a.xml"/></body></opml>"#,
    )
    .unwrap();
    let summary =
        transfer::import_opml(&other, &other_dir.path().join("loud.opml"), |_, _| {}).unwrap();
    assert_eq!((summary.added, summary.skipped), (0, 1), "{summary:?}");

    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = open_silent(fresh_dir.path(), system_clock());
    let summary = transfer::import_opml(&fresh, &file, |_, _| {}).unwrap();
    assert_eq!(summary.added, 2, "{summary:?}");
    let back = archive(&fresh).list_sources().unwrap();
    let a = back.iter().find(|s| s.name == "A").unwrap();
    assert_eq!(a.interval_secs, 3600);
    assert_eq!(a.lang.as_deref(), Some("tg"));
    assert_eq!(a.folder.as_deref(), Some("A/B"));
    assert_eq!(a.tags, vec!["border", "gbao"]);
    assert!(!a.enabled, "a disabled source stays disabled");
}

// Hardening 2, item 4: `sources add --folder` with 30,000 levels wrote an
// OPML file that import could not read. Such a folder is refused up front.
#[test]
fn a_folder_too_deep_is_refused_with_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), system_clock());
    let deep = vec!["x"; 30_000].join("/");
    let err = engine
        .add_source_unchecked(&NewSource {
            folder: Some(deep),
            ..feed_source("https://example.tj/a.xml", "A")
        })
        .unwrap_err();
    assert!(err.to_string().contains("use at most 32"), "{err}");
    assert!(archive(&engine).list_sources().unwrap().is_empty());

    let nested = format!(
        "<opml version=\"2.0\"><body>{}<outline text=\"f\" xmlUrl=\"https://e.tj/f\"/>{}</body></opml>",
        "<outline text=\"x\">".repeat(10_000),
        "</outline>".repeat(10_000)
    );
    let file = dir.path().join("deep.opml");
    std::fs::write(&file, nested).unwrap();
    let err = transfer::import_opml(&engine, &file, |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("levels deep"), "{err}");

    // Such a folder already in an archive (stored before the bound) still
    // exports, and the import says what is wrong with that one source.
    archive(&engine)
        .add_source(
            &NewSource {
                folder: Some(vec!["x"; 30_000].join("/")),
                ..feed_source("https://example.tj/deep.xml", "Deep")
            },
            chrono::Utc::now(),
        )
        .unwrap();
    engine
        .add_source_unchecked(&feed_source("https://example.tj/fine.xml", "Fine"))
        .unwrap();
    let file = dir.path().join("export.opml");
    std::fs::write(&file, transfer::export_opml(&engine).unwrap()).unwrap();
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = open_silent(fresh_dir.path(), system_clock());
    let summary = transfer::import_opml(&fresh, &file, |_, _| {}).unwrap();
    assert_eq!(summary.added, 1, "{summary:?}");
    assert_eq!(summary.errors.len(), 1, "{summary:?}");
    assert!(
        summary.errors[0].starts_with("Deep: the folder has 30000 levels"),
        "{summary:?}"
    );
}

const FEED: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link><item><title>Border news</title><link>https://wire.example/1</link><guid>w-1</guid></item></channel></rss>"#;

/// A feed server on 127.0.0.1: `/feed.xml` serves [`FEED`]; `/elsewhere`
/// moves for good to the same port under the name `localhost` (another
/// host, as far as the address says); `/renamed` moves for good within the
/// host; `/flip` moves like `/elsewhere` until the flag is set, then serves
/// the feed itself.
fn serve_moves() -> (u16, Arc<AtomicBool>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let settled = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&settled);
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            let moved = |to: String| {
                tiny_http::Response::from_data(Vec::new())
                    .with_status_code(301)
                    .with_header(
                        format!("Location: {to}")
                            .parse::<tiny_http::Header>()
                            .unwrap(),
                    )
            };
            let url = match req.url() {
                "/flip" if flag.load(Ordering::SeqCst) => "/feed.xml",
                other => other,
            };
            let response = match url {
                "/elsewhere" | "/flip" => moved(format!("http://localhost:{port}/feed.xml")),
                "/renamed" => moved("/feed.xml".into()),
                "/feed.xml" => tiny_http::Response::from_data(FEED.as_bytes().to_vec())
                    .with_header(
                        "Content-Type: application/rss+xml"
                            .parse::<tiny_http::Header>()
                            .unwrap(),
                    ),
                _ => tiny_http::Response::from_data(b"not here".to_vec()).with_status_code(404),
            };
            let _ = req.respond(response);
        }
    });
    (port, settled)
}

// Hardening 2, item 11: a feed's 301 to another host silently re-pointed the
// source, so any feed could make Outpost poll a local address on schedule.
// Now the move is followed for that fetch only and waits for the analyst;
// a move within the host still updates the source by itself.
#[test]
fn a_permanent_move_to_another_host_waits_for_the_analyst() {
    let (port, _) = serve_moves();
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), system_clock());
    let away_url = format!("http://127.0.0.1:{port}/elsewhere");
    let away = engine
        .add_source_unchecked(&feed_source(&away_url, "Away"))
        .unwrap();
    let renamed = engine
        .add_source_unchecked(&feed_source(
            &format!("http://127.0.0.1:{port}/renamed"),
            "Renamed",
        ))
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(engine.poll(None)).unwrap();

    let store_url = |id| archive(&engine).get_source(id).unwrap().url;
    assert_eq!(store_url(away), away_url, "not re-pointed");
    assert_eq!(
        store_url(renamed),
        format!("http://127.0.0.1:{port}/feed.xml"),
        "a move within the host updates by itself"
    );
    // The move was followed for this fetch: the feed was read.
    let health = archive(&engine).get_source(away).unwrap().health;
    assert_eq!(health.items_seen, 1, "{health:?}");
    assert_eq!(health.consecutive_failures, 0, "{health:?}");

    let listed = api::list_sources(&engine).unwrap();
    let shown = listed.iter().find(|s| s.id == away).unwrap();
    let note = shown.last_error.as_deref().unwrap_or_default();
    assert!(note.starts_with("moved to localhost: accept?"), "{note}");
    // The app offers the move as an action, with the address it would take.
    assert_eq!(
        shown.pending_move.as_deref(),
        Some(format!("http://localhost:{port}/feed.xml").as_str())
    );
    let other = listed.iter().find(|s| s.id == renamed).unwrap();
    assert!(other.last_error.is_none() && other.pending_move.is_none());

    // Accepting (the app's action) makes the new address the source's, and
    // the note goes.
    let accepted = api::accept_source_move(&engine, away).unwrap();
    assert_eq!(accepted.url, format!("http://localhost:{port}/feed.xml"));
    let listed = api::list_sources(&engine).unwrap();
    assert!(listed.iter().all(|s| s.last_error.is_none()), "{listed:?}");
    assert!(
        listed.iter().all(|s| s.pending_move.is_none()),
        "{listed:?}"
    );
    let err = engine.accept_move(away).unwrap_err();
    assert!(err.to_string().contains("no move waiting"), "{err}");
}

// Hardening 2, item 11: a move the feed no longer announces stops waiting.
#[test]
fn a_move_the_feed_takes_back_stops_waiting() {
    let (port, settled) = serve_moves();
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), system_clock());
    let flip = engine
        .add_source_unchecked(&feed_source(
            &format!("http://127.0.0.1:{port}/flip"),
            "Flip",
        ))
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(engine.poll(Some(vec![flip]))).unwrap();
    assert_eq!(
        archive(&engine)
            .source_pending_move(flip)
            .unwrap()
            .as_deref(),
        Some(format!("http://localhost:{port}/feed.xml").as_str())
    );
    settled.store(true, Ordering::SeqCst);
    rt.block_on(engine.poll(Some(vec![flip]))).unwrap();
    assert_eq!(archive(&engine).source_pending_move(flip).unwrap(), None);
    assert_eq!(
        archive(&engine).get_source(flip).unwrap().url,
        format!("http://127.0.0.1:{port}/flip")
    );
}
