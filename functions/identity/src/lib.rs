//! Function `identity`: registration, login, machine-client tokens, the signing keys (JWKS),
//! the caller's profile and notifications, user administration with its audit log (P6, P13,
//! G10, G7, M6), and the logins through VNeID and the staff SSO (OpenID Connect; R7).

use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::AppendHeaders;
use axum::{Form, Json};
use motcua_core::admin::{self, AuditRecord};
use motcua_core::auth::Jwks;
use motcua_core::events::{self, Notification, OutboundMessage};
use motcua_core::ledger::Verification;
use motcua_core::users::{self, Profile, UserView};
use motcua_core::CoreError;
use motcua_core::{second_factor, sso};
use motcua_domain::roles::Role;
use motcua_http::extract::{ApiJson, ApiPath, ApiQuery, Authenticated, ClientAddress, PageOf, PageParams};
use motcua_http::{session, Access, ApiError, ApiResult, AppState, Route};
use serde::Deserialize;

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
        )
        .body::<Registration>()
        .creates::<UserView>(),
        Route::new(
            Method::POST,
            "/api/v1/auth/login",
            FUNCTION,
            Access::Public,
            "Đăng nhập bằng tài khoản cục bộ, nhận mã truy cập (JWT)",
            login,
        )
        .body::<Login>()
        .returns::<users::TokenResponse>(),
        Route::new(
            Method::GET,
            "/api/v1/auth/vneid/start",
            FUNCTION,
            Access::Public,
            "Đăng nhập bằng tài khoản định danh điện tử VNeID (công dân, doanh nghiệp): chuyển tới trang đăng nhập của nhà cung cấp định danh (OpenID Connect, PKCE)",
            start_vneid,
        )
        .query::<SsoStart>()
        .redirects(),
        Route::new(
            Method::GET,
            "/api/v1/auth/vneid/callback",
            FUNCTION,
            Access::Public,
            "Nhà cung cấp định danh chuyển người dùng về (kiểm tra state, nonce, chữ ký, aud, thời hạn của ID token) rồi tới trang hoàn tất đăng nhập",
            callback_vneid,
        )
        .query::<SsoCallback>()
        .redirects(),
        Route::new(
            Method::GET,
            "/api/v1/auth/staff-sso/start",
            FUNCTION,
            Access::Public,
            "Đăng nhập một lần của cán bộ qua hệ thống định danh của tỉnh: chuyển tới trang đăng nhập của nhà cung cấp định danh (OpenID Connect, PKCE)",
            start_staff_sso,
        )
        .query::<SsoStart>()
        .redirects(),
        Route::new(
            Method::GET,
            "/api/v1/auth/staff-sso/callback",
            FUNCTION,
            Access::Public,
            "Nhà cung cấp định danh chuyển người dùng về (kiểm tra state, nonce, chữ ký, aud, thời hạn của ID token) rồi tới trang hoàn tất đăng nhập",
            callback_staff_sso,
        )
        .query::<SsoCallback>()
        .redirects(),
        Route::new(
            Method::GET,
            "/api/v1/auth/providers",
            FUNCTION,
            Access::Public,
            "Các cách đăng nhập qua nhà cung cấp định danh đang bật (VNeID, đăng nhập một lần của cán bộ)",
            login_providers,
        )
        .returns::<sso::Providers>(),
        Route::new(
            Method::POST,
            "/api/v1/auth/sso/redeem",
            FUNCTION,
            Access::Public,
            "Đổi mã đăng nhập một lần (sau VNeID hoặc đăng nhập một lần của cán bộ) lấy mã truy cập",
            redeem_sso,
        )
        .body::<SsoRedeem>()
        .returns::<users::TokenResponse>(),
        Route::new(
            Method::POST,
            "/api/v1/auth/token",
            FUNCTION,
            Access::Public,
            "Cấp mã truy cập cho hệ thống của cơ quan (client credentials)",
            token,
        )
        .body::<ClientCredentials>()
        .returns::<users::TokenResponse>(),
        Route::new(
            Method::POST,
            "/api/v1/auth/logout",
            FUNCTION,
            Access::Authenticated,
            "Đăng xuất: mọi mã truy cập đã cấp cho tài khoản hết hiệu lực ngay (mọi thiết bị)",
            logout,
        )
        .returns::<LoggedOut>(),
        Route::new(
            Method::GET,
            "/api/v1/auth/jwks",
            FUNCTION,
            Access::Public,
            "Khóa công khai để kiểm tra mã truy cập (JWKS)",
            jwks,
        )
        .returns::<Jwks>(),
        Route::new(
            Method::GET,
            "/api/v1/me",
            FUNCTION,
            Access::Authenticated,
            "Thông tin tài khoản đang đăng nhập",
            me,
        )
        .returns::<UserView>(),
        Route::new(
            Method::PUT,
            "/api/v1/me",
            FUNCTION,
            Access::Authenticated,
            "Cập nhật hồ sơ cá nhân (dùng để điền sẵn biểu mẫu)",
            update_me,
        )
        .body::<Profile>()
        .returns::<UserView>(),
        Route::new(
            Method::POST,
            "/api/v1/me/otp",
            FUNCTION,
            Access::Authenticated,
            "Cán bộ bắt đầu bật xác thực hai lớp: nhận khóa bí mật và liên kết otpauth cho ứng dụng xác thực",
            enrol_otp,
        )
        .creates::<second_factor::Enrolment>(),
        Route::new(
            Method::POST,
            "/api/v1/me/otp/confirm",
            FUNCTION,
            Access::Authenticated,
            "Xác nhận bằng mã đầu tiên từ ứng dụng: xác thực hai lớp có hiệu lực (ghi nhật ký quản trị)",
            confirm_otp,
        )
        .body::<OtpCode>()
        .returns::<UserView>(),
        Route::new(
            Method::GET,
            "/api/v1/me/notifications",
            FUNCTION,
            Access::Authenticated,
            "Thông báo gửi đến tài khoản",
            notifications,
        )
        .query::<PageParams>()
        .returns::<PageOf<Notification>>(),
        Route::new(
            Method::GET,
            "/api/v1/agencies/{code}/staff",
            FUNCTION,
            Access::Authenticated,
            "Danh sách cán bộ của cơ quan (phân công; quản trị người dùng)",
            staff,
        )
        .returns::<PageOf<UserView>>(),
        Route::new(
            Method::POST,
            "/api/v1/users",
            FUNCTION,
            Access::Authenticated,
            "Quản trị tạo tài khoản cán bộ (ghi nhật ký quản trị)",
            create_staff,
        )
        .body::<admin::NewStaff>()
        .creates::<UserView>(),
        Route::new(
            Method::POST,
            "/api/v1/users/{id}/lock",
            FUNCTION,
            Access::Authenticated,
            "Khóa tài khoản (ghi nhật ký quản trị)",
            lock,
        )
        .returns::<UserView>(),
        Route::new(
            Method::POST,
            "/api/v1/users/{id}/unlock",
            FUNCTION,
            Access::Authenticated,
            "Mở khóa tài khoản (ghi nhật ký quản trị)",
            unlock,
        )
        .returns::<UserView>(),
        Route::new(
            Method::GET,
            "/api/v1/audit",
            FUNCTION,
            Access::Authenticated,
            "Nhật ký thao tác quản trị theo tháng (?month=yyyy-mm; quản trị hệ thống)",
            audit,
        )
        .query::<AuditParams>()
        .returns::<PageOf<AuditRecord>>(),
        Route::new(
            Method::GET,
            "/api/v1/audit/verify",
            FUNCTION,
            Access::Authenticated,
            "Kiểm tra toàn vẹn nhật ký: tính lại chuỗi băm, chữ ký điểm kiểm tra và hồ sơ (quản trị hệ thống)",
            verify_audit,
        )
        .returns::<Verification>(),
        Route::new(
            Method::GET,
            "/api/v1/outbound-messages",
            FUNCTION,
            Access::Authenticated,
            "Sổ thư điện tử và tin nhắn SMS đã gửi đến người nộp hồ sơ (quản trị hệ thống)",
            outbound,
        )
        .query::<PageParams>()
        .returns::<PageOf<OutboundMessage>>(),
    ]
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Registration {
    /// 3–64 characters: letters without diacritics, digits, `.`, `_`, `-`, `@`.
    #[schema(pattern = "^[A-Za-z0-9._@-]{3,64}$")]
    username: String,
    #[schema(min_length = 8)]
    password: String,
    /// `citizen` (default) or `business`; other roles are refused (`invalid_role`).
    #[serde(default = "citizen")]
    #[schema(value_type = ApplicantRole)]
    role: Role,
    profile: Profile,
}

