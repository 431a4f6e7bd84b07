//! `RedbQueue`: the `Queue` port on redb, in the same file (and transactions) as the table.
//!
//! Messages live under (queue, sequence) with their body, receive count, current receipt and
//! visibility time; a second table orders them by (queue, visible_at, sequence), so a receive
//! reads the visible ones oldest first. Receiving hides a message for the visibility timeout
//! and gives it a fresh receipt; a message received `max_receives` times without being
//! acknowledged moves to `<queue>-dlq` on its next receive. Queues exist implicitly.

use std::sync::Arc;
use std::time::Duration;

use motcua_ports::{Message, Queue, QueueError};
use redb::ReadableTable;
use serde::{Deserialize, Serialize};

use crate::writer::{Shared, WriteTables, MESSAGES};

use motcua_ports::queue::validate::{check_name, MAX_BATCH};
const DLQ_SUFFIX: &str = "-dlq";
const SEQUENCE: &str = "queue_sequence";
/// Extra visible entries read per receive, for messages that move to the dead-letter queue.
const SCAN_SLACK: usize = 32;

/// The `Queue` port on the embedded store; see [`crate::EmbeddedStore::queue`].
pub struct RedbQueue {
    shared: Arc<Shared>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    id: String,
    body: String,
    receives: u32,
    /// Nonce of the current delivery's receipt; empty before the first delivery.
    receipt: String,
    visible_at: u64,
}

impl RedbQueue {
    pub(crate) fn new(shared: Arc<Shared>) -> RedbQueue {
        RedbQueue { shared }
    }
}

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0)
}

/// A receipt is "<sequence>.<nonce>".
fn parse_receipt(receipt: &str) -> Result<(u64, String), QueueError> {
    receipt
        .split_once('.')
        .and_then(|(seq, nonce)| Some((seq.parse().ok()?, nonce.to_string())))
        .filter(|(_, nonce)| !nonce.is_empty())
        .ok_or_else(|| QueueError::Invalid("malformed receipt".into()))
}

fn storage_error(reason: impl ToString) -> redb::Error {
    redb::Error::from(std::io::Error::other(reason.to_string()))
}

fn next_sequence(t: &mut WriteTables<'_>) -> Result<u64, redb::Error> {
    let next = t.counters.get(SEQUENCE)?.map_or(0, |v| v.value()) + 1;
    t.counters.insert(SEQUENCE, next)?;
    Ok(next)
}

fn load(t: &WriteTables<'_>, queue: &str, seq: u64) -> Result<Option<Stored>, redb::Error> {
    let Some(bytes) = t.messages.get((queue, seq))? else {
        return Ok(None);
    };
    match serde_json::from_slice(bytes.value()) {
        Ok(stored) => Ok(Some(stored)),
        Err(error) => {
            tracing::warn!(queue, seq, %error, "skipping an unreadable queue message");
            Ok(None)
        }
    }
}

/// Writes the message and its visibility entry (the caller removed any previous entry).
fn store(t: &mut WriteTables<'_>, queue: &str, seq: u64, message: &Stored) -> Result<(), redb::Error> {
    let bytes = serde_json::to_vec(message).map_err(storage_error)?;
    t.messages.insert((queue, seq), bytes.as_slice())?;
    t.visible.insert((queue, message.visible_at, seq), ())?;
    Ok(())
}

#[async_trait::async_trait]
impl Queue for RedbQueue {
    async fn send(&self, queue: &str, bodies: Vec<String>) -> Result<(), QueueError> {
        check_name(queue)?;
        motcua_ports::queue::validate::check_batch(&bodies)?;
        if bodies.is_empty() {
            return Ok(());
        }
        let queue = queue.to_string();
        self.shared
            .write(move |t| {
                let now = now_ms();
                for body in bodies {
                    let seq = next_sequence(t)?;
                    let id = uuid::Uuid::new_v4().to_string();
                    store(t, &queue, seq, &Stored { id, body, receives: 0, receipt: String::new(), visible_at: now })?;
                }
                Ok(())
            })
            .await?;
        Ok(())
    }

