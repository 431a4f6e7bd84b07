//! The inboxes as an index (issue 14): each dossier has one entry, carrying its inbox line, in
//! the inbox of every (agency, role) it waits for, sorted by due time, and one more in the
//! assignee's own list; each inbox keeps its counts (total, by status, at risk) in a few counter
//! items, and its entries' counts by due day. Entries and counts move in the same transaction as
//! the dossier ([`ops`], called by the store's commit), so a page of an inbox reads a page of
//! entries, never the agency's dossiers.
//!
//! The dossier item remembers its entries (attribute `inbox`), so the next change knows which
//! to remove and which counts to take back without recomputing the past.

use crate::{keys, CoreResult, Services};
use motcua_domain::dossier::{Dossier, Status};
use motcua_domain::risk;
use motcua_domain::roles::Role;
use motcua_domain::views::{Flags, ListedRow};
use motcua_ports::{Condition, Index, Item, Key, Query, SortCondition, WriteOp};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The roles that have an inbox.
pub(crate) const ROLES: [Role; 3] = [Role::ReceivingOfficer, Role::Specialist, Role::Leader];
/// Counter items per inbox: concurrent changes of one agency's dossiers rarely touch the same.
const COUNT_SHARDS: u64 = 8;
/// Sort key part of an entry with nothing due (after every time).
pub(crate) const NOTHING_DUE: &str = "~";

/// Whether the dossier waits for `role` of `agency`.
pub(crate) fn waits_for(d: &Dossier, agency: &str, role: Role) -> bool {
    if d.agency != agency && d.receives(agency) {
        // The service centre that took a boundary-free dossier: to receive it, and to return
        // its result (R5).
        return matches!(role, Role::ReceivingOfficer | Role::Leader)
            && matches!(d.status, Status::Submitted | Status::Finished);
    }
    if d.agency != agency {
        return d.parts.iter().any(|p| p.agency == agency && p.completed_at.is_none())
            || d.consultations.iter().any(|c| c.agency == agency && c.answered_at.is_none());
    }
    match (&d.stage, role) {
        (_, Role::Leader) => d.status.is_open() || d.status == Status::Submitted || d.status == Status::Finished,
        (Some(stage), role) => stage.role == role && stage.unit == agency || (d.status == Status::WithdrawalRequested),
        (None, _) => false,
    }
}

/// One entry of a dossier in an inbox, as the dossier item remembers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Entry {
    pk: String,
    /// `<agency>#<role>` of a counted entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    inbox: Option<(String, String)>,
    sk: String,
    status: Status,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    at_risk: bool,
    /// Counted in its inbox's due days (entries written before layout 3 are not).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    by_day: bool,
}

/// Sort key part of a due time: UTC, second precision, ordered as text.
pub(crate) fn due_key(at: chrono::DateTime<chrono::FixedOffset>) -> String {
    at.with_timezone(&chrono::Utc).format("%Y%m%dT%H%M%SZ").to_string()
}

/// The (UTC) day an entry falls due, from its sort key; none when nothing is due.
fn due_day(sk: &str) -> Option<&str> {
    sk.get(..8).filter(|day| day.bytes().all(|b| b.is_ascii_digit()))
}

fn shard(dossier_id: &str) -> u64 {
    dossier_id.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b))) % COUNT_SHARDS
}

/// The agencies that may have `d` in an inbox.
fn candidate_agencies(d: &Dossier) -> Vec<&str> {
    let mut agencies = vec![d.agency.as_str(), d.receiving_office()];
    agencies.extend(d.parts.iter().map(|p| p.agency.as_str()));
    agencies.extend(d.consultations.iter().map(|c| c.agency.as_str()));
    agencies.sort_unstable();
    agencies.dedup();
    agencies
}

/// The entries `d` has now; `at_risk` is the prediction at this change.
pub(crate) fn entries_of(d: &Dossier, at_risk: bool) -> Vec<Entry> {
    let due = Flags::due_at(d).map_or_else(|| NOTHING_DUE.to_string(), due_key);
    let sk = format!("{due}#{}", d.id);
    let mut entries = Vec::new();
    for agency in candidate_agencies(d) {
        for role in ROLES.into_iter().filter(|role| waits_for(d, agency, *role)) {
            let entry = |pk, inbox| Entry { pk, inbox, sk: sk.clone(), status: d.status, at_risk, by_day: true };
            entries
                .push(entry(keys::inbox(agency, role.as_str()), Some((agency.to_string(), role.as_str().to_string()))));
            if let Some(a) = d.assignee.as_ref().filter(|_| d.agency == agency) {
                entries.push(entry(keys::inbox_assigned(agency, role.as_str(), &a.id), None));
            }
        }
    }
    entries
}

