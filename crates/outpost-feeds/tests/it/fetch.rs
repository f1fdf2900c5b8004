//! The fetcher against a real HTTP server on 127.0.0.1.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use outpost_feeds::fetch::{FetchConfig, FetchError, FetchOutcome, FetchRequest, Fetcher};

use crate::server::{Reply, TestServer};

const FEED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Border news</title><link>https://example.tj/</link>
<item><title>Crossing closed</title><link>https://example.tj/1</link><pubDate>Tue, 05 Mar 2024 09:05:00 +0500</pubDate></item>
</channel></rss>"#;

fn fetcher() -> Fetcher {
    Fetcher::new(FetchConfig::default()).expect("default config")
}

fn body_of(outcome: FetchOutcome) -> Vec<u8> {
    match outcome {
        FetchOutcome::Fetched { body, .. } => body,
        other => panic!("expected a body, got {other:?}"),
    }
}

#[tokio::test]
async fn etag_then_not_modified() {
    let server = TestServer::start(|req| {
        if req.header("If-None-Match") == Some("\"v1\"") {
            Reply::status(304)
        } else {
            Reply::ok(FEED, "application/rss+xml").header("ETag", "\"v1\"")
        }
    });
    let f = fetcher();
    let first = f.fetch(&FetchRequest::new(server.url("/feed"))).await;
    let FetchOutcome::Fetched {
        etag, status, body, ..
    } = first
    else {
        panic!("first fetch: {first:?}")
    };
    assert_eq!((status, etag.as_deref()), (200, Some("\"v1\"")));
    assert_eq!(body, FEED.as_bytes());
    let again = FetchRequest {
        etag,
        ..FetchRequest::new(server.url("/feed"))
    };
    let second = f.fetch(&again).await;
    assert!(
        matches!(
            second,
            FetchOutcome::NotModified {
                moved_permanently_to: None,
                ..
            }
        ),
        "{second:?}"
    );
    assert_eq!(server.seen()[1].header("If-None-Match"), Some("\"v1\""));
}

