//! Notices (督办单) and comments on a task.

use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use luoshi_domain::policy::{Action, TaskAction, decide};
use serde::Deserialize;

use crate::AppState;
use crate::api::Path;
use crate::api::plans::authorize_task;
use crate::error::ApiError;

use super::frame::{PageResult, TokenForm, Viewer};

#[derive(Deserialize)]
pub(super) struct NoticeForm {
    csrf_token: String,
    unit_id: i64,
    reason: String,
    response_due: String,
}

pub(super) async fn notice_issue(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<NoticeForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let scope = authorize_task(&state, &caller, id, TaskAction::Supervise).await?;
    if !scope.lead.contains(&form.unit_id) && !scope.co.contains(&form.unit_id) {
        return Err(ApiError::bad_request("unit_id", "督办对象应为该任务的牵头或配合单位").into());
    }
    let notice = luoshi_store::NewNotice {
        unit_id: form.unit_id,
        reason: form.reason,
        response_due: form.response_due,
    };
    state.store.issue_notice(&caller.audit, id, &notice).await?;
    Ok(Redirect::to(&format!("/tasks/{id}")).into_response())
}

#[derive(Deserialize)]
pub(super) struct CommentForm {
    csrf_token: String,
    body: String,
}

/// A comment or a leader's instruction (批示) on a task.
pub(super) async fn comment_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<CommentForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    authorize_task(&state, &caller, id, TaskAction::Comment).await?;
    state
        .store
        .add_comment(&caller.audit, id, None, &form.body)
        .await?;
    Ok(Redirect::to(&format!("/tasks/{id}#comments")).into_response())
}

#[derive(Deserialize)]
pub(super) struct AnswerForm {
    csrf_token: String,
    response: String,
}

pub(super) async fn notice_answer(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let notice = state.store.notice(id).await?;
    let scope = authorize_task(&state, &caller, notice.task_id, TaskAction::Read).await?;
    let action = Action::AnswerNotice {
        task: luoshi_domain::policy::TaskScope {
            lead: &scope.lead,
            co: &scope.co,
        },
        unit: notice.unit_id,
    };
    ApiError::check(decide(&caller.actor, action), "督办单")?;
    state
        .store
        .answer_notice(&caller.audit, id, &form.response)
        .await?;
    Ok(Redirect::to(&format!("/tasks/{}", notice.task_id)).into_response())
}

pub(super) async fn notice_close(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<TokenForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let notice = state.store.notice(id).await?;
    authorize_task(&state, &caller, notice.task_id, TaskAction::Supervise).await?;
    state.store.close_notice(&caller.audit, id).await?;
    Ok(Redirect::to(&format!("/tasks/{}", notice.task_id)).into_response())
}
