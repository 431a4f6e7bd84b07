//! A fake Zalo Official Account notification service (ZNS) speaking the protocol of
//! `motcua_connectors::zalo`: template messages checked against the OA's access token and
//! template, one per tracking id; numbers without a Zalo account refused as Zalo does (HTTP 200
//! with an error code). Switches: down, token expired, phones without Zalo. State at
//! `GET /_fake/state`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

pub const ACCESS_TOKEN: &str = "zalo-oa-access-token-demo";
pub const TEMPLATE_ID: &str = "355330";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Switches {
    /// Every call answers 503.
    pub down: bool,
    /// The access token is refused (error -124), as after its 25 hours.
    pub token_expired: bool,
    /// Numbers (`84…`) refused as having no Zalo account (error -118).
    pub without_zalo: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ZaloMessage {
    pub msg_id: String,
    pub tracking_id: String,
    pub phone: String,
    pub template_data: Value,
}

#[derive(Debug, Default, Serialize)]
pub struct ZaloState {
    pub switches: Switches,
    /// Messages sent, in order.
    pub sent: Vec<ZaloMessage>,
}

type Shared = Arc<Mutex<ZaloState>>;

pub struct FakeZaloOa {
    pub url: String,
    state: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeZaloOa {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeZaloOa {
    pub async fn start() -> FakeZaloOa {
        let state: Shared = Arc::default();
        let app = Router::new()
            .route("/message/template", post(send))
            .route("/_fake/state", get(show_state))
            .route("/_fake/switches", post(set_switches))
            .with_state(state.clone());
        let (addr, task) = crate::serve(app).await;
        FakeZaloOa { url: format!("http://{addr}"), state, task }
    }

    /// The environment a MotCua deployment would be given to reach this OA.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("MOTCUA_ZALO_URL", self.url.clone()),
            ("MOTCUA_ZALO_ACCESS_TOKEN", ACCESS_TOKEN.into()),
            ("MOTCUA_ZALO_TEMPLATE_ID", TEMPLATE_ID.into()),
        ]
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut ZaloState) -> R) -> R {
        f(&mut self.state.lock().unwrap())
    }
}

#[derive(Deserialize)]
struct Order {
    phone: String,
    template_id: String,
    template_data: Value,
    tracking_id: String,
}

fn refused(code: i64, message: &str) -> Response {
    Json(json!({"error": code, "message": message})).into_response()
}

async fn send(State(state): State<Shared>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let mut s = state.lock().unwrap();
    if s.switches.down {
        return (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response();
    }
    if s.switches.token_expired || headers.get("access_token").and_then(|v| v.to_str().ok()) != Some(ACCESS_TOKEN) {
        return refused(-124, "Access token is invalid");
    }
    let Ok(order) = serde_json::from_slice::<Order>(&body) else {
        return refused(-100, "Invalid parameter");
    };
    if order.template_id != TEMPLATE_ID {
        return refused(-1124, "Template not found");
    }
    if !["tieu_de", "noi_dung"].iter().all(|k| order.template_data[k].as_str().is_some_and(|v| !v.is_empty())) {
        return refused(-1123, "Template data is missing a parameter");
    }
    if s.switches.without_zalo.contains(&order.phone) {
        return refused(-118, "Zalo account not existed or inactive");
    }
    if let Some(sent) = s.sent.iter().find(|m| m.tracking_id == order.tracking_id) {
        return Json(json!({"error": 0, "message": "Success", "data": {"msg_id": sent.msg_id}})).into_response();
    }
    let msg_id = format!("{:032x}", s.sent.len() + 1);
    s.sent.push(ZaloMessage {
        msg_id: msg_id.clone(),
        tracking_id: order.tracking_id,
        phone: order.phone,
        template_data: order.template_data,
    });
    Json(json!({"error": 0, "message": "Success", "data": {"msg_id": msg_id}})).into_response()
}

async fn show_state(State(state): State<Shared>) -> Json<Value> {
    Json(serde_json::to_value(&*state.lock().unwrap()).unwrap_or_default())
}

async fn set_switches(State(state): State<Shared>, Json(switches): Json<Switches>) -> StatusCode {
    state.lock().unwrap().switches = switches;
    StatusCode::NO_CONTENT
}
