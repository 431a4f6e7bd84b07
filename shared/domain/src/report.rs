//! The statistics report (rules §6, M3, P8) computed from day-bucketed aggregates.
//!
//! Aggregates are counters kept per scope (agency, field, procedure) and per day, updated in
//! the same transaction as each dossier change; a report reads only those buckets, so it costs
//! the same at 10 dossiers and at 10 million. This module says which counters an event moves
//! and how a report row is derived from the counters.

use crate::dossier::{Channel, Timing};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Counter names (attributes of a day bucket).
pub mod metric {
    /// Accepted dossiers by receipt day, online channel.
    pub const RECEIVED_ONLINE: &str = "received_online";
    /// Accepted dossiers by receipt day, in person or by post.
    pub const RECEIVED_DIRECT: &str = "received_direct";
    pub const FINISHED_EARLY: &str = "finished_early";
    pub const FINISHED_ON_TIME: &str = "finished_on_time";
    /// Late finishes, by finish day.
    pub const FINISHED_LATE: &str = "finished_late";
    /// Appointments falling on the day (moved when an appointment moves).
    pub const DUE: &str = "due";
    /// Dossiers finished early or on time, by their appointment day.
    pub const DUE_MET: &str = "due_met";
}

/// A counter change: `(day, metric, delta)`.
pub type Delta = (NaiveDate, &'static str, i64);

/// Counters moved when a dossier is accepted.
pub fn on_received(channel: Channel, received: NaiveDate, appointment: NaiveDate) -> Vec<Delta> {
    let m = if channel == Channel::Online { metric::RECEIVED_ONLINE } else { metric::RECEIVED_DIRECT };
    vec![(received, m, 1), (appointment, metric::DUE, 1)]
}

/// Counters moved when a dossier's processing ends (finished or stopped).
pub fn on_finished(finished: NaiveDate, appointment: NaiveDate, timing: Timing) -> Vec<Delta> {
    match timing {
        Timing::Early => vec![(finished, metric::FINISHED_EARLY, 1), (appointment, metric::DUE_MET, 1)],
        Timing::OnTime => vec![(finished, metric::FINISHED_ON_TIME, 1), (appointment, metric::DUE_MET, 1)],
        Timing::Late => vec![(finished, metric::FINISHED_LATE, 1)],
    }
}

/// Where the due counter of a dossier waits while its clock is stopped (supplement, payment):
/// after every period, so a dossier waiting for the applicant is never counted overdue
/// (rules §6: "within deadline, including those waiting for a supplement").
pub fn clock_stopped_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date")
}

/// Counters moved when an open dossier's appointment moves.
pub fn on_appointment_moved(old: NaiveDate, new: NaiveDate) -> Vec<Delta> {
    if old == new {
        return vec![];
    }
    vec![(old, metric::DUE, -1), (new, metric::DUE, 1)]
}

/// One day bucket as read back from storage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayBucket {
    pub day: NaiveDate,
    pub received_online: i64,
    pub received_direct: i64,
    pub finished_early: i64,
    pub finished_on_time: i64,
    pub finished_late: i64,
    pub due: i64,
    pub due_met: i64,
}

/// One row of the national template (Circular 02/2017/TT-VPCP).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportRow {
    pub carried_over: i64,
    pub new_online: i64,
    pub new_direct: i64,
    pub received: i64,
    pub finished_early: i64,
    pub finished_on_time: i64,
    pub finished_late: i64,
    pub finished: i64,
    pub in_process_within_deadline: i64,
    pub in_process_overdue: i64,
    pub in_process: i64,
}

impl ReportRow {
    /// Computes a row for the period `from..=to` from every bucket up to `to`.
    /// `today` bounds the overdue count: a dossier is overdue when its appointment day is
    /// before the reference day `min(to + 1, today)` and it was not finished before that day.
    pub fn compute(buckets: &[DayBucket], from: NaiveDate, to: NaiveDate, today: NaiveDate) -> ReportRow {
        let reference = (to + chrono::Days::new(1)).min(today);
        let mut r = ReportRow::default();
        let (mut received_before, mut finished_before) = (0, 0);
        let (mut due, mut met, mut late_done) = (0, 0, 0);
        for b in buckets.iter().filter(|b| b.day <= to) {
            let finished = b.finished_early + b.finished_on_time + b.finished_late;
            if b.day < from {
                received_before += b.received_online + b.received_direct;
                finished_before += finished;
            } else {
                r.new_online += b.received_online;
                r.new_direct += b.received_direct;
                r.finished_early += b.finished_early;
                r.finished_on_time += b.finished_on_time;
                r.finished_late += b.finished_late;
            }
            if b.day < reference {
                due += b.due;
                met += b.due_met;
                late_done += b.finished_late;
            }
        }
        r.carried_over = received_before - finished_before;
        r.received = r.carried_over + r.new_online + r.new_direct;
        r.finished = r.finished_early + r.finished_on_time + r.finished_late;
        r.in_process = r.received - r.finished;
        r.in_process_overdue = (due - met - late_done).clamp(0, r.in_process.max(0));
        r.in_process_within_deadline = r.in_process - r.in_process_overdue;
        r
    }

