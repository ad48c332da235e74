//! Plan review where plans are hard: a text that names no units is mapped in a few actions
//! (bulk assignment by selection, section or every task without a lead); a shortened name
//! is offered the unit it shortens; a phrase for many units is not made a unit; a plan of
//! another year is published only when confirmed; refusals come back on the page.

use axum::http::StatusCode;
use serde_json::Value;

use crate::pages::{attr, browser_login, html, texts, upload_form};
use crate::support::*;

/// A plan of `year` whose tasks name no units except where `units` says: two sections, five
/// tasks each.
fn plan_text(year: i32, units: &str) -> String {
    let mut text = format!("某县教育局{year}年工作要点\n一、推进学前教育普及普惠\n");
    for n in 1..=5 {
        text.push_str(&format!(
            "{n}.学前教育第{n}项工作。完成第{n}项建设任务。{units}\n"
        ));
    }
    text.push_str("二、加强教师队伍建设\n");
    for n in 6..=10 {
        text.push_str(&format!("{n}.教师队伍第{n}项工作。完成第{n}项培训任务。\n"));
    }
    text
}

/// Uploads `text` through the page as the supervisor; the review page's path and its token.
async fn upload(browser: &mut Client, text: &str) -> (String, String) {
    let (_, body) = browser.get("/plans/new").await;
    let token = attr(&html(&body), "input[name=csrf_token]", "value").unwrap();
    let (status, _) = upload_form(browser, "/plans/new", &token, "plan.txt", text.as_bytes()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    (browser.location.clone().unwrap(), token)
}

async fn plan_json(app: &TestApp, review: &str) -> Value {
    let plan = review
        .trim_start_matches("/plans/")
        .trim_end_matches("/review");
    let mut api = app.login("supervisor", 9).await;
    api.get(&format!("/api/v1/plans/{plan}")).await.1
}

fn leads(plan: &Value) -> Vec<String> {
    plan["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            t["lead_units"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["unit_name"].as_str().unwrap_or("").to_string())
                .collect::<Vec<_>>()
                .join("、")
        })
        .collect()
}

