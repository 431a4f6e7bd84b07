//! The one-stop workflow (M1, M2, M7, M8, G4): the effects of each officer action on a
//! dossier — workflow stages with their own deadlines, supplements that stop and restart the
//! clock, consultations, inter-agency parts, payment, approval, the single apology, return by
//! counter, post or online — and the officers' views: inboxes with due-soon and overdue flags,
//! counter and postal reception, workflow configuration, staff lists.

use crate::dossiers::{self, ActionInput, Change};
use crate::{catalogue, keys, users, Caller, CoreError, CoreResult, Services};
use chrono::{DateTime, FixedOffset};
use motcua_domain::calendar::{Calendar, Deadline, StatutoryTime};
use motcua_domain::catalogue::{validate_form, FieldError, Procedure};
use motcua_domain::dossier::{
    Action, Apology, Applicant, Channel, Consultation, Delivery, Dossier, Handover, Part, Payment, Person,
    ReturnMethod, Stage, Status, SupplementRequest, Wait, WaitKind,
};
use motcua_domain::report::{self, Delta};
use motcua_domain::roles::Role;
use motcua_domain::workflow::{StepKind, Workflow};
use motcua_ports::{Condition, Index, WriteOp};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// One working day, in working minutes (rules §5: 8 hours).
const WORKING_DAY: i64 = 8 * 60;
/// Supplement requests during appraisal go out within 3 working days of receipt (rules §3).
const SUPPLEMENT_WINDOW: i64 = 3 * WORKING_DAY;
/// Online dossiers are confirmed or sent back within 8 working hours (Decree 45/2020 Art. 11).
const RECEPTION_WINDOW: i64 = WORKING_DAY;
/// A dossier is flagged "due soon" this much working time before its appointment: early
/// enough to issue the apology at least one working day before (rules §3).
const DUE_SOON: i64 = 2 * WORKING_DAY;

fn person(caller: &Caller) -> Person {
    Person { id: caller.id.clone(), name: caller.name.clone() }
}

fn required(field: &str, value: &Option<String>) -> CoreResult<String> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v.to_string()),
        _ => Err(CoreError::field(field, "required", "Vui lòng nhập thông tin này.")),
    }
}

/// The deadline stored in the dossier, as the calendar computed it.
fn current_deadline(d: &Dossier) -> Option<Deadline> {
    Some(Deadline {
        received_at: d.received_at?,
        counting_from: d.received_at?,
        due_at: d.appointment?,
        skipped: vec![],
        explanation: d.appointment_explanation.clone().unwrap_or_default(),
        calendar_version: d.calendar_version.unwrap_or_default(),
    })
}

/// Records a deadline as the dossier's appointment; returns the appointment it replaces.
fn set_deadline(d: &mut Dossier, deadline: Deadline) -> Option<DateTime<FixedOffset>> {
    d.appointment_explanation = Some(deadline.explanation);
    d.calendar_version = Some(deadline.calendar_version);
    d.appointment.replace(deadline.due_at)
}

/// Moves the appointment; returns the report deltas (the due-day counters follow it, from
/// where they waited if the clock was stopped).
fn move_appointment(d: &mut Dossier, deadline: Deadline, clock_was_stopped: bool) -> Vec<Delta> {
    let due = deadline.due_at;
    let old = set_deadline(d, deadline);
    let from = if clock_was_stopped { Some(report::clock_stopped_day()) } else { old.map(|o| o.date_naive()) };
    match from {
        Some(from) if d.accepted_at.is_some() => report::on_appointment_moved(from, due.date_naive()),
        _ => vec![],
    }
}

/// The report deltas of stopping the clock: the due counter waits after every period.
fn stop_clock(d: &Dossier) -> Vec<Delta> {
    match (d.accepted_at, d.appointment) {
        (Some(_), Some(appt)) => report::on_appointment_moved(appt.date_naive(), report::clock_stopped_day()),
        _ => vec![],
    }
}

/// Records the official receipt at `now` (rules §3): the receipt time, the 8-working-hour
/// confirmation deadline of online dossiers (Decree 45/2020 Art. 11) and the reception step.
pub(crate) fn receive(d: &mut Dossier, cal: &Calendar, now: DateTime<FixedOffset>) {
    let received = cal.receipt_time(now);
    d.received_at = Some(received);
    d.reception_due = (d.channel == Channel::Online).then(|| cal.add_working_minutes(received, RECEPTION_WINDOW));
    let workflow = d.workflow();
    enter_stage(d, &workflow, Some(StepKind::Reception), cal, now);
}

