//! The report form and the review and approval of reports.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use luoshi_app::reports;
use luoshi_domain::light::trim_number;
use luoshi_domain::period::Period;
use luoshi_domain::policy::TaskAction;
use luoshi_domain::report::{ProgressStatus, ReportAction, ReportState};
use luoshi_store::{ActualInput, Plan, ReportInput};
use serde::Deserialize;

use crate::AppState;
use crate::api::Path;
use crate::api::plans::authorize_task;
use crate::auth::Caller;
use crate::error::ApiError;

use super::frame::{Layout, PageError, PageResult, Viewer, home_crumb, render};
use super::queue::{Done, queue_outcome};
use super::task::task_with_light;

struct FormTarget {
    id: i64,
    indicator: String,
    unit: String,
    annual: String,
    actual: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    task_id: i64,
    heading: String,
    periods: Vec<(String, String)>,
    period: String,
    statuses: Vec<(&'static str, &'static str)>,
    status: String,
    narrative: String,
    targets: Vec<FormTarget>,
    attachments: Vec<String>,
    return_reason: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct PeriodQuery {
    period: Option<String>,
}

/// The periods a report can be written for, and the one to preselect.
pub(super) fn report_periods(
    plan: &Plan,
    today: chrono::NaiveDate,
) -> (Vec<(String, String)>, String) {
    let cycle = plan.cycle;
    let mut periods: Vec<Period> = luoshi_store::owed_periods(plan, cycle, today);
    if periods.is_empty() {
        periods = Period::of_year(cycle, plan.year);
    }
    let current = Period::containing(cycle, today);
    let preselect = periods
        .iter()
        .find(|p| p.key() == current.key())
        .or(periods.last())
        .map(|p| p.key())
        .unwrap_or_default();
    (
        periods
            .iter()
            .rev()
            .map(|p| (p.key(), p.label_zh()))
            .collect(),
        preselect,
    )
}

async fn report_form(
    state: &AppState,
    caller: &Caller,
    id: i64,
    period: Option<String>,
    error: Option<String>,
) -> Result<ReportPage, PageError> {
    authorize_task(state, caller, id, TaskAction::WriteReport).await?;
    let (plan, item) = task_with_light(state, caller, id).await?;
    let (periods, preselect) = report_periods(&plan, state.today());
    let period = period.unwrap_or(preselect);
    let existing = reports::for_period(&state.store, &caller.actor, id, &period).await?;
    let actual_of = |target: i64| {
        existing
            .as_ref()
            .and_then(|r| r.actuals.iter().find(|a| a.target_id == target))
            .map(|a| trim_number(a.value))
            .unwrap_or_default()
    };
    let targets = item
        .task
        .targets
        .iter()
        .map(|t| FormTarget {
            id: t.id,
            indicator: t.indicator.clone(),
            unit: t.unit.clone(),
            annual: t.value_text.clone(),
            actual: actual_of(t.id),
        })
        .collect();
    Ok(ReportPage {
        layout: Layout::of(
            caller,
            vec![
                home_crumb(),
                (format!("/tasks/{id}"), item.task.heading.clone()),
                ("".into(), "填报进展".into()),
            ],
        ),
        task_id: id,
        heading: item.task.heading.clone(),
        periods,
        period,
        statuses: ProgressStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.zh()))
            .collect(),
        status: existing
            .as_ref()
            .map_or(ProgressStatus::InProgress, |r| r.status)
            .as_str()
            .to_string(),
        narrative: existing
            .as_ref()
            .map(|r| r.narrative.clone())
            .unwrap_or_default(),
        targets,
        attachments: existing
            .as_ref()
            .map(|r| r.attachments.iter().map(|a| a.file_name.clone()).collect())
            .unwrap_or_default(),
        return_reason: existing
            .as_ref()
            .filter(|r| r.state == ReportState::Returned)
            .and_then(|r| r.return_reason.clone()),
        error,
    })
}

pub(super) async fn report_page(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Query(query): Query<PeriodQuery>,
) -> PageResult {
    Ok(render(
        &report_form(&state, &caller, id, query.period, None).await?,
    ))
}