#[tokio::test]
async fn a_plan_that_names_no_units_is_mapped_in_three_assignments() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    let bureau = bureau(&app).await;
    let mut browser = browser_login(&app, "supervisor", 1).await;
    let (review, token) = upload(&mut browser, &plan_text(2026, "")).await;
    let (_, body) = browser.get(&review).await;
    let page = html(&body);
    assert_eq!(
        texts(&page, "#without-lead"),
        vec!["还有 10 项任务没有牵头单位，发布前须指定。"]
    );
    assert_eq!(texts(&page, ".panel.no-lead").len(), 10);
    let sections: Vec<String> = texts(&page, "#bulk-assign select[name=scope] option");
    assert!(
        sections
            .iter()
            .any(|s| s == "二、加强教师队伍建设（整个部分）"),
        "{sections:?}"
    );

    let publish = review.replace("/review", "/review/publish");
    let (status, body) = browser.form(&publish, &[("csrf_token", &token)]).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "refused on the page, not in a URL"
    );
    let refusal = texts(&html(&body), "p[role=alert]");
    assert_eq!(
        refusal,
        vec!["有 10 项任务还没有牵头单位（第 1、2、3、4、5、6、7、8、9、10 项），请先指定后再发布"]
    );

    let section = attr(
        &page,
        "#bulk-assign option[value^='section:']:last-child",
        "value",
    )
    .unwrap();
    let assign = review.replace("/review", "/review/assign");
    let personnel = bureau.personnel.id.to_string();
    let basic = bureau.basic.id.to_string();
    let finance = bureau.finance.id.to_string();
    let by_section = [
        ("csrf_token", token.as_str()),
        ("scope", section.as_str()),
        ("lead", personnel.as_str()),
    ];
    let (status, _) = browser.form(&assign, &by_section).await;
    assert_eq!(
        (status, browser.location.clone()),
        (StatusCode::SEE_OTHER, Some(review.clone()))
    );
    let (_, body) = browser.get(&review).await;
    assert_eq!(
        texts(&html(&body), "#without-lead"),
        vec!["还有 5 项任务没有牵头单位，发布前须指定。"]
    );

    let plan = plan_json(&app, &review).await;
    let first = plan["tasks"][0]["id"].as_i64().unwrap().to_string();
    let second = plan["tasks"][1]["id"].as_i64().unwrap().to_string();
    let chosen = [
        ("csrf_token", token.as_str()),
        ("scope", "chosen"),
        ("task", first.as_str()),
        ("task", second.as_str()),
        ("lead", basic.as_str()),
        ("co", finance.as_str()),
    ];
    browser.form(&assign, &chosen).await;
    let rest = [
        ("csrf_token", token.as_str()),
        ("scope", "without_lead"),
        ("lead", basic.as_str()),
    ];
    browser.form(&assign, &rest).await;
    let plan = plan_json(&app, &review).await;
    let mut expected = vec!["基础教育科"; 5];
    expected.extend(["人事科"; 5]);
    assert_eq!(leads(&plan), expected);
    assert_eq!(plan["tasks"][0]["co_units"][0]["unit_name"], "计划财务科");
    assert!(plan["tasks"][2]["co_units"].as_array().unwrap().is_empty());

    let nothing = [
        ("csrf_token", token.as_str()),
        ("scope", "chosen"),
        ("task", first.as_str()),
    ];
    let (status, body) = browser.form(&assign, &nothing).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(texts(&html(&body), "p[role=alert]"), vec!["请选择牵头单位"]);

    let (status, _) = browser.form(&publish, &[("csrf_token", &token)]).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "three assignments and it publishes"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_shortened_name_is_offered_its_unit_and_a_name_for_many_units_is_removed() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    let bureau = bureau(&app).await;
    let mut browser = browser_login(&app, "supervisor", 1).await;
    let text = plan_text(2026, "（牵头单位：安全科；配合单位：局机关各科室）");
    let (review, token) = upload(&mut browser, &text).await;
    let (_, body) = browser.get(&review).await;
    let page = html(&body);
    let safety = bureau.safety.id.to_string();
    let offered = attr(
        &page,
        "form.unit-mapping:not([data-collective]) option[selected]",
        "value",
    );
    assert_eq!(
        offered,
        Some(safety),
        "安全科 is offered 安全管理科, not a new unit"
    );
    assert!(
        texts(
            &page,
            "form.unit-mapping:not([data-collective]) option[selected]"
        )[0]
        .ends_with("（建议）")
    );
    assert_eq!(
        attr(
            &page,
            "form.unit-mapping[data-collective] option[selected]",
            "value"
        )
        .as_deref(),
        Some("drop"),
        "局机关各科室 stands for many units"
    );

    let units = review.replace("/review", "/review/units");
    let drop = [
        ("csrf_token", token.as_str()),
        ("written_name", "局机关各科室"),
        ("unit_id", "drop"),
    ];
    let (status, _) = browser.form(&units, &drop).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, body) = browser.get(&review).await;
    let page = html(&body);
    assert_eq!(
        texts(&page, "form.unit-mapping").len(),
        1,
        "only 安全科 is left to map"
    );
    let plan = plan_json(&app, &review).await;
    assert!(plan["tasks"][0]["co_units"].as_array().unwrap().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_plan_of_another_year_is_published_only_when_confirmed() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    let bureau = bureau(&app).await;
    let mut browser = browser_login(&app, "supervisor", 1).await;
    let (review, token) = upload(&mut browser, &plan_text(2021, "（责任单位：基础教育科）")).await;
    let (_, body) = browser.get(&review).await;
    let page = html(&body);
    assert!(texts(&page, "#year-warning")[0].contains("2021 年，与今年（2026 年）不同"));
    assert!(attr(&page, "input[name=confirm_year]", "required").is_some());
    let assign = review.replace("/review", "/review/assign");
    let basic = bureau.basic.id.to_string();
    let rest = [
        ("csrf_token", token.as_str()),
        ("scope", "without_lead"),
        ("lead", basic.as_str()),
    ];
    browser.form(&assign, &rest).await;

    let publish = review.replace("/review", "/review/publish");
    let (status, body) = browser.form(&publish, &[("csrf_token", &token)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(texts(&html(&body), "p[role=alert]")[0].contains("确认无误后勾选确认再发布"));
    let confirmed = [("csrf_token", token.as_str()), ("confirm_year", "on")];
    let (status, _) = browser.form(&publish, &confirmed).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    app.stop().await;
}

#[tokio::test]
async fn targets_and_sections_are_added_corrected_and_deleted_on_the_review_screen() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    bureau(&app).await;
    let mut browser = browser_login(&app, "supervisor", 1).await;
    let (review, token) = upload(&mut browser, PLAN_TEXT).await;
    let (_, body) = browser.get(&review).await;
    let page = html(&body);
    assert_eq!(
        texts(&page, "h3.section-heading"),
        vec![
            "一、推进学前教育普及普惠",
            "二、加强教师队伍建设",
            "三、守牢安全底线"
        ],
        "tasks are listed under their sections"
    );
    let plan = plan_json(&app, &review).await;
    let first = plan["tasks"][0]["id"].as_i64().unwrap();
    let rate = &plan["tasks"][0]["targets"][1];
    assert_eq!(rate["comparator"], "ge", "达到92%以上");
    let rate_id = rate["id"].as_i64().unwrap();
    let base = review.trim_end_matches("/review").to_string();

    let new_target = format!("{base}/review/tasks/{first}/targets");
    let vague = [
        ("csrf_token", token.as_str()),
        ("indicator", "新增学位"),
        ("comparator", "ge"),
        ("annual_value", "约3000"),
        ("unit", "个"),
    ];
    let (status, body) = browser.form(&new_target, &vague).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        texts(&html(&body), "#review-messages [role=alert]"),
        vec!["目标值“约3000”不是数字"]
    );
    let added = [
        ("csrf_token", token.as_str()),
        ("indicator", "新增学位"),
        ("comparator", "ge"),
        ("annual_value", "3000"),
        ("unit", "个"),
    ];
    let (status, _) = browser.form(&new_target, &added).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let corrected = [
        ("csrf_token", token.as_str()),
        ("op", "save"),
        ("indicator", "学前三年毛入园率"),
        ("comparator", "eq"),
        ("annual_value", "93"),
        ("unit", "%"),
    ];
    let (status, _) = browser
        .form(&format!("{base}/review/targets/{rate_id}"), &corrected)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let plan = plan_json(&app, &review).await;
    let targets = plan["tasks"][0]["targets"].as_array().unwrap();
    let summary: Vec<(String, String, f64)> = targets
        .iter()
        .map(|t| {
            (
                t["indicator"].as_str().unwrap().to_string(),
                t["comparator"].as_str().unwrap().to_string(),
                t["annual_value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(summary[1], ("学前三年毛入园率".into(), "eq".into(), 93.0));
    assert_eq!(summary[2], ("新增学位".into(), "ge".into(), 3000.0));
    let added_id = targets[2]["id"].as_i64().unwrap();
    let (status, _) = browser
        .form(
            &format!("{base}/review/targets/{added_id}"),
            &[("csrf_token", token.as_str()), ("op", "delete")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let plan = plan_json(&app, &review).await;
    assert_eq!(plan["tasks"][0]["targets"].as_array().unwrap().len(), 2);

    let section = plan["sections"][0]["id"].as_i64().unwrap();
    let renamed = [
        ("csrf_token", token.as_str()),
        ("number", "一"),
        ("title", "推进学前教育优质普惠"),
    ];
    let (status, _) = browser
        .form(&format!("{base}/review/sections/{section}"), &renamed)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = browser
        .form(
            &format!("{base}/review/sections"),
            &[
                ("csrf_token", token.as_str()),
                ("number", "四"),
                ("title", "其他工作"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let plan = plan_json(&app, &review).await;
    let sections: Vec<(i64, String)> = plan["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["number"].as_i64().unwrap(),
                s["title"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(sections[0], (1, "推进学前教育优质普惠".to_string()));
    assert_eq!(sections[3], (4, "其他工作".to_string()));
    let other = plan["sections"][3]["id"].as_i64().unwrap().to_string();
    let last = &plan["tasks"][3];
    let moved = [
        ("csrf_token", token.as_str()),
        ("op", "save"),
        ("heading", last["heading"].as_str().unwrap()),
        ("objective", ""),
        ("deadline", ""),
        ("deadline_text", ""),
        ("lead", "安全管理科"),
        ("co", ""),
        ("section", other.as_str()),
    ];
    let task = last["id"].as_i64().unwrap();
    let (status, _) = browser
        .form(&format!("{base}/review/tasks/{task}"), &moved)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, body) = browser.get(&review).await;
    let headings = texts(&html(&body), "h3.section-heading");
    assert_eq!(headings.last().map(String::as_str), Some("四、其他工作"));
    app.stop().await;
}
