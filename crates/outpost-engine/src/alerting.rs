//! Alerting: match stored articles against the compiled watchlists, put
//! alerted articles into stories, and run the notification policy.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use outpost_core::Source;
use outpost_core::matcher::{Document, MatchHit};
use outpost_core::policy::Candidate;
use outpost_core::story::{self, StoryCandidate, StoryIndex, StorySignature};
use outpost_core::{AlertId, Timestamp, Watchlist, WatchlistId};
use outpost_store::{IngestStatus, Ingested, NewAlert, NewArticle, NewStory, Store};

use crate::engine::{Engine, EngineEvent, blocking};
use crate::error::Result;

impl Engine {
    /// Matches a source's articles against the compiled watchlists, keeping
    /// the hits in scope for the source: CPU work, on the worker pool,
    /// outside any store lock. `hits[i]` belongs to `articles[i]`.
    pub(crate) fn match_articles(
        &self,
        source: &Source,
        articles: &[NewArticle],
    ) -> Vec<Vec<MatchHit>> {
        let compiled = Arc::clone(&self.compiled.read().expect("matcher lock"));
        articles
            .iter()
            .map(|article| {
                let doc = Document {
                    title: &article.title,
                    body: body_of(article),
                    lang: article.lang.as_deref(),
                    source: Some(&source.name),
                };
                compiled
                    .matcher
                    .match_document(&doc)
                    .into_iter()
                    .filter(|h| {
                        compiled
                            .meta
                            .get(&h.watchlist)
                            .is_some_and(|w| w.in_scope(&[source.id], article.lang.as_deref()))
                    })
                    .collect()
            })
            .collect()
    }

