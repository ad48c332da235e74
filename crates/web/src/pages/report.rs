//! The report form and the review and approval of reports.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::Datelike;
use luoshi_app::reports;
use luoshi_domain::light::trim_number;
use luoshi_domain::period::{Cycle, Period};
use luoshi_domain::policy::TaskAction;
use luoshi_domain::report::{ProgressStatus, ReportAction, ReportState};
use luoshi_store::{ActualInput, Paging, Plan, Report, ReportInput};
use serde::Deserialize;

use crate::AppState;
use crate::api::Path;
use crate::api::plans::authorize_task;
use crate::auth::Caller;
use crate::error::ApiError;

use super::frame::{Layout, PageError, PageResult, Viewer, home_crumb, render};
use super::queue::{Done, after_action};
use super::rows::user_names;
use super::task::{ContributionRow, contribution_rows, task_with_light};

/// A target's line in the form: what to fill and what helps to fill it right.
pub(super) struct FormTarget {
    pub(super) id: i64,
    pub(super) indicator: String,
    pub(super) unit: String,
    pub(super) annual: String,
    /// The input's name in the form.
    pub(super) name: String,
    /// As typed (after a refusal) or as saved.
    pub(super) actual: String,
    /// The figure last reported for an earlier period: “2026年5月：5所”.
    pub(super) previous: Option<String>,
    /// Where the figure should be by the period's end (序时进度).
    pub(super) expected: Option<String>,
    /// Whether to write the year's running total or the level reached.
    pub(super) hint: &'static str,
    pub(super) error: Option<String>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    task_id: i64,
    heading: String,
    periods: Vec<(String, String)>,
    period: String,
    period_due: String,
    statuses: Vec<(&'static str, &'static str)>,
    status: String,
    narrative: String,
    narrative_error: Option<String>,
    /// What the co-units wrote for this period, to take into the narrative.
    contributions: Vec<ContributionRow>,
    targets: Vec<FormTarget>,
    attachments: Vec<String>,
    return_reason: Option<String>,
    /// A refusal that concerns no single field shown (the period, the file, a conflict).
    error: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct PeriodQuery {
    period: Option<String>,
}

/// What the person sent, shown again when the form is refused so that nothing typed is lost.
struct Sent {
    period: String,
    status: String,
    narrative: String,
    actuals: HashMap<i64, String>,
}

impl Sent {
    fn of(form: &HashMap<String, String>) -> Sent {
        let field = |name: &str| form.get(name).cloned().unwrap_or_default();
        Sent {
            period: field("period"),
            status: field("status"),
            narrative: field("narrative"),
            actuals: form
                .iter()
                .filter_map(|(key, value)| {
                    let target = key.strip_prefix("actual_")?.parse().ok()?;
                    Some((target, value.clone()))
                })
                .collect(),
        }
    }
}

/// Why the form was refused, beside the field it concerns when there is one.
struct Refusal {
    field: Option<String>,
    message: String,
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Refusal {
            field: error.field().map(str::to_string),
            message: error.for_people().to_string(),
        }
    }
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

impl FormTarget {
    /// A target's line for `period` with its hints: the previous figure from `earlier`, the
    /// 序时进度 at the period's end, and whether to write a running total. The figure itself
    /// and its error are the caller's.
    pub(super) fn of(
        target: &luoshi_store::Target,
        cycle: Cycle,
        period: Period,
        earlier: Option<&Report>,
    ) -> FormTarget {
        let previous = earlier.and_then(|r| {
            let actual = r.actuals.iter().find(|a| a.target_id == target.id)?;
            let label = Period::parse(cycle, &r.period).ok()?.label_zh();
            Some(format!(
                "{label}：{}{}",
                trim_number(actual.value),
                target.unit
            ))
        });
        let expected = target.progress_path().map(|path| {
            let value = path.expected_at_month_end(period.end().month());
            format!(
                "{}{}",
                trim_number((value * 100.0).round() / 100.0),
                target.unit
            )
        });
        FormTarget {
            id: target.id,
            indicator: target.indicator.clone(),
            unit: target.unit.clone(),
            annual: target.value_text.clone(),
            name: format!("actual_{}", target.id),
            actual: String::new(),
            previous,
            expected,
            hint: if target.is_running_total() {
                "填写年初至本期末的累计数"
            } else {
                "填写本期末达到的水平"
            },
            error: None,
        }
    }
}

/// The figure a report holds for a target, as the form shows it.
pub(super) fn saved_actual(report: Option<&Report>, target_id: i64) -> Option<String> {
    report?
        .actuals
        .iter()
        .find(|a| a.target_id == target_id)
        .map(|a| trim_number(a.value))
}

/// A typed figure read as a number: blank is none, anything else must be a plain number.
pub(super) fn typed_actual(value: &str) -> Result<Option<f64>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    match value.parse::<f64>() {
        Ok(number) if number.is_finite() => Ok(Some(number)),
        _ => Err(format!(
            "“{value}”不是数字，请只填写数值（如 84 或 92.5），说明写在进展情况里"
        )),
    }
}

