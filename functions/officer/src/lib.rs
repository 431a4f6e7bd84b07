//! Function `officer`: the officer actions that close the loop of a dossier — accept (code and
//! appointment), refuse, start processing, finish with a result file, return the result,
//! confirm a withdrawal, stop processing (M2, S1). The full workflow is a later function.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::Json;
use motcua_core::dossiers::{self, ActionInput};
use motcua_core::uploads::{self, UploadRequest, UploadTicket};
use motcua_domain::dossier::Action;
use motcua_http::extract::{ApiJson, ApiPath, Authenticated, IfMatch, OptionalJson};
use motcua_http::{Access, ApiResult, AppState, Route};
use serde::Deserialize;
use serde_json::Value;

const FUNCTION: &str = "officer";

macro_rules! action_handler {
    ($name:ident, $action:expr) => {
        async fn $name(
            State(s): State<AppState>,
            Authenticated(c): Authenticated,
            ApiPath(id): ApiPath<String>,
            IfMatch(v): IfMatch,
            OptionalJson(input): OptionalJson<ActionInput>,
        ) -> ApiResult<Json<Value>> {
            Ok(Json(dossiers::act(&s, &c, &id, $action, input, v).await?))
        }
    };
}

action_handler!(accept, Action::Accept);
action_handler!(refuse, Action::Refuse);
action_handler!(start_processing, Action::StartProcessing);
action_handler!(return_result, Action::ReturnResult);
action_handler!(confirm_withdrawal, Action::ConfirmWithdrawal);
action_handler!(stop, Action::StopProcessing);

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/accept",
            FUNCTION,
            Access::Authenticated,
            "Tiếp nhận hồ sơ: cấp mã hồ sơ, tính ngày hẹn trả",
            accept,
        ),
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/refuse",
            FUNCTION,
            Access::Authenticated,
            "Từ chối tiếp nhận hồ sơ (nêu lý do)",
            refuse,
        ),
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/start-processing",
            FUNCTION,
            Access::Authenticated,
            "Chuyển hồ sơ sang xử lý",
            start_processing,
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
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/return",
            FUNCTION,
            Access::Authenticated,
            "Trả kết quả cho công dân",
            return_result,
        ),
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/confirm-withdrawal",
            FUNCTION,
            Access::Authenticated,
            "Xác nhận rút hồ sơ, dừng xử lý",
            confirm_withdrawal,
        ),
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/stop",
            FUNCTION,
            Access::Authenticated,
            "Dừng xử lý hồ sơ (lãnh đạo, nêu lý do)",
            stop,
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