    pub fn add(&mut self, o: &ReportRow) {
        self.carried_over += o.carried_over;
        self.new_online += o.new_online;
        self.new_direct += o.new_direct;
        self.received += o.received;
        self.finished_early += o.finished_early;
        self.finished_on_time += o.finished_on_time;
        self.finished_late += o.finished_late;
        self.finished += o.finished;
        self.in_process_within_deadline += o.in_process_within_deadline;
        self.in_process_overdue += o.in_process_overdue;
        self.in_process += o.in_process;
    }

    /// received = finished + in process (rules §6).
    pub fn is_balanced(&self) -> bool {
        self.received == self.finished + self.in_process
            && self.received == self.carried_over + self.new_online + self.new_direct
            && self.finished == self.finished_early + self.finished_on_time + self.finished_late
            && self.in_process == self.in_process_within_deadline + self.in_process_overdue
    }
}

/// Adds deltas to in-memory day buckets, as the stored aggregates add them (tests only).
#[cfg(test)]
pub(crate) fn apply(buckets: &mut Vec<DayBucket>, deltas: Vec<Delta>) {
    for (day, m, n) in deltas {
        let b = match buckets.iter_mut().position(|b| b.day == day) {
            Some(i) => &mut buckets[i],
            None => {
                buckets.push(DayBucket { day, ..Default::default() });
                buckets.last_mut().unwrap()
            }
        };
        let slot = match m {
            metric::RECEIVED_ONLINE => &mut b.received_online,
            metric::RECEIVED_DIRECT => &mut b.received_direct,
            metric::FINISHED_EARLY => &mut b.finished_early,
            metric::FINISHED_ON_TIME => &mut b.finished_on_time,
            metric::FINISHED_LATE => &mut b.finished_late,
            metric::DUE => &mut b.due,
            metric::DUE_MET => &mut b.due_met,
            _ => continue, // the Decision 766 index's counters
        };
        *slot += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32, month: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, day).unwrap()
    }

    #[test]
    fn a_month_with_carry_over_early_on_time_late_and_overdue_balances() {
        let mut b = vec![];
        // Received in February, still open on 1 March: carried over. Finished late in March.
        apply(&mut b, on_received(Channel::Online, d(20, 2), d(25, 2)));
        apply(&mut b, on_finished(d(3, 3), d(25, 2), Timing::Late));
        // Received in March online, finished early.
        apply(&mut b, on_received(Channel::Online, d(2, 3), d(10, 3)));
        apply(&mut b, on_finished(d(5, 3), d(10, 3), Timing::Early));
        // Received in March at the counter, on time.
        apply(&mut b, on_received(Channel::InPerson, d(4, 3), d(9, 3)));
        apply(&mut b, on_finished(d(9, 3), d(9, 3), Timing::OnTime));
        // Received in March, appointment 20/03, still open at the end of March: overdue.
        apply(&mut b, on_received(Channel::Post, d(16, 3), d(20, 3)));
        // Received in March, appointment in April: within deadline.
        apply(&mut b, on_received(Channel::Online, d(30, 3), d(6, 4)));
        // Finished in February: not carried over.
        apply(&mut b, on_received(Channel::Online, d(2, 2), d(5, 2)));
        apply(&mut b, on_finished(d(4, 2), d(5, 2), Timing::Early));

        let r = ReportRow::compute(&b, d(1, 3), d(31, 3), d(15, 5));
        assert_eq!(r.carried_over, 1);
        assert_eq!((r.new_online, r.new_direct), (2, 2));
        assert_eq!((r.finished_early, r.finished_on_time, r.finished_late), (1, 1, 1));
        assert_eq!((r.in_process_within_deadline, r.in_process_overdue), (1, 1));
        assert!(r.is_balanced(), "{r:?}");
    }

    #[test]
    fn overdue_is_counted_against_today_inside_the_current_period() {
        let mut b = vec![];
        apply(&mut b, on_received(Channel::Online, d(2, 3), d(10, 3)));
        // On 5 March nothing is overdue yet; on 11 March it is.
        assert_eq!(ReportRow::compute(&b, d(1, 3), d(31, 3), d(5, 3)).in_process_overdue, 0);
        assert_eq!(ReportRow::compute(&b, d(1, 3), d(31, 3), d(11, 3)).in_process_overdue, 1);
        // A moved appointment moves the due bucket.
        apply(&mut b, on_appointment_moved(d(10, 3), d(20, 3)));
        assert_eq!(ReportRow::compute(&b, d(1, 3), d(31, 3), d(11, 3)).in_process_overdue, 0);
    }
}
