//! Function `feedback`: the satisfaction rating of a finished dossier (P9) and feedback /
//! petitions with tracking, answers and publication (P18); surveys and consultations (P11).

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::Json;
use motcua_core::feedback::{
    self, AnswerInput, ComplaintRulingInput, FeedbackReceipt, FeedbackView, NewFeedback, Rating, RatingSlip,
    ReceiptRating, ReplyInput, StepInput,
};
use motcua_core::surveys::{Answers, NewSurvey, SurveyView};
use motcua_domain::rating::RatingAnswers;
use motcua_http::extract::{
    ApiJson, ApiPath, ApiQuery, Authenticated, ClientAddress, MaybeAuthenticated, PageOf, PageParams,
};
use motcua_http::{Access, ApiResult, AppState, Route};
use serde::Deserialize;

const FUNCTION: &str = "feedback";

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            "/api/v1/surveys",
            FUNCTION,
            Access::Public,
            "Các cuộc khảo sát, lấy ý kiến và kết quả",
            surveys,
        )
        .returns::<PageOf<SurveyView>>(),
        Route::new(
            Method::POST,
            "/api/v1/surveys",
            FUNCTION,
            Access::Authenticated,
            "Quản trị tạo cuộc khảo sát, lấy ý kiến (câu hỏi nhiều lựa chọn, ngày kết thúc)",
            create_survey,
        )
        .body::<NewSurvey>()
        .creates::<SurveyView>(),
        Route::new(
            Method::GET,
            "/api/v1/surveys/{id}",
            FUNCTION,
            Access::Public,
            "Một cuộc khảo sát và kết quả tổng hợp",
            survey,
        )
        .returns::<SurveyView>(),
        Route::new(
            Method::POST,
            "/api/v1/surveys/{id}/answers",
            FUNCTION,
            Access::Authenticated,
            "Công dân, doanh nghiệp trả lời khảo sát (một lần)",
            answer_survey,
        )
        .body::<Answers>()
        .creates::<SurveyView>(),
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/rating",
            FUNCTION,
            Access::Authenticated,
            "Đánh giá mức độ hài lòng về việc giải quyết hồ sơ (một lần mỗi hồ sơ)",
            rate,
        )
        .body::<RatingAnswers>()
        .creates::<Rating>(),
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/rating-slip",
            FUNCTION,
            Access::Authenticated,
            "Cán bộ Bộ phận Một cửa nhập phiếu đánh giá giấy của người nộp (một lần mỗi hồ sơ)",
            enter_slip,
        )
        .body::<RatingSlip>()
        .creates::<Rating>(),
        Route::new(
            Method::POST,
            "/api/v1/dossiers/{id}/rating/complaint-ruling",
            FUNCTION,
            Access::Authenticated,
            "Lãnh đạo cơ quan kết luận phàn nàn về thái độ cán bộ trong đánh giá (một lần; phàn nàn đúng: tiêu chí 7 được 0 điểm)",
            rule_complaint,
        )
        .body::<ComplaintRulingInput>()
        .returns::<Rating>(),
        Route::new(
            Method::POST,
            "/api/v1/ratings/by-receipt",
            FUNCTION,
            Access::Public,
            "Đánh giá mức độ hài lòng bằng mã hồ sơ và mã bí mật trên giấy tiếp nhận (máy tự phục vụ, mã QR)",
            rate_by_receipt,
        )
        .body::<ReceiptRating>()
        .creates::<Rating>(),
        Route::new(
            Method::GET,
            "/api/v1/dossiers/{id}/rating",
            FUNCTION,
            Access::Authenticated,
            "Kết quả đánh giá của hồ sơ",
            rating,
        )
        .returns::<Rating>(),
        Route::new(
            Method::POST,
            "/api/v1/feedback",
            FUNCTION,
            Access::OptionalAuth,
            "Gửi phản ánh, kiến nghị; nhận mã theo dõi",
            submit,
        )
        .body::<NewFeedback>()
        .creates::<FeedbackReceipt>(),
        Route::new(
            Method::GET,
            "/api/v1/feedback",
            FUNCTION,
            Access::OptionalAuth,
            "Phản ánh, kiến nghị đã trả lời và công khai; với cán bộ: phản ánh gửi cơ quan",
            list,
        )
        .query::<PageParams>()
        .returns::<PageOf<FeedbackView>>(),
        Route::new(
            Method::GET,
            "/api/v1/feedback/{code}",
            FUNCTION,
            Access::OptionalAuth,
            "Theo dõi phản ánh, kiến nghị (mã theo dõi và mã bí mật)",
            get,
        )
        .query::<SecretParam>()
        .returns::<FeedbackView>(),
        Route::new(
            Method::POST,
            "/api/v1/feedback/{code}/answer",
            FUNCTION,
            Access::Authenticated,
            "Cán bộ trả lời phản ánh, kiến nghị và công khai câu trả lời",
            answer,
        )
        .body::<AnswerInput>()
        .returns::<FeedbackView>(),
        Route::new(
            Method::POST,
            "/api/v1/feedback/{code}/refuse",
            FUNCTION,
            Access::Authenticated,
            "Cán bộ từ chối tiếp nhận phản ánh, kiến nghị, nêu lý do (trong 2 ngày làm việc)",
            refuse,
        )
        .body::<StepInput>()
        .returns::<FeedbackView>(),
        Route::new(
            Method::POST,
            "/api/v1/feedback/{code}/request-info",
            FUNCTION,
            Access::Authenticated,
            "Cán bộ đề nghị người gửi bổ sung thông tin (một lần, trong 5 ngày làm việc; thời gian chờ không tính vào hạn trả lời)",
            request_info,
        )
        .body::<StepInput>()
        .returns::<FeedbackView>(),
        Route::new(
            Method::POST,
            "/api/v1/feedback/{code}/reply",
            FUNCTION,
            Access::OptionalAuth,
            "Người gửi bổ sung thông tin theo đề nghị của cơ quan (đăng nhập, hoặc mã bí mật)",
            reply,
        )
        .body::<ReplyInput>()
        .returns::<FeedbackView>(),
        Route::new(
            Method::POST,
            "/api/v1/feedback/{code}/publish",
            FUNCTION,
            Access::Authenticated,
            "Cán bộ công khai câu trả lời đã gửi (trong 2 ngày làm việc sau khi trả lời)",
            publish,
        )
        .returns::<FeedbackView>(),
    ]
}

