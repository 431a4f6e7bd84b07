//! Which deployed function the current work belongs to: the `functions/<name>` crate of the
//! route being served, or the worker doing a job — the Lambda function that does that work on
//! AWS. Set by the HTTP router around each handler and by the embedded worker around each of
//! its jobs; read by the test that checks every function's writes against its IAM role in
//! `template.yaml` (`tests/system/permissions.rs`).

use std::future::Future;

tokio::task_local! {
    static FUNCTION: &'static str;
}

/// Work the embedded server does that no Lambda function does as such (flushing the access
/// counters its own way).
pub const EMBEDDED_ONLY: &str = "-";

/// Runs `work` as `function`'s.
pub async fn scope<F: Future>(function: &'static str, work: F) -> F::Output {
    FUNCTION.scope(function, work).await
}

/// The function the current task works for, if it was set.
pub fn current() -> Option<&'static str> {
    FUNCTION.try_with(|f| *f).ok()
}
