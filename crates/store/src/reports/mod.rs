//! Progress reports (进展报送), their target actuals, evidence attachments and co-units'
//! contributions. The lead unit owes one report per task and period; it moves through
//! [`ReportState`]; an accepted report is never changed again, a correction is a new version.

use std::collections::HashMap;

use luoshi_domain::DomainError;
use luoshi_domain::audit::{AuditAction, AuditEntity};
use luoshi_domain::period::{Cycle, Period};
use luoshi_domain::report::{ProgressStatus, ReportAction, ReportState, check_submittable};
use luoshi_domain::text;
use serde::Deserialize;
use sqlx::AnyConnection;
use utoipa::ToSchema;

use crate::audit::Change;
use crate::decode::{Row, records};
use crate::sql::Sql;
use crate::{
    Actual, Attachment, Audit, Contribution, Page, Paging, Report, Result, Store, StoreError, now,
};
use write::{NewReport, author_of, insert_report, move_report, rewrite_report};

mod write;

pub use write::ReportWrite;

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct ActualInput {
    pub target_id: i64,
    pub value: f64,
    #[serde(default)]
    pub note: String,
}

/// The content of a report; on update, absent fields stay as they are.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ReportInput {
    pub status: Option<ProgressStatus>,
    pub narrative: Option<String>,
    pub actuals: Option<Vec<ActualInput>>,
}

#[derive(Clone, Debug, Default)]
pub struct ReportFilter {
    pub organization_id: i64,
    pub plan_id: Option<i64>,
    pub task_id: Option<i64>,
    pub period: Option<String>,
    pub state: Option<ReportState>,
    pub unit_id: Option<i64>,
    /// Restricts to tasks with these ids (a unit role's scope).
    pub task_ids: Option<Vec<i64>>,
}

/// Metadata of an uploaded evidence file already saved under `stored_name`.
#[derive(Clone, Debug)]
pub struct NewAttachment {
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub stored_name: String,
    pub sha256: String,
}

pub(crate) const ATTACHMENT_COLUMNS: &str = "id, report_id, notice_id, file_name, content_type, size, stored_name, sha256, uploaded_by, created_at";

/// What an attachment is evidence for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum AttachmentOwner {
    Report(i64),
    Notice(i64),
}

/// Records an uploaded file inside the caller's transaction (the caller audits it).
pub(crate) async fn insert_attachment(
    conn: &mut AnyConnection,
    owner: AttachmentOwner,
    file: &NewAttachment,
    uploader: i64,
) -> Result<Attachment> {
    let (report_id, notice_id) = match owner {
        AttachmentOwner::Report(id) => (Some(id), None),
        AttachmentOwner::Notice(id) => (None, Some(id)),
    };
    let Row(attachment) = sqlx::query_as(&format!(
        "INSERT INTO attachments (report_id, notice_id, file_name, content_type, size, stored_name, sha256, uploaded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {ATTACHMENT_COLUMNS}"
    ))
    .bind(report_id)
    .bind(notice_id)
    .bind(file.file_name.clone())
    .bind(file.content_type.clone())
    .bind(file.size)
    .bind(file.stored_name.clone())
    .bind(file.sha256.clone())
    .bind(uploader)
    .bind(now())
    .fetch_one(conn)
    .await?;
    Ok(attachment)
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: i64,
    task_id: i64,
    period: String,
    version: i64,
    unit_id: Option<i64>,
    state: String,
    status: String,
    narrative: String,
    return_reason: Option<String>,
    return_count: i64,
    created_by: i64,
    created_at: i64,
    updated_at: i64,
    submitted_at: Option<i64>,
    approved_by: Option<i64>,
    approved_at: Option<i64>,
    reviewed_by: Option<i64>,
    reviewed_at: Option<i64>,
}

const REPORT_COLUMNS: &str = "SELECT id, task_id, period, version, unit_id, state, status, narrative, \
    return_reason, return_count, created_by, created_at, updated_at, submitted_at, approved_by, \
    approved_at, reviewed_by, reviewed_at";

