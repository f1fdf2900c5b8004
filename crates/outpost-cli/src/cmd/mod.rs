//! Subcommands. Each module owns its clap `Args` and a `run` function
//! returning the process exit code.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use outpost_engine::notify::{DesktopNotifier, NotificationSink, Silent};
use outpost_engine::{Engine, EngineOptions, EventSink, NoEvents};

pub mod alerts;
pub mod backup;
pub mod export;
pub mod matching;
pub mod parse;
pub mod poll;
pub mod prune;
pub mod query;
pub mod search;
pub mod sources;
pub mod watchlists;

/// What every subcommand may need: where the archive lives.
pub struct Ctx {
    pub db_path: PathBuf,
}

impl Ctx {
    pub fn new(db: Option<PathBuf>) -> Self {
        let db_path = db.unwrap_or_else(outpost_engine::paths::default_db_path);
        Self { db_path }
    }

    /// Opens the archive through the engine. The CLI never seeds defaults
    /// (`outpost sources defaults` loads the regional pack on request).
    pub fn engine(&self, notify: bool, events: Arc<dyn EventSink>) -> anyhow::Result<Arc<Engine>> {
        let sink: Arc<dyn NotificationSink> = if notify {
            let dir = self.db_path.parent().map(PathBuf::from).unwrap_or_default();
            Arc::new(DesktopNotifier::new(
                outpost_engine::notify::install_icon(&dir),
                None,
            ))
        } else {
            Arc::new(Silent)
        };
        Ok(Engine::open(EngineOptions {
            db_path: self.db_path.clone(),
            seed: false,
            sink,
            events,
            clock: outpost_engine::system_clock(),
        })?)
    }

    /// The engine without notifications or live events: for commands that
    /// only read or edit the archive.
    pub fn quiet_engine(&self) -> anyhow::Result<Arc<Engine>> {
        self.engine(false, Arc::new(NoEvents))
    }
}

/// A runtime for the commands that fetch.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Prints `what` as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(what: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(what)?);
    Ok(())
}

/// A `15m` / `1h` / `90s` interval, in seconds (a bare number is minutes).
pub fn parse_interval(s: &str) -> Result<u32, String> {
    let d = if s.chars().all(|c| c.is_ascii_digit()) {
        std::time::Duration::from_secs(s.parse::<u64>().map_err(|e| e.to_string())? * 60)
    } else {
        humantime::parse_duration(s)
            .map_err(|e| format!("'{s}' is not an interval like 15m or 1h ({e})"))?
    };
    let secs = d.as_secs();
    if !(60..=7 * 24 * 3600).contains(&secs) {
        return Err(format!(
            "'{s}': the interval must be between 1 minute and 7 days"
        ));
    }
    Ok(secs as u32)
}

/// A `--since` date for clap, read by the engine's one rule for dates.
pub fn parse_since(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    outpost_engine::dates::parse_date(s, outpost_engine::dates::Bound::Since)
        .map_err(|e| e.to_string())
}

/// A short local-free rendering of an instant for tables.
pub fn short_time(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "-".into())
}

/// Prints `done/total what` on one rewritten stderr line when stderr is a
/// terminal; silent otherwise, so logs and pipes stay clean.
pub struct ProgressLine {
    tty: bool,
    what: &'static str,
}

impl ProgressLine {
    pub fn new(what: &'static str) -> Self {
        use std::io::IsTerminal;
        Self {
            tty: std::io::stderr().is_terminal(),
            what,
        }
    }

    pub fn update(&self, done: u64, total: u64, current: Option<&str>) {
        if self.tty && total > 0 {
            let pct = done * 100 / total;
            let current = current.map(|c| format!(" · {c}")).unwrap_or_default();
            let line: String = format!("{} {done}/{total} ({pct}%){current}", self.what)
                .chars()
                .take(100)
                .collect();
            eprint!("\r\x1b[2K{line}");
        }
    }

    pub fn finish(&self) {
        if self.tty {
            eprint!("\r\x1b[2K");
        }
    }
}

/// Prints clap's verdict. Help and version go to stdout with exit 0; a usage
/// error is one line on stderr with exit 2, so scripts see exactly what was
/// wrong without a wall of usage text.
pub fn clap_exit(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            // Clap's message up to the usage block, on one line: "error: the
            // following required arguments were not provided: --articles <FILE>".
            let text = err.render().to_string();
            let message: Vec<&str> = text
                .lines()
                .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            let line = if message.is_empty() {
                "error: invalid arguments".to_string()
            } else {
                message.join(" ")
            };
            eprintln!("{line} (see 'outpost --help')");
            ExitCode::from(2)
        }
    }
}
