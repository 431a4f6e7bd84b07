//! Load benchmark of the embedded server over loopback (N1): public status lookup and durable
//! online submission. Run with `cargo bench --bench http`; results go to docs/benchmarks.md.
//!
//! The server and the load generator share the machine (2 cores here), so the figures are a
//! lower bound of what the server alone does.

use hdrhistogram::Histogram;
use motcua::{Application, Settings};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
const PROCEDURE: &str = "2.000488";

struct Client {
    http: reqwest::Client,
    url: String,
}

impl Client {
    async fn post(&self, path: &str, token: &str, body: Value) -> Value {
        let r = self.http.post(format!("{}{path}", self.url)).bearer_auth(token).json(&body).send().await.unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.unwrap()
    }

    async fn login(&self, user: &str) -> String {
        let r: Value = self
            .http
            .post(format!("{}/api/v1/auth/login", self.url))
            .json(&json!({"username": user, "password": motcua::seed::DEMO_PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        r["access_token"].as_str().unwrap().to_string()
    }

    /// A complete draft ready to submit.
    async fn draft(&self, token: &str) -> String {
        let d = self
            .post(
                "/api/v1/dossiers",
                token,
                json!({"procedure": PROCEDURE, "form": {
                "certificate_type": "Phiếu lý lịch tư pháp số 1", "purpose": "Đo hiệu năng", "copies": 1}}),
            )
            .await;
        let id = d["id"].as_str().unwrap().to_string();
        let sha = hex::encode(Sha256::digest(PDF));
        let t = self
            .post(
                &format!("/api/v1/dossiers/{id}/components/to-khai-lltp/uploads"),
                token,
                json!({"filename": "to-khai.pdf", "size": PDF.len(), "content_type": "application/pdf", "sha256": sha}),
            )
            .await;
        let mut put = self.http.put(t["upload"]["url"].as_str().unwrap()).body(PDF.to_vec());
        for h in t["upload"]["headers"].as_array().unwrap() {
            put = put.header(h[0].as_str().unwrap(), h[1].as_str().unwrap());
        }
        assert!(put.send().await.unwrap().status().is_success());
        let upload = t["upload_id"].as_str().unwrap();
        self.post(
            &format!("/api/v1/dossiers/{id}/components/to-khai-lltp/uploads/{upload}/complete"),
            token,
            json!({}),
        )
        .await;
        id
    }
}

struct Outcome {
    requests: u64,
    errors: u64,
    elapsed: Duration,
    hist: Histogram<u64>,
}

impl Outcome {
    fn print(&self, name: &str) {
        let rps = self.requests as f64 / self.elapsed.as_secs_f64();
        let ms = |q: f64| self.hist.value_at_quantile(q) as f64 / 1000.0;
        println!(
            "{name}: {} requests in {:.1} s = {rps:.0} req/s; latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms; errors {}",
            self.requests,
            self.elapsed.as_secs_f64(),
            ms(0.5),
            ms(0.9),
            ms(0.99),
            self.hist.max() as f64 / 1000.0,
            self.errors
        );
    }
}

/// Runs `work(i)` from `concurrency` tasks until `total` calls or `duration` have passed.
async fn load<F, Fut>(concurrency: usize, total: usize, duration: Duration, work: F) -> Outcome
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let work = Arc::new(work);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let hist = Arc::new(Mutex::new(Histogram::<u64>::new(3).unwrap()));
    let errors = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (work, next, hist, errors) = (work.clone(), next.clone(), hist.clone(), errors.clone());
            tokio::spawn(async move {
                let mut local = Histogram::<u64>::new(3).unwrap();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= total || start.elapsed() > duration {
                        break;
                    }
                    let t = Instant::now();
                    if !work(i).await {
                        errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    local.record(t.elapsed().as_micros() as u64).unwrap();
                }
                hist.lock().await.add(local).unwrap();
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = start.elapsed();
    let hist = Arc::try_unwrap(hist).unwrap().into_inner();
    Outcome { requests: hist.len(), errors: errors.load(std::sync::atomic::Ordering::Relaxed), elapsed, hist }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            addr: "127.0.0.1:0".parse().unwrap(),
            data_dir: dir.path().into(),
            lookups_per_minute: u32::MAX,
            ..Settings::default()
        };
        let app = Application::build(settings).await.unwrap();
        let client = Arc::new(Client {
            http: reqwest::Client::builder().pool_max_idle_per_host(256).build().unwrap(),
            url: app.url(),
        });
        let officer = client.login("tiepnhan.stp").await;
        // An applicant may declare 100 uploads a day: one applicant per 100 drafts.
        let drafts: usize = 3000;
        let per_citizen = motcua_core::upload_limits::APPLICANT_UPLOADS_PER_DAY as usize;
        let mut citizens = Vec::new();
        for n in 0..drafts.div_ceil(per_citizen) {
            let username = format!("nguoinop{n}");
            let profile = motcua_core::users::Profile {
                full_name: format!("Người nộp {n}"),
                id_number: Some(format!("0380{n:08}")),
                date_of_birth: Some("1990-05-12".into()),
                gender: Some("Nữ".into()),
                phone: Some(format!("09{n:08}")),
                email: Some(format!("nguoinop{n}@example.vn")),
                address: Some("Số 12 đường Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa".into()),
                ..Default::default()
            };
            let role = motcua_domain::roles::Role::Citizen;
            motcua_core::users::create_user(
                app.services(),
                &username,
                motcua::seed::DEMO_PASSWORD,
                role,
                None,
                profile,
            )
            .await
            .unwrap();
            citizens.push(client.login(&username).await);
        }

        // Setup (not measured): complete drafts, some of them submitted and accepted.
        let setup = Instant::now();
        let ids: Vec<(String, String)> = {
            let mut ids = Vec::with_capacity(drafts);
            for chunk in (0..drafts).collect::<Vec<_>>().chunks(32) {
                let batch = futures::future::join_all(chunk.iter().map(|&n| {
                    let (client, citizen) = (client.clone(), citizens[n / per_citizen].clone());
                    async move { (client.draft(&citizen).await, citizen) }
                }))
                .await;
                ids.extend(batch);
            }
            ids
        };
        println!("setup: {drafts} complete drafts in {:.1} s", setup.elapsed().as_secs_f64());

        // Durable submissions: each is one fsync'd transaction (dossier, outbox event,
        // idempotency record) acknowledged only once on disk.
        let ids = Arc::new(ids);
        let (c, i) = (client.clone(), ids.clone());
        let submit = load(32, drafts, Duration::from_secs(30), move |n| {
            let (c, i) = (c.clone(), i.clone());
            async move {
                let (id, citizen) = &i[n];
                let r = c
                    .http
                    .post(format!("{}/api/v1/dossiers/{id}/submit", c.url))
                    .bearer_auth(citizen)
                    .header("idempotency-key", format!("bench-{n}"))
                    .send()
                    .await;
                r.is_ok_and(|r| r.status().is_success())
            }
        })
        .await;
        submit.print("durable submission (POST /api/v1/dossiers/{id}/submit, 32 connections)");

        // Accept 200 to have codes to look up.
        let mut codes = Vec::new();
        for (id, _) in ids.iter().take(200) {
            let d = client.post(&format!("/api/v1/dossiers/{id}/accept"), &officer, json!({})).await;
            codes.push((d["code"].as_str().unwrap().to_string(), d["receipt_secret"].as_str().unwrap().to_string()));
        }
        let codes = Arc::new(codes);
        for connections in [16, 64] {
            let (c, codes) = (client.clone(), codes.clone());
            let lookup = load(connections, usize::MAX, Duration::from_secs(10), move |n| {
                let (c, codes) = (c.clone(), codes.clone());
                async move {
                    let (code, secret) = &codes[n % codes.len()];
                    let r = c.http.get(format!("{}/api/v1/lookup/{code}?secret={secret}", c.url)).send().await;
                    match r {
                        Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                        _ => false,
                    }
                }
            })
            .await;
            lookup.print(&format!("status lookup (GET /api/v1/lookup/{{code}}, {connections} connections)"));
        }
        app.stop().await;
    });
}
