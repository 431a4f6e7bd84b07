//! The one-stop workflow over HTTP on the embedded server (issue 4): every lifecycle path an
//! officer takes a dossier through, each checking statuses, deadlines, forms and notifications.
//! The clock starts on Monday 02/03/2026 09:00 (no day off in March 2026).

use crate::common::*;
use chrono::Duration;
use motcua::seed::WARD_POLICE;
use serde_json::{json, Value};

/// Household business registration at the ward: 3 working days, reception → appraisal →
/// leader approval → return (seeded workflow).
pub(crate) const HKD: &str = "1.001612";
pub(crate) const HKD_FORM: &str = "giay-de-nghi-dk-hkd";
/// Inter-agency birth registration (G4): the ward leads, the ward police registers residence.
const BIRTH: &str = "2.000986";

pub(crate) struct Ward {
    pub citizen: String,
    pub reception: String,
    pub specialist: String,
    pub leader: String,
}

pub(crate) async fn ward(app: &TestApp) -> Ward {
    Ward {
        citizen: app.login("congdan").await,
        reception: app.login("tiepnhan.phuong").await,
        specialist: app.login("chuyenvien.phuong").await,
        leader: app.login("lanhdao.phuong").await,
    }
}

pub(crate) fn path(id: &str, action: &str) -> String {
    if action.is_empty() {
        format!("/api/v1/dossiers/{id}")
    } else {
        format!("/api/v1/dossiers/{id}/{action}")
    }
}

pub(crate) fn hkd_form() -> Value {
    json!({"household_business_name": "Hộ kinh doanh Bánh cuốn Hạc Thành",
        "business_address": "Số 8 phố Lê Hoàn, phường Hạc Thành", "business_lines": "Bán bánh cuốn, bánh mì",
        "capital_vnd": 50000000})
}

/// The household-business form of a paper dossier: the applicant's details are in it (online,
/// the profile pre-fills them).
fn paper_hkd_form() -> Value {
    let mut form = hkd_form();
    for (k, v) in [
        ("full_name", "Lê Văn Bình"),
        ("id_number", "038095007777"),
        ("phone", "0911222333"),
        ("address", "Thôn Đông, phường Hạc Thành"),
        ("date_of_birth", "1995-04-01"),
    ] {
        form[k] = json!(v);
    }
    form
}

/// A household-business dossier filed online by `congdan` (status 1); returns its id.
pub(crate) async fn file_hkd(app: &TestApp, citizen: &str) -> String {
    let draft = app.post("/api/v1/dossiers", Some(citizen), json!({"procedure": HKD, "form": hkd_form()})).await;
    let id = draft.ok()["id"].as_str().unwrap().to_string();
    app.upload(citizen, &id, HKD_FORM, PDF, "application/pdf", "giay-de-nghi.pdf").await.ok();
    app.post(&path(&id, "submit"), Some(citizen), json!({})).await.ok();
    id
}

/// Filed and accepted at once (on Monday 02/03 09:00: due Thursday 05/03 09:00).
pub(crate) async fn accepted_hkd(app: &TestApp, w: &Ward) -> String {
    let id = file_hkd(app, &w.citizen).await;
    app.post(&path(&id, "accept"), Some(&w.reception), json!({})).await.ok();
    id
}

/// Declares and uploads a result file; returns the upload id.
async fn result_upload(app: &TestApp, token: &str, id: &str) -> String {
    result_upload_of(app, token, id, PDF).await
}

/// Declares and uploads `pdf` as the result; returns the upload id.
pub(crate) async fn result_upload_of(app: &TestApp, token: &str, id: &str, pdf: &[u8]) -> String {
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(pdf));
    let ticket = app
        .post(
            &path(id, "result-uploads"),
            Some(token),
            json!({"filename": "ket-qua.pdf", "size": pdf.len(), "content_type": "application/pdf", "sha256": sha}),
        )
        .await;
    let ticket = ticket.ok().clone();
    assert!(app.put_presigned(&ticket, pdf).await.is_success());
    ticket["upload_id"].as_str().unwrap().to_string()
}

pub(crate) async fn approve(app: &TestApp, w: &Ward, id: &str) -> Value {
    let upload = result_upload(app, &w.specialist, id).await;
    let submitted = app.post(&path(id, "submit-for-approval"), Some(&w.specialist), json!({"upload_id": upload})).await;
    assert_eq!(submitted.ok()["status"], "awaiting_approval");
    app.post(&path(id, "approve"), Some(&w.leader), json!({})).await.ok().clone()
}

/// Moves the appointment with Form 04 the way the suite's regime does it: the leader's apology
/// under 2019; under 2025 an extension request that the leader then approves.
async fn reset_appointment(app: &TestApp, w: &Ward, id: &str, body: Value) -> Value {
    let apologised = app.post(&path(id, "apology"), Some(&w.leader), body).await.ok().clone();
    match regime() {
        Regime::R2019 => apologised,
        Regime::R2025 => app.post(&path(id, "approve-extension"), Some(&w.leader), json!({})).await.ok().clone(),
    }
}

async fn inbox_ids(app: &TestApp, token: &str, query: &str) -> (Vec<String>, Value) {
    let r = app.get(&format!("/api/v1/inbox{query}"), Some(token)).await;
    let body = r.ok().clone();
    let ids = body["items"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_string()).collect();
    (ids, body)
}

fn text(r: &Response) -> &str {
    r.body.as_str().unwrap_or_default()
}

async fn notifications(app: &TestApp, token: &str) -> Vec<String> {
    app.settle_events().await;
    let r = app.get("/api/v1/me/notifications?limit=100", Some(token)).await;
    r.ok()["items"].as_array().unwrap().iter().map(|n| n["message"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn happy_path_online_dossier_from_reception_through_approval_to_return_by_post() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let id = file_hkd(&app, &w.citizen).await;

    // Reception inbox: confirm or send back within 8 working hours (Tuesday 09:00).
    let (ids, inbox) = inbox_ids(&app, &w.reception, "").await;
    assert_eq!(ids, vec![id.clone()]);
    assert_eq!(inbox["items"][0]["flags"]["due_at"], "2026-03-03T09:00:00+07:00");
    assert_eq!(inbox["items"][0]["stage"]["step_id"], "tiep-nhan");
    assert_eq!(inbox["counts"]["total"], 1);
    assert!(inbox_ids(&app, &w.specialist, "").await.0.is_empty(), "not yet the specialist's");

    // Accept one hour later: code, appointment 3 working days after receipt, register number.
    app.clock.advance(Duration::hours(1));
    let accepted = app.post(&path(&id, "accept"), Some(&w.reception), json!({})).await.ok().clone();
    let code = accepted["code"].as_str().unwrap().to_string();
    assert_eq!(code, dossier_code(WARD, 1));
    assert_eq!(accepted["appointment"], "2026-03-05T09:00:00+07:00");
    assert_eq!(accepted["register_number"], 1);
    assert_eq!(accepted["stage"]["step_id"], "tham-dinh");
    let handover = &accepted["history"][1]["handover"];
    assert_eq!(handover["step"], "Tiếp nhận hồ sơ");
    assert_eq!((handover["used_minutes"].as_i64(), handover["allowed_minutes"].as_i64()), (Some(60), Some(480)));
    assert_eq!(handover["on_time"], true);

    // Form 01, printable as HTML with the QR code of the lookup, and as PDF; the owner may
    // print it, another citizen may not even see it.
    let receipt = app.get(&format!("{}?format=html", path(&id, "forms/01")), Some(&w.citizen)).await;
    assert!(receipt.content_type.starts_with("text/html"), "{}", receipt.content_type);
    let html = text(&receipt);
    for expected in [
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        code.as_str(),
        "Nguyễn Văn An",
        "09 giờ 00 phút, ngày 05/03/2026",
        "<svg class=\"qr\"",
        "Giấy đề nghị đăng ký hộ kinh doanh",
    ] {
        assert!(html.contains(expected), "Form 01 lacks {expected}");
    }
    assert!(html.contains(&format!("/tra-cuu.html?ma={code}")));
    // Through CloudFront (template.yaml, ApiForwardedHost) the printed link is the portal's.
    let forwarded = [("x-forwarded-host", "dichvucong.thanhhoa.gov.vn"), ("x-forwarded-proto", "https")];
    let url = format!("{}?format=html", path(&id, "forms/01"));
    let through_cdn = app.request(reqwest::Method::GET, &url, Some(&w.citizen), None, &forwarded).await;
    assert!(text(&through_cdn).contains(&format!("https://dichvucong.thanhhoa.gov.vn/tra-cuu.html?ma={code}")));
    let pdf = app.get(&format!("{}?format=pdf", path(&id, "forms/01")), Some(&w.reception)).await;
    assert_eq!(pdf.content_type, "application/pdf");
    assert!(text(&pdf).starts_with("%PDF-"));
    let stranger = app.login("doanhnghiep").await;
    assert_eq!(app.get(&path(&id, "forms/01"), Some(&stranger)).await.problem(404), "not_found");
    assert_eq!(app.get(&path(&id, "forms/08"), Some(&w.citizen)).await.problem(404), "not_found");

    // The leader assigns the specialist; the assignment is internal (no notification).
    let unknown = app.post(&path(&id, "assign"), Some(&w.leader), json!({"assignee": "tiepnhan.phuong"})).await;
    assert_eq!(unknown.problem(422), "validation_failed");
    let assigned = app.post(&path(&id, "assign"), Some(&w.leader), json!({"assignee": "chuyenvien.phuong"})).await;
    assert_eq!(assigned.ok()["assignee"]["name"], "Phạm Văn Cường");
    assert_eq!(assigned.body["status"], "processing");
    let (mine, _) = inbox_ids(&app, &w.specialist, "?mine=true").await;
    assert_eq!(mine, vec![id.clone()]);

    // The workflow needs the leader's approval: the specialist cannot finish alone.
    app.clock.advance(Duration::days(1));
    let upload = result_upload(&app, &w.specialist, &id).await;
    let alone = app.post(&path(&id, "finish"), Some(&w.specialist), json!({"upload_id": upload})).await;
    assert_eq!(alone.problem(409), "approval_required");
    let submitted =
        app.post(&path(&id, "submit-for-approval"), Some(&w.specialist), json!({"upload_id": upload})).await;
    assert_eq!(submitted.ok()["status"], "awaiting_approval");
    assert_eq!(submitted.body["national_status"], 4);
    assert_eq!(submitted.body["stage"]["step_id"], "phe-duyet");
    assert_eq!(inbox_ids(&app, &w.leader, "?status=awaiting_approval").await.0, vec![id.clone()]);

    // Rework needs a reason. The leader's approve and rework race: exactly one wins.
    assert_eq!(app.post(&path(&id, "rework"), Some(&w.leader), json!({})).await.problem(422), "validation_failed");
    let (approve_path, rework_path) = (path(&id, "approve"), path(&id, "rework"));
    let (a, b) = tokio::join!(
        app.post(&approve_path, Some(&w.leader), json!({})),
        app.post(&rework_path, Some(&w.leader), json!({"note": "Sửa tên hộ kinh doanh"})),
    );
    assert!(a.status.is_success() ^ b.status.is_success(), "exactly one wins: {} / {}", a.status, b.status);
    let loser = if a.status.is_success() { &b } else { &a };
    assert!(["conflict", "invalid_transition"].contains(&loser.problem(409).as_str()));
    if b.status.is_success() {
        assert_eq!(b.body["status"], "processing");
        approve(&app, &w, &id).await;
    }
    let finished = app.get(&path(&id, ""), Some(&w.citizen)).await.ok().clone();
    assert_eq!(finished["status"], "finished");
    assert_eq!(finished["national_status"], 9);

    // Return by post (P15): the applicant's address, the tracking number.
    let returned = app
        .post(
            &path(&id, "return"),
            Some(&w.reception),
            json!({"return_method": "post", "tracking_number": "EL123456789VN"}),
        )
        .await;
    let returned = returned.ok().clone();
    assert_eq!(returned["status"], "returned");
    assert_eq!(returned["delivery"]["method"], "post");
    assert_eq!(returned["delivery"]["tracking_number"], "EL123456789VN");
    assert!(returned["delivery"]["address"].as_str().unwrap().contains("Lê Lợi"));
    assert!(returned["stage"].is_null());

    // The control slip (Form 05 of 2019, 06 of 2025) from the step history: one row per
    // hand-over, on time.
    let number = regime().form_number(motcua_domain::regime::FormKind::ControlSlip).unwrap();
    let slip = app.get(&path(&id, &format!("forms/{number}")), Some(&w.leader)).await;
    let slip = text(&slip);
    for step in
        ["Tiếp nhận hồ sơ", "Thẩm định, xử lý hồ sơ", "Lãnh đạo phê duyệt, ký kết quả", "Trả kết quả", "Đúng hạn"]
    {
        assert!(slip.contains(step), "Form {number} lacks {step}");
    }
    assert!(slip.contains("Trả kết quả trước hạn"), "finished on Tuesday, due Thursday");

    // Form 06: the register of the year, for the agency's staff only.
    let register = app.get("/api/v1/register?year=2026", Some(&w.reception)).await;
    assert!(text(&register).contains("SỔ THEO DÕI HỒ SƠ NĂM 2026") && text(&register).contains(&code));
    let register_pdf = app.get("/api/v1/register?year=2026&format=pdf", Some(&w.leader)).await;
    assert!(text(&register_pdf).starts_with("%PDF-"));
    assert_eq!(app.get("/api/v1/register?year=2026", Some(&w.citizen)).await.problem(403), "forbidden");

    // The applicant heard of reception, the result and the return — not of internal steps —
    // in the app, by email and by SMS.
    let heard = notifications(&app, &w.citizen).await;
    assert!(heard.iter().any(|m| m.contains("Tiếp nhận hồ sơ") && m.contains("09:00 ngày 05/03/2026")), "{heard:?}");
    assert!(heard.iter().any(|m| m.contains("Kết quả đã sẵn sàng")), "{heard:?}");
    assert!(heard.iter().any(|m| m.contains("Trả kết quả")), "{heard:?}");
    assert!(!heard.iter().any(|m| m.contains("Phân công")), "internal steps are not notified: {heard:?}");
    let admin = app.login("quantri").await;
    let outbound = app.get("/api/v1/outbound-messages?limit=100", Some(&admin)).await.ok().clone();
    let sent = outbound["items"].as_array().unwrap();
    assert!(sent
        .iter()
        .any(|m| m["channel"] == "email" && m["to"] == "nguyenvanan@example.vn" && m["delivered"] == true));
    assert!(sent.iter().any(|m| m["channel"] == "sms" && m["to"] == "0912345678"));
    let agency_admin = app.login("quantri.phuong").await;
    assert_eq!(app.get("/api/v1/outbound-messages", Some(&agency_admin)).await.problem(403), "forbidden");
}

#[tokio::test]
async fn supplement_at_reception_sends_form_02_and_the_dossier_is_received_again_when_complete() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let id = file_hkd(&app, &w.citizen).await;
    assert_eq!(app.get(&path(&id, "forms/02"), Some(&w.citizen)).await.problem(409), "form_not_available");

    let empty = app.post(&path(&id, "request-supplement"), Some(&w.reception), json!({"items": []})).await;
    assert_eq!(empty.problem(422), "validation_failed");
    let items = json!([{"component": "giay-to-phap-ly-ca-nhan", "reason": "Thiếu bản sao căn cước của chủ hộ"}]);
    let asked = app.post(&path(&id, "request-supplement"), Some(&w.reception), json!({"items": items})).await;
    let asked = asked.ok().clone();
    assert_eq!((asked["status"].as_str(), asked["national_status"].as_u64()), (Some("supplement_requested"), Some(5)));
    assert_eq!(asked["supplements"][0]["at_reception"], true);
    let form = app.get(&path(&id, "forms/02"), Some(&w.citizen)).await;
    assert!(text(&form).contains("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"));
    assert!(text(&form).contains("Thiếu bản sao căn cước của chủ hộ"));
    assert!(text(&form).contains("Bản sao giấy tờ pháp lý của cá nhân"), "component named, not its id");
    assert!(notifications(&app, &w.citizen).await.iter().any(|m| m.contains("Cần bổ sung")));

    // The applicant adds the document the next day and replies: a new official receipt time.
    app.clock.advance(Duration::days(1));
    app.upload(&w.citizen, &id, "giay-to-phap-ly-ca-nhan", PDF, "application/pdf", "cccd.pdf").await.ok();
    let replied = app.post(&path(&id, "supplement"), Some(&w.citizen), json!({})).await.ok().clone();
    assert_eq!(replied["status"], "submitted");
    assert_eq!(replied["received_at"], "2026-03-03T09:00:00+07:00");
    assert!(replied["supplements"][0]["provided_at"].is_string());
    let accepted = app.post(&path(&id, "accept"), Some(&w.reception), json!({})).await.ok().clone();
    assert_eq!(accepted["appointment"], "2026-03-06T09:00:00+07:00", "counted from the new receipt");
}

#[tokio::test]
async fn supplement_during_appraisal_stops_the_clock_and_restarts_it_from_zero_within_three_days_only() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let id = accepted_hkd(&app, &w).await;
    app.post(&path(&id, "start-processing"), Some(&w.specialist), json!({})).await.ok();

    app.clock.advance(Duration::days(1)); // Tuesday 09:00
    let items = json!([{"component": "bien-ban-hop-thanh-vien", "reason": "Biên bản chưa có chữ ký đủ thành viên"}]);
    let asked = app.post(&path(&id, "request-supplement"), Some(&w.specialist), json!({"items": items})).await;
    assert_eq!(asked.ok()["supplements"][0]["at_reception"], false);

    // While waiting for the applicant the clock is stopped: never overdue.
    app.clock.advance(Duration::days(6)); // Monday 09/03 09:00, after the old appointment
    let (_, inbox) = inbox_ids(&app, &w.leader, "").await;
    let flags = &inbox["items"][0]["flags"];
    assert_eq!((flags["clock_stopped"].as_bool(), flags["overdue"].as_bool()), (Some(true), Some(false)));

    app.clock.advance(Duration::hours(1));
    app.upload(&w.citizen, &id, "bien-ban-hop-thanh-vien", PDF, "application/pdf", "bien-ban.pdf").await.ok();
    let resumed = app.post(&path(&id, "supplement"), Some(&w.citizen), json!({})).await.ok().clone();
    assert_eq!(resumed["status"], "processing");
    assert_eq!(resumed["appointment"], "2026-03-12T10:00:00+07:00", "3 full working days from the supplement");
    assert!(resumed["appointment_explanation"].as_str().unwrap().contains("tính lại từ đầu"));

    // Three working days after receipt, no supplement may be asked any more.
    let late = accepted_hkd(&app, &w).await; // received Monday 09/03 10:00
    app.post(&path(&late, "start-processing"), Some(&w.specialist), json!({})).await.ok();
    app.clock.advance(Duration::days(3) + Duration::minutes(30)); // Thursday 12/03 10:30
    let refused = app.post(&path(&late, "request-supplement"), Some(&w.specialist), json!({"items": items})).await;
    assert_eq!(refused.problem(409), "supplement_too_late");
    assert_eq!(app.get(&path(&late, ""), Some(&w.specialist)).await.ok()["status"], "processing", "nothing changed");
}

