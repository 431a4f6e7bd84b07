//! [`decide`]: the rule of every command, from the dossier before to the dossier after.

use super::clock::{self, current_deadline, move_appointment, set_deadline};
use super::refusal::{bounded, required};
use super::stage::{self, close, enter, receiver_after, waits_for_applicant};
use super::{official_time, permitted, Command, Context, Notice, Outcome, Refusal, MAX_NOTE_CHARS};
use crate::calendar::{Deadline, StatutoryTime};
use crate::dossier::{
    Action, Apology, Consultation, Delivery, Dossier, ExtensionDecision, ExtensionRequest, Part, Payment, Person,
    ReturnMethod, Status, Step, StopRecord, SupplementRequest, Wait, WaitKind,
};
use crate::report::{self, Delta};
use crate::workflow::StepKind;
use chrono::{DateTime, FixedOffset};

/// Items of one supplement request (Form 02 lists each document to add).
const MAX_SUPPLEMENT_ITEMS: usize = 50;

/// The note of a step, trimmed: bounded in length, and required where it is the reason (a
/// refusal, a stop, a rework, an apology).
pub fn check_note(action: Action, note: Option<&str>) -> Result<Option<String>, Refusal> {
    let note = note.map(str::trim).filter(|n| !n.is_empty()).map(String::from);
    if note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(Refusal::Invalid {
            code: "note_too_long",
            message: format!("Ghi chú không được dài quá {MAX_NOTE_CHARS} ký tự."),
        });
    }
    if matches!(
        action,
        Action::Refuse | Action::StopProcessing | Action::Rework | Action::Apologise | Action::RefuseExtension
    ) && note.is_none()
    {
        return Err(Refusal::field("note", "required", "Vui lòng nêu rõ lý do."));
    }
    Ok(note)
}

