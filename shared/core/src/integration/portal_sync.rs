//! Dossiers out to the national portal (M10). A committed change leaves a pending marker for
//! its dossier (in the same transaction); [`run_due`] takes the due markers and, per dossier and
//! in this order, pushes the dossier record (`DongBoHoSoMC`, `isUpdating` from what the portal
//! already holds) and the progress steps it has not received yet (`CapNhatTienDoHoSoMC`). What
//! the portal holds is remembered per dossier, so a retry never repeats an acknowledged step;
//! the marker goes only when the dossier has not changed meanwhile. A failure waits with
//! back-off; too many make a dead letter.

use super::health::{self, DeadLetter};
use super::DVCQG;
use crate::{catalogue, keys, store, CoreError, CoreResult, Services};
use chrono::{DateTime, Utc};
use motcua_domain::catalogue::Field;
use motcua_domain::delivery::AfterFailure;
use motcua_domain::dossier::Dossier;
use motcua_domain::national::{dossier_record, progress_records, MappingContext};
use motcua_ports::{attr_i64, Condition, ConnectionError, Index, Item, Key, Query, Record, TableError, WriteOp};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// What the portal has acknowledged of a dossier.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SyncState {
    pub on_portal: bool,
    /// History steps pushed (the next push starts at this index).
    pub steps_pushed: usize,
    pub synced_at: Option<DateTime<Utc>>,
}

pub(crate) fn marker_key(dossier_id: &str) -> Key {
    Key::new(keys::sync_pending(DVCQG), dossier_id)
}

/// The pending-sync marker a change of `d` writes: counts the changes, due at once.
pub(crate) fn pending_op(d: &Dossier, now: DateTime<Utc>) -> WriteOp {
    let mut set = Map::new();
    set.insert("changed_ms".into(), json!(now.timestamp_millis()));
    set.insert("due_ms".into(), json!(0));
    WriteOp::Add { key: marker_key(&d.id), add: vec![("changes".into(), 1)], set }
}

/// Marks a dossier to be sent again in full (every step): `on_portal` says whether the portal
/// holds it at all (an update) or lost it (a creation).
pub(crate) async fn resend(s: &Services, d: &Dossier, on_portal: bool) -> CoreResult<()> {
    let state = SyncState { on_portal, steps_pushed: 0, synced_at: None };
    s.table
        .transact(vec![
            WriteOp::Put {
                item: keys::item(&keys::sync_state(DVCQG, &d.id), &state, &[])?,
                condition: Condition::None,
            },
            pending_op(d, s.clock.now()),
        ])
        .await?;
    Ok(())
}

fn to_records<T: Serialize>(values: &[T]) -> CoreResult<Vec<Record>> {
    values
        .iter()
        .map(|v| match serde_json::to_value(v)? {
            Value::Object(m) => Ok(m),
            _ => Err(CoreError::Internal("record is not an object".into())),
        })
        .collect()
}

/// The name of a field (`TenLinhVuc`) among the catalogue's fields, its code when unknown.
fn field_name(fields: &[Field], code: &str) -> String {
    fields.iter().find(|f| f.code == code).map_or_else(|| code.to_string(), |f| f.name.clone())
}

/// Why a push did not complete: the portal (retried with back-off) or our own storage (the
/// run stops; the marker stays).
enum PushError {
    Portal(ConnectionError),
    Local(CoreError),
}

impl From<ConnectionError> for PushError {
    fn from(e: ConnectionError) -> Self {
        PushError::Portal(e)
    }
}

impl<E: Into<CoreError>> From<E> for PushError {
    fn from(e: E) -> Self {
        PushError::Local(e.into())
    }
}

/// Pushes what the portal does not hold yet of one dossier. `retried`: an earlier attempt may
/// have reached the portal without its answer reaching us, so ask before creating.
async fn push(s: &Services, fields: &[Field], d: &Dossier, retried: bool) -> Result<(), PushError> {
    let portal = s.connections.portal.as_ref().expect("called only when the connection is on");
    let link = |d: &Dossier, f: &motcua_domain::dossier::AttachedFile| super::file_links::signed_url(s, d, f);
    let ctx = MappingContext { field_name: field_name(fields, &d.field), file_url: &link };
    let Some(record) = dossier_record(d, &ctx) else { return Ok(()) };
    let state_key = keys::sync_state(DVCQG, &d.id);
    let stored = s.table.get(&state_key).await?;
    let mut state: SyncState = stored.map(|i| keys::data(&i)).transpose()?.unwrap_or_default();
    if !state.on_portal && retried {
        state.on_portal = portal.lookup(&record.ma_ho_so).await?.is_some();
    }
    portal.push_dossiers(to_records(&[record])?, state.on_portal).await?;
    let first = !state.on_portal;
    state.on_portal = true;
    let mut ops = vec![WriteOp::Put { item: keys::item(&state_key, &state, &[])?, condition: Condition::None }];
    // The portal now holds it: counted for the Decision 766 index on its day of receipt (R9).
    if let (true, Some(received)) = (first, d.received_at) {
        let synced = (received.date_naive(), motcua_domain::index766::metric::SYNCED, 1);
        ops.extend(crate::store::aggregate_ops(d, vec![synced]));
    }
    s.table.transact(ops).await?;
    let steps = progress_records(d, state.steps_pushed);
    if !steps.is_empty() {
        portal.push_progress(to_records(&steps)?).await?;
    }
    state.steps_pushed = d.history.len();
    state.synced_at = Some(s.clock.now());
    s.table.put(keys::item(&state_key, &state, &[])?, Condition::None).await?;
    Ok(())
}

