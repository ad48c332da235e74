//! A task's page: targets and charts, reports, notices, comments, history.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use chrono::Datelike;
use luoshi_app::{admin, board, notices, reports, tasks};
use luoshi_domain::light::trim_number;
use luoshi_domain::period::{Cycle, Period, china_time};
use luoshi_domain::policy::{Action, decide};
use luoshi_domain::record::PlanStatus;
use luoshi_domain::record::standing_reports;
use luoshi_domain::record::{Comment, CommentKind, NoticeState};
use luoshi_domain::report::ReportState;
use luoshi_store::{Paging, Plan, TaskWithLight};
use serde::Deserialize;

use crate::AppState;
use crate::api::Path;
use crate::auth::Caller;
use crate::chart::{TargetChart, target_chart};
use crate::history::{self, HistoryLine};

use super::frame::{Layout, PageError, PageResult, Viewer, home_crumb, render};
use super::rows::{unit_name_of, unit_names, user_names};

/// A target's figures for people, with the proportions its bar is drawn from.
pub(super) struct TargetView {
    pub(super) task_id: i64,
    pub(super) indicator: String,
    pub(super) unit: String,
    pub(super) annual: String,
    pub(super) actual: String,
    pub(super) expected: String,
    pub(super) actual_percent: f64,
    pub(super) expected_percent: f64,
    pub(super) behind: bool,
}

pub(super) fn target_view(
    progress: &luoshi_store::TargetProgress,
    lag_threshold: f64,
) -> TargetView {
    let annual = progress.annual_value.unwrap_or(0.0);
    let percent = |v: Option<f64>| match v {
        Some(v) if annual > 0.0 => (v / annual * 100.0).clamp(0.0, 100.0),
        _ => 0.0,
    };
    let text = |v: Option<f64>| {
        v.map(|v| trim_number((v * 10.0).round() / 10.0))
            .unwrap_or_else(|| "—".into())
    };
    TargetView {
        task_id: progress.task_id,
        indicator: progress.indicator.clone(),
        unit: progress.unit.clone(),
        annual: text(progress.annual_value),
        actual: text(progress.actual),
        expected: text(progress.expected),
        actual_percent: percent(progress.actual),
        expected_percent: percent(progress.expected),
        behind: progress.lag_percent.is_some_and(|l| l > lag_threshold),
    }
}

struct ReportRow {
    id: i64,
    /// Evidence files: id, name and size as people read it.
    attachments: Vec<(i64, String, String)>,
    reviewable: bool,
    /// Submitted and waiting for the unit head (when the organization asks for that).
    awaiting_head: bool,
    period: String,
    version: i64,
    state: &'static str,
    status: &'static str,
    narrative: String,
    return_reason: Option<String>,
}

struct CommentRow {
    id: i64,
    author: String,
    at: String,
    body: String,
    /// Who of the lead unit read an instruction (批示), and when.
    read: Option<String>,
}

/// What a co-unit wrote for a period (配合情况), as the task page and the report form show it.
pub(super) struct ContributionRow {
    pub(super) period_label: String,
    pub(super) unit: String,
    pub(super) author: String,
    pub(super) at: String,
    pub(super) body: String,
}

/// A task's contributions for people: each with its period, unit and writer.
pub(super) fn contribution_rows(
    task: &luoshi_store::Task,
    cycle: Cycle,
    contributions: Vec<luoshi_store::Contribution>,
    names: &HashMap<i64, String>,
) -> Vec<ContributionRow> {
    contributions
        .into_iter()
        .map(|c| ContributionRow {
            period_label: Period::parse(cycle, &c.period)
                .map(|p| p.label_zh())
                .unwrap_or(c.period),
            unit: unit_name_of(task, c.unit_id),
            author: names.get(&c.author_id).cloned().unwrap_or_default(),
            at: china_time(c.created_at)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            body: c.body,
        })
        .collect()
}

/// A file size as people read it (KB / MB).
fn file_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// How many entries of a history a page shows.
const HISTORY_LINES: i64 = 50;

