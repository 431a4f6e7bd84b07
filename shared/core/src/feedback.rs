//! What citizens say back: one satisfaction rating per finished dossier (P9, rules §7), and
//! feedback / petitions (phản ánh, kiến nghị, P18) with a tracking code, an officer's answer
//! and publication of the answered ones.

use crate::access::ensure_visible;
use crate::events::{self, Event};
use crate::store;
use crate::{catalogue, keys, Caller, CoreError, CoreResult, Services};
use chrono::{DateTime, FixedOffset, NaiveDate};
use motcua_domain::calendar::Calendar;
use motcua_domain::dossier::{Status, Timing};
use motcua_domain::error::FieldError;
use motcua_domain::ids::{AgencyCode, DossierCode, UserId};
use motcua_domain::petition::{Deadlines, Progress, Step};
use motcua_domain::profile::contact_errors;
use motcua_domain::rating::{DossierScore, RatingAnswers};
use motcua_domain::roles::Role;
use motcua_ports::{Condition, Index, Query, TableError, WriteOp};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

/// How a rating was collected (rules §7: rating slips, rating devices and online rating).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RatingSource {
    /// By the applicant, signed in.
    #[default]
    Online,
    /// A paper slip the applicant filled in, entered by a receiving officer.
    Slip,
    /// At a kiosk or by the receipt's QR code, with the dossier code and the receipt secret.
    Receipt,
}

/// The rating of a dossier (rules §7).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Rating {
    pub dossier_id: String,
    pub dossier_code: Option<DossierCode>,
    pub agency: AgencyCode,
    pub answers: RatingAnswers,
    pub score: DossierScore,
    pub timing: Timing,
    pub at: DateTime<FixedOffset>,
    #[serde(default)]
    pub source: RatingSource,
    /// The slip's number, and who entered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slip: Option<SlipEntry>,
    /// The agency's conclusion on the applicant's complaint (indicator 7: upheld scores 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaint_ruling: Option<ComplaintRuling>,
}

/// A leader's conclusion on a complaint about the officers' attitude.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ComplaintRuling {
    pub upheld: bool,
    pub reason: String,
    pub by: motcua_domain::dossier::Person,
    pub at: DateTime<FixedOffset>,
}

/// A conclusion to record.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintRulingInput {
    pub upheld: bool,
    #[schema(max_length = 2000)]
    pub reason: String,
}

/// A paper rating slip entered by staff.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SlipEntry {
    pub number: String,
    pub entered_by: motcua_domain::dossier::Person,
}

/// A paper rating slip to enter.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingSlip {
    /// The number printed on the slip.
    #[schema(max_length = 40)]
    pub slip_number: String,
    pub answers: RatingAnswers,
}

/// A rating given with the receipt's code and secret (kiosk, QR code).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptRating {
    pub code: String,
    /// The secret printed on the receipt (Form 01).
    pub secret: String,
    pub answers: RatingAnswers,
}

/// The write that blanks the comment of a dossier's rating, if it has one (erasure of the
/// applicant's personal data); the scores stay for the evaluation.
pub(crate) async fn erase_comment_op(s: &Services, dossier_id: &str) -> CoreResult<Option<WriteOp>> {
    let Some(mut item) = s.table.get(&keys::rating(dossier_id)).await? else { return Ok(None) };
    let mut rating: Rating = keys::data(&item)?;
    if rating.answers.comment.is_none() {
        return Ok(None);
    }
    rating.answers.comment = Some(motcua_domain::retention::ERASED.into());
    item.insert("data".into(), serde_json::to_value(&rating)?);
    Ok(Some(WriteOp::Put { item, condition: Condition::None }))
}

/// Rates a finished dossier, once, by its owner.
pub async fn rate(s: &Services, caller: &Caller, dossier_id: &str, answers: RatingAnswers) -> CoreResult<Rating> {
    let d = store::load(s, dossier_id).await?;
    ensure_visible(caller, &d)?;
    if d.owner != caller.id {
        return Err(CoreError::Forbidden("Chỉ chủ hồ sơ được đánh giá việc giải quyết hồ sơ.".into()));
    }
    record(s, &d, answers, RatingSource::Online, None).await
}

