//! Coexistence with ministry systems (R11, `regime-2025.md` §7): a procedure version may be
//! processed in a ministry's centralised system instead of here. Its dossiers are then never
//! filed or handled here; the ministry's system sends each dossier's status as it changes, and
//! that status is the only one (one authoritative status per stage). This module decides what a
//! status received changes: the stored record, and the report counters it moves — received
//! once, finished once, the appointment's counter following the dossier — so statistics count a
//! dossier of such a procedure exactly once, whatever the order or repetition of the updates.
//! The 766 index here evaluates only dossiers processed here; a ministry's dossier counts in its
//! synced share as held by the national portal (the ministry's system reports it there).

use crate::dossier::Timing;
use crate::report::{self, Delta};
use crate::status::Channel;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// Where the dossiers of a procedure version are processed when not here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessingSystem {
    /// The system's identifier; its integration client has the same id.
    pub system: String,
    /// Its name, as applicants read it.
    pub name: String,
    /// Where applicants file.
    pub url: String,
}

/// A dossier's status as the ministry's system reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncedStatus {
    /// Accepted; the clock runs.
    Received,
    Processing,
    /// Waiting for the applicant (supplement, payment): the clock stops.
    WaitingForApplicant,
    /// The result is ready.
    Finished,
    /// The result was handed over.
    Returned,
    /// Processing stopped (withdrawn, or stopped by decision).
    Stopped,
}

impl SyncedStatus {
    pub fn ended(self) -> bool {
        matches!(self, SyncedStatus::Finished | SyncedStatus::Returned | SyncedStatus::Stopped)
    }

    pub fn label(self) -> &'static str {
        match self {
            SyncedStatus::Received => "Đã tiếp nhận",
            SyncedStatus::Processing => "Đang giải quyết",
            SyncedStatus::WaitingForApplicant => "Chờ bổ sung, thực hiện nghĩa vụ tài chính",
            SyncedStatus::Finished => "Đã có kết quả",
            SyncedStatus::Returned => "Đã trả kết quả",
            SyncedStatus::Stopped => "Dừng xử lý",
        }
    }
}

/// One dossier as the ministry's system sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncedDossier {
    /// The dossier's code in the ministry's system.
    pub code: String,
    pub procedure_code: String,
    /// The unit of this province that handles it (the competent authority).
    pub agency: String,
    pub channel: Channel,
    pub applicant_name: String,
    #[schema(value_type = String, format = DateTime)]
    pub received_at: DateTime<FixedOffset>,
    #[schema(value_type = String, format = DateTime)]
    pub appointment: DateTime<FixedOffset>,
    pub status: SyncedStatus,
    /// When processing ended (required once the status is an end).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub finished_at: Option<DateTime<FixedOffset>>,
    /// When the ministry's system changed the dossier: older or repeated updates change nothing.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<FixedOffset>,
}

/// Why a status received is refused (nothing changes).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncRefusal {
    #[error("Hồ sơ {0}: thời điểm kết thúc bắt buộc khi hồ sơ đã có kết quả hoặc dừng xử lý, và không được trước thời điểm tiếp nhận.")]
    FinishedAt(String),
    #[error("Hồ sơ {0}: ngày hẹn trả không được trước thời điểm tiếp nhận.")]
    Appointment(String),
    #[error("Hồ sơ {0}: thủ tục, cơ quan, kênh nộp và thời điểm tiếp nhận không thay đổi sau lần đồng bộ đầu.")]
    Identity(String),
    #[error("Hồ sơ {0}: hồ sơ đã kết thúc không quay lại trạng thái đang xử lý hoặc kết thúc khác.")]
    Regressed(String),
}

impl SyncRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            SyncRefusal::FinishedAt(_) => "finished_at_invalid",
            SyncRefusal::Appointment(_) => "appointment_invalid",
            SyncRefusal::Identity(_) => "synced_identity_changed",
            SyncRefusal::Regressed(_) => "status_regressed",
        }
    }
}

/// What a status received does.
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    /// Older than or the same as the stored one: nothing changes.
    Stale,
    /// The new record and the counters it moves.
    Changed { record: SyncedDossier, deltas: Vec<Delta> },
}

/// Where the dossier's appointment counter stands: parked while the applicant is waited for.
fn due_day(r: &SyncedDossier) -> NaiveDate {
    if r.status == SyncedStatus::WaitingForApplicant {
        report::clock_stopped_day()
    } else {
        r.appointment.date_naive()
    }
}

