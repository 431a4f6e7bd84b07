//! What the state already holds about a person or a business (P1): an account's profile,
//! the applicant of a dossier, and the form values it pre-fills.

use crate::catalogue::{valid_phone, Prefill, Procedure};
use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A person or a business as the state knows them: an account's profile (pre-fill source,
/// P1) and the applicant of a dossier (for a business, `full_name` is its name). Its texts
/// refuse control, invisible and direction-override characters
/// ([`crate::credentials::has_forbidden_chars`]); their schema patterns say the same.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[schema(
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]*[^\s\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff][^\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]*$"
    )]
    pub full_name: String,
    /// Personal identification number: 12 digits.
    #[serde(default)]
    #[schema(pattern = "^[0-9]{12}$")]
    pub id_number: Option<String>,
    #[serde(default)]
    #[schema(format = Date)]
    pub date_of_birth: Option<String>,
    #[serde(default)]
    #[schema(
        max_length = 500,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]*$"
    )]
    pub gender: Option<String>,
    /// 10 digits starting with 0 (or +84), spaces, dots and dashes allowed.
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
    #[schema(
        max_length = 500,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]*$"
    )]
    pub address: Option<String>,
    #[serde(default)]
    #[schema(
        max_length = 500,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]*$"
    )]
    pub business_code: Option<String>,
    #[serde(default)]
    #[schema(
        max_length = 500,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]*$"
    )]
    pub business_name: Option<String>,
}

/// Field errors of a phone number (10 digits starting with 0, or +84; spaces, dots and dashes
/// allowed) and an email address (deliverable, at most 200 characters), where given.
pub fn contact_errors(phone: Option<&str>, email: Option<&str>) -> Vec<FieldError> {
    let mut errors = vec![];
    if phone.is_some_and(|p| !valid_phone(p)) {
        errors.push(FieldError {
            field: "phone".into(),
            code: "invalid_format",
            message: "Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0).".into(),
        });
    }
    if email.is_some_and(|e| !crate::credentials::valid_email(e)) {
        errors.push(FieldError {
            field: "email".into(),
            code: "invalid_format",
            message: "Địa chỉ thư điện tử không hợp lệ.".into(),
        });
    }
    errors
}

impl Profile {
    /// Field errors of a profile (Vietnamese messages).
    pub fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut err = |field: &str, code: &'static str, message: &str| {
            errors.push(FieldError { field: field.into(), code, message: message.into() })
        };
        let name_len = self.full_name.trim().chars().count();
        if name_len == 0 || name_len > 100 {
            err("full_name", "required", "Vui lòng nhập họ và tên (tối đa 100 ký tự).");
        }
        let texts = [
            ("full_name", Some(&self.full_name)),
            ("gender", self.gender.as_ref()),
            ("address", self.address.as_ref()),
            ("business_code", self.business_code.as_ref()),
            ("business_name", self.business_name.as_ref()),
        ];
        for (field, value) in texts {
            if value.is_some_and(|v| crate::credentials::has_forbidden_chars(v)) {
                err(
                    field,
                    "invalid_characters",
                    "Không được chứa ký tự điều khiển, ký tự ẩn hoặc ký tự đảo chiều văn bản.",
                );
            }
        }
        if let Some(id) = &self.id_number {
            if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
                err("id_number", "invalid_format", "Số định danh cá nhân phải gồm 12 chữ số.");
            }
        }
        if let Some(d) = &self.date_of_birth {
            if chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() {
                err("date_of_birth", "invalid_format", "Ngày sinh phải là ngày hợp lệ (năm-tháng-ngày).");
            }
        }
        for e in contact_errors(self.phone.as_deref(), self.email.as_deref()) {
            err(&e.field, e.code, &e.message);
        }
        let texts = [
            ("gender", &self.gender),
            ("address", &self.address),
            ("business_code", &self.business_code),
            ("business_name", &self.business_name),
        ];
        for (field, value) in texts {
            if value.as_ref().is_some_and(|v| v.chars().count() > 500) {
                err(field, "too_long", "Giá trị dài quá 500 ký tự.");
            }
        }
        errors
    }

    fn value(&self, p: Prefill) -> Option<&String> {
        match p {
            Prefill::FullName => Some(&self.full_name),
            Prefill::IdNumber => self.id_number.as_ref(),
            Prefill::DateOfBirth => self.date_of_birth.as_ref(),
            Prefill::Gender => self.gender.as_ref(),
            Prefill::Phone => self.phone.as_ref(),
            Prefill::Email => self.email.as_ref(),
            Prefill::Address => self.address.as_ref(),
            Prefill::BusinessCode => self.business_code.as_ref(),
            Prefill::BusinessName => self.business_name.as_ref(),
        }
    }

    /// Form values pre-filled from the profile for a procedure's form (P1).
    pub fn prefill(&self, procedure: &Procedure) -> Map<String, Value> {
        procedure
            .form
            .iter()
            .filter_map(|f| Some((f.name.clone(), Value::String(self.value(f.prefill?)?.clone()))))
            .collect()
    }
}
