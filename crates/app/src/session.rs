//! Who may come in (登录与账号安全): the first run, logging in under the lockout and
//! rate-limit rules, logging out, changing one's own password and API tokens. The rules are
//! written here once for the API, the pages and the CLI.

use luoshi_domain::audit::{AuditAction, AuditEntity};
use std::sync::OnceLock;

use luoshi_domain::password;
use luoshi_domain::role::Role;
use luoshi_store::{Audit, NewUser, Organization, Store, User, now, secret_hash};

use crate::error::{AppError, Result};

/// Failed logins in a row before an account is locked.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT_SECS: i64 = 15 * 60;
/// Failed logins from one address in a minute before that address is refused for a while.
pub const MAX_FAILED_LOGINS_PER_MINUTE_PER_IP: i64 = 20;

/// The organization and its first administrator, created on the first run.
pub struct FirstRun {
    pub organization: String,
    pub username: String,
    pub display_name: String,
    pub password: String,
}

/// True until the first run has made someone: the login page then offers the setup.
pub async fn first_run_pending(store: &Store) -> Result<bool> {
    Ok(store.count_users().await? == 0)
}

/// Creates the organization and its first admin, only while nobody exists.
pub async fn first_admin(
    store: &Store,
    ip: &str,
    input: &FirstRun,
) -> Result<(Organization, User)> {
    if !first_run_pending(store).await? {
        return Err(AppError::AlreadySetUp);
    }
    password::check_policy(&input.password)?;
    let audit = Audit {
        organization_id: None,
        actor_id: None,
        actor: "system:setup".into(),
        ip: ip.to_string(),
    };
    let organization = store
        .create_organization(&audit, &input.organization)
        .await?;
    let user = store
        .create_user(
            &audit.within(organization.id),
            organization.id,
            &NewUser {
                username: input.username.clone(),
                display_name: input.display_name.clone(),
                role: Role::Admin,
                password_hash: password::hash(&input.password),
                must_change_password: false,
                units: vec![],
            },
        )
        .await?;
    Ok((organization, user))
}

/// A session just opened: the user and their organization, the secret its cookie carries
/// (stored only hashed) and its CSRF token.
pub struct Opened {
    pub user: User,
    pub organization: Organization,
    pub secret: String,
    pub csrf: String,
}

/// A hash no password is known to match, checked when the username is unknown so that a
/// guess at a name costs as long as a guess at a password.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| password::hash(&password::new_secret()))
}

/// Checks a password under the lockout and rate-limit rules and opens a session.
pub async fn log_in(
    store: &Store,
    ip: &str,
    username: &str,
    password_text: &str,
) -> Result<Opened> {
    let now = now();
    let anonymous = Audit {
        organization_id: None,
        actor_id: None,
        actor: username.to_string(),
        ip: ip.to_string(),
    };
    if store.failed_logins_from(ip, now - 60).await? >= MAX_FAILED_LOGINS_PER_MINUTE_PER_IP {
        store
            .record_event(
                &anonymous,
                AuditAction::LoginRateLimited,
                AuditEntity::Session,
                None,
            )
            .await?;
        return Err(AppError::RateLimited);
    }
    let Some(credentials) = store.credentials(username).await? else {
        password::verify(password_text, decoy_hash());
        store.record_login_attempt(ip, username, false).await?;
        store
            .record_event(
                &anonymous,
                AuditAction::LoginFailed,
                AuditEntity::Session,
                None,
            )
            .await?;
        return Err(AppError::BadCredentials);
    };
    let user = credentials.user;
    let audit = Audit::user(user.id, user.organization_id, &user.username, ip);
    // The attempt is counted before the password is checked, in one statement: parallel
    // guesses each count, and those past the limit never reach the check.
    let attempt = store.count_login_attempt(user.id, now).await?;
    let beyond_limit = attempt.is_some_and(|n| n > MAX_FAILED_LOGINS);
    if attempt.is_none() || beyond_limit {
        store.record_login_attempt(ip, username, false).await?;
        if beyond_limit {
            store
                .lock_account(&audit, user.id, now + LOCKOUT_SECS)
                .await?;
        }
        store
            .record_event(
                &audit,
                AuditAction::LoginLocked,
                AuditEntity::Session,
                Some(user.id),
            )
            .await?;
        let until = user
            .locked_until
            .filter(|until| *until > now)
            .unwrap_or(now + LOCKOUT_SECS);
        return Err(AppError::Locked {
            minutes: (until - now + 59) / 60,
        });
    }
    if user.disabled || !password::verify(password_text, &credentials.password_hash) {
        store.record_login_attempt(ip, username, false).await?;
        if attempt.is_some_and(|n| n >= MAX_FAILED_LOGINS) {
            store
                .lock_account(&audit, user.id, now + LOCKOUT_SECS)
                .await?;
        }
        store
            .record_event(
                &audit,
                AuditAction::LoginFailed,
                AuditEntity::Session,
                Some(user.id),
            )
            .await?;
        return Err(AppError::BadCredentials);
    }
    store.record_login_attempt(ip, username, true).await?;
    store.clear_failed_logins(user.id).await?;
    let secret = password::new_secret();
    let csrf = password::new_secret();
    store
        .create_session(&secret_hash(&secret), user.id, &csrf, ip)
        .await?;
    store
        .record_event(
            &audit,
            AuditAction::Login,
            AuditEntity::Session,
            Some(user.id),
        )
        .await?;
    let organization = store.organization(user.organization_id).await?;
    Ok(Opened {
        user,
        organization,
        secret,
        csrf,
    })
}

/// Ends the caller's session (when it came with one; an API token stays valid) and records
/// the logout.
pub async fn log_out(
    store: &Store,
    audit: &Audit,
    user_id: i64,
    session_hash: Option<&str>,
) -> Result<()> {
    if let Some(hash) = session_hash {
        store.delete_session(hash).await?;
    }
    Ok(store
        .record_event(
            audit,
            AuditAction::Logout,
            AuditEntity::Session,
            Some(user_id),
        )
        .await?)
}

/// Changes one's own password after checking the current one; every session of the user
/// ends, so they log in again.
pub async fn change_password(
    store: &Store,
    audit: &Audit,
    user: &User,
    old_password: &str,
    new_password: &str,
) -> Result<()> {
    let credentials = store
        .credentials(&user.username)
        .await?
        .ok_or(AppError::BadCredentials)?;
    if !password::verify(old_password, &credentials.password_hash) {
        return Err(AppError::WrongPassword);
    }
    if old_password == new_password {
        return Err(AppError::Invalid {
            field: "new_password",
            message: "新密码不能与原密码相同".into(),
        });
    }
    password::check_policy(new_password)?;
    store
        .set_password(audit, user.id, &password::hash(new_password), false)
        .await?;
    Ok(())
}

/// A named API token for scripts; the secret is returned once and stored only hashed.
pub async fn create_token(
    store: &Store,
    audit: &Audit,
    user_id: i64,
    name: &str,
) -> Result<(i64, String)> {
    if name.trim().is_empty() {
        return Err(AppError::Invalid {
            field: "name",
            message: "令牌名称不能为空".into(),
        });
    }
    let secret = password::new_secret();
    let id = store
        .create_api_token(audit, user_id, name.trim(), &secret_hash(&secret))
        .await?;
    Ok((id, secret))
}
