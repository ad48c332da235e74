//! What people look at (看板): the plans they may see, a plan's tasks with their lights
//! filtered and sorted, one task, a unit's own tasks, the supervision dashboard, and a
//! period's progress published to the public page.

use chrono::NaiveDate;
use luoshi_domain::light::LightColor;
use luoshi_domain::policy::{Action, Actor, TaskAction, TaskScope, decide};
use luoshi_domain::record::{OwedReport, PlanStatus, standing_reports};
use luoshi_domain::report::{ProgressStatus, ReportState};
use luoshi_store::{
    Audit, AuditEntry, Dashboard, HistoryScope, Page, Paging, Plan, PublicPeriod, Report,
    ReportFilter, Section, Store, TargetProgress, Task, TaskWithLight,
};

use crate::error::{AppError, Result, check};
use crate::plans::{managed, visible};
use crate::tasks::authorize;

/// The plans of the caller's organization it may see (drafts only for plan managers).
pub async fn plans(
    store: &Store,
    actor: &Actor,
    status: Option<PlanStatus>,
    year: Option<i32>,
    paging: Paging,
) -> Result<Page<Plan>> {
    let only_published = !decide(actor, Action::ManagePlans).allowed();
    Ok(store
        .plans(actor.organization_id, status, year, only_published, paging)
        .await?)
}

/// A plan's tasks as the caller may see them, with lights as of `today`.
pub async fn visible_tasks(
    store: &Store,
    actor: &Actor,
    plan: &Plan,
    today: NaiveDate,
) -> Result<Vec<TaskWithLight>> {
    let organization = store.organization(actor.organization_id).await?;
    let tasks = store
        .tasks_with_lights(plan, &organization.light_rules, today)
        .await?;
    Ok(tasks
        .into_iter()
        .filter(|t| {
            let lead = t.task.lead_unit_ids();
            let co = t.task.co_unit_ids();
            decide(
                actor,
                Action::ReadTask(TaskScope {
                    lead: &lead,
                    co: &co,
                }),
            )
            .allowed()
        })
        .collect())
}

/// Which reported status a task list keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    /// No report stands for the task yet (未报送).
    NotReported,
    Reported(ProgressStatus),
}

impl StatusFilter {
    /// `not_reported` or a progress status as the API writes it.
    pub fn parse(text: &str) -> Result<Self> {
        if text == "not_reported" {
            return Ok(StatusFilter::NotReported);
        }
        ProgressStatus::parse(text)
            .map(StatusFilter::Reported)
            .map_err(|_| {
                let choices: Vec<&str> = std::iter::once("not_reported")
                    .chain(ProgressStatus::ALL.iter().map(|s| s.as_str()))
                    .collect();
                AppError::Invalid {
                    field: "status",
                    message: format!("不支持按“{text}”筛选，可选 {}", choices.join("、")),
                }
            })
    }
}

/// What a task list keeps: every condition given must hold.
#[derive(Clone, Debug, Default)]
pub struct TaskFilter {
    /// Lead or co-unit.
    pub unit: Option<i64>,
    pub light: Option<LightColor>,
    pub status: Option<StatusFilter>,
    pub section: Option<i64>,
    /// Words that must all appear in the heading, body, objective or measures.
    pub words: Option<String>,
}

impl TaskFilter {
    pub fn keeps(&self, task: &TaskWithLight) -> bool {
        let t = &task.task;
        self.unit
            .is_none_or(|u| t.lead_unit_ids().contains(&u) || t.co_unit_ids().contains(&u))
            && self.light.is_none_or(|l| task.light.color == l)
            && self.status.is_none_or(|s| match s {
                StatusFilter::NotReported => task.status.is_none(),
                StatusFilter::Reported(status) => task.status == Some(status),
            })
            && self.section.is_none_or(|s| t.section_id == Some(s))
            && self.words.as_deref().is_none_or(|words| {
                let text = format!(
                    "{} {} {} {}",
                    t.heading,
                    t.body,
                    t.objective.as_deref().unwrap_or(""),
                    t.measures.as_deref().unwrap_or("")
                );
                words.split_whitespace().all(|word| text.contains(word))
            })
    }
}

/// The order of a task list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TaskOrder {
    /// As numbered in the plan.
    #[default]
    Number,
    /// Earliest deadline first; tasks without one last.
    Deadline,
    /// Red first, then yellow, green and done.
    Light,
}

impl TaskOrder {
    pub const ALL: [TaskOrder; 3] = [TaskOrder::Number, TaskOrder::Light, TaskOrder::Deadline];

