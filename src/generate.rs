//! `motcua generate`: fills a data directory with realistic dossiers for demos, capacity
//! planning and the benchmarks (issue 14) — through the core services, as officers would make
//! them, never by writing items directly, so every index, counter, ledger entry and event is
//! the one the real path writes.
//!
//! The dossiers of the demo ward's procedures are received day after day over the last months
//! (at the counter and by post), most accepted the same day, some the next; a few refused; most
//! handled through appraisal, the leader's approval (with a small result file) and the return,
//! early, on time or late; some left open (recent, or stalled and overdue), so that an inbox
//! holds dossiers due all around today.

use crate::{Application, Settings, StartError};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use futures::stream::{self, StreamExt, TryStreamExt};
use motcua_core::actions::{self, NoteInput, Request, ReturnInput};
use motcua_core::reception::{self, CounterDossier, IdentityInput};
use motcua_core::uploads::{self, UploadRequest};
use motcua_core::{CoreError, CoreResult, Services};
use motcua_domain::caller::Caller;
use motcua_domain::catalogue::{FieldKind, Procedure};
use motcua_domain::dossier::{Action, Channel, IdentityMethod, ReturnMethod};
use motcua_domain::profile::Profile;
use motcua_ports::ManualClock;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// How many requests run at once (the store groups their commits).
const CONCURRENCY: usize = 48;
/// A small, valid PDF: the result file of finished dossiers.
const RESULT_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// What one dossier will go through.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fate {
    /// Refused at reception.
    Refused,
    /// Accepted, then finished this many working days after acceptance (the appointment of the
    /// demo's procedures is 3 to 15 working days: some finish early, some late).
    FinishedAfter(u32),
    /// Accepted and never finished in the period: stalled (overdue by now) or recent.
    Open,
}

/// What was made.
#[derive(Debug, Default, serde::Serialize)]
pub struct Generated {
    pub dossiers: usize,
    pub refused: usize,
    pub finished: usize,
    pub open: usize,
    pub waiting_for_reception: usize,
    pub working_days: usize,
    /// Events (notifications of the applicants) handled as the days went by.
    pub events: usize,
    pub seconds: f64,
    /// A few codes and receipt secrets to look up (the benchmarks use them).
    pub lookups: Vec<(String, String)>,
}

/// How many lookups the summary keeps.
const LOOKUP_SAMPLES: usize = 50;

