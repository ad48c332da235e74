//! Supervision (督查督办): notices issued to a task's units, their answers and closing, and
//! the comments and instructions (批示) left on a task.

use chrono::NaiveDate;
use luoshi_domain::policy::{Action, Actor, TaskAction, decide};
use luoshi_store::{
    Attachment, Audit, Comment, CommentKind, NewAttachment, NewNotice, Notice, NoticeFilter,
    NoticeState, Page, Paging, Store, TaskScopeFacts,
};

use crate::error::{AppError, Result, check};
use crate::tasks::{authorize, known, scope_of};

/// Issues a notice to one of the task's lead or co-units, to be answered by a day not yet
/// past (`today` or later).
pub async fn issue(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    task_id: i64,
    notice: &NewNotice,
    today: NaiveDate,
) -> Result<Notice> {
    let scope = authorize(store, actor, task_id, TaskAction::Supervise).await?;
    if notice.response_due < today {
        return Err(AppError::Invalid {
            field: "response_due",
            message: format!(
                "回复期限 {} 已过，应不早于今天（{today}）",
                notice.response_due
            ),
        });
    }
    if !scope.lead.contains(&notice.unit_id) && !scope.co.contains(&notice.unit_id) {
        return Err(AppError::Invalid {
            field: "unit_id",
            message: "督办对象应为该任务的牵头或配合单位".into(),
        });
    }
    Ok(store.issue_notice(audit, task_id, notice).await?)
}

/// A notice with its task's scope; 404 when the caller may not know the task.
async fn scoped(store: &Store, actor: &Actor, id: i64) -> Result<(Notice, TaskScopeFacts)> {
    let notice = store.notice(id).await?;
    let scope = known(store, actor, notice.task_id)
        .await
        .map_err(|_| AppError::NotFound("督办单"))?;
    Ok((notice, scope))
}

/// The notified unit's answer (回复).
pub async fn answer(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    id: i64,
    response: &str,
    evidence: Option<&NewAttachment>,
) -> Result<Notice> {
    may_answer(store, actor, id).await?;
    Ok(store.answer_notice(audit, id, response, evidence).await?)
}

/// Refuses a caller who may not answer the notice, before its file is saved.
pub async fn may_answer(store: &Store, actor: &Actor, id: i64) -> Result<()> {
    let (notice, scope) = scoped(store, actor, id).await?;
    let action = Action::AnswerNotice {
        task: scope_of(&scope),
        unit: notice.unit_id,
    };
    check(decide(actor, action), "督办单")
}

/// The files units attached to their answers (整改材料) of these notices of one task, as
/// [`of_task`] listed them.
pub async fn answer_files(
    store: &Store,
    actor: &Actor,
    task_id: i64,
    notices: &[Notice],
) -> Result<Vec<Attachment>> {
    authorize(store, actor, task_id, TaskAction::Read).await?;
    let ids: Vec<i64> = notices
        .iter()
        .filter(|n| n.task_id == task_id)
        .map(|n| n.id)
        .collect();
    Ok(store.notice_attachments(&ids).await?)
}

/// Refuses a caller who may not read the notice's task (a 404, as for the task).
pub async fn readable(store: &Store, actor: &Actor, id: i64) -> Result<()> {
    let (_, scope) = scoped(store, actor, id).await?;
    check(decide(actor, Action::ReadTask(scope_of(&scope))), "督办单")
}

/// The supervisor closes the notice (办结).
pub async fn close(store: &Store, actor: &Actor, audit: &Audit, id: i64) -> Result<Notice> {
    let (_, scope) = scoped(store, actor, id).await?;
    check(decide(actor, Action::Supervise(scope_of(&scope))), "督办单")?;
    Ok(store.close_notice(audit, id).await?)
}

/// Notices across plans; a caller who does not read the whole organization sees only those
/// addressed to its units.
pub async fn list(
    store: &Store,
    actor: &Actor,
    task_id: Option<i64>,
    state: Option<NoticeState>,
    paging: Paging,
) -> Result<Page<Notice>> {
    let filter = NoticeFilter {
        organization_id: actor.organization_id,
        task_id,
        state,
        unit_ids: (!actor.role.reads_everything()).then(|| actor.units.clone()),
    };
    Ok(store.notices(&filter, paging).await?)
}

/// Every notice on a task the caller may read.
pub async fn of_task(
    store: &Store,
    actor: &Actor,
    task_id: i64,
    paging: Paging,
) -> Result<Page<Notice>> {
    authorize(store, actor, task_id, TaskAction::Read).await?;
    let filter = NoticeFilter {
        organization_id: actor.organization_id,
        task_id: Some(task_id),
        ..Default::default()
    };
    Ok(store.notices(&filter, paging).await?)
}

pub async fn comments(
    store: &Store,
    actor: &Actor,
    task_id: i64,
    paging: Paging,
) -> Result<Page<Comment>> {
    authorize(store, actor, task_id, TaskAction::Read).await?;
    Ok(store.comments(task_id, paging).await?)
}

/// A comment on a task, optionally about one report; a leader's is an instruction (批示),
/// which waits in the lead unit's queue until it is read.
pub async fn comment(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    task_id: i64,
    report_id: Option<i64>,
    body: &str,
) -> Result<Comment> {
    authorize(store, actor, task_id, TaskAction::Comment).await?;
    let kind = CommentKind::written_by(actor.role);
    Ok(store
        .add_comment(audit, task_id, report_id, kind, body)
        .await?)
}

/// The lead unit marks a leader's instruction read (已阅), which takes it off its queue.
pub async fn acknowledge(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    comment_id: i64,
) -> Result<Comment> {
    let comment = store.comment(comment_id).await?;
    authorize(
        store,
        actor,
        comment.task_id,
        TaskAction::AcknowledgeInstruction,
    )
    .await?;
    Ok(store.acknowledge_instruction(audit, comment_id).await?)
}
