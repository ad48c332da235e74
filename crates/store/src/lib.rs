//! Luoshi's system of record, on SQLite (embedded, the default) or PostgreSQL (larger
//! deployments), through one code path: sqlx's `Any` driver with portable SQL (`$1`
//! placeholders, `RETURNING`, integers for times and flags, text for dates and JSON).
//!
//! Every change goes through a method that takes an [`Audit`] and writes the audit row in
//! the same transaction as the change, so the log cannot miss a change or record one that
//! rolled back. The audit table refuses updates and deletes at the database level.
//!
//! On SQLite, writes go through a pool of one connection (SQLite has one writer at a time;
//! queueing in-process avoids lock upgrade failures) while reads use several connections
//! under WAL. On PostgreSQL both use one pool.

mod audit;
mod dashboard;
mod decode;
mod error;
mod notices;
mod org;
mod plans;
mod reports;
mod sql;

pub use audit::{Audit, AuditFilter, HistoryScope};
pub use error::StoreError;
pub use luoshi_domain::record::*;
pub use notices::*;
pub use org::*;
pub use plans::*;
pub use reports::*;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which engine the store talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Store {
    read: AnyPool,
    write: AnyPool,
    backend: Backend,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The SQLite database inside a data directory.
pub fn sqlite_url_in(data_dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join("luoshi.db").display())
}

impl Store {
    /// Connects and brings the schema up to date (migrations are embedded in the binary and
    /// run in place on every start).
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Config(format!(
                "unsupported database URL {url:?}: use sqlite://PATH or postgres://…"
            )));
        };
        let options = AnyConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config(format!("bad database URL: {e}")))?
            .disable_statement_logging();
        let pool = |max: u32| {
            AnyPoolOptions::new()
                .max_connections(max)
                .acquire_timeout(Duration::from_secs(30))
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        if backend == Backend::Sqlite {
                            for pragma in [
                                "PRAGMA journal_mode = WAL",
                                "PRAGMA synchronous = NORMAL",
                                "PRAGMA busy_timeout = 10000",
                                "PRAGMA foreign_keys = ON",
                            ] {
                                conn.execute(pragma).await?;
                            }
                        }
                        Ok(())
                    })
                })
        };
        let (read, write) = match backend {
            Backend::Sqlite => {
                let write = pool(1).connect_with(options.clone()).await?;
                let read = pool(8).connect_with(options).await?;
                (read, write)
            }
            Backend::Postgres => {
                let shared = pool(16).connect_with(options).await?;
                (shared.clone(), shared)
            }
        };
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&write).await?;
        Ok(Store {
            read,
            write,
            backend,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A consistent copy of a SQLite database taken while it is in use (`VACUUM INTO`).
    pub async fn backup_sqlite(&self, to: &Path) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Config(
                "online backup is for SQLite; back up PostgreSQL with pg_dump".into(),
            ));
        }
        let target = to.display().to_string();
        if to.exists() {
            return Err(StoreError::Config(format!("{target} already exists")));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Moves everything in the write-ahead log into the database file and empties the log,
    /// so the file alone holds every committed change. False when another connection (a
    /// running server) keeps the log busy.
    pub async fn checkpoint_sqlite(&self) -> Result<bool> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Config("checkpoints are for SQLite".into()));
        }
        let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&self.write)
            .await?;
        Ok(busy == 0)
    }

    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

/// What a SQLite file holds, read without changing it: `luoshi restore` checks a backup
/// with it before the file may replace anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqliteInspection {
    /// `PRAGMA integrity_check` answered "ok".
    pub intact: bool,
    /// The file carries Luoshi's migration history, none of it newer than this binary.
    pub luoshi_schema: bool,
    /// Organizations stored (0 when the schema is not Luoshi's).
    pub organizations: i64,
}

/// Reads `path` read-only: integrity, whose schema it is, and whether it holds a bureau.
pub async fn inspect_sqlite(path: &Path) -> Result<SqliteInspection> {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", path.display());
    let options = AnyConnectOptions::from_str(&url)
        .map_err(|e| StoreError::Config(format!("bad database path: {e}")))?
        .disable_statement_logging();
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    let inspection = async {
        let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await?;
        let (tables,): (i64,) = sqlx::query_as(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('_sqlx_migrations', 'organizations')",
        )
        .fetch_one(&pool)
        .await?;
        let mut inspection = SqliteInspection {
            intact: check == "ok",
            luoshi_schema: false,
            organizations: 0,
        };
        if tables < 2 {
            return Ok::<_, StoreError>(inspection);
        }
        let versions: Vec<(i64,)> = sqlx::query_as("SELECT version FROM _sqlx_migrations")
            .fetch_all(&pool)
            .await?;
        let known: Vec<i64> = SQLITE_MIGRATIONS.iter().map(|m| m.version).collect();
        inspection.luoshi_schema = !versions.is_empty()
            && versions.iter().all(|(v,)| known.contains(v))
            && known.first().is_some_and(|first| versions.iter().any(|(v,)| v == first));
        if inspection.luoshi_schema {
            let (organizations,): (i64,) = sqlx::query_as("SELECT count(*) FROM organizations")
                .fetch_one(&pool)
                .await?;
            inspection.organizations = organizations;
        }
        Ok(inspection)
    }
    .await;
    pool.close().await;
    inspection
}

/// Seconds since the Unix epoch, the unit of every stored timestamp.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
