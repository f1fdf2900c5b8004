//! Matching articles against every watchlist at once.
//!
//! The design is Lucene Monitor's (formerly Luwak): all watchlist queries are
//! compiled into one index of the words and prefixes they need; an article
//! is tokenised and normalised once; its distinct words are looked up in that
//! index (a hash map for words, an Aho–Corasick automaton for prefixes) to
//! find the few *candidate* watchlists; only those are evaluated, against a
//! positional index of the article built once.
//!
//! Which words a query needs is decided by its presearch key set: any
//! article that matches the query contains at least one of the keys. For an
//! `AND` one operand's keys suffice (the rarest-looking one), for an `OR`
//! every branch's keys are needed, and a query with no such set (only
//! `source:`/`lang:`) is evaluated for every article.
//!
//! [`crate::query::Query::matches`] is the reference: the matcher returns
//! exactly the watchlists, and the same spans, that evaluating every query
//! with it would.

mod index;
mod presearch;

use aho_corasick::AhoCorasick;
use rustc_hash::FxHashMap;

use crate::model::{Field, Span, WatchlistId};
use crate::normalize::{Token, tokenize};
use crate::query::Query;
use index::DocIndex;
use presearch::Key;

/// An article as the matcher sees it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Document<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// Language code, e.g. `ru`, `fa-AF`.
    pub lang: Option<&'a str>,
    /// The source's name or host.
    pub source: Option<&'a str>,
}

/// One watchlist that matched, with the spans that made it match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchHit {
    pub watchlist: WatchlistId,
    pub spans: Vec<Span>,
}

/// An article tokenised once, for evaluating many queries against it.
#[derive(Debug, Clone)]
pub struct TokenizedDocument<'a> {
    pub doc: Document<'a>,
    pub title: Vec<Token>,
    pub body: Vec<Token>,
}

impl<'a> TokenizedDocument<'a> {
    pub fn new(doc: Document<'a>) -> Self {
        TokenizedDocument {
            title: tokenize(doc.title),
            body: tokenize(doc.body),
            doc,
        }
    }

    pub fn tokens(&self, field: Field) -> &[Token] {
        match field {
            Field::Title => &self.title,
            Field::Body => &self.body,
        }
    }
}

/// All watchlists compiled for matching. Cheap to rebuild when a watchlist
/// changes (about a millisecond per thousand queries) and shareable between
/// threads.
#[derive(Debug)]
pub struct Matcher {
    queries: Vec<(WatchlistId, Query)>,
    /// Normalised word → queries that need it.
    words: FxHashMap<Box<str>, Vec<u32>>,
    /// Patterns are `" " + prefix`, searched in `" word1 word2 …"`.
    prefix_automaton: Option<AhoCorasick>,
    /// Pattern index → queries that need that prefix.
    prefix_queries: Vec<Vec<u32>>,
    /// Queries without presearch keys, evaluated for every article.
    always: Vec<u32>,
}

impl Matcher {
    pub fn new(watchlists: impl IntoIterator<Item = (WatchlistId, Query)>) -> Matcher {
        let queries: Vec<(WatchlistId, Query)> = watchlists.into_iter().collect();
        let mut words: FxHashMap<Box<str>, Vec<u32>> = FxHashMap::default();
        let mut prefixes: FxHashMap<String, u32> = FxHashMap::default();
        let mut prefix_queries: Vec<Vec<u32>> = Vec::new();
        let mut always = Vec::new();
        for (i, (_, query)) in queries.iter().enumerate() {
            let i = i as u32;
            match presearch::keys(query.root()) {
                None => always.push(i),
                Some(keys) => {
                    for key in keys {
                        match key {
                            Key::Word(w) => {
                                let list = words.entry(w.into()).or_default();
                                if list.last() != Some(&i) {
                                    list.push(i);
                                }
                            }
                            Key::Prefix(p) => {
                                let next = prefix_queries.len() as u32;
                                let slot = *prefixes.entry(p).or_insert(next);
                                if slot == next {
                                    prefix_queries.push(Vec::new());
                                }
                                let list = &mut prefix_queries[slot as usize];
                                if list.last() != Some(&i) {
                                    list.push(i);
                                }
                            }
                        }
                    }
                }
            }
        }
        let prefix_automaton = if prefixes.is_empty() {
            None
        } else {
            let mut patterns = vec![String::new(); prefixes.len()];
            for (prefix, slot) in prefixes {
                patterns[slot as usize] = format!(" {prefix}");
            }
            Some(
                AhoCorasick::new(&patterns)
                    .expect("a few thousand short prefixes fit the automaton's limits"),
            )
        };
        words.shrink_to_fit();
        Matcher {
            queries,
            words,
            prefix_automaton,
            prefix_queries,
            always,
        }
    }

    /// How many watchlists are compiled in.
    pub fn len(&self) -> usize {
        self.queries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queries.is_empty()
    }

