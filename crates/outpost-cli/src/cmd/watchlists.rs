//! `outpost watchlists`: add, list, edit, remove, export, import.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use outpost_core::{NewWatchlist, Severity, WatchlistPatch};
use outpost_engine::transfer;

use super::{Ctx, print_json, safe};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OnOff {
    On,
    Off,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Add a watchlist
    Add {
        #[arg(long)]
        name: String,
        /// The query, e.g. '"Tajik-Afghan border" OR (Tajik* NEAR/3 Afghan*)'
        #[arg(long)]
        query: String,
        #[arg(long, default_value = "medium")]
        severity: Severity,
        #[arg(long, value_enum, default_value = "on")]
        notify: OnOff,
        /// Only articles in this language; repeat for several
        #[arg(long = "lang")]
        langs: Vec<String>,
        /// Only articles from this source id; repeat for several
        #[arg(long = "source")]
        sources: Vec<i64>,
        #[arg(long)]
        color: Option<String>,
        /// Wait for this many independent sources (outlets) reporting the
        /// story before notifying; 1 notifies at once
        #[arg(long, value_name = "N")]
        min_sources: Option<u32>,
        /// Let critical severity notify without waiting for --min-sources
        #[arg(long, value_enum, value_name = "on|off", num_args = 0..=1, default_missing_value = "on")]
        gate_bypass_critical: Option<OnOff>,
        /// Do not match this spelling variant (as `outpost query check` lists
        /// it); repeat for several
        #[arg(long = "drop-variant", value_name = "VARIANT")]
        drop_variants: Vec<String>,
        /// Also create alerts for matching articles already in the archive
        #[arg(long)]
        backfill: bool,
    },
    /// List watchlists
    List {
        #[arg(long)]
        json: bool,
    },
    /// Change a watchlist
    Edit {
        id: i64,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        query: Option<String>,
        #[arg(long)]
        severity: Option<Severity>,
        #[arg(long, value_enum)]
        notify: Option<OnOff>,
        /// Turn matching off or on without deleting
        #[arg(long, value_enum)]
        enabled: Option<OnOff>,
        /// Wait for this many independent sources (outlets) reporting the
        /// story before notifying; 1 notifies at once
        #[arg(long, value_name = "N")]
        min_sources: Option<u32>,
        /// Let critical severity notify without waiting for --min-sources
        #[arg(long, value_enum, value_name = "on|off", num_args = 0..=1, default_missing_value = "on")]
        gate_bypass_critical: Option<OnOff>,
        /// Do not match this spelling variant (as `outpost query check` lists
        /// it); repeat for several (replaces the dropped list)
        #[arg(long = "drop-variant", value_name = "VARIANT")]
        drop_variants: Vec<String>,
        #[arg(long)]
        backfill: bool,
    },
    /// Remove a watchlist and its alerts; saved, noted or tagged alerts are kept
    Remove {
        id: i64,
        /// Remove it: without this, only say what removal would delete
        #[arg(long)]
        force: bool,
    },
    /// Write all watchlists to a shareable TOML file
    Export {
        file: PathBuf,
        #[arg(long)]
        force: bool,
    },
    /// Read watchlists from a file written by `export`
    Import { file: PathBuf },
}

/// The corroboration gate and dropped variants as a patch; empty when none
/// was given. Variants are normalised as the matcher sees them.
fn gate_patch(
    min_sources: Option<u32>,
    bypass: Option<OnOff>,
    drop_variants: Vec<String>,
) -> WatchlistPatch {
    WatchlistPatch {
        min_sources,
        gate_bypass_critical: bypass.map(|b| b == OnOff::On),
        dropped_variants: (!drop_variants.is_empty()).then(|| {
            drop_variants
                .iter()
                .map(|v| outpost_core::normalize::normalize(v))
                .collect()
        }),
        ..WatchlistPatch::default()
    }
}

pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitCode> {
    let engine = match args.command {
        Command::List { .. } | Command::Export { .. } => ctx.read_engine()?,
        Command::Edit { .. } | Command::Remove { .. } => ctx.existing_engine()?,
        Command::Add { .. } | Command::Import { .. } => ctx.quiet_engine()?,
    };
    match args.command {
        Command::Add {
            name,
            query,
            severity,
            notify,
            langs,
            sources,
            color,
            min_sources,
            gate_bypass_critical,
            drop_variants,
            backfill,
        } => {
            let mut w = engine.add_watchlist(&NewWatchlist {
                name,
                query,
                severity,
                notify: notify == OnOff::On,
                scope_sources: sources,
                scope_langs: langs,
                color,
            })?;
            let gate = gate_patch(min_sources, gate_bypass_critical, drop_variants);
            if gate != WatchlistPatch::default() {
                w = engine.update_watchlist(w.id, &gate)?;
            }
            println!("added watchlist {}: {}", w.id, safe(&w.name));
            if backfill {
                report_backfill(&engine, w.id)?;
            }
        }
        Command::List { json } => {
            let list = outpost_engine::api::list_watchlists(&engine)?;
            if json {
                print_json(&list)?;
            } else if list.is_empty() {
                println!(
                    "No watchlists yet. Add one with: outpost watchlists add --name N --query Q"
                );
            } else {
                for w in list {
                    println!(
                        "{:>4}  {:<8}  notify {:<3}  {:>5} alerts ({} new)  {}\n      {}",
                        w.id,
                        w.severity,
                        if w.notify { "on" } else { "off" },
                        w.alert_count,
                        w.unread_count,
                        safe(&w.name),
                        safe(&w.query)
                    );
                    if w.min_sources > 1 {
                        let bypass = if w.gate_bypass_critical {
                            " (critical does not wait)"
                        } else {
                            ""
                        };
                        println!(
                            "      waits for {} independent sources{bypass}",
                            w.min_sources
                        );
                    }
                    if !w.dropped_variants.is_empty() {
                        println!(
                            "      dropped variants: {}",
                            safe(&w.dropped_variants.join(", "))
                        );
                    }
                    if let Some(problem) = &w.problem {
                        println!("      warning: {problem}");
                    }
                }
            }
        }
        Command::Edit {
            id,
            name,
            query,
            severity,
            notify,
            enabled,
            min_sources,
            gate_bypass_critical,
            drop_variants,
            backfill,
        } => {
            let patch = WatchlistPatch {
                name,
                query,
                severity,
                notify: notify.map(|n| n == OnOff::On),
                enabled: enabled.map(|n| n == OnOff::On),
                ..gate_patch(min_sources, gate_bypass_critical, drop_variants)
            };
            let w = engine.update_watchlist(id, &patch)?;
            println!("updated watchlist {}: {}", w.id, safe(&w.name));
            if backfill {
                report_backfill(&engine, w.id)?;
            }
        }
        Command::Remove { id, force } => {
            // Hardening 2, item 5: removal used to delete every alert of the
            // watchlist silently; now it says what goes and what stays, and
            // asks for --force.
            if !force {
                let r = engine.watchlist_removal(id)?;
                eprintln!(
                    "removing watchlist {id} removes {} alerts; keeps {} saved or annotated. Pass --force to remove it",
                    r.alerts_removed, r.alerts_kept
                );
                return Ok(ExitCode::from(1));
            }
            let r = engine.remove_watchlist(id)?;
            println!(
                "removed watchlist {id}: removed {} alerts; kept {} saved or annotated",
                r.alerts_removed, r.alerts_kept
            );
        }
        Command::Export { file, force } => {
            let toml = transfer::export_watchlists(&engine)?;
            transfer::write_new(&file, toml.as_bytes(), force)
                .map_err(|e| super::sources::with_force_hint(e, force))?;
            println!("wrote {}", file.display());
        }
        Command::Import { file } => {
            let s = transfer::import_watchlists(&engine, &file)?;
            println!(
                "imported {} watchlists, skipped {} already present",
                s.added, s.skipped
            );
            for e in &s.errors {
                eprintln!("warning: {}", safe(e));
            }
            if !s.errors.is_empty() && s.added == 0 {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn report_backfill(engine: &outpost_engine::Engine, id: i64) -> anyhow::Result<()> {
    let progress = super::ProgressLine::new("back-filling");
    let added =
        engine.backfill_with_progress(id, |done, total| progress.update(done, total, None))?;
    progress.finish();
    println!("back-filled {added} alerts from the archive");
    Ok(())
}
