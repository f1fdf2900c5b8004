use chrono::TimeZone;
use outpost_core::{SourceHealth, SourceSettings};

use super::*;

fn now() -> Timestamp {
    chrono::Utc
        .with_ymd_and_hms(2026, 11, 29, 12, 0, 0)
        .unwrap()
}

fn source(health: SourceHealth) -> Source {
    Source {
        id: 1,
        kind: SourceKind::Feed,
        settings: SourceSettings::default(),
        url: "https://news.example/feed".into(),
        name: "News".into(),
        interval_secs: 900,
        interval_fixed: false,
        priority: false,
        lang: None,
        country: None,
        folder: None,
        tags: vec![],
        enabled: true,
        disabled_reason: None,
        created_at: now(),
        health,
    }
}

fn polled(items: u32, status: u16) -> FetchRecord {
    FetchRecord {
        at: now(),
        ok: true,
        items,
        status: Some(status),
        ..FetchRecord::default()
    }
}

fn codes(a: &Assessment) -> Vec<&str> {
    a.notes.iter().map(|n| n.code.as_str()).collect()
}

// Issue 13, item 5: a feed answering 200 with nothing in it (RFE/RL's empty
// Pangea feeds) failed silently.
#[test]
fn three_empty_polls_in_a_row_are_flagged() {
    let s = source(SourceHealth::default());
    let empty = [
        polled(0, 200),
        polled(0, 200),
        polled(0, 200),
        polled(5, 200),
    ];
    let a = assess(&s, &empty, &[], now());
    assert_eq!(codes(&a), ["empty"]);
    assert!(a.notes[0].message.contains("no items 3 polls in a row"));
    // Two empty polls, or 304s between them, say nothing yet.
    let a = assess(&s, &empty[..2], &[], now());
    assert!(a.notes.is_empty());
    let mixed = [
        polled(0, 200),
        polled(0, 304),
        polled(0, 200),
        polled(4, 200),
    ];
    assert!(assess(&s, &mixed, &[], now()).notes.is_empty());
}

#[test]
fn a_source_far_behind_its_rhythm_is_flagged() {
    let s = source(SourceHealth::default());
    // Every 6 hours, the newest 10 days ago.
    let newest = now() - Duration::days(10);
    let times: Vec<Timestamp> = (0..8).map(|i| newest - Duration::hours(6 * i)).collect();
    let a = assess(&s, &[], &times, now());
    assert_eq!(codes(&a), ["stale"]);
    assert_eq!(
        a.notes[0].message,
        "the newest item is 10 days old, though this source usually publishes every 6 hours; \
         it may have stopped or moved"
    );
    // A weekly source a week behind is keeping its rhythm.
    let newest = now() - Duration::days(8);
    let weekly: Vec<Timestamp> = (0..6).map(|i| newest - Duration::days(7 * i)).collect();
    assert!(assess(&s, &[], &weekly, now()).notes.is_empty());
    // Too few items say nothing about a rhythm.
    assert!(assess(&s, &[], &times[..4], now()).notes.is_empty());
}

#[test]
fn an_html_page_for_a_feed_is_flagged_apart_from_other_errors() {
    let s = source(SourceHealth {
        last_error: Some(
            "not a feed: this is an HTML page, not a feed; add the site's address to discover its feeds"
                .into(),
        ),
        ..SourceHealth::default()
    });
    let a = assess(&s, &[], &[], now());
    assert_eq!(codes(&a), ["html"]);
    assert!(
        a.notes[0]
            .message
            .starts_with("an HTML page came where a feed was expected")
    );
}

#[test]
fn errors_are_said_shortly_with_what_to_do() {
    let cases = [
        (
            "could not connect to www.example.com: error sending request for url (https://www.example.com/): client error (Connect): dns error: failed to lookup address information: Name or service not known",
            "could not find www.example.com (DNS lookup failed); are you online?",
        ),
        (
            "could not connect to 127.0.0.1: error sending request: tcp connect error: Connection refused (os error 111)",
            "127.0.0.1 refused the connection; the site may be down, try later",
        ),
        (
            "could not connect to news.example: no connection within 10 s",
            "could not reach news.example in time; are you online?",
        ),
        (
            "the server answered HTTP 404 Not Found",
            "the address was not found (HTTP 404); the feed may have moved: find the outlet's current address",
        ),
        (
            "the server answered HTTP 503 Service Unavailable",
            "the site failed (HTTP 503); it is retried later",
        ),
        (
            "no answer within 30 s; the server is slow or unreachable",
            "no answer within 30 s; the server is slow or unreachable",
        ),
    ];
    for (full, short) in cases {
        assert_eq!(short_error(full), short, "{full}");
    }
    let s = source(SourceHealth {
        last_error: Some(cases[0].0.into()),
        ..SourceHealth::default()
    });
    assert_eq!(assess(&s, &[], &[], now()).notes[0].message, cases[0].1);
}

#[test]
fn a_pack_source_is_unverified_until_a_poll_succeeds() {
    let mut s = source(SourceHealth::default());
    s.settings.provenance = Some("a public list".into());
    assert!(assess(&s, &[], &[], now()).unverified);
    s.health.last_success_at = Some(now());
    assert!(!assess(&s, &[], &[], now()).unverified);
    // A source the analyst added is never "unverified".
    s.settings.provenance = None;
    s.health.last_success_at = None;
    assert!(!assess(&s, &[], &[], now()).unverified);
}
