//! Matching articles against every watchlist at once.
//!
//! The design is Lucene Monitor's (formerly Luwak): all watchlist queries are
//! compiled into one index of the words and prefixes they need; an article
//! is tokenised and normalised once; its distinct words are looked up in that
//! index (a hash map for words; for prefixes a 32 KiB filter on a word's
//! first bytes, then an anchored Aho–Corasick search) to
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

mod compile;
mod index;
mod presearch;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use rustc_hash::FxHashMap;

use crate::model::{Field, Span, WatchlistId};
use crate::normalize::Tokens;
use crate::query::Query;
use compile::{Compiled, PrefixId, Vocabulary, WordId};
use index::{DocIndex, NO_WORD};
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
    pub title: Tokens,
    pub body: Tokens,
}

impl<'a> TokenizedDocument<'a> {
    pub fn new(doc: Document<'a>) -> Self {
        TokenizedDocument {
            title: Tokens::new(doc.title),
            body: Tokens::new(doc.body),
            doc,
        }
    }

    pub fn tokens(&self, field: Field) -> &Tokens {
        match field {
            Field::Title => &self.title,
            Field::Body => &self.body,
        }
    }
}

/// All watchlists compiled for matching. Cheap to rebuild when a watchlist
/// changes (milliseconds for thousands of queries) and shareable between
/// threads.
#[derive(Debug)]
pub struct Matcher {
    watchlists: Vec<WatchlistId>,
    compiled: Vec<Compiled>,
    /// Every word of every query.
    words: FxHashMap<Box<str>, WordId>,
    /// Word id → the queries that have it as a presearch key.
    word_keys: Vec<Vec<u32>>,
    /// Every prefix of every query; the pattern index is the prefix id. An
    /// anchored leftmost-longest search of a word finds the longest prefix it
    /// starts with, usually giving up after a byte or two.
    prefix_automaton: Option<AhoCorasick>,
    /// A filter in front of the automaton: bit `head_bit(word)` is set for
    /// the first `head_len` bytes of every prefix, so most words skip the
    /// search.
    prefix_heads: Vec<u64>,
    head_len: usize,
    /// Prefix id → the ids of all prefixes that are prefixes of it (itself
    /// included): every prefix a word starts with, given the longest.
    prefix_chains: Vec<Vec<PrefixId>>,
    /// Prefix id → the queries that have it as a presearch key.
    prefix_keys: Vec<Vec<u32>>,
    /// Queries without presearch keys, evaluated for every article.
    always: Vec<u32>,
}

