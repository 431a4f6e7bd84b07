//! A fake national population database speaking the protocol of
//! `motcua_connectors::population`: signed look-ups by personal identification number, each one
//! refused without a purpose and a consent reference, and each one kept in the database's own
//! log (who asked, about whom, why) as the real one keeps it. Switch: down. State at
//! `GET /_fake/state`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub const CLIENT: &str = "MOTCUA-DEMO";
pub const SECRET: &str = "bi-mat-csdl-dan-cu-demo";

/// A person the database holds.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub so_dinh_danh: String,
    pub ho_ten: String,
    /// `yyyy-mm-dd`
    pub ngay_sinh: String,
    pub gioi_tinh: String,
    pub noi_thuong_tru: String,
}

impl Person {
    pub fn new(id: &str, name: &str, birth: &str, gender: &str, address: &str) -> Person {
        Person {
            so_dinh_danh: id.into(),
            ho_ten: name.into(),
            ngay_sinh: birth.into(),
            gioi_tinh: gender.into(),
            noi_thuong_tru: address.into(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Switches {
    /// Every look-up answers 503.
    pub down: bool,
}

/// One look-up as the database logs it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Lookup {
    pub so_dinh_danh: String,
    pub muc_dich: String,
    pub ma_dong_y: String,
    pub nguoi_yeu_cau: String,
    pub found: bool,
}

#[derive(Debug, Default, Serialize)]
pub struct RegistryState {
    pub switches: Switches,
    pub people: BTreeMap<String, Person>,
    pub lookups: Vec<Lookup>,
}

type Shared = Arc<Mutex<RegistryState>>;

pub struct FakePopulationRegistry {
    pub url: String,
    state: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakePopulationRegistry {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakePopulationRegistry {
    pub async fn start(people: Vec<Person>) -> FakePopulationRegistry {
        let state: Shared = Arc::new(Mutex::new(RegistryState {
            people: people.into_iter().map(|p| (p.so_dinh_danh.clone(), p)).collect(),
            ..RegistryState::default()
        }));
        let app = Router::new()
            .route("/api/v1/residents/lookup", post(lookup))
            .route("/_fake/state", get(show_state))
            .route("/_fake/switches", post(set_switches))
            .with_state(state.clone());
        let (addr, task) = crate::serve(app).await;
        FakePopulationRegistry { url: format!("http://{addr}"), state, task }
    }

    /// The environment a MotCua deployment would be given to reach this database.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("MOTCUA_POPULATION_URL", self.url.clone()),
            ("MOTCUA_POPULATION_CLIENT", CLIENT.into()),
            ("MOTCUA_POPULATION_SECRET", SECRET.into()),
        ]
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut RegistryState) -> R) -> R {
        f(&mut self.state.lock().unwrap())
    }
}

#[derive(Deserialize)]
struct Request {
    client_id: String,
    so_dinh_danh: String,
    #[serde(default)]
    muc_dich: String,
    #[serde(default)]
    ma_dong_y: String,
    #[serde(default)]
    nguoi_yeu_cau: String,
}

async fn lookup(State(state): State<Shared>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let down = state.lock().unwrap().switches.down;
    let r: Request = match crate::read_signed(down, SECRET, &headers, &body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    if r.client_id != CLIENT {
        return crate::error(StatusCode::FORBIDDEN, "98", "Đơn vị chưa được cấp quyền khai thác");
    }
    if r.muc_dich.trim().is_empty() || r.ma_dong_y.trim().is_empty() {
        return crate::error(StatusCode::BAD_REQUEST, "04", "Thiếu mục đích khai thác hoặc căn cứ đồng ý của công dân");
    }
    let mut s = state.lock().unwrap();
    let person = s.people.get(&r.so_dinh_danh).cloned();
    s.lookups.push(Lookup {
        so_dinh_danh: r.so_dinh_danh,
        muc_dich: r.muc_dich,
        ma_dong_y: r.ma_dong_y,
        nguoi_yeu_cau: r.nguoi_yeu_cau,
        found: person.is_some(),
    });
    match person {
        Some(p) => Json(json!({"found": true, "resident": p})).into_response(),
        None => Json(json!({"found": false})).into_response(),
    }
}

async fn show_state(State(state): State<Shared>) -> Json<Value> {
    Json(serde_json::to_value(&*state.lock().unwrap()).unwrap_or_default())
}

async fn set_switches(State(state): State<Shared>, Json(switches): Json<Switches>) -> StatusCode {
    state.lock().unwrap().switches = switches;
    StatusCode::NO_CONTENT
}
