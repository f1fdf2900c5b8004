//! Stories: articles about the same event grouped across outlets. The
//! engine computes the clustering; the store keeps its signatures and the
//! per-watchlist notification memory.

use rusqlite::{OptionalExtension, Row, params};

use crate::error::{Result, StoreError};
use crate::sources::found;
use crate::{
    AlertId, ArticleId, Severity, Store, StoryId, Timestamp, WatchlistId, from_ms, json_list, ms,
    to_json,
};

/// A new story, seeded by its first article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStory {
    pub first_seen: Timestamp,
    pub title: String,
    /// 64-bit simhash of the normalised title and lead.
    pub simhash: u64,
    /// The distinctive normalised tokens the clustering compares.
    pub tokens: Vec<String>,
}

/// A story with its signature, for the engine's clustering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryRecord {
    pub id: StoryId,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    pub title: String,
    pub simhash: u64,
    pub tokens: Vec<String>,
    pub article_count: u32,
    /// Distinct sources among its articles.
    pub source_count: u32,
}

/// An alert whose notification could not be delivered yet, with what the
/// notification policy needs to try again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingAlert {
    pub alert_id: AlertId,
    pub watchlist_id: WatchlistId,
    pub title: String,
    /// The first source that delivered the article.
    pub source_name: String,
    pub story_id: Option<StoryId>,
    /// When its first delivery failed.
    pub since: Timestamp,
}

fn story_from_row(r: &Row<'_>) -> rusqlite::Result<StoryRecord> {
    let tokens: String = r.get(5)?;
    Ok(StoryRecord {
        id: r.get(0)?,
        first_seen: from_ms(r.get(1)?),
        last_seen: from_ms(r.get(2)?),
        title: r.get(3)?,
        // SQLite integers are signed; the simhash's bits are kept as they are.
        simhash: r.get::<_, i64>(4)? as u64,
        tokens: json_list(&tokens),
        article_count: r.get(6)?,
        source_count: r.get(7)?,
    })
}

const STORY_SELECT: &str = "SELECT s.id, s.first_seen, s.last_seen, s.title, s.simhash, s.tokens,
        (SELECT count(*) FROM articles a WHERE a.story_id = s.id),
        (SELECT count(DISTINCT x.source_id) FROM articles a
         JOIN article_sources x ON x.article_id = a.id WHERE a.story_id = s.id)
     FROM stories s";

impl Store {
    pub fn create_story(&self, s: &NewStory) -> Result<StoryId> {
        self.run(|| {
            self.conn
                .prepare_cached(
                    "INSERT INTO stories (first_seen, last_seen, title, simhash, tokens)
                     VALUES (?1, ?1, ?2, ?3, ?4)",
                )?
                .execute(params![
                    ms(s.first_seen),
                    s.title,
                    s.simhash as i64,
                    to_json(&s.tokens)
                ])?;
            Ok(self.conn.last_insert_rowid())
        })
    }

