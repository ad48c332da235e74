//! The append-only audit log (操作日志): who did what, when, from where, with the record
//! before and after. Rows are written in the transaction of the change they describe; the
//! schema's triggers refuse every update and delete, whoever asks.

use luoshi_domain::audit::{AuditAction, AuditEntity};
use serde::Serialize;
use sqlx::{Any, AnyConnection, Transaction};

use crate::decode::{page_of, records};
use crate::sql::Sql;
use crate::{AuditEntry, Page, Paging, Result, Store, now};

/// Who is acting, carried into every change.
#[derive(Clone, Debug)]
pub struct Audit {
    /// The organization whose log the entry belongs to; none for events before one is known
    /// (a failed login with an unknown name, first-run setup).
    pub organization_id: Option<i64>,
    pub actor_id: Option<i64>,
    /// The user name, or `system:…` for the CLI and start-up work.
    pub actor: String,
    pub ip: String,
}

impl Audit {
    pub fn user(id: i64, organization_id: i64, username: &str, ip: &str) -> Audit {
        Audit {
            organization_id: Some(organization_id),
            actor_id: Some(id),
            actor: username.to_string(),
            ip: ip.to_string(),
        }
    }

    /// Changes made from the command line on the server itself.
    pub fn cli() -> Audit {
        Audit {
            organization_id: None,
            actor_id: None,
            actor: "system:cli".into(),
            ip: "local".into(),
        }
    }

    /// The same actor, recorded in `organization_id`'s log.
    pub fn within(&self, organization_id: i64) -> Audit {
        Audit {
            organization_id: Some(organization_id),
            ..self.clone()
        }
    }
}

/// One audited change: what was done to which record, and the record before and after.
/// Every write of the store goes through it, so no change lands without its audit row.
pub(crate) struct Change<'a, B, A> {
    action: AuditAction,
    entity: AuditEntity,
    id: Option<i64>,
    before: Option<&'a B>,
    after: Option<&'a A>,
}

impl Change<'static, (), ()> {
    /// A change with no record on either side yet; `before` and `after` add them.
    pub(crate) fn new(action: AuditAction, entity: AuditEntity, id: Option<i64>) -> Self {
        Change {
            action,
            entity,
            id,
            before: None,
            after: None,
        }
    }
}

