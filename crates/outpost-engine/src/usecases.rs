//! The archive operations the shells need, as engine use cases: the CLI
//! and the Tauri commands reach the archive only through these (and the
//! rest of the engine's API), never through the store itself.

use std::path::Path;

use outpost_core::{
    AlertFilter, AlertId, AlertRow, ArticleId, SearchHit, SearchQuery, Snapshot, Source, SourceId,
    Stats, Watchlist, WatchlistId,
};

use crate::Engine;
use crate::error::Result;

// Reads go through the readers' pool, so the shells never wait for a poll;
// writes through the writer.
impl Engine {
    /// Counts of what the archive holds.
    pub fn stats(&self) -> Result<Stats> {
        Ok(self.reader().stats()?)
    }

    // ----- alerts -----------------------------------------------------------

    pub fn alerts(&self, filter: &AlertFilter) -> Result<Vec<AlertRow>> {
        Ok(self.reader().list_alerts(filter)?)
    }

    pub fn alert(&self, id: AlertId) -> Result<AlertRow> {
        Ok(self.reader().get_alert(id)?)
    }

    pub fn set_alert_note(&self, id: AlertId, note: &str) -> Result<()> {
        Ok(self.store().set_alert_note(id, note)?)
    }

    pub fn add_alert_tag(&self, id: AlertId, tag: &str) -> Result<()> {
        Ok(self.store().add_alert_tag(id, tag)?)
    }

    pub fn remove_alert_tag(&self, id: AlertId, tag: &str) -> Result<()> {
        Ok(self.store().remove_alert_tag(id, tag)?)
    }

    /// Articles newest first, of one source or all, from `since` on.
    pub fn articles(
        &self,
        source: Option<SourceId>,
        since: Option<outpost_core::Timestamp>,
        limit: u32,
    ) -> Result<Vec<outpost_core::Article>> {
        Ok(self.reader().list_articles(source, since, limit)?)
    }

    /// One article with the sources it came from.
    pub fn article(&self, id: ArticleId) -> Result<outpost_core::Article> {
        Ok(self.reader().get_article(id)?)
    }

    /// The saved copy of an article's page, if one was captured.
    pub fn snapshot(&self, article_id: ArticleId) -> Result<Option<Snapshot>> {
        Ok(self.reader().get_snapshot(article_id)?)
    }

    // ----- sources and watchlists -------------------------------------------

    /// The sources, removed ones excepted.
    pub fn sources(&self) -> Result<Vec<Source>> {
        Ok(self.reader().list_sources()?)
    }

    pub fn source(&self, id: SourceId) -> Result<Source> {
        Ok(self.reader().get_source(id)?)
    }

    /// Removes a source and the articles only it brought that nobody kept;
    /// returns how many articles went.
    pub fn remove_source(&self, id: SourceId) -> Result<u64> {
        Ok(self.store().remove_source(id, self.now())?)
    }

    /// Enables or disables polling a source; `reason` is shown to the
    /// analyst. The scheduler wakes to see the change (an enabled source is
    /// polled soon).
    pub fn set_source_enabled(
        &self,
        id: SourceId,
        enabled: bool,
        reason: Option<&str>,
    ) -> Result<()> {
        self.store().set_source_enabled(id, enabled, reason)?;
        self.wake();
        Ok(())
    }

    pub fn watchlist(&self, id: WatchlistId) -> Result<Watchlist> {
        Ok(self.reader().get_watchlist(id)?)
    }

    // ----- search and backup ------------------------------------------------

    /// Full-text search of the archive.
    pub fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>> {
        Ok(self.reader().search(query)?)
    }

    /// Writes a consistent copy of the archive to `dest` (also while a poll
    /// writes); an existing `dest` is replaced only with `overwrite`, and
    /// only once the new copy is complete.
    pub fn backup(&self, dest: &Path, overwrite: bool) -> Result<()> {
        let store = self.store();
        if overwrite {
            store.backup_to_overwriting(dest)?;
        } else {
            store.backup_to(dest)?;
        }
        Ok(())
    }
}
