//! Web pages without a feed, read into the same [`Entry`] values a feed
//! gives, with the CSS selectors the analyst chose ([`PageSelectors`]).
//!
//! One selector picks the repeated element of the list (an item); inside
//! each item, further selectors pick its title, link, date and body. An
//! item is identified by its link, resolved against the page URL; items
//! without a usable link are skipped with a warning. The body is sanitised
//! exactly like feed HTML. Dates are read by [`page_date`] in every form
//! the region's sites write them, month names in Russian, Tajik and Uzbek
//! included, in the page's zone when they carry none.
//!
//! The HTML is bounded in depth before the tree is built
//! ([`crate::sanitize::bound_html`]), so hostile nesting costs linear time
//! (SECURITY.md, "A malicious feed").
//!
//! [`suggest_selectors`] finds the repeated element of a listing page for
//! the selector builder, so the analyst need not write a selector by hand.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use outpost_core::model::PageSelectors;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::charset;
use crate::model::Entry;
use crate::sanitize::{MAX_HTML_DEPTH, bound_html, html_to_text, sanitize_html, strip_controls};

/// At most this many items are read from one page; a listing longer than
/// this is not a news list.
pub const MAX_ITEMS: usize = 1000;

/// A plain-text summary made from an item's body is cut at this many chars.
const SUMMARY_CHARS: usize = 1000;

/// What a page gave: its items as feed entries, and a sentence for each
/// problem worked around (items skipped, dates not read).
#[derive(Debug, Clone, PartialEq)]
pub struct PageRead {
    /// The page's `<title>`, if it has one.
    pub title: Option<String>,
    pub entries: Vec<Entry>,
    pub warnings: Vec<String>,
}

/// Why a page could not be read at all: the selectors or the zone are
/// wrong, which the analyst fixes in the source's settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error(
        "the {field} selector '{selector}' is not valid CSS ({reason}); fix it in the source's settings"
    )]
    BadSelector {
        field: &'static str,
        selector: String,
        reason: String,
    },
    #[error("the item selector is empty; choose the repeated element of the list")]
    NoItemSelector,
    #[error("'{0}' is not a time zone name; use an IANA name such as Asia/Dushanbe")]
    BadZone(String),
    #[error("the page is {size} bytes, over the {limit}-byte limit for a page")]
    TooLarge { size: usize, limit: usize },
}

/// Reads the items of a page from its raw bytes (the charset is decided as
/// for feeds, from the bytes), resolving links against `base`.
pub fn read(body: &[u8], base: &Url, sel: &PageSelectors) -> Result<PageRead, PageError> {
    read_with_type(body, None, base, sel)
}

/// [`read`] with the HTTP `Content-Type`, whose charset takes precedence.
pub fn read_with_type(
    body: &[u8],
    content_type: Option<&str>,
    base: &Url,
    sel: &PageSelectors,
) -> Result<PageRead, PageError> {
    if body.len() > crate::MAX_DOCUMENT_BYTES {
        return Err(PageError::TooLarge {
            size: body.len(),
            limit: crate::MAX_DOCUMENT_BYTES,
        });
    }
    let decoded = charset::decode(body, content_type, Some(base));
    read_str(&decoded.text, base, sel)
}

/// The field selectors, compiled once per read.
struct Compiled {
    item: Selector,
    title: Option<Selector>,
    link: Option<Selector>,
    date: Option<Selector>,
    body: Option<Selector>,
    zone: Tz,
    date_format: Option<String>,
}

