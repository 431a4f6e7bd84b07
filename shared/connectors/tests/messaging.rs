//! The phone channels against their fakes: the SMS gateway and Zalo (ZNS) send a message
//! once per reference, report a counterpart that is down or refuses as a failure, and chained
//! (Zalo first) hand a message to the SMS gateway when Zalo cannot deliver it.

use chrono::TimeZone;
use motcua_connectors::sms::SMS_ENV;
use motcua_connectors::{ClientSettings, SmsGateway, ZaloNotifier, ZaloSettings};
use motcua_fakes::{FakeSmsGateway, FakeZaloOa};
use motcua_ports::{Channel, FirstThatSends, Notifier, OutboundMessage};
use std::sync::Arc;

fn lookup(env: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> {
    move |k| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())
}

fn sms(gateway: &FakeSmsGateway) -> SmsGateway {
    SmsGateway::new(ClientSettings::from_lookup(lookup(gateway.env()), SMS_ENV).unwrap().unwrap())
}

fn zalo(oa: &FakeZaloOa) -> ZaloNotifier {
    ZaloNotifier::new(ZaloSettings::from_lookup(lookup(oa.env())).unwrap().unwrap())
}

fn message(event: &str, channel: Channel, to: &str) -> OutboundMessage {
    OutboundMessage {
        event_id: event.into(),
        channel,
        to: to.into(),
        subject: "Tiếp nhận hồ sơ".into(),
        body: "Hồ sơ H56.22-260302-0001: Tiếp nhận hồ sơ. Trạng thái: Được tiếp nhận.".into(),
        dossier: "d-1".into(),
        at: chrono::FixedOffset::east_opt(7 * 3600).unwrap().with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        delivered: false,
        via: None,
    }
}

#[tokio::test]
async fn the_sms_gateway_sends_once_per_reference_and_reports_failures() {
    let gateway = FakeSmsGateway::start().await;
    let client = sms(&gateway);
    let first = client.deliver(&message("e1", Channel::Sms, "0912 345 678")).await.unwrap();
    assert_eq!(first.as_deref(), Some("sms SMS000001"));
    // The same event again (the queue delivered it twice): the same message, not a second SMS.
    assert_eq!(client.deliver(&message("e1", Channel::Sms, "0912345678")).await.unwrap(), first);
    assert_eq!(gateway.with(|s| s.sent.len()), 1);
    let sent = gateway.with(|s| s.sent[0].clone());
    assert_eq!(sent.phone, "84912345678");
    assert!(sent.message.starts_with("Tiếp nhận hồ sơ: Hồ sơ H56.22-260302-0001"));
    // Email is not the gateway's: left to another notifier.
    assert_eq!(client.deliver(&message("e2", Channel::Email, "a@example.vn")).await.unwrap(), None);
    assert!(client.deliver(&message("e3", Channel::Sms, "12345")).await.unwrap_err().contains("số điện thoại"));
    gateway.with(|s| s.switches.down = true);
    assert!(client.deliver(&message("e4", Channel::Sms, "0912345678")).await.is_err());
    let wrong_secret = SmsGateway::new(ClientSettings {
        url: gateway.url.clone(),
        client: motcua_fakes::sms_gateway::CLIENT.into(),
        secret: "sai".into(),
    });
    gateway.with(|s| s.switches.down = false);
    assert!(wrong_secret.deliver(&message("e5", Channel::Sms, "0912345678")).await.is_err());
    assert_eq!(gateway.with(|s| s.sent.len()), 1);
}

#[tokio::test]
async fn zalo_sends_the_template_once_per_tracking_id_and_a_refusal_is_a_failure() {
    let oa = FakeZaloOa::start().await;
    let client = zalo(&oa);
    let via = client.deliver(&message("e1", Channel::Sms, "0912345678")).await.unwrap().unwrap();
    assert!(via.starts_with("zalo "), "{via}");
    assert_eq!(client.deliver(&message("e1", Channel::Sms, "0912345678")).await.unwrap().unwrap(), via);
    let sent = oa.with(|s| s.sent.clone());
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].phone, "84912345678");
    assert_eq!(sent[0].template_data["tieu_de"], "Tiếp nhận hồ sơ");
    oa.with(|s| s.switches.without_zalo = vec!["84987654321".into()]);
    let refused = client.deliver(&message("e2", Channel::Sms, "0987654321")).await.unwrap_err();
    assert!(refused.contains("-118"), "{refused}");
    oa.with(|s| s.switches.token_expired = true);
    assert!(client.deliver(&message("e3", Channel::Sms, "0912345678")).await.unwrap_err().contains("-124"));
    oa.with(|s| s.switches = Default::default());
    oa.with(|s| s.switches.down = true);
    assert!(client.deliver(&message("e4", Channel::Sms, "0912345678")).await.unwrap_err().contains("503"));
    assert_eq!(oa.with(|s| s.sent.len()), 1);
}

#[tokio::test]
async fn chained_zalo_first_then_sms_and_a_failure_only_when_neither_sends() {
    let (oa, gateway) = (FakeZaloOa::start().await, FakeSmsGateway::start().await);
    let chain = FirstThatSends(vec![Arc::new(zalo(&oa)) as Arc<dyn Notifier>, Arc::new(sms(&gateway))]);
    let by_zalo = chain.deliver(&message("e1", Channel::Sms, "0912345678")).await.unwrap().unwrap();
    assert!(by_zalo.starts_with("zalo "));
    oa.with(|s| s.switches.without_zalo = vec!["84987654321".into()]);
    let by_sms = chain.deliver(&message("e2", Channel::Sms, "0987654321")).await.unwrap().unwrap();
    assert!(by_sms.starts_with("sms "));
    // Neither channel is for email: nothing sent, nothing failed (the register keeps it).
    assert_eq!(chain.deliver(&message("e3", Channel::Email, "a@example.vn")).await.unwrap(), None);
    oa.with(|s| s.switches.down = true);
    gateway.with(|s| s.switches.down = true);
    let failed = chain.deliver(&message("e4", Channel::Sms, "0912345678")).await.unwrap_err();
    assert!(failed.contains("Zalo") && failed.contains("503"), "{failed}");
    gateway.with(|s| s.switches.down = false);
    assert!(chain.deliver(&message("e4", Channel::Sms, "0912345678")).await.unwrap().unwrap().starts_with("sms "));
    assert_eq!((oa.with(|s| s.sent.len()), gateway.with(|s| s.sent.len())), (1, 2));
}
