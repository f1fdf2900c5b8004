//! The schema and its forward-only migrations.
//!
//! `PRAGMA user_version` holds the number of migrations applied. Each
//! migration runs in its own transaction together with the version bump, so
//! a crash leaves the archive either before or after it. Migrations are never
//! edited once released: a change is a new entry at the end of
//! [`MIGRATIONS`]. An archive whose version is above `MIGRATIONS.len()` was
//! written by a newer Outpost and is refused rather than guessed at.
//!
//! Timestamps are INTEGER milliseconds since the Unix epoch (UTC); lists are
//! JSON text.

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::Result;

/// Migration `i` (0-based) brings the schema from version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[
    V1,
    V2,
    V3_PENDING_MOVE,
    V4_SAVED,
    V5_LEASES,
    V6_SOURCE_SETTINGS,
    V7_VARIANTS_GATE,
    V8_SCHEDULE,
    V9_ARTICLE_EXTRA,
];

/// The schema version this build writes and understands.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Schema version 1. The FTS5 index holds only normalised words separated
/// by single spaces (see `outpost_core::normalize`), and queries are
/// normalised the same way, so the tokenizer only has to split on spaces:
/// FTS5's `ascii` tokenizer does exactly that (every non-ASCII byte is a word
/// character) and is the fastest. The shared normaliser alone decides what a
/// word is, for the index, the search and the watchlist matcher alike.
const V1: &str = r#"
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sources (
    id                   INTEGER PRIMARY KEY,
    kind                 TEXT NOT NULL,
    url                  TEXT NOT NULL,
    name                 TEXT NOT NULL,
    interval_secs        INTEGER NOT NULL,
    lang                 TEXT,
    country              TEXT,
    folder               TEXT,
    tags                 TEXT NOT NULL DEFAULT '[]',
    enabled              INTEGER NOT NULL DEFAULT 1,
    disabled_reason      TEXT,
    created_at           INTEGER NOT NULL,
    -- A removed source whose articles are kept (alerted or saved) stays as a
    -- tombstone so those articles still name where they came from.
    removed_at           INTEGER,
    last_fetch_at        INTEGER,
    last_success_at      INTEGER,
    last_error           TEXT,
    last_status          INTEGER,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    next_fetch_at        INTEGER,
    items_seen           INTEGER NOT NULL DEFAULT 0,
    avg_latency_ms       INTEGER,
    etag                 TEXT,
    last_modified        TEXT
);
CREATE UNIQUE INDEX sources_url ON sources(url) WHERE removed_at IS NULL;

CREATE TABLE fetch_log (
    id         INTEGER PRIMARY KEY,
    source_id  INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    ok         INTEGER NOT NULL,
    status     INTEGER,
    error      TEXT,
    latency_ms INTEGER,
    items      INTEGER NOT NULL,
    new_items  INTEGER NOT NULL
);
CREATE INDEX fetch_log_source_at ON fetch_log(source_id, at);
CREATE INDEX fetch_log_at ON fetch_log(at);

CREATE TABLE stories (
    id         INTEGER PRIMARY KEY,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    title      TEXT NOT NULL,
    -- The engine's clustering signature: a 64-bit simhash of the title and
    -- lead, and the set of distinctive normalised tokens (JSON array).
    simhash    INTEGER NOT NULL,
    tokens     TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX stories_last_seen ON stories(last_seen);

CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    url           TEXT,
    canonical_url TEXT,
    content_hash  BLOB NOT NULL,
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL,
    content_html  TEXT NOT NULL,
    text          TEXT NOT NULL,
    lang          TEXT,
    published     INTEGER,
    fetched_at    INTEGER NOT NULL,
    updated_at    INTEGER,
    -- Publication time clamped to the fetch time (feeds post-date items);
    -- the date that search filters use.
    sort_date     INTEGER NOT NULL,
    authors       TEXT NOT NULL DEFAULT '[]',
    story_id      INTEGER REFERENCES stories(id) ON DELETE SET NULL,
    saved_at      INTEGER
);
CREATE UNIQUE INDEX articles_canonical_url ON articles(canonical_url)
    WHERE canonical_url IS NOT NULL;
CREATE INDEX articles_content_hash ON articles(content_hash, fetched_at);
CREATE INDEX articles_fetched_at ON articles(fetched_at);
CREATE INDEX articles_story ON articles(story_id) WHERE story_id IS NOT NULL;
CREATE INDEX articles_saved ON articles(saved_at) WHERE saved_at IS NOT NULL;

