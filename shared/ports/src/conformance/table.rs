//! Conformance cases of the [`Table`] port: keys, conditions, queries on the primary key and
//! both GSIs, pagination, transactions, counters, TTL and value fidelity.
//!
//! Every case writes under its own random partition keys, so cases may share one table.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::{json, Value};

use super::{must, unique};
use crate::table::{attr_i64, attr_str};
use crate::{Condition, Index, Item, Key, Query, SortCondition, Table, TableError, WriteOp};

fn item(value: Value) -> Item {
    match value {
        Value::Object(map) => map,
        other => panic!("test item must be a JSON object, got {other}"),
    }
}

async fn get(table: &dyn Table, key: &Key) -> Option<Item> {
    must(table.get(key).await, &format!("get {key:?}"))
}

async fn put(table: &dyn Table, value: Value) {
    must(table.put(item(value), Condition::None).await, "unconditional put");
}

/// Every sort key of a query, following cursors to the end.
async fn query_all(table: &dyn Table, query: Query) -> Vec<Item> {
    let mut out = Vec::new();
    let mut cursor = None;
    for _ in 0..1000 {
        let page = must(table.query(query.clone().after(cursor)).await, "query");
        out.extend(page.items);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return out,
        }
    }
    panic!("query did not end after 1000 pages");
}

fn sks(items: &[Item]) -> Vec<String> {
    items.iter().map(|i| attr_str(i, "sk").unwrap_or("<no sk>").to_string()).collect()
}

