//! Budgets an uploaded workbook is held to before calamine reads it.
//!
//! calamine sizes a sheet from the cells it declares, so a 2 KB file whose sheet names a
//! cell at XFD1048576 asks for hundreds of GiB and aborts the process. Every part is
//! therefore inflated here first against a byte budget (as .docx files are), and every
//! sheet's declared dimension and cell references are checked against row and column
//! limits far above any real 责任分解表.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::{OfficeError, Result};

/// Inflated bytes all parts together may take.
pub const MAX_INFLATED_BYTES: u64 = 64 * 1024 * 1024;
/// Rows a sheet may reach (a plan's table has hundreds).
pub const MAX_SHEET_ROWS: u64 = 100_000;
/// Columns a sheet may reach.
pub const MAX_SHEET_COLUMNS: u64 = 256;

/// Refuses a workbook whose parts inflate beyond the budget or whose sheets reach beyond
/// the row and column limits, naming the file and the reason in Chinese.
pub fn check(file_name: &str, bytes: &[u8]) -> Result<()> {
    let unreadable = |why: String| OfficeError::Unreadable(format!("“{file_name}”{why}"));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| unreadable(format!("不是可读取的 Excel（.xlsx）文件：{e}")))?;
    let mut budget = MAX_INFLATED_BYTES;
    let too_big = || {
        unreadable(format!(
            "解压后超过 {} MB，疑为压缩炸弹，已拒绝",
            MAX_INFLATED_BYTES / 1024 / 1024
        ))
    };
    for index in 0..archive.len() {
        let part = archive
            .by_index(index)
            .map_err(|e| unreadable(format!("无法读取：{e}")))?;
        if part.size() > budget {
            return Err(too_big());
        }
        let name = part
            .name()
            .map(|n| n.into_owned())
            .map_err(|e| unreadable(format!("无法读取：{e}")))?;
        let mut data = Vec::new();
        part.take(budget + 1)
            .read_to_end(&mut data)
            .map_err(|e| unreadable(format!("的 {name} 无法读取：{e}")))?;
        if data.len() as u64 > budget {
            return Err(too_big());
        }
        budget -= data.len() as u64;
        if name.starts_with("xl/worksheets/") && name.ends_with(".xml") {
            let (rows, columns) = reach(&data);
            if rows > MAX_SHEET_ROWS || columns > MAX_SHEET_COLUMNS {
                return Err(unreadable(format!(
                    "的工作表声明到第 {rows} 行、第 {columns} 列，超出可读取的范围（最多 {MAX_SHEET_ROWS} 行、{MAX_SHEET_COLUMNS} 列）"
                )));
            }
        }
    }
    Ok(())
}

/// The furthest row and column a sheet declares: its dimension, its rows, its cells.
fn reach(xml: &[u8]) -> (u64, u64) {
    let mut reader = Reader::from_reader(xml);
    let mut buffer = Vec::new();
    let (mut rows, mut columns) = (0u64, 0u64);
    let mut widen = |reference: &str| {
        let (row, column) = cell_position(reference);
        rows = rows.max(row);
        columns = columns.max(column);
    };
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(Event::Start(element) | Event::Empty(element)) => {
                let tag = element.local_name().into_inner();
                let key = match tag {
                    "dimension" => "ref",
                    "c" | "row" => "r",
                    _ => {
                        buffer.clear();
                        continue;
                    }
                };
                for attribute in element.attributes().flatten() {
                    if attribute.key.local_name().into_inner() != key {
                        continue;
                    }
                    let value = attribute.value.to_string();
                    if tag == "row" {
                        widen(&format!("A{value}"));
                    } else {
                        value.split(':').for_each(&mut widen);
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buffer.clear();
    }
    (rows, columns)
}

/// "XFD1048576" → (1048576, 16384); unreadable parts count as 0.
fn cell_position(reference: &str) -> (u64, u64) {
    let letters: String = reference
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let column = letters.chars().fold(0u64, |acc, c| {
        acc.saturating_mul(26)
            .saturating_add(u64::from(c.to_ascii_uppercase() as u8 - b'A' + 1))
    });
    let row = reference[letters.len()..]
        .trim_start_matches('$')
        .parse()
        .unwrap_or(0);
    (row, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_read_as_rows_and_columns() {
        assert_eq!(cell_position("A1"), (1, 1));
        assert_eq!(cell_position("XFD1048576"), (1_048_576, 16_384));
        assert_eq!(cell_position("AB12"), (12, 28));
    }

    #[test]
    fn a_sheet_reaches_as_far_as_its_furthest_cell() {
        let xml = br#"<worksheet><dimension ref="A1:C3"/><sheetData><row r="2"><c r="B2"/></row><row r="7"><c r="E7"/></row></sheetData></worksheet>"#;
        assert_eq!(reach(xml), (7, 5));
    }
}
