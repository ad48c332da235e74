//! Editing a plan (计划审核与修订): its settings, sections, tasks, targets and milestones,
//! the mapping of written unit names to registered units, and publishing. Only plan
//! managers act here; each edit is decided once for the API and the review page.

use chrono::{Datelike, NaiveDate};
use luoshi_domain::policy::{Action, Actor, decide};
use luoshi_domain::units::{KnownUnit, Proposal, match_name, propose};
use luoshi_store::{
    Audit, Milestone, MilestoneInput, NewUnit, Plan, PlanPatch, PlanSnapshot, PlanVersion, Section,
    SectionInput, Store, Target, TargetInput, Task, TaskInput, Unit, UnitKind, UnmatchedName,
};

use crate::error::{AppError, Result, check};
use crate::plans::managed;
use crate::tasks::known;

/// The plan of a task the caller may edit.
async fn task_plan(store: &Store, actor: &Actor, task_id: i64) -> Result<Plan> {
    check(decide(actor, Action::ManagePlans), "任务")?;
    let scope = known(store, actor, task_id).await?;
    Ok(store.plan(actor.organization_id, scope.plan_id).await?)
}

/// The plan of a target the caller may edit.
async fn target_plan(store: &Store, actor: &Actor, target_id: i64) -> Result<Plan> {
    check(decide(actor, Action::ManagePlans), "目标")?;
    let task_id = store.target_task(target_id).await?;
    task_plan(store, actor, task_id).await
}

/// What the reviewer works from: the plan, the text it was read from, its tasks, the
/// organization's units, and the written unit names still unmatched.
pub struct Review {
    pub plan: Plan,
    pub source_text: String,
    pub sections: Vec<Section>,
    pub tasks: Vec<Task>,
    pub units: Vec<Unit>,
    /// Each written name no unit matched, with what to offer for it.
    pub unmatched: Vec<(UnmatchedName, Proposal)>,
}

pub async fn review(store: &Store, actor: &Actor, id: i64) -> Result<Review> {
    let plan = managed(store, actor, id).await?;
    let units = store.units(actor.organization_id).await?;
    let known: Vec<KnownUnit> = units
        .iter()
        .map(|unit| KnownUnit {
            id: unit.id,
            name: unit.name.clone(),
            abbreviations: unit.abbreviations.clone(),
        })
        .collect();
    let unmatched = store
        .unmatched_unit_names(id)
        .await?
        .into_iter()
        .map(|name| {
            let proposal = propose(&name.written_name, &known);
            (name, proposal)
        })
        .collect();
    Ok(Review {
        source_text: store.plan_source_text(actor.organization_id, id).await?,
        sections: store.sections(id).await?,
        tasks: store.plan_tasks(id).await?,
        units,
        unmatched,
        plan,
    })
}

pub async fn update_plan(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    id: i64,
    patch: &PlanPatch,
) -> Result<Plan> {
    managed(store, actor, id).await?;
    Ok(store
        .update_plan(audit, actor.organization_id, id, patch)
        .await?)
}

/// Publishes the draft (or a revision) as the plan units report against.
/// Publishes the plan. A plan of another year than `today`'s (a 2021 plan found in 2025)
/// is published only when the caller confirms the year is meant.
pub async fn publish(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    id: i64,
    today: NaiveDate,
    other_year_confirmed: bool,
) -> Result<Plan> {
    let plan = managed(store, actor, id).await?;
    if let Some(message) = year_mismatch(&plan, today).filter(|_| !other_year_confirmed) {
        return Err(AppError::Invalid {
            field: "confirm_year",
            message: format!("{message}；确认无误后勾选确认再发布"),
        });
    }
    Ok(store
        .publish_plan(audit, actor.organization_id, id, today)
        .await?)
}

/// What to tell the reviewer when the plan's year is not this year's.
pub fn year_mismatch(plan: &Plan, today: NaiveDate) -> Option<String> {
    (plan.year != today.year()).then(|| {
        format!(
            "本计划的年度为 {} 年，与今年（{} 年）不同，请核对年度是否读取正确",
            plan.year,
            today.year()
        )
    })
}

