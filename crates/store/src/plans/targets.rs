//! A task's targets (目标) and milestones (节点).

use super::*;

impl Store {
    pub(super) fn check_target(input: &TargetInput) -> Result<()> {
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
        self.commit_edit(
            tx,
            plan,
            audit,
            Change::new(AuditAction::Create, AuditEntity::Target, Some(id)).after(&target),
            &format!("新增目标“{}”", target.indicator),
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
            Change::new(AuditAction::Update, AuditEntity::Target, Some(target_id))
                .before(&before)
                .after(&after),
            &format!("修改目标“{}”", after.indicator),
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
            Change::new(AuditAction::Delete, AuditEntity::Target, Some(target_id)).before(&before),
            &format!("删除目标“{}”", before.indicator),
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
        .bind(input.due_date.to_string())
        .fetch_one(&mut *tx)
        .await?;
        self.commit_edit(
            tx,
            plan,
            audit,
            Change::new(
                AuditAction::Create,
                AuditEntity::Milestone,
                Some(milestone.id),
            )
            .after(&milestone),
            &format!("新增节点“{}”", milestone.title),
        )
        .await?;
        Ok(milestone)
    }
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

pub(super) async fn load_target(conn: &mut AnyConnection, id: i64) -> Result<Target> {
    let row: Option<TargetRow> = sqlx::query_as(
        "SELECT id, task_id, indicator, unit, comparator, value_text, baseline, annual_value, trajectory,
             source_text, span_start, span_end FROM targets WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.ok_or(StoreError::NotFound("目标"))?.try_into()
}
