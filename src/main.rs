//! `cargo run`: the whole of MotCua on one machine — API, static portal, background worker —
//! with embedded storage under `./data` and no cloud.

use clap::Parser;
use motcua::{Application, Settings};

#[derive(Parser)]
#[command(name = "motcua", about = "Cổng Dịch vụ công và Hệ thống thông tin một cửa điện tử (chạy nhúng)")]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "MOTCUA_ADDR", default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// Where data is kept (database, files, keys).
    #[arg(long, env = "MOTCUA_DATA_DIR", default_value = "./data")]
    data_dir: std::path::PathBuf,
    /// Static portal files.
    #[arg(long, env = "MOTCUA_WEB_DIR", default_value = "./web")]
    web_dir: std::path::PathBuf,
    /// Do not load the demo catalogue and accounts on first start.
    #[arg(long, env = "MOTCUA_NO_DEMO")]
    no_demo: bool,
    /// SMTP relay (host:port) for the applicants' emails; without it they stay in the outbound register.
    #[arg(long, env = "MOTCUA_SMTP_RELAY")]
    smtp_relay: Option<String>,
    /// Sender of those emails.
    #[arg(long, env = "MOTCUA_SMTP_FROM", default_value = "Cổng Dịch vụ công <khongtraloi@localhost>")]
    smtp_from: String,
    /// Public base URL of the portal (links to files in records synced to the national portal).
    #[arg(long, env = "MOTCUA_PUBLIC_URL")]
    public_url: Option<String>,
    /// Secret with which the national portal signs the dossiers it pushes here.
    #[arg(long, env = "MOTCUA_DVCQG_INBOUND_SECRET", hide_env_values = true)]
    dvcqg_inbound_secret: Option<String>,
    /// Regime of new dossiers: `2025` (Decree 118/2025, forms 01–07), `2019` (Decree 61/2018,
    /// forms 01–06), or a schedule such as `2019,2025@2025-07-01`. Filed dossiers keep theirs.
    #[arg(long, env = "MOTCUA_REGIME", default_value = "2025", value_parser = motcua_domain::regime::RegimeSchedule::parse)]
    regime: motcua_domain::regime::RegimeSchedule,
    /// Public lookups allowed per client address and minute (raise it behind a proxy that
    /// hides the clients' addresses, or for the bench).
    #[arg(long, env = "MOTCUA_LOOKUPS_PER_MINUTE", default_value_t = motcua_core::limits::LOOKUPS_PER_MINUTE)]
    lookups_per_minute: u32,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Subcommand)]
enum Command {
    /// The tamper-evident history.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Fill `--data-dir` with realistic dossiers (demo, capacity planning, benchmarks), made
    /// through the core services as officers would; then `motcua --data-dir DIR` serves them.
    Generate {
        /// How many dossiers.
        #[arg(long)]
        dossiers: usize,
        /// Over how many weeks before today they were received.
        #[arg(long, default_value_t = 26)]
        weeks: i64,
    },
    /// Restore a backup (a directory made by `POST /api/v1/backups`) into `--data-dir`, which
    /// must be empty, and verify its ledger.
    Restore {
        /// The backup directory.
        #[arg(long)]
        from: std::path::PathBuf,
    },
}

#[derive(clap::Subcommand)]
enum AuditAction {
    /// Recompute the chain of the data directory (server stopped); exit 1 if it is broken.
    Verify,
}

