//! The tamper-evident history (security issue, item 7): every change of a dossier and every
//! administrative action appends an entry to the ledger in the same transaction as the change
//! (no hot item: entries are keyed by time and id); a single sealer then chains the entries in
//! their order — each chain record carries the entry's digest, `prev_hash` and `hash` — and
//! signs a checkpoint of the head with the deployment's key (a JWS that the JWKS verifies).
//! [`verify`] walks the chain, recomputes every hash and digest, checks the checkpoints'
//! signatures and that each dossier is still what its last entry says; it names the first
//! broken record.

use crate::{keys, CoreResult, Services};
use motcua_ports::{Condition, Index, Item, Key, Query, SortCondition, TableError, WriteOp};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// Entries younger than this are left for the next run: a transaction committed a moment
/// late must not be passed over.
const GRACE_MS: i64 = 60_000;
/// Entries chained per transaction (each chunk also moves the head).
const CHUNK: usize = 40;
/// The `prev_hash` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// SHA-256 of a stored record's content (its `data`), as JSON with sorted keys.
pub fn digest(data: &Value) -> String {
    sha256_hex(data.to_string().as_bytes())
}

/// The digest of a stored item's content.
fn digest_of(item: &Item) -> String {
    digest(item.get("data").unwrap_or(&Value::Null))
}

/// One change, as the ledger keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// `dossier:<id>` or `admin:<action>`.
    pub subject: String,
    pub at: chrono::DateTime<chrono::FixedOffset>,
    /// Digest of the subject's content after the change (the dossier, the audit record).
    pub digest: String,
}

/// The write that appends an entry for `content` (stored as `data`) about `subject`.
pub(crate) fn append(s: &Services, subject: String, content: &impl Serialize) -> CoreResult<WriteOp> {
    let entry = Entry { subject, at: s.now(), digest: digest(&serde_json::to_value(content)?) };
    let key = Key::new(keys::LEDGER, format!("{:013}#{}", chrono::Utc::now().timestamp_millis(), uuid::Uuid::now_v7()));
    Ok(WriteOp::Put { item: keys::item(&key, &entry, &[])?, condition: Condition::NotExists })
}

/// The last chained record.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Head {
    seq: u64,
    hash: String,
    /// Sort key of the last entry chained.
    entry: String,
}

/// One link of the chain.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Record {
    pub seq: u64,
    /// Sort key of the ledger entry.
    pub entry: String,
    /// Digest of the entry as stored.
    pub entry_digest: String,
    pub prev_hash: String,
    pub hash: String,
}

fn link(seq: u64, entry: &str, entry_digest: &str, prev_hash: &str) -> String {
    sha256_hex(format!("{seq}|{entry}|{entry_digest}|{prev_hash}").as_bytes())
}

/// What a checkpoint signs.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Checkpoint {
    seq: u64,
    hash: String,
    at: i64,
}

/// Chains the entries older than the grace period at `now_ms` (system time), at most 400 a
/// run, and signs a checkpoint of the new head. Another sealer running at the same time makes
/// this one stop without effect (the head moves only from where it was read).
pub async fn seal(s: &Services, now_ms: i64) -> CoreResult<usize> {
    let head_item = s.table.get(&keys::chain_head()).await?;
    let mut head = match &head_item {
        Some(item) => keys::data::<Head>(item)?,
        None => Head { seq: 0, hash: GENESIS.into(), entry: String::new() },
    };
    let due = Query::partition(Index::Primary, keys::LEDGER)
        .sort(SortCondition::Between(format!("{}#", head.entry), format!("{:013}#~", now_ms - GRACE_MS)))
        .limit(CHUNK * 10);
    let entries = s.table.query(due).await?.items;
    let mut sealed = 0;
    for chunk in entries.chunks(CHUNK) {
        let previous = head.seq;
        let mut ops = Vec::with_capacity(chunk.len() + 2);
        for item in chunk {
            let entry = motcua_ports::attr_str(item, "sk").unwrap_or_default().to_string();
            let entry_digest = digest_of(item);
            let seq = head.seq + 1;
            let hash = link(seq, &entry, &entry_digest, &head.hash);
            let record = Record { seq, entry: entry.clone(), entry_digest, prev_hash: head.hash.clone(), hash };
            let subject = item.get("data").and_then(|d| d.get("subject")).and_then(Value::as_str).unwrap_or_default();
            let by_subject = [("gsi1pk", json!(keys::chain_of(subject))), ("gsi1sk", json!(format!("{seq:012}")))];
            ops.push(WriteOp::Put {
                item: keys::item(&keys::chain_record(seq), &record, &by_subject)?,
                condition: Condition::NotExists,
            });
            head = Head { seq, hash: record.hash, entry };
        }
        let checkpoint = Checkpoint { seq: head.seq, hash: head.hash.clone(), at: now_ms / 1000 };
        let signature = s.keys.sign_json(&checkpoint)?;
        ops.push(WriteOp::Put {
            item: keys::item(&keys::chain_checkpoint(head.seq), &json!({"jws": signature}), &[])?,
            condition: Condition::NotExists,
        });
        let condition = if previous == 0 && head_item.is_none() {
            Condition::NotExists
        } else {
            Condition::AttrEquals("seq".into(), json!(previous))
        };
        ops.push(WriteOp::Put {
            item: keys::item(&keys::chain_head(), &head, &[("seq", json!(head.seq))])?,
            condition,
        });
        match s.table.transact(ops).await {
            Ok(()) => sealed += chunk.len(),
            Err(TableError::ConditionFailed { .. } | TableError::Conflict) => return Ok(sealed),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(sealed)
}

/// The outcome of a verification.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Verification {
    pub ok: bool,
    /// Chain records checked.
    pub records: u64,
    /// Signed checkpoints checked.
    pub checkpoints: u64,
    /// Dossiers compared with their last entry.
    pub dossiers: u64,
    /// The first record found broken, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_broken: Option<Broken>,
}

/// Where and why the chain does not hold.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Broken {
    /// Sequence number of the chain record (0: not a chain record).
    pub seq: u64,
    /// What it is about (`dossier:<id>`, `admin:<action>`, `checkpoint`, `head`).
    pub subject: String,
    pub reason: String,
}

