//! The kinds of source Outpost polls.
//!
//! Every kind turns into the same thing — a fetch of one URL and a
//! [`crate::ParsedFeed`] of articles — so the scheduler, the store and the
//! UI treat them alike. Feeds are read by [`crate::parse`]; the other kinds
//! (added in a later issue) get their own adapter producing the same
//! `ParsedFeed`, and their settings live in their variant here.

use serde::{Deserialize, Serialize};
use url::Url;

/// What a source is and how its fetched bytes become articles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SourceKind {
    /// RSS, RDF, Atom or JSON Feed at `url` (search feeds included: they are
    /// feeds whose URL carries a query).
    Feed { url: Url },
    /// A web page without a feed, read with CSS selectors.
    CssPage {
        url: Url,
        item: String,
        title: String,
        link: String,
        date: Option<String>,
    },
    /// A public Telegram channel through its web preview (`t.me/s/NAME`).
    Telegram { channel: String },
    /// A GDELT DOC API query.
    Gdelt { query: String },
}

impl SourceKind {
    /// The URL fetched to poll this source.
    pub fn fetch_url(&self) -> Result<Url, url::ParseError> {
        match self {
            SourceKind::Feed { url } | SourceKind::CssPage { url, .. } => Ok(url.clone()),
            SourceKind::Telegram { channel } => Url::parse(&format!(
                "https://t.me/s/{}",
                channel.trim_start_matches('@')
            )),
            SourceKind::Gdelt { query } => {
                let mut u = Url::parse("https://api.gdeltproject.org/api/v2/doc/doc")?;
                u.query_pairs_mut()
                    .append_pair("query", query)
                    .append_pair("mode", "artlist")
                    .append_pair("format", "rss")
                    .append_pair("sort", "datedesc");
                Ok(u)
            }
        }
    }

    /// Whether this crate can read the kind yet. The engine shows the
    /// others as "not supported in this version" rather than failing.
    pub fn is_supported(&self) -> bool {
        matches!(self, SourceKind::Feed { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_fetch_url() {
        let tg = SourceKind::Telegram {
            channel: "@asiaplus".into(),
        };
        assert_eq!(tg.fetch_url().unwrap().as_str(), "https://t.me/s/asiaplus");
        let g = SourceKind::Gdelt {
            query: "Tajikistan border".into(),
        };
        assert!(
            g.fetch_url()
                .unwrap()
                .as_str()
                .contains("query=Tajikistan+border")
        );
        let json = serde_json::to_string(&SourceKind::Feed {
            url: Url::parse("https://x.example/rss").unwrap(),
        })
        .unwrap();
        assert_eq!(json, r#"{"kind":"feed","url":"https://x.example/rss"}"#);
    }
}
