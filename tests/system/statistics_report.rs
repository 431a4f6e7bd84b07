//! The statistics report (rules §6) against dossiers whose fate the test knows: carried over
//! from the previous month, finished early / on time / late, in process within the deadline
//! and overdue, online and at the counter — every row balanced.

use crate::common::*;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

struct Actors {
    citizen: String,
    receiver: String,
    specialist: String,
}

impl Actors {
    async fn new(app: &TestApp) -> Actors {
        Actors {
            citizen: app.login("congdan").await,
            receiver: app.login("tiepnhan.stp").await,
            specialist: app.login("chuyenvien.stp").await,
        }
    }
}

/// Submits and accepts a criminal-record dossier (10 working days) at `when`.
async fn accepted_at(app: &TestApp, who: &Actors, when: &str) -> Value {
    app.clock.set(at(when));
    let id = app.submitted_dossier(&who.citizen).await;
    app.post(&format!("/api/v1/dossiers/{id}/accept"), Some(&who.receiver), json!({})).await.ok().clone()
}

async fn finish_at(app: &TestApp, who: &Actors, dossier: &Value, when: &str) {
    app.clock.set(at(when));
    let id = dossier["id"].as_str().unwrap();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(PDF));
    let ticket = app
        .post(
            &format!("/api/v1/dossiers/{id}/result-uploads"),
            Some(&who.specialist),
            json!({"filename": "ket-qua.pdf", "size": PDF.len(), "content_type": "application/pdf", "sha256": sha}),
        )
        .await
        .ok()
        .clone();
    assert!(app.put_presigned(&ticket, PDF).await.is_success());
    app.post(
        &format!("/api/v1/dossiers/{id}/finish"),
        Some(&who.specialist),
        json!({"upload_id": ticket["upload_id"]}),
    )
    .await
    .ok();
}

fn check(row: &Value, expected: [i64; 9]) {
    let names = [
        "carried_over",
        "new_online",
        "new_direct",
        "finished_early",
        "finished_on_time",
        "finished_late",
        "in_process_within_deadline",
        "in_process_overdue",
        "received",
    ];
    for (name, want) in names.iter().zip(expected) {
        assert_eq!(row[name], want, "{name} in {row}");
    }
    let n = |k: &str| row[k].as_i64().unwrap();
    assert_eq!(n("received"), n("finished") + n("in_process"), "received = finished + in process");
    assert_eq!(n("received"), n("carried_over") + n("new_online") + n("new_direct"));
}

