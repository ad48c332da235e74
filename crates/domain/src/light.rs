//! The traffic light (红黄绿灯) of a task, with the reasons kept alongside so that nobody
//! has to guess why a task is red.
//!
//! Rules, in order (thresholds in [`LightRules`], configurable per organization):
//! - **done** (已完成): the latest accepted report says the work is finished. Done tasks
//!   are not green: they are out of the running.
//! - **red**: the deadline has passed unfinished; a report is overdue by more than
//!   `red_overdue_days`; or one period's report was returned `red_return_count` times or more.
//! - **yellow**: a report is overdue; a target is behind its trajectory by more than
//!   `yellow_lag_percent` of the year's span; the deadline is within `yellow_deadline_days`
//!   and the work unfinished; or the unit itself reports the work lagging or blocked.
//! - **green** otherwise.
//!
//! Every rule that holds adds a reason; the colour is the worst among them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::DomainError;
use crate::report::ProgressStatus;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LightRules {
    /// A target more than this many percent of its annual span behind schedule turns yellow.
    pub yellow_lag_percent: f64,
    /// An unfinished task this many days or fewer before its deadline turns yellow.
    pub yellow_deadline_days: i64,
    /// A report overdue by more than this many days turns red.
    pub red_overdue_days: i64,
    /// This many returns of one period's report turn red.
    pub red_return_count: u32,
}

impl Default for LightRules {
    fn default() -> Self {
        LightRules {
            yellow_lag_percent: 10.0,
            yellow_deadline_days: 15,
            red_overdue_days: 10,
            red_return_count: 2,
        }
    }
}

