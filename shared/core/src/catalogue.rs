//! The procedure catalogue (M1, P3, P7, P10): storing versioned procedures, agencies and
//! fields, and searching them with or without Vietnamese diacritics.

use crate::{keys, Caller, CoreError, CoreResult, Services};
use motcua_domain::catalogue::{Agency, Audience, CatalogueSeed, Field, Procedure, ServiceLevel};
use motcua_domain::ids::{AgencyCode, ProcedureCode};
use motcua_domain::retention::Retention;
use motcua_domain::roles::Role;
use motcua_domain::text;
use motcua_domain::workflow::Workflow;
use motcua_ports::{Condition, Index, Table, WriteOp};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Search criteria (P10).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchQuery {
    pub q: Option<String>,
    pub agency: Option<String>,
    pub field: Option<String>,
    pub level: Option<ServiceLevel>,
    pub audience: Option<Audience>,
}

/// A catalogue entry in search results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProcedureSummary {
    pub code: ProcedureCode,
    pub version: u32,
    pub name: String,
    pub field: String,
    pub field_name: String,
    pub agency: AgencyCode,
    pub agency_name: String,
    pub level: ServiceLevel,
    pub level_label: &'static str,
    pub statutory_time: motcua_domain::calendar::StatutoryTime,
    pub audience: Vec<Audience>,
    /// On the boundary-free list: any service centre receives it (R5).
    pub boundary_free: bool,
    /// Processed in a ministry's system, where applicants file (R11).
    pub processed_in: Option<motcua_domain::coexistence::ProcessingSystem>,
}

async fn read_all<T: serde::de::DeserializeOwned>(table: &dyn Table, partition: &str) -> CoreResult<Vec<T>> {
    keys::read_partition(table, Index::Gsi1, partition).await
}

pub async fn agencies(s: &Services) -> CoreResult<Vec<Agency>> {
    read_all(s.table.as_ref(), keys::AGENCIES).await
}

pub async fn fields(s: &Services) -> CoreResult<Vec<Field>> {
    read_all(s.table.as_ref(), keys::FIELDS).await
}

pub async fn agency(s: &Services, code: &str) -> CoreResult<Agency> {
    let item = s.table.get(&keys::agency(code)).await?.ok_or_else(|| CoreError::not_found("cơ quan"))?;
    Ok(keys::data(&item)?)
}

/// An agency with the units it took over and those that took it over, oldest first (R6):
/// the predecessors (recursively), the agency, then its successors.
pub async fn agency_history(s: &Services, code: &str) -> CoreResult<Vec<Agency>> {
    let this = agency(s, code).await?;
    let mut before = vec![];
    let mut queue: Vec<AgencyCode> = this.predecessors.clone();
    while let Some(c) = queue.pop() {
        if before.len() >= 100 || before.iter().any(|a: &Agency| a.code == c) {
            continue;
        }
        if let Ok(a) = agency(s, &c).await {
            queue.extend(a.predecessors.iter().cloned());
            before.push(a);
        }
    }
    before.sort_by(|a, b| (a.valid_to, &a.code).cmp(&(b.valid_to, &b.code)));
    let mut after = vec![];
    let mut next = this.successor.clone();
    while let Some(c) = next.filter(|c| after.len() < 100 && *c != this.code) {
        let a = agency(s, &c).await?;
        next = a.successor.clone();
        after.push(a);
    }
    Ok(before.into_iter().chain(std::iter::once(this)).chain(after).collect())
}

/// The current version of a procedure.
pub async fn procedure(s: &Services, code: &str) -> CoreResult<Procedure> {
    let item =
        s.table.get(&keys::procedure_current(code)).await?.ok_or_else(|| CoreError::not_found("thủ tục hành chính"))?;
    Ok(keys::data(&item)?)
}

/// A given version of a procedure (the one a dossier was filed under).
pub async fn procedure_version(s: &Services, code: &str, version: u32) -> CoreResult<Procedure> {
    let item = s
        .table
        .get(&keys::procedure_version(code, version))
        .await?
        .ok_or_else(|| CoreError::not_found("phiên bản thủ tục"))?;
    Ok(keys::data(&item)?)
}

