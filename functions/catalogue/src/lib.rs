//! Function `catalogue`: the public catalogue of procedures, agencies and fields (P3, P7,
//! P10). Thin handlers over `motcua_core::catalogue`.

use axum::extract::State;
use axum::http::Method;
use axum::Json;
use motcua_core::catalogue::{self, SearchQuery};
use motcua_http::extract::{ApiPath, ApiQuery, PageOf};
use motcua_http::{Access, ApiError, ApiResult, AppState, Route};
use serde::Deserialize;
use serde_json::{json, Value};

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
        ),
        Route::new(
            Method::GET,
            "/api/v1/procedures/{code}",
            FUNCTION,
            Access::Public,
            "Hướng dẫn thực hiện một thủ tục: các bước, thành phần hồ sơ, phí, thời hạn, biểu mẫu",
            procedure,
        ),
        Route::new(Method::GET, "/api/v1/agencies", FUNCTION, Access::Public, "Danh sách cơ quan", agencies),
        Route::new(Method::GET, "/api/v1/fields", FUNCTION, Access::Public, "Danh sách lĩnh vực", fields),
    ]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchParams {
    q: Option<String>,
    agency: Option<String>,
    field: Option<String>,
    level: Option<motcua_domain::catalogue::ServiceLevel>,
    audience: Option<motcua_domain::catalogue::Audience>,
    cursor: Option<String>,
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

async fn procedure(State(s): State<AppState>, ApiPath(code): ApiPath<String>) -> ApiResult<Json<Value>> {
    let p = catalogue::procedure(&s, &code).await?;
    let agency = catalogue::agency(&s, &p.agency).await?;
    let field = catalogue::fields(&s).await?.into_iter().find(|f| f.code == p.field);
    let mut v = serde_json::to_value(&p).map_err(motcua_core::CoreError::from)?;
    v["agency_detail"] = json!(agency);
    v["field_name"] = json!(field.map(|f| f.name));
    v["level_label"] = json!(p.level.label());
    Ok(Json(v))
}

async fn agencies(State(s): State<AppState>) -> ApiResult<Json<Value>> {
    Ok(Json(json!({ "items": catalogue::agencies(&s).await?, "next_cursor": null })))
}

async fn fields(State(s): State<AppState>) -> ApiResult<Json<Value>> {
    Ok(Json(json!({ "items": catalogue::fields(&s).await?, "next_cursor": null })))
}
