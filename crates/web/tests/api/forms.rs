//! Forms that never lose what was typed: a refused report comes back with every field as
//! sent and the reason beside the field; the form says what each figure needs; a deep link
//! survives the login; the assets the pages load are cached by content and compressed.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use tower::ServiceExt;

use crate::pages::{attr, browser_login, html, multipart_form, texts};
use crate::support::*;

/// The June report form as a browser sends it.
fn june_form<'a>(
    token: &'a str,
    status: &'a str,
    narrative: &'a str,
    actuals: &[(&'a str, &'a str)],
    action: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("csrf_token", token),
        ("period", "2026-06"),
        ("status", status),
        ("narrative", narrative),
    ];
    fields.extend_from_slice(actuals);
    fields.push(("action", action));
    fields
}

fn input_value(page: &scraper::Html, name: &str) -> Option<String> {
    attr(page, &format!("input[name={name}]"), "value")
}

#[tokio::test]
async fn a_refused_report_keeps_every_field_and_says_why_beside_it() {
    let Published {
        app, mut api, plan, ..
    } = published().await;
    let (_, detail) = api.get(&format!("/api/v1/plans/{plan}")).await;
    let task = detail["tasks"][0]["id"].as_i64().unwrap();
    let kindergartens = detail["tasks"][0]["targets"][0]["id"].as_i64().unwrap();
    let enrolment = detail["tasks"][0]["targets"][1]["id"].as_i64().unwrap();
    let mut unit_api = app.login("basic_reporter", 2).await;
    let (status, may) = unit_api
        .post(
            &format!("/api/v1/tasks/{task}/reports"),
            json!({ "period": "2026-05", "status": "in_progress", "narrative": "五月开工3所",
                    "actuals": [{ "target_id": kindergartens, "value": 3 }], "submit": true }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{may}");

    let mut reporter = browser_login(&app, "basic_reporter", 3).await;
    let form_path = format!("/tasks/{task}/report");
    let (_, body) = reporter.get(&form_path).await;
    let form = html(&body);
    assert_eq!(
        texts(&form, "#period-due"),
        vec!["本期报送截止：2026-06-25"]
    );
    let count_hint = texts(
        &form,
        &format!(".actual[data-target='{kindergartens}'] .hint"),
    );
    assert!(
        count_hint[0].contains("年初至本期末的累计数")
            && count_hint[0].contains("序时进度 10所")
            && count_hint[0].contains("上次报送 2026年5月：3所"),
        "{count_hint:?}"
    );
    let rate_hint = texts(&form, &format!(".actual[data-target='{enrolment}'] .hint"));
    assert!(
        rate_hint[0].starts_with("填写本期末达到的水平"),
        "{rate_hint:?}"
    );
    assert_eq!(
        attr(&form, "form[data-draft]", "data-draft"),
        Some(format!("report-{task}")),
        "the browser keeps a draft of this form"
    );
    let token = attr(&form, "input[name=csrf_token]", "value").unwrap();
    let kindergartens_field = format!("actual_{kindergartens}");
    let enrolment_field = format!("actual_{enrolment}");

    let vague = june_form(
        &token,
        "lagging",
        "新建幼儿园主体完工，部分待验收",
        &[(&kindergartens_field, "约84"), (&enrolment_field, "91.5")],
        "submit",
    );
    let (status, body) = multipart_form(&mut reporter, &form_path, &vague, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(&body);
    assert_eq!(
        texts(&page, "textarea[name=narrative]"),
        vec!["新建幼儿园主体完工，部分待验收"]
    );
    assert_eq!(
        input_value(&page, &kindergartens_field).as_deref(),
        Some("约84")
    );
    assert_eq!(
        input_value(&page, &enrolment_field).as_deref(),
        Some("91.5")
    );
    assert_eq!(
        attr(&page, "select[name=status] option[selected]", "value").as_deref(),
        Some("lagging")
    );
    let beside = texts(&page, &format!("#actual_{kindergartens}-error"));
    assert!(beside[0].contains("“约84”不是数字"), "{beside:?}");
    assert!(
        texts(&page, "p[role=alert]").is_empty(),
        "said beside the field, not above"
    );

    let blank = june_form(
        &token,
        "in_progress",
        "   ",
        &[(&kindergartens_field, "6")],
        "submit",
    );
    let (status, body) = multipart_form(&mut reporter, &form_path, &blank, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(&body);
    assert_eq!(
        texts(&page, "#narrative-error"),
        vec!["提交前请填写进展情况"]
    );
    assert_eq!(
        input_value(&page, &kindergartens_field).as_deref(),
        Some("6")
    );
    let (_, june) = unit_api
        .get(&format!("/api/v1/reports?task={task}&period=2026-06"))
        .await;
    assert!(
        june["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["state"] == "draft"),
        "nothing blank went to review: {june}"
    );

    let pasted = "详".repeat(20_001);
    let over = june_form(
        &token,
        "in_progress",
        &pasted,
        &[(&kindergartens_field, "6")],
        "draft",
    );
    let (status, body) = multipart_form(&mut reporter, &form_path, &over, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(&body);
    assert_eq!(
        texts(&page, "#narrative-error"),
        vec!["进展情况过长：20001 字，最多 20000 字"]
    );
    assert_eq!(
        texts(&page, "textarea[name=narrative]")[0].chars().count(),
        20_001,
        "what was pasted comes back whole"
    );

    let long = format!("已开工6所。{}", "详".repeat(1_500));
    let draft = june_form(
        &token,
        "in_progress",
        &long,
        &[(&kindergartens_field, "6")],
        "draft",
    );
    let (status, _) = multipart_form(&mut reporter, &form_path, &draft, None).await;
    let confirmed = format!("/tasks/{task}?done=saved");
    assert_eq!(
        (status, reporter.location.clone()),
        (StatusCode::SEE_OTHER, Some(confirmed.clone()))
    );
    let (_, june) = unit_api
        .get(&format!("/api/v1/reports?task={task}&period=2026-06"))
        .await;
    assert_eq!(
        june["items"][0]["narrative"]
            .as_str()
            .map(|n| n.chars().count()),
        Some(long.chars().count()),
        "a long narrative is kept whole"
    );
    let (_, body) = reporter.get(&confirmed).await;
    let page = html(&body);
    assert!(texts(&page, "#done")[0].starts_with("草稿已保存"));
    assert_eq!(
        attr(&page, "#done", "data-clear-draft"),
        Some(format!("report-{task}")),
        "the browser's copy is dropped once the server has it"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_deep_link_survives_the_login_and_no_other_site_is_reached() {
    let Published { app, plan, .. } = published().await;
    let deep = format!("/plans/{plan}?light=red");
    let mut browser = app.anonymous(2);
    let (status, _) = browser.get(&deep).await;
    let login = format!("/login?next=%2Fplans%2F{plan}%3Flight%3Dred");
    assert_eq!(
        (status, browser.location.clone()),
        (StatusCode::SEE_OTHER, Some(login.clone()))
    );
    let (_, body) = browser.get(&login).await;
    assert_eq!(
        attr(&html(&body), "input[name=next]", "value"),
        Some(deep.clone())
    );
    let fields = [
        ("username", "supervisor"),
        ("password", PASSWORD),
        ("next", deep.as_str()),
    ];
    let (status, _) = browser.form("/login", &fields).await;
    assert_eq!(
        (status, browser.location.clone()),
        (StatusCode::SEE_OTHER, Some(deep))
    );

    for elsewhere in [
        "//evil.example/x",
        "https://evil.example",
        "/\\evil.example",
        "/login",
    ] {
        let mut other = app.anonymous(3);
        let fields = [
            ("username", "supervisor"),
            ("password", PASSWORD),
            ("next", elsewhere),
        ];
        other.form("/login", &fields).await;
        assert_eq!(other.location.as_deref(), Some("/"), "{elsewhere}");
    }
    let mut home = app.anonymous(4);
    home.get("/").await;
    assert_eq!(
        home.location.as_deref(),
        Some("/login"),
        "home needs no next"
    );
    app.stop().await;
}

async fn fetch(app: &TestApp, path: &str, gzip: bool) -> axum::response::Response {
    let mut request = Request::builder().uri(path);
    if gzip {
        request = request.header(header::ACCEPT_ENCODING, "gzip");
    }
    app.router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn pages_load_only_their_own_scripts_and_are_never_framed() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    let page = fetch(&app, "/login", false).await;
    let headers = page.headers();
    let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"));
    assert!(!policy.contains("script-src 'self' 'unsafe-inline'"));
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
    let body = axum::body::to_bytes(page.into_body(), usize::MAX)
        .await
        .unwrap();
    let html = String::from_utf8(body.to_vec()).unwrap();
    assert!(
        !html.contains("<script>") && !html.contains(" onclick="),
        "no inline script for the policy to block"
    );
    app.stop().await;
}

/// A login or first-run setup posted from another site's page is refused; one without an
/// Origin (a script) or from this server's own pages passes.
#[tokio::test]
async fn a_login_from_another_sites_page_is_refused() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    bureau(&app).await;
    let login = |origin: Option<&'static str>| {
        let mut request = Request::builder()
            .method("POST")
            .uri("/api/v1/session")
            .header(header::HOST, "luoshi.local")
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        let body = json!({ "username": "supervisor", "password": PASSWORD }).to_string();
        app.router
            .clone()
            .oneshot(request.body(Body::from(body)).unwrap())
    };
    assert_eq!(
        login(Some("https://evil.example")).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        login(Some("null")).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        login(Some("http://luoshi.local")).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(login(None).await.unwrap().status(), StatusCode::OK);
    let form = Request::builder()
        .method("POST")
        .uri("/login")
        .header(header::HOST, "luoshi.local")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "username=supervisor&password={PASSWORD}"
        )))
        .unwrap();
    let refused = app.router.clone().oneshot(form).await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.headers().get(header::SET_COOKIE).is_none());
    app.stop().await;
}

#[tokio::test]
async fn assets_are_kept_by_content_hash_and_pages_are_compressed() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    let response = fetch(&app, "/login", true).await;
    assert_eq!(
        response
            .headers()
            .get(header::CONTENT_ENCODING)
            .map(|v| v.to_str().unwrap()),
        Some("gzip")
    );
    let body = axum::body::to_bytes(fetch(&app, "/login", false).await.into_body(), usize::MAX)
        .await
        .unwrap();
    let page = html(&json!(String::from_utf8(body.to_vec()).unwrap()));
    for (selector, name) in [("link[rel=stylesheet]", "href"), ("script[src]", "src")] {
        let url = attr(&page, selector, name).unwrap();
        assert!(url.contains("?v="), "{url}");
        let kept = fetch(&app, &url, false).await;
        assert_eq!(kept.status(), StatusCode::OK);
        assert_eq!(
            kept.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        let bare = url.split('?').next().unwrap().to_string();
        let stale = fetch(&app, &format!("{bare}?v=old"), false).await;
        assert_eq!(stale.headers()[header::CACHE_CONTROL], "no-cache");
    }
    let page = fetch(&app, "/login", false).await;
    assert_eq!(
        page.headers()[header::CACHE_CONTROL],
        "no-store",
        "pages are never cached"
    );
    app.stop().await;
}
