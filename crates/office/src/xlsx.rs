//! Excel workbooks as bureaus print them: a merged title row, a frozen bold header, wrapped
//! text, column widths set for Chinese (autofit measures Latin text and comes out too
//! narrow), A4 landscape with the header repeated on every page and 第 N 页 共 M 页 below.

use luoshi_domain::light::trim_number;
use luoshi_plandoc::model::Comparator;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::{Book, Result};

/// Column headings of the 责任分解表; [`crate::import`] reads the same words back.
pub const DECOMPOSITION_COLUMNS: [&str; 11] = [
    "部分",
    "序号",
    "任务名称",
    "主要措施",
    "牵头单位",
    "配合单位",
    "目标指标",
    "目标值",
    "计量单位",
    "比较",
    "完成时限",
];

const FONT: &str = "仿宋_GB2312";

pub(crate) struct Formats {
    pub title: Format,
    pub header: Format,
    pub cell: Format,
    pub center: Format,
}

pub(crate) fn formats() -> Formats {
    let base = Format::new()
        .set_font_name(FONT)
        .set_font_size(11)
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    Formats {
        title: Format::new()
            .set_font_name("方正小标宋简体")
            .set_font_size(18)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        header: base
            .clone()
            .set_font_name("黑体")
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_background_color("D9E1F2"),
        center: base.clone().set_align(FormatAlign::Center),
        cell: base,
    }
}

/// Title, header, widths, freeze, print setup; returns the first data row.
pub(crate) fn prepare(
    sheet: &mut Worksheet,
    f: &Formats,
    title: &str,
    columns: &[(&str, f64)],
) -> Result<u32> {
    let last = (columns.len() - 1) as u16;
    sheet.merge_range(0, 0, 0, last, title, &f.title)?;
    sheet.set_row_height(0, 36)?;
    for (col, (name, width)) in columns.iter().enumerate() {
        sheet.write_string_with_format(1, col as u16, *name, &f.header)?;
        sheet.set_column_width(col as u16, *width)?;
    }
    sheet.set_row_height(1, 28)?;
    sheet.set_freeze_panes(2, 0)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_repeat_rows(1, 1)?;
    sheet.set_footer("&C第 &P 页 共 &N 页");
    sheet.set_print_fit_to_pages(1, 0);
    Ok(2)
}

/// Row height (points) that shows every wrapped line: Excel and LibreOffice do not grow rows
/// written by a program, and Chinese text is two width units a character.
pub(crate) fn fitted_height(cells: &[(u16, String)], widths: &[f64]) -> f64 {
    let lines = cells
        .iter()
        .map(|(col, text)| {
            let width = widths.get(*col as usize).copied().unwrap_or(10.0).max(2.0);
            text.lines()
                .map(|line| {
                    let units: f64 = line
                        .chars()
                        .map(|c| if c.is_ascii() { 1.1 } else { 2.1 })
                        .sum();
                    (units / width).ceil().max(1.0)
                })
                .sum::<f64>()
                .max(1.0)
        })
        .fold(1.0, f64::max);
    lines * 15.0 + 6.0
}

fn targets_column(
    task: &luoshi_domain::record::Task,
    pick: impl Fn(&luoshi_domain::record::Target) -> String,
) -> String {
    task.targets.iter().map(pick).collect::<Vec<_>>().join("\n")
}

/// The comparator word a table writes, read back (for import); people also type the
/// plan's own words or the signs.
pub fn comparator_of(word: &str) -> Option<Comparator> {
    Some(match word.trim() {
        "不低于" | "以上" | "≥" | ">=" => Comparator::Ge,
        "不超过" | "以内" | "以下" | "≤" | "<=" => Comparator::Le,
        "超过" | ">" => Comparator::Gt,
        "低于" | "<" => Comparator::Lt,
        "约" | "左右" => Comparator::Approx,
        "达到" | "=" | "" => Comparator::Eq,
        _ => return None,
    })
}

