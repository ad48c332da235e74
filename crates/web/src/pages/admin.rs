//! The administration page: the organization, units and users.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use luoshi_store::{Paging, UnitKind};
use serde::Deserialize;

use luoshi_app::admin;

use crate::AppState;
use crate::api::Path;
use crate::auth::Caller;
use crate::error::ApiError;

use super::frame::{Layout, PageError, PageResult, TokenForm, Viewer, home_crumb, render};

struct UnitRow {
    id: i64,
    name: String,
    kind: &'static str,
    parent: String,
    abbreviations: String,
}

struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role: &'static str,
    disabled: bool,
    unit_options: Vec<(i64, String, bool)>,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    layout: Layout,
    message: Option<String>,
    error: Option<String>,
    organization: luoshi_store::Organization,
    units: Vec<UnitRow>,
    users: Vec<UserRow>,
    kinds: Vec<(&'static str, &'static str)>,
    roles: Vec<(&'static str, &'static str)>,
}

/// The administration page (organization settings, units, users), with an outcome line.
async fn admin_view(
    state: &AppState,
    caller: &Caller,
    message: Option<String>,
    error: Option<String>,
) -> Result<AdminPage, PageError> {
    let (store, actor) = (&state.store, &caller.actor);
    let users = admin::users(store, actor, None, None, Paging::all())
        .await?
        .items;
    let organization = admin::organization(store, actor).await?;
    let units = admin::units(store, actor, &admin::UnitFilter::default()).await?;
    let name_of = |id: Option<i64>| {
        id.and_then(|id| units.iter().find(|u| u.id == id))
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let unit_rows = units
        .iter()
        .map(|u| UnitRow {
            id: u.id,
            name: u.name.clone(),
            kind: u.kind.zh(),
            parent: name_of(u.parent_id),
            abbreviations: u.abbreviations.join(","),
        })
        .collect();
    let users = users
        .into_iter()
        .map(|user| UserRow {
            id: user.id,
            role: user.role.as_str(),
            disabled: user.disabled,
            unit_options: units
                .iter()
                .map(|u| (u.id, u.name.clone(), user.units.contains(&u.id)))
                .collect(),
            username: user.username,
            display_name: user.display_name,
        })
        .collect();
    Ok(AdminPage {
        layout: Layout::of(caller, vec![home_crumb(), ("".into(), "系统管理".into())]),
        message,
        error,
        organization,
        units: unit_rows,
        users,
        kinds: UnitKind::ALL.iter().map(|k| (k.as_str(), k.zh())).collect(),
        roles: luoshi_domain::role::Role::ALL
            .iter()
            .map(|r| (r.as_str(), r.zh()))
            .collect(),
    })
}

pub(super) async fn admin_page(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
) -> PageResult {
    Ok(render(&admin_view(&state, &caller, None, None).await?))
}

/// The page again, with what happened (or why not).
async fn admin_outcome(
    state: &AppState,
    caller: &Caller,
    outcome: Result<Option<String>, ApiError>,
) -> PageResult {
    match outcome {
        Ok(None) => Ok(Redirect::to("/admin").into_response()),
        Ok(Some(message)) => Ok(render(
            &admin_view(state, caller, Some(message), None).await?,
        )),
        Err(error) => {
            let status = error.status();
            let page = admin_view(state, caller, None, Some(error.message)).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

pub(super) fn split_list(text: &str) -> Vec<String> {
    text.split([',', '，', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[derive(Deserialize)]
pub(super) struct OrganizationForm {
    csrf_token: String,
    name: String,
    head_review: Option<String>,
    yellow_lag_percent: f64,
    yellow_deadline_days: i64,
    red_overdue_days: i64,
    red_return_count: u32,
}

pub(super) async fn admin_organization(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Form(form): Form<OrganizationForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let patch = luoshi_store::OrganizationPatch {
        name: Some(form.name),
        head_review: Some(form.head_review.is_some()),
        light_rules: Some(luoshi_domain::light::LightRules {
            yellow_lag_percent: form.yellow_lag_percent,
            yellow_deadline_days: form.yellow_deadline_days,
            red_overdue_days: form.red_overdue_days,
            red_return_count: form.red_return_count,
        }),
    };
    let outcome = admin::update_organization(&state.store, &caller.actor, &caller.audit, &patch)
        .await
        .map(|_| Some("机构设置已保存".to_string()))
        .map_err(ApiError::from);
    admin_outcome(&state, &caller, outcome).await
}

#[derive(Deserialize)]
pub(super) struct UnitAddForm {
    csrf_token: String,
    name: String,
    kind: String,
    parent_id: String,
    abbreviations: String,
}

pub(super) async fn admin_add_unit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Form(form): Form<UnitAddForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let outcome = match UnitKind::parse(&form.kind) {
        Ok(kind) => {
            let unit = luoshi_store::NewUnit {
                name: form.name,
                kind,
                parent_id: form.parent_id.parse().ok(),
                abbreviations: split_list(&form.abbreviations),
            };
            admin::create_unit(&state.store, &caller.actor, &caller.audit, &unit)
                .await
                .map(|u| Some(format!("已新增单位“{}”", u.name)))
                .map_err(ApiError::from)
        }
        Err(error) => Err(ApiError::from(error)),
    };
    admin_outcome(&state, &caller, outcome).await
}

#[derive(Deserialize)]
pub(super) struct UnitEditForm {
    csrf_token: String,
    abbreviations: String,
}

pub(super) async fn admin_update_unit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<UnitEditForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let patch = luoshi_store::UnitPatch {
        abbreviations: Some(split_list(&form.abbreviations)),
        ..Default::default()
    };
    let outcome = admin::update_unit(&state.store, &caller.actor, &caller.audit, id, &patch)
        .await
        .map(|u| Some(format!("已保存“{}”的简称", u.name)))
        .map_err(ApiError::from);
    admin_outcome(&state, &caller, outcome).await
}

#[derive(Deserialize)]
pub(super) struct UserAddForm {
    csrf_token: String,
    username: String,
    display_name: String,
    role: luoshi_domain::role::Role,
    unit: String,
}

pub(super) async fn admin_add_user(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Form(form): Form<UserAddForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let account = admin::NewAccount {
        username: form.username,
        display_name: form.display_name,
        role: form.role,
        units: form.unit.parse().ok().into_iter().collect(),
        password: None,
        must_change_password: true,
    };
    let outcome = admin::create_user(&state.store, &caller.actor, &caller.audit, account)
        .await
        .map(|created| {
            Some(format!(
                "已新增用户 {}，临时密码：{}（首次登录须修改，请当面或电话告知本人）",
                created.user.username, created.password
            ))
        })
        .map_err(ApiError::from);
    admin_outcome(&state, &caller, outcome).await
}

#[derive(Deserialize)]
pub(super) struct UserEditForm {
    csrf_token: String,
    role: luoshi_domain::role::Role,
    unit: String,
    disabled: Option<String>,
}

pub(super) async fn admin_update_user(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<UserEditForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let change = luoshi_store::AccessChange {
        role: Some(form.role),
        units: Some(form.unit.parse().ok().into_iter().collect()),
        disabled: Some(form.disabled.is_some()),
        display_name: None,
    };
    let outcome = admin::update_user(&state.store, &caller.actor, &caller.audit, id, &change)
        .await
        .map(|u| Some(format!("已保存用户 {}", u.username)))
        .map_err(ApiError::from);
    admin_outcome(&state, &caller, outcome).await
}

pub(super) async fn admin_reset_password(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<TokenForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let outcome = admin::reset_password(&state.store, &caller.actor, &caller.audit, id, None)
        .await
        .map(|(user, password)| {
            Some(format!(
                "已重置 {} 的密码，临时密码：{password}（下次登录须修改）",
                user.username
            ))
        })
        .map_err(ApiError::from);
    admin_outcome(&state, &caller, outcome).await
}
