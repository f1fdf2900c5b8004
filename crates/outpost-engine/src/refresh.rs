//! Refresh: one source, fetched, then parsed into entries, normalised and
//! matched on the worker pool. This is the seam new source kinds plug into:
//! what comes out is a [`WriteJob`] for the ingest stage, and nothing here
//! writes to the archive.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use outpost_core::{Source, Timestamp};
use outpost_feeds::fetch::{FetchOutcome, FetchRequest};
use outpost_store::{FetchRecord, NewArticle};
use tokio::sync::Semaphore;

use crate::alerting::Fresh;
use crate::engine::Engine;
use crate::ingest::{Parsed, Work, WriteJob};

impl Engine {
    /// One source: fetch it, then parse, normalise and match what it
    /// delivered on the worker pool (at most `cpu` sources at once). Errors
    /// of the source (network, HTTP, a feed nothing could be read from)
    /// become a failure record in the job.
    ///
    /// Items published (else first seen) before `retain_after`, the start
    /// of the retention window, are not stored: pruning would delete them,
    /// and the next poll would bring them back.
    pub(crate) async fn refresh(
        self: &Arc<Self>,
        source: Source,
        retain_after: Timestamp,
        cpu: &Semaphore,
    ) -> WriteJob {
        let url = match url::Url::parse(&source.url) {
            Ok(u) => u,
            Err(e) => {
                let msg = format!("the source URL is not valid ({e}); edit or remove the source");
                return self.failure(source, msg, None, None);
            }
        };
        let request = FetchRequest {
            url: url.clone(),
            etag: source.health.etag.clone(),
            last_modified: source.health.last_modified.clone(),
        };
        let fetcher = self.fetcher();
        let outcome = fetcher.fetch(&request).await;
        let now = self.now();
        let next = now + jittered(source.interval_secs);
        match outcome {
            FetchOutcome::NotModified { elapsed, .. } => {
                let record = FetchRecord {
                    at: now,
                    ok: true,
                    latency_ms: Some(elapsed.as_millis() as u32),
                    next_fetch_at: Some(next),
                    status: Some(304),
                    ..FetchRecord::default()
                };
                WriteJob {
                    source,
                    work: Work::Record {
                        record,
                        kind: OutcomeKind::NotModified,
                        disable: None,
                    },
                }
            }
            FetchOutcome::Gone { reason, .. } => {
                let msg = format!(
                    "the server says this feed is gone for good (410): {reason}; the source was disabled"
                );
                let mut job = self.failure(source, msg.clone(), Some(410), None);
                if let Work::Record { disable, .. } = &mut job.work {
                    *disable = Some(msg);
                }
                job
            }
            FetchOutcome::Failed {
                error, retry_after, ..
            } => {
                let msg = error.to_string();
                let status = match &error {
                    outpost_feeds::fetch::FetchError::Status { status, .. } => Some(*status),
                    _ => None,
                };
                self.failure(source, msg, status, retry_after)
            }
            FetchOutcome::Fetched {
                final_url,
                moved_permanently_to,
                etag,
                last_modified,
                content_type,
                body,
                status,
                elapsed,
            } => {
                let _permit = cpu.acquire().await.expect("semaphore never closes");
                let engine = Arc::clone(self);
                tokio::task::spawn_blocking(move || {
                    engine.parse_fetched(
                        source,
                        Fetched {
                            final_url,
                            moved_to: moved_permanently_to,
                            etag,
                            last_modified,
                            content_type,
                            body,
                            status,
                            latency_ms: elapsed.as_millis() as u32,
                            at: now,
                            next,
                        },
                        retain_after,
                    )
                })
                .await
                .expect("parsing a feed does not panic")
            }
        }
    }

    /// A failed poll: the record with the next try backed off.
    fn failure(
        &self,
        source: Source,
        msg: String,
        status: Option<u16>,
        retry_after: Option<StdDuration>,
    ) -> WriteJob {
        let now = self.now();
        let failures = source.health.consecutive_failures + 1;
        let base = StdDuration::from_secs(u64::from(source.interval_secs.max(60)));
        let mut wait = outpost_feeds::fetch::backoff(failures, base, rand::random::<f64>());
        if let Some(ra) = retry_after {
            wait = wait.max(ra);
        }
        let record = FetchRecord {
            at: now,
            ok: false,
            error: Some(msg.clone()),
            next_fetch_at: Some(now + Duration::from_std(wait).unwrap_or(Duration::hours(1))),
            status,
            ..FetchRecord::default()
        };
        WriteJob {
            source,
            work: Work::Record {
                record,
                kind: OutcomeKind::Failed(msg),
                disable: None,
            },
        }
    }

