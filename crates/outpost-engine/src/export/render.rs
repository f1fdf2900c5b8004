//! Rendering an export: CSV (RFC 4180, formula cells defused), JSON, and
//! the Markdown and self-contained HTML reports from their templates.

use super::*;

/// The bytes of an export file.
pub fn render(rows: &[ExportRow], format: ExportFormat, exported_at: Timestamp) -> Result<Vec<u8>> {
    match format {
        ExportFormat::Csv => render_csv(rows),
        ExportFormat::Json => render_json(rows, exported_at),
        ExportFormat::Md => render_template("report.md", rows, exported_at),
        ExportFormat::Html => render_template("report.html", rows, exported_at),
    }
}

/// The CSV header, in column order.
pub const CSV_COLUMNS: [&str; 15] = [
    "title",
    "source",
    "url",
    "published",
    "fetched",
    "language",
    "watchlists",
    "severity",
    "matched terms",
    "state",
    "notes",
    "tags",
    "sha256",
    "hashed_text",
    "capture_error",
];

/// The UTF-8 byte-order mark Excel needs to read a CSV file as UTF-8.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fn render_csv(rows: &[ExportRow]) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(UTF8_BOM.to_vec());
    let fail = |e: csv::Error| EngineError::invalid(format!("could not write the CSV: {e}"));
    w.write_record(CSV_COLUMNS).map_err(fail)?;
    for r in rows {
        let states: Vec<&str> = r.state.iter().map(|s| s.as_str()).collect();
        let record = [
            r.title.clone(),
            r.sources.join("; "),
            r.url.clone().unwrap_or_default(),
            r.published.clone().unwrap_or_default(),
            r.fetched.clone(),
            r.language.clone().unwrap_or_default(),
            r.watchlists.join("; "),
            r.severity
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            r.matched_terms.join("; "),
            states.join("; "),
            r.notes.join("\n"),
            r.tags.join("; "),
            r.sha256.clone(),
            r.hashed_text.as_str().to_string(),
            r.snapshot
                .as_ref()
                .and_then(|s| s.error.clone())
                .unwrap_or_default(),
        ];
        w.write_record(record.iter().map(|c| defuse_formula(c).into_owned()))
            .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| EngineError::invalid(format!("could not write the CSV: {}", e.error())))
}

/// A cell a spreadsheet would take for a formula, made plain text with a
/// leading `'` (the OWASP advice for CSV injection).
pub fn defuse_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[derive(Serialize)]
struct JsonExport<'a> {
    exported_at: String,
    count: usize,
    articles: &'a [ExportRow],
}

fn render_json(rows: &[ExportRow], exported_at: Timestamp) -> Result<Vec<u8>> {
    let doc = JsonExport {
        exported_at: rfc3339(exported_at),
        count: rows.len(),
        articles: rows,
    };
    let mut out = serde_json::to_vec_pretty(&doc)
        .map_err(|e| EngineError::invalid(format!("could not write the JSON: {e}")))?;
    out.push(b'\n');
    Ok(out)
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.add_template("report.html", include_str!("../../templates/report.html"))
        .expect("the HTML report template parses");
    env.add_template("report.md", include_str!("../../templates/report.md"))
        .expect("the Markdown report template parses");
    env.add_filter("md", |s: &str| markdown_escape(s));
    env.add_filter("mdcell", |s: &str| {
        markdown_escape(&s.split_whitespace().collect::<Vec<_>>().join(" "))
    });
    env.add_filter("mdurl", |s: &str| markdown_url(s));
    env.add_filter("href", |s: &str| web_href(s).unwrap_or_default());
    env
}

fn render_template(name: &str, rows: &[ExportRow], exported_at: Timestamp) -> Result<Vec<u8>> {
    let env = environment();
    let template = env
        .get_template(name)
        .expect("the report templates are built in");
    let out = template
        .render(minijinja::context! {
            rows => minijinja::Value::from(minijinja::value::Serde(rows)),
            exported_at => rfc3339(exported_at),
            count => rows.len(),
        })
        .map_err(|e| EngineError::invalid(format!("could not render the {name} export: {e}")))?;
    Ok(out.into_bytes())
}

/// Escapes text so CommonMark (and GitHub's tables) render it literally:
/// the inline markup characters everywhere, and at the start of a line the
/// characters that would begin a heading, list, quote, rule or code block.
/// Leading blanks are dropped, since four of them would start a code block.
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.trim_start();
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        for (j, c) in line.char_indices() {
            let at_start = j == 0;
            let escape = match c {
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '!' => {
                    true
                }
                '-' | '+' | '=' => at_start,
                '.' | ')' => digits > 0 && j == digits,
                _ => false,
            };
            if escape {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// A link for Markdown: an autolink for a plain http(s) URL (exact, no
/// escaping inside), otherwise the escaped text.
fn markdown_url(url: &str) -> String {
    match web_href(url) {
        Some(u) if !u.contains(['<', '>', ' ']) => format!("<{u}>"),
        _ => markdown_escape(url),
    }
}

/// The URL if it is an http(s) address a report may link to; a
/// `javascript:` or other URL from a feed never becomes a link.
fn web_href(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escape_covers_inline_and_line_start_markup() {
        assert_eq!(
            markdown_escape("a|b *c* _d_ [e](f) <g> #h"),
            r"a\|b \*c\* \_d\_ \[e\](f) \<g\> \#h"
        );
        assert_eq!(
            markdown_escape("- item\n+ two\n1. three\n    code\n=== "),
            "\\- item\n\\+ two\n1\\. three\ncode\n\\=== "
        );
        assert_eq!(markdown_escape("2026-11-26 v1.2"), "2026-11-26 v1.2");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(defuse_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse_formula("Хорог"), "Хорог");
    }

    #[test]
    fn only_web_links_are_linked() {
        assert_eq!(web_href("javascript:alert(1)"), None);
        assert_eq!(
            web_href("https://a.example/x?y=1").as_deref(),
            Some("https://a.example/x?y=1")
        );
        assert_eq!(
            markdown_url("https://a.example/a_b"),
            "<https://a.example/a_b>"
        );
    }
}