    async fn receive(&self, queue: &str, max: usize, visibility: Duration) -> Result<Vec<Message>, QueueError> {
        check_name(queue)?;
        if !(1..=MAX_BATCH).contains(&max) {
            return Err(QueueError::Invalid(format!("receive takes 1 to {MAX_BATCH} messages")));
        }
        let hide_ms = u64::try_from(visibility.as_millis()).unwrap_or(u64::MAX);
        let max_receives = self.shared.options.max_receives.max(1);
        let dead_letters = !queue.ends_with(DLQ_SUFFIX);
        let queue = queue.to_string();
        let messages = self
            .shared
            .write(move |t| {
                let now = now_ms();
                let due: Vec<(u64, u64)> = t
                    .visible
                    .range((queue.as_str(), 0, 0)..=(queue.as_str(), now, u64::MAX))?
                    .take(max + SCAN_SLACK)
                    .map(|entry| {
                        entry.map(|(key, _)| {
                            let (_, visible_at, seq) = key.value();
                            (visible_at, seq)
                        })
                    })
                    .collect::<Result<_, _>>()?;
                let mut delivered = Vec::new();
                for (visible_at, seq) in due {
                    if delivered.len() == max {
                        break;
                    }
                    t.visible.remove((queue.as_str(), visible_at, seq))?;
                    let Some(mut message) = load(t, &queue, seq)? else {
                        continue;
                    };
                    if dead_letters && message.receives >= max_receives {
                        t.messages.remove((queue.as_str(), seq))?;
                        let dlq = format!("{queue}{DLQ_SUFFIX}");
                        let dlq_seq = next_sequence(t)?;
                        message.receives = 0;
                        message.receipt.clear();
                        message.visible_at = now;
                        store(t, &dlq, dlq_seq, &message)?;
                        tracing::warn!(queue = %queue, id = %message.id, "message moved to the dead-letter queue");
                        continue;
                    }
                    message.receives += 1;
                    message.receipt = uuid::Uuid::new_v4().simple().to_string();
                    message.visible_at = now.saturating_add(hide_ms);
                    store(t, &queue, seq, &message)?;
                    delivered.push(Message {
                        receipt: format!("{seq}.{}", message.receipt),
                        id: message.id,
                        body: message.body,
                        receive_count: message.receives,
                    });
                }
                Ok(delivered)
            })
            .await?;
        Ok(messages)
    }

    /// A receipt that is not the current delivery's (stale or unknown) changes nothing.
    async fn ack(&self, queue: &str, receipt: &str) -> Result<(), QueueError> {
        check_name(queue)?;
        let (seq, nonce) = parse_receipt(receipt)?;
        let queue = queue.to_string();
        self.shared
            .write(move |t| {
                if let Some(message) = load(t, &queue, seq)? {
                    if message.receipt == nonce {
                        t.messages.remove((queue.as_str(), seq))?;
                        t.visible.remove((queue.as_str(), message.visible_at, seq))?;
                    }
                }
                Ok(())
            })
            .await?;
        Ok(())
    }

    async fn release(&self, queue: &str, receipt: &str) -> Result<(), QueueError> {
        check_name(queue)?;
        let (seq, nonce) = parse_receipt(receipt)?;
        let queue = queue.to_string();
        self.shared
            .write(move |t| {
                if let Some(mut message) = load(t, &queue, seq)? {
                    if message.receipt == nonce {
                        t.visible.remove((queue.as_str(), message.visible_at, seq))?;
                        message.visible_at = now_ms();
                        store(t, &queue, seq, &message)?;
                    }
                }
                Ok(())
            })
            .await?;
        Ok(())
    }

    async fn depth(&self, queue: &str) -> Result<usize, QueueError> {
        check_name(queue)?;
        let queue = queue.to_string();
        let depth = self
            .shared
            .read(move |txn| {
                let messages = txn.open_table(MESSAGES).map_err(redb::Error::from)?;
                let mut count = 0;
                for entry in
                    messages.range((queue.as_str(), 0)..=(queue.as_str(), u64::MAX)).map_err(redb::Error::from)?
                {
                    entry.map_err(redb::Error::from)?;
                    count += 1;
                }
                Ok(count)
            })
            .await?;
        Ok(depth)
    }
}
