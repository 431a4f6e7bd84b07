//! Storage of dossiers: loading one, and committing one change atomically — the dossier
//! (conditional on its version, so concurrent writers cannot overwrite each other), its public
//! lookup entry, its ledger entry, the report aggregates, the inbox pointers of agencies that
//! join, the outbox event, the national portal's sync marker and the agencies' feed entries,
//! the archive's due entry of a closed dossier, and the idempotency record all commit together
//! or not at all. An archived dossier is refused every change but the archive's own.

use crate::access::{id_hash_of, secret_hash};
use crate::events::{self, Event};
use crate::idempotency::IdempotencyKey;
use crate::{keys, CoreError, CoreResult, Services};
use chrono::NaiveDate;
use motcua_domain::dossier::Dossier;
use motcua_domain::report::Delta;
use motcua_domain::views::PublicView;
use motcua_ports::{Condition, TableError, WriteOp};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map};
use std::collections::BTreeMap;

pub(crate) fn cursor_error(e: TableError) -> CoreError {
    match e {
        TableError::Invalid(_) => CoreError::invalid("invalid_cursor", "Tham số cursor không hợp lệ."),
        e => e.into(),
    }
}

pub(crate) async fn load(s: &Services, id: &str) -> CoreResult<Dossier> {
    let item = s.table.get(&keys::dossier(id)).await?.ok_or_else(|| CoreError::not_found("hồ sơ"))?;
    let mut d: Dossier = keys::data(&item)?;
    d.inbox_listing = Some(item.get("inbox").cloned().unwrap_or_else(|| json!([])));
    Ok(d)
}

pub(crate) fn check_if_match(d: &Dossier, if_match: Option<u64>) -> CoreResult<()> {
    match if_match {
        Some(v) if v != d.version => Err(CoreError::PreconditionFailed),
        _ => Ok(()),
    }
}

/// Shards of each day of the province-wide aggregate.
const PROVINCE_SHARDS: u8 = 8;

pub(crate) fn aggregate_ops(d: &Dossier, deltas: Vec<Delta>) -> Vec<WriteOp> {
    let assisted_at = d.assisted_at.as_ref().map(|o| o.code.as_str());
    aggregate_ops_of(&d.agency, &d.field, &d.procedure_code, (d.receiving_office(), assisted_at), deltas)
}

/// The counter updates of `deltas` for a dossier of `agency`, `field` and `procedure`, received
/// by `office` and filed with the help of the service centre `assisted_at`: every scope gets
/// them, the receiving office and the helping centre only reception (R5).
pub(crate) fn aggregate_ops_of(
    agency: &str,
    field: &str,
    procedure: &str,
    (office, assisted_at): (&str, Option<&str>),
    deltas: Vec<Delta>,
) -> Vec<WriteOp> {
    let a = agency;
    let scopes = [
        "all".to_string(),
        format!("agency:{a}"),
        format!("agency:{a}|field:{field}"),
        format!("agency:{a}|procedure:{procedure}"),
        format!("field:{field}"),
        format!("procedure:{procedure}"),
    ];
    let mut by_day: BTreeMap<NaiveDate, Vec<(String, i64)>> = BTreeMap::new();
    for (day, metric, n) in deltas {
        by_day.entry(day).or_default().push((metric.to_string(), n));
    }
    let add = |scope: &str, day: NaiveDate, add: Vec<(String, i64)>| {
        let mut set = Map::new();
        set.insert("day".into(), json!(day.format("%Y-%m-%d").to_string()));
        // Every change of the province adds to the scope `all`: its days are spread over
        // shards, so that officers of different agencies do not write one item at once.
        let key = match scope {
            "all" => keys::aggregate_shard(scope, day, rand::random::<u8>() % PROVINCE_SHARDS),
            _ => keys::aggregate(scope, day),
        };
        WriteOp::Add { key, add, set }
    };
    let mut ops = Vec::new();
    for scope in &scopes {
        for (day, metrics) in &by_day {
            ops.push(add(scope, *day, metrics.clone()));
        }
    }
    let reception_scopes: Vec<String> =
        std::iter::once(format!("office:{office}")).chain(assisted_at.map(|c| format!("assist:{c}"))).collect();
    for (day, metrics) in &by_day {
        let received: Vec<_> = metrics.iter().filter(|(m, _)| m.starts_with("received_")).cloned().collect();
        if !received.is_empty() {
            for scope in &reception_scopes {
                ops.push(add(scope, *day, received.clone()));
            }
        }
    }
    ops
}

/// The inbox entries of version `version` of a dossier loaded without them, as its stored item
/// remembers them (none when the stored item is of another version: the commit's condition
/// fails then).
async fn listed_in_inboxes(s: &Services, id: &str, version: u64) -> CoreResult<Vec<crate::inbox_index::Entry>> {
    Ok(match s.table.get(&keys::dossier(id)).await? {
        Some(item) if item.get("version") == Some(&json!(version)) => {
            item.get("inbox").map(crate::inbox_index::remembered).unwrap_or_default()
        }
        _ => vec![],
    })
}

