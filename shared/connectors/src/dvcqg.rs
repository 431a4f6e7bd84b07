//! The national public service portal (DVCQG) over its JSON services (national-connections §2):
//! a session token from `{adapter_url}{auth_endpoint}`, then one POST per service call with
//! `{"session", "madonvi", "service", …}` to the integration endpoint (dossier sync, look-up,
//! pull) or the share endpoint (procedure catalogue, shared e-catalogues). `error_code` 0 /
//! "00" is success; an answer refusing the session gets one new token and one retry.

use bytes::Bytes;
use motcua_ports::{CatalogueSource, ConnectionError, NationalPortal, Record, SharedCatalogue};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::sync::Mutex;

/// The connection's settings, from the environment variables the spec names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DvcqgSettings {
    pub adapter_url: String,
    pub auth_endpoint: String,
    pub integration_endpoint: String,
    /// Where the catalogue services are; the integration endpoint when unset.
    pub share_endpoint: String,
    pub username: String,
    pub password: String,
    /// This unit's code at the portal.
    pub madonvi: String,
    /// The service that lists dossiers filed on the portal for this unit (portals that do not
    /// push): `MOTCUA_DVCQG_PULL_SERVICE`, by default `LayDanhSachHoSoMoi`; `off` for a portal
    /// that only pushes.
    pub pull_service: Option<String>,
}

impl DvcqgSettings {
    /// `None` when `MOTCUA_DVCQG_ADAPTER_URL` is unset (the connection is off); an error naming
    /// every other missing variable when it is set.
    pub fn from_env() -> Result<Option<DvcqgSettings>, String> {
        DvcqgSettings::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Option<DvcqgSettings>, String> {
        let get = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let Some(adapter_url) = get("MOTCUA_DVCQG_ADAPTER_URL") else { return Ok(None) };
        let mut missing = vec![];
        let mut need = |k: &'static str| {
            get(k).unwrap_or_else(|| {
                missing.push(k);
                String::new()
            })
        };
        let settings = DvcqgSettings {
            auth_endpoint: need("MOTCUA_DVCQG_AUTH_ENDPOINT"),
            integration_endpoint: need("MOTCUA_DVCQG_INTEGRATION_ENDPOINT"),
            username: need("MOTCUA_DVCQG_USERNAME"),
            password: need("MOTCUA_DVCQG_PASSWORD"),
            madonvi: need("MOTCUA_DVCQG_MADONVI"),
            share_endpoint: String::new(),
            pull_service: None,
            adapter_url: adapter_url.trim_end_matches('/').to_string(),
        };
        if !missing.is_empty() {
            return Err(format!("MOTCUA_DVCQG_ADAPTER_URL is set but {} are not", missing.join(", ")));
        }
        Ok(Some(DvcqgSettings {
            share_endpoint: get("MOTCUA_DVCQG_SHARE_ENDPOINT").unwrap_or_else(|| settings.integration_endpoint.clone()),
            pull_service: match get("MOTCUA_DVCQG_PULL_SERVICE").as_deref() {
                Some("off") => None,
                Some(service) => Some(service.to_string()),
                None => Some("LayDanhSachHoSoMoi".into()),
            },
            ..settings
        }))
    }
}

pub struct DvcqgClient {
    settings: DvcqgSettings,
    http: reqwest::Client,
    session: Mutex<Option<String>>,
}

/// Which endpoint a service is called on.
#[derive(Clone, Copy)]
enum Endpoint {
    Integration,
    Share,
}

fn succeeded(answer: &Value) -> bool {
    match answer.get("error_code") {
        Some(Value::Number(n)) => n.as_i64() == Some(0),
        Some(Value::String(s)) => s.trim().trim_start_matches('0').is_empty() && !s.trim().is_empty(),
        _ => false,
    }
}

fn error_of(answer: &Value) -> ConnectionError {
    let code = match answer.get("error_code") {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => "?".into(),
    };
    let message = answer.get("message").and_then(Value::as_str).unwrap_or_default().to_string();
    let auth = matches!(code.as_str(), "401" | "403") || message.to_lowercase().contains("session");
    if auth {
        ConnectionError::Unauthorized(format!("{code}: {message}"))
    } else {
        ConnectionError::Rejected { code, message }
    }
}

