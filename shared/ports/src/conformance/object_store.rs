//! Conformance cases of the [`ObjectStore`] port: direct put/get/head/delete, and presigned
//! upload and download URLs exercised over real HTTP.
//!
//! [`presigned_urls_expire`] and [`tampered_signatures_are_refused`] need a backend that checks
//! signatures, and the `presigned_put_refuses_*` cases one that enforces what a signature binds;
//! moto does neither, so its adapter runs the `signatures_unchecked, signed_headers_unchecked`
//! arm of [`object_store_conformance_tests!`](crate::object_store_conformance_tests) without them.

use std::time::Duration;

use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::{must, unique};
use crate::{ObjectStore, PresignedUrl, StoreError, UploadConstraints};

const HOUR: Duration = Duration::from_secs(3600);

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn sample(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

fn client() -> reqwest::Client {
    must(reqwest::Client::builder().timeout(Duration::from_secs(30)).build(), "http client")
}

/// Sends a presigned request with its headers (Content-Length comes from the body), with
/// `content_type` replacing the presigned one when given.
async fn call(url: &PresignedUrl, body: Option<Vec<u8>>, content_type: Option<&str>) -> reqwest::Response {
    let method = must(reqwest::Method::from_bytes(url.method.as_bytes()), "presigned method");
    let mut request = client().request(method, &url.url);
    for (name, value) in &url.headers {
        if name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        if name.eq_ignore_ascii_case("content-type") {
            if let Some(replacement) = content_type {
                request = request.header(name.as_str(), replacement);
                continue;
            }
        }
        request = request.header(name.as_str(), value.as_str());
    }
    if let Some(body) = body {
        request = request.body(body);
    }
    must(request.send().await, &format!("{} {}", url.method, url.url))
}

async fn presign_put(store: &dyn ObjectStore, key: &str, body: &[u8], content_type: &str, sha: bool) -> PresignedUrl {
    let constraints = UploadConstraints {
        content_length: body.len() as u64,
        content_type: content_type.to_string(),
        sha256: sha.then(|| sha256_hex(body)),
    };
    let url = must(store.presign_put(key, &constraints, HOUR).await, "presign_put");
    assert_eq!(url.method, "PUT", "a presigned upload is a PUT");
    assert!(url.expires_at > chrono::Utc::now(), "expires_at must be in the future");
    url
}

async fn head(store: &dyn ObjectStore, key: &str) -> Option<crate::ObjectMeta> {
    must(store.head(key).await, &format!("head {key}"))
}

#[track_caller]
fn assert_refused(status: reqwest::StatusCode, doing: &str) {
    assert!(status.is_client_error(), "{doing}: must be refused with a 4xx status, got {status}");
}

pub async fn put_get_head_delete(store: &dyn ObjectStore) {
    let key = format!("{}/giay-to.pdf", unique("crud"));
    assert_eq!(head(store, &key).await, None, "a fresh key is absent");
    assert!(matches!(store.get(&key).await, Err(StoreError::NotFound)), "get of an absent key is NotFound");
    let body = sample(70_000);
    let meta = must(store.put(&key, Bytes::from(body.clone()), "application/pdf").await, "put");
    assert_eq!(meta.key, key);
    assert_eq!(meta.size, body.len() as u64, "size");
    assert_eq!(meta.sha256, sha256_hex(&body), "sha256 (lower-case hex)");
    assert_eq!(meta.content_type, "application/pdf");
    assert_eq!(head(store, &key).await, Some(meta.clone()), "head returns what put returned");
    let (bytes, got) = must(store.get(&key).await, "get");
    assert_eq!(bytes.as_ref(), body.as_slice(), "get returns the bytes");
    assert_eq!(got, meta);

    let replacement = b"ban moi".to_vec();
    let meta = must(store.put(&key, Bytes::from(replacement.clone()), "text/plain").await, "overwrite");
    assert_eq!(meta.size, 7);
    let (bytes, got) = must(store.get(&key).await, "get after overwrite");
    assert_eq!(bytes.as_ref(), replacement.as_slice(), "put overwrites");
    assert_eq!(got.content_type, "text/plain");

    must(store.delete(&key).await, "delete");
    assert_eq!(head(store, &key).await, None, "deleted object is absent");
    assert!(matches!(store.get(&key).await, Err(StoreError::NotFound)), "get after delete is NotFound");
    must(store.delete(&key).await, "deleting an absent object is not an error");
}

pub async fn keys_with_slashes_are_independent(store: &dyn ObjectStore) {
    let prefix = unique("nested");
    let keys = [format!("{prefix}/a/b/c.txt"), format!("{prefix}/a/d.txt"), format!("{prefix}/e.txt")];
    for (i, key) in keys.iter().enumerate() {
        must(store.put(key, Bytes::from(format!("body {i}")), "text/plain").await, "put");
    }
    for (i, key) in keys.iter().enumerate() {
        let (bytes, _) = must(store.get(key).await, "get");
        assert_eq!(bytes.as_ref(), format!("body {i}").as_bytes(), "{key}");
    }
    must(store.delete(&keys[1]).await, "delete");
    assert!(head(store, &keys[0]).await.is_some(), "deleting one key leaves its neighbours");
    assert!(head(store, &keys[2]).await.is_some());
}

pub async fn presigned_put_stores_matching_upload(store: &dyn ObjectStore) {
    for (declare_sha, name) in [(true, "to-khai.pdf"), (false, "Tờ khai (bản 2).pdf")] {
        let key = format!("{}/{name}", unique("upload"));
        let body = sample(100_000);
        let url = presign_put(store, &key, &body, "application/pdf", declare_sha).await;
        let response = call(&url, Some(body.clone()), None).await;
        assert!(
            response.status().is_success(),
            "a matching upload (sha declared: {declare_sha}) must succeed, got {}",
            response.status()
        );
        let meta = head(store, &key).await.expect("the uploaded object must exist");
        assert_eq!(meta.size, body.len() as u64);
        assert_eq!(meta.sha256, sha256_hex(&body), "the stored object has the uploaded content");
        assert_eq!(meta.content_type, "application/pdf");
        let (bytes, _) = must(store.get(&key).await, "get uploaded object");
        assert_eq!(bytes.as_ref(), body.as_slice());
    }
}

pub async fn presigned_put_refuses_wrong_content_type(store: &dyn ObjectStore) {
    let key = unique("wrongtype");
    let body = sample(1000);
    let url = presign_put(store, &key, &body, "application/pdf", false).await;
    let response = call(&url, Some(body), Some("text/html")).await;
    assert_refused(response.status(), "upload with another content type");
    assert_eq!(head(store, &key).await, None, "a refused upload stores nothing");
}

pub async fn presigned_put_refuses_wrong_length(store: &dyn ObjectStore) {
    let key = unique("wronglen");
    let body = sample(1000);
    let url = presign_put(store, &key, &body, "application/pdf", false).await;
    let response = call(&url, Some(sample(1500)), None).await;
    assert_refused(response.status(), "upload longer than declared");
    let response = call(&url, Some(sample(10)), None).await;
    assert_refused(response.status(), "upload shorter than declared");
    assert_eq!(head(store, &key).await, None, "a refused upload stores nothing");
}

pub async fn presigned_put_refuses_wrong_sha256(store: &dyn ObjectStore) {
    let key = unique("wrongsha");
    let body = sample(1000);
    let url = presign_put(store, &key, &body, "application/pdf", true).await;
    let mut other = body.clone();
    other[500] ^= 0xff;
    let response = call(&url, Some(other), None).await;
    assert_refused(response.status(), "upload whose sha256 differs from the declared one");
    assert_eq!(head(store, &key).await, None, "a refused upload stores nothing");
}

/// The filename of a `Content-Disposition` header's RFC 5987 `filename*=UTF-8''…` parameter.
fn extended_filename(header: &str) -> Option<String> {
    let lower = header.to_ascii_lowercase();
    let start = lower.find("filename*=utf-8''")? + "filename*=utf-8''".len();
    let encoded = header[start..].split(';').next()?.trim();
    percent_encoding::percent_decode_str(encoded).decode_utf8().ok().map(|s| s.into_owned())
}

pub async fn presigned_get_serves_bytes_and_filename(store: &dyn ObjectStore) {
    let key = format!("{}/ket-qua.pdf", unique("download"));
    let body = sample(50_000);
    must(store.put(&key, Bytes::from(body.clone()), "application/pdf").await, "put");
    for filename in ["ket-qua.pdf", "Giấy chứng nhận đăng ký kinh doanh – bản chính.pdf"] {
        let url = must(store.presign_get(&key, filename, HOUR).await, "presign_get");
        assert_eq!(url.method, "GET", "a presigned download is a GET");
        let response = call(&url, None, None).await;
        assert!(response.status().is_success(), "presigned download must succeed, got {}", response.status());
        let disposition =
            response.headers().get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        assert!(disposition.starts_with("attachment"), "Content-Disposition must be an attachment: {disposition:?}");
        assert_eq!(
            extended_filename(&disposition).as_deref(),
            Some(filename),
            "Content-Disposition must carry filename*=UTF-8''<percent-encoded name>: {disposition:?}"
        );
        let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_string);
        assert_eq!(content_type.as_deref(), Some("application/pdf"), "download Content-Type");
        let bytes = must(response.bytes().await, "download body");
        assert_eq!(bytes.as_ref(), body.as_slice(), "the download returns the stored bytes");
    }
}

