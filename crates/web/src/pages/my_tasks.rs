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
    let owed = work
        .owed
        .into_iter()
        .filter_map(|owed| {
            let o = owed.report;
            let task = tasks.get(&o.task_id)?;
            Some(OwedLine {
                task_id: o.task_id,
                task: task_title(task),
                period: o.period,
                period_label: o.period_label,
                due: o.due,
                overdue: o.overdue,
                written: owed.written.map_or("未填报", ReportState::zh),
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
        returned,
        notices,
        tasks: rows,
        empty_message: "本单位暂无牵头或配合的任务。计划发布后，分到本单位的任务会出现在这里。"
            .into(),
        queue,
    }))
}
