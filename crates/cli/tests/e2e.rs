//! End-to-end journeys in a real browser: Debian's chromium driven through chromedriver
//! (headless, on localhost only) against `luoshi demo`. Screenshots at phone (390 px) and
//! desktop (1440 px) widths are saved under the target directory's `screenshots/`.
//! Runs when chromedriver is installed (CI installs chromium and chromium-driver).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use thirtyfour::prelude::*;

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `luoshi demo` in a fresh directory: its address and the printed passwords.
fn demo(dir: &std::path::Path) -> (Running, String, Vec<(String, String)>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .args(["demo", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut logins = Vec::new();
    let base = loop {
        let line = lines.next().expect("the demo prints its address").unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        if line.starts_with("  ") && words.len() == 3 {
            logins.push((words[0].to_string(), words[2].to_string()));
        }
        if let Some(rest) = line.strip_prefix("Luoshi is serving on ") {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    (Running(child), base, logins)
}

/// chromedriver on a free port, or None (said once) when it is not installed.
fn chromedriver() -> Option<(Running, u16)> {
    if Command::new("chromedriver")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("chromedriver not installed: browser journeys skipped");
        return None;
    }
    let port = free_port();
    let process = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    Some((Running(process), port))
}

async fn browser(port: u16) -> WebDriver {
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary("/usr/bin/chromium").unwrap();
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--lang=zh-CN",
    ] {
        caps.add_arg(arg).unwrap();
    }
    WebDriver::new(format!("http://127.0.0.1:{port}"), caps)
        .await
        .expect("chromedriver session")
}

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shoot(driver: &WebDriver, name: &str) {
    for (width, height) in [(390, 844), (1440, 900)] {
        driver.set_window_rect(0, 0, width, height).await.unwrap();
        let path = screenshots().join(format!("{name}-{width}.png"));
        driver.screenshot(&path).await.unwrap();
        assert!(
            std::fs::metadata(&path).unwrap().len() > 1000,
            "{} is a real picture",
            path.display()
        );
    }
}

async fn log_in(driver: &WebDriver, base: &str, username: &str, password: &str) {
    driver.goto(format!("{base}/")).await.unwrap();
    assert!(
        driver
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/login"),
        "signed-out visitors land on the login page"
    );
    driver
        .find(By::Css("input[name=username]"))
        .await
        .unwrap()
        .send_keys(username)
        .await
        .unwrap();
    driver
        .find(By::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    driver
        .find(By::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(driver, "/").await;
}

/// Waits (up to ten seconds) until the browser has navigated to a path ending in `suffix`.
async fn wait_for_path(driver: &WebDriver, suffix: &str) {
    for _ in 0..100 {
        if driver.current_url().await.unwrap().path().ends_with(suffix) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let url = driver.current_url().await.unwrap();
    panic!("expected to reach …{suffix}, still at {url}");
}

async fn h1(driver: &WebDriver) -> String {
    text_of(driver, "h1").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journeys_in_a_real_browser() {
    let Some((_driver_process, port)) = chromedriver() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (_server, base, logins) = demo(dir.path());
    let password = |user: &str| {
        logins
            .iter()
            .find(|(u, _)| u == user)
            .map(|(_, p)| p.clone())
            .unwrap()
    };

    // The supervisor sees the board.
    let driver = browser(port).await;
    log_in(&driver, &base, "duchashi", &password("duchashi")).await;
    assert!(h1(&driver).await.starts_with("挂图作战"));
    let sections = driver.find_all(By::Css("#by-section tr")).await.unwrap();
    assert!(sections.len() >= 3);
    let red = driver
        .find(By::Css(".card .light.red"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_ne!(red, "0", "the demo board shows red tasks");
    shoot(&driver, "board").await;
    // The demo's submitted reports wait in the supervisor's queue, counted in the header;
    // taking one from there confirms itself and leaves one fewer.
    let waiting = driver
        .find_all(By::Css("#queue .queue-item"))
        .await
        .unwrap()
        .len();
    assert!(waiting > 0, "the demo has reports waiting");
    assert_eq!(text_of(&driver, "header .badge").await, waiting.to_string());
    assert!(
        text_of(&driver, "#decisions")
            .await
            .starts_with("待采纳的报送")
    );
    shoot(&driver, "queue").await;
    click_to(&driver, "#queue button[type=submit]", "/").await;
    assert!(text_of(&driver, "#done").await.starts_with("已采纳"));
    let left = driver
        .find_all(By::Css("#queue .queue-item"))
        .await
        .unwrap()
        .len();
    assert_eq!(left, waiting - 1);
    driver.quit().await.unwrap();

    // A reporter sees the unit's tasks, reports on one, and cannot open another unit's task.
    let driver = browser(port).await;
    log_in(&driver, &base, "jijiao", &password("jijiao")).await;
    assert_eq!(h1(&driver).await, "我的任务");
    shoot(&driver, "my-tasks").await;
    let link = driver
        .find(By::Css("#tasks tr[data-task] td:nth-child(2) a"))
        .await
        .unwrap();
    let task_url = link.attr("href").await.unwrap().unwrap();
    link.click().await.unwrap();
    wait_for_path(&driver, &task_url).await;
    driver
        .find(By::Css("a[href$='/report'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(&driver, "/report").await;
    let narrative = driver
        .find(By::Css("textarea[name=narrative]"))
        .await
        .unwrap();
    narrative.clear().await.unwrap();
    let typed = "七月上旬完成场地平整，浏览器端到端测试填报";
    narrative.send_keys(typed).await.unwrap();
    shoot(&driver, "report-form").await;
    // The session lapses while the form is open: sending it leads to the login, which
    // leads back to the form, and the browser's copy puts back what was typed.
    driver.delete_cookie("luoshi_session").await.unwrap();
    click_to(&driver, "button[value=submit]", "/login").await;
    fill(&driver, "input[name=username]", "jijiao").await;
    fill(&driver, "input[name=password]", &password("jijiao")).await;
    click_to(&driver, "form button[type=submit]", "/report").await;
    let restored = driver
        .find(By::Css("textarea[name=narrative]"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        restored.as_deref(),
        Some(typed),
        "the draft survived the lapsed session"
    );
    assert!(text_of(&driver, ".draft-restored").await.contains("已恢复"));
    shoot(&driver, "report-form-restored").await;
    click_to(&driver, "button[value=submit]", &task_url).await;
    assert!(
        text_of(&driver, "#done")
            .await
            .starts_with("已提交本期进展")
    );
    let rows = driver
        .find(By::Css("#reports"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        rows.contains("2025年7月") && rows.contains("已提交"),
        "{rows}"
    );
    shoot(&driver, "task").await;
    // The targets' charts are drawn by the server and laid out by the browser.
    let charts = driver.find(By::Css("#charts")).await.unwrap();
    charts.scroll_into_view().await.unwrap();
    let svg = driver
        .find(By::Css("#charts figure svg"))
        .await
        .unwrap()
        .rect()
        .await
        .unwrap();
    assert!(svg.width > 200.0 && svg.height > 100.0, "{svg:?}");
    charts
        .screenshot(&screenshots().join("task-charts-1440.png"))
        .await
        .unwrap();
    let mine: Vec<String> = {
        let mut hrefs = Vec::new();
        driver.goto(format!("{base}/")).await.unwrap();
        for a in driver.find_all(By::Css("#tasks a")).await.unwrap() {
            hrefs.push(a.attr("href").await.unwrap().unwrap_or_default());
        }
        hrefs
    };
    let other = (1..=20)
        .map(|id| format!("/tasks/{id}"))
        .find(|href| !mine.contains(href))
        .unwrap();
    driver.goto(format!("{base}{other}")).await.unwrap();
    assert_eq!(
        h1(&driver).await,
        "页面不存在",
        "the server refuses another unit's task"
    );
    driver.goto(format!("{base}{other}/report")).await.unwrap();
    assert_eq!(h1(&driver).await, "页面不存在");
    driver.quit().await.unwrap();

    // A leader's word on the unit's task is a 批示 ...
    let driver = browser(port).await;
    log_in(&driver, &base, "juzhang", &password("juzhang")).await;
    driver.goto(format!("{base}{task_url}")).await.unwrap();
    let instruction = "请抓紧推进，月底前报送完成情况";
    fill(&driver, "#add-comment textarea[name=body]", instruction).await;
    click_to(&driver, "#add-comment button[type=submit]", &task_url).await;
    assert!(
        text_of(&driver, "#instructions + ul")
            .await
            .contains(instruction)
    );
    driver.quit().await.unwrap();
    // ... which waits on the unit's home, read on a phone and marked 已阅 there; the unit
    // then writes its whole period on one page.
    let driver = browser(port).await;
    driver.set_window_rect(0, 0, 390, 844).await.unwrap();
    log_in(&driver, &base, "jijiao", &password("jijiao")).await;
    assert!(
        text_of(&driver, "#instructions")
            .await
            .starts_with("待阅的领导批示")
    );
    assert!(
        text_of(&driver, "#queue [data-instruction]")
            .await
            .contains(instruction)
    );
    shoot(&driver, "instruction-queue").await;
    click_to(
        &driver,
        "#queue [data-instruction] button[type=submit]",
        "/",
    )
    .await;
    assert!(text_of(&driver, "#done").await.starts_with("已标记为已阅"));
    let period_page = driver
        .find(By::Css("#period-links a"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    click_to(&driver, "#period-links a", &period_page).await;
    assert!(
        h1(&driver).await.contains("集中填报"),
        "{}",
        h1(&driver).await
    );
    let lines = driver
        .find_all(By::Css("fieldset.batch-line"))
        .await
        .unwrap();
    assert!(!lines.is_empty());
    fill(
        &driver,
        "fieldset.batch-line textarea",
        "本期各项工作按计划推进（集中填报）",
    )
    .await;
    shoot(&driver, "period-page").await;
    click_to(&driver, "#batch-form button[value=draft]", &period_page).await;
    assert!(text_of(&driver, "#done").await.starts_with("已保存"));
    assert_eq!(
        driver
            .find(By::Css("fieldset.batch-line textarea"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("本期各项工作按计划推进（集中填报）"),
        "the saved draft is shown again"
    );
    driver.quit().await.unwrap();

    // The public reads the published period without logging in.
    let driver = browser(port).await;
    driver.goto(format!("{base}/public/plans/1")).await.unwrap();
    driver
        .find(By::Css("#periods a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(&driver, "/periods/2025-05").await;
    assert!(h1(&driver).await.contains("2025年5月"));
    let rows = driver.find_all(By::Css("#public-tasks tr")).await.unwrap();
    assert!(rows.len() > 5);
    shoot(&driver, "public").await;
    driver.quit().await.unwrap();
}

const PLAN_LINES: [&str; 8] = [
    "某县教育局2026年工作要点",
    "一、推进学前教育普及普惠",
    "1.扩大普惠性资源。新改扩建幼儿园20所，学前三年毛入园率达到92%以上。6月底前完成。（牵头单位：基础教育科；配合单位：计划财务科）",
    "2.提升保教质量。开展幼儿园保教质量评估。（责任单位：基教科）",
    "二、加强教师队伍建设",
    "3.补充教师。招聘新教师120名。（牵头单位：人事科）",
    "三、守牢安全底线",
    "4.校园安全。完成全部校舍安全排查。（责任单位：安全科）",
];

/// A real .docx of the plan, as a bureau's office would save it.
fn plan_docx(path: &std::path::Path) {
    let mut docx = docx_rs::Docx::new();
    for line in PLAN_LINES {
        docx = docx
            .add_paragraph(docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text(line)));
    }
    let file = std::fs::File::create(path).unwrap();
    docx.build().pack(file).unwrap();
}

fn luoshi(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "luoshi {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn fill(driver: &WebDriver, selector: &str, text: &str) {
    let field = driver.find(By::Css(selector)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(driver: &WebDriver, selector: &str) {
    let element = driver.find(By::Css(selector)).await.unwrap();
    element.click().await.unwrap();
}

/// Clicks something that loads a page, and waits until the new page (whose path ends in
/// `suffix`) has replaced the old one, even when both have the same address.
async fn click_to(driver: &WebDriver, selector: &str, suffix: &str) {
    let old = driver.find(By::Css("html")).await.unwrap();
    click(driver, selector).await;
    for _ in 0..100 {
        if old.tag_name().await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_for_path(driver, suffix).await;
}

/// Sends a review form that posts in place: waits for its confirmation and checks that the
/// page was never loaded again (a marker set on the old page must still be there).
async fn submit_in_place(driver: &WebDriver, selector: &str) {
    driver
        .execute(
            "window.luoshiStayed = true; document.querySelectorAll('#review-messages .ok').forEach(e => e.remove());",
            vec![],
        )
        .await
        .unwrap();
    click(driver, selector).await;
    for _ in 0..100 {
        if !driver
            .find_all(By::Css(
                "#review-messages .ok, #review-messages [role=alert]",
            ))
            .await
            .unwrap()
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let refused = driver
        .find_all(By::Css("#review-messages [role=alert]"))
        .await
        .unwrap();
    assert!(refused.is_empty(), "{selector} was refused");
    let stayed = driver
        .execute("return window.luoshiStayed === true;", vec![])
        .await
        .unwrap();
    assert_eq!(
        stayed.json(),
        &serde_json::json!(true),
        "{selector} reloaded the page"
    );
}

/// Forty tasks in four sections, and not one responsible unit named.
fn plan_without_units() -> String {
    let mut text = String::from("某县教育局2026年补充工作要点\n");
    for (s, title) in [
        "一、学前教育",
        "二、教师队伍",
        "三、经费保障",
        "四、校园安全",
    ]
    .iter()
    .enumerate()
    {
        text.push_str(title);
        text.push('\n');
        for n in 1..=10 {
            let number = s * 10 + n;
            text.push_str(&format!(
                "{number}.第{number}项重点工作。按计划完成第{number}项任务。\n"
            ));
        }
    }
    text
}

/// Uploads a plan file on the upload page and waits for its review.
async fn upload_plan(driver: &WebDriver, base: &str, file: &std::path::Path) {
    driver.goto(format!("{base}/plans/new")).await.unwrap();
    driver
        .find(By::Css("input[name=file]"))
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    click_to(driver, "form.stack button[type=submit]", "/review").await;
}

async fn text_of(driver: &WebDriver, selector: &str) -> String {
    driver
        .find(By::Css(selector))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// From an empty database to a published monthly progress page, in the browser: the first
/// admin, a .docx uploaded and reviewed, a report submitted with evidence, returned,
/// resubmitted and accepted, the period published and read without logging in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_upload_to_the_public_progress_page() {
    let Some((_driver_process, port)) = chromedriver() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .env("LUOSHI_TODAY", "2026-06-28")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the server prints its address")
            .unwrap();
        if let Some(rest) = line.strip_prefix("Luoshi is serving on ") {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    let _server = Running(server);
    let password = "Journey-Pass-2026";

    // The first admin, from the first-run page.
    let driver = browser(port).await;
    driver.goto(format!("{base}/login")).await.unwrap();
    click_to(&driver, "#first-run", "/setup").await;
    fill(&driver, "input[name=organization]", "某县教育局").await;
    fill(&driver, "input[name=username]", "admin").await;
    fill(&driver, "input[name=display_name]", "系统管理员").await;
    fill(&driver, "input[name=password]", password).await;
    click_to(&driver, "form button[type=submit]", "/login").await;

    // Units and people from the command line (the administration page has HTML-level tests).
    luoshi(
        &data,
        &["unit", "add", "基础教育科", "--abbr", "基教科"],
        None,
    );
    luoshi(&data, &["unit", "add", "计划财务科"], None);
    luoshi(&data, &["unit", "add", "人事科"], None);
    luoshi(
        &data,
        &[
            "user",
            "add",
            "jijiao",
            "--role",
            "reporter",
            "--unit",
            "1",
            "--password-stdin",
        ],
        Some(password),
    );
    luoshi(
        &data,
        &[
            "user",
            "add",
            "duchashi",
            "--role",
            "supervisor",
            "--password-stdin",
        ],
        Some(password),
    );

    // The admin uploads the .docx, corrects a target, maps 安全科 to a new unit, publishes.
    log_in(&driver, &base, "admin", password).await;
    let docx = dir.path().join("2026年工作要点.docx");
    plan_docx(&docx);
    upload_plan(&driver, &base, &docx).await;
    assert_eq!(
        driver
            .find_all(By::Css("#source mark[id^=src-t]"))
            .await
            .unwrap()
            .len(),
        4
    );
    shoot(&driver, "review").await;
    fill(&driver, "form.target-edit input[name=annual_value]", "24").await;
    submit_in_place(&driver, "form.target-edit button").await;
    submit_in_place(&driver, "form.unit-mapping button").await;
    click_to(&driver, "#publish", "/").await;
    assert!(h1(&driver).await.starts_with("挂图作战"));

    driver.quit().await.unwrap();

    // The reporter sees the task due, reports with evidence.
    let reporter = browser(port).await;
    log_in(&reporter, &base, "jijiao", password).await;
    let overdue = text_of(&reporter, "#tasks").await;
    assert!(overdue.contains("逾期"), "June's report is due: {overdue}");
    click_to(&reporter, "#tasks tr[data-task] td:nth-child(2) a", "").await;
    let task = reporter.current_url().await.unwrap().path().to_string();
    click_to(&reporter, "a[href$='/report'] button", "/report").await;
    fill(&reporter, "textarea[name=narrative]", "已开工建设幼儿园6所").await;
    fill(&reporter, "input[name^=actual_]", "6").await;
    let evidence = dir.path().join("开工照片.pdf");
    std::fs::write(&evidence, b"%PDF-1.4\n% photographs of the sites\n").unwrap();
    reporter
        .find(By::Css("input[name=file]"))
        .await
        .unwrap()
        .send_keys(evidence.to_str().unwrap())
        .await
        .unwrap();
    click_to(&reporter, "button[value=submit]", &task).await;
    assert!(text_of(&reporter, "#reports").await.contains("已提交"));

    // The supervisor returns it with a reason.
    let supervisor = browser(port).await;
    log_in(&supervisor, &base, "duchashi", password).await;
    supervisor.goto(format!("{base}{task}")).await.unwrap();
    fill(
        &supervisor,
        "form.review input[name=reason]",
        "请补充开工明细",
    )
    .await;
    click_to(&supervisor, "form.review button[value=return]", &task).await;
    assert!(text_of(&supervisor, "#reports").await.contains("已退回"));
    let before = text_of(&supervisor, "#light-reasons").await;

    // The reporter sees the reason and resubmits; the supervisor accepts.
    reporter.goto(format!("{base}{task}/report")).await.unwrap();
    assert!(
        text_of(&reporter, "#return-reason")
            .await
            .contains("请补充开工明细")
    );
    assert!(
        text_of(&reporter, "#attachments")
            .await
            .contains("开工照片.pdf")
    );
    fill(
        &reporter,
        "textarea[name=narrative]",
        "已开工建设幼儿园6所，明细见附件",
    )
    .await;
    click_to(&reporter, "button[value=submit]", &task).await;
    supervisor.goto(format!("{base}{task}")).await.unwrap();
    click_to(&supervisor, "form.review button[value=accept]", &task).await;
    let reports = text_of(&supervisor, "#reports").await;
    assert!(reports.contains("已采纳"), "{reports}");
    let after = text_of(&supervisor, "#light-reasons").await;
    assert!(
        before.contains("逾期") && !after.contains("逾期"),
        "the light changed: {before} → {after}"
    );
    assert!(
        after.contains("低于序时进度"),
        "6 of 24 is behind June's 12: {after}"
    );

    // The board publishes June; the public reads it without logging in.
    supervisor.goto(format!("{base}/")).await.unwrap();
    shoot(&supervisor, "board-after").await;
    click_to(
        &supervisor,
        "form[action$='/publish-period'] button",
        "/periods/2026-06",
    )
    .await;
    let public = browser(port).await;
    public
        .goto(format!("{base}/public/plans/1/periods/2026-06"))
        .await
        .unwrap();
    let page = text_of(&public, "#public-tasks").await;
    assert!(page.contains("已开工建设幼儿园6所，明细见附件"), "{page}");
    for driver in [reporter, supervisor, public] {
        driver.quit().await.unwrap();
    }

    let driver = browser(port).await;
    log_in(&driver, &base, "admin", password).await;
    // A 40-task plan whose text names no units is mapped a section at a time, three choices
    // each, without a page load.
    let bare = dir.path().join("2026年补充要点.txt");
    std::fs::write(&bare, plan_without_units()).unwrap();
    upload_plan(&driver, &base, &bare).await;
    assert!(text_of(&driver, "#without-lead").await.contains("40 项"));
    for (section, unit) in [
        (0, "基础教育科"),
        (1, "人事科"),
        (2, "计划财务科"),
        (3, "基础教育科"),
    ] {
        let scope = driver
            .find_all(By::Css(
                "#bulk-assign select[name=scope] option[value^='section:']",
            ))
            .await
            .unwrap();
        scope[section].click().await.unwrap();
        let lead = driver
            .find(By::XPath(format!(
                "//form[@id='bulk-assign']//select[@name='lead']/option[text()='{unit}']"
            )))
            .await
            .unwrap();
        lead.click().await.unwrap();
        submit_in_place(&driver, "#bulk-assign button[type=submit]").await;
    }
    assert!(
        driver
            .find_all(By::Css("#without-lead"))
            .await
            .unwrap()
            .is_empty()
    );
    shoot(&driver, "review-mapped").await;
    click_to(&driver, "#publish", "/").await;
    assert!(h1(&driver).await.starts_with("挂图作战"));
    driver.quit().await.unwrap();
}