/// Saves or submits the report of the chosen period — a new one, or the draft or returned
/// one already there — with an evidence file when one was chosen.
pub(super) async fn report_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    multipart: axum::extract::Multipart,
) -> PageResult {
    let (file, form) =
        crate::uploads::read_form_optional(multipart, state.config.max_attachment_bytes).await?;
    caller.check_form_token(form.get("csrf_token").map(String::as_str).unwrap_or(""))?;
    authorize_task(&state, &caller, id, TaskAction::WriteReport).await?;
    let period = form.get("period").cloned().unwrap_or_default();
    let submit = form.get("action").map(String::as_str) == Some("submit");
    let status = ProgressStatus::parse(form.get("status").map(String::as_str).unwrap_or(""))
        .map_err(ApiError::from)?;
    let mut actuals = Vec::new();
    for (key, value) in &form {
        let Some(target) = key
            .strip_prefix("actual_")
            .and_then(|t| t.parse::<i64>().ok())
        else {
            continue;
        };
        if value.trim().is_empty() {
            continue;
        }
        match value.trim().parse::<f64>() {
            Ok(number) => actuals.push(ActualInput {
                target_id: target,
                value: number,
                note: String::new(),
            }),
            Err(_) => {
                let message = format!("实际值“{value}”不是数字");
                let page = report_form(&state, &caller, id, Some(period), Some(message)).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
            }
        }
    }
    if let Some(Err(error)) = file.as_ref().map(crate::uploads::evidence_type) {
        let page = report_form(&state, &caller, id, Some(period), Some(error.message)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
    }
    let input = ReportInput {
        status: Some(status),
        narrative: form.get("narrative").cloned(),
        actuals: Some(actuals),
    };
    let (store, actor, audit) = (&state.store, &caller.actor, &caller.audit);
    let outcome: Result<(), ApiError> = async {
        let report = reports::save_for_period(store, actor, audit, id, &period, &input).await?;
        if let Some(file) = &file {
            let evidence = crate::uploads::store_evidence(&state.config.data_dir, file).await?;
            reports::attach(store, actor, audit, report.id, &evidence).await?;
        }
        if submit {
            reports::transition(store, actor, audit, report.id, ReportAction::Submit, None).await?;
        }
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/tasks/{id}")).into_response()),
        Err(error) => {
            let page = report_form(&state, &caller, id, Some(period), Some(error.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
    }
}

#[derive(Deserialize)]
pub(super) struct ReviewForm {
    csrf_token: String,
    decision: String,
    #[serde(default)]
    reason: String,
    /// `home` when the decision was taken in the home page's queue.
    #[serde(default)]
    back: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct ApproveForm {
    csrf_token: String,
    #[serde(default)]
    back: Option<String>,
}

/// Takes a report's next step; from the home queue, goes back there saying what was done
/// (or, refused, shows the queue with the reason), else to the task page.
async fn decide_report(
    state: &AppState,
    caller: &Caller,
    id: i64,
    action: ReportAction,
    reason: Option<&str>,
    back: Option<&str>,
) -> PageResult {
    let outcome = reports::transition(
        &state.store,
        &caller.actor,
        &caller.audit,
        id,
        action,
        reason,
    )
    .await;
    if back == Some("home") {
        return queue_outcome(state, caller, outcome.map(|_| Done::of(action))).await;
    }
    Ok(Redirect::to(&format!("/tasks/{}", outcome?.task_id)).into_response())
}

/// The supervisor's accept or return, from the task page.
pub(super) async fn review_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ReviewForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let (action, reason) = match form.decision.as_str() {
        "accept" => (ReportAction::Accept, None),
        "return" => (ReportAction::Return, Some(form.reason.as_str())),
        _ => return Err(ApiError::bad_request("decision", "应为采纳或退回").into()),
    };
    decide_report(&state, &caller, id, action, reason, form.back.as_deref()).await
}

/// The unit head's approval, from the task page.
pub(super) async fn approve_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ApproveForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let back = form.back.as_deref();
    decide_report(&state, &caller, id, ReportAction::Approve, None, back).await
}
