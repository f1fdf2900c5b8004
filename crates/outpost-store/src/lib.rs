//! The SQLite archive. The only crate in Outpost that contains SQL.
//!
//! One [`Store`] wraps one connection to one database file (bundled SQLite,
//! WAL journal, foreign keys on, forward-only migrations in [`schema`]). The
//! API is synchronous: the engine calls it from `spawn_blocking` or a
//! dedicated thread. `Store` is `Send` but not `Sync`; open one per thread
//! (WAL lets readers and one writer work side by side).
//!
//! # Deduplication
//!
//! [`Store::ingest`] looks an incoming item up, in order, by its GUID within
//! the same source, by its canonical URL
//! ([`outpost_core::canonical::canonical_url`]), and by a content hash:
//! SHA-256 of the normalised title and summary. The hash key is only used
//! when title and summary together have at least
//! [`articles::MIN_HASH_WORDS`] words, and only against articles fetched in
//! the last [`articles::HASH_WINDOW_DAYS`] days, so two different "Daily
//! briefing" items months apart are not merged. A hit links the article to
//! the new source (it remembers every source it came from). A hit whose
//! title, summary or text changed is updated in place and reported as
//! [`IngestStatus::Updated`], never as new; otherwise it is
//! [`IngestStatus::Unchanged`]. A batch's lookups are three queries (GUIDs,
//! URLs, hashes, each an `IN` list), not three per item. The poll
//! normalises items on its worker pool ([`prepare_articles`]) and hands
//! them to [`Store::ingest_prepared`]; [`Store::ingest`] does both.
//! Writes compose: inside [`Store::write_batch`] each write method is a
//! savepoint of one transaction, so the poll commits many sources at once.
//!
//! # Full-text search
//!
//! The index is a contentless FTS5 table (`article_fts`, rowid = article id)
//! fed with `outpost_core::normalize::normalize` of the title and of
//! summary + text; queries are normalised the same way, so case, Latin
//! diacritics, `ё`/`е` and the Arabic/Persian letter variants all match.
//! User queries are parsed by [`search::parse_query`] and rebuilt as a
//! quoted FTS5 expression: raw user text never reaches `MATCH`.
//!
//! Speed on a large archive (`benches/search.rs`, 1,000,000 articles): a
//! naive `ORDER BY bm25(article_fts)` must score every matching row, and
//! FTS5's `bm25()` first counts every match of every phrase in the whole
//! index; for a word in a third of the archive that is hundreds of
//! thousands of rows per query. So neither order sorts all matches:
//!
//! * [`SearchOrder::Newest`] walks the index in descending rowid order (rowids
//!   follow archiving time) and stops after `offset + limit` hits.
//! * [`SearchOrder::Ranked`] takes the [`search::RANK_WINDOW`] most recent
//!   matches the same way and ranks only those, with BM25 over title
//!   (weighted [`search::TITLE_WEIGHT`]×) and summary, document frequencies
//!   taken from the window. For rare words the window holds every match;
//!   for common words it ranks the recent ones, which is what an analyst
//!   scanning news wants. Articles that matched only in their full text
//!   rank after those that matched in title or summary.
//!
//! Measured over 1,000,000 generated articles (see `bench/search/README.md`):
//! p95 between 9 and 44 ms for every kind (rare and common words, phrases,
//! prefixes, NEAR) and both orders, against 7–280 ms for the naive query.
//!
//! Snippets are cut in Rust from the original text of the page of hits only,
//! with the matched words wrapped in `<mark>` and everything else escaped.
//!
//! # Retention
//!
//! [`Store::prune`] deletes articles fetched more than N days ago (setting
//! [`RETENTION_DAYS_KEY`], default [`DEFAULT_RETENTION_DAYS`]) unless they
//! are saved, have an alert or a snapshot. Removing a watchlist removes its
//! alerts except those the analyst saved, noted or tagged: those stay, under
//! the removed watchlist kept as an archived row (hidden from lists and from
//! matching), and the articles of its saved alerts are marked saved, so
//! evidence the analyst kept is never lost.
//!
//! # Errors
//!
//! [`StoreError`] variants are sentences naming the file and what to do:
//! a newer schema, a damaged file, a read-only folder, a full disk. Every
//! write is one transaction, so a failure leaves what was stored intact.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::DateTime;
use rusqlite::Connection;

