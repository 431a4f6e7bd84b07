//! The Lambda runtime of MotCua: configuration from the environment that `template.yaml` sets
//! (with a clear error at start-up when something is missing), the services over the AWS
//! adapters, and the three entrypoint shapes — an HTTP function (`lambda_http` running the
//! same axum router as the embedded server), the SQS events worker (partial batch failures)
//! and the scheduled outbox relay. Each `functions/<name>` `main` is one call into this crate.

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use lambda_runtime::{service_fn, LambdaEvent};
use motcua_aws::{AwsClients, DynamoTable, S3ObjectStore, SqsOptions, SqsQueue};
use motcua_core::integration::Connections;
use motcua_core::{Adapters, Config, Services, StoredSettings};
use motcua_http::Route;
use motcua_ports::SystemClock;
use std::sync::Arc;
use std::time::Duration;

pub type Error = lambda_runtime::Error;

/// A missing or invalid setting, reported at cold start.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("missing environment variable {0} (set by template.yaml)")]
    Missing(&'static str),
    #[error("SSM parameter {name}: {reason}")]
    Parameter { name: String, reason: String },
    #[error("{0}")]
    Invalid(String),
}

/// The environment of every function.
#[derive(Debug, Clone)]
pub struct Env {
    pub table: String,
    pub bucket: String,
    pub events_queue_url: String,
    pub issuer: String,
    pub audience: String,
    /// `MOTCUA_JWT_KEYS_PARAM`: the private keys (PEM, newest first), set only on the
    /// functions that sign (identity: tokens; the outbox relay: the ledger's checkpoints).
    pub jwt_keys_param: Option<String>,
    /// `MOTCUA_JWT_PUBLIC_KEYS_PARAM`: the same keys' public halves, in the same order.
    pub jwt_public_keys_param: String,
    pub lookup_pepper_param: String,
    /// `MOTCUA_REGIME` (R1): `2019` when unset; the template sets it.
    pub regime: motcua_domain::regime::RegimeSchedule,
    /// Local AWS emulator (tests only).
    pub endpoint: Option<String>,
}

impl Env {
    pub fn from_env() -> Result<Env, ConfigError> {
        Env::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Env, ConfigError> {
        let need = |k: &'static str| get(k).filter(|v| !v.trim().is_empty()).ok_or(ConfigError::Missing(k));
        Ok(Env {
            table: need("MOTCUA_TABLE")?,
            bucket: need("MOTCUA_BUCKET")?,
            events_queue_url: need("MOTCUA_EVENTS_QUEUE_URL")?,
            issuer: need("MOTCUA_ISSUER")?,
            audience: get("MOTCUA_AUDIENCE").unwrap_or_else(|| "motcua-api".into()),
            jwt_keys_param: get("MOTCUA_JWT_KEYS_PARAM").filter(|v| !v.trim().is_empty()),
            jwt_public_keys_param: need("MOTCUA_JWT_PUBLIC_KEYS_PARAM")?,
            lookup_pepper_param: need("MOTCUA_LOOKUP_PEPPER_PARAM")?,
            regime: motcua_domain::regime::RegimeSchedule::parse(
                &get("MOTCUA_REGIME").unwrap_or_else(|| "2019".into()),
            )
            .map_err(|e| ConfigError::Invalid(format!("MOTCUA_REGIME: {e}")))?,
            endpoint: get("AWS_ENDPOINT_URL").filter(|v| !v.is_empty()),
        })
    }
}

/// Splits a parameter holding one or more PEM private keys (the first signs).
pub fn split_pems(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        current.push_str(line.trim());
        current.push('\n');
        if line.trim().starts_with("-----END ") {
            keys.push(std::mem::take(&mut current));
        }
    }
    keys
}

/// The secrets of one instance, read at its cold start and kept for its life (a change of
/// `SecretsRevision` in the template replaces every instance).
pub struct Secrets {
    /// PEM keys: the private ones where this function signs, else the public ones.
    pub key_pems: Vec<String>,
    pub pepper: String,
}

