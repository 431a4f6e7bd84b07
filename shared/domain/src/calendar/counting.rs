//! Working-time arithmetic: the official receipt time of a submission, working minutes
//! between two instants, and moving an instant by a number of working minutes.
//!
//! Only time inside the working periods of working days counts. All computations run on
//! Vietnam local time (UTC+7, no daylight saving).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeDelta, TimeZone};

use super::{vn_offset, Calendar};

/// Where a forward count that is used up exactly at the end of a working period stops: at
/// that end (11:30, 17:00) or at the start of the next period (13:30, 07:00 next working day).
/// Both instants are the same point of working time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Landing {
    PeriodEnd,
    NextStart,
}

/// Vietnam local time of an instant.
pub(super) fn local(t: DateTime<FixedOffset>) -> NaiveDateTime {
    t.with_timezone(&vn_offset()).naive_local()
}

/// The instant of a Vietnam local time.
pub(super) fn instant(t: NaiveDateTime) -> DateTime<FixedOffset> {
    vn_offset().from_local_datetime(&t).single().expect("a fixed offset maps each local time once")
}

impl Calendar {
    /// Official receipt time of an online submission (rules §3): inside working hours (bounds
    /// included) it is the submission time itself; otherwise the start of the next working
    /// period — 13:30 during lunch, 07:00 before office hours of a working day, 07:00 of the
    /// next working day after 17:00 or on a day off. Also the instant from which working-time
    /// deadlines are counted.
    pub fn receipt_time(&self, submitted_at: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        instant(self.receipt_local(local(submitted_at)))
    }

    /// Working minutes between two instants (only time inside working hours of working days
    /// counts); 0 if `b <= a`.
    pub fn working_minutes_between(&self, a: DateTime<FixedOffset>, b: DateTime<FixedOffset>) -> i64 {
        self.working_seconds(local(a), local(b)) / 60
    }

    /// Instant reached after `minutes` working minutes counted from `from`: the earliest
    /// instant `t` with `working_minutes_between(from, t) == minutes` (so a count used up at the
    /// end of a period gives 11:30 or 17:00). Negative `minutes` count backwards and give the
    /// latest such instant before `from`. Zero returns `from`.
    pub fn add_working_minutes(&self, from: DateTime<FixedOffset>, minutes: i64) -> DateTime<FixedOffset> {
        instant(self.advance(local(from), minutes, Landing::PeriodEnd))
    }

    /// Working seconds between two instants: exact, for counts that must not lose the seconds
    /// a whole-minute count would round away (time left at a clock stop).
    pub fn working_seconds_between(&self, a: DateTime<FixedOffset>, b: DateTime<FixedOffset>) -> i64 {
        self.working_seconds(local(a), local(b))
    }

    /// [`Calendar::add_working_minutes`], to the second.
    pub fn add_working_seconds(&self, from: DateTime<FixedOffset>, seconds: i64) -> DateTime<FixedOffset> {
        instant(self.advance_seconds(local(from), seconds, Landing::PeriodEnd))
    }

    pub(super) fn receipt_local(&self, t: NaiveDateTime) -> NaiveDateTime {
        let day = t.date();
        if self.is_working(day) {
            for (start, end) in self.periods(day) {
                if t < start {
                    return start;
                }
                if t <= end {
                    return t;
                }
            }
        }
        self.day_start(self.next_working_day(day))
    }

    pub(super) fn is_working(&self, d: NaiveDate) -> bool {
        self.cached_year(d.year()).worked[d.ordinal0() as usize]
    }

    /// First working day strictly after `d`.
    pub(super) fn next_working_day(&self, d: NaiveDate) -> NaiveDate {
        let mut next = succ(d);
        while !self.is_working(next) {
            next = succ(next);
        }
        next
    }

    /// The two working periods of day `d` (whether or not `d` is worked).
    pub(super) fn periods(&self, d: NaiveDate) -> [(NaiveDateTime, NaiveDateTime); 2] {
        self.config.working_hours.periods().map(|(s, e)| (d.and_time(s), d.and_time(e)))
    }

    pub(super) fn day_start(&self, d: NaiveDate) -> NaiveDateTime {
        d.and_time(self.config.working_hours.morning_start)
    }

    pub(super) fn day_end(&self, d: NaiveDate) -> NaiveDateTime {
        d.and_time(self.config.working_hours.afternoon_end)
    }

    pub(super) fn working_seconds(&self, a: NaiveDateTime, b: NaiveDateTime) -> i64 {
        let mut total = 0;
        let mut day = a.date();
        while a < b && day <= b.date() {
            if self.is_working(day) {
                for (start, end) in self.periods(day) {
                    let (lo, hi) = (start.max(a), end.min(b));
                    if hi > lo {
                        total += (hi - lo).num_seconds();
                    }
                }
            }
            day = succ(day);
        }
        total
    }

    /// Moves `from` by `minutes` working minutes (backwards when negative).
    pub(super) fn advance(&self, from: NaiveDateTime, minutes: i64, landing: Landing) -> NaiveDateTime {
        self.advance_seconds(from, minutes.saturating_mul(60), landing)
    }

    /// Moves `from` by `seconds` working seconds (backwards when negative).
    pub(super) fn advance_seconds(&self, from: NaiveDateTime, seconds: i64, landing: Landing) -> NaiveDateTime {
        if seconds == 0 {
            return from;
        }
        let mut left = seconds.checked_abs().and_then(TimeDelta::try_seconds).unwrap_or(TimeDelta::MAX);
        let mut day = from.date();
        if seconds < 0 {
            loop {
                if self.is_working(day) {
                    for (start, end) in self.periods(day).into_iter().rev().filter(|(s, _)| *s < from) {
                        let end = end.min(from);
                        if left <= end - start {
                            return end - left;
                        }
                        left -= end - start;
                    }
                }
                day = day.pred_opt().expect("date within chrono's range");
            }
        }
        loop {
            if self.is_working(day) {
                for (start, end) in self.periods(day).into_iter().filter(|(_, e)| *e > from) {
                    let start = start.max(from);
                    let available = end - start;
                    if left < available || (left == available && landing == Landing::PeriodEnd) {
                        return start + left;
                    }
                    left -= available;
                }
            }
            day = succ(day);
        }
    }
}

fn succ(d: NaiveDate) -> NaiveDate {
    d.succ_opt().expect("date within chrono's range")
}
