//! Lexer and recursive-descent parser for the query language.
//!
//! Hand-written rather than generated so that every error can say, in the
//! analyst's terms, what was expected at which column.

use super::{
    MAX_DEPTH, MAX_NEAR_DISTANCE, MAX_TERMS, Node, PhraseItem, QueryError, SEARCH_NEAR_DISTANCE,
    Syntax,
};
use crate::model::Field;
use crate::normalize::tokenize;

pub(super) fn parse(text: &str, syntax: Syntax) -> Result<(Node, Vec<String>), QueryError> {
    let tokens = lex(text, syntax)?;
    if tokens.is_empty() {
        return Err(error(
            text,
            0,
            "empty query: expected a word, a \"phrase\" or a prefix*",
        ));
    }
    let mut parser = Parser {
        text,
        tokens,
        pos: 0,
        depth: 0,
        terms: 0,
        field: None,
        syntax,
        exact: Vec::new(),
    };
    let parsed = parser.parse_or()?;
    if let Some(tok) = parser.peek() {
        let message = match tok.kind {
            Kind::RParen => "unexpected ')': there is no '(' for it to close".to_string(),
            _ => format!("unexpected {}", tok.kind.describe()),
        };
        return Err(error(text, tok.start, &message));
    }
    if let Some(at) = parsed.matches_empty {
        return Err(error(
            text,
            at,
            "this exclusion would match every article that lacks the excluded text: \
             expected a word or phrase that must match next to it, e.g. border -drill",
        ));
    }
    Ok((parsed.node, parser.exact))
}

