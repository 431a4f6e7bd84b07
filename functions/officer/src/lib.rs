//! Function `officer`: the officer actions that close the loop of a dossier — accept (code and
//! appointment), refuse, start processing, finish with a result file, return the result,
//! confirm a withdrawal, stop processing (M2, S1). The full workflow is a later function.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::Json;
use motcua_core::dossiers::ActionInput;
use motcua_core::uploads::{self, UploadRequest, UploadTicket};
use motcua_domain::dossier::Action;
use motcua_http::extract::{ApiJson, ApiPath, Authenticated, IfMatch};
use motcua_http::routes::dossier_action;
use motcua_http::{Access, ApiResult, AppState, Route};
use serde::Deserialize;
use serde_json::Value;

const FUNCTION: &str = "officer";

pub fn routes() -> Vec<Route> {
    vec![
        dossier_action(
            "/api/v1/dossiers/{id}/accept",
            FUNCTION,
            "Tiếp nhận hồ sơ: cấp mã hồ sơ, tính ngày hẹn trả",
            Action::Accept,
        ),
        dossier_action("/api/v1/dossiers/{id}/refuse", FUNCTION, "Từ chối tiếp nhận hồ sơ (nêu lý do)", Action::Refuse),
        dossier_action(
            "/api/v1/dossiers/{id}/start-processing",
            FUNCTION,
            "Chuyển hồ sơ sang xử lý",
            Action::StartProcessing,
        ),
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/result-uploads",
            FUNCTION,
            Access::Authenticated,
            "Khai báo tệp kết quả, nhận địa chỉ tải lên có chữ ký",
            result_upload,
        ),
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/finish",
            FUNCTION,
            Access::Authenticated,
            "Hoàn thành xử lý với tệp kết quả đã tải lên",
            finish,
        ),
        dossier_action("/api/v1/dossiers/{id}/return", FUNCTION, "Trả kết quả cho công dân", Action::ReturnResult),
        dossier_action(
            "/api/v1/dossiers/{id}/confirm-withdrawal",
            FUNCTION,
            "Xác nhận rút hồ sơ, dừng xử lý",
            Action::ConfirmWithdrawal,
        ),
        dossier_action(
            "/api/v1/dossiers/{id}/stop",
            FUNCTION,
            "Dừng xử lý hồ sơ (lãnh đạo, nêu lý do)",
            Action::StopProcessing,
        ),
    ]
}

async fn result_upload(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<UploadRequest>,
) -> ApiResult<(StatusCode, Json<UploadTicket>)> {
    Ok((StatusCode::CREATED, Json(uploads::request_result_upload(&s, &c, &id, req).await?)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Finish {
    upload_id: String,
    #[serde(default)]
    note: Option<String>,
}

async fn finish(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
    ApiJson(f): ApiJson<Finish>,
) -> ApiResult<Json<Value>> {
    Ok(Json(uploads::finish(&s, &c, &id, &f.upload_id, ActionInput { note: f.note }, v).await?))
}
