//! Function `officer`: the one-stop workflow for officers (M2, M8, S1, G4) — inbox, counter
//! and postal reception, accept (code and appointment), supplement request, refusal,
//! assignment, consultation, inter-agency parts, payment, approval, apology and new
//! appointment, return (counter, post, online), withdrawal, stop; the archive of closed
//! dossiers (G9): search by code, archive package, erasure of personal data past retention.
//! Thin handlers over `motcua_core::actions`, `inbox`, `reception` and `archive`.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::Json;
use motcua_core::actions::Request;
use motcua_core::archive::{self, ArchivedDossier, ErasureRequest};
use motcua_core::catalogue::{self, ProcedureRetention, ProcedureWorkflow, RetentionSetting, SuccessionInput};
use motcua_core::inbox::{self, Inbox, InboxQuery};
use motcua_core::reception::{self, CounterDossier};
use motcua_core::uploads::{self, UploadRequest, UploadTicket};
use motcua_domain::catalogue::Agency;
use motcua_domain::dossier::Action;
use motcua_domain::views::DossierView;
use motcua_domain::workflow::Workflow;
use motcua_http::extract::{ApiJson, ApiPath, ApiQuery, Authenticated, IfMatch, PageOf};
use motcua_http::routes::dossier_action;
use motcua_http::{Access, ApiResult, AppState, Route};
use serde::Deserialize;

