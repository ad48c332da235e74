//! The responsible units of a plan under review: a written name mapped to a unit (or
//! removed, when it stands for several), and units given to many tasks at once.

use axum::Form;
use axum::extract::State;
use luoshi_app::plan_editing::{self, TaskSelection, UnitChoice};
use serde::Deserialize;

use crate::AppState;
use crate::api::Path;

use super::frame::{PageResult, Viewer};
use super::review::outcome;

#[derive(Deserialize)]
pub(super) struct UnitForm {
    csrf_token: String,
    written_name: String,
    /// A unit's id, `new` for a unit named as written, `drop` to remove the name.
    unit_id: String,
}

pub(super) async fn review_unit(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<UnitForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let choice = match form.unit_id.as_str() {
        "drop" => UnitChoice::Drop,
        "new" => UnitChoice::New {
            kind: luoshi_store::UnitKind::Department,
        },
        other => match other.parse::<i64>() {
            Ok(unit) => UnitChoice::Existing(unit),
            Err(_) => {
                let refused = Err(luoshi_app::AppError::Invalid {
                    field: "unit_id",
                    message: format!("“{other}”不是可选的单位"),
                });
                return outcome::<()>(&state, &caller, id, refused).await;
            }
        },
    };
    let result = plan_editing::map_unit(
        &state.store,
        &caller.actor,
        &caller.audit,
        id,
        &form.written_name,
        choice,
    )
    .await;
    outcome(&state, &caller, id, result).await
}

/// The bulk assignment form as sent: repeated `task`, `lead` and `co` fields.
struct Assignment {
    csrf_token: String,
    selection: Result<TaskSelection, String>,
    lead: Vec<i64>,
    co: Vec<i64>,
}

impl Assignment {
    fn read(pairs: Vec<(String, String)>) -> Assignment {
        let ids = |name: &str| -> Vec<i64> {
            pairs
                .iter()
                .filter(|(key, _)| key == name)
                .filter_map(|(_, value)| value.parse().ok())
                .collect()
        };
        let field = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
                .unwrap_or("")
        };
        let selection = match field("scope") {
            "without_lead" => Ok(TaskSelection::WithoutLead),
            "chosen" => Ok(TaskSelection::Chosen(ids("task"))),
            scope => scope
                .strip_prefix("section:")
                .and_then(|section| section.parse().ok())
                .map(TaskSelection::Section)
                .ok_or_else(|| format!("不支持的任务范围“{scope}”")),
        };
        Assignment {
            csrf_token: field("csrf_token").to_string(),
            selection,
            lead: ids("lead"),
            co: ids("co"),
        }
    }
}

/// 批量指定责任单位: the same lead (and co-) units for the ticked tasks, a whole section, or
/// every task still without a lead unit.
pub(super) async fn review_assign(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let form = Assignment::read(pairs);
    caller.check_form_token(&form.csrf_token)?;
    let result = match &form.selection {
        Ok(selection) => {
            plan_editing::assign_units(
                &state.store,
                &caller.actor,
                &caller.audit,
                id,
                selection,
                &form.lead,
                &form.co,
            )
            .await
        }
        Err(message) => Err(luoshi_app::AppError::Invalid {
            field: "scope",
            message: message.clone(),
        }),
    };
    outcome(&state, &caller, id, result).await
}