fn compile(sel: &PageSelectors) -> Result<Compiled, PageError> {
    fn one(field: &'static str, s: &str) -> Result<Option<Selector>, PageError> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        Selector::parse(s)
            .map(Some)
            .map_err(|e| PageError::BadSelector {
                field,
                selector: s.to_string(),
                // selectors' messages for some errors begin with a plea to
                // report them; the last line names what is wrong.
                reason: e.to_string().lines().last().unwrap_or_default().to_string(),
            })
    }
    let item = one("item", &sel.item)?.ok_or(PageError::NoItemSelector)?;
    let zone = match sel.tz.as_deref().map(str::trim).filter(|z| !z.is_empty()) {
        None => Tz::UTC,
        Some(z) => z.parse().map_err(|_| PageError::BadZone(z.to_string()))?,
    };
    Ok(Compiled {
        item,
        title: one("title", &sel.title)?,
        link: one("link", &sel.link)?,
        date: one("date", sel.date.as_deref().unwrap_or(""))?,
        body: one("body", sel.body.as_deref().unwrap_or(""))?,
        zone,
        date_format: sel
            .date_format
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(str::to_string),
    })
}

/// Checks the selectors and the zone without reading a page, for the CLI
/// and the builder to refuse bad settings before they are stored.
pub fn check(sel: &PageSelectors) -> Result<(), PageError> {
    compile(sel).map(|_| ())
}

/// Reads the items of a page already decoded to text.
pub fn read_str(html: &str, base: &Url, sel: &PageSelectors) -> Result<PageRead, PageError> {
    let c = compile(sel)?;
    let bounded = bound_html(html, MAX_HTML_DEPTH);
    let doc = Html::parse_document(&bounded.html);
    let mut warnings = Vec::new();
    if bounded.flattened {
        warnings.push(format!(
            "the page nests elements deeper than {MAX_HTML_DEPTH}; the deepest were flattened"
        ));
    }
    let title = Selector::parse("head > title")
        .ok()
        .and_then(|t| doc.select(&t).next())
        .map(|t| text_of(t))
        .filter(|t| !t.is_empty());

    let mut entries = Vec::new();
    let mut seen = HashSet::new();
    let (mut matched, mut no_link, mut repeated) = (0usize, 0usize, 0usize);
    let mut bad_dates: Vec<String> = Vec::new();
    for item in doc.select(&c.item) {
        matched += 1;
        if entries.len() >= MAX_ITEMS {
            break;
        }
        let Some(link) = item_link(item, c.link.as_ref(), base) else {
            no_link += 1;
            continue;
        };
        if !seen.insert(link.clone()) {
            repeated += 1;
            continue;
        }
        let title = first(item, c.title.as_ref())
            .map(text_of)
            .filter(|t| !t.is_empty())
            .or_else(|| {
                first(item, c.link.as_ref())
                    .map(text_of)
                    .filter(|t| !t.is_empty())
            });
        let published = match c.date.as_ref().and_then(|d| first_strict(item, d)) {
            None => None,
            Some(el) => {
                let raw = el
                    .attr("datetime")
                    .map(str::to_string)
                    .unwrap_or_else(|| text_of(el));
                let d = page_date(&raw, c.date_format.as_deref(), c.zone);
                if d.is_none() && !raw.trim().is_empty() {
                    bad_dates.push(raw);
                }
                d
            }
        };
        let (summary, content_html) = match c.body.as_ref() {
            None => (None, None),
            Some(b) => {
                let html: String = matches_in(item, b).map(|e| e.html()).collect();
                if html.trim().is_empty() {
                    (None, None)
                } else {
                    let clean = sanitize_html(&html, Some(base));
                    let text = html_to_text(&clean);
                    let summary: String = text.chars().take(SUMMARY_CHARS).collect();
                    (
                        Some(summary).filter(|s| !s.is_empty()),
                        Some(clean).filter(|h| !h.trim().is_empty()),
                    )
                }
            }
        };
        entries.push(Entry {
            id: Some(link.clone()),
            title,
            link: Some(link),
            summary,
            content_html,
            published,
            updated: None,
            authors: Vec::new(),
        });
    }
    if matched == 0 {
        warnings.push(format!(
            "the item selector '{}' matched nothing on the page; the page may have changed",
            sel.item.trim()
        ));
    }
    if matched > MAX_ITEMS {
        warnings.push(format!(
            "the item selector matched {matched} elements; only the first {MAX_ITEMS} were read"
        ));
    }
    if no_link > 0 {
        warnings.push(format!(
            "{no_link} item{} had no link and {} skipped; check the link selector",
            plural(no_link),
            if no_link == 1 { "was" } else { "were" }
        ));
    }
    if repeated > 0 {
        warnings.push(format!(
            "{repeated} item{} repeated the link of an earlier one and {} left out",
            plural(repeated),
            if repeated == 1 { "was" } else { "were" }
        ));
    }
    if let Some(example) = bad_dates.first() {
        let example: String = example.trim().chars().take(60).collect();
        warnings.push(format!(
            "{} date{} could not be read (e.g. \"{example}\"); set a date format",
            bad_dates.len(),
            plural(bad_dates.len())
        ));
    }
    Ok(PageRead {
        title,
        entries,
        warnings,
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The item itself when it matches `sel`, then its descendants that do.
fn matches_in<'a, 'b>(
    item: ElementRef<'a>,
    sel: &'b Selector,
) -> impl Iterator<Item = ElementRef<'a>> + use<'a, 'b> {
    std::iter::once(item)
        .filter(|i| sel.matches(i))
        .chain(item.select(sel))
}

/// The element a field selector picks in an item; with no selector, the
/// item itself.
fn first<'a>(item: ElementRef<'a>, sel: Option<&Selector>) -> Option<ElementRef<'a>> {
    match sel {
        None => Some(item),
        Some(s) => first_strict(item, s),
    }
}

