//! The period sheet a unit fills offline: what it writes is read back by key, and what a
//! person may type wrongly in Excel is told by its row.

use luoshi_domain::report::ProgressStatus;
use luoshi_office::period_sheet::{self, SheetActual, SheetLine, SheetTarget};

fn line(task_id: i64, number: &str, targets: Vec<SheetTarget>) -> SheetLine {
    SheetLine {
        task_id,
        number: number.into(),
        title: format!("任务{number}"),
        period: "2026-06".into(),
        state: "草稿",
        editable: true,
        status: Some(ProgressStatus::Lagging),
        narrative: format!("第{number}项进展\n第二段"),
        targets,
    }
}

fn target(target_id: i64, actual: Option<f64>) -> SheetTarget {
    SheetTarget {
        target_id,
        indicator: "新改扩建幼儿园".into(),
        planned: "20".into(),
        unit: "所".into(),
        previous: Some(3.0),
        actual,
        running_total: true,
    }
}

#[test]
fn what_the_sheet_writes_is_read_back_by_key() {
    let lines = [
        line(11, "1-1", vec![target(101, Some(7.5)), target(102, None)]),
        line(12, "2-1", vec![]),
    ];
    let bytes = period_sheet::write("2026年6月基础教育科进展填报表", &lines).unwrap();
    let read = period_sheet::read("填报表.xlsx", &bytes).unwrap();
    assert!(read.row_errors.is_empty(), "{:?}", read.row_errors);
    assert_eq!(read.entries.len(), 2);
    let first = &read.entries[0];
    assert_eq!(
        (first.task_id, first.period.as_str(), first.row),
        (11, "2026-06", 3)
    );
    assert_eq!(first.status, Some(ProgressStatus::Lagging));
    assert_eq!(first.narrative.as_deref(), Some("第1-1项进展\n第二段"));
    assert_eq!(
        first.actuals,
        vec![SheetActual {
            row: 4,
            target_id: 101,
            value: 7.5
        }],
        "a blank figure is no figure"
    );
    assert_eq!(first.row_of(101), 4);
    assert_eq!(read.entries[1].row, 6);
}

/// A sheet as a person may leave it: a figure typed as words, a status of their own, a key
/// column cleared.
fn mistyped() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let header = [
        "任务编号",
        "期次",
        "指标编号",
        "序号",
        "任务 / 指标",
        "目标值",
        "上期实际",
        "当前状态",
        "进展状态",
        "本期进展情况",
        "本期实际值",
    ];
    sheet.write_string(0, 0, "填报表").unwrap();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    let rows: [&[(u16, &str)]; 4] = [
        &[(0, "11"), (1, "2026-06"), (8, "差不多"), (9, "推进中")],
        &[(0, "11"), (1, "2026-06"), (2, "101"), (10, "约84")],
        &[(1, "2026-06"), (9, "没有编号的行")],
        &[(0, "12"), (1, "2026-06"), (8, "已完成"), (9, "完成")],
    ];
    for (r, cells) in rows.iter().enumerate() {
        for (c, value) in *cells {
            sheet.write_string(r as u32 + 2, *c, *value).unwrap();
        }
    }
    workbook.save_to_buffer().unwrap()
}

#[test]
fn mistakes_are_told_by_their_row() {
    let read = period_sheet::read("填报表.xlsx", &mistyped()).unwrap();
    let errors = &read.row_errors;
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors[0].starts_with("第 3 行") && errors[0].contains("“差不多”"));
    assert!(errors[1].starts_with("第 4 行") && errors[1].contains("“约84”不是数字"));
    assert!(errors[2].starts_with("第 5 行") && errors[2].contains("任务编号"));
    assert_eq!(read.entries[1].status, Some(ProgressStatus::Done));
}

#[test]
fn a_workbook_that_is_not_the_sheet_is_refused_by_name() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook
        .add_worksheet()
        .write_string(0, 0, "任务名称")
        .unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let error = period_sheet::read("别的表.xlsx", &bytes).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("“别的表.xlsx”不是本系统下载的填报表")
    );
    let error = period_sheet::read("坏.xlsx", b"PK\x03\x04 broken").unwrap_err();
    assert!(error.to_string().contains("坏.xlsx"));
}
