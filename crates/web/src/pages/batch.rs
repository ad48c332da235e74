//! Reports written together: a unit's whole period on one page (and as a sheet it
//! downloads, fills and uploads), and one task's overdue periods in one form. A refusal
//! shows the page again with everything typed and each reason beside its field, or the
//! sheet's rows at fault; nothing is half-saved.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use luoshi_app::AppError;
use luoshi_app::report_batch::{self, Batch, Entry, EntryField, EntryProblem, Line};
use luoshi_domain::report::{ProgressStatus, ReportState};
use luoshi_store::{ActualInput, ReportInput};
use serde::Deserialize;

use crate::AppState;
use crate::api::Path;
use crate::auth::Caller;
use crate::error::ApiError;

use super::frame::{Layout, PageResult, Viewer, home_crumb, render};
use super::report::{FormTarget, saved_actual, typed_actual};

/// Which batch a page shows, and where it posts.
enum Scope {
    /// A unit's tasks of a plan for one period.
    Period { plan_id: i64, period: String },
    /// One task's overdue periods.
    Overdue { task_id: i64 },
}

impl Scope {
    async fn load(&self, state: &AppState, caller: &Caller) -> Result<Batch, AppError> {
        let (store, actor) = (&state.store, &caller.actor);
        match self {
            Scope::Period { plan_id, period } => {
                report_batch::period_of_unit(store, actor, *plan_id, period).await
            }
            Scope::Overdue { task_id } => {
                report_batch::overdue_of_task(store, actor, *task_id, state.today()).await
            }
        }
    }

    fn path(&self) -> String {
        match self {
            Scope::Period { plan_id, period } => format!("/plans/{plan_id}/periods/{period}"),
            Scope::Overdue { task_id } => format!("/tasks/{task_id}/overdue"),
        }
    }
}

/// A line's key in the form's field names: task and period.
fn key_of(line: &Line) -> String {
    format!("{}_{}", line.task.id, line.period.key())
}

struct LineView {
    key: String,
    task_id: i64,
    number: String,
    title: String,
    period_label: String,
    due: String,
    state: &'static str,
    editable: bool,
    return_reason: Option<String>,
    status: String,
    narrative: String,
    narrative_error: Option<String>,
    line_error: Option<String>,
    targets: Vec<FormTarget>,
}

#[derive(Template)]
#[template(path = "batch.html")]
struct BatchPage {
    layout: Layout,
    heading: String,
    intro: &'static str,
    action: String,
    /// The sheet's download and upload addresses (a unit's period only).
    sheet: Option<String>,
    lines: Vec<LineView>,
    statuses: Vec<(&'static str, &'static str)>,
    /// What was done, after a save.
    done: Option<&'static str>,
    /// A refusal that concerns the whole batch (a conflict, the sheet's rows).
    errors: Vec<String>,
}

