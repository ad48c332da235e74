//! What the supervisor says of a task: notices the unit must answer, comments, and the
//! periods shown to the public.

use luoshi_domain::record::NoticeState;
use luoshi_store::*;

use crate::fixture::{ACCEPTED_NARRATIVE, Bureau};

/// A notice goes from issued to answered (with its evidence, in the same step) to closed,
/// and a closed one stays closed.
async fn a_notice_is_answered_and_closed_once(bureau: &Bureau) {
    let published = bureau.published().await;
    let notice = bureau.issue_notice(&published).await;
    let store = &bureau.store;
    let evidence = NewAttachment {
        file_name: "整改报告.pdf".into(),
        content_type: "application/pdf".into(),
        size: 12,
        stored_name: "ab12".into(),
        sha256: "00".into(),
    };
    store
        .answer_notice(
            &bureau.as_reporter,
            notice.id,
            "已加快推进",
            Some(&evidence),
        )
        .await
        .unwrap();
    let files = store.notice_attachments(&[notice.id]).await.unwrap();
    assert_eq!(
        files
            .iter()
            .map(|f| (f.file_name.as_str(), f.notice_id, f.report_id))
            .collect::<Vec<_>>(),
        vec![("整改报告.pdf", Some(notice.id), None)]
    );
    assert_eq!(
        store.attachment(files[0].id).await.unwrap().notice_id,
        Some(notice.id)
    );
    let closed = store
        .close_notice(&bureau.as_supervisor, notice.id)
        .await
        .unwrap();
    assert_eq!(closed.state, NoticeState::Closed);
    let again = store.close_notice(&bureau.as_supervisor, notice.id);
    assert!(again.await.is_err());
}

/// A comment on a report is listed with the report's task.
async fn comments_are_counted_by_task(bureau: &Bureau) {
    let published = bureau.published().await;
    let report = bureau.draft_june_report(&published).await;
    bureau.comment(&published, &report).await;
    let comments = bureau
        .store
        .comments(published.tasks[0].id, Paging::new(None, None))
        .await
        .unwrap();
    assert_eq!(comments.total, 1);
}

/// An instruction (批示) waits unread until marked once; marking it again changes nothing
/// and writes no second entry; a plain comment is not marked.
async fn an_instruction_is_read_once(bureau: &Bureau) {
    let published = bureau.published().await;
    let store = &bureau.store;
    let task = published.tasks[0].id;
    let instruction = store
        .add_comment(
            &bureau.as_supervisor,
            task,
            None,
            CommentKind::Instruction,
            "请加快进度",
        )
        .await
        .unwrap();
    let unread = store.unread_instructions(bureau.org.id).await.unwrap();
    assert_eq!(
        unread.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![instruction.id]
    );
    let read = store
        .acknowledge_instruction(&bureau.as_reporter, instruction.id)
        .await
        .unwrap();
    assert!(read.read_at.is_some());
    assert_eq!(read.read_by, bureau.as_reporter.actor_id);
    let again = store
        .acknowledge_instruction(&bureau.as_reporter, instruction.id)
        .await
        .unwrap();
    assert_eq!(again.read_at, read.read_at);
    assert!(
        store
            .unread_instructions(bureau.org.id)
            .await
            .unwrap()
            .is_empty()
    );
    let filter = AuditFilter {
        organization_id: Some(bureau.org.id),
        action: Some(luoshi_domain::audit::AuditAction::Acknowledge),
        ..Default::default()
    };
    let entries = store.audit_log(&filter, Paging::all()).await.unwrap();
    assert_eq!(entries.total, 1);
    let remark = store
        .add_comment(
            &bureau.as_supervisor,
            task,
            None,
            CommentKind::Comment,
            "好",
        )
        .await
        .unwrap();
    assert!(
        store
            .acknowledge_instruction(&bureau.as_reporter, remark.id)
            .await
            .is_err()
    );
}

/// A NUL or another control character in free text is refused by name on both engines
/// (PostgreSQL cannot store a NUL; an exported .docx cannot hold a form feed).
async fn control_characters_are_refused(bureau: &Bureau) {
    let published = bureau.published().await;
    let refused = bureau
        .store
        .add_comment(
            &bureau.as_supervisor,
            published.tasks[0].id,
            None,
            CommentKind::Comment,
            "请加快\u{0}进度",
        )
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("控制字符"), "{refused}");
    let comments = bureau
        .store
        .comments(published.tasks[0].id, Paging::all())
        .await
        .unwrap();
    assert_eq!(comments.total, 0);
}

/// A published period shows the accepted narrative and joins the list of public periods.
async fn a_published_period_shows_progress(bureau: &Bureau) {
    let published = bureau.reported().await;
    let public = bureau.publish_june(&published).await;
    assert_eq!(
        public.tasks[0].progress.as_deref(),
        Some(ACCEPTED_NARRATIVE)
    );
    assert_eq!(
        bureau
            .store
            .published_periods(published.plan.id)
            .await
            .unwrap(),
        vec!["2026-06"]
    );
}

both_engines!(
    a_notice_is_answered_and_closed_once,
    comments_are_counted_by_task,
    an_instruction_is_read_once,
    control_characters_are_refused,
    a_published_period_shows_progress,
);
