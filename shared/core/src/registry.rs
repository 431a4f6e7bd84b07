//! Pre-fill from the national population database with the applicant's consent (G5, P1; Law
//! 91/2025): the applicant of a draft agrees to the consent text, the database is read for
//! their own identification number — vouched for by VNeID, never one they typed — and the form
//! takes its values, marked as the registry's; the documents the database holds are not asked
//! for. The consent and each read (who, of which agency, when, why, which data) are kept with
//! the person's account: "Ai đã xem dữ liệu của tôi". An officer of the handling agency may read
//! the database again to check the dossier, while the consent stands; a withdrawn consent stops
//! every later read and changes nothing already done.

use crate::access::{ensure_owner, ensure_visible};
use crate::queries::view;
use crate::store::{check_if_match, commit, load, Change};
use crate::{catalogue, keys, users, Caller, CoreError, CoreResult, Services};
use chrono::{DateTime, FixedOffset};
use motcua_domain::dossier::{Dossier, Status};
use motcua_domain::profile::Profile;
use motcua_domain::registry::{consent_text, Registry, RegistryUse, CONSENT_VERSION};
use motcua_domain::views::DossierView;
use motcua_ports::{Condition, ConnectionError, Resident, ResidentQuery, WriteOp};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// How long a read stays on record (like the reads of a dossier).
const KEPT_SECS: i64 = 5 * 366 * 86_400;

/// The applicant agrees to the consent text of this version and asks for the pre-fill.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrefillRequest {
    /// The version of `GET /api/v1/registry/consent` the applicant read and agreed to.
    #[schema(max_length = 20)]
    pub consent_version: String,
}

/// A person's consent to reads of a registry for one dossier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Consent {
    pub id: String,
    pub registry: Registry,
    pub registry_name: String,
    /// The consent text agreed to, and its version.
    pub version: String,
    pub text: String,
    pub purpose: String,
    pub dossier_id: String,
    pub procedure_name: String,
    pub granted_at: DateTime<FixedOffset>,
    pub withdrawn_at: Option<DateTime<FixedOffset>>,
}

/// One read of a person's data in a registry: "Ai đã xem dữ liệu của tôi".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DataUse {
    pub at: DateTime<FixedOffset>,
    /// Who read: the person themselves, or the officer's full name.
    pub by: String,
    pub role_label: String,
    /// The reader's agency, for an officer.
    pub agency: Option<String>,
    pub purpose: String,
    pub registry_name: String,
    /// The data read.
    pub data: Vec<String>,
    pub consent_id: String,
    pub dossier_id: String,
}

/// One field of a dossier compared with the registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FieldCheck {
    pub field: String,
    pub label: String,
    pub in_dossier: Option<String>,
    pub in_registry: String,
    pub matches: bool,
}

/// An officer's check of a dossier against the registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegistryCheck {
    pub checked_at: DateTime<FixedOffset>,
    pub registry_name: String,
    pub fields: Vec<FieldCheck>,
    /// Every field compared matches.
    pub all_match: bool,
}

fn registry(s: &Services) -> CoreResult<&dyn motcua_ports::PopulationRegistry> {
    s.connections
        .population
        .as_deref()
        .ok_or_else(|| CoreError::rule("registry_off", "Hệ thống chưa kết nối Cơ sở dữ liệu quốc gia về dân cư."))
}

fn upstream(e: ConnectionError) -> CoreError {
    CoreError::Upstream(format!("{}: {e}", Registry::Population.label()))
}

/// The person as the registry holds them, as a profile (what pre-fills a form).
fn profile_of(r: Resident) -> Profile {
    Profile {
        full_name: r.full_name,
        id_number: Some(r.id_number),
        date_of_birth: Some(r.date_of_birth),
        gender: Some(r.gender),
        address: Some(r.permanent_address),
        ..Profile::default()
    }
}

