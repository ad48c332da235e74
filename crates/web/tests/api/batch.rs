//! A unit's whole period at once: every task it leads on one page, saved or submitted
//! together and refused together; the same as a sheet downloaded, filled and uploaded, with
//! row-by-row errors and nothing half-saved; one task's overdue periods in one form.

use axum::http::StatusCode;
use luoshi_office::period_sheet::{self, SheetLine, SheetTarget};
use serde_json::Value;

use crate::pages::{attr, browser_login, html, multipart_form, texts};
use crate::support::*;

/// The basic-education unit's tasks (1 and 2) and the first task's two targets.
struct Setting {
    published: Published,
    kindergartens_task: i64,
    quality_task: i64,
    teachers_task: i64,
    kindergartens: i64,
    enrolment: i64,
}

async fn setting() -> Setting {
    let mut published = published().await;
    let (_, detail) = published
        .api
        .get(&format!("/api/v1/plans/{}", published.plan))
        .await;
    let task = |i: usize| detail["tasks"][i]["id"].as_i64().unwrap();
    let target = |i: usize| detail["tasks"][0]["targets"][i]["id"].as_i64().unwrap();
    Setting {
        kindergartens_task: task(0),
        quality_task: task(1),
        teachers_task: task(2),
        kindergartens: target(0),
        enrolment: target(1),
        published,
    }
}

/// The reports of a task for June, as the supervisor's API lists them.
async fn june_reports(api: &mut Client, task: i64) -> Vec<Value> {
    let (_, body) = api
        .get(&format!("/api/v1/reports?task={task}&period=2026-06"))
        .await;
    body["items"].as_array().cloned().unwrap_or_default()
}

fn state_of(reports: &[Value]) -> Option<&str> {
    reports.first().and_then(|r| r["state"].as_str())
}

#[tokio::test]
async fn a_units_period_is_written_on_one_page_and_refused_as_a_whole() {
    let Setting {
        mut published,
        kindergartens_task,
        quality_task,
        kindergartens,
        enrolment,
        ..
    } = setting().await;
    let plan = published.plan;
    let mut reporter = browser_login(&published.app, "basic_reporter", 3).await;
    let (_, home) = reporter.get("/").await;
    let page_path = format!("/plans/{plan}/periods/2026-06");
    let links: Vec<String> = html(&home)
        .select(&scraper::Selector::parse("#period-links a").unwrap())
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    assert!(links.contains(&page_path), "{links:?}");

    let (status, body) = reporter.get(&page_path).await;
    assert_eq!(status, StatusCode::OK);
    let page = html(&body);
    let legends = texts(&page, "fieldset.batch-line legend");
    assert_eq!(legends.len(), 2, "the unit leads two tasks: {legends:?}");
    assert!(
        legends[0].starts_with("1-1 "),
        "序号 with its section: {legends:?}"
    );
    assert!(legends[1].starts_with("1-2 "), "{legends:?}");
    let token = attr(&page, "input[name=csrf_token]", "value").unwrap();
    let first = format!("{kindergartens_task}_2026-06");
    let second = format!("{quality_task}_2026-06");
    let (narrative_1, narrative_2) = (format!("narrative.{first}"), format!("narrative.{second}"));
    let (status_1, status_2) = (format!("status.{first}"), format!("status.{second}"));
    let count = format!("actual.{first}.{kindergartens}");
    let rate = format!("actual.{first}.{enrolment}");
    let form = |n1: &'static str, figure: &'static str, n2: &'static str, action: &'static str| {
        vec![
            ("csrf_token".to_string(), token.clone()),
            (status_1.clone(), "in_progress".to_string()),
            (narrative_1.clone(), n1.to_string()),
            (count.clone(), figure.to_string()),
            (rate.clone(), "91.5".to_string()),
            (status_2.clone(), "lagging".to_string()),
            (narrative_2.clone(), n2.to_string()),
            ("action".to_string(), action.to_string()),
        ]
    };

    let vague = form("新建幼儿园主体完工", "约84", "评估方案已印发", "draft");
    let borrowed: Vec<(&str, &str)> = vague
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, body) = reporter.form(&page_path, &borrowed).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(&body);
    assert_eq!(
        texts(&page, &format!("textarea[name='{narrative_2}']")),
        vec!["评估方案已印发"],
        "the other task's text is kept"
    );
    assert_eq!(
        attr(&page, &format!("input[name='{count}']"), "value").as_deref(),
        Some("约84")
    );
    let beside = texts(&page, &format!("[id='{count}-error']"));
    assert!(beside[0].contains("“约84”不是数字"), "{beside:?}");
    assert!(texts(&page, "#batch-errors")[0].contains("均未保存"));
    let api = &mut published.api;
    assert!(june_reports(api, kindergartens_task).await.is_empty());
    assert!(
        june_reports(api, quality_task).await.is_empty(),
        "nothing half-saved"
    );

    let draft = form("新建幼儿园主体完工", "8", "", "draft");
    let borrowed: Vec<(&str, &str)> = draft
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, _) = reporter.form(&page_path, &borrowed).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        reporter.location.as_deref(),
        Some(format!("{page_path}?done=saved").as_str())
    );
    let saved = june_reports(api, kindergartens_task).await;
    assert_eq!(state_of(&saved), Some("draft"));
    assert_eq!(saved[0]["actuals"].as_array().unwrap().len(), 2);
    assert!(
        june_reports(api, quality_task).await.is_empty(),
        "a task left blank gets no report"
    );

    let blanked = form("   ", "8", "评估方案已印发", "submit");
    let borrowed: Vec<(&str, &str)> = blanked
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, body) = reporter.form(&page_path, &borrowed).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        texts(&html(&body), &format!("[id='{narrative_1}-error']")),
        vec!["提交前请填写进展情况"]
    );
    assert!(june_reports(api, quality_task).await.is_empty());
    assert_eq!(
        state_of(&june_reports(api, kindergartens_task).await),
        Some("draft")
    );

    let whole = form("新建幼儿园主体完工", "8", "评估方案已印发", "submit");
    let borrowed: Vec<(&str, &str)> = whole
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, _) = reporter.form(&page_path, &borrowed).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    for task in [kindergartens_task, quality_task] {
        assert_eq!(state_of(&june_reports(api, task).await), Some("submitted"));
    }
    let (_, body) = reporter.get(&format!("{page_path}?done=submitted")).await;
    let page = html(&body);
    assert_eq!(texts(&page, "#done"), vec!["已提交，等待审核。"]);
    assert!(
        texts(&page, "textarea").is_empty(),
        "submitted lines are shown, not edited"
    );
    published.app.stop().await;
}

