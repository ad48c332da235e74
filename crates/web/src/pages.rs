//! Server-rendered pages in Simplified Chinese: every page reads and submits without
//! JavaScript, its words live in its template (`templates/`), and its data comes through
//! the same permission checks as the API. Forms carry the session's CSRF token in a hidden
//! field that each POST handler checks ([`Caller::check_form_token`]).
//!
//! Errors render as a Chinese page; a missing session redirects to the login page and an
//! account that must change its password to the password page.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Datelike;
use luoshi_domain::light::{LightColor, trim_number};
use luoshi_domain::period::{Cycle, Period, china_time};
use luoshi_domain::policy::{Action, TaskAction, decide};
use luoshi_domain::report::{ProgressStatus, ReportAction, ReportState};
use luoshi_store::{
    ActualInput, Dashboard, HistoryScope, NoticeFilter, Paging, Plan, PublicPeriod, ReportFilter,
    ReportInput, TaskWithLight,
};
use serde::Deserialize;

use crate::AppState;
use crate::api::Path;
use crate::api::plans::{authorize_task, sort_tasks, visible_plan, visible_tasks};
use crate::auth::{self, Caller, ClientIp};
use crate::chart::{TargetChart, target_chart};
use crate::error::ApiError;
use crate::history::{self, HistoryLine};

/// The page routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login_submit))
        .route("/setup", get(setup_page).post(setup_submit))
        .route("/admin", get(admin_page))
        .route("/admin/organization", post(admin_organization))
        .route("/admin/units", post(admin_add_unit))
        .route("/admin/units/{id}", post(admin_update_unit))
        .route("/admin/users", post(admin_add_user))
        .route("/admin/users/{id}", post(admin_update_user))
        .route("/admin/users/{id}/password", post(admin_reset_password))
        .route("/plans/new", get(upload_page).post(upload_submit))
        .route("/plans/{id}/review", get(review_page))
        .route("/plans/{id}/review/units", post(review_unit))
        .route("/plans/{id}/review/targets/{target}", post(review_target))
        .route("/plans/{id}/review/tasks/{task}", post(review_task))
        .route("/plans/{id}/review/publish", post(review_publish))
        .route("/plans/{id}/review/settings", post(review_settings))
        .route("/logout", post(logout))
        .route("/password", get(password_page).post(password_submit))
        .route("/plans/{id}", get(plan_page))
        .route("/tasks/{id}", get(task_page))
        .route("/tasks/{id}/report", get(report_page).post(report_submit))
        .route("/reports/{id}/review", post(review_submit))
        .route("/reports/{id}/approve", post(approve_submit))
        .route("/tasks/{id}/notices", post(notice_issue))
        .route("/tasks/{id}/comments", post(comment_submit))
        .route("/notices/{id}/answer", post(notice_answer))
        .route("/notices/{id}/close", post(notice_close))
        .route("/plans/{id}/publish-period", post(publish_period_submit))
        .route("/public/plans/{id}", get(public_index))
        .route("/public/plans/{id}/periods/{period}", get(public_period))
        .route("/public/plans/{id}/feed.xml", get(feed))
        .route("/assets/app.css", get(stylesheet))
}

const STYLESHEET: &str = include_str!("../assets/app.css");

async fn stylesheet() -> Response {
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
}

impl Layout {
    fn anonymous(crumbs: &[(&str, &str)]) -> Layout {
        Layout {
            user: None,
            admin: false,
            csrf: String::new(),
            crumbs: crumbs
                .iter()
                .map(|(h, l)| (h.to_string(), l.to_string()))
                .collect(),
        }
    }

    fn of(caller: &Caller, crumbs: Vec<(String, String)>) -> Layout {
        Layout {
            user: Some(caller.user.display_name.clone()),
            admin: caller.user.role == luoshi_domain::role::Role::Admin,
            csrf: caller.form_token().to_string(),
            crumbs,
        }
    }
}

fn home_crumb() -> (String, String) {
    ("/".into(), "首页".into())
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

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: String,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let error = self.0;
        match (error.status, error.code) {
            (StatusCode::UNAUTHORIZED, _) => Redirect::to("/login").into_response(),
            (_, "password_change_required") => Redirect::to("/password").into_response(),
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

type PageResult = Result<Response, PageError>;

/// The signed-in caller of a page; without a session the page redirects to the login.
pub struct Viewer(pub Caller);

impl axum::extract::FromRequestParts<AppState> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Viewer, PageError> {
        Caller::from_request_parts(parts, state)
            .await
            .map(Viewer)
            .map_err(PageError)
    }
}

fn render<T: Template>(page: &T) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "页面生成失败").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    error: Option<String>,
    username: String,
    first_run: bool,
}

async fn login_page(State(state): State<AppState>, caller: Result<Caller, ApiError>) -> PageResult {
    if caller.is_ok() {
        return Ok(Redirect::to("/").into_response());
    }
    Ok(render(&LoginPage {
        layout: Layout::anonymous(&[("", "登录")]),
        error: None,
        username: String::new(),
        first_run: state.store.count_users().await? == 0,
    }))
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
}

async fn login_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> Response {
    match crate::api::session::authenticate(&state, &ip, &form.username, &form.password).await {
        Ok(opened) => ([(header::SET_COOKIE, opened.cookie)], Redirect::to("/")).into_response(),
        Err(error) => {
            let page = LoginPage {
                layout: Layout::anonymous(&[("", "登录")]),
                error: Some(error.message),
                username: form.username,
                first_run: false,
            };
            (error.status, render(&page)).into_response()
        }
    }
}

#[derive(Deserialize)]
struct TokenForm {
    csrf_token: String,
}

async fn logout(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Form(form): Form<TokenForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    if let auth::Credential::Session { token_hash, .. } = &caller.credential {
        state.store.delete_session(token_hash).await?;
    }
    state
        .store
        .record_event(&caller.audit, "logout", "session", Some(caller.user.id))
        .await?;
    let cookie = auth::expired_cookie(state.config.secure_cookies);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    layout: Layout,
    error: Option<String>,
}

async fn password_page(Viewer(caller): Viewer) -> Response {
    render(&PasswordPage {
        layout: Layout::of(&caller, vec![home_crumb(), ("".into(), "修改密码".into())]),
        error: None,
    })
}

#[derive(Deserialize)]
struct PasswordForm {
    csrf_token: String,
    old_password: String,
    new_password: String,
}

async fn password_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Form(form): Form<PasswordForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let credentials = state
        .store
        .credentials(&caller.user.username)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let problem =
        if !luoshi_domain::password::verify(&form.old_password, &credentials.password_hash) {
            Some("原密码不正确".to_string())
        } else if form.old_password == form.new_password {
            Some("新密码不能与原密码相同".to_string())
        } else {
            luoshi_domain::password::check_policy(&form.new_password)
                .err()
                .map(|e| e.to_string())
        };
    if let Some(message) = problem {
        let page = PasswordPage {
            layout: Layout::of(&caller, vec![home_crumb(), ("".into(), "修改密码".into())]),
            error: Some(message),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
    }
    let hash = luoshi_domain::password::hash(&form.new_password);
    state
        .store
        .set_password(&caller.audit, caller.user.id, &hash, false)
        .await?;
    Ok(Redirect::to("/login").into_response())
}

/// One row of a task list.
struct TaskRow {
    id: i64,
    number: i64,
    heading: String,
    units: String,
    color: &'static str,
    color_zh: &'static str,
    reasons: Vec<String>,
    status: &'static str,
    deadline: String,
}