#[track_caller]
fn assert_condition_failed(result: Result<(), TableError>, doing: &str) {
    match result {
        Err(TableError::ConditionFailed { .. }) => {}
        other => panic!("{doing}: expected ConditionFailed, got {other:?}"),
    }
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

pub async fn put_get_delete(table: &dyn Table) {
    let pk = unique("pgd");
    let key = Key::new(&pk, "A");
    assert_eq!(get(table, &key).await, None, "a fresh key must be absent");
    put(table, json!({"pk": pk, "sk": "A", "name": "một", "n": 1})).await;
    let stored = get(table, &key).await.expect("item just put must be readable");
    assert_eq!(stored.get("name"), Some(&json!("một")));
    assert_eq!(attr_i64(&stored, "n"), Some(1));
    assert_eq!(get(table, &Key::new(&pk, "B")).await, None, "another sort key must be absent");
    must(table.delete(&key, Condition::None).await, "delete");
    assert_eq!(get(table, &key).await, None, "deleted item must be absent");
    must(table.delete(&key, Condition::None).await, "deleting an absent item is not an error");
}

pub async fn put_replaces_whole_item(table: &dyn Table) {
    let pk = unique("replace");
    put(table, json!({"pk": pk, "sk": "A", "old": true, "v": 1})).await;
    put(table, json!({"pk": pk, "sk": "A", "v": 2})).await;
    let stored = get(table, &Key::new(&pk, "A")).await.expect("item");
    assert_eq!(stored.get("old"), None, "put must replace the whole item, not merge");
    assert_eq!(attr_i64(&stored, "v"), Some(2));
}

pub async fn put_not_exists_condition(table: &dyn Table) {
    let pk = unique("notexists");
    let key = Key::new(&pk, "A");
    must(table.put(item(json!({"pk": pk, "sk": "A", "v": 1})), Condition::NotExists).await, "first NotExists put");
    assert_condition_failed(
        table.put(item(json!({"pk": pk, "sk": "A", "v": 2})), Condition::NotExists).await,
        "second NotExists put",
    );
    let stored = get(table, &key).await.expect("item");
    assert_eq!(attr_i64(&stored, "v"), Some(1), "a failed conditional put must change nothing");
}

pub async fn put_exists_condition(table: &dyn Table) {
    let pk = unique("exists");
    let key = Key::new(&pk, "A");
    assert_condition_failed(
        table.put(item(json!({"pk": pk, "sk": "A", "v": 1})), Condition::Exists).await,
        "Exists put on an absent item",
    );
    assert_eq!(get(table, &key).await, None, "a failed Exists put must not create the item");
    put(table, json!({"pk": pk, "sk": "A", "v": 1})).await;
    must(table.put(item(json!({"pk": pk, "sk": "A", "v": 2})), Condition::Exists).await, "Exists put");
    assert_eq!(attr_i64(&get(table, &key).await.expect("item"), "v"), Some(2));
}

pub async fn put_attr_equals_condition(table: &dyn Table) {
    let pk = unique("attreq");
    let key = Key::new(&pk, "A");
    let version_is = |v: i64| Condition::AttrEquals("version".into(), json!(v));
    assert_condition_failed(
        table.put(item(json!({"pk": pk, "sk": "A", "version": 1})), version_is(0)).await,
        "AttrEquals on an absent item",
    );
    assert_eq!(get(table, &key).await, None, "a failed AttrEquals put must not create the item");
    put(table, json!({"pk": pk, "sk": "A", "version": 1, "state": "moi"})).await;
    must(
        table.put(item(json!({"pk": pk, "sk": "A", "version": 2, "state": "dang_xu_ly"})), version_is(1)).await,
        "AttrEquals put with the current version",
    );
    assert_condition_failed(
        table.put(item(json!({"pk": pk, "sk": "A", "version": 2, "state": "tre"})), version_is(1)).await,
        "AttrEquals put with a stale version",
    );
    let stored = get(table, &key).await.expect("item");
    assert_eq!(stored.get("state"), Some(&json!("dang_xu_ly")), "a stale write must change nothing");
    assert_condition_failed(
        table
            .put(item(json!({"pk": pk, "sk": "A", "version": 3})), Condition::AttrEquals("missing".into(), json!(1)))
            .await,
        "AttrEquals on a missing attribute",
    );
    must(
        table
            .put(
                item(json!({"pk": pk, "sk": "A", "version": 3, "state": "xong"})),
                Condition::AttrEquals("state".into(), json!("dang_xu_ly")),
            )
            .await,
        "AttrEquals on a string attribute",
    );
}

pub async fn delete_conditions(table: &dyn Table) {
    let pk = unique("delcond");
    let key = Key::new(&pk, "A");
    assert_condition_failed(table.delete(&key, Condition::Exists).await, "Exists delete of an absent item");
    put(table, json!({"pk": pk, "sk": "A", "version": 4})).await;
    assert_condition_failed(table.delete(&key, Condition::NotExists).await, "NotExists delete of a present item");
    assert_condition_failed(
        table.delete(&key, Condition::AttrEquals("version".into(), json!(3))).await,
        "AttrEquals delete with a wrong value",
    );
    assert!(get(table, &key).await.is_some(), "failed conditional deletes must leave the item");
    must(table.delete(&key, Condition::AttrEquals("version".into(), json!(4))).await, "AttrEquals delete");
    assert_eq!(get(table, &key).await, None);
}

pub async fn query_primary_begins_with_and_between(table: &dyn Table) {
    let pk = unique("qprimary");
    for sk in ["HS#001", "HS#002", "HS#010", "HSX#001", "LOG#2024-01-05", "LOG#2024-02-01", "LOG#2024-03-09"] {
        put(table, json!({"pk": pk, "sk": sk})).await;
    }
    // A neighbouring partition that must never leak in.
    put(table, json!({"pk": format!("{pk}0"), "sk": "HS#003"})).await;

    let all = query_all(table, Query::partition(Index::Primary, &pk)).await;
    assert_eq!(
        sks(&all),
        ["HS#001", "HS#002", "HS#010", "HSX#001", "LOG#2024-01-05", "LOG#2024-02-01", "LOG#2024-03-09"],
        "a partition query returns the whole partition in sort key order"
    );
    let hs =
        query_all(table, Query::partition(Index::Primary, &pk).sort(SortCondition::BeginsWith("HS#".into()))).await;
    assert_eq!(sks(&hs), ["HS#001", "HS#002", "HS#010"], "BeginsWith");
    let between = query_all(
        table,
        Query::partition(Index::Primary, &pk)
            .sort(SortCondition::Between("LOG#2024-01-05".into(), "LOG#2024-02-01".into())),
    )
    .await;
    assert_eq!(sks(&between), ["LOG#2024-01-05", "LOG#2024-02-01"], "Between is inclusive on both ends");
    let none =
        query_all(table, Query::partition(Index::Primary, &pk).sort(SortCondition::BeginsWith("ZZ".into()))).await;
    assert!(none.is_empty(), "BeginsWith with no match returns nothing");
    let empty = query_all(table, Query::partition(Index::Primary, unique("empty"))).await;
    assert!(empty.is_empty(), "an empty partition returns nothing");
}

pub async fn query_gsi1_and_gsi2(table: &dyn Table) {
    let agency = unique("agency");
    let officer = unique("officer");
    for (i, day) in ["2024-05-01", "2024-05-02", "2024-05-03", "2024-06-01"].iter().enumerate() {
        put(
            table,
            json!({
                "pk": format!("{agency}#D{i}"), "sk": "META",
                "gsi1pk": agency, "gsi1sk": format!("{day}#D{i}"),
                "gsi2pk": officer, "gsi2sk": format!("S{i}"),
                "i": i,
            }),
        )
        .await;
    }
    let may =
        query_all(table, Query::partition(Index::Gsi1, &agency).sort(SortCondition::BeginsWith("2024-05".into())))
            .await;
    let days: Vec<_> = may.iter().filter_map(|i| attr_str(i, "gsi1sk")).collect();
    assert_eq!(days, ["2024-05-01#D0", "2024-05-02#D1", "2024-05-03#D2"], "gsi1 BeginsWith");
    assert!(may.iter().all(|i| attr_str(i, "sk") == Some("META")), "index queries return whole items");
    let between = query_all(
        table,
        Query::partition(Index::Gsi1, &agency).sort(SortCondition::Between("2024-05-02".into(), "2024-05-04".into())),
    )
    .await;
    let days: Vec<_> = between.iter().filter_map(|i| attr_str(i, "gsi1sk")).collect();
    assert_eq!(days, ["2024-05-02#D1", "2024-05-03#D2"], "gsi1 Between");
    let gsi2 = query_all(
        table,
        Query::partition(Index::Gsi2, &officer).sort(SortCondition::Between("S1".into(), "S2".into())),
    )
    .await;
    let ids: Vec<_> = gsi2.iter().filter_map(|i| attr_i64(i, "i")).collect();
    assert_eq!(ids, [1, 2], "gsi2 Between");
    let gsi2_all = query_all(table, Query::partition(Index::Gsi2, &officer)).await;
    assert_eq!(gsi2_all.len(), 4, "gsi2 partition query");
    let wrong_index = query_all(table, Query::partition(Index::Gsi2, &agency)).await;
    assert!(wrong_index.is_empty(), "gsi1 partition values must not appear in gsi2");
}

pub async fn query_descending(table: &dyn Table) {
    let pk = unique("desc");
    for sk in ["a", "b", "c", "d"] {
        put(table, json!({"pk": pk, "sk": sk, "gsi1pk": pk, "gsi1sk": sk})).await;
    }
    let down = query_all(table, Query::partition(Index::Primary, &pk).descending()).await;
    assert_eq!(sks(&down), ["d", "c", "b", "a"], "descending primary query");
    let down = query_all(
        table,
        Query::partition(Index::Primary, &pk).sort(SortCondition::Between("b".into(), "c".into())).descending(),
    )
    .await;
    assert_eq!(sks(&down), ["c", "b"], "descending Between");
    let down = query_all(table, Query::partition(Index::Gsi1, &pk).descending()).await;
    assert_eq!(sks(&down), ["d", "c", "b", "a"], "descending gsi1 query");
    let first = must(table.query(Query::partition(Index::Primary, &pk).descending().limit(1)).await, "query");
    assert_eq!(sks(&first.items), ["d"], "limit 1 descending returns the last item");
}

pub async fn pagination_visits_every_item_once(table: &dyn Table) {
    let pk = unique("page");
    let expected: Vec<String> = (0..23).map(|i| format!("ITEM#{i:03}")).collect();
    for sk in &expected {
        put(table, json!({"pk": pk, "sk": sk, "gsi2pk": pk, "gsi2sk": format!("G#{sk}")})).await;
    }
    put(table, json!({"pk": pk, "sk": "OTHER#1"})).await;
    for (index, forward) in [(Index::Primary, true), (Index::Primary, false), (Index::Gsi2, true), (Index::Gsi2, false)]
    {
        let mut query = Query::partition(index, &pk).limit(5);
        if index == Index::Primary {
            query = query.sort(SortCondition::BeginsWith("ITEM#".into()));
        }
        if !forward {
            query = query.descending();
        }
        let mut seen = Vec::new();
        let mut cursor = None;
        let mut pages = 0;
        loop {
            let page = must(table.query(query.clone().after(cursor)).await, "paged query");
            pages += 1;
            assert!(page.items.len() <= 5, "a page must respect the limit ({} items)", page.items.len());
            seen.extend(sks(&page.items));
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
            assert!(pages < 50, "pagination did not end");
        }
        let mut want = expected.clone();
        if !forward {
            want.reverse();
        }
        assert_eq!(seen, want, "{index:?} forward={forward}: every item exactly once, in order");
        assert!(pages >= 5, "{index:?}: 23 items with limit 5 need at least 5 pages, got {pages}");
    }
}

pub async fn items_without_gsi_attributes_are_absent_from_index(table: &dyn Table) {
    let g = unique("sparse");
    put(table, json!({"pk": format!("{g}#1"), "sk": "S", "gsi1pk": g, "gsi1sk": "1"})).await;
    put(table, json!({"pk": format!("{g}#2"), "sk": "S", "gsi1pk": g})).await;
    put(table, json!({"pk": format!("{g}#3"), "sk": "S"})).await;
    put(table, json!({"pk": format!("{g}#4"), "sk": "S", "gsi2pk": g, "gsi2sk": "4"})).await;
    let in_gsi1 = query_all(table, Query::partition(Index::Gsi1, &g)).await;
    let pks: Vec<_> = in_gsi1.iter().filter_map(|i| attr_str(i, "pk")).collect();
    assert_eq!(pks, [format!("{g}#1")], "only items with both gsi1pk and gsi1sk appear in gsi1");
    let in_gsi2 = query_all(table, Query::partition(Index::Gsi2, &g)).await;
    let pks: Vec<_> = in_gsi2.iter().filter_map(|i| attr_str(i, "pk")).collect();
    assert_eq!(pks, [format!("{g}#4")], "only items with gsi2 attributes appear in gsi2");
}

pub async fn index_follows_updates_and_deletes(table: &dyn Table) {
    let pk = unique("idxupd");
    let (old, new) = (format!("{pk}-old"), format!("{pk}-new"));
    let key = Key::new(&pk, "A");
    put(table, json!({"pk": pk, "sk": "A", "gsi1pk": old, "gsi1sk": "x"})).await;
    put(table, json!({"pk": pk, "sk": "A", "gsi1pk": new, "gsi1sk": "x"})).await;
    assert!(query_all(table, Query::partition(Index::Gsi1, &old)).await.is_empty(), "the old index entry must go");
    assert_eq!(query_all(table, Query::partition(Index::Gsi1, &new)).await.len(), 1, "the new index entry");
    put(table, json!({"pk": pk, "sk": "A"})).await;
    assert!(
        query_all(table, Query::partition(Index::Gsi1, &new)).await.is_empty(),
        "removing the gsi attributes must remove the index entry"
    );
    put(table, json!({"pk": pk, "sk": "A", "gsi1pk": new, "gsi1sk": "y"})).await;
    must(table.transact(vec![WriteOp::Delete { key, condition: Condition::Exists }]).await, "transact delete");
    assert!(query_all(table, Query::partition(Index::Gsi1, &new)).await.is_empty(), "a deleted item leaves the index");
}

pub async fn transact_is_all_or_nothing(table: &dyn Table) {
    let pk = unique("txn");
    put(table, json!({"pk": pk, "sk": "EXISTING", "v": 1, "gsi1pk": pk, "gsi1sk": "e"})).await;
    put(table, json!({"pk": pk, "sk": "GUARD", "state": "closed"})).await;
    put(table, json!({"pk": pk, "sk": "COUNTER", "n": 10})).await;
    let ops = vec![
        WriteOp::Put {
            item: item(json!({"pk": pk, "sk": "NEW", "gsi1pk": pk, "gsi1sk": "n"})),
            condition: Condition::NotExists,
        },
        WriteOp::Put { item: item(json!({"pk": pk, "sk": "EXISTING", "v": 2})), condition: Condition::Exists },
        WriteOp::Delete { key: Key::new(&pk, "COUNTER"), condition: Condition::None },
        WriteOp::Add { key: Key::new(&pk, "TOTAL"), add: vec![("n".into(), 1)], set: Item::new() },
        WriteOp::ConditionCheck {
            key: Key::new(&pk, "GUARD"),
            condition: Condition::AttrEquals("state".into(), json!("open")),
        },
    ];
    match table.transact(ops).await {
        Err(TableError::ConditionFailed { index: Some(4) }) => {}
        other => panic!(
            "a failing ConditionCheck at position 4 must give ConditionFailed {{ index: Some(4) }}, got {other:?}"
        ),
    }
    assert_eq!(get(table, &Key::new(&pk, "NEW")).await, None, "cancelled put must not be applied");
    assert_eq!(attr_i64(&get(table, &Key::new(&pk, "EXISTING")).await.expect("item"), "v"), Some(1));
    assert!(get(table, &Key::new(&pk, "COUNTER")).await.is_some(), "cancelled delete must not be applied");
    assert_eq!(get(table, &Key::new(&pk, "TOTAL")).await, None, "cancelled add must not be applied");
    let gsi: Vec<_> = sks(&query_all(table, Query::partition(Index::Gsi1, &pk)).await);
    assert_eq!(gsi, ["EXISTING"], "cancelled put must not reach the index");

    // The failing op's index is reported wherever it is.
    let ops = vec![
        WriteOp::Put { item: item(json!({"pk": pk, "sk": "NEW"})), condition: Condition::NotExists },
        WriteOp::Put { item: item(json!({"pk": pk, "sk": "EXISTING", "v": 3})), condition: Condition::NotExists },
    ];
    match table.transact(ops).await {
        Err(TableError::ConditionFailed { index: Some(1) }) => {}
        other => panic!("a failing put at position 1 must give ConditionFailed {{ index: Some(1) }}, got {other:?}"),
    }
    assert_eq!(get(table, &Key::new(&pk, "NEW")).await, None, "cancelled put must not be applied");
}

pub async fn transact_applies_every_op(table: &dyn Table) {
    let pk = unique("txnok");
    put(table, json!({"pk": pk, "sk": "OLD"})).await;
    put(table, json!({"pk": pk, "sk": "GUARD", "state": "open"})).await;
    let ops = vec![
        WriteOp::Put { item: item(json!({"pk": pk, "sk": "NEW", "v": 1})), condition: Condition::NotExists },
        WriteOp::Delete { key: Key::new(&pk, "OLD"), condition: Condition::Exists },
        WriteOp::Add { key: Key::new(&pk, "COUNT"), add: vec![("n".into(), 3)], set: Item::new() },
        WriteOp::ConditionCheck {
            key: Key::new(&pk, "GUARD"),
            condition: Condition::AttrEquals("state".into(), json!("open")),
        },
    ];
    must(table.transact(ops).await, "transaction whose conditions hold");
    assert!(get(table, &Key::new(&pk, "NEW")).await.is_some());
    assert_eq!(get(table, &Key::new(&pk, "OLD")).await, None);
    assert_eq!(attr_i64(&get(table, &Key::new(&pk, "COUNT")).await.expect("counter"), "n"), Some(3));
    let guard = get(table, &Key::new(&pk, "GUARD")).await.expect("guard");
    assert_eq!(guard.get("state"), Some(&json!("open")), "a ConditionCheck changes nothing");
}

pub async fn transact_rejects_two_ops_on_one_item(table: &dyn Table) {
    let pk = unique("txndup");
    let ops = vec![
        WriteOp::Put { item: item(json!({"pk": pk, "sk": "A"})), condition: Condition::None },
        WriteOp::Delete { key: Key::new(&pk, "A"), condition: Condition::None },
    ];
    match table.transact(ops).await {
        Err(TableError::Invalid(_)) => {}
        other => panic!("two ops on one item must be Invalid, got {other:?}"),
    }
    assert_eq!(get(table, &Key::new(&pk, "A")).await, None, "an invalid transaction applies nothing");
}

pub async fn add_creates_and_adds(table: &dyn Table) {
    let pk = unique("add");
    let key = Key::new(&pk, "STATS");
    let mut set = Item::new();
    set.insert("gsi2pk".into(), json!(pk));
    set.insert("gsi2sk".into(), json!("stats"));
    set.insert("label".into(), json!("Thống kê"));
    let add =
        WriteOp::Add { key: key.clone(), add: vec![("received".into(), 2), ("late".into(), 0)], set: set.clone() };
    must(table.transact(vec![add]).await, "Add creating the item");
    let stored = get(table, &key).await.expect("Add must create the item");
    assert_eq!(attr_i64(&stored, "received"), Some(2));
    assert_eq!(attr_i64(&stored, "late"), Some(0));
    assert_eq!(stored.get("label"), Some(&json!("Thống kê")), "set attributes are written");
    let add = WriteOp::Add { key: key.clone(), add: vec![("received".into(), 5), ("late".into(), -1)], set };
    must(table.transact(vec![add]).await, "Add to an existing item");
    let stored = get(table, &key).await.expect("item");
    assert_eq!(attr_i64(&stored, "received"), Some(7));
    assert_eq!(attr_i64(&stored, "late"), Some(-1));
    let indexed = query_all(table, Query::partition(Index::Gsi2, &pk)).await;
    assert_eq!(sks(&indexed), ["STATS"], "attributes set by Add are indexed");
    assert_eq!(must(table.increment(&key, "received", 1).await, "increment"), 8);
    assert_eq!(must(table.increment(&Key::new(&pk, "FRESH"), "seq", 1).await, "increment from nothing"), 1);
    assert_eq!(attr_i64(&get(table, &key).await.expect("item"), "received"), Some(8), "increment is stored");
}

pub async fn concurrent_increments_yield_distinct_values(table: Arc<dyn Table>) {
    let key = Key::new(unique("incr"), "SEQ");
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (table, key) = (table.clone(), key.clone());
        tasks.push(tokio::spawn(async move { table.increment(&key, "value", 1).await }));
    }
    let mut values = BTreeSet::new();
    for task in tasks {
        let value = must(must(task.await, "increment task"), "concurrent increment");
        assert!(values.insert(value), "increment returned {value} twice");
    }
    assert_eq!(values, (1..=50).collect::<BTreeSet<i64>>(), "50 increments must yield exactly 1..=50");
    let stored = must(table.get(&key).await, "get counter").expect("counter item");
    assert_eq!(attr_i64(&stored, "value"), Some(50));
}

