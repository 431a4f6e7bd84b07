//! Function `integration` (G2, M10, G6, R11): the endpoint where the national portal pushes the
//! dossiers filed there, the one where ministries' systems sync the statuses of the dossiers
//! they process, the agencies' event feed and webhook subscriptions, and the operators'
//! view of every connection (health, dead letters and their replay, reconciliation, catalogue
//! sync), results by post (the post's tracking states), and online payment of fees through the national payment platform (the applicant's
//! order, the platform's signed callback, the daily reconciliation). The logic lives in
//! `motcua_core::integration` and `motcua_core::payments`.

use axum::extract::State;
use axum::http::{HeaderMap, Method};
use axum::Json;
use motcua_core::integration::catalogue_sync::{self, CatalogueChange, CatalogueSyncReport};
use motcua_core::integration::health::{self, ConnectionHealth, DeadLetter};
use motcua_core::integration::inbound::{self, Received};
use motcua_core::integration::ministry::{self, SyncOutcome};
use motcua_core::integration::reconcile::{self, ReconcileReport};
use motcua_core::integration::webhooks::{self, FeedEvent, NewWebhook, WebhookView};
use motcua_core::payments::{self, CallbackOutcome, PaymentReceipt, PaymentReconciliation, PaymentStart};
use motcua_core::postal::{self, ParcelTracking, PickupRequest, TrackingOutcome};
use motcua_core::CoreError;
use motcua_domain::coexistence::SyncedDossier;
use motcua_domain::views::DossierView;
use motcua_http::extract::{ApiJson, ApiPath, ApiQuery, Authenticated, IfMatch, PageOf};
use motcua_http::{Access, ApiResult, AppState, Route};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

