//! Reads an XML feed leniently with quick-xml and writes it back as clean,
//! well-formed UTF-8 XML that feed-rs can map.
//!
//! This pass is where every well-formedness problem is found, repaired and
//! turned into a warning, and where the hardening rules live: external
//! entities are never fetched or expanded (quick-xml has no such feature,
//! and the DOCTYPE is dropped), internal entities from the DOCTYPE are
//! expanded a bounded number of times, and element depth is capped. It also
//! smooths over dialects feed-rs does not know: Atom 0.3 and RSS 0.90
//! namespaces, RSS without a `version`, Userland's RSS 2.0 namespace.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

pub(crate) const NS_ATOM10: &str = "http://www.w3.org/2005/Atom";
pub(crate) const NS_ATOM03: &str = "http://purl.org/atom/ns#";
pub(crate) const NS_RSS090: &str = "http://my.netscape.com/rdf/simple/0.9/";
pub(crate) const NS_RSS10: &str = "http://purl.org/rss/1.0/";
const NS_DC: &str = "http://purl.org/dc/elements/1.1/";
const NS_DCTERMS: &str = "http://purl.org/dc/terms/";
const NS_USERLAND: [&str; 3] = [
    "http://backend.userland.com/rss2",
    "http://backend.userland.com/rss",
    "http://blogs.law.harvard.edu/tech/rss",
];

/// Elements nested deeper than this are skipped with a warning.
pub const MAX_DEPTH: usize = 100;
/// At most this many bytes of DOCTYPE entity replacement text are expanded
/// per document, which defuses "billion laughs" style documents.
pub const MAX_ENTITY_EXPANSION: usize = 1 << 20;
const MAX_DTD_ENTITIES: usize = 256;

/// The root element as the document wrote it, before any rewriting.
#[derive(Debug, Clone, Default)]
pub(crate) struct RootInfo {
    pub local: String,
    pub ns: Option<String>,
    pub version: Option<String>,
}

pub(crate) struct Cleaned {
    pub xml: String,
    pub root: Option<RootInfo>,
    /// One per RSS item, in document order, for what feed-rs does not keep.
    pub items: Vec<ItemHint>,
    pub warnings: Vec<String>,
}

/// What the cleaner saw on an RSS item that feed-rs's model drops.
#[derive(Debug, Clone, Default)]
pub(crate) struct ItemHint {
    /// RSS 1.0 `rdf:about`, the item's identifier.
    pub about: Option<String>,
    /// The `isPermaLink` of an RSS 2.0 `<guid>` (absent means true).
    pub guid_is_permalink: Option<bool>,
    has_link: bool,
}

/// Placeholder link given to RSS 1.0 items without one, because feed-rs
/// drops linkless RSS 1.0 items; the mapping removes it again.
pub(crate) const NO_LINK: &str = "urn:outpost:no-link";

pub(crate) fn clean(text: &str) -> Cleaned {
    clean_with(text, false)
}

/// The fallback when feed-rs rejects even the cleaned document because of
/// one Atom `<content>` it cannot represent: the same clean-up with every
/// Atom content element left out, so the rest of the feed is still read.
pub(crate) fn clean_without_atom_content(text: &str) -> Cleaned {
    clean_with(text, true)
}

fn clean_with(text: &str, drop_atom_content: bool) -> Cleaned {
    let mut c = Cleaner {
        drop_atom_content,
        out: String::with_capacity(text.len() + text.len() / 8),
        stack: Vec::new(),
        pending: String::new(),
        root: None,
        root_closed: false,
        items: Vec::new(),
        skip_depth: 0,
        dtd: HashMap::new(),
        expanded: 0,
        warnings: Warnings::default(),
    };
    c.run(text);
    Cleaned {
        xml: c.out,
        root: c.root,
        items: c.items,
        warnings: c.warnings.list,
    }
}

/// Warnings, each kind said once per document so a feed with 500 `&nbsp;`s
/// gets one line, not 500.
#[derive(Default)]
struct Warnings {
    list: Vec<String>,
    seen: std::collections::HashSet<&'static str>,
}

