//! Records as the store hands them out; their JSON is the API's.

use luoshi_domain::light::{Light, LightRules};
use luoshi_domain::role::Role;
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

    /// Clamps what a client asked for to sane bounds.
    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Paging {
        Paging {
            page: page.unwrap_or(1).max(1),
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

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Unit {
    pub id: i64,
    pub organization_id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    /// `department` (科室), `center` (中心), `subordinate` (直属单位), `county` (县区教育局),
    /// `school` (学校) or `other`.
    pub kind: String,
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

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Plan {
    pub id: i64,
    pub organization_id: i64,
    pub title: String,
    pub year: i32,
    pub doc_number: Option<String>,
    /// `draft` or `published`.
    pub status: String,
    /// `monthly`, `quarterly` or `semi_monthly`.
    pub cycle: String,
    /// Day of the period's last month the report is due.
    pub due_day: i64,
    /// Bumped by every edit after publication; each bump has a snapshot.
    pub version: i64,
    pub source_name: Option<String>,
    pub warnings: Vec<String>,
    pub created_at: i64,
    pub published_at: Option<i64>,
    /// `YYYY-MM-DD` from which reports are owed: the publication day unless changed.
    pub reporting_start: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
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
    pub comparator: String,
    pub value_text: String,
    pub baseline: Option<f64>,
    pub annual_value: Option<f64>,
    /// Explicit month-end values (序时进度), January first; linear when absent.
    pub trajectory: Option<Vec<f64>>,
    pub source_text: String,
    pub span: [i64; 2],
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct Milestone {
    pub id: i64,
    pub task_id: i64,
    pub title: String,
    pub due_date: String,
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
    /// `YYYY-MM-DD`.
    pub deadline: Option<String>,
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
}

/// A task with its computed light, for lists and boards.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TaskWithLight {
    #[serde(flatten)]
    pub task: Task,
    pub light: Light,
    /// Progress status of the latest delivered report.
    pub status: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct Actual {
    pub target_id: i64,
    pub value: f64,
    pub note: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct Attachment {
    pub id: i64,
    pub report_id: i64,
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
    pub state: String,
    pub status: String,
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

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct Contribution {
    pub id: i64,
    pub task_id: i64,
    pub period: String,
    pub unit_id: i64,
    pub author_id: i64,
    pub body: String,
    pub created_at: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct Notice {
    pub id: i64,
    pub task_id: i64,
    pub unit_id: i64,
    pub reason: String,
    /// `YYYY-MM-DD` by which the unit must answer.
    pub response_due: String,
    /// `open`, `answered` or `closed`.
    pub state: String,
    pub issued_by: i64,
    pub issued_at: i64,
    pub response: Option<String>,
    pub responded_by: Option<i64>,
    pub responded_at: Option<i64>,
    pub closed_by: Option<i64>,
    pub closed_at: Option<i64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct Comment {
    pub id: i64,
    pub task_id: i64,
    pub report_id: Option<i64>,
    pub author_id: i64,
    pub body: String,
    pub created_at: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub ip: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}
