//! The report workflow and supervision: each step for its role, the report form, notices.

use chrono::NaiveDate;
use luoshi_app::{AppError, notices, reports};
use luoshi_domain::report::{ReportAction, ReportState};
use luoshi_domain::role::Role;
use luoshi_store::*;

use crate::{Bureau, narrative};

#[tokio::test]
async fn each_step_of_a_report_belongs_to_one_role() {
    let bureau = Bureau::new().await;
    let reporter = bureau.person("r", Role::Reporter, vec![1]).await;
    let supervisor = bureau.person("s", Role::Supervisor, vec![]).await;
    let leader = bureau.person("l", Role::Leader, vec![]).await;
    let report = bureau.submitted_report(&reporter).await;
    assert_eq!(report.state, ReportState::Submitted);

    let refused = bureau
        .step(&reporter, report.id, ReportAction::Accept, None)
        .await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
    let refused = bureau
        .step(&leader, report.id, ReportAction::Accept, None)
        .await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");

    let accepted = bureau
        .step(&supervisor, report.id, ReportAction::Accept, None)
        .await
        .unwrap();
    assert_eq!(accepted.state, ReportState::Accepted);
    assert_eq!(accepted.reviewed_by, Some(supervisor.actor.user_id));
}

#[tokio::test]
async fn another_units_report_is_not_found_rather_than_forbidden() {
    let bureau = Bureau::new().await;
    let reporter = bureau.person("r", Role::Reporter, vec![1]).await;
    let stranger = bureau.person("x", Role::Reporter, vec![2]).await;
    let report = bureau.submitted_report(&reporter).await;
    let refused = bureau
        .step(&stranger, report.id, ReportAction::Submit, None)
        .await;
    assert!(
        matches!(refused, Err(AppError::NotFound("报送"))),
        "{refused:?}"
    );
    let read = reports::readable(&bureau.store, &stranger.actor, report.id).await;
    assert!(matches!(read, Err(AppError::NotFound(_))), "{read:?}");
}

#[tokio::test]
async fn a_unit_head_returns_what_awaits_its_approval_but_not_what_it_approved() {
    let bureau = Bureau::new().await;
    bureau.heads_review().await;
    let reporter = bureau.person("r", Role::Reporter, vec![1]).await;
    let head = bureau.person("h", Role::UnitHead, vec![1]).await;
    let report = bureau.submitted_report(&reporter).await;
    let returned = bureau
        .step(&head, report.id, ReportAction::Return, Some("数据需核实"))
        .await
        .unwrap();
    assert_eq!(returned.state, ReportState::Returned);
    assert_eq!(returned.return_reason.as_deref(), Some("数据需核实"));

    let again = bureau
        .step(&reporter, report.id, ReportAction::Submit, None)
        .await
        .unwrap();
    let approved = bureau
        .step(&head, again.id, ReportAction::Approve, None)
        .await
        .unwrap();
    assert_eq!(approved.state, ReportState::Approved);
    // Once approved, returning is the supervisor's call.
    let refused = bureau
        .step(&head, approved.id, ReportAction::Return, Some("再改"))
        .await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
}

#[tokio::test]
async fn the_report_form_rewrites_its_draft_and_refuses_a_submitted_period() {
    let bureau = Bureau::new().await;
    let reporter = bureau.person("r", Role::Reporter, vec![1]).await;
    let (store, actor, audit) = (&bureau.store, &reporter.actor, &reporter.audit);
    let task = bureau.tasks[0].id;
    let first = reports::save_for_period(store, actor, audit, task, "2026-05", &narrative("开工"))
        .await
        .unwrap();
    assert_eq!(first.state, ReportState::Draft);
    assert_eq!(
        first.unit_id,
        Some(1),
        "written for the reporter's lead unit"
    );
    let again = reports::save_for_period(store, actor, audit, task, "2026-05", &narrative("竣工"))
        .await
        .unwrap();
    assert_eq!(
        again.id, first.id,
        "the period's draft is rewritten, not doubled"
    );
    assert_eq!(again.narrative, "竣工");
    bureau
        .step(&reporter, first.id, ReportAction::Submit, None)
        .await
        .unwrap();
    let refused =
        reports::save_for_period(store, actor, audit, task, "2026-05", &narrative("再改")).await;
    assert!(
        matches!(refused, Err(AppError::Store(StoreError::Conflict(_)))),
        "{refused:?}"
    );
    let other_unit = reports::save_for_period(
        store,
        actor,
        audit,
        bureau.tasks[1].id,
        "2026-05",
        &narrative("越权"),
    )
    .await;
    assert!(
        matches!(other_unit, Err(AppError::NotFound(_))),
        "{other_unit:?}"
    );
}

#[tokio::test]
async fn a_notice_goes_to_the_tasks_units_and_is_answered_by_the_unit_it_names() {
    let bureau = Bureau::new().await;
    let supervisor = bureau.person("s", Role::Supervisor, vec![]).await;
    let own = bureau.person("r", Role::Reporter, vec![1]).await;
    let stranger = bureau.person("x", Role::Reporter, vec![2]).await;
    let store = &bureau.store;
    let task = bureau.tasks[0].id;
    let to = |unit_id| NewNotice {
        unit_id,
        reason: "进度滞后".into(),
        response_due: "2026-06-10".parse().unwrap(),
    };
    let today: NaiveDate = "2026-06-01".parse().unwrap();
    let misaddressed = notices::issue(
        store,
        &supervisor.actor,
        &supervisor.audit,
        task,
        &to(2),
        today,
    )
    .await;
    assert!(
        matches!(
            misaddressed,
            Err(AppError::Invalid {
                field: "unit_id",
                ..
            })
        ),
        "{misaddressed:?}"
    );
    let refused = notices::issue(store, &own.actor, &own.audit, task, &to(1), today).await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
    let late = "2026-06-11".parse().unwrap();
    let past = notices::issue(
        store,
        &supervisor.actor,
        &supervisor.audit,
        task,
        &to(1),
        late,
    )
    .await;
    assert!(
        matches!(&past, Err(AppError::Invalid { field: "response_due", message }) if message.contains("已过")),
        "an answer date already past is refused: {past:?}"
    );
    let notice = notices::issue(
        store,
        &supervisor.actor,
        &supervisor.audit,
        task,
        &to(1),
        today,
    )
    .await
    .unwrap();

    let unseen = notices::list(store, &stranger.actor, None, None, Paging::all())
        .await
        .unwrap();
    assert_eq!(unseen.total, 0, "a unit sees only notices addressed to it");
    let hidden = notices::answer(
        store,
        &stranger.actor,
        &stranger.audit,
        notice.id,
        "已整改",
        None,
    )
    .await;
    assert!(
        matches!(hidden, Err(AppError::NotFound("督办单"))),
        "{hidden:?}"
    );
    let answered = notices::answer(store, &own.actor, &own.audit, notice.id, "已整改", None)
        .await
        .unwrap();
    assert_eq!(answered.state, NoticeState::Answered);
    let refused = notices::close(store, &own.actor, &own.audit, notice.id).await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
    let closed = notices::close(store, &supervisor.actor, &supervisor.audit, notice.id)
        .await
        .unwrap();
    assert_eq!(closed.state, NoticeState::Closed);
    let open = notices::list(
        store,
        &own.actor,
        None,
        Some(NoticeState::Open),
        Paging::all(),
    )
    .await
    .unwrap();
    assert_eq!(open.total, 0);
}