fn unit_names(assignments: &[luoshi_store::Assignment]) -> String {
    assignments
        .iter()
        .map(|a| {
            a.unit_name
                .clone()
                .unwrap_or_else(|| a.written_name.clone())
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn task_row(item: &TaskWithLight) -> TaskRow {
    TaskRow {
        id: item.task.id,
        number: item.task.number,
        heading: item.task.heading.clone(),
        units: unit_names(&item.task.lead_units),
        color: item.light.color.as_str(),
        color_zh: item.light.color.zh(),
        reasons: item
            .light
            .reasons
            .iter()
            .map(|r| r.message.clone())
            .collect(),
        status: luoshi_office::status_zh(item.status.as_deref()),
        deadline: item
            .task
            .deadline_text
            .clone()
            .or(item.task.deadline.clone())
            .unwrap_or_else(|| "年内".into()),
    }
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    layout: Layout,
    heading: String,
    plan_id: Option<i64>,
    light_options: Vec<(&'static str, &'static str)>,
    filter_light: String,
    filter_q: String,
    unit_options: Vec<(i64, String, bool)>,
    section_options: Vec<(i64, String, bool)>,
    sort_options: Vec<(&'static str, &'static str, bool)>,
    tasks: Vec<TaskRow>,
    empty_message: String,
    drafts: Vec<(i64, String)>,
    can_upload: bool,
}

/// A target's figures for people, with the proportions its bar is drawn from.
struct TargetView {
    task_id: i64,
    indicator: String,
    unit: String,
    annual: String,
    actual: String,
    expected: String,
    actual_percent: f64,
    expected_percent: f64,
    behind: bool,
}

fn target_view(progress: &luoshi_store::TargetProgress, lag_threshold: f64) -> TargetView {
    let annual = progress.annual_value.unwrap_or(0.0);
    let percent = |v: Option<f64>| match v {
        Some(v) if annual > 0.0 => (v / annual * 100.0).clamp(0.0, 100.0),
        _ => 0.0,
    };
    let text = |v: Option<f64>| {
        v.map(|v| trim_number((v * 10.0).round() / 10.0))
            .unwrap_or_else(|| "—".into())
    };
    TargetView {
        task_id: progress.task_id,
        indicator: progress.indicator.clone(),
        unit: progress.unit.clone(),
        annual: text(progress.annual_value),
        actual: text(progress.actual),
        expected: text(progress.expected),
        actual_percent: percent(progress.actual),
        expected_percent: percent(progress.expected),
        behind: progress.lag_percent.is_some_and(|l| l > lag_threshold),
    }
}

fn notice_state_zh(state: &str) -> &'static str {
    match state {
        "open" => "待回复",
        "answered" => "已回复",
        _ => "已办结",
    }
}

/// A task as lists that span sections name it: "3. 补充教师".
fn task_title(task: &luoshi_store::Task) -> String {
    format!("{}. {}", task.number, task.heading)
}

/// An open notice in a list that spans tasks (the board, 我的任务).
struct NoticeLine {
    task_id: i64,
    task: String,
    unit: String,
    reason: String,
    response_due: String,
    /// The response date has passed without an answer.
    late: bool,
    state: &'static str,
}

/// The organization's notices not yet closed on the tasks in `tasks`, earliest due first;
/// `units` keeps only those addressed to these units.
async fn open_notices(
    state: &AppState,
    caller: &Caller,
    tasks: &HashMap<i64, luoshi_store::Task>,
    units: Option<Vec<i64>>,
) -> Result<Vec<NoticeLine>, PageError> {
    let filter = NoticeFilter {
        organization_id: caller.actor.organization_id,
        unit_ids: units,
        ..Default::default()
    };
    let today = state.today().to_string();
    let mut lines: Vec<NoticeLine> = state
        .store
        .notices(&filter, Paging::all())
        .await?
        .items
        .into_iter()
        .filter(|n| n.state != "closed")
        .filter_map(|n| {
            let task = tasks.get(&n.task_id)?;
            Some(NoticeLine {
                task_id: task.id,
                task: task_title(task),
                unit: unit_name_of(task, n.unit_id),
                late: n.state == "open" && n.response_due < today,
                state: notice_state_zh(&n.state),
                reason: n.reason,
                response_due: n.response_due,
            })
        })
        .collect();
    lines.sort_by(|a, b| a.response_due.cmp(&b.response_due));
    Ok(lines)
}

/// A change on the board, with the task it concerns.
struct ChangeLine {
    line: HistoryLine,
    task: Option<(i64, String)>,
}

/// How many changes the board lists.
const BOARD_CHANGES: usize = 15;

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    layout: Layout,
    can_publish: bool,
    periods: Vec<(String, String)>,
    plan: Plan,
    plans: Vec<Plan>,
    board: Dashboard,
    targets: Vec<TargetView>,
    notices: Vec<NoticeLine>,
    /// When the caller last came (their previous login), if ever.
    changes_since: Option<String>,
    changes: Vec<ChangeLine>,
}

#[derive(Deserialize)]
struct HomeQuery {
    plan: Option<i64>,
}

/// The board for those who oversee (挂图作战); the unit's tasks for those who report (我的任务).
async fn home(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Query(query): Query<HomeQuery>,
) -> PageResult {
    let organization = state
        .store
        .organization(caller.actor.organization_id)
        .await?;
    if decide(&caller.actor, Action::ReadOrganization).allowed() {
        let plans = state
            .store
            .plans(
                caller.actor.organization_id,
                Some("published"),
                None,
                true,
                Paging::all(),
            )
            .await?
            .items;
        let chosen = query
            .plan
            .and_then(|id| plans.iter().find(|p| p.id == id))
            .or(plans.first())
            .cloned();
        let Some(plan) = chosen else {
            let page = TasksPage {
                layout: Layout::of(&caller, vec![home_crumb()]),
                heading: "挂图作战".into(),
                plan_id: None,
                light_options: vec![],
                filter_light: String::new(),
                filter_q: String::new(),
                unit_options: vec![],
                section_options: vec![],
                sort_options: vec![],
                tasks: vec![],
                empty_message: "还没有发布的工作要点。请由管理员或督查室上传工作要点文件（luoshi import 或“上传计划”），审核后发布。".into(),
                drafts: drafts_of(&state, &caller).await?,
                can_upload: decide(&caller.actor, Action::ManagePlans).allowed(),
            };
            return Ok(render(&page));
        };
        let board = state
            .store
            .dashboard(&plan, &organization.light_rules, state.today())
            .await?;
        let threshold = organization.light_rules.yellow_lag_percent;
        let targets = board
            .targets
            .iter()
            .filter(|t| t.actual.is_some())
            .map(|t| target_view(t, threshold))
            .collect();
        let periods = report_periods(&plan, state.today()).0;
        let tasks: HashMap<i64, luoshi_store::Task> = state
            .store
            .plan_tasks(plan.id)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        let notices = open_notices(&state, &caller, &tasks, None).await?;
        let since = state.store.previous_login(caller.user.id).await?;
        let recent = state
            .store
            .history(
                caller.actor.organization_id,
                HistoryScope::Plan(plan.id),
                since.as_ref().map(|e| e.id),
                Paging::new(Some(1), Some(BOARD_CHANGES as i64 * 2)),
            )
            .await?;
        let others: Vec<_> = recent
            .items
            .into_iter()
            .filter(|e| e.actor_id != Some(caller.user.id))
            .take(BOARD_CHANGES)
            .collect();
        let names = user_names(&state, caller.actor.organization_id).await?;
        let changes = history::lines(&others, &names)
            .into_iter()
            .map(|line| ChangeLine {
                task: line
                    .task_id
                    .and_then(|id| tasks.get(&id))
                    .map(|t| (t.id, task_title(t))),
                line,
            })
            .collect();
        return Ok(render(&BoardPage {
            layout: Layout::of(&caller, vec![home_crumb()]),
            can_publish: decide(&caller.actor, Action::ManagePlans).allowed(),
            periods,
            plan,
            plans,
            board,
            targets,
            notices,
            changes_since: since.map(|e| china_time(e.at).format("%Y-%m-%d %H:%M").to_string()),
            changes,
        }));
    }
    my_tasks(&state, &caller).await
}

/// A report the caller's unit still owes.
struct OwedLine {
    task_id: i64,
    task: String,
    period: String,
    period_label: String,
    due: String,
    overdue: bool,
    /// What is already written for the period: 草稿 / 已退回, or nothing yet.
    written: &'static str,
}

/// A report sent back to the caller's unit, with the supervisor's reason.
struct ReturnedLine {
    task_id: i64,
    task: String,
    period: String,
    period_label: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "my_tasks.html")]
struct MyTasksPage {
    layout: Layout,
    owed: Vec<OwedLine>,
    returned: Vec<ReturnedLine>,
    notices: Vec<NoticeLine>,
    tasks: Vec<TaskRow>,
    empty_message: String,
}

