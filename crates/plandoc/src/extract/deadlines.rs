//! Time limits written in a task (年内, 6月底前, 秋季学期, 2021年秋季学期, 第三季度).

use std::sync::LazyLock;

use regex::Regex;

use crate::model::{Deadline, Span};
use crate::numerals;

static DEADLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:(?P<year>(?:19|20)\d{2})年)?(?:(?P<month>1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])月(?:份)?(?P<part>底|末|中旬|上旬|下旬|初)?(?:前|之前|以前)|(?P<term>春季|秋季)(?:学期|开学前)|(?P<half>上半年|下半年)|(?P<quarter>第[一二三四]季度)(?:末|底)?(?:前)?|(?P<yearend>年内|年底前|年底|年末|全年))",
    )
    .expect("valid regex")
});

pub fn find(folded: &str, original: &str, base: usize, default_year: Option<i32>) -> Vec<Deadline> {
    DEADLINE
        .captures_iter(folded)
        .map(|caps| {
            let whole = caps.get(0).expect("match");
            let month = if let Some(m) = caps.name("month") {
                m.as_str()
                    .parse::<u32>()
                    .ok()
                    .or_else(|| numerals::parse_chinese(m.as_str()).map(|v| v as u32))
            } else if let Some(term) = caps.name("term") {
                Some(if term.as_str() == "春季" { 2 } else { 8 })
            } else if let Some(half) = caps.name("half") {
                Some(if half.as_str() == "上半年" { 6 } else { 12 })
            } else if let Some(quarter) = caps.name("quarter") {
                numerals::parse_chinese(&quarter.as_str()[3..6]).map(|q| q as u32 * 3)
            } else {
                Some(12)
            };
            let year = caps
                .name("year")
                .and_then(|y| y.as_str().parse().ok())
                .or(default_year);
            Deadline {
                text: original[whole.start()..whole.end()].to_string(),
                month,
                year,
                span: Span::new(base + whole.start(), base + whole.end()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_common_phrasings() {
        let text = "6月底前完成摸底，2021年秋季学期开学前投入使用，年内全部建成，第三季度末验收。";
        let found = find(text, text, 0, Some(2021));
        let got: Vec<(&str, Option<u32>, Option<i32>)> = found
            .iter()
            .map(|d| (d.text.as_str(), d.month, d.year))
            .collect();
        assert_eq!(
            got,
            vec![
                ("6月底前", Some(6), Some(2021)),
                ("2021年秋季学期", Some(8), Some(2021)),
                ("年内", Some(12), Some(2021)),
                ("第三季度末", Some(9), Some(2021)),
            ]
        );
    }
}