pub use outpost_core::model::*;

mod alerts;
mod articles;
mod error;
mod misc;
mod retention;
mod schedule;
pub mod schema;
pub mod search;
mod sources;
mod stories;
mod text;
mod views;

pub use alerts::{AlertTriage, MAX_STORED_SPANS, NewAlert, WatchlistRemoval};
pub use articles::{IngestStatus, Ingested, NewArticle, PreparedArticle, prepare_articles};
pub use error::{Result, StoreError};
pub use retention::{PRUNE_CHUNK, Pruned};
pub use search::QueryError;
pub use sources::FetchRecord;
pub use stories::{NewStory, PendingAlert, StoryRecord};

/// Bytes SQLite holds in this process (page caches, prepared statements),
/// for the memory benchmark (bench/idle): the share of the process's memory
/// that is a cache bounded by each connection's `cache_size`, not growth.
pub fn sqlite_memory_used() -> i64 {
    // SAFETY: sqlite3_memory_used takes no arguments and reads a counter
    // SQLite keeps for the whole process.
    unsafe { rusqlite::ffi::sqlite3_memory_used() }
}

/// The setting that holds the retention period in days.
pub const RETENTION_DAYS_KEY: &str = "retention_days";
/// Retention when the setting is absent.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;
/// The setting that marks an archive whose first-run seeding is done.
pub const SEEDED_KEY: &str = "seeded";

