//! Queries compiled against the matcher's vocabulary: words and prefixes
//! become small integer ids, so evaluating a candidate compares integers
//! instead of hashing strings.

use rustc_hash::FxHashMap;

use crate::model::Field;
use crate::query::{Node, PhraseItem};

/// Id of a word in the matcher's vocabulary.
pub(super) type WordId = u32;
/// Id of a prefix (its pattern index in the automaton).
pub(super) type PrefixId = u32;
/// Id of a group of words any of which will do: an `OR` of plain words,
/// which is what a term with its spelling variants becomes.
pub(super) type GroupId = u32;

#[derive(Debug, Clone)]
pub(super) enum Compiled {
    Word(WordId),
    /// Any of a group's words: one posting lookup instead of one per word.
    Group(GroupId),
    Prefix(PrefixId),
    Phrase(Vec<Item>),
    Near {
        left: Box<Compiled>,
        right: Box<Compiled>,
        distance: u32,
    },
    And(Vec<Compiled>),
    Or(Vec<Compiled>),
    Not(Box<Compiled>),
    Field(Field, Box<Compiled>),
    Source(String),
    Lang(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Item {
    Word(WordId),
    Prefix(PrefixId),
}

/// Every word and prefix of every query, numbered.
#[derive(Debug, Default)]
pub(super) struct Vocabulary {
    pub words: FxHashMap<Box<str>, WordId>,
    pub prefixes: FxHashMap<Box<str>, PrefixId>,
    /// Each group's words, sorted; the index in this list is the group id.
    pub groups: FxHashMap<Vec<WordId>, GroupId>,
}

impl Vocabulary {
    pub fn word(&mut self, word: &str) -> WordId {
        let next = self.words.len() as WordId;
        *self.words.entry(word.into()).or_insert(next)
    }

    pub fn prefix(&mut self, prefix: &str) -> PrefixId {
        let next = self.prefixes.len() as PrefixId;
        *self.prefixes.entry(prefix.into()).or_insert(next)
    }

    pub fn group(&mut self, words: &[String]) -> GroupId {
        let mut ids: Vec<WordId> = words.iter().map(|w| self.word(w)).collect();
        ids.sort_unstable();
        ids.dedup();
        let next = self.groups.len() as GroupId;
        *self.groups.entry(ids).or_insert(next)
    }

    pub fn compile(&mut self, node: &Node) -> Compiled {
        match node {
            Node::Or(children)
                if children.len() > 1 && children.iter().all(|c| matches!(c, Node::Word(_))) =>
            {
                let words: Vec<String> = children
                    .iter()
                    .map(|c| match c {
                        Node::Word(w) => w.clone(),
                        _ => unreachable!("checked above"),
                    })
                    .collect();
                Compiled::Group(self.group(&words))
            }
            Node::Word(w) => Compiled::Word(self.word(w)),
            Node::Prefix(p) => Compiled::Prefix(self.prefix(p)),
            Node::Phrase(items) => Compiled::Phrase(
                items
                    .iter()
                    .map(|item| match item {
                        PhraseItem::Word(w) => Item::Word(self.word(w)),
                        PhraseItem::Prefix(p) => Item::Prefix(self.prefix(p)),
                    })
                    .collect(),
            ),
            Node::Near {
                left,
                right,
                distance,
            } => Compiled::Near {
                left: Box::new(self.compile(left)),
                right: Box::new(self.compile(right)),
                distance: *distance,
            },
            Node::And(children) => {
                Compiled::And(children.iter().map(|c| self.compile(c)).collect())
            }
            Node::Or(children) => Compiled::Or(children.iter().map(|c| self.compile(c)).collect()),
            Node::Not(inner) => Compiled::Not(Box::new(self.compile(inner))),
            Node::Field(field, inner) => Compiled::Field(*field, Box::new(self.compile(inner))),
            Node::Source(s) => Compiled::Source(s.clone()),
            Node::Lang(l) => Compiled::Lang(l.clone()),
        }
    }
}
