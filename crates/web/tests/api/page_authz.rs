//! The authorization matrix of the pages: every page route × every role × own / co / other
//! unit, as for the API ([`crate::authz`]). A letter per caller, in the order of
//! [`CALLERS`]: `O` served (any answer but a redirect to the login, 401, 403 or 404; a 400
//! or 422 is the business rule speaking), `U` sent to the login, `F` 403, `N` 404. Forms
//! carry the caller's own CSRF token and every field they need, so that what answers is the
//! permission, not the form parser. Every route in the router must have a row here.

use chrono::NaiveDate;
use luoshi_web::pages::PAGE_ROUTES;

use crate::authz::{CALLERS, Fixture, assert_no_mismatches, caller, fixture, mismatch, outcome};
use crate::support::*;

/// How a page is asked for.
enum Ask {
    Get,
    /// A form with these fields besides the CSRF token.
    Form(Vec<(&'static str, String)>),
    /// A multipart form with these fields besides the CSRF token, and a file.
    Multipart(Vec<(&'static str, String)>, &'static str, &'static [u8]),
}

/// (method, route as in the router, concrete path, how, expectations).
fn cases(f: &Fixture) -> Vec<(&'static str, &'static str, String, Ask, &'static str)> {
    use Ask::{Form, Get, Multipart};
    let p = |t: &str| f.fill(t);
    let s = |v: &str| v.to_string();
    let basic = f.ids["basic"].to_string();
    vec![
        ("get", "/", p("/"), Get, "UOOOOOOO"),
        ("get", "/login", p("/login"), Get, "OOOOOOOO"),
        (
            "post",
            "/login",
            p("/login"),
            Form(vec![
                ("username", s("spare_user")),
                ("password", s("Wrong-Pass-1")),
            ]),
            "UUUUUUUU",
        ),
        ("get", "/setup", p("/setup"), Get, "UUUUUUUU"),
        (
            "post",
            "/setup",
            p("/setup"),
            Form(vec![
                ("organization", s("x")),
                ("username", s("x")),
                ("display_name", s("x")),
                ("password", s("Some-Pass-123")),
            ]),
            "UUUUUUUU",
        ),
        ("get", "/admin", p("/admin"), Get, "UOFFFFFF"),
        (
            "post",
            "/admin/organization",
            p("/admin/organization"),
            Form(vec![
                ("name", s("某县教育局")),
                ("yellow_lag_percent", s("10")),
                ("yellow_deadline_days", s("15")),
                ("red_overdue_days", s("7")),
                ("red_return_count", s("2")),
            ]),
            "UOFFFFFF",
        ),
        (
            "post",
            "/admin/units",
            p("/admin/units"),
            Form(vec![
                ("name", s("新科室")),
                ("kind", s("department")),
                ("parent_id", s("")),
                ("abbreviations", s("")),
            ]),
            "UOFFFFFF",
        ),
        (
            "post",
            "/admin/units/{id}",
            p("/admin/units/{basic}"),
            Form(vec![("abbreviations", s("基教科"))]),
            "UOFFFFFF",
        ),
        (
            "post",
            "/admin/users",
            p("/admin/users"),
            Form(vec![
                ("username", s("page_user")),
                ("display_name", s("新人")),
                ("role", s("leader")),
                ("unit", s("")),
            ]),
            "UOFFFFFF",
        ),
        (
            "post",
            "/admin/users/{id}",
            p("/admin/users/{spare_user}"),
            Form(vec![("role", s("leader")), ("unit", s(""))]),
            "UOFFFFFF",
        ),
        (
            "post",
            "/admin/users/{id}/password",
            p("/admin/users/{spare_user}/password"),
            Form(vec![]),
            "UOFFFFFF",
        ),
        ("get", "/plans/new", p("/plans/new"), Get, "UOOFFFFF"),
        (
            "post",
            "/plans/new",
            p("/plans/new"),
            Multipart(vec![], "p.txt", PLAN_TEXT.as_bytes()),
            "UOOFFFFF",
        ),
        (
            "get",
            "/plans/{id}/review",
            p("/plans/{draft}/review"),
            Get,
            "UOOFFFFF",
        ),
        (
            "post",
            "/plans/{id}/review/units",
            p("/plans/{draft}/review/units"),
            Form(vec![
                ("written_name", s("基础教育科")),
                ("unit_id", basic.clone()),
            ]),
            "UOOFFFFF",
        ),
        (
            "post",
            "/plans/{id}/review/assign",
            p("/plans/{draft}/review/assign"),
            Form(vec![("scope", s("without_lead")), ("lead", basic.clone())]),
            "UOOFFFFF",
        ),
        (
            "post",
            "/plans/{id}/review/sections",
            p("/plans/{draft}/review/sections"),
            Form(vec![("number", s("")), ("title", s("其他工作"))]),
            "UOOFFFFF",
        ),
        (
            "post",
            "/plans/{id}/review/sections/{section}",
            p("/plans/{draft}/review/sections/{section}"),
            Form(vec![("number", s("4")), ("title", s("其他"))]),
            "UOOFFFFF",
        ),
        (
            "post",
            "/plans/{id}/review/tasks/{task}/targets",
            p("/plans/{plan}/review/tasks/{t1}/targets"),
            Form(vec![
                ("indicator", s("新增学位")),
                ("comparator", s("ge")),
                ("annual_value", s("3000")),
                ("unit", s("个")),
            ]),
            "UOOFFFFF",
        ),
        (
            "post",
            "/plans/{id}/review/targets/{target}",
            p("/plans/{plan}/review/targets/{target}"),
            Form(vec![
                ("annual_value", s("20")),
                ("indicator", s("新改扩建幼儿园")),
                ("unit", s("所")),
            ]),
            "UOOFFFFF",
        ),
        (
            "post",
            "/plans/{id}/review/tasks/{task}",
            p("/plans/{plan}/review/tasks/{t1}"),
            Form(vec![
                ("op", s("save")),
                ("heading", s("扩大普惠性资源")),
                ("objective", s("")),
                ("deadline", s("")),
                ("deadline_text", s("")),
                ("lead", s("基础教育科")),
                ("co", s("")),
            ]),
            "UOOFFFFF",
        ),
        (
            "post",
            "/plans/{id}/review/publish",
            p("/plans/{draft}/review/publish"),
            Form(vec![]),
            "UOOFFFFF",
        ),
        (
            "post",
            "/plans/{id}/review/settings",
            p("/plans/{draft}/review/settings"),
            Form(vec![
                ("cycle", s("monthly")),
                ("due_day", s("25")),
                ("reporting_start", s("")),
            ]),
            "UOOFFFFF",
        ),
        ("get", "/password", p("/password"), Get, "UOOOOOOO"),
        (
            "post",
            "/password",
            p("/password"),
            Form(vec![
                ("old_password", s("wrong")),
                ("new_password", s("Other-Pass-123")),
            ]),
            "UOOOOOOO",
        ),
        ("get", "/plans/{id}", p("/plans/{plan}"), Get, "UOOOOOOO"),
        ("get", "/tasks/{id}", p("/tasks/{t1}"), Get, "UOOOOOON"),
        (
            "get",
            "/tasks/{id}/report",
            p("/tasks/{t1}/report"),
            Get,
            "UFFFOOFN",
        ),
        (
            "post",
            "/tasks/{id}/report",
            p("/tasks/{t1}/report"),
            Multipart(
                vec![
                    ("period", s("2026-06")),
                    ("status", s("in_progress")),
                    ("narrative", s("进展")),
                    ("action", s("save")),
                ],
                "证明.pdf",
                b"%PDF-1.4 evidence",
            ),
            "UFFFOOFN",
        ),
        (
            "post",
            "/reports/{id}/review",
            p("/reports/{submitted_report}/review"),
            Form(vec![("decision", s("return")), ("reason", s("请补充"))]),
            "UFOFFFFN",
        ),
        (
            "post",
            "/reports/{id}/approve",
            p("/reports/{submitted_report}/approve"),
            Form(vec![]),
            "UFFFOFFN",
        ),
        (
            "post",
            "/tasks/{id}/notices",
            p("/tasks/{t1}/notices"),
            Form(vec![
                ("unit_id", basic.clone()),
                ("reason", s("督办")),
                ("response_due", s("2026-07-20")),
            ]),
            "UFOFFFFN",
        ),
        (
            "post",
            "/tasks/{id}/comments",
            p("/tasks/{t1}/comments"),
            Form(vec![("body", s("请加快"))]),
            "UOOOOOON",
        ),
        (
            "post",
            "/comments/{id}/read",
            p("/comments/{instruction}/read"),
            Form(vec![]),
            "UFFFOOFN",
        ),
        (
            "post",
            "/tasks/{id}/contributions",
            p("/tasks/{t1}/contributions"),
            Form(vec![("period", s("2026-06")), ("body", s("配合情况"))]),
            "UFFFFFON",
        ),
        (
            "post",
            "/notices/{id}/answer",
            p("/notices/{notice}/answer"),
            Multipart(
                vec![("response", s("已整改"))],
                "整改报告.pdf",
                b"%PDF-1.4 report",
            ),
            "UFFFOONN",
        ),
        (
            "post",
            "/notices/{id}/close",
            p("/notices/{notice}/close"),
            Form(vec![]),
            "UFOFFFFN",
        ),
        (
            "get",
            "/tasks/{id}/overdue",
            p("/tasks/{t1}/overdue"),
            Get,
            "UFFFOOFN",
        ),
        (
            "post",
            "/tasks/{id}/overdue",
            p("/tasks/{t1}/overdue"),
            Form(vec![("action", s("save"))]),
            "UFFFOOFN",
        ),
        (
            "get",
            "/plans/{id}/periods/{period}",
            p("/plans/{plan}/periods/2026-06"),
            Get,
            "UFFFOOOO",
        ),
        (
            "post",
            "/plans/{id}/periods/{period}",
            p("/plans/{plan}/periods/2026-06"),
            Form(vec![("action", s("save"))]),
            "UFFFOOOO",
        ),
        (
            "get",
            "/plans/{id}/periods/{period}/sheet.xlsx",
            p("/plans/{plan}/periods/2026-06/sheet.xlsx"),
            Get,
            "UFFFOOOO",
        ),
        (
            "post",
            "/plans/{id}/periods/{period}/sheet",
            p("/plans/{plan}/periods/2026-06/sheet"),
            Multipart(
                vec![("action", s("save"))],
                "填报表.xlsx",
                b"not a workbook",
            ),
            "UFFFOOOO",
        ),
        (
            "post",
            "/plans/{id}/publish-period",
            p("/plans/{plan}/publish-period"),
            Form(vec![("period", s("2026-05"))]),
            "UOOFFFFF",
        ),
        (
            "get",
            "/public/plans/{id}",
            p("/public/plans/{plan}"),
            Get,
            "OOOOOOOO",
        ),
        (
            "get",
            "/public/plans/{id}/periods/{period}",
            p("/public/plans/{plan}/periods/2026-05"),
            Get,
            "OOOOOOOO",
        ),
        (
            "get",
            "/public/plans/{id}/feed.xml",
            p("/public/plans/{plan}/feed.xml"),
            Get,
            "OOOOOOOO",
        ),
        (
            "get",
            "/assets/app.css",
            p("/assets/app.css"),
            Get,
            "OOOOOOOO",
        ),
        (
            "get",
            "/assets/app.js",
            p("/assets/app.js"),
            Get,
            "OOOOOOOO",
        ),
        // Last: it ends the session and sends everyone to the login.
        ("post", "/logout", p("/logout"), Form(vec![]), "UUUUUUUU"),
    ]
}

#[tokio::test]
async fn every_page_for_every_role_and_unit() {
    let today = NaiveDate::from_ymd_opt(2026, 6, 28).unwrap();
    let mut failures = Vec::new();
    for index in 0..CALLERS.len() {
        let app = TestApp::start(Backend::Sqlite, today).await.unwrap();
        let fixture = fixture(&app).await;
        let all = cases(&fixture);
        if index == 0 {
            for route in PAGE_ROUTES {
                assert!(
                    all.iter()
                        .any(|(m, path, ..)| *m == route.method && *path == route.path),
                    "{} {} has no row in the page authorization matrix",
                    route.method,
                    route.path
                );
            }
        }
        let mut client = caller(&app, index).await;
        let token = client.csrf.clone().unwrap_or_default();
        for (method, _, path, ask, expected) in all {
            let (status, body) = match ask {
                Ask::Get => client.get(&path).await,
                Ask::Form(fields) => {
                    let mut fields: Vec<(&str, &str)> =
                        fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    fields.push(("csrf_token", &token));
                    client.form(&path, &fields).await
                }
                Ask::Multipart(fields, file_name, bytes) => {
                    let mut fields: Vec<(&str, &str)> =
                        fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    fields.push(("csrf_token", &token));
                    client
                        .multipart(&path, &fields, Some((file_name, bytes)))
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
