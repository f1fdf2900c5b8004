//! The scheduler: which sources are due, the poll cycle over them, the
//! loop that runs cycles until shutdown, and when each source is checked
//! next: `outpost_core::schedule::next_check` on the source's history, at
//! the pace that keeps every source's checks within the request budget
//! (the same rule and pace `outpost schedule simulate` replays).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration as StdDuration;

use chrono::Duration;
use outpost_core::schedule::{self, Demand, History, Pace, Plan};
use outpost_core::{Source, SourceId, Timestamp};
use outpost_store::{FetchRecord, Store};
use serde::Serialize;
use ts_rs::TS;

use crate::alerting::Fresh;
use crate::engine::{Engine, EngineEvent};
use crate::error::Result;
use crate::ingest::{WriteJob, Written};
use crate::refresh::OutcomeKind;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct PollProgress {
    pub done: u32,
    pub total: u32,
    pub current: Option<String>,
    pub new_articles: u32,
    pub new_alerts: u32,
}

/// What one poll cycle did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PollSummary {
    pub sources: u32,
    pub ok: u32,
    pub not_modified: u32,
    pub failed: u32,
    pub new_articles: u32,
    pub updated_articles: u32,
    /// Items older than the retention window (by published time), not
    /// stored, so re-polls do not bring back what retention removes.
    pub skipped_old: u32,
    pub alerts: u32,
    /// Notifications delivered (a failed send does not count).
    pub notifications: u32,
    /// Why a notification could not be delivered, if one could not; its
    /// alerts stay pending and go out at the next cycle that can deliver them.
    pub notification_error: Option<String>,
    /// `source name: error` for every failure.
    pub errors: Vec<String>,
}

/// See [`Engine::poll`].
const SOURCES_IN_FLIGHT: usize = 24;

/// Parsed sources waiting for the writer, at most: the bound on what a
/// slow disk lets pile up in memory.
const WRITE_QUEUE: usize = 8;

/// Worker threads for parsing, normalising and matching: one per core.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

impl Engine {
    // ----- polling --------------------------------------------------------

