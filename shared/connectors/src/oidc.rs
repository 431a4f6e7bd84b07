//! OpenID Connect relying party (national-connections §3) with the `openidconnect` crate:
//! discovery at `{issuer}/.well-known/openid-configuration` (on first use, retried on failure),
//! the authorization code flow with PKCE S256, and an ID token checked for its signature (the
//! provider's JWKS), `iss`, `aud`, `exp` and nonce before any claim is read.

use motcua_ports::{ConnectionError, IdentityProvider, LoginRequest, VerifiedIdentity};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse,
};
use openidconnect::{EndpointMaybeSet, EndpointNotSet, EndpointSet};
use serde_json::Value;
use std::time::Duration;

/// A client from discovery: authorization endpoint set, token endpoint from the metadata.
type Configured =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// A provider's settings, from `{prefix}_ISSUER`, `{prefix}_CLIENT_ID`, `{prefix}_CLIENT_SECRET`,
/// and optionally `{prefix}_ID_CLAIM` (the claim naming the person) and `{prefix}_LEVEL2_ACR`
/// (the `acr` values of assurance level 2, comma-separated; default `2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcSettings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub id_claim: String,
    pub level2_acr: Vec<String>,
}

/// Prefix of the citizens' provider (VNeID) and its default identifying claim.
pub const VNEID: (&str, &str) = ("MOTCUA_VNEID", "so_dinh_danh");
/// Prefix of the staff provider (the province's SSO) and its default identifying claim.
pub const STAFF_SSO: (&str, &str) = ("MOTCUA_STAFF_SSO", "preferred_username");

impl OidcSettings {
    /// `None` when `{prefix}_ISSUER` is unset (the provider is off).
    pub fn from_lookup(
        get: impl Fn(&str) -> Option<String>,
        (prefix, default_claim): (&str, &str),
    ) -> Result<Option<OidcSettings>, String> {
        let get = |k: &str| get(&format!("{prefix}_{k}")).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let Some(issuer) = get("ISSUER") else { return Ok(None) };
        let (Some(client_id), Some(client_secret)) = (get("CLIENT_ID"), get("CLIENT_SECRET")) else {
            return Err(format!("{prefix}_ISSUER is set but {prefix}_CLIENT_ID or {prefix}_CLIENT_SECRET is not"));
        };
        Ok(Some(OidcSettings {
            issuer,
            client_id,
            client_secret,
            id_claim: get("ID_CLAIM").unwrap_or_else(|| default_claim.into()),
            level2_acr: get("LEVEL2_ACR")
                .unwrap_or_else(|| "2".into())
                .split(',')
                .map(|v| v.trim().to_string())
                .collect(),
        }))
    }
}

pub struct OidcClient {
    settings: OidcSettings,
    http: reqwest::Client,
    metadata: tokio::sync::Mutex<Option<CoreProviderMetadata>>,
}

impl OidcClient {
    pub fn new(settings: OidcSettings) -> OidcClient {
        OidcClient { settings, http: crate::http_client(Duration::from_secs(15)), metadata: Default::default() }
    }

    async fn client(&self, redirect_uri: &str) -> Result<Configured, ConnectionError> {
        let mut cached = self.metadata.lock().await;
        if cached.is_none() {
            let issuer =
                IssuerUrl::new(self.settings.issuer.clone()).map_err(|e| ConnectionError::Malformed(e.to_string()))?;
            let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
                .await
                .map_err(|e| ConnectionError::Unavailable(format!("discovery: {e}")))?;
            *cached = Some(metadata);
        }
        let metadata = cached.clone().expect("discovered");
        let redirect =
            RedirectUrl::new(redirect_uri.to_string()).map_err(|e| ConnectionError::Malformed(e.to_string()))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }
}

fn rejected(code: &str, e: impl std::fmt::Display) -> ConnectionError {
    ConnectionError::Rejected { code: code.into(), message: e.to_string() }
}

#[async_trait::async_trait]
impl IdentityProvider for OidcClient {
    async fn authorize_url(&self, request: &LoginRequest) -> Result<String, ConnectionError> {
        let client = self.client(&request.redirect_uri).await?;
        let challenge =
            PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(request.pkce_verifier.clone()));
        let (state, nonce) = (request.state.clone(), request.nonce.clone());
        let (url, _, _) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                move || CsrfToken::new(state),
                move || Nonce::new(nonce),
            )
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(url.to_string())
    }

    async fn redeem(&self, code: &str, request: &LoginRequest) -> Result<VerifiedIdentity, ConnectionError> {
        let client = self.client(&request.redirect_uri).await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| ConnectionError::Malformed(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(request.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                openidconnect::RequestTokenError::Request(e) => ConnectionError::Unavailable(e.to_string()),
                e => rejected("code_refused", e),
            })?;
        let id_token = response.id_token().ok_or_else(|| rejected("no_id_token", "không có ID token"))?;
        let verifier = client.id_token_verifier();
        let claims = id_token
            .claims(&verifier, &Nonce::new(request.nonce.clone()))
            .map_err(|e| rejected("id_token_invalid", e))?;
        // Verified above: the payload's other claims can be read as they are.
        let payload = id_token.to_string();
        let payload = payload.split('.').nth(1).unwrap_or_default();
        let json: Value = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let text = |name: &str| json.get(name).and_then(Value::as_str).map(str::to_string);
        let acr = claims.auth_context_ref().map(|a| a.as_str().to_string());
        Ok(VerifiedIdentity {
            subject: claims.subject().as_str().to_string(),
            identifier: text(&self.settings.id_claim),
            name: text("name"),
            birthdate: text("birthdate"),
            level: if acr.is_some_and(|a| self.settings.level2_acr.contains(&a)) { 2 } else { 1 },
        })
    }
}
