//! Fakes of the counterparts MotCua cannot reach from a developer's machine or CI: real HTTP
//! servers on 127.0.0.1 with their own state and failure switches, used by the tests and
//! started in-process by `cargo run` for the demo (national-connections §1: fakes, not mocks).
//!
//! - [`national_portal`]: the national public service portal (DVCQG) speaking the JSON services
//!   of national-connections §2, with switches: down, slow, 5xx, bad token, expired session,
//!   duplicate (stored but not acknowledged), a procedure it refuses.
//! - [`oidc_provider`]: an OpenID provider like VNeID's national SSO or a staff SSO: login page,
//!   code + PKCE, RS256 ID tokens; switches for forged, misdirected, nonce-less and expired tokens.
//! - [`payment_platform`]: the national payment platform: orders, a payment page, signed
//!   callbacks, the day's transactions; switches: down, forged, duplicate or lost callbacks.
//! - [`population_registry`]: the national population database: signed look-ups by
//!   identification number, refused without a purpose and a consent, each one logged; switch: down.
//! - [`postal_service`]: the public postal service: shipments, tracking states pushed back
//!   (advanced by the test or the demo), switches: down, duplicate callbacks.
//! - [`webhook_receiver`]: an agency's system receiving webhooks, checking their signatures.
//! - [`sms_gateway`]: an SMS gateway: signed send orders, one message per reference; switch: down.
//! - [`zalo_oa`]: Zalo's notification service (ZNS) for an Official Account: template messages,
//!   switches: down, token expired, numbers without a Zalo account.

pub mod national_portal;
pub mod oidc_provider;
pub mod payment_platform;
pub mod population_registry;
pub mod postal_service;
pub mod sms_gateway;
pub mod webhook_receiver;
pub mod zalo_oa;

pub use national_portal::FakeNationalPortal;
pub use oidc_provider::FakeOidcProvider;
pub use payment_platform::FakePaymentPlatform;
pub use population_registry::FakePopulationRegistry;
pub use postal_service::FakePostalService;
pub use sms_gateway::FakeSmsGateway;
pub use webhook_receiver::FakeWebhookReceiver;
pub use zalo_oa::FakeZaloOa;

/// Serves `app` on a free port of 127.0.0.1 until the returned handle is dropped or aborted.
pub(crate) async fn serve(app: axum::Router) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, task)
}

/// Hex HMAC-SHA256 of `message` with `secret`: how the payment platform and the post sign.
pub(crate) fn sign(secret: &str, message: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// Whether the request's `X-Signature` signs `message` with `secret`.
pub(crate) fn signed_by(secret: &str, headers: &axum::http::HeaderMap, message: &[u8]) -> bool {
    use hmac::{Hmac, Mac};
    let given = headers.get("x-signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let Ok(given) = hex::decode(given) else { return false };
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(message);
    mac.verify_slice(&given).is_ok()
}

/// A signed JSON request read as the payment platform, the post and the population database
/// read one: `503` while `down`, `401` unless `secret` signs it, `400` unless it parses.
pub(crate) fn read_signed<T: serde::de::DeserializeOwned>(
    down: bool,
    secret: &str,
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> Result<T, Box<axum::response::Response>> {
    use axum::http::StatusCode;
    if down {
        return Err(Box::new(error(StatusCode::SERVICE_UNAVAILABLE, "99", "Hệ thống đang bảo trì")));
    }
    if !signed_by(secret, headers, body) {
        return Err(Box::new(error(StatusCode::UNAUTHORIZED, "97", "Sai chữ ký")));
    }
    serde_json::from_slice(body)
        .map_err(|_| Box::new(error(StatusCode::BAD_REQUEST, "03", "Dữ liệu không đúng định dạng")))
}

/// POSTs `body` signed with `key`; the status answered (0: not reachable).
pub(crate) async fn post_signed(url: &str, key: &str, body: &serde_json::Value) -> u16 {
    let body = serde_json::to_vec(body).expect("JSON");
    reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("x-signature", sign(key, &body))
        .body(body)
        .send()
        .await
        .map_or(0, |r| r.status().as_u16())
}

/// A JSON error as the payment platform and the post answer one.
pub(crate) fn error(status: axum::http::StatusCode, code: &str, message: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    (status, axum::Json(serde_json::json!({"error_code": code, "message": message}))).into_response()
}
