//! Responsible units (责任单位 / 责任科室 / 牵头单位 / 配合单位 …) named in a task.
//!
//! A label opens a list that runs to the end of its line, to the bracket that closes one
//! opened before the label (〔责任单位：…〕), or to a 。. The list splits at 、，,；; and at
//! spaces, never inside brackets (各县(市、区)教育局 is one body).

use std::sync::LazyLock;

use regex::Regex;

/// Whether a label names lead units, co-units, or just responsible units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Responsible,
    Lead,
    Co,
}

static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?P<open>[〔【\[（(]?)(?P<label>(?:主要)?(?:责任|牵头|配合|协办|协同|参与|主责|承办|落实)(?:单位|科室|处室|部门|股室|主体)(?:及(?:责任人|分管领导))?|责任(?:科|处|股)|牵头(?:科|处))\s*(?:[：:]|(?P<bare>\s))",
    )
    .expect("valid regex")
});

/// A list of units found in the text, with its role and byte range (relative to the text).
#[derive(Debug, Clone)]
pub struct UnitList {
    pub role: Role,
    pub units: Vec<String>,
    pub start: usize,
}

/// Every labelled unit list in `text` (a task's text, simplified characters).
pub fn find(text: &str, original: &str) -> Vec<UnitList> {
    let mut lists = Vec::new();
    let all: Vec<regex::Captures<'_>> = LABEL.captures_iter(text).collect();
    for (index, caps) in all.iter().enumerate() {
        let whole = caps.get(0).expect("match");
        let next_label = all
            .get(index + 1)
            .map(|c| c.get(0).expect("match").start())
            .unwrap_or(text.len());
        let label = &caps["label"];
        let role = if label.starts_with("牵头") || label.starts_with("主责") {
            Role::Lead
        } else if ["配合", "协办", "协同", "参与"]
            .iter()
            .any(|w| label.starts_with(w))
        {
            Role::Co
        } else {
            Role::Responsible
        };
        let open = caps.name("open").map(|m| m.as_str()).unwrap_or("");
        let rest_start = whole.end();
        let rest = &text[rest_start..next_label.max(rest_start)];
        let end = list_end(rest, closing_for(open));
        let folded_list = &rest[..end];
        let list = &original[rest_start..rest_start + end];
        let units = split(list, folded_list);
        if !units.is_empty() {
            lists.push(UnitList {
                role,
                units,
                start: whole.start(),
            });
        }
    }
    lists
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

/// Where a unit list ends: the closing bracket of its label, a 。, or the end of the line
/// (the caller has already cut `rest` at the next label).
fn list_end(rest: &str, closing: Option<char>) -> usize {
    let mut depth = 0i32;
    for (i, c) in rest.char_indices() {
        match c {
            '\n' | '。' => return i,
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

/// Splits a list at separators outside brackets; `folded` is the same text in simplified
/// characters (same byte offsets), `list` the document's own characters.
pub fn split(list: &str, folded: &str) -> Vec<String> {
    let mut units = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in folded.char_indices() {
        match c {
            '(' | '（' | '〔' | '【' | '[' | '《' | '“' => depth += 1,
            ')' | '）' | '〕' | '】' | ']' | '》' | '”' => depth = (depth - 1).max(0),
            '、' | '，' | ',' | '；' | ';' | ' ' | '\t' | '/' if depth == 0 => {
                push_unit(&mut units, &list[start..i], &folded[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    push_unit(&mut units, &list[start..], &folded[start..]);
    units
}

/// Adds one unit after trimming, and splits "团工委各县(市、区)教育局", where a list lost its
/// separator before a 各… body.
fn push_unit(units: &mut Vec<String>, unit: &str, folded: &str) {
    let trimmed_start = unit.len() - unit.trim_start().len();
    let unit = unit.trim();
    let folded = folded[trimmed_start..trimmed_start + unit.len()].trim_end();
    let mut cut = unit.len();
    for (suffix, _) in [("。", 0), ("；", 0), ("等", 0), ("：", 0)] {
        if folded[..cut].ends_with(suffix) {
            cut -= suffix.len();
        }
    }
    let (unit, folded) = (&unit[..cut], &folded[..cut]);
    if unit.is_empty() {
        return;
    }
    if let Some(at) = glued_each(folded) {
        units.push(unit[..at].to_string());
        units.push(unit[at..].to_string());
    } else {
        units.push(unit.to_string());
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
            .map(|l| (l.role, l.units))
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
        assert_eq!(units, vec!["教育工会", "团工委", "各县(市、区)教育局"]);
    }
}
