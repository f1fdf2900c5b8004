//! A long-running property test of the feed parser on hostile documents:
//! deep and broken HTML in items, control characters and bad escapes in
//! every format. `make test` runs a short pass; set `PROPTEST_CASES` for a
//! longer one (Hardening 2, "Tests": a fuzz run of the feed parser).

use outpost_feeds::sanitize::MAX_HTML_DEPTH;
use proptest::prelude::*;

/// `PROPTEST_CASES` when set, else a pass short enough for every test run.
fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 24;
    }
    c.failure_persistence = None;
    c
}

/// HTML made of pieces hostile to tree builders: unclosed and misnested
/// tags, raw-text elements, stray end tags, deep runs of one tag.
fn html_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            "<div>",
            "</div>",
            "<p>",
            "</p>",
            "<b>",
            "</i>",
            "<table><tr><td>",
            "</td>",
            "<li>",
            "<ul>",
            "</ul>",
            "<script>",
            "</script>",
            "<style>",
            "<textarea>",
            "<svg><foreignObject>",
            "<svg><title>",
            "<math>",
            "<a href=\"javascript:x\">",
            "</a>",
            "<img src=x onerror=alert(1)>",
            "<!--",
            "-->",
            "&amp;",
            "&#0;",
            "&nbsp;",
            "\u{1b}[2J",
            "\u{85}",
            "\u{0}",
            "text ",
            "Душанбе ",
            "<",
            ">",
            "\"",
        ])
        .prop_map(str::to_string),
        (
            prop::sample::select(vec!["div", "span", "b", "blockquote", "li", "p"]),
            1usize..3000
        )
            .prop_map(|(tag, n)| format!("<{tag}>").repeat(n)),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn rss(html: &str, title: &str) -> String {
    format!(
        "<rss version=\"2.0\"><channel><title>{}</title><item><title>{}</title><link>https://e.tj/1</link><description><![CDATA[{}]]></description></item></channel></rss>",
        quick_escape(title),
        quick_escape(title),
        html.replace("]]>", "]]]]><![CDATA[>")
    )
}

fn quick_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;")
}

fn json_feed(html: &str, title_escapes: &str) -> String {
    format!(
        "{{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"{title_escapes}\",\"items\":[{{\"id\":\"1\",\"title\":\"{title_escapes}\",\"content_html\":{}}}]}}",
        serde_json::to_string(html).unwrap()
    )
}

fn json_escapes() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "\\ud800",
            "\\udc00",
            "\\ud83d\\ude00",
            "\\u001b",
            "\\u0085",
            "\\\\",
            "\\\"",
            "\\u0000",
            "x",
            "\\n",
            "\\\\ud800",
        ]),
        0..12,
    )
    .prop_map(|v| v.concat())
}

fn check(feed: &outpost_feeds::ParsedFeed) {
    let ok = |s: &str| {
        !s.chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n'))
    };
    for t in feed.title.iter().chain(feed.description.iter()) {
        assert!(ok(t), "{t:?}");
    }
    for e in &feed.entries {
        for t in e
            .title
            .iter()
            .chain(e.summary.iter())
            .chain(e.content_html.iter())
        {
            assert!(ok(t), "{t:?}");
        }
        if let Some(html) = &e.content_html {
            assert!(!html.to_lowercase().contains("<script"), "{html}");
            // Sanitised HTML is well formed, so the bounding pass counts its
            // real depth: nothing to flatten means it is within the bound.
            assert!(
                !outpost_feeds::sanitize::bound_html(html, MAX_HTML_DEPTH).flattened,
                "nesting not bounded"
            );
        }
    }
    serde_json::to_string(feed).unwrap();
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn hostile_html_in_rss_items_is_bounded(html in html_soup(), title in "[\\PC\u{1b}\u{85}\u{7}]{0,20}") {
        let feed = outpost_feeds::parse(rss(&html, &title).as_bytes(), None, None).unwrap();
        check(&feed);
    }

    #[test]
    fn hostile_json_feeds_are_read_or_refused_never_panic(html in html_soup(), escapes in json_escapes()) {
        if let Ok(feed) = outpost_feeds::parse(json_feed(&html, &escapes).as_bytes(), None, None) {
            check(&feed);
        }
    }

    // Issue 13, "Tests": random HTML never panics the page reader or the
    // builder's suggestion; every item read has a web link, and its body
    // is sanitised.
    #[test]
    fn hostile_pages_are_read_never_panic(html in html_soup(), items in 0usize..6) {
        // The soup once in an item's body and once after the list, so both
        // the items and the page around them are hostile.
        let mut page = String::from("<ul class=\"news\">");
        for i in 0..items {
            let body = if i == 0 { html.as_str() } else { "Lead" };
            page.push_str(&format!("<li class=\"item\"><a href=\"/n/{i}\">Headline {i}</a><time>29 ноября 2026</time><p>{body}</p></li>"));
        }
        page.push_str(&html);
        let base = outpost_feeds::Url::parse("https://news.example/").unwrap();
        let sel = outpost_core::model::PageSelectors {
            item: "li.item, div".into(),
            title: "a".into(),
            link: "a".into(),
            date: Some("time".into()),
            body: Some("p".into()),
            tz: Some("Asia/Dushanbe".into()),
            ..Default::default()
        };
        let read = outpost_feeds::page::read(page.as_bytes(), &base, &sel).unwrap();
        for e in &read.entries {
            let link = e.link.as_deref().unwrap();
            prop_assert!(link.starts_with("http://") || link.starts_with("https://"), "{}", link);
            if let Some(body) = &e.content_html {
                // Within tags (text may say "onerror" escaped, inertly).
                for tag in body.split('<').skip(1) {
                    let tag = tag.split('>').next().unwrap_or_default().to_lowercase();
                    prop_assert!(!tag.starts_with("script") && !tag.contains("onerror"), "{}", body);
                }
            }
        }
        if let Some(s) = outpost_feeds::page::suggest_selectors(&page) {
            prop_assert!(outpost_feeds::page::read_str(&page, &base, &s.selectors).is_ok());
        }
    }

    #[test]
    fn bounding_keeps_the_text(html in html_soup()) {
        let bounded = outpost_feeds::sanitize::bound_html(&html, 16);
        let before = outpost_feeds::sanitize::html_to_text(&html);
        let after = outpost_feeds::sanitize::html_to_text(&bounded.html);
        // Dropped tags may have separated words; the letters stay.
        let letters = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).collect::<String>();
        prop_assert_eq!(letters(&before), letters(&after));
    }
}
