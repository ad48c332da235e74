//! Reports written together (集中填报): a unit's whole period on one page or one sheet, and
//! one task's overdue periods in one form. Everything sent is checked against the batch the
//! server loaded before anything is written, and the writes land in one transaction, so a
//! refusal names every field or row at fault and leaves nothing half-saved.

use chrono::NaiveDate;
use luoshi_domain::DomainError;
use luoshi_domain::period::Period;
use luoshi_domain::policy::{Action, Actor, TaskAction, TaskScope, decide};
use luoshi_domain::report::{ReportState, check_submittable};
use luoshi_office::period_sheet::{self, SheetLine, SheetTarget};
use luoshi_store::{
    ActualInput, Audit, Paging, Plan, Report, ReportFilter, ReportInput, ReportWrite, Section,
    Store, Task,
};

use crate::error::{AppError, Result, check};
use crate::plans::visible;
use crate::tasks::authorize;

/// The largest sheet accepted for upload.
pub const MAX_SHEET_BYTES: usize = luoshi_office::import::MAX_BYTES;

/// One report to write: a task's period, with what the caller's unit owes for it.
#[derive(Clone, Debug)]
pub struct Line {
    pub task: Task,
    /// 序号 with its section (二-3), so that a line is found in the printed plan.
    pub number: String,
    pub period: Period,
    /// The newest version of the period's report, when one was started.
    pub standing: Option<Report>,
    /// The last report delivered for an earlier period: the previous figures.
    pub earlier: Option<Report>,
    /// The lead unit the report is written for.
    pub unit_id: Option<i64>,
}

impl Line {
    /// A line can be written while its report is a draft, returned, or not yet started.
    pub fn editable(&self) -> bool {
        self.standing
            .as_ref()
            .is_none_or(|r| matches!(r.state, ReportState::Draft | ReportState::Returned))
    }

    fn is(&self, task_id: i64, period: &str) -> bool {
        self.task.id == task_id && self.period.key() == period
    }
}

/// The lines one page or one sheet shows, in the plan's order.
#[derive(Clone, Debug)]
pub struct Batch {
    pub plan: Plan,
    pub lines: Vec<Line>,
}

/// What was sent for one line.
#[derive(Clone, Debug)]
pub struct Entry {
    pub task_id: i64,
    pub period: String,
    pub input: ReportInput,
}

impl Entry {
    fn is_blank(&self) -> bool {
        self.input
            .narrative
            .as_deref()
            .is_none_or(|n| n.trim().is_empty())
            && self.input.actuals.as_deref().is_none_or(<[_]>::is_empty)
    }
}

/// Which field of a line a problem concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryField {
    /// The line as a whole (not in the batch, already submitted).
    Line,
    Narrative,
    /// The actual of this target.
    Actual(i64),
}

/// Why one field of one line was refused, in Chinese.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryProblem {
    pub task_id: i64,
    pub period: String,
    pub field: EntryField,
    pub message: String,
}

/// 序号 as lists print it: the section's number and the task's (二-3), or the task's alone.
pub fn numbered(task: &Task, sections: &[Section]) -> String {
    match sections.iter().find(|s| Some(s.id) == task.section_id) {
        Some(section) => format!("{}-{}", section.number, task.number),
        None => task.number.to_string(),
    }
}

/// The caller's unit among the task's lead units, when it may write the task's reports.
fn writing_unit(actor: &Actor, task: &Task) -> Option<Option<i64>> {
    let (lead, co) = (task.lead_unit_ids(), task.co_unit_ids());
    let scope = TaskScope {
        lead: &lead,
        co: &co,
    };
    decide(actor, Action::WriteReport(scope))
        .allowed()
        .then(|| actor.units.iter().copied().find(|u| lead.contains(u)))
}

async fn lines_of(
    store: &Store,
    actor: &Actor,
    plan: &Plan,
    wanted: Vec<(Task, Period, Option<i64>)>,
) -> Result<Vec<Line>> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let sections = store.sections(plan.id).await?;
    let mut task_ids: Vec<i64> = wanted.iter().map(|(t, _, _)| t.id).collect();
    task_ids.dedup();
    let filter = ReportFilter {
        organization_id: actor.organization_id,
        task_ids: Some(task_ids),
        ..Default::default()
    };
    let reports = store.reports(&filter, Paging::all()).await?.items;
    Ok(wanted
        .into_iter()
        .map(|(task, period, unit_id)| {
            let key = period.key();
            let of_task = || reports.iter().filter(|r| r.task_id == task.id);
            let standing = of_task()
                .filter(|r| r.period == key)
                .max_by_key(|r| r.version)
                .cloned();
            let earlier = of_task()
                .filter(|r| r.period < key && r.state.is_delivered())
                .max_by(|a, b| (&a.period, a.version).cmp(&(&b.period, b.version)))
                .cloned();
            Line {
                number: numbered(&task, &sections),
                task,
                period,
                standing,
                earlier,
                unit_id,
            }
        })
        .collect())
}

