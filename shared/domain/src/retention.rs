//! Archive and retention (G9, M4): how long a procedure's dossiers are kept, when a closed
//! dossier moves to the archive (read-only from then), from when its personal data may be
//! erased, and what the erasure removes and keeps.
//!
//! The Law on Archives has an agency's records handed to its archive within a year of the work
//! ending: a dossier is archived [`ARCHIVE_AFTER_DAYS`] after it closed (refused, stopped or
//! its result returned). The retention period is set per procedure (as the agency's list of
//! retention periods says); past it, and on a destruction decision of the agency, the
//! applicant's personal data and files may be erased. The dossier keeps its code, procedure,
//! dates, statuses and officers' steps, so that statistics and the audit chain stay whole.

use crate::dossier::{Dossier, Person};
use chrono::{DateTime, FixedOffset, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Days between a dossier's closing and its move to the archive.
pub const ARCHIVE_AFTER_DAYS: i64 = 365;
/// Retention of procedures whose catalogue entry does not say.
pub const DEFAULT_RETENTION_YEARS: u16 = 10;
/// What is left of an erased text.
pub const ERASED: &str = "[đã xóa theo thời hạn lưu trữ]";

/// How long a procedure's dossiers are kept after closing: `{"years": n}` or `"permanent"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Retention {
    /// A number of years (1–100).
    Years(u16),
    /// Kept permanently ("vĩnh viễn"): never erased.
    Permanent,
}

/// Written by hand: the derive cannot bound the years of a tuple variant.
impl utoipa::PartialSchema for Retention {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, OneOfBuilder, Type};
        let years = ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(100));
        let for_years = ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("years", years)
            .required("years")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .description(Some("Lưu trữ một số năm (1–100) kể từ ngày hồ sơ kết thúc"));
        let permanent = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(["permanent"]))
            .description(Some("Lưu trữ vĩnh viễn"));
        OneOfBuilder::new().item(for_years).item(permanent).into()
    }
}

impl utoipa::ToSchema for Retention {
    fn name() -> std::borrow::Cow<'static, str> {
        "Retention".into()
    }
}

impl Default for Retention {
    fn default() -> Self {
        Retention::Years(DEFAULT_RETENTION_YEARS)
    }
}

impl Retention {
    /// As people say it: "10 năm", "Vĩnh viễn".
    pub fn label(self) -> String {
        match self {
            Retention::Years(n) => format!("{n} năm"),
            Retention::Permanent => "Vĩnh viễn".into(),
        }
    }

    pub fn check(self) -> Result<(), String> {
        match self {
            Retention::Years(n) if !(1..=100).contains(&n) => {
                Err(format!("thời hạn lưu trữ phải từ 1 đến 100 năm (đang là {n})"))
            }
            _ => Ok(()),
        }
    }
}

/// The archive package of a dossier (a BagIt bag in a zip file): where it is and what it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Package {
    pub object_key: String,
    pub filename: String,
    pub size: u64,
    pub sha256: String,
}

/// A recorded erasure of a dossier's personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Erasure {
    pub at: DateTime<FixedOffset>,
    pub by: Person,
    /// The agency's destruction decision ("Quyết định số …").
    pub decision: String,
    pub reason: String,
    /// Files deleted from storage.
    pub files_deleted: u32,
}

/// A dossier in the archive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArchiveRecord {
    pub archived_at: DateTime<FixedOffset>,
    pub closed_at: DateTime<FixedOffset>,
    pub retention: Retention,
    pub retention_label: String,
    /// First day the personal data may be erased (none: kept permanently).
    pub erasable_from: Option<NaiveDate>,
    /// The package; gone once the personal data is erased (its digest stays in the chain).
    pub package: Option<Package>,
    pub erasure: Option<Erasure>,
}

/// When the dossier closed: the step that took it to its final status.
pub fn closed_at(d: &Dossier) -> Option<DateTime<FixedOffset>> {
    if !d.status.is_final() {
        return None;
    }
    d.history.iter().rev().find(|s| s.to == d.status).map(|s| s.at).or(Some(d.updated_at))
}

