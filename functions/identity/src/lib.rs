//! Function `identity`: registration, login, machine-client tokens, the signing keys (JWKS),
//! the caller's profile and notifications, user administration with its audit log (P6, P13,
//! G10, G7, M6).

use axum::extract::{FromRequest, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::{Form, Json};
use motcua_core::users::{self, Profile};
use motcua_core::{admin, events, CoreError};
use motcua_domain::roles::Role;
use motcua_http::extract::{ApiJson, ApiPath, ApiQuery, Authenticated, PageOf, PageParams};
use motcua_http::{Access, ApiError, ApiResult, AppState, Route};
use serde::Deserialize;
use serde_json::{json, Value};

const FUNCTION: &str = "identity";

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::POST,
            "/api/v1/auth/register",
            FUNCTION,
            Access::Public,
            "Đăng ký tài khoản công dân hoặc doanh nghiệp",
            register,
        ),
        Route::new(
            Method::POST,
            "/api/v1/auth/login",
            FUNCTION,
            Access::Public,
            "Đăng nhập bằng tài khoản cục bộ, nhận mã truy cập (JWT)",
            login,
        ),
        Route::new(
            Method::POST,
            "/api/v1/auth/token",
            FUNCTION,
            Access::Public,
            "Cấp mã truy cập cho hệ thống của cơ quan (client credentials)",
            token,
        ),
        Route::new(
            Method::GET,
            "/api/v1/auth/jwks",
            FUNCTION,
            Access::Public,
            "Khóa công khai để kiểm tra mã truy cập (JWKS)",
            jwks,
        ),
        Route::new(
            Method::GET,
            "/api/v1/me",
            FUNCTION,
            Access::Authenticated,
            "Thông tin tài khoản đang đăng nhập",
            me,
        ),
        Route::new(
            Method::PUT,
            "/api/v1/me",
            FUNCTION,
            Access::Authenticated,
            "Cập nhật hồ sơ cá nhân (dùng để điền sẵn biểu mẫu)",
            update_me,
        ),
        Route::new(
            Method::GET,
            "/api/v1/me/notifications",
            FUNCTION,
            Access::Authenticated,
            "Thông báo gửi đến tài khoản",
            notifications,
        ),
        Route::new(
            Method::GET,
            "/api/v1/agencies/{code}/staff",
            FUNCTION,
            Access::Authenticated,
            "Danh sách cán bộ của cơ quan (phân công; quản trị người dùng)",
            staff,
        ),
        Route::new(
            Method::POST,
            "/api/v1/users",
            FUNCTION,
            Access::Authenticated,
            "Quản trị tạo tài khoản cán bộ (ghi nhật ký quản trị)",
            create_staff,
        ),
        Route::new(
            Method::POST,
            "/api/v1/users/{id}/lock",
            FUNCTION,
            Access::Authenticated,
            "Khóa tài khoản (ghi nhật ký quản trị)",
            lock,
        ),
        Route::new(
            Method::POST,
            "/api/v1/users/{id}/unlock",
            FUNCTION,
            Access::Authenticated,
            "Mở khóa tài khoản (ghi nhật ký quản trị)",
            unlock,
        ),
        Route::new(
            Method::GET,
            "/api/v1/audit",
            FUNCTION,
            Access::Authenticated,
            "Nhật ký thao tác quản trị theo tháng (?month=yyyy-mm; quản trị hệ thống)",
            audit,
        ),
        Route::new(
            Method::GET,
            "/api/v1/outbound-messages",
            FUNCTION,
            Access::Authenticated,
            "Sổ thư điện tử và tin nhắn SMS đã gửi đến người nộp hồ sơ (quản trị hệ thống)",
            outbound,
        ),
    ]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Registration {
    username: String,
    password: String,
    #[serde(default = "citizen")]
    role: Role,
    profile: Profile,
}

fn citizen() -> Role {
    Role::Citizen
}

async fn register(
    State(s): State<AppState>,
    ApiJson(r): ApiJson<Registration>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    if !r.role.is_applicant() {
        return Err(ApiError::bad_request("invalid_role", "Chỉ đăng ký được tài khoản công dân hoặc doanh nghiệp."));
    }
    let user = users::create_user(&s, &r.username, &r.password, r.role, None, r.profile).await?;
    Ok((StatusCode::CREATED, Json(users::public_view(&user))))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Login {
    username: String,
    password: String,
}

async fn login(State(s): State<AppState>, ApiJson(l): ApiJson<Login>) -> ApiResult<Json<users::TokenResponse>> {
    Ok(Json(users::login(&s, &l.username, &l.password).await?))
}

#[derive(Debug, Deserialize)]
struct ClientCredentials {
    grant_type: String,
    client_id: String,
    client_secret: String,
}

/// OAuth 2.0 token endpoint: form-encoded (RFC 6749) or JSON.
async fn token(State(s): State<AppState>, req: Request) -> ApiResult<Json<users::TokenResponse>> {
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let c: ClientCredentials = if form {
        Form::<ClientCredentials>::from_request(req, &s)
            .await
            .map_err(|_| ApiError::bad_request("invalid_request", "Thiếu grant_type, client_id hoặc client_secret."))?
            .0
    } else {
        ApiJson::<ClientCredentials>::from_request(req, &s).await?.0
    };
    if c.grant_type != "client_credentials" {
        return Err(ApiError::bad_request("unsupported_grant_type", "Chỉ hỗ trợ grant_type=client_credentials."));
    }
    Ok(Json(users::client_token(&s, &c.client_id, &c.client_secret).await?))
}

async fn jwks(State(s): State<AppState>) -> Json<Value> {
    Json(s.keys.jwks())
}

async fn me(State(s): State<AppState>, Authenticated(c): Authenticated) -> ApiResult<Json<Value>> {
    if c.role == Role::IntegrationClient {
        return Err(ApiError::Core(CoreError::not_found("tài khoản")));
    }
    Ok(Json(users::public_view(&users::user(&s, &c.id).await?)))
}

async fn update_me(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiJson(p): ApiJson<Profile>,
) -> ApiResult<Json<Value>> {
    Ok(Json(users::public_view(&users::update_profile(&s, &c, p).await?)))
}

async fn notifications(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<PageOf<Value>>> {
    let (items, next_cursor) = events::notifications(&s, &c, p.cursor.clone(), p.limit()?).await?;
    Ok(Json(PageOf { items, next_cursor }))
}

async fn outbound(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<PageOf<Value>>> {
    let (items, next_cursor) = events::outbound(&s, &c, p.cursor.clone(), p.limit()?).await?;
    Ok(Json(PageOf { items, next_cursor }))
}

async fn staff(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!({ "items": admin::staff(&s, &c, &code).await? })))
}

async fn create_staff(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiJson(req): ApiJson<admin::NewStaff>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    Ok((StatusCode::CREATED, Json(admin::create_staff(&s, &c, req).await?)))
}

async fn lock(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(admin::set_locked(&s, &c, &id, true).await?))
}

async fn unlock(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(admin::set_locked(&s, &c, &id, false).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditParams {
    month: String,
}

async fn audit(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiQuery(p): ApiQuery<AuditParams>,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!({ "items": admin::audit(&s, &c, &p.month).await? })))
}