#[tokio::test]
async fn refusal_needs_a_reason_and_prints_form_03() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let id = file_hkd(&app, &w.citizen).await;
    assert_eq!(app.post(&path(&id, "refuse"), Some(&w.reception), json!({})).await.problem(422), "validation_failed");
    let reason = "Ngành nghề kinh doanh thuộc danh mục cấm kinh doanh";
    let refused = app.post(&path(&id, "refuse"), Some(&w.reception), json!({"note": reason})).await.ok().clone();
    assert_eq!((refused["status"].as_str(), refused["national_status"].as_u64()), (Some("refused"), Some(3)));
    let form = app.get(&path(&id, "forms/03"), Some(&w.citizen)).await;
    assert!(text(&form).contains("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ") && text(&form).contains(reason));
    assert_eq!(app.get(&path(&id, "forms/01"), Some(&w.citizen)).await.problem(409), "form_not_available");
    assert!(notifications(&app, &w.citizen).await.iter().any(|m| m.contains("Từ chối tiếp nhận")));
    assert!(inbox_ids(&app, &w.reception, "").await.0.is_empty(), "a refused dossier leaves the inbox");
}

#[tokio::test]
async fn consultation_of_another_agency_has_its_own_deadline_and_answer() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let id = accepted_hkd(&app, &w).await;
    app.post(&path(&id, "start-processing"), Some(&w.specialist), json!({})).await.ok();
    let justice = app.login("chuyenvien.stp").await;
    assert_eq!(app.get(&path(&id, ""), Some(&justice)).await.problem(404), "not_found", "not involved yet");

    let bad =
        app.post(&path(&id, "consultations"), Some(&w.specialist), json!({"agency": JUSTICE, "question": "?"})).await;
    assert_eq!(bad.problem(422), "validation_failed");
    let question = "Đề nghị cho ý kiến về tư cách pháp lý của chủ hộ";
    let asked = app
        .post(
            &path(&id, "consultations"),
            Some(&w.specialist),
            json!({"agency": JUSTICE, "question": question, "working_days": 2}),
        )
        .await;
    let c = asked.ok()["consultations"][0].clone();
    assert_eq!(c["due_at"], "2026-03-04T09:00:00+07:00");
    assert_eq!(c["agency_name"], "Sở Tư pháp tỉnh Thanh Hóa");

    // The consulted agency sees it in its inbox and answers once; it cannot act otherwise, nor
    // upload a result into the dossier (security issue, item 7).
    assert_eq!(inbox_ids(&app, &justice, "").await.0, vec![id.clone()]);
    let upload = json!({"upload_id": "x"});
    assert_eq!(app.post(&path(&id, "submit-for-approval"), Some(&justice), upload).await.problem(404), "not_found");
    let declaration =
        json!({"filename": "ket-qua.pdf", "size": 1000, "content_type": "application/pdf", "sha256": "ab".repeat(32)});
    assert_eq!(app.post(&path(&id, "result-uploads"), Some(&justice), declaration).await.problem(403), "forbidden");
    let answer = json!({"consultation": 1, "answer": "Chủ hộ đủ điều kiện, không có án tích"});
    app.post(&path(&id, "consultation-answers"), Some(&justice), answer.clone()).await.ok();
    let staff = app.get(&path(&id, ""), Some(&w.leader)).await.ok().clone();
    assert_eq!(staff["consultations"][0]["answered_by"]["name"], "Bùi Quang Huy");
    // Once it has answered, the consulted agency no longer sees the dossier or its applicant.
    assert_eq!(app.get(&path(&id, ""), Some(&justice)).await.problem(404), "not_found");
    assert_eq!(app.post(&path(&id, "consultation-answers"), Some(&justice), answer).await.problem(404), "not_found");
    assert!(inbox_ids(&app, &justice, "").await.0.is_empty());
    assert!(!notifications(&app, &w.citizen).await.iter().any(|m| m.contains("ý kiến")), "internal");
    let seen = app.get(&path(&id, ""), Some(&w.citizen)).await.ok().clone();
    assert!(seen["consultations"].as_array().unwrap().is_empty(), "the applicant sees the steps that concern them");
    assert!(!seen["history"].as_array().unwrap().iter().any(|s| s["action"] == "consult"));
    assert!(staff["history"].as_array().unwrap().iter().any(|s| s["action"] == "consult"));
}

#[tokio::test]
async fn inter_agency_dossier_has_a_part_per_agency_and_one_timeline() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let draft = app
        .post(
            "/api/v1/dossiers",
            Some(&w.citizen),
            json!({"procedure": BIRTH, "form": {"child_full_name": "Nguyễn Minh Khang", "child_date_of_birth": "2026-02-20",
            "child_gender": "Nam", "child_residence_address": "Số 12 đường Lê Lợi, phường Hạc Thành",
            "health_card_delivery": "Thẻ bảo hiểm y tế điện tử trên ứng dụng VNeID"}}),
        )
        .await;
    let id = draft.ok()["id"].as_str().unwrap().to_string();
    for c in ["to-khai-lien-thong-khai-sinh", "giay-chung-sinh"] {
        app.upload(&w.citizen, &id, c, PDF, "application/pdf", "giay.pdf").await.ok();
    }
    let secret = app.post(&path(&id, "submit"), Some(&w.citizen), json!({})).await.ok()["receipt_secret"].clone();
    let accepted = app.post(&path(&id, "accept"), Some(&w.reception), json!({})).await.ok().clone();
    assert_eq!(accepted["appointment"], "2026-03-11T09:00:00+07:00", "7 working days");
    let part = &accepted["parts"][0];
    assert_eq!(
        (part["agency"].as_str(), part["due_at"].as_str()),
        (Some(WARD_POLICE), Some("2026-03-09T09:00:00+07:00"))
    );

    let police = app.login("congan.phuong").await;
    assert_eq!(inbox_ids(&app, &police, "").await.0, vec![id.clone()]);
    app.clock.advance(Duration::days(1));
    let upload = result_upload(&app, &w.specialist, &id).await;
    let early = app.post(&path(&id, "submit-for-approval"), Some(&w.specialist), json!({"upload_id": upload})).await;
    assert_eq!(early.problem(409), "parts_pending");
    let done = app.post(&path(&id, "complete-part"), Some(&police), json!({"note": "Đã đăng ký thường trú"})).await;
    assert!(done.ok()["parts"][0]["completed_at"].is_string());
    assert_eq!(app.post(&path(&id, "complete-part"), Some(&police), json!({})).await.problem(409), "part_completed");
    assert_eq!(approve(&app, &w, &id).await["status"], "finished");

    // One timeline for the citizen: the police's step appears beside the ward's.
    let code = accepted["code"].as_str().unwrap();
    let public = app.get(&format!("/api/v1/lookup/{code}?secret={}", secret.as_str().unwrap()), None).await;
    let progress = public.ok()["progress"].as_array().unwrap().clone();
    assert!(progress.iter().any(|s| s["unit"] == WARD_POLICE && s["label"] == "Hoàn thành phần việc liên thông"));
    assert!(progress.iter().any(|s| s["unit"] == WARD && s["label"] == "Lãnh đạo phê duyệt kết quả"));
}

