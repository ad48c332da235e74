//! A report's workflow: drafted once a period, kept to its task and year, returned with a
//! reason and resubmitted, and once accepted final, changed only by a correction.

use luoshi_domain::audit::{AuditAction, AuditEntity};
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

/// A batch of reports is written in one transaction: one refused write (here a report
/// submitted meanwhile) leaves every other unwritten, and a batch that passes writes each
/// report with its own audit row, submitting drafts and new reports alike.
async fn a_batch_of_reports_lands_whole_or_not_at_all(bureau: &Bureau) {
    let published = bureau.published().await;
    let store = &bureau.store;
    let (first, second) = (published.tasks[0].id, published.tasks[1].id);
    let write = |task_id, period: &str, input: ReportInput, submit| ReportWrite {
        task_id,
        period: period.into(),
        unit_id: Some(bureau.basic.id),
        input,
        submit,
    };
    let narrative = |text: &str| ReportInput {
        narrative: Some(text.into()),
        ..Default::default()
    };
    let submitted = bureau.create_june_report(&published, true).await.unwrap();
    let batch = [
        write(second, "2026-06", narrative("第二项六月进展"), false),
        write(first, "2026-06", narrative("改写已提交的报送"), false),
    ];
    let refused = store
        .save_reports(&bureau.as_reporter, &batch)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("已提交"), "{refused}");
    let second_june = ReportFilter {
        organization_id: bureau.org.id,
        task_id: Some(second),
        ..Default::default()
    };
    let none = store.reports(&second_june, Paging::all()).await.unwrap();
    assert_eq!(
        none.total, 0,
        "the first write of the batch was rolled back"
    );
    assert_eq!(
        store.report(submitted.id).await.unwrap().narrative,
        published.june_input().narrative.unwrap()
    );

    let draft = store
        .create_report(
            &bureau.as_reporter,
            second,
            "2026-05",
            None,
            &narrative("五月草稿"),
            false,
        )
        .await
        .unwrap();
    let batch = [
        write(second, "2026-05", narrative("五月进展"), true),
        write(second, "2026-06", narrative("六月进展"), true),
    ];
    let saved = store
        .save_reports(&bureau.as_reporter, &batch)
        .await
        .unwrap();
    assert_eq!(saved[0].id, draft.id, "the draft is rewritten, not copied");
    assert!(saved.iter().all(|r| r.state == ReportState::Submitted));
    assert_eq!(saved[1].narrative, "六月进展");
    let blank = [write(first, "2026-07", narrative("  "), true)];
    let refused = store.save_reports(&bureau.as_reporter, &blank).await;
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("提交前请填写进展情况")
    );
    let logged = |id| AuditFilter {
        entity: Some(AuditEntity::Report),
        entity_id: Some(id),
        ..Default::default()
    };
    for report in &saved {
        let log = store
            .audit_log(&logged(report.id), Paging::all())
            .await
            .unwrap();
        let submits = log
            .items
            .iter()
            .filter(|e| matches!(e.action, AuditAction::Submit | AuditAction::CreateSubmit));
        assert_eq!(
            submits.count(),
            1,
            "one audit row for each report's submission"
        );
    }
}

both_engines!(
    a_batch_of_reports_lands_whole_or_not_at_all,
    a_report_is_drafted_once_a_period,
    a_report_keeps_to_its_task_and_year,
    a_returned_report_is_resubmitted,
    an_accepted_report_is_corrected,
);
