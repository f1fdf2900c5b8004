//! Public Telegram channels, read through their web preview
//! (`https://t.me/s/NAME`): ordinary HTML, no account and no key.
//!
//! [`read_channel`] turns one preview page into posts, oldest first as the
//! page lists them, plus the cursor of the next older page (`?before=N`).
//! Everything is found with CSS class selectors (whole class tokens: the
//! preview's class names are prefixes of each other), never with patterns
//! over the HTML text. The engine pages back and decides when to stop; this
//! module only reads bytes.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use scraper::{ElementRef, Html, Node, Selector};
use url::Url;

use crate::model::Entry;

/// Titles are the post's first line, cut at a word to about this many
/// characters.
pub const TITLE_CHARS: usize = 120;

/// One post of a channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    /// `data-post`: `NAME/ID`, the post's identity.
    pub key: String,
    /// The numeric id after the slash, the paging cursor.
    pub number: u64,
    /// The post as an entry: `id` is `data-post`, `link` the permalink,
    /// `summary` the text the matcher sees (text, forwarded-from, link
    /// preview, media captions), `content_html` sanitised.
    pub entry: Entry,
    pub forwarded_from: Option<String>,
    /// The views label as the page shows it ("812", "12.5K"): rounded by
    /// Telegram, so kept as text rather than an invented number.
    pub views: Option<String>,
    /// The page marks the post "edited".
    pub edited: bool,
}

/// What one preview page held.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChannelPage {
    /// Posts in page order (oldest first); service messages are left out.
    pub posts: Vec<Post>,
    /// The cursor of the next older page, if the page links one.
    pub older: Option<u64>,
    /// The channel's title from the page head.
    pub title: Option<String>,
    /// Service messages skipped ("Channel photo updated", pins).
    pub skipped_service: usize,
}

/// Why a preview page gave no posts, each a sentence for the source's
/// record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TelegramError {
    #[error(
        "this channel has no public preview (its /s/ page leads to the contact card); Outpost can read only channels whose t.me/s/ page lists posts"
    )]
    NoPublicPreview,
    #[error(
        "the page has Telegram's markup but no posts Outpost can read; the page format may have changed"
    )]
    FormatChanged,
    #[error(
        "the page is not a Telegram channel preview (no channel markup found); check the address"
    )]
    NotAPreview,
}

/// The preview address of a channel given as `https://t.me/NAME`,
/// `t.me/s/NAME`, `@NAME` or a bare name. Other hosts (a mirror, a test
/// server) are kept as given: they serve the same markup at their own path.
pub fn preview_url(input: &str) -> Result<Url, String> {
    let raw = input.trim();
    let bad = || {
        format!("'{raw}' is not a Telegram channel; give https://t.me/NAME, t.me/s/NAME or @NAME")
    };
    let name = if let Some(name) = raw.strip_prefix('@') {
        name.to_string()
    } else {
        let with_scheme = if raw.contains("://") {
            raw.to_string()
        } else {
            format!("https://{raw}")
        };
        let url = Url::parse(&with_scheme).map_err(|_| bad())?;
        let host = url.host_str().unwrap_or("").to_ascii_lowercase();
        if !matches!(host.as_str(), "t.me" | "www.t.me" | "telegram.me") {
            if !raw.contains("://") || !matches!(url.scheme(), "http" | "https") {
                return Err(bad());
            }
            return Ok(url);
        }
        let mut segments = url.path_segments().map(|s| s.collect::<Vec<_>>());
        let segs = segments.get_or_insert_with(Vec::new);
        segs.retain(|s| !s.is_empty());
        match segs.as_slice() {
            ["s", name, ..] | [name] | [name, _] => (*name).to_string(),
            _ => return Err(bad()),
        }
    };
    let ok = (4..=64).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok {
        return Err(bad());
    }
    Url::parse(&format!("https://t.me/s/{name}")).map_err(|_| bad())
}

