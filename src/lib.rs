//! The embedded runtime: wires the embedded adapters (redb table and queue, filesystem object
//! store) into the services, mounts every function's routes, the presigned-object endpoint and
//! the static portal on one HTTP server, and runs the background worker (outbox relay, event
//! consumer, integration deliveries). [`Application::build`] is used by `main` and by the system tests alike.

pub use motcua_seed as seed;
pub mod backup;
pub mod generate;
pub mod offline;
pub mod server;
pub mod telemetry;

use axum::Router;
use motcua_core::auth::JwtKeys;
use motcua_core::{Adapters, Config, Services};
use motcua_embedded::{EmbeddedStore, FsObjectStore};
use motcua_ports::{Clock, SystemClock};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use motcua_routes::{api_routes, openapi_document};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("không mở được thư mục dữ liệu {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error("không mở được kho dữ liệu: {0}")]
    Store(String),
    #[error("không lắng nghe được trên {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("{0}")]
    Core(#[from] motcua_core::CoreError),
}

/// How to start.
pub struct Settings {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub web_dir: Option<PathBuf>,
    pub seed_demo: bool,
    pub clock: Arc<dyn Clock>,
    /// How often the worker looks for work when idle.
    pub worker_poll: Duration,
    /// Run the background worker (tests that count requests turn it off and drain by hand).
    pub run_worker: bool,
    /// `iss` of the tokens: stable across restarts and addresses.
    pub issuer: String,
    /// SMTP relay (`host:port`) and sender for the applicants' emails; without one, emails
    /// stay in the outbound register (`GET /api/v1/outbound-messages`).
    pub smtp: Option<(String, String)>,
    /// Zalo OA notifications (`MOTCUA_ZALO_*`), tried first for the applicants' phone messages.
    pub zalo: Option<motcua_connectors::ZaloSettings>,
    /// An SMS gateway (`MOTCUA_SMS_*`): phone messages Zalo did not send. Without either,
    /// phone messages stay in the outbound register.
    pub sms: Option<motcua_connectors::ClientSettings>,
    /// The national portal connection (`MOTCUA_DVCQG_*`); off when `None`, like every
    /// connection below, unless `demo_counterparts` is set.
    pub dvcqg: Option<motcua_connectors::DvcqgSettings>,
    /// The demo: each counterpart left unconfigured (national portal, payment platform, post,
    /// VNeID, staff SSO) gets a fake started in-process and connected, so that a newcomer sees
    /// every flow work.
    pub demo_counterparts: bool,
    /// Secret of the national portal's signed pushes (`MOTCUA_DVCQG_INBOUND_SECRET`).
    pub dvcqg_inbound_secret: Option<String>,
    /// The national payment platform (`MOTCUA_PAYMENT_*`); `None` = online payment off.
    pub payment: Option<motcua_connectors::PaymentSettings>,
    /// VNeID through the national SSO (`MOTCUA_VNEID_*`) and the province's staff SSO
    /// (`MOTCUA_STAFF_SSO_*`); `None` = that login is off.
    pub vneid: Option<motcua_connectors::OidcSettings>,
    pub staff_sso: Option<motcua_connectors::OidcSettings>,
    /// The public postal service (`MOTCUA_POST_*`); `None` = no delivery orders or tracking.
    pub postal: Option<motcua_connectors::ClientSettings>,
    /// The national population database (`MOTCUA_POPULATION_*`); `None` = no pre-fill from it.
    pub population: Option<motcua_connectors::ClientSettings>,
    /// The agencies' signing keys for results and forms (P16); `None` = documents unsigned.
    pub signing: Option<Arc<motcua_core::signing::DocumentSigner>>,
    /// Public base URL (links in synced records); the listening address when unset.
    pub public_url: Option<String>,
    /// Plain `http://` webhook URLs allowed (demo and tests on 127.0.0.1).
    pub allow_http_webhooks: bool,
    /// A client must send its request head within this time, and an idle keep-alive connection
    /// is closed after it.
    pub header_timeout: Duration,
    /// The regime new dossiers are filed under, from which day (R1).
    pub regime: motcua_domain::regime::RegimeSchedule,
    /// Citizens and businesses keep password logins under the 2025 regime (the demo, R7).
    pub applicant_passwords: bool,
    /// Public lookups allowed per client address and minute.
    pub lookups_per_minute: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            web_dir: None,
            seed_demo: true,
            clock: Arc::new(SystemClock),
            worker_poll: Duration::from_millis(200),
            run_worker: true,
            issuer: "motcua".into(),
            smtp: None,
            zalo: None,
            sms: None,
            dvcqg: None,
            demo_counterparts: false,
            dvcqg_inbound_secret: None,
            payment: None,
            postal: None,
            population: None,
            signing: None,
            vneid: None,
            staff_sso: None,
            public_url: None,
            allow_http_webhooks: false,
            header_timeout: Duration::from_secs(20),
            regime: motcua_domain::regime::RegimeSchedule::only(motcua_domain::regime::Regime::R2019),
            applicant_passwords: false,
            lookups_per_minute: motcua_core::limits::LOOKUPS_PER_MINUTE,
        }
    }
}

