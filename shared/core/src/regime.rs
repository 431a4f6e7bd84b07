//! The regime schedule in force (R1): the deployment's (`--regime`) until a system
//! administrator sets a regime from a day on; that setting is stored, versioned and audited,
//! and every process picks it up (Lambda instances through [`refresh`]). Dossiers keep the
//! regime they were filed under, so a change only concerns dossiers filed from its day on.

use crate::{keys, Caller, CoreError, CoreResult, Services};
use chrono::{DateTime, FixedOffset, NaiveDate};
use motcua_domain::ids::UserId;
use motcua_domain::regime::{Regime, RegimeSchedule};
use motcua_domain::roles::Role;
use motcua_ports::{Condition, Table, TableError, WriteOp};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The schedule in force and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegimeSetting {
    /// 0 for the deployment's schedule, then one more per administrator's change.
    pub version: u32,
    pub schedule: RegimeSchedule,
    pub changed_at: Option<DateTime<FixedOffset>>,
    pub changed_by: Option<UserId>,
}

impl RegimeSetting {
    pub fn deployment(schedule: RegimeSchedule) -> Self {
        RegimeSetting { version: 0, schedule, changed_at: None, changed_by: None }
    }
}

/// The stored setting, or the deployment's schedule on a deployment where no administrator
/// has changed it.
pub async fn load(table: &dyn Table, deployment: &RegimeSchedule) -> CoreResult<RegimeSetting> {
    Ok(match table.get(&keys::regime_current()).await? {
        Some(item) => keys::data(&item)?,
        None => RegimeSetting::deployment(deployment.clone()),
    })
}

/// Puts `regime` in force for dossiers filed from `from` on (today or later: dossiers
/// already filed keep theirs).
pub async fn switch(s: &Services, caller: &Caller, regime: Regime, from: NaiveDate) -> CoreResult<RegimeSetting> {
    if caller.role != Role::SystemAdmin {
        return Err(CoreError::Forbidden("Chỉ quản trị hệ thống được thay đổi chế độ áp dụng.".into()));
    }
    let today = s.now().date_naive();
    if from < today {
        return Err(CoreError::invalid(
            "regime_date_in_past",
            format!(
                "Ngày áp dụng phải từ hôm nay ({}) trở đi: hồ sơ đã nộp giữ chế độ đã áp dụng khi nộp.",
                today.format("%d/%m/%Y")
            ),
        ));
    }
    let previous = s.regime_setting();
    let setting = RegimeSetting {
        version: previous.version + 1,
        schedule: previous.schedule.switched(from, regime),
        changed_at: Some(s.now()),
        changed_by: Some(caller.id.clone()),
    };
    let condition = match previous.version {
        0 => Condition::NotExists,
        v => Condition::AttrEquals("version".into(), json!(v)),
    };
    let put = WriteOp::Put {
        item: keys::item(&keys::regime_current(), &setting, &[("version", json!(setting.version))])?,
        condition,
    };
    let audit = crate::admin::audit_ops_on(
        s,
        caller,
        "regime.switch",
        "regime".into(),
        format!("Chế độ {} từ {} (lịch áp dụng: {})", regime.as_str(), from.format("%d/%m/%Y"), setting.schedule),
        None,
    )?;
    s.table.transact(std::iter::once(put).chain(audit).collect()).await.map_err(|e| match e {
        TableError::ConditionFailed { .. } => CoreError::Conflict,
        e => e.into(),
    })?;
    *s.regime.write().expect("regime lock") = setting.clone();
    Ok(setting)
}

/// Puts in force a setting stored by another process if it is newer. One read.
pub async fn refresh(s: &Services) -> CoreResult<()> {
    let Some(item) = s.table.get(&keys::regime_current()).await? else { return Ok(()) };
    let setting: RegimeSetting = keys::data(&item)?;
    if setting.version > s.regime_setting().version {
        *s.regime.write().expect("regime lock") = setting;
    }
    Ok(())
}
