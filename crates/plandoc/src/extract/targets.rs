//! Quantified targets (新改扩建幼儿园20所, 毛入园率达到92%以上) and, in summaries, results.
//!
//! A target is a number with a measure word or unit, attached to what it counts. Numbers
//! that are not commitments are left out by shape: ordinals (第三批), years and dates
//! (年, 月), ages (岁), numbers glued to letters or other numbers (1+X, 2.0), and numbers
//! inside short quoted slogans (“四个意识”). The comparator comes from the words around
//! the number (以上, 不低于, 控制在…以内, 突破, 左右).

use std::sync::LazyLock;

use regex::Regex;

use crate::model::{Comparator, Confidence, Quantity, Rule, Span, Target};
use crate::numerals;

/// Measure words and units, longest first so that 平方米 wins over 米.
const UNITS: &str = "个百分点|百分点|台套|项次|个次|家次|个小时|部门|大类|平方米|立方米|平方公里|人次|场次|批次|学时|课时|小时|分钟|公里|千米|千瓦|兆|%|％|所|个|人|名|元|项|门|条|支|次|场|节|套|台|家|枚|例|起|‰|对|份|件|亩|间|本|篇|册|张|座|栋|吨|辆|部|处|位|户|期|轮|片|盏|块|根|组|队|班";

static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?P<num>[0-9０-９]+(?:[.．][0-9０-９]+)?|[零〇一二两三四五六七八九十百千]+)(?:(?P<range>[-—–~～至到])(?P<num2>[0-9０-９]+(?:[.．][0-9０-９]+)?|[一二两三四五六七八九十]+))?(?:(?P<mult>万亿|千万|百万|万|亿)(?P<more>余|多)?(?P<unit>{UNITS})?|(?P<more2>余|多)?(?P<unit2>{UNITS}))(?P<suffix>以上|以内|以下|左右|余|多)?"
    ))
    .expect("valid regex")
});

static PERCENT_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"百分之(?P<num>[0-9]+(?:\.[0-9]+)?|[零一二两三四五六七八九十百]+)(?P<suffix>以上|以内|以下|左右)?")
        .expect("valid regex")
});

static RATIO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"比例?[^，。；0-9]{0,6}?(?P<a>[0-9]{1,3})\s*[:：]\s*(?P<b>[0-9]{1,3})(?P<suffix>左右|以上|以下|以内)?")
        .expect("valid regex")
});

/// Units a Chinese numeral may carry and still be a target (一两项, 三所): measure words
/// only; "四个意识"-style slogans are caught by the quote rule.
const CLAUSE_BREAKS: &[char] = &[
    '，', '。', '；', '：', ',', ';', ':', '！', '？', '\n', '!', '?',
];

/// Words before the number that set the comparator.
const PREFIX_CMP: &[(&str, Comparator)] = &[
    ("不低于", Comparator::Ge),
    ("不少于", Comparator::Ge),
    ("至少", Comparator::Ge),
    ("不超过", Comparator::Le),
    ("不高于", Comparator::Le),
    ("控制在", Comparator::Le),
    ("超过", Comparator::Gt),
    ("突破", Comparator::Gt),
    ("高于", Comparator::Gt),
    ("低于", Comparator::Lt),
    ("不足", Comparator::Lt),
    ("大约", Comparator::Approx),
    ("约", Comparator::Approx),
];

/// Trailing words of the phrase before a number that belong to the verb, not the indicator.
const VERB_TAILS: &[&str] = &[
    "每生每年",
    "每人每年",
    "达到",
    "提高到",
    "提高至",
    "提升到",
    "提升至",
    "增加到",
    "增加至",
    "增长到",
    "增至",
    "控制在",
    "保持在",
    "稳定在",
    "不低于",
    "不少于",
    "不超过",
    "至少",
    "突破",
    "超过",
    "达",
    "为",
    "约",
    "共",
    "总计",
    "累计",
    "在",
    "到",
    "至",
];

/// 一是 / 二是 / 其三 that open enumerated sentences in summaries.
static ORDINAL_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[一二三四五六七八九十]{1,3}是|其[一二三四五六七八九十])").expect("valid regex")
});

const LEADING_WORDS: &[&str] = &[
    "力争", "确保", "计划", "其中", "并", "要", "将", "全年", "年内", "争取",
];

