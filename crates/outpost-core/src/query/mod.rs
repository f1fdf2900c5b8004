//! The watchlist query language.
//!
//! ```text
//! border                       a word
//! "Tajik-Afghan border"        a phrase (hyphens and dashes split words)
//! границ*                      a prefix (граница, границе, границы)
//! A B      A AND B             both
//! A OR B                       either
//! NOT A    -A                  exclusion
//! ( … )                        grouping
//! A NEAR/5 B                   within 5 words, either order
//! title:"…"  body:…            the text must be in the title / body
//! source:asiaplus  lang:ru     the article's source / language
//! =Khorog                      only as written: no spelling variants
//! ```
//!
//! Every word and prefix of four letters or more also matches its spelling
//! variants in other scripts and standard romanisations
//! ([`crate::variants`]) once the query is expanded with
//! [`Query::with_variants`], as watchlists are; `=term` or `="a phrase"`
//! opts out (a word written with `=` anywhere in a query is matched as
//! written everywhere in it).
//!
//! Operators are upper case; lower-case `and`, `or`, `not` and `near` are
//! ordinary words. Precedence, tightest first: `NOT`/`-`, `NEAR/n`, `AND`
//! (also implicit), `OR`. Words are normalised with
//! [`crate::normalize`], so a query matches whatever the archive indexes as
//! the same word.
//!
//! [`Query::parse`] rejects what cannot be meant: empty queries, unbalanced
//! quotes or parentheses, `NEAR/0`, a field inside a field (`title:source:x`),
//! and queries that could match an article merely by what it lacks
//! (`NOT x`, `a OR -b`). It also bounds what a shared query can cost: at most
//! [`MAX_DEPTH`] levels of nesting (each `NEAR` of a chain is a level) and
//! [`MAX_TERMS`] words and values. Searches use the same parser
//! ([`Query::parse_search`]).

mod eval;
mod expand;
mod parse;

pub use expand::TermVariants;
pub(crate) use expand::explain_spans;

use std::fmt;

use crate::model::Field;

/// A parsed, validated watchlist query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    root: Node,
    /// Normalised words and prefixes written with `=`.
    exact: Vec<String>,
    /// After [`Query::with_variants`]: which term each variant came from.
    explain: Option<std::sync::Arc<crate::variants::Explain>>,
}

/// A syntax error, with the 1-based character column where it was noticed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("error at column {column}: {message}")]
pub struct QueryError {
    pub column: usize,
    pub message: String,
}

/// A node of the parsed query. Word texts are already normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// One normalised word.
    Word(String),
    /// Any word starting with this normalised text.
    Prefix(String),
    /// Consecutive words in one field; always at least two items.
    Phrase(Vec<PhraseItem>),
    /// Both sides within `distance` words of each other, either order, in
    /// the same field. Sides are words, prefixes, phrases, `OR`s of them or
    /// other `NEAR`s.
    Near {
        left: Box<Node>,
        right: Box<Node>,
        distance: u32,
    },
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    /// The inner text must occur in this field of the article.
    Field(Field, Box<Node>),
    /// The article's source name or host (lower-cased; a trailing `*`
    /// means "starts with").
    Source(String),
    /// The article's language code (lower-cased); `fa` also matches `fa-AF`.
    Lang(String),
}

/// One word of a phrase.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PhraseItem {
    Word(String),
    Prefix(String),
}

impl PhraseItem {
    pub fn text(&self) -> &str {
        match self {
            PhraseItem::Word(w) | PhraseItem::Prefix(w) => w,
        }
    }

    /// Whether a normalised token is this item.
    pub fn accepts(&self, token: &str) -> bool {
        match self {
            PhraseItem::Word(w) => token == w,
            PhraseItem::Prefix(p) => token.starts_with(p.as_str()),
        }
    }
}

/// The longest `NEAR/n` distance accepted; larger windows are better written
/// as plain `AND`.
pub const MAX_NEAR_DISTANCE: u32 = 1000;

/// How deeply parentheses, `NOT`s, fields and the links of a `NEAR` chain
/// may nest. The tree is then at most about three times as deep (an `OR` and
/// an `AND` per level), so every recursive walk of it, `Drop` included, stays
/// within a small thread stack (ARCHITECTURE.md, invariants).
pub const MAX_DEPTH: usize = 32;

/// How many words, prefixes and `source:`/`lang:` values a query may hold.
pub const MAX_TERMS: usize = 2_000;

/// What a bare `NEAR` means in a search (the full-text index's default).
pub const SEARCH_NEAR_DISTANCE: u32 = 10;

/// Which of the language's two uses a text is parsed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    /// A watchlist: strict, every mistake is an error.
    Watchlist,
    /// A search typed in passing: an unknown `name:` is text, `text:` means
    /// `body:`, a bare `NEAR` is `NEAR/10`, and `source:`/`lang:` are
    /// refused because search filters do that.
    Search,
}

