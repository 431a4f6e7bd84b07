//! Every read and write is scoped to the caller's ownership or agency, tested both ways: the
//! entitled caller succeeds, everyone else is refused — with 404 `not_found` where existence
//! must not be revealed, 403 where the caller may see the dossier but not take the action.

use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Copy of a civil-status extract at the ward People's Committee (same day).
const WARD_COPY: &str = "2.000635";
const WARD_COPY_FORM: &str = "to-khai-cap-ban-sao";

/// The demo accounts, logged in, and one more citizen.
struct Cast {
    app: TestApp,
    congdan: String,
    /// Another citizen, registered for the test.
    other: String,
    business: String,
    ward_officer: String,
    ward_specialist: String,
    ward_leader: String,
    ward_admin: String,
    justice_officer: String,
    justice_specialist: String,
    system_admin: String,
}

impl Cast {
    async fn new() -> Cast {
        let app = TestApp::spawn().await;
        let profile = json!({"full_name": "Trần Thị Cúc", "id_number": "038095007777", "date_of_birth": "1995-01-20",
            "gender": "Nữ", "phone": "0911222333", "address": "Số 3 phố Cửa Hữu, phường Hạc Thành, tỉnh Thanh Hóa"});
        let r = app
            .post(
                "/api/v1/auth/register",
                None,
                json!({"username": "tranthicuc", "password": "MatKhau@2026", "profile": profile}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "{}", r.body);
        let other =
            app.post("/api/v1/auth/login", None, json!({"username": "tranthicuc", "password": "MatKhau@2026"})).await;
        let other = other.ok()["access_token"].as_str().unwrap().to_string();
        Cast {
            congdan: app.login("congdan").await,
            other,
            business: app.login("doanhnghiep").await,
            ward_officer: app.login("tiepnhan.phuong").await,
            ward_specialist: app.login("chuyenvien.phuong").await,
            ward_leader: app.login("lanhdao.phuong").await,
            ward_admin: app.login("quantri.phuong").await,
            justice_officer: app.login("tiepnhan.stp").await,
            justice_specialist: app.login("chuyenvien.stp").await,
            system_admin: app.login("quantri").await,
            app,
        }
    }

    /// A token of the ward's machine client (client credentials, form-encoded).
    async fn machine_client(&self) -> String {
        let form =
            format!("grant_type=client_credentials&client_id={DEMO_CLIENT_ID}&client_secret={DEMO_CLIENT_SECRET}");
        let r = self
            .app
            .raw(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some("application/x-www-form-urlencoded"),
                form.as_bytes(),
                &[],
            )
            .await;
        r.ok()["access_token"].as_str().unwrap().to_string()
    }

    /// A submitted ward dossier of `token`'s owner, with its declaration form; returns its id.
    async fn ward_dossier(&self, token: &str) -> String {
        let r = self
            .app
            .post(
                "/api/v1/dossiers",
                Some(token),
                json!({"procedure": WARD_COPY, "form": {
                "record_type": "Khai sinh", "record_owner_name": "Nguyễn Văn An", "copies": 1}}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "{}", r.body);
        let id = r.body["id"].as_str().unwrap().to_string();
        self.app.upload(token, &id, WARD_COPY_FORM, PDF, "application/pdf", "to-khai.pdf").await.ok();
        self.app.post(&action(&id, "submit"), Some(token), json!({})).await.ok();
        id
    }

    /// A criminal-record draft (Department of Justice) with its declaration form attached.
    async fn justice_draft(&self, token: &str) -> (String, String) {
        let id = self.app.criminal_record_draft(token).await["id"].as_str().unwrap().to_string();
        let r = self.app.upload(token, &id, CRIMINAL_RECORD_FORM, PDF, "application/pdf", "to-khai.pdf").await;
        let file = r.ok()["components"][0]["file_id"].as_str().unwrap().to_string();
        (id, file)
    }

    /// A submitted criminal-record dossier and the id of its file.
    async fn justice_dossier(&self, token: &str) -> (String, String) {
        let (id, file) = self.justice_draft(token).await;
        self.app.post(&action(&id, "submit"), Some(token), json!({})).await.ok();
        (id, file)
    }

    /// The dossier as `token` sees it, without the deadline flags staff get (they move with
    /// the clock, not with the dossier).
    /// The dossier's state as `token` sees it, without what depends on the caller (flags,
    /// allowed actions).
    async fn dossier(&self, id: &str, token: &str) -> Value {
        let mut v = self.app.get(&dossier(id), Some(token)).await.ok().clone();
        v.as_object_mut().unwrap().remove("flags");
        v.as_object_mut().unwrap().remove("allowed_actions");
        v
    }

    /// The ids of the caller's list (every page).
    async fn listed(&self, token: &str, query: &str) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        let mut cursor: Option<String> = None;
        loop {
            let after = cursor.as_ref().map(|c| format!("&cursor={c}")).unwrap_or_default();
            let page = self.app.get(&format!("/api/v1/dossiers?limit=2{query}{after}"), Some(token)).await;
            for item in page.ok()["items"].as_array().unwrap() {
                assert!(ids.insert(item["id"].as_str().unwrap().to_string()), "listed twice: {item}");
            }
            match page.body["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => return ids,
            }
        }
    }

    /// What an unknown dossier looks like to anyone.
    async fn unknown_dossier(&self) -> Value {
        let r = self.app.get(&dossier("01950000-0000-7000-8000-000000000000"), Some(&self.congdan)).await;
        assert_eq!(r.problem(404), "not_found");
        r.body["detail"].clone()
    }
}

fn dossier(id: &str) -> String {
    format!("/api/v1/dossiers/{id}")
}

fn action(id: &str, action: &str) -> String {
    format!("/api/v1/dossiers/{id}/{action}")
}

fn file(id: &str, file: &str) -> String {
    format!("/api/v1/dossiers/{id}/files/{file}")
}

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn declaration(filename: &str) -> Value {
    json!({"filename": filename, "size": PDF.len(), "content_type": "application/pdf",
        "sha256": hex::encode(<sha2::Sha256 as sha2::Digest>::digest(PDF))})
}

fn rating() -> Value {
    json!({"extra_contacts": 0, "agencies_contacted": "none", "complaint": false, "satisfaction": 5})
}

/// One request of one caller.
struct Attempt<'a> {
    who: &'a str,
    token: &'a str,
    method: Method,
    path: String,
    body: Option<Value>,
}

fn attempt<'a>(who: &'a str, token: &'a str, method: Method, path: String, body: Option<Value>) -> Attempt<'a> {
    Attempt { who, token, method, path, body }
}

