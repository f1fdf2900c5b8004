//! Crash safety of ingestion: the real `outpost` binary polls many local
//! feeds and is killed with SIGKILL at seeded random moments, again and
//! again. After every kill the archive must pass SQLite's integrity check,
//! lose nothing it had, hold no duplicate alert, keep what the analyst
//! saved, and the next poll must carry on where the killed one stopped.
//! In the end the archive must hold exactly what one uninterrupted poll of
//! the same feeds stores.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use outpost_core::{AlertFilter, NewSource, NewWatchlist, Severity};
use outpost_store::Store;

mod common;
use common::{closed_port, new_source, outpost, outpost_command};

const SOURCES: usize = 40;
const ITEMS: usize = 100;
const KILLS: usize = 15;
const SEED: u64 = 20_261_126;

/// xorshift64*: a seeded generator, so a failing schedule can be replayed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Serves `/feed/N`: RSS with `ITEMS` distinct items that all match the
/// watchlist. A plain std server: the CLI's tests have no HTTP crate, and
/// a fixed response needs none.
fn start_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let feeds: Arc<Vec<Vec<u8>>> = Arc::new((0..SOURCES).map(feed).collect());
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let feeds = feeds.clone();
            thread::spawn(move || serve(stream, &feeds));
        }
    });
    base
}

fn feed(source: usize) -> Vec<u8> {
    let mut out = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire {source}</title><link>http://127.0.0.1/{source}</link><description>d</description>"
    );
    // Dated an hour before the poller's own (wall) clock, so the run does
    // not depend on the day: stories and retention see fresh news.
    let published = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc2822();
    for i in 0..ITEMS {
        // Distinct titles and words per item, so that no two items are the
        // same article and stories stay small.
        out.push_str(&format!(
            "<item><guid>s{source}-i{i}</guid><title>Khorog report {source}-{i}: convoy w{source}x{i} checkpoint</title><link>http://127.0.0.1/{source}/{i}</link><pubDate>{published}</pubDate><description>Officials in Khorog described event k{source}y{i} at post z{i}q{source}.</description></item>"
        ));
    }
    out.push_str("</channel></rss>");
    out.into_bytes()
}

fn serve(mut stream: TcpStream, feeds: &[Vec<u8>]) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("/");
    let body = path
        .strip_prefix("/feed/")
        .and_then(|n| n.parse::<usize>().ok())
        .and_then(|n| feeds.get(n));
    let _ = match body {
        Some(b) => stream
            .write_all(format!("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", b.len()).as_bytes())
            .and_then(|_| stream.write_all(b)),
        None => stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    };
}

/// A new archive with the sources and one watchlist.
fn prepare(db: &Path, base: &str) {
    let store = Store::open(db).unwrap();
    let now = chrono::Utc::now();
    for n in 0..SOURCES {
        store
            .add_source(
                &NewSource {
                    interval_secs: 3600,
                    ..new_source(&format!("{base}/feed/{n}"), &format!("Wire {n}"))
                },
                now,
            )
            .unwrap();
    }
    store
        .add_watchlist(
            &NewWatchlist {
                name: "Khorog".into(),
                query: "Khorog".into(),
                severity: Severity::High,
                notify: false,
                scope_sources: vec![],
                scope_langs: vec![],
                color: None,
            },
            now,
        )
        .unwrap();
}