/// Enters the paper rating slip of a finished dossier: a receiving officer of the agency that
/// handled it or of the office that received it.
pub async fn enter_slip(s: &Services, caller: &Caller, dossier_id: &str, slip: RatingSlip) -> CoreResult<Rating> {
    let d = store::load(s, dossier_id).await?;
    ensure_visible(caller, &d)?;
    let receives = caller.works_for(&d.agency) || caller.works_for(d.receiving_office());
    if !(receives && caller.role == Role::ReceivingOfficer) {
        return Err(CoreError::Forbidden("Chỉ cán bộ Bộ phận Một cửa nhập phiếu đánh giá.".into()));
    }
    if let Some(e) = text_error("slip_number", "số phiếu đánh giá", &slip.slip_number, 40) {
        return Err(CoreError::Validation(vec![e]));
    }
    let entry = SlipEntry { number: slip.slip_number.trim().into(), entered_by: caller.person() };
    record(s, &d, slip.answers, RatingSource::Slip, Some(entry)).await
}

/// Rates a finished dossier with the code and the secret of its receipt (kiosk, QR code),
/// checked and throttled as the public lookup is.
pub async fn rate_by_receipt(s: &Services, r: ReceiptRating, client: Option<&str>) -> CoreResult<Rating> {
    let code = r.code.trim();
    let lookup = crate::queries::verified_lookup(s, code, Some(r.secret.trim()), None, client).await?;
    let id = motcua_ports::attr_str(&lookup, "dossier").ok_or_else(|| CoreError::not_found("hồ sơ"))?.to_string();
    let d = store::load(s, &id).await?;
    record(s, &d, r.answers, RatingSource::Receipt, None).await
}

async fn record(
    s: &Services,
    d: &motcua_domain::dossier::Dossier,
    answers: RatingAnswers,
    source: RatingSource,
    slip: Option<SlipEntry>,
) -> CoreResult<Rating> {
    answers.check().map_err(|e| CoreError::invalid("invalid_rating", e.to_string()))?;
    if d.archive.is_some() {
        return Err(crate::archive::read_only());
    }
    let timing = match (d.status, d.timing()) {
        (Status::Finished | Status::Returned, Some(t)) => t,
        _ => return Err(CoreError::rule("not_finished", "Chỉ đánh giá được hồ sơ đã giải quyết xong.")),
    };
    let score = answers.score(d, timing);
    let now = s.now();
    let rating = Rating {
        dossier_id: d.id.clone(),
        dossier_code: d.code.clone(),
        agency: d.agency.clone(),
        answers,
        score,
        timing,
        at: now,
        source,
        slip,
        complaint_ruling: None,
    };
    let index = [("gsi1pk", json!(format!("RATINGS#{}", d.agency))), ("gsi1sk", json!(now.to_rfc3339()))];
    let item = keys::item(&keys::rating(&d.id), &rating, &index)?;
    let mut ops = vec![WriteOp::Put { item, condition: Condition::NotExists }];
    // A dissatisfied applicant, or a complaint, counts against the Decision 766 index (R9).
    if rating.answers.satisfaction <= 2 || rating.answers.complaint {
        ops.extend(store::aggregate_ops(d, vec![(now.date_naive(), motcua_domain::index766::metric::DISLIKED, 1)]));
    }
    match s.table.transact(ops).await {
        Ok(()) => Ok(rating),
        Err(TableError::ConditionFailed { index: Some(0) }) => {
            Err(CoreError::rule("already_rated", "Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần."))
        }
        Err(e) => Err(e.into()),
    }
}

