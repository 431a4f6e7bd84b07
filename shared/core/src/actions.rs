//! The pipeline every change of a dossier's status goes through (M2, M7, M8, G4):
//! load → check the caller may take the action now → fetch what the command needs (counters,
//! the specialist, the consulted agency) → [`lifecycle::decide`] (pure) → one commit (dossier,
//! aggregates, inbox pointers, outbox, idempotency) → publish. The bodies of the action
//! endpoints are typed here, one per kind of action.

use crate::access::{ensure_owner, ensure_visible, new_secret};
use crate::events::Event;
use crate::idempotency::IdempotencyKey;
use crate::queries::view;
use crate::store::{check_if_match, commit, load, Change};
use crate::{catalogue, keys, numbering, users, Caller, CoreError, CoreResult, Services};
use chrono::{DateTime, FixedOffset};
use motcua_domain::dossier::{Action, AttachedFile, Dossier, ReturnMethod, SupplementItem};
use motcua_domain::lifecycle::{self, AgencyRef, Command, Context, PartToOpen, StaffMember};
use motcua_domain::views::DossierView;
use serde::Deserialize;

/// Body of the actions that carry only a note for the timeline — or the reason, for a
/// refusal, a stop or a rework.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    #[serde(default)]
    pub note: Option<String>,
}