/// A running MotCua.
pub struct Application {
    addr: SocketAddr,
    services: Arc<Services>,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<()>,
    worker: JoinHandle<()>,
    demo: Option<seed::DemoAccounts>,
    demo_fakes: DemoFakes,
}

/// The counterparts the demo starts in-process (kept alive as long as the services).
#[derive(Default)]
pub struct DemoFakes {
    pub portal: Option<motcua_fakes::FakeNationalPortal>,
    pub payment: Option<motcua_fakes::FakePaymentPlatform>,
    pub postal: Option<motcua_fakes::FakePostalService>,
    pub population: Option<motcua_fakes::FakePopulationRegistry>,
    pub vneid: Option<motcua_fakes::FakeOidcProvider>,
    pub staff_sso: Option<motcua_fakes::FakeOidcProvider>,
    pub zalo: Option<motcua_fakes::FakeZaloOa>,
    pub sms: Option<motcua_fakes::FakeSmsGateway>,
}

/// Who the demo's fake VNeID offers: the demo citizen (linked to the account `congdan`), a
/// person with no account yet (created at the first login), and a level-1 account.
pub fn demo_citizens() -> Vec<motcua_fakes::oidc_provider::Identity> {
    use motcua_fakes::oidc_provider::Identity;
    vec![
        Identity::new("038090001234", "Nguyễn Văn An", "1990-05-12", 2),
        Identity::new("038199012345", "Trần Thị Thu Hà", "1999-08-20", 2),
        Identity::new("038201098765", "Phạm Minh Khôi", "2001-03-02", 1),
    ]
}

/// Who the demo's fake population database holds: the people of [`demo_citizens`].
pub fn demo_residents() -> Vec<motcua_fakes::population_registry::Person> {
    use motcua_fakes::population_registry::Person;
    vec![
        Person::new(
            "038090001234",
            "Nguyễn Văn An",
            "1990-05-12",
            "Nam",
            "Số 12 đường Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
        ),
        Person::new("038199012345", "Trần Thị Thu Hà", "1999-08-20", "Nữ", "Thôn Đông, xã Quảng Phú, tỉnh Thanh Hóa"),
        Person::new(
            "038201098765",
            "Phạm Minh Khôi",
            "2001-03-02",
            "Nam",
            "Số 8 phố Hàng Đồng, phường Hạc Thành, tỉnh Thanh Hóa",
        ),
    ]
}

/// Who the demo's fake staff SSO offers: officers of the demo agencies (their MotCua login names).
pub fn demo_officers() -> Vec<motcua_fakes::oidc_provider::Identity> {
    use motcua_fakes::oidc_provider::Identity;
    [("tiepnhan.phuong", "Lê Thị Hoa"), ("chuyenvien.phuong", "Phạm Văn Cường"), ("lanhdao.phuong", "Hoàng Minh Đức")]
        .into_iter()
        .map(|(login, name)| Identity::new(login, name, "1985-01-01", 2))
        .collect()
}

/// A connector's settings read from the environment a fake gives (`read` is the connector's
/// `from_lookup`); the demo's and the tests' way to connect to a fake.
pub fn from_env<T>(
    env: Vec<(impl AsRef<str>, String)>,
    read: impl FnOnce(&dyn Fn(&str) -> Option<String>) -> Result<Option<T>, String>,
) -> Option<T> {
    read(&|k| env.iter().find(|(n, _)| n.as_ref() == k).map(|(_, v)| v.clone()))
        .expect("the fake's settings are complete")
}