/// Enters the workflow step of `kind` at `now` (no step: nobody has to act).
pub(crate) fn enter_stage(
    d: &mut Dossier,
    workflow: &Workflow,
    kind: Option<StepKind>,
    cal: &Calendar,
    now: DateTime<FixedOffset>,
) {
    d.stage = kind.and_then(|k| workflow.step(k)).map(|step| {
        let allowed = step.working_hours as i64 * 60;
        Stage {
            step_id: step.id.clone(),
            name: step.name.clone(),
            role: step.role,
            unit: step.unit.clone().unwrap_or_else(|| d.agency.clone()),
            entered_at: now,
            allowed_minutes: allowed,
            due_at: cal.add_working_minutes(cal.receipt_time(now), allowed),
            paused_minutes: 0,
        }
    });
}

/// Closes the current stage at `now`: the Form 05 row (time used vs. allowed).
fn close_stage(d: &mut Dossier, receiver: String, cal: &Calendar, now: DateTime<FixedOffset>) -> Option<Handover> {
    let stage = d.stage.take()?;
    let used = (cal.working_minutes_between(stage.entered_at, now) - stage.paused_minutes).max(0);
    Some(Handover {
        step: stage.name,
        receiver,
        allowed_minutes: stage.allowed_minutes,
        used_minutes: used,
        on_time: now <= stage.due_at,
    })
}

/// Who receives the dossier after a step: the next step's holder, or the applicant.
fn receiver_after(d: &Dossier, workflow: &Workflow, to: Status) -> String {
    if let (Status::Processing | Status::Accepted, Some(a)) = (to, &d.assignee) {
        return format!("Chuyên viên {}", a.name);
    }
    match StepKind::of(to).and_then(|k| workflow.step(k)) {
        Some(step) => format!("{} ({})", step.name, step.role.label()),
        None => "Người nộp hồ sơ".into(),
    }
}

fn waiting_status(s: Status) -> bool {
    matches!(s, Status::SupplementRequested | Status::PaymentRequested | Status::WithdrawalRequested)
}

/// The effects of an action beyond its status change, and the stage hand-over it causes.
pub(crate) struct Effects {
    pub deltas: Vec<Delta>,
    pub extra: Vec<WriteOp>,
    pub handover: Option<Handover>,
}

