//! `DynamoTable`: the `Table` port on one DynamoDB table (single-table design).
//!
//! Layout: string `pk`/`sk` primary key; GSIs `gsi1` (`gsi1pk`, `gsi1sk`) and `gsi2`
//! (`gsi2pk`, `gsi2sk`), string keys, projection ALL; numeric `ttl` = DynamoDB TTL (see
//! [`create_table`]). JSON values map onto attribute values by hand (numbers travel as their
//! decimal text, so integers round-trip exactly).
//!
//! DynamoDB deletes expired items lazily (up to days later), so every read, query and condition
//! here treats an item whose numeric `ttl` is before the system time as absent, like the
//! embedded adapter. One gap: an `Add` inside `transact` cannot tell an expired item from a live
//! one (an update expression has no per-item branch), so it adds onto the expired item's values
//! and the item stays hidden; `increment` does handle it (it replaces the expired item).
//!
//! SDK errors become [`TableError`]s in one place (the "Errors" section at the end). Throttled
//! requests are retried by the SDK's standard retry mode (see `crate::config`); transactions
//! cancelled only for throttling are retried here.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{BuildError, DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, Delete, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, Put, ReturnValue, ScalarAttributeType, TableStatus, TimeToLiveSpecification,
    TransactWriteItem, Update,
};
use aws_sdk_dynamodb::Client;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use motcua_ports::{Condition, Index, Item, Key, Page, Query, SortCondition, Table, TableError, WriteOp};
use serde_json::{Map, Number, Value};

const MAX_TRANSACT_OPS: usize = 100;
const MAX_PAGE: usize = 1000;
/// Attempts of a transaction cancelled only for a transient reason: throttling, or another
/// transaction writing one of its items at the same moment (`TransactionConflict`: two officers
/// of an agency touching its report aggregate of the day). A cancelled transaction wrote
/// nothing, so it is sent again as it is, after a jittered, growing pause.
const TRANSACT_ATTEMPTS: u32 = 6;
/// Attempts of an increment racing with writers replacing an expired counter.
const INCREMENT_ATTEMPTS: u32 = 5;
const TTL: &str = "ttl";

/// The `Table` port on one DynamoDB table; see the module docs for the layout it expects.
#[derive(Debug, Clone)]
pub struct DynamoTable {
    client: Client,
    table: String,
}

impl DynamoTable {
    pub fn new(client: Client, table: impl Into<String>) -> DynamoTable {
        DynamoTable { client, table: table.into() }
    }

    async fn transact_once(&self, items: Vec<TransactWriteItem>) -> Result<(), Refusal> {
        self.client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
            .map(drop)
            .map_err(transact_error)
    }
}

