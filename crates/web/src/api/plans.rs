//! Plans, sections, tasks, targets, milestones, the board and progress publication.

use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use luoshi_domain::light::LightColor;
use luoshi_domain::policy::{Action, TaskAction, TaskScope, decide};
use luoshi_store::{
    Dashboard, MilestoneInput, NewUnit, Page, Paging, Plan, PlanPatch, PlanSnapshot, PlanVersion,
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

/// A plan the caller may see: drafts only for those who manage plans.
pub(crate) async fn visible_plan(state: &AppState, caller: &Caller, id: i64) -> ApiResult<Plan> {
    Ok(luoshi_app::plans::visible(&state.store, &caller.actor, id).await?)
}

/// A plan the caller may edit.
async fn managed_plan(state: &AppState, caller: &Caller, id: i64) -> ApiResult<Plan> {
    Ok(luoshi_app::plans::managed(&state.store, &caller.actor, id).await?)
}

/// The scope of a task the caller may at least know exists.
pub(crate) async fn task_scope(
    state: &AppState,
    caller: &Caller,
    task_id: i64,
) -> ApiResult<TaskScopeFacts> {
    Ok(luoshi_app::tasks::known(&state.store, &caller.actor, task_id).await?)
}

/// Loads a task's scope and checks `action` on it for the caller.
pub(crate) async fn authorize_task(
    state: &AppState,
    caller: &Caller,
    task_id: i64,
    action: TaskAction,
) -> ApiResult<TaskScopeFacts> {
    Ok(luoshi_app::tasks::authorize(&state.store, &caller.actor, task_id, action).await?)
}

pub(crate) use luoshi_app::tasks::scope_of;

#[derive(Deserialize)]
pub struct PlanQuery {
    pub status: Option<String>,
    pub year: Option<i32>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<PlanQuery>,
) -> ApiResult<Json<Page<Plan>>> {
    let only_published = !decide(&caller.actor, Action::ManagePlans).allowed();
    Ok(Json(
        state
            .store
            .plans(
                caller.actor.organization_id,
                query.status.as_deref(),
                query.year,
                only_published,
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
    let read = luoshi_office::read_plan_file(
        &file.name,
        &file.bytes,
        state.config.max_plan_bytes as u64,
        state.today().year(),
    )
    .map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unreadable_document",
            e.to_string(),
        )
    })?;
    let stored = uploads::store_file(&state.config.data_dir, &file).await?;
    let luoshi_app::plan_files::Imported { plan, updated } = luoshi_app::plan_files::import(
        &state.store,
        &caller.actor,
        &caller.audit,
        &file.name,
        Some(stored.stored_name),
        &read,
    )
    .await?;
    let unmatched = state.store.unmatched_unit_names(plan.id).await?;
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
    let kind = luoshi_office::ExportKind::parse(&kind).ok_or_else(|| {
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
    let disposition = format!(
        "attachment; filename*=UTF-8''{}",
        uploads::percent_encode(&file.file_name)
    );
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

/// Tasks of a plan as the caller may see them, with lights.
pub(crate) async fn visible_tasks(
    state: &AppState,
    caller: &Caller,
    plan: &Plan,
) -> ApiResult<Vec<TaskWithLight>> {
    let organization = state
        .store
        .organization(caller.actor.organization_id)
        .await?;
    let tasks = state
        .store
        .tasks_with_lights(plan, &organization.light_rules, state.today())
        .await?;
    Ok(tasks
        .into_iter()
        .filter(|t| {
            let lead = t.task.lead_unit_ids();
            let co = t.task.co_unit_ids();
            decide(
                &caller.actor,
                Action::ReadTask(TaskScope {
                    lead: &lead,
                    co: &co,
                }),
            )
            .allowed()
        })
        .collect())
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<serde_json::Value>> {
    let plan = visible_plan(&state, &caller, id).await?;
    let sections = state.store.sections(plan.id).await?;
    let tasks = visible_tasks(&state, &caller, &plan).await?;
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
    managed_plan(&state, &caller, id).await?;
    Ok(Json(
        state
            .store
            .update_plan(&caller.audit, caller.actor.organization_id, id, &patch)
            .await?,
    ))
}

pub async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Plan>> {
    managed_plan(&state, &caller, id).await?;
    Ok(Json(
        state
            .store
            .publish_plan(
                &caller.audit,
                caller.actor.organization_id,
                id,
                state.today(),
            )
            .await?,
    ))
}

pub async fn source(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<serde_json::Value>> {
    managed_plan(&state, &caller, id).await?;
    let text = state
        .store
        .plan_source_text(caller.actor.organization_id, id)
        .await?;
    Ok(Json(json!({ "text": text })))
}

pub async fn unmatched(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<UnmatchedName>>> {
    managed_plan(&state, &caller, id).await?;
    Ok(Json(state.store.unmatched_unit_names(id).await?))
}

/// Maps a written name to `unit_id`, or, without one, creates a unit of that name (the
/// reviewer accepting the proposal) and maps to it.
#[derive(Deserialize)]
pub struct UnitMapping {
    pub written_name: String,
    pub unit_id: Option<i64>,
    /// Kind of the unit to create when `unit_id` is absent (default `department`).
    pub kind: Option<String>,
}

pub async fn map_unit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<UnitMapping>,
) -> ApiResult<Json<serde_json::Value>> {
    managed_plan(&state, &caller, id).await?;
    let unit_id = match input.unit_id {
        Some(unit) => unit,
        None => {
            ApiError::check(decide(&caller.actor, Action::Administer), "单位")?;
            let unit = NewUnit {
                name: input.written_name.clone(),
                kind: input.kind.clone().unwrap_or_else(|| "department".into()),
                parent_id: None,
                abbreviations: vec![],
            };
            state
                .store
                .create_unit(&caller.audit, caller.actor.organization_id, &unit)
                .await?
                .id
        }
    };
    let mapped = state
        .store
        .map_unit_name(
            &caller.audit,
            caller.actor.organization_id,
            id,
            &input.written_name,
            unit_id,
        )
        .await?;
    Ok(Json(
        json!({ "mapped": mapped, "unmatched_units": state.store.unmatched_unit_names(id).await? }),
    ))
}

pub async fn versions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<PlanVersion>>> {
    ApiError::check(decide(&caller.actor, Action::ReadOrganization), "计划")?;
    let plan = state.store.plan(caller.actor.organization_id, id).await?;
    Ok(Json(state.store.plan_versions(plan.id).await?))
}

pub async fn version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(i64, i64)>,
) -> ApiResult<Json<PlanSnapshot>> {
    ApiError::check(decide(&caller.actor, Action::ReadOrganization), "计划")?;
    let plan = state.store.plan(caller.actor.organization_id, id).await?;
    Ok(Json(state.store.plan_version(plan.id, version).await?))
}

pub async fn create_section(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<SectionInput>,
) -> ApiResult<Response> {
    let plan = managed_plan(&state, &caller, id).await?;
    let section = state
        .store
        .create_section(&caller.audit, &plan, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(section)).into_response())
}

pub async fn update_section(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, section_id)): Path<(i64, i64)>,
    Body(input): Body<SectionInput>,
) -> ApiResult<Json<Section>> {
    let plan = managed_plan(&state, &caller, id).await?;
    Ok(Json(
        state
            .store
            .update_section(&caller.audit, &plan, section_id, &input)
            .await?,
    ))
}

#[derive(Deserialize)]
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

pub(crate) fn matches(task: &TaskWithLight, query: &TaskQuery) -> bool {
    let t = &task.task;
    query
        .unit
        .is_none_or(|u| t.lead_unit_ids().contains(&u) || t.co_unit_ids().contains(&u))
        && query.light.is_none_or(|l| task.light.color == l)
        && query
            .status
            .as_deref()
            .is_none_or(|s| task.status.map_or("not_reported", |t| t.as_str()) == s)
        && query.section.is_none_or(|s| t.section_id == Some(s))
        && query.q.as_deref().is_none_or(|q| {
            let text = format!(
                "{} {} {} {}",
                t.heading,
                t.body,
                t.objective.as_deref().unwrap_or(""),
                t.measures.as_deref().unwrap_or("")
            );
            q.split_whitespace().all(|word| text.contains(word))
        })
}

pub(crate) fn sort_tasks(tasks: &mut [TaskWithLight], sort: Option<&str>) -> ApiResult<()> {
    match sort.unwrap_or("number") {
        "number" => tasks.sort_by_key(|t| t.task.position),
        "deadline" => tasks.sort_by(|a, b| {
            let key = |t: &TaskWithLight| t.task.deadline.clone().unwrap_or_else(|| "9999".into());
            key(a)
                .cmp(&key(b))
                .then(a.task.position.cmp(&b.task.position))
        }),
        "light" => {
            let rank = |c: LightColor| match c {
                LightColor::Red => 0,
                LightColor::Yellow => 1,
                LightColor::Green => 2,
                LightColor::Done => 3,
            };
            tasks.sort_by_key(|t| (rank(t.light.color), t.task.position));
        }
        other => {
            return Err(ApiError::bad_request(
                "sort",
                format!("不支持按“{other}”排序，可选 number、deadline、light"),
            ));
        }
    }
    Ok(())
}

pub async fn tasks(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(query): Query<TaskQuery>,
) -> ApiResult<Json<Page<TaskWithLight>>> {
    let plan = visible_plan(&state, &caller, id).await?;
    let mut tasks: Vec<TaskWithLight> = visible_tasks(&state, &caller, &plan)
        .await?
        .into_iter()
        .filter(|t| matches(t, &query))
        .collect();
    sort_tasks(&mut tasks, query.sort.as_deref())?;
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
    let ids = state
        .store
        .task_ids_for_units(caller.actor.organization_id, &caller.actor.units)
        .await?;
    let mut plan_ids: Vec<i64> = Vec::new();
    for id in &ids {
        let scope = state.store.task_scope(*id).await?;
        if !plan_ids.contains(&scope.plan_id) {
            plan_ids.push(scope.plan_id);
        }
    }
    let mut mine = Vec::new();
    for plan_id in plan_ids {
        let plan = state
            .store
            .plan(caller.actor.organization_id, plan_id)
            .await?;
        mine.extend(
            visible_tasks(&state, &caller, &plan)
                .await?
                .into_iter()
                .filter(|t| ids.contains(&t.task.id)),
        );
    }
    Ok(Json(page_of(mine, query.paging())))
}

pub async fn create_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<TaskInput>,
) -> ApiResult<Response> {
    let plan = managed_plan(&state, &caller, id).await?;
    let task = state
        .store
        .create_task(&caller.audit, &plan, &input)
        .await?;
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
    let plan = managed_plan(&state, &caller, id).await?;
    if input.others.is_empty() {
        return Err(ApiError::bad_request("others", "请选择要合并进来的任务"));
    }
    Ok(Json(
        state
            .store
            .merge_tasks(&caller.audit, &plan, input.keep, &input.others)
            .await?,
    ))
}

pub async fn dashboard(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Dashboard>> {
    ApiError::check(decide(&caller.actor, Action::ReadOrganization), "计划")?;
    let plan = state.store.plan(caller.actor.organization_id, id).await?;
    let organization = state
        .store
        .organization(caller.actor.organization_id)
        .await?;
    Ok(Json(
        state
            .store
            .dashboard(&plan, &organization.light_rules, state.today())
            .await?,
    ))
}

pub async fn publish_period(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, period)): Path<(i64, String)>,
) -> ApiResult<Json<PublicPeriod>> {
    let plan = managed_plan(&state, &caller, id).await?;
    let organization = state
        .store
        .organization(caller.actor.organization_id)
        .await?;
    Ok(Json(
        state
            .store
            .publish_period(
                &caller.audit,
                &plan,
                &period,
                &organization.light_rules,
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
    let scope = authorize_task(&state, &caller, id, TaskAction::Read).await?;
    let plan = state
        .store
        .plan(caller.actor.organization_id, scope.plan_id)
        .await?;
    visible_tasks(&state, &caller, &plan)
        .await?
        .into_iter()
        .find(|t| t.task.id == id)
        .map(Json)
        .ok_or_else(|| ApiError::not_found("任务"))
}

/// The plan of a task the caller may edit.
async fn managed_task_plan(state: &AppState, caller: &Caller, task_id: i64) -> ApiResult<Plan> {
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "任务")?;
    let scope = task_scope(state, caller, task_id).await?;
    Ok(state
        .store
        .plan(caller.actor.organization_id, scope.plan_id)
        .await?)
}

pub async fn update_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<TaskInput>,
) -> ApiResult<Json<Task>> {
    let plan = managed_task_plan(&state, &caller, id).await?;
    Ok(Json(
        state
            .store
            .update_task(&caller.audit, &plan, id, &input)
            .await?,
    ))
}

pub async fn delete_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let plan = managed_task_plan(&state, &caller, id).await?;
    state.store.delete_task(&caller.audit, &plan, id).await?;
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
    let plan = managed_task_plan(&state, &caller, id).await?;
    let task = state
        .store
        .split_task(
            &caller.audit,
            &plan,
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
    let plan = managed_task_plan(&state, &caller, id).await?;
    let target = state
        .store
        .create_target(&caller.audit, &plan, id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(target)).into_response())
}

async fn target_plan(state: &AppState, caller: &Caller, target_id: i64) -> ApiResult<Plan> {
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "目标")?;
    let task_id = state.store.target_task(target_id).await?;
    managed_task_plan(state, caller, task_id).await
}

pub async fn update_target(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<TargetInput>,
) -> ApiResult<Json<Target>> {
    let plan = target_plan(&state, &caller, id).await?;
    Ok(Json(
        state
            .store
            .update_target(&caller.audit, &plan, id, &input)
            .await?,
    ))
}

pub async fn delete_target(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let plan = target_plan(&state, &caller, id).await?;
    state.store.delete_target(&caller.audit, &plan, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn create_milestone(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<MilestoneInput>,
) -> ApiResult<Response> {
    let plan = managed_task_plan(&state, &caller, id).await?;
    let milestone = state
        .store
        .add_milestone(&caller.audit, &plan, id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(milestone)).into_response())
}
