//! The API's error policy, in one place: every failure leaves as JSON
//! `{"error": {"code": "...", "message": "..."}}` with a stable `code` for programs and a
//! Chinese `message` for people. Faults (database down, damaged data) are logged in full
//! and shown only as 服务器内部错误; nothing internal leaks into a response.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use luoshi_app::AppError;
use luoshi_domain::DomainError;
use luoshi_domain::policy::Decision;
use luoshi_store::StoreError;
use serde_json::json;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录")
    }

    pub fn forbidden() -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", "没有权限执行此操作")
    }

    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("{what}不存在"))
    }

    pub fn bad_request(field: &str, reason: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("{field}：{}", reason.into()),
        )
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
        let status = match error {
            DomainError::InvalidTransition { .. } => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, error.code(), error.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", error.to_string())
            }
            StoreError::Conflict(message) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", message)
            }
            StoreError::Rule(rule) => rule.into(),
            other => {
                tracing::error!(error = %other, "store failure");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "服务器内部错误，请稍后再试",
                )
            }
        }
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Forbidden => ApiError::forbidden(),
            AppError::NotFound(what) => ApiError::not_found(what),
            AppError::Invalid { field, message } => ApiError::bad_request(field, message),
            AppError::Unreadable(message) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unreadable_document",
                message,
            ),
            AppError::AlreadySetUp => {
                ApiError::new(StatusCode::CONFLICT, "already_set_up", error.to_string())
            }
            AppError::BadCredentials => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                error.to_string(),
            ),
            AppError::Locked { .. } => {
                ApiError::new(StatusCode::LOCKED, "account_locked", error.to_string())
            }
            AppError::RateLimited => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                error.to_string(),
            ),
            AppError::WrongPassword => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_credentials",
                error.to_string(),
            ),
            AppError::Rule(error) => error.into(),
            AppError::Store(error) => error.into(),
            AppError::Office(other) => {
                tracing::error!(error = %other, "export failed");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "文件生成失败，请稍后再试",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(json!({ "error": { "code": self.code, "message": self.message } }));
        (self.status, body).into_response()
    }
}
