//! The engine: one archive, one fetcher, the compiled watchlists, and the
//! poll pipeline that ties them together. The app and the CLI each hold one
//! `Arc<Engine>`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use outpost_core::matcher::{Document, Matcher};
use outpost_core::policy::{Candidate, Policy};
use outpost_core::query::Query;
use outpost_core::story::{self, StoryCandidate, StorySignature};
use outpost_core::{
    AlertId, NewSource, NewWatchlist, Source, SourceId, SourceKind, Timestamp, Watchlist,
    WatchlistId,
};
use outpost_feeds::fetch::{FetchConfig, FetchOutcome, FetchRequest, Fetcher};
use outpost_store::{FetchRecord, IngestStatus, NewAlert, NewArticle, NewStory, Store};
use serde::Serialize;
use tokio::sync::Notify;
use ts_rs::TS;

use crate::error::{EngineError, Result};
use crate::notify::{NotificationSink, NotificationStatus};
use crate::settings::{SETTINGS_KEY, Settings};

/// What the engine tells its host (the app's UI, or nobody for the CLI).
#[derive(Debug, Clone, PartialEq)]
pub enum EngineEvent {
    AlertsNew { alert_ids: Vec<AlertId> },
    PollProgress(PollProgress),
    SourcesChanged,
    NotificationStatus(NotificationStatus),
}

pub trait EventSink: Send + Sync {
    fn emit(&self, event: EngineEvent);
}

/// For hosts that show nothing live.
pub struct NoEvents;
impl EventSink for NoEvents {
    fn emit(&self, _: EngineEvent) {}
}

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
    pub alerts: u32,
    pub notifications: u32,
    /// `source name: error` for every failure.
    pub errors: Vec<String>,
}

/// Where the engine reads the time. The shells pass [`system_clock`]; tests
/// pass a fixed or stepped clock, so no test depends on the day it runs.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The wall clock.
pub fn system_clock() -> Clock {
    Arc::new(Utc::now)
}

/// How the engine is opened.
pub struct EngineOptions {
    pub db_path: PathBuf,
    /// Load the default sources and example watchlists into a new archive.
    pub seed: bool,
    pub sink: Arc<dyn NotificationSink>,
    pub events: Arc<dyn EventSink>,
    pub clock: Clock,
}

/// The compiled form of the enabled watchlists.
struct Compiled {
    matcher: Matcher,
    meta: HashMap<WatchlistId, Watchlist>,
    /// Why a stored watchlist is not matched: its query fails to parse
    /// (written before a limit existed, or edited by hand).
    problems: HashMap<WatchlistId, String>,
}

pub struct Engine {
    store: Mutex<Store>,
    db_path: PathBuf,
    fetcher: RwLock<Fetcher>,
    compiled: RwLock<Arc<Compiled>>,
    sink: Arc<dyn NotificationSink>,
    events: Arc<dyn EventSink>,
    policy: Mutex<Policy>,
    paused: AtomicBool,
    wake: Notify,
    poll_gate: tokio::sync::Mutex<()>,
    clock: Clock,
}

pub const USER_AGENT: &str = concat!(
    "Outpost/",
    env!("CARGO_PKG_VERSION"),
    " (regional news monitor; +https://example.invalid/outpost)"
);

fn fetch_config(settings: &Settings) -> FetchConfig {
    FetchConfig {
        user_agent: USER_AGENT.to_string(),
        proxy: settings.proxy.clone().filter(|p| !p.is_empty()),
        ..FetchConfig::default()
    }
}

impl Engine {
    /// Opens (creating and migrating) the archive; on first run with `seed`
    /// loads the regional sources and example watchlists.
    pub fn open(options: EngineOptions) -> Result<Arc<Engine>> {
        let store = Store::open(&options.db_path)?;
        Self::with_store(store, options)
    }

    /// Opens an existing archive for reading only (see
    /// [`Store::open_read_only`]): for commands that only read, so a
    /// read-only archive works and a mistyped path creates nothing.
    pub fn open_read_only(options: EngineOptions) -> Result<Arc<Engine>> {
        let store = Store::open_read_only(&options.db_path)?;
        Self::with_store(store, options)
    }

