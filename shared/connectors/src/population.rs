//! The national population database (national-connections §4) over HTTPS JSON, signed like
//! the payment platform (`X-Signature`: hex HMAC-SHA256 of the body with the client's secret):
//! - `POST {url}/api/v1/residents/lookup` `{client_id, so_dinh_danh, muc_dich, ma_dong_y,
//!   nguoi_yeu_cau}` → `{found: false}` or `{found: true, resident: {so_dinh_danh, ho_ten,
//!   ngay_sinh (yyyy-mm-dd), gioi_tinh, noi_thuong_tru}}`.
//!
//! The purpose (`muc_dich`) and the consent's reference (`ma_dong_y`) travel with every read:
//! the database keeps its own record of who read whom and why.

use crate::signed::ClientSettings;
use motcua_ports::{ConnectionError, PopulationRegistry, Resident, ResidentQuery};
use serde::Deserialize;
use std::time::Duration;

/// `MOTCUA_POPULATION_URL`, `MOTCUA_POPULATION_CLIENT`, `MOTCUA_POPULATION_SECRET`; all three or
/// none (pre-fill from the registry off).
pub const POPULATION_ENV: [&str; 3] = ["MOTCUA_POPULATION_URL", "MOTCUA_POPULATION_CLIENT", "MOTCUA_POPULATION_SECRET"];

#[derive(Deserialize)]
struct Answer {
    found: bool,
    #[serde(default)]
    resident: Option<WireResident>,
}

#[derive(Deserialize)]
struct WireResident {
    so_dinh_danh: String,
    ho_ten: String,
    ngay_sinh: String,
    gioi_tinh: String,
    noi_thuong_tru: String,
}

pub struct PopulationClient {
    settings: ClientSettings,
    http: reqwest::Client,
}

impl PopulationClient {
    pub fn new(settings: ClientSettings) -> PopulationClient {
        PopulationClient { settings, http: crate::http_client(Duration::from_secs(10)) }
    }
}

#[async_trait::async_trait]
impl PopulationRegistry for PopulationClient {
    async fn resident(&self, q: &ResidentQuery) -> Result<Option<Resident>, ConnectionError> {
        let body = serde_json::json!({
            "client_id": self.settings.client, "so_dinh_danh": q.id_number, "muc_dich": q.purpose,
            "ma_dong_y": q.consent_id, "nguoi_yeu_cau": q.requested_by,
        });
        let answer: Answer = self.settings.post(&self.http, "/api/v1/residents/lookup", &body).await?;
        match (answer.found, answer.resident) {
            (false, _) => Ok(None),
            (true, Some(r)) if r.so_dinh_danh == q.id_number => Ok(Some(Resident {
                id_number: r.so_dinh_danh,
                full_name: r.ho_ten,
                date_of_birth: r.ngay_sinh,
                gender: r.gioi_tinh,
                permanent_address: r.noi_thuong_tru,
            })),
            (true, Some(_)) => Err(ConnectionError::Malformed("dữ liệu trả về của người khác".into())),
            (true, None) => Err(ConnectionError::Malformed("thiếu dữ liệu công dân".into())),
        }
    }
}
