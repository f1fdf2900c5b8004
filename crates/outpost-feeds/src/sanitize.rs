//! Feed HTML made safe for the reader pane, and plain text made from HTML.
//!
//! Feed HTML is untrusted (SECURITY.md). `sanitize_html` keeps the
//! structure a reader needs (paragraphs, lists, links, images, tables) and
//! drops everything that runs code or loads resources on its own: scripts,
//! event handlers, `javascript:` URLs, forms, iframes, SVG/MathML, `<meta>`,
//! `<style>` and `style` attributes. `<img src>` is kept so the UI can decide
//! whether remote images load (they are off by default).

use std::cell::RefCell;
use std::collections::HashSet;

use ammonia::UrlRelative;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use url::Url;

/// Sanitises feed HTML with ammonia, resolving relative links and image
/// sources against `base` when given.
pub fn sanitize_html(html: &str, base: Option<&Url>) -> String {
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
    let sink = TextSink::default();
    let tok = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(html.into());
    let _ = tok.feed(&input);
    tok.end();
    let text = tok.sink.out.take();
    collapse(&text)
}

/// At most the first `max` bytes of `s`, cut on a character boundary.
pub(crate) fn prefix(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
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
