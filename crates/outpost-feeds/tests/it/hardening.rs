//! Hardening 2: hostile nesting, control characters and broken JSON escapes
//! in feed content are bounded or repaired, never fatal to the feed.

use outpost_feeds::sanitize::{MAX_HTML_DEPTH, bound_html, sanitize_html, strip_controls};

fn max_div_depth(html: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if rest.starts_with("<div") {
            depth += 1;
            max = max.max(depth);
        } else if rest.starts_with("</div") {
            depth = depth.saturating_sub(1);
        }
        rest = &rest[1..];
    }
    max
}

// Hardening 2, item 3: 100,000 nested divs in one item took 17 s in the
// sanitiser (quadratic tree building); the nesting is now bounded by a
// linear pre-pass, the item is kept with its text, and a warning says so.
#[test]
fn deeply_nested_item_html_is_flattened_with_a_warning() {
    let n = 100_000;
    let body = format!("{}deep text{}", "<div>".repeat(n), "</div>".repeat(n));
    let feed = format!(
        "<rss version=\"2.0\"><channel><title>T</title><item><title>deep</title><link>https://example.tj/a</link><description><![CDATA[{body}]]></description></item><item><title>fine</title><link>https://example.tj/b</link><description>&lt;p&gt;ok&lt;/p&gt;</description></item></channel></rss>"
    );
    let parsed = outpost_feeds::parse(feed.as_bytes(), None, None).unwrap();
    assert_eq!(parsed.entries.len(), 2);
    let html = parsed.entries[0].content_html.as_deref().unwrap();
    assert!(html.contains("deep text"), "the text is kept");
    assert!(max_div_depth(html) <= MAX_HTML_DEPTH, "nesting is bounded");
    assert!(
        parsed
            .warnings
            .iter()
            .any(|w| w.contains("1 entry had nested HTML deeper than")),
        "{:?}",
        parsed.warnings
    );
    assert_eq!(parsed.entries[1].content_html.as_deref(), Some("<p>ok</p>"));
}

#[test]
fn bound_html_keeps_shallow_html_as_it_is_and_flattens_only_the_deep_part() {
    let shallow =
        r#"<p class="x" title="a &amp; &quot;b&quot;">Hi <b>there</b></p><br><img src="a.png">"#;
    let b = bound_html(shallow, 4);
    assert!(!b.flattened);
    assert_eq!(b.html, shallow);

    let deep = format!(
        "<p><a href=\"https://e.tj/?a=1&amp;b=2\">link</a></p>{}x &lt; y{}<script>if (a < b) {{}}</script>",
        "<section>".repeat(10),
        "</section>".repeat(10)
    );
    let b = bound_html(&deep, 4);
    assert!(b.flattened);
    assert_eq!(b.html.matches("<section>").count(), 4, "{}", b.html);
    assert_eq!(b.html.matches("</section>").count(), 4, "{}", b.html);
    assert!(b.html.contains("x &lt; y"), "{}", b.html);
    assert!(
        b.html.contains(r#"href="https://e.tj/?a=1&amp;b=2""#),
        "{}",
        b.html
    );
    // Raw text is escaped, so no parser can take it for markup.
    assert!(
        b.html.contains("<script>if (a &lt; b) {}</script>"),
        "{}",
        b.html
    );
    // Re-parsing the bounded HTML gives the same text.
    assert_eq!(
        outpost_feeds::sanitize::html_to_text(&b.html),
        outpost_feeds::sanitize::html_to_text(&deep)
    );
}

#[test]
fn unclosed_list_items_and_paragraphs_do_not_count_as_nesting() {
    let list = format!("<ul>{}</ul>", "<li>item".repeat(1000));
    let b = bound_html(&list, 8);
    assert!(!b.flattened);
    let paras = "<p>para".repeat(1000);
    assert!(!bound_html(&paras, 8).flattened);
}

// Hardening 2, item 3: stray end tags and unclosed formatting elements in
// bulk stay linear and bounded.
#[test]
fn stray_end_tags_and_unclosed_tags_are_bounded() {
    let soup = format!("{}{}", "<b><i>".repeat(50_000), "</span>".repeat(50_000));
    let clean = sanitize_html(&soup, None);
    assert!(clean.matches("<b>").count() <= MAX_HTML_DEPTH);
}

// Hardening 2, item 10: JSON Feed titles kept ESC, BEL and C1 controls,
// which `alerts list` then printed to the terminal.
#[test]
fn control_characters_are_stripped_from_every_format() {
    let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"Feed\u001b]0;pwned\u0007","items":[{"id":"1","title":"A\u001b[2Jcleared\r\nline\u0085two\u0093q\u0094","content_text":"body\u0000text\tTab","url":"https://e.tj/1","authors":[{"name":"x\u009bY"}]}]}"#;
    let f = outpost_feeds::parse(json.as_bytes(), None, None).unwrap();
    assert_eq!(f.title.as_deref(), Some("Feed]0;pwned"));
    let e = &f.entries[0];
    let title = e.title.as_deref().unwrap();
    assert!(
        !title.chars().any(|c| c.is_control() && c != '\n'),
        "{title:?}"
    );
    assert!(
        title.contains("\u{201c}q\u{201d}"),
        "C1 quotes are mapped back: {title:?}"
    );
    assert!(!e.content_html.as_deref().unwrap().contains('\0'));
    assert!(!e.authors[0].chars().any(char::is_control));

    let rss = "<rss version=\"2.0\"><channel><title>R&#x1b;[2J</title><item><title>t\u{1b}]0;x\u{7}</title><link>https://e.tj/1</link></item></channel></rss>";
    let f = outpost_feeds::parse(rss.as_bytes(), None, None).unwrap();
    assert!(!f.title.unwrap().chars().any(char::is_control));
    assert_eq!(f.entries[0].title.as_deref(), Some("t]0;x"));

    assert_eq!(strip_controls("a\tb\nc"), "a\tb\nc");
    assert_eq!(strip_controls("a\rb\r\nc\u{7f}\u{81}"), "a\nb\nc");
}