fn first_strict<'a>(item: ElementRef<'a>, sel: &Selector) -> Option<ElementRef<'a>> {
    matches_in(item, sel).next()
}

/// The `href` of the link element, or of the first `<a href>` inside it,
/// resolved against the page; only web links count.
fn item_link(item: ElementRef<'_>, sel: Option<&Selector>, base: &Url) -> Option<String> {
    let el = first(item, sel)?;
    static ANCHOR: std::sync::LazyLock<Selector> =
        std::sync::LazyLock::new(|| Selector::parse("a[href]").expect("a valid selector"));
    let href = el
        .attr("href")
        .or_else(|| el.select(&ANCHOR).next().and_then(|a| a.attr("href")))?;
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let url = base.join(href).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

/// The element's text with whitespace collapsed and control characters gone.
fn text_of(el: ElementRef<'_>) -> String {
    let mut out = String::new();
    for part in el.text() {
        for word in part.split_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            out.push_str(word);
        }
        if part.ends_with(char::is_whitespace) && !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    strip_controls(out.trim()).into_owned()
}

// ---------------------------------------------------------------------------
// Dates

/// Reads a date as pages write it: ISO 8601 and RFC 2822 (with or without a
/// zone), `dd.mm.yyyy`, `dd/mm/yyyy`, `yyyy-mm-dd` with an optional
/// `HH:MM[:SS]`, a day, month name and year ("29 ноября 2026",
/// "29-noyabr, 2026", "November 29, 2026"), or `format` (strftime) when
/// given. A date without a zone is in `zone`. `None` for anything else;
/// never guesses from garbage.
pub fn page_date(raw: &str, format: Option<&str>, zone: Tz) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 100 {
        return None;
    }
    if let Some(f) = format {
        return with_format(s, f, zone);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, f) {
            return Some(d.with_timezone(&Utc));
        }
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return local(d, zone);
        }
    }
    numeric_or_named(s, zone)
}

fn with_format(s: &str, f: &str, zone: Tz) -> Option<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_str(s, f) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
        return local(d, zone);
    }
    let d = NaiveDate::parse_from_str(s, f).ok()?;
    local(d.and_time(NaiveTime::MIN), zone)
}

fn local(d: NaiveDateTime, zone: Tz) -> Option<DateTime<Utc>> {
    zone.from_local_datetime(&d)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
}