/// 我的任务: what the unit owes and when, what came back and why, notices to answer, then
/// the unit's tasks with their lights (red first).
async fn my_tasks(state: &AppState, caller: &Caller) -> PageResult {
    let today = state.today();
    let ids = state
        .store
        .task_ids_for_units(caller.actor.organization_id, &caller.actor.units)
        .await?;
    let mut plan_ids: Vec<i64> = Vec::new();
    for id in &ids {
        let scope = state.store.task_scope(*id).await?;
        if !plan_ids.contains(&scope.plan_id) {
            plan_ids.push(scope.plan_id);
        }
    }
    let mut rows = Vec::new();
    let mut tasks: HashMap<i64, luoshi_store::Task> = HashMap::new();
    let mut owed = Vec::new();
    let mut cycles: HashMap<i64, Cycle> = HashMap::new();
    for plan_id in plan_ids {
        let plan = state
            .store
            .plan(caller.actor.organization_id, plan_id)
            .await?;
        let mut visible = visible_tasks(state, caller, &plan).await?;
        sort_tasks(&mut visible, Some("light"))?;
        rows.extend(visible.iter().map(task_row));
        let cycle = Cycle::parse(&plan.cycle).unwrap_or(Cycle::Monthly);
        for item in visible {
            cycles.insert(item.task.id, cycle);
            tasks.insert(item.task.id, item.task);
        }
        owed.extend(state.store.owed_reports(&plan, today).await?);
    }
    let leads = |task: &luoshi_store::Task| {
        task.lead_unit_ids()
            .iter()
            .any(|u| caller.actor.units.contains(u))
    };
    let led: Vec<i64> = tasks.values().filter(|t| leads(t)).map(|t| t.id).collect();
    let reports = if led.is_empty() {
        Vec::new()
    } else {
        let filter = ReportFilter {
            organization_id: caller.actor.organization_id,
            task_ids: Some(led),
            ..Default::default()
        };
        state.store.reports(&filter, Paging::all()).await?.items
    };
    let latest = newest_versions(&reports);
    let label = |task_id: i64, period: &str| {
        cycles
            .get(&task_id)
            .and_then(|c| Period::parse(*c, period).ok())
            .map(|p| p.label_zh())
            .unwrap_or_else(|| period.to_string())
    };
    let owed = owed
        .into_iter()
        .filter_map(|o| {
            let task = tasks.get(&o.task_id).filter(|t| leads(t))?;
            let written = match latest.get(&(o.task_id, o.period.as_str())) {
                Some(r) if r.state == "returned" => "已退回",
                Some(r) if r.state == "draft" => "草稿",
                _ => "未填报",
            };
            Some(OwedLine {
                task_id: o.task_id,
                task: task_title(task),
                period: o.period,
                period_label: o.period_label,
                due: o.due,
                overdue: o.overdue,
                written,
            })
        })
        .collect();
    let mut returned: Vec<ReturnedLine> = latest
        .values()
        .filter(|r| r.state == "returned")
        .filter_map(|r| {
            let task = tasks.get(&r.task_id)?;
            Some(ReturnedLine {
                task_id: r.task_id,
                task: task_title(task),
                period: r.period.clone(),
                period_label: label(r.task_id, &r.period),
                reason: r.return_reason.clone().unwrap_or_default(),
            })
        })
        .collect();
    returned.sort_by(|a, b| a.period.cmp(&b.period).then(a.task_id.cmp(&b.task_id)));
    let notices = open_notices(state, caller, &tasks, Some(caller.actor.units.clone())).await?;
    Ok(render(&MyTasksPage {
        layout: Layout::of(caller, vec![home_crumb()]),
        owed,
        returned,
        notices,
        tasks: rows,
        empty_message: "本单位暂无牵头或配合的任务。计划发布后，分到本单位的任务会出现在这里。"
            .into(),
    }))
}

#[derive(Deserialize)]
struct PlanQuery {
    light: Option<String>,
    q: Option<String>,
    unit: Option<String>,
    section: Option<String>,
    sort: Option<String>,
}

/// The plan's task list: filters by light, unit, section and words, sorted as chosen; the
/// same rules as the API's task list.
async fn plan_page(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Query(query): Query<PlanQuery>,
) -> PageResult {
    let plan = visible_plan(&state, &caller, id).await?;
    let text = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    let filter = crate::api::plans::TaskQuery {
        unit: text(&query.unit).and_then(|u| u.parse().ok()),
        light: text(&query.light)
            .and_then(|l| serde_json::from_value(serde_json::Value::String(l)).ok()),
        status: None,
        section: text(&query.section).and_then(|s| s.parse().ok()),
        q: text(&query.q),
        sort: text(&query.sort),
        page: None,
        per_page: None,
    };
    let all = visible_tasks(&state, &caller, &plan).await?;
    let mut units: Vec<(i64, String, bool)> = Vec::new();
    for item in &all {
        for a in item.task.lead_units.iter().chain(&item.task.co_units) {
            if let Some(unit) = a.unit_id.filter(|u| !units.iter().any(|(id, ..)| id == u)) {
                let name = a
                    .unit_name
                    .clone()
                    .unwrap_or_else(|| a.written_name.clone());
                units.push((unit, name, filter.unit == Some(unit)));
            }
        }
    }
    let sections = state
        .store
        .sections(plan.id)
        .await?
        .into_iter()
        .map(|s| (s.id, s.title, filter.section == Some(s.id)))
        .collect();
    let mut tasks: Vec<TaskWithLight> = all
        .into_iter()
        .filter(|t| crate::api::plans::matches(t, &filter))
        .collect();
    crate::api::plans::sort_tasks(&mut tasks, filter.sort.as_deref())?;
    let sort = filter.sort.clone().unwrap_or_else(|| "number".into());
    Ok(render(&TasksPage {
        layout: Layout::of(&caller, vec![home_crumb(), ("".into(), plan.title.clone())]),
        heading: plan.title.clone(),
        plan_id: Some(plan.id),
        light_options: vec![
            ("red", "红灯"),
            ("yellow", "黄灯"),
            ("green", "绿灯"),
            ("done", "已完成"),
        ],
        filter_light: query.light.unwrap_or_default(),
        filter_q: filter.q.clone().unwrap_or_default(),
        unit_options: units,
        section_options: sections,
        sort_options: [
            ("number", "按序号"),
            ("light", "按灯色（红灯在前）"),
            ("deadline", "按完成时限"),
        ]
        .into_iter()
        .map(|(value, label)| (value, label, value == sort))
        .collect(),
        tasks: tasks.iter().map(task_row).collect(),
        empty_message: "没有符合条件的任务。".into(),
        drafts: vec![],
        can_upload: false,
    }))
}

struct ReportRow {
    id: i64,
    /// Evidence files: id, name and size as people read it.
    attachments: Vec<(i64, String, String)>,
    reviewable: bool,
    /// Submitted and waiting for the unit head (when the organization asks for that).
    awaiting_head: bool,
    period: String,
    version: i64,
    state: &'static str,
    status: &'static str,
    narrative: String,
    return_reason: Option<String>,
}

struct CommentRow {
    author: String,
    at: String,
    body: String,
}

