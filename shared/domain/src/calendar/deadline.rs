//! Statutory processing times and the deadlines computed from them (rules §3, §5), including
//! clock stop and restart. Every deadline carries the days it skipped, a one-paragraph
//! Vietnamese explanation and the calendar version that computed it.

use std::fmt;

use chrono::{DateTime, Days, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::counting::{instant, local, Landing};
use super::{vn_offset, Calendar};

/// Statutory processing time of a procedure.
///
/// JSON: `{"unit":"same_day"}`, `{"unit":"working_days","value":10}`,
/// `{"unit":"working_hours","value":8}`, `{"unit":"calendar_days","value":15}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "unit", content = "value", rename_all = "snake_case")]
pub enum StatutoryTime {
    /// Result by the end of the receipt day; the next working day when received after the
    /// same-day cut-off.
    SameDay,
    /// Due at the same clock time N working days later.
    WorkingDays(u32),
    /// Due after N hours of working time.
    WorkingHours(u32),
    /// Calendar days (Civil Code Art. 147–148): from the day after the official receipt
    /// ([`Calendar::receipt_time`]), due at the end of office hours of the last day, moved to the
    /// next working day if that is a day off.
    CalendarDays(u32),
}

impl fmt::Display for StatutoryTime {
    /// Vietnamese wording, e.g. "10 ngày làm việc".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SameDay => f.write_str("trong ngày"),
            Self::WorkingDays(n) => write!(f, "{n} ngày làm việc"),
            Self::WorkingHours(n) => write!(f, "{n} giờ làm việc"),
            Self::CalendarDays(n) => write!(f, "{n} ngày (tính cả ngày nghỉ)"),
        }
    }
}

/// A day not counted, with its Vietnamese reason ("Thứ Bảy", "Tết Nguyên đán", …).
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct SkippedDay {
    pub date: NaiveDate,
    pub reason: String,
}

/// A computed deadline (instants in Vietnam time).
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Deadline {
    pub received_at: DateTime<FixedOffset>,
    /// When counting started (official receipt, resumption, or for calendar days the start of
    /// the day after receipt).
    pub counting_from: DateTime<FixedOffset>,
    pub due_at: DateTime<FixedOffset>,
    /// Days off not counted, in date order.
    pub skipped: Vec<SkippedDay>,
    /// One Vietnamese paragraph (dates dd/mm/yyyy, times HH:MM).
    pub explanation: String,
    pub calendar_version: u32,
}

/// A count before it becomes a [`Deadline`]; `text` lacks the closing sentences.
struct Count {
    counting_from: NaiveDateTime,
    due: NaiveDateTime,
    skipped: Vec<SkippedDay>,
    text: String,
}

impl Calendar {
    /// Deadline of a dossier received at `received_at` (rules §5): counting starts at the
    /// official receipt time ([`Calendar::receipt_time`]).
    pub fn deadline(&self, received_at: DateTime<FixedOffset>, time: StatutoryTime) -> Deadline {
        let count = self.count("Hồ sơ được tiếp nhận", local(received_at), time);
        self.finish(received_at, count)
    }

    /// Clock stop and restart: a deadline stopped at `stopped_at` (supplement / payment wait)
    /// and resumed at `resumed_at`. Keeps the working time that was left at the stop and counts
    /// it again from the resumption (normalised like a receipt); for calendar days the number of
    /// days left is kept. `restart_from_zero` (supplement after an incomplete dossier, rules §3)
    /// recomputes the full statutory time from `resumed_at`.
    pub fn resume(
        &self,
        original: &Deadline,
        time: StatutoryTime,
        stopped_at: DateTime<FixedOffset>,
        resumed_at: DateTime<FixedOffset>,
        restart_from_zero: bool,
    ) -> Deadline {
        let stopped = local(stopped_at);
        let resumed = local(resumed_at).max(stopped);
        let count = if restart_from_zero {
            self.count("Thời hạn được tính lại từ đầu vì hồ sơ được bổ sung đầy đủ", resumed, time)
        } else {
            self.count_remaining(original, time, stopped, resumed)
        };
        self.finish(original.received_at, count)
    }