/// What the page shows, from the record, what was typed and what was refused.
fn page(
    caller: &Caller,
    scope: &Scope,
    batch: &Batch,
    sent: Option<&HashMap<String, String>>,
    problems: &[EntryProblem],
    errors: Vec<String>,
    done: Option<&'static str>,
) -> BatchPage {
    let cycle = batch.plan.cycle;
    let lines = batch
        .lines
        .iter()
        .map(|line| {
            let key = key_of(line);
            let typed = |field: &str| sent.and_then(|s| s.get(&format!("{field}.{key}")).cloned());
            let refused = |field: EntryField| {
                problems
                    .iter()
                    .find(|p| {
                        p.task_id == line.task.id
                            && p.period == line.period.key()
                            && p.field == field
                    })
                    .map(|p| p.message.clone())
            };
            let report = line.standing.as_ref();
            LineView {
                task_id: line.task.id,
                number: line.number.clone(),
                title: line.task.heading.clone(),
                period_label: line.period.label_zh(),
                due: line.period.due(batch.plan.due_day as u32).to_string(),
                state: report.map_or("未填报", |r| r.state.zh()),
                editable: line.editable(),
                return_reason: report
                    .filter(|r| r.state == ReportState::Returned)
                    .and_then(|r| r.return_reason.clone()),
                status: typed("status").unwrap_or_else(|| {
                    report
                        .map_or(ProgressStatus::InProgress, |r| r.status)
                        .as_str()
                        .to_string()
                }),
                narrative: typed("narrative")
                    .or_else(|| report.map(|r| r.narrative.clone()))
                    .unwrap_or_default(),
                narrative_error: refused(EntryField::Narrative),
                line_error: refused(EntryField::Line),
                targets: line
                    .task
                    .targets
                    .iter()
                    .map(|t| {
                        let name = format!("actual.{key}.{}", t.id);
                        FormTarget {
                            actual: sent
                                .and_then(|s| s.get(&name).cloned())
                                .or_else(|| saved_actual(report, t.id))
                                .unwrap_or_default(),
                            error: refused(EntryField::Actual(t.id)),
                            name,
                            ..FormTarget::of(t, cycle, line.period, line.earlier.as_ref())
                        }
                    })
                    .collect(),
                key,
            }
        })
        .collect();
    let (heading, intro, sheet) = match scope {
        Scope::Period { .. } => (
            format!(
                "{}集中填报：{}",
                batch
                    .lines
                    .first()
                    .map(|l| l.period.label_zh())
                    .unwrap_or_default(),
                batch.plan.title
            ),
            "本单位牵头的每项任务一行，填好后一起保存或提交；没有填写的任务不会生成报送。也可以下载填报表，离线填好后上传。",
            Some(scope.path()),
        ),
        Scope::Overdue { .. } => (
            format!(
                "补报逾期进展：{}",
                batch
                    .lines
                    .first()
                    .map(|l| l.task.heading.clone())
                    .unwrap_or_default()
            ),
            "这项任务逾期未报的各期在同一页填写，一起保存或提交。",
            None,
        ),
    };
    BatchPage {
        layout: Layout::of(caller, vec![home_crumb(), ("".into(), heading.clone())]),
        heading,
        intro,
        action: scope.path(),
        sheet,
        lines,
        statuses: ProgressStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.zh()))
            .collect(),
        done,
        errors,
    }
}

/// The entries a page sent, one per open line; figures that are not numbers are refused
/// here, beside their field.
fn entries_of(
    batch: &Batch,
    form: &HashMap<String, String>,
) -> Result<Vec<Entry>, Vec<EntryProblem>> {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for line in batch.lines.iter().filter(|l| l.editable()) {
        let key = key_of(line);
        let Some(narrative) = form.get(&format!("narrative.{key}")) else {
            continue;
        };
        let status = form
            .get(&format!("status.{key}"))
            .and_then(|s| ProgressStatus::parse(s).ok());
        let mut actuals = Vec::new();
        for target in &line.task.targets {
            let typed = form
                .get(&format!("actual.{key}.{}", target.id))
                .map_or("", String::as_str);
            match typed_actual(typed) {
                Ok(Some(value)) => actuals.push(ActualInput {
                    target_id: target.id,
                    value,
                    note: String::new(),
                }),
                Ok(None) => {}
                Err(message) => problems.push(EntryProblem {
                    task_id: line.task.id,
                    period: line.period.key(),
                    field: EntryField::Actual(target.id),
                    message,
                }),
            }
        }
        entries.push(Entry {
            task_id: line.task.id,
            period: line.period.key(),
            input: ReportInput {
                status,
                narrative: Some(narrative.clone()),
                actuals: Some(actuals),
            },
        });
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems)
    }
}

#[derive(Deserialize)]
pub(super) struct DoneQuery {
    done: Option<String>,
}

fn done_message(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "saved" => Some("已保存。草稿在提交前仍可修改。"),
        "submitted" => Some("已提交，等待审核。"),
        _ => None,
    }
}

async fn show(state: &AppState, caller: &Caller, scope: Scope, done: Option<&str>) -> PageResult {
    let batch = scope.load(state, caller).await?;
    let done = done_message(done);
    Ok(render(&page(
        caller,
        &scope,
        &batch,
        None,
        &[],
        Vec::new(),
        done,
    )))
}

