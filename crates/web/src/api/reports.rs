//! Reports and their review, evidence, co-units' contributions, comments and notices.

use axum::Json;
use axum::body::Body as ResponseBody;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use luoshi_app::{notices, reports};
use luoshi_domain::report::{ReportAction, ReportState};
use luoshi_store::{
    Comment, Contribution, NewNotice, Notice, NoticeState, Page, Paging, Report, ReportFilter,
    ReportInput,
};
use serde::Deserialize;

use super::{Body, PageQuery, Path, Query};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::uploads;

#[derive(Deserialize)]
pub struct NewReport {
    pub period: String,
    #[serde(flatten)]
    pub content: ReportInput,
    /// Submit at once instead of saving a draft.
    #[serde(default)]
    pub submit: bool,
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(task_id): Path<i64>,
    Body(input): Body<NewReport>,
) -> ApiResult<Response> {
    let report = reports::create(
        &state.store,
        &caller.actor,
        &caller.audit,
        task_id,
        &input.period,
        &input.content,
        input.submit,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(report)).into_response())
}

pub async fn task_reports(
    State(state): State<AppState>,
    caller: Caller,
    Path(task_id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Page<Report>>> {
    Ok(Json(
        reports::of_task(&state.store, &caller.actor, task_id, query.paging()).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    pub plan: Option<i64>,
    pub task: Option<i64>,
    pub period: Option<String>,
    pub state: Option<ReportState>,
    pub unit: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ReportQuery>,
) -> ApiResult<Json<Page<Report>>> {
    let filter = ReportFilter {
        plan_id: query.plan,
        task_id: query.task,
        period: query.period,
        state: query.state,
        unit_id: query.unit,
        ..Default::default()
    };
    let paging = Paging::new(query.page, query.per_page);
    Ok(Json(
        reports::list(&state.store, &caller.actor, filter, paging).await?,
    ))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Report>> {
    Ok(Json(
        reports::readable(&state.store, &caller.actor, id).await?.0,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<ReportInput>,
) -> ApiResult<Json<Report>> {
    Ok(Json(
        reports::update(&state.store, &caller.actor, &caller.audit, id, &input).await?,
    ))
}

async fn transition(
    state: &AppState,
    caller: &Caller,
    id: i64,
    action: ReportAction,
    reason: Option<&str>,
) -> ApiResult<Json<Report>> {
    Ok(Json(
        reports::transition(
            &state.store,
            &caller.actor,
            &caller.audit,
            id,
            action,
            reason,
        )
        .await?,
    ))
}

pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Report>> {
    transition(&state, &caller, id, ReportAction::Submit, None).await
}

pub async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Report>> {
    transition(&state, &caller, id, ReportAction::Approve, None).await
}

pub async fn accept(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Report>> {
    transition(&state, &caller, id, ReportAction::Accept, None).await
}

#[derive(Deserialize)]
pub struct Reason {
    pub reason: String,
}

pub async fn return_report(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<Reason>,
) -> ApiResult<Json<Report>> {
    transition(
        &state,
        &caller,
        id,
        ReportAction::Return,
        Some(&input.reason),
    )
    .await
}

pub async fn correct(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let report = reports::correct(&state.store, &caller.actor, &caller.audit, id).await?;
    Ok((StatusCode::CREATED, Json(report)).into_response())
}

pub async fn attach(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> ApiResult<Response> {
    reports::writable(&state.store, &caller.actor, id).await?;
    let file = uploads::single_file(multipart, state.config.max_attachment_bytes).await?;
    let evidence = uploads::store_evidence(&state.config.data_dir, &file).await?;
    let attachment =
        reports::attach(&state.store, &caller.actor, &caller.audit, id, &evidence).await?;
    Ok((StatusCode::CREATED, Json(attachment)).into_response())
}

pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let attachment = reports::attachment(&state.store, &caller.actor, id).await?;
    let bytes = uploads::read_file(&state.config.data_dir, &attachment.stored_name).await?;
    let disposition = uploads::attachment_disposition(&attachment.file_name);
    Ok((
        [
            (header::CONTENT_TYPE, attachment.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        ResponseBody::from(bytes),
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    pub period: Option<String>,
}

pub async fn contributions(
    State(state): State<AppState>,
    caller: Caller,
    Path(task_id): Path<i64>,
    Query(query): Query<PeriodQuery>,
) -> ApiResult<Json<Vec<Contribution>>> {
    Ok(Json(
        reports::contributions(
            &state.store,
            &caller.actor,
            task_id,
            query.period.as_deref(),
        )
        .await?,
    ))
}

#[derive(Deserialize)]
pub struct NewContribution {
    pub period: String,
    pub body: String,
}

pub async fn contribute(
    State(state): State<AppState>,
    caller: Caller,
    Path(task_id): Path<i64>,
    Body(input): Body<NewContribution>,
) -> ApiResult<Response> {
    let contribution = reports::contribute(
        &state.store,
        &caller.actor,
        &caller.audit,
        task_id,
        &input.period,
        &input.body,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(contribution)).into_response())
}

pub async fn comments(
    State(state): State<AppState>,
    caller: Caller,
    Path(task_id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Page<Comment>>> {
    Ok(Json(
        notices::comments(&state.store, &caller.actor, task_id, query.paging()).await?,
    ))
}

#[derive(Deserialize)]
pub struct NewComment {
    pub body: String,
    pub report_id: Option<i64>,
}

pub async fn comment(
    State(state): State<AppState>,
    caller: Caller,
    Path(task_id): Path<i64>,
    Body(input): Body<NewComment>,
) -> ApiResult<Response> {
    let comment = notices::comment(
        &state.store,
        &caller.actor,
        &caller.audit,
        task_id,
        input.report_id,
        &input.body,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(comment)).into_response())
}

pub async fn acknowledge(
    State(state): State<AppState>,
    caller: Caller,
    Path(comment_id): Path<i64>,
) -> ApiResult<Json<Comment>> {
    Ok(Json(
        notices::acknowledge(&state.store, &caller.actor, &caller.audit, comment_id).await?,
    ))
}

pub async fn task_notices(
    State(state): State<AppState>,
    caller: Caller,
    Path(task_id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Page<Notice>>> {
    Ok(Json(
        notices::of_task(&state.store, &caller.actor, task_id, query.paging()).await?,
    ))
}

pub async fn issue_notice(
    State(state): State<AppState>,
    caller: Caller,
    Path(task_id): Path<i64>,
    Body(input): Body<NewNotice>,
) -> ApiResult<Response> {
    let notice = notices::issue(
        &state.store,
        &caller.actor,
        &caller.audit,
        task_id,
        &input,
        state.today(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(notice)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeQuery {
    pub state: Option<NoticeState>,
    pub task: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn notices(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<NoticeQuery>,
) -> ApiResult<Json<Page<Notice>>> {
    let paging = Paging::new(query.page, query.per_page);
    Ok(Json(
        notices::list(&state.store, &caller.actor, query.task, query.state, paging).await?,
    ))
}

#[derive(Deserialize)]
pub struct Answer {
    pub response: String,
}

pub async fn answer_notice(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<Answer>,
) -> ApiResult<Json<Notice>> {
    Ok(Json(
        notices::answer(
            &state.store,
            &caller.actor,
            &caller.audit,
            id,
            &input.response,
            None,
        )
        .await?,
    ))
}

pub async fn close_notice(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Notice>> {
    Ok(Json(
        notices::close(&state.store, &caller.actor, &caller.audit, id).await?,
    ))
}
