//! A fake national public service portal (DVCQG): token, `DongBoHoSoMC` (checks `isUpdating`
//! against what it holds and the required fields), `CapNhatTienDoHoSoMC` (idempotent per step),
//! `TraCuuHoSo`, `LayDanhSachTTHC` / `LayThuTuc`, the shared catalogues, the pull of dossiers
//! filed on it, and the files of those dossiers. State and switches are reachable from Rust
//! (tests) and over HTTP under `/_fake/` (the demo: `GET /_fake/state` shows what arrived).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const USERNAME: &str = "motcua";
pub const PASSWORD: &str = "mat-khau-lgsp";
pub const AUTH_ENDPOINT: &str = "/api/auth";
pub const INTEGRATION_ENDPOINT: &str = "/api/dvcqg/dongbo";
pub const SHARE_ENDPOINT: &str = "/api/dvcqg/chiase";

/// Failure switches.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Switches {
    /// Every call answers 503.
    pub down: bool,
    /// Every call waits this long first.
    pub slow_ms: u64,
    /// The next N service calls answer 500.
    pub fail_next: u32,
    /// The token endpoint refuses the credentials.
    pub bad_credentials: bool,
    /// Sessions issued so far are refused (once; new ones work).
    pub expire_sessions: bool,
    /// Dossier pushes are stored but answered 500 (the acknowledgement is lost).
    pub duplicate: bool,
    /// Records of this procedure are refused (`error_code` "05").
    pub refuse_procedure: Option<String>,
}

/// One service call as received.
#[derive(Debug, Clone, Serialize)]
pub struct Call {
    pub service: String,
    pub is_updating: Option<String>,
    /// `MaHoSo` of each record.
    pub codes: Vec<String>,
    pub accepted: bool,
}

#[derive(Debug, Default, Serialize)]
pub struct PortalState {
    pub switches: Switches,
    pub sessions: Vec<String>,
    /// Dossiers held, by `MaHoSo`.
    pub dossiers: BTreeMap<String, Map<String, Value>>,
    /// Progress steps held, by `MaHoSo`, in arrival order.
    pub progress: BTreeMap<String, Vec<Map<String, Value>>>,
    pub calls: Vec<Call>,
    /// The procedure catalogue (`LayThuTuc` records).
    pub procedures: Vec<Map<String, Value>>,
    pub agencies: Vec<Map<String, Value>>,
    pub fields: Vec<Map<String, Value>>,
    /// Dossiers filed on the portal for the unit (pulled by the one-stop system).
    pub filed: Vec<Map<String, Value>>,
    /// Files of those dossiers, by name.
    #[serde(skip)]
    pub files: BTreeMap<String, Vec<u8>>,
}

type Shared = Arc<Mutex<PortalState>>;

pub struct FakeNationalPortal {
    pub url: String,
    state: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeNationalPortal {
    fn drop(&mut self) {
        self.task.abort();
    }
}

const REQUIRED: [&str; 8] =
    ["MaHoSo", "MaTTHC", "TenTTHC", "KenhThucHien", "ChuHoSo", "TrangThaiHoSo", "NgayNopHoSo", "DonViXuLy"];
const REQUIRED_PROGRESS: [&str; 5] = ["MaHoSo", "NguoiXuLy", "ThoiDiemXuLy", "NoiDungXuLy", "TrangThai"];

fn answer(code: &str, message: &str) -> Response {
    Json(json!({"error_code": code, "message": message})).into_response()
}

fn filled(r: &Map<String, Value>, name: &str) -> bool {
    match r.get(name) {
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Null) | None => false,
        Some(_) => true,
    }
}

fn code_of(r: &Map<String, Value>) -> String {
    r.get("MaHoSo").and_then(Value::as_str).unwrap_or_default().to_string()
}

impl FakeNationalPortal {
    pub async fn start() -> FakeNationalPortal {
        let state: Shared = Arc::default();
        {
            let mut s = state.lock().unwrap();
            s.procedures = vec![demo_procedure()];
            s.fields = vec![json!({"MALINHVUC": "HT", "TENLINHVUC": "Hộ tịch"}).as_object().unwrap().clone()];
        }
        let app = Router::new()
            .route(AUTH_ENDPOINT, post(token))
            .route(INTEGRATION_ENDPOINT, post(service))
            .route(SHARE_ENDPOINT, post(service))
            .route("/files/{name}", get(file))
            .route("/_fake/state", get(show_state))
            .route("/_fake/switches", post(set_switches))
            .with_state(state.clone());
        let (addr, task) = crate::serve(app).await;
        FakeNationalPortal { url: format!("http://{addr}"), state, task }
    }