fn error(text: &str, byte: usize, message: &str) -> QueryError {
    QueryError {
        column: text[..byte].chars().count() + 1,
        message: message.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Minus,
    Near(u32),
    Field(FieldName),
    Phrase(String),
    Word(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldName {
    Title,
    Body,
    Source,
    Lang,
}

impl FieldName {
    fn label(self) -> &'static str {
        match self {
            FieldName::Title => "title:",
            FieldName::Body => "body:",
            FieldName::Source => "source:",
            FieldName::Lang => "lang:",
        }
    }
}

impl Kind {
    fn describe(&self) -> String {
        match self {
            Kind::LParen => "'('".into(),
            Kind::RParen => "')'".into(),
            Kind::And => "AND".into(),
            Kind::Or => "OR".into(),
            Kind::Not => "NOT".into(),
            Kind::Minus => "'-'".into(),
            Kind::Near(n) => format!("NEAR/{n}"),
            Kind::Field(f) => format!("'{}'", f.label()),
            Kind::Phrase(_) => "a phrase".into(),
            Kind::Word(w) => format!("'{w}'"),
        }
    }

    fn starts_operand(&self) -> bool {
        matches!(
            self,
            Kind::LParen
                | Kind::Not
                | Kind::Minus
                | Kind::Field(_)
                | Kind::Phrase(_)
                | Kind::Word(_)
        )
    }
}

#[derive(Debug)]
struct Tok {
    kind: Kind,
    start: usize,
}

const QUOTES: &[(char, &[char])] = &[
    ('"', &['"']),
    ('\u{201C}', &['\u{201D}', '"']),
    ('\u{201E}', &['\u{201C}', '\u{201D}', '"']),
    ('\u{AB}', &['\u{BB}']),
];

fn is_delimiter(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '(' | ')')
        || QUOTES
            .iter()
            .any(|(open, closes)| *open == c || closes.contains(&c))
}

fn lex(text: &str, syntax: Syntax) -> Result<Vec<Tok>, QueryError> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        if c == '(' {
            tokens.push(Tok {
                kind: Kind::LParen,
                start,
            });
            i += 1;
            continue;
        }
        if c == ')' {
            tokens.push(Tok {
                kind: Kind::RParen,
                start,
            });
            i += 1;
            continue;
        }
        // `="…"`: an exact phrase; the '=' travels inside the phrase text.
        let exact_phrase = c == '='
            && text[i + 1..]
                .chars()
                .next()
                .is_some_and(|n| QUOTES.iter().any(|(open, _)| *open == n));
        let c = if exact_phrase {
            i += 1;
            text[i..].chars().next().expect("checked above")
        } else {
            c
        };
        if let Some((_, closes)) = QUOTES.iter().find(|(open, _)| *open == c) {
            let body_start = i + c.len_utf8();
            let Some(rel) = text[body_start..].find(|ch: char| closes.contains(&ch)) else {
                return Err(error(
                    text,
                    start,
                    &format!(
                        "unclosed quote: expected a closing '{}' to end the phrase that starts here",
                        closes[0]
                    ),
                ));
            };
            let body_end = body_start + rel;
            let close_len = text[body_end..].chars().next().map_or(1, char::len_utf8);
            let marker = if exact_phrase { "=" } else { "" };
            tokens.push(Tok {
                kind: Kind::Phrase(format!("{marker}{}", &text[body_start..body_end])),
                start,
            });
            i = body_end + close_len;
            continue;
        }
        if QUOTES.iter().any(|(_, closes)| closes.contains(&c)) {
            return Err(error(
                text,
                start,
                &format!("unexpected closing quote '{c}': there is no opening quote before it"),
            ));
        }
        if c == '-' {
            match text[i + 1..].chars().next() {
                Some(n) if !n.is_whitespace() && n != ')' && n != '-' => {
                    tokens.push(Tok {
                        kind: Kind::Minus,
                        start,
                    });
                    i += 1;
                    continue;
                }
                _ => {
                    return Err(error(
                        text,
                        start,
                        "expected a word, phrase or '(' right after '-' (write -drill to exclude drill)",
                    ));
                }
            }
        }
        // A field name: letters followed by a colon.
        let letters_end = i + text[i..]
            .find(|ch: char| !ch.is_ascii_alphabetic())
            .unwrap_or(text.len() - i);
        if letters_end > i && text[letters_end..].starts_with(':') {
            let name = text[i..letters_end].to_ascii_lowercase();
            let after = letters_end + 1;
            let field = match (name.as_str(), syntax) {
                ("title", _) => Some(FieldName::Title),
                ("body", _) | ("text", Syntax::Search) => Some(FieldName::Body),
                ("source" | "lang", Syntax::Search) => {
                    return Err(error(
                        text,
                        start,
                        &format!(
                            "'{name}:' cannot be used in a search: filter by source or language \
                             with the search filters (--source, --lang) instead"
                        ),
                    ));
                }
                ("source", Syntax::Watchlist) => Some(FieldName::Source),
                ("lang", Syntax::Watchlist) => Some(FieldName::Lang),
                _ => None,
            };
            match field {
                Some(field) => {
                    match text[after..].chars().next() {
                        Some(n) if !n.is_whitespace() && n != ')' => {}
                        _ => {
                            return Err(error(
                                text,
                                after,
                                &format!(
                                    "expected a word, phrase or '(' right after '{}', with no space",
                                    field.label()
                                ),
                            ));
                        }
                    }
                    tokens.push(Tok {
                        kind: Kind::Field(field),
                        start,
                    });
                    i = after;
                    continue;
                }
                // A search is typed in passing: "Update:" or "a:b" there is
                // just text.
                None if syntax == Syntax::Search => {}
                None => {
                    return Err(error(
                        text,
                        start,
                        &format!(
                            "unknown field '{name}:': expected title:, body:, source: or lang: \
                             (put text that contains a colon in quotes)"
                        ),
                    ));
                }
            }
        }
        let end = i + text[i..].find(is_delimiter).unwrap_or(text.len() - i);
        let word = &text[i..end];
        tokens.push(Tok {
            kind: keyword(text, start, word, syntax)?,
            start,
        });
        i = end;
    }
    Ok(tokens)
}

fn keyword(text: &str, start: usize, word: &str, syntax: Syntax) -> Result<Kind, QueryError> {
    Ok(match word {
        "AND" => Kind::And,
        "OR" => Kind::Or,
        "NOT" => Kind::Not,
        "NEAR" if syntax == Syntax::Search => Kind::Near(SEARCH_NEAR_DISTANCE),
        "NEAR" => {
            return Err(error(
                text,
                start + word.len(),
                "expected '/' and a distance after NEAR, e.g. NEAR/5 (write near in lower case to search for the word)",
            ));
        }
        _ => {
            if let Some(digits) = word.strip_prefix("NEAR/") {
                let at = start + "NEAR/".len();
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(error(
                        text,
                        at,
                        "expected a number of words after NEAR/, e.g. NEAR/5",
                    ));
                }
                let distance: u32 = digits.parse().unwrap_or(u32::MAX);
                if distance == 0 {
                    return Err(error(
                        text,
                        at,
                        "expected a distance of at least 1 after NEAR/ (NEAR/1 means next to each other)",
                    ));
                }
                if distance > MAX_NEAR_DISTANCE {
                    return Err(error(
                        text,
                        at,
                        &format!(
                            "expected a distance of at most {MAX_NEAR_DISTANCE} words after NEAR/ \
                             (use AND for words anywhere in the article)"
                        ),
                    ));
                }
                Kind::Near(distance)
            } else {
                Kind::Word(word.to_string())
            }
        }
    })
}

