//! `outpost poll`: fetch due sources, store, match, alert, notify.

use std::process::ExitCode;
use std::sync::Arc;

use outpost_engine::{EngineEvent, EventSink, PollSummary};

use super::{Ctx, ProgressLine, runtime};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Poll every due source once, print a summary and exit
    #[arg(long)]
    once: bool,
    /// With --once: poll this source now, due or not (repeatable)
    #[arg(
        long = "source",
        value_name = "ID",
        requires = "once",
        conflicts_with = "all"
    )]
    sources: Vec<i64>,
    /// With --once: poll every enabled source now, due or not
    #[arg(long, requires = "once")]
    all: bool,
    /// Do not send desktop notifications (alerts are still stored)
    #[arg(long)]
    no_notify: bool,
    /// Print the summary as JSON (with --once)
    #[arg(long)]
    json: bool,
    /// For the memory benchmark (bench/idle): poll N cycles back to back on
    /// a fast clock, an hour ahead at each, so every source is due every
    /// cycle; print this process's memory now and then, then exit.
    #[arg(long, hide = true, value_name = "N", conflicts_with = "once")]
    bench_cycles: Option<u32>,
}

struct Progress(ProgressLine);

impl EventSink for Progress {
    fn emit(&self, event: EngineEvent) {
        if let EngineEvent::PollProgress(p) = event {
            self.0
                .update(u64::from(p.done), u64::from(p.total), p.current.as_deref());
        }
    }
}

pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitCode> {
    if let Some(cycles) = args.bench_cycles {
        return bench_cycles(ctx, cycles);
    }
    let progress = Arc::new(Progress(ProgressLine::new("polling")));
    let engine = ctx.engine(!args.no_notify, progress.clone())?;
    let rt = runtime()?;
    if args.once {
        let summary = if args.all {
            rt.block_on(engine.poll_all())?
        } else if !args.sources.is_empty() {
            rt.block_on(engine.poll(Some(args.sources)))?
        } else {
            rt.block_on(engine.poll(None))?
        };
        progress.0.finish();
        if args.json {
            super::print_json(&summary)?;
        } else {
            print_summary(&summary);
        }
        let reason = summary.notification_error.clone().or_else(|| {
            (!args.no_notify && summary.notifications == 0 && summary.alerts > 0)
                .then(|| engine.notification_status().reason)
                .flatten()
        });
        if let Some(reason) = reason {
            eprintln!("note: {reason}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "polling {} until interrupted (Ctrl-C)",
        ctx.db_path.display()
    );
    // Retention runs beside the scheduler: on start, then hourly.
    rt.spawn(engine.clone().run_retention(std::future::pending()));
    rt.block_on(engine.run_scheduler(shutdown_signal()));
    progress.0.finish();
    eprintln!("stopped; everything fetched is stored");
    Ok(ExitCode::SUCCESS)
}

/// `--bench-cycles N`: the engine's clock runs an hour ahead per cycle, so
/// a thousand cycles of a day's polling take minutes; after each of a few
/// chosen cycles one line `cycle C: rss KB kB, pss KB kB, sqlite KB kB`
/// goes to stdout (sqlite: what SQLite holds, its page caches included).
fn bench_cycles(ctx: &Ctx, cycles: u32) -> anyhow::Result<ExitCode> {
    use std::sync::atomic::{AtomicI64, Ordering};
    let ahead = Arc::new(AtomicI64::new(0));
    let clock: outpost_engine::Clock = {
        let ahead = Arc::clone(&ahead);
        Arc::new(move || {
            chrono::Utc::now() + chrono::Duration::seconds(ahead.load(Ordering::Relaxed))
        })
    };
    let engine = ctx.engine_on_clock(false, Arc::new(outpost_engine::NoEvents), clock)?;
    let rt = runtime()?;
    let mut articles = 0u64;
    for cycle in 1..=cycles {
        ahead.fetch_add(3600, Ordering::Relaxed);
        let s = rt.block_on(engine.poll(None))?;
        articles += u64::from(s.new_articles);
        if cycle == 1 || cycle == cycles || cycle % 100 == 0 || cycle == 10 {
            let (rss, pss) = own_memory_kb();
            let sqlite = outpost_store::sqlite_memory_used() / 1024;
            println!(
                "cycle {cycle}: rss {rss} kB, pss {pss} kB, sqlite {sqlite} kB, sources {}, new articles so far {articles}",
                s.sources
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// This process's resident and proportional set sizes, from Linux's
/// /proc/self/smaps_rollup (zeros elsewhere).
fn own_memory_kb() -> (u64, u64) {
    let text = std::fs::read_to_string("/proc/self/smaps_rollup").unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("Rss:"), field("Pss:"))
}

fn print_summary(s: &PollSummary) {
    println!(
        "polled {} sources: {} ok, {} not modified, {} failed; {} new articles, {} updated; {} alerts, {} notifications",
        s.sources,
        s.ok,
        s.not_modified,
        s.failed,
        s.new_articles,
        s.updated_articles,
        s.alerts,
        s.notifications
    );
    // Only when there were any, so the line scripts read stays as it was.
    if s.skipped_old > 0 {
        println!(
            "skipped {} items older than the retention window",
            s.skipped_old
        );
    }
    for e in &s.errors {
        eprintln!("  failed: {}", super::safe(e));
    }
}

/// Resolves on Ctrl-C or SIGTERM; the scheduler finishes the cycle's
/// writes (each source's ingest is one transaction) before returning.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
