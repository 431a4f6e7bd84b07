//! Dossiers (P2, P4, P12, S1, M2, M7): drafts, submission, the officer actions that close the
//! loop, the owner's and the agency's views, and the public lookup by code (P17).
//!
//! Every change is one transaction: the dossier (conditional on its version, so concurrent
//! writers cannot overwrite each other), its public lookup entry, the report aggregates, the
//! outbox event and the idempotency record all commit together or not at all.

use crate::events::{self, Event};
use crate::idempotency::IdempotencyKey;
use crate::{catalogue, keys, users, Caller, CoreError, CoreResult, Services};
use chrono::{DateTime, FixedOffset, NaiveDate};
use motcua_domain::catalogue::Procedure;
use motcua_domain::catalogue::{validate_form, FieldError};
use motcua_domain::dossier::{
    Action, Applicant, AttachedFile, Channel, Dossier, Handover, ReturnMethod, Status, Step, SupplementItem,
};
use motcua_domain::report::{self, Delta};
use motcua_domain::roles::Role;
use motcua_ports::{Condition, Index, Query, TableError, WriteOp};
use rand::Rng;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Request to create a draft.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDraft {
    pub procedure: String,
    #[serde(default)]
    pub form: Map<String, Value>,
}

/// What an action may carry; each action reads the fields it needs.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// A note for the timeline, or the reason of a refusal, a stop, a rework or an apology.
    #[serde(default)]
    pub note: Option<String>,
    /// Supplement request: the components to add or complete, each with its reason (Form 02).
    #[serde(default)]
    pub items: Vec<SupplementItem>,
    /// Assignment: login name (or id) of the specialist.
    #[serde(default)]
    pub assignee: Option<String>,
    /// Consultation: the agency asked, the question and its time in working days.
    #[serde(default)]
    pub agency: Option<String>,
    #[serde(default)]
    pub question: Option<String>,
    #[serde(default)]
    pub working_days: Option<u32>,
    /// Answer to a consultation: its number and the answer.
    #[serde(default)]
    pub consultation: Option<u32>,
    #[serde(default)]
    pub answer: Option<String>,
    /// Payment request: the amount in đồng (the note describes it).
    #[serde(default)]
    pub amount_vnd: Option<u64>,
    /// Payment confirmation: how it was paid.
    #[serde(default)]
    pub payment_method: Option<String>,
    /// Return: at the counter (default), by post or online, with the postal tracking number
    /// and the delivery address.
    #[serde(default)]
    pub return_method: Option<ReturnMethod>,
    #[serde(default)]
    pub tracking_number: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// Apology (Form 04): the new appointment (the note is the reason).
    #[serde(default)]
    pub new_appointment: Option<DateTime<FixedOffset>>,
}

pub(crate) fn cursor_error(e: TableError) -> CoreError {
    match e {
        TableError::Invalid(_) => CoreError::invalid("invalid_cursor", "Tham số cursor không hợp lệ."),
        e => e.into(),
    }
}

pub(crate) async fn load(s: &Services, id: &str) -> CoreResult<Dossier> {
    let item = s.table.get(&keys::dossier(id)).await?.ok_or_else(|| CoreError::not_found("hồ sơ"))?;
    Ok(keys::data(&item)?)
}

/// Whether the caller is staff of an agency taking part in the dossier (its own, an
/// inter-agency part, a consulted agency).
fn participates(caller: &Caller, d: &Dossier) -> bool {
    caller.role.is_agency_staff() && caller.agency.as_deref().is_some_and(|a| d.involves(a))
}

/// Who may see a dossier: its owner, and staff of the agencies taking part. Others get "not
/// found", so existence is not revealed.
pub(crate) fn ensure_visible(caller: &Caller, d: &Dossier) -> CoreResult<()> {
    if d.owner == caller.id || (d.status != Status::Draft && participates(caller, d)) {
        Ok(())
    } else {
        Err(CoreError::not_found("hồ sơ"))
    }
}

fn ensure_owner(caller: &Caller, d: &Dossier) -> CoreResult<()> {
    ensure_visible(caller, d)?;
    if d.owner != caller.id {
        return Err(CoreError::Forbidden("Chỉ chủ hồ sơ được thực hiện thao tác này.".into()));
    }
    Ok(())
}

