//! Full-text search: the user's query syntax, its translation into a safe
//! FTS5 expression, and the two search orders (see the crate docs for why
//! neither sorts every match).
//!
//! Syntax: `word`, `"a phrase"`, `prefix*`, `A NEAR B` / `A NEAR/5 B`,
//! `A OR B`, `A AND B` (or just `A B`), `NOT A` / `-A`, `( … )`, and
//! `title:word` / `title:"a phrase"` to search titles only. Operators are
//! upper-case; lower-case `and`, `or`, `not`, `near` are searched as words.
//! Every word is normalised like the index and emitted as a quoted FTS5
//! string, so no user text is ever interpreted by FTS5 itself.

use std::collections::HashSet;
use std::fmt::Write as _;

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params_from_iter};

use crate::error::Result;
use crate::text::{self, Highlight};
use crate::{ArticleId, SearchHit, SearchOrder, SearchQuery, Store, from_ms, from_ms_opt, ms};

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
/// `A NEAR B` without a distance: within this many words.
pub const DEFAULT_NEAR: u32 = 10;
/// Words in a snippet.
const SNIPPET_WORDS: usize = 32;

/// A search query that cannot be run, with what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("the search is empty: type at least one word")]
    Empty,
    #[error("the search has an unclosed quote starting at character {0}")]
    UnclosedQuote(usize),
    #[error("the search has a '(' at character {0} that is never closed")]
    UnclosedParen(usize),
    #[error("the search has a ')' at character {0} without a matching '('")]
    UnexpectedParen(usize),
    #[error("'{op}' at character {at} needs a word or phrase after it")]
    MissingOperand { op: String, at: usize },
    #[error("NEAR at character {0} joins words or phrases, not groups or field filters")]
    NearOperand(usize),
    #[error("'{0}' is not a valid NEAR distance; write NEAR/5 for 'within 5 words'")]
    NearDistance(String),
    #[error("the search only excludes words; add a word to look for, e.g. 'border NOT football'")]
    OnlyNegative,
    #[error(
        "'{0}:' cannot be used in a search; filter by source or language with the search filters (--source, --lang) instead"
    )]
    UnknownField(String),
}

/// A parsed search: the FTS5 expression and the words to highlight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedQuery {
    /// A MATCH expression in which every word is a quoted, normalised string.
    pub fts: String,
    pub(crate) highlight: Highlight,
}

/// Parses the user's search text.
pub fn parse_query(input: &str) -> Result<ParsedQuery, QueryError> {
    let tokens = lex(input)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        highlight: Highlight::default(),
    };
    if p.tokens.is_empty() {
        return Err(QueryError::Empty);
    }
    let node = p.or()?;
    if let Some(t) = p.tokens.get(p.pos) {
        return Err(match t.kind {
            Tok::Close => QueryError::UnexpectedParen(t.at),
            _ => QueryError::MissingOperand {
                op: "(".into(),
                at: t.at,
            },
        });
    }
    let node = node.ok_or(QueryError::Empty)?;
    let mut fts = String::new();
    emit(&node, &mut fts)?;
    Ok(ParsedQuery {
        fts,
        highlight: p.highlight,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    And,
    Or,
    Not,
    Near(u32),
    /// A word or phrase: its normalised words, prefix flag and field.
    Term {
        words: Vec<String>,
        prefix: bool,
        field: Option<&'static str>,
    },
}

#[derive(Debug, Clone)]
struct Token {
    kind: Tok,
    /// 1-based character position, for messages.
    at: usize,
}

fn lex(input: &str) -> Result<Vec<Token>, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Token {
                kind: Tok::Open,
                at,
            });
            i += 1;
        } else if c == ')' {
            out.push(Token {
                kind: Tok::Close,
                at,
            });
            i += 1;
        } else if c == '-' && chars.get(i + 1).is_some_and(|n| !n.is_whitespace()) {
            out.push(Token { kind: Tok::Not, at });
            i += 1;
        } else {
            // A chunk: an optional `field:` then a quoted phrase or a bare
            // word running to whitespace, a quote or a parenthesis.
            let start = i;
            while i < chars.len()
                && !chars[i].is_whitespace()
                && !matches!(chars[i], '(' | ')' | '"')
            {
                i += 1;
            }
            let bare: String = chars[start..i].iter().collect();
            let mut field = None;
            let mut text = bare.clone();
            if let Some((name, rest)) = bare.split_once(':') {
                match name.to_ascii_lowercase().as_str() {
                    "title" => field = Some("title"),
                    "body" | "text" => field = Some("body"),
                    "source" | "lang" => return Err(QueryError::UnknownField(name.to_string())),
                    // Anything else ("10:30", "Update:") is just text.
                    _ => {}
                }
                if field.is_some() {
                    text = rest.to_string();
                }
            }
            if text.is_empty() && i < chars.len() && chars[i] == '"' {
                let q = i;
                i += 1;
                let s = i;
                while i < chars.len() && chars[i] != '"' {
                    i += 1;
                }
                if i == chars.len() {
                    return Err(QueryError::UnclosedQuote(q + 1));
                }
                text = chars[s..i].iter().collect();
                i += 1;
                let prefix = chars.get(i) == Some(&'*');
                if prefix {
                    i += 1;
                }
                push_term(&mut out, &text, prefix, field, at);
                continue;
            }
            if field.is_none() {
                match bare.as_str() {
                    "AND" => {
                        out.push(Token { kind: Tok::And, at });
                        continue;
                    }
                    "OR" => {
                        out.push(Token { kind: Tok::Or, at });
                        continue;
                    }
                    "NOT" => {
                        out.push(Token { kind: Tok::Not, at });
                        continue;
                    }
                    "NEAR" => {
                        out.push(Token {
                            kind: Tok::Near(DEFAULT_NEAR),
                            at,
                        });
                        continue;
                    }
                    _ => {}
                }
                if let Some(n) = bare.strip_prefix("NEAR/") {
                    let d = n
                        .parse::<u32>()
                        .ok()
                        .filter(|d| *d <= 1000)
                        .ok_or_else(|| QueryError::NearDistance(bare.clone()))?;
                    out.push(Token {
                        kind: Tok::Near(d),
                        at,
                    });
                    continue;
                }
            }
            let prefix = text.ends_with('*');
            push_term(&mut out, text.trim_end_matches('*'), prefix, field, at);
        }
    }
    Ok(out)
}