impl Secrets {
    /// One `GetParameters` call for the pepper and the keys. Where the function signs, its
    /// private keys must match the public parameter key for key, or the instance does not start
    /// (a rotation that updated one parameter and not the other would otherwise refuse every
    /// new token in the other functions).
    pub async fn fetch(ssm: &aws_sdk_ssm::Client, env: &Env) -> Result<Secrets, ConfigError> {
        let mut names = vec![env.lookup_pepper_param.clone(), env.jwt_public_keys_param.clone()];
        names.extend(env.jwt_keys_param.clone());
        let out =
            ssm.get_parameters().set_names(Some(names.clone())).with_decryption(true).send().await.map_err(|e| {
                ConfigError::Parameter {
                    name: names.join(", "),
                    reason: aws_sdk_ssm::error::DisplayErrorContext(e).to_string(),
                }
            })?;
        let value = |name: &str| {
            out.parameters()
                .iter()
                .find(|p| p.name() == Some(name))
                .and_then(|p| p.value())
                .map(String::from)
                .ok_or_else(|| ConfigError::Parameter { name: name.into(), reason: "not found or no value".into() })
        };
        let pepper = value(&env.lookup_pepper_param)?;
        let public = split_pems(&value(&env.jwt_public_keys_param)?);
        let key_pems = match &env.jwt_keys_param {
            None => public,
            Some(name) => {
                let private = split_pems(&value(name)?);
                check_key_pair(&private, &public)?;
                private
            }
        };
        Ok(Secrets { key_pems, pepper })
    }
}

/// The public parameter holds exactly the private keys' public halves, in order.
fn check_key_pair(private: &[String], public: &[String]) -> Result<(), ConfigError> {
    let kids = |pems: &[String], what: &str| {
        motcua_core::auth::JwtKeys::from_pems(pems)
            .map(|k| k.kids().into_iter().map(String::from).collect::<Vec<_>>())
            .map_err(|e| ConfigError::Invalid(format!("{what}: {e}")))
    };
    if kids(private, "MOTCUA_JWT_KEYS_PARAM")? != kids(public, "MOTCUA_JWT_PUBLIC_KEYS_PARAM")? {
        return Err(ConfigError::Invalid(
            "MOTCUA_JWT_PUBLIC_KEYS_PARAM must hold the public keys of MOTCUA_JWT_KEYS_PARAM, in the same order \
             (docs/deploy.md, key rotation)"
                .into(),
        ));
    }
    Ok(())
}

/// The services over DynamoDB, S3 and SQS, with secrets from SSM Parameter Store: the
/// parameters and the stored calendar and regime are read at the same time.
pub async fn services(env: &Env, clients: &AwsClients) -> Result<Arc<Services>, Error> {
    let table: Arc<dyn motcua_ports::Table> = Arc::new(DynamoTable::new(clients.dynamodb.clone(), &env.table));
    let ssm = aws_sdk_ssm::Client::new(&clients.config);
    let (secrets, settings) =
        tokio::try_join!(async { Secrets::fetch(&ssm, env).await.map_err(Error::from) }, async {
            StoredSettings::load(table.as_ref(), &env.regime).await.map_err(Error::from)
        },)?;
    let objects = Arc::new(S3ObjectStore::new(clients.s3.clone(), &env.bucket));
    let queue = Arc::new(
        SqsQueue::new(clients.sqs.clone(), SqsOptions::default()).with_queue_url("events", &env.events_queue_url),
    );
    let mut config = Config::new(env.issuer.clone(), secrets.pepper);
    config.audience = env.audience.clone();
    config.regime = env.regime.clone();
    let notifier = notifier_from_env(|k| std::env::var(k).ok(), &clients.config)?;
    let connections = connections_from_env(|k| std::env::var(k).ok())?;
    let adapters = Adapters { table, objects, queue, clock: Arc::new(SystemClock), notifier, connections };
    let services = Services::from_parts(adapters, &secrets.key_pems, config, settings)?;
    *SETTINGS_CHECKED.lock().expect("refresh lock") = Some(std::time::Instant::now());
    Ok(Arc::new(services))
}

