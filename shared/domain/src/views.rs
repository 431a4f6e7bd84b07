//! What each caller sees of a dossier, typed and computed from its state: the full view for
//! its owner and for staff taking part (with the deadline [`Flags`] and the actions the caller
//! may take now), the one-line summary of lists, and the public view behind a dossier code.
//! Labels come from here too, so the web front holds no copy of any rule.

use crate::calendar::Calendar;
use crate::caller::Caller;
use crate::dossier::{Channel, Dossier, Person, Stage, Status};
use crate::ids::{AgencyCode, DossierCode, ProcedureCode};
use crate::lifecycle::{allowed_actions, working_day, AllowedAction, Context};
use crate::regime::FormKind;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// A dossier is flagged "due soon" this many working days before its appointment: early
/// enough to issue the apology at least one working day before (rules §3).
const DUE_SOON_DAYS: i64 = 2;
/// At reception, the 8-working-hour confirmation deadline is "due soon" 2 hours before.
const RECEPTION_DUE_SOON_MINUTES: i64 = 2 * 60;

/// Where a dossier stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    Overdue,
    Soon,
}

/// Deadline flags of a dossier at a moment (M8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Flags {
    /// What must be done by when: the reception deadline while waiting for reception, the
    /// appointment while in process with the clock running.
    pub due_at: Option<DateTime<FixedOffset>>,
    pub overdue: bool,
    pub due_soon: bool,
    /// `overdue`, `soon` or absent: the one state to show.
    pub due_state: Option<DueState>,
    /// Waiting for the applicant: the clock is stopped.
    pub clock_stopped: bool,
    pub stage_overdue: bool,
    /// The last moment for the apology and new appointment (Form 04).
    pub apology_deadline: Option<DateTime<FixedOffset>>,
    pub apology_possible: bool,
}

impl Flags {
    /// What must be done by when: the reception deadline while waiting for reception, the
    /// appointment while in process with the clock running.
    pub fn due_at(d: &Dossier) -> Option<DateTime<FixedOffset>> {
        if d.status == Status::Submitted {
            d.reception_due
        } else if d.status.is_open() && d.waiting.is_none() {
            d.appointment
        } else {
            None
        }
    }

    /// `(overdue, due soon)` at `now` of something due at `due`: the reception deadline of a
    /// dossier waiting for reception (`at_reception`), else its appointment.
    pub fn due_state(
        at_reception: bool,
        due: DateTime<FixedOffset>,
        cal: &Calendar,
        now: DateTime<FixedOffset>,
    ) -> (bool, bool) {
        let soon_window = if at_reception { RECEPTION_DUE_SOON_MINUTES } else { Self::soon_window(cal) };
        let overdue = now > due;
        (overdue, !overdue && cal.working_minutes_between(now, due) <= soon_window)
    }

    /// The widest "due soon" window, in working minutes.
    pub fn soon_window(cal: &Calendar) -> i64 {
        DUE_SOON_DAYS * working_day(cal)
    }

    pub fn of(d: &Dossier, cal: &Calendar, now: DateTime<FixedOffset>) -> Flags {
        Deadlines::of(d).flags(cal, now)
    }
}

/// What a dossier's deadline flags are computed from, except the time: kept with its inbox
/// lines, so that a list computes the flags at the time it is read without the dossier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deadlines {
    due_at: Option<DateTime<FixedOffset>>,
    /// Waiting for reception (the 8-working-hour deadline).
    at_reception: bool,
    /// Waiting for the applicant.
    clock_stopped: bool,
    stage_due_at: Option<DateTime<FixedOffset>>,
    /// The appointment the apology (Form 04) would be for: none made yet, still open.
    apology_for: Option<DateTime<FixedOffset>>,
}

impl Deadlines {
    pub fn of(d: &Dossier) -> Deadlines {
        Deadlines {
            due_at: Flags::due_at(d),
            at_reception: d.status == Status::Submitted,
            clock_stopped: d.waiting.is_some(),
            stage_due_at: d.stage.as_ref().map(|st| st.due_at),
            apology_for: d.appointment.filter(|_| d.apology.is_none() && d.status.is_open()),
        }
    }

    /// The flags at `now`.
    pub fn flags(&self, cal: &Calendar, now: DateTime<FixedOffset>) -> Flags {
        let (overdue, due_soon) =
            self.due_at.map_or((false, false), |due| Flags::due_state(self.at_reception, due, cal, now));
        let apology_deadline = self.apology_for.map(|a| cal.add_working_minutes(a, -working_day(cal)));
        Flags {
            due_at: self.due_at,
            overdue,
            due_soon,
            due_state: if overdue { Some(DueState::Overdue) } else { due_soon.then_some(DueState::Soon) },
            clock_stopped: self.clock_stopped,
            stage_overdue: self.stage_due_at.is_some_and(|due| !self.clock_stopped && now > due),
            apology_deadline,
            apology_possible: apology_deadline.is_some_and(|by| now <= by),
        }
    }
}

