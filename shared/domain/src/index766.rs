//! The Decision 766/QĐ-TTg index (R9, `regime-2025.md` §5): 100 points in five groups per
//! agency and for the province, computed from counters kept in each dossier's own transaction
//! (so a query costs the same at any volume), with the dossiers behind each input listed from
//! their evaluation records.
//!
//! A dossier is evaluated once, when its handling ends — the first of finished, refused or
//! stopped (a result returned later does not change it):
//! - **on time**: at most one supplement request (more counts as late, whatever the dates),
//!   and ended by its appointment — which already leaves out the time waiting for the
//!   applicant, since the clock stop moves it; without an appointment (refused or stopped at
//!   reception), ended by the reception deadline;
//! - **online**: filed online, and — once it has a result — with an electronic result;
//! - **digitised**: its components are electronic (filed online, or scanned at the counter);
//! - **reused**: it reused data the state holds (read from a national registry with consent).
//!
//! Petitions (PAKN) handled on time — refused within 2 working days, asked about within 5,
//! answered within 15, published within 2 (`crate::petition`) — share the transparency group
//! with the synced share (6 of its 18 points, our reading of the practice). The 2026 dashboards'
//! shares of fully online procedures and dossiers are shown beside the index, unscored. The
//! scoring below the targets is pro rata, as the national dashboards do *(practice)*; an input
//! with nothing to count scores its full points and says so (`applicable: false`).

use crate::catalogue::ServiceLevel;
use crate::dossier::{Channel, Dossier, Status};
use crate::ids::DossierCode;
use crate::report::Delta;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// Counter names of the index (attributes of the same day buckets as the statistics report).
pub mod metric {
    /// Dossiers whose handling ended, by end day.
    pub const ENDED: &str = "i766_ended";
    pub const ON_TIME: &str = "i766_on_time";
    pub const ONLINE: &str = "i766_online";
    pub const DIGITISED: &str = "i766_digitised";
    pub const REUSED: &str = "i766_reused";
    /// Online dossiers of procedures offered fully online (2026 dashboards).
    pub const FULL_ONLINE: &str = "i766_full_online";
    /// Ratings saying the applicant was dissatisfied or complained, by rating day.
    pub const DISLIKED: &str = "i766_disliked";
    /// Dossiers the national portal holds, by their day of receipt.
    pub const SYNCED: &str = "i766_synced";
}

/// What the index knows of one ended dossier (also the record listing it behind an input).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Evaluation {
    pub dossier_id: String,
    pub code: Option<DossierCode>,
    pub procedure_name: String,
    pub ended_at: DateTime<FixedOffset>,
    pub on_time: bool,
    pub online: bool,
    pub digitised: bool,
    pub reused: bool,
    /// Online (as above) for a procedure offered fully online when it was filed.
    #[serde(default)]
    pub full_online: bool,
    pub supplements: u32,
}

impl Evaluation {
    /// The evaluation of `d` at the end of its handling (`ended_at`).
    pub fn of(d: &Dossier, ended_at: DateTime<FixedOffset>) -> Evaluation {
        let supplements = d.supplements.len() as u32;
        let by = d.appointment.or(d.reception_due);
        let has_result = matches!(d.status, Status::Finished | Status::Returned);
        let online = d.channel == Channel::Online && (!has_result || d.result.is_some());
        Evaluation {
            dossier_id: d.id.clone(),
            code: d.code.clone(),
            procedure_name: d.procedure_name.clone(),
            ended_at,
            on_time: supplements <= 1 && by.is_none_or(|by| ended_at <= by),
            online,
            digitised: !d.components.is_empty(),
            reused: d.registry_use.as_ref().is_some_and(|r| r.reused(&d.form)),
            full_online: online && d.service_level == Some(ServiceLevel::Full),
            supplements,
        }
    }

    /// The counters it moves, on its end day.
    pub fn deltas(&self) -> Vec<Delta> {
        let day = self.ended_at.date_naive();
        let mut out = vec![(day, metric::ENDED, 1)];
        for (met, name) in [
            (self.on_time, metric::ON_TIME),
            (self.online, metric::ONLINE),
            (self.digitised, metric::DIGITISED),
            (self.reused, metric::REUSED),
            (self.full_online, metric::FULL_ONLINE),
        ] {
            if met {
                out.push((day, name, 1));
            }
        }
        out
    }