pub async fn concurrent_not_exists_puts_have_one_winner(table: Arc<dyn Table>) {
    let pk = unique("race");
    for round in 0..10 {
        let sk = format!("R{round}");
        let mut tasks = Vec::new();
        for contender in 0..2 {
            let table = table.clone();
            let it = item(json!({"pk": pk, "sk": sk, "winner": contender}));
            tasks.push(tokio::spawn(async move { (contender, table.put(it, Condition::NotExists).await) }));
        }
        let mut winners = Vec::new();
        for task in tasks {
            let (contender, result) = must(task.await, "put task");
            match result {
                Ok(()) => winners.push(contender),
                Err(TableError::ConditionFailed { .. }) => {}
                Err(other) => panic!("round {round}: the losing put must be ConditionFailed, got {other:?}"),
            }
        }
        assert_eq!(winners.len(), 1, "round {round}: exactly one NotExists put must win, got {winners:?}");
        let stored = must(table.get(&Key::new(&pk, &sk)).await, "get").expect("item");
        assert_eq!(attr_i64(&stored, "winner"), Some(winners[0]), "round {round}: the stored item is the winner's");
    }
}

pub async fn expired_ttl_hides_item(table: &dyn Table) {
    let pk = unique("ttl");
    let now = now_secs();
    put(table, json!({"pk": pk, "sk": "OLD", "ttl": now - 3600, "gsi1pk": pk, "gsi1sk": "old"})).await;
    put(table, json!({"pk": pk, "sk": "LIVE", "ttl": now + 3600, "gsi1pk": pk, "gsi1sk": "live"})).await;
    assert_eq!(get(table, &Key::new(&pk, "OLD")).await, None, "an item whose ttl has passed must be hidden");
    assert!(get(table, &Key::new(&pk, "LIVE")).await.is_some(), "an item whose ttl is ahead is visible");
    assert_eq!(
        sks(&query_all(table, Query::partition(Index::Primary, &pk)).await),
        ["LIVE"],
        "query hides expired items"
    );
    assert_eq!(
        sks(&query_all(table, Query::partition(Index::Gsi1, &pk)).await),
        ["LIVE"],
        "index query hides expired items"
    );
}