/// Every target in `folded` (simplified characters); `original` is the same text in the
/// document's own characters, `base` the byte offset of both in the file text.
pub fn find(folded: &str, original: &str, base: usize) -> Vec<Target> {
    let mut found: Vec<(usize, Target)> = Vec::new();
    for caps in QUANTITY.captures_iter(folded) {
        let whole = caps.get(0).expect("match");
        let num = caps.name("num").expect("num");
        let unit_match = caps.name("unit").or(caps.name("unit2"));
        let unit = unit_match.map(|m| m.as_str()).unwrap_or("");
        let mult = caps.name("mult").map(|m| m.as_str()).unwrap_or("");
        if unit.is_empty() && mult.is_empty() {
            continue;
        }
        let chinese = !num
            .as_str()
            .starts_with(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c));
        if !acceptable(folded, num.start(), whole.end(), unit, chinese) {
            continue;
        }
        let Some(value) = quantity(&caps, chinese) else {
            continue;
        };
        let has_digit = num
            .as_str()
            .chars()
            .any(|c| numerals::digit_value(c).is_some());
        if chinese && (!has_digit || !accept_chinese(folded, whole.end(), value, unit)) {
            continue;
        }
        let unit = unit_match
            .map(|m| written_unit(&original[m.start()..m.end()]))
            .unwrap_or_default();
        let more = caps.name("more").or(caps.name("more2")).is_some();
        let suffix = caps.name("suffix").map(|m| m.as_str()).unwrap_or("");
        let cmp = comparator(folded, num.start(), suffix, more);
        let end = caps.name("suffix").map(|m| m.end()).unwrap_or(whole.end());
        let after_start = unit_match.map(|m| m.end()).unwrap_or(whole.end());
        let target = build(
            folded,
            original,
            base,
            num.start(),
            end,
            after_start,
            value,
            unit,
            cmp,
        );
        found.push((num.start(), target));
    }
    for caps in PERCENT_WORDS.captures_iter(folded) {
        let num = caps.name("num").expect("num");
        let value = num
            .as_str()
            .parse::<f64>()
            .ok()
            .or_else(|| numerals::parse_chinese(num.as_str()).map(|v| v as f64));
        let Some(value) = value else { continue };
        let whole = caps.get(0).expect("match");
        let suffix = caps.name("suffix").map(|m| m.as_str()).unwrap_or("");
        let cmp = comparator(folded, whole.start(), suffix, false);
        let target = build(
            folded,
            original,
            base,
            whole.start(),
            whole.end(),
            whole.end(),
            Quantity::Single(value),
            "%".into(),
            cmp,
        );
        found.push((whole.start(), target));
    }
    for caps in RATIO.captures_iter(folded) {
        let (Ok(a), Ok(b)) = (caps["a"].parse::<f64>(), caps["b"].parse::<f64>()) else {
            continue;
        };
        let start = caps.name("a").expect("a").start();
        let end = caps.get(0).expect("match").end();
        let suffix = caps.name("suffix").map(|m| m.as_str()).unwrap_or("");
        let cmp = comparator(folded, start, suffix, false);
        let target = build(
            folded,
            original,
            base,
            start,
            end,
            end,
            Quantity::Pair(a, b),
            ":".into(),
            cmp,
        );
        found.push((start, target));
    }
    found.sort_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, t)| t).collect()
}

/// Shape rules that rule a number out before its value is read.
fn acceptable(folded: &str, start: usize, end: usize, unit: &str, chinese: bool) -> bool {
    let before = folded[..start].chars().next_back();
    if let Some(b) = before {
        if b == '第'
            || b.is_ascii_alphanumeric()
            || matches!(b, '.' | '+' | '-' | '/' | '．' | '＋' | '—')
        {
            return false;
        }
        if chinese && CHINESE_WORD_BEFORE.contains(b) {
            return false;
        }
    }
    let after = folded[end..].chars().next();
    if let Some(a) = after {
        if a.is_ascii_alphanumeric() || matches!(a, '+' | '＋') {
            return false;
        }
        // 3个月, 5个工作日, 2个学期: durations, not counts.
        let rest = &folded[end..];
        // 六次全会, 3次会议: names of meetings, not counts.
        if unit == "次"
            && ["全会", "会议", "全体会议", "代表大会"]
                .iter()
                .any(|w| rest.starts_with(w))
        {
            return false;
        }
        if unit == "个"
            && (matches!(a, '月' | '星') || rest.starts_with("工作日") || rest.starts_with("学期"))
        {
            return false;
        }
    }
    if matches!(unit, "轮" | "班" | "组") && chinese {
        return false;
    }
    // 56人以上大班额: the definition of an oversized class, not a count.
    if unit == "人"
        && [
            "大班额",
            "超大班额",
            "以上大班额",
            "以上超大班额",
            "及以上大班额",
        ]
        .iter()
        .any(|w| folded[end..].starts_with(w))
    {
        return false;
    }
    !(chinese && inside_short_quote(folded, start))
}

