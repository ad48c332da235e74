//! What a use case can answer besides its result. `Forbidden` and `NotFound` come from the
//! policy, `Invalid` and `Unreadable` name what the person sent and why (in Chinese, for the
//! UI); `Store` and `Office` carry the layer below's own errors.

use luoshi_domain::DomainError;
use luoshi_domain::policy::Decision;
use luoshi_office::OfficeError;
use luoshi_store::StoreError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppError {
    /// The caller may see the thing but not do this to it (403).
    #[error("没有权限")]
    Forbidden,
    /// The thing does not exist, or the caller may not know that it does (404).
    #[error("{0}不存在")]
    NotFound(&'static str),
    /// A field of the request is wrong; the message says how, in Chinese.
    #[error("{field}：{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// An uploaded file that cannot be read; the message names the file and the reason.
    #[error("{0}")]
    Unreadable(String),
    /// A domain rule refused the input (a weak password, a transition that is not allowed).
    #[error(transparent)]
    Rule(#[from] DomainError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Office(#[from] OfficeError),
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// A policy decision as the outcome the caller sees: `what` names the thing for a 404.
pub fn check(decision: Decision, what: &'static str) -> Result<()> {
    match decision {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(AppError::Forbidden),
        Decision::NotFound => Err(AppError::NotFound(what)),
    }
}
