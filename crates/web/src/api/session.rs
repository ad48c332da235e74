//! First-run setup, login, logout, the current user, password change, API tokens.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use luoshi_app::session;
use luoshi_store::{Organization, User};
use serde::Deserialize;
use serde_json::json;

use super::Body;
use crate::AppState;
use crate::auth::{self, Caller, ClientIp, Credential, SameOrigin};
use crate::error::ApiResult;

/// The first admin and organization (the first-run page posts the same fields).
#[derive(Deserialize)]
pub struct Setup {
    pub organization: String,
    pub username: String,
    pub display_name: String,
    pub password: String,
}

/// Creates the organization and its first admin, only while nobody exists.
pub async fn setup(
    State(state): State<AppState>,
    _: SameOrigin,
    ClientIp(ip): ClientIp,
    Body(input): Body<Setup>,
) -> ApiResult<Response> {
    let (organization, user) = first_admin(&state, &ip, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "organization": organization, "user": user })),
    )
        .into_response())
}

/// Creates the organization and its first admin while nobody exists; shared by the API and
/// the first-run page.
pub(crate) async fn first_admin(
    state: &AppState,
    ip: &str,
    input: Setup,
) -> ApiResult<(Organization, User)> {
    let input = session::FirstRun {
        organization: input.organization,
        username: input.username,
        display_name: input.display_name,
        password: input.password,
    };
    Ok(session::first_admin(&state.store, ip, &input).await?)
}

#[derive(Deserialize)]
pub struct Login {
    pub username: String,
    pub password: String,
}

fn session_body(user: &User, organization: &Organization, csrf_token: &str) -> serde_json::Value {
    json!({ "user": user, "organization": organization, "csrf_token": csrf_token })
}

pub async fn login(
    State(state): State<AppState>,
    _: SameOrigin,
    ClientIp(ip): ClientIp,
    Body(input): Body<Login>,
) -> ApiResult<Response> {
    let session = authenticate(&state, &ip, &input.username, &input.password).await?;
    Ok((
        [(header::SET_COOKIE, session.cookie)],
        Json(session_body(
            &session.user,
            &session.organization,
            &session.csrf,
        )),
    )
        .into_response())
}

/// A session just opened: the user, the `Set-Cookie` value and the CSRF token.
pub(crate) struct Opened {
    pub user: User,
    pub organization: Organization,
    pub cookie: String,
    pub csrf: String,
}

/// Checks a password under the lockout and rate-limit rules and opens a session; shared by
/// the API and the login page.
pub(crate) async fn authenticate(
    state: &AppState,
    ip: &str,
    username: &str,
    password: &str,
) -> ApiResult<Opened> {
    let opened = session::log_in(&state.store, ip, username, password).await?;
    Ok(Opened {
        cookie: auth::session_cookie(&opened.secret, state.config.secure_cookies),
        user: opened.user,
        organization: opened.organization,
        csrf: opened.csrf,
    })
}

/// Ends the caller's session and answers the cookie that clears it in the browser; shared
/// by the API and the pages.
pub(crate) async fn end_session(state: &AppState, caller: &Caller) -> ApiResult<String> {
    let session_hash = match &caller.credential {
        Credential::Session { token_hash, .. } => Some(token_hash.as_str()),
        Credential::Token => None,
    };
    session::log_out(&state.store, &caller.audit, caller.user.id, session_hash).await?;
    Ok(auth::expired_cookie(state.config.secure_cookies))
}

pub async fn me(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<serde_json::Value>> {
    let organization = luoshi_app::admin::organization(&state.store, &caller.actor).await?;
    let csrf = match &caller.credential {
        Credential::Session { csrf_token, .. } => csrf_token.clone(),
        Credential::Token => String::new(),
    };
    Ok(Json(session_body(&caller.user, &organization, &csrf)))
}

pub async fn logout(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    let cookie = end_session(&state, &caller).await?;
    Ok(([(header::SET_COOKIE, cookie)], StatusCode::NO_CONTENT).into_response())
}

#[derive(Deserialize)]
pub struct PasswordChange {
    pub old_password: String,
    pub new_password: String,
}

/// Changes one's own password; every session ends, so the caller logs in again.
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<PasswordChange>,
) -> ApiResult<StatusCode> {
    session::change_password(
        &state.store,
        &caller.audit,
        &caller.user,
        &input.old_password,
        &input.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct NewToken {
    pub name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<NewToken>,
) -> ApiResult<Response> {
    let (id, secret) =
        session::create_token(&state.store, &caller.audit, caller.user.id, &input.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "token": secret })),
    )
        .into_response())
}
