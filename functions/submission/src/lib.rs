//! Function `submission`: drafts pre-filled from the profile or, with consent, from the national
//! population database (and the consents and reads of a person's data that go with it), updates,
//! online submission with `Idempotency-Key`, the reply to a supplement request and the
//! applicant's withdrawal request (P1, P2, P4, P5, G5).

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::Json;
use motcua_core::actions::{self, Request};
use motcua_core::drafts::{self, NewDraft};
use motcua_core::messages::{Message, NewMessage};
use motcua_core::registry::{self, Consent, DataUse, PrefillRequest, RegistryCheck};
use motcua_core::{catalogue, users};
use motcua_domain::dossier::ResultDelivery;
use motcua_domain::ids::ProcedureCode;
use motcua_domain::registry::ConsentText;
use motcua_domain::views::DossierView;
use motcua_http::extract::{
    idempotency_key, ApiJson, ApiPath, ApiQuery, Authenticated, IdempotencyKeyHeader, IfMatch, PageOf, PageParams,
};
use motcua_http::routes::dossier_action;
use motcua_http::{Access, ApiResult, AppState, Route};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

const FUNCTION: &str = "submission";

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            "/api/v1/procedures/{code}/prefill",
            FUNCTION,
            Access::Authenticated,
            "Dữ liệu điền sẵn biểu mẫu từ hồ sơ cá nhân (P1)",
            prefill,
        )
        .returns::<Prefilled>(),
        Route::new(
            Method::POST,
            "/api/v1/dossiers",
            FUNCTION,
            Access::Authenticated,
            "Tạo hồ sơ nháp (hỗ trợ Idempotency-Key)",
            create,
        )
        .body::<NewDraft>()
        .creates::<DossierView>(),
        Route::new(
            Method::PUT,
            "/api/v1/dossiers/{id}/result-delivery",
            FUNCTION,
            Access::Authenticated,
            "Chủ hồ sơ chọn cách nhận kết quả: tại Bộ phận Một cửa, qua bưu chính công ích (kèm địa chỉ) hoặc trực tuyến (đổi được đến khi trả kết quả; If-Match)",
            choose_delivery,
        )
        .body::<ResultDelivery>()
        .returns::<DossierView>(),
        Route::new(
            Method::PATCH,
            "/api/v1/dossiers/{id}",
            FUNCTION,
            Access::Authenticated,
            "Cập nhật dữ liệu biểu mẫu của hồ sơ nháp (If-Match)",
            update,
        )
        .body::<Update>()
        .returns::<DossierView>(),
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/submit",
            FUNCTION,
            Access::Authenticated,
            "Nộp hồ sơ trực tuyến (hỗ trợ Idempotency-Key, If-Match)",
            submit,
        )
        .returns::<DossierView>(),
        Route::new(
            Method::GET,
            "/api/v1/dossiers/{id}/messages",
            FUNCTION,
            Access::Authenticated,
            "Trao đổi giữa người nộp và cán bộ về hồ sơ (P5), cũ trước, theo trang",
            messages,
        )
        .query::<PageParams>()
        .returns::<PageOf<Message>>(),
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/messages",
            FUNCTION,
            Access::Authenticated,
            "Gửi tin nhắn về hồ sơ (người nộp hoặc cán bộ xử lý; người nộp được thông báo)",
            post_message,
        )
        .body::<NewMessage>()
        .creates::<Message>(),
        Route::new(
            Method::GET,
            "/api/v1/registry/consent",
            FUNCTION,
            Access::Public,
            "Nội dung đồng ý cho khai thác dữ liệu trong Cơ sở dữ liệu quốc gia về dân cư (phiên bản hiện hành; 409 registry_off khi chưa kết nối)",
            consent_text,
        )
        .returns::<ConsentText>(),
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/registry-prefill",
            FUNCTION,
            Access::Authenticated,
            "Chủ hồ sơ nháp đồng ý và điền sẵn tờ khai từ Cơ sở dữ liệu quốc gia về dân cư (đăng nhập bằng VNeID; If-Match)",
            registry_prefill,
        )
        .body::<PrefillRequest>()
        .returns::<DossierView>(),
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/registry-check",
            FUNCTION,
            Access::Authenticated,
            "Cán bộ cơ quan giải quyết đối chiếu hồ sơ với Cơ sở dữ liệu quốc gia về dân cư (khi người nộp còn đồng ý)",
            registry_check,
        )
        .returns::<RegistryCheck>(),
        Route::new(
            Method::GET,
            "/api/v1/me/consents",
            FUNCTION,
            Access::Authenticated,
            "Các lần tôi đồng ý cho khai thác dữ liệu cá nhân",
            consents,
        )
        .returns::<PageOf<Consent>>(),
        Route::new(
            Method::POST,
            "/api/v1/me/consents/{id}/withdraw",
            FUNCTION,
            Access::Authenticated,
            "Rút lại sự đồng ý: không khai thác thêm dữ liệu theo sự đồng ý này",
            withdraw_consent,
        )
        .returns::<Consent>(),
        Route::new(
            Method::GET,
            "/api/v1/me/data-uses",
            FUNCTION,
            Access::Authenticated,
            "Ai đã xem dữ liệu của tôi: các lần khai thác dữ liệu cá nhân trong cơ sở dữ liệu quốc gia",
            data_uses,
        )
        .returns::<PageOf<DataUse>>(),
        dossier_action(
            "/api/v1/dossiers/{id}/supplement",
            FUNCTION,
            "Bổ sung hồ sơ theo yêu cầu (sau khi tải lên các giấy tờ còn thiếu); hồ sơ giấy: cán bộ tiếp nhận ghi nhận",
            Request::ProvideSupplement,
        ),
        dossier_action(
            "/api/v1/dossiers/{id}/withdraw",
            FUNCTION,
            "Công dân yêu cầu rút hồ sơ",
            Request::RequestWithdrawal,
        ),
    ]
}