/// Assignment: login name (or id) of the specialist.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Supplement request: the components to add or complete, each with its reason (Form 02).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplementInput {
    #[serde(default)]
    pub items: Vec<SupplementItem>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Consultation: the agency asked, the question and its time in working days.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultInput {
    #[serde(default)]
    pub agency: Option<String>,
    #[serde(default)]
    pub question: Option<String>,
    #[serde(default)]
    pub working_days: Option<u32>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Answer to a consultation: its number and the answer.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    #[serde(default)]
    pub consultation: Option<u32>,
    #[serde(default)]
    pub answer: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Payment request: the amount in đồng; the note describes it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequestInput {
    #[serde(default)]
    pub amount_vnd: Option<u64>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Payment confirmation: how it was paid.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    #[serde(default)]
    pub payment_method: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Apology (Form 04): the new appointment; the note is the reason.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApologyInput {
    #[serde(default)]
    pub new_appointment: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Return: at the counter (default), by post or online, with the postal tracking number and
/// the delivery address.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnInput {
    #[serde(default)]
    pub return_method: Option<ReturnMethod>,
    #[serde(default)]
    pub tracking_number: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// An action requested over the API, parsed but not yet resolved against storage.
#[derive(Debug, Clone)]
pub enum Request {
    Accept(NoteInput),
    Refuse(NoteInput),
    StartProcessing(NoteInput),
    Assign(AssignInput),
    RequestSupplement(SupplementInput),
    ProvideSupplement(NoteInput),
    Consult(ConsultInput),
    AnswerConsultation(AnswerInput),
    CompletePart(NoteInput),
    RequestPayment(PaymentRequestInput),
    ConfirmPayment(PaymentInput),
    Approve(NoteInput),
    Rework(NoteInput),
    Apologise(ApologyInput),
    ApproveExtension(NoteInput),
    RefuseExtension(NoteInput),
    ReturnResult(ReturnInput),
    RequestWithdrawal(NoteInput),
    ConfirmWithdrawal(NoteInput),
    StopProcessing(NoteInput),
}

impl Request {
    pub fn action(&self) -> Action {
        match self {
            Request::Accept(_) => Action::Accept,
            Request::Refuse(_) => Action::Refuse,
            Request::StartProcessing(_) => Action::StartProcessing,
            Request::Assign(_) => Action::Assign,
            Request::RequestSupplement(_) => Action::RequestSupplement,
            Request::ProvideSupplement(_) => Action::ProvideSupplement,
            Request::Consult(_) => Action::Consult,
            Request::AnswerConsultation(_) => Action::AnswerConsultation,
            Request::CompletePart(_) => Action::CompletePart,
            Request::RequestPayment(_) => Action::RequestPayment,
            Request::ConfirmPayment(_) => Action::ConfirmPayment,
            Request::Approve(_) => Action::Approve,
            Request::Rework(_) => Action::Rework,
            Request::Apologise(_) => Action::Apologise,
            Request::ApproveExtension(_) => Action::ApproveExtension,
            Request::RefuseExtension(_) => Action::RefuseExtension,
            Request::ReturnResult(_) => Action::ReturnResult,
            Request::RequestWithdrawal(_) => Action::RequestWithdrawal,
            Request::ConfirmWithdrawal(_) => Action::ConfirmWithdrawal,
            Request::StopProcessing(_) => Action::StopProcessing,
        }
    }
}

fn required(field: &str, value: Option<String>) -> CoreResult<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| CoreError::field(field, "required", "Vui lòng nhập thông tin này."))
}

/// Fetches what the command needs from storage, with the counter writes it takes. Acceptance
/// takes the dossier code and the register number from the agency's counters.
async fn resolve(s: &Services, d: &Dossier, request: Request) -> CoreResult<(Command, Vec<motcua_ports::WriteOp>)> {
    let mut taken = vec![];
    let command = match request {
        Request::Accept(NoteInput { note }) => {
            lifecycle::check_note(Action::Accept, note.as_deref())?;
            let received = d.received_at.unwrap_or_else(|| s.now());
            let day = received.date_naive();
            let (seq, take) = numbering::next(s, keys::sequence(&d.agency, &day.format("%y%m%d").to_string())).await?;
            taken.push(take);
            let code = d.regime.code_format().format(&d.agency, day, seq);
            let year = received.format("%Y");
            let (register, take) = numbering::next(s, keys::sequence(&d.agency, &format!("REG{year}"))).await?;
            taken.push(take);
            let mut parts = vec![];
            for part in d.workflow().parts {
                let agency = catalogue::agency(s, &part.agency).await?;
                parts.push(PartToOpen {
                    agency: AgencyRef { code: agency.code, name: agency.name },
                    task: part.task,
                    working_days: part.working_days,
                });
            }
            Command::Accept { code: code.into(), register_number: register, parts, note }
        }
        Request::Assign(AssignInput { assignee, note }) => {
            let wanted = required("assignee", assignee)?;
            let user = match users::user_by_login(s, &wanted).await {
                Ok(u) => Some(u),
                Err(CoreError::NotFound(_)) => users::user(s, &wanted).await.ok(),
                Err(e) => return Err(e),
            };
            let specialist = user.map(|u| StaffMember {
                id: u.id,
                name: u.profile.full_name,
                role: u.role,
                agency: u.agency,
                locked: u.locked,
            });
            Command::Assign { specialist, note }
        }
        Request::Consult(ConsultInput { agency, question, working_days, note }) => {
            let agency = catalogue::agency(s, &required("agency", agency)?).await?;
            let agency = AgencyRef { code: agency.code, name: agency.name };
            Command::Consult { agency, question, working_days, note }
        }
        Request::Refuse(NoteInput { note }) => Command::Refuse { reason: note },
        Request::StartProcessing(NoteInput { note }) => Command::StartProcessing { note },
        Request::RequestSupplement(SupplementInput { items, note }) => Command::RequestSupplement { items, note },
        Request::ProvideSupplement(NoteInput { note }) => Command::ProvideSupplement { note },
        Request::AnswerConsultation(AnswerInput { consultation, answer, note }) => {
            Command::AnswerConsultation { consultation, answer, note }
        }
        Request::CompletePart(NoteInput { note }) => Command::CompletePart { note },
        Request::RequestPayment(PaymentRequestInput { amount_vnd, note }) => {
            Command::RequestPayment { amount_vnd, note }
        }
        Request::ConfirmPayment(PaymentInput { payment_method, note }) => {
            Command::ConfirmPayment { method: payment_method, note }
        }
        Request::Approve(NoteInput { note }) => Command::Approve { note },
        Request::Rework(NoteInput { note }) => Command::Rework { reason: note },
        Request::Apologise(ApologyInput { new_appointment, note }) => {
            Command::Apologise { reason: note, new_appointment }
        }
        Request::ReturnResult(ReturnInput { return_method, tracking_number, address, note }) => {
            // The applicant's choice at filing, unless the officer returns otherwise (P15).
            let choice = d.result_delivery.clone();
            let method = return_method.or(choice.as_ref().map(|c| c.method));
            let address = address.or(choice.and_then(|c| c.address));
            let to = address.clone().or_else(|| d.applicant.address.clone());
            let tracking_number = match (method, tracking_number, to) {
                (Some(ReturnMethod::Post), None, Some(to)) => crate::postal::ship(s, d, &to).await?,
                (_, given, _) => given,
            };
            Command::ReturnResult { method, tracking_number, address, note }
        }
        Request::RequestWithdrawal(NoteInput { note }) => Command::RequestWithdrawal { note },
        Request::ConfirmWithdrawal(NoteInput { note }) => Command::ConfirmWithdrawal { note },
        Request::StopProcessing(NoteInput { note }) => Command::StopProcessing { reason: note },
        Request::ApproveExtension(NoteInput { note }) => Command::ApproveExtension { note },
        Request::RefuseExtension(NoteInput { note }) => Command::RefuseExtension { reason: note },
    };
    Ok((command, taken))
}

/// Whether the dossier a command changes is already stored (the write is conditional on its
/// version) or is created by it (counter reception).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stored {
    Already,
    New,
}

