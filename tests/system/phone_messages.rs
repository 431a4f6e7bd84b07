//! Messages to the applicant's phone go by Zalo (ZNS) first and by the SMS gateway when Zalo
//! cannot deliver them; the outbound register records which provider took each one (issue
//! 15, item 2). Both runtimes.

use crate::common::*;
use motcua_fakes::{FakeSmsGateway, FakeZaloOa};
use serde_json::{json, Value};

async fn register(app: &TestApp) -> Vec<Value> {
    let admin = app.login("quantri").await;
    let outbound = app.get("/api/v1/outbound-messages?limit=100", Some(&admin)).await.ok().clone();
    outbound["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn phone_messages_go_by_zalo_and_by_sms_when_the_applicant_has_no_zalo() {
    let (oa, gateway) = (FakeZaloOa::start().await, FakeSmsGateway::start().await);
    let app = TestApp::spawn_configured(|s| {
        s.zalo = motcua::from_env(oa.env(), |get| motcua_connectors::ZaloSettings::from_lookup(get));
        s.sms = motcua::from_env(gateway.env(), |get| {
            motcua_connectors::ClientSettings::from_lookup(get, motcua_connectors::sms::SMS_ENV)
        });
    })
    .await;
    let citizen = app.login("congdan").await;
    let officer = app.login("tiepnhan.stp").await;
    let first = app.submitted_dossier(&citizen).await;
    let accepted = app.post(&format!("/api/v1/dossiers/{first}/accept"), Some(&officer), json!({})).await;
    let code = accepted.ok()["code"].as_str().unwrap().to_string();
    app.settle_events().await;

    // Both messages (submission, acceptance) went by Zalo, none by SMS.
    let by_zalo = oa.with(|s| s.sent.clone());
    assert_eq!(by_zalo.len(), 2, "{by_zalo:?}");
    assert!(by_zalo.iter().all(|m| m.phone == "84912345678"));
    assert!(by_zalo[1].template_data["noi_dung"].as_str().unwrap().contains(&code));
    assert!(gateway.with(|s| s.sent.is_empty()));
    let sms = |items: &[Value]| items.iter().filter(|m| m["channel"] == "sms").cloned().collect::<Vec<_>>();
    let registered = sms(&register(&app).await);
    assert_eq!(registered.len(), 2);
    for message in &by_zalo {
        let via = format!("zalo {}", message.msg_id);
        assert!(registered.iter().any(|m| m["via"] == via && m["delivered"] == true), "{registered:?}");
    }

    // The applicant's number has no Zalo account: the next messages go by SMS.
    oa.with(|s| s.switches.without_zalo = vec!["84912345678".into()]);
    let second = app.submitted_dossier(&citizen).await;
    app.post(&format!("/api/v1/dossiers/{second}/accept"), Some(&officer), json!({})).await.ok();
    app.settle_events().await;
    let by_sms = gateway.with(|s| s.sent.clone());
    assert_eq!(by_sms.len(), 2, "{by_sms:?}");
    assert!(by_sms.iter().all(|m| m.phone == "84912345678"));
    assert_eq!(oa.with(|s| s.sent.len()), 2);
    let registered = sms(&register(&app).await);
    assert_eq!(registered.len(), 4);
    for message in &by_sms {
        let via = format!("sms {}", message.message_id);
        assert!(registered.iter().any(|m| m["via"] == via), "{registered:?}");
    }
    // Email has no provider here: it stays in the register for pickup, sent by nobody.
    let emails: Vec<Value> = register(&app).await.into_iter().filter(|m| m["channel"] == "email").collect();
    assert_eq!(emails.len(), 4);
    assert!(emails.iter().all(|m| m["via"].is_null()), "{emails:?}");
}
