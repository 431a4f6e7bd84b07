//! Lateness seen before it happens (issue 13, item 9): from how long each step of a
//! procedure's workflow usually takes — the working minutes its past dossiers spent in it, once
//! a step has [`MIN_SAMPLES`] of them, otherwise the time the workflow allows — the time still
//! needed by an open dossier is the rest of its current step plus the steps after it up to the
//! result. The current step is timed by its assignee's own past stages when they have enough:
//! an officer with a long queue takes longer to hand over, and their history shows it. When the
//! finish that predicts falls after the appointment, the dossier is at risk, and while the
//! apology (Form 04) is still possible a new appointment is prepared for the officer: a working
//! day after the predicted finish.

use crate::calendar::Calendar;
use crate::dossier::Dossier;
use crate::lifecycle::working_day;
use crate::workflow::{StepKind, WorkflowStep};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Past stages needed before their average replaces the workflow's allowance.
pub const MIN_SAMPLES: i64 = 3;

/// Working minutes spent in each step (by step id) by past dossiers of a procedure, and how
/// many stages they add up; the same per officer who closed the stages, whose own usual time
/// reflects their queue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepHistory {
    pub steps: HashMap<String, (i64, i64)>,
    /// By (step id, officer id).
    pub by_officer: HashMap<(String, String), (i64, i64)>,
}

fn average(samples: Option<&(i64, i64)>) -> Option<i64> {
    samples.filter(|(_, n)| *n >= MIN_SAMPLES).map(|(minutes, n)| minutes / n)
}

impl StepHistory {
    /// The usual time of `step`: the average of its past stages, or its allowance.
    pub fn typical(&self, step: &WorkflowStep) -> i64 {
        average(self.steps.get(&step.id)).unwrap_or(i64::from(step.working_hours) * 60)
    }

    /// The usual time of `step` in the hands of `officer` (their own past stages, which carry
    /// their queue), else [`Self::typical`].
    pub fn typical_for(&self, step: &WorkflowStep, officer: Option<&str>) -> i64 {
        self.officers_average(step, officer).unwrap_or_else(|| self.typical(step))
    }

    /// The average of `officer`'s own past stages of `step`, once they have enough.
    fn officers_average(&self, step: &WorkflowStep, officer: Option<&str>) -> Option<i64> {
        officer.and_then(|o| average(self.by_officer.get(&(step.id.clone(), o.to_string()))))
    }

    /// Whether `step`'s time comes from past stages (the officer's or everyone's).
    fn known(&self, step: &WorkflowStep, officer: Option<&str>) -> bool {
        average(self.steps.get(&step.id)).is_some() || self.officers_average(step, officer).is_some()
    }
}

/// The prediction for an open dossier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Risk {
    pub predicted_finish: DateTime<FixedOffset>,
    pub at_risk: bool,
    /// Working minutes the predicted finish falls after (positive) or before the appointment.
    pub late_by_minutes: i64,
    /// A new appointment prepared for Form 04, while the apology is still possible.
    pub suggested_new_appointment: Option<DateTime<FixedOffset>>,
    /// Whether each step's time came from past dossiers (otherwise from the allowances).
    pub from_history: bool,
}

/// The prediction for `d` at `now`, when it is open with its clock running.
pub fn predict(d: &Dossier, history: &StepHistory, cal: &Calendar, now: DateTime<FixedOffset>) -> Option<Risk> {
    Some(Pace::of(d, history)?.predict(cal, now))
}

/// What a prediction is made from, except the time it is made at: kept with a dossier's inbox
/// lines, so that a list predicts at the time it is read without the dossier or its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pace {
    appointment: DateTime<FixedOffset>,
    /// When the current step began, and the working minutes it was paused since.
    stage_entered_at: DateTime<FixedOffset>,
    paused_minutes: i64,
    /// Usual working minutes of the current step (in its assignee's hands) and of the steps
    /// after it up to the result.
    current_step: i64,
    later_steps: i64,
    /// Neither an apology nor an extension yet.
    apology_open: bool,
    from_history: bool,
}

impl Pace {
    /// The pace of `d` when it is open with its clock running.
    pub fn of(d: &Dossier, history: &StepHistory) -> Option<Pace> {
        if !d.status.is_open() || d.waiting.is_some() {
            return None;
        }
        let (appointment, stage) = (d.appointment?, d.stage.as_ref()?);
        let workflow = d.workflow();
        let position = workflow.steps.iter().position(|s| s.id == stage.step_id)?;
        let (current, later) = (&workflow.steps[position], &workflow.steps[position + 1..]);
        // The current step in its assignee's hands, the later ones at everyone's usual pace.
        let officer = d.assignee.as_ref().map(|a| a.id.as_str());
        Some(Pace {
            appointment,
            stage_entered_at: stage.entered_at,
            paused_minutes: stage.paused_minutes,
            current_step: history.typical_for(current, officer),
            later_steps: later.iter().filter(|s| s.kind != StepKind::Return).map(|s| history.typical(s)).sum(),
            apology_open: d.apology.is_none() && d.pending_extension().is_none(),
            from_history: history.known(current, officer) || later.iter().any(|s| history.known(s, None)),
        })
    }

    /// The prediction at `now`.
    pub fn predict(&self, cal: &Calendar, now: DateTime<FixedOffset>) -> Risk {
        let elapsed = (cal.working_minutes_between(self.stage_entered_at, now) - self.paused_minutes).max(0);
        let remaining = (self.current_step - elapsed).max(0) + self.later_steps;
        let predicted_finish = cal.add_working_minutes(now, remaining);
        let appointment = self.appointment;
        let at_risk = predicted_finish > appointment;
        let late_by_minutes = if at_risk {
            cal.working_minutes_between(appointment, predicted_finish)
        } else {
            -cal.working_minutes_between(predicted_finish, appointment)
        };
        let apology_possible = self.apology_open && cal.working_minutes_between(now, appointment) >= working_day(cal);
        Risk {
            predicted_finish,
            at_risk,
            late_by_minutes,
            suggested_new_appointment: (at_risk && apology_possible)
                .then(|| cal.add_working_minutes(predicted_finish, working_day(cal))),
            from_history: self.from_history,
        }
    }
}