/// A dossier as its owner or entitled staff see it (also what an idempotent retry replays).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DossierView {
    #[serde(flatten)]
    pub dossier: Dossier,
    pub status_label: String,
    pub national_status: Option<u8>,
    pub channel_code: u8,
    /// Deadline flags, for staff taking part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<Flags>,
    /// What the caller may do now.
    pub allowed_actions: Vec<AllowedAction>,
    /// The forms the dossier has now, numbered as its regime numbers them (R2).
    pub forms: Vec<FormLink>,
    /// Whether it will likely miss its appointment, for staff taking part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<crate::risk::Risk>,
    /// The form fields still holding what a national registry gave (G5): the pages mark them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub registry_fields: Vec<String>,
}

/// A printable form of a dossier (`GET /api/v1/dossiers/{id}/forms/{number}`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FormLink {
    pub number: String,
    /// "Mẫu 04 — Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết".
    pub title: String,
    /// Addressed to the applicant (the control slip is the agency's).
    pub for_applicant: bool,
}

/// Whether form `kind` (one of the dossier's regime) exists for the dossier yet.
pub fn form_available(kind: FormKind, d: &Dossier) -> bool {
    match kind {
        FormKind::Receipt | FormKind::ControlSlip => d.code.is_some(),
        FormKind::SupplementRequest => !d.supplements.is_empty(),
        FormKind::Refusal => d.status == Status::Refused,
        FormKind::Apology => d.apology.is_some() || !d.extensions.is_empty(),
        FormKind::StopNotice => d.stop.is_some(),
        FormKind::Register => false,
    }
}

impl FormLink {
    /// The forms `d` has now.
    pub fn all(d: &Dossier) -> Vec<FormLink> {
        d.regime
            .forms()
            .iter()
            .filter(|k| form_available(**k, d))
            .map(|k| {
                let number = d.regime.form_number(*k).unwrap_or_default();
                let title = k.title(d.regime);
                let mut chars = title.chars();
                let first = chars.next().map(String::from).unwrap_or_default();
                let title = format!("Mẫu {number} — {first}{}", chars.as_str().to_lowercase());
                FormLink { number, title, for_applicant: *k != FormKind::ControlSlip }
            })
            .collect()
    }
}

impl DossierView {
    /// The view of `d` for `caller`, who is its owner or staff taking part. The applicant sees
    /// the steps that concern them (M7, S1); internal work (assignment, consultations,
    /// rework) is for staff.
    pub fn for_caller(mut d: Dossier, ctx: &Context) -> DossierView {
        let staff = participates(ctx.caller, &d);
        let allowed_actions = allowed_actions(&d, ctx);
        let flags = staff.then(|| Flags::of(&d, ctx.calendar, ctx.now));
        if !staff {
            d.history.retain(|st| st.action.concerns_applicant());
            d.consultations.clear();
        }
        DossierView {
            risk: None,
            registry_fields: d.registry_use.as_ref().map(|r| r.reused_fields(&d.form)).unwrap_or_default(),
            forms: FormLink::all(&d),
            status_label: d.status.label().into(),
            national_status: d.status.national_code(),
            channel_code: d.channel.national_code(),
            flags,
            allowed_actions,
            dossier: d,
        }
    }
}

/// One line of a list of dossiers.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Summary {
    pub id: String,
    pub code: Option<DossierCode>,
    pub procedure_code: ProcedureCode,
    pub procedure_name: String,
    pub agency_name: String,
    pub applicant_name: String,
    pub status: Status,
    #[schema(value_type = String)]
    pub status_label: std::borrow::Cow<'static, str>,
    pub national_status: Option<u8>,
    pub channel: Channel,
    pub created_at: DateTime<FixedOffset>,
    pub submitted_at: Option<DateTime<FixedOffset>>,
    pub received_at: Option<DateTime<FixedOffset>>,
    pub appointment: Option<DateTime<FixedOffset>>,
    pub version: u64,
    /// Deadline flags, in staff's lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<Flags>,
}

impl Summary {
    pub fn of(d: &Dossier) -> Summary {
        Summary {
            id: d.id.clone(),
            code: d.code.clone(),
            procedure_code: d.procedure_code.clone(),
            procedure_name: d.procedure_name.clone(),
            agency_name: d.agency_name.clone(),
            applicant_name: d.applicant.full_name.clone(),
            status: d.status,
            status_label: d.status.label().into(),
            national_status: d.status.national_code(),
            channel: d.channel,
            created_at: d.created_at,
            submitted_at: d.submitted_at,
            received_at: d.received_at,
            appointment: d.appointment,
            version: d.version,
            flags: None,
        }
    }

