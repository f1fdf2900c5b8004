//! A positional index of one article, built once and shared by every
//! candidate query.
//!
//! Positions are global: the title's tokens are `0..title_len`, the body's
//! follow. Phrases and `NEAR` never cross from title to body.

use std::cell::OnceCell;

use rustc_hash::FxHashMap;

use super::{Hit, TokenizedDocument, lang_matches, source_matches, spans_from_hits};
use crate::model::{Field, Span};
use crate::query::{Node, PhraseItem};

pub(super) struct DocIndex<'d> {
    doc: &'d TokenizedDocument<'d>,
    title_len: u32,
    total_len: u32,
    /// Distinct terms; a term's id is its index here.
    texts: Vec<&'d str>,
    ids: FxHashMap<&'d str, u32>,
    /// The term id at each global position.
    term_at: Vec<u32>,
    /// Postings in CSR form: term `t`'s positions, ascending, are
    /// `positions[offsets[t]..offsets[t + 1]]`.
    offsets: Vec<u32>,
    positions: Vec<u32>,
    /// Term ids sorted by text, for prefixes; built on first use.
    sorted: OnceCell<Vec<u32>>,
}

/// Occurrences as global `(first, last)` positions.
type Occurrence = (u32, u32);

impl<'d> DocIndex<'d> {
    pub fn new(doc: &'d TokenizedDocument<'d>) -> DocIndex<'d> {
        let title_len = doc.title.len() as u32;
        let total = doc.title.len() + doc.body.len();
        let mut ids: FxHashMap<&'d str, u32> = FxHashMap::default();
        ids.reserve(total);
        let mut texts = Vec::new();
        let mut term_at = Vec::with_capacity(total);
        let mut counts: Vec<u32> = Vec::new();
        for token in doc.title.iter().chain(&doc.body) {
            let id = *ids.entry(token.text.as_str()).or_insert_with(|| {
                texts.push(token.text.as_str());
                counts.push(0);
                (texts.len() - 1) as u32
            });
            counts[id as usize] += 1;
            term_at.push(id);
        }
        let mut offsets = Vec::with_capacity(counts.len() + 1);
        let mut sum = 0u32;
        offsets.push(0);
        for c in &counts {
            sum += c;
            offsets.push(sum);
        }
        let mut fill: Vec<u32> = offsets[..counts.len()].to_vec();
        let mut positions = vec![0u32; total];
        for (pos, &id) in term_at.iter().enumerate() {
            positions[fill[id as usize] as usize] = pos as u32;
            fill[id as usize] += 1;
        }
        DocIndex {
            doc,
            title_len,
            total_len: total as u32,
            texts,
            ids,
            term_at,
            offsets,
            positions,
            sorted: OnceCell::new(),
        }
    }

    /// The article's distinct terms.
    pub fn terms(&self) -> &[&'d str] {
        &self.texts
    }

    /// `" term1 term2 …"`: the distinct terms, each after a space, for the
    /// prefix automaton.
    pub fn joined_terms(&self) -> String {
        let mut joined = String::with_capacity(self.texts.iter().map(|t| t.len() + 1).sum());
        for term in &self.texts {
            joined.push(' ');
            joined.push_str(term);
        }
        joined
    }

    /// Whether the query matches; stops at the first decisive operand.
    pub fn matches(&self, node: &Node) -> bool {
        self.eval(node, None)
    }

    /// The spans that made a matching query match.
    pub fn spans(&self, node: &Node) -> Vec<Span> {
        let mut hits = Vec::new();
        self.collect(node, None, &mut hits);
        let mut hits: Vec<Hit> = hits.into_iter().map(|o| self.hit(o)).collect();
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

    fn postings(&self, id: u32) -> &[u32] {
        &self.positions[self.offsets[id as usize] as usize..self.offsets[id as usize + 1] as usize]
    }

    fn postings_in(&self, id: u32, scope: Option<Field>) -> &[u32] {
        let all = self.postings(id);
        let (lo, hi) = self.range(scope);
        let from = all.partition_point(|&p| p < lo);
        let to = all.partition_point(|&p| p < hi);
        &all[from..to]
    }

    fn sorted(&self) -> &[u32] {
        self.sorted.get_or_init(|| {
            let mut ids: Vec<u32> = (0..self.texts.len() as u32).collect();
            ids.sort_unstable_by_key(|&id| self.texts[id as usize]);
            ids
        })
    }

    /// Ids of the terms starting with `prefix`.
    fn prefixed(&self, prefix: &str) -> &[u32] {
        let sorted = self.sorted();
        let from = sorted.partition_point(|&id| self.texts[id as usize] < prefix);
        let len = sorted[from..].partition_point(|&id| self.texts[id as usize].starts_with(prefix));
        &sorted[from..from + len]
    }

    fn field_end(&self, pos: u32) -> u32 {
        if pos < self.title_len {
            self.title_len
        } else {
            self.total_len
        }
    }

    fn eval(&self, node: &Node, scope: Option<Field>) -> bool {
        match node {
            Node::Word(w) => self
                .ids
                .get(w.as_str())
                .is_some_and(|&id| !self.postings_in(id, scope).is_empty()),
            Node::Prefix(p) => self
                .prefixed(p)
                .iter()
                .any(|&id| !self.postings_in(id, scope).is_empty()),
            Node::Phrase(_) | Node::Near { .. } => !self.occurrences(node, scope).is_empty(),
            Node::And(children) => children.iter().all(|c| self.eval(c, scope)),
            Node::Or(children) => children.iter().any(|c| self.eval(c, scope)),
            Node::Not(inner) => !self.eval(inner, scope),
            Node::Field(field, inner) => self.eval(inner, Some(*field)),
            Node::Source(pattern) => source_matches(pattern, self.doc.doc.source),
            Node::Lang(code) => lang_matches(code, self.doc.doc.lang),
        }
    }

    /// Mirrors the reference evaluator's span collection.
    fn collect(&self, node: &Node, scope: Option<Field>, out: &mut Vec<Occurrence>) -> bool {
        match node {
            Node::Word(_) | Node::Prefix(_) | Node::Phrase(_) | Node::Near { .. } => {
                let found = self.occurrences(node, scope);
                let matched = !found.is_empty();
                out.extend(found);
                matched
            }
            Node::And(children) => {
                let mark = out.len();
                for child in children {
                    if !self.collect(child, scope, out) {
                        out.truncate(mark);
                        return false;
                    }
                }
                true
            }
            Node::Or(children) => {
                let mut any = false;
                for child in children {
                    any |= self.collect(child, scope, out);
                }
                any
            }
            Node::Not(inner) => !self.eval(inner, scope),
            Node::Field(field, inner) => self.collect(inner, Some(*field), out),
            Node::Source(_) | Node::Lang(_) => self.eval(node, scope),
        }
    }

    fn item_positions(&self, item: &PhraseItem, scope: Option<Field>) -> Vec<u32> {
        match item {
            PhraseItem::Word(w) => self
                .ids
                .get(w.as_str())
                .map(|&id| self.postings_in(id, scope).to_vec())
                .unwrap_or_default(),
            PhraseItem::Prefix(p) => {
                let mut all: Vec<u32> = self
                    .prefixed(p)
                    .iter()
                    .flat_map(|&id| self.postings_in(id, scope).iter().copied())
                    .collect();
                all.sort_unstable();
                all
            }
        }
    }

    fn accepts(&self, item: &PhraseItem, pos: u32) -> bool {
        item.accepts(self.texts[self.term_at[pos as usize] as usize])
    }

    /// Where a positional node occurs, sorted and without duplicates.
    fn occurrences(&self, node: &Node, scope: Option<Field>) -> Vec<Occurrence> {
        let mut found: Vec<Occurrence> = match node {
            Node::Word(_) | Node::Prefix(_) => {
                let item = match node {
                    Node::Word(w) => PhraseItem::Word(w.clone()),
                    Node::Prefix(p) => PhraseItem::Prefix(p.clone()),
                    _ => unreachable!("matched above"),
                };
                return self
                    .item_positions(&item, scope)
                    .into_iter()
                    .map(|p| (p, p))
                    .collect();
            }
            Node::Phrase(items) => {
                let len = items.len() as u32;
                self.item_positions(&items[0], scope)
                    .into_iter()
                    .filter(|&start| {
                        start + len <= self.field_end(start)
                            && items[1..]
                                .iter()
                                .zip(start + 1..)
                                .all(|(item, pos)| self.accepts(item, pos))
                    })
                    .map(|start| (start, start + len - 1))
                    .collect()
            }
            Node::Or(children) => children
                .iter()
                .flat_map(|c| self.occurrences(c, scope))
                .collect(),
            Node::Near {
                left,
                right,
                distance,
            } => {
                let lefts = self.occurrences(left, scope);
                if lefts.is_empty() {
                    return lefts;
                }
                let rights = self.occurrences(right, scope);
                let mut joined = Vec::new();
                for &a in &lefts {
                    for &b in &rights {
                        if let Some(hit) = self.hit(a).near(&self.hit(b), *distance) {
                            joined.push((a.0.min(b.0), a.1.max(b.1)));
                            debug_assert_eq!(self.hit(*joined.last().unwrap()), hit);
                        }
                    }
                }
                joined
            }
            Node::And(_) | Node::Not(_) | Node::Field(..) | Node::Source(_) | Node::Lang(_) => {
                Vec::new()
            }
        };
        found.sort_unstable();
        found.dedup();
        found
    }
}
