//! A report's workflow: drafted once a period, kept to its task and year, returned with a
//! reason and resubmitted, and once accepted final, changed only by a correction.

use luoshi_domain::audit::AuditEntity;
use luoshi_domain::report::{ReportAction, ReportState};
use luoshi_store::*;

use crate::fixture::{Bureau, RETURN_REASON};

/// One report per task, unit and period: a second, even one submitted at once, is a
/// conflict, not a silent copy.
async fn a_report_is_drafted_once_a_period(bureau: &Bureau) {
    let published = bureau.published().await;
    bureau.draft_june_report(&published).await;
    let again = bureau
        .create_june_report(&published, true)
        .await
        .unwrap_err();
    assert!(matches!(again, StoreError::Conflict(_)));
}

/// A report speaks only of its own task's targets, and of a period of the plan's year.
async fn a_report_keeps_to_its_task_and_year(bureau: &Bureau) {
    let published = bureau.published().await;
    let other_task = published.tasks[1].id;
    let stray = ReportInput {
        actuals: Some(vec![ActualInput {
            target_id: published.target.id,
            value: 1.0,
            note: String::new(),
        }]),
        ..Default::default()
    };
    let create = |period, input| {
        let audit = &bureau.as_reporter;
        bureau
            .store
            .create_report(audit, other_task, period, None, input, false)
    };
    let refused = create("2026-06", &stray).await.unwrap_err();
    assert!(refused.to_string().contains("不属于该任务"), "{refused}");
    let bad_period = create("2025-06", &published.june_input())
        .await
        .unwrap_err();
    assert!(bad_period.to_string().contains("2026"), "{bad_period}");
}

/// A return must say why; the reporter rewrites the narrative, keeping the actuals, and
/// the resubmitted report is accepted.
async fn a_returned_report_is_resubmitted(bureau: &Bureau) {
    let published = bureau.published().await;
    let report = bureau.draft_june_report(&published).await;
    bureau
        .act(&report, ReportAction::Submit, None)
        .await
        .unwrap();
    let no_reason = bureau.act(&report, ReportAction::Return, Some(" ")).await;
    assert!(no_reason.unwrap_err().to_string().contains("理由"));
    let returned = bureau
        .act(&report, ReportAction::Return, Some(RETURN_REASON))
        .await
        .unwrap();
    assert_eq!(
        (returned.state.as_str(), returned.return_count),
        ("returned", 1)
    );
    bureau.rewrite(&report).await;
    bureau
        .act(&report, ReportAction::Submit, None)
        .await
        .unwrap();
    let accepted = bureau
        .act(&report, ReportAction::Accept, None)
        .await
        .unwrap();
    assert_eq!(accepted.state, ReportState::Accepted);
    assert_eq!(accepted.actuals[0].value, 6.0);
}

/// An accepted report is the record: it is not edited but corrected by a new version, and
/// the log has every one of the report's seven changes.
async fn an_accepted_report_is_corrected(bureau: &Bureau) {
    let published = bureau.published().await;
    let report = bureau.accepted_june_report(&published).await;
    let store = &bureau.store;
    let edit = ReportInput::default();
    let edited = store
        .update_report(&bureau.as_reporter, report.id, &edit)
        .await;
    assert!(edited.is_err(), "an accepted report is final");
    let correction = store
        .correct_report(&bureau.as_reporter, report.id)
        .await
        .unwrap();
    assert_eq!(
        (correction.version, correction.state.as_str()),
        (2, "draft")
    );
    let reports = AuditFilter {
        entity: Some(AuditEntity::Report),
        ..Default::default()
    };
    let log = store
        .audit_log(&reports, Paging::new(None, Some(100)))
        .await
        .unwrap();
    assert!(log.total >= 7, "{}", log.total);
}

both_engines!(
    a_report_is_drafted_once_a_period,
    a_report_keeps_to_its_task_and_year,
    a_returned_report_is_resubmitted,
    an_accepted_report_is_corrected,
);