impl<'a, B: Serialize, A: Serialize> Change<'a, B, A> {
    /// The record as it stood before the change.
    pub(crate) fn before<'b, C: Serialize>(self, before: &'b C) -> Change<'b, C, A>
    where
        'a: 'b,
    {
        let after = self.after;
        self.with_sides(Some(before), after)
    }

    /// The record as the change left it.
    pub(crate) fn after<'b, C: Serialize>(self, after: &'b C) -> Change<'b, B, C>
    where
        'a: 'b,
    {
        let before = self.before;
        self.with_sides(before, Some(after))
    }

    fn with_sides<'b, C, D>(self, before: Option<&'b C>, after: Option<&'b D>) -> Change<'b, C, D> {
        Change {
            action: self.action,
            entity: self.entity,
            id: self.id,
            before,
            after,
        }
    }

    /// Writes the audit row inside the caller's transaction.
    pub(crate) async fn record(&self, conn: &mut AnyConnection, audit: &Audit) -> Result<()> {
        let before = self.before.map(serde_json::to_string).transpose()?;
        let after = self.after.map(serde_json::to_string).transpose()?;
        sqlx::query(
            "INSERT INTO audit_log (at, organization_id, actor_id, actor, ip, action, entity, entity_id, before_json, after_json)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(now())
        .bind(audit.organization_id)
        .bind(audit.actor_id)
        .bind(audit.actor.clone())
        .bind(audit.ip.clone())
        .bind(self.action.as_str().to_string())
        .bind(self.entity.as_str().to_string())
        .bind(self.id)
        .bind(before)
        .bind(after)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Writes the audit row and commits: the change and its row land together or not at all.
    pub(crate) async fn commit(self, mut tx: Transaction<'_, Any>, audit: &Audit) -> Result<()> {
        self.record(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Filters for reading the log.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Entries of this organization (and the few that belong to none).
    pub organization_id: Option<i64>,
    pub entity: Option<AuditEntity>,
    pub entity_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub action: Option<AuditAction>,
}

/// Whose history to read: one task, or every task of a plan with the plan itself.
#[derive(Clone, Copy, Debug)]
pub enum HistoryScope {
    Task(i64),
    Plan(i64),
}

const AUDIT_COLUMNS: &str =
    "SELECT id, at, actor_id, actor, ip, action, entity, entity_id, before_json, after_json";

/// Records that hang off a task, by the entity name their audit rows carry.
const TASK_CHILDREN: [(AuditEntity, &str); 6] = [
    (AuditEntity::Target, "targets"),
    (AuditEntity::Milestone, "milestones"),
    (AuditEntity::Report, "reports"),
    (AuditEntity::Notice, "notices"),
    (AuditEntity::Comment, "comments"),
    (AuditEntity::Contribution, "contributions"),
];

impl Store {
    /// An entry with no record on either side (a login, a failure).
    pub async fn record_event(
        &self,
        audit: &Audit,
        action: AuditAction,
        entity: AuditEntity,
        entity_id: Option<i64>,
    ) -> Result<()> {
        let mut conn = self.write.acquire().await?;
        Change::new(action, entity, entity_id)
            .record(&mut conn, audit)
            .await
    }

    pub async fn audit_log(
        &self,
        filter: &AuditFilter,
        paging: Paging,
    ) -> Result<Page<AuditEntry>> {
        let mut sql = Sql::new(" FROM audit_log WHERE 1 = 1");
        if let Some(organization) = filter.organization_id {
            sql.push(
                " AND (organization_id = ? OR organization_id IS NULL)",
                organization,
            );
        }
        if let Some(entity) = filter.entity {
            sql.push(" AND entity = ?", entity.as_str());
        }
        if let Some(id) = filter.entity_id {
            sql.push(" AND entity_id = ?", id);
        }
        if let Some(id) = filter.actor_id {
            sql.push(" AND actor_id = ?", id);
        }
        if let Some(action) = filter.action {
            sql.push(" AND action = ?", action.as_str());
        }
        self.page(&sql, AUDIT_COLUMNS, " ORDER BY id DESC", paging)
            .await
            .map(page_of)
    }

    /// What happened to a task (or a plan's tasks): the task and everything hanging off it,
    /// newest first. `after` keeps entries newer than that audit id ("since your last visit").
    pub async fn history(
        &self,
        organization_id: i64,
        scope: HistoryScope,
        after: Option<i64>,
        paging: Paging,
    ) -> Result<Page<AuditEntry>> {
        let (tasks, id) = match scope {
            HistoryScope::Task(id) => ("t.id = ?", id),
            HistoryScope::Plan(id) => ("t.plan_id = ?", id),
        };
        // One indexed lookup by (entity, entity_id) per kind of record, joined by UNION ALL:
        // an OR across kinds would scan the whole log. Entries of no organization are
        // command-line changes; the scope keeps them to this organization's records.
        let mut sql = Sql::new(" FROM audit_log WHERE id IN (");
        sql.push(
            &format!(
                "SELECT a.id FROM audit_log a JOIN tasks t ON a.entity = 'task' AND a.entity_id = t.id WHERE {tasks}"
            ),
            id,
        );
        for (entity, table) in TASK_CHILDREN {
            sql.push(
                &format!(
                    " UNION ALL SELECT a.id FROM {table} x JOIN tasks t ON t.id = x.task_id \
                     JOIN audit_log a ON a.entity = '{}' AND a.entity_id = x.id WHERE {tasks}",
                    entity.as_str()
                ),
                id,
            );
        }
        if let HistoryScope::Plan(plan) = scope {
            sql.push(
                " UNION ALL SELECT a.id FROM audit_log a WHERE a.entity = 'plan' AND a.entity_id = ?",
                plan,
            );
            sql.push(
                " UNION ALL SELECT a.id FROM sections s JOIN audit_log a \
                 ON a.entity = 'section' AND a.entity_id = s.id WHERE s.plan_id = ?",
                plan,
            );
        }
        sql.raw(")");
        sql.push(
            " AND (organization_id = ? OR organization_id IS NULL)",
            organization_id,
        );
        if let Some(after) = after {
            sql.push(" AND id > ?", after);
        }
        self.page(&sql, AUDIT_COLUMNS, " ORDER BY id DESC", paging)
            .await
            .map(page_of)
    }

    /// The audit entry of the user's login before the latest one: where a returning user's
    /// "changes since your last visit" begin. None on a first visit.
    pub async fn previous_login(&self, user_id: i64) -> Result<Option<AuditEntry>> {
        let mut logins: Vec<AuditEntry> = records(sqlx::query_as(&format!(
            "{AUDIT_COLUMNS} FROM audit_log WHERE entity = 'session' AND entity_id = $1 AND action = 'login'
             ORDER BY id DESC LIMIT 2"
        ))
        .bind(user_id)
        .fetch_all(&self.read)
        .await?);
        Ok((logins.len() == 2).then(|| logins.remove(1)))
    }

    /// Runs `select` + `from_where` + `order` with LIMIT/OFFSET and counts the total.
    pub(crate) async fn page<T>(
        &self,
        from_where: &Sql,
        select: &str,
        order: &str,
        paging: Paging,
    ) -> Result<Page<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let count = Sql {
            text: format!("SELECT COUNT(*){}", from_where.text),
            values: from_where.values.clone(),
        };
        let (total,): (i64,) = count.query_as().fetch_one(&self.read).await?;
        let mut rows = Sql {
            text: format!("{select}{}{order}", from_where.text),
            values: from_where.values.clone(),
        };
        rows.push(" LIMIT ?", paging.per_page);
        rows.push(" OFFSET ?", (paging.page - 1) * paging.per_page);
        let items = rows.query_as().fetch_all(&self.read).await?;
        Ok(Page {
            items,
            total,
            page: paging.page,
            per_page: paging.per_page,
        })
    }
}
