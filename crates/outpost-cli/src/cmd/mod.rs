//! Subcommands. Each module owns its clap `Args` and a `run` function
//! returning the process exit code.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use outpost_engine::notify::{DesktopNotifier, NotificationSink, Silent};
use outpost_engine::{Engine, EngineOptions, EventSink, NoEvents};

pub mod alerts;
pub mod articles;
pub mod backup;
pub mod export;
pub mod matching;
pub mod parse;
pub mod poll;
pub mod prune;
pub mod query;
pub mod schedule;
pub mod search;
pub mod sources;
pub mod stories;
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
        self.engine_on_clock(notify, events, outpost_engine::system_clock())
    }

    /// [`Ctx::engine`] on another clock (`outpost poll --bench-cycles`).
    pub fn engine_on_clock(
        &self,
        notify: bool,
        events: Arc<dyn EventSink>,
        clock: outpost_engine::Clock,
    ) -> anyhow::Result<Arc<Engine>> {
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
            clock,
        })?)
    }

    /// The engine without notifications or live events, creating the
    /// archive if needed: for commands that add to it.
    pub fn quiet_engine(&self) -> anyhow::Result<Arc<Engine>> {
        self.engine(false, Arc::new(NoEvents))
    }

    /// The engine over an existing archive, for commands that change what
    /// is in it (a mistyped --db must not create an empty archive).
    pub fn existing_engine(&self) -> anyhow::Result<Arc<Engine>> {
        self.require_archive()?;
        self.quiet_engine()
    }

    /// The engine over an existing archive opened read-only, for commands
    /// that only read: they work on a read-only file or folder and never
    /// create an archive.
    pub fn read_engine(&self) -> anyhow::Result<Arc<Engine>> {
        Ok(Engine::open_read_only(EngineOptions {
            db_path: self.db_path.clone(),
            seed: false,
            sink: Arc::new(Silent),
            events: Arc::new(NoEvents),
            clock: outpost_engine::system_clock(),
        })?)
    }

    fn require_archive(&self) -> anyhow::Result<()> {
        if self.db_path.is_file() {
            Ok(())
        } else {
            Err(outpost_store::StoreError::NoArchive {
                path: self.db_path.clone(),
            }
            .into())
        }
    }
}

/// Text from feeds, pages and the archive made safe for a terminal: every
/// C0 and C1 control character (and DEL) is shown as a visible escape such
/// as `\u{1b}`, so a title cannot clear the screen, move the cursor, set
/// the window title or hide a link (Hardening 2, item 10). Newlines and
/// tabs are escaped too: one field must stay on its line. Every printer in
/// the CLI passes what it did not write itself through this function (or
/// [`safe_multiline`]).
pub fn safe(text: &str) -> Cow<'_, str> {
    escape_controls(text, false)
}

/// [`safe`] for a multi-line block: newlines and tabs are kept.
pub fn safe_multiline(text: &str) -> Cow<'_, str> {
    escape_controls(text, true)
}

fn escape_controls(text: &str, keep_lines: bool) -> Cow<'_, str> {
    escape_where(
        text,
        |c| c.is_control() && !(keep_lines && (c == '\n' || c == '\t')),
        |out, c| {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        },
    )
}

/// `text` with each character `raw` picks written by `escape` instead;
/// borrowed when there is none, the common case.
fn escape_where(
    text: &str,
    raw: impl Fn(char) -> bool,
    escape: impl Fn(&mut String, char),
) -> Cow<'_, str> {
    if !text.chars().any(&raw) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if raw(c) {
            escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A runtime for the commands that fetch.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Prints `what` as pretty JSON on stdout. JSON already escapes C0
/// controls; C1 controls and DEL (which a terminal may also obey) are
/// written as `\u` escapes too, which JSON readers decode to the same text.
pub fn print_json<T: serde::Serialize>(what: &T) -> anyhow::Result<()> {
    println!("{}", json_text(&serde_json::to_string_pretty(what)?));
    Ok(())
}

/// Serialised JSON with C1 controls and DEL written as `\u` escapes; they
/// can only occur inside strings, where the escape means the same.
pub fn json_text(json: &str) -> Cow<'_, str> {
    escape_where(json, raw_in_json, |out, c| {
        let _ = write!(out, "\\u{:04x}", c as u32);
    })
}

/// The controls that `serde_json` leaves raw in its output.
fn raw_in_json(c: char) -> bool {
    matches!(c as u32, 0x7f..=0x9f)
}

/// An error and its causes on one line, each cause once: many errors
/// already include their cause in their own message, and anyhow's `{:#}`
/// would print it a second time (Hardening 2, item 13).
pub fn error_line(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let msg = cause.to_string();
        if out.is_empty() {
            out = msg;
        } else if !out.contains(&msg) {
            out.push_str(": ");
            out.push_str(&msg);
        }
    }
    safe(&out).into_owned()
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
            let current = current
                .map(|c| format!(" · {}", safe(c)))
                .unwrap_or_default();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible_escapes() {
        // Hardening 2, item 10.
        assert_eq!(
            safe("a\u{1b}[2Jb\u{9b}c\r\nd\te"),
            r"a\u{1b}[2Jb\u{9b}c\u{d}\u{a}d\u{9}e"
        );
        assert_eq!(safe_multiline("a\u{7}\nb\tc"), "a\\u{7}\nb\tc");
        assert!(matches!(safe("Хорог · خبر"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_keeps_its_meaning_without_raw_c1_controls() {
        let raw = serde_json::to_string("x\u{9b}y\u{7f}").unwrap();
        let out = json_text(&raw);
        assert_eq!(out, r#""x\u009by\u007f""#);
        assert_eq!(
            serde_json::from_str::<String>(&out).unwrap(),
            "x\u{9b}y\u{7f}"
        );
    }

    #[test]
    fn each_cause_is_printed_once() {
        // Hardening 2, item 13: "cannot use X: E: E".
        let io = std::io::Error::other("the folder x does not exist");
        let err = anyhow::Error::new(outpost_store::StoreError::Io {
            path: "x/y.db".into(),
            source: io,
        })
        .context("cannot back up");
        assert_eq!(
            error_line(&err),
            "cannot back up: cannot use x/y.db: the folder x does not exist"
        );
    }
}
