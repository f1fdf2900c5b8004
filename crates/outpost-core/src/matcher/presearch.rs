//! Presearch keys: a set of words and prefixes such that every article a
//! query matches contains at least one of them.

use crate::query::{Node, PhraseItem};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    Word(String),
    Prefix(String),
}

/// The query's keys, or `None` when some matching article might contain
/// none of its words (a query of only `source:`/`lang:`, or an `OR` with such
/// a branch); such queries are evaluated for every article.
pub(crate) fn keys(node: &Node) -> Option<Vec<Key>> {
    choose(node).map(|(keys, _)| keys)
}

/// Without corpus statistics, longer words are taken to be rarer, and a
/// prefix to be commoner than a word of the same length because it stands
/// for many words.
fn word_cost(word: &str) -> f64 {
    4.0 / (word.chars().count() as f64 + 1.0)
}

fn prefix_cost(prefix: &str) -> f64 {
    12.0 / (prefix.chars().count() as f64 + 1.0)
}

fn item_key(item: &PhraseItem) -> (Vec<Key>, f64) {
    match item {
        PhraseItem::Word(w) => (vec![Key::Word(w.clone())], word_cost(w)),
        PhraseItem::Prefix(p) => (vec![Key::Prefix(p.clone())], prefix_cost(p)),
    }
}

fn cheapest(options: impl Iterator<Item = (Vec<Key>, f64)>) -> Option<(Vec<Key>, f64)> {
    options.min_by(|a, b| a.1.total_cmp(&b.1))
}

fn choose(node: &Node) -> Option<(Vec<Key>, f64)> {
    match node {
        Node::Word(w) => Some((vec![Key::Word(w.clone())], word_cost(w))),
        Node::Prefix(p) => Some((vec![Key::Prefix(p.clone())], prefix_cost(p))),
        // Every word of a phrase must be present: one suffices as a key.
        Node::Phrase(items) => cheapest(items.iter().map(item_key)),
        Node::Near { left, right, .. } => {
            cheapest([choose(left), choose(right)].into_iter().flatten())
        }
        Node::And(children) => cheapest(children.iter().filter_map(choose)),
        Node::Or(children) => {
            let mut keys = Vec::new();
            let (mut sum, mut max) = (0.0, 0.0f64);
            for child in children {
                let (child_keys, child_cost) = choose(child)?;
                keys.extend(child_keys);
                sum += child_cost;
                max = max.max(child_cost);
            }
            // A term with its spelling variants is an OR of many words of
            // which the term is by far the commonest: the OR costs its
            // commonest branch and a little for each other one, so that
            // expanding a word does not make the presearch prefer a common
            // word next to it.
            let cost = if children.iter().all(|c| matches!(c, Node::Word(_))) {
                max + 0.1 * (sum - max)
            } else {
                sum
            };
            Some((keys, cost))
        }
        // The excluded text says nothing about what a match contains.
        Node::Not(_) => None,
        Node::Field(_, inner) => choose(inner),
        Node::Source(_) | Node::Lang(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Query;

    fn keys_of(query: &str) -> Option<Vec<String>> {
        let query = Query::parse(query).unwrap();
        keys(query.root()).map(|keys| {
            keys.into_iter()
                .map(|k| match k {
                    Key::Word(w) => w,
                    Key::Prefix(p) => format!("{p}*"),
                })
                .collect()
        })
    }

    #[test]
    fn and_needs_only_its_rarest_looking_operand() {
        assert_eq!(keys_of("the border"), Some(vec!["border".into()]));
        assert_eq!(keys_of("border -drill"), Some(vec!["border".into()]));
        assert_eq!(
            keys_of("\"tajik afghan border\""),
            Some(vec!["afghan".into()])
        );
        assert_eq!(
            keys_of("attack NEAR/3 границ*"),
            Some(vec!["attack".into()])
        );
    }

    #[test]
    fn or_needs_every_branch() {
        assert_eq!(
            keys_of("border OR граница OR марз*"),
            Some(vec!["border".into(), "граница".into(), "марз*".into()])
        );
    }

    #[test]
    fn queries_without_words_are_always_candidates() {
        assert_eq!(keys_of("lang:ru"), None);
        assert_eq!(keys_of("border OR lang:ru"), None);
        assert_eq!(keys_of("lang:ru border"), Some(vec!["border".into()]));
    }
}
