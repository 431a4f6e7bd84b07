//! Conformance cases of the [`Queue`] port: delivery, acknowledgement, visibility timeout,
//! redelivery, dead-lettering, batches, depth and concurrent consumers.
//!
//! Every case uses its own random queue name (and `<name>-dlq`). Receives are polled with a
//! deadline rather than expected on the first call, as SQS short polling may return nothing.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{must, unique};
use crate::{Message, Queue};

const LONG: Duration = Duration::from_secs(60);
const PATIENCE: Duration = Duration::from_secs(10);

fn queue_name(tag: &str) -> String {
    // SQS names: up to 80 characters of [A-Za-z0-9_-]; leave room for "-dlq".
    unique(tag)
}

/// Receives until at least one message arrives or `PATIENCE` passes.
async fn receive_some(queue: &dyn Queue, name: &str, max: usize, visibility: Duration) -> Vec<Message> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let got = must(queue.receive(name, max, visibility).await, &format!("receive from {name}"));
        if !got.is_empty() || Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn receive_one(queue: &dyn Queue, name: &str, visibility: Duration) -> Message {
    let mut got = receive_some(queue, name, 1, visibility).await;
    assert_eq!(got.len(), 1, "expected one message from {name} within {PATIENCE:?}, got {got:?}");
    got.remove(0)
}

async fn send(queue: &dyn Queue, name: &str, bodies: &[&str]) {
    must(queue.send(name, bodies.iter().map(|b| b.to_string()).collect()).await, &format!("send to {name}"));
}

async fn depth(queue: &dyn Queue, name: &str) -> usize {
    must(queue.depth(name).await, &format!("depth of {name}"))
}

pub async fn send_receive_ack(queue: &dyn Queue) {
    let name = queue_name("basic");
    let body = r#"{"event":"ho_so_da_nop","ten":"Trần Văn Đức"}"#;
    send(queue, &name, &[body]).await;
    let message = receive_one(queue, &name, LONG).await;
    assert_eq!(message.body, body, "the body must round-trip exactly (UTF-8 included)");
    assert_eq!(message.receive_count, 1, "first delivery has receive_count 1");
    assert!(!message.id.is_empty() && !message.receipt.is_empty(), "id and receipt must be set");
    must(queue.ack(&name, &message.receipt).await, "ack");
    assert_eq!(depth(queue, &name).await, 0, "an acknowledged message is gone");
    let again = must(queue.receive(&name, 10, Duration::ZERO).await, "receive after ack");
    assert!(again.is_empty(), "an acknowledged message is never delivered again, got {again:?}");
}

pub async fn received_message_is_invisible_until_visibility_expires(queue: &dyn Queue) {
    let name = queue_name("visibility");
    send(queue, &name, &["m"]).await;
    let visibility = Duration::from_secs(1);
    let first = receive_one(queue, &name, visibility).await;
    let received_at = Instant::now();
    let hidden = must(queue.receive(&name, 10, visibility).await, "receive while invisible");
    assert!(hidden.is_empty(), "a received message must stay invisible during its visibility timeout, got {hidden:?}");
    let again = receive_one(queue, &name, LONG).await;
    assert!(
        received_at.elapsed() >= visibility - Duration::from_millis(100),
        "redelivered after {:?}, before the visibility timeout of {visibility:?}",
        received_at.elapsed()
    );
    assert_eq!(again.id, first.id, "the same message is redelivered");
    assert_eq!(again.body, "m");
    assert_eq!(again.receive_count, 2, "a redelivery has receive_count 2");
    must(queue.ack(&name, &again.receipt).await, "ack of the redelivery");
    assert_eq!(depth(queue, &name).await, 0);
}

pub async fn release_makes_message_visible_at_once(queue: &dyn Queue) {
    let name = queue_name("release");
    send(queue, &name, &["retry me"]).await;
    let first = receive_one(queue, &name, LONG).await;
    must(queue.release(&name, &first.receipt).await, "release");
    let again = receive_one(queue, &name, LONG).await;
    assert_eq!(again.id, first.id, "the released message is delivered again");
    assert_eq!(again.receive_count, 2);
    must(queue.ack(&name, &again.receipt).await, "ack");
}