#[tokio::test]
async fn last_modified_then_not_modified() {
    const LM: &str = "Tue, 05 Mar 2024 09:05:00 GMT";
    let server = TestServer::start(|req| {
        if req.header("If-Modified-Since") == Some(LM) {
            Reply::status(304)
        } else {
            Reply::ok(FEED, "application/rss+xml").header("Last-Modified", LM)
        }
    });
    let f = fetcher();
    let FetchOutcome::Fetched { last_modified, .. } =
        f.fetch(&FetchRequest::new(server.url("/feed"))).await
    else {
        panic!("first fetch failed")
    };
    assert_eq!(last_modified.as_deref(), Some(LM));
    let second = f
        .fetch(&FetchRequest {
            last_modified,
            ..FetchRequest::new(server.url("/feed"))
        })
        .await;
    assert!(
        matches!(second, FetchOutcome::NotModified { .. }),
        "{second:?}"
    );
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[tokio::test]
async fn gzip_and_deflate_are_decompressed() {
    let server = TestServer::start(|req| {
        let accepts = req.header("Accept-Encoding").unwrap_or("").to_string();
        match req.path.as_str() {
            "/gz" if accepts.contains("gzip") => {
                Reply::ok(gzip(FEED.as_bytes()), "application/rss+xml")
                    .header("Content-Encoding", "gzip")
            }
            "/deflate" if accepts.contains("deflate") => {
                Reply::ok(deflate(FEED.as_bytes()), "application/rss+xml")
                    .header("Content-Encoding", "deflate")
            }
            _ => Reply::status(406),
        }
    });
    let f = fetcher();
    for path in ["/gz", "/deflate"] {
        let body = body_of(f.fetch(&FetchRequest::new(server.url(path))).await);
        assert_eq!(body, FEED.as_bytes(), "{path}");
    }
    let ae = server.seen()[0]
        .header("Accept-Encoding")
        .unwrap()
        .to_string();
    assert!(ae.contains("br"), "brotli is offered too: {ae}");
}

#[tokio::test]
async fn permanent_redirects_update_the_url_temporary_ones_do_not() {
    let server = TestServer::start(|req| match req.path.as_str() {
        "/old" => Reply::status(301).header("Location", "/new"),
        "/perm308" => Reply::status(308).header("Location", "/new"),
        "/temp" => Reply::status(302).header("Location", "/new"),
        "/chain" => Reply::status(301).header("Location", "/hop"),
        "/hop" => Reply::status(302).header("Location", "/new"),
        "/loop" => Reply::status(302).header("Location", "/loop"),
        "/nowhere" => Reply::status(301),
        "/new" => Reply::ok(FEED, "application/rss+xml"),
        _ => Reply::status(404),
    });
    let f = fetcher();
    let moved = |o: FetchOutcome| match o {
        FetchOutcome::Fetched {
            moved_permanently_to,
            final_url,
            ..
        } => (
            moved_permanently_to.map(|u| u.path().to_string()),
            final_url.path().to_string(),
        ),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        moved(f.fetch(&FetchRequest::new(server.url("/old"))).await),
        (Some("/new".into()), "/new".into())
    );
    assert_eq!(
        moved(f.fetch(&FetchRequest::new(server.url("/perm308"))).await),
        (Some("/new".into()), "/new".into())
    );
    assert_eq!(
        moved(f.fetch(&FetchRequest::new(server.url("/temp"))).await),
        (None, "/new".into())
    );
    // Only the permanent start of a chain counts: store /hop, not /new.
    assert_eq!(
        moved(f.fetch(&FetchRequest::new(server.url("/chain"))).await),
        (Some("/hop".into()), "/new".into())
    );
    let looped = f.fetch(&FetchRequest::new(server.url("/loop"))).await;
    assert!(
        matches!(
            looped,
            FetchOutcome::Failed {
                error: FetchError::TooManyRedirects,
                ..
            }
        ),
        "{looped:?}"
    );
    let nowhere = f.fetch(&FetchRequest::new(server.url("/nowhere"))).await;
    assert!(
        matches!(
            nowhere,
            FetchOutcome::Failed {
                error: FetchError::BadRedirect { status: 301 },
                ..
            }
        ),
        "{nowhere:?}"
    );
}

#[tokio::test]
async fn gone_disables_with_a_reason() {
    let server = TestServer::start(|_| Reply::status(410));
    let out = fetcher()
        .fetch(&FetchRequest::new(server.url("/feed")))
        .await;
    let FetchOutcome::Gone { reason, .. } = out else {
        panic!("{out:?}")
    };
    assert!(reason.contains("410"), "{reason}");
}

#[tokio::test]
async fn retry_after_is_reported_with_the_failure() {
    let server = TestServer::start(|req| match req.path.as_str() {
        "/busy" => Reply::status(503).header("Retry-After", "120"),
        "/limited" => Reply::status(429).header("Retry-After", "Fri, 01 Jan 2100 00:00:00 GMT"),
        _ => Reply::status(500),
    });
    let f = fetcher();
    let out = f.fetch(&FetchRequest::new(server.url("/busy"))).await;
    let FetchOutcome::Failed {
        error, retry_after, ..
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!(
        error,
        FetchError::Status {
            status: 503,
            reason: "Service Unavailable".into()
        }
    );
    assert_eq!(retry_after, Some(Duration::from_secs(120)));
    assert!(error.to_string().contains("503"));
    let out = f.fetch(&FetchRequest::new(server.url("/limited"))).await;
    let FetchOutcome::Failed { retry_after, .. } = out else {
        panic!("{out:?}")
    };
    assert_eq!(
        retry_after,
        Some(outpost_feeds::fetch::MAX_RETRY_AFTER),
        "far dates are capped"
    );
    let out = f.fetch(&FetchRequest::new(server.url("/other"))).await;
    assert!(
        matches!(
            out,
            FetchOutcome::Failed {
                retry_after: None,
                ..
            }
        ),
        "{out:?}"
    );
}

#[tokio::test]
async fn a_slow_server_hits_the_total_timeout() {
    let server =
        TestServer::start(|_| Reply::ok(FEED, "application/rss+xml").delay(Duration::from_secs(3)));
    let f = Fetcher::new(FetchConfig {
        total_timeout: Duration::from_millis(400),
        ..FetchConfig::default()
    })
    .unwrap();
    let out = f.fetch(&FetchRequest::new(server.url("/slow"))).await;
    let FetchOutcome::Failed { error, elapsed, .. } = out else {
        panic!("{out:?}")
    };
    assert_eq!(error.code(), "timeout", "{error}");
    assert!(
        elapsed < Duration::from_secs(3),
        "gave up before the server answered: {elapsed:?}"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused_also_after_decompression() {
    let big = vec![b'x'; 2 * 1024 * 1024];
    let bomb = gzip(&vec![b' '; 8 * 1024 * 1024]);
    assert!(bomb.len() < 64 * 1024, "the compressed body is small");
    let server = TestServer::start(move |req| match req.path.as_str() {
        "/big" => Reply::ok(big.clone(), "application/rss+xml"),
        _ => Reply::ok(bomb.clone(), "application/rss+xml").header("Content-Encoding", "gzip"),
    });
    let f = Fetcher::new(FetchConfig {
        max_body_bytes: 1024 * 1024,
        ..FetchConfig::default()
    })
    .unwrap();
    for path in ["/big", "/bomb"] {
        let out = f.fetch(&FetchRequest::new(server.url(path))).await;
        assert!(
            matches!(
                out,
                FetchOutcome::Failed {
                    error: FetchError::BodyTooLarge { limit: 1048576 },
                    ..
                }
            ),
            "{path}: {out:?}"
        );
    }
}

#[tokio::test]
async fn malformed_xml_is_fetched_and_read_with_warnings() {
    let broken = "<rss version=\"2.0\"><channel><title>Broken &nbsp; feed</title><item><title>One</title></item><item><title>Two";
    let server = TestServer::start(move |_| Reply::ok(broken, "application/rss+xml"));
    let url = server.url("/broken");
    let out = fetcher().fetch(&FetchRequest::new(url.clone())).await;
    let FetchOutcome::Fetched {
        body, content_type, ..
    } = out
    else {
        panic!("{out:?}")
    };
    let feed =
        outpost_feeds::parse(&body, content_type.as_deref(), Some(&url)).expect("partly readable");
    assert_eq!(feed.entries.len(), 2);
    assert_eq!(feed.entries[1].title.as_deref(), Some("Two"));
    assert!(feed.warnings.len() >= 2, "{:?}", feed.warnings);
}

#[tokio::test]
async fn cyrillic_legacy_charsets_over_http() {
    let text = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Новости Хатлона</title>\
        <item><title>На границе с Афганистаном задержаны нарушители</title></item></channel></rss>";
    let cp1251 = encoding_rs::WINDOWS_1251.encode(text).0.into_owned();
    let koi8 = encoding_rs::KOI8_R.encode(text).0.into_owned();
    let server = TestServer::start(move |req| match req.path.as_str() {
        "/1251" => Reply::ok(cp1251.clone(), "application/rss+xml; charset=windows-1251"),
        _ => Reply::ok(koi8.clone(), "text/xml; charset=KOI8-R"),
    });
    let f = fetcher();
    for (path, label) in [("/1251", "windows-1251"), ("/koi8", "koi8-r")] {
        let url = server.url(path);
        let out = f.fetch(&FetchRequest::new(url.clone())).await;
        let FetchOutcome::Fetched {
            body, content_type, ..
        } = out
        else {
            panic!("{out:?}")
        };
        let feed = outpost_feeds::parse(&body, content_type.as_deref(), Some(&url)).unwrap();
        assert_eq!(feed.encoding.label, label);
        assert_eq!(feed.title.as_deref(), Some("Новости Хатлона"));
        assert_eq!(
            feed.entries[0].title.as_deref(),
            Some("На границе с Афганистаном задержаны нарушители")
        );
        assert!(feed.warnings.is_empty(), "{:?}", feed.warnings);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn per_host_and_global_limits_hold() {
    let server = TestServer::start(|_| {
        Reply::ok(FEED, "application/rss+xml").delay(Duration::from_millis(150))
    });
    let f = Fetcher::new(FetchConfig {
        per_host_limit: 2,
        global_limit: 3,
        ..FetchConfig::default()
    })
    .unwrap();
    // Same server, one host name: at most 2 at once.
    let mut tasks = Vec::new();
    for i in 0..6 {
        let (f, url) = (f.clone(), server.url(&format!("/a{i}")));
        tasks.push(tokio::spawn(async move {
            f.fetch(&FetchRequest::new(url)).await
        }));
    }
    for t in tasks {
        assert!(matches!(t.await.unwrap(), FetchOutcome::Fetched { .. }));
    }
    assert_eq!(server.max_in_flight(), 2, "per-host limit");

    // Two servers (two hosts to the limiter): 2 + 2 would be allowed per
    // host, the global limit caps the sum at 3.
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let handler = {
        let (in_flight, peak) = (in_flight.clone(), peak.clone());
        move |_: &crate::server::Seen| {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(150));
            in_flight.fetch_sub(1, Ordering::SeqCst);
            Reply::ok(FEED, "application/rss+xml")
        }
    };
    let a = TestServer::start(handler.clone());
    let b = TestServer::start(handler);
    let mut tasks = Vec::new();
    for i in 0..8 {
        let f = f.clone();
        let url = if i % 2 == 0 {
            a.url(&format!("/b{i}"))
        } else {
            b.url(&format!("/c{i}"))
        };
        tasks.push(tokio::spawn(async move {
            f.fetch(&FetchRequest::new(url)).await
        }));
    }
    for t in tasks {
        let out = t.await.unwrap();
        assert!(matches!(out, FetchOutcome::Fetched { .. }), "{out:?}");
    }
    assert_eq!(peak.load(Ordering::SeqCst), 3, "global limit");
}

#[tokio::test]
async fn the_user_agent_is_honest() {
    let server = TestServer::start(|_| Reply::ok(FEED, "application/rss+xml"));
    let _ = fetcher().fetch(&FetchRequest::new(server.url("/"))).await;
    let ua = server.seen()[0].header("User-Agent").unwrap().to_string();
    assert!(
        ua.starts_with(&format!("Outpost/{} ", env!("CARGO_PKG_VERSION"))),
        "{ua}"
    );
}

#[tokio::test]
async fn requests_go_through_the_configured_http_proxy() {
    // The "proxy" answers itself and records the absolute-form target that
    // only a proxy receives.
    let proxy = TestServer::start(|_| Reply::ok(FEED, "application/rss+xml"));
    let f = Fetcher::new(FetchConfig {
        proxy: Some(proxy.base.as_str().trim_end_matches('/').to_string()),
        ..FetchConfig::default()
    })
    .unwrap();
    let out = f
        .fetch(&FetchRequest::new(
            "http://feeds.example.invalid/rss".parse().unwrap(),
        ))
        .await;
    assert_eq!(body_of(out), FEED.as_bytes());
    assert_eq!(proxy.seen()[0].target, "http://feeds.example.invalid/rss");
}

#[tokio::test]
async fn a_refused_connection_is_a_readable_failure() {
    // Bind then drop to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = fetcher()
        .fetch(&FetchRequest::new(
            format!("http://127.0.0.1:{port}/").parse().unwrap(),
        ))
        .await;
    let FetchOutcome::Failed { error, .. } = out else {
        panic!("{out:?}")
    };
    assert_eq!(error.code(), "connect");
    assert!(
        error
            .to_string()
            .starts_with("could not connect to 127.0.0.1"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fetcher_is_shared_across_tasks() {
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let server = TestServer::start(move |_| {
        h.fetch_add(1, Ordering::SeqCst);
        Reply::ok(FEED, "application/rss+xml")
    });
    let f = fetcher();
    let handles: Vec<_> = (0..10)
        .map(|i| {
            let (f, url) = (f.clone(), server.url(&format!("/s{i}")));
            tokio::spawn(async move { f.fetch(&FetchRequest::new(url)).await })
        })
        .collect();
    for h in handles {
        assert!(matches!(h.await.unwrap(), FetchOutcome::Fetched { .. }));
    }
    assert_eq!(hits.load(Ordering::SeqCst), 10);
}
