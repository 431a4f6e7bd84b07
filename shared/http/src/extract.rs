//! Extractors that parse at the edge and fail as problem+json: the authenticated caller,
//! JSON bodies, queries and paths, `If-Match`, `Idempotency-Key`, and cursor pagination.

use crate::json_body;
use crate::{ApiError, AppState};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts};
use motcua_core::{Caller, CoreError};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

fn bearer(parts: &Parts) -> Option<Result<&str, ApiError>> {
    let value = parts.headers.get(header::AUTHORIZATION)?;
    Some(
        value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .ok_or_else(|| {
                ApiError::Core(CoreError::Unauthenticated(
                    "Tiêu đề Authorization phải có dạng “Bearer <mã truy cập>”.".into(),
                ))
            }),
    )
}

async fn verify(state: &AppState, token: &str) -> Result<Caller, ApiError> {
    Ok(motcua_core::users::authenticate(state, token).await?)
}

/// The caller of an endpoint that requires a valid bearer token.
pub struct Authenticated(pub Caller);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match bearer(parts).map(|t| t.map(str::to_string)).or_else(|| crate::session::token(parts)) {
            Some(token) => Ok(Authenticated(verify(state, &token?).await?)),
            None => {
                Err(ApiError::Core(CoreError::Unauthenticated("Vui lòng đăng nhập để thực hiện thao tác này.".into())))
            }
        }
    }
}

/// The caller of a public endpoint, when a bearer token is sent (it must then be valid) or a
/// valid session cookie.
pub struct MaybeAuthenticated(pub Option<Caller>);

impl FromRequestParts<AppState> for MaybeAuthenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer(parts) {
            return Ok(MaybeAuthenticated(Some(verify(state, token?).await?)));
        }
        // A public operation is answered anonymously rather than refused when the session
        // cookie is stale or came without its CSRF header (another site's form).
        Ok(MaybeAuthenticated(match crate::session::token(parts) {
            Some(Ok(token)) => verify(state, &token).await.ok(),
            _ => None,
        }))
    }
}

/// The client's address as the runtime saw it — the socket's peer on the embedded server,
/// API Gateway's `sourceIp` on Lambda — for limits per client; `None` when unknown.
pub struct ClientAddress(pub Option<String>);

/// API Gateway's view of the client's address, put on each request by the Lambda runtime.
#[derive(Debug, Clone)]
pub struct SourceAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let from_gateway = parts.extensions.get::<SourceAddress>().map(|a| a.0.clone());
        let from_socket = || {
            let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
            peer.map(|c| c.0.ip().to_string())
        };
        Ok(ClientAddress(from_gateway.or_else(from_socket)))
    }
}

/// A JSON body; malformed JSON, a wrong content type or unknown fields give problem+json.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !json_body::is_json(req.headers()) {
            return Err(json_body::not_json());
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::Core(motcua_core::CoreError::TooLarge("Nội dung yêu cầu quá lớn (tối đa 2 MB).".into()))
            } else {
                ApiError::bad_request("invalid_json", format!("Không đọc được JSON: {}", e.body_text()))
            }
        })?;
        json_body::parse(&bytes).map(ApiJson)
    }
}

/// Query parameters.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state).await.map(|q| ApiQuery(q.0)).map_err(
            |e: QueryRejection| {
                ApiError::bad_request("invalid_query", format!("Tham số truy vấn không hợp lệ: {}", e.body_text()))
            },
        )
    }
}

/// Path parameters.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state).await.map(|p| ApiPath(p.0)).map_err(
            |e: PathRejection| {
                ApiError::bad_request("invalid_path", format!("Đường dẫn không hợp lệ: {}", e.body_text()))
            },
        )
    }
}

/// `If-Match: "<version>"` (optimistic concurrency); absent = no precondition.
pub struct IfMatch(pub Option<u64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        value
            .to_str()
            .ok()
            .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
            .and_then(|v| v.parse().ok())
            .map(|v| IfMatch(Some(v)))
            .ok_or_else(|| {
                ApiError::bad_request("invalid_if_match", "Tiêu đề If-Match phải là số phiên bản của hồ sơ.")
            })
    }
}

