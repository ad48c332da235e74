//! What people look at: task lists, a unit's work, the public page, histories.

use luoshi_app::board::{self, StatusFilter, TaskFilter, TaskOrder};
use luoshi_app::{AppError, public, reports, tasks};
use luoshi_domain::policy::Actor;
use luoshi_domain::report::{ProgressStatus, ReportAction, ReportState};
use luoshi_domain::role::Role;
use luoshi_store::*;

use crate::{Bureau, date, narrative};

#[tokio::test]
async fn task_lists_keep_what_the_filter_asks_in_the_order_asked() {
    let bureau = Bureau::new().await;
    let supervisor = bureau.person("s", Role::Supervisor, vec![]).await;
    let reporter = bureau.person("r", Role::Reporter, vec![1]).await;
    let store = &bureau.store;
    let plan = bureau.published.id;
    let today = date(6, 30);
    let list = |actor: Actor, filter: TaskFilter, order: TaskOrder| async move {
        let (_, tasks) = board::plan_tasks(store, &actor, plan, &filter, order, today)
            .await
            .unwrap();
        tasks.into_iter().map(|t| t.task.number).collect::<Vec<_>>()
    };
    let everything = list(
        supervisor.actor.clone(),
        TaskFilter::default(),
        TaskOrder::Number,
    )
    .await;
    assert_eq!(everything, vec![1, 2]);
    let of_unit = TaskFilter {
        unit: Some(2),
        ..Default::default()
    };
    assert_eq!(
        list(supervisor.actor.clone(), of_unit, TaskOrder::Number).await,
        vec![2]
    );
    let words = TaskFilter {
        words: Some("招聘 教师".into()),
        ..Default::default()
    };
    assert_eq!(
        list(supervisor.actor.clone(), words, TaskOrder::Number).await,
        vec![2]
    );
    assert_eq!(
        list(
            reporter.actor.clone(),
            TaskFilter::default(),
            TaskOrder::Light
        )
        .await,
        vec![1],
        "a reporter lists only its unit's tasks"
    );

    let draft = reports::save_for_period(
        store,
        &reporter.actor,
        &reporter.audit,
        bureau.tasks[0].id,
        "2026-05",
        &narrative("开工"),
    )
    .await
    .unwrap();
    bureau
        .step(&reporter, draft.id, ReportAction::Submit, None)
        .await
        .unwrap();
    let not_reported = TaskFilter {
        status: Some(StatusFilter::NotReported),
        ..Default::default()
    };
    assert_eq!(
        list(supervisor.actor.clone(), not_reported, TaskOrder::Number).await,
        vec![2],
        "task 1 has a report delivered"
    );

    let bad_sort = TaskOrder::parse("priority");
    assert!(
        matches!(bad_sort, Err(AppError::Invalid { field: "sort", .. })),
        "{bad_sort:?}"
    );
    let bad_status = StatusFilter::parse("finished");
    assert!(
        matches!(
            bad_status,
            Err(AppError::Invalid {
                field: "status",
                ..
            })
        ),
        "{bad_status:?}"
    );
    assert_eq!(
        StatusFilter::parse("done").unwrap(),
        StatusFilter::Reported(ProgressStatus::Done)
    );
}

