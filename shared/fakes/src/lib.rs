//! Fakes of the counterparts MotCua cannot reach from a developer's machine or CI: real HTTP
//! servers on 127.0.0.1 with their own state and failure switches, used by the tests and
//! started in-process by `cargo run` for the demo (national-connections §1: fakes, not mocks).
//!
//! - [`national_portal`]: the national public service portal (DVCQG) speaking the JSON services
//!   of national-connections §2, with switches: down, slow, 5xx, bad token, expired session,
//!   duplicate (stored but not acknowledged), a procedure it refuses.
//! - [`payment_platform`]: the national payment platform: orders, a payment page, signed
//!   callbacks, the day's transactions; switches: down, forged, duplicate or lost callbacks.
//! - [`webhook_receiver`]: an agency's system receiving webhooks, checking their signatures.

pub mod national_portal;
pub mod payment_platform;
pub mod webhook_receiver;

pub use national_portal::FakeNationalPortal;
pub use payment_platform::FakePaymentPlatform;
pub use webhook_receiver::FakeWebhookReceiver;

/// Serves `app` on a free port of 127.0.0.1 until the returned handle is dropped or aborted.
pub(crate) async fn serve(app: axum::Router) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, task)
}
