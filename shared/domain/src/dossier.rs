//! Dossiers (M2, S1): what was filed, by whom, through which channel, its files, its status
//! with the national status code (rules §1), its appointment and its step history (M7).
//!
//! The state machine is a table: every transition is a named [`Action`] that says which roles
//! may take it, from which statuses, and which status results. Anything else is refused.

use crate::calendar::StatutoryTime;
use crate::roles::Role;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Internal status; each maps to one national code (rules §1), except `Draft` (not yet filed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    Accepted,
    Refused,
    Processing,
    /// Internal: the specialist's result waits for the leader's approval (national code 4).
    AwaitingApproval,
    SupplementRequested,
    PaymentRequested,
    WithdrawalRequested,
    Stopped,
    Finished,
    Returned,
}

impl Status {
    /// National status code (Circular 22/2019 Appendix I); `None` for a draft.
    pub fn national_code(self) -> Option<u8> {
        Some(match self {
            Status::Draft => return None,
            Status::Submitted => 1,
            Status::Accepted => 2,
            Status::Refused => 3,
            Status::Processing | Status::AwaitingApproval => 4,
            Status::SupplementRequested => 5,
            Status::PaymentRequested => 6,
            Status::WithdrawalRequested => 7,
            Status::Stopped => 8,
            Status::Finished => 9,
            Status::Returned => 10,
        })
    }

    /// The name used in the API (`snake_case`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Accepted => "accepted",
            Status::Refused => "refused",
            Status::Processing => "processing",
            Status::AwaitingApproval => "awaiting_approval",
            Status::SupplementRequested => "supplement_requested",
            Status::PaymentRequested => "payment_requested",
            Status::WithdrawalRequested => "withdrawal_requested",
            Status::Stopped => "stopped",
            Status::Finished => "finished",
            Status::Returned => "returned",
        }
    }

    /// Vietnamese name shown to citizens (the national list).
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Hồ sơ nháp",
            Status::Submitted => "Mới đăng ký",
            Status::Accepted => "Được tiếp nhận",
            Status::Refused => "Không được tiếp nhận",
            Status::Processing => "Đang xử lý",
            Status::AwaitingApproval => "Đang xử lý (chờ lãnh đạo phê duyệt)",
            Status::SupplementRequested => "Yêu cầu bổ sung giấy tờ",
            Status::PaymentRequested => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Status::WithdrawalRequested => "Công dân yêu cầu rút hồ sơ",
            Status::Stopped => "Dừng xử lý",
            Status::Finished => "Đã xử lý xong",
            Status::Returned => "Đã trả kết quả",
        }
    }

    /// Accepted and not yet finished: counts as "in process" in the report.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Accepted
                | Status::Processing
                | Status::AwaitingApproval
                | Status::SupplementRequested
                | Status::PaymentRequested
                | Status::WithdrawalRequested
        )
    }

    pub fn is_final(self) -> bool {
        matches!(self, Status::Refused | Status::Stopped | Status::Returned)
    }
}

/// Channel (`KenhThucHien`): 1 in person, 2 online, 3 post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    InPerson,
    Online,
    Post,
}

impl Channel {
    pub fn national_code(self) -> u8 {
        match self {
            Channel::InPerson => 1,
            Channel::Online => 2,
            Channel::Post => 3,
        }
    }
}

/// A named transition of the state machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Submit,
    /// A paper dossier entered at the counter or received by post (channels 1 and 3).
    ReceiveAtCounter,
    Accept,
    Refuse,
    StartProcessing,
    /// Hand the dossier to a specialist (or another one).
    Assign,
    RequestSupplement,
    ProvideSupplement,
    /// Ask another unit or agency for its opinion, with its own deadline.
    Consult,
    AnswerConsultation,
    /// An agency of an inter-agency dossier (G4) finishes its part.
    CompletePart,
    RequestPayment,
    ConfirmPayment,
    SubmitForApproval,
    Approve,
    /// The leader sends the draft result back to the specialist.
    Rework,
    Finish,
    /// The apology and new appointment (Form 04): at most once per dossier.
    Apologise,
    ReturnResult,
    RequestWithdrawal,
    ConfirmWithdrawal,
    StopProcessing,
}

