//! The inbox as an index (issue 14): pages in due-time order with keyset cursors, counts kept
//! as dossiers change hands, the overdue filter, the assignee's list, and dossiers stored
//! before the index joining it when the server starts. Clock: Monday 02/03/2026 09:00.

use crate::common::*;
use crate::officer_workflow::{accepted_hkd, approve, path, ward, Ward};
use chrono::Duration;
use motcua_ports::{Condition, Index, Key, Query};
use serde_json::{json, Value};

/// Every page of an inbox, `limit` at a time: the ids in order, the pages' counts.
async fn walk(app: &TestApp, token: &str, query: &str, limit: usize) -> (Vec<String>, Vec<Value>) {
    let (mut ids, mut counts, mut cursor) = (vec![], vec![], None::<String>);
    loop {
        let after = cursor.as_ref().map(|c| format!("&cursor={c}")).unwrap_or_default();
        let page = app.get(&format!("/api/v1/inbox?limit={limit}{query}{after}"), Some(token)).await.ok().clone();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= limit, "{page}");
        ids.extend(items.iter().map(|d| d["id"].as_str().unwrap().to_string()));
        counts.push(page["counts"].clone());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return (ids, counts),
        }
    }
}

async fn accepted_an_hour_apart(app: &TestApp, w: &Ward, n: usize) -> Vec<String> {
    let mut ids = vec![];
    for _ in 0..n {
        ids.push(accepted_hkd(app, w).await);
        app.clock.advance(Duration::hours(1));
    }
    ids
}

#[tokio::test]
async fn the_inbox_pages_by_due_time_and_its_counts_follow_every_change() {
    let app = TestApp::spawn().await;
    let w = ward(&app).await;
    let ids = accepted_an_hour_apart(&app, &w, 5).await;

    // Pages of two: the earliest due first, each dossier once, the counts of the whole inbox.
    let (listed, counts) = walk(&app, &w.specialist, "", 2).await;
    assert_eq!(listed, ids);
    assert_eq!(counts.len(), 3, "2 + 2 + 1");
    for c in &counts {
        assert_eq!((c["total"].as_i64(), c["by_status"]["accepted"].as_i64()), (Some(5), Some(5)), "{c}");
    }
    assert_eq!(app.get("/api/v1/inbox?cursor=abc", Some(&w.specialist)).await.problem(400), "invalid_cursor");

    // One result approved: it leaves the specialist's inbox and waits for its return.
    approve(&app, &w, &ids[0]).await;
    let (listed, counts) = walk(&app, &w.specialist, "", 50).await;
    assert_eq!((listed, counts[0]["total"].as_i64()), (ids[1..].to_vec(), Some(4)));
    let (for_return, counts) = walk(&app, &w.reception, "", 50).await;
    assert_eq!(for_return, vec![ids[0].clone()]);
    assert_eq!(counts[0]["by_status"], json!({"finished": 1}));
    let (leader, counts) = walk(&app, &w.leader, "", 50).await;
    assert_eq!((leader.len(), counts[0]["total"].as_i64()), (5, Some(5)), "the leader sees every open one");

    // Assigned to the specialist: in their own list too.
    let assigned = app.post(&path(&ids[2], "assign"), Some(&w.leader), json!({"assignee": "chuyenvien.phuong"})).await;
    assigned.ok();
    assert_eq!(walk(&app, &w.specialist, "&mine=true", 50).await.0, vec![ids[2].clone()]);

    // Four working days later every one still in the specialist's hands is overdue.
    app.clock.advance(Duration::days(4));
    let (overdue, counts) = walk(&app, &w.specialist, "&due=overdue", 3).await;
    assert_eq!(overdue, ids[1..].to_vec());
    assert_eq!((counts[0]["overdue"].as_i64(), counts[0]["due_soon"].as_i64()), (Some(4), Some(0)), "{counts:?}");
    assert!(counts[0]["at_risk"].as_i64().unwrap() >= 4, "an overdue dossier is at risk: {counts:?}");
    assert_eq!(walk(&app, &w.specialist, "&due=soon", 50).await.0, Vec::<String>::new());
}

