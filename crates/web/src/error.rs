//! The API's error policy, in one place: every failure leaves as JSON
//! `{"error": {"code": "...", "message": "...", "field": "..."}}` with a stable `code` for
//! programs, a Chinese `message` for people and, when one field was at fault, its name. Faults (database down, damaged data) are logged in full
//! and shown only as 服务器内部错误; nothing internal leaks into a response.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use luoshi_app::AppError;
use luoshi_domain::DomainError;
use luoshi_domain::policy::Decision;
use luoshi_store::StoreError;
use serde_json::json;

/// Every code the API answers with, each with its one HTTP status; programs branch on the
/// code, people read the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// Not signed in.
    Unauthenticated,
    /// The session passed its idle or absolute limit.
    SessionExpired,
    /// An API token that is unknown or revoked.
    BadToken,
    AccountDisabled,
    /// A temporary password must be changed before anything else.
    PasswordChangeRequired,
    CsrfFailed,
    Forbidden,
    NotFound,
    /// A request that cannot be understood (a field of the wrong form).
    BadRequest,
    /// A field the domain's rules refuse.
    InvalidField,
    /// A report or notice step that its state does not allow.
    InvalidTransition,
    WeakPassword,
    /// The change collides with the record as it is now.
    Conflict,
    AlreadySetUp,
    BadCredentials,
    /// The current password given to change it is wrong.
    WrongPassword,
    AccountLocked,
    RateLimited,
    FileTooLarge,
    UnsupportedFileType,
    UnreadableDocument,
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 22] = [
        ErrorCode::Unauthenticated,
        ErrorCode::SessionExpired,
        ErrorCode::BadToken,
        ErrorCode::AccountDisabled,
        ErrorCode::PasswordChangeRequired,
        ErrorCode::CsrfFailed,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::BadRequest,
        ErrorCode::InvalidField,
        ErrorCode::InvalidTransition,
        ErrorCode::WeakPassword,
        ErrorCode::Conflict,
        ErrorCode::AlreadySetUp,
        ErrorCode::BadCredentials,
        ErrorCode::WrongPassword,
        ErrorCode::AccountLocked,
        ErrorCode::RateLimited,
        ErrorCode::FileTooLarge,
        ErrorCode::UnsupportedFileType,
        ErrorCode::UnreadableDocument,
        ErrorCode::Internal,
    ];

    /// The code as the JSON body carries it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::SessionExpired => "session_expired",
            ErrorCode::BadToken => "bad_token",
            ErrorCode::AccountDisabled => "account_disabled",
            ErrorCode::PasswordChangeRequired => "password_change_required",
            ErrorCode::CsrfFailed => "csrf_failed",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::InvalidField => "invalid_field",
            ErrorCode::InvalidTransition => "invalid_transition",
            ErrorCode::WeakPassword => "weak_password",
            ErrorCode::Conflict => "conflict",
            ErrorCode::AlreadySetUp => "already_set_up",
            ErrorCode::BadCredentials => "bad_credentials",
            ErrorCode::WrongPassword => "wrong_password",
            ErrorCode::AccountLocked => "account_locked",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::FileTooLarge => "file_too_large",
            ErrorCode::UnsupportedFileType => "unsupported_file_type",
            ErrorCode::UnreadableDocument => "unreadable_document",
            ErrorCode::Internal => "internal",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::Unauthenticated
            | ErrorCode::SessionExpired
            | ErrorCode::BadToken
            | ErrorCode::BadCredentials => StatusCode::UNAUTHORIZED,
            ErrorCode::AccountDisabled
            | ErrorCode::PasswordChangeRequired
            | ErrorCode::CsrfFailed
            | ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
            ErrorCode::InvalidField
            | ErrorCode::WeakPassword
            | ErrorCode::WrongPassword
            | ErrorCode::UnreadableDocument => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidTransition | ErrorCode::Conflict | ErrorCode::AlreadySetUp => {
                StatusCode::CONFLICT
            }
            ErrorCode::AccountLocked => StatusCode::LOCKED,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::FileTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::UnsupportedFileType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// The request field at fault and the reason alone, so that a form shows the reason
    /// beside the field and a client can point at it (`error.field`).
    pub invalid: Option<InvalidField>,
}

