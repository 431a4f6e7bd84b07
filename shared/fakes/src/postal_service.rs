//! A fake public postal service speaking the protocol of `motcua_connectors::postal`: signed
//! shipment and collection orders (one parcel per reference), and tracking states pushed back signed to the
//! shipment's callback address when the test — or the demo, over HTTP — moves a parcel on.
//! Switches: down, duplicate callbacks. State at `GET /_fake/state`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub const CLIENT: &str = "MOTCUA-DEMO";
pub const SECRET: &str = "bi-mat-buu-chinh-demo";

/// The states a parcel goes through, in order (`RETURNED` instead of `DELIVERED` when it fails).
pub const STATES: [&str; 3] = ["ACCEPTED", "IN_TRANSIT", "DELIVERED"];

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Switches {
    /// Every API call answers 503.
    pub down: bool,
    /// Each tracking state is sent twice.
    pub duplicate_callbacks: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Parcel {
    /// `result` (a result delivered) or `pickup` (documents collected from the applicant).
    pub kind: String,
    pub reference: String,
    pub tracking_number: String,
    pub recipient_name: String,
    pub address: String,
    pub cod_amount: u64,
    pub callback_url: String,
    /// States sent so far, in order.
    pub states: Vec<String>,
    /// The status the system answered to each callback.
    pub answers: Vec<u16>,
}

#[derive(Debug, Default, Serialize)]
pub struct PostState {
    pub switches: Switches,
    /// Parcels by tracking number.
    pub parcels: BTreeMap<String, Parcel>,
}

type Shared = Arc<Mutex<PostState>>;

pub struct FakePostalService {
    pub url: String,
    state: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakePostalService {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakePostalService {
    pub async fn start() -> FakePostalService {
        let state: Shared = Arc::default();
        let app = Router::new()
            .route("/api/v1/shipments", post(ship))
            .route("/api/v1/pickups", post(pick_up))
            .route("/_fake/state", get(show_state))
            .route("/_fake/switches", post(set_switches))
            .route("/_fake/parcels/{tracking}/advance", post(advance_over_http))
            .with_state(state.clone());
        let (addr, task) = crate::serve(app).await;
        FakePostalService { url: format!("http://{addr}"), state, task }
    }

    /// The environment a MotCua deployment would be given to reach this post.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("MOTCUA_POST_URL", self.url.clone()),
            ("MOTCUA_POST_CLIENT", CLIENT.into()),
            ("MOTCUA_POST_SECRET", SECRET.into()),
        ]
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut PostState) -> R) -> R {
        f(&mut self.state.lock().unwrap())
    }

    /// Sends the parcel's next state (`RETURNED` instead of delivering when `fail`); returns
    /// the status the system answered, `None` once the parcel has arrived or is unknown.
    pub async fn advance(&self, tracking: &str, fail: bool) -> Option<u16> {
        advance(&self.state, tracking, fail).await
    }

    /// Sends the parcel's last state again (a late repeat).
    pub async fn resend(&self, tracking: &str) -> Option<u16> {
        let (parcel, status) = {
            let s = self.state.lock().unwrap();
            let p = s.parcels.get(tracking)?.clone();
            let status = p.states.last()?.clone();
            (p, status)
        };
        Some(send(&self.state, &parcel, &status).await)
    }
}

async fn advance(state: &Shared, tracking: &str, fail: bool) -> Option<u16> {
    let (parcel, status) = {
        let s = state.lock().unwrap();
        let p = s.parcels.get(tracking)?.clone();
        let next = match p.states.len() {
            n if n + 1 == STATES.len() && fail => "RETURNED",
            n if n < STATES.len() && !p.states.iter().any(|s| s == "RETURNED") => STATES[n],
            _ => return None,
        };
        (p, next.to_string())
    };
    Some(send(state, &parcel, &status).await)
}

