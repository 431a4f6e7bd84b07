//! User administration over HTTP (M6, N2): staff accounts per agency, lock and unlock, each
//! action in the audit log; who may do what.

use crate::common::*;
use serde_json::json;

#[tokio::test]
async fn agency_administrators_manage_their_officers_and_every_action_is_audited() {
    let app = TestApp::spawn().await;
    let ward_admin = app.login("quantri.phuong").await;
    let system_admin = app.login("quantri").await;
    let specialist = app.login("chuyenvien.phuong").await;

    // The staff list (also used for assignment) shows the agency's officers only.
    let listed = app.get(&format!("/api/v1/agencies/{WARD}/staff"), Some(&specialist)).await.ok().clone();
    let names: Vec<&str> =
        listed["items"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert!(names.contains(&"chuyenvien.phuong") && names.contains(&"lanhdao.phuong"), "{names:?}");
    assert!(!names.contains(&"chuyenvien.stp"));
    let citizen = app.login("congdan").await;
    assert_eq!(app.get(&format!("/api/v1/agencies/{WARD}/staff"), Some(&citizen)).await.problem(403), "forbidden");

    // An agency administrator creates an officer of their agency, not of another, not an admin.
    let officer = json!({"username": "chuyenvien2.phuong", "password": "MatKhau@123", "role": "specialist",
        "agency": WARD, "full_name": "Đinh Thị Thu"});
    let created = app.post("/api/v1/users", Some(&ward_admin), officer.clone()).await;
    assert_eq!(created.status.as_u16(), 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_string();
    assert!(created.body.get("password_hash").is_none());
    assert_eq!(app.post("/api/v1/users", Some(&ward_admin), officer).await.problem(409), "username_taken");
    let elsewhere = json!({"username": "x.stp", "password": "MatKhau@123", "role": "specialist", "agency": JUSTICE,
        "full_name": "Người khác"});
    assert_eq!(app.post("/api/v1/users", Some(&ward_admin), elsewhere).await.problem(403), "forbidden");
    let admin = json!({"username": "qt2.phuong", "password": "MatKhau@123", "role": "system_admin", "agency": WARD,
        "full_name": "Quản trị"});
    assert_eq!(app.post("/api/v1/users", Some(&ward_admin), admin).await.problem(403), "forbidden");
    assert_eq!(
        app.post(
            "/api/v1/users",
            Some(&specialist),
            json!({"username": "y", "password": "MatKhau@123",
        "role": "specialist", "agency": WARD, "full_name": "Y"})
        )
        .await
        .problem(403),
        "forbidden"
    );

    // The new officer logs in and can be assigned; once locked, cannot log in.
    let token = app
        .post("/api/v1/auth/login", None, json!({"username": "chuyenvien2.phuong", "password": "MatKhau@123"}))
        .await;
    assert_eq!(token.ok()["role"], "specialist");
    let officer_token = token.body["access_token"].as_str().unwrap().to_string();
    assert_eq!(app.get("/api/v1/me", Some(&officer_token)).await.ok()["username"], "chuyenvien2.phuong");
    app.clock.advance(chrono::Duration::minutes(1));
    let locked = app.post(&format!("/api/v1/users/{id}/lock"), Some(&ward_admin), json!({})).await;
    assert_eq!(locked.ok()["locked"], true);
    // Its tokens stop working at once (security issue, item 2), not when they expire.
    assert_eq!(app.get("/api/v1/me", Some(&officer_token)).await.problem(401), "unauthenticated");
    assert_eq!(app.get("/api/v1/inbox", Some(&officer_token)).await.problem(401), "unauthenticated");
    let refused = app
        .post("/api/v1/auth/login", None, json!({"username": "chuyenvien2.phuong", "password": "MatKhau@123"}))
        .await;
    assert_eq!(refused.problem(403), "forbidden");
    let a_specialist_cannot = app.post(&format!("/api/v1/users/{id}/unlock"), Some(&specialist), json!({})).await;
    assert_eq!(a_specialist_cannot.problem(404), "not_found");
    app.clock.advance(chrono::Duration::minutes(1));
    app.post(&format!("/api/v1/users/{id}/unlock"), Some(&system_admin), json!({})).await.ok();
    assert_eq!(app.get("/api/v1/me", Some(&officer_token)).await.problem(401), "unauthenticated", "stays revoked");
    let again = app
        .post("/api/v1/auth/login", None, json!({"username": "chuyenvien2.phuong", "password": "MatKhau@123"}))
        .await;
    let again = again.ok()["access_token"].as_str().unwrap().to_string();
    assert_eq!(app.get("/api/v1/me", Some(&again)).await.ok()["username"], "chuyenvien2.phuong");
    let me = app.get("/api/v1/me", Some(&ward_admin)).await.ok()["id"].as_str().unwrap().to_string();
    assert_eq!(
        app.post(&format!("/api/v1/users/{me}/lock"), Some(&ward_admin), json!({})).await.problem(409),
        "own_account"
    );

    // The audit log of the month: who did what to whom, newest first; administrators only.
    let log = app.get("/api/v1/audit?month=2026-03", Some(&system_admin)).await.ok().clone();
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["unlock", "lock", "create_staff"]);
    assert_eq!(log["items"][2]["actor_name"], "Vũ Thị Lan");
    assert_eq!(log["items"][2]["target_username"], "chuyenvien2.phuong");
    assert_eq!(app.get("/api/v1/audit?month=2026-03", Some(&ward_admin)).await.problem(403), "forbidden");
    assert_eq!(app.get("/api/v1/audit?month=03-2026", Some(&system_admin)).await.problem(400), "invalid_month");
}

/// Security issue, item 9: the audit log recorded only staff creation and locks, unchained;
/// a dossier's history lived only inside its own mutable record.
#[tokio::test]
async fn every_change_is_chained_and_tampering_is_found_online_and_offline() {
    use motcua_core::ledger;
    use motcua_ports::{Index, Key, Query};
    let mut app = TestApp::spawn_quiet().await; // no worker: the test seals itself
    let admin = app.login("quantri").await;
    let ward_admin = app.login("quantri.phuong").await;
    let officer = json!({"username": "chuyenvien3.phuong", "password": "MatKhau@2026", "role": "specialist",
        "agency": WARD, "full_name": "Lò Văn Sáng"});
    let id = app.post("/api/v1/users", Some(&ward_admin), officer).await.ok()["id"].as_str().unwrap().to_string();
    app.post(&format!("/api/v1/users/{id}/lock"), Some(&ward_admin), json!({})).await.ok();
    let days_off = json!({"extra_days_off": [{"date": "2026-09-11", "name": "Nghỉ hoán đổi", "kind": "adjusted"}],
        "working_days": [], "cancelled_days_off": []});
    let put = app.request(reqwest::Method::PUT, "/api/v1/calendar/2026/overrides", Some(&admin), Some(days_off), &[]);
    put.await.ok();
    let survey = json!({"title": "Giờ làm việc", "closes_on": "2026-03-31",
        "questions": [{"text": "Có nên làm việc sáng thứ Bảy?", "options": ["Có", "Không"]}]});
    app.post("/api/v1/surveys", Some(&ward_admin), survey).await.ok();
    let citizen = app.login("congdan").await;
    let dossier = app.criminal_record_draft(&citizen).await["id"].as_str().unwrap().to_string();

    // Sealed a little later (entries younger than a minute wait), and verified.
    let services = app.services().clone();
    let later = chrono::Utc::now().timestamp_millis() + 120_000;
    let sealed = relay(ledger::seal(&services, later)).await.unwrap() as u64;
    assert_eq!(sealed, 5, "staff creation, lock, calendar, survey, draft");
    assert_eq!(relay(ledger::seal(&services, later)).await.unwrap(), 0, "each entry is chained once");
    let verify = || app.get("/api/v1/audit/verify", Some(&admin));
    let v = verify().await.ok().clone();
    assert_eq!((v["ok"].as_bool(), v["records"].as_u64()), (Some(true), Some(sealed)), "{v}");
    assert!(v["checkpoints"].as_u64().unwrap() >= 1 && v["dossiers"].as_u64().unwrap() >= 1, "{v}");
    assert_eq!(app.get("/api/v1/audit/verify", Some(&ward_admin)).await.problem(403), "forbidden");

    // Someone with access to the database rewrites the lock as an unlock: found.
    let entries = services.table.query(Query::partition(Index::Primary, "LEDGER").limit(1000)).await.unwrap();
    let lock = entries.items.iter().find(|i| i["data"]["subject"] == "admin:lock").unwrap().clone();
    let mut forged = lock.clone();
    forged["data"]["subject"] = json!("admin:unlock");
    services.table.put(forged, motcua_ports::Condition::None).await.unwrap();
    let v = verify().await.ok().clone();
    assert_eq!(v["ok"], false);
    assert_eq!(v["first_broken"]["subject"], "admin:unlock", "{v}");
    assert!(v["first_broken"]["seq"].as_u64().unwrap() >= 1);
    services.table.put(lock, motcua_ports::Condition::None).await.unwrap();
    assert_eq!(verify().await.ok()["ok"], true);

    // …or edits a dossier without going through the application: found too.
    let key = Key::new(format!("DOSSIER#{dossier}"), "DOSSIER");
    let original = services.table.get(&key).await.unwrap().unwrap();
    let mut edited = original.clone();
    edited["data"]["form"]["purpose"] = json!("Mục đích khác");
    services.table.put(edited, motcua_ports::Condition::None).await.unwrap();
    let v = verify().await.ok().clone();
    assert_eq!(
        (v["ok"].as_bool(), v["first_broken"]["subject"].as_str()),
        (Some(false), Some(&*format!("dossier:{dossier}")))
    );
    services.table.put(original, motcua_ports::Condition::None).await.unwrap();

    // The same verification offline, on the stopped server's data directory.
    drop(services);
    if aws_endpoint().is_none() {
        let dir = app.stop().await.unwrap();
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args(["--data-dir", dir.path().to_str().unwrap(), "audit", "verify"])
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&run.stdout);
        assert!(run.status.success() && out.contains("\"ok\": true"), "{out} {}", String::from_utf8_lossy(&run.stderr));
    }
}

