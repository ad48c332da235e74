//! The SQLite backup, which has no PostgreSQL counterpart: PostgreSQL is backed up with
//! pg_dump.

use luoshi_store::*;

#[tokio::test]
async fn sqlite_backup_is_a_consistent_copy() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&sqlite_url_in(dir.path())).await.unwrap();
    store
        .create_organization(&Audit::cli(), "备份测试")
        .await
        .unwrap();
    let copy = dir.path().join("copy.db");
    store.backup_sqlite(&copy).await.unwrap();
    assert!(
        store.backup_sqlite(&copy).await.is_err(),
        "never overwrites"
    );
    let restored = Store::connect(&format!("sqlite://{}", copy.display()))
        .await
        .unwrap();
    assert_eq!(restored.organizations().await.unwrap()[0].name, "备份测试");
    restored.close().await;
    store.close().await;
}
