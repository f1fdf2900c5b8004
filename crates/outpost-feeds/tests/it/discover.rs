//! Adding a source by site URL against a local server.

use outpost_feeds::discover::{ResolveError, resolve_source_url};
use outpost_feeds::fetch::{FetchConfig, Fetcher};

use crate::server::{Reply, TestServer};

const FEED: &str = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Khorog Today</title>
<link href="/"/><entry><title>Road reopened</title><link href="/posts/1"/><id>tag:x,1</id><updated>2024-03-05T09:05:00+05:00</updated></entry></feed>"#;

fn page(links: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=utf-8><title>Site</title>{links}</head><body><a href=/feed.xml>feed</a></body></html>"
    )
}

#[tokio::test]
async fn a_site_url_leads_to_its_advertised_feed() {
    let server = TestServer::start(|req| match req.path.as_str() {
        "/" => Reply::ok(
            page(
                r#"<link rel="alternate" type="application/atom+xml" title="Posts" href="/feed.xml">"#,
            ),
            "text/html; charset=utf-8",
        ),
        "/feed.xml" => Reply::ok(FEED, "application/atom+xml"),
        "/bare" => Reply::ok(page(""), "text/html"),
        _ => Reply::status(404),
    });
    let f = Fetcher::new(FetchConfig::default()).unwrap();

    let resolved = resolve_source_url(&f, &server.url("/")).await.unwrap();
    assert_eq!(resolved.feed_url, server.url("/feed.xml"));
    assert_eq!(resolved.title.as_deref(), Some("Khorog Today"));
    assert_eq!(
        resolved.parsed.entries[0].link.as_ref().unwrap(),
        server.url("/posts/1").as_str()
    );

    // A feed URL is its own source.
    let direct = resolve_source_url(&f, &server.url("/feed.xml"))
        .await
        .unwrap();
    assert_eq!(direct.feed_url, server.url("/feed.xml"));

    let err = resolve_source_url(&f, &server.url("/bare"))
        .await
        .unwrap_err();
    assert!(matches!(err, ResolveError::NoFeedFound { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("links to no RSS, Atom or JSON feed")
    );

    let err = resolve_source_url(&f, &server.url("/missing"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("HTTP 404"), "{err}");
}