fn check_if_match(d: &Dossier, if_match: Option<u64>) -> CoreResult<()> {
    match if_match {
        Some(v) if v != d.version => Err(CoreError::PreconditionFailed),
        _ => Ok(()),
    }
}

/// SHA-256 of an ID number with the deployment's pepper (kept for the lookup second factor).
fn id_hash(s: &Services, id_number: &str) -> String {
    hex::encode(Sha256::digest(format!("{}:{}", s.config.lookup_pepper, id_number.trim())))
}

fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.trim().to_uppercase()))
}

/// A receipt secret: 8 characters without look-alikes (no 0/O, 1/I).
pub(crate) fn new_secret() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..8).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// The dossier as shown to its owner and to entitled staff.
pub fn view(d: &Dossier) -> Value {
    let mut v = serde_json::to_value(d).unwrap_or(Value::Null);
    if let Some(steps) = v["history"].as_array_mut() {
        for (step, st) in steps.iter_mut().zip(&d.history) {
            step["status_label"] = json!(st.to.label());
        }
    }
    v["status_label"] = json!(d.status.label());
    v["national_status"] = json!(d.status.national_code());
    v["channel_code"] = json!(d.channel.national_code());
    v
}

/// The public view behind a dossier code: status and progress, no personal data.
fn public_view(d: &Dossier) -> Value {
    let progress: Vec<Value> = d
        .history
        .iter()
        .filter(|st| st.action.concerns_applicant())
        .map(|st| {
            json!({"label": st.label, "at": st.at, "status": st.to, "status_label": st.to.label(),
            "national_status": st.national_status, "unit": st.unit})
        })
        .collect();
    json!({
        "code": d.code, "procedure_code": d.procedure_code, "procedure_name": d.procedure_name,
        "agency": d.agency, "agency_name": d.agency_name, "status": d.status, "status_label": d.status.label(),
        "national_status": d.status.national_code(), "received_at": d.received_at, "appointment": d.appointment,
        "finished_at": d.finished_at, "returned_at": d.returned_at,
        "result_available": d.result.is_some(), "progress": progress,
    })
}

fn aggregate_ops(d: &Dossier, deltas: Vec<Delta>) -> Vec<WriteOp> {
    let a = &d.agency;
    let scopes = [
        "all".to_string(),
        format!("agency:{a}"),
        format!("agency:{a}|field:{}", d.field),
        format!("agency:{a}|procedure:{}", d.procedure_code),
        format!("field:{}", d.field),
        format!("procedure:{}", d.procedure_code),
    ];
    let mut by_day: BTreeMap<NaiveDate, Vec<(String, i64)>> = BTreeMap::new();
    for (day, metric, n) in deltas {
        by_day.entry(day).or_default().push((metric.to_string(), n));
    }
    let mut ops = Vec::new();
    for scope in &scopes {
        for (day, add) in &by_day {
            let mut set = Map::new();
            set.insert("day".into(), json!(day.format("%Y-%m-%d").to_string()));
            ops.push(WriteOp::Add { key: keys::aggregate(scope, *day), add: add.clone(), set });
        }
    }
    ops
}

/// One change of a dossier, committed atomically.
pub(crate) struct Change {
    pub dossier: Dossier,
    /// `None` for a new dossier.
    pub previous_version: Option<u64>,
    pub deltas: Vec<Delta>,
    pub event: Option<Event>,
    pub extra: Vec<WriteOp>,
}

impl Change {
    pub(crate) fn new(dossier: Dossier, previous_version: Option<u64>) -> Self {
        Change { dossier, previous_version, deltas: vec![], event: None, extra: vec![] }
    }
}