#[async_trait]
impl Table for DynamoTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        check_key(key)?;
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_attributes(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error)?;
        match output.item() {
            Some(raw) => {
                let item = from_attributes(raw)?;
                Ok((!expired(&item, now_secs())).then_some(item))
            }
            None => Ok(None),
        }
    }

    async fn put(&self, item: Item, condition: Condition) -> Result<(), TableError> {
        Key::of(&item).ok_or_else(missing_key).and_then(|key| check_key(&key))?;
        check_index_attributes(&item)?;
        let mut expr = Expr::default();
        let condition = condition_expression(&mut expr, &condition, now_secs());
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_attributes(&item)))
            .set_condition_expression(condition)
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            .send()
            .await
            .map(drop)
            .map_err(sdk_error)
    }

    async fn delete(&self, key: &Key, condition: Condition) -> Result<(), TableError> {
        check_key(key)?;
        let mut expr = Expr::default();
        let condition = condition_expression(&mut expr, &condition, now_secs());
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_attributes(key)))
            .set_condition_expression(condition)
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            .send()
            .await
            .map(drop)
            .map_err(sdk_error)
    }

    async fn query(&self, query: Query) -> Result<Page, TableError> {
        if query.limit == 0 {
            return Err(TableError::Invalid("limit must be at least 1".into()));
        }
        let limit = query.limit.min(MAX_PAGE);
        let mut start = query.cursor.as_deref().map(|cursor| decode_cursor(cursor, &query)).transpose()?;
        let (pk_name, sk_name) = query.index.key_names();
        let mut expr = Expr::default();
        let mut key_condition = format!("{} = {}", expr.name(pk_name), expr.value(AttributeValue::S(query.pk.clone())));
        match &query.sort {
            SortCondition::All => {}
            SortCondition::BeginsWith(prefix) if prefix.is_empty() => {}
            SortCondition::BeginsWith(prefix) => {
                let (sk, prefix) = (expr.name(sk_name), expr.value(AttributeValue::S(prefix.clone())));
                key_condition.push_str(&format!(" AND begins_with({sk}, {prefix})"));
            }
            SortCondition::Between(low, high) if low > high => return Ok(Page::default()),
            SortCondition::Between(low, high) => {
                let sk = expr.name(sk_name);
                let (low, high) =
                    (expr.value(AttributeValue::S(low.clone())), expr.value(AttributeValue::S(high.clone())));
                key_condition.push_str(&format!(" AND {sk} BETWEEN {low} AND {high}"));
            }
        }
        let filter = live(&mut expr, now_secs());
        let index_name = match query.index {
            Index::Primary => None,
            Index::Gsi1 => Some("gsi1"),
            Index::Gsi2 => Some("gsi2"),
        };
        // DynamoDB applies `Limit` before the filter hiding expired items: ask again for the
        // rest until the page is full or the partition ends.
        let mut page = Page::default();
        loop {
            let wanted = i32::try_from(limit - page.items.len()).unwrap_or(i32::MAX);
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .set_index_name(index_name.map(str::to_string))
                .key_condition_expression(&key_condition)
                .filter_expression(&filter)
                .set_expression_attribute_names(expr.names())
                .set_expression_attribute_values(expr.values())
                .scan_index_forward(query.forward)
                .limit(wanted)
                .set_exclusive_start_key(start.take())
                .consistent_read(query.index == Index::Primary)
                .send()
                .await
                .map_err(sdk_error)?;
            for raw in output.items() {
                page.items.push(from_attributes(raw)?);
            }
            match output.last_evaluated_key() {
                Some(last) if !last.is_empty() => {
                    if page.items.len() >= limit {
                        page.next = Some(encode_cursor(&query, last)?);
                        return Ok(page);
                    }
                    start = Some(last.clone());
                }
                _ => return Ok(page),
            }
        }
    }

    async fn transact(&self, ops: Vec<WriteOp>) -> Result<(), TableError> {
        if ops.is_empty() {
            return Ok(());
        }
        check_ops(&ops)?;
        let mut backoff = Duration::from_millis(50);
        for attempt in 1..=TRANSACT_ATTEMPTS {
            let now = now_secs();
            let items = ops.iter().map(|op| transact_item(&self.table, op, now)).collect::<Result<Vec<_>, _>>()?;
            match self.transact_once(items).await {
                Ok(()) => return Ok(()),
                Err(Refusal::Transient(_)) if attempt < TRANSACT_ATTEMPTS => {
                    tokio::time::sleep(jittered(backoff)).await;
                    backoff *= 2;
                }
                Err(Refusal::Transient(error) | Refusal::Final(error)) => return Err(error),
            }
        }
        Err(TableError::Backend("transaction throttled".into()))
    }

    async fn increment(&self, key: &Key, attr: &str, by: i64) -> Result<i64, TableError> {
        check_key(key)?;
        if attr == "pk" || attr == "sk" || attr.is_empty() {
            return Err(TableError::Invalid(format!("cannot increment the attribute {attr:?}")));
        }
        for _ in 0..INCREMENT_ATTEMPTS {
            let now = now_secs();
            let mut expr = Expr::default();
            let update = format!("ADD {} {}", expr.name(attr), expr.value(number(by)));
            // Absent items pass too (they have no ttl); an expired one fails and is replaced.
            let condition = live(&mut expr, now);
            let result = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key_attributes(key)))
                .update_expression(update)
                .condition_expression(condition)
                .set_expression_attribute_names(expr.names())
                .set_expression_attribute_values(expr.values())
                .return_values(ReturnValue::UpdatedNew)
                .send()
                .await;
            match result {
                Ok(output) => {
                    return output
                        .attributes()
                        .and_then(|attributes| attributes.get(attr))
                        .and_then(|value| value.as_n().ok())
                        .and_then(|n| n.parse::<i64>().ok())
                        .ok_or_else(|| TableError::Backend(format!("UpdateItem returned no integer {attr}")));
                }
                Err(error) => match sdk_error(error) {
                    TableError::ConditionFailed { .. } => {}
                    other => return Err(other),
                },
            }
            // The item has expired: start it afresh, unless someone replaced it meanwhile.
            let mut fresh = Item::new();
            fresh.insert("pk".into(), Value::from(key.pk.clone()));
            fresh.insert("sk".into(), Value::from(key.sk.clone()));
            fresh.insert(attr.into(), Value::from(by));
            let mut expr = Expr::default();
            let condition = expired_expression(&mut expr, now);
            let result = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(to_attributes(&fresh)))
                .condition_expression(condition)
                .set_expression_attribute_names(expr.names())
                .set_expression_attribute_values(expr.values())
                .send()
                .await;
            match result.map_err(sdk_error) {
                Ok(_) => return Ok(by),
                Err(TableError::ConditionFailed { .. }) => continue,
                Err(other) => return Err(other),
            }
        }
        Err(TableError::Conflict)
    }
}

