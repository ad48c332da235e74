//! The statements that write a report, shared by the single writes and by
//! [`Store::save_reports`], which writes many reports in one transaction: a unit's whole
//! period, or one task's overdue periods, land together or not at all.

use luoshi_domain::DomainError;
use luoshi_domain::audit::{AuditAction, AuditEntity};
use luoshi_domain::report::{ProgressStatus, ReportAction, ReportState, check_submittable};
use sqlx::AnyConnection;

use super::{ReportInput, load_report, write_actuals};
use crate::audit::Change;
use crate::sql::Sql;
use crate::{Audit, Report, Result, Store, StoreError, now};

/// One report of a batch: the period's report of a task is started, or its draft (or
/// returned report) rewritten, and submitted when `submit` is set.
#[derive(Clone, Debug)]
pub struct ReportWrite {
    pub task_id: i64,
    pub period: String,
    /// The lead unit the report is written for, when a new one is started.
    pub unit_id: Option<i64>,
    pub input: ReportInput,
    pub submit: bool,
}

/// The user a report is written by; a report always has one.
pub(super) fn author_of(audit: &Audit) -> Result<i64> {
    audit
        .actor_id
        .ok_or_else(|| DomainError::invalid("user", "报送须由用户提交").into())
}

/// A first version about to be inserted.
pub(super) struct NewReport<'a> {
    pub task_id: i64,
    pub period: &'a str,
    pub unit_id: Option<i64>,
    pub input: &'a ReportInput,
    pub submit: bool,
    pub author: i64,
}

/// Inserts version 1 of a period's report with its actuals; a report already there for the
/// period is a conflict.
pub(super) async fn insert_report(conn: &mut AnyConnection, new: NewReport<'_>) -> Result<Report> {
    let at = now();
    let state = if new.submit {
        ReportState::Submitted
    } else {
        ReportState::Draft
    };
    let status = new.input.status.unwrap_or(ProgressStatus::InProgress);
    let narrative = new.input.narrative.clone().unwrap_or_default();
    let inserted: std::result::Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO reports (task_id, period, version, unit_id, state, status, narrative, return_count,
             created_by, created_at, updated_at, submitted_at)
         VALUES ($1, $2, 1, $3, $4, $5, $6, 0, $7, $8, $8, $9) RETURNING id",
    )
    .bind(new.task_id)
    .bind(new.period.to_string())
    .bind(new.unit_id)
    .bind(state.as_str().to_string())
    .bind(status.as_str().to_string())
    .bind(narrative)
    .bind(new.author)
    .bind(at)
    .bind(new.submit.then_some(at))
    .fetch_one(&mut *conn)
    .await;
    let id = match inserted {
        Ok((id,)) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(StoreError::Conflict(
                "本期已有报送，请在原报送上修改".into(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let actuals = new.input.actuals.as_deref().unwrap_or_default();
    write_actuals(conn, id, actuals, false).await?;
    load_report(conn, id).await
}

/// Rewrites a draft or returned report's content; absent fields stay as they are. Refused
/// when the report moved on meanwhile.
pub(super) async fn rewrite_report(
    conn: &mut AnyConnection,
    before: &Report,
    input: &ReportInput,
) -> Result<()> {
    let changed = sqlx::query(
        "UPDATE reports SET status = $1, narrative = $2, updated_at = $3
         WHERE id = $4 AND state IN ('draft', 'returned')",
    )
    .bind(input.status.unwrap_or(before.status).as_str())
    .bind(
        input
            .narrative
            .clone()
            .unwrap_or_else(|| before.narrative.clone()),
    )
    .bind(now())
    .bind(before.id)
    .execute(&mut *conn)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::Conflict("报送状态已变化，请刷新后再试".into()));
    }
    if let Some(actuals) = &input.actuals {
        write_actuals(conn, before.id, actuals, true).await?;
    }
    Ok(())
}

/// Moves a report from the state it was read in to `to`, stamping who and when; refused
/// when the report moved on meanwhile.
pub(super) async fn move_report(
    conn: &mut AnyConnection,
    before: &Report,
    action: ReportAction,
    to: ReportState,
    reason: Option<&str>,
    actor: Option<i64>,
) -> Result<()> {
    let at = now();
    let mut sql = Sql::default();
    sql.push("UPDATE reports SET state = ?", to.as_str());
    sql.push(", updated_at = ?", at);
    match action {
        ReportAction::Submit => {
            sql.push(", submitted_at = ?", at);
        }
        ReportAction::Approve => {
            sql.push(", approved_at = ?", at);
            if let Some(actor) = actor {
                sql.push(", approved_by = ?", actor);
            }
        }
        ReportAction::Accept | ReportAction::Return => {
            sql.push(", reviewed_at = ?", at);
            if let Some(actor) = actor {
                sql.push(", reviewed_by = ?", actor);
            }
            if let Some(reason) = reason {
                sql.push(", return_reason = ?", reason);
                sql.raw(", return_count = return_count + 1");
            }
        }
        ReportAction::Edit => {}
    }
    sql.push(" WHERE id = ?", before.id);
    sql.push(" AND state = ?", before.state.as_str());
    let changed = sql.query().execute(&mut *conn).await?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::Conflict("报送状态已变化，请刷新后再试".into()));
    }
    Ok(())
}

