//! Full-text search: the user's query, parsed by the watchlist language's
//! own parser ([`Query::parse_search`]) and translated into a safe FTS5
//! expression, and the two search orders (see the crate docs for why
//! neither sorts every match).
//!
//! The language is the watchlist language read leniently: `word`,
//! `"a phrase"`, `prefix*`, `A NEAR B` / `A NEAR/5 B`, `A OR B`, `A AND B`
//! (or just `A B`), `NOT A` / `-A`, `( … )`, and `title:` / `body:` to search
//! one field. Its depth and size limits apply here too. Every word is
//! normalised like the index and emitted as a quoted FTS5 string, so no user
//! text is ever interpreted by FTS5 itself.
//!
//! FTS5 cannot say everything the tree can, so two translations are
//! approximate: a chain of `NEAR`s becomes one FTS5 `NEAR` group of all its
//! operands within the largest distance, and an `OR` beside `NEAR` is
//! distributed (`(a OR b) NEAR c` is `NEAR(a c) OR NEAR(b c)`), up to
//! [`MAX_NEAR_GROUPS`] groups.

use std::collections::HashSet;
use std::fmt::Write as _;

use outpost_core::query::{Node, PhraseItem, Query};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params_from_iter};

use crate::error::Result;
use crate::text::{self, Highlight};
use crate::{ArticleId, SearchHit, SearchOrder, SearchQuery, Store, from_ms, from_ms_opt, ms};

/// A search that cannot be run: the watchlist language's error, with the
/// column where it was noticed.
pub use outpost_core::query::QueryError;

/// Ranked search ranks at most this many of the most recent matches.
pub const RANK_WINDOW: u32 = 300;
/// BM25's term-frequency saturation and length normalisation.
const BM25_K1: f64 = 1.2;
const BM25_B: f64 = 0.75;
/// How much more a word in the title counts than one in the body.
pub const TITLE_WEIGHT: f64 = 4.0;
/// Page size when the query asks for 0.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page a query may ask for.
pub const MAX_LIMIT: u32 = 1_000;
/// How many FTS5 `NEAR` groups one `NEAR` of the query may become once the
/// `OR`s beside it are distributed.
pub const MAX_NEAR_GROUPS: usize = 64;
/// Words in a snippet.
const SNIPPET_WORDS: usize = 32;

/// A parsed search: the FTS5 expression and the words to highlight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedQuery {
    /// A MATCH expression in which every word is a quoted, normalised string.
    pub fts: String,
    pub(crate) highlight: Highlight,
}

/// Parses the user's search text and translates it for the index.
pub fn parse_query(input: &str) -> Result<ParsedQuery, QueryError> {
    let query = Query::parse_search(input)?;
    let mut highlight = Highlight::default();
    highlight_words(query.root(), &mut highlight);
    let mut fts = String::new();
    emit(query.root(), &mut fts)?;
    Ok(ParsedQuery { fts, highlight })
}

/// The words and prefixes a hit is highlighted by: all but the excluded
/// ones, each once.
fn highlight_words(node: &Node, hl: &mut Highlight) {
    let push = |list: &mut Vec<String>, text: &str| {
        if !list.iter().any(|w| w == text) {
            list.push(text.to_string());
        }
    };
    match node {
        Node::Word(w) => push(&mut hl.words, w),
        Node::Prefix(p) => push(&mut hl.prefixes, p),
        Node::Phrase(items) => {
            for item in items {
                match item {
                    PhraseItem::Word(w) => push(&mut hl.words, w),
                    PhraseItem::Prefix(p) => push(&mut hl.prefixes, p),
                }
            }
        }
        Node::Near { left, right, .. } => {
            highlight_words(left, hl);
            highlight_words(right, hl);
        }
        Node::And(children) | Node::Or(children) => {
            for child in children {
                highlight_words(child, hl);
            }
        }
        Node::Field(_, inner) => highlight_words(inner, hl),
        // Words under NOT are not highlighted.
        Node::Not(_) | Node::Source(_) | Node::Lang(_) => {}
    }
}

/// An error for a tree the parser accepts but FTS5 cannot express. The tree
/// carries no columns, so it points at the start of the search.
fn untranslatable(message: &str) -> QueryError {
    QueryError {
        column: 1,
        message: message.to_string(),
    }
}

/// Writes one quoted FTS5 string.
fn quote(text: &str, out: &mut String) {
    out.push('"');
    out.push_str(&text.replace('"', "\"\""));
    out.push('"');
}