#[tokio::test]
async fn payment_request_stops_the_clock_until_confirmed() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let id = accepted_hkd(&app, &w).await;
    app.clock.advance(Duration::hours(2)); // Monday 11:00
    assert_eq!(
        app.post(&path(&id, "request-payment"), Some(&w.specialist), json!({})).await.problem(422),
        "validation_failed"
    );
    let asked = app
        .post(
            &path(&id, "request-payment"),
            Some(&w.specialist),
            json!({"amount_vnd": 100000, "note": "Lệ phí đăng ký hộ kinh doanh"}),
        )
        .await;
    assert_eq!(asked.ok()["national_status"], 6);
    assert!(notifications(&app, &w.citizen).await.iter().any(|m| m.contains("Số tiền: 100000 đồng")));

    app.clock.advance(Duration::days(2)); // Wednesday 11:00
    let paid =
        app.post(&path(&id, "confirm-payment"), Some(&w.reception), json!({"payment_method": "Chuyển khoản"})).await;
    let paid = paid.ok().clone();
    assert_eq!(paid["status"], "processing");
    assert_eq!(paid["payment"]["method"], "Chuyển khoản");
    // 22 working hours were left at the stop; counted again from Wednesday 11:00.
    assert_eq!(paid["appointment"], "2026-03-09T09:00:00+07:00");
}

/// How the counter checked identity in these tests: the paper ID card (required under 2025).
fn paper_id() -> Value {
    json!({"method": "paper_id"})
}

#[tokio::test]
async fn apology_goes_out_at_least_a_working_day_ahead_and_resets_the_appointment_once() {
    // The 2019 rule (the leader's apology moves the appointment at once); the 2025 extension
    // request and its approval: under_the_2025_regime_an_extension_needs_approval_….
    let app = TestApp::spawn_configured(|s| s.regime = RegimeSchedule::only(Regime::R2019)).await;
    let w = ward(&app).await;
    let id = accepted_hkd(&app, &w).await; // due Thursday 05/03 09:00
    let reason = json!({"note": "Chờ xác minh địa điểm kinh doanh", "new_appointment": "2026-03-10T09:00:00+07:00"});

    // Tuesday 16:00: the leader sees the flag in time.
    app.clock.advance(Duration::days(1) + Duration::hours(7));
    let (_, inbox) = inbox_ids(&app, &w.leader, "?due=soon").await;
    assert_eq!(inbox["items"][0]["flags"]["apology_possible"], true);
    assert_eq!(inbox["items"][0]["flags"]["apology_deadline"], "2026-03-04T09:00:00+07:00");
    let sunday = json!({"note": "x", "new_appointment": "2026-03-08T09:00:00+07:00"});
    assert_eq!(app.post(&path(&id, "apology"), Some(&w.leader), sunday).await.problem(422), "validation_failed");
    assert_eq!(
        app.post(&path(&id, "apology"), Some(&w.leader), json!({"new_appointment": "2026-03-10T09:00:00+07:00"}))
            .await
            .problem(422),
        "validation_failed"
    );
    let apologised = app.post(&path(&id, "apology"), Some(&w.leader), reason.clone()).await.ok().clone();
    assert_eq!(apologised["appointment"], "2026-03-10T09:00:00+07:00");
    assert_eq!(apologised["apology"]["previous_appointment"], "2026-03-05T09:00:00+07:00");
    let form = app.get(&path(&id, "forms/04"), Some(&w.citizen)).await;
    assert!(
        text(&form).contains("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ")
            && text(&form).contains("Chờ xác minh địa điểm")
    );
    assert!(text(&form).contains("09 giờ 00 phút, ngày 10/03/2026"));
    assert!(notifications(&app, &w.citizen).await.iter().any(|m| m.contains("xin lỗi") && m.contains("10/03/2026")));
    let again = json!({"note": "Lần hai", "new_appointment": "2026-03-12T09:00:00+07:00"});
    assert_eq!(app.post(&path(&id, "apology"), Some(&w.leader), again).await.problem(409), "appointment_already_reset");

    // Another dossier, Wednesday 10:00: less than a working day before its appointment.
    let other = accepted_hkd(&app, &w).await; // accepted Tue 16:00 → due Friday 06/03 16:00
    app.clock.advance(Duration::days(2) + Duration::hours(1)); // Thursday 05/03 17:00 → 7 h left
    let late = app.post(&path(&other, "apology"), Some(&w.leader), reason).await;
    assert_eq!(late.problem(409), "apology_too_late");
    assert!(app.get(&path(&other, ""), Some(&w.leader)).await.ok()["apology"].is_null(), "nothing changed");
}

#[tokio::test]
async fn withdrawal_at_the_applicants_request_is_confirmed_by_an_officer() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let id = accepted_hkd(&app, &w).await;
    let asked = app.post(&path(&id, "withdraw"), Some(&w.citizen), json!({"note": "Đổi địa điểm kinh doanh"})).await;
    assert_eq!(asked.ok()["national_status"], 7);
    assert_eq!(inbox_ids(&app, &w.specialist, "?status=withdrawal_requested").await.0, vec![id.clone()]);
    let stopped = app.post(&path(&id, "confirm-withdrawal"), Some(&w.reception), json!({})).await.ok().clone();
    assert_eq!((stopped["status"].as_str(), stopped["national_status"].as_u64()), (Some("stopped"), Some(8)));
    assert_eq!(app.post(&path(&id, "withdraw"), Some(&w.citizen), json!({})).await.problem(409), "invalid_transition");
}

#[tokio::test]
async fn counter_and_postal_reception_record_paper_dossiers_with_digitised_components() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let applicant = json!({"full_name": "Lê Văn Bình", "id_number": "038095007777", "phone": "0911222333",
        "address": "Thôn Đông, phường Hạc Thành"});
    let form = paper_hkd_form();
    let body =
        json!({"procedure": HKD, "channel": "in_person", "applicant": applicant, "form": form, "identity": paper_id()});
    assert_eq!(app.post("/api/v1/counter/dossiers", Some(&w.specialist), body.clone()).await.problem(403), "forbidden");
    let online = json!({"procedure": HKD, "channel": "online", "applicant": applicant, "form": form});
    assert_eq!(app.post("/api/v1/counter/dossiers", Some(&w.reception), online).await.problem(400), "invalid_channel");
    let justice_officer = app.login("tiepnhan.stp").await;
    assert_eq!(
        app.post("/api/v1/counter/dossiers", Some(&justice_officer), body.clone()).await.problem(403),
        "forbidden"
    );

    let created = app.post("/api/v1/counter/dossiers", Some(&w.reception), body).await;
    assert_eq!(created.status.as_u16(), 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_string();
    assert_eq!((created.body["status"].as_str(), created.body["channel_code"].as_u64()), (Some("submitted"), Some(1)));
    // The officer scans the paper components: flagged as digitised.
    let scanned = app.upload(&w.reception, &id, HKD_FORM, PDF, "application/pdf", "scan.pdf").await;
    assert_eq!(scanned.ok()["components"][0]["digitised"], true);
    let accepted = app.post(&path(&id, "accept"), Some(&w.reception), json!({})).await.ok().clone();
    let code = accepted["code"].as_str().unwrap().to_string();
    let receipt = app.get(&path(&id, "forms/01"), Some(&w.reception)).await;
    assert!(text(&receipt).contains("Lê Văn Bình") && text(&receipt).contains("Trực tiếp tại Bộ phận Một cửa"));
    // The applicant has no account: the lookup by code and ID number works.
    let looked = app.get(&format!("/api/v1/lookup/{code}?id_number=038095007777"), None).await;
    assert_eq!(looked.ok()["status"], "accepted");

    // By post: channel 3, counted with the direct channels.
    let posted = json!({"procedure": HKD, "channel": "post", "applicant": applicant, "form": form});
    let posted = app.post("/api/v1/counter/dossiers", Some(&w.reception), posted).await.ok().clone();
    assert_eq!(posted["channel_code"], 3);
    let pid = posted["id"].as_str().unwrap();
    app.post(&path(pid, "accept"), Some(&w.reception), json!({})).await.ok();
    let report =
        app.get(&format!("/api/v1/reports/statistics?from=2026-03-01&to=2026-03-31&agency={WARD}"), None).await;
    assert_eq!(report.ok()["total"]["new_direct"], 2);
}

#[tokio::test]
async fn the_statistics_report_counts_these_dossiers_early_on_time_late_within_and_overdue() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    // All accepted Monday 02/03 09:00, due Thursday 05/03 09:00.
    let early = accepted_hkd(&app, &w).await;
    let late = accepted_hkd(&app, &w).await;
    let reset = accepted_hkd(&app, &w).await;
    let waiting = accepted_hkd(&app, &w).await;
    let overdue = accepted_hkd(&app, &w).await;
    let withdrawn = accepted_hkd(&app, &w).await;

    approve(&app, &w, &early).await; // Monday: early
    let reason = json!({"note": "Chờ xác minh", "new_appointment": "2026-03-10T09:00:00+07:00"});
    reset_appointment(&app, &w, &reset, reason).await;
    let items = json!([{"component": "bien-ban-hop-thanh-vien", "reason": "Thiếu chữ ký"}]);
    app.post(&path(&waiting, "start-processing"), Some(&w.specialist), json!({})).await.ok();
    app.post(&path(&waiting, "request-supplement"), Some(&w.specialist), json!({"items": items})).await.ok();
    app.post(&path(&withdrawn, "withdraw"), Some(&w.citizen), json!({})).await.ok();
    app.post(&path(&withdrawn, "confirm-withdrawal"), Some(&w.reception), json!({})).await.ok();

    app.clock.advance(Duration::days(4)); // Friday 06/03 09:00: after the first appointment
    approve(&app, &w, &late).await;
    app.clock.advance(Duration::days(3) + Duration::hours(23)); // Tuesday 10/03 08:00
    approve(&app, &w, &reset).await; // on time against the (once) reset appointment
    let report =
        app.get(&format!("/api/v1/reports/statistics?from=2026-03-01&to=2026-03-31&agency={WARD}"), None).await;
    let t = report.ok()["total"].clone();
    let n = |k: &str| t[k].as_i64().unwrap();
    assert_eq!(n("received"), 6);
    assert_eq!(n("new_online"), 6);
    assert_eq!(n("finished_early"), 2, "the early one and the withdrawal: {t}");
    assert_eq!(n("finished_on_time"), 1, "{t}");
    assert_eq!(n("finished_late"), 1, "{t}");
    assert_eq!(n("in_process_within_deadline"), 1, "the one waiting for a supplement: {t}");
    assert_eq!(n("in_process_overdue"), 1, "{t}");
    assert_eq!(n("received"), n("finished") + n("in_process"));
    let (_, inbox) = inbox_ids(&app, &w.specialist, "?due=overdue").await;
    assert_eq!(inbox["items"].as_array().unwrap().len(), 1);
    assert_eq!(inbox["items"][0]["id"], overdue.as_str());
}