/// The text the plan was read from, for the reviewer to compare against.
pub async fn source_text(store: &Store, actor: &Actor, id: i64) -> Result<String> {
    managed(store, actor, id).await?;
    Ok(store.plan_source_text(actor.organization_id, id).await?)
}

/// Unit names written in the plan that match no registered unit.
pub async fn unmatched_units(store: &Store, actor: &Actor, id: i64) -> Result<Vec<UnmatchedName>> {
    managed(store, actor, id).await?;
    Ok(store.unmatched_unit_names(id).await?)
}

/// Where a written unit name should point.
pub enum UnitChoice {
    /// A unit already registered.
    Existing(i64),
    /// A new unit of this kind, named as written (the reviewer accepting the proposal);
    /// creating units is an administrator's right.
    New { kind: UnitKind },
    /// No unit: the name stands for several (局机关各科室) and is removed from the tasks,
    /// which get their units by [`assign_units`].
    Drop,
}

/// Maps a unit name written in the plan to a unit; returns how many tasks now name it.
pub async fn map_unit(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    plan_id: i64,
    written_name: &str,
    choice: UnitChoice,
) -> Result<u64> {
    managed(store, actor, plan_id).await?;
    let unit_id = match choice {
        UnitChoice::Drop => {
            return Ok(store
                .drop_unit_name(audit, actor.organization_id, plan_id, written_name)
                .await?);
        }
        UnitChoice::Existing(unit) => unit,
        UnitChoice::New { kind } => {
            check(decide(actor, Action::Administer), "单位")?;
            let unit = NewUnit {
                name: written_name.to_string(),
                kind,
                parent_id: None,
                abbreviations: vec![],
            };
            store
                .create_unit(audit, actor.organization_id, &unit)
                .await?
                .id
        }
    };
    Ok(store
        .map_unit_name(audit, actor.organization_id, plan_id, written_name, unit_id)
        .await?)
}

/// Which tasks of a plan a bulk assignment reaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskSelection {
    /// The tasks the reviewer ticked.
    Chosen(Vec<i64>),
    /// Every task that has no lead unit yet (a plan whose text names no units).
    WithoutLead,
    /// Every task of one section (一、二、…).
    Section(i64),
}

/// Gives the selected tasks of a plan the same lead (and, when given, co-) units at once.
pub async fn assign_units(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    plan_id: i64,
    selection: &TaskSelection,
    lead: &[i64],
    co: &[i64],
) -> Result<Vec<Task>> {
    let plan = managed(store, actor, plan_id).await?;
    let tasks = store.plan_tasks(plan_id).await?;
    let chosen: Vec<i64> = tasks
        .iter()
        .filter(|task| match selection {
            TaskSelection::Chosen(ids) => ids.contains(&task.id),
            TaskSelection::WithoutLead => task.lead_unit_ids().is_empty(),
            TaskSelection::Section(section) => task.section_id == Some(*section),
        })
        .map(|task| task.id)
        .collect();
    if let TaskSelection::Chosen(ids) = selection
        && ids.len() != chosen.len()
    {
        return Err(AppError::NotFound("任务"));
    }
    Ok(store.assign_units(audit, &plan, &chosen, lead, co).await?)
}

/// The published versions of a plan, for everyone who reads the whole organization.
pub async fn versions(store: &Store, actor: &Actor, id: i64) -> Result<Vec<PlanVersion>> {
    check(decide(actor, Action::ReadOrganization), "计划")?;
    let plan = store.plan(actor.organization_id, id).await?;
    Ok(store.plan_versions(plan.id).await?)
}

pub async fn version(store: &Store, actor: &Actor, id: i64, version: i64) -> Result<PlanSnapshot> {
    check(decide(actor, Action::ReadOrganization), "计划")?;
    let plan = store.plan(actor.organization_id, id).await?;
    Ok(store.plan_version(plan.id, version).await?)
}

pub async fn create_section(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    plan_id: i64,
    input: &SectionInput,
) -> Result<Section> {
    let plan = managed(store, actor, plan_id).await?;
    Ok(store.create_section(audit, &plan, input).await?)
}

