//! Login through an OpenID provider (P6, G10, R7): citizens and businesses with VNeID through
//! the national SSO, officers with the province's staff SSO. MotCua keeps the login attempt
//! (`state`, nonce, PKCE verifier; ten minutes, used once) and checks what comes back through the
//! provider's adapter; then a citizen's account is found by the personal identification number —
//! or created for them — and records the assurance level, while an officer must already have an
//! account here (roles and agencies stay in MotCua; the local administrator keeps a password for
//! when the SSO is down). The browser gets a one-time login code for the portal, exchanged for
//! the usual access token.

use crate::users::{self, TokenResponse, User};
use crate::{keys, CoreError, CoreResult, Services};
use motcua_domain::profile::Profile;
use motcua_domain::roles::Role;
use motcua_ports::{Condition, ConnectionError, IdentityProvider, Key, LoginRequest, TableError};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Which provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// VNeID, for citizens (and businesses' representatives).
    Vneid,
    /// The province's identity provider, for officers.
    StaffSso,
}

impl Provider {
    fn path(self) -> &'static str {
        match self {
            Provider::Vneid => "vneid",
            Provider::StaffSso => "staff-sso",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Provider::Vneid => "tài khoản định danh điện tử VNeID",
            Provider::StaffSso => "hệ thống đăng nhập một lần của tỉnh",
        }
    }
}

/// A login in progress: what the answer is checked against.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Attempt {
    provider: Provider,
    nonce: String,
    pkce_verifier: String,
    next: String,
    started_ms: i64,
}

/// How a citizen's account was last authenticated with VNeID (R7; 766's
/// `TaiKhoanDuocXacThucVoiVNeID`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VneidLogin {
    /// Assurance level 1 or 2.
    pub level: u8,
    pub at: chrono::DateTime<chrono::FixedOffset>,
}

/// The logins through a provider this deployment offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Providers {
    pub vneid: bool,
    pub staff_sso: bool,
}

pub fn providers(s: &Services) -> Providers {
    Providers { vneid: s.connections.vneid.is_some(), staff_sso: s.connections.staff_sso.is_some() }
}

const ATTEMPT_MINUTES: i64 = 10;

/// The page that finishes the login in the browser (and shows why one failed).
pub fn login_page(p: Provider) -> &'static str {
    match p {
        Provider::Vneid => "/dang-nhap.html",
        Provider::StaffSso => "/can-bo/dang-nhap.html",
    }
}

fn provider(s: &Services, p: Provider) -> CoreResult<&dyn IdentityProvider> {
    let connection = match p {
        Provider::Vneid => s.connections.vneid.as_deref(),
        Provider::StaffSso => s.connections.staff_sso.as_deref(),
    };
    connection.ok_or_else(|| CoreError::rule("sso_off", format!("Hệ thống chưa kết nối {}.", p.name())))
}

fn redirect_uri(s: &Services, p: Provider) -> String {
    format!("{}/api/v1/auth/{}/callback", s.connections.public_base_url.trim_end_matches('/'), p.path())
}

/// A page of this site to go back to after the login (never another site).
fn local_path(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".into(),
    }
}

/// Starts a login: stores the attempt and returns where to send the browser. Each start writes,
/// so a client address gets the public lookups' allowance (`limits`), not more.
pub async fn start(s: &Services, p: Provider, next: Option<&str>, client: Option<&str>) -> CoreResult<String> {
    if let Some(client) = client {
        s.limits.lookup(client)?;
    }
    let idp = provider(s, p)?;
    if next.is_some_and(|n| n.chars().count() > 500) {
        return Err(CoreError::field("next", "too_long", "Địa chỉ trang quay lại dài quá 500 ký tự."));
    }
    let state = crate::access::random_token();
    let attempt = Attempt {
        provider: p,
        nonce: crate::access::random_token(),
        pkce_verifier: crate::access::random_token(),
        next: local_path(next),
        started_ms: s.clock.now().timestamp_millis(),
    };
    let ttl = json!(chrono::Utc::now().timestamp() + ATTEMPT_MINUTES * 60);
    s.table.put(keys::item(&keys::sso_attempt(&state), &attempt, &[("ttl", ttl)])?, Condition::NotExists).await?;
    let request = LoginRequest {
        state,
        nonce: attempt.nonce,
        pkce_verifier: attempt.pkce_verifier,
        redirect_uri: redirect_uri(s, p),
    };
    idp.authorize_url(&request).await.map_err(|e| CoreError::Upstream(format!("{}: {e}", p.name())))
}

