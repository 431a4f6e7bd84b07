//! The agencies' event feed and webhooks (national-connections §8). Every committed change of
//! a submitted dossier writes one feed entry per agency that may see it (the handling agency
//! and the agencies taking part), in the change's own transaction. An agency's system reads
//! its feed by cursor (`GET /api/v1/events?after=`), or subscribes a URL and receives each
//! entry in order, signed with its own secret (`X-MotCua-Signature: t=<unix>,v1=<hex
//! HMAC-SHA256(secret, "<t>.<body>")>`), retried with back-off; an entry that keeps failing is
//! dead-lettered and the next one follows.

use super::health::{self, ConnectionHealth, DeadLetter};
use crate::{keys, Caller, CoreError, CoreResult, Services};
use chrono::{DateTime, FixedOffset, Utc};
use hmac::{Hmac, Mac};
use motcua_domain::delivery::AfterFailure;
use motcua_domain::dossier::Dossier;
use motcua_domain::ids::AgencyCode;
use motcua_domain::roles::Role;
use motcua_ports::{Condition, ConnectionError, Index, Query, SortCondition, WriteOp};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Entries are served once this old, so that a transaction that took its position earlier but
/// committed later is never skipped by a reader's cursor.
const SETTLE_MICROS: i64 = 2_000_000;
/// Feed entries are kept 90 days.
const FEED_TTL_SECS: i64 = 90 * 24 * 3600;

/// One event of an agency's feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FeedEvent {
    /// Stable across redeliveries: `<dossier id>:<version>`.
    pub id: String,
    /// `dossier.<action>` (`dossier.accept`, `dossier.finish`…).
    pub kind: String,
    pub dossier_id: String,
    pub code: Option<String>,
    pub procedure_code: String,
    /// Machine status name and the national code (1–10).
    pub status: String,
    pub national_status: Option<u8>,
    pub version: u64,
    pub at: DateTime<FixedOffset>,
    /// Position in the feed: pass it as `after` to read what follows.
    pub cursor: String,
}

/// The feed entries of a change, one per agency that may see the dossier.
pub(crate) fn feed_ops(d: &Dossier) -> CoreResult<Vec<WriteOp>> {
    let Some(step) = d.history.last() else { return Ok(vec![]) };
    let micros = Utc::now().timestamp_micros();
    let cursor = format!("{micros:016}#{}#{:06}", d.id, d.version);
    let event = FeedEvent {
        id: format!("{}:{}", d.id, d.version),
        kind: format!("dossier.{}", step.action.name()),
        dossier_id: d.id.clone(),
        code: d.code.as_ref().map(ToString::to_string),
        procedure_code: d.procedure_code.to_string(),
        status: d.status.as_str().into(),
        national_status: d.status.national_code(),
        version: d.version,
        at: step.at,
        cursor: cursor.clone(),
    };
    let mut agencies: Vec<&str> = vec![d.agency.as_str()];
    agencies.extend(d.consultations.iter().map(|c| c.agency.as_str()));
    agencies.extend(d.parts.iter().map(|p| p.agency.as_str()));
    agencies.sort_unstable();
    agencies.dedup();
    let ttl = json!(Utc::now().timestamp() + FEED_TTL_SECS);
    agencies
        .into_iter()
        .map(|a| {
            let key = motcua_ports::Key::new(keys::feed(a), cursor.clone());
            Ok(WriteOp::Put { item: keys::item(&key, &event, &[("ttl", ttl.clone())])?, condition: Condition::None })
        })
        .collect()
}

fn check_cursor(after: &str) -> CoreResult<()> {
    let ok = after.len() <= 100
        && after.split('#').next().is_some_and(|t| t.len() == 16 && t.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(CoreError::invalid("invalid_cursor", "Tham số after không phải là một vị trí của luồng sự kiện."))
    }
}

