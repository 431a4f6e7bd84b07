//! A fake SMS gateway speaking the protocol of `motcua_connectors::sms`: signed send orders,
//! one message per reference (a repeated reference answers the first message id). Switch:
//! down. State at `GET /_fake/state`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

pub const CLIENT: &str = "MOTCUA-DEMO";
pub const SECRET: &str = "bi-mat-tong-dai-sms-demo";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Switches {
    /// Every call answers 503.
    pub down: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sms {
    pub message_id: String,
    pub reference: String,
    pub phone: String,
    pub message: String,
}

#[derive(Debug, Default, Serialize)]
pub struct SmsState {
    pub switches: Switches,
    /// Messages sent, in order.
    pub sent: Vec<Sms>,
}

type Shared = Arc<Mutex<SmsState>>;

pub struct FakeSmsGateway {
    pub url: String,
    state: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeSmsGateway {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeSmsGateway {
    pub async fn start() -> FakeSmsGateway {
        let state: Shared = Arc::default();
        let app = Router::new()
            .route("/api/v1/sms", post(send))
            .route("/_fake/state", get(show_state))
            .route("/_fake/switches", post(set_switches))
            .with_state(state.clone());
        let (addr, task) = crate::serve(app).await;
        FakeSmsGateway { url: format!("http://{addr}"), state, task }
    }

    /// The environment a MotCua deployment would be given to reach this gateway.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("MOTCUA_SMS_URL", self.url.clone()),
            ("MOTCUA_SMS_CLIENT", CLIENT.into()),
            ("MOTCUA_SMS_SECRET", SECRET.into()),
        ]
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut SmsState) -> R) -> R {
        f(&mut self.state.lock().unwrap())
    }
}

#[derive(Deserialize)]
struct Order {
    client_id: String,
    reference: String,
    phone: String,
    message: String,
}

async fn send(State(state): State<Shared>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let down = state.lock().unwrap().switches.down;
    let order: Order = match crate::read_signed(down, SECRET, &headers, &body) {
        Ok(order) => order,
        Err(refused) => return *refused,
    };
    let valid_phone =
        order.phone.len() == 11 && order.phone.starts_with("84") && order.phone.bytes().all(|b| b.is_ascii_digit());
    if order.client_id != CLIENT || !valid_phone || order.message.trim().is_empty() {
        return crate::error(StatusCode::BAD_REQUEST, "02", "Khách hàng, số điện thoại hoặc nội dung không hợp lệ");
    }
    let mut s = state.lock().unwrap();
    if let Some(sent) = s.sent.iter().find(|m| m.reference == order.reference) {
        return Json(json!({"message_id": sent.message_id})).into_response();
    }
    let message_id = format!("SMS{:06}", s.sent.len() + 1);
    s.sent.push(Sms {
        message_id: message_id.clone(),
        reference: order.reference,
        phone: order.phone,
        message: order.message,
    });
    Json(json!({"message_id": message_id})).into_response()
}

async fn show_state(State(state): State<Shared>) -> Json<Value> {
    Json(serde_json::to_value(&*state.lock().unwrap()).unwrap_or_default())
}

async fn set_switches(State(state): State<Shared>, Json(switches): Json<Switches>) -> StatusCode {
    state.lock().unwrap().switches = switches;
    StatusCode::NO_CONTENT
}
