//! Workflow stages of a dossier (M1, M7): the official receipt, entering and closing a step
//! with its own deadline, and the hand-over row each close leaves for Form 05.

use crate::calendar::Calendar;
use crate::dossier::{Channel, Dossier, Handover, Stage, Status};
use crate::workflow::{StepKind, Workflow};
use chrono::{DateTime, FixedOffset};

/// Records the official receipt at `now` (rules §3): the receipt time, the 8-working-hour
/// confirmation deadline of online dossiers (Decree 45/2020 Art. 11) and the reception step.
pub fn receive(d: &mut Dossier, cal: &Calendar, now: DateTime<FixedOffset>) {
    let received = cal.receipt_time(now);
    d.received_at = Some(received);
    d.reception_due =
        (d.channel == Channel::Online).then(|| cal.add_working_minutes(received, super::working_day(cal)));
    let workflow = d.workflow();
    enter(d, &workflow, Some(StepKind::Reception), cal, now);
}

/// Enters the workflow step of `kind` at `now` (no step: nobody has to act).
pub fn enter(d: &mut Dossier, workflow: &Workflow, kind: Option<StepKind>, cal: &Calendar, now: DateTime<FixedOffset>) {
    d.stage = kind.and_then(|k| workflow.step(k)).map(|step| {
        let allowed = i64::from(step.working_hours) * 60;
        Stage {
            step_id: step.id.clone(),
            name: step.name.clone(),
            role: step.role,
            unit: step.unit.clone().unwrap_or_else(|| d.agency.clone()),
            entered_at: now,
            allowed_minutes: allowed,
            due_at: cal.add_working_minutes(cal.receipt_time(now), allowed),
            paused_minutes: 0,
        }
    });
}

/// Closes the current stage at `now`: the Form 05 row (time used vs. allowed).
pub fn close(d: &mut Dossier, receiver: String, cal: &Calendar, now: DateTime<FixedOffset>) -> Option<Handover> {
    let stage = d.stage.take()?;
    let used = (cal.working_minutes_between(stage.entered_at, now) - stage.paused_minutes).max(0);
    Some(Handover {
        step_id: Some(stage.step_id),
        step: stage.name,
        receiver,
        allowed_minutes: stage.allowed_minutes,
        used_minutes: used,
        on_time: now <= stage.due_at,
    })
}

/// Who receives the dossier after a step: the next step's holder, or the applicant.
pub fn receiver_after(d: &Dossier, workflow: &Workflow, to: Status) -> String {
    if let (Status::Processing | Status::Accepted, Some(a)) = (to, &d.assignee) {
        return format!("Chuyên viên {}", a.name);
    }
    match StepKind::of(to).and_then(|k| workflow.step(k)) {
        Some(step) => format!("{} ({})", step.name, step.role.label()),
        None => "Người nộp hồ sơ".into(),
    }
}

/// Statuses in which the dossier waits for the applicant: the stage keeps its place.
pub fn waits_for_applicant(s: Status) -> bool {
    matches!(s, Status::SupplementRequested | Status::PaymentRequested | Status::WithdrawalRequested)
}
