//! The route table of the whole API: every function's routes, the single source of truth for
//! the embedded router, the OpenAPI document and the SAM template's HTTP events; plus the
//! routes of the `meta` function itself (the OpenAPI document and the health check).

use axum::http::Method;
use axum::Json;
use motcua_http::{Access, Route};
use serde_json::Value;
use std::sync::OnceLock;

const FUNCTION: &str = "meta";

/// The routes of the `meta` function: the OpenAPI document and the health check.
pub fn meta_routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            "/api/v1/openapi.json",
            FUNCTION,
            Access::Public,
            "Tài liệu OpenAPI 3.1 của API",
            openapi,
        )
        .returns::<OpenApiDocument>(),
        Route::new(Method::GET, "/api/v1/health", FUNCTION, Access::Public, "Kiểm tra tình trạng hoạt động", health)
            .returns::<Health>(),
    ]
}

/// Every API route of every function: the route table.
pub fn api_routes() -> Vec<Route> {
    let mut routes = meta_routes();
    routes.extend(motcua_fn_catalogue::routes());
    routes.extend(motcua_fn_identity::routes());
    routes.extend(motcua_fn_submission::routes());
    routes.extend(motcua_fn_upload::routes());
    routes.extend(motcua_fn_status::routes());
    routes.extend(motcua_fn_feedback::routes());
    routes.extend(motcua_fn_reporting::routes());
    routes.extend(motcua_fn_officer::routes());
    routes.extend(motcua_fn_calendar::routes());
    routes.extend(motcua_fn_integration::routes());
    routes
}

/// The OpenAPI document of [`api_routes`].
pub fn openapi_document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| motcua_http::openapi::document(&api_routes(), env!("CARGO_PKG_VERSION")))
}

async fn openapi() -> Json<Value> {
    Json(openapi_document().clone())
}

/// An OpenAPI 3.1 document (this one).
#[derive(utoipa::ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
struct OpenApiDocument(Value);

/// The server answers, and which version it runs.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct Health {
    /// `ok`.
    status: &'static str,
    version: &'static str,
}

async fn health() -> Json<Health> {
    Json(Health { status: "ok", version: env!("CARGO_PKG_VERSION") })
}
