//! Articles: ingest with deduplication, reading, saving.

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, params, params_from_iter};
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use crate::text::normalize;
use crate::{
    Article, ArticleId, ArticleSource, SourceId, Store, Timestamp, from_ms, from_ms_opt, json_list,
    ms, to_json,
};

/// The content hash is a dedup key only when the normalised title and
/// summary have at least this many words; short generic items ("Weather",
/// "Daily briefing") would otherwise merge.
pub const MIN_HASH_WORDS: usize = 6;
/// The content hash only matches articles fetched this recently.
pub const HASH_WINDOW_DAYS: i64 = 14;

/// An item as a source delivered it, after parsing and text extraction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewArticle {
    /// The feed's GUID / Atom id, unique within its source.
    pub guid: Option<String>,
    pub url: Option<String>,
    pub title: String,
    pub summary: String,
    pub content_html: String,
    /// Plain text of the content, for the index and the matcher.
    pub text: String,
    pub lang: Option<String>,
    pub published: Option<Timestamp>,
    pub authors: Vec<String>,
    /// Kind-specific facts (a Telegram post's forwarded-from and views).
    pub extra: crate::ArticleExtra,
}

/// What ingest did with an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IngestStatus {
    /// Not seen before: stored and indexed.
    New,
    /// Seen before and its title, summary or text changed: updated in place.
    Updated,
    /// Seen before, nothing changed.
    Unchanged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ingested {
    pub article_id: ArticleId,
    pub status: IngestStatus,
    /// True when this source had not delivered the article before (a second
    /// outlet carrying the same story, or the first sighting).
    pub new_source: bool,
}

pub(crate) const ARTICLE_COLUMNS: &str = "id, url, canonical_url, content_hash, title, summary, \
     content_html, text, lang, published, fetched_at, updated_at, authors, story_id, saved_at, extra";

pub(crate) fn article_from_row(r: &Row<'_>) -> rusqlite::Result<Article> {
    let hash: Vec<u8> = r.get(3)?;
    let authors: String = r.get(12)?;
    let saved: Option<i64> = r.get(14)?;
    let extra: String = r.get(15)?;
    Ok(Article {
        id: r.get(0)?,
        url: r.get(1)?,
        canonical_url: r.get(2)?,
        content_hash: hex::encode(hash),
        title: r.get(4)?,
        summary: r.get(5)?,
        content_html: r.get(6)?,
        text: r.get(7)?,
        lang: r.get(8)?,
        published: from_ms_opt(r.get(9)?),
        fetched_at: from_ms(r.get(10)?),
        updated_at: from_ms_opt(r.get(11)?),
        authors: json_list(&authors),
        extra: serde_json::from_str(&extra).unwrap_or_default(),
        story_id: r.get(13)?,
        saved: saved.is_some(),
        sources: Vec::new(),
    })
}

fn extra_json(extra: &crate::ArticleExtra) -> String {
    serde_json::to_string(extra).unwrap_or_else(|_| "{}".to_string())
}

/// The normalised forms computed once per item.
#[derive(Debug, Clone)]
struct Prepared {
    canonical: Option<String>,
    /// The dedup key: normalised title and summary.
    hash: [u8; 32],
    hash_key: bool,
    /// What this source delivered (normalised title, summary and text); a
    /// change of it from the same source is an edit.
    copy_hash: [u8; 32],
    fts_title: String,
    fts_body: String,
}

fn prepare(a: &NewArticle) -> Prepared {
    let title = normalize(&a.title);
    let summary = normalize(&a.summary);
    let mut h = Sha256::new();
    h.update(title.as_bytes());
    h.update(b"\n");
    h.update(summary.as_bytes());
    let words = title.split(' ').filter(|w| !w.is_empty()).count()
        + summary.split(' ').filter(|w| !w.is_empty()).count();
    let text = normalize(&a.text);
    let mut copy = Sha256::new();
    for part in [&title, &summary, &text] {
        copy.update(part.as_bytes());
        copy.update(b"\0");
    }
    let fts_body = match (summary.is_empty(), text.is_empty()) {
        (_, true) => summary,
        (true, false) => text,
        (false, false) => format!("{summary} {text}"),
    };
    Prepared {
        canonical: a
            .url
            .as_deref()
            .and_then(outpost_core::canonical::canonical_url),
        hash: h.finalize().into(),
        hash_key: words >= MIN_HASH_WORDS,
        copy_hash: copy.finalize().into(),
        fts_title: title,
        fts_body,
    }
}