/// Publishes a procedure as a new version (the previous versions stay readable).
pub async fn publish_procedure(s: &Services, mut procedure: Procedure) -> CoreResult<Procedure> {
    procedure.check().map_err(|m| CoreError::invalid("invalid_procedure", m))?;
    let current = s.table.get(&keys::procedure_current(&procedure.code)).await?;
    let condition = match &current {
        Some(item) => {
            let old: Procedure = keys::data(item)?;
            procedure.version = old.version + 1;
            Condition::AttrEquals("version".into(), json!(old.version))
        }
        None => {
            procedure.version = 1;
            Condition::NotExists
        }
    };
    let current_key = keys::procedure_current(&procedure.code);
    let index =
        [("version", json!(procedure.version)), ("gsi1pk", json!(keys::CATALOGUE)), ("gsi1sk", json!(procedure.code))];
    s.table
        .transact(vec![
            WriteOp::Put { item: keys::item(&current_key, &procedure, &index)?, condition },
            WriteOp::Put {
                item: keys::item(&keys::procedure_version(&procedure.code, procedure.version), &procedure, &[])?,
                condition: Condition::NotExists,
            },
            changed(),
        ])
        .await
        .map_err(|e| match e {
            motcua_ports::TableError::ConditionFailed { .. } => CoreError::Conflict,
            e => e.into(),
        })?;
    Ok(procedure)
}

/// Adds or changes an agency.
pub async fn put_agency(s: &Services, a: &Agency) -> CoreResult<()> {
    Ok(s.table.transact(vec![WriteOp::Put { item: agency_item(a)?, condition: Condition::None }, changed()]).await?)
}

fn agency_item(a: &Agency) -> CoreResult<motcua_ports::Item> {
    Ok(keys::item(&keys::agency(&a.code), a, &[("gsi1pk", json!(keys::AGENCIES)), ("gsi1sk", json!(a.code))])?)
}

/// A succession to record (R6): the unit taking over, and its first day.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuccessionInput {
    /// Code of the unit taking over.
    #[schema(max_length = 35)]
    pub successor: String,
    /// The first day of the unit taking over; the old one ends the day before.
    pub from: chrono::NaiveDate,
}

/// A system administrator records that the unit `code` ended and `successor` took it over (a
/// merger into it or a renaming as it, as in the reorganisation of 01/07/2025); both are written
/// in one transaction and audited. New dossiers of the ended unit are refused from that day,
/// naming its successor; filed ones keep it. Returns the unit's history.
pub async fn record_succession(
    s: &Services,
    caller: &Caller,
    code: &str,
    input: SuccessionInput,
) -> CoreResult<Vec<Agency>> {
    if caller.role != Role::SystemAdmin {
        return Err(CoreError::Forbidden(
            "Chỉ quản trị hệ thống ghi nhận việc hợp nhất, sáp nhập, đổi tên đơn vị.".into(),
        ));
    }
    let old = agency(s, code).await?;
    let new = agency(s, &input.successor)
        .await
        .map_err(|_| CoreError::field("successor", "not_found", "Không tìm thấy đơn vị kế thừa theo mã đã nhập."))?;
    let (ended, taking_over) =
        motcua_domain::catalogue::succession(&old, &new, input.from).map_err(|r| CoreError::rule(r.code, r.message))?;
    let put = |a: &Agency| Ok::<_, CoreError>(WriteOp::Put { item: agency_item(a)?, condition: Condition::Exists });
    s.table.transact(vec![put(&ended)?, put(&taking_over)?, changed()]).await?;
    let detail = format!("{} → {} từ {}", old.name, new.name, input.from.format("%d/%m/%Y"));
    crate::admin::audit_record(s, caller, "agency.succession", code, &detail).await?;
    agency_history(s, code).await
}

/// Adds or renames a field.
pub async fn put_field(s: &Services, f: &Field) -> CoreResult<()> {
    let item = keys::item(&keys::field(&f.code), f, &[("gsi1pk", json!(keys::FIELDS)), ("gsi1sk", json!(f.code))])?;
    Ok(s.table.transact(vec![WriteOp::Put { item, condition: Condition::None }, changed()]).await?)
}

