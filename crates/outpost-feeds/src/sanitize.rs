//! Feed HTML made safe for the reader pane, and plain text made from HTML.
//!
//! Feed HTML is untrusted (SECURITY.md). `sanitize_html` keeps the
//! structure a reader needs (paragraphs, lists, links, images, tables) and
//! drops everything that runs code or loads resources on its own: scripts,
//! event handlers, `javascript:` URLs, forms, iframes, SVG/MathML, `<meta>`,
//! `<style>` and `style` attributes. `<img src>` is kept so the UI can decide
//! whether remote images load (they are off by default).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use ammonia::UrlRelative;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use url::Url;

/// The deepest element nesting any HTML is handed to a tree builder with
/// (ammonia's or the page reader's). Real articles stay far below it; past
/// it, tree building and the recursive walks over the tree grow quadratic or
/// overflow the stack (SECURITY.md, "A malicious feed").
pub const MAX_HTML_DEPTH: usize = 256;

/// Sanitises feed HTML with ammonia, resolving relative links and image
/// sources against `base` when given. Markup nested deeper than
/// [`MAX_HTML_DEPTH`] is flattened first (see [`bound_html`]).
pub fn sanitize_html(html: &str, base: Option<&Url>) -> String {
    sanitize_html_reporting(html, base).0
}

/// [`sanitize_html`], also saying whether markup had to be flattened.
pub fn sanitize_html_reporting(html: &str, base: Option<&Url>) -> (String, bool) {
    let bounded = bound_html(html, MAX_HTML_DEPTH);
    (clean(&bounded.html, base), bounded.flattened)
}

/// HTML with its element nesting bounded, from [`bound_html`].
#[derive(Debug)]
pub struct BoundedHtml<'a> {
    /// The input itself when nothing had to change, else a re-serialisation
    /// of its tokens without the tags past the depth limit.
    pub html: Cow<'a, str>,
    /// True when some tags were dropped (their text is kept).
    pub flattened: bool,
    /// The number of start tags seen.
    pub elements: usize,
}

/// Bounds the element nesting of `html` to `max_depth` in one linear pass
/// over its tokens (html5ever's tokenizer, no tree): start and end tags
/// deeper than that are dropped and their text kept, so the content reads
/// the same but flat. Depth is counted as a tree builder would, closely
/// enough: void elements do not nest; an unclosed `<p>`, `<li>`, `<option>`
/// or table cell is closed by its next sibling; implied table sections
/// count; formatting elements closed out of order still count, since a tree
/// builder re-opens them. When the output is re-serialised, comments are
/// dropped and raw text (`<script>`, `<style>` …) is escaped, so that no
/// parser can find markup in it. One pass, at most a constant amount of
/// work per token.
pub fn bound_html(html: &str, max_depth: usize) -> BoundedHtml<'_> {
    // Fewer tags than the limit cannot nest past it.
    if html.bytes().filter(|b| *b == b'<').count() <= max_depth {
        return BoundedHtml {
            html: Cow::Borrowed(html),
            flattened: false,
            elements: html.matches('<').count(),
        };
    }
    let sink = BoundSink {
        max_depth,
        state: RefCell::new(BoundState {
            out: String::with_capacity(html.len()),
            ..BoundState::default()
        }),
    };
    let state = tokenize(html, sink).state.into_inner();
    BoundedHtml {
        html: if state.flattened || state.escaped_raw {
            Cow::Owned(state.out)
        } else {
            Cow::Borrowed(html)
        },
        flattened: state.flattened,
        elements: state.elements,
    }
}