impl Query {
    /// Parses and validates a query typed by the analyst.
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        parse::parse(text, Syntax::Watchlist).map(|(root, exact)| Query {
            root,
            exact,
            explain: None,
        })
    }

    /// Parses a full-text search: the same language and limits as a
    /// watchlist, read leniently (unknown `name:` is text, `text:` is
    /// `body:`, a bare `NEAR` is `NEAR/10`, `source:`/`lang:` are refused
    /// for the search filters); the store
    /// translates the tree for its index.
    pub fn parse_search(text: &str) -> Result<Query, QueryError> {
        parse::parse(text, Syntax::Search).map(|(root, _)| Query {
            root,
            exact: Vec::new(),
            explain: None,
        })
    }

    /// The parsed tree.
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// Builds a query from a tree without the parser's validation; for
    /// generated queries in tests and benchmarks. The caller promises the tree
    /// is what the parser could produce (normalised words, no bare `NOT`).
    pub fn from_node(root: Node) -> Query {
        Query {
            root,
            exact: Vec::new(),
            explain: None,
        }
    }

    /// The normalised words and prefixes written with `=`.
    pub fn exact(&self) -> &[String] {
        &self.exact
    }

    /// Every normalised word the query looks for (in words and phrases,
    /// excluded ones included), in order of first appearance.
    pub fn words(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.root.visit(&mut |node| match node {
            Node::Word(w) => out.push(w.as_str()),
            Node::Phrase(items) => out.extend(items.iter().filter_map(|i| match i {
                PhraseItem::Word(w) => Some(w.as_str()),
                PhraseItem::Prefix(_) => None,
            })),
            _ => {}
        });
        dedup_in_order(out)
    }

    /// Every normalised prefix the query looks for, in order of first
    /// appearance.
    pub fn prefixes(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.root.visit(&mut |node| match node {
            Node::Prefix(p) => out.push(p.as_str()),
            Node::Phrase(items) => out.extend(items.iter().filter_map(|i| match i {
                PhraseItem::Prefix(p) => Some(p.as_str()),
                PhraseItem::Word(_) => None,
            })),
            _ => {}
        });
        dedup_in_order(out)
    }
}

fn dedup_in_order(items: Vec<&str>) -> Vec<&str> {
    let mut seen = std::collections::HashSet::new();
    items.into_iter().filter(|s| seen.insert(*s)).collect()
}

impl Node {
    /// Calls `f` on this node and every node below it, parents first.
    pub fn visit<'a>(&'a self, f: &mut impl FnMut(&'a Node)) {
        f(self);
        match self {
            Node::Near { left, right, .. } => {
                left.visit(f);
                right.visit(f);
            }
            Node::And(children) | Node::Or(children) => {
                for child in children {
                    child.visit(f);
                }
            }
            Node::Not(inner) | Node::Field(_, inner) => inner.visit(f),
            Node::Word(_) | Node::Prefix(_) | Node::Phrase(_) | Node::Source(_) | Node::Lang(_) => {
            }
        }
    }

    /// Whether this node can be an operand of `NEAR`: it matches at
    /// positions in the text.
    pub fn is_positional(&self) -> bool {
        match self {
            Node::Word(_) | Node::Prefix(_) | Node::Phrase(_) | Node::Near { .. } => true,
            Node::Or(children) => children.iter().all(Node::is_positional),
            Node::And(_) | Node::Not(_) | Node::Field(..) | Node::Source(_) | Node::Lang(_) => {
                false
            }
        }
    }
}

/// The canonical parsed form, e.g.
/// `AND(OR("tajik afghan border", NEAR/3(tajik*, afghan*)), NOT(drill))`.
impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(
            &Shown {
                node: &self.root,
                exact: &self.exact,
            },
            f,
        )
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(
            &Shown {
                node: self,
                exact: &[],
            },
            f,
        )
    }
}

/// A node shown with its exact (`=`) words marked.
struct Shown<'a> {
    node: &'a Node,
    exact: &'a [String],
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exact = self.exact;
        let mark = |w: &str| {
            if exact.iter().any(|e| e == w) {
                "="
            } else {
                ""
            }
        };
        match self.node {
            Node::Word(w) => write!(f, "{}{w}", mark(w)),
            Node::Prefix(p) => write!(f, "{}{p}*", mark(p)),
            Node::Phrase(items) => {
                f.write_str("\"")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    match item {
                        PhraseItem::Word(w) => write!(f, "{}{w}", mark(w))?,
                        PhraseItem::Prefix(p) => write!(f, "{}{p}*", mark(p))?,
                    }
                }
                f.write_str("\"")
            }
            Node::Near {
                left,
                right,
                distance,
            } => write!(
                f,
                "NEAR/{distance}({}, {})",
                Shown { node: left, exact },
                Shown { node: right, exact }
            ),
            Node::And(children) => write_list(f, "AND", children, exact),
            Node::Or(children) => write_list(f, "OR", children, exact),
            Node::Not(inner) => write!(f, "NOT({})", Shown { node: inner, exact }),
            Node::Field(Field::Title, inner) => write!(f, "title:{}", Shown { node: inner, exact }),
            Node::Field(Field::Body, inner) => write!(f, "body:{}", Shown { node: inner, exact }),
            Node::Source(s) => write!(f, "source:{}", quote_if_needed(s)),
            Node::Lang(l) => write!(f, "lang:{}", quote_if_needed(l)),
        }
    }
}

