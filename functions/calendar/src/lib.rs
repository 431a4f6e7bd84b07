//! Function `calendar`: the public working-day calendar of a year (days off, working
//! weekend days, Tết and Hùng Kings' day) and deadline computation with its explanation
//! (rules §5), used by the portal and by agencies' systems; and the regime in force (R1),
//! which a system administrator switches from a day on.

use axum::extract::State;
use axum::http::Method;
use axum::Json;
use chrono::{DateTime, FixedOffset, NaiveDate};
use motcua_core::regime::RegimeSetting;
use motcua_domain::calendar::{DayOff, SkippedDay, StatutoryTime, YearCalendar, YearOverride};
use motcua_domain::regime::Regime;
use motcua_http::extract::{ApiJson, ApiPath, ApiQuery, Authenticated};
use motcua_http::{Access, ApiError, ApiResult, AppState, Route};
use serde::{Deserialize, Serialize};

const FUNCTION: &str = "calendar";

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/api/v1/calendar/deadline", FUNCTION, Access::Public, "Tính hạn giải quyết từ thời điểm tiếp nhận và thời hạn, kèm giải thích các ngày được trừ", deadline)
            .query::<DeadlineParams>()
            .returns::<DeadlineView>(),
        Route::new(Method::GET, "/api/v1/calendar/{year}", FUNCTION, Access::Public, "Lịch làm việc của một năm: ngày nghỉ, ngày làm bù, Tết Nguyên đán, Giỗ Tổ Hùng Vương", year)
            .returns::<YearView>(),
        Route::new(Method::PUT, "/api/v1/calendar/{year}/overrides", FUNCTION, Access::Authenticated, "Quản trị hệ thống điều chỉnh lịch năm: ngày nghỉ thêm, ngày làm bù, bỏ ngày nghỉ mặc định (tạo phiên bản lịch mới)", set_overrides)
            .body::<YearOverride>()
            .returns::<YearView>(),
        Route::new(Method::GET, "/api/v1/regime", FUNCTION, Access::Public, "Chế độ áp dụng cho hồ sơ nộp mới (2019 hoặc 2025) và lịch áp dụng theo ngày", regime)
            .returns::<RegimeView>(),
        Route::new(Method::PUT, "/api/v1/regime", FUNCTION, Access::Authenticated, "Quản trị hệ thống đặt chế độ áp dụng từ một ngày (hôm nay trở đi); hồ sơ đã nộp giữ chế độ của mình", switch_regime)
            .body::<RegimeSwitch>()
            .returns::<RegimeView>(),
    ]
}

/// A regime from a day on.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RegimeSwitch {
    regime: Regime,
    /// First day of filing under it (today or later).
    from: NaiveDate,
}

/// One entry of the schedule; the first has no date.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct RegimeEntry {
    regime: Regime,
    from: Option<NaiveDate>,
}

/// The regime new dossiers are filed under today, and the schedule.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct RegimeView {
    in_force: Regime,
    /// The decree of the one-stop mechanism under the regime in force.
    decree: &'static str,
    schedule: Vec<RegimeEntry>,
    /// `deployment` (the `--regime` setting) or `administrator`.
    source: &'static str,
    version: u32,
    changed_at: Option<DateTime<FixedOffset>>,
}

fn regime_view(s: &motcua_core::Services, setting: RegimeSetting) -> Json<RegimeView> {
    let in_force = setting.schedule.at(s.now().date_naive());
    Json(RegimeView {
        in_force,
        decree: in_force.decree(),
        schedule: setting.schedule.entries().iter().map(|&(from, regime)| RegimeEntry { regime, from }).collect(),
        source: if setting.version == 0 { "deployment" } else { "administrator" },
        version: setting.version,
        changed_at: setting.changed_at,
    })
}

async fn regime(State(s): State<AppState>) -> Json<RegimeView> {
    regime_view(&s, s.regime_setting())
}

async fn switch_regime(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiJson(body): ApiJson<RegimeSwitch>,
) -> ApiResult<Json<RegimeView>> {
    let setting = motcua_core::regime::switch(&s, &c, body.regime, body.from).await?;
    Ok(regime_view(&s, setting))
}

