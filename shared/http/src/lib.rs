//! The HTTP edge shared by every function crate, on both runtimes (the embedded server and
//! `lambda_http`, which runs the same axum router):
//! - [`problem`]: the one place where [`motcua_core::CoreError`] becomes an HTTP response
//!   (`application/problem+json`, RFC 9457, Vietnamese text, stable `code`);
//! - [`extract`]: caller authentication, JSON/query/path parsing that fails as problem+json,
//!   `If-Match`, `Idempotency-Key`, pagination;
//! - [`routes`]: the route table (the single source of truth for the router, the OpenAPI
//!   document and, later, the SAM template).

pub mod access;
pub mod extract;
pub mod json_body;
pub mod openapi;
pub mod problem;
pub mod routes;
pub mod security;
pub mod session;

pub use problem::{ApiError, ApiResult, EdgeError};
pub use routes::{Access, Route};

/// Shared state of every handler.
pub type AppState = std::sync::Arc<motcua_core::Services>;
