//! The adapters of the integration ports against the fakes of their counterparts: what the
//! national portal client and the webhook transport must do whatever the portal does — create
//! then update, renew a refused session once, report each kind of failure as its kind, read
//! the catalogue and the dossiers filed there.

use motcua_connectors::{DvcqgClient, DvcqgSettings, HttpWebhooks};
use motcua_fakes::{FakeNationalPortal, FakeWebhookReceiver};
use motcua_ports::{CatalogueSource, ConnectionError, NationalPortal, Record, SharedCatalogue, WebhookTransport};
use serde_json::json;

fn client(portal: &FakeNationalPortal) -> DvcqgClient {
    let env = portal.env();
    let settings = DvcqgSettings::from_lookup(|k| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()));
    DvcqgClient::new(settings.unwrap().unwrap())
}

fn record(code: &str, status: u8) -> Record {
    json!({"MaHoSo": code, "MaTTHC": "1.001612", "TenTTHC": "Đăng ký hộ kinh doanh", "KenhThucHien": 2,
        "ChuHoSo": "Lê Văn Nam", "TrangThaiHoSo": status, "NgayNopHoSo": "20260302090000", "DonViXuLy": "000.17.22.H56"})
    .as_object()
    .unwrap()
    .clone()
}

fn step(code: &str, status: u8, at: &str) -> Record {
    json!({"MaHoSo": code, "NguoiXuLy": "Lê Thị Hoa", "ChucDanh": "Cán bộ tiếp nhận", "PhongBanXuLy": "Bộ phận Một cửa",
        "ThoiDiemXuLy": at, "NoiDungXuLy": "Tiếp nhận hồ sơ", "TrangThai": status, "NgayBatDau": at, "NgayKetThucTheoQuyDinh": ""})
    .as_object()
    .unwrap()
    .clone()
}

#[tokio::test]
async fn creates_then_updates_and_progress_follows_the_dossier() {
    let portal = FakeNationalPortal::start().await;
    let c = client(&portal);
    assert_eq!(c.lookup("A-1").await, Ok(None));
    assert!(matches!(
        c.push_progress(vec![step("A-1", 1, "20260302090000")]).await,
        Err(ConnectionError::Rejected { .. })
    ));
    c.push_dossiers(vec![record("A-1", 1)], false).await.unwrap();
    let again = c.push_dossiers(vec![record("A-1", 1)], false).await;
    assert!(matches!(again, Err(ConnectionError::Rejected { ref code, .. }) if code == "03"), "{again:?}");
    c.push_dossiers(vec![record("A-1", 2)], true).await.unwrap();
    c.push_progress(vec![step("A-1", 1, "20260302090000"), step("A-1", 2, "20260302100000")]).await.unwrap();
    // The same step twice is kept once (idempotent on the receiver).
    c.push_progress(vec![step("A-1", 2, "20260302100000")]).await.unwrap();
    assert_eq!(c.lookup("A-1").await.unwrap().unwrap()["TrangThaiHoSo"], 2);
    assert_eq!(portal.with(|s| s.progress["A-1"].len()), 2);
    // One session for all of it.
    assert_eq!(portal.with(|s| s.sessions.len()), 1);
}

#[tokio::test]
async fn a_refused_session_is_renewed_once_and_failures_keep_their_kind() {
    let portal = FakeNationalPortal::start().await;
    let c = client(&portal);
    c.push_dossiers(vec![record("B-1", 1)], false).await.unwrap();
    portal.with(|s| s.switches.expire_sessions = true);
    c.push_dossiers(vec![record("B-1", 2)], true).await.unwrap();
    assert_eq!(portal.with(|s| s.sessions.len()), 1, "a new session after the refusal");

    portal.with(|s| s.switches.down = true);
    assert!(matches!(c.lookup("B-1").await, Err(ConnectionError::Unavailable(_))));
    portal.with(|s| {
        s.switches.down = false;
        s.switches.fail_next = 1;
    });
    assert!(matches!(c.push_dossiers(vec![record("B-1", 2)], true).await, Err(ConnectionError::Unavailable(_))));
    c.push_dossiers(vec![record("B-1", 2)], true).await.unwrap();

    let mut missing = record("B-2", 1);
    missing.remove("ChuHoSo");
    assert!(matches!(c.push_dossiers(vec![missing], false).await, Err(ConnectionError::Rejected { .. })));

    let fresh = client(&portal);
    portal.with(|s| s.switches.bad_credentials = true);
    assert!(matches!(fresh.lookup("B-1").await, Err(ConnectionError::Unauthorized(_))));
}

#[tokio::test]
async fn reads_the_catalogue_and_the_dossiers_filed_on_the_portal() {
    let portal = FakeNationalPortal::start().await;
    let c = client(&portal);
    let list = c.procedures().await.unwrap();
    assert_eq!(list[0]["MATTHC"], "1.001193");
    assert_eq!(c.procedure("1.001193").await.unwrap().unwrap()["TENTTHC"], "Đăng ký khai sinh");
    assert_eq!(c.procedure("9.9").await.unwrap(), None);
    assert_eq!(c.shared(SharedCatalogue::Fields).await.unwrap()[0]["MALINHVUC"], "HT");

    portal.file_dossier(record("C-1", 1), vec![("to-khai", "to-khai.pdf", b"%PDF-1.4 tep".to_vec())]);
    let filed = c.pull_new().await.unwrap();
    let url = filed[0]["TaiLieuNop"][0]["DuongDanTaiTepTin"].as_str().unwrap().to_string();
    assert_eq!(&c.download(&url).await.unwrap()[..], b"%PDF-1.4 tep");
    assert!(matches!(
        c.download(&format!("{}/files/khong-co.pdf", portal.url)).await,
        Err(ConnectionError::Unavailable(_))
    ));
}

#[tokio::test]
async fn webhooks_are_posted_with_their_headers_and_a_refusal_is_an_error() {
    let receiver = FakeWebhookReceiver::start().await;
    receiver.with(|r| r.secret = Some("k".into()));
    let body = br#"{"id":"d:1"}"#.to_vec();
    let signature = "t=1780000000,v1=00".to_string();
    let h = HttpWebhooks::default();
    let headers =
        vec![("x-motcua-event-id".to_string(), "d:1".to_string()), ("x-motcua-signature".to_string(), signature)];
    h.post(&receiver.url, headers.clone(), body.clone()).await.unwrap();
    let got = receiver.with(|r| r.deliveries.clone());
    assert_eq!((got[0].event_id.as_str(), got[0].body["id"].as_str()), ("d:1", Some("d:1")));
    assert!(!got[0].signature_valid, "a wrong signature is seen as wrong");
    receiver.with(|r| r.down = true);
    assert!(matches!(h.post(&receiver.url, headers, body).await, Err(ConnectionError::Unavailable(_))));
}
