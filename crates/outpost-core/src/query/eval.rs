//! The reference evaluator: one query against one article by plain scans of
//! the token lists, with no index. It defines what a match is; the compiled
//! [`crate::matcher::Matcher`] must agree with it on every article (a property
//! test checks this), and it previews a single draft query.

use super::{Node, Query};
use crate::matcher::{
    Document, Hit, TokenizedDocument, lang_matches, near_join, source_matches, spans_from_hits,
};
use crate::model::{Field, Span};

impl Query {
    /// Whether the article matches, and if so the spans of the original
    /// title and body that made it match (sorted, overlaps merged).
    pub fn matches(&self, doc: &Document<'_>) -> Option<Vec<Span>> {
        self.matches_tokenized(&TokenizedDocument::new(*doc))
    }

    /// As [`Query::matches`], for an article that is already tokenised.
    pub fn matches_tokenized(&self, doc: &TokenizedDocument<'_>) -> Option<Vec<Span>> {
        let mut hits = Vec::new();
        if eval(&self.root, doc, None, &mut hits) {
            let mut spans = spans_from_hits(doc, &mut hits);
            self.explain_spans(&mut spans);
            Some(spans)
        } else {
            None
        }
    }
}

/// Evaluates `node`, appending the positions of everything that matched to
/// `out` when it matches (and leaving `out` as it was when not).
fn eval(
    node: &Node,
    doc: &TokenizedDocument<'_>,
    scope: Option<Field>,
    out: &mut Vec<Hit>,
) -> bool {
    match node {
        Node::Word(_) | Node::Prefix(_) | Node::Phrase(_) | Node::Near { .. } => {
            let found = occurrences(node, doc, scope);
            let matched = !found.is_empty();
            out.extend(found);
            matched
        }
        Node::And(children) => {
            let mark = out.len();
            for child in children {
                if !eval(child, doc, scope, out) {
                    out.truncate(mark);
                    return false;
                }
            }
            true
        }
        Node::Or(children) => {
            // Every matching branch contributes its spans, so no
            // short-circuit here.
            let mut any = false;
            for child in children {
                any |= eval(child, doc, scope, out);
            }
            any
        }
        Node::Not(inner) => {
            let mark = out.len();
            let matched = eval(inner, doc, scope, out);
            out.truncate(mark);
            !matched
        }
        Node::Field(field, inner) => eval(inner, doc, Some(*field), out),
        Node::Source(pattern) => source_matches(pattern, doc.doc.source),
        Node::Lang(code) => lang_matches(code, doc.doc.lang),
    }
}

fn fields(scope: Option<Field>) -> &'static [Field] {
    match scope {
        None => &[Field::Title, Field::Body],
        Some(Field::Title) => &[Field::Title],
        Some(Field::Body) => &[Field::Body],
    }
}

/// Where a positional node occurs, sorted and without duplicates.
fn occurrences(node: &Node, doc: &TokenizedDocument<'_>, scope: Option<Field>) -> Vec<Hit> {
    let mut found = Vec::new();
    match node {
        Node::Word(word) => {
            for &field in fields(scope) {
                for (i, token) in doc.tokens(field).words().enumerate() {
                    if token == word {
                        found.push(Hit::new(field, i, i));
                    }
                }
            }
        }
        Node::Prefix(prefix) => {
            for &field in fields(scope) {
                for (i, token) in doc.tokens(field).words().enumerate() {
                    if token.starts_with(prefix.as_str()) {
                        found.push(Hit::new(field, i, i));
                    }
                }
            }
        }
        Node::Phrase(items) => {
            for &field in fields(scope) {
                let tokens = doc.tokens(field);
                if tokens.len() < items.len() {
                    continue;
                }
                for i in 0..=tokens.len() - items.len() {
                    if items
                        .iter()
                        .enumerate()
                        .all(|(j, item)| item.accepts(tokens.word(i + j)))
                    {
                        found.push(Hit::new(field, i, i + items.len() - 1));
                    }
                }
            }
        }
        Node::Or(children) => {
            for child in children {
                found.extend(occurrences(child, doc, scope));
            }
        }
        Node::Near {
            left,
            right,
            distance,
        } => {
            let lefts = occurrences(left, doc, scope);
            let rights = occurrences(right, doc, scope);
            for &field in fields(scope) {
                let in_field = |hits: &[Hit]| -> Vec<(u32, u32)> {
                    hits.iter()
                        .filter(|h| h.field == field)
                        .map(|h| (h.first, h.last))
                        .collect()
                };
                let joined = near_join(&in_field(&lefts), &in_field(&rights), *distance);
                found.extend(
                    joined
                        .into_iter()
                        .map(|(first, last)| Hit { field, first, last }),
                );
            }
        }
        // The parser never puts these where positions are needed
        // (`Node::is_positional`); a hand-built tree that does finds nothing.
        Node::And(_) | Node::Not(_) | Node::Field(..) | Node::Source(_) | Node::Lang(_) => {}
    }
    found.sort_unstable();
    found.dedup();
    found
}
