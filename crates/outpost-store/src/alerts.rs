//! Watchlists, alerts, their triage state, notes and tags.

use std::fmt::Write as _;

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, params, params_from_iter};

use crate::error::{Result, StoreError};
use crate::sources::found;
use crate::{
    AlertFilter, AlertId, AlertRow, AlertState, ArticleId, NewWatchlist, Severity, Span, Store,
    StoryId, Timestamp, Watchlist, WatchlistId, WatchlistPatch, from_ms, from_ms_opt, json_list,
    ms, to_json,
};

/// An alert the engine raises: one watchlist matched one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAlert {
    pub watchlist_id: WatchlistId,
    pub article_id: ArticleId,
    /// Where the match lies, for highlighting and "why did this fire".
    pub spans: Vec<Span>,
    pub story_id: Option<StoryId>,
    pub created_at: Timestamp,
}

/// What removing a watchlist does (or would do) to its alerts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WatchlistRemoval {
    /// Alerts deleted with the watchlist: neither saved, noted nor tagged.
    pub alerts_removed: u64,
    /// Saved or annotated (noted, tagged) alerts, kept under the archived
    /// watchlist's name and severity.
    pub alerts_kept: u64,
}

/// How many spans an alert stores: enough to highlight and explain the
/// match, while a huge article full of hits stays a small row (Hardening 2,
/// item 9: one 4.9 MB item stored 43.8 MB of spans). The full count is kept
/// in `span_count`.
pub const MAX_STORED_SPANS: usize = 100;

const DEFAULT_ALERT_PAGE: u32 = 200;

/// An alert the analyst would lose with its watchlist: saved, noted or
/// tagged. `l` is the alerts table.
const KEPT_ALERT: &str = "(l.saved = 1 OR l.state = 'saved' OR l.note IS NOT NULL
     OR EXISTS (SELECT 1 FROM alert_tags t WHERE t.alert_id = l.id))";

const WATCHLIST_COLUMNS: &str = "id, name, query, severity, notify, enabled, scope_sources, \
     scope_langs, color, created_at, updated_at, dropped_variants, min_sources, \
     gate_bypass_critical";

fn watchlist_from_row(r: &Row<'_>) -> rusqlite::Result<Watchlist> {
    let severity: String = r.get(3)?;
    let sources: String = r.get(6)?;
    let langs: String = r.get(7)?;
    Ok(Watchlist {
        id: r.get(0)?,
        name: r.get(1)?,
        query: r.get(2)?,
        severity: severity.parse().unwrap_or(Severity::Medium),
        notify: r.get(4)?,
        enabled: r.get(5)?,
        scope_sources: json_list(&sources),
        scope_langs: json_list(&langs),
        color: r.get(8)?,
        created_at: from_ms(r.get(9)?),
        updated_at: from_ms(r.get(10)?),
        dropped_variants: json_list(&r.get::<_, String>(11)?),
        min_sources: r.get::<_, i64>(12)?.clamp(1, u32::MAX.into()) as u32,
        gate_bypass_critical: r.get(13)?,
    })
}

/// The alert list's columns; `?` placeholders are added by the caller.
/// `{spans}` is the spans column, or `'[]'` for lists, which never show
/// them.
/// The alerts are the outer loop (`CROSS JOIN` fixes SQLite's join order),
/// so a page newest first walks `alerts_created_at` and stops at its limit;
/// starting from the few watchlists, SQLite joined and sorted every alert
/// (1.2 s for the first page of 100,000, bench/ui-large).
const ALERT_SELECT: &str = "SELECT l.id, l.watchlist_id, w.name, w.severity, w.color, l.article_id,
        a.title, a.url,
        fs.id, fs.name,
        a.lang, a.published, a.fetched_at, l.created_at, l.state, l.note,
        (SELECT json_group_array(t.tag) FROM (SELECT tag FROM alert_tags
         WHERE alert_id = l.id ORDER BY tag) t),
        {spans}, coalesce(l.story_id, a.story_id) AS story,
        CASE WHEN coalesce(l.story_id, a.story_id) IS NULL
             THEN (SELECT count(*) FROM article_sources x WHERE x.article_id = a.id)
             ELSE (SELECT count(DISTINCT x.source_id) FROM articles b
                   JOIN article_sources x ON x.article_id = b.id
                   WHERE b.story_id = coalesce(l.story_id, a.story_id)) END,
        coalesce(l.span_count, 0),
        l.saved
     FROM alerts l
     CROSS JOIN watchlists w ON w.id = l.watchlist_id
     JOIN articles a ON a.id = l.article_id
     LEFT JOIN sources fs ON fs.id = (SELECT x.source_id FROM article_sources x
         WHERE x.article_id = a.id ORDER BY x.first_seen, x.source_id LIMIT 1)";

