//! `Idempotency-Key` for writes a client may retry: the record is written in the same
//! transaction as the change it protects, so a retry replays the first response instead of
//! acting twice, even when both arrive at once.

use crate::{keys, CoreError, CoreResult, Services};
use motcua_ports::{Condition, WriteOp};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// How long a key is remembered.
const KEEP_SECONDS: i64 = 24 * 3600;

#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    caller: String,
    key: String,
    request_hash: String,
}

impl IdempotencyKey {
    /// `request` identifies the request (route and body): the same key with another request
    /// is refused.
    pub fn new(caller: &str, key: &str, request: &[u8]) -> CoreResult<Self> {
        if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(CoreError::invalid(
                "invalid_idempotency_key",
                "Idempotency-Key phải gồm 1–255 ký tự ASCII nhìn thấy được.",
            ));
        }
        Ok(IdempotencyKey {
            caller: caller.into(),
            key: key.into(),
            request_hash: hex::encode(Sha256::digest(request)),
        })
    }

    /// The response first given for this key, if any.
    pub async fn replay<R: serde::de::DeserializeOwned>(&self, s: &Services) -> CoreResult<Option<R>> {
        let Some(item) = s.table.get(&keys::idempotency(&self.caller, &self.key)).await? else {
            return Ok(None);
        };
        let stored: Value = keys::data(&item)?;
        if stored["request_hash"] != self.request_hash.as_str() {
            return Err(CoreError::IdempotencyMismatch);
        }
        Ok(Some(serde_json::from_value(stored["response"].clone())?))
    }

    /// The write recording `response`; add it to the transaction of the change.
    pub fn record(&self, response: &impl serde::Serialize) -> CoreResult<WriteOp> {
        let ttl = chrono::Utc::now().timestamp() + KEEP_SECONDS;
        let data = json!({"request_hash": self.request_hash, "response": response});
        let item = keys::item(&keys::idempotency(&self.caller, &self.key), &data, &[("ttl", json!(ttl))])?;
        Ok(WriteOp::Put { item, condition: Condition::NotExists })
    }
}
