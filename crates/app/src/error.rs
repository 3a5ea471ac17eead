//! The application layer's error type.

use std::path::PathBuf;

/// What can go wrong in an application-layer operation. Every variant's message says what
/// happened and, where there is one, what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Writing an output stream failed (for example, a closed pipe).
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
    /// The list store failed.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// A list file cannot be used.
    #[error(transparent)]
    Ingest(#[from] ingest::IngestError),
    /// The records database failed or refused.
    #[error(transparent)]
    Records(#[from] records::Error),
    /// A graph or clusters directory cannot be used.
    #[error(transparent)]
    Graph(#[from] graph::import::ImportError),
    /// A download failed.
    #[error("{0}")]
    Download(String),
    /// The user's input is not usable (with what to do instead).
    #[error("{0}")]
    Invalid(String),
    /// No list is available to screen against.
    #[error(
        "no lists are stored in {}; run `interdict lists update` (needs internet) or `interdict lists import FILE...`, or pass --lists FILE... (or --lists bundled)",
        dir.display()
    )]
    NoLists {
        /// The data directory.
        dir: PathBuf,
    },
}

impl AppError {
    /// An I/O error on a path.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> AppError {
        let path = path.into();
        move |source| AppError::Io { path, source }
    }

    /// True when the error is a closed output pipe, which a front end treats as a quiet end.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, AppError::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// The result type of the application layer.
pub type Result<T, E = AppError> = std::result::Result<T, E>;