#[derive(Debug)]
pub struct InvalidField {
    pub field: String,
    pub reason: String,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            invalid: None,
        }
    }

    /// A refused field: the message names it for programs, `invalid` keeps it apart.
    pub fn invalid_field(code: ErrorCode, field: &str, reason: impl Into<String>) -> ApiError {
        let reason = reason.into();
        ApiError {
            code,
            message: format!("{field}：{reason}"),
            invalid: Some(InvalidField {
                field: field.to_string(),
                reason,
            }),
        }
    }

    /// What a page tells a person: the reason alone when a field was at fault.
    pub fn for_people(&self) -> &str {
        self.invalid
            .as_ref()
            .map_or(self.message.as_str(), |invalid| invalid.reason.as_str())
    }

    /// The field at fault, if one was.
    pub fn field(&self) -> Option<&str> {
        self.invalid.as_ref().map(|invalid| invalid.field.as_str())
    }

    pub fn status(&self) -> StatusCode {
        self.code.status()
    }

    /// A fault of ours: logged in full, shown to people only as `shown`.
    pub fn internal(fault: &dyn std::fmt::Display, shown: &str) -> ApiError {
        tracing::error!(error = %fault, "internal fault");
        ApiError::new(ErrorCode::Internal, shown)
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(ErrorCode::Unauthenticated, "请先登录")
    }

    pub fn forbidden() -> ApiError {
        ApiError::new(ErrorCode::Forbidden, "没有权限执行此操作")
    }

    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(ErrorCode::NotFound, format!("{what}不存在"))
    }

    pub fn bad_request(field: &str, reason: impl Into<String>) -> ApiError {
        ApiError::invalid_field(ErrorCode::BadRequest, field, reason)
    }

    /// Turns a policy decision into the response the API documents: 403 or 404.
    pub fn check(decision: Decision, what: &str) -> ApiResult<()> {
        match decision {
            Decision::Allow => Ok(()),
            Decision::Forbidden => Err(ApiError::forbidden()),
            Decision::NotFound => Err(ApiError::not_found(what)),
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        let code = match error {
            DomainError::InvalidTransition { .. } => ErrorCode::InvalidTransition,
            DomainError::Invalid { field, reason } => {
                return ApiError::invalid_field(ErrorCode::InvalidField, &field, reason);
            }
            DomainError::WeakPassword(_) => ErrorCode::WeakPassword,
        };
        ApiError::new(code, error.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(_) => ApiError::new(ErrorCode::NotFound, error.to_string()),
            StoreError::Conflict(message) => ApiError::new(ErrorCode::Conflict, message),
            StoreError::Rule(rule) => rule.into(),
            other => ApiError::internal(&other, "服务器内部错误，请稍后再试"),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Forbidden => ApiError::forbidden(),
            AppError::NotFound(what) => ApiError::not_found(what),
            AppError::Invalid { field, message } => ApiError::bad_request(field, message),
            AppError::Unreadable(message) => ApiError::new(ErrorCode::UnreadableDocument, message),
            AppError::AlreadySetUp => ApiError::new(ErrorCode::AlreadySetUp, error.to_string()),
            AppError::BadCredentials => ApiError::new(ErrorCode::BadCredentials, error.to_string()),
            AppError::Locked { .. } => ApiError::new(ErrorCode::AccountLocked, error.to_string()),
            AppError::RateLimited => ApiError::new(ErrorCode::RateLimited, error.to_string()),
            AppError::WrongPassword => ApiError::new(ErrorCode::WrongPassword, error.to_string()),
            AppError::Entries(ref problems) => {
                let details: Vec<String> = problems
                    .iter()
                    .map(|p| format!("任务 {} {}：{}", p.task_id, p.period, p.message))
                    .collect();
                ApiError::new(
                    ErrorCode::InvalidField,
                    format!("{}：{}", error, details.join("；")),
                )
            }
            AppError::Rows(rows) => ApiError::new(ErrorCode::InvalidField, rows.join("；")),
            AppError::Rule(error) => error.into(),
            AppError::Store(error) => error.into(),
            AppError::Office(other) => ApiError::internal(&other, "文件生成失败，请稍后再试"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({ "code": self.code.as_str(), "message": self.message });
        if let Some(invalid) = &self.invalid {
            error["field"] = json!(invalid.field);
        }
        let body = Json(json!({ "error": error }));
        (self.status(), body).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once_with_a_client_or_server_status() {
        let mut names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len(), "codes are distinct");
        for code in ErrorCode::ALL {
            let status = code.status();
            assert!(
                status.is_client_error() || status.is_server_error(),
                "{code:?}"
            );
        }
    }
}
