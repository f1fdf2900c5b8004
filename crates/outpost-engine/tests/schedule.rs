//! The adaptive scheduler in the poll pipeline (issue 19): each check
//! stores what the source published and plans the next from it, with a
//! reason the Sources page shows; the analyst's fixed interval and the
//! priority flag win; failures back off; the request budget defaults to
//! what the fixed 15-minute schedule would make.

mod support;

use std::sync::Arc;

use chrono::Duration;
use outpost_engine::Engine;
use support::{FeedServer, feed_source, open_silent, rt, test_now};

/// An RSS document whose items were published at the given offsets
/// (minutes before [`test_now`]).
fn rss_at(minutes_ago: &[i64]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><link>http://127.0.0.1/</link><description>d</description>",
    );
    for (i, m) in minutes_ago.iter().enumerate() {
        let at = (test_now() - Duration::minutes(*m)).to_rfc2822();
        out.push_str(&format!(
            "<item><guid>g{i}</guid><title>Item {i}</title><link>http://127.0.0.1/n/{i}</link><pubDate>{at}</pubDate><description>x</description></item>"
        ));
    }
    out.push_str("</channel></rss>");
    out
}

fn poll_all(engine: &Arc<Engine>) {
    let summary = rt().block_on(engine.poll_all()).unwrap();
    assert_eq!(summary.failed as usize, summary.errors.len());
}

// Issue 19, item 1: a burst (several items in the last half hour) tightens
// the interval at the first check that sees it, and says why.
#[test]
fn a_burst_brings_the_next_check_close_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), support::fixed_clock());
    // Daily for ten days, then six posts in the last 25 minutes.
    let mut times: Vec<i64> = (1..=10).map(|d| d * 24 * 60 + 600).collect();
    times.extend([3, 7, 12, 16, 20, 25]);
    let server = FeedServer::start(&rss_at(&times));
    let id = engine
        .add_source_unchecked(&feed_source(&server.feed_url(), "Channel"))
        .unwrap();
    poll_all(&engine);
    let s = engine.source(id).unwrap();
    assert!(!s.interval_fixed);
    let every = s.health.check_every_secs.unwrap();
    assert!(every <= 5 * 60, "every {every} s");
    assert_eq!(
        s.health.check_reason.as_deref(),
        Some("burst: 6 items in the last hour")
    );
    let next = s.health.next_fetch_at.unwrap();
    assert!(
        next > test_now() && next <= test_now() + Duration::seconds(i64::from(every) * 11 / 10)
    );
}

// Issue 19, items 1 and 2: the analyst's interval wins over the source's
// rhythm, and a source with nothing recent is checked at the ceiling.
#[test]
fn a_fixed_interval_wins_and_a_quiet_source_waits_for_the_ceiling() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), support::fixed_clock());
    let busy = FeedServer::start(&rss_at(&[1, 2, 3, 4, 5, 6, 7, 8]));
    let quiet = FeedServer::start(&rss_at(&[3 * 24 * 60, 12 * 24 * 60]));
    let fixed = engine
        .add_source_unchecked(&outpost_core::NewSource {
            interval_secs: 3600,
            ..feed_source(&busy.feed_url(), "Busy, fixed")
        })
        .unwrap();
    let learned = engine
        .add_source_unchecked(&feed_source(&quiet.feed_url(), "Quiet"))
        .unwrap();
    poll_all(&engine);
    let f = engine.source(fixed).unwrap();
    assert!(
        f.interval_fixed,
        "an interval other than the default is fixed"
    );
    assert_eq!(f.health.check_every_secs, Some(3600));
    assert_eq!(f.health.check_reason.as_deref(), Some("fixed by you"));
    let q = engine.source(learned).unwrap();
    assert_eq!(q.health.check_every_secs, Some(2 * 3600));
    assert_eq!(q.health.check_reason.as_deref(), Some("quiet: every 2 h"));

    // Back to learning: the busy feed is checked far more often than
    // hourly; then priority puts it at the floor of a feed answering 304.
    engine
        .set_source_schedule(fixed, None, Some(false), None)
        .unwrap();
    poll_all(&engine);
    let f = engine.source(fixed).unwrap();
    assert!(!f.interval_fixed);
    assert_eq!(f.interval_secs, 900);
    assert!(f.health.check_every_secs.unwrap() < 3600);
    engine
        .set_source_schedule(fixed, None, None, Some(true))
        .unwrap();
    poll_all(&engine);
    let f = engine.source(fixed).unwrap();
    assert!(f.priority);
    assert_eq!(f.health.check_every_secs, Some(60));
    assert_eq!(f.health.check_reason.as_deref(), Some("priority, active"));
    assert!(busy.not_modified.load(std::sync::atomic::Ordering::SeqCst) >= 1);
    // A fixed interval is checked against the same range as everywhere.
    let err = engine
        .set_source_schedule(fixed, Some(10), None, None)
        .unwrap_err();
    assert!(
        err.to_string().contains("between 1 minute and 7 days"),
        "{err}"
    );
}

// Issue 19, item 1: failures back off, and the reason says how many.
#[test]
fn a_failing_source_backs_off_and_says_after_how_many_failures() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), support::fixed_clock());
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/feed.xml", closed.local_addr().unwrap());
    drop(closed);
    let id = engine
        .add_source_unchecked(&feed_source(&url, "Down"))
        .unwrap();
    poll_all(&engine);
    poll_all(&engine);
    let s = engine.source(id).unwrap();
    assert_eq!(s.health.consecutive_failures, 2);
    assert_eq!(s.health.check_every_secs, Some(4 * 15 * 60));
    assert_eq!(
        s.health.check_reason.as_deref(),
        Some("backing off after 2 failures")
    );
}

// Issue 19, item 3: the budget defaults to what polling every source at
// its own interval would make, and a setting raises it.
#[test]
fn the_request_budget_defaults_to_the_fixed_schedule_s_requests() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), support::fixed_clock());
    for i in 0..3 {
        engine
            .add_source_unchecked(&feed_source(&format!("http://127.0.0.1:9/{i}"), "S"))
            .unwrap();
    }
    engine
        .add_source_unchecked(&outpost_core::NewSource {
            interval_secs: 1800,
            ..feed_source("http://127.0.0.1:9/fixed", "Fixed")
        })
        .unwrap();
    rt().block_on(engine.poll(Some(vec![]))).unwrap();
    assert_eq!(engine.request_budget_per_hour(), 3.0 * 4.0 + 2.0);
    let mut settings = engine.settings().unwrap();
    settings.request_budget_per_hour = Some(100);
    engine.save_settings(&settings).unwrap();
    // The pace is worked out again at most every ten minutes; a later
    // clock sees the new budget.
    let later = open_silent(dir.path(), Arc::new(|| test_now() + Duration::minutes(11)));
    rt().block_on(later.poll(Some(vec![]))).unwrap();
    assert_eq!(later.request_budget_per_hour(), 100.0);
    settings.request_budget_per_hour = Some(0);
    assert!(engine.save_settings(&settings).is_err());
}
