//! Work queues (待办): the reports waiting for the caller's decision, the notices waiting
//! for its answer and the periods its unit, as a co-unit (配合单位), has yet to contribute
//! to, and the leaders' instructions (批示) its unit has yet to read, across plans. Each entry is decided through the same
//! permission the action itself checks, so a queue never offers what would be refused.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use luoshi_domain::period::Period;
use luoshi_domain::policy::{Action, Actor, decide};
use luoshi_domain::report::{ReportAction, ReportState};
use luoshi_store::{
    Comment, Notice, NoticeFilter, NoticeState, Paging, Plan, Report, ReportFilter, Store, Task,
    TaskScopeFacts, owed_periods,
};

use crate::error::Result;
use crate::reports::permission_for;
use crate::tasks::scope_of;

/// A report waiting for the caller: the unit head's approval (待审核) or the supervisor's
/// acceptance (待采纳); the same permission lets the caller return it.
#[derive(Clone, Debug)]
pub struct AwaitingDecision {
    pub report: Report,
    /// `Approve` or `Accept`.
    pub decision: ReportAction,
    pub task: Task,
    pub period: Period,
}

/// A notice addressed to one of the caller's units that it has not answered (待回复).
#[derive(Clone, Debug)]
pub struct AwaitingAnswer {
    pub notice: Notice,
    pub task: Task,
}

/// A leader's instruction (批示) on a task the caller's unit leads, not yet read (待阅).
#[derive(Clone, Debug)]
pub struct AwaitingReading {
    pub instruction: Comment,
    pub task: Task,
}

/// A period of a task the caller's unit supports whose report the lead unit has not yet
/// delivered and to which the unit has not contributed (待反馈).
#[derive(Clone, Debug)]
pub struct AwaitingContribution {
    pub task: Task,
    pub period: Period,
    pub due: NaiveDate,
}

/// How much waits for the caller, for the count in every page's header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkCounts {
    pub decisions: usize,
    pub answers: usize,
    pub contributions: usize,
    pub instructions: usize,
}

impl WorkCounts {
    pub fn total(self) -> usize {
        self.decisions + self.answers + self.contributions + self.instructions
    }
}

/// Everything that waits for the caller, with its task.
#[derive(Clone, Debug, Default)]
pub struct Work {
    /// The earliest submitted of the reports waiting, as many as were asked for.
    pub decisions: Vec<AwaitingDecision>,
    /// How many reports wait in all.
    pub decisions_total: usize,
    pub answers: Vec<AwaitingAnswer>,
    pub contributions: Vec<AwaitingContribution>,
    pub instructions: Vec<AwaitingReading>,
}

/// What waits, before the tasks are loaded for display.
struct Pending {
    decisions: Vec<(Report, ReportAction)>,
    decisions_total: usize,
    answers: Vec<Notice>,
    contributions: Vec<(i64, Period, NaiveDate)>,
    instructions: Vec<Comment>,
    scopes: HashMap<i64, TaskScopeFacts>,
    plans: HashMap<i64, Plan>,
}

async fn pending(store: &Store, actor: &Actor, today: NaiveDate, shown: usize) -> Result<Pending> {
    let organization = store.organization(actor.organization_id).await?;
    let head_review = organization.head_review;
    let scopes = store.published_task_scopes(actor.organization_id).await?;
    // Decided per task and state from the counts, then only the first `shown` are loaded.
    let mut allowed: Vec<(ReportState, Vec<i64>)> = Vec::new();
    for (task, state, _) in store.waiting_report_counts(actor.organization_id).await? {
        let (Some(decision), Some(scope)) = (state.awaits(head_review), scopes.get(&task)) else {
            continue;
        };
        let permission = permission_for(actor, decision, state, scope, head_review);
        if decide(actor, permission).allowed() {
            match allowed.iter_mut().find(|(s, _)| *s == state) {
                Some((_, tasks)) => tasks.push(task),
                None => allowed.push((state, vec![task])),
            }
        }
    }
    let limit = i64::try_from(shown).unwrap_or(i64::MAX);
    let waiting = store.waiting_reports(&allowed, limit).await?;
    let decisions_total = usize::try_from(waiting.total).unwrap_or_default();
    let decisions = waiting
        .items
        .into_iter()
        .filter_map(|report| {
            let decision = report.state.awaits(head_review)?;
            Some((report, decision))
        })
        .collect();
    let answers = open_notices_to_answer(store, actor, &scopes).await?;
    let mut plans = HashMap::new();
    let contributions = contributions_owed(store, actor, today, &scopes, &mut plans).await?;
    let instructions = instructions_to_read(store, actor, &scopes).await?;
    Ok(Pending {
        decisions,
        decisions_total,
        answers,
        contributions,
        instructions,
        scopes,
        plans,
    })
}