struct NoticeRow {
    id: i64,
    unit: String,
    can_answer: bool,
    can_close: bool,
    reason: String,
    response_due: chrono::NaiveDate,
    state: &'static str,
    response: String,
    /// The answer's evidence: id, name and size as people read it.
    files: Vec<(i64, String, String)>,
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    layout: Layout,
    /// The line confirming what the person just did here.
    done: Option<&'static str>,
    task: luoshi_store::Task,
    color: &'static str,
    color_zh: &'static str,
    reasons: Vec<String>,
    lead: String,
    co: String,
    deadline: String,
    can_report: bool,
    can_review: bool,
    can_approve: bool,
    can_supervise: bool,
    task_units: Vec<(i64, String)>,
    targets: Vec<TargetView>,
    charts: Vec<TargetChart>,
    reports: Vec<ReportRow>,
    notices: Vec<NoticeRow>,
    can_comment: bool,
    /// What the comment form is called: 批示 for a leader, 评论 for everyone else.
    comment_label: &'static str,
    can_acknowledge: bool,
    instructions: Vec<CommentRow>,
    comments: Vec<CommentRow>,
    contributions: Vec<ContributionRow>,
    history: Vec<HistoryLine>,
    history_more: bool,
}

pub(super) async fn task_with_light(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<(Plan, TaskWithLight), PageError> {
    Ok(board::task(&state.store, &caller.actor, id, state.today()).await?)
}

/// What the report form did before it came back here.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum ReportDone {
    Submitted,
    Saved,
}

impl ReportDone {
    fn message(self) -> &'static str {
        match self {
            ReportDone::Submitted => "已提交本期进展，等待审核。",
            ReportDone::Saved => "草稿已保存，尚未提交；提交后才会送审。",
        }
    }
}

#[derive(Deserialize)]
pub(super) struct TaskQuery {
    done: Option<ReportDone>,
}