fn poll_command(db: &Path) -> Command {
    let mut c = outpost_command(db);
    c.args(["poll", "--once", "--no-notify"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

struct Snapshot {
    articles: u64,
    alerts: u64,
    integrity: Vec<String>,
    pairs: Vec<(i64, i64)>,
}

fn snapshot(db: &Path) -> Snapshot {
    let store = Store::open(db).expect("the archive opens after a kill");
    let alerts = store
        .list_alerts(&AlertFilter {
            limit: 1_000_000,
            ..Default::default()
        })
        .unwrap();
    Snapshot {
        articles: store.count_articles().unwrap(),
        alerts: store.count_alerts().unwrap(),
        integrity: store.integrity_check().unwrap(),
        pairs: alerts
            .iter()
            .map(|a| (a.watchlist_id, a.article_id))
            .collect(),
    }
}

#[test]
fn sigkill_during_ingestion_loses_nothing_and_resumes() {
    let base = start_server();
    let dir = tempfile::tempdir().unwrap();

    // The reference: one uninterrupted poll.
    let clean = dir.path().join("clean.db");
    prepare(&clean, &base);
    let started = Instant::now();
    let status = poll_command(&clean).status().unwrap();
    let clean_run = started.elapsed();
    assert!(status.success(), "the clean poll failed: {status}");
    let reference = snapshot(&clean);
    assert_eq!(reference.articles, (SOURCES * ITEMS) as u64);
    assert_eq!(reference.alerts, (SOURCES * ITEMS) as u64);
    eprintln!(
        "clean poll: {clean_run:?}, {} articles, {} alerts",
        reference.articles, reference.alerts
    );

    let db = dir.path().join("crashed.db");
    prepare(&db, &base);
    let mut rng = Rng(SEED);
    let mut previous = (0u64, 0u64);
    let mut saved: Option<(i64, i64)> = None;
    let window = clean_run.as_millis() as u64;
    for round in 0..KILLS {
        // Kill within the first quarter of the time a whole poll takes:
        // each round then gets a little further, and most kills land while
        // sources are being stored and alerted rather than after the end.
        let delay = Duration::from_millis(20 + rng.below(window / 4));
        let mut child = poll_command(&db).spawn().unwrap();
        thread::sleep(delay);
        let finished = child.try_wait().unwrap().is_some();
        // Child::kill sends SIGKILL on Unix: no handler, no cleanup.
        let _ = child.kill();
        let _ = child.wait();

        let now = snapshot(&db);
        eprintln!(
            "round {round}: killed after {delay:?}{}; {} articles, {} alerts",
            if finished {
                " (had already finished)"
            } else {
                ""
            },
            now.articles,
            now.alerts
        );
        assert_eq!(now.integrity, ["ok"], "round {round}: integrity_check");
        assert!(
            now.articles >= previous.0,
            "round {round}: articles were lost"
        );
        assert!(now.alerts >= previous.1, "round {round}: alerts were lost");
        let unique: HashSet<_> = now.pairs.iter().collect();
        assert_eq!(
            unique.len(),
            now.pairs.len(),
            "round {round}: a duplicate alert"
        );
        previous = (now.articles, now.alerts);

        // Save the first alert there is, through the CLI as an analyst
        // would, and check after every later kill that it stays saved.
        match saved {
            None => {
                if let Some(&(_, article)) = now.pairs.first() {
                    let store = Store::open(&db).unwrap();
                    let alert = store
                        .list_alerts(&AlertFilter {
                            limit: 1,
                            ..Default::default()
                        })
                        .unwrap()
                        .remove(0);
                    drop(store);
                    let out = outpost(
                        &db,
                        &["alerts", "mark", &alert.id.to_string(), "--state", "saved"],
                    );
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    saved = Some((alert.id, alert.article_id));
                    let _ = article;
                }
            }
            Some((alert_id, article_id)) => {
                let store = Store::open(&db).unwrap();
                let alert = store.get_alert(alert_id).unwrap();
                assert_eq!(
                    alert.state,
                    outpost_core::AlertState::Saved,
                    "round {round}"
                );
                assert!(
                    store.get_article(article_id).unwrap().saved,
                    "round {round}: saved article"
                );
            }
        }
    }

    // The next poll resumes: it completes, and the archive then holds what
    // the uninterrupted run stored, no more and no less.
    let status = poll_command(&db).status().unwrap();
    assert!(status.success(), "the resuming poll failed: {status}");
    let after = snapshot(&db);
    assert_eq!(after.integrity, ["ok"]);
    assert_eq!(
        after.articles, reference.articles,
        "articles after resuming"
    );
    assert_eq!(
        after.alerts, reference.alerts,
        "alerts after resuming: every stored matching article must be alerted"
    );
    let store = Store::open(&db).unwrap();
    assert!(
        store
            .list_sources()
            .unwrap()
            .iter()
            .all(|s| s.health.last_success_at.is_some()),
        "every source was fetched in the end"
    );
}

/// With no network at all, the CLI starts, polls, says what went wrong for
/// each source, and lists every source with its own error afterwards.
#[test]
fn cli_without_network_shows_each_sources_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("offline.db");
    let closed = closed_port();
    let store = Store::open(&db).unwrap();
    let now = chrono::Utc::now();
    for (url, name) in [
        (format!("http://127.0.0.1:{closed}/feed.xml"), "Closed port"),
        (
            "http://outpost-no-such-host.invalid/feed.xml".to_string(),
            "Unresolvable",
        ),
    ] {
        store.add_source(&new_source(&url, name), now).unwrap();
    }
    drop(store);

    let outpost = |args: &[&str]| {
        let out = outpost(&db, args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status, text)
    };
    let (status, text) = outpost(&["poll", "--once", "--no-notify", "--json"]);
    assert!(status.success(), "{text}");
    let json_start = text.find('{').expect("a JSON summary");
    let summary: serde_json::Value =
        serde_json::from_str(text[json_start..].lines().collect::<String>().as_str())
            .unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(summary["failed"], 2, "{text}");
    let errors = summary["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e
            .as_str()
            .unwrap()
            .starts_with("Closed port: could not connect to 127.0.0.1")),
        "{text}"
    );
    assert!(
        errors.iter().any(|e| e
            .as_str()
            .unwrap()
            .starts_with("Unresolvable: could not connect to outpost-no-such-host.invalid")),
        "{text}"
    );

    let (status, text) = outpost(&["sources", "list", "--json"]);
    assert!(status.success(), "{text}");
    let sources: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(sources.len(), 2);
    for s in &sources {
        let err = s["health"]["last_error"].as_str().unwrap_or_default();
        assert!(err.starts_with("could not connect to"), "{s}");
    }
}
