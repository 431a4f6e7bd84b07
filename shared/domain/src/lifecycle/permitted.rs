//! Whether a caller may take an action on a dossier now, whatever the input: entitlement,
//! the state machine and the rules that depend only on the dossier's state. [`decide`]
//! checks this first; [`allowed_actions`] lists what passes, so the web front offers exactly
//! what the server would accept.
//!
//! [`decide`]: super::decide

use super::{official_time, working_day, Context, Refusal, SUPPLEMENT_WINDOW_DAYS};
use crate::dossier::{Action, Channel, Dossier, Status};
use crate::roles::Role;
use crate::workflow::StepKind;
use serde::{Deserialize, Serialize};

/// The status the action leads to, or why the caller may not take it now.
pub fn permitted(d: &Dossier, action: Action, ctx: &Context) -> Result<Status, Refusal> {
    let caller = ctx.caller;
    let agency = caller.agency.as_deref().unwrap_or_default();
    let takes_part = matches!(action, Action::AnswerConsultation | Action::CompletePart);
    // The service centre that took a boundary-free dossier (R5) receives it, asks for what is
    // missing, refuses it, and returns the result at its counter; the competent authority does
    // the rest.
    let at_reception = matches!(
        action,
        Action::ReceiveAtCounter | Action::Accept | Action::Refuse | Action::ProvideSupplement | Action::ReturnResult
    ) || action == Action::RequestSupplement && d.status == Status::Submitted;
    let entitled = if caller.role.is_applicant() {
        d.owner == caller.id
    } else {
        caller.works_for(&d.agency)
            || takes_part && caller.role.is_agency_staff() && d.involves(agency)
            || at_reception && caller.role.is_agency_staff() && d.receives(agency)
    };
    if !entitled {
        return Err(Refusal::NotFound("hồ sơ"));
    }
    let to = action.apply_resuming(d.status, caller.role, d.waiting.as_ref().map(|w| w.resume_to))?;
    let workflow = d.workflow();
    let t = official_time(d, ctx.now);
    let cal = ctx.calendar;
    match action {
        Action::Assign => {
            if let Some(stage) = d.stage.as_ref().filter(|_| d.assignee.is_some()) {
                if !workflow.step(StepKind::Processing).is_some_and(|s| s.can_hand_over) {
                    return Err(Refusal::rule(
                        "hand_over_not_allowed",
                        format!("Bước “{}” không cho phép chuyển giao hồ sơ.", stage.name),
                    ));
                }
            }
        }
        Action::RequestSupplement if d.status != Status::Submitted => {
            let since = d.received_at.unwrap_or(t);
            if cal.working_minutes_between(since, t) > SUPPLEMENT_WINDOW_DAYS * working_day(cal) {
                return Err(Refusal::rule(
                    "supplement_too_late",
                    format!(
                        "Đã quá 3 ngày làm việc kể từ khi tiếp nhận: không được yêu cầu bổ sung hồ sơ nữa ({}).",
                        d.regime.decree()
                    ),
                ));
            }
        }
        Action::ProvideSupplement if caller.role == Role::ReceivingOfficer && d.channel == Channel::Online => {
            return Err(Refusal::rule(
                "applicant_supplements_online",
                "Hồ sơ trực tuyến do người nộp tự bổ sung trên Cổng.",
            ));
        }
        Action::Consult if !workflow.step(StepKind::Processing).is_some_and(|s| s.can_consult) => {
            return Err(Refusal::rule("consultation_not_allowed", "Quy trình của thủ tục không có bước xin ý kiến."));
        }
        Action::AnswerConsultation if !d.consultations.iter().any(|c| c.agency == agency) => {
            return Err(Refusal::NotFound("yêu cầu xin ý kiến"));
        }
        Action::CompletePart => match d.parts.iter().find(|p| p.agency == agency) {
            None => return Err(Refusal::NotFound("phần việc liên thông")),
            Some(p) if p.completed_at.is_some() => {
                return Err(Refusal::rule("part_completed", "Cơ quan đã hoàn thành phần việc này."))
            }
            Some(_) => {}
        },
        Action::SubmitForApproval if !workflow.requires_approval() => {
            return Err(Refusal::rule(
                "approval_not_in_workflow",
                "Quy trình của thủ tục không có bước lãnh đạo phê duyệt: chuyên viên hoàn thành hồ sơ.",
            ));
        }
        Action::Finish if caller.role == Role::Specialist && workflow.requires_approval() => {
            return Err(Refusal::rule(
                "approval_required",
                "Quy trình của thủ tục yêu cầu trình lãnh đạo phê duyệt kết quả.",
            ));
        }
        Action::Apologise if d.pending_extension().is_some() => {
            return Err(Refusal::rule(
                "extension_pending",
                "Đề nghị gia hạn trước đang chờ người có thẩm quyền quyết định.",
            ));
        }
        Action::ApproveExtension | Action::RefuseExtension if d.pending_extension().is_none() => {
            return Err(Refusal::rule("no_extension_request", "Hồ sơ không có đề nghị gia hạn đang chờ quyết định."));
        }
        Action::Apologise => {
            if d.apology.is_some() {
                return Err(Refusal::rule(
                    "appointment_already_reset",
                    "Ngày hẹn trả kết quả chỉ được điều chỉnh một lần.",
                ));
            }
            let appointment =
                d.appointment.ok_or_else(|| Refusal::rule("no_appointment", "Hồ sơ chưa có ngày hẹn."))?;
            if cal.working_minutes_between(t, appointment) < working_day(cal) {
                return Err(Refusal::rule(
                    "apology_too_late",
                    "Phiếu xin lỗi phải gửi chậm nhất 01 ngày làm việc trước ngày hẹn trả kết quả.",
                ));
            }
        }
        _ => {}
    }
    if matches!(action, Action::SubmitForApproval | Action::Finish) {
        if let Some(p) = d.parts.iter().find(|p| p.completed_at.is_none()) {
            return Err(Refusal::rule(
                "parts_pending",
                format!("Cơ quan phối hợp “{}” chưa hoàn thành phần việc: “{}”.", p.agency_name, p.task),
            ));
        }
    }
    Ok(to)
}

/// An action the caller may take now, with its Vietnamese name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AllowedAction {
    pub action: Action,
    pub label: String,
}

/// What the caller may do on the dossier now (a consulted agency: answer while its question is
/// open). Counter reception creates a dossier and is never listed.
pub fn allowed_actions(d: &Dossier, ctx: &Context) -> Vec<AllowedAction> {
    let agency = ctx.caller.agency.as_deref().unwrap_or_default();
    Action::ALL
        .into_iter()
        .filter(|a| *a != Action::ReceiveAtCounter)
        .filter(|a| {
            *a != Action::AnswerConsultation
                || d.consultations.iter().any(|c| c.agency == agency && c.answered_at.is_none())
        })
        .filter(|a| permitted(d, *a, ctx).is_ok())
        .map(|action| AllowedAction { action, label: action.label().into() })
        .collect()
}
