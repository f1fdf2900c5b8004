//! Use cases of the selector builder: a page without a feed previewed as
//! the analyst types its selectors, and the source packs added by name.
//!
//! The page is fetched once per builder session and kept briefly in the
//! engine ([`PageCache`]), so each keystroke re-reads the cached page
//! rather than the site.

use std::sync::Arc;
use std::time::{Duration, Instant};

use outpost_feeds::fetch::{FetchOutcome, FetchRequest};
use outpost_feeds::page;

use super::*;

/// How long a fetched page serves the builder before it is fetched again.
const CACHE_TTL: Duration = Duration::from_secs(10 * 60);
/// Pages kept at once (a builder session looks at one or two).
const CACHE_PAGES: usize = 4;
/// Items the preview lists in full.
const PREVIEW_ITEMS: usize = 5;

/// Pages fetched for the builder, most recent last.
#[derive(Default)]
pub(crate) struct PageCache {
    pages: std::sync::Mutex<Vec<CachedPage>>,
}

#[derive(Clone)]
struct CachedPage {
    url: String,
    at: Instant,
    final_url: url::Url,
    content_type: Option<String>,
    body: Arc<Vec<u8>>,
}

impl PageCache {
    fn get(&self, url: &str) -> Option<CachedPage> {
        let mut pages = self.pages.lock().expect("page cache lock");
        pages.retain(|p| p.at.elapsed() < CACHE_TTL);
        pages.iter().find(|p| p.url == url).cloned()
    }

    fn put(&self, page: CachedPage) {
        let mut pages = self.pages.lock().expect("page cache lock");
        pages.retain(|p| p.url != page.url);
        pages.push(page);
        let excess = pages.len().saturating_sub(CACHE_PAGES);
        pages.drain(..excess);
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct PagePreviewRequest {
    pub url: String,
    pub selectors: PageSelectors,
    /// Fetch the page again instead of using the copy fetched earlier.
    #[serde(default)]
    #[ts(optional)]
    pub reload: Option<bool>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PagePreviewItem {
    pub title: Option<String>,
    pub link: String,
    pub published: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PagePreview {
    /// The address the page was read from (after redirects); links resolve
    /// against it.
    pub url: String,
    /// The page's `<title>`, a name for the source.
    pub page_title: Option<String>,
    /// Items the selectors read from the page.
    pub count: u32,
    /// The first few of them.
    pub items: Vec<PagePreviewItem>,
    pub warnings: Vec<String>,
    /// What is wrong with the selectors as typed (not valid CSS, an unknown
    /// zone), or null; the page itself was fetched.
    pub problem: Option<String>,
    /// Selectors for the repeated element of the page, when the item
    /// selector is empty.
    pub suggested: Option<PageSelectors>,
}

/// Fetches the page (or takes it from the builder's cache) and reads it
/// with the selectors as typed. A page that cannot be fetched is an error;
/// selectors that are not valid yet are a `problem` of the preview, since
/// the analyst is still typing them.
pub async fn preview_page_source(engine: &Engine, req: PagePreviewRequest) -> Result<PagePreview> {
    let url = req.url.trim();
    let parsed = url::Url::parse(url).map_err(|_| {
        EngineError::invalid(format!(
            "'{url}' is not a web address; paste the page's address, starting with https://"
        ))
    })?;
    let cached = match engine.page_cache.get(url) {
        Some(p) if req.reload != Some(true) => p,
        _ => {
            let p = fetch_page(engine, url, parsed).await?;
            engine.page_cache.put(p.clone());
            p
        }
    };
    let body = Arc::clone(&cached.body);
    let base = cached.final_url.clone();
    let content_type = cached.content_type.clone();
    let sel = req.selectors;
    // Reading a large page is CPU work: off the async threads.
    let out = tokio::task::spawn_blocking(move || read_preview(&body, content_type, base, sel))
        .await
        .map_err(|e| EngineError::invalid(format!("the page could not be read: {e}")))?;
    Ok(out)
}

async fn fetch_page(engine: &Engine, key: &str, url: url::Url) -> Result<CachedPage> {
    match engine
        .fetcher()
        .fetch(&FetchRequest::new(url.clone()))
        .await
    {
        FetchOutcome::Fetched {
            final_url,
            content_type,
            body,
            ..
        } => Ok(CachedPage {
            url: key.to_string(),
            at: Instant::now(),
            final_url,
            content_type,
            body: Arc::new(body),
        }),
        FetchOutcome::NotModified { .. } => Err(EngineError::Fetch(
            "the server answered 304 Not Modified to a fresh request; try again".into(),
        )),
        FetchOutcome::Gone { reason, .. } => Err(EngineError::Fetch(reason)),
        FetchOutcome::Failed { error, .. } => Err(EngineError::Fetch(error.to_string())),
    }
}

fn read_preview(
    body: &[u8],
    content_type: Option<String>,
    base: url::Url,
    sel: PageSelectors,
) -> PagePreview {
    let decoded = outpost_feeds::charset::decode(body, content_type.as_deref(), Some(&base));
    let html = decoded.text;
    let suggested = if sel.item.trim().is_empty() {
        page::suggest_selectors(&html).map(|s| s.selectors)
    } else {
        None
    };
    // With no item selector typed, the preview shows what the suggestion
    // reads, so the builder is useful before anything is typed.
    let effective = match (&suggested, sel.item.trim().is_empty()) {
        (Some(s), true) => PageSelectors {
            date_format: sel.date_format.clone(),
            tz: sel.tz.clone(),
            body: sel.body.clone(),
            ..s.clone()
        },
        _ => sel,
    };
    let mut preview = PagePreview {
        url: base.to_string(),
        page_title: None,
        count: 0,
        items: Vec::new(),
        warnings: Vec::new(),
        problem: None,
        suggested,
    };
    match page::read_str(&html, &base, &effective) {
        Ok(read) => {
            preview.page_title = read.title;
            preview.count = read.entries.len() as u32;
            preview.items = read
                .entries
                .into_iter()
                .take(PREVIEW_ITEMS)
                .map(|e| PagePreviewItem {
                    title: e.title,
                    link: e.link.unwrap_or_default(),
                    published: e.published.map(rfc3339),
                })
                .collect();
            preview.warnings = read.warnings;
        }
        Err(page::PageError::NoItemSelector) => {
            preview.problem = Some(
                "no repeated element with links was found on the page; type an item selector"
                    .into(),
            );
        }
        Err(e) => preview.problem = Some(e.to_string()),
    }
    preview
}

/// Adds a named source pack (`default` or `telegram`); returns how many of
/// its sources were new.
pub fn add_source_pack(engine: &Engine, name: &str) -> Result<u32> {
    engine.add_source_pack(name)
}
