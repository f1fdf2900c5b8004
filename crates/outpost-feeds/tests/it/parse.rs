//! The parser's contract as `outpost parse` prints it: the JSON shape,
//! plain text, resolved links, UTC dates, sanitised HTML, and errors only
//! when nothing could be read.

use outpost_feeds::{FeedFormat, ParseError, parse};
use serde_json::{Value, json};
use url::Url;

const RSS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>AT&amp;amp;T &amp;mdash; Border &lt;b&gt;Watch&lt;/b&gt;</title>
  <link>/</link>
  <description>Daily &amp;laquo;news&amp;raquo;</description>
  <language>ru</language>
  <item>
    <title>Clash near &quot;Panji Poyon&quot;</title>
    <link>/news/2024/03/clash?id=1&amp;lang=en</link>
    <guid isPermaLink="false">clash-1</guid>
    <description>&lt;p&gt;Two &lt;b&gt;guards&lt;/b&gt; were injured.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p onclick="x()">Full <a href="/more">story</a><script>alert(1)</script><img src="img/a.jpg"></p>]]></content:encoded>
    <pubDate>Tue, 05 Mar 2024 09:05:00 +0500</pubDate>
    <dc:creator>Asia-Plus</dc:creator>
  </item>
  <item>
    <title>No date here</title>
    <link>https://other.example/x</link>
  </item>
  <item>
    <title>Local time only</title>
    <pubDate>2024-03-05T09:05:00</pubDate>
  </item>
</channel></rss>"#;

fn base() -> Url {
    Url::parse("https://news.example.tj/rss/main.xml").unwrap()
}

#[test]
fn json_shape_is_exactly_the_cli_contract() {
    let feed = parse(
        RSS.as_bytes(),
        Some("application/rss+xml; charset=utf-8"),
        Some(&base()),
    )
    .unwrap();
    let v = serde_json::to_value(&feed).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "description",
            "encoding",
            "entries",
            "format",
            "language",
            "link",
            "title",
            "warnings"
        ]
    );
    assert_eq!(v["format"], "rss2.0");
    assert_eq!(v["encoding"], json!({"label": "utf-8", "from": "http"}));
    let mut entry_keys: Vec<&str> = v["entries"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    entry_keys.sort_unstable();
    assert_eq!(
        entry_keys,
        [
            "authors",
            "content_html",
            "id",
            "link",
            "published",
            "summary",
            "title",
            "updated"
        ]
    );
    assert_eq!(v["warnings"], json!([]));
}

#[test]
fn text_fields_are_plain_text_with_entities_decoded() {
    let feed = parse(RSS.as_bytes(), None, Some(&base())).unwrap();
    assert_eq!(feed.title.as_deref(), Some("AT&T — Border Watch"));
    assert_eq!(feed.description.as_deref(), Some("Daily «news»"));
    assert_eq!(feed.language.as_deref(), Some("ru"));
    let e = &feed.entries[0];
    assert_eq!(e.title.as_deref(), Some("Clash near \"Panji Poyon\""));
    assert_eq!(e.summary.as_deref(), Some("Two guards were injured."));
    assert_eq!(e.id.as_deref(), Some("clash-1"));
    assert_eq!(e.authors, ["Asia-Plus"]);
}

#[test]
fn relative_links_resolve_against_the_document_url() {
    let feed = parse(RSS.as_bytes(), None, Some(&base())).unwrap();
    assert_eq!(feed.link.as_deref(), Some("https://news.example.tj/"));
    assert_eq!(
        feed.entries[0].link.as_deref(),
        Some("https://news.example.tj/news/2024/03/clash?id=1&lang=en")
    );
}

#[test]
fn dates_are_utc_and_missing_dates_stay_missing() {
    let feed = parse(RSS.as_bytes(), None, Some(&base())).unwrap();
    let v = serde_json::to_value(&feed).unwrap();
    assert_eq!(v["entries"][0]["published"], "2024-03-05T04:05:00Z");
    assert_eq!(v["entries"][1]["published"], Value::Null);
    assert_eq!(v["entries"][1]["updated"], Value::Null);
    // No zone: read as UTC, as feedparser does.
    assert_eq!(v["entries"][2]["published"], "2024-03-05T09:05:00Z");
}

#[test]
fn content_html_is_sanitised_for_the_reader_pane() {
    let feed = parse(RSS.as_bytes(), None, Some(&base())).unwrap();
    let html = feed.entries[0].content_html.as_deref().unwrap();
    assert!(
        !html.contains("script") && !html.contains("onclick"),
        "{html}"
    );
    assert!(
        html.contains(r#"href="https://news.example.tj/more""#),
        "{html}"
    );
    assert!(
        html.contains(r#"src="https://news.example.tj/news/2024/03/img/a.jpg""#),
        "{html}"
    );
}

#[test]
fn json_feed() {
    let doc = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Kabul Now",
        "home_page_url": "https://kabulnow.example/",
        "language": "en",
        "items": [{
            "id": "42",
            "url": "https://kabulnow.example/42",
            "title": "Aid convoy reaches Badakhshan",
            "content_html": "<p>Trucks <em>arrived</em>.</p>",
            "date_published": "2024-03-05T09:05:00+04:30",
            "authors": [{"name": "Desk"}]
        }]
    });
    let feed = parse(
        doc.to_string().as_bytes(),
        Some("application/feed+json"),
        None,
    )
    .unwrap();
    assert_eq!(feed.format, FeedFormat::Json1);
    assert_eq!(feed.title.as_deref(), Some("Kabul Now"));
    let e = &feed.entries[0];
    assert_eq!(e.link.as_deref(), Some("https://kabulnow.example/42"));
    assert_eq!(
        e.published.unwrap().to_rfc3339(),
        "2024-03-05T04:35:00+00:00"
    );
    assert_eq!(
        e.content_html.as_deref(),
        Some("<p>Trucks <em>arrived</em>.</p>")
    );
    assert_eq!(e.authors, ["Desk"]);
}

