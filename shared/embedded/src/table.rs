//! `RedbTable`: the `Table` port on redb.
//!
//! Items are stored as JSON under (pk, sk); gsi1 / gsi2 entries are keys (gsiNpk, gsiNsk, pk,
//! sk) written in the same transaction as the item. Expired items (numeric `ttl` in the past)
//! are treated as absent by reads and by conditions; [`RedbTable::purge_expired`] removes them.
//! Cursors are base64url JSON of the last key returned.

use std::ops::Bound;
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use motcua_ports::{Condition, Index, Item, Key, Page, Query, SortCondition, Table, TableError, WriteOp};
use redb::{ReadTransaction, ReadableTable};
use serde_json::Value;

use crate::error::EmbeddedError;
use crate::writer::{Shared, WriteTables, GSI1, GSI2, ITEMS};

const MAX_ITEM_BYTES: usize = 400 * 1024;
const MAX_TRANSACT_OPS: usize = 100;
const MAX_PAGE: usize = 1000;
const PURGE_BATCH: usize = 500;

/// The `Table` port on the embedded store; see [`crate::EmbeddedStore::table`].
pub struct RedbTable {
    shared: Arc<Shared>,
}

impl RedbTable {
    pub(crate) fn new(shared: Arc<Shared>) -> RedbTable {
        RedbTable { shared }
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Deletes every expired item (they are already invisible); returns how many went.
    pub async fn purge_expired(&self) -> Result<usize, TableError> {
        let now = now_secs();
        let keys = self
            .shared
            .read(move |txn| {
                let items = txn.open_table(ITEMS).map_err(redb::Error::from)?;
                let mut keys = Vec::new();
                for entry in items.iter().map_err(redb::Error::from)? {
                    let (key, value) = entry.map_err(redb::Error::from)?;
                    if decode(value.value()).is_ok_and(|item| expired(&item, now)) {
                        let (pk, sk) = key.value();
                        keys.push(Key::new(pk, sk));
                    }
                }
                Ok(keys)
            })
            .await?;
        let mut purged = 0;
        for chunk in keys.chunks(PURGE_BATCH) {
            let chunk = chunk.to_vec();
            purged += self
                .shared
                .write(move |t| {
                    let mut purged = 0;
                    for key in &chunk {
                        // Re-read: it may have been replaced since the scan.
                        match load(&t.items, key) {
                            Ok(Some(old)) if expired(&old, now) => {
                                remove_index_entries(t, key, &old)?;
                                t.items.remove((key.pk.as_str(), key.sk.as_str()))?;
                                purged += 1;
                            }
                            Ok(_) | Err(Fail::Refused(_)) => {}
                            Err(Fail::Storage(error)) => return Err(error),
                        }
                    }
                    Ok(purged)
                })
                .await?;
        }
        Ok(purged)
    }

    async fn write_ops(&self, ops: Vec<WriteOp>, single: bool) -> Result<Vec<Option<Item>>, TableError> {
        check_ops(&ops)?;
        let outcome = self
            .shared
            .write(move |t| match plan(t, &ops, single, now_secs()) {
                Ok(changes) => apply(t, changes).map(Ok),
                Err(Fail::Refused(error)) => Ok(Err(error)),
                Err(Fail::Storage(error)) => Err(error),
            })
            .await?;
        outcome
    }
}

#[async_trait::async_trait]
impl Table for RedbTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        let now = now_secs();
        let item = self.shared.read_here(|txn| {
            let items = txn.open_table(ITEMS).map_err(redb::Error::from)?;
            load(&items, key).map_err(Fail::into_embedded)
        })?;
        Ok(item.filter(|item| !expired(item, now)))
    }

    async fn put(&self, item: Item, condition: Condition) -> Result<(), TableError> {
        self.write_ops(vec![WriteOp::Put { item, condition }], true).await.map(drop)
    }

    async fn delete(&self, key: &Key, condition: Condition) -> Result<(), TableError> {
        self.write_ops(vec![WriteOp::Delete { key: key.clone(), condition }], true).await.map(drop)
    }

    async fn query(&self, query: Query) -> Result<Page, TableError> {
        if query.limit == 0 {
            return Err(TableError::Invalid("limit must be at least 1".into()));
        }
        let cursor = match &query.cursor {
            Some(cursor) => Some(decode_cursor(cursor, &query)?),
            None => None,
        };
        let now = now_secs();
        Ok(self.shared.read(move |txn| run_query(txn, &query, cursor, now)).await?)
    }

    async fn transact(&self, ops: Vec<WriteOp>) -> Result<(), TableError> {
        if ops.is_empty() {
            return Ok(());
        }
        self.write_ops(ops, false).await.map(drop)
    }

    async fn increment(&self, key: &Key, attr: &str, by: i64) -> Result<i64, TableError> {
        let op = WriteOp::Add { key: key.clone(), add: vec![(attr.to_string(), by)], set: Item::new() };
        let written = self.write_ops(vec![op], true).await?;
        written
            .into_iter()
            .next()
            .flatten()
            .and_then(|item| item.get(attr).and_then(Value::as_i64))
            .ok_or_else(|| TableError::Backend("increment wrote no value".into()))
    }
}