impl Warnings {
    fn once(&mut self, kind: &'static str, msg: impl FnOnce() -> String) {
        if self.seen.insert(kind) {
            self.list.push(msg());
        }
    }
}

struct Open {
    /// The local name as the source wrote it.
    local: String,
    /// The name as written in the output.
    out_name: String,
    /// The name as the source wrote it, to match its end tag.
    src_name: String,
    /// For an Atom `<link>` without `href`: where in the output to insert
    /// one made from the element's text.
    href_at: Option<usize>,
    /// An RSS item whose hint is `items.last()`.
    item: bool,
}

struct Cleaner {
    drop_atom_content: bool,
    out: String,
    stack: Vec<Open>,
    pending: String,
    root: Option<RootInfo>,
    root_closed: bool,
    items: Vec<ItemHint>,
    /// When > 0, the reader is inside an element past `MAX_DEPTH`.
    skip_depth: usize,
    dtd: HashMap<String, String>,
    expanded: usize,
    warnings: Warnings,
}

impl Cleaner {
    fn run(&mut self, text: &str) {
        let mut reader = NsReader::from_str(text);
        let cfg = reader.config_mut();
        cfg.check_end_names = false;
        cfg.allow_unmatched_ends = true;
        cfg.allow_dangling_amp = true;
        cfg.expand_empty_elements = false;
        cfg.trim_text(false);
        cfg.check_comments = false;

        loop {
            let pos = reader.buffer_position();
            let (res, event) = match reader.read_resolved_event() {
                Ok(ev) => ev,
                Err(e) => {
                    self.warnings.once("syntax", || {
                        format!(
                            "the XML is broken at byte {pos}: {e}; the feed was read up to there"
                        )
                    });
                    break;
                }
            };
            let ns = resolved_ns(&res);
            let unknown_prefix = match &res {
                ResolveResult::Unknown(p) => Some(p.to_string()),
                _ => None,
            };
            match event {
                Event::Eof => break,
                Event::Start(_) | Event::Empty(_) if self.root_closed => {
                    self.warnings.once("after-root", || {
                        "there is markup after the end of the root element; it was ignored".into()
                    });
                    break;
                }
                Event::Start(e) => {
                    if self.skip_depth > 0 || self.stack.len() >= MAX_DEPTH {
                        self.skip_depth += 1;
                        self.warnings.once("depth", || {
                            format!("elements nested deeper than {MAX_DEPTH} levels were skipped")
                        });
                        continue;
                    }
                    let open = self.start_tag(&e, ns.as_deref(), unknown_prefix, false);
                    self.stack.push(open);
                }
                Event::Empty(e) => {
                    if self.skip_depth > 0 || self.stack.len() >= MAX_DEPTH {
                        continue;
                    }
                    let open = self.start_tag(&e, ns.as_deref(), unknown_prefix, true);
                    if open.item || open.href_at.is_some() {
                        // Items and href-less links need their end-tag
                        // handling, so they are written as start and end.
                        let src = open.src_name.clone();
                        self.stack.push(open);
                        self.end_tag(&src);
                    } else if self.stack.is_empty() {
                        self.root_closed = true;
                    }
                }
                Event::End(e) => {
                    if self.skip_depth > 0 {
                        self.skip_depth -= 1;
                        continue;
                    }
                    let name = e.name().as_ref().to_string();
                    self.end_tag(&name);
                }
                Event::Text(t) => {
                    if self.skip_depth == 0 {
                        let content = t.xml_content(XmlVersion::Implicit1_0);
                        if content.contains('&') {
                            self.warnings.once("amp", || {
                                "a bare '&' that starts no entity was read as a literal '&'".into()
                            });
                        }
                        self.text(&content);
                    }
                }
                Event::CData(t) => {
                    if self.skip_depth == 0 {
                        self.text(&t.xml_content(XmlVersion::Implicit1_0));
                    }
                }
                Event::GeneralRef(r) => {
                    if self.skip_depth == 0 {
                        let resolved = self.entity(&r);
                        self.text(&resolved);
                    }
                }
                Event::DocType(d) => self.doctype(&d),
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            }
        }
        if !self.stack.is_empty() {
            let open = self
                .stack
                .last()
                .map(|o| o.src_name.clone())
                .unwrap_or_default();
            self.warnings.once("unclosed", || {
                format!("the document ends inside <{open}>; open elements were closed")
            });
            while let Some(open) = self.stack.pop() {
                self.flush_text();
                self.out.push_str("</");
                self.out.push_str(&open.out_name);
                self.out.push('>');
            }
        }
    }

