//! Regime versions (R1, `regime-2025.md`): the rules that changed in 2025 — the forms and their
//! numbering, the dossier-code format, the apology that became an extension request, the stop
//! notice — as one value chosen per deployment with effective dates. Every dossier keeps the
//! regime it was filed under, and its forms, code and texts follow it.

use crate::codes::DossierCodeFormat;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A regime of the one-stop mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Regime {
    /// Circular 22/2019/TT-BTTTT, Decree 61/2018/NĐ-CP, Circular 01/2018/TT-VPCP (forms 01–06).
    #[default]
    #[serde(rename = "2019")]
    R2019,
    /// Decree 118/2025/NĐ-CP, Circular 03/2025/TT-VPCP (forms 01–07), Circular 21/2023/TT-BTTTT.
    #[serde(rename = "2025")]
    R2025,
}

impl Regime {
    /// `2019` or `2025`, as configured and as people read it.
    pub fn as_str(self) -> &'static str {
        match self {
            Regime::R2019 => "2019",
            Regime::R2025 => "2025",
        }
    }

    pub fn parse(s: &str) -> Option<Regime> {
        match s.trim() {
            "2019" => Some(Regime::R2019),
            "2025" => Some(Regime::R2025),
            _ => None,
        }
    }

    /// The decree of the one-stop mechanism, as texts cite it.
    pub fn decree(self) -> &'static str {
        match self {
            Regime::R2019 => "Nghị định 61/2018/NĐ-CP",
            Regime::R2025 => "Nghị định 118/2025/NĐ-CP",
        }
    }

    /// The circular of the forms.
    pub fn forms_circular(self) -> &'static str {
        match self {
            Regime::R2019 => "Thông tư 01/2018/TT-VPCP",
            Regime::R2025 => "Thông tư 03/2025/TT-VPCP",
        }
    }

    /// Format of the codes given at acceptance. The 2025 article on codes was not obtained
    /// (`regime-2025.md` §1): the national practice's format is used.
    pub fn code_format(self) -> DossierCodeFormat {
        match self {
            Regime::R2019 => DossierCodeFormat::Circular01,
            Regime::R2025 => DossierCodeFormat::National2025,
        }
    }

    /// Whether a new appointment needs the competent signer's approval (Form 04 of 2025 is an
    /// extension request); under 2019 the apology resets the appointment at once.
    pub fn extension_needs_approval(self) -> bool {
        self == Regime::R2025
    }

    /// The forms of the regime, in their order.
    pub fn forms(self) -> &'static [FormKind] {
        use FormKind::*;
        match self {
            Regime::R2019 => &[Receipt, SupplementRequest, Refusal, Apology, ControlSlip, Register],
            Regime::R2025 => &[Receipt, SupplementRequest, Refusal, Apology, StopNotice, ControlSlip, Register],
        }
    }

    /// The number of form `kind` (`"01"`…), if the regime has it.
    pub fn form_number(self, kind: FormKind) -> Option<String> {
        self.forms().iter().position(|k| *k == kind).map(|i| format!("{:02}", i + 1))
    }

    /// The form numbered `number`.
    pub fn form(self, number: &str) -> Option<FormKind> {
        let n: usize = number.parse().ok().filter(|_| number.len() == 2)?;
        self.forms().get(n.checked_sub(1)?).copied()
    }
}

/// The standard forms of the one-stop mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormKind {
    /// Giấy tiếp nhận hồ sơ và hẹn trả kết quả.
    Receipt,
    /// Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.
    SupplementRequest,
    /// Phiếu từ chối tiếp nhận giải quyết hồ sơ.
    Refusal,
    /// 2019: phiếu xin lỗi và hẹn lại; 2025: văn bản xin lỗi và đề nghị gia hạn.
    Apology,
    /// Thông báo dừng giải quyết hồ sơ (2025 only).
    StopNotice,
    /// Phiếu kiểm soát quá trình giải quyết hồ sơ.
    ControlSlip,
    /// Sổ theo dõi hồ sơ (per agency and year).
    Register,
}

impl FormKind {
    pub fn title(self, regime: Regime) -> &'static str {
        match (self, regime) {
            (FormKind::Receipt, _) => "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            (FormKind::SupplementRequest, _) => "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            (FormKind::Refusal, _) => "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            (FormKind::Apology, Regime::R2019) => "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
            (FormKind::Apology, Regime::R2025) => "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
            (FormKind::StopNotice, _) => "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
            (FormKind::ControlSlip, _) => "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
            (FormKind::Register, _) => "SỔ THEO DÕI HỒ SƠ",
        }
    }
}