/// Security issue, item 2: staff could not enrol a second factor.
#[tokio::test]
async fn staff_enrol_an_authenticator_app_and_then_log_in_with_its_code() {
    let app = TestApp::spawn().await;
    let officer = app.login("chuyenvien.phuong").await;
    let enrolment = app.post("/api/v1/me/otp", Some(&officer), json!({})).await;
    assert_eq!(enrolment.status.as_u16(), 201, "{}", enrolment.body);
    let url = enrolment.body["otpauth_url"].as_str().unwrap();
    assert!(url.starts_with("otpauth://totp/MotCua:chuyenvien.phuong?"), "{url}");
    let secret = enrolment.body["secret"].as_str().unwrap();
    let totp = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        totp_rs::Secret::Encoded(secret.into()).to_bytes().unwrap(),
        None,
        String::new(),
    )
    .unwrap();
    let now = || chrono::Utc::now().timestamp() as u64;
    // Confirmed with a first code; a wrong one does not turn it on.
    let confirm = |code: String| app.post("/api/v1/me/otp/confirm", Some(&officer), json!({"code": code}));
    let wrong = if totp.generate(now()) == "123456" { "654321" } else { "123456" };
    assert_eq!(field_errors_of(&confirm(wrong.into()).await), vec![("code".to_string(), "wrong_otp".to_string())]);
    assert_eq!(confirm(totp.generate(now())).await.ok()["otp_enabled"], true);

    // From now on the password alone is not enough; each code works once.
    let login = |otp: Option<String>| {
        let mut body = json!({"username": "chuyenvien.phuong", "password": DEMO_PASSWORD});
        if let Some(otp) = otp {
            body["otp"] = json!(otp);
        }
        app.post("/api/v1/auth/login", None, body)
    };
    assert_eq!(login(None).await.problem(401), "otp_required");
    assert_eq!(login(Some(wrong.into())).await.problem(401), "unauthenticated");
    let next_step = (now() / 30 + 1) * 30;
    let code = totp.generate(next_step);
    assert_eq!(login(Some(code.clone())).await.ok()["role"], "specialist", "the next step's code (one step of drift)");
    assert_eq!(login(Some(code)).await.problem(401), "unauthenticated", "a code is used once");
    let citizen = app.login("congdan").await;
    assert_eq!(app.post("/api/v1/me/otp", Some(&citizen), json!({})).await.problem(403), "forbidden");
    let admin = app.login("quantri").await;
    let log = app.get("/api/v1/audit?month=2026-03", Some(&admin)).await.ok().clone();
    assert!(log["items"].as_array().unwrap().iter().any(|r| r["action"] == "otp.enrol"), "{log}");
}

fn field_errors_of(r: &Response) -> Vec<(String, String)> {
    r.body["errors"]
        .as_array()
        .map(|e| e.iter().map(|e| (e["field"].as_str().unwrap().into(), e["code"].as_str().unwrap().into())).collect())
        .unwrap_or_default()
}
