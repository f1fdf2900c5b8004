//! Watchlists: the compiled matcher the alerting stage reads, its
//! rebuilding after every change, and back-fill over the archive.

use std::collections::HashMap;
use std::sync::Arc;

use outpost_core::matcher::{Document, Matcher};
use outpost_core::query::Query;
use outpost_core::{NewWatchlist, SourceId, Watchlist, WatchlistId};
use outpost_store::{IngestStatus, NewAlert};

use crate::engine::Engine;
use crate::error::{EngineError, Result};

/// The compiled form of the enabled watchlists.
pub(crate) struct Compiled {
    pub(crate) matcher: Matcher,
    pub(crate) meta: HashMap<WatchlistId, Watchlist>,
    /// Why a stored watchlist is not matched: its query fails to parse
    /// (written before a limit existed, or edited by hand).
    pub(crate) problems: HashMap<WatchlistId, String>,
}

impl Engine {
    // ----- watchlists -----------------------------------------------------

    /// Rebuilds the matcher from the enabled watchlists. Called after every
    /// watchlist change; cheap next to a poll. A stored query that no longer
    /// parses is skipped with a problem shown on its watchlist, never fatal:
    /// opening the archive and polling go on (Hardening 2, item 1).
    pub fn recompile(&self) -> Result<()> {
        let watchlists = self.store().list_watchlists()?;
        let mut queries = Vec::new();
        let mut meta = HashMap::new();
        let mut problems = HashMap::new();
        for w in watchlists {
            match Query::parse(&w.query) {
                Ok(q) if w.enabled => {
                    // Spelling variants are on by default; expansion happens
                    // here, once per change, so matching stays one index.
                    queries.push((w.id, q.with_variants(&w.dropped_variants)));
                    meta.insert(w.id, w);
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(watchlist = w.id, "skipping watchlist '{}': {e}", w.name);
                    problems.insert(
                        w.id,
                        format!("not matched: its query has an {e}; edit the query to fix it"),
                    );
                }
            }
        }
        let compiled = Compiled {
            matcher: Matcher::new(queries),
            meta,
            problems,
        };
        *self.compiled.write().expect("matcher lock") = Arc::new(compiled);
        Ok(())
    }

    /// Why a watchlist is not being matched, when it is not.
    pub fn watchlist_problem(&self, id: WatchlistId) -> Option<String> {
        let compiled = self.compiled.read().expect("matcher lock");
        compiled.problems.get(&id).cloned()
    }

    /// Adds a watchlist. Its corroboration gate and dropped variants are
    /// set by a following [`Engine::update_watchlist`].
    pub fn add_watchlist(&self, w: &NewWatchlist) -> Result<Watchlist> {
        self.check_watchlist_fields(Some(&w.name), &w.scope_sources, &[])?;
        Query::parse(&w.query)?;
        let id = self.store().add_watchlist(w, self.now())?;
        self.recompile()?;
        Ok(self.store().get_watchlist(id)?)
    }

    pub fn update_watchlist(
        &self,
        id: WatchlistId,
        patch: &outpost_core::WatchlistPatch,
    ) -> Result<Watchlist> {
        if let Some(sources) = &patch.scope_sources {
            // Sources already in the scope may have been removed since;
            // only newly added ones must exist.
            let current = self.store().get_watchlist(id)?.scope_sources;
            self.check_watchlist_fields(patch.name.as_ref(), sources, &current)?;
        } else {
            self.check_watchlist_fields(patch.name.as_ref(), &[], &[])?;
        }
        if let Some(q) = &patch.query {
            Query::parse(q)?;
        }
        if patch.min_sources == Some(0) {
            return Err(EngineError::invalid(
                "--min-sources must be at least 1 (1 notifies at once, 2 waits for a second outlet)",
            ));
        }
        let w = self.store().update_watchlist(id, patch, self.now())?;
        self.recompile()?;
        Ok(w)
    }

