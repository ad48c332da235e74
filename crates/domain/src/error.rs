//! Rule violations. Each carries a stable code for programs and a Chinese message for
//! people; the web layer turns them into HTTP errors without adding words of its own.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    /// The requested state change is not allowed from the current state.
    #[error("不能从“{from}”执行“{action}”")]
    InvalidTransition { from: String, action: String },
    /// A field failed validation; `field` names it.
    #[error("{field}：{reason}")]
    Invalid { field: String, reason: String },
    /// The password does not meet the policy.
    #[error("密码不符合要求：{0}")]
    WeakPassword(String),
}

impl DomainError {
    pub fn invalid(field: &str, reason: impl Into<String>) -> Self {
        DomainError::Invalid {
            field: field.to_string(),
            reason: reason.into(),
        }
    }
}