/// A leader of the agency that handled the dossier concludes on the applicant's complaint,
/// once: upheld, the attitude indicator scores 0.
pub async fn rule_complaint(
    s: &Services,
    caller: &Caller,
    dossier_id: &str,
    input: ComplaintRulingInput,
) -> CoreResult<Rating> {
    let d = store::load(s, dossier_id).await?;
    ensure_visible(caller, &d)?;
    if !(caller.role == Role::Leader && caller.works_for(&d.agency)) {
        return Err(CoreError::Forbidden("Chỉ lãnh đạo cơ quan giải quyết hồ sơ kết luận phàn nàn.".into()));
    }
    if let Some(e) = text_error("reason", "nội dung kết luận", &input.reason, 2000) {
        return Err(CoreError::Validation(vec![e]));
    }
    let mut item = s.table.get(&keys::rating(dossier_id)).await?.ok_or_else(|| CoreError::not_found("đánh giá"))?;
    let mut rating: Rating = keys::data(&item)?;
    if !rating.answers.complaint {
        return Err(CoreError::rule("no_complaint", "Người nộp không phàn nàn về thái độ của cán bộ."));
    }
    if input.upheld {
        rating.score = rating.score.with_complaint_upheld();
    }
    rating.complaint_ruling = Some(ComplaintRuling {
        upheld: input.upheld,
        reason: input.reason.trim().into(),
        by: caller.person(),
        at: s.now(),
    });
    item.insert("data".into(), serde_json::to_value(&rating)?);
    let marker = keys::item(&keys::rating_ruling(dossier_id), &json!(true), &[])?;
    let ops = vec![
        WriteOp::Put { item: marker, condition: Condition::NotExists },
        WriteOp::Put { item, condition: Condition::Exists },
    ];
    match s.table.transact(ops).await {
        Ok(()) => Ok(rating),
        Err(TableError::ConditionFailed { index: Some(0) }) => {
            Err(CoreError::rule("already_ruled", "Phàn nàn này đã có kết luận."))
        }
        Err(e) => Err(e.into()),
    }
}

/// The rating of a dossier, if any (owner or staff).
pub async fn rating(s: &Services, caller: &Caller, dossier_id: &str) -> CoreResult<Rating> {
    let d = store::load(s, dossier_id).await?;
    ensure_visible(caller, &d)?;
    let item = s.table.get(&keys::rating(dossier_id)).await?.ok_or_else(|| CoreError::not_found("đánh giá"))?;
    Ok(keys::data(&item)?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackKind {
    /// Phản ánh.
    Report,
    /// Kiến nghị.
    Petition,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFeedback {
    pub kind: FeedbackKind,
    /// Code of the agency addressed.
    pub agency: String,
    #[schema(max_length = 200, pattern = r"\S")]
    pub title: String,
    #[schema(max_length = 5000, pattern = r"\S")]
    pub content: String,
    #[schema(max_length = 100, pattern = r"\S")]
    pub submitter_name: String,
    #[serde(default)]
    #[schema(pattern = r"^[ .-]*(\+[ .-]*8[ .-]*4|0)([ .-]*[0-9]){9}[ .-]*$")]
    pub phone: Option<String>,
    #[serde(default)]
    #[schema(
        max_length = 200,
        pattern = r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$"
    )]
    pub email: Option<String>,
    #[serde(default)]
    #[schema(max_length = 50)]
    pub dossier_code: Option<String>,
}

/// The agency's answer to a feedback.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = FeedbackAnswer)]
pub struct Answer {
    text: String,
    by_name: String,
    at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Feedback {
    code: String,
    kind: FeedbackKind,
    agency: String,
    title: String,
    content: String,
    submitter_name: String,
    phone: Option<String>,
    email: Option<String>,
    dossier_code: Option<String>,
    submitter: Option<UserId>,
    secret_hash: String,
    created_at: DateTime<FixedOffset>,
    answer: Option<Answer>,
    published: bool,
    /// When the answer was published (absent on records published with their answer before
    /// this was kept: the answer's time).
    #[serde(default)]
    published_at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    refusal: Option<Answer>,
    #[serde(default)]
    question: Option<Question>,
    /// Bumped by every change; each write is conditional on the version read.
    #[serde(default)]
    version: u64,
}

/// The agency's request for more information, and the sender's reply.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = FeedbackQuestion)]
pub struct Question {
    #[serde(flatten)]
    asked: Answer,
    reply: Option<Reply>,
}

/// The sender's reply to the agency's question.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = FeedbackReply)]
pub struct Reply {
    text: String,
    at: DateTime<FixedOffset>,
}

/// A feedback as shown: to everyone once published (no name, no contact), and in full to
/// its submitter and the agency addressed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FeedbackView {
    pub code: String,
    pub kind: FeedbackKind,
    pub agency: String,
    pub title: String,
    pub content: String,
    pub created_at: DateTime<FixedOffset>,
    pub answer: Option<Answer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitter_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dossier_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_label: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<bool>,
    /// Why the agency refused to take it up (sender and agency only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Answer>,
    /// The agency's request for more information and the sender's reply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<Question>,
    /// When each step is due (Decision 766: refuse in 2, ask in 5, answer in 15, publish in 2
    /// working days).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadlines: Option<Deadlines>,
}

/// What the submitter keeps to follow a feedback: its code and secret.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FeedbackReceipt {
    pub code: String,
    pub secret: String,
    pub status_label: &'static str,
    pub created_at: DateTime<FixedOffset>,
}

