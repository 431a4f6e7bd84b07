//! The archive (G9, M4): closed dossiers move to it a year after closing — their files, record
//! and chain proof sealed in an archive package — and are read-only from then, found by code
//! by those entitled; past the procedure's retention period an administrator of the handling
//! agency erases the applicant's personal data (messages and a rating's comment included) on a
//! destruction decision, and the erasure is recorded in the dossier, the audit log and the
//! chained ledger. The rules are in [`motcua_domain::retention`]; the package's layout in
//! [`crate::archive_package`].

use crate::archive_package::{self, PackagedFile};
use crate::store::{commit, Change};
use crate::{keys, ledger, Caller, CoreError, CoreResult, Services};
use motcua_domain::dossier::{Dossier, Person, Status};
use motcua_domain::ids::{AgencyCode, DossierCode, ProcedureCode};
use motcua_domain::retention::{self, ArchiveRecord, Erasure, Package};
use motcua_domain::roles::Role;
use motcua_ports::{Condition, Index, Query, SortCondition, WriteOp};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Dossiers archived per run at most (each package is built in memory).
const BATCH: usize = 25;
/// A dossier whose last change is not yet chained waits this long for the sealer before it is
/// archived with the proof it has (dossiers closed before the ledger existed).
const CHAIN_WAIT_DAYS: i64 = 1;

/// The entry that makes a closed dossier due for the archive, written with each of its
/// changes (the same key each time).
pub(crate) fn due_op(d: &Dossier) -> CoreResult<Option<WriteOp>> {
    let Some(due) = retention::archive_due(d) else { return Ok(None) };
    let key = keys::archive_due(due.timestamp(), &d.id);
    Ok(Some(WriteOp::Put { item: keys::item(&key, &d.id, &[])?, condition: Condition::None }))
}

/// The refusal of any change to an archived dossier.
pub(crate) fn read_only() -> CoreError {
    CoreError::rule("dossier_archived", "Hồ sơ đã chuyển vào lưu trữ: chỉ được xem, không được thay đổi.")
}

/// Archives the dossiers due at the domain clock's now; returns how many were archived. A
/// dossier that fails (a file missing from storage) stays due and is tried again next run.
pub async fn sweep(s: &Services) -> CoreResult<usize> {
    let now = s.now();
    let due = Query::partition(Index::Primary, keys::ARCHIVE_DUE)
        .sort(SortCondition::Between("0".into(), format!("{:010}#~", now.timestamp())))
        .limit(BATCH);
    let mut archived = 0;
    for item in s.table.query(due).await?.items {
        let id: String = keys::data(&item)?;
        match archive_one(s, &id).await {
            Ok(Outcome::Waiting) => continue,
            Ok(Outcome::Archived) => archived += 1,
            Ok(Outcome::Nothing) => {}
            Err(e) => {
                tracing::warn!(dossier = %id, error = %e, "archiving failed; tried again next run");
                continue;
            }
        }
        let key = motcua_ports::Key::new(keys::ARCHIVE_DUE, motcua_ports::attr_str(&item, "sk").unwrap_or_default());
        s.table.delete(&key, Condition::None).await?;
    }
    Ok(archived)
}

enum Outcome {
    Archived,
    /// Its last change is not chained yet.
    Waiting,
    /// Gone, already archived, or reopened.
    Nothing,
}

async fn archive_one(s: &Services, id: &str) -> CoreResult<Outcome> {
    let Some(item) = s.table.get(&keys::dossier(id)).await? else { return Ok(Outcome::Nothing) };
    let d: Dossier = keys::data(&item)?;
    let now = s.now();
    let (Some(closed), None) = (retention::closed_at(&d), &d.archive) else { return Ok(Outcome::Nothing) };
    let record = item.get("data").cloned().unwrap_or(Value::Null);
    let proof = ledger::proof(s, &format!("dossier:{id}")).await?;
    let complete = proof.last_digest() == Some(ledger::digest(&record).as_str());
    if !complete && now - d.updated_at < chrono::Duration::days(CHAIN_WAIT_DAYS) {
        return Ok(Outcome::Waiting);
    }
    let mut files = vec![];
    for f in d.components.iter().chain(d.result.iter()) {
        let (bytes, _) = s.objects.get(&f.object_key).await?;
        if hex::encode(Sha256::digest(&bytes)) != f.sha256 {
            return Err(CoreError::Internal(format!("file {} of dossier {id} differs from its digest", f.file_id)));
        }
        files.push(PackagedFile { component: f.component.clone(), filename: f.filename.clone(), bytes });
    }
    let name = format!("{}.zip", d.code.as_ref().map_or(id.to_string(), ToString::to_string));
    let zip = archive_package::build(&d, &record, &proof, complete, files, now)?;
    let key = keys::archive_package(id, &name);
    let meta = s.objects.put(&key, zip.into(), "application/zip").await?;
    let package = Package { object_key: key, filename: name, size: meta.size, sha256: meta.sha256 };
    let mut archived = d.clone();
    archived.archive = Some(retention::record(&d, closed, now, package));
    let previous = archived.touch(now);
    commit(s, Change { archival: true, ..Change::new(archived, Some(previous)) }, (), None).await?;
    Ok(Outcome::Archived)
}

/// An archived dossier as the archive search shows it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArchivedDossier {
    pub id: String,
    pub code: DossierCode,
    pub procedure_code: ProcedureCode,
    pub procedure_name: String,
    pub agency: AgencyCode,
    pub agency_name: String,
    pub applicant_name: String,
    pub status: Status,
    pub status_label: String,
    pub archive: ArchiveRecord,
}

