//! Organization settings, units, users and the audit log.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use luoshi_domain::password;
use luoshi_domain::policy::{Action, decide};
use luoshi_domain::role::Role;
use luoshi_store::{
    AccessChange, AuditEntry, AuditFilter, NewUnit, NewUser, Organization, OrganizationPatch, Page,
    Paging, Unit, UnitPatch, User,
};
use serde::Deserialize;
use serde_json::json;

use super::{Body, Path, Query, page_of};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};

fn administer(caller: &Caller) -> ApiResult<()> {
    ApiError::check(decide(&caller.actor, Action::Administer), "资源")
}

pub async fn organization(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Organization>> {
    Ok(Json(
        state
            .store
            .organization(caller.actor.organization_id)
            .await?,
    ))
}

pub async fn update_organization(
    State(state): State<AppState>,
    caller: Caller,
    Body(patch): Body<OrganizationPatch>,
) -> ApiResult<Json<Organization>> {
    administer(&caller)?;
    Ok(Json(
        state
            .store
            .update_organization(&caller.audit, caller.actor.organization_id, &patch)
            .await?,
    ))
}

#[derive(Deserialize)]
pub struct UnitQuery {
    pub kind: Option<String>,
    pub parent: Option<i64>,
    /// Part of the name or of an abbreviation.
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn units(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<UnitQuery>,
) -> ApiResult<Json<Page<Unit>>> {
    let units: Vec<Unit> = state
        .store
        .units(caller.actor.organization_id)
        .await?
        .into_iter()
        .filter(|u| query.kind.as_ref().is_none_or(|k| &u.kind == k))
        .filter(|u| query.parent.is_none_or(|p| u.parent_id == Some(p)))
        .filter(|u| {
            query
                .q
                .as_deref()
                .is_none_or(|q| u.name.contains(q) || u.abbreviations.iter().any(|a| a.contains(q)))
        })
        .collect();
    Ok(Json(page_of(
        units,
        Paging::new(query.page, query.per_page),
    )))
}

pub async fn create_unit(
    State(state): State<AppState>,
    caller: Caller,
    Body(unit): Body<NewUnit>,
) -> ApiResult<Response> {
    administer(&caller)?;
    let unit = state
        .store
        .create_unit(&caller.audit, caller.actor.organization_id, &unit)
        .await?;
    Ok((StatusCode::CREATED, Json(unit)).into_response())
}

pub async fn update_unit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(patch): Body<UnitPatch>,
) -> ApiResult<Json<Unit>> {
    administer(&caller)?;
    Ok(Json(
        state
            .store
            .update_unit(&caller.audit, caller.actor.organization_id, id, &patch)
            .await?,
    ))
}

#[derive(Deserialize)]
pub struct UserQuery {
    pub role: Option<Role>,
    pub unit: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn users(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<UserQuery>,
) -> ApiResult<Json<Page<User>>> {
    administer(&caller)?;
    Ok(Json(
        state
            .store
            .users(
                caller.actor.organization_id,
                query.role,
                query.unit,
                Paging::new(query.page, query.per_page),
            )
            .await?,
    ))
}

#[derive(Deserialize)]
pub struct CreateUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    #[serde(default)]
    pub units: Vec<i64>,
    /// When absent a temporary password is generated and returned once.
    pub password: Option<String>,
}

fn check_units_for_role(role: Role, units: &[i64]) -> ApiResult<()> {
    if role.is_unit_role() && units.is_empty() {
        return Err(ApiError::bad_request(
            "units",
            "报送人和科室负责人须属于至少一个单位",
        ));
    }
    Ok(())
}

pub async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<CreateUser>,
) -> ApiResult<Response> {
    administer(&caller)?;
    check_units_for_role(input.role, &input.units)?;
    let (password, generated) = match input.password {
        Some(p) => {
            password::check_policy(&p)?;
            (p, false)
        }
        None => (password::generate(), true),
    };
    let user = state
        .store
        .create_user(
            &caller.audit,
            caller.actor.organization_id,
            &NewUser {
                username: input.username,
                display_name: input.display_name,
                role: input.role,
                password_hash: password::hash(&password),
                must_change_password: true,
                units: input.units,
            },
        )
        .await?;
    let body = if generated {
        json!({ "user": user, "temporary_password": password })
    } else {
        json!({ "user": user })
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Deserialize)]
pub struct UpdateUser {
    pub role: Option<Role>,
    pub units: Option<Vec<i64>>,
    pub disabled: Option<bool>,
    pub display_name: Option<String>,
}

pub async fn update_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<UpdateUser>,
) -> ApiResult<Json<User>> {
    administer(&caller)?;
    if id == caller.user.id
        && (input.disabled == Some(true) || input.role.is_some_and(|r| r != Role::Admin))
    {
        return Err(ApiError::bad_request(
            "id",
            "不能停用自己或取消自己的管理员角色",
        ));
    }
    let current = state.store.user(id).await?;
    check_units_for_role(
        input.role.unwrap_or(current.role),
        input.units.as_deref().unwrap_or(&current.units),
    )?;
    Ok(Json(
        state
            .store
            .update_user_access(
                &caller.audit,
                caller.actor.organization_id,
                id,
                &AccessChange {
                    role: input.role,
                    units: input.units,
                    disabled: input.disabled,
                    display_name: input.display_name,
                },
            )
            .await?,
    ))
}

#[derive(Deserialize)]
pub struct ResetPassword {
    pub password: Option<String>,
}

pub async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<ResetPassword>,
) -> ApiResult<Json<serde_json::Value>> {
    administer(&caller)?;
    let user = state.store.user(id).await?;
    if user.organization_id != caller.actor.organization_id {
        return Err(ApiError::not_found("用户"));
    }
    let password = match input.password {
        Some(p) => {
            password::check_policy(&p)?;
            p
        }
        None => password::generate(),
    };
    state
        .store
        .set_password(&caller.audit, id, &password::hash(&password), true)
        .await?;
    Ok(Json(json!({ "temporary_password": password })))
}

#[derive(Deserialize)]
pub struct AuditQuery {
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub action: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<AuditQuery>,
) -> ApiResult<Json<Page<AuditEntry>>> {
    ApiError::check(decide(&caller.actor, Action::ReadOrganization), "操作日志")?;
    let filter = AuditFilter {
        organization_id: Some(caller.actor.organization_id),
        entity: query.entity,
        entity_id: query.entity_id,
        actor_id: query.actor_id,
        action: query.action,
    };
    Ok(Json(
        state
            .store
            .audit_log(&filter, Paging::new(query.page, query.per_page))
            .await?,
    ))
}