/// Removes what the index holds of the ward's inboxes, as in a data directory written before it.
async fn forget_the_index(app: &TestApp, ids: &[String]) {
    let table = app.services().table.clone();
    for role in ["receiving_officer", "specialist", "leader"] {
        for partition in [motcua_core::keys::inbox(WARD, role), motcua_core::keys::inbox_counts_partition(WARD, role)] {
            let page = table.query(Query::partition(Index::Primary, partition)).await.unwrap();
            for item in page.items {
                table.delete(&Key::of(&item).unwrap(), Condition::None).await.unwrap();
            }
        }
    }
    for id in ids {
        let mut item = table.get(&motcua_core::keys::dossier(id)).await.unwrap().unwrap();
        item.remove("inbox");
        table.put(item, Condition::None).await.unwrap();
    }
    table.delete(&motcua_core::keys::inbox_index_built(), Condition::None).await.unwrap();
}

#[tokio::test]
async fn dossiers_stored_before_the_index_join_it_when_the_server_starts() {
    let mut app = TestApp::spawn().await;
    let w = ward(&app).await;
    let ids = accepted_an_hour_apart(&app, &w, 3).await;
    forget_the_index(&app, &ids).await;
    assert_eq!(walk(&app, &w.specialist, "", 50).await.0, Vec::<String>::new(), "nothing indexed");

    let _tmp = app.stop().await;
    let app = TestApp::start(app.dir.clone(), app.clock.clone()).await;
    let w = ward(&app).await;
    let (listed, counts) = walk(&app, &w.specialist, "", 2).await;
    assert_eq!(listed, ids);
    assert_eq!(counts[0]["total"].as_i64(), Some(3));
}

#[tokio::test]
async fn entries_of_an_older_layout_are_written_again_when_the_server_starts() {
    let mut app = TestApp::spawn().await;
    let w = ward(&app).await;
    let ids = accepted_an_hour_apart(&app, &w, 3).await;
    // Layout 1: entries without the dossier's line, no counts by due day, a marker without a
    // layout.
    let table = app.services().table.clone();
    let page =
        table.query(Query::partition(Index::Primary, motcua_core::keys::inbox(WARD, "specialist"))).await.unwrap();
    assert_eq!(page.items.len(), 3);
    for mut entry in page.items {
        entry.remove("row");
        table.put(entry, Condition::None).await.unwrap();
    }
    for role in ["receiving_officer", "specialist", "leader"] {
        let days = table.query(Query::partition(Index::Primary, motcua_core::keys::inbox_due_days(WARD, role)));
        for day in days.await.unwrap().items {
            table.delete(&Key::of(&day).unwrap(), Condition::None).await.unwrap();
        }
    }
    for id in &ids {
        let mut item = table.get(&motcua_core::keys::dossier(id)).await.unwrap().unwrap();
        for entry in item.get_mut("inbox").and_then(|i| i.as_array_mut()).unwrap() {
            entry.as_object_mut().unwrap().remove("by_day");
        }
        table.put(item, Condition::None).await.unwrap();
    }
    let marker = motcua_core::keys::inbox_index_built();
    let mut built = table.get(&marker).await.unwrap().unwrap();
    built.remove("layout");
    table.put(built, Condition::None).await.unwrap();
    drop(table);

    // A month later, all three overdue: counted from the due days the new layout keeps.
    let _tmp = app.stop().await;
    app.clock.advance(Duration::days(30));
    let app = TestApp::start(app.dir.clone(), app.clock.clone()).await;
    let w = ward(&app).await;
    let (listed, counts) = walk(&app, &w.specialist, "", 2).await;
    assert_eq!(listed, ids);
    assert_eq!(counts[0]["total"].as_i64(), Some(3), "counted once: {}", counts[0]);
    assert_eq!(counts[0]["overdue"].as_i64(), Some(3), "{}", counts[0]);
    let inbox = app.get("/api/v1/inbox", Some(&w.specialist)).await.ok().clone();
    assert_eq!(inbox["items"][0]["procedure_code"], inbox["items"][1]["procedure_code"]);
    assert!(inbox["items"][0]["flags"]["due_at"].is_string(), "{inbox}");
}