    fn with_store(store: Store, options: EngineOptions) -> Result<Arc<Engine>> {
        if options.seed && !store.is_seeded()? {
            seed(&store, (options.clock)())?;
        }
        let settings = load_settings(&store)?;
        let fetcher =
            Fetcher::new(fetch_config(&settings)).map_err(|e| EngineError::Fetch(e.to_string()))?;
        let engine = Engine {
            db_path: options.db_path,
            fetcher: RwLock::new(fetcher),
            compiled: RwLock::new(Arc::new(Compiled {
                matcher: Matcher::new(Vec::new()),
                meta: HashMap::new(),
                problems: HashMap::new(),
            })),
            sink: options.sink,
            events: options.events,
            policy: Mutex::new(Policy::new(settings.policy())),
            paused: AtomicBool::new(false),
            wake: Notify::new(),
            poll_gate: tokio::sync::Mutex::new(()),
            clock: options.clock,
            store: Mutex::new(store),
        };
        engine.recompile()?;
        Ok(Arc::new(engine))
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// The archive, for the engine's use cases. Held briefly: one statement
    /// or one transaction.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn notification_status(&self) -> NotificationStatus {
        self.sink.status()
    }

    /// The engine's time: every use case reads the clock here.
    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }

    // ----- settings -------------------------------------------------------

    pub fn settings(&self) -> Result<Settings> {
        load_settings(&self.store())
    }

    pub fn save_settings(&self, settings: &Settings) -> Result<()> {
        settings.validate()?;
        let json = serde_json::to_string(settings).expect("settings serialise");
        {
            let store = self.store();
            store.set_setting(SETTINGS_KEY, &json)?;
            store.set_setting(
                outpost_store::RETENTION_DAYS_KEY,
                &settings.retention_days.to_string(),
            )?;
        }
        self.policy.lock().expect("policy lock").settings = settings.policy();
        let fetcher = Fetcher::new(fetch_config(settings))
            .map_err(|e| EngineError::invalid(e.to_string()))?;
        *self.fetcher.write().expect("fetcher lock") = fetcher;
        Ok(())
    }

    // ----- watchlists -----------------------------------------------------

    /// Rebuilds the matcher from the enabled watchlists. Called after every
    /// watchlist change; cheap next to a poll.
    /// Compiles the enabled watchlists. A stored query that no longer
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
                    queries.push((w.id, q));
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
    /// [`Store::remove_watchlist`]). Returns how many went and stayed.
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
            (w.clone(), Query::parse(&w.query)?, store.count_articles()?)
        };
        let now = self.now();
        let mut after = 0;
        let mut scanned = 0u64;
        let mut added = 0;
        let mut stories = None;
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
                let sources = store.get_article(a.id)?.sources;
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
            drop(store);
            // Backfilled alerts join stories exactly as polled ones do
            // (issue 20), so the list groups them with their other outlets.
            for (a, body, spans) in matched {
                let story_id = match a.story_id {
                    Some(s) => s,
                    None => self.assign_story(
                        &outpost_store::Ingested {
                            article_id: a.id,
                            status: IngestStatus::Unchanged,
                            new_source: false,
                        },
                        &a.title,
                        body,
                        a.published.unwrap_or(a.fetched_at),
                        now,
                        &mut stories,
                    )?,
                };
                let alert = NewAlert {
                    watchlist_id: id,
                    article_id: a.id,
                    spans,
                    story_id: Some(story_id),
                    created_at: now,
                };
                if self.store().insert_alert(&alert)?.is_some() {
                    added += 1;
                }
            }
            progress(scanned, total);
        }
        Ok(added)
    }

    // ----- sources --------------------------------------------------------

    /// Adds a source by feed URL or by site URL (autodiscovery). The URL is
    /// fetched once to find and check the feed; its first items arrive with
    /// the next poll.
    pub async fn add_source(&self, input: NewSourceRequest) -> Result<Source> {
        let url = url::Url::parse(input.url.trim()).map_err(|e| {
            EngineError::invalid(format!(
                "'{}' is not a URL ({e}); paste the site's or the feed's address",
                input.url
            ))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(EngineError::invalid(format!(
                "'{url}' is not an http(s) address"
            )));
        }
        check_folder(input.folder.as_deref())?;
        let fetcher = self.fetcher();
        let resolved = outpost_feeds::discover::resolve_source_url(&fetcher, &url)
            .await
            .map_err(|e| EngineError::Fetch(format!("could not add {url}: {e}")))?;
        let name = input
            .name
            .filter(|n| !n.trim().is_empty())
            .or_else(|| resolved.title.clone().filter(|t| !t.trim().is_empty()))
            .unwrap_or_else(|| resolved.feed_url.host_str().unwrap_or("feed").to_string());
        let new = NewSource {
            kind: SourceKind::Feed,
            url: resolved.feed_url.to_string(),
            name,
            interval_secs: input.interval_secs.unwrap_or(DEFAULT_INTERVAL_SECS),
            lang: input.lang.or(resolved.parsed.language.clone()),
            country: None,
            folder: input.folder,
            tags: input.tags,
        };
        let id = self.store().add_source(&new, self.now())?;
        self.events.emit(EngineEvent::SourcesChanged);
        self.wake.notify_one();
        Ok(self.store().get_source(id)?)
    }

    /// Adds a source exactly as given, without fetching it first (OPML
    /// import, the default pack, scripts).
    pub fn add_source_unchecked(&self, new: &NewSource) -> Result<SourceId> {
        check_folder(new.folder.as_deref())?;
        let id = self.store().add_source(new, self.now())?;
        self.events.emit(EngineEvent::SourcesChanged);
        Ok(id)
    }

    /// Loads the default regional source pack (see `outpost_feeds::defaults`).
    pub fn add_default_sources(&self) -> Result<u32> {
        let added = add_default_sources(&self.store(), self.now())?;
        self.events.emit(EngineEvent::SourcesChanged);
        self.wake.notify_one();
        Ok(added)
    }

    fn fetcher(&self) -> Fetcher {
        self.fetcher.read().expect("fetcher lock").clone()
    }

    /// Fetches an article image for the reader through the engine's own
    /// fetcher (so the proxy applies) and returns it as a `data:` URL: the
    /// webview's CSP admits no remote image, only this one the analyst asked for.
    pub async fn fetch_image(&self, url: &str) -> Result<String> {
        let fetcher = crate::evidence::page_fetcher(self)?;
        self.fetch_image_with(&fetcher, url).await
    }

    /// [`Engine::fetch_image`] with a given fetcher (a test's, with its own
    /// resolver).
    pub async fn fetch_image_with(&self, fetcher: &Fetcher, url: &str) -> Result<String> {
        use base64::Engine as _;
        const MAX_IMAGE: usize = 8 * 1024 * 1024;
        let parsed = url::Url::parse(url)
            .map_err(|e| EngineError::invalid(format!("'{url}' is not an image address ({e})")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(EngineError::invalid(format!(
                "'{url}' is not an http(s) image address"
            )));
        }
        let request = FetchRequest {
            url: parsed,
            etag: None,
            last_modified: None,
        };
        match fetcher.fetch(&request).await {
            FetchOutcome::Fetched {
                body, content_type, ..
            } => {
                let mime = content_type
                    .as_deref()
                    .and_then(|c| c.split(';').next())
                    .map(|c| c.trim().to_ascii_lowercase())
                    .filter(|c| c.starts_with("image/") && c != "image/svg+xml")
                    .ok_or_else(|| EngineError::Fetch(format!("{url} is not a raster image")))?;
                if body.len() > MAX_IMAGE {
                    return Err(EngineError::Fetch(format!("{url} is larger than 8 MB")));
                }
                Ok(format!(
                    "data:{mime};base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(body)
                ))
            }
            FetchOutcome::Failed { error, .. } => {
                Err(EngineError::Fetch(format!("could not load {url}: {error}")))
            }
            _ => Err(EngineError::Fetch(format!("could not load {url}"))),
        }
    }

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

    /// Asks the scheduler to look for due sources now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Polls every due source once (or the given ones, due or not).
    pub async fn poll(self: &Arc<Self>, only: Option<Vec<SourceId>>) -> Result<PollSummary> {
        let _gate = self.poll_gate.lock().await;
        let now = self.now();
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
        let total = sources.len() as u32;
        let mut summary = PollSummary {
            sources: total,
            ..PollSummary::default()
        };
        let mut progress = PollProgress {
            total,
            ..PollProgress::default()
        };
        self.events
            .emit(EngineEvent::PollProgress(progress.clone()));

        // Sources in flight at once: enough to keep the fetcher's own
        // connection limits busy while others parse and store, few enough
        // that fetched bodies and blocking threads do not pile up in memory
        // behind the single archive writer.
        let in_flight = Arc::new(tokio::sync::Semaphore::new(SOURCES_IN_FLIGHT));
        let mut tasks = tokio::task::JoinSet::new();
        for source in sources {
            let engine = Arc::clone(self);
            let in_flight = Arc::clone(&in_flight);
            tasks.spawn(async move {
                let _permit = in_flight
                    .acquire_owned()
                    .await
                    .expect("semaphore never closes");
                let name = source.name.clone();
                (name, engine.poll_source(source).await)
            });
        }
        let mut new_alerts: Vec<Fresh> = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let (name, outcome) = match joined {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!("a poll task failed: {e}");
                    summary.failed += 1;
                    continue;
                }
            };
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
            self.events
                .emit(EngineEvent::PollProgress(progress.clone()));
        }
        summary.notifications = self.notify(new_alerts).await?;
        Ok(summary)
    }

    /// One source: fetch, parse, store, match, alert. Errors of the source
    /// (network, HTTP, a feed nothing could be read from) are recorded on it
    /// and returned as `OutcomeKind::Failed`; only archive errors are `Err`.
    async fn poll_source(self: &Arc<Self>, source: Source) -> Result<SourceOutcome> {
        let url = match url::Url::parse(&source.url) {
            Ok(u) => u,
            Err(e) => {
                let msg = format!("the source URL is not valid ({e}); edit or remove the source");
                self.record_failure(&source, &msg, None, None).await?;
                return Ok(SourceOutcome::failed(msg));
            }
        };
        let request = FetchRequest {
            url: url.clone(),
            etag: source.health.etag.clone(),
            last_modified: source.health.last_modified.clone(),
        };
        let fetcher = self.fetcher();
        let outcome = fetcher.fetch(&request).await;
        let now = self.now();
        let next = now + jittered(source.interval_secs);
        match outcome {
            FetchOutcome::NotModified { elapsed, .. } => {
                let record = FetchRecord {
                    at: now,
                    ok: true,
                    latency_ms: Some(elapsed.as_millis() as u32),
                    next_fetch_at: Some(next),
                    status: Some(304),
                    ..FetchRecord::default()
                };
                let engine = Arc::clone(self);
                blocking(move || Ok(engine.store().record_fetch(source.id, &record)?)).await?;
                Ok(SourceOutcome {
                    kind: OutcomeKind::NotModified,
                    ..SourceOutcome::default()
                })
            }
            FetchOutcome::Gone { reason, .. } => {
                let msg = format!(
                    "the server says this feed is gone for good (410): {reason}; the source was disabled"
                );
                let engine = Arc::clone(self);
                let m = msg.clone();
                let id = source.id;
                blocking(move || Ok(engine.store().set_source_enabled(id, false, Some(&m))?))
                    .await?;
                self.record_failure(&source, &msg, Some(410), None).await?;
                self.events.emit(EngineEvent::SourcesChanged);
                Ok(SourceOutcome::failed(msg))
            }
            FetchOutcome::Failed {
                error, retry_after, ..
            } => {
                let msg = error.to_string();
                let status = match &error {
                    outpost_feeds::fetch::FetchError::Status { status, .. } => Some(*status),
                    _ => None,
                };
                self.record_failure(&source, &msg, status, retry_after)
                    .await?;
                Ok(SourceOutcome::failed(msg))
            }
            FetchOutcome::Fetched {
                final_url,
                moved_permanently_to,
                etag,
                last_modified,
                content_type,
                body,
                status,
                elapsed,
            } => {
                let engine = Arc::clone(self);
                blocking(move || {
                    engine.ingest_fetched(
                        source,
                        Fetched {
                            final_url,
                            moved_to: moved_permanently_to,
                            etag,
                            last_modified,
                            content_type,
                            body,
                            status,
                            latency_ms: elapsed.as_millis() as u32,
                            at: now,
                            next,
                        },
                    )
                })
                .await
            }
        }
    }

    async fn record_failure(
        self: &Arc<Self>,
        source: &Source,
        msg: &str,
        status: Option<u16>,
        retry_after: Option<StdDuration>,
    ) -> Result<()> {
        let now = self.now();
        let failures = source.health.consecutive_failures + 1;
        let base = StdDuration::from_secs(u64::from(source.interval_secs.max(60)));
        let mut wait = outpost_feeds::fetch::backoff(failures, base, rand::random::<f64>());
        if let Some(ra) = retry_after {
            wait = wait.max(ra);
        }
        let record = FetchRecord {
            at: now,
            ok: false,
            error: Some(msg.to_string()),
            next_fetch_at: Some(now + Duration::from_std(wait).unwrap_or(Duration::hours(1))),
            status,
            ..FetchRecord::default()
        };
        let engine = Arc::clone(self);
        let id = source.id;
        blocking(move || Ok(engine.store().record_fetch(id, &record)?)).await
    }

    /// Parse, store, match and raise alerts for one fetched body. Runs on a
    /// blocking thread: parsing and SQLite are CPU and disk work.
    fn ingest_fetched(&self, source: Source, f: Fetched) -> Result<SourceOutcome> {
        let parsed =
            match outpost_feeds::parse(&f.body, f.content_type.as_deref(), Some(&f.final_url)) {
                Ok(p) => p,
                Err(e) => {
                    let msg = format!("the response is not a feed Outpost can read: {e}");
                    let record = FetchRecord {
                        at: f.at,
                        ok: false,
                        error: Some(msg.clone()),
                        latency_ms: Some(f.latency_ms),
                        next_fetch_at: Some(f.next),
                        status: Some(f.status),
                        ..FetchRecord::default()
                    };
                    self.store().record_fetch(source.id, &record)?;
                    return Ok(SourceOutcome::failed(msg));
                }
            };
        self.record_move(&source, f.moved_to.as_ref())?;
        let lang = source
            .lang
            .clone()
            .or_else(|| parsed.language.clone())
            .map(|l| l.to_lowercase());
        let articles: Vec<NewArticle> = parsed
            .entries
            .iter()
            .map(|e| {
                let content_html = e.content_html.clone().unwrap_or_default();
                let text = outpost_feeds::sanitize::html_to_text(&content_html);
                NewArticle {
                    guid: e.id.clone(),
                    url: e.link.clone(),
                    title: e.title.clone().unwrap_or_default(),
                    summary: e.summary.clone().unwrap_or_default(),
                    content_html,
                    text,
                    lang: lang.clone(),
                    published: e.published.or(e.updated),
                    authors: e.authors.clone(),
                }
            })
            .collect();
        let ingested = self.store().ingest(source.id, &articles, f.at)?;
        let warnings = (!parsed.warnings.is_empty()).then(|| {
            format!(
                "parsed with {} warning(s): {}",
                parsed.warnings.len(),
                parsed.warnings.join("; ")
            )
        });
        let new_articles = ingested
            .iter()
            .filter(|i| i.status == IngestStatus::New)
            .count() as u32;

        // Match every item the feed delivered, not only new ones: an alert is
        // unique per (watchlist, article), so re-matching adds only alerts
        // that are missing — after an edit, or after a crash between storing
        // the articles and raising their alerts.
        let compiled = Arc::clone(&self.compiled.read().expect("matcher lock"));
        let mut alerts = Vec::new();
        let mut stories: Option<Vec<StoryCandidate>> = None;
        for (article, ing) in articles.iter().zip(&ingested) {
            let body = if article.text.trim().is_empty() {
                &article.summary
            } else {
                &article.text
            };
            let doc = Document {
                title: &article.title,
                body,
                lang: article.lang.as_deref(),
                source: Some(&source.name),
            };
            let hits: Vec<_> = compiled
                .matcher
                .match_document(&doc)
                .into_iter()
                .filter(|h| {
                    compiled
                        .meta
                        .get(&h.watchlist)
                        .is_some_and(|w| w.in_scope(&[source.id], article.lang.as_deref()))
                })
                .collect();
            if hits.is_empty() {
                continue;
            }
            let story_id = self.assign_story(
                ing,
                &article.title,
                body,
                article.published.unwrap_or(f.at),
                f.at,
                &mut stories,
            )?;
            for hit in hits {
                let w = &compiled.meta[&hit.watchlist];
                let new = NewAlert {
                    watchlist_id: w.id,
                    article_id: ing.article_id,
                    spans: hit.spans,
                    story_id: Some(story_id),
                    created_at: f.at,
                };
                if let Some(alert_id) = self.store().insert_alert(&new)? {
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
            etag: f.etag,
            last_modified: f.last_modified,
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
        })
    }

    /// Puts an alerted article into a story: its existing one, a recent
    /// story it resembles, or a new story.
    fn assign_story(
        &self,
        ingested: &outpost_store::Ingested,
        title: &str,
        body: &str,
        published: Timestamp,
        now: Timestamp,
        cache: &mut Option<Vec<StoryCandidate>>,
    ) -> Result<outpost_core::StoryId> {
        let store = self.store();
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
                cache.insert(
                    recent
                        .into_iter()
                        .map(|s| StoryCandidate {
                            id: s.id,
                            signature: StorySignature {
                                simhash: s.simhash,
                                keys: s.tokens,
                            },
                            last_seen: s.last_seen,
                        })
                        .collect(),
                )
            }
        };
        let sig = story::signature(title, body);
        let id = match story::assign(&sig, published.min(now), candidates, window) {
            Some(id) => id,
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

    /// Runs the notification policy over a cycle's new alerts and sends
    /// what it decides. Returns the number of notifications sent.
    async fn notify(self: &Arc<Self>, fresh: Vec<Fresh>) -> Result<u32> {
        // Without a sink (`--no-notify`) the alerts stay unnotified, so a
        // later poll with notifications on still announces their stories.
        if fresh.is_empty() || !self.sink.enabled() {
            return Ok(0);
        }
        let engine = Arc::clone(self);
        blocking(move || {
            let candidates: Vec<Candidate> = {
                let store = engine.store();
                fresh
                    .into_iter()
                    .map(|a| {
                        let notified = store.story_notified_max(a.story_id)?;
                        Ok(Candidate {
                            alert_id: a.alert_id,
                            watchlist_id: a.watchlist.id,
                            watchlist_name: a.watchlist.name.clone(),
                            severity: a.watchlist.severity,
                            notify: a.watchlist.notify,
                            title: a.title,
                            source_name: a.source_name,
                            story_id: Some(a.story_id),
                            story_notified: notified,
                        })
                    })
                    .collect::<Result<_>>()?
            };
            let watchlist_of: HashMap<AlertId, WatchlistId> = candidates
                .iter()
                .map(|c| (c.alert_id, c.watchlist_id))
                .collect();
            let decision = {
                let mut policy = engine.policy.lock().expect("policy lock");
                let now = engine.now();
                policy.decide(now, now.with_timezone(&chrono::Local).time(), candidates)
            };
            let before = engine.sink.status();
            for n in &decision.notifications {
                engine.sink.send(n);
            }
            let after = engine.sink.status();
            if before != after {
                engine.events.emit(EngineEvent::NotificationStatus(after));
            }
            let store = engine.store();
            let now = engine.now();
            for n in &decision.notifications {
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
            Ok(decision.notifications.len() as u32)
        })
        .await
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

/// The request behind "add a source".
#[derive(Debug, Clone, Default)]
pub struct NewSourceRequest {
    pub url: String,
    pub name: Option<String>,
    pub interval_secs: Option<u32>,
    pub lang: Option<String>,
    pub folder: Option<String>,
    pub tags: Vec<String>,
}

pub const DEFAULT_INTERVAL_SECS: u32 = 15 * 60;

/// See [`Engine::poll`].
const SOURCES_IN_FLIGHT: usize = 24;

struct Fetched {
    final_url: url::Url,
    moved_to: Option<url::Url>,
    etag: Option<String>,
    last_modified: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
    status: u16,
    latency_ms: u32,
    at: Timestamp,
    next: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
enum OutcomeKind {
    #[default]
    Fetched,
    NotModified,
    Failed(String),
}

#[derive(Debug, Default)]
struct SourceOutcome {
    kind: OutcomeKind,
    new_articles: u32,
    updated_articles: u32,
    alerts: Vec<Fresh>,
}

impl SourceOutcome {
    fn failed(msg: String) -> Self {
        Self {
            kind: OutcomeKind::Failed(msg),
            ..Self::default()
        }
    }
}

/// An alert raised in this cycle, with what the policy needs.
#[derive(Debug)]
struct Fresh {
    alert_id: AlertId,
    watchlist: Watchlist,
    title: String,
    source_name: String,
    story_id: outpost_core::StoryId,
}

/// The next poll time: the interval with ±10% jitter, so sources added
/// together do not stay in lockstep.
fn jittered(interval_secs: u32) -> Duration {
    let base = StdDuration::from_secs(u64::from(interval_secs.max(60)));
    Duration::from_std(outpost_feeds::fetch::jittered_interval(
        base,
        rand::random::<f64>(),
    ))
    .unwrap_or(Duration::minutes(15))
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .expect("a blocking task panicked")
}

fn load_settings(store: &Store) -> Result<Settings> {
    Ok(match store.get_setting(SETTINGS_KEY)? {
        Some(json) => serde_json::from_str(&json).unwrap_or_else(|e| {
            tracing::warn!("stored settings are unreadable ({e}); using defaults");
            Settings::default()
        }),
        None => Settings::default(),
    })
}

fn seed(store: &Store, now: Timestamp) -> Result<()> {
    add_default_sources(store, now)?;
    for w in crate::defaults::example_watchlists() {
        match store.add_watchlist(&w, now) {
            Ok(_) | Err(outpost_store::StoreError::WatchlistExists { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    store.mark_seeded()?;
    Ok(())
}

/// A folder deeper than `outpost_feeds::opml::MAX_FOLDER_DEPTH` is refused
/// before anything is stored: no OPML could carry it (Hardening 2, item 4).
fn check_folder(folder: Option<&str>) -> Result<()> {
    match folder {
        Some(f) => outpost_feeds::opml::check_folder(f)
            .map_err(|e| EngineError::invalid(format!("{e}, then add the source again"))),
        None => Ok(()),
    }
}

/// Adds the regional source pack; sources already present are left alone.
/// Returns how many were added.
fn add_default_sources(store: &Store, now: Timestamp) -> Result<u32> {
    let mut added = 0;
    for s in outpost_feeds::defaults::default_sources() {
        let new = NewSource {
            kind: SourceKind::Feed,
            url: s.url.to_string(),
            name: s.name,
            interval_secs: DEFAULT_INTERVAL_SECS,
            lang: Some(s.lang),
            country: s.country,
            folder: Some(s.folder),
            tags: s.tags,
        };
        match store.add_source(&new, now) {
            Ok(_) => added += 1,
            Err(outpost_store::StoreError::SourceExists { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(added)
}
