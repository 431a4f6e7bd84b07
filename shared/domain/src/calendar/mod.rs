//! Working-day calendar and deadline engine (rules §5).
//!
//! Owns which days are worked in Vietnam's public administration (weekends, statutory holidays
//! with lunar dates, compensatory days, administrator overrides), the official receipt time of
//! a submission, and every deadline computation: working days, working hours, same-day and
//! calendar-day periods, clock stop and restart. Pure: no I/O, no clock — instants are passed
//! in and interpreted in Vietnam time (UTC+7, see [`vn_offset`]).

mod config;
mod counting;
mod deadline;
mod holidays;
pub mod lunar;

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveTime};

pub use config::{CalendarConfig, WorkingHours, YearOverride};
pub use deadline::{Deadline, SkippedDay, StatutoryTime};
pub use holidays::{
    default_days_off, hung_kings_day, lunar_new_year, national_day_adjacent, DayOff, DayOffKind, YearCalendar,
};

/// Vietnam time: UTC+7, no daylight saving.
pub fn vn_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// Invalid calendar configuration (messages are shown to administrators).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("Giờ làm việc không hợp lệ: cần giờ bắt đầu buổi sáng < giờ kết thúc buổi sáng ≤ giờ bắt đầu buổi chiều < giờ kết thúc buổi chiều")]
    InvalidWorkingHours,
    #[error("Giờ chốt tiếp nhận trong ngày {} phải nằm trong giờ làm việc", .0.format("%H:%M"))]
    CutoffOutsideWorkingHours(NaiveTime),
    #[error("Ngày {} không thuộc năm {year} của cấu hình điều chỉnh", .date.format("%d/%m/%Y"))]
    DateOutsideYear { year: i32, date: NaiveDate },
    #[error("Ngày {} vừa được khai báo là ngày nghỉ vừa là ngày làm việc", .0.format("%d/%m/%Y"))]
    ConflictingOverride(NaiveDate),
}

/// The working-day calendar: a configuration plus the years computed from it, each once, on
/// first use (years from [`FIRST_CACHED_YEAR`] for [`CACHED_YEARS`] years; others are computed
/// at each use).
pub struct Calendar {
    config: CalendarConfig,
    years: Box<[OnceLock<Year>]>,
}

const FIRST_CACHED_YEAR: i32 = 1900;
const CACHED_YEARS: usize = 300;

/// A computed year with date indexes.
#[derive(Clone)]
struct Year {
    calendar: YearCalendar,
    days_off: BTreeMap<NaiveDate, usize>,
    working: BTreeSet<NaiveDate>,
    /// Whether each day of the year (by `ordinal0`) is worked: the deadline and lateness
    /// computations ask this of every day they cross (an inbox page: 50 rows, months each).
    worked: Vec<bool>,
}

impl Calendar {
    /// Builds a calendar without checking the overrides.
    ///
    /// # Panics
    /// If the working hours are invalid ([`WorkingHours::validate`]); use [`Calendar::try_new`]
    /// for administrator-entered data.
    pub fn new(config: CalendarConfig) -> Self {
        if let Err(e) = config.working_hours.validate() {
            panic!("{e}");
        }
        Self { config, years: (0..CACHED_YEARS).map(|_| OnceLock::new()).collect() }
    }

    /// Builds a calendar after [`CalendarConfig::validate`].
    pub fn try_new(config: CalendarConfig) -> Result<Self, CalendarError> {
        config.validate()?;
        Ok(Self::new(config))
    }

    pub fn config(&self) -> &CalendarConfig {
        &self.config
    }

    /// The effective calendar of `year` (defaults with that year's overrides).
    pub fn year(&self, year: i32) -> YearCalendar {
        self.cached_year(year).calendar.clone()
    }

    /// Whether `d` is worked: a swapped working day, or a weekday that is not a day off.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        self.is_working(d)
    }

    /// Why `d` is not worked ("Thứ Bảy", "Chủ nhật" or the day-off name); `None` on a
    /// working day.
    pub fn day_off_reason(&self, d: NaiveDate) -> Option<String> {
        let year = self.cached_year(d.year());
        if year.working.contains(&d) {
            return None;
        }
        if let Some(&i) = year.days_off.get(&d) {
            return Some(year.calendar.days_off[i].name.clone());
        }
        holidays::weekend_name(d).map(str::to_owned)
    }

    fn cached_year(&self, year: i32) -> Cow<'_, Year> {
        let cell = usize::try_from(year - FIRST_CACHED_YEAR).ok().and_then(|i| self.years.get(i));
        match cell {
            Some(cell) => Cow::Borrowed(cell.get_or_init(|| self.compute_year(year))),
            None => Cow::Owned(self.compute_year(year)),
        }
    }

    fn compute_year(&self, year: i32) -> Year {
        let calendar = holidays::year_calendar(year, self.config.overrides.get(&year));
        let days_off: BTreeMap<NaiveDate, usize> =
            calendar.days_off.iter().enumerate().map(|(i, d)| (d.date, i)).collect();
        let working: BTreeSet<NaiveDate> = calendar.working_weekend_days.iter().map(|(d, _)| *d).collect();
        let first = NaiveDate::from_yo_opt(year, 1);
        let worked = first
            .into_iter()
            .flat_map(|first| first.iter_days().take_while(|d| d.year() == year))
            .map(|d| working.contains(&d) || !(days_off.contains_key(&d) || holidays::is_weekend(d)))
            .collect();
        Year { calendar, days_off, working, worked }
    }
}

impl Clone for Calendar {
    fn clone(&self) -> Self {
        Self::new(self.config.clone())
    }
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar").field("config", &self.config).finish_non_exhaustive()
    }
}
