//! Organization settings, units, users and the audit log.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use luoshi_domain::audit::{AuditAction, AuditEntity};
use luoshi_domain::record::UnitKind;
use luoshi_domain::role::Role;
use luoshi_store::{
    AccessChange, AuditEntry, AuditFilter, NewUnit, Organization, OrganizationPatch, Page, Paging,
    Unit, UnitPatch, User,
};
use serde::Deserialize;
use serde_json::json;

use super::{Body, Path, Query, page_of};
use luoshi_app::admin;

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiResult;

pub async fn organization(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Organization>> {
    Ok(Json(
        admin::organization(&state.store, &caller.actor).await?,
    ))
}

pub async fn update_organization(
    State(state): State<AppState>,
    caller: Caller,
    Body(patch): Body<OrganizationPatch>,
) -> ApiResult<Json<Organization>> {
    Ok(Json(
        admin::update_organization(&state.store, &caller.actor, &caller.audit, &patch).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitQuery {
    pub kind: Option<UnitKind>,
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
    let filter = admin::UnitFilter {
        kind: query.kind,
        parent: query.parent,
        words: query.q,
    };
    let units = admin::units(&state.store, &caller.actor, &filter).await?;
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
    let unit = admin::create_unit(&state.store, &caller.actor, &caller.audit, &unit).await?;
    Ok((StatusCode::CREATED, Json(unit)).into_response())
}

pub async fn update_unit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(patch): Body<UnitPatch>,
) -> ApiResult<Json<Unit>> {
    Ok(Json(
        admin::update_unit(&state.store, &caller.actor, &caller.audit, id, &patch).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
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
    Ok(Json(
        admin::users(
            &state.store,
            &caller.actor,
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

pub async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<CreateUser>,
) -> ApiResult<Response> {
    let account = admin::NewAccount {
        username: input.username,
        display_name: input.display_name,
        role: input.role,
        units: input.units,
        password: input.password,
        must_change_password: true,
    };
    let created = admin::create_user(&state.store, &caller.actor, &caller.audit, account).await?;
    let body = if created.generated {
        json!({ "user": created.user, "temporary_password": created.password })
    } else {
        json!({ "user": created.user })
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
    let change = AccessChange {
        role: input.role,
        units: input.units,
        disabled: input.disabled,
        display_name: input.display_name,
    };
    Ok(Json(
        admin::update_user(&state.store, &caller.actor, &caller.audit, id, &change).await?,
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
    let (_, password) = admin::reset_password(
        &state.store,
        &caller.actor,
        &caller.audit,
        id,
        input.password,
    )
    .await?;
    Ok(Json(json!({ "temporary_password": password })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    pub entity: Option<AuditEntity>,
    pub entity_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub action: Option<AuditAction>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<AuditQuery>,
) -> ApiResult<Json<Page<AuditEntry>>> {
    let filter = AuditFilter {
        organization_id: None,
        entity: query.entity,
        entity_id: query.entity_id,
        actor_id: query.actor_id,
        action: query.action,
    };
    let paging = Paging::new(query.page, query.per_page);
    Ok(Json(
        admin::audit_log(&state.store, &caller.actor, filter, paging).await?,
    ))
}