    /// The environment a MotCua deployment would be given to reach this portal.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("MOTCUA_DVCQG_ADAPTER_URL", self.url.clone()),
            ("MOTCUA_DVCQG_AUTH_ENDPOINT", AUTH_ENDPOINT.into()),
            ("MOTCUA_DVCQG_INTEGRATION_ENDPOINT", INTEGRATION_ENDPOINT.into()),
            ("MOTCUA_DVCQG_SHARE_ENDPOINT", SHARE_ENDPOINT.into()),
            ("MOTCUA_DVCQG_USERNAME", USERNAME.into()),
            ("MOTCUA_DVCQG_PASSWORD", PASSWORD.into()),
            ("MOTCUA_DVCQG_MADONVI", "000.00.00.H56".into()),
        ]
    }

    /// Reads or changes the state (switches, catalogue, filed dossiers) under its lock.
    pub fn with<R>(&self, f: impl FnOnce(&mut PortalState) -> R) -> R {
        f(&mut self.state.lock().unwrap())
    }

    /// Files a dossier on the portal, with files (name, bytes) it will serve.
    pub fn file_dossier(&self, mut record: Map<String, Value>, files: Vec<(&str, &str, Vec<u8>)>) {
        let docs: Vec<Value> = files
            .iter()
            .map(|(component, name, _)| {
                json!({"MaThanhPhanHoSo": component, "DuongDanTaiTepTin": format!("{}/files/{name}", self.url), "TenTepDinhKem": name})
            })
            .collect();
        record.insert("TaiLieuNop".into(), Value::Array(docs));
        self.with(|s| {
            for (_, name, bytes) in files {
                s.files.insert(name.to_string(), bytes);
            }
            s.filed.push(record);
        });
    }
}

/// A procedure as `LayThuTuc` describes it (the demo's birth registration).
fn demo_procedure() -> Map<String, Value> {
    json!({
        "MATTHC": "1.001193", "TENTTHC": "Đăng ký khai sinh", "CAPTHUCHIEN": "Cấp Xã",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "HT", "TENLINHVUC": "Hộ tịch"}],
        "THOIHANGIAIQUYET": "Ngay trong ngày tiếp nhận", "CANCUPHAPLY": ["Luật Hộ tịch 2014"],
        "PHILEPHI": [], "TRINHTUTHUCHIEN": ["Nộp hồ sơ", "Nhận kết quả"]
    })
    .as_object()
    .unwrap()
    .clone()
}

async fn gate(state: &Shared) -> Option<Response> {
    let (down, slow) = {
        let s = state.lock().unwrap();
        (s.switches.down, s.switches.slow_ms)
    };
    if slow > 0 {
        tokio::time::sleep(Duration::from_millis(slow)).await;
    }
    down.then(|| (StatusCode::SERVICE_UNAVAILABLE, "Hệ thống đang bảo trì").into_response())
}

async fn token(State(state): State<Shared>, Json(body): Json<Value>) -> Response {
    if let Some(r) = gate(&state).await {
        return r;
    }
    let mut s = state.lock().unwrap();
    let ok = body["username"] == USERNAME && body["password"] == PASSWORD && !s.switches.bad_credentials;
    if !ok {
        return answer("401", "Sai tên đăng nhập hoặc mật khẩu");
    }
    let session = uuid::Uuid::new_v4().to_string();
    s.sessions.push(session.clone());
    Json(json!({"error_code": 0, "session": session})).into_response()
}

