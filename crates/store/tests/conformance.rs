//! One story run on both engines: SQLite in a temporary directory, and PostgreSQL when
//! `LUOSHI_TEST_POSTGRES` names a server (CI sets it; each run uses a fresh schema).

use chrono::NaiveDate;
use luoshi_domain::audit::{AuditAction, AuditEntity};
use luoshi_domain::import::draft_from;
use luoshi_domain::light::{LightColor, LightRules};
use luoshi_domain::report::{ProgressStatus, ReportAction};
use luoshi_domain::role::Role;
use luoshi_store::*;
use luoshi_testing::TestDatabase;

const PLAN: &str = "某县教育局2026年工作要点\n\
    一、推进学前教育普及\n\
    1.扩大普惠资源。新改扩建幼儿园20所。6月底前完成。（牵头单位：基础教育科；配合单位：计划财务科）\n\
    2.提升保教质量。开展保教质量评估。（责任单位：基教科）\n\
    二、加强安全管理\n\
    3.校园安全。完成校舍安全排查。（责任单位：安全科）\n";

/// No role can change the log; neither can anyone with a database connection.
async fn audit_log_refuses_changes(url: &str) {
    sqlx::any::install_default_drivers();
    let raw = sqlx::AnyPool::connect(url).await.unwrap();
    let update = sqlx::query("UPDATE audit_log SET actor = 'someone else'")
        .execute(&raw)
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM audit_log").execute(&raw).await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    raw.close().await;
}

fn june() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

