//! Uploading a plan and reviewing its draft: units, tasks, targets, settings, publish.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use luoshi_app::AppError;
use luoshi_app::plan_editing;
use luoshi_app::plan_files;
use luoshi_domain::date::DateEdit;
use luoshi_domain::light::trim_number;
use luoshi_domain::period::Cycle;
use luoshi_domain::policy::{Action, decide};
use luoshi_domain::record::PlanStatus;
use luoshi_domain::units::Proposal;
use luoshi_plandoc::model::Comparator;
use luoshi_store::{Paging, Plan};
use serde::Deserialize;

use crate::AppState;
use crate::api::Path;
use crate::auth::Caller;
use crate::error::ApiError;

use super::admin::split_list;
use super::frame::{Layout, PageError, PageResult, Viewer, home_crumb, reason_for_people, render};
use super::rows::unit_names;

/// Draft plans waiting for review, for those who manage plans.
pub(super) async fn drafts_of(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<(i64, String)>, PageError> {
    Ok(luoshi_app::board::plans(
        &state.store,
        &caller.actor,
        Some(PlanStatus::Draft),
        None,
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
    let read = plan_files::read(
        &caller.actor,
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
    let imported = plan_files::import(
        &state.store,
        &caller.actor,
        &caller.audit,
        &file.name,
        Some(stored.stored_name),
        &read,
    )
    .await?;
    Ok(Redirect::to(&format!("/plans/{}/review", imported.plan.id)).into_response())
}

struct ReviewTarget {
    id: i64,
    indicator: String,
    comparator: &'static str,
    value: String,
    unit: String,
}

/// A section with its number as the plan prints it (三、) and its parts for editing.
struct ReviewSection {
    id: i64,
    number: i64,
    numeral: String,
    title: String,
    tasks: usize,
}

struct ReviewTask {
    id: i64,
    section_id: Option<i64>,
    /// 二、… above the first task of each section.
    section_heading: Option<String>,
    /// No lead unit yet: publishing waits for one.
    no_lead: bool,
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

impl ReviewTask {
    fn in_section(&self, section: &ReviewSection) -> bool {
        self.section_id == Some(section.id)
    }
}

/// A written name no unit matched, with the unit it resembles preselected, or marked as
/// standing for several units.
struct UnmatchedLine {
    written_name: String,
    tasks: i64,
    suggestion: Option<i64>,
    collective: bool,
}

impl UnmatchedLine {
    fn suggests(&self, unit: &i64) -> bool {
        self.suggestion == Some(*unit)
    }
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
    unmatched: Vec<UnmatchedLine>,
    units: Vec<(i64, String)>,
    sections: Vec<ReviewSection>,
    tasks: Vec<ReviewTask>,
    comparators: Vec<(&'static str, &'static str)>,
    /// How many tasks have no lead unit yet.
    without_lead: usize,
    /// The plan's year is not this year's; publishing asks to confirm.
    year_warning: Option<String>,
    cycles: Vec<(&'static str, &'static str)>,
    reporting_start: String,
}

/// A section's number as the plan prints it (三).
fn numeral(number: i64) -> String {
    luoshi_plandoc::numerals::to_chinese(number.clamp(0, 9999) as u32)
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

/// The review screen: the source text beside the extracted structure.
pub(super) async fn review_page(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
) -> PageResult {
    Ok(render(&review_view(&state, &caller, id, None).await?))
}

/// The review page, with the reason the last change was refused when it was.
async fn review_view(
    state: &AppState,
    caller: &Caller,
    id: i64,
    error: Option<String>,
) -> Result<ReviewPage, PageError> {
    let plan_editing::Review {
        plan,
        source_text,
        sections,
        tasks,
        units,
        unmatched,
    } = plan_editing::review(&state.store, &caller.actor, id).await?;
    let units = units.into_iter().map(|u| (u.id, u.name)).collect();
    let rows: Vec<ReviewTask> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| ReviewTask {
            id: t.id,
            section_id: t.section_id,
            section_heading: sections
                .iter()
                .find(|s| Some(s.id) == t.section_id)
                .filter(|_| i == 0 || tasks[i - 1].section_id != t.section_id)
                .map(|s| format!("{}、{}", numeral(s.number), s.title)),
            no_lead: t.lead_unit_ids().is_empty(),
            number: t.number,
            heading: t.heading.clone(),
            objective: t.objective.clone().unwrap_or_default(),
            lead: unit_names(&t.lead_units),
            co: unit_names(&t.co_units),
            deadline: t.deadline_text.clone().unwrap_or_default(),
            deadline_date: t.deadline.map(|d| d.to_string()).unwrap_or_default(),
            targets: t
                .targets
                .iter()
                .map(|g| ReviewTarget {
                    id: g.id,
                    indicator: g.indicator.clone(),
                    comparator: g.comparator.as_str(),
                    value: g
                        .annual_value
                        .map(trim_number)
                        .unwrap_or_else(|| g.value_text.clone()),
                    unit: g.unit.clone(),
                })
                .collect(),
        })
        .collect();
    let unmatched = unmatched
        .into_iter()
        .map(|(name, proposal)| UnmatchedLine {
            written_name: name.written_name,
            tasks: name.tasks,
            suggestion: match proposal {
                Proposal::Resembles(unit) => Some(unit),
                Proposal::Collective | Proposal::New => None,
            },
            collective: proposal == Proposal::Collective,
        })
        .collect();
    Ok(ReviewPage {
        layout: Layout::of(
            caller,
            vec![home_crumb(), ("".into(), format!("审核：{}", plan.title))],
        ),
        warnings: plan.warnings.clone(),
        source: marked_source(&source_text, &tasks),
        unmatched,
        units,
        sections: sections
            .into_iter()
            .map(|s| ReviewSection {
                id: s.id,
                number: s.number,
                numeral: numeral(s.number),
                tasks: rows.iter().filter(|t| t.section_id == Some(s.id)).count(),
                title: s.title,
            })
            .collect(),
        comparators: Comparator::ALL
            .iter()
            .map(|c| (c.as_str(), c.zh()))
            .collect(),
        without_lead: rows.iter().filter(|t| t.no_lead).count(),
        tasks: rows,
        error,
        year_warning: plan_editing::year_mismatch(&plan, state.today()),
        cycles: vec![
            ("monthly", "每月"),
            ("quarterly", "每季度"),
            ("semi_monthly", "每半月"),
        ],
        reporting_start: plan
            .reporting_start
            .map(|d| d.to_string())
            .unwrap_or_default(),
        plan,
    })
}

/// After a review edit: back to the review (a fresh page, so a reload repeats nothing), or,
/// refused, the review again with the reason (422); a caller without the right gets the
/// error page.
pub(super) async fn outcome<T>(
    state: &AppState,
    caller: &Caller,
    plan: i64,
    result: Result<T, AppError>,
) -> PageResult {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{plan}/review")).into_response()),
        Err(error @ (AppError::Forbidden | AppError::NotFound(_))) => Err(error.into()),
        Err(error) => refused(state, caller, plan, reason_for_people(error)).await,
    }
}

/// The review again with why the change was refused (422).
pub(super) async fn refused(
    state: &AppState,
    caller: &Caller,
    plan: i64,
    message: String,
) -> PageResult {
    let page = review_view(state, caller, plan, Some(message)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
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
    /// The section the task belongs to; empty leaves it where it is.
    #[serde(default)]
    section: String,
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
    let (store, actor, audit) = (&state.store, &caller.actor, &caller.audit);
    let result = match form.op.as_str() {
        "save" => {
            let edited = async {
                let section_id = match form.section.trim() {
                    "" => None,
                    typed => Some(typed.parse::<i64>().map_err(|_| AppError::Invalid {
                        field: "section",
                        message: format!("部分“{typed}”不存在"),
                    })?),
                };
                let input = luoshi_store::TaskInput {
                    section_id,
                    heading: Some(form.heading.trim().to_string()),
                    objective: Some(form.objective.trim().to_string()),
                    deadline: Some(DateEdit::parse("deadline", &form.deadline)?),
                    deadline_text: Some(form.deadline_text.trim().to_string()),
                    lead_units: Some(
                        plan_editing::units_named(
                            store,
                            actor,
                            &split_list(&form.lead),
                            "牵头单位",
                        )
                        .await?,
                    ),
                    co_units: Some(
                        plan_editing::units_named(store, actor, &split_list(&form.co), "配合单位")
                            .await?,
                    ),
                    ..Default::default()
                };
                plan_editing::update_task(store, actor, audit, task, &input).await
            };
            edited.await.map(drop)
        }
        "delete" => plan_editing::delete_task(store, actor, audit, task).await,
        "merge_previous" => plan_editing::merge_into_previous(store, actor, audit, id, task)
            .await
            .map(drop),
        other => Err(AppError::Invalid {
            field: "op",
            message: format!("不支持的操作“{other}”"),
        }),
    };
    outcome(&state, &caller, id, result).await
}

#[derive(Deserialize)]
pub(super) struct PublishForm {
    csrf_token: String,
    /// Ticked to publish a plan of another year.
    #[serde(default)]
    confirm_year: Option<String>,
}

pub(super) async fn review_publish(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<PublishForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let confirmed = form.confirm_year.is_some();
    match plan_editing::publish(
        &state.store,
        &caller.actor,
        &caller.audit,
        id,
        state.today(),
        confirmed,
    )
    .await
    {
        Ok(plan) => Ok(Redirect::to(&format!("/?plan={}", plan.id)).into_response()),
        Err(error) => outcome::<()>(&state, &caller, id, Err(error)).await,
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
    let cycle = match Cycle::parse(&form.cycle) {
        Ok(cycle) => cycle,
        Err(error) => return refused(&state, &caller, id, error.to_string()).await,
    };
    let Ok(due_day) = form.due_day.trim().parse::<i64>() else {
        let message = format!("报送日“{}”不是数字", form.due_day);
        return refused(&state, &caller, id, message).await;
    };
    let reporting_start = match DateEdit::parse("reporting_start", &form.reporting_start) {
        Ok(edit) => edit.date(),
        Err(error) => {
            return refused(
                &state,
                &caller,
                id,
                ApiError::from(error).for_people().to_string(),
            )
            .await;
        }
    };
    let patch = luoshi_store::PlanPatch {
        cycle: Some(cycle),
        due_day: Some(due_day),
        reporting_start,
        ..Default::default()
    };
    let result =
        plan_editing::update_plan(&state.store, &caller.actor, &caller.audit, id, &patch).await;
    outcome(&state, &caller, id, result).await
}
