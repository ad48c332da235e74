//! Signing in and out, the password page and the first-run setup.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{Caller, ClientIp, SameOrigin};
use crate::error::{ApiError, ErrorCode};

use super::frame::{Layout, PageResult, TokenForm, Viewer, home_crumb, render, safe_next};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    error: Option<String>,
    username: String,
    first_run: bool,
    /// The page to return to after signing in (a deep link, or the form a lapsed session
    /// interrupted).
    next: String,
}

#[derive(Deserialize)]
pub(super) struct LoginQuery {
    next: Option<String>,
}

/// The page to go to after signing in: `next` when it stays inside the site, else home.
fn after_login(next: Option<&str>) -> String {
    next.and_then(safe_next).unwrap_or("/").to_string()
}

pub(super) async fn login_page(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Query(query): Query<LoginQuery>,
) -> PageResult {
    let next = after_login(query.next.as_deref());
    if caller.is_ok() {
        return Ok(Redirect::to(&next).into_response());
    }
    Ok(render(&LoginPage {
        layout: Layout::anonymous(&[("", "登录")]),
        error: None,
        username: String::new(),
        first_run: luoshi_app::session::first_run_pending(&state.store).await?,
        next,
    }))
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

pub(super) async fn login_submit(
    State(state): State<AppState>,
    _: SameOrigin,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = after_login(form.next.as_deref());
    match crate::api::session::authenticate(&state, &ip, &form.username, &form.password).await {
        Ok(opened) => ([(header::SET_COOKIE, opened.cookie)], Redirect::to(&next)).into_response(),
        Err(error) => {
            let status = error.status();
            let page = LoginPage {
                layout: Layout::anonymous(&[("", "登录")]),
                error: Some(error.message),
                username: form.username,
                first_run: false,
                next,
            };
            (status, render(&page)).into_response()
        }
    }
}

pub(super) async fn logout(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Form(form): Form<TokenForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let cookie = crate::api::session::end_session(&state, &caller).await?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    layout: Layout,
    error: Option<String>,
}

pub(super) async fn password_page(Viewer(caller): Viewer) -> Response {
    render(&PasswordPage {
        layout: Layout::of(&caller, vec![home_crumb(), ("".into(), "修改密码".into())]),
        error: None,
    })
}

#[derive(Deserialize)]
pub(super) struct PasswordForm {
    csrf_token: String,
    old_password: String,
    new_password: String,
}

pub(super) async fn password_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Form(form): Form<PasswordForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let changed = luoshi_app::session::change_password(
        &state.store,
        &caller.audit,
        &caller.user,
        &form.old_password,
        &form.new_password,
    )
    .await;
    match changed {
        Ok(()) => Ok(Redirect::to("/login").into_response()),
        Err(error @ luoshi_app::AppError::Store(_)) => Err(error.into()),
        Err(error) => {
            let error = ApiError::from(error);
            let page = PasswordPage {
                layout: Layout::of(&caller, vec![home_crumb(), ("".into(), "修改密码".into())]),
                error: Some(error.message),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    layout: Layout,
    error: Option<String>,
    organization: String,
    username: String,
    display_name: String,
}

/// The first-run page: shown only while the database has no user.
pub(super) async fn setup_page(State(state): State<AppState>) -> PageResult {
    if !luoshi_app::session::first_run_pending(&state.store).await? {
        return Ok(Redirect::to("/login").into_response());
    }
    Ok(render(&SetupPage {
        layout: Layout::anonymous(&[("", "首次使用")]),
        error: None,
        organization: String::new(),
        username: String::new(),
        display_name: String::new(),
    }))
}

pub(super) async fn setup_submit(
    State(state): State<AppState>,
    _: SameOrigin,
    ClientIp(ip): ClientIp,
    Form(form): Form<crate::api::session::Setup>,
) -> PageResult {
    let again = SetupPage {
        layout: Layout::anonymous(&[("", "首次使用")]),
        error: None,
        organization: form.organization.clone(),
        username: form.username.clone(),
        display_name: form.display_name.clone(),
    };
    match crate::api::session::first_admin(&state, &ip, form).await {
        Ok(_) => Ok(Redirect::to("/login").into_response()),
        Err(error) if error.code == ErrorCode::AlreadySetUp => {
            Ok(Redirect::to("/login").into_response())
        }
        Err(error) => {
            let status = error.status();
            let page = SetupPage {
                error: Some(error.message),
                ..again
            };
            Ok((status, render(&page)).into_response())
        }
    }
}
