//! The files a plan leaves the system as: what they are made from is gathered here from the
//! store, once, and the office crate renders it.

use chrono::NaiveDate;
use luoshi_domain::policy::{Action, Actor, decide};
use luoshi_office::Book;

pub use luoshi_office::ExportKind;
use luoshi_store::{NoticeFilter, Paging, ReportFilter, Store};

use crate::error::{Result, check};
use crate::plans;

/// Reads what the files of `plan_id` need, as of `today`.
pub async fn gather(
    store: &Store,
    organization_id: i64,
    plan_id: i64,
    today: NaiveDate,
) -> Result<Book> {
    let organization = store.organization(organization_id).await?;
    let plan = store.plan(organization_id, plan_id).await?;
    let cycle = plan.cycle;
    let sections = store.sections(plan.id).await?;
    let tasks = store
        .tasks_with_lights(&plan, &organization.light_rules, today)
        .await?;
    let reports = store
        .reports(
            &ReportFilter {
                organization_id,
                plan_id: Some(plan.id),
                ..Default::default()
            },
            Paging::all(),
        )
        .await?
        .items;
    let task_ids: Vec<i64> = tasks.iter().map(|t| t.task.id).collect();
    let notices = store
        .notices(
            &NoticeFilter {
                organization_id,
                ..Default::default()
            },
            Paging::all(),
        )
        .await?
        .items
        .into_iter()
        .filter(|n| task_ids.contains(&n.task_id))
        .collect();
    let units = store.units(organization_id).await?;
    let dashboard = store
        .dashboard(&plan, &organization.light_rules, today)
        .await?;
    Ok(Book {
        organization,
        plan,
        cycle,
        sections,
        tasks,
        reports,
        notices,
        units,
        dashboard,
        today,
    })
}

/// What to export: the kind, the bulletin's period and the 督办单's id where they matter.
#[derive(Clone, Debug)]
pub struct ExportRequest {
    pub plan_id: i64,
    pub kind: ExportKind,
    pub period: Option<String>,
    pub notice: Option<i64>,
}

/// A file ready to hand over, named the way bureaus name it (计划名-进展台账.xlsx).
#[derive(Clone, Debug)]
pub struct ExportedFile {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Exports one of a plan's files for anyone in the organization who may see the plan.
pub async fn export(
    store: &Store,
    actor: &Actor,
    request: &ExportRequest,
    today: NaiveDate,
) -> Result<ExportedFile> {
    check(decide(actor, Action::ReadOrganization), "计划")?;
    let plan = plans::visible(store, actor, request.plan_id).await?;
    let book = gather(store, actor.organization_id, plan.id, today).await?;
    let kind = request.kind;
    let bytes = luoshi_office::render(&book, kind, request.period.as_deref(), request.notice)?;
    Ok(ExportedFile {
        file_name: format!("{}-{}.{}", plan.title, kind.zh(), kind.format()),
        content_type: kind.content_type(),
        bytes,
    })
}
