//! The HTTP side of [`FsObjectStore`]: `PUT` and `GET /_objects/{*key}` for presigned URLs.
//!
//! Refusals are short `application/problem+json` bodies with a Vietnamese title: 403 for a
//! bad or expired signature, 400 / 411 / 413 for an upload that does not match what was
//! signed. Uploads stream to a temporary file while hashing, and nothing is stored unless the
//! length, type and (when signed) SHA-256 all match.

use std::collections::HashMap;
use std::future::poll_fn;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use axum::body::{Body, HttpBody};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE, ETAG, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use axum::Router;
use motcua_ports::ObjectStore;
use percent_encoding::percent_decode_str;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use tokio_util::io::ReaderStream;

use crate::objects::{check_key, Denied, FsObjectStore, Grant, Op, Sidecar};

/// Serves the store's presigned URLs: `PUT` and `GET /_objects/{*key}`.
pub fn router(store: Arc<FsObjectStore>) -> Router {
    Router::new().route("/_objects/{*key}", put(upload).get(download)).with_state(store)
}

fn problem(status: StatusCode, code: &str, title: &str) -> Response {
    let body = serde_json::json!({"type": "about:blank", "title": title, "status": status.as_u16(), "code": code});
    (status, [(CONTENT_TYPE, "application/problem+json")], body.to_string()).into_response()
}

fn denied(reason: Denied) -> Response {
    match reason {
        Denied::BadSignature => problem(StatusCode::FORBIDDEN, "invalid_signature", "Chữ ký của liên kết không hợp lệ"),
        Denied::Expired => problem(StatusCode::FORBIDDEN, "url_expired", "Liên kết đã hết hạn"),
    }
}

fn server_error(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "object store request failed");
    problem(StatusCode::INTERNAL_SERVER_ERROR, "storage_error", "Lỗi hệ thống lưu trữ tệp")
}

/// Query fields, decoded as `application/x-www-form-urlencoded` (so `+` is a space).
fn query_fields(uri: &Uri) -> HashMap<String, String> {
    let decode = |s: &str| percent_decode_str(&s.replace('+', " ")).decode_utf8_lossy().into_owned();
    uri.query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

/// Why a presigned request is refused before its body is read.
enum Refusal {
    Denied(Denied),
    BadKey,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Denied(reason) => denied(reason),
            Refusal::BadKey => problem(StatusCode::BAD_REQUEST, "invalid_key", "Đường dẫn tệp không hợp lệ"),
        }
    }
}

/// The key and the granted fields of a presigned request.
fn authorize(
    store: &FsObjectStore,
    op: Op,
    key: Result<Path<String>, PathRejection>,
    uri: &Uri,
) -> Result<(String, Grant), Refusal> {
    let Ok(Path(key)) = key else {
        return Err(Refusal::BadKey);
    };
    let grant = store.verify(op, &key, &query_fields(uri)).map_err(Refusal::Denied)?;
    check_key(&key).map_err(|_| Refusal::BadKey)?;
    Ok((key, grant))
}

/// Removes a temporary upload file unless it was installed (also when the client goes away).
struct TempFile(Option<PathBuf>);

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