/// Checks the action's own rules and applies its effects to `d` (status not yet changed).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn apply(
    s: &Services,
    caller: &Caller,
    d: &mut Dossier,
    action: Action,
    to: Status,
    input: &ActionInput,
    note: &Option<String>,
    now: DateTime<FixedOffset>,
) -> CoreResult<Effects> {
    let cal = s.calendar();
    let workflow = d.workflow();
    let mut fx = Effects { deltas: vec![], extra: vec![], handover: None };
    match action {
        Action::Accept => {
            let received = d.received_at.unwrap_or(now);
            let day = received.date_naive();
            let seq = s.table.increment(&keys::sequence(&d.agency, &day.format("%y%m%d").to_string()), "n", 1).await?;
            d.code = Some(s.config.code_format.format(&d.agency, day, seq as u64));
            let year = received.format("%Y").to_string();
            d.register_number =
                Some(s.table.increment(&keys::sequence(&d.agency, &format!("REG{year}")), "n", 1).await? as u64);
            let deadline = cal.deadline(received, d.statutory_time);
            let due = deadline.due_at;
            set_deadline(d, deadline);
            d.accepted_at = Some(now);
            d.received_by = Some(person(caller));
            fx.deltas = report::on_received(d.channel, day, due.date_naive());
            // G4: every agency of an inter-agency procedure gets its part at once.
            for part in &workflow.parts {
                let agency = catalogue::agency(s, &part.agency).await?;
                d.parts.push(Part {
                    agency: agency.code.clone(),
                    agency_name: agency.name,
                    task: part.task.clone(),
                    lead: false,
                    due_at: cal.deadline(received, StatutoryTime::WorkingDays(part.working_days)).due_at,
                    completed_at: None,
                    completed_by: None,
                    note: None,
                });
                fx.extra.push(participation_op(&agency.code, d)?);
            }
        }
        Action::Assign => {
            let wanted = required("assignee", &input.assignee)?;
            let user = match users::user_by_login(s, &wanted).await {
                Ok(u) => u,
                Err(CoreError::NotFound(_)) => users::user(s, &wanted).await.map_err(|_| unknown_assignee())?,
                Err(e) => return Err(e),
            };
            if user.role != Role::Specialist || user.agency.as_deref() != Some(d.agency.as_str()) || user.locked {
                return Err(unknown_assignee());
            }
            if let Some(stage) = &d.stage {
                if d.assignee.is_some() && !workflow.step(StepKind::Processing).is_some_and(|s| s.can_hand_over) {
                    return Err(CoreError::rule(
                        "hand_over_not_allowed",
                        format!("Bước “{}” không cho phép chuyển giao hồ sơ.", stage.name),
                    ));
                }
            }
            d.assignee = Some(Person { id: user.id, name: user.profile.full_name });
        }
        Action::RequestSupplement => {
            if input.items.is_empty()
                || input.items.iter().any(|i| i.component.trim().is_empty() || i.reason.trim().is_empty())
            {
                return Err(CoreError::field(
                    "items",
                    "required",
                    "Nêu đầy đủ, một lần các giấy tờ cần bổ sung và lý do (mỗi mục: thành phần, lý do).",
                ));
            }
            let at_reception = d.status == Status::Submitted;
            if !at_reception {
                let since = d.received_at.unwrap_or(now);
                if cal.working_minutes_between(since, now) > SUPPLEMENT_WINDOW {
                    return Err(CoreError::rule(
                        "supplement_too_late",
                        "Đã quá 3 ngày làm việc kể từ khi tiếp nhận: không được yêu cầu bổ sung hồ sơ nữa (Nghị định 61/2018).",
                    ));
                }
            }
            d.supplements.push(SupplementRequest {
                number: d.supplements.len() as u32 + 1,
                items: input.items.clone(),
                note: note.clone(),
                requested_at: now,
                requested_by: person(caller),
                at_reception,
                provided_at: None,
            });
            d.waiting = Some(Wait {
                kind: WaitKind::Supplement,
                since: now,
                resume_to: if at_reception { Status::Submitted } else { Status::Processing },
            });
            fx.deltas = stop_clock(d);
        }
        Action::ProvideSupplement => {
            if caller.role == Role::ReceivingOfficer && d.channel == Channel::Online {
                return Err(CoreError::rule(
                    "applicant_supplements_online",
                    "Hồ sơ trực tuyến do người nộp tự bổ sung trên Cổng.",
                ));
            }
            if let Some(last) = d.supplements.last_mut() {
                last.provided_at = Some(now);
            }
            if to == Status::Submitted {
                // Back to reception: a new official receipt time.
                receive(d, &cal, now);
            } else {
                // Rules §3: the clock restarts from zero once the dossier is complete.
                if let Some(original) = current_deadline(d) {
                    let since = d.waiting.as_ref().map_or(now, |w| w.since);
                    fx.deltas = move_appointment(d, cal.resume(&original, d.statutory_time, since, now, true), true);
                }
                fx.handover = close_stage(d, receiver_after(d, &workflow, to), &cal, now);
                enter_stage(d, &workflow, Some(StepKind::Processing), &cal, now);
            }
            d.waiting = None;
        }
        Action::Consult => {
            if !workflow.step(StepKind::Processing).is_some_and(|s| s.can_consult) {
                return Err(CoreError::rule(
                    "consultation_not_allowed",
                    "Quy trình của thủ tục không có bước xin ý kiến.",
                ));
            }
            let agency = catalogue::agency(s, &required("agency", &input.agency)?).await?;
            let question = required("question", &input.question)?;
            let days = input.working_days.filter(|n| (1..=30).contains(n)).ok_or_else(|| {
                CoreError::field("working_days", "out_of_range", "Thời hạn trả lời từ 1 đến 30 ngày làm việc.")
            })?;
            d.consultations.push(Consultation {
                number: d.consultations.len() as u32 + 1,
                agency: agency.code.clone(),
                agency_name: agency.name,
                question,
                asked_at: now,
                asked_by: person(caller),
                due_at: cal.deadline(now, StatutoryTime::WorkingDays(days)).due_at,
                answer: None,
                answered_at: None,
                answered_by: None,
            });
            fx.extra.push(participation_op(&agency.code, d)?);
        }
        Action::AnswerConsultation => {
            let answer = required("answer", &input.answer)?;
            let n = input.consultation.unwrap_or(0);
            let c = d
                .consultations
                .iter_mut()
                .find(|c| c.number == n && caller.agency.as_deref() == Some(c.agency.as_str()))
                .ok_or_else(|| CoreError::not_found("yêu cầu xin ý kiến"))?;
            if c.answered_at.is_some() {
                return Err(CoreError::rule("already_answered", "Yêu cầu xin ý kiến này đã được trả lời."));
            }
            c.answer = Some(answer);
            c.answered_at = Some(now);
            c.answered_by = Some(person(caller));
        }
        Action::CompletePart => {
            let part = d
                .parts
                .iter_mut()
                .find(|p| caller.agency.as_deref() == Some(p.agency.as_str()))
                .ok_or_else(|| CoreError::not_found("phần việc liên thông"))?;
            if part.completed_at.is_some() {
                return Err(CoreError::rule("part_completed", "Cơ quan đã hoàn thành phần việc này."));
            }
            part.completed_at = Some(now);
            part.completed_by = Some(person(caller));
            part.note = note.clone();
        }
        Action::RequestPayment => {
            let amount = input
                .amount_vnd
                .filter(|a| *a > 0)
                .ok_or_else(|| CoreError::field("amount_vnd", "required", "Số tiền phải lớn hơn 0 đồng."))?;
            d.payment = Some(Payment {
                amount_vnd: amount,
                description: note.clone().unwrap_or_else(|| "Phí, lệ phí giải quyết thủ tục hành chính".into()),
                requested_at: now,
                confirmed_at: None,
                method: None,
            });
            d.waiting = Some(Wait { kind: WaitKind::Payment, since: now, resume_to: Status::Processing });
            fx.deltas = stop_clock(d);
        }
        Action::ConfirmPayment => {
            let since = d.waiting.as_ref().map_or(now, |w| w.since);
            if let Some(p) = d.payment.as_mut() {
                p.confirmed_at = Some(now);
                p.method = input.payment_method.clone().or_else(|| Some("Nộp trực tiếp".into()));
            }
            // The clock was stopped while waiting: the time left at the stop counts again.
            if let Some(original) = current_deadline(d) {
                fx.deltas = move_appointment(d, cal.resume(&original, d.statutory_time, since, now, false), true);
            }
            if let Some(stage) = d.stage.as_mut() {
                let left = cal.working_minutes_between(since, stage.due_at);
                stage.paused_minutes += cal.working_minutes_between(since, now);
                stage.due_at = cal.add_working_minutes(cal.receipt_time(now), left);
            }
            d.waiting = None;
        }
        Action::SubmitForApproval | Action::Finish => {
            if action == Action::Finish && caller.role == Role::Specialist && workflow.requires_approval() {
                return Err(CoreError::rule(
                    "approval_required",
                    "Quy trình của thủ tục yêu cầu trình lãnh đạo phê duyệt kết quả.",
                ));
            }
            if let Some(p) = d.parts.iter().find(|p| p.completed_at.is_none()) {
                return Err(CoreError::rule(
                    "parts_pending",
                    format!("Cơ quan phối hợp “{}” chưa hoàn thành phần việc: “{}”.", p.agency_name, p.task),
                ));
            }
        }
        Action::Apologise => {
            if d.apology.is_some() {
                return Err(CoreError::rule(
                    "appointment_already_reset",
                    "Ngày hẹn trả kết quả chỉ được điều chỉnh một lần.",
                ));
            }
            let appointment =
                d.appointment.ok_or_else(|| CoreError::rule("no_appointment", "Hồ sơ chưa có ngày hẹn."))?;
            if cal.working_minutes_between(now, appointment) < WORKING_DAY {
                return Err(CoreError::rule(
                    "apology_too_late",
                    "Phiếu xin lỗi phải gửi chậm nhất 01 ngày làm việc trước ngày hẹn trả kết quả.",
                ));
            }
            let new = input.new_appointment.ok_or_else(|| {
                CoreError::field("new_appointment", "required", "Vui lòng nhập ngày hẹn trả kết quả mới.")
            })?;
            let new_local = motcua_domain::vn_time(new.to_utc());
            if new_local <= appointment || !cal.is_working_day(new_local.date_naive()) {
                return Err(CoreError::field(
                    "new_appointment",
                    "invalid_date",
                    "Ngày hẹn mới phải là ngày làm việc, sau ngày hẹn cũ.",
                ));
            }
            let deadline = Deadline {
                explanation: format!(
                    "Hẹn lại theo Phiếu xin lỗi và hẹn lại ngày trả kết quả ngày {}: {}.",
                    now.format("%d/%m/%Y"),
                    new_local.format("%H:%M ngày %d/%m/%Y")
                ),
                due_at: new_local,
                ..current_deadline(d).expect("an appointment exists")
            };
            fx.deltas = move_appointment(d, deadline, false);
            d.apology = Some(Apology {
                reason: note.clone().unwrap_or_default(),
                previous_appointment: appointment,
                new_appointment: new_local,
                at: now,
                by: person(caller),
            });
        }
        Action::ReturnResult => {
            let method = input.return_method.unwrap_or(ReturnMethod::Counter);
            if method == ReturnMethod::Online && d.result.is_none() {
                return Err(CoreError::rule(
                    "no_electronic_result",
                    "Hồ sơ không có kết quả điện tử để trả trực tuyến.",
                ));
            }
            let address = match method {
                ReturnMethod::Post => {
                    Some(input.address.clone().or_else(|| d.applicant.address.clone()).ok_or_else(|| {
                        CoreError::field("address", "required", "Vui lòng nhập địa chỉ nhận kết quả qua bưu chính.")
                    })?)
                }
                _ => None,
            };
            d.delivery = Some(Delivery { method, tracking_number: input.tracking_number.clone(), address });
            d.returned_at = Some(now);
        }
        Action::ConfirmWithdrawal | Action::StopProcessing if d.waiting.is_some() => {
            // The due counter comes back from where it waited, to be met or missed.
            if let (Some(_), Some(appt)) = (d.accepted_at, d.appointment) {
                fx.deltas = report::on_appointment_moved(report::clock_stopped_day(), appt.date_naive());
            }
        }
        _ => {}
    }
    if matches!(action, Action::Finish | Action::Approve) {
        d.finished_at = Some(now);
    }
    // A change of step closes the current stage (Form 05 row) and opens the next one; waits
    // for the applicant keep the stage, with its clock stopped.
    let changes_step = StepKind::of(d.status) != StepKind::of(to) || action == Action::Rework;
    if fx.handover.is_none() && changes_step && !waiting_status(d.status) && !waiting_status(to) {
        fx.handover = close_stage(d, receiver_after(d, &workflow, to), &cal, now);
        enter_stage(d, &workflow, StepKind::of(to), &cal, now);
    }
    if matches!(to, Status::Refused | Status::Stopped | Status::Returned) {
        if fx.handover.is_none() {
            fx.handover = close_stage(d, "Người nộp hồ sơ".into(), &cal, now);
        }
        d.stage = None;
    }
    Ok(fx)
}

