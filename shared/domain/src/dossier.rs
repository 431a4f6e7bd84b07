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
            Status::Processing => 4,
            Status::SupplementRequested => 5,
            Status::PaymentRequested => 6,
            Status::WithdrawalRequested => 7,
            Status::Stopped => 8,
            Status::Finished => 9,
            Status::Returned => 10,
        })
    }

    /// Vietnamese name shown to citizens (the national list).
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Hồ sơ nháp",
            Status::Submitted => "Mới đăng ký",
            Status::Accepted => "Được tiếp nhận",
            Status::Refused => "Không được tiếp nhận",
            Status::Processing => "Đang xử lý",
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
    Accept,
    Refuse,
    StartProcessing,
    RequestSupplement,
    ProvideSupplement,
    RequestPayment,
    ConfirmPayment,
    Finish,
    ReturnResult,
    RequestWithdrawal,
    ConfirmWithdrawal,
    StopProcessing,
}

use Status as S;

const OFFICERS: &[Role] = &[Role::ReceivingOfficer, Role::Specialist, Role::Leader];
const APPLICANTS: &[Role] = &[Role::Citizen, Role::Business];

impl Action {
    /// `(from statuses, resulting status, roles allowed)`.
    fn rule(self) -> (&'static [Status], Status, &'static [Role]) {
        match self {
            Action::Submit => (&[S::Draft], S::Submitted, APPLICANTS),
            Action::Accept => (&[S::Submitted], S::Accepted, &[Role::ReceivingOfficer]),
            Action::Refuse => (&[S::Submitted], S::Refused, &[Role::ReceivingOfficer]),
            Action::StartProcessing => (&[S::Accepted], S::Processing, OFFICERS),
            Action::RequestSupplement => {
                (&[S::Submitted, S::Accepted, S::Processing], S::SupplementRequested, OFFICERS)
            }
            Action::ProvideSupplement => (&[S::SupplementRequested], S::Processing, APPLICANTS),
            Action::RequestPayment => (&[S::Accepted, S::Processing], S::PaymentRequested, OFFICERS),
            Action::ConfirmPayment => (&[S::PaymentRequested], S::Processing, OFFICERS),
            Action::Finish => (&[S::Accepted, S::Processing], S::Finished, &[Role::Specialist, Role::Leader]),
            Action::ReturnResult => (&[S::Finished], S::Returned, &[Role::ReceivingOfficer]),
            Action::RequestWithdrawal => (
                &[S::Submitted, S::Accepted, S::Processing, S::SupplementRequested, S::PaymentRequested],
                S::WithdrawalRequested,
                APPLICANTS,
            ),
            Action::ConfirmWithdrawal => (&[S::WithdrawalRequested], S::Stopped, OFFICERS),
            Action::StopProcessing => (
                &[S::Accepted, S::Processing, S::SupplementRequested, S::PaymentRequested],
                S::Stopped,
                &[Role::Leader],
            ),
        }
    }

    pub fn allowed_roles(self) -> &'static [Role] {
        self.rule().2
    }

    /// Vietnamese name of the step, for the timeline.
    pub fn label(self) -> &'static str {
        match self {
            Action::Submit => "Nộp hồ sơ trực tuyến",
            Action::Accept => "Tiếp nhận hồ sơ",
            Action::Refuse => "Từ chối tiếp nhận hồ sơ",
            Action::StartProcessing => "Chuyển xử lý",
            Action::RequestSupplement => "Yêu cầu bổ sung hồ sơ",
            Action::ProvideSupplement => "Bổ sung hồ sơ",
            Action::RequestPayment => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Action::ConfirmPayment => "Xác nhận đã nộp phí, lệ phí",
            Action::Finish => "Hoàn thành xử lý, có kết quả",
            Action::ReturnResult => "Trả kết quả",
            Action::RequestWithdrawal => "Yêu cầu rút hồ sơ",
            Action::ConfirmWithdrawal => "Xác nhận rút hồ sơ, dừng xử lý",
            Action::StopProcessing => "Dừng xử lý hồ sơ",
        }
    }

    /// The status after this action from `from` by `role`, or why it is refused.
    pub fn apply(self, from: Status, role: Role) -> Result<Status, TransitionError> {
        let (froms, to, roles) = self.rule();
        if !roles.contains(&role) {
            return Err(TransitionError::RoleNotAllowed { action: self, role });
        }
        if !froms.contains(&from) {
            return Err(TransitionError::InvalidFromStatus { action: self, from });
        }
        Ok(to)
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
