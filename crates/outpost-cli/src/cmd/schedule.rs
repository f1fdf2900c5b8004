//! `outpost schedule simulate`: replays publish-time traces against the
//! scheduler's next-check rule with a virtual clock.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::Duration;
use clap::Subcommand;
use outpost_core::schedule::simulate::{Mode, Report, Trace, simulate};

use super::print_json;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Replay publish-time traces (one JSON object a line: {"source": "ID",
    /// "published": ["RFC 3339", …]}) and print the latency from publication
    /// to the first check that saw each item, and the checks made
    Simulate {
        trace: PathBuf,
        /// Check every source at this fixed interval instead (the
        /// baseline): seconds, or 15m, 1h
        #[arg(long, value_parser = parse_seconds)]
        fixed: Option<u32>,
        /// Checks per hour the adaptive rule may make [default: what a
        /// fixed 15-minute schedule makes for the same sources]
        #[arg(long)]
        budget: Option<f64>,
        /// Hours at the start that are replayed but not measured
        #[arg(long, default_value_t = 24)]
        warmup: u32,
        /// Seed of the jitter
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Simulate {
            trace,
            fixed,
            budget,
            warmup,
            seed,
            json,
        } => {
            let traces = read_traces(&trace)?;
            let mode = match fixed {
                Some(secs) => Mode::Fixed(Duration::seconds(i64::from(secs))),
                None => Mode::Adaptive {
                    budget_per_hour: budget,
                },
            };
            let report = simulate(&traces, mode, Duration::hours(i64::from(warmup)), seed);
            if json {
                print_json(&report)?;
            } else {
                print_report(&report, fixed);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(r: &Report, fixed: Option<u32>) {
    match (fixed, r.budget_per_hour) {
        (Some(secs), _) => println!("schedule: fixed, every {secs} s"),
        (None, Some(b)) => println!("schedule: adaptive, budget {b:.0} checks per hour"),
        (None, None) => println!("schedule: adaptive"),
    }
    println!("sources: {}", r.sources);
    println!("items: {}", r.items);
    println!("median latency: {:.0} s", r.median_latency_secs);
    println!("p90 latency: {:.0} s", r.p90_latency_secs);
    println!("mean latency: {:.0} s", r.mean_latency_secs);
    println!("requests: {}", r.requests);
    println!("most requests in one hour: {}", r.max_requests_per_hour);
}

#[derive(serde::Deserialize)]
struct TraceLine {
    source: String,
    published: Vec<String>,
    /// The source kind (`feed`, `telegram`, `gdelt`), for its politeness
    /// floor; a feed when absent.
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    priority: bool,
}

/// Reads a trace file; a bad line is an error naming the line.
fn read_traces(path: &PathBuf) -> anyhow::Result<Vec<Trace>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read the trace {}", path.display()))?;
    let mut traces = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let l: TraceLine = serde_json::from_str(line).with_context(|| {
            format!(
                "{}:{}: not a trace line like {{\"source\": \"ID\", \"published\": [\"2026-11-29T08:00:00Z\"]}}",
                path.display(),
                n + 1
            )
        })?;
        let published = l
            .published
            .iter()
            .map(|p| {
                chrono::DateTime::parse_from_rfc3339(p)
                    .map(|t| t.to_utc())
                    .map_err(|e| {
                        anyhow::anyhow!(
                            "{}:{}: '{p}' is not an RFC 3339 time ({e})",
                            path.display(),
                            n + 1
                        )
                    })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        traces.push(Trace {
            source: l.source,
            kind: l.kind.unwrap_or_else(|| "feed".into()),
            priority: l.priority,
            published,
        });
    }
    if traces.is_empty() {
        anyhow::bail!(
            "{} holds no trace lines; write one JSON object a line",
            path.display()
        );
    }
    Ok(traces)
}

/// `--fixed`: plain seconds, or a duration like 15m.
fn parse_seconds(s: &str) -> Result<u32, String> {
    let secs = if s.chars().all(|c| c.is_ascii_digit()) {
        s.parse::<u64>().map_err(|e| e.to_string())?
    } else {
        humantime::parse_duration(s)
            .map_err(|e| format!("'{s}' is not a number of seconds or a duration like 15m ({e})"))?
            .as_secs()
    };
    if !(1..=7 * 24 * 3600).contains(&secs) {
        return Err(format!(
            "'{s}': the interval must be between 1 second and 7 days"
        ));
    }
    Ok(secs as u32)
}
