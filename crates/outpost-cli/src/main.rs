//! `outpost`: the headless command-line face of Outpost's engine.
//!
//! This file only parses arguments and dispatches; each subcommand lives in
//! its own module under `cmd/` and owns its argument struct.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// Watch regional security news: poll sources, match watchlists, alert.
#[derive(Debug, Parser)]
#[command(name = "outpost", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// The archive database [default: outpost.db in the platform data directory]
    #[arg(long, global = true, env = "OUTPOST_DB", value_name = "PATH")]
    db: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse a feed file and print it as JSON
    Parse(cmd::parse::Args),
    /// Check a watchlist query's syntax
    Query(cmd::query::Args),
    /// Match a query or watchlists against articles
    Match(cmd::matching::Args),
    /// Manage sources
    Sources(cmd::sources::Args),
    /// List and show stored articles
    Articles(cmd::articles::Args),
    /// Poll due sources: fetch, store, match, alert
    Poll(cmd::poll::Args),
    /// Full-text search of the archive
    Search(cmd::search::Args),
    /// Manage watchlists
    Watchlists(cmd::watchlists::Args),
    /// List and triage alerts
    Alerts(cmd::alerts::Args),
    /// Export saved articles or alerts
    Export(cmd::export::Args),
    /// Make a consistent copy of the database, also while the app runs
    Backup(cmd::backup::Args),
    /// Delete articles older than the retention window (saved and alerted stay)
    Prune(cmd::prune::Args),
    /// Replay publish-time traces against the scheduler
    Schedule(cmd::schedule::Args),
    /// Split a report out of its story, or join two stories
    Stories(cmd::stories::Args),
}

fn main() -> ExitCode {
    // `outpost sources list | head` should stop quietly when the reader
    // goes away, as command-line tools do, not panic on a broken pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any other
    // thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return cmd::clap_exit(err),
    };
    init_logging();
    let ctx = cmd::Ctx::new(cli.db);
    let result = match cli.command {
        Command::Parse(a) => cmd::parse::run(&ctx, a),
        Command::Query(a) => cmd::query::run(&ctx, a),
        Command::Match(a) => cmd::matching::run(&ctx, a),
        Command::Sources(a) => cmd::sources::run(&ctx, a),
        Command::Articles(a) => cmd::articles::run(&ctx, a),
        Command::Poll(a) => cmd::poll::run(&ctx, a),
        Command::Search(a) => cmd::search::run(&ctx, a),
        Command::Watchlists(a) => cmd::watchlists::run(&ctx, a),
        Command::Alerts(a) => cmd::alerts::run(&ctx, a),
        Command::Export(a) => cmd::export::run(&ctx, a),
        Command::Backup(a) => cmd::backup::run(&ctx, a),
        Command::Prune(a) => cmd::prune::run(&ctx, a),
        Command::Schedule(a) => cmd::schedule::run(a),
        Command::Stories(a) => cmd::stories::run(&ctx, a),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", cmd::error_line(&err));
            ExitCode::from(1)
        }
    }
}

/// Logs to stderr at `info` unless `RUST_LOG` says otherwise, so a
/// continuous `outpost poll` shows one line per cycle and each failure
/// (Hardening 2, item 13). Colour only on a terminal; stdout stays for the
/// commands' own output.
fn init_logging() {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}
