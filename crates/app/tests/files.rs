//! Every generated file opens in a real office suite: LibreOffice converts it to PDF and the
//! text that comes out is checked (task headings, numbers, dates, Chinese intact). Runs when
//! `soffice` and `pdftotext` are installed (CI installs them); says so when skipped.
//! Also: a decomposition table exported and imported again gives the same plan.

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use luoshi_app::files::gather;
use luoshi_domain::import::draft_from;
use luoshi_domain::report::{ProgressStatus, ReportAction};
use luoshi_domain::role::Role;
use luoshi_office::{Book, docx, import, xlsx};
use luoshi_store::*;

const PLAN: &str = "某县教育局2026年工作要点\n\
    一、推进学前教育普及普惠\n\
    1.扩大普惠性资源。新改扩建幼儿园20所，学前三年毛入园率达到92%以上。6月底前完成。（牵头单位：基础教育科；配合单位：计划财务科）\n\
    2.提升保教质量。开展幼儿园保教质量评估。（责任单位：基础教育科）\n\
    二、加强教师队伍建设\n\
    3.补充教师。招聘新教师120名。（牵头单位：人事科）\n";

async fn book() -> (Book, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&sqlite_url_in(dir.path())).await.unwrap();
    let cli = Audit::cli();
    let org = store
        .create_organization(&cli, "某县教育局")
        .await
        .unwrap()
        .id;
    for name in ["基础教育科", "计划财务科", "人事科"] {
        let unit = NewUnit {
            name: name.into(),
            kind: luoshi_store::UnitKind::Department,
            parent_id: None,
            abbreviations: vec![],
        };
        store.create_unit(&cli, org, &unit).await.unwrap();
    }
    let reporter = store
        .create_user(
            &cli,
            org,
            &NewUser {
                username: "r".into(),
                display_name: "r".into(),
                role: Role::Reporter,
                password_hash: "x".into(),
                must_change_password: false,
                units: vec![1],
            },
        )
        .await
        .unwrap();
    let supervisor = store
        .create_user(
            &cli,
            org,
            &NewUser {
                username: "s".into(),
                display_name: "s".into(),
                role: Role::Supervisor,
                password_hash: "x".into(),
                must_change_password: false,
                units: vec![],
            },
        )
        .await
        .unwrap();
    let parsed = luoshi_plandoc::parse_text("plan.txt", PLAN);
    let draft = draft_from(&parsed, 2026).unwrap();
    let source = ImportSource {
        file_name: "plan.txt".into(),
        stored_file: None,
        text: parsed.text.clone(),
    };
    let plan = store.import_plan(&cli, org, &draft, &source).await.unwrap();
    let plan = store
        .publish_plan(
            &cli,
            org,
            plan.id,
            NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
        )
        .await
        .unwrap();
    let tasks = store.plan_tasks(plan.id).await.unwrap();
    let as_reporter = Audit::user(reporter.id, org, "r", "local");
    let as_supervisor = Audit::user(supervisor.id, org, "s", "local");
    let input = ReportInput {
        status: Some(ProgressStatus::InProgress),
        narrative: Some("已开工建设幼儿园8所".into()),
        actuals: Some(vec![ActualInput {
            target_id: tasks[0].targets[0].id,
            value: 8.0,
            note: String::new(),
        }]),
    };
    let report = store
        .create_report(&as_reporter, tasks[0].id, "2026-05", Some(1), &input, true)
        .await
        .unwrap();
    store
        .transition_report(&as_supervisor, report.id, ReportAction::Accept, None, false)
        .await
        .unwrap();
    store
        .issue_notice(
            &as_supervisor,
            tasks[2].id,
            &NewNotice {
                unit_id: 3,
                reason: "五月进展未报送".into(),
                response_due: "2026-06-10".parse().unwrap(),
            },
        )
        .await
        .unwrap();
    let book = gather(
        &store,
        org,
        plan.id,
        NaiveDate::from_ymd_opt(2026, 6, 2).unwrap(),
    )
    .await
    .unwrap();
    (book, dir)
}

fn installed(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok()
}

