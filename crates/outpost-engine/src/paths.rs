//! Where Outpost keeps its files by default.

use std::path::PathBuf;

use directories::ProjectDirs;

fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "outpost")
}

/// The platform data directory, e.g. `~/.local/share/outpost` on Linux.
/// Falls back to the working directory when no home directory is known.
pub fn data_dir() -> PathBuf {
    project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The archive used when neither `--db` nor `OUTPOST_DB` names one.
pub fn default_db_path() -> PathBuf {
    data_dir().join("outpost.db")
}

/// Log files live beside the data, in `logs/`.
pub fn log_dir() -> PathBuf {
    data_dir().join("logs")
}
