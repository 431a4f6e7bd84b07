//! Dossiers (M2, S1): what was filed, by whom, through which channel, its files, its status
//! with the national status code (rules §1), its appointment and its step history (M7).

pub use crate::state_machine::{Action, TransitionError};
pub use crate::status::{Channel, Status};

use crate::calendar::StatutoryTime;
use crate::ids::{AgencyCode, DossierCode, ProcedureCode, UserId};
use crate::profile::Profile;
use crate::roles::Role;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A file attached to a dossier (a component or the result).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AttachedFile {
    pub file_id: String,
    /// Component id of the procedure, or `result`.
    pub component: String,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub object_key: String,
    pub uploaded_at: DateTime<FixedOffset>,
    /// Scanned from paper at the counter.
    #[serde(default)]
    pub digitised: bool,
    /// The electronic signature of the agency on the file (a result, P16).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<DocumentSignature>,
}

/// Who signed a document electronically and what the check of the signature found (P16).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocumentSignature {
    /// The signer's certificate: its name (the agency) and who issued it.
    pub signer: String,
    pub issuer: String,
    pub signed_at: DateTime<FixedOffset>,
    /// The signature holds: the document is as signed, by a certificate of a trusted authority.
    pub valid: bool,
}

/// One logged step (M7): who did what, when, moving the dossier between which statuses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Step {
    pub action: Action,
    pub label: String,
    pub from: Status,
    pub to: Status,
    pub national_status: Option<u8>,
    pub actor: UserId,
    pub actor_name: String,
    pub role: Role,
    pub unit: Option<AgencyCode>,
    /// When the step was taken (real time).
    pub at: DateTime<FixedOffset>,
    /// When it counts from, where that differs from `at`: a step taken before the official
    /// receipt time of the dossier (rules §3) counts from that time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counted_from: Option<DateTime<FixedOffset>>,
    /// Vietnamese name of the status the step led to.
    #[serde(default)]
    pub status_label: String,
    #[serde(default)]
    pub note: Option<String>,
    /// The workflow stage this step closed (M7, Form 05), with its time used vs. allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handover: Option<Handover>,
}

/// A person acting on a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Person {
    pub id: UserId,
    pub name: String,
}

/// The workflow step a dossier is in (M1, M7): who should act, since when, until when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Stage {
    pub step_id: String,
    pub name: String,
    pub role: Role,
    /// Unit that handles the step (the dossier's agency unless the workflow names another).
    pub unit: AgencyCode,
    pub entered_at: DateTime<FixedOffset>,
    pub allowed_minutes: i64,
    /// Due time of the step; moved forward while the clock is stopped.
    pub due_at: DateTime<FixedOffset>,
    /// Working minutes spent waiting for the applicant while in this step (not counted).
    #[serde(default)]
    pub paused_minutes: i64,
}

/// One hand-over row of the process control slip (Form 05).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Handover {
    /// The step handed over (its name in the workflow).
    pub step: String,
    /// Its id in the workflow (the history of step durations, issue 13 item 9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_id: Option<String>,
    /// Unit or person receiving the dossier.
    pub receiver: String,
    pub allowed_minutes: i64,
    pub used_minutes: i64,
    pub on_time: bool,
}

/// Why the clock is stopped: the dossier waits for the applicant (rules §3, §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WaitKind {
    Supplement,
    Payment,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Wait {
    pub kind: WaitKind,
    pub since: DateTime<FixedOffset>,
    /// Status to go back to when the wait ends.
    pub resume_to: Status,
}

/// One component to add or complete, with the reason (Form 02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplementItem {
    /// Component id of the procedure, or a free name for a document outside the list.
    pub component: String,
    pub reason: String,
}

/// A supplement request (Form 02).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SupplementRequest {
    pub number: u32,
    pub items: Vec<SupplementItem>,
    pub note: Option<String>,
    pub requested_at: DateTime<FixedOffset>,
    pub requested_by: Person,
    /// Asked at reception (before acceptance) or during appraisal.
    pub at_reception: bool,
    pub provided_at: Option<DateTime<FixedOffset>>,
}

