//! The quarterly and yearly evaluation of an agency's handling (rules §7): the six indicators
//! of its rated dossiers averaged, and its three own indicators from the catalogue, the
//! evaluations of its ended dossiers and the deadlines of the feedback addressed to it.

use crate::{catalogue, keys, CoreError, CoreResult, Services};
use chrono::NaiveDate;
use motcua_domain::evaluation::{evaluate, AgencyEvaluation, AgencyFacts};
use motcua_domain::index766::Evaluation;
use motcua_domain::roles::Role;
use motcua_ports::{Index, Query};
use serde::Serialize;

/// The evaluation of an agency for a quarter or a year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvaluationReport {
    pub agency: String,
    pub agency_name: String,
    /// `2026-Q1` or `2026`.
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(flatten)]
    pub evaluation: AgencyEvaluation,
}

/// The days of `2026-Q1` … `2026-Q4`, or of `2026`.
fn period(p: &str) -> CoreResult<(NaiveDate, NaiveDate)> {
    let invalid = || CoreError::invalid("invalid_period", "Kỳ đánh giá có dạng yyyy-Qn (quý) hoặc yyyy (năm).");
    let (year, quarter) = match p.split_once("-Q") {
        Some((y, q)) => (y, Some(q.parse::<u32>().ok().filter(|q| (1..=4).contains(q)).ok_or_else(invalid)?)),
        None => (p, None),
    };
    let year: i32 = year.parse().ok().filter(|y| (2000..=2199).contains(y)).ok_or_else(invalid)?;
    let (first, last) = quarter.map_or((1, 12), |q| (3 * q - 2, 3 * q));
    let from = NaiveDate::from_ymd_opt(year, first, 1).ok_or_else(invalid)?;
    let to =
        NaiveDate::from_ymd_opt(if last == 12 { year + 1 } else { year }, if last == 12 { 1 } else { last + 1 }, 1)
            .and_then(|d| d.pred_opt())
            .ok_or_else(invalid)?;
    Ok((from, to))
}

/// The evaluation of `agency` for `period_name` (public, as it is published).
pub async fn agency(s: &Services, agency: &str, period_name: &str) -> CoreResult<EvaluationReport> {
    let (from, to) = period(period_name)?;
    let a = catalogue::agency(s, agency).await?;
    let ratings = Query::partition(Index::Gsi1, format!("RATINGS#{agency}")).sort(keys::times_on_days(from, to));
    let scores: Vec<_> = keys::read_items(s.table.as_ref(), ratings.limit(500))
        .await?
        .iter()
        .map(|item| keys::data::<crate::feedback::Rating>(item).map(|r| r.score))
        .collect::<Result<_, _>>()?;
    let mut facts = AgencyFacts::default();
    for summary in
        catalogue::search(s, &catalogue::SearchQuery { agency: Some(agency.into()), ..Default::default() }).await?
    {
        let p = catalogue::procedure(s, &summary.code).await?;
        facts.procedures += 1;
        // Every procedure of the catalogue is offered online, fully or partly.
        facts.procedures_online += 1;
        let at_one_stop = p.workflow().steps.iter().all(|st| st.role == Role::ReceivingOfficer);
        facts.procedures_at_one_stop += i64::from(at_one_stop);
    }
    let ended = crate::index766::evaluations(Some(agency), from, to);
    for item in keys::read_items(s.table.as_ref(), ended.limit(500)).await? {
        let e: Evaluation = keys::data(&item)?;
        facts.dossiers += 1;
        facts.dossiers_online += i64::from(e.online);
        facts.dossiers_online_late += i64::from(e.online && !e.on_time);
    }
    (facts.feedback_due, facts.feedback_on_time) = crate::feedback::handled_on_time(s, agency, from, to).await?;
    Ok(EvaluationReport {
        agency: agency.into(),
        agency_name: a.name,
        period: period_name.into(),
        from,
        to,
        evaluation: evaluate(&scores, facts),
    })
}

#[cfg(test)]
mod tests {
    use super::period;

    #[test]
    fn quarters_and_years_are_periods() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(period("2026-Q1").unwrap(), (d("2026-01-01"), d("2026-03-31")));
        assert_eq!(period("2026-Q4").unwrap(), (d("2026-10-01"), d("2026-12-31")));
        assert_eq!(period("2026").unwrap(), (d("2026-01-01"), d("2026-12-31")));
        for bad in ["2026-Q5", "2026-Q0", "26", "2026-03", ""] {
            assert!(period(bad).is_err(), "{bad}");
        }
    }
}