fn records(answer: &Value) -> Vec<Record> {
    answer
        .get("result")
        .and_then(Value::as_array)
        .map_or_else(Vec::new, |a| a.iter().filter_map(|r| r.as_object().cloned()).collect())
}

impl DvcqgClient {
    pub fn new(settings: DvcqgSettings) -> Self {
        DvcqgClient { settings, http: crate::http_client(Duration::from_secs(30)), session: Mutex::new(None) }
    }

    async fn post(&self, path: &str, body: &Value) -> Result<Value, ConnectionError> {
        let url = format!("{}{}", self.settings.adapter_url, path);
        let res =
            self.http.post(&url).json(body).send().await.map_err(|e| ConnectionError::Unavailable(e.to_string()))?;
        let status = res.status();
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(ConnectionError::Unavailable(format!("HTTP {status}")));
        }
        if matches!(status.as_u16(), 401 | 403) {
            return Err(ConnectionError::Unauthorized(format!("HTTP {status}")));
        }
        let text = res.text().await.map_err(|e| ConnectionError::Unavailable(e.to_string()))?;
        serde_json::from_str(&text).map_err(|_| {
            ConnectionError::Malformed(format!("HTTP {status}: {}", text.chars().take(200).collect::<String>()))
        })
    }

    /// The session token, obtained once and kept until the portal refuses it.
    async fn session(&self) -> Result<String, ConnectionError> {
        let mut session = self.session.lock().await;
        if let Some(s) = session.as_ref() {
            return Ok(s.clone());
        }
        let answer = self
            .post(
                &self.settings.auth_endpoint,
                &json!({"username": self.settings.username, "password": self.settings.password}),
            )
            .await?;
        let token = answer.get("session").and_then(Value::as_str).filter(|_| succeeded(&answer));
        let Some(token) = token else {
            return Err(ConnectionError::Unauthorized(error_of(&answer).to_string()));
        };
        *session = Some(token.to_string());
        Ok(token.to_string())
    }

    /// Calls a service; a refused session is renewed once.
    async fn call(&self, endpoint: Endpoint, service: &str, fields: Value) -> Result<Value, ConnectionError> {
        let path = match endpoint {
            Endpoint::Integration => &self.settings.integration_endpoint,
            Endpoint::Share => &self.settings.share_endpoint,
        };
        for attempt in 0..2 {
            let mut body =
                json!({"session": self.session().await?, "madonvi": self.settings.madonvi, "service": service});
            if let (Some(b), Some(f)) = (body.as_object_mut(), fields.as_object()) {
                b.extend(f.clone());
            }
            let answer = self.post(path, &body).await;
            let failure = match answer {
                Ok(a) if succeeded(&a) => return Ok(a),
                Ok(a) => error_of(&a),
                Err(e) => e,
            };
            match failure {
                ConnectionError::Unauthorized(_) if attempt == 0 => {
                    tracing::info!(service, "national portal refused the session; renewing it");
                    *self.session.lock().await = None;
                }
                e => return Err(e),
            }
        }
        unreachable!("the loop returns on its second pass")
    }
}

#[async_trait::async_trait]
impl NationalPortal for DvcqgClient {
    async fn push_dossiers(&self, records: Vec<Record>, is_updating: bool) -> Result<(), ConnectionError> {
        let updating = if is_updating { "True" } else { "False" };
        self.call(Endpoint::Integration, "DongBoHoSoMC", json!({"isUpdating": updating, "data": records})).await?;
        Ok(())
    }

    async fn push_progress(&self, records: Vec<Record>) -> Result<(), ConnectionError> {
        self.call(Endpoint::Integration, "CapNhatTienDoHoSoMC", json!({"data": records})).await?;
        Ok(())
    }

