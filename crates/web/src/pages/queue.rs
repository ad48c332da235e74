//! The work queues on each role's home (待办): reports to accept or approve with what they
//! say, notices to answer, leaders' instructions to read, each decided inline; and the line that confirms what was done.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use luoshi_app::AppError;
use luoshi_app::queues::{self, AwaitingAnswer, AwaitingDecision, AwaitingReading};
use luoshi_domain::light::trim_number;
use luoshi_domain::period::china_time;
use luoshi_domain::report::ReportAction;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Caller;

use super::board::home_page;
use super::frame::{PageError, PageResult, reason_for_people};
use super::rows::{task_title, unit_name_of, unit_names, user_names};

/// A report in the queue, with what the decision is about.
pub(super) struct DecisionLine {
    pub(super) report_id: i64,
    pub(super) task_id: i64,
    pub(super) task: String,
    pub(super) unit: String,
    pub(super) period_label: String,
    pub(super) status: &'static str,
    pub(super) narrative: String,
    /// 指标：实际值 单位（年度目标 …）.
    pub(super) actuals: Vec<String>,
    pub(super) evidence: usize,
    pub(super) submitted: String,
    /// The unit head's step (审核) rather than the supervisor's (采纳).
    pub(super) approve: bool,
}

/// A notice in the queue, answered inline.
pub(super) struct AnswerLine {
    pub(super) notice_id: i64,
    pub(super) task_id: i64,
    pub(super) task: String,
    pub(super) reason: String,
    pub(super) response_due: chrono::NaiveDate,
    pub(super) late: bool,
}

/// A period a co-unit owes its part for, written inline.
pub(super) struct ContributionLine {
    pub(super) task_id: i64,
    pub(super) task: String,
    pub(super) lead: String,
    pub(super) period: String,
    pub(super) period_label: String,
    pub(super) due: chrono::NaiveDate,
    pub(super) late: bool,
}

/// A leader's instruction (批示) the caller's unit has yet to read.
pub(super) struct InstructionLine {
    pub(super) comment_id: i64,
    pub(super) task_id: i64,
    pub(super) task: String,
    pub(super) author: String,
    pub(super) at: String,
    pub(super) body: String,
}

/// How many entries of one queue a home page lists (the oldest first); the heading counts all.
const SHOWN: usize = 50;

/// The queues of a home page and what the last action did.
pub(super) struct QueueView {
    pub(super) decisions: Vec<DecisionLine>,
    /// All reports waiting, of which the first [`SHOWN`] are listed.
    pub(super) decisions_total: usize,
    pub(super) answers: Vec<AnswerLine>,
    pub(super) contributions: Vec<ContributionLine>,
    pub(super) instructions: Vec<InstructionLine>,
    /// 待采纳 for supervisors, 待审核 for unit heads.
    pub(super) decisions_heading: &'static str,
    pub(super) done: Option<&'static str>,
    pub(super) problem: Option<String>,
}

/// What a queue form reports back to the home page.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(super) enum Done {
    Accepted,
    Approved,
    Returned,
    Answered,
    Contributed,
    Read,
}

impl Done {
    fn message(self) -> &'static str {
        match self {
            Done::Accepted => "已采纳该报送。",
            Done::Approved => "已审核通过，报送已转督查室。",
            Done::Returned => "已退回该报送，退回理由已告知填报单位。",
            Done::Answered => "已回复督办单。",
            Done::Contributed => "已报送配合情况，牵头单位填报时可以看到并采用。",
            Done::Read => "已标记为已阅，批示人可在任务页面看到。",
        }
    }

    /// The confirmation of a decision taken in the queue (approve, accept or return).
    pub(super) fn of(action: ReportAction) -> Done {
        match action {
            ReportAction::Approve => Done::Approved,
            ReportAction::Return => Done::Returned,
            ReportAction::Accept | ReportAction::Submit | ReportAction::Edit => Done::Accepted,
        }
    }

    pub(super) fn as_query(self) -> &'static str {
        match self {
            Done::Accepted => "accepted",
            Done::Approved => "approved",
            Done::Returned => "returned",
            Done::Answered => "answered",
            Done::Contributed => "contributed",
            Done::Read => "read",
        }
    }
}