/// Entries of `agency`'s feed after `after` (from the start without), settled, in order.
async fn read_feed(s: &Services, agency: &str, after: Option<&str>, limit: usize) -> CoreResult<Vec<FeedEvent>> {
    let settled = format!("{:016}", Utc::now().timestamp_micros() - SETTLE_MICROS);
    let from = after.map_or_else(|| "0".to_string(), |a| format!("{a}\u{1}"));
    let page = s
        .table
        .query(
            Query::partition(Index::Primary, keys::feed(agency))
                .sort(SortCondition::Between(from, settled))
                .limit(limit),
        )
        .await?;
    Ok(page.items.iter().map(keys::data).collect::<Result<_, _>>()?)
}

/// Who may read an agency's feed and manage its subscriptions: its staff administrators and
/// its machine clients.
fn agency_of(caller: &Caller) -> CoreResult<AgencyCode> {
    match (&caller.agency, caller.role) {
        (Some(a), Role::IntegrationClient | Role::AgencyAdmin) => Ok(a.clone()),
        _ => Err(CoreError::Forbidden(
            "Chỉ hệ thống tích hợp hoặc quản trị của cơ quan đọc luồng sự kiện và đăng ký webhook.".into(),
        )),
    }
}

/// The caller's agency feed after a cursor.
pub async fn feed(
    s: &Services,
    caller: &Caller,
    after: Option<String>,
    limit: usize,
) -> CoreResult<(Vec<FeedEvent>, Option<String>)> {
    let agency = agency_of(caller)?;
    if let Some(a) = &after {
        check_cursor(a)?;
    }
    let items = read_feed(s, &agency, after.as_deref(), limit).await?;
    let next = items.last().map(|e| e.cursor.clone()).or(after);
    Ok((items, next))
}

/// A subscription as stored (with its secret).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Subscription {
    id: String,
    agency: AgencyCode,
    url: String,
    secret: String,
    description: Option<String>,
    created_at: DateTime<FixedOffset>,
}

/// A subscription as shown; the secret only once, in the answer that creates it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WebhookView {
    pub id: String,
    pub agency: AgencyCode,
    pub url: String,
    pub description: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    /// The signing secret (only when created).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl Subscription {
    fn view(&self, with_secret: bool) -> WebhookView {
        WebhookView {
            id: self.id.clone(),
            agency: self.agency.clone(),
            url: self.url.clone(),
            description: self.description.clone(),
            created_at: self.created_at,
            secret: with_secret.then(|| self.secret.clone()),
        }
    }
}

/// A new subscription.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// `https://` URL that receives the events (POST, JSON).
    #[schema(max_length = 500)]
    pub url: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub description: Option<String>,
}

/// Where events are delivered from: the subscriber's current position and retry state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Position {
    cursor: Option<String>,
    attempts: u32,
    due_ms: i64,
    failing_since_ms: Option<i64>,
    /// When the subscription was made: the feed is delivered from there on.
    since_ms: i64,
}

impl Position {
    /// Past `event` (delivered or dead-lettered): its failures forgotten.
    fn past(self, event: &FeedEvent) -> Position {
        Position { cursor: Some(event.cursor.clone()), attempts: 0, due_ms: 0, failing_since_ms: None, ..self }
    }
}

fn check_url(s: &Services, url: &str) -> CoreResult<()> {
    let url = url.trim();
    let https = url.starts_with("https://") && url.len() > "https://".len();
    let http = s.connections.allow_http_webhooks && url.starts_with("http://") && url.len() > "http://".len();
    if url.len() > 500 || url.chars().any(|c| c.is_control() || c.is_whitespace()) || !(https || http) {
        return Err(CoreError::field("url", "invalid_url", "Địa chỉ nhận sự kiện phải là một URL https:// hợp lệ."));
    }
    Ok(())
}