/// The numeric forms and the forms with a month name, in `zone`.
fn numeric_or_named(s: &str, zone: Tz) -> Option<DateTime<Utc>> {
    let lower = s.to_lowercase();
    let mut time = None;
    let mut numbers: Vec<&str> = Vec::new();
    let mut month_word = None;
    let mut date_seps = String::new();
    // "2:30 PM": whether the clock is after noon, when it says.
    let mut meridiem: Option<bool> = None;
    for token in lower.split(|c: char| c.is_whitespace() || c == ',' || c == '|') {
        let token = token.trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']'));
        if token.is_empty() {
            continue;
        }
        if token.contains(':') && token.starts_with(|c: char| c.is_ascii_digit()) {
            if time.is_some() {
                return None;
            }
            time = Some(clock(token)?);
            continue;
        }
        for part in token.split(['.', '/', '-']) {
            if part.is_empty() {
                continue;
            }
            if part.bytes().all(|b| b.is_ascii_digit()) {
                numbers.push(part);
            } else if let Some(m) = month_name(part) {
                if month_word.replace(m).is_some() {
                    return None;
                }
            } else if matches!(part, "am" | "pm") {
                if meridiem.replace(part == "pm").is_some() {
                    return None;
                }
            } else if !is_filler(part) {
                return None;
            }
        }
        date_seps.extend(token.chars().filter(|c| matches!(c, '.' | '/' | '-')));
    }
    let num = |s: &str| s.parse::<u32>().ok();
    let year = |s: &str| -> Option<i32> {
        let y: i32 = s.parse().ok()?;
        match s.len() {
            4 => Some(y),
            2 => Some(2000 + y),
            _ => None,
        }
    };
    let (y, m, d) = match (month_word, numbers.as_slice()) {
        (Some(m), [a, b]) if a.len() == 4 => (year(a)?, m, num(b)?),
        (Some(m), [a, b]) => (year(b)?, m, num(a)?),
        (None, [a, b, c]) if a.len() == 4 => (year(a)?, num(b)?, num(c)?),
        (None, [a, b, c]) if c.len() == 4 || (c.len() == 2 && !date_seps.is_empty()) => {
            (year(c)?, num(b)?, num(a)?)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(y, m, d)?;
    let time = match (time, meridiem) {
        (Some(t), Some(pm)) => {
            use chrono::Timelike;
            if !(1..=12).contains(&t.hour()) {
                return None;
            }
            let h = t.hour() % 12 + if pm { 12 } else { 0 };
            Some(t.with_hour(h)?)
        }
        (None, Some(_)) => return None,
        (t, None) => t,
    };
    local(date.and_time(time.unwrap_or(NaiveTime::MIN)), zone)
}

/// `HH:MM` or `HH:MM:SS`.
fn clock(t: &str) -> Option<NaiveTime> {
    let parts: Vec<&str> = t.split(':').collect();
    let n = |i: usize| parts.get(i).and_then(|p| p.parse::<u32>().ok());
    match parts.len() {
        2 => NaiveTime::from_hms_opt(n(0)?, n(1)?, 0),
        3 => NaiveTime::from_hms_opt(n(0)?, n(1)?, n(2)?),
        _ => None,
    }
}

/// Words written around a date that carry nothing: "г." and "года"
/// (Russian "year"), "сол"/"соли" (Tajik), "yil"/"йил" (Uzbek), "soat"/
/// "соат" (Uzbek "hour"), "в" and "at".
fn is_filler(w: &str) -> bool {
    matches!(
        w,
        "г" | "год"
            | "года"
            | "гг"
            | "сол"
            | "соли"
            | "yil"
            | "yili"
            | "йил"
            | "йили"
            | "soat"
            | "соат"
            | "соати"
            | "в"
            | "at"
            | "t"
    )
}

/// Month names of the region's languages by their stems, so every case
/// and spelling reads: Russian ("ноября", "ноябрь"), Tajik ("ноябри",
/// "ноябр"), Uzbek in Cyrillic ("ноябр") and Latin ("noyabr", "sentyabr",
/// "sentabr"), and English ("Nov", "November"). Longer stems come first
/// where one is a prefix of another ("мар" before "ма").
fn month_name(w: &str) -> Option<u32> {
    if w.chars().count() > 12 || !w.chars().all(char::is_alphabetic) {
        return None;
    }
    const STEMS: &[(&str, u32)] = &[
        // Russian, Tajik and Uzbek in Cyrillic share the stems.
        ("янв", 1),
        ("фев", 2),
        ("мар", 3),
        ("апр", 4),
        ("май", 5),
        ("мая", 5),
        ("мае", 5),
        ("майи", 5),
        ("июн", 6),
        ("июл", 7),
        ("авг", 8),
        ("сен", 9),
        ("окт", 10),
        ("ноя", 11),
        ("дек", 12),
        // Uzbek in Latin script.
        ("yanv", 1),
        ("fev", 2),
        ("mart", 3),
        ("apr", 4),
        ("may", 5),
        ("iyun", 6),
        ("iyul", 7),
        ("avg", 8),
        ("sent", 9),
        ("okt", 10),
        ("noy", 11),
        ("dek", 12),
        // English.
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
    ];
    // "май" is whole-word only: as a prefix it would read other words.
    for (stem, m) in STEMS {
        let whole = *m == 5;
        if (whole && w == *stem) || (!whole && w.starts_with(stem)) {
            return Some(*m);
        }
    }
    None
}

// ---------------------------------------------------------------------------
// Suggestions for the selector builder

/// Selectors the builder proposes for a page: the repeated element, and
/// where its title, link and date are inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub selectors: PageSelectors,
    /// How many elements the item selector matches on the page.
    pub count: usize,
}

