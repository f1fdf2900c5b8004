//! `outpost prune`: apply the retention window now and print what went.

use std::process::ExitCode;

use outpost_engine::PruneReport;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Count what would be removed without deleting anything
    #[arg(long)]
    dry_run: bool,
    /// Print the report as JSON
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitCode> {
    let engine = ctx.quiet_engine()?;
    let report = engine.prune(args.dry_run)?;
    if args.json {
        super::print_json(&report)?;
    } else {
        print_report(&report);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(r: &PruneReport) {
    let verb = if r.dry_run { "would remove" } else { "removed" };
    println!(
        "retention {} days (articles dated before {}): {verb} {} articles, {} index rows, {} stories, {} removed sources, {} fetch-log entries",
        r.retention_days,
        r.cutoff.format("%Y-%m-%d %H:%M UTC"),
        r.articles,
        r.index_rows,
        r.stories,
        r.sources,
        r.fetch_log
    );
    if r.dry_run {
        println!("dry run: nothing was deleted");
    }
}
