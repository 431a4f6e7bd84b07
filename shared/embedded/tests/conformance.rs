//! The ports' conformance suites, run against the embedded adapters (each test on its own
//! temporary directory; the object store's presigned URLs go to its router on 127.0.0.1:0).

use std::sync::Arc;

use motcua_embedded::{router, EmbeddedStore, FsObjectStore, RedbQueue, RedbTable, StoreOptions};
use tempfile::TempDir;

const MAX_RECEIVES: u32 = 3;

async fn table() -> (Arc<RedbTable>, TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = EmbeddedStore::open(dir.path()).expect("open the embedded store");
    (store.table(), dir)
}

async fn queue() -> (Arc<RedbQueue>, TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let options = StoreOptions { max_receives: MAX_RECEIVES, ..StoreOptions::default() };
    let store = EmbeddedStore::open_with(dir.path(), options).expect("open the embedded store");
    (store.queue(), dir)
}

async fn object_store() -> (Arc<FsObjectStore>, TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Arc::new(
        FsObjectStore::new(dir.path(), "http://unbound.invalid", "conformance-secret-0123456789")
            .expect("object store"),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    let address = listener.local_addr().expect("bound address");
    store.set_base_url(format!("http://{address}"));
    let app = router(store.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (store, dir)
}

mod table {
    motcua_ports::table_conformance_tests!(async { super::table().await });
}

mod queue {
    motcua_ports::queue_conformance_tests!(async { super::queue().await }, max_receives = super::MAX_RECEIVES);
}

mod object_store {
    motcua_ports::object_store_conformance_tests!(async { super::object_store().await });
}
