//! The frame every page shares: layout, breadcrumbs, the error page, the signed-in viewer,
//! rendering, the stylesheet, and the form that carries only the CSRF token.

use std::sync::LazyLock;

use askama::Template;
use axum::extract::Query;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use luoshi_app::queues::{self, WorkCounts};

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorCode};

const STYLESHEET: &str = include_str!("../../assets/app.css");
const SCRIPT: &str = include_str!("../../assets/app.js");

/// The addresses pages load their assets from, each carrying its content's hash so that a
/// browser keeps a file for a year and fetches it again only when it changed.
pub struct AssetUrls {
    pub css: String,
    pub js: String,
}

static ASSETS: LazyLock<AssetUrls> = LazyLock::new(|| AssetUrls {
    css: format!("/assets/app.css?v={}", version_of(STYLESHEET)),
    js: format!("/assets/app.js?v={}", version_of(SCRIPT)),
});

pub(super) fn asset_urls() -> &'static AssetUrls {
    &ASSETS
}

fn version_of(body: &str) -> String {
    Sha256::digest(body.as_bytes())[..6]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[derive(Deserialize)]
pub(super) struct AssetQuery {
    v: Option<String>,
}

/// An asset asked for by its current hash is kept for a year; any other request for it
/// (an old page, a hand-typed address) is answered but revalidated.
fn asset(body: &'static str, content_type: &'static str, asked: Option<&str>) -> Response {
    let cache = if asked == Some(version_of(body).as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response()
}

pub(super) async fn stylesheet(Query(query): Query<AssetQuery>) -> Response {
    asset(STYLESHEET, "text/css; charset=utf-8", query.v.as_deref())
}

pub(super) async fn script(Query(query): Query<AssetQuery>) -> Response {
    asset(SCRIPT, "text/javascript; charset=utf-8", query.v.as_deref())
}

/// What every page's frame shows: who is signed in, the form token, the breadcrumbs.
pub struct Layout {
    pub user: Option<String>,
    /// Shows the link to the administration page.
    pub admin: bool,
    pub csrf: String,
    pub crumbs: Vec<(String, String)>,
    pub assets: &'static AssetUrls,
    /// How many reports and notices wait for the signed-in person (0 shows no badge).
    pub waiting: usize,
    /// An error page, which cannot tell whether someone is signed in: it offers the way
    /// home rather than a 登录 link that would mislead whoever is.
    pub error_page: bool,
}

impl Layout {
    pub(super) fn anonymous(crumbs: &[(&str, &str)]) -> Layout {
        Layout {
            user: None,
            admin: false,
            csrf: String::new(),
            assets: &ASSETS,
            waiting: 0,
            error_page: false,
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
            assets: &ASSETS,
            error_page: false,
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
    ApiError::from(error).for_people().to_string()
}

/// An error shown as a page; a missing session sends the person to the login page, which
/// brings them back to `next` afterwards.
pub struct PageError {
    error: ApiError,
    next: Option<String>,
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        PageError { error, next: None }
    }
}

/// A path inside this site to return to after login, or `None` for anything that could
/// lead elsewhere (another host, a scheme, a control character) or back to the login.
pub(super) fn safe_next(next: &str) -> Option<&str> {
    let inside = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.starts_with("/login")
        && !next.chars().any(|c| c.is_control() || c == '\\');
    inside.then_some(next)
}

/// Where a request without a session should come back to: the page asked for, or for a
/// form sent after the session expired, the page the form was on.
fn return_path(parts: &axum::http::request::Parts) -> Option<String> {
    let path = if parts.method == axum::http::Method::GET {
        parts.uri.path_and_query()?.as_str().to_string()
    } else {
        let referer = parts.headers.get(header::REFERER)?.to_str().ok()?;
        let uri: axum::http::Uri = referer.parse().ok()?;
        uri.path_and_query()?.as_str().to_string()
    };
    safe_next(&path).filter(|p| *p != "/").map(str::to_string)
}

impl From<luoshi_store::StoreError> for PageError {
    fn from(error: luoshi_store::StoreError) -> Self {
        ApiError::from(error).into()
    }
}

impl From<luoshi_domain::DomainError> for PageError {
    fn from(error: luoshi_domain::DomainError) -> Self {
        ApiError::from(error).into()
    }
}

impl From<luoshi_app::AppError> for PageError {
    fn from(error: luoshi_app::AppError) -> Self {
        ApiError::from(error).into()
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
        let PageError { error, next } = self;
        match (error.status(), error.code) {
            (StatusCode::UNAUTHORIZED, _) => match next {
                Some(next) => {
                    let query: String = form_urlencoded::Serializer::new(String::new())
                        .append_pair("next", &next)
                        .finish();
                    Redirect::to(&format!("/login?{query}")).into_response()
                }
                None => Redirect::to("/login").into_response(),
            },
            (_, ErrorCode::PasswordChangeRequired) => Redirect::to("/password").into_response(),
            (status, _) => {
                let heading = match status {
                    StatusCode::NOT_FOUND => "页面不存在",
                    StatusCode::FORBIDDEN => "没有权限",
                    s if s.is_server_error() => "服务器出错了",
                    _ => "操作未完成",
                };
                let page = ErrorPage {
                    layout: Layout {
                        error_page: true,
                        ..Layout::anonymous(&[("/", "首页")])
                    },
                    heading: heading.into(),
                    message: error.for_people().to_string(),
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
            .map_err(|error| PageError {
                next: (error.status() == StatusCode::UNAUTHORIZED)
                    .then(|| return_path(parts))
                    .flatten(),
                error,
            })?;
        caller.work = Some(queues::counts(&state.store, &caller.actor, state.today()).await?);
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
