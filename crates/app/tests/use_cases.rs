//! The use cases decide as the policy says, for whoever calls them: a report moves on only
//! for the role whose step it is, a unit sees nothing of another unit's tasks, drafts stay
//! with those who manage plans, and files go only to those who may read the organization.

use chrono::NaiveDate;
use luoshi_app::AppError;
use luoshi_app::files::{ExportRequest, export};
use luoshi_app::{admin, plans, reports};
use luoshi_domain::import::draft_from;
use luoshi_domain::password;
use luoshi_domain::policy::Actor;
use luoshi_domain::report::{ProgressStatus, ReportAction, ReportState};
use luoshi_domain::role::Role;
use luoshi_office::ExportKind;
use luoshi_store::*;

const PLAN: &str = "某县教育局2026年工作要点\n\
    一、推进学前教育普及普惠\n\
    1.扩大普惠性资源。新改扩建幼儿园20所。（牵头单位：基础教育科）\n\
    2.补充教师。招聘新教师120名。（牵头单位：人事科）\n";

/// A person of the test bureau: what the policy sees and what the audit log records.
struct Person {
    actor: Actor,
    audit: Audit,
}

struct Bureau {
    store: Store,
    _dir: tempfile::TempDir,
    organization: i64,
    published: Plan,
    draft: Plan,
    tasks: Vec<Task>,
}

impl Bureau {
    async fn new() -> Bureau {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&sqlite_url_in(dir.path())).await.unwrap();
        let cli = Audit::cli();
        let organization = store
            .create_organization(&cli, "某县教育局")
            .await
            .unwrap()
            .id;
        for name in ["基础教育科", "人事科"] {
            let unit = NewUnit {
                name: name.into(),
                kind: "department".into(),
                parent_id: None,
                abbreviations: vec![],
            };
            store.create_unit(&cli, organization, &unit).await.unwrap();
        }
        let parsed = luoshi_plandoc::parse_text("plan.txt", PLAN);
        let draft = draft_from(&parsed, 2026).unwrap();
        let source = ImportSource {
            file_name: "plan.txt".into(),
            stored_file: None,
            text: parsed.text.clone(),
        };
        let plan = store
            .import_plan(&cli, organization, &draft, &source)
            .await
            .unwrap();
        let published = store
            .publish_plan(&cli, organization, plan.id, date(5, 1))
            .await
            .unwrap();
        let draft = store
            .import_plan(&cli, organization, &draft, &source)
            .await
            .unwrap();
        let tasks = store.plan_tasks(published.id).await.unwrap();
        Bureau {
            store,
            _dir: dir,
            organization,
            published,
            draft,
            tasks,
        }
    }

    async fn person(&self, username: &str, role: Role, units: Vec<i64>) -> Person {
        let user = self
            .store
            .create_user(
                &Audit::cli(),
                self.organization,
                &NewUser {
                    username: username.into(),
                    display_name: username.into(),
                    role,
                    password_hash: "x".into(),
                    must_change_password: false,
                    units: units.clone(),
                },
            )
            .await
            .unwrap();
        Person {
            actor: Actor {
                user_id: user.id,
                organization_id: self.organization,
                role,
                units,
            },
            audit: Audit::user(user.id, self.organization, username, "local"),
        }
    }

    /// A submitted report of the first task (基础教育科's), written by `reporter`.
    async fn submitted_report(&self, reporter: &Person) -> Report {
        let input = ReportInput {
            status: Some(ProgressStatus::InProgress),
            narrative: Some("已开工建设幼儿园8所".into()),
            actuals: None,
        };
        let report = self
            .store
            .create_report(
                &reporter.audit,
                self.tasks[0].id,
                "2026-05",
                Some(1),
                &input,
                false,
            )
            .await
            .unwrap();
        self.step(reporter, report.id, ReportAction::Submit, None)
            .await
            .unwrap()
    }

    async fn step(
        &self,
        person: &Person,
        report: i64,
        action: ReportAction,
        reason: Option<&str>,
    ) -> Result<Report, AppError> {
        reports::transition(
            &self.store,
            &person.actor,
            &person.audit,
            report,
            action,
            reason,
        )
        .await
    }
}

