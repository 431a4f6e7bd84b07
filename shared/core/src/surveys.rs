//! Consultations and surveys (P11): an administrator publishes questions with choices; any
//! signed-in citizen or business answers once; the tally is public and kept by counters
//! updated in the same transaction as the answer.

use crate::{keys, Caller, CoreError, CoreResult, Services};
use chrono::NaiveDate;
use motcua_domain::ids::AgencyCode;
use motcua_domain::roles::Role;
use motcua_ports::{Condition, Index, Item, Key, TableError, WriteOp};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map};

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub text: String,
    pub options: Vec<String>,
}

/// A survey with its tally.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SurveyView {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub closes_on: NaiveDate,
    /// Still taking answers today.
    pub open: bool,
    pub agency: Option<AgencyCode>,
    pub created_at: chrono::DateTime<chrono::FixedOffset>,
    pub questions: Vec<QuestionTally>,
    pub responses: i64,
}

/// A question with the number of answers per option.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuestionTally {
    pub text: String,
    pub options: Vec<String>,
    pub counts: Vec<i64>,
}

/// A new survey.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSurvey {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub questions: Vec<Question>,
    /// Last day answers are taken (`yyyy-mm-dd`, Vietnam time).
    pub closes_on: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Survey {
    id: String,
    title: String,
    description: Option<String>,
    questions: Vec<Question>,
    closes_on: NaiveDate,
    agency: Option<AgencyCode>,
    created_by: String,
    created_at: chrono::DateTime<chrono::FixedOffset>,
}

fn survey_key(id: &str) -> Key {
    Key::new(format!("SURVEY#{id}"), "SURVEY")
}
fn tally_key(id: &str) -> Key {
    Key::new(format!("SURVEY#{id}"), "TALLY")
}
fn answer_key(id: &str, user: &str) -> Key {
    Key::new(format!("SURVEY#{id}"), format!("ANSWER#{user}"))
}
const SURVEYS: &str = "SURVEYS";
/// At most this many questions per survey, and options per question.
const MAX_QUESTIONS: usize = 30;
const MAX_OPTIONS: usize = 10;

fn invalid(field: &str, message: &str) -> CoreError {
    CoreError::field(field, "invalid", message)
}

/// Publishes a survey (system administrator, or an agency administrator for their agency).
pub async fn create(s: &Services, caller: &Caller, req: NewSurvey) -> CoreResult<SurveyView> {
    if !matches!(caller.role, Role::SystemAdmin | Role::AgencyAdmin) {
        return Err(CoreError::Forbidden("Chỉ quản trị viên được tạo khảo sát, lấy ý kiến.".into()));
    }
    if req.title.trim().is_empty() || req.title.chars().count() > 300 {
        return Err(invalid("title", "Tiêu đề từ 1 đến 300 ký tự."));
    }
    if req.questions.is_empty() || req.questions.len() > MAX_QUESTIONS {
        return Err(invalid("questions", "Khảo sát có từ 1 đến 30 câu hỏi."));
    }
    for (i, q) in req.questions.iter().enumerate() {
        if q.text.trim().is_empty()
            || q.options.len() < 2
            || q.options.len() > MAX_OPTIONS
            || q.options.iter().any(|o| o.trim().is_empty())
        {
            return Err(invalid(
                &format!("questions[{i}]"),
                "Mỗi câu hỏi có nội dung và từ 2 đến 10 lựa chọn không trống.",
            ));
        }
    }
    let now = s.now();
    if req.closes_on < now.date_naive() {
        return Err(invalid("closes_on", "Ngày kết thúc không được trước hôm nay."));
    }
    let survey = Survey {
        id: uuid::Uuid::now_v7().to_string(),
        title: req.title.trim().into(),
        description: req.description.map(|d| d.trim().to_string()).filter(|d| !d.is_empty()),
        questions: req.questions,
        closes_on: req.closes_on,
        agency: caller.agency.clone(),
        created_by: caller.name.clone(),
        created_at: now,
    };
    let index = [("gsi1pk", json!(SURVEYS)), ("gsi1sk", json!(format!("{}#{}", now.to_rfc3339(), survey.id)))];
    let mut ops = vec![WriteOp::Put {
        item: keys::item(&survey_key(&survey.id), &survey, &index)?,
        condition: Condition::NotExists,
    }];
    ops.extend(crate::admin::audit_ops_on(
        s,
        caller,
        "survey.create",
        survey.id.clone().into(),
        survey.title.clone(),
        caller.agency.clone(),
    )?);
    s.table.transact(ops).await?;
    Ok(view(s, &survey, None))
}

