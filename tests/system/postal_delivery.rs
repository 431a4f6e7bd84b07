//! Results by the public postal service (P15, national-connections §6), against the fake post:
//! the applicant's choice at filing, the delivery ordered by the officer's return (one parcel per
//! dossier), and the post's signed tracking states shown to the applicant and the officers.

use crate::common::*;
use crate::officer_workflow::{approve, file_hkd, path, ward};
use motcua_fakes::postal_service::{Switches, CLIENT, SECRET};
use motcua_fakes::FakePostalService;
use serde_json::{json, Value};

async fn spawn_with(post: &FakePostalService) -> TestApp {
    let settings = motcua::from_env(post.env(), |get| {
        motcua_connectors::ClientSettings::from_lookup(get, motcua_connectors::postal::POST_ENV)
    });
    TestApp::spawn_configured(|s| s.postal = settings).await
}

async fn callback(app: &TestApp, key: &str, body: Value) -> Response {
    let body = serde_json::to_vec(&body).unwrap();
    let req = app
        .http
        .post(format!("{}/api/v1/postal/callback", app.url))
        .header("content-type", "application/json")
        .header("x-signature", motcua_connectors::signed::sign(key, &body))
        .body(body);
    app.send(req).await
}

const ADDRESS: &str = "Số 5 ngõ 12 phố Trường Thi, phường Hạc Thành, tỉnh Thanh Hóa";

