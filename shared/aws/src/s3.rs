//! `S3ObjectStore`: the `ObjectStore` port on one S3 bucket.
//!
//! Every object is encrypted at rest (SSE-S3, AES256) and carries its SHA-256 twice: as the S3
//! additional checksum (`x-amz-checksum-sha256`, verified by S3 on upload) and as user metadata
//! `sha256` (hex). Presigned uploads bind Content-Length, Content-Type, the encryption header
//! and, when declared, the checksum as signed headers, so S3 refuses any other upload; an object
//! uploaded without a declared checksum is hashed by streaming it back on its first `head`.
//!
//! SDK errors become [`StoreError`]s in one place (`s3_error`).

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumMode, ServerSideEncryption};
use aws_sdk_s3::Client;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use motcua_ports::object_store::validate::{
    check_content_type, check_filename, check_key, content_disposition, is_sha256_hex,
};
use motcua_ports::{ObjectMeta, ObjectStore, PresignedUrl, StoreError, UploadConstraints};
use sha2::{Digest, Sha256};

const SHA256_METADATA: &str = "sha256";
const DEFAULT_CONTENT_TYPE: &str = "application/octet-stream";

/// The `ObjectStore` port on one S3 bucket.
#[derive(Debug, Clone)]
pub struct S3ObjectStore {
    client: Client,
    bucket: String,
}

impl S3ObjectStore {
    /// `client` should come from [`crate::clients`] (path-style addressing with an endpoint
    /// override, and no default checksums that would spoil presigned uploads).
    pub fn new(client: Client, bucket: impl Into<String>) -> S3ObjectStore {
        S3ObjectStore { client, bucket: bucket.into() }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// SHA-256 of an object that carries none, by streaming it (only this version: `If-Match`).
    async fn hash_by_streaming(&self, key: &str, etag: Option<&str>) -> Result<String, StoreError> {
        let output = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .set_if_match(etag.map(str::to_string))
            .send()
            .await
            .map_err(s3_error)?;
        let mut body = output.body;
        let mut hasher = Sha256::new();
        while let Some(chunk) = body.next().await {
            hasher.update(chunk.map_err(|e| StoreError::Backend(format!("reading {key}: {e}")))?);
        }
        Ok(hex::encode(hasher.finalize()))
    }
}

#[async_trait]
impl ObjectStore for S3ObjectStore {
    async fn put(&self, key: &str, body: Bytes, content_type: &str) -> Result<ObjectMeta, StoreError> {
        check_key(key)?;
        check_content_type(content_type)?;
        let digest = Sha256::digest(&body);
        let meta = ObjectMeta {
            key: key.to_string(),
            size: body.len() as u64,
            content_type: content_type.to_string(),
            sha256: hex::encode(digest),
        };
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .content_length(i64::try_from(meta.size).unwrap_or(i64::MAX))
            .server_side_encryption(ServerSideEncryption::Aes256)
            .checksum_sha256(STANDARD.encode(digest))
            .metadata(SHA256_METADATA, &meta.sha256)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(s3_error)?;
        Ok(meta)
    }

    async fn get(&self, key: &str) -> Result<(Bytes, ObjectMeta), StoreError> {
        check_key(key)?;
        let output = self.client.get_object().bucket(&self.bucket).key(key).send().await.map_err(s3_error)?;
        let content_type = output.content_type().unwrap_or(DEFAULT_CONTENT_TYPE).to_string();
        let bytes =
            output.body.collect().await.map_err(|e| StoreError::Backend(format!("reading {key}: {e}")))?.into_bytes();
        let meta = ObjectMeta {
            key: key.to_string(),
            size: bytes.len() as u64,
            content_type,
            sha256: hex::encode(Sha256::digest(&bytes)),
        };
        Ok((bytes, meta))
    }

    async fn head(&self, key: &str) -> Result<Option<ObjectMeta>, StoreError> {
        check_key(key)?;
        let result =
            self.client.head_object().bucket(&self.bucket).key(key).checksum_mode(ChecksumMode::Enabled).send().await;
        let output = match result.map_err(s3_error) {
            Ok(output) => output,
            Err(StoreError::NotFound) => return Ok(None),
            Err(other) => return Err(other),
        };
        let stored = stored_sha256(output.checksum_sha256(), output.metadata().and_then(|m| m.get(SHA256_METADATA)));
        let sha256 = match stored {
            Some(sha256) => sha256,
            None => self.hash_by_streaming(key, output.e_tag()).await?,
        };
        Ok(Some(ObjectMeta {
            key: key.to_string(),
            size: output.content_length().and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
            content_type: output.content_type().unwrap_or(DEFAULT_CONTENT_TYPE).to_string(),
            sha256,
        }))
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        check_key(key)?;
        self.client.delete_object().bucket(&self.bucket).key(key).send().await.map(drop).map_err(s3_error)
    }

