//! Rows and names that several pages show: a task's row with its light, unit and user
//! names, a task's title, a notice's state in words, the newest report of each period.

use std::collections::HashMap;

use luoshi_store::TaskWithLight;

use crate::AppState;
use crate::auth::Caller;

use super::frame::PageError;

/// One row of a task list.
pub(super) struct TaskRow {
    pub(super) id: i64,
    pub(super) number: i64,
    pub(super) heading: String,
    pub(super) units: String,
    pub(super) color: &'static str,
    pub(super) color_zh: &'static str,
    pub(super) reasons: Vec<String>,
    pub(super) status: &'static str,
    pub(super) deadline: String,
}

pub(super) fn unit_names(assignments: &[luoshi_store::Assignment]) -> String {
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

pub(super) fn task_row(item: &TaskWithLight) -> TaskRow {
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
        status: luoshi_domain::report::ProgressStatus::zh_or_unreported(item.status),
        deadline: item.task.deadline_shown(),
    }
}

/// A task as lists that span sections name it: "3. 补充教师".
pub(super) fn task_title(task: &luoshi_store::Task) -> String {
    format!("{}. {}", task.number, task.heading)
}

/// The name of one of a task's units.
pub(super) fn unit_name_of(task: &luoshi_store::Task, unit: i64) -> String {
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

/// Display names of the organization's people, for histories and comments.
pub(super) async fn user_names(
    state: &AppState,
    caller: &Caller,
) -> Result<HashMap<i64, String>, PageError> {
    Ok(luoshi_app::admin::people_names(&state.store, &caller.actor).await?)
}
