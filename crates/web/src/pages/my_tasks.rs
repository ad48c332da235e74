//! A unit's home: what it owes, what was returned, its tasks.

use std::collections::HashMap;

use askama::Template;
use luoshi_domain::period::{Cycle, Period};
use luoshi_domain::record::standing_reports;
use luoshi_domain::report::ReportState;
use luoshi_store::{Paging, ReportFilter};

use crate::AppState;
use crate::api::plans::{sort_tasks, visible_tasks};
use crate::auth::Caller;

use super::board::{NoticeLine, open_notices};
use super::frame::{Layout, PageResult, home_crumb, render};
use super::rows::{TaskRow, task_row, task_title};

/// A report the caller's unit still owes.
struct OwedLine {
    task_id: i64,
    task: String,
    period: String,
    period_label: String,
    due: String,
    overdue: bool,
    /// What is already written for the period: 草稿 / 已退回, or nothing yet.
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
}

/// 我的任务: what the unit owes and when, what came back and why, notices to answer, then
/// the unit's tasks with their lights (red first).
pub(super) async fn my_tasks(state: &AppState, caller: &Caller) -> PageResult {
    let today = state.today();
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
    let mut rows = Vec::new();
    let mut tasks: HashMap<i64, luoshi_store::Task> = HashMap::new();
    let mut owed = Vec::new();
    let mut cycles: HashMap<i64, Cycle> = HashMap::new();
    for plan_id in plan_ids {
        let plan = state
            .store
            .plan(caller.actor.organization_id, plan_id)
            .await?;
        let mut visible = visible_tasks(state, caller, &plan).await?;
        sort_tasks(&mut visible, Some("light"))?;
        rows.extend(visible.iter().map(task_row));
        let cycle = plan.cycle;
        for item in visible {
            cycles.insert(item.task.id, cycle);
            tasks.insert(item.task.id, item.task);
        }
        owed.extend(state.store.owed_reports(&plan, today).await?);
    }
    let leads = |task: &luoshi_store::Task| {
        task.lead_unit_ids()
            .iter()
            .any(|u| caller.actor.units.contains(u))
    };
    let led: Vec<i64> = tasks.values().filter(|t| leads(t)).map(|t| t.id).collect();
    let reports = if led.is_empty() {
        Vec::new()
    } else {
        let filter = ReportFilter {
            organization_id: caller.actor.organization_id,
            task_ids: Some(led),
            ..Default::default()
        };
        state.store.reports(&filter, Paging::all()).await?.items
    };
    let latest = standing_reports(&reports);
    let label = |task_id: i64, period: &str| {
        cycles
            .get(&task_id)
            .and_then(|c| Period::parse(*c, period).ok())
            .map(|p| p.label_zh())
            .unwrap_or_else(|| period.to_string())
    };
    let owed = owed
        .into_iter()
        .filter_map(|o| {
            let task = tasks.get(&o.task_id).filter(|t| leads(t))?;
            let written = match latest.get(&(o.task_id, o.period.as_str())) {
                Some(r) if r.state == ReportState::Returned => "已退回",
                Some(r) if r.state == ReportState::Draft => "草稿",
                _ => "未填报",
            };
            Some(OwedLine {
                task_id: o.task_id,
                task: task_title(task),
                period: o.period,
                period_label: o.period_label,
                due: o.due,
                overdue: o.overdue,
                written,
            })
        })
        .collect();
    let mut returned: Vec<ReturnedLine> = latest
        .values()
        .filter(|r| r.state == ReportState::Returned)
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
    returned.sort_by(|a, b| a.period.cmp(&b.period).then(a.task_id.cmp(&b.task_id)));
    let notices = open_notices(state, caller, &tasks, Some(caller.actor.units.clone())).await?;
    Ok(render(&MyTasksPage {
        layout: Layout::of(caller, vec![home_crumb()]),
        owed,
        returned,
        notices,
        tasks: rows,
        empty_message: "本单位暂无牵头或配合的任务。计划发布后，分到本单位的任务会出现在这里。"
            .into(),
    }))
}
