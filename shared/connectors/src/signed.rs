//! What the platform and the post share: messages signed with the client's secret
//! (`X-Signature`: hex HMAC-SHA256), and JSON answers read into a [`ConnectionError`] when not 2xx.

use hmac::{Hmac, Mac};
use motcua_ports::ConnectionError;
use serde::Deserialize;
use sha2::Sha256;

/// Where a counterpart is and how to sign for it: `url`, this system's id there, the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSettings {
    pub url: String,
    pub client: String,
    pub secret: String,
}

impl ClientSettings {
    /// `None` when the `url` variable is unset (the connection is off); an error naming the
    /// variables when it is set and another is not.
    pub fn from_lookup(
        get: impl Fn(&str) -> Option<String>,
        [url, client, secret]: [&str; 3],
    ) -> Result<Option<ClientSettings>, String> {
        let get = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let Some(base) = get(url) else { return Ok(None) };
        match (get(client), get(secret)) {
            (Some(client), Some(secret)) => {
                Ok(Some(ClientSettings { url: base.trim_end_matches('/').to_string(), client, secret }))
            }
            _ => Err(format!("{url} is set but {client} or {secret} is not")),
        }
    }
}

impl ClientSettings {
    /// POSTs `body` as JSON to `{url}{path}`, signed; the answer.
    pub(crate) async fn post<T: for<'de> Deserialize<'de>>(
        &self,
        http: &reqwest::Client,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<T, ConnectionError> {
        let body = serde_json::to_vec(body).expect("JSON");
        let request = http
            .post(format!("{}{path}", self.url))
            .header("content-type", "application/json")
            .header("x-signature", sign(&self.secret, &body))
            .body(body);
        answer(request.send().await.map_err(|e| ConnectionError::Unavailable(e.to_string()))?).await
    }

    /// GETs `{url}{path}?{query}`, the query signed; the answer.
    pub(crate) async fn get<T: for<'de> Deserialize<'de>>(
        &self,
        http: &reqwest::Client,
        path: &str,
        query: &str,
    ) -> Result<T, ConnectionError> {
        let request =
            http.get(format!("{}{path}?{query}", self.url)).header("x-signature", sign(&self.secret, query.as_bytes()));
        answer(request.send().await.map_err(|e| ConnectionError::Unavailable(e.to_string()))?).await
    }

    /// A callback's body, read only when `signature` signs it; `who` names the counterpart.
    pub(crate) fn read_signed<T: for<'de> Deserialize<'de>>(
        &self,
        signature: Option<&str>,
        body: &[u8],
        who: &str,
    ) -> Result<T, ConnectionError> {
        if !signature.is_some_and(|s| verify(&self.secret, body, s)) {
            return Err(ConnectionError::Unauthorized(format!("chữ ký của {who} không hợp lệ")));
        }
        serde_json::from_slice(body).map_err(|e| ConnectionError::Malformed(e.to_string()))
    }
}

/// Hex HMAC-SHA256 of `message` with `secret`.
pub fn sign(secret: &str, message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `signature` is [`sign`] of `message`, compared in constant time.
pub fn verify(secret: &str, message: &[u8], signature: &str) -> bool {
    let Ok(expected) = hex::decode(signature.trim()) else { return false };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(message);
    mac.verify_slice(&expected).is_ok()
}

/// The JSON body of a 2xx answer; otherwise the error it stands for (`{error_code, message}`).
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
