//! A plan's tasks with lights, and publishing a period to the public page.

use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use luoshi_app::board::{self, TaskFilter, TaskOrder};
use luoshi_store::TaskWithLight;
use serde::Deserialize;

use crate::AppState;
use crate::api::Path;

use super::board::TasksPage;
use super::frame::{Layout, PageResult, Viewer, home_crumb, render};
use super::rows::task_row;

#[derive(Deserialize)]
pub(super) struct PlanQuery {
    light: Option<String>,
    q: Option<String>,
    unit: Option<String>,
    section: Option<String>,
    sort: Option<String>,
}

/// The plan's task list: filters by light, unit, section and words, sorted as chosen; the
/// same rules as the API's task list.
pub(super) async fn plan_page(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Query(query): Query<PlanQuery>,
) -> PageResult {
    let text = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    let filter = TaskFilter {
        unit: text(&query.unit).and_then(|u| u.parse().ok()),
        light: text(&query.light)
            .and_then(|l| serde_json::from_value(serde_json::Value::String(l)).ok()),
        status: None,
        section: text(&query.section).and_then(|s| s.parse().ok()),
        words: text(&query.q),
    };
    let order = text(&query.sort)
        .map(|s| TaskOrder::parse(&s))
        .transpose()?
        .unwrap_or_default();
    let (plan, sections, mut all) =
        board::plan_view(&state.store, &caller.actor, id, state.today()).await?;
    order.sort(&mut all);
    let mut units: Vec<(i64, String, bool)> = Vec::new();
    for item in &all {
        for a in item.task.lead_units.iter().chain(&item.task.co_units) {
            if let Some(unit) = a.unit_id.filter(|u| !units.iter().any(|(id, ..)| id == u)) {
                let name = a
                    .unit_name
                    .clone()
                    .unwrap_or_else(|| a.written_name.clone());
                units.push((unit, name, filter.unit == Some(unit)));
            }
        }
    }
    let sections = sections
        .into_iter()
        .map(|s| (s.id, s.title, filter.section == Some(s.id)))
        .collect();
    let tasks: Vec<TaskWithLight> = all.into_iter().filter(|t| filter.keeps(t)).collect();
    Ok(render(&TasksPage {
        layout: Layout::of(&caller, vec![home_crumb(), ("".into(), plan.title.clone())]),
        heading: plan.title.clone(),
        plan_id: Some(plan.id),
        light_options: vec![
            ("red", "红灯"),
            ("yellow", "黄灯"),
            ("green", "绿灯"),
            ("done", "已完成"),
        ],
        filter_light: query.light.unwrap_or_default(),
        filter_q: filter.words.clone().unwrap_or_default(),
        unit_options: units,
        section_options: sections,
        sort_options: TaskOrder::ALL
            .into_iter()
            .map(|o| (o.as_str(), o.zh(), o == order))
            .collect(),
        tasks: tasks.iter().map(task_row).collect(),
        empty_message: "没有符合条件的任务。".into(),
        drafts: vec![],
        can_upload: false,
    }))
}

#[derive(Deserialize)]
pub(super) struct PublishForm {
    csrf_token: String,
    period: String,
}

/// Publishes a period's progress to the public page, from the board.
pub(super) async fn publish_period_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<PublishForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let public = board::publish_period(
        &state.store,
        &caller.actor,
        &caller.audit,
        id,
        &form.period,
        state.today(),
    )
    .await?;
    Ok(Redirect::to(&format!("/public/plans/{id}/periods/{}", public.period)).into_response())
}