/// Which regime is in force from which day, for a deployment: `2019`, `2025`, or a schedule
/// such as `2019,2025@2025-07-01` (the first entry has no date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegimeSchedule(Vec<(Option<NaiveDate>, Regime)>);

impl RegimeSchedule {
    pub fn only(regime: Regime) -> Self {
        RegimeSchedule(vec![(None, regime)])
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        let mut entries = vec![];
        for (i, part) in s.split(',').enumerate() {
            let (regime, from) = match part.split_once('@') {
                Some((r, d)) => {
                    (r, Some(NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|e| format!("{d}: {e}"))?))
                }
                None => (part, None),
            };
            let regime = Regime::parse(regime).ok_or_else(|| format!("unknown regime {regime:?} (2019 or 2025)"))?;
            if (i == 0) != from.is_none() {
                return Err("only the first regime comes without a date (2019,2025@2025-07-01)".into());
            }
            if let (Some(from), Some((Some(previous), _))) = (from, entries.last()) {
                if from <= *previous {
                    return Err("dates must increase".into());
                }
            }
            entries.push((from, regime));
        }
        Ok(RegimeSchedule(entries))
    }

    /// The regime in force on `day`.
    pub fn at(&self, day: NaiveDate) -> Regime {
        self.0.iter().rev().find(|(from, _)| from.is_none_or(|f| f <= day)).map_or(Regime::R2019, |(_, r)| *r)
    }

    /// The entries, oldest first (the first has no date).
    pub fn entries(&self) -> &[(Option<NaiveDate>, Regime)] {
        &self.0
    }

    /// The schedule with `regime` in force from `from` on: entries from that day on are
    /// replaced, and an entry that changes nothing is not added.
    pub fn switched(&self, from: NaiveDate, regime: Regime) -> RegimeSchedule {
        let mut entries: Vec<_> = self.0.iter().filter(|(f, _)| f.is_none_or(|f| f < from)).copied().collect();
        if entries.last().map(|(_, r)| *r) != Some(regime) {
            entries.push((Some(from), regime));
        }
        RegimeSchedule(entries)
    }
}

impl std::fmt::Display for RegimeSchedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (from, regime)) in self.0.iter().enumerate() {
            let regime = regime.as_str();
            let separator = if i == 0 { "" } else { "," };
            match from {
                Some(from) => write!(f, "{separator}{regime}@{from}")?,
                None => write!(f, "{separator}{regime}")?,
            }
        }
        Ok(())
    }
}

impl Serialize for RegimeSchedule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RegimeSchedule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        RegimeSchedule::parse(&String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_numbered_per_regime() {
        assert_eq!(Regime::R2019.form_number(FormKind::ControlSlip).as_deref(), Some("05"));
        assert_eq!(Regime::R2025.form_number(FormKind::ControlSlip).as_deref(), Some("06"));
        assert_eq!(Regime::R2025.form_number(FormKind::Register).as_deref(), Some("07"));
        assert_eq!(Regime::R2019.form_number(FormKind::StopNotice), None);
        assert_eq!(Regime::R2025.form("05"), Some(FormKind::StopNotice));
        assert_eq!(Regime::R2019.form("05"), Some(FormKind::ControlSlip));
        assert_eq!((Regime::R2019.form("07"), Regime::R2025.form("5"), Regime::R2025.form("00")), (None, None, None));
    }

    #[test]
    fn a_schedule_says_which_regime_is_in_force_on_a_day() {
        let s = RegimeSchedule::parse("2019,2025@2025-07-01").unwrap();
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        assert_eq!((s.at(day("2025-06-30")), s.at(day("2025-07-01"))), (Regime::R2019, Regime::R2025));
        assert_eq!(RegimeSchedule::parse("2025").unwrap().at(day("2020-01-01")), Regime::R2025);
        for bad in ["2020", "2019@2025-01-01", "2019,2025", "2019,2025@2025-07-01,2019@2025-01-01"] {
            assert!(RegimeSchedule::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_administrator_switches_the_regime_from_a_day() {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let s = RegimeSchedule::parse("2019,2025@2025-07-01").unwrap();
        assert_eq!(s.switched(day("2026-12-15"), Regime::R2019).to_string(), "2019,2025@2025-07-01,2019@2026-12-15");
        assert_eq!(s.switched(day("2025-07-01"), Regime::R2019).to_string(), "2019");
        assert_eq!(s.switched(day("2026-01-01"), Regime::R2025), s);
        let back: RegimeSchedule = serde_json::from_value(serde_json::to_value(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }
}
