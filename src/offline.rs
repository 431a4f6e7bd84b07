//! Commands on a data directory with no server running: `motcua audit verify` recomputes the
//! chained ledger the way `GET /api/v1/audit/verify` does.

use crate::StartError;
use motcua_core::events::RegisterOnly;
use motcua_core::ledger::Verification;
use motcua_core::{Adapters, Config, Services};
use motcua_embedded::{EmbeddedStore, FsObjectStore};
use motcua_ports::SystemClock;
use std::path::Path;
use std::sync::Arc;

/// Verifies the ledger kept in `data_dir` (the server must be stopped: the store is locked).
pub async fn verify_ledger(data_dir: &Path) -> Result<Verification, StartError> {
    let keys = data_dir.join("keys");
    let read =
        |name: &str| std::fs::read_to_string(keys.join(name)).map_err(|e| StartError::DataDir(keys.join(name), e));
    let store = EmbeddedStore::open(data_dir).map_err(|e| StartError::Store(e.to_string()))?;
    let objects = FsObjectStore::new(data_dir.join("objects"), "http://127.0.0.1", read("objects.secret")?.as_bytes())
        .map_err(|e| StartError::Store(e.to_string()))?;
    let adapters = Adapters {
        table: store.table(),
        objects: Arc::new(objects),
        queue: store.queue(),
        clock: Arc::new(SystemClock),
        notifier: Arc::new(RegisterOnly),
        connections: Default::default(),
    };
    let config = Config::new(String::from("motcua"), read("lookup.pepper")?);
    let services = Services::assemble(adapters, &[read("jwt-ed25519.pem")?], config).await?;
    Ok(motcua_core::ledger::verify(&services).await?)
}
