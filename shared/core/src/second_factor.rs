//! A second factor for staff (security issue, item 2): TOTP (RFC 6238 — SHA-1, 6 digits, 30 s,
//! as every authenticator app reads it). Enrolling gives a secret and its `otpauth://` link;
//! the factor is in force once a first code confirms it, and from then on a staff login needs
//! the current code besides the password. A code is accepted once (the last time step used is
//! kept), with one step of clock drift either way.

use crate::users::{self, User, UserView};
use crate::{Caller, CoreError, CoreResult, Services};
use motcua_ports::{Condition, WriteOp};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};

const STEP: u64 = 30;

/// The TOTP factor of an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Totp {
    /// Base32, as authenticator apps take it.
    pub secret: String,
    /// In force (a first code confirmed it).
    pub confirmed: bool,
    /// The last time step whose code was accepted.
    #[serde(default)]
    pub last_step: u64,
}

fn generator(secret: &str, account: &str) -> CoreResult<TOTP> {
    let bytes = Secret::Encoded(secret.into()).to_bytes().map_err(|e| CoreError::Internal(format!("totp: {e:?}")))?;
    TOTP::new(Algorithm::SHA1, 6, 1, STEP, bytes, Some("MotCua".into()), account.into())
        .map_err(|e| CoreError::Internal(format!("totp: {e}")))
}

impl Totp {
    /// The time step of `code` at `now` (unix seconds), if it is right and not used before.
    pub fn accepts(&self, account: &str, code: &str, now: u64) -> CoreResult<Option<u64>> {
        let totp = generator(&self.secret, account)?;
        let step = now / STEP;
        let mut found = None;
        for s in [step.saturating_sub(1), step, step + 1] {
            let right: bool = totp.generate(s * STEP).as_bytes().ct_eq(code.trim().as_bytes()).into();
            if right && s > self.last_step && found.is_none() {
                found = Some(s);
            }
        }
        Ok(found)
    }
}

fn unix_now() -> u64 {
    chrono::Utc::now().timestamp().max(0) as u64
}

/// A new secret to put in an authenticator app.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Enrolment {
    /// Base32 secret, to type in.
    pub secret: String,
    /// `otpauth://totp/…` link, to show as a QR code.
    pub otpauth_url: String,
}

/// Starts (or restarts, while not yet confirmed) the enrolment of the caller, a staff member.
pub async fn enrol(s: &Services, caller: &Caller) -> CoreResult<Enrolment> {
    let mut user = staff_account(s, caller).await?;
    if user.totp.as_ref().is_some_and(|t| t.confirmed) {
        return Err(CoreError::rule("otp_already_enrolled", "Tài khoản đã bật xác thực hai lớp."));
    }
    let secret = match Secret::generate_secret().to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => return Err(CoreError::Internal("totp: secret not encoded".into())),
    };
    let otpauth_url = generator(&secret, &user.username)?.get_url();
    user.totp = Some(Totp { secret: secret.clone(), confirmed: false, last_step: 0 });
    s.table.put(users::user_item(&user)?, Condition::Exists).await?;
    Ok(Enrolment { secret, otpauth_url })
}

/// Puts the factor in force with a first code from the app; recorded in the audit log.
pub async fn confirm(s: &Services, caller: &Caller, code: &str) -> CoreResult<UserView> {
    let mut user = staff_account(s, caller).await?;
    let Some(totp) = user.totp.clone().filter(|t| !t.confirmed) else {
        return Err(CoreError::rule("otp_not_enrolling", "Chưa bắt đầu đăng ký xác thực hai lớp."));
    };
    let Some(step) = totp.accepts(&user.username, code, unix_now())? else {
        return Err(CoreError::field(
            "code",
            "wrong_otp",
            "Mã xác thực không đúng. Vui lòng nhập mã đang hiện trên ứng dụng.",
        ));
    };
    user.totp = Some(Totp { confirmed: true, last_step: step, ..totp });
    let mut ops = vec![WriteOp::Put { item: users::user_item(&user)?, condition: Condition::Exists }];
    ops.extend(crate::admin::audit_ops_on(
        s,
        caller,
        "otp.enrol",
        user.id.clone(),
        user.username.clone(),
        user.agency.clone(),
    )?);
    s.table.transact(ops).await?;
    Ok(UserView::of(&user))
}

async fn staff_account(s: &Services, caller: &Caller) -> CoreResult<User> {
    if caller.role.is_applicant() || caller.role == motcua_domain::roles::Role::IntegrationClient {
        return Err(CoreError::Forbidden("Xác thực hai lớp bằng ứng dụng dành cho tài khoản cán bộ.".into()));
    }
    users::user(s, &caller.id).await
}

/// At login: whether `user` may go on with `code` (none needed without the factor); the step
/// used is written so that the code is not accepted again.
pub(crate) async fn check_at_login(s: &Services, user: &mut User, code: Option<&str>) -> CoreResult<bool> {
    let Some(totp) = user.totp.clone().filter(|t| t.confirmed) else { return Ok(true) };
    let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
        return Err(CoreError::SecondFactorRequired);
    };
    let Some(step) = totp.accepts(&user.username, code, unix_now())? else { return Ok(false) };
    user.totp = Some(Totp { last_step: step, ..totp });
    s.table.put(users::user_item(user)?, Condition::Exists).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_right_within_one_step_of_drift_and_only_once() {
        let secret = match Secret::generate_secret().to_encoded() {
            Secret::Encoded(s) => s,
            Secret::Raw(_) => unreachable!(),
        };
        let t = Totp { secret: secret.clone(), confirmed: true, last_step: 0 };
        let now = 1_800_000_000;
        let code = generator(&secret, "a").unwrap().generate(now);
        assert_eq!(t.accepts("a", &code, now).unwrap(), Some(now / STEP));
        assert_eq!(t.accepts("a", &code, now + STEP).unwrap(), Some(now / STEP), "one step late");
        assert_eq!(t.accepts("a", &code, now + 3 * STEP).unwrap(), None, "too late");
        let used = Totp { last_step: now / STEP, ..t.clone() };
        assert_eq!(used.accepts("a", &code, now).unwrap(), None, "replayed");
        assert_eq!(t.accepts("a", "000000", now).unwrap().is_some(), code == "000000");
    }
}