/// Sends each attempt and checks it gets `status` / `code`; with `detail`, also that the
/// answer reads exactly like that (an unknown dossier).
async fn refused(app: &TestApp, attempts: Vec<Attempt<'_>>, status: u16, code: &str, detail: Option<&Value>) {
    let mut failures = Vec::new();
    for a in &attempts {
        let r = app.request(a.method.clone(), &a.path, Some(a.token), a.body.clone(), &[]).await;
        let got = r.body["code"].as_str().unwrap_or_default();
        if r.status.as_u16() != status || got != code || detail.is_some_and(|d| &r.body["detail"] != d) {
            failures.push(format!("{} {} {} → {} {}: {}", a.who, a.method, a.path, r.status.as_u16(), got, r.body));
        } else {
            assert_eq!(r.problem(status), code);
        }
    }
    assert!(failures.is_empty(), "expected {status} {code}:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn another_citizen_can_neither_see_nor_touch_congdans_dossiers_which_look_like_they_do_not_exist() {
    let cast = Cast::new().await;
    let app = &cast.app;
    let (draft, draft_file) = cast.justice_draft(&cast.congdan).await;
    let (submitted, submitted_file) = cast.justice_dossier(&cast.congdan).await;
    // A declared, not yet completed, upload of congdan's.
    let ticket = app
        .post(
            &format!("{}/components/giay-to-tuy-than/uploads", dossier(&draft)),
            Some(&cast.congdan),
            declaration("cccd.pdf"),
        )
        .await
        .ok()
        .clone();
    assert!(app.put_presigned(&ticket, PDF).await.is_success());
    let upload = ticket["upload_id"].as_str().unwrap();
    let before = (cast.dossier(&draft, &cast.congdan).await, cast.dossier(&submitted, &cast.congdan).await);
    let unknown = cast.unknown_dossier().await;

    for (who, token) in [("another citizen", cast.other.as_str()), ("a business", cast.business.as_str())] {
        let attempts = vec![
            attempt(who, token, Method::GET, dossier(&draft), None),
            attempt(who, token, Method::GET, dossier(&submitted), None),
            attempt(who, token, Method::PATCH, dossier(&draft), Some(json!({"form": {"purpose": "Đổi mục đích"}}))),
            attempt(
                who,
                token,
                Method::POST,
                format!("{}/components/{CRIMINAL_RECORD_FORM}/uploads", dossier(&draft)),
                Some(declaration("x.pdf")),
            ),
            attempt(
                who,
                token,
                Method::POST,
                format!("{}/components/giay-to-tuy-than/uploads/{upload}/complete", dossier(&draft)),
                Some(json!({})),
            ),
            attempt(who, token, Method::POST, action(&draft, "submit"), Some(json!({}))),
            attempt(who, token, Method::POST, action(&submitted, "withdraw"), Some(json!({"note": "Không cần nữa"}))),
            attempt(who, token, Method::POST, action(&submitted, "rating"), Some(rating())),
            attempt(who, token, Method::GET, action(&submitted, "rating"), None),
            attempt(who, token, Method::GET, file(&submitted, &submitted_file), None),
            attempt(who, token, Method::GET, file(&draft, &draft_file), None),
            attempt(who, token, Method::DELETE, file(&draft, &draft_file), None),
        ];
        refused(app, attempts, 404, "not_found", Some(&unknown)).await;
        let theirs = cast.listed(token, "").await;
        assert!(!theirs.contains(&draft) && !theirs.contains(&submitted), "{who}: {theirs:?}");
    }
    assert_eq!(
        (cast.dossier(&draft, &cast.congdan).await, cast.dossier(&submitted, &cast.congdan).await),
        before,
        "nothing changed"
    );

    // The owner can do all of it.
    let c = Some(cast.congdan.as_str());
    app.get(&file(&submitted, &submitted_file), c).await.ok();
    app.request(Method::PATCH, &dossier(&draft), c, Some(json!({"form": {"purpose": "Đổi mục đích"}})), &[]).await.ok();
    let completed = app
        .post(&format!("{}/components/giay-to-tuy-than/uploads/{upload}/complete", dossier(&draft)), c, json!({}))
        .await;
    assert_eq!(completed.ok()["components"].as_array().unwrap().len(), 2);
    app.request(Method::DELETE, &file(&draft, &draft_file), c, None, &[]).await.ok();
    let withdrawn = app.post(&action(&submitted, "withdraw"), c, json!({"note": "Không cần nữa"})).await;
    assert_eq!(withdrawn.ok()["status"], "withdrawal_requested");
}

#[tokio::test]
async fn ward_staff_cannot_see_or_act_on_a_department_of_justice_dossier_while_justice_staff_can() {
    let cast = Cast::new().await;
    let app = &cast.app;
    let (id, component) = cast.justice_dossier(&cast.congdan).await;
    let unknown = cast.unknown_dossier().await;
    let ward = [
        ("ward receiving officer", cast.ward_officer.as_str()),
        ("ward specialist", cast.ward_specialist.as_str()),
        ("ward leader", cast.ward_leader.as_str()),
        ("ward agency admin", cast.ward_admin.as_str()),
        ("system admin", cast.system_admin.as_str()),
    ];
    // Submitted: invisible to the ward, visible to Justice.
    let before = cast.dossier(&id, &cast.congdan).await;
    refused_everything(&cast, &ward, &id, &component, "x", &unknown).await;
    assert_eq!(cast.dossier(&id, &cast.congdan).await, before);
    assert_eq!(cast.dossier(&id, &cast.justice_officer).await, before);
    assert!(cast.listed(&cast.justice_officer, "").await.contains(&id));
    app.get(&file(&id, &component), Some(&cast.justice_specialist)).await.ok();
    let accepted = app.post(&action(&id, "accept"), Some(&cast.justice_officer), json!({})).await;
    assert_eq!(accepted.ok()["status"], "accepted");

    // Accepted, with a result file ready: still nothing for the ward.
    let ticket = app
        .post(&action(&id, "result-uploads"), Some(&cast.justice_specialist), declaration("ket-qua.pdf"))
        .await
        .ok()
        .clone();
    assert!(app.put_presigned(&ticket, PDF).await.is_success());
    let upload = ticket["upload_id"].as_str().unwrap().to_string();
    let before = cast.dossier(&id, &cast.congdan).await;
    refused_everything(&cast, &ward, &id, &component, &upload, &unknown).await;
    assert_eq!(cast.dossier(&id, &cast.congdan).await, before);

    // Justice staff take it to the end.
    app.post(&action(&id, "start-processing"), Some(&cast.justice_specialist), json!({})).await.ok();
    let finished = app.post(&action(&id, "finish"), Some(&cast.justice_specialist), json!({"upload_id": upload})).await;
    let result = finished.ok()["result"]["file_id"].as_str().unwrap().to_string();
    for (who, token) in ward {
        let r = app.get(&file(&id, &result), Some(token)).await;
        assert_eq!(r.problem(404), "not_found", "{who}");
    }
    let returned = app.post(&action(&id, "return"), Some(&cast.justice_officer), json!({})).await;
    assert_eq!(returned.ok()["status"], "returned");
    app.get(&file(&id, &result), Some(&cast.justice_officer)).await.ok();
    app.get(&file(&id, &result), Some(&cast.congdan)).await.ok();
}

/// Every step an officer may take on a dossier.
fn officer_steps<'a>(who: &'a str, token: &'a str, id: &str, component: &str, upload: &str) -> Vec<Attempt<'a>> {
    vec![
        attempt(who, token, Method::GET, dossier(id), None),
        attempt(who, token, Method::GET, file(id, component), None),
        attempt(who, token, Method::GET, action(id, "rating"), None),
        attempt(who, token, Method::POST, action(id, "accept"), Some(json!({}))),
        attempt(who, token, Method::POST, action(id, "refuse"), Some(json!({"note": "Không thuộc thẩm quyền"}))),
        attempt(who, token, Method::POST, action(id, "start-processing"), Some(json!({}))),
        attempt(who, token, Method::POST, action(id, "result-uploads"), Some(declaration("ket-qua.pdf"))),
        attempt(who, token, Method::POST, action(id, "finish"), Some(json!({"upload_id": upload}))),
        attempt(who, token, Method::POST, action(id, "return"), Some(json!({}))),
        attempt(who, token, Method::POST, action(id, "confirm-withdrawal"), Some(json!({}))),
        attempt(who, token, Method::POST, action(id, "stop"), Some(json!({"note": "Dừng"}))),
    ]
}

/// Each of `outsiders` gets "not found" for every step, and does not list the dossier.
async fn refused_everything(
    cast: &Cast,
    outsiders: &[(&str, &str)],
    id: &str,
    component: &str,
    upload: &str,
    unknown: &Value,
) {
    for (who, token) in outsiders {
        refused(&cast.app, officer_steps(who, token, id, component, upload), 404, "not_found", Some(unknown)).await;
        if *token != cast.system_admin {
            assert!(!cast.listed(token, "").await.contains(id), "{who} lists it");
        }
    }
}

#[tokio::test]
async fn justice_staff_may_see_a_dossier_but_not_change_it_as_if_they_owned_it() {
    let cast = Cast::new().await;
    let app = &cast.app;
    let (id, component) = cast.justice_dossier(&cast.congdan).await;
    let before = cast.dossier(&id, &cast.congdan).await;
    let (o, s) = (cast.justice_officer.as_str(), cast.justice_specialist.as_str());
    refused(
        app,
        vec![
            attempt("officer", o, Method::PATCH, dossier(&id), Some(json!({"form": {"purpose": "Khác"}}))),
            attempt("officer", o, Method::POST, action(&id, "submit"), Some(json!({}))),
            attempt(
                "officer",
                o,
                Method::POST,
                format!("{}/components/giay-to-tuy-than/uploads", dossier(&id)),
                Some(declaration("x.pdf")),
            ),
            attempt("specialist", s, Method::POST, action(&id, "rating"), Some(rating())),
        ],
        403,
        "forbidden",
        None,
    )
    .await;
    refused(
        app,
        vec![attempt("officer", o, Method::POST, action(&id, "withdraw"), Some(json!({})))],
        403,
        "action_not_allowed_for_role",
        None,
    )
    .await;
    refused(app, vec![attempt("officer", o, Method::DELETE, file(&id, &component), None)], 409, "not_a_draft", None)
        .await;
    assert_eq!(cast.dossier(&id, &cast.congdan).await, before);
}

#[tokio::test]
async fn applicants_cannot_accept_process_finish_or_return_even_their_own_dossier() {
    let cast = Cast::new().await;
    let app = &cast.app;
    let c = cast.congdan.as_str();
    let (id, _) = cast.justice_dossier(c).await;
    let attempts = |id: &str| {
        vec![
            attempt("owner", c, Method::POST, action(id, "accept"), Some(json!({}))),
            attempt("owner", c, Method::POST, action(id, "refuse"), Some(json!({"note": "Tự từ chối"}))),
            attempt("owner", c, Method::POST, action(id, "start-processing"), None),
            attempt("owner", c, Method::POST, action(id, "result-uploads"), Some(declaration("ket-qua.pdf"))),
            attempt("owner", c, Method::POST, action(id, "finish"), Some(json!({"upload_id": "x"}))),
            attempt("owner", c, Method::POST, action(id, "return"), None),
            attempt("owner", c, Method::POST, action(id, "confirm-withdrawal"), None),
            attempt("owner", c, Method::POST, action(id, "stop"), Some(json!({"note": "Dừng"}))),
        ]
    };
    let before = cast.dossier(&id, c).await;
    refused(app, attempts(&id), 403, "action_not_allowed_for_role", None).await;
    assert_eq!(cast.dossier(&id, c).await, before);
    // Once accepted, too.
    app.post(&action(&id, "accept"), Some(&cast.justice_officer), json!({})).await.ok();
    let before = cast.dossier(&id, c).await;
    refused(app, attempts(&id), 403, "action_not_allowed_for_role", None).await;
    assert_eq!(cast.dossier(&id, c).await, before);
    // The owner's own action is theirs.
    let withdrawn = app.post(&action(&id, "withdraw"), Some(c), json!({"note": "Đã có phiếu"})).await;
    assert_eq!(withdrawn.ok()["status"], "withdrawal_requested");
}

#[tokio::test]
async fn a_specialist_cannot_accept_and_a_receiving_officer_cannot_finish() {
    let cast = Cast::new().await;
    let app = &cast.app;
    let (o, s) = (cast.justice_officer.as_str(), cast.justice_specialist.as_str());
    let (id, _) = cast.justice_dossier(&cast.congdan).await;
    let before = cast.dossier(&id, o).await;
    refused(
        app,
        vec![
            attempt("specialist", s, Method::POST, action(&id, "accept"), Some(json!({}))),
            attempt("specialist", s, Method::POST, action(&id, "refuse"), Some(json!({"note": "Thiếu giấy tờ"}))),
        ],
        403,
        "action_not_allowed_for_role",
        None,
    )
    .await;
    assert_eq!(cast.dossier(&id, o).await, before);
    app.post(&action(&id, "accept"), Some(o), json!({})).await.ok();

    let ticket = app.post(&action(&id, "result-uploads"), Some(s), declaration("ket-qua.pdf")).await.ok().clone();
    assert!(app.put_presigned(&ticket, PDF).await.is_success());
    let upload = ticket["upload_id"].as_str().unwrap();
    let before = cast.dossier(&id, o).await;
    refused(
        app,
        vec![
            attempt("officer", o, Method::POST, action(&id, "result-uploads"), Some(declaration("ket-qua.pdf"))),
            attempt("officer", o, Method::POST, action(&id, "finish"), Some(json!({"upload_id": upload}))),
            attempt("officer", o, Method::POST, action(&id, "stop"), Some(json!({"note": "Dừng"}))),
            attempt("specialist", s, Method::POST, action(&id, "return"), None),
            attempt("specialist", s, Method::POST, action(&id, "stop"), Some(json!({"note": "Dừng"}))),
        ],
        403,
        "action_not_allowed_for_role",
        None,
    )
    .await;
    assert_eq!(cast.dossier(&id, o).await, before);

    // Each in their own role.
    let finished = app.post(&action(&id, "finish"), Some(s), json!({"upload_id": upload})).await;
    assert_eq!(finished.ok()["status"], "finished");
    let returned = app.post(&action(&id, "return"), Some(o), json!({})).await;
    assert_eq!(returned.ok()["status"], "returned");
    // The ward leader may stop a ward dossier, the ward specialist may not.
    let ward = cast.ward_dossier(&cast.congdan).await;
    app.post(&action(&ward, "accept"), Some(&cast.ward_officer), json!({})).await.ok();
    refused(
        app,
        vec![attempt(
            "ward specialist",
            &cast.ward_specialist,
            Method::POST,
            action(&ward, "stop"),
            Some(json!({"note": "Dừng"})),
        )],
        403,
        "action_not_allowed_for_role",
        None,
    )
    .await;
    let stopped =
        app.post(&action(&ward, "stop"), Some(&cast.ward_leader), json!({"note": "Người nộp đề nghị dừng"})).await;
    assert_eq!(stopped.ok()["status"], "stopped");
}

#[tokio::test]
async fn drafts_are_invisible_to_staff_until_they_are_submitted() {
    let cast = Cast::new().await;
    let app = &cast.app;
    let (justice, justice_file) = cast.justice_draft(&cast.congdan).await;
    let ward = app
        .post(
            "/api/v1/dossiers",
            Some(&cast.congdan),
            json!({"procedure": WARD_COPY, "form": {"record_type": "Khai sinh"}}),
        )
        .await
        .ok()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let unknown = cast.unknown_dossier().await;
    let client = cast.machine_client().await;
    let staff = [
        ("justice officer", cast.justice_officer.as_str(), justice.as_str()),
        ("justice specialist", cast.justice_specialist.as_str(), justice.as_str()),
        ("ward officer", cast.ward_officer.as_str(), ward.as_str()),
        ("ward leader", cast.ward_leader.as_str(), ward.as_str()),
        ("ward machine client", client.as_str(), ward.as_str()),
    ];
    for (who, token, id) in staff {
        refused(
            app,
            vec![
                attempt(who, token, Method::GET, dossier(id), None),
                attempt(who, token, Method::GET, file(id, &justice_file), None),
                attempt(who, token, Method::POST, action(id, "accept"), Some(json!({}))),
                attempt(who, token, Method::POST, action(id, "refuse"), Some(json!({"note": "x"}))),
                attempt(who, token, Method::POST, action(id, "result-uploads"), Some(declaration("ket-qua.pdf"))),
                attempt(who, token, Method::POST, action(id, "finish"), Some(json!({"upload_id": "x"}))),
            ],
            404,
            "not_found",
            Some(&unknown),
        )
        .await;
        assert!(!cast.listed(token, "").await.contains(id), "{who}");
        assert!(cast.listed(token, "&status=draft").await.is_empty(), "{who}");
    }

    // Submitted, the draft appears to its agency.
    app.post(&action(&justice, "submit"), Some(&cast.congdan), json!({})).await.ok();
    assert_eq!(cast.dossier(&justice, &cast.justice_officer).await["status"], "submitted");
    app.get(&file(&justice, &justice_file), Some(&cast.justice_officer)).await.ok();
    assert!(cast.listed(&cast.justice_officer, "&status=submitted").await.contains(&justice));
}

#[tokio::test]
async fn the_ward_machine_client_gets_a_token_and_sees_only_ward_dossiers() {
    let cast = Cast::new().await;
    let app = &cast.app;
    // Form-encoded (RFC 6749) and JSON.
    let form = cast.machine_client().await;
    let json_token = app
        .post("/api/v1/auth/token", None, json!({"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}))
        .await;
    assert_eq!(json_token.ok()["role"], "integration_client");
    assert_eq!(json_token.body["token_type"], "Bearer");
    let claims = jwt_segment(&form, 1);
    assert_eq!((claims["sub"].as_str(), claims["agency"].as_str()), (Some(DEMO_CLIENT_ID), Some(WARD)));

    // Wrong or unknown credentials, either way.
    for (content_type, body) in [
        ("application/x-www-form-urlencoded", format!("grant_type=client_credentials&client_id={DEMO_CLIENT_ID}&client_secret=sai-bi-mat")),
        ("application/x-www-form-urlencoded", format!("grant_type=client_credentials&client_id=khong-co&client_secret={DEMO_CLIENT_SECRET}")),
        ("application/json", json!({"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET.to_uppercase()}).to_string()),
    ] {
        let req = app.raw_request(Method::POST, "/api/v1/auth/token", None, Some(content_type), body.as_bytes(), &[]);
        let (r, headers) = app.send_with_headers(req).await;
        assert_eq!(r.problem(401), "unauthenticated", "{body}");
        assert_eq!(headers["www-authenticate"], "Bearer");
        assert!(r.body.get("access_token").is_none());
    }

    let ward_a = cast.ward_dossier(&cast.congdan).await;
    let ward_b = cast.ward_dossier(&cast.business).await;
    let (justice, justice_file) = cast.justice_dossier(&cast.congdan).await;
    let unknown = cast.unknown_dossier().await;
    for token in [form.as_str(), json_token.body["access_token"].as_str().unwrap()] {
        assert_eq!(cast.listed(token, "").await, ids(&[&ward_a, &ward_b]));
        assert_eq!(cast.dossier(&ward_a, token).await["agency"], WARD);
        let component = cast.dossier(&ward_a, token).await["components"][0]["file_id"].as_str().unwrap().to_string();
        app.get(&file(&ward_a, &component), Some(token)).await.ok();
        refused(
            app,
            vec![
                attempt("machine client", token, Method::GET, dossier(&justice), None),
                attempt("machine client", token, Method::GET, file(&justice, &justice_file), None),
                attempt("machine client", token, Method::POST, action(&justice, "accept"), Some(json!({}))),
            ],
            404,
            "not_found",
            Some(&unknown),
        )
        .await;
        // A system reads; it does not take the officers' or the applicants' steps.
        refused(
            app,
            vec![attempt("machine client", token, Method::POST, action(&ward_a, "accept"), Some(json!({})))],
            403,
            "action_not_allowed_for_role",
            None,
        )
        .await;
        refused(
            app,
            vec![attempt(
                "machine client",
                token,
                Method::POST,
                "/api/v1/dossiers".into(),
                Some(json!({"procedure": WARD_COPY})),
            )],
            403,
            "forbidden",
            None,
        )
        .await;
        refused(
            app,
            vec![attempt("machine client", token, Method::GET, "/api/v1/me".into(), None)],
            404,
            "not_found",
            None,
        )
        .await;
    }
    assert_eq!(cast.dossier(&ward_a, &cast.congdan).await["status"], "submitted");
}

#[tokio::test]
async fn my_dossiers_never_lists_other_peoples_and_staff_lists_only_their_agencys() {
    let cast = Cast::new().await;
    let app = &cast.app;
    let (justice_a, _) = cast.justice_dossier(&cast.congdan).await;
    let ward_a = cast.ward_dossier(&cast.congdan).await;
    let (draft_a, _) = cast.justice_draft(&cast.congdan).await;
    let ward_b = cast.ward_dossier(&cast.business).await;
    let draft_b = app.criminal_record_draft(&cast.business).await["id"].as_str().unwrap().to_string();
    let (justice_c, _) = cast.justice_dossier(&cast.other).await;
    let client = cast.machine_client().await;

    assert_eq!(cast.listed(&cast.congdan, "").await, ids(&[&justice_a, &ward_a, &draft_a]));
    assert_eq!(cast.listed(&cast.business, "").await, ids(&[&ward_b, &draft_b]));
    assert_eq!(cast.listed(&cast.other, "").await, ids(&[&justice_c]));
    assert_eq!(cast.listed(&cast.congdan, "&status=draft").await, ids(&[&draft_a]));
    for token in [&cast.ward_officer, &cast.ward_specialist, &cast.ward_leader, &cast.ward_admin, &client] {
        assert_eq!(cast.listed(token, "").await, ids(&[&ward_a, &ward_b]));
    }
    for token in [&cast.justice_officer, &cast.justice_specialist] {
        assert_eq!(cast.listed(token, "").await, ids(&[&justice_a, &justice_c]));
    }
    // Staff lists carry only their agency's dossiers, whichever filter is used.
    let items = app.get("/api/v1/dossiers?status=submitted&limit=100", Some(&cast.ward_officer)).await;
    assert!(
        items.ok()["items"].as_array().unwrap().iter().all(|d| d["agency_name"] == "Ủy ban nhân dân phường Hạc Thành"),
        "{}",
        items.body
    );

    // The system administrator has no list of dossiers (and sees none of them).
    let r = app.get("/api/v1/dossiers", Some(&cast.system_admin)).await;
    assert_eq!(r.problem(403), "forbidden");
    assert_eq!(app.get(&dossier(&ward_a), Some(&cast.system_admin)).await.problem(404), "not_found");

    // A page cursor of someone else's list does not open it.
    let page = app.get("/api/v1/dossiers?limit=1", Some(&cast.congdan)).await;
    let cursor = page.ok()["next_cursor"].as_str().unwrap().to_string();
    for token in [&cast.other, &cast.business] {
        let r = app.get(&format!("/api/v1/dossiers?limit=1&cursor={cursor}"), Some(token)).await;
        assert_eq!(r.problem(400), "invalid_cursor");
    }
    let staff_page = app.get("/api/v1/dossiers?limit=1", Some(&cast.ward_officer)).await;
    let staff_cursor = staff_page.ok()["next_cursor"].as_str().unwrap().to_string();
    let r = app.get(&format!("/api/v1/dossiers?limit=1&cursor={staff_cursor}"), Some(&cast.justice_officer)).await;
    assert_eq!(r.problem(400), "invalid_cursor");
    let r = app.get(&format!("/api/v1/dossiers?limit=1&cursor={staff_cursor}"), Some(&cast.congdan)).await;
    assert_eq!(r.problem(400), "invalid_cursor");

    // Notifications are the owner's only.
    app.settle_events().await;
    let subjects = |token: &str| {
        let token = token.to_string();
        async move {
            let r = app.get("/api/v1/me/notifications?limit=100", Some(&token)).await;
            r.ok()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["subject"].as_str().unwrap().to_string())
                .collect::<BTreeSet<_>>()
        }
    };
    assert_eq!(subjects(&cast.congdan).await, ids(&[&justice_a, &ward_a]));
    assert_eq!(subjects(&cast.business).await, ids(&[&ward_b]));
    assert_eq!(subjects(&cast.other).await, ids(&[&justice_c]));
}

#[tokio::test]
async fn feedback_is_answered_only_by_staff_of_the_addressed_agency() {
    let cast = Cast::new().await;
    let app = &cast.app;
    let client = cast.machine_client().await;
    let body = |agency: &str| {
        json!({"kind": "report", "agency": agency, "title": "Vỉa hè bị lấn chiếm", "content": "Đề nghị kiểm tra vỉa hè trước số 12 Lê Lợi.",
            "submitter_name": "Nguyễn Văn An", "phone": "0912345678"})
    };
    let sent = app.post("/api/v1/feedback", Some(&cast.congdan), body(JUSTICE)).await;
    let (code, secret) =
        (sent.ok()["code"].as_str().unwrap().to_string(), sent.body["secret"].as_str().unwrap().to_string());
    let ward_fb = app.post("/api/v1/feedback", None, body(WARD)).await.ok()["code"].as_str().unwrap().to_string();
    let answer = |path: &str| format!("/api/v1/feedback/{path}/answer");
    let reply = json!({"answer": "Đã chuyển đội trật tự đô thị kiểm tra.", "publish": true});

    // Nobody outside the Department of Justice answers (or learns it exists).
    let outsiders = [
        ("ward officer", cast.ward_officer.as_str()),
        ("ward specialist", cast.ward_specialist.as_str()),
        ("ward machine client", client.as_str()),
        ("the submitter", cast.congdan.as_str()),
        ("another citizen", cast.other.as_str()),
        ("system admin", cast.system_admin.as_str()),
    ];
    let attempts =
        outsiders.iter().map(|(who, t)| attempt(who, t, Method::POST, answer(&code), Some(reply.clone()))).collect();
    refused(app, attempts, 404, "not_found", None).await;
    let reads = [
        ("ward officer", cast.ward_officer.as_str()),
        ("another citizen", cast.other.as_str()),
        ("ward machine client", client.as_str()),
    ]
    .iter()
    .map(|(who, t)| attempt(who, t, Method::GET, format!("/api/v1/feedback/{code}"), None))
    .collect();
    refused(app, reads, 404, "not_found", None).await;
    let followed = app.get(&format!("/api/v1/feedback/{code}?secret={secret}"), None).await;
    assert!(followed.ok()["answer"].is_null(), "unanswered: {}", followed.body);

    // Inboxes are per agency.
    let inbox = |token: &str| {
        let token = token.to_string();
        async move {
            let r = app.get("/api/v1/feedback?limit=100", Some(&token)).await;
            r.ok()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["code"].as_str().unwrap().to_string())
                .collect::<BTreeSet<_>>()
        }
    };
    assert_eq!(inbox(&cast.justice_officer).await, ids(&[&code]));
    assert_eq!(inbox(&cast.ward_officer).await, ids(&[&ward_fb]));
    assert!(inbox(&cast.congdan).await.is_empty(), "citizens see only published answers");

    // Justice staff read the whole of it and answer.
    let read = app.get(&format!("/api/v1/feedback/{code}"), Some(&cast.justice_officer)).await;
    assert_eq!(read.ok()["submitter_name"], "Nguyễn Văn An");
    let own = app.get(&format!("/api/v1/feedback/{code}"), Some(&cast.congdan)).await;
    assert_eq!(own.ok()["phone"], "0912345678");
    let answered = app.post(&answer(&code), Some(&cast.justice_specialist), reply.clone()).await;
    assert_eq!(answered.ok()["status_label"], "Đã trả lời");
    // The ward answers its own, but not with its machine client, nor for Justice.
    refused(
        app,
        vec![
            attempt("ward machine client", &client, Method::POST, answer(&ward_fb), Some(reply.clone())),
            attempt(
                "justice specialist",
                &cast.justice_specialist,
                Method::POST,
                answer(&ward_fb),
                Some(reply.clone()),
            ),
        ],
        404,
        "not_found",
        None,
    )
    .await;
    app.post(&answer(&ward_fb), Some(&cast.ward_specialist), json!({"answer": "Đã xử lý.", "publish": false}))
        .await
        .ok();

    // Published: everyone sees the answer, nobody the submitter.
    let public = app.get("/api/v1/feedback?limit=100", None).await;
    let items = public.ok()["items"].as_array().unwrap();
    assert_eq!(
        items.iter().map(|f| f["code"].as_str().unwrap()).collect::<Vec<_>>(),
        [code.as_str()],
        "only the published one"
    );
    assert!(items[0].get("submitter_name").is_none() && items[0].get("phone").is_none());
    let as_other = app.get(&format!("/api/v1/feedback/{code}"), Some(&cast.other)).await;
    assert!(as_other.ok().get("submitter_name").is_none());
    // The submitter is told; nobody else.
    app.settle_events().await;
    let told = |token: &str| {
        let token = token.to_string();
        async move {
            let r = app.get("/api/v1/me/notifications?limit=100", Some(&token)).await;
            r.ok()["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "feedback.answered").count()
        }
    };
    assert_eq!(told(&cast.congdan).await, 1);
    assert_eq!(told(&cast.other).await, 0);
}

#[tokio::test]
async fn the_public_lookup_works_without_login_with_a_second_factor_only() {
    let cast = Cast::new().await;
    let app = &cast.app;
    let (mine, _) = cast.justice_dossier(&cast.congdan).await;
    let (theirs, _) = cast.justice_dossier(&cast.other).await;
    let mut codes = vec![];
    for id in [&mine, &theirs] {
        let accepted = app.post(&action(id, "accept"), Some(&cast.justice_officer), json!({})).await.ok().clone();
        codes.push((
            accepted["code"].as_str().unwrap().to_string(),
            accepted["receipt_secret"].as_str().unwrap().to_string(),
        ));
    }
    let (code, secret) = codes[0].clone();
    let (their_code, their_secret) = codes[1].clone();

    // Without any login.
    let by_secret = app.get(&format!("/api/v1/lookup/{code}?secret={secret}"), None).await;
    assert_eq!(by_secret.ok()["code"], code.as_str());
    assert_eq!(by_secret.body["status"], "accepted");
    assert!(
        !by_secret.body.to_string().contains("Nguyễn Văn An") && !by_secret.body.to_string().contains("038090001234")
    );
    let lower = app.get(&format!("/api/v1/lookup/{code}?secret={}", secret.to_lowercase()), None).await;
    assert_eq!(lower.ok(), &by_secret.body);
    assert_eq!(app.get(&format!("/api/v1/lookup/{code}?id_number=038090001234"), None).await.ok(), &by_secret.body);
    assert_eq!(
        app.get(&format!("/api/v1/lookup/{their_code}?id_number=038095007777"), None).await.ok()["code"],
        their_code.as_str()
    );

    // The second factor is required, and must be this dossier's.
    assert_eq!(app.get(&format!("/api/v1/lookup/{code}"), None).await.problem(400), "second_factor_required");
    let unknown = app.get(&format!("/api/v1/lookup/{}?secret={secret}", dossier_code(JUSTICE, 999)), None).await;
    assert_eq!(unknown.problem(404), "not_found");
    for q in [
        format!("{code}?secret={their_secret}"),
        format!("{their_code}?secret={secret}"),
        format!("{code}?id_number=038095007777"),
        format!("{their_code}?id_number=038090001234"),
        format!("{code}?secret=ABCDEFGH"),
    ] {
        let r = app.get(&format!("/api/v1/lookup/{q}"), None).await;
        assert_eq!(r.problem(404), "not_found", "{q}");
        assert_eq!(r.body["detail"], unknown.body["detail"], "{q}");
    }
}

#[tokio::test]
async fn every_token_names_a_signing_key_published_in_the_jwks() {
    let cast = Cast::new().await;
    let app = &cast.app;
    let jwks = app.get("/api/v1/auth/jwks", None).await.ok().clone();
    let keys = jwks["keys"].as_array().unwrap();
    assert!(!keys.is_empty());
    for k in keys {
        assert_eq!(
            (k["kty"].as_str(), k["crv"].as_str(), k["alg"].as_str(), k["use"].as_str()),
            (Some("OKP"), Some("Ed25519"), Some("EdDSA"), Some("sig"))
        );
        assert!(k.get("d").is_none(), "no private part: {k}");
    }
    let kids: BTreeSet<&str> = keys.iter().map(|k| k["kid"].as_str().unwrap()).collect();
    let client = cast.machine_client().await;
    for (who, token, role) in [
        ("citizen", &cast.congdan, "citizen"),
        ("business", &cast.business, "business"),
        ("justice officer", &cast.justice_officer, "receiving_officer"),
        ("ward leader", &cast.ward_leader, "leader"),
        ("system admin", &cast.system_admin, "system_admin"),
        ("machine client", &client, "integration_client"),
    ] {
        let header = jwt_segment(token, 0);
        assert_eq!(header["alg"], "EdDSA", "{who}");
        let kid = header["kid"].as_str().unwrap_or_else(|| panic!("{who}: a kid"));
        assert!(kids.contains(kid), "{who}: {kid} not in {kids:?}");
        let claims = jwt_segment(token, 1);
        assert_eq!(claims["role"], role, "{who}");
        assert_eq!(claims["iss"], app.services().config.issuer.as_str(), "{who}");
        assert_eq!(claims["aud"], "motcua-api", "{who}");
    }
    // A token from a key that is not published is refused.
    let foreign = motcua_core::auth::JwtKeys::from_pems(&[motcua_core::auth::JwtKeys::generate_pem()]).unwrap();
    let claims: motcua_core::auth::Claims = serde_json::from_value(jwt_segment(&cast.congdan, 1)).unwrap();
    let token = foreign.sign(&claims).unwrap();
    assert!(!kids.contains(jwt_segment(&token, 0)["kid"].as_str().unwrap()));
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.problem(401), "unauthenticated");
    assert_eq!(app.get("/api/v1/me", Some(&cast.congdan)).await.ok()["username"], "congdan");
}

#[tokio::test]
async fn the_rating_and_the_result_belong_to_the_owner_and_the_agency_that_handled_the_dossier() {
    let cast = Cast::new().await;
    let app = &cast.app;
    let (id, _) = cast.justice_dossier(&cast.congdan).await;
    app.post(&action(&id, "accept"), Some(&cast.justice_officer), json!({})).await.ok();
    let ticket = app
        .post(&action(&id, "result-uploads"), Some(&cast.justice_specialist), declaration("ket-qua.pdf"))
        .await
        .ok()
        .clone();
    assert!(app.put_presigned(&ticket, PDF).await.is_success());
    let finished = app
        .post(&action(&id, "finish"), Some(&cast.justice_specialist), json!({"upload_id": ticket["upload_id"]}))
        .await;
    let result = finished.ok()["result"]["file_id"].as_str().unwrap().to_string();
    let unknown = cast.unknown_dossier().await;

    let outsiders = [
        ("another citizen", cast.other.as_str()),
        ("ward officer", cast.ward_officer.as_str()),
        ("system admin", cast.system_admin.as_str()),
    ];
    let mut attempts = vec![];
    for (who, token) in outsiders {
        attempts.push(attempt(who, token, Method::POST, action(&id, "rating"), Some(rating())));
        attempts.push(attempt(who, token, Method::GET, action(&id, "rating"), None));
        attempts.push(attempt(who, token, Method::GET, file(&id, &result), None));
    }
    refused(app, attempts, 404, "not_found", Some(&unknown)).await;
    refused(
        app,
        vec![attempt("justice officer", &cast.justice_officer, Method::POST, action(&id, "rating"), Some(rating()))],
        403,
        "forbidden",
        None,
    )
    .await;
    assert_eq!(
        app.get(&action(&id, "rating"), Some(&cast.justice_officer)).await.problem(404),
        "not_found",
        "not rated yet"
    );

    let rated = app.post(&action(&id, "rating"), Some(&cast.congdan), rating()).await;
    assert_eq!(rated.status.as_u16(), 201, "{}", rated.body);
    for token in [&cast.congdan, &cast.justice_officer, &cast.justice_specialist] {
        assert_eq!(app.get(&action(&id, "rating"), Some(token)).await.ok()["dossier_id"], id.as_str());
        let link = app.get(&file(&id, &result), Some(token)).await;
        let bytes = app.http.get(link.ok()["url"].as_str().unwrap()).send().await.unwrap().bytes().await.unwrap();
        assert_eq!(&bytes[..], PDF);
    }
}

/// Security issue, item 1: 200 wrong passwords in a row used to be answered 401 each time.
#[tokio::test]
async fn wrong_passwords_lock_the_account_out_for_growing_periods_with_429_and_retry_after() {
    let app = TestApp::spawn().await;
    let login = |password: &str| {
        app.http
            .post(format!("{}/api/v1/auth/login", app.url))
            .json(&json!({"username": "congdan", "password": password}))
    };
    for _ in 0..6 {
        assert_eq!(app.send(login("sai-mat-khau")).await.problem(401), "unauthenticated");
    }
    // Locked: not even the right password is checked.
    let (locked, headers) = app.send_with_headers(login(DEMO_PASSWORD)).await;
    assert_eq!(locked.problem(429), "too_many_requests");
    assert_eq!(headers["retry-after"], "60");
    assert!(locked.body["detail"].as_str().unwrap().contains("1 phút"));
    // Another account is not affected.
    assert!(app
        .send(
            app.http
                .post(format!("{}/api/v1/auth/login", app.url))
                .json(&json!({"username": "tiepnhan.stp", "password": DEMO_PASSWORD}))
        )
        .await
        .status
        .is_success());
    // The next failure after the lockout locks for twice as long.
    app.clock.advance(chrono::Duration::seconds(61));
    assert_eq!(app.send(login("sai-mat-khau")).await.problem(401), "unauthenticated");
    let (_, headers) = app.send_with_headers(login(DEMO_PASSWORD)).await;
    assert_eq!(headers["retry-after"], "120");
    // After it, the right password works and the count starts again.
    app.clock.advance(chrono::Duration::seconds(121));
    assert!(app.send(login(DEMO_PASSWORD)).await.status.is_success());
    assert_eq!(app.send(login("sai-mat-khau")).await.problem(401), "unauthenticated");
    assert!(app.send(login(DEMO_PASSWORD)).await.status.is_success());
    // Unknown usernames are throttled alike (no way to tell them apart).
    let unknown = || {
        app.http
            .post(format!("{}/api/v1/auth/login", app.url))
            .json(&json!({"username": "khong-co-ai", "password": "x"}))
    };
    for _ in 0..6 {
        assert_eq!(app.send(unknown()).await.problem(401), "unauthenticated");
    }
    assert_eq!(app.send(unknown()).await.problem(429), "too_many_requests");
}

/// Security issue, item 2: a token kept working until it expired, whatever happened to its
/// account. Logging out ends every session of the account, on every device, at once.
#[tokio::test]
async fn logout_revokes_every_token_of_the_account_at_once() {
    let app = TestApp::spawn().await;
    let (phone, laptop) = (app.login("congdan").await, app.login("congdan").await);
    let other = app.login("doanhnghiep").await;
    assert!(app.get("/api/v1/dossiers", Some(&laptop)).await.status.is_success());
    assert_eq!(app.post("/api/v1/auth/logout", Some(&phone), json!({})).await.ok()["logged_out"], true);
    for token in [&phone, &laptop] {
        assert_eq!(app.get("/api/v1/me", Some(token)).await.problem(401), "unauthenticated");
        assert_eq!(app.get("/api/v1/dossiers", Some(token)).await.problem(401), "unauthenticated");
        assert_eq!(app.post("/api/v1/auth/logout", Some(token), json!({})).await.problem(401), "unauthenticated");
    }
    assert!(app.get("/api/v1/me", Some(&other)).await.status.is_success(), "other accounts keep their sessions");
    let fresh = app.login("congdan").await;
    assert_eq!(app.get("/api/v1/me", Some(&fresh)).await.ok()["username"], "congdan");
}

/// Security issue, item 8: two accounts could hold the same ID number.
#[tokio::test]
async fn an_id_number_belongs_to_one_account_which_may_move_it_but_not_take_anothers() {
    let cast = Cast::new().await;
    let app = &cast.app;
    let profile = |id: &str| json!({"full_name": "Trần Thị Cúc", "id_number": id});
    let taken = app.request(Method::PUT, "/api/v1/me", Some(&cast.other), Some(profile("038090001234")), &[]).await;
    assert_eq!(taken.problem(409), "id_number_taken");
    let moved = app.request(Method::PUT, "/api/v1/me", Some(&cast.other), Some(profile("038095008888")), &[]).await;
    assert_eq!(moved.ok()["profile"]["id_number"], "038095008888");
    // The number it left is free again; the one it took is not.
    let register = |username: &str, id: &str| json!({"username": username, "password": "MatKhau@2026", "profile": {"full_name": "Người Khác", "id_number": id}});
    let freed = app.post("/api/v1/auth/register", None, register("nguoikhac", "038095007777")).await;
    assert_eq!(freed.status.as_u16(), 201, "{}", freed.body);
    let again = app.post("/api/v1/auth/register", None, register("nguoikhac2", "038095008888")).await;
    assert_eq!(again.problem(409), "id_number_taken");
}

/// Security issue, item 6: knowing a person's ID number, 1,000 sequential codes were tried in
/// 2.6 s and found that person's dossier.
#[tokio::test]
async fn walking_codes_is_slowed_down_per_code_and_per_client_address() {
    let cast = Cast::new().await;
    let app = &cast.app;
    let (id, _) = cast.justice_dossier(&cast.congdan).await;
    let accepted = app.post(&action(&id, "accept"), Some(&cast.justice_officer), json!({})).await.ok().clone();
    let (code, secret) = (accepted["code"].as_str().unwrap(), accepted["receipt_secret"].as_str().unwrap());
    let lookup =
        |q: String| async move { app.send_with_headers(app.http.get(format!("{}/api/v1/lookup/{q}", app.url))).await };
    assert_eq!(lookup(format!("{code}?secret={secret}")).await.0.ok()["code"], code);
    // Five wrong ID numbers are answered like unknown codes; the sixth locks the code.
    for n in 0..6 {
        let (r, _) = lookup(format!("{code}?id_number=03809000{n:04}")).await;
        assert_eq!(r.problem(404), "not_found");
    }
    let (locked, headers) = lookup(format!("{code}?secret={secret}")).await;
    assert_eq!(locked.problem(429), "too_many_requests");
    assert_eq!(headers["retry-after"], "60");
    app.clock.advance(chrono::Duration::seconds(61));
    assert_eq!(lookup(format!("{code}?secret={secret}")).await.0.ok()["code"], code, "the right factor, later");
    // One client address gets 20 lookups in a burst (9 made so far), then one every 3 seconds.
    for n in 9..20 {
        let (r, _) = lookup(format!("{}?id_number=038090001234", dossier_code(JUSTICE, n))).await;
        assert_eq!(r.problem(404), "not_found");
    }
    let (slowed, headers) = lookup(format!("{code}?secret={secret}")).await;
    assert_eq!(slowed.problem(429), "too_many_requests");
    let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3).contains(&wait), "{wait}");
}

/// Security issue, item 3: upload tickets were unlimited (40 PUTs in one second left 200 MB)
/// and objects uploaded but never completed stayed for ever.
#[tokio::test]
async fn upload_declarations_are_limited_and_abandoned_objects_are_swept() {
    let cast = Cast::new().await;
    let app = &cast.app;
    let c = cast.congdan.as_str();
    let id = app.criminal_record_draft(c).await["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/dossiers/{id}/components/{CRIMINAL_RECORD_FORM}/uploads");
    let declare = |size: usize| {
        json!({"filename": "to-khai.pdf", "size": size, "content_type": "application/pdf",
        "sha256": "ab".repeat(32)})
    };
    // An applicant declares at most 500 MB a day: fifty files of 10 MB.
    for _ in 0..50 {
        assert_eq!(app.post(&path, Some(c), declare(10 * 1024 * 1024)).await.status.as_u16(), 201);
    }
    let (over, headers) =
        app.send_with_headers(app.http.post(format!("{}{path}", app.url)).bearer_auth(c).json(&declare(1000))).await;
    assert_eq!(over.problem(429), "too_many_requests");
    let wait: i64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=86_400).contains(&wait), "until midnight: {wait}");
    // The next day, the dossier takes ten more (sixty in its life) and then no more.
    app.clock.advance(chrono::Duration::days(1));
    for _ in 0..10 {
        assert_eq!(app.post(&path, Some(c), declare(1000)).await.status.as_u16(), 201);
    }
    assert_eq!(app.post(&path, Some(c), declare(1000)).await.problem(409), "upload_limit_reached");

    // Two files uploaded to another dossier; one completed, the other abandoned.
    let other = app.criminal_record_draft(c).await["id"].as_str().unwrap().to_string();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(PDF));
    let pdf = json!({"filename": "to-khai.pdf", "size": PDF.len(), "content_type": "application/pdf", "sha256": sha});
    let other_path = format!("/api/v1/dossiers/{other}/components/{CRIMINAL_RECORD_FORM}/uploads");
    let mut uploads = vec![];
    for _ in 0..2 {
        let ticket = app.post(&other_path, Some(c), pdf.clone()).await.ok().clone();
        assert!(app.put_presigned(&ticket, PDF).await.is_success());
        uploads.push(ticket["upload_id"].as_str().unwrap().to_string());
    }
    app.post(&format!("{other_path}/{}/complete", uploads[0]), Some(c), json!({})).await.ok();
    let objects = &app.services().objects;
    let (kept, abandoned) = (format!("dossiers/{other}/{}", uploads[0]), format!("dossiers/{other}/{}", uploads[1]));
    assert!(objects.head(&abandoned).await.unwrap().is_some());
    // Nothing is due before the declarations expire; a day and two hours later, the sweeper
    // deletes what no dossier holds, and only that.
    let now = chrono::Utc::now().timestamp();
    assert_eq!(relay(motcua_core::upload_limits::sweep(app.services(), now)).await.unwrap(), 0);
    let later = now + 26 * 3600;
    assert_eq!(
        relay(motcua_core::upload_limits::sweep(app.services(), later)).await.unwrap(),
        61,
        "60 never sent, 1 left"
    );
    assert!(objects.head(&abandoned).await.unwrap().is_none());
    assert!(objects.head(&kept).await.unwrap().is_some());
    assert_eq!(relay(motcua_core::upload_limits::sweep(app.services(), later)).await.unwrap(), 0, "each entry once");
    let file = app.get(&format!("/api/v1/dossiers/{other}"), Some(c)).await.ok()["components"][0]["file_id"].clone();
    let link = app.get(&format!("/api/v1/dossiers/{other}/files/{}", file.as_str().unwrap()), Some(c)).await;
    assert!(link.status.is_success(), "the completed file is still there: {}", link.body);
}

