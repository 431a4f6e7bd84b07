//! The adapters' own error, and its mapping onto the port errors.

use std::path::PathBuf;

use motcua_ports::{QueueError, StoreError, TableError};

/// What can go wrong below the ports: storage, files, the writer thread.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error("file system ({path}): {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("database: {0}")]
    Database(#[from] redb::Error),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("the writer thread has stopped")]
    WriterStopped,
    /// The group-commit transaction holding this write failed; nothing of it was written.
    #[error("write transaction failed: {0}")]
    Write(String),
    #[error("background task failed: {0}")]
    Task(String),
}

impl EmbeddedError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        EmbeddedError::Io { path: path.into(), source }
    }
}

impl From<tokio::task::JoinError> for EmbeddedError {
    fn from(error: tokio::task::JoinError) -> Self {
        EmbeddedError::Task(error.to_string())
    }
}

impl From<EmbeddedError> for TableError {
    fn from(error: EmbeddedError) -> Self {
        TableError::Backend(error.to_string())
    }
}

impl From<EmbeddedError> for QueueError {
    fn from(error: EmbeddedError) -> Self {
        QueueError::Backend(error.to_string())
    }
}

impl From<EmbeddedError> for StoreError {
    fn from(error: EmbeddedError) -> Self {
        StoreError::Backend(error.to_string())
    }
}
