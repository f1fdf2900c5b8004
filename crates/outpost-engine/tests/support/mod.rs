//! A real HTTP feed server on 127.0.0.1 for the engine's tests, with ETag
//! support so conditional GET is exercised for real.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use outpost_core::{NewSource, NewWatchlist, Severity, SourceKind};
use outpost_engine::notify::{NotificationSink, NotificationStatus, Silent};
use outpost_engine::{Clock, Engine, EngineOptions, NoEvents};

pub struct FeedServer {
    pub base: String,
    body: Arc<Mutex<String>>,
    pub requests: Arc<AtomicUsize>,
    pub not_modified: Arc<AtomicUsize>,
    server: Arc<tiny_http::Server>,
}

impl FeedServer {
    /// Serves `body` at `/feed.xml` (ETag = a hash of the body) and a page
    /// at `/` that links to it.
    pub fn start(body: &str) -> FeedServer {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let base = format!(
            "http://{}",
            server.server_addr().to_ip().expect("ip address")
        );
        let body = Arc::new(Mutex::new(body.to_string()));
        let requests = Arc::new(AtomicUsize::new(0));
        let not_modified = Arc::new(AtomicUsize::new(0));
        let (s, b, r, nm) = (
            server.clone(),
            body.clone(),
            requests.clone(),
            not_modified.clone(),
        );
        thread::spawn(move || {
            for req in s.incoming_requests() {
                r.fetch_add(1, Ordering::SeqCst);
                let current = b.lock().unwrap().clone();
                let etag = format!("\"{:x}\"", fnv(current.as_bytes()));
                let header = |k: &str, v: &str| {
                    tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap()
                };
                let response = match req.url() {
                    "/feed.xml" => {
                        let inm = req.headers().iter().find(|h| h.field.equiv("If-None-Match")).map(|h| h.value.to_string());
                        if inm.as_deref() == Some(etag.as_str()) {
                            nm.fetch_add(1, Ordering::SeqCst);
                            tiny_http::Response::from_string("").with_status_code(304).with_header(header("ETag", &etag))
                        } else {
                            tiny_http::Response::from_string(current)
                                .with_header(header("Content-Type", "application/rss+xml; charset=utf-8"))
                                .with_header(header("ETag", &etag))
                        }
                    }
                    "/" => tiny_http::Response::from_string(
                        "<html><head><title>Wire</title><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed.xml\"></head></html>",
                    )
                    .with_header(header("Content-Type", "text/html")),
                    _ => tiny_http::Response::from_string("not found").with_status_code(404),
                };
                let _ = req.respond(response);
            }
        });
        FeedServer {
            base,
            body,
            requests,
            not_modified,
            server,
        }
    }

    pub fn feed_url(&self) -> String {
        format!("{}/feed.xml", self.base)
    }

    pub fn set_body(&self, body: &str) {
        *self.body.lock().unwrap() = body.to_string();
    }
}

impl Drop for FeedServer {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The instant the test engines live at: fixtures are dated relative to it,
/// so no test depends on the day it runs.
pub fn test_now() -> outpost_core::Timestamp {
    use chrono::TimeZone;
    chrono::Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap()
}

/// A clock that stands still at [`test_now`].
pub fn fixed_clock() -> outpost_engine::Clock {
    Arc::new(test_now)
}

/// An RSS 2.0 document with `(guid, title, description)` items, published
/// an hour before [`test_now`].
pub fn rss(items: &[(&str, &str, &str)]) -> String {
    let published = (test_now() - chrono::Duration::hours(1)).to_rfc2822();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Khatlon Wire</title><link>http://127.0.0.1/</link><description>Fixture</description>\n",
    );
    for (guid, title, desc) in items {
        out.push_str(&format!(
            "<item><guid>{guid}</guid><title>{title}</title><link>http://127.0.0.1/news/{guid}</link><pubDate>{published}</pubDate><description>{desc}</description></item>\n"
        ));
    }
    out.push_str("</channel></rss>\n");
    out
}