impl Feedback {
    /// Whether the caller sent it (signed in as its sender, or holding its secret).
    fn sent_by(&self, caller: Option<&Caller>, secret: Option<&str>) -> bool {
        caller.is_some_and(|c| self.submitter.as_deref() == Some(c.id.as_str()))
            || secret.is_some_and(|x| hash(x) == self.secret_hash)
    }

    /// When each step happened.
    fn progress(&self) -> Progress {
        Progress {
            refused: self.refusal.as_ref().map(|r| r.at),
            asked: self.question.as_ref().map(|q| q.asked.at),
            replied: self.question.as_ref().and_then(|q| q.reply.as_ref()).map(|r| r.at),
            answered: self.answer.as_ref().map(|a| a.at),
            published: self.published_at.or(self.answer.as_ref().filter(|_| self.published).map(|a| a.at)),
        }
    }

    fn status_label(&self) -> &'static str {
        let p = self.progress();
        if p.refused.is_some() {
            "Từ chối tiếp nhận"
        } else if p.answered.is_some() {
            "Đã trả lời"
        } else if p.awaiting_reply() {
            "Chờ người gửi bổ sung thông tin"
        } else {
            "Đang xử lý"
        }
    }

    /// What the submitter and the agency see.
    fn private_view(&self, cal: &Calendar) -> FeedbackView {
        FeedbackView {
            submitter_name: Some(self.submitter_name.clone()),
            phone: self.phone.clone(),
            email: self.email.clone(),
            dossier_code: self.dossier_code.clone(),
            status_label: Some(self.status_label()),
            published: Some(self.published),
            refusal: self.refusal.clone(),
            question: self.question.clone(),
            deadlines: Some(self.progress().deadlines(self.created_at, cal)),
            ..self.public_view()
        }
    }

    /// What everyone sees once published: no name, no contact.
    fn public_view(&self) -> FeedbackView {
        FeedbackView {
            code: self.code.clone(),
            kind: self.kind,
            agency: self.agency.clone(),
            title: self.title.clone(),
            content: self.content.clone(),
            created_at: self.created_at,
            answer: self.answer.clone(),
            submitter_name: None,
            phone: None,
            email: None,
            dossier_code: None,
            status_label: None,
            published: None,
            refusal: None,
            question: None,
            deadlines: None,
        }
    }

    fn item(&self) -> CoreResult<motcua_ports::Item> {
        let mut index = vec![
            ("gsi2pk", json!(keys::feedback_agency(&self.agency))),
            ("gsi2sk", json!(self.created_at.to_rfc3339())),
        ];
        if let (true, Some(a)) = (self.published, &self.answer) {
            index.push(("gsi1pk", json!(keys::FEEDBACK_PUBLIC)));
            index.push(("gsi1sk", json!(a.at.to_rfc3339())));
        }
        index.push(("version", json!(self.version)));
        Ok(keys::item(&keys::feedback(&self.code), self, &index)?)
    }
}

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.trim()))
}

