//! The state machine of a dossier: every transition is a named [`Action`] that says which
//! roles may take it, from which statuses, and which status results. Anything else is refused.

use crate::roles::Role;
use crate::status::Status;
use serde::{Deserialize, Serialize};

/// A named transition of the state machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
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
    /// The apology and new appointment (Form 04): at most once per dossier. Under the 2025
    /// regime it is a request to extend the time, decided by the competent signer.
    Apologise,
    /// The competent signer approves the extension request (2025 regime): the appointment moves.
    ApproveExtension,
    /// The competent signer refuses it: the appointment stays.
    RefuseExtension,
    ReturnResult,
    RequestWithdrawal,
    ConfirmWithdrawal,
    StopProcessing,
}

use Status as S;

const OFFICERS: &[Role] = &[Role::ReceivingOfficer, Role::Specialist, Role::Leader];
const APPLICANTS: &[Role] = &[Role::Citizen, Role::Business];
const OFFICERS_AND_PLATFORM: &[Role] =
    &[Role::ReceivingOfficer, Role::Specialist, Role::Leader, Role::IntegrationClient];
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
    pub const ALL: [Action; 24] = [
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
        Action::ApproveExtension,
        Action::RefuseExtension,
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
            // Also the payment platform's signed callback, through the integration platform.
            Action::ConfirmPayment => (&[S::PaymentRequested], Resume, OFFICERS_AND_PLATFORM),
            Action::SubmitForApproval => (&[S::Accepted, S::Processing], To(S::AwaitingApproval), &[Role::Specialist]),
            Action::Approve => (&[S::AwaitingApproval], To(S::Finished), &[Role::Leader]),
            Action::Rework => (&[S::AwaitingApproval], To(S::Processing), &[Role::Leader]),
            Action::Finish => (&[S::Accepted, S::Processing], To(S::Finished), &[Role::Specialist, Role::Leader]),
            Action::Apologise => (&[S::Accepted, S::Processing, S::AwaitingApproval], Same, OFFICERS),
            Action::ApproveExtension | Action::RefuseExtension => (HANDLING, Same, &[Role::Leader]),
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
            Action::ApproveExtension => "Đồng ý gia hạn thời gian giải quyết",
            Action::RefuseExtension => "Không đồng ý gia hạn thời gian giải quyết",
            Action::ReturnResult => "Trả kết quả",
            Action::RequestWithdrawal => "Yêu cầu rút hồ sơ",
            Action::ConfirmWithdrawal => "Xác nhận rút hồ sơ, dừng xử lý",
            Action::StopProcessing => "Dừng xử lý hồ sơ",
        }
    }

    /// The name used in the API (`snake_case`, as serialised).
    pub fn name(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
    }

    /// Whether the applicant is told of this step (G7): the rest is internal work.
    pub fn concerns_applicant(self) -> bool {
        !matches!(
            self,
            Action::Assign | Action::Consult | Action::AnswerConsultation | Action::Rework | Action::RefuseExtension
        )
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

#[cfg(test)]
mod tests {
    use super::*;

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

    /// The national rules, written out independently of the table above: every transition
    /// (action, from → to) that exists. Resuming actions go back to `Processing` by default.
    const LISTED: &[(Action, &[Status], Option<Status>)] = &[
        (Action::Submit, &[S::Draft], Some(S::Submitted)),
        (Action::ReceiveAtCounter, &[S::Draft], Some(S::Submitted)),
        (Action::Accept, &[S::Submitted], Some(S::Accepted)),
        (Action::Refuse, &[S::Submitted], Some(S::Refused)),
        (Action::StartProcessing, &[S::Accepted], Some(S::Processing)),
        (Action::Assign, &[S::Accepted, S::Processing], Some(S::Processing)),
        (Action::RequestSupplement, &[S::Submitted, S::Accepted, S::Processing], Some(S::SupplementRequested)),
        (Action::ProvideSupplement, &[S::SupplementRequested], Some(S::Processing)),
        (Action::Consult, &[S::Processing], None),
        (Action::AnswerConsultation, HANDLING, None),
        (Action::CompletePart, &[S::Accepted, S::Processing], None),
        (Action::RequestPayment, &[S::Accepted, S::Processing], Some(S::PaymentRequested)),
        (Action::ConfirmPayment, &[S::PaymentRequested], Some(S::Processing)),
        (Action::SubmitForApproval, &[S::Accepted, S::Processing], Some(S::AwaitingApproval)),
        (Action::Approve, &[S::AwaitingApproval], Some(S::Finished)),
        (Action::Rework, &[S::AwaitingApproval], Some(S::Processing)),
        (Action::Finish, &[S::Accepted, S::Processing], Some(S::Finished)),
        (Action::Apologise, &[S::Accepted, S::Processing, S::AwaitingApproval], None),
        (Action::ApproveExtension, HANDLING, None),
        (Action::RefuseExtension, HANDLING, None),
        (Action::ReturnResult, &[S::Finished], Some(S::Returned)),
        (
            Action::RequestWithdrawal,
            &[
                S::Submitted,
                S::Accepted,
                S::Processing,
                S::AwaitingApproval,
                S::SupplementRequested,
                S::PaymentRequested,
            ],
            Some(S::WithdrawalRequested),
        ),
        (Action::ConfirmWithdrawal, &[S::WithdrawalRequested], Some(S::Stopped)),
        (Action::StopProcessing, HANDLING, Some(S::Stopped)),
    ];

    #[test]
    fn only_listed_transitions_exist() {
        assert_eq!(LISTED.len(), Action::ALL.len(), "every action is listed once");
        for action in Action::ALL {
            let (_, froms, to) = LISTED.iter().find(|(a, _, _)| *a == action).expect("listed");
            for from in Status::ALL {
                let outcomes: Vec<Status> =
                    Role::ALL.iter().filter_map(|role| action.apply(from, *role).ok()).collect();
                if froms.contains(&from) {
                    assert!(!outcomes.is_empty(), "{action:?} from {from:?} is listed but no role may take it");
                    for got in outcomes {
                        assert_eq!(got, to.unwrap_or(from), "{action:?} from {from:?}");
                    }
                } else {
                    assert!(outcomes.is_empty(), "{action:?} from {from:?} is not listed but {outcomes:?}");
                }
            }
        }
    }
}
