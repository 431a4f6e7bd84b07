//! Behaviour of the embedded adapters beyond the ports' conformance suites: durability across
//! reopening, the presigned URL checks of the filesystem store, and key safety.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use motcua_embedded::{router, EmbeddedStore, FsObjectStore};
use motcua_ports::{
    Condition, Index, Item, Key, ObjectStore, Query, Queue, StoreError, Table, UploadConstraints, WriteOp,
};
use serde_json::{json, Value};
use tempfile::TempDir;

const SECRET: &str = "embedded-test-secret-0123456789";

fn item(value: Value) -> Item {
    match value {
        Value::Object(map) => map,
        _ => Item::new(),
    }
}

async fn serve(dir: &TempDir) -> Arc<FsObjectStore> {
    let store =
        Arc::new(FsObjectStore::new(dir.path().join("objects"), "http://unbound.invalid", SECRET).expect("store"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    store.set_base_url(format!("http://{}", listener.local_addr().expect("address")));
    let app = router(store.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    store
}

/// Sends a request and returns its status and problem `code` (if the body is a problem).
async fn send(method: reqwest::Method, url: &str, content_type: Option<&str>, body: Option<Vec<u8>>) -> (u16, String) {
    let mut request = reqwest::Client::new().request(method, url);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    if let Some(body) = body {
        request = request.body(body);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let is_problem = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap_or_default() == "application/problem+json");
    let code = if is_problem {
        let problem: Value = response.json().await.expect("problem body");
        assert_eq!(problem["status"], json!(status), "problem status");
        assert!(problem["title"].as_str().is_some_and(|t| !t.is_empty()), "problem title");
        problem["code"].as_str().unwrap_or_default().to_string()
    } else {
        String::new()
    };
    (status, code)
}

fn replace_param(url: &str, name: &str, value: &str) -> String {
    let (base, query) = url.split_once('?').expect("query");
    let query: Vec<String> = query
        .split('&')
        .map(|pair| if pair.starts_with(&format!("{name}=")) { format!("{name}={value}") } else { pair.to_string() })
        .collect();
    format!("{base}?{}", query.join("&"))
}

#[tokio::test]
async fn data_survive_dropping_and_reopening_the_store() {
    let dir = tempfile::tempdir().expect("temporary directory");
    {
        let store = EmbeddedStore::open(dir.path()).expect("open");
        let table = store.table();
        table
            .transact(vec![
                WriteOp::Put {
                    item: item(
                        json!({"pk": "HS#1", "sk": "META", "ten": "Lê Thị Hồng", "gsi1pk": "UB#1", "gsi1sk": "2024"}),
                    ),
                    condition: Condition::NotExists,
                },
                WriteOp::Add { key: Key::new("COUNTER", "HS"), add: vec![("n".into(), 1)], set: Item::new() },
            ])
            .await
            .expect("transact");
        let queue = store.queue();
        queue.send("events", vec!["ho-so-moi".into()]).await.expect("send");
        let in_flight = queue.receive("events", 1, Duration::from_millis(300)).await.expect("receive");
        assert_eq!(in_flight.len(), 1);
        // The file is locked while open.
        assert!(EmbeddedStore::open(dir.path()).is_err(), "a second open of the same directory must fail");
    }
    let store = EmbeddedStore::open(dir.path()).expect("reopen after drop");
    let table = store.table();
    let stored = table.get(&Key::new("HS#1", "META")).await.expect("get").expect("item survives");
    assert_eq!(stored.get("ten"), Some(&json!("Lê Thị Hồng")));
    let indexed = table.query(Query::partition(Index::Gsi1, "UB#1")).await.expect("query");
    assert_eq!(indexed.items.len(), 1, "the index survives");
    assert_eq!(table.increment(&Key::new("COUNTER", "HS"), "n", 1).await.expect("increment"), 2);
    let queue = store.queue();
    assert_eq!(queue.depth("events").await.expect("depth"), 1, "the in-flight message survives");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let again = queue.receive("events", 1, Duration::from_secs(30)).await.expect("receive");
    assert_eq!(again.len(), 1, "the unacknowledged message is delivered again after reopening");
    assert_eq!(again[0].receive_count, 2);
    assert_eq!(again[0].body, "ho-so-moi");
}

#[tokio::test]
async fn purge_expired_removes_only_expired_items() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = EmbeddedStore::open(dir.path()).expect("open");
    let table = store.table();
    let now = chrono::Utc::now().timestamp();
    for (sk, ttl) in [("old", now - 10), ("new", now + 1000)] {
        table
            .put(item(json!({"pk": "P", "sk": sk, "ttl": ttl, "gsi1pk": "G", "gsi1sk": sk})), Condition::None)
            .await
            .expect("put");
    }
    assert_eq!(table.purge_expired().await.expect("purge"), 1);
    assert_eq!(table.purge_expired().await.expect("purge again"), 0);
    assert!(table.get(&Key::new("P", "new")).await.expect("get").is_some());
}

#[tokio::test]
async fn expired_presigned_urls_are_refused() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = serve(&dir).await;
    store.put("a.txt", Bytes::from_static(b"abc"), "text/plain").await.expect("put");
    let get = store.presign_get("a.txt", "a.txt", Duration::from_secs(1)).await.expect("presign");
    let constraints = UploadConstraints { content_length: 3, content_type: "text/plain".into(), sha256: None };
    let put = store.presign_put("b.txt", &constraints, Duration::from_secs(1)).await.expect("presign");
    assert_eq!(send(reqwest::Method::GET, &get.url, None, None).await.0, 200, "fresh URL works");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(send(reqwest::Method::GET, &get.url, None, None).await, (403, "url_expired".into()));
    let refused = send(reqwest::Method::PUT, &put.url, Some("text/plain"), Some(b"abc".to_vec())).await;
    assert_eq!(refused, (403, "url_expired".into()));
    assert!(store.head("b.txt").await.expect("head").is_none());
    // Pushing the expiry forward breaks the signature.
    let extended = replace_param(&get.url, "exp", &(chrono::Utc::now().timestamp() + 3600).to_string());
    assert_eq!(send(reqwest::Method::GET, &extended, None, None).await, (403, "invalid_signature".into()));
}

#[tokio::test]
async fn tampered_presigned_urls_are_refused() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = serve(&dir).await;
    store.put("hoso/1/a.pdf", Bytes::from_static(b"%PDF"), "application/pdf").await.expect("put");
    let get = store.presign_get("hoso/1/a.pdf", "a.pdf", Duration::from_secs(60)).await.expect("presign");
    let forbidden = (403, "invalid_signature".to_string());
    assert_eq!(send(reqwest::Method::GET, &replace_param(&get.url, "fn", "b.pdf"), None, None).await, forbidden);
    assert_eq!(send(reqwest::Method::GET, &get.url.replace("hoso/1/", "hoso/2/"), None, None).await, forbidden);
    assert_eq!(send(reqwest::Method::GET, &replace_param(&get.url, "op", "put"), None, None).await, forbidden);
    assert_eq!(send(reqwest::Method::PUT, &get.url, Some("application/pdf"), Some(b"%PDF".to_vec())).await, forbidden);
    let (base, _) = get.url.split_once('?').expect("query");
    assert_eq!(send(reqwest::Method::GET, base, None, None).await, forbidden, "no signature at all");

    let constraints = UploadConstraints { content_length: 4, content_type: "application/pdf".into(), sha256: None };
    let put = store.presign_put("hoso/1/b.pdf", &constraints, Duration::from_secs(60)).await.expect("presign");
    let bigger = replace_param(&put.url, "len", "5000");
    assert_eq!(send(reqwest::Method::PUT, &bigger, Some("application/pdf"), Some(vec![0; 5000])).await, forbidden);
    let retyped = replace_param(&put.url, "ct", "text%2Fhtml");
    assert_eq!(send(reqwest::Method::PUT, &retyped, Some("text/html"), Some(b"<h1>".to_vec())).await, forbidden);
    assert!(store.head("hoso/1/b.pdf").await.expect("head").is_none(), "nothing stored");
}