/// Every task of a plan whose reports the caller's unit writes, for one period; refused to
/// roles that write no reports, so that they do not take an empty page for a finished one.
pub async fn period_of_unit(
    store: &Store,
    actor: &Actor,
    plan_id: i64,
    period: &str,
) -> Result<Batch> {
    let plan = visible(store, actor, plan_id).await?;
    let own_units = TaskScope {
        lead: &actor.units,
        co: &[],
    };
    check(decide(actor, Action::WriteReport(own_units)), "计划")?;
    let period = Period::parse(plan.cycle, period)?;
    if period.year != plan.year {
        return Err(AppError::Invalid {
            field: "period",
            message: format!("期次应在计划年度 {} 年内", plan.year),
        });
    }
    let wanted = store
        .plan_tasks(plan.id)
        .await?
        .into_iter()
        .filter_map(|task| {
            let unit = writing_unit(actor, &task)?;
            Some((task, period, unit))
        })
        .collect();
    let lines = lines_of(store, actor, &plan, wanted).await?;
    Ok(Batch { plan, lines })
}

/// Every period of one task that is past its due day and not yet delivered (补报).
pub async fn overdue_of_task(
    store: &Store,
    actor: &Actor,
    task_id: i64,
    today: NaiveDate,
) -> Result<Batch> {
    let scope = authorize(store, actor, task_id, TaskAction::WriteReport).await?;
    let plan = visible(store, actor, scope.plan_id).await?;
    let task = store.task(task_id).await?;
    let unit = writing_unit(actor, &task).flatten();
    let wanted = store
        .owed_reports(&plan, today)
        .await?
        .into_iter()
        .filter(|o| o.task_id == task_id && o.overdue)
        .filter_map(|o| Period::parse(plan.cycle, &o.period).ok())
        .map(|period| (task.clone(), period, unit))
        .collect();
    let lines = lines_of(store, actor, &plan, wanted).await?;
    Ok(Batch { plan, lines })
}

/// Checks what was sent against the batch: every line must be one of it and still open,
/// every figure one of its task's targets, and a line to submit must say something. A line
/// left blank that has no report yet is passed over.
fn writes_of(
    batch: &Batch,
    entries: &[Entry],
    submit: bool,
) -> std::result::Result<Vec<ReportWrite>, Vec<EntryProblem>> {
    let mut writes = Vec::new();
    let mut problems = Vec::new();
    for entry in entries {
        let problem = |field, message: &str| EntryProblem {
            task_id: entry.task_id,
            period: entry.period.clone(),
            field,
            message: message.to_string(),
        };
        let Some(line) = batch
            .lines
            .iter()
            .find(|l| l.is(entry.task_id, &entry.period))
        else {
            problems.push(problem(EntryField::Line, "不在本次填报的范围内"));
            continue;
        };
        if line.standing.is_none() && entry.is_blank() {
            continue;
        }
        if !line.editable() {
            if !entry.is_blank() && !unchanged(line, entry) {
                problems.push(problem(
                    EntryField::Line,
                    "本期报送已提交，不能再修改；如需更正，请在任务页发起更正",
                ));
            }
            continue;
        }
        for actual in entry.input.actuals.iter().flatten() {
            if !line.task.targets.iter().any(|t| t.id == actual.target_id) {
                problems.push(problem(
                    EntryField::Actual(actual.target_id),
                    "该指标不属于这项任务",
                ));
            }
        }
        if submit
            && let Err(DomainError::Invalid { reason, .. }) = check_submittable(entry.narrative())
        {
            problems.push(problem(EntryField::Narrative, &reason));
        }
        writes.push(ReportWrite {
            task_id: line.task.id,
            period: line.period.key(),
            unit_id: line.unit_id,
            input: entry.input.clone(),
            submit,
        });
    }
    if problems.is_empty() {
        Ok(writes)
    } else {
        Err(problems)
    }
}

impl Entry {
    fn narrative(&self) -> &str {
        self.input.narrative.as_deref().unwrap_or("")
    }
}

