//! The ports: the only way handlers and services reach storage, files, queues, time, the
//! outgoing channels (email, SMS) and the counterparts of the integration platform.
//!
//! Each port is a trait with DynamoDB / S3 / SQS semantics, so that the item layout, the
//! conditions and the message flow are written once in `motcua-core` and run unchanged on the
//! embedded adapters (redb, filesystem) and on the AWS adapters. Every port has a conformance
//! suite in [`conformance`] (feature `conformance`) that each adapter must pass.
//!
//! This crate must not depend on any adapter, on HTTP, or on the domain.

pub mod clock;
pub mod integration;
pub mod notifier;
pub mod object_store;
pub mod queue;
pub mod table;

#[cfg(feature = "conformance")]
pub mod conformance;

pub use clock::{Clock, ManualClock, SystemClock};
pub use integration::{
    CatalogueSource, ConnectionError, IdentityProvider, LoginRequest, NationalPortal, ParcelState, PaymentNotice,
    PaymentOrder, PaymentPlatform, PickupOrder, PopulationRegistry, PostalService, Record, Resident, ResidentQuery,
    SharedCatalogue, Shipment, TrackingUpdate, VerifiedIdentity, WebhookTransport,
};
pub use notifier::{Channel, FirstThatSends, Notifier, OutboundMessage};
pub use object_store::{ObjectMeta, ObjectStore, PresignedUrl, StoreError, UploadConstraints};
pub use queue::{Message, Queue, QueueError};
pub use table::{
    attr_i64, attr_str, Condition, Index, Item, Key, Page, Query, SortCondition, Table, TableError, WriteOp,
};
