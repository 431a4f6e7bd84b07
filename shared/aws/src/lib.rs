//! AWS adapters of the ports: [`DynamoTable`] (the `Table` port on one DynamoDB table, single-table
//! design), [`S3ObjectStore`] (the `ObjectStore` port on one S3 bucket, presigned URLs included)
//! [`SqsQueue`] (the `Queue` port on SQS queues with dead-letter queues) and [`SesNotifier`]
//! (email by Amazon SES, the `Notifier` port), plus
//! [`RequestCounter`], an SDK interceptor counting requests per service and operation for cost
//! estimates, and [`clients`], which builds the three SDK clients from the environment.
//!
//! Every adapter maps SDK errors onto its port's error enum in one place; no SDK type reaches
//! a port-facing error. The semantics are those of the embedded adapters (`motcua-embedded`),
//! checked by the same conformance suites (`tests/moto.rs`, feature `moto`).
//!
//! This crate must not depend on the domain, on HTTP handlers or on the embedded adapters.

mod config;
mod counter;
mod dynamo;
mod s3;
mod ses;
mod sqs;

pub use config::{clients, AwsClients, OPERATION_TIMEOUT};
pub use counter::RequestCounter;
pub use dynamo::{create_table, DynamoTable};
pub use s3::{create_bucket, S3ObjectStore};
pub use ses::SesNotifier;
pub use sqs::{SqsOptions, SqsQueue};
