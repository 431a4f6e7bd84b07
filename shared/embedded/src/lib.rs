//! Embedded adapters: the ports of `motcua-ports` on local disk, for `cargo run`, tests and
//! small offices.
//!
//! - [`EmbeddedStore`] opens one redb file holding the [`RedbTable`] (items and both GSIs) and
//!   the [`RedbQueue`] (messages and their visibility). One writer thread applies all writes
//!   with group commit: every write waiting is applied in one fsync'd transaction, so an
//!   acknowledged write is durable and throughput does not stop at the disk's fsync rate.
//! - [`EmbeddedStore::snapshot_to`] and [`copy_tree`] take online, consistent backups.
//! - [`FsObjectStore`] keeps objects as files with a JSON sidecar, and serves HMAC-presigned
//!   upload / download URLs through [`router`].
//!
//! This crate depends on the ports only: never on the domain, the core or the HTTP API.

mod backup;
mod error;
mod http;
mod objects;
mod queue;
mod smtp;
mod store;
mod table;
mod writer;

pub use backup::{copy_tree, BackupCounts};
pub use error::EmbeddedError;
pub use http::router;
pub use objects::FsObjectStore;
pub use queue::RedbQueue;
pub use smtp::SmtpNotifier;
pub use store::EmbeddedStore;
pub use table::RedbTable;
pub use writer::StoreOptions;