/// The open notices addressed to the caller's units that it may answer.
async fn open_notices_to_answer(
    store: &Store,
    actor: &Actor,
    scopes: &HashMap<i64, TaskScopeFacts>,
) -> Result<Vec<Notice>> {
    let filter = NoticeFilter {
        organization_id: actor.organization_id,
        state: Some(NoticeState::Open),
        unit_ids: Some(actor.units.clone()),
        ..Default::default()
    };
    Ok(store
        .notices(&filter, Paging::all())
        .await?
        .items
        .into_iter()
        .filter(|notice| {
            scopes.get(&notice.task_id).is_some_and(|scope| {
                let action = Action::AnswerNotice {
                    task: scope_of(scope),
                    unit: notice.unit_id,
                };
                decide(actor, action).allowed()
            })
        })
        .collect())
}

/// The leaders' instructions on tasks the caller's unit leads that it has not read.
async fn instructions_to_read(
    store: &Store,
    actor: &Actor,
    scopes: &HashMap<i64, TaskScopeFacts>,
) -> Result<Vec<Comment>> {
    Ok(store
        .unread_instructions(actor.organization_id)
        .await?
        .into_iter()
        .filter(|comment| {
            scopes.get(&comment.task_id).is_some_and(|scope| {
                decide(actor, Action::AcknowledgeInstruction(scope_of(scope))).allowed()
            })
        })
        .collect())
}

/// The (task, period, due date) a co-unit of the caller's still owes its part for: periods
/// begun by `today` that the lead unit has not delivered and the unit has not written for.
async fn contributions_owed(
    store: &Store,
    actor: &Actor,
    today: NaiveDate,
    scopes: &HashMap<i64, TaskScopeFacts>,
    plans: &mut HashMap<i64, Plan>,
) -> Result<Vec<(i64, Period, NaiveDate)>> {
    let supported: Vec<&TaskScopeFacts> = scopes
        .values()
        .filter(|scope| decide(actor, Action::Contribute(scope_of(scope))).allowed())
        .collect();
    if supported.is_empty() {
        return Ok(Vec::new());
    }
    let task_ids: Vec<i64> = supported.iter().map(|scope| scope.task_id).collect();
    let filter = ReportFilter {
        organization_id: actor.organization_id,
        task_ids: Some(task_ids.clone()),
        ..Default::default()
    };
    let delivered: HashSet<(i64, String)> = store
        .reports(&filter, Paging::all())
        .await?
        .items
        .into_iter()
        .filter(|report| report.state.is_delivered())
        .map(|report| (report.task_id, report.period))
        .collect();
    let written: HashSet<(i64, String)> = store
        .contributions_of_units(&task_ids, &actor.units)
        .await?
        .into_iter()
        .map(|contribution| (contribution.task_id, contribution.period))
        .collect();
    let mut owed = Vec::new();
    for scope in supported {
        if let Entry::Vacant(entry) = plans.entry(scope.plan_id) {
            entry.insert(store.plan(actor.organization_id, scope.plan_id).await?);
        }
        let plan = &plans[&scope.plan_id];
        for period in owed_periods(plan, plan.cycle, today) {
            let key = (scope.task_id, period.key());
            if !delivered.contains(&key) && !written.contains(&key) {
                owed.push((scope.task_id, period, period.due(plan.due_day as u32)));
            }
        }
    }
    owed.sort_by_key(|(task, _, due)| (*due, *task));
    Ok(owed)
}