fn citizen() -> Role {
    Role::Citizen
}

/// Who registers: a citizen or a business.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum ApplicantRole {
    Citizen,
    Business,
}

async fn register(
    State(s): State<AppState>,
    ApiJson(r): ApiJson<Registration>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    if !r.role.is_applicant() {
        return Err(ApiError::bad_request("invalid_role", "Chỉ đăng ký được tài khoản công dân hoặc doanh nghiệp."));
    }
    users::ensure_passwords_allowed(&s)?;
    let user = users::create_user(&s, &r.username, &r.password, r.role, None, r.profile).await?;
    Ok((StatusCode::CREATED, Json(UserView::of(&user))))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Login {
    username: String,
    password: String,
    /// The 6-digit code of the authenticator app, for staff who enrolled one (asked with 401
    /// `otp_required` when missing).
    #[serde(default)]
    #[schema(pattern = "^[0-9]{6}$")]
    otp: Option<String>,
}

/// The token, in the answer for API clients and in the session cookies for the browser.
async fn login(State(s): State<AppState>, headers: HeaderMap, ApiJson(l): ApiJson<Login>) -> ApiResult<SignedIn> {
    Ok(signed_in(users::login(&s, &l.username, &l.password, l.otp.as_deref()).await?, &headers))
}

/// A login's answer: the token, and the session cookies of the portal and the console.
type SignedIn = (AppendHeaders<[(HeaderName, HeaderValue); 2]>, Json<users::TokenResponse>);

fn signed_in(token: users::TokenResponse, headers: &HeaderMap) -> SignedIn {
    let [a, b] = session::open(&token.access_token, token.expires_in, headers);
    (AppendHeaders([(header::SET_COOKIE, a), (header::SET_COOKIE, b)]), Json(token))
}

/// Where to go back after the login.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SsoStart {
    /// A page of this site (`/nop-ho-so.html?...`); anything else is ignored.
    #[schema(max_length = 500)]
    next: Option<String>,
}

