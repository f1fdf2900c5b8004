//! The Telegram reader at the refresh seam: a channel's preview pages, the
//! newest first, paged back with `?before=N` until a post this source
//! already delivered (or, on the first poll, the configured number of
//! posts). Known posts on the pages read are delivered again, so an edit
//! updates its article in place; the alert is unique per article, so an
//! edit raises no second one.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use outpost_core::Source;
use outpost_feeds::fetch::{FetchError, FetchOutcome, FetchRequest};
use outpost_feeds::telegram::{self, Post};
use outpost_store::{ArticleExtra, NewArticle};
use tokio::sync::Semaphore;
use url::Url;

use super::{Delivery, KindEntries};
use crate::engine::Engine;

/// Posts on one preview page, about: bounds the pages a poll may read.
const POSTS_PER_PAGE: usize = 20;

impl Engine {
    pub(super) async fn read_telegram(
        self: &Arc<Self>,
        source: &Source,
        preview: &Url,
        cpu: &Semaphore,
    ) -> Delivery {
        let backfill = self
            .settings()
            .map(|s| s.telegram_backfill_posts)
            .unwrap_or(100)
            .max(1) as usize;
        let max_pages = backfill.div_ceil(POSTS_PER_PAGE) + 1;
        let host = preview.host_str().unwrap_or("").to_string();
        let gate = format!(
            "telegram:{host}:{}",
            preview.port_or_known_default().unwrap_or(0)
        );
        let spacing = self.gates.spacing().telegram;
        let fetcher = self.fetcher();

        let mut posts: Vec<Post> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut warnings: Vec<String> = Vec::new();
        let mut before: Option<u64> = None;
        let mut latency = StdDuration::ZERO;
        let mut status = 200;
        let mut pages = 0usize;
        loop {
            // The first page failing fails the poll; an older page failing
            // only ends the paging, keeping what was read.
            let first = pages == 0;
            macro_rules! stop {
                ($msg:expr, $status:expr, $retry:expr) => {{
                    let msg: String = $msg;
                    if first {
                        return Delivery::Failed {
                            msg,
                            status: $status,
                            retry_after: $retry,
                        };
                    }
                    warnings.push(format!("stopped paging back through older posts: {msg}"));
                    break;
                }};
            }
            if let Err(left) = self.gates.wait(&gate, spacing).await {
                let msg = format!(
                    "{host} asked Outpost to slow down (too many requests); it tries again in about {} minute(s)",
                    left.as_secs().div_ceil(60).max(1)
                );
                stop!(msg, Some(429), Some(left))
            }
            let request = FetchRequest::new(telegram::page_url(preview, before));
            let outcome = fetcher.fetch(&request).await;
            let (final_url, body) = match outcome {
                FetchOutcome::Fetched {
                    final_url,
                    body,
                    status: s,
                    elapsed,
                    ..
                } => {
                    latency += elapsed;
                    status = s;
                    (final_url, body)
                }
                FetchOutcome::Failed {
                    error, retry_after, ..
                } => {
                    let code = match &error {
                        FetchError::Status { status, .. } => Some(*status),
                        _ => None,
                    };
                    let (msg, retry) = if code == Some(429) {
                        // Every channel on this host waits, not only this one.
                        let wait = retry_after
                            .unwrap_or(StdDuration::from_secs(600))
                            .clamp(StdDuration::from_secs(60), StdDuration::from_secs(6 * 3600));
                        self.gates.defer(&gate, wait);
                        (
                            format!(
                                "{host} answered 429 (too many requests); Outpost backs off and tries again in about {} minute(s)",
                                wait.as_secs().div_ceil(60)
                            ),
                            Some(wait),
                        )
                    } else {
                        (error.to_string(), retry_after)
                    };
                    stop!(msg, code, retry)
                }
                FetchOutcome::Gone { reason, .. } => {
                    let msg = format!("the channel's page is gone (410): {reason}");
                    stop!(msg, Some(410), None)
                }
                FetchOutcome::NotModified { .. } => break,
            };
            pages += 1;
            if !telegram::is_preview_address(&final_url) {
                let msg = telegram::TelegramError::NoPublicPreview.to_string();
                stop!(msg, Some(status), None)
            }
            let page = {
                let _permit = cpu.acquire().await.expect("semaphore never closes");
                tokio::task::spawn_blocking(move || telegram::read_channel(&body, &final_url))
                    .await
                    .expect("reading a Telegram page does not panic")
            };
            let page = match page {
                Ok(p) => p,
                Err(e) => {
                    if first {
                        return Delivery::Failed {
                            msg: e.to_string(),
                            status: Some(status),
                            retry_after: None,
                        };
                    }
                    warnings.push(format!("stopped paging back through older posts: {e}"));
                    break;
                }
            };
            let keys: Vec<String> = page.posts.iter().map(|p| p.key.clone()).collect();
            let known = self
                .reader()
                .known_guids(source.id, &keys)
                .unwrap_or_default();
            for post in page.posts {
                if seen.insert(post.key.clone()) {
                    posts.push(post);
                }
            }
            if !known.is_empty() || posts.len() >= backfill || pages >= max_pages {
                break;
            }
            // Only ever older: a cursor that does not move ends the paging.
            match page.older {
                Some(b) if before.is_none_or(|prev| b < prev) => before = Some(b),
                _ => break,
            }
        }
        // The newest posts, up to the first poll's number.
        posts.sort_by_key(|p| std::cmp::Reverse(p.number));
        posts.truncate(backfill);
        Delivery::Entries(KindEntries {
            articles: posts.into_iter().map(|p| post_article(source, p)).collect(),
            warnings,
            status,
            latency_ms: latency.as_millis().min(u128::from(u32::MAX)) as u32,
        })
    }
}

fn post_article(source: &Source, post: Post) -> NewArticle {
    let e = post.entry;
    let text = e.summary.clone().unwrap_or_default();
    NewArticle {
        guid: e.id,
        url: e.link,
        title: e.title.unwrap_or_default(),
        summary: text.clone(),
        content_html: e.content_html.unwrap_or_default(),
        text,
        lang: source.lang.clone().map(|l| l.to_lowercase()),
        published: e.published,
        authors: e.authors,
        extra: ArticleExtra {
            forwarded_from: post.forwarded_from,
            views: post.views,
            ..ArticleExtra::default()
        },
    }
}
