//! The whole loop over HTTP on the embedded server: a citizen finds a procedure, files a
//! dossier with a file, follows it by code; officers accept, finish and return it; the citizen
//! rates it, sends feedback, and the dossier is counted in the statistics report.

use crate::common::*;
use serde_json::json;

#[tokio::test]
async fn a_dossier_goes_from_search_to_rating_and_is_counted_in_the_report() {
    let app = TestApp::spawn().await;

    // Find the procedure without diacritics; read its guidance.
    let found = app.get("/api/v1/procedures?q=ly%20lich%20tu%20phap", None).await;
    let items = found.ok()["items"].as_array().unwrap().clone();
    assert!(items.iter().any(|p| p["code"] == CRIMINAL_RECORD), "{items:?}");
    let guide = app.get(&format!("/api/v1/procedures/{CRIMINAL_RECORD}"), None).await;
    assert_eq!(guide.ok()["statutory_time"], json!({"unit": "working_days", "value": 10}));
    assert!(!guide.body["components"].as_array().unwrap().is_empty());

    // Log in; the draft is pre-filled from the profile (P1).
    let citizen = app.login("congdan").await;
    let draft = app.criminal_record_draft(&citizen).await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["form"]["full_name"], "Nguyễn Văn An");
    assert_eq!(draft["form"]["id_number"], "038090001234");
    let id = draft["id"].as_str().unwrap().to_string();

    // Submitting without the required component is refused, naming it.
    let early = app.post(&format!("/api/v1/dossiers/{id}/submit"), Some(&citizen), json!({})).await;
    assert_eq!(early.problem(422), "validation_failed");
    assert_eq!(early.body["errors"][0]["code"], "component_missing");

    // Upload the declaration form through the presigned flow.
    let attached =
        app.upload(&citizen, &id, CRIMINAL_RECORD_FORM, PDF, "application/pdf", "Tờ khai lý lịch tư pháp.pdf").await;
    let file = attached.ok()["components"][0].clone();
    assert_eq!(file["filename"], "Tờ khai lý lịch tư pháp.pdf");
    assert_eq!(file["size"], PDF.len());

    // Submit: status 1, official receipt time (Monday 09:00 is inside working hours).
    let submitted = app.post(&format!("/api/v1/dossiers/{id}/submit"), Some(&citizen), json!({})).await;
    let submitted = submitted.ok().clone();
    assert_eq!(submitted["national_status"], 1);
    assert_eq!(submitted["received_at"], "2026-03-02T09:00:00+07:00");
    let secret = submitted["receipt_secret"].as_str().unwrap().to_string();

    // The receiving officer of the Department of Justice sees it and accepts it: code and
    // appointment (10 working days later, same clock time).
    let officer = app.login("tiepnhan.stp").await;
    let inbox = app.get("/api/v1/dossiers?status=submitted", Some(&officer)).await;
    assert!(inbox.ok()["items"].as_array().unwrap().iter().any(|d| d["id"] == id.as_str()));
    app.clock.advance(chrono::Duration::hours(1));
    let accepted = app.post(&format!("/api/v1/dossiers/{id}/accept"), Some(&officer), json!({})).await;
    let accepted = accepted.ok().clone();
    let code = accepted["code"].as_str().unwrap().to_string();
    assert_eq!(code, dossier_code(JUSTICE, 1));
    assert_eq!(accepted["appointment"], "2026-03-16T09:00:00+07:00");
    assert_eq!(accepted["national_status"], 2);

    // Public lookup needs the second factor; a wrong one looks exactly like an unknown code.
    let no_factor = app.get(&format!("/api/v1/lookup/{code}"), None).await;
    assert_eq!(no_factor.problem(400), "second_factor_required");
    let wrong = app.get(&format!("/api/v1/lookup/{code}?secret=WRONG123"), None).await;
    let unknown = app.get(&format!("/api/v1/lookup/{}?secret=WRONG123", dossier_code(JUSTICE, 999)), None).await;
    assert_eq!(wrong.problem(404), unknown.problem(404));
    assert_eq!(wrong.body["detail"], unknown.body["detail"]);
    let public = app.get(&format!("/api/v1/lookup/{code}?secret={secret}"), None).await;
    let public = public.ok().clone();
    assert_eq!(public["status_label"], "Được tiếp nhận");
    assert!(public.get("applicant").is_none() && public.get("form").is_none(), "no personal data: {public}");
    assert!(!public.to_string().contains("Nguyễn Văn An"));
    let by_id = app.get(&format!("/api/v1/lookup/{code}?id_number=038090001234"), None).await;
    assert_eq!(by_id.ok()["code"], code.as_str());

    // The specialist finishes it with a result file; the receiving officer returns it.
    let specialist = app.login("chuyenvien.stp").await;
    app.clock.advance(chrono::Duration::days(2));
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(PDF));
    let ticket = app
        .post(&format!("/api/v1/dossiers/{id}/result-uploads"), Some(&specialist),
            json!({"filename": "Phiếu lý lịch tư pháp số 1.pdf", "size": PDF.len(), "content_type": "application/pdf", "sha256": sha}))
        .await;
    let ticket = ticket.ok().clone();
    assert!(app.put_presigned(&ticket, PDF).await.is_success());
    let finished = app
        .post(
            &format!("/api/v1/dossiers/{id}/finish"),
            Some(&specialist),
            json!({"upload_id": ticket["upload_id"], "note": "Đã cấp phiếu"}),
        )
        .await;
    assert_eq!(finished.ok()["national_status"], 9);
    let returned = app.post(&format!("/api/v1/dossiers/{id}/return"), Some(&officer), json!({})).await;
    assert_eq!(returned.ok()["national_status"], 10);

    // The owner sees the whole timeline and downloads the result through a short-lived link.
    let mine = app.get(&format!("/api/v1/dossiers/{id}"), Some(&citizen)).await;
    let mine = mine.ok().clone();
    let steps: Vec<_> =
        mine["history"].as_array().unwrap().iter().map(|s| s["national_status"].as_u64().unwrap()).collect();
    assert_eq!(steps, [1, 2, 9, 10]);
    let result_id = mine["result"]["file_id"].as_str().unwrap();
    let link = app.get(&format!("/api/v1/dossiers/{id}/files/{result_id}"), Some(&citizen)).await;
    let bytes = app.http.get(link.ok()["url"].as_str().unwrap()).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(&bytes[..], PDF);

    // "My dossiers" lists it.
    let list = app.get("/api/v1/dossiers", Some(&citizen)).await;
    assert_eq!(list.ok()["items"][0]["code"], code.as_str());

    // Notifications arrived through the queue (one per step).
    app.settle_events().await;
    let notes = app.get("/api/v1/me/notifications", Some(&citizen)).await;
    assert!(notes.ok()["items"].as_array().unwrap().len() >= 4, "{}", notes.body);

    // One rating, by the owner (finished early: 2 points on time).
    let rating = json!({"extra_contacts": 0, "agencies_contacted": "none", "complaint": false, "satisfaction": 5});
    let rated = app.post(&format!("/api/v1/dossiers/{id}/rating"), Some(&citizen), rating.clone()).await;
    assert_eq!(rated.ok()["score"]["average"], 2.0);
    assert_eq!(
        app.post(&format!("/api/v1/dossiers/{id}/rating"), Some(&citizen), rating).await.problem(409),
        "already_rated"
    );

    // Feedback with a tracking code; an officer answers and publishes it.
    let fb = app
        .post(
            "/api/v1/feedback",
            None,
            json!({"kind": "petition", "agency": JUSTICE, "title": "Đề nghị trả phiếu qua bưu điện",
            "content": "Xin cho nhận phiếu lý lịch tư pháp qua đường bưu điện.", "submitter_name": "Nguyễn Văn An"}),
        )
        .await;
    let fb = fb.ok().clone();
    let fb_code = fb["code"].as_str().unwrap();
    assert!(fb_code.starts_with("PAKN-260304-"), "{fb_code}");
    let answered = app
        .post(
            &format!("/api/v1/feedback/{fb_code}/answer"),
            Some(&specialist),
            json!({"answer": "Sở Tư pháp đã triển khai trả kết quả qua dịch vụ bưu chính công ích.", "publish": true}),
        )
        .await;
    assert_eq!(answered.ok()["status_label"], "Đã trả lời");
    let followed =
        app.get(&format!("/api/v1/feedback/{fb_code}?secret={}", fb["secret"].as_str().unwrap()), None).await;
    assert!(followed.ok()["answer"]["text"].as_str().unwrap().contains("bưu chính"));
    let published = app.get("/api/v1/feedback", None).await;
    let first = &published.ok()["items"][0];
    assert_eq!(first["code"], fb_code);
    assert!(first.get("submitter_name").is_none(), "published feedback hides the submitter");

    // The statistics report of March 2026 counts it: received online, finished early.
    let report = app
        .get(
            &format!("/api/v1/reports/statistics?from=2026-03-01&to=2026-03-31&agency={JUSTICE}&group_by=procedure"),
            None,
        )
        .await;
    let total = report.ok()["total"].clone();
    assert_eq!(total["new_online"], 1);
    assert_eq!(total["finished_early"], 1);
    assert_eq!(total["received"], total["finished"].as_i64().unwrap() + total["in_process"].as_i64().unwrap());
    let row = report.body["rows"].as_array().unwrap().iter().find(|r| r["key"] == CRIMINAL_RECORD).unwrap().clone();
    assert_eq!(row["finished"], 1);
    let csv = app
        .http
        .get(format!("{}/api/v1/reports/statistics?from=01/03/2026&to=31/03/2026&format=csv", app.url))
        .send()
        .await
        .unwrap();
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    assert!(csv.contains("Tổng số tiếp nhận") && csv.contains("Tổng cộng"));
}