use Status as S;

const OFFICERS: &[Role] = &[Role::ReceivingOfficer, Role::Specialist, Role::Leader];
const APPLICANTS: &[Role] = &[Role::Citizen, Role::Business];
/// Statuses in which the dossier is being handled (the clock may run or be stopped).
const HANDLING: &[Status] =
    &[S::Accepted, S::Processing, S::AwaitingApproval, S::SupplementRequested, S::PaymentRequested];

/// Where an action leaves the dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    To(Status),
    /// The status does not change (a logged step inside a status).
    Same,
    /// Back to the status the dossier had before it started waiting for the applicant.
    Resume,
}

impl Action {
    pub const ALL: [Action; 22] = [
        Action::Submit,
        Action::ReceiveAtCounter,
        Action::Accept,
        Action::Refuse,
        Action::StartProcessing,
        Action::Assign,
        Action::RequestSupplement,
        Action::ProvideSupplement,
        Action::Consult,
        Action::AnswerConsultation,
        Action::CompletePart,
        Action::RequestPayment,
        Action::ConfirmPayment,
        Action::SubmitForApproval,
        Action::Approve,
        Action::Rework,
        Action::Finish,
        Action::Apologise,
        Action::ReturnResult,
        Action::RequestWithdrawal,
        Action::ConfirmWithdrawal,
        Action::StopProcessing,
    ];

    /// `(from statuses, target, roles allowed)`.
    fn rule(self) -> (&'static [Status], Target, &'static [Role]) {
        use Target::*;
        match self {
            Action::Submit => (&[S::Draft], To(S::Submitted), APPLICANTS),
            Action::ReceiveAtCounter => (&[S::Draft], To(S::Submitted), &[Role::ReceivingOfficer]),
            Action::Accept => (&[S::Submitted], To(S::Accepted), &[Role::ReceivingOfficer]),
            Action::Refuse => (&[S::Submitted], To(S::Refused), &[Role::ReceivingOfficer]),
            Action::StartProcessing => (&[S::Accepted], To(S::Processing), OFFICERS),
            Action::Assign => {
                (&[S::Accepted, S::Processing], To(S::Processing), &[Role::ReceivingOfficer, Role::Leader])
            }
            Action::RequestSupplement => {
                (&[S::Submitted, S::Accepted, S::Processing], To(S::SupplementRequested), OFFICERS)
            }
            Action::ProvideSupplement => {
                (&[S::SupplementRequested], Resume, &[Role::Citizen, Role::Business, Role::ReceivingOfficer])
            }
            Action::Consult => (&[S::Processing], Same, &[Role::Specialist, Role::Leader]),
            Action::AnswerConsultation => (HANDLING, Same, OFFICERS),
            Action::CompletePart => (&[S::Accepted, S::Processing], Same, OFFICERS),
            Action::RequestPayment => (&[S::Accepted, S::Processing], To(S::PaymentRequested), OFFICERS),
            Action::ConfirmPayment => (&[S::PaymentRequested], Resume, OFFICERS),
            Action::SubmitForApproval => (&[S::Accepted, S::Processing], To(S::AwaitingApproval), &[Role::Specialist]),
            Action::Approve => (&[S::AwaitingApproval], To(S::Finished), &[Role::Leader]),
            Action::Rework => (&[S::AwaitingApproval], To(S::Processing), &[Role::Leader]),
            Action::Finish => (&[S::Accepted, S::Processing], To(S::Finished), &[Role::Specialist, Role::Leader]),
            Action::Apologise => (&[S::Accepted, S::Processing, S::AwaitingApproval], Same, OFFICERS),
            Action::ReturnResult => (&[S::Finished], To(S::Returned), &[Role::ReceivingOfficer]),
            Action::RequestWithdrawal => (
                &[
                    S::Submitted,
                    S::Accepted,
                    S::Processing,
                    S::AwaitingApproval,
                    S::SupplementRequested,
                    S::PaymentRequested,
                ],
                To(S::WithdrawalRequested),
                APPLICANTS,
            ),
            Action::ConfirmWithdrawal => (&[S::WithdrawalRequested], To(S::Stopped), OFFICERS),
            Action::StopProcessing => (HANDLING, To(S::Stopped), &[Role::Leader]),
        }
    }

