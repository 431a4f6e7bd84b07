//! The public postal service (national-connections §6) over HTTPS JSON, signed like the
//! payment platform (`X-Signature`: hex HMAC-SHA256 of the body with the client's secret):
//! - `POST {url}/api/v1/shipments` `{client_id, reference, recipient_name, recipient_phone,
//!   address, description, cod_amount, callback_url}` → `{tracking_number}` (the same one again
//!   for a reference already shipped);
//! - `POST {url}/api/v1/pickups` `{client_id, reference, sender_name, sender_phone,
//!   pickup_address, deliver_to, description, callback_url}` → `{tracking_number}`: a collection
//!   of paper documents from the applicant, brought to the agency;
//! - the post's callback to `callback_url`: `{client_id, reference, tracking_number, status:
//!   "ACCEPTED" | "IN_TRANSIT" | "DELIVERED" | "RETURNED", at, note}`.

use crate::signed::ClientSettings;
use motcua_ports::{ConnectionError, ParcelState, PickupOrder, PostalService, Shipment, TrackingUpdate};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// `MOTCUA_POST_URL`, `MOTCUA_POST_CLIENT`, `MOTCUA_POST_SECRET`; all three or none (off).
pub const POST_ENV: [&str; 3] = ["MOTCUA_POST_URL", "MOTCUA_POST_CLIENT", "MOTCUA_POST_SECRET"];

/// A tracking callback's body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireTracking {
    pub client_id: String,
    pub reference: String,
    pub tracking_number: String,
    pub status: String,
    pub at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Deserialize)]
struct Shipped {
    tracking_number: String,
}

pub struct PostClient {
    settings: ClientSettings,
    http: reqwest::Client,
}

impl PostClient {
    pub fn new(settings: ClientSettings) -> PostClient {
        PostClient { settings, http: crate::http_client(Duration::from_secs(15)) }
    }
}

#[async_trait::async_trait]
impl PostalService for PostClient {
    async fn ship(&self, s: &Shipment) -> Result<String, ConnectionError> {
        let body = serde_json::json!({
            "client_id": self.settings.client, "reference": s.reference, "recipient_name": s.recipient_name,
            "recipient_phone": s.recipient_phone, "address": s.address, "description": s.description,
            "cod_amount": s.cash_on_delivery_vnd, "callback_url": s.notify_url,
        });
        Ok(self.settings.post::<Shipped>(&self.http, "/api/v1/shipments", &body).await?.tracking_number)
    }

    async fn pick_up(&self, p: &PickupOrder) -> Result<String, ConnectionError> {
        let body = serde_json::json!({
            "client_id": self.settings.client, "reference": p.reference, "sender_name": p.sender_name,
            "sender_phone": p.sender_phone, "pickup_address": p.address, "deliver_to": p.deliver_to,
            "description": p.description, "callback_url": p.notify_url,
        });
        Ok(self.settings.post::<Shipped>(&self.http, "/api/v1/pickups", &body).await?.tracking_number)
    }

    fn read_callback(&self, signature: Option<&str>, body: &[u8]) -> Result<TrackingUpdate, ConnectionError> {
        let w: WireTracking = self.settings.read_signed(signature, body, "bưu điện")?;
        if w.client_id != self.settings.client {
            return Err(ConnectionError::Unauthorized("thông báo của khách hàng khác".into()));
        }
        let state = match w.status.as_str() {
            "ACCEPTED" => ParcelState::Accepted,
            "IN_TRANSIT" => ParcelState::InTransit,
            "DELIVERED" => ParcelState::Delivered,
            "RETURNED" => ParcelState::Returned,
            other => return Err(ConnectionError::Malformed(format!("trạng thái bưu gửi không rõ: {other}"))),
        };
        Ok(TrackingUpdate { reference: w.reference, tracking_number: w.tracking_number, state, at: w.at, note: w.note })
    }
}