    /// Whether it meets `input`.
    pub fn meets(&self, input: Input) -> bool {
        match input {
            Input::OnTime => self.on_time,
            Input::Online => self.online,
            Input::Digitised => self.digitised,
            Input::Reused => self.reused,
        }
    }
}

/// The dossier-level inputs whose dossiers can be listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Input {
    OnTime,
    Online,
    Digitised,
    Reused,
}

/// The counts of a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Counts {
    pub ended: i64,
    pub on_time: i64,
    pub online: i64,
    pub digitised: i64,
    pub reused: i64,
    pub disliked: i64,
    /// Dossiers received (accepted) in the period, and those of them the national portal holds.
    pub received: i64,
    pub synced: i64,
    /// Procedures of the agency (or province), and those offered online.
    pub procedures: i64,
    pub procedures_online: i64,
    /// Petitions sent in the period with a step due by now (handled, or past a deadline), and
    /// those handled on time at every step (`crate::petition`).
    pub petitions_due: i64,
    pub petitions_on_time: i64,
    /// 2026 dashboards: ended dossiers filed online for a procedure offered fully online, and
    /// the procedures offered fully online.
    #[serde(default)]
    pub full_online: i64,
    #[serde(default)]
    pub procedures_full_online: i64,
}

/// A share shown beside the index without points (the 2026 dashboards' additions).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Share {
    pub key: &'static str,
    pub name: &'static str,
    pub numerator: i64,
    pub denominator: i64,
    /// In percent (one decimal); absent with nothing to count.
    pub percent: Option<f64>,
}

/// The 2026 dashboards' additions: the shares of procedures and of ended dossiers that are
/// fully online *(practice: shown, not scored)*.
pub fn additions(c: &Counts) -> Vec<Share> {
    let row = |key, name, numerator, denominator: i64| Share {
        key,
        name,
        numerator,
        denominator,
        percent: share(numerator, denominator).map(|s| round1(s * 100.0)),
    };
    vec![
        row(
            "thu_tuc_toan_trinh",
            "Thủ tục cung cấp dịch vụ công trực tuyến toàn trình",
            c.procedures_full_online,
            c.procedures,
        ),
        row("ho_so_toan_trinh", "Hồ sơ trực tuyến toàn trình", c.full_online, c.ended),
    ]
}

/// One input of a group.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Indicator {
    pub key: &'static str,
    pub name: &'static str,
    pub numerator: i64,
    pub denominator: i64,
    /// `numerator / denominator`, in percent (one decimal).
    pub percent: Option<f64>,
    /// The target in percent.
    pub target: f64,
    pub max_points: f64,
    pub points: f64,
    /// Whether there was anything to count (otherwise full points).
    pub applicable: bool,
    /// The dossier-level input it lists (`GET /reports/index-766/dossiers?input=`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dossiers: Option<Input>,
}

/// One of the five groups.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Group {
    pub key: &'static str,
    pub name: &'static str,
    pub max_points: f64,
    pub points: f64,
    pub indicators: Vec<Indicator>,
}

