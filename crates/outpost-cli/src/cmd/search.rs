//! `outpost search`: full-text search of the archive.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use outpost_engine::Engine;
use outpost_engine::dates::{Bound, parse_date};
use outpost_store::{SearchHit, SearchOrder, SearchQuery};

use super::{Ctx, safe};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to find: words, "phrases", prefix*, A NEAR/5 B, A OR B, NOT A / -A, ( … ), title:word
    #[arg(required = true, value_name = "QUERY")]
    query: Vec<String>,

    /// Print the hits as a JSON array
    #[arg(long)]
    json: bool,

    /// How many hits to show
    #[arg(long, short = 'n', default_value_t = 20, value_name = "N")]
    limit: u32,

    /// Skip this many hits (for paging)
    #[arg(long, default_value_t = 0, value_name = "N")]
    offset: u32,

    /// Only articles published on or after DATE (YYYY-MM-DD or RFC 3339)
    #[arg(long, value_name = "DATE")]
    since: Option<String>,

    /// Only articles published on or before DATE (YYYY-MM-DD or RFC 3339)
    #[arg(long, value_name = "DATE")]
    until: Option<String>,

    /// Only articles from this source (id or name; repeatable)
    #[arg(long = "source", value_name = "SOURCE")]
    sources: Vec<String>,

    /// Only articles in this language (code such as ru, fa, en; repeatable)
    #[arg(long = "lang", value_name = "LANG")]
    langs: Vec<String>,

    /// Most recently archived first instead of best match first
    #[arg(long)]
    newest: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitCode> {
    let since = args
        .since
        .as_deref()
        .map(|s| parse_date(s, Bound::Since).context("--since"))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|s| parse_date(s, Bound::Until).context("--until"))
        .transpose()?;
    let engine = ctx.read_engine()?;
    let sources = resolve_sources(&engine, &args.sources)?;
    let query = SearchQuery {
        text: args.query.join(" "),
        sources,
        langs: args.langs.clone(),
        since,
        until,
        limit: args.limit.max(1),
        offset: args.offset,
        order: if args.newest {
            SearchOrder::Newest
        } else {
            SearchOrder::Ranked
        },
    };
    let hits = engine.search(&query)?;

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        let json = serde_json::to_string_pretty(&hits)?;
        writeln!(out, "{}", super::json_text(&json))?;
        return Ok(ExitCode::SUCCESS);
    }
    if hits.is_empty() {
        writeln!(out, "No articles match '{}'.", safe(&query.text))?;
        return Ok(ExitCode::SUCCESS);
    }
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for hit in &hits {
        print_hit(&mut out, hit, color)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Sources may be named by id or by name (case-insensitive).
fn resolve_sources(engine: &Engine, given: &[String]) -> anyhow::Result<Vec<i64>> {
    if given.is_empty() {
        return Ok(Vec::new());
    }
    let all = engine.sources()?;
    given
        .iter()
        .map(|g| {
            all.iter()
                .find(|s| g.parse::<i64>().ok() == Some(s.id) || s.name.eq_ignore_ascii_case(g))
                .map(|s| s.id)
                .with_context(|| {
                    format!(
                        "there is no source '{g}'; 'outpost sources list' shows their ids and names"
                    )
                })
        })
        .collect()
}

fn print_hit(out: &mut impl Write, hit: &SearchHit, color: bool) -> std::io::Result<()> {
    let date = hit
        .published
        .unwrap_or(hit.fetched_at)
        .format("%Y-%m-%d %H:%M");
    let source = safe(hit.source_name.as_deref().unwrap_or("(unknown source)"));
    writeln!(
        out,
        "{date}  {source}  {}",
        terminal_text(&hit.title_html, color)
    )?;
    if !hit.snippet.is_empty() {
        // The snippet is cut from the text as written; its line breaks
        // become spaces so it stays one indented line.
        let snippet = hit.snippet.replace(['\n', '\r', '\t'], " ");
        writeln!(out, "    {}", terminal_text(&snippet, color))?;
    }
    if let Some(url) = &hit.url {
        writeln!(out, "    {}", safe(url))?;
    }
    writeln!(out)
}

/// Turns the store's snippet HTML (escaped text plus `<mark>`) into terminal
/// text: marks become bold yellow on a terminal and `[…]` elsewhere. The
/// store escapes exactly these five characters, nothing else. Control
/// characters from the feed are escaped first, so only the marks' own
/// colour codes reach the terminal.
fn terminal_text(html: &str, color: bool) -> String {
    let (open, close) = if color {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    safe(html)
        .replace("<mark>", open)
        .replace("</mark>", close)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