/// The applicants' messages from the environment: email by SES from `MOTCUA_SES_FROM`, phone
/// messages by Zalo (`MOTCUA_ZALO_*`) then an SMS gateway (`MOTCUA_SMS_*`); each one off when
/// unset, its messages kept in the outbound register.
pub fn notifier_from_env(
    get: impl Fn(&str) -> Option<String>,
    aws: &aws_config::SdkConfig,
) -> Result<Arc<dyn motcua_ports::Notifier>, ConfigError> {
    let mut notifiers: Vec<Arc<dyn motcua_ports::Notifier>> = vec![];
    if let Some(from) = get("MOTCUA_SES_FROM").filter(|v| !v.trim().is_empty()) {
        notifiers.push(Arc::new(motcua_aws::SesNotifier::new(aws, from.trim())));
    }
    if let Some(zalo) = motcua_connectors::ZaloSettings::from_lookup(&get).map_err(ConfigError::Invalid)? {
        notifiers.push(Arc::new(motcua_connectors::ZaloNotifier::new(zalo)));
    }
    let sms = motcua_connectors::ClientSettings::from_lookup(&get, motcua_connectors::sms::SMS_ENV)
        .map_err(ConfigError::Invalid)?;
    if let Some(sms) = sms {
        notifiers.push(Arc::new(motcua_connectors::SmsGateway::new(sms)));
    }
    Ok(Arc::new(motcua_ports::FirstThatSends(notifiers)))
}

/// The integration platform's connections from the environment (`MOTCUA_DVCQG_*`,
/// `MOTCUA_PAYMENT_*`, `MOTCUA_POST_*`, `MOTCUA_POPULATION_*`, `MOTCUA_VNEID_*`, `MOTCUA_STAFF_SSO_*`,
/// `MOTCUA_PUBLIC_URL`): each one off when unset; webhooks always on.
pub fn connections_from_env(get: impl Fn(&str) -> Option<String>) -> Result<Connections, ConfigError> {
    let dvcqg = motcua_connectors::DvcqgSettings::from_lookup(&get).map_err(ConfigError::Invalid)?;
    let client = dvcqg.map(|d| Arc::new(motcua_connectors::DvcqgClient::new(d)));
    let payment = motcua_connectors::PaymentSettings::from_lookup(&get, motcua_connectors::payment::PAYMENT_ENV)
        .map_err(ConfigError::Invalid)?;
    let postal = motcua_connectors::ClientSettings::from_lookup(&get, motcua_connectors::postal::POST_ENV)
        .map_err(ConfigError::Invalid)?;
    let population =
        motcua_connectors::ClientSettings::from_lookup(&get, motcua_connectors::population::POPULATION_ENV)
            .map_err(ConfigError::Invalid)?;
    let oidc = |kind| -> Result<Option<Arc<dyn motcua_ports::IdentityProvider>>, ConfigError> {
        let settings = motcua_connectors::OidcSettings::from_lookup(&get, kind).map_err(ConfigError::Invalid)?;
        Ok(settings.map(|o| Arc::new(motcua_connectors::OidcClient::new(o)) as Arc<dyn motcua_ports::IdentityProvider>))
    };
    Ok(Connections {
        vneid: oidc(motcua_connectors::oidc::VNEID)?,
        staff_sso: oidc(motcua_connectors::oidc::STAFF_SSO)?,
        postal: postal.map(|p| Arc::new(motcua_connectors::PostClient::new(p)) as Arc<dyn motcua_ports::PostalService>),
        population: population.map(|p| {
            Arc::new(motcua_connectors::PopulationClient::new(p)) as Arc<dyn motcua_ports::PopulationRegistry>
        }),
        portal: client.clone().map(|c| c as Arc<dyn motcua_ports::NationalPortal>),
        catalogue: client.map(|c| c as Arc<dyn motcua_ports::CatalogueSource>),
        payment: payment
            .map(|p| Arc::new(motcua_connectors::PaymentClient::new(p)) as Arc<dyn motcua_ports::PaymentPlatform>),
        webhooks: Some(Arc::new(motcua_connectors::HttpWebhooks::default())),
        inbound_secret: get("MOTCUA_DVCQG_INBOUND_SECRET").filter(|v| !v.is_empty()),
        public_base_url: get("MOTCUA_PUBLIC_URL").unwrap_or_default(),
        ..Connections::default()
    })
}

