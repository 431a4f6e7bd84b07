//! `RequestCounter`: counts the requests the SDK clients send, per service and operation, so
//! that a load test or a benchmark can turn a workload into an AWS cost estimate.
//!
//! It is an SDK interceptor hooked after transmission: every attempt that reached the service
//! counts (retries included, as AWS bills them); presigning sends nothing and counts nothing.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Request counts keyed `"<Service>.<Operation>"`, e.g. `"DynamoDB.GetItem"`, `"S3.PutObject"`,
/// `"SQS.ReceiveMessage"`. Share one `Arc<RequestCounter>` between the clients (see
/// [`crate::clients`]).
#[derive(Debug, Default)]
pub struct RequestCounter {
    counts: Mutex<BTreeMap<String, u64>>,
}

impl RequestCounter {
    pub fn new() -> Arc<RequestCounter> {
        Arc::new(RequestCounter::default())
    }

    /// The counts so far.
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.counts.lock().map(|counts| counts.clone()).unwrap_or_default()
    }

    /// Forgets every count.
    pub fn reset(&self) {
        if let Ok(mut counts) = self.counts.lock() {
            counts.clear();
        }
    }

    /// Total number of requests so far.
    pub fn total(&self) -> u64 {
        self.snapshot().values().sum()
    }

    fn record(&self, service: &str, operation: &str) {
        if let Ok(mut counts) = self.counts.lock() {
            *counts.entry(format!("{service}.{operation}")).or_default() += 1;
        }
    }

    /// The interceptor to register on an SDK client's config builder.
    pub(crate) fn interceptor(self: &Arc<Self>) -> CountingInterceptor {
        CountingInterceptor(self.clone())
    }
}

#[derive(Debug)]
pub(crate) struct CountingInterceptor(Arc<RequestCounter>);

impl Intercept for CountingInterceptor {
    fn name(&self) -> &'static str {
        "motcua::RequestCounter"
    }

    fn read_after_transmit(
        &self,
        _context: &BeforeDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(metadata) = cfg.load::<Metadata>() {
            self.0.record(metadata.service(), metadata.name());
        }
        Ok(())
    }
}
