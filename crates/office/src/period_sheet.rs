//! The period sheet (本期进展填报表): a unit's reports for one period (or one task's overdue
//! periods) as a workbook it fills in offline and sends back. One row per task carries its
//! status and narrative; one row per target below it carries the figure. The first three
//! columns name the task, the period and the target, so that the sheet is read back by key
//! and never by position; every problem is told by its row.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use luoshi_domain::light::trim_number;
use luoshi_domain::report::ProgressStatus;
use rust_xlsxwriter::{DataValidation, Format, Workbook};

use crate::import::{MAX_BYTES, text};
use crate::xlsx::{fitted_height, formats, prepare};
use crate::{OfficeError, Result};

/// One task's line for one period.
#[derive(Clone, Debug)]
pub struct SheetLine {
    pub task_id: i64,
    /// 序号 with its section (二-3).
    pub number: String,
    pub title: String,
    /// The period key (2026-06).
    pub period: String,
    /// Where the report stands (未填报, 草稿, 已提交…).
    pub state: &'static str,
    /// Whether the unit may still write it; closed lines are shown for reference.
    pub editable: bool,
    pub status: Option<ProgressStatus>,
    pub narrative: String,
    pub targets: Vec<SheetTarget>,
}

/// A target's row under its task.
#[derive(Clone, Debug)]
pub struct SheetTarget {
    pub target_id: i64,
    pub indicator: String,
    /// The plan's value as written (新改扩建20所).
    pub planned: String,
    pub unit: String,
    pub previous: Option<f64>,
    pub actual: Option<f64>,
    /// Whether the figure is the year's running total or the level reached.
    pub running_total: bool,
}

/// What a returned sheet says for one task and period.
#[derive(Clone, Debug, PartialEq)]
pub struct SheetEntry {
    /// The task row's number, or the first row of the line when the task row is missing.
    pub row: u32,
    pub task_id: i64,
    pub period: String,
    /// Absent when the task row is missing or its status left blank.
    pub status: Option<ProgressStatus>,
    /// Absent when the task row is missing.
    pub narrative: Option<String>,
    pub actuals: Vec<SheetActual>,
}

/// A figure filled in on a target's row.
#[derive(Clone, Debug, PartialEq)]
pub struct SheetActual {
    pub row: u32,
    pub target_id: i64,
    pub value: f64,
}

impl SheetEntry {
    /// The row a target's figure was read from (the task's row when it has none).
    pub fn row_of(&self, target_id: i64) -> u32 {
        self.actuals
            .iter()
            .find(|a| a.target_id == target_id)
            .map_or(self.row, |a| a.row)
    }
}

/// What a returned sheet gave, and the rows that could not be read.
#[derive(Clone, Debug, Default)]
pub struct SheetRead {
    pub entries: Vec<SheetEntry>,
    pub row_errors: Vec<String>,
}

const TASK_ID: &str = "任务编号";
const PERIOD: &str = "期次";
const TARGET_ID: &str = "指标编号";
const STATUS: &str = "进展状态";
const NARRATIVE: &str = "本期进展情况";
const ACTUAL: &str = "本期实际值";

/// Column headings and widths; the first three are the keys the sheet is read back by.
const COLUMNS: [(&str, f64); 12] = [
    (TASK_ID, 8.0),
    (PERIOD, 9.0),
    (TARGET_ID, 8.0),
    ("序号", 7.0),
    ("任务 / 指标", 34.0),
    ("目标值", 16.0),
    ("上期实际", 10.0),
    ("当前状态", 10.0),
    (STATUS, 10.0),
    (NARRATIVE, 48.0),
    (ACTUAL, 11.0),
    ("填写说明", 22.0),
];

fn column(name: &str) -> u16 {
    COLUMNS.iter().position(|(n, _)| *n == name).unwrap_or(0) as u16
}

