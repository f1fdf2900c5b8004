//! The store's error type: every variant reads as a sentence that names the
//! file and says what to do, and has a stable [`StoreError::code`] the UI can
//! classify without matching on text.

use std::io;
use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

use crate::search::QueryError;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the archive {} was written by a newer version of Outpost (schema version {found}; this version understands up to {supported}). Update Outpost, or point --db at another file",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error(
        "the archive {} is damaged or is not an Outpost database. Restore it from a backup (made with 'outpost backup'), or move it aside to start a new archive",
        path.display()
    )]
    Corrupt { path: PathBuf },

    #[error(
        "cannot write the archive {}: the file or its folder is read-only. Make the folder writable, or point --db at a writable location",
        path.display()
    )]
    ReadOnly { path: PathBuf },

    #[error(
        "the disk holding {} is full. Free some space and try again; nothing already stored was lost",
        path.display()
    )]
    DiskFull { path: PathBuf },

    #[error(
        "there is no archive at {}; check --db, or run `outpost sources add` to create one",
        path.display()
    )]
    NoArchive { path: PathBuf },

    #[error("a source with the URL {url} already exists (id {id})")]
    SourceExists { id: i64, url: String },

    #[error("a watchlist named '{name}' already exists (id {id})")]
    WatchlistExists { id: i64, name: String },

    #[error("there is no {what} with id {id}")]
    NotFound { what: &'static str, id: i64 },

    #[error("{0}")]
    Query(#[from] QueryError),

    #[error(
        "{} already exists; choose another file name for the backup, or allow overwriting it",
        path.display()
    )]
    BackupExists { path: PathBuf },

    #[error("cannot use {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("database error in {}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
}

impl StoreError {
    /// A stable, machine-readable name of the error kind.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NewerSchema { .. } => "store.newer_schema",
            Self::Corrupt { .. } => "store.corrupt",
            Self::ReadOnly { .. } => "store.read_only",
            Self::DiskFull { .. } => "store.disk_full",
            Self::NoArchive { .. } => "store.no_archive",
            Self::SourceExists { .. } => "store.source_exists",
            Self::WatchlistExists { .. } => "store.watchlist_exists",
            Self::NotFound { .. } => "store.not_found",
            Self::Query(_) => "store.bad_query",
            Self::BackupExists { .. } => "store.backup_exists",
            Self::Io { .. } => "store.io",
            Self::Sqlite { .. } => "store.sqlite",
        }
    }

    /// Gives an SQLite error the archive's path and turns the failures a
    /// person can act on (corruption, full disk, read-only) into their own
    /// variants. Applied once at the public boundary of every store method.
    pub(crate) fn locate(self, path: &Path) -> Self {
        match self {
            Self::Sqlite { source, .. } => classify(path, source),
            other => other,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(source: rusqlite::Error) -> Self {
        // The path is filled in by `locate` at the public boundary.
        Self::Sqlite {
            path: PathBuf::new(),
            source,
        }
    }
}

fn classify(path: &Path, source: rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    let code = match &source {
        rusqlite::Error::SqliteFailure(e, _) => Some(e.code),
        _ => None,
    };
    match code {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::Corrupt { path },
        Some(ErrorCode::DiskFull) => StoreError::DiskFull { path },
        Some(ErrorCode::ReadOnly) => StoreError::ReadOnly { path },
        Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied | ErrorCode::SystemIoFailure)
            if !folder_writable(&path) =>
        {
            StoreError::ReadOnly { path }
        }
        _ => StoreError::Sqlite { path, source },
    }
}

/// Whether new files can be created beside `db` (SQLite needs that for its
/// `-wal` and `-shm` files). Probing is the only reliable test: permission
/// bits say nothing about read-only mounts, ACLs or root.
pub(crate) fn folder_writable(db: &Path) -> bool {
    let dir = match db.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let probe = dir.join(format!(".outpost-write-probe-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            true
        }
        Err(e) => !matches!(
            e.kind(),
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
        ),
    }
}
