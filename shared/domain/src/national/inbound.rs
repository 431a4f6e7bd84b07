//! A dossier filed on the national portal, read from its record: the portal's code, the
//! procedure, the applicant, the form's values (`DuLieuBieuMau`, an object keyed by our form
//! field names) and the files it links to (`TaiLieuNop`). Every problem is reported at once,
//! as field errors; nothing else is trusted.

use crate::error::FieldError;
use crate::profile::Profile;
use serde_json::{Map, Value};

/// A file the portal holds for a dossier.
#[derive(Debug, Clone, PartialEq)]
pub struct IncomingFile {
    pub component: String,
    pub url: String,
    pub filename: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncomingDossier {
    /// `MaHoSo`: the portal's code, the key of idempotent reception.
    pub portal_code: String,
    pub procedure_code: String,
    pub applicant: Profile,
    pub form: Map<String, Value>,
    pub files: Vec<IncomingFile>,
}

fn text(r: &Map<String, Value>, name: &str) -> Option<String> {
    match r.get(name) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

fn required(r: &Map<String, Value>, name: &str, errors: &mut Vec<FieldError>) -> String {
    text(r, name).unwrap_or_else(|| {
        errors.push(FieldError {
            field: name.into(),
            code: "required",
            message: format!("Thiếu trường bắt buộc {name}."),
        });
        String::new()
    })
}

impl IncomingDossier {
    pub fn parse(r: &Map<String, Value>) -> Result<IncomingDossier, Vec<FieldError>> {
        let mut errors = vec![];
        let portal_code = required(r, "MaHoSo", &mut errors);
        if portal_code.len() > 100 || portal_code.chars().any(char::is_control) {
            errors.push(FieldError {
                field: "MaHoSo".into(),
                code: "invalid",
                message: "Mã hồ sơ không hợp lệ.".into(),
            });
        }
        let procedure_code = required(r, "MaTTHC", &mut errors);
        let full_name = required(r, "ChuHoSo", &mut errors);
        let business = matches!(text(r, "LoaiDoiTuong").as_deref(), Some("1") | Some("2"));
        let number = text(r, "SoGiayToChuHoSo");
        let applicant = Profile {
            full_name,
            id_number: if business { None } else { number.clone() },
            business_code: if business { number } else { None },
            email: text(r, "Email"),
            phone: text(r, "SoDienThoai"),
            address: text(r, "DiaChi"),
            ..Profile::default()
        };
        errors
            .extend(applicant.check().into_iter().map(|e| FieldError { field: format!("applicant.{}", e.field), ..e }));
        let form = match r.get("DuLieuBieuMau") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => {
                errors.push(FieldError {
                    field: "DuLieuBieuMau".into(),
                    code: "invalid",
                    message: "Dữ liệu biểu mẫu phải là một đối tượng JSON.".into(),
                });
                Map::new()
            }
        };
        let mut files = vec![];
        let docs = match r.get("TaiLieuNop") {
            None | Some(Value::Null) => &vec![],
            Some(Value::Array(a)) => a,
            Some(_) => {
                errors.push(FieldError {
                    field: "TaiLieuNop".into(),
                    code: "invalid",
                    message: "TaiLieuNop phải là một danh sách.".into(),
                });
                &vec![]
            }
        };
        for (i, doc) in docs.iter().enumerate() {
            let Some(doc) = doc.as_object() else {
                errors.push(FieldError {
                    field: format!("TaiLieuNop[{i}]"),
                    code: "invalid",
                    message: "Tài liệu không hợp lệ.".into(),
                });
                continue;
            };
            if matches!(text(doc, "IsDeleted").as_deref(), Some("1")) {
                continue;
            }
            let mut e = vec![];
            let component = required(doc, "MaThanhPhanHoSo", &mut e);
            let url = required(doc, "DuongDanTaiTepTin", &mut e);
            for mut err in e {
                err.field = format!("TaiLieuNop[{i}].{}", err.field);
                errors.push(err);
            }
            let filename = text(doc, "TenTepDinhKem")
                .unwrap_or_else(|| url.rsplit('/').next().unwrap_or("tep-dinh-kem").to_string());
            files.push(IncomingFile { component, url, filename });
        }
        if errors.is_empty() {
            Ok(IncomingDossier { portal_code, procedure_code, applicant, form, files })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn reads_a_complete_record() {
        let d = IncomingDossier::parse(&record(json!({
            "MaHoSo": "G22-260601-0000001", "MaTTHC": "1.001193", "ChuHoSo": "Lê Văn Nam",
            "SoGiayToChuHoSo": "001090000002", "LoaiDoiTuong": 0, "Email": "nam@example.vn",
            "DuLieuBieuMau": {"child_name": "Lê Minh An"},
            "TaiLieuNop": [
                {"MaThanhPhanHoSo": "to-khai", "DuongDanTaiTepTin": "https://dvc.example/files/a.pdf"},
                {"MaThanhPhanHoSo": "cu", "DuongDanTaiTepTin": "https://dvc.example/files/b.pdf", "IsDeleted": 1}
            ]
        })))
        .unwrap();
        assert_eq!(d.portal_code, "G22-260601-0000001");
        assert_eq!(d.applicant.id_number.as_deref(), Some("001090000002"));
        assert_eq!(d.form["child_name"], "Lê Minh An");
        assert_eq!(
            d.files,
            vec![IncomingFile {
                component: "to-khai".into(),
                url: "https://dvc.example/files/a.pdf".into(),
                filename: "a.pdf".into()
            }]
        );
    }

    #[test]
    fn a_business_is_identified_by_its_enterprise_code() {
        let d = IncomingDossier::parse(&record(json!({
            "MaHoSo": "X", "MaTTHC": "2.0", "ChuHoSo": "Công ty A", "SoGiayToChuHoSo": "0101234567", "LoaiDoiTuong": "1"
        })))
        .unwrap();
        assert_eq!((d.applicant.business_code.as_deref(), d.applicant.id_number), (Some("0101234567"), None));
    }

    #[test]
    fn reports_every_problem_at_once() {
        let errors = IncomingDossier::parse(&record(json!({
            "MaTTHC": "", "DuLieuBieuMau": [1], "TaiLieuNop": [{"MaThanhPhanHoSo": "a"}, 5]
        })))
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in ["MaHoSo", "MaTTHC", "ChuHoSo", "DuLieuBieuMau", "TaiLieuNop[0].DuongDanTaiTepTin", "TaiLieuNop[1]"] {
            assert!(fields.contains(&f), "{f} not reported in {fields:?}");
        }
    }
}