async fn report_form(
    state: &AppState,
    caller: &Caller,
    id: i64,
    period: Option<String>,
    sent: Option<Sent>,
    refusal: Option<Refusal>,
) -> Result<ReportPage, PageError> {
    authorize_task(state, caller, id, TaskAction::WriteReport).await?;
    let (plan, item) = task_with_light(state, caller, id).await?;
    let (periods, preselect) = report_periods(&plan, state.today());
    let period = sent
        .as_ref()
        .map(|s| s.period.clone())
        .filter(|p| periods.iter().any(|(key, _)| key == p))
        .or(period)
        .unwrap_or(preselect);
    let chosen = Period::parse(plan.cycle, &period).map_err(ApiError::from)?;
    let history = reports::of_task(&state.store, &caller.actor, id, Paging::all())
        .await?
        .items;
    let existing = history
        .iter()
        .filter(|r| r.period == period)
        .max_by_key(|r| r.version);
    let earlier = history
        .iter()
        .filter(|r| r.period < period && r.state.is_delivered())
        .max_by(|a, b| (&a.period, a.version).cmp(&(&b.period, b.version)));
    let contributions = contribution_rows(
        &item.task,
        plan.cycle,
        reports::contributions(&state.store, &caller.actor, id, Some(&period)).await?,
        &user_names(state, caller).await?,
    );
    let refused_field = refusal.as_ref().and_then(|r| r.field.clone());
    let message_for = |field: &str| {
        refusal
            .as_ref()
            .filter(|_| refused_field.as_deref() == Some(field))
            .map(|r| r.message.clone())
    };
    let targets: Vec<FormTarget> = item
        .task
        .targets
        .iter()
        .map(|t| FormTarget {
            actual: sent
                .as_ref()
                .and_then(|s| s.actuals.get(&t.id).cloned())
                .or_else(|| saved_actual(existing, t.id))
                .unwrap_or_default(),
            error: message_for(&format!("actual_{}", t.id)),
            ..FormTarget::of(t, plan.cycle, chosen, earlier)
        })
        .collect();
    let shown_beside = |field: &str| {
        field == "narrative" || targets.iter().any(|t| format!("actual_{}", t.id) == field)
    };
    let error = refusal
        .as_ref()
        .filter(|r| !r.field.as_deref().is_some_and(shown_beside))
        .map(|r| r.message.clone());
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
        period_due: chosen.due(plan.due_day as u32).to_string(),
        period,
        statuses: ProgressStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.zh()))
            .collect(),
        status: sent.as_ref().map(|s| s.status.clone()).unwrap_or_else(|| {
            existing
                .map_or(ProgressStatus::InProgress, |r| r.status)
                .as_str()
                .to_string()
        }),
        narrative: sent
            .as_ref()
            .map(|s| s.narrative.clone())
            .or(existing.map(|r| r.narrative.clone()))
            .unwrap_or_default(),
        narrative_error: message_for("narrative"),
        contributions,
        targets,
        attachments: existing
            .map(|r| r.attachments.iter().map(|a| a.file_name.clone()).collect())
            .unwrap_or_default(),
        return_reason: existing
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
    let page = report_form(&state, &caller, id, query.period, None, None).await?;
    Ok(render(&page))
}

/// The form again with what was sent and why it was refused (422).
async fn refused(
    state: &AppState,
    caller: &Caller,
    id: i64,
    sent: Sent,
    refusal: Refusal,
) -> PageResult {
    let page = report_form(state, caller, id, None, Some(sent), Some(refusal)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

/// Saves or submits the report of the chosen period — a new one, or the draft or returned
/// one already there — with an evidence file when one was chosen. A refusal shows the form
/// again with everything typed and the reason beside its field.
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
    let sent = Sent::of(&form);
    let submit = form.get("action").map(String::as_str) == Some("submit");
    let status = match ProgressStatus::parse(&sent.status) {
        Ok(status) => status,
        Err(error) => {
            return refused(&state, &caller, id, sent, ApiError::from(error).into()).await;
        }
    };
    let mut actuals = Vec::new();
    let mut typed: Vec<(&i64, &String)> = sent.actuals.iter().collect();
    typed.sort();
    for (&target, value) in typed {
        match typed_actual(value) {
            Ok(Some(number)) => actuals.push(ActualInput {
                target_id: target,
                value: number,
                note: String::new(),
            }),
            Ok(None) => {}
            Err(message) => {
                let refusal = Refusal {
                    field: Some(format!("actual_{target}")),
                    message,
                };
                return refused(&state, &caller, id, sent, refusal).await;
            }
        }
    }
    if let Some(Err(error)) = file.as_ref().map(crate::uploads::evidence_type) {
        return refused(&state, &caller, id, sent, error.into()).await;
    }
    let input = ReportInput {
        status: Some(status),
        narrative: Some(sent.narrative.clone()),
        actuals: Some(actuals),
    };
    let (store, actor, audit) = (&state.store, &caller.actor, &caller.audit);
    let outcome: Result<(), ApiError> = async {
        let report =
            reports::save_for_period(store, actor, audit, id, &sent.period, &input).await?;
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
        Ok(()) => {
            let done = if submit { "submitted" } else { "saved" };
            Ok(Redirect::to(&format!("/tasks/{id}?done={done}")).into_response())
        }
        Err(error) => refused(&state, &caller, id, sent, error.into()).await,
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
    after_action(state, caller, back, outcome, Done::of(action), |report| {
        format!("/tasks/{}", report.task_id)
    })
    .await
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