#[tokio::test]
async fn messages_between_the_applicant_and_the_officers() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let id = accepted_hkd(&app, &w).await;
    let asked =
        app.post(&path(&id, "messages"), Some(&w.citizen), json!({"text": "Tôi có cần nộp bản gốc không?"})).await;
    assert_eq!(asked.status.as_u16(), 201, "{}", asked.body);
    app.clock.advance(Duration::minutes(30));
    let answer = json!({"text": "Không cần, bản điện tử đã đủ."});
    app.post(&path(&id, "messages"), Some(&w.specialist), answer).await;
    let empty = app.post(&path(&id, "messages"), Some(&w.citizen), json!({"text": "  "})).await;
    assert_eq!(empty.problem(422), "validation_failed");
    let stranger = app.login("doanhnghiep").await;
    assert_eq!(app.get(&path(&id, "messages"), Some(&stranger)).await.problem(404), "not_found");

    let thread = app.get(&path(&id, "messages"), Some(&w.citizen)).await.ok()["items"].clone();
    let texts: Vec<&str> = thread.as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Tôi có cần nộp bản gốc không?", "Không cần, bản điện tử đã đủ."]);
    assert_eq!(thread[1]["from_applicant"], false);
    assert_eq!(thread[1]["author"], "Phạm Văn Cường");
    assert!(notifications(&app, &w.citizen).await.iter().any(|m| m.contains("bản điện tử đã đủ")));
    // Messages never touch the dossier: its version (If-Match) is unchanged.
    assert_eq!(app.get(&path(&id, ""), Some(&w.citizen)).await.ok()["version"], 4);
}

#[tokio::test]
async fn the_reception_alert_runs_before_the_eight_working_hours_are_out() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let id = file_hkd(&app, &w.citizen).await; // Monday 09:00: confirm by Tuesday 09:00
    let flags = |inbox: &Value| inbox["items"][0]["flags"].clone();
    let (_, quiet) = inbox_ids(&app, &w.reception, "").await;
    assert_eq!((flags(&quiet)["due_soon"].as_bool(), flags(&quiet)["overdue"].as_bool()), (Some(false), Some(false)));
    app.clock.advance(Duration::hours(22) + Duration::minutes(30)); // Tuesday 07:30
    let (soon, inbox) = inbox_ids(&app, &w.reception, "?due=soon").await;
    assert_eq!(soon, vec![id.clone()]);
    assert_eq!(inbox["counts"]["due_soon"], 1);
    app.clock.advance(Duration::hours(2)); // Tuesday 09:30
    let (late, inbox) = inbox_ids(&app, &w.reception, "?due=overdue").await;
    assert_eq!(late, vec![id]);
    assert_eq!(inbox["counts"]["overdue"], 1);
    assert_eq!(app.get("/api/v1/inbox?due=later", Some(&w.reception)).await.problem(400), "invalid_query");
    assert_eq!(app.get("/api/v1/inbox", Some(&w.citizen)).await.problem(403), "forbidden");
}

#[tokio::test]
async fn actions_not_allowed_for_the_role_the_unit_or_the_state_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let id = accepted_hkd(&app, &w).await;
    let before = app.get(&path(&id, ""), Some(&w.leader)).await.ok().clone();
    let justice = app.login("chuyenvien.stp").await;
    let attempts = [
        (&w.citizen, "approve", json!({}), 403, "action_not_allowed_for_role"),
        (&w.reception, "approve", json!({}), 403, "action_not_allowed_for_role"),
        (&w.leader, "approve", json!({}), 409, "invalid_transition"),
        (&w.reception, "confirm-payment", json!({}), 409, "invalid_transition"),
        (&justice, "request-payment", json!({"amount_vnd": 1000}), 404, "not_found"),
        (&justice, "complete-part", json!({}), 404, "not_found"),
        (&w.specialist, "consultation-answers", json!({"consultation": 1, "answer": "x"}), 404, "not_found"),
        (&w.specialist, "assign", json!({"assignee": "chuyenvien.phuong"}), 403, "action_not_allowed_for_role"),
    ];
    for (token, action, body, status, code) in attempts {
        let r = app.post(&path(&id, action), Some(token), body).await;
        assert_eq!(r.problem(status), code, "{action}");
    }
    let stale = app
        .request(
            reqwest::Method::POST,
            &path(&id, "start-processing"),
            Some(&w.specialist),
            Some(json!({})),
            &[("if-match", "1")],
        )
        .await;
    assert_eq!(stale.problem(412), "precondition_failed");
    let after = app.get(&path(&id, ""), Some(&w.leader)).await.ok().clone();
    assert_eq!(before, after, "nothing changed");
}

#[tokio::test]
async fn workflows_are_configured_per_procedure_as_new_versions_and_filed_dossiers_keep_theirs() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let filed = accepted_hkd(&app, &w).await;
    let url = format!("/api/v1/procedures/{HKD}/workflow");
    let current = app.get(&url, None).await.ok().clone();
    assert_eq!(current["configured"], true);
    let version = current["version"].as_u64().unwrap();
    let mut workflow = current["workflow"].clone();
    assert_eq!(workflow["steps"][1]["can_consult"], true);

    // The ward's administrator turns consultation off and gives appraisal 16 hours.
    workflow["steps"][1]["can_consult"] = json!(false);
    workflow["steps"][1]["working_hours"] = json!(16);
    let admin = app.login("quantri.phuong").await;
    let put = |token: String, body: Value| {
        let url = url.clone();
        let app = &app;
        async move { app.request(reqwest::Method::PUT, &url, Some(&token), Some(body), &[]).await }
    };
    assert_eq!(put(w.leader.clone(), workflow.clone()).await.problem(403), "forbidden");
    let system_admin = app.login("quantri").await; // the system administrator may too
    let mut too_long = workflow.clone();
    too_long["steps"][1]["working_hours"] = json!(100);
    let refused = put(system_admin, too_long).await;
    assert_eq!(refused.problem(422), "validation_failed");
    assert_eq!(refused.body["errors"][0]["code"], "exceeds_statutory_time");
    let saved = put(admin, workflow).await.ok().clone();
    assert_eq!(saved["version"].as_u64(), Some(version + 1));
    assert_eq!(saved["workflow"]["steps"][1]["working_hours"], 16);

    // New dossiers follow the new version; the one filed before keeps its workflow.
    let new = accepted_hkd(&app, &w).await;
    app.post(&path(&new, "start-processing"), Some(&w.specialist), json!({})).await.ok();
    let ask = json!({"agency": JUSTICE, "question": "Ý kiến?", "working_days": 1});
    assert_eq!(
        app.post(&path(&new, "consultations"), Some(&w.specialist), ask.clone()).await.problem(409),
        "consultation_not_allowed"
    );
    app.post(&path(&filed, "start-processing"), Some(&w.specialist), json!({})).await.ok();
    app.post(&path(&filed, "consultations"), Some(&w.specialist), ask).await.ok();

    // The inbox pages with its cursor.
    let first = app.get("/api/v1/inbox?limit=1", Some(&w.specialist)).await.ok().clone();
    assert_eq!(first["counts"]["total"], 2);
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let second = app.get(&format!("/api/v1/inbox?limit=1&cursor={cursor}"), Some(&w.specialist)).await.ok().clone();
    assert!(second["next_cursor"].is_null());
    assert_ne!(first["items"][0]["id"], second["items"][0]["id"]);
    assert_eq!(app.get("/api/v1/inbox?cursor=abc", Some(&w.specialist)).await.problem(400), "invalid_cursor");
}

#[tokio::test]
async fn surveys_are_answered_once_and_tallied_publicly() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let admin = app.login("quantri.phuong").await;
    let survey = json!({"title": "Lấy ý kiến về giờ làm việc của Bộ phận Một cửa", "closes_on": "2026-03-31",
        "questions": [{"text": "Có nên làm việc sáng thứ Bảy?", "options": ["Có", "Không"]},
                      {"text": "Mức độ hài lòng", "options": ["Hài lòng", "Bình thường", "Chưa hài lòng"]}]});
    assert_eq!(app.post("/api/v1/surveys", Some(&w.citizen), survey.clone()).await.problem(403), "forbidden");
    let bad = json!({"title": "x", "closes_on": "2026-03-31", "questions": [{"text": "?", "options": ["Một"]}]});
    assert_eq!(app.post("/api/v1/surveys", Some(&admin), bad).await.problem(422), "validation_failed");
    let created = app.post("/api/v1/surveys", Some(&admin), survey).await;
    assert_eq!(created.status.as_u16(), 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_string();
    let answers = format!("/api/v1/surveys/{id}/answers");

    assert_eq!(app.post(&answers, Some(&w.citizen), json!({"choices": [0]})).await.problem(422), "validation_failed");
    app.post(&answers, Some(&w.citizen), json!({"choices": [0, 2]})).await.ok();
    assert_eq!(app.post(&answers, Some(&w.citizen), json!({"choices": [1, 1]})).await.problem(409), "already_answered");
    let business = app.login("doanhnghiep").await;
    app.post(&answers, Some(&business), json!({"choices": [0, 0]})).await.ok();
    assert_eq!(app.post(&answers, Some(&w.specialist), json!({"choices": [0, 0]})).await.problem(403), "forbidden");

    let tally = app.get(&format!("/api/v1/surveys/{id}"), None).await.ok().clone();
    assert_eq!(tally["responses"], 2);
    assert_eq!(tally["questions"][0]["counts"], json!([2, 0]));
    assert_eq!(tally["questions"][1]["counts"], json!([1, 0, 1]));
    let listed = app.get("/api/v1/surveys", None).await.ok().clone();
    assert_eq!(listed["items"][0]["id"], id.as_str());
    assert_eq!(listed["items"][0]["open"], true);

    app.clock.advance(Duration::days(30)); // 01/04: closed
    let late = app.login("congdan").await;
    let closed = app.post(&answers, Some(&late), json!({"choices": [0, 0]})).await;
    assert_eq!(closed.problem(409), "survey_closed");
}