    pub fn allowed_roles(self) -> &'static [Role] {
        self.rule().2
    }

    /// Vietnamese name of the step, for the timeline.
    pub fn label(self) -> &'static str {
        match self {
            Action::Submit => "Nộp hồ sơ trực tuyến",
            Action::ReceiveAtCounter => "Nhận hồ sơ giấy (trực tiếp hoặc qua bưu chính)",
            Action::Accept => "Tiếp nhận hồ sơ",
            Action::Refuse => "Từ chối tiếp nhận hồ sơ",
            Action::StartProcessing => "Chuyển xử lý",
            Action::Assign => "Phân công chuyên viên xử lý",
            Action::RequestSupplement => "Yêu cầu bổ sung hồ sơ",
            Action::ProvideSupplement => "Bổ sung hồ sơ",
            Action::Consult => "Xin ý kiến đơn vị, cơ quan liên quan",
            Action::AnswerConsultation => "Trả lời xin ý kiến",
            Action::CompletePart => "Hoàn thành phần việc liên thông",
            Action::RequestPayment => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Action::ConfirmPayment => "Xác nhận đã nộp phí, lệ phí",
            Action::SubmitForApproval => "Trình lãnh đạo phê duyệt",
            Action::Approve => "Lãnh đạo phê duyệt kết quả",
            Action::Rework => "Lãnh đạo trả lại để xử lý lại",
            Action::Finish => "Hoàn thành xử lý, có kết quả",
            Action::Apologise => "Xin lỗi và hẹn lại ngày trả kết quả",
            Action::ReturnResult => "Trả kết quả",
            Action::RequestWithdrawal => "Yêu cầu rút hồ sơ",
            Action::ConfirmWithdrawal => "Xác nhận rút hồ sơ, dừng xử lý",
            Action::StopProcessing => "Dừng xử lý hồ sơ",
        }
    }

    /// Whether the applicant is told of this step (G7): the rest is internal work.
    pub fn concerns_applicant(self) -> bool {
        !matches!(self, Action::Assign | Action::Consult | Action::AnswerConsultation | Action::Rework)
    }

    /// The status after this action from `from` by `role`, or why it is refused. `resume_to`
    /// is where a wait for the applicant goes back to ([`Dossier::waiting`]).
    pub fn apply(self, from: Status, role: Role) -> Result<Status, TransitionError> {
        self.apply_resuming(from, role, None)
    }

    pub fn apply_resuming(
        self,
        from: Status,
        role: Role,
        resume_to: Option<Status>,
    ) -> Result<Status, TransitionError> {
        let (froms, to, roles) = self.rule();
        if !roles.contains(&role) {
            return Err(TransitionError::RoleNotAllowed { action: self, role });
        }
        if !froms.contains(&from) {
            return Err(TransitionError::InvalidFromStatus { action: self, from });
        }
        Ok(match to {
            Target::To(s) => s,
            Target::Same => from,
            Target::Resume => resume_to.unwrap_or(S::Processing),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("Vai trò “{}” không được thực hiện thao tác “{}”.", .role.label(), .action.label())]
    RoleNotAllowed { action: Action, role: Role },
    #[error("Không thể “{}” khi hồ sơ đang ở trạng thái “{}”.", .action.label(), .from.label())]
    InvalidFromStatus { action: Action, from: Status },
}

/// Who the dossier is about (applicant type of rules §9: 0 citizen, 1 business).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Applicant {
    pub full_name: String,
    #[serde(default)]
    pub id_number: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub business_code: Option<String>,
}

/// A file attached to a dossier (a component or the result).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}

/// One logged step (M7): who did what, when, moving the dossier between which statuses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub action: Action,
    pub label: String,
    pub from: Status,
    pub to: Status,
    pub national_status: Option<u8>,
    pub actor: String,
    pub actor_name: String,
    pub role: Role,
    pub unit: Option<String>,
    pub at: DateTime<FixedOffset>,
    #[serde(default)]
    pub note: Option<String>,
    /// The workflow stage this step closed (M7, Form 05), with its time used vs. allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handover: Option<Handover>,
}

