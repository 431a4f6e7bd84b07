//! Counting every API answer for the access statistics (P14), on both runtimes: the operation
//! as routed (`GET /api/v1/procedures/{code}`, never the concrete path, which may carry codes
//! or ID numbers) and the status; the counts reach the table about once a minute
//! ([`motcua_core::access_log`]).

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;

/// `router` with every routed answer counted.
pub fn with_access_counting(router: Router<AppState>, state: AppState) -> Router<AppState> {
    router.layer(axum::middleware::from_fn_with_state(state, count))
}

async fn count(State(s): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.extensions().get::<MatchedPath>().map_or("?", |p| p.as_str()).to_string();
    let operation = format!("{} {path}", request.method());
    let response = next.run(request).await;
    let day = s.now().format("%Y-%m-%d").to_string();
    if s.access.count(day, operation, response.status().as_u16()) {
        if let Err(e) = motcua_core::access_log::flush(&s).await {
            tracing::warn!(error = %e, "access statistics not written yet");
        }
    }
    response
}
