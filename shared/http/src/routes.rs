//! The route table: every API route with the function that owns it, who may call it and a
//! summary. The router, the OpenAPI document and the SAM template's HTTP events are all
//! derived from it, so they cannot drift apart.

use crate::problem::{ApiError, EdgeError};
use crate::AppState;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;
use serde_json::{json, Map, Value};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    /// Public, but a bearer token, when sent, is verified and used.
    OptionalAuth,
    Authenticated,
}

pub struct Route {
    pub method: Method,
    /// Path in OpenAPI / axum syntax: `/api/v1/dossiers/{id}`.
    pub path: &'static str,
    /// The `functions/<name>` crate (Lambda function) serving it.
    pub function: &'static str,
    pub summary: &'static str,
    pub access: Access,
    pub handler: MethodRouter<AppState>,
}

impl Route {
    pub fn new<H, T>(
        method: Method,
        path: &'static str,
        function: &'static str,
        access: Access,
        summary: &'static str,
        handler: H,
    ) -> Route
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("standard method");
        Route { method, path, function, summary, access, handler: on(filter, handler) }
    }
}

/// The answer to a path no route serves (problem+json 404).
pub async fn route_not_found() -> ApiError {
    EdgeError::RouteNotFound.into()
}

async fn method_not_allowed() -> ApiError {
    EdgeError::MethodNotAllowed.into()
}

/// The router of a set of routes; a known path with another method answers problem+json
/// 405. The caller sets the fallback for unknown paths ([`route_not_found`]).
pub fn router(routes: Vec<Route>) -> Router<AppState> {
    let mut by_path: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
    for r in routes {
        match by_path.iter_mut().find(|(path, _)| *path == r.path) {
            Some((_, methods)) => *methods = std::mem::take(methods).merge(r.handler),
            None => by_path.push((r.path, r.handler)),
        }
    }
    by_path
        .into_iter()
        .fold(Router::new(), |router, (path, methods)| router.route(path, methods.fallback(method_not_allowed)))
}

fn path_parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect()
}

/// The OpenAPI 3.1 document of the routes.
pub fn openapi(routes: &[Route], version: &str) -> Value {
    let mut paths = Map::new();
    for r in routes {
        let op_id = format!(
            "{}_{}",
            r.method.as_str().to_lowercase(),
            r.path.trim_start_matches("/api/v1/").replace(['/', '{', '}', '.', '-'], "_")
        );
        let mut op = json!({
            "operationId": op_id,
            "summary": r.summary,
            "tags": [r.function],
            "parameters": path_parameters(r.path),
            "responses": {
                "200": {"description": "Thành công", "content": {"application/json": {"schema": {}}}},
                "4XX": {"description": "Lỗi của yêu cầu", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
                "5XX": {"description": "Lỗi hệ thống", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
            },
        });
        match r.access {
            Access::Authenticated => op["security"] = json!([{"bearer": []}]),
            Access::OptionalAuth => op["security"] = json!([{}, {"bearer": []}]),
            Access::Public => op["security"] = json!([]),
        }
        if matches!(r.method, Method::POST | Method::PUT | Method::PATCH) {
            op["requestBody"] =
                json!({"required": false, "content": {"application/json": {"schema": {"type": "object"}}}});
        }
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        entry[r.method.as_str().to_lowercase()] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "MotCua API — Cổng Dịch vụ công và Hệ thống thông tin một cửa điện tử",
            "version": version,
            "description": "API cho cổng dịch vụ công, cán bộ một cửa và hệ thống của các cơ quan (Thông tư 22/2019/TT-BTTTT). Lỗi trả về dạng application/problem+json (RFC 9457) với mã `code` ổn định.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "schemas": {"Problem": {
                "type": "object",
                "required": ["type", "title", "status", "code"],
                "properties": {
                    "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                    "detail": {"type": "string"}, "code": {"type": "string"},
                    "errors": {"type": "array", "items": {"type": "object", "properties": {
                        "field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}},
                },
            }},
        },
    })
}

/// A route that takes one action on a dossier (`POST`, an optional JSON body of the action's
/// own type, `If-Match`), answering the dossier as the caller sees it afterwards.
pub fn dossier_action<I>(
    path: &'static str,
    function: &'static str,
    summary: &'static str,
    request: fn(I) -> motcua_core::actions::Request,
) -> Route
where
    I: serde::de::DeserializeOwned + Default + Send + 'static,
{
    use crate::extract::{ApiPath, Authenticated, IfMatch, OptionalJson};
    use axum::extract::State;
    let handler = move |State(s): State<AppState>,
                        Authenticated(c): Authenticated,
                        ApiPath(id): ApiPath<String>,
                        IfMatch(v): IfMatch,
                        OptionalJson(input): OptionalJson<I>| async move {
        Ok::<_, ApiError>(axum::Json(motcua_core::actions::act(&s, &c, &id, request(input), v).await?))
    };
    Route::new(Method::POST, path, function, Access::Authenticated, summary, handler)
}
