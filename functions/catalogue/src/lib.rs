//! Function `catalogue`: the public catalogue of procedures, agencies and fields (P3, P7,
//! P10). Thin handlers over `motcua_core::catalogue`.

use axum::extract::State;
use axum::http::Method;
use axum::Json;
use motcua_core::catalogue::{self, SearchQuery};
use motcua_domain::catalogue::{Agency, Field, Procedure};
use motcua_http::extract::{ApiPath, ApiQuery, PageOf};
use motcua_http::{Access, ApiError, ApiResult, AppState, Route};
use serde::{Deserialize, Serialize};

const FUNCTION: &str = "catalogue";

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            "/api/v1/procedures",
            FUNCTION,
            Access::Public,
            "Tìm kiếm thủ tục hành chính (có dấu hoặc không dấu, theo cơ quan, lĩnh vực, mức độ)",
            search,
        )
        .query::<SearchParams>()
        .returns::<PageOf<catalogue::ProcedureSummary>>(),
        Route::new(
            Method::GET,
            "/api/v1/procedures/{code}",
            FUNCTION,
            Access::Public,
            "Hướng dẫn thực hiện một thủ tục: các bước, thành phần hồ sơ, phí, thời hạn, biểu mẫu",
            procedure,
        )
        .returns::<ProcedureGuide>(),
        Route::new(
            Method::GET,
            "/api/v1/agencies/{code}/history",
            FUNCTION,
            Access::Public,
            "Lịch sử của cơ quan, đơn vị: các đơn vị được hợp nhất, sáp nhập vào, đơn vị kế thừa, thời gian hiệu lực",
            agency_history,
        )
        .returns::<PageOf<Agency>>(),
        Route::new(
            Method::GET,
            "/api/v1/agencies",
            FUNCTION,
            Access::Public,
            "Danh sách cơ quan đang hoạt động (?all=true: cả các đơn vị đã hợp nhất, sáp nhập, kết thúc hoạt động)",
            agencies,
        )
        .query::<AgencyListParams>()
        .returns::<PageOf<Agency>>(),
        Route::new(Method::GET, "/api/v1/fields", FUNCTION, Access::Public, "Danh sách lĩnh vực", fields)
            .returns::<PageOf<Field>>(),
    ]
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SearchParams {
    /// Words of the name or code, with or without diacritics.
    q: Option<String>,
    /// Agency code.
    agency: Option<String>,
    /// Field code.
    field: Option<String>,
    level: Option<motcua_domain::catalogue::ServiceLevel>,
    audience: Option<motcua_domain::catalogue::Audience>,
    /// `next_cursor` of the previous page.
    #[schema(pattern = "^[0-9]{1,9}$")]
    cursor: Option<String>,
    #[schema(minimum = 1, maximum = 100)]
    limit: Option<usize>,
}

/// The catalogue is small and sorted by name: the cursor is the position of the next item.
async fn search(
    State(s): State<AppState>,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> ApiResult<Json<PageOf<catalogue::ProcedureSummary>>> {
    let limit = motcua_http::extract::PageParams { cursor: None, limit: p.limit }.limit()?;
    let start = match &p.cursor {
        None => 0,
        Some(c) => {
            c.parse::<usize>().map_err(|_| ApiError::bad_request("invalid_cursor", "Tham số cursor không hợp lệ."))?
        }
    };
    let query = SearchQuery { q: p.q, agency: p.agency, field: p.field, level: p.level, audience: p.audience };
    let all = catalogue::search(&s, &query).await?;
    let total = all.len();
    let items: Vec<_> = all.into_iter().skip(start).take(limit).collect();
    let next = start + items.len();
    Ok(Json(PageOf { items, next_cursor: (next < total).then(|| next.to_string()) }))
}

/// A procedure as its guidance page shows it: with its agency, field and level named.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct ProcedureGuide {
    #[serde(flatten)]
    procedure: Procedure,
    agency_detail: Agency,
    field_name: Option<String>,
    level_label: &'static str,
}

async fn procedure(State(s): State<AppState>, ApiPath(code): ApiPath<String>) -> ApiResult<Json<ProcedureGuide>> {
    let p = catalogue::procedure(&s, &code).await?;
    let agency_detail = catalogue::agency(&s, &p.agency).await?;
    let field_name = catalogue::fields(&s).await?.into_iter().find(|f| f.code == p.field).map(|f| f.name);
    Ok(Json(ProcedureGuide { level_label: p.level.label(), procedure: p, agency_detail, field_name }))
}

async fn agency_history(State(s): State<AppState>, ApiPath(code): ApiPath<String>) -> ApiResult<Json<PageOf<Agency>>> {
    Ok(Json(PageOf { items: catalogue::agency_history(&s, &code).await?, next_cursor: None }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AgencyListParams {
    /// Also the units no longer in force.
    #[serde(default)]
    all: bool,
}

async fn agencies(
    State(s): State<AppState>,
    ApiQuery(p): ApiQuery<AgencyListParams>,
) -> ApiResult<Json<PageOf<Agency>>> {
    let today = s.now().date_naive();
    let mut items = catalogue::agencies(&s).await?;
    items.retain(|a| p.all || a.in_force(today));
    Ok(Json(PageOf { items, next_cursor: None }))
}

async fn fields(State(s): State<AppState>) -> ApiResult<Json<PageOf<Field>>> {
    Ok(Json(PageOf { items: catalogue::fields(&s).await?, next_cursor: None }))
}