/// A file size as people read it (KB / MB).
fn file_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// Display names of the organization's people, for histories and comments.
async fn user_names(
    state: &AppState,
    organization_id: i64,
) -> Result<HashMap<i64, String>, PageError> {
    Ok(state
        .store
        .users(organization_id, None, None, Paging::all())
        .await?
        .items
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// How many entries of a history a page shows.
const HISTORY_LINES: i64 = 50;

struct NoticeRow {
    id: i64,
    unit: String,
    can_answer: bool,
    can_close: bool,
    reason: String,
    response_due: String,
    state: &'static str,
    response: String,
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    layout: Layout,
    task: luoshi_store::Task,
    color: &'static str,
    color_zh: &'static str,
    reasons: Vec<String>,
    lead: String,
    co: String,
    deadline: String,
    can_report: bool,
    can_review: bool,
    can_approve: bool,
    can_supervise: bool,
    task_units: Vec<(i64, String)>,
    targets: Vec<TargetView>,
    charts: Vec<TargetChart>,
    reports: Vec<ReportRow>,
    notices: Vec<NoticeRow>,
    can_comment: bool,
    comments: Vec<CommentRow>,
    history: Vec<HistoryLine>,
    history_more: bool,
}

async fn task_with_light(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<(Plan, TaskWithLight), PageError> {
    let scope = authorize_task(state, caller, id, TaskAction::Read).await?;
    let plan = state
        .store
        .plan(caller.actor.organization_id, scope.plan_id)
        .await?;
    let item = visible_tasks(state, caller, &plan)
        .await?
        .into_iter()
        .find(|t| t.task.id == id)
        .ok_or_else(|| ApiError::not_found("任务"))?;
    Ok((plan, item))
}

async fn task_page(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
) -> PageResult {
    let (plan, item) = task_with_light(&state, &caller, id).await?;
    let organization = state
        .store
        .organization(caller.actor.organization_id)
        .await?;
    let board = state
        .store
        .dashboard(&plan, &organization.light_rules, state.today())
        .await?;
    let targets = board
        .targets
        .iter()
        .filter(|t| t.task_id == id)
        .map(|t| target_view(t, organization.light_rules.yellow_lag_percent))
        .collect();
    let filter = ReportFilter {
        organization_id: caller.actor.organization_id,
        task_id: Some(id),
        ..Default::default()
    };
    let cycle = Cycle::parse(&plan.cycle).unwrap_or(Cycle::Monthly);
    let stored_reports = state.store.reports(&filter, Paging::all()).await?.items;
    let charts = chart_actuals(&stored_reports, cycle);
    let charts = item
        .task
        .targets
        .iter()
        .filter_map(|t| target_chart(t, charts.get(&t.id).map(Vec::as_slice).unwrap_or(&[])))
        .collect();
    let reports = stored_reports
        .into_iter()
        .map(|r| ReportRow {
            id: r.id,
            attachments: r
                .attachments
                .iter()
                .map(|a| (a.id, a.file_name.clone(), file_size(a.size)))
                .collect(),
            reviewable: matches!(r.state.as_str(), "submitted" | "approved"),
            awaiting_head: organization.head_review && r.state == "submitted",
            state: ReportState::parse(&r.state).map(|s| s.zh()).unwrap_or(""),
            status: luoshi_office::status_zh(Some(&r.status)),
            period: Period::parse(cycle, &r.period)
                .map(|p| p.label_zh())
                .unwrap_or(r.period),
            version: r.version,
            narrative: r.narrative,
            return_reason: r.return_reason.filter(|_| r.state == "returned"),
        })
        .collect();
    let lead_ids = item.task.lead_unit_ids();
    let co_ids = item.task.co_unit_ids();
    // The task's units decide what the caller may do on this page.
    let notice_scope = luoshi_domain::policy::TaskScope {
        lead: &lead_ids,
        co: &co_ids,
    };
    let notice_filter = NoticeFilter {
        organization_id: caller.actor.organization_id,
        task_id: Some(id),
        ..Default::default()
    };
    let notices = state
        .store
        .notices(&notice_filter, Paging::all())
        .await?
        .items
        .into_iter()
        .map(|n| NoticeRow {
            id: n.id,
            unit: unit_name_of(&item.task, n.unit_id),
            can_answer: n.state != "closed"
                && decide(
                    &caller.actor,
                    Action::AnswerNotice {
                        task: notice_scope,
                        unit: n.unit_id,
                    },
                )
                .allowed(),
            can_close: n.state != "closed"
                && decide(&caller.actor, Action::Supervise(notice_scope)).allowed(),
            state: notice_state_zh(&n.state),
            reason: n.reason,
            response_due: n.response_due,
            response: n.response.unwrap_or_default(),
        })
        .collect();
    let names = user_names(&state, caller.actor.organization_id).await?;
    let comments = state
        .store
        .comments(id, Paging::all())
        .await?
        .items
        .into_iter()
        .map(|c| CommentRow {
            author: names.get(&c.author_id).cloned().unwrap_or_default(),
            at: china_time(c.created_at)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            body: c.body,
        })
        .collect();
    let history = state
        .store
        .history(
            caller.actor.organization_id,
            HistoryScope::Task(id),
            None,
            Paging::new(Some(1), Some(HISTORY_LINES)),
        )
        .await?;
    let scope = notice_scope;
    let can_report =
        decide(&caller.actor, Action::WriteReport(scope)).allowed() && plan.status == "published";
    let can_review = decide(&caller.actor, Action::ReviewReport(scope)).allowed();
    Ok(render(&TaskPage {
        layout: Layout::of(
            &caller,
            vec![
                home_crumb(),
                (format!("/plans/{}", plan.id), plan.title.clone()),
                ("".into(), item.task.heading.clone()),
            ],
        ),
        color: item.light.color.as_str(),
        color_zh: item.light.color.zh(),
        reasons: item
            .light
            .reasons
            .iter()
            .map(|r| r.message.clone())
            .collect(),
        lead: unit_names(&item.task.lead_units),
        co: unit_names(&item.task.co_units),
        deadline: item
            .task
            .deadline_text
            .clone()
            .or(item.task.deadline.clone())
            .unwrap_or_else(|| "年内".into()),
        can_report,
        can_review,
        can_approve: organization.head_review
            && decide(&caller.actor, Action::ApproveReport(scope)).allowed(),
        can_supervise: decide(&caller.actor, Action::Supervise(scope)).allowed(),
        task_units: item
            .task
            .lead_units
            .iter()
            .chain(&item.task.co_units)
            .filter_map(|a| {
                a.unit_id.map(|id| {
                    (
                        id,
                        a.unit_name
                            .clone()
                            .unwrap_or_else(|| a.written_name.clone()),
                    )
                })
            })
            .collect(),
        targets,
        charts,
        reports,
        notices,
        can_comment: decide(&caller.actor, Action::Comment(scope)).allowed(),
        comments,
        history_more: history.total > HISTORY_LINES,
        history: history::lines(&history.items, &names),
        task: item.task,
    }))
}

/// The newest version of each task's report for each period.
fn newest_versions<'a>(
    reports: impl IntoIterator<Item = &'a luoshi_store::Report>,
) -> HashMap<(i64, &'a str), &'a luoshi_store::Report> {
    let mut latest: HashMap<(i64, &str), &luoshi_store::Report> = HashMap::new();
    for report in reports {
        let entry = latest
            .entry((report.task_id, report.period.as_str()))
            .or_insert(report);
        if report.version > entry.version {
            *entry = report;
        }
    }
    latest
}

/// Per target, the actuals a chart draws: the latest delivered version of each period's
/// report, at the month its period ends.
fn chart_actuals(reports: &[luoshi_store::Report], cycle: Cycle) -> HashMap<i64, Vec<(u32, f64)>> {
    let delivered = reports
        .iter()
        .filter(|r| ReportState::parse(&r.state).is_ok_and(ReportState::is_delivered));
    let mut actuals: HashMap<i64, Vec<(u32, f64)>> = HashMap::new();
    for report in newest_versions(delivered).values() {
        let Ok(period) = Period::parse(cycle, &report.period) else {
            continue;
        };
        for actual in &report.actuals {
            actuals
                .entry(actual.target_id)
                .or_default()
                .push((period.end().month(), actual.value));
        }
    }
    actuals
}

struct FormTarget {
    id: i64,
    indicator: String,
    unit: String,
    annual: String,
    actual: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    task_id: i64,
    heading: String,
    periods: Vec<(String, String)>,
    period: String,
    statuses: Vec<(&'static str, &'static str)>,
    status: String,
    narrative: String,
    targets: Vec<FormTarget>,
    attachments: Vec<String>,
    return_reason: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct PeriodQuery {
    period: Option<String>,
}

/// The periods a report can be written for, and the one to preselect.
fn report_periods(plan: &Plan, today: chrono::NaiveDate) -> (Vec<(String, String)>, String) {
    let cycle = Cycle::parse(&plan.cycle).unwrap_or(Cycle::Monthly);
    let mut periods: Vec<Period> = luoshi_store::owed_periods(plan, cycle, today);
    if periods.is_empty() {
        periods = Period::of_year(cycle, plan.year);
    }
    let current = Period::containing(cycle, today);
    let preselect = periods
        .iter()
        .find(|p| p.key() == current.key())
        .or(periods.last())
        .map(|p| p.key())
        .unwrap_or_default();
    (
        periods
            .iter()
            .rev()
            .map(|p| (p.key(), p.label_zh()))
            .collect(),
        preselect,
    )
}

async fn report_form(
    state: &AppState,
    caller: &Caller,
    id: i64,
    period: Option<String>,
    error: Option<String>,
) -> Result<ReportPage, PageError> {
    authorize_task(state, caller, id, TaskAction::WriteReport).await?;
    let (plan, item) = task_with_light(state, caller, id).await?;
    let (periods, preselect) = report_periods(&plan, state.today());
    let period = period.unwrap_or(preselect);
    let filter = ReportFilter {
        organization_id: caller.actor.organization_id,
        task_id: Some(id),
        period: Some(period.clone()),
        ..Default::default()
    };
    let existing = state
        .store
        .reports(&filter, Paging::all())
        .await?
        .items
        .into_iter()
        .next();
    let actual_of = |target: i64| {
        existing
            .as_ref()
            .and_then(|r| r.actuals.iter().find(|a| a.target_id == target))
            .map(|a| trim_number(a.value))
            .unwrap_or_default()
    };
    let targets = item
        .task
        .targets
        .iter()
        .map(|t| FormTarget {
            id: t.id,
            indicator: t.indicator.clone(),
            unit: t.unit.clone(),
            annual: t.value_text.clone(),
            actual: actual_of(t.id),
        })
        .collect();
    Ok(ReportPage {
        layout: Layout::of(
            caller,
            vec![
                home_crumb(),
                (format!("/tasks/{id}"), item.task.heading.clone()),
                ("".into(), "填报进展".into()),
            ],
        ),
        task_id: id,
        heading: item.task.heading.clone(),
        periods,
        period,
        statuses: ProgressStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.zh()))
            .collect(),
        status: existing
            .as_ref()
            .map(|r| r.status.clone())
            .unwrap_or_else(|| "in_progress".into()),
        narrative: existing
            .as_ref()
            .map(|r| r.narrative.clone())
            .unwrap_or_default(),
        targets,
        attachments: existing
            .as_ref()
            .map(|r| r.attachments.iter().map(|a| a.file_name.clone()).collect())
            .unwrap_or_default(),
        return_reason: existing
            .as_ref()
            .filter(|r| r.state == "returned")
            .and_then(|r| r.return_reason.clone()),
        error,
    })
}

async fn report_page(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Query(query): Query<PeriodQuery>,
) -> PageResult {
    Ok(render(
        &report_form(&state, &caller, id, query.period, None).await?,
    ))
}

/// Saves or submits the report of the chosen period — a new one, or the draft or returned
/// one already there — with an evidence file when one was chosen.
async fn report_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    multipart: axum::extract::Multipart,
) -> PageResult {
    let (file, form) =
        crate::uploads::read_form_optional(multipart, state.config.max_attachment_bytes).await?;
    caller.check_form_token(form.get("csrf_token").map(String::as_str).unwrap_or(""))?;
    let scope = authorize_task(&state, &caller, id, TaskAction::WriteReport).await?;
    let period = form.get("period").cloned().unwrap_or_default();
    let submit = form.get("action").map(String::as_str) == Some("submit");
    let status = ProgressStatus::parse(form.get("status").map(String::as_str).unwrap_or(""))
        .map_err(ApiError::from)?;
    let mut actuals = Vec::new();
    for (key, value) in &form {
        let Some(target) = key
            .strip_prefix("actual_")
            .and_then(|t| t.parse::<i64>().ok())
        else {
            continue;
        };
        if value.trim().is_empty() {
            continue;
        }
        match value.trim().parse::<f64>() {
            Ok(number) => actuals.push(ActualInput {
                target_id: target,
                value: number,
                note: String::new(),
            }),
            Err(_) => {
                let message = format!("实际值“{value}”不是数字");
                let page = report_form(&state, &caller, id, Some(period), Some(message)).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
            }
        }
    }
    let evidence = match &file {
        Some(file) => match crate::uploads::evidence_type(file) {
            Ok(content_type) => Some((file, content_type)),
            Err(error) => {
                let page =
                    report_form(&state, &caller, id, Some(period), Some(error.message)).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
            }
        },
        None => None,
    };
    let input = ReportInput {
        status: Some(status),
        narrative: form.get("narrative").cloned(),
        actuals: Some(actuals),
    };
    let filter = ReportFilter {
        organization_id: caller.actor.organization_id,
        task_id: Some(id),
        period: Some(period.clone()),
        ..Default::default()
    };
    let existing = state
        .store
        .reports(&filter, Paging::all())
        .await?
        .items
        .into_iter()
        .next();
    let organization = state
        .store
        .organization(caller.actor.organization_id)
        .await?;
    let saved = match existing {
        Some(report) if matches!(report.state.as_str(), "draft" | "returned") => {
            state
                .store
                .update_report(&caller.audit, report.id, &input)
                .await
        }
        Some(_) => Err(luoshi_store::StoreError::Conflict(
            "本期报送已提交，不能再修改".into(),
        )),
        None => {
            let unit = caller
                .actor
                .units
                .iter()
                .copied()
                .find(|u| scope.lead.contains(u));
            state
                .store
                .create_report(&caller.audit, id, &period, unit, &input, false)
                .await
        }
    };
    let outcome = match saved {
        Ok(report) => {
            let mut result = Ok(());
            if let Some((file, content_type)) = evidence {
                let stored = crate::uploads::store_file(&state.config.data_dir, file).await?;
                let attachment = luoshi_store::NewAttachment {
                    file_name: file.name.clone(),
                    content_type: content_type.to_string(),
                    size: file.bytes.len() as i64,
                    stored_name: stored.stored_name,
                    sha256: stored.sha256,
                };
                result = state
                    .store
                    .add_attachment(&caller.audit, report.id, &attachment)
                    .await
                    .map(|_| ());
            }
            if result.is_ok() && submit {
                result = state
                    .store
                    .transition_report(
                        &caller.audit,
                        report.id,
                        ReportAction::Submit,
                        None,
                        organization.head_review,
                    )
                    .await
                    .map(|_| ());
            }
            result
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/tasks/{id}")).into_response()),
        Err(error) => {
            let message = ApiError::from(error).message;
            let page = report_form(&state, &caller, id, Some(period), Some(message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "public_index.html")]
struct PublicIndex {
    layout: Layout,
    plan_id: i64,
    title: String,
    periods: Vec<(String, String)>,
}

fn period_label(plan: &Plan, key: &str) -> String {
    Period::parse(Cycle::parse(&plan.cycle).unwrap_or(Cycle::Monthly), key)
        .map(|p| p.label_zh())
        .unwrap_or_else(|_| key.to_string())
}

async fn public_index(State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    let plan = state.store.published_plan(id).await?;
    let periods = state
        .store
        .published_periods(plan.id)
        .await?
        .into_iter()
        .map(|key| {
            let label = period_label(&plan, &key);
            (key, label)
        })
        .collect();
    Ok(render(&PublicIndex {
        layout: Layout::anonymous(&[("", "公开进展")]),
        plan_id: plan.id,
        title: plan.title,
        periods,
    }))
}

#[derive(Template)]
#[template(path = "public_period.html")]
struct PublicPeriodPage {
    layout: Layout,
    period: PublicPeriod,
}

async fn public_period(
    State(state): State<AppState>,
    Path((id, period)): Path<(i64, String)>,
) -> PageResult {
    let plan = state.store.published_plan(id).await?;
    let period = state.store.published_period(plan.id, &period).await?;
    let index = format!("/public/plans/{}", plan.id);
    Ok(render(&PublicPeriodPage {
        layout: Layout {
            user: None,
            admin: false,
            csrf: String::new(),
            crumbs: vec![
                (index, plan.title.clone()),
                ("".into(), period.period_label.clone()),
            ],
        },
        period,
    }))
}

struct FeedEntry {
    key: String,
    title: String,
    updated: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "feed.xml")]
struct Feed {
    plan_id: i64,
    title: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

fn rfc3339(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.to_rfc3339())
        .unwrap_or_default()
}

/// An Atom feed of the published periods, newest first.
async fn feed(State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    let plan = state.store.published_plan(id).await?;
    let mut entries = Vec::new();
    for key in state.store.published_periods(plan.id).await? {
        let period = state.store.published_period(plan.id, &key).await?;
        let done = period
            .tasks
            .iter()
            .filter(|t| t.light == LightColor::Done)
            .count();
        entries.push(FeedEntry {
            title: format!("{}落实进展（{}）", plan.title, period.period_label),
            updated: rfc3339(period.published_at),
            summary: format!("共{}项任务，已完成{}项。", period.tasks.len(), done),
            key,
        });
    }
    let updated = entries
        .first()
        .map(|e| e.updated.clone())
        .unwrap_or_else(|| rfc3339(plan.created_at));
    let xml = Feed {
        plan_id: plan.id,
        title: plan.title,
        updated,
        entries,
    }
    .render()
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

#[derive(Deserialize)]
struct ReviewForm {
    csrf_token: String,
    decision: String,
    #[serde(default)]
    reason: String,
}

/// The supervisor's accept or return, from the task page.
async fn review_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ReviewForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let report = state.store.report(id).await?;
    let scope = authorize_task(&state, &caller, report.task_id, TaskAction::Read).await?;
    let task_scope = luoshi_domain::policy::TaskScope {
        lead: &scope.lead,
        co: &scope.co,
    };
    ApiError::check(
        decide(&caller.actor, Action::ReviewReport(task_scope)),
        "报送",
    )?;
    let organization = state
        .store
        .organization(caller.actor.organization_id)
        .await?;
    let (action, reason) = match form.decision.as_str() {
        "accept" => (ReportAction::Accept, None),
        _ => (ReportAction::Return, Some(form.reason.as_str())),
    };
    state
        .store
        .transition_report(&caller.audit, id, action, reason, organization.head_review)
        .await?;
    Ok(Redirect::to(&format!("/tasks/{}", report.task_id)).into_response())
}

#[derive(Deserialize)]
struct PublishForm {
    csrf_token: String,
    period: String,
}

/// Publishes a period's progress to the public page, from the board.
async fn publish_period_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<PublishForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "计划")?;
    let plan = state.store.plan(caller.actor.organization_id, id).await?;
    let organization = state
        .store
        .organization(caller.actor.organization_id)
        .await?;
    let public = state
        .store
        .publish_period(
            &caller.audit,
            &plan,
            &form.period,
            &organization.light_rules,
            state.today(),
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/public/plans/{}/periods/{}",
        plan.id, public.period
    ))
    .into_response())
}

