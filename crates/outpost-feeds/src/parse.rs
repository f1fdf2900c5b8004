//! From bytes to a [`ParsedFeed`]: charset, lenient XML clean-up, feed-rs's
//! mapping of the dialects, then Outpost's own rules for text, links, ids
//! and HTML.

use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use feed_rs::model::{self as fr, Text};
use url::Url;

use crate::charset;
use crate::dates::parse_date;
use crate::model::{Entry, FeedFormat, ParseError, ParsedFeed};
use crate::sanitize::{MAX_HTML_DEPTH, html_to_text, sanitize_html_reporting, strip_controls};
use crate::xml_clean::{self, ItemHint, NO_LINK, NS_ATOM03, NS_RSS090, RootInfo};

/// Documents larger than this are refused outright (the fetcher's body cap
/// is lower; this guards callers that read files).
pub const MAX_DOCUMENT_BYTES: usize = 64 << 20;

/// A plain-text summary made from full content is cut at this many chars.
const SUMMARY_CHARS: usize = 1000;

/// Parses RSS 0.9x/1.0/2.0, Atom 0.3/1.0 or JSON Feed 1.x from raw bytes.
///
/// `content_type` is the HTTP `Content-Type` (its charset takes precedence
/// over the XML declaration); `base_url` is the document's URL, against
/// which relative links resolve. Anything not clean is repaired where
/// possible and reported in `warnings`; an error means nothing at all could
/// be read.
pub fn parse(
    bytes: &[u8],
    content_type: Option<&str>,
    base_url: Option<&Url>,
) -> Result<ParsedFeed, ParseError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    let decoded = charset::decode(bytes, content_type, base_url);
    let mut warnings = decoded.warnings;
    if let Some(w) = content_type.and_then(content_type_warning) {
        warnings.push(w);
    }
    let text = decoded
        .text
        .trim_start_matches(['\u{FEFF}', ' ', '\t', '\r', '\n']);
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }

    // Dates feed-rs hands over that no format reads are reported, once.
    let bad_dates: Arc<Mutex<Vec<String>>> = Arc::default();
    // feed-rs parsers keep state between calls and are not reused after an
    // error, so each attempt gets a fresh one.
    let parser = || feed_parser(base_url, Arc::clone(&bad_dates));

    let mut items = Vec::new();
    let (format, feed) = if text.starts_with('{') {
        let repaired = repair_lone_surrogates(text);
        if repaired.is_some() {
            warnings.push(
                "the JSON has escaped UTF-16 surrogates without their pair; each was replaced with \u{FFFD}".into(),
            );
        }
        let json = repaired.as_deref().unwrap_or(text);
        let feed = parser()
            .parse(json.as_bytes())
            .map_err(|e| ParseError::NotAFeed(format!("JSON that is not a JSON Feed ({e})")))?;
        (FeedFormat::Json1, feed)
    } else {
        let cleaned = xml_clean::clean(text);
        warnings.extend(cleaned.warnings);
        let root = cleaned.root.ok_or_else(|| {
            ParseError::NotAFeed(
                warnings
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "no XML element found".into()),
            )
        })?;
        let format = format_of(&root, text)?;
        items = cleaned.items;
        let mut result = parser().parse(cleaned.xml.as_bytes());
        if let Err(e) = &result
            && !matches!(
                e,
                feed_rs::parser::ParseFeedError::ParseError(
                    feed_rs::parser::ParseErrorKind::NoFeedRoot
                )
            )
        {
            let first = e.to_string();
            let retry = xml_clean::clean_without_atom_content(text);
            result = parser().parse(retry.xml.as_bytes());
            if result.is_ok() {
                warnings.push(format!(
                    "entry content that could not be read ({first}) was left out"
                ));
            }
        }
        let feed = match result {
            Ok(feed) => feed,
            // A feed root with nothing feed-rs recognises inside (an <rss>
            // without a <channel>) is an empty feed, not an error.
            Err(feed_rs::parser::ParseFeedError::ParseError(
                feed_rs::parser::ParseErrorKind::NoFeedRoot,
            )) => fr::Feed {
                id: String::new(),
                ..feed_rs::parser::parse(&b"<feed xmlns='http://www.w3.org/2005/Atom'/>"[..])
                    .map_err(|e| ParseError::Malformed(e.to_string()))?
            },
            Err(e) => return Err(ParseError::Malformed(e.to_string())),
        };
        (format, feed)
    };
    if let Ok(list) = bad_dates.lock() {
        for raw in list.iter() {
            warnings.push(format!(
                "the date '{raw}' could not be read; it was left empty"
            ));
        }
    }

    let mut parsed = map_feed(feed, format, decoded.encoding, warnings, items, base_url);
    strip_feed_controls(&mut parsed);
    Ok(parsed)
}

