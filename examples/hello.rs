//! The bare server the benchmarks compare MotCua with (`bash bench/run.sh`): axum on the same
//! runtime, answering "hello" — what the machine and the loopback do with no work at all.

use axum::routing::get;

#[tokio::main]
async fn main() {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:18090".into());
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("the address is free");
    let app = axum::Router::new().route("/", get(|| async { "hello" }));
    axum::serve(listener, app).await.expect("serves until killed");
}