/// Draft plans waiting for review, for those who manage plans.
async fn drafts_of(state: &AppState, caller: &Caller) -> Result<Vec<(i64, String)>, PageError> {
    if !decide(&caller.actor, Action::ManagePlans).allowed() {
        return Ok(Vec::new());
    }
    Ok(state
        .store
        .plans(
            caller.actor.organization_id,
            Some("draft"),
            None,
            false,
            Paging::all(),
        )
        .await?
        .items
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect())
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
async fn setup_page(State(state): State<AppState>) -> PageResult {
    if state.store.count_users().await? > 0 {
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

async fn setup_submit(
    State(state): State<AppState>,
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
        Err(error) if error.code == "already_set_up" => Ok(Redirect::to("/login").into_response()),
        Err(error) => {
            let page = SetupPage {
                error: Some(error.message),
                ..again
            };
            Ok((error.status, render(&page)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage {
    layout: Layout,
    error: Option<String>,
}

fn upload_crumbs() -> Vec<(String, String)> {
    vec![home_crumb(), ("".into(), "上传工作要点".into())]
}

async fn upload_page(Viewer(caller): Viewer) -> PageResult {
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "页面")?;
    Ok(render(&UploadPage {
        layout: Layout::of(&caller, upload_crumbs()),
        error: None,
    }))
}

/// Reads the uploaded plan and opens its review.
async fn upload_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    multipart: axum::extract::Multipart,
) -> PageResult {
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "页面")?;
    let (file, fields) = crate::uploads::read_form(multipart, state.config.max_plan_bytes).await?;
    caller.check_form_token(fields.get("csrf_token").map(String::as_str).unwrap_or(""))?;
    let read = luoshi_office::read_plan_file(
        &file.name,
        &file.bytes,
        state.config.max_plan_bytes as u64,
        chrono::Datelike::year(&state.today()),
    );
    let read = match read {
        Ok(read) => read,
        Err(error) => {
            let page = UploadPage {
                layout: Layout::of(&caller, upload_crumbs()),
                error: Some(error.to_string()),
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
        }
    };
    let stored = crate::uploads::store_file(&state.config.data_dir, &file).await?;
    let (plan, _) = luoshi_office::import_plan_file(
        &state.store,
        &caller.audit,
        caller.actor.organization_id,
        &file.name,
        Some(stored.stored_name),
        &read,
    )
    .await
    .map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unreadable_document",
            e.to_string(),
        )
    })?;
    Ok(Redirect::to(&format!("/plans/{}/review", plan.id)).into_response())
}

struct ReviewTarget {
    id: i64,
    indicator: String,
    value: String,
    unit: String,
}

struct ReviewTask {
    id: i64,
    number: i64,
    heading: String,
    objective: String,
    lead: String,
    co: String,
    /// The deadline as written (6月底前) and as a date, when one was read.
    deadline: String,
    deadline_date: String,
    targets: Vec<ReviewTarget>,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    layout: Layout,
    plan: Plan,
    error: Option<String>,
    warnings: Vec<String>,
    /// The source text with task and target spans marked; escaped when built.
    source: String,
    unmatched: Vec<luoshi_store::UnmatchedName>,
    units: Vec<(i64, String)>,
    tasks: Vec<ReviewTask>,
    cycles: Vec<(&'static str, &'static str)>,
    reporting_start: String,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The source text as HTML with `<mark>`s around each task and target span, so that a
/// link to `#src-t{id}` or `#src-g{id}` shows where it came from. Spans that overlap
/// without nesting, or fall off character boundaries, are left unmarked.
fn marked_source(text: &str, tasks: &[luoshi_store::Task]) -> String {
    let mut spans: Vec<(usize, usize, String)> = Vec::new();
    for task in tasks {
        spans.push((
            task.span[0] as usize,
            task.span[1] as usize,
            format!("<mark id=\"src-t{}\">", task.id),
        ));
        for target in &task.targets {
            spans.push((
                target.span[0] as usize,
                target.span[1] as usize,
                format!("<mark class=\"target\" id=\"src-g{}\">", target.id),
            ));
        }
    }
    spans.retain(|(start, end, _)| {
        start < end
            && *end <= text.len()
            && text.is_char_boundary(*start)
            && text.is_char_boundary(*end)
    });
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut html = String::new();
    let mut position = 0;
    let mut open: Vec<usize> = Vec::new();
    for (start, end, tag) in spans {
        while let Some(&close) = open.last() {
            if close <= start {
                html.push_str(&escape(&text[position..close]));
                html.push_str("</mark>");
                position = close;
                open.pop();
            } else {
                break;
            }
        }
        if start < position || open.last().is_some_and(|&close| end > close) {
            continue;
        }
        html.push_str(&escape(&text[position..start]));
        html.push_str(&tag);
        position = start;
        open.push(end);
    }
    while let Some(close) = open.pop() {
        html.push_str(&escape(&text[position..close]));
        html.push_str("</mark>");
        position = close;
    }
    html.push_str(&escape(&text[position..]));
    html
}

#[derive(Deserialize)]
struct ReviewQuery {
    error: Option<String>,
}

/// The review screen: the source text beside the extracted structure.
async fn review_page(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Query(query): Query<ReviewQuery>,
) -> PageResult {
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "计划")?;
    let plan = state.store.plan(caller.actor.organization_id, id).await?;
    let text = state
        .store
        .plan_source_text(caller.actor.organization_id, id)
        .await?;
    let tasks = state.store.plan_tasks(id).await?;
    let units = state
        .store
        .units(caller.actor.organization_id)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let rows = tasks
        .iter()
        .map(|t| ReviewTask {
            id: t.id,
            number: t.number,
            heading: t.heading.clone(),
            objective: t.objective.clone().unwrap_or_default(),
            lead: unit_names(&t.lead_units),
            co: unit_names(&t.co_units),
            deadline: t.deadline_text.clone().unwrap_or_default(),
            deadline_date: t.deadline.clone().unwrap_or_default(),
            targets: t
                .targets
                .iter()
                .map(|g| ReviewTarget {
                    id: g.id,
                    indicator: g.indicator.clone(),
                    value: g
                        .annual_value
                        .map(trim_number)
                        .unwrap_or_else(|| g.value_text.clone()),
                    unit: g.unit.clone(),
                })
                .collect(),
        })
        .collect();
    Ok(render(&ReviewPage {
        layout: Layout::of(
            &caller,
            vec![home_crumb(), ("".into(), format!("审核：{}", plan.title))],
        ),
        warnings: plan.warnings.clone(),
        source: marked_source(&text, &tasks),
        unmatched: state.store.unmatched_unit_names(id).await?,
        units,
        tasks: rows,
        error: query.error,
        cycles: vec![
            ("monthly", "每月"),
            ("quarterly", "每季度"),
            ("semi_monthly", "每半月"),
        ],
        reporting_start: plan.reporting_start.clone().unwrap_or_default(),
        plan,
    }))
}

fn back_to_review(plan: i64, error: Option<String>) -> Response {
    let target = match error {
        Some(message) => format!(
            "/plans/{plan}/review?error={}",
            crate::uploads::percent_encode(&message)
        ),
        None => format!("/plans/{plan}/review"),
    };
    Redirect::to(&target).into_response()
}

#[derive(Deserialize)]
struct UnitForm {
    csrf_token: String,
    written_name: String,
    unit_id: String,
}

async fn review_unit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<UnitForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "计划")?;
    let organization = caller.actor.organization_id;
    let unit = match form.unit_id.parse::<i64>() {
        Ok(unit) => unit,
        Err(_) => {
            ApiError::check(decide(&caller.actor, Action::Administer), "单位")?;
            let unit = luoshi_store::NewUnit {
                name: form.written_name.clone(),
                kind: "department".into(),
                parent_id: None,
                abbreviations: vec![],
            };
            match state
                .store
                .create_unit(&caller.audit, organization, &unit)
                .await
            {
                Ok(unit) => unit.id,
                Err(error) => return Ok(back_to_review(id, Some(ApiError::from(error).message))),
            }
        }
    };
    let result = state
        .store
        .map_unit_name(&caller.audit, organization, id, &form.written_name, unit)
        .await;
    Ok(back_to_review(
        id,
        result.err().map(|e| ApiError::from(e).message),
    ))
}