/// Decides a command on a loaded dossier and commits what it changes.
async fn run(
    s: &Services,
    ctx: &Context<'_>,
    d: &Dossier,
    command: Command,
    stored: Stored,
    idem: Option<&IdempotencyKey>,
    extra: Vec<motcua_ports::WriteOp>,
) -> CoreResult<DossierView> {
    let outcome = lifecycle::decide(d, command, ctx)?;
    let d = outcome.dossier;
    let event = outcome.notice.map(|n| {
        Event::new(n.kind, &d.id, &d.owner, n.subject, n.message, ctx.now)
            .to_contact(d.applicant.email.clone(), d.applicant.phone.clone())
    });
    let response = view(s, ctx.caller, d.clone());
    let previous = (stored == Stored::Already).then_some(outcome.previous_version);
    let mut extra = extra;
    if let Some(e) = &outcome.evaluation {
        extra.extend(crate::index766::evaluation_ops(&d.agency, e)?);
    }
    let procedure = d.procedure_code.to_string();
    let change = Change { deltas: outcome.deltas, event, extra, ..Change::new(d, previous) };
    let view = commit(s, change, response, idem).await?;
    if let Some((step, minutes)) = &outcome.closed_step {
        crate::step_history::record(s, &procedure, step, &ctx.caller.id, *minutes).await;
    }
    Ok(view)
}

/// The dossier `id` if the caller may see it and `if_match` (when given) is its version.
async fn load_visible(s: &Services, caller: &Caller, id: &str, if_match: Option<u64>) -> CoreResult<Dossier> {
    let d = load(s, id).await?;
    ensure_visible(caller, &d)?;
    check_if_match(&d, if_match)?;
    Ok(d)
}

/// Takes an action on a dossier for the caller (its owner for the applicant's actions, staff
/// of its agency — or of an agency taking part, for answers and parts — for the officers').
pub async fn act(
    s: &Services,
    caller: &Caller,
    id: &str,
    request: Request,
    if_match: Option<u64>,
) -> CoreResult<DossierView> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let d = load_visible(s, caller, id, if_match).await?;
        let (cal, now) = (s.calendar(), s.now());
        let ctx = Context { caller, calendar: &cal, now };
        lifecycle::permitted(&d, request.action(), &ctx)?;
        let numbered = request.action() == Action::Accept;
        let turn = if numbered { Some(s.numbering.take(&d.agency).await) } else { None };
        let (command, taken) = resolve(s, &d, request.clone()).await?;
        let answer = run(s, &ctx, &d, command, Stored::Already, None, taken).await;
        drop(turn);
        match answer {
            // Another process took the number first (the dossier itself did not change):
            // take the next one.
            Err(CoreError::Conflict) if numbered && attempt < numbering::ATTEMPTS && unchanged(s, &d).await? => {
                tokio::time::sleep(numbering::pause(attempt)).await;
            }
            answer => return answer,
        }
    }
}