fn text_error(field: &str, label: &str, value: &str, max: usize) -> Option<FieldError> {
    let n = value.trim().chars().count();
    (n == 0 || n > max).then(|| FieldError {
        field: field.into(),
        code: if n == 0 { "required" } else { "too_long" },
        message: format!("Vui lòng nhập {label} (tối đa {max} ký tự)."),
    })
}

/// Receives feedback or a petition (anyone; signed-in users are notified of the answer).
/// Returns the tracking code and the secret to follow it.
pub async fn submit(s: &Services, caller: Option<&Caller>, f: NewFeedback) -> CoreResult<FeedbackReceipt> {
    let errors: Vec<FieldError> = [
        text_error("title", "tiêu đề", &f.title, 200),
        text_error("content", "nội dung", &f.content, 5000),
        text_error("submitter_name", "họ tên người gửi", &f.submitter_name, 100),
    ]
    .into_iter()
    .flatten()
    .chain(contact_errors(f.phone.as_deref(), f.email.as_deref()))
    .chain(f.dossier_code.as_deref().filter(|c| c.chars().count() > 50).map(|_| FieldError {
        field: "dossier_code".into(),
        code: "too_long",
        message: "Mã hồ sơ dài quá 50 ký tự.".into(),
    }))
    .collect();
    if !errors.is_empty() {
        return Err(CoreError::Validation(errors));
    }
    catalogue::agency(s, &f.agency).await?;
    let now = s.now();
    let day = now.date_naive();
    let seq = s.table.increment(&keys::sequence("PAKN", &day.format("%y%m%d").to_string()), "n", 1).await?;
    let code = motcua_domain::codes::feedback_code(day, seq as u64);
    let secret = uuid::Uuid::new_v4().simple().to_string()[..10].to_uppercase();
    let fb = Feedback {
        code: code.clone(),
        kind: f.kind,
        agency: f.agency,
        title: f.title.trim().into(),
        content: f.content.trim().into(),
        submitter_name: f.submitter_name.trim().into(),
        phone: f.phone,
        email: f.email,
        dossier_code: f.dossier_code,
        submitter: caller.map(|c| c.id.clone()),
        secret_hash: hash(&secret),
        created_at: now,
        answer: None,
        published: false,
        published_at: None,
        refusal: None,
        question: None,
        version: 1,
    };
    s.table.put(fb.item()?, Condition::NotExists).await?;
    Ok(FeedbackReceipt { code, secret, status_label: fb.status_label(), created_at: now })
}

async fn load(s: &Services, code: &str) -> CoreResult<Feedback> {
    let item = s.table.get(&keys::feedback(code)).await?.ok_or_else(|| CoreError::not_found("phản ánh, kiến nghị"))?;
    Ok(keys::data(&item)?)
}

/// The submitter follows their feedback with the code and secret; agency staff see theirs.
pub async fn get(s: &Services, caller: Option<&Caller>, code: &str, secret: Option<&str>) -> CoreResult<FeedbackView> {
    let fb = load(s, code).await?;
    let staff = caller.is_some_and(|c| c.works_for(&fb.agency));
    if staff || fb.sent_by(caller, secret) {
        Ok(fb.private_view(&s.calendar()))
    } else if fb.published {
        Ok(fb.public_view())
    } else {
        Err(CoreError::not_found("phản ánh, kiến nghị"))
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = FeedbackAnswerInput)]
pub struct AnswerInput {
    #[schema(max_length = 5000, pattern = r"\S")]
    pub answer: String,
    #[serde(default)]
    pub publish: bool,
}

