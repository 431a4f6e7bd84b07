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

    /// Scores the dossier. `published_online`: the procedure is posted and offered online.
    pub fn score(&self, timing: Timing, published_online: bool) -> DossierScore {
        let time = match timing {
            Timing::Early => 2,
            Timing::OnTime => 1,
            Timing::Late => 0,
        };
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
        let publication = if published_online { 2 } else { 1 };
        let attitude = match (self.complaint, timing) {
            (true, _) => 0,
            (false, Timing::Early) => 2,
            (false, _) => 1,
        };
        // A dossier handled by one agency: its share is the whole statutory time.
        let agency_time = time;
        let sum = [time, agency_time, extra_contacts, agencies_contacted, publication, attitude]
            .iter()
            .map(|&p| p as f64)
            .sum::<f64>();
        let average = (sum / 6.0 * 10.0).round() / 10.0;
        DossierScore { time, agency_time, extra_contacts, agencies_contacted, publication, attitude, average }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(extra: u32, agencies: AgenciesContacted, complaint: bool) -> RatingAnswers {
        RatingAnswers { extra_contacts: extra, agencies_contacted: agencies, complaint, satisfaction: 5, comment: None }
    }

    #[test]
    fn an_early_dossier_without_extra_contacts_scores_full_marks() {
        let s = answers(0, AgenciesContacted::None, false).score(Timing::Early, true);
        assert_eq!(s.average, 2.0);
    }

    #[test]
    fn late_handling_with_a_complaint_scores_low_and_rounds_to_one_decimal() {
        let s = answers(2, AgenciesContacted::OneStopOnly, true).score(Timing::Late, true);
        assert_eq!((s.time, s.extra_contacts, s.agencies_contacted, s.attitude), (0, 0, 1, 0));
        assert_eq!(s.average, 0.5);
        let s = answers(1, AgenciesContacted::OneStopOnly, false).score(Timing::OnTime, false);
        assert_eq!(s.average, 1.0);
    }

    #[test]
    fn satisfaction_outside_one_to_five_is_refused() {
        let mut a = answers(0, AgenciesContacted::None, false);
        a.satisfaction = 6;
        assert_eq!(a.check(), Err(RatingError::Satisfaction));
    }
}