const FUNCTION: &str = "integration";

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::POST,
            "/api/v1/national-portal/dossiers",
            FUNCTION,
            Access::Public,
            "Cổng Dịch vụ công quốc gia chuyển hồ sơ nộp trên Cổng về (ký HMAC, tiếp nhận một lần theo mã hồ sơ)",
            push,
        )
        .body::<PortalPush>()
        .returns::<PortalPushAnswer>(),
        Route::new(
            Method::GET,
            "/api/v1/national-portal/files/{dossier}/{file}",
            FUNCTION,
            Access::Public,
            "Tệp của hồ sơ cho Cổng Dịch vụ công quốc gia (liên kết có chữ ký và thời hạn, chuyển tới liên kết tải)",
            portal_file,
        )
        .query::<FileLinkParams>()
        .redirects(),
        Route::new(
            Method::POST,
            "/api/v1/ministry-systems/dossiers",
            FUNCTION,
            Access::Authenticated,
            "Hệ thống xử lý của bộ, ngành đồng bộ trạng thái các hồ sơ của thủ tục giải quyết trên hệ thống đó (cả lô được kiểm tra trước khi ghi; bản cũ hoặc lặp lại không thay đổi gì)",
            ministry_push,
        )
        .body::<MinistryPush>()
        .returns::<MinistryPushAnswer>(),
        Route::new(
            Method::GET,
            "/api/v1/ministry-systems/{system}/dossiers/{code}",
            FUNCTION,
            Access::Authenticated,
            "Trạng thái một hồ sơ do hệ thống của bộ, ngành đồng bộ về (hệ thống đó, cán bộ cơ quan giải quyết, quản trị hệ thống)",
            ministry_dossier,
        )
        .returns::<SyncedDossier>(),
        Route::new(
            Method::GET,
            "/api/v1/events",
            FUNCTION,
            Access::Authenticated,
            "Luồng sự kiện hồ sơ của cơ quan, theo thứ tự, đọc tiếp từ một vị trí (after)",
            feed,
        )
        .query::<FeedParams>()
        .returns::<PageOf<FeedEvent>>(),
        Route::new(
            Method::GET,
            "/api/v1/webhooks",
            FUNCTION,
            Access::Authenticated,
            "Các đăng ký webhook của cơ quan",
            list_webhooks,
        )
        .returns_list::<WebhookView>(),
        Route::new(
            Method::POST,
            "/api/v1/webhooks",
            FUNCTION,
            Access::Authenticated,
            "Đăng ký nhận sự kiện qua webhook (trả về khóa ký một lần)",
            subscribe,
        )
        .body::<NewWebhook>()
        .creates::<WebhookView>(),
        Route::new(
            Method::DELETE,
            "/api/v1/webhooks/{id}",
            FUNCTION,
            Access::Authenticated,
            "Hủy một đăng ký webhook",
            unsubscribe,
        )
        .returns::<Deleted>(),
        Route::new(
            Method::GET,
            "/api/v1/integrations",
            FUNCTION,
            Access::Authenticated,
            "Tình trạng các kết nối: lần thành công cuối, tồn đọng, thư lỗi",
            connections,
        )
        .returns_list::<ConnectionHealth>(),
        Route::new(
            Method::GET,
            "/api/v1/integrations/{name}/dead-letters",
            FUNCTION,
            Access::Authenticated,
            "Thư lỗi (gửi thất bại quá số lần) của một kết nối",
            dead_letters,
        )
        .returns_list::<DeadLetter>(),
        Route::new(
            Method::POST,
            "/api/v1/integrations/{name}/dead-letters/replay",
            FUNCTION,
            Access::Authenticated,
            "Gửi lại mọi thư lỗi của một kết nối",
            replay,
        )
        .returns::<Replayed>(),
        Route::new(
            Method::POST,
            "/api/v1/integrations/dvcqg/reconcile",
            FUNCTION,
            Access::Authenticated,
            "Đối soát với Cổng Dịch vụ công quốc gia và gửi lại các hồ sơ chênh lệch",
            reconcile_now,
        )
        .returns::<ReconcileReport>(),
        Route::new(
            Method::POST,
            "/api/v1/integrations/dvcqg/catalogue-sync",
            FUNCTION,
            Access::Authenticated,
            "Đồng bộ danh mục thủ tục hành chính quốc gia và danh mục dùng chung",
            catalogue_sync_now,
        )
        .returns::<CatalogueSyncReport>(),
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/payments",
            FUNCTION,
            Access::Authenticated,
            "Thanh toán trực tuyến khoản phí, lệ phí hồ sơ đang chờ nộp (chủ hồ sơ): trả về địa chỉ trang thanh toán",
            start_payment,
        )
        .creates::<PaymentStart>(),
        Route::new(
            Method::GET,
            "/api/v1/payments/{order}",
            FUNCTION,
            Access::Authenticated,
            "Biên nhận một giao dịch thanh toán trực tuyến (chủ hồ sơ, cán bộ cơ quan giải quyết)",
            payment_receipt,
        )
        .returns::<PaymentReceipt>(),
        Route::new(
            Method::POST,
            "/api/v1/payments/callback",
            FUNCTION,
            Access::Public,
            "Nền tảng thanh toán trực tuyến báo kết quả giao dịch (có chữ ký; áp dụng một lần, báo lặp lại không thay đổi gì)",
            payment_callback,
        )
        .returns::<CallbackOutcome>(),
        Route::new(
            Method::GET,
            "/api/v1/dossiers/{id}/parcel",
            FUNCTION,
            Access::Authenticated,
            "Hành trình bưu gửi kết quả của hồ sơ trả qua bưu chính công ích (chủ hồ sơ, cán bộ)",
            parcel,
        )
        .returns::<ParcelTracking>(),
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/pickup",
            FUNCTION,
            Access::Authenticated,
            "Chủ hồ sơ đặt bưu điện thu gom hồ sơ giấy tại địa chỉ của mình, chuyển đến cơ quan giải quyết (một lần; If-Match)",
            order_pickup,
        )
        .body::<PickupRequest>()
        .returns::<DossierView>(),
        Route::new(
            Method::GET,
            "/api/v1/dossiers/{id}/pickup",
            FUNCTION,
            Access::Authenticated,
            "Hành trình thu gom hồ sơ giấy của hồ sơ (chủ hồ sơ, cán bộ)",
            pickup,
        )
        .returns::<ParcelTracking>(),
        Route::new(
            Method::POST,
            "/api/v1/postal/callback",
            FUNCTION,
            Access::Public,
            "Bưu điện báo trạng thái bưu gửi (có chữ ký; mỗi trạng thái ghi một lần)",
            postal_callback,
        )
        .returns::<TrackingOutcome>(),
        Route::new(
            Method::POST,
            "/api/v1/integrations/payment/reconcile",
            FUNCTION,
            Access::Authenticated,
            "Đối soát giao dịch một ngày với Nền tảng thanh toán trực tuyến; ghi nhận các khoản đã trả mà chưa nhận được thông báo",
            reconcile_payments,
        )
        .body::<ReconcileDay>()
        .returns::<PaymentReconciliation>(),
        Route::new(
            Method::GET,
            "/api/v1/integrations/catalogue-changes",
            FUNCTION,
            Access::Authenticated,
            "Những thay đổi danh mục do đồng bộ, mới nhất trước",
            catalogue_changes,
        )
        .returns_list::<CatalogueChange>(),
    ]
}

