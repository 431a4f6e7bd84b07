//! Unit tests of the calendar and deadline engine: the rules §5 test vectors plus lunar,
//! holiday, counting, override and serialisation cases.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc, Weekday};

use super::lunar::{leap_month, lunar_to_solar, solar_to_lunar, LunarDate};
use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn vn(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<FixedOffset> {
    vn_offset().with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn cal() -> Calendar {
    Calendar::new(CalendarConfig::default())
}

fn with_override(year: i32, o: YearOverride) -> Calendar {
    let mut config = CalendarConfig { version: 7, ..Default::default() };
    config.overrides.insert(year, o);
    Calendar::try_new(config).unwrap()
}

// ---------------------------------------------------------------- lunar calendar

#[test]
fn lunar_new_year_known_years() {
    for (year, tet) in [
        (2020, date(2020, 1, 25)),
        (2023, date(2023, 1, 22)),
        (2024, date(2024, 2, 10)),
        (2025, date(2025, 1, 29)),
        (2026, date(2026, 2, 17)),
        (2027, date(2027, 2, 6)),
        (2034, date(2034, 2, 19)),
    ] {
        assert_eq!(lunar_to_solar(LunarDate::new(year, 1, 1)), Some(tet), "Tết {year}");
        assert_eq!(solar_to_lunar(tet), LunarDate::new(year, 1, 1));
        assert_eq!(lunar_new_year(year), tet);
    }
    assert_eq!(date(2024, 2, 10).weekday(), Weekday::Sat);
    assert_eq!(date(2025, 1, 29).weekday(), Weekday::Wed);
    assert_eq!(date(2026, 2, 17).weekday(), Weekday::Tue);
}

#[test]
fn vietnamese_calendar_differs_from_chinese() {
    // UTC+7 vs UTC+8: Tết 1968 and 2007 a day earlier than in China, Tết 1985 a month earlier.
    assert_eq!(lunar_new_year(1968), date(1968, 1, 29));
    assert_eq!(lunar_new_year(2007), date(2007, 2, 17));
    assert_eq!(lunar_new_year(1985), date(1985, 1, 21));
    assert_eq!(leap_month(1984), None);
    assert_eq!(leap_month(1985), Some(2));
}

#[test]
fn leap_months() {
    assert_eq!(leap_month(2020), Some(4));
    assert_eq!(lunar_to_solar(LunarDate { year: 2020, month: 4, day: 1, leap: true }), Some(date(2020, 5, 23)));
    assert_eq!(lunar_to_solar(LunarDate::new(2020, 5, 1)), Some(date(2020, 6, 21)));
    assert_eq!(solar_to_lunar(date(2020, 6, 1)), LunarDate { year: 2020, month: 4, day: 10, leap: true });
    assert_eq!(leap_month(2023), Some(2));
    assert_eq!(lunar_to_solar(LunarDate { year: 2023, month: 2, day: 1, leap: true }), Some(date(2023, 3, 22)));
    assert_eq!(leap_month(2025), Some(6));
    assert_eq!(lunar_to_solar(LunarDate { year: 2025, month: 6, day: 1, leap: true }), Some(date(2025, 7, 25)));
    // 2033: leap 11th month after the winter solstice; Tết 2034 stays on 19/02/2034.
    assert_eq!(leap_month(2033), Some(11));
    assert_eq!(solar_to_lunar(date(2033, 11, 22)), LunarDate::new(2033, 11, 1));
    assert_eq!(solar_to_lunar(date(2033, 12, 22)), LunarDate { year: 2033, month: 11, day: 1, leap: true });
    assert_eq!(solar_to_lunar(date(2034, 1, 20)), LunarDate::new(2033, 12, 1));
    for year in [2024, 2026, 2027, 2034] {
        assert_eq!(leap_month(year), None, "{year}");
    }
}

#[test]
fn invalid_lunar_dates_are_rejected() {
    assert_eq!(lunar_to_solar(LunarDate { year: 2026, month: 5, day: 1, leap: true }), None);
    assert_eq!(lunar_to_solar(LunarDate { year: 2020, month: 3, day: 1, leap: true }), None);
    assert_eq!(lunar_to_solar(LunarDate::new(2026, 13, 1)), None);
    assert_eq!(lunar_to_solar(LunarDate::new(2026, 1, 0)), None);
    // Exactly one of day 30 of a month exists or not, matching its length.
    let short = (1..=12)
        .find(|&m| lunar_to_solar(LunarDate::new(2026, m, 30)).is_none())
        .expect("some month of 2026 has 29 days");
    let first = lunar_to_solar(LunarDate::new(2026, short, 1)).unwrap();
    assert_eq!(solar_to_lunar(first + chrono::Days::new(29)).day, 1);
}

#[test]
fn lunar_round_trip_and_structure_1900_2100() {
    let mut prev = solar_to_lunar(date(1899, 12, 31));
    let mut month_len = 0;
    for d in date(1900, 1, 1).iter_days().take_while(|d| d.year() <= 2100) {
        let l = solar_to_lunar(d);
        assert_eq!(lunar_to_solar(l), Some(d), "{d} -> {l:?}");
        if l.day == 1 {
            if month_len != 0 {
                assert!(month_len == 29 || month_len == 30, "month before {d} has {month_len} days");
            }
            month_len = 1;
            let next_month = if prev.month == 12 { 1 } else { prev.month + 1 };
            let is_leap_of_prev = l.leap && l.month == prev.month && !prev.leap;
            assert!(is_leap_of_prev || (l.month == next_month && !l.leap), "{d}: {prev:?} -> {l:?}");
            let expected_year = if l.month == 1 && !l.leap { prev.year + 1 } else { prev.year };
            assert_eq!(l.year, expected_year, "{d}");
        } else {
            month_len += 1;
            assert_eq!((l.year, l.month, l.leap, l.day), (prev.year, prev.month, prev.leap, prev.day + 1), "{d}");
        }
        prev = l;
    }
}

#[test]
fn hung_kings_days() {
    assert_eq!(hung_kings_day(2023), date(2023, 4, 29));
    assert_eq!(hung_kings_day(2024), date(2024, 4, 18));
    assert_eq!(hung_kings_day(2025), date(2025, 4, 7));
    assert_eq!(hung_kings_day(2026), date(2026, 4, 26));
    assert_eq!(date(2026, 4, 26).weekday(), Weekday::Sun);
}

// ---------------------------------------------------------------- days off

#[test]
fn days_off_2026() {
    let c = cal();
    let y = c.year(2026);
    assert_eq!(y.lunar_new_year, date(2026, 2, 17));
    assert_eq!(y.hung_kings_day, date(2026, 4, 26));
    let weekday_off: Vec<NaiveDate> = y
        .days_off
        .iter()
        .map(|d| d.date)
        .filter(|d| d.month() <= 5)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect();
    let expected = [(1, 1), (2, 16), (2, 17), (2, 18), (2, 19), (2, 20), (4, 27), (4, 30), (5, 1)];
    assert_eq!(weekday_off, expected.map(|(m, d)| date(2026, m, d)));
    let tet: Vec<_> = y.days_off.iter().filter(|d| d.name == "Tết Nguyên đán").map(|d| d.date).collect();
    assert_eq!(tet, (16..=20).map(|d| date(2026, 2, d)).collect::<Vec<_>>());
    let comp = y.days_off.iter().find(|d| d.date == date(2026, 4, 27)).unwrap();
    assert_eq!(comp.kind, DayOffKind::Compensatory);
    assert_eq!(comp.name, "Nghỉ bù Giỗ Tổ Hùng Vương");
    assert_eq!(c.day_off_reason(date(2026, 4, 26)).as_deref(), Some("Giỗ Tổ Hùng Vương"));
    assert_eq!(c.day_off_reason(date(2026, 4, 25)).as_deref(), Some("Thứ Bảy"));
    assert_eq!(c.day_off_reason(date(2026, 3, 1)).as_deref(), Some("Chủ nhật"));
    assert_eq!(c.day_off_reason(date(2026, 1, 1)).as_deref(), Some("Tết Dương lịch"));
    assert_eq!(c.day_off_reason(date(2026, 4, 30)).as_deref(), Some("Ngày Chiến thắng"));
    assert_eq!(c.day_off_reason(date(2026, 5, 1)).as_deref(), Some("Ngày Quốc tế Lao động"));
    assert_eq!(c.day_off_reason(date(2026, 3, 2)), None);
    assert!(y.days_off.windows(2).all(|w| w[0].date < w[1].date));
    assert!(y.working_weekend_days.is_empty());
}

#[test]
fn compensatory_days_for_several_weekend_holidays() {
    // Tết 2024 starts on Saturday: Sat 10 and Sun 11/02 are compensated after the holidays.
    let off = default_days_off(2024);
    let comp: Vec<_> =
        off.iter().filter(|d| d.kind == DayOffKind::Compensatory).map(|d| (d.date, d.name.as_str())).collect();
    assert_eq!(comp, [(date(2024, 2, 14), "Nghỉ bù Tết Nguyên đán"), (date(2024, 2, 15), "Nghỉ bù Tết Nguyên đán")]);
    // 2023: 1/1 and Tết 21–22/01 on a weekend; Hùng Kings Sat 29/04, Victory Sun 30/04, Labour Mon 01/05 → compensated 02 and 03/05.
    let off = default_days_off(2023);
    let comp: Vec<_> =
        off.iter().filter(|d| d.kind == DayOffKind::Compensatory).map(|d| (d.date, d.name.as_str())).collect();
    assert_eq!(
        comp,
        [
            (date(2023, 1, 2), "Nghỉ bù Tết Dương lịch"),
            (date(2023, 1, 26), "Nghỉ bù Tết Nguyên đán"),
            (date(2023, 1, 27), "Nghỉ bù Tết Nguyên đán"),
            (date(2023, 5, 2), "Nghỉ bù Giỗ Tổ Hùng Vương"),
            (date(2023, 5, 3), "Nghỉ bù Ngày Chiến thắng"),
            (date(2023, 9, 4), "Nghỉ bù Quốc khánh"),
        ]
    );
}

#[test]
fn national_day_adjacent_rule() {
    assert_eq!(national_day_adjacent(2021), date(2021, 9, 3)); // Thu → Fri
    assert_eq!(national_day_adjacent(2022), date(2022, 9, 1)); // Fri → Thu
    assert_eq!(national_day_adjacent(2023), date(2023, 9, 1)); // Sat → Fri
    assert_eq!(national_day_adjacent(2024), date(2024, 9, 3)); // Mon → Tue
    assert_eq!(national_day_adjacent(2025), date(2025, 9, 1)); // Tue → Mon
    assert_eq!(national_day_adjacent(2026), date(2026, 9, 3)); // Wed → Thu
    let c = cal();
    assert_eq!(c.day_off_reason(date(2026, 9, 3)).as_deref(), Some("Quốc khánh"));
    assert!(c.is_working_day(date(2026, 9, 1)));
}

// ---------------------------------------------------------------- deadlines (rules §5 vectors)

#[test]
fn deadline_vectors_2026() {
    let c = cal();
    let d = c.deadline(vn(2026, 2, 13, 10, 0), StatutoryTime::WorkingDays(3));
    assert_eq!(d.counting_from, vn(2026, 2, 13, 10, 0));
    assert_eq!(d.due_at, vn(2026, 2, 25, 10, 0));
    assert_eq!(d.skipped.len(), 9); // 14–22/02
    assert_eq!(d.skipped[2], SkippedDay { date: date(2026, 2, 16), reason: "Tết Nguyên đán".into() });

    let d = c.deadline(vn(2026, 4, 23, 16, 30), StatutoryTime::WorkingDays(2));
    assert_eq!(d.due_at, vn(2026, 4, 28, 16, 30));

    let d = c.deadline(vn(2026, 4, 23, 17, 30), StatutoryTime::WorkingDays(2));
    assert_eq!(d.counting_from, vn(2026, 4, 24, 7, 0));
    assert_eq!(d.due_at, vn(2026, 4, 29, 7, 0));
    let reasons: Vec<_> = d.skipped.iter().map(|s| (s.date, s.reason.as_str())).collect();
    assert_eq!(
        reasons,
        [
            (date(2026, 4, 25), "Thứ Bảy"),
            (date(2026, 4, 26), "Giỗ Tổ Hùng Vương"),
            (date(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương"),
        ]
    );
    assert_eq!(
        d.explanation,
        "Hồ sơ được tiếp nhận lúc 17:30 ngày 23/04/2026 (sau giờ làm việc). Thời hạn 2 ngày làm việc \
         được tính từ 07:00 ngày 24/04/2026; hạn là cùng giờ đó sau 2 ngày làm việc. Không tính các ngày \
         nghỉ: 25/04/2026 (Thứ Bảy), 26/04/2026 (Giỗ Tổ Hùng Vương), 27/04/2026 (Nghỉ bù Giỗ Tổ Hùng \
         Vương). Hạn trả kết quả: 07:00 ngày 29/04/2026. Tính theo lịch làm việc phiên bản 0."
    );

    let d = c.deadline(vn(2026, 4, 24, 9, 15), StatutoryTime::WorkingDays(5));
    assert_eq!(d.due_at, vn(2026, 5, 6, 9, 15));
    assert_eq!(d.calendar_version, 0);
}

#[test]
fn instants_in_other_offsets_are_read_as_vietnam_time() {
    let utc = Utc.with_ymd_and_hms(2026, 2, 13, 3, 0, 0).unwrap().fixed_offset();
    let d = cal().deadline(utc, StatutoryTime::WorkingDays(3));
    assert_eq!(d.due_at, vn(2026, 2, 25, 10, 0));
    assert_eq!(d.due_at.offset(), &vn_offset());
    assert_eq!(d.received_at.offset(), &vn_offset());
}

#[test]
fn receipt_normalisation() {
    let c = cal();
    // Lunch → 13:30 the same day.
    let d = c.deadline(vn(2026, 3, 3, 12, 15), StatutoryTime::WorkingDays(1));
    assert_eq!(d.counting_from, vn(2026, 3, 3, 13, 30));
    assert_eq!(d.due_at, vn(2026, 3, 4, 13, 30));
    assert!(d.explanation.contains("(trong giờ nghỉ trưa)"));
    // Before 07:00 on a working day → 07:00.
    let d = c.deadline(vn(2026, 3, 3, 6, 10), StatutoryTime::WorkingDays(1));
    assert_eq!(d.counting_from, vn(2026, 3, 3, 7, 0));
    assert_eq!(d.due_at, vn(2026, 3, 4, 7, 0));
    // Bounds of a period count as inside it.
    assert_eq!(c.receipt_time(vn(2026, 3, 3, 11, 30)), vn(2026, 3, 3, 11, 30));
    assert_eq!(c.receipt_time(vn(2026, 3, 3, 17, 0)), vn(2026, 3, 3, 17, 0));
    assert_eq!(c.receipt_time(vn(2026, 3, 3, 17, 1)), vn(2026, 3, 4, 7, 0));
}

#[test]
fn receipt_time_on_days_off() {
    let c = cal();
    // Sunday → Monday 07:00.
    assert_eq!(c.receipt_time(vn(2026, 3, 1, 10, 0)), vn(2026, 3, 2, 7, 0));
    // Early morning of a Saturday → Monday 07:00.
    assert_eq!(c.receipt_time(vn(2026, 3, 7, 5, 0)), vn(2026, 3, 9, 7, 0));
    // During Tết → first working day after it.
    assert_eq!(c.receipt_time(vn(2026, 2, 18, 9, 0)), vn(2026, 2, 23, 7, 0));
    let d = c.deadline(vn(2026, 3, 1, 10, 0), StatutoryTime::WorkingDays(1));
    assert!(d.explanation.contains("(ngày nghỉ: Chủ nhật)"), "{}", d.explanation);
    assert_eq!(d.due_at, vn(2026, 3, 3, 7, 0));
}

#[test]
fn same_day_procedures() {
    let c = cal();
    let d = c.deadline(vn(2026, 3, 2, 14, 0), StatutoryTime::SameDay);
    assert_eq!(d.due_at, vn(2026, 3, 2, 17, 0));
    let d = c.deadline(vn(2026, 3, 2, 15, 0), StatutoryTime::SameDay);
    assert_eq!(d.due_at, vn(2026, 3, 2, 17, 0));
    let d = c.deadline(vn(2026, 3, 2, 15, 30), StatutoryTime::SameDay);
    assert_eq!(d.counting_from, vn(2026, 3, 3, 7, 0));
    assert_eq!(d.due_at, vn(2026, 3, 3, 17, 0));
    assert!(d.explanation.contains("(sau 15:00)"), "{}", d.explanation);
    // Friday after the cut-off → Monday; after 17:00 → next working day as well.
    let d = c.deadline(vn(2026, 3, 6, 15, 30), StatutoryTime::SameDay);
    assert_eq!(d.due_at, vn(2026, 3, 9, 17, 0));
    assert_eq!(d.skipped.len(), 2);
    let d = c.deadline(vn(2026, 3, 2, 18, 0), StatutoryTime::SameDay);
    assert_eq!(d.due_at, vn(2026, 3, 3, 17, 0));
}

#[test]
fn working_hours_periods() {
    let c = cal();
    let d = c.deadline(vn(2026, 3, 2, 7, 0), StatutoryTime::WorkingHours(8));
    assert_eq!(d.due_at, vn(2026, 3, 2, 17, 0));
    let d = c.deadline(vn(2026, 3, 2, 16, 0), StatutoryTime::WorkingHours(8));
    assert_eq!(d.due_at, vn(2026, 3, 3, 16, 0));
    // Friday evening online submission: confirm within 8 working hours (Decree 45/2020).
    let d = c.deadline(vn(2026, 3, 6, 21, 0), StatutoryTime::WorkingHours(8));
    assert_eq!(d.counting_from, vn(2026, 3, 9, 7, 0));
    assert_eq!(d.due_at, vn(2026, 3, 9, 17, 0));
}

#[test]
fn calendar_days() {
    let c = cal();
    let d = c.deadline(vn(2026, 3, 2, 10, 0), StatutoryTime::CalendarDays(10));
    assert_eq!(d.counting_from, vn(2026, 3, 3, 0, 0));
    assert_eq!(d.due_at, vn(2026, 3, 12, 17, 0));
    assert!(d.skipped.is_empty());
    // Ends on Sat 25/04/2026; Sun 26 (Hùng Kings) and Mon 27 (compensatory) are off too.
    let d = c.deadline(vn(2026, 4, 10, 10, 0), StatutoryTime::CalendarDays(15));
    assert_eq!(d.due_at, vn(2026, 4, 28, 17, 0));
    assert_eq!(d.skipped.iter().map(|s| s.date.day()).collect::<Vec<_>>(), [25, 26, 27]);
    assert!(d.explanation.contains("ngày cuối cùng là 25/04/2026, trùng ngày nghỉ"), "{}", d.explanation);
}

// ---------------------------------------------------------------- clock stop and restart

#[test]
fn resume_keeps_remaining_working_time() {
    let c = cal();
    let time = StatutoryTime::WorkingDays(5);
    let original = c.deadline(vn(2026, 3, 2, 9, 0), time);
    assert_eq!(original.due_at, vn(2026, 3, 9, 9, 0));
    // Stopped Tue 10:00, resumed the next Monday 10:00: four working days lost.
    let resumed = c.resume(&original, time, vn(2026, 3, 3, 10, 0), vn(2026, 3, 9, 10, 0), false);
    assert_eq!(resumed.counting_from, vn(2026, 3, 9, 10, 0));
    assert_eq!(resumed.due_at, vn(2026, 3, 13, 9, 0));
    assert_eq!(resumed.received_at, original.received_at);
    assert!(resumed.explanation.contains("thời gian còn lại 31 giờ làm việc"), "{}", resumed.explanation);
    // Restart from zero: the full 5 working days from the resumption.
    let restarted = c.resume(&original, time, vn(2026, 3, 3, 10, 0), vn(2026, 3, 9, 10, 0), true);
    assert_eq!(restarted.due_at, vn(2026, 3, 16, 10, 0));
    assert!(restarted.explanation.starts_with("Thời hạn được tính lại từ đầu"));
    // Resumed in the evening: counting continues at 07:00 the next working day.
    let resumed = c.resume(&original, time, vn(2026, 3, 3, 10, 0), vn(2026, 3, 6, 19, 0), false);
    assert_eq!(resumed.counting_from, vn(2026, 3, 9, 7, 0));
    assert_eq!(resumed.due_at, vn(2026, 3, 12, 16, 0));
}

/// A wait that starts and ends at seconds inside a minute (a payment confirmed during office
/// hours) keeps every second of the time left: the appointment never moves earlier.
#[test]
fn resume_during_office_hours_is_exact_to_the_second() {
    let c = cal();
    let time = StatutoryTime::WorkingDays(3);
    let original = c.deadline(vn(2026, 3, 2, 9, 0), time);
    let secs = |t: DateTime<FixedOffset>, s: i64| t + chrono::TimeDelta::seconds(s);
    for (stop_s, resume_s) in [(40, 10), (10, 40), (59, 0), (1, 59)] {
        let stopped = secs(vn(2026, 3, 3, 10, 0), stop_s);
        let resumed_at = secs(vn(2026, 3, 3, 14, 0), resume_s);
        let resumed = c.resume(&original, time, stopped, resumed_at, false);
        assert!(resumed.due_at >= original.due_at, "{stop_s}/{resume_s}: {} < {}", resumed.due_at, original.due_at);
        let owed = c.working_seconds_between(stopped, original.due_at);
        assert_eq!(c.working_seconds_between(resumed_at, resumed.due_at), owed, "{stop_s}/{resume_s}");
    }
    // A wait of zero working time leaves the appointment exactly where it was.
    let stopped = secs(vn(2026, 3, 3, 10, 0), 30);
    let same = c.resume(&original, time, stopped, stopped, false);
    assert_eq!(same.due_at, original.due_at);
}

#[test]
fn resume_without_pause_keeps_due_time() {
    let c = cal();
    let time = StatutoryTime::WorkingDays(2);
    let original = c.deadline(vn(2026, 4, 23, 17, 30), time);
    assert_eq!(original.due_at, vn(2026, 4, 29, 7, 0));
    let same = c.resume(&original, time, vn(2026, 4, 28, 10, 0), vn(2026, 4, 28, 10, 0), false);
    assert_eq!(same.due_at, original.due_at);
    // One working day of pause moves a 07:00 due time to 07:00 a working day later.
    let later = c.resume(&original, time, vn(2026, 4, 28, 10, 0), vn(2026, 4, 29, 10, 0), false);
    assert_eq!(later.due_at, vn(2026, 5, 4, 7, 0));
}

#[test]
fn resume_calendar_days_keeps_days_left() {
    let c = cal();
    let time = StatutoryTime::CalendarDays(10);
    let original = c.deadline(vn(2026, 3, 2, 10, 0), time);
    assert_eq!(original.due_at, vn(2026, 3, 12, 17, 0));
    let resumed = c.resume(&original, time, vn(2026, 3, 4, 9, 0), vn(2026, 3, 9, 9, 0), false);
    assert_eq!(resumed.due_at, vn(2026, 3, 17, 17, 0));
    assert!(resumed.explanation.contains("còn lại 8 ngày"), "{}", resumed.explanation);
}

// ---------------------------------------------------------------- overrides

#[test]
fn overrides_extra_day_off_and_working_saturday() {
    let c = with_override(
        2026,
        YearOverride {
            extra_days_off: vec![DayOff {
                date: date(2026, 5, 4),
                name: "Nghỉ hoán đổi".into(),
                kind: DayOffKind::Adjusted,
            }],
            working_days: vec![(date(2026, 5, 9), "Làm bù cho ngày 04/05/2026".into())],
            cancelled_days_off: vec![date(2026, 9, 3)],
        },
    );
    // The extra day off is skipped.
    let d = c.deadline(vn(2026, 4, 29, 10, 0), StatutoryTime::WorkingDays(3));
    assert_eq!(d.due_at, vn(2026, 5, 7, 10, 0));
    assert!(d.skipped.contains(&SkippedDay { date: date(2026, 5, 4), reason: "Nghỉ hoán đổi".into() }));
    assert_eq!(d.calendar_version, 7);
    assert!(d.explanation.ends_with("phiên bản 7."));
    // The working Saturday counts.
    assert!(c.is_working_day(date(2026, 5, 9)));
    let d = c.deadline(vn(2026, 5, 7, 10, 0), StatutoryTime::WorkingDays(2));
    assert_eq!(d.due_at, vn(2026, 5, 9, 10, 0));
    assert!(d.skipped.is_empty());
    // The cancelled default is worked; the year view reflects all of it.
    assert!(c.is_working_day(date(2026, 9, 3)));
    let y = c.year(2026);
    assert!(y.days_off.iter().all(|d| d.date != date(2026, 9, 3)));
    assert_eq!(y.working_weekend_days, [(date(2026, 5, 9), "Làm bù cho ngày 04/05/2026".to_string())]);
    // Other years keep their defaults.
    assert!(!c.is_working_day(date(2025, 9, 1)));
}

#[test]
fn config_validation() {
    let mut config = CalendarConfig::default();
    assert_eq!(config.validate(), Ok(()));
    config.working_hours.morning_end = config.working_hours.morning_start;
    assert_eq!(config.validate(), Err(CalendarError::InvalidWorkingHours));
    assert!(Calendar::try_new(config).is_err());

    let mut config = CalendarConfig::default();
    config.working_hours.same_day_cutoff = chrono::NaiveTime::from_hms_opt(18, 0, 0).unwrap();
    assert!(matches!(config.validate(), Err(CalendarError::CutoffOutsideWorkingHours(_))));

    let mut config = CalendarConfig::default();
    config.overrides.insert(2026, YearOverride { cancelled_days_off: vec![date(2025, 9, 2)], ..Default::default() });
    let err = config.validate().unwrap_err();
    assert_eq!(err, CalendarError::DateOutsideYear { year: 2026, date: date(2025, 9, 2) });
    assert_eq!(err.to_string(), "Ngày 02/09/2025 không thuộc năm 2026 của cấu hình điều chỉnh");

    let mut config = CalendarConfig::default();
    let day = date(2026, 5, 9);
    config.overrides.insert(
        2026,
        YearOverride {
            extra_days_off: vec![DayOff { date: day, name: "Nghỉ".into(), kind: DayOffKind::Adjusted }],
            working_days: vec![(day, "Làm bù".into())],
            cancelled_days_off: vec![],
        },
    );
    assert_eq!(config.validate(), Err(CalendarError::ConflictingOverride(day)));
}

// ---------------------------------------------------------------- working-time arithmetic

#[test]
fn working_minutes_examples() {
    let c = cal();
    assert_eq!(c.working_minutes_between(vn(2026, 3, 2, 7, 0), vn(2026, 3, 2, 17, 0)), 480);
    assert_eq!(c.working_minutes_between(vn(2026, 3, 2, 11, 0), vn(2026, 3, 2, 14, 0)), 60);
    assert_eq!(c.working_minutes_between(vn(2026, 3, 6, 16, 0), vn(2026, 3, 9, 8, 0)), 120);
    assert_eq!(c.working_minutes_between(vn(2026, 3, 9, 8, 0), vn(2026, 3, 6, 16, 0)), 0);
    assert_eq!(c.working_minutes_between(vn(2026, 2, 13, 17, 0), vn(2026, 2, 23, 7, 0)), 0);
    assert_eq!(c.add_working_minutes(vn(2026, 3, 2, 11, 0), 60), vn(2026, 3, 2, 14, 0));
    assert_eq!(c.add_working_minutes(vn(2026, 3, 2, 7, 0), 270), vn(2026, 3, 2, 11, 30));
    assert_eq!(c.add_working_minutes(vn(2026, 3, 2, 20, 0), 0), vn(2026, 3, 2, 20, 0));
    assert_eq!(c.add_working_minutes(vn(2026, 3, 9, 8, 0), -120), vn(2026, 3, 6, 16, 0));
    assert_eq!(c.add_working_minutes(vn(2026, 2, 23, 7, 30), -60), vn(2026, 2, 13, 16, 30));
}

#[test]
fn working_minutes_and_add_are_inverse() {
    let c = cal();
    let starts = (0..14 * 24 * 60).step_by(37).map(|m| vn(2026, 2, 10, 0, 0) + chrono::TimeDelta::minutes(m));
    for a in starts {
        for m in [0, 1, 59, 210, 270, 271, 480, 1000, 2400, 5000] {
            let b = c.add_working_minutes(a, m);
            assert!(b >= a);
            assert_eq!(c.working_minutes_between(a, b), m, "{a} + {m} = {b}");
            // Earliest: one minute before, the count is not yet reached.
            if m > 0 {
                assert_eq!(c.working_minutes_between(a, b - chrono::TimeDelta::minutes(1)), m - 1);
            }
            let back = c.add_working_minutes(a, -m);
            assert!(back <= a);
            assert_eq!(c.working_minutes_between(back, a), m, "{a} - {m} = {back}");
            // Going back and forth again lands on `a` or an equivalent instant of working time.
            let again = c.add_working_minutes(back, m);
            assert!(again <= a);
            assert_eq!(c.working_minutes_between(again, a), 0, "{back} + {m} = {again}");
        }
    }
}

// ---------------------------------------------------------------- serialisation

#[test]
fn statutory_time_json() {
    let cases = [
        (StatutoryTime::SameDay, r#"{"unit":"same_day"}"#),
        (StatutoryTime::WorkingDays(10), r#"{"unit":"working_days","value":10}"#),
        (StatutoryTime::WorkingHours(8), r#"{"unit":"working_hours","value":8}"#),
        (StatutoryTime::CalendarDays(15), r#"{"unit":"calendar_days","value":15}"#),
    ];
    for (time, json) in cases {
        assert_eq!(serde_json::to_string(&time).unwrap(), json);
        assert_eq!(serde_json::from_str::<StatutoryTime>(json).unwrap(), time);
    }
    assert_eq!(StatutoryTime::WorkingDays(10).to_string(), "10 ngày làm việc");
    assert_eq!(StatutoryTime::SameDay.to_string(), "trong ngày");
}

#[test]
fn config_json_round_trip() {
    let mut config = CalendarConfig { version: 3, ..Default::default() };
    config.overrides.insert(
        2026,
        YearOverride {
            extra_days_off: vec![DayOff {
                date: date(2026, 2, 13),
                name: "Nghỉ Tết".into(),
                kind: DayOffKind::Adjusted,
            }],
            working_days: vec![(date(2026, 2, 28), "Làm bù".into())],
            cancelled_days_off: vec![],
        },
    );
    let json = serde_json::to_string(&config).unwrap();
    assert!(json.contains(r#""kind":"adjusted""#), "{json}");
    assert!(json.contains(r#""morning_start":"07:00:00""#), "{json}");
    assert_eq!(serde_json::from_str::<CalendarConfig>(&json).unwrap(), config);
    let year = serde_json::to_value(cal().year(2026)).unwrap();
    assert_eq!(year["lunar_new_year"], "2026-02-17");
    let deadline = serde_json::to_value(cal().deadline(vn(2026, 2, 13, 10, 0), StatutoryTime::WorkingDays(3))).unwrap();
    assert_eq!(deadline["due_at"], "2026-02-25T10:00:00+07:00");
}

#[test]
fn calendar_is_shareable() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Calendar>();
    let c = cal();
    assert_eq!(c.year(2026), c.clone().year(2026));
}
