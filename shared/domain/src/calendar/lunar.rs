//! Vietnamese lunar calendar (âm lịch), computed astronomically.
//!
//! Owns the conversion between solar (Gregorian) dates and Vietnamese lunar dates. Month starts
//! are the days of the new moons and leap months are placed by the principal solar terms
//! (trung khí), both evaluated at UTC+7 — Ho Ngoc Duc's algorithm, with Meeus' new-moon and
//! solar-longitude series. Because of the meridian the Vietnamese calendar can differ from the
//! Chinese one (UTC+8) by a day (Tết 1968, 2007) or by a month (Tết 1985). Accurate for
//! 1900–2199 at least.

use std::f64::consts::PI;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A date of the Vietnamese lunar calendar. `leap` marks the intercalary (nhuận) month, which
/// carries the number of the month before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LunarDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub leap: bool,
}

impl LunarDate {
    /// A date in an ordinary (non-leap) month.
    pub fn new(year: i32, month: u32, day: u32) -> Self {
        Self { year, month, day, leap: false }
    }
}

/// Time zone of the Vietnamese calendar, in hours.
const TIME_ZONE: f64 = 7.0;
/// Mean synodic month used to index new moons.
const SYNODIC_MONTH: f64 = 29.530588853;
/// Julian day of the first new moon of the index (k = 0, January 1900).
const NEW_MOON_EPOCH: f64 = 2_415_021.076_998_695;
/// Difference between a chrono day number (1 = 0001-01-01) and the Julian day number.
const JDN_OFFSET: i64 = 1_721_425;
const DEG: f64 = PI / 180.0;

/// Converts a solar date to the Vietnamese lunar date.
pub fn solar_to_lunar(d: NaiveDate) -> LunarDate {
    let day_number = jdn(d);
    // Start of the lunar month holding `d`: the last new moon on or before it. The estimate
    // from the mean lunation can be one new moon too late when the true new moon lags the mean
    // one, hence the loop.
    let mut k = ((day_number as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH).floor() as i64 + 1;
    let mut month_start = new_moon_day(k);
    while month_start > day_number {
        k -= 1;
        month_start = new_moon_day(k);
    }
    let mut a11 = lunar_month_11(d.year());
    let mut b11 = a11;
    let mut year = d.year();
    if a11 >= month_start {
        a11 = lunar_month_11(d.year() - 1);
    } else {
        year += 1;
        b11 = lunar_month_11(d.year() + 1);
    }
    let day = (day_number - month_start + 1) as u32;
    let diff = (month_start - a11) / 29;
    let mut leap = false;
    let mut month = diff + 11;
    if b11 - a11 > 365 {
        let leap_diff = leap_month_offset(a11);
        if diff >= leap_diff {
            month = diff + 10;
            leap = diff == leap_diff;
        }
    }
    if month > 12 {
        month -= 12;
    }
    if month >= 11 && diff < 4 {
        year -= 1;
    }
    LunarDate { year, month: month as u32, day, leap }
}

/// Converts a Vietnamese lunar date to the solar date; `None` when that lunar date does not
/// exist (day 30 of a 29-day month, a leap month in a year without it, out of range values).
pub fn lunar_to_solar(l: LunarDate) -> Option<NaiveDate> {
    if !(1..=12).contains(&l.month) || !(1..=30).contains(&l.day) {
        return None;
    }
    let (a11, b11) = if l.month < 11 {
        (lunar_month_11(l.year - 1), lunar_month_11(l.year))
    } else {
        (lunar_month_11(l.year), lunar_month_11(l.year + 1))
    };
    let k = ((a11 as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH + 0.5).floor() as i64;
    let mut offset = (l.month as i64 - 11).rem_euclid(12);
    if b11 - a11 > 365 {
        let leap_offset = leap_month_offset(a11);
        let leap_month = (leap_offset - 2).rem_euclid(12);
        if l.leap && l.month as i64 != leap_month {
            return None;
        }
        if l.leap || offset >= leap_offset {
            offset += 1;
        }
    } else if l.leap {
        return None;
    }
    let solar = from_jdn(new_moon_day(k + offset) + l.day as i64 - 1)?;
    // Rejects day 30 of a short month (it would land on day 1 of the next month).
    (solar_to_lunar(solar) == l).then_some(solar)
}

/// The leap month of lunar year `year`, if it has one (the leap month follows the ordinary
/// month of the same number).
pub fn leap_month(year: i32) -> Option<u32> {
    (1..=12).find(|&month| lunar_to_solar(LunarDate { year, month, day: 1, leap: true }).is_some())
}

fn jdn(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) + JDN_OFFSET
}

fn from_jdn(jd: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(jd - JDN_OFFSET).ok()?)
}

/// Julian day (UTC, fractional) of the k-th new moon after January 1900 (Meeus).
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let mut jd = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * DEG).sin();
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;
    let s = |x: f64| (x * DEG).sin();
    let c1 = (0.1734 - 0.000_393 * t) * s(m) + 0.0021 * s(2.0 * m) - 0.4068 * s(mpr) + 0.0161 * s(2.0 * mpr)
        - 0.0004 * s(3.0 * mpr)
        + 0.0104 * s(2.0 * f)
        - 0.0051 * s(m + mpr)
        - 0.0074 * s(m - mpr)
        + 0.0004 * s(2.0 * f + m)
        - 0.0004 * s(2.0 * f - m)
        - 0.0006 * s(2.0 * f + mpr)
        + 0.0010 * s(2.0 * f - mpr)
        + 0.0005 * s(2.0 * mpr + m);
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd + c1 - delta_t
}

/// Apparent longitude of the sun, in radians in [0, 2π), at Julian day `jd` (UTC).
fn sun_longitude(jd: f64) -> f64 {
    let t = (jd - 2_451_545.0) / 36525.0;
    let t2 = t * t;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (DEG * m).sin()
        + (0.019_993 - 0.000_101 * t) * (DEG * 2.0 * m).sin()
        + 0.000_290 * (DEG * 3.0 * m).sin();
    ((l0 + dl) * DEG).rem_euclid(2.0 * PI)
}

/// Local day number (Julian day) of the k-th new moon.
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k) + 0.5 + TIME_ZONE / 24.0).floor() as i64
}

/// Which 30° sector (0–11, 0 = from the spring equinox) the sun is in at local midnight
/// starting day `day_number`.
fn sun_sector(day_number: i64) -> i64 {
    (sun_longitude(day_number as f64 - 0.5 - TIME_ZONE / 24.0) / PI * 6.0).floor() as i64
}

/// Day number of the start of lunar month 11 (the month holding the winter solstice) of
/// solar year `year`.
fn lunar_month_11(year: i32) -> i64 {
    let dec31 = NaiveDate::from_ymd_opt(year, 12, 31).map_or(0, jdn);
    let k = ((dec31 - 2_415_021) as f64 / SYNODIC_MONTH).floor() as i64;
    let nm = new_moon_day(k);
    if sun_sector(nm) >= 9 {
        new_moon_day(k - 1)
    } else {
        nm
    }
}

/// Position (1–12, counted from month 11 starting at `a11`) of the leap month: the first month
/// that holds no principal solar term.
fn leap_month_offset(a11: i64) -> i64 {
    let k = ((a11 as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            return i - 1;
        }
    }
}
