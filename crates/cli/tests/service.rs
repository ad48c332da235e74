//! The service as processes: several `luoshi serve` on one PostgreSQL taking concurrent
//! submissions, and a server killed with SIGKILL mid-stream on SQLite. Acknowledged means
//! the client got 201 with an id: such a report must exist exactly once afterwards.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

const PASSWORD: &str = "Reporter-Pass-1";

/// A plan of `tasks` tasks, all led by 基础教育科.
fn plan_text(tasks: usize) -> String {
    let mut text = String::from("某县教育局2026年工作要点\n一、重点任务\n");
    for i in 1..=tasks {
        text.push_str(&format!(
            "{i}.第{i}项工作。完成相关工作。（责任单位：基础教育科）\n"
        ));
    }
    text
}

fn luoshi(location: &[String], args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .args(args)
        .args(location)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("luoshi runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "luoshi {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Seeds a bureau with one unit, one reporter and a published plan; returns a token.
fn seed(location: &[String], dir: &Path, tasks: usize) -> String {
    luoshi(
        location,
        &["unit", "add", "基础教育科", "--organization", "某县教育局"],
        None,
    );
    luoshi(
        location,
        &[
            "user",
            "add",
            "reporter",
            "--role",
            "reporter",
            "--unit",
            "1",
            "--password-stdin",
        ],
        Some(PASSWORD),
    );
    let plan = dir.join("plan.txt");
    std::fs::write(&plan, plan_text(tasks)).unwrap();
    let out = luoshi(
        location,
        &["import", plan.to_str().unwrap(), "--publish"],
        None,
    );
    assert!(out.contains("published plan"), "{out}");
    luoshi(location, &["token", "create", "reporter"], None)
        .trim()
        .to_string()
}

/// A running `luoshi serve` and the address it listens on.
struct Server {
    child: Child,
    base: String,
    printed: Vec<String>,
}

fn serve(location: &[String]) -> Server {
    start(&["serve", "--addr", "127.0.0.1:0"], location)
}

fn start(command: &[&str], location: &[String]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .args(command)
        .args(location)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("luoshi serve starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let base = loop {
        let line = lines
            .next()
            .unwrap_or_else(|| panic!("server printed no address: {printed:?}"))
            .unwrap();
        printed.push(line.clone());
        if let Some(rest) = line.strip_prefix("Luoshi is serving on ") {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    Server {
        child,
        base,
        printed,
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// Submits the report of `period` for `task`; Some(id) when acknowledged.
async fn submit(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    task: i64,
    period: &str,
) -> Option<i64> {
    let body = json!({ "period": period, "status": "in_progress", "narrative": format!("{period} 进展"), "submit": true });
    let response = http
        .post(format!("{base}/api/v1/tasks/{task}/reports"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .ok()?;
    if response.status() != reqwest::StatusCode::CREATED {
        return None;
    }
    response.json::<Value>().await.ok()?["id"].as_i64()
}

async fn all_reports(http: &reqwest::Client, base: &str, token: &str) -> Vec<Value> {
    let mut reports = Vec::new();
    for page in 1.. {
        let body: Value = http
            .get(format!("{base}/api/v1/reports?per_page=200&page={page}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = body["items"].as_array().unwrap().clone();
        let done = items.len() < 200;
        reports.extend(items);
        if done {
            break;
        }
    }
    reports
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_submissions_through_two_servers_on_postgres() {
    let Some(db) = luoshi_testing::TestDatabase::postgres("service").await else {
        return;
    };
    let dir = db.dir();
    let location = vec![
        "--data-dir".to_string(),
        dir.display().to_string(),
        "--database".to_string(),
        db.url.clone(),
    ];
    let tasks = 12;
    let token = seed(&location, dir, tasks);
    let mut servers = [serve(&location), serve(&location)];

    // Every (task, period) is attempted three times, through both servers at once.
    let http = client();
    let mut attempts = Vec::new();
    for task in 1..=tasks as i64 {
        for month in 1..=6 {
            for copy in 0..3 {
                let base = servers[(task as usize + month + copy) % 2].base.clone();
                attempts.push((base, task, format!("2026-{month:02}")));
            }
        }
    }
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let mut handles = Vec::new();
    for (base, task, period) in attempts {
        let (http, token, acknowledged) = (http.clone(), token.clone(), acknowledged.clone());
        handles.push(tokio::spawn(async move {
            if let Some(id) = submit(&http, &base, &token, task, &period).await {
                acknowledged.lock().unwrap().push((id, task, period));
            }
        }));
    }
    for handle in handles {
        handle.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let mut per_slot: HashMap<(i64, String), usize> = HashMap::new();
    for (_, task, period) in &acknowledged {
        *per_slot.entry((*task, period.clone())).or_default() += 1;
    }
    assert_eq!(
        per_slot.len(),
        tasks * 6,
        "every slot was acknowledged once"
    );
    assert!(
        per_slot.values().all(|n| *n == 1),
        "a slot acknowledged twice: {per_slot:?}"
    );

    let stored = all_reports(&http, &servers[0].base, &token).await;
    let stored_ids: Vec<i64> = stored.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    let unique: HashSet<i64> = stored_ids.iter().copied().collect();
    assert_eq!(stored_ids.len(), unique.len());
    let acknowledged_ids: HashSet<i64> = acknowledged.iter().map(|(id, ..)| *id).collect();
    assert_eq!(
        unique, acknowledged_ids,
        "stored reports are exactly the acknowledged ones"
    );

    for server in &mut servers {
        server.child.kill().unwrap();
        server.child.wait().unwrap();
    }
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_reports_survive_kill_9_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let location = vec!["--data-dir".to_string(), dir.path().display().to_string()];
    let tasks = 20;
    let token = seed(&location, dir.path(), tasks);
    let mut server = serve(&location);
    let http = client();

    // Eight writers submit until the server dies under them.
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let mut writers = Vec::new();
    for writer in 0..8usize {
        let (http, token, base, acknowledged) = (
            http.clone(),
            token.clone(),
            server.base.clone(),
            acknowledged.clone(),
        );
        writers.push(tokio::spawn(async move {
            for slot in 0.. {
                let n = slot * 8 + writer;
                if n >= tasks * 12 {
                    break;
                }
                let (task, month) = ((n % tasks) as i64 + 1, n / tasks + 1);
                match submit(&http, &base, &token, task, &format!("2026-{month:02}")).await {
                    Some(id) => acknowledged.lock().unwrap().push(id),
                    None => break,
                }
            }
        }));
    }
    while acknowledged.lock().unwrap().len() < 60 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 60);

    let restarted = serve(&location);
    let stored: HashSet<i64> = all_reports(&http, &restarted.base, &token)
        .await
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    for id in &acknowledged {
        assert!(
            stored.contains(id),
            "acknowledged report {id} lost after kill -9"
        );
    }
    let mut restarted = restarted;
    restarted.child.kill().unwrap();
    restarted.child.wait().unwrap();

    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(&format!(
        "sqlite://{}",
        dir.path().join("luoshi.db").display()
    ))
    .await
    .unwrap();
    let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(check, "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_serves_a_living_bureau_with_printed_logins() {
    let dir = tempfile::tempdir().unwrap();
    let location = vec!["--data-dir".to_string(), dir.path().display().to_string()];
    let mut demo = start(&["demo", "--addr", "127.0.0.1:0"], &location);
    let login = demo
        .printed
        .iter()
        .find(|l| l.trim_start().starts_with("duchashi"))
        .expect("supervisor login printed");
    let password = login.split_whitespace().last().unwrap();
    let http = reqwest::Client::new();
    let public: Value = http
        .get(format!("{}/api/v1/public/plans/1/periods", demo.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(public["periods"], json!(["2025-05"]));
    let session = http
        .post(format!("{}/api/v1/session", demo.base))
        .json(&json!({ "username": "duchashi", "password": password }))
        .send()
        .await
        .unwrap();
    assert_eq!(session.status(), reqwest::StatusCode::OK);
    let cookie = session.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let board: Value = http
        .get(format!("{}/api/v1/plans/1/dashboard", demo.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(board["as_of"], "2025-07-10");
    let lights = &board["by_light"];
    for color in ["red", "yellow", "done"] {
        assert!(
            lights[color].as_i64().unwrap() > 0,
            "the demo shows {color}: {lights}"
        );
    }
    assert!(!board["not_reported"].as_array().unwrap().is_empty());
    demo.child.kill().unwrap();
    demo.child.wait().unwrap();
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .args(["demo", "--addr", "127.0.0.1:0"])
        .args(&location)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2), "a demo never overwrites data");
    assert!(String::from_utf8_lossy(&again.stderr).contains("fresh --data-dir"));
}