fn view(s: &Services, survey: &Survey, tally: Option<&Item>) -> SurveyView {
    let count = |name: String| tally.and_then(|t| motcua_ports::attr_i64(t, &name)).unwrap_or(0);
    let questions = survey
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| QuestionTally {
            text: q.text.clone(),
            options: q.options.clone(),
            counts: (0..q.options.len()).map(|j| count(format!("q{i}_o{j}"))).collect(),
        })
        .collect();
    SurveyView {
        id: survey.id.clone(),
        title: survey.title.clone(),
        description: survey.description.clone(),
        closes_on: survey.closes_on,
        open: s.now().date_naive() <= survey.closes_on,
        agency: survey.agency.clone(),
        created_at: survey.created_at,
        questions,
        responses: count("responses".into()),
    }
}

async fn load(s: &Services, id: &str) -> CoreResult<Survey> {
    let item = s.table.get(&survey_key(id)).await?.ok_or_else(|| CoreError::not_found("khảo sát"))?;
    Ok(keys::data(&item)?)
}

/// The surveys, newest first, with their tallies.
pub async fn list(s: &Services) -> CoreResult<Vec<SurveyView>> {
    let mut surveys: Vec<Survey> = keys::read_partition(s.table.as_ref(), Index::Gsi1, SURVEYS).await?;
    surveys.reverse();
    let mut out = Vec::with_capacity(surveys.len());
    for survey in &surveys {
        let tally = s.table.get(&tally_key(&survey.id)).await?;
        out.push(view(s, survey, tally.as_ref()));
    }
    Ok(out)
}

/// One survey with its tally.
pub async fn get(s: &Services, id: &str) -> CoreResult<SurveyView> {
    let survey = load(s, id).await?;
    let tally = s.table.get(&tally_key(id)).await?;
    Ok(view(s, &survey, tally.as_ref()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    /// The index of the chosen option (0 to 9), one per question.
    #[schema(schema_with = choice_indexes)]
    pub choices: Vec<usize>,
}

fn choice_indexes() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    let index = ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)).maximum(Some(MAX_OPTIONS - 1));
    ArrayBuilder::new().items(index).max_items(Some(MAX_QUESTIONS)).build()
}

/// Answers a survey once (citizens and businesses), while it is open.
pub async fn answer(s: &Services, caller: &Caller, id: &str, a: Answers) -> CoreResult<SurveyView> {
    if !caller.role.is_applicant() {
        return Err(CoreError::Forbidden("Khảo sát dành cho công dân, doanh nghiệp.".into()));
    }
    let survey = load(s, id).await?;
    if s.now().date_naive() > survey.closes_on {
        return Err(CoreError::rule("survey_closed", "Khảo sát đã kết thúc."));
    }
    let valid = a.choices.len() == survey.questions.len()
        && a.choices.iter().zip(&survey.questions).all(|(c, q)| *c < q.options.len());
    if !valid {
        return Err(invalid("choices", "Vui lòng chọn một phương án cho mỗi câu hỏi."));
    }
    let mut add: Vec<(String, i64)> = a.choices.iter().enumerate().map(|(i, c)| (format!("q{i}_o{c}"), 1)).collect();
    add.push(("responses".into(), 1));
    let record = json!({"choices": a.choices, "at": s.now()});
    let ops = vec![
        WriteOp::Put { item: keys::item(&answer_key(id, &caller.id), &record, &[])?, condition: Condition::NotExists },
        WriteOp::Add { key: tally_key(id), add, set: Map::new() },
    ];
    match s.table.transact(ops).await {
        Ok(()) => get(s, id).await,
        Err(TableError::ConditionFailed { .. }) => {
            Err(CoreError::rule("already_answered", "Bạn đã trả lời khảo sát này; mỗi người trả lời một lần."))
        }
        Err(e) => Err(e.into()),
    }
}
