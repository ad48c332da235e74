//! Administration (系统管理): the organization's settings, its units and its users. Only
//! administrators act here, and the rules that keep an organization usable are kept once:
//! a unit role belongs to a unit, and an administrator cannot lock themself out.

use std::collections::HashMap;

use luoshi_domain::password;
use luoshi_domain::policy::{Action, Actor, decide};
use luoshi_domain::role::Role;
use luoshi_store::{
    AccessChange, Audit, AuditEntry, AuditFilter, NewUnit, NewUser, Organization,
    OrganizationPatch, Page, Paging, Store, Unit, UnitKind, UnitPatch, User,
};

use crate::error::{AppError, Result, check};

fn administer(actor: &Actor) -> Result<()> {
    check(decide(actor, Action::Administer), "资源")
}

/// Reporters and unit heads act for a unit, so they must belong to one.
fn check_units_for_role(role: Role, units: &[i64]) -> Result<()> {
    if role.lacks_unit(units) {
        return Err(AppError::Invalid {
            field: "单位",
            message: "报送人和科室负责人须属于至少一个单位".into(),
        });
    }
    Ok(())
}

/// The caller's organization and its settings, for everyone signed in.
pub async fn organization(store: &Store, actor: &Actor) -> Result<Organization> {
    Ok(store.organization(actor.organization_id).await?)
}

/// Which units a unit list keeps.
#[derive(Clone, Debug, Default)]
pub struct UnitFilter {
    pub kind: Option<UnitKind>,
    pub parent: Option<i64>,
    /// Part of the name or of an abbreviation.
    pub words: Option<String>,
}

/// The organization's units, for everyone signed in (reports and tasks name them).
pub async fn units(store: &Store, actor: &Actor, filter: &UnitFilter) -> Result<Vec<Unit>> {
    Ok(store
        .units(actor.organization_id)
        .await?
        .into_iter()
        .filter(|u| filter.kind.is_none_or(|k| u.kind == k))
        .filter(|u| filter.parent.is_none_or(|p| u.parent_id == Some(p)))
        .filter(|u| {
            filter
                .words
                .as_deref()
                .is_none_or(|q| u.name.contains(q) || u.abbreviations.iter().any(|a| a.contains(q)))
        })
        .collect())
}

/// The display names of the organization's people, by user id, for histories and comments.
pub async fn people_names(store: &Store, actor: &Actor) -> Result<HashMap<i64, String>> {
    Ok(store
        .users(actor.organization_id, None, None, Paging::all())
        .await?
        .items
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

pub async fn update_organization(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    patch: &OrganizationPatch,
) -> Result<Organization> {
    administer(actor)?;
    Ok(store
        .update_organization(audit, actor.organization_id, patch)
        .await?)
}

pub async fn create_unit(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    unit: &NewUnit,
) -> Result<Unit> {
    administer(actor)?;
    Ok(store
        .create_unit(audit, actor.organization_id, unit)
        .await?)
}

pub async fn update_unit(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    id: i64,
    patch: &UnitPatch,
) -> Result<Unit> {
    administer(actor)?;
    Ok(store
        .update_unit(audit, actor.organization_id, id, patch)
        .await?)
}

pub async fn users(
    store: &Store,
    actor: &Actor,
    role: Option<Role>,
    unit: Option<i64>,
    paging: Paging,
) -> Result<Page<User>> {
    administer(actor)?;
    Ok(store
        .users(actor.organization_id, role, unit, paging)
        .await?)
}

/// A new account as an administrator enters it.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub units: Vec<i64>,
    /// When absent a temporary password is generated.
    pub password: Option<String>,
    /// Whether the password must be changed at the first login: true for an account handed
    /// to someone else (always so for a generated password).
    pub must_change_password: bool,
}

/// An account just made, with the password to hand over; it is shown this once and must be
/// changed at the first login.
#[derive(Clone, Debug)]
pub struct CreatedAccount {
    pub user: User,
    pub password: String,
    pub generated: bool,
}

pub async fn create_user(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    account: NewAccount,
) -> Result<CreatedAccount> {
    administer(actor)?;
    check_units_for_role(account.role, &account.units)?;
    let (password, generated) = match account.password {
        Some(p) => {
            password::check_policy(&p)?;
            (p, false)
        }
        None => (password::generate(), true),
    };
    let user = store
        .create_user(
            audit,
            actor.organization_id,
            &NewUser {
                username: account.username,
                display_name: account.display_name,
                role: account.role,
                password_hash: password::hash(&password),
                must_change_password: account.must_change_password || generated,
                units: account.units,
            },
        )
        .await?;
    Ok(CreatedAccount {
        user,
        password,
        generated,
    })
}

/// Changes what a user may do. An administrator cannot disable themself or give up their
/// own administrator role: the organization could be left without one.
pub async fn update_user(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    id: i64,
    change: &AccessChange,
) -> Result<User> {
    administer(actor)?;
    if id == actor.user_id
        && (change.disabled == Some(true) || change.role.is_some_and(|r| r != Role::Admin))
    {
        return Err(AppError::Invalid {
            field: "用户",
            message: "不能停用自己或取消自己的管理员角色".into(),
        });
    }
    let current = store.user(id).await?;
    if current.organization_id != actor.organization_id {
        return Err(AppError::NotFound("用户"));
    }
    check_units_for_role(
        change.role.unwrap_or(current.role),
        change.units.as_deref().unwrap_or(&current.units),
    )?;
    Ok(store
        .update_user_access(audit, actor.organization_id, id, change)
        .await?)
}

/// Sets a new temporary password (the one given, or a generated one) that must be changed
/// at the next login; returns the user and the password to hand over.
pub async fn reset_password(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    id: i64,
    password: Option<String>,
) -> Result<(User, String)> {
    administer(actor)?;
    let user = store.user(id).await?;
    if user.organization_id != actor.organization_id {
        return Err(AppError::NotFound("用户"));
    }
    let password = match password {
        Some(p) => {
            password::check_policy(&p)?;
            p
        }
        None => password::generate(),
    };
    store
        .set_password(audit, id, &password::hash(&password), true)
        .await?;
    Ok((user, password))
}

/// The organization's audit log, for those who read the whole organization.
pub async fn audit_log(
    store: &Store,
    actor: &Actor,
    filter: AuditFilter,
    paging: Paging,
) -> Result<Page<AuditEntry>> {
    check(decide(actor, Action::ReadOrganization), "操作日志")?;
    let filter = AuditFilter {
        organization_id: Some(actor.organization_id),
        ..filter
    };
    Ok(store.audit_log(&filter, paging).await?)
}