pub async fn subscribe(s: &Services, caller: &Caller, req: NewWebhook) -> CoreResult<WebhookView> {
    let agency = agency_of(caller)?;
    check_url(s, &req.url)?;
    if req.description.as_ref().is_some_and(|d| d.chars().count() > 200) {
        return Err(CoreError::field("description", "too_long", "Mô tả tối đa 200 ký tự."));
    }
    let sub = Subscription {
        id: uuid::Uuid::now_v7().to_string(),
        agency: agency.clone(),
        url: req.url.trim().into(),
        secret: format!("whsec_{}", crate::access::random_token()),
        description: req.description,
        created_at: s.now(),
    };
    let position = Position { since_ms: Utc::now().timestamp_millis(), ..Position::default() };
    let index = [("gsi1pk", json!(keys::WEBHOOKS)), ("gsi1sk", json!(sub.id))];
    s.table
        .transact(vec![
            WriteOp::Put {
                item: keys::item(&keys::webhook(&agency, &sub.id), &sub, &index)?,
                condition: Condition::NotExists,
            },
            WriteOp::Put {
                item: keys::item(&keys::webhook_state(&sub.id), &position, &[])?,
                condition: Condition::None,
            },
        ])
        .await?;
    crate::admin::audit_record(s, caller, "webhook.create", &sub.id, &sub.url).await?;
    Ok(sub.view(true))
}

pub async fn list(s: &Services, caller: &Caller) -> CoreResult<Vec<WebhookView>> {
    let agency = agency_of(caller)?;
    let subs: Vec<Subscription> =
        keys::read_partition(s.table.as_ref(), Index::Primary, keys::webhooks_of(&agency)).await?;
    Ok(subs.iter().map(|x| x.view(false)).collect())
}

pub async fn unsubscribe(s: &Services, caller: &Caller, id: &str) -> CoreResult<()> {
    let agency = agency_of(caller)?;
    let key = keys::webhook(&agency, id);
    if s.table.get(&key).await?.is_none() {
        return Err(CoreError::not_found("đăng ký webhook"));
    }
    s.table
        .transact(vec![
            WriteOp::Delete { key, condition: Condition::None },
            WriteOp::Delete { key: keys::webhook_state(id), condition: Condition::None },
        ])
        .await?;
    crate::admin::audit_record(s, caller, "webhook.delete", id, "").await?;
    Ok(())
}

/// `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
pub fn signature(secret: &str, unix: i64, body: &[u8]) -> String {
    format!("t={unix},v1={}", hex::encode(mac(secret, unix, body).finalize().into_bytes()))
}

