//! The dossier lifecycle as pure functions (M1, M2, M7, M8, G4, rules §3, §5, §6): one typed
//! [`Command`] per action and one function, [`decide`], that takes the dossier, the command and
//! the [`Context`] (caller, calendar, now) and answers the new state — with its history step,
//! report deltas, the agencies that join and the notice for the applicant — or a typed
//! [`Refusal`]. No I/O: the core pipeline loads, fetches what the command needs, calls
//! [`decide`] and commits what it answers in one transaction.
//!
//! **The official receipt time governs** (rules §3). A dossier filed outside working hours is
//! received at the next working time; an officer may still act before that time (a counter may
//! open early, a specialist may work late): the step is recorded at the real time, and every
//! time the law counts — acceptance, finish, return, stage times, report days — counts from the
//! official receipt time ([`official_time`]). So no report figure can go negative and no result
//! can precede its reception.

mod clock;
mod command;
mod decide;
mod notice;
mod permitted;
mod refusal;
mod stage;
#[cfg(test)]
mod tests;

pub use clock::current_deadline;
pub use command::{AgencyRef, Command, PartToOpen, StaffMember};
pub use decide::{check_note, decide};
pub use notice::Notice;
pub use permitted::{allowed_actions, permitted, AllowedAction};
pub use refusal::Refusal;

use crate::calendar::Calendar;
use crate::caller::Caller;
use crate::dossier::Dossier;
use crate::report::Delta;
use chrono::{DateTime, FixedOffset};

/// Supplement requests during appraisal go out within 3 working days of receipt (rules §3).
const SUPPLEMENT_WINDOW_DAYS: i64 = 3;
/// The longest note, reason or answer kept on a dossier.
pub const MAX_NOTE_CHARS: usize = 2000;

/// One working day in working minutes, from the calendar's working hours (8 hours by default).
pub fn working_day(cal: &Calendar) -> i64 {
    cal.config().working_hours.minutes_per_day()
}

/// Who acts, when, under which calendar.
pub struct Context<'a> {
    pub caller: &'a Caller,
    pub calendar: &'a Calendar,
    pub now: DateTime<FixedOffset>,
}

/// What a decided command changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The dossier afterwards (status, history step, version bumped).
    pub dossier: Dossier,
    /// The version the change replaces (the optimistic-concurrency condition).
    pub previous_version: u64,
    /// Report counters moved by the change.
    pub deltas: Vec<Delta>,
    /// Agencies that start taking part (consulted, or given an inter-agency part): their
    /// inboxes get the dossier.
    pub joined: Vec<crate::ids::AgencyCode>,
    /// What the applicant is told (G7), when the step concerns them.
    pub notice: Option<Notice>,
    /// The dossier's evaluation for the Decision 766 index, when its handling ended (R9).
    pub evaluation: Option<crate::index766::Evaluation>,
    /// The workflow step a stage just completed, and the working minutes it took.
    pub closed_step: Option<(String, i64)>,
}

/// The time from which a step at `now` counts: never before the dossier's official receipt.
pub fn official_time(d: &Dossier, now: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    d.received_at.map_or(now, |received| received.max(now))
}
