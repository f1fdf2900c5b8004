//! `outpost sources add --kind …`, `outpost articles` and `outpost poll
//! --once --source` for Telegram channels, GDELT queries and pages, against
//! a real HTTP server on 127.0.0.1 serving fixtures written here.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use common::{json, outpost, text};

/// Serves `(path → (content type, body))`, matching the path without its
/// query.
fn serve(
    routes: HashMap<&'static str, (&'static str, String)>,
) -> (String, Arc<tiny_http::Server>) {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let base = format!("http://{}", server.server_addr().to_ip().unwrap());
    let routes = Arc::new(Mutex::new(routes));
    let s = server.clone();
    std::thread::spawn(move || {
        for req in s.incoming_requests() {
            let path = req.url().split('?').next().unwrap_or("").to_string();
            let found = routes.lock().unwrap().get(path.as_str()).cloned();
            let resp = match found {
                Some((ct, body)) => tiny_http::Response::from_string(body).with_header(
                    tiny_http::Header::from_bytes(&b"Content-Type"[..], ct.as_bytes()).unwrap(),
                ),
                None => tiny_http::Response::from_string("not found").with_status_code(404),
            };
            let _ = req.respond(resp);
        }
    });
    (base, server)
}

fn channel_page() -> String {
    let at = (chrono::Utc::now() - chrono::Duration::minutes(30)).to_rfc3339();
    format!(
        r#"<html><body><div class="tgme_channel_info"><div class="tgme_channel_info_header_title"><span>Border Desk</span></div></div>
<section class="tgme_channel_history"><div class="tgme_widget_message_wrap"><div class="tgme_widget_message" data-post="border_desk/12">
<div class="tgme_widget_message_forwarded_from">Forwarded from <a class="tgme_widget_message_forwarded_from_name" href="https://t.me/wire">Wire Service</a></div>
<div class="tgme_widget_message_bubble"><div class="tgme_widget_message_text" dir="auto">Checkpoint closed at Darvoz<br>Traffic turned back</div>
<div class="tgme_widget_message_footer"><div class="tgme_widget_message_info"><span class="tgme_widget_message_views">1.2K</span>
<span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/border_desk/12"><time datetime="{at}">x</time></a></span></div></div></div></div></div></section></body></html>"#
    )
}

fn artlist() -> String {
    let seen = (chrono::Utc::now() - chrono::Duration::minutes(20))
        .format("%Y%m%dT%H%M%SZ")
        .to_string();
    serde_json::json!({"articles": [
        {"url": "https://wire.example/darvoz", "title": "Darvoz road reopens", "seendate": seen,
         "domain": "wire.example", "language": "English", "sourcecountry": "Tajikistan"}
    ]})
    .to_string()
}

