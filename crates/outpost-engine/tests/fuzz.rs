//! A long-running property test of the page reader (the readable-text path
//! of evidence capture) on hostile pages. `make test` runs a short pass;
//! set `PROPTEST_CASES` for a longer one (Hardening 2, "Tests": a fuzz run
//! of the page reader).

use outpost_engine::evidence::read_page;
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

fn page() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            "<article>",
            "</article>",
            "<div class=\"content\">",
            "</div>",
            "<p>",
            "</p>",
            "<nav>",
            "<script>alert(1)</script>",
            "<style>p{}</style>",
            "<table><tr><td>",
            "<li>",
            "<b>",
            "</i>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:x\">",
            "</a>",
            "<!--",
            "-->",
            "<svg>",
            "&amp;",
            "\u{0}",
            "<noscript>",
            "<template>",
            "<frameset>",
            "Пограничники Таджикистана сообщили о перестрелке у моста через Пяндж. ",
            "A long enough sentence of article text, with commas, to be read. ",
        ])
        .prop_map(str::to_string),
        (
            prop::sample::select(vec!["div", "section", "span", "p", "b"]),
            1usize..5000
        )
            .prop_map(|(tag, n)| format!("<{tag}>").repeat(n)),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| {
        format!(
            "<html><head><title>T</title></head><body>{}</body></html>",
            v.concat()
        )
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_page_reader_returns_on_any_page(html in page()) {
        let url = url::Url::parse("https://news.example/a").unwrap();
        match read_page(&html, &url, chrono::Utc::now()) {
            Ok(snap) => {
                let text = snap.text.unwrap();
                prop_assert!(!text.is_empty());
                let html = snap.html.unwrap().to_lowercase();
                prop_assert!(!html.contains("<script"), "{}", html);
                prop_assert!(!html.contains("onerror"), "{}", html);
            }
            Err(why) => prop_assert!(why.contains("news.example"), "{}", why),
        }
    }
}
