//! Spelling variants in a query: the parsed tree rewritten so that every
//! term of four letters or more also matches its variants
//! ([`crate::variants`]), with a table of which term each variant came from.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::{Node, PhraseItem, Query};
use crate::model::Span;
use crate::normalize::tokenize;
use crate::variants::{self, Expansion, Explain, Variant};

/// At most this many phrases stand for one phrase with variants.
const MAX_PHRASE_VARIANTS: usize = 24;

/// One term of a query and the variants it matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermVariants {
    /// The normalised term.
    pub term: String,
    pub prefix: bool,
    /// Written with `=`: matched only as written.
    pub exact: bool,
    /// Its variants, dropped ones included (see `dropped`).
    pub variants: Vec<Variant>,
    /// Variants the analyst dropped for this watchlist.
    pub dropped: Vec<String>,
    /// What opens the gate of the gated variants.
    pub context: Vec<String>,
}

impl Query {
    /// Every term of the query with its spelling variants, in order of first
    /// appearance; `dropped` marks variants the analyst dropped.
    pub fn term_variants(&self, dropped: &[String]) -> Vec<TermVariants> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        let mut add = |term: &str, prefix: bool| {
            if !seen.insert((term.to_string(), prefix)) {
                return;
            }
            let exact = self.exact.iter().any(|e| e == term);
            let expansion = if exact {
                Expansion::default()
            } else {
                variants::expand_word(term, prefix)
            };
            out.push(TermVariants {
                term: term.to_string(),
                prefix,
                exact,
                dropped: expansion
                    .variants
                    .iter()
                    .filter(|v| dropped.contains(&v.text))
                    .map(|v| v.text.clone())
                    .collect(),
                variants: expansion.variants,
                context: expansion.context,
            });
        };
        self.root.visit(&mut |node| match node {
            Node::Word(w) => add(w, false),
            Node::Prefix(p) => add(p, true),
            Node::Phrase(items) => {
                for item in items {
                    match item {
                        PhraseItem::Word(w) => add(w, false),
                        PhraseItem::Prefix(p) => add(p, true),
                    }
                }
            }
            _ => {}
        });
        out
    }

    /// The query with every term's spelling variants, except those written
    /// with `=` and the normalised variants in `dropped`. Matching the
    /// result ([`Query::matches`], [`crate::matcher::Matcher`]) gives spans
    /// that name the term a variant came from ([`Span::term`]).
    pub fn with_variants(&self, dropped: &[String]) -> Query {
        let mut expander = Expander {
            exact: &self.exact,
            dropped,
            cache: HashMap::new(),
            explain: Explain::default(),
        };
        let root = expander.node(&self.root, false);
        Query {
            root,
            exact: self.exact.clone(),
            explain: Some(Arc::new(expander.explain)),
        }
    }

    /// Names, on each span matched through a variant, the term it came from.
    pub(crate) fn explain_spans(&self, spans: &mut [Span]) {
        if let Some(explain) = &self.explain {
            explain_spans(explain, spans);
        }
    }

    pub(crate) fn explanation(&self) -> Option<Arc<Explain>> {
        self.explain.clone()
    }
}

pub(crate) fn explain_spans(explain: &Explain, spans: &mut [Span]) {
    for span in spans {
        span.term = tokenize(&span.text)
            .iter()
            .find_map(|t| explain.term_for(&t.text))
            .map(String::from);
    }
}

struct Expander<'q> {
    exact: &'q [String],
    dropped: &'q [String],
    cache: HashMap<(String, bool), Expansion>,
    explain: Explain,
}

