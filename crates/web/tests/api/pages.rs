//! The pages people use, checked at the HTML level: rendered pages are parsed and looked at
//! with CSS selectors, forms are posted as a browser posts them.

use axum::http::StatusCode;
use scraper::{Html, Selector};
use serde_json::{Value, json};

use crate::support::*;

pub(crate) fn html(body: &Value) -> Html {
    Html::parse_document(body.as_str().expect("an HTML page"))
}

pub(crate) fn texts(page: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    page.select(&selector)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

pub(crate) fn attr(page: &Html, selector: &str, name: &str) -> Option<String> {
    let selector = Selector::parse(selector).unwrap();
    page.select(&selector)
        .next()
        .and_then(|e| e.value().attr(name))
        .map(str::to_string)
}

/// Logs in through the login form, as a browser does.
pub(crate) async fn browser_login(app: &TestApp, username: &str, ip: u8) -> Client {
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
    let ledger = attr(&board, "#exports a[href$='/ledger']", "href").unwrap();
    let (status, file) = supervisor.get(&ledger).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the board's download links work with the session cookie"
    );
    assert!(file.as_str().is_some_and(|f| f.starts_with("PK")));
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
    let (_, detail) = api.get(&format!("/api/v1/plans/{plan}")).await;
    // Task 1 leads with targets; its June report is owed, with a link to the form.
    let task = detail["tasks"][0]["id"].as_i64().unwrap().to_string();
    assert!(
        texts(&home, "#tasks tr[data-task] td:nth-child(2) a")
            .iter()
            .any(|t| t == "扩大普惠性资源")
    );
    assert_eq!(
        texts(&home, "#owed tr[data-task] td:nth-child(2)"),
        vec!["2026年6月", "2026年6月"],
        "both tasks the unit leads owe June"
    );
    assert_eq!(
        attr(
            &home,
            &format!("#owed tr[data-task='{task}'] a[href*=report]"),
            "href"
        ),
        Some(format!("/tasks/{task}/report?period=2026-06"))
    );
    assert!(texts(&home, "#returned").is_empty(), "nothing returned yet");
    let other = detail["tasks"][2]["id"].as_i64().unwrap();
    let (status, body) = reporter.get(&format!("/tasks/{other}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let missing = html(&body);
    assert_eq!(texts(&missing, "h1"), vec!["页面不存在"]);
    assert!(
        texts(&missing, "header a[href='/login']").is_empty(),
        "a signed-in person is not offered 登录 on an error page"
    );
    assert_eq!(
        texts(&missing, "header a[href='/']").len(),
        2,
        "the brand and 返回首页"
    );
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
    let field_name = attr(&form, "input[name^=actual_]", "name").expect("a target field");
    let fields = vec![
        ("period", "2026-06"),
        ("status", "in_progress"),
        ("narrative", "已开工5所"),
        ("action", "submit"),
        (field_name.as_str(), "5"),
    ];
    let mut fields = fields;
    let report_path = format!("/tasks/{task}/report");
    let (status, _) = multipart_form(&mut reporter, &report_path, &fields, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token, no write");
    fields.push(("csrf_token", token.as_str()));
    let (status, body) = multipart_form(
        &mut reporter,
        &report_path,
        &fields,
        Some(("病毒.exe", b"MZ\x90")),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "evidence type is checked"
    );
    assert!(texts(&html(&body), ".error")[0].contains("病毒.exe"));
    let evidence: &[u8] = b"%PDF-1.4 photo";
    let (status, _) = multipart_form(
        &mut reporter,
        &report_path,
        &fields,
        Some(("开工照片.pdf", evidence)),
    )
    .await;
    assert_eq!(
        (status, reporter.location.clone()),
        (
            StatusCode::SEE_OTHER,
            Some(format!("/tasks/{task}?done=submitted"))
        )
    );
    let (_, body) = reporter.get(&format!("/tasks/{task}?done=submitted")).await;
    let page = html(&body);
    assert_eq!(texts(&page, "#reports td:nth-child(2)"), vec!["已提交"]);
    // The evidence downloads from its link; the chart has the June actual; the trail says who.
    let link = attr(&page, "#reports .attachments a", "href").unwrap();
    let (status, file) = reporter.get(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(file.as_str().map(str::as_bytes), Some(evidence));
    assert_eq!(
        texts(&page, "#charts figcaption"),
        vec!["新改扩建幼儿园", "学前三年毛入园率"],
        "one chart per target"
    );
    let points = Selector::parse("#charts figure:first-child circle.actual title").unwrap();
    assert_eq!(
        page.select(&points)
            .map(|e| e.text().collect::<String>())
            .collect::<Vec<_>>(),
        vec!["6月 实际 5所"]
    );
    let trail = texts(&page, "#history tr td:nth-child(3)");
    assert!(trail.contains(&"提交报送".to_string()), "{trail:?}");
    assert!(trail.contains(&"上传佐证材料".to_string()), "{trail:?}");
    assert!(
        texts(&page, "#history td:nth-child(2)")
            .iter()
            .any(|t| t == "basic_reporter"),
        "people by their names"
    );
    let (_, body) = reporter.get("/").await;
    assert!(
        texts(&html(&body), &format!("#owed tr[data-task='{task}']")).is_empty(),
        "a submitted report is no longer owed"
    );

    // Returned through the API, the reason shows on the form; resubmitted from the form.
    let (_, reports) = api.get(&format!("/api/v1/reports?task={task}")).await;
    let report = reports["items"][0]["id"].as_i64().unwrap();
    api.post(
        &format!("/api/v1/reports/{report}/return"),
        json!({ "reason": "请补充开工明细" }),
    )
    .await;
    let (_, body) = reporter.get("/").await;
    let home = html(&body);
    assert_eq!(
        texts(&home, "#returned td.error"),
        vec!["请补充开工明细"],
        "the reason is on the unit's home"
    );
    assert_eq!(
        texts(
            &home,
            &format!("#owed tr[data-task='{task}'] td:nth-child(4)")
        ),
        vec!["已退回"]
    );
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
    let (_, body) = reporter
        .get(&format!("/tasks/{task}/report?period=2026-06"))
        .await;
    assert_eq!(
        texts(&html(&body), "#attachments"),
        vec!["已上传：开工照片.pdf"]
    );
    let (status, _) = multipart_form(&mut reporter, &report_path, &again, None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, report) = api.get(&format!("/api/v1/reports/{report}")).await;
    assert_eq!(
        (report["state"].as_str(), report["narrative"].as_str()),
        (Some("submitted"), Some("已开工5所，明细附后"))
    );
    assert_eq!(report["attachments"][0]["file_name"], "开工照片.pdf");
    let (_, body) = reporter.get("/").await;
    assert!(texts(&html(&body), "#returned").is_empty(), "resubmitted");

    // Comments: a supervisor's instruction shows on the task; a form without the token and
    // another unit's reporter are refused.
    let (_, body) = supervisor.get(&format!("/tasks/{task}")).await;
    let page = html(&body);
    let supervisor_token = attr(&page, "#add-comment input[name=csrf_token]", "value").unwrap();
    let comments = format!("/tasks/{task}/comments");
    let (status, _) = supervisor
        .form(
            &comments,
            &[("body", "请按月推进"), ("csrf_token", "forged")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = supervisor
        .form(
            &comments,
            &[
                ("body", "请按月推进"),
                ("csrf_token", supervisor_token.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, body) = supervisor
        .form(
            &comments,
            &[("body", "  "), ("csrf_token", supervisor_token.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(texts(&html(&body), ".error")[0].contains("评论内容不能为空"));
    let (_, body) = reporter.get(&format!("/tasks/{task}")).await;
    assert_eq!(
        texts(&html(&body), "ul.comments li p:nth-child(2)"),
        vec!["请按月推进"]
    );
    let mut safety = browser_login(&app, "safety_reporter", 4).await;
    let (_, body) = safety.get("/").await;
    let safety_token = attr(&html(&body), "input[name=csrf_token]", "value").unwrap();
    let (status, _) = safety
        .form(
            &comments,
            &[("body", "越权评论"), ("csrf_token", safety_token.as_str())],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another unit's task does not exist for it"
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

/// Posts a multipart form, as a browser does for a form with a file input.
pub(crate) async fn multipart_form(
    client: &mut Client,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> (StatusCode, Value) {
    let boundary = "luoshi-page-boundary-42";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    let (file_name, bytes) = file.unwrap_or(("", b""));
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    client
        .send(
            axum::http::Method::POST,
            path,
            Some(&format!("multipart/form-data; boundary={boundary}")),
            body,
        )
        .await
}

pub(crate) async fn upload_form(
    client: &mut Client,
    path: &str,
    token: &str,
    file_name: &str,
    bytes: &[u8],
) -> (StatusCode, Value) {
    multipart_form(
        client,
        path,
        &[("csrf_token", token)],
        Some((file_name, bytes)),
    )
    .await
}

#[tokio::test]
async fn first_run_upload_review_publish_and_report_review_through_pages() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    let mut browser = app.anonymous(1);
    let (_, body) = browser.get("/login").await;
    assert_eq!(
        attr(&html(&body), "#first-run", "href").as_deref(),
        Some("/setup")
    );
    let (status, _) = browser
        .form(
            "/setup",
            &[
                ("organization", "某县教育局"),
                ("username", "admin"),
                ("display_name", "管理员"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = browser
        .form(
            "/setup",
            &[
                ("organization", "某县教育局"),
                ("username", "admin"),
                ("display_name", "管理员"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        (status, browser.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/login"))
    );
    let (_, _) = browser.get("/setup").await;
    assert_eq!(
        browser.location.as_deref(),
        Some("/login"),
        "the first-run page is gone once someone exists"
    );

    // Units and a reporter, then the admin uploads and reviews the plan.
    let mut admin_api = app.login("admin", 2).await;
    admin_api
        .post(
            "/api/v1/units",
            json!({ "name": "基础教育科", "abbreviations": ["基教科"] }),
        )
        .await;
    for name in ["计划财务科", "人事科"] {
        admin_api
            .post("/api/v1/units", json!({ "name": name }))
            .await;
    }
    let reporter = luoshi_store::NewUser {
        username: "basic_reporter".into(),
        display_name: "报送人".into(),
        role: luoshi_domain::role::Role::Reporter,
        password_hash: luoshi_domain::password::hash(PASSWORD),
        must_change_password: false,
        units: vec![1],
    };
    app.store
        .create_user(&luoshi_store::Audit::cli(), 1, &reporter)
        .await
        .unwrap();
    let mut admin = browser_login(&app, "admin", 3).await;
    let (_, body) = admin.get("/plans/new").await;
    let token = attr(&html(&body), "input[name=csrf_token]", "value").unwrap();
    let (status, _) = upload_form(
        &mut admin,
        "/plans/new",
        "wrong",
        "plan.txt",
        PLAN_TEXT.as_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = upload_form(
        &mut admin,
        "/plans/new",
        &token,
        "plan.doc",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1old",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(texts(&html(&body), ".error")[0].contains("另存为 .docx"));
    let (status, _) = upload_form(
        &mut admin,
        "/plans/new",
        &token,
        "plan.txt",
        PLAN_TEXT.as_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let review = admin.location.clone().unwrap();
    assert_eq!(review, "/plans/1/review");
    let (_, body) = admin.get(&review).await;
    let page = html(&body);
    let marks = texts(&page, "#source mark[id^=src-t]");
    assert_eq!(marks.len(), 4, "every task is marked in the source");
    assert!(marks[0].contains("扩大普惠性资源"));
    assert!(
        !texts(&page, "#source mark.target").is_empty(),
        "targets are marked too"
    );
    let first_target = attr(&page, "form.target-edit", "action").unwrap();
    assert_eq!(
        texts(&page, "form.unit-mapping label").len(),
        1,
        "安全科 waits for a unit"
    );

    // Correct a target, accept 安全科 as a new unit, publish.
    let (status, _) = admin
        .form(
            &first_target,
            &[("csrf_token", &token), ("annual_value", "24")],
        )
        .await;
    assert_eq!(
        (status, admin.location.as_deref()),
        (StatusCode::SEE_OTHER, Some(review.as_str()))
    );
    let (status, _) = admin
        .form(
            "/plans/1/review/units",
            &[
                ("csrf_token", &token),
                ("written_name", "安全科"),
                ("unit_id", "new"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, body) = admin.get(&review).await;
    let page = html(&body);
    assert!(texts(&page, "form.unit-mapping").is_empty());
    assert_eq!(
        attr(&page, "form.target-edit input[name=annual_value]", "value").as_deref(),
        Some("24")
    );
    let (status, _) = admin
        .form("/plans/1/review/publish", &[("csrf_token", &token)])
        .await;
    assert_eq!(
        (status, admin.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/?plan=1"))
    );

    // The reporter submits; the supervisor's task page returns it, then accepts it.
    let mut api = app.login("basic_reporter", 4).await;
    let (_, mine) = api.get("/api/v1/me/tasks").await;
    let task = mine["items"][0]["id"].as_i64().unwrap();
    let (_, report) = api
        .post(&format!("/api/v1/tasks/{task}/reports"), json!({ "period": "2026-06", "status": "in_progress", "narrative": "进展", "submit": true }))
        .await;
    let report = report["id"].as_i64().unwrap();
    let (_, body) = admin.get(&format!("/tasks/{task}")).await;
    assert!(
        texts(&html(&body), "form.review").is_empty(),
        "admins do not review reports"
    );
    admin_api.post("/api/v1/users", json!({ "username": "supervisor", "display_name": "督查室", "role": "supervisor", "password": PASSWORD })).await;
    let (_, users) = admin_api.get("/api/v1/users?role=supervisor").await;
    let supervisor_id = users["items"][0]["id"].as_i64().unwrap();
    admin_api
        .post(
            &format!("/api/v1/users/{supervisor_id}/password"),
            json!({ "password": PASSWORD }),
        )
        .await;
    let mut supervisor = app.anonymous(5);
    supervisor
        .form(
            "/login",
            &[("username", "supervisor"), ("password", PASSWORD)],
        )
        .await;
    let (_, _) = supervisor.get("/").await;
    assert_eq!(
        supervisor.location.as_deref(),
        Some("/password"),
        "a password set by an admin is changed first"
    );
    let (_, body) = supervisor.get("/password").await;
    let supervisor_token = attr(&html(&body), "input[name=csrf_token]", "value").unwrap();
    supervisor
        .form(
            "/password",
            &[
                ("csrf_token", &supervisor_token),
                ("old_password", PASSWORD),
                ("new_password", "Another-Pass-9"),
            ],
        )
        .await;
    supervisor
        .form(
            "/login",
            &[("username", "supervisor"), ("password", "Another-Pass-9")],
        )
        .await;
    let (_, body) = supervisor.get(&format!("/tasks/{task}")).await;
    let page = html(&body);
    let review_token = attr(&page, "form.review input[name=csrf_token]", "value").unwrap();
    let action = attr(&page, "form.review", "action").unwrap();
    assert_eq!(action, format!("/reports/{report}/review"));
    supervisor
        .form(
            &action,
            &[
                ("csrf_token", &review_token),
                ("decision", "return"),
                ("reason", "请补充数据"),
            ],
        )
        .await;
    let (_, state) = api.get(&format!("/api/v1/reports/{report}")).await;
    assert_eq!(
        (state["state"].as_str(), state["return_reason"].as_str()),
        (Some("returned"), Some("请补充数据"))
    );
    api.post(&format!("/api/v1/reports/{report}/submit"), json!({}))
        .await;
    // A decision that is neither 采纳 nor 退回 is refused, not taken as a return.
    let (status, body) = supervisor
        .form(
            &action,
            &[
                ("csrf_token", &review_token),
                ("decision", "maybe"),
                ("reason", "x"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.as_str().is_some_and(|b| b.contains("应为采纳或退回")),
        "{body}"
    );
    let (_, state) = api.get(&format!("/api/v1/reports/{report}")).await;
    assert_eq!(state["state"], "submitted");
    supervisor
        .form(
            &action,
            &[("csrf_token", &review_token), ("decision", "accept")],
        )
        .await;
    let (_, state) = api.get(&format!("/api/v1/reports/{report}")).await;
    assert_eq!(state["state"], "accepted");

    // The board publishes the period to the public page.
    let (status, _) = supervisor
        .form(
            "/plans/1/publish-period",
            &[("csrf_token", &review_token), ("period", "2026-06")],
        )
        .await;
    assert_eq!(
        (status, supervisor.location.as_deref()),
        (
            StatusCode::SEE_OTHER,
            Some("/public/plans/1/periods/2026-06")
        )
    );
    app.stop().await;
}

#[tokio::test]
async fn notices_and_unit_head_approval_on_the_task_page() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    let bureau = bureau(&app).await;
    heads_review(&app).await;
    let mut api = app.login("supervisor", 2).await;
    let plan = published_plan(&mut api, &bureau).await;
    let (_, detail) = api.get(&format!("/api/v1/plans/{plan}")).await;
    let first = detail["tasks"][0]["id"].as_i64().unwrap();
    let third = detail["tasks"][2]["id"].as_i64().unwrap();

    // The supervisor issues a notice to the personnel office from the task page.
    let mut supervisor = browser_login(&app, "supervisor", 3).await;
    let (_, body) = supervisor.get(&format!("/tasks/{third}")).await;
    let page = html(&body);
    let token = attr(&page, "#issue-notice input[name=csrf_token]", "value").unwrap();
    let unit = bureau.personnel.id.to_string();
    let fields = [
        ("csrf_token", token.as_str()),
        ("unit_id", unit.as_str()),
        ("reason", "六月进展未报送"),
        ("response_due", "2026-07-05"),
    ];
    let (status, _) = supervisor
        .form(&format!("/tasks/{third}/notices"), &fields)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, body) = supervisor.get(&format!("/tasks/{third}")).await;
    let page = html(&body);
    assert_eq!(
        texts(&page, "#notices tr[data-notice] td:first-child"),
        vec!["六月进展未报送"]
    );
    assert!(
        texts(&page, "form.notice-answer").is_empty(),
        "the supervisor does not answer"
    );
    let notice = attr(&page, "#notices tr[data-notice]", "data-notice").unwrap();
    let (_, body) = supervisor.get("/").await;
    assert_eq!(
        texts(&html(&body), "#open-notices td:nth-child(3)"),
        vec!["六月进展未报送"],
        "open notices are on the board"
    );

    // The addressed unit sees it on its home, answers; the supervisor closes.
    let mut personnel = browser_login(&app, "personnel_reporter", 4).await;
    let (_, body) = personnel.get("/").await;
    let home = html(&body);
    assert_eq!(
        texts(&home, "#unit-notices td:nth-child(3)"),
        vec!["六月进展未报送"]
    );
    assert_eq!(
        attr(&home, "#unit-notices a", "href"),
        Some(format!("/tasks/{third}"))
    );
    let (_, body) = personnel.get(&format!("/tasks/{third}")).await;
    let answer_token = attr(
        &html(&body),
        "form.notice-answer input[name=csrf_token]",
        "value",
    )
    .unwrap();
    assert!(
        texts(&html(&body), "#issue-notice").is_empty(),
        "reporters do not issue notices"
    );
    let (status, _) = multipart_form(
        &mut personnel,
        &format!("/notices/{notice}/answer"),
        &[
            ("csrf_token", answer_token.as_str()),
            ("response", "已安排专人报送"),
        ],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The supervisor logged in before (through the API): the board tells what others did since.
    let (_, body) = supervisor.get("/").await;
    let board = html(&body);
    assert!(
        texts(&board, "h2")
            .iter()
            .any(|h| h.starts_with("自上次登录")),
        "{:?}",
        texts(&board, "h2")
    );
    assert_eq!(
        texts(&board, "#changes td:nth-child(2)"),
        vec!["personnel_reporter"],
        "only others' changes: {:?}",
        texts(&board, "#changes tr")
    );
    assert_eq!(
        texts(&board, "#changes td:nth-child(3)"),
        vec!["回复督办单"]
    );
    assert_eq!(
        attr(&board, "#changes a", "href"),
        Some(format!("/tasks/{third}"))
    );
    assert_eq!(
        texts(&board, "#open-notices td:nth-child(5)"),
        vec!["已回复"]
    );
    let mut basic = browser_login(&app, "basic_reporter", 5).await;
    let (_, body) = basic.get("/").await;
    let basic_token = attr(
        &html(&body),
        "form[action='/logout'] input[name=csrf_token]",
        "value",
    )
    .unwrap();
    let (status, _) = multipart_form(
        &mut basic,
        &format!("/notices/{notice}/answer"),
        &[
            ("csrf_token", basic_token.as_str()),
            ("response", "不是我们的"),
        ],
        Some(("证明.pdf", b"%PDF-1.4 not ours")),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another unit cannot answer");
    let (status, _) = supervisor
        .form(
            &format!("/notices/{notice}/close"),
            &[("csrf_token", token.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, closed) = api.get(&format!("/api/v1/notices?task={third}")).await;
    assert_eq!(
        (
            closed["items"][0]["state"].as_str(),
            closed["items"][0]["response"].as_str()
        ),
        (Some("closed"), Some("已安排专人报送"))
    );
    let (_, body) = supervisor.get("/").await;
    assert!(
        texts(&html(&body), "#open-notices").is_empty(),
        "closed notices leave the board"
    );

    // With unit-head review on, the head approves before the supervisor may accept.
    let mut reporter_api = app.login("basic_reporter", 6).await;
    let (_, report) = reporter_api
        .post(&format!("/api/v1/tasks/{first}/reports"), json!({ "period": "2026-06", "status": "in_progress", "narrative": "进展", "submit": true }))
        .await;
    let report = report["id"].as_i64().unwrap();
    let (_, body) = supervisor.get(&format!("/tasks/{first}")).await;
    assert!(
        texts(&html(&body), "form.review").is_empty(),
        "nothing to review before the head approves"
    );
    let mut head = browser_login(&app, "basic_head", 7).await;
    let (_, body) = head.get(&format!("/tasks/{first}")).await;
    let head_token = attr(&html(&body), "form.approve input[name=csrf_token]", "value").unwrap();
    let (status, _) = head
        .form(
            &format!("/reports/{report}/approve"),
            &[("csrf_token", head_token.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, body) = supervisor.get(&format!("/tasks/{first}")).await;
    assert_eq!(
        attr(&html(&body), "form.review", "action"),
        Some(format!("/reports/{report}/review"))
    );
    app.stop().await;
}

#[tokio::test]
async fn administration_pages_set_up_units_users_and_rules() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    let bureau = bureau(&app).await;
    let mut reporter = browser_login(&app, "basic_reporter", 1).await;
    let (status, _) = reporter.get("/admin").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only admins administer");
    let mut admin = browser_login(&app, "admin", 2).await;
    let (status, body) = admin.get("/admin").await;
    assert_eq!(status, StatusCode::OK);
    let page = html(&body);
    assert_eq!(texts(&page, "#units tr[data-unit]").len(), 4);
    let token = attr(&page, "#add-unit input[name=csrf_token]", "value").unwrap();

    // A unit with its abbreviations; an abbreviation edited.
    let (status, body) = admin
        .form(
            "/admin/units",
            &[
                ("csrf_token", &token),
                ("name", "教研室"),
                ("kind", "center"),
                ("parent_id", ""),
                ("abbreviations", "教研，教研中心"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(texts(&html(&body), "#admin-message")[0].contains("教研室"));
    let (status, body) = admin
        .form(
            "/admin/units",
            &[
                ("csrf_token", &token),
                ("name", "教研室"),
                ("kind", "center"),
                ("parent_id", ""),
                ("abbreviations", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(texts(&html(&body), ".error")[0].contains("已存在"));
    let unit = bureau.safety.id.to_string();
    admin
        .form(
            &format!("/admin/units/{unit}"),
            &[("csrf_token", &token), ("abbreviations", "安全科")],
        )
        .await;
    let (_, units) = admin.get("/api/v1/units?q=教研").await;
    assert_eq!(
        units["items"][0]["abbreviations"],
        json!(["教研", "教研中心"])
    );
    let (_, units) = admin.get("/api/v1/units?q=安全科").await;
    assert_eq!(
        units["items"][0]["id"], bureau.safety.id,
        "the abbreviation now matches"
    );

    // A user with a temporary password, then moved and disabled.
    let unit = bureau.finance.id.to_string();
    let (_, body) = admin
        .form(
            "/admin/users",
            &[
                ("csrf_token", &token),
                ("username", "caiwu"),
                ("display_name", "财务报送人"),
                ("role", "reporter"),
                ("unit", &unit),
            ],
        )
        .await;
    let message = texts(&html(&body), "#admin-message")[0].clone();
    let temporary = message
        .split("临时密码：")
        .nth(1)
        .unwrap()
        .split('（')
        .next()
        .unwrap()
        .to_string();
    let mut newcomer = app.anonymous(3);
    newcomer
        .form("/login", &[("username", "caiwu"), ("password", &temporary)])
        .await;
    newcomer.get("/").await;
    assert_eq!(
        newcomer.location.as_deref(),
        Some("/password"),
        "must change the temporary password"
    );
    let (_, all) = admin.get("/api/v1/users?per_page=200").await;
    let caiwu = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "caiwu")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, body) = admin
        .form(
            &format!("/admin/users/{caiwu}"),
            &[
                ("csrf_token", &token),
                ("role", "reporter"),
                ("unit", ""),
                ("disabled", "on"),
            ],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a reporter needs a unit: {}",
        texts(&html(&body), ".error").join("")
    );
    admin
        .form(
            &format!("/admin/users/{caiwu}"),
            &[
                ("csrf_token", &token),
                ("role", "leader"),
                ("unit", ""),
                ("disabled", "on"),
            ],
        )
        .await;
    let (_, user) = admin.get("/api/v1/users?role=leader&per_page=200").await;
    let changed = user["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "caiwu")
        .unwrap();
    assert_eq!(changed["disabled"], true);
    let (_, log) = admin
        .get(&format!(
            "/api/v1/audit?entity=user&entity_id={caiwu}&action=permission_change"
        ))
        .await;
    assert_eq!(log["total"], 1, "the permission change is in the audit log");

    // Light thresholds and unit-head review.
    let (_, body) = admin
        .form(
            "/admin/organization",
            &[
                ("csrf_token", &token),
                ("name", "某县教育局"),
                ("head_review", "on"),
                ("yellow_lag_percent", "15"),
                ("yellow_deadline_days", "20"),
                ("red_overdue_days", "7"),
                ("red_return_count", "3"),
            ],
        )
        .await;
    assert_eq!(
        texts(&html(&body), "#admin-message"),
        vec!["机构设置已保存"]
    );
    let (_, organization) = admin.get("/api/v1/organization").await;
    assert_eq!(
        (
            organization["head_review"].as_bool(),
            organization["light_rules"]["red_overdue_days"].as_i64()
        ),
        (Some(true), Some(7))
    );
    app.stop().await;
}

/// A bureau with [`PLAN_TEXT`] uploaded as a draft: the supervisor's API client and the plan.
async fn draft_plan(app: &TestApp) -> (Client, i64) {
    bureau(app).await;
    let mut supervisor = app.login("supervisor", 1).await;
    let (_, body) = supervisor
        .upload("/api/v1/plans", "plan.txt", PLAN_TEXT.as_bytes())
        .await;
    (supervisor, body["plan"]["id"].as_i64().unwrap())
}

#[tokio::test]
async fn the_review_screen_edits_merges_and_deletes_tasks() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    let (mut supervisor, plan) = draft_plan(&app).await;
    let tasks = |detail: &Value| -> Vec<(i64, String)> {
        detail["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["id"].as_i64().unwrap(),
                    t["heading"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let (_, detail) = supervisor.get(&format!("/api/v1/plans/{plan}")).await;
    let before = tasks(&detail);
    let mut browser = browser_login(&app, "supervisor", 2).await;
    let review = format!("/plans/{plan}/review");
    let (_, body) = browser.get(&review).await;
    let page = html(&body);
    let token = attr(&page, "form.task-edit input[name=csrf_token]", "value").unwrap();
    let second = format!("/plans/{plan}/review/tasks/{}", before[1].0);
    assert_eq!(
        attr(
            &page,
            &format!("form.task-edit[action='{second}'] input[name=lead]"),
            "value"
        )
        .as_deref(),
        Some("基础教育科"),
        "the form starts from what was read"
    );
    let edit = |lead: &'static str| {
        vec![
            ("csrf_token", token.clone()),
            ("op", "save".to_string()),
            ("heading", "提升幼儿园保教质量".to_string()),
            ("objective", "保教质量评估全覆盖".to_string()),
            ("lead", lead.to_string()),
            ("co", "计划财务科".to_string()),
            ("deadline_text", "9月底前".to_string()),
            ("deadline", "2026-09-30".to_string()),
        ]
    };
    let fields = edit("教研室");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = browser.form(&second, &fields).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "refused on the page itself"
    );
    assert!(
        texts(&html(&body), "p.error")[0].contains("教研室"),
        "an unknown unit is named"
    );
    let fields = edit("基教科");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.form(&second, &fields).await;
    assert_eq!(browser.location.as_deref(), Some(review.as_str()));
    let (_, detail) = supervisor.get(&format!("/api/v1/plans/{plan}")).await;
    let edited = &detail["tasks"][1];
    assert_eq!(
        (
            edited["heading"].as_str(),
            edited["deadline"].as_str(),
            edited["deadline_text"].as_str(),
            edited["objective"].as_str(),
        ),
        (
            Some("提升幼儿园保教质量"),
            Some("2026-09-30"),
            Some("9月底前"),
            Some("保教质量评估全覆盖")
        )
    );
    assert_eq!(edited["co_units"][0]["unit_name"], "计划财务科");

    // Task 3 merges into task 2; task 4 is deleted.
    let third = format!("/plans/{plan}/review/tasks/{}", before[2].0);
    browser
        .form(&third, &[("csrf_token", &token), ("op", "merge_previous")])
        .await;
    assert_eq!(browser.location.as_deref(), Some(review.as_str()));
    let fourth = format!("/plans/{plan}/review/tasks/{}", before[3].0);
    browser
        .form(&fourth, &[("csrf_token", &token), ("op", "delete")])
        .await;
    let (_, detail) = supervisor.get(&format!("/api/v1/plans/{plan}")).await;
    let after = tasks(&detail);
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(after[1].0, before[1].0, "the earlier task is kept");
    let first = format!("/plans/{plan}/review/tasks/{}", before[0].0);
    let (status, _) = browser
        .form(&first, &[("csrf_token", &token), ("op", "merge_previous")])
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing before the first"
    );
    let (status, _) = browser
        .form(&first, &[("csrf_token", "forged"), ("op", "delete")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut reporter = browser_login(&app, "basic_reporter", 3).await;
    let (_, body) = reporter.get("/").await;
    let reporter_token = attr(&html(&body), "input[name=csrf_token]", "value").unwrap();
    let (status, _) = reporter
        .form(&first, &[("csrf_token", &reporter_token), ("op", "delete")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "reporters do not edit plans");
    let (_, detail) = supervisor.get(&format!("/api/v1/plans/{plan}")).await;
    assert_eq!(tasks(&detail).len(), 2, "refused edits change nothing");
    app.stop().await;
}

#[tokio::test]
async fn the_review_screen_sets_the_reporting_cycle() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    let (mut supervisor, plan) = draft_plan(&app).await;
    let mut browser = browser_login(&app, "supervisor", 2).await;
    let (_, body) = browser.get(&format!("/plans/{plan}/review")).await;
    let token = attr(
        &html(&body),
        "#plan-settings input[name=csrf_token]",
        "value",
    )
    .unwrap();
    let path = format!("/plans/{plan}/review/settings");
    browser
        .form(
            &path,
            &[
                ("csrf_token", &token),
                ("cycle", "quarterly"),
                ("due_day", "20"),
                ("reporting_start", "2026-01-01"),
            ],
        )
        .await;
    let (_, detail) = supervisor.get(&format!("/api/v1/plans/{plan}")).await;
    assert_eq!(
        (
            detail["plan"]["cycle"].as_str(),
            detail["plan"]["due_day"].as_i64()
        ),
        (Some("quarterly"), Some(20))
    );
    assert_eq!(detail["plan"]["reporting_start"], "2026-01-01");
    let (status, body) = browser
        .form(
            &path,
            &[
                ("csrf_token", &token),
                ("cycle", "monthly"),
                ("due_day", "40"),
                ("reporting_start", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        texts(&html(&body), "p[role=alert]"),
        vec!["报送日应在 1 到 31 之间"],
        "a bad due day comes back as a message on the page, not in its address"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_plan_page_filters_and_sorts_like_the_api() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    let bureau = bureau(&app).await;
    let mut api = app.login("supervisor", 1).await;
    let plan = published_plan(&mut api, &bureau).await;
    let mut leader = browser_login(&app, "leader", 2).await;
    let rows = |body: &Value| texts(&html(body), "#tasks tr[data-task] td:first-child");
    let (_, body) = leader
        .get(&format!(
            "/plans/{plan}?light=&unit=&section=&sort=number&q="
        ))
        .await;
    assert_eq!(
        rows(&body),
        vec!["1", "2", "3", "4"],
        "empty filters show everything"
    );
    let page = html(&body);
    assert_eq!(
        texts(&page, "select[name=unit] option").len(),
        5,
        "all and the four units"
    );
    let (_, body) = leader
        .get(&format!("/plans/{plan}?unit={}", bureau.basic.id))
        .await;
    assert_eq!(rows(&body), vec!["1", "2"]);
    let (_, body) = leader
        .get(&format!("/plans/{plan}?unit={}", bureau.finance.id))
        .await;
    assert_eq!(rows(&body), vec!["1"], "co-units count too");
    let section = texts(&html(&body), "select[name=section] option").len();
    assert_eq!(section, 4, "all and three sections");
    let (_, body) = leader.get(&format!("/plans/{plan}?q=教师")).await;
    assert_eq!(rows(&body), vec!["3"]);
    let (status, _) = leader.get(&format!("/plans/{plan}?sort=price")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    app.stop().await;
}

/// A plan whose units are written once for a whole section: the review screen counts what
/// needs a look and lists those readings first, and the API's import answer carries them.
#[tokio::test]
async fn review_screen_lists_uncertain_readings_first() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    bureau(&app).await;
    let plan = "某县教育局2026年工作要点\n一、办好学前教育\n（责任单位：基础教育科）\n1.扩大普惠资源。新建幼儿园3所。\n2.提升保教质量。\n二、加强教师队伍建设\n3.补充教师。招聘教师50名。（责任单位：人事科）\n";
    let mut admin = app.login("admin", 3).await;
    let (status, body) = admin
        .upload("/api/v1/plans", "plan.txt", plan.as_bytes())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let warnings = body["warnings"].as_array().unwrap();
    assert!(
        warnings[0]
            .as_str()
            .unwrap()
            .contains("本部分统一写明的责任单位"),
        "{warnings:?}"
    );
    let id = body["plan"]["id"].as_i64().unwrap();
    let mut browser = browser_login(&app, "admin", 4).await;
    let (_, body) = browser.get(&format!("/plans/{id}/review")).await;
    let page = html(&body);
    let count = texts(&page, "#warnings-count");
    assert_eq!(count.len(), 1);
    assert!(count[0].contains(&format!("有 {} 处需要人工核对", warnings.len())));
    let listed = texts(&page, "#warnings li");
    assert!(listed[0].contains("第1项任务的责任单位"), "{listed:?}");
    assert!(listed[1].contains("第2项任务的责任单位"), "{listed:?}");
}
