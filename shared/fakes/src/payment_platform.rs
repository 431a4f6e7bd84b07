//! A fake national payment platform speaking the protocol of `motcua_connectors::payment`:
//! signed order creation, a payment page where the payer pays or cancels, a signed callback
//! (IPN) to the merchant, then the payer's browser sent back to the merchant's return address,
//! and the day's transactions for reconciliation. Switches: down, forged callbacks (signed with
//! another key), duplicate callbacks, callbacks lost (reconciliation must find the payment).
//! State is reachable from Rust (tests) and at `GET /_fake/state` (the demo).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub const MERCHANT: &str = "MOTCUA-DEMO";
pub const SECRET: &str = "bi-mat-thanh-toan-demo";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Switches {
    /// Every API call answers 503.
    pub down: bool,
    /// Callbacks are signed with another key (as a forger would).
    pub forge_callbacks: bool,
    /// Each callback is sent twice.
    pub duplicate_callbacks: bool,
    /// Callbacks are never sent (the payment is only in the day's transactions).
    pub lose_callbacks: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Order {
    pub order_id: String,
    pub amount: u64,
    pub description: String,
    pub return_url: String,
    pub notify_url: String,
    pub transaction_id: String,
    /// `PENDING`, `PAID` or `FAILED`.
    pub status: String,
    pub paid_at: Option<DateTime<Utc>>,
}

/// A callback sent, and the HTTP status the merchant answered (0: not reachable).
#[derive(Debug, Clone, Serialize)]
pub struct CallbackSent {
    pub order_id: String,
    pub forged: bool,
    pub answered: u16,
}

#[derive(Debug, Default, Serialize)]
pub struct PlatformState {
    /// Where the platform is reached (`http://localhost:<port>`).
    pub url: String,
    pub switches: Switches,
    pub orders: BTreeMap<String, Order>,
    pub callbacks: Vec<CallbackSent>,
}

type Shared = Arc<Mutex<PlatformState>>;

pub struct FakePaymentPlatform {
    pub url: String,
    state: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakePaymentPlatform {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn vn(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&FixedOffset::east_opt(7 * 3600).expect("UTC+7"))
}

fn notice(o: &Order) -> Value {
    json!({
        "merchant_id": MERCHANT, "order_id": o.order_id, "transaction_id": o.transaction_id,
        "amount": o.amount, "status": o.status, "paid_at": o.paid_at,
    })
}

impl FakePaymentPlatform {
    pub async fn start() -> FakePaymentPlatform {
        let state: Shared = Arc::default();
        let app = Router::new()
            .route("/api/v1/payments", post(create))
            .route("/api/v1/transactions", get(transactions))
            .route("/pay/{order}", get(page).post(decide))
            .route("/_fake/state", get(show_state))
            .route("/_fake/switches", post(set_switches))
            .with_state(state.clone());
        let (addr, task) = crate::serve(app).await;
        // `localhost`, not 127.0.0.1: its page is another site than the product's in a browser.
        let url = format!("http://localhost:{}", addr.port());
        state.lock().unwrap().url = url.clone();
        FakePaymentPlatform { url, state, task }
    }

    /// The environment a MotCua deployment would be given to reach this platform.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("MOTCUA_PAYMENT_URL", self.url.clone()),
            ("MOTCUA_PAYMENT_MERCHANT", MERCHANT.into()),
            ("MOTCUA_PAYMENT_SECRET", SECRET.into()),
        ]
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut PlatformState) -> R) -> R {
        f(&mut self.state.lock().unwrap())
    }

    /// The payer pays (`true`) or cancels at the platform's page; the callback is sent as the
    /// switches say. Returns the address the payer's browser is sent back to.
    pub async fn pay(&self, order_id: &str, pay: bool) -> Option<String> {
        settle(&self.state, order_id, pay).await
    }

    /// Sends the order's callback again (a late repeat).
    pub async fn resend(&self, order_id: &str) {
        let order = self.with(|s| s.orders.get(order_id).cloned());
        if let Some(o) = order {
            send_callback(&self.state, &o).await;
        }
    }
}

async fn settle(state: &Shared, order_id: &str, pay: bool) -> Option<String> {
    let order = {
        let mut s = state.lock().unwrap();
        let o = s.orders.get_mut(order_id)?;
        if o.status == "PENDING" {
            o.status = if pay { "PAID" } else { "FAILED" }.into();
            o.paid_at = Some(Utc::now());
        }
        o.clone()
    };
    send_callback(state, &order).await;
    Some(format!(
        "{}{}status={}",
        order.return_url,
        if order.return_url.contains('?') { '&' } else { '?' },
        order.status
    ))
}