/// The counts alone, for every page's header: the waiting reports are counted by task and
/// decided per task, none is loaded.
pub async fn counts(store: &Store, actor: &Actor, today: NaiveDate) -> Result<WorkCounts> {
    let organization = store.organization(actor.organization_id).await?;
    let head_review = organization.head_review;
    let scopes = store.published_task_scopes(actor.organization_id).await?;
    let mut decisions = 0;
    for (task, state, count) in store.waiting_report_counts(actor.organization_id).await? {
        let (Some(decision), Some(scope)) = (state.awaits(head_review), scopes.get(&task)) else {
            continue;
        };
        let permission = permission_for(actor, decision, state, scope, head_review);
        if decide(actor, permission).allowed() {
            decisions += count as usize;
        }
    }
    let answers = open_notices_to_answer(store, actor, &scopes).await?.len();
    let mut plans = HashMap::new();
    let contributions = contributions_owed(store, actor, today, &scopes, &mut plans)
        .await?
        .len();
    let instructions = instructions_to_read(store, actor, &scopes).await?.len();
    Ok(WorkCounts {
        decisions,
        answers,
        contributions,
        instructions,
    })
}

/// The caller's queues with their tasks: the `shown` reports submitted first (and how many
/// wait in all), notices and contributions earliest due first.
pub async fn work(store: &Store, actor: &Actor, today: NaiveDate, shown: usize) -> Result<Work> {
    let Pending {
        decisions,
        decisions_total,
        mut answers,
        contributions,
        instructions,
        scopes,
        mut plans,
    } = pending(store, actor, today, shown).await?;
    let mut tasks = HashMap::new();
    let mut loaded = HashSet::new();
    let task_ids = decisions
        .iter()
        .map(|(report, _)| report.task_id)
        .chain(answers.iter().map(|notice| notice.task_id))
        .chain(contributions.iter().map(|(task, ..)| *task))
        .chain(instructions.iter().map(|comment| comment.task_id));
    for task_id in task_ids {
        let Some(plan_id) = scopes.get(&task_id).map(|scope| scope.plan_id) else {
            continue;
        };
        if loaded.insert(plan_id) {
            if let Entry::Vacant(entry) = plans.entry(plan_id) {
                entry.insert(store.plan(actor.organization_id, plan_id).await?);
            }
            for task in store.plan_tasks(plan_id).await? {
                tasks.insert(task.id, task);
            }
        }
    }
    let mut awaiting_decision = Vec::new();
    for (report, decision) in decisions {
        let (Some(task), Some(plan)) = (
            tasks.get(&report.task_id),
            scopes
                .get(&report.task_id)
                .and_then(|s| plans.get(&s.plan_id)),
        ) else {
            continue;
        };
        let period = Period::parse(plan.cycle, &report.period)?;
        awaiting_decision.push(AwaitingDecision {
            task: task.clone(),
            report,
            decision,
            period,
        });
    }
    answers.sort_by_key(|notice| (notice.response_due, notice.id));
    let awaiting_answer = answers
        .into_iter()
        .filter_map(|notice| {
            let task = tasks.get(&notice.task_id)?.clone();
            Some(AwaitingAnswer { notice, task })
        })
        .collect();
    let awaiting_contribution = contributions
        .into_iter()
        .filter_map(|(task, period, due)| {
            let task = tasks.get(&task)?.clone();
            Some(AwaitingContribution { task, period, due })
        })
        .collect();
    let awaiting_reading = instructions
        .into_iter()
        .filter_map(|instruction| {
            let task = tasks.get(&instruction.task_id)?.clone();
            Some(AwaitingReading { instruction, task })
        })
        .collect();
    Ok(Work {
        decisions: awaiting_decision,
        decisions_total,
        answers: awaiting_answer,
        contributions: awaiting_contribution,
        instructions: awaiting_reading,
    })
}
