//! An SMS gateway (a brand-name SMS provider) over HTTPS JSON, signed like the post
//! (`X-Signature`: hex HMAC-SHA256 of the body with the client's secret):
//! `POST {url}/api/v1/sms` `{client_id, reference, phone, message}` → `{message_id}`; a
//! reference already sent answers the same message id again (the events queue may deliver an
//! event twice). Phone numbers go in international form (`84912345678`).

use crate::signed::ClientSettings;
use motcua_ports::{Channel, Notifier, OutboundMessage};
use serde::Deserialize;
use std::time::Duration;

/// `MOTCUA_SMS_URL`, `MOTCUA_SMS_CLIENT`, `MOTCUA_SMS_SECRET`; all three or none (off).
pub const SMS_ENV: [&str; 3] = ["MOTCUA_SMS_URL", "MOTCUA_SMS_CLIENT", "MOTCUA_SMS_SECRET"];

#[derive(Deserialize)]
struct Sent {
    message_id: String,
}

pub struct SmsGateway {
    settings: ClientSettings,
    http: reqwest::Client,
}

impl SmsGateway {
    pub fn new(settings: ClientSettings) -> SmsGateway {
        SmsGateway { settings, http: crate::http_client(Duration::from_secs(10)) }
    }
}

#[async_trait::async_trait]
impl Notifier for SmsGateway {
    async fn deliver(&self, m: &OutboundMessage) -> Result<Option<String>, String> {
        if m.channel != Channel::Sms {
            return Ok(None);
        }
        let body = serde_json::json!({
            "client_id": self.settings.client, "reference": m.reference(),
            "phone": international_phone(&m.to)?, "message": format!("{}: {}", m.subject, m.body),
        });
        let sent: Sent = self.settings.post(&self.http, "/api/v1/sms", &body).await.map_err(|e| e.to_string())?;
        Ok(Some(format!("sms {}", sent.message_id)))
    }
}

/// A Vietnamese phone number as dialled at home (`0912 345 678`) or abroad (`+84…`, `84…`), in
/// the international form gateways take (`84912345678`).
pub fn international_phone(phone: &str) -> Result<String, String> {
    let digits: String = phone.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '+')).collect();
    let national = match digits.strip_prefix("84") {
        Some(rest) if digits.len() == 11 => rest.to_string(),
        _ => digits.strip_prefix('0').map(String::from).unwrap_or_default(),
    };
    if national.len() != 9 || !national.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("số điện thoại không hợp lệ: {phone}"));
    }
    Ok(format!("84{national}"))
}

#[cfg(test)]
mod tests {
    use super::international_phone;

    #[test]
    fn vietnamese_numbers_are_sent_in_international_form() {
        for phone in ["0912345678", "0912 345 678", "+84912345678", "84912345678", "0912.345.678"] {
            assert_eq!(international_phone(phone).unwrap(), "84912345678", "{phone}");
        }
        for phone in ["912345678", "091234567", "09123456789", "0912abc678", ""] {
            assert!(international_phone(phone).is_err(), "{phone}");
        }
    }
}
