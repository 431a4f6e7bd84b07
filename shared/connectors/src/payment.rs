//! The national payment platform (national-connections §5) over HTTPS JSON, every message
//! signed with the merchant's secret (`X-Signature`: hex HMAC-SHA256 of the body, or of the
//! query string for a GET):
//! - `POST {url}/api/v1/payments` `{merchant_id, order_id, amount, description, return_url,
//!   notify_url}` → `{payment_url, transaction_id}`;
//! - the platform's callback to `notify_url`: `{merchant_id, order_id, transaction_id, amount,
//!   status: "PAID" | "FAILED", paid_at}`;
//! - `GET {url}/api/v1/transactions?merchant_id=…&date=yyyy-mm-dd` → `{transactions: [callback
//!   bodies]}` (the day's transactions, Vietnam time).

use hmac::{Hmac, Mac};
use motcua_ports::{ConnectionError, PaymentNotice, PaymentOrder, PaymentPlatform};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::time::Duration;

/// The connection's settings: `MOTCUA_PAYMENT_URL`, `MOTCUA_PAYMENT_MERCHANT`,
/// `MOTCUA_PAYMENT_SECRET`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentSettings {
    pub url: String,
    pub merchant: String,
    pub secret: String,
}

impl PaymentSettings {
    /// `None` when `MOTCUA_PAYMENT_URL` is unset (online payment is off); an error naming what
    /// else is missing when it is set.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Option<PaymentSettings>, String> {
        let get = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let Some(url) = get("MOTCUA_PAYMENT_URL") else { return Ok(None) };
        match (get("MOTCUA_PAYMENT_MERCHANT"), get("MOTCUA_PAYMENT_SECRET")) {
            (Some(merchant), Some(secret)) => {
                Ok(Some(PaymentSettings { url: url.trim_end_matches('/').to_string(), merchant, secret }))
            }
            _ => Err("MOTCUA_PAYMENT_URL is set but MOTCUA_PAYMENT_MERCHANT or MOTCUA_PAYMENT_SECRET is not".into()),
        }
    }
}

/// Hex HMAC-SHA256 of `message` with `secret`: the platform's signature.
pub fn sign(secret: &str, message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

fn verify(secret: &str, message: &[u8], signature: &str) -> bool {
    let Ok(expected) = hex::decode(signature.trim()) else { return false };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(message);
    mac.verify_slice(&expected).is_ok()
}

/// A callback body and an entry of the day's transactions.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireNotice {
    pub merchant_id: String,
    pub order_id: String,
    pub transaction_id: String,
    pub amount: u64,
    pub status: String,
    pub paid_at: chrono::DateTime<chrono::Utc>,
}

impl WireNotice {
    fn notice(self) -> Result<PaymentNotice, ConnectionError> {
        let paid = match self.status.as_str() {
            "PAID" => true,
            "FAILED" => false,
            other => return Err(ConnectionError::Malformed(format!("trạng thái thanh toán không rõ: {other}"))),
        };
        Ok(PaymentNotice {
            order_id: self.order_id,
            transaction_id: self.transaction_id,
            amount_vnd: self.amount,
            paid,
            at: self.paid_at,
        })
    }
}

#[derive(Deserialize)]
struct Created {
    payment_url: String,
}

#[derive(Deserialize)]
struct Transactions {
    transactions: Vec<WireNotice>,
}

pub struct PaymentClient {
    settings: PaymentSettings,
    http: reqwest::Client,
}

impl PaymentClient {
    pub fn new(settings: PaymentSettings) -> PaymentClient {
        PaymentClient { settings, http: crate::http_client(Duration::from_secs(15)) }
    }

    async fn answer<T: for<'de> Deserialize<'de>>(response: reqwest::Response) -> Result<T, ConnectionError> {
        let status = response.status();
        let body = response.bytes().await.map_err(|e| ConnectionError::Unavailable(e.to_string()))?;
        if status.is_server_error() {
            return Err(ConnectionError::Unavailable(format!("HTTP {status}")));
        }
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            return Err(ConnectionError::Unauthorized(format!("HTTP {status}")));
        }
        if !status.is_success() {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            return Err(ConnectionError::Rejected {
                code: v["error_code"].as_str().unwrap_or(status.as_str()).to_string(),
                message: v["message"].as_str().unwrap_or_default().to_string(),
            });
        }
        serde_json::from_slice(&body).map_err(|e| ConnectionError::Malformed(e.to_string()))
    }
}

#[async_trait::async_trait]
impl PaymentPlatform for PaymentClient {
    async fn create(&self, order: &PaymentOrder) -> Result<String, ConnectionError> {
        let body = serde_json::to_vec(&serde_json::json!({
            "merchant_id": self.settings.merchant,
            "order_id": order.order_id,
            "amount": order.amount_vnd,
            "description": order.description,
            "return_url": order.return_url,
            "notify_url": order.notify_url,
        }))
        .expect("JSON");
        let response = self
            .http
            .post(format!("{}/api/v1/payments", self.settings.url))
            .header("content-type", "application/json")
            .header("x-signature", sign(&self.settings.secret, &body))
            .body(body)
            .send()
            .await
            .map_err(|e| ConnectionError::Unavailable(e.to_string()))?;
        Ok(Self::answer::<Created>(response).await?.payment_url)
    }

    fn read_callback(&self, signature: Option<&str>, body: &[u8]) -> Result<PaymentNotice, ConnectionError> {
        if !signature.is_some_and(|s| verify(&self.settings.secret, body, s)) {
            return Err(ConnectionError::Unauthorized("chữ ký của nền tảng thanh toán không hợp lệ".into()));
        }
        let wire: WireNotice = serde_json::from_slice(body).map_err(|e| ConnectionError::Malformed(e.to_string()))?;
        if wire.merchant_id != self.settings.merchant {
            return Err(ConnectionError::Unauthorized("thông báo thanh toán của đơn vị khác".into()));
        }
        wire.notice()
    }

    async fn transactions(&self, day: chrono::NaiveDate) -> Result<Vec<PaymentNotice>, ConnectionError> {
        let query = format!("merchant_id={}&date={}", self.settings.merchant, day.format("%Y-%m-%d"));
        let response = self
            .http
            .get(format!("{}/api/v1/transactions?{query}", self.settings.url))
            .header("x-signature", sign(&self.settings.secret, query.as_bytes()))
            .send()
            .await
            .map_err(|e| ConnectionError::Unavailable(e.to_string()))?;
        Self::answer::<Transactions>(response).await?.transactions.into_iter().map(WireNotice::notice).collect()
    }
}
