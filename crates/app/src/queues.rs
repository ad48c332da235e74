//! Work queues (待办): the reports waiting for the caller's decision and the notices
//! waiting for its answer, across plans. Each entry is decided through the same
//! permission the action itself checks, so a queue never offers what would be refused.

use std::collections::HashMap;

use luoshi_domain::period::Period;
use luoshi_domain::policy::{Action, Actor, decide};
use luoshi_domain::report::{ReportAction, ReportState};
use luoshi_store::{
    Notice, NoticeFilter, NoticeState, Paging, Report, ReportFilter, Store, Task, TaskScopeFacts,
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

/// How much waits for the caller, for the count in every page's header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkCounts {
    pub decisions: usize,
    pub answers: usize,
}

impl WorkCounts {
    pub fn total(self) -> usize {
        self.decisions + self.answers
    }
}

/// What waits, before the tasks are loaded for display.
struct Pending {
    decisions: Vec<(Report, ReportAction)>,
    answers: Vec<Notice>,
    scopes: HashMap<i64, TaskScopeFacts>,
}

async fn pending(store: &Store, actor: &Actor) -> Result<Pending> {
    let organization = store.organization(actor.organization_id).await?;
    let head_review = organization.head_review;
    let scopes = store.published_task_scopes(actor.organization_id).await?;
    let mut decisions = Vec::new();
    for state in [ReportState::Submitted, ReportState::Approved] {
        let filter = ReportFilter {
            organization_id: actor.organization_id,
            state: Some(state),
            ..Default::default()
        };
        for report in store.reports(&filter, Paging::all()).await?.items {
            let (Some(decision), Some(scope)) = (
                report.state.awaits(head_review),
                scopes.get(&report.task_id),
            ) else {
                continue;
            };
            let permission = permission_for(actor, decision, &report, scope, head_review);
            if decide(actor, permission).allowed() {
                decisions.push((report, decision));
            }
        }
    }
    decisions.sort_by_key(|(report, _)| (report.submitted_at, report.id));
    let filter = NoticeFilter {
        organization_id: actor.organization_id,
        state: Some(NoticeState::Open),
        unit_ids: Some(actor.units.clone()),
        ..Default::default()
    };
    let answers = store
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
        .collect();
    Ok(Pending {
        decisions,
        answers,
        scopes,
    })
}

/// The counts alone: no task is loaded.
pub async fn counts(store: &Store, actor: &Actor) -> Result<WorkCounts> {
    let pending = pending(store, actor).await?;
    Ok(WorkCounts {
        decisions: pending.decisions.len(),
        answers: pending.answers.len(),
    })
}

/// The caller's queues with their tasks: reports oldest submitted first, notices earliest
/// due first.
pub async fn work(
    store: &Store,
    actor: &Actor,
) -> Result<(Vec<AwaitingDecision>, Vec<AwaitingAnswer>)> {
    let Pending {
        decisions,
        mut answers,
        scopes,
    } = pending(store, actor).await?;
    let mut plans = HashMap::new();
    let mut tasks = HashMap::new();
    let task_ids = decisions
        .iter()
        .map(|(report, _)| report.task_id)
        .chain(answers.iter().map(|notice| notice.task_id));
    for task_id in task_ids {
        let Some(plan_id) = scopes.get(&task_id).map(|scope| scope.plan_id) else {
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(entry) = plans.entry(plan_id) {
            let plan = store.plan(actor.organization_id, plan_id).await?;
            for task in store.plan_tasks(plan_id).await? {
                tasks.insert(task.id, task);
            }
            entry.insert(plan);
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
    Ok((awaiting_decision, awaiting_answer))
}