/// After `max_receives` deliveries without acknowledgement the message is found in
/// `<queue>-dlq` and no longer in the queue.
pub async fn dead_letter_after_max_receives(queue: &dyn Queue, max_receives: u32) {
    let name = queue_name("poison");
    let dlq = format!("{name}-dlq");
    send(queue, &name, &["poison"]).await;
    for attempt in 1..=max_receives {
        let message = receive_one(queue, &name, LONG).await;
        assert_eq!(message.receive_count, attempt, "delivery {attempt} must have receive_count {attempt}");
        must(queue.release(&name, &message.receipt).await, "release");
    }
    let deadline = Instant::now() + PATIENCE;
    let dead = loop {
        let again = must(queue.receive(&name, 10, LONG).await, "receive after max receives");
        assert!(again.is_empty(), "a message received {max_receives} times must not be delivered again, got {again:?}");
        let dead = must(queue.receive(&dlq, 10, LONG).await, "receive from the dead-letter queue");
        if !dead.is_empty() || Instant::now() > deadline {
            break dead;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(dead.len(), 1, "the message must be in {dlq} after {max_receives} receives, got {dead:?}");
    assert_eq!(dead[0].body, "poison");
    assert_eq!(depth(queue, &name).await, 0, "the dead-lettered message left the queue");
    must(queue.ack(&dlq, &dead[0].receipt).await, "ack in the dead-letter queue");
}

pub async fn batch_send_of_ten_and_receive_max(queue: &dyn Queue) {
    let name = queue_name("batch");
    let bodies: Vec<String> = (0..10).map(|i| format!("msg-{i}")).collect();
    must(queue.send(&name, bodies.clone()).await, "batch send of 10");
    assert_eq!(depth(queue, &name).await, 10, "all 10 messages are waiting");
    let mut seen = HashSet::new();
    let deadline = Instant::now() + PATIENCE;
    while seen.len() < 10 && Instant::now() < deadline {
        let got = must(queue.receive(&name, 3, LONG).await, "receive max 3");
        assert!(got.len() <= 3, "receive(max = 3) returned {} messages", got.len());
        for message in got {
            assert!(seen.insert(message.body.clone()), "{} delivered twice", message.body);
            must(queue.ack(&name, &message.receipt).await, "ack");
        }
    }
    assert_eq!(seen, bodies.into_iter().collect::<HashSet<_>>(), "every message of the batch is delivered");
}

pub async fn depth_counts_waiting_and_in_flight(queue: &dyn Queue) {
    let name = queue_name("depth");
    assert_eq!(depth(queue, &name).await, 0, "a new queue is empty");
    send(queue, &name, &["a", "b", "c"]).await;
    assert_eq!(depth(queue, &name).await, 3);
    let message = receive_one(queue, &name, LONG).await;
    assert_eq!(depth(queue, &name).await, 3, "in-flight messages still count");
    must(queue.ack(&name, &message.receipt).await, "ack");
    assert_eq!(depth(queue, &name).await, 2, "acknowledged messages do not count");
}

pub async fn ack_with_stale_or_unknown_receipt_is_harmless(queue: &dyn Queue) {
    let name = queue_name("stale");
    send(queue, &name, &["a"]).await;
    let first = receive_one(queue, &name, LONG).await;
    must(queue.release(&name, &first.receipt).await, "release");
    let second = receive_one(queue, &name, LONG).await;
    assert_eq!(second.id, first.id);
    send(queue, &name, &["b"]).await;
    // Whatever these return, they must not panic nor disturb other messages.
    let _ = queue.ack(&name, &first.receipt).await;
    let _ = queue.ack(&name, "not-a-receipt").await;
    let _ = queue.release(&name, "not-a-receipt").await;
    must(queue.ack(&name, &second.receipt).await, "ack with the current receipt");
    assert_eq!(depth(queue, &name).await, 1, "the other message is untouched");
    let other = receive_one(queue, &name, LONG).await;
    assert_eq!(other.body, "b");
    must(queue.ack(&name, &other.receipt).await, "ack");
}

pub async fn four_consumers_drain_200_messages_exactly_once(queue: Arc<dyn Queue>) {
    let name = queue_name("drain");
    for batch in 0..20 {
        let bodies = (0..10).map(|i| format!("m{:03}", batch * 10 + i)).collect();
        must(queue.send(&name, bodies).await, "batch send");
    }
    let seen: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut consumers = Vec::new();
    for _ in 0..4 {
        let (queue, name, seen) = (queue.clone(), name.clone(), seen.clone());
        consumers.push(tokio::spawn(async move {
            loop {
                let done = seen.lock().map(|s| s.len() >= 200).unwrap_or(true);
                if done || Instant::now() > deadline {
                    return;
                }
                let got = must(queue.receive(&name, 10, LONG).await, "concurrent receive");
                if got.is_empty() {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
                for message in got {
                    if let Ok(mut seen) = seen.lock() {
                        *seen.entry(message.body.clone()).or_default() += 1;
                    }
                    must(queue.ack(&name, &message.receipt).await, "concurrent ack");
                }
            }
        }));
    }
    for consumer in consumers {
        must(consumer.await, "consumer task");
    }
    let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
    let duplicated: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(duplicated.is_empty(), "messages delivered more than once: {duplicated:?}");
    assert_eq!(seen.len(), 200, "all 200 messages must be delivered; {} were", seen.len());
    assert_eq!(depth(queue.as_ref(), &name).await, 0, "every message was acknowledged");
}
