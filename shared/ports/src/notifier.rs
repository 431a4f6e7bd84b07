//! The outgoing-channel port (G7): email, SMS and social/OTT messages to applicants. One
//! adapter per provider; delivery is at least once (the caller keeps a register so a retry
//! after a crash does not send twice what was acknowledged).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = MessageChannel)]
pub enum Channel {
    Email,
    Sms,
}

/// One message to one address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutboundMessage {
    pub event_id: String,
    pub channel: Channel,
    /// Email address or phone number.
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The dossier the message is about.
    pub dossier: String,
    pub at: DateTime<FixedOffset>,
    /// Set once the adapter accepted the message.
    pub delivered: bool,
}

#[async_trait::async_trait]
pub trait Notifier: Send + Sync {
    /// Hands the message to the provider; an error is retried later.
    async fn deliver(&self, message: &OutboundMessage) -> Result<(), String>;
}