impl ArchivedDossier {
    fn of(d: Dossier, archive: ArchiveRecord, code: DossierCode) -> Self {
        ArchivedDossier {
            id: d.id,
            code,
            procedure_code: d.procedure_code,
            procedure_name: d.procedure_name,
            agency: d.agency,
            agency_name: d.agency_name,
            applicant_name: d.applicant.full_name,
            status: d.status,
            status_label: d.status.label().into(),
            archive,
        }
    }
}

/// Who may find an archived dossier: its owner, staff of its handling agency, the system
/// administrator. Anyone else is told it does not exist.
fn entitled(caller: &Caller, d: &Dossier) -> bool {
    d.owner == caller.id || caller.works_for(&d.agency) || caller.role == Role::SystemAdmin
}

/// The archived dossier with this code, for an entitled caller.
async fn find(s: &Services, caller: &Caller, code: &str) -> CoreResult<(Dossier, ArchiveRecord, DossierCode)> {
    let not_found = || CoreError::NotFound("Không tìm thấy hồ sơ lưu trữ với mã này.".into());
    if !motcua_domain::codes::looks_like_dossier_code(code) {
        return Err(not_found());
    }
    let lookup = s.table.get(&keys::lookup(code)).await?.ok_or_else(not_found)?;
    let id = motcua_ports::attr_str(&lookup, "dossier").ok_or_else(not_found)?.to_string();
    let d = crate::store::load(s, &id).await?;
    match (&d.archive, &d.code) {
        (Some(archive), Some(code)) if entitled(caller, &d) => {
            let (archive, code) = (archive.clone(), code.clone());
            Ok((d, archive, code))
        }
        _ => Err(not_found()),
    }
}

/// Search of the archive by dossier code (recorded as a read of personal data).
pub async fn get(s: &Services, caller: &Caller, code: &str) -> CoreResult<ArchivedDossier> {
    let (d, archive, code) = find(s, caller, code).await?;
    crate::reads::record(s, caller, &d, "archive".into()).await?;
    Ok(ArchivedDossier::of(d, archive, code))
}

/// A short-lived link to the archive package.
pub async fn package(s: &Services, caller: &Caller, code: &str) -> CoreResult<crate::PresignedUrl> {
    let (d, archive, _) = find(s, caller, code).await?;
    let Some(package) = archive.package else {
        return Err(CoreError::rule("package_erased", "Gói lưu trữ đã bị xóa cùng dữ liệu cá nhân của hồ sơ."));
    };
    crate::reads::record(s, caller, &d, format!("file:{}", package.filename)).await?;
    Ok(s.objects.presign_get(&package.object_key, &package.filename, s.config.download_url_ttl).await?)
}

/// The destruction decision under which personal data is erased.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErasureRequest {
    /// Number and date of the agency's decision ("Quyết định số 12/QĐ-UBND ngày 05/01/2037").
    #[schema(min_length = 1, max_length = 300)]
    pub decision: String,
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// Erases the applicant's personal data of an archived dossier past its retention period
/// (an administrator of the handling agency, or the system administrator): the dossier, the
/// audit log and the ledger record it in one transaction; its files and package are swept
/// from storage, its messages deleted. Asked again, it finishes what a failure left undone.
pub async fn erase(s: &Services, caller: &Caller, code: &str, req: ErasureRequest) -> CoreResult<ArchivedDossier> {
    let (mut d, archive, code) = find(s, caller, code).await?;
    if !(caller.role == Role::SystemAdmin || caller.role == Role::AgencyAdmin && caller.works_for(&d.agency)) {
        return Err(CoreError::Forbidden(
            "Chỉ quản trị của cơ quan giải quyết hoặc quản trị hệ thống được xóa dữ liệu hồ sơ lưu trữ.".into(),
        ));
    }
    if archive.erasure.is_some() {
        crate::messages::purge(s, &d.id).await?;
        return Ok(ArchivedDossier::of(d, archive, code));
    }
    let decision = required_text("decision", "số và ngày của quyết định hủy", &req.decision, 300)?;
    let reason = required_text("reason", "lý do", &req.reason, 1000)?;
    let now = s.now();
    if let Some((code, message)) = retention::erasure_refused(&d, now.date_naive()) {
        return Err(CoreError::rule(code, message));
    }
    let by = Person { id: caller.id.clone(), name: caller.name.clone() };
    let files_deleted = (d.components.len() + usize::from(d.result.is_some())) as u32;
    let reference = d.reference();
    let erasure = Erasure { at: now, by, decision: decision.clone(), reason, files_deleted };
    let mut extra = crate::admin::audit_ops_on(
        s,
        caller,
        "archive.erase",
        format!("dossier:{}", d.id).into(),
        format!("{reference} — {decision}"),
        Some(d.agency.clone()),
    )?;
    extra.extend(crate::feedback::erase_comment_op(s, &d.id).await?);
    for object in retention::erase(&mut d, erasure) {
        extra.push(crate::upload_limits::sweep_op(chrono::Utc::now().timestamp(), &d.id, &object)?);
    }
    let previous = d.touch(now);
    let archive = d.archive.clone().expect("archived");
    let view = ArchivedDossier::of(d.clone(), archive, code);
    let view = commit(s, Change { archival: true, extra, ..Change::new(d, Some(previous)) }, view, None).await?;
    crate::messages::purge(s, &view.id).await?;
    Ok(view)
}

fn required_text(field: &str, what: &str, value: &str, max: usize) -> CoreResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max || motcua_domain::credentials::has_forbidden_chars(value) {
        return Err(CoreError::field(field, "invalid", format!("Vui lòng nhập {what} (tối đa {max} ký tự).")));
    }
    Ok(value.to_string())
}
