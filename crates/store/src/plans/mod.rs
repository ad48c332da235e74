//! Plans (工作要点): import from an extracted document as a draft, review (edit sections,
//! tasks, units and targets; merge or split tasks; map written unit names to units), then
//! publish. Every edit after publication bumps the plan's version and stores a snapshot.

use luoshi_domain::audit::{AuditAction, AuditEntity};
use luoshi_plandoc::model::Comparator;
use std::collections::HashMap;

use chrono::NaiveDate;
use luoshi_domain::date::DateEdit;

use luoshi_domain::DomainError;
use luoshi_domain::import::DraftPlan;
use luoshi_domain::period::Cycle;
use luoshi_domain::units::{KnownUnit, match_name};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use utoipa::ToSchema;

use crate::PlanStatus;
use crate::audit::Change;
use crate::decode::{Row, records, stored_date};
use crate::sql::Sql;
use crate::{
    Assignment, Audit, Milestone, Page, Paging, Plan, Result, Section, Store, StoreError, Target,
    Task, now,
};

/// Where an imported plan came from.
#[derive(Clone, Debug)]
pub struct ImportSource {
    pub file_name: String,
    /// The generated name the original file is kept under, outside the web root.
    pub stored_file: Option<String>,
    /// The normalized text spans point into.
    pub text: String,
}

