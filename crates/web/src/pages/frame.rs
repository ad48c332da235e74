//! The frame every page shares: layout, breadcrumbs, the error page, the signed-in viewer,
//! rendering, the stylesheet, and the form that carries only the CSRF token.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use luoshi_app::queues::{self, WorkCounts};

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorCode};

const STYLESHEET: &str = include_str!("../../assets/app.css");

pub(super) async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// What every page's frame shows: who is signed in, the form token, the breadcrumbs.
pub struct Layout {
    pub user: Option<String>,
    /// Shows the link to the administration page.
    pub admin: bool,
    pub csrf: String,
    pub crumbs: Vec<(String, String)>,
    /// How many reports and notices wait for the signed-in person (0 shows no badge).
    pub waiting: usize,
}

impl Layout {
    pub(super) fn anonymous(crumbs: &[(&str, &str)]) -> Layout {
        Layout {
            user: None,
            admin: false,
            csrf: String::new(),
            waiting: 0,
            crumbs: crumbs
                .iter()
                .map(|(h, l)| (h.to_string(), l.to_string()))
                .collect(),
        }
    }

    pub(super) fn of(caller: &Caller, crumbs: Vec<(String, String)>) -> Layout {
        Layout {
            user: Some(caller.user.display_name.clone()),
            admin: caller.user.role == luoshi_domain::role::Role::Admin,
            csrf: caller.form_token().to_string(),
            crumbs,
            waiting: caller.work.map_or(0, WorkCounts::total),
        }
    }
}

pub(super) fn home_crumb() -> (String, String) {
    ("/".into(), "首页".into())
}

/// What a page tells a person about a refused input: the reason alone, in Chinese, without
/// the field's code name the API's message starts with (the page shows it by the field).
pub(super) fn reason_for_people(error: luoshi_app::AppError) -> String {
    use luoshi_app::AppError;
    use luoshi_domain::DomainError;
    match error {
        AppError::Invalid { message, .. } => message,
        AppError::Rule(DomainError::Invalid { reason, .. })
        | AppError::Store(luoshi_store::StoreError::Rule(DomainError::Invalid {
            reason, ..
        })) => reason,
        other => ApiError::from(other).message,
    }
}

/// An error shown as a page.
pub struct PageError(ApiError);

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        PageError(error)
    }
}

impl From<luoshi_store::StoreError> for PageError {
    fn from(error: luoshi_store::StoreError) -> Self {
        PageError(error.into())
    }
}

impl From<luoshi_domain::DomainError> for PageError {
    fn from(error: luoshi_domain::DomainError) -> Self {
        PageError(error.into())
    }
}

impl From<luoshi_app::AppError> for PageError {
    fn from(error: luoshi_app::AppError) -> Self {
        PageError(error.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub(super) struct ErrorPage {
    layout: Layout,
    heading: String,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let error = self.0;
        match (error.status(), error.code) {
            (StatusCode::UNAUTHORIZED, _) => Redirect::to("/login").into_response(),
            (_, ErrorCode::PasswordChangeRequired) => Redirect::to("/password").into_response(),
            (status, _) => {
                let heading = match status {
                    StatusCode::NOT_FOUND => "页面不存在",
                    StatusCode::FORBIDDEN => "没有权限",
                    s if s.is_server_error() => "服务器出错了",
                    _ => "操作未完成",
                };
                let page = ErrorPage {
                    layout: Layout::anonymous(&[("/", "首页")]),
                    heading: heading.into(),
                    message: error.message,
                };
                (status, render(&page)).into_response()
            }
        }
    }
}

pub(super) type PageResult = Result<Response, PageError>;

/// The signed-in caller of a page; without a session the page redirects to the login.
pub struct Viewer(pub Caller);

impl axum::extract::FromRequestParts<AppState> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Viewer, PageError> {
        let mut caller = Caller::from_request_parts(parts, state)
            .await
            .map_err(PageError)?;
        caller.work = Some(queues::counts(&state.store, &caller.actor).await?);
        Ok(Viewer(caller))
    }
}

pub(super) fn render<T: Template>(page: &T) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "页面生成失败").into_response()
        }
    }
}

#[derive(Deserialize)]
pub(super) struct TokenForm {
    pub(super) csrf_token: String,
}