/// Whether the stored dossier is still the version `d` was read at.
async fn unchanged(s: &Services, d: &Dossier) -> CoreResult<bool> {
    Ok(load(s, &d.id).await?.version == d.version)
}

/// Finishes processing with the uploaded and checked result file (status 9), or submits it to
/// the leader.
pub(crate) async fn act_with_result(
    s: &Services,
    caller: &Caller,
    id: &str,
    action: Action,
    result: AttachedFile,
    note: Option<String>,
    if_match: Option<u64>,
) -> CoreResult<DossierView> {
    let d = load_visible(s, caller, id, if_match).await?;
    let (cal, now) = (s.calendar(), s.now());
    let ctx = Context { caller, calendar: &cal, now };
    let result = Some(result);
    let command = match action {
        Action::SubmitForApproval => Command::SubmitForApproval { result, note },
        _ => Command::Finish { result, note },
    };
    run(s, &ctx, &d, command, Stored::Already, None, vec![]).await
}

/// Submits a draft online (P2, P4): complete form and required components are checked; the
/// official receipt time follows rules §3.
pub async fn submit(
    s: &Services,
    caller: &Caller,
    id: &str,
    idem: Option<&IdempotencyKey>,
    if_match: Option<u64>,
) -> CoreResult<DossierView> {
    if let Some(idem) = idem {
        if let Some(first) = idem.replay(s).await? {
            return Ok(first);
        }
    }
    let d = load(s, id).await?;
    ensure_owner(caller, &d)?;
    check_if_match(&d, if_match)?;
    let (cal, now) = (s.calendar(), s.now());
    let ctx = Context { caller, calendar: &cal, now };
    lifecycle::permitted(&d, Action::Submit, &ctx)?;
    let procedure = catalogue::procedure_version(s, &d.procedure_code, d.procedure_version).await?;
    let regime = s.regime_at(now.date_naive());
    let command = Command::Submit { procedure: Box::new(procedure), receipt_secret: new_secret(), regime };
    run(s, &ctx, &d, command, Stored::Already, idem, vec![]).await
}

/// Decides `command` on a stored dossier for a counterpart acting through the integration
/// platform (the payment platform confirming a payment), with `extra` writes in the same
/// transaction.
pub(crate) async fn apply_with(
    s: &Services,
    caller: &Caller,
    d: &Dossier,
    command: Command,
    extra: Vec<motcua_ports::WriteOp>,
) -> CoreResult<DossierView> {
    let (cal, now) = (s.calendar(), s.now());
    let ctx = Context { caller, calendar: &cal, now };
    run(s, &ctx, d, command, Stored::Already, None, extra).await
}

/// Records a new dossier (counter reception) decided by the lifecycle.
pub(crate) async fn create(s: &Services, caller: &Caller, d: Dossier, command: Command) -> CoreResult<DossierView> {
    create_with(s, caller, d, command, vec![]).await
}

/// Records a new dossier with `extra` writes in the same transaction (the marker that makes
/// a dossier from the national portal received once).
pub(crate) async fn create_with(
    s: &Services,
    caller: &Caller,
    d: Dossier,
    command: Command,
    extra: Vec<motcua_ports::WriteOp>,
) -> CoreResult<DossierView> {
    let (cal, now) = (s.calendar(), s.now());
    let ctx = Context { caller, calendar: &cal, now };
    run(s, &ctx, &d, command, Stored::New, None, extra).await
}
