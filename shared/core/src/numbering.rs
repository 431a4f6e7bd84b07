//! Gap-free numbering: the day's dossier codes and the year's register numbers of an agency
//! are taken inside the transaction of the change that uses them, so a number is used only if
//! that change commits and never twice. Within one process, the changes that number an
//! agency's dossiers take turns (no contention at all on one machine); between processes (Lambda
//! instances, scaled-out servers) the loser of a race retries with the next number.

use crate::{CoreResult, Services};
use motcua_ports::{Condition, Item, Key, WriteOp};
use serde_json::{json, Value};
use std::hash::{Hash, Hasher};
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};

/// How many times a change tries for a number while other processes take the ones it read.
pub const ATTEMPTS: u32 = 30;

/// Turn locks, one per agency (hashed into a fixed set: two agencies may share a lock, which
/// costs a short wait, never a deadlock — a turn is held over one commit and nothing else).
pub struct Turns {
    locks: [Mutex<()>; 64],
}

impl Default for Turns {
    fn default() -> Turns {
        Turns { locks: std::array::from_fn(|_| Mutex::new(())) }
    }
}

impl Turns {
    /// Waits for the agency's turn; numbering changes of the agency in this process are
    /// serialized until the guard drops.
    pub async fn take(&self, agency: &str) -> MutexGuard<'_, ()> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        agency.hash(&mut hasher);
        self.locks[(hasher.finish() % self.locks.len() as u64) as usize].lock().await
    }
}

/// The next number of a counter and the write that takes it inside the change's own
/// transaction: conditional on the counter still holding the number read, so of two changes
/// that read the same number one commits and the other fails its condition (and tries again).
pub async fn next(s: &Services, key: Key) -> CoreResult<(u64, WriteOp)> {
    let current = s.table.get(&key).await?.and_then(|item| item.get("n").and_then(Value::as_u64));
    let next = current.unwrap_or(0) + 1;
    let condition = match current {
        Some(n) => Condition::AttrEquals("n".into(), json!(n)),
        None => Condition::NotExists,
    };
    let mut item = Item::new();
    item.insert("pk".into(), key.pk.into());
    item.insert("sk".into(), key.sk.into());
    item.insert("n".into(), json!(next));
    Ok((next, WriteOp::Put { item, condition }))
}

/// A short random pause before the next try, growing with the tries, so that contenders
/// spread out.
pub fn pause(attempt: u32) -> Duration {
    let ceiling = 5 * u64::from(attempt.min(10));
    Duration::from_millis(rand::random::<u64>() % (ceiling + 1))
}