/// One change of a dossier, committed atomically.
pub(crate) struct Change {
    pub dossier: Dossier,
    /// `None` for a new dossier.
    pub previous_version: Option<u64>,
    pub deltas: Vec<Delta>,
    pub event: Option<Event>,
    pub extra: Vec<WriteOp>,
    /// A change of the archive itself (archiving, erasure): allowed on an archived dossier,
    /// not a step of its handling (nothing for the national portal or the agencies' feeds).
    pub archival: bool,
}

impl Change {
    pub(crate) fn new(dossier: Dossier, previous_version: Option<u64>) -> Self {
        Change { dossier, previous_version, deltas: vec![], event: None, extra: vec![], archival: false }
    }
}

/// The most a stored dossier may weigh, encoded. A store item may hold 400 KB (DynamoDB); the
/// margin covers the attributes' own encoding. Every free text is bounded and messages are
/// items of their own, so a real dossier stays around 3–10 KB; a change that would still pass
/// this is refused and changes nothing, instead of failing in the store on every later write.
pub(crate) const MAX_DOSSIER_BYTES: usize = 350 * 1024;

fn ensure_storable(item: &motcua_ports::Item) -> CoreResult<()> {
    if serde_json::to_vec(item)?.len() > MAX_DOSSIER_BYTES {
        return Err(CoreError::Rule {
            code: "dossier_too_large",
            message: "Hồ sơ đã đạt dung lượng tối đa được lưu cho một hồ sơ; thao tác này không được ghi. \
                      Vui lòng trao đổi qua tin nhắn hoặc liên hệ quản trị hệ thống."
                .into(),
        });
    }
    Ok(())
}

/// Commits a change and answers `response`; with an idempotency key, the response is kept
/// with the change and a retry replays the first one.
pub(crate) async fn commit<R: Serialize + DeserializeOwned>(
    s: &Services,
    change: Change,
    response: R,
    idem: Option<&IdempotencyKey>,
) -> CoreResult<R> {
    let d = &change.dossier;
    if d.archive.is_some() && !change.archival {
        return Err(crate::archive::read_only());
    }
    let mut extra = vec![
        ("version", json!(d.version)),
        ("gsi1pk", json!(format!("OWNER#{}", d.owner))),
        ("gsi1sk", json!(format!("{}#{}", d.created_at.to_rfc3339(), d.id))),
    ];
    if let Some(submitted) = d.submitted_at {
        extra.push(("gsi2pk", json!(format!("AGENCY#{}", d.agency))));
        extra.push(("gsi2sk", json!(format!("{}#{}", submitted.to_rfc3339(), d.id))));
    }
    let (condition, listed_before) = match change.previous_version {
        Some(v) => {
            let listed = match &d.inbox_listing {
                Some(listing) => crate::inbox_index::remembered(listing),
                None => listed_in_inboxes(s, &d.id, v).await?,
            };
            (Condition::AttrEquals("version".into(), json!(v)), listed)
        }
        None => (Condition::NotExists, vec![]),
    };
    let (inbox_ops, listed) = crate::inbox_index::ops(s, d, listed_before).await?;
    extra.push(("inbox", listed));
    let item = keys::item(&keys::dossier(&d.id), d, &extra)?;
    ensure_storable(&item)?;
    let mut ops = vec![WriteOp::Put { item, condition }];
    ops.extend(inbox_ops);
    if let Some(code) = &d.code {
        let mut hashes = vec![("dossier", json!(d.id))];
        if let Some(secret) = &d.receipt_secret {
            hashes.push(("secret_hash", json!(secret_hash(secret))));
        }
        if let Some(id) = &d.applicant.id_number {
            hashes.push(("id_hash", json!(id_hash_of(s, code, id))));
        }
        ops.push(WriteOp::Put {
            item: keys::item(&keys::lookup(code), &PublicView::of(d), &hashes)?,
            condition: Condition::None,
        });
    }
    ops.push(crate::ledger::append(s, format!("dossier:{}", d.id), d)?);
    ops.extend(aggregate_ops(d, change.deltas));
    if let Some(e) = &change.event {
        ops.push(e.outbox_op()?);
    }
    if !change.archival {
        ops.extend(crate::integration::change_ops(s, d)?);
    }
    ops.extend(crate::archive::due_op(d)?);
    ops.extend(change.extra);
    let idem_index = ops.len();
    if let Some(idem) = idem {
        ops.push(idem.record(&response)?);
    }
    match s.table.transact(ops).await {
        Ok(()) => {}
        Err(TableError::ConditionFailed { index: Some(i) }) if i == idem_index && idem.is_some() => {
            if let Some(first) = idem.expect("checked").replay(s).await? {
                return Ok(first);
            }
            return Err(CoreError::Conflict);
        }
        Err(TableError::ConditionFailed { .. }) | Err(TableError::Conflict) => return Err(CoreError::Conflict),
        Err(e) => return Err(e.into()),
    }
    if let Some(e) = change.event {
        events::publish(s, std::slice::from_ref(&e)).await;
    }
    Ok(response)
}
