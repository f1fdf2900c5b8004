//! The parsed shape of a feed: what `outpost parse` prints and what the
//! engine stores. Plain data, serialisable exactly as the CLI's JSON.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// A feed as far as it could be read, with everything that was not clean
/// listed in `warnings`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedFeed {
    pub format: FeedFormat,
    pub encoding: EncodingInfo,
    pub title: Option<String>,
    pub link: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    /// The feed-level `id` (Atom `<id>`). Not printed: the CLI's JSON
    /// shape is fixed; the engine and the conformance test read it here.
    #[serde(skip)]
    pub id: Option<String>,
    /// When the publisher last changed the feed, if it says so (not printed).
    #[serde(skip)]
    pub updated: Option<DateTime<Utc>>,
    /// When the publisher first published the feed, if it says so (not printed).
    #[serde(skip)]
    pub published: Option<DateTime<Utc>>,
    pub entries: Vec<Entry>,
    /// Human sentences, one per problem found and worked around.
    pub warnings: Vec<String>,
}

impl ParsedFeed {
    /// True when the document was read without any repair or guesswork
    /// (feedparser calls the opposite "bozo").
    pub fn is_clean(&self) -> bool {
        self.warnings.is_empty()
    }
}

/// One item or entry of a feed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The publisher's identifier (`guid`, Atom `id`, `rdf:about`, JSON `id`).
    pub id: Option<String>,
    /// Plain text, entities decoded.
    pub title: Option<String>,
    /// Absolute URL of the article.
    pub link: Option<String>,
    /// Plain text of the summary (or of the content when there is no summary).
    pub summary: Option<String>,
    /// Sanitised HTML of the full content (or the summary), ready for the
    /// reader pane.
    pub content_html: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    pub authors: Vec<String>,
}

/// The feed dialect, named as the CLI prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum FeedFormat {
    #[serde(rename = "rss2.0")]
    Rss2,
    #[serde(rename = "rss0.9x")]
    Rss09x,
    #[serde(rename = "rss1.0")]
    Rss1,
    #[serde(rename = "atom1.0")]
    Atom1,
    #[serde(rename = "atom0.3")]
    Atom03,
    #[serde(rename = "json1.x")]
    Json1,
}

impl FeedFormat {
    /// The name used in the CLI output, e.g. `"rss2.0"`.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedFormat::Rss2 => "rss2.0",
            FeedFormat::Rss09x => "rss0.9x",
            FeedFormat::Rss1 => "rss1.0",
            FeedFormat::Atom1 => "atom1.0",
            FeedFormat::Atom03 => "atom0.3",
            FeedFormat::Json1 => "json1.x",
        }
    }
}

/// Which character set the bytes were read in, and what decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EncodingInfo {
    /// Lower-case WHATWG name (`utf-8`, `windows-1251`, `koi8-r`, `ibm866`,
    /// `utf-16le` …), or `utf-32le`/`utf-32be`, which WHATWG does not cover.
    pub label: String,
    pub from: EncodingSource,
}

/// What decided the character set, in order of precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EncodingSource {
    /// A byte-order mark.
    Bom,
    /// The `charset` parameter of the HTTP `Content-Type`.
    Http,
    /// The `encoding` of the XML declaration.
    Xml,
    /// Guessed from the bytes (UTF-16/32 layout or a charset detector).
    Detected,
    /// Nothing said anything and the bytes are valid UTF-8.
    Default,
}

/// Why nothing at all could be read from a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the document is empty")]
    Empty,
    #[error("the document is {size} bytes, over the {limit}-byte limit for a feed")]
    TooLarge { size: usize, limit: usize },
    #[error("not a feed: {0}")]
    NotAFeed(String),
    #[error("the feed could not be read: {0}")]
    Malformed(String),
}
