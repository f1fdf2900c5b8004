//! What the scheduler learns from and decides: each source's recent
//! publish times, its fixed-interval and priority flags, and the last
//! decision (interval and reason) for the Sources page.

use std::collections::HashMap;

use outpost_core::schedule::{HISTORY_DAYS, HISTORY_ITEMS};
use rusqlite::params;

use crate::error::Result;
use crate::sources::found;
use crate::{SourceId, Store, Timestamp, from_ms, ms};

impl Store {
    /// Adds publish times to a source's history (duplicates are one), then
    /// keeps the newest [`HISTORY_ITEMS`] of the last [`HISTORY_DAYS`] days
    /// before `now`.
    pub fn record_publishes(
        &self,
        id: SourceId,
        times: &[Timestamp],
        now: Timestamp,
    ) -> Result<()> {
        self.run(|| {
            let tx = self.write_tx()?;
            {
                let mut insert = tx.prepare_cached(
                    "INSERT OR IGNORE INTO source_publishes (source_id, at) VALUES (?1, ?2)",
                )?;
                for &t in times {
                    insert.execute(params![id, ms(t)])?;
                }
            }
            let horizon = now - chrono::Duration::days(HISTORY_DAYS);
            tx.prepare_cached(
                "DELETE FROM source_publishes WHERE source_id = ?1 AND (at < ?2 OR at < coalesce(
                    (SELECT at FROM source_publishes WHERE source_id = ?1
                     ORDER BY at DESC LIMIT 1 OFFSET ?3 - 1), 0))",
            )?
            .execute(params![id, ms(horizon), HISTORY_ITEMS as i64])?;
            tx.commit()?;
            Ok(())
        })
    }

    /// A source's kept publish times, oldest first.
    pub fn publish_history(&self, id: SourceId) -> Result<Vec<Timestamp>> {
        self.run(|| {
            let mut st = self.conn.prepare_cached(
                "SELECT at FROM source_publishes WHERE source_id = ?1 ORDER BY at",
            )?;
            let rows = st.query_map([id], |r| Ok(from_ms(r.get(0)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// The kept publish times of every enabled source, oldest first: what
    /// the request budget is shared out from.
    pub fn publish_histories(&self) -> Result<HashMap<SourceId, Vec<Timestamp>>> {
        self.run(|| {
            let mut st = self.conn.prepare_cached(
                "SELECT p.source_id, p.at FROM source_publishes p
                 JOIN sources s ON s.id = p.source_id
                 WHERE s.enabled = 1 AND s.removed_at IS NULL
                 ORDER BY p.source_id, p.at",
            )?;
            let mut out: HashMap<SourceId, Vec<Timestamp>> = HashMap::new();
            let rows = st.query_map([], |r| Ok((r.get::<_, SourceId>(0)?, r.get(1)?)))?;
            for row in rows {
                let (id, at) = row?;
                out.entry(id).or_default().push(from_ms(at));
            }
            Ok(out)
        })
    }

    /// Sets a source's schedule flags; `None` leaves one as it is. A fixed
    /// interval given here (`interval_secs`) takes effect from the last
    /// check, as an edited interval does.
    pub fn set_source_schedule(
        &self,
        id: SourceId,
        interval_secs: Option<u32>,
        fixed: Option<bool>,
        priority: Option<bool>,
    ) -> Result<()> {
        self.run(|| {
            let n = self.conn.execute(
                "UPDATE sources SET
                    next_fetch_at = CASE WHEN ?2 IS NOT NULL AND ?2 <> interval_secs
                                          AND last_fetch_at IS NOT NULL
                                     THEN last_fetch_at + ?2 * 1000 ELSE next_fetch_at END,
                    interval_secs = coalesce(?2, interval_secs),
                    interval_fixed = coalesce(?3, interval_fixed),
                    priority = coalesce(?4, priority)
                 WHERE id = ?1 AND removed_at IS NULL",
                params![id, interval_secs, fixed, priority],
            )?;
            found(n, "source", id)
        })
    }

    /// Records the scheduler's decision for the Sources page: the interval
    /// before jitter and the reason in words.
    pub fn set_source_plan(&self, id: SourceId, every_secs: u32, reason: &str) -> Result<()> {
        self.run(|| {
            self.conn
                .prepare_cached(
                    "UPDATE sources SET check_every_secs = ?2, check_reason = ?3 WHERE id = ?1",
                )?
                .execute(params![id, every_secs, reason])?;
            Ok(())
        })
    }
}
