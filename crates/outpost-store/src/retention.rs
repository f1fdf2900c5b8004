//! Retention: articles older than the window go, unless a person kept them;
//! then whatever pointed only at them (index rows, stories, tombstoned
//! sources, old fetch-log entries).

use rusqlite::{Connection, params};

use crate::error::Result;
use crate::{Store, Timestamp, ms};

/// Articles are deleted in chunks of this many rows, one transaction each,
/// so pruning a large archive never holds the write lock for long.
pub const PRUNE_CHUNK: u64 = 2_000;

/// Which articles retention removes: older than the cutoff by their date
/// (`sort_date` is the publication time clamped to the first fetch, or the
/// first fetch when the feed gave no date), and kept by nothing. An alert
/// keeps its article, and with it the alert's note and tags; so do saving
/// and a snapshot.
const EXPIRED: &str = "a.sort_date < ?1 AND a.saved_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM alerts l WHERE l.article_id = a.id)
    AND NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.article_id = a.id)";

/// What one prune removed (or, for a dry run, would remove).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub articles: u64,
    /// Full-text index rows left behind by an article that no longer exists.
    pub index_rows: u64,
    /// Stories no article or alert refers to any more.
    pub stories: u64,
    /// Removed sources kept only as the name of articles that are now gone.
    pub sources: u64,
    /// Fetch-log entries past their own 30-day window.
    pub fetch_log: u64,
}

impl Store {
    /// Deletes the articles older than `older_than_days` days before `now`
    /// that are not saved, alerted or snapshotted, then the index rows,
    /// stories, tombstoned sources and fetch-log entries nothing needs any
    /// more. With `dry_run` the same statements run in one transaction
    /// that is rolled back, so the counts are exactly what a real run
    /// would remove and nothing is deleted.
    pub fn prune(&self, now: Timestamp, older_than_days: u32, dry_run: bool) -> Result<Pruned> {
        if !dry_run {
            let mut articles = 0;
            loop {
                let n = self.prune_chunk(now, older_than_days)?;
                articles += n;
                if n < PRUNE_CHUNK {
                    break;
                }
            }
            return Ok(Pruned {
                articles,
                ..self.prune_orphans(now, older_than_days)?
            });
        }
        self.run(|| {
            let (cutoff, log_cutoff) = cutoffs(now, older_than_days);
            let dry = self.write_tx()?;
            let mut pruned = Pruned::default();
            loop {
                let n = delete_expired(&dry, cutoff)?;
                pruned.articles += n;
                if n < PRUNE_CHUNK {
                    break;
                }
            }
            delete_orphans(&dry, cutoff, log_cutoff, &mut pruned)?;
            drop(dry); // A dry run: rolled back.

            Ok(pruned)
        })
    }

    /// Deletes one chunk (at most a few thousand) of expired articles in its
    /// own transaction and returns how many went; fewer than a chunk means
    /// none are left. A caller that shares the store between threads prunes
    /// chunk by chunk so others get the store in between.
    pub fn prune_chunk(&self, now: Timestamp, older_than_days: u32) -> Result<u64> {
        self.run(|| {
            let tx = self.write_tx()?;
            let n = delete_expired(&tx, cutoffs(now, older_than_days).0)?;
            tx.commit()?;
            Ok(n)
        })
    }

    /// After the articles: the index rows, stories, tombstoned sources and
    /// fetch-log entries nothing needs any more, in one transaction.
    pub fn prune_orphans(&self, now: Timestamp, older_than_days: u32) -> Result<Pruned> {
        self.run(|| {
            let (cutoff, log_cutoff) = cutoffs(now, older_than_days);
            let tx = self.write_tx()?;
            let mut pruned = Pruned::default();
            delete_orphans(&tx, cutoff, log_cutoff, &mut pruned)?;
            tx.commit()?;
            Ok(pruned)
        })
    }

    /// The retention period: the setting, or the default.
    pub fn retention_days(&self) -> Result<u32> {
        Ok(self
            .get_setting(crate::RETENTION_DAYS_KEY)?
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(crate::DEFAULT_RETENTION_DAYS))
    }
}

/// The article cutoff and the fetch-log cutoff, in milliseconds.
fn cutoffs(now: Timestamp, older_than_days: u32) -> (i64, i64) {
    (
        ms(now) - i64::from(older_than_days) * 86_400_000,
        ms(now) - crate::sources::FETCH_LOG_DAYS * 86_400_000,
    )
}

/// Deletes one chunk of expired articles; the FTS rows go with them (the
/// `articles_fts_delete` trigger), article sources and snapshots by cascade.
fn delete_expired(conn: &Connection, cutoff: i64) -> Result<u64> {
    let sql = format!(
        "DELETE FROM articles WHERE id IN (
            SELECT a.id FROM articles a WHERE {EXPIRED} LIMIT ?2)"
    );
    Ok(conn.execute(&sql, params![cutoff, PRUNE_CHUNK as i64])? as u64)
}

fn delete_orphans(conn: &Connection, cutoff: i64, log_cutoff: i64, p: &mut Pruned) -> Result<()> {
    // The trigger keeps the index in step, but an archive written before it
    // existed, or a row a failed ingest left, would otherwise stay for ever.
    p.index_rows = conn.execute(
        "DELETE FROM article_fts WHERE rowid IN (
            SELECT f.rowid FROM article_fts f
            WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = f.rowid))",
        [],
    )? as u64;
    p.stories = conn.execute(
        "DELETE FROM stories WHERE last_seen < ?1
         AND NOT EXISTS (SELECT 1 FROM articles WHERE story_id = stories.id)
         AND NOT EXISTS (SELECT 1 FROM alerts WHERE story_id = stories.id)",
        [cutoff],
    )? as u64;
    p.sources = conn.execute(
        "DELETE FROM sources WHERE removed_at IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM article_sources x WHERE x.source_id = sources.id)",
        [],
    )? as u64;
    p.fetch_log = conn.execute("DELETE FROM fetch_log WHERE at < ?1", [log_cutoff])? as u64;
    Ok(())
}
