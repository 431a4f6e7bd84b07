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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PresignedUrl {
    pub url: String,
    pub method: String,
    /// `[name, value]` pairs the client must send.
    #[schema(value_type = Vec<Vec<String>>)]
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

/// Checks every adapter applies the same way (so both backends refuse the same inputs).
pub mod validate {
    use super::StoreError;
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

    pub const MAX_KEY_BYTES: usize = 1024;

    /// RFC 5987 `attr-char`s stay; everything else is percent-encoded.
    const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'!')
        .remove(b'#')
        .remove(b'$')
        .remove(b'&')
        .remove(b'+')
        .remove(b'-')
        .remove(b'.')
        .remove(b'^')
        .remove(b'_')
        .remove(b'`')
        .remove(b'|')
        .remove(b'~');

    /// Refuses keys that could leave a directory or are not portable: empty or over 1024
    /// bytes, absolute, control characters or backslashes, empty / `.` / `..` segments.
    pub fn check_key(key: &str) -> Result<(), StoreError> {
        let invalid = |why: &str| Err(StoreError::Invalid(format!("object key {key:?}: {why}")));
        if key.is_empty() || key.len() > MAX_KEY_BYTES {
            return invalid("must be 1 to 1024 bytes");
        }
        if key.starts_with('/') {
            return invalid("must be relative");
        }
        if key.chars().any(|c| c.is_control() || c == '\\') {
            return invalid("must not contain control characters or backslashes");
        }
        if key.split('/').any(|segment| segment.is_empty() || segment == "." || segment == "..") {
            return invalid("must not contain empty, '.' or '..' segments");
        }
        Ok(())
    }

    pub fn check_content_type(content_type: &str) -> Result<(), StoreError> {
        let valid = !content_type.is_empty()
            && content_type.len() <= 255
            && content_type.bytes().all(|b| (0x20..0x7f).contains(&b));
        if valid {
            Ok(())
        } else {
            Err(StoreError::Invalid("content type must be 1 to 255 printable ASCII characters".into()))
        }
    }

    pub fn is_sha256_hex(sha: &str) -> bool {
        sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }

    pub fn check_sha256(sha: &str) -> Result<(), StoreError> {
        if is_sha256_hex(sha) {
            Ok(())
        } else {
            Err(StoreError::Invalid("sha256 must be 64 lower-case hex digits".into()))
        }
    }

    pub fn check_filename(filename: &str) -> Result<(), StoreError> {
        if filename.is_empty() || filename.chars().count() > 255 || filename.chars().any(char::is_control) {
            Err(StoreError::Invalid("filename must be 1 to 255 characters without control characters".into()))
        } else {
            Ok(())
        }
    }

    /// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded name>`.
    pub fn content_disposition(filename: &str) -> String {
        let fallback: String = filename
            .chars()
            .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
            .collect();
        format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{}", utf8_percent_encode(filename, ATTR_CHAR))
    }
}