/// Loads a whole catalogue (agencies, fields, procedures). Existing procedures get a new
/// version only when their content changed.
pub async fn import(s: &Services, seed: &CatalogueSeed) -> CoreResult<usize> {
    seed.check().map_err(|m| CoreError::invalid("invalid_catalogue", m))?;
    for a in &seed.agencies {
        put_agency(s, a).await?;
    }
    for f in &seed.fields {
        put_field(s, f).await?;
    }
    let mut published = 0;
    for p in &seed.procedures {
        match procedure(s, &p.code).await {
            Ok(current) if Procedure { version: current.version, ..p.clone() } == current => continue,
            Ok(_) | Err(CoreError::NotFound(_)) => {
                publish_procedure(s, p.clone()).await?;
                published += 1;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(published)
}

/// Counts the catalogue's changes: every write of a procedure, an agency or a field carries
/// it, so one read tells a search whether its index is current.
fn changed() -> WriteOp {
    WriteOp::Add { key: keys::catalogue_version(), add: vec![("n".into(), 1)], set: Default::default() }
}

/// One procedure ready to search: its summary and the folded text a keyword is matched in.
struct Searchable {
    text: String,
    summary: ProcedureSummary,
}

/// The catalogue as searched, kept in memory at a catalogue version (issue 14): a search reads
/// one counter, not the catalogue, unless the catalogue changed since (on any instance).
#[derive(Default)]
pub struct SearchIndex(tokio::sync::RwLock<Option<(i64, std::sync::Arc<Vec<Searchable>>)>>);

impl SearchIndex {
    async fn current(&self, s: &Services) -> CoreResult<std::sync::Arc<Vec<Searchable>>> {
        let version = s.table.get(&keys::catalogue_version()).await?;
        let version = version.as_ref().and_then(|i| motcua_ports::attr_i64(i, "n")).unwrap_or(0);
        if let Some((at, index)) = self.0.read().await.as_ref() {
            if *at == version {
                return Ok(index.clone());
            }
        }
        let index = std::sync::Arc::new(searchable(s).await?);
        *self.0.write().await = Some((version, index.clone()));
        Ok(index)
    }
}

/// Every current procedure with its agency's and field's names, sorted by name.
async fn searchable(s: &Services) -> CoreResult<Vec<Searchable>> {
    let (procedures, agencies, fields) =
        (read_all::<Procedure>(s.table.as_ref(), keys::CATALOGUE).await?, agencies(s).await?, fields(s).await?);
    let name_of = |list: &[(String, String)], code: &str| {
        list.iter().find(|(c, _)| c == code).map(|(_, n)| n.clone()).unwrap_or_default()
    };
    let agency_names: Vec<_> = agencies.into_iter().map(|a| (a.code.to_string(), a.name)).collect();
    let field_names: Vec<_> = fields.into_iter().map(|f| (f.code, f.name)).collect();
    let mut out: Vec<Searchable> = procedures
        .into_iter()
        .map(|p| {
            let (field_name, agency_name) = (name_of(&field_names, &p.field), name_of(&agency_names, &p.agency));
            let text = p.search_text(&field_name, &agency_name);
            let summary = ProcedureSummary {
                code: p.code,
                version: p.version,
                name: p.name,
                field: p.field,
                field_name,
                agency: p.agency,
                agency_name,
                level: p.level,
                level_label: p.level.label(),
                statutory_time: p.statutory_time,
                audience: p.audience,
                boundary_free: p.boundary_free,
                processed_in: p.processed_in,
            };
            Searchable { text, summary }
        })
        .collect();
    out.sort_by_cached_key(|p| text::fold(&p.summary.name));
    Ok(out)
}

/// Searches the catalogue (P3, P10): keyword with or without diacritics, agency, field,
/// level, audience. Results are sorted by name.
pub async fn search(s: &Services, q: &SearchQuery) -> CoreResult<Vec<ProcedureSummary>> {
    let index = s.catalogue.current(s).await?;
    Ok(index
        .iter()
        .filter(|p| q.agency.as_ref().is_none_or(|a| &p.summary.agency == a))
        .filter(|p| q.field.as_ref().is_none_or(|f| &p.summary.field == f))
        .filter(|p| q.level.is_none_or(|l| p.summary.level == l))
        .filter(|p| q.audience.is_none_or(|a| p.summary.audience.contains(&a)))
        .filter(|p| q.q.as_ref().is_none_or(|q| text::matches(&p.text, q)))
        .map(|p| p.summary.clone())
        .collect())
}

/// Who may change a procedure's configuration: the system administrator, or an administrator
/// of its agency.
fn ensure_configures(caller: &Caller, p: &Procedure, what: &str) -> CoreResult<()> {
    if caller.role == Role::SystemAdmin || (caller.role == Role::AgencyAdmin && caller.works_for(&p.agency)) {
        return Ok(());
    }
    Err(CoreError::Forbidden(format!("Chỉ quản trị hệ thống hoặc quản trị của cơ quan được sửa {what}.")))
}

/// How long a procedure's dossiers are kept after closing (G9).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionSetting {
    /// `{"years": n}` (1–100) or `"permanent"`.
    pub retention: Retention,
}

/// The retention period of a procedure's current version.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProcedureRetention {
    pub procedure: ProcedureCode,
    pub version: u32,
    pub retention: Retention,
    pub retention_label: String,
}

/// Sets the retention period of a procedure (system administrator, or an administrator of its
/// agency) as a new version; dossiers already filed keep the period they were filed under.
pub async fn set_retention(
    s: &Services,
    caller: &Caller,
    code: &str,
    setting: RetentionSetting,
) -> CoreResult<ProcedureRetention> {
    let p = procedure(s, code).await?;
    ensure_configures(caller, &p, "thời hạn lưu trữ")?;
    let retention = setting.retention;
    if retention.check().is_err() {
        return Err(CoreError::field(
            "retention",
            "invalid_retention",
            "Thời hạn lưu trữ từ 1 đến 100 năm, hoặc vĩnh viễn.",
        ));
    }
    let p = if p.retention == retention {
        p
    } else {
        let published = publish_procedure(s, Procedure { retention, ..p }).await?;
        let detail = format!(
            "Thời hạn lưu trữ thủ tục {}: {}, phiên bản {}",
            published.code,
            retention.label(),
            published.version
        );
        crate::admin::audit_record(s, caller, "retention.set", &published.code, &detail).await?;
        published
    };
    Ok(ProcedureRetention { procedure: p.code, version: p.version, retention, retention_label: retention.label() })
}

/// The workflow of a procedure's current version (M1).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProcedureWorkflow {
    pub procedure: ProcedureCode,
    pub version: u32,
    /// Whether the procedure configures its own (otherwise the default one applies).
    pub configured: bool,
    pub workflow: Workflow,
}

