//! Logins through OpenID providers (P6, G10, R7), driven as a browser would (redirects followed
//! by hand) against the fake provider: VNeID for citizens — linked to the account of the same
//! personal identification number or creating one, with the assurance level — and the staff SSO
//! for officers who have an account here; every attack case refused. The interoperability with
//! a certified provider (npm `oidc-provider`) is the browser journey's.

use crate::common::*;
use motcua_fakes::oidc_provider::{Identity, Switches};
use motcua_fakes::FakeOidcProvider;
use serde_json::json;

pub(crate) fn settings(idp: &FakeOidcProvider, kind: (&str, &str)) -> Option<motcua_connectors::OidcSettings> {
    motcua::from_env(idp.env(kind.0), |get| motcua_connectors::OidcSettings::from_lookup(get, kind))
}

async fn spawn_with(vneid: &FakeOidcProvider, staff: &FakeOidcProvider) -> TestApp {
    let (v, s) = (settings(vneid, motcua_connectors::oidc::VNEID), settings(staff, motcua_connectors::oidc::STAFF_SSO));
    TestApp::spawn_configured(|c| {
        c.vneid = v;
        c.staff_sso = s;
    })
    .await
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

async fn location(r: reqwest::Response) -> String {
    assert!(r.status().is_redirection(), "expected a redirect, got {}", r.status());
    r.headers()["location"].to_str().unwrap().to_string()
}

/// Start → the provider's page (the person logs in) → back to MotCua; the page MotCua ends on.
pub(crate) async fn log_in(app: &TestApp, idp: &FakeOidcProvider, path: &str, who: &Identity, next: &str) -> String {
    let start = format!("{}/api/v1/auth/{path}/start?next={}", app.url, urlencode(next));
    let authorize = location(browser().get(start).send().await.unwrap()).await;
    assert!(authorize.starts_with(&idp.issuer), "{authorize}");
    let back = idp.approve(&authorize, who).unwrap();
    location(browser().get(back).send().await.unwrap()).await
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The one-time code in the page MotCua ends on.
fn code_of(page: &str) -> String {
    let query = page.split_once('?').expect("a query").1;
    query.split('&').find_map(|kv| kv.strip_prefix("sso=")).unwrap_or_else(|| panic!("no login code in {page}")).into()
}

pub(crate) async fn redeem(app: &TestApp, page: &str) -> Response {
    app.post("/api/v1/auth/sso/redeem", None, json!({"code": code_of(page)})).await
}

async fn me(app: &TestApp, page: &str) -> serde_json::Value {
    let token = redeem(app, page).await.ok()["access_token"].as_str().unwrap().to_string();
    app.get("/api/v1/me", Some(&token)).await.ok().clone()
}

async fn providers() -> (FakeOidcProvider, FakeOidcProvider) {
    let vneid = FakeOidcProvider::start(motcua::demo_citizens()).await;
    let mut officers = motcua::demo_officers();
    officers.push(Identity::new("nguoi.ngoai", "Người chưa có tài khoản", "1980-01-01", 2));
    (vneid, FakeOidcProvider::start(officers).await)
}

#[tokio::test]
async fn a_citizen_logs_in_with_vneid_linked_by_id_number_or_with_a_new_account_and_files() {
    let (vneid, staff) = providers().await;
    let app = spawn_with(&vneid, &staff).await;
    let [an, ha, khoi] = <[Identity; 3]>::try_from(motcua::demo_citizens()).unwrap();

    // The demo citizen's number is the account `congdan`'s: the same account, level 2 recorded.
    let page = log_in(&app, &vneid, "vneid", &an, "/nop-ho-so.html?ma=1.001193").await;
    assert!(page.starts_with("/dang-nhap.html?sso="), "{page}");
    assert!(page.ends_with(&format!("next={}", urlencode("/nop-ho-so.html?ma=1.001193"))), "{page}");
    let account = me(&app, &page).await;
    assert_eq!(account["username"], "congdan");
    assert_eq!(account["vneid"]["level"], 2);

    // Someone new: an account is made from what VNeID vouches for; a redeemed code is spent.
    let page = log_in(&app, &vneid, "vneid", &ha, "https://lua-dao.example/").await;
    assert!(page.ends_with("next=%2F"), "another site is never a next page: {page}");
    let token = redeem(&app, &page).await.ok()["access_token"].as_str().unwrap().to_string();
    assert_eq!(redeem(&app, &page).await.problem(401), "unauthenticated");
    let account = app.get("/api/v1/me", Some(&token)).await.ok().clone();
    assert_eq!(account["username"], "vneid.038199012345");
    assert_eq!(account["role"], "citizen");
    assert_eq!(account["profile"]["full_name"], "Trần Thị Thu Hà");
    assert_eq!(account["profile"]["id_number"], "038199012345");
    assert_eq!(account["profile"]["date_of_birth"], "1999-08-20");
    let draft = app.post("/api/v1/dossiers", Some(&token), json!({"procedure": CRIMINAL_RECORD, "form": {}})).await;
    assert_eq!(draft.ok()["applicant"]["full_name"], "Trần Thị Thu Hà");

    // A second login finds the same account; level 1 is recorded as such.
    let again = me(&app, &log_in(&app, &vneid, "vneid", &ha, "/").await).await;
    assert_eq!(again["id"], account["id"]);
    assert_eq!(me(&app, &log_in(&app, &vneid, "vneid", &khoi, "/").await).await["vneid"]["level"], 1);
}

#[tokio::test]
async fn forged_misdirected_nonceless_expired_and_replayed_logins_are_refused() {
    let (vneid, staff) = providers().await;
    let app = spawn_with(&vneid, &staff).await;
    let an = motcua::demo_citizens().remove(0);
    for (switches, what) in [
        (Switches { wrong_key: true, ..Switches::default() }, "signed with another key"),
        (Switches { wrong_audience: true, ..Switches::default() }, "for another client"),
        (Switches { wrong_issuer: true, ..Switches::default() }, "from another issuer"),
        (Switches { omit_nonce: true, ..Switches::default() }, "without the nonce"),
        (Switches { expired: true, ..Switches::default() }, "expired"),
    ] {
        vneid.set(switches);
        let page = log_in(&app, &vneid, "vneid", &an, "/").await;
        assert_eq!(page, "/dang-nhap.html?loi=unauthenticated", "an ID token {what} was accepted");
    }
    vneid.set(Switches::default());

    // The provider's answer replayed: the attempt was used up by the first.
    let start = format!("{}/api/v1/auth/vneid/start", app.url);
    let authorize = location(browser().get(&start).send().await.unwrap()).await;
    let back = vneid.approve(&authorize, &an).unwrap();
    assert!(location(browser().get(&back).send().await.unwrap()).await.contains("sso="));
    let exchanged = vneid.exchanged();
    let replay = location(browser().get(&back).send().await.unwrap()).await;
    assert_eq!(replay, "/dang-nhap.html?loi=sso_state_invalid");
    assert_eq!(vneid.exchanged(), exchanged, "a replayed state never reaches the provider");

    // A state nobody issued, and an attempt older than ten minutes.
    let forged = back.replace("state=", "state=x");
    assert_eq!(location(browser().get(&forged).send().await.unwrap()).await, "/dang-nhap.html?loi=sso_state_invalid");
    let authorize = location(browser().get(&start).send().await.unwrap()).await;
    app.clock.advance(chrono::Duration::minutes(11));
    let late = vneid.approve(&authorize, &an).unwrap();
    assert_eq!(location(browser().get(&late).send().await.unwrap()).await, "/dang-nhap.html?loi=sso_state_invalid");
    // The provider refusing the login.
    let denied = format!("{}/api/v1/auth/vneid/callback?error=access_denied&state=abc", app.url);
    assert_eq!(location(browser().get(denied).send().await.unwrap()).await, "/dang-nhap.html?loi=unauthenticated");
}

#[tokio::test]
async fn officers_log_in_through_the_staff_sso_only_with_an_account_here_and_the_local_admin_keeps_a_password() {
    let (vneid, staff) = providers().await;
    let app = spawn_with(&vneid, &staff).await;
    let officers = motcua::demo_officers();
    let page = log_in(&app, &staff, "staff-sso", &officers[0], "/can-bo/").await;
    assert!(page.starts_with("/can-bo/dang-nhap.html?sso="), "{page}");
    let account = me(&app, &page).await;
    assert_eq!(
        (account["username"].clone(), account["role"].clone()),
        (json!("tiepnhan.phuong"), json!("receiving_officer"))
    );
    let stranger = Identity::new("nguoi.ngoai", "Người chưa có tài khoản", "1980-01-01", 2);
    assert_eq!(log_in(&app, &staff, "staff-sso", &stranger, "/").await, "/can-bo/dang-nhap.html?loi=forbidden");
    // A citizen's identity is no officer's, whichever provider vouches for it.
    let citizen = Identity::new("congdan", "Nguyễn Văn An", "1990-05-12", 2);
    assert_eq!(log_in(&app, &staff, "staff-sso", &citizen, "/").await, "/can-bo/dang-nhap.html?loi=forbidden");
    // Break-glass: the system administrator's local password still works.
    app.login("quantri").await;
}

#[tokio::test]
async fn a_client_address_starts_logins_within_the_public_allowance() {
    let (vneid, staff) = providers().await;
    let app = spawn_with(&vneid, &staff).await;
    let start = format!("{}/api/v1/auth/vneid/start", app.url);
    let limit = motcua_core::limits::LOOKUPS_PER_MINUTE;
    for _ in 0..limit {
        assert!(browser().get(&start).send().await.unwrap().status().is_redirection());
    }
    // The allowance refills one start every few seconds: on a slow machine a start or two more
    // may pass before the refusal, never many.
    let mut extra = 0;
    let refused = loop {
        let r = browser().get(&start).send().await.unwrap();
        if !r.status().is_redirection() || extra == limit {
            break r;
        }
        extra += 1;
    };
    assert_eq!(refused.status(), 429, "{extra} more starts passed");
    assert!(refused.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn without_a_provider_the_login_says_so() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/v1/auth/vneid/start", None).await;
    assert_eq!(r.problem(409), "sso_off");
}

#[tokio::test]
async fn under_the_2025_regime_applicants_log_in_with_vneid_only_and_some_procedures_need_level_2() {
    let (vneid, staff) = providers().await;
    let (v, st) =
        (settings(&vneid, motcua_connectors::oidc::VNEID), settings(&staff, motcua_connectors::oidc::STAFF_SSO));
    let app = TestApp::spawn_configured(|c| {
        c.vneid = v;
        c.staff_sso = st;
        c.regime = RegimeSchedule::only(Regime::R2025);
    })
    .await;
    let [an, _, khoi] = <[Identity; 3]>::try_from(motcua::demo_citizens()).unwrap();

    // Citizens' and businesses' passwords are closed; staff keep theirs.
    let password = |username: &str| json!({"username": username, "password": DEMO_PASSWORD});
    assert_eq!(app.post("/api/v1/auth/login", None, password("congdan")).await.problem(409), "vneid_only");
    assert_eq!(app.post("/api/v1/auth/login", None, password("doanhnghiep")).await.problem(409), "vneid_only");
    let profile = json!({"full_name": "Trần Thị Cúc", "id_number": "038095001111"});
    let registration = json!({"username": "tranthicuc", "password": "MatKhau@2026", "profile": profile});
    assert_eq!(app.post("/api/v1/auth/register", None, registration).await.problem(409), "vneid_only");
    app.login("tiepnhan.phuong").await;

    // Exchanging a driving licence online needs a level-2 VNeID session: level 1 is refused.
    let licence = json!({"procedure": "1.013141"});
    let page = log_in(&app, &vneid, "vneid", &khoi, "/").await;
    let level1 = redeem(&app, &page).await.ok()["access_token"].as_str().unwrap().to_string();
    assert_eq!(app.post("/api/v1/dossiers", Some(&level1), licence.clone()).await.problem(409), "vneid_level_required");
    assert_eq!(
        app.post("/api/v1/dossiers", Some(&level1), json!({"procedure": "1.001193"})).await.status.as_u16(),
        201
    );
    let page = log_in(&app, &vneid, "vneid", &an, "/").await;
    let level2 = redeem(&app, &page).await.ok()["access_token"].as_str().unwrap().to_string();
    assert_eq!(app.post("/api/v1/dossiers", Some(&level2), licence).await.status.as_u16(), 201);
}
