//! Subcommands. Each module owns its clap `Args` and a `run` function
//! returning the process exit code.

use std::path::PathBuf;
use std::process::ExitCode;

pub mod alerts;
pub mod backup;
pub mod export;
pub mod matching;
pub mod parse;
pub mod poll;
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
            let text = err.render().to_string();
            let first = text.lines().next().unwrap_or("error: invalid arguments");
            eprintln!("{first} (see 'outpost --help')");
            ExitCode::from(2)
        }
    }
}