/// Security issue, item 5: the 8-hour bearer token sat in the browser's `localStorage`. The
/// browser's session is now an HttpOnly cookie, and what it authorises beyond reading needs
/// the CSRF header only a page of this site can set.
#[tokio::test]
async fn the_browser_session_is_an_httponly_cookie_and_changes_need_the_csrf_header() {
    let app = TestApp::spawn().await;
    let login = |host: &str| {
        app.http
            .post(format!("{}/api/v1/auth/login", app.url))
            .header("host", host)
            .json(&json!({"username": "congdan", "password": DEMO_PASSWORD}))
    };
    let (answer, headers) = app.send_with_headers(login("127.0.0.1")).await;
    let token = answer.ok()["access_token"].as_str().unwrap().to_string();
    let set: Vec<String> = headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let session = set.iter().find(|c| c.starts_with("motcua_session=")).unwrap();
    let csrf_cookie = set.iter().find(|c| c.starts_with("motcua_csrf=")).unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/api", "Max-Age=28800"] {
        assert!(session.contains(attribute), "{session}");
    }
    assert!(!csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Strict"), "{csrf_cookie}");
    assert!(!session.contains("Secure"), "plain http on a loopback address (cargo run)");
    let (_, headers) = app.send_with_headers(login("dichvucong.thanhhoa.gov.vn")).await;
    assert!(headers.get_all("set-cookie").iter().all(|c| c.to_str().unwrap().contains("Secure")));

    let csrf = csrf_cookie.trim_start_matches("motcua_csrf=").split(';').next().unwrap().to_string();
    let cookies = format!("motcua_session={token}; motcua_csrf={csrf}");
    let with_cookies = |method: reqwest::Method, path: &str| {
        app.http.request(method, format!("{}{path}", app.url)).header("cookie", cookies.clone())
    };
    assert_eq!(app.send(with_cookies(Method::GET, "/api/v1/me")).await.ok()["username"], "congdan");
    let draft = json!({"procedure": CRIMINAL_RECORD, "form": {}});
    let post = || with_cookies(Method::POST, "/api/v1/dossiers").json(&draft);
    assert_eq!(app.send(post()).await.problem(403), "csrf_token_invalid", "another site's form");
    assert_eq!(app.send(post().header("x-csrf-token", "0".repeat(32))).await.problem(403), "csrf_token_invalid");
    assert_eq!(app.send(post().header("x-csrf-token", &csrf)).await.status.as_u16(), 201);
    assert_eq!(app.post("/api/v1/dossiers", Some(&token), draft.clone()).await.status.as_u16(), 201, "bearer: no CSRF");
    // A public page stays public with a cookie that no longer works.
    let (out, headers) =
        app.send_with_headers(with_cookies(Method::POST, "/api/v1/auth/logout").header("x-csrf-token", &csrf)).await;
    assert_eq!(out.ok()["logged_out"], true);
    assert!(headers.get_all("set-cookie").iter().all(|c| c.to_str().unwrap().contains("Max-Age=0")));
    assert_eq!(app.send(with_cookies(Method::GET, "/api/v1/me")).await.problem(401), "unauthenticated");
    assert!(app.send(with_cookies(Method::GET, "/api/v1/feedback")).await.status.is_success());
}

