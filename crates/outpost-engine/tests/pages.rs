//! The selector builder's preview and the sources' health, against real
//! HTTP servers on 127.0.0.1 and real archives.

mod support;

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use outpost_core::PageSelectors;
use outpost_engine::api::{self, PagePreviewRequest};
use support::*;

/// Each path's body, content type and status.
type Routes = Arc<Mutex<Vec<(String, String, String, u16)>>>;

/// Serves whatever `routes` holds for a path (body, content type, status),
/// counting requests per path.
struct Server {
    base: String,
    routes: Routes,
    hits: Arc<AtomicUsize>,
    server: Arc<tiny_http::Server>,
}

impl Server {
    fn start() -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let base = format!("http://{}", server.server_addr().to_ip().unwrap());
        let routes: Routes = Arc::default();
        let hits = Arc::new(AtomicUsize::new(0));
        let (s, r, h) = (server.clone(), routes.clone(), hits.clone());
        thread::spawn(move || {
            for req in s.incoming_requests() {
                h.fetch_add(1, Ordering::SeqCst);
                let found = r
                    .lock()
                    .unwrap()
                    .iter()
                    .find(|(p, ..)| p == req.url())
                    .cloned();
                let response = match found {
                    Some((_, body, ct, status)) => tiny_http::Response::from_string(body)
                        .with_status_code(status)
                        .with_header(
                            tiny_http::Header::from_bytes(&b"Content-Type"[..], ct.as_bytes())
                                .unwrap(),
                        ),
                    None => tiny_http::Response::from_string("not found").with_status_code(404),
                };
                let _ = req.respond(response);
            }
        });
        Server {
            base,
            routes,
            hits,
            server,
        }
    }

    fn route(&self, path: &str, body: &str, content_type: &str) {
        let mut r = self.routes.lock().unwrap();
        r.retain(|(p, ..)| p != path);
        r.push((path.into(), body.into(), content_type.into(), 200));
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

/// A news list as regional sites write one: a menu, then repeated cards
/// with a heading link and a date in Russian.
fn listing(n: usize) -> String {
    let mut html = String::from(
        "<html><head><title>Лента новостей</title></head><body><ul class=\"menu\">\
         <li><a href=\"/\">Главная</a></li><li><a href=\"/world\">Мир</a></li><li><a href=\"/sport\">Спорт</a></li></ul>\
         <section class=\"feed\">",
    );
    for i in 1..=n {
        html.push_str(&format!(
            "<article class=\"post\"><h2><a href=\"/news/{i}\">Новость номер {i} о событиях в регионе</a></h2>\
             <time datetime=\"2026-11-2{}T0{}:00:00+05:00\">{} ноября</time><p>Текст {i}</p></article>",
            i % 9,
            i % 9,
            20 + i % 9
        ));
    }
    html.push_str("</section></body></html>");
    html
}

fn request(url: &str, selectors: PageSelectors) -> PagePreviewRequest {
    PagePreviewRequest {
        url: url.into(),
        selectors,
        reload: None,
    }
}

// Issue 13, item 2: the builder previews a page live and suggests the
// repeated element, fetching the page once for the whole session.
#[test]
fn the_builder_previews_a_page_fetched_once() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), fixed_clock());
    let rt = rt();
    let server = Server::start();
    server.route("/news", &listing(12), "text/html; charset=utf-8");
    let url = server.url("/news");

    // Nothing typed: the suggestion, and what it reads.
    let p = rt
        .block_on(api::preview_page_source(
            &engine,
            request(&url, PageSelectors::default()),
        ))
        .unwrap();
    let suggested = p.suggested.clone().expect("a suggestion");
    assert_eq!(suggested.item, "article.post");
    assert_eq!(suggested.link, "h2 a");
    assert_eq!(suggested.title, "h2");
    assert_eq!(suggested.date.as_deref(), Some("time"));
    assert_eq!(p.count, 12);
    assert_eq!(p.items.len(), 5);
    assert_eq!(p.items[0].link, format!("{}/news/1", server.base));
    assert_eq!(
        p.items[0].title.as_deref(),
        Some("Новость номер 1 о событиях в регионе")
    );
    assert_eq!(
        p.items[0].published.as_deref(),
        Some("2026-11-20T20:00:00Z")
    );
    assert_eq!(p.page_title.as_deref(), Some("Лента новостей"));

    // Typing: each keystroke reads the cached page.
    for (item, want) in [("article", 12), ("article.post:nth-child(-n+3)", 3)] {
        let p = rt
            .block_on(api::preview_page_source(
                &engine,
                request(
                    &url,
                    PageSelectors {
                        item: item.into(),
                        link: "h2 a".into(),
                        ..PageSelectors::default()
                    },
                ),
            ))
            .unwrap();
        assert_eq!(p.count, want, "{item}");
        assert!(p.suggested.is_none());
    }
    // Half-typed CSS is a problem of the preview, not a failure.
    let p = rt
        .block_on(api::preview_page_source(
            &engine,
            request(
                &url,
                PageSelectors {
                    item: "article[".into(),
                    ..PageSelectors::default()
                },
            ),
        ))
        .unwrap();
    assert!(
        p.problem
            .as_deref()
            .unwrap()
            .starts_with("the item selector 'article[' is not valid CSS"),
        "{:?}",
        p.problem
    );
    assert_eq!(server.hits.load(Ordering::SeqCst), 1, "fetched once");

    // Reload fetches again and sees the page as it is now.
    server.route("/news", &listing(2), "text/html");
    let p = rt
        .block_on(api::preview_page_source(
            &engine,
            PagePreviewRequest {
                reload: Some(true),
                ..request(&url, PageSelectors::default())
            },
        ))
        .unwrap();
    assert_eq!(server.hits.load(Ordering::SeqCst), 2);
    // Two cards are too few to call repeated; the preview says so.
    assert_eq!(
        p.problem.as_deref(),
        Some("no repeated element with links was found on the page; type an item selector")
    );
}