/// A person acting on a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: String,
    pub name: String,
}

/// The workflow step a dossier is in (M1, M7): who should act, since when, until when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub step_id: String,
    pub name: String,
    pub role: Role,
    /// Unit that handles the step (the dossier's agency unless the workflow names another).
    pub unit: String,
    pub entered_at: DateTime<FixedOffset>,
    pub allowed_minutes: i64,
    /// Due time of the step; moved forward while the clock is stopped.
    pub due_at: DateTime<FixedOffset>,
    /// Working minutes spent waiting for the applicant while in this step (not counted).
    #[serde(default)]
    pub paused_minutes: i64,
}

/// One hand-over row of the process control slip (Form 05).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handover {
    /// The step handed over (its name in the workflow).
    pub step: String,
    /// Unit or person receiving the dossier.
    pub receiver: String,
    pub allowed_minutes: i64,
    pub used_minutes: i64,
    pub on_time: bool,
}

/// Why the clock is stopped: the dossier waits for the applicant (rules §3, §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitKind {
    Supplement,
    Payment,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wait {
    pub kind: WaitKind,
    pub since: DateTime<FixedOffset>,
    /// Status to go back to when the wait ends.
    pub resume_to: Status,
}

/// One component to add or complete, with the reason (Form 02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupplementItem {
    /// Component id of the procedure, or a free name for a document outside the list.
    pub component: String,
    pub reason: String,
}

/// A supplement request (Form 02).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Consultation {
    pub number: u32,
    pub agency: String,
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub agency: String,
    pub agency_name: String,
    pub task: String,
    pub lead: bool,
    pub due_at: DateTime<FixedOffset>,
    pub completed_at: Option<DateTime<FixedOffset>>,
    pub completed_by: Option<Person>,
    pub note: Option<String>,
}

/// A payment request (status 6) and its confirmation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    pub amount_vnd: u64,
    pub description: String,
    pub requested_at: DateTime<FixedOffset>,
    pub confirmed_at: Option<DateTime<FixedOffset>>,
    pub method: Option<String>,
}

/// The apology with its new appointment (Form 04); the appointment is reset only once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Apology {
    pub reason: String,
    pub previous_appointment: DateTime<FixedOffset>,
    pub new_appointment: DateTime<FixedOffset>,
    pub at: DateTime<FixedOffset>,
    pub by: Person,
}

/// How the result is returned (P15, P16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub method: ReturnMethod,
    /// Postal tracking number (P15).
    pub tracking_number: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dossier {
    pub id: String,
    pub code: Option<String>,
    pub procedure_code: String,
    pub procedure_version: u32,
    pub procedure_name: String,
    pub agency: String,
    pub agency_name: String,
    pub field: String,
    pub statutory_time: StatutoryTime,
    /// The procedure's workflow when the dossier was filed (M1: versioned with the procedure).
    #[serde(default)]
    pub workflow: Option<crate::workflow::Workflow>,
    pub owner: String,
    pub applicant: Applicant,
    pub channel: Channel,
    pub status: Status,
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
    /// Optimistic concurrency: incremented by every write.
    pub version: u64,
}

impl Dossier {
    /// Records a write at `now`: the next version. Returns the version the write replaces, for
    /// the optimistic-concurrency condition.
    pub fn touch(&mut self, now: DateTime<FixedOffset>) -> u64 {
        self.updated_at = now;
        self.version += 1;
        self.version - 1
    }
    /// Required components of the procedure that have no file yet.
    pub fn missing_components<'a>(&self, procedure: &'a crate::catalogue::Procedure) -> Vec<&'a str> {
        procedure
            .components
            .iter()
            .filter(|c| c.required && !self.components.iter().any(|f| f.component == c.id))
            .map(|c| c.name.as_str())
            .collect()
    }

    /// The workflow the dossier follows (the default one for dossiers filed without).
    pub fn workflow(&self) -> crate::workflow::Workflow {
        self.workflow.clone().unwrap_or_else(|| crate::workflow::Workflow::default_for(self.statutory_time))
    }

    /// Whether `agency` takes part: the handling agency, an inter-agency part or a consulted
    /// agency.
    pub fn involves(&self, agency: &str) -> bool {
        self.agency == agency
            || self.parts.iter().any(|p| p.agency == agency)
            || self.consultations.iter().any(|c| c.agency == agency)
    }

    /// Timing of a finished dossier against its appointment (rules §6).
    pub fn timing(&self) -> Option<Timing> {
        Some(Timing::of(self.finished_at?, self.appointment?))
    }
}

