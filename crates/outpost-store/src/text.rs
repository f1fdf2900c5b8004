//! Text helpers: the one place the store calls the shared normaliser, HTML
//! escaping, and snippets cut from original text.

use outpost_core::normalize::{self, Token};

/// The normalised words of `text`, joined by single spaces: what the index
/// holds and what queries are compared against.
pub(crate) fn normalize(text: &str) -> String {
    normalize::normalize(text)
}

/// Normalised words with their byte ranges in `text`.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    normalize::tokenize(text)
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape_html(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// What a snippet highlights: normalised words, and prefixes of words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Highlight {
    pub words: Vec<String>,
    pub prefixes: Vec<String>,
}

impl Highlight {
    fn matches(&self, word: &str) -> bool {
        self.term_index(word).is_some()
    }

    /// How many terms there are: words first, then prefixes.
    pub(crate) fn len(&self) -> usize {
        self.words.len() + self.prefixes.len()
    }

    /// Which term `word` matches, numbering words first, then prefixes.
    pub(crate) fn term_index(&self, word: &str) -> Option<usize> {
        self.words.iter().position(|w| w == word).or_else(|| {
            self.prefixes
                .iter()
                .position(|p| word.starts_with(p.as_str()))
                .map(|i| i + self.words.len())
        })
    }
}

/// `text` as HTML with every highlighted word in `<mark>`.
pub(crate) fn mark_all(text: &str, hl: &Highlight) -> String {
    let tokens = tokenize(text);
    let mut out = String::with_capacity(text.len() + 16);
    render(text, &tokens, 0, text.len(), hl, &mut out);
    out
}

/// An HTML snippet of about `words` words of `text` around its densest run
/// of highlighted words, with `…` where it was cut.
pub(crate) fn snippet(text: &str, hl: &Highlight, words: usize) -> String {
    let tokens = tokenize(text);
    if tokens.is_empty() {
        return String::new();
    }
    let hits: Vec<bool> = tokens.iter().map(|t| hl.matches(&t.text)).collect();
    // The window of `words` tokens with the most hits; ties go to the
    // earliest, so the lead of the article is preferred.
    let n = tokens.len();
    let w = words.min(n);
    let mut count: usize = hits[..w].iter().filter(|h| **h).count();
    let (mut best, mut best_start) = (count, 0);
    for start in 1..=(n - w) {
        count = count + usize::from(hits[start + w - 1]) - usize::from(hits[start - 1]);
        if count > best {
            best = count;
            best_start = start;
        }
    }
    // The earliest best window may begin long before its first hit; start
    // four words before that hit instead, which loses no hit.
    if best > 0 {
        let first_hit = (best_start..best_start + w)
            .find(|&i| hits[i])
            .unwrap_or(best_start);
        best_start = first_hit.saturating_sub(4).max(best_start).min(n - w);
    }
    let end_tok = (best_start + w).min(n);
    let from = if best_start == 0 {
        0
    } else {
        tokens[best_start].start
    };
    let to = if end_tok == n {
        text.len()
    } else {
        tokens[end_tok - 1].end
    };
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    render(text, &tokens, from, to, hl, &mut out);
    if to < text.len() {
        out.push('…');
    }
    out
}

/// Escapes `text[from..to]` into `out`, marking highlighted tokens. Several
/// tokens may share one byte range; a range is marked once.
fn render(text: &str, tokens: &[Token], from: usize, to: usize, hl: &Highlight, out: &mut String) {
    let mut pos = from;
    let mut last_marked_end = 0;
    for t in tokens {
        if t.start < pos || t.end > to || t.end <= last_marked_end {
            continue;
        }
        if !hl.matches(&t.text) {
            continue;
        }
        escape_html(collapse(&text[pos..t.start]).as_ref(), out);
        out.push_str("<mark>");
        escape_html(&text[t.start..t.end], out);
        out.push_str("</mark>");
        pos = t.end;
        last_marked_end = t.end;
    }
    escape_html(collapse(&text[pos..to]).as_ref(), out);
}

/// Runs of whitespace (newlines from feed HTML) read as one space in a
/// one-line snippet.
fn collapse(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(|c: char| c.is_whitespace() && c != ' ') && !s.contains("  ") {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hl(words: &[&str], prefixes: &[&str]) -> Highlight {
        Highlight {
            words: words.iter().map(|s| s.to_string()).collect(),
            prefixes: prefixes.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn marks_matching_words_and_escapes_the_rest() {
        let out = mark_all(
            "Clashes at <the> Tajik–Afghan border & more",
            &hl(&["border"], &[]),
        );
        assert_eq!(
            out,
            "Clashes at &lt;the&gt; Tajik–Afghan <mark>border</mark> &amp; more"
        );
    }

    #[test]
    fn marks_folded_and_prefixed_forms_in_original_spelling() {
        let out = mark_all("На ГРАНИЦЕ с Афганистаном", &hl(&[], &["границ"]));
        assert_eq!(out, "На <mark>ГРАНИЦЕ</mark> с Афганистаном");
    }

    #[test]
    fn snippet_centres_on_the_hits_and_shows_cuts() {
        let text = "one two three four five six seven eight nine ten eleven twelve target thirteen fourteen fifteen sixteen";
        let out = snippet(text, &hl(&["target"], &[]), 6);
        assert!(out.starts_with('…'), "{out}");
        assert!(out.ends_with('…'), "{out}");
        assert!(out.contains("<mark>target</mark>"), "{out}");
        let short = snippet("just a target", &hl(&["target"], &[]), 30);
        assert_eq!(short, "just a <mark>target</mark>");
    }
}
