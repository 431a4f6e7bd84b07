//! The public calendar API (rules §5) and its administration: lunar holidays, compensatory
//! days, deadline vectors, and per-year overrides that create a new calendar version.

use crate::common::*;
use serde_json::{json, Value};

fn dates(v: &Value, kind: &str) -> Vec<String> {
    v["days_off"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == kind)
        .map(|d| d["date"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_year_calendar_has_tet_hung_kings_day_and_compensatory_days() {
    let app = TestApp::spawn().await;
    let y = app.get("/api/v1/calendar/2026", None).await.ok().clone();
    assert_eq!(y["lunar_new_year"], "2026-02-17");
    assert_eq!(y["hung_kings_day"], "2026-04-26");
    let holidays = dates(&y, "holiday");
    for d in [
        "2026-01-01",
        "2026-02-16",
        "2026-02-17",
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",
        "2026-04-30",
        "2026-05-01",
        "2026-09-02",
    ] {
        assert!(holidays.contains(&d.to_string()), "{d} in {holidays:?}");
    }
    assert!(dates(&y, "compensatory").contains(&"2026-04-27".to_string()));
    assert_eq!(app.get("/api/v1/calendar/2024", None).await.ok()["lunar_new_year"], "2024-02-10");
    assert_eq!(app.get("/api/v1/calendar/2025", None).await.ok()["lunar_new_year"], "2025-01-29");
}

#[tokio::test]
async fn deadlines_follow_the_rules_vectors_and_explain_skipped_days() {
    let app = TestApp::spawn().await;
    for (received, days, due) in [
        ("2026-02-13T10:00:00+07:00", 3, "2026-02-25T10:00:00+07:00"),
        ("2026-04-23T16:30:00+07:00", 2, "2026-04-28T16:30:00+07:00"),
        ("2026-04-23T17:30:00+07:00", 2, "2026-04-29T07:00:00+07:00"),
        ("2026-04-24T09:15:00+07:00", 5, "2026-05-06T09:15:00+07:00"),
    ] {
        let q = format!("/api/v1/calendar/deadline?received_at={}&working_days={days}", received.replace('+', "%2B"));
        let d = app.get(&q, None).await.ok().clone();
        assert_eq!(d["due_at"], due, "{received} + {days}");
        assert!(d["explanation"].as_str().unwrap().contains("ngày"));
    }
    let d = app
        .get("/api/v1/calendar/deadline?received_at=2026-04-24T09:15:00%2B07:00&working_days=5", None)
        .await
        .ok()
        .clone();
    let reasons: Vec<_> =
        d["skipped"].as_array().unwrap().iter().map(|s| s["reason"].as_str().unwrap().to_string()).collect();
    assert!(reasons.iter().any(|r| r.contains("Hùng Vương")), "{reasons:?}");
}

#[tokio::test]
async fn an_administrator_override_is_a_new_version_that_deadlines_use_and_that_survives_a_restart() {
    let mut app = TestApp::spawn().await;
    let admin = app.login("quantri").await;
    let officer = app.login("tiepnhan.stp").await;
    let body = json!({
        "extra_days_off": [{"date": "2026-09-11", "name": "Nghỉ hoán đổi", "kind": "adjusted"}],
        "working_days": [["2026-09-19", "Làm bù cho ngày 11/09/2026"]],
        "cancelled_days_off": []
    });
    // Only a system administrator may change the calendar; nothing changes otherwise.
    let refused = app
        .request(reqwest::Method::PUT, "/api/v1/calendar/2026/overrides", Some(&officer), Some(body.clone()), &[])
        .await;
    assert_eq!(refused.problem(403), "forbidden");
    assert_eq!(app.get("/api/v1/calendar/2026", None).await.ok()["calendar_version"], 1);

    let changed =
        app.request(reqwest::Method::PUT, "/api/v1/calendar/2026/overrides", Some(&admin), Some(body), &[]).await;
    assert_eq!(changed.ok()["calendar_version"], 2);
    assert!(dates(&changed.body, "adjusted").contains(&"2026-09-11".to_string()));
    assert_eq!(changed.body["working_saturdays"][0]["date"], "2026-09-19");

    // Thu 10/09 10:00 + 2 working days: Fri 11/09 is now off → Tue 15/09.
    let q = "/api/v1/calendar/deadline?received_at=2026-09-10T10:00:00%2B07:00&working_days=2";
    let d = app.get(q, None).await.ok().clone();
    assert_eq!(d["due_at"], "2026-09-15T10:00:00+07:00");
    assert_eq!(d["calendar_version"], 2);
    // Fri 18/09 10:00 + 1 working day: Saturday 19/09 is worked.
    let d = app.get("/api/v1/calendar/deadline?received_at=2026-09-18T10:00:00%2B07:00&working_days=1", None).await;
    assert_eq!(d.ok()["due_at"], "2026-09-19T10:00:00+07:00");

    let tmp = app.stop().await;
    let app = TestApp::start(app.dir.clone(), app.clock.clone()).await;
    assert_eq!(app.get(q, None).await.ok()["due_at"], "2026-09-15T10:00:00+07:00");
    drop(tmp);
}

/// R1: a system administrator puts a regime in force from a day on (today or later); dossiers
/// filed before keep theirs, dossiers filed from that day follow it, and the setting survives a
/// restart whatever the deployment's `--regime` says.
#[tokio::test]
async fn an_administrator_switches_the_regime_from_a_day_and_dossiers_keep_theirs() {
    // The deployment starts under 2019 whichever regime the suite runs under: this is the switch.
    let mut app = TestApp::spawn_configured(|s| s.regime = RegimeSchedule::only(Regime::R2019)).await;
    let (admin, officer, citizen) =
        (app.login("quantri").await, app.login("tiepnhan.stp").await, app.login("congdan").await);
    let r = app.get("/api/v1/regime", None).await.ok().clone();
    assert_eq!(
        (r["in_force"].as_str(), r["source"].as_str(), r["version"].as_u64()),
        (Some("2019"), Some("deployment"), Some(0))
    );

    // Monday 02/03/2026: only a system administrator, and never for a past day.
    let put = async |token: &str, body: Value| {
        app.request(reqwest::Method::PUT, "/api/v1/regime", Some(token), Some(body), &[]).await
    };
    let tomorrow = json!({"regime": "2025", "from": "2026-03-03"});
    assert_eq!(put(&officer, tomorrow.clone()).await.problem(403), "forbidden");
    let past = put(&admin, json!({"regime": "2025", "from": "2026-03-01"})).await;
    assert_eq!(past.problem(400), "regime_date_in_past");
    assert!(past.body["detail"].as_str().unwrap().contains("02/03/2026"), "{}", past.body);
    let set = put(&admin, tomorrow).await.ok().clone();
    assert_eq!(
        (set["in_force"].as_str(), set["source"].as_str(), set["version"].as_u64()),
        (Some("2019"), Some("administrator"), Some(1))
    );
    assert_eq!(set["schedule"], json!([{"regime": "2019", "from": null}, {"regime": "2025", "from": "2026-03-03"}]));

    // A draft started today and submitted tomorrow is filed under 2025; one filed today keeps 2019.
    let today = app.submitted_dossier(&citizen).await;
    let draft = app.criminal_record_draft(&citizen).await["id"].as_str().unwrap().to_string();
    app.upload(&citizen, &draft, CRIMINAL_RECORD_FORM, PDF, "application/pdf", "to-khai.pdf").await.ok();
    app.clock.advance(chrono::Duration::days(1));
    app.post(&format!("/api/v1/dossiers/{draft}/submit"), Some(&citizen), json!({})).await.ok();
    let regime_of =
        async |id: &str| app.get(&format!("/api/v1/dossiers/{id}"), Some(&citizen)).await.ok()["regime"].clone();
    assert_eq!((regime_of(&today).await, regime_of(&draft).await), (json!("2019"), json!("2025")));
    assert_eq!(app.get("/api/v1/regime", None).await.ok()["in_force"], "2025");

    // The administrator's setting is kept across a restart, and audited.
    let tmp = app.stop().await;
    let app = TestApp::start(app.dir.clone(), app.clock.clone()).await;
    let r = app.get("/api/v1/regime", None).await.ok().clone();
    assert_eq!((r["in_force"].as_str(), r["version"].as_u64()), (Some("2025"), Some(1)));
    let audit = app.get("/api/v1/audit?month=2026-03", Some(&app.login("quantri").await)).await.ok().clone();
    assert!(audit.to_string().contains("regime.switch"), "{audit}");
    drop(tmp);
}