/// Commits a change; with an idempotency key, replays the first response on a retry.
pub(crate) async fn commit(s: &Services, change: Change, idem: Option<&IdempotencyKey>) -> CoreResult<Value> {
    let d = &change.dossier;
    let response = view(d);
    let mut extra = vec![
        ("version", json!(d.version)),
        ("gsi1pk", json!(format!("OWNER#{}", d.owner))),
        ("gsi1sk", json!(format!("{}#{}", d.created_at.to_rfc3339(), d.id))),
    ];
    if let Some(submitted) = d.submitted_at {
        extra.push(("gsi2pk", json!(format!("AGENCY#{}", d.agency))));
        extra.push(("gsi2sk", json!(format!("{}#{}", submitted.to_rfc3339(), d.id))));
    }
    let condition = match change.previous_version {
        Some(v) => Condition::AttrEquals("version".into(), json!(v)),
        None => Condition::NotExists,
    };
    let mut ops = vec![WriteOp::Put { item: keys::item(&keys::dossier(&d.id), d, &extra)?, condition }];
    if let Some(code) = &d.code {
        let mut hashes = vec![];
        if let Some(secret) = &d.receipt_secret {
            hashes.push(("secret_hash", json!(secret_hash(secret))));
        }
        if let Some(id) = &d.applicant.id_number {
            hashes.push(("id_hash", json!(id_hash(s, id))));
        }
        ops.push(WriteOp::Put {
            item: keys::item(&keys::lookup(code), &public_view(d), &hashes)?,
            condition: Condition::None,
        });
    }
    ops.extend(aggregate_ops(d, change.deltas));
    if let Some(e) = &change.event {
        ops.push(e.outbox_op()?);
    }
    ops.extend(change.extra);
    let idem_index = ops.len();
    if let Some(idem) = idem {
        ops.push(idem.record(&response)?);
    }
    match s.table.transact(ops).await {
        Ok(()) => {}
        Err(TableError::ConditionFailed { index: Some(i) }) if i == idem_index && idem.is_some() => {
            if let Some(first) = idem.expect("checked").replay(s).await? {
                return Ok(first);
            }
            return Err(CoreError::Conflict);
        }
        Err(TableError::ConditionFailed { .. }) | Err(TableError::Conflict) => return Err(CoreError::Conflict),
        Err(e) => return Err(e.into()),
    }
    if let Some(e) = change.event {
        events::publish(s, std::slice::from_ref(&e)).await;
    }
    Ok(response)
}

pub(crate) fn step(
    d: &Dossier,
    action: Action,
    to: Status,
    caller: &Caller,
    at: DateTime<FixedOffset>,
    note: Option<String>,
    handover: Option<Handover>,
) -> Step {
    Step {
        action,
        label: action.label().into(),
        from: d.status,
        to,
        national_status: to.national_code(),
        actor: caller.id.clone(),
        actor_name: caller.name.clone(),
        role: caller.role,
        unit: if caller.role.is_agency_staff() { caller.agency.clone() } else { None },
        at,
        note,
        handover,
    }
}

fn status_event(d: &Dossier, action: Action, at: DateTime<FixedOffset>) -> Event {
    let reference = d.code.clone().unwrap_or_else(|| d.procedure_name.clone());
    let mut message = format!("Hồ sơ {reference}: {}. Trạng thái: {}.", action.label(), d.status.label());
    let at_hm = |t: DateTime<FixedOffset>| t.format("%H:%M ngày %d/%m/%Y").to_string();
    match action {
        Action::Accept | Action::Apologise => {
            if let Some(appt) = d.appointment {
                message.push_str(&format!(" Hẹn trả kết quả: {}.", at_hm(appt)));
            }
            if let Some(a) = d.apology.as_ref().filter(|_| action == Action::Apologise) {
                message.push_str(&format!(" Lý do chậm: {}. Cơ quan thành thật xin lỗi.", a.reason));
            }
        }
        Action::RequestSupplement => {
            if let Some(r) = d.supplements.last() {
                let items: Vec<String> = r.items.iter().map(|i| format!("{} ({})", i.component, i.reason)).collect();
                message.push_str(&format!(" Cần bổ sung: {}.", items.join("; ")));
            }
        }
        Action::RequestPayment => {
            if let Some(p) = &d.payment {
                message.push_str(&format!(" Số tiền: {} đồng — {}.", p.amount_vnd, p.description));
            }
        }
        Action::Finish | Action::Approve => message.push_str(" Kết quả đã sẵn sàng để nhận."),
        _ => {}
    }
    Event::new(
        format!(
            "dossier.{}",
            serde_json::to_value(action).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
        ),
        &d.id,
        &d.owner,
        format!("Hồ sơ {reference}"),
        message,
        at,
    )
    .to_contact(d.applicant.email.clone(), d.applicant.phone.clone())
}