async fn upload(
    State(store): State<Arc<FsObjectStore>>,
    key: Result<Path<String>, PathRejection>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (key, grant) = match authorize(&store, Op::Put, key, &uri) {
        Ok(granted) => granted,
        Err(refusal) => return refusal.into_response(),
    };
    let (Some(expected_len), Some(expected_type)) = (grant.len, grant.content_type.clone()) else {
        return denied(Denied::BadSignature);
    };
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    if content_type != Some(expected_type.as_str()) {
        return problem(StatusCode::BAD_REQUEST, "content_type_mismatch", "Kiểu tệp không khớp với kiểu đã khai báo");
    }
    let length = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    match length {
        None => return problem(StatusCode::LENGTH_REQUIRED, "length_required", "Thiếu độ dài tệp (Content-Length)"),
        Some(length) if length > expected_len => {
            return problem(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "Tệp lớn hơn kích thước đã khai báo")
        }
        Some(length) if length < expected_len => {
            return problem(
                StatusCode::BAD_REQUEST,
                "length_mismatch",
                "Kích thước tệp không khớp với kích thước đã khai báo",
            )
        }
        Some(_) => {}
    }

    let path = store.temp_path();
    let mut temp = TempFile(Some(path.clone()));
    let mut file = match tokio::fs::File::create(&path).await {
        Ok(file) => file,
        Err(error) => return server_error(error),
    };
    let mut hasher = Sha256::new();
    let mut received: u64 = 0;
    let mut body = body;
    while let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let Ok(frame) = frame else {
            return problem(StatusCode::BAD_REQUEST, "upload_interrupted", "Quá trình tải tệp lên bị gián đoạn");
        };
        let Ok(chunk) = frame.into_data() else { continue };
        received += chunk.len() as u64;
        if received > expected_len {
            return problem(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "Tệp lớn hơn kích thước đã khai báo");
        }
        hasher.update(&chunk);
        if let Err(error) = file.write_all(&chunk).await {
            return server_error(error);
        }
    }
    if received != expected_len {
        return problem(
            StatusCode::BAD_REQUEST,
            "length_mismatch",
            "Kích thước tệp không khớp với kích thước đã khai báo",
        );
    }
    if let Err(error) = file.sync_all().await {
        return server_error(error);
    }
    drop(file);
    let sha256 = hex::encode(hasher.finalize());
    if grant.sha256.as_ref().is_some_and(|declared| *declared != sha256) {
        return problem(StatusCode::BAD_REQUEST, "checksum_mismatch", "Mã kiểm tra SHA-256 của tệp không khớp");
    }
    let sidecar = Sidecar { key: key.clone(), size: received, content_type: expected_type, sha256 };
    temp.0 = None; // `install` owns the file now, and removes it on failure.
    match store.install(&key, path, sidecar).await {
        Ok(meta) => {
            let etag =
                HeaderValue::from_str(&format!("\"{}\"", meta.sha256)).unwrap_or(HeaderValue::from_static("\"\""));
            (StatusCode::OK, [(ETAG, etag)]).into_response()
        }
        Err(error) => server_error(error),
    }
}

async fn download(
    State(store): State<Arc<FsObjectStore>>,
    key: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Response {
    let (key, grant) = match authorize(&store, Op::Get, key, &uri) {
        Ok(granted) => granted,
        Err(refusal) => return refusal.into_response(),
    };
    let not_found = || problem(StatusCode::NOT_FOUND, "not_found", "Không tìm thấy tệp");
    let meta = match store.head(&key).await {
        Ok(Some(meta)) => meta,
        Ok(None) => return not_found(),
        Err(error) => return server_error(error),
    };
    let file = match tokio::fs::File::open(store.data_path(&key)).await {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return not_found(),
        Err(error) => return server_error(error),
    };
    let mut headers = HeaderMap::new();
    let content_type =
        HeaderValue::from_str(&meta.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(CONTENT_TYPE, content_type);
    headers.insert(CONTENT_LENGTH, HeaderValue::from(meta.size));
    headers.insert(CONTENT_DISPOSITION, content_disposition(grant.filename.as_deref().unwrap_or("download")));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    (StatusCode::OK, headers, Body::from_stream(ReaderStream::new(file))).into_response()
}

/// The download's `Content-Disposition` header.
fn content_disposition(filename: &str) -> HeaderValue {
    HeaderValue::from_str(&motcua_ports::object_store::validate::content_disposition(filename))
        .unwrap_or(HeaderValue::from_static("attachment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_disposition_carries_an_rfc5987_filename() {
        let value = content_disposition("Giấy phép \"A\".pdf");
        let text = value.to_str().unwrap_or_default();
        assert!(text.starts_with("attachment; filename=\"Gi_y ph_p _A_.pdf\""), "{text}");
        assert!(text.ends_with("filename*=UTF-8''Gi%E1%BA%A5y%20ph%C3%A9p%20%22A%22.pdf"), "{text}");
    }
}