/// Han characters that make a following Chinese numeral part of a word (统一, 唯一, 之二).
const CHINESE_WORD_BEFORE: &str = "第统唯同之单逐进初万千百十星级届";

/// A Chinese numeral with a measure word is usually part of a name (八项规定, 三项制度,
/// 两条主线); it counts only for ranges (一两项), durations (一小时), occurrences (两次,
/// 两期) and where it closes its clause (回头看两次).
fn accept_chinese(folded: &str, end: usize, value: Quantity, unit: &str) -> bool {
    let closes_clause = folded[end..]
        .chars()
        .next()
        .is_none_or(|c| CLAUSE_BREAKS.contains(&c) || c == '、');
    match value {
        Quantity::Pair(..) => true,
        Quantity::Single(v) => {
            matches!(unit, "小时" | "个小时" | "分钟")
                || (v >= 2.0 && (matches!(unit, "次" | "期" | "场" | "场次") || closes_clause))
        }
    }
}

/// The unit as the gold writes it: 个百分点 → 百分点, 个小时 → 小时, ％ → %.
fn written_unit(unit: &str) -> String {
    let unit = unit.replace('％', "%");
    match unit.strip_prefix('个').or_else(|| unit.strip_prefix('個')) {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => unit,
    }
}

/// A number inside “…” of at most 12 characters is part of a name or slogan.
fn inside_short_quote(folded: &str, at: usize) -> bool {
    let before = &folded[..at];
    let open = before.rfind(['“', '"', '「']);
    let close = before.rfind(['”', '」']);
    let Some(open) = open else { return false };
    if close.is_some_and(|c| c > open) {
        return false;
    }
    let after = &folded[at..];
    match after.find(['”', '"', '」']) {
        Some(end) => folded[open..at + end].chars().count() <= 13,
        None => false,
    }
}

fn parse_number(text: &str) -> Option<String> {
    text.chars().map(numerals::ascii_digit).collect()
}

fn quantity(caps: &regex::Captures<'_>, chinese: bool) -> Option<Quantity> {
    let mult = numerals::multiplier(caps.name("mult").map(|m| m.as_str()).unwrap_or(""));
    let num = caps.name("num")?.as_str();
    let read = |text: &str| -> Option<f64> {
        if text.starts_with(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
            numerals::scaled(&parse_number(text)?, mult)
        } else {
            numerals::scaled(&numerals::parse_chinese(text)?.to_string(), mult)
        }
    };
    if chinese {
        let chars: Vec<char> = num.chars().collect();
        // 一两项, 两三所, 三五个: adjacent digits form a range.
        if chars.len() == 2
            && let (Some(a), Some(b)) = (
                numerals::digit_value(chars[0]),
                numerals::digit_value(chars[1]),
            )
            && a > 0
            && b > a
            && b - a <= 2
        {
            return Some(Quantity::Pair(
                a as f64 * mult as f64,
                b as f64 * mult as f64,
            ));
        }
    }
    let first = read(num)?;
    match caps.name("num2") {
        Some(second) => Some(Quantity::Pair(first, read(second.as_str())?)),
        None => Some(Quantity::Single(first)),
    }
}

fn comparator(folded: &str, start: usize, suffix: &str, more: bool) -> Comparator {
    match suffix {
        "以上" => return Comparator::Ge,
        "以内" | "以下" => return Comparator::Le,
        "左右" => return Comparator::Approx,
        "余" | "多" => return Comparator::Gt,
        _ => {}
    }
    if more {
        return Comparator::Gt;
    }
    let clause = &folded[clause_start(folded, start)..start];
    let tail_start = clause.char_indices().rev().nth(5).map_or(0, |(i, _)| i);
    let before = &clause[tail_start..];
    for (word, cmp) in PREFIX_CMP {
        if before.ends_with(word)
            || (before.contains(word)
                && before.len() - before.rfind(word).unwrap_or(0) <= word.len() + 6)
        {
            return *cmp;
        }
    }
    Comparator::Eq
}