async fn send(state: &Shared, p: &Parcel, status: &str) -> u16 {
    let body = json!({"client_id": CLIENT, "reference": p.reference, "tracking_number": p.tracking_number,
        "status": status, "at": Utc::now(), "note": null});
    let times = if state.lock().unwrap().switches.duplicate_callbacks { 2 } else { 1 };
    let mut answered = 0;
    for _ in 0..times {
        answered = crate::post_signed(&p.callback_url, SECRET, &body).await;
    }
    let mut s = state.lock().unwrap();
    if let Some(parcel) = s.parcels.get_mut(&p.tracking_number) {
        if parcel.states.last().map(String::as_str) != Some(status) {
            parcel.states.push(status.to_string());
        }
        parcel.answers.push(answered);
    }
    answered
}

#[derive(Deserialize)]
struct NewShipment {
    client_id: String,
    reference: String,
    recipient_name: String,
    address: String,
    #[serde(default)]
    cod_amount: u64,
    callback_url: String,
}

#[derive(Deserialize)]
struct NewPickup {
    client_id: String,
    reference: String,
    pickup_address: String,
    deliver_to: String,
    callback_url: String,
}

/// An order checked (switch, signature, body) and its parcel: the one its reference already
/// has, or the one `make` makes (`None`: a client or an address refused).
fn order<T: for<'de> Deserialize<'de>>(
    state: &Shared,
    headers: &HeaderMap,
    body: &[u8],
    make: impl FnOnce(T, String) -> Option<Parcel>,
) -> Response {
    let down = state.lock().unwrap().switches.down;
    let n: T = match crate::read_signed(down, SECRET, headers, body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let mut s = state.lock().unwrap();
    let tracking = format!("EP{:09}VN", s.parcels.len() + 1);
    let Some(parcel) = make(n, tracking.clone()) else {
        return crate::error(StatusCode::BAD_REQUEST, "02", "Khách hàng hoặc địa chỉ không hợp lệ");
    };
    if let Some(p) = s.parcels.values().find(|p| p.reference == parcel.reference) {
        return Json(json!({"tracking_number": p.tracking_number})).into_response();
    }
    s.parcels.insert(tracking.clone(), parcel);
    Json(json!({"tracking_number": tracking})).into_response()
}

async fn ship(State(state): State<Shared>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    order(&state, &headers, &body, |n: NewShipment, tracking_number| {
        (n.client_id == CLIENT && !n.address.trim().is_empty()).then(|| Parcel {
            kind: "result".into(),
            reference: n.reference,
            tracking_number,
            recipient_name: n.recipient_name,
            address: n.address,
            cod_amount: n.cod_amount,
            callback_url: n.callback_url,
            states: vec![],
            answers: vec![],
        })
    })
}

async fn pick_up(State(state): State<Shared>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    order(&state, &headers, &body, |n: NewPickup, tracking_number| {
        (n.client_id == CLIENT && !n.pickup_address.trim().is_empty()).then(|| Parcel {
            kind: "pickup".into(),
            reference: n.reference,
            tracking_number,
            recipient_name: n.deliver_to,
            address: n.pickup_address,
            cod_amount: 0,
            callback_url: n.callback_url,
            states: vec![],
            answers: vec![],
        })
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Advance {
    fail: bool,
}

async fn advance_over_http(
    State(state): State<Shared>,
    Path(tracking): Path<String>,
    body: Option<Json<Advance>>,
) -> Response {
    let fail = body.map(|Json(a)| a.fail).unwrap_or_default();
    match advance(&state, &tracking, fail).await {
        Some(answered) => Json(json!({"answered": answered})).into_response(),
        None => (StatusCode::NOT_FOUND, "Không có bưu gửi này hoặc bưu gửi đã kết thúc").into_response(),
    }
}

async fn show_state(State(state): State<Shared>) -> Json<Value> {
    Json(serde_json::to_value(&*state.lock().unwrap()).unwrap_or_default())
}

async fn set_switches(State(state): State<Shared>, Json(switches): Json<Switches>) -> StatusCode {
    state.lock().unwrap().switches = switches;
    StatusCode::NO_CONTENT
}