async fn send_callback(state: &Shared, o: &Order) {
    let switches = state.lock().unwrap().switches.clone();
    if switches.lose_callbacks {
        return;
    }
    let key = if switches.forge_callbacks { "khoa-gia-mao" } else { SECRET };
    let times = if switches.duplicate_callbacks { 2 } else { 1 };
    for _ in 0..times {
        let answered = crate::post_signed(&o.notify_url, key, &notice(o)).await;
        let sent = CallbackSent { order_id: o.order_id.clone(), forged: switches.forge_callbacks, answered };
        state.lock().unwrap().callbacks.push(sent);
    }
}

#[derive(Deserialize)]
struct NewPayment {
    merchant_id: String,
    order_id: String,
    amount: u64,
    description: String,
    return_url: String,
    notify_url: String,
}

async fn create(State(state): State<Shared>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let down = state.lock().unwrap().switches.down;
    let p: NewPayment = match crate::read_signed(down, SECRET, &headers, &body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    if p.merchant_id != MERCHANT || p.amount == 0 {
        return crate::error(StatusCode::BAD_REQUEST, "02", "Đơn vị hoặc số tiền không hợp lệ");
    }
    let mut s = state.lock().unwrap();
    if s.orders.get(&p.order_id).is_some_and(|o| o.amount != p.amount) {
        return crate::error(StatusCode::CONFLICT, "01", "Mã đơn hàng đã tồn tại");
    }
    let order = s.orders.entry(p.order_id.clone()).or_insert_with(|| Order {
        order_id: p.order_id.clone(),
        amount: p.amount,
        description: p.description,
        return_url: p.return_url,
        notify_url: p.notify_url,
        transaction_id: format!("GD{}", uuid::Uuid::new_v4().simple()),
        status: "PENDING".into(),
        paid_at: None,
    });
    let order = order.clone();
    Json(json!({"payment_url": format!("{}/pay/{}", s.url, order.order_id), "transaction_id": order.transaction_id}))
        .into_response()
}

#[derive(Deserialize)]
struct DayQuery {
    merchant_id: String,
    date: chrono::NaiveDate,
}

async fn transactions(
    State(state): State<Shared>,
    headers: HeaderMap,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
    Query(q): Query<DayQuery>,
) -> Response {
    if state.lock().unwrap().switches.down {
        return crate::error(StatusCode::SERVICE_UNAVAILABLE, "99", "Hệ thống đang bảo trì");
    }
    if q.merchant_id != MERCHANT || !crate::signed_by(SECRET, &headers, raw.unwrap_or_default().as_bytes()) {
        return crate::error(StatusCode::UNAUTHORIZED, "97", "Sai chữ ký");
    }
    let s = state.lock().unwrap();
    let list: Vec<Value> =
        s.orders.values().filter(|o| o.paid_at.is_some_and(|t| vn(t).date_naive() == q.date)).map(notice).collect();
    Json(json!({"transactions": list})).into_response()
}

fn amount_text(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn page(State(state): State<Shared>, Path(order_id): Path<String>) -> Response {
    let Some(o) = state.lock().unwrap().orders.get(&order_id).cloned() else {
        return (StatusCode::NOT_FOUND, Html("<p>Không tìm thấy giao dịch.</p>".to_string())).into_response();
    };
    let done = o.status != "PENDING";
    Html(format!(
        r#"<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nền tảng thanh toán trực tuyến (mô phỏng)</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem">
<main><h1>Nền tảng thanh toán trực tuyến</h1><p>(Máy chủ mô phỏng dùng cho thử nghiệm)</p>
<dl><dt>Nội dung</dt><dd id="noi-dung">{}</dd><dt>Số tiền</dt><dd id="so-tien">{} đồng</dd><dt>Mã giao dịch</dt><dd>{}</dd></dl>
{}</main></body></html>"#,
        escape(&o.description),
        amount_text(o.amount),
        escape(&o.transaction_id),
        if done {
            format!("<p>Giao dịch đã kết thúc: {}.</p>", if o.status == "PAID" { "đã thanh toán" } else { "không thành công" })
        } else {
            r#"<form method="post"><button name="action" value="pay">Thanh toán</button> <button name="action" value="cancel">Hủy giao dịch</button></form>"#.to_string()
        }
    ))
    .into_response()
}

#[derive(Deserialize)]
struct Decision {
    action: String,
}

async fn decide(State(state): State<Shared>, Path(order_id): Path<String>, Form(d): Form<Decision>) -> Response {
    match settle(&state, &order_id, d.action == "pay").await {
        Some(back) => Redirect::to(&back).into_response(),
        None => (StatusCode::NOT_FOUND, "Không tìm thấy giao dịch").into_response(),
    }
}

async fn show_state(State(state): State<Shared>) -> Json<Value> {
    Json(serde_json::to_value(&*state.lock().unwrap()).unwrap_or_default())
}

async fn set_switches(State(state): State<Shared>, Json(switches): Json<Switches>) -> StatusCode {
    state.lock().unwrap().switches = switches;
    StatusCode::NO_CONTENT
}
