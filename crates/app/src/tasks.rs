//! Which tasks a caller may know of and act on: the scope is loaded once and every action
//! on a task is decided through the policy against it.

use luoshi_domain::policy::{Action, Actor, TaskAction, TaskScope, decide};
use luoshi_store::{AuditEntry, HistoryScope, Page, Paging, Store, TaskScopeFacts};

use crate::error::{AppError, Result, check};

/// The scope of a task the caller may at least know exists (same organization; drafts only
/// for plan managers). The caller still checks the action it wants.
pub async fn known(store: &Store, actor: &Actor, task_id: i64) -> Result<TaskScopeFacts> {
    let scope = store.task_scope(task_id).await?;
    if scope.organization_id != actor.organization_id
        || (!scope.plan_published && !decide(actor, Action::ManagePlans).allowed())
    {
        return Err(AppError::NotFound("任务"));
    }
    Ok(scope)
}

/// Loads a task's scope and checks `action` on it; the scope is returned for the checks
/// that follow.
pub async fn authorize(
    store: &Store,
    actor: &Actor,
    task_id: i64,
    action: TaskAction,
) -> Result<TaskScopeFacts> {
    let scope = known(store, actor, task_id).await?;
    check(decide(actor, action.on(scope_of(&scope))), "任务")?;
    Ok(scope)
}

/// The policy's view of a task's stored scope.
pub fn scope_of(facts: &TaskScopeFacts) -> TaskScope<'_> {
    TaskScope {
        lead: &facts.lead,
        co: &facts.co,
    }
}

/// A task's history (the audit entries of the task and what hangs off it), newest first.
pub async fn history(
    store: &Store,
    actor: &Actor,
    task_id: i64,
    paging: Paging,
) -> Result<Page<AuditEntry>> {
    authorize(store, actor, task_id, TaskAction::Read).await?;
    Ok(store
        .history(
            actor.organization_id,
            HistoryScope::Task(task_id),
            None,
            paging,
        )
        .await?)
}