fn push_term(
    out: &mut Vec<Token>,
    text: &str,
    prefix: bool,
    field: Option<&'static str>,
    at: usize,
) {
    let words: Vec<String> = text::normalize(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    // Pure punctuation normalises to nothing and is dropped.
    if !words.is_empty() {
        out.push(Token {
            kind: Tok::Term {
                words,
                prefix,
                field,
            },
            at,
        });
    }
}

#[derive(Debug, Clone)]
enum Node {
    Term {
        words: Vec<String>,
        prefix: bool,
        field: Option<&'static str>,
    },
    Near {
        terms: Vec<Node>,
        distance: u32,
    },
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    highlight: Highlight,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.kind)
    }

    fn or(&mut self) -> Result<Option<Node>, QueryError> {
        let mut parts = Vec::new();
        if let Some(n) = self.and()? {
            parts.push(n);
        }
        while self.peek() == Some(&Tok::Or) {
            let at = self.tokens[self.pos].at;
            self.pos += 1;
            match self.and()? {
                Some(n) => parts.push(n),
                None => {
                    return Err(QueryError::MissingOperand {
                        op: "OR".into(),
                        at,
                    });
                }
            }
            if parts.len() < 2 {
                return Err(QueryError::MissingOperand {
                    op: "OR".into(),
                    at,
                });
            }
        }
        Ok(match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => Some(Node::Or(parts)),
        })
    }

    fn and(&mut self) -> Result<Option<Node>, QueryError> {
        let mut parts = Vec::new();
        loop {
            match self.peek() {
                None | Some(Tok::Or) | Some(Tok::Close) => break,
                Some(Tok::And) => {
                    let at = self.tokens[self.pos].at;
                    self.pos += 1;
                    if parts.is_empty() {
                        return Err(QueryError::MissingOperand {
                            op: "AND".into(),
                            at,
                        });
                    }
                    match self.unary()? {
                        Some(n) => parts.push(n),
                        None => {
                            return Err(QueryError::MissingOperand {
                                op: "AND".into(),
                                at,
                            });
                        }
                    }
                }
                _ => match self.unary()? {
                    Some(n) => parts.push(n),
                    None => break,
                },
            }
        }
        Ok(match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => Some(Node::And(parts)),
        })
    }

    fn unary(&mut self) -> Result<Option<Node>, QueryError> {
        if self.peek() == Some(&Tok::Not) {
            let at = self.tokens[self.pos].at;
            self.pos += 1;
            // Words under NOT are not highlighted.
            let saved = self.highlight.clone();
            let inner = self.unary()?;
            self.highlight = saved;
            return match inner {
                Some(n) => Ok(Some(Node::Not(Box::new(n)))),
                None => Err(QueryError::MissingOperand {
                    op: "NOT".into(),
                    at,
                }),
            };
        }
        self.near()
    }

    fn near(&mut self) -> Result<Option<Node>, QueryError> {
        let Some(first) = self.primary()? else {
            return Ok(None);
        };
        let mut terms = vec![first];
        let mut distance = 0;
        while let Some(Tok::Near(d)) = self.peek() {
            let d = *d;
            let at = self.tokens[self.pos].at;
            self.pos += 1;
            distance = distance.max(d);
            match self.primary()? {
                Some(n) => terms.push(n),
                None => {
                    return Err(QueryError::MissingOperand {
                        op: "NEAR".into(),
                        at,
                    });
                }
            }
            if terms
                .iter()
                .any(|t| !matches!(t, Node::Term { field: None, .. }))
            {
                return Err(QueryError::NearOperand(at));
            }
        }
        Ok(Some(if terms.len() == 1 {
            terms.pop().expect("one term")
        } else {
            Node::Near { terms, distance }
        }))
    }

    fn primary(&mut self) -> Result<Option<Node>, QueryError> {
        let Some(tok) = self.tokens.get(self.pos).cloned() else {
            return Ok(None);
        };
        match tok.kind {
            Tok::Open => {
                self.pos += 1;
                let inner = self.or()?;
                if self.peek() != Some(&Tok::Close) {
                    return Err(QueryError::UnclosedParen(tok.at));
                }
                self.pos += 1;
                Ok(inner)
            }
            Tok::Term {
                words,
                prefix,
                field,
            } => {
                self.pos += 1;
                for (i, w) in words.iter().enumerate() {
                    if prefix && i + 1 == words.len() {
                        self.highlight.prefixes.push(w.clone());
                    } else {
                        self.highlight.words.push(w.clone());
                    }
                }
                Ok(Some(Node::Term {
                    words,
                    prefix,
                    field,
                }))
            }
            Tok::Near(_) => Err(QueryError::MissingOperand {
                op: "NEAR".into(),
                at: tok.at,
            }),
            Tok::Close => Ok(None),
            Tok::And | Tok::Or | Tok::Not => Ok(None),
        }
    }
}

