//! `clients`: the SDK configuration shared by the three adapters (region, retries, endpoint
//! override, request counting).

use std::sync::Arc;
use std::time::Duration;

use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region};

use crate::RequestCounter;

/// Attempts per request (first try included) under the standard retry mode: throttling
/// (`ProvisionedThroughputExceededException`, `ThrottlingException`, `RequestLimitExceeded`,
/// `SlowDown`, …), 5xx and transient errors are retried with jittered exponential backoff
/// from [`INITIAL_BACKOFF`] up to [`MAX_BACKOFF`].
pub const MAX_ATTEMPTS: u32 = 4;
pub const INITIAL_BACKOFF: Duration = Duration::from_millis(50);
pub const MAX_BACKOFF: Duration = Duration::from_secs(1);
/// How long one attempt may take on AWS before it is abandoned and retried.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(2_500);
/// The whole budget of one SDK call, retries and backoff included: below the shortest
/// function timeout of template.yaml (10 s), so that a struggling dependency fails the call
/// with an error the handler reports instead of Lambda killing the invocation
/// (`tests/system/template_routes.rs` checks it against the template).
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(6);
/// How long one attempt may wait on a local emulator.
const EMULATOR_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(300);

/// The SDK clients of the three adapters.
#[derive(Debug, Clone)]
pub struct AwsClients {
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub s3: aws_sdk_s3::Client,
    pub sqs: aws_sdk_sqs::Client,
    /// The shared configuration (region, credentials, retries, timeouts) for other services.
    pub config: aws_config::SdkConfig,
}

/// Builds the clients from the environment: region from the usual chain (`AWS_REGION`,
/// profile, instance metadata) or `us-east-1`; credentials from the usual chain (environment,
/// profile, web identity, container or instance role — nothing is made up here, so a test
/// against an emulator sets `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` itself); standard
/// retries with [`MAX_ATTEMPTS`] within [`OPERATION_TIMEOUT`] (on AWS).
///
/// `endpoint` overrides every service's endpoint (a local emulator such as moto); S3 then uses
/// path-style addressing, as it does when the environment overrides the endpoint
/// (`AWS_ENDPOINT_URL`). `counter`, when given, counts every request of the three clients.
pub async fn clients(endpoint: Option<&str>, counter: Option<Arc<RequestCounter>>) -> AwsClients {
    let region = RegionProviderChain::default_provider().or_else(Region::new("us-east-1"));
    let retry = RetryConfig::standard()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_initial_backoff(INITIAL_BACKOFF)
        .with_max_backoff(MAX_BACKOFF);
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).region(region).retry_config(retry);
    if let Some(endpoint) = endpoint {
        // A local emulator serves one request at a time: an attempt left waiting on it (seen
        // once in a CI run, a connection it never answered) is dropped and retried rather than
        // awaited for ever. Far longer than any healthy wait: fifty concurrent submissions queue
        // behind each other for up to two minutes, and a retried attempt that the emulator had
        // in fact applied would then conflict.
        let timeouts =
            aws_config::timeout::TimeoutConfig::builder().operation_attempt_timeout(EMULATOR_ATTEMPT_TIMEOUT);
        loader = loader.endpoint_url(endpoint).timeout_config(timeouts.build());
    } else {
        let timeouts = aws_config::timeout::TimeoutConfig::builder()
            .operation_attempt_timeout(ATTEMPT_TIMEOUT)
            .operation_timeout(OPERATION_TIMEOUT);
        loader = loader.timeout_config(timeouts.build());
    }
    let shared = loader.load().await;
    let path_style = shared.endpoint_url().is_some();

    let mut dynamodb = aws_sdk_dynamodb::config::Builder::from(&shared);
    // Checksums only when an operation requires one: otherwise the SDK signs a CRC32 of the
    // empty body into presigned upload URLs, and every real upload through them fails.
    let mut s3 = aws_sdk_s3::config::Builder::from(&shared)
        .force_path_style(path_style)
        .request_checksum_calculation(aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired);
    let mut sqs = aws_sdk_sqs::config::Builder::from(&shared);
    if let Some(counter) = counter {
        dynamodb = dynamodb.interceptor(counter.interceptor());
        s3 = s3.interceptor(counter.interceptor());
        sqs = sqs.interceptor(counter.interceptor());
    }
    AwsClients {
        dynamodb: aws_sdk_dynamodb::Client::from_conf(dynamodb.build()),
        s3: aws_sdk_s3::Client::from_conf(s3.build()),
        sqs: aws_sdk_sqs::Client::from_conf(sqs.build()),
        config: shared,
    }
}
