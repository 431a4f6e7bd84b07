//! The statistics report (M3, P8, rules §6) per period and agency, optionally per field or
//! procedure, as JSON or CSV. It reads only the day-bucketed aggregates maintained in each
//! dossier's transaction: its cost does not grow with the number of dossiers.

use crate::{catalogue, keys, CoreError, CoreResult, Services};
use chrono::NaiveDate;
use motcua_domain::report::{metric, DayBucket, ReportRow};
use motcua_ports::{attr_i64, attr_str, Index, Query};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Field,
    Procedure,
    /// Reception by official receiving office (R5): the service centres and the agencies' own
    /// one-stop offices; only the reception columns are filled.
    ReceivingOffice,
    /// Online filings helped at each service centre (R5): only the reception columns.
    AssistingPoint,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NamedRow {
    pub key: String,
    pub name: String,
    #[serde(flatten)]
    pub row: ReportRow,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub agency: Option<String>,
    pub group_by: Option<GroupBy>,
    pub rows: Vec<NamedRow>,
    pub total: ReportRow,
}

/// Longest period a report may cover (a year and a day for leap years).
const MAX_DAYS: i64 = 366;

async fn buckets(s: &Services, scope: &str, to: NaiveDate) -> CoreResult<Vec<DayBucket>> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let q = Query::partition(Index::Primary, keys::aggregate_partition(scope))
            .sort(keys::aggregate_days(None, to))
            .limit(1000)
            .after(cursor);
        let page = s.table.query(q).await?;
        for item in &page.items {
            let Some(day) = attr_str(item, "day").and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) else {
                continue;
            };
            let n = |m: &str| attr_i64(item, m).unwrap_or(0);
            out.push(DayBucket {
                day,
                received_online: n(metric::RECEIVED_ONLINE),
                received_direct: n(metric::RECEIVED_DIRECT),
                finished_early: n(metric::FINISHED_EARLY),
                finished_on_time: n(metric::FINISHED_ON_TIME),
                finished_late: n(metric::FINISHED_LATE),
                due: n(metric::DUE),
                due_met: n(metric::DUE_MET),
            });
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(out),
        }
    }
}

/// A period of a report or an index: `from` ≤ `to`, at most a year.
pub(crate) fn check_period(from: NaiveDate, to: NaiveDate) -> CoreResult<()> {
    if to < from {
        return Err(CoreError::invalid("invalid_period", "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(CoreError::invalid("period_too_long", "Kỳ báo cáo tối đa một năm."));
    }
    Ok(())
}

/// The report for `from..=to` (Vietnam dates).
pub async fn statistics(
    s: &Services,
    from: NaiveDate,
    to: NaiveDate,
    agency: Option<&str>,
    group_by: Option<GroupBy>,
) -> CoreResult<Report> {
    check_period(from, to)?;
    if let Some(a) = agency {
        catalogue::agency(s, a).await?;
    }
    let today = s.now().date_naive();
    let row = |scope: String| async move {
        let b = buckets(s, &scope, to).await?;
        Ok::<_, CoreError>(ReportRow::compute(&b, from, to, today))
    };
    let scoped = |suffix: String| match agency {
        Some(a) if suffix.is_empty() => format!("agency:{a}"),
        Some(a) => format!("agency:{a}|{suffix}"),
        None if suffix.is_empty() => "all".to_string(),
        None => suffix,
    };
    let mut rows = Vec::new();
    match group_by {
        Some(GroupBy::Procedure) => {
            let procedures = catalogue::search(
                s,
                &catalogue::SearchQuery { agency: agency.map(String::from), ..Default::default() },
            )
            .await?;
            for p in procedures {
                rows.push(NamedRow {
                    row: row(scoped(format!("procedure:{}", p.code))).await?,
                    key: p.code.to_string(),
                    name: p.name,
                });
            }
        }
        Some(by @ (GroupBy::ReceivingOffice | GroupBy::AssistingPoint)) => {
            let (prefix, centres_only) = match by {
                GroupBy::AssistingPoint => ("assist", true),
                _ => ("office", false),
            };
            for a in catalogue::agencies(s).await? {
                if agency.is_some_and(|x| x != a.code) || (centres_only && !a.service_centre) {
                    continue;
                }
                rows.push(NamedRow {
                    row: row(format!("{prefix}:{}", a.code)).await?,
                    key: a.code.to_string(),
                    name: a.name,
                });
            }
        }
        Some(GroupBy::Field) => {
            for f in catalogue::fields(s).await? {
                rows.push(NamedRow { row: row(scoped(format!("field:{}", f.code))).await?, key: f.code, name: f.name });
            }
        }
        None => {}
    }
    let total = row(scoped(String::new())).await?;
    Ok(Report { from, to, agency: agency.map(String::from), group_by, rows, total })
}

/// The report as CSV with Vietnamese column headers (national template order).
pub fn to_csv(report: &Report) -> CoreResult<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "Mã",
        "Tên",
        "Kỳ trước chuyển qua",
        "Mới tiếp nhận trực tuyến",
        "Mới tiếp nhận trực tiếp, bưu chính",
        "Tổng số tiếp nhận",
        "Đã giải quyết trước hạn",
        "Đã giải quyết đúng hạn",
        "Đã giải quyết quá hạn",
        "Tổng số đã giải quyết",
        "Đang giải quyết trong hạn",
        "Đang giải quyết quá hạn",
        "Tổng số đang giải quyết",
    ];
    let fail = |e: csv::Error| CoreError::Internal(format!("csv: {e}"));
    w.write_record(header).map_err(fail)?;
    let total = NamedRow { key: "TONG".into(), name: "Tổng cộng".into(), row: report.total.clone() };
    for r in report.rows.iter().chain(std::iter::once(&total)) {
        let x = &r.row;
        let numbers = [
            x.carried_over,
            x.new_online,
            x.new_direct,
            x.received,
            x.finished_early,
            x.finished_on_time,
            x.finished_late,
            x.finished,
            x.in_process_within_deadline,
            x.in_process_overdue,
            x.in_process,
        ];
        let mut record = vec![r.key.clone(), r.name.clone()];
        record.extend(numbers.iter().map(|n| n.to_string()));
        w.write_record(&record).map_err(fail)?;
    }
    let bytes = w.into_inner().map_err(|e| CoreError::Internal(format!("csv: {e}")))?;
    // A byte-order mark so that spreadsheet programs read the Vietnamese text as UTF-8.
    Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
}