/// What the national portal pushes: the records of `DongBoHoSoMC`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct PortalPush {
    #[schema(value_type = Vec<Object>, max_items = 100)]
    data: Vec<Map<String, Value>>,
}

/// Statuses from a ministry's system.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct MinistryPush {
    #[schema(max_items = 100)]
    data: Vec<SyncedDossier>,
}

/// One outcome per record, in order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct MinistryPushAnswer {
    result: Vec<SyncOutcome>,
}

async fn ministry_push(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiJson(push): ApiJson<MinistryPush>,
) -> ApiResult<Json<MinistryPushAnswer>> {
    Ok(Json(MinistryPushAnswer { result: ministry::receive(&s, &c, push.data).await? }))
}

async fn ministry_dossier(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath((system, code)): ApiPath<(String, String)>,
) -> ApiResult<Json<SyncedDossier>> {
    Ok(Json(ministry::get(&s, &c, &system, &code).await?))
}

/// The answer in the portal's vocabulary, one result per record.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct PortalPushAnswer {
    error_code: u8,
    message: String,
    result: Vec<Received>,
}

/// The authority a file link carries.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct FileLinkParams {
    /// Unix time the link expires.
    expires: i64,
    /// Hex HMAC of the dossier, the file and `expires`.
    #[schema(max_length = 128)]
    signature: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct FeedParams {
    /// `cursor` of the last event read (from the start without).
    after: Option<String>,
    #[schema(minimum = 1, maximum = 100)]
    limit: Option<usize>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct Deleted {
    id: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct Replayed {
    replayed: usize,
}

/// Verifies the signature on the raw body, then receives each record; all of them are stored
/// before the answer.
async fn push(State(s): State<AppState>, headers: HeaderMap, body: bytes::Bytes) -> ApiResult<Json<PortalPushAnswer>> {
    let signature = headers.get("x-dvcqg-signature").and_then(|v| v.to_str().ok());
    inbound::verify_push(&s, signature, &body)?;
    let push: PortalPush = serde_json::from_slice(&body)
        .map_err(|e| CoreError::invalid("invalid_json", format!("Nội dung không đúng định dạng: {e}")))?;
    if push.data.len() > 100 {
        return Err(CoreError::invalid("too_many_records", "Tối đa 100 hồ sơ mỗi lần gửi.").into());
    }
    let mut result = vec![];
    for record in &push.data {
        result.push(inbound::receive(&s, record).await?);
    }
    Ok(Json(PortalPushAnswer { error_code: 0, message: "Thành công".into(), result }))
}

async fn portal_file(
    State(s): State<AppState>,
    ApiPath((dossier, file)): ApiPath<(String, String)>,
    ApiQuery(p): ApiQuery<FileLinkParams>,
) -> ApiResult<axum::response::Redirect> {
    let url = motcua_core::integration::file_links::open(&s, &dossier, &file, p.expires, &p.signature).await?;
    Ok(axum::response::Redirect::temporary(&url.url))
}

async fn feed(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiQuery(p): ApiQuery<FeedParams>,
) -> ApiResult<Json<PageOf<FeedEvent>>> {
    let limit = p.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(CoreError::invalid("invalid_limit", "limit phải từ 1 đến 100.").into());
    }
    let (items, next_cursor) = webhooks::feed(&s, &c, p.after, limit).await?;
    Ok(Json(PageOf { items, next_cursor }))
}

async fn list_webhooks(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
) -> ApiResult<Json<Vec<WebhookView>>> {
    Ok(Json(webhooks::list(&s, &c).await?))
}

async fn subscribe(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiJson(req): ApiJson<NewWebhook>,
) -> ApiResult<(axum::http::StatusCode, Json<WebhookView>)> {
    Ok((axum::http::StatusCode::CREATED, Json(webhooks::subscribe(&s, &c, req).await?)))
}

async fn unsubscribe(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Deleted>> {
    webhooks::unsubscribe(&s, &c, &id).await?;
    Ok(Json(Deleted { id }))
}

async fn connections(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
) -> ApiResult<Json<Vec<ConnectionHealth>>> {
    Ok(Json(health::connections(&s, &c).await?))
}

async fn dead_letters(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<Vec<DeadLetter>>> {
    Ok(Json(health::dead_letters(&s, &c, &name).await?))
}

async fn replay(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<Replayed>> {
    Ok(Json(Replayed { replayed: health::replay(&s, &c, &name).await? }))
}

async fn reconcile_now(State(s): State<AppState>, Authenticated(c): Authenticated) -> ApiResult<Json<ReconcileReport>> {
    Ok(Json(reconcile::run_now(&s, &c).await?))
}

async fn start_payment(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<(axum::http::StatusCode, Json<PaymentStart>)> {
    Ok((axum::http::StatusCode::CREATED, Json(payments::start(&s, &c, &id).await?)))
}

async fn payment_receipt(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(order): ApiPath<String>,
) -> ApiResult<Json<PaymentReceipt>> {
    Ok(Json(payments::receipt(&s, &c, &order).await?))
}

async fn payment_callback(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: bytes::Bytes,
) -> ApiResult<Json<CallbackOutcome>> {
    let signature = headers.get("x-signature").and_then(|v| v.to_str().ok());
    Ok(Json(payments::callback(&s, signature, &body).await?))
}

async fn parcel(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ParcelTracking>> {
    Ok(Json(postal::tracking(&s, &c, &id).await?))
}

async fn order_pickup(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
    IfMatch(v): IfMatch,
    ApiJson(req): ApiJson<PickupRequest>,
) -> ApiResult<Json<DossierView>> {
    Ok(Json(postal::order_pickup(&s, &c, &id, req, v).await?))
}

async fn pickup(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ParcelTracking>> {
    Ok(Json(postal::pickup_tracking(&s, &c, &id).await?))
}

async fn postal_callback(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: bytes::Bytes,
) -> ApiResult<Json<TrackingOutcome>> {
    let signature = headers.get("x-signature").and_then(|v| v.to_str().ok());
    Ok(Json(postal::callback(&s, signature, &body).await?))
}

/// The day to reconcile (Vietnam time).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ReconcileDay {
    /// `yyyy-mm-dd`
    date: chrono::NaiveDate,
}

async fn reconcile_payments(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiJson(day): ApiJson<ReconcileDay>,
) -> ApiResult<Json<PaymentReconciliation>> {
    Ok(Json(payments::reconcile(&s, &c, day.date).await?))
}

async fn catalogue_sync_now(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
) -> ApiResult<Json<CatalogueSyncReport>> {
    Ok(Json(catalogue_sync::run_now(&s, &c).await?))
}

async fn catalogue_changes(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
) -> ApiResult<Json<Vec<CatalogueChange>>> {
    Ok(Json(catalogue_sync::changes(&s, &c, 100).await?))
}
