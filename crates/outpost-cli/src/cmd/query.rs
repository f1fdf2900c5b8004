//! `outpost query`: work with watchlist queries without a database.

use std::process::ExitCode;

use clap::Subcommand;
use outpost_core::query::Query;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: QueryCommand,
}

#[derive(Debug, Subcommand)]
enum QueryCommand {
    /// Parse a query and print its parsed form; exit 2 with the column of
    /// the first error when it is invalid
    Check {
        /// The query, e.g. '"Tajik-Afghan border" OR (attack* NEAR/3 границ*) -drill'
        #[arg(allow_hyphen_values = true)]
        query: String,
    },
}

pub fn run(_ctx: &Ctx, args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        QueryCommand::Check { query } => Ok(check(&query)),
    }
}

fn check(text: &str) -> ExitCode {
    match Query::parse(text) {
        Ok(query) => {
            println!("{}", super::safe(&query.to_string()));
            // One more line per term that has spelling variants (after the
            // parsed form, which scripts read as the first line).
            for t in query.term_variants(&[]) {
                let star = if t.prefix { "*" } else { "" };
                if t.exact {
                    println!("  ={}{star}: exact, no variants", super::safe(&t.term));
                    continue;
                }
                if t.variants.is_empty() {
                    continue;
                }
                let shown: Vec<String> = t
                    .variants
                    .iter()
                    .map(|v| {
                        let gate = if v.gated { " (with context)" } else { "" };
                        format!("{}{star}{gate}", v.text)
                    })
                    .collect();
                println!(
                    "  {}{star} → {}",
                    super::safe(&t.term),
                    super::safe(&shown.join(", "))
                );
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{}", super::safe_multiline(&err.to_string()));
            ExitCode::from(2)
        }
    }
}
