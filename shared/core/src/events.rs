//! Domain events through a transactional outbox (N3, G7): an event is written in the same
//! transaction as the change, published to the queue after commit, and re-published by a
//! relay if the process died in between. The consumer is idempotent (keyed by event id) and
//! turns events into in-app notifications for the applicant.

use crate::{keys, Caller, CoreError, CoreResult, Services};
use chrono::{DateTime, FixedOffset};
use motcua_ports::{Condition, Index, Key, Query, WriteOp};
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    /// `dossier.<action>` or `feedback.answered`.
    pub kind: String,
    pub subject: String,
    /// Who is notified.
    pub recipient: String,
    pub title: String,
    pub message: String,
    pub at: DateTime<FixedOffset>,
    /// System time (ms) the event entered the outbox: orders the outbox for the relay.
    pub queued_ms: i64,
    /// The applicant's contact for email and SMS (G7); dossiers filed at the counter have
    /// no account, only these.
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

impl Event {
    pub fn new(
        kind: String,
        subject: &str,
        recipient: &str,
        title: String,
        message: String,
        at: DateTime<FixedOffset>,
    ) -> Self {
        let queued_ms = chrono::Utc::now().timestamp_millis();
        Event {
            id: uuid::Uuid::now_v7().to_string(),
            kind,
            subject: subject.into(),
            recipient: recipient.into(),
            title,
            message,
            at,
            queued_ms,
            email: None,
            phone: None,
        }
    }

    /// Adds the email address and phone number the event is also sent to.
    pub fn to_contact(self, email: Option<String>, phone: Option<String>) -> Self {
        Event { email, phone, ..self }
    }

    /// Its outbox entry: in the shard the random end of its id falls in.
    fn outbox_key(&self) -> Key {
        let random = self.id.bytes().last().and_then(|b| (b as char).to_digit(16)).unwrap_or(0);
        let shard = (random % u32::from(keys::OUTBOX_SHARDS)) as u8;
        Key::new(keys::outbox_partition(shard), format!("{:013}#{}", self.queued_ms, self.id))
    }

    /// The outbox write to add to the change's transaction.
    pub fn outbox_op(&self) -> CoreResult<WriteOp> {
        Ok(WriteOp::Put { item: keys::item(&self.outbox_key(), self, &[])?, condition: Condition::None })
    }
}

/// Publishes committed events and clears them from the outbox. A failure leaves them in the
/// outbox for the relay: nothing is lost.
pub async fn publish(s: &Services, events: &[Event]) {
    let entries: Vec<(Key, &Event)> = events.iter().map(|e| (e.outbox_key(), e)).collect();
    publish_entries(s, &entries).await;
}

/// Sends events ten at a time, then clears their outbox entries (`Key`: where each was read).
async fn publish_entries(s: &Services, entries: &[(Key, &Event)]) {
    for chunk in entries.chunks(10) {
        let bodies: Result<Vec<String>, _> = chunk.iter().map(|(_, e)| serde_json::to_string(e)).collect();
        let sent = match bodies {
            Ok(bodies) => s.queue.send(&s.config.events_queue, bodies).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match sent {
            Ok(()) => {
                let cleared = chunk.iter().map(|(key, e)| async move {
                    if let Err(err) = s.table.delete(key, Condition::None).await {
                        tracing::warn!(event = %e.id, error = %err, "outbox entry not cleared; the relay will resend it");
                    }
                });
                futures::future::join_all(cleared).await;
            }
            Err(err) => tracing::warn!(error = %err, "events not published yet; the relay will send them"),
        }
    }
}

/// Most entries re-published from one shard in one run of the relay.
const RELAY_PER_SHARD: usize = 250;

/// Re-publishes outbox entries older than `grace` (left by a crash between commit and
/// publish), from every shard at once and from the single outbox of earlier versions: up to
/// [`RELAY_PER_SHARD`] each per run, the shards published at the same time. Returns how many
/// were sent.
pub async fn relay_outbox(s: &Services, grace: Duration) -> CoreResult<usize> {
    let cutoff = chrono::Utc::now().timestamp_millis() - grace.as_millis() as i64;
    let partitions = (0..keys::OUTBOX_SHARDS).map(keys::outbox_partition).chain([keys::OUTBOX.to_string()]);
    let stranded = partitions.map(|partition| async move {
        let older = stranded_before(partition, cutoff);
        let page = s.table.query(older).await?;
        page.items
            .iter()
            .map(|item| {
                Ok((
                    Key::of(item).ok_or_else(|| CoreError::Internal("outbox entry without a key".into()))?,
                    keys::data::<Event>(item)?,
                ))
            })
            .collect::<CoreResult<Vec<(Key, Event)>>>()
    });
    let shards: Vec<Vec<(Key, Event)>> = futures::future::try_join_all(stranded).await?;
    // Each shard's entries published at the same time as the others'.
    let published = shards.iter().map(|entries| async move {
        let borrowed: Vec<(Key, &Event)> = entries.iter().map(|(key, e)| (key.clone(), e)).collect();
        publish_entries(s, &borrowed).await;
    });
    futures::future::join_all(published).await;
    Ok(shards.iter().map(Vec::len).sum())
}

/// The entries of an outbox partition queued before `cutoff` (unix ms), oldest first.
fn stranded_before(partition: String, cutoff: i64) -> Query {
    Query::partition(Index::Primary, partition)
        .sort(motcua_ports::SortCondition::Between("0".into(), format!("{cutoff:013}#~")))
        .limit(RELAY_PER_SHARD)
}

pub use motcua_ports::{Channel, Notifier, OutboundMessage};

/// An in-app notification of the applicant (G7).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Notification {
    pub id: String,
    /// `dossier.<action>`, `dossier.message` or `feedback.answered`.
    pub kind: String,
    /// The dossier or feedback it is about.
    pub subject: String,
    pub title: String,
    pub message: String,
    pub at: DateTime<FixedOffset>,
    pub channel: String,
}