#[test]
fn a_page_that_cannot_be_fetched_is_an_error_in_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), fixed_clock());
    let rt = rt();
    let server = Server::start();
    let err = rt
        .block_on(api::preview_page_source(
            &engine,
            request(&server.url("/missing"), PageSelectors::default()),
        ))
        .unwrap_err();
    assert_eq!(err.to_string(), "the server answered HTTP 404 Not Found");
    let err = rt
        .block_on(api::preview_page_source(
            &engine,
            request("news.example/list", PageSelectors::default()),
        ))
        .unwrap_err();
    assert!(err.to_string().contains("is not a web address"), "{err}");
}

/// An engine whose clock moves on by an hour each time `tick` is called.
fn moving_engine(dir: &std::path::Path) -> (Arc<outpost_engine::Engine>, Arc<AtomicI64>) {
    let hours = Arc::new(AtomicI64::new(0));
    let h = hours.clone();
    let clock: outpost_engine::Clock =
        Arc::new(move || test_now() + chrono::Duration::hours(h.load(Ordering::SeqCst)));
    (open_silent(dir, clock), hours)
}

// Issue 13, item 5: a feed answering with nothing, and an HTML page where a
// feed was expected, failed silently.
#[test]
fn empty_feeds_and_html_pages_are_flagged_on_the_sources_page() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, hours) = moving_engine(dir.path());
    let rt = rt();
    let server = Server::start();
    server.route("/empty.xml", &rss(&[]), "application/rss+xml");
    server.route("/page.xml", &listing(3), "text/html");
    let empty = engine
        .add_source_unchecked(&feed_source(&server.url("/empty.xml"), "Empty"))
        .unwrap();
    let html = engine
        .add_source_unchecked(&feed_source(&server.url("/page.xml"), "Page"))
        .unwrap();
    let health = |id| {
        api::list_sources(&engine)
            .unwrap()
            .into_iter()
            .find(|s| s.id == id)
            .unwrap()
    };
    for poll in 1..=3 {
        rt.block_on(engine.poll(Some(vec![empty, html]))).unwrap();
        hours.fetch_add(1, Ordering::SeqCst);
        let codes: Vec<String> = health(empty).health.into_iter().map(|n| n.code).collect();
        assert_eq!(codes.is_empty(), poll < 3, "after poll {poll}: {codes:?}");
    }
    let e = health(empty);
    assert_eq!(e.health[0].code, "empty");
    let h = health(html);
    assert_eq!(h.health.len(), 1, "{:?}", h.health);
    assert_eq!(h.health[0].code, "html");
    // The full error stays for the details.
    assert!(h.last_error.unwrap().contains("this is an HTML page"));
}

#[test]
fn a_refused_connection_is_said_shortly_and_kept_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), fixed_clock());
    let rt = rt();
    // A port nothing listens on: bind one, then let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let id = engine
        .add_source_unchecked(&feed_source(
            &format!("http://127.0.0.1:{port}/feed.xml"),
            "Down",
        ))
        .unwrap();
    rt.block_on(engine.poll(Some(vec![id]))).unwrap();
    let s = api::list_sources(&engine).unwrap().remove(0);
    assert_eq!(
        s.health[0].message,
        "127.0.0.1 refused the connection; the site may be down, try later"
    );
    assert!(s.last_error.unwrap().len() > s.health[0].message.len());
}

#[test]
fn a_name_that_does_not_resolve_asks_whether_we_are_online() {
    use outpost_feeds::fetch::{DnsResolver, FetchConfig, FetchOutcome, FetchRequest, Fetcher};
    // A resolver that knows no names: the real error chain of a failed lookup.
    let fetcher = Fetcher::new(FetchConfig {
        resolver: Some(DnsResolver::fixed([])),
        ..FetchConfig::default()
    })
    .unwrap();
    let url = outpost_feeds::Url::parse("https://www.example.com/feed").unwrap();
    let FetchOutcome::Failed { error, .. } = rt().block_on(fetcher.fetch(&FetchRequest::new(url)))
    else {
        panic!("the fetch cannot succeed");
    };
    let full = error.to_string();
    assert!(full.contains("dns error"), "{full}");
    assert_eq!(
        outpost_engine::health::short_error(&full),
        "could not find www.example.com (DNS lookup failed); are you online?"
    );
}

