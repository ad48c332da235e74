//! Plans, sections, tasks, targets, milestones, the board and progress publication.

use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use luoshi_domain::light::LightColor;
use luoshi_domain::policy::{Action, TaskAction, decide};
use luoshi_domain::record::{PlanStatus, UnitKind};
use luoshi_store::{
    Dashboard, MilestoneInput, Page, Paging, Plan, PlanPatch, PlanSnapshot, PlanVersion,
    PublicPeriod, Section, SectionInput, Target, TargetInput, Task, TaskInput, TaskScopeFacts,
    TaskWithLight, UnmatchedName,
};
use serde::Deserialize;
use serde_json::json;

use super::{Body, PageQuery, Path, Query, page_of};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::uploads;
use luoshi_app::board::{self, StatusFilter, TaskFilter, TaskOrder};
use luoshi_app::plan_editing::{self, UnitChoice};
use luoshi_app::plan_files;

/// Loads a task's scope and checks `action` on it for the caller.
pub(crate) async fn authorize_task(
    state: &AppState,
    caller: &Caller,
    task_id: i64,
    action: TaskAction,
) -> ApiResult<TaskScopeFacts> {
    Ok(luoshi_app::tasks::authorize(&state.store, &caller.actor, task_id, action).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanQuery {
    pub status: Option<PlanStatus>,
    pub year: Option<i32>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<PlanQuery>,
) -> ApiResult<Json<Page<Plan>>> {
    Ok(Json(
        board::plans(
            &state.store,
            &caller.actor,
            query.status,
            query.year,
            Paging::new(query.page, query.per_page),
        )
        .await?,
    ))
}

/// Reads an uploaded plan (a published document, or a decomposition workbook) and stores
/// it as a draft; a workbook imported again updates its draft.
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    multipart: Multipart,
) -> ApiResult<Response> {
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "计划")?;
    let file = uploads::single_file(multipart, state.config.max_plan_bytes).await?;
    let read = plan_files::read(
        &caller.actor,
        &file.name,
        &file.bytes,
        state.config.max_plan_bytes as u64,
        state.today().year(),
    )?;
    let stored = uploads::store_file(&state.config.data_dir, &file).await?;
    let plan_files::Imported { plan, updated } = plan_files::import(
        &state.store,
        &caller.actor,
        &caller.audit,
        &file.name,
        Some(stored.stored_name),
        &read,
    )
    .await?;
    let unmatched = plan_editing::unmatched_units(&state.store, &caller.actor, plan.id).await?;
    let body = json!({
        "plan": plan,
        "updated": updated,
        "sections": read.draft.sections.len(),
        "tasks": read.draft.tasks.len(),
        "warnings": read.draft.warnings,
        "unmatched_units": unmatched,
    });
    let status = if updated {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(body)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    pub period: Option<String>,
    pub notice: Option<i64>,
}

/// Downloads one of the plan's files (责任分解表, 进展台账, 单位统计, 进展通报, 督办单, 工作总结).
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, kind)): Path<(i64, String)>,
    Query(query): Query<ExportQuery>,
) -> ApiResult<Response> {
    let kind = luoshi_app::files::ExportKind::parse(&kind).ok_or_else(|| {
        ApiError::bad_request(
            "kind",
            "可选 decomposition、ledger、units、bulletin、notice、summary",
        )
    })?;
    let request = luoshi_app::files::ExportRequest {
        plan_id: id,
        kind,
        period: query.period,
        notice: query.notice,
    };
    let file =
        luoshi_app::files::export(&state.store, &caller.actor, &request, state.today()).await?;
    let disposition = uploads::attachment_disposition(&file.file_name);
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                file.content_type.to_string(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        file.bytes,
    )
        .into_response())
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<serde_json::Value>> {
    let (plan, sections, tasks) =
        board::plan_view(&state.store, &caller.actor, id, state.today()).await?;
    Ok(Json(
        json!({ "plan": plan, "sections": sections, "tasks": tasks }),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(patch): Body<PlanPatch>,
) -> ApiResult<Json<Plan>> {
    Ok(Json(
        plan_editing::update_plan(&state.store, &caller.actor, &caller.audit, id, &patch).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishQuery {
    /// `true` to publish a plan whose year is not this year's.
    confirm_year: Option<bool>,
}

pub async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(query): Query<PublishQuery>,
) -> ApiResult<Json<Plan>> {
    Ok(Json(
        plan_editing::publish(
            &state.store,
            &caller.actor,
            &caller.audit,
            id,
            state.today(),
            query.confirm_year.unwrap_or(false),
        )
        .await?,
    ))
}

pub async fn source(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<serde_json::Value>> {
    let text = plan_editing::source_text(&state.store, &caller.actor, id).await?;
    Ok(Json(json!({ "text": text })))
}

pub async fn unmatched(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<UnmatchedName>>> {
    Ok(Json(
        plan_editing::unmatched_units(&state.store, &caller.actor, id).await?,
    ))
}

/// Maps a written name to `unit_id`, or, without one, creates a unit of that name (the
/// reviewer accepting the proposal) and maps to it.
#[derive(Deserialize)]
pub struct UnitMapping {
    pub written_name: String,
    pub unit_id: Option<i64>,
    /// Kind of the unit to create when `unit_id` is absent (default `department`).
    pub kind: Option<UnitKind>,
}

pub async fn map_unit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<UnitMapping>,
) -> ApiResult<Json<serde_json::Value>> {
    let choice = match input.unit_id {
        Some(unit) => UnitChoice::Existing(unit),
        None => UnitChoice::New {
            kind: input.kind.unwrap_or_default(),
        },
    };
    let mapped = plan_editing::map_unit(
        &state.store,
        &caller.actor,
        &caller.audit,
        id,
        &input.written_name,
        choice,
    )
    .await?;
    Ok(Json(
        json!({ "mapped": mapped, "unmatched_units": plan_editing::unmatched_units(&state.store, &caller.actor, id).await? }),
    ))
}

pub async fn versions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<PlanVersion>>> {
    Ok(Json(
        plan_editing::versions(&state.store, &caller.actor, id).await?,
    ))
}

pub async fn version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(i64, i64)>,
) -> ApiResult<Json<PlanSnapshot>> {
    Ok(Json(
        plan_editing::version(&state.store, &caller.actor, id, version).await?,
    ))
}

pub async fn create_section(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<SectionInput>,
) -> ApiResult<Response> {
    let section =
        plan_editing::create_section(&state.store, &caller.actor, &caller.audit, id, &input)
            .await?;
    Ok((StatusCode::CREATED, Json(section)).into_response())
}

pub async fn update_section(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, section_id)): Path<(i64, i64)>,
    Body(input): Body<SectionInput>,
) -> ApiResult<Json<Section>> {
    Ok(Json(
        plan_editing::update_section(
            &state.store,
            &caller.actor,
            &caller.audit,
            id,
            section_id,
            &input,
        )
        .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskQuery {
    pub unit: Option<i64>,
    pub light: Option<LightColor>,
    pub status: Option<String>,
    pub section: Option<i64>,
    /// Words that must appear in the heading, body, objective or measures.
    pub q: Option<String>,
    /// `number` (default), `deadline` or `light` (red first).
    pub sort: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl TaskQuery {
    pub(crate) fn filter(&self) -> ApiResult<TaskFilter> {
        Ok(TaskFilter {
            unit: self.unit,
            light: self.light,
            status: self
                .status
                .as_deref()
                .map(StatusFilter::parse)
                .transpose()?,
            section: self.section,
            words: self.q.clone(),
        })
    }

    pub(crate) fn order(&self) -> ApiResult<TaskOrder> {
        Ok(self
            .sort
            .as_deref()
            .map(TaskOrder::parse)
            .transpose()?
            .unwrap_or_default())
    }
}

pub async fn tasks(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(query): Query<TaskQuery>,
) -> ApiResult<Json<Page<TaskWithLight>>> {
    let (_, tasks) = board::plan_tasks(
        &state.store,
        &caller.actor,
        id,
        &query.filter()?,
        query.order()?,
        state.today(),
    )
    .await?;
    Ok(Json(page_of(
        tasks,
        Paging::new(query.page, query.per_page),
    )))
}

pub async fn my_tasks(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Page<TaskWithLight>>> {
    let mine = board::my_tasks(&state.store, &caller.actor, state.today())
        .await?
        .into_iter()
        .flat_map(|(_, tasks)| tasks)
        .collect();
    Ok(Json(page_of(mine, query.paging())))
}

pub async fn create_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<TaskInput>,
) -> ApiResult<Response> {
    let task =
        plan_editing::create_task(&state.store, &caller.actor, &caller.audit, id, &input).await?;
    Ok((StatusCode::CREATED, Json(task)).into_response())
}

#[derive(Deserialize)]
pub struct Merge {
    pub keep: i64,
    pub others: Vec<i64>,
}

pub async fn merge_tasks(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<Merge>,
) -> ApiResult<Json<Task>> {
    Ok(Json(
        plan_editing::merge_tasks(
            &state.store,
            &caller.actor,
            &caller.audit,
            id,
            input.keep,
            &input.others,
        )
        .await?,
    ))
}

pub async fn dashboard(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Dashboard>> {
    Ok(Json(
        board::dashboard(&state.store, &caller.actor, id, state.today()).await?,
    ))
}

pub async fn publish_period(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, period)): Path<(i64, String)>,
) -> ApiResult<Json<PublicPeriod>> {
    Ok(Json(
        board::publish_period(
            &state.store,
            &caller.actor,
            &caller.audit,
            id,
            &period,
            state.today(),
        )
        .await?,
    ))
}

pub async fn task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<TaskWithLight>> {
    let (_, task) = board::task(&state.store, &caller.actor, id, state.today()).await?;
    Ok(Json(task))
}

pub async fn update_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<TaskInput>,
) -> ApiResult<Json<Task>> {
    Ok(Json(
        plan_editing::update_task(&state.store, &caller.actor, &caller.audit, id, &input).await?,
    ))
}

pub async fn delete_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    plan_editing::delete_task(&state.store, &caller.actor, &caller.audit, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct Split {
    pub heading: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub target_ids: Vec<i64>,
}

pub async fn split_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<Split>,
) -> ApiResult<Response> {
    let task = plan_editing::split_task(
        &state.store,
        &caller.actor,
        &caller.audit,
        id,
        &input.heading,
        &input.body,
        &input.target_ids,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(task)).into_response())
}

pub async fn create_target(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<TargetInput>,
) -> ApiResult<Response> {
    let target =
        plan_editing::create_target(&state.store, &caller.actor, &caller.audit, id, &input).await?;
    Ok((StatusCode::CREATED, Json(target)).into_response())
}

pub async fn update_target(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<TargetInput>,
) -> ApiResult<Json<Target>> {
    Ok(Json(
        plan_editing::update_target(&state.store, &caller.actor, &caller.audit, id, &input).await?,
    ))
}

pub async fn delete_target(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    plan_editing::delete_target(&state.store, &caller.actor, &caller.audit, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn create_milestone(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<MilestoneInput>,
) -> ApiResult<Response> {
    let milestone =
        plan_editing::add_milestone(&state.store, &caller.actor, &caller.audit, id, &input).await?;
    Ok((StatusCode::CREATED, Json(milestone)).into_response())
}
