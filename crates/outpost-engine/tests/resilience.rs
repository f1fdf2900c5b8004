//! Resilience of the engine against a hostile or broken environment: a
//! server that never answers among a hundred good ones, no network at all,
//! a read-only data folder and a full disk.

mod support;

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use outpost_feeds::fetch::FetchConfig;
use support::{FeedServer, Recorder, Tmpfs, feed_source, open, rss, rt, watchlist};

#[test]
fn one_hanging_server_does_not_hold_up_ninety_nine_others() {
    let timeout = FetchConfig::default().total_timeout;
    let servers: Vec<FeedServer> = (0..99)
        .map(|i| {
            let guid = format!("n{i}");
            let title = format!("Khorog bulletin number {i}");
            FeedServer::start(&rss(&[(&guid, &title, "Officials in Khorog spoke.")]))
        })
        .collect();
    // Accepts connections (the kernel completes the handshake) and never
    // says a word: the fetch can only end by its own timeout.
    let hanging = TcpListener::bind("127.0.0.1:0").unwrap();
    let hanging_url = format!("http://{}/feed.xml", hanging.local_addr().unwrap());
    let held = thread::spawn(move || {
        let mut open = Vec::new();
        for s in hanging.incoming().flatten() {
            open.push(s);
        }
    });
    drop(held);

    let dir = tempfile::tempdir().unwrap();
    let engine = open(&dir.path().join("o.db"), Arc::new(Recorder::default()));
    engine
        .add_watchlist(&watchlist("Khorog", "Khorog"))
        .unwrap();
    // The hanging source first, so it takes its slot before the others.
    let hang_id = engine
        .add_source_unchecked(&feed_source(&hanging_url, "Hanging"))
        .unwrap();
    for (i, s) in servers.iter().enumerate() {
        engine
            .add_source_unchecked(&feed_source(&s.feed_url(), &format!("Good {i}")))
            .unwrap();
    }

    let started = Instant::now();
    let poller = {
        let engine = engine.clone();
        thread::spawn(move || rt().block_on(engine.poll(None)).unwrap())
    };
    // Watch the archive from outside the poll: when have the 99 succeeded?
    let mut ninety_nine = None;
    while !poller.is_finished() {
        let ok = support::archive(&engine)
            .list_sources()
            .unwrap()
            .iter()
            .filter(|s| s.id != hang_id && s.health.last_success_at.is_some())
            .count();
        if ok == 99 && ninety_nine.is_none() {
            ninety_nine = Some(started.elapsed());
        }
        thread::sleep(Duration::from_millis(50));
    }
    let total = started.elapsed();
    let summary = poller.join().unwrap();
    eprintln!("99 good sources stored after {ninety_nine:?}; the poll ended after {total:?}");

    assert_eq!(
        (summary.sources, summary.ok, summary.failed),
        (100, 99, 1),
        "{summary:?}"
    );
    assert_eq!(summary.new_articles, 99);
    assert_eq!(summary.alerts, 99);
    let ninety_nine = ninety_nine.expect("the 99 good sources succeeded while the poll ran");
    // The good sources do not wait for the hanging one: they are all in
    // before its own timeout has run out.
    assert!(
        ninety_nine < timeout,
        "the 99 took {ninety_nine:?}; the timeout is {timeout:?}"
    );
    // And the poll as a whole is bounded by that timeout (with room for a
    // loaded machine), not by the server.
    assert!(total >= timeout, "the hanging fetch ended early: {total:?}");
    assert!(total < timeout * 3, "the poll took {total:?}");
    let hung = support::archive(&engine).get_source(hang_id).unwrap();
    assert_eq!(
        hung.health.last_error.as_deref(),
        Some("no answer within 30 s; the server is slow or unreachable")
    );
}

