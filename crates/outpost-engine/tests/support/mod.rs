//! A real HTTP feed server on 127.0.0.1 for the engine's tests, with ETag
//! support so conditional GET is exercised for real.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use outpost_engine::notify::{NotificationSink, NotificationStatus};
use outpost_engine::{Engine, EngineOptions, NoEvents};

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

pub fn open(db: &std::path::Path, sink: Arc<dyn NotificationSink>) -> Arc<Engine> {
    Engine::open(EngineOptions {
        db_path: db.to_path_buf(),
        seed: false,
        sink,
        events: Arc::new(NoEvents),
        clock: fixed_clock(),
    })
    .expect("open engine")
}