    /// A watchlist needs a name, and may only be scoped to sources that
    /// exist (Hardening 2: both were accepted silently). `known` sources
    /// are already in its scope and are not checked again.
    fn check_watchlist_fields(
        &self,
        name: Option<&String>,
        sources: &[SourceId],
        known: &[SourceId],
    ) -> Result<()> {
        if name.is_some_and(|n| n.trim().is_empty()) {
            return Err(EngineError::invalid(
                "a watchlist needs a name; give one that is not blank",
            ));
        }
        for &id in sources.iter().filter(|id| !known.contains(id)) {
            match self.store().get_source(id) {
                Ok(_) => {}
                Err(outpost_store::StoreError::NotFound { .. }) => {
                    return Err(EngineError::invalid(format!(
                        "there is no source with id {id}; see the ids in `outpost sources list`"
                    )));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// What removing the watchlist would delete and keep, changing nothing.
    pub fn watchlist_removal(&self, id: WatchlistId) -> Result<outpost_store::WatchlistRemoval> {
        Ok(self.store().watchlist_removal(id)?)
    }

    /// Removes the watchlist and its alerts, except the saved, noted or
    /// tagged ones, which stay under its name (see
    /// [`outpost_store::Store::remove_watchlist`]). Returns how many went and
    /// stayed.
    pub fn remove_watchlist(&self, id: WatchlistId) -> Result<outpost_store::WatchlistRemoval> {
        let removal = self.store().remove_watchlist(id, self.now())?;
        self.recompile()?;
        Ok(removal)
    }

    /// Creates alerts for past archive matches of one watchlist, without
    /// notifying: they are history, not news. Returns how many were added.
    pub fn backfill(&self, id: WatchlistId) -> Result<u32> {
        self.backfill_with_progress(id, |_, _| {})
    }

    /// [`Engine::backfill`] reporting `(articles scanned, total)` as it goes.
    pub fn backfill_with_progress(
        &self,
        id: WatchlistId,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<u32> {
        let (w, query, total) = {
            let store = self.store();
            let w = store.get_watchlist(id)?;
            let query = Query::parse(&w.query)?.with_variants(&w.dropped_variants);
            (w.clone(), query, store.count_articles()?)
        };
        let now = self.now();
        let mut after = 0;
        let mut scanned = 0u64;
        let mut added = 0;
        let mut stories = None;
        let mut latest: Option<outpost_core::Timestamp> = None;
        loop {
            let page = self.store().articles_after(after, 1000)?;
            let Some(last) = page.last() else { break };
            after = last.id;
            scanned += page.len() as u64;
            let mut matched = Vec::new();
            let store = self.store();
            for a in &page {
                let body = if a.text.trim().is_empty() {
                    &a.summary
                } else {
                    &a.text
                };
                // The sources alone: the page already holds the article.
                let sources = store.article_sources(a.id)?;
                let source = sources.first().map(|s| s.name.as_str());
                let ids: Vec<SourceId> = sources.iter().map(|s| s.source_id).collect();
                if !w.in_scope(&ids, a.lang.as_deref()) {
                    continue;
                }
                let doc = Document {
                    title: &a.title,
                    body,
                    lang: a.lang.as_deref(),
                    source,
                };
                if let Some(spans) = query.matches(&doc) {
                    matched.push((a, body, spans));
                }
            }
            // Back-filled alerts join stories exactly as polled ones do, so
            // the list groups them with their other outlets. Each article is
            // placed at its own time, among the stories of its own window.
            // One transaction per page: a commit per alert would cost a
            // disk sync each.
            added += store.write_batch(|store| -> Result<u32> {
                let mut added = 0;
                for (a, body, spans) in matched {
                    let story_id = match a.story_id {
                        Some(s) => s,
                        None => {
                            let seen = a.published.unwrap_or(a.fetched_at).min(now);
                            latest = latest.max(Some(seen));
                            crate::alerting::assign_story(
                                store,
                                &outpost_store::Ingested {
                                    article_id: a.id,
                                    status: IngestStatus::Unchanged,
                                    new_source: false,
                                },
                                &a.title,
                                outpost_core::story::signature(&a.title, body),
                                seen,
                                seen,
                                &mut stories,
                            )?
                        }
                    };
                    let alert = NewAlert {
                        watchlist_id: id,
                        article_id: a.id,
                        spans,
                        story_id: Some(story_id),
                        created_at: now,
                    };
                    if store.insert_alert(&alert)?.is_some() {
                        added += 1;
                    }
                }
                Ok(added)
            })?;
            drop(store);
            // The archive is walked roughly in time order: stories two
            // windows behind the latest article placed can take no more, and
            // keeping them would make the index grow with the archive.
            if let (Some(index), Some(latest)) = (stories.as_mut(), latest) {
                index.forget_before(latest - outpost_core::story::default_window() * 2);
            }
            progress(scanned, total);
        }
        Ok(added)
    }
}