fn alert_select(with_spans: bool) -> String {
    ALERT_SELECT.replace("{spans}", if with_spans { "l.spans" } else { "'[]'" })
}

/// The SQL and arguments of one page of alerts (see `Store::list_alerts`).
fn alerts_query(f: &AlertFilter, with_spans: bool) -> (String, Vec<Value>) {
    let mut sql = format!("{} WHERE 1", alert_select(with_spans));
    let mut args: Vec<Value> = Vec::new();
    let mut add = |sql: &mut String, cond: &str, v: Value| {
        args.push(v);
        let _ = write!(sql, " AND {cond} ?{}", args.len());
    };
    // The unary `+` keeps these filters off their indexes: walking
    // the date index and filtering is cheap for a page, while an
    // index on the filter sorts every match first.
    if let Some(w) = f.watchlist {
        add(&mut sql, "+l.watchlist_id =", Value::Integer(w));
    }
    // Saved is a flag of its own (schema V2): the Saved filter shows
    // saved alerts whatever their triage state, dismissed included.
    match f.state {
        Some(AlertState::Saved) => sql.push_str(" AND l.saved = 1"),
        Some(s) => add(&mut sql, "+l.state =", Value::Text(s.as_str().into())),
        None => {}
    }
    if let Some(s) = f.severity {
        add(&mut sql, "w.severity =", Value::Text(s.as_str().into()));
    }
    if let Some(l) = &f.lang {
        add(&mut sql, "a.lang =", Value::Text(l.to_lowercase()));
    }
    if let Some(t) = f.since {
        add(&mut sql, "l.created_at >=", Value::Integer(ms(t)));
    }
    if let Some(t) = f.until {
        add(&mut sql, "l.created_at <=", Value::Integer(ms(t)));
    }
    if let Some(s) = f.source {
        add(
            &mut sql,
            "EXISTS (SELECT 1 FROM article_sources x WHERE x.article_id = a.id AND x.source_id =",
            Value::Integer(s),
        );
        sql.push(')');
    }
    let limit = if f.limit == 0 {
        DEFAULT_ALERT_PAGE
    } else {
        f.limit
    };
    args.push(Value::Integer(i64::from(limit)));
    args.push(Value::Integer(i64::from(f.offset)));
    let _ = write!(
        sql,
        " ORDER BY l.created_at DESC, l.id DESC LIMIT ?{} OFFSET ?{}",
        args.len() - 1,
        args.len()
    );
    (sql, args)
}

fn alert_from_row(r: &Row<'_>) -> rusqlite::Result<AlertRow> {
    let severity: String = r.get(3)?;
    let state: String = r.get(14)?;
    let tags: String = r.get(16)?;
    let spans: String = r.get(17)?;
    Ok(AlertRow {
        id: r.get(0)?,
        watchlist_id: r.get(1)?,
        watchlist_name: r.get(2)?,
        severity: severity.parse().unwrap_or(Severity::Medium),
        color: r.get(4)?,
        article_id: r.get(5)?,
        title: r.get(6)?,
        url: r.get(7)?,
        source_id: r.get(8)?,
        source_name: r.get(9)?,
        lang: r.get(10)?,
        published: from_ms_opt(r.get(11)?),
        fetched_at: from_ms(r.get(12)?),
        created_at: from_ms(r.get(13)?),
        state: state.parse().unwrap_or(AlertState::New),
        note: r.get(15)?,
        tags: json_list(&tags),
        spans: json_list::<Span>(&spans),
        story_id: r.get(18)?,
        story_sources: r.get::<_, i64>(19)?.max(1) as u32,
        span_count: r.get::<_, Option<i64>>(20)?.unwrap_or(0).max(0) as u32,
        saved: r.get(21)?,
    })
}

/// An alert's triage as the analyst left it, for undo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertTriage {
    pub state: AlertState,
    pub saved: bool,
    pub note: Option<String>,
    pub tags: Vec<String>,
}

