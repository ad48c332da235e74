//! The workflows of the tracking service, each on SQLite and on PostgreSQL.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::*;

fn codes(task: &Value) -> Vec<String> {
    task["light"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect()
}

fn find_task(tasks: &Value, number: i64) -> &Value {
    tasks["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["number"] == number)
        .unwrap_or_else(|| panic!("task {number} in {tasks}"))
}

/// Upload → review → publish → report → return → resubmit → accept → board → public page.
async fn plan_to_public_progress(backend: Backend) {
    let Some(app) = TestApp::start(backend, june_28()).await else {
        return;
    };
    let bureau = bureau(&app).await;
    let mut supervisor = app.login("supervisor", 1).await;

    let (status, body) = supervisor
        .upload("/api/v1/plans", "plan.txt", PLAN_TEXT.as_bytes())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let plan = body["plan"]["id"].as_i64().unwrap();
    assert_eq!(body["tasks"], 4);
    assert_eq!(body["unmatched_units"][0]["written_name"], "安全科");
    let (status, body) = supervisor
        .post(&format!("/api/v1/plans/{plan}/publish"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("安全科"),
        "{body}"
    );
    let (status, _) = supervisor
        .post(
            &format!("/api/v1/plans/{plan}/unit-mappings"),
            json!({ "written_name": "安全科", "unit_id": bureau.safety.id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // The reviewer corrects a target the extractor read: 20 becomes 24.
    let (_, detail) = supervisor.get(&format!("/api/v1/plans/{plan}")).await;
    let first = &detail["tasks"][0];
    assert_eq!(first["lead_units"][0]["unit_id"], bureau.basic.id);
    assert_eq!(first["co_units"][0]["unit_id"], bureau.finance.id);
    let target = first["targets"][0]["id"].as_i64().unwrap();
    assert_eq!(first["targets"][0]["annual_value"], 20.0);
    let (status, body) = supervisor
        .patch(
            &format!("/api/v1/targets/{target}"),
            json!({ "annual_value": 24.0 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["value_text"], "24");
    let (status, body) = supervisor
        .post(&format!("/api/v1/plans/{plan}/publish"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["version"], 1);
    let task_1 = first["id"].as_i64().unwrap();
    let task_3 = detail["tasks"][2]["id"].as_i64().unwrap();

    // The reporter sees the unit's tasks, overdue for June (due the 25th), and not others'.
    let mut reporter = app.login("basic_reporter", 2).await;
    let (_, mine) = reporter.get("/api/v1/me/tasks").await;
    assert_eq!(mine["total"], 2, "{mine}");
    let overdue = find_task(&mine, 1);
    assert_eq!(overdue["light"]["color"], "yellow");
    assert!(
        codes(overdue).contains(&"report_overdue".to_string()),
        "{overdue}"
    );
    let (status, _) = reporter.get(&format!("/api/v1/tasks/{task_3}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let report = json!({ "period": "2026-06", "status": "in_progress", "narrative": "已开工6所",
        "actuals": [{ "target_id": target, "value": 6 }] });
    let (status, body) = reporter
        .post(&format!("/api/v1/tasks/{task_1}/reports"), report)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let report = body["id"].as_i64().unwrap();
    let (status, body) = reporter
        .upload(
            &format!("/api/v1/reports/{report}/attachments"),
            "照片.exe",
            b"MZ\x90\x00",
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("unsupported_file_type")
        )
    );
    let (status, _) = reporter
        .upload(
            &format!("/api/v1/reports/{report}/attachments"),
            "big.pdf",
            &vec![b'%'; 70 * 1024],
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let evidence = b"%PDF-1.4\n% evidence of six kindergartens\n";
    let (status, body) = reporter
        .upload(
            &format!("/api/v1/reports/{report}/attachments"),
            "开工证明.pdf",
            evidence,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let attachment = body["id"].as_i64().unwrap();
    let (status, body) = reporter
        .post(&format!("/api/v1/reports/{report}/submit"), json!({}))
        .await;
    assert_eq!(
        (status, body["state"].as_str()),
        (StatusCode::OK, Some("submitted"))
    );

    // Returned with a reason, seen by the reporter, edited and resubmitted, accepted.
    let (_, queue) = supervisor.get("/api/v1/reports?state=submitted").await;
    assert_eq!(queue["items"][0]["id"], report);
    let (status, body) = supervisor
        .post(
            &format!("/api/v1/reports/{report}/return"),
            json!({ "reason": "" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = supervisor
        .post(
            &format!("/api/v1/reports/{report}/return"),
            json!({ "reason": "请补充开工明细" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, seen) = reporter.get(&format!("/api/v1/reports/{report}")).await;
    assert_eq!(
        (seen["state"].as_str(), seen["return_reason"].as_str()),
        (Some("returned"), Some("请补充开工明细"))
    );
    let (status, _) = reporter
        .patch(
            &format!("/api/v1/reports/{report}"),
            json!({ "narrative": "已开工6所，明细见附件" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    reporter
        .post(&format!("/api/v1/reports/{report}/submit"), json!({}))
        .await;
    let (status, body) = supervisor
        .post(&format!("/api/v1/reports/{report}/accept"), json!({}))
        .await;
    assert_eq!(
        (status, body["state"].as_str()),
        (StatusCode::OK, Some("accepted")),
        "{body}"
    );
    let (status, _) = reporter
        .patch(
            &format!("/api/v1/reports/{report}"),
            json!({ "narrative": "改" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "accepted reports are final");

    // The light changes: no longer overdue, but 6 of 24 is behind June's 12.
    let (_, task) = supervisor.get(&format!("/api/v1/tasks/{task_1}")).await;
    let reasons = codes(&task);
    assert!(
        !reasons.contains(&"report_overdue".to_string()),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&"target_behind".to_string()),
        "{reasons:?}"
    );
    let (status, board) = supervisor
        .get(&format!("/api/v1/plans/{plan}/dashboard"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(board["period"], "2026-06");
    assert_eq!(board["tasks"], 4);
    let progress = board["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["target_id"] == target)
        .unwrap();
    assert_eq!(
        (progress["actual"].as_f64(), progress["expected"].as_f64()),
        (Some(6.0), Some(12.0))
    );
    let owing: Vec<i64> = board["not_reported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit_id"].as_i64().unwrap())
        .collect();
    assert!(
        owing.contains(&bureau.personnel.id) && owing.contains(&bureau.safety.id),
        "{owing:?}"
    );
    let basic_owing = board["not_reported"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_id"] == bureau.basic.id)
        .unwrap();
    assert_eq!(
        basic_owing["task_ids"].as_array().unwrap().len(),
        1,
        "task 1 reported, task 2 not"
    );

    // The co-unit contributes; evidence downloads for readers only.
    let mut finance = app.login("finance_reporter", 3).await;
    let (status, _) = finance
        .post(
            &format!("/api/v1/tasks/{task_1}/contributions"),
            json!({ "period": "2026-06", "body": "资金已拨付" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, contributions) = reporter
        .get(&format!(
            "/api/v1/tasks/{task_1}/contributions?period=2026-06"
        ))
        .await;
    assert_eq!(contributions[0]["body"], "资金已拨付");
    let (status, downloaded) = finance
        .get(&format!("/api/v1/attachments/{attachment}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(downloaded.as_str().unwrap().starts_with("%PDF"));
    let mut outsider = app.login("safety_reporter", 4).await;
    let (status, _) = outsider
        .get(&format!("/api/v1/attachments/{attachment}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Publish the period; the public reads it without logging in.
    let (status, body) = supervisor
        .post(
            &format!("/api/v1/plans/{plan}/periods/2026-06/publish"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut public = app.anonymous(9);
    let (_, periods) = public
        .get(&format!("/api/v1/public/plans/{plan}/periods"))
        .await;
    assert_eq!(periods["periods"], json!(["2026-06"]));
    let (status, page) = public
        .get(&format!("/api/v1/public/plans/{plan}/periods/2026-06"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["tasks"][0]["progress"], "已开工6所，明细见附件");
    assert_eq!(page["tasks"][0]["targets"][0]["actual"], 6.0);
    let (status, _) = public.get(&format!("/api/v1/plans/{plan}")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A notice to the personnel office: answered, closed.
    let (status, notice) = supervisor
        .post(&format!("/api/v1/tasks/{task_3}/notices"), json!({ "unit_id": bureau.personnel.id, "reason": "六月进展未报送", "response_due": "2026-07-05" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{notice}");
    let notice = notice["id"].as_i64().unwrap();
    let mut personnel = app.login("personnel_reporter", 5).await;
    let (_, open) = personnel.get("/api/v1/notices?state=open").await;
    assert_eq!(open["total"], 1);
    let (status, _) = personnel
        .post(
            &format!("/api/v1/notices/{notice}/answer"),
            json!({ "response": "已安排专人报送" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, closed) = supervisor
        .post(&format!("/api/v1/notices/{notice}/close"), json!({}))
        .await;
    assert_eq!(
        (status, closed["state"].as_str()),
        (StatusCode::OK, Some("closed"))
    );

    // The leader comments; the audit log shows who did what to the report.
    let mut leader = app.login("leader", 6).await;
    let (status, _) = leader
        .post(
            &format!("/api/v1/tasks/{task_1}/comments"),
            json!({ "body": "抓紧推进" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, log) = supervisor
        .get(&format!(
            "/api/v1/audit?entity=report&entity_id={report}&per_page=50"
        ))
        .await;
    let actions: Vec<(&str, &str)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["actor"].as_str().unwrap()))
        .collect();
    for expected in [
        ("create", "basic_reporter"),
        ("submit", "basic_reporter"),
        ("return", "supervisor"),
        ("accept", "supervisor"),
    ] {
        assert!(actions.contains(&expected), "{expected:?} in {actions:?}");
    }
    app.stop().await;
}

/// Sessions, CSRF, tokens, lockout, first-login password change, logout.
async fn security_rules(backend: Backend) {
    let Some(app) = TestApp::start(backend, june_28()).await else {
        return;
    };
    bureau(&app).await;
    let mut reporter = app.login("basic_reporter", 2).await;

    // A cookie without the CSRF token cannot write.
    let csrf = reporter.csrf.take();
    let (status, body) = reporter
        .post("/api/v1/tokens", json!({ "name": "脚本" }))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("csrf_failed"))
    );
    reporter.csrf = csrf;
    let (status, body) = reporter
        .post("/api/v1/tokens", json!({ "name": "脚本" }))
        .await;
    assert_eq!(status, StatusCode::CREATED);

    // A page far past the end is an empty page, not an overflowing offset.
    let (status, far) = reporter
        .get(&format!("/api/v1/notices?page={}", i64::MAX))
        .await;
    assert_eq!(status, StatusCode::OK, "{far}");
    assert_eq!(far["items"].as_array().map(Vec::len), Some(0));
    let (status, unknown) = reporter.get("/api/v1/notices?pgae=2").await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a misspelt parameter is refused: {unknown}"
    );
    let mut script = app.anonymous(3);
    script.token = body["token"].as_str().map(str::to_string);
    let (status, me) = script.get("/api/v1/session").await;
    assert_eq!(
        (status, me["user"]["username"].as_str()),
        (StatusCode::OK, Some("basic_reporter"))
    );
    script.token = Some("not-a-token".into());
    assert_eq!(
        script.get("/api/v1/session").await.0,
        StatusCode::UNAUTHORIZED
    );

    // Five wrong passwords lock the account for 15 minutes, even for the right one.
    let mut guesser = app.anonymous(7);
    for _ in 0..5 {
        let (status, _) = guesser
            .post(
                "/api/v1/session",
                json!({ "username": "leader", "password": "wrong-Password-1" }),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = guesser
        .post(
            "/api/v1/session",
            json!({ "username": "leader", "password": PASSWORD }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::LOCKED, Some("account_locked")),
        "{body}"
    );
    let mut admin = app.login("admin", 1).await;
    let (_, log) = admin.get("/api/v1/audit?action=account_locked").await;
    assert_eq!(log["total"], 1);

    // Too many attempts from one address are refused outright.
    let mut flood = app.anonymous(8);
    let mut statuses = Vec::new();
    for _ in 0..22 {
        statuses.push(
            flood
                .post(
                    "/api/v1/session",
                    json!({ "username": "nobody", "password": "x" }),
                )
                .await
                .0,
        );
    }
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS));

    // An admin-created account must change its generated password first.
    let (status, created) = admin
        .post(
            "/api/v1/users",
            json!({ "username": "newcomer", "display_name": "新人", "role": "leader" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let temporary = created["temporary_password"].as_str().unwrap().to_string();
    let mut newcomer = app.anonymous(4);
    let (status, _) = newcomer
        .post(
            "/api/v1/session",
            json!({ "username": "newcomer", "password": temporary }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = newcomer.get("/api/v1/plans").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("password_change_required"))
    );
    let (status, body) = newcomer
        .post(
            "/api/v1/session/password",
            json!({ "old_password": temporary, "new_password": "short" }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("weak_password"))
    );
    let (status, body) = newcomer
        .post(
            "/api/v1/session/password",
            json!({ "old_password": "not-the-one", "new_password": "Brand-New-Pass-2" }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("wrong_password"))
    );
    let (status, _) = newcomer
        .post(
            "/api/v1/session/password",
            json!({ "old_password": temporary, "new_password": "Brand-New-Pass-2" }),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        newcomer.get("/api/v1/plans").await.0,
        StatusCode::UNAUTHORIZED,
        "sessions end on password change"
    );
    let (status, _) = newcomer
        .post(
            "/api/v1/session",
            json!({ "username": "newcomer", "password": "Brand-New-Pass-2" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(newcomer.get("/api/v1/plans").await.0, StatusCode::OK);

    // Sessions end after 30 idle minutes and after 12 hours whatever the activity.
    sqlx::any::install_default_drivers();
    let raw = sqlx::AnyPool::connect(&app.url).await.unwrap();
    let mut idle = app.login("finance_reporter", 10).await;
    assert_eq!(idle.get("/api/v1/session").await.0, StatusCode::OK);
    let thirty_one_minutes_ago = luoshi_store::now() - 31 * 60;
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE user_id = (SELECT id FROM users WHERE username = 'finance_reporter')")
        .bind(thirty_one_minutes_ago)
        .execute(&raw)
        .await
        .unwrap();
    let (status, body) = idle.get("/api/v1/session").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("session_expired"))
    );
    let mut long = app.login("finance_reporter", 11).await;
    let thirteen_hours_ago = luoshi_store::now() - 13 * 3600;
    sqlx::query("UPDATE sessions SET created_at = $1 WHERE user_id = (SELECT id FROM users WHERE username = 'finance_reporter')")
        .bind(thirteen_hours_ago)
        .execute(&raw)
        .await
        .unwrap();
    assert_eq!(
        long.get("/api/v1/session").await.0,
        StatusCode::UNAUTHORIZED
    );
    raw.close().await;

    // Logout ends the session on the server, not just in the browser.
    let cookie = reporter.cookie.clone();
    assert_eq!(
        reporter.delete("/api/v1/session").await.0,
        StatusCode::NO_CONTENT
    );
    reporter.cookie = cookie;
    assert_eq!(
        reporter.get("/api/v1/session").await.0,
        StatusCode::UNAUTHORIZED
    );

    // First-run setup works only on an empty database.
    let (status, _) = app
        .anonymous(5)
        .post("/api/v1/setup", json!({ "organization": "x", "username": "x", "display_name": "x", "password": "Some-Pass-123" }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    app.stop().await;
}

/// With unit-head review on, a report goes head → supervisor; the supervisor cannot skip it.
async fn unit_head_review(backend: Backend) {
    let Some(app) = TestApp::start(backend, june_28()).await else {
        return;
    };
    let bureau = bureau(&app).await;
    heads_review(&app).await;
    let mut supervisor = app.login("supervisor", 2).await;
    let plan = published_plan(&mut supervisor, &bureau).await;
    let (_, tasks) = supervisor
        .get(&format!(
            "/api/v1/plans/{plan}/tasks?unit={}",
            bureau.basic.id
        ))
        .await;
    assert_eq!(tasks["total"], 2, "filter by unit");
    let task = tasks["items"][0]["id"].as_i64().unwrap();
    let mut reporter = app.login("basic_reporter", 3).await;
    let (_, report) = reporter
        .post(
            &format!("/api/v1/tasks/{task}/reports"),
            json!({ "period": "2026-06", "status": "done", "narrative": "已完成", "submit": true }),
        )
        .await;
    let report = report["id"].as_i64().unwrap();
    let (status, body) = supervisor
        .post(&format!("/api/v1/reports/{report}/accept"), json!({}))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_transition"))
    );
    let (status, _) = reporter
        .post(&format!("/api/v1/reports/{report}/approve"), json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "reporters do not approve");
    let mut head = app.login("basic_head", 4).await;
    let (status, body) = head
        .post(&format!("/api/v1/reports/{report}/approve"), json!({}))
        .await;
    assert_eq!(
        (status, body["state"].as_str()),
        (StatusCode::OK, Some("approved"))
    );
    let (status, body) = supervisor
        .post(&format!("/api/v1/reports/{report}/accept"), json!({}))
        .await;
    assert_eq!(
        (status, body["state"].as_str()),
        (StatusCode::OK, Some("accepted"))
    );
    let (_, done) = supervisor.get(&format!("/api/v1/tasks/{task}")).await;
    assert_eq!(
        done["light"]["color"], "done",
        "completed tasks are done, not green"
    );
    let (_, filtered) = supervisor
        .get(&format!("/api/v1/plans/{plan}/tasks?light=done"))
        .await;
    assert_eq!(filtered["total"], 1);
    app.stop().await;
}

#[tokio::test]
async fn unit_head_review_on_sqlite() {
    unit_head_review(Backend::Sqlite).await;
}

#[tokio::test]
async fn unit_head_review_on_postgres() {
    unit_head_review(Backend::Postgres).await;
}

#[tokio::test]
async fn plan_to_public_progress_on_sqlite() {
    plan_to_public_progress(Backend::Sqlite).await;
}

#[tokio::test]
async fn plan_to_public_progress_on_postgres() {
    plan_to_public_progress(Backend::Postgres).await;
}

#[tokio::test]
async fn security_rules_on_sqlite() {
    security_rules(Backend::Sqlite).await;
}

#[tokio::test]
async fn security_rules_on_postgres() {
    security_rules(Backend::Postgres).await;
}

#[tokio::test]
async fn first_run_setup_creates_the_first_admin_once() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    let mut client = app.anonymous(1);
    let weak = json!({ "organization": "某市教育局", "username": "admin", "display_name": "管理员", "password": "password" });
    let (status, body) = client.post("/api/v1/setup", weak).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("weak_password"))
    );
    let good = json!({ "organization": "某市教育局", "username": "admin", "display_name": "管理员", "password": "Admin-Pass-2026" });
    let (status, body) = client.post("/api/v1/setup", good.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        client.post("/api/v1/setup", good).await.0,
        StatusCode::CONFLICT
    );
    let (status, body) = client
        .post(
            "/api/v1/session",
            json!({ "username": "admin", "password": "Admin-Pass-2026" }),
        )
        .await;
    assert_eq!(
        (status, body["user"]["role"].as_str()),
        (StatusCode::OK, Some("admin"))
    );
    app.stop().await;
}

#[tokio::test]
async fn errors_are_json_with_a_code_and_a_chinese_message() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    bureau(&app).await;
    let mut supervisor = app.login("supervisor", 1).await;
    let (status, body) = supervisor
        .upload(
            "/api/v1/plans",
            "plan.doc",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest of an OLE file",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "unreadable_document");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("plan.doc"),
        "{body}"
    );
    let (status, body) = supervisor
        .send(
            axum::http::Method::POST,
            "/api/v1/units",
            Some("application/json"),
            b"{not json".to_vec(),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_request"))
    );
    let (status, body) = supervisor.get("/api/v1/tasks/abc").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_request"))
    );
    let (status, body) = supervisor.get("/api/v1/plans/999").await;
    assert_eq!(
        (status, body["error"]["message"].as_str()),
        (StatusCode::NOT_FOUND, Some("计划不存在"))
    );
    let (status, doc) = supervisor.get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["paths"]["/api/v1/tasks/{id}/reports"]["post"].is_object());
    app.stop().await;
}

#[tokio::test]
async fn an_admin_accepts_a_proposed_unit_and_the_plan_publishes() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    bureau(&app).await;
    let mut admin = app.login("admin", 1).await;
    let (_, body) = admin
        .upload("/api/v1/plans", "plan.txt", PLAN_TEXT.as_bytes())
        .await;
    let plan = body["plan"]["id"].as_i64().unwrap();
    let (status, body) = admin
        .post(
            &format!("/api/v1/plans/{plan}/unit-mappings"),
            json!({ "written_name": "安全科", "kind": "department" }),
        )
        .await;
    assert_eq!(
        (status, body["mapped"].as_i64()),
        (StatusCode::OK, Some(1)),
        "{body}"
    );
    assert_eq!(body["unmatched_units"], json!([]));
    let (_, units) = admin.get("/api/v1/units?q=安全").await;
    let names: Vec<&str> = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["安全管理科", "安全科"]);
    let (status, body) = admin
        .post(&format!("/api/v1/plans/{plan}/publish"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, versions) = admin.get(&format!("/api/v1/plans/{plan}/versions")).await;
    assert_eq!(versions[0]["note"], "发布");
    app.stop().await;
}

/// Exports download as office files; a decomposition table uploaded twice updates one draft.
#[tokio::test]
async fn exports_download_and_a_table_reimport_updates_its_draft() {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    let bureau = bureau(&app).await;
    let mut supervisor = app.login("supervisor", 1).await;
    let plan = published_plan(&mut supervisor, &bureau).await;
    for (kind, magic) in [
        ("decomposition", "PK"),
        ("ledger", "PK"),
        ("units", "PK"),
        ("bulletin", "PK"),
        ("summary", "PK"),
    ] {
        let (status, body) = supervisor
            .get(&format!("/api/v1/plans/{plan}/exports/{kind}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{kind}: {body}");
        assert!(
            body.as_str().is_some_and(|b| b.starts_with(magic)),
            "{kind} is a zip package"
        );
    }
    let (status, body) = supervisor
        .get(&format!("/api/v1/plans/{plan}/exports/notice"))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no notice yet: {body}"
    );
    let (status, _) = supervisor
        .get(&format!("/api/v1/plans/{plan}/exports/minutes"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let table = luoshi_office::xlsx::decomposition(
        &luoshi_app::files::gather(&app.store, 1, plan, june_28())
            .await
            .unwrap(),
    )
    .unwrap();
    let (status, first) = supervisor
        .upload("/api/v1/plans", "分解表.xlsx", &table)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(
        (first["tasks"].as_i64(), first["updated"].as_bool()),
        (Some(4), Some(false))
    );
    let draft = first["plan"]["id"].as_i64().unwrap();
    let (status, again) = supervisor
        .upload("/api/v1/plans", "分解表.xlsx", &table)
        .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(
        (again["plan"]["id"].as_i64(), again["updated"].as_bool()),
        (Some(draft), Some(true))
    );
    let (_, drafts) = supervisor.get("/api/v1/plans?status=draft").await;
    assert_eq!(
        drafts["total"], 1,
        "re-importing did not duplicate the draft"
    );
    let (_, detail) = supervisor.get(&format!("/api/v1/plans/{draft}")).await;
    assert_eq!(
        detail["tasks"][0]["lead_units"][0]["unit_id"],
        bureau.basic.id
    );
    assert_eq!(detail["tasks"][0]["targets"][0]["annual_value"], 20.0);
    app.stop().await;
}

/// A 2 KB workbook whose sheet names a cell at XFD1048576 once aborted the server through
/// the plan upload; now it is refused with the reason and the service keeps answering.
#[tokio::test]
async fn a_workbook_bomb_is_refused_and_the_service_keeps_answering() {
    use std::io::Write;
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    bureau(&app).await;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    writer
        .start_file(
            "xl/worksheets/sheet1.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
    writer
        .write_all(br#"<worksheet><sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#)
        .unwrap();
    let bomb = writer.finish().unwrap().into_inner();
    let mut admin = app.login("admin", 3).await;
    let (status, body) = admin.upload("/api/v1/plans", "bomb.xlsx", &bomb).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("bomb.xlsx") && m.contains("超出可读取的范围")),
        "{body}"
    );
    let (status, _) = admin.get("/api/v1/plans").await;
    assert_eq!(status, StatusCode::OK);
}

/// Parallel wrong passwords each count: at most five reach the password check, the rest
/// find the account locked, and so does the right password afterwards.
async fn parallel_guesses(backend: Backend) {
    let Some(app) = TestApp::start(backend, june_28()).await else {
        return;
    };
    bureau(&app).await;
    let mut guesses = Vec::new();
    for ip in 10..40u8 {
        let mut client = app.anonymous(ip);
        guesses.push(tokio::spawn(async move {
            let (status, _) = client
                .post(
                    "/api/v1/session",
                    json!({ "username": "basic_reporter", "password": "Wrong-Password-9" }),
                )
                .await;
            status
        }));
    }
    let mut refused = 0;
    let mut locked = 0;
    for guess in guesses {
        match guess.await.unwrap() {
            StatusCode::UNAUTHORIZED => refused += 1,
            StatusCode::LOCKED => locked += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert!(refused <= 5, "{refused} guesses reached the password check");
    assert_eq!(refused + locked, 30);
    let (status, body) = app
        .anonymous(50)
        .post(
            "/api/v1/session",
            json!({ "username": "basic_reporter", "password": PASSWORD }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::LOCKED, Some("account_locked"))
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_lock_the_account_on_sqlite() {
    parallel_guesses(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_lock_the_account_on_postgres() {
    parallel_guesses(Backend::Postgres).await;
}
