//! Reports and their review, evidence, co-units' contributions, comments and notices.

use axum::Json;
use axum::body::Body as ResponseBody;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use luoshi_domain::policy::{Action, TaskAction, decide};
use luoshi_domain::report::{ReportAction, ReportState};
use luoshi_store::{
    Attachment, Comment, Contribution, NewAttachment, NewNotice, Notice, NoticeFilter, Page,
    Paging, Report, ReportFilter, ReportInput, TaskScopeFacts,
};
use serde::Deserialize;

use super::plans::{authorize_task, scope_of, task_scope};
use super::{Body, PageQuery, Path, Query};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::uploads;

/// A report and the scope of its task, once the caller may at least read the task.
async fn readable_report(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> ApiResult<(Report, TaskScopeFacts)> {
    Ok(luoshi_app::reports::readable(&state.store, &caller.actor, id).await?)
}

/// A report the caller may write, with its task's scope.
async fn writable_report(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> ApiResult<(Report, TaskScopeFacts)> {
    Ok(luoshi_app::reports::writable(&state.store, &caller.actor, id).await?)
}

/// The caller's unit among `units`.
fn own_unit(caller: &Caller, units: &[i64]) -> Option<i64> {
    caller
        .actor
        .units
        .iter()
        .copied()
        .find(|u| units.contains(u))
}

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
    let scope = authorize_task(&state, &caller, task_id, TaskAction::WriteReport).await?;
    let report = state
        .store
        .create_report(
            &caller.audit,
            task_id,
            &input.period,
            own_unit(&caller, &scope.lead),
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
    authorize_task(&state, &caller, task_id, TaskAction::Read).await?;
    let filter = ReportFilter {
        organization_id: caller.actor.organization_id,
        task_id: Some(task_id),
        ..Default::default()
    };
    Ok(Json(state.store.reports(&filter, query.paging()).await?))
}

#[derive(Deserialize)]
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
    let task_ids = if caller.actor.role.reads_everything() {
        None
    } else {
        Some(
            state
                .store
                .task_ids_for_units(caller.actor.organization_id, &caller.actor.units)
                .await?,
        )
    };
    let filter = ReportFilter {
        organization_id: caller.actor.organization_id,
        plan_id: query.plan,
        task_id: query.task,
        period: query.period,
        state: query.state,
        unit_id: query.unit,
        task_ids,
    };
    Ok(Json(
        state
            .store
            .reports(&filter, Paging::new(query.page, query.per_page))
            .await?,
    ))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Report>> {
    Ok(Json(readable_report(&state, &caller, id).await?.0))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<ReportInput>,
) -> ApiResult<Json<Report>> {
    writable_report(&state, &caller, id).await?;
    Ok(Json(
        state.store.update_report(&caller.audit, id, &input).await?,
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
        luoshi_app::reports::transition(
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
    writable_report(&state, &caller, id).await?;
    let report = state.store.correct_report(&caller.audit, id).await?;
    Ok((StatusCode::CREATED, Json(report)).into_response())
}

pub async fn attach(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> ApiResult<Response> {
    writable_report(&state, &caller, id).await?;
    let file = uploads::single_file(multipart, state.config.max_attachment_bytes).await?;
    let content_type = uploads::evidence_type(&file)?;
    let stored = uploads::store_file(&state.config.data_dir, &file).await?;
    let attachment = state
        .store
        .add_attachment(
            &caller.audit,
            id,
            &NewAttachment {
                file_name: file.name.clone(),
                content_type: content_type.to_string(),
                size: file.bytes.len() as i64,
                stored_name: stored.stored_name,
                sha256: stored.sha256,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(attachment)).into_response())
}

pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let attachment: Attachment = state.store.attachment(id).await?;
    readable_report(&state, &caller, attachment.report_id)
        .await
        .map_err(|_| ApiError::not_found("附件"))?;
    let bytes = uploads::read_file(&state.config.data_dir, &attachment.stored_name).await?;
    let disposition = format!(
        "attachment; filename*=UTF-8''{}",
        uploads::percent_encode(&attachment.file_name)
    );
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
pub struct PeriodQuery {
    pub period: Option<String>,
}

pub async fn contributions(
    State(state): State<AppState>,
    caller: Caller,
    Path(task_id): Path<i64>,
    Query(query): Query<PeriodQuery>,
) -> ApiResult<Json<Vec<Contribution>>> {
    authorize_task(&state, &caller, task_id, TaskAction::Read).await?;
    Ok(Json(
        state
            .store
            .contributions(task_id, query.period.as_deref())
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
    let scope = authorize_task(&state, &caller, task_id, TaskAction::Contribute).await?;
    let unit = own_unit(&caller, &scope.co).ok_or_else(ApiError::forbidden)?;
    let contribution = state
        .store
        .add_contribution(&caller.audit, task_id, &input.period, unit, &input.body)
        .await?;
    Ok((StatusCode::CREATED, Json(contribution)).into_response())
}

pub async fn comments(
    State(state): State<AppState>,
    caller: Caller,
    Path(task_id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Page<Comment>>> {
    authorize_task(&state, &caller, task_id, TaskAction::Read).await?;
    Ok(Json(state.store.comments(task_id, query.paging()).await?))
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
    authorize_task(&state, &caller, task_id, TaskAction::Comment).await?;
    let comment = state
        .store
        .add_comment(&caller.audit, task_id, input.report_id, &input.body)
        .await?;
    Ok((StatusCode::CREATED, Json(comment)).into_response())
}

pub async fn task_notices(
    State(state): State<AppState>,
    caller: Caller,
    Path(task_id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Page<Notice>>> {
    authorize_task(&state, &caller, task_id, TaskAction::Read).await?;
    let filter = NoticeFilter {
        organization_id: caller.actor.organization_id,
        task_id: Some(task_id),
        ..Default::default()
    };
    Ok(Json(state.store.notices(&filter, query.paging()).await?))
}

pub async fn issue_notice(
    State(state): State<AppState>,
    caller: Caller,
    Path(task_id): Path<i64>,
    Body(input): Body<NewNotice>,
) -> ApiResult<Response> {
    let scope = authorize_task(&state, &caller, task_id, TaskAction::Supervise).await?;
    if !scope.lead.contains(&input.unit_id) && !scope.co.contains(&input.unit_id) {
        return Err(ApiError::bad_request(
            "unit_id",
            "督办对象应为该任务的牵头或配合单位",
        ));
    }
    let notice = state
        .store
        .issue_notice(&caller.audit, task_id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(notice)).into_response())
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    pub state: Option<String>,
    pub task: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn notices(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<NoticeQuery>,
) -> ApiResult<Json<Page<Notice>>> {
    let filter = NoticeFilter {
        organization_id: caller.actor.organization_id,
        task_id: query.task,
        state: query.state,
        unit_ids: (!caller.actor.role.reads_everything()).then(|| caller.actor.units.clone()),
    };
    Ok(Json(
        state
            .store
            .notices(&filter, Paging::new(query.page, query.per_page))
            .await?,
    ))
}

async fn notice_scope(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> ApiResult<(Notice, TaskScopeFacts)> {
    let notice = state.store.notice(id).await?;
    let scope = task_scope(state, caller, notice.task_id)
        .await
        .map_err(|_| ApiError::not_found("督办单"))?;
    Ok((notice, scope))
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
    let (notice, scope) = notice_scope(&state, &caller, id).await?;
    let action = Action::AnswerNotice {
        task: scope_of(&scope),
        unit: notice.unit_id,
    };
    ApiError::check(decide(&caller.actor, action), "督办单")?;
    Ok(Json(
        state
            .store
            .answer_notice(&caller.audit, id, &input.response)
            .await?,
    ))
}

pub async fn close_notice(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Notice>> {
    let (_, scope) = notice_scope(&state, &caller, id).await?;
    ApiError::check(
        decide(&caller.actor, Action::Supervise(scope_of(&scope))),
        "督办单",
    )?;
    Ok(Json(state.store.close_notice(&caller.audit, id).await?))
}