impl Expander<'_> {
    fn expansion(&mut self, term: &str, prefix: bool) -> Expansion {
        if self.exact.iter().any(|e| e == term) {
            return Expansion::default();
        }
        let key = (term.to_string(), prefix);
        if let Some(e) = self.cache.get(&key) {
            return e.clone();
        }
        let mut e = variants::expand_word(term, prefix);
        e.variants.retain(|v| !self.dropped.contains(&v.text));
        for v in &e.variants {
            if prefix {
                self.explain
                    .prefixes
                    .push((v.text.clone(), term.to_string()));
            } else {
                for word in v.text.split(' ') {
                    self.explain
                        .words
                        .entry(word.to_string())
                        .or_insert_with(|| term.to_string());
                }
            }
        }
        self.explain.terms.insert(term.to_string());
        self.cache.insert(key, e.clone());
        e
    }

    /// `positional`: the node must match at positions (under `NEAR`), so
    /// gated variants, which need an `AND`, are left out.
    fn node(&mut self, node: &Node, positional: bool) -> Node {
        match node {
            Node::Word(w) => {
                let e = self.expansion(w, false);
                let mut alts = vec![Node::Word(w.clone())];
                let mut gated = Vec::new();
                for v in &e.variants {
                    let n = text_node(&v.text, false);
                    if v.gated {
                        gated.push(n);
                    } else {
                        alts.push(n);
                    }
                }
                if !positional && !gated.is_empty() && !e.context.is_empty() {
                    let context = e
                        .context
                        .iter()
                        .map(|c| match c.strip_suffix('*') {
                            Some(stem) => Node::Prefix(stem.to_string()),
                            None => text_node(c, false),
                        })
                        .collect();
                    alts.push(Node::And(vec![or(gated), or(context)]));
                }
                or(alts)
            }
            Node::Prefix(p) => {
                let e = self.expansion(p, true);
                let mut alts = vec![Node::Prefix(p.clone())];
                alts.extend(
                    e.variants
                        .iter()
                        .filter(|v| !v.gated && !v.text.contains(' '))
                        .map(|v| Node::Prefix(v.text.clone())),
                );
                or(alts)
            }
            Node::Phrase(items) => self.phrase(items),
            Node::Near {
                left,
                right,
                distance,
            } => Node::Near {
                left: Box::new(self.node(left, true)),
                right: Box::new(self.node(right, true)),
                distance: *distance,
            },
            Node::And(children) => {
                Node::And(children.iter().map(|c| self.node(c, positional)).collect())
            }
            Node::Or(children) => {
                let mut out = Vec::new();
                for c in children {
                    match self.node(c, positional) {
                        Node::Or(inner) => out.extend(inner),
                        other => out.push(other),
                    }
                }
                Node::Or(out)
            }
            Node::Not(inner) => Node::Not(Box::new(self.node(inner, false))),
            Node::Field(field, inner) => Node::Field(*field, Box::new(self.node(inner, false))),
            Node::Source(_) | Node::Lang(_) => node.clone(),
        }
    }

    /// A phrase: the whole phrase's gazetteer names (`Amu Darya` →
    /// `Амударья`), and its words' variants side by side, at most
    /// [`MAX_PHRASE_VARIANTS`] phrases.
    fn phrase(&mut self, items: &[PhraseItem]) -> Node {
        let mut alts = vec![Node::Phrase(items.to_vec())];
        // Each item's alternatives, itself first.
        let mut choices: Vec<Vec<PhraseItem>> = Vec::new();
        for item in items {
            let mut list = vec![item.clone()];
            match item {
                PhraseItem::Word(w) => {
                    let e = self.expansion(w, false);
                    list.extend(
                        e.variants
                            .iter()
                            .filter(|v| !v.gated && !v.text.contains(' '))
                            .map(|v| PhraseItem::Word(v.text.clone())),
                    );
                }
                PhraseItem::Prefix(p) => {
                    let e = self.expansion(p, true);
                    list.extend(
                        e.variants
                            .iter()
                            .filter(|v| !v.gated && !v.text.contains(' '))
                            .map(|v| PhraseItem::Prefix(v.text.clone())),
                    );
                }
            }
            choices.push(list);
        }
        // The k-th variant of every word together: variants are listed in
        // the same order for every word (Russian Cyrillic, Tajik, Latin
        // romanisations …), so this keeps a phrase in one script, where all
        // combinations would cost their product. A word with fewer variants
        // keeps its last one.
        let longest = choices.iter().map(Vec::len).max().unwrap_or(1);
        for k in 1..longest.min(MAX_PHRASE_VARIANTS + 1) {
            let combo: Vec<PhraseItem> = choices
                .iter()
                .map(|list| list[k.min(list.len() - 1)].clone())
                .collect();
            alts.push(Node::Phrase(combo));
        }
        // The whole phrase as a gazetteer name.
        if items.iter().all(|i| matches!(i, PhraseItem::Word(_))) {
            let joined: Vec<&str> = items.iter().map(PhraseItem::text).collect();
            let joined = joined.join(" ");
            if !self.exact.iter().any(|e| joined.split(' ').any(|w| w == e)) {
                for entry in crate::gazetteer::lookup_all(&joined) {
                    for name in entry.normalised_names() {
                        if name != joined
                            && !entry.is_ambiguous(&name)
                            && !self.dropped.contains(&name)
                        {
                            for word in name.split(' ') {
                                self.explain
                                    .words
                                    .entry(word.to_string())
                                    .or_insert_with(|| joined.clone());
                            }
                            alts.push(text_node(&name, false));
                        }
                    }
                }
            }
        }
        let mut seen = BTreeSet::new();
        alts.retain(|n| seen.insert(n.to_string()));
        or(alts)
    }
}

