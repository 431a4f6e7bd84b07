//! The one error type of the use cases. Every variant has a stable machine code and a
//! Vietnamese message; `motcua-http` maps each to an HTTP status in one place.

use motcua_domain::dossier::TransitionError;
use motcua_domain::error::FieldError;
use motcua_ports::{QueueError, StoreError, TableError};

pub type CoreResult<T> = Result<T, CoreError>;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Missing or invalid credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// The password was right; the account's second factor is needed too.
    #[error("Vui lòng nhập mã xác thực 6 chữ số đang hiện trên ứng dụng xác thực của bạn.")]
    SecondFactorRequired,
    /// Authenticated, but not entitled.
    #[error("{0}")]
    Forbidden(String),
    /// Not found, or not visible to the caller (the two are not distinguished).
    #[error("{0}")]
    NotFound(String),
    /// Form data or body fields failed validation.
    #[error("Dữ liệu chưa hợp lệ, vui lòng kiểm tra các trường được đánh dấu.")]
    Validation(Vec<FieldError>),
    /// A request that is wrong as a whole: `code` is stable for machines.
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    /// A rule of the procedure or the law forbids the action in the dossier's current state
    /// (deadline already reset, apology too late, parts still pending…).
    #[error("{message}")]
    Rule { code: &'static str, message: String },
    /// The state machine refused the action.
    #[error("{0}")]
    Transition(#[from] TransitionError),
    /// Someone else changed the resource first (optimistic concurrency).
    #[error("Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại và thực hiện lại thao tác.")]
    Conflict,
    /// `If-Match` did not match the current version.
    #[error("Phiên bản hồ sơ không khớp (If-Match). Vui lòng tải lại hồ sơ.")]
    PreconditionFailed,
    /// The same `Idempotency-Key` was used with a different request.
    #[error("Khóa Idempotency-Key đã được dùng cho một yêu cầu khác.")]
    IdempotencyMismatch,
    /// A declared file is larger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// Too many attempts: try again after this many seconds.
    #[error("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau {} phút.", (.0 + 59) / 60)]
    TooManyRequests(i64),
    /// A counterpart (national portal, subscriber) did not answer as it should.
    #[error("Hệ thống đối tác chưa phản hồi đúng: {0}")]
    Upstream(String),
    /// Storage or queue failure: logged with its cause, shown as an opaque error.
    #[error("internal: {0}")]
    Internal(String),
}

impl CoreError {
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        CoreError::Invalid { code, message: message.into() }
    }

    /// A validation error of one field.
    pub fn field(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        CoreError::Validation(vec![FieldError { field: field.into(), code, message: message.into() }])
    }

    pub fn rule(code: &'static str, message: impl Into<String>) -> Self {
        CoreError::Rule { code, message: message.into() }
    }

    pub fn not_found(what: &str) -> Self {
        CoreError::NotFound(format!("Không tìm thấy {what}."))
    }

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Unauthenticated(_) => "unauthenticated",
            CoreError::SecondFactorRequired => "otp_required",
            CoreError::Forbidden(_) => "forbidden",
            CoreError::NotFound(_) => "not_found",
            CoreError::Validation(_) => "validation_failed",
            CoreError::Invalid { code, .. } | CoreError::Rule { code, .. } => code,
            CoreError::Transition(TransitionError::RoleNotAllowed { .. }) => "action_not_allowed_for_role",
            CoreError::Transition(TransitionError::InvalidFromStatus { .. }) => "invalid_transition",
            CoreError::Conflict => "conflict",
            CoreError::PreconditionFailed => "precondition_failed",
            CoreError::IdempotencyMismatch => "idempotency_key_reused",
            CoreError::TooLarge(_) => "too_large",
            CoreError::TooManyRequests(_) => "too_many_requests",
            CoreError::Upstream(_) => "counterpart_unavailable",
            CoreError::Internal(_) => "internal_error",
        }
    }
}

impl From<TableError> for CoreError {
    fn from(e: TableError) -> Self {
        match e {
            TableError::Conflict => CoreError::Conflict,
            e => CoreError::Internal(e.to_string()),
        }
    }
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => CoreError::not_found("tệp"),
            e => CoreError::Internal(e.to_string()),
        }
    }
}

impl From<QueueError> for CoreError {
    fn from(e: QueueError) -> Self {
        CoreError::Internal(e.to_string())
    }
}

impl From<serde_json::Error> for CoreError {
    fn from(e: serde_json::Error) -> Self {
        CoreError::Internal(format!("stored data: {e}"))
    }
}

impl From<motcua_domain::lifecycle::Refusal> for CoreError {
    fn from(r: motcua_domain::lifecycle::Refusal) -> Self {
        use motcua_domain::lifecycle::Refusal;
        match r {
            Refusal::Transition(t) => CoreError::Transition(t),
            Refusal::NotFound(what) => CoreError::not_found(what),
            Refusal::Fields(errors) => CoreError::Validation(errors),
            Refusal::Invalid { code, message } => CoreError::Invalid { code, message },
            Refusal::Rule { code, message } => CoreError::Rule { code, message },
        }
    }
}