/// The address of the page of posts older than `before` (or the newest
/// page when `None`), from the channel's preview address.
pub fn page_url(preview: &Url, before: Option<u64>) -> Url {
    let mut url = preview.clone();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "before")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_query(None);
    if !kept.is_empty() || before.is_some() {
        let mut q = url.query_pairs_mut();
        for (k, v) in &kept {
            q.append_pair(k, v);
        }
        if let Some(b) = before {
            q.append_pair("before", &b.to_string());
        }
    }
    url
}

/// True when the address a fetch ended at is still a preview page: t.me
/// sends a channel without one to its contact card (`/NAME`, no `/s/`).
pub fn is_preview_address(final_url: &Url) -> bool {
    let host = final_url.host_str().unwrap_or("");
    if !matches!(host, "t.me" | "www.t.me" | "telegram.me") {
        return true;
    }
    final_url.path().starts_with("/s/")
}

macro_rules! sel {
    ($name:ident, $css:expr) => {
        static $name: LazyLock<Selector> =
            LazyLock::new(|| Selector::parse($css).expect("a fixed selector parses"));
    };
}

sel!(MESSAGE, "div.tgme_widget_message[data-post]");
sel!(HISTORY, ".tgme_channel_history");
sel!(CONTACT_CARD, ".tgme_page");
sel!(ANY_WIDGET, ".tgme_widget_message_wrap, .tgme_channel_info");
sel!(
    TEXT,
    ".tgme_widget_message_bubble > .tgme_widget_message_text, .tgme_widget_message_bubble > .media_supported_cont > .tgme_widget_message_text"
);
sel!(DATE_TIME, "a.tgme_widget_message_date time[datetime]");
sel!(DATE_LINK, "a.tgme_widget_message_date");
sel!(
    FORWARDED,
    ".tgme_widget_message_forwarded_from .tgme_widget_message_forwarded_from_name"
);
sel!(VIEWS, ".tgme_widget_message_views");
sel!(META, ".tgme_widget_message_meta");
sel!(FROM_AUTHOR, ".tgme_widget_message_from_author");
sel!(OWNER, ".tgme_widget_message_owner_name");
sel!(PREVIEW, "a.tgme_widget_message_link_preview");
sel!(PREVIEW_SITE, ".link_preview_site_name");
sel!(PREVIEW_TITLE, ".link_preview_title");
sel!(PREVIEW_DESC, ".link_preview_description");
sel!(
    DOC_TITLE,
    ".tgme_widget_message_document_title, .tgme_widget_message_poll_question"
);
sel!(MORE, "a.tme_messages_more[data-before]");
sel!(PREV_LINK, "link[rel=prev][href]");
sel!(CHANNEL_TITLE, ".tgme_channel_info_header_title");

/// Reads one preview page. `base` is the address it came from: links are
/// made absolute against it and permalinks are built on its origin
/// (`https://t.me/NAME/ID` for t.me itself).
pub fn read_channel(bytes: &[u8], base: &Url) -> Result<ChannelPage, TelegramError> {
    let html = String::from_utf8_lossy(bytes);
    // Like every HTML Outpost parses, nesting is bounded first (SECURITY.md,
    // section 1), so selector matching stays linear on a hostile page.
    let bounded = crate::sanitize::bound_html(&html, crate::sanitize::MAX_HTML_DEPTH);
    let doc = Html::parse_document(&bounded.html);
    let mut page = ChannelPage {
        title: doc.select(&CHANNEL_TITLE).next().map(|t| line_text(t)),
        ..ChannelPage::default()
    };
    for el in doc.select(&MESSAGE) {
        if has_class(el, "service_message") || el.select(&TEXT).next().is_none() && is_service(el) {
            page.skipped_service += 1;
            continue;
        }
        if let Some(post) = read_post(el, base) {
            page.posts.push(post);
        }
    }
    page.older = doc
        .select(&MORE)
        .filter_map(|a| a.value().attr("data-before")?.trim().parse().ok())
        .next()
        .or_else(|| {
            let href = doc.select(&PREV_LINK).next()?.value().attr("href")?;
            let url = base.join(href).ok()?;
            url.query_pairs()
                .find(|(k, _)| k == "before")
                .and_then(|(_, v)| v.parse().ok())
        });
    if page.posts.is_empty() && page.skipped_service == 0 {
        let has_history = doc.select(&HISTORY).next().is_some();
        if !has_history && doc.select(&CONTACT_CARD).next().is_some() {
            return Err(TelegramError::NoPublicPreview);
        }
        if !has_history && doc.select(&ANY_WIDGET).next().is_none() {
            return Err(TelegramError::NotAPreview);
        }
        return Err(TelegramError::FormatChanged);
    }
    Ok(page)
}

