//! The history of step durations per procedure (issue 13, item 9): each stage that ends in
//! the normal course adds its working minutes to its step's total in one item per procedure
//! (`STEPS#<procedure>`), after the change committed — a statistic that a lost addition only
//! makes a little less precise. Read back as a [`StepHistory`] for the predictions.

use crate::{keys, CoreResult, Services};
use motcua_domain::risk::StepHistory;
use motcua_ports::{Item, WriteOp};
use std::collections::HashMap;

/// Attribute names of a step id (letters, digits and `_` only).
fn attr(prefix: &str, step_id: &str) -> String {
    let safe: String = step_id.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    format!("{prefix}_{safe}")
}

/// Adds a completed stage of `step_id` that took `minutes` to `procedure`'s history.
pub(crate) async fn record(s: &Services, procedure: &str, step_id: &str, minutes: i64) {
    let add = vec![(attr("minutes", step_id), minutes), (attr("stages", step_id), 1)];
    let op = WriteOp::Add { key: keys::step_history(procedure), add, set: Item::new() };
    if let Err(e) = s.table.transact(vec![op]).await {
        tracing::warn!(procedure, step_id, error = %e, "step duration not recorded");
    }
}

/// The history of `procedure`'s steps.
pub(crate) async fn of(s: &Services, procedure: &str) -> CoreResult<StepHistory> {
    let Some(item) = s.table.get(&keys::step_history(procedure)).await? else { return Ok(StepHistory::default()) };
    let n = |name: String| motcua_ports::attr_i64(&item, &name).unwrap_or(0);
    let procedure = crate::catalogue::procedure(s, procedure).await?;
    let steps = procedure.workflow().steps;
    let map: HashMap<String, (i64, i64)> =
        steps.iter().map(|st| (st.id.clone(), (n(attr("minutes", &st.id)), n(attr("stages", &st.id))))).collect();
    Ok(StepHistory(map))
}

/// The histories of several procedures, each read once.
pub(crate) async fn of_all(s: &Services, mut procedures: Vec<String>) -> CoreResult<HashMap<String, StepHistory>> {
    procedures.sort();
    procedures.dedup();
    let mut out = HashMap::new();
    for p in procedures {
        let history = of(s, &p).await?;
        out.insert(p, history);
    }
    Ok(out)
}