    async fn presign_put(
        &self,
        key: &str,
        constraints: &UploadConstraints,
        expires_in: Duration,
    ) -> Result<PresignedUrl, StoreError> {
        check_key(key)?;
        check_content_type(&constraints.content_type)?;
        let checksum = constraints.sha256.as_deref().map(sha256_base64).transpose()?;
        let (config, expires_at) = presigning(expires_in)?;
        let presigned = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(&constraints.content_type)
            .content_length(i64::try_from(constraints.content_length).unwrap_or(i64::MAX))
            .server_side_encryption(ServerSideEncryption::Aes256)
            .set_checksum_sha256(checksum)
            .presigned(config)
            .await
            .map_err(s3_error)?;
        Ok(PresignedUrl {
            url: presigned.uri().to_string(),
            method: presigned.method().to_string(),
            headers: presigned.headers().map(|(name, value)| (name.to_string(), value.to_string())).collect(),
            expires_at,
        })
    }

    async fn presign_get(&self, key: &str, filename: &str, expires_in: Duration) -> Result<PresignedUrl, StoreError> {
        check_key(key)?;
        check_filename(filename)?;
        let (config, expires_at) = presigning(expires_in)?;
        let presigned = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_disposition(content_disposition(filename))
            .response_cache_control("private, no-store")
            .presigned(config)
            .await
            .map_err(s3_error)?;
        Ok(PresignedUrl {
            url: presigned.uri().to_string(),
            method: presigned.method().to_string(),
            headers: presigned.headers().map(|(name, value)| (name.to_string(), value.to_string())).collect(),
            expires_at,
        })
    }
}

/// Creates the bucket (in the client's region) unless this account already owns it. For tests
/// and local development; production buckets come from the SAM template.
pub async fn create_bucket(client: &Client, name: &str) -> Result<(), StoreError> {
    let mut request = client.create_bucket().bucket(name);
    let region = client.config().region().map(|r| r.as_ref().to_string());
    if let Some(region) = region.filter(|r| r != "us-east-1") {
        let location = aws_sdk_s3::types::CreateBucketConfiguration::builder()
            .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(region.as_str()))
            .build();
        request = request.create_bucket_configuration(location);
    }
    match request.send().await {
        Ok(_) => Ok(()),
        Err(error) if error.code() == Some("BucketAlreadyOwnedByYou") => Ok(()),
        Err(error) => Err(s3_error(error)),
    }
}

fn presigning(expires_in: Duration) -> Result<(PresigningConfig, DateTime<Utc>), StoreError> {
    let start = SystemTime::now();
    let config = PresigningConfig::builder()
        .start_time(start)
        .expires_in(expires_in)
        .build()
        .map_err(|e| StoreError::Invalid(format!("presigned URL expiry: {e}")))?;
    let expires_at = DateTime::<Utc>::from(start + expires_in);
    Ok((config, expires_at))
}

/// The SHA-256 an object carries: its S3 checksum (whole-object, not multipart), else its
/// `sha256` metadata.
fn stored_sha256(checksum: Option<&str>, metadata: Option<&String>) -> Option<String> {
    let from_checksum = checksum
        .filter(|c| !c.contains('-'))
        .and_then(|c| STANDARD.decode(c).ok())
        .filter(|digest| digest.len() == 32)
        .map(hex::encode);
    from_checksum.or_else(|| metadata.filter(|m| is_sha256_hex(m)).cloned())
}

/// The `x-amz-checksum-sha256` form (base64) of a lower-case hex SHA-256.
fn sha256_base64(sha: &str) -> Result<String, StoreError> {
    let invalid = || StoreError::Invalid("sha256 must be 64 lower-case hex digits".into());
    if !is_sha256_hex(sha) {
        return Err(invalid());
    }
    hex::decode(sha).map(|digest| STANDARD.encode(digest)).map_err(|_| invalid())
}