/// The adapter of the embedded runtime and of deployments without a provider yet: the
/// outbound register itself is the outbox, readable through the API
/// (`GET /api/v1/outbound-messages`) for an operator or a gateway to pick up.
pub struct RegisterOnly;

#[async_trait::async_trait]
impl Notifier for RegisterOnly {
    async fn deliver(&self, _: &OutboundMessage) -> Result<Option<String>, String> {
        Ok(None)
    }
}

/// Handles one delivered event: writes the applicant's in-app notification once, and sends
/// the email and SMS once each through the [`Notifier`] (a failure is retried by the queue).
pub async fn handle(s: &Services, body: &str) -> CoreResult<()> {
    let event: Event = serde_json::from_str(body).map_err(|e| CoreError::invalid("poison_message", e.to_string()))?;
    let key = Key::new(keys::notifications(&event.recipient), format!("{}#{}", event.at.timestamp_millis(), event.id));
    let item = keys::item(
        &key,
        &Notification {
            id: event.id.clone(),
            kind: event.kind.clone(),
            subject: event.subject.clone(),
            title: event.title.clone(),
            message: event.message.clone(),
            at: event.at,
            channel: "in_app".into(),
        },
        &[],
    )?;
    match s.table.put(item, Condition::NotExists).await {
        Ok(()) | Err(motcua_ports::TableError::ConditionFailed { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let contacts = [(Channel::Email, &event.email), (Channel::Sms, &event.phone)];
    for (channel, to) in contacts {
        let Some(to) = to.clone().filter(|t| !t.trim().is_empty()) else { continue };
        let key = Key::new(keys::OUTBOUND, format!("{}#{}#{channel:?}", event.at.timestamp_millis(), event.id));
        let mut message = match s.table.get(&key).await? {
            Some(item) => keys::data::<OutboundMessage>(&item)?,
            None => OutboundMessage {
                event_id: event.id.clone(),
                channel,
                to,
                subject: event.title.clone(),
                body: event.message.clone(),
                dossier: event.subject.clone(),
                at: event.at,
                delivered: false,
                via: None,
            },
        };
        if message.delivered {
            continue;
        }
        message.via =
            s.notifier.deliver(&message).await.map_err(|e| CoreError::Internal(format!("gửi {channel:?}: {e}")))?;
        message.delivered = true;
        s.table.put(keys::item(&key, &message, &[])?, Condition::None).await?;
    }
    Ok(())
}

/// The outbound register, newest first (system administrator).
pub async fn outbound(
    s: &Services,
    caller: &Caller,
    cursor: Option<String>,
    limit: usize,
) -> CoreResult<(Vec<OutboundMessage>, Option<String>)> {
    if caller.role != motcua_domain::roles::Role::SystemAdmin {
        return Err(CoreError::Forbidden("Chỉ quản trị hệ thống xem sổ thư điện tử, tin nhắn đã gửi.".into()));
    }
    let page = s
        .table
        .query(Query::partition(Index::Primary, keys::OUTBOUND).descending().limit(limit).after(cursor))
        .await
        .map_err(crate::store::cursor_error)?;
    let items = page.items.iter().map(keys::data).collect::<Result<_, _>>()?;
    Ok((items, page.next))
}

/// Receives and handles one batch from the events queue, its messages at the same time (their
/// writes then share commits); failed messages are released for redelivery (and end in the
/// dead-letter queue after the queue's maximum). Returns the count handled.
pub async fn drain_once(s: &Services) -> CoreResult<usize> {
    let queue = &s.config.events_queue;
    let messages = s.queue.receive(queue, 10, Duration::from_secs(30)).await?;
    let outcomes = futures::future::join_all(messages.iter().map(|m| async move {
        match handle(s, &m.body).await {
            Ok(()) => s.queue.ack(queue, &m.receipt).await.map(|()| 1),
            Err(e) => {
                tracing::error!(message = %m.id, attempt = m.receive_count, error = %e, "event handling failed");
                s.queue.release(queue, &m.receipt).await.map(|()| 0)
            }
        }
    }))
    .await;
    Ok(outcomes.into_iter().collect::<Result<Vec<usize>, _>>()?.into_iter().sum())
}

/// The caller's notifications, newest first.
pub async fn notifications(
    s: &Services,
    caller: &Caller,
    cursor: Option<String>,
    limit: usize,
) -> CoreResult<(Vec<Notification>, Option<String>)> {
    let page = s
        .table
        .query(
            Query::partition(Index::Primary, keys::notifications(&caller.id)).descending().limit(limit).after(cursor),
        )
        .await
        .map_err(crate::store::cursor_error)?;
    let items = page.items.iter().map(keys::data).collect::<Result<_, _>>()?;
    Ok((items, page.next))
}
