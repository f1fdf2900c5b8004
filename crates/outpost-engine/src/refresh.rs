//! Refresh: one source, fetched, then parsed into entries, normalised and
//! matched on the worker pool. This is the seam new source kinds plug into:
//! what comes out is a [`WriteJob`] for the ingest stage, and nothing here
//! writes to the archive.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use outpost_core::{Source, SourceKind, Timestamp};
use outpost_feeds::fetch::{FetchOutcome, FetchRequest};
use outpost_store::{FetchRecord, NewArticle};
use tokio::sync::Semaphore;

use crate::alerting::Fresh;
use crate::engine::Engine;
use crate::ingest::{Parsed, Work, WriteJob};

mod gdelt;
mod telegram;

impl Engine {
    /// One source: fetch it, then parse, normalise and match what it
    /// delivered on the worker pool (at most `cpu` sources at once). Errors
    /// of the source (network, HTTP, a feed nothing could be read from)
    /// become a failure record in the job.
    ///
    /// Items published (else first seen) before `retain_after`, the start
    /// of the retention window, are not stored: pruning would delete them,
    /// and the next poll would bring them back.
    ///
    /// Each kind turns what its source answered into the same entries a
    /// feed gives; everything after (dedup, matching, stories,
    /// notifications) is the same for all kinds.
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
        let delivery = match source.kind {
            // A page is fetched as a feed is (conditional GET, redirects);
            // `parse_fetched` reads it with its selectors.
            SourceKind::Feed | SourceKind::Page => {
                let request = FetchRequest {
                    url: url.clone(),
                    etag: source.health.etag.clone(),
                    last_modified: source.health.last_modified.clone(),
                };
                Delivery::Response(Box::new(self.fetcher().fetch(&request).await))
            }
            SourceKind::Telegram => self.read_telegram(&source, &url, cpu).await,
            SourceKind::Gdelt => self.read_gdelt(&source, &url).await,
        };
        let now = self.now();
        let next = crate::scheduler::provisional_next(&source, now);
        let outcome = match delivery {
            Delivery::Response(outcome) => *outcome,
            Delivery::Failed {
                msg,
                status,
                retry_after,
            } => return self.failure(source, msg, status, retry_after),
            Delivery::Entries(entries) => {
                let _permit = cpu.acquire().await.expect("semaphore never closes");
                let engine = Arc::clone(self);
                return tokio::task::spawn_blocking(move || {
                    let meta = FetchMeta {
                        at: now,
                        next,
                        latency_ms: entries.latency_ms,
                        status: entries.status,
                        etag: None,
                        last_modified: None,
                        moved_to: None,
                    };
                    engine.finish(
                        source,
                        entries.articles,
                        entries.warnings,
                        meta,
                        retain_after,
                    )
                })
                .await
                .expect("matching entries does not panic");
            }
        };
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

    /// A failed poll: the record, with the server's Retry-After; the
    /// writer plans the next try (backed off).
    pub(crate) fn failure(
        &self,
        source: Source,
        msg: String,
        status: Option<u16>,
        retry_after: Option<StdDuration>,
    ) -> WriteJob {
        let now = self.now();
        let record = FetchRecord {
            at: now,
            ok: false,
            error: Some(msg.clone()),
            next_fetch_at: Some(crate::scheduler::provisional_next(&source, now)),
            status,
            retry_after,
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
        let read = if source.kind == SourceKind::Page {
            read_page(&source, &f)
        } else {
            outpost_feeds::parse(&f.body, f.content_type.as_deref(), Some(&f.final_url))
                .map(|p| {
                    let articles = entries_to_articles(&source, &p.entries, p.language.as_deref());
                    (articles, p.warnings)
                })
                .map_err(|e| format!("the response is not a feed Outpost can read: {e}"))
        };
        let (articles, warnings) = match read {
            Ok(r) => r,
            Err(msg) => {
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
        let meta = FetchMeta {
            at: f.at,
            next: f.next,
            latency_ms: f.latency_ms,
            status: f.status,
            etag: f.etag,
            last_modified: f.last_modified,
            moved_to: f.moved_to,
        };
        self.finish(source, articles, warnings, meta, retain_after)
    }

    /// The entries of one poll, of any kind, filtered to the retention
    /// window, normalised and matched into the job for the writer.
    pub(crate) fn finish(
        &self,
        source: Source,
        mut articles: Vec<NewArticle>,
        warnings: Vec<String>,
        f: FetchMeta,
        retain_after: Timestamp,
    ) -> WriteJob {
        let before = articles.len();
        // Without a date the item is first seen now, inside the window.
        articles.retain(|a| a.published.is_none_or(|p| p >= retain_after));
        let skipped_old = (before - articles.len()) as u32;
        let warnings = (!warnings.is_empty()).then(|| {
            format!(
                "parsed with {} warning(s): {}",
                warnings.len(),
                warnings.join("; ")
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
            retry_after: None,
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

/// A page without a feed, read with the source's selectors into the
/// entries a feed gives. Selectors that no longer match anything are a
/// warning of the page reader, not a failure: the page may just be empty.
fn read_page(source: &Source, f: &Fetched) -> Result<(Vec<NewArticle>, Vec<String>), String> {
    let Some(sel) = source.settings.page.as_ref() else {
        return Err(
            "this page source has no selectors; remove it and add it again with the page builder"
                .to_string(),
        );
    };
    let read =
        outpost_feeds::page::read_with_type(&f.body, f.content_type.as_deref(), &f.final_url, sel)
            .map_err(|e| e.to_string())?;
    Ok((
        entries_to_articles(source, &read.entries, None),
        read.warnings,
    ))
}

/// The entries of a parsed feed or page as articles to store: content
/// sanitised to text, the source's language (else the feed's) on each.
pub(crate) fn entries_to_articles(
    source: &Source,
    entries: &[outpost_feeds::Entry],
    language: Option<&str>,
) -> Vec<NewArticle> {
    let lang = source
        .lang
        .clone()
        .or_else(|| language.map(str::to_string))
        .map(|l| l.to_lowercase());
    entries
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
                extra: Default::default(),
            }
        })
        .collect()
}

/// What a source's reader made of its answer, before the common tail.
pub(crate) enum Delivery {
    /// A feed's response, parsed on the worker pool.
    Response(Box<FetchOutcome>),
    /// Entries a reader of another kind already read.
    Entries(KindEntries),
    Failed {
        msg: String,
        status: Option<u16>,
        retry_after: Option<StdDuration>,
    },
}

pub(crate) struct KindEntries {
    pub(crate) articles: Vec<NewArticle>,
    pub(crate) warnings: Vec<String>,
    pub(crate) status: u16,
    pub(crate) latency_ms: u32,
}

/// The fetch facts that go into the source's record.
pub(crate) struct FetchMeta {
    pub(crate) at: Timestamp,
    pub(crate) next: Timestamp,
    pub(crate) latency_ms: u32,
    pub(crate) status: u16,
    pub(crate) etag: Option<String>,
    pub(crate) last_modified: Option<String>,
    pub(crate) moved_to: Option<url::Url>,
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
