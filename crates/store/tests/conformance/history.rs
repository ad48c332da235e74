//! The audit log read as history: a task's or a plan's changes, newest first, and where a
//! returning user's "changes since your last visit" begin.

use luoshi_domain::audit::{AuditAction, AuditEntity};
use luoshi_store::*;

use crate::fixture::Bureau;

/// The whole of the bureau's history in `scope` after the entry `after`, newest first.
async fn history(bureau: &Bureau, scope: HistoryScope, after: Option<i64>) -> Vec<AuditEntry> {
    bureau
        .store
        .history(bureau.org.id, scope, after, Paging::all())
        .await
        .unwrap()
        .items
}

/// A task's history has its target, reports, notice and comment, newest first, and
/// nothing of the other tasks: task 3's has only its own edit.
async fn a_task_history_is_its_own(bureau: &Bureau) {
    let published = bureau.followed_up().await;
    bureau.rename_safety_task(&published).await;
    let own = history(bureau, HistoryScope::Task(published.tasks[0].id), None).await;
    let entities: Vec<&str> = own.iter().map(|e| e.entity.as_str()).collect();
    for entity in ["target", "report", "notice", "comment"] {
        assert!(entities.contains(&entity), "{entity} in {entities:?}");
    }
    assert!(own.windows(2).all(|w| w[0].id > w[1].id));
    let other = history(bureau, HistoryScope::Task(published.tasks[2].id), None).await;
    assert!(!other.is_empty());
    assert!(
        other.iter().all(|e| e.entity == AuditEntity::Task),
        "{other:?}"
    );
}

/// A plan's history since an entry has only what came after it, such as the period
/// published since.
async fn a_plan_history_since_an_entry(bureau: &Bureau) {
    let published = bureau.followed_up().await;
    bureau.publish_june(&published).await;
    let task = history(bureau, HistoryScope::Task(published.tasks[0].id), None).await;
    let since = task[1].id;
    let recent = history(bureau, HistoryScope::Plan(published.plan.id), Some(since)).await;
    assert!(recent.iter().all(|e| e.id > since));
    assert!(
        recent
            .iter()
            .any(|e| e.entity == AuditEntity::Plan && e.action == AuditAction::PublishPeriod)
    );
}

/// A first visit has no previous login; after two, it is the earlier of them.
async fn previous_login_is_the_one_before(bureau: &Bureau) {
    let store = &bureau.store;
    let reporter = bureau.reporter.id;
    assert!(store.previous_login(reporter).await.unwrap().is_none());
    for _ in 0..2 {
        store
            .record_event(
                &bureau.as_reporter,
                AuditAction::Login,
                AuditEntity::Session,
                Some(reporter),
            )
            .await
            .unwrap();
    }
    let logins = AuditFilter {
        action: Some(AuditAction::Login),
        ..Default::default()
    };
    let logins = store.audit_log(&logins, Paging::all()).await.unwrap();
    assert_eq!(
        store.previous_login(reporter).await.unwrap().map(|e| e.id),
        Some(logins.items[1].id),
        "the login before the latest one"
    );
}

both_engines!(
    a_task_history_is_its_own,
    a_plan_history_since_an_entry,
    previous_login_is_the_one_before,
);
