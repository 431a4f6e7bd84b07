//! The dossier's appointment and its clock (rules §3, §5): recording a deadline, moving it,
//! stopping and restarting the count, and the report deltas that follow the due day.

use crate::calendar::Deadline;
use crate::dossier::Dossier;
use crate::report::{self, Delta};
use chrono::{DateTime, FixedOffset};

/// The deadline stored in the dossier, as the calendar computed it.
pub fn current_deadline(d: &Dossier) -> Option<Deadline> {
    Some(Deadline {
        received_at: d.received_at?,
        counting_from: d.received_at?,
        due_at: d.appointment?,
        skipped: vec![],
        explanation: d.appointment_explanation.clone().unwrap_or_default(),
        calendar_version: d.calendar_version.unwrap_or_default(),
    })
}

/// Records a deadline as the dossier's appointment; returns the appointment it replaces.
pub fn set_deadline(d: &mut Dossier, deadline: Deadline) -> Option<DateTime<FixedOffset>> {
    d.appointment_explanation = Some(deadline.explanation);
    d.calendar_version = Some(deadline.calendar_version);
    d.appointment.replace(deadline.due_at)
}

/// Moves the appointment; returns the report deltas (the due-day counters follow it, from
/// where they waited if the clock was stopped).
pub fn move_appointment(d: &mut Dossier, deadline: Deadline, clock_was_stopped: bool) -> Vec<Delta> {
    let due = deadline.due_at;
    let old = set_deadline(d, deadline);
    let from = if clock_was_stopped { Some(report::clock_stopped_day()) } else { old.map(|o| o.date_naive()) };
    match from {
        Some(from) if d.accepted_at.is_some() => report::on_appointment_moved(from, due.date_naive()),
        _ => vec![],
    }
}

/// The report deltas of stopping the clock: the due counter waits after every period.
pub fn stop(d: &Dossier) -> Vec<Delta> {
    match (d.accepted_at, d.appointment) {
        (Some(_), Some(appt)) => report::on_appointment_moved(appt.date_naive(), report::clock_stopped_day()),
        _ => vec![],
    }
}

/// The report deltas of a wait that ends without the clock restarting (withdrawal, stop):
/// the due counter comes back from where it waited, to be met or missed.
pub fn unpark(d: &Dossier) -> Vec<Delta> {
    match (d.accepted_at, d.appointment) {
        (Some(_), Some(appt)) => report::on_appointment_moved(report::clock_stopped_day(), appt.date_naive()),
        _ => vec![],
    }
}