/// Recomputes the whole chain (see the module header).
pub async fn verify(s: &Services) -> CoreResult<Verification> {
    let mut v = Verification { ok: true, records: 0, checkpoints: 0, dossiers: 0, first_broken: None };
    let broken = |v: &mut Verification, seq: u64, subject: &str, reason: &str| {
        v.ok = false;
        v.first_broken = Some(Broken { seq, subject: subject.into(), reason: reason.into() });
    };
    let checkpoints = keys::read_items(s.table.as_ref(), chain_part("CP#")).await?;
    let mut signed: BTreeMap<u64, String> = BTreeMap::new();
    for item in &checkpoints {
        let jws = item.get("data").and_then(|d| d.get("jws")).and_then(Value::as_str).unwrap_or_default();
        match s.keys.verify_json::<Checkpoint>(jws) {
            Ok(c) => {
                signed.insert(c.seq, c.hash);
            }
            Err(_) => {
                broken(&mut v, 0, "checkpoint", "Chữ ký của điểm kiểm tra không hợp lệ.");
                return Ok(v);
            }
        }
    }
    v.checkpoints = signed.len() as u64;
    let mut last_of_dossier: HashMap<String, String> = HashMap::new();
    let mut prev = GENESIS.to_string();
    let mut cursor = None;
    loop {
        let page = s.table.query(chain_part("R#").after(cursor.take())).await?;
        for item in &page.items {
            let r: Record = keys::data(item)?;
            let entry_item = s.table.get(&Key::new(keys::LEDGER, r.entry.clone())).await?;
            let entry: Option<Entry> = entry_item.as_ref().map(keys::data).transpose().ok().flatten();
            let subject = entry.as_ref().map_or_else(|| "?".to_string(), |e| e.subject.clone());
            let stored_digest = entry_item.as_ref().map(digest_of);
            let reason = if r.seq != v.records + 1 {
                Some("Thiếu hoặc thừa bản ghi trong chuỗi.")
            } else if r.prev_hash != prev || r.hash != link(r.seq, &r.entry, &r.entry_digest, &r.prev_hash) {
                Some("Mã băm của bản ghi không khớp với chuỗi.")
            } else if stored_digest.as_deref() != Some(r.entry_digest.as_str()) {
                Some("Nội dung bản ghi nhật ký đã bị thay đổi hoặc xóa.")
            } else if signed.get(&r.seq).is_some_and(|h| h != &r.hash) {
                Some("Bản ghi không khớp với điểm kiểm tra đã ký.")
            } else {
                None
            };
            if let Some(reason) = reason {
                broken(&mut v, r.seq, &subject, reason);
                return Ok(v);
            }
            if let Some(id) = subject.strip_prefix("dossier:") {
                last_of_dossier.insert(id.to_string(), entry.map(|e| e.digest).unwrap_or_default());
            }
            prev = r.hash;
            v.records += 1;
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    if signed.keys().next_back().is_some_and(|seq| *seq > v.records) {
        let last = v.records;
        broken(&mut v, last, "head", "Chuỗi ngắn hơn điểm kiểm tra đã ký: bản ghi đã bị xóa.");
        return Ok(v);
    }
    let mut ids: Vec<_> = last_of_dossier.into_iter().collect();
    ids.sort();
    for (id, expected) in ids {
        let current = s.table.get(&keys::dossier(&id)).await?;
        if current.as_ref().map(digest_of) != Some(expected) {
            broken(&mut v, 0, &format!("dossier:{id}"), "Hồ sơ đã bị thay đổi ngoài ứng dụng (không khớp nhật ký).");
            return Ok(v);
        }
        v.dossiers += 1;
    }
    Ok(v)
}

/// The chain records (`R#`) or the checkpoints (`CP#`), in order.
fn chain_part(prefix: &str) -> Query {
    Query::partition(Index::Primary, keys::CHAIN).sort(SortCondition::BeginsWith(prefix.into())).limit(1000)
}

/// A signed checkpoint and the chain records that lead to it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Segment {
    /// The checkpoint, a JWS signed by the deployment (verified with its JWKS).
    pub checkpoint: String,
    pub records: Vec<Record>,
}

/// One ledger entry of the subject, with the sequence number of its chain record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProvenEntry {
    pub seq: u64,
    /// The entry as stored: its digest is the record's `entry_digest`.
    pub entry: Value,
}