    /// Raises the missing alerts of one source's stored articles, inside
    /// the writer's transaction, and puts alerted articles into stories.
    ///
    /// Every item the feed delivered is matched, not only new ones: an alert
    /// is unique per (watchlist, article), so re-matching adds only alerts
    /// that are missing — after an edit, or after a crash between storing
    /// the articles and raising their alerts.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn raise_alerts(
        &self,
        store: &Store,
        source: &Source,
        articles: &[NewArticle],
        ingested: &[Ingested],
        (hits, signatures): (&[Vec<MatchHit>], &[Option<StorySignature>]),
        at: Timestamp,
        stories: &mut Option<StoryIndex>,
    ) -> Result<Vec<Fresh>> {
        let compiled = Arc::clone(&self.compiled.read().expect("matcher lock"));
        let mut alerts = Vec::new();
        for (((article, ing), hits), sig) in articles.iter().zip(ingested).zip(hits).zip(signatures)
        {
            // A watchlist removed since the match has nothing to alert.
            let hits: Vec<_> = hits
                .iter()
                .filter_map(|h| compiled.meta.get(&h.watchlist).map(|w| (w, h)))
                .collect();
            if hits.is_empty() {
                continue;
            }
            let story_id = assign_story(
                store,
                ing,
                &article.title,
                sig.clone()
                    .unwrap_or_else(|| story::signature(&article.title, body_of(article))),
                article.published.unwrap_or(at),
                at,
                stories,
            )?;
            for (w, hit) in hits {
                let new = NewAlert {
                    watchlist_id: w.id,
                    article_id: ing.article_id,
                    spans: hit.spans.clone(),
                    story_id: Some(story_id),
                    created_at: at,
                };
                if let Some(alert_id) = store.insert_alert(&new)? {
                    alerts.push(Fresh {
                        alert_id,
                        watchlist: w.clone(),
                        title: article.title.clone(),
                        source_name: source.name.clone(),
                        story_id,
                    });
                }
            }
        }
        Ok(alerts)
    }

    /// Runs the notification policy over a cycle's new alerts, and over the
    /// alerts of earlier cycles whose notification could not be delivered
    /// (pending for at most [`PENDING_FOR`]; shown as "Late: …"), and sends
    /// what it decides. Only a delivered notification counts and marks its
    /// stories as notified; an undelivered one stays pending.
    pub(crate) async fn notify(self: &Arc<Self>, fresh: Vec<Fresh>) -> Result<NotifyOutcome> {
        // Without a sink (`--no-notify`) the alerts stay unnotified, so a
        // later poll with notifications on still announces their stories.
        if !self.sink.enabled() {
            return Ok(NotifyOutcome::default());
        }
        let engine = Arc::clone(self);
        blocking(move || {
            let now = engine.now();
            let compiled = Arc::clone(&engine.compiled.read().expect("matcher lock"));
            let mut late = HashSet::new();
            let mut dropped = Vec::new();
            let candidates: Vec<Candidate> = {
                let store = engine.store();
                let pending = store.pending_notifications(now - PENDING_FOR)?;
                if fresh.is_empty() && pending.is_empty() {
                    return Ok(NotifyOutcome::default());
                }
                let fresh_ids: HashSet<AlertId> = fresh.iter().map(|a| a.alert_id).collect();
                let mut candidates = Vec::with_capacity(fresh.len() + pending.len());
                for a in fresh {
                    candidates.push(Candidate {
                        alert_id: a.alert_id,
                        watchlist_id: a.watchlist.id,
                        watchlist_name: a.watchlist.name.clone(),
                        severity: a.watchlist.severity,
                        notify: a.watchlist.notify,
                        title: a.title,
                        source_name: a.source_name,
                        story_id: Some(a.story_id),
                        story_notified: store.story_notified_max(a.story_id)?,
                        sources: story_outlets(&store, Some(a.story_id), a.watchlist.min_sources)?,
                        min_sources: a.watchlist.min_sources,
                        gate_bypass_critical: a.watchlist.gate_bypass_critical,
                    });
                }
                for p in pending {
                    if fresh_ids.contains(&p.alert_id) {
                        continue;
                    }
                    // A watchlist disabled or removed since has nothing left
                    // to announce.
                    let Some(w) = compiled.meta.get(&p.watchlist_id) else {
                        dropped.push(p.alert_id);
                        continue;
                    };
                    late.insert(p.alert_id);
                    candidates.push(Candidate {
                        alert_id: p.alert_id,
                        watchlist_id: w.id,
                        watchlist_name: w.name.clone(),
                        severity: w.severity,
                        notify: w.notify,
                        title: p.title,
                        source_name: p.source_name,
                        story_id: p.story_id,
                        story_notified: match p.story_id {
                            Some(s) => store.story_notified_max(s)?,
                            None => None,
                        },
                        sources: story_outlets(&store, p.story_id, w.min_sources)?,
                        min_sources: w.min_sources,
                        gate_bypass_critical: w.gate_bypass_critical,
                    });
                }
                candidates
            };
            let watchlist_of: HashMap<AlertId, WatchlistId> = candidates
                .iter()
                .map(|c| (c.alert_id, c.watchlist_id))
                .collect();
            let decision = {
                let mut policy = engine.policy.lock().expect("policy lock");
                policy.decide(now, now.with_timezone(&chrono::Local).time(), candidates)
            };
            let before = engine.sink.status();
            let mut outcome = NotifyOutcome::default();
            let mut delivered = Vec::new();
            let mut failed = HashSet::new();
            for n in decision.notifications {
                let mut n = n;
                if late.contains(&n.alert_id) {
                    n.summary = format!("Late: {}", n.summary);
                }
                match engine.sink.send(&n) {
                    Ok(()) => {
                        outcome.delivered += 1;
                        delivered.push(n);
                    }
                    Err(reason) => {
                        failed.extend(n.alert_ids.iter().copied());
                        outcome.error = Some(reason);
                    }
                }
            }
            let after = engine.sink.status();
            if before != after {
                engine.events.emit(EngineEvent::NotificationStatus(after));
            }
            let store = engine.store();
            for n in &delivered {
                for (story, severity) in &n.stories {
                    let wl = n
                        .alert_ids
                        .iter()
                        .find_map(|a| watchlist_of.get(a))
                        .copied()
                        .unwrap_or_default();
                    store.mark_story_notified(*story, wl, *severity, now)?;
                }
            }
            // A late alert the policy settled (delivered, or decided against:
            // muted, already announced) is no longer pending.
            let mut settled: Vec<AlertId> =
                late.into_iter().filter(|a| !failed.contains(a)).collect();
            settled.extend(dropped);
            let failed: Vec<AlertId> = failed.into_iter().collect();
            store.update_pending_notifications(&settled, &failed, now)?;
            Ok(outcome)
        })
        .await
    }
}

