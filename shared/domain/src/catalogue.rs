//! The procedure catalogue (M1, P3, P7): agencies, fields, procedures with their components,
//! fees, statutory time and form schema, and the validation of form data against that schema.
//!
//! Procedures are versioned: a dossier keeps the version it was filed under.

use crate::calendar::StatutoryTime;
use crate::error::FieldError;
use crate::ids::{AgencyCode, ProcedureCode};
use crate::text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    /// Identifier code (QCVN 102:2016 or Decision 20/2020 style).
    pub code: AgencyCode,
    pub name: String,
    pub parent: Option<AgencyCode>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// A Public Administration Service Centre (Trung tâm Phục vụ hành chính công, province or
    /// commune): its receiving officers take boundary-free dossiers of any agency (R5).
    #[serde(default)]
    pub service_centre: bool,
    /// Level of government it belongs to (R6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<GovernmentLevel>,
    /// In force from, and until (a merger, a renaming, the end of the districts on 30/06/2025).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    /// The units it took over (merged into it, or renamed as it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub predecessors: Vec<AgencyCode>,
    /// The unit that took it over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<AgencyCode>,
}

impl Agency {
    /// Whether it exists on `day`.
    pub fn in_force(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && self.valid_to.is_none_or(|t| day <= t)
    }
}

/// Why a succession cannot be recorded: a stable code and a Vietnamese message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuccessionRefused {
    pub code: &'static str,
    pub message: String,
}

/// R6: `old` ends on the day before `from` and `new` takes it over from that day (a merger into
/// it, or a renaming as it). Returns both as they become. The unit taking over must be in force
/// that day; a unit ends once.
pub fn succession(old: &Agency, new: &Agency, from: NaiveDate) -> Result<(Agency, Agency), SuccessionRefused> {
    let refuse = |code, message: String| Err(SuccessionRefused { code, message });
    if old.code == new.code {
        return refuse("same_agency", "Đơn vị kế thừa phải khác đơn vị kết thúc hoạt động.".into());
    }
    if old.successor.is_some() || old.valid_to.is_some() {
        return refuse(
            "agency_already_ended",
            format!("{} đã kết thúc hoạt động hoặc đã có đơn vị kế thừa.", old.name),
        );
    }
    if old.valid_from.is_some_and(|f| from <= f) {
        return refuse(
            "succession_before_start",
            format!("{} chưa hoạt động trước ngày {}.", old.name, from.format("%d/%m/%Y")),
        );
    }
    if !new.in_force(from) {
        return refuse(
            "successor_not_in_force",
            format!("{} không hoạt động vào ngày {}.", new.name, from.format("%d/%m/%Y")),
        );
    }
    let ended = Agency { valid_to: from.pred_opt(), successor: Some(new.code.clone()), ..old.clone() };
    let mut taking_over = new.clone();
    if !taking_over.predecessors.contains(&old.code) {
        taking_over.predecessors.push(old.code.clone());
    }
    Ok((ended, taking_over))
}

/// Levels of government: since 01/07/2025 two levels of local government, province and commune;
/// districts end on 30/06/2025 (Resolution 202/2025/QH15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GovernmentLevel {
    Central,
    Province,
    District,
    Commune,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub code: String,
    pub name: String,
}

/// Online service level (Decree 42/2022).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceLevel {
    /// Toàn trình.
    Full,
    /// Một phần.
    Partial,
}

impl ServiceLevel {
    pub fn label(self) -> &'static str {
        match self {
            ServiceLevel::Full => "Dịch vụ công trực tuyến toàn trình",
            ServiceLevel::Partial => "Dịch vụ công trực tuyến một phần",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Citizen,
    Business,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    pub name: String,
    pub amount_vnd: u64,
    #[serde(default)]
    pub note: Option<String>,
}

/// Original / certified copy / copy (Form 01 component table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CopyKind {
    Original,
    CertifiedCopy,
    Copy,
}