    pub fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::SeqCst);
        if !paused {
            self.wake.notify_one();
        }
    }

    pub fn is_paused(&self) -> bool {
        self.paused.load(Ordering::SeqCst)
    }

    /// The poll in progress, as last reported, or `None` when no poll
    /// runs. The UI asks on start and whenever it wakes, so an event it
    /// missed (sent before the page listened, or while it slept) can never
    /// leave a progress bar showing a poll that is over.
    pub fn poll_state(&self) -> Option<PollProgress> {
        self.poll_progress
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Records a poll's progress for [`Engine::poll_state`] and sends it.
    fn report_progress(&self, progress: &PollProgress) {
        *self.poll_progress.lock().unwrap_or_else(|e| e.into_inner()) = Some(progress.clone());
        self.events
            .emit(EngineEvent::PollProgress(progress.clone()));
    }

    /// Asks the scheduler to look for due sources now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Polls every enabled source once, due or not (`outpost poll --once
    /// --all`). Unchanged feeds answer 304 to the stored validators.
    pub async fn poll_all(self: &Arc<Self>) -> Result<PollSummary> {
        let ids = self
            .store()
            .list_sources()?
            .into_iter()
            .filter(|s| s.enabled)
            .map(|s| s.id)
            .collect();
        self.poll(Some(ids)).await
    }

    /// Polls every due source once (or the given ones, due or not).
    pub async fn poll(self: &Arc<Self>, only: Option<Vec<SourceId>>) -> Result<PollSummary> {
        let _gate = self.poll_gate.lock().await;
        // However the poll ends (an error included), it no longer runs.
        let _running = PollRunning(self);
        let now = self.now();
        self.refresh_pace(now)?;
        let due_only = only.is_none();
        let sources: Vec<Source> = {
            let store = self.store();
            match only {
                Some(ids) => ids
                    .into_iter()
                    .map(|id| store.get_source(id))
                    .collect::<Result<_, _>>()?,
                None => store.due_sources(now)?,
            }
        };
        // Another poller on the same archive (the app beside `outpost
        // poll`) may have some of these in flight: take a lease on each, and
        // skip the ones another holder has or has just polled.
        let mut sources = sources;
        let leased = {
            let ids: Vec<SourceId> = sources.iter().map(|s| s.id).collect();
            let until = now + chrono::Duration::from_std(LEASE_FOR).expect("lease fits");
            self.store().lease_sources(
                &ids,
                &self.holder,
                now,
                until,
                due_only,
                &lease_holder_gone,
            )?
        };
        sources.retain(|s| leased.contains(&s.id));
        let retain_after = now - chrono::Duration::days(i64::from(self.store().retention_days()?));
        let total = sources.len() as u32;
        let mut summary = PollSummary {
            sources: total,
            ..PollSummary::default()
        };
        let mut progress = PollProgress {
            total,
            ..PollProgress::default()
        };
        self.report_progress(&progress);

        // Sources in flight at once: enough to keep the fetcher's own
        // connection limits busy while others parse and store, few enough
        // that fetched bodies do not pile up in memory behind the writer.
        // Parsing, normalising and matching run on a worker pool sized to
        // the cores; one writer commits many sources per transaction.
        let in_flight = Arc::new(tokio::sync::Semaphore::new(SOURCES_IN_FLIGHT));
        let cpu = Arc::new(tokio::sync::Semaphore::new(workers()));
        let (jobs, queue) = std::sync::mpsc::sync_channel::<WriteJob>(WRITE_QUEUE);
        let (written, mut outcomes) = tokio::sync::mpsc::unbounded_channel::<Written>();
        let writer = {
            let engine = Arc::clone(self);
            tokio::task::spawn_blocking(move || engine.run_writer(queue, written))
        };
        let mut tasks = tokio::task::JoinSet::new();
        for source in sources {
            let engine = Arc::clone(self);
            let in_flight = Arc::clone(&in_flight);
            let cpu = Arc::clone(&cpu);
            let jobs = jobs.clone();
            tasks.spawn(async move {
                let _permit = in_flight
                    .acquire_owned()
                    .await
                    .expect("semaphore never closes");
                let job = engine.refresh(source, retain_after, &cpu).await;
                // A full queue is the writer's back-pressure; wait for it
                // off the async threads.
                let _ = tokio::task::spawn_blocking(move || jobs.send(job).is_ok()).await;
            });
        }
        drop(jobs);
        let mut new_alerts: Vec<Fresh> = Vec::new();
        while let Some((name, outcome)) = outcomes.recv().await {
            match outcome {
                Ok(o) => {
                    match o.kind {
                        OutcomeKind::Fetched => summary.ok += 1,
                        OutcomeKind::NotModified => summary.not_modified += 1,
                        OutcomeKind::Failed(ref e) => {
                            summary.failed += 1;
                            summary.errors.push(format!("{name}: {e}"));
                        }
                    }
                    summary.new_articles += o.new_articles;
                    summary.updated_articles += o.updated_articles;
                    summary.skipped_old += o.skipped_old;
                    summary.alerts += o.alerts.len() as u32;
                    progress.new_articles += o.new_articles;
                    progress.new_alerts += o.alerts.len() as u32;
                    if !o.alerts.is_empty() {
                        self.events.emit(EngineEvent::AlertsNew {
                            alert_ids: o.alerts.iter().map(|a| a.alert_id).collect(),
                        });
                    }
                    new_alerts.extend(o.alerts);
                }
                Err(e) => {
                    summary.failed += 1;
                    summary.errors.push(format!("{name}: {e}"));
                }
            }
            progress.done += 1;
            progress.current = Some(name);
            self.report_progress(&progress);
        }
        while let Some(joined) = tasks.join_next().await {
            if let Err(e) = joined {
                tracing::error!("a poll task failed: {e}");
                summary.failed += 1;
            }
        }
        writer.await.expect("the writer does not panic");
        let engine = Arc::clone(self);
        crate::engine::blocking(move || {
            Ok(engine.store().release_sources(&leased, &engine.holder)?)
        })
        .await?;
        let notified = self.notify(new_alerts).await?;
        summary.notifications = notified.delivered;
        summary.notification_error = notified.error;
        Ok(summary)
    }

    /// Polls due sources until `shutdown` resolves; sleeps until the next
    /// source is due, a source is added, or polling is resumed.
    pub async fn run_scheduler(self: Arc<Self>, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            if !self.is_paused() {
                match self.poll(None).await {
                    Ok(s) if s.sources > 0 => {
                        tracing::info!(
                            "polled {} sources: {} ok, {} not modified, {} failed; {} new articles, {} alerts",
                            s.sources,
                            s.ok,
                            s.not_modified,
                            s.failed,
                            s.new_articles,
                            s.alerts
                        );
                        // Each failure once, so a continuous poll shows
                        // what is wrong (Hardening 2, item 13).
                        for e in &s.errors {
                            tracing::warn!("failed: {e}");
                        }
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!("poll failed: {e}"),
                }
            }
            let wait = self.until_next_due().unwrap_or(StdDuration::from_secs(30));
            tokio::select! {
                _ = &mut shutdown => break,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    fn until_next_due(&self) -> Option<StdDuration> {
        let sources = self.store().list_sources().ok()?;
        let now = self.now();
        let next = sources
            .iter()
            .filter(|s| s.enabled)
            .filter_map(|s| s.health.next_fetch_at)
            .min()?;
        let secs = (next - now).num_milliseconds().clamp(1_000, 60_000);
        Some(StdDuration::from_millis(secs as u64))
    }
}

/// The request budget's pace and when it was worked out.
#[derive(Debug, Default)]
pub(crate) struct PaceState {
    at: Option<Timestamp>,
    pace: Pace,
    budget_per_hour: f64,
}

impl Engine {
    /// Works the pace out again from every enabled source's rate when it is
    /// older than `schedule::PACE_EVERY`: the fastest pace at which all
    /// sources' checks fit the request budget.
    pub(crate) fn refresh_pace(&self, now: Timestamp) -> Result<()> {
        {
            let state = self.pace.lock().unwrap_or_else(|e| e.into_inner());
            if state
                .at
                .is_some_and(|at| now - at < schedule::PACE_EVERY && at <= now)
            {
                return Ok(());
            }
        }
        let settings = self.settings()?;
        let (sources, histories) = {
            let store = self.store();
            (store.list_sources()?, store.publish_histories()?)
        };
        let enabled: Vec<&Source> = sources.iter().filter(|s| s.enabled).collect();
        let budget = f64::from(
            settings
                .request_budget_per_hour
                .unwrap_or_else(|| default_budget(enabled.iter().copied())),
        );
        let demands: Vec<Demand> = enabled
            .iter()
            .map(|s| {
                let published = histories.get(&s.id).map_or(&[][..], Vec::as_slice);
                schedule::demand(&history(s, published, None, None), now)
            })
            .collect();
        let pace = Pace::for_budget(&demands, budget);
        *self.pace.lock().unwrap_or_else(|e| e.into_inner()) = PaceState {
            at: Some(now),
            pace,
            budget_per_hour: budget,
        };
        Ok(())
    }

    /// Sets how a source is scheduled: a fixed interval (`interval_secs`,
    /// which makes it fixed), back to learning its rhythm (`fixed:
    /// Some(false)`, which restores the default interval the budget counts),
    /// and the priority flag. `None` leaves a setting as it is.
    pub fn set_source_schedule(
        &self,
        id: SourceId,
        interval_secs: Option<u32>,
        fixed: Option<bool>,
        priority: Option<bool>,
    ) -> Result<Source> {
        if let Some(secs) = interval_secs
            && !(60..=7 * 86_400).contains(&secs)
        {
            return Err(crate::error::EngineError::invalid(format!(
                "An interval of {secs} seconds is out of range; choose between 1 minute and 7 days"
            )));
        }
        let (interval_secs, fixed) = match (interval_secs, fixed) {
            (Some(secs), None) => (Some(secs), Some(true)),
            (None, Some(false)) => (Some(crate::engine::DEFAULT_INTERVAL_SECS), Some(false)),
            other => other,
        };
        let source = {
            let store = self.store();
            store.set_source_schedule(id, interval_secs, fixed, priority)?;
            store.get_source(id)?
        };
        // The budget and every source's share of it change with this.
        self.pace.lock().unwrap_or_else(|e| e.into_inner()).at = None;
        self.events.emit(EngineEvent::SourcesChanged);
        self.wake();
        Ok(source)
    }

    /// The checks per hour the scheduler holds to now (after the first
    /// cycle; 0 before).
    pub fn request_budget_per_hour(&self) -> f64 {
        self.pace
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .budget_per_hour
    }

    /// The next check of `source` after the check `record` describes,
    /// whose new items (if any) are already in the source's history: the
    /// one rule, at the current pace. Runs in the writer's transaction.
    pub(crate) fn plan_check(
        &self,
        store: &Store,
        source: &Source,
        record: &FetchRecord,
    ) -> Result<Plan> {
        let published = store.publish_history(source.id)?;
        let pace = self.pace.lock().unwrap_or_else(|e| e.into_inner()).pace;
        let failures = if record.ok {
            0
        } else {
            source.health.consecutive_failures + 1
        };
        let answers_304 = record.status == Some(304)
            || record.etag.is_some()
            || record.last_modified.is_some()
            || source.health.etag.is_some()
            || source.health.last_modified.is_some();
        let mut h = history(source, &published, Some(answers_304), record.retry_after);
        h.failures = failures;
        Ok(schedule::next_check(
            &h,
            record.at,
            pace,
            rand::random::<f64>(),
        ))
    }
}

/// What the rule knows of a source, from the archive.
fn history<'a>(
    s: &Source,
    published: &'a [Timestamp],
    answers_304: Option<bool>,
    retry_after: Option<StdDuration>,
) -> History<'a> {
    let answers_304 =
        answers_304.unwrap_or(s.health.etag.is_some() || s.health.last_modified.is_some());
    History {
        published,
        since: s.created_at,
        failures: s.health.consecutive_failures,
        retry_after: retry_after.and_then(|d| Duration::from_std(d).ok()),
        floor: schedule::politeness_floor(s.kind.as_str(), answers_304),
        fixed: s
            .interval_fixed
            .then(|| Duration::seconds(i64::from(s.interval_secs.max(60)))),
        priority: s.priority,
    }
}

/// The default request budget: what polling every source at its own
/// interval (15 minutes unless the analyst fixed another) would make.
pub fn default_budget<'a>(sources: impl IntoIterator<Item = &'a Source>) -> u32 {
    let per_hour: f64 = sources
        .into_iter()
        .map(|s| 3600.0 / f64::from(s.interval_secs.max(60)))
        .sum();
    (per_hour.ceil() as u32).max(1)
}