    /// Puts an article in a story and moves the story's `last_seen` up to
    /// the article's fetch time.
    pub fn attach_to_story(&self, article_id: ArticleId, story_id: StoryId) -> Result<()> {
        self.run(|| {
            let tx = self.write_tx()?;
            let n = tx.execute(
                "UPDATE articles SET story_id = ?2 WHERE id = ?1",
                params![article_id, story_id],
            )?;
            found(n, "article", article_id)?;
            let n = tx.execute(
                "UPDATE stories SET last_seen = max(last_seen,
                    (SELECT fetched_at FROM articles WHERE id = ?1)) WHERE id = ?2",
                params![article_id, story_id],
            )?;
            found(n, "story", story_id)?;
            tx.commit()?;
            Ok(())
        })
    }

    /// Takes an article out of its story into a new one of its own, seeded
    /// by `story` (its signature), with its alerts: the analyst's answer to a
    /// wrong join. Returns the new story. (The engine checks first that the
    /// article shares its story with others.)
    pub fn split_article(&self, article_id: ArticleId, story: &NewStory) -> Result<StoryId> {
        self.run(|| {
            let tx = self.write_tx()?;
            let n: i64 = tx.query_row(
                "SELECT count(*) FROM articles WHERE id = ?1",
                [article_id],
                |r| r.get(0),
            )?;
            found(n as usize, "article", article_id)?;
            tx.execute(
                "INSERT INTO stories (first_seen, last_seen, title, simhash, tokens)
                 SELECT ?1, fetched_at, ?2, ?3, ?4 FROM articles WHERE id = ?5",
                params![
                    ms(story.first_seen),
                    story.title,
                    story.simhash as i64,
                    to_json(&story.tokens),
                    article_id
                ],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute(
                "UPDATE articles SET story_id = ?2 WHERE id = ?1",
                params![article_id, id],
            )?;
            tx.execute(
                "UPDATE alerts SET story_id = ?2 WHERE article_id = ?1",
                params![article_id, id],
            )?;
            tx.commit()?;
            Ok(id)
        })
    }

    /// Joins story `other` into story `keep`: its articles and alerts move,
    /// its notification memory merges (the higher severity per watchlist
    /// stays, so the joined story does not notify again for what either
    /// already announced), and `other` is deleted. (The engine checks first
    /// that they are two different stories.)
    pub fn join_stories(&self, keep: StoryId, other: StoryId) -> Result<()> {
        self.run(|| {
            let tx = self.write_tx()?;
            for id in [keep, other] {
                let n: i64 =
                    tx.query_row("SELECT count(*) FROM stories WHERE id = ?1", [id], |r| r.get(0))?;
                found(n as usize, "story", id)?;
            }
            tx.execute(
                "UPDATE articles SET story_id = ?1 WHERE story_id = ?2",
                params![keep, other],
            )?;
            tx.execute(
                "UPDATE alerts SET story_id = ?1 WHERE story_id = ?2",
                params![keep, other],
            )?;
            let theirs: Vec<(WatchlistId, String, i64)> = tx
                .prepare(
                    "SELECT watchlist_id, severity, notified_at FROM story_notifications
                     WHERE story_id = ?1",
                )?
                .query_map([other], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (watchlist, severity, at) in theirs {
                let ours: Option<String> = tx
                    .query_row(
                        "SELECT severity FROM story_notifications WHERE story_id = ?1 AND watchlist_id = ?2",
                        params![keep, watchlist],
                        |r| r.get(0),
                    )
                    .optional()?;
                let higher = match (ours.as_deref().map(str::parse::<Severity>), severity.parse::<Severity>()) {
                    (Some(Ok(o)), Ok(t)) => t > o,
                    (None, _) => true,
                    _ => false,
                };
                if higher {
                    tx.execute(
                        "INSERT INTO story_notifications (story_id, watchlist_id, severity, notified_at)
                         VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (story_id, watchlist_id)
                         DO UPDATE SET severity = excluded.severity, notified_at = excluded.notified_at",
                        params![keep, watchlist, severity, at],
                    )?;
                }
            }
            tx.execute(
                "UPDATE stories SET
                    first_seen = min(first_seen, (SELECT first_seen FROM stories WHERE id = ?2)),
                    last_seen = max(last_seen, (SELECT last_seen FROM stories WHERE id = ?2))
                 WHERE id = ?1",
                params![keep, other],
            )?;
            tx.execute("DELETE FROM stories WHERE id = ?1", [other])?;
            tx.commit()?;
            Ok(())
        })
    }

    /// Stories seen (last article) at or after `since`, newest first.
    pub fn recent_stories(&self, since: Timestamp) -> Result<Vec<StoryRecord>> {
        self.run(|| {
            let sql = format!(
                "{STORY_SELECT} WHERE s.last_seen >= ?1 ORDER BY s.last_seen DESC, s.id DESC"
            );
            let mut st = self.conn.prepare_cached(&sql)?;
            let rows = st.query_map([ms(since)], story_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    pub fn get_story(&self, id: StoryId) -> Result<StoryRecord> {
        self.run(|| {
            let sql = format!("{STORY_SELECT} WHERE s.id = ?1");
            self.conn
                .prepare_cached(&sql)?
                .query_row([id], story_from_row)
                .optional()?
                .ok_or(StoreError::NotFound { what: "story", id })
        })
    }

    /// Distinct sources that reported the story.
    pub fn story_sources(&self, id: StoryId) -> Result<u32> {
        Ok(self.get_story(id)?.source_count)
    }

    /// The highest severity at which the story was already notified for
    /// this watchlist, if it was.
    pub fn story_notified(
        &self,
        story_id: StoryId,
        watchlist_id: WatchlistId,
    ) -> Result<Option<Severity>> {
        self.run(|| {
            let s: Option<String> = self
                .conn
                .prepare_cached("SELECT severity FROM story_notifications WHERE story_id = ?1 AND watchlist_id = ?2")?
                .query_row(params![story_id, watchlist_id], |r| r.get(0))
                .optional()?;
            Ok(s.and_then(|s| s.parse().ok()))
        })
    }

    /// Remembers that the story was notified for this watchlist at
    /// `severity`; a lower severity never overwrites a higher one.
    pub fn mark_story_notified(
        &self,
        story_id: StoryId,
        watchlist_id: WatchlistId,
        severity: Severity,
        at: Timestamp,
    ) -> Result<()> {
        self.run(|| {
            let tx = self.write_tx()?;
            let current: Option<Severity> = self.story_notified(story_id, watchlist_id)?;
            if current.is_none_or(|c| severity > c) {
                tx.execute(
                    "INSERT INTO story_notifications (story_id, watchlist_id, severity, notified_at)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (story_id, watchlist_id)
                     DO UPDATE SET severity = excluded.severity, notified_at = excluded.notified_at",
                    params![story_id, watchlist_id, severity.as_str(), ms(at)],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Alerts whose notification is still to be delivered, pending since
    /// `since` or later, oldest first. Older ones are dropped: a day-old
    /// notification is no longer news.
    pub fn pending_notifications(&self, since: Timestamp) -> Result<Vec<PendingAlert>> {
        self.run(|| {
            self.conn
                .prepare_cached("DELETE FROM pending_notifications WHERE since < ?1")?
                .execute([ms(since)])?;
            let mut st = self.conn.prepare_cached(
                "SELECT p.alert_id, l.watchlist_id, a.title,
                    coalesce((SELECT s.name FROM article_sources x JOIN sources s ON s.id = x.source_id
                              WHERE x.article_id = a.id ORDER BY x.first_seen, x.source_id LIMIT 1), ''),
                    l.story_id, p.since
                 FROM pending_notifications p
                 JOIN alerts l ON l.id = p.alert_id
                 JOIN articles a ON a.id = l.article_id
                 ORDER BY p.since, p.alert_id",
            )?;
            let rows = st.query_map([], |r| {
                Ok(PendingAlert {
                    alert_id: r.get(0)?,
                    watchlist_id: r.get(1)?,
                    title: r.get(2)?,
                    source_name: r.get(3)?,
                    story_id: r.get(4)?,
                    since: from_ms(r.get(5)?),
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// After a notification cycle: `settled` alerts are no longer pending
    /// (delivered, or decided against), `failed` ones are pending from `at`
    /// unless they already were. One transaction.
    pub fn update_pending_notifications(
        &self,
        settled: &[AlertId],
        failed: &[AlertId],
        at: Timestamp,
    ) -> Result<()> {
        self.run(|| {
            let tx = self.write_tx()?;
            for id in settled {
                tx.prepare_cached("DELETE FROM pending_notifications WHERE alert_id = ?1")?
                    .execute([id])?;
            }
            for id in failed {
                tx.prepare_cached(
                    "INSERT INTO pending_notifications (alert_id, since) VALUES (?1, ?2)
                     ON CONFLICT (alert_id) DO NOTHING",
                )?
                .execute(params![id, ms(at)])?;
            }
            tx.commit()?;
            Ok(())
        })
    }
}
