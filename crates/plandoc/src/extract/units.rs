//! Responsible units (责任单位 / 责任科室 / 牵头单位 / 配合单位 …) named in a task.
//!
//! Plans write them in two ways. A label opens a list that runs to the end of its line, to
//! the bracket that closes one opened before the label (〔责任单位：…〕), or to a 。. Or a
//! bracket closing a sentence holds nothing but bodies' names, with the roles as words:
//! （基教科牵头，财务科、安全科配合）, （办公室、人事科按职责分工负责）. A list splits at
//! 、，,；; and at spaces, never inside brackets (各县(市、区)教育局 is one body).

use std::sync::LazyLock;

use regex::Regex;

/// Whether a label names lead units, co-units, or just responsible units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Responsible,
    Lead,
    Co,
}

/// How a list was found: by a label, or as a bracket of names (less certain).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notation {
    Labelled,
    Bracket,
}

static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?P<open>[〔【\[（(]?)(?P<label>(?:主要)?(?:责任|牵头|配合|协办|协同|参与|主责|承办|落实|主办|实施)(?:单位|科室|处室|部门|股室|主体)(?:及(?:责任人|分管领导))?|责任(?:科|处|股|室)|牵头(?:科|处|股))\s*(?:[：:]|(?P<closed>[】\]〕])\s*[：:]?|(?P<bare>\s))",
    )
    .expect("valid regex")
});

/// A list of units found in the text, with its role and byte range (relative to the text).
#[derive(Debug, Clone)]
pub struct UnitList {
    pub role: Role,
    /// Each body with the role its own words give it (基教科牵头), if any.
    pub units: Vec<(String, Option<Role>)>,
    pub start: usize,
    pub notation: Notation,
    /// Written after the tasks for all of them (以上工作责任单位：…).
    pub covers_above: bool,
}

fn label_role(label: &str) -> Role {
    if label.starts_with("牵头") || label.starts_with("主责") || label.starts_with("主办") {
        Role::Lead
    } else if ["配合", "协办", "协同", "参与"]
        .iter()
        .any(|w| label.starts_with(w))
    {
        Role::Co
    } else {
        Role::Responsible
    }
}

/// Every unit list in `text` (a task's text, simplified characters).
pub fn find(text: &str, original: &str) -> Vec<UnitList> {
    let mut lists = Vec::new();
    let all: Vec<regex::Captures<'_>> = LABEL.captures_iter(text).collect();
    let mut covered: Vec<(usize, usize)> = Vec::new();
    for (index, caps) in all.iter().enumerate() {
        let whole = caps.get(0).expect("match");
        let next_label = all
            .get(index + 1)
            .map(|c| c.get(0).expect("match").start())
            .unwrap_or(text.len());
        let role = label_role(&caps["label"]);
        let open = caps.name("open").map(|m| m.as_str()).unwrap_or("");
        let closing = if caps.name("closed").is_some() {
            None
        } else {
            closing_for(open)
        };
        let rest_start = whole.end();
        let rest = &text[rest_start..next_label.max(rest_start)];
        let end = list_end(rest, closing);
        let units = split(&original[rest_start..rest_start + end], &rest[..end]);
        covered.push((whole.start(), rest_start + end));
        let line_start = text[..whole.start()].rfind('\n').map_or(0, |i| i + 1);
        let covers_above = text[line_start..whole.start()].starts_with("以上");
        if !units.is_empty() {
            lists.push(UnitList {
                role,
                units,
                start: whole.start(),
                notation: Notation::Labelled,
                covers_above,
            });
        }
    }
    let brackets = if lists.is_empty() {
        brackets(text)
    } else {
        Vec::new()
    };
    for (open, close) in brackets {
        let inside = (open, close);
        if covered.iter().any(|&(a, b)| a <= inside.1 && inside.0 <= b) {
            continue;
        }
        if let Some(list) = bracket_list(text, original, open, close) {
            lists.push(list);
        }
    }
    lists.sort_by_key(|l| l.start);
    lists
}

