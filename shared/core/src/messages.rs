//! Messages about a dossier between the applicant and the officers handling it (P5): each
//! message is its own item beside the dossier (no write to the dossier, so messaging never
//! conflicts with the workflow), and an officer's message is notified to the applicant.

use crate::access::ensure_visible;
use crate::events::{self, Event};
use crate::store::{cursor_error, load};
use crate::{keys, Caller, CoreError, CoreResult, Services};
use chrono::{DateTime, FixedOffset};
use motcua_domain::roles::Role;
use motcua_ports::{Condition, Index, Query, SortCondition};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    /// 1 to 2000 characters, not only spaces.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub text: String,
}

/// A message about a dossier.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Message {
    pub id: String,
    pub dossier: String,
    pub author: String,
    pub author_role: Role,
    /// Written by the applicant (otherwise by an officer).
    pub from_applicant: bool,
    pub text: String,
    pub at: DateTime<FixedOffset>,
}

/// Posts a message on a dossier (its owner, or staff of an agency taking part).
pub async fn post(s: &Services, caller: &Caller, dossier_id: &str, m: NewMessage) -> CoreResult<Message> {
    let d = load(s, dossier_id).await?;
    ensure_visible(caller, &d)?;
    if d.archive.is_some() {
        return Err(crate::archive::read_only());
    }
    let text = m.text.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(CoreError::field("text", "invalid_length", "Nội dung tin nhắn từ 1 đến 2000 ký tự."));
    }
    let now = s.now();
    let id = uuid::Uuid::now_v7().to_string();
    let message = Message {
        id: id.clone(),
        dossier: d.id.clone(),
        author: caller.name.clone(),
        author_role: caller.role,
        from_applicant: caller.id == d.owner,
        text: text.to_string(),
        at: now,
    };
    let key = keys::message(&d.id, &format!("{:013}#{id}", now.timestamp_millis()));
    let mut ops =
        vec![motcua_ports::WriteOp::Put { item: keys::item(&key, &message, &[])?, condition: Condition::NotExists }];
    let event = (caller.id != d.owner).then(|| {
        let reference = d.reference();
        Event::new(
            "dossier.message".into(),
            &d.id,
            &d.owner,
            format!("Hồ sơ {reference}: tin nhắn mới"),
            format!("{} ({}): {text}", caller.name, d.agency_name),
            now,
        )
        .to_contact(d.applicant.email.clone(), d.applicant.phone.clone())
    });
    if let Some(e) = &event {
        ops.push(e.outbox_op()?);
    }
    s.table.transact(ops).await?;
    if let Some(e) = event {
        events::publish(s, &[e]).await;
    }
    Ok(message)
}

/// A page of the messages of a dossier, oldest first (a dossier may gather thousands).
pub async fn list(
    s: &Services,
    caller: &Caller,
    dossier_id: &str,
    cursor: Option<String>,
    limit: usize,
) -> CoreResult<crate::queries::Listing<Message>> {
    let d = load(s, dossier_id).await?;
    ensure_visible(caller, &d)?;
    let page = s.table.query(messages_of(dossier_id).limit(limit).after(cursor)).await.map_err(cursor_error)?;
    Ok((page.items.iter().map(keys::data).collect::<Result<_, _>>()?, page.next))
}

fn messages_of(dossier_id: &str) -> Query {
    Query::partition(Index::Primary, keys::dossier(dossier_id).pk)
        .sort(SortCondition::BeginsWith("MSG#".into()))
        .limit(500)
}

/// Deletes every message of a dossier (erasure of its personal data); returns how many.
pub(crate) async fn purge(s: &Services, dossier_id: &str) -> CoreResult<usize> {
    let items = keys::read_items(s.table.as_ref(), messages_of(dossier_id)).await?;
    for item in &items {
        let key = motcua_ports::Key::of(item).ok_or_else(|| CoreError::Internal("message without key".into()))?;
        s.table.delete(&key, Condition::None).await?;
    }
    Ok(items.len())
}