#[derive(Deserialize)]
struct TargetForm {
    csrf_token: String,
    annual_value: String,
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    unit: String,
}

#[derive(Deserialize)]
struct TaskEditForm {
    csrf_token: String,
    /// `save`, `delete` or `merge_previous` (并入上一项).
    op: String,
    #[serde(default)]
    heading: String,
    #[serde(default)]
    objective: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    deadline_text: String,
    /// Unit names separated by 、 or commas, as a clerk types them.
    #[serde(default)]
    lead: String,
    #[serde(default)]
    co: String,
}

/// Unit names typed by the reviewer, matched like the names in an imported plan.
fn resolve_units(
    text: &str,
    field: &str,
    units: &[luoshi_domain::units::KnownUnit],
) -> Result<Vec<i64>, String> {
    split_list(text)
        .iter()
        .map(|name| {
            luoshi_domain::units::match_name(name, units)
                .unit()
                .ok_or_else(|| {
                    format!("{field}“{name}”不是已登记的单位：请先对应或在管理页面添加该单位")
                })
        })
        .collect()
}

/// Edits one task of the plan under review: save its fields, delete it, or merge it into
/// the task before it.
async fn review_task(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path((id, task)): Path<(i64, i64)>,
    Form(form): Form<TaskEditForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "计划")?;
    let plan = state.store.plan(caller.actor.organization_id, id).await?;
    let store = &state.store;
    let message = |e: luoshi_store::StoreError| ApiError::from(e).message;
    let result: Result<(), String> = match form.op.as_str() {
        "save" => {
            let known = store.known_units(caller.actor.organization_id).await?;
            match (
                resolve_units(&form.lead, "牵头单位", &known),
                resolve_units(&form.co, "配合单位", &known),
            ) {
                (Ok(lead), Ok(co)) => {
                    let input = luoshi_store::TaskInput {
                        heading: Some(form.heading.trim().to_string()),
                        objective: Some(form.objective.trim().to_string()),
                        deadline: Some(form.deadline.trim().to_string()),
                        deadline_text: Some(form.deadline_text.trim().to_string()),
                        lead_units: Some(lead),
                        co_units: Some(co),
                        ..Default::default()
                    };
                    store
                        .update_task(&caller.audit, &plan, task, &input)
                        .await
                        .map(drop)
                        .map_err(message)
                }
                (Err(e), _) | (_, Err(e)) => Err(e),
            }
        }
        "delete" => store
            .delete_task(&caller.audit, &plan, task)
            .await
            .map_err(message),
        "merge_previous" => {
            let tasks = store.plan_tasks(plan.id).await?;
            match tasks.iter().position(|t| t.id == task) {
                Some(at) if at > 0 => store
                    .merge_tasks(&caller.audit, &plan, tasks[at - 1].id, &[task])
                    .await
                    .map(drop)
                    .map_err(message),
                Some(_) => Err("第一项任务没有上一项可以并入".into()),
                None => return Err(ApiError::not_found("任务").into()),
            }
        }
        other => Err(format!("不支持的操作“{other}”")),
    };
    Ok(back_to_review(id, result.err()))
}