/// Creates `name` with the layout [`DynamoTable`] expects (on-demand billing, both GSIs), waits
/// until it is active and turns TTL on for `ttl`. An existing table is left as it is. For tests
/// and local development; production tables come from the SAM template.
pub async fn create_table(client: &Client, name: &str) -> Result<(), TableError> {
    let string_attribute =
        |name: &str| AttributeDefinition::builder().attribute_name(name).attribute_type(ScalarAttributeType::S).build();
    let key =
        |name: &str, key_type: KeyType| KeySchemaElement::builder().attribute_name(name).key_type(key_type).build();
    let gsi = |index: Index, name: &str| -> Result<GlobalSecondaryIndex, BuildError> {
        let (pk, sk) = index.key_names();
        GlobalSecondaryIndex::builder()
            .index_name(name)
            .key_schema(key(pk, KeyType::Hash)?)
            .key_schema(key(sk, KeyType::Range)?)
            .projection(Projection::builder().projection_type(ProjectionType::All).build())
            .build()
    };
    let mut request = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key("pk", KeyType::Hash).map_err(build_error)?)
        .key_schema(key("sk", KeyType::Range).map_err(build_error)?)
        .global_secondary_indexes(gsi(Index::Gsi1, "gsi1").map_err(build_error)?)
        .global_secondary_indexes(gsi(Index::Gsi2, "gsi2").map_err(build_error)?);
    for attribute in ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"] {
        request = request.attribute_definitions(string_attribute(attribute).map_err(build_error)?);
    }
    if let Err(error) = request.send().await {
        if error.code() != Some("ResourceInUseException") {
            return Err(sdk_error(error));
        }
    }
    let mut active = false;
    for _ in 0..120 {
        let described = client.describe_table().table_name(name).send().await.map_err(sdk_error)?;
        if described.table().and_then(|t| t.table_status()) == Some(&TableStatus::Active) {
            active = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    if !active {
        return Err(TableError::Backend(format!("table {name} did not become active")));
    }
    let ttl = TimeToLiveSpecification::builder().enabled(true).attribute_name(TTL).build().map_err(build_error)?;
    match client.update_time_to_live().table_name(name).time_to_live_specification(ttl).send().await {
        Ok(_) => Ok(()),
        // "TimeToLive is already enabled"
        Err(error) if error.code() == Some("ValidationException") => Ok(()),
        Err(error) => Err(sdk_error(error)),
    }
}

// ---------------------------------------------------------------------------------------------
// Requests

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// An item whose numeric `ttl` (epoch seconds) is in the past counts as absent.
fn expired(item: &Item, now: i64) -> bool {
    match item.get(TTL) {
        Some(Value::Number(ttl)) => match ttl.as_i64() {
            Some(ttl) => ttl < now,
            None => ttl.as_f64().is_some_and(|ttl| ttl < now as f64),
        },
        _ => false,
    }
}

fn missing_key() -> TableError {
    TableError::Invalid("an item needs string attributes pk and sk".into())
}

fn check_key(key: &Key) -> Result<(), TableError> {
    if key.pk.is_empty() || key.sk.is_empty() {
        return Err(TableError::Invalid("pk and sk must not be empty".into()));
    }
    Ok(())
}

/// GSI key attributes, when present, must be non-empty strings (DynamoDB refuses anything else;
/// moto does not check, so check here for the same behaviour everywhere).
fn check_index_attributes(item: &Item) -> Result<(), TableError> {
    for name in ["gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"] {
        match item.get(name) {
            None => {}
            Some(Value::String(s)) if !s.is_empty() => {}
            Some(other) => {
                return Err(TableError::Invalid(format!(
                    "index attribute {name} must be a non-empty string, got {other}"
                )))
            }
        }
    }
    Ok(())
}

fn op_key(op: &WriteOp) -> Result<Key, TableError> {
    match op {
        WriteOp::Put { item, .. } => Key::of(item).ok_or_else(missing_key),
        WriteOp::Delete { key, .. } | WriteOp::Add { key, .. } | WriteOp::ConditionCheck { key, .. } => Ok(key.clone()),
    }
}

/// Checks done before the request leaves (DynamoDB would refuse them less clearly).
fn check_ops(ops: &[WriteOp]) -> Result<(), TableError> {
    if ops.len() > MAX_TRANSACT_OPS {
        return Err(TableError::Invalid(format!("a transaction holds at most {MAX_TRANSACT_OPS} operations")));
    }
    let mut keys = HashSet::new();
    for op in ops {
        let key = op_key(op)?;
        check_key(&key)?;
        if !keys.insert(key) {
            return Err(TableError::Invalid("a transaction may touch each item only once".into()));
        }
    }
    Ok(())
}

/// Placeholders of one request's expressions.
#[derive(Default)]
struct Expr {
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Expr {
    fn name(&mut self, attribute: &str) -> String {
        if let Some((placeholder, _)) = self.names.iter().find(|(_, name)| name.as_str() == attribute) {
            return placeholder.clone();
        }
        let placeholder = format!("#n{}", self.names.len());
        self.names.insert(placeholder.clone(), attribute.to_string());
        placeholder
    }

    fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = format!(":v{}", self.values.len());
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    /// DynamoDB refuses empty maps: `None` when nothing was named.
    fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    fn values(&self) -> Option<HashMap<String, AttributeValue>> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }
}

fn number(n: i64) -> AttributeValue {
    AttributeValue::N(n.to_string())
}

/// True for an item that is absent or not expired (no numeric `ttl` before `now`).
fn live(expr: &mut Expr, now: i64) -> String {
    let (ttl, number_type, now) = (expr.name(TTL), expr.value(AttributeValue::S("N".into())), expr.value(number(now)));
    format!("(attribute_not_exists({ttl}) OR NOT attribute_type({ttl}, {number_type}) OR {ttl} >= {now})")
}

/// True for an item whose numeric `ttl` is before `now`.
fn expired_expression(expr: &mut Expr, now: i64) -> String {
    let (ttl, number_type, now) = (expr.name(TTL), expr.value(AttributeValue::S("N".into())), expr.value(number(now)));
    format!("(attribute_type({ttl}, {number_type}) AND {ttl} < {now})")
}

/// The `ConditionExpression` of a port condition, expired items counting as absent.
fn condition_expression(expr: &mut Expr, condition: &Condition, now: i64) -> Option<String> {
    match condition {
        Condition::None => None,
        Condition::NotExists => {
            let pk = expr.name("pk");
            Some(format!("attribute_not_exists({pk}) OR {}", expired_expression(expr, now)))
        }
        Condition::Exists => {
            let pk = expr.name("pk");
            Some(format!("attribute_exists({pk}) AND {}", live(expr, now)))
        }
        Condition::AttrEquals(name, value) => {
            let (name, value) = (expr.name(name), expr.value(to_attribute(value)));
            Some(format!("{name} = {value} AND {}", live(expr, now)))
        }
    }
}

/// `SET` the `set` attributes and `ADD` the amounts (DynamoDB creates the item when missing).
fn add_expression(expr: &mut Expr, key: &Key, add: &[(String, i64)], set: &Item) -> Result<String, TableError> {
    check_index_attributes(set)?;
    let mut sets = Vec::new();
    for (name, value) in set {
        if name == "pk" || name == "sk" {
            let current = if name == "pk" { &key.pk } else { &key.sk };
            if value.as_str() == Some(current.as_str()) {
                continue;
            }
            return Err(TableError::Invalid(format!("Add cannot change the key attribute {name}")));
        }
        sets.push(format!("{} = {}", expr.name(name), expr.value(to_attribute(value))));
    }
    let mut sums: BTreeMap<&str, i64> = BTreeMap::new();
    for (name, by) in add {
        if name == "pk" || name == "sk" || set.contains_key(name) {
            return Err(TableError::Invalid(format!("Add cannot both set and add the attribute {name}")));
        }
        let sum = sums.entry(name).or_default();
        *sum = sum.checked_add(*by).ok_or_else(|| TableError::Invalid(format!("adding to {name} overflows")))?;
    }
    let adds: Vec<String> =
        sums.into_iter().map(|(name, by)| format!("{} {}", expr.name(name), expr.value(number(by)))).collect();
    let mut clauses = Vec::new();
    if !sets.is_empty() {
        clauses.push(format!("SET {}", sets.join(", ")));
    }
    if !adds.is_empty() {
        clauses.push(format!("ADD {}", adds.join(", ")));
    }
    if clauses.is_empty() {
        return Err(TableError::Invalid("an Add needs at least one attribute to add or set".into()));
    }
    Ok(clauses.join(" "))
}

fn transact_item(table: &str, op: &WriteOp, now: i64) -> Result<TransactWriteItem, TableError> {
    let mut expr = Expr::default();
    let item = match op {
        WriteOp::Put { item, condition } => {
            check_index_attributes(item)?;
            let condition = condition_expression(&mut expr, condition, now);
            let put = Put::builder()
                .table_name(table)
                .set_item(Some(to_attributes(item)))
                .set_condition_expression(condition)
                .set_expression_attribute_names(expr.names())
                .set_expression_attribute_values(expr.values())
                .build()
                .map_err(build_error)?;
            TransactWriteItem::builder().put(put).build()
        }
        WriteOp::Delete { key, condition } => {
            let condition = condition_expression(&mut expr, condition, now);
            let delete = Delete::builder()
                .table_name(table)
                .set_key(Some(key_attributes(key)))
                .set_condition_expression(condition)
                .set_expression_attribute_names(expr.names())
                .set_expression_attribute_values(expr.values())
                .build()
                .map_err(build_error)?;
            TransactWriteItem::builder().delete(delete).build()
        }
        WriteOp::Add { key, add, set } => {
            let update_expression = add_expression(&mut expr, key, add, set)?;
            let update = Update::builder()
                .table_name(table)
                .set_key(Some(key_attributes(key)))
                .update_expression(update_expression)
                .set_expression_attribute_names(expr.names())
                .set_expression_attribute_values(expr.values())
                .build()
                .map_err(build_error)?;
            TransactWriteItem::builder().update(update).build()
        }
        WriteOp::ConditionCheck { key, condition } => {
            // A ConditionCheck must carry a condition: `None` becomes one that always holds.
            let condition = condition_expression(&mut expr, condition, now).unwrap_or_else(|| {
                let pk = expr.name("pk");
                format!("attribute_exists({pk}) OR attribute_not_exists({pk})")
            });
            let check = ConditionCheck::builder()
                .table_name(table)
                .set_key(Some(key_attributes(key)))
                .condition_expression(condition)
                .set_expression_attribute_names(expr.names())
                .set_expression_attribute_values(expr.values())
                .build()
                .map_err(build_error)?;
            TransactWriteItem::builder().condition_check(check).build()
        }
    };
    Ok(item)
}

// ---------------------------------------------------------------------------------------------
// Values

fn key_attributes(key: &Key) -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("pk".to_string(), AttributeValue::S(key.pk.clone())),
        ("sk".to_string(), AttributeValue::S(key.sk.clone())),
    ])
}