/// Early / on time / late (rules §6): early = finished on a day before the appointment day;
/// on time = by the appointment on its day; late = after the appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    fn every_status_but_draft_has_its_national_code() {
        let all = [
            S::Submitted,
            S::Accepted,
            S::Refused,
            S::Processing,
            S::SupplementRequested,
            S::PaymentRequested,
            S::WithdrawalRequested,
            S::Stopped,
            S::Finished,
            S::Returned,
        ];
        let codes: Vec<u8> = all.iter().map(|s| s.national_code().unwrap()).collect();
        assert_eq!(codes, (1..=10).collect::<Vec<u8>>());
        assert_eq!(S::Draft.national_code(), None);
    }

    #[test]
    fn the_happy_path_moves_through_the_national_statuses() {
        let to = Action::Submit.apply(S::Draft, Role::Citizen).unwrap();
        let to = Action::Accept.apply(to, Role::ReceivingOfficer).unwrap();
        let to = Action::Finish.apply(to, Role::Specialist).unwrap();
        let to = Action::ReturnResult.apply(to, Role::ReceivingOfficer).unwrap();
        assert_eq!(to, S::Returned);
        assert_eq!(to.national_code(), Some(10));
    }

    #[test]
    fn a_citizen_cannot_accept_and_an_officer_cannot_submit() {
        assert!(matches!(
            Action::Accept.apply(S::Submitted, Role::Citizen),
            Err(TransitionError::RoleNotAllowed { .. })
        ));
        assert!(matches!(
            Action::Submit.apply(S::Draft, Role::ReceivingOfficer),
            Err(TransitionError::RoleNotAllowed { .. })
        ));
    }

    #[test]
    fn finished_and_returned_dossiers_cannot_be_withdrawn() {
        for from in [S::Finished, S::Returned] {
            let err = Action::RequestWithdrawal.apply(from, Role::Citizen).unwrap_err();
            assert!(err.to_string().contains("Không thể"), "{err}");
        }
        assert_eq!(Action::RequestWithdrawal.apply(S::Processing, Role::Citizen), Ok(S::WithdrawalRequested));
        assert_eq!(Action::ConfirmWithdrawal.apply(S::WithdrawalRequested, Role::Specialist), Ok(S::Stopped));
    }

    #[test]
    fn only_listed_transitions_exist() {
        let actions = [
            Action::Submit,
            Action::Accept,
            Action::Refuse,
            Action::StartProcessing,
            Action::RequestSupplement,
            Action::ProvideSupplement,
            Action::RequestPayment,
            Action::ConfirmPayment,
            Action::Finish,
            Action::ReturnResult,
            Action::RequestWithdrawal,
            Action::ConfirmWithdrawal,
            Action::StopProcessing,
        ];
        let mut allowed = 0;
        for a in actions {
            for from in
                [S::Draft, S::Submitted, S::Accepted, S::Refused, S::Processing, S::Stopped, S::Finished, S::Returned]
            {
                for role in Role::ALL {
                    if a.apply(from, role).is_ok() {
                        allowed += 1;
                        assert!(!from.is_final() || a == Action::Submit, "{a:?} from final {from:?}");
                    }
                }
            }
        }
        assert!(allowed > 10);
    }

    #[test]
    fn timing_compares_the_finish_with_the_appointment() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        let appt = t("2026-02-25T10:00:00+07:00");
        assert_eq!(Timing::of(t("2026-02-24T16:00:00+07:00"), appt), Timing::Early);
        assert_eq!(Timing::of(t("2026-02-25T09:00:00+07:00"), appt), Timing::OnTime);
        assert_eq!(Timing::of(t("2026-02-25T10:00:01+07:00"), appt), Timing::Late);
    }
}
