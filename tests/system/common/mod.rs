//! Test harness: spawns the whole embedded application on port 0 with its own temporary data
//! directory and a manual clock, and drives it over HTTP like a client would.
#![allow(dead_code, unused_imports)]

use chrono::{DateTime, Utc};
use motcua::{Application, Settings};
pub use motcua_domain::regime::{Regime, RegimeSchedule};
use motcua_ports::ManualClock;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::Arc;

pub use motcua::seed::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, JUSTICE, WARD};

/// Criminal-record certificate at the Department of Justice: 10 working days.
pub const CRIMINAL_RECORD: &str = "2.000488";
pub const CRIMINAL_RECORD_FORM: &str = "to-khai-lltp";

/// The regime the suite runs under: `MOTCUA_TEST_REGIME` (`2019` unless set), so that the whole
/// suite passes under both regimes (tests/run.sh runs it twice).
pub fn regime() -> Regime {
    match std::env::var("MOTCUA_TEST_REGIME").as_deref() {
        Ok("2025") => Regime::R2025,
        Ok("2019") | Err(_) => Regime::R2019,
        Ok(other) => panic!("MOTCUA_TEST_REGIME must be 2019 or 2025, not {other}"),
    }
}

/// The code of the `seq`-th dossier `unit` accepted on Monday 02/03/2026, in the suite's regime's
/// format (`…-260302-0001` under 2019, `…-20260302-0000001` under 2025).
pub fn dossier_code(unit: &str, seq: u64) -> String {
    regime().code_format().format(unit, monday_morning().date_naive(), seq)
}

/// Monday 02/03/2026 09:00 Vietnam time.
pub fn monday_morning() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T09:00:00+07:00").unwrap().with_timezone(&Utc)
}

pub struct TestApp {
    app: Option<Application>,
    pub url: String,
    pub http: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub dir: PathBuf,
    /// Requests made to DynamoDB, S3 and SQS (AWS backend only).
    pub counter: Option<Arc<motcua_aws::RequestCounter>>,
    _tmp: Option<tempfile::TempDir>,
}

pub struct Response {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Value,
}

impl Response {
    /// Asserts a problem+json error with the given status; returns its `code`.
    pub fn problem(&self, status: u16) -> String {
        assert_eq!(self.status.as_u16(), status, "expected {status}, got {}: {}", self.status, self.body);
        assert_eq!(self.content_type, "application/problem+json", "{}", self.body);
        assert_eq!(self.body["status"], status);
        assert!(self.body["title"].as_str().is_some_and(|t| !t.is_empty()));
        self.body["code"].as_str().expect("problem has a code").to_string()
    }

    pub fn ok(&self) -> &Value {
        assert!(self.status.is_success(), "expected success, got {}: {}", self.status, self.body);
        &self.body
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let mut app = TestApp::start(dir, Arc::new(ManualClock::new(monday_morning()))).await;
        app._tmp = Some(tmp);
        app
    }

    /// Without the background worker: nothing happens but what the test asks for.
    pub async fn spawn_quiet() -> TestApp {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let mut app = TestApp::start_with(dir, Arc::new(ManualClock::new(monday_morning())), false).await;
        app._tmp = Some(tmp);
        app
    }

    /// Without the background worker, connected to `portal` (national-connections tests): the
    /// test runs the integration worker's ticks itself, moving the clock between them.
    pub async fn spawn_connected(portal: &motcua_fakes::FakeNationalPortal, inbound_secret: &str) -> TestApp {
        let tmp = tempfile::tempdir().unwrap();
        let dvcqg = motcua::from_env(portal.env(), |get| motcua_connectors::DvcqgSettings::from_lookup(get));
        let configure = |s: &mut Settings| {
            s.dvcqg = dvcqg;
            s.dvcqg_inbound_secret = Some(inbound_secret.to_string());
            s.allow_http_webhooks = true;
            s.public_url = Some("https://dichvucong.thanhhoa.example".into());
        };
        let clock = Arc::new(ManualClock::new(monday_morning()));
        let mut app = TestApp::start_configured(tmp.path().to_path_buf(), clock, false, configure).await;
        app._tmp = Some(tmp);
        app
    }

