//! Retention: the archive keeps articles for the window the settings name
//! (retention days), unless a person kept them. The shells run
//! [`Engine::run_retention`] beside the scheduler: once on start, then every
//! hour; `outpost prune` runs [`Engine::prune`] on demand.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use outpost_core::Timestamp;
use outpost_store::{PRUNE_CHUNK, Pruned};
use serde::Serialize;

use crate::Engine;
use crate::error::Result;

/// How often the retention task prunes after its first run.
pub const RETENTION_INTERVAL: StdDuration = StdDuration::from_secs(3_600);

/// What one prune removed, or with `dry_run` would remove.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PruneReport {
    pub dry_run: bool,
    pub retention_days: u32,
    /// Articles dated before this instant are expired.
    pub cutoff: Timestamp,
    /// Expired articles that nothing kept (saved, alerted, noted, tagged or
    /// snapshotted); their full-text rows and source links go with them.
    pub articles: u64,
    /// Full-text rows whose article no longer exists.
    pub index_rows: u64,
    pub stories: u64,
    /// Removed sources that no remaining article names.
    pub sources: u64,
    pub fetch_log: u64,
}

impl Engine {
    /// Prunes the archive at the engine's time with the retention window
    /// from the settings. With `dry_run` nothing is deleted and the report
    /// says what a real run would remove.
    pub fn prune(&self, dry_run: bool) -> Result<PruneReport> {
        let retention_days = self.settings()?.retention_days;
        let now = self.now();
        let p = if dry_run {
            self.store().prune(now, retention_days, true)?
        } else {
            // Chunk by chunk, releasing the store in between, so a first
            // prune of a large archive never stalls a poll or the UI.
            let mut articles = 0;
            loop {
                let n = self.store().prune_chunk(now, retention_days)?;
                articles += n;
                if n < PRUNE_CHUNK {
                    break;
                }
            }
            Pruned {
                articles,
                ..self.store().prune_orphans(now, retention_days)?
            }
        };
        Ok(PruneReport {
            dry_run,
            retention_days,
            cutoff: now - Duration::days(i64::from(retention_days)),
            articles: p.articles,
            index_rows: p.index_rows,
            stories: p.stories,
            sources: p.sources,
            fetch_log: p.fetch_log,
        })
    }

    /// Prunes now and then every [`RETENTION_INTERVAL`] until `shutdown`
    /// resolves. A failed prune is logged and retried at the next tick: the
    /// archive only grows a little meanwhile.
    pub async fn run_retention(self: Arc<Self>, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let engine = Arc::clone(&self);
            // Pruning is blocking SQLite work; keep it off the async workers.
            match tokio::task::spawn_blocking(move || engine.prune(false)).await {
                Ok(Ok(r)) if r.articles + r.index_rows + r.stories + r.sources > 0 => {
                    tracing::info!(
                        "retention ({} days) pruned {} articles, {} index rows, {} stories, {} sources",
                        r.retention_days,
                        r.articles,
                        r.index_rows,
                        r.stories,
                        r.sources
                    )
                }
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::error!("retention failed: {e}"),
                Err(e) => tracing::error!("retention task failed: {e}"),
            }
            tokio::select! {
                _ = &mut shutdown => break,
                _ = tokio::time::sleep(RETENTION_INTERVAL) => {}
            }
        }
    }
}
