//! The state the scenarios start from, built through the store's own API in the order the
//! server builds it: a bureau with its units and users, its plan imported, then published,
//! then reported on. Each scenario takes only the steps it needs, so a broken step fails
//! the scenarios that depend on it and no others.

use chrono::NaiveDate;
use luoshi_domain::import::draft_from;
use luoshi_domain::light::LightRules;
use luoshi_domain::report::{ProgressStatus, ReportAction};
use luoshi_domain::role::Role;
use luoshi_store::*;

/// Task 1 names its units exactly, task 2 by the abbreviation 基教科, task 3 by 安全科, which
/// no unit is called until the reviewer maps it.
const PLAN: &str = "某县教育局2026年工作要点\n\
    一、推进学前教育普及\n\
    1.扩大普惠资源。新改扩建幼儿园20所。6月底前完成。（牵头单位：基础教育科；配合单位：计划财务科）\n\
    2.提升保教质量。开展保教质量评估。（责任单位：基教科）\n\
    二、加强安全管理\n\
    3.校园安全。完成校舍安全排查。（责任单位：安全科）\n";

/// Why the supervisor returns the first June report.
pub const RETURN_REASON: &str = "数据不全";

/// The June report's narrative once the reporter has answered the return.
pub const ACCEPTED_NARRATIVE: &str = "已开工 8 所";

/// The plan is published in June, so June is its first reporting period.
pub fn june() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

/// The day the board is looked at: task 1 is past its deadline, and the June reports of
/// tasks 2 and 3 are 15 days overdue.
pub fn july_10() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 7, 10).unwrap()
}

pub fn new_unit(name: &str, abbreviations: &[&str]) -> NewUnit {
    NewUnit {
        name: name.into(),
        kind: UnitKind::Department,
        parent_id: None,
        abbreviations: abbreviations.iter().map(|a| a.to_string()).collect(),
    }
}

/// A user whose password is the role's name: `Reporter-Pass-1`, `Supervisor-Pass-1`.
fn new_user(username: &str, display_name: &str, role: Role, units: Vec<i64>) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: display_name.into(),
        role,
        password_hash: luoshi_domain::password::hash(&format!("{role:?}-Pass-1")),
        must_change_password: false,
        units,
    }
}

/// 某县教育局 with two departments, a reporter for 基础教育科 and a supervisor.
pub struct Bureau {
    /// For the scenarios that go round the store to the database itself.
    pub url: String,
    pub store: Store,
    pub cli: Audit,
    pub org: Organization,
    pub basic: Unit,
    pub finance: Unit,
    pub reporter: User,
    pub as_reporter: Audit,
    pub as_supervisor: Audit,
}

/// The plan as imported: a draft in which 安全科 is still unmapped.
pub struct Imported {
    pub plan: Plan,
    pub tasks: Vec<Task>,
}

/// The plan as published, with the tasks as they were imported.
pub struct Published {
    pub plan: Plan,
    pub tasks: Vec<Task>,
    /// Task 1's target, 20 as imported and 24 once published.
    pub target: Target,
    /// The unit 安全科 was mapped to.
    pub safety: Unit,
}

impl Published {
    /// Task 1's first June report: in progress, 6 of the kindergartens started.
    pub fn june_input(&self) -> ReportInput {
        ReportInput {
            status: Some(ProgressStatus::InProgress),
            narrative: Some("已开工 6 所".into()),
            actuals: Some(vec![ActualInput {
                target_id: self.target.id,
                value: 6.0,
                note: String::new(),
            }]),
        }
    }
}

impl Bureau {
    pub async fn new(url: &str) -> Bureau {
        let store = Store::connect(url).await.unwrap();
        let cli = Audit::cli();
        let org = store.create_organization(&cli, "某县教育局").await.unwrap();
        let basic = new_unit("基础教育科", &["基教科"]);
        let basic = store.create_unit(&cli, org.id, &basic).await.unwrap();
        let finance = new_unit("计划财务科", &[]);
        let finance = store.create_unit(&cli, org.id, &finance).await.unwrap();
        let reporter = new_user("reporter", "报送人", Role::Reporter, vec![basic.id]);
        let reporter = store.create_user(&cli, org.id, &reporter).await.unwrap();
        let supervisor = new_user("supervisor", "督查", Role::Supervisor, vec![]);
        let supervisor = store.create_user(&cli, org.id, &supervisor).await.unwrap();
        Bureau {
            url: url.into(),
            as_reporter: Audit::user(reporter.id, org.id, "reporter", "127.0.0.1"),
            as_supervisor: Audit::user(supervisor.id, org.id, "supervisor", "127.0.0.1"),
            store,
            cli,
            org,
            basic,
            finance,
            reporter,
        }
    }

    pub async fn import(&self) -> Imported {
        let parsed = luoshi_plandoc::parse_text("plan.txt", PLAN);
        let draft = draft_from(&parsed, 2026).unwrap();
        let source = ImportSource {
            file_name: "plan.txt".into(),
            stored_file: None,
            text: parsed.text.clone(),
        };
        let plan = self
            .store
            .import_plan(&self.cli, self.org.id, &draft, &source)
            .await
            .unwrap();
        let tasks = self.store.plan_tasks(plan.id).await.unwrap();
        Imported { plan, tasks }
    }