/// The notifiers of the applicants' phone messages in `settings`: Zalo first, then the SMS
/// gateway (the demo starts the fakes of those left unconfigured).
pub async fn phone_notifiers(settings: &Settings, fakes: &mut DemoFakes) -> Vec<Arc<dyn motcua_ports::Notifier>> {
    let mut zalo = settings.zalo.clone();
    if zalo.is_none() && settings.demo_counterparts {
        let oa = motcua_fakes::FakeZaloOa::start().await;
        zalo = from_env(oa.env(), |get| motcua_connectors::ZaloSettings::from_lookup(get));
        fakes.zalo = Some(oa);
    }
    let mut sms = settings.sms.clone();
    if sms.is_none() && settings.demo_counterparts {
        let gateway = motcua_fakes::FakeSmsGateway::start().await;
        sms = from_env(gateway.env(), |get| {
            motcua_connectors::ClientSettings::from_lookup(get, motcua_connectors::sms::SMS_ENV)
        });
        fakes.sms = Some(gateway);
    }
    let zalo = zalo.map(|z| Arc::new(motcua_connectors::ZaloNotifier::new(z)) as Arc<dyn motcua_ports::Notifier>);
    let sms = sms.map(|s| Arc::new(motcua_connectors::SmsGateway::new(s)) as Arc<dyn motcua_ports::Notifier>);
    zalo.into_iter().chain(sms).collect()
}

/// The integration platform's connections of `settings` (the fakes started when the demo asks
/// for them; keep them alive as long as the services).
pub async fn connections(settings: &Settings, base_url: &str) -> (motcua_core::integration::Connections, DemoFakes) {
    let mut fakes = DemoFakes::default();
    let mut dvcqg = settings.dvcqg.clone();
    if dvcqg.is_none() && settings.demo_counterparts {
        let portal = motcua_fakes::FakeNationalPortal::start().await;
        dvcqg = from_env(portal.env(), |get| motcua_connectors::DvcqgSettings::from_lookup(get));
        fakes.portal = Some(portal);
    }
    let mut payment = settings.payment.clone();
    if payment.is_none() && settings.demo_counterparts {
        let platform = motcua_fakes::FakePaymentPlatform::start().await;
        payment = from_env(platform.env(), |get| {
            motcua_connectors::PaymentSettings::from_lookup(get, motcua_connectors::payment::PAYMENT_ENV)
        });
        fakes.payment = Some(platform);
    }
    let mut postal = settings.postal.clone();
    if postal.is_none() && settings.demo_counterparts {
        let post = motcua_fakes::FakePostalService::start().await;
        postal = from_env(post.env(), |get| {
            motcua_connectors::ClientSettings::from_lookup(get, motcua_connectors::postal::POST_ENV)
        });
        fakes.postal = Some(post);
    }
    let mut population = settings.population.clone();
    if population.is_none() && settings.demo_counterparts {
        let registry = motcua_fakes::FakePopulationRegistry::start(demo_residents()).await;
        population = from_env(registry.env(), |get| {
            motcua_connectors::ClientSettings::from_lookup(get, motcua_connectors::population::POPULATION_ENV)
        });
        fakes.population = Some(registry);
    }
    let (mut vneid, mut staff_sso) = (settings.vneid.clone(), settings.staff_sso.clone());
    if settings.demo_counterparts && vneid.is_none() {
        let idp = motcua_fakes::FakeOidcProvider::start(demo_citizens()).await;
        vneid = from_env(idp.env("MOTCUA_VNEID"), |get| {
            motcua_connectors::OidcSettings::from_lookup(get, motcua_connectors::oidc::VNEID)
        });
        fakes.vneid = Some(idp);
    }
    if settings.demo_counterparts && staff_sso.is_none() {
        let idp = motcua_fakes::FakeOidcProvider::start(demo_officers()).await;
        staff_sso = from_env(idp.env("MOTCUA_STAFF_SSO"), |get| {
            motcua_connectors::OidcSettings::from_lookup(get, motcua_connectors::oidc::STAFF_SSO)
        });
        fakes.staff_sso = Some(idp);
    }
    let oidc = |o: Option<motcua_connectors::OidcSettings>| {
        o.map(|o| Arc::new(motcua_connectors::OidcClient::new(o)) as Arc<dyn motcua_ports::IdentityProvider>)
    };
    let client = dvcqg.map(|d| Arc::new(motcua_connectors::DvcqgClient::new(d)));
    let connections = motcua_core::integration::Connections {
        vneid: oidc(vneid),
        staff_sso: oidc(staff_sso),
        postal: postal.map(|p| Arc::new(motcua_connectors::PostClient::new(p)) as Arc<dyn motcua_ports::PostalService>),
        population: population.map(|p| {
            Arc::new(motcua_connectors::PopulationClient::new(p)) as Arc<dyn motcua_ports::PopulationRegistry>
        }),
        portal: client.clone().map(|c| c as Arc<dyn motcua_ports::NationalPortal>),
        catalogue: client.map(|c| c as Arc<dyn motcua_ports::CatalogueSource>),
        payment: payment
            .map(|p| Arc::new(motcua_connectors::PaymentClient::new(p)) as Arc<dyn motcua_ports::PaymentPlatform>),
        signing: settings.signing.clone(),
        webhooks: Some(Arc::new(motcua_connectors::HttpWebhooks::default())),
        inbound_secret: settings.dvcqg_inbound_secret.clone(),
        public_base_url: settings.public_url.clone().unwrap_or_else(|| base_url.to_string()),
        allow_http_webhooks: settings.allow_http_webhooks,
        ..Default::default()
    };
    (connections, fakes)
}

