//! Dossiers processed in a ministry's system (R11): the system — an integration client whose
//! id names it in the procedure versions it processes — sends each dossier's status as it
//! changes. Every record of a batch is checked before any is stored; each is then stored with
//! the report counters it moves in one transaction, conditional on the record it replaces, so
//! repeats, reorderings and concurrent pushes count a dossier once.

use crate::{catalogue, keys, Caller, CoreError, CoreResult, Services};
use motcua_domain::coexistence::{self, Applied, SyncedDossier};
use motcua_domain::roles::Role;
use motcua_ports::{Condition, TableError, WriteOp};
use serde::Serialize;
use serde_json::json;

/// What became of one record.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SyncOutcome {
    pub code: String,
    /// `false`: the record was older than or the same as the one stored; nothing changed.
    pub changed: bool,
}

/// The largest batch accepted.
pub const MAX_BATCH: usize = 100;

async fn stored(s: &Services, system: &str, code: &str) -> CoreResult<Option<SyncedDossier>> {
    Ok(s.table.get(&keys::synced(system, code)).await?.map(|i| keys::data(&i)).transpose()?)
}

/// Receives a batch from the system the caller is.
pub async fn receive(s: &Services, caller: &Caller, records: Vec<SyncedDossier>) -> CoreResult<Vec<SyncOutcome>> {
    if caller.role != Role::IntegrationClient {
        return Err(CoreError::Forbidden("Chỉ hệ thống xử lý của bộ, ngành được đồng bộ trạng thái hồ sơ.".into()));
    }
    if records.len() > MAX_BATCH {
        return Err(CoreError::invalid("too_many_records", format!("Tối đa {MAX_BATCH} hồ sơ mỗi lần gửi.")));
    }
    let system = caller.id.to_string();
    let mut decided = Vec::with_capacity(records.len());
    for record in records {
        let procedure = catalogue::procedure(s, &record.procedure_code).await?;
        if procedure.processed_in.as_ref().is_none_or(|p| p.system != system) {
            return Err(CoreError::Forbidden(format!(
                "Hồ sơ {}: thủ tục {} không được giải quyết trên hệ thống này.",
                record.code, procedure.code
            )));
        }
        catalogue::agency(s, &record.agency).await?;
        let old = stored(s, &system, &record.code).await?;
        let applied = coexistence::apply(old.as_ref(), record.clone())
            .map_err(|e| CoreError::invalid(e.code(), e.to_string()))?;
        decided.push((record.code, procedure.field, old, applied));
    }
    let mut outcomes = vec![];
    for (code, field, old, applied) in decided {
        let Applied::Changed { record, deltas } = applied else {
            outcomes.push(SyncOutcome { code, changed: false });
            continue;
        };
        let condition = match &old {
            Some(old) => Condition::AttrEquals("updated_at".into(), json!(old.updated_at.to_rfc3339())),
            None => Condition::NotExists,
        };
        let put = WriteOp::Put {
            item: keys::item(
                &keys::synced(&system, &code),
                &record,
                &[("updated_at", json!(record.updated_at.to_rfc3339()))],
            )?,
            condition,
        };
        let counters = crate::store::aggregate_ops_of(
            &record.agency,
            &field,
            &record.procedure_code,
            (&record.agency, None),
            deltas,
        );
        s.table.transact(std::iter::once(put).chain(counters).collect()).await.map_err(|e| match e {
            TableError::ConditionFailed { .. } => CoreError::Conflict,
            e => e.into(),
        })?;
        outcomes.push(SyncOutcome { code, changed: true });
    }
    Ok(outcomes)
}

/// One synced dossier, for its system, the staff of its agency and the system administrator.
pub async fn get(s: &Services, caller: &Caller, system: &str, code: &str) -> CoreResult<SyncedDossier> {
    let record = stored(s, system, code).await?.ok_or_else(|| CoreError::not_found("hồ sơ"))?;
    let allowed = caller.role == Role::SystemAdmin
        || caller.works_for(&record.agency)
        || (caller.role == Role::IntegrationClient && caller.id == system);
    if !allowed {
        return Err(CoreError::not_found("hồ sơ"));
    }
    Ok(record)
}