async fn review_target(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path((id, target)): Path<(i64, i64)>,
    Form(form): Form<TargetForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "计划")?;
    let plan = state.store.plan(caller.actor.organization_id, id).await?;
    let Ok(value) = form.annual_value.trim().parse::<f64>() else {
        return Ok(back_to_review(
            id,
            Some(format!("目标值“{}”不是数字", form.annual_value)),
        ));
    };
    let text = |t: &str| Some(t.trim().to_string()).filter(|t| !t.is_empty());
    let input = luoshi_store::TargetInput {
        annual_value: Some(value),
        indicator: text(&form.indicator),
        unit: text(&form.unit),
        ..Default::default()
    };
    let result = state
        .store
        .update_target(&caller.audit, &plan, target, &input)
        .await;
    Ok(back_to_review(
        id,
        result.err().map(|e| ApiError::from(e).message),
    ))
}

async fn review_publish(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<TokenForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "计划")?;
    match state
        .store
        .publish_plan(
            &caller.audit,
            caller.actor.organization_id,
            id,
            state.today(),
        )
        .await
    {
        Ok(plan) => Ok(Redirect::to(&format!("/?plan={}", plan.id)).into_response()),
        Err(error) => Ok(back_to_review(id, Some(ApiError::from(error).message))),
    }
}

/// The name of one of a task's units.
fn unit_name_of(task: &luoshi_store::Task, unit: i64) -> String {
    task.lead_units
        .iter()
        .chain(&task.co_units)
        .find(|a| a.unit_id == Some(unit))
        .map(|a| {
            a.unit_name
                .clone()
                .unwrap_or_else(|| a.written_name.clone())
        })
        .unwrap_or_default()
}

/// The unit head's approval, from the task page.
async fn approve_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<TokenForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let report = state.store.report(id).await?;
    let scope = authorize_task(&state, &caller, report.task_id, TaskAction::Read).await?;
    let task_scope = luoshi_domain::policy::TaskScope {
        lead: &scope.lead,
        co: &scope.co,
    };
    ApiError::check(
        decide(&caller.actor, Action::ApproveReport(task_scope)),
        "报送",
    )?;
    let organization = state
        .store
        .organization(caller.actor.organization_id)
        .await?;
    state
        .store
        .transition_report(
            &caller.audit,
            id,
            ReportAction::Approve,
            None,
            organization.head_review,
        )
        .await?;
    Ok(Redirect::to(&format!("/tasks/{}", report.task_id)).into_response())
}

#[derive(Deserialize)]
struct NoticeForm {
    csrf_token: String,
    unit_id: i64,
    reason: String,
    response_due: String,
}

async fn notice_issue(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<NoticeForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let scope = authorize_task(&state, &caller, id, TaskAction::Supervise).await?;
    if !scope.lead.contains(&form.unit_id) && !scope.co.contains(&form.unit_id) {
        return Err(ApiError::bad_request("unit_id", "督办对象应为该任务的牵头或配合单位").into());
    }
    let notice = luoshi_store::NewNotice {
        unit_id: form.unit_id,
        reason: form.reason,
        response_due: form.response_due,
    };
    state.store.issue_notice(&caller.audit, id, &notice).await?;
    Ok(Redirect::to(&format!("/tasks/{id}")).into_response())
}

#[derive(Deserialize)]
struct CommentForm {
    csrf_token: String,
    body: String,
}

/// A comment or a leader's instruction (批示) on a task.
async fn comment_submit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<CommentForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    authorize_task(&state, &caller, id, TaskAction::Comment).await?;
    state
        .store
        .add_comment(&caller.audit, id, None, &form.body)
        .await?;
    Ok(Redirect::to(&format!("/tasks/{id}#comments")).into_response())
}

#[derive(Deserialize)]
struct AnswerForm {
    csrf_token: String,
    response: String,
}

async fn notice_answer(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let notice = state.store.notice(id).await?;
    let scope = authorize_task(&state, &caller, notice.task_id, TaskAction::Read).await?;
    let action = Action::AnswerNotice {
        task: luoshi_domain::policy::TaskScope {
            lead: &scope.lead,
            co: &scope.co,
        },
        unit: notice.unit_id,
    };
    ApiError::check(decide(&caller.actor, action), "督办单")?;
    state
        .store
        .answer_notice(&caller.audit, id, &form.response)
        .await?;
    Ok(Redirect::to(&format!("/tasks/{}", notice.task_id)).into_response())
}