/// The demo's signer: agencies' certificates issued by a test authority kept in the data
/// directory (`keys/signing-ca.key.pem`, `keys/signing-ca.crt.pem`), so that documents signed
/// before a restart still verify.
pub fn demo_signer(data_dir: &Path) -> Result<motcua_core::signing::DocumentSigner, StartError> {
    use motcua_signing::TestAuthority;
    let dir = data_dir.join("keys");
    std::fs::create_dir_all(&dir).map_err(|e| StartError::DataDir(dir.clone(), e))?;
    // A new authority only on the first start (both files are then written from it).
    let fresh = std::cell::OnceCell::new();
    let key = secret_file(&dir, "signing-ca.key.pem", || fresh.get_or_init(TestAuthority::generate).key_pem())?;
    let certificate =
        secret_file(&dir, "signing-ca.crt.pem", || fresh.get_or_init(TestAuthority::generate).certificate_pem())?;
    let authority = TestAuthority::from_pem(&key, &certificate)
        .map_err(|e| StartError::Store(format!("keys/signing-ca.*.pem: {e}")))?;
    Ok(motcua_core::signing::DocumentSigner::test(authority))
}

/// Reads a secret file of the data directory, creating it on first start.
fn secret_file(dir: &Path, name: &str, make: impl FnOnce() -> String) -> Result<String, StartError> {
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(s) => Ok(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let value = make();
            let tmp = path.with_extension("tmp");
            std::fs::write(&tmp, &value).map_err(|e| StartError::DataDir(tmp.clone(), e))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600));
            }
            std::fs::rename(&tmp, &path).map_err(|e| StartError::DataDir(path.clone(), e))?;
            Ok(value)
        }
        Err(e) => Err(StartError::DataDir(path, e)),
    }
}

