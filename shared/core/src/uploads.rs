//! Files of a dossier (P4, M4, P16): presigned uploads of components and results, checked
//! by the server once uploaded (declared size, type by content — never by the file name —,
//! SHA-256, limits) before they are attached; short-lived download links for entitled callers.

use crate::access::ensure_visible;
use crate::actions;
use crate::queries::view;
use crate::store::{commit, load, Change};
use crate::upload_limits::{self, DECLARATION_LIFETIME_SECS};
use crate::{catalogue, keys, Caller, CoreError, CoreResult, Services};
use motcua_domain::dossier::{Action, AttachedFile, Channel, Dossier, Status};
use motcua_domain::ids::UserId;
use motcua_domain::roles::Role;
use motcua_domain::views::DossierView;
use motcua_ports::{Condition, PresignedUrl, UploadConstraints, WriteOp};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Most files one component may hold.
const MAX_FILES_PER_COMPONENT: usize = 10;
/// Result files: PDF (signed electronic document) or scans.
const RESULT_TYPES: [&str; 3] = ["application/pdf", "image/jpeg", "image/png"];
const RESULT_MAX_BYTES: u64 = 20 * 1024 * 1024;
const RESULT: &str = "result";

/// A file the client is about to upload: its name, size, type and SHA-256, checked again
/// once the bytes are there.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadRequest {
    /// Up to 255 characters, without `/`, `\` or control characters.
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^/\\\x00-\x1f\x7f-\x9f]*[^/\\\x00-\x1f\x7f-\x9f\s][^/\\\x00-\x1f\x7f-\x9f]*$"
    )]
    pub filename: String,
    /// Bytes, at most the component's limit.
    #[schema(minimum = 1)]
    pub size: u64,
    /// One of the component's accepted types.
    #[schema(example = "application/pdf")]
    pub content_type: String,
    /// Hexadecimal SHA-256 of the bytes.
    #[schema(pattern = "^[0-9a-fA-F]{64}$")]
    pub sha256: String,
}

/// A declared upload waiting for its bytes.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    upload_id: String,
    component: String,
    filename: String,
    size: u64,
    content_type: String,
    sha256: String,
    object_key: String,
    by: UserId,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UploadTicket {
    pub upload_id: String,
    pub upload: PresignedUrl,
}

fn check_request(req: &UploadRequest, accepted: &[String], max_bytes: u64) -> CoreResult<()> {
    let name_ok = !req.filename.trim().is_empty()
        && req.filename.chars().count() <= 255
        && !req.filename.contains(['/', '\\'])
        && !req.filename.chars().any(char::is_control);
    if !name_ok {
        return Err(CoreError::field(
            "filename",
            "invalid_filename",
            "Tên tệp không hợp lệ (tối đa 255 ký tự, không chứa /, \\ hoặc ký tự điều khiển).",
        ));
    }
    if req.sha256.len() != 64 || !req.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(CoreError::field("sha256", "invalid_sha256", "Mã băm SHA-256 phải gồm 64 ký tự thập lục phân."));
    }
    if !accepted.iter().any(|t| t == &req.content_type) {
        return Err(CoreError::field(
            "content_type",
            "type_not_accepted",
            format!("Loại tệp không được chấp nhận. Chấp nhận: {}.", accepted.join(", ")),
        ));
    }
    if req.size == 0 {
        return Err(CoreError::field("size", "empty_file", "Tệp rỗng."));
    }
    if req.size > max_bytes {
        return Err(CoreError::TooLarge(format!(
            "Tệp vượt quá dung lượng cho phép ({} MB).",
            max_bytes / (1024 * 1024)
        )));
    }
    Ok(())
}

async fn presign(
    s: &Services,
    dossier_id: &str,
    component: &str,
    req: UploadRequest,
    caller: &Caller,
) -> CoreResult<UploadTicket> {
    let upload_id = uuid::Uuid::now_v7().to_string();
    let pending = Pending {
        object_key: format!("dossiers/{dossier_id}/{upload_id}"),
        upload_id: upload_id.clone(),
        component: component.into(),
        filename: req.filename.trim().into(),
        size: req.size,
        content_type: req.content_type,
        sha256: req.sha256.to_lowercase(),
        by: caller.id.clone(),
    };
    let constraints = UploadConstraints {
        content_length: pending.size,
        content_type: pending.content_type.clone(),
        sha256: Some(pending.sha256.clone()),
    };
    let mut ops = upload_limits::charge(s, caller, dossier_id, &pending.object_key, pending.size).await?;
    let url = s.objects.presign_put(&pending.object_key, &constraints, s.config.upload_url_ttl).await?;
    let ttl = chrono::Utc::now().timestamp() + DECLARATION_LIFETIME_SECS;
    let item = keys::item(&keys::upload(dossier_id, &upload_id), &pending, &[("ttl", json!(ttl))])?;
    ops.push(WriteOp::Put { item, condition: Condition::NotExists });
    s.table.transact(ops).await?;
    Ok(UploadTicket { upload_id, upload: url })
}

