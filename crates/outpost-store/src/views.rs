//! Read queries the engine's views need: per-watchlist totals, newest-first
//! paging for previews, a story's articles, and a story's notified severity.

use rusqlite::params;

use crate::articles::{ARTICLE_COLUMNS, article_from_row};
use crate::{Article, ArticleId, Result, Severity, Store, StoryId, WatchlistId};

impl Store {
    /// All alerts per watchlist (every state), for the Watchlists page.
    pub fn alert_counts(&self) -> Result<Vec<(WatchlistId, u64)>> {
        self.run(|| {
            let mut st = self.conn.prepare_cached(
                "SELECT watchlist_id, count(*) FROM alerts GROUP BY watchlist_id",
            )?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Articles with ids below `before` (all when `None`), newest first, with
    /// their sources: a draft query's preview walks the archive with it.
    pub fn articles_before(&self, before: Option<ArticleId>, limit: u32) -> Result<Vec<Article>> {
        self.run(|| {
            let sql = format!(
                "SELECT {ARTICLE_COLUMNS} FROM articles WHERE id < ?1 ORDER BY id DESC LIMIT ?2"
            );
            let mut st = self.conn.prepare_cached(&sql)?;
            let mut list: Vec<Article> = st
                .query_map(params![before.unwrap_or(i64::MAX), limit], article_from_row)?
                .collect::<rusqlite::Result<_>>()?;
            for a in &mut list {
                a.sources = self.get_article(a.id)?.sources;
            }
            Ok(list)
        })
    }

    /// Articles newest first (by publication, else first seen), with their
    /// sources: of one source when `source` is set, from `since` on when
    /// set, at most `limit`.
    pub fn list_articles(
        &self,
        source: Option<crate::SourceId>,
        since: Option<crate::Timestamp>,
        limit: u32,
    ) -> Result<Vec<Article>> {
        self.run(|| {
            let sql = format!(
                "SELECT {ARTICLE_COLUMNS} FROM articles
                 WHERE (?1 IS NULL OR EXISTS (SELECT 1 FROM article_sources x
                        WHERE x.article_id = articles.id AND x.source_id = ?1))
                   AND (?2 IS NULL OR sort_date >= ?2)
                 ORDER BY sort_date DESC, id DESC LIMIT ?3"
            );
            let mut st = self.conn.prepare_cached(&sql)?;
            let mut list: Vec<Article> = st
                .query_map(
                    params![source, since.map(crate::ms), limit],
                    article_from_row,
                )?
                .collect::<rusqlite::Result<_>>()?;
            for a in &mut list {
                a.sources = self.get_article(a.id)?.sources;
            }
            Ok(list)
        })
    }

    /// The articles of a story, oldest first, with their sources.
    pub fn story_articles(&self, story: StoryId) -> Result<Vec<Article>> {
        self.run(|| {
            let ids: Vec<ArticleId> = self
                .conn
                .prepare_cached(
                    "SELECT id FROM articles WHERE story_id = ?1 ORDER BY fetched_at, id",
                )?
                .query_map([story], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            ids.into_iter().map(|id| self.get_article(id)).collect()
        })
    }

    /// The highest severity the story was notified at, for any watchlist.
    /// The address (the article's URL, else its canonical URL) and content
    /// hash of every article in the story, for counting its independent
    /// outlets (`outpost_core::policy::count_outlets`).
    pub fn story_article_origins(&self, story: StoryId) -> Result<Vec<(Option<String>, Vec<u8>)>> {
        self.run(|| {
            let mut st = self.conn.prepare_cached(
                "SELECT coalesce(url, canonical_url), content_hash FROM articles
                 WHERE story_id = ?1 ORDER BY id",
            )?;
            let rows = st.query_map([story], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    pub fn story_notified_max(&self, story: StoryId) -> Result<Option<Severity>> {
        self.run(|| {
            let mut st = self
                .conn
                .prepare_cached("SELECT severity FROM story_notifications WHERE story_id = ?1")?;
            let rows = st.query_map([story], |r| r.get::<_, String>(0))?;
            let mut max: Option<Severity> = None;
            for s in rows {
                if let Ok(sev) = s?.parse::<Severity>() {
                    max = max.max(Some(sev));
                }
            }
            Ok(max)
        })
    }
}
