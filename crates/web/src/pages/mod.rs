//! Server-rendered pages in Simplified Chinese: every page reads and submits without
//! JavaScript, its words live in its template (`templates/`), and its data comes through
//! the same permission checks as the API. Forms carry the session's CSRF token in a hidden
//! field that each POST handler checks ([`crate::auth::Caller::check_form_token`]).
//!
//! Errors render as a Chinese page; a missing session redirects to the login page and an
//! account that must change its password to the password page.

mod admin;
mod batch;
mod board;
mod frame;
mod my_tasks;
mod notices;
mod plan;
mod public;
mod queue;
mod report;
mod review;
mod review_outline;
mod review_units;
mod rows;
mod session;
mod task;

use crate::AppState;

/// One page route: the method and the path as the router has it.
pub struct PageRoute {
    pub method: &'static str,
    pub path: &'static str,
}

/// Builds the router and the table of page routes from one list, so that the
/// authorization matrix test sees every page the router serves.
macro_rules! pages {
    ($($method:ident $path:literal => $handler:path,)*) => {
        /// The page routes.
        pub fn routes() -> axum::Router<AppState> {
            axum::Router::new()
                $(.route($path, axum::routing::$method($handler)))*
        }

        /// Every page route, for the authorization matrix.
        pub const PAGE_ROUTES: &[PageRoute] = &[
            $(PageRoute { method: stringify!($method), path: $path },)*
        ];
    };
}

pages! {
    get "/" => board::home,
    get "/login" => session::login_page,
    post "/login" => session::login_submit,
    get "/setup" => session::setup_page,
    post "/setup" => session::setup_submit,
    get "/admin" => admin::admin_page,
    post "/admin/organization" => admin::admin_organization,
    post "/admin/units" => admin::admin_add_unit,
    post "/admin/units/{id}" => admin::admin_update_unit,
    post "/admin/users" => admin::admin_add_user,
    post "/admin/users/{id}" => admin::admin_update_user,
    post "/admin/users/{id}/password" => admin::admin_reset_password,
    get "/plans/new" => review::upload_page,
    post "/plans/new" => review::upload_submit,
    get "/plans/{id}/review" => review::review_page,
    post "/plans/{id}/review/units" => review_units::review_unit,
    post "/plans/{id}/review/assign" => review_units::review_assign,
    post "/plans/{id}/review/sections" => review_outline::review_section_new,
    post "/plans/{id}/review/sections/{section}" => review_outline::review_section,
    post "/plans/{id}/review/targets/{target}" => review_outline::review_target,
    post "/plans/{id}/review/tasks/{task}/targets" => review_outline::review_target_new,
    post "/plans/{id}/review/tasks/{task}" => review::review_task,
    post "/plans/{id}/review/publish" => review::review_publish,
    post "/plans/{id}/review/settings" => review::review_settings,
    post "/logout" => session::logout,
    get "/password" => session::password_page,
    post "/password" => session::password_submit,
    get "/plans/{id}" => plan::plan_page,
    get "/tasks/{id}" => task::task_page,
    get "/tasks/{id}/report" => report::report_page,
    post "/tasks/{id}/report" => report::report_submit,
    get "/tasks/{id}/overdue" => batch::overdue_page,
    post "/tasks/{id}/overdue" => batch::overdue_submit,
    get "/plans/{id}/periods/{period}" => batch::period_page,
    post "/plans/{id}/periods/{period}" => batch::period_submit,
    get "/plans/{id}/periods/{period}/sheet.xlsx" => batch::sheet_download,
    post "/plans/{id}/periods/{period}/sheet" => batch::sheet_upload,
    post "/reports/{id}/review" => report::review_submit,
    post "/reports/{id}/approve" => report::approve_submit,
    post "/tasks/{id}/notices" => notices::notice_issue,
    post "/tasks/{id}/comments" => notices::comment_submit,
    post "/comments/{id}/read" => notices::instruction_read,
    post "/tasks/{id}/contributions" => notices::contribution_submit,
    post "/notices/{id}/answer" => notices::notice_answer,
    post "/notices/{id}/close" => notices::notice_close,
    post "/plans/{id}/publish-period" => plan::publish_period_submit,
    get "/public/plans/{id}" => public::public_index,
    get "/public/plans/{id}/periods/{period}" => public::public_period,
    get "/public/plans/{id}/feed.xml" => public::feed,
    get "/assets/app.css" => frame::stylesheet,
    get "/assets/app.js" => frame::script,
}
