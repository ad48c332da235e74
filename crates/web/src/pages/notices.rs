//! Notices (督办单), comments and leaders' instructions (批示) on a task.

use axum::Form;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect};
use luoshi_app::{notices, reports};
use luoshi_domain::date;
use serde::Deserialize;

use crate::AppState;
use crate::api::Path;
use crate::uploads;

use super::frame::{PageResult, TokenForm, Viewer};
use super::queue::{Done, after_action};

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
    let notice = luoshi_store::NewNotice {
        unit_id: form.unit_id,
        reason: form.reason,
        response_due: date::parse("response_due", &form.response_due)?,
    };
    notices::issue(
        &state.store,
        &caller.actor,
        &caller.audit,
        id,
        &notice,
        state.today(),
    )
    .await?;
    Ok(Redirect::to(&format!("/tasks/{id}")).into_response())
}

#[derive(Deserialize)]
pub(super) struct CommentForm {
    csrf_token: String,
    body: String,
}

/// A comment on a task; a leader's is an instruction (批示).
pub(super) async fn comment_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<CommentForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    notices::comment(
        &state.store,
        &caller.actor,
        &caller.audit,
        id,
        None,
        &form.body,
    )
    .await?;
    Ok(Redirect::to(&format!("/tasks/{id}#comments")).into_response())
}

#[derive(Deserialize)]
pub(super) struct ReadForm {
    csrf_token: String,
    /// `home` when marked in the home page's queue.
    #[serde(default)]
    back: Option<String>,
}

/// The lead unit marks a leader's instruction read (已阅).
pub(super) async fn instruction_read(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ReadForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let outcome = notices::acknowledge(&state.store, &caller.actor, &caller.audit, id).await;
    let back = form.back.as_deref();
    after_action(&state, &caller, back, outcome, Done::Read, |comment| {
        format!("/tasks/{}#instructions", comment.task_id)
    })
    .await
}

/// The unit's answer, with its evidence file (整改材料) if one was chosen; `back=home` when
/// answered in the home page's queue.
pub(super) async fn notice_answer(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> PageResult {
    let (file, form) =
        uploads::read_form_optional(multipart, state.config.max_attachment_bytes).await?;
    caller.check_form_token(form.get("csrf_token").map_or("", String::as_str))?;
    notices::may_answer(&state.store, &caller.actor, id).await?;
    let evidence = match &file {
        Some(file) => Some(uploads::store_evidence(&state.config.data_dir, file).await?),
        None => None,
    };
    let response = form.get("response").map_or("", String::as_str);
    let outcome = notices::answer(
        &state.store,
        &caller.actor,
        &caller.audit,
        id,
        response,
        evidence.as_ref(),
    )
    .await;
    let back = form.get("back").map(String::as_str);
    after_action(&state, &caller, back, outcome, Done::Answered, |notice| {
        format!("/tasks/{}", notice.task_id)
    })
    .await
}

pub(super) async fn notice_close(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<TokenForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let notice = notices::close(&state.store, &caller.actor, &caller.audit, id).await?;
    Ok(Redirect::to(&format!("/tasks/{}", notice.task_id)).into_response())
}

#[derive(Deserialize)]
pub(super) struct ContributionForm {
    csrf_token: String,
    period: String,
    body: String,
    /// `home` when written in the home page's queue.
    #[serde(default)]
    back: Option<String>,
}

/// A co-unit's part in a task for a period (配合情况), for the lead unit to take up.
pub(super) async fn contribution_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ContributionForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let outcome = reports::contribute(
        &state.store,
        &caller.actor,
        &caller.audit,
        id,
        &form.period,
        &form.body,
    )
    .await;
    let back = form.back.as_deref();
    after_action(&state, &caller, back, outcome, Done::Contributed, |_| {
        format!("/tasks/{id}#contributions")
    })
    .await
}
