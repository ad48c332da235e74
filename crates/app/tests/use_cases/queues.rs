//! Queues hold what waits for the caller's own step, and nothing it could not take.

use luoshi_app::{notices, queues, reports};
use luoshi_domain::report::ReportAction;
use luoshi_domain::role::Role;
use luoshi_store::*;

use crate::{Bureau, Person, date, narrative};

async fn decisions(bureau: &Bureau, person: &Person) -> Vec<(i64, ReportAction)> {
    let waiting = queues::work(&bureau.store, &person.actor, date(6, 1), 50)
        .await
        .unwrap()
        .decisions;
    waiting.iter().map(|w| (w.report.id, w.decision)).collect()
}

#[tokio::test]
async fn a_submitted_report_waits_for_the_supervisor_alone() {
    let bureau = Bureau::new().await;
    let supervisor = bureau.person("s", Role::Supervisor, vec![]).await;
    let reporter = bureau.person("r", Role::Reporter, vec![1]).await;
    let head = bureau.person("h", Role::UnitHead, vec![1]).await;
    let leader = bureau.person("l", Role::Leader, vec![]).await;
    let report = bureau.submitted_report(&reporter).await;

    let waiting = queues::work(&bureau.store, &supervisor.actor, date(6, 1), 50)
        .await
        .unwrap()
        .decisions;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].decision, ReportAction::Accept);
    assert_eq!(waiting[0].task.id, bureau.tasks[0].id);
    assert_eq!(waiting[0].period.label_zh(), "2026年5月");
    for other in [&reporter, &head, &leader] {
        assert!(decisions(&bureau, other).await.is_empty());
    }
    let counts = queues::counts(&bureau.store, &supervisor.actor, date(6, 1))
        .await
        .unwrap();
    assert_eq!((counts.decisions, counts.total()), (1, 1));

    bureau
        .step(&supervisor, report.id, ReportAction::Accept, None)
        .await
        .unwrap();
    assert!(decisions(&bureau, &supervisor).await.is_empty());
}

#[tokio::test]
async fn with_head_review_the_units_head_decides_first() {
    let bureau = Bureau::new().await;
    bureau.heads_review().await;
    let supervisor = bureau.person("s", Role::Supervisor, vec![]).await;
    let reporter = bureau.person("r", Role::Reporter, vec![1]).await;
    let head = bureau.person("h", Role::UnitHead, vec![1]).await;
    let other_head = bureau.person("o", Role::UnitHead, vec![2]).await;
    let report = bureau.submitted_report(&reporter).await;

    assert_eq!(
        decisions(&bureau, &head).await,
        vec![(report.id, ReportAction::Approve)]
    );
    assert!(decisions(&bureau, &supervisor).await.is_empty());
    assert!(decisions(&bureau, &other_head).await.is_empty());

    bureau
        .step(&head, report.id, ReportAction::Approve, None)
        .await
        .unwrap();
    assert!(decisions(&bureau, &head).await.is_empty());
    assert_eq!(
        decisions(&bureau, &supervisor).await,
        vec![(report.id, ReportAction::Accept)]
    );
}

#[tokio::test]
async fn an_open_notice_waits_for_the_unit_it_names_until_answered() {
    let bureau = Bureau::new().await;
    let supervisor = bureau.person("s", Role::Supervisor, vec![]).await;
    let own = bureau.person("r", Role::Reporter, vec![1]).await;
    let other = bureau.person("x", Role::Reporter, vec![2]).await;
    let notice = NewNotice {
        unit_id: 1,
        reason: "进度滞后".into(),
        response_due: date(6, 10),
    };
    let issued = notices::issue(
        &bureau.store,
        &supervisor.actor,
        &supervisor.audit,
        bureau.tasks[0].id,
        &notice,
        date(6, 1),
    )
    .await
    .unwrap();

    let answers = queues::work(&bureau.store, &own.actor, date(6, 1), 50)
        .await
        .unwrap()
        .answers;
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].notice.id, issued.id);
    assert_eq!(answers[0].task.id, bureau.tasks[0].id);
    for person in [&other, &supervisor] {
        let counts = queues::counts(&bureau.store, &person.actor, date(6, 1))
            .await
            .unwrap();
        assert_eq!(counts.answers, 0);
    }

    notices::answer(
        &bureau.store,
        &own.actor,
        &own.audit,
        issued.id,
        "已加快推进",
        None,
    )
    .await
    .unwrap();
    let counts = queues::counts(&bureau.store, &own.actor, date(6, 1))
        .await
        .unwrap();
    assert_eq!(counts, queues::WorkCounts::default());
}

#[tokio::test]
async fn a_co_unit_owes_its_part_until_it_writes_or_the_lead_delivers() {
    let bureau = Bureau::new().await;
    let lead = bureau.person("r", Role::Reporter, vec![1]).await;
    let co = bureau.person("c", Role::Reporter, vec![2]).await;
    let store = &bureau.store;
    let task = bureau.tasks[0].id;
    let supported = TaskInput {
        co_units: Some(vec![2]),
        ..Default::default()
    };
    store
        .update_task(&Audit::cli(), &bureau.published, task, &supported)
        .await
        .unwrap();
    let owed = |person: &Person| {
        let actor = person.actor.clone();
        async move {
            queues::work(store, &actor, date(6, 1), 50)
                .await
                .unwrap()
                .contributions
                .iter()
                .map(|c| (c.task.id, c.period.key()))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        owed(&co).await,
        vec![(task, "2026-05".to_string()), (task, "2026-06".to_string())],
        "May and June have begun since publication on 1 May"
    );
    assert!(
        owed(&lead).await.is_empty(),
        "the lead unit reports, it does not contribute"
    );

    reports::contribute(
        store,
        &co.actor,
        &co.audit,
        task,
        "2026-05",
        "已完成招聘方案",
    )
    .await
    .unwrap();
    assert_eq!(owed(&co).await, vec![(task, "2026-06".to_string())]);
    reports::create(
        store,
        &lead.actor,
        &lead.audit,
        task,
        "2026-06",
        &narrative("六月开工2所"),
        true,
    )
    .await
    .unwrap();
    assert!(
        owed(&co).await.is_empty(),
        "June is delivered without the co-unit"
    );
    let counts = queues::counts(store, &co.actor, date(6, 1)).await.unwrap();
    assert_eq!(counts.contributions, 0);
}

#[tokio::test]
async fn a_queue_loads_only_the_first_reports_and_counts_them_all() {
    let bureau = Bureau::new().await;
    let supervisor = bureau.person("s", Role::Supervisor, vec![]).await;
    let reporter = bureau.person("r", Role::Reporter, vec![1]).await;
    let first = bureau.submitted_report(&reporter).await;
    let input = ReportInput {
        narrative: Some("四月进展".into()),
        ..Default::default()
    };
    let later = bureau
        .store
        .create_report(
            &reporter.audit,
            bureau.tasks[0].id,
            "2026-04",
            Some(1),
            &input,
            true,
        )
        .await
        .unwrap();
    let work = queues::work(&bureau.store, &supervisor.actor, date(6, 1), 1)
        .await
        .unwrap();
    assert_eq!(work.decisions_total, 2);
    let shown: Vec<i64> = work.decisions.iter().map(|d| d.report.id).collect();
    assert_eq!(
        shown,
        vec![first.id],
        "the one submitted first; {} waits",
        later.id
    );
    let counts = queues::counts(&bureau.store, &supervisor.actor, date(6, 1))
        .await
        .unwrap();
    assert_eq!(counts.decisions, 2, "the header counts what the queue does");
}
