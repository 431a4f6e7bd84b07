//! Webhook delivery over HTTP(S): one POST per event, `Ok` only for a 2xx answer.

use motcua_ports::{ConnectionError, WebhookTransport};
use std::time::Duration;

pub struct HttpWebhooks {
    http: reqwest::Client,
}

impl Default for HttpWebhooks {
    fn default() -> Self {
        HttpWebhooks { http: crate::http_client(Duration::from_secs(10)) }
    }
}

#[async_trait::async_trait]
impl WebhookTransport for HttpWebhooks {
    async fn post(&self, url: &str, headers: Vec<(String, String)>, body: Vec<u8>) -> Result<(), ConnectionError> {
        let mut req = self.http.post(url).header("content-type", "application/json").body(body);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        let res = req.send().await.map_err(|e| ConnectionError::Unavailable(e.to_string()))?;
        let status = res.status();
        if status.is_success() {
            Ok(())
        } else if status.is_server_error() || status.as_u16() == 429 {
            Err(ConnectionError::Unavailable(format!("HTTP {status}")))
        } else {
            Err(ConnectionError::Rejected { code: status.as_u16().to_string(), message: format!("HTTP {status}") })
        }
    }
}