fn assigned(assignments: &[luoshi_domain::record::Assignment]) -> String {
    assignments
        .iter()
        .map(|a| {
            a.unit_name
                .clone()
                .unwrap_or_else(|| a.written_name.clone())
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// 责任分解表: one row per task, sections merged down the first column.
pub fn decomposition(book: &Book) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let f = formats();
    let sheet = workbook.add_worksheet().set_name("责任分解表")?;
    let widths = [14.0, 6.0, 24.0, 40.0, 14.0, 14.0, 18.0, 9.0, 8.0, 8.0, 12.0];
    let columns: Vec<(&str, f64)> = DECOMPOSITION_COLUMNS.iter().copied().zip(widths).collect();
    let title = format!("{}责任分解表", book.plan.title);
    let mut row = prepare(sheet, &f, &title, &columns)?;
    let mut section_start: Option<(u32, String)> = None;
    let close_section =
        |sheet: &mut Worksheet, start: &Option<(u32, String)>, end: u32| -> Result<()> {
            if let Some((first, title)) = start {
                if end > *first {
                    sheet.merge_range(*first, 0, end, 0, title, &f.cell)?;
                } else {
                    sheet.write_string_with_format(*first, 0, title, &f.cell)?;
                }
            }
            Ok(())
        };
    for item in &book.tasks {
        let task = &item.task;
        let section = book.section_title(task.section_id);
        if section_start.as_ref().map(|(_, t)| t) != Some(&section) {
            close_section(sheet, &section_start, row.saturating_sub(1))?;
            section_start = Some((row, section));
        }
        let measures = task.measures.clone().unwrap_or_else(|| task.body.clone());
        let cells = [
            (2, task.heading.clone()),
            (3, measures),
            (4, assigned(&task.lead_units)),
            (5, assigned(&task.co_units)),
            (6, targets_column(task, |t| t.indicator.clone())),
            (7, targets_column(task, |t| t.value_text.clone())),
            (8, targets_column(task, |t| t.unit.clone())),
            (9, targets_column(task, |t| t.comparator.zh().to_string())),
            (10, task.deadline_shown()),
        ];
        sheet.write_number_with_format(row, 1, task.number as f64, &f.center)?;
        sheet.set_row_height(row, fitted_height(&cells, &widths))?;
        for (col, text) in cells {
            sheet.write_string_with_format(row, col, text, &f.cell)?;
        }
        row += 1;
    }
    close_section(sheet, &section_start, row.saturating_sub(1))?;
    Ok(workbook.save_to_buffer()?)
}

/// 进展台账: one row per task and period reported, newest period first.
pub fn ledger(book: &Book) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let f = formats();
    let sheet = workbook.add_worksheet().set_name("进展台账")?;
    let columns = [
        ("部分", 14.0),
        ("序号", 6.0),
        ("任务名称", 24.0),
        ("牵头单位", 14.0),
        ("期次", 12.0),
        ("报送状态", 10.0),
        ("进展状态", 10.0),
        ("灯色", 8.0),
        ("进展情况", 44.0),
        ("目标实际值", 22.0),
        ("提交日期", 12.0),
        ("审核日期", 12.0),
    ];
    let widths: Vec<f64> = columns.iter().map(|(_, w)| *w).collect();
    let title = format!("{}落实进展台账", book.plan.title);
    let mut row = prepare(sheet, &f, &title, &columns)?;
    let mut periods: Vec<String> = book.reports.iter().map(|r| r.period.clone()).collect();
    periods.sort();
    periods.dedup();
    periods.reverse();
    let date = |t: Option<i64>| {
        t.map(|t| luoshi_domain::period::china_time(t).date().to_string())
            .unwrap_or_default()
    };
    for period in &periods {
        let label = luoshi_domain::period::Period::parse(book.cycle, period)
            .map(|p| p.label_zh())
            .unwrap_or_else(|_| period.clone());
        for item in &book.tasks {
            let Some(report) = book.report_for(item.task.id, period) else {
                continue;
            };
            let actuals = report
                .actuals
                .iter()
                .filter_map(|a| {
                    let target = item.task.targets.iter().find(|t| t.id == a.target_id)?;
                    Some(format!(
                        "{}：{}{}",
                        target.indicator,
                        trim_number(a.value),
                        target.unit
                    ))
                })
                .collect::<Vec<_>>()
                .join("\n");
            let state = report.state.zh();
            let cells = [
                (0, book.section_title(item.task.section_id)),
                (2, item.task.heading.clone()),
                (3, assigned(&item.task.lead_units)),
                (4, label.clone()),
                (5, state.to_string()),
                (6, report.status.zh().to_string()),
                (7, item.light.color.zh().to_string()),
                (8, report.narrative.clone()),
                (9, actuals),
                (10, date(report.submitted_at)),
                (11, date(report.reviewed_at)),
            ];
            sheet.write_number_with_format(row, 1, item.task.number as f64, &f.center)?;
            sheet.set_row_height(row, fitted_height(&cells, &widths))?;
            for (col, text) in cells {
                sheet.write_string_with_format(row, col, text, &f.cell)?;
            }
            row += 1;
        }
    }
    Ok(workbook.save_to_buffer()?)
}

/// Per unit: reports due, on time, late, missing; led tasks by light.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnitStatistics {
    pub unit: String,
    pub tasks: u32,
    pub due: u32,
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
    pub red: u32,
    pub yellow: u32,
    pub green: u32,
    pub done: u32,
}