#[test]
fn every_dialect_is_named() {
    let cases = [
        (
            r#"<rss version="0.91"><channel><title>t</title></channel></rss>"#,
            FeedFormat::Rss09x,
        ),
        (
            r#"<rss version="0.94"><channel><title>t</title></channel></rss>"#,
            FeedFormat::Rss09x,
        ),
        (
            r#"<rss version="2.0"><channel><title>t</title></channel></rss>"#,
            FeedFormat::Rss2,
        ),
        (
            r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>t</title></channel></rdf:RDF>"#,
            FeedFormat::Rss1,
        ),
        (
            r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>t</title></channel></rdf:RDF>"#,
            FeedFormat::Rss09x,
        ),
        (
            r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>"#,
            FeedFormat::Atom1,
        ),
        (
            r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>t</title></feed>"#,
            FeedFormat::Atom03,
        ),
    ];
    for (doc, format) in cases {
        let feed = parse(doc.as_bytes(), None, None).unwrap();
        assert_eq!(feed.format, format, "{doc}");
        assert_eq!(feed.title.as_deref(), Some("t"), "{doc}");
        assert!(feed.warnings.is_empty(), "{doc}: {:?}", feed.warnings);
    }
}

#[test]
fn atom03_dates_and_content() {
    let doc = r#"<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">
      <title>Old Atom</title><tagline>Tag line</tagline><link rel="alternate" type="text/html" href="http://old.example/"/>
      <entry><title>E</title><link rel="alternate" type="text/html" href="http://old.example/e"/><id>tag:old,1</id>
        <issued>2003-12-31T10:14:55-08:00</issued><modified>2004-01-01T19:48:21Z</modified>
        <content type="text/html" mode="escaped">&lt;p&gt;Hello&lt;/p&gt;</content></entry></feed>"#;
    let feed = parse(doc.as_bytes(), None, None).unwrap();
    assert_eq!(feed.format, FeedFormat::Atom03);
    assert_eq!(feed.description.as_deref(), Some("Tag line"));
    let e = &feed.entries[0];
    assert_eq!(
        e.published.unwrap().to_rfc3339(),
        "2003-12-31T18:14:55+00:00"
    );
    assert_eq!(e.updated.unwrap().to_rfc3339(), "2004-01-01T19:48:21+00:00");
    assert_eq!(e.content_html.as_deref(), Some("<p>Hello</p>"));
    assert_eq!(e.link.as_deref(), Some("http://old.example/e"));
}

#[test]
fn nothing_readable_is_an_error_with_a_reason() {
    assert_eq!(parse(b"", None, None).unwrap_err(), ParseError::Empty);
    assert_eq!(parse(b"  \n ", None, None).unwrap_err(), ParseError::Empty);
    let html = parse(
        b"<!DOCTYPE html><html><head><title>x</title></head></html>",
        Some("text/html"),
        None,
    )
    .unwrap_err();
    assert!(html.to_string().contains("HTML page"), "{html}");
    let other = parse(b"<svg xmlns='http://www.w3.org/2000/svg'/>", None, None).unwrap_err();
    assert!(other.to_string().contains("<svg>"), "{other}");
    assert!(matches!(
        parse(b"\x00\x01\x02 binary", None, None),
        Err(ParseError::NotAFeed(_))
    ));
    assert!(matches!(
        parse(b"{\"not\": \"a feed\"}", None, None),
        Err(ParseError::NotAFeed(_))
    ));
}

#[test]
fn unreadable_dates_are_warned_about() {
    let doc = r#"<rss version="2.0"><channel><item><title>x</title><pubDate>someday soon</pubDate></item></channel></rss>"#;
    let feed = parse(doc.as_bytes(), None, None).unwrap();
    assert_eq!(feed.entries[0].published, None);
    assert!(
        feed.warnings.iter().any(|w| w.contains("someday soon")),
        "{:?}",
        feed.warnings
    );
}

#[test]
fn one_odd_atom_text_type_does_not_lose_the_feed() {
    let doc = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title type="application/octet-stream">QQ==</title>
      <entry><title type="TEXT">Kept</title><summary type="text/html">&lt;b&gt;S&lt;/b&gt;</summary></entry></feed>"#;
    let feed = parse(doc.as_bytes(), None, None).unwrap();
    assert_eq!(feed.title.as_deref(), Some("QQ=="));
    assert_eq!(feed.entries[0].title.as_deref(), Some("Kept"));
    assert_eq!(feed.entries[0].summary.as_deref(), Some("S"));
    assert_eq!(feed.warnings.len(), 1, "{:?}", feed.warnings);
}

#[test]
fn unreadable_atom_content_is_left_out_not_the_feed() {
    // feed-rs refuses <content src> with text inside and inline XML types;
    // the rest of the feed must still be read.
    let doc = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Still here</title>
      <entry><title>A</title><content src="http://x.example/a" type="text/html">oops</content></entry>
      <entry><title>B</title><content type="application/foo+xml"><foo/></content></entry></feed>"#;
    let feed = parse(doc.as_bytes(), None, None).unwrap();
    assert_eq!(feed.title.as_deref(), Some("Still here"));
    assert_eq!(feed.entries.len(), 2);
    assert_eq!(feed.entries[1].title.as_deref(), Some("B"));
    assert!(
        feed.warnings.iter().any(|w| w.contains("left out")),
        "{:?}",
        feed.warnings
    );
}
