//! Supervision notices (督办单) and comments (批示 / 留言) on tasks and reports.

use chrono::NaiveDate;
use luoshi_domain::DomainError;
use luoshi_domain::audit::{AuditAction, AuditEntity};
use luoshi_domain::text;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::audit::Change;
use crate::decode::{Row, page_of};
use crate::reports::{ATTACHMENT_COLUMNS, AttachmentOwner, insert_attachment};
use crate::sql::Sql;
use crate::{
    Attachment, Audit, Comment, CommentKind, NewAttachment, Notice, NoticeState, Page, Paging,
    Result, Store, StoreError, now,
};

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct NewNotice {
    pub unit_id: i64,
    pub reason: String,
    pub response_due: NaiveDate,
}

#[derive(Clone, Debug, Default)]
pub struct NoticeFilter {
    pub organization_id: i64,
    pub task_id: Option<i64>,
    pub unit_ids: Option<Vec<i64>>,
    pub state: Option<NoticeState>,
}

const NOTICE_COLUMNS: &str = "SELECT id, task_id, unit_id, reason, response_due, state, issued_by, issued_at, \
    response, responded_by, responded_at, closed_by, closed_at";

const COMMENT_COLUMNS: &str =
    "id, task_id, report_id, author_id, kind, body, created_at, read_by, read_at";

impl Store {
    pub async fn issue_notice(
        &self,
        audit: &Audit,
        task_id: i64,
        new: &NewNotice,
    ) -> Result<Notice> {
        text::check_required("reason", "督办事由", &new.reason)?;
        let issuer = audit
            .actor_id
            .ok_or_else(|| DomainError::invalid("user", "须由用户签发"))?;
        let mut tx = self.write.begin().await?;
        let Row(notice): Row<Notice> = sqlx::query_as(&format!(
            "INSERT INTO notices (task_id, unit_id, reason, response_due, state, issued_by, issued_at)
             VALUES ($1, $2, $3, $4, 'open', $5, $6) RETURNING {}",
            &NOTICE_COLUMNS["SELECT ".len()..]
        ))
        .bind(task_id)
        .bind(new.unit_id)
        .bind(new.reason.trim().to_string())
        .bind(new.response_due.to_string())
        .bind(issuer)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        Change::new(AuditAction::Issue, AuditEntity::Notice, Some(notice.id))
            .after(&notice)
            .commit(tx, audit)
            .await?;
        Ok(notice)
    }

