//! Plans (工作要点): import from an extracted document as a draft, review (edit sections,
//! tasks, units and targets; merge or split tasks; map written unit names to units), then
//! publish. Every edit after publication bumps the plan's version and stores a snapshot.

use luoshi_domain::audit::{AuditAction, AuditEntity};
use luoshi_plandoc::model::Comparator;
use std::collections::HashMap;

use luoshi_domain::DomainError;
use luoshi_domain::import::DraftPlan;
use luoshi_domain::period::Cycle;
use luoshi_domain::units::{KnownUnit, match_name};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use utoipa::ToSchema;

use crate::PlanStatus;
use crate::audit::record;
use crate::decode::{Row, records};
use crate::sql::Sql;
use crate::{
    Assignment, Audit, Milestone, Page, Paging, Plan, Result, Section, Store, StoreError, Target,
    Task, now,
};

/// What a review edit changed: the audit row's fields and the version note.
struct Edit<'a, B, A> {
    action: AuditAction,
    entity: AuditEntity,
    id: i64,
    before: Option<&'a B>,
    after: Option<&'a A>,
    note: String,
}

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
    /// `YYYY-MM-DD` from which reports are owed.
    pub reporting_start: Option<String>,
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
    pub deadline: Option<String>,
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
    pub due_date: String,
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
            reporting_start: row.reporting_start,
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
        .map(|row| Task {
            id: row.id,
            plan_id: row.plan_id,
            section_id: row.section_id,
            position: row.position,
            number: row.number,
            heading: row.heading,
            body: row.body,
            objective: row.objective,
            measures: row.measures,
            deadline: row.deadline,
            deadline_text: row.deadline_text,
            span: [row.span_start, row.span_end],
            lead_units: Vec::new(),
            co_units: Vec::new(),
            targets: Vec::new(),
            milestones: Vec::new(),
        })
        .collect();
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

fn check_date(field: &str, text: &str) -> Result<()> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|_| ())
        .map_err(|_| {
            DomainError::invalid(field, format!("“{text}”不是 YYYY-MM-DD 格式的日期")).into()
        })
}

