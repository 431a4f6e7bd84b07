//! The officers' inbox (M8): dossiers waiting for the caller's role and unit, most urgent
//! first — overdue, then by due time — with counts by status and by deadline state. Served
//! from the inbox index (`inbox_index`): a page reads a page of entries, each carrying its
//! dossier's line (flags and prediction computed at the time of reading); the counts read the
//! kept counters, the kept counts by due day and the entries due today or soon; nothing here
//! grows with the agency's dossiers, and no dossier is read.

use crate::inbox_index::{self, due_key, NOTHING_DUE};
use crate::{keys, Caller, CoreError, CoreResult, Services};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use motcua_domain::dossier::Status;
use motcua_domain::roles::Role;
use motcua_domain::views::{Flags, InboxRow, ListedRow};
use motcua_ports::{attr_str, Item};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Filters of an inbox.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    pub status: Option<Status>,
    pub procedure: Option<String>,
    /// `soon` or `overdue`.
    pub due: Option<DueFilter>,
    /// Only the dossiers assigned to the caller.
    #[serde(default)]
    pub mine: bool,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    #[schema(minimum = 1, maximum = 200)]
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DueFilter {
    Soon,
    Overdue,
}

/// Counts of the whole inbox, before the filters.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InboxCounts {
    pub total: i64,
    pub due_soon: i64,
    pub overdue: i64,
    /// Open dossiers likely to miss their appointment (as predicted at their last change, or
    /// overdue).
    pub at_risk: i64,
    pub by_status: BTreeMap<String, i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Inbox {
    pub items: Vec<InboxRow>,
    pub next_cursor: Option<String>,
    pub counts: InboxCounts,
}

/// How many entries one page may look at when filters skip most of them; the page then ends
/// early with a cursor to go on.
const SCAN_BUDGET: usize = 2_000;
/// Lowest sort key of an inbox.
const FIRST: &str = "0";

/// The caller's inbox.
pub async fn inbox(s: &Services, caller: &Caller, q: InboxQuery) -> CoreResult<Inbox> {
    let agency = match (caller.role, &caller.agency) {
        (Role::ReceivingOfficer | Role::Specialist | Role::Leader, Some(a)) => a.clone(),
        _ => return Err(CoreError::Forbidden("Chỉ cán bộ của cơ quan có hộp hồ sơ cần xử lý.".into())),
    };
    let after = match &q.cursor {
        Some(c) => Some(decode_cursor(c)?),
        None => None,
    };
    let limit = match q.limit {
        None => 50,
        Some(n @ 1..=200) => n,
        Some(_) => return Err(CoreError::invalid("invalid_limit", "Tham số limit phải từ 1 đến 200.")),
    };
    let (cal, now) = (s.calendar(), s.now());
    let inbox = keys::inbox(&agency, caller.role.as_str());
    let counts = counts(s, &agency, caller.role, &inbox).await?;
    let now_key = due_key(now);
    let soon_key = due_key(cal.add_working_minutes(now, Flags::soon_window(&cal)));
    let (from, to) = match q.due {
        Some(DueFilter::Overdue) => (FIRST.to_string(), format!("{now_key}$")),
        Some(DueFilter::Soon) => (now_key, format!("{soon_key}$")),
        None => (FIRST.to_string(), format!("{NOTHING_DUE}$")),
    };
    let listed = if q.mine { keys::inbox_assigned(&agency, caller.role.as_str(), &caller.id) } else { inbox.clone() };
    let from = after.clone().unwrap_or(from);
    // Entries carry their lines (~1 KB): read what the page needs — the page, the entry the
    // cursor names and the one telling whether more follow — unless filters skip entries (a
    // due filter is a range of the index: nearly every entry in it is wanted).
    let batch = if q.status.is_none() && q.procedure.is_none() { limit + 2 } else { 200 };
    // The entries wanted (one more than the page, to know whether another follows).
    let (mut wanted_entries, mut scanned, mut cursor) = (Vec::<(String, Item)>::new(), 0, None);
    // Where the next page starts when the scan stopped before the end of the range.
    let mut next = None;
    'pages: loop {
        let page = inbox_index::range(s, &listed, (from.clone(), to.clone()), batch, cursor).await?;
        for entry in &page.items {
            let sk = attr_str(entry, "sk").unwrap_or_default();
            if after.as_deref() == Some(sk) {
                continue;
            }
            scanned += 1;
            if wanted(entry, &q, &cal, now) {
                wanted_entries.push((sk.to_string(), entry.clone()));
            }
            if wanted_entries.len() > limit {
                next = wanted_entries.get(limit - 1).map(|(sk, _)| sk.clone());
                wanted_entries.truncate(limit);
                break 'pages;
            }
            if scanned == SCAN_BUDGET {
                next = Some(sk.to_string());
                break 'pages;
            }
        }
        match page.next {
            Some(more) => cursor = Some(more),
            None => break,
        }
    }
    let items = wanted_entries
        .into_iter()
        .map(|(_, entry)| {
            let row =
                entry.get("row").cloned().ok_or_else(|| CoreError::Internal("inbox entry without its line".into()))?;
            Ok(serde_json::from_value::<ListedRow>(row)?.at(&cal, now))
        })
        .collect::<CoreResult<Vec<InboxRow>>>()?;
    Ok(Inbox { items, next_cursor: next.map(|sk| URL_SAFE_NO_PAD.encode(sk)), counts })
}