/// What `motcua audit verify` and `motcua restore` print: the ledger's verification as JSON;
/// exit 0 when it holds, 1 when it is broken, 2 when the command could not run.
fn report(
    outcome: Result<motcua_core::ledger::Verification, motcua::StartError>,
    failed: &str,
) -> std::process::ExitCode {
    match outcome {
        Ok(v) => {
            println!("{}", serde_json::to_string_pretty(&v).expect("verification as JSON"));
            if v.ok {
                std::process::ExitCode::SUCCESS
            } else {
                eprintln!("Nhật ký đã bị thay đổi: chuỗi băm không còn toàn vẹn.");
                std::process::ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("{failed}: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    motcua::telemetry::init();
    let args = Args::parse();
    match &args.command {
        Some(Command::Audit { action: AuditAction::Verify }) => {
            return report(motcua::offline::verify_ledger(&args.data_dir).await, "Không kiểm tra được nhật ký")
        }
        Some(Command::Restore { from }) => {
            return report(motcua::backup::restore(from, &args.data_dir).await, "Không khôi phục được")
        }
        Some(Command::Generate { dossiers, weeks }) => {
            return match motcua::generate::generate(args.data_dir.clone(), *dossiers, *weeks).await {
                Ok(made) => {
                    println!("{}", serde_json::to_string_pretty(&made).expect("a summary as JSON"));
                    std::process::ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("Không tạo được dữ liệu: {e}");
                    std::process::ExitCode::FAILURE
                }
            };
        }
        None => {}
    }
    // The national portal connection: MOTCUA_DVCQG_* (docs/integrations.md); unset, the demo
    // connects to the fake portal it starts.
    let dvcqg = match motcua_connectors::DvcqgSettings::from_env() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("Cấu hình kết nối Cổng DVCQG chưa đủ: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    // The national payment platform (MOTCUA_PAYMENT_*), the public postal service
    // (MOTCUA_POST_*) and the national population database (MOTCUA_POPULATION_*); each one
    // unset, the demo uses its fake.
    let signed = |vars, what: &str| {
        motcua_connectors::ClientSettings::from_lookup(|k| std::env::var(k).ok(), vars)
            .map_err(|e| eprintln!("Cấu hình kết nối {what} chưa đủ: {e}"))
    };
    let (Ok(payment), Ok(postal), Ok(population), Ok(sms)) = (
        signed(motcua_connectors::payment::PAYMENT_ENV, "Nền tảng thanh toán trực tuyến"),
        signed(motcua_connectors::postal::POST_ENV, "dịch vụ bưu chính"),
        signed(motcua_connectors::population::POPULATION_ENV, "Cơ sở dữ liệu quốc gia về dân cư"),
        signed(motcua_connectors::sms::SMS_ENV, "tổng đài SMS"),
    ) else {
        return std::process::ExitCode::FAILURE;
    };
    // Zalo OA notifications (MOTCUA_ZALO_*), tried before the SMS gateway (MOTCUA_SMS_*).
    let zalo = match motcua_connectors::ZaloSettings::from_lookup(|k| std::env::var(k).ok()) {
        Ok(z) => z,
        Err(e) => {
            eprintln!("Cấu hình Zalo OA chưa đủ: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    // VNeID and the staff SSO: MOTCUA_VNEID_*, MOTCUA_STAFF_SSO_*; unset, the demo starts fakes.
    let oidc = |kind| motcua_connectors::OidcSettings::from_lookup(|k| std::env::var(k).ok(), kind);
    let (vneid, staff_sso) = match (oidc(motcua_connectors::oidc::VNEID), oidc(motcua_connectors::oidc::STAFF_SSO)) {
        (Ok(v), Ok(s)) => (v, s),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("Cấu hình đăng nhập một lần (OpenID Connect) chưa đủ: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    // Signing results and forms (P16): MOTCUA_SIGNING_DIR holds the agencies' keys; unset, the
    // demo signs with certificates of its test authority.
    let signing = match std::env::var("MOTCUA_SIGNING_DIR").ok().filter(|d| !d.is_empty()) {
        Some(dir) => match motcua_core::signing::DocumentSigner::from_dir(std::path::Path::new(&dir)) {
            Ok(s) => Some(std::sync::Arc::new(s)),
            Err(e) => {
                eprintln!("Không đọc được khóa ký số (MOTCUA_SIGNING_DIR): {e}");
                return std::process::ExitCode::FAILURE;
            }
        },
        None if !args.no_demo => match motcua::demo_signer(&args.data_dir) {
            Ok(s) => Some(std::sync::Arc::new(s)),
            Err(e) => {
                eprintln!("{e}");
                return std::process::ExitCode::FAILURE;
            }
        },
        None => None,
    };
    let settings = Settings {
        signing,
        // The demo's accounts keep their passwords under the 2025 regime (R7).
        applicant_passwords: !args.no_demo,
        demo_counterparts: !args.no_demo,
        vneid,
        staff_sso,
        postal,
        population,
        payment,
        allow_http_webhooks: !args.no_demo,
        dvcqg,
        dvcqg_inbound_secret: args.dvcqg_inbound_secret,
        public_url: args.public_url,
        addr: args.addr,
        data_dir: args.data_dir,
        web_dir: Some(args.web_dir),
        seed_demo: !args.no_demo,
        smtp: args.smtp_relay.map(|relay| (relay, args.smtp_from)),
        zalo,
        sms,
        regime: args.regime,
        lookups_per_minute: args.lookups_per_minute,
        ..Settings::default()
    };
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("Không khởi động được MotCua: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("{}", app.banner());
    app.run_until_signal().await;
    std::process::ExitCode::SUCCESS
}
