//! `outpost alerts`: list and triage.

use std::process::ExitCode;

use clap::Subcommand;
use outpost_core::{AlertFilter, AlertState};

use super::{Ctx, print_json, safe, short_time};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List alerts, newest first
    List {
        #[arg(long)]
        json: bool,
        #[arg(long)]
        watchlist: Option<i64>,
        /// new, read, saved or dismissed
        #[arg(long)]
        state: Option<AlertState>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Set an alert's triage state
    Mark {
        id: i64,
        /// read, saved or dismissed (or new)
        #[arg(long)]
        state: AlertState,
    },
    /// Set an alert's note
    Note { id: i64, text: String },
    /// Tag an alert
    Tag { id: i64, tag: String },
}

pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitCode> {
    let engine = match args.command {
        Command::List { .. } => ctx.read_engine()?,
        _ => ctx.existing_engine()?,
    };
    match args.command {
        Command::List {
            json,
            watchlist,
            state,
            limit,
        } => {
            let filter = AlertFilter {
                watchlist,
                state,
                limit,
                ..AlertFilter::default()
            };
            let alerts = engine.alerts(&filter)?;
            if json {
                print_json(&alerts)?;
            } else if alerts.is_empty() {
                println!("No alerts.");
            } else {
                for a in alerts {
                    let sources = if a.story_sources > 1 {
                        format!(" · {} sources", a.story_sources)
                    } else {
                        String::new()
                    };
                    println!(
                        "{:>5}  {:<9}  {:<8}  {}  [{}] {}{}\n       {} — {}",
                        a.id,
                        a.state,
                        a.severity,
                        short_time(Some(a.created_at)),
                        safe(&a.watchlist_name),
                        safe(&a.title),
                        sources,
                        safe(&a.source_name.unwrap_or_default()),
                        safe(&a.url.unwrap_or_default())
                    );
                }
            }
        }
        Command::Mark { id, state } => {
            super::runtime()?.block_on(outpost_engine::api::set_alert_state(&engine, id, state))?;
            println!("alert {id} is now {state}");
            if state == AlertState::Saved {
                let article = engine.alert(id)?.article_id;
                match engine.snapshot(article)? {
                    Some(s) if s.error.is_none() => {
                        println!(
                            "captured {} (sha256 {})",
                            safe(&s.final_url.unwrap_or_default()),
                            s.sha256.unwrap_or_default()
                        )
                    }
                    Some(s) => eprintln!(
                        "note: the page could not be captured ({}); the feed text is kept",
                        safe(&s.error.unwrap_or_default())
                    ),
                    None => {}
                }
            }
        }
        Command::Note { id, text } => {
            engine.set_alert_note(id, &text)?;
            println!("noted alert {id}");
        }
        Command::Tag { id, tag } => {
            engine.add_alert_tag(id, &tag)?;
            println!("tagged alert {id} with '{}'", safe(&tag));
        }
    }
    Ok(ExitCode::SUCCESS)
}
