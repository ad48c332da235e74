//! Sections and tasks under review: create, edit, delete, merge and split.

use super::*;

impl Store {
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
        self.commit_edit(
            tx,
            plan,
            audit,
            Change::new(AuditAction::Create, AuditEntity::Section, Some(section.id))
                .after(&section),
            "新增部分",
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
            Change::new(AuditAction::Update, AuditEntity::Section, Some(id))
                .before(&before)
                .after(&after),
            "修改部分",
        )
        .await?;
        Ok(after)
    }

    pub(super) async fn check_task_input(&self, plan: &Plan, input: &TaskInput) -> Result<()> {
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
        .bind(input.deadline.and_then(DateEdit::date).map(|d| d.to_string()))
        .bind(input.deadline_text.clone())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        self.replace_assignments(&mut tx, task_id, input).await?;
        let task = load_tasks(&mut tx, &one_task(task_id)).await?.remove(0);
        self.commit_edit(
            tx,
            plan,
            audit,
            Change::new(AuditAction::Create, AuditEntity::Task, Some(task_id)).after(&task),
            &format!("新增任务“{}”", task.heading),
        )
        .await?;
        Ok(task)
    }

    pub(super) async fn replace_assignments(
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
        let deadline = input.deadline.map_or(before.deadline, DateEdit::date);
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
        .bind(deadline.map(|d| d.to_string()))
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
            Change::new(AuditAction::Update, AuditEntity::Task, Some(task_id))
                .before(&before)
                .after(&after),
            &format!("修改任务“{}”", after.heading),
        )
        .await?;
        Ok(after)
    }

    pub(super) async fn task_has_reports(&self, task_id: i64) -> Result<bool> {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM reports WHERE task_id = $1")
            .bind(task_id)
            .fetch_one(&self.read)
            .await?;
        Ok(count > 0)
    }

    pub(super) async fn delete_task_rows(conn: &mut AnyConnection, task_id: i64) -> Result<()> {
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
            Change::new(AuditAction::Delete, AuditEntity::Task, Some(task_id)).before(&before),
            &format!("删除任务“{}”", before.heading),
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
            Change::new(AuditAction::Merge, AuditEntity::Task, Some(keep))
                .before(&(&kept, &merged))
                .after(&after),
            &format!("合并任务到“{}”", after.heading),
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
        .bind(original.deadline.map(|d| d.to_string()))
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
            Change::new(AuditAction::Split, AuditEntity::Task, Some(task_id))
                .before(&original)
                .after(&created),
            &format!("拆分任务“{}”", original.heading),
        )
        .await?;
        Ok(created)
    }
}