/// Decides a command on a dossier: the new state, or why not. Pure: same inputs, same answer.
pub fn decide(before: &Dossier, command: Command, ctx: &Context) -> Result<Outcome, Refusal> {
    let action = command.action();
    let to = permitted(before, action, ctx)?;
    let note = check_note(action, command.note())?;
    let (cal, now, caller) = (ctx.calendar, ctx.now, ctx.caller);
    let mut d = before.clone();
    let workflow = d.workflow();
    let mut deltas = vec![];
    let mut joined = vec![];
    let mut handover = None;
    // The time the law counts from; the step itself is recorded at `now`.
    let mut t = official_time(&d, now);
    match command {
        Command::Submit { procedure, receipt_secret, regime } => {
            procedure.check_login(caller).map_err(|m| Refusal::rule("vneid_level_required", m))?;
            let mut errors = vec![];
            match crate::catalogue::validate_form(&procedure.form, &d.form, true) {
                Ok(form) => d.form = form,
                Err(mut e) => errors.append(&mut e),
            }
            errors.extend(d.missing_components(&procedure));
            if !errors.is_empty() {
                return Err(Refusal::Fields(errors));
            }
            d.submitted_at = Some(now);
            d.regime = regime;
            stage::receive(&mut d, cal, now);
            d.receipt_secret = Some(receipt_secret);
            t = now;
        }
        Command::ReceiveAtCounter { receipt_secret, .. } => {
            // A service centre that takes a boundary-free dossier sees it in its inbox (R5).
            joined.extend(d.reception_office.as_ref().map(|o| o.code.clone()));
            d.submitted_at = Some(now);
            stage::receive(&mut d, cal, now);
            d.receipt_secret = Some(receipt_secret);
            t = now;
        }
        Command::Accept { code, register_number, parts, .. } => {
            let received = d.received_at.unwrap_or(t);
            d.code = Some(code);
            d.register_number = Some(register_number);
            let deadline = cal.deadline(received, d.statutory_time);
            let due = deadline.due_at;
            set_deadline(&mut d, deadline);
            d.accepted_at = Some(t);
            d.received_by = Some(caller.person());
            deltas = report::on_received(d.channel, received.date_naive(), due.date_naive());
            // G4: every agency of an inter-agency procedure gets its part at once.
            for part in parts {
                d.parts.push(Part {
                    agency: part.agency.code.clone(),
                    agency_name: part.agency.name,
                    task: part.task,
                    lead: false,
                    due_at: cal.deadline(received, StatutoryTime::WorkingDays(part.working_days)).due_at,
                    completed_at: None,
                    completed_by: None,
                    note: None,
                });
                joined.push(part.agency.code);
            }
        }
        Command::Assign { specialist, .. } => {
            let user = specialist
                .filter(|u| u.role == crate::roles::Role::Specialist && u.agency.as_deref() == Some(d.agency.as_str()))
                .filter(|u| !u.locked)
                .ok_or_else(|| {
                    Refusal::field(
                        "assignee",
                        "unknown_assignee",
                        "Không tìm thấy chuyên viên đang hoạt động của cơ quan với tên đăng nhập này.",
                    )
                })?;
            d.assignee = Some(crate::dossier::Person { id: user.id, name: user.name });
        }
        Command::RequestSupplement { items, .. } => {
            if items.is_empty() || items.iter().any(|i| i.component.trim().is_empty() || i.reason.trim().is_empty()) {
                return Err(Refusal::field(
                    "items",
                    "required",
                    "Nêu đầy đủ, một lần các giấy tờ cần bổ sung và lý do (mỗi mục: thành phần, lý do).",
                ));
            }
            if items.len() > MAX_SUPPLEMENT_ITEMS {
                return Err(Refusal::field(
                    "items",
                    "too_many",
                    format!("Một yêu cầu bổ sung có tối đa {MAX_SUPPLEMENT_ITEMS} mục."),
                ));
            }
            for (i, item) in items.iter().enumerate() {
                bounded(&format!("items[{i}].component"), Some(&item.component), 200)?;
                bounded(&format!("items[{i}].reason"), Some(&item.reason), MAX_NOTE_CHARS)?;
            }
            let at_reception = d.status == Status::Submitted;
            d.supplements.push(SupplementRequest {
                number: d.supplements.len() as u32 + 1,
                items,
                note: note.clone(),
                requested_at: t,
                requested_by: caller.person(),
                at_reception,
                provided_at: None,
            });
            d.waiting = Some(Wait {
                kind: WaitKind::Supplement,
                since: t,
                resume_to: if at_reception { Status::Submitted } else { Status::Processing },
            });
            deltas = clock::stop(&d);
        }
        Command::ProvideSupplement { .. } => {
            if let Some(last) = d.supplements.last_mut() {
                last.provided_at = Some(t);
            }
            if to == Status::Submitted {
                // Back to reception: a new official receipt time.
                stage::receive(&mut d, cal, t);
            } else {
                // Rules §3: the clock restarts from zero once the dossier is complete. A later
                // appointment already announced (after an apology) is not brought forward.
                if let Some(original) = current_deadline(&d) {
                    let since = d.waiting.as_ref().map_or(t, |w| w.since);
                    let resumed = cal.resume(&original, d.statutory_time, since, t, true);
                    deltas = if resumed.due_at >= original.due_at {
                        move_appointment(&mut d, resumed, true)
                    } else {
                        clock::unpark(&d)
                    };
                }
                let receiver = receiver_after(&d, &workflow, to);
                handover = close(&mut d, receiver, cal, t);
                enter(&mut d, &workflow, Some(StepKind::Processing), cal, t);
            }
            d.waiting = None;
        }
        Command::Consult { agency, question, working_days, .. } => {
            let question = required("question", question.as_deref())?;
            let days = working_days.filter(|n| (1..=30).contains(n)).ok_or_else(|| {
                Refusal::field("working_days", "out_of_range", "Thời hạn trả lời từ 1 đến 30 ngày làm việc.")
            })?;
            d.consultations.push(Consultation {
                number: d.consultations.len() as u32 + 1,
                agency: agency.code.clone(),
                agency_name: agency.name,
                question,
                asked_at: t,
                asked_by: caller.person(),
                due_at: cal.deadline(t, StatutoryTime::WorkingDays(days)).due_at,
                answer: None,
                answered_at: None,
                answered_by: None,
            });
            joined.push(agency.code);
        }
        Command::AnswerConsultation { consultation, answer, .. } => {
            let answer = required("answer", answer.as_deref())?;
            let n = consultation.unwrap_or(0);
            let c = d
                .consultations
                .iter_mut()
                .find(|c| c.number == n && caller.agency.as_deref() == Some(c.agency.as_str()))
                .ok_or(Refusal::NotFound("yêu cầu xin ý kiến"))?;
            if c.answered_at.is_some() {
                return Err(Refusal::rule("already_answered", "Yêu cầu xin ý kiến này đã được trả lời."));
            }
            c.answer = Some(answer);
            c.answered_at = Some(t);
            c.answered_by = Some(caller.person());
        }
        Command::CompletePart { .. } => {
            let part = d.parts.iter_mut().find(|p| caller.agency.as_deref() == Some(p.agency.as_str()));
            let part = part.ok_or(Refusal::NotFound("phần việc liên thông"))?;
            part.completed_at = Some(t);
            part.completed_by = Some(caller.person());
            part.note = note.clone();
        }
        Command::RequestPayment { amount_vnd, .. } => {
            let amount = amount_vnd
                .filter(|a| *a > 0)
                .ok_or_else(|| Refusal::field("amount_vnd", "required", "Số tiền phải lớn hơn 0 đồng."))?;
            d.payment = Some(Payment {
                amount_vnd: amount,
                description: note.clone().unwrap_or_else(|| "Phí, lệ phí giải quyết thủ tục hành chính".into()),
                requested_at: t,
                confirmed_at: None,
                method: None,
            });
            d.waiting = Some(Wait { kind: WaitKind::Payment, since: t, resume_to: Status::Processing });
            deltas = clock::stop(&d);
        }
        Command::ConfirmPayment { method, .. } => {
            let since = d.waiting.as_ref().map_or(t, |w| w.since);
            if let Some(p) = d.payment.as_mut() {
                p.confirmed_at = Some(t);
                p.method = bounded("payment_method", method.as_deref(), 100)?.or_else(|| Some("Nộp trực tiếp".into()));
            }
            // The clock was stopped while waiting: the time left at the stop counts again, to
            // the second.
            if let Some(original) = current_deadline(&d) {
                let resumed = cal.resume(&original, d.statutory_time, since, t, false);
                deltas = move_appointment(&mut d, resumed, true);
            }
            if let Some(stage) = d.stage.as_mut() {
                let left = cal.working_seconds_between(since, stage.due_at);
                stage.paused_minutes += cal.working_minutes_between(since, t);
                stage.due_at = cal.add_working_seconds(cal.receipt_time(t), left);
            }
            d.waiting = None;
        }
        Command::SubmitForApproval { result, .. } | Command::Finish { result, .. } => {
            d.result = Some(result.ok_or_else(|| Refusal::Invalid {
                code: "result_required",
                message: "Cần đính kèm tệp kết quả.".into(),
            })?);
        }
        Command::Apologise { new_appointment, .. } => {
            let appointment = d.appointment.expect("permitted: an appointment exists");
            let new = new_appointment.ok_or_else(|| {
                Refusal::field("new_appointment", "required", "Vui lòng nhập ngày hẹn trả kết quả mới.")
            })?;
            let new_local = crate::vn_time(new.to_utc());
            if new_local <= appointment || !cal.is_working_day(new_local.date_naive()) {
                return Err(Refusal::field(
                    "new_appointment",
                    "invalid_date",
                    "Ngày hẹn mới phải là ngày làm việc, sau ngày hẹn cũ.",
                ));
            }
            let reason = note.clone().unwrap_or_default();
            if d.regime.extension_needs_approval() {
                d.extensions.push(ExtensionRequest {
                    number: d.extensions.len() as u32 + 1,
                    reason,
                    requested_at: t,
                    requested_by: caller.person(),
                    previous_appointment: appointment,
                    requested_appointment: new_local,
                    decision: None,
                });
            } else {
                let by = caller.person();
                deltas = reset_appointment(
                    &mut d,
                    Apology { reason, previous_appointment: appointment, new_appointment: new_local, at: t, by },
                );
            }
        }
        Command::ApproveExtension { .. } | Command::RefuseExtension { .. } => {
            let approved = action == Action::ApproveExtension;
            let by = caller.person();
            let request = d.extensions.last_mut().expect("permitted: a request is pending");
            request.decision = Some(ExtensionDecision { approved, at: t, by: by.clone(), note: note.clone() });
            if approved {
                let apology = Apology {
                    reason: request.reason.clone(),
                    previous_appointment: request.previous_appointment,
                    new_appointment: request.requested_appointment,
                    at: t,
                    by,
                };
                deltas = reset_appointment(&mut d, apology);
            }
        }
        Command::ReturnResult { method, tracking_number, address, .. } => {
            let method = method.unwrap_or(ReturnMethod::Counter);
            if method == ReturnMethod::Online && d.result.is_none() {
                return Err(Refusal::rule("no_electronic_result", "Hồ sơ không có kết quả điện tử để trả trực tuyến."));
            }
            let tracking_number = bounded("tracking_number", tracking_number.as_deref(), 50)?;
            let address = bounded("address", address.as_deref(), 300)?;
            let address = match method {
                ReturnMethod::Post => Some(address.or_else(|| d.applicant.address.clone()).ok_or_else(|| {
                    Refusal::field("address", "required", "Vui lòng nhập địa chỉ nhận kết quả qua bưu chính.")
                })?),
                _ => None,
            };
            d.delivery = Some(Delivery { method, tracking_number, address });
            d.returned_at = Some(t);
        }
        Command::ConfirmWithdrawal { .. } | Command::StopProcessing { .. } => {
            if d.waiting.is_some() {
                deltas = clock::unpark(&d);
            }
            d.stop = Some(stop_record(&d, action, note.clone(), t, caller.person()));
        }
        Command::Refuse { .. }
        | Command::StartProcessing { .. }
        | Command::Approve { .. }
        | Command::Rework { .. }
        | Command::RequestWithdrawal { .. } => {}
    }
    if matches!(action, Action::Finish | Action::Approve | Action::ConfirmWithdrawal | Action::StopProcessing) {
        d.finished_at = Some(t);
        if let (Some(appt), Some(timing)) = (d.appointment, d.timing()) {
            deltas.extend(report::on_finished(t.date_naive(), appt.date_naive(), timing));
        }
    }
    // A change of step closes the current stage (Form 05 row) and opens the next one; waits
    // for the applicant keep the stage, with its clock stopped. Submission opens the first.
    let changes_step = StepKind::of(d.status) != StepKind::of(to) || action == Action::Rework;
    let filing = matches!(action, Action::Submit | Action::ReceiveAtCounter);
    if !filing && handover.is_none() && changes_step && !waits_for_applicant(d.status) && !waits_for_applicant(to) {
        let receiver = receiver_after(&d, &workflow, to);
        handover = close(&mut d, receiver, cal, t);
        enter(&mut d, &workflow, StepKind::of(to), cal, t);
    }
    if matches!(to, Status::Refused | Status::Stopped | Status::Returned) {
        if handover.is_none() {
            handover = close(&mut d, "Người nộp hồ sơ".into(), cal, t);
        }
        d.stage = None;
    }
    // A stage that ended in the normal course feeds the history of step durations.
    let closed_step = handover
        .as_ref()
        .filter(|_| !matches!(to, Status::Refused | Status::Stopped))
        .and_then(|h| Some((h.step_id.clone()?, h.used_minutes)));
    d.history.push(Step {
        action,
        label: action.label().into(),
        from: d.status,
        to,
        national_status: to.national_code(),
        actor: caller.id.clone(),
        actor_name: caller.name.clone(),
        role: caller.role,
        unit: if caller.role.is_agency_staff() { caller.agency.clone() } else { None },
        at: now,
        counted_from: (t != now).then_some(t),
        status_label: to.label().into(),
        note,
        handover,
    });
    d.status = to;
    // The end of the handling (the first of finished, refused, stopped): evaluated once for
    // the Decision 766 index.
    let evaluation = matches!(to, Status::Finished | Status::Refused | Status::Stopped)
        .then(|| crate::index766::Evaluation::of(&d, t));
    if let Some(e) = &evaluation {
        deltas.extend(e.deltas());
    }
    let previous_version = d.touch(now);
    // Counter reception: the applicant holds the paper receipt (Form 01) in hand.
    let notice = (action.concerns_applicant() && action != Action::ReceiveAtCounter).then(|| Notice::of(&d, action));
    Ok(Outcome { dossier: d, previous_version, deltas, joined, notice, evaluation, closed_step })
}