/// What the identity provider sends back (RFC 6749 §4.1.2; other parameters, such as `iss`,
/// are ignored).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct SsoCallback {
    #[schema(max_length = 2000)]
    code: Option<String>,
    #[schema(max_length = 200)]
    state: Option<String>,
    /// The provider's refusal (`access_denied`…).
    #[schema(max_length = 200)]
    error: Option<String>,
}

/// The one-time login code the portal received.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SsoRedeem {
    #[schema(max_length = 200)]
    code: String,
}

async fn sso_start(
    s: &AppState,
    p: sso::Provider,
    q: SsoStart,
    client: Option<String>,
) -> ApiResult<axum::response::Redirect> {
    Ok(axum::response::Redirect::temporary(&sso::start(s, p, q.next.as_deref(), client.as_deref()).await?))
}

/// Back from the provider: on to the page that finishes the login, or to the login page with
/// the reason (`?loi=<code>`) — a browser is on the other end, not a program. Parameters longer
/// than any provider sends are refused outright.
async fn sso_callback(s: &AppState, p: sso::Provider, q: SsoCallback) -> ApiResult<axum::response::Redirect> {
    let too_long = |v: &Option<String>, max: usize| v.as_ref().is_some_and(|v| v.chars().count() > max);
    if too_long(&q.code, 2000) || too_long(&q.state, 200) || too_long(&q.error, 200) {
        return Err(
            CoreError::invalid("parameter_too_long", "Tham số của nhà cung cấp định danh dài bất thường.").into()
        );
    }
    let result = match (q.code, q.state, q.error) {
        (Some(code), Some(state), None) => sso::callback(s, p, &code, &state).await,
        _ => Err(CoreError::Unauthenticated("Nhà cung cấp định danh không xác nhận đăng nhập.".into())),
    };
    Ok(match result {
        Ok(page) => axum::response::Redirect::temporary(&page),
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on refused");
            axum::response::Redirect::temporary(&format!("{}?loi={}", sso::login_page(p), e.code()))
        }
    })
}

async fn start_vneid(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<SsoStart>,
    ClientAddress(client): ClientAddress,
) -> ApiResult<axum::response::Redirect> {
    sso_start(&s, sso::Provider::Vneid, q, client).await
}

async fn callback_vneid(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<SsoCallback>,
) -> ApiResult<axum::response::Redirect> {
    sso_callback(&s, sso::Provider::Vneid, q).await
}