/// Top-level bracket pairs: the byte of the opening bracket and of the closing one.
fn brackets(text: &str) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut depth = 0;
    let mut open_at = 0;
    for (i, c) in text.char_indices() {
        match c {
            '（' | '(' | '〔' | '【' => {
                if depth == 0 {
                    open_at = i;
                }
                depth += 1;
            }
            '）' | ')' | '〕' | '】' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    pairs.push((open_at, i));
                }
            }
            '\n' => depth = 0,
            _ => {}
        }
    }
    pairs
}

/// Words that open a bracket which explains rather than names: （含民办）, （以下简称…）.
const NOT_A_LIST: &[&str] = &[
    "含", "包括", "其中", "以下", "不含", "即", "如", "简称", "试行", "暂行",
];

/// A bracket closing a sentence whose every piece is a body's name.
fn bracket_list(text: &str, original: &str, open: usize, close: usize) -> Option<UnitList> {
    let open_len = text[open..].chars().next()?.len_utf8();
    let (from, to) = (open + open_len, close);
    let inner = &text[from..to];
    if inner.chars().count() > 120 || NOT_A_LIST.iter().any(|w| inner.starts_with(w)) {
        return None;
    }
    let after = text[close..].chars().nth(1);
    let ends_sentence = after.is_none_or(|c| "。；;，,\n ".contains(c));
    if !ends_sentence {
        return None;
    }
    let units = split(&original[from..to], inner);
    let simplified = split(inner, inner);
    if units.is_empty() || !simplified.iter().all(|(name, _)| unit_like(name)) {
        return None;
    }
    // 计划财务股（基建办）: a bracket right after a body's name is part of that name.
    let before = text[..open].chars().last();
    if units.len() == 1 && units[0].1.is_none() && before.is_some_and(ends_like_body) {
        return None;
    }
    Some(UnitList {
        role: Role::Responsible,
        units,
        start: open,
        notation: Notation::Bracket,
        covers_above: false,
    })
}

/// Endings of bodies' names in this genre.
const BODY_ENDINGS: &[&str] = &[
    "科", "股", "处", "室", "办", "中心", "局", "委", "部", "会", "院", "校", "所", "站", "队",
    "团", "馆", "组", "公司", "政府", "园", "厅", "社", "台", "联", "协", "街道", "单位",
];

fn ends_like_body(c: char) -> bool {
    "科股处室办心局委部会院校所站队团馆组".contains(c)
}

/// Whether `name` reads as one body: a short name ending as bodies do (各县区 too).
pub fn unit_like(name: &str) -> bool {
    let bare: String = without_brackets(name);
    let count = bare.chars().count();
    if !(2..=30).contains(&count)
        || bare
            .chars()
            .any(|c| c.is_ascii_digit() || "。：:".contains(c))
    {
        return false;
    }
    BODY_ENDINGS.iter().any(|e| bare.ends_with(e)) || bare.starts_with('各') && count <= 12
}

fn without_brackets(name: &str) -> String {
    let mut depth = 0;
    name.chars()
        .filter(|c| {
            match c {
                '(' | '（' => depth += 1,
                ')' | '）' => {
                    depth -= 1;
                    return false;
                }
                _ => {}
            }
            depth == 0
        })
        .collect()
}

fn closing_for(open: &str) -> Option<char> {
    match open {
        "〔" => Some('〕'),
        "【" => Some('】'),
        "[" => Some(']'),
        "（" => Some('）'),
        "(" => Some(')'),
        _ => None,
    }
}