/// A message block with nothing but a service notice in it (no text, no
/// date link): the page marks most of them `service_message` already.
fn is_service(el: ElementRef<'_>) -> bool {
    el.select(&DATE_LINK).next().is_none()
}

fn read_post(el: ElementRef<'_>, base: &Url) -> Option<Post> {
    let key = el.value().attr("data-post")?.trim().to_string();
    let (channel, number) = key.rsplit_once('/')?;
    let number: u64 = number.parse().ok()?;
    if channel.is_empty() {
        return None;
    }
    let link = base
        .join(&format!("/{channel}/{number}"))
        .ok()
        .map(|u| u.to_string());
    let published = el
        .select(&DATE_TIME)
        .next()
        .and_then(|t| t.value().attr("datetime"))
        .and_then(|d| DateTime::parse_from_rfc3339(d.trim()).ok())
        .map(|d| d.with_timezone(&Utc));

    let mut body_html = String::new();
    let mut text = String::new();
    if let Some(t) = el.select(&TEXT).next() {
        render(t, base, &mut body_html, &mut text);
    }
    let text = tidy_lines(&text);
    let title = title_of(&text);

    let forwarded_from = el.select(&FORWARDED).next().map(line_text);
    let views = el.select(&VIEWS).next().map(line_text);
    let edited = el
        .select(&META)
        .next()
        .is_some_and(|m| m.text().any(|t| t.contains("edited")));
    let author = el
        .select(&FROM_AUTHOR)
        .next()
        .or_else(|| el.select(&OWNER).next())
        .map(line_text)
        .filter(|a| !a.is_empty());

    // What the matcher sees beyond the text: who it was forwarded from, the
    // link preview and captions of documents and polls.
    let mut extra_text: Vec<String> = Vec::new();
    let mut extra_html = String::new();
    if let Some(f) = &forwarded_from {
        extra_text.push(format!("Forwarded from {f}"));
        extra_html.push_str(&format!("<p><em>Forwarded from {}</em></p>", escape(f)));
    }
    if let Some(p) = el.select(&PREVIEW).next() {
        let href = p.value().attr("href").and_then(|h| absolute(base, h));
        let parts: Vec<String> = [&PREVIEW_SITE, &PREVIEW_TITLE, &PREVIEW_DESC]
            .iter()
            .filter_map(|s| p.select(s).next().map(line_text))
            .filter(|s| !s.is_empty())
            .collect();
        if !parts.is_empty() {
            extra_text.push(parts.join("\n"));
            extra_html.push_str("<blockquote>");
            for (i, part) in parts.iter().enumerate() {
                match (&href, i) {
                    (Some(h), 0) => extra_html.push_str(&format!(
                        "<p><a href=\"{}\" rel=\"{LINK_REL}\">{}</a></p>",
                        escape(h),
                        escape(part)
                    )),
                    _ => extra_html.push_str(&format!("<p>{}</p>", escape(part))),
                }
            }
            extra_html.push_str("</blockquote>");
        }
    }
    for d in el.select(&DOC_TITLE) {
        let caption = line_text(d);
        if !caption.is_empty() {
            extra_html.push_str(&format!("<p>{}</p>", escape(&caption)));
            extra_text.push(caption);
        }
    }
    let mut summary = text.clone();
    for part in &extra_text {
        if !summary.is_empty() {
            summary.push_str("\n\n");
        }
        summary.push_str(part);
    }
    let content = format!("{body_html}{extra_html}");
    // Built, not copied: only the elements `render` writes, text escaped,
    // links absolute http(s) only, so the sanitiser's second parse of every
    // post (most of a page's reading time) is not needed.
    let content_html = content;
    let title = if title.is_empty() {
        extra_text.first().map(|t| title_of(t)).unwrap_or_default()
    } else {
        title
    };
    Some(Post {
        entry: Entry {
            id: Some(key.clone()),
            title: Some(title),
            link,
            summary: Some(summary),
            content_html: Some(content_html),
            published,
            updated: None,
            authors: author.into_iter().collect(),
        },
        key,
        number,
        forwarded_from,
        views,
        edited,
    })
}

