//! First-run setup, login, logout, the current user, password change, API tokens.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use luoshi_domain::password;
use luoshi_domain::role::Role;
use luoshi_store::{Audit, NewUser, Organization, User, secret_hash};
use serde::Deserialize;
use serde_json::json;

use super::Body;
use crate::AppState;
use crate::auth::{self, Caller, ClientIp, Credential};
use crate::error::{ApiError, ApiResult};

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
    if state.store.count_users().await? > 0 {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_set_up",
            "系统已初始化，请直接登录",
        ));
    }
    password::check_policy(&input.password)?;
    let audit = Audit {
        organization_id: None,
        actor_id: None,
        actor: "system:setup".into(),
        ip: ip.to_string(),
    };
    let organization = state
        .store
        .create_organization(&audit, &input.organization)
        .await?;
    let user = state
        .store
        .create_user(
            &audit.within(organization.id),
            organization.id,
            &NewUser {
                username: input.username,
                display_name: input.display_name,
                role: Role::Admin,
                password_hash: password::hash(&input.password),
                must_change_password: false,
                units: vec![],
            },
        )
        .await?;
    Ok((organization, user))
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
    ClientIp(ip): ClientIp,
    Body(input): Body<Login>,
) -> ApiResult<Response> {
    let session = authenticate(&state, &ip, &input.username, &input.password).await?;
    let organization = state
        .store
        .organization(session.user.organization_id)
        .await?;
    Ok((
        [(header::SET_COOKIE, session.cookie)],
        Json(session_body(&session.user, &organization, &session.csrf)),
    )
        .into_response())
}

/// A session just opened: the user, the `Set-Cookie` value and the CSRF token.
pub(crate) struct Opened {
    pub user: User,
    pub cookie: String,
    pub csrf: String,
}

/// Checks a password under the lockout and rate-limit rules and opens a session; shared by
/// the API and the login page.
pub(crate) async fn authenticate(
    state: &AppState,
    ip: &str,
    username: &str,
    password_text: &str,
) -> ApiResult<Opened> {
    let store = &state.store;
    let now = luoshi_store::now();
    if store.failed_logins_from(ip, now - 60).await? >= auth::MAX_FAILED_LOGINS_PER_MINUTE_PER_IP {
        let audit = Audit {
            organization_id: None,
            actor_id: None,
            actor: username.to_string(),
            ip: ip.to_string(),
        };
        store
            .record_event(&audit, "login_rate_limited", "session", None)
            .await?;
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "登录尝试过于频繁，请一分钟后再试",
        ));
    }
    let refused = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "用户名或密码错误",
        )
    };
    let credentials = store.credentials(username).await?;
    let Some(credentials) = credentials else {
        store.record_login_attempt(ip, username, false).await?;
        let audit = Audit {
            organization_id: None,
            actor_id: None,
            actor: username.to_string(),
            ip: ip.to_string(),
        };
        store
            .record_event(&audit, "login_failed", "session", None)
            .await?;
        return Err(refused());
    };
    let user = credentials.user;
    let audit = Audit::user(user.id, user.organization_id, &user.username, ip);
    let locked = |until: i64| {
        let minutes = (until - now + 59) / 60;
        ApiError::new(
            StatusCode::LOCKED,
            "account_locked",
            format!("连续登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试"),
        )
    };
    // The attempt is counted before the password is checked, in one statement: parallel
    // guesses each count, and those past the limit never reach the check.
    let attempt = store.count_login_attempt(user.id, now).await?;
    let beyond_limit = attempt.is_some_and(|n| n > auth::MAX_FAILED_LOGINS);
    if attempt.is_none() || beyond_limit {
        store.record_login_attempt(ip, username, false).await?;
        if beyond_limit {
            store
                .lock_account(&audit, user.id, now + auth::LOCKOUT_SECS)
                .await?;
        }
        store
            .record_event(&audit, "login_locked", "session", Some(user.id))
            .await?;
        let until = user
            .locked_until
            .filter(|until| *until > now)
            .unwrap_or(now + auth::LOCKOUT_SECS);
        return Err(locked(until));
    }
    if user.disabled || !password::verify(password_text, &credentials.password_hash) {
        store.record_login_attempt(ip, username, false).await?;
        if attempt.is_some_and(|n| n >= auth::MAX_FAILED_LOGINS) {
            store
                .lock_account(&audit, user.id, now + auth::LOCKOUT_SECS)
                .await?;
        }
        store
            .record_event(&audit, "login_failed", "session", Some(user.id))
            .await?;
        return Err(refused());
    }
    store.record_login_attempt(ip, username, true).await?;
    store.clear_failed_logins(user.id).await?;
    let secret = auth::new_secret();
    let csrf = auth::new_secret();
    store
        .create_session(&secret_hash(&secret), user.id, &csrf, ip)
        .await?;
    store
        .record_event(&audit, "login", "session", Some(user.id))
        .await?;
    let cookie = auth::session_cookie(&secret, state.config.secure_cookies);
    Ok(Opened { user, cookie, csrf })
}

pub async fn me(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<serde_json::Value>> {
    let organization = state
        .store
        .organization(caller.user.organization_id)
        .await?;
    let csrf = match &caller.credential {
        Credential::Session { csrf_token, .. } => csrf_token.clone(),
        Credential::Token => String::new(),
    };
    Ok(Json(session_body(&caller.user, &organization, &csrf)))
}

pub async fn logout(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    if let Credential::Session { token_hash, .. } = &caller.credential {
        state.store.delete_session(token_hash).await?;
    }
    state
        .store
        .record_event(&caller.audit, "logout", "session", Some(caller.user.id))
        .await?;
    let cookie = auth::expired_cookie(state.config.secure_cookies);
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
    let credentials = state
        .store
        .credentials(&caller.user.username)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    if !password::verify(&input.old_password, &credentials.password_hash) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_credentials",
            "原密码不正确",
        ));
    }
    if input.old_password == input.new_password {
        return Err(ApiError::bad_request(
            "new_password",
            "新密码不能与原密码相同",
        ));
    }
    password::check_policy(&input.new_password)?;
    state
        .store
        .set_password(
            &caller.audit,
            caller.user.id,
            &password::hash(&input.new_password),
            false,
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
    if input.name.trim().is_empty() {
        return Err(ApiError::bad_request("name", "令牌名称不能为空"));
    }
    let secret = auth::new_secret();
    let id = state
        .store
        .create_api_token(
            &caller.audit,
            caller.user.id,
            input.name.trim(),
            &secret_hash(&secret),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "token": secret })),
    )
        .into_response())
}
