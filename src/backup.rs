//! Backups of the embedded runtime (security issue, item 10). `POST /api/v1/backups` (system
//! administrator) takes an online, consistent backup while the server serves: a snapshot of
//! the database, then the object files and the keys, under `<data-dir>/backups/<time>`.
//! A backup directory is a data directory; `motcua restore --from BACKUP --data-dir DIR` copies
//! it into an empty place and verifies its ledger. On AWS, DynamoDB point-in-time recovery and
//! S3 versioning play this part (`docs/deploy.md`).

use crate::offline::verify_ledger;
use crate::StartError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json, Router};
use motcua_core::{CoreError, Services};
use motcua_domain::roles::Role;
use motcua_embedded::{copy_tree, EmbeddedStore};
use motcua_http::extract::Authenticated;
use motcua_http::{ApiError, ApiResult, AppState};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a backup is taken from.
pub struct Source {
    pub store: Arc<EmbeddedStore>,
    pub data_dir: PathBuf,
}

/// A backup just taken.
#[derive(Debug, Serialize)]
pub struct Backup {
    /// Its directory, relative to the data directory.
    pub path: String,
    pub items: u64,
    pub files: u64,
    pub bytes: u64,
}

/// The embedded-only route.
pub fn routes(source: Source, services: Arc<Services>) -> Router {
    Router::new()
        .route("/api/v1/backups", axum::routing::post(backup_now))
        .layer(Extension(Arc::new(source)))
        .with_state(services)
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Core(CoreError::Internal(format!("backup: {e}")))
}

async fn backup_now(
    State(_): State<AppState>,
    Authenticated(caller): Authenticated,
    Extension(source): Extension<Arc<Source>>,
) -> ApiResult<(StatusCode, Json<Backup>)> {
    if caller.role != Role::SystemAdmin {
        return Err(ApiError::Core(CoreError::Forbidden("Chỉ quản trị hệ thống được sao lưu dữ liệu.".into())));
    }
    let name = format!("backups/{}", chrono::Utc::now().format("%Y%m%d-%H%M%S-%3f"));
    let dest = source.data_dir.join(&name);
    let items = source.store.snapshot_to(&dest).await.map_err(internal)?;
    let data_dir = source.data_dir.clone();
    let copied = tokio::task::spawn_blocking(move || -> Result<(u64, u64), motcua_embedded::EmbeddedError> {
        let (files, bytes) = copy_tree(&data_dir.join("objects"), &dest.join("objects"), &["tmp"])?;
        copy_tree(&data_dir.join("keys"), &dest.join("keys"), &[])?;
        Ok((files, bytes))
    });
    let (files, bytes) = copied.await.map_err(internal)?.map_err(internal)?;
    tracing::info!(path = %name, items, files, bytes, "backup taken");
    Ok((StatusCode::CREATED, Json(Backup { path: name, items, files, bytes })))
}

/// `motcua restore`: copies the backup `from` into `data_dir`, which must hold no database
/// yet, then verifies the ledger of the result.
pub async fn restore(from: &Path, data_dir: &Path) -> Result<motcua_core::ledger::Verification, StartError> {
    if !from.join("motcua.redb").is_file() {
        return Err(StartError::Store(format!("{} không phải là bản sao lưu", from.display())));
    }
    if data_dir.join("motcua.redb").exists() {
        return Err(StartError::Store(format!(
            "{} đã có dữ liệu: hãy khôi phục vào thư mục trống",
            data_dir.display()
        )));
    }
    copy_tree(from, data_dir, &["backups"]).map_err(|e| StartError::Store(e.to_string()))?;
    verify_ledger(data_dir).await
}
