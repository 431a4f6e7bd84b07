//! A fake OpenID provider configured like the national one (VNeID through the national SSO) or a
//! province's staff SSO: discovery, JWKS, an authorization page where the user picks an identity,
//! the token endpoint (authorization code, PKCE S256 required, client secret) and RS256 ID tokens
//! carrying the personal identification number (`so_dinh_danh`), `name`, `birthdate` and the
//! assurance level in `acr` ("1" or "2"). The demo's login goes through its page; tests approve
//! a login directly ([`FakeOidcProvider::approve`]) and flip the attack switches: ID tokens signed
//! with another key, for another audience, from another issuer, without the nonce, or expired.
//! The tests' interoperability check runs against the certified npm `oidc-provider` instead.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::Digest;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub const CLIENT_ID: &str = "motcua";
pub const CLIENT_SECRET: &str = "motcua-oidc-demo-secret";

/// Test-only keys: the provider's signing key and the one a forger would use.
const SIGNING_KEY: &str = include_str!("../keys/oidc-signing.pem");
const SIGNING_MODULUS: &str = include_str!("../keys/oidc-signing.n");
const FORGER_KEY: &str = include_str!("../keys/oidc-forger.pem");
const KEY_ID: &str = "fake-2026";

/// A person as the provider knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// The personal identification number (12 digits) — for a staff SSO, the login name; also
    /// `sub`, `so_dinh_danh` and `preferred_username`.
    pub id_number: String,
    pub name: String,
    /// `yyyy-mm-dd`
    pub birthdate: String,
    /// Assurance level: 1 or 2.
    pub level: u8,
}

impl Identity {
    pub fn new(id_number: &str, name: &str, birthdate: &str, level: u8) -> Identity {
        Identity { id_number: id_number.into(), name: name.into(), birthdate: birthdate.into(), level }
    }
}

/// Attack switches: what is wrong with the next ID tokens.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Switches {
    pub wrong_key: bool,
    pub wrong_audience: bool,
    pub wrong_issuer: bool,
    pub omit_nonce: bool,
    pub expired: bool,
}

#[derive(Debug, Clone)]
struct Grant {
    identity: Identity,
    redirect_uri: String,
    nonce: Option<String>,
    code_challenge: String,
}

#[derive(Default)]
pub struct ProviderState {
    pub issuer: String,
    pub switches: Switches,
    /// The identities offered on the authorization page.
    pub identities: Vec<Identity>,
    grants: BTreeMap<String, Grant>,
    /// Codes exchanged so far.
    pub exchanged: usize,
}

type Shared = Arc<Mutex<ProviderState>>;

pub struct FakeOidcProvider {
    pub issuer: String,
    state: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeOidcProvider {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

impl FakeOidcProvider {
    /// Starts on `localhost` (another site than the product's 127.0.0.1 in a browser), offering
    /// `identities` on its page.
    pub async fn start(identities: Vec<Identity>) -> FakeOidcProvider {
        let state: Shared = Arc::default();
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(page).post(decide))
            .route("/token", post(token))
            .route("/_fake/switches", post(set_switches))
            .with_state(state.clone());
        let (addr, task) = crate::serve(app).await;
        let issuer = format!("http://localhost:{}", addr.port());
        {
            let mut s = state.lock().unwrap();
            s.issuer = issuer.clone();
            s.identities = identities;
        }
        FakeOidcProvider { issuer, state, task }
    }

    /// The environment a MotCua deployment would be given, under `prefix` (`MOTCUA_VNEID` or
    /// `MOTCUA_STAFF_SSO`).
    pub fn env(&self, prefix: &str) -> Vec<(String, String)> {
        vec![
            (format!("{prefix}_ISSUER"), self.issuer.clone()),
            (format!("{prefix}_CLIENT_ID"), CLIENT_ID.into()),
            (format!("{prefix}_CLIENT_SECRET"), CLIENT_SECRET.into()),
        ]
    }

    pub fn set(&self, switches: Switches) {
        self.state.lock().unwrap().switches = switches;
    }

    pub fn exchanged(&self) -> usize {
        self.state.lock().unwrap().exchanged
    }

    /// What the user's browser does at the provider: `authorize_url` is where the relying party
    /// sent it; the user logs in as `identity` and is sent back. Returns the redirect address
    /// (`redirect_uri?code=…&state=…`), or the provider's refusal.
    pub fn approve(&self, authorize_url: &str, identity: &Identity) -> Result<String, String> {
        let query = authorize_url.split_once('?').map(|(_, q)| q).unwrap_or_default();
        let params: Authorize = serde_urlencoded_lite(query)?;
        grant(&self.state, params, identity.clone())
    }
}

/// Reads `a=b&c=d` (percent-decoded) into `T`.
fn serde_urlencoded_lite<T: for<'de> Deserialize<'de>>(query: &str) -> Result<T, String> {
    let map: BTreeMap<String, String> =
        query.split('&').filter_map(|kv| kv.split_once('=')).map(|(k, v)| (decode(k), decode(v))).collect();
    serde_json::from_value(json!(map)).map_err(|e| e.to_string())
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " ")).decode_utf8_lossy().into_owned()
}

fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[derive(Debug, Clone, Deserialize)]
struct Authorize {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    code_challenge: Option<String>,
    #[serde(default)]
    code_challenge_method: Option<String>,
}

fn grant(state: &Shared, a: Authorize, identity: Identity) -> Result<String, String> {
    if a.response_type != "code" || a.client_id != CLIENT_ID {
        return Err("unsupported_response_type or unknown client".into());
    }
    let (Some(challenge), Some("S256")) = (a.code_challenge, a.code_challenge_method.as_deref()) else {
        return Err("PKCE (S256) is required".into());
    };
    let code = format!("code-{}", uuid::Uuid::new_v4().simple());
    let grant = Grant { identity, redirect_uri: a.redirect_uri.clone(), nonce: a.nonce, code_challenge: challenge };
    state.lock().unwrap().grants.insert(code.clone(), grant);
    let sep = if a.redirect_uri.contains('?') { '&' } else { '?' };
    let state_param = a.state.map(|s| format!("&state={}", encode(&s))).unwrap_or_default();
    Ok(format!("{}{sep}code={}{state_param}", a.redirect_uri, encode(&code)))
}

async fn discovery(State(state): State<Shared>) -> Json<Value> {
    let issuer = state.lock().unwrap().issuer.clone();
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": ["openid", "profile"],
        "claims_supported": ["sub", "so_dinh_danh", "name", "birthdate", "acr"],
        "acr_values_supported": ["1", "2"],
    }))
}

async fn jwks() -> Json<Value> {
    Json(json!({"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KEY_ID,
        "n": SIGNING_MODULUS.trim(), "e": "AQAB"}]}))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The login page: one button per identity, the request's parameters carried along.
