//! The use cases decide as the policy says, for whoever calls them: a report moves on only
//! for the role whose step it is, a unit sees nothing of another unit's tasks, drafts stay
//! with those who manage plans, and files go only to those who may read the organization.
//! One module an area; `main` holds the test bureau they share.

mod admin;
mod board;
mod plans;
mod queues;
mod reports;
mod session;

use chrono::NaiveDate;
use luoshi_app::AppError;
use luoshi_app::reports as report_cases;
use luoshi_domain::import::draft_from;
use luoshi_domain::policy::Actor;
use luoshi_domain::report::{ProgressStatus, ReportAction};
use luoshi_domain::role::Role;
use luoshi_store::*;

pub const PLAN: &str = "某县教育局2026年工作要点\n\
    一、推进学前教育普及普惠\n\
    1.扩大普惠性资源。新改扩建幼儿园20所。（牵头单位：基础教育科）\n\
    2.补充教师。招聘新教师120名。（牵头单位：人事科）\n";

/// A person of the test bureau: what the policy sees and what the audit log records.
pub struct Person {
    pub actor: Actor,
    pub audit: Audit,
}

pub struct Bureau {
    pub store: Store,
    _dir: tempfile::TempDir,
    pub organization: i64,
    pub published: Plan,
    pub draft: Plan,
    pub tasks: Vec<Task>,
}

impl Bureau {
    pub async fn new() -> Bureau {
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
                kind: UnitKind::Department,
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

    pub async fn person(&self, username: &str, role: Role, units: Vec<i64>) -> Person {
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

    /// Unit heads approve reports before the supervisor sees them (科室审核).
    pub async fn heads_review(&self) {
        let patch = OrganizationPatch {
            head_review: Some(true),
            ..Default::default()
        };
        self.store
            .update_organization(&Audit::cli(), self.organization, &patch)
            .await
            .unwrap();
    }

    /// A submitted report of the first task (基础教育科's), written by `reporter`.
    pub async fn submitted_report(&self, reporter: &Person) -> Report {
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

    pub async fn step(
        &self,
        person: &Person,
        report: i64,
        action: ReportAction,
        reason: Option<&str>,
    ) -> Result<Report, AppError> {
        report_cases::transition(
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

pub fn date(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).unwrap()
}

pub fn narrative(text: &str) -> ReportInput {
    ReportInput {
        status: Some(ProgressStatus::InProgress),
        narrative: Some(text.into()),
        actuals: None,
    }
}

/// The password hash the store keeps for `user`.
pub async fn stored_hash(store: &Store, user: i64) -> String {
    let username = store.user(user).await.unwrap().username;
    store
        .credentials(&username)
        .await
        .unwrap()
        .unwrap()
        .password_hash
}
