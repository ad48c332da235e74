//! Reads a 责任分解表 workbook into a draft plan: the layout [`crate::xlsx::decomposition`]
//! writes, and the variants bureaus make (columns in another order, found by their
//! headings; sections in merged cells or repeated on each row; several targets in one cell,
//! one per line). Rows that cannot be read are listed for the reviewer with their row number.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use luoshi_domain::import::{DraftPlan, DraftSection, DraftTarget, DraftTask};
use luoshi_plandoc::model::Comparator;

use crate::xlsx::comparator_of;
use crate::{OfficeError, Result};

/// Largest workbook accepted, and the largest sheet (rows) read.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
const MAX_ROWS: usize = 5000;

/// What a workbook gave, with the rows the reviewer must look at.
#[derive(Clone, Debug)]
pub struct ImportedTable {
    pub plan: DraftPlan,
    pub row_errors: Vec<String>,
}

/// Header words for each field, first match wins.
const FIELDS: [(&str, &[&str]); 10] = [
    ("section", &["部分", "板块", "类别", "领域"]),
    ("number", &["序号", "编号"]),
    ("heading", &["任务名称", "重点任务", "工作任务", "任务"]),
    ("measures", &["主要措施", "工作措施", "具体措施", "措施"]),
    ("lead", &["牵头单位", "责任单位", "牵头科室", "责任科室"]),
    ("co", &["配合单位", "协办单位", "配合科室"]),
    ("indicator", &["目标指标", "指标"]),
    ("value", &["目标值", "指标值"]),
    ("unit", &["计量单位", "单位名称"]),
    ("deadline", &["完成时限", "时间节点", "完成时间"]),
];

pub(crate) fn text(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::String(s)) => s.trim().to_string(),
        Some(Data::Float(f)) => luoshi_domain::light::trim_number(*f),
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string().trim().to_string(),
    }
}