/// A connection to the archive.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating the file and its folders if needed) and migrates the
    /// archive at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        if let Some(Err(source)) = dir.map(std::fs::create_dir_all) {
            return Err(match source.kind() {
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                    StoreError::ReadOnly { path }
                }
                _ => StoreError::Io { path, source },
            });
        }
        let conn = Connection::open(&path).map_err(|e| StoreError::from(e).locate(&path))?;
        let store = Store { conn, path };
        store.run(|| store.configure(true))?;
        Ok(store)
    }

    /// Opens an existing archive for reading only, so a read-only file or
    /// folder can be searched and exported, and a mistyped path is refused
    /// ([`StoreError::NoArchive`]) instead of creating an empty archive. An
    /// archive of an older schema is opened for writing once to migrate it.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        if !path.is_file() {
            return Err(StoreError::NoArchive { path });
        }
        let (store, found) = match Self::read_only_conn(&path, false) {
            // SQLite reads a WAL archive through its -shm file, which it
            // cannot create in a read-only folder. Nothing can write there
            // either, so the file is read as immutable.
            Err(StoreError::ReadOnly { .. }) if !error::folder_writable(&path) => {
                Self::read_only_conn(&path, true)?
            }
            other => other?,
        };
        if found == schema::LATEST {
            Ok(store)
        } else {
            drop(store);
            Store::open(path)
        }
    }

    fn read_only_conn(path: &Path, immutable: bool) -> Result<(Store, i64)> {
        use rusqlite::OpenFlags;
        let mut flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = if immutable {
            flags |= OpenFlags::SQLITE_OPEN_URI;
            let url = url_path(path);
            Connection::open_with_flags(format!("file:{url}?immutable=1"), flags)
        } else {
            Connection::open_with_flags(path, flags)
        }
        .map_err(|e| StoreError::from(e).locate(path))?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
        };
        let found = store.run(|| {
            store.conn.busy_timeout(Duration::from_secs(10))?;
            store.conn.set_prepared_statement_cache_capacity(128);
            let found = schema::version(&store.conn)?;
            if found > schema::LATEST {
                return Err(StoreError::NewerSchema {
                    path: store.path.clone(),
                    found,
                    supported: schema::LATEST,
                });
            }
            store.conn.pragma_update(None, "query_only", true)?;
            Ok(found)
        })?;
        Ok((store, found))
    }

    /// A read-only connection to an existing archive, for the readers'
    /// pool: in WAL mode it reads the last committed state while the writer
    /// writes, and never waits for it.
    pub fn open_reader(path: impl AsRef<Path>) -> Result<Store> {
        use rusqlite::OpenFlags;
        let path = path.as_ref().to_path_buf();
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(&path, flags)
            .map_err(|e| StoreError::from(e).locate(&path))?;
        let store = Store { conn, path };
        store.run(|| {
            let c = &store.conn;
            c.busy_timeout(Duration::from_secs(10))?;
            c.set_prepared_statement_cache_capacity(128);
            c.pragma_update(None, "cache_size", -16_384)?;
            c.pragma_update(None, "temp_store", "MEMORY")?;
            Ok(())
        })?;
        Ok(store)
    }

    /// A private, empty archive in memory (tests, previews).
    pub fn open_in_memory() -> Result<Store> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|e| StoreError::from(e).locate(&path))?;
        let store = Store { conn, path };
        store.run(|| store.configure(false))?;
        Ok(store)
    }

    /// The file this store reads and writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn configure(&self, file: bool) -> Result<()> {
        let c = &self.conn;
        c.busy_timeout(Duration::from_secs(10))?;
        c.set_prepared_statement_cache_capacity(128);
        // Reading the schema first makes a file that is not a database fail
        // here, with "not a database", before anything is written.
        let found = schema::version(c)?;
        if found > schema::LATEST {
            return Err(StoreError::NewerSchema {
                path: self.path.clone(),
                found,
                supported: schema::LATEST,
            });
        }
        if file {
            // SQLite opens a file it may not write read-only without saying
            // so (a read-only mount, a file without write permission); a WAL
            // archive whose -shm survived would then even pass the check
            // below, and the first write would fail instead.
            if c.is_readonly(rusqlite::MAIN_DB)? {
                return Err(StoreError::ReadOnly {
                    path: self.path.clone(),
                });
            }
            let mode: String = c.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                // SQLite falls back silently when it cannot create the -wal
                // file; the folder is then effectively read-only for us.
                return Err(StoreError::ReadOnly {
                    path: self.path.clone(),
                });
            }
        }
        // NORMAL is durable against application crashes in WAL mode and
        // keeps ingest fast; a power cut may lose the last commits but never
        // corrupts the file.
        c.pragma_update(None, "synchronous", "NORMAL")?;
        c.pragma_update(None, "foreign_keys", true)?;
        c.pragma_update(None, "cache_size", -32_768)?;
        c.pragma_update(None, "temp_store", "MEMORY")?;
        schema::migrate(c)?;
        Ok(())
    }

    /// Starts a write transaction that takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so it waits for another writer within the busy
    /// timeout instead of failing with "database is locked" when a read
    /// inside it would later have to upgrade. Inside a transaction already
    /// open ([`Store::write_batch`]) it is a savepoint, so every write
    /// method composes into one batch.
    pub(crate) fn write_tx(&self) -> rusqlite::Result<WriteTx<'_>> {
        let nested = !self.conn.is_autocommit();
        self.conn.execute_batch(if nested {
            "SAVEPOINT outpost_write"
        } else {
            "BEGIN IMMEDIATE"
        })?;
        Ok(WriteTx {
            conn: &self.conn,
            nested,
            open: true,
        })
    }

    /// Runs `f` as one write transaction: everything it writes through the
    /// store (many sources' articles, alerts and fetch records) commits
    /// together, or nothing does. The poll's writer batches with it.
    pub fn write_batch<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Store) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let locate = |e: rusqlite::Error| E::from(StoreError::from(e).locate(&self.path));
        let tx = self.write_tx().map_err(locate)?;
        let value = f(self)?;
        tx.commit().map_err(locate)?;
        Ok(value)
    }

    /// Runs `f` and gives any error the archive's path and its kind.
    fn run<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        f().map_err(|e| e.locate(&self.path))
    }
}

