//! Organizations (教育局), their unit tree (科室 / 中心 / 直属单位 / 县区 / 学校), users,
//! sessions, API tokens and login attempts.

use luoshi_domain::audit::{AuditAction, AuditEntity};
use luoshi_domain::light::LightRules;
use luoshi_domain::role::Role;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::audit::Change;
use crate::sql::Sql;
use crate::{
    Audit, Organization, Page, Paging, Result, Store, StoreError, Unit, UnitKind, User, now,
};

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct NewUnit {
    pub name: String,
    #[serde(default)]
    pub kind: UnitKind,
    #[serde(default)]
    pub parent_id: Option<i64>,
    #[serde(default)]
    pub abbreviations: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct UnitPatch {
    pub name: Option<String>,
    pub kind: Option<UnitKind>,
    pub parent_id: Option<i64>,
    pub abbreviations: Option<Vec<String>>,
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub must_change_password: bool,
    pub units: Vec<i64>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct OrganizationPatch {
    pub name: Option<String>,
    pub head_review: Option<bool>,
    pub light_rules: Option<LightRules>,
}

/// A change to what a user may do; absent fields stay as they are.
#[derive(Clone, Debug, Default)]
pub struct AccessChange {
    pub role: Option<Role>,
    pub units: Option<Vec<i64>>,
    pub disabled: Option<bool>,
    pub display_name: Option<String>,
}

/// What login needs to know about an account.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
}

/// A stored session (会话).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

/// SHA-256 of a bearer secret: sessions and tokens are stored only as hashes.
pub fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(sqlx::FromRow)]
struct OrganizationRow {
    id: i64,
    name: String,
    head_review: i64,
    light_rules: String,
    created_at: i64,
}

