//! Accounts (P6, P13, M6): citizens and businesses who register, officers created by
//! administrators, machine clients of agencies; login and client-credential tokens; the
//! profile that pre-fills forms (P1).

use crate::auth::{hash_secret, verify_secret, Claims};
use crate::{keys, Caller, CoreError, CoreResult, Services};
use motcua_domain::credentials::password_error;
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
    /// Session generation: tokens carry it, and raising it (logout, lock) revokes every token
    /// issued before.
    #[serde(default)]
    pub sessions: u64,
    /// The second factor of a staff account, when enrolled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp: Option<crate::second_factor::Totp>,
    /// The last login with VNeID and its assurance level (R7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vneid: Option<crate::sso::VneidLogin>,
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
    /// The second factor (TOTP) is in force.
    pub otp_enabled: bool,
    /// Authenticated with VNeID, and at which assurance level (R7).
    pub vneid: Option<crate::sso::VneidLogin>,
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
            otp_enabled: u.totp.as_ref().is_some_and(|t| t.confirmed),
            vneid: u.vneid.clone(),
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
    let own_details = [username.as_str(), profile.full_name.as_str(), profile.email.as_deref().unwrap_or_default()];
    let errors: Vec<_> = password_error(password, &own_details).into_iter().chain(profile.check()).collect();
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
        sessions: 0,
        totp: None,
        vneid: None,
        created_at: s.now(),
    };
    let login = keys::item(&keys::login(&username), &user.id, &[])?;
    let mut ops = vec![
        WriteOp::Put { item: login, condition: Condition::NotExists },
        WriteOp::Put { item: user_item(&user)?, condition: Condition::NotExists },
    ];
    ops.extend(claim_identity(s, &user)?);
    ops.extend(extra(&user)?);
    s.table.transact(ops).await.map_err(|e| match e {
        TableError::ConditionFailed { index: Some(2) } if identity_key(s, &user).is_some() => identity_taken(&user),
        TableError::ConditionFailed { .. } => {
            CoreError::rule("username_taken", "Tên đăng nhập đã được sử dụng. Vui lòng chọn tên khác.")
        }
        e => e.into(),
    })?;
    Ok(user)
}

/// Who an applicant account stands for: a person (their ID number) or a business (its
/// code). One account each (security issue, item 8); staff accounts stand for no one else.
fn identity_key(s: &Services, user: &User) -> Option<motcua_ports::Key> {
    let (kind, value) = match user.role {
        Role::Citizen => ("citizen", user.profile.id_number.as_deref()?),
        Role::Business => ("business", user.profile.business_code.as_deref()?),
        _ => return None,
    };
    Some(keys::account_of(kind, &crate::access::id_hash(s, value)))
}

/// The write that reserves the account's identity for it, if it has one.
fn claim_identity(s: &Services, user: &User) -> CoreResult<Option<WriteOp>> {
    let Some(key) = identity_key(s, user) else { return Ok(None) };
    Ok(Some(WriteOp::Put { item: keys::item(&key, &user.id, &[])?, condition: Condition::NotExists }))
}

fn identity_taken(user: &User) -> CoreError {
    if user.role == Role::Business {
        CoreError::rule(
            "business_code_taken",
            "Mã số doanh nghiệp này đã có tài khoản. Vui lòng đăng nhập tài khoản đó.",
        )
    } else {
        CoreError::rule("id_number_taken", "Số định danh cá nhân này đã có tài khoản. Vui lòng đăng nhập tài khoản đó.")
    }
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

/// The citizen account of a personal identification number, if there is one.
pub async fn account_of_citizen(s: &Services, id_number: &str) -> CoreResult<Option<User>> {
    let key = keys::account_of("citizen", &crate::access::id_hash(s, id_number));
    match s.table.get(&key).await? {
        Some(item) => Ok(Some(user(s, &keys::data::<String>(&item)?).await?)),
        None => Ok(None),
    }
}

/// Stores an existing account as it now is.
pub(crate) async fn save(s: &Services, u: &User) -> CoreResult<()> {
    Ok(s.table.put(user_item(u)?, Condition::Exists).await?)
}

/// Replaces the profile of the caller.
pub async fn update_profile(s: &Services, caller: &Caller, profile: Profile) -> CoreResult<User> {
    let errors = profile.check();
    if !errors.is_empty() {
        return Err(CoreError::Validation(errors));
    }
    let mut u = user(s, &caller.id).await?;
    let before = identity_key(s, &u);
    u.profile = profile;
    let mut ops = vec![WriteOp::Put { item: user_item(&u)?, condition: Condition::Exists }];
    if identity_key(s, &u) != before {
        ops.extend(claim_identity(s, &u)?);
        ops.extend(before.map(|key| WriteOp::Delete { key, condition: Condition::None }));
    }
    s.table.transact(ops).await.map_err(|e| match e {
        TableError::ConditionFailed { index: Some(1) } => identity_taken(&u),
        e => e.into(),
    })?;
    Ok(u)
}

const WRONG_CREDENTIALS: &str = "Tên đăng nhập hoặc mật khẩu không đúng.";

/// Token response of login and client credentials.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    pub role: Role,
}

