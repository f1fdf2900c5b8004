//! A positional index of one article, built once and shared by every
//! candidate query.
//!
//! Positions are global: the title's tokens are `0..title_len`, the body's
//! follow. Phrases and `NEAR` never cross from title to body. Only what the
//! compiled queries can ask about is indexed: where each vocabulary word and
//! each vocabulary prefix occurs.

use super::compile::{Compiled, GroupId, Item, PrefixId, WordId};
use super::{Hit, TokenizedDocument, lang_matches, near_join, source_matches, spans_from_hits};
use crate::model::{Field, Span};

/// A term that is no word of any query.
pub(super) const NO_WORD: WordId = WordId::MAX;

pub(super) struct DocIndex<'d> {
    doc: &'d TokenizedDocument<'d>,
    title_len: u32,
    total_len: u32,
    /// The vocabulary word at each global position (or [`NO_WORD`]).
    term_at: Vec<WordId>,
    /// (word id, position) for every position holding a vocabulary word,
    /// sorted.
    word_postings: Vec<(WordId, u32)>,
    /// (prefix id, position) for every position whose word starts with a
    /// vocabulary prefix, sorted.
    prefix_postings: Vec<(PrefixId, u32)>,
    /// (group id, position) for every position holding a word of a group,
    /// sorted.
    group_postings: Vec<(GroupId, u32)>,
}

/// Occurrences as global `(first, last)` positions.
type Occurrence = (u32, u32);

