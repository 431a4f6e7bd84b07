//! The single-table item layout: every key and index entry written by MotCua, in one place.
//! (Documented for operators in `docs/architecture.md`.)
//!
//! | item | pk | sk | gsi1 (pk / sk) | gsi2 (pk / sk) |
//! |---|---|---|---|---|
//! | procedure, current | `PROC#<code>` | `CURRENT` | `CATALOGUE` / code | |
//! | the catalogue's change counter (searches cache the catalogue at a count) | `CONFIG#CATALOGUE` | `VERSION` | | |
//! | procedure version | `PROC#<code>` | `V#<000001>` | | |
//! | agency | `AGENCY#<code>` | `AGENCY` | `AGENCIES` / code | |
//! | field | `FIELD#<code>` | `FIELD` | `FIELDS` / code | |
//! | user | `USER#<id>` | `PROFILE` | staff: `STAFF#<agency>` / username | |
//! | audit record (M6, N2) | `AUDIT#<yyyy-mm>` | `<time>#<id>` | | |
//! | requests answered per operation and day (P14) | `ACCESS#<yyyy-mm-dd>` | `<METHOD> <path>` | | |
//! | a read of a dossier's personal data by someone else than its owner (ttl 5 years) | `READS#<dossier id>` | `<unix ms>#<id>` | | |
//! | ledger entry: a change of a dossier or an administrative action | `LEDGER` | `<unix ms>#<id>` | | |
//! | chain record / signed checkpoint / head of the chained ledger | `CHAIN` | `R#<seq>` / `CP#<seq>` / `HEAD` | records: `CHAINOF#<subject>` / seq | |
//! | closed dossier due to move to the archive (G9) | `ARCHIVEDUE` | `<due unix time>#<dossier id>` | | |
//! | working minutes spent in each workflow step by a procedure's dossiers | `STEPS#<procedure>` | `HISTORY` | | |
//! | an ended dossier's evaluation for the Decision 766 index (R9) | `EVAL766#<agency:code or all>` | `<end day>#<dossier id>` | | |
//! | login name → user | `LOGIN#<username>` | `LOGIN` | | |
//! | failed logins of a username (ttl a day) | `THROTTLE#login#<username>` | `THROTTLE` | | |
//! | the one account of a person / business (peppered hash of its ID number / code) | `ACCOUNT_OF#<citizen\|business>#<hash>` | `ACCOUNT` | | |
//! | machine client | `CLIENT#<id>` | `CLIENT` | | |
//! | dossier | `DOSSIER#<id>` | `DOSSIER` | `OWNER#<user>` / created#id | `AGENCY#<code>` / submitted#id |
//! | pending upload | `DOSSIER#<id>` | `UPLOAD#<upload>` (ttl) | | |
//! | upload declarations of a dossier (quota) | `DOSSIER#<id>` | `UPLOADQUOTA` | | |
//! | upload declarations of a user in a day (quota, ttl 2 days) | `UPLOADQUOTA#<user>` | `D#<yyyy-mm-dd>` | | |
//! | object to delete when due unless a dossier holds it | `SWEEP#uploads` | `<due unix time>#<dossier>#<object name>` | | |
//! | rating; its complaint's conclusion (once) | `DOSSIER#<id>` | `RATING`; `RATING#RULING` | `RATINGS#<agency>` / at | |
//! | public lookup | `LOOKUP#<dossier code>` | `LOOKUP` | | |
//! | code sequence | `SEQ#<unit>#<yymmdd>` | `SEQ` | | |
//! | idempotency record | `IDEM#<caller>#<key>` | `IDEM` (ttl) | | |
//! | report aggregate (the province-wide scope `all` in shards: every change in the province adds to it) | `AGG#<scope>` | `D#<yyyy-mm-dd>`; `D#<yyyy-mm-dd>#<0-7>` | | |
//! | outbox event, in shards (`OUTBOX` alone: entries of earlier versions, relayed still) | `OUTBOX#<0-7>` | `<time>#<event id>` | | |
//! | notification | `NOTIF#<user>` | `<time>#<event id>` | | |
//! | calendar configuration | `CONFIG#CALENDAR` | `CURRENT`, `V#<000001>` | | |
//! | regime schedule set by an administrator | `CONFIG#REGIME` | `CURRENT` | | |
//! | a dossier waiting in the inbox of a role of an agency, by due time; the same in its assignee's list (issue 14) | `INBOX#<agency>#<role>`; `INBOX#<agency>#<role>#<user>` | `<due yyyymmddThhmmssZ or ~>#<dossier id>` | | |
//! | kept counts of an inbox (total, by status, at risk), in shards | `INBOXCOUNT#<agency>#<role>` | `S#<0-7>` | | |
//! | the inbox index was built for data older than it | `CONFIG#INBOXINDEX` | `BUILT` | | |
//! | outgoing email / SMS (embedded outbox) | `OUTBOUND` | `<time>#<event id>#<channel>` | | |
//! | dossier message (P5) | `DOSSIER#<id>` | `MSG#<time>#<id>` | | |
//! | a tracking state of the dossier's result sent by post / of its paper documents collected (once per state) | `DOSSIER#<id>` | `PARCEL#<state no.>` / `PICKUP#<state no.>` | | |
//! | login through an OpenID provider in progress; its one-time login code (ttl) | `SSO#<state>`; `SSO#<code>` | `ATTEMPT`; `LOGIN` | | |
//! | a person's consent to reads of a registry for a dossier (G5, P1) | `CONSENT#<user>` | `<user>.<id>` | | |
//! | a read of a person's data in a registry (ttl 5 years) | `DATAUSE#<user>` | `<unix ms>#<id>` | | |
//! | online payment order of a dossier's fees | `PAYMENT#<order id>` | `ORDER` | | |
//! | order paid on a day (reconciliation) | `PAYMENTS#<yyyy-mm-dd>` | `<order id>` | | |
//! | connection health, daily run, last pull (G2) | `CONN#<connection>` | `HEALTH`, `DAILY`, `RECONCILE`, `PULL` | | |
//! | dossier waiting to be synced (G2) | `SYNC#<connection>` | `<dossier id>` | | |
//! | what the portal already holds of a dossier | `SYNCSTATE#<connection>#<dossier id>` | `STATE` | | |
//! | dead letter of a connection | `DEAD#<connection>` | `<dossier id or feed position>` | | |
//! | dossier received from the portal (idempotency) | `INBOUND#<connection>#<portal code>` | `INBOUND` | | |
//! | dossier processed in a ministry's system, synced in (R11) | `SYNCED#<system>#<code>` | `SYNCED` | | |
//! | agency event feed entry (ttl 90 days) | `FEED#<agency>` | `<µs>#<dossier id>#<version>` | | |
//! | webhook subscription | `WEBHOOK#<agency>` | `<id>` | `WEBHOOKS` / id | |
//! | webhook delivery position | `WHSTATE#<id>` | `STATE` | | |
//! | catalogue sync change | `CATSYNC` | `<time>#<kind>#<code>` | | |
//! | feedback / petition | `FEEDBACK#<code>` | `FEEDBACK` | `FEEDBACK#PUBLIC` / answered (when published) | `FEEDBACK#AGENCY#<code>` / created |

