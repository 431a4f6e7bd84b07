//! The `Table` port: a single table of JSON items with DynamoDB semantics.
//!
//! Every item has a string partition key `pk` and a string sort key `sk`. Two global
//! secondary indexes are available: `gsi1` (attributes `gsi1pk`, `gsi1sk`) and `gsi2`
//! (`gsi2pk`, `gsi2sk`); an item appears in an index only when it has both attributes,
//! exactly as in DynamoDB. An item with a numeric `ttl` attribute (epoch seconds) in the past
//! is treated as absent (DynamoDB deletes it lazily; adapters must hide it on reads).
//!
//! Numbers are JSON numbers; adapters must round-trip integers exactly.

use async_trait::async_trait;
use serde_json::{Map, Value};

/// One stored item: a JSON object holding at least `pk` and `sk` (strings).
pub type Item = Map<String, Value>;

/// Primary key of an item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Key { pk: pk.into(), sk: sk.into() }
    }

    /// The key of an item, or `None` when `pk`/`sk` are missing or not strings.
    pub fn of(item: &Item) -> Option<Key> {
        Some(Key::new(item.get("pk")?.as_str()?, item.get("sk")?.as_str()?))
    }
}

/// A condition checked atomically with a write (DynamoDB `ConditionExpression`).
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// No condition.
    None,
    /// The item must not exist (`attribute_not_exists(pk)`).
    NotExists,
    /// The item must exist (`attribute_exists(pk)`).
    Exists,
    /// The item must exist and the attribute must equal the value (`#a = :v`).
    AttrEquals(String, Value),
}

/// Which index a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    Primary,
    Gsi1,
    Gsi2,
}

impl Index {
    /// Names of the partition and sort key attributes of this index.
    pub fn key_names(self) -> (&'static str, &'static str) {
        match self {
            Index::Primary => ("pk", "sk"),
            Index::Gsi1 => ("gsi1pk", "gsi1sk"),
            Index::Gsi2 => ("gsi2pk", "gsi2sk"),
        }
    }
}

/// Sort key condition of a query (DynamoDB `KeyConditionExpression` on the sort key).
#[derive(Debug, Clone, PartialEq)]
pub enum SortCondition {
    All,
    BeginsWith(String),
    /// Inclusive on both ends, compared as strings.
    Between(String, String),
}

/// A query of one partition, in sort key order.
#[derive(Debug, Clone)]
pub struct Query {
    pub index: Index,
    pub pk: String,
    pub sort: SortCondition,
    /// `false` = descending sort key order.
    pub forward: bool,
    /// Maximum number of items returned in this page (adapters may cap it at 1000).
    pub limit: usize,
    /// Opaque cursor from a previous [`Page::next`].
    pub cursor: Option<String>,
}

impl Query {
    pub fn partition(index: Index, pk: impl Into<String>) -> Self {
        Query { index, pk: pk.into(), sort: SortCondition::All, forward: true, limit: 100, cursor: None }
    }
    pub fn sort(mut self, sort: SortCondition) -> Self {
        self.sort = sort;
        self
    }
    pub fn descending(mut self) -> Self {
        self.forward = false;
        self
    }
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }
    pub fn after(mut self, cursor: Option<String>) -> Self {
        self.cursor = cursor;
        self
    }
}

/// One page of query results.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub items: Vec<Item>,
    /// Present when more items may follow: pass it back as [`Query::cursor`].
    pub next: Option<String>,
}

/// One write inside [`Table::transact`]; all succeed or none does.
#[derive(Debug, Clone)]
pub enum WriteOp {
    Put {
        item: Item,
        condition: Condition,
    },
    Delete {
        key: Key,
        condition: Condition,
    },
    /// Adds the given amounts to numeric attributes, creating the item and the attributes
    /// (from 0) when missing (DynamoDB `UPDATE … ADD`). `set` attributes are written too.
    Add {
        key: Key,
        add: Vec<(String, i64)>,
        set: Item,
    },
    ConditionCheck {
        key: Key,
        condition: Condition,
    },
}

/// Errors of the table port. Adapters map their backend errors onto these.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// A condition failed (`ConditionalCheckFailedException`, or a transaction cancelled for a
    /// condition). `index` is the position of the failing op in a transaction, when known.
    #[error("condition failed")]
    ConditionFailed { index: Option<usize> },
    /// Two transactions touched the same items at once; retrying may succeed.
    #[error("transaction conflict")]
    Conflict,
    /// The request is not valid for this port (missing keys, too many ops, bad cursor).
    #[error("invalid request: {0}")]
    Invalid(String),
    /// The backend failed.
    #[error("table backend: {0}")]
    Backend(String),
}

#[async_trait]
pub trait Table: Send + Sync {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError>;
    async fn put(&self, item: Item, condition: Condition) -> Result<(), TableError>;
    async fn delete(&self, key: &Key, condition: Condition) -> Result<(), TableError>;
    async fn query(&self, query: Query) -> Result<Page, TableError>;
    /// Atomic all-or-nothing write of up to 100 operations on distinct items.
    async fn transact(&self, ops: Vec<WriteOp>) -> Result<(), TableError>;
    /// Atomically adds `by` to the numeric attribute `attr` (from 0 when missing) and returns
    /// the new value. Never returns the same value twice for the same key and increment > 0.
    async fn increment(&self, key: &Key, attr: &str, by: i64) -> Result<i64, TableError>;
}

/// Reads a string attribute.
pub fn attr_str<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name).and_then(Value::as_str)
}

/// Reads an integer attribute.
pub fn attr_i64(item: &Item, name: &str) -> Option<i64> {
    item.get(name).and_then(Value::as_i64)
}
