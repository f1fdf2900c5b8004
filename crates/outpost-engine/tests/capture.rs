//! Evidence capture against hostile pages, served by a real HTTP server on
//! 127.0.0.1: the capture always completes, keeps the feed text, and says
//! why the page was not kept.

mod support;

use chrono::Utc;
use outpost_engine::{Engine, evidence, system_clock};
use outpost_store::NewArticle;
use support::{archive, feed_source, open_silent};

/// Serves each `(path, content type, body)`; a `None` content type sends
/// no Content-Type header at all.
fn serve(pages: Vec<(&'static str, Option<&'static str>, Vec<u8>)>) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            let found = pages.iter().find(|(p, _, _)| *p == req.url());
            let response = match found {
                Some((_, ct, body)) => {
                    let mut r = tiny_http::Response::from_data(body.clone());
                    if let Some(ct) = ct {
                        r = r.with_header(
                            format!("Content-Type: {ct}")
                                .parse::<tiny_http::Header>()
                                .unwrap(),
                        );
                    }
                    r
                }
                None => tiny_http::Response::from_data(b"not here".to_vec()).with_status_code(404),
            };
            let _ = req.respond(response);
        }
    });
    format!("http://127.0.0.1:{port}")
}

fn add_article(engine: &Engine, url: &str, text: &str) -> i64 {
    let store = archive(engine);
    let now = Utc::now();
    let source = store
        .add_source(&feed_source(&format!("{url}.feed"), "Local"), now)
        .unwrap();
    let new = NewArticle {
        guid: Some(url.to_string()),
        url: Some(url.to_string()),
        title: "Story".into(),
        content_html: format!("<p>{text}</p>"),
        text: text.to_string(),
        ..NewArticle::default()
    };
    store.ingest(source, &[new], now).unwrap()[0].article_id
}

// Hardening 2, item 2: a page of 40,000 nested <div>s burnt 40 s in the
// page reader and then overflowed its stack, aborting the process; every
// retry of the save crashed again. Nesting is now bounded before the
// reader runs, so the save completes and the process lives on.
#[tokio::test]
async fn a_page_of_forty_thousand_nested_divs_is_saved_without_a_crash() {
    let n = 40_000;
    let deep = format!(
        "<html><head><title>Deep</title></head><body>{}<p>Hidden at the bottom of the well.</p>{}</body></html>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let base = serve(vec![("/deep", Some("text/html"), deep.into_bytes())]);
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), system_clock());
    let id = add_article(&engine, &format!("{base}/deep"), "Feed teaser.");
    let snap = evidence::save_article(&engine, id).await.unwrap();
    // Either the flattened page is read, or the reason it was not is kept
    // beside the feed text; never a crash, never nothing.
    match &snap.error {
        None => assert!(
            snap.text
                .as_deref()
                .unwrap()
                .contains("Hidden at the bottom"),
            "{snap:?}"
        ),
        Some(e) => {
            assert!(e.contains("/deep"), "{e}");
            assert_eq!(snap.text.as_deref(), Some("Feed teaser."));
        }
    }
    assert_eq!(
        archive(&engine).get_snapshot(id).unwrap().as_ref(),
        Some(&snap),
        "stored"
    );
    // The process is still here and can save again.
    let again = evidence::capture(&engine, id).await.unwrap();
    assert_eq!(again.text, snap.text);
}

// Hardening 2, item 2: a page with more elements than an article ever has is
// refused with a sentence, and the feed text is kept.
#[tokio::test]
async fn a_page_of_too_many_elements_keeps_the_feed_text_and_says_why() {
    let flat = format!(
        "<html><body>{}</body></html>",
        "<span>x</span>".repeat(150_000)
    );
    let base = serve(vec![("/huge", Some("text/html"), flat.into_bytes())]);
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), system_clock());
    let id = add_article(&engine, &format!("{base}/huge"), "Feed teaser.");
    let snap = evidence::save_article(&engine, id).await.unwrap();
    let error = snap.error.as_deref().expect("the refusal is recorded");
    assert!(error.contains("more than 100000 elements"), "{error}");
    assert_eq!(snap.text.as_deref(), Some("Feed teaser."));
}

// Hardening 2, smaller ones: a binary served without a Content-Type was
// captured as "readable text" evidence.
#[tokio::test]
async fn an_unlabelled_binary_is_not_captured_as_a_page() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..4000u32).map(|i| (i * 7 % 251) as u8));
    let mut junk: Vec<u8> = (0..4000u32).map(|i| (i % 31 + 1) as u8).collect();
    junk.extend(b"<p>some words</p>");
    let base = serve(vec![("/image", None, png), ("/junk", None, junk)]);
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), system_clock());
    for path in ["/image", "/junk"] {
        let id = add_article(&engine, &format!("{base}{path}"), "Feed teaser.");
        let snap = evidence::save_article(&engine, id).await.unwrap();
        let error = snap.error.as_deref().expect("refused");
        assert!(error.contains("is not a web page"), "{path}: {error}");
        assert_eq!(snap.text.as_deref(), Some("Feed teaser."));
    }
}