    pub fn parse(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|order| order.as_str() == text)
            .ok_or_else(|| AppError::Invalid {
                field: "sort",
                message: format!("不支持按“{text}”排序，可选 number、deadline、light"),
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TaskOrder::Number => "number",
            TaskOrder::Deadline => "deadline",
            TaskOrder::Light => "light",
        }
    }

    /// How the choice is offered on the pages.
    pub fn zh(self) -> &'static str {
        match self {
            TaskOrder::Number => "按序号",
            TaskOrder::Deadline => "按完成时限",
            TaskOrder::Light => "按灯色（红灯在前）",
        }
    }

    pub fn sort(self, tasks: &mut [TaskWithLight]) {
        match self {
            TaskOrder::Number => tasks.sort_by_key(|t| t.task.position),
            TaskOrder::Deadline => tasks.sort_by(|a, b| {
                let key = |t: &TaskWithLight| t.task.deadline;
                // `None` sorts first in Option's order; a task without a deadline goes last.
                (key(a).is_none(), key(a), a.task.position).cmp(&(
                    key(b).is_none(),
                    key(b),
                    b.task.position,
                ))
            }),
            TaskOrder::Light => {
                let rank = |c: LightColor| match c {
                    LightColor::Red => 0,
                    LightColor::Yellow => 1,
                    LightColor::Green => 2,
                    LightColor::Done => 3,
                };
                tasks.sort_by_key(|t| (rank(t.light.color), t.task.position));
            }
        }
    }
}

/// A plan's visible tasks that `filter` keeps, in `order`, with the plan.
pub async fn plan_tasks(
    store: &Store,
    actor: &Actor,
    plan_id: i64,
    filter: &TaskFilter,
    order: TaskOrder,
    today: NaiveDate,
) -> Result<(Plan, Vec<TaskWithLight>)> {
    let plan = visible(store, actor, plan_id).await?;
    let mut tasks: Vec<TaskWithLight> = visible_tasks(store, actor, &plan, today)
        .await?
        .into_iter()
        .filter(|t| filter.keeps(t))
        .collect();
    order.sort(&mut tasks);
    Ok((plan, tasks))
}

