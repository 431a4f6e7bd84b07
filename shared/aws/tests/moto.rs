#![cfg(feature = "moto")]
//! The ports' conformance suites against a moto server, plus request accounting.
//!
//! Needs `MOTCUA_TEST_AWS_ENDPOINT` (and dummy `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`):
//! `bash tests/moto.sh cargo test -p motcua-aws --features moto` sets them all. Every test
//! creates its own table, bucket and queues (unique names), so tests run in parallel.
//!
//! What moto cannot check, and how it is covered instead:
//! - presigned URL signatures and expiry, and what an upload URL signs (Content-Type,
//!   Content-Length), and the upload's `x-amz-checksum-sha256`: the object store runs the
//!   `signatures_unchecked, signed_headers_unchecked` arm (no expiry, tampering or
//!   refused-upload cases); the embedded store runs them all, and the S3 adapter's unit tests
//!   check offline that its upload URLs sign those headers and hand them to the client.
//! - atomic requests: `moto_server` serves requests on threads and its SQS model takes no lock,
//!   so two concurrent ReceiveMessage calls can return the same message (the four-consumer
//!   drain case then fails about one run in three). `tests/moto.sh` runs moto's app
//!   single-threaded, which makes every request atomic as on AWS.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use motcua_aws::{
    clients, create_bucket, create_table, AwsClients, DynamoTable, RequestCounter, S3ObjectStore, SesNotifier,
    SqsOptions, SqsQueue,
};
use motcua_ports::{Channel, Key, Notifier, ObjectStore, OutboundMessage, Queue, Table, UploadConstraints};

const MAX_RECEIVES: u32 = 5;

fn endpoint() -> String {
    std::env::var("MOTCUA_TEST_AWS_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "MOTCUA_TEST_AWS_ENDPOINT is not set: start moto and the tests with \
             `bash tests/moto.sh cargo test -p motcua-aws --features moto`"
        )
    })
}

fn unique(kind: &str) -> String {
    format!("motcua-{kind}-{}", uuid::Uuid::new_v4().simple())
}

async fn aws(counter: Option<Arc<RequestCounter>>) -> AwsClients {
    clients(Some(&endpoint()), counter).await
}

async fn new_table(clients: &AwsClients) -> Arc<DynamoTable> {
    let name = unique("table");
    create_table(&clients.dynamodb, &name).await.unwrap_or_else(|e| panic!("create table {name}: {e}"));
    Arc::new(DynamoTable::new(clients.dynamodb.clone(), name))
}

async fn new_store(clients: &AwsClients) -> Arc<S3ObjectStore> {
    let name = unique("bucket");
    create_bucket(&clients.s3, &name).await.unwrap_or_else(|e| panic!("create bucket {name}: {e}"));
    Arc::new(S3ObjectStore::new(clients.s3.clone(), name))
}

fn new_queue(clients: &AwsClients) -> Arc<SqsQueue> {
    let options = SqsOptions { create_missing: true, max_receives: MAX_RECEIVES, ..SqsOptions::default() };
    Arc::new(SqsQueue::new(clients.sqs.clone(), options))
}

async fn table() -> Arc<DynamoTable> {
    new_table(&aws(None).await).await
}

async fn queue() -> Arc<SqsQueue> {
    new_queue(&aws(None).await)
}

async fn object_store() -> Arc<S3ObjectStore> {
    new_store(&aws(None).await).await
}

mod table {
    motcua_ports::table_conformance_tests!(async { super::table().await });
}

mod queue {
    motcua_ports::queue_conformance_tests!(async { super::queue().await }, max_receives = super::MAX_RECEIVES);
}

mod object_store {
    motcua_ports::object_store_conformance_tests!(
        async { super::object_store().await },
        signatures_unchecked,
        signed_headers_unchecked
    );
}

fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[tokio::test]
async fn request_counter_counts_each_request_per_service_and_operation() {
    let counter = RequestCounter::new();
    let clients = aws(Some(counter.clone())).await;
    let table = new_table(&clients).await;
    let store = new_store(&clients).await;
    let queue = new_queue(&clients);
    assert!(counter.snapshot().contains_key("DynamoDB.CreateTable"), "setup requests count: {:?}", counter.snapshot());

    counter.reset();
    assert!(counter.snapshot().is_empty(), "reset forgets every count");
    table.get(&Key::new("a", "b")).await.expect("get");
    assert_eq!(counter.snapshot(), counts(&[("DynamoDB.GetItem", 1)]), "a get is one GetItem");

    counter.reset();
    store.put("k/a.txt", Bytes::from_static(b"abc"), "text/plain").await.expect("put");
    let constraints = UploadConstraints { content_length: 3, content_type: "text/plain".into(), sha256: None };
    store.presign_put("k/b.txt", &constraints, Duration::from_secs(60)).await.expect("presign_put");
    store.presign_get("k/a.txt", "a.txt", Duration::from_secs(60)).await.expect("presign_get");
    assert_eq!(counter.snapshot(), counts(&[("S3.PutObject", 1)]), "presigning sends no request");

    counter.reset();
    queue.send("counted", vec!["1".into()]).await.expect("send");
    queue.send("counted", vec!["2".into(), "3".into()]).await.expect("send");
    let snapshot = counter.snapshot();
    assert_eq!(snapshot.get("SQS.SendMessageBatch"), Some(&2), "one batch per send: {snapshot:?}");
    assert_eq!(snapshot.get("SQS.GetQueueUrl"), Some(&1), "the queue URL is looked up once: {snapshot:?}");
    assert_eq!(counter.total(), snapshot.values().sum::<u64>());
}

#[tokio::test]
async fn unknown_queue_without_create_missing_is_reported() {
    let clients = aws(None).await;
    let queue = SqsQueue::new(clients.sqs.clone(), SqsOptions::default());
    match queue.send(&unique("absent"), vec!["x".into()]).await {
        Err(motcua_ports::QueueError::UnknownQueue(_)) => {}
        other => panic!("expected UnknownQueue, got {other:?}"),
    }
}

#[tokio::test]
async fn head_hashes_an_object_that_carries_no_sha256_by_streaming_it() {
    let counter = RequestCounter::new();
    let clients = aws(Some(counter.clone())).await;
    let store = new_store(&clients).await;
    // As after a presigned upload without a declared checksum: no checksum, no metadata.
    let body = b"uploaded straight to S3".to_vec();
    clients
        .s3
        .put_object()
        .bucket(store.bucket())
        .key("raw/upload.bin")
        .content_type("application/octet-stream")
        .body(body.clone().into())
        .send()
        .await
        .expect("raw put");
    counter.reset();
    let meta = store.head("raw/upload.bin").await.expect("head").expect("the object exists");
    assert_eq!(meta.sha256, hex_sha256(&body));
    assert_eq!(meta.size, body.len() as u64);
    assert_eq!(counter.snapshot(), counts(&[("S3.GetObject", 1), ("S3.HeadObject", 1)]), "one HEAD, one streaming GET");

    counter.reset();
    let meta = store.put("raw/put.bin", Bytes::from(body.clone()), "text/plain").await.expect("put");
    assert_eq!(store.head("raw/put.bin").await.expect("head"), Some(meta));
    assert_eq!(
        counter.snapshot(),
        counts(&[("S3.HeadObject", 1), ("S3.PutObject", 1)]),
        "put objects carry their sha256"
    );
}

fn hex_sha256(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}

fn outbound(channel: Channel, to: &str) -> OutboundMessage {
    OutboundMessage {
        event_id: unique("event"),
        channel,
        to: to.into(),
        subject: "Tiếp nhận hồ sơ".into(),
        body: "Hồ sơ H56.22-260302-0001: Tiếp nhận hồ sơ. Trạng thái: Được tiếp nhận.".into(),
        dossier: "d-1".into(),
        at: chrono::Utc::now().fixed_offset(),
        delivered: false,
        via: None,
    }
}

#[tokio::test]
async fn ses_sends_email_from_a_verified_sender_only() {
    let clients = aws(None).await;
    let domain = format!("{}.example.vn", unique("ses"));
    let ses = SesNotifier::new(&clients.config, &format!("Cổng Dịch vụ công <khongtraloi@{domain}>"));
    let email = outbound(Channel::Email, "nguyenvanan@example.vn");
    let refused = ses.deliver(&email).await.unwrap_err();
    assert!(refused.starts_with("SES") && refused.contains("not verified"), "{refused}");
    aws_sdk_sesv2::Client::new(&clients.config).create_email_identity().email_identity(&domain).send().await.unwrap();
    let via = ses.deliver(&email).await.unwrap().unwrap();
    assert!(via.starts_with("ses ") && via.len() > 8, "{via}");
    // Phone messages are another notifier's.
    assert_eq!(ses.deliver(&outbound(Channel::Sms, "0912345678")).await.unwrap(), None);
}