fn random_hex() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Application, StartError> {
        let dir = &settings.data_dir;
        let keys_dir = dir.join("keys");
        std::fs::create_dir_all(&keys_dir).map_err(|e| StartError::DataDir(keys_dir.clone(), e))?;
        let listener =
            tokio::net::TcpListener::bind(settings.addr).await.map_err(|e| StartError::Bind(settings.addr, e))?;
        let base_url = format!("http://{}", listener.local_addr().map_err(|e| StartError::Bind(settings.addr, e))?);

        let store = Arc::new(EmbeddedStore::open(dir).map_err(|e| StartError::Store(e.to_string()))?);
        let object_secret = secret_file(&keys_dir, "objects.secret", random_hex)?;
        let objects = Arc::new(
            FsObjectStore::new(dir.join("objects"), &base_url, object_secret.as_bytes())
                .map_err(|e| StartError::Store(e.to_string()))?,
        );
        let signing = secret_file(&keys_dir, "jwt-ed25519.pem", JwtKeys::generate_pem)?;
        let pepper = secret_file(&keys_dir, "lookup.pepper", random_hex)?;
        let table: Arc<dyn motcua_ports::Table> = store.table();
        let (connections, mut demo_fakes) = connections(&settings, &base_url).await;
        let mut notifiers = phone_notifiers(&settings, &mut demo_fakes).await;
        if let Some((relay, from)) = &settings.smtp {
            notifiers.insert(0, Arc::new(motcua_embedded::SmtpNotifier::new(relay, from).map_err(StartError::Store)?));
        }
        let notifier = Arc::new(motcua_ports::FirstThatSends(notifiers));
        let adapters = Adapters {
            table,
            objects: objects.clone(),
            queue: store.queue(),
            clock: settings.clock.clone(),
            notifier,
            connections,
        };
        let mut config = Config::new(settings.issuer.clone(), pepper);
        config.regime = settings.regime.clone();
        config.applicant_passwords = settings.applicant_passwords;
        config.lookups_per_minute = settings.lookups_per_minute;
        let services = Arc::new(Services::assemble(adapters, &[signing], config).await?);
        let backups = backup::routes(backup::Source { store, data_dir: dir.clone() }, services.clone());
        let extra = motcua_embedded::router(objects).merge(backups);
        let mut app = Application::start(services, listener, extra, &settings).await?;
        app.demo_fakes = demo_fakes;
        Ok(app)
    }

    /// Serves already-built services (embedded or any other adapters) on a bound listener,
    /// with `extra` routes beside the API (the embedded object endpoint), and starts the worker.
    pub async fn start(
        services: Arc<Services>,
        listener: tokio::net::TcpListener,
        extra: Router,
        settings: &Settings,
    ) -> Result<Application, StartError> {
        let addr = listener.local_addr().map_err(|e| StartError::Bind(settings.addr, e))?;
        let demo = if settings.seed_demo { Some(seed::load(&services).await?) } else { None };
        // Dossiers written before the inbox index existed join it once.
        motcua_core::inbox_index::build_once(&services).await?;

        let not_found = axum::routing::any(motcua_http::routes::route_not_found);
        // Unknown API paths answer problem+json 404 whatever the method (the portal's static
        // files below only serve GET and HEAD).
        let api =
            motcua_http::access::with_access_counting(motcua_http::routes::router(api_routes()), services.clone());
        let mut app: Router = api
            .route("/api/{*path}", axum::routing::any(motcua_http::routes::route_not_found))
            .with_state(services.clone())
            .merge(extra);
        app = match &settings.web_dir {
            Some(web) if web.is_dir() => {
                app.fallback_service(tower_http::services::ServeDir::new(web).not_found_service(not_found))
            }
            _ => app.fallback_service(not_found),
        };
        let app = motcua_http::security::with_headers(app).layer(tower_http::trace::TraceLayer::new_for_http());

        let (shutdown, stop_server) = watch::channel(false);
        let server = tokio::spawn(server::serve(listener, app, settings.header_timeout, stop_server));
        let worker = if settings.run_worker {
            tokio::spawn(run_worker(services.clone(), shutdown.subscribe(), settings.worker_poll))
        } else {
            tokio::spawn(async {})
        };
        Ok(Application { addr, services, shutdown, server, worker, demo, demo_fakes: DemoFakes::default() })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn services(&self) -> &Arc<Services> {
        &self.services
    }

    /// What `cargo run` prints: where to go and the demo accounts.
    pub fn banner(&self) -> String {
        let mut s = format!(
            "MotCua — Cổng Dịch vụ công và Hệ thống thông tin một cửa điện tử\n  Cổng: {url}/\n  API:  {url}/api/v1 (OpenAPI: {url}/api/v1/openapi.json)\n",
            url = self.url()
        );
        if let Some(portal) = &self.demo_fakes.portal {
            s.push_str(&format!(
                "  Cổng DVCQG giả lập (kết nối thử): {}/_fake/state — hồ sơ và tiến độ đã đồng bộ\n",
                portal.url
            ));
        }
        if let (Some(vneid), Some(staff)) = (&self.demo_fakes.vneid, &self.demo_fakes.staff_sso) {
            s.push_str(&format!(
                "  VNeID giả lập: {} — nút “Đăng nhập bằng VNeID”; đăng nhập một lần của cán bộ giả lập: {}\n",
                vneid.issuer, staff.issuer
            ));
        }
        if let Some(post) = &self.demo_fakes.postal {
            s.push_str(&format!(
                "  Bưu điện giả lập: {}/_fake/state — bưu gửi kết quả; POST {}/_fake/parcels/<số hiệu>/advance để chuyển trạng thái\n",
                post.url, post.url
            ));
        }
        if let Some(registry) = &self.demo_fakes.population {
            s.push_str(&format!(
                "  CSDL quốc gia về dân cư giả lập: {}/_fake/state — các lần khai thác (mục đích, căn cứ đồng ý)\n",
                registry.url
            ));
        }
        if let (Some(zalo), Some(sms)) = (&self.demo_fakes.zalo, &self.demo_fakes.sms) {
            s.push_str(&format!(
                "  Zalo OA giả lập: {}/_fake/state và tổng đài SMS giả lập: {}/_fake/state — tin nhắn gửi người nộp hồ sơ\n",
                zalo.url, sms.url
            ));
        }
        if let Some(payment) = &self.demo_fakes.payment {
            s.push_str(&format!(
                "  Nền tảng thanh toán giả lập: {}/_fake/state — các giao dịch thanh toán trực tuyến\n",
                payment.url
            ));
        }
        if let Some(demo) = &self.demo {
            s.push_str(&demo.describe());
        }
        s
    }

    /// Stops serving, lets the worker finish its batch, and closes the store.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        let _ = self.server.await;
        let _ = self.worker.await;
    }

    pub async fn run_until_signal(self) {
        let _ = tokio::signal::ctrl_c().await;
        println!("Đang dừng…");
        self.stop().await;
    }
}

