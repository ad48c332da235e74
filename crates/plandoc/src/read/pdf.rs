//! PDFs with a text layer, read with `oxidize-pdf` (MIT; it keeps reading order line by line).
//!
//! PDF parsers have panicked on government PDFs before, so extraction runs under
//! `catch_unwind` and a panic becomes a typed error. Running headers (the same short line
//! at the top of most pages) are dropped here, where page boundaries are still known;
//! page numbers and wrapped lines are handled by [`crate::normalize`].

use std::collections::HashMap;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use oxidize_pdf::parser::{ParseError, PdfDocument, PdfReader};

use crate::chars::is_cjk;
use crate::error::ReadErrorKind;

/// More pages than any work plan has; beyond this the file is refused.
pub const MAX_PAGES: u32 = 500;

/// The text of every page, running headers removed, and the page count.
pub fn read(bytes: &[u8]) -> Result<(String, usize), ReadErrorKind> {
    let owned = bytes.to_vec();
    let result = catch_unwind(AssertUnwindSafe(move || extract_pages(owned)));
    let pages = match result {
        Ok(pages) => pages?,
        Err(_) => {
            return Err(ReadErrorKind::BadPdf(
                "the PDF parser failed on this file".into(),
            ));
        }
    };
    let count = pages.len();
    let text = drop_running_headers(pages);
    let meaningful = text
        .chars()
        .filter(|c| is_cjk(*c) || c.is_alphanumeric())
        .count();
    if meaningful < 20 {
        return Err(ReadErrorKind::PdfWithoutText);
    }
    Ok((text, count))
}

fn extract_pages(bytes: Vec<u8>) -> Result<Vec<String>, ReadErrorKind> {
    let reader = PdfReader::new(Cursor::new(bytes)).map_err(pdf_error)?;
    if reader.is_encrypted() {
        return Err(ReadErrorKind::Encrypted);
    }
    let document = PdfDocument::new(reader);
    let pages = document.page_count().map_err(pdf_error)?;
    if pages > MAX_PAGES {
        return Err(ReadErrorKind::BadPdf(format!(
            "{pages} pages, more than the {MAX_PAGES} a work plan could have"
        )));
    }
    let extracted = document.extract_text().map_err(pdf_error)?;
    Ok(extracted.into_iter().map(|page| page.text).collect())
}

fn pdf_error(error: ParseError) -> ReadErrorKind {
    match error {
        ParseError::EncryptionNotSupported => ReadErrorKind::Encrypted,
        other => ReadErrorKind::BadPdf(other.to_string()),
    }
}

/// Removes a first or last line that repeats on at least half of the pages (3 or more).
fn drop_running_headers(pages: Vec<String>) -> String {
    let edge_lines = |page: &String| -> Vec<String> {
        let lines: Vec<&str> = page
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let mut edges: Vec<String> = Vec::new();
        if let Some(first) = lines.first() {
            edges.push(first.to_string());
        }
        if lines.len() > 1 {
            edges.push(lines[lines.len() - 1].to_string());
        }
        edges
    };
    let mut counts: HashMap<String, usize> = HashMap::new();
    for page in &pages {
        for line in edge_lines(page) {
            *counts.entry(line).or_default() += 1;
        }
    }
    let repeated = |line: &str| {
        pages.len() >= 3
            && line.chars().count() <= 40
            && counts.get(line).is_some_and(|n| *n * 2 >= pages.len())
    };
    let mut out = String::new();
    for page in &pages {
        for line in page.lines() {
            if repeated(line.trim()) {
                continue;
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_headers_go_page_text_stays() {
        let pages: Vec<String> = (1..=4)
            .map(|n| format!("某市教育局文件\n第{n}页正文内容\n另一行"))
            .collect();
        let text = drop_running_headers(pages);
        assert!(!text.contains("某市教育局文件"));
        assert!(text.contains("第3页正文内容"));
    }

    #[test]
    fn garbage_is_a_typed_error() {
        assert!(matches!(
            read(b"%PDF-1.4\nnot really"),
            Err(ReadErrorKind::BadPdf(_))
        ));
    }
}
