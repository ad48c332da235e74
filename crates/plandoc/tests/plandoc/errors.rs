//! Bad input gets a typed error naming the file and the reason, never a panic.

use luoshi_plandoc::{Options, ReadErrorKind, parse, parse_with};

use crate::support::{docx, paragraph, pdf_without_text, zip_of};

fn kind(name: &str, bytes: &[u8]) -> ReadErrorKind {
    let error = parse(name, bytes).expect_err("must be refused");
    assert!(
        error.to_string().starts_with(name),
        "error names the file: {error}"
    );
    error.kind
}

#[test]
fn legacy_word_files_are_refused_with_advice() {
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(4096, 0);
    let error = parse("计划.doc", &ole).unwrap_err();
    assert_eq!(error.kind, ReadErrorKind::LegacyOffice);
    assert!(error.to_string().contains("save it as .docx"));
    assert!(error.kind.zh().contains("另存为 .docx"));
}

#[test]
fn empty_binary_and_oversized_files_are_refused() {
    assert_eq!(kind("empty.txt", b""), ReadErrorKind::Empty);
    assert_eq!(kind("blank.txt", b"\n  \r\n"), ReadErrorKind::Empty);
    assert_eq!(
        kind("image.bin", &[0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 13, 0xff]),
        ReadErrorKind::Binary
    );
    let big = vec![b'a'; 2048];
    let error = parse_with("big.txt", &big, &Options { max_bytes: 1024 }).unwrap_err();
    assert_eq!(
        error.kind,
        ReadErrorKind::TooLarge {
            size: 2048,
            limit: 1024
        }
    );
}

#[test]
fn pdf_without_text_layer_is_refused() {
    assert_eq!(
        kind("scan.pdf", &pdf_without_text()),
        ReadErrorKind::PdfWithoutText
    );
}

#[test]
fn broken_documents_are_typed_errors() {
    assert!(matches!(
        kind("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog"),
        ReadErrorKind::BadPdf(_)
    ));
    for (name, part, expected) in [
        (
            "archive.docx",
            "readme.txt",
            ReadErrorKind::Unsupported("ZIP"),
        ),
        (
            "table.xlsx",
            "xl/workbook.xml",
            ReadErrorKind::Unsupported("Excel"),
        ),
        ("book.ofd", "OFD.xml", ReadErrorKind::Unsupported("OFD")),
    ] {
        let package = zip_of(&[(part, "<x/>".into())], zip::CompressionMethod::Stored);
        assert_eq!(kind(name, &package), expected);
    }
    let bad_xml = docx("<w:p><w:r><w:t>一、总体要求</w:r></w:p>", None);
    assert!(matches!(
        kind("bad.docx", &bad_xml),
        ReadErrorKind::BadDocx(_)
    ));
}

#[test]
fn zip_bombs_are_refused_before_inflating() {
    // 80 MB of one paragraph repeated compresses to a few hundred kilobytes.
    let one = paragraph("一、总体要求", None);
    let body = one.repeat(80 * 1024 * 1024 / one.len());
    let bomb = docx(&body, None);
    assert!(
        bomb.len() < 2 * 1024 * 1024,
        "the test bomb should be small: {}",
        bomb.len()
    );
    assert!(matches!(
        kind("bomb.docx", &bomb),
        ReadErrorKind::ZipBomb { .. }
    ));
}