/// The background worker: re-publishes stranded outbox events, consumes the events queue and
/// runs the integration platform's deliveries every 2 seconds.
async fn run_worker(services: Arc<Services>, mut shutdown: watch::Receiver<bool>, poll: Duration) {
    // Each job is the work of the Lambda function that does it on AWS (motcua_core::serving).
    use motcua_core::serving::{scope, EMBEDDED_ONLY};
    let mut last_relay = std::time::Instant::now() - Duration::from_secs(60);
    let mut last_tick = last_relay;
    loop {
        if *shutdown.borrow() {
            return;
        }
        if last_tick.elapsed() > Duration::from_secs(2) {
            scope("integration-worker", motcua_core::integration::tick(&services)).await;
            last_tick = std::time::Instant::now();
        }
        if last_relay.elapsed() > Duration::from_secs(10) {
            scope("outbox-relay", relay_tick(&services)).await;
            if let Err(e) = scope(EMBEDDED_ONLY, motcua_core::access_log::flush(&services)).await {
                tracing::warn!(error = %e, "access statistics not written yet");
            }
            last_relay = std::time::Instant::now();
        }
        let handled = match scope("events", motcua_core::events::drain_once(&services)).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "event worker failed");
                0
            }
        };
        if handled == 0 {
            tokio::select! {
                _ = shutdown.changed() => {}
                _ = tokio::time::sleep(poll) => {}
            }
        }
    }
}

/// What the outbox relay does each tick: stranded events, the ledger's seal, abandoned uploads,
/// closed dossiers due for the archive.
async fn relay_tick(services: &Services) {
    if let Err(e) = motcua_core::events::relay_outbox(services, Duration::from_secs(30)).await {
        tracing::warn!(error = %e, "outbox relay failed");
    }
    if let Err(e) = motcua_core::ledger::seal(services, unix_now() * 1000).await {
        tracing::warn!(error = %e, "sealing the ledger failed");
    }
    if let Err(e) = motcua_core::upload_limits::sweep(services, unix_now()).await {
        tracing::warn!(error = %e, "sweeping abandoned uploads failed");
    }
    if let Err(e) = motcua_core::archive::sweep(services).await {
        tracing::warn!(error = %e, "archiving closed dossiers failed");
    }
}

/// The system time in unix seconds (expiries the backends enforce).
fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}