    /// The summary with its deadline flags, for staff.
    pub fn with_flags(d: &Dossier, cal: &Calendar, now: DateTime<FixedOffset>) -> Summary {
        Summary { flags: Some(Flags::of(d, cal, now)), ..Summary::of(d) }
    }
}

/// One line of an officer's inbox: the summary with its flags, stage and assignee.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InboxRow {
    #[serde(flatten)]
    pub summary: Summary,
    pub stage: Option<Stage>,
    pub assignee: Option<Person>,
    /// Whether it will likely miss its appointment (open dossiers with the clock running).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<crate::risk::Risk>,
}

/// An inbox line as the inbox index keeps it: the line without what depends on the time it is
/// read (flags, prediction), and what those are computed from (issue 14: a page of an inbox
/// reads its entries, no dossier).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListedRow {
    row: InboxRow,
    deadlines: Deadlines,
    pace: Option<crate::risk::Pace>,
}

impl ListedRow {
    pub fn of(d: &Dossier, pace: Option<crate::risk::Pace>) -> ListedRow {
        let row =
            InboxRow { summary: Summary::of(d), stage: d.stage.clone(), assignee: d.assignee.clone(), risk: None };
        ListedRow { row, deadlines: Deadlines::of(d), pace }
    }

    /// The line as read at `now`.
    pub fn at(self, cal: &Calendar, now: DateTime<FixedOffset>) -> InboxRow {
        let flags = Some(self.deadlines.flags(cal, now));
        InboxRow {
            summary: Summary { flags, ..self.row.summary },
            risk: self.pace.map(|p| p.predict(cal, now)),
            ..self.row
        }
    }
}

/// One step of the public progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProgressStep {
    pub label: String,
    pub at: DateTime<FixedOffset>,
    pub status: Status,
    pub status_label: String,
    pub national_status: Option<u8>,
    pub unit: Option<AgencyCode>,
}

/// The public view behind a dossier code (S1, P17): status and progress, no personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublicView {
    pub code: Option<DossierCode>,
    pub procedure_code: ProcedureCode,
    pub procedure_name: String,
    pub agency: AgencyCode,
    pub agency_name: String,
    pub status: Status,
    pub status_label: String,
    pub national_status: Option<u8>,
    pub received_at: Option<DateTime<FixedOffset>>,
    pub appointment: Option<DateTime<FixedOffset>>,
    pub finished_at: Option<DateTime<FixedOffset>>,
    pub returned_at: Option<DateTime<FixedOffset>>,
    pub result_available: bool,
    /// Who signed the electronic result, and whether the signature holds (P16).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_signature: Option<crate::dossier::DocumentSignature>,
    pub progress: Vec<ProgressStep>,
}

impl PublicView {
    pub fn of(d: &Dossier) -> PublicView {
        PublicView {
            code: d.code.clone(),
            procedure_code: d.procedure_code.clone(),
            procedure_name: d.procedure_name.clone(),
            agency: d.agency.clone(),
            agency_name: d.agency_name.clone(),
            status: d.status,
            status_label: d.status.label().into(),
            national_status: d.status.national_code(),
            received_at: d.received_at,
            appointment: d.appointment,
            finished_at: d.finished_at,
            returned_at: d.returned_at,
            result_available: d.result.is_some(),
            result_signature: d.result.as_ref().and_then(|r| r.signature.clone()),
            progress: d
                .history
                .iter()
                .filter(|st| st.action.concerns_applicant())
                .map(|st| ProgressStep {
                    label: st.label.clone(),
                    at: st.at,
                    status: st.to,
                    status_label: st.to.label().into(),
                    national_status: st.national_status,
                    unit: st.unit.clone(),
                })
                .collect(),
        }
    }
}

/// A status with its names: for applicants and the public (the national list), and for
/// officers' lists (what the dossier waits for).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatusInfo {
    pub status: Status,
    pub label: &'static str,
    pub queue_label: &'static str,
    pub national_status: Option<u8>,
}

impl StatusInfo {
    /// Every status, in lifecycle order.
    pub fn all() -> Vec<StatusInfo> {
        Status::ALL
            .into_iter()
            .map(|status| StatusInfo {
                status,
                label: status.label(),
                queue_label: status.queue_label(),
                national_status: status.national_code(),
            })
            .collect()
    }
}

/// Staff of an agency taking part in the dossier (its own, an inter-agency part, a consulted
/// agency).
pub fn participates(caller: &Caller, d: &Dossier) -> bool {
    caller.role.is_agency_staff() && caller.agency.as_deref().is_some_and(|a| d.involves(a))
}