async fn load_report(conn: &mut AnyConnection, id: i64) -> Result<Report> {
    let row: Option<ReportRow> =
        sqlx::query_as(&format!("{REPORT_COLUMNS} FROM reports WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let row = row.ok_or(StoreError::NotFound("报送"))?;
    let mut reports = attach_details(conn, vec![row]).await?;
    Ok(reports.remove(0))
}

/// Reports with their actuals and attachments, read in two queries per chunk of reports
/// rather than two per report.
async fn attach_details(conn: &mut AnyConnection, rows: Vec<ReportRow>) -> Result<Vec<Report>> {
    let mut actuals: HashMap<i64, Vec<Actual>> = HashMap::new();
    let mut attachments: HashMap<i64, Vec<Attachment>> = HashMap::new();
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    for chunk in ids.chunks(500) {
        let mut sql =
            Sql::new("SELECT report_id, target_id, value, note FROM report_actuals WHERE 1 = 1");
        sql.and_in("report_id", chunk)
            .raw(" ORDER BY report_id, target_id");
        let found: Vec<(i64, i64, f64, String)> = sql.query_as().fetch_all(&mut *conn).await?;
        for (report_id, target_id, value, note) in found {
            actuals.entry(report_id).or_default().push(Actual {
                target_id,
                value,
                note,
            });
        }
        let mut sql = Sql::new(&format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE 1 = 1"
        ));
        sql.and_in("report_id", chunk).raw(" ORDER BY id");
        let found: Vec<Attachment> = records(sql.query_as().fetch_all(&mut *conn).await?);
        for attachment in found {
            if let Some(report_id) = attachment.report_id {
                attachments.entry(report_id).or_default().push(attachment);
            }
        }
    }
    let mut reports = Vec::with_capacity(rows.len());
    for row in rows {
        let actuals = actuals.remove(&row.id).unwrap_or_default();
        let attachments = attachments.remove(&row.id).unwrap_or_default();
        reports.push(Report {
            id: row.id,
            task_id: row.task_id,
            period: row.period,
            version: row.version,
            unit_id: row.unit_id,
            state: ReportState::parse(&row.state)
                .map_err(|e| StoreError::Corrupt(format!("report {}: {e}", row.id)))?,
            status: ProgressStatus::parse(&row.status)
                .map_err(|e| StoreError::Corrupt(format!("report {}: {e}", row.id)))?,
            narrative: row.narrative,
            return_reason: row.return_reason,
            return_count: row.return_count,
            created_by: row.created_by,
            created_at: row.created_at,
            updated_at: row.updated_at,
            submitted_at: row.submitted_at,
            approved_by: row.approved_by,
            approved_at: row.approved_at,
            reviewed_by: row.reviewed_by,
            reviewed_at: row.reviewed_at,
            actuals,
            attachments,
        });
    }
    Ok(reports)
}

/// Writes a report's actuals, replacing earlier ones; checked by [`Store::check_input`].
async fn write_actuals(
    conn: &mut AnyConnection,
    report_id: i64,
    actuals: &[ActualInput],
    replace: bool,
) -> Result<()> {
    if replace {
        sqlx::query("DELETE FROM report_actuals WHERE report_id = $1")
            .bind(report_id)
            .execute(&mut *conn)
            .await?;
    }
    for actual in actuals {
        sqlx::query(
            "INSERT INTO report_actuals (report_id, target_id, value, note) VALUES ($1, $2, $3, $4)",
        )
        .bind(report_id)
        .bind(actual.target_id)
        .bind(actual.value)
        .bind(actual.note.clone())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

impl Store {
    /// What a report is sent must fit: a narrative within the text limit and actuals for
    /// targets of the report's task (checked before the write transaction, which stays short).
    async fn check_input(&self, task_id: i64, input: &ReportInput) -> Result<()> {
        if let Some(narrative) = &input.narrative {
            text::check_text("narrative", "进展情况", narrative)?;
        }
        let actuals = input.actuals.as_deref().unwrap_or_default();
        let targets: Vec<(i64,)> = sqlx::query_as("SELECT id FROM targets WHERE task_id = $1")
            .bind(task_id)
            .fetch_all(&self.read)
            .await?;
        for actual in actuals {
            if !targets.iter().any(|(id,)| *id == actual.target_id) {
                return Err(DomainError::invalid(
                    "actuals",
                    format!("目标 {} 不属于该任务", actual.target_id),
                )
                .into());
            }
            if !actual.value.is_finite() {
                return Err(DomainError::invalid("actuals", "实际值须为数字").into());
            }
        }
        Ok(())
    }

    /// A period key read for the task's plan: its cycle, within its year.
    async fn report_period(&self, task_id: i64, key: &str) -> Result<Period> {
        let (cycle, year) = self.task_cycle(task_id).await?;
        let period = Period::parse(cycle, key)?;
        if period.year != year {
            return Err(
                DomainError::invalid("period", format!("期次应在计划年度 {year} 年内")).into(),
            );
        }
        Ok(period)
    }

    /// The plan's cycle and year for a task, to read period keys.
    async fn task_cycle(&self, task_id: i64) -> Result<(Cycle, i32)> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT p.cycle, p.year FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE t.id = $1",
        )
        .bind(task_id)
        .fetch_optional(&self.read)
        .await?;
        let (cycle, year) = row.ok_or(StoreError::NotFound("任务"))?;
        Ok((Cycle::parse(&cycle)?, year as i32))
    }

    /// Starts the report of `period` for a task (version 1, or the next after a correction
    /// is needed), optionally submitting it at once.
    pub async fn create_report(
        &self,
        audit: &Audit,
        task_id: i64,
        period: &str,
        unit_id: Option<i64>,
        input: &ReportInput,
        submit: bool,
    ) -> Result<Report> {
        let period = self.report_period(task_id, period).await?;
        let author = author_of(audit)?;
        if submit {
            check_submittable(input.narrative.as_deref().unwrap_or(""))?;
        }
        self.check_input(task_id, input).await?;
        let mut tx = self.write.begin().await?;
        let inserted = insert_report(
            &mut tx,
            NewReport {
                task_id,
                period: &period.key(),
                unit_id,
                input,
                submit,
                author,
            },
        )
        .await;
        let report = match inserted {
            Err(StoreError::Conflict(_)) => {
                drop(tx);
                return Err(self.existing_report_conflict(task_id, &period.key()).await);
            }
            other => other?,
        };
        Change::new(
            if submit {
                AuditAction::CreateSubmit
            } else {
                AuditAction::Create
            },
            AuditEntity::Report,
            Some(report.id),
        )
        .after(&report)
        .commit(tx, audit)
        .await?;
        Ok(report)
    }

    /// Why a period's report cannot be started: one exists (accepted or not).
    async fn existing_report_conflict(&self, task_id: i64, period: &str) -> StoreError {
        let latest: std::result::Result<Option<(String,)>, sqlx::Error> = sqlx::query_as(
            "SELECT state FROM reports WHERE task_id = $1 AND period = $2 ORDER BY version DESC LIMIT 1",
        )
        .bind(task_id)
        .bind(period.to_string())
        .fetch_optional(&self.read)
        .await;
        match latest {
            Ok(Some((state,))) if state == "accepted" => {
                StoreError::Conflict("本期报送已采纳；如需更正，请对已采纳的报送发起更正".into())
            }
            Ok(_) => StoreError::Conflict("本期已有报送，请在原报送上修改".into()),
            Err(e) => e.into(),
        }
    }

    pub async fn report(&self, id: i64) -> Result<Report> {
        let mut conn = self.read.acquire().await?;
        load_report(&mut conn, id).await
    }

    pub async fn update_report(
        &self,
        audit: &Audit,
        id: i64,
        input: &ReportInput,
    ) -> Result<Report> {
        let before = self.report(id).await?;
        before.state.apply(ReportAction::Edit, false)?;
        self.check_input(before.task_id, input).await?;
        let mut tx = self.write.begin().await?;
        rewrite_report(&mut tx, &before, input).await?;
        let after = load_report(&mut tx, id).await?;
        Change::new(AuditAction::Update, AuditEntity::Report, Some(id))
            .before(&before)
            .after(&after)
            .commit(tx, audit)
            .await?;
        Ok(after)
    }

    /// Moves a report through review. `reason` is required to return one.
    pub async fn transition_report(
        &self,
        audit: &Audit,
        id: i64,
        action: ReportAction,
        reason: Option<&str>,
        head_review: bool,
    ) -> Result<Report> {
        let before = self.report(id).await?;
        let from = before.state;
        let to = from.apply(action, head_review)?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if action == ReportAction::Return && reason.is_none() {
            return Err(DomainError::invalid("reason", "退回须填写理由").into());
        }
        if let Some(reason) = reason {
            text::check_text("reason", "退回理由", reason)?;
        }
        if action == ReportAction::Submit {
            check_submittable(&before.narrative)?;
        }
        let mut tx = self.write.begin().await?;
        move_report(&mut tx, &before, action, to, reason, audit.actor_id).await?;
        let after = load_report(&mut tx, id).await?;
        Change::new(action.into(), AuditEntity::Report, Some(id))
            .before(&before)
            .after(&after)
            .commit(tx, audit)
            .await?;
        Ok(after)
    }

    /// Opens a correction of an accepted report: a new draft version with the same content.
    pub async fn correct_report(&self, audit: &Audit, id: i64) -> Result<Report> {
        let accepted = self.report(id).await?;
        if accepted.state != ReportState::Accepted {
            return Err(StoreError::Conflict(
                "只有已采纳的报送需要以更正方式修改".into(),
            ));
        }
        let author = audit
            .actor_id
            .ok_or_else(|| DomainError::invalid("user", "更正须由用户发起"))?;
        let mut tx = self.write.begin().await?;
        let at = now();
        let (new_id,): (i64,) = sqlx::query_as(
            "INSERT INTO reports (task_id, period, version, unit_id, state, status, narrative, return_count,
                 created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'draft', $5, $6, 0, $7, $8, $8) RETURNING id",
        )
        .bind(accepted.task_id)
        .bind(accepted.period.clone())
        .bind(accepted.version + 1)
        .bind(accepted.unit_id)
        .bind(accepted.status.as_str())
        .bind(accepted.narrative.clone())
        .bind(author)
        .bind(at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| crate::org::conflict_on_unique(e, "该报送已有更正版本".into()))?;
        let actuals: Vec<ActualInput> = accepted
            .actuals
            .iter()
            .map(|a| ActualInput {
                target_id: a.target_id,
                value: a.value,
                note: a.note.clone(),
            })
            .collect();
        write_actuals(&mut tx, new_id, &actuals, false).await?;
        let report = load_report(&mut tx, new_id).await?;
        Change::new(AuditAction::Correct, AuditEntity::Report, Some(new_id))
            .before(&accepted)
            .after(&report)
            .commit(tx, audit)
            .await?;
        Ok(report)
    }

    /// How many reports of the organization's published plans wait for a decision
    /// (submitted or approved), by task and state: what the queues' counts are decided
    /// from without loading a report.
    pub async fn waiting_report_counts(
        &self,
        organization_id: i64,
    ) -> Result<Vec<(i64, ReportState, i64)>> {
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT r.task_id, r.state, COUNT(*) FROM reports r JOIN tasks t ON t.id = r.task_id \
             JOIN plans p ON p.id = t.plan_id \
             WHERE p.organization_id = $1 AND p.status = 'published' \
             AND r.state IN ('submitted', 'approved') GROUP BY r.task_id, r.state",
        )
        .bind(organization_id)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|(task, state, count)| {
                let state = ReportState::parse(&state)
                    .map_err(|e| StoreError::Corrupt(format!("report of task {task}: {e}")))?;
                Ok((task, state, count))
            })
            .collect()
    }

    pub async fn reports(&self, filter: &ReportFilter, paging: Paging) -> Result<Page<Report>> {
        let mut sql = Sql::new(" FROM reports WHERE 1 = 1");
        sql.push(
            " AND task_id IN (SELECT t.id FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE p.organization_id = ?)",
            filter.organization_id,
        );
        if let Some(plan) = filter.plan_id {
            sql.push(
                " AND task_id IN (SELECT id FROM tasks WHERE plan_id = ?)",
                plan,
            );
        }
        if let Some(task) = filter.task_id {
            sql.push(" AND task_id = ?", task);
        }
        if let Some(period) = &filter.period {
            sql.push(" AND period = ?", period.as_str());
        }
        if let Some(state) = filter.state {
            sql.push(" AND state = ?", state.as_str());
        }
        if let Some(unit) = filter.unit_id {
            sql.push(" AND unit_id = ?", unit);
        }
        if let Some(ids) = &filter.task_ids {
            sql.and_in("task_id", ids);
        }
        let page: Page<ReportRow> = self
            .page(
                &sql,
                REPORT_COLUMNS,
                " ORDER BY period DESC, task_id, version DESC",
                paging,
            )
            .await?;
        self.with_details(page).await
    }

    /// A page of report rows as reports with their actuals and attachments.
    async fn with_details(&self, page: Page<ReportRow>) -> Result<Page<Report>> {
        let mut conn = self.read.acquire().await?;
        Ok(Page {
            items: attach_details(&mut conn, page.items).await?,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// The earliest-submitted reports waiting in each state on the given tasks, at most
    /// `limit`, with how many wait in all: a queue shows the first of many without loading
    /// every one.
    pub async fn waiting_reports(
        &self,
        waiting: &[(ReportState, Vec<i64>)],
        limit: i64,
    ) -> Result<Page<Report>> {
        let mut sql = Sql::new(" FROM reports WHERE (1 = 0");
        for (state, task_ids) in waiting {
            sql.push(" OR (state = ?", state.as_str());
            sql.and_in("task_id", task_ids).raw(")");
        }
        sql.raw(")");
        let paging = Paging::new(Some(1), Some(limit));
        let page: Page<ReportRow> = self
            .page(&sql, REPORT_COLUMNS, " ORDER BY submitted_at, id", paging)
            .await?;
        self.with_details(page).await
    }

    pub async fn add_attachment(
        &self,
        audit: &Audit,
        report_id: i64,
        file: &NewAttachment,
    ) -> Result<Attachment> {
        let report = self.report(report_id).await?;
        report.state.apply(ReportAction::Edit, false)?;
        let uploader = audit
            .actor_id
            .ok_or_else(|| DomainError::invalid("user", "附件须由用户上传"))?;
        let mut tx = self.write.begin().await?;
        let owner = AttachmentOwner::Report(report_id);
        let attachment = insert_attachment(&mut tx, owner, file, uploader).await?;
        Change::new(AuditAction::Attach, AuditEntity::Report, Some(report_id))
            .after(&attachment)
            .commit(tx, audit)
            .await?;
        Ok(attachment)
    }

    pub async fn attachment(&self, id: i64) -> Result<Attachment> {
        sqlx::query_as(&format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        .map(|Row(attachment)| attachment)
        .ok_or(StoreError::NotFound("附件"))
    }

    pub async fn add_contribution(
        &self,
        audit: &Audit,
        task_id: i64,
        period: &str,
        unit_id: i64,
        body: &str,
    ) -> Result<Contribution> {
        let (cycle, _) = self.task_cycle(task_id).await?;
        let period = Period::parse(cycle, period)?;
        text::check_required("body", "配合情况", body)?;
        let author = audit
            .actor_id
            .ok_or_else(|| DomainError::invalid("user", "须由用户提交"))?;
        let mut tx = self.write.begin().await?;
        let Row(contribution): Row<Contribution> = sqlx::query_as(
            "INSERT INTO contributions (task_id, period, unit_id, author_id, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, task_id, period, unit_id, author_id, body, created_at",
        )
        .bind(task_id)
        .bind(period.key())
        .bind(unit_id)
        .bind(author)
        .bind(body.trim().to_string())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        Change::new(
            AuditAction::Create,
            AuditEntity::Contribution,
            Some(contribution.id),
        )
        .after(&contribution)
        .commit(tx, audit)
        .await?;
        Ok(contribution)
    }

    pub async fn contributions(
        &self,
        task_id: i64,
        period: Option<&str>,
    ) -> Result<Vec<Contribution>> {
        let mut sql = Sql::new(
            "SELECT id, task_id, period, unit_id, author_id, body, created_at FROM contributions WHERE 1 = 1",
        );
        sql.push(" AND task_id = ?", task_id);
        if let Some(period) = period {
            sql.push(" AND period = ?", period);
        }
        sql.raw(" ORDER BY id");
        Ok(records(sql.query_as().fetch_all(&self.read).await?))
    }

    /// What `units` contributed to any of `task_ids`, for the co-units' queue (one query).
    pub async fn contributions_of_units(
        &self,
        task_ids: &[i64],
        units: &[i64],
    ) -> Result<Vec<Contribution>> {
        let mut sql = Sql::new(
            "SELECT id, task_id, period, unit_id, author_id, body, created_at FROM contributions WHERE 1 = 1",
        );
        sql.and_in("task_id", task_ids);
        sql.and_in("unit_id", units);
        sql.raw(" ORDER BY id");
        Ok(records(sql.query_as().fetch_all(&self.read).await?))
    }
}