/// `path` as the path part of an SQLite `file:` URI: `?` and `#` (which
/// would end it) and `%` are percent-encoded.
fn url_path(path: &Path) -> String {
    let raw = path.to_string_lossy();
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            '%' => out.push_str("%25"),
            c => out.push(c),
        }
    }
    out
}

/// A write transaction, or a savepoint inside one; rolled back when dropped
/// without [`WriteTx::commit`].
pub(crate) struct WriteTx<'a> {
    conn: &'a Connection,
    nested: bool,
    open: bool,
}

impl WriteTx<'_> {
    pub(crate) fn commit(mut self) -> rusqlite::Result<()> {
        self.open = false;
        self.conn.execute_batch(if self.nested {
            "RELEASE outpost_write"
        } else {
            "COMMIT"
        })
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.execute_batch(if self.nested {
                "ROLLBACK TO outpost_write; RELEASE outpost_write"
            } else {
                "ROLLBACK"
            });
        }
    }
}

impl std::ops::Deref for WriteTx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

/// Milliseconds since the epoch, the storage form of a [`Timestamp`].
pub(crate) fn ms(t: Timestamp) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_ms(v: i64) -> Timestamp {
    DateTime::from_timestamp_millis(v).unwrap_or_default()
}

pub(crate) fn from_ms_opt(v: Option<i64>) -> Option<Timestamp> {
    v.map(from_ms)
}

/// Parses a JSON list column; a damaged value reads as empty rather than
/// failing the whole listing.
pub(crate) fn json_list<T: serde::de::DeserializeOwned>(s: &str) -> Vec<T> {
    serde_json::from_str(s).unwrap_or_default()
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(store: &Store) -> SourceId {
        let s = NewSource {
            kind: SourceKind::Feed,
            settings: Default::default(),
            url: "https://a.example/rss".into(),
            name: "A".into(),
            interval_secs: 600,
            lang: None,
            country: None,
            folder: None,
            tags: vec![],
        };
        store.add_source(&s, chrono::Utc::now()).unwrap()
    }

    fn items(from: u32, n: u32) -> Vec<NewArticle> {
        (from..from + n)
            .map(|i| NewArticle {
                guid: Some(i.to_string()),
                url: Some(format!("https://a.example/{i}")),
                title: format!("Item {i}"),
                text: "words ".repeat(400),
                ..NewArticle::default()
            })
            .collect()
    }

    #[test]
    fn a_full_disk_is_reported_and_loses_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outpost.db");
        let store = Store::open(&path).unwrap();
        let s = source(&store);
        store.ingest(s, &items(0, 10), chrono::Utc::now()).unwrap();
        // SQLite reports SQLITE_FULL when the file may not grow: the same
        // error a full disk gives.
        let pages: i64 = store
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        store
            .conn
            .pragma_update(None, "max_page_count", pages + 2)
            .unwrap();
        let err = store
            .ingest(s, &items(10, 500), chrono::Utc::now())
            .unwrap_err();
        assert!(matches!(err, StoreError::DiskFull { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains("outpost.db") && msg.contains("Free some space"),
            "{msg}"
        );
        assert_eq!(store.count_articles().unwrap(), 10);
        assert_eq!(store.integrity_check().unwrap(), ["ok"]);
        store
            .conn
            .pragma_update(None, "max_page_count", 1_073_741_823)
            .unwrap();
        store
            .ingest(s, &items(10, 500), chrono::Utc::now())
            .unwrap();
        assert_eq!(store.count_articles().unwrap(), 510);
    }

    #[test]
    fn store_is_send() {
        fn assert_send<T: Send>() {}
        assert_send::<Store>();
    }

    #[test]
    fn migrations_are_idempotent_on_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outpost.db");
        drop(Store::open(&path).unwrap());
        let store = Store::open(&path).unwrap();
        assert_eq!(schema::version(&store.conn).unwrap(), schema::LATEST);
    }
}