/// Maps an error of any S3 operation: 404 (`NoSuchKey`, `NotFound`) is `NotFound`.
fn s3_error<E>(error: SdkError<E, HttpResponse>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let status = error.raw_response().map(|response| response.status().as_u16());
    match (status, error.code()) {
        (Some(404), Some("NoSuchBucket")) => StoreError::Backend(DisplayErrorContext(&error).to_string()),
        (Some(404), _) | (_, Some("NoSuchKey")) => StoreError::NotFound,
        (Some(400), Some("InvalidArgument" | "InvalidRequest" | "KeyTooLongError")) => {
            StoreError::Invalid(error.message().unwrap_or("invalid request").to_string())
        }
        _ => StoreError::Backend(DisplayErrorContext(&error).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_sha256_prefers_the_checksum_and_ignores_multipart_ones() {
        let digest = Sha256::digest(b"abc");
        let hex_sha = hex::encode(digest);
        let b64 = STANDARD.encode(digest);
        assert_eq!(stored_sha256(Some(&b64), None), Some(hex_sha.clone()));
        assert_eq!(stored_sha256(Some("abcd-3"), Some(&hex_sha)), Some(hex_sha.clone()));
        assert_eq!(stored_sha256(None, Some(&"zz".to_string())), None);
        assert_eq!(sha256_base64(&hex_sha).ok(), Some(b64));
        assert!(sha256_base64("ABC").is_err());
    }

    fn offline_store() -> S3ObjectStore {
        let credentials = aws_sdk_s3::config::Credentials::new("AKIDEXAMPLE", "secret", None, None, "unit-test");
        let config = aws_sdk_s3::config::Builder::new()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new("ap-southeast-1"))
            .credentials_provider(credentials)
            .request_checksum_calculation(aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired)
            .build();
        S3ObjectStore::new(Client::from_conf(config), "motcua-files")
    }

    fn query_param(url: &str, name: &str) -> Option<String> {
        let query = url.split_once('?')?.1;
        query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| percent_encoding::percent_decode_str(value).decode_utf8_lossy().into_owned())
        })
    }

    /// What moto cannot check (it verifies no signature): the upload URL signs the length, the
    /// type, the encryption and the declared checksum, and hands them to the client as headers.
    #[tokio::test]
    async fn presigned_upload_signs_the_constraints_as_headers() {
        let store = offline_store();
        let sha = hex::encode(Sha256::digest(b"hello"));
        let constraints =
            UploadConstraints { content_length: 5, content_type: "application/pdf".into(), sha256: Some(sha.clone()) };
        let url = store.presign_put("a/b.pdf", &constraints, Duration::from_secs(600)).await;
        let url = url.unwrap_or_else(|e| panic!("presign_put: {e}"));
        let signed = query_param(&url.url, "X-Amz-SignedHeaders").unwrap_or_default();
        let signed: Vec<&str> = signed.split(';').collect();
        for header in
            ["content-length", "content-type", "host", "x-amz-checksum-sha256", "x-amz-server-side-encryption"]
        {
            assert!(signed.contains(&header), "{header} must be signed: {signed:?} in {}", url.url);
        }
        let header =
            |name: &str| url.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
        assert_eq!(header("content-type"), Some("application/pdf"));
        assert_eq!(header("content-length"), Some("5"));
        assert_eq!(header("x-amz-server-side-encryption"), Some("AES256"));
        assert_eq!(header("x-amz-checksum-sha256").map(str::to_string), sha256_base64(&sha).ok());
        assert!(!url.url.contains("x-amz-checksum-crc32") && !url.url.contains("x-amz-sdk-checksum"), "{}", url.url);
        assert_eq!(query_param(&url.url, "X-Amz-Expires").as_deref(), Some("600"));
        assert_eq!(url.method, "PUT");

        let undeclared = UploadConstraints { sha256: None, ..constraints };
        let url = store.presign_put("a/c.pdf", &undeclared, Duration::from_secs(600)).await;
        let url = url.unwrap_or_else(|e| panic!("presign_put: {e}"));
        assert!(
            url.headers.iter().all(|(n, _)| !n.to_ascii_lowercase().starts_with("x-amz-checksum")),
            "{:?}",
            url.headers
        );
    }

    #[tokio::test]
    async fn presigned_download_sets_the_disposition_and_refuses_long_expiries() {
        let store = offline_store();
        let url = store.presign_get("a/b.pdf", "Kết quả.pdf", Duration::from_secs(60)).await;
        let url = url.unwrap_or_else(|e| panic!("presign_get: {e}"));
        let disposition = query_param(&url.url, "response-content-disposition").unwrap_or_default();
        assert_eq!(disposition, content_disposition("Kết quả.pdf"));
        assert!(url.headers.is_empty(), "a download needs no headers: {:?}", url.headers);
        let week_and_a_day = Duration::from_secs(8 * 24 * 3600);
        assert!(matches!(store.presign_get("a/b.pdf", "x", week_and_a_day).await, Err(StoreError::Invalid(_))));
    }

    #[test]
    fn content_disposition_carries_an_rfc5987_filename() {
        let value = content_disposition("Giấy phép \"A\".pdf");
        assert!(value.starts_with("attachment; filename=\"Gi_y ph_p _A_.pdf\""), "{value}");
        assert!(value.ends_with("filename*=UTF-8''Gi%E1%BA%A5y%20ph%C3%A9p%20%22A%22.pdf"), "{value}");
    }
}