    /// Writes a start tag, rewriting dialect namespaces, and returns the
    /// name written so the matching end tag can use it.
    fn start_tag(
        &mut self,
        e: &BytesStart<'_>,
        ns: Option<&str>,
        unknown_prefix: Option<String>,
        empty: bool,
    ) -> Open {
        self.flush_text();
        let qname = e.name().as_ref().to_string();
        let local = e.local_name().as_ref().to_string();
        let mut attrs: Vec<(String, String)> = Vec::new();
        let mut version = None;
        let mut iter = e.attributes();
        iter.with_checks(false);
        for attr in iter {
            let Ok(attr) = attr else {
                self.warnings
                    .once("attr", || "a malformed attribute was dropped".into());
                continue;
            };
            let key = attr.key.as_ref().to_string();
            if attrs.iter().any(|(k, _)| *k == key) {
                self.warnings.once("dup-attr", || {
                    format!(
                        "the attribute '{key}' appears twice on one element; the first was kept"
                    )
                });
                continue;
            }
            let value = self.attr_value(&attr);
            if key == "type" && value.trim().is_empty() {
                // feed-rs rejects an empty type; no type means the default.
                continue;
            }
            if key == "version" {
                version = Some(value.clone());
            }
            attrs.push((key, value));
        }

        if self.root.is_none() {
            self.root = Some(RootInfo {
                local: local.clone(),
                ns: ns.map(str::to_string),
                version: version.clone(),
            });
            // feed-rs reads <rss> only with a version it knows; every other
            // <rss> is read as 2.0, which all of them are a subset of.
            if local == "rss" && !matches!(version.as_deref(), Some("2.0" | "0.91" | "0.92")) {
                attrs.retain(|(k, _)| k != "version");
                attrs.push(("version".into(), "2.0".into()));
            }
        }

        // Namespace declarations of dialects feed-rs does not know are
        // pointed at the namespace it does know for the same vocabulary.
        attrs.retain_mut(|(k, v)| {
            if k == "xmlns" || k.starts_with("xmlns:") {
                match v.as_str() {
                    NS_ATOM03 => *v = NS_ATOM10.into(),
                    NS_RSS090 => *v = NS_RSS10.into(),
                    u if NS_USERLAND.contains(&u) => return k != "xmlns",
                    _ => {}
                }
            }
            true
        });
        if let Some(prefix) = unknown_prefix {
            self.warnings.once("undeclared-ns", || {
                format!("the namespace prefix '{prefix}' is used but never declared")
            });
            attrs.push((
                format!("xmlns:{prefix}"),
                format!("urn:outpost:undeclared:{prefix}"),
            ));
        }

        let mut out_name = qname.clone();
        if self.drop_atom_content && matches!(ns, Some(NS_ATOM10 | NS_ATOM03)) && local == "content"
        {
            // An element feed-rs does not know is skipped with its content.
            out_name = "outpost-dropped".into();
            attrs.clear();
        }
        let parent = self.stack.last().map(|o| o.local.as_str());
        let in_rss = self.root.as_ref().is_some_and(|r| r.local == "rss");
        // Date elements feed-rs does not read are renamed to ones it does,
        // keeping feedparser's meaning: dcterms:issued is when an item was
        // published, dcterms:modified and a channel's dc:date when it changed.
        let remap = match (ns, local.as_str()) {
            (Some(NS_DCTERMS), "issued" | "created") => Some((NS_DC, "date")),
            (Some(NS_DCTERMS), "modified") => Some((NS_ATOM10, "updated")),
            (Some(NS_DC), "date") if in_rss && parent == Some("channel") => {
                Some((NS_RSS10, "lastBuildDate"))
            }
            (Some(NS_DC), "title") if matches!(parent, Some("channel" | "item")) => {
                Some((NS_RSS10, "title"))
            }
            _ => None,
        };
        if let Some((new_ns, new_local)) = remap {
            if new_ns.is_empty() {
                out_name = new_local.to_string();
            } else {
                out_name = format!("outpost:{new_local}");
                attrs.push(("xmlns:outpost".into(), new_ns.into()));
            }
        }
        if ns.is_some_and(|n| NS_USERLAND.contains(&n)) {
            // Userland's RSS 2.0 namespace is plain RSS 2.0 (its declaration
            // was removed above), so its prefix goes too.
            out_name = local.clone();
        }
        let is_atom = matches!(ns, Some(NS_ATOM10 | NS_ATOM03));
        let rdf_root = self.root.as_ref().is_some_and(|r| r.local == "RDF");
        let item = local == "item"
            && ((rdf_root && parent == Some("RDF")) || (in_rss && parent == Some("channel")));
        if item {
            let about = attrs
                .iter()
                .find(|(k, _)| k == "rdf:about" || k == "about")
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty());
            self.items.push(ItemHint {
                about,
                ..ItemHint::default()
            });
        }
        let in_item = self.stack.last().is_some_and(|o| o.item);
        if in_item
            && local == "link"
            && let Some(h) = self.items.last_mut()
        {
            h.has_link = true;
        }
        if in_item && local == "guid" {
            let permalink = attrs
                .iter()
                .find(|(k, _)| k == "isPermaLink")
                .map(|(_, v)| !v.trim().eq_ignore_ascii_case("false"));
            if let Some(h) = self.items.last_mut() {
                h.guid_is_permalink = Some(permalink.unwrap_or(true));
            }
        }
        let needs_href = is_atom && local == "link" && !attrs.iter().any(|(k, _)| k == "href");
        if ns == Some(NS_ATOM10)
            && matches!(local.as_str(), "title" | "subtitle" | "rights" | "summary")
        {
            self.atom_text_type(&local, &mut attrs);
        }
        if ns == Some(NS_ATOM03) {
            if let Some(new_local) = atom03_rename(&local) {
                out_name = match out_name.split_once(':') {
                    Some((prefix, _)) => format!("{prefix}:{new_local}"),
                    None => new_local.to_string(),
                };
            }
            atom03_content_attrs(&mut attrs);
        }