/// A consultation of another unit or agency, with its own deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Consultation {
    pub number: u32,
    pub agency: AgencyCode,
    pub agency_name: String,
    pub question: String,
    pub asked_at: DateTime<FixedOffset>,
    pub asked_by: Person,
    pub due_at: DateTime<FixedOffset>,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<FixedOffset>>,
    pub answered_by: Option<Person>,
}

/// One agency's part of an inter-agency dossier (G4), with its own deadline and status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Part {
    pub agency: AgencyCode,
    pub agency_name: String,
    pub task: String,
    pub lead: bool,
    pub due_at: DateTime<FixedOffset>,
    pub completed_at: Option<DateTime<FixedOffset>>,
    pub completed_by: Option<Person>,
    pub note: Option<String>,
}

/// A payment request (status 6) and its confirmation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Payment {
    pub amount_vnd: u64,
    pub description: String,
    pub requested_at: DateTime<FixedOffset>,
    pub confirmed_at: Option<DateTime<FixedOffset>>,
    pub method: Option<String>,
}

/// The apology with its new appointment (Form 04); the appointment is reset only once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Apology {
    pub reason: String,
    pub previous_appointment: DateTime<FixedOffset>,
    pub new_appointment: DateTime<FixedOffset>,
    pub at: DateTime<FixedOffset>,
    pub by: Person,
}

/// How the applicant's identity was checked at the counter (Decree 309/2026, R8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdentityMethod {
    /// The applicant's VNeID app (QR code of the electronic identity).
    VneidApp,
    /// The chip of the citizen identity card, read by a reader at the counter.
    ChipReader,
    /// The paper (printed) identity document, looked at by the officer.
    PaperId,
}

impl IdentityMethod {
    pub fn label(self) -> &'static str {
        match self {
            IdentityMethod::VneidApp => "Ứng dụng VNeID",
            IdentityMethod::ChipReader => "Đầu đọc chip thẻ căn cước",
            IdentityMethod::PaperId => "Giấy tờ tùy thân bản giấy",
        }
    }
}

/// The identity check of a paper dossier received at the counter (R8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IdentityCheck {
    pub method: IdentityMethod,
    pub method_label: String,
    pub checked_at: DateTime<FixedOffset>,
    pub checked_by: Person,
    /// The personal identification number checked.
    pub id_number: Option<String>,
    /// Whether the applicant's details were filled from what the chip or VNeID gave.
    pub filled_from_read: bool,
}

/// An organisation as a dossier records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Office {
    pub code: AgencyCode,
    pub name: String,
}

/// The decision of the competent signer on an extension request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExtensionDecision {
    pub approved: bool,
    pub at: DateTime<FixedOffset>,
    pub by: Person,
    pub note: Option<String>,
}

/// An apology and request to extend the time for handling (Form 04 of 2025, R3): only an
/// approved request moves the appointment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExtensionRequest {
    pub number: u32,
    pub reason: String,
    pub requested_at: DateTime<FixedOffset>,
    pub requested_by: Person,
    pub previous_appointment: DateTime<FixedOffset>,
    pub requested_appointment: DateTime<FixedOffset>,
    pub decision: Option<ExtensionDecision>,
}

/// Why and where processing stopped (Form 05 of 2025, R4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StopRecord {
    pub at: DateTime<FixedOffset>,
    pub decided_by: Person,
    pub reason: String,
    /// The applicant asked to withdraw (otherwise the agency decided), and when.
    pub requested_by_applicant: bool,
    pub requested_at: Option<DateTime<FixedOffset>>,
    /// The stage reached when processing stopped.
    pub stage: String,
    /// Fees and charges already paid.
    pub fees_paid_vnd: u64,
}

/// How the result is returned (P15, P16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReturnMethod {
    Counter,
    Post,
    Online,
}

