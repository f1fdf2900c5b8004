//! Saved articles as evidence (issue 8).
//!
//! Saving an article captures its page: the article's URL is fetched with
//! the same polite fetcher the polls use (its size and time caps, the
//! analyst's proxy), the readable part of the page is extracted with
//! `dom_smoothie` (a port of Mozilla's Readability), and the archive keeps a
//! [`Snapshot`]: sanitised HTML, plain text, the fetch time, the final URL
//! after redirects, and the SHA-256 of the stored plain text. The saved
//! article then reads offline from that snapshot.
//!
//! When the page cannot be fetched or has no readable text, the snapshot
//! keeps the feed's own content instead (sanitised HTML and plain text, with
//! the hash of that text) and `error` says what went wrong, so the analyst
//! sees the failure and still has the text the alert was raised on.
//!
//! # What the hash covers
//!
//! `Snapshot::sha256` is the lowercase hex SHA-256 of the UTF-8 bytes of
//! `Snapshot::text`, exactly as stored; [`text_sha256`] computes it. Exports
//! carry the same hash next to the same text, so anyone can recompute it.

use outpost_core::{AlertId, AlertState, Article, ArticleId, Snapshot, Timestamp};
use outpost_feeds::fetch::{FetchConfig, FetchOutcome, FetchRequest, Fetcher};
use outpost_feeds::sanitize::{MAX_HTML_DEPTH, bound_html, html_to_text, sanitize_html};
use sha2::{Digest, Sha256};
use url::Url;

use crate::engine::Engine;
use crate::error::{EngineError, Result};

/// Marks an article saved and captures its page as evidence.
///
/// This is what "save" means everywhere (the UI's save button, a saved
/// alert, `outpost alerts mark ID --state saved`). A page already captured
/// successfully is kept as it is: the first capture is the evidence, and a
/// later save must not replace it with whatever the page says now. A
/// capture that failed before is tried again. Returns the snapshot the
/// article now has; a failed capture is not an error (see the module
/// documentation), only a missing article or a broken archive is.
pub async fn save_article(engine: &Engine, article_id: ArticleId) -> Result<Snapshot> {
    engine
        .store()
        .set_article_saved(article_id, true, engine.now())?;
    let existing = engine.store().get_snapshot(article_id)?;
    match existing {
        Some(s) if s.error.is_none() => Ok(s),
        _ => capture(engine, article_id).await,
    }
}

/// Sets an alert's state to `saved` (which saves its article too) and
/// captures the article's page, as [`save_article`] does.
pub async fn save_alert(engine: &Engine, alert_id: AlertId) -> Result<Snapshot> {
    engine
        .store()
        .set_alert_state(alert_id, AlertState::Saved, engine.now())?;
    let article_id = engine.store().get_alert(alert_id)?.article_id;
    save_article(engine, article_id).await
}

/// Fetches the article's page now and stores it as the article's snapshot,
/// replacing any earlier one. Uses a fetcher configured like the engine's
/// own (user agent, caps, the proxy from the settings).
pub async fn capture(engine: &Engine, article_id: ArticleId) -> Result<Snapshot> {
    let fetcher = page_fetcher(engine)?;
    capture_with(engine, &fetcher, article_id).await
}

/// A fetcher for one page capture or image load: configured like the
/// engine's own (user agent, caps, the proxy from the settings), and
/// refusing redirects from a public address into loopback, private or
/// link-local ones, since the addresses come from feeds (SECURITY.md,
/// section 2). One per fetch: its record of the addresses fetches started
/// from is what lets a page on an address the analyst chose redirect
/// within it.
pub fn page_fetcher(engine: &Engine) -> Result<Fetcher> {
    let settings = engine.settings()?;
    Fetcher::new(FetchConfig {
        guard_redirects: true,
        ..crate::engine::fetch_config(&settings)
    })
    .map_err(|e| EngineError::Fetch(e.to_string()))
}