CREATE TABLE article_sources (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    source_id  INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    guid       TEXT,
    first_seen INTEGER NOT NULL,
    -- SHA-256 of what this source last delivered, so an edit by the source
    -- is told apart from another outlet's wording of the same article.
    copy_hash  BLOB,
    PRIMARY KEY (article_id, source_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX article_sources_guid ON article_sources(source_id, guid)
    WHERE guid IS NOT NULL;
CREATE INDEX article_sources_source ON article_sources(source_id);

-- Contentless: the normalised words live only in the index; snippets are
-- cut from the original text in Rust. The rowid is the article id.
CREATE VIRTUAL TABLE article_fts USING fts5(
    title, body,
    content = '',
    contentless_delete = 1,
    tokenize = 'ascii'
);

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM article_fts WHERE rowid = old.id;
END;

CREATE TABLE snapshots (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    final_url  TEXT,
    fetched_at INTEGER NOT NULL,
    html       TEXT,
    text       TEXT,
    sha256     TEXT,
    error      TEXT
);

CREATE TABLE watchlists (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    query         TEXT NOT NULL,
    severity      TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    notify        INTEGER NOT NULL DEFAULT 1,
    enabled       INTEGER NOT NULL DEFAULT 1,
    scope_sources TEXT NOT NULL DEFAULT '[]',
    scope_langs   TEXT NOT NULL DEFAULT '[]',
    color         TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE alerts (
    id           INTEGER PRIMARY KEY,
    watchlist_id INTEGER NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
    article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    story_id     INTEGER REFERENCES stories(id) ON DELETE SET NULL,
    spans        TEXT NOT NULL DEFAULT '[]',
    created_at   INTEGER NOT NULL,
    state        TEXT NOT NULL DEFAULT 'new'
                 CHECK (state IN ('new', 'read', 'saved', 'dismissed')),
    note         TEXT,
    UNIQUE (watchlist_id, article_id)
);
CREATE INDEX alerts_created_at ON alerts(created_at);
CREATE INDEX alerts_article ON alerts(article_id);
CREATE INDEX alerts_state ON alerts(state, watchlist_id);
CREATE INDEX alerts_story ON alerts(story_id) WHERE story_id IS NOT NULL;

CREATE TABLE alert_tags (
    alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    tag      TEXT NOT NULL,
    PRIMARY KEY (alert_id, tag)
) WITHOUT ROWID;
CREATE INDEX alert_tags_tag ON alert_tags(tag);

-- The highest severity at which a story was already notified for a
-- watchlist, so a second outlet reporting it stays silent.
CREATE TABLE story_notifications (
    story_id     INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    watchlist_id INTEGER NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
    severity     TEXT NOT NULL,
    notified_at  INTEGER NOT NULL,
    PRIMARY KEY (story_id, watchlist_id)
) WITHOUT ROWID;
"#;

/// Schema version 2 (Hardening 2, items 5 and 9).
///
/// A removed watchlist whose alerts the analyst kept (saved, noted or
/// tagged) stays as an archived row with `removed_at` set, so those alerts
/// keep their watchlist's name and severity; it is hidden from lists and
/// from matching. Names are unique among active watchlists only, so the
/// table is rebuilt without the column constraint (SQLite cannot drop it).
///
/// An alert stores at most the first 100 spans of its match, and
/// `span_count` how many there were; existing alerts are cut down to that
/// (one item full of hits had stored 43.8 MB of spans).
const V2: &str = r#"
CREATE TABLE watchlists_v2 (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    query         TEXT NOT NULL,
    severity      TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    notify        INTEGER NOT NULL DEFAULT 1,
    enabled       INTEGER NOT NULL DEFAULT 1,
    scope_sources TEXT NOT NULL DEFAULT '[]',
    scope_langs   TEXT NOT NULL DEFAULT '[]',
    color         TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    removed_at    INTEGER
);
INSERT INTO watchlists_v2 (id, name, query, severity, notify, enabled, scope_sources,
        scope_langs, color, created_at, updated_at)
    SELECT id, name, query, severity, notify, enabled, scope_sources,
        scope_langs, color, created_at, updated_at FROM watchlists;
DROP TABLE watchlists;
ALTER TABLE watchlists_v2 RENAME TO watchlists;
CREATE UNIQUE INDEX watchlists_name ON watchlists(name) WHERE removed_at IS NULL;

ALTER TABLE alerts ADD COLUMN span_count INTEGER;
UPDATE alerts SET span_count = json_array_length(spans) WHERE json_valid(spans);
UPDATE alerts SET spans = (
        SELECT json_group_array(json(value))
        FROM (SELECT value FROM json_each(alerts.spans) ORDER BY key LIMIT 100))
    WHERE span_count > 100;
"#;

/// The SQL of migration `i` (0-based), for tests that build an archive as
/// an older version wrote it.
pub fn migration_sql(i: usize) -> &'static str {
    MIGRATIONS[i]
}

/// Schema version 3: a feed's permanent move to another host waits here
/// for the analyst to accept it (SECURITY.md, section 2); the stored `url`
/// is still the one polled.
const V3_PENDING_MOVE: &str = r#"
ALTER TABLE sources ADD COLUMN pending_move_url TEXT;
"#;

/// Schema version 4: "saved" is kept apart from the triage state, so
/// dismissing a saved alert never takes it out of Saved (issue 20). The old
/// state value `saved` stays valid and means "read and saved".
const V4_SAVED: &str = r#"
ALTER TABLE alerts ADD COLUMN saved INTEGER NOT NULL DEFAULT 0;
UPDATE alerts SET saved = 1 WHERE state = 'saved';
CREATE INDEX alerts_saved ON alerts(saved) WHERE saved = 1;
"#;

/// Schema version 5: poll leases, so two pollers on one archive (the app
/// and `outpost poll`) never fetch the same source at once, and
/// notifications that could not be delivered, kept until a later cycle
/// delivers them (for at most a day).
const V5_LEASES: &str = r#"
CREATE TABLE source_leases (
    source_id  INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE pending_notifications (
    alert_id INTEGER PRIMARY KEY REFERENCES alerts(id) ON DELETE CASCADE,
    since    INTEGER NOT NULL
);
"#;

/// Schema version 6: the settings of source kinds other than feeds (a
/// page's selectors, a GDELT query), as JSON.
const V6_SOURCE_SETTINGS: &str = r#"
ALTER TABLE sources ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
"#;

/// Schema version 7: per watchlist, the spelling variants the analyst
/// dropped (a JSON list of normalised variants), and the corroboration gate
/// (how many independent sources an alert's story needs before it
/// notifies, and whether critical severity bypasses that wait).
const V7_VARIANTS_GATE: &str = r#"
ALTER TABLE watchlists ADD COLUMN dropped_variants TEXT NOT NULL DEFAULT '[]';
ALTER TABLE watchlists ADD COLUMN min_sources INTEGER NOT NULL DEFAULT 1;
ALTER TABLE watchlists ADD COLUMN gate_bypass_critical INTEGER NOT NULL DEFAULT 0;
"#;

/// Schema version 8: what the adaptive scheduler learns from and decides
/// (issue 19). `source_publishes` keeps the publish times of each source's
/// recent items (first-seen time for undated ones), at most
/// `outpost_core::schedule::HISTORY_ITEMS` per source; an upgraded archive
/// starts from the articles it already holds. `interval_fixed` marks an
/// interval the analyst chose (every interval other than the 15-minute
/// default was chosen), `priority` a source polled at its floor while
/// active, and `check_every_secs` / `check_reason` the scheduler's last
/// decision, for the Sources page.
const V8_SCHEDULE: &str = r#"
ALTER TABLE sources ADD COLUMN interval_fixed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN check_every_secs INTEGER;
ALTER TABLE sources ADD COLUMN check_reason TEXT;
UPDATE sources SET interval_fixed = 1 WHERE interval_secs <> 900;

CREATE TABLE source_publishes (
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    at        INTEGER NOT NULL,
    PRIMARY KEY (source_id, at)
) WITHOUT ROWID;

INSERT OR IGNORE INTO source_publishes (source_id, at)
SELECT source_id, at FROM (
    SELECT x.source_id AS source_id,
           min(coalesce(a.published, x.first_seen), x.first_seen) AS at,
           row_number() OVER (
               PARTITION BY x.source_id
               ORDER BY min(coalesce(a.published, x.first_seen), x.first_seen) DESC) AS n
    FROM article_sources x JOIN articles a ON a.id = x.article_id)
WHERE n <= 200;
"#;

/// Schema version 9: what some kinds of source say about an article
/// besides its text (a Telegram post's forwarded-from and views label, a
/// GDELT article's outlet), as JSON.
const V9_ARTICLE_EXTRA: &str = r#"
ALTER TABLE articles ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';
"#;

/// Reads the schema version.
pub(crate) fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Applies the migrations the archive has not seen yet. Each step takes the
/// write lock first and re-reads the version, so the app and the CLI opening
/// a fresh archive at the same moment do not both migrate it.
pub(crate) fn migrate(conn: &Connection) -> Result<()> {
    if version(conn)? >= LATEST {
        return Ok(());
    }
    // A migration that rebuilds a table (SQLite's documented way to change
    // a constraint) drops the old one, and with foreign keys on that drop
    // would cascade into every referencing row. So foreign keys are off
    // while migrating (the pragma only takes effect outside a transaction),
    // and each step checks them before it commits.
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = migrate_steps(conn);
    conn.pragma_update(None, "foreign_keys", true)?;
    result
}

fn migrate_steps(conn: &Connection) -> Result<()> {
    loop {
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        let current = version(&tx)?;
        if current >= LATEST {
            return Ok(());
        }
        tx.execute_batch(MIGRATIONS[current as usize])?;
        let broken: i64 =
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if broken > 0 {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                Some(format!(
                    "migration {} would leave {broken} broken references",
                    current + 1
                )),
            )
            .into());
        }
        tx.pragma_update(None, "user_version", current + 1)?;
        tx.commit()?;
        tracing::info!(version = current + 1, "archive schema migrated");
    }
}