impl ReturnMethod {
    pub fn label(self) -> &'static str {
        match self {
            ReturnMethod::Counter => "Trả trực tiếp tại Bộ phận Một cửa",
            ReturnMethod::Post => "Trả qua dịch vụ bưu chính công ích",
            ReturnMethod::Online => "Trả trực tuyến (bản điện tử)",
        }
    }
}

/// How the applicant asks to receive the result, chosen when filing (P15); the officer's return
/// follows it unless the applicant comes to the counter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultDelivery {
    pub method: ReturnMethod,
    /// The postal address (by post only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 300)]
    pub address: Option<String>,
}

impl ResultDelivery {
    /// By post needs an address of at most 300 characters; the other ways keep none.
    pub fn checked(self) -> Result<ResultDelivery, crate::error::FieldError> {
        match self.method {
            ReturnMethod::Post => {
                let address =
                    postal_address(self.address.as_deref(), "Vui lòng nhập địa chỉ nhận kết quả qua bưu chính.")?;
                Ok(ResultDelivery { method: ReturnMethod::Post, address: Some(address) })
            }
            method => Ok(ResultDelivery { method, address: None }),
        }
    }
}

/// An address the post goes to (a result delivered, documents collected), trimmed: given, at
/// most 300 characters; `missing` says what to enter when it is not.
pub fn postal_address(address: Option<&str>, missing: &str) -> Result<String, crate::error::FieldError> {
    let field =
        |code, message: &str| crate::error::FieldError { field: "address".into(), code, message: message.into() };
    match address.map(str::trim).filter(|a| !a.is_empty()) {
        None => Err(field("required", missing)),
        Some(a) if a.chars().count() > 300 => Err(field("too_long", "Địa chỉ dài quá 300 ký tự.")),
        Some(a) => Ok(a.to_string()),
    }
}

