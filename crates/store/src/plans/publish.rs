//! A plan's settings, publishing, and the versions every edit of a published plan makes.

use super::*;

impl Store {
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
        if let Some(start) = patch.reporting_start {
            after.reporting_start = Some(start);
        }
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE plans SET title = $1, year = $2, doc_number = $3, cycle = $4, due_day = $5, reporting_start = $6 WHERE id = $7")
            .bind(after.title.clone())
            .bind(i64::from(after.year))
            .bind(after.doc_number.clone())
            .bind(after.cycle.as_str())
            .bind(after.due_day)
            .bind(after.reporting_start.map(|d| d.to_string()))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.commit_edit(
            tx,
            &before,
            audit,
            Change::new(AuditAction::Update, AuditEntity::Plan, Some(id))
                .before(&before)
                .after(&after),
            "修改计划信息",
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
            .map(|t| t.number.to_string())
            .collect();
        if !orphans.is_empty() {
            return Err(StoreError::Conflict(format!(
                "有 {} 项任务还没有牵头单位（第 {} 项），请先指定后再发布",
                orphans.len(),
                orphans.join("、")
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
        Change::new(AuditAction::Publish, AuditEntity::Plan, Some(id))
            .after(&serde_json::json!({"status": "published"}))
            .record(&mut tx, audit)
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
    pub(super) async fn commit_edit<B: Serialize, A: Serialize>(
        &self,
        mut tx: sqlx::Transaction<'_, sqlx::Any>,
        plan: &Plan,
        audit: &Audit,
        change: Change<'_, B, A>,
        note: &str,
    ) -> Result<()> {
        change.record(&mut tx, audit).await?;
        self.after_plan_edit(&mut tx, plan, audit, note).await?;
        tx.commit().await?;
        Ok(())
    }

    /// After any edit: a published plan gets a new version with a snapshot.
    pub(super) async fn after_plan_edit(
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

    pub(super) async fn bump_version(
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
}
