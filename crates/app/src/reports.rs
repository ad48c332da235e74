//! The report workflow as people take it: who may move a report from one state to the
//! next is decided here once, for the API, the pages and the CLI.

use luoshi_domain::policy::{Action, Actor, TaskAction, decide};
use luoshi_domain::report::{ReportAction, ReportState};
use luoshi_store::{
    Attachment, Audit, Contribution, NewAttachment, Page, Paging, Report, ReportFilter,
    ReportInput, Store, StoreError, TaskScopeFacts,
};

use crate::error::{AppError, Result, check};
use crate::notices;
use crate::tasks::{authorize, known, scope_of};

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
pub(crate) fn permission_for<'a>(
    actor: &Actor,
    action: ReportAction,
    state: ReportState,
    scope: &'a TaskScopeFacts,
    head_review: bool,
) -> Action<'a> {
    let scope = scope_of(scope);
    let head_returning = action == ReportAction::Return
        && head_review
        && state == ReportState::Submitted
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
    let permission = permission_for(
        actor,
        action,
        report.state,
        &scope,
        organization.head_review,
    );
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

/// The caller's unit among `units` (the unit a report or contribution is written for).
fn own_unit(actor: &Actor, units: &[i64]) -> Option<i64> {
    actor.units.iter().copied().find(|u| units.contains(u))
}

/// Starts the report of `period` for a task, for the caller's lead unit; optionally
/// submitted at once.
pub async fn create(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    task_id: i64,
    period: &str,
    input: &ReportInput,
    submit: bool,
) -> Result<Report> {
    let scope = authorize(store, actor, task_id, TaskAction::WriteReport).await?;
    Ok(store
        .create_report(
            audit,
            task_id,
            period,
            own_unit(actor, &scope.lead),
            input,
            submit,
        )
        .await?)
}

/// The newest version of a task's report for `period`, if one was started.
pub async fn for_period(
    store: &Store,
    actor: &Actor,
    task_id: i64,
    period: &str,
) -> Result<Option<Report>> {
    authorize(store, actor, task_id, TaskAction::Read).await?;
    let filter = ReportFilter {
        organization_id: actor.organization_id,
        task_id: Some(task_id),
        period: Some(period.to_string()),
        ..Default::default()
    };
    Ok(store
        .reports(&filter, Paging::all())
        .await?
        .items
        .into_iter()
        .next())
}

/// Writes the period's report as the report form does: the draft (or returned report) is
/// updated, a period without one gets a new draft, and a report already submitted is
/// refused. Submitting is a separate [`transition`].
pub async fn save_for_period(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    task_id: i64,
    period: &str,
    input: &ReportInput,
) -> Result<Report> {
    authorize(store, actor, task_id, TaskAction::WriteReport).await?;
    match for_period(store, actor, task_id, period).await? {
        Some(report) if matches!(report.state, ReportState::Draft | ReportState::Returned) => {
            Ok(store.update_report(audit, report.id, input).await?)
        }
        Some(_) => Err(StoreError::Conflict("本期报送已提交，不能再修改".into()).into()),
        None => create(store, actor, audit, task_id, period, input, false).await,
    }
}

pub async fn update(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    id: i64,
    input: &ReportInput,
) -> Result<Report> {
    writable(store, actor, id).await?;
    Ok(store.update_report(audit, id, input).await?)
}

/// Opens a correction (更正) of an accepted report as its next version.
pub async fn correct(store: &Store, actor: &Actor, audit: &Audit, id: i64) -> Result<Report> {
    writable(store, actor, id).await?;
    Ok(store.correct_report(audit, id).await?)
}

/// Records evidence (佐证材料) already stored as a file against a report.
pub async fn attach(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    id: i64,
    attachment: &NewAttachment,
) -> Result<Attachment> {
    writable(store, actor, id).await?;
    Ok(store.add_attachment(audit, id, attachment).await?)
}

/// An attachment the caller may download: 404 unless it may read the report or the notice
/// it is evidence for.
pub async fn attachment(store: &Store, actor: &Actor, id: i64) -> Result<Attachment> {
    let attachment = store.attachment(id).await?;
    let allowed = match (attachment.report_id, attachment.notice_id) {
        (Some(report), _) => readable(store, actor, report).await.map(drop),
        (None, Some(notice)) => notices::readable(store, actor, notice).await,
        (None, None) => Err(AppError::NotFound("附件")),
    };
    allowed.map_err(|_| AppError::NotFound("附件"))?;
    Ok(attachment)
}

/// A task's reports, every version.
pub async fn of_task(
    store: &Store,
    actor: &Actor,
    task_id: i64,
    paging: Paging,
) -> Result<Page<Report>> {
    authorize(store, actor, task_id, TaskAction::Read).await?;
    let filter = ReportFilter {
        organization_id: actor.organization_id,
        task_id: Some(task_id),
        ..Default::default()
    };
    Ok(store.reports(&filter, paging).await?)
}

/// Reports across plans; a caller who does not read the whole organization sees only its
/// units' tasks.
pub async fn list(
    store: &Store,
    actor: &Actor,
    filter: ReportFilter,
    paging: Paging,
) -> Result<Page<Report>> {
    let task_ids = if actor.role.reads_everything() {
        None
    } else {
        Some(
            store
                .task_ids_for_units(actor.organization_id, &actor.units)
                .await?,
        )
    };
    let filter = ReportFilter {
        organization_id: actor.organization_id,
        task_ids,
        ..filter
    };
    Ok(store.reports(&filter, paging).await?)
}

/// What co-units wrote for a task (配合情况), for one period or all.
pub async fn contributions(
    store: &Store,
    actor: &Actor,
    task_id: i64,
    period: Option<&str>,
) -> Result<Vec<Contribution>> {
    authorize(store, actor, task_id, TaskAction::Read).await?;
    Ok(store.contributions(task_id, period).await?)
}

/// A co-unit's account of its part in a task for a period.
pub async fn contribute(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    task_id: i64,
    period: &str,
    body: &str,
) -> Result<Contribution> {
    let scope = authorize(store, actor, task_id, TaskAction::Contribute).await?;
    let unit = own_unit(actor, &scope.co).ok_or(AppError::Forbidden)?;
    Ok(store
        .add_contribution(audit, task_id, period, unit, body)
        .await?)
}