    /// With settings changed by `configure` (server timeouts…).
    pub async fn spawn_configured(configure: impl FnOnce(&mut Settings)) -> TestApp {
        let tmp = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(monday_morning()));
        let mut app = TestApp::start_configured(tmp.path().to_path_buf(), clock, true, configure).await;
        app._tmp = Some(tmp);
        app
    }

    /// Starts on an existing data directory (for restarts).
    pub async fn start(dir: PathBuf, clock: Arc<ManualClock>) -> TestApp {
        TestApp::start_with(dir, clock, true).await
    }

    async fn start_with(dir: PathBuf, clock: Arc<ManualClock>, run_worker: bool) -> TestApp {
        TestApp::start_configured(dir, clock, run_worker, |_| {}).await
    }

    async fn start_configured(
        dir: PathBuf,
        clock: Arc<ManualClock>,
        run_worker: bool,
        configure: impl FnOnce(&mut Settings),
    ) -> TestApp {
        let mut settings = Settings {
            run_worker,
            addr: "127.0.0.1:0".parse().unwrap(),
            data_dir: dir.clone(),
            web_dir: Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("web")),
            seed_demo: true,
            clock: clock.clone(),
            regime: RegimeSchedule::only(regime()),
            ..Settings::default()
        };
        configure(&mut settings);
        let (app, counter) = match aws_endpoint() {
            None => (Application::build(settings).await.expect("application starts"), None),
            Some(endpoint) => {
                let counter = motcua_aws::RequestCounter::new();
                (start_on_aws(&endpoint, settings, counter.clone()).await, Some(counter))
            }
        };
        TestApp { url: app.url(), app: Some(app), http: reqwest::Client::new(), clock, dir, counter, _tmp: None }
    }

    /// Stops the application; the data directory stays.
    pub async fn stop(&mut self) -> Option<tempfile::TempDir> {
        if let Some(app) = self.app.take() {
            app.stop().await;
        }
        self._tmp.take()
    }

    pub fn services(&self) -> &Arc<motcua_core::Services> {
        self.app.as_ref().unwrap().services()
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Response {
        let mut req = self.http.request(method, format!("{}{}", self.url, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request sent");
        let status = res.status();
        let content_type = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let text = res.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Response { status, content_type, body }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token, None, &[]).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.request(Method::POST, path, token, Some(body), &[]).await
    }

    pub async fn login(&self, username: &str) -> String {
        let r = self.post("/api/v1/auth/login", None, json!({"username": username, "password": DEMO_PASSWORD})).await;
        r.ok()["access_token"].as_str().unwrap().to_string()
    }

    /// A draft of the criminal-record procedure with the fields the profile does not fill.
    pub async fn criminal_record_draft(&self, token: &str) -> Value {
        let r = self
            .post(
                "/api/v1/dossiers",
                Some(token),
                json!({"procedure": CRIMINAL_RECORD, "form": {
                "certificate_type": "Phiếu lý lịch tư pháp số 1", "purpose": "Bổ sung hồ sơ xin việc", "copies": 1}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body
    }

    /// Uploads bytes through the presigned flow and completes the upload.
    pub async fn upload(
        &self,
        token: &str,
        dossier: &str,
        component: &str,
        bytes: &[u8],
        content_type: &str,
        filename: &str,
    ) -> Response {
        let sha = hex::encode(Sha256::digest(bytes));
        let ticket = self
            .post(
                &format!("/api/v1/dossiers/{dossier}/components/{component}/uploads"),
                Some(token),
                json!({"filename": filename, "size": bytes.len(), "content_type": content_type, "sha256": sha}),
            )
            .await;
        let ticket = ticket.ok().clone();
        self.put_presigned(&ticket, bytes).await;
        let upload = ticket["upload_id"].as_str().unwrap();
        self.post(
            &format!("/api/v1/dossiers/{dossier}/components/{component}/uploads/{upload}/complete"),
            Some(token),
            json!({}),
        )
        .await
    }

    /// PUTs bytes to a presigned upload ticket; returns the HTTP status.
    pub async fn put_presigned(&self, ticket: &Value, bytes: &[u8]) -> StatusCode {
        let u = &ticket["upload"];
        let mut req = self.http.put(u["url"].as_str().unwrap()).body(bytes.to_vec());
        for h in u["headers"].as_array().unwrap() {
            req = req.header(h[0].as_str().unwrap(), h[1].as_str().unwrap());
        }
        req.send().await.unwrap().status()
    }

    /// A complete, submitted criminal-record dossier of `congdan`; returns its id.
    pub async fn submitted_dossier(&self, citizen: &str) -> String {
        let d = self.criminal_record_draft(citizen).await;
        let id = d["id"].as_str().unwrap().to_string();
        self.upload(citizen, &id, CRIMINAL_RECORD_FORM, PDF, "application/pdf", "to-khai.pdf").await.ok();
        self.post(&format!("/api/v1/dossiers/{id}/submit"), Some(citizen), json!({})).await.ok();
        id
    }
}

/// `MOTCUA_TEST_BACKEND=aws` runs the same system tests on the AWS adapters against a local
/// AWS emulator (moto) at `MOTCUA_TEST_AWS_ENDPOINT` (see `tests/moto.sh`).
pub fn aws_endpoint() -> Option<String> {
    match std::env::var("MOTCUA_TEST_BACKEND").as_deref() {
        Ok("aws") => Some(
            std::env::var("MOTCUA_TEST_AWS_ENDPOINT").expect("MOTCUA_TEST_AWS_ENDPOINT (run through tests/moto.sh)"),
        ),
        _ => None,
    }
}

/// A value kept in the data directory, so that a restart finds the same resources and keys.
fn kept(dir: &std::path::Path, name: &str, make: impl FnOnce() -> String) -> String {
    let path = dir.join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|_| {
        let value = make();
        std::fs::write(&path, &value).unwrap();
        value
    })
}

/// The application on DynamoDB, S3 and SQS (moto): its own table, bucket and queues.
async fn start_on_aws(endpoint: &str, settings: Settings, counter: Arc<motcua_aws::RequestCounter>) -> Application {
    use motcua_aws::{SqsOptions, SqsQueue};
    let dir = settings.data_dir.clone();
    let suffix = kept(&dir, "aws-suffix", || uuid::Uuid::new_v4().simple().to_string()[..12].to_string());
    let name = format!("motcua-test-{suffix}");
    let clients = motcua_aws::clients(Some(endpoint), Some(counter)).await;
    motcua_aws::create_table(&clients.dynamodb, &name).await.unwrap();
    motcua_aws::create_bucket(&clients.s3, &name).await.unwrap();
    let table = crate::permissions::Recording::to_file_if_asked(Arc::new(motcua_aws::DynamoTable::new(
        clients.dynamodb.clone(),
        &name,
    )));
    let queue = SqsQueue::new(
        clients.sqs.clone(),
        SqsOptions { prefix: format!("{name}-"), create_missing: true, max_receives: 5 },
    );
    let pem = kept(&dir, "jwt.pem", motcua_core::auth::JwtKeys::generate_pem);
    let listener = tokio::net::TcpListener::bind(settings.addr).await.unwrap();
    let pepper = kept(&dir, "pepper", || uuid::Uuid::new_v4().to_string());
    let adapters = motcua_core::Adapters {
        table,
        objects: Arc::new(motcua_aws::S3ObjectStore::new(clients.s3.clone(), &name)),
        queue: Arc::new(queue),
        clock: settings.clock.clone(),
        notifier: Arc::new(motcua_ports::FirstThatSends(
            motcua::phone_notifiers(&settings, &mut motcua::DemoFakes::default()).await,
        )),
        connections: motcua::connections(&settings, &format!("http://{}", listener.local_addr().unwrap())).await.0,
    };
    let mut config = motcua_core::Config::new(settings.issuer.clone(), pepper);
    config.regime = settings.regime.clone();
    config.applicant_passwords = settings.applicant_passwords;
    let services = Arc::new(motcua_core::Services::assemble(adapters, &[pem], config).await.unwrap());
    // Resolve (create) the queues now, as the SAM template does before the first request.
    services.queue.depth(&services.config.events_queue).await.unwrap();
    Application::start(services, listener, axum::Router::new(), &settings)
        .await
        .expect("application starts on AWS adapters")
}

/// `job` as the outbox relay's (the scheduled function that seals the ledger, sweeps uploads and
/// archives on AWS: `motcua_core::serving`).
pub async fn relay<F: std::future::Future>(job: F) -> F::Output {
    motcua_core::serving::scope("outbox-relay", job).await
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            drop(app);
        }
    }
}

/// A small but real PDF (recognised by its content).
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
/// A PNG signature and header.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x0bIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82";

// ---------------------------------------------------------------------------------------------
// Helpers for malformed requests and hand-made tokens (bad_input.rs, authorization.rs).

/// Reads a response the way [`TestApp::request`] does, keeping its headers.
async fn read_response(res: reqwest::Response) -> (Response, reqwest::header::HeaderMap) {
    let status = res.status();
    let headers = res.headers().clone();
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let text = res.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (Response { status, content_type, body }, headers)
}

impl TestApp {
    /// Sends any request (e.g. to a presigned URL) and reads the answer with its headers.
    pub async fn send_with_headers(&self, req: reqwest::RequestBuilder) -> (Response, reqwest::header::HeaderMap) {
        read_response(req.send().await.expect("request sent")).await
    }

    /// Sends any request and reads the answer.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Response {
        self.send_with_headers(req).await.0
    }

    /// A request whose body is sent byte for byte with the given `Content-Type` (or none), for
    /// malformed JSON, wrong content types and form-encoded bodies.
    pub fn raw_request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> reqwest::RequestBuilder {
        let mut req = self.http.request(method, format!("{}{}", self.url, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.body(body.to_vec())
    }

    /// [`TestApp::raw_request`], sent.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> Response {
        self.send(self.raw_request(method, path, token, content_type, body, headers)).await
    }

    /// Processes queued events until none is waiting or in flight (the background worker may
    /// hold some), so that notification counts are stable.
    pub async fn settle_events(&self) {
        use motcua_ports::Queue;
        let s = self.services();
        for _ in 0..500 {
            while motcua_core::serving::scope("events", motcua_core::events::drain_once(s)).await.unwrap() > 0 {}
            if s.queue.depth(&s.config.events_queue).await.unwrap() == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("events queue did not settle");
    }

    /// A token signed with the application's own key; `edit` changes the (otherwise valid,
    /// citizen) claims, e.g. to make it expired or for another issuer.
    pub fn sign_token(&self, edit: impl FnOnce(&mut motcua_core::auth::Claims)) -> String {
        let s = self.services();
        let now = Utc::now().timestamp();
        let mut claims = motcua_core::auth::Claims {
            sub: "test-subject".into(),
            role: motcua_domain::roles::Role::Citizen,
            agency: None,
            name: "Người thử nghiệm".into(),
            iss: s.config.issuer.clone(),
            aud: s.config.audience.clone(),
            iat: now,
            exp: now + 600,
            nbf: None,
            ver: Some(0),
            acr: None,
        };
        edit(&mut claims);
        s.keys.sign(&claims).unwrap()
    }
}

const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (JWT segments).
pub fn b64url_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(B64URL[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Decodes base64url without padding.
pub fn b64url_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.trim_end_matches('=').bytes() {
        let v = B64URL.iter().position(|&x| x == c).expect("base64url character") as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits & 0xff) as u8);
        }
    }
    out
}

/// Segment `index` (0 = header, 1 = claims) of a JWT, as JSON.
pub fn jwt_segment(token: &str, index: usize) -> Value {
    let part = token.split('.').nth(index).expect("JWT segment");
    serde_json::from_slice(&b64url_decode(part)).expect("JWT segment is JSON")
}
