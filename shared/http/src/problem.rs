//! Errors as `application/problem+json` (RFC 9457): `type`, `title` and `detail` in
//! Vietnamese for people, a stable `code` for machines, `errors` per field for validation.
//! Internal errors are logged once with their cause and shown as an opaque 500.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_core::CoreError;
use motcua_domain::dossier::TransitionError;
use serde_json::json;

pub type ApiResult<T> = Result<T, ApiError>;

/// An error on its way to the client: one of the use cases, or of the HTTP edge itself.
#[derive(Debug)]
pub enum ApiError {
    Core(CoreError),
    Edge(EdgeError),
}

/// Errors that only the HTTP edge can make.
#[derive(Debug, thiserror::Error)]
pub enum EdgeError {
    #[error("Không có địa chỉ API này.")]
    RouteNotFound,
    #[error("Địa chỉ API này không hỗ trợ phương thức đã dùng.")]
    MethodNotAllowed,
    #[error("Nội dung yêu cầu phải là JSON (Content-Type: application/json).")]
    UnsupportedMediaType,
    #[error("Thiếu hoặc sai mã chống giả mạo yêu cầu (X-CSRF-Token). Vui lòng tải lại trang và thử lại.")]
    CsrfTokenInvalid,
}

impl EdgeError {
    fn code(&self) -> &'static str {
        match self {
            EdgeError::RouteNotFound => "route_not_found",
            EdgeError::MethodNotAllowed => "method_not_allowed",
            EdgeError::UnsupportedMediaType => "unsupported_media_type",
            EdgeError::CsrfTokenInvalid => "csrf_token_invalid",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            EdgeError::RouteNotFound => StatusCode::NOT_FOUND,
            EdgeError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            EdgeError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            EdgeError::CsrfTokenInvalid => StatusCode::FORBIDDEN,
        }
    }
}

impl<E: Into<CoreError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError::Core(e.into())
    }
}

impl From<EdgeError> for ApiError {
    fn from(e: EdgeError) -> Self {
        ApiError::Edge(e)
    }
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Core(CoreError::invalid(code, message))
    }
}

/// Status of each error, in one place.
fn status(e: &CoreError) -> StatusCode {
    match e {
        CoreError::Unauthenticated(_) | CoreError::SecondFactorRequired => StatusCode::UNAUTHORIZED,
        CoreError::Forbidden(_) => StatusCode::FORBIDDEN,
        CoreError::NotFound(_) => StatusCode::NOT_FOUND,
        CoreError::Validation(_) | CoreError::IdempotencyMismatch => StatusCode::UNPROCESSABLE_ENTITY,
        CoreError::Invalid { .. } => StatusCode::BAD_REQUEST,
        CoreError::Transition(TransitionError::RoleNotAllowed { .. }) => StatusCode::FORBIDDEN,
        CoreError::Transition(TransitionError::InvalidFromStatus { .. })
        | CoreError::Conflict
        | CoreError::Rule { .. } => StatusCode::CONFLICT,
        CoreError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
        CoreError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        CoreError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
        CoreError::Upstream(_) => StatusCode::BAD_GATEWAY,
        CoreError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Yêu cầu không hợp lệ",
        401 => "Chưa xác thực",
        403 => "Không có quyền",
        404 => "Không tìm thấy",
        405 => "Phương thức không được hỗ trợ",
        409 => "Xung đột trạng thái",
        412 => "Phiên bản không khớp",
        413 => "Dữ liệu quá lớn",
        415 => "Kiểu nội dung không được hỗ trợ",
        422 => "Dữ liệu không hợp lệ",
        429 => "Quá nhiều yêu cầu",
        _ => "Lỗi hệ thống",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, detail) = match &self {
            ApiError::Edge(e) => (e.status(), e.code(), e.to_string()),
            ApiError::Core(CoreError::Internal(cause)) => {
                tracing::error!(error = %cause, "internal error");
                let e = &CoreError::Internal(String::new());
                (status(e), e.code(), "Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút.".to_string())
            }
            ApiError::Core(e) => (status(e), e.code(), e.to_string()),
        };
        let mut body = json!({
            "type": format!("https://motcua.vn/problems/{code}"),
            "title": title(status),
            "status": status.as_u16(),
            "detail": detail,
            "code": code,
        });
        if let ApiError::Core(CoreError::Validation(errors)) = &self {
            body["errors"] = json!(errors);
        }
        let mut response = (status, body.to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let ApiError::Core(CoreError::TooManyRequests(seconds)) = &self {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(&1).to_owned()));
        }
        response
    }
}
