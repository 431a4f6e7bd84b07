//! `FsObjectStore`: the `ObjectStore` port on the filesystem, and its presigned URLs.
//!
//! Layout under the root directory: `data/<key>` holds the bytes, `meta/<key>` a JSON sidecar
//! (size, content type, sha256), `tmp/` files being written. Every write goes to a temporary
//! file, is fsync'd, then renamed into place (and the directory fsync'd), so an object is
//! either wholly there or not at all. Keys may contain `/`; empty, `.` and `..` segments,
//! absolute keys, backslashes and control characters are refused.
//!
//! Presigned URLs are `{base_url}/_objects/{key}?op=put|get&exp=…&len=…&ct=…&sha=…&fn=…&sig=…`
//! where `sig` is the hex HMAC-SHA256, under the store's secret, of every other field; the
//! [`crate::router`] checks them.

use std::collections::HashMap;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
pub(crate) use motcua_ports::object_store::validate::check_key;
use motcua_ports::object_store::validate::{check_content_type, check_filename, check_sha256};
use motcua_ports::{ObjectMeta, ObjectStore, PresignedUrl, StoreError, UploadConstraints};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::EmbeddedError;

type HmacSha256 = Hmac<Sha256>;

/// RFC 3986 unreserved characters stay; everything else is percent-encoded.
pub(crate) const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
const MAX_EXPIRY: Duration = Duration::from_secs(7 * 24 * 3600);

/// The `ObjectStore` port on a directory; see the module documentation.
pub struct FsObjectStore {
    root: PathBuf,
    base_url: RwLock<String>,
    secret: Vec<u8>,
}

/// The sidecar describing one object.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Sidecar {
    pub key: String,
    pub size: u64,
    pub content_type: String,
    pub sha256: String,
}

impl From<Sidecar> for ObjectMeta {
    fn from(s: Sidecar) -> Self {
        ObjectMeta { key: s.key, size: s.size, content_type: s.content_type, sha256: s.sha256 }
    }
}

/// Which presigned operation a URL grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Put,
    Get,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Put => "put",
            Op::Get => "get",
        }
    }
}

/// The signed fields of a presigned URL.
#[derive(Debug, Clone, Default)]
pub(crate) struct Grant {
    pub len: Option<u64>,
    pub content_type: Option<String>,
    pub sha256: Option<String>,
    pub filename: Option<String>,
}

/// Why a presigned URL is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Denied {
    BadSignature,
    Expired,
}

fn io_error(error: std::io::Error) -> StoreError {
    StoreError::Backend(error.to_string())
}

fn not_found_or(error: std::io::Error) -> StoreError {
    if error.kind() == ErrorKind::NotFound {
        StoreError::NotFound
    } else {
        io_error(error)
    }
}

/// Fsyncs a directory so that a rename into it is durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

fn parent(path: &Path) -> std::io::Result<&Path> {
    path.parent().ok_or_else(|| std::io::Error::other("path has no parent"))
}

/// Moves a finished temporary file into place, then writes its sidecar the same way.
fn install(data_tmp: &Path, data: &Path, meta_tmp: &Path, meta: &Path, sidecar: &Sidecar) -> std::io::Result<()> {
    let json = serde_json::to_vec(sidecar).map_err(std::io::Error::other)?;
    let mut file = std::fs::File::create(meta_tmp)?;
    file.write_all(&json)?;
    file.sync_all()?;
    drop(file);
    let (data_dir, meta_dir) = (parent(data)?, parent(meta)?);
    std::fs::create_dir_all(data_dir)?;
    std::fs::create_dir_all(meta_dir)?;
    std::fs::rename(data_tmp, data)?;
    sync_dir(data_dir)?;
    std::fs::rename(meta_tmp, meta)?;
    sync_dir(meta_dir)
}

