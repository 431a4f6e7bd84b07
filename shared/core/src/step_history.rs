//! The history of step durations per procedure (issue 13, item 9): each stage that ends in
//! the normal course adds its working minutes to its step's total in one item per procedure
//! (`STEPS#<procedure>`), after the change committed — a statistic that a lost addition only
//! makes a little less precise. Read back as a [`StepHistory`] for the predictions.

use crate::{keys, CoreResult, Services};
use motcua_domain::risk::StepHistory;
use motcua_ports::{Item, WriteOp};

/// Attribute names of a step id (letters, digits and `_` only).
fn attr(prefix: &str, step_id: &str) -> String {
    let safe: String = step_id.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    format!("{prefix}_{safe}")
}

/// The attribute names of a step closed by an officer.
fn officer_attr(prefix: &str, step_id: &str, officer: &str) -> String {
    attr(prefix, &format!("{step_id}__{officer}"))
}

/// Adds a completed stage of `step_id` that took `minutes`, closed by `officer`, to
/// `procedure`'s history (everyone's and the officer's own).
pub(crate) async fn record(s: &Services, procedure: &str, step_id: &str, officer: &str, minutes: i64) {
    let add = vec![
        (attr("minutes", step_id), minutes),
        (attr("stages", step_id), 1),
        (officer_attr("minutes", step_id, officer), minutes),
        (officer_attr("stages", step_id, officer), 1),
    ];
    let op = WriteOp::Add { key: keys::step_history(procedure), add, set: Item::new() };
    if let Err(e) = s.table.transact(vec![op]).await {
        tracing::warn!(procedure, step_id, error = %e, "step duration not recorded");
    }
}

/// The history of `procedure`'s steps, and of the officers who closed them (`officers`).
pub(crate) async fn of(s: &Services, procedure: &str, officers: &[&str]) -> CoreResult<StepHistory> {
    let Some(item) = s.table.get(&keys::step_history(procedure)).await? else { return Ok(StepHistory::default()) };
    let n = |name: String| motcua_ports::attr_i64(&item, &name).unwrap_or(0);
    let procedure = crate::catalogue::procedure(s, procedure).await?;
    let mut history = StepHistory::default();
    for st in procedure.workflow().steps {
        for officer in officers {
            let samples = (n(officer_attr("minutes", &st.id, officer)), n(officer_attr("stages", &st.id, officer)));
            history.by_officer.insert((st.id.clone(), officer.to_string()), samples);
        }
        history.steps.insert(st.id.clone(), (n(attr("minutes", &st.id)), n(attr("stages", &st.id))));
    }
    Ok(history)
}
