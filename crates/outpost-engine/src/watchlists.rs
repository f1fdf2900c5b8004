//! Watchlists: the compiled matcher the alerting stage reads, its
//! rebuilding after every change, and back-fill over the archive.

use std::collections::HashMap;
use std::sync::Arc;

use outpost_core::matcher::{Document, Matcher};
use outpost_core::query::Query;
use outpost_core::{NewWatchlist, Source, Watchlist, WatchlistId};
use outpost_store::NewAlert;

use crate::engine::Engine;
use crate::error::Result;

/// The compiled form of the enabled watchlists.
pub(crate) struct Compiled {
    pub(crate) matcher: Matcher,
    pub(crate) meta: HashMap<WatchlistId, Watchlist>,
}

impl Engine {
    // ----- watchlists -----------------------------------------------------

    /// Rebuilds the matcher from the enabled watchlists. Called after every
    /// watchlist change; cheap next to a poll.
    pub fn recompile(&self) -> Result<()> {
        let watchlists = self.store().list_watchlists()?;
        let mut queries = Vec::new();
        let mut meta = HashMap::new();
        for w in watchlists.into_iter().filter(|w| w.enabled) {
            match Query::parse(&w.query) {
                Ok(q) => {
                    queries.push((w.id, q));
                    meta.insert(w.id, w);
                }
                Err(e) => tracing::warn!(watchlist = w.id, "skipping watchlist '{}': {e}", w.name),
            }
        }
        let compiled = Compiled {
            matcher: Matcher::new(queries),
            meta,
        };
        *self.compiled.write().expect("matcher lock") = Arc::new(compiled);
        Ok(())
    }

    pub fn add_watchlist(&self, w: &NewWatchlist) -> Result<Watchlist> {
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
        if let Some(q) = &patch.query {
            Query::parse(q)?;
        }
        let w = self.store().update_watchlist(id, patch, self.now())?;
        self.recompile()?;
        Ok(w)
    }

    pub fn remove_watchlist(&self, id: WatchlistId) -> Result<()> {
        self.store().remove_watchlist(id, self.now())?;
        self.recompile()
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
            (w.clone(), Query::parse(&w.query)?, store.count_articles()?)
        };
        let now = self.now();
        let mut after = 0;
        let mut scanned = 0u64;
        let mut added = 0;
        loop {
            let page = self.store().articles_after(after, 1000)?;
            let Some(last) = page.last() else { break };
            after = last.id;
            scanned += page.len() as u64;
            let store = self.store();
            for a in &page {
                let body = if a.text.trim().is_empty() {
                    &a.summary
                } else {
                    &a.text
                };
                let sources = store.get_article(a.id)?.sources;
                let source = sources.first().map(|s| s.name.as_str());
                let in_scope = (w.scope_sources.is_empty()
                    || sources
                        .iter()
                        .any(|s| w.scope_sources.contains(&s.source_id)))
                    && lang_in_scope(&w, a.lang.as_deref());
                if !in_scope {
                    continue;
                }
                let doc = Document {
                    title: &a.title,
                    body,
                    lang: a.lang.as_deref(),
                    source,
                };
                if let Some(spans) = query.matches(&doc) {
                    let alert = NewAlert {
                        watchlist_id: id,
                        article_id: a.id,
                        spans,
                        story_id: a.story_id,
                        created_at: now,
                    };
                    if store.insert_alert(&alert)?.is_some() {
                        added += 1;
                    }
                }
            }
            drop(store);
            progress(scanned, total);
        }
        Ok(added)
    }
}

pub(crate) fn in_scope(w: &Watchlist, source: &Source, lang: Option<&str>) -> bool {
    (w.scope_sources.is_empty() || w.scope_sources.contains(&source.id)) && lang_in_scope(w, lang)
}

/// `fa` in a watchlist's scope also takes `fa-AF` articles.
fn lang_in_scope(w: &Watchlist, lang: Option<&str>) -> bool {
    w.scope_langs.is_empty()
        || lang.is_some_and(|l| {
            let l = l.to_ascii_lowercase();
            w.scope_langs.iter().any(|s| {
                let s = s.to_ascii_lowercase();
                l == s
                    || l.strip_prefix(s.as_str())
                        .is_some_and(|rest| rest.starts_with('-'))
            })
        })
}