fn quote(words: &[String], prefix: bool, out: &mut String) {
    out.push('"');
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&w.replace('"', "\"\""));
    }
    out.push('"');
    if prefix {
        out.push('*');
    }
}

/// Writes `node` as FTS5 syntax. FTS5's NOT is binary (`a NOT b`), so each
/// AND group puts its positive parts first and subtracts the negated ones.
fn emit(node: &Node, out: &mut String) -> Result<(), QueryError> {
    match node {
        Node::Term {
            words,
            prefix,
            field,
        } => {
            if let Some(f) = field {
                let _ = write!(out, "{f} : ");
            }
            quote(words, *prefix, out);
        }
        Node::Near { terms, distance } => {
            out.push_str("NEAR(");
            for (i, t) in terms.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                if let Node::Term { words, prefix, .. } = t {
                    quote(words, *prefix, out);
                }
            }
            let _ = write!(out, ", {distance})");
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
            let (neg, pos): (Vec<&Node>, Vec<&Node>) =
                parts.iter().partition(|p| matches!(p, Node::Not(_)));
            if pos.is_empty() {
                return Err(QueryError::OnlyNegative);
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
                    out.push_str(" NOT ");
                    emit_group(inner, out)?;
                }
            }
            out.push(')');
        }
        Node::Not(_) => return Err(QueryError::OnlyNegative),
    }
    Ok(())
}

fn emit_group(node: &Node, out: &mut String) -> Result<(), QueryError> {
    out.push('(');
    emit(node, out)?;
    out.push(')');
    Ok(())
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
    fn bad_queries_are_clear_errors() {
        assert_eq!(parse_query("   "), Err(QueryError::Empty));
        assert_eq!(parse_query("...").unwrap_err(), QueryError::Empty);
        assert_eq!(
            parse_query("\"open").unwrap_err(),
            QueryError::UnclosedQuote(1)
        );
        assert_eq!(
            parse_query("(a b").unwrap_err(),
            QueryError::UnclosedParen(1)
        );
        assert_eq!(
            parse_query("a b)").unwrap_err(),
            QueryError::UnexpectedParen(4)
        );
        assert_eq!(parse_query("NOT a").unwrap_err(), QueryError::OnlyNegative);
        assert_eq!(parse_query("-a -b").unwrap_err(), QueryError::OnlyNegative);
        assert!(matches!(
            parse_query("a OR").unwrap_err(),
            QueryError::MissingOperand { .. }
        ));
        assert!(matches!(
            parse_query("a NEAR/x b").unwrap_err(),
            QueryError::NearDistance(_)
        ));
        assert!(matches!(
            parse_query("(a OR b) NEAR c").unwrap_err(),
            QueryError::NearOperand(_)
        ));
        assert_eq!(
            parse_query("source:tolo").unwrap_err(),
            QueryError::UnknownField("source".into())
        );
    }
}
