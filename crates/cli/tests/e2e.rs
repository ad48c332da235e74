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
    driver
        .find(By::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journeys_in_a_real_browser() {
    if Command::new("chromedriver")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("chromedriver not installed: browser journeys skipped");
        return;
    }
    let port = free_port();
    let _driver_process = Running(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    std::thread::sleep(Duration::from_millis(500));
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
    narrative
        .send_keys("七月上旬完成场地平整，浏览器端到端测试填报")
        .await
        .unwrap();
    shoot(&driver, "report-form").await;
    driver
        .find(By::Css("button[value=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(&driver, &task_url).await;
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