/// A refusal's reason, or a question to the sender.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = FeedbackStepInput)]
pub struct StepInput {
    #[schema(max_length = 5000, pattern = r"\S")]
    pub text: String,
}

/// The sender's reply: signed in as the sender, or with the secret given at submission.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = FeedbackReplyInput)]
pub struct ReplyInput {
    #[serde(default)]
    #[schema(max_length = 100)]
    pub secret: Option<String>,
    #[schema(max_length = 5000, pattern = r"\S")]
    pub text: String,
}

/// The feedback `code` for an officer of the agency it is addressed to, if `step` may be taken.
async fn load_for_step(s: &Services, caller: &Caller, code: &str, step: Step) -> CoreResult<Feedback> {
    let fb = load(s, code).await?;
    if !caller.works_for(&fb.agency) || caller.role == Role::IntegrationClient {
        return Err(CoreError::not_found("phản ánh, kiến nghị"));
    }
    check_step(&fb, step)?;
    Ok(fb)
}

fn check_step(fb: &Feedback, step: Step) -> CoreResult<()> {
    fb.progress().allows(step).map_err(|r| CoreError::rule(r.code, r.message))
}

fn step_text(field: &str, label: &str, value: &str) -> CoreResult<String> {
    match text_error(field, label, value, 5000) {
        Some(e) => Err(CoreError::Validation(vec![e])),
        None => Ok(value.trim().into()),
    }
}

/// Writes the changed feedback, conditional on the version it was read at, with the sender's
/// notification (`kind`, `message`) when they have an account.
async fn save(s: &Services, mut fb: Feedback, notice: Option<(&str, String)>) -> CoreResult<FeedbackView> {
    let condition = match fb.version {
        0 => Condition::Exists,
        v => Condition::AttrEquals("version".into(), json!(v)),
    };
    fb.version += 1;
    let now = s.now();
    let event = notice.zip(fb.submitter.as_ref()).map(|((kind, message), user)| {
        Event::new(kind.into(), &fb.code, user, format!("Phản ánh, kiến nghị {}", fb.code), message, now)
    });
    let mut ops = vec![WriteOp::Put { item: fb.item()?, condition }];
    if let Some(e) = &event {
        ops.push(e.outbox_op()?);
    }
    s.table.transact(ops).await.map_err(|e| match e {
        TableError::ConditionFailed { .. } => CoreError::Conflict,
        e => e.into(),
    })?;
    if let Some(e) = event {
        events::publish(s, &[e]).await;
    }
    Ok(fb.private_view(&s.calendar()))
}

/// An officer of the addressed agency answers, and may publish the answer at once.
pub async fn answer(s: &Services, caller: &Caller, code: &str, input: AnswerInput) -> CoreResult<FeedbackView> {
    let mut fb = load_for_step(s, caller, code, Step::Answer).await?;
    let text = step_text("answer", "nội dung trả lời", &input.answer)?;
    let now = s.now();
    fb.answer = Some(Answer { text, by_name: caller.name.clone(), at: now });
    fb.published = input.publish;
    fb.published_at = input.publish.then_some(now);
    let message = format!("Phản ánh, kiến nghị “{}” đã được trả lời.", fb.title);
    save(s, fb, Some(("feedback.answered", message))).await
}

/// An officer publishes an answer given earlier (due within 2 working days of it).
pub async fn publish(s: &Services, caller: &Caller, code: &str) -> CoreResult<FeedbackView> {
    let mut fb = load_for_step(s, caller, code, Step::Publish).await?;
    fb.published = true;
    fb.published_at = Some(s.now());
    save(s, fb, None).await
}