fn unknown_assignee() -> CoreError {
    CoreError::field(
        "assignee",
        "unknown_assignee",
        "Không tìm thấy chuyên viên đang hoạt động của cơ quan với tên đăng nhập này.",
    )
}

/// Pointer that puts a dossier in another agency's inbox (inter-agency part, consultation).
fn participation_op(agency: &str, d: &Dossier) -> CoreResult<WriteOp> {
    Ok(WriteOp::Put { item: keys::item(&keys::participation(agency, &d.id), &d.id, &[])?, condition: Condition::None })
}

/// Deadline flags of a dossier at `now` (M8).
pub fn flags(d: &Dossier, cal: &Calendar, now: DateTime<FixedOffset>) -> Value {
    let waiting = d.waiting.is_some();
    let (mut overdue, mut due_soon) = (false, false);
    let mut due_at = None;
    if d.status == Status::Submitted {
        due_at = d.reception_due;
    } else if d.status.is_open() && !waiting {
        due_at = d.appointment;
    }
    if let Some(due) = due_at {
        overdue = now > due;
        due_soon = !overdue
            && cal.working_minutes_between(now, due) <= if d.status == Status::Submitted { 2 * 60 } else { DUE_SOON };
    }
    let apology_by = d
        .appointment
        .filter(|_| d.apology.is_none() && d.status.is_open())
        .map(|a| cal.add_working_minutes(a, -WORKING_DAY));
    json!({
        "due_at": due_at, "overdue": overdue, "due_soon": due_soon, "clock_stopped": waiting,
        "stage_overdue": d.stage.as_ref().is_some_and(|st| !waiting && now > st.due_at),
        "apology_deadline": apology_by,
        "apology_possible": apology_by.is_some_and(|by| now <= by),
    })
}