/// A page server on 127.0.0.1 for the redirect guard: `/to-loopback` and
/// `/to-name` redirect into "internal" addresses, `/within` stays on the
/// host it was asked on, `/secret` is the internal page that must never be
/// captured, `/img-to-loopback` redirects an image.
fn serve_redirects() -> u16 {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            let redirect = |to: String| {
                tiny_http::Response::from_data(Vec::new())
                    .with_status_code(302)
                    .with_header(
                        format!("Location: {to}")
                            .parse::<tiny_http::Header>()
                            .unwrap(),
                    )
            };
            let page = |body: &str, ct: &str| {
                tiny_http::Response::from_data(body.as_bytes().to_vec()).with_header(
                    format!("Content-Type: {ct}")
                        .parse::<tiny_http::Header>()
                        .unwrap(),
                )
            };
            let response = match req.url() {
                "/to-loopback" => redirect(format!("http://127.0.0.1:{port}/secret")),
                "/to-name" => redirect(format!("http://internal.example:{port}/secret")),
                "/to-metadata" => redirect("http://169.254.169.254/latest/meta-data/".into()),
                "/within" => redirect("/secret".into()),
                "/img-to-loopback" => redirect(format!("http://127.0.0.1:{port}/pixel.png")),
                "/secret" => page(
                    "<html><body><article><h1>Router admin</h1><p>INTERNAL SECRET: the admin password of the office router is hunter2, and this paragraph is long enough to be read as an article by the readability extractor.</p><p>Second paragraph of the internal page, also long enough to count as readable text for the extractor.</p></article></body></html>",
                    "text/html",
                ),
                "/pixel.png" => page("\u{89}PNG fake", "image/png"),
                _ => tiny_http::Response::from_data(b"not here".to_vec()).with_status_code(404),
            };
            let _ = req.respond(response);
        }
    });
    port
}

fn guarded_fetcher() -> outpost_feeds::fetch::Fetcher {
    use outpost_feeds::fetch::{DnsResolver, FetchConfig, Fetcher};
    let loopback: std::net::IpAddr = "127.0.0.1".parse().unwrap();
    Fetcher::new(FetchConfig {
        guard_redirects: true,
        resolver: Some(DnsResolver::fixed([
            ("public.example".to_string(), loopback),
            ("internal.example".to_string(), loopback),
        ])),
        ..FetchConfig::default()
    })
    .unwrap()
}

// Hardening 2, item 11: an item link that redirected to loopback was
// captured as evidence, and the internal page ended up in the snapshot and
// the exports. `public.example` stands for a public site (the injected
// resolver leads it to the test server).
#[tokio::test]
async fn a_capture_refuses_a_redirect_from_a_public_page_into_internal_addresses() {
    let port = serve_redirects();
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), system_clock());
    let fetcher = guarded_fetcher();
    for (path, says) in [
        ("/to-loopback", "redirected to 127.0.0.1"),
        ("/to-metadata", "redirected to 169.254.169.254"),
        ("/to-name", "internal.example resolves to 127.0.0.1"),
    ] {
        let id = add_article(
            &engine,
            &format!("http://public.example:{port}{path}"),
            "Feed teaser.",
        );
        let snap = evidence::capture_with(&engine, &fetcher, id).await.unwrap();
        let error = snap.error.as_deref().expect("refused");
        assert!(error.contains(says), "{path}: {error}");
        assert!(error.contains("link-local"), "{path}: {error}");
        assert_eq!(snap.text.as_deref(), Some("Feed teaser."));
        assert!(!snap.html.unwrap().contains("INTERNAL SECRET"));
    }

    // Within the public host, redirects are followed as always.
    let id = add_article(
        &engine,
        &format!("http://public.example:{port}/within"),
        "Teaser.",
    );
    let snap = evidence::capture_with(&engine, &fetcher, id).await.unwrap();
    assert_eq!(snap.error, None, "{snap:?}");
    // An address the analyst's feed names on 127.0.0.1 itself still works,
    // redirects within it included.
    let id = add_article(
        &engine,
        &format!("http://127.0.0.1:{port}/to-loopback"),
        "T.",
    );
    let snap = evidence::capture_with(&engine, &fetcher, id).await.unwrap();
    assert_eq!(snap.error, None, "{snap:?}");
    assert!(snap.text.unwrap().contains("INTERNAL SECRET"));
}

// Hardening 2, item 11: image loads go through the same guard.
#[tokio::test]
async fn an_image_load_refuses_a_redirect_into_loopback() {
    let port = serve_redirects();
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), system_clock());
    let fetcher = guarded_fetcher();
    let err = engine
        .fetch_image_with(
            &fetcher,
            &format!("http://public.example:{port}/img-to-loopback"),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("redirected to 127.0.0.1"), "{err}");
    let ok = engine
        .fetch_image_with(&fetcher, &format!("http://public.example:{port}/pixel.png"))
        .await
        .unwrap();
    assert!(ok.starts_with("data:image/png;base64,"), "{ok}");
}

// Hardening 2, item 2: nesting a tree builder makes by itself (formatting
// elements closed out of order, re-opened by the "adoption agency") is
// bounded too, so this page cannot overflow the reader's stack either.
#[tokio::test]
async fn a_page_of_misnested_formatting_is_saved_without_a_crash() {
    let page = format!(
        "<html><body><p>Some text of the page that reads like an article, with commas, and more.</p>{}</body></html>",
        "<b><div></b>x".repeat(40_000)
    );
    let base = serve(vec![("/misnested", Some("text/html"), page.into_bytes())]);
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), system_clock());
    let id = add_article(&engine, &format!("{base}/misnested"), "Feed teaser.");
    let snap = evidence::save_article(&engine, id).await.unwrap();
    assert!(snap.text.is_some_and(|t| !t.is_empty()));
    assert!(
        archive(&engine).get_snapshot(id).unwrap().is_some(),
        "stored"
    );
}

/// The app calls this from an async Tauri command, which needs a `Send`
/// future.
#[test]
fn image_load_futures_are_send() {
    fn assert_send<T: Send>(_: T) {}
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), system_clock());
    assert_send(engine.fetch_image("http://127.0.0.1:1/x.png"));
    let fetcher = guarded_fetcher();
    assert_send(engine.fetch_image_with(&fetcher, "http://127.0.0.1:1/x.png"));
}