fn to_attributes(item: &Item) -> HashMap<String, AttributeValue> {
    item.iter().map(|(name, value)| (name.clone(), to_attribute(value))).collect()
}

fn to_attribute(value: &Value) -> AttributeValue {
    match value {
        Value::Null => AttributeValue::Null(true),
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::Number(n) => AttributeValue::N(n.to_string()),
        Value::String(s) => AttributeValue::S(s.clone()),
        Value::Array(list) => AttributeValue::L(list.iter().map(to_attribute).collect()),
        Value::Object(map) => AttributeValue::M(map.iter().map(|(k, v)| (k.clone(), to_attribute(v))).collect()),
    }
}

fn from_attributes(raw: &HashMap<String, AttributeValue>) -> Result<Item, TableError> {
    raw.iter().map(|(name, value)| Ok((name.clone(), from_attribute(value)?))).collect()
}

/// DynamoDB numbers are decimal text: integers come back as exact integers. Sets and binary
/// values (never written by this adapter) come back as lists and base64 strings.
fn from_attribute(value: &AttributeValue) -> Result<Value, TableError> {
    let parse_number = |n: &str| {
        n.parse::<Number>()
            .map(Value::Number)
            .map_err(|_| TableError::Backend(format!("DynamoDB returned the number {n:?}, which JSON cannot hold")))
    };
    let blob = |b: &Blob| Value::String(STANDARD.encode(b.as_ref()));
    Ok(match value {
        AttributeValue::Null(_) => Value::Null,
        AttributeValue::Bool(b) => Value::Bool(*b),
        AttributeValue::N(n) => parse_number(n)?,
        AttributeValue::S(s) => Value::String(s.clone()),
        AttributeValue::L(list) => Value::Array(list.iter().map(from_attribute).collect::<Result<_, _>>()?),
        AttributeValue::M(map) => Value::Object(
            map.iter().map(|(k, v)| Ok((k.clone(), from_attribute(v)?))).collect::<Result<Map<_, _>, TableError>>()?,
        ),
        AttributeValue::Ss(set) => Value::Array(set.iter().cloned().map(Value::String).collect()),
        AttributeValue::Ns(set) => Value::Array(set.iter().map(|n| parse_number(n)).collect::<Result<_, _>>()?),
        AttributeValue::B(b) => blob(b),
        AttributeValue::Bs(set) => Value::Array(set.iter().map(blob).collect()),
        other => return Err(TableError::Backend(format!("unknown attribute value type {other:?}"))),
    })
}