/// An item's normalised forms (dedup keys, index text), computed by
/// [`prepare_articles`] off the write path.
#[derive(Debug, Clone)]
pub struct PreparedArticle(Prepared);

/// Normalises items for [`Store::ingest_prepared`]: CPU work that needs no
/// connection, so the poll runs it on its worker pool.
pub fn prepare_articles(items: &[NewArticle]) -> Vec<PreparedArticle> {
    items.iter().map(|a| PreparedArticle(prepare(a))).collect()
}

/// What a batch's items are already known as, looked up once per batch.
#[derive(Default)]
struct Known {
    by_guid: HashMap<String, ArticleId>,
    by_url: HashMap<String, ArticleId>,
    by_hash: HashMap<[u8; 32], ArticleId>,
}

/// Parameters per `IN (...)` lookup, well under SQLite's limit.
const LOOKUP_CHUNK: usize = 500;

fn placeholders(n: usize, first: usize) -> String {
    (first..first + n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Normalises a batch, on several threads when it is large enough to pay
/// for them: normalisation, not SQL, dominates the cost of ingest.
fn prepare_all(items: &[NewArticle]) -> Vec<Prepared> {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let threads =
        *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(4)));
    if threads < 2 || items.len() < 16 {
        return items.iter().map(prepare).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(prepare).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("normalisation does not panic"))
            .collect()
    })
}

impl Store {
    /// Stores a batch of items from one poll of `source_id`, in one
    /// transaction: either the whole batch is stored or none of it.
    pub fn ingest(
        &self,
        source_id: SourceId,
        items: &[NewArticle],
        now: Timestamp,
    ) -> Result<Vec<Ingested>> {
        let prepared: Vec<PreparedArticle> = prepare_all(items)
            .into_iter()
            .map(PreparedArticle)
            .collect();
        self.ingest_prepared(source_id, items, &prepared, now)
    }

    /// [`Store::ingest`] of items normalised beforehand by
    /// [`prepare_articles`] (`prepared[i]` belongs to `items[i]`).
    pub fn ingest_prepared(
        &self,
        source_id: SourceId,
        items: &[NewArticle],
        prepared: &[PreparedArticle],
        now: Timestamp,
    ) -> Result<Vec<Ingested>> {
        self.run(|| {
            assert_eq!(items.len(), prepared.len(), "one preparation per item");
            let tx = self.write_tx()?;
            let mut known = self.known(source_id, items, prepared, now)?;
            let mut out = Vec::with_capacity(items.len());
            for (item, p) in items.iter().zip(prepared) {
                out.push(self.ingest_one(source_id, item, &p.0, now, &mut known)?);
            }
            tx.commit()?;
            Ok(out)
        })
    }

