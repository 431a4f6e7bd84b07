//! Counter and postal reception (M2, G8): a paper dossier entered by the receiving officer in
//! status 1; the officer then scans its components (uploads flagged as digitised) and
//! accepts, asks for a supplement or refuses. A Public Administration Service Centre receives
//! the boundary-free procedures of every agency (R5).

use crate::access::new_secret;
use crate::actions;
use crate::drafts::new_dossier;
use crate::{catalogue, Caller, CoreError, CoreResult, Services};
use motcua_domain::catalogue::{validate_form, Procedure};
use motcua_domain::dossier::{Channel, IdentityCheck, IdentityMethod, Office};
use motcua_domain::error::FieldError;
use motcua_domain::lifecycle::Command;
use motcua_domain::profile::Profile;
use motcua_domain::regime::Regime;
use motcua_domain::roles::Role;
use motcua_domain::views::DossierView;
use serde::Deserialize;
use serde_json::{Map, Value};

/// A paper dossier entered at the counter or received by post.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CounterDossier {
    /// Code of the procedure.
    pub procedure: String,
    #[schema(value_type = PaperChannel)]
    pub channel: Channel,
    pub applicant: Profile,
    /// The form's values, complete.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub form: Map<String, Value>,
    #[serde(default)]
    pub note: Option<String>,
    /// How the applicant's identity was checked (in person; required under the 2025 regime).
    #[serde(default)]
    pub identity: Option<IdentityInput>,
}

/// The identity check at the counter (Decree 309/2026, R8).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityInput {
    pub method: IdentityMethod,
    /// What the chip reader or VNeID gave: it fills the applicant's details (not with a paper
    /// document).
    #[serde(default)]
    pub read: Option<Profile>,
}

/// How a paper dossier came in: at the counter (channel 1) or by post (channel 3).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum PaperChannel {
    InPerson,
    Post,
}

/// Records a paper dossier (channel 1 or 3) in status 1.
pub async fn receive_at_counter(s: &Services, caller: &Caller, req: CounterDossier) -> CoreResult<DossierView> {
    if caller.role != Role::ReceivingOfficer {
        return Err(CoreError::Forbidden("Chỉ cán bộ tiếp nhận được nhận hồ sơ giấy.".into()));
    }
    if req.channel == Channel::Online {
        return Err(CoreError::invalid(
            "invalid_channel",
            "Kênh nhận hồ sơ giấy là “in_person” (trực tiếp) hoặc “post” (bưu chính).",
        ));
    }
    let procedure = catalogue::procedure(s, &req.procedure).await?;
    let reception_office = reception_office(s, caller, &procedure).await?;
    let now = s.now();
    let mut req = req;
    let identity_check = identity_check(s, caller, &mut req, now)?;
    let mut errors: Vec<FieldError> = req
        .applicant
        .check()
        .into_iter()
        .map(|e| FieldError { field: format!("applicant.{}", e.field), ..e })
        .collect();
    let form = match validate_form(&procedure.form, &req.form, true) {
        Ok(f) => f,
        Err(mut e) => {
            errors.append(&mut e);
            Map::new()
        }
    };
    if !errors.is_empty() {
        return Err(CoreError::Validation(errors));
    }
    let owner = format!("counter:{}", procedure.agency).into();
    let mut d = new_dossier(s, &procedure, owner, req.applicant, req.channel, form, now).await?;
    d.reception_office = reception_office;
    d.identity_check = identity_check;
    actions::create(s, caller, d, Command::ReceiveAtCounter { receipt_secret: new_secret(), note: req.note }).await
}

/// Where a paper dossier of `procedure` is received: at the competent authority's own one-stop
/// office (`None`), or — for a procedure on the boundary-free list (R5) — at any Public
/// Administration Service Centre of the province, which becomes its official receiving office.
async fn reception_office(s: &Services, caller: &Caller, procedure: &Procedure) -> CoreResult<Option<Office>> {
    if caller.works_for(&procedure.agency) {
        return Ok(None);
    }
    let refused = || CoreError::Forbidden("Thủ tục không thuộc thẩm quyền tiếp nhận của cơ quan.".into());
    let agency = catalogue::agency(s, caller.agency.as_deref().ok_or_else(refused)?).await?;
    if !(procedure.boundary_free && agency.service_centre) {
        return Err(CoreError::Forbidden(
            "Thủ tục không thuộc thẩm quyền tiếp nhận của cơ quan, và không thuộc danh mục tiếp nhận không phụ thuộc địa giới hành chính tại Trung tâm Phục vụ hành chính công.".into(),
        ));
    }
    Ok(Some(Office { code: agency.code, name: agency.name }))
}

/// Records how the applicant's identity was checked, and fills their details from what a chip
/// reader or VNeID gave; under the 2025 regime an applicant in person must be checked.
fn identity_check(
    s: &Services,
    caller: &Caller,
    req: &mut CounterDossier,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> CoreResult<Option<IdentityCheck>> {
    let Some(input) = req.identity.take() else {
        if req.channel == Channel::InPerson && s.regime_at(now.date_naive()) == Regime::R2025 {
            return Err(CoreError::field(
                "identity.method",
                "required",
                "Vui lòng xác thực danh tính người nộp (ứng dụng VNeID, đầu đọc chip hoặc giấy tờ tùy thân).",
            ));
        }
        return Ok(None);
    };
    let filled_from_read = match input.read {
        Some(read) if input.method != IdentityMethod::PaperId => {
            let a = &mut req.applicant;
            a.full_name = read.full_name;
            a.id_number = read.id_number.or(a.id_number.take());
            a.date_of_birth = read.date_of_birth.or(a.date_of_birth.take());
            a.gender = read.gender.or(a.gender.take());
            a.address = read.address.or(a.address.take());
            true
        }
        _ => false,
    };
    Ok(Some(IdentityCheck {
        method: input.method,
        method_label: input.method.label().into(),
        checked_at: now,
        checked_by: caller.person(),
        id_number: req.applicant.id_number.clone(),
        filled_from_read,
    }))
}