/// Writes a word, prefix or phrase as one FTS5 phrase. A prefix inside a
/// phrase ends an FTS5 string, and `+` joins the strings into one phrase.
fn emit_phrase(node: &Node, out: &mut String) {
    match node {
        Node::Word(w) => quote(w, out),
        Node::Prefix(p) => {
            quote(p, out);
            out.push('*');
        }
        Node::Phrase(items) => {
            let mut words: Vec<&str> = Vec::new();
            let mut first = true;
            let mut flush = |words: &mut Vec<&str>, prefix: bool, out: &mut String| {
                if words.is_empty() {
                    return;
                }
                if !first {
                    out.push_str(" + ");
                }
                first = false;
                quote(&words.join(" "), out);
                if prefix {
                    out.push('*');
                }
                words.clear();
            };
            for item in items {
                words.push(item.text());
                if matches!(item, PhraseItem::Prefix(_)) {
                    flush(&mut words, true, out);
                }
            }
            flush(&mut words, false, out);
        }
        _ => {}
    }
}

/// One FTS5 `NEAR` group: its phrases and distance.
type NearGroup = (Vec<String>, u32);

/// The FTS5 `NEAR` groups a positional node stands for, as alternatives.
fn near_groups(node: &Node) -> Result<Vec<NearGroup>, QueryError> {
    Ok(match node {
        Node::Word(_) | Node::Prefix(_) | Node::Phrase(_) => {
            let mut phrase = String::new();
            emit_phrase(node, &mut phrase);
            vec![(vec![phrase], 0)]
        }
        Node::Or(children) => {
            let mut all = Vec::new();
            for child in children {
                all.extend(near_groups(child)?);
            }
            all
        }
        Node::Near {
            left,
            right,
            distance,
        } => {
            let (lefts, rights) = (near_groups(left)?, near_groups(right)?);
            if lefts.len() * rights.len() > MAX_NEAR_GROUPS {
                return Err(untranslatable(&format!(
                    "the search has too many (… OR …) alternatives beside NEAR: \
                     at most {MAX_NEAR_GROUPS} combinations can be searched; \
                     split it into several searches"
                )));
            }
            let mut groups = Vec::with_capacity(lefts.len() * rights.len());
            for (l, ld) in &lefts {
                for (r, rd) in &rights {
                    let phrases = l.iter().chain(r).cloned().collect();
                    groups.push((phrases, (*distance).max(*ld).max(*rd)));
                }
            }
            groups
        }
        // The parser allows only positional nodes beside NEAR.
        _ => {
            return Err(untranslatable(
                "expected words, phrases or (… OR …) groups of them beside NEAR",
            ));
        }
    })
}

/// Writes `node` as FTS5 syntax. FTS5's NOT is binary (`a NOT b`), so each
/// AND group puts its positive parts first and subtracts the negated ones.
fn emit(node: &Node, out: &mut String) -> Result<(), QueryError> {
    match node {
        Node::Word(_) | Node::Prefix(_) | Node::Phrase(_) => emit_phrase(node, out),
        Node::Near { .. } => {
            let groups = near_groups(node)?;
            if groups.len() > 1 {
                out.push('(');
            }
            for (i, (phrases, distance)) in groups.iter().enumerate() {
                if i > 0 {
                    out.push_str(" OR ");
                }
                let _ = write!(out, "NEAR({}, {distance})", phrases.join(" "));
            }
            if groups.len() > 1 {
                out.push(')');
            }
        }
        Node::Or(parts) => {
            out.push('(');
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(" OR ");
                }
                emit(p, out)?;
            }
            out.push(')');
        }
        Node::And(parts) => {
            let (neg, pos): (Vec<&Node>, Vec<&Node>) = parts
                .iter()
                .partition(|p| matches!(p, Node::Not(inner) if !matches!(**inner, Node::Not(_))));
            if pos.is_empty() {
                return Err(only_negative());
            }
            out.push('(');
            for (i, p) in pos.iter().enumerate() {
                if i > 0 {
                    out.push_str(" AND ");
                }
                emit(p, out)?;
            }
            for n in neg {
                if let Node::Not(inner) = n {
                    out.push_str(" NOT (");
                    emit(inner, out)?;
                    out.push(')');
                }
            }
            out.push(')');
        }
        // NOT NOT x is x; a lone NOT matches what lacks a word, which the
        // parser refuses.
        Node::Not(inner) => match &**inner {
            Node::Not(twice) => emit(twice, out)?,
            _ => return Err(only_negative()),
        },
        Node::Field(field, inner) => {
            let column = match field {
                outpost_core::Field::Title => "title",
                outpost_core::Field::Body => "body",
            };
            let _ = write!(out, "{column} : ");
            match &**inner {
                Node::Word(_) | Node::Prefix(_) | Node::Phrase(_) | Node::And(_) | Node::Or(_) => {
                    emit(inner, out)?
                }
                _ => {
                    out.push('(');
                    emit(inner, out)?;
                    out.push(')');
                }
            }
        }
        Node::Source(_) | Node::Lang(_) => {
            return Err(untranslatable(
                "source: and lang: cannot be used in a search: filter by source or language \
                 with the search filters (--source, --lang) instead",
            ));
        }
    }
    Ok(())
}

