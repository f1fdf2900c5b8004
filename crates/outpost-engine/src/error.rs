//! The engine's error: a stable code the UI classifies by, and a sentence a
//! person can act on.

use outpost_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the query is not valid: {0}")]
    InvalidQuery(#[from] outpost_core::query::QueryError),
    #[error("{0}")]
    Fetch(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} already exists; choose another file name, or allow overwriting it")]
    FileExists { path: String },
}

impl EngineError {
    /// A stable, machine-readable code for the UI and for scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Store(e) => e.code(),
            Self::InvalidQuery(_) => "invalid_query",
            Self::Fetch(_) => "fetch_failed",
            Self::InvalidInput(_) => "invalid_input",
            Self::Io { .. } => "io",
            Self::FileExists { .. } => "file_exists",
        }
    }

    pub fn invalid(msg: impl Into<String>) -> Self {
        Self::InvalidInput(msg.into())
    }
}

pub type Result<T, E = EngineError> = std::result::Result<T, E>;