/// First characters of every unit, so that a number before one is not called unclassified.
static UNIT_STARTS: LazyLock<Vec<char>> =
    LazyLock::new(|| UNITS.split('|').filter_map(|u| u.chars().next()).collect());

/// An Arabic number followed by a Chinese character, for the unclassified-number check.
static NUMBER_BEFORE_HAN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[0-9]+(?:\.[0-9]+)?(?P<next>\p{Han})").expect("valid regex"));

/// What may follow a number that is knowingly not a target: dates, ages, ordinals, names.
const NOT_TARGET_FOLLOWERS: &str = "年月日号岁周天时分秒点届批级星版代倍章款类种层校园课";

/// Spans of numbers that are neither targets nor knowingly ignored: a reviewer should look.
pub fn unclassified(folded: &str, base: usize, found: &[Target]) -> Vec<Span> {
    NUMBER_BEFORE_HAN
        .captures_iter(folded)
        .filter_map(|caps| {
            let whole = caps.get(0).expect("match");
            let next = caps["next"].chars().next()?;
            let before = folded[..whole.start()].chars().next_back();
            let known = NOT_TARGET_FOLLOWERS.contains(next)
                || UNIT_STARTS.contains(&next)
                || before.is_some_and(|b| {
                    b == '第' || b.is_ascii_alphanumeric() || matches!(b, '.' | '+')
                })
                || "万亿千百余多".contains(next);
            let span = Span::new(base + whole.start(), base + whole.end() - next.len_utf8());
            let covered = found
                .iter()
                .any(|t| t.span.start <= span.start && span.end <= t.span.end);
            (!known && !covered).then_some(span)
        })
        .collect()
}

/// Byte offset just after the clause break before `at` (or 0).
fn clause_start(folded: &str, at: usize) -> usize {
    folded[..at]
        .char_indices()
        .rev()
        .find(|(_, c)| CLAUSE_BREAKS.contains(c))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0)
}