pub async fn expired_item_counts_as_absent_for_conditions(table: &dyn Table) {
    let pk = unique("ttlcond");
    let key = Key::new(&pk, "IDEMPOTENCY");
    put(table, json!({"pk": pk, "sk": "IDEMPOTENCY", "ttl": now_secs() - 60, "v": 1})).await;
    assert_condition_failed(
        table.put(item(json!({"pk": pk, "sk": "IDEMPOTENCY"})), Condition::Exists).await,
        "Exists on an expired item",
    );
    must(
        table.put(item(json!({"pk": pk, "sk": "IDEMPOTENCY", "v": 2})), Condition::NotExists).await,
        "NotExists put over an expired item",
    );
    assert_eq!(attr_i64(&get(table, &key).await.expect("item"), "v"), Some(2));
}

pub async fn integers_and_json_values_round_trip(table: &dyn Table) {
    let pk = unique("values");
    let ints: [i64; 9] =
        [0, 1, -1, 42, -86_400, 1_700_000_000_123, 9_007_199_254_740_991, i32::MAX as i64 + 1, -9_007_199_254_740_991];
    let value = json!({
        "pk": pk, "sk": "V",
        "ints": ints,
        "single": 1_715_000_000_i64,
        "float": 1.5,
        "flag": true,
        "nothing": null,
        "empty": "",
        "nested": {"list": [1, "two", {"three": 3}], "map": {"a": {"b": [false]}}},
    });
    put(table, value.clone()).await;
    let stored = get(table, &Key::new(&pk, "V")).await.expect("item");
    for (i, expected) in ints.iter().enumerate() {
        let got = stored.get("ints").and_then(|l| l.get(i));
        assert_eq!(
            got.and_then(Value::as_i64),
            Some(*expected),
            "integer {expected} must round-trip exactly, got {got:?}"
        );
    }
    assert_eq!(attr_i64(&stored, "single"), Some(1_715_000_000), "an integer attribute stays an integer");
    assert_eq!(Value::Object(stored), value, "every JSON value must round-trip");
}