/// Creates a draft of a procedure for the caller, pre-filled from the profile (P1, P4).
pub async fn create_draft(
    s: &Services,
    caller: &Caller,
    req: NewDraft,
    idem: Option<&IdempotencyKey>,
) -> CoreResult<Value> {
    if !caller.role.is_applicant() {
        return Err(CoreError::Forbidden("Chỉ công dân, doanh nghiệp được tạo hồ sơ trực tuyến.".into()));
    }
    if let Some(idem) = idem {
        if let Some(first) = idem.replay(s).await? {
            return Ok(first);
        }
    }
    let procedure = catalogue::procedure(s, &req.procedure).await?;
    let profile = users::user(s, &caller.id).await?.profile;
    let mut form = profile.prefill(&procedure);
    form.extend(req.form);
    let form = validate_form(&procedure.form, &form, false).map_err(CoreError::Validation)?;
    let applicant = Applicant {
        full_name: profile.business_name.clone().filter(|_| caller.role == Role::Business).unwrap_or(profile.full_name),
        id_number: profile.id_number,
        phone: profile.phone,
        email: profile.email,
        address: profile.address,
        business_code: profile.business_code,
    };
    let dossier = new_dossier(s, &procedure, caller.id.clone(), applicant, Channel::Online, form, s.now()).await?;
    commit(s, Change::new(dossier, None), idem).await
}

/// A new dossier of the current version of `procedure`, in draft, with its workflow.
pub(crate) async fn new_dossier(
    s: &Services,
    procedure: &Procedure,
    owner: String,
    applicant: Applicant,
    channel: Channel,
    form: Map<String, Value>,
    now: DateTime<FixedOffset>,
) -> CoreResult<Dossier> {
    let agency = catalogue::agency(s, &procedure.agency).await?;
    Ok(Dossier {
        id: uuid::Uuid::now_v7().to_string(),
        code: None,
        procedure_code: procedure.code.clone(),
        procedure_version: procedure.version,
        procedure_name: procedure.name.clone(),
        agency: procedure.agency.clone(),
        agency_name: agency.name,
        field: procedure.field.clone(),
        statutory_time: procedure.statutory_time,
        workflow: Some(procedure.workflow()),
        owner,
        applicant,
        channel,
        status: Status::Draft,
        form,
        components: vec![],
        result: None,
        created_at: now,
        updated_at: now,
        submitted_at: None,
        received_at: None,
        accepted_at: None,
        appointment: None,
        appointment_explanation: None,
        calendar_version: None,
        finished_at: None,
        returned_at: None,
        history: vec![],
        receipt_secret: None,
        received_by: None,
        reception_due: None,
        register_number: None,
        stage: None,
        assignee: None,
        waiting: None,
        supplements: vec![],
        consultations: vec![],
        parts: vec![],
        payment: None,
        apology: None,
        delivery: None,
        version: 1,
    })
}

/// Replaces form values of a draft (partial: only the given fields change).
pub async fn update_draft(
    s: &Services,
    caller: &Caller,
    id: &str,
    form: Map<String, Value>,
    if_match: Option<u64>,
) -> CoreResult<Value> {
    let mut d = load(s, id).await?;
    ensure_owner(caller, &d)?;
    check_if_match(&d, if_match)?;
    if d.status != Status::Draft {
        return Err(CoreError::invalid("not_a_draft", "Chỉ sửa được hồ sơ nháp (chưa nộp)."));
    }
    let procedure = catalogue::procedure_version(s, &d.procedure_code, d.procedure_version).await?;
    let mut merged = d.form.clone();
    merged.extend(form);
    merged.retain(|_, v| !v.is_null());
    d.form = validate_form(&procedure.form, &merged, false).map_err(CoreError::Validation)?;
    let previous = d.touch(s.now());
    commit(s, Change::new(d, Some(previous)), None).await
}