    /// Maps 安全科 to a new unit 安全管理科, raises task 1's target from 20 to 24 and
    /// publishes in June.
    pub async fn publish(&self, Imported { plan, tasks }: Imported) -> Published {
        let (store, cli, org) = (&self.store, &self.cli, self.org.id);
        let safety = new_unit("安全管理科", &[]);
        let safety = store.create_unit(cli, org, &safety).await.unwrap();
        store
            .map_unit_name(cli, org, plan.id, "安全科", safety.id)
            .await
            .unwrap();
        let target = tasks[0].targets[0].clone();
        let raised = TargetInput {
            annual_value: Some(24.0),
            ..Default::default()
        };
        store
            .update_target(cli, &plan, target.id, &raised)
            .await
            .unwrap();
        let plan = store.publish_plan(cli, org, plan.id, june()).await.unwrap();
        Published {
            plan,
            tasks,
            target,
            safety,
        }
    }

    pub async fn published(&self) -> Published {
        let imported = self.import().await;
        self.publish(imported).await
    }

    /// An edit of the published plan: task 3's heading.
    pub async fn rename_safety_task(&self, published: &Published) {
        let heading = TaskInput {
            heading: Some("校园安全排查".into()),
            ..Default::default()
        };
        self.store
            .update_task(&self.cli, &published.plan, published.tasks[2].id, &heading)
            .await
            .unwrap();
    }

    /// Task 1's June report for 基础教育科, submitted at once or kept as a draft.
    pub async fn create_june_report(&self, published: &Published, submit: bool) -> Result<Report> {
        let (task, unit) = (published.tasks[0].id, Some(self.basic.id));
        let input = published.june_input();
        self.store
            .create_report(&self.as_reporter, task, "2026-06", unit, &input, submit)
            .await
    }

    pub async fn draft_june_report(&self, published: &Published) -> Report {
        self.create_june_report(published, false).await.unwrap()
    }

    /// Moves the report on as the one who would: its reporter submits, the supervisor
    /// does the rest.
    pub async fn act(
        &self,
        report: &Report,
        action: ReportAction,
        reason: Option<&str>,
    ) -> Result<Report> {
        let audit = match action {
            ReportAction::Submit => &self.as_reporter,
            _ => &self.as_supervisor,
        };
        self.store
            .transition_report(audit, report.id, action, reason, false)
            .await
    }

    /// The reporter's answer to the return: a new narrative, the actuals left as they were.
    pub async fn rewrite(&self, report: &Report) {
        let narrative = ReportInput {
            narrative: Some(ACCEPTED_NARRATIVE.into()),
            ..Default::default()
        };
        self.store
            .update_report(&self.as_reporter, report.id, &narrative)
            .await
            .unwrap();
    }

    /// Task 1's June report the way it usually goes: drafted with an actual of 6,
    /// submitted, returned, rewritten, resubmitted and accepted.
    pub async fn accepted_june_report(&self, published: &Published) -> Report {
        let report = self.draft_june_report(published).await;
        self.act(&report, ReportAction::Submit, None).await.unwrap();
        self.act(&report, ReportAction::Return, Some(RETURN_REASON))
            .await
            .unwrap();
        self.rewrite(&report).await;
        self.act(&report, ReportAction::Submit, None).await.unwrap();
        self.act(&report, ReportAction::Accept, None).await.unwrap()
    }

    /// The published plan with task 1's June report accepted: what the board, the public
    /// and the log are read from.
    pub async fn reported(&self) -> Published {
        let published = self.published().await;
        self.accepted_june_report(&published).await;
        published
    }

    /// The supervisor's notice to 基础教育科 that task 1 is behind.
    pub async fn issue_notice(&self, published: &Published) -> Notice {
        let notice = NewNotice {
            unit_id: self.basic.id,
            reason: "进度滞后".into(),
            response_due: "2026-07-20".parse().unwrap(),
        };
        self.store
            .issue_notice(&self.as_supervisor, published.tasks[0].id, &notice)
            .await
            .unwrap()
    }

    pub async fn comment(&self, published: &Published, report: &Report) {
        let task = published.tasks[0].id;
        self.store
            .add_comment(
                &self.as_supervisor,
                task,
                Some(report.id),
                CommentKind::Comment,
                "请加快",
            )
            .await
            .unwrap();
    }

    /// The published plan with a record of each kind hanging off task 1: the accepted
    /// June report, a notice and a comment on the report.
    pub async fn followed_up(&self) -> Published {
        let published = self.published().await;
        let report = self.accepted_june_report(&published).await;
        self.issue_notice(&published).await;
        self.comment(&published, &report).await;
        published
    }

    /// June shown to the public, as the board sees it on 10 July.
    pub async fn publish_june(&self, published: &Published) -> PublicPeriod {
        let (plan, rules) = (&published.plan, LightRules::default());
        self.store
            .publish_period(&self.as_supervisor, plan, "2026-06", &rules, july_10())
            .await
            .unwrap()
    }

    pub async fn close(self) {
        self.store.close().await;
    }
}