/// Reads the registry for `id_number` under `consent`, by `reader`: the person, and the record
/// of the read (to be written with the change it serves).
async fn read(
    s: &Services,
    reader: &Caller,
    consent: &Consent,
    id_number: &str,
    purpose: String,
) -> CoreResult<(Profile, WriteOp)> {
    let query = ResidentQuery {
        id_number: id_number.to_string(),
        purpose: purpose.clone(),
        consent_id: consent.id.clone(),
        requested_by: reader.name.clone(),
    };
    let resident = registry(s)?.resident(&query).await.map_err(upstream)?.ok_or_else(|| {
        CoreError::rule(
            "not_in_registry",
            "Cơ sở dữ liệu quốc gia về dân cư chưa có thông tin của số định danh cá nhân này. Vui lòng tự kê khai.",
        )
    })?;
    let by_owner = reader.role.is_applicant();
    let agency = match (&reader.agency, by_owner) {
        (Some(code), false) => Some(catalogue::agency(s, code).await.map_or_else(|_| code.to_string(), |a| a.name)),
        _ => None,
    };
    let use_ = DataUse {
        at: s.now(),
        by: reader.name.clone(),
        role_label: if by_owner { "Chủ dữ liệu".into() } else { reader.role.label().into() },
        agency,
        purpose,
        registry_name: consent.registry_name.clone(),
        data: consent_text().data,
        consent_id: consent.id.clone(),
        dossier_id: consent.dossier_id.clone(),
    };
    let at_ms = chrono::Utc::now().timestamp_millis();
    let key = keys::data_use(consent_owner(&consent.id), at_ms, &uuid::Uuid::now_v7().to_string());
    let ttl = json!(chrono::Utc::now().timestamp() + KEPT_SECS);
    let op = WriteOp::Put { item: keys::item(&key, &use_, &[("ttl", ttl)])?, condition: Condition::NotExists };
    Ok((profile_of(resident), op))
}

/// The consents are kept under `CONSENT#<owner>`; the owner is part of the consent's id
/// (`<owner>.<uuid>`).
fn consent_owner(consent_id: &str) -> &str {
    consent_id.rsplit_once('.').map(|(owner, _)| owner).unwrap_or_default()
}

fn consent_op(c: &Consent, condition: Condition) -> CoreResult<WriteOp> {
    Ok(WriteOp::Put { item: keys::item(&keys::consent(consent_owner(&c.id), &c.id), c, &[])?, condition })
}

async fn load_consent(s: &Services, id: &str) -> CoreResult<Consent> {
    let key = keys::consent(consent_owner(id), id);
    let item = s.table.get(&key).await?.ok_or_else(|| CoreError::not_found("sự đồng ý"))?;
    Ok(keys::data(&item)?)
}

/// The consent text in force, when this deployment reads the population database.
pub fn consent(s: &Services) -> CoreResult<motcua_domain::registry::ConsentText> {
    registry(s)?;
    Ok(consent_text())
}

/// Fills the caller's draft from the population database, with their consent (P1, G5).
pub async fn prefill(
    s: &Services,
    caller: &Caller,
    dossier_id: &str,
    req: PrefillRequest,
    if_match: Option<u64>,
) -> CoreResult<DossierView> {
    let mut d = load(s, dossier_id).await?;
    ensure_owner(caller, &d)?;
    check_if_match(&d, if_match)?;
    if d.status != Status::Draft {
        return Err(CoreError::rule("not_a_draft", "Chỉ điền sẵn được hồ sơ nháp (chưa nộp)."));
    }
    if req.consent_version != CONSENT_VERSION {
        return Err(CoreError::rule(
            "consent_outdated",
            "Nội dung đồng ý khai thác dữ liệu đã được cập nhật. Vui lòng đọc lại và xác nhận.",
        ));
    }
    registry(s)?;
    let user = users::user(s, caller.id.as_str()).await?;
    let id_number = user.profile.id_number.clone().filter(|_| user.vneid.is_some()).ok_or_else(|| {
        CoreError::rule(
            "vneid_required",
            "Chỉ lấy được thông tin từ Cơ sở dữ liệu quốc gia về dân cư khi bạn đăng nhập bằng tài khoản định danh điện tử VNeID.",
        )
    })?;
    let procedure = catalogue::procedure_version(s, &d.procedure_code, d.procedure_version).await?;
    let text = consent_text();
    let consent = Consent {
        id: format!("{}.{}", caller.id, uuid::Uuid::now_v7().simple()),
        registry: text.registry,
        registry_name: text.registry_name,
        version: text.version,
        text: text.text,
        purpose: format!("Điền sẵn tờ khai và đối chiếu khi giải quyết hồ sơ thủ tục “{}”", procedure.name),
        dossier_id: d.id.clone(),
        procedure_name: procedure.name.clone(),
        granted_at: s.now(),
        withdrawn_at: None,
    };
    let purpose = format!("Điền sẵn tờ khai thủ tục “{}”", procedure.name);
    let (person, read_op) = read(s, caller, &consent, &id_number, purpose).await?;
    let values = person.prefill(&procedure);
    d.form.extend(values.clone());
    d.registry_use = Some(RegistryUse::new(Registry::Population, consent.id.clone(), s.now(), values, &procedure));
    let previous = d.touch(s.now());
    let response = view(s, caller, d.clone());
    let mut change = Change::new(d, Some(previous));
    change.extra = vec![consent_op(&consent, Condition::NotExists)?, read_op];
    commit(s, change, response, None).await
}

