//! The internal workflow of a procedure (M1, M2, M8): its steps — who handles each (role and
//! unit), the working time allowed, whether the step may consult others or hand the dossier
//! over — and, for inter-agency procedures (G4), the parts other agencies handle with their own
//! time. Versioned with the procedure; procedures without one get [`Workflow::default_for`].

use crate::calendar::StatutoryTime;
use crate::error::FieldError;
use crate::ids::AgencyCode;
use crate::roles::Role;
use crate::status::Status;
use serde::{Deserialize, Serialize};

/// What a step does; the dossier's status says which step it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Check and accept / ask for a supplement / refuse (one-stop office).
    Reception,
    /// Appraisal and drafting of the result (specialist).
    Processing,
    /// Approval and signature (leader).
    Approval,
    /// Return of the result (one-stop office).
    Return,
}

impl StepKind {
    /// The step a dossier in `status` is in; `None` when nobody has to act.
    pub fn of(status: Status) -> Option<StepKind> {
        match status {
            Status::Submitted => Some(StepKind::Reception),
            Status::Accepted
            | Status::Processing
            | Status::SupplementRequested
            | Status::PaymentRequested
            | Status::WithdrawalRequested => Some(StepKind::Processing),
            Status::AwaitingApproval => Some(StepKind::Approval),
            Status::Finished => Some(StepKind::Return),
            Status::Draft | Status::Refused | Status::Stopped | Status::Returned => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowStep {
    pub id: String,
    pub name: String,
    pub kind: StepKind,
    pub role: Role,
    /// Agency code of the unit that handles the step; the procedure's agency when absent.
    #[serde(default)]
    pub unit: Option<AgencyCode>,
    /// Working time allowed for the step.
    pub working_hours: u32,
    #[serde(default)]
    pub can_consult: bool,
    #[serde(default)]
    pub can_hand_over: bool,
}

/// Another agency's part of an inter-agency procedure (G4); the procedure's agency leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterAgencyPart {
    pub agency: AgencyCode,
    pub task: String,
    pub working_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Workflow {
    pub steps: Vec<WorkflowStep>,
    #[serde(default)]
    pub parts: Vec<InterAgencyPart>,
}

/// Working minutes in a statutory time (a working day is 8 hours; calendar days count as
/// working days for sharing the time between steps).
fn statutory_minutes(time: StatutoryTime) -> i64 {
    match time {
        StatutoryTime::SameDay => 8 * 60,
        StatutoryTime::WorkingDays(n) | StatutoryTime::CalendarDays(n) => n as i64 * 8 * 60,
        StatutoryTime::WorkingHours(h) => h as i64 * 60,
    }
}

impl Workflow {
    /// The one-stop workflow of a procedure that configures none: reception (8 working hours,
    /// Decree 45/2020 Art. 11), appraisal and result by a specialist (the statutory time),
    /// return at the one-stop office (4 hours). [`Workflow::with_approval`] adds the leader.
    pub fn default_for(time: StatutoryTime) -> Workflow {
        let mut w = Workflow::with_approval(time);
        w.steps.retain(|s| s.kind != StepKind::Approval);
        w.steps[1].working_hours = (statutory_minutes(time) / 60) as u32;
        w
    }

    /// Reception, appraisal by a specialist, approval by the leader (a tenth of the time, at
    /// least one hour), return.
    pub fn with_approval(time: StatutoryTime) -> Workflow {
        let total = statutory_minutes(time);
        let approval = (total / 10).max(60);
        let processing = (total - approval).max(60);
        let step = |id: &str, name: &str, kind, role, minutes: i64, consult| WorkflowStep {
            id: id.into(),
            name: name.into(),
            kind,
            role,
            unit: None,
            working_hours: (minutes / 60).max(1) as u32,
            can_consult: consult,
            can_hand_over: true,
        };
        Workflow {
            steps: vec![
                step("tiep-nhan", "Tiếp nhận hồ sơ", StepKind::Reception, Role::ReceivingOfficer, 8 * 60, false),
                step("tham-dinh", "Thẩm định, xử lý hồ sơ", StepKind::Processing, Role::Specialist, processing, true),
                step("phe-duyet", "Phê duyệt kết quả", StepKind::Approval, Role::Leader, approval, false),
                step("tra-ket-qua", "Trả kết quả", StepKind::Return, Role::ReceivingOfficer, 4 * 60, false),
            ],
            parts: vec![],
        }
    }

    pub fn step(&self, kind: StepKind) -> Option<&WorkflowStep> {
        self.steps.iter().find(|s| s.kind == kind)
    }

    /// Whether a leader approves the result before it is final.
    pub fn requires_approval(&self) -> bool {
        self.step(StepKind::Approval).is_some()
    }

    /// Checks the workflow against the procedure's statutory time: one reception, one
    /// processing and one return step, staff roles, positive times, processing and approval
    /// within the statutory time, parts of distinct agencies.
    pub fn validate(&self, time: StatutoryTime, lead_agency: &str) -> Result<(), Vec<FieldError>> {
        let mut errors = vec![];
        let mut err = |field: String, code: &'static str, message: String| {
            errors.push(FieldError { field, code, message });
        };
        for (kind, name) in
            [(StepKind::Reception, "tiếp nhận"), (StepKind::Processing, "xử lý"), (StepKind::Return, "trả kết quả")]
        {
            match self.steps.iter().filter(|s| s.kind == kind).count() {
                1 => {}
                0 => err("steps".into(), "step_missing", format!("Quy trình thiếu bước {name}.")),
                _ => err("steps".into(), "step_repeated", format!("Quy trình chỉ có một bước {name}.")),
            }
        }
        if self.steps.iter().filter(|s| s.kind == StepKind::Approval).count() > 1 {
            err("steps".into(), "step_repeated", "Quy trình chỉ có một bước phê duyệt.".into());
        }
        let mut ids = std::collections::HashSet::new();
        for (i, s) in self.steps.iter().enumerate() {
            if s.id.trim().is_empty() || !ids.insert(&s.id) {
                err(format!("steps[{i}].id"), "invalid_id", "Mã bước trống hoặc trùng.".into());
            }
            if s.name.trim().is_empty() {
                err(format!("steps[{i}].name"), "required", "Vui lòng nhập tên bước.".into());
            }
            if !matches!(s.role, Role::ReceivingOfficer | Role::Specialist | Role::Leader) {
                err(
                    format!("steps[{i}].role"),
                    "invalid_role",
                    "Bước xử lý phải giao cho cán bộ tiếp nhận, chuyên viên hoặc lãnh đạo.".into(),
                );
            }
            if s.working_hours == 0 {
                err(format!("steps[{i}].working_hours"), "invalid_time", "Thời gian của bước phải lớn hơn 0.".into());
            }
        }
        let handling: i64 = self
            .steps
            .iter()
            .filter(|s| matches!(s.kind, StepKind::Processing | StepKind::Approval))
            .map(|s| s.working_hours as i64 * 60)
            .sum();
        if handling > statutory_minutes(time) {
            err(
                "steps".into(),
                "exceeds_statutory_time",
                format!("Tổng thời gian xử lý và phê duyệt vượt thời hạn giải quyết ({time})."),
            );
        }
        let mut agencies = std::collections::HashSet::new();
        for (i, p) in self.parts.iter().enumerate() {
            if p.agency == lead_agency || !agencies.insert(&p.agency) {
                err(
                    format!("parts[{i}].agency"),
                    "invalid_agency",
                    "Cơ quan phối hợp trùng hoặc là cơ quan chủ trì.".into(),
                );
            }
            if p.working_days == 0 || p.working_days as i64 * 480 > statutory_minutes(time) {
                err(
                    format!("parts[{i}].working_days"),
                    "invalid_time",
                    format!(
                        "Thời gian của cơ quan phối hợp phải từ 1 ngày và không vượt thời hạn giải quyết ({time})."
                    ),
                );
            }
            if p.task.trim().is_empty() {
                err(format!("parts[{i}].task"), "required", "Vui lòng nêu phần việc của cơ quan phối hợp.".into());
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_workflow_shares_the_statutory_time_and_is_valid() {
        let w = Workflow::with_approval(StatutoryTime::WorkingDays(10));
        assert_eq!(w.step(StepKind::Processing).unwrap().working_hours, 72);
        assert_eq!(w.step(StepKind::Approval).unwrap().working_hours, 8);
        assert!(w.requires_approval());
        w.validate(StatutoryTime::WorkingDays(10), "A").unwrap();
        let plain = Workflow::default_for(StatutoryTime::WorkingDays(10));
        assert!(!plain.requires_approval());
        assert_eq!(plain.step(StepKind::Processing).unwrap().working_hours, 80);
        plain.validate(StatutoryTime::WorkingDays(10), "A").unwrap();
        Workflow::default_for(StatutoryTime::SameDay).validate(StatutoryTime::SameDay, "A").unwrap();
    }

    #[test]
    fn a_workflow_missing_steps_or_over_time_is_refused_with_reasons() {
        let mut w = Workflow::with_approval(StatutoryTime::WorkingDays(2));
        w.steps.retain(|s| s.kind != StepKind::Return);
        w.steps[1].working_hours = 40;
        w.parts.push(InterAgencyPart { agency: "A".into(), task: "x".into(), working_days: 5 });
        let codes: Vec<_> =
            w.validate(StatutoryTime::WorkingDays(2), "A").unwrap_err().iter().map(|e| e.code).collect();
        assert!(codes.contains(&"step_missing"), "{codes:?}");
        assert!(codes.contains(&"exceeds_statutory_time"), "{codes:?}");
        assert!(codes.contains(&"invalid_agency"), "{codes:?}");
        assert!(codes.contains(&"invalid_time"), "{codes:?}");
    }

    #[test]
    fn every_handled_status_is_in_a_step() {
        assert_eq!(StepKind::of(Status::Submitted), Some(StepKind::Reception));
        assert_eq!(StepKind::of(Status::AwaitingApproval), Some(StepKind::Approval));
        assert_eq!(StepKind::of(Status::Finished), Some(StepKind::Return));
        assert_eq!(StepKind::of(Status::Returned), None);
    }
}
