//! Sources, their health and the fetch log.

use rusqlite::{OptionalExtension, Row, params};

use crate::error::{Result, StoreError};
use crate::{
    NewSource, Source, SourceHealth, SourceId, SourceKind, SourcePatch, Store, Timestamp, from_ms,
    from_ms_opt, json_list, ms, to_json,
};

/// The outcome of one poll of a source, as the scheduler saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchRecord {
    pub at: Timestamp,
    pub ok: bool,
    pub error: Option<String>,
    pub latency_ms: Option<u32>,
    /// Items in the response (0 for a 304).
    pub items: u32,
    pub new_items: u32,
    /// Validators for the next conditional GET; `None` keeps the stored ones.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub next_fetch_at: Option<Timestamp>,
    /// HTTP status, if a response arrived.
    pub status: Option<u16>,
    /// How long the server asked to be left alone (Retry-After).
    pub retry_after: Option<std::time::Duration>,
}

const SOURCE_COLUMNS: &str = "id, kind, url, name, interval_secs, lang, country, folder, tags, \
     enabled, disabled_reason, created_at, last_fetch_at, last_success_at, last_error, \
     last_status, consecutive_failures, next_fetch_at, items_seen, avg_latency_ms, etag, \
     last_modified, interval_fixed, priority, check_every_secs, check_reason, settings";

/// Days of fetch log kept; older entries are trimmed by `prune`.
pub(crate) const FETCH_LOG_DAYS: i64 = 30;

fn source_from_row(r: &Row<'_>) -> rusqlite::Result<Source> {
    let kind: String = r.get(1)?;
    let tags: String = r.get(8)?;
    Ok(Source {
        id: r.get(0)?,
        // An unknown kind comes from a newer Outpost that added one; reading
        // it as a feed keeps the list usable.
        kind: kind.parse().unwrap_or(SourceKind::Feed),
        // Settings a newer Outpost wrote in a shape this one cannot read
        // are left out rather than failing the list.
        settings: serde_json::from_str(&r.get::<_, String>(26)?).unwrap_or_default(),
        url: r.get(2)?,
        name: r.get(3)?,
        interval_secs: r.get(4)?,
        interval_fixed: r.get(22)?,
        priority: r.get(23)?,
        lang: r.get(5)?,
        country: r.get(6)?,
        folder: r.get(7)?,
        tags: json_list(&tags),
        enabled: r.get(9)?,
        disabled_reason: r.get(10)?,
        created_at: from_ms(r.get(11)?),
        health: SourceHealth {
            last_fetch_at: from_ms_opt(r.get(12)?),
            last_success_at: from_ms_opt(r.get(13)?),
            last_error: r.get(14)?,
            last_status: r.get(15)?,
            consecutive_failures: r.get(16)?,
            next_fetch_at: from_ms_opt(r.get(17)?),
            items_seen: r.get::<_, i64>(18)?.max(0) as u64,
            avg_latency_ms: r.get(19)?,
            etag: r.get(20)?,
            last_modified: r.get(21)?,
            check_every_secs: r.get(24)?,
            check_reason: r.get(25)?,
        },
    })
}