/// The form of a procedure pre-filled from the caller's profile.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct Prefilled {
    procedure: ProcedureCode,
    /// Field name → value, for the fields the profile can fill.
    #[schema(value_type = Object)]
    form: Map<String, Value>,
}

async fn prefill(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<Prefilled>> {
    let procedure = catalogue::procedure(&s, &code).await?;
    let profile = users::user(&s, &c.id).await?.profile;
    Ok(Json(Prefilled { form: profile.prefill(&procedure), procedure: procedure.code }))
}

async fn create(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    idem: IdempotencyKeyHeader,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<(StatusCode, Json<DossierView>)> {
    let key = idempotency_key(idem, &c, "POST /api/v1/dossiers", &body)?;
    let req: NewDraft = serde_json::from_value(body).map_err(|e| {
        motcua_http::ApiError::bad_request("invalid_body", format!("Dữ liệu JSON không đúng cấu trúc: {e}"))
    })?;
    Ok((StatusCode::CREATED, Json(drafts::create_draft(&s, &c, req, key.as_ref()).await?)))
}

/// New values of some form fields (the others keep theirs; `null` clears one).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Update {
    #[schema(value_type = Object)]
    form: Map<String, Value>,
}

async fn update(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
    ApiJson(u): ApiJson<Update>,
) -> ApiResult<Json<DossierView>> {
    Ok(Json(drafts::update_draft(&s, &c, &id, u.form, v).await?))
}

async fn choose_delivery(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
    ApiJson(choice): ApiJson<ResultDelivery>,
) -> ApiResult<Json<DossierView>> {
    Ok(Json(motcua_core::postal::choose_delivery(&s, &c, &id, choice, v).await?))
}

async fn submit(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
    idem: IdempotencyKeyHeader,
) -> ApiResult<Json<DossierView>> {
    let key = idempotency_key(idem, &c, &format!("POST /api/v1/dossiers/{id}/submit"), &())?;
    Ok(Json(actions::submit(&s, &c, &id, key.as_ref(), v).await?))
}

async fn messages(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<PageOf<Message>>> {
    let (items, next_cursor) = motcua_core::messages::list(&s, &c, &id, p.cursor.clone(), p.limit()?).await?;
    Ok(Json(PageOf { items, next_cursor }))
}

async fn post_message(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
    ApiJson(m): ApiJson<NewMessage>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    Ok((StatusCode::CREATED, Json(motcua_core::messages::post(&s, &c, &id, m).await?)))
}

async fn consent_text(State(s): State<AppState>) -> ApiResult<Json<ConsentText>> {
    Ok(Json(registry::consent(&s)?))
}

async fn registry_prefill(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
    ApiJson(req): ApiJson<PrefillRequest>,
) -> ApiResult<Json<DossierView>> {
    Ok(Json(registry::prefill(&s, &c, &id, req, v).await?))
}

async fn registry_check(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<RegistryCheck>> {
    Ok(Json(registry::check(&s, &c, &id).await?))
}

async fn consents(State(s): State<AppState>, Authenticated(c): Authenticated) -> ApiResult<Json<PageOf<Consent>>> {
    Ok(Json(PageOf { items: registry::consents(&s, &c).await?, next_cursor: None }))
}

async fn withdraw_consent(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Consent>> {
    Ok(Json(registry::withdraw(&s, &c, &id).await?))
}

async fn data_uses(State(s): State<AppState>, Authenticated(c): Authenticated) -> ApiResult<Json<PageOf<DataUse>>> {
    Ok(Json(PageOf { items: registry::data_uses(&s, &c).await?, next_cursor: None }))
}