/// Needs a backend that checks expiry (not moto).
pub async fn presigned_urls_expire(store: &dyn ObjectStore) {
    let key = unique("expiry");
    let body = sample(100);
    must(store.put(&key, Bytes::from(body.clone()), "text/plain").await, "put");
    let get = must(store.presign_get(&key, "a.txt", Duration::from_secs(1)).await, "presign_get");
    let upload_key = unique("expiry-up");
    let constraints = UploadConstraints { content_length: 100, content_type: "text/plain".into(), sha256: None };
    let put = must(store.presign_put(&upload_key, &constraints, Duration::from_secs(1)).await, "presign_put");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(call(&get, None, None).await.status(), 403, "an expired download URL must be refused with 403");
    assert_eq!(call(&put, Some(body), None).await.status(), 403, "an expired upload URL must be refused with 403");
    assert_eq!(head(store, &upload_key).await, None, "an expired upload stores nothing");
}

/// Flips one character of the URL's signature parameter (`sig`, `X-Amz-Signature`, …).
fn tamper(url: &PresignedUrl) -> PresignedUrl {
    let mut parsed = must(reqwest::Url::parse(&url.url), "presigned URL");
    let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
    let mut found = false;
    let pairs: Vec<(String, String)> = pairs
        .into_iter()
        .map(|(name, value)| {
            let lower = name.to_ascii_lowercase();
            if !found && (lower == "sig" || lower.contains("signature")) && !value.is_empty() {
                found = true;
                let mut chars: Vec<char> = value.chars().collect();
                let last = chars.len() - 1;
                chars[last] = if chars[last] == '0' { '1' } else { '0' };
                (name, chars.into_iter().collect())
            } else {
                (name, value)
            }
        })
        .collect();
    assert!(found, "no signature parameter found in {}", url.url);
    parsed.query_pairs_mut().clear().extend_pairs(pairs);
    PresignedUrl { url: parsed.to_string(), ..url.clone() }
}

/// Needs a backend that checks signatures (not moto).
pub async fn tampered_signatures_are_refused(store: &dyn ObjectStore) {
    let key = unique("tamper");
    let body = sample(100);
    must(store.put(&key, Bytes::from(body.clone()), "text/plain").await, "put");
    let get = must(store.presign_get(&key, "a.txt", HOUR).await, "presign_get");
    assert_eq!(call(&tamper(&get), None, None).await.status(), 403, "a tampered download URL must be refused with 403");
    let upload_key = unique("tamper-up");
    let url = presign_put(store, &upload_key, &body, "text/plain", false).await;
    assert_eq!(
        call(&tamper(&url), Some(body), None).await.status(),
        403,
        "a tampered upload URL must be refused with 403"
    );
    assert_eq!(head(store, &upload_key).await, None, "a refused upload stores nothing");
}
