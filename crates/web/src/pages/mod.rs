//! Server-rendered pages in Simplified Chinese: every page reads and submits without
//! JavaScript, its words live in its template (`templates/`), and its data comes through
//! the same permission checks as the API. Forms carry the session's CSRF token in a hidden
//! field that each POST handler checks ([`crate::auth::Caller::check_form_token`]).
//!
//! Errors render as a Chinese page; a missing session redirects to the login page and an
//! account that must change its password to the password page.

mod admin;
mod board;
mod frame;
mod my_tasks;
mod notices;
mod plan;
mod public;
mod report;
mod review;
mod rows;
mod session;
mod task;

use crate::AppState;

/// The page routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/", get(board::home))
        .route(
            "/login",
            get(session::login_page).post(session::login_submit),
        )
        .route(
            "/setup",
            get(session::setup_page).post(session::setup_submit),
        )
        .route("/admin", get(admin::admin_page))
        .route("/admin/organization", post(admin::admin_organization))
        .route("/admin/units", post(admin::admin_add_unit))
        .route("/admin/units/{id}", post(admin::admin_update_unit))
        .route("/admin/users", post(admin::admin_add_user))
        .route("/admin/users/{id}", post(admin::admin_update_user))
        .route(
            "/admin/users/{id}/password",
            post(admin::admin_reset_password),
        )
        .route(
            "/plans/new",
            get(review::upload_page).post(review::upload_submit),
        )
        .route("/plans/{id}/review", get(review::review_page))
        .route("/plans/{id}/review/units", post(review::review_unit))
        .route(
            "/plans/{id}/review/targets/{target}",
            post(review::review_target),
        )
        .route("/plans/{id}/review/tasks/{task}", post(review::review_task))
        .route("/plans/{id}/review/publish", post(review::review_publish))
        .route("/plans/{id}/review/settings", post(review::review_settings))
        .route("/logout", post(session::logout))
        .route(
            "/password",
            get(session::password_page).post(session::password_submit),
        )
        .route("/plans/{id}", get(plan::plan_page))
        .route("/tasks/{id}", get(task::task_page))
        .route(
            "/tasks/{id}/report",
            get(report::report_page).post(report::report_submit),
        )
        .route("/reports/{id}/review", post(report::review_submit))
        .route("/reports/{id}/approve", post(report::approve_submit))
        .route("/tasks/{id}/notices", post(notices::notice_issue))
        .route("/tasks/{id}/comments", post(notices::comment_submit))
        .route("/notices/{id}/answer", post(notices::notice_answer))
        .route("/notices/{id}/close", post(notices::notice_close))
        .route(
            "/plans/{id}/publish-period",
            post(plan::publish_period_submit),
        )
        .route("/public/plans/{id}", get(public::public_index))
        .route(
            "/public/plans/{id}/periods/{period}",
            get(public::public_period),
        )
        .route("/public/plans/{id}/feed.xml", get(public::feed))
        .route("/assets/app.css", get(frame::stylesheet))
}