use motcua_ports::{Item, Key, SortCondition};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

pub fn procedure_current(code: &str) -> Key {
    Key::new(format!("PROC#{code}"), "CURRENT")
}
pub fn catalogue_version() -> Key {
    Key::new("CONFIG#CATALOGUE", "VERSION")
}
pub fn procedure_version(code: &str, version: u32) -> Key {
    Key::new(format!("PROC#{code}"), format!("V#{version:06}"))
}
pub fn agency(code: &str) -> Key {
    Key::new(format!("AGENCY#{code}"), "AGENCY")
}
pub fn field(code: &str) -> Key {
    Key::new(format!("FIELD#{code}"), "FIELD")
}
pub fn user(id: &str) -> Key {
    Key::new(format!("USER#{id}"), "PROFILE")
}
pub fn staff(agency: &str) -> String {
    format!("STAFF#{agency}")
}
pub fn audit_partition(month: &str) -> String {
    format!("AUDIT#{month}")
}
pub fn login(username: &str) -> Key {
    Key::new(format!("LOGIN#{username}"), "LOGIN")
}
pub fn account_of(kind: &str, identity_hash: &str) -> Key {
    Key::new(format!("ACCOUNT_OF#{kind}#{identity_hash}"), "ACCOUNT")
}
pub fn login_throttle(username: &str) -> Key {
    Key::new(format!("THROTTLE#login#{username}"), "THROTTLE")
}
pub fn client(id: &str) -> Key {
    Key::new(format!("CLIENT#{id}"), "CLIENT")
}
pub fn dossier(id: &str) -> Key {
    Key::new(format!("DOSSIER#{id}"), "DOSSIER")
}
/// The inbox of `role` (its `as_str`) in `agency`.
pub fn inbox(agency: &str, role: &str) -> String {
    format!("INBOX#{agency}#{role}")
}
/// What is assigned to `user` in that inbox.
pub fn inbox_assigned(agency: &str, role: &str, user: &str) -> String {
    format!("INBOX#{agency}#{role}#{user}")
}
pub fn inbox_counts(agency: &str, role: &str, shard: u64) -> Key {
    Key::new(inbox_counts_partition(agency, role), format!("S#{shard}"))
}
pub fn inbox_counts_partition(agency: &str, role: &str) -> String {
    format!("INBOXCOUNT#{agency}#{role}")
}
/// How many entries of an inbox fall due on each (UTC) day, and how many of those are flagged
/// at risk: sort key `<yyyymmdd>`.
pub fn inbox_due_days(agency: &str, role: &str) -> String {
    format!("INBOXDUE#{agency}#{role}")
}
pub fn inbox_index_built() -> Key {
    Key::new("CONFIG#INBOXINDEX", "BUILT")
}
pub fn upload(dossier_id: &str, upload_id: &str) -> Key {
    Key::new(format!("DOSSIER#{dossier_id}"), format!("UPLOAD#{upload_id}"))
}
pub fn reads(dossier_id: &str) -> String {
    format!("READS#{dossier_id}")
}
pub fn read(dossier_id: &str, at_ms: i64, id: &str) -> Key {
    Key::new(reads(dossier_id), format!("{at_ms:013}#{id}"))
}
pub fn access_partition(day: &str) -> String {
    format!("ACCESS#{day}")
}
pub fn access(day: &str, operation: &str) -> Key {
    Key::new(access_partition(day), operation)
}
pub const LEDGER: &str = "LEDGER";
pub const CHAIN: &str = "CHAIN";
pub fn chain_head() -> Key {
    Key::new(CHAIN, "HEAD")
}
pub fn chain_record(seq: u64) -> Key {
    Key::new(CHAIN, format!("R#{seq:012}"))
}
pub fn chain_checkpoint(seq: u64) -> Key {
    Key::new(CHAIN, format!("CP#{seq:012}"))
}
/// The chain records of one subject (`dossier:<id>`), through GSI1.
pub fn chain_of(subject: &str) -> String {
    format!("CHAINOF#{subject}")
}
pub const ARCHIVE_DUE: &str = "ARCHIVEDUE";
pub fn step_history(procedure: &str) -> Key {
    Key::new(format!("STEPS#{procedure}"), "HISTORY")
}
/// The evaluations of ended dossiers of a scope (`agency:<code>` or `all`).
pub fn evaluations(scope: &str) -> String {
    format!("EVAL766#{scope}")
}
pub fn archive_due(due: i64, dossier_id: &str) -> Key {
    Key::new(ARCHIVE_DUE, format!("{due:010}#{dossier_id}"))
}
/// Where a dossier's archive package is kept.
pub fn archive_package(dossier_id: &str, name: &str) -> String {
    format!("archive/{dossier_id}/{name}")
}
pub fn upload_quota(dossier_id: &str) -> Key {
    Key::new(format!("DOSSIER#{dossier_id}"), "UPLOADQUOTA")
}
pub fn upload_quota_of(user: &str, day: &str) -> Key {
    Key::new(format!("UPLOADQUOTA#{user}"), format!("D#{day}"))
}
pub const SWEEP_UPLOADS: &str = "SWEEP#uploads";
pub fn sweep(due: i64, dossier_id: &str, name: &str) -> Key {
    Key::new(SWEEP_UPLOADS, format!("{due:010}#{dossier_id}#{name}"))
}
pub fn rating(dossier_id: &str) -> Key {
    Key::new(format!("DOSSIER#{dossier_id}"), "RATING")
}
/// Marks a rating's complaint as concluded (once).
pub fn rating_ruling(dossier_id: &str) -> Key {
    Key::new(format!("DOSSIER#{dossier_id}"), "RATING#RULING")
}
pub fn lookup(code: &str) -> Key {
    Key::new(format!("LOOKUP#{code}"), "LOOKUP")
}
pub fn sequence(unit: &str, day: &str) -> Key {
    Key::new(format!("SEQ#{unit}#{day}"), "SEQ")
}
pub fn idempotency(caller: &str, key: &str) -> Key {
    Key::new(format!("IDEM#{caller}#{key}"), "IDEM")
}
pub fn aggregate_partition(scope: &str) -> String {
    format!("AGG#{scope}")
}
pub fn aggregate(scope: &str, day: chrono::NaiveDate) -> Key {
    Key::new(aggregate_partition(scope), format!("D#{}", day.format("%Y-%m-%d")))
}
/// One of the shards of a day's aggregate (its counters are the sum of the day's items).
pub fn aggregate_shard(scope: &str, day: chrono::NaiveDate, shard: u8) -> Key {
    Key::new(aggregate_partition(scope), format!("D#{}#{shard}", day.format("%Y-%m-%d")))
}
/// The sort keys of the aggregate items of the days `from..=to`, shards included.
pub fn aggregate_days(from: Option<chrono::NaiveDate>, to: chrono::NaiveDate) -> SortCondition {
    let from = from.map(|day| format!("D#{}", day.format("%Y-%m-%d"))).unwrap_or_else(|| "D#".into());
    SortCondition::Between(from, format!("D#{}~", to.format("%Y-%m-%d")))
}
/// The outbox of earlier versions (one partition); only relayed now.
pub const OUTBOX: &str = "OUTBOX";
/// Shards of the outbox: each a partition of its own, so that events are written and relayed
/// at eight times one partition's rate.
pub const OUTBOX_SHARDS: u8 = 8;
pub fn outbox_partition(shard: u8) -> String {
    format!("OUTBOX#{shard}")
}
/// Tracking states of the result sent by post, and of the paper documents collected.
pub const PARCEL_PREFIX: &str = "PARCEL#";
pub const PICKUP_PREFIX: &str = "PICKUP#";

