//! Data the state already holds (G5, P1; Law 91/2025 on personal data): which registry a
//! dossier's data was read from, under which consent, what it filled in and which documents
//! it spared the applicant; the consent text the applicant agrees to.

use crate::catalogue::Procedure;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A national database the state reads a person's data from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Registry {
    /// The national population database (Cơ sở dữ liệu quốc gia về dân cư).
    Population,
}

impl Registry {
    pub fn label(self) -> &'static str {
        match self {
            Registry::Population => "Cơ sở dữ liệu quốc gia về dân cư",
        }
    }

    /// The database's code in the national portal's records (`DSKetNoiCSDL.MaCSDL`).
    pub fn code(self) -> &'static str {
        match self {
            Registry::Population => "CSDLQGVDC",
        }
    }
}

/// The version of [`consent_text`] in force; an applicant agrees to one version.
pub const CONSENT_VERSION: &str = "2026-01";

/// What the applicant is asked to agree to before the registry is read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConsentText {
    pub version: String,
    pub registry: Registry,
    pub registry_name: String,
    /// The data read.
    pub data: Vec<String>,
    pub text: String,
}

pub fn consent_text() -> ConsentText {
    let registry = Registry::Population;
    let data = ["Họ, chữ đệm và tên", "Số định danh cá nhân", "Ngày, tháng, năm sinh", "Giới tính", "Nơi thường trú"];
    ConsentText {
        version: CONSENT_VERSION.into(),
        registry,
        registry_name: registry.label().into(),
        data: data.iter().map(|d| d.to_string()).collect(),
        text: format!(
            "Tôi đồng ý để cơ quan giải quyết thủ tục hành chính khai thác thông tin của tôi trong {} \
             ({}) để điền sẵn tờ khai, không phải nộp lại giấy tờ Nhà nước đã có, và để cán bộ đối chiếu khi \
             giải quyết hồ sơ này. Mỗi lần khai thác đều được ghi lại (ai, khi nào, mục đích gì) và tôi xem \
             được tại mục “Ai đã xem dữ liệu của tôi”. Tôi có thể rút lại sự đồng ý bất cứ lúc nào; việc rút \
             lại không ảnh hưởng đến việc xử lý đã thực hiện trước đó (Luật Bảo vệ dữ liệu cá nhân số \
             91/2025/QH15).",
            registry.label(),
            data.join(", ").to_lowercase()
        ),
    }
}

/// A registry read for a dossier, with the applicant's consent: what it gave and what it spared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegistryUse {
    pub registry: Registry,
    pub registry_name: String,
    /// The applicant's consent (`GET /api/v1/me/consents`).
    pub consent_id: String,
    pub read_at: DateTime<FixedOffset>,
    /// The form values the registry gave, by field name.
    #[schema(value_type = Object)]
    pub values: Map<String, Value>,
    /// The procedure's components the registry holds: not asked of the applicant.
    pub components: Vec<String>,
}

impl RegistryUse {
    /// A read of `registry` giving `values` for `procedure`'s form.
    pub fn new(
        registry: Registry,
        consent_id: String,
        read_at: DateTime<FixedOffset>,
        values: Map<String, Value>,
        procedure: &Procedure,
    ) -> RegistryUse {
        let components =
            procedure.components.iter().filter(|c| c.held_by == Some(registry)).map(|c| c.id.clone()).collect();
        RegistryUse { registry, registry_name: registry.label().into(), consent_id, read_at, values, components }
    }

    /// The fields of `form` still holding what the registry gave (the applicant may have
    /// corrected some: those are the applicant's own declaration).
    pub fn reused_fields(&self, form: &Map<String, Value>) -> Vec<String> {
        self.values.iter().filter(|(k, v)| form.get(*k) == Some(*v)).map(|(k, _)| k.clone()).collect()
    }

    /// Whether the dossier reused data the state holds (the 766 index's input).
    pub fn reused(&self, form: &Map<String, Value>) -> bool {
        !self.components.is_empty() || !self.reused_fields(form).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::{Channel, Dossier};
    use serde_json::json;

    fn procedure() -> Procedure {
        let component = |id: &str, held: bool| {
            let mut c = json!({"id": id, "name": id, "copy_kind": "copy", "count": 1, "required": true,
                "accepted_types": ["application/pdf"], "max_size_mb": 10});
            if held {
                c["held_by"] = json!("population");
            }
            c
        };
        serde_json::from_value(json!({
            "code": "2.000488", "name": "Cấp Phiếu lý lịch tư pháp", "field": "LLTP", "agency": "000.00.00.H56",
            "level": "full", "audience": ["citizen"], "statutory_time": {"unit": "working_days", "value": 10},
            "fees": [], "components": [component("to-khai", false), component("giay-to-tuy-than", true)],
            "result": {"name": "Phiếu", "kind": "both"},
            "form": [], "steps": [], "legal_basis": []
        }))
        .unwrap()
    }

    #[test]
    fn a_registry_read_spares_the_documents_it_holds_and_counts_the_values_still_its_own() {
        let p = procedure();
        let now = chrono::DateTime::parse_from_rfc3339("2026-06-01T08:00:00+07:00").unwrap();
        let mut d = Dossier::draft(
            "d".into(),
            &p,
            "Sở".into(),
            "u".into(),
            Default::default(),
            Channel::Online,
            Map::new(),
            now,
        );
        let missing = |d: &Dossier| d.missing_components(&p).into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(missing(&d), ["components.to-khai", "components.giay-to-tuy-than"]);
        let values = json!({"full_name": "Nguyễn Văn An", "address": "Thanh Hóa"}).as_object().cloned().unwrap();
        d.form = values.clone();
        let used = RegistryUse::new(Registry::Population, "u.1".into(), now, values, &p);
        assert_eq!(used.components, ["giay-to-tuy-than"]);
        d.registry_use = Some(used.clone());
        assert_eq!(missing(&d), ["components.to-khai"]);
        d.form.insert("address".into(), json!("Hà Nội"));
        assert_eq!(used.reused_fields(&d.form), ["full_name"]);
        assert!(used.reused(&d.form));
        let nothing = RegistryUse { components: vec![], values: Map::new(), ..used };
        assert!(!nothing.reused(&d.form));
    }
}