/// Where a unit list ends: the closing bracket of its label, a 。, the next field on the
/// line, or the end of the line (the caller has already cut `rest` at the next label).
fn list_end(rest: &str, closing: Option<char>) -> usize {
    let mut depth = 0i32;
    let mut last_separator = 0;
    for (i, c) in rest.char_indices() {
        match c {
            '\n' | '。' => return i,
            // Another field follows on the line (完成时限：…, 责任领导：…): names hold no colon.
            '：' | ':' if depth == 0 => return last_separator,
            ' ' | '\t' | '；' | ';' | '，' | ',' if depth == 0 => last_separator = i,
            c if Some(c) == closing && depth == 0 => return i,
            '(' | '（' | '〔' | '【' | '[' => depth += 1,
            ')' | '）' | '〕' | '】' | ']' => {
                if depth == 0 {
                    return i;
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    rest.len()
}

/// Role words written after names, longest first: what they say and how long they are.
const ROLE_WORDS: &[(&str, Option<Role>)] = &[
    ("按职责分工负责", None),
    ("按职责分工落实", None),
    ("按职能分工负责", None),
    ("按职责负责", None),
    ("分工负责", None),
    ("共同负责", None),
    ("具体负责", None),
    ("负责落实", None),
    ("牵头负责", Some(Role::Lead)),
    ("牵头", Some(Role::Lead)),
    ("配合", Some(Role::Co)),
    ("参与", Some(Role::Co)),
    ("协同", Some(Role::Co)),
    ("协助", Some(Role::Co)),
    ("协办", Some(Role::Co)),
    ("负责", None),
    ("落实", None),
    ("等", None),
];

/// Drops a role word from the end of a clause and says which role it gave.
fn strip_role(clause: &str) -> (&str, Option<Role>) {
    let trimmed = clause.trim_end_matches(['。', '；', ';', '：', ' ']);
    for (word, role) in ROLE_WORDS {
        if let Some(rest) = trimmed.strip_suffix(word) {
            let (rest, _) = strip_role(rest);
            return (rest, *role);
        }
    }
    (trimmed, None)
}

/// Splits a list at separators outside brackets; `folded` is the same text in simplified
/// characters (same byte offsets), `list` the document's own characters. A role word
/// closing a clause (…牵头，…配合) applies to every name of that clause.
pub fn split(list: &str, folded: &str) -> Vec<(String, Option<Role>)> {
    let mut units = Vec::new();
    let mut depth = 0i32;
    let mut clause: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    let flush = |clause: &mut Vec<(usize, usize)>, units: &mut Vec<(String, Option<Role>)>| {
        let Some(&(last_from, last_to)) = clause.last() else {
            return;
        };
        let (kept, role) = strip_role(&folded[last_from..last_to]);
        let cut = last_from + kept.len();
        let pieces = clause.len();
        for (i, &(from, to)) in clause.iter().enumerate() {
            let to = if i + 1 == pieces { cut } else { to };
            push_unit(units, &list[from..to], &folded[from..to], role);
        }
        clause.clear();
    };
    for (i, c) in folded.char_indices() {
        match c {
            '(' | '（' | '〔' | '【' | '[' | '《' | '“' => depth += 1,
            ')' | '）' | '〕' | '】' | ']' | '》' | '”' => depth = (depth - 1).max(0),
            // A space splits only between names: 基礎 教育科 is one body with a stray space.
            ' ' | '\t' | '/' if depth == 0 && !unit_like(folded[start..i].trim()) => {}
            '、' | ' ' | '\t' | '/' if depth == 0 => {
                clause.push((start, i));
                start = i + c.len_utf8();
            }
            '，' | ',' | '；' | ';' if depth == 0 => {
                clause.push((start, i));
                flush(&mut clause, &mut units);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    clause.push((start, folded.len()));
    flush(&mut clause, &mut units);
    units
}

/// Adds one unit after trimming, and splits "团工委各县(市、区)教育局", where a list lost its
/// separator before a 各… body.
fn push_unit(
    units: &mut Vec<(String, Option<Role>)>,
    unit: &str,
    folded: &str,
    role: Option<Role>,
) {
    let trimmed_start = unit.len() - unit.trim_start().len();
    let unit = unit.trim();
    let folded = folded[trimmed_start..trimmed_start + unit.len()].trim_end();
    let (kept, own_role) = strip_role(folded);
    let role = own_role.or(role);
    let cut = kept.len();
    let (unit, folded) = (&unit[..cut], &folded[..cut]);
    if unit.is_empty() {
        return;
    }
    if let Some(at) = glued_each(folded) {
        units.push((unit[..at].to_string(), role));
        units.push((unit[at..].to_string(), role));
    } else {
        units.push((unit.to_string(), role));
    }
}

/// Byte offset of a 各 that starts a second body glued to a first one.
fn glued_each(folded: &str) -> Option<usize> {
    let (at, _) = folded.char_indices().skip(2).find(|(_, c)| *c == '各')?;
    let before = folded[..at].chars().last()?;
    let ends_body = "委科室局部处办会校院心组站所队团馆".contains(before);
    let subordinate = [
        "各县",
        "各区",
        "各市",
        "各乡",
        "各镇",
        "各旗",
        "各高校",
        "各学校",
        "各校",
        "各直属",
        "各有关",
    ]
    .iter()
    .any(|w| folded[at..].starts_with(w));
    (ends_body && subordinate).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(Role, Vec<String>)> {
        find(text, text)
            .into_iter()
            .map(|l| (l.role, l.units.into_iter().map(|(n, _)| n).collect()))
            .collect()
    }

    #[test]
    fn splits_outside_brackets_only() {
        let found = names("加强管理。〔责任单位:组织部、宣传部,各县(市、区)教育局\n下一行");
        assert_eq!(
            found,
            vec![(
                Role::Responsible,
                vec![
                    "组织部".into(),
                    "宣传部".into(),
                    "各县(市、区)教育局".into()
                ]
            )]
        );
    }

    #[test]
    fn tells_lead_from_co_units() {
        let found = names("（牵头单位：基教科；配合单位：财务科、规划科）");
        assert_eq!(
            found,
            vec![
                (Role::Lead, vec!["基教科".into()]),
                (Role::Co, vec!["财务科".into(), "规划科".into()]),
            ]
        );
    }

    #[test]
    fn keeps_full_width_brackets_and_drops_full_stop() {
        let found = names("责任科室：党建办（巡察办）、规划财务（审计）科。");
        assert_eq!(
            found[0].1,
            vec![
                "党建办（巡察办）".to_string(),
                "规划财务（审计）科".to_string()
            ]
        );
    }

    #[test]
    fn separates_a_glued_each_body() {
        let units = split(
            "教育工会、团工委各县(市、区)教育局",
            "教育工会、团工委各县(市、区)教育局",
        );
        let names: Vec<String> = units.into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, vec!["教育工会", "团工委", "各县(市、区)教育局"]);
    }

    #[test]
    fn reads_a_bracket_of_names_with_role_words() {
        let text = "扩大普惠资源。（基础教育科牵头，计划财务科、安全科配合）";
        let lists = find(text, text);
        assert_eq!(lists.len(), 1);
        assert_eq!(lists[0].notation, Notation::Bracket);
        assert_eq!(
            lists[0].units,
            vec![
                ("基础教育科".to_string(), Some(Role::Lead)),
                ("计划财务科".to_string(), Some(Role::Co)),
                ("安全科".to_string(), Some(Role::Co)),
            ]
        );
        let shared = "抓好安全。（办公室、人事科按职责分工负责）";
        let names: Vec<String> = find(shared, shared)[0]
            .units
            .iter()
            .map(|u| u.0.clone())
            .collect();
        assert_eq!(names, vec!["办公室", "人事科"]);
    }

    #[test]
    fn a_list_ends_where_another_field_begins() {
        let text = "责任股室：基础教育股、计财股  完成时限：6月底前";
        assert_eq!(
            find(text, text)[0].units,
            vec![
                ("基础教育股".to_string(), None),
                ("计财股".to_string(), None)
            ]
        );
    }

    #[test]
    fn a_bracket_that_explains_is_not_a_list() {
        for text in [
            "覆盖所有学校（含民办）。",
            "完成规划编制（2024—2026年）。",
            "由计划财务股（基建办）负责。",
            "推进评价改革（试行）。",
        ] {
            assert!(find(text, text).is_empty(), "{text}");
        }
    }
}