/// A tracking state of a dossier's parcel under `prefix` (`state` is its order: once each).
pub fn parcel_state(prefix: &str, dossier_id: &str, state: u8) -> Key {
    Key::new(dossier(dossier_id).pk, format!("{prefix}{state}"))
}

pub fn sso_attempt(state: &str) -> Key {
    Key::new(format!("SSO#{state}"), "ATTEMPT")
}

pub fn sso_login_code(code: &str) -> Key {
    Key::new(format!("SSO#{code}"), "LOGIN")
}

pub fn consents(user: &str) -> String {
    format!("CONSENT#{user}")
}
pub fn consent(user: &str, id: &str) -> Key {
    Key::new(consents(user), id)
}
pub fn data_uses(user: &str) -> String {
    format!("DATAUSE#{user}")
}
pub fn data_use(user: &str, at_ms: i64, id: &str) -> Key {
    Key::new(data_uses(user), format!("{at_ms:013}#{id}"))
}

pub fn payment_order(id: &str) -> Key {
    Key::new(format!("PAYMENT#{id}"), "ORDER")
}

pub fn payments_paid_on(day: chrono::NaiveDate) -> String {
    format!("PAYMENTS#{}", day.format("%Y-%m-%d"))
}

pub fn connection(name: &str) -> String {
    format!("CONN#{name}")
}
pub fn sync_pending(connection: &str) -> String {
    format!("SYNC#{connection}")
}
pub fn sync_state(connection: &str, dossier_id: &str) -> Key {
    Key::new(format!("SYNCSTATE#{connection}#{dossier_id}"), "STATE")
}
pub fn dead_letters(connection: &str) -> String {
    format!("DEAD#{connection}")
}
pub fn inbound(connection: &str, code: &str) -> Key {
    Key::new(format!("INBOUND#{connection}#{code}"), "INBOUND")
}
/// A dossier processed in a ministry's system, as synced in (R11).
pub fn synced(system: &str, code: &str) -> Key {
    Key::new(format!("SYNCED#{system}#{code}"), "SYNCED")
}
pub fn feed(agency: &str) -> String {
    format!("FEED#{agency}")
}
pub fn webhooks_of(agency: &str) -> String {
    format!("WEBHOOK#{agency}")
}
pub fn webhook(agency: &str, id: &str) -> Key {
    Key::new(webhooks_of(agency), id)
}
pub const WEBHOOKS: &str = "WEBHOOKS";
pub fn webhook_state(id: &str) -> Key {
    Key::new(format!("WHSTATE#{id}"), "STATE")
}
pub const CATALOGUE_CHANGES: &str = "CATSYNC";
pub const OUTBOUND: &str = "OUTBOUND";
pub fn message(dossier_id: &str, sort: &str) -> Key {
    Key::new(format!("DOSSIER#{dossier_id}"), format!("MSG#{sort}"))
}
pub fn notifications(user: &str) -> String {
    format!("NOTIF#{user}")
}
pub fn feedback(code: &str) -> Key {
    Key::new(format!("FEEDBACK#{code}"), "FEEDBACK")
}
pub const FEEDBACK_PUBLIC: &str = "FEEDBACK#PUBLIC";
pub fn feedback_agency(agency: &str) -> String {
    format!("FEEDBACK#AGENCY#{agency}")
}
pub fn calendar_current() -> Key {
    Key::new("CONFIG#CALENDAR", "CURRENT")
}
pub fn regime_current() -> Key {
    Key::new("CONFIG#REGIME", "CURRENT")
}
pub fn calendar_version(version: u32) -> Key {
    Key::new("CONFIG#CALENDAR", format!("V#{version:06}"))
}
pub const CATALOGUE: &str = "CATALOGUE";
pub const AGENCIES: &str = "AGENCIES";
pub const FIELDS: &str = "FIELDS";

