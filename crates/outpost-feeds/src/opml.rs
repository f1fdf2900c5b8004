//! The source list in and out as OPML, with folders as nested outlines —
//! the form other feed readers (newsboat, Feedly, Inoreader, NetNewsWire,
//! Thunderbird) import and export. Reading and writing go through
//! quick-xml's streaming reader and writer, so a file of any nesting is read
//! in one pass without recursion, and depth is bounded
//! ([`MAX_FOLDER_DEPTH`]).
//!
//! What other readers have no attribute for travels in attributes of
//! Outpost's own namespace ([`OUTPOST_NS`]), which other readers ignore:
//! `outpost:interval` (seconds), `outpost:disabled`, `outpost:tags` (a JSON
//! array), `outpost:folder`, the folder exactly as Outpost names it,
//! `outpost:kind` (`page`, `telegram` or `gdelt`; absent for a feed) and
//! `outpost:settings`, the kind's settings as JSON (a page's selectors, a
//! GDELT query, where a pack's address came from). A
//! folder is a path whose parts are separated by `/`; it is written as
//! nested outlines for other readers, and `outpost:folder` keeps a name that
//! itself contains `/` whole on the way back. The feed's language goes in
//! the standard `language` attribute, its tags also in `category`.

use std::io::Cursor;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};
use quick_xml::{Reader, Writer, XmlVersion};

/// The namespace of Outpost's own outline attributes.
pub const OUTPOST_NS: &str = "urn:outpost:opml:1";

/// The deepest folder path (parts separated by `/`) a source may have, and
/// the deepest outline nesting read from an OPML file (folders plus the
/// feed itself). Real folder trees are a few levels deep; the bound keeps a
/// hostile file or folder name from exhausting the stack or the reader
/// (Hardening 2, item 4).
pub const MAX_FOLDER_DEPTH: usize = 32;

/// One feed from (or for) an OPML file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpmlEntry {
    /// The feed's address (`xmlUrl`).
    pub url: String,
    pub title: Option<String>,
    /// The site's address (`htmlUrl`).
    pub html_url: Option<String>,
    /// The folder, parts separated by `/`, outermost first: `outpost:folder`
    /// when the file has it, else the titles of the enclosing outlines.
    pub folder: Option<String>,
    /// The poll interval in seconds (`outpost:interval`).
    pub interval_secs: Option<u32>,
    /// The feed's language (`language`).
    pub language: Option<String>,
    /// The source's tags (`outpost:tags`, else `category`).
    pub tags: Vec<String>,
    /// Whether the source is disabled (`outpost:disabled`).
    pub disabled: bool,
    /// The source's kind as Outpost names it (`outpost:kind`); `None` for a
    /// feed. Checked by the importer, which reports a kind it does not know.
    pub kind: Option<String>,
    /// The kind's settings as JSON (`outpost:settings`), checked likewise.
    pub settings: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum OpmlError {
    #[error("the file is not OPML: {0}")]
    Invalid(String),
    #[error("the OPML file lists no feeds (no outline has an xmlUrl)")]
    NoFeeds,
    #[error(
        "the OPML file nests outlines more than {MAX_FOLDER_DEPTH} levels deep; Outpost keeps folders at most {MAX_FOLDER_DEPTH} levels deep, so flatten the folders and import again"
    )]
    TooDeep,
    #[error("the OPML could not be written: {0}")]
    Write(String),
}

/// Checks a folder name: at most [`MAX_FOLDER_DEPTH`] parts separated by
/// `/`. The error is a sentence for the analyst.
pub fn check_folder(folder: &str) -> Result<(), String> {
    let depth = folder.split('/').count();
    if depth > MAX_FOLDER_DEPTH {
        return Err(format!(
            "the folder has {depth} levels (parts separated by '/'); use at most {MAX_FOLDER_DEPTH}"
        ));
    }
    Ok(())
}

/// Reads every feed outline, at any depth up to [`MAX_FOLDER_DEPTH`].
/// Outlines without `xmlUrl` are folders; their `title` (or `text`) names
/// the folder.
pub fn read_opml(bytes: &[u8]) -> Result<Vec<OpmlEntry>, OpmlError> {
    let decoded = crate::charset::decode(bytes, None, None);
    let mut reader = Reader::from_str(&decoded.text);
    reader.config_mut().trim_text(true);
    // One frame per open outline: the folder name it opens, or `None` for a
    // feed outline (whose children, if any, are not feeds of a folder).
    let mut open: Vec<Option<String>> = Vec::new();
    let mut depth_elements = 0usize;
    let mut seen_root = false;
    let mut out = Vec::new();
    loop {
        let pos = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| OpmlError::Invalid(format!("broken XML at byte {pos}: {e}")))?;
        match event {
            Event::Eof => break,
            Event::Start(e) if !seen_root => {
                check_root(&e)?;
                seen_root = true;
                depth_elements += 1;
            }
            Event::Empty(e) if !seen_root => {
                check_root(&e)?;
                seen_root = true;
            }
            Event::Start(e) => {
                depth_elements += 1;
                if e.local_name().as_ref() == "outline" {
                    if open.len() >= MAX_FOLDER_DEPTH {
                        return Err(OpmlError::TooDeep);
                    }
                    let frame = outline(&e, &open, &mut out);
                    open.push(frame);
                }
            }
            Event::Empty(e) if e.local_name().as_ref() == "outline" => {
                if open.len() >= MAX_FOLDER_DEPTH {
                    return Err(OpmlError::TooDeep);
                }
                outline(&e, &open, &mut out);
            }
            Event::End(e) => {
                depth_elements = depth_elements.saturating_sub(1);
                if e.local_name().as_ref() == "outline" {
                    open.pop();
                }
            }
            _ => {}
        }
    }
    if !seen_root {
        return Err(OpmlError::Invalid("there is no <opml> element".into()));
    }
    if depth_elements > 0 {
        return Err(OpmlError::Invalid(
            "the file ends before its elements are closed; it may be cut short".into(),
        ));
    }
    if out.is_empty() {
        return Err(OpmlError::NoFeeds);
    }
    Ok(out)
}

