//! Pre-fill from the national population database with consent (G5, P1, Law 91/2025), against
//! the fake database: only for a person whose number VNeID vouched for, only after they agreed
//! to the consent text in force; the form takes the registry's values and the documents it holds
//! are not asked for; every read (the person's, an officer's check) is on record for the person
//! and in the database's own log, with its purpose and consent; a withdrawn consent stops the
//! officer's reads; a database that is down or does not know the person changes nothing.

use crate::common::*;
use crate::officer_workflow::{hkd_form, path, ward, HKD, HKD_FORM};
use crate::single_sign_on::{log_in, redeem};
use motcua_fakes::oidc_provider::Identity;
use motcua_fakes::population_registry::Switches;
use motcua_fakes::{FakeOidcProvider, FakePopulationRegistry};
use serde_json::{json, Value};

async fn spawn_with(vneid: &FakeOidcProvider, registry: &FakePopulationRegistry) -> TestApp {
    let v = crate::single_sign_on::settings(vneid, motcua_connectors::oidc::VNEID);
    let p = motcua::from_env(registry.env(), |get| {
        motcua_connectors::ClientSettings::from_lookup(get, motcua_connectors::population::POPULATION_ENV)
    });
    TestApp::spawn_configured(|s| {
        s.vneid = v;
        s.population = p;
        // The suite's password accounts, under either regime (R7 is single_sign_on's).
        s.applicant_passwords = true;
    })
    .await
}

/// A citizen's access token after logging in with VNeID as `who`.
async fn vneid_token(app: &TestApp, idp: &FakeOidcProvider, who: &Identity) -> String {
    let page = log_in(app, idp, "vneid", who, "/ho-so-cua-toi.html").await;
    redeem(app, &page).await.ok()["access_token"].as_str().unwrap().to_string()
}

async fn draft(app: &TestApp, token: &str) -> String {
    let created = app.post("/api/v1/dossiers", Some(token), json!({"procedure": HKD, "form": hkd_form()})).await;
    created.ok()["id"].as_str().unwrap().to_string()
}

async fn prefill(app: &TestApp, token: &str, id: &str, version: &str) -> Response {
    app.post(&path(id, "registry-prefill"), Some(token), json!({"consent_version": version})).await
}