async fn page(State(state): State<Shared>, Query(params): Query<BTreeMap<String, String>>) -> Html<String> {
    let identities = state.lock().unwrap().identities.clone();
    let hidden: String = params
        .iter()
        .map(|(k, v)| format!(r#"<input type="hidden" name="{}" value="{}">"#, escape(k), escape(v)))
        .collect();
    let buttons: String = identities
        .iter()
        .map(|i| {
            format!(
                r#"<li><button name="id_number" value="{}">{} — số định danh {} (mức {})</button></li>"#,
                escape(&i.id_number),
                escape(&i.name),
                escape(&i.id_number),
                i.level
            )
        })
        .collect();
    Html(format!(
        r#"<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Đăng nhập — tài khoản định danh điện tử (mô phỏng)</title></head>
<body style="font-family: sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem">
<main><h1>Đăng nhập bằng tài khoản định danh điện tử</h1><p>(Máy chủ mô phỏng dùng cho thử nghiệm)</p>
<form method="post">{hidden}<ul style="list-style: none; padding: 0">{buttons}</ul></form></main></body></html>"#
    ))
}

async fn decide(State(state): State<Shared>, Form(form): Form<BTreeMap<String, String>>) -> Response {
    let identity = {
        let s = state.lock().unwrap();
        s.identities.iter().find(|i| form.get("id_number") == Some(&i.id_number)).cloned()
    };
    let Some(identity) = identity else {
        return (StatusCode::BAD_REQUEST, "Chưa chọn tài khoản").into_response();
    };
    let params = match serde_json::from_value::<Authorize>(json!(form)) {
        Ok(p) => p,
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    match grant(&state, params, identity) {
        Ok(back) => Redirect::to(&back).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, e).into_response(),
    }
}

#[derive(Deserialize)]
struct TokenRequest {
    grant_type: String,
    code: String,
    redirect_uri: String,
    #[serde(default)]
    code_verifier: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    client_secret: Option<String>,
}

fn oauth_error(code: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": code}))).into_response()
}

/// The client's credentials: HTTP Basic or in the form.
fn client_of(headers: &HeaderMap, form: &TokenRequest) -> Option<(String, String)> {
    if let Some(basic) =
        headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Basic "))
    {
        let raw = base64::engine::general_purpose::STANDARD.decode(basic).ok()?;
        let (id, secret) = String::from_utf8(raw).ok()?.split_once(':').map(|(a, b)| (decode(a), decode(b)))?;
        return Some((id, secret));
    }
    Some((form.client_id.clone()?, form.client_secret.clone()?))
}

async fn token(State(state): State<Shared>, headers: HeaderMap, Form(form): Form<TokenRequest>) -> Response {
    if client_of(&headers, &form) != Some((CLIENT_ID.into(), CLIENT_SECRET.into())) {
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": "invalid_client"}))).into_response();
    }
    if form.grant_type != "authorization_code" {
        return oauth_error("unsupported_grant_type");
    }
    let (grant, issuer, switches) = {
        let mut s = state.lock().unwrap();
        let Some(grant) = s.grants.remove(&form.code) else { return oauth_error("invalid_grant") };
        s.exchanged += 1;
        (grant, s.issuer.clone(), s.switches.clone())
    };
    let verifier = form.code_verifier.unwrap_or_default();
    if grant.redirect_uri != form.redirect_uri
        || b64(&sha2::Sha256::digest(verifier.as_bytes())) != grant.code_challenge
    {
        return oauth_error("invalid_grant");
    }
    let now = chrono::Utc::now().timestamp();
    let (iat, exp) = if switches.expired { (now - 7200, now - 3600) } else { (now, now + 300) };
    let mut claims = json!({
        "iss": if switches.wrong_issuer { "https://gia-mao.example".to_string() } else { issuer },
        "sub": grant.identity.id_number,
        "aud": if switches.wrong_audience { "ung-dung-khac" } else { CLIENT_ID },
        "iat": iat, "exp": exp, "auth_time": iat,
        "acr": grant.identity.level.to_string(),
        "so_dinh_danh": grant.identity.id_number,
        "preferred_username": grant.identity.id_number,
        "name": grant.identity.name,
        "birthdate": grant.identity.birthdate,
    });
    if let (Some(nonce), false) = (grant.nonce, switches.omit_nonce) {
        claims["nonce"] = json!(nonce);
    }
    let pem = if switches.wrong_key { FORGER_KEY } else { SIGNING_KEY };
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).expect("the fake's test key");
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(KEY_ID.into());
    let id_token = jsonwebtoken::encode(&header, &claims, &key).expect("signed");
    Json(json!({"access_token": format!("at-{}", uuid::Uuid::new_v4().simple()), "token_type": "Bearer",
        "expires_in": 300, "id_token": id_token}))
    .into_response()
}

async fn set_switches(State(state): State<Shared>, Json(switches): Json<Switches>) -> StatusCode {
    state.lock().unwrap().switches = switches;
    StatusCode::NO_CONTENT
}