const FUNCTION: &str = "officer";

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            "/api/v1/inbox",
            FUNCTION,
            Access::Authenticated,
            "Hồ sơ cần xử lý theo vai trò và đơn vị: lọc theo trạng thái, thủ tục, sắp đến hạn, quá hạn; kèm số lượng",
            inbox,
        )
        .query::<InboxQuery>()
        .returns::<Inbox>(),
        Route::new(
            Method::GET,
            "/api/v1/procedures/{code}/workflow",
            FUNCTION,
            Access::Public,
            "Quy trình nội bộ của thủ tục: các bước, vai trò, đơn vị, thời gian từng bước, cơ quan phối hợp",
            workflow_of,
        )
        .returns::<ProcedureWorkflow>(),
        Route::new(
            Method::PUT,
            "/api/v1/procedures/{code}/workflow",
            FUNCTION,
            Access::Authenticated,
            "Quản trị cấu hình quy trình nội bộ (tạo phiên bản mới của thủ tục; hồ sơ đã nộp giữ quy trình cũ)",
            set_workflow,
        )
        .body::<Workflow>()
        .returns::<ProcedureWorkflow>(),
        Route::new(
            Method::PUT,
            "/api/v1/procedures/{code}/retention",
            FUNCTION,
            Access::Authenticated,
            "Quản trị thời hạn lưu trữ hồ sơ của thủ tục (số năm hoặc vĩnh viễn; tạo phiên bản mới, hồ sơ đã nộp giữ thời hạn cũ)",
            set_retention,
        )
        .body::<RetentionSetting>()
        .returns::<ProcedureRetention>(),
        Route::new(
            Method::POST,
            "/api/v1/agencies/{code}/succession",
            FUNCTION,
            Access::Authenticated,
            "Quản trị hệ thống ghi nhận đơn vị kết thúc hoạt động và đơn vị kế thừa (hợp nhất, sáp nhập, đổi tên) từ một ngày",
            record_succession,
        )
        .body::<SuccessionInput>()
        .returns::<PageOf<Agency>>(),
        Route::new(
            Method::POST,
            "/api/v1/counter/dossiers",
            FUNCTION,
            Access::Authenticated,
            "Nhận hồ sơ giấy trực tiếp tại Bộ phận Một cửa hoặc qua bưu chính (sau đó số hóa thành phần hồ sơ)",
            receive_at_counter,
        )
        .body::<CounterDossier>()
        .creates::<DossierView>(),
        dossier_action(
            "/api/v1/dossiers/{id}/accept",
            FUNCTION,
            "Tiếp nhận hồ sơ: cấp mã hồ sơ, tính ngày hẹn trả",
            Request::Accept,
        ),
        dossier_action(
            "/api/v1/dossiers/{id}/refuse",
            FUNCTION,
            "Từ chối tiếp nhận hồ sơ (nêu lý do)",
            Request::Refuse,
        ),
        dossier_action(
            "/api/v1/dossiers/{id}/start-processing",
            FUNCTION,
            "Chuyển hồ sơ sang xử lý",
            Request::StartProcessing,
        ),
        dossier_action(
            "/api/v1/dossiers/{id}/request-supplement",
            FUNCTION,
            "Yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02; dừng tính thời hạn)",
            Request::RequestSupplement,
        ),
        dossier_action(
            "/api/v1/dossiers/{id}/assign",
            FUNCTION,
            "Phân công hoặc chuyển giao hồ sơ cho chuyên viên xử lý",
            Request::Assign,
        ),
        dossier_action(
            "/api/v1/dossiers/{id}/consultations",
            FUNCTION,
            "Xin ý kiến đơn vị, cơ quan liên quan (có thời hạn trả lời riêng)",
            Request::Consult,
        ),
        dossier_action(
            "/api/v1/dossiers/{id}/consultation-answers",
            FUNCTION,
            "Cơ quan được xin ý kiến trả lời",
            Request::AnswerConsultation,
        ),
        dossier_action(
            "/api/v1/dossiers/{id}/complete-part",
            FUNCTION,
            "Cơ quan phối hợp hoàn thành phần việc của hồ sơ liên thông",
            Request::CompletePart,
        ),
        dossier_action(
            "/api/v1/dossiers/{id}/request-payment",
            FUNCTION,
            "Yêu cầu thực hiện nghĩa vụ tài chính (dừng tính thời hạn)",
            Request::RequestPayment,
        ),
        dossier_action(
            "/api/v1/dossiers/{id}/confirm-payment",
            FUNCTION,
            "Xác nhận người nộp đã thực hiện nghĩa vụ tài chính (tiếp tục tính thời hạn)",
            Request::ConfirmPayment,
        ),
        with_result(
            "/api/v1/dossiers/{id}/submit-for-approval",
            "Chuyên viên trình lãnh đạo phê duyệt kết quả đã tải lên",
            Action::SubmitForApproval,
        ),
        dossier_action("/api/v1/dossiers/{id}/approve", FUNCTION, "Lãnh đạo phê duyệt kết quả", Request::Approve),
        dossier_action(
            "/api/v1/dossiers/{id}/rework",
            FUNCTION,
            "Lãnh đạo trả lại để xử lý lại (nêu lý do)",
            Request::Rework,
        ),
        dossier_action(
            "/api/v1/dossiers/{id}/apology",
            FUNCTION,
            "Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04; chỉ một lần, chậm nhất 01 ngày làm việc trước hạn)",
            Request::Apologise,
        ),
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/result-uploads",
            FUNCTION,
            Access::Authenticated,
            "Khai báo tệp kết quả, nhận địa chỉ tải lên có chữ ký",
            result_upload,
        )
        .body::<UploadRequest>()
        .creates::<UploadTicket>(),
        with_result("/api/v1/dossiers/{id}/finish", "Hoàn thành xử lý với tệp kết quả đã tải lên", Action::Finish),
        dossier_action("/api/v1/dossiers/{id}/return", FUNCTION, "Trả kết quả cho công dân", Request::ReturnResult),
        dossier_action(
            "/api/v1/dossiers/{id}/confirm-withdrawal",
            FUNCTION,
            "Xác nhận rút hồ sơ, dừng xử lý",
            Request::ConfirmWithdrawal,
        ),
        dossier_action(
            "/api/v1/dossiers/{id}/approve-extension",
            FUNCTION,
            "Người có thẩm quyền đồng ý đề nghị gia hạn (Mẫu 04, chế độ 2025): ngày hẹn chuyển sang ngày đề nghị",
            Request::ApproveExtension,
        ),
        dossier_action(
            "/api/v1/dossiers/{id}/refuse-extension",
            FUNCTION,
            "Người có thẩm quyền không đồng ý gia hạn (nêu lý do): ngày hẹn giữ nguyên",
            Request::RefuseExtension,
        ),
        dossier_action(
            "/api/v1/dossiers/{id}/stop",
            FUNCTION,
            "Dừng xử lý hồ sơ (lãnh đạo, nêu lý do)",
            Request::StopProcessing,
        ),
        Route::new(
            Method::GET,
            "/api/v1/archive/{code}",
            FUNCTION,
            Access::Authenticated,
            "Tra cứu hồ sơ lưu trữ theo mã (chủ hồ sơ, cơ quan giải quyết, quản trị hệ thống): thời hạn lưu trữ, gói lưu trữ",
            archived,
        )
        .returns::<ArchivedDossier>(),
        Route::new(
            Method::GET,
            "/api/v1/archive/{code}/package",
            FUNCTION,
            Access::Authenticated,
            "Liên kết tải gói lưu trữ của hồ sơ (BagIt trong tệp zip: hồ sơ, tệp, bằng chứng chuỗi nhật ký)",
            archive_package,
        )
        .returns::<motcua_core::PresignedUrl>(),
        Route::new(
            Method::POST,
            "/api/v1/archive/{code}/erasure",
            FUNCTION,
            Access::Authenticated,
            "Xóa dữ liệu cá nhân của hồ sơ lưu trữ đã hết thời hạn lưu trữ, theo quyết định hủy (quản trị cơ quan)",
            erase,
        )
        .body::<ErasureRequest>()
        .returns::<ArchivedDossier>(),
    ]
}

