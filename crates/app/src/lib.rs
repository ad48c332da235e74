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
//! - [`reports`]: the report workflow: who may submit, approve, accept or return.
//! - [`files`]: the files a plan is exported as (a [`files::Book`] gathered, then rendered).
//! - [`plan_files`]: a published plan or a decomposition table imported as a draft.

pub mod admin;
pub mod error;
pub mod files;
pub mod plan_files;
pub mod plans;
pub mod reports;
pub mod tasks;

pub use error::{AppError, Result};
