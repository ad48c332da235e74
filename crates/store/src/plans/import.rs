//! A plan read from a document or a table, stored as a draft (or replacing one).

use super::*;

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
        Change::new(AuditAction::Import, AuditEntity::Plan, Some(plan_id))
            .after(&summary)
            .commit(tx, audit)
            .await?;
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
        Change::new(AuditAction::Reimport, AuditEntity::Plan, Some(plan_id))
            .before(&before)
            .after(&summary)
            .commit(tx, audit)
            .await?;
        self.plan(organization_id, plan_id).await
    }
}

/// Inserts a draft's sections, tasks (with units matched to `known`) and targets.
pub(super) async fn insert_contents(
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
