//! Days off of a year: the statutory defaults and the administrator's overrides.
//!
//! Defaults follow the Labour Code 2019: the public holidays of Art. 112 and, when one falls
//! on a Saturday or Sunday, a compensatory day off on the next working day (Art. 111).
//! Overrides ([`YearOverride`]) then add, cancel or swap days.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::lunar::{self, LunarDate};
use super::YearOverride;

/// Why a day is off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayOffKind {
    /// Public holiday (Labour Code Art. 112).
    Holiday,
    /// Compensatory day for a holiday falling on a weekend (Art. 111).
    Compensatory,
    /// Extra day off set by the administrator / Government (swapped or bridge day).
    Adjusted,
}

/// One non-weekend reason not to work on a date.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct DayOff {
    pub date: NaiveDate,
    /// Vietnamese name shown to users, e.g. "Tết Nguyên đán", "Nghỉ bù Giỗ Tổ Hùng Vương".
    pub name: String,
    pub kind: DayOffKind,
}

/// The effective calendar of one year (defaults with overrides applied).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct YearCalendar {
    pub year: i32,
    /// Days off other than ordinary weekends, sorted by date.
    pub days_off: Vec<DayOff>,
    /// Weekend (or otherwise off) dates worked by decision, sorted by date.
    pub working_weekend_days: Vec<(NaiveDate, String)>,
    /// First day of the lunar year (mùng 1 Tết).
    pub lunar_new_year: NaiveDate,
    /// Hùng Kings' Commemoration day (10th day of the 3rd lunar month).
    pub hung_kings_day: NaiveDate,
}

pub(super) const NEW_YEAR: &str = "Tết Dương lịch";
pub(super) const TET: &str = "Tết Nguyên đán";
pub(super) const HUNG_KINGS: &str = "Giỗ Tổ Hùng Vương";
pub(super) const VICTORY_DAY: &str = "Ngày Chiến thắng";
pub(super) const LABOUR_DAY: &str = "Ngày Quốc tế Lao động";
pub(super) const NATIONAL_DAY: &str = "Quốc khánh";

/// First day of lunar year `year` (mùng 1 Tết).
pub fn lunar_new_year(year: i32) -> NaiveDate {
    lunar::lunar_to_solar(LunarDate::new(year, 1, 1)).expect("every lunar year has a first day")
}

/// Hùng Kings' day of `year`: 10th day of the (ordinary) 3rd lunar month.
pub fn hung_kings_day(year: i32) -> NaiveDate {
    lunar::lunar_to_solar(LunarDate::new(year, 3, 10)).expect("every lunar 3rd month has a 10th day")
}

/// The day off joined to National Day (2/9). The Government fixes it each year; by default it
/// is 1/9 when that lengthens a weekend break — 2/9 on a Tuesday (1/9 Monday), a Friday (1/9
/// Thursday) or a Saturday (1/9 Friday) — and 3/9 otherwise. This reproduces the decisions of
/// 2021 (2–3/9), 2022 (1–2/9), 2023 (1–2/9), 2024 (2–3/9) and 2025 (1–2/9).
pub fn national_day_adjacent(year: i32) -> NaiveDate {
    let day = match ymd(year, 9, 2).weekday() {
        Weekday::Tue | Weekday::Fri | Weekday::Sat => 1,
        _ => 3,
    };
    ymd(year, 9, day)
}

/// Computed default days off of `year`: the Art. 112 holidays plus Art. 111 compensatory
/// days, sorted by date. A holiday on a Saturday or Sunday is compensated on the next weekday
/// that is neither a holiday nor already a compensatory day.
pub fn default_days_off(year: i32) -> Vec<DayOff> {
    let tet = lunar_new_year(year);
    let mut holidays: BTreeMap<NaiveDate, String> = BTreeMap::new();
    let mut add = |date: NaiveDate, name: &str| {
        holidays
            .entry(date)
            .and_modify(|n| {
                if !n.contains(name) {
                    n.push_str(", ");
                    n.push_str(name);
                }
            })
            .or_insert_with(|| name.to_owned());
    };
    add(ymd(year, 1, 1), NEW_YEAR);
    for offset in 0..5 {
        // Last day of the old lunar year, then days 1–4 of the new one.
        add(tet.pred_opt().expect("in range") + Days::new(offset), TET);
    }
    add(hung_kings_day(year), HUNG_KINGS);
    add(ymd(year, 4, 30), VICTORY_DAY);
    add(ymd(year, 5, 1), LABOUR_DAY);
    add(ymd(year, 9, 2), NATIONAL_DAY);
    add(national_day_adjacent(year), NATIONAL_DAY);

    let mut days: BTreeMap<NaiveDate, DayOff> = holidays
        .iter()
        .map(|(&date, name)| (date, DayOff { date, name: name.clone(), kind: DayOffKind::Holiday }))
        .collect();
    for (&date, name) in holidays.iter().filter(|(d, _)| is_weekend(**d)) {
        let mut comp = date.succ_opt().expect("in range");
        while is_weekend(comp) || days.contains_key(&comp) {
            comp = comp.succ_opt().expect("in range");
        }
        // A merged name ("A, B") is compensated under its first holiday's name.
        let base = name.split(", ").next().unwrap_or(name);
        days.insert(comp, DayOff { date: comp, name: format!("Nghỉ bù {base}"), kind: DayOffKind::Compensatory });
    }
    days.into_values().collect()
}

/// Builds the effective calendar of `year` from the defaults and the override (entries dated
/// in another year are ignored; [`super::CalendarConfig::validate`] reports them).
pub(super) fn year_calendar(year: i32, o: Option<&YearOverride>) -> YearCalendar {
    let mut days: BTreeMap<NaiveDate, DayOff> = default_days_off(year).into_iter().map(|d| (d.date, d)).collect();
    let mut working: BTreeMap<NaiveDate, String> = BTreeMap::new();
    if let Some(o) = o {
        for date in &o.cancelled_days_off {
            days.remove(date);
        }
        for off in o.extra_days_off.iter().filter(|d| d.date.year() == year) {
            days.insert(off.date, off.clone());
        }
        for (date, reason) in o.working_days.iter().filter(|(d, _)| d.year() == year) {
            days.remove(date);
            working.insert(*date, reason.clone());
        }
    }
    YearCalendar {
        year,
        days_off: days.into_values().collect(),
        working_weekend_days: working.into_iter().collect(),
        lunar_new_year: lunar_new_year(year),
        hung_kings_day: hung_kings_day(year),
    }
}

pub(super) fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Vietnamese name of a weekend day, as used in explanations.
pub(super) fn weekend_name(d: NaiveDate) -> Option<&'static str> {
    match d.weekday() {
        Weekday::Sat => Some("Thứ Bảy"),
        Weekday::Sun => Some("Chủ nhật"),
        _ => None,
    }
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("fixed holiday date exists every year")
}