    /// Looks up, in a few queries, which of a batch's GUIDs (for this
    /// source), canonical URLs and content hashes (within the hash window)
    /// the archive already holds.
    fn known(
        &self,
        source_id: SourceId,
        items: &[NewArticle],
        prepared: &[PreparedArticle],
        now: Timestamp,
    ) -> Result<Known> {
        let c = &self.conn;
        let mut known = Known::default();
        let guids: Vec<&str> = items
            .iter()
            .filter_map(|a| a.guid.as_deref().filter(|g| !g.trim().is_empty()))
            .collect();
        for chunk in guids.chunks(LOOKUP_CHUNK) {
            let sql = format!(
                "SELECT guid, article_id FROM article_sources WHERE source_id = ?1 AND guid IN ({})",
                placeholders(chunk.len(), 2)
            );
            let mut args = vec![Value::Integer(source_id)];
            args.extend(chunk.iter().map(|g| Value::Text(g.to_string())));
            // One statement per IN-list length: prepared, not cached, so
            // the lookups do not push the hot statements out of the cache.
            let mut st = c.prepare(&sql)?;
            let mut rows = st.query(params_from_iter(args))?;
            while let Some(r) = rows.next()? {
                known.by_guid.insert(r.get(0)?, r.get(1)?);
            }
        }
        let urls: Vec<&str> = prepared
            .iter()
            .filter_map(|p| p.0.canonical.as_deref())
            .collect();
        for chunk in urls.chunks(LOOKUP_CHUNK) {
            let sql = format!(
                "SELECT canonical_url, id FROM articles WHERE canonical_url IN ({})",
                placeholders(chunk.len(), 1)
            );
            let mut st = c.prepare(&sql)?;
            let mut rows = st.query(params_from_iter(chunk.iter()))?;
            while let Some(r) = rows.next()? {
                known.by_url.insert(r.get(0)?, r.get(1)?);
            }
        }
        let hashes: Vec<&[u8]> = prepared
            .iter()
            .filter(|p| p.0.hash_key)
            .map(|p| &p.0.hash[..])
            .collect();
        let window = ms(now) - HASH_WINDOW_DAYS * 86_400_000;
        for chunk in hashes.chunks(LOOKUP_CHUNK) {
            let sql = format!(
                "SELECT content_hash, max(id) FROM articles
                 WHERE content_hash IN ({}) AND fetched_at >= ?1 GROUP BY content_hash",
                placeholders(chunk.len(), 2)
            );
            let mut args = vec![Value::Integer(window)];
            args.extend(chunk.iter().map(|h| Value::Blob(h.to_vec())));
            // One statement per IN-list length: prepared, not cached, so
            // the lookups do not push the hot statements out of the cache.
            let mut st = c.prepare(&sql)?;
            let mut rows = st.query(params_from_iter(args))?;
            while let Some(r) = rows.next()? {
                let hash: Vec<u8> = r.get(0)?;
                if let Ok(hash) = <[u8; 32]>::try_from(hash.as_slice()) {
                    known.by_hash.insert(hash, r.get(1)?);
                }
            }
        }
        Ok(known)
    }

    fn ingest_one(
        &self,
        source_id: SourceId,
        a: &NewArticle,
        p: &Prepared,
        now: Timestamp,
        known: &mut Known,
    ) -> Result<Ingested> {
        let c = &self.conn;
        let now_ms = ms(now);
        let guid = a.guid.as_deref().filter(|g| !g.trim().is_empty());

        let mut existing: Option<ArticleId> = guid.and_then(|g| known.by_guid.get(g).copied());
        if let (None, Some(url)) = (existing, &p.canonical) {
            existing = known.by_url.get(url).copied();
        }
        if existing.is_none() && p.hash_key {
            existing = known.by_hash.get(&p.hash).copied();
        }

        let Some(id) = existing else {
            let published = a.published.map(ms);
            let sort_date = published.map_or(now_ms, |p| p.min(now_ms));
            c.prepare_cached(
                "INSERT INTO articles (url, canonical_url, content_hash, title, summary,
                    content_html, text, lang, published, fetched_at, sort_date, authors, extra)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                a.url,
                p.canonical,
                &p.hash[..],
                a.title,
                a.summary,
                a.content_html,
                a.text,
                a.lang,
                published,
                now_ms,
                sort_date,
                to_json(&a.authors),
                extra_json(&a.extra)
            ])?;
            let id = c.last_insert_rowid();
            c.prepare_cached("INSERT INTO article_fts (rowid, title, body) VALUES (?1, ?2, ?3)")?
                .execute(params![id, p.fts_title, p.fts_body])?;
            c.prepare_cached(
                "INSERT INTO article_sources (article_id, source_id, guid, first_seen, copy_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![id, source_id, guid, now_ms, &p.copy_hash[..]])?;
            if let Some(g) = guid {
                known.by_guid.insert(g.to_string(), id);
            }
            if let Some(url) = &p.canonical {
                known.by_url.insert(url.clone(), id);
            }
            if p.hash_key {
                known.by_hash.insert(p.hash, id);
            }
            return Ok(Ingested {
                article_id: id,
                status: IngestStatus::New,
                new_source: true,
            });
        };

