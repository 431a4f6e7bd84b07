//! The `ObjectStore` port: files (dossier components, results) with S3 semantics, including
//! presigned, expiring upload and download URLs that a browser or agency system uses directly.

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// What a stored object is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectMeta {
    pub key: String,
    pub size: u64,
    pub content_type: String,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
}

/// What a presigned upload must send: exactly this length and content type, and (when given)
/// content whose SHA-256 matches. The store refuses anything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadConstraints {
    pub content_length: u64,
    pub content_type: String,
    /// Lower-case hex SHA-256 the client declared.
    pub sha256: Option<String>,
}

/// A URL the client calls directly, with the method and headers it must send.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PresignedUrl {
    pub url: String,
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("object not found")]
    NotFound,
    /// The object already exists and the write asked for it not to.
    #[error("object already exists")]
    AlreadyExists,
    #[error("invalid request: {0}")]
    Invalid(String),
    #[error("object store backend: {0}")]
    Backend(String),
}

#[async_trait]
pub trait ObjectStore: Send + Sync {
    /// Stores an object (overwriting), computing its size and SHA-256.
    async fn put(&self, key: &str, body: Bytes, content_type: &str) -> Result<ObjectMeta, StoreError>;
    async fn get(&self, key: &str) -> Result<(Bytes, ObjectMeta), StoreError>;
    async fn head(&self, key: &str) -> Result<Option<ObjectMeta>, StoreError>;
    async fn delete(&self, key: &str) -> Result<(), StoreError>;
    /// A URL through which exactly one upload matching `constraints` may be PUT until it expires.
    async fn presign_put(
        &self,
        key: &str,
        constraints: &UploadConstraints,
        expires_in: Duration,
    ) -> Result<PresignedUrl, StoreError>;
    /// A URL from which the object may be downloaded until it expires; `filename` sets the
    /// `Content-Disposition` of the download.
    async fn presign_get(&self, key: &str, filename: &str, expires_in: Duration) -> Result<PresignedUrl, StoreError>;
}