/// Submits a draft online (P2, P4): complete form and required components are checked; the
/// official receipt time follows rules §3.
pub async fn submit(
    s: &Services,
    caller: &Caller,
    id: &str,
    idem: Option<&IdempotencyKey>,
    if_match: Option<u64>,
) -> CoreResult<Value> {
    if let Some(idem) = idem {
        if let Some(first) = idem.replay(s).await? {
            return Ok(first);
        }
    }
    let mut d = load(s, id).await?;
    ensure_owner(caller, &d)?;
    check_if_match(&d, if_match)?;
    let to = Action::Submit.apply(d.status, caller.role)?;
    let procedure = catalogue::procedure_version(s, &d.procedure_code, d.procedure_version).await?;
    d.form = validate_form(&procedure.form, &d.form, true).map_err(CoreError::Validation)?;
    let missing: Vec<FieldError> = procedure
        .components
        .iter()
        .filter(|c| c.required && !d.components.iter().any(|f| f.component == c.id))
        .map(|c| FieldError {
            field: format!("components.{}", c.id),
            code: "component_missing",
            message: format!("Chưa đính kèm thành phần hồ sơ bắt buộc: “{}”.", c.name),
        })
        .collect();
    if !missing.is_empty() {
        return Err(CoreError::Validation(missing));
    }
    let now = s.now();
    d.history.push(step(&d, Action::Submit, to, caller, now, None, None));
    d.status = to;
    d.submitted_at = Some(now);
    crate::workflow::receive(&mut d, &s.calendar(), now);
    d.receipt_secret = Some(new_secret());
    let previous = d.touch(now);
    let event = status_event(&d, Action::Submit, now);
    commit(s, Change { event: Some(event), ..Change::new(d, Some(previous)) }, idem).await
}

/// Takes a named action of the state machine on a dossier: checks entitlement (owner for the
/// applicant's actions, staff of the dossier's agency for the officers'), the role and the
/// current status, then applies its effects.
pub async fn act(
    s: &Services,
    caller: &Caller,
    id: &str,
    action: Action,
    input: ActionInput,
    if_match: Option<u64>,
) -> CoreResult<Value> {
    act_with(s, caller, id, action, input, if_match, None).await
}

/// [`act`], with the result file for [`Action::Finish`].
pub(crate) async fn act_with(
    s: &Services,
    caller: &Caller,
    id: &str,
    action: Action,
    input: ActionInput,
    if_match: Option<u64>,
    result: Option<AttachedFile>,
) -> CoreResult<Value> {
    let mut d = load(s, id).await?;
    ensure_visible(caller, &d)?;
    let takes_part = matches!(action, Action::AnswerConsultation | Action::CompletePart);
    if caller.role.is_applicant() {
        ensure_owner(caller, &d)?;
    } else if !(caller.works_for(&d.agency) || takes_part && participates(caller, &d)) {
        return Err(CoreError::not_found("hồ sơ"));
    }
    check_if_match(&d, if_match)?;
    let to = action.apply_resuming(d.status, caller.role, d.waiting.as_ref().map(|w| w.resume_to))?;
    let note = input.note.as_ref().map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(CoreError::invalid("note_too_long", "Ghi chú không được dài quá 2000 ký tự."));
    }
    if matches!(action, Action::Refuse | Action::StopProcessing | Action::Rework | Action::Apologise) && note.is_none()
    {
        return Err(CoreError::field("note", "required", "Vui lòng nêu rõ lý do."));
    }
    let now = s.now();
    if matches!(action, Action::Finish | Action::SubmitForApproval) {
        let file = result.ok_or_else(|| CoreError::invalid("result_required", "Cần đính kèm tệp kết quả."))?;
        d.result = Some(file);
    }
    let mut fx = crate::workflow::apply(s, caller, &mut d, action, to, &input, &note, now).await?;
    if matches!(action, Action::ConfirmWithdrawal | Action::StopProcessing) {
        d.finished_at = Some(now);
    }
    if matches!(action, Action::Finish | Action::Approve | Action::ConfirmWithdrawal | Action::StopProcessing) {
        if let (Some(appt), Some(timing)) = (d.appointment, d.timing()) {
            fx.deltas.extend(report::on_finished(now.date_naive(), appt.date_naive(), timing));
        }
    }
    d.history.push(step(&d, action, to, caller, now, note, fx.handover));
    d.status = to;
    let previous = d.touch(now);
    let event = action.concerns_applicant().then(|| status_event(&d, action, now));
    commit(s, Change { deltas: fx.deltas, event, extra: fx.extra, ..Change::new(d, Some(previous)) }, None).await
}