/// Converts every file to PDF with one LibreOffice run and returns each PDF's text.
fn pdf_texts(dir: &Path, files: &[(&str, Vec<u8>)]) -> Vec<String> {
    let mut paths = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        paths.push(path);
    }
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("lo-profile").display()
    );
    let out = Command::new("soffice")
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir.join("pdf"))
        .args(&paths)
        .output()
        .expect("soffice runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    paths
        .iter()
        .map(|path| {
            let pdf = dir
                .join("pdf")
                .join(path.with_extension("pdf").file_name().unwrap());
            assert!(
                pdf.is_file(),
                "LibreOffice made no PDF of {}",
                path.display()
            );
            let text = Command::new("pdftotext")
                .args(["-layout"])
                .arg(&pdf)
                .arg("-")
                .output()
                .unwrap();
            String::from_utf8(text.stdout).unwrap()
        })
        .collect()
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[tokio::test]
async fn every_file_opens_in_libreoffice_and_reads_as_chinese() {
    if !installed("soffice") || !installed("pdftotext") {
        eprintln!("LibreOffice or pdftotext not installed: office conversion test skipped");
        return;
    }
    let (book, dir) = book().await;
    let notice_id = book.notices[0].id;
    let files = vec![
        ("decomposition.xlsx", xlsx::decomposition(&book).unwrap()),
        ("ledger.xlsx", xlsx::ledger(&book).unwrap()),
        ("units.xlsx", xlsx::units(&book).unwrap()),
        (
            "bulletin.docx",
            docx::bulletin(&book, Some("2026-05")).unwrap(),
        ),
        ("notice.docx", docx::notice(&book, notice_id).unwrap()),
        ("summary.docx", docx::summary(&book).unwrap()),
    ];
    let texts: Vec<String> = pdf_texts(dir.path(), &files)
        .iter()
        .map(|t| squeeze(t))
        .collect();
    let expect = |index: usize, needles: &[&str]| {
        for needle in needles {
            assert!(
                texts[index].contains(needle),
                "{} lacks {needle:?}:\n{}",
                files[index].0,
                texts[index]
            );
        }
    };
    expect(
        0,
        &[
            "责任分解表",
            "扩大普惠性资源",
            "基础教育科",
            "计划财务科",
            "新改扩建幼儿园",
            "20",
            "招聘新教师",
            "120",
            "第1页",
        ],
    );
    expect(
        1,
        &[
            "进展台账",
            "2026年5月",
            "已开工建设幼儿园8所",
            "已采纳",
            "新改扩建幼儿园：8所",
        ],
    );
    expect(2, &["报送情况统计", "基础教育科", "人事科", "2026年6月2日"]);
    expect(
        3,
        &[
            "落实情况的通报",
            "2026年5月",
            "一、总体情况",
            "二、分项进展",
            "1.扩大普惠性资源",
            "已开工建设幼儿园8所",
            "四、存在问题",
            "某县教育局",
            "2026年6月2日",
            "—1—",
        ],
    );
    expect(
        4,
        &[
            "督办单",
            "补充教师",
            "人事科",
            "五月进展未报送",
            "2026-06-10",
        ],
    );
    expect(
        5,
        &[
            "2026年工作总结",
            "草稿",
            "新改扩建幼儿园目标20所，实际完成8所，完成率40%",
            "未完成事项",
        ],
    );
}

#[tokio::test]
async fn a_decomposition_table_round_trips_into_the_same_plan() {
    let (book, _dir) = book().await;
    let bytes = xlsx::decomposition(&book).unwrap();
    let table = import::decomposition("分解表.xlsx", &bytes).unwrap();
    assert!(table.row_errors.is_empty(), "{:?}", table.row_errors);
    let plan = table.plan;
    assert_eq!(plan.title, book.plan.title);
    assert_eq!(plan.year, 2026);
    assert_eq!(
        plan.sections
            .iter()
            .map(|s| s.title.clone())
            .collect::<Vec<_>>(),
        book.sections
            .iter()
            .map(|s| s.title.clone())
            .collect::<Vec<_>>()
    );
    assert_eq!(plan.tasks.len(), book.tasks.len());
    for (read, original) in plan.tasks.iter().zip(&book.tasks) {
        let original = &original.task;
        assert_eq!(read.heading, original.heading);
        assert_eq!(read.number as i64, original.number);
        let names = |a: &[Assignment]| {
            a.iter()
                .map(|a| a.unit_name.clone().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(read.lead_units, names(&original.lead_units));
        assert_eq!(read.co_units, names(&original.co_units));
        let targets: Vec<(
            String,
            String,
            luoshi_plandoc::model::Comparator,
            Option<f64>,
        )> = original
            .targets
            .iter()
            .map(|t| {
                (
                    t.indicator.clone(),
                    t.unit.clone(),
                    t.comparator,
                    t.annual_value,
                )
            })
            .collect();
        let read_targets: Vec<(
            String,
            String,
            luoshi_plandoc::model::Comparator,
            Option<f64>,
        )> = read
            .targets
            .iter()
            .map(|t| {
                (
                    t.indicator.clone(),
                    t.unit.clone(),
                    t.comparator,
                    t.annual_value,
                )
            })
            .collect();
        assert_eq!(read_targets, targets);
        assert_eq!(read.deadline, original.deadline);
    }
}