/// A next check for the refresh stage to carry: the source's last planned
/// interval from now. The writer replaces it with the plan that knows what
/// this check found (`Engine::plan_check`).
pub(crate) fn provisional_next(source: &Source, now: Timestamp) -> Timestamp {
    let secs = source
        .health
        .check_every_secs
        .unwrap_or(source.interval_secs)
        .max(60);
    now + Duration::seconds(i64::from(secs))
}

/// Clears [`Engine::poll_state`] when a poll returns, whichever way.
struct PollRunning<'a>(&'a Engine);

impl Drop for PollRunning<'_> {
    fn drop(&mut self) {
        *self
            .0
            .poll_progress
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// How long a poll lease holds when its holder neither finishes nor dies:
/// longer than any one source's fetch, parse and store.
const LEASE_FOR: StdDuration = StdDuration::from_secs(15 * 60);

/// A holder is `pid:random`; its lease is free when that process no longer
/// runs (a poll killed mid-cycle), so a restart polls at once. Where that
/// cannot be told, the lease runs out after [`LEASE_FOR`].
fn lease_holder_gone(holder: &str) -> bool {
    let Some(pid) = holder.split(':').next().and_then(|p| p.parse::<u32>().ok()) else {
        return false;
    };
    if pid == std::process::id() {
        return false;
    }
    cfg!(target_os = "linux") && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// The lease holder name of one engine: its process and a random part, so
/// two engines in one process are told apart.
pub(crate) fn lease_holder() -> String {
    format!("{}:{:016x}", std::process::id(), rand::random::<u64>())
}