/// The repeated element of a listing page, as a CSS selector: the most
/// telling group of same-tag siblings (under parents alike) that each carry
/// a link and some text. `None` when nothing repeats at least three times.
pub fn suggest_item_selector(html: &str) -> Option<String> {
    suggest_selectors(html).map(|s| s.selectors.item)
}

/// [`suggest_item_selector`] with the title, link and date inside the item.
pub fn suggest_selectors(html: &str) -> Option<Suggestion> {
    let bounded = bound_html(html, MAX_HTML_DEPTH);
    let doc = Html::parse_document(&bounded.html);
    let link_sel = Selector::parse("a[href]").ok()?;

    struct Group<'a> {
        members: Vec<ElementRef<'a>>,
        score: usize,
        depth: usize,
    }
    let mut groups: HashMap<(String, String), Group<'_>> = HashMap::new();
    let lens = text_lengths(&doc);
    for el in doc.root_element().descendent_elements() {
        let name = el.value().name();
        if matches!(
            name,
            "html" | "head" | "body" | "script" | "style" | "noscript" | "template" | "option"
        ) {
            continue;
        }
        let Some(parent) = el.parent().and_then(ElementRef::wrap) else {
            continue;
        };
        let has_link = el.attr("href").is_some() || el.select(&link_sel).next().is_some();
        if !has_link {
            continue;
        }
        let len = lens.get(&el.id()).copied().unwrap_or(0);
        if len < 10 {
            continue;
        }
        // An element that is all of its parent's text (the `<a>` alone in
        // an `<li>`) is better represented by the parent.
        if lens.get(&parent.id()).copied().unwrap_or(0) == len {
            continue;
        }
        let depth = el.ancestors().count();
        let key = (descriptor(parent, true), name.to_string());
        let g = groups.entry(key).or_insert_with(|| Group {
            members: Vec::new(),
            score: 0,
            depth,
        });
        g.members.push(el);
        g.score += len.min(300);
        g.depth = g.depth.min(depth);
    }
    let best = groups
        .into_iter()
        .filter(|(_, g)| g.members.len() >= 3)
        .max_by(|a, b| {
            a.1.score
                .cmp(&b.1.score)
                .then(b.1.depth.cmp(&a.1.depth))
                .then(b.0.cmp(&a.0))
        })?;
    let ((parent, tag), group) = best;
    let common = common_classes(&group.members);
    let own = format!("{tag}{common}");
    // The plain descriptor when it picks out just the group; else scoped by
    // the parent.
    let item = {
        let alone = Selector::parse(&own).ok()?;
        if doc.select(&alone).count() == group.members.len() {
            own
        } else {
            format!("{parent} > {own}")
        }
    };
    let item_sel = Selector::parse(&item).ok()?;
    let count = doc.select(&item_sel).count();
    let sample = group.members[0];
    let heading = ["h1", "h2", "h3", "h4", "h5", "h6"].into_iter().find(|h| {
        Selector::parse(h)
            .ok()
            .is_some_and(|s| sample.select(&s).next().is_some())
    });
    let (title, link) = match heading {
        Some(h) => {
            let with_link = Selector::parse(&format!("{h} a[href]"))
                .ok()
                .is_some_and(|s| sample.select(&s).next().is_some());
            (
                h.to_string(),
                if with_link {
                    format!("{h} a")
                } else {
                    "a".into()
                },
            )
        }
        None if sample.value().name() == "a" => (String::new(), String::new()),
        None => ("a".into(), "a".into()),
    };
    let date = Selector::parse("time")
        .ok()
        .filter(|t| sample.select(t).next().is_some())
        .map(|_| "time".to_string());
    Some(Suggestion {
        selectors: PageSelectors {
            item,
            title,
            link,
            date,
            ..PageSelectors::default()
        },
        count,
    })
}

