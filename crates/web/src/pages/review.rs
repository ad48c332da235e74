//! Uploading a plan and reviewing its draft: units, tasks, targets, settings, publish.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use luoshi_domain::light::trim_number;
use luoshi_domain::period::Cycle;
use luoshi_domain::policy::{Action, decide};
use luoshi_domain::record::PlanStatus;
use luoshi_store::{Paging, Plan};
use serde::Deserialize;

use crate::AppState;
use crate::api::Path;
use crate::auth::Caller;
use crate::error::ApiError;

use super::admin::split_list;
use super::frame::{Layout, PageError, PageResult, TokenForm, Viewer, home_crumb, render};
use super::rows::unit_names;

/// Draft plans waiting for review, for those who manage plans.
pub(super) async fn drafts_of(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<(i64, String)>, PageError> {
    if !decide(&caller.actor, Action::ManagePlans).allowed() {
        return Ok(Vec::new());
    }
    Ok(state
        .store
        .plans(
            caller.actor.organization_id,
            Some("draft"),
            None,
            false,
            Paging::all(),
        )
        .await?
        .items
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect())
}

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage {
    layout: Layout,
    error: Option<String>,
}

fn upload_crumbs() -> Vec<(String, String)> {
    vec![home_crumb(), ("".into(), "上传工作要点".into())]
}

pub(super) async fn upload_page(Viewer(caller): Viewer) -> PageResult {
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "页面")?;
    Ok(render(&UploadPage {
        layout: Layout::of(&caller, upload_crumbs()),
        error: None,
    }))
}

/// Reads the uploaded plan and opens its review.
pub(super) async fn upload_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    multipart: axum::extract::Multipart,
) -> PageResult {
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "页面")?;
    let (file, fields) = crate::uploads::read_form(multipart, state.config.max_plan_bytes).await?;
    caller.check_form_token(fields.get("csrf_token").map(String::as_str).unwrap_or(""))?;
    let read = luoshi_office::read_plan_file(
        &file.name,
        &file.bytes,
        state.config.max_plan_bytes as u64,
        chrono::Datelike::year(&state.today()),
    );
    let read = match read {
        Ok(read) => read,
        Err(error) => {
            let page = UploadPage {
                layout: Layout::of(&caller, upload_crumbs()),
                error: Some(error.to_string()),
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
        }
    };
    let stored = crate::uploads::store_file(&state.config.data_dir, &file).await?;
    let imported = luoshi_app::plan_files::import(
        &state.store,
        &caller.actor,
        &caller.audit,
        &file.name,
        Some(stored.stored_name),
        &read,
    )
    .await
    .map_err(ApiError::from)?;
    Ok(Redirect::to(&format!("/plans/{}/review", imported.plan.id)).into_response())
}

struct ReviewTarget {
    id: i64,
    indicator: String,
    value: String,
    unit: String,
}

