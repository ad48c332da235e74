//! The schema itself refuses what the domain would never write: every enumerated column
//! takes exactly the values of its enum (the lists in the migrations are checked against
//! the enums here, on both engines), and every date column takes only YYYY-MM-DD.

use luoshi_domain::audit::{AuditAction, AuditEntity};
use luoshi_domain::import::draft_from;
use luoshi_domain::period::Cycle;
use luoshi_domain::report::{ProgressStatus, ReportState};
use luoshi_domain::role::Role;
use luoshi_plandoc::model::Comparator;
use luoshi_store::*;
use luoshi_testing::{Engine, TestDatabase};

const PLAN: &str = "某县教育局2026年工作要点\n\
    一、推进学前教育普及普惠\n\
    1.扩大普惠性资源。6月底前新改扩建幼儿园20所。（牵头单位：基础教育科）\n";

/// A row in every table with an enumerated or date column.
async fn fill(store: &Store) {
    let cli = Audit::cli();
    let org = store.create_organization(&cli, "某县教育局").await.unwrap();
    let unit = NewUnit {
        name: "基础教育科".into(),
        kind: UnitKind::Department,
        parent_id: None,
        abbreviations: vec![],
    };
    let unit = store.create_unit(&cli, org.id, &unit).await.unwrap();
    let user = NewUser {
        username: "li".into(),
        display_name: "李".into(),
        role: Role::Reporter,
        password_hash: "x".into(),
        must_change_password: false,
        units: vec![unit.id],
    };
    let user = store.create_user(&cli, org.id, &user).await.unwrap();
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
    let plan = store
        .publish_plan(
            &cli,
            org.id,
            plan.id,
            chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        )
        .await
        .unwrap();
    let task = store.plan_tasks(plan.id).await.unwrap()[0].id;
    let milestone = MilestoneInput {
        title: "完成选址".into(),
        due_date: "2026-04-30".parse().unwrap(),
    };
    store
        .add_milestone(&cli, &plan, task, &milestone)
        .await
        .unwrap();
    let audit = Audit::user(user.id, org.id, "li", "local");
    let input = ReportInput::default();
    store
        .create_report(&audit, task, "2026-03", Some(unit.id), &input, false)
        .await
        .unwrap();
    let notice = NewNotice {
        unit_id: unit.id,
        reason: "进度滞后".into(),
        response_due: "2026-04-10".parse().unwrap(),
    };
    store.issue_notice(&audit, task, &notice).await.unwrap();
    store
        .add_comment(&audit, task, None, CommentKind::Comment, "请加快")
        .await
        .unwrap();
}

/// Every stored value of each enumerated column, from the enums themselves.
fn enumerated_columns() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    let all = |values: &[&'static str]| values.to_vec();
    vec![
        (
            "units",
            "kind",
            UnitKind::ALL.iter().map(|k| k.as_str()).collect(),
        ),
        (
            "users",
            "role",
            Role::ALL.iter().map(|r| r.as_str()).collect(),
        ),
        ("task_units", "role", all(&["lead", "co"])),
        (
            "plans",
            "status",
            PlanStatus::ALL.iter().map(|s| s.as_str()).collect(),
        ),
        (
            "plans",
            "cycle",
            Cycle::ALL.iter().map(|c| c.as_str()).collect(),
        ),
        (
            "targets",
            "comparator",
            Comparator::ALL.iter().map(|c| c.as_str()).collect(),
        ),
        (
            "reports",
            "state",
            ReportState::ALL.iter().map(|s| s.as_str()).collect(),
        ),
        (
            "reports",
            "status",
            ProgressStatus::ALL.iter().map(|s| s.as_str()).collect(),
        ),
        (
            "notices",
            "state",
            NoticeState::ALL.iter().map(|s| s.as_str()).collect(),
        ),
        (
            "comments",
            "kind",
            CommentKind::ALL.iter().map(|k| k.as_str()).collect(),
        ),
    ]
}

async fn columns_refuse_what_the_enums_do_not_have(engine: Engine) {
    let Some(db) = TestDatabase::new(engine, "enumerated").await else {
        return;
    };
    let store = Store::connect(&db.url).await.unwrap();
    fill(&store).await;
    sqlx::any::install_default_drivers();
    let raw = sqlx::AnyPool::connect(&db.url).await.unwrap();
    let set = |table: &str, column: &str, value: Option<&str>| {
        let sql =
            format!("UPDATE {table} SET {column} = $1 WHERE id = (SELECT MIN(id) FROM {table})");
        let value = value.map(str::to_string);
        let raw = raw.clone();
        async move { sqlx::query(&sql).bind(value).execute(&raw).await }
    };
    for (table, column, values) in enumerated_columns() {
        for value in &values {
            let written = set(table, column, Some(value)).await;
            assert!(
                written.is_ok(),
                "{engine:?} {table}.{column} = {value}: {written:?}"
            );
        }
        let refused = set(table, column, Some("damaged")).await;
        assert!(
            refused.is_err(),
            "{engine:?} {table}.{column} took an unknown value"
        );
    }
    for (table, column, nullable) in [
        ("milestones", "due_date", false),
        ("notices", "response_due", false),
        ("tasks", "deadline", true),
        ("plans", "reporting_start", true),
    ] {
        assert!(set(table, column, Some("2026-06-30")).await.is_ok());
        for bad in ["6月底", "2026/06/30", "2026-6-30", ""] {
            let refused = set(table, column, Some(bad)).await;
            assert!(refused.is_err(), "{engine:?} {table}.{column} took “{bad}”");
        }
        assert_eq!(
            set(table, column, None).await.is_ok(),
            nullable,
            "{table}.{column}"
        );
    }

    // The log is append-only, so its lists are checked by writing new entries.
    let log = |action: &str, entity: &str| {
        let (action, entity) = (action.to_string(), entity.to_string());
        let raw = raw.clone();
        async move {
            sqlx::query(
                "INSERT INTO audit_log (at, actor, ip, action, entity) VALUES (0, 'test', 'local', $1, $2)",
            )
            .bind(action)
            .bind(entity)
            .execute(&raw)
            .await
        }
    };
    for action in AuditAction::ALL {
        let written = log(action.as_str(), "plan").await;
        assert!(
            written.is_ok(),
            "{engine:?} audit action {action:?}: {written:?}"
        );
    }
    for entity in AuditEntity::ALL {
        let written = log("create", entity.as_str()).await;
        assert!(
            written.is_ok(),
            "{engine:?} audit entity {entity:?}: {written:?}"
        );
    }
    assert!(log("drop", "plan").await.is_err());
    assert!(log("create", "everything").await.is_err());
    raw.close().await;
    store.close().await;
    db.close().await;
}

#[tokio::test]
async fn sqlite_columns_refuse_what_the_enums_do_not_have() {
    columns_refuse_what_the_enums_do_not_have(Engine::Sqlite).await;
}

#[tokio::test]
async fn postgres_columns_refuse_what_the_enums_do_not_have() {
    columns_refuse_what_the_enums_do_not_have(Engine::Postgres).await;
}
