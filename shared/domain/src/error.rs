//! A validation error of one field, shared by every rule that checks input.

use serde::Serialize;

/// One error of one form field, with a Vietnamese message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}
