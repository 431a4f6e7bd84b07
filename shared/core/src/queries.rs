//! Reading dossiers: the view of one for its owner or entitled staff, lists with cursors, and
//! the public lookup by code (P12, P17, M7, S1).

use crate::access::{ensure_visible, id_hash, secret_hash};
use crate::store::{cursor_error, load};
use crate::{keys, Caller, CoreError, CoreResult, Services};
use motcua_domain::dossier::{Dossier, Status};
use motcua_domain::lifecycle::Context;
use motcua_domain::views::{DossierView, PublicView, Summary};
use motcua_ports::{Index, Query};
use serde_json::Value;

/// The view of `d` for `caller`, now: what they may see of it and do with it.
pub(crate) fn view(s: &Services, caller: &Caller, d: Dossier) -> DossierView {
    let cal = s.calendar();
    DossierView::for_caller(d, &Context { caller, calendar: &cal, now: s.now() })
}

/// The full view of a dossier with its timeline, for its owner or entitled staff.
pub async fn get(s: &Services, caller: &Caller, id: &str) -> CoreResult<DossierView> {
    let d = load(s, id).await?;
    ensure_visible(caller, &d)?;
    Ok(view(s, caller, d))
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
/// on the receipt, or the applicant's ID number); a wrong one answers exactly like an unknown
/// code, so codes cannot be enumerated. One read.
pub async fn lookup(s: &Services, code: &str, secret: Option<&str>, id_number: Option<&str>) -> CoreResult<PublicView> {
    let not_found = || CoreError::NotFound("Không tìm thấy hồ sơ với mã và thông tin xác minh đã nhập.".into());
    if secret.is_none() && id_number.is_none() {
        return Err(CoreError::invalid(
            "second_factor_required",
            "Vui lòng nhập mã bí mật in trên giấy tiếp nhận hoặc số định danh cá nhân của người nộp.",
        ));
    }
    if !motcua_domain::codes::looks_like_dossier_code(code) {
        return Err(not_found());
    }
    let item = s.table.get(&keys::lookup(code)).await?.ok_or_else(not_found)?;
    let matches = |attr: &str, expected: String| item.get(attr).and_then(Value::as_str) == Some(expected.as_str());
    let ok = secret.is_some_and(|x| matches("secret_hash", secret_hash(x)))
        || id_number.is_some_and(|x| matches("id_hash", id_hash(s, x)));
    if !ok {
        return Err(not_found());
    }
    Ok(keys::data(&item)?)
}