/// Moves the appointment to the apology's new one (2019: at once; 2025: once approved) and keeps
/// the apology (Form 04); answers the report deltas of the move.
fn reset_appointment(d: &mut Dossier, apology: Apology) -> Vec<Delta> {
    let deadline = Deadline {
        explanation: format!(
            "Hẹn lại theo {} ngày {}: {}.",
            if d.regime.extension_needs_approval() {
                "văn bản xin lỗi và đề nghị gia hạn được phê duyệt"
            } else {
                "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
            },
            apology.at.format("%d/%m/%Y"),
            apology.new_appointment.format("%H:%M ngày %d/%m/%Y")
        ),
        due_at: apology.new_appointment,
        ..current_deadline(d).expect("an appointment exists")
    };
    let deltas = move_appointment(d, deadline, false);
    d.apology = Some(apology);
    deltas
}

/// What Form 05 of 2025 says of a stop: who asked, the stage reached, the decision, the fees
/// already paid.
fn stop_record(
    d: &Dossier,
    action: Action,
    reason: Option<String>,
    at: DateTime<FixedOffset>,
    by: Person,
) -> StopRecord {
    let withdrawal = d.history.iter().rev().find(|s| s.action == Action::RequestWithdrawal);
    let request = withdrawal.filter(|_| action == Action::ConfirmWithdrawal);
    StopRecord {
        at,
        decided_by: by,
        reason: reason
            .or_else(|| withdrawal.and_then(|s| s.note.clone()))
            .unwrap_or_else(|| "Theo yêu cầu rút hồ sơ của người nộp.".into()),
        requested_by_applicant: action == Action::ConfirmWithdrawal,
        requested_at: request.map(|s| s.at),
        stage: d.stage.as_ref().map_or_else(|| d.status.label().to_string(), |st| st.name.clone()),
        fees_paid_vnd: d.payment.as_ref().filter(|p| p.confirmed_at.is_some()).map_or(0, |p| p.amount_vnd),
    }
}