impl FsObjectStore {
    /// A store under `dir` (created if needed) whose presigned URLs start with `base_url`
    /// (e.g. `http://127.0.0.1:8080`) and are signed with `secret` (at least 16 bytes).
    pub fn new(
        dir: impl Into<PathBuf>,
        base_url: impl Into<String>,
        secret: impl Into<Vec<u8>>,
    ) -> Result<FsObjectStore, EmbeddedError> {
        let secret = secret.into();
        if secret.len() < 16 {
            return Err(EmbeddedError::Config("the URL signing secret must be at least 16 bytes".into()));
        }
        let root = dir.into();
        for sub in ["data", "meta", "tmp"] {
            let path = root.join(sub);
            std::fs::create_dir_all(&path).map_err(|e| EmbeddedError::io(&path, e))?;
        }
        // Leftovers of uploads interrupted by a crash.
        if let Ok(entries) = std::fs::read_dir(root.join("tmp")) {
            for entry in entries.flatten() {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let store = FsObjectStore { root, base_url: RwLock::new(String::new()), secret };
        store.set_base_url(base_url);
        Ok(store)
    }

    /// Changes where presigned URLs point, e.g. once the server has bound its port.
    pub fn set_base_url(&self, base_url: impl Into<String>) {
        let base_url = base_url.into().trim_end_matches('/').to_string();
        *self.base_url.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = base_url;
    }

    pub fn base_url(&self) -> String {
        self.base_url.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    pub(crate) fn data_path(&self, key: &str) -> PathBuf {
        self.root.join("data").join(key)
    }

    fn meta_path(&self, key: &str) -> PathBuf {
        self.root.join("meta").join(key)
    }

    /// A fresh temporary file name inside the store (same filesystem, so renames are atomic).
    pub(crate) fn temp_path(&self) -> PathBuf {
        self.root.join("tmp").join(uuid::Uuid::new_v4().simple().to_string())
    }

    /// Installs a fully written and fsync'd temporary file as `key`.
    pub(crate) async fn install(
        &self,
        key: &str,
        data_tmp: PathBuf,
        sidecar: Sidecar,
    ) -> Result<ObjectMeta, StoreError> {
        let (data, meta, meta_tmp) = (self.data_path(key), self.meta_path(key), self.temp_path());
        tokio::task::spawn_blocking(move || {
            let result = install(&data_tmp, &data, &meta_tmp, &meta, &sidecar);
            if result.is_err() {
                let _ = std::fs::remove_file(&data_tmp);
                let _ = std::fs::remove_file(&meta_tmp);
            }
            result.map(|()| sidecar.into())
        })
        .await
        .map_err(|e| StoreError::Backend(e.to_string()))?
        .map_err(io_error)
    }

    fn mac(&self) -> Result<HmacSha256, StoreError> {
        HmacSha256::new_from_slice(&self.secret).map_err(|e| StoreError::Backend(e.to_string()))
    }

    fn canonical(op: Op, key: &str, exp: i64, grant: &Grant) -> String {
        format!(
            "{}\n{key}\n{exp}\n{}\n{}\n{}\n{}",
            op.as_str(),
            grant.len.map(|l| l.to_string()).unwrap_or_default(),
            grant.content_type.as_deref().unwrap_or_default(),
            grant.sha256.as_deref().unwrap_or_default(),
            grant.filename.as_deref().unwrap_or_default(),
        )
    }

    fn presign(
        &self,
        op: Op,
        key: &str,
        grant: &Grant,
        expires_in: Duration,
    ) -> Result<(String, DateTime<Utc>), StoreError> {
        if expires_in > MAX_EXPIRY {
            return Err(StoreError::Invalid("a presigned URL lasts at most 7 days".into()));
        }
        let seconds = expires_in.as_secs() + u64::from(expires_in.subsec_nanos() > 0);
        let expires_at = Utc::now() + chrono::Duration::seconds(i64::try_from(seconds).unwrap_or(i64::MAX));
        let exp = expires_at.timestamp();
        let mut mac = self.mac()?;
        mac.update(Self::canonical(op, key, exp, grant).as_bytes());
        let sig = hex::encode(mac.finalize().into_bytes());
        let path: Vec<String> = key.split('/').map(|s| utf8_percent_encode(s, COMPONENT).to_string()).collect();
        let mut url = format!("{}/_objects/{}?op={}&exp={exp}", self.base_url(), path.join("/"), op.as_str());
        let mut param = |name: &str, value: &str| {
            url.push_str(&format!("&{name}={}", utf8_percent_encode(value, COMPONENT)));
        };
        if let Some(len) = grant.len {
            param("len", &len.to_string());
        }
        if let Some(content_type) = &grant.content_type {
            param("ct", content_type);
        }
        if let Some(sha) = &grant.sha256 {
            param("sha", sha);
        }
        if let Some(filename) = &grant.filename {
            param("fn", filename);
        }
        param("sig", &sig);
        Ok((url, expires_at))
    }

    /// Checks a presigned URL's signature, then its expiry; returns the fields it grants.
    pub(crate) fn verify(&self, op: Op, key: &str, query: &HashMap<String, String>) -> Result<Grant, Denied> {
        let field = |name: &str| query.get(name).cloned();
        if field("op").as_deref() != Some(op.as_str()) {
            return Err(Denied::BadSignature);
        }
        let exp: i64 = field("exp").and_then(|e| e.parse().ok()).ok_or(Denied::BadSignature)?;
        let len = match field("len") {
            Some(len) => Some(len.parse().map_err(|_| Denied::BadSignature)?),
            None => None,
        };
        let grant = Grant { len, content_type: field("ct"), sha256: field("sha"), filename: field("fn") };
        let sig = field("sig").and_then(|s| hex::decode(s).ok()).ok_or(Denied::BadSignature)?;
        let mut mac = self.mac().map_err(|_| Denied::BadSignature)?;
        mac.update(Self::canonical(op, key, exp, &grant).as_bytes());
        mac.verify_slice(&sig).map_err(|_| Denied::BadSignature)?;
        if Utc::now().timestamp() > exp {
            return Err(Denied::Expired);
        }
        Ok(grant)
    }

    async fn read_sidecar(&self, key: &str) -> Result<Option<Sidecar>, StoreError> {
        match tokio::fs::read(self.meta_path(key)).await {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| StoreError::Backend(format!("unreadable metadata of {key}: {e}"))),
            // A "directory" of other keys, or a path below another object, is not an object.
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::IsADirectory | ErrorKind::NotADirectory) => {
                Ok(None)
            }
            Err(e) => Err(io_error(e)),
        }
    }
}

#[async_trait::async_trait]
impl ObjectStore for FsObjectStore {
    async fn put(&self, key: &str, body: Bytes, content_type: &str) -> Result<ObjectMeta, StoreError> {
        check_key(key)?;
        check_content_type(content_type)?;
        let tmp = self.temp_path();
        let sidecar = Sidecar {
            key: key.to_string(),
            size: body.len() as u64,
            content_type: content_type.to_string(),
            sha256: hex::encode(Sha256::digest(&body)),
        };
        let written = tmp.clone();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            let mut file = std::fs::File::create(&written)?;
            file.write_all(&body)?;
            file.sync_all()
        })
        .await
        .map_err(|e| StoreError::Backend(e.to_string()))?
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            io_error(e)
        })?;
        self.install(key, tmp, sidecar).await
    }

    async fn get(&self, key: &str) -> Result<(Bytes, ObjectMeta), StoreError> {
        check_key(key)?;
        let sidecar = self.read_sidecar(key).await?.ok_or(StoreError::NotFound)?;
        let bytes = tokio::fs::read(self.data_path(key)).await.map_err(not_found_or)?;
        Ok((Bytes::from(bytes), sidecar.into()))
    }

    async fn head(&self, key: &str) -> Result<Option<ObjectMeta>, StoreError> {
        check_key(key)?;
        Ok(self.read_sidecar(key).await?.map(ObjectMeta::from))
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        check_key(key)?;
        for path in [self.meta_path(key), self.data_path(key)] {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(io_error(e)),
            }
        }
        Ok(())
    }

    async fn presign_put(
        &self,
        key: &str,
        constraints: &UploadConstraints,
        expires_in: Duration,
    ) -> Result<PresignedUrl, StoreError> {
        check_key(key)?;
        check_content_type(&constraints.content_type)?;
        if let Some(sha) = &constraints.sha256 {
            check_sha256(sha)?;
        }
        let grant = Grant {
            len: Some(constraints.content_length),
            content_type: Some(constraints.content_type.clone()),
            sha256: constraints.sha256.clone(),
            filename: None,
        };
        let (url, expires_at) = self.presign(Op::Put, key, &grant, expires_in)?;
        Ok(PresignedUrl {
            url,
            method: "PUT".into(),
            headers: vec![
                ("Content-Type".into(), constraints.content_type.clone()),
                ("Content-Length".into(), constraints.content_length.to_string()),
            ],
            expires_at,
        })
    }

    async fn presign_get(&self, key: &str, filename: &str, expires_in: Duration) -> Result<PresignedUrl, StoreError> {
        check_key(key)?;
        check_filename(filename)?;
        let grant = Grant { filename: Some(filename.to_string()), ..Grant::default() };
        let (url, expires_at) = self.presign(Op::Get, key, &grant, expires_in)?;
        Ok(PresignedUrl { url, method: "GET".into(), headers: Vec::new(), expires_at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_that_leave_the_store_are_refused() {
        for key in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "a/./b", "a\\b", "a/..", "x\ny"] {
            assert!(check_key(key).is_err(), "{key:?} must be refused");
        }
        for key in ["a", "hoso/2024/giay-to.pdf", "Hồ sơ/ảnh 1.jpg", "a..b/c"] {
            assert!(check_key(key).is_ok(), "{key:?} must be accepted");
        }
    }
}
