//! Why the lifecycle refuses a command: typed, each with a stable code and a Vietnamese
//! message; the core maps each kind to its error, and the HTTP edge to a status.

use crate::dossier::TransitionError;
use crate::error::FieldError;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// The state machine does not allow the action (role or status).
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The dossier, or the part of it the command names, is not there for this caller.
    #[error("Không tìm thấy {0}.")]
    NotFound(&'static str),
    /// Input fields are missing or wrong.
    #[error("Dữ liệu chưa hợp lệ.")]
    Fields(Vec<FieldError>),
    /// The request is wrong as a whole.
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    /// A rule of the procedure or of the law forbids it now.
    #[error("{message}")]
    Rule { code: &'static str, message: String },
}

impl Refusal {
    pub fn field(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        Refusal::Fields(vec![FieldError { field: field.into(), code, message: message.into() }])
    }

    pub fn rule(code: &'static str, message: impl Into<String>) -> Self {
        Refusal::Rule { code, message: message.into() }
    }

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Transition(TransitionError::RoleNotAllowed { .. }) => "action_not_allowed_for_role",
            Refusal::Transition(TransitionError::InvalidFromStatus { .. }) => "invalid_transition",
            Refusal::NotFound(_) => "not_found",
            Refusal::Fields(_) => "validation_failed",
            Refusal::Invalid { code, .. } | Refusal::Rule { code, .. } => code,
        }
    }
}

/// A required text: trimmed, not empty, at most [`MAX_NOTE_CHARS`](super::MAX_NOTE_CHARS).
pub(super) fn required(field: &str, value: Option<&str>) -> Result<String, Refusal> {
    match bounded(field, value, super::MAX_NOTE_CHARS)? {
        Some(v) => Ok(v),
        None => Err(Refusal::field(field, "required", "Vui lòng nhập thông tin này.")),
    }
}

/// An optional text: trimmed (empty = absent), at most `max` characters. Every free text a
/// command stores is bounded, so that a dossier stays far below the size a store item may have.
pub(super) fn bounded(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, Refusal> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) if v.chars().count() > max => {
            Err(Refusal::field(field, "too_long", format!("Nội dung không được dài quá {max} ký tự.")))
        }
        v => Ok(v.map(String::from)),
    }
}