async fn notice_close(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<TokenForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let notice = state.store.notice(id).await?;
    authorize_task(&state, &caller, notice.task_id, TaskAction::Supervise).await?;
    state.store.close_notice(&caller.audit, id).await?;
    Ok(Redirect::to(&format!("/tasks/{}", notice.task_id)).into_response())
}

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

const UNIT_KINDS_ZH: [(&str, &str); 6] = [
    ("department", "科室"),
    ("center", "中心"),
    ("subordinate", "直属单位"),
    ("county", "县区教育局"),
    ("school", "学校"),
    ("other", "其他"),
];

/// The administration page (organization settings, units, users), with an outcome line.
async fn admin_view(
    state: &AppState,
    caller: &Caller,
    message: Option<String>,
    error: Option<String>,
) -> Result<AdminPage, PageError> {
    ApiError::check(decide(&caller.actor, Action::Administer), "页面")?;
    let organization_id = caller.actor.organization_id;
    let organization = state.store.organization(organization_id).await?;
    let units = state.store.units(organization_id).await?;
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
            kind: UNIT_KINDS_ZH
                .iter()
                .find(|(k, _)| *k == u.kind)
                .map(|(_, z)| *z)
                .unwrap_or("其他"),
            parent: name_of(u.parent_id),
            abbreviations: u.abbreviations.join(","),
        })
        .collect();
    let users = state
        .store
        .users(organization_id, None, None, Paging::all())
        .await?
        .items
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
        kinds: UNIT_KINDS_ZH.to_vec(),
        roles: luoshi_domain::role::Role::ALL
            .iter()
            .map(|r| (r.as_str(), r.zh()))
            .collect(),
    })
}

async fn admin_page(State(state): State<AppState>, Viewer(caller): Viewer) -> PageResult {
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
            let status = error.status;
            let page = admin_view(state, caller, None, Some(error.message)).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

fn split_list(text: &str) -> Vec<String> {
    text.split([',', '，', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[derive(Deserialize)]
struct OrganizationForm {
    csrf_token: String,
    name: String,
    head_review: Option<String>,
    yellow_lag_percent: f64,
    yellow_deadline_days: i64,
    red_overdue_days: i64,
    red_return_count: u32,
}

async fn admin_organization(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Form(form): Form<OrganizationForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    ApiError::check(decide(&caller.actor, Action::Administer), "页面")?;
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
    let outcome = state
        .store
        .update_organization(&caller.audit, caller.actor.organization_id, &patch)
        .await
        .map(|_| Some("机构设置已保存".to_string()))
        .map_err(ApiError::from);
    admin_outcome(&state, &caller, outcome).await
}

#[derive(Deserialize)]
struct UnitAddForm {
    csrf_token: String,
    name: String,
    kind: String,
    parent_id: String,
    abbreviations: String,
}

async fn admin_add_unit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Form(form): Form<UnitAddForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    ApiError::check(decide(&caller.actor, Action::Administer), "页面")?;
    let unit = luoshi_store::NewUnit {
        name: form.name,
        kind: form.kind,
        parent_id: form.parent_id.parse().ok(),
        abbreviations: split_list(&form.abbreviations),
    };
    let outcome = state
        .store
        .create_unit(&caller.audit, caller.actor.organization_id, &unit)
        .await
        .map(|u| Some(format!("已新增单位“{}”", u.name)))
        .map_err(ApiError::from);
    admin_outcome(&state, &caller, outcome).await
}

#[derive(Deserialize)]
struct UnitEditForm {
    csrf_token: String,
    abbreviations: String,
}

async fn admin_update_unit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<UnitEditForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    ApiError::check(decide(&caller.actor, Action::Administer), "页面")?;
    let patch = luoshi_store::UnitPatch {
        abbreviations: Some(split_list(&form.abbreviations)),
        ..Default::default()
    };
    let outcome = state
        .store
        .update_unit(&caller.audit, caller.actor.organization_id, id, &patch)
        .await
        .map(|u| Some(format!("已保存“{}”的简称", u.name)))
        .map_err(ApiError::from);
    admin_outcome(&state, &caller, outcome).await
}

#[derive(Deserialize)]
struct UserAddForm {
    csrf_token: String,
    username: String,
    display_name: String,
    role: luoshi_domain::role::Role,
    unit: String,
}

async fn admin_add_user(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Form(form): Form<UserAddForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    ApiError::check(decide(&caller.actor, Action::Administer), "页面")?;
    let units: Vec<i64> = form.unit.parse().ok().into_iter().collect();
    if form.role.is_unit_role() && units.is_empty() {
        let error = ApiError::bad_request("单位", "报送人和科室负责人须属于一个单位");
        return admin_outcome(&state, &caller, Err(error)).await;
    }
    let password = luoshi_domain::password::generate();
    let user = luoshi_store::NewUser {
        username: form.username,
        display_name: form.display_name,
        role: form.role,
        password_hash: luoshi_domain::password::hash(&password),
        must_change_password: true,
        units,
    };
    let outcome = state
        .store
        .create_user(&caller.audit, caller.actor.organization_id, &user)
        .await
        .map(|u| {
            Some(format!(
                "已新增用户 {}，临时密码：{password}（首次登录须修改，请当面或电话告知本人）",
                u.username
            ))
        })
        .map_err(ApiError::from);
    admin_outcome(&state, &caller, outcome).await
}

#[derive(Deserialize)]
struct UserEditForm {
    csrf_token: String,
    role: luoshi_domain::role::Role,
    unit: String,
    disabled: Option<String>,
}

async fn admin_update_user(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<UserEditForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    ApiError::check(decide(&caller.actor, Action::Administer), "页面")?;
    let units: Vec<i64> = form.unit.parse().ok().into_iter().collect();
    let disabled = form.disabled.is_some();
    let outcome =
        if id == caller.user.id && (disabled || form.role != luoshi_domain::role::Role::Admin) {
            Err(ApiError::bad_request(
                "用户",
                "不能停用自己或取消自己的管理员角色",
            ))
        } else if form.role.is_unit_role() && units.is_empty() {
            Err(ApiError::bad_request(
                "单位",
                "报送人和科室负责人须属于一个单位",
            ))
        } else {
            let change = luoshi_store::AccessChange {
                role: Some(form.role),
                units: Some(units),
                disabled: Some(disabled),
                display_name: None,
            };
            state
                .store
                .update_user_access(&caller.audit, caller.actor.organization_id, id, &change)
                .await
                .map(|u| Some(format!("已保存用户 {}", u.username)))
                .map_err(ApiError::from)
        };
    admin_outcome(&state, &caller, outcome).await
}

async fn admin_reset_password(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<TokenForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    ApiError::check(decide(&caller.actor, Action::Administer), "页面")?;
    let user = state.store.user(id).await?;
    if user.organization_id != caller.actor.organization_id {
        return Err(ApiError::not_found("用户").into());
    }
    let password = luoshi_domain::password::generate();
    let outcome = state
        .store
        .set_password(
            &caller.audit,
            id,
            &luoshi_domain::password::hash(&password),
            true,
        )
        .await
        .map(|_| {
            Some(format!(
                "已重置 {} 的密码，临时密码：{password}（下次登录须修改）",
                user.username
            ))
        })
        .map_err(ApiError::from);
    admin_outcome(&state, &caller, outcome).await
}

#[derive(Deserialize)]
struct SettingsForm {
    csrf_token: String,
    cycle: String,
    due_day: String,
    reporting_start: String,
}

/// The plan's reporting cycle, due day and reporting start.
async fn review_settings(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<SettingsForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    ApiError::check(decide(&caller.actor, Action::ManagePlans), "计划")?;
    let cycle = match Cycle::parse(&form.cycle) {
        Ok(cycle) => cycle,
        Err(error) => return Ok(back_to_review(id, Some(error.to_string()))),
    };
    let Ok(due_day) = form.due_day.trim().parse::<i64>() else {
        return Ok(back_to_review(
            id,
            Some(format!("报送日“{}”不是数字", form.due_day)),
        ));
    };
    let patch = luoshi_store::PlanPatch {
        cycle: Some(cycle),
        due_day: Some(due_day),
        reporting_start: Some(form.reporting_start).filter(|d| !d.is_empty()),
        ..Default::default()
    };
    let result = state
        .store
        .update_plan(&caller.audit, caller.actor.organization_id, id, &patch)
        .await;
    Ok(back_to_review(
        id,
        result.err().map(|e| ApiError::from(e).message),
    ))
}