/// Security issue, item 9 (G9): closed dossiers never left the live system, had no retention
/// period, and personal data could not be erased where the law allows.
#[tokio::test]
async fn a_closed_dossier_moves_to_the_archive_and_its_personal_data_is_erased_after_retention() {
    use motcua_core::{archive, ledger, upload_limits};
    let app = TestApp::spawn_quiet().await; // the test runs the sealer and the archive itself
    let services = app.services().clone();
    let w = ward(&app).await;
    let admin = app.login("quantri.phuong").await;
    let retention = async |token: &str, body: Value| {
        app.request(reqwest::Method::PUT, &format!("/api/v1/procedures/{HKD}/retention"), Some(token), Some(body), &[])
            .await
    };
    assert_eq!(retention(&w.specialist, json!({"retention": {"years": 5}})).await.problem(403), "forbidden");
    assert_eq!(retention(&admin, json!({"retention": {"years": 0}})).await.problem(422), "validation_failed");
    let set = retention(&admin, json!({"retention": {"years": 5}})).await.ok().clone();
    assert_eq!((set["retention_label"].as_str(), set["version"].as_u64()), (Some("5 năm"), Some(2)));
    let id = accepted_hkd(&app, &w).await;
    let code = app.get(&path(&id, ""), Some(&w.citizen)).await.ok()["code"].as_str().unwrap().to_string();
    app.post(&path(&id, "messages"), Some(&w.citizen), json!({"text": "Tôi ở nhà số 8 phố Lê Hoàn"})).await.ok();
    approve(&app, &w, &id).await;
    app.post(&path(&id, "return"), Some(&w.reception), json!({})).await.ok();
    let rating = json!({"extra_contacts": 0, "agencies_contacted": "none", "complaint": false, "satisfaction": 5,
        "comment": "Chị Hoa ở bộ phận một cửa hướng dẫn tôi rất tận tình"});
    app.post(&path(&id, "rating"), Some(&w.citizen), rating).await.ok();
    let seal = || relay(ledger::seal(&services, chrono::Utc::now().timestamp_millis() + 120_000));
    seal().await.unwrap();
    assert_eq!(relay(archive::sweep(&services)).await.unwrap(), 0, "a year after closing, not before");
    let archive_of = async |token: &str| app.get(&format!("/api/v1/archive/{code}"), Some(token)).await;
    assert_eq!(archive_of(&w.specialist).await.problem(404), "not_found", "not in the archive yet");

    // A year and a day later it moves to the archive: read-only, found by code by the entitled.
    app.clock.advance(Duration::days(366));
    assert_eq!(relay(archive::sweep(&services)).await.unwrap(), 1);
    assert_eq!(relay(archive::sweep(&services)).await.unwrap(), 0, "once");
    let found = archive_of(&w.specialist).await.ok().clone();
    assert_eq!((found["id"].as_str(), found["applicant_name"].as_str()), (Some(&*id), Some("Nguyễn Văn An")));
    assert_eq!(found["archive"]["retention"], json!({"years": 5}), "the period in force when it was filed");
    assert_eq!(found["archive"]["erasable_from"], "2031-03-02", "five years after it closed on 02/03/2026");
    assert_eq!(archive_of(&w.citizen).await.status, 200, "the owner finds it too");
    let justice = app.login("tiepnhan.stp").await;
    assert_eq!(archive_of(&justice).await.problem(404), "not_found", "another agency does not");
    let message = json!({"text": "Cho tôi hỏi thêm"});
    assert_eq!(app.post(&path(&id, "messages"), Some(&w.citizen), message).await.problem(409), "dossier_archived");
    let reads = app.get(&path(&id, "reads"), Some(&w.citizen)).await.ok().clone();
    assert!(reads["items"].as_array().unwrap().iter().any(|r| r["what"] == "archive"), "{reads}");

    // The package: a BagIt bag whose manifest, record and chain proof hold on their own.
    let link = app.get(&format!("/api/v1/archive/{code}/package"), Some(&w.specialist)).await;
    let bytes = app.http.get(link.ok()["url"].as_str().unwrap()).send().await.unwrap().bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut read = |name: &str| {
        let mut out = vec![];
        std::io::Read::read_to_end(&mut zip.by_name(&format!("{code}/{name}")).unwrap(), &mut out).unwrap();
        out
    };
    let sha = |b: &[u8]| hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b));
    let manifest = String::from_utf8(read("manifest-sha256.txt")).unwrap();
    assert!(String::from_utf8(read("bagit.txt")).unwrap().starts_with("BagIt-Version: 1.0"));
    assert_eq!(manifest.lines().count(), 4, "record, proof, the form and the result: {manifest}");
    for line in manifest.lines() {
        let (digest, path) = line.split_once("  ").unwrap();
        assert_eq!(sha(&read(path)), digest, "{path}");
    }
    assert!(manifest.contains(&format!("{}  data/files/01-{HKD_FORM}/giay-de-nghi.pdf", sha(PDF))), "{manifest}");
    let package: Value = serde_json::from_slice(&read("data/proof.json")).unwrap();
    assert_eq!(package["complete"], true);
    let proof: ledger::Proof = serde_json::from_value(package.clone()).unwrap();
    assert_eq!(proof.last_digest(), Some(&*sha(&read("data/dossier.json"))), "the record is the last chained state");
    ledger::check_proof(&proof, &services.keys).unwrap();
    let mut forged = proof.clone();
    forged.entries[0].entry["at"] = json!("2026-03-01T09:00:00+07:00");
    assert!(ledger::check_proof(&forged, &services.keys).is_err(), "an edited entry does not hold");

    // Erasure: only an administrator of the agency, only past retention, on a decision.
    let erase =
        async |token: &str, body: Value| app.post(&format!("/api/v1/archive/{code}/erasure"), Some(token), body).await;
    let decision = json!({"decision": "Quyết định số 12/QĐ-UBND ngày 05/03/2031", "reason": "Hết thời hạn lưu trữ"});
    assert_eq!(erase(&w.specialist, decision.clone()).await.problem(403), "forbidden");
    let early = erase(&admin, decision.clone()).await;
    assert_eq!(early.problem(409), "retention_not_expired");
    assert!(early.body["detail"].as_str().unwrap().contains("02/03/2031"), "{}", early.body);
    app.clock.advance(Duration::days(4 * 365));
    assert_eq!(erase(&admin, json!({"decision": " ", "reason": "x"})).await.problem(422), "validation_failed");
    let erased = erase(&admin, decision.clone()).await.ok().clone();
    assert_eq!(erased["applicant_name"], motcua_domain::retention::ERASED);
    assert_eq!(erased["archive"]["erasure"]["decision"], decision["decision"]);
    assert_eq!(erased["archive"]["erasure"]["files_deleted"], 2);
    assert!(erased["archive"]["package"].is_null());
    assert_eq!(erase(&admin, decision).await.status, 200, "asked again: nothing more to do");
    let after = app.get(&path(&id, ""), Some(&w.specialist)).await.ok().clone();
    assert_eq!((after["code"].as_str(), after["status"].as_str()), (Some(&*code), Some("returned")), "kept");
    assert!(after["form"].as_object().unwrap().is_empty() && after["components"].as_array().unwrap().is_empty());
    assert!(after["applicant"]["id_number"].is_null() && after["result"].is_null());
    let rating = app.get(&path(&id, "rating"), Some(&w.citizen)).await.ok().clone();
    assert_eq!(rating["answers"]["comment"], motcua_domain::retention::ERASED, "{rating}");
    assert_eq!(rating["answers"]["satisfaction"], 5, "the scores stay for the evaluation");
    let messages = app.get(&path(&id, "messages"), Some(&w.citizen)).await.ok().clone();
    assert_eq!(messages["items"].as_array().map(Vec::len), Some(0), "{messages}");
    let package = app.get(&format!("/api/v1/archive/{code}/package"), Some(&w.specialist)).await;
    assert_eq!(package.problem(409), "package_erased");
    let deleted = relay(upload_limits::sweep(&services, chrono::Utc::now().timestamp() + 1)).await.unwrap();
    assert_eq!(deleted, 3, "the two files and the package leave storage");

    // Recorded in the audit log and the chain, which still verifies.
    let month = services.now().format("%Y-%m");
    let quantri = app.login("quantri").await;
    let audit = app.get(&format!("/api/v1/audit?month={month}"), Some(&quantri)).await.ok().clone();
    assert!(audit["items"].as_array().unwrap().iter().any(|r| r["action"] == "archive.erase"), "{audit}");
    seal().await.unwrap();
    let verified = app.get("/api/v1/audit/verify", Some(&quantri)).await.ok().clone();
    assert_eq!(verified["ok"], true, "{verified}");
}

