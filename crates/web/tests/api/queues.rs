//! Each role's home shows what waits for it and lets it decide there: the supervisor's
//! 待采纳 with the narrative and figures, the unit head's 待审核, the unit's notices to
//! answer; a refused decision comes back on the same page in Chinese, a taken one says so.

use axum::http::StatusCode;
use serde_json::json;

use crate::pages::{attr, browser_login, html, multipart_form, texts};
use crate::support::*;

/// 基础教育科 submits task 1's June report with 6 kindergartens; returns its id and the task's.
async fn submitted_june_report(app: &TestApp, plan: i64) -> (i64, i64) {
    let mut reporter = app.login("basic_reporter", 9).await;
    let (_, detail) = reporter.get(&format!("/api/v1/plans/{plan}")).await;
    let task = &detail["tasks"][0];
    let target = task["targets"][0]["id"].as_i64().unwrap();
    let task = task["id"].as_i64().unwrap();
    let (status, report) = reporter
        .post(
            &format!("/api/v1/tasks/{task}/reports"),
            json!({ "period": "2026-06", "status": "in_progress", "narrative": "已开工建设幼儿园6所",
                    "actuals": [{ "target_id": target, "value": 6 }], "submit": true }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    (report["id"].as_i64().unwrap(), task)
}

#[tokio::test]
async fn the_supervisor_accepts_or_returns_from_the_home_queue() {
    let Published {
        app, mut api, plan, ..
    } = published().await;
    let (report, _) = submitted_june_report(&app, plan).await;

    let mut supervisor = browser_login(&app, "supervisor", 2).await;
    let (_, body) = supervisor.get("/").await;
    let page = html(&body);
    assert_eq!(
        texts(&page, "header .badge"),
        vec!["1"],
        "the header counts it"
    );
    let item = format!("#queue .queue-item[data-report='{report}']");
    assert!(texts(&page, &format!("{item} .narrative"))[0].contains("幼儿园6所"));
    let figures = texts(&page, &format!("{item} .actuals li"));
    assert!(
        figures[0].contains("：6所") && figures[0].contains("年度目标 20所"),
        "{figures:?}"
    );
    let token = attr(&page, &format!("{item} input[name=csrf_token]"), "value").unwrap();
    let review = format!("/reports/{report}/review");

    let blank = [
        ("csrf_token", token.as_str()),
        ("back", "home"),
        ("decision", "return"),
        ("reason", "  "),
    ];
    let (status, body) = supervisor.form(&review, &blank).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(&body);
    assert_eq!(
        texts(&page, "#problem"),
        vec!["退回须填写理由"],
        "no field code, no bare page"
    );
    assert_eq!(texts(&page, ".who"), vec!["supervisor"], "still signed in");
    assert_eq!(texts(&page, &item).len(), 1, "the report still waits");

    let returned = [
        ("csrf_token", token.as_str()),
        ("back", "home"),
        ("decision", "return"),
        ("reason", "请补充佐证材料"),
    ];
    let (status, _) = supervisor.form(&review, &returned).await;
    assert_eq!(
        (status, supervisor.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/?done=returned"))
    );
    let (_, body) = supervisor.get("/?done=returned").await;
    let page = html(&body);
    assert!(texts(&page, "#done")[0].starts_with("已退回该报送"));
    assert!(texts(&page, "#queue .queue-item").is_empty());
    assert!(texts(&page, "header .badge").is_empty());
    let (_, state) = api.get(&format!("/api/v1/reports/{report}")).await;
    assert_eq!(state["return_reason"], "请补充佐证材料");
    app.stop().await;
}

#[tokio::test]
async fn with_head_review_the_unit_head_approves_from_its_home_first() {
    let Published {
        app, mut api, plan, ..
    } = published().await;
    heads_review(&app).await;
    let (report, _) = submitted_june_report(&app, plan).await;

    let mut supervisor = browser_login(&app, "supervisor", 3).await;
    let (_, body) = supervisor.get("/").await;
    assert!(
        texts(&html(&body), "#queue .queue-item").is_empty(),
        "not yet the supervisor's"
    );

    let mut head = browser_login(&app, "basic_head", 4).await;
    let (_, body) = head.get("/").await;
    let page = html(&body);
    assert_eq!(texts(&page, "#decisions")[0], "待审核的报送（1）");
    let approve = format!("/reports/{report}/approve");
    let form = format!("#queue form[action='{approve}']");
    let token = attr(&page, &format!("{form} input[name=csrf_token]"), "value").unwrap();
    let (status, _) = head
        .form(&approve, &[("csrf_token", &token), ("back", "home")])
        .await;
    assert_eq!(
        (status, head.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/?done=approved"))
    );
    let (_, body) = head.get("/?done=approved").await;
    assert!(texts(&html(&body), "#done")[0].contains("已转督查室"));

    let (_, body) = supervisor.get("/").await;
    let page = html(&body);
    assert_eq!(texts(&page, "#decisions")[0], "待采纳的报送（1）");
    let item = format!("#queue .queue-item[data-report='{report}']");
    let token = attr(&page, &format!("{item} input[name=csrf_token]"), "value").unwrap();
    let accept = [
        ("csrf_token", token.as_str()),
        ("back", "home"),
        ("decision", "accept"),
    ];
    let (status, _) = supervisor
        .form(&format!("/reports/{report}/review"), &accept)
        .await;
    assert_eq!(
        supervisor.location.as_deref(),
        Some("/?done=accepted"),
        "{status}"
    );
    let (_, state) = api.get(&format!("/api/v1/reports/{report}")).await;
    assert_eq!(state["state"], "accepted");
    app.stop().await;
}

#[tokio::test]
async fn a_unit_answers_its_notice_from_its_home() {
    let Published {
        app,
        bureau,
        mut api,
        plan,
    } = published().await;
    let (_, detail) = api.get(&format!("/api/v1/plans/{plan}")).await;
    let task = detail["tasks"][0]["id"].as_i64().unwrap();
    let notices = format!("/api/v1/tasks/{task}/notices");
    let (status, body) = api
        .post(&notices, json!({ "unit_id": bureau.basic.id, "reason": "进度滞后", "response_due": "2026-06-27" }))
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "an answer date already past: {body}"
    );
    assert!(body["error"]["message"].as_str().unwrap().contains("已过"));
    let (status, notice) = api
        .post(&notices, json!({ "unit_id": bureau.basic.id, "reason": "进度滞后", "response_due": "2026-07-05" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{notice}");
    let notice = notice["id"].as_i64().unwrap();

    let mut other = browser_login(&app, "finance_reporter", 2).await;
    let (_, body) = other.get("/").await;
    assert!(
        texts(&html(&body), "#queue [data-notice]").is_empty(),
        "addressed to another unit"
    );

    let mut reporter = browser_login(&app, "basic_reporter", 3).await;
    let (_, body) = reporter.get("/").await;
    let page = html(&body);
    assert_eq!(texts(&page, "header .badge"), vec!["1"]);
    let item = format!("#queue [data-notice='{notice}']");
    let token = attr(&page, &format!("{item} input[name=csrf_token]"), "value").unwrap();
    assert_eq!(
        attr(&page, &format!("{item} form"), "enctype").as_deref(),
        Some("multipart/form-data"),
        "the answer carries its evidence"
    );
    let answer = [
        ("csrf_token", token.as_str()),
        ("back", "home"),
        ("response", "已约谈施工方，7月底前完工"),
    ];
    let evidence: &[u8] = b"%PDF-1.4 rectification report";
    let (status, _) = multipart_form(
        &mut reporter,
        &format!("/notices/{notice}/answer"),
        &answer,
        Some(("整改报告.pdf", evidence)),
    )
    .await;
    assert_eq!(
        (status, reporter.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/?done=answered"))
    );
    let (_, body) = reporter.get("/?done=answered").await;
    let page = html(&body);
    assert_eq!(texts(&page, "#done"), vec!["已回复督办单。"]);
    assert!(texts(&page, "#queue [data-notice]").is_empty());

    let mut supervisor = browser_login(&app, "supervisor", 6).await;
    let (_, body) = supervisor.get(&format!("/tasks/{task}")).await;
    let page = html(&body);
    let row = format!("#notices tr[data-notice='{notice}']");
    assert_eq!(
        texts(&page, &format!("{row} .attachments a")),
        vec!["整改报告.pdf"]
    );
    let link = attr(&page, &format!("{row} .attachments a"), "href").unwrap();
    let (status, bytes) = supervisor.get_bytes(&link).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, evidence));
    let mut outsider = app.login("safety_reporter", 5).await;
    let (status, _) = outsider.get_bytes(&link).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "not for a unit outside the task"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_co_unit_writes_its_part_from_its_home_and_the_lead_sees_it() {
    let Published {
        app, plan, mut api, ..
    } = published().await;
    let (_, detail) = api.get(&format!("/api/v1/plans/{plan}")).await;
    let task = detail["tasks"][0]["id"].as_i64().unwrap();

    let mut co = browser_login(&app, "finance_reporter", 2).await;
    let (_, body) = co.get("/").await;
    let page = html(&body);
    let item = format!("#queue [data-contribution='{task}-2026-06']");
    assert!(texts(&page, &item)[0].contains("牵头单位 基础教育科"));
    assert_eq!(texts(&page, "header .badge"), vec!["1"]);
    let token = attr(&page, &format!("{item} input[name=csrf_token]"), "value").unwrap();
    let part = "计划财务科已下达补助资金1200万元";
    let fields = [
        ("csrf_token", token.as_str()),
        ("back", "home"),
        ("period", "2026-06"),
        ("body", part),
    ];
    let (status, _) = co
        .form(&format!("/tasks/{task}/contributions"), &fields)
        .await;
    assert_eq!(
        (status, co.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/?done=contributed"))
    );
    let (_, body) = co.get("/?done=contributed").await;
    let page = html(&body);
    assert!(texts(&page, "#done")[0].starts_with("已报送配合情况"));
    assert!(texts(&page, "#queue [data-contribution]").is_empty());

    let mut lead = browser_login(&app, "basic_reporter", 3).await;
    let (_, body) = lead.get(&format!("/tasks/{task}/report")).await;
    let form = html(&body);
    assert_eq!(texts(&form, "#contributions .body"), vec![part]);
    assert_eq!(
        attr(&form, "#contributions button[data-take]", "data-take").as_deref(),
        Some(part),
        "one click takes it into the narrative"
    );
    let (_, body) = lead.get(&format!("/tasks/{task}")).await;
    let shown = texts(&html(&body), "#contributions + ul li");
    assert!(
        shown[0].contains("2026年6月")
            && shown[0].contains("计划财务科")
            && shown[0].contains(part),
        "{shown:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_leaders_instruction_waits_in_the_lead_units_queue_until_read() {
    let Published {
        app, mut api, plan, ..
    } = published().await;
    let (_, detail) = api.get(&format!("/api/v1/plans/{plan}")).await;
    let task = detail["tasks"][0]["id"].as_i64().unwrap();
    let task_page = format!("/tasks/{task}");

    let mut leader = browser_login(&app, "leader", 2).await;
    let (_, body) = leader.get(&task_page).await;
    let page = html(&body);
    assert_eq!(
        texts(&page, "#add-comment button"),
        vec!["发表批示"],
        "a leader's word is a 批示"
    );
    let token = attr(&page, "#add-comment input[name=csrf_token]", "value").unwrap();
    let (status, _) = leader
        .form(
            &format!("{task_page}/comments"),
            &[
                ("csrf_token", &token),
                ("body", "请抓紧推进，6月底前完成选址"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, remark) = api
        .post(
            &format!("/api/v1/tasks/{task}/comments"),
            json!({ "body": "请补充选址材料" }),
        )
        .await;
    assert_eq!(
        (status, remark["kind"].as_str()),
        (StatusCode::CREATED, Some("comment"))
    );
    let (_, comments) = api.get(&format!("/api/v1/tasks/{task}/comments")).await;
    let instruction = comments["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "instruction")
        .expect("the leader's instruction")["id"]
        .as_i64()
        .unwrap();

    let mut co_unit = browser_login(&app, "finance_reporter", 3).await;
    let (_, body) = co_unit.get("/").await;
    assert!(
        texts(&html(&body), "#queue [data-instruction]").is_empty(),
        "for the lead unit, not another"
    );

    let mut reporter = browser_login(&app, "basic_reporter", 4).await;
    let (_, body) = reporter.get("/").await;
    let page = html(&body);
    assert_eq!(
        texts(&page, "header .badge"),
        vec!["1"],
        "only the 批示 waits"
    );
    let item = format!("#queue [data-instruction='{instruction}']");
    assert_eq!(
        texts(&page, &format!("{item} .narrative")),
        vec!["请抓紧推进，6月底前完成选址"]
    );
    let (_, body) = reporter.get(&task_page).await;
    let page = html(&body);
    assert_eq!(
        texts(&page, "#instructions + ul .unread"),
        vec!["牵头单位待阅"]
    );
    assert_eq!(
        texts(&page, "#comments + ul li p:last-child"),
        vec!["请补充选址材料"],
        "comments are listed apart from instructions"
    );
    let token = attr(&page, "input[name=csrf_token]", "value").unwrap();
    let read = format!("/comments/{instruction}/read");
    let (status, _) = reporter
        .form(&read, &[("csrf_token", &token), ("back", "home")])
        .await;
    assert_eq!(
        (status, reporter.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/?done=read"))
    );
    let (_, body) = reporter.get("/?done=read").await;
    let page = html(&body);
    assert_eq!(
        texts(&page, "#done"),
        vec!["已标记为已阅，批示人可在任务页面看到。"]
    );
    assert!(texts(&page, "#queue [data-instruction]").is_empty());
    assert!(texts(&page, "header .badge").is_empty());

    let (_, body) = leader.get(&task_page).await;
    let read_line = texts(&html(&body), "#instructions + ul .read");
    assert!(read_line[0].starts_with("已阅："), "{read_line:?}");
    let (status, again) = reporter.form(&read, &[("csrf_token", &token)]).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "marking twice is harmless: {again}"
    );
    let (status, _) = api
        .post(
            &format!("/api/v1/comments/{}/read", remark["id"]),
            json!({}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a supervisor reads no 批示 for a unit"
    );
    app.stop().await;
}
