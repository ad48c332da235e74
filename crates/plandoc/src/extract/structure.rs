//! The document's numbering hierarchy, read from the document itself.
//!
//! Plans of this genre number their parts with a handful of marker styles that always nest
//! in the same order (第一部分 › 一、 › （一） › 1. › （1） › ①), but which of them a
//! document uses, and which level holds the tasks, varies: 一、 sections with 1. tasks,
//! 一、 with （一） tasks, （一） as the top level, only 一、 items, 1. tasks grouped under
//! （一） headings. The styles present are found first; the top one gives the sections and
//! the task level is chosen among the ones below by where the responsible units are
//! written and by how the numbers run. Items are then accepted only while their numbers run
//! in sequence (restarting under a new parent, or starting anywhere when the next item
//! follows), so a stray "3、" inside a sentence is not a task.

use std::sync::LazyLock;

use regex::Regex;

use super::{Line, Text, units};
use crate::model::{Rule, Span, Warning, WarningCode};

/// A numbering style, in nesting order: a lower rank is a higher level.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(super) enum Style {
    /// 第一部分.
    Part,
    /// 一、
    Section,
    /// （一）
    ParenChinese,
    /// 1. 1、 1． 1﹒ "1 ."
    ArabicDot,
    /// （1） (1) 1）
    ArabicParen,
    /// ① ②
    Circled,
    /// "4 " before the text: only where no other Arabic style is used.
    Bare,
}

/// A marker at the start of a line: its style, number and where the text after it begins
/// (bytes into the line).
#[derive(Clone, Copy, Debug)]
pub(super) struct Marker {
    pub style: Style,
    pub no: u32,
    pub body: usize,
}

const CN: &str = "[一二三四五六七八九十]{1,3}";

static PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^第(?P<n>{CN})(?:部分|篇)[、，:：\s]*")).expect("valid regex")
});
static SECTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^(?P<n>{CN})\s*[、.．﹒]\s*")).expect("valid regex"));
static PAREN_CHINESE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^[（(]\s*(?P<n>{CN})\s*[）)]\s*[、.．]?\s*")).expect("valid regex")
});
static ARABIC_DOT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?P<n>[0-9０-９]{1,3})\s*[.．、﹒]\s*").expect("valid regex"));
static ARABIC_PAREN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[（(]\s*(?P<a>[0-9０-９]{1,3})\s*[）)]|(?P<b>[0-9０-９]{1,3})\s*[）)])\s*[、.．]?\s*",
    )
    .expect("valid regex")
});
static BARE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?P<n>[0-9]{1,3})[ \t]+").expect("valid regex"));

fn number(s: &str) -> Option<u32> {
    let ascii: String = s.chars().filter_map(crate::numerals::ascii_digit).collect();
    ascii
        .parse()
        .ok()
        .or_else(|| crate::numerals::parse_chinese(s).and_then(|v| u32::try_from(v).ok()))
}

/// The marker a line opens with, if any.
pub(super) fn marker(line: &str) -> Option<Marker> {
    let first = line.chars().next()?;
    if let Some(no) = circled(first) {
        return Some(Marker {
            style: Style::Circled,
            no,
            body: first.len_utf8(),
        });
    }
    if !(first.is_ascii_digit()
        || ('０'..='９').contains(&first)
        || "（(第".contains(first)
        || crate::numerals::is_numeral_char(first))
    {
        return None;
    }
    let found = |style: Style, re: &Regex| -> Option<Marker> {
        let c = re.captures(line)?;
        let n = c.name("n").or(c.name("a")).or(c.name("b"))?;
        Some(Marker {
            style,
            no: number(n.as_str())?,
            body: c.get(0)?.end(),
        })
    };
    // Only the styles that can open with this character are tried.
    let m = match first {
        '第' => found(Style::Part, &PART),
        '（' | '(' => found(Style::ParenChinese, &PAREN_CHINESE)
            .or_else(|| found(Style::ArabicParen, &ARABIC_PAREN)),
        c if c.is_ascii_digit() || ('０'..='９').contains(&c) => {
            found(Style::ArabicParen, &ARABIC_PAREN)
                .or_else(|| found(Style::ArabicDot, &ARABIC_DOT))
                .or_else(|| found(Style::Bare, &BARE))
        }
        _ => found(Style::Section, &SECTION),
    }?;
    let next = line[m.body..].chars().next();
    let arabic = matches!(m.style, Style::ArabicDot | Style::ArabicParen | Style::Bare);
    // 3.5万, 3、4月份, 1%: a number, not a marker.
    if arabic && next.is_some_and(|n| n.is_ascii_digit() || n == '%' || ('０'..='９').contains(&n))
    {
        return None;
    }
    if m.style == Style::Bare && !next.is_some_and(crate::chars::is_cjk) {
        return None;
    }
    // "一、二年级" or "十、" inside a list of years is not a heading: a section marker is
    // followed by words.
    if m.no == 0 || next.is_none() && m.style != Style::Section {
        return None;
    }
    Some(m)
}