fn items(r: &Response) -> Vec<Value> {
    r.ok()["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn with_consent_the_form_is_filled_from_the_population_database_and_every_read_is_on_record() {
    let vneid = FakeOidcProvider::start(motcua::demo_citizens()).await;
    let registry = FakePopulationRegistry::start(motcua::demo_residents()).await;
    let app = spawn_with(&vneid, &registry).await;
    let w = ward(&app).await;
    let consent = app.get("/api/v1/registry/consent", None).await.ok().clone();
    let version = consent["version"].as_str().unwrap().to_string();
    assert_eq!(consent["registry_name"], "Cơ sở dữ liệu quốc gia về dân cư");
    assert!(consent["text"].as_str().unwrap().contains("rút lại sự đồng ý"));

    // A number typed into a password account is nobody's proof: VNeID first.
    let id = draft(&app, &w.citizen).await;
    assert_eq!(prefill(&app, &w.citizen, &id, &version).await.problem(409), "vneid_required");
    let an = motcua::demo_citizens().remove(0);
    let citizen = vneid_token(&app, &vneid, &an).await;
    assert_eq!(prefill(&app, &citizen, &id, "2019-01").await.problem(409), "consent_outdated");
    assert_eq!(prefill(&app, &w.reception, &id, &version).await.problem(404), "not_found");
    assert!(registry.with(|s| s.lookups.is_empty()), "nothing was read without consent");

    let filled = prefill(&app, &citizen, &id, &version).await.ok().clone();
    assert_eq!(filled["form"]["full_name"], "Nguyễn Văn An");
    assert_eq!(filled["form"]["date_of_birth"], "1990-05-12");
    assert_eq!(filled["form"]["address"], "Số 12 đường Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa");
    assert_eq!(filled["form"]["household_business_name"], hkd_form()["household_business_name"], "the rest stays");
    assert_eq!(filled["registry_fields"], json!(["address", "date_of_birth", "full_name", "id_number"]));
    let used = &filled["registry_use"];
    assert_eq!(used["registry"], "population");
    assert_eq!(used["components"], json!(["giay-to-phap-ly-ca-nhan"]), "the personal papers are the registry's");
    let consent_id = used["consent_id"].as_str().unwrap().to_string();
    let lookup = registry.with(|s| s.lookups.clone());
    assert_eq!(lookup.len(), 1);
    assert_eq!((lookup[0].so_dinh_danh.as_str(), lookup[0].ma_dong_y.as_str()), ("038090001234", consent_id.as_str()));
    assert!(lookup[0].muc_dich.contains("Đăng ký thành lập hộ kinh doanh"), "{}", lookup[0].muc_dich);

    let consents = items(&app.get("/api/v1/me/consents", Some(&citizen)).await);
    assert_eq!(consents.len(), 1);
    assert_eq!((consents[0]["id"].as_str(), &consents[0]["withdrawn_at"]), (Some(consent_id.as_str()), &Value::Null));
    assert_eq!(consents[0]["version"], version.as_str());
    let uses = items(&app.get("/api/v1/me/data-uses", Some(&citizen)).await);
    assert_eq!(uses.len(), 1);
    assert_eq!((uses[0]["by"].as_str(), uses[0]["role_label"].as_str()), (Some("Nguyễn Văn An"), Some("Chủ dữ liệu")));

    // The applicant corrects one value, files; the officer checks the dossier against the registry.
    let moved = "Số 3 phố Trường Thi, phường Hạc Thành, tỉnh Thanh Hóa";
    let version_now = filled["version"].as_u64().unwrap().to_string();
    let patched = app
        .request(
            reqwest::Method::PATCH,
            &path(&id, ""),
            Some(&citizen),
            Some(json!({"form": {"address": moved}})),
            &[("if-match", &format!("\"{version_now}\""))],
        )
        .await;
    assert_eq!(patched.ok()["form"]["address"], moved);
    assert_eq!(
        patched.ok()["registry_fields"],
        json!(["date_of_birth", "full_name", "id_number"]),
        "the corrected one is the applicant's"
    );
    app.upload(&citizen, &id, HKD_FORM, PDF, "application/pdf", "giay-de-nghi.pdf").await.ok();
    app.post(&path(&id, "submit"), Some(&citizen), json!({})).await.ok();
    assert_eq!(app.post(&path(&id, "registry-check"), Some(&citizen), json!({})).await.problem(403), "forbidden");
    let check = app.post(&path(&id, "registry-check"), Some(&w.reception), json!({})).await.ok().clone();
    assert_eq!(check["all_match"], false);
    let field = |name: &str| check["fields"].as_array().unwrap().iter().find(|f| f["field"] == name).cloned().unwrap();
    assert_eq!(field("full_name")["matches"], true);
    assert_eq!(
        (field("address")["matches"].clone(), field("address")["in_dossier"].clone()),
        (json!(false), json!(moved))
    );
    let uses = items(&app.get("/api/v1/me/data-uses", Some(&citizen)).await);
    assert_eq!(uses.len(), 2);
    assert_eq!(uses[0]["by"], "Lê Thị Hoa", "newest first: the officer's check");
    assert!(uses[0]["agency"].as_str().unwrap().contains("Hạc Thành"), "{}", uses[0]["agency"]);
    assert!(uses[0]["purpose"].as_str().unwrap().starts_with("Đối chiếu thông tin hồ sơ"));

    // Withdrawn: the officer reads no more; nobody else can withdraw it; what was done stays.
    let other = app.login("doanhnghiep").await;
    let withdraw = format!("/api/v1/me/consents/{consent_id}/withdraw");
    assert_eq!(app.post(&withdraw, Some(&other), json!({})).await.problem(404), "not_found");
    assert!(app.post(&withdraw, Some(&citizen), json!({})).await.ok()["withdrawn_at"].is_string());
    assert_eq!(
        app.post(&path(&id, "registry-check"), Some(&w.reception), json!({})).await.problem(409),
        "consent_withdrawn"
    );
    assert_eq!(registry.with(|s| s.lookups.len()), 2, "two reads: the pre-fill and the check");
    let seen = app.get(&path(&id, ""), Some(&w.reception)).await.ok().clone();
    assert_eq!(seen["registry_use"]["consent_id"], consent_id.as_str());
}

#[tokio::test]
async fn a_database_that_is_down_or_does_not_know_the_person_changes_nothing() {
    let stranger = Identity::new("038301000999", "Người Chưa Có Trong CSDL", "2003-01-01", 2);
    let vneid = FakeOidcProvider::start(vec![motcua::demo_citizens().remove(0), stranger.clone()]).await;
    let registry = FakePopulationRegistry::start(motcua::demo_residents()).await;
    let app = spawn_with(&vneid, &registry).await;
    let version = motcua_domain::registry::CONSENT_VERSION;

    let citizen = vneid_token(&app, &vneid, &motcua::demo_citizens().remove(0)).await;
    let id = draft(&app, &citizen).await;
    let before = app.get(&path(&id, ""), Some(&citizen)).await.ok().clone();
    registry.with(|s| s.switches = Switches { down: true });
    assert_eq!(prefill(&app, &citizen, &id, version).await.problem(502), "counterpart_unavailable");
    let after = app.get(&path(&id, ""), Some(&citizen)).await.ok().clone();
    assert_eq!((after["version"].clone(), after.get("registry_use")), (before["version"].clone(), None));
    assert!(items(&app.get("/api/v1/me/consents", Some(&citizen)).await).is_empty());
    assert!(items(&app.get("/api/v1/me/data-uses", Some(&citizen)).await).is_empty());

    registry.with(|s| s.switches = Switches::default());
    let newcomer = vneid_token(&app, &vneid, &stranger).await;
    let id = draft(&app, &newcomer).await;
    assert_eq!(prefill(&app, &newcomer, &id, version).await.problem(409), "not_in_registry");
    assert!(items(&app.get("/api/v1/me/consents", Some(&newcomer)).await).is_empty());

    let unconnected = TestApp::spawn().await;
    assert_eq!(unconnected.get("/api/v1/registry/consent", None).await.problem(409), "registry_off");
}