#[test]
fn without_network_every_source_shows_its_own_error() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open(&dir.path().join("o.db"), Arc::new(Recorder::default()));
    // A port nobody listens on, a name that cannot resolve (.invalid is
    // reserved), and an address with no route in a test network.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        port
    };
    let urls = [
        (format!("http://127.0.0.1:{closed}/feed.xml"), "Closed port"),
        (
            "http://outpost-no-such-host.invalid/feed.xml".to_string(),
            "Unresolvable",
        ),
        (
            "https://outpost-no-such-host.invalid/feed.xml".to_string(),
            "Unresolvable TLS",
        ),
    ];
    for (url, name) in &urls {
        engine
            .add_source_unchecked(&feed_source(&url.clone(), name))
            .unwrap();
    }
    let started = Instant::now();
    let s = rt().block_on(engine.poll(None)).unwrap();
    eprintln!("no network: {:?} {s:?}", started.elapsed());
    assert_eq!((s.sources, s.ok, s.failed), (3, 0, 3), "{s:?}");
    assert_eq!(s.errors.len(), 3);
    for src in support::archive(&engine).list_sources().unwrap() {
        let err = src.health.last_error.clone().unwrap_or_default();
        assert!(
            err.starts_with("could not connect to") || err.starts_with("no answer within"),
            "{}: {err:?}",
            src.name
        );
        assert!(src.health.last_success_at.is_none());
        assert_eq!(src.health.consecutive_failures, 1);
        // The source backs off instead of being retried at once.
        assert!(src.health.next_fetch_at.unwrap() > support::test_now());
    }
    // A second engine opened on the same archive starts normally and shows
    // the same errors: starting never needs the network.
    drop(engine);
    let again = open(&dir.path().join("o.db"), Arc::new(Recorder::default()));
    let sources = support::archive(&again).list_sources().unwrap();
    assert!(sources.iter().all(|s| s.health.last_error.is_some()));
}

/// Stores one article from a fixture server and returns the archive's
/// article count.
fn seed_archive(db: &Path) -> u64 {
    let server = FeedServer::start(&rss(&[(
        "k1",
        "Khorog market reopens",
        "Traders in Khorog.",
    )]));
    let engine = open(db, Arc::new(Recorder::default()));
    engine
        .add_watchlist(&watchlist("Khorog", "Khorog"))
        .unwrap();
    engine
        .add_source_unchecked(&feed_source(&server.feed_url(), "Wire"))
        .unwrap();
    let s = rt().block_on(engine.poll(None)).unwrap();
    assert_eq!((s.new_articles, s.alerts), (1, 1), "{s:?}");
    support::archive(&engine).count_articles().unwrap()
}