/// Filters of an inbox (M8).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    pub status: Option<Status>,
    pub procedure: Option<String>,
    /// `soon` or `overdue`.
    pub due: Option<String>,
    /// Only the dossiers assigned to the caller.
    #[serde(default)]
    pub mine: bool,
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

/// Whether the dossier waits for the caller's role and unit.
fn in_inbox(d: &Dossier, caller: &Caller) -> bool {
    let agency = caller.agency.as_deref().unwrap_or_default();
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

/// The caller's inbox: dossiers waiting for their role and unit, most urgent first, with
/// counts by status and by deadline state.
pub async fn inbox(s: &Services, caller: &Caller, q: InboxQuery) -> CoreResult<Value> {
    let agency = match (caller.role, &caller.agency) {
        (Role::ReceivingOfficer | Role::Specialist | Role::Leader, Some(a)) => a.clone(),
        _ => return Err(CoreError::Forbidden("Chỉ cán bộ của cơ quan có hộp hồ sơ cần xử lý.".into())),
    };
    if q.due.as_deref().is_some_and(|d| d != "soon" && d != "overdue") {
        return Err(CoreError::invalid("invalid_filter", "Tham số due chỉ nhận “soon” hoặc “overdue”."));
    }
    let offset: usize = match &q.cursor {
        Some(c) => c.parse().map_err(|_| CoreError::invalid("invalid_cursor", "Tham số cursor không hợp lệ."))?,
        None => 0,
    };
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let mut all = keys::read_partition::<Dossier>(s.table.as_ref(), Index::Gsi2, format!("AGENCY#{agency}")).await?;
    for id in
        keys::read_partition::<String>(s.table.as_ref(), Index::Primary, keys::participation_partition(&agency)).await?
    {
        if let Ok(d) = dossiers::load(s, &id).await {
            all.push(d);
        }
    }
    let (cal, now) = (s.calendar(), s.now());
    let mut rows: Vec<(Dossier, Value)> = all
        .into_iter()
        .filter(|d| in_inbox(d, caller))
        .map(|d| {
            let f = flags(&d, &cal, now);
            (d, f)
        })
        .collect();
    let mut counts = Map::new();
    let count = |rows: &[(Dossier, Value)], flag: &str| rows.iter().filter(|(_, f)| f[flag] == true).count();
    counts.insert("total".into(), json!(rows.len()));
    counts.insert("due_soon".into(), json!(count(&rows, "due_soon")));
    counts.insert("overdue".into(), json!(count(&rows, "overdue")));
    let mut by_status = Map::new();
    for (d, _) in &rows {
        let n = by_status.get(d.status.as_str()).and_then(Value::as_u64).unwrap_or(0);
        by_status.insert(d.status.as_str().into(), json!(n + 1));
    }
    counts.insert("by_status".into(), Value::Object(by_status));
    rows.retain(|(d, f)| {
        q.status.is_none_or(|st| st == d.status)
            && q.procedure.as_ref().is_none_or(|p| p == &d.procedure_code)
            && (!q.mine || d.assignee.as_ref().is_some_and(|a| a.id == caller.id))
            && match q.due.as_deref() {
                Some("soon") => f["due_soon"] == true,
                Some("overdue") => f["overdue"] == true,
                _ => true,
            }
    });
    rows.sort_by_key(|(d, f)| {
        (f["overdue"] != true, f["due_at"].as_str().map(String::from).unwrap_or_else(|| "~".into()), d.id.clone())
    });
    let next = (offset + limit < rows.len()).then(|| (offset + limit).to_string());
    let items: Vec<Value> = rows
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|(d, f)| {
            let mut v = dossiers::summary(&d);
            v["flags"] = f;
            v["stage"] = json!(d.stage);
            v["assignee"] = json!(d.assignee);
            v
        })
        .collect();
    Ok(json!({"items": items, "next_cursor": next, "counts": counts}))
}