async fn story(url: &str) {
    let store = Store::connect(url).await.unwrap();
    let cli = Audit::cli();
    let org = store.create_organization(&cli, "某县教育局").await.unwrap();
    let basic = store
        .create_unit(
            &cli,
            org.id,
            &NewUnit {
                name: "基础教育科".into(),
                kind: luoshi_store::UnitKind::Department,
                parent_id: None,
                abbreviations: vec!["基教科".into()],
            },
        )
        .await
        .unwrap();
    let finance = store
        .create_unit(
            &cli,
            org.id,
            &NewUnit {
                name: "计划财务科".into(),
                kind: luoshi_store::UnitKind::Department,
                parent_id: None,
                abbreviations: vec![],
            },
        )
        .await
        .unwrap();
    let duplicate = store
        .create_unit(
            &cli,
            org.id,
            &NewUnit {
                name: "基础教育科".into(),
                kind: luoshi_store::UnitKind::Department,
                parent_id: None,
                abbreviations: vec![],
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(duplicate, StoreError::Conflict(_)),
        "{duplicate:?}"
    );

    let reporter = store
        .create_user(
            &cli,
            org.id,
            &NewUser {
                username: "reporter".into(),
                display_name: "报送人".into(),
                role: Role::Reporter,
                password_hash: luoshi_domain::password::hash("Reporter-Pass-1"),
                must_change_password: false,
                units: vec![basic.id],
            },
        )
        .await
        .unwrap();
    let supervisor = store
        .create_user(
            &cli,
            org.id,
            &NewUser {
                username: "supervisor".into(),
                display_name: "督查".into(),
                role: Role::Supervisor,
                password_hash: luoshi_domain::password::hash("Supervisor-Pass-1"),
                must_change_password: false,
                units: vec![],
            },
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .credentials("reporter")
            .await
            .unwrap()
            .unwrap()
            .user
            .units,
        vec![basic.id]
    );

    // Import: exact names and abbreviations match, the unknown unit is proposed.
    let parsed = luoshi_plandoc::parse_text("plan.txt", PLAN);
    let draft = draft_from(&parsed, 2026).unwrap();
    let source = ImportSource {
        file_name: "plan.txt".into(),
        stored_file: None,
        text: parsed.text.clone(),
    };
    let plan = store
        .import_plan(&cli, org.id, &draft, &source)
        .await
        .unwrap();
    assert_eq!(plan.status, PlanStatus::Draft);
    let tasks = store.plan_tasks(plan.id).await.unwrap();
    assert_eq!(tasks.len(), 3);
    assert_eq!(tasks[0].lead_unit_ids(), vec![basic.id]);
    assert_eq!(tasks[0].co_unit_ids(), vec![finance.id]);
    assert_eq!(
        tasks[1].lead_unit_ids(),
        vec![basic.id],
        "abbreviation 基教科"
    );
    let unmatched = store.unmatched_unit_names(plan.id).await.unwrap();
    assert_eq!(
        unmatched
            .iter()
            .map(|u| u.written_name.as_str())
            .collect::<Vec<_>>(),
        vec!["安全科"]
    );
    let refused = store
        .publish_plan(&cli, org.id, plan.id, june())
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("安全科"), "{refused}");
    let safety = store
        .create_unit(
            &cli,
            org.id,
            &NewUnit {
                name: "安全管理科".into(),
                kind: luoshi_store::UnitKind::Department,
                parent_id: None,
                abbreviations: vec![],
            },
        )
        .await
        .unwrap();
    store
        .map_unit_name(&cli, org.id, plan.id, "安全科", safety.id)
        .await
        .unwrap();
    let target = tasks[0].targets[0].clone();
    assert_eq!(target.annual_value, Some(20.0));
    store
        .update_target(
            &cli,
            &plan,
            target.id,
            &TargetInput {
                annual_value: Some(24.0),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let plan = store
        .publish_plan(&cli, org.id, plan.id, june())
        .await
        .unwrap();
    assert_eq!((plan.status.as_str(), plan.version), ("published", 1));
    store
        .update_task(
            &cli,
            &plan,
            tasks[2].id,
            &TaskInput {
                heading: Some("校园安全排查".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let versions = store.plan_versions(plan.id).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(
        store.plan_version(plan.id, 1).await.unwrap().tasks[2].heading,
        tasks[2].heading
    );

    // Reports: draft, submit, return, resubmit, accept; the accepted one is final.
    let as_reporter = Audit::user(reporter.id, org.id, "reporter", "127.0.0.1");
    let as_supervisor = Audit::user(supervisor.id, org.id, "supervisor", "127.0.0.1");
    let input = ReportInput {
        status: Some(ProgressStatus::InProgress),
        narrative: Some("已开工 6 所".into()),
        actuals: Some(vec![ActualInput {
            target_id: target.id,
            value: 6.0,
            note: String::new(),
        }]),
    };
    let report = store
        .create_report(
            &as_reporter,
            tasks[0].id,
            "2026-06",
            Some(basic.id),
            &input,
            false,
        )
        .await
        .unwrap();
    let again = store
        .create_report(
            &as_reporter,
            tasks[0].id,
            "2026-06",
            Some(basic.id),
            &input,
            true,
        )
        .await
        .unwrap_err();
    assert!(matches!(again, StoreError::Conflict(_)));
    let stray = ReportInput {
        actuals: Some(vec![ActualInput {
            target_id: target.id,
            value: 1.0,
            note: String::new(),
        }]),
        ..Default::default()
    };
    let refused = store
        .create_report(&as_reporter, tasks[1].id, "2026-06", None, &stray, false)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("不属于该任务"), "{refused}");
    let bad_period = store
        .create_report(&as_reporter, tasks[1].id, "2025-06", None, &input, false)
        .await
        .unwrap_err();
    assert!(bad_period.to_string().contains("2026"), "{bad_period}");
    store
        .transition_report(&as_reporter, report.id, ReportAction::Submit, None, false)
        .await
        .unwrap();
    let no_reason = store
        .transition_report(
            &as_supervisor,
            report.id,
            ReportAction::Return,
            Some(" "),
            false,
        )
        .await
        .unwrap_err();
    assert!(no_reason.to_string().contains("理由"));
    let returned = store
        .transition_report(
            &as_supervisor,
            report.id,
            ReportAction::Return,
            Some("数据不全"),
            false,
        )
        .await
        .unwrap();
    assert_eq!(
        (returned.state.as_str(), returned.return_count),
        ("returned", 1)
    );
    store
        .update_report(
            &as_reporter,
            report.id,
            &ReportInput {
                narrative: Some("已开工 8 所".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    store
        .transition_report(&as_reporter, report.id, ReportAction::Submit, None, false)
        .await
        .unwrap();
    let accepted = store
        .transition_report(&as_supervisor, report.id, ReportAction::Accept, None, false)
        .await
        .unwrap();
    assert_eq!(accepted.state, luoshi_domain::report::ReportState::Accepted);
    assert_eq!(accepted.actuals[0].value, 6.0);
    assert!(
        store
            .update_report(&as_reporter, report.id, &ReportInput::default())
            .await
            .is_err()
    );
    let correction = store.correct_report(&as_reporter, report.id).await.unwrap();
    assert_eq!(
        (correction.version, correction.state.as_str()),
        (2, "draft")
    );

    // Lights and the board: 24 planned, 6 by June is 25% behind a linear 12.
    let rules = LightRules::default();
    let today = NaiveDate::from_ymd_opt(2026, 7, 10).unwrap();
    let with_lights = store.tasks_with_lights(&plan, &rules, today).await.unwrap();
    assert_eq!(
        with_lights[0].light.color,
        LightColor::Red,
        "{:?}",
        with_lights[0].light
    );
    let codes: Vec<&str> = with_lights[0]
        .light
        .reasons
        .iter()
        .map(|r| r.code.as_str())
        .collect();
    assert!(
        codes.contains(&"deadline_passed") && codes.contains(&"target_behind"),
        "{codes:?}"
    );
    let board = store.dashboard(&plan, &rules, today).await.unwrap();
    assert_eq!(board.tasks, 3);
    assert_eq!(board.period, "2026-07");
    let progress = board
        .targets
        .iter()
        .find(|t| t.target_id == target.id)
        .unwrap();
    assert_eq!(
        (progress.actual, progress.expected),
        (Some(6.0), Some(12.0))
    );
    assert_eq!(board.by_section.len(), 2);
    assert!(board.not_reported.iter().any(|u| u.unit_id == safety.id));
    let safety_light = &with_lights[2].light;
    assert_eq!(
        safety_light.color,
        LightColor::Red,
        "June report 15 days overdue: {safety_light:?}"
    );
    assert_eq!(safety_light.reasons[0].code, "report_overdue_long");
    let safety_figures = board
        .by_unit
        .iter()
        .find(|u| u.unit_id == safety.id)
        .unwrap();
    assert_eq!(safety_figures.missing_reports, 1);
    let owed = store.owed_reports(&plan, today).await.unwrap();
    let late: Vec<(i64, &str)> = owed
        .iter()
        .filter(|o| o.overdue)
        .map(|o| (o.task_id, o.period.as_str()))
        .collect();
    assert_eq!(
        late,
        vec![(tasks[1].id, "2026-06"), (tasks[2].id, "2026-06")]
    );
    let current: Vec<i64> = owed
        .iter()
        .filter(|o| !o.overdue)
        .map(|o| {
            assert_eq!(o.period, "2026-07");
            o.task_id
        })
        .collect();
    assert_eq!(current, tasks.iter().map(|t| t.id).collect::<Vec<_>>());

    // Notices, comments, public periods.
    let notice = store
        .issue_notice(
            &as_supervisor,
            tasks[0].id,
            &NewNotice {
                unit_id: basic.id,
                reason: "进度滞后".into(),
                response_due: "2026-07-20".parse().unwrap(),
            },
        )
        .await
        .unwrap();
    store
        .answer_notice(&as_reporter, notice.id, "已加快推进")
        .await
        .unwrap();
    let closed = store.close_notice(&as_supervisor, notice.id).await.unwrap();
    assert_eq!(closed.state, luoshi_domain::record::NoticeState::Closed);
    assert!(store.close_notice(&as_supervisor, notice.id).await.is_err());
    store
        .add_comment(&as_supervisor, tasks[0].id, Some(report.id), "请加快")
        .await
        .unwrap();
    assert_eq!(
        store
            .comments(tasks[0].id, Paging::new(None, None))
            .await
            .unwrap()
            .total,
        1
    );
    let public = store
        .publish_period(&as_supervisor, &plan, "2026-06", &rules, today)
        .await
        .unwrap();
    assert_eq!(public.tasks[0].progress.as_deref(), Some("已开工 8 所"));
    assert_eq!(
        store.published_periods(plan.id).await.unwrap(),
        vec!["2026-06"]
    );

    // A task's history: its target, reports, notice and comment, newest first, and nothing
    // of the other tasks; a plan's history since an entry has only what came after it.
    let history = store
        .history(org.id, HistoryScope::Task(tasks[0].id), None, Paging::all())
        .await
        .unwrap();
    let entities: Vec<&str> = history.items.iter().map(|e| e.entity.as_str()).collect();
    for entity in ["target", "report", "notice", "comment"] {
        assert!(entities.contains(&entity), "{entity} in {entities:?}");
    }
    assert!(history.items.windows(2).all(|w| w[0].id > w[1].id));
    let other = store
        .history(org.id, HistoryScope::Task(tasks[2].id), None, Paging::all())
        .await
        .unwrap();
    assert!(
        other.items.iter().all(|e| e.entity == AuditEntity::Task),
        "{:?}",
        other.items
    );
    let since = history.items[1].id;
    let recent = store
        .history(
            org.id,
            HistoryScope::Plan(plan.id),
            Some(since),
            Paging::all(),
        )
        .await
        .unwrap();
    assert!(recent.items.iter().all(|e| e.id > since));
    assert!(
        recent
            .items
            .iter()
            .any(|e| e.entity == AuditEntity::Plan && e.action == AuditAction::PublishPeriod)
    );
    assert!(store.previous_login(reporter.id).await.unwrap().is_none());
    for _ in 0..2 {
        store
            .record_event(
                &as_reporter,
                AuditAction::Login,
                AuditEntity::Session,
                Some(reporter.id),
            )
            .await
            .unwrap();
    }
    let logins = store
        .audit_log(
            &AuditFilter {
                action: Some(AuditAction::Login),
                ..Default::default()
            },
            Paging::all(),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .previous_login(reporter.id)
            .await
            .unwrap()
            .map(|e| e.id),
        Some(logins.items[1].id),
        "the login before the latest one"
    );

    // The audit log has every change and refuses edits on the database itself.
    let log = store
        .audit_log(
            &AuditFilter {
                entity: Some(AuditEntity::Report),
                ..Default::default()
            },
            Paging::new(None, Some(100)),
        )
        .await
        .unwrap();
    assert!(log.total >= 7, "{}", log.total);
    let page = store
        .audit_log(&AuditFilter::default(), Paging::new(Some(2), Some(5)))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 5);
    audit_log_refuses_changes(url).await;
    store.close().await;
}

#[tokio::test]
async fn conformance_on_sqlite() {
    let db = TestDatabase::sqlite();
    story(&db.url).await;
    db.close().await;
}

#[tokio::test]
async fn conformance_on_postgres() {
    if let Some(db) = TestDatabase::postgres("conformance").await {
        story(&db.url).await;
        db.close().await;
    }
}

#[tokio::test]
async fn sqlite_backup_is_a_consistent_copy() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&sqlite_url_in(dir.path())).await.unwrap();
    store
        .create_organization(&Audit::cli(), "备份测试")
        .await
        .unwrap();
    let copy = dir.path().join("copy.db");
    store.backup_sqlite(&copy).await.unwrap();
    assert!(
        store.backup_sqlite(&copy).await.is_err(),
        "never overwrites"
    );
    let restored = Store::connect(&format!("sqlite://{}", copy.display()))
        .await
        .unwrap();
    assert_eq!(restored.organizations().await.unwrap()[0].name, "备份测试");
}