        // What this source delivered for the article last time, if it did.
        let link: Option<Option<Vec<u8>>> = c
            .prepare_cached(
                "SELECT copy_hash FROM article_sources WHERE article_id = ?1 AND source_id = ?2",
            )?
            .query_row(params![id, source_id], |r| r.get(0))
            .optional()?;
        let Some(old_copy) = link else {
            // Another outlet's copy of a stored article: remember the source,
            // but its wording is not an edit of the article.
            c.prepare_cached(
                "INSERT INTO article_sources (article_id, source_id, guid, first_seen, copy_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![id, source_id, guid, now_ms, &p.copy_hash[..]])?;
            if let Some(g) = guid {
                known.by_guid.insert(g.to_string(), id);
            }
            return Ok(Ingested {
                article_id: id,
                status: IngestStatus::Unchanged,
                new_source: true,
            });
        };
        if guid.is_some() {
            // The source delivered the article without a GUID before (or
            // found it by URL); remember the GUID for the next poll.
            c.prepare_cached(
                "UPDATE OR IGNORE article_sources SET guid = ?3
                 WHERE article_id = ?1 AND source_id = ?2 AND guid IS NULL",
            )?
            .execute(params![id, source_id, guid])?;
            if let Some(g) = guid {
                known.by_guid.entry(g.to_string()).or_insert(id);
            }
        }
        let unchanged = Ingested {
            article_id: id,
            status: IngestStatus::Unchanged,
            new_source: false,
        };
        if old_copy.as_deref() == Some(&p.copy_hash[..]) {
            return Ok(unchanged);
        }
        c.prepare_cached(
            "UPDATE article_sources SET copy_hash = ?3 WHERE article_id = ?1 AND source_id = ?2",
        )?
        .execute(params![id, source_id, &p.copy_hash[..]])?;
        let (title, summary, text): (String, String, String) = c
            .prepare_cached("SELECT title, summary, text FROM articles WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let changed =
            title != a.title || summary != a.summary || (!a.text.is_empty() && text != a.text);
        if !changed {
            return Ok(unchanged);
        }
        c.prepare_cached(
            "UPDATE articles SET title = ?2, summary = ?3, content_html = ?4,
                text = CASE WHEN ?5 = '' THEN text ELSE ?5 END,
                content_hash = ?6, updated_at = ?7, lang = coalesce(?8, lang),
                authors = CASE WHEN ?9 = '[]' THEN authors ELSE ?9 END,
                extra = CASE WHEN ?10 = '{}' THEN extra ELSE ?10 END
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            a.title,
            a.summary,
            a.content_html,
            a.text,
            &p.hash[..],
            now_ms,
            a.lang,
            to_json(&a.authors),
            extra_json(&a.extra)
        ])?;
        let body = if a.text.is_empty() && !text.is_empty() {
            let old_text = normalize(&text);
            if p.fts_body.is_empty() {
                old_text
            } else {
                format!("{} {old_text}", p.fts_body)
            }
        } else {
            p.fts_body.clone()
        };
        c.prepare_cached("DELETE FROM article_fts WHERE rowid = ?1")?
            .execute([id])?;
        c.prepare_cached("INSERT INTO article_fts (rowid, title, body) VALUES (?1, ?2, ?3)")?
            .execute(params![id, p.fts_title, body])?;
        // The article now carries the new hash: a later item of the same
        // batch with that content finds it, as a fresh lookup would.
        if p.hash_key {
            known.by_hash.insert(p.hash, id);
        }
        Ok(Ingested {
            article_id: id,
            status: IngestStatus::Updated,
            new_source: false,
        })
    }

