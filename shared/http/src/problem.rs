//! Errors as `application/problem+json` (RFC 9457): `type`, `title` and `detail` in
//! Vietnamese for people, a stable `code` for machines, `errors` per field for validation.
//! Internal errors are logged once with their cause and shown as an opaque 500.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_core::CoreError;
use motcua_domain::dossier::TransitionError;
use serde_json::json;

pub type ApiResult<T> = Result<T, ApiError>;

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError(pub CoreError);

impl<E: Into<CoreError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError(CoreError::invalid(code, message))
    }
}

/// Status of each error, in one place.
fn status(e: &CoreError) -> StatusCode {
    match e {
        CoreError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        CoreError::Forbidden(_) => StatusCode::FORBIDDEN,
        CoreError::NotFound(_) => StatusCode::NOT_FOUND,
        CoreError::Validation(_) | CoreError::IdempotencyMismatch => StatusCode::UNPROCESSABLE_ENTITY,
        CoreError::Invalid { code, .. } => match *code {
            "already_rated" | "username_taken" | "not_a_draft" | "not_finished" => StatusCode::CONFLICT,
            "unsupported_media_type" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "route_not_found" => StatusCode::NOT_FOUND,
            "method_not_allowed" => StatusCode::METHOD_NOT_ALLOWED,
            _ => StatusCode::BAD_REQUEST,
        },
        CoreError::Transition(TransitionError::RoleNotAllowed { .. }) => StatusCode::FORBIDDEN,
        CoreError::Transition(TransitionError::InvalidFromStatus { .. })
        | CoreError::Conflict
        | CoreError::Rule { .. } => StatusCode::CONFLICT,
        CoreError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
        CoreError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
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
        _ => "Lỗi hệ thống",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let status = status(&e);
        let detail = match &e {
            CoreError::Internal(cause) => {
                tracing::error!(error = %cause, "internal error");
                "Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút.".to_string()
            }
            e => e.to_string(),
        };
        let mut body = json!({
            "type": format!("https://motcua.vn/problems/{}", e.code()),
            "title": title(status),
            "status": status.as_u16(),
            "detail": detail,
            "code": e.code(),
        });
        if let CoreError::Validation(errors) = &e {
            body["errors"] = json!(errors);
        }
        let mut response = (status, body.to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
