//! Zalo Official Account notifications (ZNS, Zalo Notification Service) over HTTPS:
//! `POST {url}/message/template` with the OA's `access_token` header and
//! `{phone, template_id, template_data: {tieu_de, noi_dung}, tracking_id}` → `{error:
//! 0, message, data: {msg_id}}`. Zalo answers HTTP 200 with an `error` other than 0 when it
//! refuses (the number has no Zalo account, the template is not approved, the token expired,
//! the quota is spent): that is a failure, and the next notifier of the chain (the SMS gateway)
//! is tried. The template is registered by the operator with those two parameters (the
//! title, and the text, which names the dossier by its code)
//! (`docs/deploy.md`); the access token is the OA's, renewed by the operator.

use motcua_ports::{Channel, Notifier, OutboundMessage};
use serde::Deserialize;
use std::time::Duration;

/// `MOTCUA_ZALO_URL` (`https://business.openapi.zalo.me`), `MOTCUA_ZALO_ACCESS_TOKEN`,
/// `MOTCUA_ZALO_TEMPLATE_ID`; all three or none (off).
pub const ZALO_ENV: [&str; 3] = ["MOTCUA_ZALO_URL", "MOTCUA_ZALO_ACCESS_TOKEN", "MOTCUA_ZALO_TEMPLATE_ID"];

/// Longest value of a template parameter sent (ZNS refuses longer ones).
const PARAMETER_CHARS: usize = 400;

#[derive(Debug, Clone)]
pub struct ZaloSettings {
    pub url: String,
    pub access_token: String,
    pub template_id: String,
}

impl ZaloSettings {
    /// `None` when the URL is unset (off); an error naming the variables when only some are set.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Option<ZaloSettings>, String> {
        let get = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let [url, token, template] = ZALO_ENV;
        let Some(base) = get(url) else { return Ok(None) };
        match (get(token), get(template)) {
            (Some(access_token), Some(template_id)) => {
                Ok(Some(ZaloSettings { url: base.trim_end_matches('/').to_string(), access_token, template_id }))
            }
            _ => Err(format!("{url} is set but {token} or {template} is not")),
        }
    }
}

#[derive(Deserialize)]
struct Answer {
    error: i64,
    #[serde(default)]
    message: String,
    #[serde(default)]
    data: Option<Sent>,
}

#[derive(Deserialize)]
struct Sent {
    msg_id: String,
}

pub struct ZaloNotifier {
    settings: ZaloSettings,
    http: reqwest::Client,
}

impl ZaloNotifier {
    pub fn new(settings: ZaloSettings) -> ZaloNotifier {
        ZaloNotifier { settings, http: crate::http_client(Duration::from_secs(10)) }
    }
}

#[async_trait::async_trait]
impl Notifier for ZaloNotifier {
    async fn deliver(&self, m: &OutboundMessage) -> Result<Option<String>, String> {
        if m.channel != Channel::Sms {
            return Ok(None);
        }
        let cut = |text: &str| text.chars().take(PARAMETER_CHARS).collect::<String>();
        let body = serde_json::json!({
            "phone": crate::sms::international_phone(&m.to)?,
            "template_id": self.settings.template_id,
            "template_data": {"tieu_de": cut(&m.subject), "noi_dung": cut(&m.body)},
            "tracking_id": m.reference(),
        });
        let response = self
            .http
            .post(format!("{}/message/template", self.settings.url))
            .header("access_token", &self.settings.access_token)
            .json(&body)
            .send()
            .await
            .map_err(|e| format!("Zalo: {e}"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("Zalo: HTTP {status}"));
        }
        let answer: Answer = response.json().await.map_err(|e| format!("Zalo: {e}"))?;
        match (answer.error, answer.data) {
            (0, Some(sent)) => Ok(Some(format!("zalo {}", sent.msg_id))),
            (code, _) => Err(format!("Zalo từ chối ({code}): {}", answer.message)),
        }
    }
}