        self.out.push('<');
        self.out.push_str(&out_name);
        for (k, v) in &attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            self.out.push_str(&quick_xml::escape::escape(v.as_str()));
            self.out.push('"');
        }
        let href_at = needs_href.then_some(self.out.len());
        self.out.push_str(if empty && !item && !needs_href {
            "/>"
        } else {
            ">"
        });
        Open {
            local,
            out_name,
            src_name: qname,
            href_at,
            item,
        }
    }

    /// feed-rs rejects the whole feed when one Atom text construct has a
    /// `type` other than text/html/xhtml; such a value is read as text.
    fn atom_text_type(&mut self, local: &str, attrs: &mut [(String, String)]) {
        let Some(idx) = attrs.iter().position(|(k, _)| k == "type") else {
            return;
        };
        let ty = attrs[idx].1.trim().to_ascii_lowercase();
        let canonical = match ty.as_str() {
            "text" | "text/plain" => "text",
            "html" | "text/html" => "html",
            "xhtml" | "application/xhtml+xml" => "xhtml",
            _ => {
                self.warnings.once("atom-type", || {
                    format!(
                        "<{local} type=\"{ty}\"> is not text, html or xhtml; it was read as text"
                    )
                });
                "text"
            }
        };
        attrs[idx].1 = canonical.to_string();
    }

    fn end_tag(&mut self, src_name: &str) {
        match self.stack.iter().rposition(|o| o.src_name == src_name) {
            Some(idx) => {
                if idx + 1 != self.stack.len() {
                    let open = self
                        .stack
                        .last()
                        .map(|o| o.src_name.clone())
                        .unwrap_or_default();
                    self.warnings.once("mismatch", || {
                        format!(
                            "<{open}> was closed by </{src_name}>; elements were closed to match"
                        )
                    });
                }
                while self.stack.len() > idx {
                    let open = self.stack.pop().expect("index is within the stack");
                    if let Some(at) = open.href_at {
                        // Atom's <link>URL</link>, seen in the wild, means href="URL".
                        let href = self.pending.trim().to_string();
                        self.pending.clear();
                        // Only when nothing but the text followed the start
                        // tag, so the insertion is O(1) and hostile input
                        // cannot make it quadratic.
                        if !href.is_empty() && self.out.len() - at <= 1 {
                            let attr =
                                format!(" href=\"{}\"", quick_xml::escape::escape(href.as_str()));
                            self.out.insert_str(at, &attr);
                        }
                    }
                    self.flush_text();
                    if open.item
                        && self.items.last().is_some_and(|h| !h.has_link)
                        && self.root.as_ref().is_some_and(|r| r.local == "RDF")
                    {
                        self.out.push_str("<link xmlns=\"");
                        self.out.push_str(NS_RSS10);
                        self.out.push_str("\">");
                        self.out.push_str(NO_LINK);
                        self.out.push_str("</link>");
                    }
                    self.out.push_str("</");
                    self.out.push_str(&open.out_name);
                    self.out.push('>');
                }
                if self.stack.is_empty() {
                    self.root_closed = true;
                }
            }
            None => self.warnings.once("stray-end", || {
                format!("the end tag </{src_name}> closes nothing; it was ignored")
            }),
        }
    }

    fn text(&mut self, s: &str) {
        if self.stack.is_empty() {
            if !s.trim().is_empty() {
                self.warnings.once("outside-text", || {
                    "there is text outside the root element; it was ignored".into()
                });
            }
            return;
        }
        // C0 controls other than tab and line breaks are not XML characters;
        // NUL and ESC in particular must reach neither the archive nor a
        // terminal that prints a title. The same rule applies to every
        // format (`parse` applies it again to what JSON Feed gives).
        self.pending.push_str(&crate::sanitize::strip_controls(s));
    }

    fn flush_text(&mut self) {
        if !self.pending.is_empty() {
            let escaped = quick_xml::escape::partial_escape(self.pending.as_str()).into_owned();
            self.out.push_str(&escaped);
            self.pending.clear();
        }
    }

    /// Resolves an entity reference in text: character references and the
    /// five XML entities as XML says; entities declared in the DOCTYPE's
    /// internal subset (bounded); HTML's named entities, which feeds use
    /// without declaring them, with a warning; anything else stays literal.
    fn entity(&mut self, r: &quick_xml::events::BytesRef<'_>) -> Cow<'static, str> {
        let name: &str = r;
        if r.is_char_ref() {
            return match r.resolve_char_ref() {
                Ok(Some(c)) => Cow::Owned(c.to_string()),
                _ => {
                    self.warnings.once("bad-charref", || {
                        format!("the character reference &{name}; is not a valid character")
                    });
                    Cow::Borrowed("\u{FFFD}")
                }
            };
        }
        if let Some(s) = quick_xml::escape::resolve_predefined_entity(name) {
            return Cow::Borrowed(s);
        }
        if let Some(v) = self.dtd.get(name) {
            if self.expanded + v.len() > MAX_ENTITY_EXPANSION {
                self.warnings.once("expansion", || {
                    format!("entity expansion stopped after {MAX_ENTITY_EXPANSION} bytes")
                });
                return Cow::Borrowed("");
            }
            self.expanded += v.len();
            return Cow::Owned(v.clone());
        }
        if let Some(s) = html_entity(name) {
            self.warnings.once("html-entity", || {
                format!("HTML entities such as &{name}; are not defined in XML; they were decoded as HTML")
            });
            return Cow::Borrowed(s);
        }
        self.warnings.once("unknown-entity", || {
            format!("the entity &{name}; is not defined; it was kept as text")
        });
        Cow::Owned(format!("&{name};"))
    }

    fn attr_value(&mut self, attr: &quick_xml::events::attributes::Attribute<'_>) -> String {
        let dtd = &self.dtd;
        let resolved = attr.normalized_value_with(XmlVersion::Implicit1_0, 4, |name| {
            dtd.get(name)
                .map(String::as_str)
                .or_else(|| html_entity(name))
        });
        match resolved {
            Ok(v) => v.into_owned(),
            Err(_) => {
                self.warnings.once("attr-amp", || {
                    "an attribute value has a bare '&' or an unknown entity; it was read literally".into()
                });
                // Resolve what can be resolved and keep the rest literally.
                let raw: &str = &attr.value;
                quick_xml::escape::unescape_with(raw, |n| {
                    quick_xml::escape::resolve_predefined_entity(n).or_else(|| html_entity(n))
                })
                .map(Cow::into_owned)
                .unwrap_or_else(|_| raw.to_string())
            }
        }
    }

    /// Records the internal subset's general entities (`<!ENTITY n "v">`).
    /// Parameter entities and external entities (SYSTEM/PUBLIC) are never
    /// read: resolving them would mean fetching files or URLs.
    fn doctype(&mut self, d: &quick_xml::events::BytesText<'_>) {
        let text: &str = d;
        let mut rest = text;
        while let Some(i) = rest.find("<!ENTITY") {
            rest = &rest[i + "<!ENTITY".len()..];
            let decl = rest.trim_start();
            if decl.starts_with('%') {
                continue;
            }
            let name_end = decl.find(char::is_whitespace).unwrap_or(decl.len());
            let (name, after) = decl.split_at(name_end);
            let after = after.trim_start();
            let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                // SYSTEM or PUBLIC: an external entity, deliberately ignored.
                self.warnings.once("external-entity", || {
                    format!("the external entity '{name}' was not loaded")
                });
                continue;
            };
            let body = &after[1..];
            let Some(end) = body.find(quote) else { break };
            if self.dtd.len() >= MAX_DTD_ENTITIES {
                break;
            }
            let value = quick_xml::escape::unescape(&body[..end])
                .map(Cow::into_owned)
                .unwrap_or_else(|_| body[..end].to_string());
            self.dtd.entry(name.to_string()).or_insert(value);
        }
    }
}

