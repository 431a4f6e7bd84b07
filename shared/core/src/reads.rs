//! Who read an applicant's personal data (P14, security issue item 8): each time someone other
//! than the owner opens a dossier or downloads one of its files, a record says who, of which
//! agency, when and what; the owner (and the handling agency) list them — "Ai đã xem hồ sơ của
//! tôi". Kept five years (ttl), in the dossier's own `READS#` partition so that the functions
//! that write them may write nothing else.

use crate::access::ensure_visible;
use crate::store::load;
use crate::{keys, Caller, CoreError, CoreResult, Services};
use motcua_domain::dossier::Dossier;
use motcua_domain::ids::AgencyCode;
use motcua_domain::roles::Role;
use motcua_ports::Condition;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// How long a read stays on record.
const KEPT_SECS: i64 = 5 * 366 * 86_400;

/// One read of a dossier's personal data.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Read {
    pub at: chrono::DateTime<chrono::FixedOffset>,
    /// Full name of the reader.
    pub by: String,
    pub role: Role,
    pub role_label: String,
    pub agency: Option<AgencyCode>,
    /// What was read: `dossier` or `file:<name>`.
    pub what: String,
}

/// Records that `caller` read `what` of `d`, unless the caller is its owner.
pub(crate) async fn record(s: &Services, caller: &Caller, d: &Dossier, what: String) -> CoreResult<()> {
    if caller.id == d.owner {
        return Ok(());
    }
    let read = Read {
        at: s.now(),
        by: caller.name.clone(),
        role: caller.role,
        role_label: caller.role.label().into(),
        agency: caller.agency.clone(),
        what,
    };
    let ttl = json!(chrono::Utc::now().timestamp() + KEPT_SECS);
    let key = keys::read(&d.id, chrono::Utc::now().timestamp_millis(), &uuid::Uuid::now_v7().to_string());
    s.table.put(keys::item(&key, &read, &[("ttl", ttl)])?, Condition::NotExists).await?;
    Ok(())
}

/// The reads of a dossier's data, newest first (its owner, or staff of its handling agency).
pub async fn list(s: &Services, caller: &Caller, dossier_id: &str) -> CoreResult<Vec<Read>> {
    let d = load(s, dossier_id).await?;
    ensure_visible(caller, &d)?;
    if d.owner != caller.id && !caller.works_for(&d.agency) {
        return Err(CoreError::Forbidden("Chỉ chủ hồ sơ và cơ quan giải quyết xem nhật ký truy cập hồ sơ.".into()));
    }
    keys::newest(s.table.as_ref(), keys::reads(&d.id), 200).await
}
