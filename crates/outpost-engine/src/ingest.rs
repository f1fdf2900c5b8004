//! Ingest: the stage that writes. It stores one source's articles, has the
//! alerting stage raise their alerts, and records the fetch last.

use outpost_core::Source;
use outpost_store::{FetchRecord, IngestStatus, NewArticle};

use crate::engine::Engine;
use crate::error::Result;
use crate::refresh::{Fetched, OutcomeKind, SourceOutcome};

impl Engine {
    /// Stores the articles one fetch of `source` delivered, raises their
    /// alerts, then records the fetch. `warnings` is the parser's note, kept
    /// on the source.
    pub(crate) fn ingest(
        &self,
        source: &Source,
        articles: Vec<NewArticle>,
        warnings: Option<String>,
        f: &Fetched,
    ) -> Result<SourceOutcome> {
        let ingested = self.store().ingest(source.id, &articles, f.at)?;
        let new_articles = ingested
            .iter()
            .filter(|i| i.status == IngestStatus::New)
            .count() as u32;
        let alerts = self.raise_alerts(source, &articles, &ingested, f.at)?;
        // The validators and the next poll time are stored last: until the
        // alerts exist, a crash leaves the source due and its feed is fetched
        // in full again.
        let record = FetchRecord {
            at: f.at,
            ok: true,
            error: warnings,
            latency_ms: Some(f.latency_ms),
            items: articles.len() as u32,
            new_items: new_articles,
            etag: f.etag.clone(),
            last_modified: f.last_modified.clone(),
            next_fetch_at: Some(f.next),
            status: Some(f.status),
        };
        self.store().record_fetch(source.id, &record)?;
        Ok(SourceOutcome {
            kind: OutcomeKind::Fetched,
            new_articles,
            updated_articles: ingested
                .iter()
                .filter(|i| i.status == IngestStatus::Updated)
                .count() as u32,
            alerts,
            ..SourceOutcome::default()
        })
    }
}