/// What the sanitiser puts on every link (SECURITY.md, section 1).
const LINK_REL: &str = "noopener noreferrer nofollow";

/// Walks a message's text element: the plain text keeps `<br>` as line
/// breaks, the HTML keeps links (absolute, Telegram's doubly escaped `&`
/// repaired) and simple emphasis; everything else is reduced to its text.
fn render(root: ElementRef<'_>, base: &Url, html: &mut String, text: &mut String) {
    use ego_tree::iter::Edge;
    // Inside these, text is code or markup, never the post's words.
    const SKIPPED: [&str; 6] = [
        "script", "style", "template", "noscript", "iframe", "textarea",
    ];
    let mut skipping = 0usize;
    for edge in root.traverse() {
        let (Edge::Open(node) | Edge::Close(node)) = &edge;
        if let Node::Element(e) = node.value()
            && SKIPPED.contains(&e.name())
        {
            if matches!(edge, Edge::Open(_)) {
                skipping += 1;
            } else {
                skipping = skipping.saturating_sub(1);
            }
            continue;
        }
        if skipping > 0 {
            continue;
        }
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Text(t) => {
                    text.push_str(t);
                    html.push_str(&escape(t));
                }
                Node::Element(e) => match e.name() {
                    "br" => {
                        text.push('\n');
                        html.push_str("<br>");
                    }
                    "a" => {
                        let href = e.attr("href").and_then(|h| absolute(base, h));
                        match href {
                            Some(h) => html.push_str(&format!(
                                "<a href=\"{}\" rel=\"{LINK_REL}\">",
                                escape(&h)
                            )),
                            None => html.push_str("<a>"),
                        }
                    }
                    "b" | "strong" | "i" | "em" | "u" | "s" | "code" | "pre" => {
                        html.push_str(&format!("<{}>", e.name()));
                    }
                    _ => {}
                },
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if matches!(
                        e.name(),
                        "a" | "b" | "strong" | "i" | "em" | "u" | "s" | "code" | "pre"
                    ) {
                        html.push_str(&format!("</{}>", e.name()));
                    }
                    if e.name() == "blockquote" || e.name() == "p" || e.name() == "div" {
                        text.push('\n');
                        html.push_str("<br>");
                    }
                }
            }
        }
    }
}

/// An absolute http(s) link from an `href`, with the `&amp;` that the
/// preview escapes twice in some links repaired.
fn absolute(base: &Url, href: &str) -> Option<String> {
    let repaired = href.trim().replace("&amp;", "&");
    let url = base.join(&repaired).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

/// The element's text on one line, whitespace collapsed.
fn line_text(el: ElementRef<'_>) -> String {
    el.text()
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Trims each line, collapses runs of spaces and of blank lines.
fn tidy_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(&line);
    }
    out
}