/// The full view of a dossier with its timeline, for its owner or entitled staff (P12, M7).
/// The applicant sees the steps that concern them (M7, S1); internal work (assignment,
/// consultations, rework) is for staff.
pub async fn get(s: &Services, caller: &Caller, id: &str) -> CoreResult<Value> {
    let mut d = load(s, id).await?;
    ensure_visible(caller, &d)?;
    if !participates(caller, &d) {
        d.history.retain(|st| st.action.concerns_applicant());
        d.consultations.clear();
        return Ok(view(&d));
    }
    let mut v = view(&d);
    v["flags"] = crate::workflow::flags(&d, &s.calendar(), s.now());
    Ok(v)
}

/// A page of a list with its cursor.
pub type Listing = (Vec<Value>, Option<String>);

pub(crate) fn summary(d: &Dossier) -> Value {
    json!({"id": d.id, "code": d.code, "procedure_code": d.procedure_code, "procedure_name": d.procedure_name,
        "agency_name": d.agency_name, "applicant_name": d.applicant.full_name, "status": d.status,
        "status_label": d.status.label(), "national_status": d.status.national_code(), "channel": d.channel,
        "created_at": d.created_at, "submitted_at": d.submitted_at, "received_at": d.received_at,
        "appointment": d.appointment, "version": d.version})
}

/// "My dossiers" for applicants (newest first); the agency's filed dossiers for its staff.
pub async fn list(
    s: &Services,
    caller: &Caller,
    status: Option<Status>,
    cursor: Option<String>,
    limit: usize,
) -> CoreResult<Listing> {
    let query = if caller.role.is_applicant() {
        Query::partition(Index::Gsi1, format!("OWNER#{}", caller.id))
    } else if let (true, Some(agency)) = (caller.role.is_agency_staff(), &caller.agency) {
        Query::partition(Index::Gsi2, format!("AGENCY#{agency}"))
    } else {
        return Err(CoreError::Forbidden("Tài khoản không có danh sách hồ sơ.".into()));
    };
    let page = s.table.query(query.descending().limit(limit).after(cursor)).await.map_err(cursor_error)?;
    let mut items = Vec::with_capacity(page.items.len());
    for item in &page.items {
        let d: Dossier = keys::data(item)?;
        if status.is_none_or(|st| st == d.status) {
            items.push(summary(&d));
        }
    }
    Ok((items, page.next))
}

/// Public lookup by dossier code (S1, P17). A second factor is required (the secret printed
/// on the receipt, or the applicant's ID number); a wrong one answers exactly like an unknown
/// code, so codes cannot be enumerated. One read.
pub async fn lookup(s: &Services, code: &str, secret: Option<&str>, id_number: Option<&str>) -> CoreResult<Value> {
    let not_found = || CoreError::NotFound("Không tìm thấy hồ sơ với mã và thông tin xác minh đã nhập.".into());
    if secret.is_none() && id_number.is_none() {
        return Err(CoreError::invalid(
            "second_factor_required",
            "Vui lòng nhập mã bí mật in trên giấy tiếp nhận hoặc số định danh cá nhân của người nộp.",
        ));
    }
    if !motcua_domain::codes::looks_like_dossier_code(code) {
        return Err(not_found());
    }
    let item = s.table.get(&keys::lookup(code)).await?.ok_or_else(not_found)?;
    let matches = |attr: &str, expected: String| item.get(attr).and_then(Value::as_str) == Some(expected.as_str());
    let ok = secret.is_some_and(|x| matches("secret_hash", secret_hash(x)))
        || id_number.is_some_and(|x| matches("id_hash", id_hash(s, x)));
    if !ok {
        return Err(not_found());
    }
    Ok(keys::data(&item)?)
}