/// Independent outlets that reported the story so far, for the
/// corroboration gate; not counted (1) when the watchlist does not wait.
pub(crate) fn story_outlets(
    store: &outpost_store::Store,
    story: Option<outpost_core::StoryId>,
    min_sources: u32,
) -> Result<u32> {
    let Some(story) = story.filter(|_| min_sources > 1) else {
        return Ok(1);
    };
    let origins = store.story_article_origins(story)?;
    Ok(outpost_core::policy::count_outlets(
        origins
            .iter()
            .map(|(url, hash)| (url.as_deref(), hash.as_slice())),
    ))
}

/// How long an undelivered notification waits for a cycle that can deliver
/// it; after that it is no longer news.
pub(crate) const PENDING_FOR: chrono::Duration = chrono::Duration::hours(24);

/// What the notification step of a cycle did.
#[derive(Debug, Default)]
pub(crate) struct NotifyOutcome {
    /// Notifications the sink delivered.
    pub(crate) delivered: u32,
    /// Why the last undelivered one failed.
    pub(crate) error: Option<String>,
}

/// An alert raised in this cycle, with what the policy needs.
#[derive(Debug)]
pub(crate) struct Fresh {
    pub(crate) alert_id: AlertId,
    pub(crate) watchlist: Watchlist,
    pub(crate) title: String,
    pub(crate) source_name: String,
    pub(crate) story_id: outpost_core::StoryId,
}

/// Puts an alerted article into a story: its existing one, a recent
/// story it resembles, or a new story. Polls and back-fill both use it, so
/// back-filled alerts join stories exactly as polled ones do. `now` is
/// when the story is seen: the poll's time, or in a back-fill the
/// article's own time, so the archive's past events stay apart.
pub(crate) fn assign_story(
    store: &Store,
    ingested: &outpost_store::Ingested,
    title: &str,
    sig: StorySignature,
    published: Timestamp,
    now: Timestamp,
    cache: &mut Option<StoryIndex>,
) -> Result<outpost_core::StoryId> {
    // An article seen before may already belong to a story; a new one
    // cannot, which spares the lookup for most of a cold poll.
    let article_id = ingested.article_id;
    if ingested.status != IngestStatus::New
        && let Some(existing) = store.get_article(article_id)?.story_id
    {
        return Ok(existing);
    }
    let window = story::default_window();
    let candidates = match cache {
        Some(c) => c,
        None => {
            let recent = store.recent_stories(now - window)?;
            cache.insert(StoryIndex::new(recent.into_iter().map(|s| {
                StoryCandidate {
                    id: s.id,
                    signature: StorySignature {
                        simhash: s.simhash,
                        keys: s.tokens,
                    },
                    last_seen: s.last_seen,
                }
            })))
        }
    };
    let id = match candidates.assign(&sig, published.min(now), window) {
        Some(id) => {
            candidates.joined(id, now);
            id
        }
        None => {
            let id = store.create_story(&NewStory {
                first_seen: now,
                title: title.to_string(),
                simhash: sig.simhash,
                tokens: sig.keys.clone(),
            })?;
            candidates.push(StoryCandidate {
                id,
                signature: sig,
                last_seen: now,
            });
            id
        }
    };
    store.attach_to_story(article_id, id)?;
    Ok(id)
}

/// The text the matcher and story clustering see besides the title.
pub(crate) fn body_of(article: &NewArticle) -> &str {
    if article.text.trim().is_empty() {
        &article.summary
    } else {
        &article.text
    }
}
