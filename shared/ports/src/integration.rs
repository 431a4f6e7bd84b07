//! The integration ports (G2): one trait per kind of counterpart reached through the
//! province's integration platform — the national public service portal (dossier sync and
//! look-ups), the source of the national procedure catalogue and shared e-catalogues, and the
//! agencies' systems that subscribe to events (webhooks). The core never calls a counterpart
//! directly; adapters are the only code that knows a wire format.
//!
//! Records cross these ports as JSON objects already in the counterpart's vocabulary (the
//! mapping from our dossier lives in the domain, `motcua_domain::national`).

use async_trait::async_trait;
use bytes::Bytes;
use serde_json::{Map, Value};

/// One record in the counterpart's vocabulary.
pub type Record = Map<String, Value>;

/// Why a call to a counterpart did not succeed. Every kind is retried by the caller; the kind
/// tells the operator where to look.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectionError {
    /// Not reachable, timed out, or answered 5xx.
    #[error("không kết nối được: {0}")]
    Unavailable(String),
    /// Credentials refused (the token could not be obtained or was refused twice).
    #[error("bị từ chối xác thực: {0}")]
    Unauthorized(String),
    /// Reachable, but the counterpart refused the request (`error_code` other than 0).
    #[error("đối tác trả lỗi {code}: {message}")]
    Rejected { code: String, message: String },
    /// The answer could not be read.
    #[error("phản hồi không đọc được: {0}")]
    Malformed(String),
}

/// The national public service portal (DVCQG): dossier sync out (M10), look-ups for
/// reconciliation, and the dossiers filed there for this province (pull).
#[async_trait]
pub trait NationalPortal: Send + Sync {
    /// `DongBoHoSoMC`: creates (`is_updating = false`) or updates dossier records.
    async fn push_dossiers(&self, records: Vec<Record>, is_updating: bool) -> Result<(), ConnectionError>;
    /// `CapNhatTienDoHoSoMC`: progress steps, in order.
    async fn push_progress(&self, records: Vec<Record>) -> Result<(), ConnectionError>;
    /// `TraCuuHoSo`: the record the portal holds under a dossier code, if any.
    async fn lookup(&self, code: &str) -> Result<Option<Record>, ConnectionError>;
    /// Dossiers filed on the portal for this unit and not yet taken (portals without push).
    async fn pull_new(&self) -> Result<Vec<Record>, ConnectionError>;
    /// A file the portal links to from a dossier record (`DuongDanTaiTepTin`).
    async fn download(&self, url: &str) -> Result<Bytes, ConnectionError>;
}

/// Which shared e-catalogue to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharedCatalogue {
    /// Agencies (`LayDanhMucCoQuan`: `MADONVI`, `TENDONVI`, `CAPDONVI`).
    Agencies,
    /// Fields (`LayDanhMucLinhVuc`: `MALINHVUC`, `TENLINHVUC`).
    Fields,
    /// Administrative units (`LayDanhMucDonViHanhChinh`: `MADONVI`, `TENDONVI`, `CAPDONVI`).
    AdministrativeUnits,
}

/// The national procedure database and the shared e-catalogues (M1, M5, G6).
#[async_trait]
pub trait CatalogueSource: Send + Sync {
    /// `LayDanhSachTTHC`: every procedure of the unit, in summary.
    async fn procedures(&self) -> Result<Vec<Record>, ConnectionError>;
    /// `LayThuTuc`: one procedure in full.
    async fn procedure(&self, code: &str) -> Result<Option<Record>, ConnectionError>;
    async fn shared(&self, catalogue: SharedCatalogue) -> Result<Vec<Record>, ConnectionError>;
}

/// Delivery of one signed event to a subscriber's URL.
#[async_trait]
pub trait WebhookTransport: Send + Sync {
    /// POSTs `body` with `headers`; `Ok` only for a 2xx answer.
    async fn post(&self, url: &str, headers: Vec<(String, String)>, body: Vec<u8>) -> Result<(), ConnectionError>;
}

/// A payment order sent to the national payment platform: what the payer is asked to pay for
/// one dossier, and where the platform answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentOrder {
    /// Our order id; the platform keys its transaction and callbacks by it.
    pub order_id: String,
    pub amount_vnd: u64,
    pub description: String,
    /// Where the payer's browser comes back after paying.
    pub return_url: String,
    /// Where the platform posts its signed callback (IPN).
    pub notify_url: String,
}

/// What the platform says of one order, in a callback or in its list of a day's transactions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentNotice {
    pub order_id: String,
    /// The platform's transaction id.
    pub transaction_id: String,
    pub amount_vnd: u64,
    /// Paid (true) or failed / cancelled by the payer.
    pub paid: bool,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// The national payment platform (national-connections §5): orders out, signed callbacks in,
/// each day's transactions for reconciliation.
#[async_trait]
pub trait PaymentPlatform: Send + Sync {
    /// Creates the order on the platform; returns the address the payer is sent to.
    async fn create(&self, order: &PaymentOrder) -> Result<String, ConnectionError>;
    /// Reads a callback: `Unauthorized` unless `signature` (the callback's signature header) is
    /// the platform's signature of `body`.
    fn read_callback(&self, signature: Option<&str>, body: &[u8]) -> Result<PaymentNotice, ConnectionError>;
    /// The platform's transactions of a day (Vietnam time), paid or failed.
    async fn transactions(&self, day: chrono::NaiveDate) -> Result<Vec<PaymentNotice>, ConnectionError>;
}