async fn set_retention(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(code): ApiPath<String>,
    ApiJson(r): ApiJson<RetentionSetting>,
) -> ApiResult<Json<ProcedureRetention>> {
    Ok(Json(catalogue::set_retention(&s, &c, &code, r).await?))
}

async fn record_succession(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(code): ApiPath<String>,
    ApiJson(input): ApiJson<SuccessionInput>,
) -> ApiResult<Json<PageOf<Agency>>> {
    Ok(Json(PageOf { items: catalogue::record_succession(&s, &c, &code, input).await?, next_cursor: None }))
}

async fn archived(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<ArchivedDossier>> {
    Ok(Json(archive::get(&s, &c, &code).await?))
}

async fn archive_package(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<motcua_core::PresignedUrl>> {
    Ok(Json(archive::package(&s, &c, &code).await?))
}

async fn erase(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(code): ApiPath<String>,
    ApiJson(req): ApiJson<ErasureRequest>,
) -> ApiResult<Json<ArchivedDossier>> {
    Ok(Json(archive::erase(&s, &c, &code, req).await?))
}

async fn result_upload(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<UploadRequest>,
) -> ApiResult<(StatusCode, Json<UploadTicket>)> {
    Ok((StatusCode::CREATED, Json(uploads::request_result_upload(&s, &c, &id, req).await?)))
}

/// The result file uploaded and declared, with a note for the timeline.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Finish {
    /// `upload_id` of the result upload.
    upload_id: String,
    #[serde(default)]
    note: Option<String>,
}

/// An action that attaches the uploaded result file (finish, submit for approval).
fn with_result(path: &'static str, summary: &'static str, action: Action) -> Route {
    let handler = move |State(s): State<AppState>,
                        Authenticated(c): Authenticated,
                        ApiPath(id): ApiPath<String>,
                        IfMatch(v): IfMatch,
                        ApiJson(f): ApiJson<Finish>| async move {
        Ok::<_, motcua_http::ApiError>(Json(uploads::finish(&s, &c, &id, action, &f.upload_id, f.note, v).await?))
    };
    Route::new(Method::POST, path, FUNCTION, Access::Authenticated, summary, handler)
        .body::<Finish>()
        .returns::<DossierView>()
}

async fn inbox(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiQuery(q): ApiQuery<InboxQuery>,
) -> ApiResult<Json<Inbox>> {
    Ok(Json(inbox::inbox(&s, &c, q).await?))
}

async fn receive_at_counter(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiJson(req): ApiJson<CounterDossier>,
) -> ApiResult<(StatusCode, Json<DossierView>)> {
    Ok((StatusCode::CREATED, Json(reception::receive_at_counter(&s, &c, req).await?)))
}

async fn workflow_of(State(s): State<AppState>, ApiPath(code): ApiPath<String>) -> ApiResult<Json<ProcedureWorkflow>> {
    Ok(Json(catalogue::workflow_of(&s, &code).await?))
}

async fn set_workflow(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(code): ApiPath<String>,
    ApiJson(w): ApiJson<Workflow>,
) -> ApiResult<Json<ProcedureWorkflow>> {
    Ok(Json(catalogue::set_workflow(&s, &c, &code, w).await?))
}
