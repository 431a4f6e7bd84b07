//! What uploads may cost (security issue, item 3): quotas on upload declarations — per
//! applicant and day (count and declared bytes), per dossier over its life — and the sweeper
//! that deletes objects uploaded but never completed, on both runtimes. A declaration writes,
//! in one transaction with itself, the quota counters and a sweep entry due when the
//! declaration expires; the sweeper deletes the object of each due entry unless a dossier holds
//! it.

use crate::store::load;
use crate::{keys, Caller, CoreError, CoreResult, Services};
use motcua_ports::{attr_i64, Condition, Index, Item, Query, SortCondition, WriteOp};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Upload declarations an applicant may make in a day (Vietnam time).
pub const APPLICANT_UPLOADS_PER_DAY: i64 = 100;
/// Bytes an applicant may declare in a day.
pub const APPLICANT_BYTES_PER_DAY: i64 = 500 * 1024 * 1024;
/// Upload declarations one dossier may receive in its whole life.
pub const UPLOADS_PER_DOSSIER: i64 = 60;
/// How long a declaration may wait for its bytes and its completion.
pub const DECLARATION_LIFETIME_SECS: i64 = 24 * 3600;

/// An object to delete when it is due, unless a dossier holds it.
#[derive(Debug, Serialize, Deserialize)]
struct SweepEntry {
    dossier_id: String,
    object_key: String,
}

fn used(item: &Option<Item>, attr: &str) -> i64 {
    item.as_ref().and_then(|i| attr_i64(i, attr)).unwrap_or(0)
}

/// The writes that charge one declaration of `size` bytes to the caller and the dossier, and
/// schedule its object's sweep; or why the quota refuses it.
pub(crate) async fn charge(
    s: &Services,
    caller: &Caller,
    dossier_id: &str,
    object_key: &str,
    size: u64,
) -> CoreResult<Vec<WriteOp>> {
    let now = s.now();
    let day = now.format("%Y-%m-%d").to_string();
    let (of_caller, of_dossier) = (keys::upload_quota_of(&caller.id, &day), keys::upload_quota(dossier_id));
    let mut ops = vec![WriteOp::Add { key: of_dossier.clone(), add: vec![("uploads".into(), 1)], set: Item::new() }];
    let dossier_quota = s.table.get(&of_dossier).await?;
    if used(&dossier_quota, "uploads") >= UPLOADS_PER_DOSSIER {
        return Err(CoreError::rule(
            "upload_limit_reached",
            format!("Hồ sơ đã nhận đủ {UPLOADS_PER_DOSSIER} lượt tải tệp. Vui lòng liên hệ cơ quan tiếp nhận."),
        ));
    }
    if caller.role.is_applicant() {
        let today = s.table.get(&of_caller).await?;
        if used(&today, "uploads") >= APPLICANT_UPLOADS_PER_DAY
            || used(&today, "bytes") + size as i64 > APPLICANT_BYTES_PER_DAY
        {
            let midnight = (now.date_naive() + chrono::Days::new(1)).and_hms_opt(0, 0, 0).expect("midnight");
            return Err(CoreError::TooManyRequests((midnight - now.naive_local()).num_seconds().max(1)));
        }
        let expires = chrono::Utc::now().timestamp() + 2 * 86_400;
        let set = [("ttl".to_string(), json!(expires))].into_iter().collect();
        ops.push(WriteOp::Add { key: of_caller, add: vec![("uploads".into(), 1), ("bytes".into(), size as i64)], set });
    }
    let due = chrono::Utc::now().timestamp() + DECLARATION_LIFETIME_SECS + 3600;
    ops.push(sweep_op(due, dossier_id, object_key)?);
    Ok(ops)
}

/// The entry that has `object_key` deleted at `due` (unix seconds, system time) unless the
/// dossier then holds it.
pub(crate) fn sweep_op(due: i64, dossier_id: &str, object_key: &str) -> CoreResult<WriteOp> {
    let entry = SweepEntry { dossier_id: dossier_id.into(), object_key: object_key.into() };
    let name = object_key.rsplit('/').next().unwrap_or(object_key);
    let item = keys::item(&keys::sweep(due, dossier_id, name), &entry, &[])?;
    Ok(WriteOp::Put { item, condition: Condition::None })
}

/// Deletes the objects of declarations that expired without being completed by `now` (unix
/// seconds, system time; at most 100 a run): those no dossier holds. Each entry is removed once
/// handled.
pub async fn sweep(s: &Services, now: i64) -> CoreResult<usize> {
    let due = Query::partition(Index::Primary, keys::SWEEP_UPLOADS)
        .sort(SortCondition::Between("0".into(), format!("{now:010}#~")))
        .limit(100);
    let page = s.table.query(due).await?;
    let mut deleted = 0;
    for item in &page.items {
        let entry: SweepEntry = keys::data(item)?;
        let held = match load(s, &entry.dossier_id).await {
            Ok(d) => d.components.iter().chain(&d.result).any(|f| f.object_key == entry.object_key),
            Err(CoreError::NotFound(_)) => false,
            Err(e) => return Err(e),
        };
        if !held {
            s.objects.delete(&entry.object_key).await?;
            deleted += 1;
        }
        let key = motcua_ports::Key::of(item).ok_or_else(|| CoreError::Internal("sweep entry without key".into()))?;
        s.table.delete(&key, Condition::None).await?;
    }
    Ok(deleted)
}
