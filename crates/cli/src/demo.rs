//! `luoshi demo`: a fresh data directory filled with a living bureau — units, one user per
//! role, the project's sample plan imported and published, half a year of reports in every
//! state, a supervision notice and a published period — then served, so a newcomer sees a
//! board with one command. The demo runs "as of" a fixed day inside the plan's year.

use std::net::SocketAddr;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use luoshi_domain::password;
use luoshi_domain::report::{ProgressStatus, ReportAction};
use luoshi_domain::role::Role;
use luoshi_store::{
    ActualInput, Audit, NewNotice, NewUnit, NewUser, PlanPatch, ReportInput, Store,
};

use crate::service::Location;

/// The project's own sample plan (a county bureau's 工作要点 as published on its site).
const SAMPLE_PLAN: &str = include_str!("../../plandoc/tests/fixtures/county_plan_paren_tasks.txt");

/// The day the demo pretends it is: mid-July of the sample plan's year.
pub fn demo_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 10).expect("valid date")
}

struct Person {
    username: &'static str,
    role: Role,
    unit: Option<&'static str>,
}

const PEOPLE: [Person; 6] = [
    Person {
        username: "admin",
        role: Role::Admin,
        unit: None,
    },
    Person {
        username: "duchashi",
        role: Role::Supervisor,
        unit: None,
    },
    Person {
        username: "juzhang",
        role: Role::Leader,
        unit: None,
    },
    Person {
        username: "jijiao_head",
        role: Role::UnitHead,
        unit: Some("基础教育股"),
    },
    Person {
        username: "jijiao",
        role: Role::Reporter,
        unit: Some("基础教育股"),
    },
    Person {
        username: "renshi",
        role: Role::Reporter,
        unit: Some("人事股"),
    },
];

/// Fills the store; returns the printed login lines.
pub async fn seed(store: &Store) -> Result<Vec<String>> {
    if store.count_users().await? > 0 {
        bail!("the data directory already has users: run the demo in a fresh --data-dir");
    }
    let cli = Audit::cli();
    let organization = store.create_organization(&cli, "青禾县教育局").await?;
    let audit = cli.within(organization.id);
    let parsed = luoshi_plandoc::parse_text("青禾县教育局2025年工作要点.txt", SAMPLE_PLAN);
    let draft = luoshi_domain::import::draft_from(&parsed, 2025)?;
    let source = luoshi_store::ImportSource {
        file_name: "青禾县教育局2025年工作要点.txt".into(),
        stored_file: None,
        text: parsed.text.clone(),
    };
    let plan = store
        .import_plan(&audit, organization.id, &draft, &source)
        .await?;
    // Every unit the plan names becomes a unit of the bureau (the reviewer's step).
    for name in store.unmatched_unit_names(plan.id).await? {
        let kind = if name.written_name.contains("学校") {
            luoshi_store::UnitKind::School
        } else {
            luoshi_store::UnitKind::Department
        };
        let unit = NewUnit {
            name: name.written_name.clone(),
            kind,
            parent_id: None,
            abbreviations: vec![],
        };
        let unit = store.create_unit(&audit, organization.id, &unit).await?;
        store
            .map_unit_name(
                &audit,
                organization.id,
                plan.id,
                &name.written_name,
                unit.id,
            )
            .await?;
    }
    // Tasks the plan gives no unit (its overall targets) go to the bureau's office.
    let orphans: Vec<i64> = store
        .plan_tasks(plan.id)
        .await?
        .into_iter()
        .filter(|t| t.lead_unit_ids().is_empty())
        .map(|t| t.id)
        .collect();
    if !orphans.is_empty() {
        let office = NewUnit {
            name: "局办公室".into(),
            kind: luoshi_store::UnitKind::Department,
            parent_id: None,
            abbreviations: vec![],
        };
        let office = store.create_unit(&audit, organization.id, &office).await?;
        for task in orphans {
            let input = luoshi_store::TaskInput {
                lead_units: Some(vec![office.id]),
                ..Default::default()
            };
            store.update_task(&audit, &plan, task, &input).await?;
        }
    }
    // Rates start from last year's level, not from zero: their trajectory runs from a baseline.
    for task in store.plan_tasks(plan.id).await? {
        for target in task.targets.iter().filter(|t| t.unit == "%") {
            if let Some(annual) = target.annual_value {
                let input = luoshi_store::TargetInput {
                    baseline: Some(annual - 2.0),
                    ..Default::default()
                };
                store
                    .update_target(&audit, &plan, target.id, &input)
                    .await?;
            }
        }
    }
    let patch = PlanPatch {
        reporting_start: NaiveDate::from_ymd_opt(2025, 1, 1),
        ..Default::default()
    };
    let plan = store
        .update_plan(&audit, organization.id, plan.id, &patch)
        .await?;
    let plan = store
        .publish_plan(&audit, organization.id, plan.id, demo_today())
        .await?;
    let units = store.units(organization.id).await?;
    let unit_id = |name: &str| units.iter().find(|u| u.name == name).map(|u| u.id);

    let mut lines = Vec::new();
    let mut ids = std::collections::HashMap::new();
    for person in &PEOPLE {
        let secret = password::generate();
        let user = store
            .create_user(
                &audit,
                organization.id,
                &NewUser {
                    username: person.username.into(),
                    display_name: format!(
                        "{}（{}）",
                        person.role.zh(),
                        person.unit.unwrap_or("局机关")
                    ),
                    role: person.role,
                    password_hash: password::hash(&secret),
                    must_change_password: false,
                    units: person.unit.and_then(unit_id).into_iter().collect(),
                },
            )
            .await?;
        ids.insert(person.username.to_string(), user.id);
        lines.push(format!(
            "  {:<12} {:<10} {}",
            person.username,
            person.role.zh(),
            secret
        ));
    }
    // Reporters of the other lead units, so that every task has someone to report.
    let tasks = store.plan_tasks(plan.id).await?;
    let as_user = |ids: &std::collections::HashMap<String, i64>, name: &str| {
        Audit::user(ids[name], organization.id, name, "demo")
    };
    let supervisor = as_user(&ids, "duchashi");
    let mut extra = 0;
    for task in &tasks {
        let Some(lead) = task.lead_unit_ids().first().copied() else {
            continue;
        };
        let reporter = match units.iter().find(|u| u.id == lead).map(|u| u.name.as_str()) {
            Some("基础教育股") => as_user(&ids, "jijiao"),
            Some("人事股") => as_user(&ids, "renshi"),
            _ => {
                let username = format!("unit{lead}");
                if !ids.contains_key(username.as_str()) {
                    extra += 1;
                    let user = store
                        .create_user(
                            &audit,
                            organization.id,
                            &NewUser {
                                username: username.clone(),
                                display_name: format!("报送人{extra}"),
                                role: Role::Reporter,
                                password_hash: password::hash(&password::generate()),
                                must_change_password: false,
                                units: vec![lead],
                            },
                        )
                        .await?;
                    ids.insert(username.clone(), user.id);
                }
                as_user(&ids, &username)
            }
        };
        seed_reports(store, &reporter, &supervisor, task, lead).await?;
    }
    // A notice for the most behind task, and May published to the public.
    if let Some(lagging) = tasks.last() {
        let unit = lagging.lead_unit_ids()[0];
        store
            .issue_notice(
                &supervisor,
                lagging.id,
                &NewNotice {
                    unit_id: unit,
                    reason: "六月进展未按时报送，请说明原因并加快推进".into(),
                    response_due: "2025-07-15".parse().unwrap(),
                },
            )
            .await?;
    }
    store
        .publish_period(
            &supervisor,
            &plan,
            "2025-05",
            &organization.light_rules,
            demo_today(),
        )
        .await?;
    Ok(lines)
}