    fn finish(&self, received_at: DateTime<FixedOffset>, count: Count) -> Deadline {
        let version = self.config.version;
        Deadline {
            received_at: received_at.with_timezone(&vn_offset()),
            counting_from: instant(count.counting_from),
            due_at: instant(count.due),
            explanation: format!(
                "{} Hạn trả kết quả: {}. Tính theo lịch làm việc phiên bản {version}.",
                count.text,
                at(count.due)
            ),
            skipped: count.skipped,
            calendar_version: version,
        }
    }

    /// Counts the full statutory time from an event (receipt, or completion of a supplement).
    fn count(&self, event: &str, event_at: NaiveDateTime, time: StatutoryTime) -> Count {
        let hours = &self.config.working_hours;
        let mut start = self.receipt_local(event_at);
        let mut note = self.shift_note(event_at, start);
        if time == StatutoryTime::SameDay && start.time() > hours.same_day_cutoff {
            note.get_or_insert_with(|| format!("sau {}", hm(hours.same_day_cutoff)));
            start = self.day_start(self.next_working_day(start.date()));
        }
        let mut text = format!("{event} lúc {}", at(event_at));
        if let Some(note) = note {
            text += &format!(" ({note})");
        }
        text += ". ";

        let mut counting_from = start;
        let mut skipped_from = event_at.date();
        let due = match time {
            StatutoryTime::SameDay => {
                text += &format!(
                    "Thủ tục giải quyết trong ngày (tiếp nhận sau {} thì trả kết quả trong ngày làm việc tiếp theo), tính từ {}.",
                    hm(hours.same_day_cutoff),
                    at(start)
                );
                self.day_end(start.date())
            }
            StatutoryTime::WorkingDays(n) => {
                let mut day = start.date();
                for _ in 0..n {
                    day = self.next_working_day(day);
                }
                text +=
                    &format!("Thời hạn {time} được tính từ {}; hạn là cùng giờ đó sau {n} ngày làm việc.", at(start));
                day.and_time(start.time())
            }
            StatutoryTime::WorkingHours(n) => {
                text += &format!(
                    "Thời hạn {time} được tính từ {}, chỉ tính giờ làm việc {}–{} và {}–{} của ngày làm việc.",
                    at(start),
                    hm(hours.morning_start),
                    hm(hours.morning_end),
                    hm(hours.afternoon_start),
                    hm(hours.afternoon_end)
                );
                self.advance(start, i64::from(n) * 60, Landing::PeriodEnd)
            }
            StatutoryTime::CalendarDays(n) => {
                let first = start.date().succ_opt().expect("date within chrono's range");
                counting_from = first.and_time(NaiveTime::MIN);
                let nominal = start.date() + Days::new(u64::from(n));
                let last = self.working_day_on_or_after(nominal);
                skipped_from = nominal;
                text += &format!(
                    "Thời hạn {time} bắt đầu từ ngày {} (ngày tiếp theo ngày tiếp nhận), ngày cuối cùng là {}",
                    dmy(first),
                    dmy(nominal)
                );
                if last != nominal {
                    text += ", trùng ngày nghỉ nên hạn chuyển sang ngày làm việc tiếp theo";
                }
                text += ".";
                self.day_end(last)
            }
        };
        let skipped = self.skipped_between(skipped_from, due.date());
        text += &skipped_sentence(&skipped, time);
        Count { counting_from, due, skipped, text }
    }

