//! What each API operation costs on AWS: the DynamoDB, S3 and SQS requests it makes, counted
//! by an SDK interceptor and held to a budget. The cost estimate in `docs/deploy.md` is built
//! from these counts. Runs on the AWS adapters against moto (`tests/run.sh` runs it through
//! `tests/moto.sh` with `--include-ignored`).

use crate::common::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Runs `op` and returns the requests it made, by `Service.Operation`.
async fn cost<F: std::future::Future<Output = Value>>(app: &TestApp, op: F) -> (Value, BTreeMap<String, u64>) {
    let counter = app.counter.as_ref().expect("counts need the AWS backend");
    counter.reset();
    let out = op.await;
    (out, counter.snapshot())
}

fn budget(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[tokio::test]
#[ignore = "needs the AWS backend on moto: tests/run.sh runs it through tests/moto.sh"]
async fn each_operation_stays_within_its_request_budget() {
    let app = TestApp::spawn_quiet().await;
    let citizen = app.login("congdan").await;
    let officer = app.login("tiepnhan.stp").await;
    let mut report = Vec::new();

    // Every authenticated request reads the caller's account first (revocation at once,
    // security issue, item 2): one GetItem more than the operation itself.

    // Create a draft: the procedure, its agency and the profile are read; one transaction.
    let body = json!({"procedure": CRIMINAL_RECORD, "form": {"certificate_type": "Phiếu lý lịch tư pháp số 1",
        "purpose": "Xin việc", "copies": 1}});
    let (draft, c) =
        cost(&app, async { app.post("/api/v1/dossiers", Some(&citizen), body.clone()).await.ok().clone() }).await;
    assert_eq!(c, budget(&[("DynamoDB.GetItem", 4), ("DynamoDB.TransactWriteItems", 1)]), "create draft");
    report.push(("create draft", c));
    let id = draft["id"].as_str().unwrap().to_string();

    // Declare an upload: dossier, procedure version and the two upload quotas (the dossier's,
    // the applicant's day) read; the declaration, the quotas and its sweep entry written in one
    // transaction; the presigned URL is computed locally.
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(PDF));
    let declare =
        json!({"filename": "to-khai.pdf", "size": PDF.len(), "content_type": "application/pdf", "sha256": sha});
    let path = format!("/api/v1/dossiers/{id}/components/{CRIMINAL_RECORD_FORM}/uploads");
    let (ticket, c) = cost(&app, async { app.post(&path, Some(&citizen), declare.clone()).await.ok().clone() }).await;
    assert_eq!(c, budget(&[("DynamoDB.GetItem", 5), ("DynamoDB.TransactWriteItems", 1)]), "declare upload");
    report.push(("declare upload", c));
    assert!(app.put_presigned(&ticket, PDF).await.is_success());

    // Complete it: the object is checked (size and checksum from HEAD, type from its bytes).
    let upload = ticket["upload_id"].as_str().unwrap();
    let path = format!("/api/v1/dossiers/{id}/components/{CRIMINAL_RECORD_FORM}/uploads/{upload}/complete");
    let (_, c) = cost(&app, async { app.post(&path, Some(&citizen), json!({})).await.ok().clone() }).await;
    let head_and_get = c.get("S3.HeadObject").copied().unwrap_or(0) + c.get("S3.GetObject").copied().unwrap_or(0);
    assert_eq!(c.get("DynamoDB.GetItem"), Some(&3), "complete upload: {c:?}");
    assert_eq!(c.get("DynamoDB.TransactWriteItems"), Some(&1), "complete upload: {c:?}");
    assert!(head_and_get <= 3, "complete upload reads the object at most three times: {c:?}");
    report.push(("complete upload", c));

    // Submit with an Idempotency-Key: one transaction (dossier, outbox event, idempotency
    // record) plus one queue message; the outbox entry is then cleared.
    let path = format!("/api/v1/dossiers/{id}/submit");
    let (submitted, c) = cost(&app, async {
        app.request(reqwest::Method::POST, &path, Some(&citizen), None, &[("idempotency-key", "nop-ho-so-1")])
            .await
            .ok()
            .clone()
    })
    .await;
    assert_eq!(
        c,
        budget(&[
            ("DynamoDB.GetItem", 4),
            ("DynamoDB.TransactWriteItems", 1),
            ("SQS.SendMessageBatch", 1),
            ("DynamoDB.DeleteItem", 1)
        ]),
        "submit"
    );
    report.push(("submit", c));

    // Accept: the two counters read (the code sequence of the day, the register number of the
    // year, Form 06: their next values are written in the change's transaction); the
    // procedure's step history is read to predict whether it will be late (its inbox entries
    // carry that); the transaction carries the dossier, its public lookup entry, its inbox
    // entries and counts, the counters, the report aggregates and the outbox event; then the
    // reception step's duration is added to the procedure's history (a second, one-item
    // transaction).
    let path = format!("/api/v1/dossiers/{id}/accept");
    let (accepted, c) = cost(&app, async { app.post(&path, Some(&officer), json!({})).await.ok().clone() }).await;
    assert_eq!(
        c,
        budget(&[
            ("DynamoDB.GetItem", 5),
            ("DynamoDB.TransactWriteItems", 2),
            ("SQS.SendMessageBatch", 1),
            ("DynamoDB.DeleteItem", 1)
        ]),
        "accept"
    );
    report.push(("accept", c));

    // Public status lookup: exactly one read (no login, no account to read).
    let code = accepted["code"].as_str().unwrap();
    let secret = submitted["receipt_secret"].as_str().unwrap();
    let path = format!("/api/v1/lookup/{code}?secret={secret}");
    let (_, c) = cost(&app, async { app.get(&path, None).await.ok().clone() }).await;
    assert_eq!(c, budget(&[("DynamoDB.GetItem", 1)]), "status lookup");
    report.push(("status lookup", c));

    // The owner's view and "my dossiers": one read, one query (and the account).
    let path = format!("/api/v1/dossiers/{id}");
    let (_, c) = cost(&app, async { app.get(&path, Some(&citizen)).await.ok().clone() }).await;
    assert_eq!(c, budget(&[("DynamoDB.GetItem", 2)]), "dossier view");
    report.push(("dossier view", c));
    let (_, c) = cost(&app, async { app.get("/api/v1/dossiers", Some(&citizen)).await.ok().clone() }).await;
    assert_eq!(c, budget(&[("DynamoDB.GetItem", 1), ("DynamoDB.Query", 1)]), "my dossiers");
    report.push(("my dossiers", c));

    // The specialist's inbox (the accepted dossier went on to appraisal): the account, the
    // inbox's kept counts, its kept counts by due day, its entries due today or soon, one page
    // of entries, each carrying its dossier's line — no dossier, no step history, never the
    // agency's dossiers.
    let specialist = app.login("chuyenvien.stp").await;
    let (inbox, c) =
        cost(&app, async { app.get("/api/v1/inbox?limit=50", Some(&specialist)).await.ok().clone() }).await;
    assert_eq!(inbox["items"][0]["id"], id.as_str(), "{inbox}");
    assert_eq!(c, budget(&[("DynamoDB.GetItem", 1), ("DynamoDB.Query", 4)]), "inbox");
    report.push(("inbox", c));

    // A month's report of one agency: the agency check and one query of its day buckets.
    let path = format!("/api/v1/reports/statistics?from=2026-03-01&to=2026-03-31&agency={JUSTICE}");
    let (_, c) = cost(&app, async { app.get(&path, None).await.ok().clone() }).await;
    assert_eq!(c, budget(&[("DynamoDB.GetItem", 1), ("DynamoDB.Query", 1)]), "monthly report");
    report.push(("monthly report", c));

    // The events worker: one receive; per message one in-app notification write, and for the
    // email and the SMS one read of the outbound register and one write; one delete.
    let (_, c) = cost(&app, async { json!(motcua_core::events::drain_once(app.services()).await.unwrap()) }).await;
    assert_eq!(c.get("SQS.ReceiveMessage"), Some(&1), "{c:?}");
    assert_eq!(c.get("DynamoDB.PutItem"), Some(&6), "two events: 2 notifications + 2 × (email, SMS): {c:?}");
    assert_eq!(c.get("DynamoDB.GetItem"), Some(&4), "two events × (email, SMS): {c:?}");
    assert_eq!(c.get("SQS.DeleteMessage"), Some(&2), "{c:?}");
    report.push(("events worker, 2 messages", c));

    for (op, counts) in report {
        println!("{op:<28} {counts:?}");
    }
}
