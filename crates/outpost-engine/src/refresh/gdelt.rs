//! The GDELT reader at the refresh seam: one DOC 2.0 `ArtList` request per
//! poll, covering the time since the last successful one, behind a gate
//! that spaces GDELT requests of all sources together.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use outpost_core::Source;
use outpost_feeds::fetch::{FetchError, FetchOutcome, FetchRequest};
use outpost_feeds::gdelt;
use outpost_store::{ArticleExtra, NewArticle};
use url::Url;

use super::{Delivery, KindEntries};
use crate::engine::Engine;

/// The time a first poll covers.
const FIRST_POLL_MINUTES: i64 = 24 * 60;
/// The longest time one request covers, after a long pause.
const MAX_MINUTES: i64 = 7 * 24 * 60;

impl Engine {
    pub(super) async fn read_gdelt(self: &Arc<Self>, source: &Source, endpoint: &Url) -> Delivery {
        let fail =
            |msg: String, status: Option<u16>, retry_after: Option<StdDuration>| Delivery::Failed {
                msg,
                status,
                retry_after,
            };
        let Some(query) = source
            .settings
            .gdelt_query
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
        else {
            return fail(
                "this GDELT source has no query; remove it and add it again with one".into(),
                None,
                None,
            );
        };
        if let Err(left) = self.gates.wait("gdelt", self.gates.spacing().gdelt).await {
            return fail(
                format!(
                    "GDELT asked Outpost to slow down; it tries again in about {} minute(s)",
                    left.as_secs().div_ceil(60).max(1)
                ),
                Some(429),
                Some(left),
            );
        }
        // A little overlap with the last poll: GDELT's index lags a few
        // minutes, and the archive folds what is seen twice.
        let minutes = source
            .health
            .last_success_at
            .map(|t| (self.now() - t).num_minutes() + 5)
            .unwrap_or(FIRST_POLL_MINUTES)
            .clamp(gdelt::MIN_TIMESPAN_MINUTES, MAX_MINUTES);
        let request = FetchRequest::new(gdelt::request_url(endpoint, query, minutes));
        match self.fetcher().fetch(&request).await {
            FetchOutcome::Fetched {
                body,
                content_type,
                status,
                elapsed,
                ..
            } => match gdelt::read_artlist(&body, content_type.as_deref()) {
                Ok(list) => Delivery::Entries(KindEntries {
                    articles: list.into_iter().map(|a| article(source, a)).collect(),
                    warnings: Vec::new(),
                    status,
                    latency_ms: elapsed.as_millis().min(u128::from(u32::MAX)) as u32,
                }),
                Err(e) => {
                    if let gdelt::GdeltError::Service(words) = &e
                        && words.to_ascii_lowercase().contains("limit requests")
                    {
                        self.gates.defer("gdelt", StdDuration::from_secs(60));
                    }
                    fail(e.to_string(), Some(status), None)
                }
            },
            FetchOutcome::Failed {
                error, retry_after, ..
            } => match error {
                FetchError::Status {
                    status: 429,
                    reason,
                } => {
                    let wait = retry_after
                        .unwrap_or(StdDuration::from_secs(60))
                        .clamp(StdDuration::from_secs(30), StdDuration::from_secs(3600));
                    self.gates.defer("gdelt", wait);
                    fail(
                        format!(
                            "GDELT answered 429 {reason}: it asks for at most one request every 5 seconds; Outpost tries again later"
                        ),
                        Some(429),
                        Some(wait),
                    )
                }
                other => {
                    let status = match &other {
                        FetchError::Status { status, .. } => Some(*status),
                        _ => None,
                    };
                    fail(format!("GDELT: {other}"), status, retry_after)
                }
            },
            FetchOutcome::Gone { reason, .. } => {
                fail(format!("GDELT answered 410: {reason}"), Some(410), None)
            }
            FetchOutcome::NotModified { .. } => Delivery::Entries(KindEntries {
                articles: Vec::new(),
                warnings: Vec::new(),
                status: 304,
                latency_ms: 0,
            }),
        }
    }
}

fn article(source: &Source, a: gdelt::GdeltArticle) -> NewArticle {
    let e = a.entry;
    NewArticle {
        guid: e.id,
        url: e.link,
        title: e.title.unwrap_or_default(),
        summary: String::new(),
        content_html: String::new(),
        text: String::new(),
        // GDELT names each article's language; the source's is a fallback.
        lang: a
            .lang
            .or_else(|| source.lang.clone())
            .map(|l| l.to_lowercase()),
        published: e.published,
        authors: e.authors,
        extra: ArticleExtra {
            outlet: a.domain.map(|d| format!("{d} via GDELT")),
            ..ArticleExtra::default()
        },
    }
}