/// Counts for every unit that leads a task.
pub fn unit_statistics(book: &Book) -> Vec<UnitStatistics> {
    use luoshi_domain::light::LightColor;
    let mut rows: Vec<(i64, UnitStatistics)> = Vec::new();
    let owed: Vec<_> = book
        .owed_periods()
        .into_iter()
        .filter(|p| p.due(book.plan.due_day as u32) < book.today)
        .collect();
    for item in &book.tasks {
        for unit in item.task.lead_unit_ids() {
            let index = match rows.iter().position(|(id, _)| *id == unit) {
                Some(i) => i,
                None => {
                    rows.push((
                        unit,
                        UnitStatistics {
                            unit: book.unit_name(unit),
                            ..Default::default()
                        },
                    ));
                    rows.len() - 1
                }
            };
            let stats = &mut rows[index].1;
            stats.tasks += 1;
            match item.light.color {
                LightColor::Red => stats.red += 1,
                LightColor::Yellow => stats.yellow += 1,
                LightColor::Green => stats.green += 1,
                LightColor::Done => stats.done += 1,
            }
            for period in &owed {
                stats.due += 1;
                let due_end = period
                    .due(book.plan.due_day as u32)
                    .and_hms_opt(23, 59, 59)
                    .map(luoshi_domain::period::china_instant)
                    .unwrap_or(i64::MAX);
                let first_submission = book
                    .reports
                    .iter()
                    .filter(|r| r.task_id == item.task.id && r.period == period.key())
                    .filter_map(|r| r.submitted_at)
                    .min();
                match first_submission {
                    Some(at) if at <= due_end => stats.on_time += 1,
                    Some(_) => stats.late += 1,
                    None => stats.missing += 1,
                }
            }
        }
    }
    rows.into_iter().map(|(_, s)| s).collect()
}

/// 单位统计表.
pub fn units(book: &Book) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let f = formats();
    let sheet = workbook.add_worksheet().set_name("单位统计")?;
    let columns = [
        ("责任单位", 20.0),
        ("牵头任务", 10.0),
        ("应报次数", 10.0),
        ("按时报送", 10.0),
        ("逾期报送", 10.0),
        ("未报送", 10.0),
        ("红灯", 8.0),
        ("黄灯", 8.0),
        ("绿灯", 8.0),
        ("已完成", 8.0),
    ];
    let title = format!(
        "{}责任单位报送情况统计（截至{}）",
        book.plan.title,
        book.today.format("%Y年%-m月%-d日")
    );
    let first = prepare(sheet, &f, &title, &columns)?;
    for (row, stats) in (first..).zip(unit_statistics(book)) {
        sheet.write_string_with_format(row, 0, &stats.unit, &f.cell)?;
        let numbers = [
            stats.tasks,
            stats.due,
            stats.on_time,
            stats.late,
            stats.missing,
            stats.red,
            stats.yellow,
            stats.green,
            stats.done,
        ];
        for (i, n) in numbers.into_iter().enumerate() {
            sheet.write_number_with_format(row, i as u16 + 1, f64::from(n), &f.center)?;
        }
    }
    Ok(workbook.save_to_buffer()?)
}