#[allow(clippy::too_many_arguments)]
fn build(
    folded: &str,
    original: &str,
    base: usize,
    start: usize,
    end: usize,
    after_unit: usize,
    value: Quantity,
    unit: String,
    cmp: Comparator,
) -> Target {
    let clause_start = clause_start(folded, start);
    let clause_end = folded[end..]
        .find(CLAUSE_BREAKS)
        .map(|i| end + i)
        .unwrap_or(folded.len());
    let text: String = original[clause_start..clause_end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let indicator = indicator(
        folded,
        original,
        clause_start,
        start,
        after_unit,
        clause_end,
    );
    // An indicator that is missing or runs on past a short phrase was guessed.
    let check = indicator.chars().count() < 2 || indicator.chars().count() > 16 || unit.is_empty();
    Target {
        text,
        indicator,
        value,
        unit,
        cmp,
        span: Span::new(base + start, base + end),
        confidence: Confidence {
            rule: Rule::StatedTarget,
            check,
        },
    }
}

/// The shortest phrase naming what is counted: the noun after the unit (新增5个中外合作办学项目),
/// else the phrase before the number without its verb (公办园在园幼儿比例达到50%).
fn indicator(
    folded: &str,
    original: &str,
    clause_start: usize,
    start: usize,
    after_unit: usize,
    clause_end: usize,
) -> String {
    let after_folded = &folded[after_unit..clause_end];
    let mut skip = 0;
    for word in ["以上", "以内", "以下", "左右", "余", "的"] {
        if after_folded[skip..].starts_with(word) {
            skip += word.len();
        }
    }
    let after_end = after_folded[skip..]
        .find(['、', '和', '及', '（', '('])
        .map(|i| skip + i)
        .unwrap_or(after_folded.len());
    let after = &original[after_unit + skip..after_unit + after_end];
    if after.chars().filter(|c| crate::chars::is_cjk(*c)).count() >= 2 {
        return after.chars().filter(|c| !c.is_whitespace()).collect();
    }
    let mut phrase_start = folded[clause_start..start]
        .rfind('、')
        .map(|i| clause_start + i + '、'.len_utf8())
        .unwrap_or(clause_start);
    let mut phrase_end = start;
    loop {
        let current = &folded[phrase_start..phrase_end];
        match VERB_TAILS
            .iter()
            .find(|w| current.ends_with(**w) && current.len() > w.len())
        {
            Some(w) => phrase_end -= w.len(),
            None => break,
        }
    }
    if let Some(ordinal) = ORDINAL_LEAD.find(&folded[phrase_start..phrase_end]) {
        phrase_start += ordinal.end();
    }
    loop {
        let current = &folded[phrase_start..phrase_end];
        match LEADING_WORDS
            .iter()
            .find(|w| current.starts_with(**w) && current.len() > w.len())
        {
            Some(w) => phrase_start += w.len(),
            None => break,
        }
    }
    original[phrase_start..phrase_end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (Quantity, String, Comparator, String) {
        let found = find(text, text, 0);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        let t = &found[0];
        (t.value, t.unit.clone(), t.cmp, t.indicator.clone())
    }

    #[test]
    fn reads_the_spec_examples() {
        use Comparator::*;
        use Quantity::*;
        let cases = [
            (
                "新改扩建幼儿园 20 所",
                Single(20.0),
                "所",
                Eq,
                "新改扩建幼儿园",
            ),
            (
                "公办园在园幼儿比例达到 50%以上",
                Single(50.0),
                "%",
                Ge,
                "公办园在园幼儿比例",
            ),
            (
                "义务教育“大班额”控制在2%以内",
                Single(2.0),
                "%",
                Le,
                "义务教育“大班额”",
            ),
            ("新增学位0.8万个", Single(8000.0), "个", Eq, "新增学位"),
            (
                "概算总投资4.65亿元",
                Single(465_000_000.0),
                "元",
                Eq,
                "概算总投资",
            ),
            (
                "生均公用经费标准提高到每生每年600元",
                Single(600.0),
                "元",
                Eq,
                "生均公用经费标准",
            ),
            (
                "让每个学生掌握2项运动技能",
                Single(2.0),
                "项",
                Eq,
                "运动技能",
            ),
            (
                "确保学生每天锻炼一小时",
                Single(1.0),
                "小时",
                Eq,
                "学生每天锻炼",
            ),
            (
                "在校研究生数量突破 1 万人",
                Single(10_000.0),
                "人",
                Gt,
                "在校研究生数量",
            ),
            (
                "职普招生结构比不低于4：6",
                Pair(4.0, 6.0),
                ":",
                Ge,
                "职普招生结构比",
            ),
            (
                "帮助学生形成一两项艺术特长",
                Pair(1.0, 2.0),
                "项",
                Eq,
                "艺术特长",
            ),
            (
                "申报10—15所全国校园足球特色学校",
                Pair(10.0, 15.0),
                "所",
                Eq,
                "全国校园足球特色学校",
            ),
            (
                "讲党课活动达到1000余场",
                Single(1000.0),
                "场",
                Gt,
                "讲党课活动",
            ),
            (
                "建成10门左右师德基地精品课程",
                Single(10.0),
                "门",
                Approx,
                "师德基地精品课程",
            ),
        ];
        for (text, value, unit, cmp, indicator) in cases {
            let (v, u, c, i) = one(&text.replace(' ', ""));
            assert_eq!(
                (v, u.as_str(), c, i.as_str()),
                (value, unit, cmp, indicator),
                "{text}"
            );
        }
        let (_, _, _, indicator) = one("新改扩建幼儿园20所");
        assert_eq!(indicator, "新改扩建幼儿园");
        let (_, _, _, indicator) = one("新增5个中外合作办学项目");
        assert_eq!(indicator, "中外合作办学项目");
    }

    #[test]
    fn leaves_out_what_is_not_a_target() {
        for text in [
            "2020年是关键之年",
            "第三批试点学校",
            "第46届世界技能大赛",
            "增强“四个意识”，做到“两个维护”",
            "实施“十四五”规划",
            "推进1+X证书制度试点",
            "教育信息化2.0行动",
            "面向3-6岁儿童",
            "2020—2022年行动计划",
            "3个月内完成",
            "56人以上大班额全面消除",
            "建设一批示范校",
        ] {
            assert!(
                find(text, text, 0).is_empty(),
                "{text}: {:?}",
                find(text, text, 0)
            );
        }
    }

    #[test]
    fn flags_numbers_it_cannot_classify() {
        let text = "建成10个基地，覆盖3镇，2024年完成，第3批。";
        let found = find(text, text, 0);
        let flagged: Vec<&str> = unclassified(text, 0, &found)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(flagged, vec!["3"]);
    }

    #[test]
    fn spans_point_at_the_number() {
        let text = "一是新增学位8640个。";
        let found = find(text, text, 100);
        let span = found[0].span;
        assert_eq!(&text[span.start - 100..span.end - 100], "8640个");
    }
}