fn date(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).unwrap()
}

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
    bureau
        .store
        .update_organization(
            &Audit::cli(),
            bureau.organization,
            &OrganizationPatch {
                head_review: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
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
    assert!(matches!(missing, Err(AppError::Office(_))), "{missing:?}");
}

#[tokio::test]
async fn administration_keeps_the_organization_usable() {
    let bureau = Bureau::new().await;
    let admin_person = bureau.person("a", Role::Admin, vec![]).await;
    let supervisor = bureau.person("s", Role::Supervisor, vec![]).await;
    let store = &bureau.store;
    let account = |role, units: Vec<i64>, password: Option<&str>| admin::NewAccount {
        username: format!("u{}", units.len()),
        display_name: "新用户".into(),
        role,
        units,
        password: password.map(str::to_string),
    };

    let refused = admin::create_user(
        store,
        &supervisor.actor,
        &supervisor.audit,
        account(Role::Reporter, vec![1], None),
    )
    .await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");

    let unitless = admin::create_user(
        store,
        &admin_person.actor,
        &admin_person.audit,
        account(Role::Reporter, vec![], None),
    )
    .await;
    assert!(
        matches!(
            unitless,
            Err(AppError::Invalid {
                field: "单位", ..
            })
        ),
        "{unitless:?}"
    );
    let weak = admin::create_user(
        store,
        &admin_person.actor,
        &admin_person.audit,
        account(Role::Reporter, vec![1], Some("123")),
    )
    .await;
    assert!(matches!(weak, Err(AppError::Rule(_))), "{weak:?}");

    let created = admin::create_user(
        store,
        &admin_person.actor,
        &admin_person.audit,
        account(Role::Reporter, vec![1], None),
    )
    .await
    .unwrap();
    assert!(created.generated && created.user.must_change_password);
    assert!(password::verify(
        &created.password,
        &stored_hash(store, created.user.id).await
    ));

    let lockout = admin::update_user(
        store,
        &admin_person.actor,
        &admin_person.audit,
        admin_person.actor.user_id,
        &AccessChange {
            disabled: Some(true),
            ..Default::default()
        },
    )
    .await;
    assert!(
        matches!(
            lockout,
            Err(AppError::Invalid {
                field: "用户", ..
            })
        ),
        "{lockout:?}"
    );
    let stripped = admin::update_user(
        store,
        &admin_person.actor,
        &admin_person.audit,
        created.user.id,
        &AccessChange {
            units: Some(vec![]),
            ..Default::default()
        },
    )
    .await;
    assert!(
        matches!(stripped, Err(AppError::Invalid { .. })),
        "{stripped:?}"
    );

    let (_, temporary) = admin::reset_password(
        store,
        &admin_person.actor,
        &admin_person.audit,
        created.user.id,
        None,
    )
    .await
    .unwrap();
    assert_ne!(temporary, created.password);
    assert!(password::verify(
        &temporary,
        &stored_hash(store, created.user.id).await
    ));
}

#[tokio::test]
async fn administrators_of_one_bureau_cannot_reach_another_bureaus_users() {
    let bureau = Bureau::new().await;
    let reporter = bureau.person("r", Role::Reporter, vec![1]).await;
    let other = bureau
        .store
        .create_organization(&Audit::cli(), "另一县教育局")
        .await
        .unwrap();
    let stranger = Actor {
        user_id: 999,
        organization_id: other.id,
        role: Role::Admin,
        units: vec![],
    };
    let audit = Audit::cli().within(other.id);
    let reset = admin::reset_password(
        &bureau.store,
        &stranger,
        &audit,
        reporter.actor.user_id,
        None,
    )
    .await;
    assert!(
        matches!(reset, Err(AppError::NotFound("用户"))),
        "{reset:?}"
    );
    let change = admin::update_user(
        &bureau.store,
        &stranger,
        &audit,
        reporter.actor.user_id,
        &AccessChange {
            disabled: Some(true),
            ..Default::default()
        },
    )
    .await;
    assert!(
        matches!(change, Err(AppError::NotFound("用户"))),
        "{change:?}"
    );
}

/// The password hash the store keeps for `user`.
async fn stored_hash(store: &Store, user: i64) -> String {
    let username = store.user(user).await.unwrap().username;
    store
        .credentials(&username)
        .await
        .unwrap()
        .unwrap()
        .password_hash
}