fn resolved_ns(res: &ResolveResult<'_>) -> Option<String> {
    match res {
        ResolveResult::Bound(ns) => Some(ns.as_ref().to_string()),
        _ => None,
    }
}

/// Atom 0.3 element names and their Atom 1.0 equivalents.
fn atom03_rename(local: &str) -> Option<&'static str> {
    Some(match local {
        "tagline" => "subtitle",
        "modified" => "updated",
        "issued" => "published",
        "copyright" => "rights",
        "url" => "uri",
        _ => return None,
    })
}

/// Atom 0.3 says how text is encoded with `mode` and a MIME `type`; Atom 1.0
/// folds both into `type` (`text`, `html`, `xhtml`).
fn atom03_content_attrs(attrs: &mut Vec<(String, String)>) {
    let mode = attrs
        .iter()
        .find(|(k, _)| k == "mode")
        .map(|(_, v)| v.clone());
    let ty = attrs
        .iter()
        .find(|(k, _)| k == "type")
        .map(|(_, v)| v.clone());
    let new_type = match (mode.as_deref(), ty.as_deref()) {
        (Some("escaped"), Some("text/plain")) | (None, Some("text/plain")) => Some("text"),
        (Some("escaped"), _) => Some("html"),
        (Some("xml") | None, Some("application/xhtml+xml")) => Some("xhtml"),
        (None, Some("text/html")) => Some("html"),
        _ => None,
    };
    if let Some(t) = new_type {
        attrs.retain(|(k, _)| k != "mode" && k != "type");
        attrs.push(("type".into(), t.into()));
    }
}

