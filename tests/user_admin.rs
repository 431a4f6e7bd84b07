//! User administration over HTTP (M6, N2): staff accounts per agency, lock and unlock, each
//! action in the audit log; who may do what.

mod common;

use common::*;
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