#[test]
fn read_only_data_folder_is_a_clear_error_and_corrupts_nothing() {
    let Some(fs) = Tmpfs::mount("8m") else {
        // Without mount, a read-only folder can still be made for a user
        // other than root; root ignores permission bits, so there is no
        // honest way to make a read-only folder here.
        eprintln!("SKIPPED read-only folder: this process may not mount a tmpfs");
        return;
    };
    let db = fs.dir.join("data").join("outpost.db");
    assert_eq!(seed_archive(&db), 1);

    fs.remount("ro");
    let err = outpost_engine::Engine::open(outpost_engine::EngineOptions {
        db_path: db.clone(),
        seed: false,
        sink: Arc::new(Recorder::default()),
        events: Arc::new(outpost_engine::NoEvents),
        clock: outpost_engine::system_clock(),
    })
    .err()
    .expect("opening an archive in a read-only folder fails");
    let msg = err.to_string();
    eprintln!("read-only folder: {msg}");
    assert!(
        msg.contains(&db.display().to_string()),
        "the error names the archive: {msg}"
    );
    assert!(msg.contains("read-only"), "the error says why: {msg}");

    // A new archive in a read-only folder fails the same way.
    let fresh = fs.dir.join("other").join("outpost.db");
    let err = outpost_store::Store::open(&fresh).unwrap_err();
    assert!(
        matches!(err, outpost_store::StoreError::ReadOnly { .. }),
        "{err:?}"
    );

    fs.remount("rw");
    let store = outpost_store::Store::open(&db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    assert_eq!(store.count_articles().unwrap(), 1);
    assert_eq!(store.count_alerts().unwrap(), 1);
}

#[test]
fn full_disk_is_a_clear_error_and_keeps_what_was_stored() {
    let Some(fs) = Tmpfs::mount("16m") else {
        eprintln!("SKIPPED full disk: this process may not mount a tmpfs");
        return;
    };
    let db = fs.dir.join("outpost.db");
    assert_eq!(seed_archive(&db), 1);

    // A feed far larger than the space left once the disk is filled.
    let items: Vec<(String, String, String)> = (0..400)
        .map(|i| {
            (
                format!("big{i}"),
                format!("Khorog dispatch {i}"),
                format!(
                    "{} {i}",
                    "Border guards in Khorog reported movement. ".repeat(40)
                ),
            )
        })
        .collect();
    let refs: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    let big = FeedServer::start(&rss(&refs));

    let engine = open(&db, Arc::new(Recorder::default()));
    let big_id = engine
        .add_source_unchecked(&feed_source(&big.feed_url(), "Big wire"))
        .unwrap();
    fill(&fs.dir.join("filler"));

    let s = rt().block_on(engine.poll(Some(vec![big_id])));
    eprintln!("full disk: {s:?}");
    let failure = match s {
        Ok(s) => {
            assert_eq!((s.ok, s.failed, s.new_articles), (0, 1, 0), "{s:?}");
            s.errors.join("\n")
        }
        Err(e) => e.to_string(),
    };
    assert!(
        failure.contains("is full. Free some space and try again; nothing already stored was lost"),
        "{failure}"
    );
    assert!(failure.contains(&db.display().to_string()), "{failure}");
    drop(engine);

    std::fs::remove_file(fs.dir.join("filler")).unwrap();
    let store = outpost_store::Store::open(&db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    assert_eq!(
        store.count_articles().unwrap(),
        1,
        "the earlier article is intact"
    );
    assert_eq!(store.count_alerts().unwrap(), 1);
    drop(store);

    // With space again, the same source stores everything.
    let engine = open(&db, Arc::new(Recorder::default()));
    let s = rt().block_on(engine.poll(Some(vec![big_id]))).unwrap();
    assert_eq!((s.ok, s.new_articles), (1, 400), "{s:?}");
}

/// Writes zeros to `path` until the file system says it is full.
fn fill(path: &Path) {
    use std::io::Write;
    let mut f = std::fs::File::create(path).unwrap();
    let block = vec![0u8; 64 * 1024];
    loop {
        if f.write_all(&block).is_err() {
            break;
        }
    }
    // Smaller writes take the last partial block too.
    let small = [0u8; 512];
    while f.write_all(&small).is_ok() {}
    let _ = f.sync_all();
}

/// Serves a distinct small feed at every `/f/N`, slowly enough that two
/// pollers overlap, and counts the requests per path.
struct CountingServer {
    base: String,
    hits: Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>,
}

impl CountingServer {
    fn start() -> CountingServer {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let base = format!("http://{}", server.server_addr().to_ip().unwrap());
        let hits = Arc::new(std::sync::Mutex::new(std::collections::HashMap::new()));
        let (s, h) = (server.clone(), hits.clone());
        thread::spawn(move || {
            for req in s.incoming_requests() {
                let path = req.url().to_string();
                *h.lock().unwrap().entry(path.clone()).or_insert(0) += 1;
                thread::spawn(move || {
                    thread::sleep(Duration::from_millis(30));
                    let n = path.trim_start_matches("/f/");
                    let items: Vec<(String, String, String)> = (0..5)
                        .map(|i| {
                            (
                                format!("f{n}-{i}"),
                                format!("Report {i} from outlet {n} on the Tajik-Afghan border"),
                                format!("Item {i} of feed {n}."),
                            )
                        })
                        .collect();
                    let refs: Vec<(&str, &str, &str)> = items
                        .iter()
                        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
                        .collect();
                    let _ = req.respond(tiny_http::Response::from_string(rss(&refs)));
                });
            }
        });
        CountingServer { base, hits }
    }
}

/// Hardening 2, item 12: two pollers on one archive (the app beside
/// `outpost poll`) used to fail 2–16 of 80 sources with "database is
/// locked", and both fetched every feed. Now writes wait for the lock and
/// a poll lease makes the second poller skip what the first has in flight.
#[test]
fn two_pollers_on_one_archive_fail_nothing_and_fetch_each_feed_once() {
    let server = CountingServer::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("o.db");
    let first = open(&db, Arc::new(Recorder::default()));
    let second = open(&db, Arc::new(Recorder::default()));
    for i in 0..80 {
        first
            .add_source_unchecked(&feed_source(
                &format!("{}/f/{i}", server.base),
                &format!("S{i}"),
            ))
            .unwrap();
    }
    first.add_watchlist(&watchlist("Tajik", "Tajik")).unwrap();
    second.recompile().unwrap();
    let (a, b) = rt().block_on(async { tokio::join!(first.poll(None), second.poll(None)) });
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!((a.failed, b.failed), (0, 0), "{a:?} {b:?}");
    assert_eq!(a.ok + b.ok, 80, "{a:?} {b:?}");
    assert_eq!(a.new_articles + b.new_articles, 400);
    assert_eq!(a.alerts + b.alerts, 400);
    let hits = server.hits.lock().unwrap();
    assert_eq!(hits.len(), 80);
    assert!(hits.values().all(|&n| n == 1), "{hits:?}");
}
