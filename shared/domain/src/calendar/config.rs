//! Calendar configuration: working hours and the administrator's per-year overrides.
//!
//! This is the effective-dated master data a [`super::Calendar`] is built from; its `version`
//! is stamped on every computed deadline so past deadlines stay reproducible.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::{CalendarError, DayOff};

/// Administrator overrides for one year (effective-dated master data).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct YearOverride {
    /// Days off added to the computed defaults (kind usually `Adjusted`); an entry replaces a
    /// computed day off of the same date.
    pub extra_days_off: Vec<DayOff>,
    /// Swapped working days: dates worked despite being a weekend (or computed) day off, with
    /// the reason shown to users: `[["2026-05-09", "Làm bù ngày 01/05"], …]`.
    #[schema(schema_with = dated_reasons)]
    pub working_days: Vec<(NaiveDate, String)>,
    /// Computed default days off that the administrator removes.
    pub cancelled_days_off: Vec<NaiveDate>,
}

/// The schema of `[date, reason]` pairs.
fn dated_reasons() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};
    let date =
        ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)));
    let pair = ArrayBuilder::new()
        .prefix_items([date.build(), ObjectBuilder::new().schema_type(Type::String).build()])
        .min_items(Some(2))
        .max_items(Some(2));
    ArrayBuilder::new().items(pair).build()
}

/// Office hours of a working day: a morning and an afternoon period, plus the cut-off time
/// after which a same-day procedure is handled the next working day.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct WorkingHours {
    pub morning_start: NaiveTime,
    pub morning_end: NaiveTime,
    pub afternoon_start: NaiveTime,
    pub afternoon_end: NaiveTime,
    pub same_day_cutoff: NaiveTime,
}

impl Default for WorkingHours {
    /// 07:00–11:30 and 13:30–17:00 (8 hours), same-day cut-off 15:00.
    fn default() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("valid constant time");
        Self {
            morning_start: t(7, 0),
            morning_end: t(11, 30),
            afternoon_start: t(13, 30),
            afternoon_end: t(17, 0),
            same_day_cutoff: t(15, 0),
        }
    }
}

impl WorkingHours {
    /// The two working periods of a day, in order.
    pub fn periods(&self) -> [(NaiveTime, NaiveTime); 2] {
        [(self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end)]
    }

    /// Working minutes in one full working day (480 by default).
    pub fn minutes_per_day(&self) -> i64 {
        self.periods().iter().map(|(s, e)| (*e - *s).num_minutes()).sum()
    }

    /// Checks `morning_start < morning_end <= afternoon_start < afternoon_end` and that the
    /// same-day cut-off lies within working hours.
    pub fn validate(&self) -> Result<(), CalendarError> {
        if !(self.morning_start < self.morning_end
            && self.morning_end <= self.afternoon_start
            && self.afternoon_start < self.afternoon_end)
        {
            return Err(CalendarError::InvalidWorkingHours);
        }
        if self.same_day_cutoff < self.morning_start || self.same_day_cutoff > self.afternoon_end {
            return Err(CalendarError::CutoffOutsideWorkingHours(self.same_day_cutoff));
        }
        Ok(())
    }
}

/// Everything a [`super::Calendar`] needs besides the statutory rules.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct CalendarConfig {
    /// Version of this master data, recorded on each deadline computed with it.
    pub version: u32,
    pub working_hours: WorkingHours,
    /// Overrides keyed by year; every date of an entry must lie in that year.
    pub overrides: BTreeMap<i32, YearOverride>,
}

impl CalendarConfig {
    /// Checks the working hours and that each override is consistent with its year.
    pub fn validate(&self) -> Result<(), CalendarError> {
        self.working_hours.validate()?;
        for (&year, o) in &self.overrides {
            let dates = o
                .extra_days_off
                .iter()
                .map(|d| d.date)
                .chain(o.working_days.iter().map(|(d, _)| *d))
                .chain(o.cancelled_days_off.iter().copied());
            if let Some(date) = dates.into_iter().find(|d| d.year() != year) {
                return Err(CalendarError::DateOutsideYear { year, date });
            }
            if let Some(off) = o.extra_days_off.iter().find(|off| o.working_days.iter().any(|(d, _)| *d == off.date)) {
                return Err(CalendarError::ConflictingOverride(off.date));
            }
        }
        Ok(())
    }
}
