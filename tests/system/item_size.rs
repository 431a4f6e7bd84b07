//! Item size (issue 15, item 8): a dossier's messages are items of their own, read a page at a
//! time; every free text a command stores is bounded; a change that would take the stored
//! dossier past what a store item may hold (DynamoDB: 400 KB) is refused and changes nothing.

use crate::common::*;
use crate::officer_workflow::{accepted_hkd, path, ward};
use futures::StreamExt;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The stored dossier item, encoded, in bytes.
async fn stored_size(app: &TestApp, id: &str) -> usize {
    let item = app.services().table.get(&motcua_core::keys::dossier(id)).await.unwrap().expect("stored");
    serde_json::to_vec(&item).unwrap().len()
}

#[tokio::test]
async fn a_dossier_with_a_thousand_messages_is_read_page_by_page() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let id = accepted_hkd(&app, &w).await;
    let before = stored_size(&app, &id).await;
    // The applicant and the specialist write 500 messages each, 8 at a time.
    futures::stream::iter(0..1000)
        .map(|i| {
            let (who, text) = if i % 2 == 0 {
                (&w.citizen, format!("Tin nhắn {i} của người nộp: xin hỏi tiến độ giải quyết hồ sơ."))
            } else {
                (&w.specialist, format!("Tin nhắn {i} của chuyên viên: hồ sơ đang được thẩm định."))
            };
            let (app, id) = (&app, &id);
            async move { app.post(&path(id, "messages"), Some(who), json!({ "text": text })).await.ok().clone() }
        })
        .buffer_unordered(8)
        .collect::<Vec<Value>>()
        .await;

    // Read back 100 at a time, oldest first: every message once, none lost between pages.
    let (mut seen, mut order, mut pages, mut cursor) = (BTreeSet::new(), Vec::new(), 0, None::<String>);
    loop {
        let url = match &cursor {
            Some(c) => format!("{}?limit=100&cursor={c}", path(&id, "messages")),
            None => format!("{}?limit=100", path(&id, "messages")),
        };
        let page = app.get(&url, Some(&w.citizen)).await.ok().clone();
        pages += 1;
        for m in page["items"].as_array().unwrap() {
            assert!(seen.insert(m["id"].as_str().unwrap().to_string()), "a message twice");
            order.push(m["at"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(next) => {
                cursor =
                    Some(percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC).to_string())
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 1000);
    assert!((10..=11).contains(&pages), "{pages} pages of 100");
    let times: Vec<_> = order.iter().map(|t| chrono::DateTime::parse_from_rfc3339(t).unwrap()).collect();
    assert!(times.windows(2).all(|p| p[0] <= p[1]), "oldest first across pages");
    // Without a limit, a page of 20; beyond 100 or with a forged cursor, a clear error.
    let first = app.get(&path(&id, "messages"), Some(&w.specialist)).await.ok().clone();
    assert_eq!(first["items"].as_array().unwrap().len(), 20);
    let too_many = app.get(&format!("{}?limit=500", path(&id, "messages")), Some(&w.citizen)).await;
    assert_eq!(too_many.problem(400), "invalid_limit");
    let forged = app.get(&format!("{}?cursor=not-a-cursor", path(&id, "messages")), Some(&w.citizen)).await;
    assert_eq!(forged.problem(400), "invalid_cursor");

    // The messages did not grow the dossier: it is the same item it was before them.
    assert_eq!(stored_size(&app, &id).await, before);
    assert!(before < 20_000, "a dossier is a few KB: {before}");
}

#[tokio::test]
async fn free_texts_are_bounded_and_a_dossier_never_outgrows_a_store_item() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let id = accepted_hkd(&app, &w).await;
    app.post(&path(&id, "start-processing"), Some(&w.specialist), json!({})).await.ok();
    let version = |d: &Value| d["version"].as_u64().unwrap();
    let current = version(app.get(&path(&id, ""), Some(&w.specialist)).await.ok());

    // Each free text of a command is bounded; the refusal names the field and changes nothing.
    let longest = "ễ".repeat(2000);
    let too_long = "ễ".repeat(2001);
    let refused = [
        ("consultations", json!({"agency": JUSTICE, "question": too_long, "working_days": 5}), "question"),
        ("request-supplement", json!({"items": [{"component": "giay-to", "reason": too_long}]}), "items[0].reason"),
        (
            "request-supplement",
            json!({"items": [{"component": "x".repeat(201), "reason": "Thiếu"}]}),
            "items[0].component",
        ),
        ("messages", json!({"text": too_long}), "text"),
    ];
    for (action, body, field) in refused {
        let answer = app.post(&path(&id, action), Some(&w.specialist), body).await;
        assert_eq!(answer.problem(422), "validation_failed", "{action}");
        assert_eq!(answer.body["errors"][0]["field"], field, "{action}");
    }
    let items: Vec<Value> = (0..51).map(|i| json!({"component": format!("giay-to-{i}"), "reason": "Thiếu"})).collect();
    let answer = app.post(&path(&id, "request-supplement"), Some(&w.specialist), json!({ "items": items })).await;
    assert_eq!(answer.body["errors"][0]["code"], "too_many");
    assert_eq!(version(app.get(&path(&id, ""), Some(&w.specialist)).await.ok()), current, "nothing changed");

    // Consultations asked and answered at the longest length, until the dossier is full: the
    // change that would pass the bound is refused (409) and the dossier stays usable.
    let justice = app.login("chuyenvien.stp").await;
    let mut rounds = 0;
    let refusal = loop {
        let asked = app
            .post(
                &path(&id, "consultations"),
                Some(&w.specialist),
                json!({"agency": JUSTICE, "question": longest, "working_days": 5}),
            )
            .await;
        if !asked.status.is_success() {
            break asked;
        }
        rounds += 1;
        let answer = json!({"consultation": rounds, "answer": longest});
        let answered = app.post(&path(&id, "consultation-answers"), Some(&justice), answer).await;
        if !answered.status.is_success() {
            break answered;
        }
        assert!(rounds < 100, "the bound was never reached");
    };
    assert_eq!(refusal.problem(409), "dossier_too_large");
    assert!(rounds > 20, "{rounds} consultations of 2,000 characters fit");
    let size = stored_size(&app, &id).await;
    assert!(size <= 350 * 1024, "{size} bytes stored");
    let d = app.get(&path(&id, ""), Some(&w.specialist)).await.ok().clone();
    let reached = version(&d);
    let ask = json!({"agency": JUSTICE, "question": "?!", "working_days": 5});
    let again = app.post(&path(&id, "consultations"), Some(&w.specialist), ask).await;
    assert_eq!(again.problem(409), "dossier_too_large");
    assert_eq!(version(app.get(&path(&id, ""), Some(&w.specialist)).await.ok()), reached, "nothing written");
    // Messages are items of their own: the conversation goes on.
    app.post(&path(&id, "messages"), Some(&w.citizen), json!({"text": "Tôi xin bổ sung ý kiến qua tin nhắn."}))
        .await
        .ok();
}