/// 2025 regime (R1–R4): Form 04 is an extension request that only the leader's approval turns
/// into a new appointment; a stop prints the new Form 05; the control slip is Form 06; codes
/// follow the 2025 format; the 2019 texts are not cited.
#[tokio::test]
async fn under_the_2025_regime_an_extension_needs_approval_and_a_stop_prints_form_05() {
    let app = TestApp::spawn_configured(|s| s.regime = RegimeSchedule::only(Regime::R2025)).await;
    let w = ward(&app).await;
    let id = accepted_hkd(&app, &w).await; // due Thursday 05/03 09:00
    let d = app.get(&path(&id, ""), Some(&w.citizen)).await.ok().clone();
    assert_eq!((d["regime"].as_str(), d["code"].as_str()), (Some("2025"), Some(&*format!("{WARD}-20260302-0000001"))));
    let numbers: Vec<&str> = d["forms"].as_array().unwrap().iter().map(|f| f["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["01", "06"], "receipt and control slip: {}", d["forms"]);

    // The request does not move the appointment; the leader refuses one, approves the next.
    let request = json!({"note": "Chờ xác minh địa điểm kinh doanh", "new_appointment": "2026-03-10T09:00:00+07:00"});
    let asked = app.post(&path(&id, "apology"), Some(&w.specialist), request.clone()).await.ok().clone();
    assert_eq!(asked["appointment"], "2026-03-05T09:00:00+07:00", "not before approval");
    assert_eq!(asked["extensions"][0]["requested_appointment"], "2026-03-10T09:00:00+07:00");
    assert_eq!(
        app.post(&path(&id, "apology"), Some(&w.specialist), request.clone()).await.problem(409),
        "extension_pending"
    );
    let approve = async |token: &str, body: Value| app.post(&path(&id, "approve-extension"), Some(token), body).await;
    assert_eq!(approve(&w.specialist, json!({})).await.problem(403), "action_not_allowed_for_role");
    let form = app.get(&path(&id, "forms/04"), Some(&w.leader)).await;
    assert!(text(&form).contains("VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"), "{}", text(&form));
    assert!(text(&form).contains("đang chờ phê duyệt") && text(&form).contains("Mẫu số 04"));
    let refuse = app.post(&path(&id, "refuse-extension"), Some(&w.leader), json!({})).await;
    assert_eq!(refuse.problem(422), "validation_failed", "a refusal says why");
    let refused =
        app.post(&path(&id, "refuse-extension"), Some(&w.leader), json!({"note": "Đủ thời gian xác minh"})).await;
    let refused = refused.ok().clone();
    assert_eq!(refused["appointment"], "2026-03-05T09:00:00+07:00");
    assert_eq!(refused["extensions"][0]["decision"]["approved"], false);
    assert_eq!(approve(&w.leader, json!({})).await.problem(409), "no_extension_request");
    let again = json!({"note": "Cơ quan phối hợp chưa trả lời", "new_appointment": "2026-03-11T09:00:00+07:00"});
    app.post(&path(&id, "apology"), Some(&w.specialist), again).await.ok();
    let approved = approve(&w.leader, json!({})).await.ok().clone();
    assert_eq!(approved["appointment"], "2026-03-11T09:00:00+07:00");
    assert_eq!(approved["apology"]["previous_appointment"], "2026-03-05T09:00:00+07:00");
    assert_eq!(approved["extensions"][1]["decision"]["by"]["name"], "Hoàng Minh Đức");
    let form = app.get(&path(&id, "forms/04"), Some(&w.citizen)).await;
    assert!(text(&form).contains("đồng ý gia hạn (Hoàng Minh Đức") && text(&form).contains("ngày 11/03/2026"));
    assert!(notifications(&app, &w.citizen)
        .await
        .iter()
        .any(|m| m.contains("Đồng ý gia hạn") && m.contains("11/03/2026")));
    let more = json!({"note": "x", "new_appointment": "2026-03-13T09:00:00+07:00"});
    assert_eq!(
        app.post(&path(&id, "apology"), Some(&w.specialist), more).await.problem(409),
        "appointment_already_reset"
    );

    // Another dossier: the fee is paid, then the leader stops it — Form 05 says what was reached.
    let other = accepted_hkd(&app, &w).await;
    app.post(&path(&other, "request-payment"), Some(&w.specialist), json!({"amount_vnd": 100000, "note": "Lệ phí"}))
        .await
        .ok();
    app.post(&path(&other, "confirm-payment"), Some(&w.reception), json!({})).await.ok();
    assert_eq!(app.get(&path(&other, "forms/05"), Some(&w.citizen)).await.problem(409), "form_not_available");
    let reason = json!({"note": "Địa điểm thuộc khu vực cấm kinh doanh"});
    let stopped = app.post(&path(&other, "stop"), Some(&w.leader), reason).await.ok().clone();
    assert_eq!(stopped["stop"]["fees_paid_vnd"], 100000);
    let form = app.get(&path(&other, "forms/05"), Some(&w.citizen)).await;
    let html = text(&form);
    assert!(html.contains("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ") && html.contains("Mẫu số 05"), "{html}");
    assert!(html.contains("Địa điểm thuộc khu vực cấm kinh doanh") && html.contains("100000 đồng"));
    let stage = stopped["stop"]["stage"].as_str().unwrap();
    assert!(html.contains(&format!("Giai đoạn đã giải quyết: {stage}")) || html.contains(stage), "{html}");
    let slip = app.get(&path(&other, "forms/06"), Some(&w.leader)).await;
    assert!(text(&slip).contains("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ") && text(&slip).contains("Mẫu số 06"));
    let pdf = app.get(&format!("{}?format=pdf", path(&other, "forms/05")), Some(&w.citizen)).await;
    assert_eq!(pdf.content_type, "application/pdf");
    let register = app.get("/api/v1/register?year=2026&format=html", Some(&w.reception)).await;
    assert!(text(&register).contains("Mẫu số 07"), "the register is Form 07");

    // The supplement window's refusal cites the 2025 decree.
    let third = accepted_hkd(&app, &w).await;
    app.post(&path(&third, "start-processing"), Some(&w.specialist), json!({})).await.ok();
    app.clock.advance(Duration::days(4));
    let items = json!({"items": [{"component": HKD_FORM, "reason": "Thiếu chữ ký"}]});
    let late = app.post(&path(&third, "request-supplement"), Some(&w.specialist), items).await;
    assert_eq!(late.problem(409), "supplement_too_late");
    let detail = late.body["detail"].as_str().unwrap();
    assert!(detail.contains("118/2025") && !detail.contains("61/2018"), "{detail}");
}

/// R5: a boundary-free procedure of a department is taken on paper at the ward's Public
/// Administration Service Centre, processed by the department, and counted once in each role —
/// reception for the centre, results for the department, once in the province's total.
#[tokio::test]
async fn a_boundary_free_dossier_taken_at_a_ward_centre_is_processed_by_the_department_and_counted_once() {
    use motcua::seed::WARD_CENTRE;
    let app = TestApp::spawn().await;
    let centre = app.login("tiepnhan.ttpv").await;
    let applicant = json!({"full_name": "Đỗ Văn Hải", "id_number": "038096001111", "phone": "0912000111"});
    let form = json!({"certificate_type": "Phiếu lý lịch tư pháp số 1", "purpose": "Bổ sung hồ sơ xin việc", "copies": 1,
        "full_name": "Đỗ Văn Hải", "date_of_birth": "1996-01-01", "gender": "Nam", "id_number": "038096001111",
        "address": "Thôn Đông, phường Hạc Thành", "phone": "0912000111"});
    let body = json!({"procedure": CRIMINAL_RECORD, "channel": "in_person", "applicant": applicant, "form": form, "identity": paper_id()});
    let local = json!({"procedure": HKD, "channel": "in_person", "applicant": applicant, "form": hkd_form(), "identity": paper_id()});
    assert_eq!(
        app.post("/api/v1/counter/dossiers", Some(&centre), local).await.problem(403),
        "forbidden",
        "not on the list"
    );
    let w = ward(&app).await;
    assert_eq!(
        app.post("/api/v1/counter/dossiers", Some(&w.reception), body.clone()).await.problem(403),
        "forbidden",
        "not a centre"
    );

    let created = app.post("/api/v1/counter/dossiers", Some(&centre), body).await.ok().clone();
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(
        (created["agency"].as_str(), created["reception_office"]["code"].as_str()),
        (Some(JUSTICE), Some(WARD_CENTRE))
    );
    let inbox = app.get("/api/v1/inbox", Some(&centre)).await.ok().clone();
    assert_eq!(inbox["items"][0]["id"], id.as_str(), "in the centre's inbox to receive: {inbox}");
    let scanned = app.upload(&centre, &id, CRIMINAL_RECORD_FORM, PDF, "application/pdf", "to-khai.pdf").await;
    assert_eq!(scanned.ok()["components"][0]["digitised"], true);
    let accepted = app.post(&path(&id, "accept"), Some(&centre), json!({})).await.ok().clone();
    assert!(accepted["code"].as_str().unwrap().starts_with(JUSTICE), "the competent authority's code");
    assert_eq!(app.post(&path(&id, "start-processing"), Some(&centre), json!({})).await.problem(404), "not_found");

    // The department processes it; the centre returns the result at its counter.
    let justice = app.login("chuyenvien.stp").await;
    app.post(&path(&id, "start-processing"), Some(&justice), json!({})).await.ok();
    let upload = result_upload(&app, &justice, &id).await;
    app.post(&path(&id, "finish"), Some(&justice), json!({"upload_id": upload})).await.ok();
    assert_eq!(
        app.get("/api/v1/inbox", Some(&centre)).await.ok()["items"][0]["id"],
        id.as_str(),
        "to return at its counter"
    );
    let returned = app.post(&path(&id, "return"), Some(&centre), json!({})).await.ok().clone();
    assert_eq!(returned["status"], "returned");

    // Counted once per role.
    let report = async |query: &str| {
        app.get(&format!("/api/v1/reports/statistics?from=2026-03-01&to=2026-03-31{query}"), None).await
    };
    let department = report(&format!("&agency={JUSTICE}")).await.ok().clone();
    assert_eq!(
        (department["total"]["received"].as_i64(), department["total"]["finished"].as_i64()),
        (Some(1), Some(1))
    );
    let offices = report("&group_by=receiving_office").await.ok().clone();
    let received = |offices: &Value, code: &str| {
        offices["rows"].as_array().unwrap().iter().find(|r| r["key"] == code).unwrap()["received"].as_i64()
    };
    assert_eq!((received(&offices, WARD_CENTRE), received(&offices, JUSTICE)), (Some(1), Some(0)), "{offices}");
    assert_eq!(offices["total"]["received"], 1, "the province counts it once");

    // Another applicant files online at the centre's kiosk (the point that helped): the
    // department's office receives it, the centre counts it as a filing it helped.
    let draft = |at: &str| json!({"procedure": CRIMINAL_RECORD, "form": form, "assisted_at": at});
    let not_a_centre = app.post("/api/v1/dossiers", Some(&w.citizen), draft(JUSTICE)).await;
    assert_eq!(not_a_centre.problem(422), "validation_failed");
    assert_eq!(not_a_centre.body["errors"][0]["field"], "assisted_at");
    let helped = app.post("/api/v1/dossiers", Some(&w.citizen), draft(WARD_CENTRE)).await.ok().clone();
    assert_eq!(helped["assisted_at"]["code"], WARD_CENTRE);
    let helped = helped["id"].as_str().unwrap();
    app.upload(&w.citizen, helped, CRIMINAL_RECORD_FORM, PDF, "application/pdf", "to-khai.pdf").await.ok();
    app.post(&path(helped, "submit"), Some(&w.citizen), json!({})).await.ok();
    let justice_reception = app.login("tiepnhan.stp").await;
    app.post(&path(helped, "accept"), Some(&justice_reception), json!({})).await.ok();
    let offices = report("&group_by=receiving_office").await.ok().clone();
    assert_eq!((received(&offices, WARD_CENTRE), received(&offices, JUSTICE)), (Some(1), Some(1)), "{offices}");
    let points = report("&group_by=assisting_point").await.ok().clone();
    let rows = points["rows"].as_array().unwrap();
    assert!(rows.iter().all(|r| r["key"] != JUSTICE), "service centres only: {points}");
    let centre_row = rows.iter().find(|r| r["key"] == WARD_CENTRE).unwrap();
    assert_eq!((centre_row["received"].as_i64(), centre_row["new_online"].as_i64()), (Some(1), Some(1)));
}

/// Decision 766, group 1 (R9): a petition is refused within 2 working days, the sender asked for
/// more within 5, answered within 15 — the wait for the sender's reply not counted — and the
/// answer published within 2; the index counts a petition on time only if every step was.
#[tokio::test]
async fn petitions_are_refused_questioned_answered_and_published_within_their_deadlines() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let send = async |token: Option<&str>, title: &str| {
        let body = json!({"kind": "petition", "agency": WARD, "title": title, "content": "Nội dung kiến nghị.",
            "submitter_name": "Nguyễn Văn An"});
        let r = app.post("/api/v1/feedback", token, body).await.ok().clone();
        (r["code"].as_str().unwrap().to_string(), r["secret"].as_str().unwrap().to_string())
    };
    let step = async |token: Option<&str>, code: &str, action: &str, body: Value| {
        app.post(&format!("/api/v1/feedback/{code}/{action}"), token, body).await
    };
    // Monday 02/03 09:00: three petitions.
    let (refused, refused_secret) = send(None, "Kiến nghị ngoài thẩm quyền").await;
    let (asked, asked_secret) = send(Some(&w.citizen), "Kiến nghị về giờ làm việc").await;
    let (ignored, _) = send(None, "Kiến nghị chưa được xử lý").await;
    let fresh = app.get(&format!("/api/v1/feedback/{asked}"), Some(&w.leader)).await.ok().clone();
    let deadlines = &fresh["deadlines"];
    assert_eq!(
        (deadlines["refuse_by"].as_str(), deadlines["ask_by"].as_str(), deadlines["answer_by"].as_str()),
        (Some("2026-03-04T09:00:00+07:00"), Some("2026-03-09T09:00:00+07:00"), Some("2026-03-23T09:00:00+07:00"))
    );

    // Tuesday: one refused with its reason, more information asked on another.
    app.clock.advance(Duration::days(1));
    assert_eq!(step(Some(&w.leader), &refused, "refuse", json!({"text": " "})).await.problem(422), "validation_failed");
    let outside = json!({"text": "Nội dung thuộc thẩm quyền của Sở Tư pháp."});
    let r = step(Some(&w.leader), &refused, "refuse", outside).await.ok().clone();
    assert_eq!(
        (r["status_label"].as_str(), r["refusal"]["text"].as_str()),
        (Some("Từ chối tiếp nhận"), Some("Nội dung thuộc thẩm quyền của Sở Tư pháp."))
    );
    let closed = step(Some(&w.leader), &refused, "answer", json!({"answer": "x"})).await;
    assert_eq!(closed.problem(409), "petition_refused");
    let seen = app.get(&format!("/api/v1/feedback/{refused}?secret={refused_secret}"), None).await.ok().clone();
    assert_eq!(seen["refusal"]["text"], "Nội dung thuộc thẩm quyền của Sở Tư pháp.");
    assert!(app.get("/api/v1/feedback", None).await.ok()["items"].as_array().unwrap().is_empty(), "nothing published");

    let question = json!({"text": "Xin cho biết khung giờ anh đề nghị."});
    let q = step(Some(&w.specialist), &asked, "request-info", question.clone()).await.ok().clone();
    assert_eq!(q["status_label"], "Chờ người gửi bổ sung thông tin");
    assert!(q["deadlines"]["answer_by"].is_null(), "the answer's clock stops while waiting");
    assert_eq!(step(Some(&w.leader), &asked, "request-info", question).await.problem(409), "petition_already_asked");
    assert!(notifications(&app, &w.citizen).await.iter().any(|m| m.contains("đề nghị bổ sung thông tin")));

    // Friday: the sender replies with the secret (three working days waited).
    app.clock.advance(Duration::days(3));
    let stranger = app.login("doanhnghiep").await;
    let reply = json!({"text": "Từ 7 giờ 30 đến 11 giờ sáng thứ Bảy."});
    assert_eq!(step(Some(&stranger), &asked, "reply", reply.clone()).await.problem(404), "not_found");
    let wrong = json!({"text": "x", "secret": "SAI"});
    assert_eq!(step(None, &asked, "reply", wrong).await.problem(404), "not_found");
    let with_secret = json!({"text": reply["text"], "secret": asked_secret});
    let r = step(None, &asked, "reply", with_secret.clone()).await.ok().clone();
    assert_eq!(r["question"]["reply"]["text"], "Từ 7 giờ 30 đến 11 giờ sáng thứ Bảy.");
    assert_eq!(r["deadlines"]["answer_by"], "2026-03-26T09:00:00+07:00", "15 working days plus the 3 waited");
    assert_eq!(step(None, &asked, "reply", with_secret).await.problem(409), "petition_no_question");

    // Wednesday 25/03: answered in time, not yet published; published on Monday 30/03, late.
    app.clock.advance(Duration::days(19));
    let answer = json!({"answer": "Phường sẽ mở cửa sáng thứ Bảy từ tháng 5.", "publish": false});
    let r = step(Some(&w.leader), &asked, "answer", answer.clone()).await.ok().clone();
    assert_eq!(
        (r["status_label"].as_str(), r["deadlines"]["publish_by"].as_str()),
        (Some("Đã trả lời"), Some("2026-03-27T09:00:00+07:00"))
    );
    assert_eq!(step(Some(&w.leader), &asked, "answer", answer).await.problem(409), "petition_answered");
    let index = async || {
        let r = app.get(&format!("/api/v1/reports/index-766?from=2026-03-01&to=2026-03-31&agency={WARD}"), None).await;
        let petitions = r.ok()["groups"][0]["indicators"][1].clone();
        (petitions["numerator"].as_i64().unwrap(), petitions["denominator"].as_i64().unwrap())
    };
    assert_eq!(index().await, (2, 3), "refused and answered in time; the third past its 15 days");
    app.clock.advance(Duration::days(5));
    assert_eq!(step(Some(&w.leader), &ignored, "publish", json!({})).await.problem(409), "petition_not_answered");
    let published = step(Some(&w.leader), &asked, "publish", json!({})).await.ok().clone();
    assert_eq!(published["published"], true);
    assert_eq!(app.get("/api/v1/feedback", None).await.ok()["items"][0]["code"], asked.as_str());
    assert_eq!(step(Some(&w.leader), &asked, "publish", json!({})).await.problem(409), "petition_already_published");
    assert_eq!(index().await, (1, 3), "published after its 2 working days");
}

/// R9 and rules §7: the Decision 766 index of the ward for March and its evaluation for the
/// quarter, against four dossiers whose fate the test knows — A on time and online but rated "very unsatisfied", B finished before its appointment
/// after two supplement requests (late by the rule), C on paper refused at reception without
/// scans, D finished after its appointment.
#[tokio::test]
async fn the_766_index_and_the_nine_indicators_match_hand_computed_points() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let petition = json!({"kind": "petition", "agency": WARD, "title": "Đề nghị mở cửa sáng thứ Bảy",
        "content": "Xin mở cửa tiếp nhận hồ sơ sáng thứ Bảy.", "submitter_name": "Nguyễn Văn An"});
    let feedback = app.post("/api/v1/feedback", None, petition).await.ok()["code"].as_str().unwrap().to_string();
    let a = accepted_hkd(&app, &w).await;
    approve(&app, &w, &a).await;
    let unhappy = json!({"extra_contacts": 0, "agencies_contacted": "none", "complaint": false, "satisfaction": 1});
    app.post(&path(&a, "rating"), Some(&w.citizen), unhappy).await.ok();

    let b = file_hkd(&app, &w.citizen).await;
    for reason in ["Thiếu bản sao căn cước", "Bản sao chưa chứng thực"] {
        let items = json!([{"component": "giay-to-phap-ly-ca-nhan", "reason": reason}]);
        app.post(&path(&b, "request-supplement"), Some(&w.reception), json!({"items": items})).await.ok();
        app.upload(&w.citizen, &b, "giay-to-phap-ly-ca-nhan", PDF, "application/pdf", "cccd.pdf").await.ok();
        app.post(&path(&b, "supplement"), Some(&w.citizen), json!({})).await.ok();
    }
    app.post(&path(&b, "accept"), Some(&w.reception), json!({})).await.ok();
    approve(&app, &w, &b).await;
    let complaint = json!({"extra_contacts": 2, "agencies_contacted": "more", "complaint": true, "satisfaction": 3});
    app.post(&path(&b, "rating"), Some(&w.citizen), complaint).await.ok();

    let applicant = json!({"full_name": "Lê Văn Bình", "id_number": "038095007777", "phone": "0911222333"});
    let form = paper_hkd_form();
    let paper =
        json!({"procedure": HKD, "channel": "in_person", "applicant": applicant, "form": form, "identity": paper_id()});
    let c =
        app.post("/api/v1/counter/dossiers", Some(&w.reception), paper).await.ok()["id"].as_str().unwrap().to_string();
    app.post(&path(&c, "refuse"), Some(&w.reception), json!({"note": "Ngành nghề cấm kinh doanh"})).await.ok();

    let d = accepted_hkd(&app, &w).await;
    app.clock.advance(Duration::days(4));
    approve(&app, &w, &d).await;

    let index = app.get(&format!("/api/v1/reports/index-766?from=2026-03-01&to=2026-03-31&agency={WARD}"), None).await;
    let index = index.ok().clone();
    let c766 = &index["counts"];
    let counts: Vec<i64> =
        ["ended", "on_time", "online", "digitised", "reused", "disliked", "received", "synced", "procedures"]
            .iter()
            .map(|k| c766[*k].as_i64().unwrap())
            .collect();
    assert_eq!(counts, [4, 2, 3, 3, 0, 2, 3, 0, 10], "{index}");
    // The 2026 additions, unscored: 7 of the ward's 10 procedures are fully online, and so were
    // A, B and D (online, with an electronic result) of the 4 ended.
    let shares: Vec<(i64, i64)> = index["additions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["numerator"].as_i64().unwrap(), s["denominator"].as_i64().unwrap()))
        .collect();
    assert_eq!(shares, [(7, 10), (3, 4)], "{index}");
    let points: Vec<f64> = index["groups"].as_array().unwrap().iter().map(|g| g["points"].as_f64().unwrap()).collect();
    // Synced 0/3 → 0, the petition not yet due → 6; on time 2/4 → 20·0.5 = 10; digitised 75 % of
    // an 80 % target → 10.3, reused 0; procedures online 100 % → 11, dossiers online 75 % ≥ 50 %
    // → 11; satisfied 100 % − (50 % late + 50 % unhappy or complaining: A's rating, B's
    // complaint) = 0 % → 0.
    assert_eq!(points, [6.0, 10.0, 10.3, 22.0, 0.0], "{index}");
    assert_eq!((index["points"].as_f64(), index["max_points"].as_f64()), (Some(48.3), Some(100.0)));
    let province = app.get("/api/v1/reports/index-766?from=2026-03-01&to=2026-03-31", None).await.ok().clone();
    assert_eq!(province["counts"]["ended"], 4, "the province counts each dossier once");

    // The dossiers behind "on time", missed: B and D, for the ward's staff only.
    let behind = "/api/v1/reports/index-766/dossiers?from=2026-03-01&to=2026-03-31&input=on_time";
    let late = app.get(&format!("{behind}&agency={WARD}"), Some(&w.leader)).await.ok().clone();
    let mut ids: Vec<&str> =
        late["items"].as_array().unwrap().iter().map(|e| e["dossier_id"].as_str().unwrap()).collect();
    ids.sort();
    let mut expected = vec![b.as_str(), d.as_str()];
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(late["items"].as_array().unwrap().iter().find(|e| e["dossier_id"] == b).unwrap()["supplements"], 2);
    let met = app.get(&format!("{behind}&agency={WARD}&met=true&limit=1"), Some(&w.leader)).await.ok().clone();
    assert_eq!(met["items"].as_array().unwrap().len(), 1, "a page of one");
    let justice = app.login("tiepnhan.stp").await;
    assert_eq!(app.get(&format!("{behind}&agency={WARD}"), Some(&justice)).await.problem(403), "forbidden");
    assert_eq!(app.get(behind, Some(&w.leader)).await.problem(403), "forbidden", "the province: system administrator");
    let _ = c;

    // The quarter's evaluation (rules §7), with the petition answered after its 15 working days.
    app.clock.advance(Duration::days(25));
    let answer = json!({"answer": "Từ tháng 5, phường tiếp nhận hồ sơ sáng thứ Bảy.", "publish": true});
    app.post(&format!("/api/v1/feedback/{feedback}/answer"), Some(&w.leader), answer).await.ok();
    // The petition answered late costs the 766 index its 6 points too.
    let index = app.get(&format!("/api/v1/reports/index-766?from=2026-03-01&to=2026-03-31&agency={WARD}"), None).await;
    let petitions = &index.ok()["groups"][0]["indicators"][1];
    assert_eq!(
        (petitions["numerator"].as_i64(), petitions["denominator"].as_i64(), petitions["points"].as_f64()),
        (Some(0), Some(1), Some(0.0))
    );
    let quarter = app.get(&format!("/api/v1/reports/evaluation?agency={WARD}&period=2026-Q1"), None).await.ok().clone();
    let points: Vec<f64> =
        quarter["indicators"].as_array().unwrap().iter().map(|i| i["points"].as_f64().unwrap()).collect();
    // Rated A (early, no complaint: all 2) and B (early, 2 extra contacts → 0, several agencies
    // → 0, complaint not upheld → 1): 1 = 2, 2 = 2, 3 = 1, 4 = 1, 6 = 2, 7 = 1.5; 5: no procedure
    // handled at the one-stop office → 0; 8: the one petition due answered late → 0; 9: 75 %
    // filed online but two of them late → 1.
    assert_eq!(points, [2.0, 2.0, 1.0, 1.0, 0.0, 2.0, 1.5, 0.0, 1.0], "{quarter}");
    assert_eq!(
        (quarter["total"].as_f64(), quarter["class"].as_str(), quarter["ratings"].as_u64()),
        (Some(10.5), Some("Khá"), Some(2))
    );
    let bad = app.get(&format!("/api/v1/reports/evaluation?agency={WARD}&period=2026-Q5"), None).await;
    assert_eq!(bad.problem(400), "invalid_period");
}

/// R8 (Decree 309/2026): under the 2025 regime the officer records how the applicant in person
/// was identified; what the chip reader gave fills the applicant's details.
#[tokio::test]
async fn under_the_2025_regime_the_counter_records_how_the_applicant_was_identified() {
    let app = TestApp::spawn_configured(|s| s.regime = RegimeSchedule::only(Regime::R2025)).await;
    let w = ward(&app).await;
    let form = paper_hkd_form();
    let typed = json!({"full_name": "Le Van Binh", "phone": "0911222333"});
    let body = |identity: Value| json!({"procedure": HKD, "channel": "in_person", "applicant": typed, "form": form, "identity": identity});
    let missing = app.post("/api/v1/counter/dossiers", Some(&w.reception), body(Value::Null)).await;
    assert_eq!(missing.problem(422), "validation_failed");
    assert_eq!(missing.body["errors"][0]["field"], "identity.method");
    let chip = json!({"method": "chip_reader", "read": {"full_name": "Lê Văn Bình", "id_number": "038095007777",
        "date_of_birth": "1995-04-01", "gender": "Nam", "address": "Thôn Đông, phường Hạc Thành"}});
    let created = app.post("/api/v1/counter/dossiers", Some(&w.reception), body(chip)).await.ok().clone();
    assert_eq!(created["applicant"]["full_name"], "Lê Văn Bình", "filled from the chip");
    assert_eq!(created["applicant"]["phone"], "0911222333", "what the chip does not hold stays");
    let check = &created["identity_check"];
    assert_eq!((check["method"].as_str(), check["id_number"].as_str()), (Some("chip_reader"), Some("038095007777")));
    assert_eq!(
        (check["filled_from_read"].as_bool(), check["checked_by"]["name"].as_str()),
        (Some(true), Some("Lê Thị Hoa"))
    );
    let by_post = json!({"procedure": HKD, "channel": "post", "applicant": typed, "form": form});
    assert!(app.post("/api/v1/counter/dossiers", Some(&w.reception), by_post).await.ok()["identity_check"].is_null());
}

/// R6: the ward formed on 01/07/2025 from two wards keeps their history; a unit no longer in
/// force leaves the list and cannot receive new dossiers, naming the unit that took it over.
#[tokio::test]
async fn merged_units_keep_their_history_and_an_ended_unit_receives_nothing_new() {
    let app = TestApp::spawn().await;
    let history = app.get(&format!("/api/v1/agencies/{WARD}/history"), None).await.ok().clone();
    let codes: Vec<&str> = history["items"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["000.17.01.H56", "000.17.02.H56", WARD]);
    assert_eq!(history["items"][0]["successor"], WARD);
    assert_eq!(
        (history["items"][2]["valid_from"].as_str(), history["items"][2]["level"].as_str()),
        (Some("2025-07-01"), Some("commune"))
    );
    let old = app.get("/api/v1/agencies/000.17.01.H56/history", None).await.ok().clone();
    assert_eq!(old["items"].as_array().unwrap().last().unwrap()["code"], WARD, "successors follow");
    let listed = app.get("/api/v1/agencies", None).await.ok().clone();
    let in_force: Vec<&str> = listed["items"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap()).collect();
    assert!(in_force.contains(&WARD) && !in_force.contains(&"000.17.01.H56") && !in_force.contains(&"000.17.00.H56"));
    let all = app.get("/api/v1/agencies?all=true", None).await.ok().clone();
    assert_eq!(all["items"].as_array().unwrap().len(), in_force.len() + 3);

    // A procedure still assigned to an ended ward (say, an old version synced from a ministry).
    let services = app.services().clone();
    let mut procedure = motcua_core::catalogue::procedure(&services, HKD).await.unwrap();
    procedure.code = "9.999999".into();
    procedure.agency = "000.17.01.H56".into();
    motcua_core::catalogue::publish_procedure(&services, procedure).await.unwrap();
    let citizen = app.login("congdan").await;
    let refused = app.post("/api/v1/dossiers", Some(&citizen), json!({"procedure": "9.999999", "form": {}})).await;
    assert_eq!(refused.problem(409), "agency_not_in_force");
    let detail = refused.body["detail"].as_str().unwrap();
    assert!(detail.contains("từ ngày 01/07/2025") && detail.contains("Ủy ban nhân dân phường Hạc Thành"), "{detail}");
}

/// R6: a system administrator records a merger (two departments merged in the 2025
/// reorganisation): the old unit ends the day before, its history leads to the new one, new
/// dossiers of the old unit are refused from that day naming the successor; audited.
#[tokio::test]
async fn an_administrator_records_a_merger_and_the_ended_unit_points_to_its_successor() {
    use motcua_domain::catalogue::Agency;
    let app = TestApp::spawn().await;
    let services = app.services().clone();
    let mut unit = motcua_core::catalogue::agency(&services, JUSTICE).await.unwrap();
    let (old, new) = ("000.00.30.H56", "000.00.31.H56");
    unit.predecessors = vec![];
    let department = |code: &str, name: &str, from: Option<&str>| Agency {
        code: code.into(),
        name: name.into(),
        valid_from: from.map(|d| d.parse().unwrap()),
        ..unit.clone()
    };
    motcua_core::catalogue::put_agency(&services, &department(old, "Sở Tài nguyên và Môi trường", None)).await.unwrap();
    let merged = department(new, "Sở Nông nghiệp và Môi trường", Some("2026-03-03"));
    motcua_core::catalogue::put_agency(&services, &merged).await.unwrap();
    let mut procedure = motcua_core::catalogue::procedure(&services, HKD).await.unwrap();
    (procedure.code, procedure.agency) = ("9.999998".into(), old.into());
    motcua_core::catalogue::publish_procedure(&services, procedure).await.unwrap();

    let (admin, leader) = (app.login("quantri").await, app.login("lanhdao.phuong").await);
    let record = async |token: &str, body: Value| {
        app.post(&format!("/api/v1/agencies/{old}/succession"), Some(token), body).await
    };
    let body = json!({"successor": new, "from": "2026-03-03"});
    assert_eq!(record(&leader, body.clone()).await.problem(403), "forbidden");
    let unknown = record(&admin, json!({"successor": "000.00.99.H56", "from": "2026-03-03"})).await;
    assert_eq!(
        (unknown.problem(422), unknown.body["errors"][0]["field"].as_str()),
        ("validation_failed".into(), Some("successor"))
    );
    let early = record(&admin, json!({"successor": new, "from": "2026-03-02"})).await;
    assert_eq!(early.problem(409), "successor_not_in_force", "the new department starts on 03/03");
    let history = record(&admin, body.clone()).await.ok().clone();
    let items = history["items"].as_array().unwrap();
    let codes: Vec<&str> = items.iter().map(|a| a["code"].as_str().unwrap()).collect();
    assert_eq!(codes, [old, new]);
    assert_eq!((items[0]["valid_to"].as_str(), items[0]["successor"].as_str()), (Some("2026-03-02"), Some(new)));
    assert_eq!(record(&admin, body).await.problem(409), "agency_already_ended");
    let audit = app.get("/api/v1/audit?month=2026-03", Some(&admin)).await.ok().clone();
    assert!(audit.to_string().contains("agency.succession"), "{audit}");

    // Today the old department still receives; from 03/03 its dossiers go to the new one.
    let citizen = app.login("congdan").await;
    let draft = json!({"procedure": "9.999998", "form": {}});
    app.post("/api/v1/dossiers", Some(&citizen), draft.clone()).await.ok();
    app.clock.advance(Duration::days(1));
    let refused = app.post("/api/v1/dossiers", Some(&citizen), draft).await;
    assert_eq!(refused.problem(409), "agency_not_in_force");
    let detail = refused.body["detail"].as_str().unwrap();
    assert!(detail.contains("từ ngày 03/03/2026") && detail.contains("Sở Nông nghiệp và Môi trường"), "{detail}");
}

/// Issue 13, item 9: once past dossiers show that appraisal usually takes longer than the
/// workflow allows, a new dossier is flagged before it is late, first in the inbox, with a new
/// appointment prepared for Form 04.
#[tokio::test]
async fn a_dossier_likely_to_be_late_is_flagged_before_it_is_with_a_form_04_prepared() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let first = accepted_hkd(&app, &w).await;
    let fresh = app.get(&path(&first, ""), Some(&w.specialist)).await.ok().clone();
    assert_eq!(
        (fresh["risk"]["at_risk"].as_bool(), fresh["risk"]["from_history"].as_bool()),
        (Some(false), Some(false))
    );

    // Three dossiers whose appraisal took 26 working hours where the workflow allows 20.
    let past = [first, accepted_hkd(&app, &w).await, accepted_hkd(&app, &w).await];
    app.clock.advance(Duration::days(3) + Duration::hours(2)); // Thursday 05/03 11:00
    for id in &past {
        approve(&app, &w, id).await;
    }
    let late = accepted_hkd(&app, &w).await;
    let view = app.get(&path(&late, ""), Some(&w.specialist)).await.ok().clone();
    let risk = &view["risk"];
    assert_eq!((risk["at_risk"].as_bool(), risk["from_history"].as_bool()), (Some(true), Some(true)), "{view}");
    assert!(risk["late_by_minutes"].as_i64().unwrap() > 0 && risk["suggested_new_appointment"].is_string(), "{risk}");
    assert!(risk["suggested_new_appointment"].as_str().unwrap() > view["appointment"].as_str().unwrap());
    assert!(app.get(&path(&late, ""), Some(&w.citizen)).await.ok()["risk"].is_null(), "staff only");
    let (ids, inbox) = inbox_ids(&app, &w.specialist, "").await;
    assert_eq!((inbox["counts"]["at_risk"].as_u64(), ids.first()), (Some(1), Some(&late)), "{inbox}");
    // The prepared appointment is one the apology accepts.
    let request = json!({"note": "Thẩm định kéo dài", "new_appointment": risk["suggested_new_appointment"]});
    let apologised = reset_appointment(&app, &w, &late, request).await;
    assert_eq!(apologised["appointment"], risk["suggested_new_appointment"]);
}

