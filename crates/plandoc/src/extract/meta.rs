//! Document metadata: issuers, year, 文号, issue date and the general requirement.

use std::sync::LazyLock;

use regex::Regex;

use super::{Line, Text};
use crate::numerals;

static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<y>(?:19|20)[0-9]{2}|[一二〇零][〇零一二三四五六七八九]{3})\s*年")
        .expect("valid regex")
});
/// A preamble that opens with its own year: "2020年是…", "2020年，全市教育工作的总体要求是".
static BODY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[^。]{0,12}?)(?P<y>(?:19|20)[0-9]{2})\s*年\s*(?:是|，|,|全市|全县|全区|全省|我市|我县|我区|教育|的?(?:工作|总体))")
        .expect("valid regex")
});
static DOC_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[\p{Han}]{1,10}\s*[〔\[［【(（]\s*(?:19|20)[0-9]{2}\s*[〕\]］】)）]\s*[0-9]{1,4}\s*号",
    )
    .expect("valid regex")
});
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<y>(?:19|20)[0-9]{2}|[一二〇零][〇零一二三四五六七八九]{3})\s*年\s*(?P<m>[0-9]{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*(?P<d>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*日")
        .expect("valid regex")
});
static GENERAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:总体要求|总体思路|指导思想|总的要求|总体目标)(?:是)?\s*[：:]?")
        .expect("valid regex")
});
static ISSUER_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:发文机构|发文单位|发文机关|发布机构|发布单位)\s*[：:]?\s*(?P<v>[\p{Han}（）()]{2,30})",
    )
    .expect("valid regex")
});
const ORG_SUFFIXES: &[&str] = &[
    "局",
    "委",
    "委员会",
    "厅",
    "办公室",
    "党委",
    "政府",
    "党组",
    "工委",
    "中心",
];

pub struct Meta {
    pub issuers: Vec<String>,
    pub title_year: Option<i32>,
    pub body_year: Option<i32>,
    pub doc_number: Option<String>,
    pub issue_date: Option<String>,
    pub general_requirement: Option<String>,
}

fn year_of(text: &str) -> Option<i32> {
    text.parse()
        .ok()
        .or_else(|| numerals::parse_chinese(text).map(|v| v as i32))
}

impl Meta {
    pub fn read(
        text: &Text<'_>,
        front: &[Line<'_>],
        doc: &[Line<'_>],
        title: Option<&str>,
        preamble: &[Line<'_>],
    ) -> Meta {
        let title_year = title
            .and_then(|t| YEAR.captures(t))
            .and_then(|c| year_of(&c["y"]));
        let first_paragraph = preamble
            .iter()
            .skip_while(|l| l.folded.trim().is_empty())
            .find(|l| l.folded.chars().count() > 20);
        let body_year = first_paragraph.and_then(|l| {
            let c = BODY_YEAR.captures(l.folded)?;
            year_of(&c["y"])
        });
        // A plan for next year opens by looking back at this one ("2024年，全市…。2025年是…"):
        // the body overrides the title only when it never names the title's year.
        let names_title_year = |t: i32| {
            first_paragraph.is_some_and(|l| {
                YEAR.captures_iter(l.folded)
                    .any(|c| year_of(&c["y"]) == Some(t))
            })
        };
        let body_year = match (title_year, body_year) {
            (Some(t), Some(_)) if names_title_year(t) => Some(t),
            (Some(t), Some(b)) if (t - b).abs() <= 1 => Some(b),
            (None, b) => b,
            _ => None,
        };
        let search: Vec<&Line<'_>> = front.iter().chain(doc.iter().take(40)).collect();
        let doc_number = search.iter().find_map(|l| {
            DOC_NUMBER
                .find(l.folded)
                .map(|m| text.original(l.start + m.start(), l.start + m.end()))
                .map(|s| s.chars().filter(|c| !c.is_whitespace()).collect())
        });
        let issue_date = search
            .iter()
            .chain(doc.iter().rev().take(8).collect::<Vec<_>>().iter())
            .find_map(|l| date(l.folded));
        let general_requirement = preamble.iter().find_map(|l| {
            let m = GENERAL.find(l.folded)?;
            let original = text.original(l.start, l.end);
            let after = original[m.end()..].trim();
            Some(
                if after.chars().count() > 10 {
                    after
                } else {
                    original.trim()
                }
                .to_string(),
            )
        });
        let issuers = issuers_from_title(title)
            .or_else(|| signature(text, front))
            .or_else(|| {
                front.iter().find_map(|l| {
                    let c = ISSUER_LABEL.captures(l.folded)?;
                    let v = c.name("v")?;
                    Some(vec![
                        text.original(l.start + v.start(), l.start + v.end())
                            .to_string(),
                    ])
                })
            })
            .unwrap_or_default();
        Meta {
            issuers,
            title_year,
            body_year,
            doc_number,
            issue_date,
            general_requirement,
        }
    }
}

fn date(line: &str) -> Option<String> {
    if line.chars().count() > 40 {
        return None;
    }
    let c = DATE.captures(line)?;
    let num = |s: &str| -> Option<u32> {
        s.parse()
            .ok()
            .or_else(|| numerals::parse_chinese(s).map(|v| v as u32))
    };
    let (y, m, d) = (year_of(&c["y"])?, num(&c["m"])?, num(&c["d"])?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// "中共某市委教育工委 某市教育局2024年工作要点" → the bodies before the year.
fn issuers_from_title(title: Option<&str>) -> Option<Vec<String>> {
    let title = title?;
    let at = YEAR.find(title).map(|m| m.start())?;
    let prefix = title[..at].trim();
    let names: Vec<String> = prefix
        .split_whitespace()
        .filter(|p| p.chars().count() >= 2)
        .map(str::to_string)
        .collect();
    (!names.is_empty()).then_some(names)
}

/// A signature line before the document: organization names separated by spaces.
fn signature(text: &Text<'_>, front: &[Line<'_>]) -> Option<Vec<String>> {
    front.iter().rev().find_map(|l| {
        let original = text.original(l.start, l.end);
        let names: Vec<&str> = original.split_whitespace().collect();
        let all_orgs = !names.is_empty()
            && names.len() <= 4
            && names
                .iter()
                .all(|n| n.chars().count() >= 3 && ORG_SUFFIXES.iter().any(|s| n.ends_with(s)));
        all_orgs.then(|| names.iter().map(|n| n.to_string()).collect())
    })
}