// Sources beyond feeds (issue 13), section 4: each kind is added from the
// command line, listed with its kind and settings, polled alone with
// `poll --once --source`, and its articles listed and shown with the
// kind-specific fields.
#[test]
fn telegram_and_gdelt_from_the_command_line() {
    let (base, _server) = serve(HashMap::from([
        (
            "/s/border_desk",
            ("text/html; charset=utf-8", channel_page()),
        ),
        ("/doc", ("application/json", artlist())),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");

    let out = outpost(
        &db,
        &[
            "sources",
            "add",
            "--kind",
            "telegram",
            &format!("{base}/s/border_desk"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!("added source 1: Border Desk <{base}/s/border_desk>\n")
    );
    let out = outpost(
        &db,
        &[
            "sources",
            "add",
            "--kind",
            "gdelt",
            "Darvoz OR Khorog",
            "--endpoint",
            &format!("{base}/doc"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("added source 2: GDELT: Darvoz OR Khorog <"));

    let listed = json(&outpost(&db, &["sources", "list", "--json"]));
    assert_eq!(listed[0]["kind"], "telegram");
    assert_eq!(listed[1]["kind"], "gdelt");
    assert_eq!(listed[1]["settings"]["gdelt_query"], "Darvoz OR Khorog");

    for id in ["1", "2"] {
        let out = outpost(&db, &["poll", "--once", "--source", id]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let all = json(&outpost(&db, &["articles", "list", "--json"]));
    assert_eq!(all.as_array().unwrap().len(), 2, "{all}");
    let tg = json(&outpost(
        &db,
        &["articles", "list", "--source", "1", "--json"],
    ));
    let post = &tg[0];
    assert_eq!(post["title"], "Checkpoint closed at Darvoz");
    assert_eq!(post["url"], format!("{base}/border_desk/12"));
    assert_eq!(post["source"], "Border Desk");
    assert_eq!(post["source_id"], 1);
    assert_eq!(post["forwarded_from"], "Wire Service");
    assert_eq!(post["views"], "1.2K");
    assert!(
        post["text"]
            .as_str()
            .unwrap()
            .contains("Checkpoint closed at Darvoz\nTraffic turned back")
    );
    for field in [
        "id",
        "published",
        "fetched_at",
        "lang",
        "content_html",
        "author",
    ] {
        assert!(post.get(field).is_some(), "{field} missing: {post}");
    }
    let id = post["id"].to_string();
    let shown = json(&outpost(&db, &["articles", "show", &id, "--json"]));
    assert_eq!(shown, *post);
    let plain = text(&outpost(&db, &["articles", "show", &id]).stdout);
    assert!(
        plain.starts_with("Checkpoint closed at Darvoz\n"),
        "{plain}"
    );
    assert!(plain.contains("forwarded from  Wire Service"), "{plain}");

    let gd = json(&outpost(
        &db,
        &["articles", "list", "--source", "2", "--json"],
    ));
    assert_eq!(gd[0]["author"], "wire.example via GDELT");
    assert_eq!(gd[0]["lang"], "en");
    let recent = json(&outpost(
        &db,
        &["articles", "list", "--since", "2999-01-01", "--json"],
    ));
    assert_eq!(recent.as_array().unwrap().len(), 0);
    let one = json(&outpost(&db, &["articles", "list", "-n", "1", "--json"]));
    assert_eq!(one.as_array().unwrap().len(), 1);
}

// Sources beyond feeds (issue 13), section 4: a page source keeps its
// selectors; a selector that is not CSS, a zone that is not IANA and page
// flags on another kind are refused with a sentence, and nothing is added.
#[test]
fn page_sources_check_their_selectors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    let add = |extra: &[&str]| {
        let mut args = vec![
            "sources",
            "add",
            "--kind",
            "page",
            "https://news.example/list",
        ];
        args.extend_from_slice(extra);
        outpost(&db, &args)
    };
    let out = add(&["--item", "li[", "--title", "h2", "--link", "a"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--item 'li[' is not a CSS selector"),
        "{}",
        text(&out.stderr)
    );
    let out = add(&[
        "--item",
        "li",
        "--title",
        "h2",
        "--link",
        "a",
        "--tz",
        "Mars/Olympus",
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("'Mars/Olympus' is not a time-zone name"),
        "{}",
        text(&out.stderr)
    );
    let out = add(&["--title", "h2", "--link", "a"]);
    assert!(
        text(&out.stderr).contains("needs --item"),
        "{}",
        text(&out.stderr)
    );
    let out = outpost(
        &db,
        &[
            "sources",
            "add",
            "--kind",
            "telegram",
            "@some_channel",
            "--item",
            "li",
        ],
    );
    assert!(
        text(&out.stderr).contains("are for --kind page"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        json(&outpost(&db, &["sources", "list", "--json"]))
            .as_array()
            .map(Vec::len),
        Some(0)
    );

    let out = add(&[
        "--item",
        "ul.news li",
        "--title",
        "h2",
        "--link",
        "a",
        "--date",
        "time",
        "--tz",
        "Asia/Dushanbe",
        "--lang",
        "tg",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = json(&outpost(&db, &["sources", "list", "--json"]));
    assert_eq!(listed[0]["kind"], "page");
    assert_eq!(listed[0]["lang"], "tg");
    assert_eq!(listed[0]["settings"]["page"]["item"], "ul.news li");
    assert_eq!(listed[0]["settings"]["page"]["tz"], "Asia/Dushanbe");
}
