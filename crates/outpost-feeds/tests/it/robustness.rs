//! Hostile input: the parser must return, never panic, on anything.

use proptest::prelude::*;

const SEED_FEED: &str = r#"<?xml version="1.0" encoding="windows-1251"?><!DOCTYPE rss [<!ENTITY e "x">]><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T &e; &nbsp;</title><item><title><![CDATA[<b>x</b>]]></title><link>/a?b=1&c</link><dc:date>2024-03-05</dc:date><description>&lt;p&gt;y</description></item></channel></rss>"#;

fn fragments() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "<rss version=\"2.0\">",
        "<channel>",
        "<item>",
        "</item>",
        "<title>",
        "</title>",
        "&amp;",
        "&nbsp;",
        "&#x0;",
        "&#99999999;",
        "<![CDATA[",
        "]]>",
        "<!DOCTYPE x [<!ENTITY a \"&a;&a;\">]>",
        "&a;",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\">",
        "<entry>",
        "<link href=\"",
        "\"/>",
        "<?xml version=\"1.0\" encoding=\"utf-16\"?>",
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">",
        "</rss>",
        "<",
        ">",
        "\"",
        "{",
        "}",
        "<x:y>",
        "</z>",
        "Душанбе",
        "\u{feff}",
        "<pubDate>",
        "Tue, 99 Zzz 2024 25:61:61 +9999",
        "</pubDate>",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096), ct in prop::option::of("[a-z/+;= -]{0,40}")) {
        let _ = outpost_feeds::parse(&bytes, ct.as_deref(), None);
    }

    #[test]
    fn feed_like_soup_never_panics(doc in fragments()) {
        let base = url::Url::parse("https://example.tj/feed").unwrap();
        if let Ok(feed) = outpost_feeds::parse(doc.as_bytes(), None, Some(&base)) {
            // Whatever was read serialises.
            serde_json::to_string(&feed).unwrap();
        }
    }

    #[test]
    fn damaged_feeds_never_panic(cut in 0usize..SEED_FEED.len(), pos in 0usize..SEED_FEED.len(), byte in any::<u8>()) {
        let mut bytes = SEED_FEED.as_bytes()[..cut].to_vec();
        if pos < bytes.len() {
            bytes[pos] = byte;
        }
        let _ = outpost_feeds::parse(&bytes, None, None);
    }
}

#[test]
fn sanitizer_and_text_never_panic_on_soup() {
    for s in [
        "<",
        "&",
        "<a href='javascript:x'>",
        "<svg><script>",
        "\u{0}",
        "<img src=//x onerror=y>",
        "&#xD800;",
    ] {
        let _ = outpost_feeds::sanitize::sanitize_html(s, None);
        let _ = outpost_feeds::sanitize::html_to_text(s);
    }
}

#[test]
fn multibyte_text_across_internal_cut_points_is_fine() {
    // The format sniffing and HTML detection look at a prefix of the
    // document; a prefix that ends inside a character must not panic.
    for pad in 0..4 {
        let mut doc = String::from(
            "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\"><channel><title>",
        );
        doc.push_str(&"x".repeat(pad));
        while doc.len() < 5000 {
            doc.push('Ж');
        }
        doc.push_str("</title></channel></rdf:RDF>");
        let feed = outpost_feeds::parse(doc.as_bytes(), None, None).unwrap();
        assert!(feed.title.unwrap().ends_with('Ж'));
        let page = format!("<p>{}</p>", "Ж".repeat(1500 + pad));
        let _ = outpost_feeds::parse(page.as_bytes(), Some("text/html"), None);
    }
}

#[test]
fn many_hrefless_atom_links_stay_linear() {
    // Each <link>URL</link> is repaired in place; 20,000 of them must not
    // turn the clean-up quadratic (this finishes in well under a second in
    // a debug build; a quadratic pass would take minutes).
    let mut doc =
        String::from("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>t</title>");
    for i in 0..20_000 {
        doc.push_str(&format!(
            "<link rel=\"related\">http://x.example/{i}</link>"
        ));
    }
    doc.push_str("<link rel=\"alternate\">http://x.example/main</link></entry></feed>");
    let feed = outpost_feeds::parse(doc.as_bytes(), None, None).unwrap();
    assert_eq!(
        feed.entries[0].link.as_deref(),
        Some("http://x.example/main")
    );
}