/// One task the caller may read, with its light, and its plan.
pub async fn task(
    store: &Store,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> Result<(Plan, TaskWithLight)> {
    let (plan, item, _) = task_detail(store, actor, id, today).await?;
    Ok((plan, item))
}

/// A task the caller may read with its light and its targets' progress, computed from the
/// task's own reports.
pub async fn task_detail(
    store: &Store,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> Result<(Plan, TaskWithLight, Vec<TargetProgress>)> {
    let scope = authorize(store, actor, id, TaskAction::Read).await?;
    let plan = store.plan(actor.organization_id, scope.plan_id).await?;
    let organization = store.organization(actor.organization_id).await?;
    let (item, targets) = store
        .task_progress(&plan, id, &organization.light_rules, today)
        .await?;
    Ok((plan, item, targets))
}

/// The tasks the caller's units lead or help with, plan by plan, in each plan's order.
pub async fn my_tasks(
    store: &Store,
    actor: &Actor,
    today: NaiveDate,
) -> Result<Vec<(Plan, Vec<TaskWithLight>)>> {
    let ids = store
        .task_ids_for_units(actor.organization_id, &actor.units)
        .await?;
    let mut plan_ids: Vec<i64> = Vec::new();
    for id in &ids {
        let scope = store.task_scope(*id).await?;
        if !plan_ids.contains(&scope.plan_id) {
            plan_ids.push(scope.plan_id);
        }
    }
    let mut mine = Vec::new();
    for plan_id in plan_ids {
        let plan = store.plan(actor.organization_id, plan_id).await?;
        let tasks = visible_tasks(store, actor, &plan, today)
            .await?
            .into_iter()
            .filter(|t| ids.contains(&t.task.id))
            .collect();
        mine.push((plan, tasks));
    }
    Ok(mine)
}

/// The supervision office's figures for a plan (督查看板).
pub async fn dashboard(
    store: &Store,
    actor: &Actor,
    plan_id: i64,
    today: NaiveDate,
) -> Result<Dashboard> {
    check(decide(actor, Action::ReadOrganization), "计划")?;
    let plan = store.plan(actor.organization_id, plan_id).await?;
    let organization = store.organization(actor.organization_id).await?;
    Ok(store
        .dashboard(&plan, &organization.light_rules, today)
        .await?)
}

/// Publishes a period's progress to the public page (每月公开发布进展).
pub async fn publish_period(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    plan_id: i64,
    period: &str,
    today: NaiveDate,
) -> Result<PublicPeriod> {
    let plan = managed(store, actor, plan_id).await?;
    let organization = store.organization(actor.organization_id).await?;
    Ok(store
        .publish_period(audit, &plan, period, &organization.light_rules, today)
        .await?)
}

/// A report the caller's unit still owes for a task it leads, with what is already written
/// for the period (a draft or a returned report), if anything.
pub struct Owed {
    pub report: OwedReport,
    pub written: Option<ReportState>,
}

/// A unit's day (我的任务): its tasks plan by plan, the reports it owes for the tasks it
/// leads, and the reports sent back to it with the reason.
pub struct UnitWork {
    pub plans: Vec<(Plan, Vec<TaskWithLight>)>,
    pub owed: Vec<Owed>,
    /// The standing report of each period that was returned, by period then task.
    pub returned: Vec<Report>,
}

pub async fn unit_work(store: &Store, actor: &Actor, today: NaiveDate) -> Result<UnitWork> {
    let plans = my_tasks(store, actor, today).await?;
    let leads = |task: &Task| task.lead_unit_ids().iter().any(|u| actor.units.contains(u));
    let led: Vec<i64> = plans
        .iter()
        .flat_map(|(_, tasks)| tasks)
        .filter(|t| leads(&t.task))
        .map(|t| t.task.id)
        .collect();
    let reports = if led.is_empty() {
        Vec::new()
    } else {
        let filter = ReportFilter {
            organization_id: actor.organization_id,
            task_ids: Some(led.clone()),
            ..Default::default()
        };
        store.reports(&filter, Paging::all()).await?.items
    };
    let standing = standing_reports(&reports);
    let mut owed = Vec::new();
    for (plan, _) in &plans {
        for report in store.owed_reports(plan, today).await? {
            if !led.contains(&report.task_id) {
                continue;
            }
            let written = standing
                .get(&(report.task_id, report.period.as_str()))
                .map(|r| r.state)
                .filter(|s| matches!(s, ReportState::Draft | ReportState::Returned));
            owed.push(Owed { report, written });
        }
    }
    let mut returned: Vec<Report> = standing
        .values()
        .filter(|r| r.state == ReportState::Returned)
        .map(|r| (*r).clone())
        .collect();
    returned.sort_by(|a, b| a.period.cmp(&b.period).then(a.task_id.cmp(&b.task_id)));
    Ok(UnitWork {
        plans,
        owed,
        returned,
    })
}

/// A plan the caller may see with its sections and the tasks it may see.
pub async fn plan_view(
    store: &Store,
    actor: &Actor,
    plan_id: i64,
    today: NaiveDate,
) -> Result<(Plan, Vec<Section>, Vec<TaskWithLight>)> {
    let plan = visible(store, actor, plan_id).await?;
    let sections = store.sections(plan.id).await?;
    let tasks = visible_tasks(store, actor, &plan, today).await?;
    Ok((plan, sections, tasks))
}

/// A plan's sections, for whoever may see the plan.
pub async fn sections(store: &Store, actor: &Actor, plan_id: i64) -> Result<Vec<Section>> {
    let plan = visible(store, actor, plan_id).await?;
    Ok(store.sections(plan.id).await?)
}

/// The progress of one task's targets against 序时进度, for whoever may read the task.
pub async fn task_targets(
    store: &Store,
    actor: &Actor,
    task_id: i64,
    today: NaiveDate,
) -> Result<Vec<TargetProgress>> {
    let (_, _, targets) = task_detail(store, actor, task_id, today).await?;
    Ok(targets)
}

/// What others changed in a plan since the caller's previous login (or lately, on a first
/// login): the time of that login and up to `limit` entries, newest first.
pub async fn changes_since_last_login(
    store: &Store,
    actor: &Actor,
    plan_id: i64,
    limit: usize,
) -> Result<(Option<AuditEntry>, Vec<AuditEntry>)> {
    check(decide(actor, Action::ReadOrganization), "计划")?;
    let plan = store.plan(actor.organization_id, plan_id).await?;
    let since = store.previous_login(actor.user_id).await?;
    // Twice the limit is read so that the caller's own changes, left out, seldom leave the
    // list short.
    let recent = store
        .history(
            actor.organization_id,
            HistoryScope::Plan(plan.id),
            since.as_ref().map(|e| e.id),
            Paging::new(Some(1), Some(limit as i64 * 2)),
        )
        .await?;
    let others = recent
        .items
        .into_iter()
        .filter(|e| e.actor_id != Some(actor.user_id))
        .take(limit)
        .collect();
    Ok((since, others))
}
