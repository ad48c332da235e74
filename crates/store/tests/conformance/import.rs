//! A plan from import to publication: matching written unit names, the reviewer's mapping
//! and target edits on the draft, and the versions a published plan keeps.

use luoshi_store::*;

use crate::fixture::{Bureau, Imported, june};

/// Exact names and abbreviations find their units by themselves.
async fn import_matches_names_and_abbreviations(bureau: &Bureau) {
    let Imported { plan, tasks } = bureau.import().await;
    assert_eq!(plan.status, PlanStatus::Draft);
    assert_eq!(tasks.len(), 3);
    assert_eq!(tasks[0].lead_unit_ids(), vec![bureau.basic.id]);
    assert_eq!(tasks[0].co_unit_ids(), vec![bureau.finance.id]);
    assert_eq!(
        tasks[1].lead_unit_ids(),
        vec![bureau.basic.id],
        "abbreviation 基教科"
    );
    assert_eq!(tasks[0].targets[0].annual_value, Some(20.0));
}

/// A name no unit carries is put to the reviewer rather than guessed.
async fn import_proposes_the_unknown_name(bureau: &Bureau) {
    let imported = bureau.import().await;
    let unmatched = bureau
        .store
        .unmatched_unit_names(imported.plan.id)
        .await
        .unwrap();
    assert_eq!(
        unmatched
            .iter()
            .map(|u| u.written_name.as_str())
            .collect::<Vec<_>>(),
        vec!["安全科"]
    );
}

/// Publishing assigns the tasks, so it waits until every written name is mapped; what
/// the reviewer changed on the draft is what gets published.
async fn publish_waits_until_names_are_mapped(bureau: &Bureau) {
    let imported = bureau.import().await;
    let refused = bureau
        .store
        .publish_plan(&bureau.cli, bureau.org.id, imported.plan.id, june())
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("安全科"), "{refused}");
    let published = bureau.publish(imported).await;
    let plan = &published.plan;
    assert_eq!((plan.status.as_str(), plan.version), ("published", 1));
    let tasks = bureau.store.plan_tasks(plan.id).await.unwrap();
    assert_eq!(tasks[0].targets[0].annual_value, Some(24.0));
    assert_eq!(tasks[2].lead_unit_ids(), vec![published.safety.id]);
}

/// Editing a published plan keeps what was published as version 1.
async fn a_change_after_publishing_is_a_version(bureau: &Bureau) {
    let published = bureau.published().await;
    bureau.rename_safety_task(&published).await;
    let plan = published.plan.id;
    let versions = bureau.store.plan_versions(plan).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(
        bureau.store.plan_version(plan, 1).await.unwrap().tasks[2].heading,
        published.tasks[2].heading
    );
}

both_engines!(
    import_matches_names_and_abbreviations,
    import_proposes_the_unknown_name,
    publish_waits_until_names_are_mapped,
    a_change_after_publishing_is_a_version,
);
