//! What the events worker writes against what its role in `template.yaml` allows (issue 15,
//! item 1). moto does not enforce IAM, so the tests on moto passed while the deployed worker
//! got AccessDenied writing the outbound register: here the worker handles an applicant's
//! event (with an email and a phone) over a table that records every write, and each write's
//! action and partition key must be allowed by a statement of the function's role (its
//! managed policies and inline statements, `dynamodb:LeadingKeys` patterns included).

use crate::common::*;
use crate::template_routes::{actions, functions, policies, resource, template};
use async_trait::async_trait;
use motcua_core::{Adapters, Services};
use motcua_ports::{Condition, Item, Key, Page, Query, Table, TableError, WriteOp};
use serde_yaml::Value;
use std::sync::{Arc, Mutex};

/// A table that notes the DynamoDB action and partition key of every write it passes on.
struct Recording {
    inner: Arc<dyn Table>,
    writes: Mutex<Vec<(&'static str, String)>>,
}

impl Recording {
    fn note(&self, action: &'static str, pk: &str) {
        self.writes.lock().unwrap().push((action, pk.to_string()));
    }
}

#[async_trait]
impl Table for Recording {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        self.inner.get(key).await
    }
    async fn put(&self, item: Item, condition: Condition) -> Result<(), TableError> {
        self.note("dynamodb:PutItem", &Key::of(&item).expect("keyed item").pk);
        self.inner.put(item, condition).await
    }
    async fn delete(&self, key: &Key, condition: Condition) -> Result<(), TableError> {
        self.note("dynamodb:DeleteItem", &key.pk);
        self.inner.delete(key, condition).await
    }
    async fn query(&self, query: Query) -> Result<Page, TableError> {
        self.inner.query(query).await
    }
    async fn transact(&self, ops: Vec<WriteOp>) -> Result<(), TableError> {
        for op in &ops {
            match op {
                WriteOp::Put { item, .. } => self.note("dynamodb:PutItem", &Key::of(item).expect("keyed item").pk),
                WriteOp::Delete { key, .. } => self.note("dynamodb:DeleteItem", &key.pk),
                WriteOp::Add { key, .. } => self.note("dynamodb:UpdateItem", &key.pk),
                WriteOp::ConditionCheck { key, .. } => self.note("dynamodb:ConditionCheckItem", &key.pk),
            }
        }
        self.inner.transact(ops).await
    }
    async fn increment(&self, key: &Key, attr: &str, by: i64) -> Result<i64, TableError> {
        self.note("dynamodb:UpdateItem", &key.pk);
        self.inner.increment(key, attr, by).await
    }
}

/// IAM's `StringLike`: `*` matches any run of characters.
fn like(pattern: &str, value: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == value,
        Some((head, rest)) => {
            value.starts_with(head) && (0..=value.len() - head.len()).any(|i| like(rest, &value[head.len() + i..]))
        }
    }
}

/// Whether `statement` allows `action` on a partition key `pk` (its LeadingKeys, when it has them).
fn allows(statement: &Value, action: &str, pk: &str) -> bool {
    if statement["Effect"] != "Allow" || !actions(statement).iter().any(|a| a == action) {
        return false;
    }
    let leading = ["ForAllValues:StringLike", "ForAllValues:StringEquals"]
        .iter()
        .find_map(|op| statement["Condition"].get(*op).and_then(|c| c.get("dynamodb:LeadingKeys")));
    match leading.and_then(Value::as_sequence) {
        None => true,
        Some(patterns) => patterns.iter().filter_map(Value::as_str).any(|p| like(p, pk)),
    }
}

#[tokio::test]
async fn the_events_worker_writes_only_what_its_role_allows() {
    assert!(like("NOTIF#*", "NOTIF#congdan") && like("OUTBOUND", "OUTBOUND") && !like("NOTIF#*", "USER#x"));
    let app = TestApp::spawn_quiet().await;
    let s = app.services();
    let recording = Arc::new(Recording { inner: s.table.clone(), writes: Mutex::default() });
    let adapters = Adapters {
        table: recording.clone(),
        objects: s.objects.clone(),
        queue: s.queue.clone(),
        clock: s.clock.clone(),
        notifier: s.notifier.clone(),
        connections: Default::default(),
    };
    let pem = motcua_core::auth::JwtKeys::generate_pem();
    let worker = Services::assemble(adapters, &[pem], s.config.clone()).await.unwrap();
    let event = serde_json::json!({
        "id": "evt-1", "kind": "dossier.accept", "subject": "d-1", "recipient": "congdan",
        "title": "Hồ sơ đã được tiếp nhận", "message": "Hồ sơ của ông/bà đã được tiếp nhận.",
        "at": "2026-03-02T09:00:00+07:00", "queued_ms": 0,
        "email": "congdan@example.vn", "phone": "0912345678"
    });
    motcua_core::events::handle(&worker, &event.to_string()).await.expect("event handled");
    let writes = recording.writes.lock().unwrap().clone();
    assert!(writes.iter().any(|(_, pk)| pk == motcua_core::keys::OUTBOUND), "the register was written: {writes:?}");

    let t = template();
    let function = functions(&t)["EventsFunction"];
    let (managed, inline) = policies("EventsFunction", function);
    let mut statements: Vec<&Value> = inline;
    for m in managed {
        statements
            .extend(resource(&t, m)["Properties"]["PolicyDocument"]["Statement"].as_sequence().expect("Statement"));
    }
    for (action, pk) in &writes {
        assert!(
            statements.iter().any(|st| allows(st, action, pk)),
            "EventsFunction's role does not allow {action} on partition {pk} (template.yaml)"
        );
    }
}