/// The `Idempotency-Key` header, if sent.
pub struct IdempotencyKeyHeader(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKeyHeader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.headers.get("idempotency-key") {
            None => Ok(IdempotencyKeyHeader(None)),
            Some(v) => v
                .to_str()
                .map(|v| IdempotencyKeyHeader(Some(v.to_string())))
                .map_err(|_| ApiError::bad_request("invalid_idempotency_key", "Idempotency-Key phải là chuỗi ASCII.")),
        }
    }
}

/// `?cursor=&limit=` of every list.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PageParams {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    #[schema(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

impl PageParams {
    /// The page size: 20 by default, at most 100.
    pub fn limit(&self) -> Result<usize, ApiError> {
        match self.limit {
            None => Ok(20),
            Some(n @ 1..=100) => Ok(n),
            Some(_) => Err(ApiError::bad_request("invalid_limit", "Tham số limit phải từ 1 đến 100.")),
        }
    }
}

/// A page of a list; `next_cursor` fetches the next one.
#[derive(Debug, Serialize)]
pub struct PageOf<T: Serialize> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Each page type has its own schema name (`PageOfSummary`, `PageOfAgency`…).
impl<T: Serialize + utoipa::ToSchema> utoipa::PartialSchema for PageOf<T> {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
        use utoipa::openapi::Ref;
        let items = ArrayBuilder::new().items(Ref::from_schema_name(T::name()));
        let cursor = ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::SchemaType::from_iter([Type::String, Type::Null]))
            .description(Some("`cursor` of the next page; absent on the last one."));
        ObjectBuilder::new()
            .property("items", items)
            .required("items")
            .property("next_cursor", cursor)
            .description(Some("A page of a list."))
            .build()
            .into()
    }
}

impl<T: Serialize + utoipa::ToSchema> utoipa::ToSchema for PageOf<T> {
    fn name() -> std::borrow::Cow<'static, str> {
        format!("PageOf{}", T::name()).into()
    }

    fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
        T::schemas(schemas);
        schemas.push((T::name().to_string(), T::schema()));
    }
}

/// The idempotency key of a request, bound to the caller, the route and the body.
pub fn idempotency_key(
    header: IdempotencyKeyHeader,
    caller: &Caller,
    route: &str,
    body: &impl Serialize,
) -> Result<Option<motcua_core::idempotency::IdempotencyKey>, ApiError> {
    let Some(key) = header.0 else { return Ok(None) };
    let mut request = route.as_bytes().to_vec();
    request.extend(serde_json::to_vec(body).map_err(CoreError::from)?);
    Ok(Some(motcua_core::idempotency::IdempotencyKey::new(&caller.id, &key, &request)?))
}

/// A JSON body that may be left out entirely (then `T::default()`).
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let has_body = req.headers().get(header::CONTENT_LENGTH).is_some_and(|v| v != "0")
            || req.headers().contains_key(header::TRANSFER_ENCODING);
        if !has_body {
            return Ok(OptionalJson(T::default()));
        }
        Ok(OptionalJson(ApiJson::<T>::from_request(req, state).await?.0))
    }
}

/// The origin the client used (`scheme://host`), for absolute links printed on documents
/// (the QR code of a form). Behind a proxy, `X-Forwarded-Proto` gives the scheme.
pub struct Origin(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Origin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let host = header("x-forwarded-host").or_else(|| header("host")).unwrap_or_else(|| "localhost".into());
        let valid = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
        if !valid {
            return Err(ApiError::bad_request("invalid_host", "Tiêu đề Host không hợp lệ."));
        }
        let scheme = header("x-forwarded-proto").filter(|p| p == "https").unwrap_or_else(|| "http".into());
        Ok(Origin(format!("{scheme}://{host}")))
    }
}

/// A printable document (form) as an HTTP response, shown inline.
pub fn document(d: motcua_core::forms::Rendered) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, d.content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{}\"", d.filename)),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        d.body,
    )
        .into_response()
}