/// Issue 13, item 9, the officer's queue: the current step is timed by its assignee's own past
/// stages — an officer whose appraisals run long (a long queue) puts the dossiers assigned to
/// them at risk, while the procedure's average and a quicker colleague's dossiers stay safe.
#[tokio::test]
async fn an_officer_whose_own_stages_run_long_puts_the_dossiers_assigned_to_them_at_risk() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let admin = app.login("quantri.phuong").await;
    let slow = json!({"username": "chuyenvien2.phuong", "password": DEMO_PASSWORD, "role": "specialist",
        "agency": WARD, "full_name": "Đinh Thị Thu"});
    app.post("/api/v1/users", Some(&admin), slow).await.ok();
    let slow = app.login("chuyenvien2.phuong").await;
    let hand_over = async |token: &str, id: &str| {
        let upload = result_upload(&app, token, id).await;
        app.post(&path(id, "submit-for-approval"), Some(token), json!({"upload_id": upload})).await.ok();
        app.post(&path(id, "approve"), Some(&w.leader), json!({})).await.ok();
    };
    // Six appraisals handed over at once by the usual specialist, three after 26 working hours
    // (the workflow allows 20) by the new one: 8.7 hours on average.
    let mut past = vec![];
    for _ in 0..9 {
        past.push(accepted_hkd(&app, &w).await);
    }
    for id in &past[..6] {
        hand_over(&w.specialist, id).await;
    }
    app.clock.advance(Duration::days(3) + Duration::hours(2)); // Thursday 05/03 11:00
    for id in &past[6..] {
        hand_over(&slow, id).await;
    }

    let risk_when_assigned_to = async |assignee: Option<&str>| {
        let id = accepted_hkd(&app, &w).await;
        if let Some(who) = assignee {
            app.post(&path(&id, "assign"), Some(&w.leader), json!({"assignee": who})).await.ok();
        }
        app.get(&path(&id, ""), Some(&w.leader)).await.ok()["risk"].clone()
    };
    let slow_risk = risk_when_assigned_to(Some("chuyenvien2.phuong")).await;
    assert_eq!(
        (slow_risk["at_risk"].as_bool(), slow_risk["from_history"].as_bool()),
        (Some(true), Some(true)),
        "{slow_risk}"
    );
    let quick = risk_when_assigned_to(Some("chuyenvien.phuong")).await;
    assert_eq!(quick["at_risk"], false, "{quick}");
    assert_eq!(risk_when_assigned_to(None).await["at_risk"], false, "the procedure's average is within the allowance");
}

