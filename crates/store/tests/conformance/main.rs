//! The store's behaviour on both engines: every scenario runs once on SQLite in a temporary
//! directory and once on PostgreSQL when `LUOSHI_TEST_POSTGRES` names a server (CI sets it;
//! each run gets a fresh schema). Each scenario builds its own state from [`fixture`], so
//! one that fails names the behaviour that broke and hides none of the others.

use fixture::Bureau;
use luoshi_testing::TestDatabase;

/// Runs each named scenario, an `async fn(&Bureau)` of the calling module, as the tests
/// `<scenario>::sqlite` and `<scenario>::postgres`. The scenario's name labels its
/// PostgreSQL schema; with the schema's unique suffix it must stay within PostgreSQL's 63
/// characters, so scenario names stay under 40.
macro_rules! both_engines {
    ($($scenario:ident),+ $(,)?) => {$(
        mod $scenario {
            use luoshi_testing::TestDatabase;

            #[tokio::test]
            async fn sqlite() {
                crate::run(TestDatabase::sqlite(), super::$scenario).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(db) = TestDatabase::postgres(stringify!($scenario)).await {
                    crate::run(db, super::$scenario).await;
                }
            }
        }
    )+};
}

mod audit;
mod backup;
mod board;
mod fixture;
mod history;
mod import;
mod notices;
mod reports;
mod units;

/// A fresh bureau on `db` for the scenario, closed with the database afterwards.
async fn run(db: TestDatabase, scenario: impl AsyncFnOnce(&Bureau)) {
    let bureau = Bureau::new(&db.url).await;
    scenario(&bureau).await;
    bureau.close().await;
    db.close().await;
}