/// `numerator / denominator`, when there is anything to count.
fn share(numerator: i64, denominator: i64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn indicator(
    key: &'static str,
    name: &'static str,
    (numerator, denominator): (i64, i64),
    target: f64,
    max_points: f64,
    dossiers: Option<Input>,
) -> Indicator {
    let share = share(numerator, denominator);
    let points = share.map_or(max_points, |s| max_points * (s * 100.0 / target).min(1.0));
    Indicator {
        key,
        name,
        numerator,
        denominator,
        percent: share.map(|s| round1(s * 100.0)),
        target,
        max_points,
        points: round1(points),
        applicable: share.is_some(),
        dossiers,
    }
}

fn group(key: &'static str, name: &'static str, max_points: f64, indicators: Vec<Indicator>) -> Group {
    let points = round1(indicators.iter().map(|i| i.points).sum());
    Group { key, name, max_points, points, indicators }
}

/// The five groups from the counts of a period.
pub fn score(c: &Counts) -> Vec<Group> {
    let late = c.ended - c.on_time;
    let dissatisfied = late + c.disliked.min(c.ended);
    vec![
        group(
            "cong_khai_minh_bach",
            "Công khai, minh bạch",
            18.0,
            vec![
                indicator(
                    "dong_bo",
                    "Hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia",
                    (c.synced, c.received),
                    100.0,
                    12.0,
                    None,
                ),
                indicator(
                    "phan_anh_dung_han",
                    "Phản ánh, kiến nghị được xử lý đúng hạn",
                    (c.petitions_on_time, c.petitions_due),
                    100.0,
                    6.0,
                    None,
                ),
            ],
        ),
        group(
            "tien_do_ket_qua",
            "Tiến độ, kết quả giải quyết",
            20.0,
            vec![indicator(
                "dung_han",
                "Hồ sơ giải quyết đúng hạn",
                (c.on_time, c.ended),
                100.0,
                20.0,
                Some(Input::OnTime),
            )],
        ),
        group(
            "so_hoa",
            "Số hóa hồ sơ, kết quả",
            22.0,
            vec![
                indicator(
                    "so_hoa_ho_so",
                    "Hồ sơ được số hóa",
                    (c.digitised, c.ended),
                    80.0,
                    11.0,
                    Some(Input::Digitised),
                ),
                indicator(
                    "tai_su_dung",
                    "Hồ sơ tái sử dụng dữ liệu đã có",
                    (c.reused, c.ended),
                    80.0,
                    11.0,
                    Some(Input::Reused),
                ),
            ],
        ),
        group(
            "truc_tuyen",
            "Cung cấp dịch vụ trực tuyến",
            22.0,
            vec![
                indicator(
                    "thu_tuc_truc_tuyen",
                    "Thủ tục cung cấp dịch vụ công trực tuyến",
                    (c.procedures_online, c.procedures),
                    80.0,
                    11.0,
                    None,
                ),
                indicator(
                    "ho_so_truc_tuyen",
                    "Hồ sơ nộp trực tuyến",
                    (c.online, c.ended),
                    50.0,
                    11.0,
                    Some(Input::Online),
                ),
            ],
        ),
        group(
            "hai_long",
            "Mức độ hài lòng",
            18.0,
            vec![indicator(
                "hai_long",
                "Hồ sơ không trễ hạn, không bị phản ánh hoặc không hài lòng",
                (c.ended - dissatisfied.min(c.ended), c.ended),
                90.0,
                18.0,
                None,
            )],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_groups_add_up_to_a_hundred_and_score_pro_rata_below_target() {
        let full: f64 = score(&Counts::default()).iter().map(|g| g.max_points).sum();
        assert_eq!(full, 100.0);
        assert!(score(&Counts::default()).iter().all(|g| g.points == g.max_points), "nothing to count: full points");
        // 10 ended: 8 on time, 4 online, 6 digitised, none reused, 1 dislike; 10 received, 9
        // synced; 15 procedures, 9 online; 4 petitions due, 3 answered in time.
        let c = Counts {
            ended: 10,
            on_time: 8,
            online: 4,
            digitised: 6,
            reused: 0,
            disliked: 1,
            received: 10,
            synced: 9,
            procedures: 15,
            procedures_online: 9,
            petitions_due: 4,
            petitions_on_time: 3,
            full_online: 3,
            procedures_full_online: 6,
        };
        let g = score(&c);
        let points: Vec<f64> = g.iter().map(|g| g.points).collect();
        // 12·0.9 = 10.8 + 6·0.75 = 4.5; 20·0.8 = 16; 11·0.6/0.8 = 8.25 → 8.3 + 0; 11·0.6/0.8 = 8.25 → 8.3 and
        // 11·0.4/0.5 = 8.8; satisfaction 100 − (20 + 10) = 70 % → 18·70/90 = 14.
        assert_eq!(points, vec![15.3, 16.0, 8.3, 17.1, 14.0]);
        assert_eq!(g[3].indicators[0].percent, Some(60.0));
        let shares: Vec<Option<f64>> = additions(&c).iter().map(|s| s.percent).collect();
        assert_eq!(shares, [Some(40.0), Some(30.0)], "6 of 15 procedures, 3 of 10 dossiers fully online");
        assert!(additions(&Counts::default()).iter().all(|s| s.percent.is_none()));
    }
}