// Issue 13, item 5: the Telegram pack is offered, not loaded, and its
// sources show as unverified until a poll succeeds.
#[test]
fn the_telegram_pack_is_added_on_request_and_unverified() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), fixed_clock());
    assert!(api::list_sources(&engine).unwrap().is_empty());
    let added = api::add_source_pack(&engine, "telegram").unwrap();
    assert!(added >= 10);
    let listed = api::list_sources(&engine).unwrap();
    assert_eq!(listed.len() as u32, added);
    assert!(
        listed
            .iter()
            .all(|s| s.unverified && s.settings.provenance.is_some())
    );
    assert!(
        listed
            .iter()
            .all(|s| s.kind == outpost_core::SourceKind::Telegram)
    );
    // Adding it twice adds nothing.
    assert_eq!(api::add_source_pack(&engine, "telegram").unwrap(), 0);
    let err = api::add_source_pack(&engine, "everything").unwrap_err();
    assert!(
        err.to_string()
            .contains("there is no source pack named 'everything'")
    );
}

// Issue 13, item 2: an OPML export and import keep each source's kind and
// its settings (a page's selectors, a GDELT query, a pack's provenance).
#[test]
fn opml_round_trip_keeps_kinds_and_their_settings() {
    use outpost_core::{NewSource, SourceKind, SourceSettings};
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), fixed_clock());
    let page = PageSelectors {
        item: "article.post".into(),
        title: "h2".into(),
        link: "h2 a".into(),
        date: Some("time".into()),
        date_format: Some("%d.%m.%Y %H:%M".into()),
        tz: Some("Asia/Dushanbe".into()),
        body: Some("p.lead[title=\"a & <b>\"]".into()),
    };
    let sources = [
        NewSource {
            kind: SourceKind::Page,
            settings: SourceSettings {
                page: Some(page.clone()),
                ..SourceSettings::default()
            },
            ..feed_source("https://khovar.tj/rus/news/", "Khovar news page")
        },
        NewSource {
            kind: SourceKind::Gdelt,
            settings: SourceSettings {
                gdelt_query: Some("Tajikistan border (sourcelang:russian)".into()),
                ..SourceSettings::default()
            },
            ..feed_source(
                "https://api.gdeltproject.org/api/v2/doc/doc",
                "GDELT border",
            )
        },
        NewSource {
            kind: SourceKind::Telegram,
            settings: SourceSettings {
                provenance: Some("a public list".into()),
                ..SourceSettings::default()
            },
            ..feed_source("https://t.me/s/radioozodi", "Ozodi channel")
        },
        feed_source("https://eurasianet.org/rss", "Eurasianet"),
    ];
    for s in &sources {
        engine.add_source_unchecked(s).unwrap();
    }
    let opml = outpost_engine::transfer::export_opml(&engine).unwrap();
    assert!(opml.contains("outpost:kind=\"page\""), "{opml}");
    assert!(!opml.contains("outpost:kind=\"feed\""), "{opml}");
    let file = dir.path().join("sources.opml");
    std::fs::write(&file, &opml).unwrap();

    let other = tempfile::tempdir().unwrap();
    let fresh = open_silent(other.path(), fixed_clock());
    let summary = outpost_engine::transfer::import_opml(&fresh, &file, |_, _| {}).unwrap();
    assert_eq!((summary.added, summary.errors.len()), (4, 0), "{summary:?}");
    let back = api::list_sources(&fresh).unwrap();
    for s in &sources {
        let b = back.iter().find(|b| b.name == s.name).unwrap();
        assert_eq!((b.kind, &b.settings), (s.kind, &s.settings), "{}", s.name);
    }

    // A kind this version does not know, or a page without selectors, is
    // reported and skipped; the rest is imported.
    let bad = other.path().join("bad.opml");
    std::fs::write(
        &bad,
        r#"<opml version="2.0" xmlns:outpost="urn:outpost:opml:1"><body>
        <outline text="X" xmlUrl="https://x.example/" outpost:kind="rumour"/>
        <outline text="Y" xmlUrl="https://y.example/" outpost:kind="page"/>
        <outline text="Z" xmlUrl="https://z.example/feed"/></body></opml>"#,
    )
    .unwrap();
    let third = tempfile::tempdir().unwrap();
    let engine3 = open_silent(third.path(), fixed_clock());
    let summary = outpost_engine::transfer::import_opml(&engine3, &bad, |_, _| {}).unwrap();
    assert_eq!(summary.added, 1, "{summary:?}");
    assert_eq!(
        summary.errors,
        [
            "X: 'https://x.example/': unknown source kind 'rumour': expected one of feed, page, telegram, gdelt; it was skipped",
            "Y: the page 'https://y.example/' has no selectors; it was skipped",
        ]
    );
}