/// What a person types into the downloaded sheet.
fn filled(lines: &[SheetLine], narrative: &str, figure: f64) -> Vec<SheetLine> {
    lines
        .iter()
        .map(|line| SheetLine {
            narrative: format!("{narrative}（{}）", line.number),
            targets: line
                .targets
                .iter()
                .map(|t| SheetTarget {
                    actual: Some(figure),
                    ..t.clone()
                })
                .collect(),
            ..line.clone()
        })
        .collect()
}

/// The downloaded sheet's lines as the sheet reader sees them, rebuilt for writing.
fn lines_of(bytes: &[u8], template: &[(i64, &str, Vec<i64>)]) -> Vec<SheetLine> {
    let read = period_sheet::read("填报表.xlsx", bytes).unwrap();
    assert!(read.row_errors.is_empty(), "{:?}", read.row_errors);
    template
        .iter()
        .map(|(task, number, targets)| {
            let entry = read
                .entries
                .iter()
                .find(|e| e.task_id == *task)
                .expect("every task of the unit is in the sheet");
            SheetLine {
                task_id: *task,
                number: number.to_string(),
                title: String::new(),
                period: entry.period.clone(),
                state: "未填报",
                editable: true,
                status: None,
                narrative: String::new(),
                targets: targets
                    .iter()
                    .map(|id| SheetTarget {
                        target_id: *id,
                        indicator: String::new(),
                        planned: String::new(),
                        unit: String::new(),
                        previous: None,
                        actual: None,
                        running_total: false,
                    })
                    .collect(),
            }
        })
        .collect()
}

