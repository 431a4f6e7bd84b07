//! Function `upload`: presigned uploads of dossier components, their server-side check and
//! attachment, removal from a draft, and short-lived download links (P4, M4, P16).

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::Json;
use motcua_core::uploads::{self, UploadRequest, UploadTicket};
use motcua_domain::views::DossierView;
use motcua_http::extract::{ApiJson, ApiPath, Authenticated};
use motcua_http::{Access, ApiResult, AppState, Route};

const FUNCTION: &str = "upload";

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/components/{component}/uploads",
            FUNCTION,
            Access::Authenticated,
            "Khai báo tệp thành phần hồ sơ, nhận địa chỉ tải lên có chữ ký",
            request,
        )
        .body::<UploadRequest>()
        .creates::<UploadTicket>(),
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/components/{component}/uploads/{upload}/complete",
            FUNCTION,
            Access::Authenticated,
            "Xác nhận đã tải lên: máy chủ kiểm tra dung lượng, loại tệp theo nội dung, SHA-256 rồi đính kèm",
            complete,
        )
        .returns::<DossierView>(),
        Route::new(
            Method::GET,
            "/api/v1/dossiers/{id}/files/{file}",
            FUNCTION,
            Access::Authenticated,
            "Liên kết tải tệp (thời hạn ngắn) cho chủ hồ sơ hoặc cán bộ có thẩm quyền",
            download,
        )
        .returns::<motcua_core::PresignedUrl>(),
        Route::new(
            Method::DELETE,
            "/api/v1/dossiers/{id}/files/{file}",
            FUNCTION,
            Access::Authenticated,
            "Gỡ tệp khỏi hồ sơ nháp",
            remove,
        )
        .returns::<DossierView>(),
    ]
}

async fn request(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath((id, component)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<UploadRequest>,
) -> ApiResult<(StatusCode, Json<UploadTicket>)> {
    Ok((StatusCode::CREATED, Json(uploads::request_component_upload(&s, &c, &id, &component, req).await?)))
}

async fn complete(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath((id, component, upload)): ApiPath<(String, String, String)>,
) -> ApiResult<Json<DossierView>> {
    Ok(Json(uploads::complete_component_upload(&s, &c, &id, &component, &upload).await?))
}

async fn download(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath((id, file)): ApiPath<(String, String)>,
) -> ApiResult<Json<motcua_core::PresignedUrl>> {
    Ok(Json(uploads::download(&s, &c, &id, &file).await?))
}

async fn remove(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath((id, file)): ApiPath<(String, String)>,
) -> ApiResult<Json<DossierView>> {
    Ok(Json(uploads::remove_component_file(&s, &c, &id, &file).await?))
}