// Hardening 2, smaller ones: one lone surrogate in a JSON Feed rejected the
// whole feed.
#[test]
fn a_lone_surrogate_costs_one_character_not_the_feed() {
    let json = r#"{"version":"https://jsonfeed.org/version/1","title":"F","items":[{"id":"1","title":"bad \ud800 here, pair \ud83d\ude00, low \udc00","url":"https://e.tj/1"},{"id":"2","title":"kept \\ud800 literal","url":"https://e.tj/2"}]}"#;
    let f = outpost_feeds::parse(json.as_bytes(), None, None).unwrap();
    assert_eq!(f.entries.len(), 2);
    assert_eq!(
        f.entries[0].title.as_deref(),
        Some("bad \u{FFFD} here, pair \u{1F600}, low \u{FFFD}")
    );
    assert_eq!(f.entries[1].title.as_deref(), Some("kept \\ud800 literal"));
    assert!(
        f.warnings.iter().any(|w| w.contains("surrogates")),
        "{:?}",
        f.warnings
    );
}

// Hardening 2, item 3 (found by the fuzz run): inside <math>, a <style> is
// no raw-text element, so tags the bounding pass read as its text came out
// as markup, nested without bound.
#[test]
fn raw_text_inside_foreign_content_cannot_smuggle_nesting() {
    for open in ["<math><style>", "<svg><title>", "<svg><script>"] {
        let html = format!("{open}{}", "<div>".repeat(2000));
        let clean = sanitize_html(&html, None);
        assert!(
            !bound_html(&clean, MAX_HTML_DEPTH).flattened,
            "nesting not bounded after {open}: {} divs",
            clean.matches("<div>").count()
        );
    }
}

// Hardening 2, item 3: formatting elements closed out of order make a tree
// builder re-open them (the adoption agency), which nested 400 deep from
// 400 repetitions before the bounding pass modelled it.
#[test]
fn misnested_formatting_cannot_smuggle_nesting() {
    for html in [
        "<b><div></b>x".repeat(2000),
        "<i>x<b>y</i>".repeat(2000),
        "<table><tr><td>".repeat(2000),
        (0..2000)
            .map(|i| format!("<p><b class=\"c{i}\">x</p>"))
            .collect(),
    ] {
        let clean = sanitize_html(&html, None);
        assert!(
            !bound_html(&clean, MAX_HTML_DEPTH).flattened,
            "nesting not bounded for {}",
            &html[..40]
        );
    }
}