/// The first non-empty line, cut at a word boundary to about
/// [`TITLE_CHARS`] characters (with an ellipsis when cut).
pub fn title_of(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty());
    let Some(line) = line else {
        return String::new();
    };
    if line.chars().count() <= TITLE_CHARS {
        return line.to_string();
    }
    let mut out = String::new();
    for word in line.split_whitespace() {
        let next = out.chars().count() + word.chars().count() + usize::from(!out.is_empty());
        if next > TITLE_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        // One word longer than the limit: cut it at a character.
        out = line.chars().take(TITLE_CHARS).collect();
    }
    out.push('…');
    out
}

fn has_class(el: ElementRef<'_>, class: &str) -> bool {
    el.value().classes().any(|c| c == class)
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://t.me/s/example_news").unwrap()
    }

    /// A page written from the documented preview markup (ARCHITECTURE.md,
    /// "Source kinds"): two posts, a service message and the older-page link.
    const PAGE: &str = r#"<!DOCTYPE html><html><head><title>Example</title></head><body>
<div class="tgme_channel_info"><div class="tgme_channel_info_header_title"><span>Example News</span></div></div>
<section class="tgme_channel_history js-message_history">
 <div class="tgme_widget_message_wrap js-widget_message_wrap">
  <div class="tgme_widget_message service_message js-widget_message" data-post="example_news/9">
   <div class="tgme_widget_message_bubble"><div class="message_media_not_supported">Channel photo updated</div></div>
  </div>
 </div>
 <div class="tgme_widget_message_wrap js-widget_message_wrap">
  <div class="tgme_widget_message js-widget_message" data-post="example_news/10" data-view="x">
   <div class="tgme_widget_message_author"><a class="tgme_widget_message_owner_name" href="https://t.me/example_news"><span>Example News</span></a></div>
   <div class="tgme_widget_message_forwarded_from">Forwarded from <a class="tgme_widget_message_forwarded_from_name" href="https://t.me/other">Other Desk</a></div>
   <div class="tgme_widget_message_bubble">
    <div class="tgme_widget_message_text js-message_text" dir="auto">Flooding in Khorog<script>var leaked = 1;</script><br>Roads closed near the <b>bridge</b>. <a href="https://example.org/a?x=1&amp;amp;y=2" onclick="return confirm('Open?')">Details</a></div>
    <a class="tgme_widget_message_link_preview" href="https://example.org/a"><div class="link_preview_site_name">Example Org</div><div class="link_preview_title">Floods in GBAO</div><div class="link_preview_description">Water level rising</div></a>
    <div class="tgme_widget_message_footer"><div class="tgme_widget_message_info">
     <span class="tgme_widget_message_views">12.5K</span>
     <span class="tgme_widget_message_meta">edited <a class="tgme_widget_message_date" href="https://t.me/example_news/10"><time datetime="2026-11-29T09:30:00+00:00" class="time">09:30</time></a></span>
    </div></div>
   </div>
  </div>
 </div>
