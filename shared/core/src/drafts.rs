//! Drafts (P1, P2, P4): a new dossier of a procedure pre-filled from the applicant's profile,
//! and partial updates of its form until it is submitted.

use crate::access::ensure_owner;
use crate::idempotency::IdempotencyKey;
use crate::queries::view;
use crate::store::{check_if_match, commit, load, Change};
use crate::{catalogue, users, Caller, CoreError, CoreResult, Services};
use chrono::{DateTime, FixedOffset};
use motcua_domain::catalogue::{validate_form, Procedure};
use motcua_domain::dossier::{Channel, Dossier, Office, Status};
use motcua_domain::ids::UserId;
use motcua_domain::profile::Profile;
use motcua_domain::roles::Role;
use motcua_domain::views::DossierView;
use serde::Deserialize;
use serde_json::{Map, Value};

/// Request to create a draft.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDraft {
    /// Code of the procedure.
    pub procedure: String,
    /// Form values to start with (the rest is pre-filled from the profile).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub form: Map<String, Value>,
    /// Code of the Public Administration Service Centre where the applicant is being helped to
    /// file (its kiosk or help desk; R5).
    #[serde(default)]
    #[schema(max_length = 35)]
    pub assisted_at: Option<String>,
}

/// Creates a draft of a procedure for the caller, pre-filled from the profile (P1, P4).
pub async fn create_draft(
    s: &Services,
    caller: &Caller,
    req: NewDraft,
    idem: Option<&IdempotencyKey>,
) -> CoreResult<DossierView> {
    if !caller.role.is_applicant() {
        return Err(CoreError::Forbidden("Chỉ công dân, doanh nghiệp được tạo hồ sơ trực tuyến.".into()));
    }
    if let Some(idem) = idem {
        if let Some(first) = idem.replay(s).await? {
            return Ok(first);
        }
    }
    let procedure = catalogue::procedure(s, &req.procedure).await?;
    procedure.check_login(caller).map_err(|m| CoreError::rule("vneid_level_required", m))?;
    let profile = users::user(s, &caller.id).await?.profile;
    let mut form = profile.prefill(&procedure);
    form.extend(req.form);
    let form = validate_form(&procedure.form, &form, false).map_err(CoreError::Validation)?;
    // A business files in its own name.
    let full_name = profile.business_name.clone().filter(|_| caller.role == Role::Business);
    let applicant = Profile { full_name: full_name.unwrap_or_else(|| profile.full_name.clone()), ..profile };
    let assisted_at = match req.assisted_at.as_deref() {
        Some(code) => Some(assisting_centre(s, code).await?),
        None => None,
    };
    let mut dossier = new_dossier(s, &procedure, caller.id.clone(), applicant, Channel::Online, form, s.now()).await?;
    dossier.assisted_at = assisted_at;
    let response = view(s, caller, dossier.clone());
    commit(s, Change::new(dossier, None), response, idem).await
}

/// The service centre in force named `code`, where an applicant is being helped to file.
async fn assisting_centre(s: &Services, code: &str) -> CoreResult<Office> {
    let centre = catalogue::agency(s, code).await.ok().filter(|a| a.service_centre && a.in_force(s.now().date_naive()));
    match centre {
        Some(a) => Ok(Office { code: a.code, name: a.name }),
        None => Err(CoreError::field(
            "assisted_at",
            "not_a_service_centre",
            "Điểm hỗ trợ nộp hồ sơ phải là một Trung tâm Phục vụ hành chính công đang hoạt động.",
        )),
    }
}

/// A new dossier of the current version of `procedure`, in draft, with its workflow.
pub(crate) async fn new_dossier(
    s: &Services,
    procedure: &Procedure,
    owner: UserId,
    applicant: Profile,
    channel: Channel,
    form: Map<String, Value>,
    now: DateTime<FixedOffset>,
) -> CoreResult<Dossier> {
    if let Some(elsewhere) = &procedure.processed_in {
        return Err(CoreError::rule(
            "processed_elsewhere",
            format!(
                "Thủ tục “{}” được giải quyết trên {}; vui lòng nộp hồ sơ tại {}.",
                procedure.name, elsewhere.name, elsewhere.url
            ),
        ));
    }
    let agency = catalogue::agency(s, &procedure.agency).await?;
    if !agency.in_force(now.date_naive()) {
        let successor = match &agency.successor {
            Some(code) => format!(
                " Vui lòng nộp hồ sơ tại {}.",
                catalogue::agency(s, code).await.map_or(code.to_string(), |a| a.name)
            ),
            None => String::new(),
        };
        let since = agency
            .valid_to
            .map(|d| format!(" từ ngày {}", (d + chrono::Days::new(1)).format("%d/%m/%Y")))
            .unwrap_or_default();
        return Err(CoreError::rule(
            "agency_not_in_force",
            format!("{} không còn hoạt động{since}.{successor}", agency.name),
        ));
    }
    let id = uuid::Uuid::now_v7().to_string();
    let mut d = Dossier::draft(id, procedure, agency.name, owner, applicant, channel, form, now);
    d.regime = s.regime_at(now.date_naive());
    Ok(d)
}

/// Replaces form values of a draft (partial: only the given fields change).
pub async fn update_draft(
    s: &Services,
    caller: &Caller,
    id: &str,
    form: Map<String, Value>,
    if_match: Option<u64>,
) -> CoreResult<DossierView> {
    let mut d = load(s, id).await?;
    ensure_owner(caller, &d)?;
    check_if_match(&d, if_match)?;
    if d.status != Status::Draft {
        return Err(CoreError::rule("not_a_draft", "Chỉ sửa được hồ sơ nháp (chưa nộp)."));
    }
    let procedure = catalogue::procedure_version(s, &d.procedure_code, d.procedure_version).await?;
    let mut merged = d.form.clone();
    merged.extend(form);
    merged.retain(|_, v| !v.is_null());
    d.form = validate_form(&procedure.form, &merged, false).map_err(CoreError::Validation)?;
    let previous = d.touch(s.now());
    let response = view(s, caller, d.clone());
    commit(s, Change::new(d, Some(previous)), response, None).await
}