/// A parsed sub-expression and, when it would match an empty article, the
/// byte offset of the exclusion responsible.
struct Parsed {
    node: Node,
    start: usize,
    matches_empty: Option<usize>,
}

impl Parsed {
    fn positive(node: Node, start: usize) -> Parsed {
        Parsed {
            node,
            start,
            matches_empty: None,
        }
    }
}

struct Parser<'t> {
    /// Words and prefixes written with `=`, matched only as written.
    exact: Vec<String>,
    text: &'t str,
    tokens: Vec<Tok>,
    pos: usize,
    /// Open parentheses, `NOT`s, fields and `NEAR` links around the token
    /// being parsed; bounded by [`MAX_DEPTH`] so that the parser and every
    /// later walk of the tree stay shallow.
    depth: usize,
    /// Words, prefixes and `source:`/`lang:` values so far; bounded by
    /// [`MAX_TERMS`].
    terms: usize,
    /// The `title:` or `body:` the token being parsed is inside.
    field: Option<FieldName>,
    syntax: Syntax,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<&Tok> {
        let tok = self.tokens.get(self.pos);
        if tok.is_some() {
            self.pos += 1;
        }
        tok
    }

    fn err(&self, byte: usize, message: &str) -> QueryError {
        error(self.text, byte, message)
    }

    /// The offset of the next token, or the end of the query.
    fn here(&self) -> usize {
        self.peek().map_or(self.text.len(), |t| t.start)
    }

    fn enter(&mut self) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(
                self.here(),
                &format!(
                    "the query nests more than {MAX_DEPTH} levels deep \
                     (parentheses, NOT, fields and each NEAR of a chain count): \
                     simplify it or split it into several watchlists"
                ),
            ));
        }
        Ok(())
    }

    /// Counts one more term, starting at byte `at`.
    fn count_term(&mut self, at: usize) -> Result<(), QueryError> {
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(self.err(
                at,
                &format!(
                    "the query has more than {MAX_TERMS} words and values: \
                     split it into several watchlists"
                ),
            ));
        }
        Ok(())
    }

    /// Fails unless the next token can start an operand of `after`.
    fn expect_operand(&self, after: &str) -> Result<(), QueryError> {
        match self.peek() {
            Some(tok) if tok.kind.starts_operand() => Ok(()),
            Some(tok) => Err(self.err(
                tok.start,
                &format!(
                    "expected a word, phrase or '(' after {after}, found {}",
                    tok.kind.describe()
                ),
            )),
            None => Err(self.err(
                self.text.len(),
                &format!(
                    "expected a word, phrase or '(' after {after}, found the end of the query"
                ),
            )),
        }
    }

    fn parse_or(&mut self) -> Result<Parsed, QueryError> {
        let first = self.parse_and()?;
        if self.peek().map(|t| &t.kind) != Some(&Kind::Or) {
            return Ok(first);
        }
        let start = first.start;
        let mut matches_empty = first.matches_empty;
        let mut children = Vec::new();
        push_flat_or(&mut children, first.node);
        while self.peek().map(|t| &t.kind) == Some(&Kind::Or) {
            self.next();
            self.expect_operand("OR")?;
            let operand = self.parse_and()?;
            matches_empty = matches_empty.or(operand.matches_empty);
            push_flat_or(&mut children, operand.node);
        }
        Ok(Parsed {
            node: Node::Or(children),
            start,
            matches_empty,
        })
    }

    fn parse_and(&mut self) -> Result<Parsed, QueryError> {
        let first = self.parse_near()?;
        let start = first.start;
        let mut all_empty = first.matches_empty;
        let mut operands = vec![first.node];
        loop {
            match self.peek().map(|t| &t.kind) {
                Some(Kind::And) => {
                    self.next();
                    self.expect_operand("AND")?;
                }
                Some(kind) if kind.starts_operand() => {}
                _ => break,
            }
            let operand = self.parse_near()?;
            // An AND matches the empty article only if every operand does.
            if operand.matches_empty.is_none() {
                all_empty = None;
            }
            operands.push(operand.node);
        }
        if operands.len() == 1 {
            let node = operands.pop().expect("one operand");
            return Ok(Parsed {
                node,
                start,
                matches_empty: all_empty,
            });
        }
        let mut children = Vec::new();
        for operand in operands {
            match operand {
                Node::And(inner) => children.extend(inner),
                other => children.push(other),
            }
        }
        Ok(Parsed {
            node: Node::And(children),
            start,
            matches_empty: all_empty,
        })
    }

    fn parse_near(&mut self) -> Result<Parsed, QueryError> {
        let mut left = self.parse_unary()?;
        let depth = self.depth;
        while let Some(&Kind::Near(distance)) = self.peek().map(|t| &t.kind) {
            // Each link of a chain nests the tree one level deeper.
            self.enter()?;
            self.next();
            let label = near_label(distance);
            self.require_positional(&left, &label)?;
            self.expect_operand(&label)?;
            let right = self.parse_unary()?;
            self.require_positional(&right, &label)?;
            left = Parsed::positive(
                Node::Near {
                    left: Box::new(left.node),
                    right: Box::new(right.node),
                    distance,
                },
                left.start,
            );
        }
        self.depth = depth;
        Ok(left)
    }

    fn require_positional(&self, operand: &Parsed, label: &str) -> Result<(), QueryError> {
        if operand.node.is_positional() {
            Ok(())
        } else {
            Err(self.err(
                operand.start,
                &format!(
                    "expected a word, prefix, phrase or (… OR …) group of them on each side of {label}; \
                     to scope it, put the field around the whole NEAR, e.g. title:(a {label} b)"
                ),
            ))
        }
    }

    fn parse_unary(&mut self) -> Result<Parsed, QueryError> {
        let Some(tok) = self.peek() else {
            return Err(self.err(self.text.len(), "expected a word, phrase or '('"));
        };
        let start = tok.start;
        match tok.kind {
            Kind::Not => {
                self.next();
                self.expect_operand("NOT")?;
                self.enter()?;
                let inner = self.parse_unary()?;
                self.depth -= 1;
                Ok(negate(inner, start))
            }
            Kind::Minus => {
                self.next();
                self.expect_operand("'-'")?;
                if self.peek().map(|t| &t.kind) == Some(&Kind::Minus)
                    || self.peek().map(|t| &t.kind) == Some(&Kind::Not)
                {
                    return Err(self.err(self.here(), "expected a word, phrase or '(' after '-'"));
                }
                self.enter()?;
                let inner = self.parse_primary()?;
                self.depth -= 1;
                Ok(negate(inner, start))
            }
            _ => self.parse_primary(),
        }
    }

    // The parser recurses through `parse_primary` and the functions above
    // it once per level of nesting, so these keep their frames small: every
    // arm that does not recurse, and every error, lives in a function of its
    // own.
    fn parse_primary(&mut self) -> Result<Parsed, QueryError> {
        let Some(tok) = self.next() else {
            return Err(self.err(self.text.len(), "expected a word, phrase or '('"));
        };
        let (start, field) = match tok.kind {
            Kind::Field(field) => (tok.start, Some(field)),
            _ => (tok.start, None),
        };
        if let Some(field) = field {
            return if self.field.is_some() {
                Err(self.nested_field(field, start))
            } else if matches!(field, FieldName::Title | FieldName::Body) {
                self.parse_text_field(field, start)
            } else {
                self.parse_value_field(field, start)
            };
        }
        match &self.tokens[self.pos - 1].kind {
            Kind::LParen => self.parse_group(start),
            Kind::Word(_) | Kind::Phrase(_) => self.parse_term(start),
            _ => Err(self.unexpected_before_operand(start)),
        }
    }

    fn parse_group(&mut self, start: usize) -> Result<Parsed, QueryError> {
        if self.peek().map(|t| &t.kind) == Some(&Kind::RParen) {
            return Err(self.err(
                self.here(),
                "empty parentheses: expected a word, phrase or '(' inside",
            ));
        }
        self.enter()?;
        let inner = self.parse_or()?;
        self.depth -= 1;
        match self.next().map(|t| t.kind == Kind::RParen) {
            Some(true) => Ok(Parsed { start, ..inner }),
            Some(false) => Err(self.unclosed(start, true)),
            None => Err(self.unclosed(start, false)),
        }
    }

    fn parse_text_field(&mut self, field: FieldName, start: usize) -> Result<Parsed, QueryError> {
        let f = if field == FieldName::Title {
            Field::Title
        } else {
            Field::Body
        };
        self.expect_primary(field.label())?;
        self.enter()?;
        self.field = Some(field);
        let inner = self.parse_primary()?;
        self.field = None;
        self.depth -= 1;
        Ok(Parsed {
            node: Node::Field(f, Box::new(inner.node)),
            start,
            matches_empty: inner.matches_empty,
        })
    }

    #[inline(never)]
    fn parse_value_field(&mut self, field: FieldName, start: usize) -> Result<Parsed, QueryError> {
        let value = match self.next().map(|t| (t.start, t.kind.clone())) {
            Some((_, Kind::Word(w))) | Some((_, Kind::Phrase(w))) => w,
            other => {
                let at = other.map_or(self.text.len(), |(s, _)| s);
                let example = if field == FieldName::Source {
                    "source:asiaplus or source:\"Radio Ozodi\""
                } else {
                    "lang:ru"
                };
                return Err(self.err(
                    at,
                    &format!(
                        "expected a value right after '{}', e.g. {example}",
                        field.label()
                    ),
                ));
            }
        };
        let value = value.trim().to_lowercase();
        if value.is_empty() || value == "*" {
            return Err(self.err(
                start,
                &format!("expected a value after '{}'", field.label()),
            ));
        }
        self.count_term(start)?;
        let node = if field == FieldName::Source {
            Node::Source(value)
        } else {
            let code = value.replace('_', "-");
            if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return Err(self.err(
                    start,
                    "expected a language code after 'lang:', e.g. lang:ru or lang:fa-AF",
                ));
            }
            Node::Lang(code)
        };
        Ok(Parsed::positive(node, start))
    }

    /// The word or phrase token just read.
    #[inline(never)]
    fn parse_term(&mut self, start: usize) -> Result<Parsed, QueryError> {
        let node = match self.tokens[self.pos - 1].kind.clone() {
            Kind::Word(raw) => self.word_node(&raw, start)?,
            Kind::Phrase(raw) => self.phrase_node(&raw, start)?,
            _ => unreachable!("parse_term is called on words and phrases"),
        };
        Ok(Parsed::positive(node, start))
    }

    #[cold]
    #[inline(never)]
    fn nested_field(&self, field: FieldName, start: usize) -> QueryError {
        let outer = self.field.map_or("", FieldName::label);
        self.err(
            start,
            &format!(
                "'{}' inside '{outer}' has no effect: write the fields side by side, \
                 e.g. title:border source:asiaplus",
                field.label()
            ),
        )
    }

    #[cold]
    #[inline(never)]
    /// The error for a '(' at `open` left unclosed; `found` when the token
    /// just read is what came instead of the ')'.
    fn unclosed(&self, open: usize, found: bool) -> QueryError {
        let opened = column(self.text, open);
        if found {
            let other = &self.tokens[self.pos - 1];
            self.err(
                other.start,
                &format!(
                    "expected ')' to close the '(' at column {opened}, found {}",
                    other.kind.describe()
                ),
            )
        } else {
            self.err(
                self.text.len(),
                &format!("expected ')' to close the '(' at column {opened}"),
            )
        }
    }

    #[cold]
    #[inline(never)]
    fn unexpected_before_operand(&self, start: usize) -> QueryError {
        let kind = &self.tokens[self.pos - 1].kind;
        if *kind == Kind::RParen {
            return self.err(start, "expected a word, phrase or '(' before ')'");
        }
        self.err(
            start,
            &format!(
                "expected a word, phrase or '(' but found {} (operators are upper case; \
                 write it in lower case to search for the word)",
                kind.describe()
            ),
        )
    }

    fn expect_primary(&self, after: &str) -> Result<(), QueryError> {
        match self.peek() {
            Some(Tok {
                kind: Kind::LParen | Kind::Word(_) | Kind::Phrase(_) | Kind::Field(_),
                ..
            }) => Ok(()),
            other => Err(self.err(
                other.map_or(self.text.len(), |t| t.start),
                &format!("expected a word, phrase or '(' right after '{after}'"),
            )),
        }
    }

    fn word_node(&mut self, raw: &str, start: usize) -> Result<Node, QueryError> {
        // A search treats a stray `*` as the punctuation it is there.
        if let Some(star) = raw.find('*')
            && star + 1 != raw.len()
            && self.syntax == Syntax::Watchlist
        {
            return Err(self.err(
                start + star,
                "expected '*' only at the end of a word (границ* finds граница, границы …)",
            ));
        }
        let mut items = Vec::new();
        self.push_items(&mut items, raw, start)?;
        if items.is_empty() {
            return Err(self.err(
                start,
                &format!("expected letters or digits to search for, found '{raw}'"),
            ));
        }
        Ok(items_node(items))
    }

    fn phrase_node(&mut self, raw: &str, start: usize) -> Result<Node, QueryError> {
        let open_len = self.text[start..].chars().next().map_or(1, char::len_utf8);
        let mut items = Vec::new();
        let (raw, exact) = match raw.strip_prefix('=') {
            Some(rest) => (rest, true),
            None => (raw, false),
        };
        for piece in raw.split_whitespace() {
            let offset = start + open_len + (piece.as_ptr() as usize - raw.as_ptr() as usize);
            let marked = format!("={piece}");
            let piece = if exact && !piece.starts_with('=') {
                marked.as_str()
            } else {
                piece
            };
            self.push_items(&mut items, piece, offset)?;
        }
        if items.is_empty() {
            return Err(self.err(start, "empty phrase: expected words between the quotes"));
        }
        Ok(items_node(items))
    }

    /// Normalises one written word (optionally ending in `*`) into phrase
    /// items: `Tajik-Afghan` is two words, `tajik-afgh*` a word and a prefix.
    fn push_items(
        &mut self,
        items: &mut Vec<PhraseItem>,
        raw: &str,
        start: usize,
    ) -> Result<(), QueryError> {
        // `=term`: matched only as written (no spelling variants).
        let (raw, exact) = match raw.strip_prefix('=') {
            Some(rest) if self.syntax == Syntax::Watchlist => (rest, true),
            _ => (raw, false),
        };
        let (text, is_prefix) = match raw.strip_suffix('*') {
            Some(stem) => (stem.trim_end_matches('*'), true),
            None => (raw, false),
        };
        let tokens = tokenize(text);
        if exact {
            for token in &tokens {
                if !self.exact.contains(&token.text) {
                    self.exact.push(token.text.clone());
                }
            }
        }
        let count = tokens.len();
        for (i, token) in tokens.into_iter().enumerate() {
            self.count_term(start)?;
            if is_prefix && i + 1 == count {
                if token.text.chars().count() < 2 {
                    return Err(self.err(
                        start,
                        "expected at least 2 letters before '*' (a shorter prefix would match almost everything)",
                    ));
                }
                items.push(PhraseItem::Prefix(token.text));
            } else {
                items.push(PhraseItem::Word(token.text));
            }
        }
        if is_prefix && count == 0 {
            return Err(self.err(start, "expected letters before '*'"));
        }
        Ok(())
    }
}

#[inline(never)]
fn near_label(distance: u32) -> String {
    format!("NEAR/{distance}")
}

fn column(text: &str, byte: usize) -> usize {
    text[..byte].chars().count() + 1
}

fn items_node(mut items: Vec<PhraseItem>) -> Node {
    if items.len() == 1 {
        match items.pop().expect("one item") {
            PhraseItem::Word(w) => Node::Word(w),
            PhraseItem::Prefix(p) => Node::Prefix(p),
        }
    } else {
        Node::Phrase(items)
    }
}

fn negate(inner: Parsed, start: usize) -> Parsed {
    Parsed {
        matches_empty: if inner.matches_empty.is_some() {
            None
        } else {
            Some(start)
        },
        node: Node::Not(Box::new(inner.node)),
        start,
    }
}

fn push_flat_or(children: &mut Vec<Node>, node: Node) {
    match node {
        Node::Or(inner) => children.extend(inner),
        other => children.push(other),
    }
}