/// HTML's named character references (`nbsp`, `hellip`, `rsquo` …), from
/// html5ever's table.
pub(crate) fn html_entity(name: &str) -> Option<&'static str> {
    static TABLE: OnceLock<HashMap<&'static str, String>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        html5ever::data::NAMED_ENTITIES
            .entries()
            .filter_map(|(name, (c1, c2))| {
                let name = name.strip_suffix(';')?;
                let mut s = String::new();
                s.push(char::from_u32(*c1)?);
                if *c2 != 0 {
                    s.push(char::from_u32(*c2)?);
                }
                Some((name, s))
            })
            .collect()
    });
    table.get(name).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_document_has_no_warnings() {
        let c = clean(
            r#"<?xml version="1.0"?><rss version="2.0"><channel><title>a &amp; b</title></channel></rss>"#,
        );
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        assert_eq!(
            c.xml,
            r#"<rss version="2.0"><channel><title>a &amp; b</title></channel></rss>"#
        );
    }

    #[test]
    fn html_entities_are_decoded_with_one_warning() {
        let c = clean("<rss><channel><title>a&nbsp;b&hellip;&nbsp;</title></channel></rss>");
        assert!(c.xml.contains("a\u{a0}b\u{2026}\u{a0}"), "{}", c.xml);
        assert_eq!(c.warnings.len(), 1);
        assert!(c.xml.starts_with(r#"<rss version="2.0">"#));
    }

    #[test]
    fn truncated_document_is_closed() {
        let c = clean("<rss version=\"2.0\"><channel><item><title>x</title>");
        assert!(c.xml.ends_with("</item></channel></rss>"), "{}", c.xml);
        assert_eq!(c.warnings.len(), 1);
    }

    #[test]
    fn external_entities_are_never_loaded() {
        let doc = r#"<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY ok "fine">]><rss><channel><title>&xxe;&ok;</title></channel></rss>"#;
        let c = clean(doc);
        assert!(c.xml.contains("<title>&amp;xxe;fine</title>"), "{}", c.xml);
        assert!(!c.xml.contains("root:"));
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut doc = String::from("<!DOCTYPE r [<!ENTITY a \"");
        doc.push_str(&"x".repeat(10_000));
        doc.push_str("\">]><rss><channel><title>");
        doc.push_str(&"&a;".repeat(1_000));
        doc.push_str("</title></channel></rss>");
        let c = clean(&doc);
        assert!(c.xml.len() < MAX_ENTITY_EXPANSION + doc.len());
        assert!(c.warnings.iter().any(|w| w.contains("expansion")));
    }

    #[test]
    fn deep_nesting_is_skipped() {
        let doc = format!(
            "<rss>{}{}</rss>",
            "<a>".repeat(10_000),
            "</a>".repeat(10_000)
        );
        let c = clean(&doc);
        assert!(c.warnings.iter().any(|w| w.contains("deeper")));
        assert!(c.xml.matches("<a>").count() < MAX_DEPTH);
    }

    #[test]
    fn atom03_becomes_atom10() {
        let c = clean(
            r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><tagline>t</tagline><modified>2004-01-01T19:48:21Z</modified></feed>"#,
        );
        assert!(c.xml.contains(NS_ATOM10));
        assert!(
            c.xml.contains("<subtitle>t</subtitle><updated>"),
            "{}",
            c.xml
        );
        assert_eq!(c.root.unwrap().ns.as_deref(), Some(NS_ATOM03));
    }
}
