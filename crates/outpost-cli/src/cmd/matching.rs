//! `outpost match`: match one query against an article read from stdin, or
//! a file of watchlists against a file of articles.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use outpost_core::Span;
use outpost_core::matcher::{Document, Matcher};
use outpost_core::query::Query;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The query to match; the article's body is read from stdin
    #[arg(
        long,
        value_name = "QUERY",
        allow_hyphen_values = true,
        conflicts_with_all = ["watchlists", "articles"]
    )]
    query: Option<String>,
    /// The article's title
    #[arg(long, value_name = "T", allow_hyphen_values = true, requires = "query")]
    title: Option<String>,
    /// The article's language code, e.g. ru or fa-AF
    #[arg(long, value_name = "L", requires = "query")]
    lang: Option<String>,
    /// The article's source name or host
    #[arg(long, value_name = "S", requires = "query")]
    source: Option<String>,
    /// JSON Lines of watchlists: {"id": "...", "query": "..."}
    #[arg(long, value_name = "W.jsonl", requires = "articles")]
    watchlists: Option<PathBuf>,
    /// JSON Lines of articles: {"id", "title", "body", "lang", "source"}
    #[arg(long, value_name = "A.jsonl", requires = "watchlists")]
    articles: Option<PathBuf>,
}

pub fn run(_ctx: &Ctx, args: Args) -> anyhow::Result<ExitCode> {
    match (&args.query, &args.watchlists, &args.articles) {
        (Some(query), _, _) => single(query, &args),
        (None, Some(watchlists), Some(articles)) => batch(watchlists, articles),
        _ => {
            eprintln!(
                "error: expected --query QUERY (the body on stdin), or --watchlists W.jsonl --articles A.jsonl \
                 (see 'outpost match --help')"
            );
            Ok(ExitCode::from(2))
        }
    }
}

#[derive(Serialize)]
struct SingleResult<'a> {
    matched: bool,
    spans: &'a [Span],
}

fn single(text: &str, args: &Args) -> anyhow::Result<ExitCode> {
    let query = match Query::parse(text) {
        Ok(query) => query.with_variants(&[]),
        Err(err) => {
            eprintln!("{}", super::safe_multiline(&err.to_string()));
            return Ok(ExitCode::from(2));
        }
    };
    let mut body = String::new();
    std::io::stdin()
        .read_to_string(&mut body)
        .context("reading the article body from stdin (it must be UTF-8 text)")?;
    let doc = Document {
        title: args.title.as_deref().unwrap_or(""),
        body: &body,
        lang: args.lang.as_deref(),
        source: args.source.as_deref(),
    };
    let spans = query.matches(&doc);
    let result = SingleResult {
        matched: spans.is_some(),
        spans: spans.as_deref().unwrap_or(&[]),
    };
    println!("{}", super::json_text(&serde_json::to_string(&result)?));
    Ok(ExitCode::SUCCESS)
}

#[derive(Deserialize)]
struct WatchlistLine {
    id: Value,
    query: String,
}

#[derive(Deserialize)]
struct ArticleLine {
    id: Value,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

#[derive(Serialize)]
struct HitLine<'a> {
    article: &'a Value,
    watchlist: &'a Value,
}

/// Calls `f` with each non-blank line of a JSON Lines file and its 1-based
/// line number.
fn for_each_line(
    path: &Path,
    mut f: impl FnMut(usize, &str) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("reading {} line {}", path.display(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        f(i + 1, &line)?;
    }
    Ok(())
}

fn batch(watchlists_path: &Path, articles_path: &Path) -> anyhow::Result<ExitCode> {
    let mut ids: Vec<Value> = Vec::new();
    let mut queries: Vec<(i64, Query)> = Vec::new();
    let mut invalid = false;
    for_each_line(watchlists_path, |number, line| {
        let w: WatchlistLine = serde_json::from_str(line).with_context(|| {
            format!(
                "{} line {number}: expected {{\"id\": \"...\", \"query\": \"...\"}}",
                watchlists_path.display()
            )
        })?;
        match Query::parse(&w.query) {
            Ok(query) => {
                queries.push((ids.len() as i64, query.with_variants(&[])));
                ids.push(w.id);
            }
            Err(err) => {
                eprintln!(
                    "{} line {number} (watchlist {}): {}",
                    watchlists_path.display(),
                    super::safe(&w.id.to_string()),
                    super::safe(&err.to_string())
                );
                invalid = true;
            }
        }
        Ok(())
    })?;
    if invalid {
        return Ok(ExitCode::from(2));
    }
    let started = Instant::now();
    let watchlist_count = queries.len();
    let matcher = Matcher::new(queries);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let (mut articles, mut hits, mut matched_articles) = (0usize, 0usize, 0usize);
    for_each_line(articles_path, |number, line| {
        let a: ArticleLine = serde_json::from_str(line).with_context(|| {
            format!(
                "{} line {number}: expected {{\"id\", \"title\", \"body\", \"lang\", \"source\"}}",
                articles_path.display()
            )
        })?;
        let doc = Document {
            title: a.title.as_deref().unwrap_or(""),
            body: a.body.as_deref().unwrap_or(""),
            lang: a.lang.as_deref(),
            source: a.source.as_deref(),
        };
        let found = matcher.match_document(&doc);
        articles += 1;
        hits += found.len();
        matched_articles += usize::from(!found.is_empty());
        for hit in found {
            let line = HitLine {
                article: &a.id,
                watchlist: &ids[hit.watchlist as usize],
            };
            let json = serde_json::to_string(&line)?;
            out.write_all(super::json_text(&json).as_bytes())?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })?;
    out.flush().context("writing matches to stdout")?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "{articles} articles, {watchlist_count} watchlists: {hits} hits in {matched_articles} articles \
         ({seconds:.2} s, {:.0} articles/s)",
        articles as f64 / seconds.max(1e-9)
    );
    Ok(ExitCode::SUCCESS)
}
