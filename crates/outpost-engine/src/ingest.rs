//! Ingest: the one writer of a poll. Jobs from the refresh stage queue up;
//! the writer commits many sources per transaction (up to [`BATCH_ROWS`]
//! items or [`BATCH_TIME`]): each source's articles, their alerts, and
//! last its fetch record, so a crash loses no alert and repeats none.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use outpost_core::Source;
use outpost_core::matcher::MatchHit;
use outpost_core::story::{StoryIndex, StorySignature};
use outpost_store::{FetchRecord, IngestStatus, NewArticle, PreparedArticle, Store};
use tokio::sync::mpsc::UnboundedSender;

use crate::engine::{Engine, EngineEvent};
use crate::error::Result;
use crate::refresh::{OutcomeKind, SourceOutcome};

/// Items per write transaction, about: a batch closes at the first job
/// that reaches it.
pub(crate) const BATCH_ROWS: usize = 2_000;
/// How long the writer waits for more jobs before it commits what it has.
pub(crate) const BATCH_TIME: Duration = Duration::from_millis(40);

/// What the refresh stage hands the writer for one source.
pub(crate) struct WriteJob {
    pub(crate) source: Source,
    pub(crate) work: Work,
}

pub(crate) enum Work {
    /// A poll that stores no items: a 304, or a failure.
    Record {
        record: FetchRecord,
        kind: OutcomeKind,
        /// Disable the source, with this reason (410 Gone).
        disable: Option<String>,
    },
    /// A feed parsed, normalised and matched.
    Parsed(Box<Parsed>),
}

pub(crate) struct Parsed {
    pub(crate) articles: Vec<NewArticle>,
    pub(crate) prepared: Vec<PreparedArticle>,
    /// Per article, the watchlists (in scope for the source) it matched.
    pub(crate) hits: Vec<Vec<MatchHit>>,
    /// Per article, its story signature when it matched: computed on the
    /// worker pool, so the single writer only places it.
    pub(crate) signatures: Vec<Option<StorySignature>>,
    pub(crate) moved_to: Option<url::Url>,
    pub(crate) skipped_old: u32,
    /// The fetch record, written after the items and their alerts.
    pub(crate) record: FetchRecord,
}

impl WriteJob {
    fn rows(&self) -> usize {
        match &self.work {
            Work::Record { .. } => 1,
            Work::Parsed(p) => 1 + p.articles.len(),
        }
    }
}

impl Engine {
    /// Writes a check's record with the next check planned from all the
    /// source's history, and the plan's interval and reason for the
    /// Sources page.
    fn record_checked(
        &self,
        store: &Store,
        source: &Source,
        mut record: FetchRecord,
    ) -> Result<()> {
        let plan = self.plan_check(store, source, &record)?;
        record.next_fetch_at = Some(plan.at);
        store.record_fetch(source.id, &record)?;
        let every = plan.every.num_seconds().clamp(0, i64::from(u32::MAX)) as u32;
        store.set_source_plan(source.id, every, &plan.reason.to_string())?;
        Ok(())
    }
}

/// A source's name and what polling it did; `Err` is an archive error.
pub(crate) type Written = (String, std::result::Result<SourceOutcome, String>);

impl Engine {
    /// The writer: runs until every sender of `jobs` is gone, committing
    /// jobs in batches and reporting each source's outcome to `done`.
    pub(crate) fn run_writer(&self, jobs: Receiver<WriteJob>, done: UnboundedSender<Written>) {
        // The recent stories, loaded once per cycle and kept up to date with
        // the stories the writer creates: loading them per batch costs more
        // than the batch as the archive grows.
        let mut stories: Option<StoryIndex> = None;
        while let Ok(first) = jobs.recv() {
            let started = Instant::now();
            let mut rows = first.rows();
            let mut batch = vec![first];
            while rows < BATCH_ROWS {
                let left = BATCH_TIME.saturating_sub(started.elapsed());
                match jobs.recv_timeout(left) {
                    Ok(job) => {
                        rows += job.rows();
                        batch.push(job);
                    }
                    Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
                }
            }
            let written = {
                let store = self.store();
                store.write_batch(|s| {
                    batch
                        .iter()
                        .map(|job| self.write_job(s, job, &mut stories))
                        .collect::<Result<Vec<_>>>()
                })
            };
            if written.is_err() {
                // Stories created by the rolled-back batch are gone.
                stories = None;
            }
            let outcomes: Vec<std::result::Result<SourceOutcome, String>> = match written {
                Ok(outcomes) => outcomes.into_iter().map(Ok).collect(),
                // One source's trouble must not fail the others of its
                // batch: write them one by one.
                Err(_) if batch.len() > 1 => batch
                    .iter()
                    .map(|job| {
                        let store = self.store();
                        store
                            .write_batch(|s| self.write_job(s, job, &mut None))
                            .map_err(|e| e.to_string())
                    })
                    .collect(),
                Err(e) => vec![Err(e.to_string())],
            };
            for (job, outcome) in batch.into_iter().zip(outcomes) {
                if outcome.is_ok()
                    && matches!(
                        &job.work,
                        Work::Record {
                            disable: Some(_),
                            ..
                        }
                    )
                {
                    self.events.emit(EngineEvent::SourcesChanged);
                }
                let _ = done.send((job.source.name, outcome));
            }
        }
    }

    /// Writes one source's job inside the writer's transaction.
    fn write_job(
        &self,
        store: &Store,
        job: &WriteJob,
        stories: &mut Option<StoryIndex>,
    ) -> Result<SourceOutcome> {
        let source = &job.source;
        let p = match &job.work {
            Work::Record {
                record,
                kind,
                disable,
            } => {
                if let Some(reason) = disable {
                    store.set_source_enabled(source.id, false, Some(reason))?;
                }
                self.record_checked(store, source, record.clone())?;
                return Ok(SourceOutcome {
                    kind: kind.clone(),
                    ..SourceOutcome::default()
                });
            }
            Work::Parsed(p) => p,
        };
        Engine::record_move(store, source, p.moved_to.as_ref())?;
        let at = p.record.at;
        let ingested = store.ingest_prepared(source.id, &p.articles, &p.prepared, at)?;
        let new_articles = ingested
            .iter()
            .filter(|i| i.status == IngestStatus::New)
            .count() as u32;
        let alerts = self.raise_alerts(
            store,
            source,
            &p.articles,
            &ingested,
            (&p.hits, &p.signatures),
            at,
            stories,
        )?;
        // The validators and the next poll time are stored last: until the
        // alerts exist, a crash leaves the source due and its feed is fetched
        // in full again.
        // What the source published now teaches the scheduler its rhythm:
        // each item new to this source, at its publication time (not after
        // it was seen; feeds post-date items), else when it was first seen.
        let published: Vec<_> = p
            .articles
            .iter()
            .zip(&ingested)
            .filter(|(_, i)| i.new_source)
            .map(|(a, _)| a.published.map_or(at, |t| t.min(at)))
            .collect();
        if !published.is_empty() {
            store.record_publishes(source.id, &published, at)?;
        }
        let record = FetchRecord {
            new_items: new_articles,
            ..p.record.clone()
        };
        self.record_checked(store, source, record)?;
        Ok(SourceOutcome {
            kind: OutcomeKind::Fetched,
            new_articles,
            updated_articles: ingested
                .iter()
                .filter(|i| i.status == IngestStatus::Updated)
                .count() as u32,
            skipped_old: p.skipped_old,
            alerts,
        })
    }
}
