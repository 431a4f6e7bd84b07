//! Calendar administration (M5, rules §5): the working-day calendar is effective-dated master
//! data. Each change by a system administrator is a new version, kept forever, so the deadline
//! of a dossier (which records its calendar version) stays reproducible.

use crate::{keys, Caller, CoreError, CoreResult, Services};
use motcua_domain::calendar::{Calendar, CalendarConfig, YearCalendar, YearOverride};
use motcua_domain::roles::Role;
use motcua_ports::{Condition, Table, TableError, WriteOp};
use serde_json::json;
use std::sync::Arc;

/// The calendar in force as stored, or the default rules (version 1) on a new deployment.
pub async fn load(table: &dyn Table) -> CoreResult<Calendar> {
    let config = match table.get(&keys::calendar_current()).await? {
        Some(item) => keys::data::<CalendarConfig>(&item)?,
        None => CalendarConfig { version: 1, ..CalendarConfig::default() },
    };
    Calendar::try_new(config).map_err(|e| CoreError::Internal(format!("stored calendar: {e}")))
}

/// Replaces the overrides of one year (extra days off, swapped working days, cancelled
/// defaults) and puts the new version in force.
pub async fn set_year_override(
    s: &Services,
    caller: &Caller,
    year: i32,
    overrides: YearOverride,
) -> CoreResult<YearCalendar> {
    if caller.role != Role::SystemAdmin {
        return Err(CoreError::Forbidden("Chỉ quản trị hệ thống được điều chỉnh lịch làm việc.".into()));
    }
    let current = s.calendar();
    let previous = current.config().version;
    let mut config = current.config().clone();
    config.version = previous + 1;
    if overrides == YearOverride::default() {
        config.overrides.remove(&year);
    } else {
        config.overrides.insert(year, overrides);
    }
    let calendar =
        Calendar::try_new(config.clone()).map_err(|e| CoreError::invalid("invalid_calendar", e.to_string()))?;
    let condition = if s.table.get(&keys::calendar_current()).await?.is_some() {
        Condition::AttrEquals("version".into(), json!(previous))
    } else {
        Condition::NotExists
    };
    let ops: Vec<WriteOp> = vec![
        WriteOp::Put {
            item: keys::item(&keys::calendar_current(), &config, &[("version", json!(config.version))])?,
            condition,
        },
        WriteOp::Put {
            item: keys::item(&keys::calendar_version(config.version), &config, &[])?,
            condition: Condition::NotExists,
        },
    ]
    .into_iter()
    .chain(crate::admin::audit_ops_on(
        s,
        caller,
        "calendar.override",
        format!("calendar:{year}").into(),
        format!("Lịch làm việc năm {year}, phiên bản {}", config.version),
        None,
    )?)
    .collect();
    s.table.transact(ops).await.map_err(|e| match e {
        TableError::ConditionFailed { .. } => CoreError::Conflict,
        e => e.into(),
    })?;
    let year_calendar = calendar.year(year);
    *s.calendar.write().expect("calendar lock") = Arc::new(calendar);
    Ok(year_calendar)
}

/// Puts in force a calendar version stored by another process (another Lambda instance) if it
/// is newer than the one in memory. One read.
pub async fn refresh(s: &Services) -> CoreResult<()> {
    let Some(item) = s.table.get(&keys::calendar_current()).await? else { return Ok(()) };
    let config: CalendarConfig = keys::data(&item)?;
    if config.version > s.calendar().config().version {
        let calendar = Calendar::try_new(config).map_err(|e| CoreError::Internal(format!("stored calendar: {e}")))?;
        *s.calendar.write().expect("calendar lock") = Arc::new(calendar);
    }
    Ok(())
}
