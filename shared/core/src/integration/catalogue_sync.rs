//! The national procedure catalogue and shared e-catalogues, in (M1, M5, G6). For each of our
//! procedures that the national catalogue lists (`LayDanhSachTTHC`), its national record
//! (`LayThuTuc`) is compared with ours; a change of what the nation owns — the name, the field,
//! the legal basis, the steps — is published as a new version of the procedure, effective from
//! the sync, keeping what the province added (form schema, components, workflow, agency).
//! Fields of the shared catalogue are added or renamed, our agencies renamed. Every change is recorded for officers
//! (`GET /api/v1/integrations/catalogue-changes`); national procedures the province has not
//! adopted are listed, not invented.

use super::DVCQG;
use crate::{catalogue, keys, Caller, CoreError, CoreResult, Services};
use chrono::{DateTime, FixedOffset};
use motcua_domain::roles::Role;
use motcua_ports::{Condition, Index, Key, Query, Record, SharedCatalogue};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One change the sync made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CatalogueChange {
    pub at: DateTime<FixedOffset>,
    /// `procedure`, `field` or `agency`.
    pub kind: String,
    pub code: String,
    /// New version of a procedure.
    pub version: Option<u32>,
    /// What changed, in words (`Tên thủ tục: “…” → “…”`).
    pub changes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CatalogueSyncReport {
    pub at: DateTime<FixedOffset>,
    /// National procedures compared with ours.
    pub compared: usize,
    pub changes: Vec<CatalogueChange>,
    /// National procedures the province does not offer (not adopted automatically).
    pub not_adopted: Vec<String>,
}

fn text(r: &Record, name: &str) -> Option<String> {
    r.get(name).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

fn texts(r: &Record, name: &str) -> Option<Vec<String>> {
    let a = r.get(name)?.as_array()?;
    Some(a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
}

fn upstream(e: motcua_ports::ConnectionError) -> CoreError {
    CoreError::Upstream(e.to_string())
}

async fn record_change(s: &Services, change: &CatalogueChange) -> CoreResult<()> {
    let key = Key::new(keys::CATALOGUE_CHANGES, format!("{}#{}#{}", change.at.to_rfc3339(), change.kind, change.code));
    Ok(s.table.put(keys::item(&key, change, &[])?, Condition::None).await?)
}

async fn sync_fields(s: &Services, source: &dyn motcua_ports::CatalogueSource) -> CoreResult<Vec<CatalogueChange>> {
    let ours = catalogue::fields(s).await?;
    let mut changes = vec![];
    for r in source.shared(SharedCatalogue::Fields).await.map_err(upstream)? {
        let (Some(code), Some(name)) = (text(&r, "MALINHVUC"), text(&r, "TENLINHVUC")) else { continue };
        let what = match ours.iter().find(|f| f.code == code) {
            Some(f) if f.name == name => continue,
            Some(f) => format!("Tên lĩnh vực: “{}” → “{name}”", f.name),
            None => format!("Lĩnh vực mới: “{name}”"),
        };
        catalogue::put_field(s, &motcua_domain::catalogue::Field { code: code.clone(), name }).await?;
        changes.push(CatalogueChange { at: s.now(), kind: "field".into(), code, version: None, changes: vec![what] });
    }
    Ok(changes)
}

/// Renames our agencies as the shared catalogue names them (`LayDanhMucCoQuan`); agencies we do
/// not have are not created (which units receive dossiers is the province's decision).
async fn sync_agencies(s: &Services, source: &dyn motcua_ports::CatalogueSource) -> CoreResult<Vec<CatalogueChange>> {
    let ours = catalogue::agencies(s).await?;
    let mut changes = vec![];
    for r in source.shared(SharedCatalogue::Agencies).await.map_err(upstream)? {
        let (Some(code), Some(name)) = (text(&r, "MADONVI"), text(&r, "TENDONVI")) else { continue };
        let Some(agency) = ours.iter().find(|a| a.code == code.as_str() && a.name != name) else { continue };
        let what = format!("Tên cơ quan: “{}” → “{name}”", agency.name);
        catalogue::put_agency(s, &motcua_domain::catalogue::Agency { name, ..agency.clone() }).await?;
        changes.push(CatalogueChange { at: s.now(), kind: "agency".into(), code, version: None, changes: vec![what] });
    }
    Ok(changes)
}

/// Pulls and applies the national catalogue; the report lists what changed.
pub async fn run(s: &Services) -> CoreResult<CatalogueSyncReport> {
    let source =
        s.connections.catalogue.clone().ok_or_else(|| CoreError::Upstream("Cổng DVCQG chưa được cấu hình".into()))?;
    let mut shared = sync_fields(s, source.as_ref()).await?;
    shared.extend(sync_agencies(s, source.as_ref()).await?);
    let mut report = CatalogueSyncReport { at: s.now(), compared: 0, changes: shared, not_adopted: vec![] };
    for summary in source.procedures().await.map_err(upstream)? {
        let Some(code) = text(&summary, "MATTHC") else { continue };
        let mut ours = match catalogue::procedure(s, &code).await {
            Ok(p) => p,
            Err(CoreError::NotFound(_)) => {
                report.not_adopted.push(code);
                continue;
            }
            Err(e) => return Err(e),
        };
        let Some(national) = source.procedure(&code).await.map_err(upstream)? else { continue };
        report.compared += 1;
        let mut changes = vec![];
        if let Some(name) = text(&national, "TENTTHC").filter(|n| *n != ours.name) {
            changes.push(format!("Tên thủ tục: “{}” → “{name}”", ours.name));
            ours.name = name;
        }
        let field = national
            .get("LINHVUCTHUCHIEN")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(Value::as_object);
        if let Some(field) = field.and_then(|f| text(f, "MALINHVUC")).filter(|f| *f != ours.field) {
            changes.push(format!("Lĩnh vực: “{}” → “{field}”", ours.field));
            ours.field = field;
        }
        if let Some(basis) = texts(&national, "CANCUPHAPLY").filter(|b| !b.is_empty() && *b != ours.legal_basis) {
            changes.push(format!("Căn cứ pháp lý: {}", basis.join("; ")));
            ours.legal_basis = basis;
        }
        if let Some(steps) = texts(&national, "TRINHTUTHUCHIEN").filter(|b| !b.is_empty() && *b != ours.steps) {
            changes.push("Trình tự thực hiện được cập nhật".to_string());
            ours.steps = steps;
        }
        if changes.is_empty() {
            continue;
        }
        let published = catalogue::publish_procedure(s, ours).await?;
        let change =
            CatalogueChange { at: s.now(), kind: "procedure".into(), code, version: Some(published.version), changes };
        record_change(s, &change).await?;
        report.changes.push(change);
    }
    for change in report.changes.iter().filter(|c| c.kind != "procedure") {
        record_change(s, change).await?;
    }
    Ok(report)
}

/// Runs the catalogue sync now (an operator's button).
pub async fn run_now(s: &Services, caller: &Caller) -> CoreResult<CatalogueSyncReport> {
    if caller.role != Role::SystemAdmin {
        return Err(CoreError::Forbidden("Chỉ quản trị hệ thống đồng bộ danh mục thủ tục quốc gia.".into()));
    }
    let report = run(s).await?;
    crate::admin::audit_record(
        s,
        caller,
        "integration.catalogue_sync",
        DVCQG,
        &format!("{} thay đổi", report.changes.len()),
    )
    .await?;
    Ok(report)
}

/// What the syncs changed, newest first (staff).
pub async fn changes(s: &Services, caller: &Caller, limit: usize) -> CoreResult<Vec<CatalogueChange>> {
    if !caller.role.is_agency_staff() && caller.role != Role::SystemAdmin {
        return Err(CoreError::Forbidden("Chỉ cán bộ xem lịch sử đồng bộ danh mục.".into()));
    }
    let page =
        s.table.query(Query::partition(Index::Primary, keys::CATALOGUE_CHANGES).descending().limit(limit)).await?;
    Ok(page.items.iter().map(keys::data).collect::<Result<_, _>>()?)
}