/// A parcel handed to the public postal service: a result delivered to the applicant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shipment {
    /// Our reference (the dossier id): the same reference never makes a second parcel.
    pub reference: String,
    pub recipient_name: String,
    pub recipient_phone: Option<String>,
    pub address: String,
    pub description: String,
    /// Collected from the recipient on delivery (0: nothing).
    pub cash_on_delivery_vnd: u64,
    /// Where the post sends the parcel's tracking states.
    pub notify_url: String,
}

/// Paper documents the post collects from the applicant and brings to the agency (P15).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickupOrder {
    /// Our reference: the same reference never makes a second collection.
    pub reference: String,
    pub sender_name: String,
    pub sender_phone: Option<String>,
    /// Where the post collects the documents.
    pub address: String,
    /// The agency the documents go to, with its address.
    pub deliver_to: String,
    pub description: String,
    /// Where the post sends the collection's tracking states.
    pub notify_url: String,
}

/// Where a parcel is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ParcelState {
    /// Taken by the post.
    Accepted,
    InTransit,
    Delivered,
    /// Could not be delivered: back at the sender.
    Returned,
}

impl ParcelState {
    pub fn label(self) -> &'static str {
        match self {
            ParcelState::Accepted => "Bưu điện đã nhận bưu gửi",
            ParcelState::InTransit => "Đang vận chuyển",
            ParcelState::Delivered => "Đã phát thành công",
            ParcelState::Returned => "Không phát được, đã chuyển hoàn",
        }
    }
}

/// A tracking state the post reports for a parcel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingUpdate {
    pub reference: String,
    pub tracking_number: String,
    pub state: ParcelState,
    pub at: chrono::DateTime<chrono::Utc>,
    pub note: Option<String>,
}

/// The public postal service (national-connections §6): parcels out, signed tracking states in.
#[async_trait]
pub trait PostalService: Send + Sync {
    /// Orders the delivery; returns the tracking number (the same one for a repeated reference).
    async fn ship(&self, shipment: &Shipment) -> Result<String, ConnectionError>;
    /// Orders a collection of paper documents; its tracking number (the same one for a
    /// repeated reference). Its states come back through the same callbacks.
    async fn pick_up(&self, order: &PickupOrder) -> Result<String, ConnectionError>;
    /// Reads a tracking callback: `Unauthorized` unless `signature` is the post's signature of `body`.
    fn read_callback(&self, signature: Option<&str>, body: &[u8]) -> Result<TrackingUpdate, ConnectionError>;
}

/// What the relying party sends the user to the provider with; it keeps `state`, `nonce` and
/// the PKCE verifier to check the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginRequest {
    pub state: String,
    pub nonce: String,
    /// The PKCE code verifier (the provider is sent its S256 challenge).
    pub pkce_verifier: String,
    pub redirect_uri: String,
}

/// A person as an OpenID provider vouches for them, from a verified ID token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedIdentity {
    pub subject: String,
    /// The claim that names the person here: the personal identification number for VNeID, the
    /// login name for staff SSO.
    pub identifier: Option<String>,
    pub name: Option<String>,
    /// `yyyy-mm-dd`
    pub birthdate: Option<String>,
    /// Assurance level, 1 or 2, from `acr`.
    pub level: u8,
}

/// An OpenID provider (national-connections §3): VNeID through the national SSO, or a
/// province's staff SSO. The adapter checks the ID token: signature, `iss`, `aud`, `exp`, nonce.
#[async_trait]
pub trait IdentityProvider: Send + Sync {
    /// Where to send the user (authorization code flow, PKCE S256).
    async fn authorize_url(&self, request: &LoginRequest) -> Result<String, ConnectionError>;
    /// Exchanges the code and verifies the ID token; `Rejected` when the token is not valid.
    async fn redeem(&self, code: &str, request: &LoginRequest) -> Result<VerifiedIdentity, ConnectionError>;
}

/// A read of the national population database: whose data, why, and under which consent
/// (Law 91/2025: the registry records the purpose of every read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentQuery {
    /// The personal identification number (12 digits).
    pub id_number: String,
    /// Why the data is read, in words the person will see ("Điền sẵn tờ khai thủ tục …").
    pub purpose: String,
    /// Our record of the person's consent.
    pub consent_id: String,
    /// Who asks: the person themselves, or the officer checking their dossier.
    pub requested_by: String,
}

/// A person as the national population database holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resident {
    pub id_number: String,
    pub full_name: String,
    /// `yyyy-mm-dd`
    pub date_of_birth: String,
    pub gender: String,
    /// Permanent residence (nơi thường trú).
    pub permanent_address: String,
}

/// The national population database (national-connections §4), reached through the
/// integration platform.
#[async_trait]
pub trait PopulationRegistry: Send + Sync {
    /// The person of `query.id_number`, `None` when the database has no such person.
    async fn resident(&self, query: &ResidentQuery) -> Result<Option<Resident>, ConnectionError>;
}