fn mac(secret: &str, unix: i64, body: &[u8]) -> Hmac<sha2::Sha256> {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(unix.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Whether `header` is a [`signature`] of `body` under `secret`, made at most `max_age` seconds
/// from now (compared in constant time).
pub(crate) fn signed(secret: &str, header: &str, body: &[u8], max_age: i64) -> bool {
    let field = |name: &str| header.split(',').find_map(|p| p.strip_prefix(name));
    let (Some(t), Some(v1)) = (field("t=").and_then(|t| t.parse::<i64>().ok()), field("v1=")) else { return false };
    let fresh = (chrono::Utc::now().timestamp() - t).abs() <= max_age;
    fresh && hex::decode(v1).is_ok_and(|given| mac(secret, t, body).verify_slice(&given).is_ok())
}

async fn send(s: &Services, sub: &Subscription, event: &FeedEvent) -> Result<(), ConnectionError> {
    let transport =
        s.connections.webhooks.as_ref().ok_or_else(|| ConnectionError::Unavailable("webhooks off".into()))?;
    let body = serde_json::to_vec(event).map_err(|e| ConnectionError::Malformed(e.to_string()))?;
    let headers = vec![
        ("x-motcua-event-id".to_string(), event.id.clone()),
        ("x-motcua-event-kind".to_string(), event.kind.clone()),
        ("x-motcua-signature".to_string(), signature(&sub.secret, Utc::now().timestamp(), &body)),
    ];
    transport.post(&sub.url, headers, body).await
}

fn connection_name(id: &str) -> String {
    format!("webhook:{id}")
}

async fn subscriptions(s: &Services) -> CoreResult<Vec<Subscription>> {
    keys::read_partition(s.table.as_ref(), Index::Gsi1, keys::WEBHOOKS).await
}

async fn position(s: &Services, id: &str) -> CoreResult<Position> {
    Ok(s.table.get(&keys::webhook_state(id)).await?.map(|i| keys::data(&i)).transpose()?.unwrap_or_default())
}

async fn save(s: &Services, id: &str, p: &Position) -> CoreResult<()> {
    Ok(s.table.put(keys::item(&keys::webhook_state(id), p, &[])?, Condition::None).await?)
}

/// The first feed position a new subscriber receives (entries written after it subscribed).
fn start_cursor(p: &Position) -> String {
    format!("{:016}", p.since_ms * 1000)
}

/// Delivers, for each subscription that is due, its next feed entries in order.
pub async fn deliver_due(s: &Services) -> CoreResult<usize> {
    if s.connections.webhooks.is_none() {
        return Ok(0);
    }
    let mut delivered = 0;
    let now = s.clock.now();
    for sub in subscriptions(s).await? {
        let mut p = position(s, &sub.id).await?;
        if p.due_ms > now.timestamp_millis() {
            continue;
        }
        let after = p.cursor.clone().unwrap_or_else(|| start_cursor(&p));
        for event in read_feed(s, &sub.agency, Some(&after), 50).await? {
            let name = connection_name(&sub.id);
            match send(s, &sub, &event).await {
                Ok(()) => {
                    delivered += 1;
                    p = p.past(&event);
                    save(s, &sub.id, &p).await?;
                    health::record_success(s, &name).await?;
                }
                Err(e) => {
                    health::record_failure(s, &name, &e).await?;
                    p.attempts += 1;
                    p.failing_since_ms.get_or_insert(now.timestamp_millis());
                    match s.connections.retry.after_failure(p.attempts, now) {
                        AfterFailure::RetryAt(at) => {
                            p.due_ms = at.timestamp_millis();
                            save(s, &sub.id, &p).await?;
                            break;
                        }
                        AfterFailure::DeadLetter => {
                            let payload = serde_json::to_value(&event)?;
                            let letter = DeadLetter::new(
                                &name,
                                &event.cursor,
                                e.to_string(),
                                p.attempts,
                                s.now(),
                                Some(payload),
                            );
                            s.table.transact(vec![letter.put_op()?]).await?;
                            p = p.past(&event);
                            save(s, &sub.id, &p).await?;
                        }
                    }
                }
            }
        }
    }
    Ok(delivered)
}

/// Sends a dead-lettered event again, now; a failure leaves it dead.
pub(crate) async fn replay(s: &Services, connection: &str, letter: &DeadLetter) -> CoreResult<()> {
    let id = connection.trim_start_matches("webhook:");
    let sub = subscriptions(s)
        .await?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or_else(|| CoreError::not_found("đăng ký webhook"))?;
    let event: FeedEvent = serde_json::from_value(letter.payload.clone().unwrap_or_default())?;
    send(s, &sub, &event).await.map_err(|e| CoreError::Upstream(e.to_string()))
}

/// The health of each subscription: backlog = settled entries after its position.
pub(crate) async fn health(s: &Services) -> CoreResult<Vec<ConnectionHealth>> {
    let mut out = vec![];
    for sub in subscriptions(s).await? {
        let p = position(s, &sub.id).await?;
        let after = p.cursor.clone().unwrap_or_else(|| start_cursor(&p));
        let waiting = read_feed(s, &sub.agency, Some(&after), 1000).await?;
        let oldest = p.failing_since_ms.or_else(|| waiting.first().map(|e| e.at.timestamp_millis()));
        let label = format!("Webhook của {} — {}", sub.agency, sub.url);
        let configured = s.connections.webhooks.is_some();
        out.push(health::view(s, &connection_name(&sub.id), label, configured, (waiting.len(), oldest)).await?);
    }
    Ok(out)
}
