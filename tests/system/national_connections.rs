//! The integration platform (issue 10) driven as the counterparts would: a fake national portal
//! (a real HTTP server speaking national-connections §2, with failure switches) receives our
//! dossiers and their progress, goes down for 10 minutes of simulated time, loses an
//! acknowledgement, refuses a procedure, files dossiers of its own and serves the national
//! catalogue; an agency's system reads its feed and receives signed webhooks. The test runs
//! the integration worker's ticks itself and moves the clock between them. Same test on the
//! AWS adapters (moto) with `MOTCUA_TEST_BACKEND=aws`.

use crate::common::*;
use chrono::Duration;
use motcua_fakes::FakeNationalPortal;
use serde_json::{json, Value};

const HKD: &str = "1.001612";
const HKD_FORM: &str = "giay-de-nghi-dk-hkd";
const SECRET: &str = "bi-mat-day-ho-so-dvcqg";

fn hkd_form() -> Value {
    json!({"household_business_name": "Hộ kinh doanh Bánh cuốn Hạc Thành",
        "business_address": "Số 8 phố Lê Hoàn, phường Hạc Thành", "business_lines": "Bán bánh cuốn, bánh mì",
        "capital_vnd": 50000000})
}

/// A household-business dossier filed by `congdan` and accepted by the ward; returns (id, code).
async fn accepted(app: &TestApp) -> (String, String) {
    let citizen = app.login("congdan").await;
    let draft = app.post("/api/v1/dossiers", Some(&citizen), json!({"procedure": HKD, "form": hkd_form()})).await;
    let id = draft.ok()["id"].as_str().unwrap().to_string();
    app.upload(&citizen, &id, HKD_FORM, PDF, "application/pdf", "giay-de-nghi.pdf").await.ok();
    app.post(&format!("/api/v1/dossiers/{id}/submit"), Some(&citizen), json!({})).await.ok();
    let officer = app.login("tiepnhan.phuong").await;
    let d = app.post(&format!("/api/v1/dossiers/{id}/accept"), Some(&officer), json!({})).await;
    (id, d.ok()["code"].as_str().unwrap().to_string())
}

async fn tick(app: &TestApp) -> usize {
    motcua_core::serving::scope("integration-worker", motcua_core::integration::tick(app.services())).await
}