/// Every function's init: configuration, clients, secrets and settings. A failure is logged
/// and reported to the Runtime API's `/init/error` (Lambda records it as `Runtime.InitError`
/// and starts a fresh instance for the next request) before the process exits.
async fn cold_start() -> Result<Arc<Services>, Error> {
    init_logs();
    let started = async {
        let env = Env::from_env()?;
        let clients = motcua_aws::clients(env.endpoint.as_deref(), None).await;
        services(&env, &clients).await
    };
    match started.await {
        Ok(services) => Ok(services),
        Err(e) => {
            tracing::error!(error = %e, "cold start failed");
            if let Ok(api) = std::env::var("AWS_LAMBDA_RUNTIME_API") {
                if let Err(report) = report_init_error(&api, &e).await {
                    tracing::error!(error = %report, "could not report the failed start to /init/error");
                }
            }
            Err(e)
        }
    }
}

/// Posts a failed init to the Runtime API at `api` (`host:port`, as in `AWS_LAMBDA_RUNTIME_API`).
pub async fn report_init_error(api: &str, error: &Error) -> Result<(), Error> {
    let client = lambda_runtime_api_client::PooledClient::builder().with_endpoint(api.parse()?).build();
    let diagnostic = serde_json::json!({ "errorType": "Runtime.InitError", "errorMessage": error.to_string() });
    let request = lambda_runtime_api_client::build_request()
        .method(http::Method::POST)
        .uri("/2018-06-01/runtime/init/error")
        .header("lambda-runtime-function-error-type", "Runtime.InitError")
        .body(lambda_runtime_api_client::body::Body::from(diagnostic.to_string()))?;
    let response = client.call(request).await?;
    if !response.status().is_success() {
        return Err(format!("/init/error answered {}", response.status()).into());
    }
    Ok(())
}

/// JSON logs for CloudWatch.
pub fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let _ = tracing_subscriber::fmt().json().with_env_filter(filter).with_target(false).without_time().try_init();
}

/// How long an instance keeps its calendar and regime schedule before checking for newer stored ones.
const SETTINGS_REFRESH: Duration = Duration::from_secs(60);
/// When this instance last loaded or checked them.
static SETTINGS_CHECKED: std::sync::Mutex<Option<std::time::Instant>> = std::sync::Mutex::new(None);

/// Keeps the calendar and the regime schedule of this instance in step with the stored ones
/// (an administrator's change is handled by one instance; the others pick it up within
/// [`SETTINGS_REFRESH`]).
async fn refresh_settings(
    axum::extract::State(s): axum::extract::State<Arc<Services>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let due = {
        let mut last = SETTINGS_CHECKED.lock().expect("refresh lock");
        let due = last.is_none_or(|t| t.elapsed() >= SETTINGS_REFRESH);
        if due {
            *last = Some(std::time::Instant::now());
        }
        due
    };
    if due {
        if let Err(e) = motcua_core::calendar::refresh(&s).await {
            tracing::warn!(error = %e, "calendar refresh failed; keeping the current one");
        }
        if let Err(e) = motcua_core::regime::refresh(&s).await {
            tracing::warn!(error = %e, "regime refresh failed; keeping the current one");
        }
    }
    next.run(request).await
}

/// The router of an HTTP function: its routes, problem+json for unknown paths.
pub fn router(routes: Vec<Route>, services: Arc<Services>) -> axum::Router {
    let router = motcua_http::access::with_access_counting(motcua_http::routes::router(routes), services.clone())
        .fallback(motcua_http::routes::route_not_found)
        .layer(axum::middleware::from_fn_with_state(services.clone(), refresh_settings))
        .layer(axum::middleware::map_request(client_address))
        .with_state(services);
    motcua_http::security::with_headers(router)
}

/// Puts API Gateway's view of the client's address on the request (limits per client).
async fn client_address(mut request: axum::extract::Request) -> axum::extract::Request {
    use lambda_http::request::RequestContext;
    use lambda_http::RequestExt;
    let source = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(c)) => c.http.source_ip.clone(),
        _ => None,
    };
    if let Some(ip) = source {
        request.extensions_mut().insert(motcua_http::extract::SourceAddress(ip));
    }
    request
}

