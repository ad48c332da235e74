//! Property tests on arbitrary bytes for every reader: each input gives a plan or a typed
//! error, never a panic. Inputs start with each format's magic bytes so that the readers
//! behind the sniffing are reached, not only the sniffing itself.

use proptest::prelude::*;

const PREFIXES: &[&[u8]] = &[
    b"",
    b"%PDF-1.7\n",
    b"PK\x03\x04",
    b"<html><body>",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn any_bytes_give_a_plan_or_an_error(prefix in 0..PREFIXES.len(), tail in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut bytes = PREFIXES[prefix].to_vec();
        bytes.extend(tail);
        let _ = luoshi_plandoc::parse("fuzz.bin", &bytes);
    }

    #[test]
    fn any_text_gives_a_plan(text in "(一、|（二）|3\\.|责任单位：|目标任务：|新增|[0-9]{1,4}|万|亿|所|个|%|以上|左右|“|”|。|，|\\n| |工作要点|[\\u{4e00}-\\u{4e30}]){0,200}") {
        let parsed = luoshi_plandoc::parse_text("fuzz.txt", &text);
        for document in &parsed.documents {
            for task in &document.tasks {
                for target in &task.targets {
                    prop_assert!(target.span.start <= target.span.end && target.span.end <= parsed.text.len());
                    prop_assert!(parsed.text.is_char_boundary(target.span.start));
                }
            }
        }
    }

    #[test]
    fn docx_reader_survives_damaged_packages(cut in 0usize..4000, flip in any::<u8>(), at in 0usize..4000) {
        let body = crate::support::paragraph("1.强化理论学习。责任单位：办公室", None);
        let mut bytes = crate::support::docx(&body, None);
        let at = at % bytes.len();
        bytes[at] ^= flip;
        bytes.truncate(cut.max(4).min(bytes.len()));
        let _ = luoshi_plandoc::parse("fuzz.docx", &bytes);
    }

    #[test]
    fn pdf_reader_survives_damaged_files(flip in any::<u8>(), at in 0usize..4000) {
        let mut bytes = crate::support::pdf_with_text(&["一、总体要求", "1.新建幼儿园5所。"]);
        let at = at % bytes.len();
        bytes[at] ^= flip;
        let _ = luoshi_plandoc::parse("fuzz.pdf", &bytes);
    }
}