/// Applies [`strip_controls`] to every text the feed gave, whatever its
/// format (Hardening 2, item 10: JSON Feed titles kept ESC and friends).
fn strip_feed_controls(feed: &mut ParsedFeed) {
    fn fix(s: &mut String) {
        if let Cow::Owned(clean) = strip_controls(s) {
            *s = clean;
        }
    }
    fn fix_opt(s: &mut Option<String>) {
        if let Some(s) = s {
            fix(s);
        }
    }
    fix_opt(&mut feed.title);
    fix_opt(&mut feed.link);
    fix_opt(&mut feed.description);
    fix_opt(&mut feed.language);
    fix_opt(&mut feed.id);
    for e in &mut feed.entries {
        fix_opt(&mut e.id);
        fix_opt(&mut e.title);
        fix_opt(&mut e.link);
        fix_opt(&mut e.summary);
        fix_opt(&mut e.content_html);
        e.authors.iter_mut().for_each(fix);
    }
}

/// JSON with each `\uXXXX` escape of a lone UTF-16 surrogate replaced by
/// `\uFFFD`, or `None` when there is none. serde_json refuses a whole
/// document for one such escape, which is a common encoder bug; the rest of
/// the feed is worth reading. One linear pass; a backslash escape is always
/// inside a string in JSON, so the scan needs no JSON grammar.
fn repair_lone_surrogates(json: &str) -> Option<String> {
    fn unit_at(b: &[u8], i: usize) -> Option<u16> {
        // `\u` then four hex digits at `i`.
        if b.get(i) != Some(&b'\\') || b.get(i + 1) != Some(&b'u') {
            return None;
        }
        let hex = std::str::from_utf8(b.get(i + 2..i + 6)?).ok()?;
        u16::from_str_radix(hex, 16).ok()
    }
    let b = json.as_bytes();
    let mut lone: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        match unit_at(b, i) {
            Some(0xD800..=0xDBFF) => {
                if matches!(unit_at(b, i + 6), Some(0xDC00..=0xDFFF)) {
                    i += 12;
                } else {
                    lone.push(i);
                    i += 6;
                }
            }
            Some(0xDC00..=0xDFFF) => {
                lone.push(i);
                i += 6;
            }
            Some(_) => i += 6,
            // Any other escape is two characters long.
            None => i += 2,
        }
    }
    if lone.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(json.len());
    let mut last = 0;
    for at in lone {
        out.push_str(&json[last..at]);
        out.push_str("\\uFFFD");
        last = at + 6;
    }
    out.push_str(&json[last..]);
    Some(out)
}

/// feed-rs configured for Outpost: our date reader (recording what it
/// cannot read), no sanitising (done later with the reader pane's policy),
/// and no invented ids.
fn feed_parser(
    base_url: Option<&Url>,
    bad_dates: Arc<Mutex<Vec<String>>>,
) -> feed_rs::parser::Parser {
    feed_rs::parser::Builder::new()
        .base_uri(base_url.map(Url::as_str))
        .sanitize_content(false)
        .timestamp_parser(move |raw| {
            let parsed = parse_date(raw);
            if parsed.is_none()
                && let Ok(mut list) = bad_dates.lock()
                && list.len() < 3
            {
                // A retry parses the same dates again; say each once.
                let shown: String = raw.trim().chars().take(60).collect();
                if !list.contains(&shown) {
                    list.push(shown);
                }
            }
            parsed
        })
        // An entry without an id keeps none; the engine derives its own key.
        .id_generator(|_, _, _| String::new())
        .build()
}