/// Half a year of one task's reports, varied by the task's position so that the board shows
/// every state: accepted months, a returned one, a submitted one, a draft, a finished task and
/// a task that stopped reporting.
async fn seed_reports(
    store: &Store,
    reporter: &Audit,
    supervisor: &Audit,
    task: &luoshi_store::Task,
    lead: i64,
) -> Result<()> {
    let pattern = task.position % 5;
    let last_month = match pattern {
        4 => 3, // stopped reporting after March: red
        _ => 6,
    };
    for month in 1..=last_month {
        let period = format!("2025-{month:02}");
        let finished = pattern == 3 && month == last_month;
        let lagging = pattern == 2 && month >= 5;
        let actuals = task
            .targets
            .iter()
            .filter_map(|t| {
                let annual = t.annual_value?;
                let baseline = t.baseline.unwrap_or(0.0);
                let pace = if lagging { 0.5 } else { 1.0 };
                let progress = (annual - baseline) * f64::from(month) / 12.0 * pace;
                let value = if finished {
                    annual
                } else {
                    ((baseline + progress) * 10.0).round() / 10.0
                };
                Some(ActualInput {
                    target_id: t.id,
                    value,
                    note: String::new(),
                })
            })
            .collect();
        let status = if finished {
            ProgressStatus::Done
        } else if lagging {
            ProgressStatus::Lagging
        } else {
            ProgressStatus::InProgress
        };
        let narrative = match (finished, lagging) {
            (true, _) => format!("“{}”各项工作已全部完成。", task.heading),
            (_, true) => format!("{month}月推进较慢，资金到位滞后，正在协调。"),
            _ => format!("{month}月按计划推进“{}”，各项工作有序开展。", task.heading),
        };
        let input = ReportInput {
            status: Some(status),
            narrative: Some(narrative),
            actuals: Some(actuals),
        };
        let last = month == last_month;
        let report = store
            .create_report(
                reporter,
                task.id,
                &period,
                Some(lead),
                &input,
                !(last && pattern == 1),
            )
            .await?;
        if last && pattern == 1 {
            continue; // a draft not yet submitted
        }
        if last && pattern == 0 {
            store
                .transition_report(
                    supervisor,
                    report.id,
                    ReportAction::Return,
                    Some("请补充目标完成数据和佐证材料"),
                    false,
                )
                .await?;
            continue;
        }
        if last && pattern == 2 {
            continue; // submitted, waiting for review
        }
        store
            .transition_report(supervisor, report.id, ReportAction::Accept, None, false)
            .await?;
    }
    Ok(())
}

pub async fn run(location: &Location, addr: SocketAddr) -> Result<()> {
    let store = location.open().await?;
    let lines = seed(&store).await.context("cannot fill the demo data")?;
    println!(
        "Demo bureau 青禾县教育局 ready in {} (as of {}).",
        location.data_dir.display(),
        demo_today()
    );
    println!("Log in with (user, role, password):");
    for line in lines {
        println!("{line}");
    }
    store.close().await;
    crate::service::serve(location, addr, false, false, Some(demo_today())).await
}
