//! Adapters of the integration ports (G2) over HTTPS: [`dvcqg`] speaks the national portal's
//! JSON services (token, `DongBoHoSoMC`, `CapNhatTienDoHoSoMC`, `TraCuuHoSo`, `LayThuTuc`, the
//! shared catalogues), [`webhook`] POSTs signed events to subscribers, [`payment`] creates orders on
//! the national payment platform and reads its signed callbacks, [`oidc`] is the OpenID Connect
//! relying party of VNeID and the staff SSO, [`postal`] orders deliveries from
//! the public postal service and reads its signed tracking states, [`population`] reads the
//! national population database ([`signed`]: what those three share); [`zalo`] and [`sms`] send
//! the applicant's phone messages (Zalo OA notifications, an SMS gateway). Only these modules know
//! a wire format; the core sees the traits of `motcua_ports::integration`.

pub mod dvcqg;
pub mod oidc;
pub mod payment;
pub mod population;
pub mod postal;
pub mod signed;
pub mod sms;
pub mod webhook;
pub mod zalo;

pub use dvcqg::{DvcqgClient, DvcqgSettings};
pub use oidc::{OidcClient, OidcSettings};
pub use payment::{PaymentClient, PaymentSettings};
pub use population::PopulationClient;
pub use postal::PostClient;
pub use signed::ClientSettings;
pub use sms::SmsGateway;
pub use webhook::HttpWebhooks;
pub use zalo::{ZaloNotifier, ZaloSettings};

use std::time::Duration;

/// The HTTP client every connector uses: bounded connect and request times, no redirects
/// followed (a counterpart that redirects is misconfigured, not to be trusted blindly).
pub(crate) fn http_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}