/// A cursor is base64url JSON `{"i": <index>, "k": <LastEvaluatedKey as strings>}`.
fn encode_cursor(query: &Query, last: &HashMap<String, AttributeValue>) -> Result<String, TableError> {
    let mut key = Map::new();
    for (name, value) in last {
        let value = value.as_s().map_err(|_| TableError::Backend(format!("non-string key attribute {name}")))?;
        key.insert(name.clone(), Value::from(value.as_str()));
    }
    let cursor = serde_json::json!({ "i": index_tag(query.index), "k": key });
    Ok(URL_SAFE_NO_PAD.encode(cursor.to_string()))
}

fn decode_cursor(cursor: &str, query: &Query) -> Result<HashMap<String, AttributeValue>, TableError> {
    let invalid = || TableError::Invalid("the cursor does not belong to this query".into());
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let cursor: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if cursor.get("i").and_then(Value::as_str) != Some(index_tag(query.index)) {
        return Err(invalid());
    }
    let key = cursor.get("k").and_then(Value::as_object).ok_or_else(invalid)?;
    let (pk_name, sk_name) = query.index.key_names();
    let allowed = ["pk", "sk", pk_name, sk_name];
    if key.get(pk_name).and_then(Value::as_str) != Some(query.pk.as_str()) || key.get(sk_name).is_none() {
        return Err(invalid());
    }
    key.iter()
        .map(|(name, value)| match value.as_str() {
            Some(value) if allowed.contains(&name.as_str()) => Ok((name.clone(), AttributeValue::S(value.to_string()))),
            _ => Err(invalid()),
        })
        .collect()
}

