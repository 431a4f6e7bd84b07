//! Online payment of fees through the national payment platform (national-connections §5),
//! against the fake platform: the applicant pays, the platform's signed callback ends the
//! payment wait and restarts the clock without an officer; forged, mismatched, repeated and
//! late callbacks change nothing; a lost callback is found by the daily reconciliation.

use crate::common::*;
use crate::officer_workflow::{accepted_hkd, path, ward, Ward};
use chrono::Duration;
use motcua_fakes::payment_platform::{Switches, MERCHANT, SECRET};
use motcua_fakes::FakePaymentPlatform;
use serde_json::{json, Value};

async fn spawn_with(platform: &FakePaymentPlatform) -> TestApp {
    let settings = motcua::from_env(platform.env(), |get| {
        motcua_connectors::PaymentSettings::from_lookup(get, motcua_connectors::payment::PAYMENT_ENV)
    });
    TestApp::spawn_configured(|s| s.payment = settings).await
}

/// An accepted dossier for which the specialist asked 100,000 đồng on Monday 11:00.
async fn waiting_for_fees(app: &TestApp, w: &Ward) -> String {
    let id = accepted_hkd(app, w).await;
    app.clock.advance(Duration::hours(2));
    let asked = app
        .post(&path(&id, "request-payment"), Some(&w.specialist), json!({"amount_vnd": 100000, "note": "Lệ phí"}))
        .await;
    assert_eq!(asked.ok()["status"], "payment_requested");
    id
}

async fn start(app: &TestApp, token: &str, id: &str) -> Response {
    app.post(&path(id, "payments"), Some(token), json!({})).await
}

async fn dossier(app: &TestApp, w: &Ward, id: &str) -> Value {
    app.get(&path(id, ""), Some(&w.citizen)).await.ok().clone()
}

/// A callback as the platform would send it, signed with `key`.
async fn callback(app: &TestApp, key: &str, body: Value) -> Response {
    let body = serde_json::to_vec(&body).unwrap();
    let signature = motcua_connectors::signed::sign(key, &body);
    let req = app
        .http
        .post(format!("{}/api/v1/payments/callback", app.url))
        .header("content-type", "application/json")
        .header("x-signature", signature)
        .body(body);
    app.send(req).await
}

fn notice(order: &str, amount: u64) -> Value {
    json!({"merchant_id": MERCHANT, "order_id": order, "transaction_id": "GD-TAY", "amount": amount,
        "status": "PAID", "paid_at": chrono::Utc::now()})
}

fn today_in_vietnam() -> String {
    (chrono::Utc::now() + Duration::hours(7)).format("%Y-%m-%d").to_string()
}

