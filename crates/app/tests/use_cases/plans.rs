//! Plans and their files: drafts for plan managers, edits that name what is wrong, exports.

use luoshi_app::files::{ExportRequest, export};
use luoshi_app::{AppError, plan_editing, plans};
use luoshi_domain::role::Role;
use luoshi_office::ExportKind;
use luoshi_store::*;

use crate::{Bureau, date};

#[tokio::test]
async fn drafts_are_seen_only_by_those_who_manage_plans() {
    let bureau = Bureau::new().await;
    let reporter = bureau.person("r", Role::Reporter, vec![1]).await;
    let admin = bureau.person("a", Role::Admin, vec![]).await;
    let hidden = plans::visible(&bureau.store, &reporter.actor, bureau.draft.id).await;
    assert!(
        matches!(hidden, Err(AppError::NotFound("计划"))),
        "{hidden:?}"
    );
    let seen = plans::visible(&bureau.store, &reporter.actor, bureau.published.id)
        .await
        .unwrap();
    assert_eq!(seen.id, bureau.published.id);
    let managed = plans::managed(&bureau.store, &admin.actor, bureau.draft.id)
        .await
        .unwrap();
    assert_eq!(managed.status, PlanStatus::Draft);
    let refused = plans::managed(&bureau.store, &reporter.actor, bureau.published.id).await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
}

#[tokio::test]
async fn files_go_to_readers_of_the_organization_named_after_the_plan() {
    let bureau = Bureau::new().await;
    let reporter = bureau.person("r", Role::Reporter, vec![1]).await;
    let leader = bureau.person("l", Role::Leader, vec![]).await;
    let request = ExportRequest {
        plan_id: bureau.published.id,
        kind: ExportKind::Ledger,
        period: None,
        notice: None,
    };
    let file = export(&bureau.store, &leader.actor, &request, date(6, 2))
        .await
        .unwrap();
    assert_eq!(
        file.file_name,
        format!("{}-进展台账.xlsx", bureau.published.title)
    );
    assert!(file.bytes.starts_with(b"PK"));
    let refused = export(&bureau.store, &reporter.actor, &request, date(6, 2)).await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
    // A 督办单 export of a plan that has none says so instead of failing.
    let none = ExportRequest {
        kind: ExportKind::Notice,
        ..request
    };
    let missing = export(&bureau.store, &leader.actor, &none, date(6, 2)).await;
    assert!(
        matches!(missing, Err(AppError::Unreadable(_))),
        "{missing:?}"
    );
}

#[tokio::test]
async fn plan_edits_are_for_plan_managers_and_name_what_is_wrong() {
    let bureau = Bureau::new().await;
    let supervisor = bureau.person("s", Role::Supervisor, vec![]).await;
    let reporter = bureau.person("r", Role::Reporter, vec![1]).await;
    let (store, actor, audit) = (&bureau.store, &supervisor.actor, &supervisor.audit);
    let tasks = store.plan_tasks(bureau.draft.id).await.unwrap();

    let input = TaskInput {
        heading: Some("扩大普惠性学前教育资源".into()),
        ..Default::default()
    };
    let refused =
        plan_editing::update_task(store, &reporter.actor, &reporter.audit, tasks[0].id, &input)
            .await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
    let edited = plan_editing::update_task(store, actor, audit, tasks[0].id, &input)
        .await
        .unwrap();
    assert_eq!(edited.heading, "扩大普惠性学前教育资源");

    let unknown = plan_editing::units_named(store, actor, &["宣传科".into()], "牵头单位").await;
    match unknown {
        Err(AppError::Invalid { field, message }) => {
            assert_eq!(field, "牵头单位");
            assert!(message.contains("宣传科"), "{message}");
        }
        other => panic!("an unknown unit name is refused: {other:?}"),
    }
    let named = plan_editing::units_named(store, actor, &["人事科".into()], "牵头单位")
        .await
        .unwrap();
    assert_eq!(named, vec![2]);

    let first =
        plan_editing::merge_into_previous(store, actor, audit, bureau.draft.id, tasks[0].id).await;
    assert!(matches!(first, Err(AppError::Invalid { .. })), "{first:?}");
    let merged =
        plan_editing::merge_into_previous(store, actor, audit, bureau.draft.id, tasks[1].id)
            .await
            .unwrap();
    assert_eq!(merged.id, tasks[0].id);
    assert_eq!(store.plan_tasks(bureau.draft.id).await.unwrap().len(), 1);
    let nothing =
        plan_editing::merge_tasks(store, actor, audit, bureau.draft.id, tasks[0].id, &[]).await;
    assert!(
        matches!(
            nothing,
            Err(AppError::Invalid {
                field: "others",
                ..
            })
        ),
        "{nothing:?}"
    );
}
