//! The national payment platform (national-connections §5) over HTTPS JSON, every message
//! signed with the merchant's secret (`X-Signature`: hex HMAC-SHA256 of the body, or of the
//! query string for a GET):
//! - `POST {url}/api/v1/payments` `{merchant_id, order_id, amount, description, return_url,
//!   notify_url}` → `{payment_url, transaction_id}`;
//! - the platform's callback to `notify_url`: `{merchant_id, order_id, transaction_id, amount,
//!   status: "PAID" | "FAILED", paid_at}`;
//! - `GET {url}/api/v1/transactions?merchant_id=…&date=yyyy-mm-dd` → `{transactions: [callback
//!   bodies]}` (the day's transactions, Vietnam time).

use motcua_ports::{ConnectionError, PaymentNotice, PaymentOrder, PaymentPlatform};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The connection's settings: `MOTCUA_PAYMENT_URL`, `MOTCUA_PAYMENT_MERCHANT` (the client),
/// `MOTCUA_PAYMENT_SECRET`; all three or none (online payment off).
pub type PaymentSettings = crate::signed::ClientSettings;

/// The variables of [`PaymentSettings`].
pub const PAYMENT_ENV: [&str; 3] = ["MOTCUA_PAYMENT_URL", "MOTCUA_PAYMENT_MERCHANT", "MOTCUA_PAYMENT_SECRET"];

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
}

#[async_trait::async_trait]
impl PaymentPlatform for PaymentClient {
    async fn create(&self, order: &PaymentOrder) -> Result<String, ConnectionError> {
        let body = serde_json::json!({
            "merchant_id": self.settings.client,
            "order_id": order.order_id,
            "amount": order.amount_vnd,
            "description": order.description,
            "return_url": order.return_url,
            "notify_url": order.notify_url,
        });
        Ok(self.settings.post::<Created>(&self.http, "/api/v1/payments", &body).await?.payment_url)
    }

    fn read_callback(&self, signature: Option<&str>, body: &[u8]) -> Result<PaymentNotice, ConnectionError> {
        let wire: WireNotice = self.settings.read_signed(signature, body, "nền tảng thanh toán")?;
        if wire.merchant_id != self.settings.client {
            return Err(ConnectionError::Unauthorized("thông báo thanh toán của đơn vị khác".into()));
        }
        wire.notice()
    }

    async fn transactions(&self, day: chrono::NaiveDate) -> Result<Vec<PaymentNotice>, ConnectionError> {
        let query = format!("merchant_id={}&date={}", self.settings.client, day.format("%Y-%m-%d"));
        let list: Transactions = self.settings.get(&self.http, "/api/v1/transactions", &query).await?;
        list.transactions.into_iter().map(WireNotice::notice).collect()
    }
}
