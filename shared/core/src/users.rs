//! Accounts (P6, P13, M6): citizens and businesses who register, officers created by
//! administrators, machine clients of agencies; login and client-credential tokens; the
//! profile that pre-fills forms (P1).

use crate::auth::{hash_secret, verify_secret, Claims};
use crate::{keys, Caller, CoreError, CoreResult, Services};
use motcua_domain::roles::Role;
use motcua_domain::throttle::Attempts;
use motcua_ports::{Condition, TableError, WriteOp};
use serde::{Deserialize, Serialize};
use serde_json::json;

use motcua_domain::ids::{AgencyCode, UserId};
pub use motcua_domain::profile::Profile;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    #[serde(default)]
    pub agency: Option<AgencyCode>,
    pub password_hash: String,
    pub profile: Profile,
    #[serde(default)]
    pub locked: bool,
    pub created_at: chrono::DateTime<chrono::FixedOffset>,
}

/// A user as shown through the API (no hash).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    pub role_label: &'static str,
    pub agency: Option<AgencyCode>,
    pub profile: Profile,
    pub locked: bool,
}

impl UserView {
    pub fn of(u: &User) -> UserView {
        UserView {
            id: u.id.clone(),
            username: u.username.clone(),
            role: u.role,
            role_label: u.role.label(),
            agency: u.agency.clone(),
            profile: u.profile.clone(),
            locked: u.locked,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Client {
    pub id: String,
    pub name: String,
    pub agency: String,
    pub secret_hash: String,
}

/// Creates an account; the username must be free.
pub async fn create_user(
    s: &Services,
    username: &str,
    password: &str,
    role: Role,
    agency: Option<AgencyCode>,
    profile: Profile,
) -> CoreResult<User> {
    create_user_with(s, username, password, role, agency, profile, |_| Ok(vec![])).await
}

/// [`create_user`], with more writes (the audit record) in the same transaction.
pub(crate) async fn create_user_with(
    s: &Services,
    username: &str,
    password: &str,
    role: Role,
    agency: Option<AgencyCode>,
    profile: Profile,
    extra: impl FnOnce(&User) -> CoreResult<Vec<WriteOp>>,
) -> CoreResult<User> {
    let username = username.trim().to_lowercase();
    if username.len() < 3
        || username.len() > 64
        || !username.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b))
    {
        return Err(CoreError::field(
            "username",
            "invalid_format",
            "Tên đăng nhập gồm 3–64 ký tự: chữ không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang hoặc @.",
        ));
    }
    if password.chars().count() < 8 {
        return Err(CoreError::field("password", "too_short", "Mật khẩu phải có ít nhất 8 ký tự."));
    }
    let errors = profile.check();
    if !errors.is_empty() {
        return Err(CoreError::Validation(errors));
    }
    let user = User {
        id: uuid::Uuid::now_v7().to_string().into(),
        username: username.clone(),
        role,
        agency,
        password_hash: hash_secret(password).await?,
        profile,
        locked: false,
        created_at: s.now(),
    };
    let login = keys::item(&keys::login(&username), &user.id, &[])?;
    let mut ops = vec![
        WriteOp::Put { item: login, condition: Condition::NotExists },
        WriteOp::Put { item: user_item(&user)?, condition: Condition::NotExists },
    ];
    ops.extend(extra(&user)?);
    s.table.transact(ops).await.map_err(|e| match e {
        TableError::ConditionFailed { .. } => {
            CoreError::rule("username_taken", "Tên đăng nhập đã được sử dụng. Vui lòng chọn tên khác.")
        }
        e => e.into(),
    })?;
    Ok(user)
}

/// The stored item of a user; staff are indexed by agency (the staff list, M6).
pub(crate) fn user_item(user: &User) -> CoreResult<motcua_ports::Item> {
    let index = match &user.agency {
        Some(a) => vec![("gsi1pk", json!(keys::staff(a))), ("gsi1sk", json!(user.username))],
        None => vec![],
    };
    Ok(keys::item(&keys::user(&user.id), user, &index)?)
}

pub async fn user(s: &Services, id: &str) -> CoreResult<User> {
    let item = s.table.get(&keys::user(id)).await?.ok_or_else(|| CoreError::not_found("tài khoản"))?;
    Ok(keys::data(&item)?)
}

/// The account with this login name.
pub async fn user_by_login(s: &Services, username: &str) -> CoreResult<User> {
    let item = s
        .table
        .get(&keys::login(&username.trim().to_lowercase()))
        .await?
        .ok_or_else(|| CoreError::not_found("tài khoản"))?;
    let id: String = keys::data(&item)?;
    user(s, &id).await
}

/// Replaces the profile of the caller.
pub async fn update_profile(s: &Services, caller: &Caller, profile: Profile) -> CoreResult<User> {
    let errors = profile.check();
    if !errors.is_empty() {
        return Err(CoreError::Validation(errors));
    }
    let mut u = user(s, &caller.id).await?;
    u.profile = profile;
    s.table.put(user_item(&u)?, Condition::Exists).await?;
    Ok(u)
}

fn wrong_credentials() -> CoreError {
    CoreError::Unauthenticated("Tên đăng nhập hoặc mật khẩu không đúng.".into())
}

/// Token response of login and client credentials.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    pub role: Role,
}

