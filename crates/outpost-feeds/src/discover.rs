//! Adding a source by site URL: feed autodiscovery from
//! `<link rel="alternate" type="application/rss+xml" href="…">` in a page's
//! HTML, read with html5ever's tokenizer.

use std::cell::RefCell;

use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{Tag, TagKind, Token, TokenSink, TokenSinkResult};
use serde::Serialize;
use url::Url;

use crate::fetch::{FetchError, FetchOutcome, FetchRequest, Fetcher};
use crate::model::{ParseError, ParsedFeed};
use crate::sanitize::tokenize;

/// A feed a page advertises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiscoveredFeed {
    pub url: Url,
    pub title: Option<String>,
    pub kind: FeedKind,
}

/// What the page says the feed is, from the link's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedKind {
    Rss,
    Atom,
    Rdf,
    Json,
}

/// The feeds a page links to, in page order, resolved against `base` (or
/// the page's own `<base href>`), without duplicates.
pub fn discover_feeds(html: &str, base: &Url) -> Vec<DiscoveredFeed> {
    let LinkSink {
        links, base_href, ..
    } = tokenize(html, LinkSink::default());
    let base = base_href
        .into_inner()
        .and_then(|h| base.join(&h).ok())
        .unwrap_or_else(|| base.clone());
    let mut out: Vec<DiscoveredFeed> = Vec::new();
    for (href, title, kind) in links.into_inner() {
        let Ok(url) = base.join(href.trim()) else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") || out.iter().any(|f| f.url == url) {
            continue;
        }
        out.push(DiscoveredFeed {
            url,
            title: title
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
            kind,
        });
    }
    out
}

/// The feed a source URL stands for.
#[derive(Debug, Clone)]
pub struct ResolvedFeed {
    /// The URL to store: the feed's own address (after a permanent
    /// redirect, the new one).
    pub feed_url: Url,
    pub title: Option<String>,
    pub parsed: ParsedFeed,
}

/// Why a URL could not be turned into a feed.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("fetching {url} failed: {error}")]
    Fetch { url: Url, error: FetchError },
    #[error("{url}: {reason}")]
    Gone { url: Url, reason: String },
    #[error("{url} is a web page that links to no RSS, Atom or JSON feed")]
    NoFeedFound { url: Url },
    #[error("{url} is not a readable feed: {error}")]
    Parse { url: Url, error: ParseError },
}

/// Fetches `url`; if it is a feed, that is the source. If it is an HTML
/// page, the first feed it advertises is fetched and becomes the source.
pub async fn resolve_source_url(
    fetcher: &Fetcher,
    url: &Url,
) -> Result<ResolvedFeed, ResolveError> {
    let (feed_url, content_type, body) = fetch_body(fetcher, url).await?;
    let parse_error = match crate::parse(&body, content_type.as_deref(), Some(&feed_url)) {
        Ok(parsed) => {
            return Ok(ResolvedFeed {
                title: parsed.title.clone(),
                feed_url,
                parsed,
            });
        }
        Err(e) => e,
    };
    let html = crate::charset::decode(&body, content_type.as_deref(), Some(&feed_url)).text;
    let Some(found) = discover_feeds(&html, &feed_url).into_iter().next() else {
        return Err(if looks_like_html(&html) {
            ResolveError::NoFeedFound { url: feed_url }
        } else {
            ResolveError::Parse {
                url: feed_url,
                error: parse_error,
            }
        });
    };
    let (feed_url, content_type, body) = fetch_body(fetcher, &found.url).await?;
    let parsed =
        crate::parse(&body, content_type.as_deref(), Some(&feed_url)).map_err(|error| {
            ResolveError::Parse {
                url: feed_url.clone(),
                error,
            }
        })?;
    Ok(ResolvedFeed {
        title: parsed.title.clone().or(found.title),
        feed_url,
        parsed,
    })
}