async fn service(State(state): State<Shared>, Json(body): Json<Value>) -> Response {
    if let Some(r) = gate(&state).await {
        return r;
    }
    let mut s = state.lock().unwrap();
    let session = body["session"].as_str().unwrap_or_default().to_string();
    if s.switches.expire_sessions {
        s.switches.expire_sessions = false;
        s.sessions.clear();
    }
    if !s.sessions.contains(&session) {
        return answer("401", "Session không hợp lệ hoặc đã hết hạn");
    }
    if s.switches.fail_next > 0 {
        s.switches.fail_next -= 1;
        return (StatusCode::INTERNAL_SERVER_ERROR, "lỗi hệ thống").into_response();
    }
    let service = body["service"].as_str().unwrap_or_default().to_string();
    let data: Vec<Map<String, Value>> =
        body["data"].as_array().map(|a| a.iter().filter_map(|r| r.as_object().cloned()).collect()).unwrap_or_default();
    let is_updating = body["isUpdating"].as_str().map(String::from);
    let mut call = Call {
        service: service.clone(),
        is_updating: is_updating.clone(),
        codes: data.iter().map(code_of).collect(),
        accepted: false,
    };
    let reply = match service.as_str() {
        "DongBoHoSoMC" => sync_dossiers(&mut s, data, is_updating.as_deref()),
        "CapNhatTienDoHoSoMC" => sync_progress(&mut s, data),
        "TraCuuHoSo" => {
            let code = body["mahoso"].as_str().unwrap_or_default();
            match s.dossiers.get(code) {
                Some(d) => Ok(json!({"error_code": 0, "result": [d]})),
                None => Err(("04", "Không tìm thấy hồ sơ".to_string())),
            }
        }
        "LayDanhSachTTHC" => Ok(json!({"error_code": 0, "result": s.procedures.iter().map(|p| json!({
            "MATTHC": p["MATTHC"], "TENTTHC": p["TENTTHC"]})).collect::<Vec<_>>()})),
        "LayThuTuc" => {
            let code = body["maTTHC"].as_str().unwrap_or_default();
            Ok(
                json!({"error_code": 0, "result": s.procedures.iter().filter(|p| p["MATTHC"] == code).collect::<Vec<_>>()}),
            )
        }
        "LayDanhMucCoQuan" | "LayDanhMucDonViHanhChinh" => Ok(json!({"error_code": 0, "result": s.agencies})),
        "LayDanhMucLinhVuc" => Ok(json!({"error_code": 0, "result": s.fields})),
        "LayDanhSachHoSoMoi" => Ok(json!({"error_code": 0, "result": s.filed})),
        other => Err(("10", format!("Dịch vụ {other} không được hỗ trợ"))),
    };
    call.accepted = reply.is_ok();
    s.calls.push(call);
    match reply {
        Ok(v) if service == "DongBoHoSoMC" && s.switches.duplicate => {
            let _ = v;
            (StatusCode::INTERNAL_SERVER_ERROR, "hết thời gian chờ").into_response()
        }
        Ok(v) => Json(v).into_response(),
        Err((code, message)) => answer(code, &message),
    }
}

fn sync_dossiers(
    s: &mut PortalState,
    data: Vec<Map<String, Value>>,
    is_updating: Option<&str>,
) -> Result<Value, (&'static str, String)> {
    let updating = match is_updating {
        Some("True") => true,
        Some("False") => false,
        _ => return Err(("02", "isUpdating phải là \"True\" hoặc \"False\"".into())),
    };
    for r in &data {
        if let Some(missing) = REQUIRED.iter().find(|f| !filled(r, f)) {
            return Err(("02", format!("Thiếu trường bắt buộc {missing}")));
        }
        if s.switches.refuse_procedure.as_deref() == r["MaTTHC"].as_str() {
            return Err(("05", "Mã thủ tục không có trong CSDL quốc gia".into()));
        }
        let known = s.dossiers.contains_key(&code_of(r));
        if known != updating {
            let why = if known {
                "Hồ sơ đã tồn tại: dùng isUpdating=True"
            } else {
                "Hồ sơ chưa có: dùng isUpdating=False"
            };
            return Err(("03", why.into()));
        }
    }
    for r in data {
        s.dossiers.insert(code_of(&r), r);
    }
    Ok(json!({"error_code": 0, "message": "Thành công"}))
}

fn sync_progress(s: &mut PortalState, data: Vec<Map<String, Value>>) -> Result<Value, (&'static str, String)> {
    for r in &data {
        if let Some(missing) = REQUIRED_PROGRESS.iter().find(|f| !filled(r, f)) {
            return Err(("02", format!("Thiếu trường bắt buộc {missing}")));
        }
        if !s.dossiers.contains_key(&code_of(r)) {
            return Err(("04", "Hồ sơ chưa được đồng bộ".into()));
        }
    }
    for r in data {
        let steps = s.progress.entry(code_of(&r)).or_default();
        let same = |p: &Map<String, Value>| {
            ["ThoiDiemXuLy", "TrangThai", "NoiDungXuLy", "NguoiXuLy"].iter().all(|f| p.get(*f) == r.get(*f))
        };
        if !steps.iter().any(same) {
            steps.push(r);
        }
    }
    Ok(json!({"error_code": "00", "message": "Thành công"}))
}

async fn file(State(state): State<Shared>, Path(name): Path<String>) -> Response {
    match state.lock().unwrap().files.get(&name) {
        Some(bytes) => ([("content-type", "application/pdf")], bytes.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn show_state(State(state): State<Shared>) -> Response {
    let s = state.lock().unwrap();
    Json(json!({"dossiers": s.dossiers, "progress": s.progress, "calls": s.calls, "switches": s.switches}))
        .into_response()
}

async fn set_switches(State(state): State<Shared>, Json(switches): Json<Switches>) -> Response {
    state.lock().unwrap().switches = switches;
    StatusCode::NO_CONTENT.into_response()
}
