//! A running application and clients that keep their session cookie and CSRF token.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use chrono::NaiveDate;
use luoshi_domain::password;
use luoshi_domain::role::Role;
use luoshi_store::{Audit, NewUnit, NewUser, Store, Unit};
use luoshi_testing::TestDatabase;
use luoshi_web::{AppState, Config, app};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const PASSWORD: &str = "Test-Password-1";

/// A plan in the genre: three sections, tasks with lead and co-units, targets, deadlines.
pub const PLAN_TEXT: &str = "某县教育局2026年工作要点\n\
    一、推进学前教育普及普惠\n\
    1.扩大普惠性资源。新改扩建幼儿园20所，学前三年毛入园率达到92%以上。6月底前完成。（牵头单位：基础教育科；配合单位：计划财务科）\n\
    2.提升保教质量。开展幼儿园保教质量评估。（责任单位：基教科）\n\
    二、加强教师队伍建设\n\
    3.补充教师。招聘新教师120名。（牵头单位：人事科）\n\
    三、守牢安全底线\n\
    4.校园安全。完成全部校舍安全排查。（责任单位：安全科）\n";

pub struct TestApp {
    pub router: Router,
    pub url: String,
    pub store: Store,
    db: TestDatabase,
}

/// The engine a test application runs on.
pub use luoshi_testing::Engine as Backend;

impl TestApp {
    /// A fresh application on `backend`, or None when PostgreSQL is not configured.
    pub async fn start(backend: Backend, today: NaiveDate) -> Option<TestApp> {
        let db = TestDatabase::new(backend, "api").await?;
        let url = db.url.clone();
        let dir = db.dir();
        let store = Store::connect(&url).await.unwrap();
        let mut config = Config::new(dir.to_path_buf());
        config.today = Some(today);
        config.max_attachment_bytes = 64 * 1024;
        let router = app(AppState::new(store.clone(), config));
        Some(TestApp {
            router,
            url,
            store,
            db,
        })
    }

    pub async fn stop(self) {
        self.store.close().await;
        self.db.close().await;
    }

    pub fn anonymous(&self, ip: u8) -> Client {
        Client {
            router: self.router.clone(),
            cookie: None,
            csrf: None,
            token: None,
            location: None,
            ip,
        }
    }

