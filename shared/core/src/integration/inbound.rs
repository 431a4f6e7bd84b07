//! Dossiers filed on the national portal (M10, in): pushed by the portal to
//! `POST /api/v1/national-portal/dossiers` (signed with the shared inbound secret) or pulled
//! from it. Each is read and checked, its files fetched from the portal and stored, and it
//! enters the same reception as an online dossier (channel 2, status 1) — stored once per
//! portal code, in one transaction with the marker that makes a repeat a no-op, and
//! acknowledged only after that commit.

use super::webhooks::signed;
use super::DVCQG;
use crate::access::new_secret;
use crate::drafts::new_dossier;
use crate::{actions, catalogue, keys, Caller, CoreError, CoreResult, Services};
use motcua_domain::dossier::{AttachedFile, Channel};
use motcua_domain::lifecycle::Command;
use motcua_domain::national::IncomingDossier;
use motcua_domain::roles::Role;
use motcua_ports::{Condition, Record, WriteOp};
use serde::{Deserialize, Serialize};
use sha2::Digest;

/// What the portal is told about one dossier it sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Received {
    /// The portal's code.
    pub portal_code: String,
    /// The dossier here.
    pub dossier_id: String,
    /// Already received before: nothing was changed.
    pub duplicate: bool,
}

/// Checks the portal's signature of a pushed body (`X-DVCQG-Signature`, the webhook scheme:
/// `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, at most 5 minutes old).
pub fn verify_push(s: &Services, header: Option<&str>, body: &[u8]) -> CoreResult<()> {
    let Some(secret) = &s.connections.inbound_secret else {
        return Err(CoreError::Forbidden("Chưa cấu hình kết nối nhận hồ sơ từ Cổng Dịch vụ công quốc gia.".into()));
    };
    if header.is_some_and(|h| signed(secret, h, body, 300)) {
        Ok(())
    } else {
        Err(CoreError::Unauthenticated("Chữ ký của Cổng Dịch vụ công quốc gia không hợp lệ.".into()))
    }
}

async fn existing(s: &Services, code: &str) -> CoreResult<Option<String>> {
    Ok(s.table.get(&keys::inbound(DVCQG, code)).await?.map(|i| keys::data(&i)).transpose()?)
}

async fn fetch_files(s: &Services, d_id: &str, incoming: &IncomingDossier) -> CoreResult<Vec<AttachedFile>> {
    let portal =
        s.connections.portal.as_ref().ok_or_else(|| CoreError::Upstream("Cổng DVCQG chưa được cấu hình".into()))?;
    let mut files = vec![];
    for f in &incoming.files {
        let bytes = portal.download(&f.url).await.map_err(|e| CoreError::Upstream(e.to_string()))?;
        let content_type = infer::get(&bytes).map_or("application/octet-stream", |t| t.mime_type()).to_string();
        let file_id = uuid::Uuid::now_v7().to_string();
        let object_key = format!("dossiers/{d_id}/{file_id}");
        let size = bytes.len() as u64;
        let sha256 = hex::encode(sha2::Sha256::digest(&bytes));
        s.objects.put(&object_key, bytes, &content_type).await?;
        files.push(AttachedFile {
            file_id,
            component: f.component.clone(),
            filename: f.filename.clone(),
            content_type,
            size,
            sha256,
            object_key,
            uploaded_at: s.now(),
            digitised: false,
            signature: None,
        });
    }
    Ok(files)
}

/// Receives one dossier record from the portal.
pub async fn receive(s: &Services, record: &Record) -> CoreResult<Received> {
    let incoming = IncomingDossier::parse(record).map_err(CoreError::Validation)?;
    let code = incoming.portal_code.clone();
    if let Some(id) = existing(s, &code).await? {
        return Ok(Received { portal_code: code, dossier_id: id, duplicate: true });
    }
    let procedure = catalogue::procedure(s, &incoming.procedure_code).await.map_err(|e| match e {
        CoreError::NotFound(_) => {
            CoreError::field("MaTTHC", "unknown_procedure", "Thủ tục không có trong danh mục của đơn vị.")
        }
        e => e,
    })?;
    let owner = format!("{DVCQG}:{code}");
    let business = incoming.applicant.business_code.is_some();
    let caller = Caller {
        id: owner.clone().into(),
        role: if business { Role::Business } else { Role::Citizen },
        agency: None,
        name: incoming.applicant.full_name.clone(),
        // The national portal authenticated the applicant with VNeID.
        vneid_level: Some(2),
    };
    // What the portal says of the applicant fills the form where its own data is silent.
    let mut form = incoming.applicant.prefill(&procedure);
    form.extend(incoming.form.clone());
    let mut d =
        new_dossier(s, &procedure, owner.into(), incoming.applicant.clone(), Channel::Online, form, s.now()).await?;
    d.portal_code = Some(code.clone());
    d.components = fetch_files(s, &d.id, &incoming).await?;
    let marker =
        WriteOp::Put { item: keys::item(&keys::inbound(DVCQG, &code), &d.id, &[])?, condition: Condition::NotExists };
    let id = d.id.clone();
    let command = Command::Submit { procedure: Box::new(procedure), receipt_secret: new_secret(), regime: d.regime };
    match actions::create_with(s, &caller, d, command, vec![marker]).await {
        Ok(_) => Ok(Received { portal_code: code, dossier_id: id, duplicate: false }),
        // Received meanwhile by a concurrent push or pull.
        Err(CoreError::Conflict) => match existing(s, &code).await? {
            Some(id) => Ok(Received { portal_code: code, dossier_id: id, duplicate: true }),
            None => Err(CoreError::Conflict),
        },
        Err(e) => Err(e),
    }
}

/// Pulls (see [`pull`]) unless the last pull is less than a minute old.
pub async fn pull_if_due(s: &Services) -> CoreResult<usize> {
    let key = motcua_ports::Key::new(keys::connection(DVCQG), "PULL");
    let now = s.clock.now().timestamp_millis();
    let last = s.table.get(&key).await?.and_then(|i| motcua_ports::attr_i64(&i, "at_ms"));
    if last.is_some_and(|last| now - last < 60_000) {
        return Ok(0);
    }
    let mut item = keys::item(&key, &(), &[])?;
    item.insert("at_ms".into(), serde_json::json!(now));
    s.table.put(item, Condition::None).await?;
    pull(s).await
}

/// Pulls the dossiers filed on the portal and receives those not received yet. A record the
/// portal sent wrong is logged and left (it will come again, and the operator sees it).
pub async fn pull(s: &Services) -> CoreResult<usize> {
    let Some(portal) = &s.connections.portal else { return Ok(0) };
    let records = match portal.pull_new().await {
        Ok(r) => r,
        Err(e) => {
            super::health::record_failure(s, DVCQG, &e).await?;
            return Ok(0);
        }
    };
    let mut received = 0;
    for r in &records {
        match receive(s, r).await {
            Ok(x) if !x.duplicate => received += 1,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, code = ?r.get("MaHoSo"), "dossier from the national portal not received")
            }
        }
    }
    Ok(received)
}
