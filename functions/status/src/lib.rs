//! Function `status`: the public lookup by dossier code with a second factor, the full view
//! with its timeline, the printable forms 01–05, and the lists of dossiers (S1, P12, P17, M7,
//! M9).

use axum::extract::State;
use axum::http::Method;
use axum::Json;
use motcua_core::forms::{self, Format};
use motcua_core::queries;
use motcua_domain::dossier::Status;
use motcua_domain::views::{DossierView, PublicView, StatusInfo, Summary};
use motcua_http::extract::{document, ApiPath, ApiQuery, Authenticated, ClientAddress, Origin, PageOf};
use motcua_http::{Access, ApiResult, AppState, Route};
use serde::Deserialize;

const FUNCTION: &str = "status";

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            "/api/v1/lookup/{code}",
            FUNCTION,
            Access::Public,
            "Tra cứu tình trạng hồ sơ theo mã (kèm mã bí mật trên giấy tiếp nhận hoặc số định danh)",
            lookup,
        )
        .query::<LookupParams>()
        .returns::<PublicView>(),
        Route::new(
            Method::GET,
            "/api/v1/dossiers/{id}",
            FUNCTION,
            Access::Authenticated,
            "Chi tiết hồ sơ và quá trình xử lý (chủ hồ sơ, cán bộ có thẩm quyền)",
            get,
        )
        .returns::<DossierView>(),
        Route::new(
            Method::GET,
            "/api/v1/dossiers/{id}/reads",
            FUNCTION,
            Access::Authenticated,
            "Ai đã xem hồ sơ và tệp của người nộp: thời gian, người xem, cơ quan (chủ hồ sơ, cơ quan giải quyết)",
            reads,
        )
        .returns::<PageOf<motcua_core::reads::Read>>(),
        Route::new(
            Method::GET,
            "/api/v1/dossiers/{id}/forms/{form}",
            FUNCTION,
            Access::Authenticated,
            "In phiếu mẫu 01–05 của hồ sơ (HTML để in hoặc PDF; ?format=html|pdf), có mã QR tra cứu",
            form,
        )
        .query::<FormParams>()
        .returns_content(&["text/html", "application/pdf"]),
        Route::new(
            Method::GET,
            "/api/v1/statuses",
            FUNCTION,
            Access::Public,
            "Các trạng thái hồ sơ với tên gọi cho công dân và cho danh sách của cán bộ, mã trạng thái quốc gia",
            statuses,
        )
        .returns_list::<StatusInfo>(),
        Route::new(
            Method::GET,
            "/api/v1/dossiers",
            FUNCTION,
            Access::Authenticated,
            "Hồ sơ của tôi; với cán bộ: hồ sơ của cơ quan",
            list,
        )
        .query::<ListParams>()
        .returns::<PageOf<Summary>>(),
    ]
}

/// The second factor of the lookup: the secret printed on the receipt, or the applicant's
/// personal identification number (one of the two is required).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct LookupParams {
    secret: Option<String>,
    id_number: Option<String>,
}

async fn lookup(
    State(s): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(p): ApiQuery<LookupParams>,
    ClientAddress(client): ClientAddress,
) -> ApiResult<Json<PublicView>> {
    Ok(Json(queries::lookup(&s, &code, p.secret.as_deref(), p.id_number.as_deref(), client.as_deref()).await?))
}

async fn reads(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<PageOf<motcua_core::reads::Read>>> {
    Ok(Json(PageOf { items: motcua_core::reads::list(&s, &c, &id).await?, next_cursor: None }))
}

async fn get(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<DossierView>> {
    Ok(Json(queries::get(&s, &c, &id).await?))
}

async fn statuses() -> Json<Vec<StatusInfo>> {
    Json(StatusInfo::all())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ListParams {
    status: Option<Status>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    #[schema(minimum = 1, maximum = 100)]
    limit: Option<usize>,
}

async fn list(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Json<PageOf<Summary>>> {
    let limit = motcua_http::extract::PageParams { cursor: None, limit: p.limit }.limit()?;
    let (items, next_cursor) = queries::list(&s, &c, p.status, p.cursor, limit).await?;
    Ok(Json(PageOf { items, next_cursor }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct FormParams {
    #[serde(default)]
    format: Format,
}

async fn form(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath((id, number)): ApiPath<(String, String)>,
    ApiQuery(p): ApiQuery<FormParams>,
    Origin(origin): Origin,
) -> ApiResult<axum::response::Response> {
    Ok(document(forms::form(&s, &c, &id, &number, p.format, &origin).await?))
}