/// The length of every node's text, in characters other than whitespace,
/// in one pass from the leaves up (children come after their parent in
/// document order), so a deep page costs linear time. Script and style
/// text counts for nothing.
fn text_lengths(doc: &Html) -> HashMap<ego_tree::NodeId, usize> {
    let nodes: Vec<_> = doc.tree.root().descendants().collect();
    let mut lens: HashMap<ego_tree::NodeId, usize> = HashMap::with_capacity(nodes.len());
    for node in nodes.iter().rev() {
        let len = match node.value() {
            scraper::Node::Text(t) => t.chars().filter(|c| !c.is_whitespace()).count(),
            scraper::Node::Element(e)
                if matches!(e.name(), "script" | "style" | "noscript" | "template") =>
            {
                0
            }
            _ => node
                .children()
                .map(|c| lens.get(&c.id()).copied().unwrap_or(0))
                .sum(),
        };
        lens.insert(node.id(), len);
    }
    lens
}

/// `tag.class1.class2` (or `tag#id` when `with_id` and the element has one),
/// with only the classes a selector can name without escaping.
fn descriptor(el: ElementRef<'_>, with_id: bool) -> String {
    let name = el.value().name();
    if with_id && let Some(id) = el.value().id().filter(|i| is_ident(i)) {
        return format!("{name}#{id}");
    }
    let mut classes: Vec<&str> = el.value().classes().filter(|c| is_ident(c)).collect();
    classes.sort_unstable();
    let mut out = name.to_string();
    for c in classes {
        out.push('.');
        out.push_str(c);
    }
    out
}

/// The classes every member carries, as `.a.b`.
fn common_classes(members: &[ElementRef<'_>]) -> String {
    let mut common: Vec<&str> = members[0]
        .value()
        .classes()
        .filter(|c| is_ident(c))
        .collect();
    for m in &members[1..] {
        let theirs: HashSet<&str> = m.value().classes().collect();
        common.retain(|c| theirs.contains(c));
    }
    common.sort_unstable();
    common.iter().map(|c| format!(".{c}")).collect()
}

/// A CSS identifier that needs no escaping.
fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests;