</section>
<a class="tme_messages_more js-messages_more" data-before="10" href="/s/example_news?before=10"></a>
</body></html>"#;

    #[test]
    fn reads_a_post_with_its_parts() {
        let page = read_channel(PAGE.as_bytes(), &base()).unwrap();
        assert_eq!(page.skipped_service, 1);
        assert_eq!(page.older, Some(10));
        assert_eq!(page.title.as_deref(), Some("Example News"));
        assert_eq!(page.posts.len(), 1);
        let p = &page.posts[0];
        assert_eq!(p.key, "example_news/10");
        assert_eq!(
            p.entry.link.as_deref(),
            Some("https://t.me/example_news/10")
        );
        assert_eq!(p.entry.title.as_deref(), Some("Flooding in Khorog"));
        let summary = p.entry.summary.as_deref().unwrap();
        assert!(summary.starts_with("Flooding in Khorog\nRoads closed near the bridge. Details"));
        assert!(summary.contains("Forwarded from Other Desk"));
        assert!(summary.contains("Floods in GBAO") && summary.contains("Water level rising"));
        assert_eq!(p.views.as_deref(), Some("12.5K"));
        assert_eq!(p.forwarded_from.as_deref(), Some("Other Desk"));
        assert!(p.edited);
        assert_eq!(p.entry.authors, vec!["Example News".to_string()]);
        let html = p.entry.content_html.as_deref().unwrap();
        assert!(html.contains("https://example.org/a?x=1&amp;y=2"), "{html}");
        assert!(!html.contains("amp;amp;"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        // Script text is not the post's words.
        assert!(
            !summary.contains("leaked") && !html.contains("leaked"),
            "{html}"
        );
        assert_eq!(
            p.entry.published.unwrap().to_rfc3339(),
            "2026-11-29T09:30:00+00:00"
        );
    }

    #[test]
    fn channel_addresses_normalise_to_the_preview() {
        for input in [
            "https://t.me/example_news",
            "t.me/s/example_news",
            "@example_news",
            "https://t.me/s/example_news?before=5",
            "https://t.me/example_news/123",
        ] {
            assert_eq!(
                preview_url(input).unwrap().as_str(),
                "https://t.me/s/example_news",
                "{input}"
            );
        }
        assert_eq!(
            preview_url("http://127.0.0.1:8080/s/x").unwrap().as_str(),
            "http://127.0.0.1:8080/s/x"
        );
        assert!(preview_url("@a b").is_err());
        assert!(preview_url("ftp://example.org/x").is_err());
    }

    #[test]
    fn titles_cut_at_a_word() {
        let long = "word ".repeat(60);
        let t = title_of(&long);
        assert!(t.chars().count() <= TITLE_CHARS + 1, "{t}");
        assert!(t.ends_with("word…"));
        assert_eq!(title_of("\n  first line \nsecond"), "first line");
    }

    #[test]
    fn errors_name_what_the_page_was() {
        let card = r#"<html><body><div class="tgme_page"><div class="tgme_page_title">X</div></div></body></html>"#;
        assert_eq!(
            read_channel(card.as_bytes(), &base()),
            Err(TelegramError::NoPublicPreview)
        );
        let empty = r#"<html><body><section class="tgme_channel_history"></section></body></html>"#;
        assert_eq!(
            read_channel(empty.as_bytes(), &base()),
            Err(TelegramError::FormatChanged)
        );
        assert_eq!(
            read_channel(b"<html><body>hello</body></html>", &base()),
            Err(TelegramError::NotAPreview)
        );
    }

    // SECURITY.md, section 1: a post nested 100,000 levels deep is
    // flattened before the page is parsed, and the post is still read.
    #[test]
    fn deep_nesting_is_bounded_before_reading() {
        let deep = PAGE.replace(
            "Flooding in Khorog",
            &format!("Flooding in Khorog{}deep", "<b>".repeat(100_000)),
        );
        let page = read_channel(deep.as_bytes(), &base()).unwrap();
        assert_eq!(page.posts.len(), 1);
        assert_eq!(page.posts[0].key, "example_news/10");
        assert!(
            page.posts[0]
                .entry
                .summary
                .as_deref()
                .unwrap()
                .contains("deep")
        );
    }

    #[test]
    fn paging_addresses() {
        let b = base();
        assert_eq!(
            page_url(&b, Some(42)).as_str(),
            "https://t.me/s/example_news?before=42"
        );
        assert_eq!(
            page_url(&page_url(&b, Some(42)), Some(7)).as_str(),
            "https://t.me/s/example_news?before=7"
        );
        assert!(!is_preview_address(
            &Url::parse("https://t.me/example_news").unwrap()
        ));
        assert!(is_preview_address(&b));
    }
}