#[tokio::test]
async fn the_period_sheet_is_downloaded_filled_and_uploaded_whole_or_not_at_all() {
    let Setting {
        mut published,
        kindergartens_task,
        quality_task,
        teachers_task,
        kindergartens,
        enrolment,
    } = setting().await;
    let plan = published.plan;
    let mut reporter = browser_login(&published.app, "basic_reporter", 3).await;
    let page_path = format!("/plans/{plan}/periods/2026-06");
    let (_, body) = reporter.get(&page_path).await;
    let token = attr(&html(&body), "input[name=csrf_token]", "value").unwrap();
    let (status, bytes) = reporter.get_bytes(&format!("{page_path}/sheet.xlsx")).await;
    assert_eq!(status, StatusCode::OK);
    let read = period_sheet::read("填报表.xlsx", &bytes).unwrap();
    let tasks: Vec<i64> = read.entries.iter().map(|e| e.task_id).collect();
    assert_eq!(tasks, vec![kindergartens_task, quality_task]);
    assert!(read.entries.iter().all(|e| e.period == "2026-06"));
    let lines = lines_of(
        &bytes,
        &[
            (kindergartens_task, "1-1", vec![kindergartens, enrolment]),
            (quality_task, "1-2", vec![]),
        ],
    );

    let upload_path = format!("{page_path}/sheet");
    let send = async |reporter: &mut Client, lines: &[SheetLine], action: &str| {
        let sheet = period_sheet::write("填报表", lines).unwrap();
        multipart_form(
            reporter,
            &upload_path,
            &[("csrf_token", &token), ("action", action)],
            Some(("填报表.xlsx", &sheet)),
        )
        .await
    };
    let mut foreign = filled(&lines, "已推进", 8.0);
    foreign.push(SheetLine {
        task_id: teachers_task,
        ..foreign[1].clone()
    });
    foreign[0].targets[1].target_id = 999_999;
    let (status, body) = send(&mut reporter, &foreign, "draft").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = texts(&html(&body), "#batch-errors p");
    assert!(errors[0].contains("整张表均未保存"), "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("第 5 行") && e.contains("不属于这项任务")),
        "the row of the foreign target: {errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("第 7 行") && e.contains("不在本次填报的范围内")),
        "the row of another unit's task: {errors:?}"
    );
    let api = &mut published.api;
    assert!(june_reports(api, kindergartens_task).await.is_empty());
    assert!(june_reports(api, quality_task).await.is_empty());
    assert!(june_reports(api, teachers_task).await.is_empty());

    let (status, _) = send(&mut reporter, &filled(&lines, "已推进", 8.0), "submit").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let first = june_reports(api, kindergartens_task).await;
    assert_eq!(state_of(&first), Some("submitted"));
    assert_eq!(first[0]["narrative"], "已推进（1-1）");
    assert_eq!(first[0]["actuals"][0]["value"].as_f64(), Some(8.0));
    assert_eq!(
        state_of(&june_reports(api, quality_task).await),
        Some("submitted")
    );

    let (_, bytes) = reporter.get_bytes(&format!("{page_path}/sheet.xlsx")).await;
    let again = period_sheet::read("填报表.xlsx", &bytes).unwrap();
    assert_eq!(
        again.entries[0].narrative.as_deref(),
        Some("已推进（1-1）"),
        "the sheet carries what was submitted"
    );
    let (status, _) = send(&mut reporter, &filled(&lines, "已推进", 8.0), "draft").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "a sheet sent back unchanged for submitted lines is accepted"
    );
    let (status, body) = send(&mut reporter, &filled(&lines, "改写", 9.0), "draft").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        texts(&html(&body), "#batch-errors p")
            .iter()
            .any(|e| e.contains("本期报送已提交，不能再修改")),
    );
    published.app.stop().await;
}

#[tokio::test]
async fn overdue_periods_of_one_task_are_caught_up_in_one_form() {
    let Setting {
        mut published,
        teachers_task,
        ..
    } = setting().await;
    let (status, body) = published
        .api
        .patch(
            &format!("/api/v1/plans/{}", published.plan),
            serde_json::json!({ "reporting_start": "2026-04-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut reporter = browser_login(&published.app, "personnel_reporter", 4).await;
    let (_, home) = reporter.get("/").await;
    let path = format!("/tasks/{teachers_task}/overdue");
    assert!(
        attr(&html(&home), &format!("a[href='{path}']"), "href").is_some(),
        "the home offers to catch up the task's overdue periods in one form"
    );
    let (_, body) = reporter.get(&path).await;
    let page = html(&body);
    let legends = texts(&page, "fieldset.batch-line legend");
    assert_eq!(legends.len(), 3, "April, May and June: {legends:?}");
    let token = attr(&page, "input[name=csrf_token]", "value").unwrap();
    let mut fields = vec![("csrf_token".to_string(), token)];
    for month in ["04", "05", "06"] {
        let key = format!("{teachers_task}_2026-{month}");
        fields.push((format!("status.{key}"), "in_progress".into()));
        fields.push((format!("narrative.{key}"), format!("{month}月招聘推进")));
    }
    fields.push(("action".into(), "submit".into()));
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, _) = reporter.form(&path, &borrowed).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, body) = published
        .api
        .get(&format!("/api/v1/reports?task={teachers_task}"))
        .await;
    let mut periods: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["state"] == "submitted")
        .map(|r| r["period"].as_str().unwrap())
        .collect();
    periods.sort();
    assert_eq!(periods, vec!["2026-04", "2026-05", "2026-06"]);
    published.app.stop().await;
}