fn write_list(
    f: &mut fmt::Formatter<'_>,
    op: &str,
    children: &[Node],
    exact: &[String],
) -> fmt::Result {
    write!(f, "{op}(")?;
    for (i, child) in children.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{}", Shown { node: child, exact })?;
    }
    f.write_str(")")
}

fn quote_if_needed(value: &str) -> String {
    if value
        .chars()
        .any(|c| c.is_whitespace() || "()\",".contains(c))
    {
        format!("\"{value}\"")
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each row: query, canonical parsed form.
    fn check_parsed(rows: &[(&str, &str)]) {
        let mut failures = Vec::new();
        for (input, expected) in rows {
            match Query::parse(input) {
                Ok(q) if q.to_string() == *expected => {}
                Ok(q) => failures.push(format!(
                    "{input:?}: expected {expected:?}, got {:?}",
                    q.to_string()
                )),
                Err(e) => failures.push(format!("{input:?}: expected {expected:?}, got {e}")),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Each row: query, error column, a fragment of the message.
    fn check_errors(rows: &[(&str, usize, &str)]) {
        let mut failures = Vec::new();
        for (input, column, fragment) in rows {
            match Query::parse(input) {
                Err(e) if e.column == *column && e.message.contains(fragment) => {
                    assert_eq!(
                        e.to_string(),
                        format!("error at column {column}: {}", e.message)
                    );
                }
                Err(e) => failures.push(format!(
                    "{input:?}: expected column {column} with {fragment:?}, got {e}"
                )),
                Ok(q) => failures.push(format!("{input:?}: expected an error, parsed {q}")),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn parses_into_the_canonical_form() {
        check_parsed(&[
            ("border", "border"),
            ("Border", "border"),
            ("\"Tajik-Afghan border\"", "\"tajik afghan border\""),
            ("Tajik–Afghan border", "AND(\"tajik afghan\", border)"),
            ("границ*", "границ*"),
            ("a b", "AND(a, b)"),
            ("a AND b", "AND(a, b)"),
            ("a b OR c", "OR(AND(a, b), c)"),
            ("a (b OR c)", "AND(a, OR(b, c))"),
            ("a OR b OR (c OR d)", "OR(a, b, c, d)"),
            ("a (b c)", "AND(a, b, c)"),
            ("border NOT drill", "AND(border, NOT(drill))"),
            ("border -drill", "AND(border, NOT(drill))"),
            (
                "border -\"joint exercise\"",
                "AND(border, NOT(\"joint exercise\"))",
            ),
            (
                "border -(drill OR exercise)",
                "AND(border, NOT(OR(drill, exercise)))",
            ),
            ("Tajik-Afghan", "\"tajik afghan\""),
            ("attack NEAR/5 border", "NEAR/5(attack, border)"),
            (
                "(killed OR dead) NEAR/3 границ*",
                "NEAR/3(OR(killed, dead), границ*)",
            ),
            ("a NEAR/2 b NEAR/3 c", "NEAR/3(NEAR/2(a, b), c)"),
            ("x a NEAR/2 b", "AND(x, NEAR/2(a, b))"),
            (
                "\"border guard*\" NEAR/4 attack",
                "NEAR/4(\"border guard*\", attack)",
            ),
            ("title:border", "title:border"),
            ("Title:\"Tajik border\"", "title:\"tajik border\""),
            ("title:(a OR b) c", "AND(title:OR(a, b), c)"),
            ("body:мина", "body:мина"),
            ("source:AsiaPlus lang:ru", "AND(source:asiaplus, lang:ru)"),
            (
                "source:\"Radio Ozodi\" border",
                "AND(source:\"radio ozodi\", border)",
            ),
            ("lang:fa_AF марз", "AND(lang:fa-af, марз)"),
            ("lang:ru", "lang:ru"),
            // Lower-case operators are ordinary words.
            ("war and peace", "AND(war, and, peace)"),
            ("this or that", "AND(this, or, that)"),
            ("not near", "AND(not, near)"),
            // Normalisation reaches the query.
            ("Ёлка", "елка"),
            ("كابل", "کابل"),
            ("O'zbekiston", "oʼzbekiston"),
            ("“Tajik border”", "\"tajik border\""),
            ("«граница Таджикистана»", "\"граница таджикистана\""),
            ("NOT NOT border", "NOT(NOT(border))"),
            ("((border))", "border"),
            ("Taliban's", "taliban"),
            ("U.S.", "\"u s\""),
        ]);
    }

    #[test]
    fn rejects_what_cannot_be_meant() {
        check_errors(&[
            ("", 1, "empty query"),
            ("   ", 1, "empty query"),
            ("\"border", 1, "unclosed quote"),
            ("a \"b c", 3, "unclosed quote"),
            ("a\"", 2, "unclosed quote"),
            ("(a OR b", 8, "expected ')' to close the '(' at column 1"),
            ("a OR b)", 7, "no '(' for it to close"),
            ("()", 2, "empty parentheses"),
            ("a NEAR/0 b", 8, "at least 1"),
            ("a NEAR b", 7, "expected '/' and a distance"),
            ("a NEAR/x b", 8, "expected a number"),
            ("a NEAR/5000 b", 8, "at most 1000"),
            ("NOT drill", 1, "lacks the excluded text"),
            ("-drill", 1, "lacks the excluded text"),
            ("-a -b", 1, "lacks the excluded text"),
            ("border OR -drill", 11, "lacks the excluded text"),
            ("title:(NOT x)", 8, "lacks the excluded text"),
            ("a AND", 6, "after AND"),
            ("a OR", 5, "after OR"),
            ("AND a", 1, "found AND"),
            ("a OR OR b", 6, "after OR"),
            ("a NOT", 6, "after NOT"),
            ("a - b", 3, "right after '-'"),
            ("a NEAR/3 NOT b", 10, "on each side of NEAR/3"),
            ("(a b) NEAR/3 c", 1, "on each side of NEAR/3"),
            ("title:a NEAR/3 b", 1, "on each side of NEAR/3"),
            ("a NEAR/3", 9, "after NEAR/3"),
            ("title: border", 7, "right after 'title:'"),
            ("foo:bar", 1, "unknown field 'foo:'"),
            ("source:", 8, "right after 'source:'"),
            ("lang:(ru)", 6, "expected a value"),
            ("bor*der", 4, "only at the end"),
            ("*", 1, "letters before '*'"),
            ("a*", 1, "at least 2 letters"),
            ("!!!", 1, "letters or digits"),
            ("\"  \"", 1, "empty phrase"),
            ("a ”", 3, "unexpected closing quote"),
            ("мир -", 5, "right after '-'"),
        ]);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let err = Query::parse("граница AND").unwrap_err();
        assert_eq!(err.column, 12);
        let err = Query::parse("مرز OR (").unwrap_err();
        assert_eq!(err.column, 9);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
        let err = Query::parse(&deep).unwrap_err();
        assert!(err.message.contains("levels deep"), "{err}");
        let nots = format!("{}a b", "NOT ".repeat(10_000));
        assert!(
            Query::parse(&nots)
                .unwrap_err()
                .message
                .contains("levels deep")
        );
    }

    // Hardening 2, smaller items: a field inside another field does nothing
    // (`title:source:x`) and is refused at its column.
    #[test]
    fn fields_do_not_nest() {
        check_errors(&[
            (
                "title:source:x",
                7,
                "'source:' inside 'title:' has no effect",
            ),
            (
                "body:(a lang:ru)",
                9,
                "'lang:' inside 'body:' has no effect",
            ),
            ("title:(a OR title:b)", 13, "'title:' inside 'title:'"),
            ("a title:(b -body:c)", 13, "'body:' inside 'title:'"),
        ]);
        check_parsed(&[("title:a source:x", "AND(title:a, source:x)")]);
    }

    #[test]
    fn searches_read_the_same_language_leniently() {
        let search = |text: &str| Query::parse_search(text).map(|q| q.to_string());
        assert_eq!(search("a NEAR b").unwrap(), "NEAR/10(a, b)");
        assert_eq!(search("Update: a:b").unwrap(), "AND(update, \"a b\")");
        assert_eq!(search("text:мина").unwrap(), "body:мина");
        let err = search("border source:tolo").unwrap_err();
        assert_eq!(err.column, 8);
        assert!(err.message.contains("--source"), "{err}");
        // The strict reading refuses what the lenient one accepts.
        assert_eq!(Query::parse("a:b").unwrap_err().column, 1);
        assert_eq!(Query::parse("text:x").unwrap_err().column, 1);
    }

    #[test]
    fn words_and_prefixes_are_listed_once_in_order() {
        let q = Query::parse("border \"border guard*\" OR марз* -drill").unwrap();
        assert_eq!(q.words(), vec!["border", "drill"]);
        assert_eq!(q.prefixes(), vec!["guard", "марз"]);
    }
}
