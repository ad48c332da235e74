//! Records as the store hands them out and the layers above read them: plans, tasks,
//! reports and the figures computed from them. Their JSON is the API's. They live here, below
//! the store, so that the file renderers need the domain alone.

use crate::audit::{AuditAction, AuditEntity};
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use luoshi_plandoc::model::Comparator;

use crate::light::{Light, LightColor, LightRules};
use crate::period::{Cycle, Period};
use crate::report::{ProgressStatus, ReportState};
use crate::role::Role;
use crate::trajectory::{Direction, Trajectory};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Which page of a list to return; `page` counts from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    pub const MAX_PER_PAGE: i64 = 200;
    /// Past any list a bureau keeps; bounded so that the offset a page makes cannot overflow.
    pub const MAX_PAGE: i64 = 1_000_000;

    /// Clamps what a client asked for to sane bounds.
    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Paging {
        Paging {
            page: page.unwrap_or(1).clamp(1, Self::MAX_PAGE),
            per_page: per_page.unwrap_or(50).clamp(1, Self::MAX_PER_PAGE),
        }
    }

    pub fn all() -> Paging {
        Paging {
            page: 1,
            per_page: i64::MAX / 2,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Organization {
    pub id: i64,
    pub name: String,
    /// Whether unit heads approve reports before the supervisor sees them.
    pub head_review: bool,
    pub light_rules: LightRules,
    pub created_at: i64,
}

/// What kind of unit a bureau's department or subordinate is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 科室.
    #[default]
    Department,
    /// 中心.
    Center,
    /// 直属单位.
    Subordinate,
    /// 县区教育局.
    County,
    /// 学校.
    School,
    Other,
}

text_enum!(UnitKind {
    Department => "department" / "科室",
    Center => "center" / "中心",
    Subordinate => "subordinate" / "直属单位",
    County => "county" / "县区教育局",
    School => "school" / "学校",
    Other => "other" / "其他",
});

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Unit {
    pub id: i64,
    pub organization_id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub kind: UnitKind,
    pub abbreviations: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub organization_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub units: Vec<i64>,
    pub must_change_password: bool,
    pub locked_until: Option<i64>,
    pub disabled: bool,
    pub created_at: i64,
}

/// Where a plan stands: a draft under review, or published and tracked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// 草稿: imported, being reviewed and corrected.
    Draft,
    /// 已发布: tasks are assigned and reported on.
    Published,
}