/// Which dialect the root element announces.
fn format_of(root: &RootInfo, text: &str) -> Result<FeedFormat, ParseError> {
    match root.local.as_str() {
        "rss" => Ok(match root.version.as_deref().map(str::trim) {
            Some(v) if v.starts_with("0.9") => FeedFormat::Rss09x,
            _ => FeedFormat::Rss2,
        }),
        "RDF" => {
            // RSS 0.90 is RDF too; its channel lives in Netscape's namespace.
            let head = crate::sanitize::prefix(text, 4096);
            Ok(if head.contains(NS_RSS090) {
                FeedFormat::Rss09x
            } else {
                FeedFormat::Rss1
            })
        }
        "feed" | "entry" => Ok(
            if root.ns.as_deref() == Some(NS_ATOM03) || root.version.as_deref() == Some("0.3") {
                FeedFormat::Atom03
            } else {
                FeedFormat::Atom1
            },
        ),
        "html" | "HTML" => Err(ParseError::NotAFeed(
            "this is an HTML page, not a feed; add the site's address to discover its feeds".into(),
        )),
        other => Err(ParseError::NotAFeed(format!(
            "the root element <{other}> is not RSS, RDF or Atom"
        ))),
    }
}

/// Says when the server labelled the document as something that is not a
/// feed (feeds served as `text/plain` or `text/html` are read anyway).
fn content_type_warning(ct: &str) -> Option<String> {
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let ok = essence.is_empty()
        || essence.ends_with("+xml")
        || essence.ends_with("+json")
        || matches!(
            essence.as_str(),
            "text/xml"
                | "application/xml"
                | "application/json"
                | "text/json"
                | "application/rss"
                | "application/x-rss+xml"
        );
    (!ok).then(|| format!("the server labelled the feed '{essence}', not as a feed type"))
}

fn map_feed(
    feed: fr::Feed,
    format: FeedFormat,
    encoding: crate::model::EncodingInfo,
    warnings: Vec<String>,
    items: Vec<ItemHint>,
    base_url: Option<&Url>,
) -> ParsedFeed {
    let atom = matches!(format, FeedFormat::Atom1 | FeedFormat::Atom03);
    let link = best_link(&feed.links);
    let entry_base = link
        .as_deref()
        .and_then(|l| Url::parse(l).ok())
        .or_else(|| base_url.cloned());
    // The cleaner saw the same items in the same order, unless feed-rs
    // skipped some; then the hints are not used rather than misapplied.
    let mut hints = items.into_iter();
    let aligned = hints.len() == feed.entries.len();
    let mut flattened = 0;
    let entries = feed
        .entries
        .into_iter()
        .map(|e| {
            let hint = if aligned { hints.next() } else { None };
            let (entry, flat) = map_entry(e, atom, hint, entry_base.as_ref());
            flattened += usize::from(flat);
            entry
        })
        .collect();
    let mut warnings = warnings;
    if flattened > 0 {
        // Kept rather than refused: the text is all there, only the
        // deepest markup is gone (Hardening 2, item 3).
        warnings.push(format!(
            "{flattened} entr{} nested HTML deeper than {MAX_HTML_DEPTH} levels; the deeper markup was flattened to its text",
            if flattened == 1 { "y had" } else { "ies had" }
        ));
    }
    ParsedFeed {
        format,
        encoding,
        title: feed.title.as_ref().map(|t| text_of(t, atom)),
        link,
        description: feed.description.as_ref().map(|t| text_of(t, atom)),
        language: feed
            .language
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty()),
        id: Some(feed.id).filter(|id| !id.is_empty()),
        updated: feed.updated,
        published: feed.published,
        entries,
        warnings,
    }
}