    /// Logs `username` in with [`PASSWORD`].
    pub async fn login(&self, username: &str, ip: u8) -> Client {
        let mut client = self.anonymous(ip);
        let (status, body) = client
            .post(
                "/api/v1/session",
                json!({ "username": username, "password": PASSWORD }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login {username}: {body}");
        client
    }
}

/// One browser, as far as the API can tell.
#[derive(Clone)]
pub struct Client {
    router: Router,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub token: Option<String>,
    /// The `Location` of the last response, for redirects.
    pub location: Option<String>,
    ip: u8,
}

impl Client {
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let (status, bytes) = self.send_raw(method, path, content_type, body).await;
        let value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        if let Some(csrf) = value.get("csrf_token").and_then(Value::as_str) {
            self.csrf = Some(csrf.to_string());
        }
        (status, value)
    }

    /// A download's bytes as they came.
    pub async fn get_bytes(&mut self, path: &str) -> (StatusCode, Vec<u8>) {
        self.send_raw(Method::GET, path, None, Vec::new()).await
    }

    async fn send_raw(
        &mut self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> (StatusCode, Vec<u8>) {
        let mut request = Request::builder().method(method.clone()).uri(path);
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        if let Some(csrf) = &self.csrf
            && method != Method::GET
        {
            request = request.header("x-csrf-token", csrf);
        }
        if let Some(token) = &self.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let mut request = request.body(Body::from(body)).unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, self.ip], 40000))));
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        self.location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        if let Some(set) = response.headers().get(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let pair = set.split(';').next().unwrap().to_string();
            self.cookie = if set.contains("Max-Age=0") {
                None
            } else {
                Some(pair)
            };
        }
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, bytes.to_vec())
    }

    pub async fn get(&mut self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None, Vec::new()).await
    }

    pub async fn post(&mut self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(
            Method::POST,
            path,
            Some("application/json"),
            body.to_string().into_bytes(),
        )
        .await
    }

    pub async fn patch(&mut self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(
            Method::PATCH,
            path,
            Some("application/json"),
            body.to_string().into_bytes(),
        )
        .await
    }

    pub async fn delete(&mut self, path: &str) -> (StatusCode, Value) {
        self.send(Method::DELETE, path, None, Vec::new()).await
    }

    /// Posts an HTML form.
    pub async fn form(&mut self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, Value) {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.send(
            Method::POST,
            path,
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
        )
        .await
    }

    /// Posts a multipart form: text fields and, if given, one file as field `file`.
    pub async fn multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
    ) -> (StatusCode, Value) {
        let boundary = "luoshi-test-boundary-7d1";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        if let Some((file_name, bytes)) = file {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        self.send(Method::POST, path, Some(&content_type), body)
            .await
    }

    /// Posts one file as multipart field `file`.
    pub async fn upload(
        &mut self,
        path: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> (StatusCode, Value) {
        let boundary = "luoshi-test-boundary-7d1";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        self.send(Method::POST, path, Some(&content_type), body)
            .await
    }
}

/// The people and units of a small bureau, created directly in the store.
pub struct Bureau {
    pub basic: Unit,
    pub finance: Unit,
    pub personnel: Unit,
    pub safety: Unit,
}

pub async fn bureau(app: &TestApp) -> Bureau {
    let cli = Audit::cli();
    let store = &app.store;
    let organization = store
        .create_organization(&cli, "某县教育局")
        .await
        .unwrap()
        .id;
    let unit = |name: &'static str, abbreviations: Vec<String>| NewUnit {
        name: name.into(),
        kind: luoshi_store::UnitKind::Department,
        parent_id: None,
        abbreviations,
    };
    let basic = store
        .create_unit(
            &cli,
            organization,
            &unit("基础教育科", vec!["基教科".into()]),
        )
        .await
        .unwrap();
    let finance = store
        .create_unit(&cli, organization, &unit("计划财务科", vec![]))
        .await
        .unwrap();
    let personnel = store
        .create_unit(&cli, organization, &unit("人事科", vec![]))
        .await
        .unwrap();
    let safety = store
        .create_unit(&cli, organization, &unit("安全管理科", vec![]))
        .await
        .unwrap();
    let hash = password::hash(PASSWORD);
    let people: [(&str, Role, Vec<i64>); 8] = [
        ("admin", Role::Admin, vec![]),
        ("supervisor", Role::Supervisor, vec![]),
        ("leader", Role::Leader, vec![]),
        ("basic_head", Role::UnitHead, vec![basic.id]),
        ("basic_reporter", Role::Reporter, vec![basic.id]),
        ("finance_reporter", Role::Reporter, vec![finance.id]),
        ("personnel_reporter", Role::Reporter, vec![personnel.id]),
        ("safety_reporter", Role::Reporter, vec![safety.id]),
    ];
    for (username, role, units) in people {
        store
            .create_user(
                &cli,
                organization,
                &NewUser {
                    username: username.into(),
                    display_name: username.into(),
                    role,
                    password_hash: hash.clone(),
                    must_change_password: false,
                    units,
                },
            )
            .await
            .unwrap();
    }
    Bureau {
        basic,
        finance,
        personnel,
        safety,
    }
}

/// The day most tests run on: June's reports are three days overdue.
pub fn june_28() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 28).unwrap()
}

/// The admin has unit heads approve reports before the supervisor (科室审核).
pub async fn heads_review(app: &TestApp) {
    let mut admin = app.login("admin", 90).await;
    let (status, org) = admin
        .patch("/api/v1/organization", json!({ "head_review": true }))
        .await;
    assert_eq!(
        (status, org["head_review"].as_bool()),
        (StatusCode::OK, Some(true))
    );
}

/// The app on 28 June with the test bureau and [`PLAN_TEXT`] published by the supervisor.
pub struct Published {
    pub app: TestApp,
    pub bureau: Bureau,
    /// The supervisor's API client.
    pub api: Client,
    pub plan: i64,
}

pub async fn published() -> Published {
    let app = TestApp::start(Backend::Sqlite, june_28()).await.unwrap();
    let bureau = bureau(&app).await;
    let mut api = app.login("supervisor", 1).await;
    let plan = published_plan(&mut api, &bureau).await;
    Published {
        app,
        bureau,
        api,
        plan,
    }
}

/// Uploads [`PLAN_TEXT`] as `client`, maps the unmatched 安全科, publishes; returns the plan id.
pub async fn published_plan(client: &mut Client, bureau: &Bureau) -> i64 {
    let (status, body) = client
        .upload("/api/v1/plans", "plan.txt", PLAN_TEXT.as_bytes())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let plan = body["plan"]["id"].as_i64().unwrap();
    let (status, body) = client
        .post(
            &format!("/api/v1/plans/{plan}/unit-mappings"),
            json!({ "written_name": "安全科", "unit_id": bureau.safety.id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = client
        .post(&format!("/api/v1/plans/{plan}/publish"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    plan
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