    async fn lookup(&self, code: &str) -> Result<Option<Record>, ConnectionError> {
        match self.call(Endpoint::Integration, "TraCuuHoSo", json!({"mahoso": code})).await {
            Ok(answer) => Ok(records(&answer).into_iter().next()),
            // "Not found" is an answer, not a failure.
            Err(ConnectionError::Rejected { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn pull_new(&self) -> Result<Vec<Record>, ConnectionError> {
        let Some(service) = &self.settings.pull_service else { return Ok(vec![]) };
        Ok(records(&self.call(Endpoint::Integration, service, json!({})).await?))
    }

    async fn download(&self, url: &str) -> Result<Bytes, ConnectionError> {
        let res = self.http.get(url).send().await.map_err(|e| ConnectionError::Unavailable(e.to_string()))?;
        if !res.status().is_success() {
            return Err(ConnectionError::Unavailable(format!("HTTP {} for {url}", res.status())));
        }
        res.bytes().await.map_err(|e| ConnectionError::Unavailable(e.to_string()))
    }
}

#[async_trait::async_trait]
impl CatalogueSource for DvcqgClient {
    async fn procedures(&self) -> Result<Vec<Record>, ConnectionError> {
        Ok(records(&self.call(Endpoint::Share, "LayDanhSachTTHC", json!({})).await?))
    }

    async fn procedure(&self, code: &str) -> Result<Option<Record>, ConnectionError> {
        Ok(records(&self.call(Endpoint::Share, "LayThuTuc", json!({"maTTHC": code})).await?).into_iter().next())
    }

    async fn shared(&self, catalogue: SharedCatalogue) -> Result<Vec<Record>, ConnectionError> {
        let service = match catalogue {
            SharedCatalogue::Agencies => "LayDanhMucCoQuan",
            SharedCatalogue::Fields => "LayDanhMucLinhVuc",
            SharedCatalogue::AdministrativeUnits => "LayDanhMucDonViHanhChinh",
        };
        Ok(records(&self.call(Endpoint::Share, service, json!({})).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn settings_off_when_unset_and_complete_or_refused_when_set() {
        assert_eq!(DvcqgSettings::from_lookup(|_| None), Ok(None));
        let mut env: HashMap<&str, &str> = HashMap::from([("MOTCUA_DVCQG_ADAPTER_URL", "https://lgsp.example/")]);
        let err = DvcqgSettings::from_lookup(|k| env.get(k).map(|v| v.to_string())).unwrap_err();
        assert!(err.contains("MOTCUA_DVCQG_USERNAME") && err.contains("MOTCUA_DVCQG_MADONVI"), "{err}");
        env.extend([
            ("MOTCUA_DVCQG_AUTH_ENDPOINT", "/auth"),
            ("MOTCUA_DVCQG_INTEGRATION_ENDPOINT", "/dvcqg"),
            ("MOTCUA_DVCQG_USERNAME", "u"),
            ("MOTCUA_DVCQG_PASSWORD", "p"),
            ("MOTCUA_DVCQG_MADONVI", "000.00.00.H56"),
        ]);
        let s = DvcqgSettings::from_lookup(|k| env.get(k).map(|v| v.to_string())).unwrap().unwrap();
        assert_eq!(s.adapter_url, "https://lgsp.example");
        assert_eq!(s.share_endpoint, "/dvcqg");
        assert_eq!(s.pull_service.as_deref(), Some("LayDanhSachHoSoMoi"));
        env.insert("MOTCUA_DVCQG_PULL_SERVICE", "off");
        let s = DvcqgSettings::from_lookup(|k| env.get(k).map(|v| v.to_string())).unwrap().unwrap();
        assert_eq!(s.pull_service, None);
    }

    #[test]
    fn error_codes() {
        assert!(succeeded(&json!({"error_code": 0})));
        assert!(succeeded(&json!({"error_code": "00"})));
        assert!(!succeeded(&json!({"error_code": "01"})));
        assert!(!succeeded(&json!({"message": "ok"})));
        assert!(matches!(error_of(&json!({"error_code": "401", "message": "x"})), ConnectionError::Unauthorized(_)));
        assert!(matches!(
            error_of(&json!({"error_code": -1, "message": "Session expired"})),
            ConnectionError::Unauthorized(_)
        ));
        assert_eq!(
            error_of(&json!({"error_code": "99", "message": "Sai MaTTHC"})),
            ConnectionError::Rejected { code: "99".into(), message: "Sai MaTTHC".into() }
        );
    }
}
