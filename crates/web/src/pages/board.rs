//! The home page: the supervisors' board and the task list with lights.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use luoshi_app::{board, notices};
use luoshi_domain::period::china_time;
use luoshi_domain::policy::{Action, decide};
use luoshi_domain::record::NoticeState;
use luoshi_domain::record::PlanStatus;
use luoshi_store::{Dashboard, Paging, Plan};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Caller;
use crate::history::{self, HistoryLine};

use super::frame::{Layout, PageError, PageResult, Viewer, home_crumb, render};
use super::my_tasks::my_tasks;
use super::queue::{Done, QueueView, queue_view};
use super::report::report_periods;
use super::review::drafts_of;
use super::rows::{TaskRow, task_title, unit_name_of, user_names};
use super::task::{TargetView, target_view};

#[derive(Template)]
#[template(path = "tasks.html")]
pub(super) struct TasksPage {
    pub(super) layout: Layout,
    pub(super) heading: String,
    pub(super) plan_id: Option<i64>,
    pub(super) light_options: Vec<(&'static str, &'static str)>,
    pub(super) filter_light: String,
    pub(super) filter_q: String,
    pub(super) unit_options: Vec<(i64, String, bool)>,
    pub(super) section_options: Vec<(i64, String, bool)>,
    pub(super) sort_options: Vec<(&'static str, &'static str, bool)>,
    pub(super) tasks: Vec<TaskRow>,
    pub(super) empty_message: String,
    pub(super) drafts: Vec<(i64, String)>,
    pub(super) can_upload: bool,
}

/// An open notice in a list that spans tasks (the board, 我的任务).
pub(super) struct NoticeLine {
    pub(super) task_id: i64,
    pub(super) task: String,
    pub(super) unit: String,
    pub(super) reason: String,
    pub(super) response_due: NaiveDate,
    /// The response date has passed without an answer.
    pub(super) late: bool,
    pub(super) state: &'static str,
}

/// The notices the caller sees (all of the organization's, or its units') not yet closed
/// on the tasks in `tasks`, earliest due first.
pub(super) async fn open_notices(
    state: &AppState,
    caller: &Caller,
    tasks: &HashMap<i64, luoshi_store::Task>,
) -> Result<Vec<NoticeLine>, PageError> {
    let today = state.today();
    let mut lines: Vec<NoticeLine> =
        notices::list(&state.store, &caller.actor, None, None, Paging::all())
            .await?
            .items
            .into_iter()
            .filter(|n| n.state != NoticeState::Closed)
            .filter_map(|n| {
                let task = tasks.get(&n.task_id)?;
                Some(NoticeLine {
                    task_id: task.id,
                    task: task_title(task),
                    unit: unit_name_of(task, n.unit_id),
                    late: n.state == NoticeState::Open && n.response_due < today,
                    state: n.state.zh(),
                    reason: n.reason,
                    response_due: n.response_due,
                })
            })
            .collect();
    lines.sort_by_key(|line| line.response_due);
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
    queue: QueueView,
}

#[derive(Deserialize)]
pub(super) struct HomeQuery {
    plan: Option<i64>,
    done: Option<Done>,
}

/// The board for those who oversee (挂图作战); the unit's tasks for those who report (我的任务).
pub(super) async fn home(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Query(query): Query<HomeQuery>,
) -> PageResult {
    let queue = queue_view(&state, &caller, query.done, None).await?;
    home_page(&state, &caller, query.plan, queue).await
}

/// The home page with its queues already built (a queue action that failed shows its
/// problem there).
pub(super) async fn home_page(
    state: &AppState,
    caller: &Caller,
    chosen_plan: Option<i64>,
    queue: QueueView,
) -> PageResult {
    let organization = luoshi_app::admin::organization(&state.store, &caller.actor).await?;
    if decide(&caller.actor, Action::ReadOrganization).allowed() {
        let plans = board::plans(
            &state.store,
            &caller.actor,
            Some(PlanStatus::Published),
            None,
            Paging::all(),
        )
        .await?
        .items;
        let chosen = chosen_plan
            .and_then(|id| plans.iter().find(|p| p.id == id))
            .or(plans.first())
            .cloned();
        let Some(plan) = chosen else {
            let page = TasksPage {
                layout: Layout::of(caller, vec![home_crumb()]),
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
                drafts: drafts_of(state, caller).await?,
                can_upload: decide(&caller.actor, Action::ManagePlans).allowed(),
            };
            return Ok(render(&page));
        };
        let board = board::dashboard(&state.store, &caller.actor, plan.id, state.today()).await?;
        let threshold = organization.light_rules.yellow_lag_percent;
        let targets = board
            .targets
            .iter()
            .filter(|t| t.actual.is_some())
            .map(|t| target_view(t, threshold))
            .collect();
        let periods = report_periods(&plan, state.today()).0;
        let tasks: HashMap<i64, luoshi_store::Task> =
            board::visible_tasks(&state.store, &caller.actor, &plan, state.today())
                .await?
                .into_iter()
                .map(|t| (t.task.id, t.task))
                .collect();
        let notices = open_notices(state, caller, &tasks).await?;
        let (since, others) =
            board::changes_since_last_login(&state.store, &caller.actor, plan.id, BOARD_CHANGES)
                .await?;
        let names = user_names(state, caller).await?;
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
            layout: Layout::of(caller, vec![home_crumb()]),
            can_publish: decide(&caller.actor, Action::ManagePlans).allowed(),
            periods,
            plan,
            plans,
            board,
            targets,
            notices,
            changes_since: since.map(|e| china_time(e.at).format("%Y-%m-%d %H:%M").to_string()),
            changes,
            queue,
        }));
    }
    my_tasks(state, caller, queue).await
}
