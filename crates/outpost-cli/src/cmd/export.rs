//! `outpost export`: saved articles, or a filtered alert list, to CSV,
//! JSON, Markdown or a self-contained HTML report.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use outpost_engine::EngineError;
use outpost_engine::api::ExportFormat;
use outpost_engine::export::{ExportFilter, Selection};

use super::{Ctx, ProgressLine};

/// Export saved articles (the default) or the alerts a filter selects.
/// `--saved`, `--watchlist` and `--since` combine; without `--saved`, a
/// `--watchlist` or `--since` export takes alerts in every state.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only saved alerts and articles [the default without --watchlist or --since]
    #[arg(long)]
    saved: bool,
    /// Only alerts of this watchlist (its id, see `outpost watchlists list`)
    #[arg(long, value_name = "ID")]
    watchlist: Option<i64>,
    /// Only alerts raised on or after this day or instant (2026-11-26, or RFC 3339)
    #[arg(long, value_name = "DATE", value_parser = super::parse_since)]
    since: Option<chrono::DateTime<chrono::Utc>>,
    /// The file format [default: from the file name's extension]
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// The file to write, or - for stdout (then --format is needed)
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Replace FILE if it exists
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Csv,
    Json,
    Md,
    Html,
}

impl From<Format> for ExportFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Csv => ExportFormat::Csv,
            Format::Json => ExportFormat::Json,
            Format::Md => ExportFormat::Md,
            Format::Html => ExportFormat::Html,
        }
    }
}

/// Exports with more articles than this report their progress on stderr.
const PROGRESS_FROM: usize = 500;

pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitCode> {
    let format = match args.format {
        Some(f) => f.into(),
        None => format_from_extension(&args.out).with_context(|| {
            format!(
                "cannot tell the format from the name {}; pass --format csv|json|md|html",
                args.out.display()
            )
        })?,
    };
    let to_stdout = args.out.as_os_str() == "-";
    // Checked before opening the archive, so the refusal costs nothing.
    if !to_stdout {
        outpost_engine::transfer::check_target(&args.out, args.force)
            .map_err(|e| super::sources::with_force_hint(e, args.force))?;
    }
    let engine = ctx.read_engine()?;
    if let Some(id) = args.watchlist {
        engine
            .watchlist(id)
            .with_context(|| format!("cannot export watchlist {id}"))?;
    }
    let filter = ExportFilter {
        saved: args.saved || (args.watchlist.is_none() && args.since.is_none()),
        watchlist: args.watchlist,
        since: args.since,
    };
    // Long exports show a progress line on a terminal; pipes stay clean.
    let line = ProgressLine::new("exporting");
    let progress = |done: usize, total: usize| {
        if total >= PROGRESS_FROM {
            line.update(done as u64, total as u64, None);
        }
    };
    let selection = Selection::Filter(filter);
    if to_stdout {
        let rows = outpost_engine::export::collect(&engine, &selection, progress);
        line.finish();
        let rows = rows?;
        let bytes = outpost_engine::export::render(&rows, format, engine.now())?;
        write_stdout(&bytes)?;
        let noun = if rows.len() == 1 {
            "article"
        } else {
            "articles"
        };
        eprintln!("exported {} {noun} to stdout", rows.len());
        return Ok(ExitCode::SUCCESS);
    }
    let result = outpost_engine::export::export_to_file(
        &engine, &selection, format, &args.out, args.force, progress,
    );
    line.finish();
    let summary = result.map_err(|e| match e {
        EngineError::FileExists { path } => {
            anyhow::anyhow!("{path} already exists; pass --force to replace it")
        }
        e => anyhow::Error::new(e).context(format!("cannot export to {}", args.out.display())),
    })?;
    let noun = if summary.count == 1 {
        "article"
    } else {
        "articles"
    };
    println!("exported {} {noun} to {}", summary.count, summary.path);
    if summary.count == 0 {
        eprintln!("note: nothing matched; the file has only the headings");
    }
    Ok(ExitCode::SUCCESS)
}

/// The export on stdout: the exact bytes into a pipe or file (their hashes
/// must check), and on a terminal the text with control characters escaped
/// (Hardening 2, item 10).
fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::{IsTerminal, Write};
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if stdout.is_terminal() {
        let text = String::from_utf8_lossy(bytes);
        out.write_all(super::safe_multiline(&text).as_bytes())?;
    } else {
        out.write_all(bytes)?;
    }
    out.flush()?;
    Ok(())
}

fn format_from_extension(path: &Path) -> Option<ExportFormat> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "csv" => Some(ExportFormat::Csv),
        "json" => Some(ExportFormat::Json),
        "md" | "markdown" => Some(ExportFormat::Md),
        "html" | "htm" => Some(ExportFormat::Html),
        _ => None,
    }
}