fn decision_line(item: AwaitingDecision) -> DecisionLine {
    let AwaitingDecision {
        report,
        decision,
        task,
        period,
    } = item;
    let actuals = report
        .actuals
        .iter()
        .filter_map(|actual| {
            let target = task.targets.iter().find(|t| t.id == actual.target_id)?;
            let annual = target
                .annual_value
                .map(|v| format!("（年度目标 {}{}）", trim_number(v), target.unit))
                .unwrap_or_default();
            Some(format!(
                "{}：{}{}{annual}",
                target.indicator,
                trim_number(actual.value),
                target.unit
            ))
        })
        .collect();
    DecisionLine {
        report_id: report.id,
        task_id: task.id,
        task: task_title(&task),
        unit: report
            .unit_id
            .map(|unit| unit_name_of(&task, unit))
            .unwrap_or_default(),
        period_label: period.label_zh(),
        status: report.status.zh(),
        narrative: report.narrative,
        actuals,
        evidence: report.attachments.len(),
        submitted: report
            .submitted_at
            .map(|at| china_time(at).format("%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        approve: decision == ReportAction::Approve,
    }
}

fn answer_line(item: AwaitingAnswer, today: chrono::NaiveDate) -> AnswerLine {
    AnswerLine {
        notice_id: item.notice.id,
        task_id: item.task.id,
        task: task_title(&item.task),
        reason: item.notice.reason,
        response_due: item.notice.response_due,
        late: item.notice.response_due < today,
    }
}

async fn instruction_lines(
    state: &AppState,
    caller: &Caller,
    instructions: Vec<AwaitingReading>,
) -> Result<Vec<InstructionLine>, PageError> {
    if instructions.is_empty() {
        return Ok(Vec::new());
    }
    let names = user_names(state, caller).await?;
    Ok(instructions
        .into_iter()
        .map(|item| InstructionLine {
            comment_id: item.instruction.id,
            task_id: item.task.id,
            task: task_title(&item.task),
            author: names
                .get(&item.instruction.author_id)
                .cloned()
                .unwrap_or_default(),
            at: china_time(item.instruction.created_at)
                .format("%m-%d %H:%M")
                .to_string(),
            body: item.instruction.body,
        })
        .collect())
}

/// The caller's queues, with the confirmation or the problem of the last queue action.
pub(super) async fn queue_view(
    state: &AppState,
    caller: &Caller,
    done: Option<Done>,
    problem: Option<String>,
) -> Result<QueueView, PageError> {
    let today = state.today();
    let work = queues::work(&state.store, &caller.actor, today, SHOWN).await?;
    let decisions_total = work.decisions_total;
    let decisions: Vec<DecisionLine> = work.decisions.into_iter().map(decision_line).collect();
    let heading = if decisions.iter().any(|d| d.approve) {
        "待审核的报送"
    } else {
        "待采纳的报送"
    };
    Ok(QueueView {
        decisions,
        decisions_total,
        answers: work
            .answers
            .into_iter()
            .map(|a| answer_line(a, today))
            .collect(),
        contributions: work
            .contributions
            .into_iter()
            .map(|c| ContributionLine {
                task_id: c.task.id,
                task: task_title(&c.task),
                lead: unit_names(&c.task.lead_units),
                period: c.period.key(),
                period_label: c.period.label_zh(),
                due: c.due,
                late: c.due < today,
            })
            .collect(),
        instructions: instruction_lines(state, caller, work.instructions).await?,
        decisions_heading: heading,
        done: done.map(Done::message),
        problem,
    })
}

/// After an action that can be taken in the home queue: sent from there (`back=home`), back
/// to it saying what was done, or with the reason it was refused (a missing return reason, a
/// report already decided) in place of a bare error page; sent from elsewhere, on to the
/// page `elsewhere` names.
pub(super) async fn after_action<T>(
    state: &AppState,
    caller: &Caller,
    back: Option<&str>,
    outcome: Result<T, AppError>,
    done: Done,
    elsewhere: impl FnOnce(&T) -> String,
) -> PageResult {
    if back != Some("home") {
        return Ok(Redirect::to(&elsewhere(&outcome?)).into_response());
    }
    match outcome.map(|_| done) {
        Ok(done) => Ok(Redirect::to(&format!("/?done={}", done.as_query())).into_response()),
        Err(error @ (AppError::Forbidden | AppError::NotFound(_))) => Err(error.into()),
        Err(error) => {
            let queue = queue_view(state, caller, None, Some(reason_for_people(error))).await?;
            let page = home_page(state, caller, None, queue).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