    /// The watchlists that match the article, in the order they were given.
    pub fn match_document(&self, doc: &Document<'_>) -> Vec<MatchHit> {
        self.match_tokenized(&TokenizedDocument::new(*doc))
    }

    /// As [`Matcher::match_document`], for an article that is already
    /// tokenised.
    pub fn match_tokenized(&self, doc: &TokenizedDocument<'_>) -> Vec<MatchHit> {
        let index = DocIndex::new(doc);
        let candidates = self.candidates(&index);
        let mut hits = Vec::new();
        for i in candidates {
            let (watchlist, query) = &self.queries[i as usize];
            if index.matches(query.root()) {
                hits.push(MatchHit {
                    watchlist: *watchlist,
                    spans: index.spans(query.root()),
                });
            }
        }
        hits
    }

    /// The indices of the queries that could match, ascending.
    fn candidates(&self, index: &DocIndex<'_>) -> Vec<u32> {
        let mut seen = vec![0u64; self.queries.len().div_ceil(64)];
        let mut out = Vec::new();
        let mut add = |i: u32| {
            let (word, bit) = ((i / 64) as usize, 1u64 << (i % 64));
            if seen[word] & bit == 0 {
                seen[word] |= bit;
                out.push(i);
            }
        };
        for &term in index.terms() {
            if let Some(list) = self.words.get(term) {
                list.iter().copied().for_each(&mut add);
            }
        }
        if let Some(automaton) = &self.prefix_automaton {
            let joined = index.joined_terms();
            for found in automaton.find_overlapping_iter(joined.as_str()) {
                self.prefix_queries[found.pattern().as_usize()]
                    .iter()
                    .copied()
                    .for_each(&mut add);
            }
        }
        self.always.iter().copied().for_each(&mut add);
        out.sort_unstable();
        out
    }
}

/// A match position: tokens `first..=last` of one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Hit {
    pub field: Field,
    pub first: u32,
    pub last: u32,
}

impl Hit {
    pub fn new(field: Field, first: usize, last: usize) -> Hit {
        Hit {
            field,
            first: first as u32,
            last: last as u32,
        }
    }

    /// The stretch covering both, when they are in the same field, do not
    /// overlap, and at most `distance` words apart (adjacent words are 1
    /// apart).
    pub fn near(&self, other: &Hit, distance: u32) -> Option<Hit> {
        if self.field != other.field {
            return None;
        }
        let gap = if self.last < other.first {
            other.first - self.last
        } else if other.last < self.first {
            self.first - other.last
        } else {
            return None;
        };
        (gap <= distance).then(|| Hit {
            field: self.field,
            first: self.first.min(other.first),
            last: self.last.max(other.last),
        })
    }
}

/// Byte spans of the original text for match positions: sorted by field
/// (title first) and offset, overlapping ranges merged.
pub(crate) fn spans_from_hits(doc: &TokenizedDocument<'_>, hits: &mut [Hit]) -> Vec<Span> {
    hits.sort_unstable();
    let mut ranges: Vec<(Field, usize, usize)> = Vec::with_capacity(hits.len());
    for hit in hits.iter() {
        let tokens = doc.tokens(hit.field);
        let start = tokens[hit.first as usize].start;
        let end = tokens[hit.last as usize].end;
        match ranges.last_mut() {
            Some((field, _, last_end)) if *field == hit.field && start <= *last_end => {
                *last_end = (*last_end).max(end);
            }
            _ => ranges.push((hit.field, start, end)),
        }
    }
    ranges
        .into_iter()
        .map(|(field, start, end)| {
            let text = match field {
                Field::Title => doc.doc.title,
                Field::Body => doc.doc.body,
            };
            Span {
                field,
                start,
                end,
                text: text[start..end].to_string(),
            }
        })
        .collect()
}

/// `source:` matches the source's name or host case-insensitively: exactly,
/// as a parent domain of the host (`source:ozodi.org` matches
/// `www.ozodi.org`), or by prefix when the pattern ends in `*`.
pub(crate) fn source_matches(pattern: &str, source: Option<&str>) -> bool {
    let Some(source) = source else {
        return false;
    };
    let source = source.trim().to_lowercase();
    if let Some(stem) = pattern.strip_suffix('*') {
        return source.starts_with(stem);
    }
    source == pattern
        || source
            .strip_suffix(pattern)
            .is_some_and(|head| head.ends_with('.'))
}

/// `lang:fa` matches `fa`, `fa-AF` and `fa_AF`; `lang:fa-af` only the latter
/// two.
pub(crate) fn lang_matches(code: &str, lang: Option<&str>) -> bool {
    let Some(lang) = lang else {
        return false;
    };
    let lang = lang.trim().to_ascii_lowercase().replace('_', "-");
    lang == code
        || lang
            .strip_prefix(code)
            .is_some_and(|rest| rest.starts_with('-'))
}
