//! The Lambda entrypoints driven by the event fixtures of `infra/events/` (API Gateway HTTP
//! API v2, SQS, schedule), as AWS would call them: each HTTP fixture goes through
//! `lambda_http`'s request conversion into its function's router.

use crate::common::*;
use aws_lambda_events::event::sqs::SqsEvent;
use serde_json::{json, Value};
use std::path::PathBuf;
use tower::ServiceExt;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("infra/events").join(format!("{name}.json"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The routes of one function crate, by the name used in the route table.
fn routes_of(function: &str) -> Vec<motcua_http::Route> {
    motcua::api_routes().into_iter().filter(|r| r.function == function).collect()
}

#[tokio::test]
async fn every_http_fixture_reaches_its_functions_handler_through_lambda_http() {
    let app = TestApp::spawn().await;
    let citizen = app.login("congdan").await;
    let officer = app.login("tiepnhan.phuong").await;
    // (fixture = function, expected status, token to put in place of the fixture's)
    let cases = [
        ("meta", 200, None),
        ("catalogue", 200, None),
        ("calendar", 200, None),
        ("identity", 200, None),
        ("reporting", 200, None),
        ("feedback", 201, None),
        ("status", 404, None),
        ("submission", 201, Some(&citizen)),
        ("upload", 404, Some(&citizen)),
        ("officer", 404, Some(&officer)),
    ];
    for (function, expected, token) in cases {
        let mut request = lambda_http::request::from_str(&fixture(function))
            .unwrap_or_else(|e| panic!("{function}: fixture is not an API Gateway event: {e}"));
        if let Some(token) = token {
            request.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
        }
        let router = motcua_lambda::router(routes_of(function), app.services().clone());
        let response = router.oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        assert_eq!(status, expected, "{function}: {body}");
        assert!(body["code"] != "route_not_found" && body["code"] != "method_not_allowed", "{function}: {body}");
    }
}

#[tokio::test]
async fn the_events_worker_reports_only_the_failed_records_of_a_batch() {
    let app = TestApp::spawn().await;
    let mut event: SqsEvent = serde_json::from_str(&fixture("events")).expect("SQS event fixture");
    let good = event.records[0].clone();
    let mut poison = good.clone();
    poison.message_id = Some("poison-1".into());
    poison.body = Some("{not json".into());
    event.records.push(poison);
    let response = motcua_lambda::handle_events(app.services(), event).await;
    let failed: Vec<_> = response.batch_item_failures.iter().map(|f| f.item_identifier.clone()).collect();
    assert_eq!(failed, ["poison-1"]);
    // The good records (two events for one person) became notifications; handling one of
    // them again is harmless.
    let body: Value = serde_json::from_str(good.body.as_deref().unwrap()).unwrap();
    let recipient = body["recipient"].as_str().unwrap();
    let mut again = SqsEvent::default();
    again.records.push(good.clone());
    assert!(motcua_lambda::handle_events(app.services(), again).await.batch_item_failures.is_empty());
    let page = app
        .services()
        .table
        .query(motcua_ports::Query::partition(motcua_ports::Index::Primary, format!("NOTIF#{recipient}")))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2, "one notification per event of the batch, even when delivered twice");
}

#[tokio::test]
async fn the_schedule_fixture_is_a_valid_event_for_the_outbox_relay() {
    let app = TestApp::spawn().await;
    let event: Value = serde_json::from_str(&fixture("outbox-relay")).unwrap();
    let answer = motcua_lambda::handle_schedule(app.services(), event.clone()).await.unwrap();
    assert_eq!(
        answer,
        json!({"republished": 0, "sealed": 0, "objects_deleted": 0, "archived": 0}),
        "nothing is stranded in a fresh deployment"
    );
    // Events committed whose publication failed are re-published and cleared from the outbox,
    // from each of its shards and from the single outbox of earlier versions.
    let quiet = TestApp::spawn_quiet().await;
    let s = quiet.services();
    let stranded = |n: usize| motcua_core::events::Event {
        queued_ms: chrono::Utc::now().timestamp_millis() - 60_000,
        ..motcua_core::events::Event::new(
            "dossier.accept".into(),
            &format!("d-{n}"),
            "congdan",
            "t".into(),
            "m".into(),
            s.now(),
        )
    };
    let events: Vec<_> = (0..40).map(stranded).collect();
    s.table.transact(events.iter().map(|e| e.outbox_op().unwrap()).collect()).await.unwrap();
    let legacy = stranded(40);
    let key = motcua_ports::Key::new(motcua_core::keys::OUTBOX, format!("{:013}#{}", legacy.queued_ms, legacy.id));
    s.table.put(motcua_core::keys::item(&key, &legacy, &[]).unwrap(), motcua_ports::Condition::None).await.unwrap();
    let shards: std::collections::BTreeSet<String> =
        futures::future::join_all((0..motcua_core::keys::OUTBOX_SHARDS).map(|shard| async move {
            let partition = motcua_core::keys::outbox_partition(shard);
            let page =
                s.table.query(motcua_ports::Query::partition(motcua_ports::Index::Primary, partition.clone())).await;
            (!page.unwrap().items.is_empty()).then_some(partition)
        }))
        .await
        .into_iter()
        .flatten()
        .collect();
    assert!(shards.len() > 4, "forty events spread over the shards: {shards:?}");
    let answer = motcua_lambda::handle_schedule(s, event.clone()).await.unwrap();
    assert_eq!(answer["republished"], 41);
    assert_eq!(s.queue.depth(&s.config.events_queue).await.unwrap(), 41, "each one on the queue");
    assert_eq!(motcua_lambda::handle_schedule(s, event.clone()).await.unwrap()["republished"], 0, "cleared");
    // Another kind of event is not a tick.
    let mut other = event;
    other["detail-type"] = json!("Object Created");
    other["source"] = json!("aws.s3");
    assert!(motcua_lambda::handle_schedule(app.services(), other).await.is_err());
    assert!(motcua_lambda::handle_schedule(app.services(), json!({})).await.is_err());
}

#[tokio::test]
async fn the_schedule_fixture_is_a_valid_event_for_the_integration_worker() {
    let portal = motcua_fakes::FakeNationalPortal::start().await;
    let app = TestApp::spawn_connected(&portal, "bi-mat").await;
    let event: Value = serde_json::from_str(&fixture("integration-worker")).unwrap();
    let answer = motcua_lambda::handle_integration_tick(app.services(), event.clone()).await.unwrap();
    assert_eq!(answer, json!({"delivered": 0}), "nothing to deliver in a fresh deployment");
    assert!(portal.with(|s| s.calls.iter().any(|c| c.service == "LayDanhSachHoSoMoi")), "the tick pulled");
    let mut other = event;
    other["source"] = json!("aws.s3");
    assert!(motcua_lambda::handle_integration_tick(app.services(), other).await.is_err());
}