/// Records a failed attempt: later with back-off, or a dead letter.
async fn failed(s: &Services, marker: &Item, id: &str, error: &ConnectionError) -> CoreResult<()> {
    let attempts = attr_i64(marker, "attempts").unwrap_or(0) as u32 + 1;
    let now = s.clock.now();
    health::record_failure(s, DVCQG, error).await?;
    match s.connections.retry.after_failure(attempts, now) {
        AfterFailure::RetryAt(at) => {
            let mut set = Map::new();
            set.insert("due_ms".into(), json!(at.timestamp_millis()));
            set.insert("last_error".into(), json!(error.to_string()));
            if attempts == 1 {
                set.insert(
                    "failing_since_ms".into(),
                    marker.get("changed_ms").cloned().unwrap_or(json!(now.timestamp_millis())),
                );
            }
            s.table
                .transact(vec![WriteOp::Add { key: marker_key(id), add: vec![("attempts".into(), 1)], set }])
                .await?;
        }
        AfterFailure::DeadLetter => {
            let letter = DeadLetter::new(DVCQG, id, error.to_string(), attempts, s.now(), None);
            s.table
                .transact(vec![
                    letter.put_op()?,
                    WriteOp::Delete {
                        key: marker_key(id),
                        condition: Condition::AttrEquals("changes".into(), marker["changes"].clone()),
                    },
                ])
                .await
                .or_else(|e| match e {
                    TableError::ConditionFailed { .. } => Ok(()),
                    e => Err(e),
                })?;
            tracing::error!(dossier = id, attempts, error = %error, "national portal sync dead-lettered");
        }
    }
    Ok(())
}

/// Syncs the dossiers whose marker is due; returns how many were acknowledged.
pub async fn run_due(s: &Services) -> CoreResult<usize> {
    if s.connections.portal.is_none() {
        return Ok(0);
    }
    let now_ms = s.clock.now().timestamp_millis();
    // Read once per run, not once per dossier.
    let fields = catalogue::fields(s).await?;
    let mut done = 0;
    let mut cursor = None;
    loop {
        let page =
            s.table.query(Query::partition(Index::Primary, keys::sync_pending(DVCQG)).limit(200).after(cursor)).await?;
        for marker in page.items.iter().filter(|m| attr_i64(m, "due_ms").unwrap_or(0) <= now_ms) {
            let id = marker["sk"].as_str().unwrap_or_default().to_string();
            let d = match store::load(s, &id).await {
                Ok(d) => d,
                Err(CoreError::NotFound(_)) => {
                    s.table.delete(&marker_key(&id), Condition::None).await?;
                    continue;
                }
                Err(e) => return Err(e),
            };
            match push(s, &fields, &d, attr_i64(marker, "attempts").unwrap_or(0) > 0).await {
                Ok(()) => {
                    done += 1;
                    health::record_success(s, DVCQG).await?;
                    let unchanged = Condition::AttrEquals("changes".into(), marker["changes"].clone());
                    match s.table.delete(&marker_key(&id), unchanged).await {
                        Ok(()) => {}
                        // Changed meanwhile: the marker stays, due now, its failures forgotten.
                        Err(TableError::ConditionFailed { .. }) => {
                            let attempts = attr_i64(marker, "attempts").unwrap_or(0);
                            let mut set = Map::new();
                            set.insert("due_ms".into(), json!(0));
                            let add = vec![("attempts".into(), -attempts)];
                            s.table.transact(vec![WriteOp::Add { key: marker_key(&id), add, set }]).await?;
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                Err(PushError::Portal(e)) => failed(s, marker, &id, &e).await?,
                Err(PushError::Local(e)) => return Err(e),
            }
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(done),
        }
    }
}