/// [`capture`] with a given fetcher (the app's, or a test's).
pub async fn capture_with(
    engine: &Engine,
    fetcher: &Fetcher,
    article_id: ArticleId,
) -> Result<Snapshot> {
    let article = engine.store().get_article(article_id)?;
    let now = engine.now();
    let snapshot = match fetch_page(fetcher, &article).await {
        Ok(page) => {
            let url = page.final_url.clone();
            let extracted = tokio::time::timeout(
                EXTRACT_TIME,
                tokio::task::spawn_blocking(move || extract(page, now)),
            )
            .await;
            match extracted {
                Ok(Ok(Ok(s))) => s,
                Ok(Ok(Err(msg))) => from_feed(&article, msg, now),
                Ok(Err(join)) => {
                    from_feed(&article, format!("the page could not be read: {join}"), now)
                }
                Err(_) => from_feed(
                    &article,
                    format!(
                        "reading {url} took longer than {} s; it is not an article page",
                        EXTRACT_TIME.as_secs()
                    ),
                    now,
                ),
            }
        }
        Err(msg) => from_feed(&article, msg, now),
    };
    if let Some(error) = &snapshot.error {
        tracing::warn!(
            article = article_id,
            "could not capture the page; kept the feed text: {error}"
        );
    }
    let store = engine.store();
    store.save_snapshot(article_id, &snapshot)?;
    // What the archive holds (times at its millisecond precision).
    Ok(store.get_snapshot(article_id)?.unwrap_or(snapshot))
}

/// The lowercase hex SHA-256 of `text`'s UTF-8 bytes: the hash stored in a
/// snapshot and written to every export.
pub fn text_sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The plain text the archive holds for an article from its feed: the
/// entry's content as text, or its summary as text when the feed gave no
/// content.
pub fn feed_text(article: &Article) -> String {
    if article.text.trim().is_empty() {
        html_to_text(&article.summary)
    } else {
        article.text.clone()
    }
}

/// A fetched page, before extraction.
struct Page {
    final_url: Url,
    html: String,
}

/// The largest page handed to the extractor, in elements; larger pages are
/// not articles, and parsing them would only burn time.
const MAX_ELEMENTS: usize = 100_000;

/// The longest the readable-text extraction may take before the capture
/// gives up and keeps the feed text. The depth and element bounds keep real
/// work far below it; this only stops a page that defeats them.
const EXTRACT_TIME: std::time::Duration = std::time::Duration::from_secs(30);

/// How much of a body is looked at to tell a binary file from a page.
const SNIFF_BYTES: usize = 8192;

