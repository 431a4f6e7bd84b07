//! The daily comparison with the national portal (national-connections §1): every dossier
//! submitted in the last 90 days that the portal should hold is looked up (`TraCuuHoSo`); one
//! it does not hold, or holds with another status, is listed and sent again in full. Dossiers
//! still waiting in line are counted, not re-sent.

use super::{portal_sync, DVCQG};
use crate::{catalogue, keys, Caller, CoreError, CoreResult, Services};
use chrono::{DateTime, FixedOffset};
use motcua_domain::dossier::Dossier;
use motcua_domain::national::mapping::portal_key;
use motcua_domain::roles::Role;
use motcua_ports::{Condition, Index, Key, Query, SortCondition};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A dossier the portal holds with another status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Difference {
    pub code: String,
    /// National status code here.
    pub ours: u8,
    /// What the portal holds (`TrangThaiHoSo`).
    pub theirs: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReconcileReport {
    pub at: DateTime<FixedOffset>,
    /// Dossiers that the portal should hold.
    pub checked: usize,
    /// Of those, still waiting in line to be sent.
    pub waiting: usize,
    /// Codes the portal does not hold.
    pub missing: Vec<String>,
    pub different: Vec<Difference>,
    /// Sent again (missing + different).
    pub resent: usize,
}

fn report_key() -> Key {
    Key::new(keys::connection(DVCQG), "RECONCILE")
}

async fn recent_dossiers(s: &Services) -> CoreResult<Vec<Dossier>> {
    let since = (s.now() - chrono::Duration::days(90)).to_rfc3339();
    let mut out = vec![];
    for agency in catalogue::agencies(s).await? {
        let mut cursor = None;
        loop {
            let q = Query::partition(Index::Gsi2, format!("AGENCY#{}", agency.code))
                .sort(SortCondition::Between(since.clone(), "~".into()))
                .limit(500)
                .after(cursor);
            let page = s.table.query(q).await?;
            for item in &page.items {
                out.push(keys::data(item)?);
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
    }
    Ok(out)
}

fn status_of(record: &motcua_ports::Record) -> String {
    match record.get("TrangThaiHoSo") {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

/// Compares and re-sends; the report is kept for the operators' view.
pub async fn run(s: &Services) -> CoreResult<ReconcileReport> {
    let portal =
        s.connections.portal.as_ref().ok_or_else(|| CoreError::Upstream("Cổng DVCQG chưa được cấu hình".into()))?;
    let mut report =
        ReconcileReport { at: s.now(), checked: 0, waiting: 0, missing: vec![], different: vec![], resent: 0 };
    for d in recent_dossiers(s).await? {
        let Some(code) = portal_key(&d) else { continue };
        report.checked += 1;
        if s.table.get(&portal_sync::marker_key(&d.id)).await?.is_some() {
            report.waiting += 1;
            continue;
        }
        let ours = d.status.national_code().unwrap_or(1);
        let on_portal = match portal.lookup(&code).await.map_err(|e| CoreError::Upstream(e.to_string()))? {
            None => {
                report.missing.push(code);
                false
            }
            Some(r) if status_of(&r) != ours.to_string() => {
                report.different.push(Difference { code, ours, theirs: status_of(&r) });
                true
            }
            Some(_) => continue,
        };
        portal_sync::resend(s, &d, on_portal).await?;
        report.resent += 1;
    }
    s.table.put(keys::item(&report_key(), &report, &[])?, Condition::None).await?;
    Ok(report)
}

/// Runs the reconciliation now (an operator's button).
pub async fn run_now(s: &Services, caller: &Caller) -> CoreResult<ReconcileReport> {
    if caller.role != Role::SystemAdmin {
        return Err(CoreError::Forbidden("Chỉ quản trị hệ thống đối soát với Cổng Dịch vụ công quốc gia.".into()));
    }
    let report = run(s).await?;
    crate::admin::audit_record(s, caller, "integration.reconcile", DVCQG, &format!("{} hồ sơ gửi lại", report.resent))
        .await?;
    Ok(report)
}
