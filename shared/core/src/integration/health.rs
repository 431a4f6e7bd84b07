//! What an operator sees of each connection (national-connections §1): its state, last
//! success and failure, backlog, oldest undelivered change and dead letters — and the replay
//! of dead letters.

use super::{portal_sync, webhooks, DVCQG};
use crate::{keys, store, Caller, CoreError, CoreResult, Services};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use motcua_domain::roles::Role;
use motcua_ports::{attr_i64, attr_str, Condition, ConnectionError, Index, Key, Query, WriteOp};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// A delivery that failed too often: kept with its reason until an operator replays it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeadLetter {
    pub connection: String,
    /// The dossier (national portal) or the feed position (webhook) it is about.
    pub subject: String,
    pub reason: String,
    pub attempts: u32,
    pub at: DateTime<FixedOffset>,
    /// The event that was not delivered (webhooks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub payload: Option<Value>,
}

impl DeadLetter {
    pub fn new(
        connection: &str,
        subject: &str,
        reason: String,
        attempts: u32,
        at: DateTime<FixedOffset>,
        payload: Option<Value>,
    ) -> Self {
        DeadLetter { connection: connection.into(), subject: subject.into(), reason, attempts, at, payload }
    }

    fn key(&self) -> Key {
        Key::new(keys::dead_letters(&self.connection), &self.subject)
    }

    pub(crate) fn put_op(&self) -> CoreResult<WriteOp> {
        Ok(WriteOp::Put { item: keys::item(&self.key(), self, &[])?, condition: Condition::None })
    }
}

fn health_key(connection: &str) -> Key {
    Key::new(keys::connection(connection), "HEALTH")
}

pub(crate) async fn record_success(s: &Services, connection: &str) -> CoreResult<()> {
    let mut set = Map::new();
    set.insert("last_success_ms".into(), json!(s.clock.now().timestamp_millis()));
    s.table
        .transact(vec![WriteOp::Add { key: health_key(connection), add: vec![("delivered".into(), 1)], set }])
        .await?;
    Ok(())
}

pub(crate) async fn record_failure(s: &Services, connection: &str, error: &ConnectionError) -> CoreResult<()> {
    let mut set = Map::new();
    set.insert("last_failure_ms".into(), json!(s.clock.now().timestamp_millis()));
    set.insert("last_error".into(), json!(error.to_string()));
    s.table
        .transact(vec![WriteOp::Add { key: health_key(connection), add: vec![("failures".into(), 1)], set }])
        .await?;
    Ok(())
}

/// How a connection is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    /// Not configured.
    Off,
    /// Nothing waiting, or the last attempt succeeded.
    Ok,
    /// The last attempt failed; deliveries wait with back-off.
    Failing,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConnectionHealth {
    /// `dvcqg`, or `webhook:<subscription id>`.
    pub name: String,
    pub label: String,
    pub state: ConnectionState,
    pub last_success: Option<DateTime<FixedOffset>>,
    pub last_failure: Option<DateTime<FixedOffset>>,
    pub last_error: Option<String>,
    pub delivered: i64,
    /// Deliveries waiting (dossiers to sync, or events after the subscriber's position).
    pub backlog: usize,
    /// Since when the oldest waiting delivery waits.
    pub oldest_undelivered: Option<DateTime<FixedOffset>>,
    pub dead_letters: usize,
}

fn at_ms(ms: Option<i64>) -> Option<DateTime<FixedOffset>> {
    ms.and_then(|ms| Utc.timestamp_millis_opt(ms).single()).map(motcua_domain::vn_time)
}

pub(crate) async fn count(s: &Services, pk: String) -> CoreResult<usize> {
    let mut n = 0;
    let mut cursor = None;
    loop {
        let page = s.table.query(Query::partition(Index::Primary, pk.clone()).limit(1000).after(cursor)).await?;
        n += page.items.len();
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(n),
        }
    }
}

/// The health of one connection from its stored counters; `pending` is its backlog and the
/// oldest waiting time (ms).
pub(crate) async fn view(
    s: &Services,
    name: &str,
    label: String,
    configured: bool,
    pending: (usize, Option<i64>),
) -> CoreResult<ConnectionHealth> {
    let h = s.table.get(&health_key(name)).await?.unwrap_or_default();
    let (success, failure) = (attr_i64(&h, "last_success_ms"), attr_i64(&h, "last_failure_ms"));
    let failing = failure.is_some_and(|f| success.is_none_or(|s| f > s)) && pending.0 > 0;
    Ok(ConnectionHealth {
        name: name.into(),
        label,
        state: match (configured, failing) {
            (false, _) => ConnectionState::Off,
            (true, true) => ConnectionState::Failing,
            (true, false) => ConnectionState::Ok,
        },
        last_success: at_ms(success),
        last_failure: at_ms(failure),
        last_error: failing.then(|| attr_str(&h, "last_error").map(String::from)).flatten(),
        delivered: attr_i64(&h, "delivered").unwrap_or(0),
        backlog: pending.0,
        oldest_undelivered: at_ms(pending.1),
        dead_letters: count(s, keys::dead_letters(name)).await?,
    })
}

fn ensure_admin(caller: &Caller) -> CoreResult<()> {
    if caller.role != Role::SystemAdmin {
        return Err(CoreError::Forbidden("Chỉ quản trị hệ thống xem và điều khiển các kết nối.".into()));
    }
    Ok(())
}

/// Every connection: the national portal, then each webhook subscription.
pub async fn connections(s: &Services, caller: &Caller) -> CoreResult<Vec<ConnectionHealth>> {
    ensure_admin(caller)?;
    let markers = s.table.query(Query::partition(Index::Primary, keys::sync_pending(DVCQG)).limit(1000)).await?;
    let oldest = markers
        .items
        .iter()
        .filter_map(|m| attr_i64(m, "failing_since_ms").or_else(|| attr_i64(m, "changed_ms")))
        .min();
    let mut out = vec![
        view(
            s,
            DVCQG,
            "Cổng Dịch vụ công quốc gia — đồng bộ hồ sơ".into(),
            s.connections.portal.is_some(),
            (count(s, keys::sync_pending(DVCQG)).await?, oldest),
        )
        .await?,
    ];
    out.extend(webhooks::health(s).await?);
    Ok(out)
}

/// The dead letters of a connection, oldest first.
pub async fn dead_letters(s: &Services, caller: &Caller, connection: &str) -> CoreResult<Vec<DeadLetter>> {
    ensure_admin(caller)?;
    let mut letters: Vec<DeadLetter> =
        keys::read_partition(s.table.as_ref(), Index::Primary, keys::dead_letters(connection)).await?;
    letters.sort_by_key(|l| l.at);
    Ok(letters)
}

/// Puts every dead letter of a connection back in line; returns how many.
pub async fn replay(s: &Services, caller: &Caller, connection: &str) -> CoreResult<usize> {
    let letters = dead_letters(s, caller, connection).await?;
    for letter in &letters {
        if connection == DVCQG {
            match store::load(s, &letter.subject).await {
                Ok(d) => s.table.transact(vec![portal_sync::pending_op(&d, s.clock.now())]).await?,
                Err(CoreError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        } else {
            webhooks::replay(s, connection, letter).await?;
        }
        s.table.delete(&letter.key(), Condition::None).await?;
    }
    crate::admin::audit_record(s, caller, "integration.replay", connection, &format!("{} thư lỗi", letters.len()))
        .await?;
    Ok(letters.len())
}