/// An officer refuses to take the feedback up, saying why (due within 2 working days).
pub async fn refuse(s: &Services, caller: &Caller, code: &str, input: StepInput) -> CoreResult<FeedbackView> {
    let mut fb = load_for_step(s, caller, code, Step::Refuse).await?;
    let text = step_text("text", "lý do từ chối", &input.text)?;
    fb.refusal = Some(Answer { text, by_name: caller.name.clone(), at: s.now() });
    let message = format!("Phản ánh, kiến nghị “{}” không được tiếp nhận xử lý. Xem lý do trên Cổng.", fb.title);
    save(s, fb, Some(("feedback.refused", message))).await
}

/// An officer asks the sender for more information, once (due within 5 working days); the
/// answer's clock stops until the sender replies.
pub async fn ask(s: &Services, caller: &Caller, code: &str, input: StepInput) -> CoreResult<FeedbackView> {
    let mut fb = load_for_step(s, caller, code, Step::Ask).await?;
    let text = step_text("text", "nội dung đề nghị bổ sung", &input.text)?;
    fb.question = Some(Question { asked: Answer { text, by_name: caller.name.clone(), at: s.now() }, reply: None });
    let message = format!("Cơ quan đề nghị bổ sung thông tin cho phản ánh, kiến nghị “{}”.", fb.title);
    save(s, fb, Some(("feedback.info_requested", message))).await
}

/// The sender replies to the agency's question (signed in as the sender, or with the secret).
pub async fn reply(s: &Services, caller: Option<&Caller>, code: &str, input: ReplyInput) -> CoreResult<FeedbackView> {
    let mut fb = load(s, code).await?;
    if !fb.sent_by(caller, input.secret.as_deref()) {
        return Err(CoreError::not_found("phản ánh, kiến nghị"));
    }
    check_step(&fb, Step::Reply)?;
    let text = step_text("text", "thông tin bổ sung", &input.text)?;
    if let Some(q) = fb.question.as_mut() {
        q.reply = Some(Reply { text, at: s.now() });
    }
    save(s, fb, None).await
}

/// Published answers for everyone (newest first), or an agency's inbox for its staff.
pub async fn list(
    s: &Services,
    agency_of: Option<&Caller>,
    cursor: Option<String>,
    limit: usize,
) -> CoreResult<(Vec<FeedbackView>, Option<String>)> {
    let (query, private) = match agency_of.and_then(|c| c.agency.clone().filter(|_| c.role.is_agency_staff())) {
        Some(agency) => (Query::partition(Index::Gsi2, keys::feedback_agency(&agency)), true),
        None => (Query::partition(Index::Gsi1, keys::FEEDBACK_PUBLIC), false),
    };
    let page = s.table.query(query.descending().limit(limit).after(cursor)).await.map_err(store::cursor_error)?;
    let (cal, mut items) = (s.calendar(), Vec::new());
    for item in &page.items {
        let fb: Feedback = keys::data(item)?;
        items.push(if private { fb.private_view(&cal) } else { fb.public_view() });
    }
    Ok((items, page.next))
}

/// The feedback addressed to `agency` sent from `from` to `to` that has something due by now
/// (handled, or past a deadline), and those handled on time at every step (refused within 2
/// working days, asked within 5, answered within 15 less the wait for the sender, published
/// within 2: [`Progress::on_time`]; rules §7 indicator 8, Decision 766 group 1).
pub(crate) async fn handled_on_time(
    s: &Services,
    agency: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> CoreResult<(i64, i64)> {
    let query = Query::partition(Index::Gsi2, keys::feedback_agency(agency)).sort(keys::times_on_days(from, to));
    let (cal, now) = (s.calendar(), s.now());
    let (mut due, mut on_time) = (0, 0);
    for item in keys::read_items(s.table.as_ref(), query.limit(500)).await? {
        let fb: Feedback = keys::data(&item)?;
        if let Some(in_time) = fb.progress().on_time(fb.created_at, &cal, now) {
            due += 1;
            on_time += i64::from(in_time);
        }
    }
    Ok((due, on_time))
}