fn issue(
    s: &Services,
    sub: &str,
    role: Role,
    agency: Option<AgencyCode>,
    name: &str,
    ver: Option<u64>,
    acr: Option<u8>,
) -> CoreResult<TokenResponse> {
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
        ver,
        acr,
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
/// even the right password is checked. Unknown usernames are throttled the same way. Staff who
/// enrolled a second factor give its code too (`otp`); a wrong code counts as a failure.
pub async fn login(s: &Services, username: &str, password: &str, otp: Option<&str>) -> CoreResult<TokenResponse> {
    if otp.is_some_and(|o| o.len() != 6 || !o.bytes().all(|b| b.is_ascii_digit())) {
        return Err(CoreError::field("otp", "invalid_format", "Mã xác thực gồm 6 chữ số."));
    }
    let username = username.trim().to_lowercase();
    let key = keys::login_throttle(&username);
    let now = s.clock.now().timestamp();
    let attempts: Attempts = s.table.get(&key).await?.map(|i| keys::data(&i)).transpose()?.unwrap_or_default();
    if let Some(wait) = attempts.retry_after(now) {
        return Err(CoreError::TooManyRequests(wait));
    }
    let failed = |message: &'static str| {
        let key = key.clone();
        async move {
            // Kept a day (system time, as every expiry the backends enforce).
            let ttl = json!(chrono::Utc::now().timestamp() + 86_400);
            s.table.put(keys::item(&key, &attempts.after_failure(now), &[("ttl", ttl)])?, Condition::None).await?;
            Err(CoreError::Unauthenticated(message.into()))
        }
    };
    let Some(mut u) = check_password(s, &username, password).await? else {
        return failed(WRONG_CREDENTIALS).await;
    };
    // A wrong second factor counts as a failure too.
    if !crate::second_factor::check_at_login(s, &mut u, otp).await? {
        return failed("Mã xác thực không đúng hoặc đã được dùng. Vui lòng nhập mã mới trên ứng dụng.").await;
    }
    if attempts.failures > 0 {
        s.table.delete(&key, Condition::None).await?;
    }
    if u.locked {
        return Err(CoreError::Forbidden("Tài khoản đang bị khóa. Vui lòng liên hệ quản trị viên.".into()));
    }
    if u.role.is_applicant() {
        ensure_passwords_allowed(s)?;
    }
    session(s, &u)
}

/// Under the 2025 regime, with VNeID connected, citizens and businesses log in with VNeID only
/// (Decree 69/2024; R7): their password logins and registrations are closed, unless the
/// deployment keeps them open (the demo). Staff keep theirs.
pub fn ensure_passwords_allowed(s: &Services) -> CoreResult<()> {
    let regime = s.regime_at(s.now().date_naive());
    if regime == motcua_domain::regime::Regime::R2025 && s.connections.vneid.is_some() && !s.config.applicant_passwords
    {
        return Err(CoreError::rule(
            "vneid_only",
            "Công dân, tổ chức đăng nhập Cổng Dịch vụ công bằng tài khoản định danh điện tử VNeID (Nghị định 69/2024/NĐ-CP). Vui lòng chọn “Đăng nhập bằng VNeID”.",
        ));
    }
    Ok(())
}

/// An access token for the account (its current session generation).
pub fn session(s: &Services, u: &User) -> CoreResult<TokenResponse> {
    session_with_level(s, u, None)
}

/// An access token for a session opened by a VNeID login of assurance `level` (R7), or by
/// another login (`None`).
pub fn session_with_level(s: &Services, u: &User, vneid_level: Option<u8>) -> CoreResult<TokenResponse> {
    issue(s, &u.id, u.role, u.agency.clone(), &u.profile.full_name, Some(u.sessions), vneid_level)
}

/// The caller a bearer token names, if the token is valid and its account still allows it:
/// a token of a locked account, of an earlier session generation (logout, lock) or naming
/// another role or agency than the account now has is refused at once (security issue, item
/// 2). One read of the account per request; machine clients have no account to read.
pub async fn authenticate(s: &Services, token: &str) -> CoreResult<Caller> {
    let claims = s.keys.verify(token, &s.config.issuer, &s.config.audience, s.config.token_ttl)?;
    if claims.role != Role::IntegrationClient {
        let account = s.table.get(&keys::user(&claims.sub)).await?.map(|i| keys::data::<User>(&i)).transpose()?;
        let current = account.is_some_and(|u| {
            !u.locked
                && claims.ver == Some(u.sessions)
                && u.role == claims.role
                && u.agency.as_deref() == claims.agency.as_deref()
        });
        if !current {
            return Err(crate::auth::invalid_session());
        }
    }
    Ok(claims.caller())
}

/// Ends every session of the caller's account (all devices): tokens issued so far stop working.
pub async fn logout(s: &Services, caller: &Caller) -> CoreResult<()> {
    if caller.role == Role::IntegrationClient {
        return Ok(());
    }
    let mut u = user(s, &caller.id).await?;
    u.sessions += 1;
    s.table.put(user_item(&u)?, Condition::Exists).await?;
    Ok(())
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
    issue(s, &c.id, Role::IntegrationClient, Some(c.agency.into()), &c.name, None, None)
}