fn parse_year(year: &str) -> Result<i32, ApiError> {
    year.parse()
        .ok()
        .filter(|y| (1901..=2199).contains(y))
        .ok_or_else(|| ApiError::bad_request("invalid_year", "Năm phải là số từ 1901 đến 2199."))
}

/// A date with its name.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct NamedDay {
    date: NaiveDate,
    name: String,
}

/// The working calendar of a year.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct YearView {
    year: i32,
    days_off: Vec<DayOff>,
    /// Weekend days worked by decision (compensatory working days).
    working_saturdays: Vec<NamedDay>,
    lunar_new_year: NaiveDate,
    hung_kings_day: NaiveDate,
    calendar_version: u32,
}

fn year_view(y: YearCalendar, version: u32) -> Json<YearView> {
    let working = y.working_weekend_days.into_iter().map(|(date, name)| NamedDay { date, name }).collect();
    Json(YearView {
        year: y.year,
        days_off: y.days_off,
        working_saturdays: working,
        lunar_new_year: y.lunar_new_year,
        hung_kings_day: y.hung_kings_day,
        calendar_version: version,
    })
}

async fn year(State(s): State<AppState>, ApiPath(year): ApiPath<String>) -> ApiResult<Json<YearView>> {
    let calendar = s.calendar();
    Ok(year_view(calendar.year(parse_year(&year)?), calendar.config().version))
}

async fn set_overrides(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(year): ApiPath<String>,
    ApiJson(o): ApiJson<YearOverride>,
) -> ApiResult<Json<YearView>> {
    let y = motcua_core::calendar::set_year_override(&s, &c, parse_year(&year)?, o).await?;
    Ok(year_view(y, s.calendar().config().version))
}

/// The receipt time and exactly one statutory time.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct DeadlineParams {
    /// RFC 3339, e.g. `2026-02-13T10:00:00+07:00`.
    #[schema(format = DateTime)]
    received_at: String,
    working_days: Option<u32>,
    working_hours: Option<u32>,
    calendar_days: Option<u32>,
    same_day: Option<bool>,
}

/// A deadline with the days it skipped and its explanation.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct DeadlineView {
    received_at: DateTime<FixedOffset>,
    counting_from: DateTime<FixedOffset>,
    due_at: DateTime<FixedOffset>,
    statutory_time: StatutoryTime,
    statutory_time_label: String,
    skipped: Vec<SkippedDay>,
    explanation: String,
    calendar_version: u32,
}

async fn deadline(State(s): State<AppState>, ApiQuery(p): ApiQuery<DeadlineParams>) -> ApiResult<Json<DeadlineView>> {
    let received = DateTime::parse_from_rfc3339(&p.received_at).map_err(|_| {
        ApiError::bad_request(
            "invalid_received_at",
            "received_at phải là thời điểm RFC 3339, ví dụ 2026-02-13T10:00:00+07:00.",
        )
    })?;
    let times: Vec<StatutoryTime> = [
        p.working_days.map(StatutoryTime::WorkingDays),
        p.working_hours.map(StatutoryTime::WorkingHours),
        p.calendar_days.map(StatutoryTime::CalendarDays),
        p.same_day.filter(|x| *x).map(|_| StatutoryTime::SameDay),
    ]
    .into_iter()
    .flatten()
    .collect();
    let [time] = times[..] else {
        return Err(ApiError::bad_request(
            "invalid_statutory_time",
            "Cần đúng một trong các tham số working_days, working_hours, calendar_days hoặc same_day=true.",
        ));
    };
    if matches!(time, StatutoryTime::WorkingDays(n) | StatutoryTime::CalendarDays(n) if n > 3650)
        || matches!(time, StatutoryTime::WorkingHours(n) if n > 8 * 3650)
    {
        return Err(ApiError::bad_request("statutory_time_too_long", "Thời hạn quá dài (tối đa khoảng 10 năm)."));
    }
    let d = s.calendar().deadline(received, time);
    Ok(Json(DeadlineView {
        received_at: d.received_at,
        counting_from: d.counting_from,
        due_at: d.due_at,
        statutory_time: time,
        statutory_time_label: time.to_string(),
        skipped: d.skipped,
        explanation: d.explanation,
        calendar_version: d.calendar_version,
    }))
}
