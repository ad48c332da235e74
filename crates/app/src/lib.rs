//! The use cases: every action and query a person can take, written once for the HTTP API,
//! the pages and the CLI. Each takes the caller (an [`Actor`](luoshi_domain::policy::Actor)
//! and, for changes, its [`Audit`](luoshi_store::Audit)) and the input, decides through
//! [`luoshi_domain::policy::decide`], applies the domain's rules, reads and writes through
//! the store, and returns a typed result or an [`AppError`].
//!
//! - [`admin`]: the organization's settings, units, users and audit log.
//! - [`plans`]: which plans a caller may see and manage.
//! - [`tasks`]: which tasks a caller may know of, and every action on one decided against
//!   its scope.
//! - [`plan_editing`]: a plan's review and revision: settings, sections, tasks, targets,
//!   milestones, unit names, publishing.
//! - [`board`]: what people look at: plan and task lists with lights, filtered and
//!   sorted, a unit's own tasks, the dashboard, the public period.
//! - [`reports`]: the report workflow: writing, evidence, co-units' contributions, and who
//!   may submit, approve, accept or return.
//! - [`report_batch`]: reports written together, checked first and saved all or none: a
//!   unit's whole period on one page or one sheet, one task's overdue periods.
//! - [`notices`]: supervision notices and comments on tasks.
//! - [`queues`]: the work waiting for the caller (reports to approve or accept, notices to
//!   answer) and its counts.
//! - [`public`]: the published periods the public reads without signing in.
//! - [`session`]: the first run, login under lockout and rate limits, logout, password
//!   change, API tokens.
//! - [`files`]: the files a plan is exported as (a [`files::Book`] gathered, then rendered).
//! - [`plan_files`]: a published plan or a decomposition table imported as a draft.

pub mod admin;
pub mod board;
pub mod error;
pub mod files;
pub mod notices;
pub mod plan_editing;
pub mod plan_files;
pub mod plans;
pub mod public;
pub mod queues;
pub mod report_batch;
pub mod reports;
pub mod session;
pub mod tasks;

pub use error::{AppError, Result};