impl Matcher {
    pub fn new(watchlists: impl IntoIterator<Item = (WatchlistId, Query)>) -> Matcher {
        let mut vocabulary = Vocabulary::default();
        let mut ids = Vec::new();
        let mut compiled = Vec::new();
        let mut keys = Vec::new();
        for (id, query) in watchlists {
            ids.push(id);
            compiled.push(vocabulary.compile(query.root()));
            keys.push(presearch::keys(query.root()));
        }
        let mut word_keys: Vec<Vec<u32>> = vec![Vec::new(); vocabulary.words.len()];
        let mut prefix_keys: Vec<Vec<u32>> = vec![Vec::new(); vocabulary.prefixes.len()];
        let mut always = Vec::new();
        for (i, query_keys) in keys.into_iter().enumerate() {
            let i = i as u32;
            let Some(query_keys) = query_keys else {
                always.push(i);
                continue;
            };
            for key in query_keys {
                let list = match key {
                    Key::Word(w) => &mut word_keys[vocabulary.words[w.as_str()] as usize],
                    Key::Prefix(p) => &mut prefix_keys[vocabulary.prefixes[p.as_str()] as usize],
                };
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        let mut patterns = vec![""; vocabulary.prefixes.len()];
        for (prefix, id) in &vocabulary.prefixes {
            patterns[*id as usize] = prefix;
        }
        let prefix_chains = patterns
            .iter()
            .map(|pattern| {
                pattern
                    .char_indices()
                    .map(|(i, c)| &pattern[..i + c.len_utf8()])
                    .filter_map(|head| vocabulary.prefixes.get(head).copied())
                    .collect()
            })
            .collect();
        let head_len = patterns.iter().map(|p| p.len()).min().unwrap_or(1).min(4);
        let mut prefix_heads = vec![0u64; HEAD_BITS / 64];
        for pattern in &patterns {
            let bit = head_bit(&pattern.as_bytes()[..head_len]);
            prefix_heads[bit / 64] |= 1 << (bit % 64);
        }
        let prefix_automaton = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .start_kind(StartKind::Anchored)
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&patterns)
                    .expect("short prefixes always fit the automaton's limits"),
            )
        };
        Matcher {
            watchlists: ids,
            compiled,
            words: vocabulary.words,
            word_keys,
            prefix_automaton,
            prefix_heads,
            head_len,
            prefix_chains,
            prefix_keys,
            always,
        }
    }

    /// How many watchlists are compiled in.
    pub fn len(&self) -> usize {
        self.watchlists.len()
    }

    pub fn is_empty(&self) -> bool {
        self.watchlists.is_empty()
    }

    /// The watchlists that match the article, in the order they were given.
    pub fn match_document(&self, doc: &Document<'_>) -> Vec<MatchHit> {
        self.match_tokenized(&TokenizedDocument::new(*doc))
    }

    /// As [`Matcher::match_document`], for an article that is already
    /// tokenised.
    pub fn match_tokenized(&self, doc: &TokenizedDocument<'_>) -> Vec<MatchHit> {
        let (index, candidates) = self.presearch(doc);
        let mut hits = Vec::new();
        for i in candidates {
            let query = &self.compiled[i as usize];
            if index.matches(query) {
                hits.push(MatchHit {
                    watchlist: self.watchlists[i as usize],
                    spans: index.spans(query),
                });
            }
        }
        hits
    }

    /// How many watchlists the presearch selects for evaluation on this
    /// article; for benchmarks and diagnostics.
    pub fn candidate_count(&self, doc: &TokenizedDocument<'_>) -> usize {
        self.presearch(doc).1.len()
    }

    /// The article's index and the indices of the queries that could match,
    /// ascending.
    fn presearch<'d>(&self, doc: &'d TokenizedDocument<'d>) -> (DocIndex<'d>, Vec<u32>) {
        let mut seen = vec![0u64; self.compiled.len().div_ceil(64)];
        let mut candidates = Vec::new();
        let mut add = |list: &[u32]| {
            for &i in list {
                let (word, bit) = ((i / 64) as usize, 1u64 << (i % 64));
                if seen[word] & bit == 0 {
                    seen[word] |= bit;
                    candidates.push(i);
                }
            }
        };
        // Each word once: a vocabulary lookup per token, keys per new word.
        let total = doc.title.len() + doc.body.len();
        let mut term_at = Vec::with_capacity(total);
        let mut word_postings: Vec<(WordId, u32)> = Vec::new();
        let mut seen_words = vec![0u64; self.word_keys.len().div_ceil(64)];
        for (pos, word) in doc.title.words().chain(doc.body.words()).enumerate() {
            match self.words.get(word) {
                Some(&id) => {
                    term_at.push(id);
                    word_postings.push((id, pos as u32));
                    let (slot, bit) = ((id / 64) as usize, 1u64 << (id % 64));
                    if seen_words[slot] & bit == 0 {
                        seen_words[slot] |= bit;
                        add(&self.word_keys[id as usize]);
                    }
                }
                None => term_at.push(NO_WORD),
            }
        }
        // Prefixes: an anchored search of each word.
        let mut prefix_postings: Vec<(PrefixId, u32)> = Vec::new();
        if let Some(automaton) = &self.prefix_automaton {
            for (pos, word) in doc.title.words().chain(doc.body.words()).enumerate() {
                let Some(head) = word.as_bytes().get(..self.head_len) else {
                    continue;
                };
                let bit = head_bit(head);
                if self.prefix_heads[bit / 64] & (1 << (bit % 64)) == 0 {
                    continue;
                }
                let input = Input::new(word).anchored(Anchored::Yes);
                if let Some(found) = automaton.find(input) {
                    for &prefix in &self.prefix_chains[found.pattern().as_usize()] {
                        prefix_postings.push((prefix, pos as u32));
                        add(&self.prefix_keys[prefix as usize]);
                    }
                }
            }
        }
        add(&self.always);
        candidates.sort_unstable();
        let index = DocIndex::new(doc, term_at, word_postings, prefix_postings);
        (index, candidates)
    }
}

/// Size of the prefix head filter: 2^18 bits, 32 KiB.
const HEAD_BITS: usize = 1 << 18;

fn head_bit(head: &[u8]) -> usize {
    let mut key = 0u32;
    for &b in head {
        key = (key << 8) | u32::from(b);
    }
    (key.wrapping_mul(0x9E37_79B1) >> (32 - 18)) as usize
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
        let (start, _) = tokens.range(hit.first as usize);
        let (_, end) = tokens.range(hit.last as usize);
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