fn statuses(progress: &[serde_json::Map<String, Value>]) -> Vec<i64> {
    progress.iter().map(|p| p["TrangThai"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn an_accepted_dossier_reaches_the_portal_with_its_progress_and_nothing_is_lost_in_an_outage() {
    let portal = FakeNationalPortal::start().await;
    let app = TestApp::spawn_connected(&portal, SECRET).await;
    let (id, code) = accepted(&app).await;
    assert_eq!(tick(&app).await, 1);

    // The record carries the spec's required fields; progress: submitted (1), accepted (2).
    let record = portal.with(|s| s.dossiers.get(&code).cloned()).expect("the portal holds the dossier");
    assert_eq!(record["MaTTHC"], HKD);
    assert_eq!(record["TrangThaiHoSo"], 2);
    assert_eq!(record["KenhThucHien"], 2);
    assert_eq!(record["DonViXuLy"], WARD);
    assert_eq!(record["NgayTiepNhan"], "20260302090000");
    assert_eq!(record["TaiLieuNop"][0]["MaThanhPhanHoSo"], HKD_FORM);
    assert!(record["TaiLieuNop"][0]["DuongDanTaiTepTin"]
        .as_str()
        .unwrap()
        .starts_with("https://dichvucong.thanhhoa.example/api/v1/national-portal/files/"));
    assert_eq!(statuses(&portal.with(|s| s.progress[&code].clone())), vec![1, 2]);
    // The portal fetches the file through the signed link, without an account; an altered
    // link finds nothing.
    let link = record["TaiLieuNop"][0]["DuongDanTaiTepTin"].as_str().unwrap();
    let path = link.strip_prefix("https://dichvucong.thanhhoa.example").unwrap();
    let fetched = app.http.get(format!("{}{path}", app.url)).send().await.unwrap();
    assert!(fetched.status().is_success(), "{}", fetched.status());
    assert_eq!(&fetched.bytes().await.unwrap()[..], PDF);
    let altered = app.get(&path.replace("signature=", "signature=00"), None).await;
    assert_eq!(altered.problem(404), "not_found");
    let first_push = portal.with(|s| s.calls.iter().find(|c| c.service == "DongBoHoSoMC").cloned()).unwrap();
    assert_eq!(first_push.is_updating.as_deref(), Some("False"));

    // The portal is down for 10 minutes while the dossier moves on: nothing is delivered, the
    // operator sees the connection failing with a backlog, nothing is dead-lettered.
    portal.with(|s| s.switches.down = true);
    let specialist = app.login("chuyenvien.phuong").await;
    let officer = app.login("tiepnhan.phuong").await;
    let started = app.post(&format!("/api/v1/dossiers/{id}/start-processing"), Some(&officer), json!({})).await;
    started.ok();
    let _ = specialist;
    for _ in 0..20 {
        app.clock.advance(Duration::seconds(30));
        assert_eq!(tick(&app).await, 0);
    }
    let admin = app.login("quantri").await;
    let health = app.get("/api/v1/integrations", Some(&admin)).await;
    let dvcqg = health.ok().as_array().unwrap().iter().find(|c| c["name"] == "dvcqg").unwrap().clone();
    assert_eq!(dvcqg["state"], "failing", "{dvcqg}");
    assert_eq!((dvcqg["backlog"].as_u64(), dvcqg["dead_letters"].as_u64()), (Some(1), Some(0)));
    assert!(dvcqg["last_error"].as_str().unwrap().contains("503"), "{dvcqg}");
    assert!(dvcqg["oldest_undelivered"].is_string());

    // Back up; the acknowledgement of the next push is lost once (stored, answered 500): the
    // retry asks the portal first and updates instead of creating twice.
    portal.with(|s| {
        s.switches.down = false;
        s.switches.duplicate = true;
    });
    app.clock.advance(Duration::minutes(31));
    assert_eq!(tick(&app).await, 0);
    portal.with(|s| s.switches.duplicate = false);
    app.clock.advance(Duration::minutes(31));
    assert_eq!(tick(&app).await, 1);
    let progress = portal.with(|s| s.progress[&code].clone());
    let ours = app.get(&format!("/api/v1/dossiers/{id}"), Some(&officer)).await.ok().clone();
    assert_eq!(progress.len(), ours["history"].as_array().unwrap().len(), "every step once, in order");
    assert_eq!(statuses(&progress), vec![1, 2, 4]);
    assert_eq!(portal.with(|s| s.dossiers[&code]["TrangThaiHoSo"].clone()), 4);
    assert!(
        portal.with(|s| s.calls.iter().all(|c| c.accepted || c.service != "DongBoHoSoMC" || c.is_updating.is_some()))
    );
    let health = app.get("/api/v1/integrations", Some(&admin)).await;
    let dvcqg = health.ok().as_array().unwrap().iter().find(|c| c["name"] == "dvcqg").unwrap().clone();
    assert_eq!((dvcqg["state"].as_str(), dvcqg["backlog"].as_u64()), (Some("ok"), Some(0)));

    // Only the operator sees connections.
    assert_eq!(app.get("/api/v1/integrations", Some(&officer)).await.problem(403), "forbidden");
}

#[tokio::test]
async fn a_refused_dossier_becomes_a_dead_letter_replayed_by_the_operator_and_reconciliation_resends_what_is_missing() {
    let portal = FakeNationalPortal::start().await;
    let app = TestApp::spawn_connected(&portal, SECRET).await;
    portal.with(|s| s.switches.refuse_procedure = Some(HKD.into()));
    let (_, code) = accepted(&app).await;
    for _ in 0..60 {
        tick(&app).await;
        app.clock.advance(Duration::minutes(31));
    }
    let admin = app.login("quantri").await;
    let letters = app.get("/api/v1/integrations/dvcqg/dead-letters", Some(&admin)).await;
    let letters = letters.ok().as_array().unwrap().clone();
    assert_eq!(letters.len(), 1);
    assert!(letters[0]["reason"].as_str().unwrap().contains("05"), "{}", letters[0]);
    assert_eq!(letters[0]["attempts"], 60);

    portal.with(|s| s.switches.refuse_procedure = None);
    let replayed = app.post("/api/v1/integrations/dvcqg/dead-letters/replay", Some(&admin), json!({})).await;
    assert_eq!(replayed.ok()["replayed"], 1);
    assert_eq!(tick(&app).await, 1);
    assert!(portal.with(|s| s.dossiers.contains_key(&code)));
    assert!(app.get("/api/v1/integrations/dvcqg/dead-letters", Some(&admin)).await.ok().as_array().unwrap().is_empty());

    // The portal loses the dossier: the reconciliation lists it and sends it again in full.
    portal.with(|s| {
        s.dossiers.clear();
        s.progress.clear();
    });
    let report = app.post("/api/v1/integrations/dvcqg/reconcile", Some(&admin), json!({})).await;
    let report = report.ok().clone();
    assert_eq!(report["missing"], json!([code]));
    assert_eq!((report["checked"].as_u64(), report["resent"].as_u64()), (Some(1), Some(1)));
    assert_eq!(tick(&app).await, 1);
    assert_eq!(statuses(&portal.with(|s| s.progress[&code].clone())), vec![1, 2]);
    // It holds another status: listed, and sent again as an update.
    portal.with(|s| s.dossiers.get_mut(&code).unwrap().insert("TrangThaiHoSo".into(), json!(9)));
    let report = app.post("/api/v1/integrations/dvcqg/reconcile", Some(&admin), json!({})).await;
    assert_eq!(report.ok()["different"], json!([{"code": code, "ours": 2, "theirs": "9"}]));
    let before = portal.with(|s| s.calls.len());
    assert_eq!(tick(&app).await, 1);
    assert!(portal.with(|s| s.calls[before..].iter().all(|c| c.accepted)), "an update, not a second creation");
    assert_eq!(portal.with(|s| s.dossiers[&code]["TrangThaiHoSo"].clone()), 2);
    let again = app.post("/api/v1/integrations/dvcqg/reconcile", Some(&admin), json!({})).await;
    assert_eq!(again.ok()["resent"], 0);
}

#[tokio::test]
async fn dossiers_filed_on_the_portal_are_received_once_with_their_files_pushed_or_pulled() {
    let portal = FakeNationalPortal::start().await;
    let app = TestApp::spawn_connected(&portal, SECRET).await;
    let mut form = hkd_form();
    form["date_of_birth"] = json!("1990-05-17");
    let filed = |code: &str| {
        json!({"MaHoSo": code, "MaTTHC": HKD, "ChuHoSo": "Lê Văn Nam", "SoGiayToChuHoSo": "038090005678",
            "LoaiDoiTuong": 0, "SoDienThoai": "0912345678", "DiaChi": "Số 3 phố Trần Phú, phường Hạc Thành",
            "DuLieuBieuMau": form})
        .as_object()
        .unwrap()
        .clone()
    };

    // Pulled: the portal lists it, the worker takes it once.
    portal.file_dossier(filed("G22.99-260302-0000001"), vec![(HKD_FORM, "de-nghi-1.pdf", PDF.to_vec())]);
    tick(&app).await;
    app.clock.advance(Duration::minutes(2));
    tick(&app).await;
    let pulls = portal.with(|s| s.calls.iter().filter(|c| c.service == "LayDanhSachHoSoMoi").count());
    assert_eq!(pulls, 2, "pulled twice, received once");
    let officer = app.login("tiepnhan.phuong").await;
    let inbox = app.get("/api/v1/dossiers?status=submitted", Some(&officer)).await;
    let rows: Vec<Value> = inbox.ok()["items"].as_array().unwrap().clone();
    let from_portal: Vec<&Value> = rows
        .iter()
        .filter(|r| r["applicant_name"] == "Lê Văn Nam" || r["applicant"]["full_name"] == "Lê Văn Nam")
        .collect();
    assert_eq!(from_portal.len(), 1, "{rows:?}");
    let id = from_portal[0]["id"].as_str().unwrap();
    let d = app.get(&format!("/api/v1/dossiers/{id}"), Some(&officer)).await.ok().clone();
    assert_eq!((d["channel"].as_str(), d["national_status"].as_u64()), (Some("online"), Some(1)));
    assert_eq!(d["portal_code"], "G22.99-260302-0000001");
    assert_eq!(d["components"][0]["size"], PDF.len());
    // Accepted here, it is synced back under the portal's own code.
    app.post(&format!("/api/v1/dossiers/{id}/accept"), Some(&officer), json!({})).await.ok();
    tick(&app).await;
    assert_eq!(portal.with(|s| s.dossiers["G22.99-260302-0000001"]["TrangThaiHoSo"].clone()), 2);
    assert_eq!(portal.with(|s| s.dossiers["G22.99-260302-0000001"]["NoiNopHoSo"].clone()), 3);

    // Pushed: signed with the shared secret, acknowledged once stored; a repeat changes nothing.
    portal.file_dossier(serde_json::Map::new(), vec![(HKD_FORM, "de-nghi-2.pdf", PDF.to_vec())]);
    let docs =
        json!([{"MaThanhPhanHoSo": HKD_FORM, "DuongDanTaiTepTin": format!("{}/files/de-nghi-2.pdf", portal.url)}]);
    let mut record = filed("G22.99-260302-0000002");
    record.insert("TaiLieuNop".into(), docs);
    let body = serde_json::to_vec(&json!({"data": [record]})).unwrap();
    let push = |signature: String| {
        app.http
            .post(format!("{}/api/v1/national-portal/dossiers", app.url))
            .header("content-type", "application/json")
            .header("x-dvcqg-signature", signature)
            .body(body.clone())
    };
    let now = chrono::Utc::now().timestamp();
    let good = motcua_core::integration::webhooks::signature(SECRET, now, &body);
    let first = app.send(push(good.clone())).await;
    assert_eq!(first.ok()["result"][0]["duplicate"], false);
    let again = app.send(push(good)).await;
    assert_eq!(again.ok()["result"][0]["duplicate"], true);
    assert_eq!(again.body["result"][0]["dossier_id"], first.body["result"][0]["dossier_id"]);
    let forged = app.send(push(motcua_core::integration::webhooks::signature("sai", now, &body))).await;
    assert_eq!(forged.problem(401), "unauthenticated");
    let stale = app.send(push(motcua_core::integration::webhooks::signature(SECRET, now - 3600, &body))).await;
    assert_eq!(stale.problem(401), "unauthenticated");
    let inbox = app.get("/api/v1/dossiers?status=submitted", Some(&officer)).await;
    assert_eq!(inbox.ok()["items"].as_array().unwrap().len(), 1, "one more submitted dossier, the pushed one");

    // A record that names no known procedure is refused with field errors and stores nothing.
    let mut wrong = filed("G22.99-260302-0000003");
    wrong.insert("MaTTHC".into(), json!("9.999999"));
    let body = serde_json::to_vec(&json!({"data": [wrong]})).unwrap();
    let signature = motcua_core::integration::webhooks::signature(SECRET, now, &body);
    let refused = app
        .send(
            app.http
                .post(format!("{}/api/v1/national-portal/dossiers", app.url))
                .header("content-type", "application/json")
                .header("x-dvcqg-signature", signature)
                .body(body),
        )
        .await;
    assert_eq!(refused.problem(422), "validation_failed");
}

#[tokio::test]
async fn the_national_catalogue_changes_become_new_versions_keeping_local_additions() {
    let portal = FakeNationalPortal::start().await;
    let app = TestApp::spawn_connected(&portal, SECRET).await;
    let before = app.get(&format!("/api/v1/procedures/{HKD}"), None).await.ok().clone();
    portal.with(|s| {
        s.procedures = vec![json!({"MATTHC": HKD, "TENTTHC": "Đăng ký thành lập hộ kinh doanh (sửa đổi 2026)",
            "LINHVUCTHUCHIEN": [{"MALINHVUC": before["field"].clone(), "TENLINHVUC": "Thành lập và hoạt động của hộ kinh doanh"}],
            "CANCUPHAPLY": ["Nghị định 168/2025/NĐ-CP"]}).as_object().unwrap().clone(),
            json!({"MATTHC": "9.000001", "TENTTHC": "Thủ tục chưa áp dụng"}).as_object().unwrap().clone()];
        s.fields = vec![json!({"MALINHVUC": "H56-MOI", "TENLINHVUC": "Lĩnh vực mới"}).as_object().unwrap().clone()];
        s.agencies = vec![
            json!({"MADONVI": WARD, "TENDONVI": "UBND phường Hạc Thành (sau sắp xếp)", "CAPDONVI": 3}).as_object().unwrap().clone(),
            json!({"MADONVI": "000.99.99.H56", "TENDONVI": "Cơ quan chưa có", "CAPDONVI": 2}).as_object().unwrap().clone(),
        ];
    });
    let admin = app.login("quantri").await;
    let report = app.post("/api/v1/integrations/dvcqg/catalogue-sync", Some(&admin), json!({})).await;
    let report = report.ok().clone();
    assert_eq!(report["not_adopted"], json!(["9.000001"]));
    let change = report["changes"].as_array().unwrap().iter().find(|c| c["code"] == HKD).unwrap().clone();
    assert_eq!(change["version"], before["version"].as_u64().unwrap() + 1);
    assert!(change["changes"].to_string().contains("sửa đổi 2026"));

    let after = app.get(&format!("/api/v1/procedures/{HKD}"), None).await.ok().clone();
    assert_eq!(after["name"], "Đăng ký thành lập hộ kinh doanh (sửa đổi 2026)");
    assert_eq!(after["legal_basis"], json!(["Nghị định 168/2025/NĐ-CP"]));
    assert_eq!(after["form"], before["form"], "the province's form schema survives");
    assert_eq!(after["components"], before["components"]);
    let officer = app.login("tiepnhan.phuong").await;
    let changes = app.get("/api/v1/integrations/catalogue-changes", Some(&officer)).await;
    let changes = changes.ok().as_array().unwrap().clone();
    assert!(changes.iter().any(|c| c["code"] == "H56-MOI"));
    assert!(changes.iter().any(|c| c["kind"] == "agency" && c["code"] == WARD));
    assert!(!changes.iter().any(|c| c["code"] == "000.99.99.H56"), "agencies are not invented");
    let agencies = app.get("/api/v1/agencies", None).await;
    assert!(agencies.ok().to_string().contains("UBND phường Hạc Thành (sau sắp xếp)"));
    // Nothing changed nationally: no new version.
    let again = app.post("/api/v1/integrations/dvcqg/catalogue-sync", Some(&admin), json!({})).await;
    assert!(again.ok()["changes"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn an_agency_reads_its_feed_by_cursor_and_receives_signed_webhooks_in_order_retried() {
    let portal = FakeNationalPortal::start().await;
    let receiver = motcua_fakes::FakeWebhookReceiver::start().await;
    let app = TestApp::spawn_connected(&portal, SECRET).await;
    let token = app
        .post("/api/v1/auth/token", None, json!({"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}))
        .await;
    let client = token.ok()["access_token"].as_str().unwrap().to_string();
    let refused = app.post("/api/v1/webhooks", Some(&client), json!({"url": "ftp://x"})).await;
    assert_eq!(refused.problem(422), "validation_failed");
    let sub = app
        .post(
            "/api/v1/webhooks",
            Some(&client),
            json!({"url": receiver.url, "description": "Hệ thống quản lý văn bản"}),
        )
        .await;
    assert_eq!(sub.status, reqwest::StatusCode::CREATED, "{}", sub.body);
    let secret = sub.body["secret"].as_str().unwrap().to_string();
    receiver.with(|r| r.secret = Some(secret));
    let listed = app.get("/api/v1/webhooks", Some(&client)).await;
    assert!(listed.ok()[0].get("secret").is_none(), "the secret is shown once");

    receiver.with(|r| r.down = true);
    let (id, _) = accepted(&app).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    tick(&app).await;
    assert!(receiver.with(|r| r.deliveries.is_empty()));
    receiver.with(|r| r.down = false);
    app.clock.advance(Duration::minutes(1));
    tick(&app).await;
    let got = receiver.with(|r| r.deliveries.clone());
    let kinds: Vec<&str> = got.iter().map(|d| d.body["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["dossier.submit", "dossier.accept"]);
    assert!(got.iter().all(|d| d.signature_valid), "signed with the subscriber's secret");
    assert_eq!(got[1].event_id, got[1].body["id"].as_str().unwrap());
    assert_eq!(got[1].body["dossier_id"], id.as_str());

    // The same events by cursor, in order; reading from the last cursor gives nothing new.
    let feed = app.get("/api/v1/events", Some(&client)).await;
    let items = feed.ok()["items"].as_array().unwrap().clone();
    assert_eq!(items.iter().map(|e| e["kind"].as_str().unwrap()).collect::<Vec<_>>(), kinds);
    let next = feed.body["next_cursor"].as_str().unwrap().to_string();
    let rest = app.get(&format!("/api/v1/events?after={}", next.replace('#', "%23")), Some(&client)).await;
    assert!(rest.ok()["items"].as_array().unwrap().is_empty());
    assert_eq!(app.get("/api/v1/events?after=abc", Some(&client)).await.problem(400), "invalid_cursor");
    let citizen = app.login("congdan").await;
    assert_eq!(app.get("/api/v1/events", Some(&citizen)).await.problem(403), "forbidden");
}

/// R11: a procedure processed in a ministry's system (the demo's permanent-residence
/// registration, in the Ministry of Public Security's residence system) is never filed here;
/// that system syncs each dossier's status, the only one; statistics count each dossier once
/// whatever the repeats and the order; a batch with one bad record changes nothing.
#[tokio::test]
async fn dossiers_processed_in_a_ministry_system_are_synced_in_and_counted_once() {
    use motcua::seed::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, MINISTRY_CLIENT_ID, MINISTRY_CLIENT_SECRET, WARD_POLICE};
    const RESIDENCE: &str = "1.004222";
    let app = TestApp::spawn().await;
    let citizen = app.login("congdan").await;
    let refused = app.post("/api/v1/dossiers", Some(&citizen), json!({"procedure": RESIDENCE, "form": {}})).await;
    assert_eq!(refused.problem(409), "processed_elsewhere");
    assert!(refused.body["detail"].as_str().unwrap().contains("dichvucong.bocongan.gov.vn"), "{}", refused.body);

    let token = async |id: &str, secret: &str| {
        let body = json!({"grant_type": "client_credentials", "client_id": id, "client_secret": secret});
        app.post("/api/v1/auth/token", None, body).await.ok()["access_token"].as_str().unwrap().to_string()
    };
    let ministry = token(MINISTRY_CLIENT_ID, MINISTRY_CLIENT_SECRET).await;
    let record = |code: &str, status: &str, updated: &str| {
        let ended = ["finished", "returned", "stopped"].contains(&status);
        json!({"code": code, "procedure_code": RESIDENCE, "agency": WARD_POLICE, "channel": "online",
            "applicant_name": "Lê Thị Hoa", "received_at": "2026-03-02T08:00:00+07:00",
            "appointment": "2026-03-05T08:00:00+07:00", "status": status,
            "finished_at": if ended { json!("2026-03-04T10:00:00+07:00") } else { Value::Null },
            "updated_at": updated})
    };
    let push = async |token: &str, records: Vec<Value>| {
        app.post("/api/v1/ministry-systems/dossiers", Some(token), json!({"data": records})).await
    };
    let statistics = async || {
        let q = format!("/api/v1/reports/statistics?from=2026-03-01&to=2026-03-31&agency={WARD_POLICE}");
        app.get(&q, None).await.ok()["total"].clone()
    };
    let counts = |t: &Value| {
        (t["received"].as_i64(), t["new_online"].as_i64(), t["finished_early"].as_i64(), t["finished"].as_i64())
    };

    let first = push(
        &ministry,
        vec![
            record("CT-001", "received", "2026-03-02T08:00:00+07:00"),
            record("CT-002", "finished", "2026-03-04T10:00:00+07:00"),
        ],
    )
    .await;
    assert_eq!(first.ok()["result"], json!([{"code": "CT-001", "changed": true}, {"code": "CT-002", "changed": true}]));
    assert_eq!(counts(&statistics().await), (Some(2), Some(2), Some(1), Some(1)));
    // The 766 index evaluates only dossiers processed here; the ministry reports these to the
    // national portal, so its synced share stays whole.
    let index =
        app.get(&format!("/api/v1/reports/index-766?from=2026-03-01&to=2026-03-31&agency={WARD_POLICE}"), None).await;
    let c766 = &index.ok()["counts"];
    assert_eq!(
        (c766["ended"].as_i64(), c766["received"].as_i64(), c766["synced"].as_i64()),
        (Some(0), Some(2), Some(2))
    );

    // Repeats and an older update change nothing; CT-001 finishes, CT-002 is handed over.
    let again = push(
        &ministry,
        vec![
            record("CT-002", "finished", "2026-03-04T10:00:00+07:00"),
            record("CT-002", "processing", "2026-03-03T10:00:00+07:00"),
        ],
    )
    .await;
    assert_eq!(
        again.ok()["result"],
        json!([{"code": "CT-002", "changed": false}, {"code": "CT-002", "changed": false}])
    );
    push(
        &ministry,
        vec![
            record("CT-001", "finished", "2026-03-04T11:00:00+07:00"),
            record("CT-002", "returned", "2026-03-04T12:00:00+07:00"),
        ],
    )
    .await
    .ok();
    assert_eq!(counts(&statistics().await), (Some(2), Some(2), Some(2), Some(2)));

    // One bad record (an ended dossier reopened) refuses the whole batch: CT-003 is not stored.
    let bad = push(
        &ministry,
        vec![
            record("CT-003", "received", "2026-03-04T12:00:00+07:00"),
            record("CT-001", "processing", "2026-03-05T08:00:00+07:00"),
        ],
    )
    .await;
    assert_eq!(bad.problem(400), "status_regressed");
    let officer = app.login("congan.phuong").await;
    let read = async |token: &str, code: &str| {
        app.get(&format!("/api/v1/ministry-systems/{MINISTRY_CLIENT_ID}/dossiers/{code}"), Some(token)).await
    };
    assert_eq!(read(&officer, "CT-003").await.problem(404), "not_found");
    assert_eq!(read(&officer, "CT-002").await.ok()["status"], "returned");
    assert_eq!(read(&citizen, "CT-002").await.problem(404), "not_found");
    assert_eq!(counts(&statistics().await), (Some(2), Some(2), Some(2), Some(2)));

    // Another system may not speak for this one; people may not push at all.
    let lgsp = token(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET).await;
    assert_eq!(
        push(&lgsp, vec![record("CT-004", "received", "2026-03-04T12:00:00+07:00")]).await.problem(403),
        "forbidden"
    );
    assert_eq!(
        push(&officer, vec![record("CT-004", "received", "2026-03-04T12:00:00+07:00")]).await.problem(403),
        "forbidden"
    );
}
