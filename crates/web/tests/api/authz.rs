//! The authorization matrix: every endpoint × every role × own / co / other unit, against
//! the access the API documents. A letter per caller, in the order of [`CALLERS`]:
//! `O` allowed (any answer but 401/403/404: a 409 or 422 is the business rule speaking),
//! `U` 401, `F` 403, `N` 404.
//!
//! The task under test is led by 基础教育科 (the head and reporter of "own unit"), with
//! 计划财务科 as co-unit; 安全管理科's reporter is the "other unit". Every endpoint in the
//! router must have a row here, so a new endpoint cannot ship without its access decided.

use std::collections::HashMap;

use axum::http::{Method, StatusCode};
use chrono::NaiveDate;
use luoshi_web::api::ENDPOINTS;
use serde_json::{Value, json};

use crate::support::*;

/// anonymous, admin, supervisor, leader, head (own), reporter (own), reporter (co), reporter (other).
pub const CALLERS: [&str; 8] = [
    "",
    "admin",
    "supervisor",
    "leader",
    "basic_head",
    "basic_reporter",
    "finance_reporter",
    "safety_reporter",
];

enum Send {
    Nothing,
    Json(Value),
    Upload,
}

/// Ids the cases refer to, made fresh for each caller.
pub struct Fixture {
    pub ids: HashMap<&'static str, i64>,
}

impl Fixture {
    pub fn fill(&self, template: &str) -> String {
        let mut path = template.to_string();
        for (name, id) in &self.ids {
            path = path.replace(&format!("{{{name}}}"), &id.to_string());
        }
        assert!(!path.contains('{'), "unfilled {path}");
        path
    }
}

fn id(value: &Value) -> i64 {
    value["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id in {value}"))
}

