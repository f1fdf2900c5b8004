//! The source list in and out as OPML, with folders as nested outlines —
//! the form other feed readers (newsboat, Feedly, Inoreader, NetNewsWire,
//! Thunderbird) import and export. Reading and writing go through the
//! `opml` crate.

use opml::{Body, Head, OPML, Outline};

/// One feed from (or for) an OPML file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpmlEntry {
    /// The feed's address (`xmlUrl`).
    pub url: String,
    pub title: Option<String>,
    /// The site's address (`htmlUrl`).
    pub html_url: Option<String>,
    /// The path of folder outlines the feed sits in, outermost first.
    pub folder: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum OpmlError {
    #[error("the file is not OPML: {0}")]
    Invalid(String),
    #[error("the OPML file lists no feeds (no outline has an xmlUrl)")]
    NoFeeds,
    #[error("the OPML could not be written: {0}")]
    Write(String),
}

/// Reads every feed outline, at any depth. Outlines without `xmlUrl` are
/// folders; their `title` (or `text`) names the folder.
pub fn read_opml(bytes: &[u8]) -> Result<Vec<OpmlEntry>, OpmlError> {
    let decoded = crate::charset::decode(bytes, None, None);
    let text = strip_prolog(&decoded.text);
    let doc = OPML::from_str(text).map_err(|e| OpmlError::Invalid(error_chain(&e)))?;
    let mut out = Vec::new();
    let mut path = Vec::new();
    collect(&doc.body.outlines, &mut path, &mut out);
    if out.is_empty() {
        return Err(OpmlError::NoFeeds);
    }
    Ok(out)
}

/// Writes an OPML 2.0 document with one folder outline per distinct folder
/// path, feeds inside, in the order given.
pub fn write_opml(title: &str, entries: &[OpmlEntry]) -> Result<String, OpmlError> {
    let mut root: Vec<Outline> = Vec::new();
    for e in entries {
        let mut level = &mut root;
        for name in &e.folder {
            let idx = match level
                .iter()
                .position(|o| o.xml_url.is_none() && o.text == *name)
            {
                Some(i) => i,
                None => {
                    level.push(Outline {
                        text: name.clone(),
                        title: Some(name.clone()),
                        ..Outline::default()
                    });
                    level.len() - 1
                }
            };
            level = &mut level[idx].outlines;
        }
        let name = e.title.clone().unwrap_or_else(|| e.url.clone());
        level.push(Outline {
            text: name.clone(),
            title: Some(name),
            r#type: Some("rss".into()),
            xml_url: Some(e.url.clone()),
            html_url: e.html_url.clone(),
            ..Outline::default()
        });
    }
    let doc = OPML {
        version: "2.0".into(),
        head: Some(Head {
            title: Some(title.to_string()),
            ..Head::default()
        }),
        body: Body { outlines: root },
    };
    let xml = doc
        .to_string()
        .map_err(|e| OpmlError::Write(error_chain(&e)))?;
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{xml}\n"
    ))
}

fn collect(outlines: &[Outline], path: &mut Vec<String>, out: &mut Vec<OpmlEntry>) {
    for o in outlines {
        let name = o
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .or_else(|| Some(o.text.clone()).filter(|t| !t.trim().is_empty()));
        match o
            .xml_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            Some(url) => out.push(OpmlEntry {
                url: url.to_string(),
                title: name,
                html_url: o.html_url.clone().filter(|u| !u.trim().is_empty()),
                folder: path.clone(),
            }),
            None => {
                path.push(name.unwrap_or_default());
                collect(&o.outlines, path, out);
                path.pop();
            }
        }
    }
}

/// The XML declaration and comments before `<opml>`, which the `opml`
/// crate's reader does not expect in every position.
fn strip_prolog(text: &str) -> &str {
    match text.find("<opml") {
        Some(i) => &text[i..],
        None => text,
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(x) = src {
        s.push_str(": ");
        s.push_str(&x.to_string());
        src = x.source();
    }
    s
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
  <outline text="Loose" type="rss" xmlUrl="https://example.org/feed"/>
</body></opml>"#;
        let entries = read_opml(xml.as_bytes()).unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].folder, vec!["Region", "Tajikistan"]);
        assert_eq!(
            entries[0].html_url.as_deref(),
            Some("https://asiaplustj.info/")
        );
        assert_eq!(entries[1].folder, vec!["Region"]);
        assert!(entries[2].folder.is_empty());
    }

    #[test]
    fn no_feeds_is_an_error() {
        let xml =
            r#"<opml version="2.0"><head/><body><outline text="empty folder"/></body></opml>"#;
        assert!(matches!(read_opml(xml.as_bytes()), Err(OpmlError::NoFeeds)));
        assert!(matches!(read_opml(b"<rss/>"), Err(OpmlError::Invalid(_))));
    }
}
