//! User administration (M6): staff accounts of an agency, lock and unlock, with an audit
//! record of every administrative action written in the same transaction (N2).

use crate::users::{self, Profile, User, UserView};
use crate::{keys, Caller, CoreError, CoreResult, Services};
use motcua_domain::ids::{AgencyCode, UserId};
use motcua_domain::roles::Role;
use motcua_ports::{Condition, Index, Key, Query, WriteOp};
use serde::{Deserialize, Serialize};

/// A new staff account.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    pub username: String,
    pub password: String,
    pub role: Role,
    pub agency: String,
    pub full_name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

/// One administrative action in the audit log (M6, N2).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditRecord {
    pub id: String,
    pub at: chrono::DateTime<chrono::FixedOffset>,
    pub actor: UserId,
    pub actor_name: String,
    pub actor_role: Role,
    /// `create_staff`, `lock`, `unlock`, or an action on a connection (`integration.replay`,
    /// `webhook.create`, `webhook.delete`, `integration.reconcile`, `integration.catalogue_sync`).
    pub action: String,
    pub target: UserId,
    pub target_username: String,
    pub agency: Option<AgencyCode>,
}

/// Whether the caller administers accounts of `agency`.
fn administers(caller: &Caller, agency: &str) -> bool {
    caller.role == Role::SystemAdmin || (caller.role == Role::AgencyAdmin && caller.works_for(agency))
}

fn audit_ops(s: &Services, caller: &Caller, action: &str, target: &User) -> CoreResult<Vec<WriteOp>> {
    audit_ops_on(s, caller, action, target.id.clone(), target.username.clone(), target.agency.clone())
}

/// Records an administrative action on something other than an account (a connection's
/// replay, a webhook subscription…): `target` names it.
pub(crate) async fn audit_record(
    s: &Services,
    caller: &Caller,
    action: &str,
    target: &str,
    detail: &str,
) -> CoreResult<()> {
    let ops = audit_ops_on(s, caller, action, target.into(), detail.into(), caller.agency.clone())?;
    Ok(s.table.transact(ops).await?)
}

/// The audit record of an action, and its entry in the chained ledger, to write in the
/// transaction of the action itself.
pub(crate) fn audit_ops_on(
    s: &Services,
    caller: &Caller,
    action: &str,
    target: UserId,
    target_username: String,
    agency: Option<AgencyCode>,
) -> CoreResult<Vec<WriteOp>> {
    let now = s.now();
    let id = uuid::Uuid::now_v7().to_string();
    let key = Key::new(keys::audit_partition(&now.format("%Y-%m").to_string()), format!("{}#{id}", now.to_rfc3339()));
    let record = AuditRecord {
        id,
        at: now,
        actor: caller.id.clone(),
        actor_name: caller.name.clone(),
        actor_role: caller.role,
        action: action.into(),
        target,
        target_username,
        agency,
    };
    let entry = crate::ledger::append(s, format!("admin:{action}"), &record)?;
    Ok(vec![WriteOp::Put { item: keys::item(&key, &record, &[])?, condition: Condition::NotExists }, entry])
}

/// Creates a staff account (system administrator: any agency; agency administrator: officers
/// of their own agency).
pub async fn create_staff(s: &Services, caller: &Caller, req: NewStaff) -> CoreResult<UserView> {
    let officer = matches!(req.role, Role::ReceivingOfficer | Role::Specialist | Role::Leader);
    if !administers(caller, &req.agency)
        || !(officer || caller.role == Role::SystemAdmin && req.role == Role::AgencyAdmin)
    {
        return Err(CoreError::Forbidden("Không có quyền tạo tài khoản với vai trò này cho cơ quan này.".into()));
    }
    crate::catalogue::agency(s, &req.agency)
        .await
        .map_err(|_| CoreError::field("agency", "unknown_agency", "Không tìm thấy cơ quan."))?;
    let profile = Profile { full_name: req.full_name, email: req.email, phone: req.phone, ..Default::default() };
    let user = users::create_user_with(
        s,
        &req.username,
        &req.password,
        req.role,
        Some(req.agency.clone().into()),
        profile,
        |u| audit_ops(s, caller, "create_staff", u),
    )
    .await?;
    Ok(UserView::of(&user))
}

/// The staff of an agency (its own staff, for assignment; its administrators).
pub async fn staff(s: &Services, caller: &Caller, agency: &str) -> CoreResult<Vec<UserView>> {
    if !(administers(caller, agency) || caller.works_for(agency)) {
        return Err(CoreError::Forbidden("Chỉ cán bộ, quản trị của cơ quan xem danh sách cán bộ.".into()));
    }
    let page = s.table.query(Query::partition(Index::Gsi1, keys::staff(agency)).limit(1000)).await?;
    let users: Vec<User> = page.items.iter().map(keys::data).collect::<Result<_, _>>()?;
    Ok(users.iter().map(UserView::of).collect())
}

/// Locks or unlocks an account (not one's own); recorded in the audit log.
pub async fn set_locked(s: &Services, caller: &Caller, user_id: &str, locked: bool) -> CoreResult<UserView> {
    let mut user = users::user(s, user_id).await?;
    let allowed = match &user.agency {
        Some(a) => administers(caller, a),
        None => caller.role == Role::SystemAdmin,
    };
    if !allowed {
        return Err(CoreError::not_found("tài khoản"));
    }
    if user.id == caller.id {
        return Err(CoreError::rule("own_account", "Không được tự khóa tài khoản của mình."));
    }
    user.locked = locked;
    if locked {
        user.sessions += 1; // its tokens stop working now, and stay revoked after an unlock
    }
    let action = if locked { "lock" } else { "unlock" };
    let mut ops = vec![WriteOp::Put { item: users::user_item(&user)?, condition: Condition::Exists }];
    ops.extend(audit_ops(s, caller, action, &user)?);
    s.table.transact(ops).await?;
    Ok(UserView::of(&user))
}

/// Recomputes the chained ledger (system administrator): see [`crate::ledger::verify`].
pub async fn verify_ledger(s: &Services, caller: &Caller) -> CoreResult<crate::ledger::Verification> {
    if caller.role != Role::SystemAdmin {
        return Err(CoreError::Forbidden("Chỉ quản trị hệ thống kiểm tra toàn vẹn nhật ký.".into()));
    }
    crate::ledger::verify(s).await
}

/// The audit records of a month (`yyyy-mm`), newest first (system administrator).
pub async fn audit(s: &Services, caller: &Caller, month: &str) -> CoreResult<Vec<AuditRecord>> {
    if caller.role != Role::SystemAdmin {
        return Err(CoreError::Forbidden("Chỉ quản trị hệ thống xem nhật ký quản trị.".into()));
    }
    if chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_err() {
        return Err(CoreError::invalid("invalid_month", "Tháng phải có dạng yyyy-mm."));
    }
    let page =
        s.table.query(Query::partition(Index::Primary, keys::audit_partition(month)).descending().limit(1000)).await?;
    Ok(page.items.iter().map(keys::data).collect::<Result<_, _>>()?)
}