impl LightRules {
    pub fn validate(&self) -> Result<(), DomainError> {
        if !(0.0..=100.0).contains(&self.yellow_lag_percent) {
            return Err(DomainError::invalid(
                "yellow_lag_percent",
                "应在 0 到 100 之间",
            ));
        }
        if self.yellow_deadline_days < 0 || self.red_overdue_days < 0 {
            return Err(DomainError::invalid("days", "天数不能为负"));
        }
        if self.red_return_count == 0 {
            return Err(DomainError::invalid("red_return_count", "至少为 1"));
        }
        Ok(())
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LightColor {
    Green,
    Yellow,
    Red,
    /// 已完成.
    Done,
}

impl LightColor {
    pub fn as_str(self) -> &'static str {
        match self {
            LightColor::Green => "green",
            LightColor::Yellow => "yellow",
            LightColor::Red => "red",
            LightColor::Done => "done",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            LightColor::Green => "绿灯",
            LightColor::Yellow => "黄灯",
            LightColor::Red => "红灯",
            LightColor::Done => "已完成",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LightReason {
    /// Stable: `deadline_passed`, `report_overdue_long`, `returned_repeatedly`,
    /// `report_overdue`, `target_behind`, `deadline_near`, `reported_lagging`, `completed`.
    pub code: String,
    pub color: LightColor,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Light {
    pub color: LightColor,
    pub reasons: Vec<LightReason>,
}

/// A report the lead unit owed and has not delivered.
#[derive(Clone, Debug, PartialEq)]
pub struct MissingReport {
    pub period_label: String,
    pub due: NaiveDate,
}

/// A target behind its trajectory at its latest reported actual.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetLag {
    pub indicator: String,
    /// The target's unit of measure (所, %, 名), said after each figure.
    pub unit: String,
    pub expected: f64,
    pub actual: f64,
    pub lag_percent: f64,
}

/// What the light is computed from; gathered by the store, judged here.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaskFacts {
    pub deadline: Option<NaiveDate>,
    /// Status in the latest accepted report.
    pub accepted_status: Option<ProgressStatus>,
    /// Status in the latest delivered report (accepted or not).
    pub latest_status: Option<ProgressStatus>,
    /// Reports whose due date has passed without a delivered report.
    pub missing_reports: Vec<MissingReport>,
    /// Periods (as labels) whose report was submitted on time and then returned, and is not
    /// yet submitted again: in revision, not missing.
    pub in_revision: Vec<String>,
    /// The most returns any not-yet-accepted period's report has had.
    pub most_returns: u32,
    pub target_lags: Vec<TargetLag>,
}

fn reason(code: &str, color: LightColor, message: String) -> LightReason {
    LightReason {
        code: code.to_string(),
        color,
        message,
    }
}

/// Judges one task on `today`.
pub fn compute(rules: &LightRules, facts: &TaskFacts, today: NaiveDate) -> Light {
    use LightColor::{Done, Green, Red, Yellow};
    if facts.accepted_status == Some(ProgressStatus::Done) {
        return Light {
            color: Done,
            reasons: vec![reason("completed", Done, "已报送完成并经审核采纳".into())],
        };
    }
    let mut reasons = Vec::new();
    if let Some(deadline) = facts.deadline {
        let days_left = (deadline - today).num_days();
        if days_left < 0 {
            reasons.push(reason(
                "deadline_passed",
                Red,
                format!("已超过完成时限（{deadline}）{} 天仍未完成", -days_left),
            ));
        } else if days_left <= rules.yellow_deadline_days {
            reasons.push(reason(
                "deadline_near",
                Yellow,
                format!("距完成时限（{deadline}）仅剩 {days_left} 天，尚未完成"),
            ));
        }
    }
    for missing in &facts.missing_reports {
        let late = (today - missing.due).num_days();
        if late > rules.red_overdue_days {
            reasons.push(reason(
                "report_overdue_long",
                Red,
                format!("{}进展逾期 {late} 天未报送", missing.period_label),
            ));
        } else if late > 0 {
            reasons.push(reason(
                "report_overdue",
                Yellow,
                format!("{}进展逾期 {late} 天未报送", missing.period_label),
            ));
        }
    }
    for period_label in &facts.in_revision {
        reasons.push(reason(
            "returned_for_revision",
            Yellow,
            format!("{period_label}进展已按时报送，被退回修改，待重新提交"),
        ));
    }
    if facts.most_returns >= rules.red_return_count {
        reasons.push(reason(
            "returned_repeatedly",
            Red,
            format!("同一期报送已被退回 {} 次", facts.most_returns),
        ));
    }
    for lag in &facts.target_lags {
        if lag.lag_percent > rules.yellow_lag_percent {
            reasons.push(reason(
                "target_behind",
                Yellow,
                format!(
                    "“{}”实际 {}{unit}，低于序时进度 {}{unit}（落后 {:.1}%）",
                    lag.indicator,
                    trim_number(round2(lag.actual)),
                    trim_number(round2(lag.expected)),
                    lag.lag_percent,
                    unit = lag.unit,
                ),
            ));
        }
    }
    if let Some(status @ (ProgressStatus::Lagging | ProgressStatus::Blocked)) = facts.latest_status
    {
        reasons.push(reason(
            "reported_lagging",
            Yellow,
            format!("责任单位报告工作{}", status.zh()),
        ));
    }
    let color = reasons.iter().map(|r| r.color).max().unwrap_or(Green);
    Light { color, reasons }
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// 12 rather than 12.0, 0.5 as is.
pub fn trim_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        let text = format!("{value:.4}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn codes(light: &Light) -> Vec<&str> {
        light.reasons.iter().map(|r| r.code.as_str()).collect()
    }

    #[test]
    fn a_task_with_nothing_wrong_is_green_without_reasons() {
        let light = compute(&LightRules::default(), &TaskFacts::default(), day(3, 1));
        assert_eq!(light.color, LightColor::Green);
        assert!(light.reasons.is_empty());
    }

    #[test]
    fn accepted_completion_is_done_not_green_even_past_the_deadline() {
        let facts = TaskFacts {
            deadline: Some(day(6, 30)),
            accepted_status: Some(ProgressStatus::Done),
            ..Default::default()
        };
        let light = compute(&LightRules::default(), &facts, day(9, 1));
        assert_eq!(light.color, LightColor::Done);
    }

    #[test]
    fn overdue_reports_turn_yellow_then_red_after_the_threshold() {
        let facts = TaskFacts {
            missing_reports: vec![MissingReport {
                period_label: "2026年3月".into(),
                due: day(3, 25),
            }],
            ..Default::default()
        };
        let rules = LightRules::default();
        assert_eq!(compute(&rules, &facts, day(3, 25)).color, LightColor::Green);
        let yellow = compute(&rules, &facts, day(3, 30));
        assert_eq!(
            (yellow.color, codes(&yellow)),
            (LightColor::Yellow, vec!["report_overdue"])
        );
        let red = compute(&rules, &facts, day(4, 10));
        assert_eq!(red.color, LightColor::Red);
        assert!(red.reasons[0].message.contains("逾期 16 天"));
    }

    #[test]
    fn a_report_returned_after_an_on_time_submission_is_in_revision_not_overdue() {
        let facts = TaskFacts {
            in_revision: vec!["2026年3月".into()],
            ..Default::default()
        };
        let light = compute(&LightRules::default(), &facts, day(4, 20));
        assert_eq!(
            (light.color, codes(&light)),
            (LightColor::Yellow, vec!["returned_for_revision"])
        );
        assert!(light.reasons[0].message.starts_with("2026年3月"));
    }

    #[test]
    fn deadline_near_and_passed() {
        let facts = TaskFacts {
            deadline: Some(day(6, 30)),
            latest_status: Some(ProgressStatus::InProgress),
            ..Default::default()
        };
        let rules = LightRules::default();
        assert_eq!(compute(&rules, &facts, day(6, 1)).color, LightColor::Green);
        assert_eq!(
            codes(&compute(&rules, &facts, day(6, 20))),
            vec!["deadline_near"]
        );
        assert_eq!(
            codes(&compute(&rules, &facts, day(7, 1))),
            vec!["deadline_passed"]
        );
    }

    #[test]
    fn lagging_targets_repeated_returns_and_reported_trouble() {
        let facts = TaskFacts {
            most_returns: 2,
            latest_status: Some(ProgressStatus::Blocked),
            target_lags: vec![
                TargetLag {
                    indicator: "新建幼儿园".into(),
                    unit: "所".into(),
                    expected: 10.0,
                    actual: 6.0,
                    lag_percent: 20.0,
                },
                TargetLag {
                    indicator: "毛入园率".into(),
                    unit: "%".into(),
                    expected: 90.0,
                    actual: 89.5,
                    lag_percent: 5.0,
                },
            ],
            ..Default::default()
        };
        let light = compute(&LightRules::default(), &facts, day(6, 1));
        assert_eq!(light.color, LightColor::Red);
        assert_eq!(
            codes(&light),
            vec!["returned_repeatedly", "target_behind", "reported_lagging"]
        );
        assert_eq!(
            light.reasons[1].message,
            "“新建幼儿园”实际 6所，低于序时进度 10所（落后 20.0%）"
        );
        let lenient = LightRules {
            red_return_count: 3,
            yellow_lag_percent: 25.0,
            ..LightRules::default()
        };
        assert_eq!(
            codes(&compute(&lenient, &facts, day(6, 1))),
            vec!["reported_lagging"]
        );
    }

    #[test]
    fn rules_are_validated() {
        assert!(LightRules::default().validate().is_ok());
        let bad = LightRules {
            red_return_count: 0,
            ..LightRules::default()
        };
        assert!(matches!(bad.validate(), Err(DomainError::Invalid { .. })));
    }
}