/// The newest version of a task's report for a period, read inside the transaction.
async fn standing_report(
    conn: &mut AnyConnection,
    task_id: i64,
    period: &str,
) -> Result<Option<Report>> {
    let id: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM reports WHERE task_id = $1 AND period = $2 ORDER BY version DESC LIMIT 1",
    )
    .bind(task_id)
    .bind(period.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    match id {
        Some((id,)) => Ok(Some(load_report(conn, id).await?)),
        None => Ok(None),
    }
}

impl Store {
    /// Writes every report of a batch in one transaction, each with its audit row: a report
    /// submitted or accepted meanwhile, or any refused write, leaves all of them unsaved.
    pub async fn save_reports(&self, audit: &Audit, writes: &[ReportWrite]) -> Result<Vec<Report>> {
        let author = author_of(audit)?;
        let mut periods = Vec::with_capacity(writes.len());
        for write in writes {
            periods.push(
                self.report_period(write.task_id, &write.period)
                    .await?
                    .key(),
            );
            self.check_input(write.task_id, &write.input).await?;
        }
        let mut tx = self.write.begin().await?;
        let mut saved = Vec::with_capacity(writes.len());
        for (write, period) in writes.iter().zip(&periods) {
            let standing = standing_report(&mut tx, write.task_id, period).await?;
            let (action, before, after) = match standing {
                None => {
                    if write.submit {
                        check_submittable(write.input.narrative.as_deref().unwrap_or(""))?;
                    }
                    let new = NewReport {
                        task_id: write.task_id,
                        period,
                        unit_id: write.unit_id,
                        input: &write.input,
                        submit: write.submit,
                        author,
                    };
                    let action = if write.submit {
                        AuditAction::CreateSubmit
                    } else {
                        AuditAction::Create
                    };
                    (action, None, insert_report(&mut tx, new).await?)
                }
                Some(before) => {
                    before.state.apply(ReportAction::Edit, false)?;
                    rewrite_report(&mut tx, &before, &write.input).await?;
                    let mut after = load_report(&mut tx, before.id).await?;
                    let mut action = AuditAction::Update;
                    if write.submit {
                        check_submittable(&after.narrative)?;
                        let to = after.state.apply(ReportAction::Submit, false)?;
                        move_report(
                            &mut tx,
                            &after,
                            ReportAction::Submit,
                            to,
                            None,
                            Some(author),
                        )
                        .await?;
                        after = load_report(&mut tx, before.id).await?;
                        action = ReportAction::Submit.into();
                    }
                    (action, Some(before), after)
                }
            };
            let change = Change::new(action, AuditEntity::Report, Some(after.id)).after(&after);
            match &before {
                Some(before) => change.before(before).record(&mut tx, audit).await?,
                None => change.record(&mut tx, audit).await?,
            }
            saved.push(after);
        }
        tx.commit().await?;
        Ok(saved)
    }
}