    /// Continues a stopped count with the time that was left at the stop.
    fn count_remaining(
        &self,
        original: &Deadline,
        time: StatutoryTime,
        stopped: NaiveDateTime,
        resumed: NaiveDateTime,
    ) -> Count {
        let hours = &self.config.working_hours;
        let old_due = local(original.due_at);
        let mut text = format!("Thời hạn tạm dừng lúc {} và tiếp tục lúc {}", at(stopped), at(resumed));
        let (counting_from, due, skipped_from) = if let StatutoryTime::CalendarDays(_) = time {
            let days_left = (old_due.date() - stopped.date()).num_days().max(0);
            let nominal = resumed.date() + Days::new(days_left.unsigned_abs());
            let last = self.working_day_on_or_after(nominal);
            text += &format!("; còn lại {days_left} ngày, ngày cuối cùng là {}", dmy(nominal));
            if last != nominal {
                text += ", trùng ngày nghỉ nên hạn chuyển sang ngày làm việc tiếp theo";
            }
            (resumed, self.day_end(last), nominal)
        } else {
            let start = self.receipt_local(resumed);
            if let Some(note) = self.shift_note(resumed, start) {
                text += &format!(" ({note})");
            }
            // Exact to the second: a count rounded to whole minutes would move the appointment
            // earlier than the time the applicant is owed.
            let left = self.working_seconds(stopped, old_due);
            let left_minutes = (left + 59) / 60;
            text += &format!(
                "; thời gian còn lại {} làm việc được tính tiếp từ {}",
                duration_text(left_minutes),
                at(start)
            );
            // A due time at the start of a period (e.g. 07:00 after an evening receipt) stays at
            // a period start rather than becoming the equivalent end of the previous period.
            let landing = if old_due.time() == hours.morning_start || old_due.time() == hours.afternoon_start {
                Landing::NextStart
            } else {
                Landing::PeriodEnd
            };
            (start, self.advance_seconds(start, left, landing), resumed.date())
        };
        text += &format!(". Hạn trước khi tạm dừng là {}.", at(old_due));
        let skipped = self.skipped_between(skipped_from, due.date());
        text += &skipped_sentence(&skipped, time);
        Count { counting_from, due, skipped, text }
    }

    /// Why counting does not start at `t` itself, if it does not.
    fn shift_note(&self, t: NaiveDateTime, start: NaiveDateTime) -> Option<String> {
        if start == t {
            return None;
        }
        let hours = &self.config.working_hours;
        Some(match self.day_off_reason(t.date()) {
            Some(reason) => format!("ngày nghỉ: {reason}"),
            None if t.time() < hours.morning_start => "trước giờ làm việc".to_owned(),
            None if t.time() < hours.afternoon_start => "trong giờ nghỉ trưa".to_owned(),
            None => "sau giờ làm việc".to_owned(),
        })
    }

    fn working_day_on_or_after(&self, d: NaiveDate) -> NaiveDate {
        if self.is_working(d) {
            d
        } else {
            self.next_working_day(d)
        }
    }

    /// Days off in `from..=to`, with their reasons.
    fn skipped_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<SkippedDay> {
        from.iter_days()
            .take_while(|d| *d <= to)
            .filter_map(|date| self.day_off_reason(date).map(|reason| SkippedDay { date, reason }))
            .collect()
    }
}

fn skipped_sentence(skipped: &[SkippedDay], time: StatutoryTime) -> String {
    if skipped.is_empty() {
        return String::new();
    }
    let list: Vec<String> = skipped.iter().map(|s| format!("{} ({})", dmy(s.date), s.reason)).collect();
    let lead = match time {
        // Days off inside a calendar-day period count; only those the due date moves over are listed.
        StatutoryTime::CalendarDays(_) => "Các ngày nghỉ được bỏ qua",
        _ => "Không tính các ngày nghỉ",
    };
    format!(" {lead}: {}.", list.join(", "))
}

fn duration_text(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} phút"),
        (h, 0) => format!("{h} giờ"),
        (h, m) => format!("{h} giờ {m} phút"),
    }
}

fn hm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// "HH:MM ngày dd/mm/yyyy".
fn at(t: NaiveDateTime) -> String {
    format!("{} ngày {}", hm(t.time()), dmy(t.date()))
}