/// Entrypoint of an HTTP function.
pub async fn run_http(routes: Vec<Route>) -> Result<(), Error> {
    let services = cold_start().await?;
    lambda_http::run(router(routes, services)).await
}

/// Handles one SQS batch: each record independently; failures are reported per record so
/// that SQS redelivers only those (and moves them to the dead-letter queue in the end).
pub async fn handle_events(services: &Services, event: SqsEvent) -> SqsBatchResponse {
    motcua_core::serving::scope("events", handle_records(services, event)).await
}

async fn handle_records(services: &Services, event: SqsEvent) -> SqsBatchResponse {
    let mut failures = Vec::new();
    for record in event.records {
        let id = record.message_id.clone().unwrap_or_default();
        let result = match record.body.as_deref() {
            Some(body) => motcua_core::events::handle(services, body).await,
            None => Err(motcua_core::CoreError::invalid("poison_message", "empty body")),
        };
        if let Err(e) = result {
            tracing::error!(message = %id, error = %e, "event failed");
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            failures.push(failure);
        }
    }
    let mut response = SqsBatchResponse::default();
    response.batch_item_failures = failures;
    response
}

/// Entrypoint of the events worker (SQS event source with ReportBatchItemFailures).
pub async fn run_events_worker() -> Result<(), Error> {
    let services = cold_start().await?;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| {
        let services = services.clone();
        async move { Ok::<_, Error>(handle_events(&services, event.payload).await) }
    }))
    .await
}

/// The EventBridge schedule's event, as far as the relay reads it.
#[derive(Debug, serde::Deserialize)]
pub struct ScheduledEvent {
    #[serde(rename = "detail-type")]
    pub detail_type: String,
    pub source: String,
}

/// Anything but a scheduled event is refused, so a misrouted event is never taken for a tick.
fn ensure_scheduled(event: serde_json::Value) -> Result<(), Error> {
    let event: ScheduledEvent = serde_json::from_value(event)?;
    if event.detail_type != "Scheduled Event" || event.source != "aws.events" {
        return Err(format!("not a scheduled event: {} from {}", event.detail_type, event.source).into());
    }
    Ok(())
}

/// One tick of the outbox relay: re-publishes outbox entries older than 30 s, seals the
/// ledger, deletes swept objects and archives the closed dossiers that are due.
pub async fn handle_schedule(services: &Services, event: serde_json::Value) -> Result<serde_json::Value, Error> {
    ensure_scheduled(event)?;
    motcua_core::serving::scope("outbox-relay", async {
        let sent = motcua_core::events::relay_outbox(services, Duration::from_secs(30)).await?;
        let sealed = motcua_core::ledger::seal(services, chrono::Utc::now().timestamp_millis()).await?;
        let swept = motcua_core::upload_limits::sweep(services, chrono::Utc::now().timestamp()).await?;
        let archived = motcua_core::archive::sweep(services).await?;
        Ok(serde_json::json!({ "republished": sent, "sealed": sealed, "objects_deleted": swept, "archived": archived }))
    })
    .await
}

/// One tick of the integration worker (national portal sync and pull, webhooks, daily jobs).
pub async fn handle_integration_tick(
    services: &Services,
    event: serde_json::Value,
) -> Result<serde_json::Value, Error> {
    ensure_scheduled(event)?;
    let delivered = motcua_core::serving::scope("integration-worker", motcua_core::integration::tick(services)).await;
    Ok(serde_json::json!({ "delivered": delivered }))
}

/// The workers run on a schedule.
#[derive(Debug, Clone, Copy)]
pub enum Scheduled {
    /// [`handle_schedule`]: the outbox relay.
    OutboxRelay,
    /// [`handle_integration_tick`]: the integration worker.
    Integration,
}