impl TryFrom<OrganizationRow> for Organization {
    type Error = StoreError;
    fn try_from(row: OrganizationRow) -> Result<Self> {
        Ok(Organization {
            id: row.id,
            name: row.name,
            head_review: row.head_review != 0,
            light_rules: serde_json::from_str(&row.light_rules)?,
            created_at: row.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: i64,
    organization_id: i64,
    parent_id: Option<i64>,
    name: String,
    kind: String,
    abbreviations: String,
}

impl TryFrom<UnitRow> for Unit {
    type Error = StoreError;
    fn try_from(row: UnitRow) -> Result<Self> {
        Ok(Unit {
            id: row.id,
            organization_id: row.organization_id,
            parent_id: row.parent_id,
            name: row.name,
            kind: UnitKind::parse(&row.kind).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            abbreviations: serde_json::from_str(&row.abbreviations)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    organization_id: i64,
    username: String,
    display_name: String,
    role: String,
    password_hash: String,
    must_change_password: i64,
    locked_until: Option<i64>,
    disabled: i64,
    created_at: i64,
}

const USER_COLUMNS: &str = "SELECT id, organization_id, username, display_name, role, password_hash, \
    must_change_password, locked_until, disabled, created_at";
/// Refuses to put `unit` under `parent` when `parent` is the unit itself or one of its
/// subordinates: the tree would become a loop. Read in the writing transaction, so that on
/// SQLite's single writer two moves cannot each pass the check and loop together.
async fn refuse_cycle(conn: &mut sqlx::AnyConnection, unit: i64, parent: i64) -> Result<()> {
    let mut above = Some(parent);
    let mut steps = 0;
    while let Some(current) = above {
        if current == unit {
            return Err(luoshi_domain::DomainError::invalid(
                "parent_id",
                "上级单位不能是本单位或它的下级单位",
            )
            .into());
        }
        steps += 1;
        if steps > 10_000 {
            return Err(StoreError::Corrupt(format!("单位 {unit} 的上级关系成环")));
        }
        let (next,): (Option<i64>,) = sqlx::query_as("SELECT parent_id FROM units WHERE id = $1")
            .bind(current)
            .fetch_one(&mut *conn)
            .await?;
        above = next;
    }
    Ok(())
}

const UNIT_COLUMNS: &str = "SELECT id, organization_id, parent_id, name, kind, abbreviations";

fn check_unit_name(name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(luoshi_domain::DomainError::invalid("name", "单位名称不能为空").into());
    }
    Ok(())
}

impl Store {
    pub async fn create_organization(&self, audit: &Audit, name: &str) -> Result<Organization> {
        if name.trim().is_empty() {
            return Err(luoshi_domain::DomainError::invalid("name", "机构名称不能为空").into());
        }
        let mut tx = self.write.begin().await?;
        let rules = serde_json::to_string(&LightRules::default())?;
        let row: OrganizationRow = sqlx::query_as(
            "INSERT INTO organizations (name, head_review, light_rules, created_at)
             VALUES ($1, 0, $2, $3) RETURNING id, name, head_review, light_rules, created_at",
        )
        .bind(name.trim().to_string())
        .bind(rules)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| conflict_on_unique(e, format!("机构“{name}”已存在")))?;
        let organization = Organization::try_from(row)?;
        Change::new(
            AuditAction::Create,
            AuditEntity::Organization,
            Some(organization.id),
        )
        .after(&organization)
        .commit(tx, audit)
        .await?;
        Ok(organization)
    }

    pub async fn organization(&self, id: i64) -> Result<Organization> {
        let row: Option<OrganizationRow> = sqlx::query_as(
            "SELECT id, name, head_review, light_rules, created_at FROM organizations WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await?;
        row.ok_or(StoreError::NotFound("机构"))?.try_into()
    }

    pub async fn organizations(&self) -> Result<Vec<Organization>> {
        let rows: Vec<OrganizationRow> = sqlx::query_as(
            "SELECT id, name, head_review, light_rules, created_at FROM organizations ORDER BY id",
        )
        .fetch_all(&self.read)
        .await?;
        rows.into_iter().map(Organization::try_from).collect()
    }

    pub async fn update_organization(
        &self,
        audit: &Audit,
        id: i64,
        patch: &OrganizationPatch,
    ) -> Result<Organization> {
        let before = self.organization(id).await?;
        let mut after = before.clone();
        if let Some(name) = &patch.name {
            after.name = name.trim().to_string();
        }
        if let Some(head_review) = patch.head_review {
            after.head_review = head_review;
        }
        if let Some(rules) = &patch.light_rules {
            rules.validate()?;
            after.light_rules = rules.clone();
        }
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "UPDATE organizations SET name = $1, head_review = $2, light_rules = $3 WHERE id = $4",
        )
        .bind(after.name.clone())
        .bind(i64::from(after.head_review))
        .bind(serde_json::to_string(&after.light_rules)?)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        Change::new(AuditAction::Update, AuditEntity::Organization, Some(id))
            .before(&before)
            .after(&after)
            .commit(tx, audit)
            .await?;
        Ok(after)
    }

    pub async fn create_unit(
        &self,
        audit: &Audit,
        organization_id: i64,
        unit: &NewUnit,
    ) -> Result<Unit> {
        check_unit_name(&unit.name)?;
        if let Some(parent) = unit.parent_id {
            self.unit_in(organization_id, parent).await?;
        }
        let mut tx = self.write.begin().await?;
        let row: UnitRow = sqlx::query_as(
            "INSERT INTO units (organization_id, parent_id, name, kind, abbreviations, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING id, organization_id, parent_id, name, kind, abbreviations",
        )
        .bind(organization_id)
        .bind(unit.parent_id)
        .bind(unit.name.trim().to_string())
        .bind(unit.kind.as_str())
        .bind(serde_json::to_string(&unit.abbreviations)?)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| conflict_on_unique(e, format!("单位“{}”已存在", unit.name.trim())))?;
        let created = Unit::try_from(row)?;
        Change::new(AuditAction::Create, AuditEntity::Unit, Some(created.id))
            .after(&created)
            .commit(tx, audit)
            .await?;
        Ok(created)
    }

    pub async fn units(&self, organization_id: i64) -> Result<Vec<Unit>> {
        let rows: Vec<UnitRow> = sqlx::query_as(&format!(
            "{UNIT_COLUMNS} FROM units WHERE organization_id = $1 ORDER BY id"
        ))
        .bind(organization_id)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter().map(Unit::try_from).collect()
    }

    /// The organization's units as the name matcher sees them (names and abbreviations).
    pub async fn known_units(
        &self,
        organization_id: i64,
    ) -> Result<Vec<luoshi_domain::units::KnownUnit>> {
        Ok(self
            .units(organization_id)
            .await?
            .into_iter()
            .map(|u| luoshi_domain::units::KnownUnit {
                id: u.id,
                name: u.name,
                abbreviations: u.abbreviations,
            })
            .collect())
    }

    /// A unit of the given organization; units of others are not found.
    pub async fn unit_in(&self, organization_id: i64, id: i64) -> Result<Unit> {
        let row: Option<UnitRow> = sqlx::query_as(&format!(
            "{UNIT_COLUMNS} FROM units WHERE id = $1 AND organization_id = $2"
        ))
        .bind(id)
        .bind(organization_id)
        .fetch_optional(&self.read)
        .await?;
        row.ok_or(StoreError::NotFound("单位"))?.try_into()
    }

    pub async fn update_unit(
        &self,
        audit: &Audit,
        organization_id: i64,
        id: i64,
        patch: &UnitPatch,
    ) -> Result<Unit> {
        let before = self.unit_in(organization_id, id).await?;
        let mut after = before.clone();
        if let Some(name) = &patch.name {
            after.name = name.trim().to_string();
        }
        if let Some(kind) = patch.kind {
            after.kind = kind;
        }
        if let Some(parent) = patch.parent_id {
            self.unit_in(organization_id, parent).await?;
            after.parent_id = Some(parent);
        }
        if let Some(abbreviations) = &patch.abbreviations {
            after.abbreviations = abbreviations.clone();
        }
        check_unit_name(&after.name)?;
        let mut tx = self.write.begin().await?;
        if let Some(parent) = patch.parent_id {
            refuse_cycle(&mut tx, id, parent).await?;
        }
        sqlx::query("UPDATE units SET name = $1, kind = $2, parent_id = $3, abbreviations = $4 WHERE id = $5")
            .bind(after.name.clone())
            .bind(after.kind.as_str())
            .bind(after.parent_id)
            .bind(serde_json::to_string(&after.abbreviations)?)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| conflict_on_unique(e, format!("单位“{}”已存在", after.name)))?;
        Change::new(AuditAction::Update, AuditEntity::Unit, Some(id))
            .before(&before)
            .after(&after)
            .commit(tx, audit)
            .await?;
        Ok(after)
    }

    pub async fn count_users(&self) -> Result<i64> {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
            .fetch_one(&self.read)
            .await?;
        Ok(count)
    }

    pub async fn create_user(
        &self,
        audit: &Audit,
        organization_id: i64,
        new: &NewUser,
    ) -> Result<User> {
        let username = luoshi_domain::text::username(&new.username)?;
        for unit in &new.units {
            self.unit_in(organization_id, *unit).await?;
        }
        let mut tx = self.write.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO users (organization_id, username, display_name, role, password_hash,
                 must_change_password, failed_logins, disabled, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 0, 0, $7) RETURNING id",
        )
        .bind(organization_id)
        .bind(username.to_string())
        .bind(new.display_name.trim().to_string())
        .bind(new.role.as_str().to_string())
        .bind(new.password_hash.clone())
        .bind(i64::from(new.must_change_password))
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| conflict_on_unique(e, format!("用户名“{username}”已被使用")))?;
        for unit in &new.units {
            sqlx::query("INSERT INTO user_units (user_id, unit_id) VALUES ($1, $2)")
                .bind(id)
                .bind(*unit)
                .execute(&mut *tx)
                .await?;
        }
        let user = load_user(&mut tx, id).await?;
        Change::new(AuditAction::Create, AuditEntity::User, Some(id))
            .after(&user)
            .commit(tx, audit)
            .await?;
        Ok(user)
    }