text_enum!(PlanStatus {
    Draft => "draft" / "草稿",
    Published => "published" / "已发布",
});

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Plan {
    pub id: i64,
    pub organization_id: i64,
    pub title: String,
    pub year: i32,
    pub doc_number: Option<String>,
    /// `draft` or `published`.
    pub status: PlanStatus,
    /// `monthly`, `quarterly` or `semi_monthly`.
    pub cycle: Cycle,
    /// Day of the period's last month the report is due.
    pub due_day: i64,
    /// Bumped by every edit after publication; each bump has a snapshot.
    pub version: i64,
    pub source_name: Option<String>,
    pub warnings: Vec<String>,
    pub created_at: i64,
    pub published_at: Option<i64>,
    /// The day from which reports are owed: the publication day unless changed.
    pub reporting_start: Option<NaiveDate>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Section {
    pub id: i64,
    pub plan_id: i64,
    pub position: i64,
    pub number: i64,
    pub title: String,
}

/// A responsible unit as the plan wrote it and the unit it was mapped to.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Assignment {
    pub written_name: String,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Target {
    pub id: i64,
    pub task_id: i64,
    pub indicator: String,
    pub unit: String,
    #[schema(value_type = String)]
    pub comparator: Comparator,
    pub value_text: String,
    pub baseline: Option<f64>,
    pub annual_value: Option<f64>,
    /// Explicit month-end values (序时进度), January first; linear when absent.
    pub trajectory: Option<Vec<f64>>,
    pub source_text: String,
    pub span: [i64; 2],
}

impl Target {
    /// Whether its figure is the year's running total (累计: 所, 名, 期) rather than the
    /// level reached (a rate in %, which is reported as it stands).
    pub fn is_running_total(&self) -> bool {
        !(self.unit.contains('%') || self.unit.contains('％'))
    }

    /// The path its figure should follow through the year (序时进度); `None` without an
    /// annual value to aim at.
    pub fn progress_path(&self) -> Option<Trajectory> {
        Some(Trajectory {
            baseline: self.baseline.unwrap_or(0.0),
            annual: self.annual_value?,
            monthly: self.trajectory.clone(),
            direction: Direction::from_comparator(self.comparator),
        })
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Milestone {
    pub id: i64,
    pub task_id: i64,
    pub title: String,
    pub due_date: NaiveDate,
    pub done_at: Option<i64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Task {
    pub id: i64,
    pub plan_id: i64,
    pub section_id: Option<i64>,
    pub position: i64,
    pub number: i64,
    pub heading: String,
    pub body: String,
    pub objective: Option<String>,
    pub measures: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub deadline_text: Option<String>,
    pub span: [i64; 2],
    pub lead_units: Vec<Assignment>,
    pub co_units: Vec<Assignment>,
    pub targets: Vec<Target>,
    pub milestones: Vec<Milestone>,
}

impl Task {
    pub fn lead_unit_ids(&self) -> Vec<i64> {
        self.lead_units.iter().filter_map(|a| a.unit_id).collect()
    }

    pub fn co_unit_ids(&self) -> Vec<i64> {
        self.co_units.iter().filter_map(|a| a.unit_id).collect()
    }

    /// The deadline as lists and files show it: as the plan wrote it (6月底前), else the
    /// date read from it, else 年内 (a task without one is due within the year).
    pub fn deadline_shown(&self) -> String {
        self.deadline_text
            .clone()
            .or(self.deadline.map(|d| d.to_string()))
            .unwrap_or_else(|| "年内".into())
    }
}

/// A task with its computed light, for lists and boards.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TaskWithLight {
    #[serde(flatten)]
    pub task: Task,
    pub light: Light,
    /// Progress status of the latest delivered report.
    pub status: Option<ProgressStatus>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Actual {
    pub target_id: i64,
    pub value: f64,
    pub note: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
/// An evidence file: of a report (佐证材料) or of a unit's answer to a notice (整改材料).
pub struct Attachment {
    pub id: i64,
    pub report_id: Option<i64>,
    pub notice_id: Option<i64>,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    #[serde(skip)]
    pub stored_name: String,
    pub sha256: String,
    pub uploaded_by: i64,
    pub created_at: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Report {
    pub id: i64,
    pub task_id: i64,
    pub period: String,
    pub version: i64,
    pub unit_id: Option<i64>,
    pub state: ReportState,
    pub status: ProgressStatus,
    pub narrative: String,
    pub return_reason: Option<String>,
    pub return_count: i64,
    pub created_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub approved_by: Option<i64>,
    pub approved_at: Option<i64>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<i64>,
    pub actuals: Vec<Actual>,
    pub attachments: Vec<Attachment>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Contribution {
    pub id: i64,
    pub task_id: i64,
    pub period: String,
    pub unit_id: i64,
    pub author_id: i64,
    pub body: String,
    pub created_at: i64,
}

/// Where a supervision notice (督办单) stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeState {
    /// 待回复: issued, the unit has not answered.
    Open,
    /// 已回复: answered, the supervisor has not closed it.
    Answered,
    /// 已办结.
    Closed,
}

text_enum!(NoticeState {
    Open => "open" / "待回复",
    Answered => "answered" / "已回复",
    Closed => "closed" / "已办结",
});

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Notice {
    pub id: i64,
    pub task_id: i64,
    pub unit_id: i64,
    pub reason: String,
    /// The day by which the unit must answer.
    pub response_due: NaiveDate,
    /// `open`, `answered` or `closed`.
    pub state: NoticeState,
    pub issued_by: i64,
    pub issued_at: i64,
    pub response: Option<String>,
    pub responded_by: Option<i64>,
    pub responded_at: Option<i64>,
    pub closed_by: Option<i64>,
    pub closed_at: Option<i64>,
}

/// What a remark on a task is: anyone's comment (评论), or a leader's instruction (批示),
/// which is shown apart and waits in the lead unit's queue until the unit has read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommentKind {
    Comment,
    Instruction,
}

text_enum!(CommentKind {
    Comment => "comment" / "评论",
    Instruction => "instruction" / "批示",
});

impl CommentKind {
    /// A leader's word on a task is a 批示; everyone else's is a comment.
    pub fn written_by(role: Role) -> CommentKind {
        if role == Role::Leader {
            CommentKind::Instruction
        } else {
            CommentKind::Comment
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Comment {
    pub id: i64,
    pub task_id: i64,
    pub report_id: Option<i64>,
    pub author_id: i64,
    pub kind: CommentKind,
    pub body: String,
    pub created_at: i64,
    /// Who of the lead unit marked an instruction read (已阅), and when.
    pub read_by: Option<i64>,
    pub read_at: Option<i64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub ip: String,
    pub action: AuditAction,
    pub entity: AuditEntity,
    pub entity_id: Option<i64>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct LightCounts {
    pub green: i64,
    pub yellow: i64,
    pub red: i64,
    pub done: i64,
}

impl LightCounts {
    /// Counts one more task of `color`.
    pub fn add(&mut self, color: LightColor) {
        match color {
            LightColor::Green => self.green += 1,
            LightColor::Yellow => self.yellow += 1,
            LightColor::Red => self.red += 1,
            LightColor::Done => self.done += 1,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SectionFigures {
    pub section_id: Option<i64>,
    pub number: i64,
    pub title: String,
    pub tasks: i64,
    pub lights: LightCounts,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct UnitFigures {
    pub unit_id: i64,
    pub name: String,
    /// Tasks the unit leads.
    pub tasks: i64,
    pub lights: LightCounts,
    /// Reports past due and not delivered.
    pub missing_reports: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TargetProgress {
    pub target_id: i64,
    pub task_id: i64,
    pub indicator: String,
    pub unit: String,
    pub annual_value: Option<f64>,
    /// Period of the latest delivered actual.
    pub period: Option<String>,
    pub actual: Option<f64>,
    /// 序时进度 at the end of that period.
    pub expected: Option<f64>,
    pub lag_percent: Option<f64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct UnitOwing {
    pub unit_id: i64,
    pub name: String,
    pub task_ids: Vec<i64>,
}

/// A report a task's lead unit still owes for a period.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct OwedReport {
    pub task_id: i64,
    pub period: String,
    pub period_label: String,
    pub due: NaiveDate,
    /// Past its due date (逾期).
    pub overdue: bool,
}

/// The board of a plan (挂图作战) on a day.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Dashboard {
    pub plan_id: i64,
    pub as_of: NaiveDate,
    pub period: String,
    pub period_label: String,
    pub period_due: NaiveDate,
    pub tasks: i64,
    pub by_light: LightCounts,
    /// Tasks by the status of their latest delivered report; `not_reported` when none.
    pub by_status: BTreeMap<String, i64>,
    pub by_section: Vec<SectionFigures>,
    pub by_unit: Vec<UnitFigures>,
    pub targets: Vec<TargetProgress>,
    /// Lead units with a task whose report for the current period is not delivered.
    pub not_reported: Vec<UnitOwing>,
    pub open_notices: i64,
}

/// What the public sees of one period (每月公开发布进展), frozen when published.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PublicPeriod {
    pub plan_id: i64,
    pub plan_title: String,
    pub period: String,
    pub period_label: String,
    pub published_at: i64,
    pub tasks: Vec<PublicTask>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PublicTask {
    pub number: i64,
    pub section: Option<String>,
    pub heading: String,
    pub lead_units: Vec<String>,
    pub light: LightColor,
    pub status: Option<ProgressStatus>,
    /// The accepted report's narrative for the period, if any.
    pub progress: Option<String>,
    pub targets: Vec<PublicTarget>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PublicTarget {
    pub indicator: String,
    pub value_text: String,
    pub unit: String,
    pub actual: Option<f64>,
}

/// The periods a task of `plan` owes a report for by `today` (from the reporting start).
pub fn owed_periods(plan: &Plan, cycle: Cycle, today: NaiveDate) -> Vec<Period> {
    let Some(start) = plan.reporting_start else {
        return Vec::new();
    };
    let first = if start.year() < plan.year {
        0
    } else if start.year() == plan.year {
        Period::containing(cycle, start).index as usize - 1
    } else {
        return Vec::new();
    };
    Period::of_year(cycle, plan.year)
        .into_iter()
        .skip(first)
        .filter(|p| p.start() <= today)
        .collect()
}

impl Report {
    /// Whether this version takes the place of `standing` for their period
    /// ([`ReportState::replaces`]).
    pub fn replaces(&self, standing: &Report) -> bool {
        self.version > standing.version && ReportState::replaces(self.state, standing.state)
    }
}

/// The report that stands for each task's period, keyed by task and period.
pub fn standing_reports<'a>(
    reports: impl IntoIterator<Item = &'a Report>,
) -> HashMap<(i64, &'a str), &'a Report> {
    let mut versions: Vec<&Report> = reports.into_iter().collect();
    versions.sort_by_key(|r| r.version);
    let mut standing: HashMap<(i64, &str), &Report> = HashMap::new();
    for report in versions {
        let entry = standing
            .entry((report.task_id, report.period.as_str()))
            .or_insert(report);
        if report.replaces(entry) {
            *entry = report;
        }
    }
    standing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_is_bounded_whatever_a_client_asks() {
        let far = Paging::new(Some(i64::MAX), Some(i64::MAX));
        assert_eq!(
            (far.page, far.per_page),
            (Paging::MAX_PAGE, Paging::MAX_PER_PAGE)
        );
        assert!((far.page - 1).checked_mul(far.per_page).is_some());
        let low = Paging::new(Some(-5), Some(0));
        assert_eq!((low.page, low.per_page), (1, 1));
    }

    fn report(id: i64, period: &str, version: i64, state: ReportState) -> Report {
        Report {
            id,
            task_id: 1,
            period: period.into(),
            version,
            unit_id: Some(1),
            state,
            status: ProgressStatus::InProgress,
            narrative: String::new(),
            return_reason: None,
            return_count: 0,
            created_by: 1,
            created_at: 0,
            updated_at: 0,
            submitted_at: None,
            approved_by: None,
            approved_at: None,
            reviewed_by: None,
            reviewed_at: None,
            actuals: Vec::new(),
            attachments: Vec::new(),
        }
    }

    #[test]
    fn an_accepted_report_stands_until_its_correction_is_submitted() {
        let accepted = report(1, "2026-05", 1, ReportState::Accepted);
        let correction = report(2, "2026-05", 2, ReportState::Draft);
        let june = report(3, "2026-06", 1, ReportState::Draft);
        let standing = standing_reports([&correction, &accepted, &june]);
        assert_eq!(standing[&(1, "2026-05")].id, 1);
        assert_eq!(standing[&(1, "2026-06")].id, 3);

        let submitted = report(2, "2026-05", 2, ReportState::Submitted);
        let standing = standing_reports([&accepted, &submitted]);
        assert_eq!(standing[&(1, "2026-05")].id, 2);
    }

    #[test]
    fn a_newer_version_replaces_anything_but_an_accepted_one_with_a_draft() {
        let returned = report(1, "2026-05", 1, ReportState::Returned);
        let draft = report(2, "2026-05", 2, ReportState::Draft);
        assert!(draft.replaces(&returned));
        assert!(
            !returned.replaces(&draft),
            "an older version never replaces"
        );
    }
}