#[tokio::test]
async fn a_fee_paid_online_ends_the_payment_wait_without_an_officer_and_only_once() {
    let platform = FakePaymentPlatform::start().await;
    let app = spawn_with(&platform).await;
    let w = ward(&app).await;
    let id = accepted_hkd(&app, &w).await;
    assert_eq!(start(&app, &w.citizen, &id).await.problem(409), "nothing_to_pay");
    app.clock.advance(Duration::hours(2)); // Monday 11:00
    app.post(&path(&id, "request-payment"), Some(&w.specialist), json!({"amount_vnd": 100000, "note": "Lệ phí"}))
        .await
        .ok();
    // Only the applicant pays.
    assert_eq!(start(&app, &w.specialist, &id).await.problem(403), "forbidden");
    let started = start(&app, &w.citizen, &id).await;
    assert_eq!(started.status.as_u16(), 201, "{}", started.body);
    let order = started.ok()["order_id"].as_str().unwrap().to_string();
    let url = started.ok()["payment_url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&platform.url), "{url}");
    let page = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert!(page.contains("100.000 đồng"), "{page}");

    // A forged callback (signed with another key) is refused and changes nothing.
    platform.with(|s| s.switches = Switches { forge_callbacks: true, ..Switches::default() });
    let back = platform.pay(&order, true).await.unwrap();
    assert!(back.contains(&format!("thanh-toan.html?don={order}&status=PAID")), "{back}");
    assert_eq!(platform.with(|s| s.callbacks.last().unwrap().answered), 401);
    let waiting = dossier(&app, &w, &id).await;
    assert_eq!(waiting["status"], "payment_requested");

    // The genuine callback two days later, sent twice: applied once, the clock restarts.
    app.clock.advance(Duration::days(2)); // Wednesday 11:00
    platform.with(|s| s.switches = Switches { duplicate_callbacks: true, ..Switches::default() });
    platform.resend(&order).await;
    let answers: Vec<u16> = platform.with(|s| s.callbacks.iter().skip(1).map(|c| c.answered).collect());
    assert_eq!(answers, [200, 200]);
    let paid = dossier(&app, &w, &id).await;
    assert_eq!(paid["status"], "processing");
    assert_eq!(paid["payment"]["method"], "Nền tảng thanh toán trực tuyến");
    // 22 working hours were left at the stop; counted again from Wednesday 11:00.
    assert_eq!(paid["appointment"], "2026-03-09T09:00:00+07:00");
    let receipt = app.get(&format!("/api/v1/payments/{order}"), Some(&w.citizen)).await;
    assert_eq!(receipt.ok()["state"], "paid");
    assert_eq!(receipt.ok()["applied"], true);
    assert_eq!(receipt.ok()["amount_vnd"], 100000);
    assert!(receipt.ok()["transaction_id"].as_str().unwrap().starts_with("GD"));
    // The officer sees the receipt too; another citizen does not know it exists.
    app.get(&format!("/api/v1/payments/{order}"), Some(&w.specialist)).await.ok();
    let other = app.login("doanhnghiep").await;
    assert_eq!(app.get(&format!("/api/v1/payments/{order}"), Some(&other)).await.problem(404), "not_found");

    // A late repeat is harmless.
    let version = paid["version"].clone();
    let repeat = callback(&app, SECRET, notice(&order, 100000)).await;
    assert_eq!(repeat.ok()["duplicate"], true);
    assert_eq!(dossier(&app, &w, &id).await["version"], version);
}

#[tokio::test]
async fn bad_callbacks_change_nothing_a_lost_one_is_found_by_reconciliation_and_a_late_one_is_kept_for_refund() {
    let platform = FakePaymentPlatform::start().await;
    let app = spawn_with(&platform).await;
    let w = ward(&app).await;
    let id = waiting_for_fees(&app, &w).await;
    let order = start(&app, &w.citizen, &id).await.ok()["order_id"].as_str().unwrap().to_string();

    assert_eq!(callback(&app, "khoa-khac", notice(&order, 100000)).await.problem(401), "unauthenticated");
    assert_eq!(callback(&app, SECRET, notice(&order, 1000)).await.problem(409), "payment_amount_mismatch");
    assert_eq!(callback(&app, SECRET, notice("TT-khong-co", 100000)).await.problem(404), "not_found");
    let mut other_merchant = notice(&order, 100000);
    other_merchant["merchant_id"] = json!("DON-VI-KHAC");
    assert_eq!(callback(&app, SECRET, other_merchant).await.problem(401), "unauthenticated");
    assert_eq!(dossier(&app, &w, &id).await["status"], "payment_requested");

    // Paid, but the callback is lost: the reconciliation of the day applies it.
    platform.with(|s| s.switches = Switches { lose_callbacks: true, ..Switches::default() });
    platform.pay(&order, true).await.unwrap();
    assert_eq!(dossier(&app, &w, &id).await["status"], "payment_requested");
    let admin = app.login("quantri").await;
    let day = json!({"date": today_in_vietnam()});
    let reconcile = "/api/v1/integrations/payment/reconcile";
    assert_eq!(app.post(reconcile, Some(&w.leader), day.clone()).await.problem(403), "forbidden");
    let report = app.post(reconcile, Some(&admin), day.clone()).await;
    assert_eq!(report.ok()["applied_now"], json!([order]));
    assert_eq!(dossier(&app, &w, &id).await["status"], "processing");
    let again = app.post(reconcile, Some(&admin), day.clone()).await.ok().clone();
    assert_eq!(again["applied_now"], json!([]));
    assert_eq!((again["platform_paid"].clone(), again["paid_here"].clone()), (json!(1), json!(1)));
    assert_eq!(again["total_here_vnd"], 100000);

    // Paid at the counter meanwhile, then online: kept, not applied, listed for a refund.
    platform.with(|s| s.switches = Switches::default());
    let second = waiting_for_fees(&app, &w).await;
    let late = start(&app, &w.citizen, &second).await.ok()["order_id"].as_str().unwrap().to_string();
    app.post(&path(&second, "confirm-payment"), Some(&w.reception), json!({"payment_method": "Tiền mặt"})).await.ok();
    platform.pay(&late, true).await.unwrap();
    let receipt = app.get(&format!("/api/v1/payments/{late}"), Some(&w.citizen)).await.ok().clone();
    assert_eq!((receipt["state"].clone(), receipt["applied"].clone()), (json!("paid"), json!(false)));
    assert_eq!(dossier(&app, &w, &second).await["payment"]["method"], "Tiền mặt");
    let report = app.post(reconcile, Some(&admin), day).await.ok().clone();
    assert_eq!(report["to_refund"], json!([late]));

    // A payment cancelled at the platform leaves the dossier waiting; the applicant may try again.
    let third = waiting_for_fees(&app, &w).await;
    let cancelled = start(&app, &w.citizen, &third).await.ok()["order_id"].as_str().unwrap().to_string();
    platform.pay(&cancelled, false).await.unwrap();
    let receipt = app.get(&format!("/api/v1/payments/{cancelled}"), Some(&w.citizen)).await.ok().clone();
    assert_eq!(receipt["state"], "failed");
    assert_eq!(dossier(&app, &w, &third).await["status"], "payment_requested");
    assert_eq!(start(&app, &w.citizen, &third).await.status.as_u16(), 201);
}

#[tokio::test]
async fn without_a_payment_platform_online_payment_says_so() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let id = waiting_for_fees(&app, &w).await;
    assert_eq!(start(&app, &w.citizen, &id).await.problem(409), "online_payment_off");
    assert_eq!(callback(&app, SECRET, notice("TT1", 1)).await.problem(409), "online_payment_off");
}