fn split_units(cell: &str) -> Vec<String> {
    cell.split(['、', '，', ',', ';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn deadline_of(text: &str, year: i32) -> Option<NaiveDate> {
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(date);
    }
    let month: u32 = text
        .split('月')
        .next()?
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .chars()
        .rev()
        .collect::<String>()
        .parse()
        .ok()?;
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// Reads the first sheet of `bytes` as a decomposition table.
pub fn decomposition(file_name: &str, bytes: &[u8]) -> Result<ImportedTable> {
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
    let rows: Vec<Vec<Data>> = sheet.rows().take(MAX_ROWS).map(|r| r.to_vec()).collect();
    // The header row is the first that names a task column and a unit column.
    let find = |row: &[Data], words: &[&str]| {
        row.iter().position(|cell| {
            let t = text(Some(cell));
            words.iter().any(|w| t == *w)
        })
    };
    let header_index = rows
        .iter()
        .position(|row| find(row, FIELDS[2].1).is_some() && find(row, FIELDS[4].1).is_some())
        .ok_or_else(|| {
            OfficeError::Unreadable(format!(
                "“{file_name}”中没有找到表头（需要“任务名称”和“牵头单位”或“责任单位”列）"
            ))
        })?;
    let header = &rows[header_index];
    let column: Vec<Option<usize>> = FIELDS
        .iter()
        .map(|(_, words)| find(header, words))
        .collect();
    let comparator_column = header.iter().position(|c| text(Some(c)) == "比较");
    let cell =
        |row: &[Data], field: usize| column[field].map(|c| text(row.get(c))).unwrap_or_default();
    let title = rows[..header_index]
        .iter()
        .flat_map(|r| r.iter())
        .map(|c| text(Some(c)))
        .find(|t| !t.is_empty())
        .map(|t| t.trim_end_matches("责任分解表").to_string())
        .unwrap_or_else(|| file_name.trim_end_matches(".xlsx").to_string());
    let year = title
        .char_indices()
        .find_map(|(i, _)| {
            title
                .get(i..i + 4)
                .and_then(|y| y.parse::<i32>().ok())
                .filter(|y| (2000..2100).contains(y))
        })
        .unwrap_or_else(|| {
            chrono::Utc::now()
                .date_naive()
                .format("%Y")
                .to_string()
                .parse()
                .unwrap_or(2026)
        });
    let mut sections: Vec<DraftSection> = Vec::new();
    let mut tasks = Vec::new();
    let mut row_errors = Vec::new();
    let mut current_section = String::new();
    for (offset, row) in rows[header_index + 1..].iter().enumerate() {
        let line = header_index + offset + 2;
        let section = cell(row, 0);
        if !section.is_empty() {
            current_section = section;
        }
        let heading = cell(row, 2);
        if heading.is_empty() {
            if row.iter().any(|c| !text(Some(c)).is_empty()) && cell(row, 0).is_empty() {
                row_errors.push(format!("第{line}行：缺少任务名称，已跳过"));
            }
            continue;
        }
        let lead = split_units(&cell(row, 4));
        if lead.is_empty() {
            row_errors.push(format!(
                "第{line}行：“{heading}”没有牵头单位，请在审核时指定"
            ));
        }
        if !current_section.is_empty() && !sections.iter().any(|s| s.title == current_section) {
            sections.push(DraftSection {
                number: sections.len() as u32 + 1,
                title: current_section.clone(),
            });
        }
        let section_number = sections
            .iter()
            .find(|s| s.title == current_section)
            .map(|s| s.number)
            .unwrap_or(0);
        let lines = |field: usize| {
            cell(row, field)
                .lines()
                .map(|l| l.trim().to_string())
                .collect::<Vec<_>>()
        };
        let indicators = lines(6);
        let values = lines(7);
        let units = lines(8);
        let comparators: Vec<String> = comparator_column
            .map(|c| text(row.get(c)).lines().map(str::to_string).collect())
            .unwrap_or_default();
        let mut targets = Vec::new();
        for (i, indicator) in indicators.iter().enumerate().filter(|(_, s)| !s.is_empty()) {
            let value_text = values.get(i).cloned().unwrap_or_default();
            let annual_value = value_text.parse::<f64>().ok();
            if annual_value.is_none() && !value_text.contains('-') {
                row_errors.push(format!(
                    "第{line}行：指标“{indicator}”的目标值“{value_text}”不是数字"
                ));
            }
            let comparator = comparators.get(i).map(String::as_str).unwrap_or("");
            targets.push(DraftTarget {
                indicator: indicator.clone(),
                unit: units.get(i).cloned().unwrap_or_default(),
                comparator: comparator_of(comparator).unwrap_or(Comparator::Eq),
                value_text,
                annual_value,
                source_text: String::new(),
                span: [0, 0],
            });
        }
        let deadline_text = Some(cell(row, 9)).filter(|d| !d.is_empty());
        let number = cell(row, 1)
            .parse::<u32>()
            .unwrap_or(tasks.len() as u32 + 1);
        let measures = Some(cell(row, 3)).filter(|m| !m.is_empty());
        tasks.push(DraftTask {
            section: section_number,
            number,
            heading: heading.clone(),
            body: measures.clone().unwrap_or_default(),
            objective: None,
            measures,
            lead_units: lead,
            co_units: split_units(&cell(row, 5)),
            deadline: deadline_text.as_deref().and_then(|d| deadline_of(d, year)),
            deadline_text,
            targets,
            span: [0, 0],
        });
    }
    if tasks.is_empty() {
        return Err(OfficeError::Unreadable(format!(
            "“{file_name}”的表头下没有任务行"
        )));
    }
    Ok(ImportedTable {
        plan: DraftPlan {
            title,
            year,
            doc_number: None,
            issuers: vec![],
            sections,
            tasks,
            warnings: row_errors.clone(),
        },
        row_errors,
    })
}
