//! `outpost articles`: list and show stored articles of every source kind.

use std::process::ExitCode;

use clap::Subcommand;
use outpost_core::Article;
use serde::Serialize;

use super::{Ctx, parse_since, print_json, safe, safe_multiline, short_time};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List articles, newest first
    List {
        /// Only articles this source delivered
        #[arg(long)]
        source: Option<i64>,
        /// Only articles published (else first seen) on or after this date
        #[arg(long, value_parser = parse_since)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        /// How many to list
        #[arg(short = 'n', long = "limit", default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Show one article with its text
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

/// An article as the CLI prints it in JSON (a shape scripts rely on).
#[derive(Serialize)]
struct ArticleJson<'a> {
    id: i64,
    source_id: Option<i64>,
    source: Option<&'a str>,
    url: Option<&'a str>,
    title: &'a str,
    published: Option<String>,
    fetched_at: String,
    lang: Option<&'a str>,
    text: &'a str,
    content_html: &'a str,
    author: Option<String>,
    forwarded_from: Option<&'a str>,
    views: Option<&'a str>,
}

impl<'a> ArticleJson<'a> {
    fn new(a: &'a Article) -> Self {
        let first = a.sources.first();
        ArticleJson {
            id: a.id,
            source_id: first.map(|s| s.source_id),
            source: first.map(|s| s.name.as_str()),
            url: a.url.as_deref(),
            title: &a.title,
            published: a.published.map(|t| t.to_rfc3339()),
            fetched_at: a.fetched_at.to_rfc3339(),
            lang: a.lang.as_deref(),
            text: &a.text,
            content_html: &a.content_html,
            author: (!a.authors.is_empty()).then(|| a.authors.join(", ")),
            forwarded_from: a.extra.forwarded_from.as_deref(),
            views: a.extra.views.as_deref(),
        }
    }
}

pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitCode> {
    let engine = ctx.read_engine()?;
    match args.command {
        Command::List {
            source,
            since,
            limit,
            json,
        } => {
            let list = engine.articles(source, since, limit.clamp(1, 100_000))?;
            if json {
                print_json(&list.iter().map(ArticleJson::new).collect::<Vec<_>>())?;
            } else if list.is_empty() {
                println!("No articles.");
            } else {
                for a in &list {
                    let source: String = a
                        .sources
                        .first()
                        .map(|s| safe(&s.name).chars().take(24).collect())
                        .unwrap_or_default();
                    println!(
                        "{:>6}  {:<16}  {:<24}  {}",
                        a.id,
                        short_time(a.published.or(Some(a.fetched_at))),
                        source,
                        safe(&a.title)
                    );
                }
            }
        }
        Command::Show { id, json } => {
            let a = engine.article(id)?;
            if json {
                print_json(&ArticleJson::new(&a))?;
            } else {
                let j = ArticleJson::new(&a);
                println!("{}", safe(&a.title));
                let field = |name: &str, value: Option<&str>| {
                    if let Some(v) = value.filter(|v| !v.is_empty()) {
                        println!("{name:<15} {}", safe(v));
                    }
                };
                field("id", Some(&a.id.to_string()));
                field("source", j.source);
                field("url", j.url);
                field("published", j.published.as_deref());
                field("fetched", Some(&j.fetched_at));
                field("lang", j.lang);
                field("author", j.author.as_deref());
                field("forwarded from", j.forwarded_from);
                field("views", j.views);
                if !a.text.is_empty() {
                    println!();
                    println!("{}", safe_multiline(&a.text));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