#[tokio::test]
async fn the_result_goes_by_post_as_the_applicant_chose_and_its_tracking_comes_back_once_each() {
    let post = FakePostalService::start().await;
    let app = spawn_with(&post).await;
    let w = ward(&app).await;
    let id = file_hkd(&app, &w.citizen).await;
    let choose = |token: &str, body: Value| {
        let (app, id, token) = (&app, id.clone(), token.to_string());
        async move { app.request(reqwest::Method::PUT, &path(&id, "result-delivery"), Some(&token), Some(body), &[]).await }
    };
    assert_eq!(choose(&w.citizen, json!({"method": "post"})).await.problem(422), "validation_failed");
    assert_eq!(choose(&w.reception, json!({"method": "counter"})).await.problem(403), "forbidden");
    let chosen = choose(&w.citizen, json!({"method": "post", "address": ADDRESS})).await;
    assert_eq!(chosen.ok()["result_delivery"], json!({"method": "post", "address": ADDRESS}));

    app.post(&path(&id, "accept"), Some(&w.reception), json!({})).await.ok();
    approve(&app, &w, &id).await;
    // The officer returns as the applicant chose: the post is asked for a parcel.
    let returned = app.post(&path(&id, "return"), Some(&w.reception), json!({})).await.ok().clone();
    assert_eq!(returned["delivery"]["method"], "post");
    assert_eq!(returned["delivery"]["address"], ADDRESS);
    let tracking = returned["delivery"]["tracking_number"].as_str().unwrap().to_string();
    let parcel = post.with(|s| s.parcels.get(&tracking).cloned()).expect("the post has the parcel");
    assert_eq!((parcel.reference.as_str(), parcel.address.as_str()), (id.as_str(), ADDRESS));
    assert_eq!(parcel.recipient_name, returned["applicant"]["full_name"].as_str().unwrap());
    assert_eq!(
        (parcel.kind.as_str(), parcel.cod_amount),
        ("result", 25_000),
        "the procedure's postage, paid on delivery"
    );
    assert_eq!(choose(&w.citizen, json!({"method": "counter"})).await.problem(409), "delivery_closed");

    let parcel_path = path(&id, "parcel");
    assert_eq!(app.get(&parcel_path, Some(&w.citizen)).await.ok()["events"], json!([]));
    assert_eq!(post.advance(&tracking, false).await, Some(200));
    post.with(|s| s.switches = Switches { duplicate_callbacks: true, ..Switches::default() });
    assert_eq!(post.advance(&tracking, false).await, Some(200));
    assert_eq!(post.advance(&tracking, false).await, Some(200));
    assert_eq!(post.resend(&tracking).await, Some(200), "a late repeat is harmless");
    assert_eq!(post.advance(&tracking, false).await, None, "delivered is the end");

    let seen = app.get(&parcel_path, Some(&w.citizen)).await.ok().clone();
    assert_eq!(seen["tracking_number"], tracking.as_str());
    let states: Vec<&str> = seen["events"].as_array().unwrap().iter().map(|e| e["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["accepted", "in_transit", "delivered"]);
    assert_eq!(seen["events"][2]["label"], "Đã phát thành công");
    assert_eq!(app.get(&parcel_path, Some(&w.reception)).await.ok()["events"], seen["events"]);
    let other = app.login("doanhnghiep").await;
    assert_eq!(app.get(&parcel_path, Some(&other)).await.problem(404), "not_found");

    // Forged, foreign and unknown callbacks change nothing.
    let state = |number: &str, status: &str| {
        json!({"client_id": CLIENT, "reference": id, "tracking_number": number, "status": status,
            "at": chrono::Utc::now(), "note": null})
    };
    assert_eq!(callback(&app, "khoa-khac", state(&tracking, "RETURNED")).await.problem(401), "unauthenticated");
    assert_eq!(callback(&app, SECRET, state("EP999999999VN", "RETURNED")).await.problem(404), "not_found");
    assert_eq!(callback(&app, SECRET, state(&tracking, "LOST")).await.problem(400), "invalid_tracking");
    assert_eq!(app.get(&parcel_path, Some(&w.citizen)).await.ok()["events"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_parcel_that_cannot_be_delivered_comes_back_and_the_applicant_sees_it() {
    let post = FakePostalService::start().await;
    let app = spawn_with(&post).await;
    let w = ward(&app).await;
    let id = file_hkd(&app, &w.citizen).await;
    app.post(&path(&id, "accept"), Some(&w.reception), json!({})).await.ok();
    approve(&app, &w, &id).await;
    // Chosen at the counter's return: by post to the address the officer typed.
    let returned = app
        .post(
            &path(&id, "return"),
            Some(&w.reception),
            json!({"return_method": "post", "address": "Thôn Đông, xã Quảng Phú"}),
        )
        .await
        .ok()
        .clone();
    let tracking = returned["delivery"]["tracking_number"].as_str().unwrap().to_string();
    for _ in 0..3 {
        post.advance(&tracking, true).await;
    }
    let seen = app.get(&path(&id, "parcel"), Some(&w.citizen)).await.ok().clone();
    let states: Vec<&str> = seen["events"].as_array().unwrap().iter().map(|e| e["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["accepted", "in_transit", "returned"]);
}

#[tokio::test]
async fn the_post_collects_the_paper_documents_once_and_its_tracking_comes_back() {
    let post = FakePostalService::start().await;
    let app = spawn_with(&post).await;
    let w = ward(&app).await;
    let id = file_hkd(&app, &w.citizen).await;
    let pickup = |token: &str, body: Value| {
        let (app, id, token) = (&app, id.clone(), token.to_string());
        async move { app.post(&path(&id, "pickup"), Some(&token), body).await }
    };
    assert_eq!(pickup(&w.reception, json!({"address": ADDRESS})).await.problem(403), "forbidden");
    assert_eq!(pickup(&w.citizen, json!({"address": "  "})).await.problem(422), "validation_failed");
    post.with(|s| s.switches = Switches { down: true, ..Switches::default() });
    assert_eq!(pickup(&w.citizen, json!({"address": ADDRESS})).await.problem(502), "counterpart_unavailable");
    assert!(app.get(&path(&id, ""), Some(&w.citizen)).await.ok().get("pickup").is_none(), "nothing ordered");
    post.with(|s| s.switches = Switches::default());

    let ordered = pickup(&w.citizen, json!({"address": ADDRESS, "phone": "0912 345 678"})).await.ok().clone();
    let tracking = ordered["pickup"]["tracking_number"].as_str().unwrap().to_string();
    let parcel = post.with(|s| s.parcels.get(&tracking).cloned()).expect("the post has the collection");
    assert_eq!((parcel.kind.as_str(), parcel.address.as_str()), ("pickup", ADDRESS));
    assert!(parcel.recipient_name.starts_with(ordered["agency_name"].as_str().unwrap()), "{}", parcel.recipient_name);
    assert_eq!(pickup(&w.citizen, json!({"address": ADDRESS})).await.problem(409), "pickup_exists");

    assert_eq!(post.advance(&tracking, false).await, Some(200));
    assert_eq!(post.advance(&tracking, false).await, Some(200));
    assert_eq!(post.resend(&tracking).await, Some(200), "a repeat is harmless");
    let seen = app.get(&path(&id, "pickup"), Some(&w.reception)).await.ok().clone();
    let states: Vec<&str> = seen["events"].as_array().unwrap().iter().map(|e| e["state"].as_str().unwrap()).collect();
    assert_eq!((states, seen["address"].as_str()), (vec!["accepted", "in_transit"], Some(ADDRESS)));
    assert_eq!(app.get(&path(&id, "parcel"), Some(&w.citizen)).await.problem(404), "not_found", "no result sent yet");
    let other = app.login("doanhnghiep").await;
    assert_eq!(app.get(&path(&id, "pickup"), Some(&other)).await.problem(404), "not_found");
}
