//! Function `reporting`: the public statistics report (M3, P8, rules §6) for a period and an
//! agency, optionally per field or procedure, as JSON or CSV; and the agency's register of
//! dossiers (Form 06).

use axum::extract::State;
use axum::http::{header, Method};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use motcua_core::access_log;
use motcua_core::reports::{self, GroupBy};
use motcua_http::extract::{document, ApiQuery, Authenticated, Origin, PageOf};
use motcua_http::{Access, ApiError, ApiResult, AppState, Route};
use serde::Deserialize;

const FUNCTION: &str = "reporting";

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            "/api/v1/reports/statistics",
            FUNCTION,
            Access::Public,
            "Báo cáo thống kê tình hình giải quyết hồ sơ theo kỳ, cơ quan, lĩnh vực, thủ tục (JSON hoặc CSV)",
            statistics,
        )
        .query::<Params>()
        .returns_or::<reports::Report>(&["text/csv"]),
        Route::new(
            Method::GET,
            "/api/v1/register",
            FUNCTION,
            Access::Authenticated,
            "Sổ theo dõi hồ sơ của cơ quan theo năm (Mẫu 06; ?year=yyyy&format=html|pdf)",
            register,
        )
        .query::<RegisterParams>()
        .returns_content(&["text/html", "application/pdf"]),
        Route::new(
            Method::GET,
            "/api/v1/access-statistics",
            FUNCTION,
            Access::Authenticated,
            "Thống kê truy cập một ngày theo thao tác (?day=yyyy-mm-dd; quản trị hệ thống)",
            access_statistics,
        )
        .query::<DayParams>()
        .returns::<PageOf<access_log::OperationCount>>(),
        Route::new(
            Method::GET,
            "/api/v1/usage",
            FUNCTION,
            Access::Public,
            "Tình hình sử dụng Cổng theo ngày: số lượt truy cập, tra cứu, nộp hồ sơ (?days=1..31)",
            usage,
        )
        .query::<UsageParams>()
        .returns::<PageOf<access_log::DayUsage>>(),
    ]
}

/// The day of the access statistics.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct DayParams {
    /// `yyyy-mm-dd`.
    #[schema(format = Date)]
    day: String,
}

async fn access_statistics(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiQuery(p): ApiQuery<DayParams>,
) -> ApiResult<Json<PageOf<access_log::OperationCount>>> {
    Ok(Json(PageOf { items: access_log::statistics(&s, &c, &p.day).await?, next_cursor: None }))
}

/// How many days of usage, up to today.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct UsageParams {
    /// 1 to 31 (default 7).
    #[schema(minimum = 1, maximum = 31)]
    days: Option<u32>,
}

async fn usage(
    State(s): State<AppState>,
    ApiQuery(p): ApiQuery<UsageParams>,
) -> ApiResult<Json<PageOf<access_log::DayUsage>>> {
    Ok(Json(PageOf { items: access_log::usage(&s, p.days.unwrap_or(7)).await?, next_cursor: None }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RegisterParams {
    #[schema(minimum = 2000, maximum = 2199)]
    year: i32,
    #[serde(default)]
    format: motcua_core::forms::Format,
}

async fn register(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiQuery(p): ApiQuery<RegisterParams>,
    Origin(origin): Origin,
) -> ApiResult<Response> {
    Ok(document(motcua_core::forms::register(&s, &c, p.year, p.format, &origin).await?))
}

/// The period (at most a year, `from` ≤ `to`), the scope and the format of the report.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Params {
    /// First day, `yyyy-mm-dd` (or `dd/mm/yyyy`).
    #[schema(format = Date)]
    from: String,
    /// Last day, `yyyy-mm-dd` (or `dd/mm/yyyy`).
    #[schema(format = Date)]
    to: String,
    /// Agency code.
    agency: Option<String>,
    group_by: Option<GroupBy>,
    #[serde(default)]
    format: ReportFormat,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
enum ReportFormat {
    #[default]
    Json,
    Csv,
}

/// `yyyy-mm-dd` or `dd/mm/yyyy`.
fn date(field: &str, s: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y")).map_err(|_| {
        ApiError::bad_request("invalid_date", format!("Tham số {field} phải là ngày dạng yyyy-mm-dd hoặc dd/mm/yyyy."))
    })
}

async fn statistics(State(s): State<AppState>, ApiQuery(p): ApiQuery<Params>) -> ApiResult<Response> {
    let (from, to) = (date("from", &p.from)?, date("to", &p.to)?);
    let report = reports::statistics(&s, from, to, p.agency.as_deref(), p.group_by).await?;
    match p.format {
        ReportFormat::Json => Ok(Json(report).into_response()),
        ReportFormat::Csv => {
            let filename = format!("bao-cao-thong-ke-{}-{}.csv", from.format("%Y%m%d"), to.format("%Y%m%d"));
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
                ],
                reports::to_csv(&report)?,
            )
                .into_response())
        }
    }
}