async fn fetch_page(fetcher: &Fetcher, article: &Article) -> std::result::Result<Page, String> {
    let raw = article
        .url
        .as_deref()
        .or(article.canonical_url.as_deref())
        .ok_or_else(|| "the feed gave this article no web address to save".to_string())?;
    let url = Url::parse(raw).map_err(|e| format!("'{raw}' is not a web address ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("'{raw}' is not an http(s) address"));
    }
    match fetcher.fetch(&FetchRequest::new(url.clone())).await {
        FetchOutcome::Fetched {
            final_url,
            content_type,
            body,
            ..
        } => {
            let mime = content_type
                .as_deref()
                .and_then(|c| c.split(';').next())
                .map(|c| c.trim().to_ascii_lowercase());
            if let Some(m) = mime
                .as_deref()
                .filter(|m| !matches!(*m, "text/html" | "application/xhtml+xml" | "text/plain"))
            {
                return Err(format!("{final_url} is not a web page (it is {m})"));
            }
            if looks_binary(&body) {
                return Err(format!(
                    "{final_url} is not a web page (its content is binary, not text)"
                ));
            }
            let html =
                outpost_feeds::charset::decode(&body, content_type.as_deref(), Some(&final_url))
                    .text;
            Ok(Page { final_url, html })
        }
        FetchOutcome::Failed { error, .. } => Err(format!("could not fetch {url}: {error}")),
        FetchOutcome::Gone { reason, .. } => Err(format!("{url} is gone: {reason}")),
        // No validators are sent, so a 304 means a misbehaving server.
        FetchOutcome::NotModified { .. } => {
            Err(format!("{url} answered 'not modified' to a plain request"))
        }
    }
}

/// Readability extraction, then sanitising. CPU work: runs on a blocking
/// thread.
fn extract(page: Page, fetched_at: Timestamp) -> std::result::Result<Snapshot, String> {
    read_page(&page.html, &page.final_url, fetched_at)
}

/// The page reader: the readable part of a page's HTML (fetched from
/// `final_url`) as a snapshot, or a sentence saying why there is none.
/// Bounded in depth and size whatever the HTML (see [`capture`]); public so
/// that it can be fuzzed on its own.
pub fn read_page(
    html: &str,
    final_url: &Url,
    fetched_at: Timestamp,
) -> std::result::Result<Snapshot, String> {
    let cfg = dom_smoothie::Config {
        max_elements_to_parse: MAX_ELEMENTS,
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    let no_text = || format!("{} has no readable article text", final_url);
    // Readability walks the tree recursively: nesting is bounded first, in
    // one linear pass, so a page of 40,000 nested elements is read flat
    // instead of overflowing the stack (Hardening 2, item 2).
    let bounded = bound_html(html, MAX_HTML_DEPTH);
    if bounded.elements > MAX_ELEMENTS {
        return Err(format!(
            "{} has more than {MAX_ELEMENTS} elements; it is not an article page",
            final_url
        ));
    }
    let mut readability =
        dom_smoothie::Readability::new(bounded.html.as_ref(), Some(final_url.as_str()), Some(cfg))
            .map_err(|e| format!("{}: {e}", final_url))?;
    let article = readability.parse().map_err(|e| match e {
        dom_smoothie::ReadabilityError::GrabFailed => no_text(),
        e => format!("{}: {e}", final_url),
    })?;
    let text = tidy_text(&article.text_content);
    if text.is_empty() {
        return Err(no_text());
    }
    let html = sanitize_html(&article.content, Some(final_url));
    Ok(Snapshot {
        final_url: Some(final_url.to_string()),
        fetched_at,
        html: Some(html),
        sha256: Some(text_sha256(&text)),
        text: Some(text),
        error: None,
    })
}

/// Whether a body is a binary file rather than text in any charset: a NUL
/// byte (outside UTF-16, which announces itself with a byte-order mark), or
/// more than one byte in ten that is a control character no text uses. A
/// binary served without a Content-Type is not evidence of an article.
fn looks_binary(body: &[u8]) -> bool {
    if body.starts_with(&[0xFF, 0xFE]) || body.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    let head = &body[..body.len().min(SNIFF_BYTES)];
    if head.contains(&0) {
        return true;
    }
    let odd = head
        .iter()
        .filter(|b| matches!(b, 0x01..=0x08 | 0x0E..=0x1A | 0x1C..=0x1F | 0x7F))
        .count();
    odd * 10 > head.len()
}

/// The snapshot of a page that could not be captured: the feed's content.
fn from_feed(article: &Article, error: String, fetched_at: Timestamp) -> Snapshot {
    let base = article.url.as_deref().and_then(|u| Url::parse(u).ok());
    let source_html = if article.content_html.trim().is_empty() {
        &article.summary
    } else {
        &article.content_html
    };
    let text = tidy_text(&feed_text(article));
    Snapshot {
        final_url: None,
        fetched_at,
        html: Some(sanitize_html(source_html, base.as_ref())),
        sha256: Some(text_sha256(&text)),
        text: Some(text),
        error: Some(error),
    }
}

/// Trims every line's trailing blanks and collapses runs of blank lines to
/// one, so the stored (and hashed) text is stable and reads as paragraphs.
fn tidy_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.trim().lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run == 1 {
                out.push('\n');
            }
        } else {
            blank_run = 0;
            out.push_str(line);
            out.push('\n');
        }
    }
    out.truncate(out.trim_end().len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_of_the_utf8_text() {
        // `printf 'Хорог' | sha256sum`
        assert_eq!(
            text_sha256("Хорог"),
            "e00f9ed9adb63dbe8b3c34fbbd37ee82096a820b63ed71968ac9761ba987f58b"
        );
        assert_eq!(
            text_sha256(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn text_is_tidied_into_paragraphs() {
        assert_eq!(
            tidy_text("  One  \n\n\n\nTwo\t\n   \nThree\n"),
            "One\n\nTwo\n\nThree"
        );
    }
}