/// A written unit name no unit matched, for the reviewer to map or create.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct UnmatchedName {
    pub written_name: String,
    pub tasks: i64,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct PlanPatch {
    pub title: Option<String>,
    pub year: Option<i32>,
    pub doc_number: Option<String>,
    pub cycle: Option<Cycle>,
    pub due_day: Option<i64>,
    /// The day from which reports are owed.
    pub reporting_start: Option<NaiveDate>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct SectionInput {
    pub number: Option<i64>,
    pub title: Option<String>,
}

/// A task's fields; on update, absent fields stay as they are.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct TaskInput {
    pub section_id: Option<i64>,
    pub number: Option<i64>,
    pub heading: Option<String>,
    pub body: Option<String>,
    pub objective: Option<String>,
    pub measures: Option<String>,
    /// `YYYY-MM-DD`; an empty string clears it.
    #[schema(value_type = Option<String>, format = Date)]
    pub deadline: Option<DateEdit>,
    pub deadline_text: Option<String>,
    pub lead_units: Option<Vec<i64>>,
    pub co_units: Option<Vec<i64>>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct TargetInput {
    pub indicator: Option<String>,
    pub unit: Option<String>,
    #[schema(value_type = Option<String>)]
    pub comparator: Option<Comparator>,
    pub value_text: Option<String>,
    pub baseline: Option<f64>,
    pub annual_value: Option<f64>,
    /// Twelve month-end values, or an empty list for the linear default.
    pub trajectory: Option<Vec<f64>>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct MilestoneInput {
    pub title: String,
    pub due_date: NaiveDate,
}

/// One version of a published plan, as it stood.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PlanSnapshot {
    pub plan: Plan,
    pub sections: Vec<Section>,
    pub tasks: Vec<Task>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct PlanVersion {
    pub version: i64,
    pub note: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
}

/// Scope facts about a task that every permission check needs.
#[derive(Clone, Debug)]
pub struct TaskScopeFacts {
    pub task_id: i64,
    pub plan_id: i64,
    pub organization_id: i64,
    pub plan_published: bool,
    pub lead: Vec<i64>,
    pub co: Vec<i64>,
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: i64,
    organization_id: i64,
    title: String,
    year: i64,
    doc_number: Option<String>,
    status: String,
    cycle: String,
    due_day: i64,
    version: i64,
    source_name: Option<String>,
    warnings: String,
    created_at: i64,
    published_at: Option<i64>,
    reporting_start: Option<String>,
}

impl TryFrom<PlanRow> for Plan {
    type Error = StoreError;
    fn try_from(row: PlanRow) -> Result<Plan> {
        Ok(Plan {
            id: row.id,
            organization_id: row.organization_id,
            title: row.title,
            year: i32::try_from(row.year).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            doc_number: row.doc_number,
            status: PlanStatus::parse(&row.status)
                .map_err(|e| StoreError::Corrupt(format!("plan {}: {e}", row.id)))?,
            cycle: Cycle::parse(&row.cycle)
                .map_err(|e| StoreError::Corrupt(format!("plan {}: {e}", row.id)))?,
            due_day: row.due_day,
            version: row.version,
            source_name: row.source_name,
            warnings: serde_json::from_str(&row.warnings)?,
            created_at: row.created_at,
            published_at: row.published_at,
            reporting_start: row
                .reporting_start
                .map(|d| stored_date("plan", row.id, &d))
                .transpose()?,
        })
    }
}

const PLAN_COLUMNS: &str = "SELECT id, organization_id, title, year, doc_number, status, cycle, \
    due_day, version, source_name, warnings, created_at, published_at, reporting_start";

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: i64,
    plan_id: i64,
    section_id: Option<i64>,
    position: i64,
    number: i64,
    heading: String,
    body: String,
    objective: Option<String>,
    measures: Option<String>,
    deadline: Option<String>,
    deadline_text: Option<String>,
    span_start: i64,
    span_end: i64,
}

#[derive(sqlx::FromRow)]
struct AssignmentRow {
    task_id: i64,
    role: String,
    written_name: String,
    unit_id: Option<i64>,
    unit_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct TargetRow {
    id: i64,
    task_id: i64,
    indicator: String,
    unit: String,
    comparator: String,
    value_text: String,
    baseline: Option<f64>,
    annual_value: Option<f64>,
    trajectory: Option<String>,
    source_text: String,
    span_start: i64,
    span_end: i64,
}

impl TryFrom<TargetRow> for Target {
    type Error = StoreError;
    fn try_from(row: TargetRow) -> Result<Target> {
        Ok(Target {
            id: row.id,
            task_id: row.task_id,
            indicator: row.indicator,
            unit: row.unit,
            comparator: Comparator::parse(&row.comparator)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            value_text: row.value_text,
            baseline: row.baseline,
            annual_value: row.annual_value,
            trajectory: row
                .trajectory
                .map(|t| serde_json::from_str(&t))
                .transpose()?,
            source_text: row.source_text,
            span: [row.span_start, row.span_end],
        })
    }
}

/// Loads whole tasks (units, targets, milestones) for the task ids a subquery selects.
async fn load_tasks(conn: &mut AnyConnection, ids: &Sql) -> Result<Vec<Task>> {
    let with = |select: &str, order: &str| Sql {
        text: format!("{select} IN ({}){order}", ids.text),
        values: ids.values.clone(),
    };
    let rows: Vec<TaskRow> = with(
        "SELECT id, plan_id, section_id, position, number, heading, body, objective, measures, \
         deadline, deadline_text, span_start, span_end FROM tasks WHERE id",
        " ORDER BY plan_id, position, id",
    )
    .query_as()
    .fetch_all(&mut *conn)
    .await?;
    let assignments: Vec<AssignmentRow> = with(
        "SELECT tu.task_id, tu.role, tu.written_name, tu.unit_id, u.name AS unit_name \
         FROM task_units tu LEFT JOIN units u ON u.id = tu.unit_id WHERE tu.task_id",
        " ORDER BY tu.id",
    )
    .query_as()
    .fetch_all(&mut *conn)
    .await?;
    let targets: Vec<TargetRow> = with(
        "SELECT id, task_id, indicator, unit, comparator, value_text, baseline, annual_value, \
         trajectory, source_text, span_start, span_end FROM targets WHERE task_id",
        " ORDER BY position, id",
    )
    .query_as()
    .fetch_all(&mut *conn)
    .await?;
    let milestones: Vec<Milestone> = records(
        with(
            "SELECT id, task_id, title, due_date, done_at FROM milestones WHERE task_id",
            " ORDER BY due_date, id",
        )
        .query_as()
        .fetch_all(&mut *conn)
        .await?,
    );
    let mut tasks: Vec<Task> = rows
        .into_iter()
        .map(|row| {
            Ok(Task {
                id: row.id,
                plan_id: row.plan_id,
                section_id: row.section_id,
                position: row.position,
                number: row.number,
                heading: row.heading,
                body: row.body,
                objective: row.objective,
                measures: row.measures,
                deadline: row
                    .deadline
                    .map(|d| stored_date("task", row.id, &d))
                    .transpose()?,
                deadline_text: row.deadline_text,
                span: [row.span_start, row.span_end],
                lead_units: Vec::new(),
                co_units: Vec::new(),
                targets: Vec::new(),
                milestones: Vec::new(),
            })
        })
        .collect::<Result<_>>()?;
    let index: HashMap<i64, usize> = tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    for row in assignments {
        if let Some(&i) = index.get(&row.task_id) {
            let assignment = Assignment {
                written_name: row.written_name,
                unit_id: row.unit_id,
                unit_name: row.unit_name,
            };
            if row.role == "lead" {
                tasks[i].lead_units.push(assignment);
            } else {
                tasks[i].co_units.push(assignment);
            }
        }
    }
    for row in targets {
        if let Some(&i) = index.get(&row.task_id) {
            tasks[i].targets.push(row.try_into()?);
        }
    }
    for milestone in milestones {
        if let Some(&i) = index.get(&milestone.task_id) {
            tasks[i].milestones.push(milestone);
        }
    }
    Ok(tasks)
}

fn task_ids_of_plan(plan_id: i64) -> Sql {
    let mut sql = Sql::default();
    sql.push("SELECT id FROM tasks WHERE plan_id = ?", plan_id);
    sql
}

fn one_task(task_id: i64) -> Sql {
    let mut sql = Sql::default();
    sql.push("SELECT id FROM tasks WHERE id = ?", task_id);
    sql
}

fn check_due_day(due_day: i64) -> Result<()> {
    if (1..=31).contains(&due_day) {
        Ok(())
    } else {
        Err(DomainError::invalid("due_day", "报送日应在 1 到 31 之间").into())
    }
}

/// A task's scope from its units, each written with its role (`lead` or `co`).
fn scope_facts<'a>(
    task_id: i64,
    plan_id: i64,
    organization_id: i64,
    plan_published: bool,
    units: impl Iterator<Item = (&'a str, i64)> + Clone,
) -> TaskScopeFacts {
    let pick = |wanted: &str| {
        units
            .clone()
            .filter(|(role, _)| *role == wanted)
            .map(|(_, unit)| unit)
            .collect()
    };
    TaskScopeFacts {
        task_id,
        plan_id,
        organization_id,
        plan_published,
        lead: pick("lead"),
        co: pick("co"),
    }
}

async fn insert_assignment(
    conn: &mut AnyConnection,
    task_id: i64,
    role: &str,
    written_name: &str,
    unit_id: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO task_units (task_id, role, written_name, unit_id) VALUES ($1, $2, $3, $4)",
    )
    .bind(task_id)
    .bind(role.to_string())
    .bind(written_name.to_string())
    .bind(unit_id)
    .execute(conn)
    .await?;
    Ok(())
}

mod import;
mod publish;
mod targets;
mod tasks;
mod units;

impl Store {
    pub async fn plan(&self, organization_id: i64, id: i64) -> Result<Plan> {
        let row: Option<PlanRow> = sqlx::query_as(&format!(
            "{PLAN_COLUMNS} FROM plans WHERE id = $1 AND organization_id = $2"
        ))
        .bind(id)
        .bind(organization_id)
        .fetch_optional(&self.read)
        .await?;
        row.ok_or(StoreError::NotFound("计划"))?.try_into()
    }

    /// A published plan of any organization, for the public pages.
    pub async fn published_plan(&self, id: i64) -> Result<Plan> {
        let row: Option<PlanRow> = sqlx::query_as(&format!(
            "{PLAN_COLUMNS} FROM plans WHERE id = $1 AND status = 'published'"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?;
        row.ok_or(StoreError::NotFound("计划"))?.try_into()
    }

    /// Plans of an organization; `only_published` for roles that may not see drafts.
    pub async fn plans(
        &self,
        organization_id: i64,
        status: Option<PlanStatus>,
        year: Option<i32>,
        only_published: bool,
        paging: Paging,
    ) -> Result<Page<Plan>> {
        let mut sql = Sql::new(" FROM plans WHERE 1 = 1");
        sql.push(" AND organization_id = ?", organization_id);
        if only_published {
            sql.raw(" AND status = 'published'");
        }
        if let Some(status) = status {
            sql.push(" AND status = ?", status.as_str());
        }
        if let Some(year) = year {
            sql.push(" AND year = ?", i64::from(year));
        }
        let page: Page<PlanRow> = self
            .page(&sql, PLAN_COLUMNS, " ORDER BY year DESC, id DESC", paging)
            .await?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(Plan::try_from)
                .collect::<Result<_>>()?,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    pub async fn plan_source_text(&self, organization_id: i64, id: i64) -> Result<String> {
        self.plan(organization_id, id).await?;
        let (text,): (String,) = sqlx::query_as("SELECT source_text FROM plans WHERE id = $1")
            .bind(id)
            .fetch_one(&self.read)
            .await?;
        Ok(text)
    }

    pub async fn sections(&self, plan_id: i64) -> Result<Vec<Section>> {
        Ok(records(sqlx::query_as(
            "SELECT id, plan_id, position, number, title FROM sections WHERE plan_id = $1 ORDER BY position, id",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await?))
    }

    pub async fn plan_tasks(&self, plan_id: i64) -> Result<Vec<Task>> {
        let mut conn = self.read.acquire().await?;
        load_tasks(&mut conn, &task_ids_of_plan(plan_id)).await
    }

    pub async fn task(&self, task_id: i64) -> Result<Task> {
        let mut conn = self.read.acquire().await?;
        load_tasks(&mut conn, &one_task(task_id))
            .await?
            .pop()
            .ok_or(StoreError::NotFound("任务"))
    }

    /// The facts a permission check on a task needs.
    pub async fn task_scope(&self, task_id: i64) -> Result<TaskScopeFacts> {
        let row: Option<(i64, i64, String)> = sqlx::query_as(
            "SELECT t.plan_id, p.organization_id, p.status FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE t.id = $1",
        )
        .bind(task_id)
        .fetch_optional(&self.read)
        .await?;
        let (plan_id, organization_id, status) = row.ok_or(StoreError::NotFound("任务"))?;
        let units: Vec<(String, i64)> = sqlx::query_as(
            "SELECT role, unit_id FROM task_units WHERE task_id = $1 AND unit_id IS NOT NULL",
        )
        .bind(task_id)
        .fetch_all(&self.read)
        .await?;
        Ok(scope_facts(
            task_id,
            plan_id,
            organization_id,
            status == "published",
            units.iter().map(|(role, unit)| (role.as_str(), *unit)),
        ))
    }

    /// The scope facts of every task of the organization's published plans, for the queues
    /// that decide on many tasks at once (two queries, not two per task).
    pub async fn published_task_scopes(
        &self,
        organization_id: i64,
    ) -> Result<HashMap<i64, TaskScopeFacts>> {
        // One query: every published task with each of its units (or none).
        let rows: Vec<(i64, i64, Option<String>, Option<i64>)> = sqlx::query_as(
            "SELECT t.id, t.plan_id, tu.role, tu.unit_id FROM tasks t JOIN plans p ON p.id = t.plan_id \
             LEFT JOIN task_units tu ON tu.task_id = t.id AND tu.unit_id IS NOT NULL \
             WHERE p.organization_id = $1 AND p.status = 'published'",
        )
        .bind(organization_id)
        .fetch_all(&self.read)
        .await?;
        let mut plans: HashMap<i64, i64> = HashMap::new();
        let mut units: HashMap<i64, Vec<(&str, i64)>> = HashMap::new();
        for (task, plan, role, unit) in &rows {
            plans.insert(*task, *plan);
            let of_task = units.entry(*task).or_default();
            if let (Some(role), Some(unit)) = (role, unit) {
                of_task.push((role.as_str(), *unit));
            }
        }
        Ok(plans
            .into_iter()
            .map(|(task_id, plan_id)| {
                let own = units[&task_id].iter().copied();
                let facts = scope_facts(task_id, plan_id, organization_id, true, own);
                (task_id, facts)
            })
            .collect())
    }

    /// Task ids of published plans where one of `units` is lead or co-unit.
    pub async fn task_ids_for_units(
        &self,
        organization_id: i64,
        units: &[i64],
    ) -> Result<Vec<i64>> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(
            "SELECT DISTINCT tu.task_id FROM task_units tu JOIN tasks t ON t.id = tu.task_id \
             JOIN plans p ON p.id = t.plan_id WHERE p.status = 'published'",
        );
        sql.push(" AND p.organization_id = ?", organization_id);
        sql.and_in("tu.unit_id", units);
        sql.raw(" ORDER BY tu.task_id");
        let rows: Vec<(i64,)> = sql.query_as().fetch_all(&self.read).await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}