    /// Parses one fetched body into entries, normalises and matches them:
    /// the CPU work of a poll, on a worker thread, outside any store lock.
    fn parse_fetched(&self, source: Source, f: Fetched, retain_after: Timestamp) -> WriteJob {
        let parsed =
            match outpost_feeds::parse(&f.body, f.content_type.as_deref(), Some(&f.final_url)) {
                Ok(p) => p,
                Err(e) => {
                    let msg = format!("the response is not a feed Outpost can read: {e}");
                    let record = FetchRecord {
                        at: f.at,
                        ok: false,
                        error: Some(msg.clone()),
                        latency_ms: Some(f.latency_ms),
                        next_fetch_at: Some(f.next),
                        status: Some(f.status),
                        ..FetchRecord::default()
                    };
                    return WriteJob {
                        source,
                        work: Work::Record {
                            record,
                            kind: OutcomeKind::Failed(msg),
                            disable: None,
                        },
                    };
                }
            };
        let mut articles = entries_to_articles(&source, &parsed);
        let before = articles.len();
        // Without a date the item is first seen now, inside the window.
        articles.retain(|a| a.published.is_none_or(|p| p >= retain_after));
        let skipped_old = (before - articles.len()) as u32;
        let warnings = (!parsed.warnings.is_empty()).then(|| {
            format!(
                "parsed with {} warning(s): {}",
                parsed.warnings.len(),
                parsed.warnings.join("; ")
            )
        });
        let prepared = outpost_store::prepare_articles(&articles);
        let hits = self.match_articles(&source, &articles);
        let signatures = articles
            .iter()
            .zip(&hits)
            .map(|(a, h)| {
                (!h.is_empty())
                    .then(|| outpost_core::story::signature(&a.title, crate::alerting::body_of(a)))
            })
            .collect();
        let record = FetchRecord {
            at: f.at,
            ok: true,
            error: warnings,
            latency_ms: Some(f.latency_ms),
            items: articles.len() as u32,
            new_items: 0,
            etag: f.etag,
            last_modified: f.last_modified,
            next_fetch_at: Some(f.next),
            status: Some(f.status),
        };
        WriteJob {
            source,
            work: Work::Parsed(Box::new(Parsed {
                articles,
                prepared,
                hits,
                signatures,
                moved_to: f.moved_to,
                skipped_old,
                record,
            })),
        }
    }
}

/// The entries of a parsed feed as articles to store: content sanitised to
/// text, the source's language (else the feed's) on each.
pub(crate) fn entries_to_articles(
    source: &Source,
    parsed: &outpost_feeds::ParsedFeed,
) -> Vec<NewArticle> {
    let lang = source
        .lang
        .clone()
        .or_else(|| parsed.language.clone())
        .map(|l| l.to_lowercase());
    parsed
        .entries
        .iter()
        .map(|e| {
            let content_html = e.content_html.clone().unwrap_or_default();
            let text = outpost_feeds::sanitize::html_to_text(&content_html);
            NewArticle {
                guid: e.id.clone(),
                url: e.link.clone(),
                title: e.title.clone().unwrap_or_default(),
                summary: e.summary.clone().unwrap_or_default(),
                content_html,
                text,
                lang: lang.clone(),
                published: e.published.or(e.updated),
                authors: e.authors.clone(),
            }
        })
        .collect()
}

pub(crate) struct Fetched {
    pub(crate) final_url: url::Url,
    pub(crate) moved_to: Option<url::Url>,
    pub(crate) etag: Option<String>,
    pub(crate) last_modified: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) body: Vec<u8>,
    pub(crate) status: u16,
    pub(crate) latency_ms: u32,
    pub(crate) at: Timestamp,
    pub(crate) next: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum OutcomeKind {
    #[default]
    Fetched,
    NotModified,
    Failed(String),
}

#[derive(Debug, Default)]
pub(crate) struct SourceOutcome {
    pub(crate) kind: OutcomeKind,
    pub(crate) new_articles: u32,
    pub(crate) updated_articles: u32,
    /// Items older than the retention window, not stored.
    pub(crate) skipped_old: u32,
    pub(crate) alerts: Vec<Fresh>,
}

/// The next poll time: the interval with ±10% jitter, so sources added
/// together do not stay in lockstep.
fn jittered(interval_secs: u32) -> Duration {
    let base = StdDuration::from_secs(u64::from(interval_secs.max(60)));
    Duration::from_std(outpost_feeds::fetch::jittered_interval(
        base,
        rand::random::<f64>(),
    ))
    .unwrap_or(Duration::minutes(15))
}