fn check_root(e: &BytesStart<'_>) -> Result<(), OpmlError> {
    let name = e.local_name();
    if name.as_ref() == "opml" {
        return Ok(());
    }
    Err(OpmlError::Invalid(format!(
        "the root element is <{}>, not <opml>",
        name.as_ref()
    )))
}

/// Reads one outline's attributes: a feed is added to `out`, a folder's
/// name is returned as its frame.
fn outline(
    e: &BytesStart<'_>,
    open: &[Option<String>],
    out: &mut Vec<OpmlEntry>,
) -> Option<String> {
    let attr = |name: &str| -> Option<String> {
        let a = e.try_get_attribute(name).ok().flatten()?;
        let v = a
            .normalized_value_with(XmlVersion::Implicit1_0, 4, |n| {
                crate::xml_clean::html_entity(n)
            })
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| a.value.to_string());
        Some(crate::sanitize::strip_controls(v.trim()).into_owned()).filter(|v| !v.is_empty())
    };
    let name = attr("title").or_else(|| attr("text"));
    let Some(url) = attr("xmlUrl") else {
        // A folder; inside a feed outline, children are not its folder's.
        return if open.last().is_some_and(Option::is_none) {
            None
        } else {
            Some(name.unwrap_or_default())
        };
    };
    if open.last().is_some_and(Option::is_none) {
        return None;
    }
    let path: Vec<&str> = open.iter().flatten().map(String::as_str).collect();
    let folder = attr("outpost:folder").or_else(|| (!path.is_empty()).then(|| path.join("/")));
    let tags = attr("outpost:tags")
        .and_then(|t| serde_json::from_str::<Vec<String>>(&t).ok())
        .or_else(|| {
            attr("category").map(|c| {
                c.split(',')
                    .map(|t| t.trim().trim_start_matches('/').to_string())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
        })
        .unwrap_or_default();
    out.push(OpmlEntry {
        url,
        title: name,
        html_url: attr("htmlUrl"),
        folder,
        interval_secs: attr("outpost:interval").and_then(|i| i.parse().ok()),
        language: attr("language"),
        tags,
        disabled: attr("outpost:disabled").is_some_and(|d| d == "true"),
        kind: attr("outpost:kind").filter(|k| !k.trim().is_empty()),
        settings: attr("outpost:settings").filter(|s| !s.trim().is_empty()),
    });
    None
}

/// Writes an OPML 2.0 document with one folder outline per distinct folder
/// path, feeds inside, in the order given.
pub fn write_opml(title: &str, entries: &[OpmlEntry]) -> Result<String, OpmlError> {
    // The folder tree, each node's folders and feeds in the order given.
    enum Child<'a> {
        Folder(&'a str, Node<'a>),
        Feed(&'a OpmlEntry),
    }
    #[derive(Default)]
    struct Node<'a> {
        children: Vec<Child<'a>>,
    }
    let mut root = Node::default();
    for e in entries {
        let mut level = &mut root;
        if let Some(folder) = e.folder.as_deref().filter(|f| !f.is_empty()) {
            // A folder deeper than the bound (an archive from before it
            // existed) is nested only as deep as a reader accepts; its
            // whole name still travels in `outpost:folder`, and the import
            // says what is wrong with it.
            for part in folder.split('/').take(MAX_FOLDER_DEPTH - 1) {
                let idx = match level
                    .children
                    .iter()
                    .position(|c| matches!(c, Child::Folder(n, _) if *n == part))
                {
                    Some(i) => i,
                    None => {
                        level.children.push(Child::Folder(part, Node::default()));
                        level.children.len() - 1
                    }
                };
                let Child::Folder(_, node) = &mut level.children[idx] else {
                    unreachable!("the index is a folder's");
                };
                level = node;
            }
        }
        level.children.push(Child::Feed(e));
    }

    let err = |e: std::io::Error| OpmlError::Write(e.to_string());
    let mut w = Writer::new_with_indent(Cursor::new(Vec::new()), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(err)?;
    let mut opml = BytesStart::new("opml");
    opml.push_attribute(("version", "2.0"));
    opml.push_attribute(("xmlns:outpost", OUTPOST_NS));
    w.write_event(Event::Start(opml)).map_err(err)?;
    w.create_element("head")
        .write_inner_content(|w| {
            w.create_element("title")
                .write_text_content(quick_xml::events::BytesText::new(title))?;
            Ok(())
        })
        .map_err(err)?;
    w.write_event(Event::Start(BytesStart::new("body")))
        .map_err(err)?;
    // An explicit stack, not recursion: the tree is bounded, but the writer
    // should not depend on that.
    let mut stack: Vec<(&Node<'_>, usize)> = vec![(&root, 0)];
    while let Some((node, next)) = stack.pop() {
        match node.children.get(next) {
            Some(Child::Feed(feed)) => {
                w.write_event(Event::Empty(feed_outline(feed)))
                    .map_err(err)?;
                stack.push((node, next + 1));
            }
            Some(Child::Folder(name, child)) => {
                stack.push((node, next + 1));
                let mut o = BytesStart::new("outline");
                o.push_attribute(("text", *name));
                o.push_attribute(("title", *name));
                w.write_event(Event::Start(o)).map_err(err)?;
                stack.push((child, 0));
            }
            // A folder's end; the root (the last frame) is <body>'s.
            None if !stack.is_empty() => {
                w.write_event(Event::End(BytesEnd::new("outline")))
                    .map_err(err)?;
            }
            None => {}
        }
    }
    w.write_event(Event::End(BytesEnd::new("body")))
        .map_err(err)?;
    w.write_event(Event::End(BytesEnd::new("opml")))
        .map_err(err)?;
    let mut xml = String::from_utf8(w.into_inner().into_inner())
        .map_err(|e| OpmlError::Write(e.to_string()))?;
    xml.push('\n');
    Ok(xml)
}

fn feed_outline(e: &OpmlEntry) -> BytesStart<'static> {
    let name = e.title.clone().unwrap_or_else(|| e.url.clone());
    let mut o = BytesStart::new("outline");
    o.push_attribute(("text", name.as_str()));
    o.push_attribute(("title", name.as_str()));
    // Other readers take `type="rss"` as a feed to poll; a page, a channel
    // or a query is not one.
    o.push_attribute(("type", e.kind.as_deref().unwrap_or("rss")));
    o.push_attribute(("xmlUrl", e.url.as_str()));
    if let Some(h) = &e.html_url {
        o.push_attribute(("htmlUrl", h.as_str()));
    }
    if let Some(l) = &e.language {
        o.push_attribute(("language", l.as_str()));
    }
    if !e.tags.is_empty() {
        o.push_attribute(("category", e.tags.join(",").as_str()));
        let json = serde_json::to_string(&e.tags).unwrap_or_default();
        o.push_attribute(("outpost:tags", json.as_str()));
    }
    if let Some(f) = e.folder.as_deref().filter(|f| !f.is_empty()) {
        o.push_attribute(("outpost:folder", f));
    }
    if let Some(i) = e.interval_secs {
        o.push_attribute(("outpost:interval", i.to_string().as_str()));
    }
    if e.disabled {
        o.push_attribute(("outpost:disabled", "true"));
    }
    if let Some(k) = &e.kind {
        o.push_attribute(("outpost:kind", k.as_str()));
    }
    if let Some(settings) = &e.settings {
        o.push_attribute(("outpost:settings", settings.as_str()));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_outlines_become_folders() {
        let xml = r#"<?xml version="1.0"?>
<opml version="1.0"><head><title>Export</title></head><body>
  <outline text="Region">
    <outline text="Tajikistan" title="Tajikistan">
      <outline text="Asia-Plus" type="rss" xmlUrl="https://asiaplustj.info/ru/rss" htmlUrl="https://asiaplustj.info/"/>
    </outline>
    <outline text="Eurasianet" type="rss" xmlUrl="https://eurasianet.org/rss"/>
  </outline>
  <outline text="Loose" type="rss" xmlUrl="https://example.org/feed" category="/a,b"/>
</body></opml>"#;
        let entries = read_opml(xml.as_bytes()).unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].folder.as_deref(), Some("Region/Tajikistan"));
        assert_eq!(
            entries[0].html_url.as_deref(),
            Some("https://asiaplustj.info/")
        );
        assert_eq!(entries[1].folder.as_deref(), Some("Region"));
        assert_eq!(entries[2].folder, None);
        assert_eq!(entries[2].tags, vec!["a", "b"]);
    }

    #[test]
    fn no_feeds_is_an_error() {
        let xml =
            r#"<opml version="2.0"><head/><body><outline text="empty folder"/></body></opml>"#;
        assert!(matches!(read_opml(xml.as_bytes()), Err(OpmlError::NoFeeds)));
        assert!(matches!(read_opml(b"<rss/>"), Err(OpmlError::Invalid(_))));
    }
}