async fn fetch_body(
    fetcher: &Fetcher,
    url: &Url,
) -> Result<(Url, Option<String>, Vec<u8>), ResolveError> {
    match fetcher.fetch(&FetchRequest::new(url.clone())).await {
        FetchOutcome::Fetched {
            moved_permanently_to,
            content_type,
            body,
            ..
        } => Ok((
            moved_permanently_to.unwrap_or_else(|| url.clone()),
            content_type,
            body,
        )),
        FetchOutcome::NotModified { .. } => Err(ResolveError::Fetch {
            url: url.clone(),
            error: FetchError::Status {
                status: 304,
                reason: "Not Modified without a conditional request".into(),
            },
        }),
        FetchOutcome::Gone { reason, .. } => Err(ResolveError::Gone {
            url: url.clone(),
            reason,
        }),
        FetchOutcome::Failed { error, .. } => Err(ResolveError::Fetch {
            url: url.clone(),
            error,
        }),
    }
}

fn looks_like_html(text: &str) -> bool {
    let head = crate::sanitize::prefix(text, 2048).to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html") || head.contains("<head")
}

#[derive(Default)]
struct LinkSink {
    links: RefCell<Vec<(String, Option<String>, FeedKind)>>,
    base_href: RefCell<Option<String>>,
}

impl LinkSink {
    fn on_tag(&self, tag: &Tag) {
        let attr = |name: &str| {
            tag.attrs
                .iter()
                .find(|a| &*a.name.local == name)
                .map(|a| a.value.to_string())
        };
        match &*tag.name {
            "base" => {
                let mut base = self.base_href.borrow_mut();
                if base.is_none() {
                    *base = attr("href");
                }
            }
            "link" => {
                let rel = attr("rel").unwrap_or_default().to_ascii_lowercase();
                if !rel
                    .split_ascii_whitespace()
                    .any(|r| r == "alternate" || r == "feed")
                {
                    return;
                }
                let ty = attr("type").unwrap_or_default().to_ascii_lowercase();
                let kind = match ty.split(';').next().unwrap_or("").trim() {
                    "application/rss+xml" | "application/x-rss+xml" => FeedKind::Rss,
                    "application/atom+xml" => FeedKind::Atom,
                    "application/rdf+xml" => FeedKind::Rdf,
                    "application/feed+json" | "application/json" => FeedKind::Json,
                    _ => return,
                };
                if let Some(href) = attr("href").filter(|h| !h.trim().is_empty()) {
                    self.links.borrow_mut().push((href, attr("title"), kind));
                }
            }
            _ => {}
        }
    }
}

impl TokenSink for LinkSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let Token::TagToken(tag) = token
            && tag.kind == TagKind::StartTag
        {
            match &*tag.name {
                // Their content is not markup; a "<link" inside a script is
                // not a link.
                "script" => return TokenSinkResult::RawData(RawKind::ScriptData),
                "style" => return TokenSinkResult::RawData(RawKind::Rawtext),
                "title" | "textarea" => return TokenSinkResult::RawData(RawKind::Rcdata),
                _ => self.on_tag(&tag),
            }
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_advertised_feeds_in_order() {
        let html = r#"<!doctype html><html><head>
            <title>Asia-Plus</title>
            <link rel="stylesheet" href="/s.css">
            <link rel="alternate" type="application/rss+xml" title="Новости" href="/ru/rss">
            <link rel="alternate" type="application/atom+xml" href="https://example.tj/atom.xml">
            <link rel="alternate" type="application/rss+xml" href="/ru/rss">
            <link rel="alternate" hreflang="en" href="/en/">
            <script>document.write('<link rel="alternate" type="application/rss+xml" href="/fake">')</script>
            </head><body></body></html>"#;
        let base = Url::parse("https://asiaplustj.info/ru/").unwrap();
        let found = discover_feeds(html, &base);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].url.as_str(), "https://asiaplustj.info/ru/rss");
        assert_eq!(found[0].title.as_deref(), Some("Новости"));
        assert_eq!(found[0].kind, FeedKind::Rss);
        assert_eq!(found[1].kind, FeedKind::Atom);
    }

    #[test]
    fn base_href_is_honoured() {
        let html = r#"<head><base href="https://cdn.example/site/"><link rel="alternate" type="application/feed+json" href="feed.json"></head>"#;
        let found = discover_feeds(html, &Url::parse("https://example.org/").unwrap());
        assert_eq!(found[0].url.as_str(), "https://cdn.example/site/feed.json");
        assert_eq!(found[0].kind, FeedKind::Json);
    }
}