/// Who may add component files, and when (M4): the owner to a draft or in reply to a
/// supplement request; the receiving officer to a paper dossier (counter or post) being
/// received or supplemented — those files are scans of paper (digitised: `true`).
fn ensure_may_add_components(caller: &Caller, d: &Dossier) -> CoreResult<bool> {
    ensure_visible(caller, d)?;
    let paper = d.channel != Channel::Online;
    let receives = caller.agency.as_deref().is_some_and(|a| d.receives(a));
    if caller.role == Role::ReceivingOfficer && receives && paper {
        if matches!(d.status, Status::Submitted | Status::SupplementRequested) {
            return Ok(true);
        }
        return Err(CoreError::invalid(
            "not_receivable",
            "Chỉ số hóa thành phần khi đang tiếp nhận hoặc bổ sung hồ sơ.",
        ));
    }
    if d.owner != caller.id {
        return Err(CoreError::Forbidden("Chỉ chủ hồ sơ được tải lên thành phần hồ sơ.".into()));
    }
    if !matches!(d.status, Status::Draft | Status::SupplementRequested) {
        return Err(CoreError::rule(
            "not_a_draft",
            "Chỉ tải thành phần lên hồ sơ chưa nộp hoặc đang được yêu cầu bổ sung.",
        ));
    }
    Ok(false)
}

/// Declares a component file and returns where to upload it (see [`ensure_may_add_components`]).
pub async fn request_component_upload(
    s: &Services,
    caller: &Caller,
    dossier_id: &str,
    component: &str,
    req: UploadRequest,
) -> CoreResult<UploadTicket> {
    let d = load(s, dossier_id).await?;
    ensure_may_add_components(caller, &d)?;
    let procedure = catalogue::procedure_version(s, &d.procedure_code, d.procedure_version).await?;
    let spec = procedure.component(component).ok_or_else(|| CoreError::not_found("thành phần hồ sơ"))?;
    if d.components.iter().filter(|f| f.component == component).count() >= MAX_FILES_PER_COMPONENT {
        return Err(CoreError::invalid("too_many_files", "Thành phần này đã có đủ số tệp tối đa (10)."));
    }
    check_request(&req, &spec.accepted_types, spec.max_size_bytes())?;
    presign(s, dossier_id, component, req, caller).await
}

/// Declares the result file of a dossier being processed (specialist or leader of its agency).
pub async fn request_result_upload(
    s: &Services,
    caller: &Caller,
    dossier_id: &str,
    req: UploadRequest,
) -> CoreResult<UploadTicket> {
    let d = load(s, dossier_id).await?;
    ensure_visible(caller, &d)?;
    if Action::SubmitForApproval.apply(d.status, caller.role).is_err() {
        Action::Finish.apply(d.status, caller.role)?;
    }
    // Only the handling agency produces results; an agency consulted or given a part does not.
    if !caller.works_for(&d.agency) {
        return Err(CoreError::Forbidden("Chỉ cơ quan giải quyết hồ sơ được tải lên kết quả.".into()));
    }
    let accepted: Vec<String> = RESULT_TYPES.iter().map(|t| t.to_string()).collect();
    check_request(&req, &accepted, RESULT_MAX_BYTES)?;
    presign(s, dossier_id, RESULT, req, caller).await
}

/// Content type recognised from the bytes themselves.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    infer::get(bytes).map(|t| t.mime_type())
}

/// Checks an uploaded object against its declaration; a bad object is deleted. The file, the
/// write that clears its declaration, and the bytes read to check it.
async fn verify(
    s: &Services,
    d: &Dossier,
    upload_id: &str,
    component: Option<&str>,
) -> CoreResult<(AttachedFile, WriteOp, bytes::Bytes)> {
    let key = keys::upload(&d.id, upload_id);
    let item = s.table.get(&key).await?.ok_or_else(|| CoreError::not_found("lượt tải lên"))?;
    // Expired declarations are refused even before the backend's ttl removes them: their
    // objects are the sweeper's.
    if motcua_ports::attr_i64(&item, "ttl").is_some_and(|ttl| ttl < chrono::Utc::now().timestamp()) {
        return Err(CoreError::not_found("lượt tải lên"));
    }
    let p: Pending = keys::data(&item)?;
    if component.is_some_and(|c| c != p.component) || (component.is_none() && p.component != RESULT) {
        return Err(CoreError::not_found("lượt tải lên"));
    }
    let Some(meta) = s.objects.head(&p.object_key).await? else {
        return Err(CoreError::invalid(
            "upload_missing",
            "Chưa nhận được tệp. Vui lòng tải tệp lên trước khi xác nhận.",
        ));
    };
    let (bytes, _) = s.objects.get(&p.object_key).await?;
    let sniffed = sniff(&bytes);
    let problem = if meta.size != p.size {
        Some(("size_mismatch", "Dung lượng tệp không khớp với dung lượng đã khai báo."))
    } else if meta.sha256 != p.sha256 {
        Some(("checksum_mismatch", "Mã băm SHA-256 của tệp không khớp với mã đã khai báo."))
    } else if sniffed != Some(p.content_type.as_str()) {
        Some((
            "type_mismatch",
            "Nội dung tệp không đúng loại đã khai báo (kiểm tra theo nội dung, không theo tên tệp).",
        ))
    } else {
        None
    };
    if let Some((code, message)) = problem {
        s.objects.delete(&p.object_key).await?;
        s.table.delete(&key, Condition::None).await?;
        return Err(CoreError::invalid(code, message));
    }
    let file = AttachedFile {
        file_id: p.upload_id.clone(),
        component: p.component,
        filename: p.filename,
        content_type: p.content_type,
        size: meta.size,
        sha256: meta.sha256,
        object_key: p.object_key,
        uploaded_at: s.now(),
        digitised: false,
        signature: None,
    };
    Ok((file, WriteOp::Delete { key, condition: Condition::Exists }, bytes))
}