#[tokio::test]
async fn mismatched_uploads_get_precise_problems() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = serve(&dir).await;
    let body = b"noi dung".to_vec();
    let sha = "0".repeat(64);
    let constraints = UploadConstraints { content_length: 8, content_type: "text/plain".into(), sha256: Some(sha) };
    let put = store.presign_put("c.txt", &constraints, Duration::from_secs(60)).await.expect("presign");
    let cases = [
        (Some("text/html"), body.clone(), (400, "content_type_mismatch")),
        (Some("text/plain"), b"noi dung dai hon".to_vec(), (413, "too_large")),
        (Some("text/plain"), b"ngan".to_vec(), (400, "length_mismatch")),
        (Some("text/plain"), body.clone(), (400, "checksum_mismatch")),
    ];
    for (content_type, body, (status, code)) in cases {
        assert_eq!(send(reqwest::Method::PUT, &put.url, content_type, Some(body)).await, (status, code.to_string()));
    }
    assert!(store.head("c.txt").await.expect("head").is_none(), "nothing stored");
    let leftovers = std::fs::read_dir(dir.path().join("objects/tmp")).expect("tmp dir").count();
    assert_eq!(leftovers, 0, "refused uploads leave no temporary files");
}

#[tokio::test]
async fn keys_that_escape_the_store_are_refused() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = serve(&dir).await;
    for key in ["../escape.txt", "a/../../escape.txt", "/etc/passwd", "a//b", "a\\..\\b", "./a"] {
        let put = store.put(key, Bytes::from_static(b"x"), "text/plain").await;
        assert!(matches!(put, Err(StoreError::Invalid(_))), "put {key:?} must be Invalid, got {put:?}");
        assert!(matches!(store.head(key).await, Err(StoreError::Invalid(_))), "head {key:?}");
        assert!(store.presign_get(key, "x.txt", Duration::from_secs(60)).await.is_err(), "presign {key:?}");
    }
    let url = format!(
        "{}/_objects/..%2F..%2Fescape.txt?op=put&exp=9999999999&len=1&ct=text%2Fplain&sig=00",
        store.base_url()
    );
    let (status, _) = send(reqwest::Method::PUT, &url, Some("text/plain"), Some(b"x".to_vec())).await;
    assert!(status == 400 || status == 403, "a traversal path must be refused, got {status}");
    assert!(!dir.path().join("escape.txt").exists() && !dir.path().join("objects/escape.txt").exists());
}