pub async fn update_section(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    plan_id: i64,
    section_id: i64,
    input: &SectionInput,
) -> Result<Section> {
    let plan = managed(store, actor, plan_id).await?;
    Ok(store
        .update_section(audit, &plan, section_id, input)
        .await?)
}

pub async fn create_task(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    plan_id: i64,
    input: &TaskInput,
) -> Result<Task> {
    let plan = managed(store, actor, plan_id).await?;
    Ok(store.create_task(audit, &plan, input).await?)
}

pub async fn update_task(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    task_id: i64,
    input: &TaskInput,
) -> Result<Task> {
    let plan = task_plan(store, actor, task_id).await?;
    Ok(store.update_task(audit, &plan, task_id, input).await?)
}

pub async fn delete_task(store: &Store, actor: &Actor, audit: &Audit, task_id: i64) -> Result<()> {
    let plan = task_plan(store, actor, task_id).await?;
    Ok(store.delete_task(audit, &plan, task_id).await?)
}

/// Merges `others` into `keep`, which takes their text, units and targets.
pub async fn merge_tasks(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    plan_id: i64,
    keep: i64,
    others: &[i64],
) -> Result<Task> {
    let plan = managed(store, actor, plan_id).await?;
    if others.is_empty() {
        return Err(AppError::Invalid {
            field: "others",
            message: "请选择要合并进来的任务".into(),
        });
    }
    Ok(store.merge_tasks(audit, &plan, keep, others).await?)
}

/// Merges a task into the one before it (并入上一项), as the reviewer does when the
/// extractor split one task in two.
pub async fn merge_into_previous(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    plan_id: i64,
    task_id: i64,
) -> Result<Task> {
    let plan = managed(store, actor, plan_id).await?;
    let tasks = store.plan_tasks(plan.id).await?;
    match tasks.iter().position(|t| t.id == task_id) {
        Some(at) if at > 0 => Ok(store
            .merge_tasks(audit, &plan, tasks[at - 1].id, &[task_id])
            .await?),
        Some(_) => Err(AppError::Invalid {
            field: "任务",
            message: "第一项任务没有上一项可以并入".into(),
        }),
        None => Err(AppError::NotFound("任务")),
    }
}

/// Splits the named targets and a new heading off a task into a task of their own.
pub async fn split_task(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    task_id: i64,
    heading: &str,
    body: &str,
    target_ids: &[i64],
) -> Result<Task> {
    let plan = task_plan(store, actor, task_id).await?;
    Ok(store
        .split_task(audit, &plan, task_id, heading, body, target_ids)
        .await?)
}

/// Unit names typed by a reviewer (separated by 、 or commas), matched like the names in
/// an imported plan; `field` names the form field in the error.
pub async fn units_named(
    store: &Store,
    actor: &Actor,
    names: &[String],
    field: &'static str,
) -> Result<Vec<i64>> {
    check(decide(actor, Action::ManagePlans), "单位")?;
    let known = store.known_units(actor.organization_id).await?;
    names
        .iter()
        .map(|name| {
            match_name(name, &known)
                .unit()
                .ok_or_else(|| AppError::Invalid {
                    field,
                    message: format!(
                        "{field}“{name}”不是已登记的单位：请先对应或在管理页面添加该单位"
                    ),
                })
        })
        .collect()
}

pub async fn create_target(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    task_id: i64,
    input: &TargetInput,
) -> Result<Target> {
    let plan = task_plan(store, actor, task_id).await?;
    Ok(store.create_target(audit, &plan, task_id, input).await?)
}

pub async fn update_target(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    target_id: i64,
    input: &TargetInput,
) -> Result<Target> {
    let plan = target_plan(store, actor, target_id).await?;
    Ok(store.update_target(audit, &plan, target_id, input).await?)
}

pub async fn delete_target(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    target_id: i64,
) -> Result<()> {
    let plan = target_plan(store, actor, target_id).await?;
    Ok(store.delete_target(audit, &plan, target_id).await?)
}

pub async fn add_milestone(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    task_id: i64,
    input: &MilestoneInput,
) -> Result<Milestone> {
    let plan = task_plan(store, actor, task_id).await?;
    Ok(store.add_milestone(audit, &plan, task_id, input).await?)
}
