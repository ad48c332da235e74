//! An analysis copy of the text in simplified characters, byte-aligned with the original.
//!
//! The extractor's keywords (责任科室, 目标任务, 工作要点) are written in simplified
//! characters; a traditional document (責任科室, 工作要點) is matched through this copy,
//! while everything handed back is sliced from the original at the same byte offsets, so
//! output keeps the document's own characters. Conversion is per character and only
//! where the simplified form has the same UTF-8 length (true for the CJK block).

use std::sync::OnceLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

fn converter() -> Option<&'static OpenCC> {
    static CONVERTER: OnceLock<Option<OpenCC>> = OnceLock::new();
    CONVERTER
        .get_or_init(|| OpenCC::from_config(BuiltinConfig::T2s).ok())
        .as_ref()
}

/// The simplified, byte-aligned copy of `text`, or None when `text` is already simplified.
pub fn simplified(text: &str) -> Option<String> {
    if !looks_traditional(text) {
        return None;
    }
    let converter = converter()?;
    let mut out = String::with_capacity(text.len());
    let mut buffer = [0u8; 4];
    for c in text.chars() {
        if !crate::chars::is_cjk(c) {
            out.push(c);
            continue;
        }
        let converted = converter.convert(c.encode_utf8(&mut buffer));
        let mut chars = converted.chars();
        match (chars.next(), chars.next()) {
            (Some(s), None) if s.len_utf8() == c.len_utf8() => out.push(s),
            _ => out.push(c),
        }
    }
    Some(out)
}

/// A sample converts to something different in at least 5% of its Chinese characters
/// (traditional text changes in a third or more; simplified text almost never). The
/// sample is small because dictionary conversion is the costliest step of parsing.
fn looks_traditional(text: &str) -> bool {
    let sample: String = text
        .chars()
        .filter(|c| crate::chars::is_cjk(*c))
        .take(120)
        .collect();
    if sample.chars().count() < 10 {
        return false;
    }
    let Some(converter) = converter() else {
        return false;
    };
    let converted = converter.convert(&sample);
    let changed = sample
        .chars()
        .zip(converted.chars())
        .filter(|(a, b)| a != b)
        .count();
    changed * 20 >= sample.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_folds_with_the_same_offsets() {
        let text = "二、責任科室：教育局辦公室。學校數量達到20所，實現工作要點目標。";
        let folded = simplified(text).expect("traditional");
        assert_eq!(folded.len(), text.len());
        assert!(folded.contains("责任科室"));
        assert!(folded.contains("办公室"));
        assert!(folded.contains("工作要点"));
    }

    #[test]
    fn simplified_text_is_left_alone() {
        assert_eq!(
            simplified("二、责任科室：教育局办公室。学校数量达到20所，实现工作要点目标。"),
            None
        );
    }
}