async fn rate(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
    ApiJson(a): ApiJson<RatingAnswers>,
) -> ApiResult<(StatusCode, Json<Rating>)> {
    Ok((StatusCode::CREATED, Json(feedback::rate(&s, &c, &id, a).await?)))
}

async fn enter_slip(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
    ApiJson(slip): ApiJson<RatingSlip>,
) -> ApiResult<(StatusCode, Json<Rating>)> {
    Ok((StatusCode::CREATED, Json(feedback::enter_slip(&s, &c, &id, slip).await?)))
}

async fn rule_complaint(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<ComplaintRulingInput>,
) -> ApiResult<Json<Rating>> {
    Ok(Json(feedback::rule_complaint(&s, &c, &id, input).await?))
}

async fn rate_by_receipt(
    State(s): State<AppState>,
    ClientAddress(client): ClientAddress,
    ApiJson(r): ApiJson<ReceiptRating>,
) -> ApiResult<(StatusCode, Json<Rating>)> {
    Ok((StatusCode::CREATED, Json(feedback::rate_by_receipt(&s, r, client.as_deref()).await?)))
}

async fn rating(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Rating>> {
    Ok(Json(feedback::rating(&s, &c, &id).await?))
}

async fn submit(
    State(s): State<AppState>,
    MaybeAuthenticated(c): MaybeAuthenticated,
    ApiJson(f): ApiJson<NewFeedback>,
) -> ApiResult<(StatusCode, Json<FeedbackReceipt>)> {
    Ok((StatusCode::CREATED, Json(feedback::submit(&s, c.as_ref(), f).await?)))
}

async fn list(
    State(s): State<AppState>,
    MaybeAuthenticated(c): MaybeAuthenticated,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<PageOf<FeedbackView>>> {
    let (items, next_cursor) = feedback::list(&s, c.as_ref(), p.cursor.clone(), p.limit()?).await?;
    Ok(Json(PageOf { items, next_cursor }))
}

/// The secret given with the tracking code, to follow one's own feedback.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SecretParam {
    secret: Option<String>,
}

async fn get(
    State(s): State<AppState>,
    MaybeAuthenticated(c): MaybeAuthenticated,
    ApiPath(code): ApiPath<String>,
    ApiQuery(p): ApiQuery<SecretParam>,
) -> ApiResult<Json<FeedbackView>> {
    Ok(Json(feedback::get(&s, c.as_ref(), &code, p.secret.as_deref()).await?))
}

async fn answer(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(code): ApiPath<String>,
    ApiJson(a): ApiJson<AnswerInput>,
) -> ApiResult<Json<FeedbackView>> {
    Ok(Json(feedback::answer(&s, &c, &code, a).await?))
}

async fn refuse(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(code): ApiPath<String>,
    ApiJson(input): ApiJson<StepInput>,
) -> ApiResult<Json<FeedbackView>> {
    Ok(Json(feedback::refuse(&s, &c, &code, input).await?))
}

async fn request_info(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(code): ApiPath<String>,
    ApiJson(input): ApiJson<StepInput>,
) -> ApiResult<Json<FeedbackView>> {
    Ok(Json(feedback::ask(&s, &c, &code, input).await?))
}

async fn reply(
    State(s): State<AppState>,
    MaybeAuthenticated(c): MaybeAuthenticated,
    ApiPath(code): ApiPath<String>,
    ApiJson(input): ApiJson<ReplyInput>,
) -> ApiResult<Json<FeedbackView>> {
    Ok(Json(feedback::reply(&s, c.as_ref(), &code, input).await?))
}

async fn publish(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<FeedbackView>> {
    Ok(Json(feedback::publish(&s, &c, &code).await?))
}

async fn surveys(State(s): State<AppState>) -> ApiResult<Json<PageOf<SurveyView>>> {
    Ok(Json(PageOf { items: motcua_core::surveys::list(&s).await?, next_cursor: None }))
}

async fn create_survey(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiJson(req): ApiJson<NewSurvey>,
) -> ApiResult<(StatusCode, Json<SurveyView>)> {
    Ok((StatusCode::CREATED, Json(motcua_core::surveys::create(&s, &c, req).await?)))
}

async fn survey(State(s): State<AppState>, ApiPath(id): ApiPath<String>) -> ApiResult<Json<SurveyView>> {
    Ok(Json(motcua_core::surveys::get(&s, &id).await?))
}

async fn answer_survey(
    State(s): State<AppState>,
    Authenticated(c): Authenticated,
    ApiPath(id): ApiPath<String>,
    ApiJson(a): ApiJson<Answers>,
) -> ApiResult<(StatusCode, Json<SurveyView>)> {
    Ok((StatusCode::CREATED, Json(motcua_core::surveys::answer(&s, &c, &id, a).await?)))
}