/// Saves what was sent, or shows the page again with what was typed and why (422).
async fn save(
    state: &AppState,
    caller: &Caller,
    scope: Scope,
    form: HashMap<String, String>,
) -> PageResult {
    caller.check_form_token(form.get("csrf_token").map_or("", String::as_str))?;
    let batch = scope.load(state, caller).await?;
    let submit = form.get("action").map(String::as_str) == Some("submit");
    let refused = |problems: Vec<EntryProblem>, errors: Vec<String>| {
        let page = page(caller, &scope, &batch, Some(&form), &problems, errors, None);
        Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
    };
    let entries = match entries_of(&batch, &form) {
        Ok(entries) => entries,
        Err(problems) => return refused(problems, vec![problem_summary()]),
    };
    match report_batch::save(&state.store, &caller.audit, &batch, &entries, submit).await {
        Ok(_) => {
            let done = if submit { "submitted" } else { "saved" };
            Ok(Redirect::to(&format!("{}?done={done}", scope.path())).into_response())
        }
        Err(AppError::Entries(problems)) => refused(problems, vec![problem_summary()]),
        Err(other) => refused(
            Vec::new(),
            vec![ApiError::from(other).for_people().to_string()],
        ),
    }
}

fn problem_summary() -> String {
    "有内容需要修改（见标红处），本次填写均未保存。".into()
}

pub(super) async fn period_page(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path((plan_id, period)): Path<(i64, String)>,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    let scope = Scope::Period { plan_id, period };
    show(&state, &caller, scope, query.done.as_deref()).await
}

pub(super) async fn period_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path((plan_id, period)): Path<(i64, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult {
    save(&state, &caller, Scope::Period { plan_id, period }, form).await
}

pub(super) async fn overdue_page(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(task_id): Path<i64>,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    show(
        &state,
        &caller,
        Scope::Overdue { task_id },
        query.done.as_deref(),
    )
    .await
}

pub(super) async fn overdue_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(task_id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult {
    save(&state, &caller, Scope::Overdue { task_id }, form).await
}

/// The period's sheet (本期进展填报表) to fill offline.
pub(super) async fn sheet_download(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path((plan_id, period)): Path<(i64, String)>,
) -> PageResult {
    let scope = Scope::Period { plan_id, period };
    let batch = scope.load(&state, &caller).await?;
    let bytes = report_batch::sheet(&batch)?;
    let name = format!("进展填报表-{}.xlsx", scope_file_part(&scope));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                crate::uploads::attachment_disposition(&name),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn scope_file_part(scope: &Scope) -> String {
    match scope {
        Scope::Period { plan_id, period } => format!("{plan_id}-{period}"),
        Scope::Overdue { task_id } => task_id.to_string(),
    }
}

/// A filled sheet sent back: saved whole, or the page again with the rows at fault.
pub(super) async fn sheet_upload(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path((plan_id, period)): Path<(i64, String)>,
    multipart: axum::extract::Multipart,
) -> PageResult {
    let (file, form) =
        crate::uploads::read_form_optional(multipart, report_batch::MAX_SHEET_BYTES).await?;
    caller.check_form_token(form.get("csrf_token").map_or("", String::as_str))?;
    let scope = Scope::Period { plan_id, period };
    let batch = scope.load(&state, &caller).await?;
    let submit = form.get("action").map(String::as_str) == Some("submit");
    let refused = |errors: Vec<String>| {
        let page = page(&caller, &scope, &batch, None, &[], errors, None);
        Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
    };
    let Some(file) = file else {
        return refused(vec!["请选择填好的填报表（.xlsx）".into()]);
    };
    let outcome = report_batch::upload(
        &state.store,
        &caller.audit,
        &batch,
        file.name,
        file.bytes,
        submit,
    )
    .await;
    match outcome {
        Ok(_) => {
            let done = if submit { "submitted" } else { "saved" };
            Ok(Redirect::to(&format!("{}?done={done}", scope.path())).into_response())
        }
        Err(AppError::Rows(rows)) => {
            let mut errors = vec!["填报表有以下问题，整张表均未保存：".to_string()];
            errors.extend(rows);
            refused(errors)
        }
        Err(other) => refused(vec![ApiError::from(other).for_people().to_string()]),
    }
}
