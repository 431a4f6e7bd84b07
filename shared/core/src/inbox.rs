//! The officers' inbox (M8): dossiers waiting for the caller's role and unit, most urgent
//! first — overdue, then likely to be late (issue 13, item 9), then by due time — with counts by
//! status and by deadline state.

use crate::store::load;
use crate::{keys, Caller, CoreError, CoreResult, Services};
use motcua_domain::dossier::{Dossier, Status};
use motcua_domain::risk::{self, Risk};
use motcua_domain::roles::Role;
use motcua_domain::views::{Flags, InboxRow, Summary};
use motcua_ports::Index;
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
    pub total: usize,
    pub due_soon: usize,
    pub overdue: usize,
    /// Open dossiers likely to miss their appointment.
    pub at_risk: usize,
    pub by_status: BTreeMap<&'static str, usize>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Inbox {
    pub items: Vec<InboxRow>,
    pub next_cursor: Option<String>,
    pub counts: InboxCounts,
}

/// Whether the dossier waits for the caller's role and unit.
fn in_inbox(d: &Dossier, caller: &Caller) -> bool {
    let agency = caller.agency.as_deref().unwrap_or_default();
    if d.agency != agency && d.receives(agency) {
        // The service centre that took a boundary-free dossier: to receive it, and to return
        // its result (R5).
        return matches!(caller.role, Role::ReceivingOfficer | Role::Leader)
            && matches!(d.status, Status::Submitted | Status::Finished);
    }
    if d.agency != agency {
        return d.parts.iter().any(|p| p.agency == agency && p.completed_at.is_none())
            || d.consultations.iter().any(|c| c.agency == agency && c.answered_at.is_none());
    }
    match (&d.stage, caller.role) {
        (_, Role::Leader) => d.status.is_open() || d.status == Status::Submitted || d.status == Status::Finished,
        (Some(stage), role) => stage.role == role && stage.unit == agency || (d.status == Status::WithdrawalRequested),
        (None, _) => false,
    }
}

/// The caller's inbox.
pub async fn inbox(s: &Services, caller: &Caller, q: InboxQuery) -> CoreResult<Inbox> {
    let agency = match (caller.role, &caller.agency) {
        (Role::ReceivingOfficer | Role::Specialist | Role::Leader, Some(a)) => a.clone(),
        _ => return Err(CoreError::Forbidden("Chỉ cán bộ của cơ quan có hộp hồ sơ cần xử lý.".into())),
    };
    let offset: usize = match &q.cursor {
        Some(c) => c.parse().map_err(|_| CoreError::invalid("invalid_cursor", "Tham số cursor không hợp lệ."))?,
        None => 0,
    };
    let limit = match q.limit {
        None => 50,
        Some(n @ 1..=200) => n,
        Some(_) => return Err(CoreError::invalid("invalid_limit", "Tham số limit phải từ 1 đến 200.")),
    };
    let mut all = keys::read_partition::<Dossier>(s.table.as_ref(), Index::Gsi2, format!("AGENCY#{agency}")).await?;
    for id in
        keys::read_partition::<String>(s.table.as_ref(), Index::Primary, keys::participation_partition(&agency)).await?
    {
        if let Ok(d) = load(s, &id).await {
            all.push(d);
        }
    }
    let (cal, now) = (s.calendar(), s.now());
    let all: Vec<Dossier> = all.into_iter().filter(|d| in_inbox(d, caller)).collect();
    let assigned = all.iter().map(|d| (d.procedure_code.to_string(), d.assignee.as_ref().map(|a| a.id.to_string())));
    let histories = crate::step_history::of_all(s, assigned.collect()).await?;
    let mut rows: Vec<(Dossier, Flags, Option<Risk>)> = all
        .into_iter()
        .map(|d| {
            let f = Flags::of(&d, &cal, now);
            let risk = histories.get(d.procedure_code.as_str()).and_then(|h| risk::predict(&d, h, &cal, now));
            (d, f, risk)
        })
        .collect();
    let mut by_status = BTreeMap::new();
    for (d, ..) in &rows {
        *by_status.entry(d.status.as_str()).or_default() += 1;
    }
    let counts = InboxCounts {
        total: rows.len(),
        due_soon: rows.iter().filter(|(_, f, _)| f.due_soon).count(),
        overdue: rows.iter().filter(|(_, f, _)| f.overdue).count(),
        at_risk: rows.iter().filter(|(.., r)| r.as_ref().is_some_and(|r| r.at_risk)).count(),
        by_status,
    };
    rows.retain(|(d, f, _)| {
        q.status.is_none_or(|st| st == d.status)
            && q.procedure.as_ref().is_none_or(|p| p == &d.procedure_code)
            && (!q.mine || d.assignee.as_ref().is_some_and(|a| a.id == caller.id))
            && match q.due {
                Some(DueFilter::Soon) => f.due_soon,
                Some(DueFilter::Overdue) => f.overdue,
                None => true,
            }
    });
    // Overdue first, then those likely to be late (the latest first), then by due time.
    let late_by = |r: &Option<Risk>| r.as_ref().filter(|r| r.at_risk).map(|r| std::cmp::Reverse(r.late_by_minutes));
    rows.sort_by(|(a, fa, ra), (b, fb, rb)| {
        (!fa.overdue, late_by(ra).is_none(), late_by(ra), fa.due_at.is_none(), fa.due_at, &a.id).cmp(&(
            !fb.overdue,
            late_by(rb).is_none(),
            late_by(rb),
            fb.due_at.is_none(),
            fb.due_at,
            &b.id,
        ))
    });
    let next_cursor = (offset + limit < rows.len()).then(|| (offset + limit).to_string());
    let items = rows
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|(d, f, risk)| InboxRow {
            summary: Summary { flags: Some(f), ..Summary::of(&d) },
            stage: d.stage,
            assignee: d.assignee,
            risk,
        })
        .collect();
    Ok(Inbox { items, next_cursor, counts })
}