fn index_tag(index: Index) -> &'static str {
    match index {
        Index::Primary => "p",
        Index::Gsi1 => "g1",
        Index::Gsi2 => "g2",
    }
}

// ---------------------------------------------------------------------------------------------
// Errors: every SDK error becomes a `TableError` here.

/// Maps an error of any DynamoDB operation.
fn sdk_error<E>(error: SdkError<E, HttpResponse>) -> TableError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match error.code() {
        Some("ConditionalCheckFailedException") => TableError::ConditionFailed { index: None },
        Some("TransactionConflictException") => TableError::Conflict,
        Some("ValidationException") => TableError::Invalid(error.message().unwrap_or("validation failed").to_string()),
        _ => TableError::Backend(DisplayErrorContext(&error).to_string()),
    }
}

/// Why a transaction was refused: `Transient` may be retried as it is.
#[derive(Debug)]
enum Refusal {
    Transient(TableError),
    Final(TableError),
}

/// Between half and all of `pause`, at random: contenders that collided do not collide again.
fn jittered(pause: Duration) -> Duration {
    pause.mul_f64(0.5 + rand::random::<f64>() / 2.0)
}

/// Maps a `TransactWriteItems` error: a cancellation reports the first op whose condition
/// failed (`ConditionFailed { index }`), else a conflict, else a validation error.
fn transact_error(error: SdkError<TransactWriteItemsError, HttpResponse>) -> Refusal {
    let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) = error.as_service_error() else {
        return Refusal::Final(sdk_error(error));
    };
    let reasons = cancelled.cancellation_reasons();
    let has = |code: &str| reasons.iter().any(|reason| reason.code() == Some(code));
    if let Some(index) = reasons.iter().position(|reason| reason.code() == Some("ConditionalCheckFailed")) {
        return Refusal::Final(TableError::ConditionFailed { index: Some(index) });
    }
    if has("TransactionConflict") {
        return Refusal::Transient(TableError::Conflict);
    }
    if let Some(invalid) = reasons.iter().find(|reason| reason.code() == Some("ValidationError")) {
        return Refusal::Final(TableError::Invalid(invalid.message().unwrap_or("validation failed").to_string()));
    }
    let codes: Vec<&str> = reasons.iter().filter_map(|reason| reason.code()).filter(|code| *code != "None").collect();
    let error = TableError::Backend(format!("transaction cancelled: {}", codes.join(", ")));
    if has("ThrottlingError") || has("ProvisionedThroughputExceeded") || has("RequestLimitExceeded") {
        Refusal::Transient(error)
    } else {
        Refusal::Final(error)
    }
}

