//! The online rating of a finished dossier (P9; Decree 61 Art. 27–32, Circular 01/2018
//! Art. 12–15, rules §7). The applicant answers the items only they can answer; the items the
//! system can measure (time used, publication) are computed from the dossier.

use crate::dossier::Timing;
use serde::{Deserialize, Serialize};

/// Which agencies the applicant had to contact (indicator 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgenciesContacted {
    None,
    OneStopOnly,
    More,
}

/// What the applicant answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingAnswers {
    /// Extra contacts needed to complete the dossier (indicator 3).
    pub extra_contacts: u32,
    /// Indicator 4.
    pub agencies_contacted: AgenciesContacted,
    /// Whether the applicant has a complaint about the officers' attitude (indicator 7).
    pub complaint: bool,
    /// Overall satisfaction 1 (very unsatisfied) – 5 (very satisfied).
    #[schema(minimum = 1, maximum = 5)]
    pub satisfaction: u8,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

/// The indicators scored for one dossier, each 0, 1 or 2, and their average (one decimal).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DossierScore {
    pub time: u8,
    pub agency_time: u8,
    pub extra_contacts: u8,
    pub agencies_contacted: u8,
    pub publication: u8,
    pub attitude: u8,
    pub average: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatingError {
    #[error("Mức độ hài lòng phải từ 1 đến 5.")]
    Satisfaction,
    #[error("Ý kiến không được dài quá 2000 ký tự.")]
    CommentTooLong,
}

impl RatingAnswers {
    pub fn check(&self) -> Result<(), RatingError> {
        if !(1..=5).contains(&self.satisfaction) {
            return Err(RatingError::Satisfaction);
        }
        if self.comment.as_ref().is_some_and(|c| c.chars().count() > 2000) {
            return Err(RatingError::CommentTooLong);
        }
        Ok(())
    }

    /// Scores the dossier `d`, finished with `timing`. Every procedure of the catalogue is
    /// posted and offered online (fully or partly): publication scores 2 (indicator 6). A
    /// complaint is the applicant's word until the agency upholds it: it keeps attitude at 1 at
    /// most, never 0 (indicator 7). With inter-agency parts, each agency's time against its
    /// share scores like the total time, the worst part counting (indicator 2).
    pub fn score(&self, d: &crate::dossier::Dossier, timing: Timing) -> DossierScore {
        let points = |t: Timing| match t {
            Timing::Early => 2,
            Timing::OnTime => 1,
            Timing::Late => 0,
        };
        let time = points(timing);
        let agency_time = d
            .parts
            .iter()
            .filter_map(|p| Some(points(Timing::of(p.completed_at?, p.due_at))))
            .chain(std::iter::once(time))
            .min()
            .unwrap_or(time);
        let extra_contacts = match self.extra_contacts {
            0 => 2,
            1 => 1,
            _ => 0,
        };
        let agencies_contacted = match self.agencies_contacted {
            AgenciesContacted::None => 2,
            AgenciesContacted::OneStopOnly => 1,
            AgenciesContacted::More => 0,
        };
        let publication = 2;
        let attitude = match (self.complaint, timing) {
            (false, Timing::Early) => 2,
            _ => 1,
        };
        DossierScore { time, agency_time, extra_contacts, agencies_contacted, publication, attitude, average: 0.0 }
            .averaged()
    }
}

impl DossierScore {
    fn averaged(self) -> DossierScore {
        let sum = [
            self.time,
            self.agency_time,
            self.extra_contacts,
            self.agencies_contacted,
            self.publication,
            self.attitude,
        ]
        .iter()
        .map(|&p| p as f64)
        .sum::<f64>();
        DossierScore { average: (sum / 6.0 * 10.0).round() / 10.0, ..self }
    }

    /// The score once the agency upholds the applicant's complaint: attitude 0 (indicator 7).
    pub fn with_complaint_upheld(self) -> DossierScore {
        DossierScore { attitude: 0, ..self }.averaged()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(extra: u32, agencies: AgenciesContacted, complaint: bool) -> RatingAnswers {
        RatingAnswers { extra_contacts: extra, agencies_contacted: agencies, complaint, satisfaction: 5, comment: None }
    }

    fn dossier() -> crate::dossier::Dossier {
        serde_json::from_value(serde_json::json!({
            "id": "d", "code": null, "procedure_code": "1.000001", "procedure_version": 1, "procedure_name": "Thủ tục",
            "agency": "A", "agency_name": "Cơ quan", "field": "F", "statutory_time": {"unit": "working_days", "value": 5},
            "owner": "u", "applicant": {"full_name": "Nguyễn Văn A"}, "channel": "online", "status": "returned", "form": {},
            "components": [], "result": null, "created_at": "2026-03-02T09:00:00+07:00",
            "updated_at": "2026-03-02T09:00:00+07:00", "submitted_at": null, "received_at": null, "accepted_at": null,
            "appointment": null, "appointment_explanation": null, "calendar_version": null, "finished_at": null,
            "returned_at": null, "history": [], "version": 1
        }))
        .unwrap()
    }

    #[test]
    fn an_early_dossier_without_extra_contacts_scores_full_marks() {
        let s = answers(0, AgenciesContacted::None, false).score(&dossier(), Timing::Early);
        assert_eq!(s.average, 2.0);
    }

    #[test]
    fn late_handling_scores_low_and_a_complaint_not_upheld_is_not_zero() {
        let s = answers(2, AgenciesContacted::OneStopOnly, true).score(&dossier(), Timing::Late);
        assert_eq!((s.time, s.extra_contacts, s.agencies_contacted, s.publication, s.attitude), (0, 0, 1, 2, 1));
        assert_eq!(s.average, 0.7, "(0 + 0 + 0 + 1 + 2 + 1) / 6");
        let s = answers(0, AgenciesContacted::None, true).score(&dossier(), Timing::Early);
        assert_eq!(s.attitude, 1, "early, but a complaint: 1 until the agency rules on it");
    }

    #[test]
    fn an_upheld_complaint_scores_attitude_zero() {
        let score = DossierScore {
            time: 2,
            agency_time: 2,
            extra_contacts: 2,
            agencies_contacted: 1,
            publication: 2,
            attitude: 1,
            average: 1.7,
        };
        let upheld = score.with_complaint_upheld();
        assert_eq!((upheld.attitude, upheld.average), (0, 1.5));
    }

    #[test]
    fn each_agency_is_scored_against_its_share_the_worst_part_counting() {
        let mut d = dossier();
        let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap();
        d.parts.push(crate::dossier::Part {
            agency: "B".into(),
            agency_name: "Cơ quan B".into(),
            task: "Đăng ký thường trú".into(),
            lead: false,
            due_at: at("2026-03-04T09:00:00+07:00"),
            completed_at: Some(at("2026-03-05T09:00:00+07:00")),
            completed_by: None,
            note: None,
        });
        let s = answers(0, AgenciesContacted::None, false).score(&d, Timing::Early);
        assert_eq!((s.time, s.agency_time), (2, 0), "the dossier early, but one agency late on its part");
    }

    #[test]
    fn satisfaction_outside_one_to_five_is_refused() {
        let mut a = answers(0, AgenciesContacted::None, false);
        a.satisfaction = 6;
        assert_eq!(a.check(), Err(RatingError::Satisfaction));
    }
}