/// What proves a subject's history without the rest of the chain: its entries, and for each
/// the records from it to the next signed checkpoint (at most one sealing chunk).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Proof {
    pub subject: String,
    /// How to check it, for the archivist.
    pub method: String,
    pub entries: Vec<ProvenEntry>,
    pub segments: Vec<Segment>,
}

const PROOF_METHOD: &str = "entry_digest = SHA-256(JSON của bản ghi nhật ký, khóa theo thứ tự); \
hash = SHA-256(\"seq|entry|entry_digest|prev_hash\") (hex); mỗi đoạn nối tiếp đến điểm kiểm tra có chữ ký \
(JWS, kiểm tra bằng khóa công khai /.well-known/jwks.json); digest của bản ghi cuối = SHA-256(JSON của hồ sơ).";

impl Proof {
    /// The digest of the subject's content after its last chained change.
    pub fn last_digest(&self) -> Option<&str> {
        self.entries.last()?.entry.get("digest")?.as_str()
    }
}

/// The proof of `subject`'s chained entries (those not yet under a checkpoint are left out).
pub async fn proof(s: &Services, subject: &str) -> CoreResult<Proof> {
    let records: Vec<Record> = keys::read_partition(s.table.as_ref(), Index::Gsi1, keys::chain_of(subject)).await?;
    let mut proof = Proof { subject: subject.into(), method: PROOF_METHOD.into(), entries: vec![], segments: vec![] };
    let mut covered_to = 0;
    for r in records {
        if r.seq > covered_to {
            let from = keys::chain_checkpoint(r.seq).sk;
            let next = Query::partition(Index::Primary, keys::CHAIN).sort(SortCondition::Between(from, "CP#~".into()));
            let Some(checkpoint) = s.table.query(next.limit(1)).await?.items.into_iter().next() else {
                break;
            };
            let to: u64 = attr_of(&checkpoint, "sk").trim_start_matches("CP#").parse().unwrap_or_default();
            let path = Query::partition(Index::Primary, keys::CHAIN)
                .sort(SortCondition::Between(keys::chain_record(r.seq).sk, keys::chain_record(to).sk));
            let records = keys::read_items(s.table.as_ref(), path.limit(1000)).await?;
            let jws = checkpoint.get("data").and_then(|d| d.get("jws")).and_then(Value::as_str).unwrap_or_default();
            proof.segments.push(Segment {
                checkpoint: jws.into(),
                records: records.iter().map(keys::data).collect::<Result<_, _>>()?,
            });
            covered_to = to;
        }
        let entry = s.table.get(&Key::new(keys::LEDGER, r.entry.clone())).await?;
        let entry = entry.and_then(|e| e.get("data").cloned()).unwrap_or(Value::Null);
        proof.entries.push(ProvenEntry { seq: r.seq, entry });
    }
    Ok(proof)
}

fn attr_of<'a>(item: &'a Item, name: &str) -> &'a str {
    motcua_ports::attr_str(item, name).unwrap_or_default()
}

/// Checks a proof on its own: each segment chains to its signed checkpoint, and each entry is
/// the one its record was chained with.
pub fn check_proof(proof: &Proof, keys: &crate::auth::JwtKeys) -> Result<(), String> {
    let mut chained: HashMap<u64, &Record> = HashMap::new();
    for (i, segment) in proof.segments.iter().enumerate() {
        let checkpoint: Checkpoint = keys
            .verify_json(&segment.checkpoint)
            .map_err(|_| format!("đoạn {i}: chữ ký điểm kiểm tra không hợp lệ"))?;
        let mut prev: Option<&Record> = None;
        for r in &segment.records {
            let follows = prev.is_none_or(|p| p.seq + 1 == r.seq && p.hash == r.prev_hash);
            if !follows || r.hash != link(r.seq, &r.entry, &r.entry_digest, &r.prev_hash) {
                return Err(format!("bản ghi {}: không nối đúng chuỗi", r.seq));
            }
            chained.insert(r.seq, r);
            prev = Some(r);
        }
        if prev.is_none_or(|p| p.seq != checkpoint.seq || p.hash != checkpoint.hash) {
            return Err(format!("đoạn {i}: không dẫn tới điểm kiểm tra đã ký"));
        }
    }
    for e in &proof.entries {
        let record = chained.get(&e.seq).ok_or_else(|| format!("bản ghi {}: không có trong đoạn nào", e.seq))?;
        let subject = e.entry.get("subject").and_then(Value::as_str);
        if record.entry_digest != digest(&e.entry) || subject != Some(proof.subject.as_str()) {
            return Err(format!("bản ghi {}: nội dung không khớp với chuỗi", e.seq));
        }
    }
    Ok(())
}