/// Reads an item and deletes it, once: of two concurrent takers only one gets it.
async fn take(s: &Services, key: &Key) -> CoreResult<Option<motcua_ports::Item>> {
    let Some(item) = s.table.get(key).await? else { return Ok(None) };
    match s.table.delete(key, Condition::Exists).await {
        Ok(()) => Ok(Some(item)),
        Err(TableError::ConditionFailed { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn invalid_attempt() -> CoreError {
    CoreError::invalid(
        "sso_state_invalid",
        "Phiên đăng nhập không hợp lệ, đã hết hạn hoặc đã được dùng. Vui lòng đăng nhập lại.",
    )
}

/// The provider sent the browser back: the attempt is used up (a replayed `state` finds
/// nothing), the code exchanged and the ID token checked, the account found or created. Returns
/// the portal page that finishes the login with a one-time code.
pub async fn callback(s: &Services, p: Provider, code: &str, state: &str) -> CoreResult<String> {
    let idp = provider(s, p)?;
    let item = take(s, &keys::sso_attempt(state)).await?.ok_or_else(invalid_attempt)?;
    let attempt: Attempt = keys::data(&item)?;
    let expired = s.clock.now().timestamp_millis() - attempt.started_ms > ATTEMPT_MINUTES * 60_000;
    if attempt.provider != p || expired {
        return Err(invalid_attempt());
    }
    let request = LoginRequest {
        state: state.to_string(),
        nonce: attempt.nonce,
        pkce_verifier: attempt.pkce_verifier,
        redirect_uri: redirect_uri(s, p),
    };
    let identity = idp.redeem(code, &request).await.map_err(|e| match e {
        ConnectionError::Unavailable(m) => CoreError::Upstream(format!("{}: {m}", p.name())),
        e => CoreError::Unauthenticated(format!("Không xác thực được bằng {}: {e}", p.name())),
    })?;
    let user = match p {
        Provider::Vneid => citizen(s, &identity).await?,
        Provider::StaffSso => officer(s, &identity).await?,
    };
    if user.locked {
        return Err(CoreError::Forbidden("Tài khoản đang bị khóa. Vui lòng liên hệ quản trị viên.".into()));
    }
    let login_code = crate::access::random_token();
    let ttl = json!(chrono::Utc::now().timestamp() + 120);
    // The session remembers the VNeID assurance level of this login (R7).
    let level = (p == Provider::Vneid).then_some(identity.level);
    let data = json!({"user": user.id, "at_ms": s.clock.now().timestamp_millis(), "level": level});
    s.table.put(keys::item(&keys::sso_login_code(&login_code), &data, &[("ttl", ttl)])?, Condition::NotExists).await?;
    let next = percent_encoding::utf8_percent_encode(&attempt.next, percent_encoding::NON_ALPHANUMERIC);
    Ok(format!("{}?sso={login_code}&next={next}", login_page(p)))
}

/// The citizen's account of the identification number VNeID vouches for, created on the first
/// login; every login records the assurance level.
async fn citizen(s: &Services, identity: &motcua_ports::VerifiedIdentity) -> CoreResult<User> {
    let id_number = identity
        .identifier
        .clone()
        .filter(|n| n.len() == 12 && n.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| CoreError::Unauthenticated("VNeID không cho biết số định danh cá nhân hợp lệ.".into()))?;
    let vneid = VneidLogin { level: identity.level, at: s.now() };
    let mut user = match users::account_of_citizen(s, &id_number).await? {
        Some(u) => u,
        None => {
            let profile = Profile {
                full_name: identity.name.clone().unwrap_or_else(|| "Công dân".into()),
                id_number: Some(id_number.clone()),
                date_of_birth: identity.birthdate.clone(),
                ..Profile::default()
            };
            // No password: the account is reached through VNeID.
            users::create_user(
                s,
                &format!("vneid.{id_number}"),
                &crate::access::random_token(),
                Role::Citizen,
                None,
                profile,
            )
            .await?
        }
    };
    user.vneid = Some(vneid);
    users::save(s, &user).await?;
    Ok(user)
}

/// The officer's account named by the staff SSO (its login name); none is created.
async fn officer(s: &Services, identity: &motcua_ports::VerifiedIdentity) -> CoreResult<User> {
    let name = identity.identifier.as_deref().unwrap_or(identity.subject.as_str());
    match users::user_by_login(s, name).await {
        Ok(u) if u.role != Role::Citizen && u.role != Role::Business => Ok(u),
        _ => Err(CoreError::Forbidden(
            "Tài khoản đăng nhập một lần này chưa được cấp quyền trên hệ thống. Vui lòng liên hệ quản trị viên.".into(),
        )),
    }
}

/// Exchanges the one-time login code for an access token (once, within two minutes).
pub async fn redeem(s: &Services, code: &str) -> CoreResult<TokenResponse> {
    let invalid = || {
        CoreError::Unauthenticated(
            "Mã đăng nhập không hợp lệ, đã hết hạn hoặc đã được dùng. Vui lòng đăng nhập lại.".into(),
        )
    };
    let key = keys::sso_login_code(code);
    let item = take(s, &key).await?.ok_or_else(invalid)?;
    let data: serde_json::Value = keys::data(&item)?;
    let at = data["at_ms"].as_i64().unwrap_or_default();
    if s.clock.now().timestamp_millis() - at > 120_000 {
        return Err(invalid());
    }
    let user = users::user(s, data["user"].as_str().unwrap_or_default()).await?;
    users::session_with_level(s, &user, data["level"].as_u64().and_then(|l| u8::try_from(l).ok()))
}
