//! The report workflow as people take it: who may move a report from one state to the
//! next is decided here once, for the API, the pages and the CLI.

use luoshi_domain::policy::{Action, Actor, decide};
use luoshi_domain::report::{ReportAction, ReportState};
use luoshi_store::{Audit, Report, Store, TaskScopeFacts};

use crate::error::{AppError, Result, check};
use crate::tasks::{known, scope_of};

/// A report the caller may read, with its task's scope; 404 outside the caller's scope.
pub async fn readable(store: &Store, actor: &Actor, id: i64) -> Result<(Report, TaskScopeFacts)> {
    let report = store.report(id).await?;
    let scope = known(store, actor, report.task_id)
        .await
        .map_err(|_| AppError::NotFound("报送"))?;
    check(decide(actor, Action::ReadTask(scope_of(&scope))), "报送")?;
    Ok((report, scope))
}

/// The permission `action` needs on this report: writing for submit and edit, the unit
/// head's for approve, the supervisor's for accept and return, except that a unit head
/// returns a submitted report that awaits its approval.
fn permission_for<'a>(
    actor: &Actor,
    action: ReportAction,
    report: &Report,
    scope: &'a TaskScopeFacts,
    head_review: bool,
) -> Action<'a> {
    let scope = scope_of(scope);
    let head_returning = action == ReportAction::Return
        && head_review
        && report.state == ReportState::Submitted
        && decide(actor, Action::ApproveReport(scope)).allowed();
    match action {
        ReportAction::Submit | ReportAction::Edit => Action::WriteReport(scope),
        ReportAction::Approve => Action::ApproveReport(scope),
        ReportAction::Return if head_returning => Action::ApproveReport(scope),
        ReportAction::Accept | ReportAction::Return => Action::ReviewReport(scope),
    }
}

/// Moves a report on: submit, approve, accept or return (with its reason).
pub async fn transition(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    id: i64,
    action: ReportAction,
    reason: Option<&str>,
) -> Result<Report> {
    let (report, scope) = readable(store, actor, id).await?;
    let organization = store.organization(actor.organization_id).await?;
    let permission = permission_for(actor, action, &report, &scope, organization.head_review);
    check(decide(actor, permission), "报送")?;
    Ok(store
        .transition_report(audit, id, action, reason, organization.head_review)
        .await?)
}

/// A report the caller may write (edit, correct, attach evidence to).
pub async fn writable(store: &Store, actor: &Actor, id: i64) -> Result<(Report, TaskScopeFacts)> {
    let (report, scope) = readable(store, actor, id).await?;
    check(decide(actor, Action::WriteReport(scope_of(&scope))), "报送")?;
    Ok((report, scope))
}