impl CopyKind {
    pub fn label(self) -> &'static str {
        match self {
            CopyKind::Original => "Bản chính",
            CopyKind::CertifiedCopy => "Bản sao chứng thực",
            CopyKind::Copy => "Bản sao",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentSpec {
    pub id: String,
    pub name: String,
    pub copy_kind: CopyKind,
    pub count: u32,
    pub required: bool,
    #[serde(default)]
    pub sample_form: Option<String>,
    pub accepted_types: Vec<String>,
    pub max_size_mb: u64,
    /// A national registry that holds this document: once the applicant's data was read from
    /// it (with consent), the document is not asked for (P1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_by: Option<crate::registry::Registry>,
}

impl ComponentSpec {
    pub fn max_size_bytes(&self) -> u64 {
        self.max_size_mb * 1024 * 1024
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResultKind {
    Paper,
    Electronic,
    Both,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultSpec {
    pub name: String,
    pub kind: ResultKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Textarea,
    Date,
    Number,
    Email,
    Phone,
    IdNumber,
    Select,
    Checkbox,
}

/// Which profile attribute pre-fills a form field (P1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Prefill {
    FullName,
    IdNumber,
    DateOfBirth,
    Gender,
    Phone,
    Email,
    Address,
    BusinessCode,
    BusinessName,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    pub name: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    #[serde(default)]
    pub prefill: Option<Prefill>,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub max_length: Option<usize>,
    #[serde(default)]
    pub help: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Faq {
    pub question: String,
    pub answer: String,
}

/// One version of a procedure (TTHC).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    pub code: ProcedureCode,
    #[serde(default = "first_version")]
    pub version: u32,
    pub name: String,
    pub field: String,
    pub agency: AgencyCode,
    pub level: ServiceLevel,
    pub audience: Vec<Audience>,
    pub statutory_time: StatutoryTime,
    pub fees: Vec<Fee>,
    pub components: Vec<ComponentSpec>,
    pub result: ResultSpec,
    pub form: Vec<FormField>,
    pub steps: Vec<String>,
    pub legal_basis: Vec<String>,
    #[serde(default)]
    pub conditions: Option<String>,
    #[serde(default)]
    pub faq: Vec<Faq>,
    /// Internal workflow (M1); [`Workflow::default_for`] the statutory time when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<crate::workflow::Workflow>,
    /// The level of government competent for it in this version (R6): sector decrees moved
    /// competences between levels in 2025.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competent_level: Option<GovernmentLevel>,
    /// On the province's boundary-free list (phi địa giới, R5): any service centre receives it.
    #[serde(default)]
    pub boundary_free: bool,
    /// Processed in a ministry's system, not here (R11): its dossiers are filed there and
    /// their statuses synced in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processed_in: Option<crate::coexistence::ProcessingSystem>,
    /// Filing online needs a VNeID login of at least this assurance level (R7; 2 where the
    /// result rests on the applicant's identity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 2)]
    pub min_vneid_level: Option<u8>,
    /// The post's charge for delivering the result, collected from the applicant on delivery
    /// where the agency does not pay it (P15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postage_on_delivery_vnd: Option<u64>,
    /// How long its dossiers are kept after closing (G9); 10 years when not said.
    #[serde(default)]
    pub retention: crate::retention::Retention,
}

fn first_version() -> u32 {
    1
}

impl Procedure {
    /// The workflow in force for this version.
    pub fn workflow(&self) -> crate::workflow::Workflow {
        self.workflow.clone().unwrap_or_else(|| crate::workflow::Workflow::default_for(self.statutory_time))
    }

    /// Refuses an online filing by a session below the procedure's VNeID level (R7), saying why.
    pub fn check_login(&self, caller: &crate::caller::Caller) -> Result<(), String> {
        match self.min_vneid_level {
            Some(min) if caller.vneid_level.unwrap_or(0) < min => Err(format!(
                "Thủ tục “{}” yêu cầu đăng nhập bằng tài khoản định danh điện tử VNeID mức độ {min}. \
                 Vui lòng đăng xuất và đăng nhập lại bằng VNeID.",
                self.name
            )),
            _ => Ok(()),
        }
    }

    pub fn component(&self, id: &str) -> Option<&ComponentSpec> {
        self.components.iter().find(|c| c.id == id)
    }

    /// The text searched by keyword (name, code, field), folded.
    pub fn search_text(&self, field_name: &str, agency_name: &str) -> String {
        text::fold(&format!("{} {} {} {}", self.name, self.code, field_name, agency_name))
    }

    /// Checks the procedure itself is consistent (unique names and ids, select options).
    pub fn check(&self) -> Result<(), String> {
        self.retention.check()?;
        let mut names = std::collections::HashSet::new();
        for f in &self.form {
            if !names.insert(&f.name) {
                return Err(format!("trường biểu mẫu trùng tên: {}", f.name));
            }
            if f.kind == FieldKind::Select && f.options.is_empty() {
                return Err(format!("trường chọn {} không có lựa chọn", f.name));
            }
        }
        let mut ids = std::collections::HashSet::new();
        for c in &self.components {
            if !ids.insert(&c.id) {
                return Err(format!("thành phần hồ sơ trùng mã: {}", c.id));
            }
        }
        Ok(())
    }
}

/// Validates form data against the schema. `complete = false` (a draft) only checks the
/// values present; `complete = true` (submission) also requires the required fields.
/// Returns the data normalised (trimmed strings, unknown fields refused).
pub fn validate_form(
    schema: &[FormField],
    data: &Map<String, Value>,
    complete: bool,
) -> Result<Map<String, Value>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out = Map::new();
    for name in data.keys() {
        if !schema.iter().any(|f| &f.name == name) {
            errors.push(FieldError {
                field: name.clone(),
                code: "unknown_field",
                message: format!("Trường “{name}” không có trong biểu mẫu của thủ tục này."),
            });
        }
    }
    for field in schema {
        match data.get(&field.name) {
            None | Some(Value::Null) => {
                if complete && field.required {
                    errors.push(required(field));
                }
            }
            Some(Value::String(s)) if s.trim().is_empty() => {
                if complete && field.required {
                    errors.push(required(field));
                }
            }
            Some(value) => match check_value(field, value) {
                Ok(v) => {
                    out.insert(field.name.clone(), v);
                }
                Err(e) => errors.push(e),
            },
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn required(field: &FormField) -> FieldError {
    FieldError {
        field: field.name.clone(), code: "required", message: format!("Vui lòng nhập “{}”.", field.label)
    }
}

fn invalid(field: &FormField, code: &'static str, what: &str) -> FieldError {
    FieldError { field: field.name.clone(), code, message: format!("“{}” {what}", field.label) }
}

fn check_value(field: &FormField, value: &Value) -> Result<Value, FieldError> {
    if field.kind == FieldKind::Checkbox {
        return value
            .as_bool()
            .map(Value::Bool)
            .ok_or_else(|| invalid(field, "invalid_type", "phải là có hoặc không."));
    }
    if field.kind == FieldKind::Number {
        let n = match value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        return match n {
            Some(n) if n.is_finite() && n >= 0.0 => Ok(serde_json::json!(n)),
            _ => Err(invalid(field, "invalid_number", "phải là một số không âm.")),
        };
    }
    let Some(s) = value.as_str() else {
        return Err(invalid(field, "invalid_type", "phải là văn bản."));
    };
    let s = s.trim();
    let max = field.max_length.unwrap_or(if field.kind == FieldKind::Textarea { 4000 } else { 500 });
    if s.chars().count() > max {
        return Err(invalid(field, "too_long", &format!("dài quá {max} ký tự.")));
    }
    let ok = match field.kind {
        FieldKind::Date => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
        FieldKind::Email => valid_email(s),
        FieldKind::Phone => valid_phone(s),
        FieldKind::IdNumber => s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()),
        FieldKind::Select => field.options.iter().any(|o| o == s),
        _ => true,
    };
    if !ok {
        let what = match field.kind {
            FieldKind::Date => "phải là ngày hợp lệ (năm-tháng-ngày).",
            FieldKind::Email => "không phải địa chỉ thư điện tử hợp lệ.",
            FieldKind::Phone => "không phải số điện thoại hợp lệ (10 chữ số, bắt đầu bằng 0).",
            FieldKind::IdNumber => "phải là số định danh cá nhân gồm 12 chữ số.",
            _ => "phải là một trong các lựa chọn cho sẵn.",
        };
        return Err(invalid(field, "invalid_format", what));
    }
    Ok(Value::String(s.to_string()))
}

fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
}

/// Vietnamese phone numbers: 10 digits starting with 0, or +84 followed by 9 digits.
pub fn valid_phone(s: &str) -> bool {
    let digits: String = s.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
    let rest = if let Some(r) = digits.strip_prefix("+84") { format!("0{r}") } else { digits };
    rest.len() == 10 && rest.starts_with('0') && rest.bytes().all(|b| b.is_ascii_digit())
}

/// The whole demo or imported catalogue (the seed file's shape).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogueSeed {
    pub note: String,
    pub agencies: Vec<Agency>,
    pub fields: Vec<Field>,
    pub procedures: Vec<Procedure>,
}

impl CatalogueSeed {
    /// Every procedure refers to a known field and agency and is itself consistent.
    pub fn check(&self) -> Result<(), String> {
        for p in &self.procedures {
            if !self.fields.iter().any(|f| f.code == p.field) {
                return Err(format!("{}: lĩnh vực {} không tồn tại", p.code, p.field));
            }
            if !self.agencies.iter().any(|a| a.code == p.agency) {
                return Err(format!("{}: cơ quan {} không tồn tại", p.code, p.agency));
            }
            p.check().map_err(|e| format!("{}: {e}", p.code))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn unit(code: &str, name: &str) -> Agency {
        Agency {
            code: code.into(),
            name: name.into(),
            parent: None,
            address: None,
            phone: None,
            email: None,
            service_centre: false,
            level: Some(GovernmentLevel::Commune),
            valid_from: None,
            valid_to: None,
            predecessors: vec![],
            successor: None,
        }
    }

    #[test]
    fn a_unit_ends_the_day_before_its_successor_takes_it_over_and_only_once() {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let old = unit("000.17.05.H56", "Ủy ban nhân dân xã Đông Tân");
        let new = Agency {
            valid_from: Some(day("2025-07-01")),
            ..unit("000.17.22.H56", "Ủy ban nhân dân phường Hạc Thành")
        };
        let (ended, taking_over) = succession(&old, &new, day("2025-07-01")).unwrap();
        assert_eq!((ended.valid_to, ended.successor.as_deref()), (Some(day("2025-06-30")), Some("000.17.22.H56")));
        assert_eq!(taking_over.predecessors, ["000.17.05.H56"]);
        assert!(!ended.in_force(day("2025-07-01")) && ended.in_force(day("2025-06-30")));
        let code = |r: Result<(Agency, Agency), SuccessionRefused>| r.unwrap_err().code;
        assert_eq!(code(succession(&ended, &new, day("2025-08-01"))), "agency_already_ended");
        assert_eq!(code(succession(&old, &old, day("2025-07-01"))), "same_agency");
        assert_eq!(code(succession(&old, &new, day("2025-06-01"))), "successor_not_in_force");
        let young = Agency { valid_from: Some(day("2025-07-01")), ..old.clone() };
        assert_eq!(code(succession(&young, &new, day("2025-07-01"))), "succession_before_start");
    }

    fn field(name: &str, kind: FieldKind, required: bool) -> FormField {
        FormField {
            name: name.into(),
            label: name.into(),
            kind,
            required,
            prefill: None,
            options: vec!["Nam".into(), "Nữ".into()],
            max_length: None,
            help: None,
        }
    }

    fn schema() -> Vec<FormField> {
        vec![
            field("ho_ten", FieldKind::Text, true),
            field("ngay_sinh", FieldKind::Date, true),
            field("so_dinh_danh", FieldKind::IdNumber, true),
            field("gioi_tinh", FieldKind::Select, false),
            field("dien_thoai", FieldKind::Phone, false),
            field("thu_dien_tu", FieldKind::Email, false),
        ]
    }

    #[test]
    fn valid_data_is_accepted_and_trimmed() {
        let data = json!({"ho_ten": "  Nguyễn Văn An ", "ngay_sinh": "1990-05-01", "so_dinh_danh": "038090001234",
            "gioi_tinh": "Nam", "dien_thoai": "0912 345 678", "thu_dien_tu": "an@example.vn"});
        let out = validate_form(&schema(), data.as_object().unwrap(), true).unwrap();
        assert_eq!(out["ho_ten"], "Nguyễn Văn An");
    }

    #[test]
    fn a_draft_may_be_incomplete_but_a_submission_may_not() {
        let data = json!({"ho_ten": "Nguyễn Văn An"});
        assert!(validate_form(&schema(), data.as_object().unwrap(), false).is_ok());
        let errs = validate_form(&schema(), data.as_object().unwrap(), true).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["ngay_sinh", "so_dinh_danh"]);
        assert!(errs[0].message.starts_with("Vui lòng nhập"));
    }

    #[test]
    fn each_kind_rejects_bad_values_with_a_vietnamese_message() {
        let data = json!({"ho_ten": 5, "ngay_sinh": "31/02/2020", "so_dinh_danh": "12345", "gioi_tinh": "Khác",
            "dien_thoai": "12345", "thu_dien_tu": "khong-hop-le", "la": "x"});
        let errs = validate_form(&schema(), data.as_object().unwrap(), true).unwrap_err();
        assert_eq!(errs.len(), 7, "{errs:?}");
        assert!(errs.iter().any(|e| e.code == "unknown_field" && e.field == "la"));
        assert!(errs.iter().all(|e| !e.message.is_empty()));
    }

    #[test]
    fn phone_numbers_accept_the_vietnamese_forms() {
        assert!(valid_phone("0912345678"));
        assert!(valid_phone("+84 912 345 678"));
        assert!(!valid_phone("912345678"));
    }
}

#[cfg(test)]
mod login_level_tests {
    use crate::caller::Caller;
    use crate::roles::Role;

    #[test]
    fn a_level_2_procedure_refuses_password_and_level_1_sessions() {
        let mut p: super::Procedure = serde_json::from_value(serde_json::json!({
            "code": "1.013141", "name": "Đổi giấy phép lái xe", "field": "GT", "agency": "000.00.00.H56",
            "level": "full", "audience": ["citizen"], "statutory_time": {"unit": "working_days", "value": 5},
            "fees": [], "components": [], "result": {"name": "Giấy phép lái xe", "kind": "both"},
            "form": [], "steps": [], "legal_basis": []
        }))
        .unwrap();
        let session =
            |level| Caller { id: "u".into(), role: Role::Citizen, agency: None, name: "An".into(), vneid_level: level };
        assert!(p.check_login(&session(None)).is_ok(), "no requirement: any session");
        p.min_vneid_level = Some(2);
        assert!(p.check_login(&session(None)).unwrap_err().contains("VNeID mức độ 2"));
        assert!(p.check_login(&session(Some(1))).is_err());
        assert!(p.check_login(&session(Some(2))).is_ok());
    }
}