pub async fn fixture(app: &TestApp) -> Fixture {
    let bureau = bureau(app).await;
    let mut admin = app.login("admin", 200).await;
    let mut supervisor = app.login("supervisor", 201).await;
    let mut reporter = app.login("basic_reporter", 202).await;
    let plan = published_plan(&mut supervisor, &bureau).await;
    let (_, detail) = supervisor.get(&format!("/api/v1/plans/{plan}")).await;
    let t1 = id(&detail["tasks"][0]);
    let t2 = id(&detail["tasks"][1]);
    let target = id(&detail["tasks"][0]["targets"][0]);
    let (_, draft) = supervisor
        .upload("/api/v1/plans", "draft.txt", PLAN_TEXT.as_bytes())
        .await;
    let draft = draft["plan"]["id"].as_i64().unwrap();
    let (_, section) = supervisor
        .post(
            &format!("/api/v1/plans/{draft}/sections"),
            json!({ "title": "四、其他" }),
        )
        .await;
    let lead = json!([bureau.basic.id]);
    let spare = |heading: &'static str| {
        let lead = lead.clone();
        let mut supervisor = supervisor.clone();
        async move {
            let (status, task) = supervisor
                .post(
                    &format!("/api/v1/plans/{plan}/tasks"),
                    json!({ "heading": heading, "lead_units": lead }),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{task}");
            id(&task)
        }
    };
    let spare_delete = spare("待删除").await;
    let spare_keep = spare("合并保留").await;
    let spare_merge = spare("合并并入").await;
    let (_, spare_target) = supervisor
        .post(
            &format!("/api/v1/tasks/{t2}/targets"),
            json!({ "indicator": "备用指标", "annual_value": 1 }),
        )
        .await;
    let report = |period: &str, submit: bool| json!({ "period": period, "status": "in_progress", "narrative": "进展", "submit": submit });
    let (_, draft_report) = reporter
        .post(
            &format!("/api/v1/tasks/{t1}/reports"),
            report("2026-03", false),
        )
        .await;
    let (_, submitted) = reporter
        .post(
            &format!("/api/v1/tasks/{t1}/reports"),
            report("2026-04", true),
        )
        .await;
    let (_, accepted) = reporter
        .post(
            &format!("/api/v1/tasks/{t1}/reports"),
            report("2026-05", true),
        )
        .await;
    let (status, _) = supervisor
        .post(
            &format!("/api/v1/reports/{}/accept", id(&accepted)),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, attachment) = reporter
        .upload(
            &format!("/api/v1/reports/{}/attachments", id(&draft_report)),
            "证明.pdf",
            b"%PDF-1.4 evidence",
        )
        .await;
    let (_, notice) = supervisor
        .post(
            &format!("/api/v1/tasks/{t1}/notices"),
            json!({ "unit_id": bureau.basic.id, "reason": "督办", "response_due": "2026-07-10" }),
        )
        .await;
    let mut leader = app.login("leader", 203).await;
    let (status, instruction) = leader
        .post(
            &format!("/api/v1/tasks/{t1}/comments"),
            json!({ "body": "请加快进度" }),
        )
        .await;
    assert_eq!(
        (status, instruction["kind"].as_str()),
        (StatusCode::CREATED, Some("instruction"))
    );
    let (status, _) = supervisor
        .post(
            &format!("/api/v1/plans/{plan}/periods/2026-05/publish"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, spare_user) = admin
        .post(
            "/api/v1/users",
            json!({ "username": "spare_user", "display_name": "备用", "role": "leader" }),
        )
        .await;
    let ids = HashMap::from([
        ("plan", plan),
        ("draft", draft),
        ("section", id(&section)),
        ("t1", t1),
        ("target", target),
        ("spare_delete", spare_delete),
        ("spare_keep", spare_keep),
        ("spare_merge", spare_merge),
        ("spare_target", id(&spare_target)),
        ("draft_report", id(&draft_report)),
        ("submitted_report", id(&submitted)),
        ("accepted_report", id(&accepted)),
        ("attachment", id(&attachment)),
        ("notice", id(&notice)),
        ("instruction", id(&instruction)),
        ("spare_user", id(&spare_user["user"])),
        ("personnel", bureau.personnel.id),
        ("basic", bureau.basic.id),
        ("safety", bureau.safety.id),
    ]);
    Fixture { ids }
}

/// (method, route as in the router, concrete path, body, expectations).
fn cases(f: &Fixture) -> Vec<(&'static str, &'static str, String, Send, &'static str)> {
    use Send::{Json as J, Nothing as No, Upload as Up};
    let p = |t: &str| f.fill(t);
    let basic = f.ids["basic"];
    let safety = f.ids["safety"];
    let spare_merge = f.ids["spare_merge"];
    let spare_keep = f.ids["spare_keep"];
    vec![
        (
            "post",
            "/api/v1/setup",
            p("/api/v1/setup"),
            J(
                json!({ "organization": "x", "username": "x", "display_name": "x", "password": "Some-Pass-123" }),
            ),
            "OOOOOOOO",
        ),
        (
            "post",
            "/api/v1/session",
            p("/api/v1/session"),
            J(json!({ "username": "spare_user", "password": "Wrong-Pass-123" })),
            "UUUUUUUU",
        ),
        (
            "get",
            "/api/v1/session",
            p("/api/v1/session"),
            No,
            "UOOOOOOO",
        ),
        (
            "post",
            "/api/v1/session/password",
            p("/api/v1/session/password"),
            J(json!({ "old_password": "wrong", "new_password": "Other-Pass-123" })),
            "UOOOOOOO",
        ),
        (
            "post",
            "/api/v1/tokens",
            p("/api/v1/tokens"),
            J(json!({ "name": "脚本" })),
            "UOOOOOOO",
        ),
        (
            "get",
            "/api/v1/organization",
            p("/api/v1/organization"),
            No,
            "UOOOOOOO",
        ),
        (
            "patch",
            "/api/v1/organization",
            p("/api/v1/organization"),
            J(json!({ "head_review": false })),
            "UOFFFFFF",
        ),
        ("get", "/api/v1/units", p("/api/v1/units"), No, "UOOOOOOO"),
        (
            "post",
            "/api/v1/units",
            p("/api/v1/units"),
            J(json!({ "name": "新设单位" })),
            "UOFFFFFF",
        ),
        (
            "patch",
            "/api/v1/units/{id}",
            p("/api/v1/units/{personnel}"),
            J(json!({ "abbreviations": ["人事"] })),
            "UOFFFFFF",
        ),
        ("get", "/api/v1/users", p("/api/v1/users"), No, "UOFFFFFF"),
        (
            "post",
            "/api/v1/users",
            p("/api/v1/users"),
            J(json!({ "username": "made", "display_name": "新", "role": "leader" })),
            "UOFFFFFF",
        ),
        (
            "patch",
            "/api/v1/users/{id}",
            p("/api/v1/users/{spare_user}"),
            J(json!({ "display_name": "改名" })),
            "UOFFFFFF",
        ),
        (
            "post",
            "/api/v1/users/{id}/password",
            p("/api/v1/users/{spare_user}/password"),
            J(json!({})),
            "UOFFFFFF",
        ),
        ("get", "/api/v1/plans", p("/api/v1/plans"), No, "UOOOOOOO"),
        ("post", "/api/v1/plans", p("/api/v1/plans"), Up, "UOOFFFFF"),
        (
            "get",
            "/api/v1/plans/{id}",
            p("/api/v1/plans/{plan}"),
            No,
            "UOOOOOOO",
        ),
        (
            "get",
            "/api/v1/plans/{id}",
            p("/api/v1/plans/{draft}"),
            No,
            "UOONNNNN",
        ),
        (
            "patch",
            "/api/v1/plans/{id}",
            p("/api/v1/plans/{draft}"),
            J(json!({ "due_day": 20 })),
            "UOOFFFFF",
        ),
        (
            "post",
            "/api/v1/plans/{id}/publish",
            p("/api/v1/plans/{draft}/publish"),
            J(json!({})),
            "UOOFFFFF",
        ),
        (
            "get",
            "/api/v1/plans/{id}/source",
            p("/api/v1/plans/{draft}/source"),
            No,
            "UOOFFFFF",
        ),
        (
            "get",
            "/api/v1/plans/{id}/unmatched-units",
            p("/api/v1/plans/{draft}/unmatched-units"),
            No,
            "UOOFFFFF",
        ),
        (
            "post",
            "/api/v1/plans/{id}/unit-mappings",
            p("/api/v1/plans/{draft}/unit-mappings"),
            J(json!({ "written_name": "安全科", "unit_id": safety })),
            "UOOFFFFF",
        ),
        (
            "get",
            "/api/v1/plans/{id}/versions",
            p("/api/v1/plans/{plan}/versions"),
            No,
            "UOOOFFFF",
        ),
        (
            "get",
            "/api/v1/plans/{id}/versions/{version}",
            p("/api/v1/plans/{plan}/versions/1"),
            No,
            "UOOOFFFF",
        ),
        (
            "post",
            "/api/v1/plans/{id}/sections",
            p("/api/v1/plans/{draft}/sections"),
            J(json!({ "title": "五、新增" })),
            "UOOFFFFF",
        ),
        (
            "patch",
            "/api/v1/plans/{id}/sections/{section_id}",
            p("/api/v1/plans/{draft}/sections/{section}"),
            J(json!({ "title": "四、改" })),
            "UOOFFFFF",
        ),
        (
            "get",
            "/api/v1/plans/{id}/tasks",
            p("/api/v1/plans/{plan}/tasks"),
            No,
            "UOOOOOOO",
        ),
        (
            "post",
            "/api/v1/plans/{id}/tasks",
            p("/api/v1/plans/{draft}/tasks"),
            J(json!({ "heading": "新任务" })),
            "UOOFFFFF",
        ),
        (
            "post",
            "/api/v1/plans/{id}/tasks/merge",
            p("/api/v1/plans/{plan}/tasks/merge"),
            J(json!({ "keep": spare_keep, "others": [spare_merge] })),
            "UOOFFFFF",
        ),
        (
            "get",
            "/api/v1/plans/{id}/dashboard",
            p("/api/v1/plans/{plan}/dashboard"),
            No,
            "UOOOFFFF",
        ),
        (
            "get",
            "/api/v1/plans/{id}/exports/{kind}",
            p("/api/v1/plans/{plan}/exports/decomposition"),
            No,
            "UOOOFFFF",
        ),
        (
            "post",
            "/api/v1/plans/{id}/periods/{period}/publish",
            p("/api/v1/plans/{plan}/periods/2026-05/publish"),
            J(json!({})),
            "UOOFFFFF",
        ),
        (
            "get",
            "/api/v1/me/tasks",
            p("/api/v1/me/tasks"),
            No,
            "UOOOOOOO",
        ),
        (
            "get",
            "/api/v1/tasks/{id}",
            p("/api/v1/tasks/{t1}"),
            No,
            "UOOOOOON",
        ),
        (
            "patch",
            "/api/v1/tasks/{id}",
            p("/api/v1/tasks/{t1}"),
            J(json!({ "deadline_text": "6月底前" })),
            "UOOFFFFF",
        ),
        (
            "delete",
            "/api/v1/tasks/{id}",
            p("/api/v1/tasks/{spare_delete}"),
            No,
            "UOOFFFFF",
        ),
        (
            "post",
            "/api/v1/tasks/{id}/split",
            p("/api/v1/tasks/{t1}/split"),
            J(json!({ "heading": "拆出任务" })),
            "UOOFFFFF",
        ),
        (
            "post",
            "/api/v1/tasks/{id}/targets",
            p("/api/v1/tasks/{t1}/targets"),
            J(json!({ "indicator": "新指标", "annual_value": 3 })),
            "UOOFFFFF",
        ),
        (
            "patch",
            "/api/v1/targets/{id}",
            p("/api/v1/targets/{target}"),
            J(json!({ "baseline": 0 })),
            "UOOFFFFF",
        ),
        (
            "delete",
            "/api/v1/targets/{id}",
            p("/api/v1/targets/{spare_target}"),
            No,
            "UOOFFFFF",
        ),
        (
            "post",
            "/api/v1/tasks/{id}/milestones",
            p("/api/v1/tasks/{t1}/milestones"),
            J(json!({ "title": "开工", "due_date": "2026-04-30" })),
            "UOOFFFFF",
        ),
        (
            "get",
            "/api/v1/tasks/{id}/reports",
            p("/api/v1/tasks/{t1}/reports"),
            No,
            "UOOOOOON",
        ),
        (
            "post",
            "/api/v1/tasks/{id}/reports",
            p("/api/v1/tasks/{t1}/reports"),
            J(json!({ "period": "2026-06", "status": "in_progress", "narrative": "六月" })),
            "UFFFOOFN",
        ),
        (
            "get",
            "/api/v1/reports",
            p("/api/v1/reports"),
            No,
            "UOOOOOOO",
        ),
        (
            "get",
            "/api/v1/reports/{id}",
            p("/api/v1/reports/{draft_report}"),
            No,
            "UOOOOOON",
        ),
        (
            "patch",
            "/api/v1/reports/{id}",
            p("/api/v1/reports/{draft_report}"),
            J(json!({ "narrative": "修改" })),
            "UFFFOOFN",
        ),
        (
            "post",
            "/api/v1/reports/{id}/attachments",
            p("/api/v1/reports/{draft_report}/attachments"),
            Up,
            "UFFFOOFN",
        ),
        (
            "post",
            "/api/v1/reports/{id}/submit",
            p("/api/v1/reports/{draft_report}/submit"),
            J(json!({})),
            "UFFFOOFN",
        ),
        (
            "post",
            "/api/v1/reports/{id}/approve",
            p("/api/v1/reports/{submitted_report}/approve"),
            J(json!({})),
            "UFFFOFFN",
        ),
        (
            "post",
            "/api/v1/reports/{id}/accept",
            p("/api/v1/reports/{submitted_report}/accept"),
            J(json!({})),
            "UFOFFFFN",
        ),
        (
            "post",
            "/api/v1/reports/{id}/return",
            p("/api/v1/reports/{submitted_report}/return"),
            J(json!({ "reason": "退回" })),
            "UFOFFFFN",
        ),
        (
            "post",
            "/api/v1/reports/{id}/correct",
            p("/api/v1/reports/{accepted_report}/correct"),
            J(json!({})),
            "UFFFOOFN",
        ),
        (
            "get",
            "/api/v1/attachments/{id}",
            p("/api/v1/attachments/{attachment}"),
            No,
            "UOOOOOON",
        ),
        (
            "get",
            "/api/v1/tasks/{id}/contributions",
            p("/api/v1/tasks/{t1}/contributions"),
            No,
            "UOOOOOON",
        ),
        (
            "post",
            "/api/v1/tasks/{id}/contributions",
            p("/api/v1/tasks/{t1}/contributions"),
            J(json!({ "period": "2026-06", "body": "配合情况" })),
            "UFFFFFON",
        ),
        (
            "get",
            "/api/v1/tasks/{id}/comments",
            p("/api/v1/tasks/{t1}/comments"),
            No,
            "UOOOOOON",
        ),
        (
            "post",
            "/api/v1/tasks/{id}/comments",
            p("/api/v1/tasks/{t1}/comments"),
            J(json!({ "body": "意见" })),
            "UOOOOOON",
        ),
        (
            "post",
            "/api/v1/comments/{id}/read",
            p("/api/v1/comments/{instruction}/read"),
            No,
            "UFFFOOFN",
        ),
        (
            "get",
            "/api/v1/tasks/{id}/notices",
            p("/api/v1/tasks/{t1}/notices"),
            No,
            "UOOOOOON",
        ),
        (
            "post",
            "/api/v1/tasks/{id}/notices",
            p("/api/v1/tasks/{t1}/notices"),
            J(json!({ "unit_id": basic, "reason": "催办", "response_due": "2026-07-01" })),
            "UFOFFFFN",
        ),
        (
            "get",
            "/api/v1/notices",
            p("/api/v1/notices"),
            No,
            "UOOOOOOO",
        ),
        (
            "post",
            "/api/v1/notices/{id}/answer",
            p("/api/v1/notices/{notice}/answer"),
            J(json!({ "response": "已办理" })),
            "UFFFOONN",
        ),
        (
            "post",
            "/api/v1/notices/{id}/close",
            p("/api/v1/notices/{notice}/close"),
            J(json!({})),
            "UFOFFFFN",
        ),
        ("get", "/api/v1/audit", p("/api/v1/audit"), No, "UOOOFFFF"),
        (
            "get",
            "/api/v1/public/plans/{id}/periods",
            p("/api/v1/public/plans/{plan}/periods"),
            No,
            "OOOOOOOO",
        ),
        (
            "get",
            "/api/v1/public/plans/{id}/periods/{period}",
            p("/api/v1/public/plans/{plan}/periods/2026-05"),
            No,
            "OOOOOOOO",
        ),
        (
            "delete",
            "/api/v1/session",
            p("/api/v1/session"),
            No,
            "UOOOOOOO",
        ),
    ]
}

/// The letter of an answer; a page that sends the caller to the login counts as 401.
pub fn outcome(status: StatusCode, location: Option<&str>) -> char {
    match status {
        StatusCode::UNAUTHORIZED => 'U',
        s if s.is_redirection() && location.is_some_and(|l| l.starts_with("/login")) => 'U',
        StatusCode::FORBIDDEN => 'F',
        StatusCode::NOT_FOUND => 'N',
        _ => 'O',
    }
}

/// The client of caller `index` of [`CALLERS`]: anonymous, or signed in.
pub async fn caller(app: &TestApp, index: usize) -> Client {
    match CALLERS[index] {
        "" => app.anonymous(100),
        username => app.login(username, 100 + index as u8).await,
    }
}

/// One line of the failure report.
pub fn mismatch(index: usize, what: &str, want: char, status: StatusCode, body: &Value) -> String {
    let body: String = body.to_string().chars().take(200).collect();
    let who = match CALLERS[index] {
        "" => "anonymous",
        username => username,
    };
    format!("{who} {what}: expected {want}, got {status} {body}")
}

/// Fails with every mismatch at once, so that one run shows the whole matrix's state.
pub fn assert_no_mismatches(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn every_endpoint_for_every_role_and_unit() {
    let today = NaiveDate::from_ymd_opt(2026, 6, 28).unwrap();
    let mut failures = Vec::new();
    for index in 0..CALLERS.len() {
        let app = TestApp::start(Backend::Sqlite, today).await.unwrap();
        let fixture = fixture(&app).await;
        let all = cases(&fixture);
        if index == 0 {
            for endpoint in ENDPOINTS {
                assert!(
                    all.iter()
                        .any(|(m, route, ..)| *m == endpoint.method && *route == endpoint.path),
                    "{} {} has no row in the authorization matrix",
                    endpoint.method,
                    endpoint.path
                );
            }
        }
        let mut client = caller(&app, index).await;
        for (method, _, path, send, expected) in all {
            let method: Method = method.to_uppercase().parse().unwrap();
            let (status, body) = match send {
                Send::Nothing => client.send(method.clone(), &path, None, Vec::new()).await,
                Send::Json(value) => {
                    client
                        .send(
                            method.clone(),
                            &path,
                            Some("application/json"),
                            value.to_string().into_bytes(),
                        )
                        .await
                }
                Send::Upload => {
                    let bytes: &[u8] = if path.ends_with("attachments") {
                        b"%PDF-1.4 more evidence"
                    } else {
                        PLAN_TEXT.as_bytes()
                    };
                    client
                        .upload(
                            &path,
                            if path.ends_with("attachments") {
                                "x.pdf"
                            } else {
                                "p.txt"
                            },
                            bytes,
                        )
                        .await
                }
            };
            let want = expected.chars().nth(index).unwrap();
            if outcome(status, client.location.as_deref()) != want {
                failures.push(mismatch(
                    index,
                    &format!("{method} {path}"),
                    want,
                    status,
                    &body,
                ));
            }
        }
        app.stop().await;
    }
    assert_no_mismatches(&failures);
}
