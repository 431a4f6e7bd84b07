//! The use cases of MotCua, written once over the ports so that they run unchanged on the
//! embedded adapters and on AWS. No HTTP here: handlers in `functions/*` call these services
//! and `motcua-http` maps [`CoreError`] to responses.
//!
//! The item layout of the single table lives in [`keys`]; every query is scoped by owner or
//! agency through its key, never by filtering afterwards.

pub mod access;
pub mod access_log;
pub mod actions;
pub mod admin;
pub mod archive;
pub mod archive_package;
pub mod auth;
pub mod calendar;
pub mod catalogue;
pub mod drafts;
pub mod error;
pub mod evaluation;
pub mod events;
pub mod feedback;
pub mod forms;
pub mod idempotency;
pub mod inbox;
pub mod inbox_index;
pub mod index766;
pub mod integration;
pub mod keys;
pub mod ledger;
pub mod limits;
pub mod messages;
pub mod numbering;
pub mod payments;
pub mod postal;
pub mod queries;
pub mod reads;
pub mod reception;
pub mod regime;
pub mod registry;
pub mod reports;
pub mod second_factor;
pub mod services;
pub mod serving;
pub mod signing;
pub mod sso;
pub mod step_history;
pub mod store;
pub mod surveys;
pub mod upload_limits;
pub mod uploads;
pub mod users;

pub use error::{CoreError, CoreResult};
pub use motcua_ports::PresignedUrl;
pub use services::{Adapters, Caller, Config, Services, StoredSettings};
