//! The Telegram preview reader on arbitrary HTML: pieces of the preview's
//! own markup shuffled with broken tags, odd attributes and random text
//! never panic it, and whatever it reads is well formed. `make test` runs a
//! short pass; set `PROPTEST_CASES` for a longer one.

use outpost_feeds::telegram::{TITLE_CHARS, read_channel};
use proptest::prelude::*;
use url::Url;

/// The elements a post's HTML may hold.
const ALLOWED: [&str; 13] = [
    "a",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "s",
    "code",
    "pre",
    "br",
    "p",
    "blockquote",
    "html",
];

fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 64;
    }
    c.failure_persistence = None;
    c
}

/// Pieces of the documented preview markup, broken and misnested.
fn preview_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            r#"<section class="tgme_channel_history">"#,
            "</section>",
            r#"<div class="tgme_widget_message_wrap">"#,
            r#"<div class="tgme_widget_message" data-post="chan/12">"#,
            r#"<div class="tgme_widget_message" data-post="chan/x">"#,
            r#"<div class="tgme_widget_message" data-post="/">"#,
            r#"<div class="tgme_widget_message service_message" data-post="chan/3">"#,
            r#"<div class="tgme_widget_message_bubble">"#,
            r#"<div class="tgme_widget_message_text">"#,
            r#"<div class="media_supported_cont">"#,
            "</div>",
            "<br>",
            "<br/>",
            r#"<a href="https://example.org/?a=1&amp;amp;b=2">"#,
            r#"<a href="javascript:alert(1)">"#,
            r#"<a href="//[::1">"#,
            "</a>",
            r#"<a class="tgme_widget_message_date" href="https://t.me/chan/12">"#,
            r#"<time datetime="2026-11-29T09:30:00+00:00">"#,
            r#"<time datetime="not a date">"#,
            r#"<span class="tgme_widget_message_views">"#,
            r#"<span class="tgme_widget_message_meta">edited "#,
            r#"<div class="tgme_widget_message_forwarded_from"><a class="tgme_widget_message_forwarded_from_name">"#,
            r#"<a class="tgme_widget_message_link_preview"><div class="link_preview_title">"#,
            r#"<a class="tme_messages_more" data-before="99999999999999999999999">"#,
            r#"<a class="tme_messages_more" data-before="7">"#,
            r#"<link rel="prev" href="?before=3">"#,
            r#"<div class="tgme_page">"#,
            "<script>alert(1)</script>",
            "<b><i>",
            "</b>",
            "<table><tr><td>",
            "\u{0}",
            "&amp;&lt;&#0;&#x110000;",
        ])
        .prop_map(str::to_string),
        "[^<>]{0,40}",
        "\\PC{0,20}",
    ];
    prop::collection::vec(piece, 0..120).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config())]

    // Sources beyond feeds (issue 13), tests: random HTML never panics the
    // Telegram reader, and every post it reads has an identity, a number
    // and a title no longer than the cut.
    #[test]
    fn random_html_never_panics_the_telegram_reader(html in preview_soup()) {
        let base = Url::parse("https://t.me/s/chan").unwrap();
        if let Ok(page) = read_channel(html.as_bytes(), &base) {
            for post in &page.posts {
                prop_assert!(post.key.contains('/'));
                prop_assert_eq!(post.entry.id.as_deref(), Some(post.key.as_str()));
                let title = post.entry.title.as_deref().unwrap_or("");
                prop_assert!(title.chars().count() <= TITLE_CHARS + 1);
                let html = post.entry.content_html.as_deref().unwrap_or("");
                prop_assert!(!html.contains("<script"));
                prop_assert!(!html.contains("javascript:"));
                // The post's HTML is built, not sanitised: only these
                // elements and attributes, links absolute http(s).
                let doc = scraper::Html::parse_fragment(html);
                for el in doc.root_element().descendent_elements().skip(1) {
                    let v = el.value();
                    prop_assert!(ALLOWED.contains(&v.name()), "element {} in {html}", v.name());
                    for (name, value) in v.attrs() {
                        prop_assert!(name == "href" || name == "rel", "attribute {name} in {html}");
                        if name == "href" {
                            prop_assert!(value.starts_with("http://") || value.starts_with("https://"), "{value}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn random_bytes_never_panic_the_telegram_reader(bytes in prop::collection::vec(any::<u8>(), 0..2_000)) {
        let base = Url::parse("http://127.0.0.1:1/s/chan").unwrap();
        let _ = read_channel(&bytes, &base);
    }
}
