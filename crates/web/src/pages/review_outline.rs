//! The outline of a plan under review: its sections (一、二、) added and renamed, and each
//! task's targets added, corrected (indicator, comparator, value, unit) and deleted.

use axum::Form;
use axum::extract::State;
use luoshi_app::AppError;
use luoshi_app::plan_editing;
use luoshi_plandoc::model::Comparator;
use luoshi_plandoc::numerals::parse_chinese;
use luoshi_store::{SectionInput, TargetInput};
use serde::Deserialize;

use crate::AppState;
use crate::api::Path;

use super::frame::{PageResult, Viewer};
use super::review::{outcome, refused};

/// The annual value as typed, or the reason it is not a number.
fn annual_value(typed: &str) -> Result<f64, String> {
    typed
        .trim()
        .parse::<f64>()
        .map_err(|_| format!("目标值“{typed}”不是数字"))
}

fn comparator(code: &str) -> Result<Option<Comparator>, String> {
    if code.is_empty() {
        return Ok(None);
    }
    Comparator::parse(code).map(Some).map_err(|e| e.to_string())
}

fn text(typed: &str) -> Option<String> {
    Some(typed.trim().to_string()).filter(|t| !t.is_empty())
}

#[derive(Deserialize)]
pub(super) struct TargetForm {
    csrf_token: String,
    /// `save` (the default) or `delete`.
    #[serde(default)]
    op: String,
    #[serde(default)]
    annual_value: String,
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    comparator: String,
    #[serde(default)]
    unit: String,
}

impl TargetForm {
    fn input(&self) -> Result<TargetInput, String> {
        Ok(TargetInput {
            annual_value: Some(annual_value(&self.annual_value)?),
            comparator: comparator(&self.comparator)?,
            indicator: text(&self.indicator),
            unit: text(&self.unit),
            ..Default::default()
        })
    }
}

/// Corrects or deletes one target of a task under review.
pub(super) async fn review_target(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path((id, target)): Path<(i64, i64)>,
    Form(form): Form<TargetForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let (store, actor, audit) = (&state.store, &caller.actor, &caller.audit);
    let result = if form.op == "delete" {
        plan_editing::delete_target(store, actor, audit, target).await
    } else {
        let input = match form.input() {
            Ok(input) => input,
            Err(message) => return refused(&state, &caller, id, message).await,
        };
        plan_editing::update_target(store, actor, audit, target, &input)
            .await
            .map(drop)
    };
    outcome(&state, &caller, id, result).await
}

/// Adds a target the extractor missed to a task under review.
pub(super) async fn review_target_new(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path((id, task)): Path<(i64, i64)>,
    Form(form): Form<TargetForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let input = match form.input() {
        Ok(input) if input.indicator.is_some() => input,
        Ok(_) => return refused(&state, &caller, id, "请填写指标名称".into()).await,
        Err(message) => return refused(&state, &caller, id, message).await,
    };
    let result =
        plan_editing::create_target(&state.store, &caller.actor, &caller.audit, task, &input).await;
    outcome(&state, &caller, id, result).await
}

#[derive(Deserialize)]
pub(super) struct SectionForm {
    csrf_token: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    title: String,
}

impl SectionForm {
    fn input(&self) -> Result<SectionInput, AppError> {
        let number = match self.number.trim() {
            "" => None,
            typed => Some(
                typed
                    .parse::<i64>()
                    .ok()
                    .or_else(|| parse_chinese(typed).and_then(|n| i64::try_from(n).ok()))
                    .ok_or_else(|| AppError::Invalid {
                        field: "number",
                        message: format!("序号“{typed}”应为数字或一、二、三"),
                    })?,
            ),
        };
        Ok(SectionInput {
            number,
            title: text(&self.title),
        })
    }
}

/// Renames or renumbers a section of the plan under review.
pub(super) async fn review_section(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path((id, section)): Path<(i64, i64)>,
    Form(form): Form<SectionForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let (store, actor, audit) = (&state.store, &caller.actor, &caller.audit);
    let result = async {
        let input = form.input()?;
        plan_editing::update_section(store, actor, audit, id, section, &input).await
    };
    outcome(&state, &caller, id, result.await).await
}

/// Adds a section the extractor missed; tasks are then moved into it from their forms.
pub(super) async fn review_section_new(
    State(state): State<AppState>,
    Viewer(caller): Viewer,
    Path(id): Path<i64>,
    Form(form): Form<SectionForm>,
) -> PageResult {
    caller.check_form_token(&form.csrf_token)?;
    let (store, actor, audit) = (&state.store, &caller.actor, &caller.audit);
    let result = async {
        let input = form.input()?;
        plan_editing::create_section(store, actor, audit, id, &input).await
    };
    outcome(&state, &caller, id, result.await).await
}