fn circled(c: char) -> Option<u32> {
    let v = c as u32;
    (0x2460..=0x2473).contains(&v).then(|| v - 0x2460 + 1)
}

/// A section as found: its number, title, heading line and where its text ends.
pub(super) struct SectionBlock {
    pub no: u32,
    pub title: String,
    pub line: usize,
    pub end_byte: usize,
}

/// A task as found: number, section, heading line, and the byte range of its text.
pub(super) struct TaskBlock {
    pub no: u32,
    pub section: u32,
    pub line: usize,
    pub body_start: usize,
    pub end: usize,
    /// Why this level was read as the task level, for the reviewer.
    pub rule: Rule,
    /// Read from an irregular marker (a bare number, a gap, a first number other than 1).
    pub irregular: bool,
}

pub(super) struct Structure {
    pub sections: Vec<SectionBlock>,
    pub tasks: Vec<TaskBlock>,
    pub first_heading: Option<usize>,
    /// Byte ranges of text that belongs to no task (preamble, section introductions).
    pub outside: Vec<(usize, usize)>,
}

/// Styles used by the document: at least two items of the style whose numbers follow
/// each other somewhere.
fn present_styles(markers: &[Option<Marker>]) -> Vec<Style> {
    let mut styles: Vec<Style> = Vec::new();
    for style in [
        Style::Part,
        Style::Section,
        Style::ParenChinese,
        Style::ArabicDot,
        Style::ArabicParen,
        Style::Circled,
        Style::Bare,
    ] {
        let numbers: Vec<u32> = markers
            .iter()
            .flatten()
            .filter(|m| m.style == style)
            .map(|m| m.no)
            .collect();
        let follows = numbers.windows(2).filter(|w| w[1] == w[0] + 1).count();
        let needed = if style == Style::Bare { 2 } else { 1 };
        // A plan of one part (一、 alone) still has it as its section.
        let single_part = style <= Style::ParenChinese && numbers == [1];
        if follows >= needed || single_part {
            styles.push(style);
        }
    }
    if styles.contains(&Style::Section) {
        styles.retain(|s| *s != Style::Part);
    }
    if styles
        .iter()
        .any(|s| matches!(s, Style::ArabicDot | Style::ArabicParen))
    {
        styles.retain(|s| *s != Style::Bare);
    }
    styles
}