/// The caller's consents, newest first.
pub async fn consents(s: &Services, caller: &Caller) -> CoreResult<Vec<Consent>> {
    keys::newest(s.table.as_ref(), keys::consents(caller.id.as_str()), 200).await
}

/// Withdraws one of the caller's consents: no read under it from now on.
pub async fn withdraw(s: &Services, caller: &Caller, id: &str) -> CoreResult<Consent> {
    let mut c = load_consent(s, id).await?;
    if consent_owner(&c.id) != caller.id.as_str() {
        return Err(CoreError::not_found("sự đồng ý"));
    }
    if c.withdrawn_at.is_none() {
        c.withdrawn_at = Some(s.now());
        s.table.transact(vec![consent_op(&c, Condition::Exists)?]).await?;
    }
    Ok(c)
}

/// The reads of the caller's data in the registries, newest first.
pub async fn data_uses(s: &Services, caller: &Caller) -> CoreResult<Vec<DataUse>> {
    keys::newest(s.table.as_ref(), keys::data_uses(caller.id.as_str()), 200).await
}

/// An officer of the handling agency compares the dossier with the registry, under the
/// applicant's consent given when the form was pre-filled.
pub async fn check(s: &Services, caller: &Caller, dossier_id: &str) -> CoreResult<RegistryCheck> {
    let d = load(s, dossier_id).await?;
    ensure_visible(caller, &d)?;
    if !caller.works_for(&d.agency) {
        return Err(CoreError::Forbidden("Chỉ cán bộ của cơ quan giải quyết được đối chiếu hồ sơ với CSDL.".into()));
    }
    let Some(used) = &d.registry_use else {
        return Err(CoreError::rule(
            "no_consent",
            "Người nộp chưa đồng ý cho khai thác Cơ sở dữ liệu quốc gia về dân cư đối với hồ sơ này.",
        ));
    };
    let consent = load_consent(s, &used.consent_id).await?;
    if let Some(at) = consent.withdrawn_at {
        return Err(CoreError::rule(
            "consent_withdrawn",
            format!(
                "Người nộp đã rút lại sự đồng ý khai thác dữ liệu lúc {}; không được khai thác thêm.",
                at.format("%H:%M %d/%m/%Y")
            ),
        ));
    }
    let id_number = d.applicant.id_number.clone().unwrap_or_default();
    let purpose = format!("Đối chiếu thông tin hồ sơ {}", d.code.as_ref().map_or(d.id.clone(), |c| c.to_string()));
    let (person, read_op) = read(s, caller, &consent, &id_number, purpose).await?;
    s.table.transact(vec![read_op]).await?;
    Ok(compare(s.now(), &d, &person, &catalogue::procedure_version(s, &d.procedure_code, d.procedure_version).await?))
}

fn compare(
    at: DateTime<FixedOffset>,
    d: &Dossier,
    person: &Profile,
    procedure: &motcua_domain::catalogue::Procedure,
) -> RegistryCheck {
    let registry = person.prefill(procedure);
    let fields: Vec<FieldCheck> = procedure
        .form
        .iter()
        .filter_map(|f| {
            let in_registry = registry.get(&f.name)?.as_str()?.to_string();
            let in_dossier = d.form.get(&f.name).and_then(|v| v.as_str()).map(str::to_string);
            let matches = in_dossier.as_deref().map(str::trim) == Some(in_registry.trim());
            Some(FieldCheck { field: f.name.clone(), label: f.label.clone(), in_dossier, in_registry, matches })
        })
        .collect();
    RegistryCheck {
        checked_at: at,
        registry_name: Registry::Population.label().into(),
        all_match: fields.iter().all(|f| f.matches),
        fields,
    }
}
