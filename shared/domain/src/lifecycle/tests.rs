//! Unit tests of the lifecycle: each command's effects, its refusals (table-driven), the
//! official-receipt rule, the clock stop to the second, and a property test over random
//! lifecycles (report figures never negative and balanced; appointments never earlier after
//! a clock stop).

use super::*;
use crate::calendar::{vn_offset, CalendarConfig, StatutoryTime};
use crate::catalogue::Procedure;
use crate::dossier::{Action, AttachedFile, Channel, ReturnMethod, Status, SupplementItem};
use crate::profile::Profile;
use crate::report::{self, DayBucket, ReportRow};
use crate::roles::Role;
use crate::workflow::{InterAgencyPart, Workflow};
use chrono::{DateTime, FixedOffset, TimeDelta, TimeZone};
use serde_json::{json, Map};

const AGENCY: &str = "000.17.22.H56";
const OTHER: &str = "000.00.01.H56";

fn vn(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<FixedOffset> {
    vn_offset().with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn cal() -> Calendar {
    Calendar::new(CalendarConfig::default())
}

fn caller(id: &str, role: Role, agency: Option<&str>) -> Caller {
    Caller { id: id.into(), role, agency: agency.map(Into::into), name: format!("Người {id}"), vneid_level: None }
}

fn citizen() -> Caller {
    caller("cd", Role::Citizen, None)
}
fn reception() -> Caller {
    caller("tn", Role::ReceivingOfficer, Some(AGENCY))
}
fn specialist() -> Caller {
    caller("cv", Role::Specialist, Some(AGENCY))
}
fn leader() -> Caller {
    caller("ld", Role::Leader, Some(AGENCY))
}
fn other_agency() -> Caller {
    caller("cq", Role::Specialist, Some(OTHER))
}

fn procedure(workflow: Option<Workflow>) -> Procedure {
    let mut p: Procedure = serde_json::from_value(json!({
        "code": "1.000001", "name": "Thủ tục thử", "field": "F", "agency": AGENCY, "level": "full",
        "audience": ["citizen"], "statutory_time": {"unit": "working_days", "value": 5}, "fees": [],
        "components": [{"id": "to-khai", "name": "Tờ khai", "copy_kind": "original", "count": 1,
            "required": true, "accepted_types": ["application/pdf"], "max_size_mb": 10}],
        "result": {"name": "Kết quả", "kind": "both"},
        "form": [{"name": "full_name", "label": "Họ tên", "kind": "text", "required": true}],
        "steps": [], "legal_basis": []
    }))
    .unwrap();
    p.workflow = workflow;
    p
}

fn file(component: &str, at: DateTime<FixedOffset>) -> AttachedFile {
    AttachedFile {
        file_id: format!("f-{component}"),
        component: component.into(),
        filename: "a.pdf".into(),
        content_type: "application/pdf".into(),
        size: 10,
        sha256: "00".into(),
        object_key: format!("dossiers/x/{component}"),
        uploaded_at: at,
        digitised: false,
        signature: None,
    }
}

/// A complete draft of `procedure`, owned by the citizen.
fn draft(p: &Procedure, at: DateTime<FixedOffset>) -> Dossier {
    let mut form = Map::new();
    form.insert("full_name".into(), json!("Nguyễn Văn A"));
    let applicant = Profile { full_name: "Nguyễn Văn A".into(), ..Default::default() };
    let mut d = Dossier::draft("d1".into(), p, "UBND phường".into(), "cd".into(), applicant, Channel::Online, form, at);
    d.components.push(file("to-khai", at));
    d
}

/// Runs a command; panics on a refusal.
fn run(d: &Dossier, who: &Caller, now: DateTime<FixedOffset>, command: Command) -> Outcome {
    let c = cal();
    let action = command.action();
    decide(d, command, &Context { caller: who, calendar: &c, now })
        .unwrap_or_else(|e| panic!("{action:?} by {:?} refused: {e}", who.role))
}

fn refusal(d: &Dossier, who: &Caller, now: DateTime<FixedOffset>, command: Command) -> Refusal {
    let c = cal();
    decide(d, command, &Context { caller: who, calendar: &c, now }).expect_err("refused")
}

fn submit(p: &Procedure) -> Command {
    Command::Submit { procedure: Box::new(p.clone()), receipt_secret: "ABCDEFGH".into(), regime: Default::default() }
}

fn accept() -> Command {
    Command::Accept { code: "H56.22-260302-0001".into(), register_number: 1, parts: vec![], note: None }
}

fn finish(at: DateTime<FixedOffset>) -> Command {
    Command::Finish { result: Some(file("result", at)), note: None }
}

fn ret(method: ReturnMethod) -> Command {
    Command::ReturnResult { method: Some(method), tracking_number: None, address: None, note: None }
}

fn note(text: &str) -> Option<String> {
    Some(text.into())
}

/// A dossier submitted Monday 02/03/2026 09:00 and accepted at 09:30.
fn accepted(p: &Procedure) -> Dossier {
    let d = draft(p, vn(2026, 3, 2, 8, 0));
    let d = run(&d, &citizen(), vn(2026, 3, 2, 9, 0), submit(p)).dossier;
    run(&d, &reception(), vn(2026, 3, 2, 9, 30), accept()).dossier
}

#[test]
fn the_happy_path_records_each_step_with_its_stage_and_report_counters() {
    let p = procedure(None);
    let d = draft(&p, vn(2026, 3, 2, 8, 0));
    let submitted = run(&d, &citizen(), vn(2026, 3, 2, 9, 0), submit(&p));
    assert_eq!(submitted.dossier.status, Status::Submitted);
    assert_eq!(submitted.dossier.received_at, Some(vn(2026, 3, 2, 9, 0)));
    assert_eq!(submitted.dossier.reception_due, Some(vn(2026, 3, 3, 9, 0)));
    assert_eq!(submitted.dossier.stage.as_ref().unwrap().role, Role::ReceivingOfficer);
    assert_eq!(submitted.notice.as_ref().unwrap().kind, "dossier.submit");
    assert!(submitted.deltas.is_empty());

    let acc = run(&submitted.dossier, &reception(), vn(2026, 3, 2, 9, 30), accept());
    let d = &acc.dossier;
    assert_eq!(d.status, Status::Accepted);
    assert_eq!(d.appointment, Some(vn(2026, 3, 9, 9, 0)), "5 working days from the receipt");
    assert_eq!(d.code.as_deref(), Some("H56.22-260302-0001"));
    assert_eq!(d.history.last().unwrap().handover.as_ref().unwrap().used_minutes, 30);
    assert_eq!(d.stage.as_ref().unwrap().role, Role::Specialist);
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
    assert_eq!(acc.deltas, vec![(day(2), report::metric::RECEIVED_ONLINE, 1), (day(9), report::metric::DUE, 1)]);

    let fin = run(d, &specialist(), vn(2026, 3, 5, 10, 0), finish(vn(2026, 3, 5, 10, 0)));
    assert_eq!(fin.dossier.status, Status::Finished);
    assert_eq!(fin.dossier.finished_at, Some(vn(2026, 3, 5, 10, 0)));
    use crate::index766::metric as i766;
    assert_eq!(
        fin.deltas,
        vec![
            (day(5), report::metric::FINISHED_EARLY, 1),
            (day(9), report::metric::DUE_MET, 1),
            (day(5), i766::ENDED, 1),
            (day(5), i766::ON_TIME, 1),
            (day(5), i766::ONLINE, 1),
            (day(5), i766::DIGITISED, 1),
            (day(5), i766::FULL_ONLINE, 1),
        ],
        "finished early; evaluated once for the 766 index: on time, online, digitised, fully online"
    );
    assert!(fin.evaluation.as_ref().is_some_and(|e| e.on_time && !e.reused));
    let returned = run(&fin.dossier, &reception(), vn(2026, 3, 5, 14, 0), ret(ReturnMethod::Counter));
    assert_eq!(returned.dossier.status, Status::Returned);
    assert!(returned.dossier.stage.is_none());
    assert_eq!(returned.dossier.history.len(), 4);
    assert_eq!(returned.dossier.version, d.version + 2);
    assert!(returned.dossier.history.iter().all(|s| s.counted_from.is_none()));
    assert_eq!(returned.dossier.history[3].status_label, "Đã trả kết quả");
}

#[test]
fn refusals_are_typed_and_change_nothing() {
    let p = procedure(None);
    let approval = procedure(Some(Workflow::with_approval(StatutoryTime::WorkingDays(5))));
    let mut no_consult = Workflow::default_for(StatutoryTime::WorkingDays(5));
    no_consult.steps[1].can_consult = false;
    let no_consult = procedure(Some(no_consult));
    let t = vn(2026, 3, 2, 10, 0);
    let submitted = run(&draft(&p, t), &citizen(), t, submit(&p)).dossier;
    let acc = accepted(&p);
    let acc_approval = accepted(&approval);
    let acc_no_consult = run(&accepted(&no_consult), &reception(), t, Command::StartProcessing { note: None }).dossier;
    let processing = run(&acc, &reception(), t, Command::StartProcessing { note: None }).dossier;
    let consulted = run(
        &processing,
        &specialist(),
        t,
        Command::Consult {
            agency: AgencyRef { code: OTHER.into(), name: "Công an".into() },
            question: note("Ý kiến?"),
            working_days: Some(2),
            note: None,
        },
    )
    .dossier;
    let answer = || Command::AnswerConsultation { consultation: Some(1), answer: note("Đồng ý"), note: None };
    let answered = run(&consulted, &other_agency(), t, answer()).dossier;
    let apologised = run(
        &acc,
        &specialist(),
        t,
        Command::Apologise { reason: note("Chờ xác minh"), new_appointment: Some(vn(2026, 3, 12, 9, 0)) },
    )
    .dossier;
    let finished = run(&acc, &specialist(), t, finish(t)).dossier;
    let mut unfinished_without_file = finished.clone();
    unfinished_without_file.result = None;

    /// (what is tried, on which dossier, by whom, when, the command, the refusal's code)
    type Case<'a> = (&'a str, &'a Dossier, Caller, DateTime<FixedOffset>, Command, &'a str);
    let cases: Vec<Case> = vec![
        ("a citizen cannot accept", &submitted, citizen(), t, accept(), "action_not_allowed_for_role"),
        ("another agency does not see it", &submitted, other_agency(), t, accept(), "not_found"),
        (
            "a stranger citizen does not see it",
            &submitted,
            caller("x", Role::Citizen, None),
            t,
            Command::RequestWithdrawal { note: None },
            "not_found",
        ),
        ("no acceptance twice", &acc, reception(), t, accept(), "invalid_transition"),
        (
            "a refusal needs its reason",
            &submitted,
            reception(),
            t,
            Command::Refuse { reason: note("  ") },
            "validation_failed",
        ),
        (
            "notes are bounded",
            &acc,
            reception(),
            t,
            Command::StartProcessing { note: Some("x".repeat(2001)) },
            "note_too_long",
        ),
        (
            "only an active specialist of the agency",
            &acc,
            leader(),
            t,
            Command::Assign { specialist: None, note: None },
            "validation_failed",
        ),
        (
            "a supplement names its items",
            &acc,
            specialist(),
            t,
            Command::RequestSupplement { items: vec![], note: None },
            "validation_failed",
        ),
        (
            "a supplement within 3 working days",
            &acc,
            specialist(),
            vn(2026, 3, 6, 10, 0),
            Command::RequestSupplement {
                items: vec![SupplementItem { component: "to-khai".into(), reason: "mờ".into() }],
                note: None,
            },
            "supplement_too_late",
        ),
        (
            "consultations only where the workflow allows",
            &acc_no_consult,
            specialist(),
            t,
            Command::Consult {
                agency: AgencyRef { code: OTHER.into(), name: "Công an".into() },
                question: note("?"),
                working_days: Some(2),
                note: None,
            },
            "consultation_not_allowed",
        ),
        ("an agency that has answered no longer takes part", &answered, other_agency(), t, answer(), "not_found"),
        ("an unconsulted agency cannot answer", &processing, other_agency(), t, answer(), "not_found"),
        (
            "a payment has an amount",
            &acc,
            specialist(),
            t,
            Command::RequestPayment { amount_vnd: Some(0), note: None },
            "validation_failed",
        ),
        ("approval required by the workflow", &acc_approval, specialist(), t, finish(t), "approval_required"),
        (
            "no approval step, no submission for approval",
            &acc,
            specialist(),
            t,
            Command::SubmitForApproval { result: Some(file("result", t)), note: None },
            "approval_not_in_workflow",
        ),
        (
            "a finish carries the result",
            &acc,
            specialist(),
            t,
            Command::Finish { result: None, note: None },
            "result_required",
        ),
        (
            "one apology only",
            &apologised,
            specialist(),
            t,
            Command::Apologise { reason: note("lại"), new_appointment: Some(vn(2026, 3, 20, 9, 0)) },
            "appointment_already_reset",
        ),
        (
            "an apology one working day ahead",
            &acc,
            specialist(),
            vn(2026, 3, 6, 10, 0),
            Command::Apologise { reason: note("muộn"), new_appointment: Some(vn(2026, 3, 20, 9, 0)) },
            "apology_too_late",
        ),
        (
            "the new appointment is later",
            &acc,
            specialist(),
            t,
            Command::Apologise { reason: note("lý do"), new_appointment: Some(vn(2026, 3, 5, 9, 0)) },
            "validation_failed",
        ),
        (
            "online return needs an electronic result",
            &unfinished_without_file,
            reception(),
            t,
            ret(ReturnMethod::Online),
            "no_electronic_result",
        ),
        ("postal return needs an address", &finished, reception(), t, ret(ReturnMethod::Post), "validation_failed"),
        (
            "only a leader stops processing",
            &acc,
            specialist(),
            t,
            Command::StopProcessing { reason: note("dừng") },
            "action_not_allowed_for_role",
        ),
    ];
    for (name, d, who, now, command, code) in cases {
        let before = d.clone();
        let r = refusal(d, &who, now, command);
        assert_eq!(r.code(), code, "{name}: {r}");
        assert_eq!(*d, before, "{name}: the dossier is unchanged");
    }
}

#[test]
fn a_dossier_filed_outside_working_hours_counts_from_its_official_receipt() {
    let p = procedure(None);
    // Sunday 01/03/2026 20:08: received officially on Monday 02/03 at 07:00.
    let sunday = vn(2026, 3, 1, 20, 8);
    let monday = vn(2026, 3, 2, 7, 0);
    let d = run(&draft(&p, sunday), &citizen(), sunday, submit(&p)).dossier;
    assert_eq!(d.received_at, Some(monday));
    let evening = |m: i64| sunday + TimeDelta::minutes(m);
    let acc = run(&d, &reception(), evening(10), accept());
    let fin = run(&acc.dossier, &specialist(), evening(20), finish(evening(20)));
    let ret = run(&fin.dossier, &reception(), evening(30), ret(ReturnMethod::Counter));
    let d = &ret.dossier;
    // Recorded at the real time, counted from the official time.
    assert_eq!(d.history[1].at, evening(10));
    assert_eq!(d.history[1].counted_from, Some(monday));
    assert_eq!((d.accepted_at, d.finished_at, d.returned_at), (Some(monday), Some(monday), Some(monday)));
    assert!(d.finished_at >= d.received_at, "no result before the reception");
    // The report never goes negative: finished on the day it was received.
    let mut buckets = vec![];
    for deltas in [acc.deltas, fin.deltas, ret.deltas] {
        report::apply(&mut buckets, deltas);
    }
    let day = sunday.date_naive();
    let r = ReportRow::compute(&buckets, day, day, day);
    assert_eq!((r.received, r.finished, r.in_process, r.carried_over), (0, 0, 0, 0), "{r:?}");
    let r = ReportRow::compute(&buckets, monday.date_naive(), monday.date_naive(), monday.date_naive());
    assert_eq!((r.received, r.finished_on_time + r.finished_early, r.in_process), (1, 1, 0), "{r:?}");
}

#[test]
fn a_payment_wait_during_office_hours_never_moves_the_appointment_earlier() {
    let p = procedure(None);
    let d = accepted(&p);
    let appointment = d.appointment.unwrap();
    let asked = vn(2026, 3, 3, 10, 0) + TimeDelta::seconds(45);
    let paid = vn(2026, 3, 3, 10, 20) + TimeDelta::seconds(5);
    let waiting = run(&d, &specialist(), asked, Command::RequestPayment { amount_vnd: Some(50_000), note: None });
    assert_eq!(waiting.dossier.status, Status::PaymentRequested);
    let resumed = run(&waiting.dossier, &specialist(), paid, Command::ConfirmPayment { method: None, note: None });
    let new = resumed.dossier.appointment.unwrap();
    assert_eq!(new - appointment, paid - asked, "the 19 min 20 s of the wait, to the second");
    assert_eq!(resumed.dossier.status, Status::Processing);
}

#[test]
fn inter_agency_parts_open_at_acceptance_and_hold_the_result_until_done() {
    let mut w = Workflow::default_for(StatutoryTime::WorkingDays(5));
    w.parts.push(InterAgencyPart { agency: OTHER.into(), task: "Xác nhận cư trú".into(), working_days: 2 });
    let p = procedure(Some(w));
    let t = vn(2026, 3, 2, 9, 0);
    let d = run(&draft(&p, t), &citizen(), t, submit(&p)).dossier;
    let acc = run(
        &d,
        &reception(),
        t,
        Command::Accept {
            code: "C".into(),
            register_number: 7,
            parts: vec![PartToOpen {
                agency: AgencyRef { code: OTHER.into(), name: "Công an phường".into() },
                task: "Xác nhận cư trú".into(),
                working_days: 2,
            }],
            note: None,
        },
    );
    assert_eq!(acc.joined, vec![OTHER.to_string()]);
    assert_eq!(acc.dossier.parts[0].due_at, vn(2026, 3, 4, 9, 0));
    assert_eq!(refusal(&acc.dossier, &specialist(), t, finish(t)).code(), "parts_pending");
    let done = run(&acc.dossier, &other_agency(), t, Command::CompletePart { note: note("Đã xác nhận") }).dossier;
    assert_eq!(refusal(&done, &other_agency(), t, Command::CompletePart { note: None }).code(), "part_completed");
    assert_eq!(run(&done, &specialist(), t, finish(t)).dossier.status, Status::Finished);
}

#[test]
fn a_supplement_during_appraisal_stops_the_clock_then_restarts_it_from_zero() {
    let p = procedure(None);
    let d = accepted(&p);
    let items = vec![SupplementItem { component: "to-khai".into(), reason: "Thiếu chữ ký".into() }];
    let asked = run(&d, &specialist(), vn(2026, 3, 3, 10, 0), Command::RequestSupplement { items, note: None });
    assert!(asked.dossier.waiting.is_some());
    assert_eq!(asked.deltas.len(), 2, "the due counter waits after every period");
    let back = run(&asked.dossier, &citizen(), vn(2026, 3, 10, 8, 0), Command::ProvideSupplement { note: None });
    assert_eq!(back.dossier.status, Status::Processing);
    assert_eq!(back.dossier.appointment, Some(vn(2026, 3, 17, 8, 0)), "5 full working days again");
    assert!(back.dossier.waiting.is_none());
}

#[test]
fn allowed_actions_are_what_decide_accepts() {
    let p = procedure(Some(Workflow::with_approval(StatutoryTime::WorkingDays(5))));
    let d = accepted(&p);
    let c = cal();
    let now = vn(2026, 3, 3, 9, 0);
    let names = |who: &Caller| -> Vec<Action> {
        allowed_actions(&d, &Context { caller: who, calendar: &c, now }).into_iter().map(|a| a.action).collect()
    };
    let spec = names(&specialist());
    assert!(spec.contains(&Action::SubmitForApproval) && !spec.contains(&Action::Finish), "{spec:?}");
    assert!(names(&citizen()).contains(&Action::RequestWithdrawal));
    assert!(!names(&citizen()).contains(&Action::Accept));
    assert!(names(&other_agency()).is_empty());
    assert!(names(&leader()).contains(&Action::StopProcessing));
}

// ---------------------------------------------------------------- property test

mod property {
    use super::*;
    use proptest::prelude::*;

    /// One random move: which of the actions allowed now is taken, and how long after the
    /// previous one (often minutes, sometimes days, at any hour of the day or night).
    #[derive(Debug, Clone)]
    struct Move {
        pick: u8,
        minutes_later: u32,
        seconds: u8,
    }

    fn moves() -> impl Strategy<Value = Vec<Move>> {
        let gap = prop_oneof![3 => 0u32..90, 1 => 0u32..6000];
        proptest::collection::vec(
            (any::<u8>(), gap, 0u8..60).prop_map(|(pick, minutes_later, seconds)| Move {
                pick,
                minutes_later,
                seconds,
            }),
            1..30,
        )
    }

    fn command(action: Action, d: &Dossier, p: &Procedure, at: DateTime<FixedOffset>) -> Command {
        let items = vec![SupplementItem { component: "to-khai".into(), reason: "Bổ sung".into() }];
        match action {
            Action::Submit => submit(p),
            Action::Accept => Command::Accept { code: "C".into(), register_number: 1, parts: vec![], note: None },
            Action::StartProcessing => Command::StartProcessing { note: None },
            Action::RequestSupplement => Command::RequestSupplement { items, note: None },
            Action::ProvideSupplement => Command::ProvideSupplement { note: None },
            Action::RequestPayment => Command::RequestPayment { amount_vnd: Some(10_000), note: None },
            Action::ConfirmPayment => Command::ConfirmPayment { method: None, note: None },
            Action::Finish => finish(at),
            Action::SubmitForApproval => Command::SubmitForApproval { result: Some(file("result", at)), note: None },
            Action::Approve => Command::Approve { note: None },
            Action::Rework => Command::Rework { reason: note("Sửa lại") },
            Action::ReturnResult => ret(ReturnMethod::Counter),
            Action::RequestWithdrawal => Command::RequestWithdrawal { note: None },
            Action::ConfirmWithdrawal => Command::ConfirmWithdrawal { note: None },
            Action::StopProcessing => Command::StopProcessing { reason: note("Dừng") },
            Action::Refuse => Command::Refuse { reason: note("Không đủ điều kiện") },
            Action::Apologise => Command::Apologise {
                reason: note("Chậm"),
                new_appointment: d.appointment.map(|a| a + TimeDelta::days(7)),
            },
            _ => Command::Assign {
                specialist: Some(StaffMember {
                    id: "cv".into(),
                    name: "Chuyên viên".into(),
                    role: Role::Specialist,
                    agency: Some(AGENCY.into()),
                    locked: false,
                }),
                note: None,
            },
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Whatever officers and applicants do, in whatever order and at whatever hour: every
        /// report figure stays ≥ 0 and balanced on every day, and a clock stop never brings
        /// the appointment earlier.
        #[test]
        fn random_lifecycles_keep_the_report_sound(moves in moves(), approval in any::<bool>()) {
            let p = procedure(approval.then(|| Workflow::with_approval(StatutoryTime::WorkingDays(3))));
            let start = vn(2026, 2, 27, 16, 30);
            let mut d = draft(&p, start);
            let mut now = start;
            let mut buckets: Vec<DayBucket> = vec![];
            let people = [citizen(), reception(), specialist(), leader()];
            let c = cal();
            for m in moves {
                now = now + TimeDelta::minutes(i64::from(m.minutes_later)) + TimeDelta::seconds(i64::from(m.seconds));
                let choices: Vec<(&Caller, Action)> = people
                    .iter()
                    .flat_map(|who| {
                        let ctx = Context { caller: who, calendar: &c, now };
                        allowed_actions(&d, &ctx).into_iter().map(move |a| (who, a.action))
                    })
                    .filter(|(_, a)| !matches!(a, Action::Consult | Action::AnswerConsultation | Action::CompletePart))
                    .collect();
                if choices.is_empty() {
                    continue;
                }
                let (who, action) = choices[usize::from(m.pick) % choices.len()];
                let cmd = command(action, &d, &p, now);
                let resumes = matches!(action, Action::ConfirmPayment | Action::ProvideSupplement);
                let before = d.appointment;
                let out = decide(&d, cmd, &Context { caller: who, calendar: &c, now });
                // An allowed action is refused only for its input (an apology date on a day off).
                let Ok(out) = out else { prop_assert_eq!(action, Action::Apologise); continue };
                if resumes && d.accepted_at.is_some() {
                    prop_assert!(out.dossier.appointment >= before, "{:?} → {:?}", before, out.dossier.appointment);
                }
                if let (Some(f), Some(r)) = (out.dossier.finished_at, out.dossier.received_at) {
                    prop_assert!(f >= r, "finished {f} before received {r}");
                }
                report::apply(&mut buckets, out.deltas);
                d = out.dossier;
            }
            let first = start.date_naive();
            for offset in 0..40 {
                let day = first + chrono::Days::new(offset);
                for (from, to) in [(day, day), (first, day)] {
                    let r = ReportRow::compute(&buckets, from, to, now.date_naive());
                    prop_assert!(r.is_balanced(), "{r:?}");
                    for (name, v) in [
                        ("carried_over", r.carried_over), ("received", r.received), ("finished", r.finished),
                        ("in_process", r.in_process), ("within", r.in_process_within_deadline),
                        ("overdue", r.in_process_overdue), ("early", r.finished_early),
                        ("on_time", r.finished_on_time), ("late", r.finished_late),
                    ] {
                        prop_assert!(v >= 0, "{name} = {v} on {from}..{to}: {r:?}");
                    }
                }
            }
        }
    }
}
