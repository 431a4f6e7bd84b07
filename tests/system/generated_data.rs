//! `motcua generate` (issue 14, item 1): a data directory filled through the core services is
//! served as it is — its counts add up, the officers' inboxes hold its open dossiers, its
//! sample codes are found by the public lookup — and it is left in a steady state, every
//! applicant's notification handled as the days went by (no backlog of events competing with
//! whoever serves it next). Embedded runtime only (the generator writes a data directory).

use crate::common::*;
use std::sync::Arc;

#[tokio::test]
async fn a_generated_data_set_is_served_in_a_steady_state() {
    if aws_endpoint().is_some() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let made = motcua::generate::generate(tmp.path().to_path_buf(), 60, 3).await.expect("generated");
    assert_eq!(made.dossiers, 60);
    assert_eq!(made.open + made.finished + made.refused + made.waiting_for_reception, 60, "{made:?}");
    assert!(made.open > 0 && made.finished > 0 && made.refused > 0, "every fate is represented: {made:?}");
    assert!(made.events >= made.dossiers, "each dossier notified its applicant at least once: {made:?}");

    let mut app =
        TestApp::start(tmp.path().to_path_buf(), Arc::new(motcua_ports::ManualClock::new(chrono::Utc::now()))).await;
    let services = app.services();
    let waiting = services.queue.depth(&services.config.events_queue).await.unwrap();
    assert_eq!(waiting, 0, "no event left for the server to catch up on");

    let leader = app.login("lanhdao.phuong").await;
    let inbox = app.get("/api/v1/inbox?limit=5", Some(&leader)).await.ok().clone();
    assert_eq!(inbox["counts"]["total"].as_u64(), Some(made.open as u64), "{inbox}");
    // A few (a client may look up a handful of codes a minute).
    for (code, secret) in made.lookups.iter().take(3) {
        let found = app.get(&format!("/api/v1/lookup/{code}?secret={secret}"), None).await.ok().clone();
        assert_eq!(found["code"], code.as_str());
    }
    assert!(!made.lookups.is_empty());
    app.stop().await;
}