/// A normalised text as a word, or a phrase when it has several words.
fn text_node(text: &str, prefix: bool) -> Node {
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    match (words.as_slice(), prefix) {
        ([one], false) => Node::Word(one.to_string()),
        ([one], true) => Node::Prefix(one.to_string()),
        _ => Node::Phrase(
            words
                .iter()
                .map(|w| PhraseItem::Word(w.to_string()))
                .collect(),
        ),
    }
}

fn or(mut alts: Vec<Node>) -> Node {
    if alts.len() == 1 {
        alts.pop().expect("one")
    } else {
        Node::Or(alts)
    }
}

#[cfg(test)]
mod tests {
    use crate::matcher::{Document, Matcher};
    use crate::query::Query;

    fn doc(body: &str) -> Document<'_> {
        Document {
            body,
            ..Document::default()
        }
    }

    #[test]
    fn a_variant_match_names_its_term() {
        let q = Query::parse("Khorog").unwrap().with_variants(&[]);
        let spans = q
            .matches(&doc("Взрыв в Хороге"))
            .expect("matches a case form");
        assert_eq!(spans[0].text, "Хороге");
        assert_eq!(spans[0].term.as_deref(), Some("khorog"));
        let spans = q.matches(&doc("Khorog today")).unwrap();
        assert_eq!(spans[0].term, None);
        // The compiled matcher gives the same explained spans.
        let matcher = Matcher::new([(1, q.clone())]);
        let hits = matcher.match_document(&doc("Взрыв в Хороге"));
        assert_eq!(hits[0].spans, q.matches(&doc("Взрыв в Хороге")).unwrap());
    }

    #[test]
    fn exact_terms_and_dropped_variants_match_only_as_written() {
        let exact = Query::parse("=Khorog").unwrap();
        assert_eq!(exact.to_string(), "=khorog");
        assert!(exact.with_variants(&[]).matches(&doc("в Хороге")).is_none());
        let phrase = Query::parse("=\"Kulob Khorog\"").unwrap();
        assert_eq!(phrase.to_string(), "\"=kulob =khorog\"");
        let dropped = Query::parse("Khorog")
            .unwrap()
            .with_variants(&["хороге".to_string()]);
        assert!(dropped.matches(&doc("в Хороге")).is_none());
        assert!(dropped.matches(&doc("в Хороге Хорог")).is_some());
    }

    #[test]
    fn gated_variants_need_their_context() {
        let q = Query::parse("Panj").unwrap().with_variants(&[]);
        assert!(q.matches(&doc("پنج نفر کشته شدند")).is_none());
        assert!(q.matches(&doc("دریای پنج در مرز تاجیکستان")).is_some());
        // Under NEAR no gate can be placed: the gated variant is left out.
        let near = Query::parse("Panj NEAR/3 مرز").unwrap().with_variants(&[]);
        assert!(near.matches(&doc("پنج مرز تاجیکستان")).is_none());
    }

    #[test]
    fn phrases_and_prefixes_expand_too() {
        let q = Query::parse("\"Amu Darya\"").unwrap().with_variants(&[]);
        assert!(q.matches(&doc("на реке Амударья")).is_some());
        let p = Query::parse("таджик*").unwrap().with_variants(&[]);
        assert!(p.matches(&doc("Tadzhikskiy border")).is_some());
        let terms = Query::parse("Khorog OR =Kulob")
            .unwrap()
            .term_variants(&["хороге".into()]);
        assert_eq!(terms[0].term, "khorog");
        assert!(terms[0].variants.iter().any(|v| v.text == "хоруғ"));
        assert_eq!(terms[0].dropped, vec!["хороге".to_string()]);
        assert!(terms[1].exact && terms[1].variants.is_empty());
    }
}