/// Removes control characters from text read from a feed, in every format:
/// C0 controls and DEL go (they can clear a terminal, forge lines, or set
/// its title when a title is printed), except tab and line feed; a carriage
/// return becomes a line feed; C1 controls are windows-1252 punctuation
/// (curly quotes, dashes) that went through a Latin-1 decoder, so they are
/// mapped back as browsers and feedparser do, and dropped when 1252 has no
/// character for them.
pub fn strip_controls(s: &str) -> Cow<'_, str> {
    let bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n');
    if !s.contains(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\u{80}'..='\u{9f}' => {
                let byte = [c as u32 as u8];
                let (decoded, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
                out.extend(decoded.chars().filter(|d| !d.is_control()));
            }
            c if bad(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn clean(html: &str, base: Option<&Url>) -> String {
    thread_local! {
        static BUILDER: RefCell<ammonia::Builder<'static>> = RefCell::new(reader_pane_policy());
    }
    BUILDER.with(|b| {
        let mut b = b.borrow_mut();
        b.url_relative(match base {
            Some(u) => UrlRelative::RewriteWithBase(u.clone()),
            None => UrlRelative::PassThrough,
        });
        b.clean(html).to_string()
    })
}

/// The reader pane's policy: ammonia's defaults (which already exclude
/// scripts, styles, forms, iframes, SVG, MathML and every `on*` attribute),
/// narrowed to web and mail links.
fn reader_pane_policy() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .rm_tags(["area", "map"]);
    b
}

/// Plain text of an HTML fragment: tags dropped, character references
/// decoded, `<script>`/`<style>` content dropped, ASCII whitespace collapsed
/// to single spaces (a no-break space stays what it is).
pub fn html_to_text(html: &str) -> String {
    if !html.contains(['<', '&']) {
        return collapse(html);
    }
    let text = tokenize(html, TextSink::default()).out.take();
    collapse(&text)
}

/// Runs html5ever's tokenizer over the whole of `html` into `sink` and
/// hands the sink back with what it gathered. The sinks here never ask to
/// stop or to run a script, so the feed always reaches the end.
pub(crate) fn tokenize<S: TokenSink>(html: &str, sink: S) -> S {
    let tok = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(html.into());
    let _ = tok.feed(&input);
    tok.end();
    tok.sink
}

/// At most the first `max` bytes of `s`, cut on a character boundary.
pub(crate) fn prefix(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[derive(Default)]
struct BoundState {
    out: String,
    /// Open elements as a tree builder would have them.
    open: Vec<Open>,
    /// Formatting elements (`<b>`, `<a>` …) closed only implicitly: a tree
    /// builder re-opens them inside the next block, so they count towards
    /// the depth. By their tag and attributes, at most three of a kind, as
    /// the HTML standard keeps them ("Noah's Ark").
    lingering: HashMap<String, HashMap<String, u8>>,
    lingering_total: usize,
    /// Inside raw text (`<script>`, `<style>` …): whether to write it.
    raw: Option<bool>,
    /// Raw text held a `<`, escaped in the output, which therefore differs
    /// from the input even when nothing was flattened.
    escaped_raw: bool,
    /// Inside `<title>` or `<textarea>`, read as text.
    rcdata: bool,
    flattened: bool,
    elements: usize,
}

struct Open {
    name: html5ever::LocalName,
    /// Whether its start tag was written (false when dropped, or implied).
    written: bool,
    /// For a formatting element: its tag and attributes.
    formatting: Option<String>,
}

struct BoundSink {
    max_depth: usize,
    state: RefCell<BoundState>,
}

/// Elements that never have content or an end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// The formatting elements of the HTML standard, which a tree builder
/// re-opens when they are closed out of order.
fn is_formatting(name: &str) -> bool {
    matches!(
        name,
        "a" | "b"
            | "big"
            | "code"
            | "em"
            | "font"
            | "i"
            | "nobr"
            | "s"
            | "small"
            | "strike"
            | "strong"
            | "tt"
            | "u"
    )
}

/// Start tags that close an open `<p>`.
fn closes_p(next: &str) -> bool {
    matches!(
        next,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "details"
            | "div"
            | "dl"
            | "dd"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hr"
            | "li"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "table"
            | "ul"
    )
}

/// Whether an open `open` element is closed by the start of a `next` one
/// (the commonest of HTML's implied end tags).
fn closes_sibling(open: &str, next: &str) -> bool {
    match open {
        "p" => closes_p(next),
        "option" | "tr" => open == next,
        "li" => next == "li",
        "dt" | "dd" => matches!(next, "dt" | "dd"),
        "td" | "th" => matches!(next, "td" | "th" | "tr"),
        _ => false,
    }
}

/// How far down the open elements an end tag looks for its start tag;
/// an end tag that matches nothing near the top is dropped, which keeps the
/// pass linear on hostile input (thousands of stray end tags).
const END_TAG_REACH: usize = 16;

impl BoundState {
    /// The depth a tree builder would reach here.
    fn depth(&self) -> usize {
        self.open.len() + self.lingering_total
    }

    fn push(&mut self, name: &str, written: bool, formatting: Option<String>) {
        self.open.push(Open {
            name: html5ever::LocalName::from(name),
            written,
            formatting,
        });
    }

    /// Closes the open elements from `i` up; the formatting ones among
    /// those above `i` linger.
    fn close_from(&mut self, i: usize) {
        for closed in self.open.drain(i + 1..).collect::<Vec<_>>() {
            if let (Some(key), true) = (closed.formatting, closed.written) {
                let n = self
                    .lingering
                    .entry(closed.name.to_string())
                    .or_default()
                    .entry(key)
                    .or_insert(0);
                if *n < 3 {
                    *n += 1;
                    self.lingering_total += 1;
                }
            }
        }
        self.open.truncate(i);
    }

    /// A formatting end tag with nothing open to close: it ends one
    /// lingering element of its name, as a tree builder would.
    fn end_lingering(&mut self, name: &str) {
        let Some(of_name) = self.lingering.get_mut(name) else {
            return;
        };
        if let Some(key) = of_name.keys().next().cloned() {
            if let Some(n) = of_name.get_mut(&key) {
                *n -= 1;
                if *n == 0 {
                    of_name.remove(&key);
                }
            }
            self.lingering_total -= 1;
        }
        if of_name.is_empty() {
            self.lingering.remove(name);
        }
    }

    fn write_tag(&mut self, tag: &Tag) {
        self.out.push('<');
        if tag.kind == TagKind::EndTag {
            self.out.push('/');
        }
        self.out.push_str(&tag.name);
        if tag.kind == TagKind::StartTag {
            for a in &tag.attrs {
                self.out.push(' ');
                if let Some(p) = &a.name.prefix {
                    self.out.push_str(p);
                    self.out.push(':');
                }
                self.out.push_str(&a.name.local);
                self.out.push_str("=\"");
                for c in a.value.chars() {
                    match c {
                        '&' => self.out.push_str("&amp;"),
                        '"' => self.out.push_str("&quot;"),
                        c => self.out.push(c),
                    }
                }
                self.out.push('"');
            }
            if tag.self_closing {
                self.out.push_str(" /");
            }
        }
        self.out.push('>');
    }

    fn write_text(&mut self, text: &str) {
        // Raw text is escaped too: inside `<svg>` or `<math>` a `<style>`
        // is no raw-text element, and what this pass took for text would
        // be parsed as markup, unbounded.
        if self.raw == Some(false) {
            return;
        }
        if (self.raw.is_some() || self.rcdata) && text.contains('<') {
            self.escaped_raw = true;
        }
        for c in text.chars() {
            match c {
                '&' => self.out.push_str("&amp;"),
                '<' => self.out.push_str("&lt;"),
                '>' => self.out.push_str("&gt;"),
                c => self.out.push(c),
            }
        }
    }
}

impl TokenSink for BoundSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut st = self.state.borrow_mut();
        match token {
            Token::CharacterTokens(t) => st.write_text(&t),
            Token::NullCharacterToken => st.write_text("\u{FFFD}"),
            Token::DoctypeToken(d) => {
                let name = d.name.as_deref().unwrap_or("html").to_string();
                st.out.push_str("<!DOCTYPE ");
                st.write_text(&name);
                st.out.push('>');
            }
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => {
                st.elements += 1;
                let name: &str = &tag.name;
                while let Some(open) = st.open.last()
                    && closes_sibling(&open.name, name)
                {
                    let top = st.open.len() - 1;
                    st.close_from(top);
                }
                // The table sections a tree builder adds by itself.
                let top = st.open.last().map(|o| o.name.to_string());
                match (top.as_deref(), name) {
                    (Some("table"), "tr") => st.push("tbody", false, None),
                    (Some("table"), "td" | "th") => {
                        st.push("tbody", false, None);
                        st.push("tr", false, None);
                    }
                    (Some("tbody" | "thead" | "tfoot"), "td" | "th") => st.push("tr", false, None),
                    _ => {}
                }
                let keep = st.depth() < self.max_depth;
                if !keep {
                    st.flattened = true;
                }
                let raw = match name {
                    "script" => Some(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
                    "textarea" | "title" => Some(RawKind::Rcdata),
                    _ => None,
                };
                if keep {
                    st.write_tag(&tag);
                }
                if !is_void(name) && !tag.self_closing {
                    let formatting = is_formatting(name).then(|| {
                        let mut key = name.to_string();
                        for a in &tag.attrs {
                            key.push(' ');
                            key.push_str(&a.name.local);
                            key.push('=');
                            key.push_str(&a.value);
                        }
                        key
                    });
                    st.push(name, keep, formatting);
                }
                if let Some(kind) = raw {
                    // Raw text is kept (escaped) only when its element is;
                    // RCDATA is text anyway.
                    st.raw = match kind {
                        RawKind::Rcdata => None,
                        _ => Some(keep),
                    };
                    st.rcdata = kind == RawKind::Rcdata;
                    return TokenSinkResult::RawData(kind);
                }
            }
            Token::TagToken(tag) => {
                st.raw = None;
                st.rcdata = false;
                let reach = st.open.len().saturating_sub(END_TAG_REACH);
                let found = st.open[reach..]
                    .iter()
                    .rposition(|o| o.name == tag.name)
                    .map(|i| i + reach);
                let formatting = is_formatting(&tag.name);
                match found {
                    // A formatting element closed out of order: a tree
                    // builder moves what is open inside it rather than
                    // closing it (the "adoption agency"), so that stays open.
                    Some(i) if formatting && i + 1 < st.open.len() => {
                        let closed = st.open.remove(i);
                        if closed.written {
                            st.write_tag(&tag);
                        }
                    }
                    Some(i) => {
                        let written = st.open[i].written;
                        st.close_from(i);
                        if written {
                            st.write_tag(&tag);
                        }
                    }
                    None => {
                        if formatting {
                            st.end_lingering(&tag.name);
                        }
                        // A stray end tag: harmless to pass on when shallow.
                        if st.depth() < self.max_depth {
                            st.write_tag(&tag);
                        } else {
                            st.flattened = true;
                        }
                    }
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_ascii_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

#[derive(Default)]
struct TextSink {
    out: RefCell<String>,
    /// Inside `<script>` or `<style>`, whose text is not content.
    skipping: RefCell<bool>,
}

impl TokenSink for TextSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::CharacterTokens(t) if !*self.skipping.borrow() => {
                self.out.borrow_mut().push_str(&t);
            }
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                match tag.kind {
                    TagKind::StartTag => match name {
                        "script" => {
                            *self.skipping.borrow_mut() = true;
                            return TokenSinkResult::RawData(RawKind::ScriptData);
                        }
                        "style" => {
                            *self.skipping.borrow_mut() = true;
                            return TokenSinkResult::RawData(RawKind::Rawtext);
                        }
                        "textarea" | "title" => return TokenSinkResult::RawData(RawKind::Rcdata),
                        _ if is_break(name) => self.out.borrow_mut().push(' '),
                        _ => {}
                    },
                    TagKind::EndTag => {
                        if matches!(name, "script" | "style") {
                            *self.skipping.borrow_mut() = false;
                        } else if is_break(name) {
                            self.out.borrow_mut().push(' ');
                        }
                    }
                }
            }
            Token::NullCharacterToken => self.out.borrow_mut().push('\u{FFFD}'),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Elements whose edges separate words: `a<br>b` reads "a b", not "ab".
fn is_break(name: &str) -> bool {
    matches!(
        name,
        "br" | "p"
            | "div"
            | "li"
            | "ul"
            | "ol"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "pre"
            | "hr"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "figure"
            | "figcaption"
            | "dd"
            | "dt"
            | "img"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_frames_are_removed() {
        let dirty = r#"<p onclick="steal()">Hi<script>alert(1)</script></p>
            <a href="javascript:alert(1)">x</a><iframe src="https://evil.example/"></iframe>
            <form action="https://evil.example/"><input name=q></form>
            <svg><script>alert(1)</script></svg><math><mi>x</mi></math>
            <meta http-equiv="refresh" content="0;url=https://evil.example/">
            <style>body{background:url(https://tracker.example/)}</style>
            <div style="background:url(https://tracker.example/)">styled</div>"#;
        let clean = sanitize_html(dirty, None);
        for bad in [
            "onclick",
            "script",
            "javascript:",
            "iframe",
            "form",
            "input",
            "svg",
            "math",
            "meta",
            "style=",
            "<style",
            "tracker",
        ] {
            assert!(!clean.contains(bad), "{bad} survived in {clean}");
        }
        assert!(clean.contains("<p>Hi</p>"));
        assert!(clean.contains("styled"));
    }

    #[test]
    fn relative_links_and_images_resolve_against_the_base() {
        let base = Url::parse("https://asiaplustj.info/ru/news/").unwrap();
        let clean = sanitize_html(
            r#"<a href="/ru/x">x</a><img src="img/1.jpg" alt="a">"#,
            Some(&base),
        );
        assert!(
            clean.contains(r#"href="https://asiaplustj.info/ru/x""#),
            "{clean}"
        );
        assert!(
            clean.contains(r#"src="https://asiaplustj.info/ru/news/img/1.jpg""#),
            "{clean}"
        );
        assert!(clean.contains(r#"rel="noopener noreferrer nofollow""#));
    }

    #[test]
    fn text_decodes_entities_and_drops_markup() {
        assert_eq!(
            html_to_text("AT&amp;T &mdash; <b>bold</b><br>next&nbsp;line"),
            "AT&T — bold next\u{a0}line"
        );
        assert_eq!(
            html_to_text("<p>a</p><script>var x = '<p>';</script><p>b</p>"),
            "a b"
        );
        assert_eq!(html_to_text("1 < 2 and 3 > 2"), "1 < 2 and 3 > 2");
        assert_eq!(html_to_text("  plain\n text  "), "plain text");
        assert_eq!(
            html_to_text("testing &doesnotexist; entity"),
            "testing &doesnotexist; entity"
        );
    }
}