#[tokio::test]
async fn the_march_report_counts_each_dossier_where_the_rules_put_it() {
    let app = TestApp::spawn().await;
    let who = Actors::new(&app).await;

    // February (after the Tết break): A is accepted on 23/02, due 09/03; finished late on 10/03.
    let a = accepted_at(&app, &who, "2026-02-23T09:00:00+07:00").await;
    assert_eq!(a["appointment"], "2026-03-09T09:00:00+07:00");
    // February: B accepted and finished in February (not carried over).
    let b = accepted_at(&app, &who, "2026-02-24T09:00:00+07:00").await;
    finish_at(&app, &who, &b, "2026-02-26T10:00:00+07:00").await;
    // March: C finished early, D finished on time (on its appointment day).
    let c = accepted_at(&app, &who, "2026-03-02T09:00:00+07:00").await;
    let d = accepted_at(&app, &who, "2026-03-03T09:00:00+07:00").await;
    assert_eq!(d["appointment"], "2026-03-17T09:00:00+07:00");
    finish_at(&app, &who, &a, "2026-03-10T10:00:00+07:00").await;
    finish_at(&app, &who, &c, "2026-03-05T10:00:00+07:00").await;
    finish_at(&app, &who, &d, "2026-03-17T08:30:00+07:00").await;
    // March: E still open at the end of March, due 23/03 → overdue; F due in April → within.
    let e = accepted_at(&app, &who, "2026-03-09T09:00:00+07:00").await;
    assert_eq!(e["appointment"], "2026-03-23T09:00:00+07:00");
    accepted_at(&app, &who, "2026-03-30T09:00:00+07:00").await;

    app.clock.set(at("2026-04-15T09:00:00+07:00"));
    let q = |from: &str, to: &str| format!("/api/v1/reports/statistics?from={from}&to={to}&agency={JUSTICE}");
    let march = app.get(&q("2026-03-01", "2026-03-31"), None).await.ok().clone();
    //                    carried online direct early on-time late within overdue received
    check(&march["total"], [1, 4, 0, 1, 1, 1, 1, 1, 5]);
    let february = app.get(&q("2026-02-01", "2026-02-28"), None).await.ok().clone();
    check(&february["total"], [0, 2, 0, 1, 0, 0, 1, 0, 2]);
    // The first quarter: nothing carried over; A is late, E overdue.
    let quarter = app.get(&q("2026-01-01", "2026-03-31"), None).await.ok().clone();
    check(&quarter["total"], [0, 6, 0, 2, 1, 1, 1, 1, 6]);
    // Per field, the rows add up to the total.
    let by_field = app.get(&format!("{}&group_by=field", q("2026-03-01", "2026-03-31")), None).await.ok().clone();
    let sum: i64 = by_field["rows"].as_array().unwrap().iter().map(|r| r["received"].as_i64().unwrap()).sum();
    assert_eq!(sum, 5);
    // Another agency's report does not count them; the province-wide one does.
    let ward = app.get(&format!("/api/v1/reports/statistics?from=2026-03-01&to=2026-03-31&agency={WARD}"), None).await;
    assert_eq!(ward.ok()["total"]["received"], 0);
    let all = app.get("/api/v1/reports/statistics?from=2026-03-01&to=2026-03-31", None).await;
    assert_eq!(all.ok()["total"]["received"], 5);
}

/// P14: requests counted per operation and day — for the system administrator per operation
/// and outcome, for the public as the portal's daily usage. Operations are named by their
/// route, never by a concrete path (which may hold a code or an ID number).
#[tokio::test]
async fn requests_are_counted_per_operation_and_day_for_administrators_and_the_public() {
    let app = TestApp::spawn_quiet().await;
    for _ in 0..3 {
        app.get("/api/v1/procedures", None).await.ok();
    }
    let code = dossier_code(JUSTICE, 999);
    app.get(&format!("/api/v1/lookup/{code}?id_number=038090001234"), None).await.problem(404);
    let admin = app.login("quantri").await;
    motcua_core::access_log::flush(app.services()).await.unwrap();

    let stats = app.get("/api/v1/access-statistics?day=2026-03-02", Some(&admin)).await.ok().clone();
    let of = |operation: &str| stats["items"].as_array().unwrap().iter().find(|i| i["operation"] == operation).cloned();
    assert_eq!(of("GET /api/v1/procedures").unwrap()["ok"], 3, "{stats}");
    assert_eq!(of("GET /api/v1/lookup/{code}").unwrap()["refused"], 1, "{stats}");
    assert_eq!(of("POST /api/v1/auth/login").unwrap()["ok"], 1, "{stats}");
    assert!(!stats.to_string().contains(&code) && !stats.to_string().contains("038090001234"));
    let citizen = app.login("congdan").await;
    assert_eq!(app.get("/api/v1/access-statistics?day=2026-03-02", Some(&citizen)).await.problem(403), "forbidden");
    assert_eq!(app.get("/api/v1/access-statistics?day=02-03-2026", Some(&admin)).await.problem(400), "invalid_day");

    // The public summary: one line per day, oldest first, today last.
    let usage = app.get("/api/v1/usage?days=2", None).await.ok().clone();
    let days = usage["items"].as_array().unwrap();
    assert_eq!((days.len(), days[1]["day"].as_str()), (2, Some("2026-03-02")));
    assert!(days[1]["requests"].as_i64().unwrap() >= 5, "{usage}");
    assert_eq!((days[1]["lookups"].as_i64(), days[0]["requests"].as_i64()), (Some(0), Some(0)));
    assert_eq!(app.get("/api/v1/usage?days=40", None).await.problem(400), "invalid_days");
}