/// How `d` is progressing against its procedure's past stages, when its clock is running.
async fn pace(s: &Services, d: &Dossier) -> CoreResult<Option<risk::Pace>> {
    if !d.status.is_open() || d.waiting.is_some() || d.appointment.is_none() {
        return Ok(None);
    }
    let officers: Vec<&str> = d.assignee.as_ref().map(|a| a.id.as_str()).into_iter().collect();
    let history = crate::step_history::of(s, &d.procedure_code, &officers).await?;
    Ok(risk::Pace::of(d, &history))
}

/// The writes that move `d`'s entries from `before` (what its stored item remembers) to now,
/// and the attribute for the dossier item that remembers the new ones. Every entry carries the
/// dossier's inbox line, so every change rewrites them.
pub(crate) async fn ops(s: &Services, d: &Dossier, before: Vec<Entry>) -> CoreResult<(Vec<WriteOp>, Value)> {
    let pace = pace(s, d).await?;
    let at_risk = pace.as_ref().is_some_and(|p| p.predict(&s.calendar(), s.now()).at_risk);
    let now = entries_of(d, at_risk);
    let row = serde_json::to_value(ListedRow::of(d, pace))?;
    let mut ops = Vec::new();
    for old in before.iter().filter(|old| !now.iter().any(|e| (&e.pk, &e.sk) == (&old.pk, &old.sk))) {
        ops.push(WriteOp::Delete { key: Key::new(&old.pk, &old.sk), condition: Condition::None });
    }
    for e in &now {
        let mut item = Item::new();
        item.insert("pk".into(), json!(e.pk));
        item.insert("sk".into(), json!(e.sk));
        item.insert("status".into(), json!(e.status));
        item.insert("procedure".into(), json!(d.procedure_code));
        if e.at_risk {
            item.insert("at_risk".into(), json!(true));
        }
        item.insert("row".into(), row.clone());
        ops.push(WriteOp::Put { item, condition: Condition::None });
    }
    // The assignees' lists are not counted. `changes` counts the changes of an inbox's
    // entries: what was computed from them stays right while it does not move.
    let mut deltas: BTreeMap<&(String, String), BTreeMap<String, i64>> = BTreeMap::new();
    for (entries, sign) in [(&before, -1), (&now, 1)] {
        for e in entries {
            let Some(inbox) = &e.inbox else { continue };
            let counts = deltas.entry(inbox).or_default();
            *counts.entry("total".into()).or_default() += sign;
            *counts.entry(format!("status_{}", e.status.as_str())).or_default() += sign;
            *counts.entry("at_risk".into()).or_default() += sign * i64::from(e.at_risk);
        }
    }
    for (inbox, counts) in deltas.iter_mut() {
        let of = |entries: &[Entry]| entries.iter().find(|e| e.inbox.as_ref() == Some(*inbox)).cloned();
        if of(&before) != of(&now) {
            counts.insert("changes".into(), 1);
        }
    }
    for ((agency, role), counts) in deltas {
        let add: Vec<(String, i64)> = counts.into_iter().filter(|(_, n)| *n != 0).collect();
        if !add.is_empty() {
            let key = keys::inbox_counts(agency, role, shard(&d.id));
            ops.push(WriteOp::Add { key, add, set: Item::new() });
        }
    }
    // The due days: how many entries fall due each day, and how many of them are flagged.
    let mut days: BTreeMap<(&(String, String), &str), [i64; 2]> = BTreeMap::new();
    for (entries, sign) in [(&before, -1), (&now, 1)] {
        for e in entries.iter().filter(|e| e.by_day) {
            let (Some(inbox), Some(day)) = (&e.inbox, due_day(&e.sk)) else { continue };
            let counts = days.entry((inbox, day)).or_default();
            counts[0] += sign;
            counts[1] += sign * i64::from(e.at_risk);
        }
    }
    for (((agency, role), day), [n, at_risk]) in days {
        let add: Vec<(String, i64)> =
            [("n", n), ("at_risk", at_risk)].into_iter().filter(|(_, v)| *v != 0).map(|(k, v)| (k.into(), v)).collect();
        if !add.is_empty() {
            let key = Key::new(keys::inbox_due_days(agency, role), day);
            ops.push(WriteOp::Add { key, add, set: Item::new() });
        }
    }
    Ok((ops, serde_json::to_value(&now)?))
}

/// The entries a stored dossier item remembers (its attribute `inbox`).
pub(crate) fn remembered(listing: &Value) -> Vec<Entry> {
    serde_json::from_value(listing.clone()).unwrap_or_default()
}