pub(super) async fn task_page(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Query(query): Query<TaskQuery>,
) -> PageResult {
    let (plan, item, progress) =
        board::task_detail(&state.store, &caller.actor, id, state.today()).await?;
    let organization = admin::organization(&state.store, &caller.actor).await?;
    let targets = progress
        .iter()
        .map(|t| target_view(t, organization.light_rules.yellow_lag_percent))
        .collect();
    let cycle = plan.cycle;
    let stored_reports = reports::of_task(&state.store, &caller.actor, id, Paging::all())
        .await?
        .items;
    let charts = chart_actuals(&stored_reports, cycle);
    let charts = item
        .task
        .targets
        .iter()
        .filter_map(|t| target_chart(t, charts.get(&t.id).map(Vec::as_slice).unwrap_or(&[])))
        .collect();
    let reports = stored_reports
        .into_iter()
        .map(|r| ReportRow {
            id: r.id,
            attachments: r
                .attachments
                .iter()
                .map(|a| (a.id, a.file_name.clone(), file_size(a.size)))
                .collect(),
            reviewable: matches!(r.state, ReportState::Submitted | ReportState::Approved),
            awaiting_head: organization.head_review && r.state == ReportState::Submitted,
            state: r.state.zh(),
            status: r.status.zh(),
            period: Period::parse(cycle, &r.period)
                .map(|p| p.label_zh())
                .unwrap_or(r.period),
            version: r.version,
            narrative: r.narrative,
            return_reason: r.return_reason.filter(|_| r.state == ReportState::Returned),
        })
        .collect();
    let lead_ids = item.task.lead_unit_ids();
    let co_ids = item.task.co_unit_ids();
    // The task's units decide what the caller may do on this page.
    let notice_scope = luoshi_domain::policy::TaskScope {
        lead: &lead_ids,
        co: &co_ids,
    };
    let notices = notices::of_task(&state.store, &caller.actor, id, Paging::all())
        .await?
        .items;
    let answer_files = notices::answer_files(&state.store, &caller.actor, id, &notices).await?;
    let notices = notices
        .into_iter()
        .map(|n| NoticeRow {
            id: n.id,
            files: answer_files
                .iter()
                .filter(|a| a.notice_id == Some(n.id))
                .map(|a| (a.id, a.file_name.clone(), file_size(a.size)))
                .collect(),
            unit: unit_name_of(&item.task, n.unit_id),
            can_answer: n.state != NoticeState::Closed
                && decide(
                    &caller.actor,
                    Action::AnswerNotice {
                        task: notice_scope,
                        unit: n.unit_id,
                    },
                )
                .allowed(),
            can_close: n.state != NoticeState::Closed
                && decide(&caller.actor, Action::Supervise(notice_scope)).allowed(),
            state: n.state.zh(),
            reason: n.reason,
            response_due: n.response_due,
            response: n.response.unwrap_or_default(),
        })
        .collect();
    let names = user_names(&state, &caller).await?;
    let at = |time: i64| china_time(time).format("%Y-%m-%d %H:%M").to_string();
    let (instructions, comments): (Vec<_>, Vec<_>) =
        notices::comments(&state.store, &caller.actor, id, Paging::all())
            .await?
            .items
            .into_iter()
            .partition(|c| c.kind == CommentKind::Instruction);
    let row = |c: Comment| CommentRow {
        id: c.id,
        author: names.get(&c.author_id).cloned().unwrap_or_default(),
        at: at(c.created_at),
        read: c.read_at.map(|time| {
            let reader = c.read_by.and_then(|u| names.get(&u).cloned());
            format!("{} {}", reader.unwrap_or_default(), at(time))
        }),
        body: c.body,
    };
    let instructions = instructions.into_iter().map(row).collect();
    let comments = comments.into_iter().map(row).collect();
    let contributions = contribution_rows(
        &item.task,
        plan.cycle,
        reports::contributions(&state.store, &caller.actor, id, None).await?,
        &names,
    );
    let history = tasks::history(
        &state.store,
        &caller.actor,
        id,
        Paging::new(Some(1), Some(HISTORY_LINES)),
    )
    .await?;
    let scope = notice_scope;
    let can_report = decide(&caller.actor, Action::WriteReport(scope)).allowed()
        && plan.status == PlanStatus::Published;
    let can_review = decide(&caller.actor, Action::ReviewReport(scope)).allowed();
    Ok(render(&TaskPage {
        done: query.done.map(ReportDone::message),
        layout: Layout::of(
            &caller,
            vec![
                home_crumb(),
                (format!("/plans/{}", plan.id), plan.title.clone()),
                ("".into(), item.task.heading.clone()),
            ],
        ),
        color: item.light.color.as_str(),
        color_zh: item.light.color.zh(),
        reasons: item
            .light
            .reasons
            .iter()
            .map(|r| r.message.clone())
            .collect(),
        lead: unit_names(&item.task.lead_units),
        co: unit_names(&item.task.co_units),
        deadline: item.task.deadline_shown(),
        can_report,
        can_review,
        can_approve: organization.head_review
            && decide(&caller.actor, Action::ApproveReport(scope)).allowed(),
        can_supervise: decide(&caller.actor, Action::Supervise(scope)).allowed(),
        task_units: item
            .task
            .lead_units
            .iter()
            .chain(&item.task.co_units)
            .filter_map(|a| {
                a.unit_id.map(|id| {
                    (
                        id,
                        a.unit_name
                            .clone()
                            .unwrap_or_else(|| a.written_name.clone()),
                    )
                })
            })
            .collect(),
        targets,
        charts,
        reports,
        notices,
        can_comment: decide(&caller.actor, Action::Comment(scope)).allowed(),
        comment_label: CommentKind::written_by(caller.actor.role).zh(),
        can_acknowledge: decide(&caller.actor, Action::AcknowledgeInstruction(scope)).allowed(),
        instructions,
        comments,
        contributions,
        history_more: history.total > HISTORY_LINES,
        history: history::lines(&history.items, &names),
        task: item.task,
    }))
}

/// Per target, the actuals a chart draws: the latest delivered version of each period's
/// report, at the month its period ends.
fn chart_actuals(reports: &[luoshi_store::Report], cycle: Cycle) -> HashMap<i64, Vec<(u32, f64)>> {
    let delivered = reports.iter().filter(|r| r.state.is_delivered());
    let mut actuals: HashMap<i64, Vec<(u32, f64)>> = HashMap::new();
    for report in standing_reports(delivered).values() {
        let Ok(period) = Period::parse(cycle, &report.period) else {
            continue;
        };
        for actual in &report.actuals {
            actuals
                .entry(actual.target_id)
                .or_default()
                .push((period.end().month(), actual.value));
        }
    }
    actuals
}
