//! A fake agency system receiving MotCua's webhooks: keeps every delivery (headers and body),
//! checks the signature when it knows the secret, and can be switched to fail.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use hmac::{Hmac, Mac};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Delivery {
    pub event_id: String,
    pub signature: String,
    pub body: serde_json::Value,
    /// Whether the signature matched the secret the receiver was given.
    pub signature_valid: bool,
}

#[derive(Default)]
pub struct ReceiverState {
    pub secret: Option<String>,
    /// Answer 503 to everything.
    pub down: bool,
    pub deliveries: Vec<Delivery>,
}

pub struct FakeWebhookReceiver {
    pub url: String,
    state: Arc<Mutex<ReceiverState>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeWebhookReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Checks `t=<unix>,v1=<hex>` = HMAC-SHA256(secret, "<t>.<body>").
pub fn verify(secret: &str, header: &str, body: &[u8]) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", v)) => t = Some(v),
            Some(("v1", v)) => v1 = Some(v),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else { return false };
    let Ok(expected) = hex::decode(v1) else { return false };
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

async fn receive(
    State(state): State<Arc<Mutex<ReceiverState>>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let mut s = state.lock().unwrap();
    if s.down {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let signature = header("x-motcua-signature");
    let signature_valid = s.secret.as_deref().is_some_and(|k| verify(k, &signature, &body));
    let body = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    s.deliveries.push(Delivery { event_id: header("x-motcua-event-id"), signature, body, signature_valid });
    StatusCode::NO_CONTENT
}

impl FakeWebhookReceiver {
    pub async fn start() -> FakeWebhookReceiver {
        let state: Arc<Mutex<ReceiverState>> = Arc::default();
        let app = Router::new().route("/hook", post(receive)).with_state(state.clone());
        let (addr, task) = crate::serve(app).await;
        FakeWebhookReceiver { url: format!("http://{addr}/hook"), state, task }
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut ReceiverState) -> R) -> R {
        f(&mut self.state.lock().unwrap())
    }
}