/// Share of the items of `style` whose text (down to the next item of the same or a
/// higher level) names responsible units.
fn unit_share(
    text: &Text<'_>,
    lines: &[Line<'_>],
    markers: &[Option<Marker>],
    style: Style,
) -> f64 {
    let mut items = 0usize;
    let mut with_units = 0usize;
    for (i, m) in markers.iter().enumerate() {
        if !m.is_some_and(|m| m.style == style) {
            continue;
        }
        let end = markers[i + 1..]
            .iter()
            .position(|n| n.is_some_and(|n| n.style <= style))
            .map_or(lines.len(), |p| i + 1 + p);
        let (from, to) = (lines[i].start, lines[end - 1].end);
        items += 1;
        if !units::find(&text.folded[from..to], text.original(from, to)).is_empty() {
            with_units += 1;
        }
    }
    if items == 0 {
        0.0
    } else {
        with_units as f64 / items as f64
    }
}

/// Whether the numbers of `lower` run on across the items of `upper` (1. 2. under （一）,
/// 3. 4. under （二）) rather than restarting under each.
fn numbered_across(markers: &[Option<Marker>], upper: Style, lower: Style) -> bool {
    let mut continues = 0;
    let mut restarts = 0;
    let mut last_lower: Option<u32> = None;
    let mut after_upper = false;
    for m in markers.iter().flatten() {
        if m.style == upper {
            after_upper = true;
        } else if m.style == lower {
            if after_upper && let Some(last) = last_lower {
                if m.no == 1 {
                    restarts += 1;
                } else if m.no == last + 1 {
                    continues += 1;
                }
            }
            after_upper = false;
            last_lower = Some(m.no);
        } else if m.style < upper {
            last_lower = None;
        }
    }
    continues > restarts
}

/// The section style (if the document has sections) and the task style.
fn choose_levels(
    text: &Text<'_>,
    lines: &[Line<'_>],
    markers: &[Option<Marker>],
    present: &[Style],
) -> Option<(Option<Style>, Style, Rule)> {
    let (&top, below) = present.split_first()?;
    let Some(&first) = below.first() else {
        return Some((None, top, Rule::TopLevelOnly));
    };
    // 1. items at the top are tasks (with points (1) (2) inside), unless only the level
    // below carries the units.
    if top >= Style::ArabicDot
        && !(unit_share(text, lines, markers, first) >= 0.6
            && unit_share(text, lines, markers, top) < 0.3)
    {
        return Some((None, top, Rule::TopLevelOnly));
    }
    let Some(&second) = below.get(1) else {
        return Some((Some(top), first, Rule::OnlyLevel));
    };
    if !(first == Style::ParenChinese && second == Style::ArabicDot) {
        return Some((Some(top), first, Rule::FirstLevelBelowSections));
    }
    let upper_units = unit_share(text, lines, markers, first);
    let lower_units = unit_share(text, lines, markers, second);
    if lower_units >= 0.6 {
        return Some((Some(top), second, Rule::LevelWithUnits));
    }
    if upper_units >= 0.5 {
        return Some((Some(top), first, Rule::LevelWithUnits));
    }
    if numbered_across(markers, first, second) {
        return Some((Some(top), second, Rule::NumberedAcrossGroups));
    }
    Some((Some(top), first, Rule::FirstLevelBelowSections))
}

/// Whether the next item of `style` after line `i` carries number `no + 1`: lets a
/// sequence start anywhere (an excerpt from task 17, table rows 80, 81).
fn next_follows(markers: &[Option<Marker>], i: usize, style: Style, no: u32) -> bool {
    markers[i + 1..]
        .iter()
        .flatten()
        .find(|m| m.style == style)
        .is_some_and(|m| m.no == no + 1)
}

impl Structure {
    pub fn read(
        text: &Text<'_>,
        lines: &[Line<'_>],
        warnings: &mut Vec<Warning>,
        summary: bool,
        heading: impl Fn(&Line<'_>, usize) -> String,
    ) -> Structure {
        let mut markers: Vec<Option<Marker>> = lines.iter().map(|l| l.marker).collect();
        // Bare "3 " among "2 ." and "4 ." items (PDF text loses the dots): one style.
        let mut bare_lines = vec![false; markers.len()];
        if markers
            .iter()
            .flatten()
            .any(|m| m.style == Style::ArabicDot)
        {
            for (m, bare) in markers.iter_mut().zip(bare_lines.iter_mut()) {
                if let Some(m) = m.as_mut().filter(|m| m.style == Style::Bare) {
                    m.style = Style::ArabicDot;
                    *bare = true;
                }
            }
        }
        let present = present_styles(&markers);
        let levels = choose_levels(text, lines, &markers, &present).map(|(s, t, r)| {
            // A summary reports by section, whatever lies below.
            if summary && s.is_none() {
                (Some(t), Style::Circled, r)
            } else {
                (s, t, r)
            }
        });
        let Some((section_style, task_style, rule)) = levels else {
            return Structure {
                sections: Vec::new(),
                tasks: Vec::new(),
                first_heading: None,
                outside: Vec::new(),
            };
        };
        let mut sections: Vec<SectionBlock> = Vec::new();
        let mut tasks: Vec<TaskBlock> = Vec::new();
        let mut first_heading = None;
        let mut last_task_no = 0;
        let mut new_parent = true;
        let end_of = |i: usize| {
            lines
                .get(i)
                .map(|l| l.start)
                .unwrap_or_else(|| lines.last().map_or(0, |l| l.end))
        };
        for (i, m) in markers.iter().enumerate() {
            let Some(m) = m else { continue };
            if lines[i].folded[m.body..].trim().is_empty() {
                continue;
            }
            if Some(m.style) == section_style {
                let expected = sections.last().map_or(1, |s| s.no + 1);
                let starts =
                    sections.is_empty() && (m.no <= 3 || next_follows(&markers, i, m.style, m.no));
                let accepted = starts || (m.no >= expected && m.no <= expected + 1);
                if !accepted {
                    continue;
                }
                if m.no != expected && !sections.is_empty() {
                    warnings.push(gap_warning("一级标题", expected, m.no, &lines[i]));
                }
                if let Some(last) = sections.last_mut() {
                    last.end_byte = lines[i].start;
                }
                if let Some(task) = tasks.last_mut() {
                    task.end = task.end.min(lines[i].start);
                }
                first_heading.get_or_insert(i);
                sections.push(SectionBlock {
                    no: m.no,
                    title: heading(&lines[i], m.body),
                    line: i,
                    end_byte: end_of(lines.len()),
                });
                new_parent = true;
                continue;
            }
            if m.style < task_style && present.contains(&m.style) {
                // A group heading between tasks (（一） above 1.): it ends the task before.
                if let Some(task) = tasks.last_mut() {
                    task.end = task.end.min(lines[i].start);
                }
                new_parent = true;
                continue;
            }
            if m.style != task_style {
                continue;
            }
            // A bare "23 " among 1. 2. items is taken only in sequence.
            let stray_bare = bare_lines[i];
            if stray_bare && m.no != last_task_no + 1 {
                continue;
            }
            let next = last_task_no + 1;
            let restart = m.no == 1 && new_parent && !tasks.is_empty();
            let first = tasks.is_empty() && (m.no <= 3 || next_follows(&markers, i, m.style, m.no));
            let in_sequence = m.no == next || restart || first;
            let small_gap = !tasks.is_empty() && m.no > next && m.no <= next + 2;
            if !(in_sequence || small_gap) {
                continue;
            }
            if small_gap && !restart && !first {
                warnings.push(gap_warning("任务", next, m.no, &lines[i]));
            }
            if let Some(task) = tasks.last_mut() {
                task.end = task.end.min(lines[i].start);
            }
            first_heading.get_or_insert(i);
            tasks.push(TaskBlock {
                no: m.no,
                section: sections.last().map_or(0, |s| s.no),
                line: i,
                body_start: lines[i].start + m.body,
                end: end_of(lines.len()),
                rule,
                irregular: stray_bare || small_gap || (first && m.no != 1),
            });
            last_task_no = m.no;
            new_parent = false;
        }
        drop_preface_list(&mut tasks, &sections);
        if first_heading.is_some_and(|h| tasks.first().is_none_or(|t| t.line > h))
            && let Some(s) = sections.first()
        {
            first_heading = Some(s.line);
        }
        let mut outside = Vec::new();
        let doc_start = lines.first().map_or(0, |l| l.start);
        let mut cursor = doc_start;
        for task in &tasks {
            let task_start = lines[task.line].start;
            if task_start > cursor {
                outside.push((cursor, task_start));
            }
            cursor = cursor.max(task.end);
        }
        Structure {
            sections,
            tasks,
            first_heading,
            outside,
        }
    }
}

/// Numbered items before the first section (a list of 主要目标 1. 2. 3.) when the tasks of
/// the sections start again from 1: they are not tasks.
fn drop_preface_list(tasks: &mut Vec<TaskBlock>, sections: &[SectionBlock]) {
    let Some(first_section) = sections.first() else {
        return;
    };
    let before = tasks
        .iter()
        .take_while(|t| t.line < first_section.line)
        .count();
    if before == 0 {
        return;
    }
    let restarts = tasks
        .get(before)
        .is_some_and(|t| t.no <= tasks[before - 1].no);
    if restarts {
        tasks.drain(..before);
    }
}

pub(super) fn gap_warning(what: &str, expected: u32, found: u32, line: &Line<'_>) -> Warning {
    Warning {
        code: WarningCode::NumberingGap,
        message: format!("{what}编号不连续：应为{expected}，实为{found}"),
        span: Some(Span::new(line.start, line.end)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style_of(line: &str) -> Option<(Style, u32)> {
        marker(line).map(|m| (m.style, m.no))
    }

    #[test]
    fn reads_every_marker_style() {
        assert_eq!(style_of("一、加强党建"), Some((Style::Section, 1)));
        assert_eq!(
            style_of("（十二）深化改革"),
            Some((Style::ParenChinese, 12))
        );
        assert_eq!(style_of("3﹒推进"), Some((Style::ArabicDot, 3)));
        assert_eq!(style_of("2 .推进"), Some((Style::ArabicDot, 2)));
        assert_eq!(style_of("（4）推进"), Some((Style::ArabicParen, 4)));
        assert_eq!(style_of("4）推进"), Some((Style::ArabicParen, 4)));
        assert_eq!(style_of("②推进"), Some((Style::Circled, 2)));
        assert_eq!(style_of("4 推进"), Some((Style::Bare, 4)));
        assert_eq!(style_of("第二部分 重点任务"), Some((Style::Part, 2)));
        assert_eq!(style_of("3.5万平方米"), None);
        assert_eq!(style_of("3、4月份开展检查"), None);
        assert_eq!(style_of("2024 年"), None);
    }
}
