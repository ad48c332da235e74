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
    /// Lines of a batch of reports that cannot be saved, each with its field and reason;
    /// nothing of the batch was written.
    #[error("{}", entries_message(.0))]
    Entries(Vec<crate::report_batch::EntryProblem>),
    /// Rows of an uploaded sheet that cannot be saved, each told as 第 N 行：…; nothing of
    /// the sheet was written.
    #[error("{}", .0.join("；"))]
    Rows(Vec<String>),
    /// The first run is over: someone already exists.
    #[error("系统已初始化，请直接登录")]
    AlreadySetUp,
    /// Unknown user, wrong password or disabled account, told apart to nobody.
    #[error("用户名或密码错误")]
    BadCredentials,
    /// The account is locked after too many failed logins.
    #[error("连续登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试")]
    Locked { minutes: i64 },
    /// Too many failed logins from one address.
    #[error("登录尝试过于频繁，请一分钟后再试")]
    RateLimited,
    /// The current password given to change it is wrong.
    #[error("原密码不正确")]
    WrongPassword,
    /// A domain rule refused the input (a weak password, a transition that is not allowed).
    #[error(transparent)]
    Rule(#[from] DomainError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file could not be rendered (a fault of ours, not of the request).
    #[error(transparent)]
    Office(OfficeError),
}

/// What the renderer reports about the request is told as such; only a failure to write
/// the file stays an office error.
impl From<OfficeError> for AppError {
    fn from(error: OfficeError) -> Self {
        match error {
            OfficeError::NotFound(what) => AppError::NotFound(what),
            OfficeError::Unreadable(message) => AppError::Unreadable(message),
            OfficeError::Period(error) => AppError::Rule(error),
            other => AppError::Office(other),
        }
    }
}

fn entries_message(problems: &[crate::report_batch::EntryProblem]) -> String {
    format!("有 {} 处需要修改，均未保存", problems.len())
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
