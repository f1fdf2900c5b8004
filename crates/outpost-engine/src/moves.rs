//! A feed that moves for good (HTTP 301/308), and what a source list shows.
//!
//! A move within the same host (http to https, a new path) updates the
//! source by itself. A move to another host is followed for each fetch but
//! does not re-point the source: any feed could otherwise make Outpost poll
//! an address of the analyst's network on schedule (SECURITY.md, section
//! 2). It waits, shown as "moved to HOST: accept?", until the analyst
//! accepts it ([`Engine::accept_move`], `outpost sources accept-move ID`).

use outpost_core::{Source, SourceId};
use outpost_feeds::address::redact_url;
use url::Url;

use crate::engine::Engine;
use crate::error::{EngineError, Result};

impl Engine {
    /// After a successful fetch: applies a permanent move of `source`'s
    /// feed to `moved` when it stays on the same host, else records it as
    /// waiting for the analyst. A fetch that was not moved clears a move
    /// still waiting: the feed no longer says it moved.
    /// Runs inside the writer's transaction, on its connection.
    pub(crate) fn record_move(
        store: &outpost_store::Store,
        source: &Source,
        moved: Option<&Url>,
    ) -> Result<()> {
        let Some(moved) = moved else {
            if store.source_pending_move(source.id)?.is_some() {
                store.set_source_pending_move(source.id, None)?;
            }
            return Ok(());
        };
        let same_host = Url::parse(&source.url)
            .ok()
            .is_some_and(|old| old.host_str() == moved.host_str());
        if same_host {
            tracing::info!(source = source.id, "feed moved permanently to {moved}");
            store.set_source_url(source.id, moved.as_str())?;
            store.set_source_pending_move(source.id, None)?;
        } else if store.source_pending_move(source.id)?.as_deref() != Some(moved.as_str()) {
            tracing::warn!(
                source = source.id,
                "feed says it moved to another host, {}; waiting for the analyst to accept",
                redact_url(moved.as_str())
            );
            store.set_source_pending_move(source.id, Some(moved.as_str()))?;
        }
        Ok(())
    }

    /// Makes a source's pending move its address: the analyst accepts that
    /// the feed now lives on another host.
    pub fn accept_move(&self, id: SourceId) -> Result<Source> {
        let source = {
            let store = self.store();
            let pending = store.source_pending_move(id)?.ok_or_else(|| {
                EngineError::invalid(format!(
                    "source {id} has no move waiting to be accepted; `outpost sources list` shows which have"
                ))
            })?;
            store.set_source_url(id, &pending)?;
            store.set_source_pending_move(id, None)?;
            store.get_source(id)?
        };
        self.wake();
        Ok(source)
    }
}

/// The moves to another host waiting for the analyst, by source. A read:
/// it never waits for the poll's writer.
pub fn pending_moves(engine: &Engine) -> Result<std::collections::HashMap<SourceId, String>> {
    Ok(engine.reader().pending_moves()?.into_iter().collect())
}

/// The sources as lists show them: credentials in addresses redacted as
/// `***` (the archive keeps them for fetching), and a pending move at the
/// front of the last error, as "moved to HOST: accept?".
pub fn listed_sources(engine: &Engine) -> Result<Vec<Source>> {
    let store = engine.reader();
    let moves: std::collections::HashMap<SourceId, String> =
        store.pending_moves()?.into_iter().collect();
    let mut sources = store.list_sources()?;
    drop(store);
    for s in &mut sources {
        s.url = redact_url(&s.url).into_owned();
        if let Some(to) = moves.get(&s.id) {
            let host = Url::parse(to)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_else(|| to.clone());
            let note = format!(
                "moved to {host}: accept? (the feed redirects for good to {}; `outpost sources accept-move {}` makes that its address)",
                redact_url(to),
                s.id
            );
            s.health.last_error = Some(match s.health.last_error.take() {
                Some(e) => format!("{note}; {e}"),
                None => note,
            });
        }
    }
    Ok(sources)
}