fn only_negative() -> QueryError {
    untranslatable(
        "the search only excludes words: add a word to look for, e.g. 'border NOT football'",
    )
}

impl Store {
    /// Searches the archive. See the crate docs for the orders' design.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<SearchHit>> {
        self.run(|| {
            let parsed = parse_query(&q.text)?;
            let limit = match q.limit {
                0 => DEFAULT_LIMIT,
                n => n.min(MAX_LIMIT),
            };
            let ids = self.matching_ids(&parsed, q, limit)?;
            self.hits(&ids, &parsed.highlight)
        })
    }

    /// Article ids of one page of results, in result order.
    fn matching_ids(
        &self,
        parsed: &ParsedQuery,
        q: &SearchQuery,
        limit: u32,
    ) -> Result<Vec<ArticleId>> {
        let mut args: Vec<Value> = vec![Value::Text(parsed.fts.clone())];
        let mut filters = String::new();
        let need_article = !q.langs.is_empty() || q.since.is_some() || q.until.is_some();
        if !q.langs.is_empty() {
            filters.push_str(" AND a.lang IN (");
            push_placeholders(
                &mut filters,
                &mut args,
                q.langs.iter().map(|l| Value::Text(l.to_lowercase())),
            );
            filters.push(')');
        }
        if let Some(s) = q.since {
            args.push(Value::Integer(ms(s)));
            let _ = write!(filters, " AND a.sort_date >= ?{}", args.len());
        }
        if let Some(u) = q.until {
            args.push(Value::Integer(ms(u)));
            let _ = write!(filters, " AND a.sort_date <= ?{}", args.len());
        }
        if !q.sources.is_empty() {
            filters.push_str(
                " AND EXISTS (SELECT 1 FROM article_sources x WHERE x.article_id = article_fts.rowid AND x.source_id IN (",
            );
            push_placeholders(
                &mut filters,
                &mut args,
                q.sources.iter().map(|s| Value::Integer(*s)),
            );
            filters.push_str("))");
        }
        let join = if need_article {
            " JOIN articles a ON a.id = article_fts.rowid"
        } else {
            ""
        };
        let offset = q.offset.min(MAX_LIMIT * 10);
        match q.order {
            SearchOrder::Newest => {
                args.push(Value::Integer(i64::from(limit)));
                args.push(Value::Integer(i64::from(offset)));
                let sql = format!(
                    "SELECT article_fts.rowid FROM article_fts{join}
                     WHERE article_fts MATCH ?1{filters}
                     ORDER BY article_fts.rowid DESC LIMIT ?{} OFFSET ?{}",
                    args.len() - 1,
                    args.len()
                );
                let mut st = self.conn.prepare_cached(&sql)?;
                let rows = st.query_map(params_from_iter(args), |r| r.get(0))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            }
            SearchOrder::Ranked => {
                let window = RANK_WINDOW.max(offset + limit);
                args.push(Value::Integer(i64::from(window)));
                let sql = format!(
                    "SELECT article_fts.rowid FROM article_fts{join}
                     WHERE article_fts MATCH ?1{filters}
                     ORDER BY article_fts.rowid DESC LIMIT ?{}",
                    args.len()
                );
                let mut st = self.conn.prepare_cached(&sql)?;
                let candidates: Vec<ArticleId> = st
                    .query_map(params_from_iter(args), |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                let mut scored = self.rank(&candidates, &parsed.highlight)?;
                // Best first; newer wins ties (and articles that matched
                // only in their full text, which score 0, come newest first).
                scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
                Ok(scored
                    .into_iter()
                    .skip(offset as usize)
                    .take(limit as usize)
                    .map(|(id, _)| id)
                    .collect())
            }
        }
    }

    /// Scores candidates with BM25 over their title (weighted
    /// [`TITLE_WEIGHT`]) and summary, with document frequencies taken from
    /// the candidate window itself. FTS5's own `bm25()` would first count
    /// every match of every phrase in the whole archive, which is exactly
    /// the cost the window avoids.
    fn rank(&self, ids: &[ArticleId], hl: &Highlight) -> Result<Vec<(ArticleId, f64)>> {
        let terms = hl.len();
        let mut st = self
            .conn
            .prepare_cached("SELECT title, summary FROM articles WHERE id = ?1")?;
        let mut docs: Vec<(ArticleId, Vec<f64>, f64)> = Vec::with_capacity(ids.len());
        for &id in ids {
            let row: Option<(String, String)> = st
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let Some((title, summary)) = row else {
                continue;
            };
            let mut tf = vec![0.0; terms];
            let mut len = 0.0;
            for (field, weight) in [(&title, TITLE_WEIGHT), (&summary, 1.0)] {
                for token in text::tokenize(field) {
                    len += 1.0;
                    if let Some(i) = hl.term_index(&token.text) {
                        tf[i] += weight;
                    }
                }
            }
            docs.push((id, tf, len));
        }
        let n = docs.len() as f64;
        let avg_len = (docs.iter().map(|d| d.2).sum::<f64>() / n.max(1.0)).max(1.0);
        let idf: Vec<f64> = (0..terms)
            .map(|i| {
                let df = docs.iter().filter(|d| d.1[i] > 0.0).count() as f64;
                (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
            })
            .collect();
        Ok(docs
            .into_iter()
            .map(|(id, tf, len)| {
                let norm = BM25_K1 * (1.0 - BM25_B + BM25_B * len / avg_len);
                let score = tf
                    .iter()
                    .zip(&idf)
                    .map(|(f, idf)| idf * f * (BM25_K1 + 1.0) / (f + norm))
                    .sum();
                (id, score)
            })
            .collect())
    }

    /// Loads the hits' articles and cuts their snippets.
    fn hits(&self, ids: &[ArticleId], hl: &Highlight) -> Result<Vec<SearchHit>> {
        let mut st = self.conn.prepare_cached(
            "SELECT a.title, a.summary, a.text, a.url, a.published, a.fetched_at, a.lang,
                (SELECT s.name FROM article_sources x JOIN sources s ON s.id = x.source_id
                 WHERE x.article_id = a.id ORDER BY x.first_seen, x.source_id LIMIT 1)
             FROM articles a WHERE a.id = ?1",
        )?;
        let mut out = Vec::with_capacity(ids.len());
        let mut seen = HashSet::new();
        for &id in ids {
            if !seen.insert(id) {
                continue;
            }
            let row = st.query_row([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            });
            let (title, summary, body_text, url, published, fetched_at, lang, source_name) =
                match row {
                    Ok(v) => v,
                    // Deleted between the index scan and this read.
                    Err(rusqlite::Error::QueryReturnedNoRows) => continue,
                    Err(e) => return Err(e.into()),
                };
            let body = match (summary.is_empty(), body_text.is_empty()) {
                (_, true) => summary,
                (true, false) => body_text,
                (false, false) if body_text.starts_with(summary.trim()) => body_text,
                (false, false) => format!("{summary}\n{body_text}"),
            };
            out.push(SearchHit {
                article_id: id,
                title_html: text::mark_all(&title, hl),
                title,
                source_name,
                url,
                published: from_ms_opt(published),
                fetched_at: from_ms(fetched_at),
                lang,
                snippet: text::snippet(&body, hl, SNIPPET_WORDS),
            });
        }
        Ok(out)
    }
}

fn push_placeholders(sql: &mut String, args: &mut Vec<Value>, values: impl Iterator<Item = Value>) {
    for (i, v) in values.enumerate() {
        args.push(v);
        if i > 0 {
            sql.push_str(", ");
        }
        let _ = write!(sql, "?{}", args.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fts(q: &str) -> String {
        parse_query(q).unwrap_or_else(|e| panic!("{q}: {e}")).fts
    }

    #[test]
    fn words_are_normalised_and_quoted() {
        assert_eq!(fts("Border"), r#""border""#);
        assert_eq!(fts("border clash"), r#"("border" AND "clash")"#);
        assert_eq!(fts("Ёлка"), r#""елка""#);
    }

    #[test]
    fn phrases_prefixes_and_fields() {
        assert_eq!(fts(r#""Tajik-Afghan border""#), r#""tajik afghan border""#);
        assert_eq!(fts("Tajik-Afghan"), r#""tajik afghan""#);
        assert_eq!(fts("границ*"), r#""границ"*"#);
        assert_eq!(fts(r#"title:"border post""#), r#"title : "border post""#);
        assert_eq!(fts("title:Taliban"), r#"title : "taliban""#);
    }

    #[test]
    fn boolean_operators_and_near() {
        assert_eq!(fts("a OR b"), r#"("a" OR "b")"#);
        assert_eq!(fts("border -football"), r#"("border" NOT ("football"))"#);
        assert_eq!(fts("border NOT football"), r#"("border" NOT ("football"))"#);
        assert_eq!(fts("(a OR b) c"), r#"(("a" OR "b") AND "c")"#);
        assert_eq!(fts("border NEAR/5 clash*"), r#"NEAR("border" "clash"*, 5)"#);
        assert_eq!(fts("a NEAR b"), r#"NEAR("a" "b", 10)"#);
        // Lower-case operators are words.
        assert_eq!(fts("rock and roll"), r#"("rock" AND "and" AND "roll")"#);
    }

    #[test]
    fn fts5_syntax_in_user_text_is_inert() {
        // Characters FTS5 would interpret arrive only inside quoted strings,
        // or are dropped by normalisation.
        assert_eq!(fts("a:b"), r#""a b""#);
        assert_eq!(fts("10:30"), r#""10 30""#);
        assert_eq!(fts("^start {title} +x"), r#"("start" AND "title" AND "x")"#);
    }

    #[test]
    fn the_watchlist_language_translates() {
        assert_eq!(
            fts("title:(border OR граница)"),
            r#"title : ("border" OR "граница")"#
        );
        assert_eq!(fts("body:x"), r#"body : "x""#);
        assert_eq!(fts("text:x"), r#"body : "x""#);
        assert_eq!(
            fts("(a OR b) NEAR/3 c"),
            r#"(NEAR("a" "c", 3) OR NEAR("b" "c", 3))"#
        );
        assert_eq!(fts("a NEAR/2 b NEAR/5 c"), r#"NEAR("a" "b" "c", 5)"#);
        assert_eq!(fts("\"tajik-afgh* border\""), r#""tajik afgh"* + "border""#);
        assert_eq!(fts("NOT NOT border"), r#""border""#);
        assert_eq!(fts("a -(b OR c)"), r#"("a" NOT (("b" OR "c")))"#);
    }

    /// The error's column and a fragment of its message.
    fn error(q: &str) -> (usize, String) {
        let e = parse_query(q).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("error at column {}: {}", e.column, e.message)
        );
        (e.column, e.message)
    }

    #[test]
    fn bad_queries_are_clear_errors() {
        let cases: &[(&str, usize, &str)] = &[
            ("   ", 1, "empty query"),
            ("...", 1, "letters or digits"),
            ("\"open", 1, "unclosed quote"),
            ("(a b", 5, "expected ')' to close the '(' at column 1"),
            ("a b)", 4, "no '(' for it to close"),
            ("NOT a", 1, "lacks the excluded text"),
            ("-a -b", 1, "lacks the excluded text"),
            ("a OR", 5, "after OR"),
            ("a NEAR/x b", 8, "expected a number"),
            ("(a b) NEAR c", 1, "on each side of NEAR/10"),
            ("source:tolo", 1, "--source"),
            ("a lang:ru", 3, "--lang"),
            ("title:body:x", 7, "has no effect"),
        ];
        for (q, column, fragment) in cases {
            let (at, message) = error(q);
            assert_eq!(at, *column, "{q}: {message}");
            assert!(message.contains(fragment), "{q}: {message}");
        }
    }

    // Hardening 2, item 4: `search` had no depth limit; 10,000 parentheses
    // or 30,000 NOTs overflowed smaller stacks. The watchlist parser's limits
    // now apply, and the translation of a query at the limit stays shallow.
    #[test]
    fn search_depth_and_size_are_bounded_on_a_small_stack() {
        use outpost_core::query::{MAX_DEPTH, MAX_TERMS};
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                for hostile in [
                    format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000)),
                    format!("{}a b", "NOT ".repeat(30_000)),
                    "a NEAR/5 ".repeat(20_000) + "b",
                    "a ".repeat(MAX_TERMS + 1),
                ] {
                    let (_, message) = error(&hostile);
                    assert!(
                        message.contains("levels deep") || message.contains("words"),
                        "{message}"
                    );
                }
                let deep = format!("{}a{}", "(b OR c ".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
                assert!(parse_query(&deep).is_ok());
                let chain = "a NEAR/5 ".repeat(MAX_DEPTH) + "b";
                assert!(parse_query(&chain).is_ok());
            })
            .unwrap()
            .join()
            .expect("no stack overflow");
    }
}
