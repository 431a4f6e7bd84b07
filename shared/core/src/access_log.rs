//! Access statistics (P14): each process counts the API requests it answers — by day (Vietnam
//! time), operation and outcome — in memory, and adds its counts to the day's records about
//! once a minute (one write per operation and minute, not one per request, and no item that
//! every request updates). System administrators read a day's statistics per operation; the
//! public sees the portal's usage per day. Counts not yet added when a process stops are lost:
//! these are statistics, not acknowledged data.

use crate::{keys, Caller, CoreError, CoreResult, Services};
use motcua_domain::roles::Role;
use motcua_ports::{attr_str, Index, Item, Query, WriteOp};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often a process adds its counts to the table.
pub const FLUSH_EVERY: Duration = Duration::from_secs(60);

/// Requests answered, by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Outcomes {
    /// 2xx and 3xx.
    pub ok: i64,
    /// 4xx: refused (bad input, no right, not found, too many requests).
    pub refused: i64,
    /// 5xx.
    pub failed: i64,
}

impl Outcomes {
    fn total(&self) -> i64 {
        self.ok + self.refused + self.failed
    }

    fn add(&mut self, other: &Outcomes) {
        (self.ok, self.refused, self.failed) =
            (self.ok + other.ok, self.refused + other.refused, self.failed + other.failed);
    }
}

/// The counts of this process not yet added to the table.
pub struct AccessCounter {
    pending: Mutex<BTreeMap<(String, String), Outcomes>>,
    last_flush: Mutex<Instant>,
}

impl Default for AccessCounter {
    fn default() -> AccessCounter {
        AccessCounter { pending: Mutex::new(BTreeMap::new()), last_flush: Mutex::new(Instant::now()) }
    }
}

impl AccessCounter {
    /// Counts one answer of `operation` (`GET /api/v1/procedures/{code}`) on `day`; true when
    /// the counts are due to be added to the table.
    pub fn count(&self, day: String, operation: String, status: u16) -> bool {
        let mut pending = self.pending.lock().expect("access counts");
        let o = pending.entry((day, operation)).or_default();
        match status {
            500.. => o.failed += 1,
            400.. => o.refused += 1,
            _ => o.ok += 1,
        }
        let mut last = self.last_flush.lock().expect("access flush time");
        let due = last.elapsed() >= FLUSH_EVERY;
        if due {
            *last = Instant::now();
        }
        due
    }

    fn take(&self) -> BTreeMap<(String, String), Outcomes> {
        std::mem::take(&mut *self.pending.lock().expect("access counts"))
    }
}

/// Adds this process's counts to the day records; returns the records updated. Counts that
/// could not be written are kept for the next time (those already written are not).
pub async fn flush(s: &Services) -> CoreResult<usize> {
    let taken: Vec<_> = s.access.take().into_iter().collect();
    for (written, chunk) in taken.chunks(25).enumerate() {
        let updates = chunk
            .iter()
            .map(|((day, operation), o)| WriteOp::Add {
                key: keys::access(day, operation),
                add: vec![("ok".into(), o.ok), ("refused".into(), o.refused), ("failed".into(), o.failed)],
                set: Item::new(),
            })
            .collect();
        if let Err(e) = s.table.transact(updates).await {
            let mut pending = s.access.pending.lock().expect("access counts");
            for (key, o) in taken.into_iter().skip(written * 25) {
                pending.entry(key).or_default().add(&o);
            }
            return Err(e.into());
        }
    }
    Ok(taken.len())
}

/// The requests of one operation on one day.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OperationCount {
    /// `METHOD /path/{parameter}`.
    pub operation: String,
    #[serde(flatten)]
    pub outcomes: Outcomes,
}

fn read_outcomes(item: &Item) -> Outcomes {
    let n = |name: &str| motcua_ports::attr_i64(item, name).unwrap_or(0);
    Outcomes { ok: n("ok"), refused: n("refused"), failed: n("failed") }
}

fn parse_day(day: &str) -> CoreResult<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map_err(|_| CoreError::invalid("invalid_day", "Ngày phải có dạng yyyy-mm-dd."))
}

/// A day's requests per operation, most requested first (system administrator).
pub async fn statistics(s: &Services, caller: &Caller, day: &str) -> CoreResult<Vec<OperationCount>> {
    if caller.role != Role::SystemAdmin {
        return Err(CoreError::Forbidden("Chỉ quản trị hệ thống xem thống kê truy cập.".into()));
    }
    parse_day(day)?;
    let items =
        keys::read_items(s.table.as_ref(), Query::partition(Index::Primary, keys::access_partition(day))).await?;
    let mut counts: Vec<OperationCount> = items
        .iter()
        .map(|i| OperationCount {
            operation: attr_str(i, "sk").unwrap_or_default().to_string(),
            outcomes: read_outcomes(i),
        })
        .collect();
    counts.sort_by_key(|c| std::cmp::Reverse(c.outcomes.total()));
    Ok(counts)
}

/// The portal's usage on one day (public).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DayUsage {
    /// `yyyy-mm-dd`.
    pub day: String,
    /// Requests answered.
    pub requests: i64,
    /// Public lookups of dossiers.
    pub lookups: i64,
    /// Dossiers submitted online.
    pub submissions: i64,
}

/// Usage of the last `days` days up to `today` (at most 31), oldest first.
pub async fn usage(s: &Services, days: u32) -> CoreResult<Vec<DayUsage>> {
    if !(1..=31).contains(&days) {
        return Err(CoreError::invalid("invalid_days", "Số ngày từ 1 đến 31."));
    }
    let today = s.now().date_naive();
    let mut out = Vec::new();
    for back in (0..days).rev() {
        let day = (today - chrono::Days::new(back as u64)).format("%Y-%m-%d").to_string();
        let items =
            keys::read_items(s.table.as_ref(), Query::partition(Index::Primary, keys::access_partition(&day))).await?;
        let ok_of = |op: &str| items.iter().find(|i| attr_str(i, "sk") == Some(op)).map(read_outcomes);
        out.push(DayUsage {
            requests: items.iter().map(|i| read_outcomes(i).total()).sum(),
            lookups: ok_of("GET /api/v1/lookup/{code}").map_or(0, |o| o.ok),
            submissions: ok_of("POST /api/v1/dossiers/{id}/submit").map_or(0, |o| o.ok),
            day,
        });
    }
    Ok(out)
}
