//! The use cases decide as the policy says, for whoever calls them: a report moves on only
//! for the role whose step it is, a unit sees nothing of another unit's tasks, drafts stay
//! with those who manage plans, and files go only to those who may read the organization.

use chrono::NaiveDate;
use luoshi_app::AppError;
use luoshi_app::board::{self, StatusFilter, TaskFilter, TaskOrder};
use luoshi_app::files::{ExportRequest, export};
use luoshi_app::{admin, notices, plan_editing, plans, reports, session};
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
        must_change_password: true,
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
fn narrative(text: &str) -> ReportInput {
    ReportInput {
        status: Some(ProgressStatus::InProgress),
        narrative: Some(text.into()),
        actuals: None,
    }
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
        response_due: "2026-06-10".into(),
    };
    let misaddressed =
        notices::issue(store, &supervisor.actor, &supervisor.audit, task, &to(2)).await;
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
    let refused = notices::issue(store, &own.actor, &own.audit, task, &to(1)).await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
    let notice = notices::issue(store, &supervisor.actor, &supervisor.audit, task, &to(1))
        .await
        .unwrap();

    let unseen = notices::list(store, &stranger.actor, None, None, Paging::all())
        .await
        .unwrap();
    assert_eq!(unseen.total, 0, "a unit sees only notices addressed to it");
    let hidden =
        notices::answer(store, &stranger.actor, &stranger.audit, notice.id, "已整改").await;
    assert!(
        matches!(hidden, Err(AppError::NotFound("督办单"))),
        "{hidden:?}"
    );
    let answered = notices::answer(store, &own.actor, &own.audit, notice.id, "已整改")
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

/// Why a login was refused; a session opened is a failure of the test.
fn refusal(result: Result<session::Opened, AppError>) -> AppError {
    match result {
        Ok(_) => panic!("a session was opened"),
        Err(error) => error,
    }
}

#[tokio::test]
async fn logging_in_locks_out_guessers_and_tells_no_one_which_part_was_wrong() {
    let bureau = Bureau::new().await;
    let store = &bureau.store;
    let person = bureau.person("zhang", Role::Reporter, vec![1]).await;
    let right = "Jiaoyu-2026-ok";
    store
        .set_password(
            &Audit::cli(),
            person.actor.user_id,
            &password::hash(right),
            false,
        )
        .await
        .unwrap();
    let unknown = refusal(session::log_in(store, "10.0.0.1", "nobody", right).await);
    assert!(matches!(unknown, AppError::BadCredentials), "{unknown:?}");
    let opened = session::log_in(store, "10.0.0.1", "zhang", right)
        .await
        .unwrap();
    assert_ne!(opened.secret, opened.csrf);
    assert!(
        store
            .session(&secret_hash(&opened.secret))
            .await
            .unwrap()
            .is_some()
    );

    for _ in 0..session::MAX_FAILED_LOGINS {
        let wrong = refusal(session::log_in(store, "10.0.0.2", "zhang", "guess").await);
        assert!(matches!(wrong, AppError::BadCredentials), "{wrong:?}");
    }
    let locked = refusal(session::log_in(store, "10.0.0.2", "zhang", right).await);
    assert!(
        matches!(locked, AppError::Locked { minutes: 15 }),
        "{locked:?}"
    );

    let user = store.user(person.actor.user_id).await.unwrap();
    let wrong_old =
        session::change_password(store, &person.audit, &user, "guess", "Another-2026-ok").await;
    assert!(
        matches!(wrong_old, Err(AppError::WrongPassword)),
        "{wrong_old:?}"
    );
    let same = session::change_password(store, &person.audit, &user, right, right).await;
    assert!(
        matches!(
            same,
            Err(AppError::Invalid {
                field: "new_password",
                ..
            })
        ),
        "{same:?}"
    );
    let weak = session::change_password(store, &person.audit, &user, right, "123").await;
    assert!(matches!(weak, Err(AppError::Rule(_))), "{weak:?}");
    session::change_password(store, &person.audit, &user, right, "Another-2026-ok")
        .await
        .unwrap();
    assert!(
        store
            .session(&secret_hash(&opened.secret))
            .await
            .unwrap()
            .is_none(),
        "a password change ends the sessions opened with the old one"
    );

    let unnamed = session::create_token(store, &person.audit, user.id, "  ").await;
    assert!(
        matches!(unnamed, Err(AppError::Invalid { field: "name", .. })),
        "{unnamed:?}"
    );
    let again = session::first_admin(
        store,
        "10.0.0.1",
        &session::FirstRun {
            organization: "另一个局".into(),
            username: "root".into(),
            display_name: "root".into(),
            password: right.into(),
        },
    )
    .await;
    assert!(matches!(again, Err(AppError::AlreadySetUp)), "{again:?}");
}

async fn stored_hash(store: &Store, user: i64) -> String {
    let username = store.user(user).await.unwrap().username;
    store
        .credentials(&username)
        .await
        .unwrap()
        .unwrap()
        .password_hash
}
