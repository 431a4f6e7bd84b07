//! Function `reporting`: the public statistics report (M3, P8, rules §6) for a period and an
//! agency, optionally per field or procedure, as JSON or CSV; the Decision 766 index with the
//! dossiers behind its inputs (R9); and the agency's register of dossiers (Form 06 / 07).

use axum::extract::State;
use axum::http::{header, Method};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use motcua_core::access_log;
use motcua_core::index766;
use motcua_core::reports::{self, GroupBy};
use motcua_domain::index766::{Evaluation, Input};
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
            "/api/v1/reports/evaluation",
            FUNCTION,
            Access::Public,
            "Đánh giá việc giải quyết thủ tục hành chính của cơ quan theo quý, năm: 9 chỉ số, tổng điểm, xếp loại",
            evaluation,
        )
        .query::<EvaluationParams>()
        .returns::<motcua_core::evaluation::EvaluationReport>(),
        Route::new(
            Method::GET,
            "/api/v1/reports/index-766",
            FUNCTION,
            Access::Public,
            "Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg): 5 nhóm, 100 điểm, theo kỳ, cơ quan hoặc toàn tỉnh",
            index_766,
        )
        .query::<IndexParams>()
        .returns::<index766::Index766>(),
        Route::new(
            Method::GET,
            "/api/v1/reports/index-766/dossiers",
            FUNCTION,
            Access::Authenticated,
            "Hồ sơ đứng sau một chỉ tiêu của Bộ chỉ số 766 (đạt hoặc chưa đạt): cán bộ của cơ quan, quản trị hệ thống",
            index_766_dossiers,
        )
        .query::<IndexDossierParams>()
        .returns::<PageOf<Evaluation>>(),
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

/// The agency and the quarter (`2026-Q1`) or year (`2026`) of the evaluation.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct EvaluationParams {
    agency: String,
    #[schema(pattern = "^(20|21)[0-9]{2}(-Q[1-4])?$")]
    period: String,
}

async fn evaluation(
    State(s): State<AppState>,
    ApiQuery(p): ApiQuery<EvaluationParams>,
) -> ApiResult<Json<motcua_core::evaluation::EvaluationReport>> {
    Ok(Json(motcua_core::evaluation::agency(&s, &p.agency, &p.period).await?))
}

/// The period (at most a year) and the agency of the index (absent: the province).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct IndexParams {
    /// First day, `yyyy-mm-dd` (or `dd/mm/yyyy`).
    #[schema(format = Date)]
    from: String,
    /// Last day, `yyyy-mm-dd` (or `dd/mm/yyyy`).
    #[schema(format = Date)]
    to: String,
    /// Agency code.
    agency: Option<String>,
}

async fn index_766(
    State(s): State<AppState>,
    ApiQuery(p): ApiQuery<IndexParams>,
) -> ApiResult<Json<index766::Index766>> {
    let (from, to) = (date("from", &p.from)?, date("to", &p.to)?);
    Ok(Json(index766::index(&s, from, to, p.agency.as_deref()).await?))
}

/// The input, whether the dossiers met it, the period and the agency, and the page.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct IndexDossierParams {
    #[schema(format = Date)]
    from: String,
    #[schema(format = Date)]
    to: String,
    agency: Option<String>,
    input: Input,
    /// `false` (default): the dossiers that missed it.
    #[serde(default)]
    met: bool,
    cursor: Option<String>,
    #[schema(minimum = 1, maximum = 100)]
    limit: Option<usize>,
}

async fn index_766_dossiers(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiQuery(p): ApiQuery<IndexDossierParams>,
) -> ApiResult<Json<PageOf<Evaluation>>> {
    let (from, to) = (date("from", &p.from)?, date("to", &p.to)?);
    let limit = motcua_http::extract::PageParams { cursor: None, limit: p.limit }.limit()?;
    let (items, next_cursor) =
        index766::dossiers(&s, &c, (from, to), p.agency.as_deref(), (p.input, p.met), p.cursor, limit).await?;
    Ok(Json(PageOf { items, next_cursor }))
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
