//! The evaluation of an agency's handling (rules §7; Decree 61/2018 Art. 27–32, Circular
//! 01/2018 Art. 12–15): nine indicators of 0–2 points — six scored per rated dossier and
//! averaged ([`crate::rating::DossierScore`]), three scored for the agency — summed to a total
//! out of 18 and its class. Published quarterly and yearly.

use crate::rating::DossierScore;
use serde::Serialize;

/// What the agency's three indicators are computed from, for a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AgencyFacts {
    /// Procedures of the agency, those appraised and approved at the one-stop office, those
    /// offered online.
    pub procedures: i64,
    pub procedures_at_one_stop: i64,
    pub procedures_online: i64,
    /// Dossiers ended in the period, those filed online, and those filed online and late.
    pub dossiers: i64,
    pub dossiers_online: i64,
    pub dossiers_online_late: i64,
    /// Feedback whose answer fell due in the period, and those answered by then.
    pub feedback_due: i64,
    pub feedback_on_time: i64,
}

/// One indicator: its points (an average over rated dossiers, one decimal, or the agency's).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IndicatorScore {
    pub number: u8,
    pub name: &'static str,
    pub points: f64,
    /// Averaged over the rated dossiers (otherwise scored for the agency).
    pub per_dossier: bool,
}

/// The evaluation of an agency for a period.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AgencyEvaluation {
    pub ratings: usize,
    pub indicators: Vec<IndicatorScore>,
    /// Out of 18.
    pub total: f64,
    pub class: &'static str,
    pub facts: AgencyFacts,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn share(n: i64, of: i64) -> f64 {
    if of == 0 {
        0.0
    } else {
        n as f64 / of as f64
    }
}

/// Rules §7: ≥ 15 excellent, 12–< 15 good, 9–< 12 fair, 6–< 9 average, < 6 weak.
pub fn class(total: f64) -> &'static str {
    match total {
        t if t >= 15.0 => "Xuất sắc",
        t if t >= 12.0 => "Tốt",
        t if t >= 9.0 => "Khá",
        t if t >= 6.0 => "Trung bình",
        _ => "Yếu",
    }
}

/// Scores an agency from its rated dossiers and its facts.
pub fn evaluate(scores: &[DossierScore], f: AgencyFacts) -> AgencyEvaluation {
    let average = |pick: fn(&DossierScore) -> u8| {
        if scores.is_empty() {
            0.0
        } else {
            round1(scores.iter().map(|s| f64::from(pick(s))).sum::<f64>() / scores.len() as f64)
        }
    };
    // Indicator 5 has no threshold in the texts obtained: the ones of indicator 9 *(practice)*.
    let one_stop = share(f.procedures_at_one_stop, f.procedures);
    let at_one_stop = if one_stop >= 0.2 {
        2.0
    } else if one_stop >= 0.15 {
        1.0
    } else {
        0.0
    };
    let feedback = match (f.feedback_due, share(f.feedback_on_time, f.feedback_due)) {
        (0, _) => 2.0,
        (_, s) if s >= 1.0 => 2.0,
        (_, s) if s >= 0.9 => 1.0,
        _ => 0.0,
    };
    let (offered, filed) = (share(f.procedures_online, f.procedures), share(f.dossiers_online, f.dossiers));
    let online = if offered >= 0.2 && filed >= 0.3 && f.dossiers_online_late == 0 {
        2.0
    } else if filed >= 0.15 {
        1.0
    } else {
        0.0
    };
    let indicator = |number, name, points, per_dossier| IndicatorScore { number, name, points, per_dossier };
    let indicators = vec![
        indicator(1, "Tổng thời gian giải quyết so với thời gian quy định", average(|s| s.time), true),
        indicator(
            2,
            "Thời gian giải quyết của từng cơ quan so với thời gian được phân bổ",
            average(|s| s.agency_time),
            true,
        ),
        indicator(3, "Số lần liên hệ để hoàn thiện hồ sơ", average(|s| s.extra_contacts), true),
        indicator(4, "Số cơ quan phải liên hệ", average(|s| s.agencies_contacted), true),
        indicator(5, "Thủ tục được thẩm định, phê duyệt tại Bộ phận Một cửa", at_one_stop, false),
        indicator(6, "Công khai thủ tục hành chính", average(|s| s.publication), true),
        indicator(7, "Thái độ của cán bộ", average(|s| s.attitude), true),
        indicator(8, "Tiếp nhận, xử lý phản ánh, kiến nghị đúng hạn", feedback, false),
        indicator(9, "Cung cấp dịch vụ công trực tuyến", online, false),
    ];
    let total = round1(indicators.iter().map(|i| i.points).sum());
    AgencyEvaluation { ratings: scores.len(), indicators, total, class: class(total), facts: f }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(time: u8, extra: u8, attitude: u8) -> DossierScore {
        DossierScore {
            time,
            agency_time: time,
            extra_contacts: extra,
            agencies_contacted: 2,
            publication: 2,
            attitude,
            average: 0.0,
        }
    }

    #[test]
    fn nine_indicators_sum_to_a_total_and_a_class() {
        // Two rated dossiers: one early (2, 2, 2), one late (0, 1, 1).
        let facts = AgencyFacts {
            procedures: 10,
            procedures_at_one_stop: 0,
            procedures_online: 10,
            dossiers: 4,
            dossiers_online: 3,
            dossiers_online_late: 1,
            feedback_due: 10,
            feedback_on_time: 9,
        };
        let e = evaluate(&[score(2, 2, 2), score(0, 1, 1)], facts);
        let points: Vec<f64> = e.indicators.iter().map(|i| i.points).collect();
        // 1: 1.0; 2: 1.0; 3: 1.5; 4: 2.0; 5: 0 (no procedure at the one-stop office); 6: 2.0;
        // 7: 1.5; 8: 90 % on time → 1; 9: 75 % filed online but one late → 1 (≥ 15 %).
        assert_eq!(points, vec![1.0, 1.0, 1.5, 2.0, 0.0, 2.0, 1.5, 1.0, 1.0]);
        assert_eq!((e.total, e.class), (11.0, "Khá"));
        assert_eq!((class(15.0), class(14.9), class(5.9)), ("Xuất sắc", "Tốt", "Yếu"));
    }
}