struct ReviewTask {
    id: i64,
    number: i64,
    heading: String,
    objective: String,
    lead: String,
    co: String,
    /// The deadline as written (6月底前) and as a date, when one was read.
    deadline: String,
    deadline_date: String,
    targets: Vec<ReviewTarget>,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    layout: Layout,
    plan: Plan,
    error: Option<String>,
    warnings: Vec<String>,
    /// The source text with task and target spans marked; escaped when built.
    source: String,
    unmatched: Vec<luoshi_store::UnmatchedName>,
    units: Vec<(i64, String)>,
    tasks: Vec<ReviewTask>,
    cycles: Vec<(&'static str, &'static str)>,
    reporting_start: String,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The source text as HTML with `<mark>`s around each task and target span, so that a
/// link to `#src-t{id}` or `#src-g{id}` shows where it came from. Spans that overlap
/// without nesting, or fall off character boundaries, are left unmarked.
fn marked_source(text: &str, tasks: &[luoshi_store::Task]) -> String {
    let mut spans: Vec<(usize, usize, String)> = Vec::new();
    for task in tasks {
        spans.push((
            task.span[0] as usize,
            task.span[1] as usize,
            format!("<mark id=\"src-t{}\">", task.id),
        ));
        for target in &task.targets {
            spans.push((
                target.span[0] as usize,
                target.span[1] as usize,
                format!("<mark class=\"target\" id=\"src-g{}\">", target.id),
            ));
        }
    }
    spans.retain(|(start, end, _)| {
        start < end
            && *end <= text.len()
            && text.is_char_boundary(*start)
            && text.is_char_boundary(*end)
    });
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut html = String::new();
    let mut position = 0;
    let mut open: Vec<usize> = Vec::new();
    for (start, end, tag) in spans {
        while let Some(&close) = open.last() {
            if close <= start {
                html.push_str(&escape(&text[position..close]));
                html.push_str("</mark>");
                position = close;
                open.pop();
            } else {
                break;
            }
        }
        if start < position || open.last().is_some_and(|&close| end > close) {
            continue;
        }
        html.push_str(&escape(&text[position..start]));
        html.push_str(&tag);
        position = start;
        open.push(end);
    }
    while let Some(close) = open.pop() {
        html.push_str(&escape(&text[position..close]));
        html.push_str("</mark>");
        position = close;
    }
    html.push_str(&escape(&text[position..]));
    html
}

#[derive(Deserialize)]
pub(super) struct ReviewQuery {
    error: Option<String>,
}

/// The review screen: the source text beside the extracted structure.
pub(super) async fn review_page(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Query(query): Query<ReviewQuery>,
) -> PageResult {
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "计划")?;
    let plan = state.store.plan(caller.actor.organization_id, id).await?;
    let text = state
        .store
        .plan_source_text(caller.actor.organization_id, id)
        .await?;
    let tasks = state.store.plan_tasks(id).await?;
    let units = state
        .store
        .units(caller.actor.organization_id)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let rows = tasks
        .iter()
        .map(|t| ReviewTask {
            id: t.id,
            number: t.number,
            heading: t.heading.clone(),
            objective: t.objective.clone().unwrap_or_default(),
            lead: unit_names(&t.lead_units),
            co: unit_names(&t.co_units),
            deadline: t.deadline_text.clone().unwrap_or_default(),
            deadline_date: t.deadline.clone().unwrap_or_default(),
            targets: t
                .targets
                .iter()
                .map(|g| ReviewTarget {
                    id: g.id,
                    indicator: g.indicator.clone(),
                    value: g
                        .annual_value
                        .map(trim_number)
                        .unwrap_or_else(|| g.value_text.clone()),
                    unit: g.unit.clone(),
                })
                .collect(),
        })
        .collect();
    Ok(render(&ReviewPage {
        layout: Layout::of(
            &caller,
            vec![home_crumb(), ("".into(), format!("审核：{}", plan.title))],
        ),
        warnings: plan.warnings.clone(),
        source: marked_source(&text, &tasks),
        unmatched: state.store.unmatched_unit_names(id).await?,
        units,
        tasks: rows,
        error: query.error,
        cycles: vec![
            ("monthly", "每月"),
            ("quarterly", "每季度"),
            ("semi_monthly", "每半月"),
        ],
        reporting_start: plan.reporting_start.clone().unwrap_or_default(),
        plan,
    }))
}

fn back_to_review(plan: i64, error: Option<String>) -> Response {
    let target = match error {
        Some(message) => format!(
            "/plans/{plan}/review?error={}",
            crate::uploads::percent_encode(&message)
        ),
        None => format!("/plans/{plan}/review"),
    };
    Redirect::to(&target).into_response()
}

#[derive(Deserialize)]
pub(super) struct UnitForm {
    csrf_token: String,
    written_name: String,
    unit_id: String,
}

pub(super) async fn review_unit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<UnitForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "计划")?;
    let organization = caller.actor.organization_id;
    let unit = match form.unit_id.parse::<i64>() {
        Ok(unit) => unit,
        Err(_) => {
            ApiError::check(decide(&caller.actor, Action::Administer), "单位")?;
            let unit = luoshi_store::NewUnit {
                name: form.written_name.clone(),
                kind: "department".into(),
                parent_id: None,
                abbreviations: vec![],
            };
            match state
                .store
                .create_unit(&caller.audit, organization, &unit)
                .await
            {
                Ok(unit) => unit.id,
                Err(error) => return Ok(back_to_review(id, Some(ApiError::from(error).message))),
            }
        }
    };
    let result = state
        .store
        .map_unit_name(&caller.audit, organization, id, &form.written_name, unit)
        .await;
    Ok(back_to_review(
        id,
        result.err().map(|e| ApiError::from(e).message),
    ))
}

#[derive(Deserialize)]
pub(super) struct TargetForm {
    csrf_token: String,
    annual_value: String,
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    unit: String,
}

#[derive(Deserialize)]
pub(super) struct TaskEditForm {
    csrf_token: String,
    /// `save`, `delete` or `merge_previous` (并入上一项).
    op: String,
    #[serde(default)]
    heading: String,
    #[serde(default)]
    objective: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    deadline_text: String,
    /// Unit names separated by 、 or commas, as a clerk types them.
    #[serde(default)]
    lead: String,
    #[serde(default)]
    co: String,
}

/// Unit names typed by the reviewer, matched like the names in an imported plan.
fn resolve_units(
    text: &str,
    field: &str,
    units: &[luoshi_domain::units::KnownUnit],
) -> Result<Vec<i64>, String> {
    split_list(text)
        .iter()
        .map(|name| {
            luoshi_domain::units::match_name(name, units)
                .unit()
                .ok_or_else(|| {
                    format!("{field}“{name}”不是已登记的单位：请先对应或在管理页面添加该单位")
                })
        })
        .collect()
}