/// Writes the sheet: keys and reference columns grey, the columns to fill white, statuses
/// offered as a list, closed lines marked and left grey.
pub fn write(title: &str, lines: &[SheetLine]) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let f = formats();
    let grey = f.cell.clone().set_background_color("F2F2F2");
    let sheet = workbook.add_worksheet();
    sheet.set_name("填报")?;
    let mut row = prepare(sheet, &f, title, &COLUMNS)?;
    let widths: Vec<f64> = COLUMNS.iter().map(|(_, w)| *w).collect();
    let first = row;
    for line in lines {
        let fill: &Format = if line.editable { &f.cell } else { &grey };
        let task_cells = [
            (0, line.task_id.to_string()),
            (1, line.period.clone()),
            (3, line.number.clone()),
            (4, line.title.clone()),
            (7, line.state.to_string()),
            (
                8,
                line.status.map(|s| s.zh().to_string()).unwrap_or_default(),
            ),
            (9, line.narrative.clone()),
        ];
        for (col, text) in &task_cells {
            let format = if [8, 9].contains(col) { fill } else { &grey };
            sheet.write_string_with_format(row, *col, text, format)?;
        }
        for col in [2, 5, 6, 10, 11] {
            sheet.write_blank(row, col, &grey)?;
        }
        sheet.set_row_height(row, fitted_height(&task_cells, &widths))?;
        row += 1;
        for target in &line.targets {
            let hint = if target.running_total {
                "填写年初至本期末的累计数"
            } else {
                "填写本期末达到的水平"
            };
            let cells = [
                (0, line.task_id.to_string()),
                (1, line.period.clone()),
                (2, target.target_id.to_string()),
                (4, format!("　{}（{}）", target.indicator, target.unit)),
                (5, target.planned.clone()),
                (
                    6,
                    target
                        .previous
                        .map(trim_number)
                        .unwrap_or_default()
                        .to_string(),
                ),
                (11, hint.to_string()),
            ];
            for (col, text) in &cells {
                sheet.write_string_with_format(row, *col, text, &grey)?;
            }
            for col in [3, 7, 8, 9] {
                sheet.write_blank(row, col, &grey)?;
            }
            match target.actual {
                Some(value) => sheet.write_number_with_format(row, 10, value, fill)?,
                None => sheet.write_blank(row, 10, fill)?,
            };
            sheet.set_row_height(row, fitted_height(&cells, &widths))?;
            row += 1;
        }
    }
    if row > first {
        let names: Vec<&str> = ProgressStatus::ALL.iter().map(|s| s.zh()).collect();
        let statuses = DataValidation::new()
            .allow_list_strings(&names)?
            .set_error_message("请从列表中选择进展状态")?;
        sheet.add_data_validation(first, column(STATUS), row - 1, column(STATUS), &statuses)?;
        let numbers = DataValidation::new()
            .allow_decimal_number(rust_xlsxwriter::DataValidationRule::Between(-1e15, 1e15))
            .set_error_message("本期实际值只填数值，说明写在本期进展情况里")?;
        sheet.add_data_validation(first, column(ACTUAL), row - 1, column(ACTUAL), &numbers)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// A cell read as an id: a whole number, as Excel stores it or as text.
fn id_of(cell: Option<&Data>) -> Option<i64> {
    match cell {
        Some(Data::Float(f)) if f.fract() == 0.0 => Some(*f as i64),
        Some(Data::Int(i)) => Some(*i),
        other => text(other).parse().ok(),
    }
}

fn status_of(word: &str) -> Option<ProgressStatus> {
    ProgressStatus::ALL
        .iter()
        .copied()
        .find(|s| s.zh() == word || s.as_str() == word)
}

fn number_of(cell: Option<&Data>) -> std::result::Result<Option<f64>, String> {
    match cell {
        Some(Data::Float(f)) => Ok(Some(*f)),
        Some(Data::Int(i)) => Ok(Some(*i as f64)),
        other => {
            let typed = text(other);
            if typed.is_empty() {
                return Ok(None);
            }
            match typed.parse::<f64>() {
                Ok(value) if value.is_finite() => Ok(Some(value)),
                _ => Err(typed),
            }
        }
    }
}

/// Reads a returned sheet by its keys; rows it cannot read are listed, not guessed.
pub fn read(file_name: &str, bytes: &[u8]) -> Result<SheetRead> {
    if bytes.len() > MAX_BYTES {
        return Err(OfficeError::Unreadable(format!(
            "“{file_name}”超过 {} MB",
            MAX_BYTES / 1024 / 1024
        )));
    }
    crate::workbook::check(file_name, bytes)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        OfficeError::Unreadable(format!("“{file_name}”不是可读取的 Excel（.xlsx）文件：{e}"))
    })?;
    let sheet = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| OfficeError::Unreadable(format!("“{file_name}”中没有工作表")))?
        .map_err(|e| OfficeError::Unreadable(format!("“{file_name}”无法读取：{e}")))?;
    let first_row = sheet.start().map_or(0, |(row, _)| row) + 1;
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let position = |row: &[Data], name: &str| row.iter().position(|c| text(Some(c)) == name);
    let header = rows
        .iter()
        .position(|row| position(row, TASK_ID).is_some() && position(row, NARRATIVE).is_some())
        .ok_or_else(|| {
            OfficeError::Unreadable(format!(
                "“{file_name}”不是本系统下载的填报表（没有找到“{TASK_ID}”“{NARRATIVE}”列），请先下载填报表再填写"
            ))
        })?;
    let at = |name: &str| position(rows[header], name);
    let (Some(task_col), Some(period_col), Some(target_col), Some(actual_col)) =
        (at(TASK_ID), at(PERIOD), at(TARGET_ID), at(ACTUAL))
    else {
        return Err(OfficeError::Unreadable(format!(
            "“{file_name}”缺少“{PERIOD}”“{TARGET_ID}”或“{ACTUAL}”列，请勿删除表中的列"
        )));
    };
    let (status_col, narrative_col) = (at(STATUS), at(NARRATIVE));
    let mut read = SheetRead::default();
    let mut index: HashMap<(i64, String), usize> = HashMap::new();
    for (offset, cells) in rows.iter().enumerate().skip(header + 1) {
        let row = first_row + offset as u32;
        let cell = |col: Option<usize>| col.and_then(|c| cells.get(c));
        if cells.iter().all(|c| text(Some(c)).is_empty()) {
            continue;
        }
        let Some(task_id) = id_of(cell(Some(task_col))) else {
            read.row_errors.push(format!(
                "第 {row} 行：“{TASK_ID}”为空或不是编号，请勿修改前三列"
            ));
            continue;
        };
        let period = text(cell(Some(period_col)));
        let key = (task_id, period.clone());
        let slot = *index.entry(key).or_insert_with(|| {
            read.entries.push(SheetEntry {
                row,
                task_id,
                period,
                status: None,
                narrative: None,
                actuals: Vec::new(),
            });
            read.entries.len() - 1
        });
        let entry = &mut read.entries[slot];
        let target = cell(Some(target_col));
        if text(target).is_empty() {
            entry.row = row;
            let word = text(cell(status_col));
            if !word.is_empty() {
                match status_of(&word) {
                    Some(status) => entry.status = Some(status),
                    None => read.row_errors.push(format!(
                        "第 {row} 行：“{STATUS}”应为{}之一，不能是“{word}”",
                        ProgressStatus::ALL
                            .iter()
                            .map(|s| s.zh())
                            .collect::<Vec<_>>()
                            .join("、")
                    )),
                }
            }
            entry.narrative = Some(text(cell(narrative_col)));
            continue;
        }
        let Some(target_id) = id_of(target) else {
            read.row_errors.push(format!(
                "第 {row} 行：“{TARGET_ID}”不是编号，请勿修改前三列"
            ));
            continue;
        };
        match number_of(cell(Some(actual_col))) {
            Ok(Some(value)) => entry.actuals.push(SheetActual {
                row,
                target_id,
                value,
            }),
            Ok(None) => {}
            Err(typed) => read.row_errors.push(format!(
                "第 {row} 行：“{ACTUAL}”“{typed}”不是数字，请只填写数值（如 84 或 92.5），说明写在“{NARRATIVE}”里"
            )),
        }
    }
    Ok(read)
}