/// Attaches an uploaded component file to the draft after checking it.
pub async fn complete_component_upload(
    s: &Services,
    caller: &Caller,
    dossier_id: &str,
    component: &str,
    upload_id: &str,
) -> CoreResult<DossierView> {
    let mut d = load(s, dossier_id).await?;
    let digitised = ensure_may_add_components(caller, &d)?;
    let (file, clear, _) = verify(s, &d, upload_id, Some(component)).await?;
    d.components.push(AttachedFile { digitised, ..file });
    let previous = d.touch(s.now());
    let response = view(s, caller, d.clone());
    commit(s, Change { extra: vec![clear], ..Change::new(d, Some(previous)) }, response, None).await
}

/// Removes a component file from a draft.
pub async fn remove_component_file(
    s: &Services,
    caller: &Caller,
    dossier_id: &str,
    file_id: &str,
) -> CoreResult<DossierView> {
    let mut d = load(s, dossier_id).await?;
    ensure_visible(caller, &d)?;
    if d.owner != caller.id || d.status != Status::Draft {
        return Err(CoreError::rule("not_a_draft", "Chỉ xóa tệp của hồ sơ nháp của chính mình."));
    }
    let before = d.components.len();
    d.components.retain(|f| f.file_id != file_id);
    if d.components.len() == before {
        return Err(CoreError::not_found("tệp"));
    }
    let previous = d.touch(s.now());
    let response = view(s, caller, d.clone());
    commit(s, Change::new(d, Some(previous)), response, None).await
}

/// Finishes processing with the uploaded result file (status 9), or, with
/// [`Action::SubmitForApproval`], submits it to the leader.
pub async fn finish(
    s: &Services,
    caller: &Caller,
    dossier_id: &str,
    action: Action,
    upload_id: &str,
    note: Option<String>,
    if_match: Option<u64>,
) -> CoreResult<DossierView> {
    let d = load(s, dossier_id).await?;
    ensure_visible(caller, &d)?;
    action.apply(d.status, caller.role)?;
    let (file, clear, bytes) = verify(s, &d, upload_id, None).await?;
    let file = sign_result(s, &d, file, &bytes).await?;
    let value = actions::act_with_result(s, caller, dossier_id, action, file, note, if_match).await?;
    // The pending record is only a declaration; clearing it late is harmless (it has a ttl).
    if let WriteOp::Delete { key, .. } = clear {
        s.table.delete(&key, Condition::None).await?;
    }
    Ok(value)
}

/// A PDF result signed with the certificate of the agency issuing it (P16), kept beside the
/// upload (the unsigned upload is swept like any upload no dossier holds); other files as they are.
async fn sign_result(s: &Services, d: &Dossier, file: AttachedFile, bytes: &[u8]) -> CoreResult<AttachedFile> {
    let Some(signer) = s.connections.signing.as_ref().filter(|_| file.content_type == "application/pdf") else {
        return Ok(file);
    };
    let reason = format!("Kết quả giải quyết hồ sơ {}", d.code.as_deref().unwrap_or(&d.id));
    let Some((signed, signature)) = signer.sign(&d.agency, &d.agency_name, bytes, &reason, s.now())? else {
        return Ok(file);
    };
    let object_key = format!("{}-ky-so", file.object_key);
    let meta = s.objects.put(&object_key, signed.into(), &file.content_type).await?;
    Ok(AttachedFile { object_key, size: meta.size, sha256: meta.sha256, signature: Some(signature), ..file })
}

/// A short-lived download link of a component or the result, for the owner or entitled staff.
pub async fn download(s: &Services, caller: &Caller, dossier_id: &str, file_id: &str) -> CoreResult<PresignedUrl> {
    let d = load(s, dossier_id).await?;
    ensure_visible(caller, &d)?;
    let file = d
        .components
        .iter()
        .chain(d.result.iter())
        .find(|f| f.file_id == file_id)
        .ok_or_else(|| CoreError::not_found("tệp"))?;
    crate::reads::record(s, caller, &d, format!("file:{}", file.filename)).await?;
    Ok(s.objects.presign_get(&file.object_key, &file.filename, s.config.download_url_ttl).await?)
}