/// A paper dossier entered at the counter or received by post (M2, G8).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterDossier {
    pub procedure: String,
    pub channel: Channel,
    pub applicant: Applicant,
    #[serde(default)]
    pub form: Map<String, Value>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Records a paper dossier (channel 1 or 3) in status 1; the officer then scans its
/// components (uploads flagged as digitised) and accepts, asks for a supplement or refuses.
pub async fn receive_at_counter(s: &Services, caller: &Caller, req: CounterDossier) -> CoreResult<Value> {
    if caller.role != Role::ReceivingOfficer {
        return Err(CoreError::Forbidden("Chỉ cán bộ tiếp nhận được nhận hồ sơ giấy.".into()));
    }
    if req.channel == Channel::Online {
        return Err(CoreError::invalid(
            "invalid_channel",
            "Kênh nhận hồ sơ giấy là “in_person” (trực tiếp) hoặc “post” (bưu chính).",
        ));
    }
    let procedure = catalogue::procedure(s, &req.procedure).await?;
    if !caller.works_for(&procedure.agency) {
        return Err(CoreError::Forbidden("Thủ tục không thuộc thẩm quyền tiếp nhận của cơ quan.".into()));
    }
    let mut errors = vec![];
    if req.applicant.full_name.trim().is_empty() {
        errors.push(FieldError {
            field: "applicant.full_name".into(),
            code: "required",
            message: "Vui lòng nhập họ tên người nộp.".into(),
        });
    }
    let form = match validate_form(&procedure.form, &req.form, true) {
        Ok(f) => f,
        Err(mut e) => {
            errors.append(&mut e);
            Map::new()
        }
    };
    if !errors.is_empty() {
        return Err(CoreError::Validation(errors));
    }
    let now = s.now();
    let cal = s.calendar();
    let mut d = dossiers::new_dossier(
        s,
        &procedure,
        format!("counter:{}", procedure.agency),
        req.applicant,
        req.channel,
        form,
        now,
    )
    .await?;
    let to = Action::ReceiveAtCounter.apply(d.status, caller.role)?;
    d.submitted_at = Some(now);
    receive(&mut d, &cal, now);
    d.receipt_secret = Some(dossiers::new_secret());
    let note = req.note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    d.history.push(dossiers::step(&d, Action::ReceiveAtCounter, to, caller, now, note, None));
    d.status = to;
    dossiers::commit(s, Change::new(d, None), None).await
}

