//! Luoshi's HTTP service: the JSON API under `/api/v1`.
//!
//! The service keeps no state of its own: sessions, login attempts and everything else
//! live in the database, and lights are computed on read, so several `luoshi serve`
//! processes can share one PostgreSQL behind a load balancer.
//!
//! Every handler states its permission check through [`luoshi_domain::policy::decide`];
//! the request's [`auth::Caller`] carries the actor (role and units) it is decided for.

pub mod api;
pub mod auth;
mod chart;
pub mod error;
mod history;
mod openapi;
pub mod pages;
mod uploads;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, header};
use chrono::NaiveDate;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder as ConnectionBuilder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use luoshi_store::Store;
use tower::Service;
use tower_http::CompressionLevel;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// What a page may load: everything from this server, scripts never inline.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// How the service runs; built by the CLI from flags and environment.
#[derive(Clone, Debug)]
pub struct Config {
    /// Uploaded plans and evidence are kept under `<data_dir>/files`, outside any web root.
    pub data_dir: PathBuf,
    /// Largest plan document accepted.
    pub max_plan_bytes: usize,
    /// Largest evidence attachment accepted.
    pub max_attachment_bytes: usize,
    /// Mark cookies `Secure` (set when served behind HTTPS).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// Pretend today is this date (demos, training, tests); the real date otherwise.
    pub today: Option<NaiveDate>,
    /// How long a connection may take to send a request's headers, and may sit idle between
    /// requests, before it is closed: a client that trickles bytes cannot hold a worker.
    pub header_timeout: Duration,
}

impl Config {
    pub fn new(data_dir: PathBuf) -> Config {
        Config {
            data_dir,
            max_plan_bytes: 50 * 1024 * 1024,
            max_attachment_bytes: 20 * 1024 * 1024,
            secure_cookies: false,
            trust_proxy: false,
            today: None,
            header_timeout: Duration::from_secs(20),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> AppState {
        AppState {
            store,
            config: Arc::new(config),
        }
    }

    /// Today in China (UTC+8), where every bureau is; or the configured date.
    pub fn today(&self) -> NaiveDate {
        self.config.today.unwrap_or_else(|| {
            luoshi_domain::period::china_time(chrono::Utc::now().timestamp()).date()
        })
    }
}

/// The whole application as one router.
pub fn app(state: AppState) -> Router {
    let body_limit = state
        .config
        .max_plan_bytes
        .max(state.config.max_attachment_bytes)
        + 64 * 1024;
    api::routes()
        .merge(pages::routes())
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Scripts only from the binary's own asset, no framing by other sites, no address
        // sent elsewhere. (Pages keep small <style> blocks, hence inline styles.)
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // The fastest level: on an intranet the CPU a page costs matters more than its bytes.
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Fastest)
                .compress_when(compressible()),
        )
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(120),
        ))
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Pages, JSON and assets are compressed (a review page is ~100 KB of HTML); files that are
/// already compressed (Office documents are zip archives, PDFs) are sent as they are.
fn compressible() -> impl Predicate {
    DefaultPredicate::new()
        .and(NotForContentType::const_new(
            "application/vnd.openxmlformats",
        ))
        .and(NotForContentType::const_new("application/pdf"))
        .and(NotForContentType::const_new("application/zip"))
}

/// Serves until Ctrl-C or SIGTERM.
/// Serves until SIGTERM or Ctrl-C, then lets the requests in flight finish (for up to a
/// minute). Each connection must send its headers within `header_timeout` and is closed when
/// idle for as long (hyper's timer; `axum::serve` sets none).
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let header_timeout = state.config.header_timeout;
    let mut make_service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    let mut builder = ConnectionBuilder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = match make_service.call(remote).await {
            Ok(router) => router,
            Err(never) => match never {},
        };
        let (builder, watcher) = (builder.clone(), graceful.watcher());
        tokio::spawn(async move {
            // hyper's header timer starts with the first byte: a connection that sends none
            // is closed here.
            let mut first = [0u8; 1];
            if !matches!(
                tokio::time::timeout(header_timeout, stream.peek(&mut first)).await,
                Ok(Ok(1..))
            ) {
                return;
            }
            let connection = builder
                .serve_connection_with_upgrades(
                    TokioIo::new(stream),
                    TowerToHyperService::new(router),
                )
                .into_owned();
            if let Err(error) = watcher.watch(connection).await {
                tracing::debug!(%error, %remote, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(60)) => {
            tracing::warn!("requests still running a minute after shutdown began; stopping");
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
