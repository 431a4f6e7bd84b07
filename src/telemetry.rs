//! Structured logs: JSON lines when `MOTCUA_LOG_FORMAT=json` (as on Lambda), human-readable
//! otherwise; level from `RUST_LOG` (default `info`).

pub fn init() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let _ = if std::env::var("MOTCUA_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
