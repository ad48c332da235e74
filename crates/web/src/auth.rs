//! Who is calling, and the session rules of 等保 2.0 level 3.
//!
//! - Sessions live in the database (any instance serves any request); the cookie holds a
//!   random secret whose SHA-256 is the key. Idle timeout 30 minutes, absolute 12 hours.
//!   Cookies are HttpOnly and SameSite=Strict, and Secure when configured behind HTTPS.
//! - Every cookie-authenticated write carries the session's CSRF token in `X-CSRF-Token`.
//! - Scripts use `Authorization: Bearer <token>` (no cookie, so no CSRF).
//! - Five wrong passwords lock an account for 15 minutes; after 20 failed logins in a
//!   minute from one address, further attempts from it are refused. Both are logged in the audit trail.
//! - An account whose password an admin set must change it before doing anything else.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use luoshi_app::queues::WorkCounts;
use luoshi_domain::policy::Actor;
use luoshi_store::{Audit, User, secret_hash};

use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorCode};

pub const SESSION_COOKIE: &str = "luoshi_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const IDLE_TIMEOUT_SECS: i64 = 30 * 60;
pub const ABSOLUTE_TIMEOUT_SECS: i64 = 12 * 60 * 60;

/// How a request proved who it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    Session {
        token_hash: String,
        csrf_token: String,
    },
    Token,
}

/// The authenticated caller of a request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: User,
    pub actor: Actor,
    pub audit: Audit,
    pub credential: Credential,
    /// What waits for the caller (待办), counted for a page's header; `None` for the API.
    pub work: Option<WorkCounts>,
}

impl Caller {
    /// The CSRF check of a page form: the session's token must come back in the form.
    pub fn check_form_token(&self, sent: &str) -> Result<(), ApiError> {
        match &self.credential {
            Credential::Session { csrf_token, .. } if csrf_token == sent => Ok(()),
            _ => Err(ApiError::new(
                ErrorCode::CsrfFailed,
                "请求校验失败（CSRF），请刷新页面后重试",
            )),
        }
    }

    /// The session's CSRF token, for the forms a page renders.
    pub fn form_token(&self) -> &str {
        match &self.credential {
            Credential::Session { csrf_token, .. } => csrf_token,
            Credential::Token => "",
        }
    }
}

/// The client's address: the socket peer, or the first `X-Forwarded-For` hop behind a
/// trusted proxy.
pub fn client_ip(parts: &Parts, trust_proxy: bool) -> String {
    if trust_proxy
        && let Some(forwarded) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return forwarded.trim().to_string();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|v| v.trim().to_string())
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(secret: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={ABSOLUTE_TIMEOUT_SECS}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that ends one.
pub fn expired_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Paths a user who must change the password may still use.
const PASSWORD_CHANGE_PATHS: &[&str] = &[
    "/api/v1/session",
    "/api/v1/session/password",
    "/password",
    "/logout",
];

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Caller> {
        let store = &state.store;
        let now = luoshi_store::now();
        let (user_id, credential) = if let Some(token) = bearer(&parts.headers) {
            let user = store
                .api_token_user(&secret_hash(&token))
                .await?
                .ok_or_else(|| ApiError::new(ErrorCode::BadToken, "API 令牌无效或已撤销"))?;
            (user, Credential::Token)
        } else if let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) {
            let token_hash = secret_hash(&secret);
            let session = store
                .session(&token_hash)
                .await?
                .ok_or_else(ApiError::unauthorized)?;
            if now - session.last_seen_at > IDLE_TIMEOUT_SECS
                || now - session.created_at > ABSOLUTE_TIMEOUT_SECS
            {
                store.delete_session(&token_hash).await?;
                return Err(ApiError::new(
                    ErrorCode::SessionExpired,
                    "会话已过期，请重新登录",
                ));
            }
            // API writes carry the token in a header; page forms carry it in a field that
            // the page handler checks (`Caller::check_form_token`), as it owns the body.
            if is_write(&parts.method) && parts.uri.path().starts_with("/api/") {
                let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
                if sent != Some(session.csrf_token.as_str()) {
                    return Err(ApiError::new(
                        ErrorCode::CsrfFailed,
                        "请求校验失败（CSRF），请刷新页面后重试",
                    ));
                }
            }
            store
                .touch_session(&token_hash, session.last_seen_at)
                .await?;
            (
                session.user_id,
                Credential::Session {
                    token_hash,
                    csrf_token: session.csrf_token,
                },
            )
        } else {
            return Err(ApiError::unauthorized());
        };
        let user = store.user(user_id).await?;
        if user.disabled {
            return Err(ApiError::new(ErrorCode::AccountDisabled, "账号已停用"));
        }
        if user.must_change_password && !PASSWORD_CHANGE_PATHS.contains(&parts.uri.path()) {
            return Err(ApiError::new(
                ErrorCode::PasswordChangeRequired,
                "首次登录或密码被重置，请先修改密码",
            ));
        }
        let ip = client_ip(parts, state.config.trust_proxy);
        Ok(Caller {
            actor: Actor {
                user_id: user.id,
                organization_id: user.organization_id,
                role: user.role,
                units: user.units.clone(),
            },
            audit: Audit::user(user.id, user.organization_id, &user.username, &ip),
            user,
            credential,
            work: None,
        })
    }
}

/// The client address as an extractor, for unauthenticated endpoints.
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<ClientIp> {
        Ok(ClientIp(client_ip(parts, state.config.trust_proxy)))
    }
}

/// Refuses a login or first-run setup sent by another site's page (login CSRF: a victim
/// signed into the attacker's account). A browser names the page's origin in `Origin`;
/// a request without one (a script, curl) is not a cross-site form and passes. Behind a
/// trusted proxy the host the browser asked for is `X-Forwarded-Host`.
pub struct SameOrigin;

impl FromRequestParts<AppState> for SameOrigin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<SameOrigin> {
        let Some(origin) = parts.headers.get(header::ORIGIN) else {
            return Ok(SameOrigin);
        };
        let forwarded = state
            .config
            .trust_proxy
            .then(|| parts.headers.get("x-forwarded-host"))
            .flatten();
        let host = forwarded.or_else(|| parts.headers.get(header::HOST));
        if origin_matches(
            origin.to_str().unwrap_or(""),
            host.and_then(|h| h.to_str().ok()),
        ) {
            Ok(SameOrigin)
        } else {
            Err(ApiError::new(
                ErrorCode::Forbidden,
                "请求来自其他网站的页面，已拒绝：请直接打开本系统登录",
            ))
        }
    }
}

/// `https://host:port` names the host the request was sent to (`null` names none).
fn origin_matches(origin: &str, host: Option<&str>) -> bool {
    let named = origin
        .split_once("://")
        .map(|(_, rest)| rest.trim_end_matches('/'));
    matches!((named, host), (Some(named), Some(host)) if named.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_must_name_the_host_asked_for() {
        let host = Some("luoshi.jyj.local:8080");
        assert!(origin_matches("http://luoshi.jyj.local:8080", host));
        assert!(origin_matches("https://LUOSHI.jyj.local:8080", host));
        assert!(!origin_matches("http://luoshi.jyj.local", host));
        assert!(!origin_matches("https://evil.example", host));
        assert!(!origin_matches("null", host));
        assert!(!origin_matches("http://luoshi.jyj.local:8080", None));
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            "a=1; luoshi_session=abc; b=2".parse().unwrap(),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
    }

    #[test]
    fn session_cookies_are_http_only_and_strict() {
        let set = session_cookie("s", true);
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.ends_with("Secure")
        );
        assert!(!session_cookie("s", false).contains("Secure"));
    }
}
