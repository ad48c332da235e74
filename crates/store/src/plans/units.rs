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
        self.commit_edit(
            tx,
            &plan,
            audit,
            Change::new(AuditAction::MapUnit, AuditEntity::Plan, Some(plan_id)).after(&detail),
            &format!("单位“{written_name}”对应调整"),
        )
        .await?;
        Ok(done.rows_affected())
    }
}