/// Applies a status received to what is stored (`None`: first seen).
pub fn apply(stored: Option<&SyncedDossier>, new: SyncedDossier) -> Result<Applied, SyncRefusal> {
    let code = || new.code.clone();
    if new.appointment < new.received_at {
        return Err(SyncRefusal::Appointment(code()));
    }
    match new.finished_at {
        Some(f) if f < new.received_at => return Err(SyncRefusal::FinishedAt(code())),
        None if new.status.ended() => return Err(SyncRefusal::FinishedAt(code())),
        _ => {}
    }
    let mut deltas = vec![];
    let counted_due = match stored {
        None => {
            deltas = report::on_received(new.channel, new.received_at.date_naive(), new.appointment.date_naive());
            // The ministry's system reports its dossiers to the national portal: held there,
            // as the 766 index's synced share counts them.
            deltas.push((new.received_at.date_naive(), crate::index766::metric::SYNCED, 1));
            new.appointment.date_naive()
        }
        Some(old) => {
            if new.updated_at <= old.updated_at {
                return Ok(Applied::Stale);
            }
            let same = (&old.procedure_code, &old.agency, old.channel, old.received_at)
                == (&new.procedure_code, &new.agency, new.channel, new.received_at);
            if !same {
                return Err(SyncRefusal::Identity(code()));
            }
            let handed_over = old.status == SyncedStatus::Finished && new.status == SyncedStatus::Returned;
            if old.status.ended() && !(handed_over || old.status == new.status) {
                return Err(SyncRefusal::Regressed(code()));
            }
            if old.status.ended() {
                // An ended dossier's counters are final; only its record is updated.
                return Ok(Applied::Changed { record: SyncedDossier { finished_at: old.finished_at, ..new }, deltas });
            }
            due_day(old)
        }
    };
    deltas.extend(report::on_appointment_moved(counted_due, due_day(&new)));
    if new.status.ended() {
        let finished = new.finished_at.expect("checked above");
        let timing = Timing::of(finished, new.appointment);
        deltas.extend(report::on_finished(finished.date_naive(), new.appointment.date_naive(), timing));
    }
    Ok(Applied::Changed { record: new, deltas })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::metric;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn record(status: SyncedStatus, updated: &str) -> SyncedDossier {
        SyncedDossier {
            code: "BCA-0001".into(),
            procedure_code: "1.004222".into(),
            agency: "000.17.23.H56".into(),
            channel: Channel::Online,
            applicant_name: "Lê Thị Hoa".into(),
            received_at: at("2026-03-02T09:00:00+07:00"),
            appointment: at("2026-03-09T09:00:00+07:00"),
            status,
            finished_at: status.ended().then(|| at("2026-03-06T15:00:00+07:00")),
            updated_at: at(updated),
        }
    }

    fn deltas(a: Applied) -> Vec<Delta> {
        match a {
            Applied::Changed { deltas, .. } => deltas,
            Applied::Stale => panic!("stale"),
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_dossier_is_counted_received_once_and_finished_once_whatever_the_updates() {
        use SyncedStatus::*;
        let first = record(Received, "2026-03-02T09:00:00+07:00");
        assert_eq!(
            deltas(apply(None, first.clone()).unwrap()),
            vec![
                (day("2026-03-02"), metric::RECEIVED_ONLINE, 1),
                (day("2026-03-09"), metric::DUE, 1),
                (day("2026-03-02"), crate::index766::metric::SYNCED, 1)
            ]
        );
        // Waiting parks the appointment's counter; resuming with a new appointment brings it back.
        let waiting = record(WaitingForApplicant, "2026-03-03T09:00:00+07:00");
        let parked = report::clock_stopped_day();
        assert_eq!(
            deltas(apply(Some(&first), waiting.clone()).unwrap()),
            vec![(day("2026-03-09"), metric::DUE, -1), (parked, metric::DUE, 1)]
        );
        let resumed = SyncedDossier {
            appointment: at("2026-03-10T09:00:00+07:00"),
            ..record(Processing, "2026-03-04T09:00:00+07:00")
        };
        assert_eq!(
            deltas(apply(Some(&waiting), resumed.clone()).unwrap()),
            vec![(parked, metric::DUE, -1), (day("2026-03-10"), metric::DUE, 1)]
        );
        let finished =
            SyncedDossier { appointment: resumed.appointment, ..record(Finished, "2026-03-06T15:00:00+07:00") };
        assert_eq!(
            deltas(apply(Some(&resumed), finished.clone()).unwrap()),
            vec![(day("2026-03-06"), metric::FINISHED_EARLY, 1), (day("2026-03-10"), metric::DUE_MET, 1)]
        );
        // Handing the result over, a repeat and an older update move no counter.
        let returned =
            SyncedDossier { appointment: resumed.appointment, ..record(Returned, "2026-03-07T08:00:00+07:00") };
        assert_eq!(deltas(apply(Some(&finished), returned.clone()).unwrap()), vec![]);
        assert_eq!(apply(Some(&returned), returned.clone()).unwrap(), Applied::Stale);
        assert_eq!(apply(Some(&returned), resumed.clone()).unwrap(), Applied::Stale);
    }

    #[test]
    fn a_first_update_that_has_ended_counts_both_and_late_is_late() {
        let late = SyncedDossier {
            finished_at: Some(at("2026-03-10T08:00:00+07:00")),
            ..record(SyncedStatus::Stopped, "2026-03-10T08:00:00+07:00")
        };
        assert_eq!(
            deltas(apply(None, late).unwrap()),
            vec![
                (day("2026-03-02"), metric::RECEIVED_ONLINE, 1),
                (day("2026-03-09"), metric::DUE, 1),
                (day("2026-03-02"), crate::index766::metric::SYNCED, 1),
                (day("2026-03-10"), metric::FINISHED_LATE, 1)
            ]
        );
    }

    #[test]
    fn inconsistent_updates_are_refused() {
        use SyncedStatus::*;
        let finished = record(Finished, "2026-03-06T15:00:00+07:00");
        let reopened = record(Processing, "2026-03-07T09:00:00+07:00");
        assert_eq!(apply(Some(&finished), reopened).unwrap_err().code(), "status_regressed");
        let moved = SyncedDossier { agency: "000.17.22.H56".into(), ..record(Processing, "2026-03-07T09:00:00+07:00") };
        assert_eq!(
            apply(Some(&record(Received, "2026-03-02T09:00:00+07:00")), moved).unwrap_err().code(),
            "synced_identity_changed"
        );
        let no_end = SyncedDossier { finished_at: None, ..finished.clone() };
        assert_eq!(apply(None, no_end).unwrap_err().code(), "finished_at_invalid");
        let early = SyncedDossier { appointment: at("2026-03-01T09:00:00+07:00"), ..finished };
        assert_eq!(apply(None, early).unwrap_err().code(), "appointment_invalid");
    }
}