/// Security issue, item 8 (P14): nobody could tell who had read an applicant's data.
#[tokio::test]
async fn the_applicant_sees_who_read_their_dossier_and_files() {
    let cast = Cast::new().await;
    let app = &cast.app;
    let (id, file) = cast.justice_dossier(&cast.congdan).await;
    app.get(&dossier(&id), Some(&cast.congdan)).await.ok(); // the owner's own reads are not listed
    app.get(&dossier(&id), Some(&cast.justice_officer)).await.ok();
    app.get(&format!("/api/v1/dossiers/{id}/files/{file}"), Some(&cast.justice_officer)).await.ok();
    let path = format!("/api/v1/dossiers/{id}/reads");
    let reads = app.get(&path, Some(&cast.congdan)).await.ok().clone();
    let items = reads["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{reads}");
    assert!(items[0]["what"].as_str().unwrap().starts_with("file:"), "newest first: {reads}");
    assert_eq!((items[1]["what"].as_str(), items[1]["by"].as_str()), (Some("dossier"), Some("Đỗ Thị Mai")));
    assert_eq!(items[1]["agency"], JUSTICE);
    assert!(app.get(&path, Some(&cast.justice_specialist)).await.status.is_success(), "the handling agency");
    assert_eq!(app.get(&path, Some(&cast.other)).await.problem(404), "not_found");
    assert_eq!(app.get(&path, Some(&cast.ward_officer)).await.problem(404), "not_found");
}