/// The workflow of a procedure's current version.
pub async fn workflow_of(s: &Services, code: &str) -> CoreResult<Value> {
    let p = catalogue::procedure(s, code).await?;
    Ok(json!({"procedure": p.code, "version": p.version, "configured": p.workflow.is_some(), "workflow": p.workflow()}))
}

/// Publishes a new version of the procedure with this workflow (system administrator, or the
/// administrator of the procedure's agency). Dossiers already filed keep their workflow.
pub async fn set_workflow(s: &Services, caller: &Caller, code: &str, workflow: Workflow) -> CoreResult<Value> {
    let p: Procedure = catalogue::procedure(s, code).await?;
    let allowed = caller.role == Role::SystemAdmin || (caller.role == Role::AgencyAdmin && caller.works_for(&p.agency));
    if !allowed {
        return Err(CoreError::Forbidden("Chỉ quản trị hệ thống hoặc quản trị của cơ quan được sửa quy trình.".into()));
    }
    workflow.validate(p.statutory_time, &p.agency).map_err(CoreError::Validation)?;
    for (i, part) in workflow.parts.iter().enumerate() {
        if catalogue::agency(s, &part.agency).await.is_err() {
            return Err(CoreError::field(
                format!("parts[{i}].agency"),
                "unknown_agency",
                "Không tìm thấy cơ quan phối hợp.",
            ));
        }
    }
    let published = catalogue::publish_procedure(s, Procedure { workflow: Some(workflow), ..p }).await?;
    workflow_of(s, &published.code).await
}
