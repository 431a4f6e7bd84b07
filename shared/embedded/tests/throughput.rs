//! Throughput of durable 3-item `Table::transact` calls from 64 concurrent tasks, the shape
//! of a dossier submission (dossier item, outbox event, agency counter). A measurement, not
//! a check: `cargo test --release -p motcua-embedded --test throughput -- --ignored --nocapture`.

use std::time::{Duration, Instant};

use motcua_embedded::EmbeddedStore;
use motcua_ports::{Condition, Item, Key, Table, WriteOp};
use serde_json::{json, Value};

fn item(value: Value) -> Item {
    match value {
        Value::Object(map) => map,
        _ => Item::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "measurement; run in release mode"]
async fn transact_throughput_from_64_tasks() {
    const TASKS: usize = 64;
    const RUN: Duration = Duration::from_secs(5);
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = EmbeddedStore::open(dir.path()).expect("open");
    let start = Instant::now();
    let mut handles = Vec::new();
    for task in 0..TASKS {
        let table = store.table();
        handles.push(tokio::spawn(async move {
            let mut done = 0u64;
            while start.elapsed() < RUN {
                let id = format!("HS-{task:02}-{done:06}");
                let ops = vec![
                    WriteOp::Put {
                        item: item(json!({
                            "pk": format!("DOSSIER#{id}"), "sk": "META", "status": "received",
                            "applicant": "Nguyễn Văn An", "procedure": "1.001234",
                            "gsi1pk": "AGENCY#UBND-Q1", "gsi1sk": format!("2024-06-01T08:00:00+07:00#{id}"),
                            "gsi2pk": format!("CITIZEN#{task}"), "gsi2sk": id,
                        })),
                        condition: Condition::NotExists,
                    },
                    WriteOp::Put {
                        item: item(
                            json!({"pk": "OUTBOX", "sk": format!("{id}#submitted"), "type": "dossier.submitted"}),
                        ),
                        condition: Condition::NotExists,
                    },
                    WriteOp::Add {
                        key: Key::new("STATS#UBND-Q1", "2024-06"),
                        add: vec![("received".into(), 1)],
                        set: Item::new(),
                    },
                ];
                table.transact(ops).await.expect("transact");
                done += 1;
            }
            done
        }));
    }
    let mut total = 0;
    for handle in handles {
        total += handle.await.expect("task");
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "{total} durable 3-item transactions from {TASKS} tasks in {elapsed:.2} s = {:.0} /s",
        total as f64 / elapsed
    );
    let stats = store.table().get(&Key::new("STATS#UBND-Q1", "2024-06")).await.expect("get").expect("stats");
    assert_eq!(stats.get("received").and_then(Value::as_u64), Some(total), "every transaction counted once");
}
