//! The pages people use, checked at the HTML level: rendered pages are parsed and looked at
//! with CSS selectors, forms are posted as a browser posts them.

use axum::http::StatusCode;
use chrono::NaiveDate;
use scraper::{Html, Selector};
use serde_json::{Value, json};

use crate::support::*;

fn june_28() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 28).unwrap()
}

fn html(body: &Value) -> Html {
    Html::parse_document(body.as_str().expect("an HTML page"))
}

fn texts(page: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    page.select(&selector)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

fn attr(page: &Html, selector: &str, name: &str) -> Option<String> {
    let selector = Selector::parse(selector).unwrap();
    page.select(&selector)
        .next()
        .and_then(|e| e.value().attr(name))
        .map(str::to_string)
}

/// Logs in through the login form, as a browser does.
async fn browser_login(app: &TestApp, username: &str, ip: u8) -> Client {
    let mut browser = app.anonymous(ip);
    let (status, _) = browser
        .form("/login", &[("username", username), ("password", PASSWORD)])
        .await;
    assert_eq!(
        (status, browser.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/"))
    );
    assert!(browser.cookie.is_some());
    browser
}

#[tokio::test]
async fn login_page_refuses_bad_passwords_in_chinese_and_lets_people_in() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    bureau(&app).await;
    let mut browser = app.anonymous(1);
    let (status, _) = browser.get("/").await;
    assert_eq!(
        (status, browser.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/login"))
    );
    let (status, body) = browser.get("/login").await;
    assert_eq!(status, StatusCode::OK);
    let page = html(&body);
    assert_eq!(texts(&page, "title"), vec!["登录 - 落实"]);
    assert!(attr(&page, "input[name=password]", "type").as_deref() == Some("password"));
    let (status, body) = browser
        .form(
            "/login",
            &[("username", "supervisor"), ("password", "wrong")],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(texts(&html(&body), ".error"), vec!["用户名或密码错误"]);
    assert_eq!(
        attr(&html(&body), "input[name=username]", "value").as_deref(),
        Some("supervisor")
    );
    let mut supervisor = browser_login(&app, "supervisor", 2).await;
    let (status, body) = supervisor.get("/").await;
    assert_eq!(status, StatusCode::OK);
    let page = html(&body);
    assert!(
        texts(&page, "h1")[0].starts_with("挂图作战"),
        "{:?}",
        texts(&page, "h1")
    );
    assert!(
        texts(&page, ".empty")[0].contains("上传工作要点"),
        "empty state says what to do"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_board_the_unit_home_and_the_report_form_work_without_javascript() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    let bureau = bureau(&app).await;
    let mut api = app.login("supervisor", 1).await;
    let plan = published_plan(&mut api, &bureau).await;

    let mut supervisor = browser_login(&app, "supervisor", 2).await;
    let (_, body) = supervisor.get("/").await;
    let board = html(&body);
    assert_eq!(
        texts(&board, "#by-section tr").len(),
        4,
        "a header row and three sections"
    );
    let owing = texts(&board, "#not-reported td");
    assert!(owing.iter().any(|t| t == "基础教育科"), "{owing:?}");
    let logout_token = attr(
        &board,
        "form[action='/logout'] input[name=csrf_token]",
        "value",
    )
    .unwrap();
    assert_eq!(
        logout_token.len(),
        64,
        "the logout form carries the session's token"
    );

    // The reporter's home lists the unit's two tasks, worst first; another unit's is not found.
    let mut reporter = browser_login(&app, "basic_reporter", 3).await;
    let (_, body) = reporter.get("/").await;
    let home = html(&body);
    assert_eq!(texts(&home, "h1"), vec!["我的任务"]);
    let rows = texts(&home, "#tasks tr[data-task] td:nth-child(2) a");
    assert_eq!(rows.len(), 2, "{rows:?}");
    let task = attr(&home, "#tasks tr[data-task]", "data-task").unwrap();
    let (_, detail) = api.get(&format!("/api/v1/plans/{plan}")).await;
    let other = detail["tasks"][2]["id"].as_i64().unwrap();
    let (status, body) = reporter.get(&format!("/tasks/{other}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(texts(&html(&body), "h1"), vec!["页面不存在"]);
    let (status, _) = reporter.get(&format!("/tasks/{other}/report")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "cannot open another unit's report form"
    );

    // The form: a token, the periods owed, the targets; a post without the token is refused.
    let (status, body) = reporter.get(&format!("/tasks/{task}/report")).await;
    assert_eq!(status, StatusCode::OK);
    let form = html(&body);
    let token = attr(&form, "input[name=csrf_token]", "value").unwrap();
    assert!(!token.is_empty());
    assert_eq!(
        attr(&form, "select[name=period] option[selected]", "value").as_deref(),
        Some("2026-06")
    );
    let target_field = attr(&form, "input[name^=actual_]", "name");
    let mut fields = vec![
        ("period", "2026-06"),
        ("status", "in_progress"),
        ("narrative", "已开工5所"),
        ("action", "submit"),
    ];
    let field_name = target_field.clone().unwrap_or_default();
    if target_field.is_some() {
        fields.push((field_name.as_str(), "5"));
    }
    let (status, _) = reporter
        .form(&format!("/tasks/{task}/report"), &fields)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token, no write");
    fields.push(("csrf_token", token.as_str()));
    let (status, _) = reporter
        .form(&format!("/tasks/{task}/report"), &fields)
        .await;
    assert_eq!(
        (status, reporter.location.clone()),
        (StatusCode::SEE_OTHER, Some(format!("/tasks/{task}")))
    );
    let (_, body) = reporter.get(&format!("/tasks/{task}")).await;
    let page = html(&body);
    assert_eq!(texts(&page, "#reports td:nth-child(2)"), vec!["已提交"]);

    // Returned through the API, the reason shows on the form; resubmitted from the form.
    let (_, reports) = api.get(&format!("/api/v1/reports?task={task}")).await;
    let report = reports["items"][0]["id"].as_i64().unwrap();
    api.post(
        &format!("/api/v1/reports/{report}/return"),
        json!({ "reason": "请补充开工明细" }),
    )
    .await;
    let (_, body) = reporter
        .get(&format!("/tasks/{task}/report?period=2026-06"))
        .await;
    assert_eq!(
        texts(&html(&body), "#return-reason"),
        vec!["上次报送被退回，理由：请补充开工明细"]
    );
    let mut again: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(k, _)| *k != "narrative")
        .copied()
        .collect();
    again.push(("narrative", "已开工5所，明细附后"));
    let (status, _) = reporter
        .form(&format!("/tasks/{task}/report"), &again)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, report) = api.get(&format!("/api/v1/reports/{report}")).await;
    assert_eq!(
        (report["state"].as_str(), report["narrative"].as_str()),
        (Some("submitted"), Some("已开工5所，明细附后"))
    );

    // Logging out through the form ends the session.
    let (status, _) = reporter
        .form("/logout", &[("csrf_token", token.as_str())])
        .await;
    assert_eq!(
        (status, reporter.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/login"))
    );
    let (status, _) = reporter.get("/").await;
    assert_eq!(
        (status, reporter.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/login"))
    );
    app.stop().await;
}

#[tokio::test]
async fn the_public_progress_page_and_feed_need_no_login() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    let bureau = bureau(&app).await;
    let mut api = app.login("supervisor", 1).await;
    let plan = published_plan(&mut api, &bureau).await;
    let mut public = app.anonymous(9);
    let (status, body) = public.get(&format!("/public/plans/{plan}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(texts(&html(&body), ".empty")[0].contains("尚未公开发布"));
    api.post(
        &format!("/api/v1/plans/{plan}/periods/2026-06/publish"),
        json!({}),
    )
    .await;
    let (_, body) = public.get(&format!("/public/plans/{plan}")).await;
    assert_eq!(texts(&html(&body), "#periods a"), vec!["2026年6月"]);
    let (status, body) = public
        .get(&format!("/public/plans/{plan}/periods/2026-06"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let page = html(&body);
    assert_eq!(
        texts(&page, "#public-tasks tr").len(),
        5,
        "a header and four tasks"
    );
    assert!(
        texts(&page, "#public-tasks td")
            .iter()
            .any(|t| t.contains("扩大普惠性资源"))
    );
    let (status, body) = public.get(&format!("/public/plans/{plan}/feed.xml")).await;
    assert_eq!(status, StatusCode::OK);
    let xml = body.as_str().unwrap();
    assert!(
        xml.starts_with("<?xml") && xml.contains("<entry>") && xml.contains("2026年6月"),
        "{xml}"
    );
    let (status, _) = public.get("/public/plans/999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.stop().await;
}
