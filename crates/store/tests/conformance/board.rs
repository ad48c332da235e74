//! The published plan on 10 July with task 1's June report accepted: its lights, the
//! board and the reports still owed. 24 planned and 6 by June is 25% behind a linear 12.
//! And a report returned after it came in on time, which is in revision, not missing.

use chrono::NaiveDate;
use luoshi_domain::light::{LightColor, LightRules};
use luoshi_domain::report::{ProgressStatus, ReportAction};
use luoshi_store::{PlanPatch, ReportInput};

use crate::fixture::{Bureau, july_10};

/// Task 1 is past its deadline and behind its target; task 3 has not reported June at
/// all, 15 days after it was due.
async fn lights_on_july_10(bureau: &Bureau) {
    let published = bureau.reported().await;
    let store = &bureau.store;
    let with_lights = store
        .tasks_with_lights(&published.plan, &LightRules::default(), july_10())
        .await
        .unwrap();
    assert_eq!(
        with_lights[0].light.color,
        LightColor::Red,
        "{:?}",
        with_lights[0].light
    );
    let codes: Vec<&str> = with_lights[0]
        .light
        .reasons
        .iter()
        .map(|r| r.code.as_str())
        .collect();
    assert!(
        codes.contains(&"deadline_passed") && codes.contains(&"target_behind"),
        "{codes:?}"
    );
    let safety_light = &with_lights[2].light;
    assert_eq!(
        safety_light.color,
        LightColor::Red,
        "June report 15 days overdue: {safety_light:?}"
    );
    assert_eq!(safety_light.reasons[0].code, "report_overdue_long");
}

/// The board counts tasks and sections, sets the target's actual against the expected
/// value, and names the unit that has not reported.
async fn the_board_on_july_10(bureau: &Bureau) {
    let published = bureau.reported().await;
    let board = bureau
        .store
        .dashboard(&published.plan, &LightRules::default(), july_10())
        .await
        .unwrap();
    assert_eq!(board.tasks, 3);
    assert_eq!(board.period, "2026-07");
    let progress = board
        .targets
        .iter()
        .find(|t| t.target_id == published.target.id)
        .unwrap();
    assert_eq!(
        (progress.actual, progress.expected),
        (Some(6.0), Some(12.0))
    );
    assert_eq!(board.by_section.len(), 2);
    let safety = published.safety.id;
    assert!(board.not_reported.iter().any(|u| u.unit_id == safety));
    let safety_figures = board.by_unit.iter().find(|u| u.unit_id == safety).unwrap();
    assert_eq!(safety_figures.missing_reports, 1);
}

/// June is late for tasks 2 and 3 (task 1's was accepted), and July is owed by all three.
async fn reports_owed_on_july_10(bureau: &Bureau) {
    let published = bureau.reported().await;
    let tasks = &published.tasks;
    let owed = bureau
        .store
        .owed_reports(&published.plan, july_10())
        .await
        .unwrap();
    let late: Vec<(i64, &str)> = owed
        .iter()
        .filter(|o| o.overdue)
        .map(|o| (o.task_id, o.period.as_str()))
        .collect();
    assert_eq!(
        late,
        vec![(tasks[1].id, "2026-06"), (tasks[2].id, "2026-06")]
    );
    let current: Vec<i64> = owed
        .iter()
        .filter(|o| !o.overdue)
        .map(|o| {
            assert_eq!(o.period, "2026-07");
            o.task_id
        })
        .collect();
    assert_eq!(current, tasks.iter().map(|t| t.id).collect::<Vec<_>>());
}

/// A report stamped now and due in 2099 was submitted on time; returned, its task shows it
/// in revision (yellow), not as an overdue 未报送, while task 3, which never reported, is.
async fn returned_on_time_is_in_revision(bureau: &Bureau) {
    let published = bureau.published().await;
    let (store, day) = (&bureau.store, |m, d| {
        NaiveDate::from_ymd_opt(2099, m, d).unwrap()
    });
    let far = PlanPatch {
        year: Some(2099),
        reporting_start: Some(day(1, 1)),
        ..Default::default()
    };
    let plan = store
        .update_plan(&bureau.cli, bureau.org.id, published.plan.id, &far)
        .await
        .unwrap();
    let input = ReportInput {
        status: Some(ProgressStatus::InProgress),
        narrative: Some("已完成方案制定".into()),
        actuals: None,
    };
    let task = published.tasks[1].id;
    let report = store
        .create_report(
            &bureau.as_reporter,
            task,
            "2099-01",
            Some(bureau.basic.id),
            &input,
            true,
        )
        .await
        .unwrap();
    bureau
        .act(&report, ReportAction::Return, Some("请补充佐证"))
        .await
        .unwrap();
    let lights = store
        .tasks_with_lights(&plan, &LightRules::default(), day(2, 10))
        .await
        .unwrap();
    let codes = |i: usize| -> Vec<String> {
        lights[i]
            .light
            .reasons
            .iter()
            .map(|r| r.code.clone())
            .collect()
    };
    assert_eq!(
        codes(1),
        vec!["returned_for_revision"],
        "{:?}",
        lights[1].light
    );
    assert_eq!(lights[1].light.color, LightColor::Yellow);
    assert!(lights[1].light.reasons[0].message.starts_with("2099年1月"));
    assert!(
        codes(2).iter().any(|c| c.starts_with("report_overdue")),
        "{:?}",
        lights[2].light
    );
}

both_engines!(
    returned_on_time_is_in_revision,
    lights_on_july_10,
    the_board_on_july_10,
    reports_owed_on_july_10
);