fn build_error(error: BuildError) -> TableError {
    TableError::Invalid(format!("request cannot be built: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cancelled(codes: &[&str]) -> Refusal {
        use aws_sdk_dynamodb::types::error::TransactionCanceledException;
        use aws_sdk_dynamodb::types::CancellationReason;
        let reasons = codes.iter().map(|c| CancellationReason::builder().code(*c).build()).collect();
        let error = TransactWriteItemsError::TransactionCanceledException(
            TransactionCanceledException::builder().set_cancellation_reasons(Some(reasons)).build(),
        );
        let response = HttpResponse::new(400.try_into().unwrap(), aws_smithy_types::body::SdkBody::empty());
        transact_error(SdkError::service_error(error, response))
    }

    #[test]
    fn a_transaction_cancelled_by_a_conflict_or_throttling_is_sent_again_and_a_failed_condition_is_not() {
        assert!(matches!(cancelled(&["None", "TransactionConflict"]), Refusal::Transient(TableError::Conflict)));
        assert!(matches!(cancelled(&["ThrottlingError", "None"]), Refusal::Transient(TableError::Backend(_))));
        assert!(matches!(
            cancelled(&["TransactionConflict", "ConditionalCheckFailed"]),
            Refusal::Final(TableError::ConditionFailed { index: Some(1) })
        ));
        assert!(matches!(cancelled(&["ValidationError"]), Refusal::Final(TableError::Invalid(_))));
        for _ in 0..100 {
            let pause = jittered(Duration::from_millis(100));
            assert!(pause >= Duration::from_millis(50) && pause <= Duration::from_millis(100), "{pause:?}");
        }
    }

    #[test]
    fn json_values_round_trip_through_attribute_values() {
        let value = json!({
            "big": 9_007_199_254_740_993_i64, "neg": -42, "max": i64::MAX, "u": u64::MAX, "f": 1.5,
            "s": "Nguyễn", "e": "", "b": false, "n": null, "l": [1, "a", {"m": [true]}],
        });
        let Value::Object(item) = value.clone() else { panic!("object") };
        let back = from_attributes(&to_attributes(&item)).map(Value::Object).ok();
        assert_eq!(back, Some(value));
    }

    #[test]
    fn cursors_belong_to_their_query() {
        let query = Query::partition(Index::Gsi1, "A");
        let last = HashMap::from([
            ("pk".to_string(), AttributeValue::S("x".into())),
            ("sk".to_string(), AttributeValue::S("y".into())),
            ("gsi1pk".to_string(), AttributeValue::S("A".into())),
            ("gsi1sk".to_string(), AttributeValue::S("z".into())),
        ]);
        let cursor = encode_cursor(&query, &last).ok();
        let decoded = cursor.as_deref().map(|c| decode_cursor(c, &query).ok());
        assert_eq!(decoded, Some(Some(last)));
        let other = Query::partition(Index::Gsi1, "B");
        assert!(cursor.as_deref().is_some_and(|c| decode_cursor(c, &other).is_err()));
        assert!(cursor.as_deref().is_some_and(|c| decode_cursor(c, &Query::partition(Index::Gsi2, "A")).is_err()));
        assert!(decode_cursor("not a cursor", &query).is_err());
    }

    #[test]
    fn expired_items_are_those_with_a_numeric_ttl_in_the_past() {
        let item = |v: Value| match json!({"pk": "a", "sk": "b", "ttl": v}) {
            Value::Object(map) => map,
            _ => Item::new(),
        };
        assert!(expired(&item(json!(99)), 100));
        assert!(!expired(&item(json!(100)), 100));
        assert!(!expired(&item(json!("soon")), i64::MAX));
    }
}