/// Entrypoint of a scheduled worker: one tick per scheduled event.
pub async fn run_scheduled(worker: Scheduled) -> Result<(), Error> {
    let services = cold_start().await?;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<serde_json::Value>| {
        let services = services.clone();
        async move {
            match worker {
                Scheduled::OutboxRelay => handle_schedule(&services, event.payload).await,
                Scheduled::Integration => handle_integration_tick(&services, event.payload).await,
            }
        }
    }))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_core::auth::JwtKeys;
    use motcua_domain::regime::RegimeSchedule;

    #[test]
    fn a_missing_variable_is_named_at_start_up() {
        let err = Env::from_lookup(|k| (k != "MOTCUA_BUCKET").then(|| "x".to_string())).unwrap_err();
        assert_eq!(err.to_string(), "missing environment variable MOTCUA_BUCKET (set by template.yaml)");
        let all_but = |missing: &'static str| {
            move |k: &str| (k != missing).then(|| if k == "MOTCUA_REGIME" { "2019" } else { "x" }.to_string())
        };
        let verifier = Env::from_lookup(all_but("MOTCUA_JWT_KEYS_PARAM")).unwrap();
        assert_eq!((verifier.jwt_keys_param, verifier.jwt_public_keys_param.as_str()), (None, "x"));
        assert!(Env::from_lookup(all_but("MOTCUA_JWT_PUBLIC_KEYS_PARAM")).is_err());
        let with_regime = |regime: &'static str| {
            Env::from_lookup(move |k| Some(if k == "MOTCUA_REGIME" { regime.into() } else { "x".into() }))
        };
        assert_eq!(
            with_regime("2019,2025@2025-07-01").unwrap().regime,
            RegimeSchedule::parse("2019,2025@2025-07-01").unwrap()
        );
        assert!(with_regime("2021").unwrap_err().to_string().contains("MOTCUA_REGIME"));
        let unset = Env::from_lookup(|k| (k != "MOTCUA_REGIME").then(|| "x".to_string())).unwrap();
        assert_eq!(unset.regime, RegimeSchedule::only(motcua_domain::regime::Regime::R2019));
    }

    #[test]
    fn a_signing_function_starts_only_with_the_matching_public_keys_in_order() {
        let (new, old) = (JwtKeys::generate_pem(), JwtKeys::generate_pem());
        let public = |k: &String| JwtKeys::public_pem(k).unwrap();
        let private = [new.clone(), old.clone()];
        assert!(check_key_pair(&private, &[public(&new), public(&old)]).is_ok());
        assert!(check_key_pair(&private, &[public(&old), public(&new)]).is_err(), "order differs");
        assert!(check_key_pair(&private, &[public(&new)]).is_err(), "the old key's public half is missing");
        let other = JwtKeys::generate_pem();
        let err = check_key_pair(&private, &[public(&other), public(&old)]).unwrap_err();
        assert!(err.to_string().contains("MOTCUA_JWT_PUBLIC_KEYS_PARAM"), "{err}");
    }

    #[tokio::test]
    async fn a_failed_start_is_reported_to_the_runtime_api() {
        use axum::http::HeaderMap;
        let (sent, mut received) = tokio::sync::mpsc::unbounded_channel();
        let api = axum::Router::new().route(
            "/2018-06-01/runtime/init/error",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let kind = headers["lambda-runtime-function-error-type"].to_str().unwrap().to_string();
                sent.send((kind, body)).unwrap();
                async { axum::Json(serde_json::json!({ "status": "OK" })) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, api).await });
        let error: Error = ConfigError::Missing("MOTCUA_TABLE").into();
        report_init_error(&address.to_string(), &error).await.unwrap();
        let (kind, body) = received.recv().await.unwrap();
        assert_eq!(kind, "Runtime.InitError");
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["errorType"], "Runtime.InitError");
        assert_eq!(body["errorMessage"], "missing environment variable MOTCUA_TABLE (set by template.yaml)");
        let nobody = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
        assert!(report_init_error(&nobody.to_string(), &error).await.is_err());
    }

    #[test]
    fn several_keys_in_one_parameter_are_split_in_order() {
        let (a, b) = (JwtKeys::generate_pem(), JwtKeys::generate_pem());
        let keys = split_pems(&format!("{a}\n{b}"));
        assert_eq!(keys.len(), 2);
        assert!(JwtKeys::from_pems(&keys).is_ok());
    }
}
