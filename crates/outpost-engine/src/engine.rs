//! The engine: one archive, one fetcher, the compiled watchlists, and the
//! poll pipeline that ties them together. The app and the CLI each hold one
//! `Arc<Engine>`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use chrono::Utc;
use outpost_core::matcher::Matcher;
use outpost_core::policy::Policy;
use outpost_core::{AlertId, NewSource, Source, SourceId, SourceKind, Timestamp};
use outpost_feeds::fetch::{FetchConfig, FetchOutcome, FetchRequest, Fetcher};
use outpost_store::Store;
use tokio::sync::Notify;

use crate::error::{EngineError, Result};
use crate::notify::{NotificationSink, NotificationStatus};
pub use crate::scheduler::{PollProgress, PollSummary};
use crate::settings::{SETTINGS_KEY, Settings};
use crate::watchlists::Compiled;

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

pub struct Engine {
    /// Read-only connections for the UI's reads (lists, search, the
    /// reader, previews), so they never wait for the poll's writer. Declared
    /// before `store` so they close first: the last connection to close
    /// checkpoints the WAL and removes it, and only the writer can.
    pub(crate) readers: Vec<Mutex<Store>>,
    pub(crate) store: Mutex<Store>,
    pub(crate) db_path: PathBuf,
    pub(crate) fetcher: RwLock<Fetcher>,
    pub(crate) compiled: RwLock<Arc<Compiled>>,
    pub(crate) sink: Arc<dyn NotificationSink>,
    pub(crate) events: Arc<dyn EventSink>,
    pub(crate) policy: Mutex<Policy>,
    pub(crate) paused: AtomicBool,
    pub(crate) wake: Notify,
    pub(crate) poll_gate: tokio::sync::Mutex<()>,
    pub(crate) clock: Clock,
    next_reader: AtomicUsize,
    /// Names this engine in the poll leases it takes (see `scheduler`).
    pub(crate) holder: String,
    /// The request budget's pace, worked out again every
    /// `schedule::PACE_EVERY` (see `scheduler`).
    pub(crate) pace: Mutex<crate::scheduler::PaceState>,
    /// Spacing of requests to services that ask for it (t.me, GDELT).
    pub(crate) gates: crate::gate::Gates,
    /// Pages fetched for the selector builder (`api::preview_page_source`).
    pub(crate) page_cache: crate::api::PageCache,
    /// The poll in progress, as last reported (see `Engine::poll_state`).
    pub(crate) poll_progress: Mutex<Option<PollProgress>>,
    /// A read-only connection that only watches the archive's
    /// `data_version`, so asking "did anything change?" never waits for a
    /// reader busy with a long search.
    pub(crate) watcher: Mutex<Store>,
}

pub const USER_AGENT: &str = concat!(
    "Outpost/",
    env!("CARGO_PKG_VERSION"),
    " (regional news monitor; +https://example.invalid/outpost)"
);

