//! The Lambda runtime of MotCua: configuration from the environment that `template.yaml` sets
//! (with a clear error at start-up when something is missing), the services over the AWS
//! adapters, and the three entrypoint shapes — an HTTP function (`lambda_http` running the
//! same axum router as the embedded server), the SQS events worker (partial batch failures)
//! and the scheduled outbox relay. Each `functions/<name>` `main` is one call into this crate.

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use lambda_runtime::{service_fn, LambdaEvent};
use motcua_aws::{AwsClients, DynamoTable, S3ObjectStore, SqsOptions, SqsQueue};
use motcua_core::integration::Connections;
use motcua_core::{Adapters, Config, Services};
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
    pub jwt_keys_param: String,
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
            jwt_keys_param: need("MOTCUA_JWT_KEYS_PARAM")?,
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

async fn parameter(ssm: &aws_sdk_ssm::Client, name: &str) -> Result<String, ConfigError> {
    let out = ssm.get_parameter().name(name).with_decryption(true).send().await.map_err(|e| {
        ConfigError::Parameter { name: name.into(), reason: aws_sdk_ssm::error::DisplayErrorContext(e).to_string() }
    })?;
    out.parameter()
        .and_then(|p| p.value())
        .map(String::from)
        .ok_or_else(|| ConfigError::Parameter { name: name.into(), reason: "no value".into() })
}

/// The services over DynamoDB, S3 and SQS, with secrets from SSM Parameter Store.
pub async fn services(env: &Env, clients: &AwsClients) -> Result<Arc<Services>, Error> {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(endpoint) = &env.endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    let ssm = aws_sdk_ssm::Client::new(&loader.load().await);
    let pems = split_pems(&parameter(&ssm, &env.jwt_keys_param).await?);
    let pepper = parameter(&ssm, &env.lookup_pepper_param).await?;
    services_with(env, clients, &pems, pepper).await
}

/// The services from already-known secrets (tests, local emulators).
pub async fn services_with(
    env: &Env,
    clients: &AwsClients,
    pems: &[String],
    pepper: String,
) -> Result<Arc<Services>, Error> {
    let table: Arc<dyn motcua_ports::Table> = Arc::new(DynamoTable::new(clients.dynamodb.clone(), &env.table));
    let objects = Arc::new(S3ObjectStore::new(clients.s3.clone(), &env.bucket));
    let queue = Arc::new(
        SqsQueue::new(clients.sqs.clone(), SqsOptions::default()).with_queue_url("events", &env.events_queue_url),
    );
    let mut config = Config::new(env.issuer.clone(), pepper);
    config.audience = env.audience.clone();
    config.regime = env.regime.clone();
    let notifier = Arc::new(motcua_core::events::RegisterOnly);
    let connections = connections_from_env(|k| std::env::var(k).ok())?;
    let adapters = Adapters { table, objects, queue, clock: Arc::new(SystemClock), notifier, connections };
    let services = Services::assemble(adapters, pems, config).await?;
    *SETTINGS_CHECKED.lock().expect("refresh lock") = Some(std::time::Instant::now());
    Ok(Arc::new(services))
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

async fn cold_start() -> Result<Arc<Services>, Error> {
    init_logs();
    let env = Env::from_env()?;
    let clients = motcua_aws::clients(env.endpoint.as_deref(), None).await;
    services(&env, &clients).await
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
    let sent = motcua_core::events::relay_outbox(services, Duration::from_secs(30)).await?;
    let sealed = motcua_core::ledger::seal(services, chrono::Utc::now().timestamp_millis()).await?;
    let swept = motcua_core::upload_limits::sweep(services, chrono::Utc::now().timestamp()).await?;
    let archived = motcua_core::archive::sweep(services).await?;
    Ok(serde_json::json!({ "republished": sent, "sealed": sealed, "objects_deleted": swept, "archived": archived }))
}

/// One tick of the integration worker (national portal sync and pull, webhooks, daily jobs).
pub async fn handle_integration_tick(
    services: &Services,
    event: serde_json::Value,
) -> Result<serde_json::Value, Error> {
    ensure_scheduled(event)?;
    let delivered = motcua_core::integration::tick(services).await;
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
    fn several_keys_in_one_parameter_are_split_in_order() {
        let (a, b) = (JwtKeys::generate_pem(), JwtKeys::generate_pem());
        let keys = split_pems(&format!("{a}\n{b}"));
        assert_eq!(keys.len(), 2);
        assert!(JwtKeys::from_pems(&keys).is_ok());
    }
}