    pub async fn user(&self, id: i64) -> Result<User> {
        let mut conn = self.read.acquire().await?;
        load_user(&mut conn, id).await
    }

    pub async fn credentials(&self, username: &str) -> Result<Option<Credentials>> {
        let Ok(username) = luoshi_domain::text::username(username) else {
            return Ok(None);
        };
        let row: Option<UserRow> =
            sqlx::query_as(&format!("{USER_COLUMNS} FROM users WHERE username = $1"))
                .bind(username.to_string())
                .fetch_optional(&self.read)
                .await?;
        let Some(row) = row else { return Ok(None) };
        let password_hash = row.password_hash.clone();
        let mut conn = self.read.acquire().await?;
        let user = user_from_row(&mut conn, row).await?;
        Ok(Some(Credentials {
            user,
            password_hash,
        }))
    }

    pub async fn users(
        &self,
        organization_id: i64,
        role: Option<Role>,
        unit: Option<i64>,
        paging: Paging,
    ) -> Result<Page<User>> {
        let mut sql = Sql::new(" FROM users WHERE 1 = 1");
        sql.push(" AND organization_id = ?", organization_id);
        if let Some(role) = role {
            sql.push(" AND role = ?", role.as_str());
        }
        if let Some(unit) = unit {
            sql.push(
                " AND id IN (SELECT user_id FROM user_units WHERE unit_id = ?)",
                unit,
            );
        }
        let page: Page<UserRow> = self
            .page(&sql, USER_COLUMNS, " ORDER BY id", paging)
            .await?;
        let mut conn = self.read.acquire().await?;
        let mut items = Vec::with_capacity(page.items.len());
        for row in page.items {
            items.push(user_from_row(&mut conn, row).await?);
        }
        Ok(Page {
            items,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// Sets a new password; every session of the user ends.
    pub async fn set_password(
        &self,
        audit: &Audit,
        id: i64,
        hash: &str,
        must_change: bool,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let changed = sqlx::query(
            "UPDATE users SET password_hash = $1, must_change_password = $2, failed_logins = 0, locked_until = NULL WHERE id = $3",
        )
        .bind(hash.to_string())
        .bind(i64::from(must_change))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound("用户"));
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let detail = serde_json::json!({ "must_change_password": must_change });
        Change::new(AuditAction::PasswordChange, AuditEntity::User, Some(id))
            .after(&detail)
            .commit(tx, audit)
            .await?;
        Ok(())
    }

    /// Changes role, units, display name or the disabled flag: a permission change, audited
    /// with both sides.
    pub async fn update_user_access(
        &self,
        audit: &Audit,
        organization_id: i64,
        id: i64,
        change: &AccessChange,
    ) -> Result<User> {
        let AccessChange {
            role,
            units,
            disabled,
            display_name,
        } = change;
        let (role, units, disabled, display_name) =
            (*role, units.as_deref(), *disabled, display_name.as_deref());
        let before = self.user(id).await?;
        if before.organization_id != organization_id {
            return Err(StoreError::NotFound("用户"));
        }
        if let Some(units) = units {
            for unit in units {
                self.unit_in(organization_id, *unit).await?;
            }
        }
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE users SET role = $1, disabled = $2, display_name = $3 WHERE id = $4")
            .bind(role.unwrap_or(before.role).as_str().to_string())
            .bind(i64::from(disabled.unwrap_or(before.disabled)))
            .bind(
                display_name
                    .unwrap_or(&before.display_name)
                    .trim()
                    .to_string(),
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if let Some(units) = units {
            sqlx::query("DELETE FROM user_units WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for unit in units {
                sqlx::query("INSERT INTO user_units (user_id, unit_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(*unit)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        if disabled == Some(true) {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let after = load_user(&mut tx, id).await?;
        Change::new(AuditAction::PermissionChange, AuditEntity::User, Some(id))
            .before(&before)
            .after(&after)
            .commit(tx, audit)
            .await?;
        Ok(after)
    }

    /// Counts a login attempt against the account before its password is checked, in one
    /// statement, so that parallel attempts each count (a lock that has expired starts the
    /// count again). Returns the attempt's number, or None while the account is locked.
    pub async fn count_login_attempt(&self, id: i64, now: i64) -> Result<Option<i64>> {
        let counted: Option<(i64,)> = sqlx::query_as(
            "UPDATE users SET
                 failed_logins = CASE WHEN locked_until IS NOT NULL AND locked_until <= $1
                                      THEN 1 ELSE failed_logins + 1 END,
                 locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until <= $1
                                     THEN NULL ELSE locked_until END
             WHERE id = $2 AND (locked_until IS NULL OR locked_until <= $1)
             RETURNING failed_logins",
        )
        .bind(now)
        .bind(id)
        .fetch_optional(&self.write)
        .await?;
        Ok(counted.map(|(n,)| n))
    }

    /// Locks the account until `until` (audited), after too many failed passwords.
    pub async fn lock_account(&self, audit: &Audit, id: i64, until: i64) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE users SET locked_until = $1 WHERE id = $2")
            .bind(until)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let detail = serde_json::json!({ "locked_until": until });
        Change::new(AuditAction::AccountLocked, AuditEntity::User, Some(id))
            .after(&detail)
            .commit(tx, audit)
            .await?;
        Ok(())
    }

    pub async fn record_login_attempt(
        &self,
        ip: &str,
        username: &str,
        success: bool,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let at = now();
        sqlx::query(
            "INSERT INTO login_attempts (ip, username, at, success) VALUES ($1, $2, $3, $4)",
        )
        .bind(ip.to_string())
        .bind(username.to_string())
        .bind(at)
        .bind(i64::from(success))
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM login_attempts WHERE at < $1")
            .bind(at - 86_400)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Failed login attempts from `ip` since `since` (per-address rate limiting: staff behind
    /// one NAT address all log in at nine without being refused).
    pub async fn failed_logins_from(&self, ip: &str, since: i64) -> Result<i64> {
        let (count,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM login_attempts WHERE ip = $1 AND at >= $2 AND success = 0",
        )
        .bind(ip.to_string())
        .bind(since)
        .fetch_one(&self.read)
        .await?;
        Ok(count)
    }

    pub async fn clear_failed_logins(&self, id: i64) -> Result<()> {
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        ip: &str,
    ) -> Result<()> {
        let at = now();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, ip, created_at, last_seen_at)
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(token_hash.to_string())
        .bind(user_id)
        .bind(csrf_token.to_string())
        .bind(ip.to_string())
        .bind(at)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>> {
        Ok(sqlx::query_as(
            "SELECT user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash.to_string())
        .fetch_optional(&self.read)
        .await?)
    }

    /// Marks a session used; skipped when it was touched within the last minute, so that
    /// reads do not each cost a write.
    pub async fn touch_session(&self, token_hash: &str, last_seen_at: i64) -> Result<()> {
        let at = now();
        if at - last_seen_at >= 60 {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(at)
                .bind(token_hash.to_string())
                .execute(&self.write)
                .await?;
        }
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_string())
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Removes sessions idle since before `idle_before` or created before `created_before`.
    pub async fn purge_sessions(&self, idle_before: i64, created_before: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
            .bind(idle_before)
            .bind(created_before)
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected())
    }

    pub async fn create_api_token(
        &self,
        audit: &Audit,
        user_id: i64,
        name: &str,
        token_hash: &str,
    ) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(user_id)
        .bind(name.to_string())
        .bind(token_hash.to_string())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        let detail = serde_json::json!({ "user_id": user_id, "name": name });
        Change::new(AuditAction::Create, AuditEntity::ApiToken, Some(id))
            .after(&detail)
            .commit(tx, audit)
            .await?;
        Ok(id)
    }

    /// The user behind a live API token.
    pub async fn api_token_user(&self, token_hash: &str) -> Result<Option<i64>> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT user_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash.to_string())
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(|(id,)| id))
    }
}

async fn user_from_row(conn: &mut sqlx::AnyConnection, row: UserRow) -> Result<User> {
    let units: Vec<(i64,)> =
        sqlx::query_as("SELECT unit_id FROM user_units WHERE user_id = $1 ORDER BY unit_id")
            .bind(row.id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(User {
        id: row.id,
        organization_id: row.organization_id,
        username: row.username,
        display_name: row.display_name,
        role: Role::parse(&row.role).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        units: units.into_iter().map(|(u,)| u).collect(),
        must_change_password: row.must_change_password != 0,
        locked_until: row.locked_until,
        disabled: row.disabled != 0,
        created_at: row.created_at,
    })
}

async fn load_user(conn: &mut sqlx::AnyConnection, id: i64) -> Result<User> {
    let row: Option<UserRow> = sqlx::query_as(&format!("{USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    user_from_row(conn, row.ok_or(StoreError::NotFound("用户"))?).await
}

/// Turns a UNIQUE violation into a conflict with a message for people.
pub(crate) fn conflict_on_unique(error: sqlx::Error, message: String) -> StoreError {
    match &error {
        sqlx::Error::Database(e) if e.is_unique_violation() => StoreError::Conflict(message),
        _ => StoreError::Database(error),
    }
}
