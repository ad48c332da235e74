//! Service benchmark: report submission rate and dashboard latency over HTTP on SQLite,
//! with a province-sized data set (100 plans × 40 tasks × 12 monthly reports).
//!
//! `cargo bench -p luoshi-web --bench service` runs the full set; `-- --quick` uses 10
//! plans (CI). Goals: ≥ 1,000 submissions/s, dashboard p99 and task page p99 (8 clients)
//! under 50 ms on 2 cores;
//! `--enforce` makes a missed goal exit 1.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use luoshi_domain::import::{DraftPlan, DraftSection, DraftTarget, DraftTask};
use luoshi_domain::password;
use luoshi_domain::role::Role;
use luoshi_store::{Audit, ImportSource, NewUnit, NewUser, Store, secret_hash, sqlite_url_in};
use luoshi_web::{AppState, Config};
use serde_json::json;

const TASKS_PER_PLAN: usize = 40;
const MONTHS: usize = 12;
const UNITS: usize = 10;
const CONCURRENCY: usize = 16;
const TASK_PAGE_CLIENTS: usize = 8;
const TASK_PAGES_EACH: usize = 40;

fn draft(index: usize) -> DraftPlan {
    DraftPlan {
        title: format!("第{index}县教育局2026年工作要点"),
        year: 2026,
        doc_number: None,
        issuers: vec![],
        sections: (1..=4)
            .map(|n| DraftSection {
                number: n,
                title: format!("第{n}部分"),
            })
            .collect(),
        tasks: (0..TASKS_PER_PLAN)
            .map(|t| DraftTask {
                section: (t / 10 + 1) as u32,
                number: t as u32 + 1,
                heading: format!("任务{}", t + 1),
                body: "推进相关工作。".into(),
                objective: None,
                measures: None,
                lead_units: vec![format!("单位{}", t % UNITS)],
                co_units: vec![format!("单位{}", (t + 1) % UNITS)],
                deadline: NaiveDate::from_ymd_opt(2026, 12, 31),
                deadline_text: None,
                targets: vec![DraftTarget {
                    indicator: "完成项目".into(),
                    unit: "个".into(),
                    comparator: luoshi_plandoc::model::Comparator::Eq,
                    value_text: "12".into(),
                    annual_value: Some(12.0),
                    source_text: String::new(),
                    span: [0, 0],
                }],
                span: [0, 0],
            })
            .collect(),
        warnings: vec![],
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let enforce = args.iter().any(|a| a == "--enforce");
    let plans = if quick { 10 } else { 100 };
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&sqlite_url_in(dir.path())).await.unwrap();
    let cli = Audit::cli();
    let organization = store
        .create_organization(&cli, "某省教育厅")
        .await
        .unwrap()
        .id;
    let mut units = Vec::new();
    for u in 0..UNITS {
        let unit = NewUnit {
            name: format!("单位{u}"),
            kind: luoshi_store::UnitKind::Department,
            parent_id: None,
            abbreviations: vec![],
        };
        units.push(
            store
                .create_unit(&cli, organization, &unit)
                .await
                .unwrap()
                .id,
        );
    }
    let mut tokens = Vec::new();
    for (username, role, unit_ids) in [
        ("reporter", Role::Reporter, units.clone()),
        ("supervisor", Role::Supervisor, vec![]),
    ] {
        let user = NewUser {
            username: username.into(),
            display_name: username.into(),
            role,
            password_hash: password::hash("Bench-Pass-123"),
            must_change_password: false,
            units: unit_ids,
        };
        let id = store
            .create_user(&cli, organization, &user)
            .await
            .unwrap()
            .id;
        let secret = format!("bench-token-{username}");
        store
            .create_api_token(&cli, id, "bench", &secret_hash(&secret))
            .await
            .unwrap();
        tokens.push(secret);
    }
    let today = NaiveDate::from_ymd_opt(2026, 12, 28).unwrap();
    let mut slots = Vec::new();
    let mut plan_ids = Vec::new();
    for p in 0..plans {
        let source = ImportSource {
            file_name: format!("plan{p}.txt"),
            stored_file: None,
            text: String::new(),
        };
        let plan = store
            .import_plan(&cli, organization, &draft(p), &source)
            .await
            .unwrap();
        store
            .publish_plan(
                &cli,
                organization,
                plan.id,
                NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            )
            .await
            .unwrap();
        for task in store.plan_tasks(plan.id).await.unwrap() {
            for month in 1..=MONTHS {
                slots.push((task.id, task.targets[0].id, month));
            }
        }
        plan_ids.push(plan.id);
    }
    let mut config = Config::new(dir.path().to_path_buf());
    config.today = Some(today);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(luoshi_web::serve(
        AppState::new(store.clone(), config),
        listener,
    ));
    let http = reqwest::Client::new();

    // Submissions: every task's twelve monthly reports, CONCURRENCY clients at a time.
    let slots = Arc::new(slots);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (http, base, token, slots, next) = (
            http.clone(),
            base.clone(),
            tokens[0].clone(),
            slots.clone(),
            next.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((task, target, month)) = slots.get(i).copied() else { break };
                let body = json!({ "period": format!("2026-{month:02}"), "status": "in_progress", "narrative": "本月推进情况",
                    "actuals": [{ "target_id": target, "value": month as f64 }], "submit": true });
                let response = http
                    .post(format!("{base}/api/v1/tasks/{task}/reports"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), reqwest::StatusCode::CREATED);
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    let elapsed = started.elapsed();
    let rate = slots.len() as f64 / elapsed.as_secs_f64();
    println!(
        "report submissions: {} plans x {TASKS_PER_PLAN} tasks x {MONTHS} months = {} reports in {:.1} s: {rate:.0}/s ({CONCURRENCY} clients)",
        plans,
        slots.len(),
        elapsed.as_secs_f64()
    );

    // Dashboard: one plan's board at a time, as a supervisor opens it.
    let mut latencies = Vec::new();
    for i in 0..300 {
        let plan = plan_ids[(i * 7) % plan_ids.len()];
        let start = Instant::now();
        let response = http
            .get(format!("{base}/api/v1/plans/{plan}/dashboard"))
            .bearer_auth(&tokens[1])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK);
        response.bytes().await.unwrap();
        latencies.push(start.elapsed());
    }
    latencies.sort();
    let (p50, p99) = (percentile(&latencies, 0.50), percentile(&latencies, 0.99));
    println!(
        "dashboard latency over {} requests: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        latencies.last().unwrap().as_secs_f64() * 1e3
    );
    // The task page, as eight people open tasks at once (the HTML page with its header
    // count, charts, reports and history).
    let task_ids: Arc<Vec<i64>> = Arc::new(slots.iter().step_by(MONTHS).map(|s| s.0).collect());
    let mut readers = Vec::new();
    for reader in 0..TASK_PAGE_CLIENTS {
        let (http, base, token, task_ids) = (
            http.clone(),
            base.clone(),
            tokens[1].clone(),
            task_ids.clone(),
        );
        readers.push(tokio::spawn(async move {
            let mut times = Vec::new();
            for i in 0..TASK_PAGES_EACH {
                let task = task_ids[(reader * 31 + i * 7) % task_ids.len()];
                let start = Instant::now();
                let response = http
                    .get(format!("{base}/tasks/{task}"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), reqwest::StatusCode::OK);
                response.bytes().await.unwrap();
                times.push(start.elapsed());
            }
            times
        }));
    }
    let mut page_latencies = Vec::new();
    for reader in readers {
        page_latencies.extend(reader.await.unwrap());
    }
    page_latencies.sort();
    let page_p99 = percentile(&page_latencies, 0.99);
    println!(
        "task page latency over {} requests ({TASK_PAGE_CLIENTS} clients): p50 {:.1} ms, p99 {:.1} ms",
        page_latencies.len(),
        percentile(&page_latencies, 0.50).as_secs_f64() * 1e3,
        page_p99.as_secs_f64() * 1e3,
    );
    let met =
        rate >= 1000.0 && p99 < Duration::from_millis(50) && page_p99 < Duration::from_millis(50);
    println!(
        "goals (>= 1000 submissions/s, dashboard and task page p99 < 50 ms): {}",
        if met { "met" } else { "missed" }
    );
    if enforce && !met {
        std::process::exit(1);
    }
}