/// A collection of the applicant's paper documents by the post, brought to the agency (P15).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PaperPickup {
    pub address: String,
    pub tracking_number: String,
    pub ordered_at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Delivery {
    pub method: ReturnMethod,
    /// Postal tracking number (P15).
    pub tracking_number: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Dossier {
    pub id: String,
    pub code: Option<DossierCode>,
    /// The national portal's code of a dossier filed there (channel 2 through DVCQG): the key
    /// under which it is synced back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal_code: Option<String>,
    pub procedure_code: ProcedureCode,
    pub procedure_version: u32,
    pub procedure_name: String,
    pub agency: AgencyCode,
    pub agency_name: String,
    pub field: String,
    pub statutory_time: StatutoryTime,
    /// The procedure's online service level when the dossier was filed (Decree 42/2022).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_level: Option<crate::catalogue::ServiceLevel>,
    /// The procedure's workflow when the dossier was filed (M1: versioned with the procedure).
    #[serde(default)]
    pub workflow: Option<crate::workflow::Workflow>,
    pub owner: UserId,
    /// Who the dossier is about (applicant type of rules §9: 0 citizen, 1 business).
    pub applicant: Profile,
    pub channel: Channel,
    pub status: Status,
    #[schema(value_type = Object)]
    pub form: Map<String, Value>,
    pub components: Vec<AttachedFile>,
    pub result: Option<AttachedFile>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    pub submitted_at: Option<DateTime<FixedOffset>>,
    /// Official receipt time (rules §3: outside working hours → next working period).
    pub received_at: Option<DateTime<FixedOffset>>,
    pub accepted_at: Option<DateTime<FixedOffset>>,
    pub appointment: Option<DateTime<FixedOffset>>,
    pub appointment_explanation: Option<String>,
    pub calendar_version: Option<u32>,
    pub finished_at: Option<DateTime<FixedOffset>>,
    pub returned_at: Option<DateTime<FixedOffset>>,
    pub history: Vec<Step>,
    /// Secret printed on the receipt: the second factor of the public lookup (P17).
    #[serde(default)]
    pub receipt_secret: Option<String>,
    /// Officer who received the dossier (Form 01).
    #[serde(default)]
    pub received_by: Option<Person>,
    /// Online dossiers: confirm receipt or ask for corrections by then (8 working hours).
    #[serde(default)]
    pub reception_due: Option<DateTime<FixedOffset>>,
    /// Number in the agency's register of the year (Form 06).
    #[serde(default)]
    pub register_number: Option<u64>,
    #[serde(default)]
    pub stage: Option<Stage>,
    #[serde(default)]
    pub assignee: Option<Person>,
    #[serde(default)]
    pub waiting: Option<Wait>,
    #[serde(default)]
    pub supplements: Vec<SupplementRequest>,
    #[serde(default)]
    pub consultations: Vec<Consultation>,
    #[serde(default)]
    pub parts: Vec<Part>,
    #[serde(default)]
    pub payment: Option<Payment>,
    #[serde(default)]
    pub apology: Option<Apology>,
    #[serde(default)]
    pub delivery: Option<Delivery>,
    /// The service centre that took the paper and officially received a boundary-free dossier
    /// (R5), when it is not the competent authority (`agency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reception_office: Option<Office>,
    /// The service centre where the applicant was helped to file online (its kiosk or help
    /// desk: R5, the point that helped); reception stays the competent authority's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assisted_at: Option<Office>,
    /// How the applicant asked to receive the result (P15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_delivery: Option<ResultDelivery>,
    /// The post collecting the applicant's paper documents (P15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickup: Option<PaperPickup>,
    /// How the applicant's identity was checked at the counter (R8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_check: Option<IdentityCheck>,
    /// Data read from a national registry with the applicant's consent (G5, P1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_use: Option<crate::registry::RegistryUse>,
    /// The regime the dossier was filed under (R1): its forms, code and texts follow it.
    #[serde(default)]
    pub regime: crate::regime::Regime,
    /// Requests to extend the appointment (2025 regime), with their decisions (R3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<ExtensionRequest>,
    /// Why and at which stage processing stopped (R4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<StopRecord>,
    /// How long the dossier is kept after closing (its procedure's retention when filed).
    #[serde(default)]
    pub retention: crate::retention::Retention,
    /// Set when the closed dossier moved to the archive (G9): read-only from then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<crate::retention::ArchiveRecord>,
    /// Optimistic concurrency: incremented by every write.
    pub version: u64,
    /// Where the stored dossier is listed in the officers' inboxes, as the store read it
    /// beside the dossier: storage bookkeeping for its next change, never in a view.
    #[serde(skip)]
    pub inbox_listing: Option<Value>,
}

impl Dossier {
    /// A new dossier of `procedure` (its current version and workflow), in draft.
    #[allow(clippy::too_many_arguments)]
    pub fn draft(
        id: String,
        procedure: &crate::catalogue::Procedure,
        agency_name: String,
        owner: UserId,
        applicant: Profile,
        channel: Channel,
        form: Map<String, Value>,
        now: DateTime<FixedOffset>,
    ) -> Dossier {
        Dossier {
            id,
            code: None,
            portal_code: None,
            procedure_code: procedure.code.clone(),
            procedure_version: procedure.version,
            procedure_name: procedure.name.clone(),
            agency: procedure.agency.clone(),
            agency_name,
            field: procedure.field.clone(),
            statutory_time: procedure.statutory_time,
            service_level: Some(procedure.level),
            workflow: Some(procedure.workflow()),
            owner,
            applicant,
            channel,
            status: Status::Draft,
            form,
            components: vec![],
            result: None,
            created_at: now,
            updated_at: now,
            submitted_at: None,
            received_at: None,
            accepted_at: None,
            appointment: None,
            appointment_explanation: None,
            calendar_version: None,
            finished_at: None,
            returned_at: None,
            history: vec![],
            receipt_secret: None,
            received_by: None,
            reception_due: None,
            register_number: None,
            stage: None,
            assignee: None,
            waiting: None,
            supplements: vec![],
            consultations: vec![],
            parts: vec![],
            payment: None,
            apology: None,
            delivery: None,
            reception_office: None,
            assisted_at: None,
            result_delivery: None,
            pickup: None,
            identity_check: None,
            registry_use: None,
            regime: crate::regime::Regime::default(),
            extensions: vec![],
            stop: None,
            retention: procedure.retention,
            archive: None,
            version: 1,
            inbox_listing: None,
        }
    }

    /// Records a write at `now`: the next version. Returns the version the write replaces, for
    /// the optimistic-concurrency condition.
    pub fn touch(&mut self, now: DateTime<FixedOffset>) -> u64 {
        self.updated_at = now;
        self.version += 1;
        self.version - 1
    }
    /// The required components of the procedure that have no file yet, as field errors.
    pub fn missing_components(&self, procedure: &crate::catalogue::Procedure) -> Vec<crate::error::FieldError> {
        procedure
            .components
            .iter()
            .filter(|c| c.required && !self.components.iter().any(|f| f.component == c.id))
            .filter(|c| !self.registry_use.as_ref().is_some_and(|r| r.components.contains(&c.id)))
            .map(|c| crate::error::FieldError {
                field: format!("components.{}", c.id),
                code: "component_missing",
                message: format!("Chưa đính kèm thành phần hồ sơ bắt buộc: “{}”.", c.name),
            })
            .collect()
    }

    /// How people name the dossier: its code, or its procedure before it has one.
    pub fn reference(&self) -> String {
        self.code.as_ref().map_or_else(|| self.procedure_name.clone(), ToString::to_string)
    }

    /// The workflow the dossier follows (the default one for dossiers filed without).
    pub fn workflow(&self) -> crate::workflow::Workflow {
        self.workflow.clone().unwrap_or_else(|| crate::workflow::Workflow::default_for(self.statutory_time))
    }

    /// Whether `agency` receives the dossier: the competent authority, or the service centre
    /// that took it (R5).
    pub fn receives(&self, agency: &str) -> bool {
        self.agency == agency || self.reception_office.as_ref().is_some_and(|o| o.code == agency)
    }

    /// The official receiving office: the service centre that took it, or the competent
    /// authority's own one-stop office.
    pub fn receiving_office(&self) -> &str {
        self.reception_office.as_ref().map_or(&self.agency, |o| &o.code)
    }

    /// Whether `agency` takes part: the handling agency, an inter-agency part, or an agency
    /// consulted whose answer is still awaited — once it has answered, it no longer sees the
    /// dossier or the applicant's data (security issue, item 6).
    pub fn involves(&self, agency: &str) -> bool {
        self.receives(agency)
            || self.parts.iter().any(|p| p.agency == agency)
            || self.consultations.iter().any(|c| c.agency == agency && c.answered_at.is_none())
    }

    /// The extension request waiting for the competent signer, if any.
    pub fn pending_extension(&self) -> Option<&ExtensionRequest> {
        self.extensions.last().filter(|e| e.decision.is_none())
    }

    /// Timing of a finished dossier against its appointment (rules §6).
    pub fn timing(&self) -> Option<Timing> {
        Some(Timing::of(self.finished_at?, self.appointment?))
    }
}

/// Early / on time / late (rules §6): early = finished on a day before the appointment day;
/// on time = by the appointment on its day; late = after the appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    Early,
    OnTime,
    Late,
}

impl Timing {
    pub fn of(finished: DateTime<FixedOffset>, appointment: DateTime<FixedOffset>) -> Timing {
        if finished > appointment {
            Timing::Late
        } else if finished.date_naive() < appointment.date_naive() {
            Timing::Early
        } else {
            Timing::OnTime
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_compares_the_finish_with_the_appointment() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        let appt = t("2026-02-25T10:00:00+07:00");
        assert_eq!(Timing::of(t("2026-02-24T16:00:00+07:00"), appt), Timing::Early);
        assert_eq!(Timing::of(t("2026-02-25T09:00:00+07:00"), appt), Timing::OnTime);
        assert_eq!(Timing::of(t("2026-02-25T10:00:01+07:00"), appt), Timing::Late);
    }
}