/// Whether an entry for a closed line repeats what the report already says (a sheet sent
/// back whole carries the submitted lines too).
fn unchanged(line: &Line, entry: &Entry) -> bool {
    let Some(report) = &line.standing else {
        return false;
    };
    let same_text = entry.narrative().trim() == report.narrative.trim();
    let same_figures = entry.input.actuals.iter().flatten().all(|a| {
        report
            .actuals
            .iter()
            .any(|r| r.target_id == a.target_id && r.value == a.value)
    });
    same_text && same_figures
}

/// Saves (or submits) the lines sent, all or none.
pub async fn save(
    store: &Store,
    audit: &Audit,
    batch: &Batch,
    entries: &[Entry],
    submit: bool,
) -> Result<Vec<Report>> {
    let writes = writes_of(batch, entries, submit).map_err(AppError::Entries)?;
    Ok(store.save_reports(audit, &writes).await?)
}

/// The batch as the sheet a unit downloads, fills in and uploads (本期填报表).
pub fn sheet(batch: &Batch) -> Result<Vec<u8>> {
    let unit_name = batch
        .lines
        .iter()
        .find_map(|line| {
            let unit = line.unit_id?;
            let assignment = line
                .task
                .lead_units
                .iter()
                .find(|a| a.unit_id == Some(unit))?;
            assignment.unit_name.clone()
        })
        .unwrap_or_default();
    let lines: Vec<SheetLine> = batch
        .lines
        .iter()
        .map(|line| {
            let report = line.standing.as_ref();
            SheetLine {
                task_id: line.task.id,
                number: line.number.clone(),
                title: line.task.heading.clone(),
                period: line.period.key(),
                state: report.map_or("未填报", |r| r.state.zh()),
                editable: line.editable(),
                status: report.map(|r| r.status),
                narrative: report.map(|r| r.narrative.clone()).unwrap_or_default(),
                targets: line
                    .task
                    .targets
                    .iter()
                    .map(|t| {
                        let value_of = |r: &Report| {
                            r.actuals
                                .iter()
                                .find(|a| a.target_id == t.id)
                                .map(|a| a.value)
                        };
                        SheetTarget {
                            target_id: t.id,
                            indicator: t.indicator.clone(),
                            planned: t.value_text.clone(),
                            unit: t.unit.clone(),
                            previous: line.earlier.as_ref().and_then(value_of),
                            actual: report.and_then(value_of),
                            running_total: t.is_running_total(),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let title = format!(
        "{}{}进展填报表（{}）",
        batch
            .lines
            .first()
            .map(|l| l.period.label_zh())
            .unwrap_or_default(),
        unit_name,
        batch.plan.title
    );
    Ok(period_sheet::write(&title, &lines)?)
}

/// Reads a filled sheet and saves it as [`save`] does; every problem is told by its row.
pub async fn upload(
    store: &Store,
    audit: &Audit,
    batch: &Batch,
    file_name: String,
    bytes: Vec<u8>,
    submit: bool,
) -> Result<Vec<Report>> {
    let read = tokio::task::spawn_blocking(move || period_sheet::read(&file_name, &bytes))
        .await
        .map_err(|_| AppError::Unreadable("填报表读取中断，请重新上传".into()))??;
    if !read.row_errors.is_empty() {
        return Err(AppError::Rows(read.row_errors));
    }
    let entries: Vec<Entry> = read
        .entries
        .iter()
        .map(|e| Entry {
            task_id: e.task_id,
            period: e.period.clone(),
            input: ReportInput {
                status: e.status,
                narrative: e.narrative.clone(),
                actuals: Some(
                    e.actuals
                        .iter()
                        .map(|a| ActualInput {
                            target_id: a.target_id,
                            value: a.value,
                            note: String::new(),
                        })
                        .collect(),
                ),
            },
        })
        .collect();
    let writes = writes_of(batch, &entries, submit).map_err(|problems| {
        AppError::Rows(
            problems
                .iter()
                .map(|p| {
                    let read_entry = read
                        .entries
                        .iter()
                        .find(|e| e.task_id == p.task_id && e.period == p.period);
                    let row = read_entry.map_or(0, |e| match p.field {
                        EntryField::Actual(target) => e.row_of(target),
                        _ => e.row,
                    });
                    format!("第 {row} 行：{}", p.message)
                })
                .collect(),
        )
    })?;
    Ok(store.save_reports(audit, &writes).await?)
}