/// One entry, and whether its HTML had to be flattened.
fn map_entry(
    e: fr::Entry,
    atom: bool,
    hint: Option<ItemHint>,
    base: Option<&Url>,
) -> (Entry, bool) {
    let hint = hint.unwrap_or_default();
    let id = Some(e.id.trim().to_string())
        .filter(|id| !id.is_empty())
        .or(hint.about);
    // A guid is the permalink when the item has no link, unless it says
    // isPermaLink="false"; only URLs qualify.
    let link = best_link(&e.links).or_else(|| {
        id.as_deref()
            .filter(|_| hint.guid_is_permalink != Some(false))
            .filter(|id| id.starts_with("http://") || id.starts_with("https://"))
            .map(str::to_string)
    });
    let item_base = link.as_deref().and_then(|l| Url::parse(l).ok());
    let base = item_base.as_ref().or(base);

    let content_html = e
        .content
        .as_ref()
        .and_then(|c| {
            let body = c.body.as_deref()?;
            Some(if c.content_type.essence().to_string() == "text/plain" {
                html_escape_plain(body)
            } else {
                body.to_string()
            })
        })
        .or_else(|| e.summary.as_ref().map(|s| html_of(s, atom)))
        .map(|html| sanitize_html_reporting(&html, base));
    let flattened = content_html.as_ref().is_some_and(|(_, f)| *f);
    let content_html = content_html
        .map(|(h, _)| h)
        .filter(|h| !h.trim().is_empty());
    let summary = match &e.summary {
        Some(s) => Some(text_of(s, atom)),
        None => e
            .content
            .as_ref()
            .and_then(|c| c.body.as_deref())
            .map(|b| truncate(html_to_text(b), SUMMARY_CHARS)),
    };
    let entry = Entry {
        id,
        title: e.title.as_ref().map(|t| text_of(t, atom)),
        link,
        summary,
        content_html,
        published: e.published,
        updated: e.updated,
        authors: e
            .authors
            .iter()
            .filter_map(|p| {
                let name = p
                    .name
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty() && *n != "Unknown");
                name.or(p.email.as_deref()).map(str::to_string)
            })
            .collect(),
    };
    (entry, flattened)
}

/// Plain text of a text construct. Atom says exactly what a `type="text"`
/// value is, so it is kept verbatim (only surrounding whitespace trimmed);
/// everything else — Atom HTML/XHTML and every RSS field, which in practice
/// may hold markup and entities — is read as HTML.
fn text_of(t: &Text, atom: bool) -> String {
    if atom && t.content_type.essence().to_string() == "text/plain" {
        t.content.trim().to_string()
    } else {
        html_to_text(&t.content)
    }
}

/// HTML of a text construct, for the reader pane.
fn html_of(t: &Text, atom: bool) -> String {
    if atom && t.content_type.essence().to_string() == "text/plain" {
        html_escape_plain(&t.content)
    } else {
        t.content.clone()
    }
}

fn html_escape_plain(s: &str) -> String {
    format!("<p>{}</p>", quick_xml::escape::escape(s))
}

/// The link a reader should open: an alternate (or unlabelled) link,
/// preferring HTML, never `self`, `enclosure` or the like.
fn best_link(links: &[fr::Link]) -> Option<String> {
    // A `javascript:`, `data:` or `file:` link is never one a reader opens.
    let usable = |l: &&fr::Link| {
        !l.href.trim().is_empty()
            && l.href != NO_LINK
            && Url::parse(l.href.trim())
                .ok()
                .is_none_or(|u| matches!(u.scheme(), "http" | "https"))
    };
    let alternate = |l: &&fr::Link| matches!(l.rel.as_deref(), None | Some("alternate"));
    links
        .iter()
        .filter(usable)
        .filter(alternate)
        .find(|l| {
            matches!(
                l.media_type.as_deref(),
                None | Some("text/html") | Some("application/xhtml+xml")
            )
        })
        .or_else(|| links.iter().filter(usable).find(alternate))
        .map(|l| l.href.trim().to_string())
}

fn truncate(mut s: String, chars: usize) -> String {
    if let Some((idx, _)) = s.char_indices().nth(chars) {
        s.truncate(idx);
        s.push('…');
    }
    s
}
