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
    /// Set once the notifier took the message (sent by a provider, or kept in the register).
    pub delivered: bool,
    /// The provider that sent it and its message id (`ses …`, `zalo …`, `sms …`, `smtp`);
    /// `None`: sent by no provider, kept in the register for an operator or a gateway.
    #[serde(default)]
    pub via: Option<String>,
}

impl OutboundMessage {
    /// The message's idempotency key at a provider: one event, one message per channel.
    pub fn reference(&self) -> String {
        let channel = match self.channel {
            Channel::Email => "email",
            Channel::Sms => "sms",
        };
        format!("{}-{channel}", self.event_id)
    }
}

#[async_trait::async_trait]
pub trait Notifier: Send + Sync {
    /// Hands the message to the provider: `Ok(Some(receipt))` when a provider took it (its name
    /// and message id), `Ok(None)` when this notifier does not send the message's channel; an
    /// error is retried later.
    async fn deliver(&self, message: &OutboundMessage) -> Result<Option<String>, String>;
}

/// Notifiers tried in order (say SES or SMTP for email, then Zalo and an SMS gateway for the
/// phone): the first that sends a message sends it. A failure moves on to the next one; the
/// message fails only when one failed and none sent it.
pub struct FirstThatSends(pub Vec<std::sync::Arc<dyn Notifier>>);

#[async_trait::async_trait]
impl Notifier for FirstThatSends {
    async fn deliver(&self, message: &OutboundMessage) -> Result<Option<String>, String> {
        let mut failures = vec![];
        for notifier in &self.0 {
            match notifier.deliver(message).await {
                Ok(Some(receipt)) => return Ok(Some(receipt)),
                Ok(None) => {}
                Err(e) => failures.push(e),
            }
        }
        if failures.is_empty() {
            Ok(None)
        } else {
            Err(failures.join("; "))
        }
    }
}