/// When a closed dossier is due to move to the archive.
pub fn archive_due(d: &Dossier) -> Option<DateTime<FixedOffset>> {
    if d.archive.is_some() {
        return None;
    }
    closed_at(d).map(|t| t + chrono::Duration::days(ARCHIVE_AFTER_DAYS))
}

/// The archive record of `d`, closed at `closed`, archived at `now` with `package`.
pub fn record(
    d: &Dossier,
    closed: DateTime<FixedOffset>,
    now: DateTime<FixedOffset>,
    package: Package,
) -> ArchiveRecord {
    ArchiveRecord {
        archived_at: now,
        closed_at: closed,
        retention: d.retention,
        retention_label: d.retention.label(),
        erasable_from: match d.retention {
            Retention::Years(n) => closed.date_naive().checked_add_months(Months::new(12 * u32::from(n))),
            Retention::Permanent => None,
        },
        package: Some(package),
        erasure: None,
    }
}

/// Why the personal data of `d` may not be erased on `today`, if it may not.
pub fn erasure_refused(d: &Dossier, today: NaiveDate) -> Option<(&'static str, String)> {
    let Some(archive) = &d.archive else {
        return Some(("not_archived", "Hồ sơ chưa chuyển vào lưu trữ.".into()));
    };
    match archive.erasable_from {
        None => Some(("retention_permanent", "Hồ sơ thuộc loại lưu trữ vĩnh viễn, không được xóa.".into())),
        Some(from) if today < from => Some((
            "retention_not_expired",
            format!(
                "Chưa hết thời hạn lưu trữ ({}): chỉ được xóa từ ngày {}.",
                archive.retention_label,
                from.format("%d/%m/%Y")
            ),
        )),
        Some(_) => None,
    }
}

/// Removes the applicant's personal data from `d`: identity, contact, form, files, the
/// receipt secret and the free texts that may quote them. Returns the object keys of the
/// files to delete. Code, procedure, dates, statuses and steps stay.
pub fn erase(d: &mut Dossier, erasure: Erasure) -> Vec<String> {
    let mut objects: Vec<String> = d.components.iter().chain(d.result.iter()).map(|f| f.object_key.clone()).collect();
    if let Some(archive) = d.archive.as_mut() {
        objects.extend(archive.package.take().map(|p| p.object_key));
        archive.erasure = Some(erasure);
    }
    d.applicant = crate::profile::Profile { full_name: ERASED.into(), ..Default::default() };
    d.form.clear();
    d.components.clear();
    d.result = None;
    d.receipt_secret = None;
    for step in &mut d.history {
        if step.note.is_some() {
            step.note = Some(ERASED.into());
        }
    }
    for s in &mut d.supplements {
        s.note = s.note.as_ref().map(|_| ERASED.into());
        for item in &mut s.items {
            item.reason = ERASED.into();
        }
    }
    for c in &mut d.consultations {
        c.question = ERASED.into();
        c.answer = c.answer.as_ref().map(|_| ERASED.into());
    }
    for p in &mut d.parts {
        p.note = p.note.as_ref().map(|_| ERASED.into());
    }
    if let Some(delivery) = d.delivery.as_mut() {
        delivery.address = None;
    }
    objects
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_is_one_to_a_hundred_years_or_permanent() {
        assert!(Retention::Years(0).check().is_err() && Retention::Years(101).check().is_err());
        assert!(Retention::Years(1).check().is_ok() && Retention::Permanent.check().is_ok());
        assert_eq!(serde_json::to_value(Retention::Years(5)).unwrap(), serde_json::json!({"years": 5}));
        assert_eq!(serde_json::to_value(Retention::Permanent).unwrap(), serde_json::json!("permanent"));
        assert_eq!(Retention::default().label(), "10 năm");
    }
}