async fn start_staff_sso(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<SsoStart>,
    ClientAddress(client): ClientAddress,
) -> ApiResult<axum::response::Redirect> {
    sso_start(&s, sso::Provider::StaffSso, q, client).await
}

async fn callback_staff_sso(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<SsoCallback>,
) -> ApiResult<axum::response::Redirect> {
    sso_callback(&s, sso::Provider::StaffSso, q).await
}

async fn login_providers(State(s): State<AppState>) -> Json<sso::Providers> {
    Json(sso::providers(&s))
}

async fn redeem_sso(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiJson(r): ApiJson<SsoRedeem>,
) -> ApiResult<SignedIn> {
    Ok(signed_in(sso::redeem(&s, &r.code).await?, &headers))
}

/// Client credentials (RFC 6749 §4.4), as JSON or `application/x-www-form-urlencoded`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct ClientCredentials {
    /// `client_credentials`; other grants are refused (`unsupported_grant_type`, RFC 6749).
    #[schema(pattern = "^client_credentials$")]
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

async fn jwks(State(s): State<AppState>) -> Json<Jwks> {
    Json(s.keys.jwks())
}

/// The answer to a logout.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct LoggedOut {
    /// Always true: every token of the account issued until now is refused from now on.
    logged_out: bool,
}

async fn logout(
    State(s): State<AppState>,
    headers: HeaderMap,
    Authenticated(c): Authenticated,
) -> ApiResult<(AppendHeaders<[(HeaderName, HeaderValue); 2]>, Json<LoggedOut>)> {
    users::logout(&s, &c).await?;
    let [a, b] = session::close(&headers);
    Ok((AppendHeaders([(header::SET_COOKIE, a), (header::SET_COOKIE, b)]), Json(LoggedOut { logged_out: true })))
}

async fn enrol_otp(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
) -> ApiResult<(StatusCode, Json<second_factor::Enrolment>)> {
    Ok((StatusCode::CREATED, Json(second_factor::enrol(&s, &c).await?)))
}

/// A code of the authenticator app.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct OtpCode {
    #[schema(pattern = "^[0-9]{6}$")]
    code: String,
}

async fn confirm_otp(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiJson(b): ApiJson<OtpCode>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(second_factor::confirm(&s, &c, &b.code).await?))
}

async fn me(State(s): State<AppState>, Authenticated(c): Authenticated) -> ApiResult<Json<UserView>> {
    if c.role == Role::IntegrationClient {
        return Err(ApiError::Core(CoreError::not_found("tài khoản")));
    }
    Ok(Json(UserView::of(&users::user(&s, &c.id).await?)))
}

async fn update_me(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiJson(p): ApiJson<Profile>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(UserView::of(&users::update_profile(&s, &c, p).await?)))
}

async fn notifications(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<PageOf<Notification>>> {
    let (items, next_cursor) = events::notifications(&s, &c, p.cursor.clone(), p.limit()?).await?;
    Ok(Json(PageOf { items, next_cursor }))
}

async fn outbound(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<PageOf<OutboundMessage>>> {
    let (items, next_cursor) = events::outbound(&s, &c, p.cursor.clone(), p.limit()?).await?;
    Ok(Json(PageOf { items, next_cursor }))
}

async fn staff(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<PageOf<UserView>>> {
    Ok(Json(PageOf { items: admin::staff(&s, &c, &code).await?, next_cursor: None }))
}

async fn create_staff(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiJson(req): ApiJson<admin::NewStaff>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    Ok((StatusCode::CREATED, Json(admin::create_staff(&s, &c, req).await?)))
}

async fn lock(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(admin::set_locked(&s, &c, &id, true).await?))
}

async fn unlock(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(admin::set_locked(&s, &c, &id, false).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AuditParams {
    /// `yyyy-mm`.
    #[schema(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    month: String,
}

async fn verify_audit(State(s): State<AppState>, Authenticated(c): Authenticated) -> ApiResult<Json<Verification>> {
    Ok(Json(admin::verify_ledger(&s, &c).await?))
}

async fn audit(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiQuery(p): ApiQuery<AuditParams>,
) -> ApiResult<Json<PageOf<AuditRecord>>> {
    Ok(Json(PageOf { items: admin::audit(&s, &c, &p.month).await?, next_cursor: None }))
}