/// Whether an entry passes the filters of the query.
fn wanted(
    entry: &Item,
    q: &InboxQuery,
    cal: &motcua_domain::calendar::Calendar,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> bool {
    let status = status_of(entry);
    q.status.is_none_or(|st| Some(st) == status)
        && q.procedure.as_deref().is_none_or(|p| attr_str(entry, "procedure") == Some(p))
        && q.due.is_none_or(|due| {
            let (overdue, soon) = due_state(entry, status, cal, now);
            match due {
                DueFilter::Overdue => overdue,
                DueFilter::Soon => soon,
            }
        })
}

/// The status an entry was written with.
fn status_of(entry: &Item) -> Option<Status> {
    entry.get("status").and_then(|v| serde_json::from_value(v.clone()).ok())
}

/// `(overdue, due soon)` of an entry at `now`.
fn due_state(
    entry: &Item,
    status: Option<Status>,
    cal: &motcua_domain::calendar::Calendar,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> (bool, bool) {
    let due = attr_str(entry, "sk")
        .and_then(|sk| sk.split('#').next())
        .and_then(|key| chrono::NaiveDateTime::parse_from_str(key, "%Y%m%dT%H%M%SZ").ok())
        .map(|at| at.and_utc().fixed_offset());
    due.map_or((false, false), |due| Flags::due_state(status == Some(Status::Submitted), due, cal, now))
}

/// How long the overdue / due-soon / at-risk counts of an unchanged inbox are reused: they move
/// with time only, and a minute late is what an officer's screen can bear.
const DUE_COUNTS_REUSED_FOR_SECONDS: i64 = 60;
/// Inboxes whose due counts this process remembers.
const DUE_COUNTS_REMEMBERED: usize = 10_000;

/// The due counts of one inbox as computed: its change count then, when, and
/// `[overdue, due soon, overdue but not flagged at risk]`.
type Remembered = (i64, chrono::DateTime<chrono::FixedOffset>, [i64; 3]);

/// The due counts of inboxes computed lately.
#[derive(Default)]
pub struct DueCounts(std::sync::Mutex<std::collections::HashMap<String, Remembered>>);

/// The inbox's counts: the kept counters; and the entries now overdue or due soon, from the
/// kept counts by due day and today's and the coming entries, at most once a minute while the
/// inbox's entries do not change.
async fn counts(s: &Services, agency: &str, role: Role, inbox: &str) -> CoreResult<InboxCounts> {
    let kept = inbox_index::kept_counts(s, agency, role).await?;
    let (cal, now) = (s.calendar(), s.now());
    let remembered = s.inbox_due_counts.0.lock().expect("not poisoned").get(inbox).copied();
    let [overdue, due_soon, overdue_not_flagged] = match remembered {
        Some((changes, at, counts))
            if changes == kept.changes && (now - at).num_seconds().abs() < DUE_COUNTS_REUSED_FOR_SECONDS =>
        {
            counts
        }
        _ => {
            let counts = due_counts(s, (agency, role, inbox), &cal, now).await?;
            let mut memory = s.inbox_due_counts.0.lock().expect("not poisoned");
            if memory.len() >= DUE_COUNTS_REMEMBERED {
                memory.clear();
            }
            memory.insert(inbox.to_string(), (kept.changes, now, counts));
            counts
        }
    };
    Ok(InboxCounts {
        total: kept.total,
        due_soon,
        overdue,
        at_risk: kept.at_risk + overdue_not_flagged,
        by_status: kept.by_status,
    })
}

/// `[overdue, due soon, overdue but not flagged at risk]` of an inbox at `now`: the kept counts
/// of the days before today (all overdue), and today's and the coming entries read one by one.
async fn due_counts(
    s: &Services,
    (agency, role, inbox): (&str, Role, &str),
    cal: &motcua_domain::calendar::Calendar,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> CoreResult<[i64; 3]> {
    let today = due_key(now)[..8].to_string();
    let [before, flagged] = inbox_index::due_before(s, agency, role, &today).await?;
    let to = format!("{}$", due_key(cal.add_working_minutes(now, Flags::soon_window(cal))));
    let (mut counts, mut cursor) = ([before, 0, before - flagged], None);
    loop {
        let page = inbox_index::range(s, inbox, (today.clone(), to.clone()), 500, cursor).await?;
        for entry in &page.items {
            let status = status_of(entry);
            match due_state(entry, status, cal, now) {
                (true, _) => {
                    counts[0] += 1;
                    counts[2] += i64::from(entry.get("at_risk").is_none());
                }
                (_, true) => counts[1] += 1,
                _ => {}
            }
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(counts),
        }
    }
}

fn decode_cursor(cursor: &str) -> CoreResult<String> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .filter(|sk| sk.contains('#'))
        .ok_or_else(|| CoreError::invalid("invalid_cursor", "Tham số cursor không hợp lệ."))
}