impl Store {
    /// Adds a source. Its first fetch is due immediately.
    pub fn add_source(&self, s: &NewSource, now: Timestamp) -> Result<SourceId> {
        self.run(|| {
            if let Some(id) = self.source_id_by_url(&s.url)? {
                return Err(StoreError::SourceExists {
                    id,
                    url: s.url.clone(),
                });
            }
            self.conn.execute(
                "INSERT INTO sources (kind, url, name, interval_secs, lang, country, folder, tags, created_at, settings)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    s.kind.as_str(),
                    s.url,
                    s.name,
                    s.interval_secs,
                    s.lang,
                    s.country,
                    s.folder,
                    to_json(&s.tags),
                    ms(now),
                    to_json(&s.settings)
                ],
            )?;
            Ok(self.conn.last_insert_rowid())
        })
    }

    fn source_id_by_url(&self, url: &str) -> Result<Option<SourceId>> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM sources WHERE url = ?1 AND removed_at IS NULL")?
            .query_row([url], |r| r.get(0))
            .optional()?)
    }

    /// Every source that has not been removed, by folder then name.
    pub fn list_sources(&self) -> Result<Vec<Source>> {
        self.run(|| {
            let sql = format!(
                "SELECT {SOURCE_COLUMNS} FROM sources WHERE removed_at IS NULL
                 ORDER BY folder IS NOT NULL, folder, name COLLATE NOCASE, id"
            );
            let mut st = self.conn.prepare_cached(&sql)?;
            let rows = st.query_map([], source_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    pub fn get_source(&self, id: SourceId) -> Result<Source> {
        self.run(|| {
            let sql = format!(
                "SELECT {SOURCE_COLUMNS} FROM sources WHERE id = ?1 AND removed_at IS NULL"
            );
            self.conn
                .prepare_cached(&sql)?
                .query_row([id], source_from_row)
                .optional()?
                .ok_or(StoreError::NotFound { what: "source", id })
        })
    }

    pub fn update_source(&self, id: SourceId, p: &SourcePatch) -> Result<Source> {
        self.run(|| {
            let tx = self.write_tx()?;
            let cur = self.get_source(id)?;
            tx.execute(
                // A changed interval reschedules the next poll from the last
                // one, so a shorter interval is used at once (issue 20).
                "UPDATE sources SET name = ?2, interval_secs = ?3, lang = ?4, country = ?5,
                 folder = ?6, tags = ?7, settings = ?8,
                 next_fetch_at = CASE WHEN ?3 <> interval_secs AND last_fetch_at IS NOT NULL
                                      THEN last_fetch_at + ?3 * 1000 ELSE next_fetch_at END
                 WHERE id = ?1",
                params![
                    id,
                    p.name.as_ref().unwrap_or(&cur.name),
                    p.interval_secs.unwrap_or(cur.interval_secs),
                    p.lang.as_ref().unwrap_or(&cur.lang),
                    p.country.as_ref().unwrap_or(&cur.country),
                    p.folder.as_ref().unwrap_or(&cur.folder),
                    to_json(p.tags.as_ref().unwrap_or(&cur.tags)),
                    to_json(p.settings.as_ref().unwrap_or(&cur.settings)),
                ],
            )?;
            tx.commit()?;
            self.get_source(id)
        })
    }

    /// Enables or disables polling; `reason` is shown to the analyst (for
    /// example "410 Gone").
    pub fn set_source_enabled(
        &self,
        id: SourceId,
        enabled: bool,
        reason: Option<&str>,
    ) -> Result<()> {
        self.run(|| {
            let n = self.conn.execute(
                "UPDATE sources SET enabled = ?2, disabled_reason = CASE WHEN ?2 THEN NULL ELSE ?3 END
                 WHERE id = ?1 AND removed_at IS NULL",
                params![id, enabled, reason],
            )?;
            found(n, "source", id)
        })
    }

    /// Replaces the source's URL, after a permanent redirect.
    pub fn set_source_url(&self, id: SourceId, url: &str) -> Result<()> {
        self.run(|| {
            match self.source_id_by_url(url)? {
                Some(other) if other != id => {
                    return Err(StoreError::SourceExists {
                        id: other,
                        url: url.to_string(),
                    });
                }
                _ => {}
            }
            let n = self.conn.execute(
                "UPDATE sources SET url = ?2 WHERE id = ?1 AND removed_at IS NULL",
                params![id, url],
            )?;
            found(n, "source", id)
        })
    }

    /// Records (or with `None` clears) a permanent move of the source's
    /// feed to another host, which waits for the analyst to accept it.
    pub fn set_source_pending_move(&self, id: SourceId, url: Option<&str>) -> Result<()> {
        self.run(|| {
            let n = self.conn.execute(
                "UPDATE sources SET pending_move_url = ?2 WHERE id = ?1 AND removed_at IS NULL",
                params![id, url],
            )?;
            found(n, "source", id)
        })
    }

    /// The address a source's feed moved to, waiting to be accepted.
    pub fn source_pending_move(&self, id: SourceId) -> Result<Option<String>> {
        self.run(|| {
            let url = self
                .conn
                .query_row(
                    "SELECT pending_move_url FROM sources WHERE id = ?1 AND removed_at IS NULL",
                    params![id],
                    |r| r.get::<_, Option<String>>(0),
                )
                .optional()?;
            match url {
                Some(url) => Ok(url),
                None => Err(StoreError::NotFound { what: "source", id }),
            }
        })
    }

    /// Every pending move, by source.
    pub fn pending_moves(&self) -> Result<Vec<(SourceId, String)>> {
        self.run(|| {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, pending_move_url FROM sources
                 WHERE pending_move_url IS NOT NULL AND removed_at IS NULL",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Removes a source. Its articles go too, except those that are saved,
    /// alerted, snapshotted or also came from another source; if any are
    /// kept, the source stays as a hidden tombstone so they still name it.
    /// Returns how many articles were deleted.
    pub fn remove_source(&self, id: SourceId, now: Timestamp) -> Result<u64> {
        self.run(|| {
            let tx = self.write_tx()?;
            self.get_source(id)?;
            let deleted = tx.execute(
                "DELETE FROM articles WHERE id IN (
                    SELECT x.article_id FROM article_sources x WHERE x.source_id = ?1)
                 AND saved_at IS NULL
                 AND NOT EXISTS (SELECT 1 FROM alerts WHERE article_id = articles.id)
                 AND NOT EXISTS (SELECT 1 FROM snapshots WHERE article_id = articles.id)
                 AND NOT EXISTS (SELECT 1 FROM article_sources y
                                 WHERE y.article_id = articles.id AND y.source_id <> ?1)",
                [id],
            )?;
            let kept: i64 = tx.query_row(
                "SELECT count(*) FROM article_sources WHERE source_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            if kept == 0 {
                tx.execute("DELETE FROM sources WHERE id = ?1", [id])?;
            } else {
                tx.execute(
                    "UPDATE sources SET removed_at = ?2, enabled = 0 WHERE id = ?1",
                    params![id, ms(now)],
                )?;
                tx.execute("DELETE FROM fetch_log WHERE source_id = ?1", [id])?;
            }
            tx.commit()?;
            Ok(deleted as u64)
        })
    }

    /// Enabled sources whose next fetch is due at `now`, never-fetched first.
    pub fn due_sources(&self, now: Timestamp) -> Result<Vec<Source>> {
        self.run(|| {
            let sql = format!(
                "SELECT {SOURCE_COLUMNS} FROM sources
                 WHERE removed_at IS NULL AND enabled = 1
                   AND (next_fetch_at IS NULL OR next_fetch_at <= ?1)
                 ORDER BY next_fetch_at IS NOT NULL, next_fetch_at, id"
            );
            let mut st = self.conn.prepare_cached(&sql)?;
            let rows = st.query_map([ms(now)], source_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Records a poll: updates the source's health and appends to the log.
    pub fn record_fetch(&self, id: SourceId, f: &FetchRecord) -> Result<()> {
        self.run(|| {
            let tx = self.write_tx()?;
            let n = tx.execute(
                "UPDATE sources SET
                    last_fetch_at = ?2,
                    last_success_at = CASE WHEN ?3 THEN ?2 ELSE last_success_at END,
                    last_error = CASE WHEN ?3 THEN NULL ELSE ?4 END,
                    last_status = ?5,
                    consecutive_failures = CASE WHEN ?3 THEN 0 ELSE consecutive_failures + 1 END,
                    next_fetch_at = ?6,
                    items_seen = items_seen + CASE WHEN ?3 THEN ?7 ELSE 0 END,
                    avg_latency_ms = CASE
                        WHEN ?8 IS NULL THEN avg_latency_ms
                        WHEN avg_latency_ms IS NULL THEN ?8
                        ELSE (avg_latency_ms * 4 + ?8) / 5 END,
                    etag = CASE WHEN ?3 THEN coalesce(?9, etag) ELSE etag END,
                    last_modified = CASE WHEN ?3 THEN coalesce(?10, last_modified) ELSE last_modified END
                 WHERE id = ?1 AND removed_at IS NULL",
                params![
                    id,
                    ms(f.at),
                    f.ok,
                    f.error,
                    f.status,
                    f.next_fetch_at.map(ms),
                    f.items,
                    f.latency_ms,
                    f.etag,
                    f.last_modified
                ],
            )?;
            found(n, "source", id)?;
            tx.prepare_cached(
                "INSERT INTO fetch_log (source_id, at, ok, status, error, latency_ms, items, new_items)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                id,
                ms(f.at),
                f.ok,
                f.status,
                f.error,
                f.latency_ms,
                f.items,
                f.new_items
            ])?;
            tx.commit()?;
            Ok(())
        })
    }

    /// The most recent log entries of a source, newest first.
    pub fn fetch_log(&self, id: SourceId, limit: u32) -> Result<Vec<FetchRecord>> {
        self.run(|| {
            let mut st = self.conn.prepare_cached(
                "SELECT at, ok, error, latency_ms, items, new_items, status FROM fetch_log
                 WHERE source_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2",
            )?;
            let rows = st.query_map(params![id, limit], |r| {
                Ok(FetchRecord {
                    at: from_ms(r.get(0)?),
                    ok: r.get(1)?,
                    error: r.get(2)?,
                    latency_ms: r.get(3)?,
                    items: r.get(4)?,
                    new_items: r.get(5)?,
                    status: r.get(6)?,
                    ..FetchRecord::default()
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}

/// Turns "no row changed" into a typed not-found error.
pub(crate) fn found(changed: usize, what: &'static str, id: i64) -> Result<()> {
    if changed == 0 {
        Err(StoreError::NotFound { what, id })
    } else {
        Ok(())
    }
}

impl Store {
    /// Takes the poll lease of each source in `ids` for `holder` until
    /// `expires_at`, in one transaction, and returns the ids it got. A source
    /// leased by another holder is skipped unless that lease has expired or
    /// `stale(holder)` says its holder is gone (a killed process). With
    /// `due_only`, a source that is no longer due at `now` (another poller
    /// just polled it) is skipped too. The lease lets the app and
    /// `outpost poll` run side by side without fetching a source twice.
    pub fn lease_sources(
        &self,
        ids: &[SourceId],
        holder: &str,
        now: Timestamp,
        expires_at: Timestamp,
        due_only: bool,
        stale: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<SourceId>> {
        self.run(|| {
            let tx = self.write_tx()?;
            let mut got = Vec::with_capacity(ids.len());
            for &id in ids {
                let lease: Option<(String, i64)> = tx
                    .prepare_cached(
                        "SELECT holder, expires_at FROM source_leases WHERE source_id = ?1",
                    )?
                    .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                if let Some((other, until)) = lease
                    && other != holder
                    && until > ms(now)
                    && !stale(&other)
                {
                    continue;
                }
                if due_only {
                    let next: Option<Option<i64>> = tx
                        .prepare_cached(
                            "SELECT next_fetch_at FROM sources
                             WHERE id = ?1 AND removed_at IS NULL AND enabled = 1",
                        )?
                        .query_row([id], |r| r.get(0))
                        .optional()?;
                    match next {
                        Some(None) => {}
                        Some(Some(at)) if at <= ms(now) => {}
                        _ => continue,
                    }
                }
                tx.prepare_cached(
                    "INSERT INTO source_leases (source_id, holder, expires_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (source_id) DO UPDATE
                     SET holder = excluded.holder, expires_at = excluded.expires_at",
                )?
                .execute(params![id, holder, ms(expires_at)])?;
                got.push(id);
            }
            tx.commit()?;
            Ok(got)
        })
    }

    /// Gives back the poll leases `holder` took on `ids`.
    pub fn release_sources(&self, ids: &[SourceId], holder: &str) -> Result<()> {
        self.run(|| {
            let tx = self.write_tx()?;
            for &id in ids {
                tx.prepare_cached(
                    "DELETE FROM source_leases WHERE source_id = ?1 AND holder = ?2",
                )?
                .execute(params![id, holder])?;
            }
            tx.commit()?;
            Ok(())
        })
    }
}