fn check_due_day(due_day: i64) -> Result<()> {
    if (1..=31).contains(&due_day) {
        Ok(())
    } else {
        Err(DomainError::invalid("due_day", "报送日应在 1 到 31 之间").into())
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

impl Store {
    /// Stores an extracted plan as a draft. Written unit names are matched to the
    /// organization's units; those that match nothing stay unmapped for the reviewer.
    pub async fn import_plan(
        &self,
        audit: &Audit,
        organization_id: i64,
        draft: &DraftPlan,
        source: &ImportSource,
    ) -> Result<Plan> {
        let known = self.known_units(organization_id).await?;
        let mut tx = self.write.begin().await?;
        let at = now();
        let (plan_id,): (i64,) = sqlx::query_as(
            "INSERT INTO plans (organization_id, title, year, doc_number, status, cycle, due_day, version,
                 source_name, source_file, source_text, warnings, created_by, created_at)
             VALUES ($1, $2, $3, $4, 'draft', 'monthly', 25, 0, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(organization_id)
        .bind(draft.title.clone())
        .bind(i64::from(draft.year))
        .bind(draft.doc_number.clone())
        .bind(source.file_name.clone())
        .bind(source.stored_file.clone())
        .bind(source.text.clone())
        .bind(serde_json::to_string(&draft.warnings)?)
        .bind(audit.actor_id)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        insert_contents(&mut tx, plan_id, draft, &known, at).await?;
        let summary = serde_json::json!({
            "title": draft.title, "year": draft.year, "source": source.file_name,
            "sections": draft.sections.len(), "tasks": draft.tasks.len(),
        });
        record::<(), _>(
            &mut tx,
            audit,
            AuditAction::Import,
            AuditEntity::Plan,
            Some(plan_id),
            None,
            Some(&summary),
        )
        .await?;
        tx.commit().await?;
        self.plan(organization_id, plan_id).await
    }

    /// A draft of the organization with the same title and year, which a re-import updates.
    pub async fn matching_draft(
        &self,
        organization_id: i64,
        title: &str,
        year: i32,
    ) -> Result<Option<Plan>> {
        let row: Option<PlanRow> = sqlx::query_as(&format!(
            "{PLAN_COLUMNS} FROM plans WHERE organization_id = $1 AND title = $2 AND year = $3 AND status = 'draft' ORDER BY id DESC LIMIT 1"
        ))
        .bind(organization_id)
        .bind(title.to_string())
        .bind(i64::from(year))
        .fetch_optional(&self.read)
        .await?;
        row.map(Plan::try_from).transpose()
    }

    /// Replaces a draft's sections, tasks, units and targets with a new reading of its
    /// source (a corrected decomposition table imported again), keeping its id and settings.
    pub async fn replace_draft(
        &self,
        audit: &Audit,
        organization_id: i64,
        plan_id: i64,
        draft: &DraftPlan,
        source: &ImportSource,
    ) -> Result<Plan> {
        let before = self.plan(organization_id, plan_id).await?;
        if before.status != PlanStatus::Draft {
            return Err(StoreError::Conflict(
                "已发布的计划不能整体替换，请在审核页面逐项修改".into(),
            ));
        }
        let known = self.known_units(organization_id).await?;
        let mut tx = self.write.begin().await?;
        for statement in [
            "DELETE FROM task_units WHERE task_id IN (SELECT id FROM tasks WHERE plan_id = $1)",
            "DELETE FROM targets WHERE task_id IN (SELECT id FROM tasks WHERE plan_id = $1)",
            "DELETE FROM milestones WHERE task_id IN (SELECT id FROM tasks WHERE plan_id = $1)",
            "DELETE FROM comments WHERE task_id IN (SELECT id FROM tasks WHERE plan_id = $1)",
            "DELETE FROM tasks WHERE plan_id = $1",
            "DELETE FROM sections WHERE plan_id = $1",
        ] {
            sqlx::query(statement)
                .bind(plan_id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "UPDATE plans SET title = $1, year = $2, doc_number = $3, source_name = $4, source_file = $5,
                 source_text = $6, warnings = $7 WHERE id = $8",
        )
        .bind(draft.title.clone())
        .bind(i64::from(draft.year))
        .bind(draft.doc_number.clone())
        .bind(source.file_name.clone())
        .bind(source.stored_file.clone())
        .bind(source.text.clone())
        .bind(serde_json::to_string(&draft.warnings)?)
        .bind(plan_id)
        .execute(&mut *tx)
        .await?;
        insert_contents(&mut tx, plan_id, draft, &known, now()).await?;
        let summary = serde_json::json!({
            "title": draft.title, "year": draft.year, "source": source.file_name,
            "sections": draft.sections.len(), "tasks": draft.tasks.len(),
        });
        record(
            &mut tx,
            audit,
            AuditAction::Reimport,
            AuditEntity::Plan,
            Some(plan_id),
            Some(&before),
            Some(&summary),
        )
        .await?;
        tx.commit().await?;
        self.plan(organization_id, plan_id).await
    }

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
        let pick = |role: &str| {
            units
                .iter()
                .filter(|(r, _)| r == role)
                .map(|(_, u)| *u)
                .collect()
        };
        Ok(TaskScopeFacts {
            task_id,
            plan_id,
            organization_id,
            plan_published: status == "published",
            lead: pick("lead"),
            co: pick("co"),
        })
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
        sql.raw(" AND tu.unit_id IN (");
        for (i, unit) in units.iter().enumerate() {
            sql.push(if i == 0 { "?" } else { ", ?" }, *unit);
        }
        sql.raw(") ORDER BY tu.task_id");
        let rows: Vec<(i64,)> = sql.query_as().fetch_all(&self.read).await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    pub async fn unmatched_unit_names(&self, plan_id: i64) -> Result<Vec<UnmatchedName>> {
        Ok(sqlx::query_as(
            "SELECT tu.written_name, COUNT(DISTINCT tu.task_id) AS tasks FROM task_units tu
             JOIN tasks t ON t.id = tu.task_id
             WHERE t.plan_id = $1 AND tu.unit_id IS NULL
             GROUP BY tu.written_name ORDER BY tu.written_name",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Maps every task unit written as `written_name` in the plan to `unit_id`.
    pub async fn map_unit_name(
        &self,
        audit: &Audit,
        organization_id: i64,
        plan_id: i64,
        written_name: &str,
        unit_id: i64,
    ) -> Result<u64> {
        self.unit_in(organization_id, unit_id).await?;
        let plan = self.plan(organization_id, plan_id).await?;
        let mut tx = self.write.begin().await?;
        let done = sqlx::query(
            "UPDATE task_units SET unit_id = $1 WHERE written_name = $2
             AND task_id IN (SELECT id FROM tasks WHERE plan_id = $3)",
        )
        .bind(unit_id)
        .bind(written_name.to_string())
        .bind(plan_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("该单位名称"));
        }
        let detail = serde_json::json!({ "written_name": written_name, "unit_id": unit_id });
        self.commit_edit::<(), _>(
            tx,
            &plan,
            audit,
            Edit {
                action: AuditAction::MapUnit,
                entity: AuditEntity::Plan,
                id: plan_id,
                before: None,
                after: Some(&detail),
                note: format!("单位“{written_name}”对应调整"),
            },
        )
        .await?;
        Ok(done.rows_affected())
    }

    pub async fn update_plan(
        &self,
        audit: &Audit,
        organization_id: i64,
        id: i64,
        patch: &PlanPatch,
    ) -> Result<Plan> {
        let before = self.plan(organization_id, id).await?;
        let mut after = before.clone();
        if let Some(title) = &patch.title {
            if title.trim().is_empty() {
                return Err(DomainError::invalid("title", "标题不能为空").into());
            }
            after.title = title.trim().to_string();
        }
        if let Some(year) = patch.year {
            after.year = year;
        }
        if let Some(number) = &patch.doc_number {
            after.doc_number = Some(number.clone()).filter(|n| !n.is_empty());
        }
        if let Some(cycle) = patch.cycle {
            after.cycle = cycle;
        }
        if let Some(due_day) = patch.due_day {
            check_due_day(due_day)?;
            after.due_day = due_day;
        }
        if let Some(start) = &patch.reporting_start {
            check_date("reporting_start", start)?;
            after.reporting_start = Some(start.clone());
        }
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE plans SET title = $1, year = $2, doc_number = $3, cycle = $4, due_day = $5, reporting_start = $6 WHERE id = $7")
            .bind(after.title.clone())
            .bind(i64::from(after.year))
            .bind(after.doc_number.clone())
            .bind(after.cycle.as_str())
            .bind(after.due_day)
            .bind(after.reporting_start.clone())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.commit_edit(
            tx,
            &before,
            audit,
            Edit {
                action: AuditAction::Update,
                entity: AuditEntity::Plan,
                id,
                before: Some(&before),
                after: Some(&after),
                note: "修改计划信息".into(),
            },
        )
        .await?;
        self.plan(organization_id, id).await
    }

    /// Publishes a draft once every task has a mapped lead unit and no written name is left
    /// unmapped; the published plan is version 1. Reports are owed from `today` on unless a
    /// reporting start was set in review.
    pub async fn publish_plan(
        &self,
        audit: &Audit,
        organization_id: i64,
        id: i64,
        today: chrono::NaiveDate,
    ) -> Result<Plan> {
        let plan = self.plan(organization_id, id).await?;
        if plan.status == PlanStatus::Published {
            return Err(StoreError::Conflict("该计划已发布".into()));
        }
        let unmatched = self.unmatched_unit_names(id).await?;
        if !unmatched.is_empty() {
            let names: Vec<&str> = unmatched.iter().map(|u| u.written_name.as_str()).collect();
            return Err(StoreError::Conflict(format!(
                "以下责任单位尚未对应到系统单位，请先处理：{}",
                names.join("、")
            )));
        }
        let tasks = self.plan_tasks(id).await?;
        if tasks.is_empty() {
            return Err(StoreError::Conflict("计划中没有任务，不能发布".into()));
        }
        let orphans: Vec<String> = tasks
            .iter()
            .filter(|t| t.lead_unit_ids().is_empty())
            .map(|t| format!("第{}项“{}”", t.number, t.heading))
            .collect();
        if !orphans.is_empty() {
            return Err(StoreError::Conflict(format!(
                "以下任务没有牵头单位，请先指定：{}",
                orphans.join("；")
            )));
        }
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "UPDATE plans SET status = 'published', published_at = $1,
                 reporting_start = COALESCE(reporting_start, $2) WHERE id = $3",
        )
        .bind(now())
        .bind(today.to_string())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        record::<(), _>(
            &mut tx,
            audit,
            AuditAction::Publish,
            AuditEntity::Plan,
            Some(id),
            None,
            Some(&serde_json::json!({"status": "published"})),
        )
        .await?;
        let published = Plan {
            status: PlanStatus::Published,
            ..plan
        };
        self.bump_version(&mut tx, &published, audit, "发布")
            .await?;
        tx.commit().await?;
        self.plan(organization_id, id).await
    }

    /// Records a review edit, versions a published plan, and commits.
    async fn commit_edit<B: Serialize, A: Serialize>(
        &self,
        mut tx: sqlx::Transaction<'_, sqlx::Any>,
        plan: &Plan,
        audit: &Audit,
        edit: Edit<'_, B, A>,
    ) -> Result<()> {
        record(
            &mut tx,
            audit,
            edit.action,
            edit.entity,
            Some(edit.id),
            edit.before,
            edit.after,
        )
        .await?;
        self.after_plan_edit(&mut tx, plan, audit, &edit.note)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// After any edit: a published plan gets a new version with a snapshot.
    async fn after_plan_edit(
        &self,
        conn: &mut AnyConnection,
        plan: &Plan,
        audit: &Audit,
        note: &str,
    ) -> Result<()> {
        if plan.status == PlanStatus::Published {
            self.bump_version(conn, plan, audit, note).await?;
        }
        Ok(())
    }

    async fn bump_version(
        &self,
        conn: &mut AnyConnection,
        plan: &Plan,
        audit: &Audit,
        note: &str,
    ) -> Result<()> {
        let (version,): (i64,) = sqlx::query_as(
            "UPDATE plans SET version = version + 1 WHERE id = $1 RETURNING version",
        )
        .bind(plan.id)
        .fetch_one(&mut *conn)
        .await?;
        let row: PlanRow = sqlx::query_as(&format!("{PLAN_COLUMNS} FROM plans WHERE id = $1"))
            .bind(plan.id)
            .fetch_one(&mut *conn)
            .await?;
        let sections: Vec<Section> = records(sqlx::query_as(
            "SELECT id, plan_id, position, number, title FROM sections WHERE plan_id = $1 ORDER BY position, id",
        )
        .bind(plan.id)
        .fetch_all(&mut *conn)
        .await?);
        let tasks = load_tasks(conn, &task_ids_of_plan(plan.id)).await?;
        let snapshot = PlanSnapshot {
            plan: row.try_into()?,
            sections,
            tasks,
        };
        sqlx::query(
            "INSERT INTO plan_versions (plan_id, version, snapshot, note, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(plan.id)
        .bind(version)
        .bind(serde_json::to_string(&snapshot)?)
        .bind(note.to_string())
        .bind(audit.actor_id)
        .bind(now())
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    pub async fn plan_versions(&self, plan_id: i64) -> Result<Vec<PlanVersion>> {
        Ok(sqlx::query_as(
            "SELECT version, note, created_by, created_at FROM plan_versions WHERE plan_id = $1 ORDER BY version",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn plan_version(&self, plan_id: i64, version: i64) -> Result<PlanSnapshot> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT snapshot FROM plan_versions WHERE plan_id = $1 AND version = $2",
        )
        .bind(plan_id)
        .bind(version)
        .fetch_optional(&self.read)
        .await?;
        Ok(serde_json::from_str(
            &row.ok_or(StoreError::NotFound("计划版本"))?.0,
        )?)
    }

    pub async fn create_section(
        &self,
        audit: &Audit,
        plan: &Plan,
        input: &SectionInput,
    ) -> Result<Section> {
        let title = input.title.clone().unwrap_or_default();
        if title.trim().is_empty() {
            return Err(DomainError::invalid("title", "部分标题不能为空").into());
        }
        let mut tx = self.write.begin().await?;
        let (position,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(MAX(position) + 1, 0) FROM sections WHERE plan_id = $1",
        )
        .bind(plan.id)
        .fetch_one(&mut *tx)
        .await?;
        let Row(section): Row<Section> = sqlx::query_as(
            "INSERT INTO sections (plan_id, position, number, title) VALUES ($1, $2, $3, $4)
             RETURNING id, plan_id, position, number, title",
        )
        .bind(plan.id)
        .bind(position)
        .bind(input.number.unwrap_or(position + 1))
        .bind(title.trim().to_string())
        .fetch_one(&mut *tx)
        .await?;
        self.commit_edit::<(), _>(
            tx,
            plan,
            audit,
            Edit {
                action: AuditAction::Create,
                entity: AuditEntity::Section,
                id: section.id,
                before: None,
                after: Some(&section),
                note: "新增部分".into(),
            },
        )
        .await?;
        Ok(section)
    }

    pub async fn update_section(
        &self,
        audit: &Audit,
        plan: &Plan,
        id: i64,
        input: &SectionInput,
    ) -> Result<Section> {
        let Row(before): Row<Section> = sqlx::query_as(
            "SELECT id, plan_id, position, number, title FROM sections WHERE id = $1 AND plan_id = $2",
        )
        .bind(id)
        .bind(plan.id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound("部分"))?;
        let after = Section {
            number: input.number.unwrap_or(before.number),
            title: input
                .title
                .clone()
                .map(|t| t.trim().to_string())
                .unwrap_or(before.title.clone()),
            ..before.clone()
        };
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE sections SET number = $1, title = $2 WHERE id = $3")
            .bind(after.number)
            .bind(after.title.clone())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.commit_edit(
            tx,
            plan,
            audit,
            Edit {
                action: AuditAction::Update,
                entity: AuditEntity::Section,
                id,
                before: Some(&before),
                after: Some(&after),
                note: "修改部分".into(),
            },
        )
        .await?;
        Ok(after)
    }

    async fn check_task_input(&self, plan: &Plan, input: &TaskInput) -> Result<()> {
        if let Some(deadline) = input.deadline.as_deref().filter(|d| !d.is_empty()) {
            check_date("deadline", deadline)?;
        }
        if let Some(section) = input.section_id {
            let found: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM sections WHERE id = $1 AND plan_id = $2")
                    .bind(section)
                    .bind(plan.id)
                    .fetch_optional(&self.read)
                    .await?;
            found.ok_or_else(|| DomainError::invalid("section_id", "该部分不属于此计划"))?;
        }
        let units: Vec<i64> = input
            .lead_units
            .iter()
            .chain(input.co_units.iter())
            .flatten()
            .copied()
            .collect();
        for unit in units {
            self.unit_in(plan.organization_id, unit).await?;
        }
        Ok(())
    }

    pub async fn create_task(&self, audit: &Audit, plan: &Plan, input: &TaskInput) -> Result<Task> {
        self.check_task_input(plan, input).await?;
        let heading = input.heading.clone().unwrap_or_default();
        if heading.trim().is_empty() {
            return Err(DomainError::invalid("heading", "任务标题不能为空").into());
        }
        let mut tx = self.write.begin().await?;
        let (position, number): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(MAX(position) + 1, 0), COALESCE(MAX(number) + 1, 1) FROM tasks WHERE plan_id = $1",
        )
        .bind(plan.id)
        .fetch_one(&mut *tx)
        .await?;
        let (task_id,): (i64,) = sqlx::query_as(
            "INSERT INTO tasks (plan_id, section_id, position, number, heading, body, objective, measures,
                 deadline, deadline_text, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(plan.id)
        .bind(input.section_id)
        .bind(position)
        .bind(input.number.unwrap_or(number))
        .bind(heading.trim().to_string())
        .bind(input.body.clone().unwrap_or_default())
        .bind(input.objective.clone())
        .bind(input.measures.clone())
        .bind(input.deadline.clone().filter(|d| !d.is_empty()))
        .bind(input.deadline_text.clone())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        self.replace_assignments(&mut tx, task_id, input).await?;
        let task = load_tasks(&mut tx, &one_task(task_id)).await?.remove(0);
        self.commit_edit::<(), _>(
            tx,
            plan,
            audit,
            Edit {
                action: AuditAction::Create,
                entity: AuditEntity::Task,
                id: task_id,
                before: None,
                after: Some(&task),
                note: format!("新增任务“{}”", task.heading),
            },
        )
        .await?;
        Ok(task)
    }

    async fn replace_assignments(
        &self,
        conn: &mut AnyConnection,
        task_id: i64,
        input: &TaskInput,
    ) -> Result<()> {
        for role in ["lead", "co"] {
            let units = if role == "lead" {
                &input.lead_units
            } else {
                &input.co_units
            };
            let Some(units) = units else { continue };
            sqlx::query("DELETE FROM task_units WHERE task_id = $1 AND role = $2")
                .bind(task_id)
                .bind(role.to_string())
                .execute(&mut *conn)
                .await?;
            for unit in units {
                let (name,): (String,) = sqlx::query_as("SELECT name FROM units WHERE id = $1")
                    .bind(*unit)
                    .fetch_one(&mut *conn)
                    .await?;
                insert_assignment(conn, task_id, role, &name, Some(*unit)).await?;
            }
        }
        Ok(())
    }

    pub async fn update_task(
        &self,
        audit: &Audit,
        plan: &Plan,
        task_id: i64,
        input: &TaskInput,
    ) -> Result<Task> {
        self.check_task_input(plan, input).await?;
        let before = self.task(task_id).await?;
        if before.plan_id != plan.id {
            return Err(StoreError::NotFound("任务"));
        }
        let mut tx = self.write.begin().await?;
        let deadline = match &input.deadline {
            Some(d) if d.is_empty() => None,
            Some(d) => Some(d.clone()),
            None => before.deadline.clone(),
        };
        sqlx::query(
            "UPDATE tasks SET section_id = $1, number = $2, heading = $3, body = $4, objective = $5,
                 measures = $6, deadline = $7, deadline_text = $8 WHERE id = $9",
        )
        .bind(input.section_id.or(before.section_id))
        .bind(input.number.unwrap_or(before.number))
        .bind(input.heading.clone().map(|h| h.trim().to_string()).unwrap_or(before.heading.clone()))
        .bind(input.body.clone().unwrap_or(before.body.clone()))
        .bind(input.objective.clone().or(before.objective.clone()))
        .bind(input.measures.clone().or(before.measures.clone()))
        .bind(deadline)
        .bind(input.deadline_text.clone().or(before.deadline_text.clone()))
        .bind(task_id)
        .execute(&mut *tx)
        .await?;
        self.replace_assignments(&mut tx, task_id, input).await?;
        let after = load_tasks(&mut tx, &one_task(task_id)).await?.remove(0);
        self.commit_edit(
            tx,
            plan,
            audit,
            Edit {
                action: AuditAction::Update,
                entity: AuditEntity::Task,
                id: task_id,
                before: Some(&before),
                after: Some(&after),
                note: format!("修改任务“{}”", after.heading),
            },
        )
        .await?;
        Ok(after)
    }

    async fn task_has_reports(&self, task_id: i64) -> Result<bool> {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM reports WHERE task_id = $1")
            .bind(task_id)
            .fetch_one(&self.read)
            .await?;
        Ok(count > 0)
    }

    async fn delete_task_rows(conn: &mut AnyConnection, task_id: i64) -> Result<()> {
        for statement in [
            "DELETE FROM task_units WHERE task_id = $1",
            "DELETE FROM targets WHERE task_id = $1",
            "DELETE FROM milestones WHERE task_id = $1",
            "DELETE FROM comments WHERE task_id = $1",
            "DELETE FROM tasks WHERE id = $1",
        ] {
            sqlx::query(statement)
                .bind(task_id)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    /// Removes a task that has no reports (a wrongly extracted one, typically).
    pub async fn delete_task(&self, audit: &Audit, plan: &Plan, task_id: i64) -> Result<()> {
        let before = self.task(task_id).await?;
        if before.plan_id != plan.id {
            return Err(StoreError::NotFound("任务"));
        }
        if self.task_has_reports(task_id).await? {
            return Err(StoreError::Conflict("该任务已有进展报送，不能删除".into()));
        }
        let mut tx = self.write.begin().await?;
        Self::delete_task_rows(&mut tx, task_id).await?;
        self.commit_edit::<_, ()>(
            tx,
            plan,
            audit,
            Edit {
                action: AuditAction::Delete,
                entity: AuditEntity::Task,
                id: task_id,
                before: Some(&before),
                after: None,
                note: format!("删除任务“{}”", before.heading),
            },
        )
        .await?;
        Ok(())
    }

    /// Merges `other` into `keep`: bodies joined, units and targets moved, `other` removed.
    pub async fn merge_tasks(
        &self,
        audit: &Audit,
        plan: &Plan,
        keep: i64,
        other: &[i64],
    ) -> Result<Task> {
        let kept = self.task(keep).await?;
        if kept.plan_id != plan.id {
            return Err(StoreError::NotFound("任务"));
        }
        let mut merged = Vec::new();
        for id in other {
            let task = self.task(*id).await?;
            if task.plan_id != plan.id || task.id == keep {
                return Err(DomainError::invalid("merge", "只能合并同一计划中的其他任务").into());
            }
            if self.task_has_reports(task.id).await? {
                return Err(StoreError::Conflict(format!(
                    "任务“{}”已有进展报送，不能合并",
                    task.heading
                )));
            }
            merged.push(task);
        }
        let mut tx = self.write.begin().await?;
        let mut body = kept.body.clone();
        for task in &merged {
            body.push('\n');
            body.push_str(if task.body.is_empty() {
                &task.heading
            } else {
                &task.body
            });
            let known: Vec<(String, Option<i64>)> = kept
                .lead_units
                .iter()
                .chain(&kept.co_units)
                .map(|a| (a.written_name.clone(), a.unit_id))
                .collect();
            for role in ["lead", "co"] {
                let assignments = if role == "lead" {
                    &task.lead_units
                } else {
                    &task.co_units
                };
                for a in assignments {
                    if !known.contains(&(a.written_name.clone(), a.unit_id)) {
                        insert_assignment(&mut tx, keep, role, &a.written_name, a.unit_id).await?;
                    }
                }
            }
            sqlx::query("UPDATE targets SET task_id = $1 WHERE task_id = $2")
                .bind(keep)
                .bind(task.id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE milestones SET task_id = $1 WHERE task_id = $2")
                .bind(keep)
                .bind(task.id)
                .execute(&mut *tx)
                .await?;
            Self::delete_task_rows(&mut tx, task.id).await?;
        }
        sqlx::query("UPDATE tasks SET body = $1 WHERE id = $2")
            .bind(body)
            .bind(keep)
            .execute(&mut *tx)
            .await?;
        let after = load_tasks(&mut tx, &one_task(keep)).await?.remove(0);
        self.commit_edit(
            tx,
            plan,
            audit,
            Edit {
                action: AuditAction::Merge,
                entity: AuditEntity::Task,
                id: keep,
                before: Some(&(&kept, &merged)),
                after: Some(&after),
                note: format!("合并任务到“{}”", after.heading),
            },
        )
        .await?;
        Ok(after)
    }

    /// Splits a task: a new task right after it takes `heading`, `body` and the given targets;
    /// it keeps the same units.
    pub async fn split_task(
        &self,
        audit: &Audit,
        plan: &Plan,
        task_id: i64,
        heading: &str,
        body: &str,
        target_ids: &[i64],
    ) -> Result<Task> {
        let original = self.task(task_id).await?;
        if original.plan_id != plan.id {
            return Err(StoreError::NotFound("任务"));
        }
        if heading.trim().is_empty() {
            return Err(DomainError::invalid("heading", "拆分出的任务标题不能为空").into());
        }
        if let Some(stray) = target_ids
            .iter()
            .find(|id| !original.targets.iter().any(|t| t.id == **id))
        {
            return Err(
                DomainError::invalid("target_ids", format!("目标 {stray} 不属于该任务")).into(),
            );
        }
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "UPDATE tasks SET position = position + 1 WHERE plan_id = $1 AND position > $2",
        )
        .bind(plan.id)
        .bind(original.position)
        .execute(&mut *tx)
        .await?;
        let (new_id,): (i64,) = sqlx::query_as(
            "INSERT INTO tasks (plan_id, section_id, position, number, heading, body, deadline, deadline_text, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(plan.id)
        .bind(original.section_id)
        .bind(original.position + 1)
        .bind(original.number + 1)
        .bind(heading.trim().to_string())
        .bind(body.to_string())
        .bind(original.deadline.clone())
        .bind(original.deadline_text.clone())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        for role in ["lead", "co"] {
            let assignments = if role == "lead" {
                &original.lead_units
            } else {
                &original.co_units
            };
            for a in assignments {
                insert_assignment(&mut tx, new_id, role, &a.written_name, a.unit_id).await?;
            }
        }
        for target in target_ids {
            sqlx::query("UPDATE targets SET task_id = $1 WHERE id = $2")
                .bind(new_id)
                .bind(*target)
                .execute(&mut *tx)
                .await?;
        }
        let created = load_tasks(&mut tx, &one_task(new_id)).await?.remove(0);
        self.commit_edit(
            tx,
            plan,
            audit,
            Edit {
                action: AuditAction::Split,
                entity: AuditEntity::Task,
                id: task_id,
                before: Some(&original),
                after: Some(&created),
                note: format!("拆分任务“{}”", original.heading),
            },
        )
        .await?;
        Ok(created)
    }

    fn check_target(input: &TargetInput) -> Result<()> {
        if let Some(values) = &input.trajectory
            && !values.is_empty()
            && values.len() != 12
        {
            return Err(DomainError::invalid(
                "trajectory",
                "序时进度应为 12 个月末值，或留空按线性计算",
            )
            .into());
        }
        Ok(())
    }

    pub async fn create_target(
        &self,
        audit: &Audit,
        plan: &Plan,
        task_id: i64,
        input: &TargetInput,
    ) -> Result<Target> {
        Self::check_target(input)?;
        let task = self.task(task_id).await?;
        if task.plan_id != plan.id {
            return Err(StoreError::NotFound("任务"));
        }
        let indicator = input.indicator.clone().unwrap_or_default();
        if indicator.trim().is_empty() {
            return Err(DomainError::invalid("indicator", "指标名称不能为空").into());
        }
        let mut tx = self.write.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO targets (task_id, position, indicator, unit, comparator, value_text, baseline, annual_value, trajectory)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(task_id)
        .bind(task.targets.len() as i64)
        .bind(indicator.trim().to_string())
        .bind(input.unit.clone().unwrap_or_default())
        .bind(input.comparator.unwrap_or(Comparator::Eq).as_str())
        .bind(input.value_text.clone().unwrap_or_else(|| {
            input.annual_value.map(luoshi_domain::light::trim_number).unwrap_or_default()
        }))
        .bind(input.baseline)
        .bind(input.annual_value)
        .bind(input.trajectory.as_ref().filter(|t| !t.is_empty()).map(serde_json::to_string).transpose()?)
        .fetch_one(&mut *tx)
        .await?;
        let target = load_target(&mut tx, id).await?;
        self.commit_edit::<(), _>(
            tx,
            plan,
            audit,
            Edit {
                action: AuditAction::Create,
                entity: AuditEntity::Target,
                id,
                before: None,
                after: Some(&target),
                note: format!("新增目标“{}”", target.indicator),
            },
        )
        .await?;
        Ok(target)
    }

    pub async fn update_target(
        &self,
        audit: &Audit,
        plan: &Plan,
        target_id: i64,
        input: &TargetInput,
    ) -> Result<Target> {
        Self::check_target(input)?;
        let mut conn = self.read.acquire().await?;
        let before = load_target(&mut conn, target_id).await?;
        drop(conn);
        if self.task(before.task_id).await?.plan_id != plan.id {
            return Err(StoreError::NotFound("目标"));
        }
        let trajectory = match &input.trajectory {
            Some(values) if values.is_empty() => None,
            Some(values) => Some(values.clone()),
            None => before.trajectory.clone(),
        };
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "UPDATE targets SET indicator = $1, unit = $2, comparator = $3, value_text = $4, baseline = $5,
                 annual_value = $6, trajectory = $7 WHERE id = $8",
        )
        .bind(input.indicator.clone().unwrap_or(before.indicator.clone()))
        .bind(input.unit.clone().unwrap_or(before.unit.clone()))
        .bind(input.comparator.unwrap_or(before.comparator).as_str())
        .bind(input.value_text.clone().or_else(|| input.annual_value.map(luoshi_domain::light::trim_number)).unwrap_or(before.value_text.clone()))
        .bind(input.baseline.or(before.baseline))
        .bind(input.annual_value.or(before.annual_value))
        .bind(trajectory.as_ref().map(serde_json::to_string).transpose()?)
        .bind(target_id)
        .execute(&mut *tx)
        .await?;
        let after = load_target(&mut tx, target_id).await?;
        self.commit_edit(
            tx,
            plan,
            audit,
            Edit {
                action: AuditAction::Update,
                entity: AuditEntity::Target,
                id: target_id,
                before: Some(&before),
                after: Some(&after),
                note: format!("修改目标“{}”", after.indicator),
            },
        )
        .await?;
        Ok(after)
    }

    pub async fn delete_target(&self, audit: &Audit, plan: &Plan, target_id: i64) -> Result<()> {
        let mut conn = self.read.acquire().await?;
        let before = load_target(&mut conn, target_id).await?;
        drop(conn);
        if self.task(before.task_id).await?.plan_id != plan.id {
            return Err(StoreError::NotFound("目标"));
        }
        let (used,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM report_actuals WHERE target_id = $1")
                .bind(target_id)
                .fetch_one(&self.read)
                .await?;
        if used > 0 {
            return Err(StoreError::Conflict(
                "该目标已有报送的实际值，不能删除".into(),
            ));
        }
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM targets WHERE id = $1")
            .bind(target_id)
            .execute(&mut *tx)
            .await?;
        self.commit_edit::<_, ()>(
            tx,
            plan,
            audit,
            Edit {
                action: AuditAction::Delete,
                entity: AuditEntity::Target,
                id: target_id,
                before: Some(&before),
                after: None,
                note: format!("删除目标“{}”", before.indicator),
            },
        )
        .await?;
        Ok(())
    }

    pub async fn add_milestone(
        &self,
        audit: &Audit,
        plan: &Plan,
        task_id: i64,
        input: &MilestoneInput,
    ) -> Result<Milestone> {
        check_date("due_date", &input.due_date)?;
        if input.title.trim().is_empty() {
            return Err(DomainError::invalid("title", "节点名称不能为空").into());
        }
        if self.task(task_id).await?.plan_id != plan.id {
            return Err(StoreError::NotFound("任务"));
        }
        let mut tx = self.write.begin().await?;
        let Row(milestone): Row<Milestone> = sqlx::query_as(
            "INSERT INTO milestones (task_id, title, due_date) VALUES ($1, $2, $3)
             RETURNING id, task_id, title, due_date, done_at",
        )
        .bind(task_id)
        .bind(input.title.trim().to_string())
        .bind(input.due_date.clone())
        .fetch_one(&mut *tx)
        .await?;
        self.commit_edit::<(), _>(
            tx,
            plan,
            audit,
            Edit {
                action: AuditAction::Create,
                entity: AuditEntity::Milestone,
                id: milestone.id,
                before: None,
                after: Some(&milestone),
                note: format!("新增节点“{}”", milestone.title),
            },
        )
        .await?;
        Ok(milestone)
    }
}

/// Inserts a draft's sections, tasks (with units matched to `known`) and targets.
async fn insert_contents(
    conn: &mut AnyConnection,
    plan_id: i64,
    draft: &DraftPlan,
    known: &[KnownUnit],
    at: i64,
) -> Result<()> {
    let mut section_ids = HashMap::new();
    for (position, section) in draft.sections.iter().enumerate() {
        let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO sections (plan_id, position, number, title) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(plan_id)
            .bind(position as i64)
            .bind(i64::from(section.number))
            .bind(section.title.clone())
            .fetch_one(&mut *conn)
            .await?;
        section_ids.insert(section.number, id);
    }
    for (position, task) in draft.tasks.iter().enumerate() {
        let (task_id,): (i64,) = sqlx::query_as(
                "INSERT INTO tasks (plan_id, section_id, position, number, heading, body, objective, measures,
                     deadline, deadline_text, span_start, span_end, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            )
            .bind(plan_id)
            .bind(section_ids.get(&task.section).copied())
            .bind(position as i64)
            .bind(i64::from(task.number))
            .bind(task.heading.clone())
            .bind(task.body.clone())
            .bind(task.objective.clone())
            .bind(task.measures.clone())
            .bind(task.deadline.map(|d| d.to_string()))
            .bind(task.deadline_text.clone())
            .bind(task.span[0] as i64)
            .bind(task.span[1] as i64)
            .bind(at)
            .fetch_one(&mut *conn)
            .await?;
        for role in ["lead", "co"] {
            let names = if role == "lead" {
                &task.lead_units
            } else {
                &task.co_units
            };
            for name in names {
                let unit = match_name(name, known).unit();
                insert_assignment(conn, task_id, role, name, unit).await?;
            }
        }
        for (position, target) in task.targets.iter().enumerate() {
            sqlx::query(
                    "INSERT INTO targets (task_id, position, indicator, unit, comparator, value_text, baseline,
                         annual_value, trajectory, source_text, span_start, span_end)
                     VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, NULL, $8, $9, $10)",
                )
                .bind(task_id)
                .bind(position as i64)
                .bind(target.indicator.clone())
                .bind(target.unit.clone())
                .bind(target.comparator.as_str())
                .bind(target.value_text.clone())
                .bind(target.annual_value)
                .bind(target.source_text.clone())
                .bind(target.span[0] as i64)
                .bind(target.span[1] as i64)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

async fn load_target(conn: &mut AnyConnection, id: i64) -> Result<Target> {
    let row: Option<TargetRow> = sqlx::query_as(
        "SELECT id, task_id, indicator, unit, comparator, value_text, baseline, annual_value, trajectory,
             source_text, span_start, span_end FROM targets WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.ok_or(StoreError::NotFound("目标"))?.try_into()
}

impl Store {
    /// The task a target belongs to.
    pub async fn target_task(&self, target_id: i64) -> Result<i64> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT task_id FROM targets WHERE id = $1")
            .bind(target_id)
            .fetch_optional(&self.read)
            .await?;
        Ok(row.ok_or(StoreError::NotFound("目标"))?.0)
    }
}
