//! Test databases for Luoshi's tests, so that every test runs on both engines the same way.
//! SQLite lives in a temporary directory; PostgreSQL runs on the server that
//! `LUOSHI_TEST_POSTGRES` names (CI sets `postgres://postgres@127.0.0.1:5432/test`), each
//! test in a schema of its own that [`TestDatabase::close`] drops. Without the variable the
//! PostgreSQL half of a test says it was skipped.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use tempfile::TempDir;

/// The variable that names the PostgreSQL test server.
pub const POSTGRES_VARIABLE: &str = "LUOSHI_TEST_POSTGRES";

/// The engines a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub const BOTH: [Engine; 2] = [Engine::Sqlite, Engine::Postgres];
}

/// A database a test may fill and forget: its URL for `Store::connect` or `--database`,
/// and a directory for the files the test writes beside it.
pub struct TestDatabase {
    pub url: String,
    pub engine: Engine,
    dir: TempDir,
    postgres: Option<(sqlx::PgPool, String)>,
}

impl TestDatabase {
    /// A database on `engine`; `None` (after saying so) for PostgreSQL when no server is
    /// given. `label` names the schema, so that a leftover one says which test left it.
    pub async fn new(engine: Engine, label: &str) -> Option<TestDatabase> {
        match engine {
            Engine::Sqlite => Some(TestDatabase::sqlite()),
            Engine::Postgres => TestDatabase::postgres(label).await,
        }
    }

    pub fn sqlite() -> TestDatabase {
        let dir = tempfile::tempdir().expect("a temporary directory");
        TestDatabase {
            url: format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()),
            engine: Engine::Sqlite,
            dir,
            postgres: None,
        }
    }

    pub async fn postgres(label: &str) -> Option<TestDatabase> {
        let Ok(base) = std::env::var(POSTGRES_VARIABLE) else {
            eprintln!("{POSTGRES_VARIABLE} not set: the PostgreSQL run of {label} is skipped");
            return None;
        };
        let schema = format!("{label}_{}", unique_suffix());
        let admin = sqlx::PgPool::connect(&base)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {base} is not reachable: {e}"));
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .expect("a schema of the test's own");
        let separator = if base.contains('?') { '&' } else { '?' };
        Some(TestDatabase {
            url: format!("{base}{separator}options=-csearch_path%3D{schema}"),
            engine: Engine::Postgres,
            dir: tempfile::tempdir().expect("a temporary directory"),
            postgres: Some((admin, schema)),
        })
    }

    /// A directory that lives as long as the database (uploads, backups, a data dir).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Drops the PostgreSQL schema; the SQLite directory goes with the value.
    pub async fn close(self) {
        if let Some((admin, schema)) = self.postgres {
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&admin)
                .await
                .expect("the test's schema dropped");
            admin.close().await;
        }
    }
}

/// Distinct across the test threads and processes of one run.
fn unique_suffix() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}