pub async fn vietnamese_text_round_trips(table: &dyn Table) {
    let pk = format!("{}#Hồ sơ", unique("vi"));
    let name = "Nguyễn Thị Ánh Tuyết — Ủy ban nhân dân phường Bến Nghé, Quận 1";
    for sk in ["Đăng ký khai sinh#1", "Đăng ký kết hôn#2", "Cấp giấy phép#3"] {
        put(table, json!({"pk": pk, "sk": sk, "name": name, "gsi1pk": pk, "gsi1sk": sk})).await;
    }
    let stored = get(table, &Key::new(&pk, "Đăng ký kết hôn#2")).await.expect("item with a Vietnamese key");
    assert_eq!(stored.get("name"), Some(&json!(name)));
    let found =
        query_all(table, Query::partition(Index::Primary, &pk).sort(SortCondition::BeginsWith("Đăng ký".into()))).await;
    assert_eq!(sks(&found), ["Đăng ký khai sinh#1", "Đăng ký kết hôn#2"], "BeginsWith with a Vietnamese prefix");
    let found = query_all(table, Query::partition(Index::Gsi1, &pk)).await;
    assert_eq!(sks(&found), ["Cấp giấy phép#3", "Đăng ký khai sinh#1", "Đăng ký kết hôn#2"], "UTF-8 byte order");
}
