//! The national public service portal (DVCQG) in its own vocabulary (M10, national-connections
//! §2): the records it exchanges ([`record`]), how one of our dossiers becomes those records
//! ([`mapping`]), and how a dossier filed there is read ([`inbound`]). Pure: the transport
//! lives in `motcua-connectors`, the delivery in `motcua_core::integration`.

pub mod inbound;
pub mod mapping;
pub mod record;

pub use inbound::{IncomingDossier, IncomingFile};
pub use mapping::{dossier_record, progress_records, MappingContext};
pub use record::{DossierRecord, ProgressRecord};

/// Times on the wire: `yyyyMMddHHmmss`, Vietnam time (practice).
pub const TIME_FORMAT: &str = "%Y%m%d%H%M%S";

/// A time as the portal writes it (empty when absent).
pub fn wire_time(t: Option<chrono::DateTime<chrono::FixedOffset>>) -> String {
    t.map(|t| crate::vn_time(t.to_utc()).format(TIME_FORMAT).to_string()).unwrap_or_default()
}
