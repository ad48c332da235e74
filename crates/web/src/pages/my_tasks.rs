//! A unit's home: what it owes, what was returned, its tasks.

use std::collections::HashMap;

use askama::Template;
use luoshi_app::board::{self, TaskOrder};
use luoshi_domain::period::{Cycle, Period};
use luoshi_domain::report::ReportState;

use crate::AppState;
use crate::auth::Caller;

use super::board::{NoticeLine, open_notices};
use super::frame::{Layout, PageResult, home_crumb, render};
use super::queue::QueueView;
use super::rows::{TaskRow, task_row, task_title};

/// A report the caller's unit still owes.
struct OwedLine {
    task_id: i64,
    task: String,
    period: String,
    period_label: String,
    due: chrono::NaiveDate,
    overdue: bool,
    /// What is already written for the period: 草稿 / 已退回, or 未填报.
    written: &'static str,
    /// Overdue periods of the task: two or more are caught up in one form.
    overdue_periods: usize,
}

/// A period the unit owes several reports for, filled on one page (集中填报).
struct PeriodLink {
    plan_id: i64,
    period: String,
    period_label: String,
    tasks: usize,
}

/// A report sent back to the caller's unit, with the supervisor's reason.
struct ReturnedLine {
    task_id: i64,
    task: String,
    period: String,
    period_label: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "my_tasks.html")]
struct MyTasksPage {
    layout: Layout,
    owed: Vec<OwedLine>,
    periods: Vec<PeriodLink>,
    returned: Vec<ReturnedLine>,
    notices: Vec<NoticeLine>,
    tasks: Vec<TaskRow>,
    empty_message: String,
    queue: QueueView,
}

/// 我的任务: what the unit owes and when, what came back and why, notices to answer, then
/// the unit's tasks with their lights (red first).
pub(super) async fn my_tasks(state: &AppState, caller: &Caller, queue: QueueView) -> PageResult {
    let work = board::unit_work(&state.store, &caller.actor, state.today()).await?;
    let mut rows = Vec::new();
    let mut tasks: HashMap<i64, luoshi_store::Task> = HashMap::new();
    let mut cycles: HashMap<i64, Cycle> = HashMap::new();
    for (plan, mut visible) in work.plans {
        TaskOrder::Light.sort(&mut visible);
        rows.extend(visible.iter().map(task_row));
        for item in visible {
            cycles.insert(item.task.id, plan.cycle);
            tasks.insert(item.task.id, item.task);
        }
    }
    let label = |task_id: i64, period: &str| {
        cycles
            .get(&task_id)
            .and_then(|c| Period::parse(*c, period).ok())
            .map(|p| p.label_zh())
            .unwrap_or_else(|| period.to_string())
    };
    let overdue_of = |task_id: i64| {
        work.owed
            .iter()
            .filter(|o| o.report.task_id == task_id && o.report.overdue)
            .count()
    };
    let mut periods: Vec<PeriodLink> = Vec::new();
    for owed in &work.owed {
        let Some(task) = tasks.get(&owed.report.task_id) else {
            continue;
        };
        match periods
            .iter_mut()
            .find(|p| p.plan_id == task.plan_id && p.period == owed.report.period)
        {
            Some(link) => link.tasks += 1,
            None => periods.push(PeriodLink {
                plan_id: task.plan_id,
                period: owed.report.period.clone(),
                period_label: owed.report.period_label.clone(),
                tasks: 1,
            }),
        }
    }
    let owed: Vec<OwedLine> = work
        .owed
        .iter()
        .filter_map(|owed| {
            let o = &owed.report;
            let task = tasks.get(&o.task_id)?;
            Some(OwedLine {
                task_id: o.task_id,
                task: task_title(task),
                period: o.period.clone(),
                period_label: o.period_label.clone(),
                due: o.due,
                overdue: o.overdue,
                written: owed.written.map_or("未填报", ReportState::zh),
                overdue_periods: overdue_of(o.task_id),
            })
        })
        .collect();
    let returned: Vec<ReturnedLine> = work
        .returned
        .iter()
        .filter_map(|r| {
            let task = tasks.get(&r.task_id)?;
            Some(ReturnedLine {
                task_id: r.task_id,
                task: task_title(task),
                period: r.period.clone(),
                period_label: label(r.task_id, &r.period),
                reason: r.return_reason.clone().unwrap_or_default(),
            })
        })
        .collect();
    let notices = open_notices(state, caller, &tasks).await?;
    Ok(render(&MyTasksPage {
        layout: Layout::of(caller, vec![home_crumb()]),
        owed,
        periods,
        returned,
        notices,
        tasks: rows,
        empty_message: "本单位暂无牵头或配合的任务。计划发布后，分到本单位的任务会出现在这里。"
            .into(),
        queue,
    }))
}