/// A deterministic pseudo-random number in `0..1` for dossier `i` and purpose `salt`.
fn chance(i: usize, salt: u64) -> f64 {
    let mut x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 29;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

fn fate(i: usize) -> Fate {
    match chance(i, 1) {
        r if r < 0.03 => Fate::Refused,
        r if r < 0.13 => Fate::Open,
        _ => Fate::FinishedAfter(1 + (chance(i, 2) * 16.0) as u32),
    }
}

/// The working days (Monday to Friday) of the `n` weeks before `today`, oldest first.
fn working_days(today: NaiveDate, weeks: i64) -> Vec<NaiveDate> {
    let first = today - Duration::weeks(weeks);
    first
        .iter_days()
        .take_while(|d| *d <= today)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect()
}

/// `hh:mm` of `day` in Vietnam time.
fn at(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    motcua_domain::calendar::vn_offset()
        .from_local_datetime(&day.and_hms_opt(hour, minute, 0).expect("a time of day"))
        .single()
        .expect("no DST in Vietnam")
        .with_timezone(&Utc)
}

/// A value of the right kind for every field of the procedure's form.
fn form_of(p: &Procedure, i: usize) -> Map<String, Value> {
    p.form
        .iter()
        .map(|f| {
            let value = match f.kind {
                FieldKind::Text | FieldKind::Textarea => {
                    let text = format!("{} — hồ sơ mẫu số {i}", f.label);
                    json!(text.chars().take(f.max_length.unwrap_or(200)).collect::<String>())
                }
                FieldKind::Date => json!("1990-01-01"),
                FieldKind::Number => json!(1_000_000 + (i % 1000) as i64 * 1000),
                FieldKind::Email => json!(format!("nguoinop{i}@example.vn")),
                FieldKind::Phone => json!(format!("09{:08}", i % 100_000_000)),
                FieldKind::IdNumber => json!(format!("0380{:08}", i % 100_000_000)),
                FieldKind::Select => json!(f.options.first().cloned().unwrap_or_default()),
                FieldKind::Checkbox => json!(true),
            };
            (f.name.clone(), value)
        })
        .collect()
}

fn applicant(i: usize) -> Profile {
    const NAMES: [&str; 6] =
        ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Thu Dung", "Hoàng Văn Em", "Vũ Thị Giang"];
    Profile {
        full_name: NAMES[i % NAMES.len()].into(),
        id_number: Some(format!("0380{:08}", i % 100_000_000)),
        date_of_birth: Some("1990-01-01".into()),
        phone: Some(format!("09{:08}", i % 100_000_000)),
        address: Some(format!("Số {} đường Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa", 1 + i % 300)),
        ..Default::default()
    }
}

async fn caller(s: &Services, username: &str) -> CoreResult<Caller> {
    let u = motcua_core::users::user_by_login(s, username).await?;
    Ok(Caller { id: u.id, role: u.role, agency: u.agency, name: u.profile.full_name, vneid_level: None })
}

/// The officers of the demo ward who handle the generated dossiers.
struct Ward {
    reception: Caller,
    specialist: Caller,
    leader: Caller,
}

/// One dossier received on its day.
async fn receive(s: &Services, w: &Ward, procedure: &Procedure, i: usize) -> CoreResult<String> {
    let by_post = chance(i, 3) < 0.2;
    let request = CounterDossier {
        procedure: procedure.code.to_string(),
        channel: if by_post { Channel::Post } else { Channel::InPerson },
        applicant: applicant(i),
        form: form_of(procedure, i),
        note: None,
        identity: (!by_post).then_some(IdentityInput { method: IdentityMethod::PaperId, read: None }),
    };
    Ok(reception::receive_at_counter(s, &w.reception, request).await?.dossier.id.to_string())
}

async fn act(s: &Services, who: &Caller, id: &str, request: Request) -> CoreResult<()> {
    actions::act(s, who, id, request, None).await.map(drop)
}

/// Accepts a dossier; its code and receipt secret.
async fn accept(s: &Services, w: &Ward, id: &str) -> CoreResult<(String, String)> {
    let d = actions::act(s, &w.reception, id, Request::Accept(NoteInput::default()), None).await?.dossier;
    Ok((d.code.map(|c| c.to_string()).unwrap_or_default(), d.receipt_secret.unwrap_or_default()))
}

/// Appraisal with a result file, the leader's approval, and the return at the counter.
async fn finish(s: &Services, w: &Ward, id: &str) -> CoreResult<()> {
    let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(RESULT_PDF));
    let request = UploadRequest {
        filename: "ket-qua.pdf".into(),
        size: RESULT_PDF.len() as u64,
        content_type: "application/pdf".into(),
        sha256,
    };
    let ticket = uploads::request_result_upload(s, &w.specialist, id, request).await?;
    s.objects
        .put(&format!("dossiers/{id}/{}", ticket.upload_id), RESULT_PDF.to_vec().into(), "application/pdf")
        .await?;
    uploads::finish(s, &w.specialist, id, Action::SubmitForApproval, &ticket.upload_id, None, None).await?;
    act(s, &w.leader, id, Request::Approve(NoteInput::default())).await?;
    let returned = ReturnInput { return_method: Some(ReturnMethod::Counter), ..Default::default() };
    act(s, &w.reception, id, Request::ReturnResult(returned)).await
}

/// Runs `work` on every item, `CONCURRENCY` at a time.
async fn all<T, F, Fut>(items: Vec<T>, work: F) -> CoreResult<()>
where
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = CoreResult<()>>,
{
    stream::iter(items).map(work).buffer_unordered(CONCURRENCY).try_collect::<Vec<()>>().await.map(drop)
}

/// Handles every event waiting in the events queue, as the worker of a running system does
/// during the day, so that the data set is served in a steady state (no backlog of
/// notifications competing with the benchmarks). Returns how many were handled.
async fn handle_events(s: &Services) -> CoreResult<usize> {
    let drainers = (0..CONCURRENCY / 8).map(|_| async {
        let mut handled = 0;
        loop {
            match motcua_core::events::drain_once(s).await? {
                0 => return Ok::<usize, CoreError>(handled),
                n => handled += n,
            }
        }
    });
    Ok(futures::future::try_join_all(drainers).await?.into_iter().sum())
}