impl Store {
    pub fn add_watchlist(&self, w: &NewWatchlist, now: Timestamp) -> Result<WatchlistId> {
        self.run(|| {
            if let Some(id) = self.watchlist_id_by_name(&w.name)? {
                return Err(StoreError::WatchlistExists {
                    id,
                    name: w.name.clone(),
                });
            }
            self.conn.execute(
                "INSERT INTO watchlists (name, query, severity, notify, scope_sources, scope_langs,
                    color, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                params![
                    w.name,
                    w.query,
                    w.severity.as_str(),
                    w.notify,
                    to_json(&w.scope_sources),
                    to_json(&w.scope_langs),
                    w.color,
                    ms(now)
                ],
            )?;
            Ok(self.conn.last_insert_rowid())
        })
    }

    fn watchlist_id_by_name(&self, name: &str) -> Result<Option<WatchlistId>> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM watchlists WHERE name = ?1 AND removed_at IS NULL")?
            .query_row([name], |r| r.get(0))
            .optional()?)
    }

    /// The active watchlists (removed ones kept for their alerts are left
    /// out, so they are neither listed nor matched).
    pub fn list_watchlists(&self) -> Result<Vec<Watchlist>> {
        self.run(|| {
            let sql = format!(
                "SELECT {WATCHLIST_COLUMNS} FROM watchlists WHERE removed_at IS NULL
                 ORDER BY name COLLATE NOCASE, id"
            );
            let mut st = self.conn.prepare_cached(&sql)?;
            let rows = st.query_map([], watchlist_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// A watchlist by id, also a removed one still holding kept alerts (an
    /// alert's detail shows its query).
    pub fn get_watchlist(&self, id: WatchlistId) -> Result<Watchlist> {
        self.run(|| {
            let sql = format!("SELECT {WATCHLIST_COLUMNS} FROM watchlists WHERE id = ?1");
            self.conn
                .prepare_cached(&sql)?
                .query_row([id], watchlist_from_row)
                .optional()?
                .ok_or(StoreError::NotFound {
                    what: "watchlist",
                    id,
                })
        })
    }

    pub fn update_watchlist(
        &self,
        id: WatchlistId,
        p: &WatchlistPatch,
        now: Timestamp,
    ) -> Result<Watchlist> {
        self.run(|| {
            let tx = self.write_tx()?;
            self.active_watchlist_exists(id)?;
            let cur = self.get_watchlist(id)?;
            if let Some(name) = &p.name
                && let Some(other) = self.watchlist_id_by_name(name)?.filter(|o| *o != id)
            {
                return Err(StoreError::WatchlistExists {
                    id: other,
                    name: name.clone(),
                });
            }
            tx.execute(
                "UPDATE watchlists SET name = ?2, query = ?3, severity = ?4, notify = ?5,
                    enabled = ?6, scope_sources = ?7, scope_langs = ?8, color = ?9, updated_at = ?10,
                    dropped_variants = ?11, min_sources = ?12, gate_bypass_critical = ?13
                 WHERE id = ?1",
                params![
                    id,
                    p.name.as_ref().unwrap_or(&cur.name),
                    p.query.as_ref().unwrap_or(&cur.query),
                    p.severity.unwrap_or(cur.severity).as_str(),
                    p.notify.unwrap_or(cur.notify),
                    p.enabled.unwrap_or(cur.enabled),
                    to_json(p.scope_sources.as_ref().unwrap_or(&cur.scope_sources)),
                    to_json(p.scope_langs.as_ref().unwrap_or(&cur.scope_langs)),
                    p.color.as_ref().unwrap_or(&cur.color),
                    ms(now),
                    to_json(p.dropped_variants.as_ref().unwrap_or(&cur.dropped_variants)),
                    i64::from(p.min_sources.unwrap_or(cur.min_sources).max(1)),
                    p.gate_bypass_critical.unwrap_or(cur.gate_bypass_critical),
                ],
            )?;
            tx.commit()?;
            self.get_watchlist(id)
        })
    }

    fn active_watchlist_exists(&self, id: WatchlistId) -> Result<()> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM watchlists WHERE id = ?1 AND removed_at IS NULL",
            [id],
            |r| r.get(0),
        )?;
        found(n as usize, "watchlist", id)
    }

    /// What [`Store::remove_watchlist`] would delete and keep, without
    /// changing anything (for a confirmation).
    pub fn watchlist_removal(&self, id: WatchlistId) -> Result<WatchlistRemoval> {
        self.run(|| {
            self.active_watchlist_exists(id)?;
            self.removal_counts(id)
        })
    }

    fn removal_counts(&self, id: WatchlistId) -> Result<WatchlistRemoval> {
        let sql = format!(
            "SELECT count(*) FILTER (WHERE NOT {KEPT_ALERT}), count(*) FILTER (WHERE {KEPT_ALERT})
             FROM alerts l WHERE l.watchlist_id = ?1"
        );
        let (removed, kept): (i64, i64) = self
            .conn
            .query_row(&sql, [id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(WatchlistRemoval {
            alerts_removed: removed as u64,
            alerts_kept: kept as u64,
        })
    }

    /// Removes a watchlist and those of its alerts the analyst did not keep.
    /// Saved, noted or tagged alerts outlive it: the watchlist stays as an
    /// archived row (hidden from lists and matching) that gives them their
    /// name and severity, and the articles of saved alerts are marked saved.
    /// A watchlist with no such alert is deleted outright.
    pub fn remove_watchlist(&self, id: WatchlistId, now: Timestamp) -> Result<WatchlistRemoval> {
        self.run(|| {
            let tx = self.write_tx()?;
            self.active_watchlist_exists(id)?;
            let counts = self.removal_counts(id)?;
            tx.execute(
                "UPDATE articles SET saved_at = coalesce(saved_at, ?2)
                 WHERE id IN (SELECT article_id FROM alerts WHERE watchlist_id = ?1 AND saved = 1)",
                params![id, ms(now)],
            )?;
            if counts.alerts_kept == 0 {
                tx.execute("DELETE FROM watchlists WHERE id = ?1", [id])?;
            } else {
                tx.execute(
                    &format!("DELETE FROM alerts AS l WHERE l.watchlist_id = ?1 AND NOT {KEPT_ALERT}"),
                    [id],
                )?;
                tx.execute(
                    "DELETE FROM story_notifications WHERE watchlist_id = ?1",
                    [id],
                )?;
                tx.execute(
                    "UPDATE watchlists SET removed_at = ?2, enabled = 0, updated_at = ?2 WHERE id = ?1",
                    params![id, ms(now)],
                )?;
            }
            tx.commit()?;
            Ok(counts)
        })
    }

    /// Records an alert. Returns `None` when this watchlist already alerted
    /// on this article (also across restarts: a UNIQUE constraint decides),
    /// or when the watchlist was removed meanwhile. Only the first
    /// [`MAX_STORED_SPANS`] spans are stored, with their total count.
    pub fn insert_alert(&self, a: &NewAlert) -> Result<Option<AlertId>> {
        self.run(|| {
            let stored = &a.spans[..a.spans.len().min(MAX_STORED_SPANS)];
            let n = self
                .conn
                .prepare_cached(
                    "INSERT INTO alerts (watchlist_id, article_id, story_id, spans, span_count,
                        created_at)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6
                     WHERE NOT EXISTS (SELECT 1 FROM watchlists
                                       WHERE id = ?1 AND removed_at IS NOT NULL)
                     ON CONFLICT (watchlist_id, article_id) DO NOTHING",
                )?
                .execute(params![
                    a.watchlist_id,
                    a.article_id,
                    a.story_id,
                    to_json(&stored),
                    a.spans.len() as i64,
                    ms(a.created_at)
                ])?;
            Ok((n > 0).then(|| self.conn.last_insert_rowid()))
        })
    }

    /// Alerts, newest first, filtered. Their `spans` are left empty: a list
    /// never shows them, and they are the largest part of an alert (the
    /// detail, [`Store::get_alert`], loads them).
    pub fn list_alerts(&self, f: &AlertFilter) -> Result<Vec<AlertRow>> {
        self.run(|| self.query_alerts(f, false))
    }

    /// [`Store::list_alerts`] with each alert's stored spans (exports list
    /// the matched terms).
    pub fn list_alerts_with_spans(&self, f: &AlertFilter) -> Result<Vec<AlertRow>> {
        self.run(|| self.query_alerts(f, true))
    }

    fn query_alerts(&self, f: &AlertFilter, with_spans: bool) -> Result<Vec<AlertRow>> {
        let (sql, args) = alerts_query(f, with_spans);
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(params_from_iter(args), alert_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn get_alert(&self, id: AlertId) -> Result<AlertRow> {
        self.run(|| {
            let sql = format!("{} WHERE l.id = ?1", alert_select(true));
            self.conn
                .prepare_cached(&sql)?
                .query_row([id], alert_from_row)
                .optional()?
                .ok_or(StoreError::NotFound { what: "alert", id })
        })
    }

    /// Sets the triage state. Saving an alert sets its saved flag and also
    /// saves its article, so it outlives the watchlist; saving a dismissed
    /// alert leaves it dismissed. Any other state leaves the saved flag
    /// alone: dismissing never takes an alert out of Saved (issue 20).
    pub fn set_alert_state(&self, id: AlertId, state: AlertState, now: Timestamp) -> Result<()> {
        self.run(|| {
            let tx = self.write_tx()?;
            let n = if state == AlertState::Saved {
                tx.execute(
                    "UPDATE alerts SET saved = 1,
                     state = CASE WHEN state = 'dismissed' THEN state ELSE 'saved' END
                     WHERE id = ?1",
                    [id],
                )?
            } else {
                tx.execute(
                    "UPDATE alerts SET state = ?2 WHERE id = ?1",
                    params![id, state.as_str()],
                )?
            };
            found(n, "alert", id)?;
            if state == AlertState::Saved {
                tx.execute(
                    "UPDATE articles SET saved_at = coalesce(saved_at, ?2)
                     WHERE id = (SELECT article_id FROM alerts WHERE id = ?1)",
                    params![id, ms(now)],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Takes an alert out of Saved (its article stays saved; unsave that
    /// with [`Store::set_article_saved`]). An alert whose state said
    /// `saved` becomes `read`.
    pub fn unsave_alert(&self, id: AlertId) -> Result<()> {
        self.run(|| {
            let n = self.conn.execute(
                "UPDATE alerts SET saved = 0,
                 state = CASE WHEN state = 'saved' THEN 'read' ELSE state END
                 WHERE id = ?1",
                [id],
            )?;
            found(n, "alert", id)
        })
    }

    /// Puts an alert's triage back exactly as it was (state, saved flag,
    /// note and tags) in one transaction: the undo of any triage change.
    pub fn restore_alert(&self, id: AlertId, t: &AlertTriage) -> Result<()> {
        self.run(|| {
            let tx = self.write_tx()?;
            let note = t.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
            let n = tx.execute(
                "UPDATE alerts SET state = ?2, saved = ?3, note = ?4 WHERE id = ?1",
                params![id, t.state.as_str(), t.saved, note],
            )?;
            found(n, "alert", id)?;
            tx.execute("DELETE FROM alert_tags WHERE alert_id = ?1", [id])?;
            for tag in t.tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
                tx.execute(
                    "INSERT INTO alert_tags (alert_id, tag) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                    params![id, tag],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// A marker that changes whenever the alerts change: from this
    /// connection (new alerts, triage) or from another process on the same
    /// archive (the CLI), which SQLite's `data_version` reveals. The UI
    /// polls it cheaply and refetches its list when it moves.
    pub fn alerts_version(&self) -> Result<String> {
        self.run(|| {
            let external: i64 = self
                .conn
                .query_row("PRAGMA data_version", [], |r| r.get(0))?;
            // Notes and tags count too, so an edit in another window shows.
            let row: [i64; 7] = self.conn.query_row(
                "SELECT count(*), coalesce(max(id), 0), coalesce(sum(state = 'new'), 0),
                        coalesce(sum(state = 'dismissed'), 0), coalesce(sum(saved), 0),
                        coalesce(sum(length(note)), 0),
                        (SELECT count(*) FROM alert_tags)
                 FROM alerts",
                [],
                |r| {
                    Ok([
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ])
                },
            )?;
            let parts: Vec<String> = row.iter().map(i64::to_string).collect();
            Ok(format!("{external}.{}", parts.join(".")))
        })
    }

    /// Sets or (with an empty text) clears the analyst's note.
    pub fn set_alert_note(&self, id: AlertId, note: &str) -> Result<()> {
        self.run(|| {
            let note = Some(note.trim()).filter(|n| !n.is_empty());
            let n = self.conn.execute(
                "UPDATE alerts SET note = ?2 WHERE id = ?1",
                params![id, note],
            )?;
            found(n, "alert", id)
        })
    }

    pub fn add_alert_tag(&self, id: AlertId, tag: &str) -> Result<()> {
        self.run(|| {
            self.get_alert_exists(id)?;
            let tag = tag.trim();
            if !tag.is_empty() {
                self.conn.execute(
                    "INSERT INTO alert_tags (alert_id, tag) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                    params![id, tag],
                )?;
            }
            Ok(())
        })
    }

    pub fn remove_alert_tag(&self, id: AlertId, tag: &str) -> Result<()> {
        self.run(|| {
            self.get_alert_exists(id)?;
            self.conn.execute(
                "DELETE FROM alert_tags WHERE alert_id = ?1 AND tag = ?2",
                params![id, tag.trim()],
            )?;
            Ok(())
        })
    }

    fn get_alert_exists(&self, id: AlertId) -> Result<()> {
        let n: i64 =
            self.conn
                .query_row("SELECT count(*) FROM alerts WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?;
        found(n as usize, "alert", id)
    }

    /// Every tag in use, alphabetically.
    pub fn list_tags(&self) -> Result<Vec<String>> {
        self.run(|| {
            let mut st = self
                .conn
                .prepare_cached("SELECT DISTINCT tag FROM alert_tags ORDER BY tag")?;
            let rows = st.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Alerts in state `new`, per watchlist (watchlists without any are
    /// left out).
    pub fn unread_counts(&self) -> Result<Vec<(WatchlistId, u64)>> {
        self.run(|| {
            let mut st = self.conn.prepare_cached(
                "SELECT watchlist_id, count(*) FROM alerts WHERE state = 'new'
                 GROUP BY watchlist_id ORDER BY watchlist_id",
            )?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    pub fn count_alerts(&self) -> Result<u64> {
        self.run(|| {
            let n: i64 = self
                .conn
                .query_row("SELECT count(*) FROM alerts", [], |r| r.get(0))?;
            Ok(n as u64)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 18, item 4 (bench/ui-large): the first page of 100,000 alerts
    /// took 1.2 s, as SQLite joined and sorted every alert before the limit.
    /// A newest-first page, with or without a watchlist or state filter,
    /// walks the date index and stops at its limit.
    #[test]
    fn a_page_of_alerts_walks_the_date_index() {
        let store = Store::open_in_memory().unwrap();
        // The planner's statistics of a large archive (4 watchlists,
        // 100,000 alerts, a million articles) as `PRAGMA optimize` recorded
        // them in bench/ui-large's.
        store
            .conn
            .execute_batch(
                "ANALYZE sqlite_schema;
                 DELETE FROM sqlite_stat1;
                 INSERT INTO sqlite_stat1 VALUES
                    ('watchlists', 'watchlists_name', '4 1'),
                    ('watchlists', NULL, '4'),
                    ('alerts', 'sqlite_autoindex_alerts_1', '100000 2001 1'),
                    ('alerts', 'alerts_created_at', '100000 1'),
                    ('alerts', 'alerts_state', '100000 2001 2001'),
                    ('alerts', 'alerts_article', '100000 1'),
                    ('articles', 'articles_fetched_at', '1000000 1'),
                    ('article_sources', 'article_sources', '1000000 1 1'),
                    ('article_sources', 'article_sources_source', '1000000 2001');
                 ANALYZE sqlite_schema;",
            )
            .unwrap();
        let filters = [
            AlertFilter::default(),
            AlertFilter {
                watchlist: Some(1),
                ..AlertFilter::default()
            },
            AlertFilter {
                state: Some(AlertState::New),
                ..AlertFilter::default()
            },
        ];
        for f in filters {
            let (sql, args) = alerts_query(&f, false);
            let mut st = store
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap();
            // (parent, detail): parent 0 is the outer query, not a subquery.
            let plan: Vec<(i64, String)> = st
                .query_map(params_from_iter(args), |r| Ok((r.get(1)?, r.get(3)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert!(
                plan.first()
                    .is_some_and(|(_, p)| p.contains("alerts_created_at")),
                "{f:?}: {plan:?}"
            );
            assert!(
                !plan
                    .iter()
                    .any(|(parent, p)| *parent == 0 && p.contains("TEMP B-TREE")),
                "{f:?} sorts: {plan:?}"
            );
        }
    }
}