fn issue(s: &Services, sub: &str, role: Role, agency: Option<AgencyCode>, name: &str) -> CoreResult<TokenResponse> {
    let now = chrono::Utc::now().timestamp();
    let ttl = s.config.token_ttl.as_secs();
    let claims = Claims {
        sub: sub.into(),
        role,
        agency: agency.map(String::from),
        name: name.into(),
        iss: s.config.issuer.clone(),
        aud: s.config.audience.clone(),
        iat: now,
        exp: now + ttl as i64,
        nbf: None,
    };
    Ok(TokenResponse { access_token: s.keys.sign(&claims)?, token_type: "Bearer", expires_in: ttl, role })
}

/// The account whose username and password these are, if any; an unknown username costs the
/// same work, so timing does not reveal which usernames exist.
async fn check_password(s: &Services, username: &str, password: &str) -> CoreResult<Option<User>> {
    let Some(item) = s.table.get(&keys::login(username)).await? else {
        static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
        let dummy = DUMMY.get_or_try_init(|| hash_secret("không-có-tài-khoản")).await?;
        verify_secret(password, dummy).await?;
        return Ok(None);
    };
    let id: String = keys::data(&item)?;
    let u = user(s, &id).await?;
    Ok(verify_secret(password, &u.password_hash).await?.then_some(u))
}

/// Password login of a local account (P6), throttled per account (security issue, item 1): a
/// few free failures, then growing lockouts answered 429 with `Retry-After`, during which not
/// even the right password is checked. Unknown usernames are throttled the same way.
pub async fn login(s: &Services, username: &str, password: &str) -> CoreResult<TokenResponse> {
    let username = username.trim().to_lowercase();
    let key = keys::login_throttle(&username);
    let now = s.clock.now().timestamp();
    let attempts: Attempts = s.table.get(&key).await?.map(|i| keys::data(&i)).transpose()?.unwrap_or_default();
    if let Some(wait) = attempts.retry_after(now) {
        return Err(CoreError::TooManyRequests(wait));
    }
    let Some(u) = check_password(s, &username, password).await? else {
        // Kept a day (system time, as every expiry the backends enforce).
        let ttl = json!(chrono::Utc::now().timestamp() + 86_400);
        s.table.put(keys::item(&key, &attempts.after_failure(now), &[("ttl", ttl)])?, Condition::None).await?;
        return Err(wrong_credentials());
    };
    if attempts.failures > 0 {
        s.table.delete(&key, Condition::None).await?;
    }
    if u.locked {
        return Err(CoreError::Forbidden("Tài khoản đang bị khóa. Vui lòng liên hệ quản trị viên.".into()));
    }
    issue(s, &u.id, u.role, u.agency.clone(), &u.profile.full_name)
}

/// Registers a machine client of an agency; returns its secret once.
pub async fn create_client(s: &Services, id: &str, name: &str, agency: &str, secret: &str) -> CoreResult<Client> {
    let client =
        Client { id: id.into(), name: name.into(), agency: agency.into(), secret_hash: hash_secret(secret).await? };
    s.table.put(keys::item(&keys::client(id), &client, &[])?, Condition::None).await?;
    Ok(client)
}

/// OAuth 2.0 client credentials grant for agencies' systems.
pub async fn client_token(s: &Services, client_id: &str, secret: &str) -> CoreResult<TokenResponse> {
    let bad = || CoreError::Unauthenticated("Thông tin xác thực của hệ thống tích hợp không đúng.".into());
    let item = s.table.get(&keys::client(client_id)).await?.ok_or_else(bad)?;
    let c: Client = keys::data(&item)?;
    if !verify_secret(secret, &c.secret_hash).await? {
        return Err(bad());
    }
    issue(s, &c.id, Role::IntegrationClient, Some(c.agency.into()), &c.name)
}