/// Edits one task of the plan under review: save its fields, delete it, or merge it into
/// the task before it.
pub(super) async fn review_task(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path((id, task)): Path<(i64, i64)>,
    Form(form): Form<TaskEditForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "计划")?;
    let plan = state.store.plan(caller.actor.organization_id, id).await?;
    let store = &state.store;
    let message = |e: luoshi_store::StoreError| ApiError::from(e).message;
    let result: Result<(), String> = match form.op.as_str() {
        "save" => {
            let known = store.known_units(caller.actor.organization_id).await?;
            match (
                resolve_units(&form.lead, "牵头单位", &known),
                resolve_units(&form.co, "配合单位", &known),
            ) {
                (Ok(lead), Ok(co)) => {
                    let input = luoshi_store::TaskInput {
                        heading: Some(form.heading.trim().to_string()),
                        objective: Some(form.objective.trim().to_string()),
                        deadline: Some(form.deadline.trim().to_string()),
                        deadline_text: Some(form.deadline_text.trim().to_string()),
                        lead_units: Some(lead),
                        co_units: Some(co),
                        ..Default::default()
                    };
                    store
                        .update_task(&caller.audit, &plan, task, &input)
                        .await
                        .map(drop)
                        .map_err(message)
                }
                (Err(e), _) | (_, Err(e)) => Err(e),
            }
        }
        "delete" => store
            .delete_task(&caller.audit, &plan, task)
            .await
            .map_err(message),
        "merge_previous" => {
            let tasks = store.plan_tasks(plan.id).await?;
            match tasks.iter().position(|t| t.id == task) {
                Some(at) if at > 0 => store
                    .merge_tasks(&caller.audit, &plan, tasks[at - 1].id, &[task])
                    .await
                    .map(drop)
                    .map_err(message),
                Some(_) => Err("第一项任务没有上一项可以并入".into()),
                None => return Err(ApiError::not_found("任务").into()),
            }
        }
        other => Err(format!("不支持的操作“{other}”")),
    };
    Ok(back_to_review(id, result.err()))
}

pub(super) async fn review_target(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path((id, target)): Path<(i64, i64)>,
    Form(form): Form<TargetForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "计划")?;
    let plan = state.store.plan(caller.actor.organization_id, id).await?;
    let Ok(value) = form.annual_value.trim().parse::<f64>() else {
        return Ok(back_to_review(
            id,
            Some(format!("目标值“{}”不是数字", form.annual_value)),
        ));
    };
    let text = |t: &str| Some(t.trim().to_string()).filter(|t| !t.is_empty());
    let input = luoshi_store::TargetInput {
        annual_value: Some(value),
        indicator: text(&form.indicator),
        unit: text(&form.unit),
        ..Default::default()
    };
    let result = state
        .store
        .update_target(&caller.audit, &plan, target, &input)
        .await;
    Ok(back_to_review(
        id,
        result.err().map(|e| ApiError::from(e).message),
    ))
}

pub(super) async fn review_publish(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<TokenForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "计划")?;
    match state
        .store
        .publish_plan(
            &caller.audit,
            caller.actor.organization_id,
            id,
            state.today(),
        )
        .await
    {
        Ok(plan) => Ok(Redirect::to(&format!("/?plan={}", plan.id)).into_response()),
        Err(error) => Ok(back_to_review(id, Some(ApiError::from(error).message))),
    }
}

#[derive(Deserialize)]
pub(super) struct SettingsForm {
    csrf_token: String,
    cycle: String,
    due_day: String,
    reporting_start: String,
}

/// The plan's reporting cycle, due day and reporting start.
pub(super) async fn review_settings(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<SettingsForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "计划")?;
    let cycle = match Cycle::parse(&form.cycle) {
        Ok(cycle) => cycle,
        Err(error) => return Ok(back_to_review(id, Some(error.to_string()))),
    };
    let Ok(due_day) = form.due_day.trim().parse::<i64>() else {
        return Ok(back_to_review(
            id,
            Some(format!("报送日“{}”不是数字", form.due_day)),
        ));
    };
    let patch = luoshi_store::PlanPatch {
        cycle: Some(cycle),
        due_day: Some(due_day),
        reporting_start: Some(form.reporting_start).filter(|d| !d.is_empty()),
        ..Default::default()
    };
    let result = state
        .store
        .update_plan(&caller.audit, caller.actor.organization_id, id, &patch)
        .await;
    Ok(back_to_review(
        id,
        result.err().map(|e| ApiError::from(e).message),
    ))
}