    /// Which of `guids` this source has already delivered: a source that
    /// pages back (a Telegram channel) stops at the first one it knows.
    pub fn known_guids(
        &self,
        source_id: SourceId,
        guids: &[String],
    ) -> Result<std::collections::HashSet<String>> {
        self.run(|| {
            let mut known = std::collections::HashSet::new();
            for chunk in guids.chunks(LOOKUP_CHUNK) {
                let sql = format!(
                    "SELECT guid FROM article_sources WHERE source_id = ?1 AND guid IN ({})",
                    placeholders(chunk.len(), 2)
                );
                let mut args = vec![Value::Integer(source_id)];
                args.extend(chunk.iter().map(|g| Value::Text(g.clone())));
                let mut st = self.conn.prepare(&sql)?;
                let mut rows = st.query(params_from_iter(args))?;
                while let Some(r) = rows.next()? {
                    known.insert(r.get(0)?);
                }
            }
            Ok(known)
        })
    }

    /// An article with the sources it came from.
    pub fn get_article(&self, id: ArticleId) -> Result<Article> {
        self.run(|| {
            let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?1");
            let mut a = self
                .conn
                .prepare_cached(&sql)?
                .query_row([id], article_from_row)
                .optional()?
                .ok_or(StoreError::NotFound {
                    what: "article",
                    id,
                })?;
            a.sources = self.article_sources(id)?;
            Ok(a)
        })
    }

    /// The sources that delivered an article, the first one first.
    pub fn article_sources(&self, id: ArticleId) -> Result<Vec<ArticleSource>> {
        let mut st = self.conn.prepare_cached(
            "SELECT x.source_id, s.name, x.guid, x.first_seen FROM article_sources x
             JOIN sources s ON s.id = x.source_id
             WHERE x.article_id = ?1 ORDER BY x.first_seen, x.source_id",
        )?;
        let rows = st.query_map([id], |r| {
            Ok(ArticleSource {
                source_id: r.get(0)?,
                name: r.get(1)?,
                guid: r.get(2)?,
                first_seen: from_ms(r.get(3)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Articles with ids above `after`, ascending, for walking the whole
    /// archive in pages (watchlist back-fill and preview). Sources are not
    /// loaded; use [`Store::get_article`] for those.
    pub fn articles_after(&self, after: ArticleId, limit: u32) -> Result<Vec<Article>> {
        self.run(|| {
            let sql = format!(
                "SELECT {ARTICLE_COLUMNS} FROM articles WHERE id > ?1 ORDER BY id LIMIT ?2"
            );
            let mut st = self.conn.prepare_cached(&sql)?;
            let rows = st.query_map(params![after, limit], article_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Saved articles, most recently saved first, with their sources.
    pub fn list_saved(&self, limit: u32, offset: u32) -> Result<Vec<Article>> {
        self.run(|| {
            let sql = format!(
                "SELECT {ARTICLE_COLUMNS} FROM articles WHERE saved_at IS NOT NULL
                 ORDER BY saved_at DESC, id DESC LIMIT ?1 OFFSET ?2"
            );
            let mut st = self.conn.prepare_cached(&sql)?;
            let mut list: Vec<Article> = st
                .query_map(params![limit, offset], article_from_row)?
                .collect::<rusqlite::Result<_>>()?;
            for a in &mut list {
                a.sources = self.article_sources(a.id)?;
            }
            Ok(list)
        })
    }

    /// Saves or unsaves an article. Saved articles are never pruned.
    pub fn set_article_saved(&self, id: ArticleId, saved: bool, now: Timestamp) -> Result<()> {
        self.run(|| {
            let n = self.conn.execute(
                "UPDATE articles SET saved_at = CASE WHEN ?2 THEN coalesce(saved_at, ?3) ELSE NULL END
                 WHERE id = ?1",
                params![id, saved, ms(now)],
            )?;
            crate::sources::found(n, "article", id)
        })
    }

    pub fn count_articles(&self) -> Result<u64> {
        self.run(|| {
            let n: i64 = self
                .conn
                .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
            Ok(n as u64)
        })
    }
}
