//! The unit names a plan writes, matched to the organization's units.

use super::*;

impl Store {
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
        let mut sql = Sql::default();
        sql.push("UPDATE task_units SET unit_id = ? WHERE", unit_id);
        let note = format!("单位“{written_name}”对应调整");
        self.rewrite_unit_name(
            audit,
            organization_id,
            plan_id,
            written_name,
            Some(unit_id),
            sql,
            &note,
        )
        .await
    }

    /// Removes a written name that stands for no one unit (局机关各科室) from the plan's tasks,
    /// where it is still unmapped; the tasks keep their other units.
    pub async fn drop_unit_name(
        &self,
        audit: &Audit,
        organization_id: i64,
        plan_id: i64,
        written_name: &str,
    ) -> Result<u64> {
        let sql = Sql::new("DELETE FROM task_units WHERE unit_id IS NULL AND");
        let note = format!("移除泛指的单位名称“{written_name}”");
        self.rewrite_unit_name(
            audit,
            organization_id,
            plan_id,
            written_name,
            None,
            sql,
            &note,
        )
        .await
    }

    /// Runs `change` (an UPDATE or DELETE of `task_units` ending in `WHERE` or `AND`) on the
    /// rows of the plan written as `written_name`, and records where the name now points.
    #[allow(clippy::too_many_arguments)]
    async fn rewrite_unit_name(
        &self,
        audit: &Audit,
        organization_id: i64,
        plan_id: i64,
        written_name: &str,
        unit_id: Option<i64>,
        mut change: Sql,
        note: &str,
    ) -> Result<u64> {
        let plan = self.plan(organization_id, plan_id).await?;
        change.push(" written_name = ?", written_name.to_string());
        change.push(
            " AND task_id IN (SELECT id FROM tasks WHERE plan_id = ?)",
            plan_id,
        );
        let mut tx = self.write.begin().await?;
        let done = change.query().execute(&mut *tx).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("该单位名称"));
        }
        let detail = serde_json::json!({ "written_name": written_name, "unit_id": unit_id });
        self.commit_edit(
            tx,
            &plan,
            audit,
            Change::new(AuditAction::MapUnit, AuditEntity::Plan, Some(plan_id)).after(&detail),
            note,
        )
        .await?;
        Ok(done.rows_affected())
    }

    /// Gives many tasks the same responsible units at once (批量指定): the lead units replace
    /// each task's, and the co-units too when some are given. One transaction, one audit
    /// row per task, one new version of a published plan.
    pub async fn assign_units(
        &self,
        audit: &Audit,
        plan: &Plan,
        task_ids: &[i64],
        lead: &[i64],
        co: &[i64],
    ) -> Result<Vec<Task>> {
        if task_ids.is_empty() {
            return Err(DomainError::invalid("tasks", "请选择要指定责任单位的任务").into());
        }
        if lead.is_empty() {
            return Err(DomainError::invalid("lead", "请选择牵头单位").into());
        }
        if let Some(unit) = lead.iter().find(|unit| co.contains(unit)) {
            let name = self.unit_in(plan.organization_id, *unit).await?.name;
            return Err(DomainError::invalid(
                "co",
                format!("“{name}”已是牵头单位，不必再作配合单位"),
            )
            .into());
        }
        let input = TaskInput {
            lead_units: Some(lead.to_vec()),
            co_units: (!co.is_empty()).then(|| co.to_vec()),
            ..Default::default()
        };
        self.check_task_input(plan, &input).await?;
        let mut befores = Vec::new();
        for task_id in task_ids {
            let before = self.task(*task_id).await?;
            if before.plan_id != plan.id {
                return Err(StoreError::NotFound("任务"));
            }
            befores.push(before);
        }
        let mut tx = self.write.begin().await?;
        let mut afters = Vec::new();
        for before in &befores {
            self.replace_assignments(&mut tx, before.id, &input).await?;
            let after = load_tasks(&mut tx, &one_task(before.id)).await?.remove(0);
            Change::new(AuditAction::Update, AuditEntity::Task, Some(before.id))
                .before(before)
                .after(&after)
                .record(&mut tx, audit)
                .await?;
            afters.push(after);
        }
        self.after_plan_edit(
            &mut tx,
            plan,
            audit,
            &format!("批量指定 {} 项任务的责任单位", afters.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(afters)
    }
}