impl<'d> DocIndex<'d> {
    pub fn new(
        doc: &'d TokenizedDocument<'d>,
        term_at: Vec<WordId>,
        mut word_postings: Vec<(WordId, u32)>,
        mut prefix_postings: Vec<(PrefixId, u32)>,
        mut group_postings: Vec<(GroupId, u32)>,
    ) -> DocIndex<'d> {
        word_postings.sort_unstable();
        group_postings.sort_unstable();
        group_postings.dedup();
        prefix_postings.sort_unstable();
        prefix_postings.dedup();
        DocIndex {
            doc,
            title_len: doc.title.len() as u32,
            total_len: term_at.len() as u32,
            term_at,
            word_postings,
            prefix_postings,
            group_postings,
        }
    }

    /// Whether the query matches; stops at the first decisive operand.
    pub fn matches(&self, node: &Compiled) -> bool {
        self.eval(node, None)
    }

    /// The spans that made a matching query match.
    pub fn spans(&self, node: &Compiled) -> Vec<Span> {
        let mut found = Vec::new();
        self.collect(node, None, &mut found);
        let mut hits: Vec<Hit> = found.into_iter().map(|o| self.hit(o)).collect();
        spans_from_hits(self.doc, &mut hits)
    }

    fn hit(&self, (first, last): Occurrence) -> Hit {
        if first < self.title_len {
            Hit::new(Field::Title, first as usize, last as usize)
        } else {
            let base = self.title_len as usize;
            Hit::new(Field::Body, first as usize - base, last as usize - base)
        }
    }

    fn range(&self, scope: Option<Field>) -> (u32, u32) {
        match scope {
            None => (0, self.total_len),
            Some(Field::Title) => (0, self.title_len),
            Some(Field::Body) => (self.title_len, self.total_len),
        }
    }

    /// The positions in scope of one id in a sorted (id, position) list.
    fn postings_in<'p>(
        &self,
        list: &'p [(u32, u32)],
        id: u32,
        scope: Option<Field>,
    ) -> impl Iterator<Item = u32> + 'p {
        let (lo, hi) = self.range(scope);
        let from = list.partition_point(|&entry| entry < (id, lo));
        list[from..]
            .iter()
            .take_while(move |&&entry| entry < (id, hi))
            .map(|&(_, pos)| pos)
    }

    fn any_in(&self, list: &[(u32, u32)], id: u32, scope: Option<Field>) -> bool {
        let (lo, hi) = self.range(scope);
        let from = list.partition_point(|&entry| entry < (id, lo));
        list.get(from).is_some_and(|&entry| entry < (id, hi))
    }

    fn field_end(&self, pos: u32) -> u32 {
        if pos < self.title_len {
            self.title_len
        } else {
            self.total_len
        }
    }

    fn eval(&self, node: &Compiled, scope: Option<Field>) -> bool {
        match node {
            Compiled::Word(w) => self.any_in(&self.word_postings, *w, scope),
            Compiled::Group(g) => self.any_in(&self.group_postings, *g, scope),
            Compiled::Prefix(p) => self.any_in(&self.prefix_postings, *p, scope),
            Compiled::Phrase(_) | Compiled::Near { .. } => {
                !self.occurrences(node, scope).is_empty()
            }
            Compiled::And(children) => children.iter().all(|c| self.eval(c, scope)),
            Compiled::Or(children) => children.iter().any(|c| self.eval(c, scope)),
            Compiled::Not(inner) => !self.eval(inner, scope),
            Compiled::Field(field, inner) => self.eval(inner, Some(*field)),
            Compiled::Source(pattern) => source_matches(pattern, self.doc.doc.source),
            Compiled::Lang(code) => lang_matches(code, self.doc.doc.lang),
        }
    }

    /// Mirrors the reference evaluator's span collection.
    fn collect(&self, node: &Compiled, scope: Option<Field>, out: &mut Vec<Occurrence>) -> bool {
        match node {
            Compiled::Word(_)
            | Compiled::Group(_)
            | Compiled::Prefix(_)
            | Compiled::Phrase(_)
            | Compiled::Near { .. } => {
                let found = self.occurrences(node, scope);
                let matched = !found.is_empty();
                out.extend(found);
                matched
            }
            Compiled::And(children) => {
                let mark = out.len();
                for child in children {
                    if !self.collect(child, scope, out) {
                        out.truncate(mark);
                        return false;
                    }
                }
                true
            }
            Compiled::Or(children) => {
                let mut any = false;
                for child in children {
                    any |= self.collect(child, scope, out);
                }
                any
            }
            Compiled::Not(inner) => !self.eval(inner, scope),
            Compiled::Field(field, inner) => self.collect(inner, Some(*field), out),
            Compiled::Source(_) | Compiled::Lang(_) => self.eval(node, scope),
        }
    }

    fn item_positions(&self, item: Item, scope: Option<Field>) -> Vec<u32> {
        match item {
            Item::Word(w) => self.postings_in(&self.word_postings, w, scope).collect(),
            Item::Prefix(p) => self.postings_in(&self.prefix_postings, p, scope).collect(),
        }
    }

    fn accepts(&self, item: Item, pos: u32) -> bool {
        match item {
            Item::Word(w) => self.term_at[pos as usize] == w,
            Item::Prefix(p) => self.prefix_postings.binary_search(&(p, pos)).is_ok(),
        }
    }

    /// Where a positional node occurs, sorted and without duplicates.
    fn occurrences(&self, node: &Compiled, scope: Option<Field>) -> Vec<Occurrence> {
        let mut found: Vec<Occurrence> = match node {
            Compiled::Word(w) => {
                return self
                    .item_positions(Item::Word(*w), scope)
                    .into_iter()
                    .map(|p| (p, p))
                    .collect();
            }
            Compiled::Group(g) => {
                return self
                    .postings_in(&self.group_postings, *g, scope)
                    .map(|p| (p, p))
                    .collect();
            }
            Compiled::Prefix(p) => {
                return self
                    .item_positions(Item::Prefix(*p), scope)
                    .into_iter()
                    .map(|p| (p, p))
                    .collect();
            }
            Compiled::Phrase(items) => {
                let len = items.len() as u32;
                self.item_positions(items[0], scope)
                    .into_iter()
                    .filter(|&start| {
                        start + len <= self.field_end(start)
                            && items[1..]
                                .iter()
                                .zip(start + 1..)
                                .all(|(&item, pos)| self.accepts(item, pos))
                    })
                    .map(|start| (start, start + len - 1))
                    .collect()
            }
            Compiled::Or(children) => children
                .iter()
                .flat_map(|c| self.occurrences(c, scope))
                .collect(),
            Compiled::Near {
                left,
                right,
                distance,
            } => {
                let lefts = self.occurrences(left, scope);
                if lefts.is_empty() {
                    return lefts;
                }
                let rights = self.occurrences(right, scope);
                // Occurrences never cross from title to body, so each list
                // splits at the first body position and each field joins
                // alone.
                let split = |list: &[Occurrence]| {
                    list.partition_point(|&(first, _)| first < self.title_len)
                };
                let (l, r) = (split(&lefts), split(&rights));
                let mut joined = near_join(&lefts[..l], &rights[..r], *distance);
                joined.extend(near_join(&lefts[l..], &rights[r..], *distance));
                joined
            }
            // Never positional (the parser forbids them under NEAR).
            Compiled::And(_)
            | Compiled::Not(_)
            | Compiled::Field(..)
            | Compiled::Source(_)
            | Compiled::Lang(_) => Vec::new(),
        };
        found.sort_unstable();
        found.dedup();
        found
    }
}