/// Fills `data_dir` (new or a demo's) with `n` dossiers received over the last `weeks` weeks.
pub async fn generate(data_dir: std::path::PathBuf, n: usize, weeks: i64) -> Result<Generated, StartError> {
    let started = std::time::Instant::now();
    let today = chrono::Utc::now().with_timezone(&motcua_domain::calendar::vn_offset()).date_naive();
    let days = working_days(today, weeks);
    let clock = Arc::new(ManualClock::new(at(days[0], 8, 0)));
    let settings = Settings {
        data_dir,
        addr: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        clock: clock.clone(),
        run_worker: false,
        regime: motcua_domain::regime::RegimeSchedule::only(motcua_domain::regime::Regime::R2025),
        ..Settings::default()
    };
    let app = Application::build(settings).await?;
    let s = app.services().clone();
    let w = Ward {
        reception: caller(&s, "tiepnhan.phuong").await?,
        specialist: caller(&s, "chuyenvien.phuong").await?,
        leader: caller(&s, "lanhdao.phuong").await?,
    };
    let mut procedures: Vec<Procedure> = Vec::new();
    for seeded in crate::seed::catalogue().procedures {
        let p = motcua_core::catalogue::procedure(&s, &seeded.code).await?;
        if p.agency.as_str() == crate::seed::WARD && p.workflow().steps.len() == 4 && p.workflow().parts.is_empty() {
            procedures.push(p);
        }
    }
    if procedures.is_empty() {
        return Err(CoreError::invalid("no_procedures", "Danh mục không có thủ tục mẫu của phường.").into());
    }
    let mut made = Generated { working_days: days.len(), ..Default::default() };
    // Dossier i is received on day i × days / n; its later steps are planned on later days.
    let mut planned: Vec<Vec<(usize, String)>> = vec![Vec::new(); days.len()];
    let mut next_day_acceptance: Vec<(usize, String)> = Vec::new();
    for (day_no, day) in days.iter().enumerate() {
        let first = day_no * n / days.len();
        let last = (day_no + 1) * n / days.len();
        clock.set(at(*day, 8, 0));
        let received: Vec<(usize, String)> = stream::iter(first..last)
            .map(|i| {
                let (s, w, p) = (&s, &w, &procedures[i % procedures.len()]);
                async move { receive(s, w, p, i).await.map(|id| (i, id)) }
            })
            .buffer_unordered(CONCURRENCY)
            .try_collect()
            .await?;
        made.dossiers += received.len();
        // Reception: yesterday's leftovers first, then most of today's.
        clock.set(at(*day, 10, 0));
        let mut to_accept = std::mem::take(&mut next_day_acceptance);
        let mut refuse = Vec::new();
        for (i, id) in received {
            match fate(i) {
                Fate::Refused => refuse.push(id),
                _ if chance(i, 4) < 0.3 => next_day_acceptance.push((i, id)),
                _ => to_accept.push((i, id)),
            }
        }
        for (i, id) in &to_accept {
            if let Fate::FinishedAfter(after) = fate(*i) {
                if let Some(finishing) = planned.get_mut(day_no + 1 + after as usize) {
                    finishing.push((*i, id.clone()));
                }
            }
        }
        made.refused += refuse.len();
        let note = || NoteInput { note: Some("Hồ sơ không thuộc thẩm quyền giải quyết.".into()) };
        all(refuse, |id| {
            let (s, w) = (&s, &w);
            async move { act(s, &w.reception, &id, Request::Refuse(note())).await }
        })
        .await?;
        let accepted: Vec<(String, String)> = stream::iter(to_accept)
            .map(|(_, id)| {
                let (s, w) = (&s, &w);
                async move { accept(s, w, &id).await }
            })
            .buffer_unordered(CONCURRENCY)
            .try_collect()
            .await?;
        let room = LOOKUP_SAMPLES.saturating_sub(made.lookups.len());
        made.lookups.extend(accepted.into_iter().take(room));
        // The afternoon: results of the day.
        clock.set(at(*day, 15, 0));
        let finishing = std::mem::take(&mut planned[day_no]);
        made.finished += finishing.len();
        all(finishing, |(_, id)| {
            let (s, w) = (&s, &w);
            async move { finish(s, w, &id).await }
        })
        .await?;
        made.events += handle_events(&s).await?;
    }
    made.waiting_for_reception = next_day_acceptance.len();
    made.open = made.dossiers - made.refused - made.finished - made.waiting_for_reception;
    made.seconds = started.elapsed().as_secs_f64();
    app.stop().await;
    Ok(made)
}
