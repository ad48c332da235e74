//! The audit log itself: it pages, and it is append-only on the database, whoever
//! connects to it.

use luoshi_store::*;

use crate::fixture::Bureau;

/// Enough changes for two pages of five: the bureau, its published plan, its June report.
async fn the_audit_log_pages(bureau: &Bureau) {
    bureau.reported().await;
    let page = bureau
        .store
        .audit_log(&AuditFilter::default(), Paging::new(Some(2), Some(5)))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 5);
}

/// No role can change the log; neither can anyone with a database connection. The
/// bureau's creation gives the statements rows to refuse.
async fn the_database_refuses_audit_changes(bureau: &Bureau) {
    sqlx::any::install_default_drivers();
    let raw = sqlx::AnyPool::connect(&bureau.url).await.unwrap();
    let update = sqlx::query("UPDATE audit_log SET actor = 'someone else'")
        .execute(&raw)
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM audit_log").execute(&raw).await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    raw.close().await;
}

both_engines!(the_audit_log_pages, the_database_refuses_audit_changes);