    pub async fn notice(&self, id: i64) -> Result<Notice> {
        sqlx::query_as(&format!("{NOTICE_COLUMNS} FROM notices WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .map(|Row(notice)| notice)
            .ok_or(StoreError::NotFound("督办单"))
    }

    /// The unit's answer (办理情况); an answered notice can be answered again until closed.
    /// With `evidence`, the file (整改材料) is recorded with the answer, in one transaction.
    pub async fn answer_notice(
        &self,
        audit: &Audit,
        id: i64,
        response: &str,
        evidence: Option<&NewAttachment>,
    ) -> Result<Notice> {
        text::check_required("response", "办理情况", response)?;
        self.change_notice(audit, id, AuditAction::Answer, evidence, |sql| {
            sql.push(
                "UPDATE notices SET state = 'answered', response = ?",
                response.trim(),
            );
            sql.push(", responded_at = ?", now());
            if let Some(actor) = audit.actor_id {
                sql.push(", responded_by = ?", actor);
            }
            sql.raw(" WHERE state IN ('open', 'answered')");
        })
        .await
    }

    pub async fn close_notice(&self, audit: &Audit, id: i64) -> Result<Notice> {
        self.change_notice(audit, id, AuditAction::Close, None, |sql| {
            sql.push("UPDATE notices SET state = 'closed', closed_at = ?", now());
            if let Some(actor) = audit.actor_id {
                sql.push(", closed_by = ?", actor);
            }
            sql.raw(" WHERE state IN ('open', 'answered')");
        })
        .await
    }

    async fn change_notice(
        &self,
        audit: &Audit,
        id: i64,
        action: AuditAction,
        evidence: Option<&NewAttachment>,
        build: impl FnOnce(&mut Sql),
    ) -> Result<Notice> {
        let before = self.notice(id).await?;
        let mut sql = Sql::default();
        build(&mut sql);
        sql.push(" AND id = ?", id);
        let mut tx = self.write.begin().await?;
        if sql.query().execute(&mut *tx).await?.rows_affected() == 0 {
            return Err(StoreError::Conflict("督办单已办结".into()));
        }
        if let Some(file) = evidence {
            let uploader = audit
                .actor_id
                .ok_or_else(|| DomainError::invalid("user", "附件须由用户上传"))?;
            let attachment =
                insert_attachment(&mut tx, AttachmentOwner::Notice(id), file, uploader).await?;
            Change::new(AuditAction::Attach, AuditEntity::Notice, Some(id))
                .after(&attachment)
                .record(&mut tx, audit)
                .await?;
        }
        let Row(after): Row<Notice> =
            sqlx::query_as(&format!("{NOTICE_COLUMNS} FROM notices WHERE id = $1"))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        Change::new(action, AuditEntity::Notice, Some(id))
            .before(&before)
            .after(&after)
            .commit(tx, audit)
            .await?;
        Ok(after)
    }

    /// The files the units attached to their answers of these notices, oldest first.
    pub async fn notice_attachments(&self, notice_ids: &[i64]) -> Result<Vec<Attachment>> {
        let mut sql = Sql::new(&format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE 1 = 1"
        ));
        sql.and_in("notice_id", notice_ids).raw(" ORDER BY id");
        let rows: Vec<Row<Attachment>> = sql.query_as().fetch_all(&self.read).await?;
        Ok(rows.into_iter().map(|Row(a)| a).collect())
    }

    pub async fn notices(&self, filter: &NoticeFilter, paging: Paging) -> Result<Page<Notice>> {
        let mut sql = Sql::new(" FROM notices WHERE 1 = 1");
        sql.push(
            " AND task_id IN (SELECT t.id FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE p.organization_id = ?)",
            filter.organization_id,
        );
        if let Some(task) = filter.task_id {
            sql.push(" AND task_id = ?", task);
        }
        if let Some(state) = &filter.state {
            sql.push(" AND state = ?", state.as_str());
        }
        if let Some(units) = &filter.unit_ids {
            sql.and_in("unit_id", units);
        }
        self.page(&sql, NOTICE_COLUMNS, " ORDER BY id DESC", paging)
            .await
            .map(page_of)
    }

    pub async fn add_comment(
        &self,
        audit: &Audit,
        task_id: i64,
        report_id: Option<i64>,
        kind: CommentKind,
        body: &str,
    ) -> Result<Comment> {
        let label = match kind {
            CommentKind::Comment => "评论内容",
            CommentKind::Instruction => "批示内容",
        };
        text::check_required("body", label, body)?;
        if let Some(report) = report_id
            && self.report(report).await?.task_id != task_id
        {
            return Err(StoreError::NotFound("报送"));
        }
        let author = audit
            .actor_id
            .ok_or_else(|| DomainError::invalid("user", "须由用户发表"))?;
        let mut tx = self.write.begin().await?;
        let Row(comment): Row<Comment> = sqlx::query_as(&format!(
            "INSERT INTO comments (task_id, report_id, author_id, kind, body, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COMMENT_COLUMNS}"
        ))
        .bind(task_id)
        .bind(report_id)
        .bind(author)
        .bind(kind.as_str())
        .bind(body.trim().to_string())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        Change::new(AuditAction::Create, AuditEntity::Comment, Some(comment.id))
            .after(&comment)
            .commit(tx, audit)
            .await?;
        Ok(comment)
    }

    pub async fn comments(&self, task_id: i64, paging: Paging) -> Result<Page<Comment>> {
        let mut sql = Sql::new(" FROM comments WHERE 1 = 1");
        sql.push(" AND task_id = ?", task_id);
        self.page(
            &sql,
            &format!("SELECT {COMMENT_COLUMNS}"),
            " ORDER BY id",
            paging,
        )
        .await
        .map(page_of)
    }

    pub async fn comment(&self, id: i64) -> Result<Comment> {
        sqlx::query_as(&format!(
            "SELECT {COMMENT_COLUMNS} FROM comments WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        .map(|Row(comment)| comment)
        .ok_or(StoreError::NotFound("批示"))
    }

    /// The instructions (批示) on the organization's tasks that no one of their lead unit
    /// has yet marked read, oldest first.
    pub async fn unread_instructions(&self, organization_id: i64) -> Result<Vec<Comment>> {
        let rows: Vec<Row<Comment>> = sqlx::query_as(&format!(
            "SELECT {COMMENT_COLUMNS} FROM comments WHERE kind = $2 AND read_at IS NULL
             AND task_id IN (SELECT t.id FROM tasks t JOIN plans p ON p.id = t.plan_id
                             WHERE p.organization_id = $1)
             ORDER BY id"
        ))
        .bind(organization_id)
        .bind(CommentKind::Instruction.as_str())
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(|Row(comment)| comment).collect())
    }

    /// Marks an instruction read (已阅) by the audit's user; marking it again changes
    /// nothing, so two people of the unit clicking at once see the same outcome.
    pub async fn acknowledge_instruction(&self, audit: &Audit, id: i64) -> Result<Comment> {
        let reader = audit
            .actor_id
            .ok_or_else(|| DomainError::invalid("user", "须由用户标记已阅"))?;
        let before = self.comment(id).await?;
        if before.kind != CommentKind::Instruction {
            return Err(DomainError::invalid("comment", "只有领导批示需要标记已阅").into());
        }
        let mut tx = self.write.begin().await?;
        let marked = sqlx::query(
            "UPDATE comments SET read_by = $1, read_at = $2 WHERE id = $3 AND read_at IS NULL",
        )
        .bind(reader)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let Row(after): Row<Comment> = sqlx::query_as(&format!(
            "SELECT {COMMENT_COLUMNS} FROM comments WHERE id = $1"
        ))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if marked == 0 {
            return Ok(after);
        }
        Change::new(AuditAction::Acknowledge, AuditEntity::Comment, Some(id))
            .before(&before)
            .after(&after)
            .commit(tx, audit)
            .await?;
        Ok(after)
    }
}