/// Remembers what it was asked to show.
#[derive(Default)]
pub struct Recorder {
    pub sent: Mutex<Vec<outpost_core::policy::Notification>>,
}

impl NotificationSink for Recorder {
    fn send(&self, n: &outpost_core::policy::Notification) -> Result<(), String> {
        self.sent.lock().unwrap().push(n.clone());
        Ok(())
    }
    fn status(&self) -> NotificationStatus {
        NotificationStatus::default()
    }
}

/// An engine on `db` whose clock stands still at [`test_now`].
pub fn open(db: &Path, sink: Arc<dyn NotificationSink>) -> Arc<Engine> {
    open_with_clock(db, sink, fixed_clock())
}

/// An engine on `db`, unseeded, that reads the time from `clock`.
pub fn open_with_clock(db: &Path, sink: Arc<dyn NotificationSink>, clock: Clock) -> Arc<Engine> {
    Engine::open(EngineOptions {
        db_path: db.to_path_buf(),
        seed: false,
        sink,
        events: Arc::new(NoEvents),
        clock,
    })
    .expect("open engine")
}

/// An engine on `dir/outpost.db` that shows no notifications, on `clock`.
pub fn open_silent(dir: &Path, clock: Clock) -> Arc<Engine> {
    open_with_clock(&dir.join("outpost.db"), Arc::new(Silent), clock)
}

/// A feed source polled every 15 minutes with no language, country, folder
/// or tags; tests set other fields with struct update syntax.
pub fn feed_source(url: &str, name: &str) -> NewSource {
    NewSource {
        kind: SourceKind::Feed,
        settings: Default::default(),
        url: url.into(),
        name: name.into(),
        interval_secs: 900,
        lang: None,
        country: None,
        folder: None,
        tags: vec![],
    }
}

/// A runtime for the engine's async use cases.
pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Adds the feed at `url` through the engine's use case and polls every
/// source once.
pub fn add_feed_and_poll(
    rt: &tokio::runtime::Runtime,
    engine: &Arc<Engine>,
    url: String,
) -> outpost_engine::PollSummary {
    rt.block_on(engine.add_source(outpost_engine::NewSourceRequest {
        url,
        ..Default::default()
    }))
    .unwrap();
    rt.block_on(engine.poll(None)).unwrap()
}

/// A watchlist of high severity over every source and language that does
/// not notify; tests set other fields with struct update syntax.
pub fn watchlist(name: &str, query: &str) -> NewWatchlist {
    NewWatchlist {
        name: name.into(),
        query: query.into(),
        severity: Severity::High,
        notify: false,
        scope_sources: vec![],
        scope_langs: vec![],
        color: None,
    }
}

/// A tmpfs mounted for one test and unmounted when dropped; `None` when
/// this process may not mount (not root, or no CAP_SYS_ADMIN).
pub struct Tmpfs {
    pub dir: PathBuf,
    _holder: tempfile::TempDir,
}

impl Tmpfs {
    pub fn mount(size: &str) -> Option<Tmpfs> {
        let holder = tempfile::tempdir().ok()?;
        let dir = holder.path().join("mnt");
        std::fs::create_dir(&dir).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Tmpfs {
            dir,
            _holder: holder,
        })
    }

    /// Remounts with `mode` (`ro` or `rw`), as a disk that changes under
    /// the engine would.
    pub fn remount(&self, mode: &str) {
        let st = Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(&self.dir)
            .status()
            .unwrap();
        assert!(st.success(), "remount {mode}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}

/// A second connection to the engine's archive, for what a test seeds or
/// inspects below the engine's use cases; the shells never do this, they
/// only call the engine.
pub fn archive(engine: &Engine) -> outpost_store::Store {
    outpost_store::Store::open(engine.db_path()).expect("open the archive")
}