/// Rules §7 (item 5 of issue 13): ratings come from three sources — online by the owner, a
/// paper slip entered by a receiving officer, and the receipt's code and secret at a kiosk —
/// one per dossier whatever the source; each counts against the 766 index when dissatisfied.
#[tokio::test]
async fn ratings_come_online_from_paper_slips_entered_by_staff_and_from_a_kiosk_with_the_receipt() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let answers =
        json!({"extra_contacts": 0, "agencies_contacted": "one_stop_only", "complaint": false, "satisfaction": 2});

    // A paper slip: only the one-stop office's receiving officer enters it, with its number.
    let slip = accepted_hkd(&app, &w).await;
    let early = app
        .post(&path(&slip, "rating-slip"), Some(&w.reception), json!({"slip_number": "PDG-0001", "answers": answers}))
        .await;
    assert_eq!(early.problem(409), "not_finished");
    approve(&app, &w, &slip).await;
    let by_specialist = app
        .post(&path(&slip, "rating-slip"), Some(&w.specialist), json!({"slip_number": "PDG-0001", "answers": answers}))
        .await;
    assert_eq!(by_specialist.problem(403), "forbidden");
    let no_number = app
        .post(&path(&slip, "rating-slip"), Some(&w.reception), json!({"slip_number": " ", "answers": answers}))
        .await;
    assert_eq!(no_number.problem(422), "validation_failed");
    assert_eq!(no_number.body["errors"][0]["field"], "slip_number");
    let entered = app
        .post(&path(&slip, "rating-slip"), Some(&w.reception), json!({"slip_number": "PDG-0001", "answers": answers}))
        .await;
    assert_eq!((entered.status.as_u16(), entered.body["source"].as_str()), (201, Some("slip")));
    assert_eq!(
        (entered.body["slip"]["number"].as_str(), entered.body["slip"]["entered_by"]["name"].is_string()),
        (Some("PDG-0001"), true)
    );
    // One rating per dossier: the owner cannot rate it again online.
    assert_eq!(app.post(&path(&slip, "rating"), Some(&w.citizen), answers.clone()).await.problem(409), "already_rated");

    // At a kiosk: the code and the secret of the receipt; a wrong secret is an unknown dossier.
    let kiosk = accepted_hkd(&app, &w).await;
    let d = approve(&app, &w, &kiosk).await;
    let (code, secret) = (d["code"].as_str().unwrap().to_string(), d["receipt_secret"].as_str().unwrap().to_string());
    let wrong = app
        .post("/api/v1/ratings/by-receipt", None, json!({"code": code, "secret": "SAIMABIMAT", "answers": answers}))
        .await;
    assert_eq!(wrong.problem(404), "not_found");
    let rated =
        app.post("/api/v1/ratings/by-receipt", None, json!({"code": code, "secret": secret, "answers": answers})).await;
    assert_eq!((rated.status.as_u16(), rated.body["source"].as_str()), (201, Some("receipt")));
    assert_eq!(app.get(&path(&kiosk, "rating"), Some(&w.citizen)).await.ok()["source"], "receipt");
    let again =
        app.post("/api/v1/ratings/by-receipt", None, json!({"code": code, "secret": secret, "answers": answers})).await;
    assert_eq!(again.problem(409), "already_rated");

    // A complaint about attitude is the applicant's word until the agency's leader concludes,
    // once: upheld, indicator 7 scores 0.
    let complained = accepted_hkd(&app, &w).await;
    approve(&app, &w, &complained).await;
    let complaint =
        json!({"extra_contacts": 0, "agencies_contacted": "one_stop_only", "complaint": true, "satisfaction": 3});
    let online = app.post(&path(&complained, "rating"), Some(&w.citizen), complaint).await.ok().clone();
    assert_eq!((online["source"].as_str(), online["score"]["attitude"].as_u64()), (Some("online"), Some(1)));
    let ruling = json!({"upheld": true, "reason": "Cán bộ trả lời thiếu tôn trọng, đã kiểm điểm."});
    let rule =
        async |token: &str, id: &str| app.post(&path(id, "rating/complaint-ruling"), Some(token), ruling.clone()).await;
    assert_eq!(rule(&w.specialist, &complained).await.problem(403), "forbidden");
    assert_eq!(rule(&w.leader, &slip).await.problem(409), "no_complaint");
    let ruled = rule(&w.leader, &complained).await.ok().clone();
    assert_eq!(
        (ruled["score"]["attitude"].as_u64(), ruled["complaint_ruling"]["upheld"].as_bool()),
        (Some(0), Some(true))
    );
    assert_eq!(rule(&w.leader, &complained).await.problem(409), "already_ruled");
    assert_eq!(app.get(&path(&complained, "rating"), Some(&w.citizen)).await.ok()["score"]["attitude"], 0);

    // Both dissatisfied ratings count against the 766 index's satisfaction input, and so does
    // the complaint.
    let index = app
        .get(&format!("/api/v1/reports/index-766?from=2026-03-01&to=2026-03-31&agency={WARD}"), None)
        .await
        .ok()
        .clone();
    assert!(index.to_string().contains("\"disliked\":3"), "{index}");
}