pub async fn workflow_of(s: &Services, code: &str) -> CoreResult<ProcedureWorkflow> {
    let p = procedure(s, code).await?;
    Ok(ProcedureWorkflow {
        workflow: p.workflow(),
        configured: p.workflow.is_some(),
        procedure: p.code,
        version: p.version,
    })
}

/// Publishes a new version of the procedure with this workflow (system administrator, or the
/// administrator of the procedure's agency). Dossiers already filed keep their workflow.
pub async fn set_workflow(
    s: &Services,
    caller: &Caller,
    code: &str,
    workflow: Workflow,
) -> CoreResult<ProcedureWorkflow> {
    let p = procedure(s, code).await?;
    ensure_configures(caller, &p, "quy trình")?;
    workflow.validate(p.statutory_time, &p.agency).map_err(CoreError::Validation)?;
    for (i, part) in workflow.parts.iter().enumerate() {
        if agency(s, &part.agency).await.is_err() {
            return Err(CoreError::field(
                format!("parts[{i}].agency"),
                "unknown_agency",
                "Không tìm thấy cơ quan phối hợp.",
            ));
        }
    }
    let published = publish_procedure(s, Procedure { workflow: Some(workflow), ..p }).await?;
    let detail = format!("Quy trình thủ tục {}, phiên bản {}", published.code, published.version);
    crate::admin::audit_record(s, caller, "workflow.publish", &published.code, &detail).await?;
    workflow_of(s, &published.code).await
}