/// The kept counts of an inbox: total, by status, at risk (when the dossiers last changed).
pub(crate) struct KeptCounts {
    /// How many times the inbox's entries changed.
    pub changes: i64,
    pub total: i64,
    pub by_status: BTreeMap<String, i64>,
    pub at_risk: i64,
}

pub(crate) async fn kept_counts(s: &Services, agency: &str, role: Role) -> CoreResult<KeptCounts> {
    let counts = keys::inbox_counts_partition(agency, role.as_str());
    let page = s.table.query(Query::partition(Index::Primary, counts).limit(COUNT_SHARDS as usize)).await?;
    let mut kept = KeptCounts { changes: 0, total: 0, by_status: BTreeMap::new(), at_risk: 0 };
    for item in &page.items {
        for (name, value) in item {
            let n = value.as_i64().unwrap_or_default();
            match name.as_str() {
                "changes" => kept.changes += n,
                "total" => kept.total += n,
                "at_risk" => kept.at_risk += n,
                name => {
                    if let Some(status) = name.strip_prefix("status_") {
                        *kept.by_status.entry(status.to_string()).or_default() += n;
                    }
                }
            }
        }
    }
    kept.by_status.retain(|_, n| *n != 0);
    Ok(kept)
}

/// `[entries, flagged at risk]` of an inbox falling due on the days before `day` (yyyymmdd).
pub(crate) async fn due_before(s: &Services, agency: &str, role: Role, day: &str) -> CoreResult<[i64; 2]> {
    let (mut counts, mut cursor) = ([0; 2], None);
    loop {
        // Between is inclusive: `day` itself is left out below.
        let query = Query::partition(Index::Primary, keys::inbox_due_days(agency, role.as_str()))
            .sort(SortCondition::Between("0".into(), day.to_string()))
            .limit(1000)
            .after(cursor);
        let page = s.table.query(query).await?;
        for item in page.items.iter().filter(|i| motcua_ports::attr_str(i, "sk") != Some(day)) {
            counts[0] += motcua_ports::attr_i64(item, "n").unwrap_or(0);
            counts[1] += motcua_ports::attr_i64(item, "at_risk").unwrap_or(0);
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(counts),
        }
    }
}

/// Every entry of `inbox` with sort keys in `[from, to]`, in order, `batch` at a time.
pub(crate) async fn range(
    s: &Services,
    inbox: &str,
    (from, to): (String, String),
    batch: usize,
    cursor: Option<String>,
) -> CoreResult<motcua_ports::Page> {
    let query =
        Query::partition(Index::Primary, inbox).sort(SortCondition::Between(from, to)).limit(batch).after(cursor);
    s.table.query(query).await.map_err(crate::store::cursor_error)
}

/// The layout of the entries; a store written with an older one is indexed again at start.
/// 2: entries carry the dossier's inbox line; 3: each inbox counts its entries by due day.
const LAYOUT: i64 = 3;

/// Puts every filed dossier of every agency in the index: for data written before it existed
/// or with an older [`LAYOUT`]. Done once per layout (a marker remembers it); each dossier in
/// its own conditional write, which moves its counts from what its remembered entries counted
/// (so that a rebuild cut short is safely done again).
pub async fn build_once(s: &Services) -> CoreResult<usize> {
    let marker = keys::inbox_index_built();
    let layout = match s.table.get(&marker).await? {
        Some(m) => motcua_ports::attr_i64(&m, "layout").unwrap_or(1),
        None => 0,
    };
    if layout >= LAYOUT {
        return Ok(0);
    }
    let mut built = 0;
    let agencies = keys::read_partition::<Value>(s.table.as_ref(), Index::Gsi1, "AGENCIES".to_string()).await?;
    for agency in agencies.iter().filter_map(|a| a.get("code").and_then(Value::as_str)) {
        let mut cursor = None;
        loop {
            let query = Query::partition(Index::Gsi2, format!("AGENCY#{agency}")).limit(200).after(cursor);
            let page = s.table.query(query).await?;
            for item in &page.items {
                let d: Dossier = keys::data(item)?;
                let before = item.get("inbox").map(remembered).unwrap_or_default();
                let (mut ops, listing) = ops(s, &d, before).await?;
                let mut item = item.clone();
                item.insert("inbox".into(), listing);
                let condition = Condition::AttrEquals("version".into(), json!(d.version));
                ops.push(WriteOp::Put { item, condition });
                // A dossier that changed meanwhile got its entries from that change.
                match s.table.transact(ops).await {
                    Ok(()) => built += 1,
                    Err(motcua_ports::TableError::ConditionFailed { .. } | motcua_ports::TableError::Conflict) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
    }
    s.table.put(keys::item(&marker, &json!({"at": s.now()}), &[("layout", json!(LAYOUT))])?, Condition::None).await?;
    Ok(built)
}
