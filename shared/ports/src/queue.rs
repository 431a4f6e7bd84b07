//! The `Queue` port: durable at-least-once queues with SQS semantics.
//!
//! A received message stays invisible for the visibility timeout; unless acknowledged it is
//! delivered again. After `max_receives` deliveries without acknowledgement it moves to the
//! queue's dead-letter queue (named `<queue>-dlq`), where operators can see it.

use async_trait::async_trait;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: String,
    /// Handle for [`Queue::ack`] / [`Queue::release`]; valid for this delivery only.
    pub receipt: String,
    pub body: String,
    /// How many times this message has been delivered, this delivery included (from 1).
    pub receive_count: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("unknown queue {0}")]
    UnknownQueue(String),
    #[error("invalid request: {0}")]
    Invalid(String),
    #[error("queue backend: {0}")]
    Backend(String),
}

#[async_trait]
pub trait Queue: Send + Sync {
    /// Sends messages (up to 10 per call, like SQS batches); durable when this returns.
    async fn send(&self, queue: &str, bodies: Vec<String>) -> Result<(), QueueError>;
    /// Receives up to `max` (≤ 10) visible messages and hides them for `visibility`.
    async fn receive(&self, queue: &str, max: usize, visibility: Duration) -> Result<Vec<Message>, QueueError>;
    /// Deletes a delivered message for good.
    async fn ack(&self, queue: &str, receipt: &str) -> Result<(), QueueError>;
    /// Makes a delivered message visible again at once (a failed attempt).
    async fn release(&self, queue: &str, receipt: &str) -> Result<(), QueueError>;
    /// Approximate number of messages waiting (visible or in flight) in the queue.
    async fn depth(&self, queue: &str) -> Result<usize, QueueError>;
}

/// Checks every adapter applies the same way (SQS limits).
pub mod validate {
    use super::QueueError;

    /// Most messages per send.
    pub const MAX_BATCH: usize = 10;
    /// Largest message body.
    pub const MAX_BODY_BYTES: usize = 256 * 1024;
    /// Longest queue name (SQS's limit).
    pub const MAX_NAME_LEN: usize = 80;

    /// 1 to [`MAX_NAME_LEN`] characters of `A-Z a-z 0-9 - _`, as SQS accepts.
    pub fn check_name(name: &str) -> Result<(), QueueError> {
        let valid = !name.is_empty()
            && name.len() <= MAX_NAME_LEN
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if valid {
            Ok(())
        } else {
            Err(QueueError::Invalid(format!("a queue name is 1 to {MAX_NAME_LEN} characters of A-Z a-z 0-9 - _")))
        }
    }

    /// At most [`MAX_BATCH`] bodies of at most [`MAX_BODY_BYTES`] each.
    pub fn check_batch(bodies: &[String]) -> Result<(), QueueError> {
        if bodies.len() > MAX_BATCH {
            return Err(QueueError::Invalid(format!("at most {MAX_BATCH} messages per send")));
        }
        if bodies.iter().any(|b| b.len() > MAX_BODY_BYTES) {
            return Err(QueueError::Invalid(format!("a message body is at most {MAX_BODY_BYTES} bytes")));
        }
        Ok(())
    }
}
