//! Reading dossiers: the view of one for its owner or entitled staff, lists with cursors, and
//! the public lookup by code (P12, P17, M7, S1).

use crate::access::{ensure_visible, id_hash_of, secret_hash};
use crate::store::{cursor_error, load};
use crate::{keys, Caller, CoreError, CoreResult, Services};
use motcua_domain::dossier::{Dossier, Status};
use motcua_domain::lifecycle::Context;
use motcua_domain::throttle::Attempts;
use motcua_domain::views::{participates, DossierView, PublicView, Summary};
use motcua_ports::WriteOp;
use motcua_ports::{Index, Query};
use serde_json::Value;
use subtle::ConstantTimeEq;

/// The view of `d` for `caller`, now: what they may see of it and do with it.
pub(crate) fn view(s: &Services, caller: &Caller, d: Dossier) -> DossierView {
    let cal = s.calendar();
    DossierView::for_caller(d, &Context { caller, calendar: &cal, now: s.now() })
}

/// The full view of a dossier with its timeline, for its owner or entitled staff.
pub async fn get(s: &Services, caller: &Caller, id: &str) -> CoreResult<DossierView> {
    let d = load(s, id).await?;
    ensure_visible(caller, &d)?;
    crate::reads::record(s, caller, &d, "dossier".into()).await?;
    let officers: Vec<&str> = d.assignee.iter().map(|a| a.id.as_str()).collect();
    let history = match participates(caller, &d) {
        true => Some(crate::step_history::of(s, &d.procedure_code, &officers).await?),
        false => None,
    };
    let (cal, now) = (s.calendar(), s.now());
    let risk = history.and_then(|h| motcua_domain::risk::predict(&d, &h, &cal, now));
    Ok(DossierView { risk, ..view(s, caller, d) })
}

/// A page of a list with its cursor.
pub type Listing<T> = (Vec<T>, Option<String>);

/// "My dossiers" for applicants (newest first); the agency's filed dossiers, with their
/// deadline flags, for its staff.
pub async fn list(
    s: &Services,
    caller: &Caller,
    status: Option<Status>,
    cursor: Option<String>,
    limit: usize,
) -> CoreResult<Listing<Summary>> {
    let query = if caller.role.is_applicant() {
        Query::partition(Index::Gsi1, format!("OWNER#{}", caller.id))
    } else if let (true, Some(agency)) = (caller.role.is_agency_staff(), &caller.agency) {
        Query::partition(Index::Gsi2, format!("AGENCY#{agency}"))
    } else {
        return Err(CoreError::Forbidden("Tài khoản không có danh sách hồ sơ.".into()));
    };
    let page = s.table.query(query.descending().limit(limit).after(cursor)).await.map_err(cursor_error)?;
    let (cal, now) = (s.calendar(), s.now());
    let mut items = Vec::with_capacity(page.items.len());
    for item in &page.items {
        let d: Dossier = keys::data(item)?;
        if status.is_none_or(|st| st == d.status) {
            items.push(if caller.role.is_applicant() { Summary::of(&d) } else { Summary::with_flags(&d, &cal, now) });
        }
    }
    Ok((items, page.next))
}

/// Public lookup by dossier code (S1, P17). A second factor is required (the secret printed
/// on the receipt, or the applicant's ID number, whose stored hash is bound to the code); a
/// wrong one answers exactly like an unknown code, with the same work done and the hashes
/// compared in constant time. Walking codes is slowed down twice (security issue, item 5): a
/// client address may make [`LOOKUPS_PER_MINUTE`] lookups a minute, and a code whose factor
/// was given wrong five times locks for growing periods (kept on the code's own record). One
/// read; a write only after a wrong factor.
///
/// [`LOOKUPS_PER_MINUTE`]: crate::limits::LOOKUPS_PER_MINUTE
pub async fn lookup(
    s: &Services,
    code: &str,
    secret: Option<&str>,
    id_number: Option<&str>,
    client: Option<&str>,
) -> CoreResult<PublicView> {
    Ok(keys::data(&verified_lookup(s, code, secret, id_number, client).await?)?)
}

/// The lookup record of `code` once a second factor matched it (limits per client and per
/// code as for the public lookup).
pub(crate) async fn verified_lookup(
    s: &Services,
    code: &str,
    secret: Option<&str>,
    id_number: Option<&str>,
    client: Option<&str>,
) -> CoreResult<motcua_ports::Item> {
    let not_found = || CoreError::NotFound("Không tìm thấy hồ sơ với mã và thông tin xác minh đã nhập.".into());
    if secret.is_none() && id_number.is_none() {
        return Err(CoreError::invalid(
            "second_factor_required",
            "Vui lòng nhập mã bí mật in trên giấy tiếp nhận hoặc số định danh cá nhân của người nộp.",
        ));
    }
    if let Some(client) = client {
        s.limits.lookup(client)?;
    }
    let given_secret = secret.map(secret_hash);
    let given_id = id_number.map(|x| id_hash_of(s, code, x));
    if !motcua_domain::codes::looks_like_dossier_code(code) {
        return Err(not_found());
    }
    let key = keys::lookup(code);
    let item = s.table.get(&key).await?.ok_or_else(not_found)?;
    let now = s.clock.now().timestamp();
    let attempts: Attempts = item.get(ATTEMPTS).cloned().map(serde_json::from_value).transpose()?.unwrap_or_default();
    if let Some(wait) = attempts.retry_after(now) {
        return Err(CoreError::TooManyRequests(wait));
    }
    let same = |attr: &str, given: &Option<String>| -> bool {
        match (item.get(attr).and_then(Value::as_str), given) {
            (Some(stored), Some(given)) => stored.as_bytes().ct_eq(given.as_bytes()).into(),
            _ => false,
        }
    };
    // `|`, not `||`: both comparisons always run.
    let ok = same("secret_hash", &given_secret) | same("id_hash", &given_id);
    if !ok || attempts.failures > 0 {
        let after = if ok { Attempts::default() } else { attempts.after_failure(now) };
        let set = [(ATTEMPTS.to_string(), serde_json::to_value(after)?)].into_iter().collect();
        s.table.transact(vec![WriteOp::Add { key, add: vec![], set }]).await?;
    }
    if !ok {
        return Err(not_found());
    }
    Ok(item)
}

/// The attribute of a lookup record counting wrong second factors.
const ATTEMPTS: &str = "attempts";