pub(crate) fn fetch_config(settings: &Settings) -> FetchConfig {
    FetchConfig {
        user_agent: USER_AGENT.to_string(),
        proxy: settings.proxy.clone().filter(|p| !p.trim().is_empty()),
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
        let readers_path = options.db_path.clone();
        let open_reader = |path: &Path| {
            Store::open_reader(path)
                .or_else(|_| Store::open_read_only(path))
                .map(Mutex::new)
        };
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
            holder: crate::scheduler::lease_holder(),
            pace: Mutex::new(crate::scheduler::PaceState::default()),
            gates: crate::gate::Gates::default(),
            page_cache: Default::default(),
            next_reader: AtomicUsize::new(0),
            // A folder nobody may write to cannot hold the -shm file a WAL
            // reader needs; the archive is then read as immutable.
            readers: (0..READERS)
                .map(|_| open_reader(&readers_path))
                .collect::<std::result::Result<_, _>>()?,
            watcher: open_reader(&readers_path)?,
            poll_progress: Mutex::new(None),
            store: Mutex::new(store),
        };
        engine.recompile()?;
        Ok(Arc::new(engine))
    }

    /// Sets the spacing of requests to t.me and GDELT (tests use a short
    /// one; the defaults are what the services ask for).
    pub fn set_request_spacing(&self, spacing: crate::gate::RequestSpacing) {
        self.gates.set_spacing(spacing);
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// The archive, for the engine's use cases. Held briefly: one statement
    /// or one transaction.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A read-only connection from the readers' pool, for reads the
    /// analyst waits on: it sees the last committed state and never queues
    /// behind the poll. A free one if there is one, else the next in turn.
    pub(crate) fn reader(&self) -> MutexGuard<'_, Store> {
        for r in &self.readers {
            if let Ok(guard) = r.try_lock() {
                return guard;
            }
        }
        let turn = self.next_reader.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        self.readers[turn].lock().unwrap_or_else(|e| e.into_inner())
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

    // ----- sources --------------------------------------------------------

    /// Adds a source by feed URL or by site URL (autodiscovery). The URL is
    /// fetched once to find and check the feed; its first items arrive with
    /// the next poll.
    pub async fn add_source(&self, input: NewSourceRequest) -> Result<Source> {
        if input.kind.is_some_and(|k| k != SourceKind::Feed) {
            return self.add_source_of_kind(input).await;
        }
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
            settings: Default::default(),
            url: resolved.feed_url.to_string(),
            name,
            interval_secs: input.interval_secs.unwrap_or(DEFAULT_INTERVAL_SECS),
            lang: input.lang.or(resolved.parsed.language.clone()),
            country: None,
            folder: input.folder,
            tags: input.tags,
        };
        let id = {
            let store = self.store();
            let id = store.add_source(&new, self.now())?;
            // An interval the analyst typed is theirs to keep; without one
            // the scheduler learns the source's rhythm.
            if input.interval_secs.is_some() {
                store.set_source_schedule(id, None, Some(true), None)?;
            }
            id
        };
        self.events.emit(EngineEvent::SourcesChanged);
        self.wake.notify_one();
        Ok(self.store().get_source(id)?)
    }

    /// Adds a source exactly as given, without fetching it first (OPML
    /// import, the default pack, scripts). An interval other than
    /// [`DEFAULT_INTERVAL_SECS`] was chosen, so it is kept fixed.
    pub fn add_source_unchecked(&self, new: &NewSource) -> Result<SourceId> {
        check_folder(new.folder.as_deref())?;
        let id = {
            let store = self.store();
            let id = store.add_source(new, self.now())?;
            if new.interval_secs != DEFAULT_INTERVAL_SECS {
                store.set_source_schedule(id, None, Some(true), None)?;
            }
            id
        };
        self.events.emit(EngineEvent::SourcesChanged);
        Ok(id)
    }

    /// Loads the default regional source pack (see `outpost_feeds::defaults`).
    pub fn add_default_sources(&self) -> Result<u32> {
        self.add_source_pack("default")
    }

    /// Adds a named source pack (`default` or `telegram`, see
    /// `outpost_feeds::defaults::PACKS`); sources already present are left
    /// alone. Returns how many were added.
    pub fn add_source_pack(&self, name: &str) -> Result<u32> {
        let pack = outpost_feeds::defaults::pack(name).ok_or_else(|| {
            EngineError::invalid(format!(
                "there is no source pack named '{name}'; the packs are {}",
                outpost_feeds::defaults::PACKS.join(", ")
            ))
        })?;
        let added = add_pack(&self.store(), pack, self.now())?;
        self.events.emit(EngineEvent::SourcesChanged);
        self.wake.notify_one();
        Ok(added)
    }

    pub(crate) fn fetcher(&self) -> Fetcher {
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
}

/// The request behind "add a source".
#[derive(Debug, Clone, Default)]
pub struct NewSourceRequest {
    /// A feed when `None`.
    pub kind: Option<SourceKind>,
    /// The kind's settings: a page's selectors, a GDELT query.
    pub settings: outpost_core::SourceSettings,
    /// A feed's or a site's address; a Telegram channel (`t.me/NAME`,
    /// `@NAME`); a page's address; a GDELT endpoint (empty for the public one).
    pub url: String,
    pub name: Option<String>,
    pub interval_secs: Option<u32>,
    pub lang: Option<String>,
    pub folder: Option<String>,
    pub tags: Vec<String>,
}

pub const DEFAULT_INTERVAL_SECS: u32 = 15 * 60;

/// Read-only connections in the readers' pool: the UI rarely has more than
/// a list, a search and the reader open at once.
const READERS: usize = 3;

pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
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
pub(crate) fn check_folder(folder: Option<&str>) -> Result<()> {
    match folder {
        Some(f) => outpost_feeds::opml::check_folder(f)
            .map_err(|e| EngineError::invalid(format!("{e}, then add the source again"))),
        None => Ok(()),
    }
}

/// Adds the regional source pack; sources already present are left alone.
/// Returns how many were added.
fn add_default_sources(store: &Store, now: Timestamp) -> Result<u32> {
    add_pack(store, outpost_feeds::defaults::default_sources(), now)
}

fn add_pack(
    store: &Store,
    pack: Vec<outpost_feeds::defaults::DefaultSource>,
    now: Timestamp,
) -> Result<u32> {
    let mut added = 0;
    for s in pack {
        let new = NewSource {
            kind: s.kind,
            settings: s.settings,
            url: s.url.to_string(),
            name: s.name,
            interval_secs: DEFAULT_INTERVAL_SECS,
            lang: s.lang,
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
