//! The `luoshi` binary as a user runs it: exit codes, messages, and the corpus quality bars.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn luoshi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .args(args)
        .output()
        .expect("luoshi runs")
}

/// Runs the binary with `--data-dir data` added.
fn in_data_dir(data: &str) -> impl Fn(&[&str]) -> Output + '_ {
    move |args| {
        let mut all = args.to_vec();
        all.extend(["--data-dir", data]);
        luoshi(&all)
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn corpus() -> PathBuf {
    let corpus = repo().join("../shared/corpus");
    assert!(
        corpus.join("SPEC.md").is_file(),
        "the shared corpus must sit beside the checkout at {}",
        corpus.display()
    );
    corpus
}

fn fixture(name: &str) -> String {
    repo()
        .join("crates/plandoc/tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn parse_prints_json_in_the_gold_schema() {
    let out = luoshi(&["parse", &fixture("summary_then_plan.txt")]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let documents = json["documents"].as_array().expect("documents");
    assert_eq!(documents[0]["kind"], "summary");
    assert_eq!(documents[1]["kind"], "plan");
    assert_eq!(documents[1]["year"], 2025);
    let task = &documents[1]["tasks"][2];
    assert_eq!(task["title"], "实施学位扩容工程");
    assert_eq!(
        task["units"],
        serde_json::json!(["发展规划科", "基础教育科"])
    );
    assert_eq!(task["targets"][1]["value"], 12000);
    assert_eq!(task["targets"][1]["unit"], "个");
    assert_eq!(task["targets"][1]["cmp"], "eq");
}

#[test]
fn parse_text_is_an_outline_for_people() {
    let out = luoshi(&[
        "parse",
        "--format",
        "text",
        &fixture("county_plan_paren_tasks.txt"),
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("二、推动义务教育优质均衡"));
    assert!(text.contains("  1. 改善办学条件"));
    assert!(text.contains("责任单位: 计划财务股（基建办）、安全股"));
}

#[test]
fn bad_input_exits_2_with_one_line_naming_the_file() {
    let dir = std::env::temp_dir().join(format!("luoshi-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let doc = dir.join("旧计划.doc");
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(1024, 0);
    std::fs::write(&doc, ole).unwrap();
    for path in [
        doc.display().to_string(),
        dir.join("missing.txt").display().to_string(),
    ] {
        let out = luoshi(&["parse", &path]);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(&path), "{stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The bars of the plan-reader issue, on the seeds and on every other format of them.
#[test]
fn eval_meets_the_bars_on_the_shared_corpus() {
    let corpus = corpus();
    let bars = "tasks=0.99,units=0.98,targets=0.90,results=0.80,titles=1,years=1";
    for (docs, gold) in [("seeds", "gold"), ("formats", "formats/gold")] {
        let out = luoshi(&[
            "eval",
            "--docs",
            &corpus.join(docs).display().to_string(),
            "--gold",
            &corpus.join(gold).display().to_string(),
            "--min-f1",
            bars,
        ]);
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{docs}:\n{report}");
        assert!(report.contains("all bars met"), "{report}");
    }
}

#[test]
fn eval_exits_1_when_a_bar_is_missed() {
    let corpus = corpus();
    let out = luoshi(&[
        "eval",
        "--docs",
        &corpus.join("seeds").display().to_string(),
        "--gold",
        &corpus.join("gold").display().to_string(),
        "--min-f1",
        "targets=1.01",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("BAR MISSED: targets"));
}

#[test]
fn backup_and_restore_round_trip_a_sqlite_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let run = in_data_dir(data);
    assert!(
        run(&["unit", "add", "基础教育科", "--organization", "某县教育局"])
            .status
            .success()
    );
    let copy = dir.path().join("copy.db");
    assert!(
        run(&["backup", "--to", copy.to_str().unwrap()])
            .status
            .success()
    );
    let again = run(&["backup", "--to", copy.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2), "never overwrites a backup");
    assert!(run(&["unit", "add", "安全管理科"]).status.success());
    let restored = run(&["restore", copy.to_str().unwrap()]);
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let units = String::from_utf8(run(&["unit", "list"]).stdout).unwrap();
    assert!(
        units.contains("基础教育科") && !units.contains("安全管理科"),
        "{units}"
    );
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "not a database").unwrap();
    let refused = run(&["restore", junk.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("junk.db"));
}

#[test]
fn user_commands_refuse_bad_input_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let out = luoshi(&[
        "user",
        "add",
        "x",
        "--role",
        "boss",
        "--organization",
        "某县",
        "--data-dir",
        data,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("boss"));
    let out = luoshi(&[
        "user",
        "add",
        "x",
        "--role",
        "reporter",
        "--organization",
        "某县",
        "--data-dir",
        data,
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--unit"));
    let out = luoshi(&[
        "import",
        &fixture("county_plan_paren_tasks.txt"),
        "--data-dir",
        data,
    ]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no organization"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn export_writes_office_files_and_a_table_imports_back_into_one_draft() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--data-dir", data]);
        let out = luoshi(&all);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(
        run(&[
            "unit",
            "add",
            "基础教育股",
            "--organization",
            "青禾县教育局"
        ])
        .0,
        Some(0)
    );
    let (code, out, err) = run(&["import", &fixture("county_plan_paren_tasks.txt")]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("plan 1:"), "{out}");
    let table = dir.path().join("分解表.xlsx");
    let (code, out, err) = run(&["export", "decomposition", "--out", table.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("责任分解表"));
    assert!(std::fs::read(&table).unwrap().starts_with(b"PK"));
    let bulletin = dir.path().join("通报.docx");
    let (code, _, err) = run(&[
        "export",
        "bulletin",
        "--format",
        "docx",
        "--out",
        bulletin.to_str().unwrap(),
        "--plan",
        "1",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let (code, _, err) = run(&[
        "export",
        "decomposition",
        "--format",
        "docx",
        "--out",
        "x.docx",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--format xlsx"), "{err}");
    let (code, out, err) = run(&["import", table.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.starts_with("plan 1:") && out.contains("updated from the table"),
        "{out}"
    );
    let (_, out, _) = run(&["import", table.to_str().unwrap()]);
    assert!(out.starts_with("plan 1:"), "still one draft: {out}");
    // A plan that writes units once per section: the summary says how many readings to
    // check and lists the least certain first.
    let (code, out, err) = run(&[
        "import",
        &fixture("genre/a_10_luwan_section_units_2025.txt"),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("items need a look before publishing"), "{out}");
    let first_check = out.lines().find(|l| l.starts_with("  check: ")).unwrap();
    assert!(first_check.contains("责任单位"), "{out}");
}

/// Starts `luoshi serve` on a free port for `data`; returns the child once it answers.
fn serving(data: &str) -> std::process::Child {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir", data])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("luoshi serve starts");
    let stdout = child.stdout.take().unwrap();
    let serving = std::io::BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .any(|line| line.starts_with("Luoshi is serving on"));
    assert!(serving, "the server announces its address");
    child
}

#[test]
fn restore_never_loses_data_nor_runs_under_a_server_nor_takes_a_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let data_path = dir.path().join("data");
    let data = data_path.to_str().unwrap();
    let run = in_data_dir(data);
    assert!(
        run(&["unit", "add", "基础教育科", "--organization", "某县教育局"])
            .status
            .success()
    );
    let backup = dir.path().join("backup.db");
    assert!(
        run(&["backup", "--to", backup.to_str().unwrap()])
            .status
            .success()
    );

    // A live server holds the directory: restore refuses and changes nothing.
    let mut server = serving(data);
    let refused = run(&["restore", backup.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("server is using"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    // A change committed while the server runs stays in its write-ahead log when the
    // server dies; restore must move it into the kept database, not delete it.
    assert!(run(&["unit", "add", "安全管理科"]).status.success());
    server.kill().unwrap();
    server.wait().unwrap();
    let restored = run(&["restore", backup.to_str().unwrap()]);
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let kept = std::fs::read_dir(&data_path)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            name.starts_with("luoshi.db.before-restore-")
                && !name.ends_with("-wal")
                && !name.ends_with("-shm")
        })
        .expect("the previous database is kept");
    let alone = dir.path().join("alone");
    std::fs::create_dir_all(&alone).unwrap();
    std::fs::copy(&kept, alone.join("luoshi.db")).unwrap();
    let units = luoshi(&["unit", "list", "--data-dir", alone.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&units.stdout).contains("安全管理科"),
        "the kept file alone holds the change made before the restore"
    );

    // A damaged backup and a foreign SQLite file are refused; the database stays as it is.
    let mut damaged = std::fs::read(&backup).unwrap();
    for byte in &mut damaged[4096..8192] {
        *byte = 0x5a;
    }
    let damaged_path = dir.path().join("damaged.db");
    std::fs::write(&damaged_path, &damaged).unwrap();
    let out = run(&["restore", damaged_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("damaged.db"));
    let foreign = dir.path().join("foreign.db");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        sqlx::any::install_default_drivers();
        let url = format!("sqlite://{}?mode=rwc", foreign.display());
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        sqlx::query("CREATE TABLE notes (body TEXT)")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    let out = run(&["restore", foreign.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a Luoshi database"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let units = String::from_utf8(run(&["unit", "list"]).stdout).unwrap();
    assert!(units.contains("基础教育科"), "{units}");
}
