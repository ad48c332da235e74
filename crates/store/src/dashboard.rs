//! Lights and figures computed on read from the stored facts: nothing time-driven is
//! written, so any number of service instances agree and nothing runs twice.

use luoshi_domain::audit::{AuditAction, AuditEntity};
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use luoshi_domain::light::{self, LightColor, LightRules, MissingReport, TargetLag, TaskFacts};
use luoshi_domain::period::{Cycle, Period, china_time};
use luoshi_domain::report::{ProgressStatus, ReportState};

use crate::PlanStatus;
use crate::audit::Change;
use crate::sql::Sql;
use crate::{
    Audit, Dashboard, LightCounts, OwedReport, Plan, PublicPeriod, PublicTarget, PublicTask,
    Result, SectionFigures, Store, StoreError, TargetProgress, Task, TaskWithLight, UnitFigures,
    UnitOwing, now, owed_periods,
};

#[derive(sqlx::FromRow)]
struct ReportFact {
    id: i64,
    task_id: i64,
    period: String,
    version: i64,
    state: String,
    status: String,
    return_count: i64,
    submitted_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ActualFact {
    report_id: i64,
    target_id: i64,
    value: f64,
}

/// Everything about a plan that lights are computed from, loaded in four queries.
struct PlanFacts {
    plan: Plan,
    tasks: Vec<Task>,
    /// Per task: the latest version of each period's report, oldest period first.
    latest: HashMap<i64, Vec<ReportFact>>,
    actuals: HashMap<i64, Vec<ActualFact>>,
}

/// Reports that count as delivered: submitted or further, or a correction of an accepted one.
fn delivered(reports: &[ReportFact]) -> Vec<&ReportFact> {
    reports
        .iter()
        .filter(|r| {
            ReportState::parse(&r.state).is_ok_and(ReportState::is_delivered) || r.version > 1
        })
        .collect()
}

fn accepted(reports: &[ReportFact]) -> Option<&ReportFact> {
    reports
        .iter()
        .rfind(|r| ReportState::parse(&r.state) == Ok(ReportState::Accepted))
}

impl PlanFacts {
    fn reports_of(&self, task: &Task) -> &[ReportFact] {
        self.latest.get(&task.id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The periods begun by `today` whose report the task has not delivered, with their due
    /// dates; nothing after the period its accepted report declared it done.
    fn undelivered(&self, task: &Task, cycle: Cycle, today: NaiveDate) -> Vec<(Period, NaiveDate)> {
        let reports = self.reports_of(task);
        let delivered = delivered(reports);
        let done_period = accepted(reports)
            .filter(|r| ProgressStatus::parse(&r.status) == Ok(ProgressStatus::Done))
            .map(|r| r.period.clone());
        let mut owed = Vec::new();
        for period in owed_periods(&self.plan, cycle, today) {
            if done_period.as_ref().is_some_and(|p| *p < period.key()) {
                break;
            }
            if !delivered.iter().any(|r| r.period == period.key()) {
                owed.push((period, period.due(self.plan.due_day as u32)));
            }
        }
        owed
    }

    fn task_facts(
        &self,
        task: &Task,
        cycle: Cycle,
        today: NaiveDate,
    ) -> (TaskFacts, Vec<TargetProgress>) {
        let reports = self.reports_of(task);
        let state = |r: &ReportFact| ReportState::parse(&r.state).ok();
        let status = |r: &ReportFact| ProgressStatus::parse(&r.status).ok();
        let delivered = delivered(reports);
        let accepted = accepted(reports);
        let mut missing = Vec::new();
        let mut in_revision = Vec::new();
        for (period, due) in self.undelivered(task, cycle, today) {
            let returned_on_time = reports
                .iter()
                .rev()
                .find(|r| r.period == period.key())
                .is_some_and(|r| {
                    state(r) == Some(ReportState::Returned)
                        && r.submitted_at
                            .is_some_and(|at| china_time(at).date() <= due)
                });
            if due >= today {
                continue;
            }
            if returned_on_time {
                in_revision.push(period.label_zh());
            } else {
                missing.push(MissingReport {
                    period_label: period.label_zh(),
                    due,
                });
            }
        }
        let most_returns = reports
            .iter()
            .filter(|r| state(r) != Some(ReportState::Accepted))
            .map(|r| r.return_count)
            .max()
            .unwrap_or(0);
        let mut progress = Vec::new();
        let mut lags = Vec::new();
        for target in &task.targets {
            let latest_actual = delivered.iter().rev().find_map(|r| {
                self.actuals
                    .get(&r.id)
                    .and_then(|a| a.iter().find(|a| a.target_id == target.id))
                    .map(|a| (r.period.clone(), a.value))
            });
            let mut item = TargetProgress {
                target_id: target.id,
                task_id: task.id,
                indicator: target.indicator.clone(),
                unit: target.unit.clone(),
                annual_value: target.annual_value,
                period: None,
                actual: None,
                expected: None,
                lag_percent: None,
            };
            if let Some((period_key, actual)) = latest_actual {
                item.period = Some(period_key.clone());
                item.actual = Some(actual);
                if let (Some(trajectory), Ok(period)) =
                    (target.progress_path(), Period::parse(cycle, &period_key))
                {
                    let month = period.end().month();
                    let expected = trajectory.expected_at_month_end(month);
                    let lag = trajectory.lag_percent(actual, month);
                    item.expected = Some(expected);
                    item.lag_percent = Some(lag);
                    lags.push(TargetLag {
                        indicator: target.indicator.clone(),
                        unit: target.unit.clone(),
                        expected,
                        actual,
                        lag_percent: lag,
                    });
                }
            }
            progress.push(item);
        }
        let facts = TaskFacts {
            deadline: task.deadline,
            accepted_status: accepted.and_then(status),
            latest_status: delivered.last().and_then(|r| status(r)),
            missing_reports: missing,
            in_revision,
            most_returns: most_returns.max(0) as u32,
            target_lags: lags,
        };
        (facts, progress)
    }
}

impl Store {
    async fn plan_facts(&self, plan: &Plan) -> Result<PlanFacts> {
        self.facts(plan, None).await
    }

    /// The facts of a plan's tasks, or of `only` that one task (a task page needs no more).
    async fn facts(&self, plan: &Plan, only: Option<i64>) -> Result<PlanFacts> {
        let tasks = match only {
            Some(task_id) => vec![self.task(task_id).await?],
            None => self.plan_tasks(plan.id).await?,
        };
        let mut reports = Sql::new(
            "SELECT r.id, r.task_id, r.period, r.version, r.state, r.status, r.return_count, r.submitted_at FROM reports r
             JOIN tasks t ON t.id = r.task_id WHERE 1 = 1",
        );
        reports.push(" AND t.plan_id = ?", plan.id);
        let mut actuals = Sql::new(
            "SELECT a.report_id, a.target_id, a.value FROM report_actuals a
             JOIN reports r ON r.id = a.report_id JOIN tasks t ON t.id = r.task_id WHERE 1 = 1",
        );
        actuals.push(" AND t.plan_id = ?", plan.id);
        if let Some(task_id) = only {
            reports.push(" AND r.task_id = ?", task_id);
            actuals.push(" AND r.task_id = ?", task_id);
        }
        reports.raw(" ORDER BY r.task_id, r.period, r.version");
        let reports: Vec<ReportFact> = reports.query_as().fetch_all(&self.read).await?;
        let actuals: Vec<ActualFact> = actuals.query_as().fetch_all(&self.read).await?;
        let mut latest: HashMap<i64, Vec<ReportFact>> = HashMap::new();
        for report in reports {
            let list = latest.entry(report.task_id).or_default();
            // Rows come ordered by period then version: a later version replaces the earlier
            // one as `ReportState::replaces` says.
            match list.last() {
                Some(last) if last.period == report.period => {
                    let replaces = match (
                        ReportState::parse(&report.state),
                        ReportState::parse(&last.state),
                    ) {
                        (Ok(newer), Ok(standing)) => ReportState::replaces(newer, standing),
                        _ => true,
                    };
                    if replaces {
                        *list.last_mut().expect("non-empty") = report;
                    }
                }
                _ => list.push(report),
            }
        }
        let mut by_report: HashMap<i64, Vec<ActualFact>> = HashMap::new();
        for actual in actuals {
            by_report.entry(actual.report_id).or_default().push(actual);
        }
        Ok(PlanFacts {
            plan: plan.clone(),
            tasks,
            latest,
            actuals: by_report,
        })
    }

    /// Every task of a plan with its light on `today`.
    pub async fn tasks_with_lights(
        &self,
        plan: &Plan,
        rules: &LightRules,
        today: NaiveDate,
    ) -> Result<Vec<TaskWithLight>> {
        let facts = self.plan_facts(plan).await?;
        let cycle = plan.cycle;
        Ok(facts
            .tasks
            .iter()
            .map(|task| {
                let (task_facts, _) = facts.task_facts(task, cycle, today);
                TaskWithLight {
                    task: task.clone(),
                    light: light::compute(rules, &task_facts, today),
                    status: task_facts.latest_status,
                }
            })
            .collect())
    }

    /// One task of `plan` with its light and its targets' progress on `today`, read from
    /// that task's reports alone (the task page; the whole plan is not loaded).
    pub async fn task_progress(
        &self,
        plan: &Plan,
        task_id: i64,
        rules: &LightRules,
        today: NaiveDate,
    ) -> Result<(TaskWithLight, Vec<TargetProgress>)> {
        let facts = self.facts(plan, Some(task_id)).await?;
        let task = facts
            .tasks
            .iter()
            .find(|t| t.plan_id == plan.id)
            .ok_or(StoreError::NotFound("任务"))?;
        let (task_facts, progress) = facts.task_facts(task, plan.cycle, today);
        let item = TaskWithLight {
            task: task.clone(),
            light: light::compute(rules, &task_facts, today),
            status: task_facts.latest_status,
        };
        Ok((item, progress))
    }

    /// The reports a plan's tasks still owe on `today`, late ones first, for the units that
    /// must write them (我的任务: 待报送 and 逾期未报).
    pub async fn owed_reports(&self, plan: &Plan, today: NaiveDate) -> Result<Vec<OwedReport>> {
        if plan.status != PlanStatus::Published {
            return Ok(Vec::new());
        }
        let facts = self.plan_facts(plan).await?;
        let cycle = plan.cycle;
        let mut owed: Vec<OwedReport> = facts
            .tasks
            .iter()
            .flat_map(|task| {
                facts
                    .undelivered(task, cycle, today)
                    .into_iter()
                    .map(|(period, due)| OwedReport {
                        task_id: task.id,
                        period: period.key(),
                        period_label: period.label_zh(),
                        due,
                        overdue: due < today,
                    })
            })
            .collect();
        owed.sort_by(|a, b| a.due.cmp(&b.due).then(a.task_id.cmp(&b.task_id)));
        Ok(owed)
    }

    pub async fn dashboard(
        &self,
        plan: &Plan,
        rules: &LightRules,
        today: NaiveDate,
    ) -> Result<Dashboard> {
        let facts = self.plan_facts(plan).await?;
        let cycle = plan.cycle;
        let current = Period::containing(cycle, today);
        let sections = self.sections(plan.id).await?;
        let mut by_light = LightCounts::default();
        let mut by_status = BTreeMap::new();
        let mut by_section: Vec<SectionFigures> = sections
            .iter()
            .map(|s| SectionFigures {
                section_id: Some(s.id),
                number: s.number,
                title: s.title.clone(),
                tasks: 0,
                lights: LightCounts::default(),
            })
            .collect();
        let mut by_unit: BTreeMap<i64, UnitFigures> = BTreeMap::new();
        let mut owing: BTreeMap<i64, UnitOwing> = BTreeMap::new();
        let mut targets = Vec::new();
        for task in &facts.tasks {
            let (task_facts, progress) = facts.task_facts(task, cycle, today);
            let light = light::compute(rules, &task_facts, today);
            by_light.add(light.color);
            let status = task_facts
                .latest_status
                .map(|s| s.as_str().to_string())
                .unwrap_or_else(|| "not_reported".into());
            *by_status.entry(status).or_insert(0) += 1;
            let section = by_section
                .iter_mut()
                .find(|s| s.section_id.is_some() && s.section_id == task.section_id);
            let section = match section {
                Some(s) => s,
                None => {
                    if !by_section.iter().any(|s| s.section_id.is_none()) {
                        by_section.push(SectionFigures {
                            section_id: None,
                            number: 0,
                            title: "未分部分".into(),
                            tasks: 0,
                            lights: LightCounts::default(),
                        });
                    }
                    by_section
                        .iter_mut()
                        .find(|s| s.section_id.is_none())
                        .expect("pushed")
                }
            };
            section.tasks += 1;
            section.lights.add(light.color);
            let reported_now = facts.latest.get(&task.id).is_some_and(|rs| {
                rs.iter().any(|r| {
                    r.period == current.key()
                        && ReportState::parse(&r.state).is_ok_and(ReportState::is_delivered)
                })
            });
            let finished = light.color == LightColor::Done;
            for assignment in &task.lead_units {
                let Some(unit_id) = assignment.unit_id else {
                    continue;
                };
                let name = assignment
                    .unit_name
                    .clone()
                    .unwrap_or_else(|| assignment.written_name.clone());
                let figures = by_unit.entry(unit_id).or_insert_with(|| UnitFigures {
                    unit_id,
                    name: name.clone(),
                    tasks: 0,
                    lights: LightCounts::default(),
                    missing_reports: 0,
                });
                figures.tasks += 1;
                figures.lights.add(light.color);
                figures.missing_reports += task_facts.missing_reports.len() as i64;
                if !reported_now && !finished && plan.status == PlanStatus::Published {
                    owing
                        .entry(unit_id)
                        .or_insert_with(|| UnitOwing {
                            unit_id,
                            name,
                            task_ids: Vec::new(),
                        })
                        .task_ids
                        .push(task.id);
                }
            }
            targets.extend(progress);
        }
        let (open_notices,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM notices n JOIN tasks t ON t.id = n.task_id WHERE t.plan_id = $1 AND n.state <> 'closed'",
        )
        .bind(plan.id)
        .fetch_one(&self.read)
        .await?;
        Ok(Dashboard {
            plan_id: plan.id,
            as_of: today,
            period: current.key(),
            period_label: current.label_zh(),
            period_due: current.due(plan.due_day as u32),
            tasks: facts.tasks.len() as i64,
            by_light,
            by_status,
            by_section,
            by_unit: by_unit.into_values().collect(),
            targets,
            not_reported: owing.into_values().collect(),
            open_notices,
        })
    }

    /// Freezes what the public sees for a period. Publishing the same period again replaces
    /// the earlier snapshot (a correction), and the audit log keeps both.
    pub async fn publish_period(
        &self,
        audit: &Audit,
        plan: &Plan,
        period: &str,
        rules: &LightRules,
        today: NaiveDate,
    ) -> Result<PublicPeriod> {
        if plan.status != PlanStatus::Published {
            return Err(StoreError::Conflict("计划尚未发布，不能公开进展".into()));
        }
        let cycle = plan.cycle;
        let period = Period::parse(cycle, period)?;
        let facts = self.plan_facts(plan).await?;
        let sections = self.sections(plan.id).await?;
        let mut tasks = Vec::new();
        for task in &facts.tasks {
            let (task_facts, _) = facts.task_facts(task, cycle, today);
            let light = light::compute(rules, &task_facts, today);
            let accepted = facts.latest.get(&task.id).and_then(|rs| {
                rs.iter()
                    .find(|r| r.period == period.key() && r.state == "accepted")
            });
            let accepted_report = match accepted {
                Some(r) => Some(self.report(r.id).await?),
                None => None,
            };
            tasks.push(PublicTask {
                number: task.number,
                section: sections
                    .iter()
                    .find(|s| Some(s.id) == task.section_id)
                    .map(|s| s.title.clone()),
                heading: task.heading.clone(),
                lead_units: task
                    .lead_units
                    .iter()
                    .map(|a| {
                        a.unit_name
                            .clone()
                            .unwrap_or_else(|| a.written_name.clone())
                    })
                    .collect(),
                light: light.color,
                status: accepted_report.as_ref().map(|r| r.status),
                progress: accepted_report.as_ref().map(|r| r.narrative.clone()),
                targets: task
                    .targets
                    .iter()
                    .map(|t| PublicTarget {
                        indicator: t.indicator.clone(),
                        value_text: t.value_text.clone(),
                        unit: t.unit.clone(),
                        actual: accepted_report
                            .as_ref()
                            .and_then(|r| r.actuals.iter().find(|a| a.target_id == t.id))
                            .map(|a| a.value),
                    })
                    .collect(),
            });
        }
        let published_at = now();
        let public = PublicPeriod {
            plan_id: plan.id,
            plan_title: plan.title.clone(),
            period: period.key(),
            period_label: period.label_zh(),
            published_at,
            tasks,
        };
        let publisher = audit
            .actor_id
            .ok_or_else(|| luoshi_domain::DomainError::invalid("user", "须由用户发布"))?;
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM published_periods WHERE plan_id = $1 AND period = $2")
            .bind(plan.id)
            .bind(period.key())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO published_periods (plan_id, period, snapshot, published_by, published_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(plan.id)
        .bind(period.key())
        .bind(serde_json::to_string(&public)?)
        .bind(publisher)
        .bind(published_at)
        .execute(&mut *tx)
        .await?;
        Change::new(AuditAction::PublishPeriod, AuditEntity::Plan, Some(plan.id))
            .after(&public)
            .commit(tx, audit)
            .await?;
        Ok(public)
    }

    /// Period keys published for a plan, newest first.
    pub async fn published_periods(&self, plan_id: i64) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT period FROM published_periods WHERE plan_id = $1 ORDER BY period DESC",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(|(p,)| p).collect())
    }

    pub async fn published_period(&self, plan_id: i64, period: &str) -> Result<PublicPeriod> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT snapshot FROM published_periods WHERE plan_id = $1 AND period = $2",
        )
        .bind(plan_id)
        .bind(period.to_string())
        .fetch_optional(&self.read)
        .await?;
        Ok(serde_json::from_str(
            &row.ok_or(StoreError::NotFound("公开进展"))?.0,
        )?)
    }
}