/// An item holding `data` (the serialised record) under `key`, plus extra attributes.
pub fn item<T: Serialize>(key: &Key, data: &T, extra: &[(&str, Value)]) -> Result<Item, serde_json::Error> {
    let mut item = Item::new();
    item.insert("pk".into(), Value::String(key.pk.clone()));
    item.insert("sk".into(), Value::String(key.sk.clone()));
    item.insert("data".into(), serde_json::to_value(data)?);
    for (name, value) in extra {
        item.insert((*name).to_string(), value.clone());
    }
    Ok(item)
}

/// Every record of one partition of `index`, page after page.
pub async fn read_partition<T: DeserializeOwned>(
    table: &dyn motcua_ports::Table,
    index: motcua_ports::Index,
    pk: impl Into<String>,
) -> Result<Vec<T>, crate::CoreError> {
    let items = read_items(table, motcua_ports::Query::partition(index, pk.into()).limit(500)).await?;
    Ok(items.iter().map(data).collect::<Result<_, _>>()?)
}

/// The newest `limit` items of partition `pk` (sort keys in time order), newest first.
pub async fn newest<T: DeserializeOwned>(
    table: &dyn motcua_ports::Table,
    pk: String,
    limit: usize,
) -> Result<Vec<T>, crate::CoreError> {
    let query = motcua_ports::Query::partition(motcua_ports::Index::Primary, pk).descending().limit(limit);
    Ok(table.query(query).await?.items.iter().map(data).collect::<Result<_, _>>()?)
}

/// Every item a query finds, page after page.
pub async fn read_items(
    table: &dyn motcua_ports::Table,
    query: motcua_ports::Query,
) -> Result<Vec<Item>, crate::CoreError> {
    let mut out = vec![];
    let mut cursor = None;
    loop {
        let page = table.query(query.clone().after(cursor)).await?;
        out.extend(page.items);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(out),
        }
    }
}

/// The record stored in an item's `data`.
/// The sort keys that are RFC 3339 times (Vietnam) on the days `from` to `to`.
pub fn times_on_days(from: chrono::NaiveDate, to: chrono::NaiveDate) -> SortCondition {
    SortCondition::Between(
        format!("{}T00:00:00", from.format("%Y-%m-%d")),
        format!("{}T23:59:59~", to.format("%Y-%m-%d")),
    )
}

pub fn data<T: DeserializeOwned>(item: &Item) -> Result<T, serde_json::Error> {
    T::deserialize(item.get("data").unwrap_or(&Value::Null))
}
