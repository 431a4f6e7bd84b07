//! The Decision 766 index served (R9): its counts read from the day buckets of a scope (an
//! agency, or the province), the procedures from the catalogue, the five groups scored by
//! [`motcua_domain::index766`]; and the ended dossiers behind each input, listed from their
//! evaluation records (`EVAL766#<scope>`), a page at a time.

use crate::reports::check_period;
use crate::{catalogue, keys, Caller, CoreError, CoreResult, Services};
use chrono::NaiveDate;
use motcua_domain::catalogue::ServiceLevel;
use motcua_domain::index766::{additions, metric, score, Counts, Evaluation, Group, Input, Share};
use motcua_domain::report::metric as report_metric;
use motcua_domain::roles::Role;
use motcua_ports::{attr_i64, attr_str, Condition, Index, Query, SortCondition, WriteOp};
use serde::Serialize;

/// The index of a period for an agency or the province.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Index766 {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The agency; absent: the province.
    pub agency: Option<String>,
    pub points: f64,
    pub max_points: f64,
    pub counts: Counts,
    pub groups: Vec<Group>,
    /// The 2026 dashboards' additions, without points.
    pub additions: Vec<Share>,
}

/// The evaluation records of the dossiers of `agency` (or the province) ended from `from` to
/// `to`, in order of their end day.
pub(crate) fn evaluations(agency: Option<&str>, from: NaiveDate, to: NaiveDate) -> Query {
    let day = |d: NaiveDate, end: &str| format!("{}{end}", d.format("%Y-%m-%d"));
    Query::partition(Index::Primary, keys::evaluations(&scope(agency)))
        .sort(SortCondition::Between(day(from, "#"), day(to, "#~")))
}

fn scope(agency: Option<&str>) -> String {
    agency.map_or_else(|| "all".to_string(), |a| format!("agency:{a}"))
}

/// The writes that keep an ended dossier's evaluation listable behind each input, for its
/// agency and for the province (in the dossier's own transaction).
pub(crate) fn evaluation_ops(agency: &str, e: &Evaluation) -> CoreResult<Vec<WriteOp>> {
    let sort = format!("{}#{}", e.ended_at.date_naive().format("%Y-%m-%d"), e.dossier_id);
    [scope(Some(agency)), scope(None)]
        .into_iter()
        .map(|scope| {
            let key = motcua_ports::Key::new(keys::evaluations(&scope), sort.clone());
            Ok(WriteOp::Put { item: keys::item(&key, e, &[])?, condition: Condition::None })
        })
        .collect()
}

/// The index for `from..=to` (Vietnam dates), for `agency` or the province.
pub async fn index(s: &Services, from: NaiveDate, to: NaiveDate, agency: Option<&str>) -> CoreResult<Index766> {
    check_period(from, to)?;
    if let Some(a) = agency {
        catalogue::agency(s, a).await?;
    }
    let query = Query::partition(Index::Primary, keys::aggregate_partition(&scope(agency)))
        .sort(keys::aggregate_days(Some(from), to));
    let mut c = Counts::default();
    for item in keys::read_items(s.table.as_ref(), query.limit(400)).await? {
        if attr_str(&item, "day").is_none() {
            continue;
        }
        let n = |m: &str| attr_i64(&item, m).unwrap_or(0);
        c.ended += n(metric::ENDED);
        c.on_time += n(metric::ON_TIME);
        c.online += n(metric::ONLINE);
        c.digitised += n(metric::DIGITISED);
        c.reused += n(metric::REUSED);
        c.full_online += n(metric::FULL_ONLINE);
        c.disliked += n(metric::DISLIKED);
        c.synced += n(metric::SYNCED);
        c.received += n(report_metric::RECEIVED_ONLINE) + n(report_metric::RECEIVED_DIRECT);
    }
    let procedures =
        catalogue::search(s, &catalogue::SearchQuery { agency: agency.map(String::from), ..Default::default() })
            .await?;
    // Every procedure of the catalogue is offered online, fully or partly (Decree 42/2022
    // levels); one offered only at the counter would not count.
    c.procedures = procedures.len() as i64;
    c.procedures_online = c.procedures;
    c.procedures_full_online = procedures.iter().filter(|p| p.level == ServiceLevel::Full).count() as i64;
    let petitioned: Vec<String> = match agency {
        Some(a) => vec![a.into()],
        None => catalogue::agencies(s).await?.into_iter().map(|a| a.code.to_string()).collect(),
    };
    for a in &petitioned {
        let (due, on_time) = crate::feedback::handled_on_time(s, a, from, to).await?;
        c.petitions_due += due;
        c.petitions_on_time += on_time;
    }
    let groups = score(&c);
    let points = (groups.iter().map(|g| g.points).sum::<f64>() * 10.0).round() / 10.0;
    let max_points = groups.iter().map(|g| g.max_points).sum();
    let additions = additions(&c);
    Ok(Index766 { from, to, agency: agency.map(String::from), points, max_points, counts: c, groups, additions })
}

/// The ended dossiers of the period that meet (`met`) or miss an input, a page at a time: the
/// staff of the agency, or the system administrator (for the province too).
pub async fn dossiers(
    s: &Services,
    caller: &Caller,
    (from, to): (NaiveDate, NaiveDate),
    agency: Option<&str>,
    (input, met): (Input, bool),
    cursor: Option<String>,
    limit: usize,
) -> CoreResult<(Vec<Evaluation>, Option<String>)> {
    check_period(from, to)?;
    let allowed = caller.role == Role::SystemAdmin || agency.is_some_and(|a| caller.works_for(a));
    if !allowed {
        return Err(CoreError::Forbidden(
            "Chỉ cán bộ của cơ quan (hoặc quản trị hệ thống, cho toàn tỉnh) xem danh sách hồ sơ của chỉ số.".into(),
        ));
    }
    let query = evaluations(agency, from, to);
    let mut out = vec![];
    let mut cursor = cursor;
    // Reads pages until `limit` matching dossiers or the end; the cursor resumes after the last
    // record read.
    loop {
        let page =
            s.table.query(query.clone().limit(limit).after(cursor.take())).await.map_err(crate::store::cursor_error)?;
        for item in &page.items {
            let e: Evaluation = keys::data(item)?;
            if e.meets(input) == met {
                out.push(e);
            }
        }
        match page.next {
            Some(next) if out.len() < limit => cursor = Some(next),
            next => return Ok((out, next)),
        }
    }
}