#[tokio::test]
async fn a_units_work_lists_what_it_owes_with_what_is_written() {
    let bureau = Bureau::new().await;
    let reporter = bureau.person("r", Role::Reporter, vec![1]).await;
    let store = &bureau.store;
    let today = date(7, 20);
    let work = board::unit_work(store, &reporter.actor, today)
        .await
        .unwrap();
    assert_eq!(work.plans.len(), 1);
    assert!(!work.owed.is_empty(), "a month has passed its due day");
    assert!(
        work.owed
            .iter()
            .all(|o| o.report.task_id == bureau.tasks[0].id)
    );
    assert!(work.owed.iter().all(|o| o.written.is_none()));
    let period = work.owed[0].report.period.clone();

    let report = reports::save_for_period(
        store,
        &reporter.actor,
        &reporter.audit,
        bureau.tasks[0].id,
        &period,
        &narrative("开工"),
    )
    .await
    .unwrap();
    let work = board::unit_work(store, &reporter.actor, today)
        .await
        .unwrap();
    let owed = work
        .owed
        .iter()
        .find(|o| o.report.period == period)
        .unwrap();
    assert_eq!(owed.written, Some(ReportState::Draft));

    bureau
        .step(&reporter, report.id, ReportAction::Submit, None)
        .await
        .unwrap();
    let supervisor = bureau.person("s", Role::Supervisor, vec![]).await;
    bureau
        .step(
            &supervisor,
            report.id,
            ReportAction::Return,
            Some("请补充佐证"),
        )
        .await
        .unwrap();
    let work = board::unit_work(store, &reporter.actor, today)
        .await
        .unwrap();
    assert_eq!(work.returned.len(), 1);
    assert_eq!(
        work.returned[0].return_reason.as_deref(),
        Some("请补充佐证")
    );
}

#[tokio::test]
async fn what_a_page_reads_is_scoped_like_what_it_changes() {
    let bureau = Bureau::new().await;
    let store = &bureau.store;
    let supervisor = bureau.person("s", Role::Supervisor, vec![]).await;
    let reporter = bureau.person("r", Role::Reporter, vec![1]).await;
    let stranger = bureau.person("x", Role::Reporter, vec![2]).await;
    let task = bureau.tasks[0].id;
    let today = date(6, 30);

    let (_, periods) = public::periods(store, bureau.published.id).await.unwrap();
    assert!(
        periods.is_empty(),
        "nothing is public before it is published"
    );
    let draft = public::periods(store, bureau.draft.id).await;
    assert!(
        matches!(draft, Err(AppError::Store(StoreError::NotFound(_)))),
        "{draft:?}"
    );
    board::publish_period(
        store,
        &supervisor.actor,
        &supervisor.audit,
        bureau.published.id,
        "2026-05",
        today,
    )
    .await
    .unwrap();
    let (_, period) = public::period(store, bureau.published.id, "2026-05")
        .await
        .unwrap();
    assert_eq!(period.tasks.len(), 2);
    let refused = board::publish_period(
        store,
        &reporter.actor,
        &reporter.audit,
        bureau.published.id,
        "2026-06",
        today,
    )
    .await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");

    reports::save_for_period(
        store,
        &reporter.actor,
        &reporter.audit,
        task,
        "2026-06",
        &narrative("开工"),
    )
    .await
    .unwrap();
    let history = tasks::history(store, &reporter.actor, task, Paging::all())
        .await
        .unwrap();
    assert_eq!(
        history.items[0].entity,
        luoshi_domain::audit::AuditEntity::Report,
        "the draft is in the task's history"
    );
    let hidden = tasks::history(store, &stranger.actor, task, Paging::all()).await;
    assert!(matches!(hidden, Err(AppError::NotFound(_))), "{hidden:?}");
    let targets = board::task_targets(store, &reporter.actor, task, today)
        .await
        .unwrap();
    assert_eq!(targets.len(), 1, "新改扩建幼儿园20所");
    let hidden = board::task_targets(store, &stranger.actor, task, today).await;
    assert!(matches!(hidden, Err(AppError::NotFound(_))), "{hidden:?}");

    let changes =
        board::changes_since_last_login(store, &reporter.actor, bureau.published.id, 5).await;
    assert!(matches!(changes, Err(AppError::Forbidden)), "{changes:?}");
    let (since, others) =
        board::changes_since_last_login(store, &supervisor.actor, bureau.published.id, 5)
            .await
            .unwrap();
    assert!(since.is_none(), "the supervisor never logged in");
    assert!(
        others
            .iter()
            .all(|e| e.actor_id != Some(supervisor.actor.user_id)),
        "one's own changes are not news"
    );
}