/// Why a write request was not applied.
enum Fail {
    /// A condition or validation refused it; nothing was written.
    Refused(TableError),
    /// The storage failed; the whole transaction is abandoned.
    Storage(redb::Error),
}

impl Fail {
    fn into_embedded(self) -> EmbeddedError {
        match self {
            Fail::Refused(error) => EmbeddedError::Corrupt(error.to_string()),
            Fail::Storage(error) => EmbeddedError::Database(error),
        }
    }
}

impl From<redb::StorageError> for Fail {
    fn from(error: redb::StorageError) -> Self {
        Fail::Storage(error.into())
    }
}

impl From<TableError> for Fail {
    fn from(error: TableError) -> Self {
        Fail::Refused(error)
    }
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// An item whose numeric `ttl` (epoch seconds) is in the past is treated as absent.
fn expired(item: &Item, now: i64) -> bool {
    match item.get("ttl") {
        Some(Value::Number(ttl)) => match ttl.as_i64() {
            Some(ttl) => ttl < now,
            None => ttl.as_f64().is_some_and(|ttl| ttl < now as f64),
        },
        _ => false,
    }
}

fn decode(bytes: &[u8]) -> Result<Item, TableError> {
    serde_json::from_slice(bytes).map_err(|e| TableError::Backend(format!("stored item is not a JSON object: {e}")))
}

/// The stored item, expired or not.
fn load<T>(items: &T, key: &Key) -> Result<Option<Item>, Fail>
where
    T: ReadableTable<(&'static str, &'static str), &'static [u8]>,
{
    match items.get((key.pk.as_str(), key.sk.as_str()))? {
        Some(bytes) => Ok(Some(decode(bytes.value())?)),
        None => Ok(None),
    }
}

fn op_key(op: &WriteOp) -> Result<Key, TableError> {
    match op {
        WriteOp::Put { item, .. } => {
            Key::of(item).ok_or_else(|| TableError::Invalid("an item needs string attributes pk and sk".into()))
        }
        WriteOp::Delete { key, .. } | WriteOp::Add { key, .. } | WriteOp::ConditionCheck { key, .. } => Ok(key.clone()),
    }
}

/// Structural checks done before the request reaches the writer.
fn check_ops(ops: &[WriteOp]) -> Result<(), TableError> {
    if ops.len() > MAX_TRANSACT_OPS {
        return Err(TableError::Invalid(format!("a transaction holds at most {MAX_TRANSACT_OPS} operations")));
    }
    let mut keys = std::collections::HashSet::new();
    for op in ops {
        let key = op_key(op)?;
        if key.pk.is_empty() || key.sk.is_empty() {
            return Err(TableError::Invalid("pk and sk must not be empty".into()));
        }
        if !keys.insert(key) {
            return Err(TableError::Invalid("a transaction may touch each item only once".into()));
        }
    }
    Ok(())
}

fn holds(condition: &Condition, current: Option<&Item>) -> bool {
    match condition {
        Condition::None => true,
        Condition::NotExists => current.is_none(),
        Condition::Exists => current.is_some(),
        Condition::AttrEquals(name, value) => current.and_then(|item| item.get(name)) == Some(value),
    }
}

/// An item ready to store: its bytes and its index entries.
struct Prepared {
    item: Item,
    bytes: Vec<u8>,
    index: [Option<(String, String)>; 2],
}

/// The (partition, sort) values of an item in gsi1 and gsi2; both attributes must be present.
fn index_entries(item: &Item, strict: bool) -> Result<[Option<(String, String)>; 2], TableError> {
    let entry = |index: Index| -> Result<Option<(String, String)>, TableError> {
        let (pk_name, sk_name) = index.key_names();
        let value = |name: &str| match item.get(name) {
            None => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            Some(_) if !strict => Ok(None),
            Some(other) => {
                Err(TableError::Invalid(format!("index attribute {name} must be a non-empty string, got {other}")))
            }
        };
        Ok(value(pk_name)?.zip(value(sk_name)?))
    };
    Ok([entry(Index::Gsi1)?, entry(Index::Gsi2)?])
}

fn prepare(item: Item) -> Result<Prepared, TableError> {
    let index = index_entries(&item, true)?;
    let bytes = serde_json::to_vec(&item).map_err(|e| TableError::Invalid(format!("item cannot be stored: {e}")))?;
    if bytes.len() > MAX_ITEM_BYTES {
        return Err(TableError::Invalid(format!("an item is at most {MAX_ITEM_BYTES} bytes")));
    }
    Ok(Prepared { item, bytes, index })
}

fn add_to(mut item: Item, key: &Key, add: &[(String, i64)], set: &Item) -> Result<Item, TableError> {
    for (name, value) in set {
        let is_key = name == "pk" || name == "sk";
        if is_key && Some(value) != item.get(name) {
            return Err(TableError::Invalid(format!("Add cannot change the key attribute {name}")));
        }
        item.insert(name.clone(), value.clone());
    }
    for (name, by) in add {
        let current = match item.get(name) {
            None => 0,
            Some(value) => value
                .as_i64()
                .ok_or_else(|| TableError::Invalid(format!("attribute {name} of {key:?} is not an integer")))?,
        };
        let sum = current
            .checked_add(*by)
            .ok_or_else(|| TableError::Invalid(format!("attribute {name} of {key:?} would overflow")))?;
        item.insert(name.clone(), Value::from(sum));
    }
    Ok(item)
}

enum Change {
    Keep,
    Put(Prepared),
    Delete,
}

struct Planned {
    key: Key,
    /// The stored item, expired or not, whose index entries must go.
    old: Option<Item>,
    change: Change,
}

/// Checks every op against the current state (including earlier requests of the same batch)
/// and computes what to write, writing nothing.
fn plan(t: &WriteTables<'_>, ops: &[WriteOp], single: bool, now: i64) -> Result<Vec<Planned>, Fail> {
    let mut planned = Vec::with_capacity(ops.len());
    for (position, op) in ops.iter().enumerate() {
        let key = op_key(op)?;
        let old = load(&t.items, &key)?;
        let current = old.as_ref().filter(|item| !expired(item, now));
        let condition = match op {
            WriteOp::Put { condition, .. }
            | WriteOp::Delete { condition, .. }
            | WriteOp::ConditionCheck { condition, .. } => condition,
            WriteOp::Add { .. } => &Condition::None,
        };
        if !holds(condition, current) {
            let index = if single { None } else { Some(position) };
            return Err(Fail::Refused(TableError::ConditionFailed { index }));
        }
        let change = match op {
            WriteOp::Put { item, .. } => Change::Put(prepare(item.clone())?),
            WriteOp::Delete { .. } => Change::Delete,
            WriteOp::ConditionCheck { .. } => Change::Keep,
            WriteOp::Add { add, set, .. } => {
                let base = current.cloned().unwrap_or_else(|| {
                    let mut fresh = Item::new();
                    fresh.insert("pk".into(), Value::from(key.pk.clone()));
                    fresh.insert("sk".into(), Value::from(key.sk.clone()));
                    fresh
                });
                Change::Put(prepare(add_to(base, &key, add, set)?)?)
            }
        };
        planned.push(Planned { key, old, change });
    }
    Ok(planned)
}

/// Writes planned changes; returns the item each op left (None for deletes and checks).
fn apply(t: &mut WriteTables<'_>, planned: Vec<Planned>) -> Result<Vec<Option<Item>>, redb::Error> {
    let mut written = Vec::with_capacity(planned.len());
    for Planned { key, old, change } in planned {
        let stored_key = (key.pk.as_str(), key.sk.as_str());
        match change {
            Change::Keep => written.push(None),
            Change::Delete => {
                if let Some(old) = &old {
                    remove_index_entries(t, &key, old)?;
                    t.items.remove(stored_key)?;
                }
                written.push(None);
            }
            Change::Put(prepared) => {
                if let Some(old) = &old {
                    remove_index_entries(t, &key, old)?;
                }
                t.items.insert(stored_key, prepared.bytes.as_slice())?;
                for (table, entry) in [&mut t.gsi1, &mut t.gsi2].into_iter().zip(&prepared.index) {
                    if let Some((gpk, gsk)) = entry {
                        table.insert((gpk.as_str(), gsk.as_str(), key.pk.as_str(), key.sk.as_str()), ())?;
                    }
                }
                written.push(Some(prepared.item));
            }
        }
    }
    Ok(written)
}

fn remove_index_entries(t: &mut WriteTables<'_>, key: &Key, old: &Item) -> Result<(), redb::Error> {
    // Stored items passed the strict check; be lenient so a bad old item never blocks a write.
    let entries = index_entries(old, false).unwrap_or([None, None]);
    for (table, entry) in [&mut t.gsi1, &mut t.gsi2].into_iter().zip(&entries) {
        if let Some((gpk, gsk)) = entry {
            table.remove((gpk.as_str(), gsk.as_str(), key.pk.as_str(), key.sk.as_str()))?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Queries

/// Where the last page stopped: the sort key on the primary index, (gsi sk, pk, sk) on a GSI.
#[derive(Debug, Clone)]
struct Cursor(Vec<String>);

fn index_tag(index: Index) -> &'static str {
    match index {
        Index::Primary => "p",
        Index::Gsi1 => "g1",
        Index::Gsi2 => "g2",
    }
}

fn encode_cursor(query: &Query, position: Vec<String>) -> String {
    let mut parts = vec![index_tag(query.index).to_string(), query.pk.clone()];
    parts.extend(position);
    URL_SAFE_NO_PAD.encode(Value::from(parts).to_string())
}

fn decode_cursor(cursor: &str, query: &Query) -> Result<Cursor, TableError> {
    let invalid = || TableError::Invalid("the cursor does not belong to this query".into());
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let parts: Vec<String> = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    let expected_len = if query.index == Index::Primary { 3 } else { 5 };
    if parts.len() != expected_len || parts[0] != index_tag(query.index) || parts[1] != query.pk {
        return Err(invalid());
    }
    Ok(Cursor(parts[2..].to_vec()))
}

/// Bounds on the sort key of a condition; `None` when nothing can match. An unbounded end is
/// the end of the partition.
fn sort_bounds(sort: &SortCondition) -> Option<(Bound<String>, Bound<String>)> {
    match sort {
        SortCondition::All => Some((Bound::Unbounded, Bound::Unbounded)),
        SortCondition::BeginsWith(prefix) if prefix.is_empty() => Some((Bound::Unbounded, Bound::Unbounded)),
        SortCondition::BeginsWith(prefix) => {
            Some((Bound::Included(prefix.clone()), prefix_end(prefix).map_or(Bound::Unbounded, Bound::Excluded)))
        }
        SortCondition::Between(low, high) if low > high => None,
        SortCondition::Between(low, high) => Some((Bound::Included(low.clone()), Bound::Included(high.clone()))),
    }
}

/// The least string greater than every string starting with `prefix`, if any.
fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last as u32 + 1 {
            0xD800 => Some('\u{E000}'),
            code => char::from_u32(code),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

fn sort_matches(sort: &SortCondition, value: &str) -> bool {
    match sort {
        SortCondition::All => true,
        SortCondition::BeginsWith(prefix) => value.starts_with(prefix.as_str()),
        SortCondition::Between(low, high) => low.as_str() <= value && value <= high.as_str(),
    }
}

/// The least string greater than `s` (every string starting with `s` and longer sorts after).
fn successor(s: &str) -> String {
    format!("{s}\u{0}")
}

fn run_query(txn: &ReadTransaction, query: &Query, cursor: Option<Cursor>, now: i64) -> Result<Page, EmbeddedError> {
    let Some((low, high)) = sort_bounds(&query.sort) else {
        return Ok(Page::default());
    };
    let limit = query.limit.min(MAX_PAGE);
    let items = txn.open_table(ITEMS).map_err(redb::Error::from)?;
    let mut page = Page::default();
    let mut last: Option<Vec<String>> = None;
    let pk = query.pk.as_str();
    match query.index {
        Index::Primary => {
            let pk_end = successor(pk);
            let cursor_sk = cursor.as_ref().and_then(|c| c.0.first()).map(String::as_str);
            let lower = match (cursor_sk, query.forward) {
                (Some(sk), true) => Bound::Excluded((pk, sk)),
                _ => match &low {
                    Bound::Included(s) => Bound::Included((pk, s.as_str())),
                    Bound::Excluded(s) => Bound::Excluded((pk, s.as_str())),
                    Bound::Unbounded => Bound::Included((pk, "")),
                },
            };
            let upper = match (cursor_sk, query.forward) {
                (Some(sk), false) => Bound::Excluded((pk, sk)),
                _ => match &high {
                    Bound::Included(s) => Bound::Included((pk, s.as_str())),
                    Bound::Excluded(s) => Bound::Excluded((pk, s.as_str())),
                    Bound::Unbounded => Bound::Excluded((pk_end.as_str(), "")),
                },
            };
            let range = items.range::<(&str, &str)>((lower, upper)).map_err(redb::Error::from)?;
            let entries: Box<dyn Iterator<Item = _>> =
                if query.forward { Box::new(range) } else { Box::new(range.rev()) };
            for entry in entries {
                let (key, value) = entry.map_err(redb::Error::from)?;
                let (_, sk) = key.value();
                if !sort_matches(&query.sort, sk) {
                    continue;
                }
                let item = decode(value.value()).map_err(|e| EmbeddedError::Corrupt(e.to_string()))?;
                if expired(&item, now) {
                    continue;
                }
                if page.items.len() == limit {
                    page.next = last.take().map(|position| encode_cursor(query, position));
                    break;
                }
                last = Some(vec![sk.to_string()]);
                page.items.push(item);
            }
        }
        Index::Gsi1 | Index::Gsi2 => {
            let index =
                txn.open_table(if query.index == Index::Gsi1 { GSI1 } else { GSI2 }).map_err(redb::Error::from)?;
            let pk_end = successor(pk);
            let high_end = match &high {
                Bound::Included(s) => successor(s),
                _ => String::new(),
            };
            let cursor_at = match cursor.as_ref().map(|c| c.0.as_slice()) {
                Some([gsk, ipk, isk]) => Some((pk, gsk.as_str(), ipk.as_str(), isk.as_str())),
                _ => None,
            };
            let lower = match (cursor_at, query.forward) {
                (Some(at), true) => Bound::Excluded(at),
                _ => match &low {
                    Bound::Included(s) => Bound::Included((pk, s.as_str(), "", "")),
                    Bound::Excluded(s) => Bound::Excluded((pk, s.as_str(), "", "")),
                    Bound::Unbounded => Bound::Included((pk, "", "", "")),
                },
            };
            let upper = match (cursor_at, query.forward) {
                (Some(at), false) => Bound::Excluded(at),
                _ => match &high {
                    Bound::Included(_) => Bound::Excluded((pk, high_end.as_str(), "", "")),
                    Bound::Excluded(s) => Bound::Excluded((pk, s.as_str(), "", "")),
                    Bound::Unbounded => Bound::Excluded((pk_end.as_str(), "", "", "")),
                },
            };
            let range = index.range::<(&str, &str, &str, &str)>((lower, upper)).map_err(redb::Error::from)?;
            let entries: Box<dyn Iterator<Item = _>> =
                if query.forward { Box::new(range) } else { Box::new(range.rev()) };
            for entry in entries {
                let (key, _) = entry.map_err(redb::Error::from)?;
                let (_, gsk, item_pk, item_sk) = key.value();
                if !sort_matches(&query.sort, gsk) {
                    continue;
                }
                let Some(item) = load(&items, &Key::new(item_pk, item_sk)).map_err(Fail::into_embedded)? else {
                    continue;
                };
                if expired(&item, now) {
                    continue;
                }
                if page.items.len() == limit {
                    page.next = last.take().map(|position| encode_cursor(query, position));
                    break;
                }
                last = Some(vec![gsk.to_string(), item_pk.to_string(), item_sk.to_string()]);
                page.items.push(item);
            }
        }
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_end_is_the_least_string_after_the_prefix_range() {
        assert_eq!(prefix_end("HS#").as_deref(), Some("HS$"));
        assert_eq!(prefix_end("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_end("\u{D7FF}").as_deref(), Some("\u{E000}"));
        assert_eq!(prefix_end("\u{10FFFF}"), None);
    }

    #[test]
    fn ttl_in_the_past_expires() {
        let item: Item = serde_json::from_str(r#"{"pk":"a","sk":"b","ttl":100}"#).unwrap_or_default();
        assert!(expired(&item, 101));
        assert!(!expired(&item, 100));
        let item: Item = serde_json::from_str(r#"{"pk":"a","sk":"b","ttl":"soon"}"#).unwrap_or_default();
        assert!(!expired(&item, i64::MAX));
    }
}
