//! `outpost backup`: a consistent copy of the archive, also while the app
//! is running (SQLite's `VACUUM INTO` reads one snapshot of the WAL).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use outpost_engine::EngineError;
use outpost_store::StoreError;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file to write the copy to
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// Replace FILE if it exists (only once the new copy is complete)
    #[arg(long)]
    force: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitCode> {
    if !ctx.db_path.exists() {
        bail!(
            "there is no archive at {} to back up; point --db at the archive",
            ctx.db_path.display()
        );
    }
    let engine = ctx.quiet_engine()?;
    match engine.backup(&args.file, args.force) {
        Err(EngineError::Store(e @ StoreError::BackupExists { .. })) => {
            bail!("{e} (--force replaces it)")
        }
        other => other?,
    }
    let stats = engine.stats()?;
    let size = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    println!(
        "Backed up {} to {} ({} articles, {} alerts, {:.1} MB).",
        ctx.db_path.display(),
        args.file.display(),
        stats.articles,
        stats.alerts,
        size as f64 / 1_000_000.0
    );
    Ok(ExitCode::SUCCESS)
}
