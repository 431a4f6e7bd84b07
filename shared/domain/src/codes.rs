//! Identifier formats (rules §2): the dossier code `<unit>-<YYMMDD>-<NNNN>` given at
//! acceptance, the feedback tracking code, and the validation of agency identifiers.
//!
//! The sequence itself comes from an atomic counter per unit and day (in `motcua-core`); this
//! module only formats and parses, so the format can be versioned configuration.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Format of dossier codes (versioned configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DossierCodeFormat {
    /// Circular 01/2018: `000.17.22.H56-210531-0001` (4-digit sequence, more digits past 9999).
    #[default]
    Circular01,
    /// Later national practice: `G09.20-20260609-0092637` (8-digit date, 7-digit sequence).
    National2025,
}

impl DossierCodeFormat {
    pub fn format(self, unit: &str, day: NaiveDate, seq: u64) -> String {
        match self {
            DossierCodeFormat::Circular01 => format!("{unit}-{}-{seq:04}", day.format("%y%m%d")),
            DossierCodeFormat::National2025 => format!("{unit}-{}-{seq:07}", day.format("%Y%m%d")),
        }
    }
}

/// Whether a string is a plausible agency identifier: old style `000.17.22.H56`, or new style
/// up to 35 characters of `0-9`, `A-Z` and `.` starting with the level-1 group (`H56.14`).
pub fn valid_agency_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 35
        && code.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || b == b'.')
        && !code.starts_with('.')
        && !code.ends_with('.')
        && !code.contains("..")
}

/// Whether a string has the shape of a dossier code of any configured format (cheap check
/// before a lookup: `<agency>-<6 or 8 digits>-<4+ digits>`).
pub fn looks_like_dossier_code(code: &str) -> bool {
    let mut parts = code.rsplitn(3, '-');
    let (Some(seq), Some(day), Some(unit)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    valid_agency_code(unit)
        && (day.len() == 6 || day.len() == 8)
        && day.bytes().all(|b| b.is_ascii_digit())
        && seq.len() >= 4
        && seq.len() <= 9
        && seq.bytes().all(|b| b.is_ascii_digit())
}

/// Feedback / petition tracking code: `PAKN-<YYMMDD>-<NNNN>`.
pub fn feedback_code(day: NaiveDate, seq: u64) -> String {
    format!("PAKN-{}-{seq:04}", day.format("%y%m%d"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dossier_codes_follow_circular_01_2018() {
        let d = NaiveDate::from_ymd_opt(2021, 5, 31).unwrap();
        assert_eq!(DossierCodeFormat::Circular01.format("000.17.22.H56", d, 1), "000.17.22.H56-210531-0001");
        let d = NaiveDate::from_ymd_opt(2024, 8, 23).unwrap();
        assert_eq!(DossierCodeFormat::Circular01.format("H56.14", d, 1), "H56.14-240823-0001");
        assert_eq!(DossierCodeFormat::Circular01.format("H56.14", d, 12345), "H56.14-240823-12345");
    }

    #[test]
    fn the_later_national_format_is_available_as_configuration() {
        let d = NaiveDate::from_ymd_opt(2026, 6, 9).unwrap();
        assert_eq!(DossierCodeFormat::National2025.format("G09.20", d, 92637), "G09.20-20260609-0092637");
    }

    #[test]
    fn code_shapes_are_recognised() {
        assert!(looks_like_dossier_code("000.17.22.H56-210531-0001"));
        assert!(looks_like_dossier_code("G09.20-20260609-0092637"));
        assert!(!looks_like_dossier_code("000.17.22.H56-2105-0001"));
        assert!(!looks_like_dossier_code("../etc/passwd"));
        assert!(!looks_like_dossier_code("h56-210531-0001"));
        assert!(valid_agency_code("000.00.00.H56"));
        assert!(!valid_agency_code("000..H56"));
    }
}
