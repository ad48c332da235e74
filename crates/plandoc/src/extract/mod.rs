//! From normalized text to documents, sections, tasks, units, targets and results.
//!
//! The extractor reads the genre, not particular files: a document starts at a title line
//! (…工作要点 / 工作计划 / 工作总结) followed by headings; sections are 一、二、…; tasks are
//! the numbered items below them (1. 1、 or （一） where that is the level under sections),
//! accepted only while their numbers run in sequence, so a stray "3、" inside a sentence
//! is not a task. Everything is matched on the simplified copy of the text and sliced
//! from the original at the same offsets.

mod deadlines;
mod meta;
pub mod targets;
pub mod units;

use std::sync::LazyLock;

use regex::Regex;

use crate::model::{
    Document, DocumentKind, ResultItem, Section, Span, Target, Task, Warning, WarningCode,
};
use units::Role;

/// One line of the text with its byte range (newline excluded).
#[derive(Clone, Copy)]
struct Line<'a> {
    start: usize,
    end: usize,
    folded: &'a str,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Level {
    Section,
    ParenChinese,
    Arabic,
}

/// A heading or item marker at the start of a line: its level, number and where the text
/// after it begins (bytes into the line).
#[derive(Clone, Copy, Debug)]
struct Marker {
    level: Level,
    no: u32,
    body: usize,
}

static SECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:第(?P<a>[一二三四五六七八九十]{1,3})部分[、，:：\s]*|(?P<b>[一二三四五六七八九十]{1,3})\s*[、.．]\s*)")
        .expect("valid regex")
});
static PAREN_CHINESE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[（(](?P<n>[一二三四五六七八九十]{1,3})[）)]\s*[、.．]?\s*").expect("valid regex")
});
static ARABIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<n>[0-9０-９]{1,3})\s*(?:[.．、]|[）)])\s*").expect("valid regex")
});
static LABEL_OBJECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:目标任务|任务目标|工作目标|主要目标)\s*[：:]").expect("valid regex")
});
static LABEL_MEASURES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:工作措施|工作举措|主要措施|具体措施|推进措施|重点举措)\s*[：:]")
        .expect("valid regex")
});
static LABEL_ANY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:目标任务|任务目标|工作目标|工作措施|工作举措|主要措施|具体措施|推进措施|重点举措|[〔【\[（(]?(?:责任|牵头|配合|协办)(?:单位|科室|处室|部门))\s*[：:]")
        .expect("valid regex")
});
static FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:上一篇|下一篇|相关链接|相关文章|附件下载|分享到|【打印|打印本页|关闭窗口|版权所有|Copyright|主办单位|网站标识码|扫一扫|.{0,40}ICP备)")
        .expect("valid regex")
});

fn marker(line: &str) -> Option<Marker> {
    let first = line.chars().next()?;
    if !(first.is_ascii_digit()
        || ('０'..='９').contains(&first)
        || "（(第".contains(first)
        || crate::numerals::is_numeral_char(first))
    {
        return None;
    }
    let digits = |s: &str| -> Option<u32> {
        let ascii: String = s.chars().filter_map(crate::numerals::ascii_digit).collect();
        ascii
            .parse()
            .ok()
            .or_else(|| crate::numerals::parse_chinese(s).map(|v| v as u32))
    };
    if let Some(c) = SECTION.captures(line) {
        let n = c.name("a").or(c.name("b")).expect("numeral");
        return Some(Marker {
            level: Level::Section,
            no: digits(n.as_str())?,
            body: c.get(0).expect("match").end(),
        });
    }
    if let Some(c) = PAREN_CHINESE.captures(line) {
        return Some(Marker {
            level: Level::ParenChinese,
            no: digits(&c["n"])?,
            body: c.get(0).expect("match").end(),
        });
    }
    if let Some(c) = ARABIC.captures(line) {
        let end = c.get(0).expect("match").end();
        let next = line[end..].chars().next();
        if next.is_some_and(|n| n.is_ascii_digit() || n == '%') {
            return None;
        }
        return Some(Marker {
            level: Level::Arabic,
            no: digits(&c["n"])?,
            body: end,
        });
    }
    None
}

/// Extracts every document in `original`, matching on `folded` (same byte offsets).
pub fn documents(original: &str, folded: &str) -> Vec<Document> {
    let mut lines = Vec::new();
    let mut start = 0;
    for piece in folded.split_inclusive('\n') {
        let end = start + piece.trim_end_matches('\n').len();
        lines.push(Line {
            start,
            end,
            folded: &folded[start..end],
        });
        start += piece.len();
    }
    let text = Text { original, folded };
    let bounds = document_bounds(&lines);
    let front_end = bounds
        .first()
        .map(|b| b.title_line.unwrap_or(b.start))
        .unwrap_or(0);
    let front = &lines[..front_end];
    bounds
        .iter()
        .map(|b| document(&text, front, &lines[b.start..b.end], b))
        .collect()
}

/// The original text and its simplified copy, sliced together.
struct Text<'a> {
    original: &'a str,
    folded: &'a str,
}

impl Text<'_> {
    fn original(&self, start: usize, end: usize) -> &str {
        &self.original[start..end]
    }
}

/// Where one document lies, in line indexes.
struct Bounds {
    start: usize,
    end: usize,
    title_line: Option<usize>,
    kind: DocumentKind,
}

static TITLE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"工作要点|工作计划|工作总结|工作安排|要点$").expect("valid regex")
});
static TITLE_EXCLUDED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[。；《》]|关于|印发|通知|^(?:上一篇|下一篇|相关|附件[：:]|来源|当前位置|【(?:应急|相关))")
        .expect("valid regex")
});
static BRACKET_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^【[^】]{0,10}】").expect("valid regex"));

/// A title line and the kind of document it opens.
fn title_kind(line: &str) -> Option<DocumentKind> {
    if line.len() > 240 {
        return None;
    }
    let line = BRACKET_PREFIX.replace(line.trim(), "");
    if line.chars().count() > 60 || TITLE_EXCLUDED.is_match(&line) || marker(&line).is_some() {
        return None;
    }
    let last = TITLE_WORD.find_iter(&line).last()?;
    if line[last.end()..].chars().count() > 4 {
        return None;
    }
    Some(if last.as_str() == "工作总结" {
        DocumentKind::Summary
    } else {
        DocumentKind::Plan
    })
}

fn document_bounds(lines: &[Line<'_>]) -> Vec<Bounds> {
    let mut bounds: Vec<Bounds> = Vec::new();
    let mut has_section = false;
    for (i, line) in lines.iter().enumerate() {
        if marker(line.folded).is_some_and(|m| m.level == Level::Section) {
            has_section = true;
            continue;
        }
        let Some(kind) = title_kind(line.folded) else {
            continue;
        };
        let opens_sections = lines[i + 1..]
            .iter()
            .take(6)
            .take_while(|l| title_kind(l.folded).is_none())
            .any(|l| marker(l.folded).is_some_and(|m| m.level == Level::Section));
        let starts_new = match bounds.last_mut() {
            Some(current) if !has_section => {
                current.title_line = Some(i);
                current.kind = kind;
                false
            }
            Some(current) if opens_sections => {
                current.end = i;
                true
            }
            Some(_) => false,
            None => true,
        };
        if starts_new {
            bounds.push(Bounds {
                start: i,
                end: lines.len(),
                title_line: Some(i),
                kind,
            });
            has_section = false;
        }
    }
    if bounds.is_empty() {
        bounds.push(Bounds {
            start: 0,
            end: lines.len(),
            title_line: None,
            kind: DocumentKind::Plan,
        });
    }
    for b in &mut bounds {
        if let Some(t) = b.title_line {
            b.start = t;
        }
    }
    bounds
}

/// Verbs that open a new clause in this genre; where a heading has lost its full stop,
/// the first of them after the heading's opening words marks where it really ended.
static CLAUSE_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"开展|加强|推进|深化|完善|健全|落实|实施|建立|提高|提升|推动|强化|巩固|组织|坚持|加快|做好|抓好|扩大|促进|构建|优化|打造|探索|规范|严格|持续|稳步|大力|进一步")
        .expect("valid regex")
});

/// Enough unclassified-number warnings to send the reviewer looking, not a flood.
const MAX_NUMBER_WARNINGS: usize = 20;

/// Headings in this genre are short phrases; anything longer ran into the body.
const LONGEST_HEADING: usize = 25;

/// Text of a heading line: after the marker, up to the first full stop.
fn heading(text: &Text<'_>, line: &Line<'_>, body: usize) -> String {
    let rest = &line.folded[body..];
    let mut cut = rest.find(['。', '！', '？']).unwrap_or(rest.len());
    if rest[..cut].chars().count() > LONGEST_HEADING {
        let opening = rest.char_indices().nth(6).map_or(cut, |(i, _)| i);
        let clause = rest[..cut].find(['，', ',', '；', ';']).unwrap_or(cut);
        cut = CLAUSE_VERB
            .find_at(&rest[..cut], opening.min(cut))
            .map(|m| m.start())
            .filter(|at| *at <= clause)
            .unwrap_or(clause);
    }
    let original = text.original(line.start + body, line.start + body + cut);
    original
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .trim_end_matches(['；', ';', '：', ':', '，'])
        .to_string()
}

fn document(text: &Text<'_>, front: &[Line<'_>], lines: &[Line<'_>], bounds: &Bounds) -> Document {
    let body_lines = match bounds.title_line {
        Some(_) => &lines[1..],
        None => lines,
    };
    let end = body_lines
        .iter()
        .position(|l| l.folded.len() < 200 && FOOTER.is_match(l.folded.trim()))
        .unwrap_or(body_lines.len());
    let body_lines = &body_lines[..end];
    let title_original = bounds.title_line.map(|_| {
        BRACKET_PREFIX
            .replace(text.original(lines[0].start, lines[0].end).trim(), "")
            .into_owned()
    });
    let title = title_original
        .as_deref()
        .map(|t| t.chars().filter(|c| !c.is_whitespace()).collect::<String>());
    let mut warnings = Vec::new();
    let structure = Structure::read(text, body_lines, &mut warnings);
    let preamble_end = structure.first_heading.unwrap_or(body_lines.len());
    let preamble = &body_lines[..preamble_end];
    let meta = meta::Meta::read(text, front, lines, title_original.as_deref(), preamble);
    if let (Some(title_year), Some(body_year)) = (meta.title_year, meta.body_year)
        && title_year != body_year
    {
        warnings.push(Warning {
            code: WarningCode::YearMismatch,
            message: format!(
                "标题年份为{title_year}年，正文所述为{body_year}年，已采用{body_year}年"
            ),
            span: None,
        });
    }
    let year = meta.body_year.or(meta.title_year);
    let mut tasks = Vec::new();
    let mut results = Vec::new();
    match bounds.kind {
        DocumentKind::Plan => {
            let outside = structure.outside_tasks(text);
            if !outside.is_empty() {
                tasks.push(Task {
                    no: 0,
                    section: 0,
                    title: "主要目标".into(),
                    objective: None,
                    measures: None,
                    units: Vec::new(),
                    lead_units: Vec::new(),
                    co_units: Vec::new(),
                    deadlines: Vec::new(),
                    targets: outside,
                    body: String::new(),
                    span: Span::default(),
                });
            }
            for block in &structure.tasks {
                let task = task(text, body_lines, block, year);
                let (from, to) = (block.body_start, task.span.end);
                for span in targets::unclassified(&text.folded[from..to], from, &task.targets) {
                    if warnings
                        .iter()
                        .filter(|w| w.code == WarningCode::UnclassifiedNumber)
                        .count()
                        >= MAX_NUMBER_WARNINGS
                    {
                        break;
                    }
                    warnings.push(Warning {
                        code: WarningCode::UnclassifiedNumber,
                        message: format!(
                            "第{}项任务中的数字“{}”未能识别为目标，请核对",
                            task.no,
                            text.original(span.start, span.end)
                        ),
                        span: Some(span),
                    });
                }
                tasks.push(task);
            }
            unit_warnings(&tasks, &mut warnings);
            if structure.tasks.is_empty() {
                warnings.push(Warning {
                    code: WarningCode::NoTasks,
                    message: "未识别到编号任务，请检查文档结构".into(),
                    span: None,
                });
            }
        }
        DocumentKind::Summary => {
            for section in &structure.sections {
                let (from, to) = (body_lines[section.line].start, section.end_byte);
                for target in targets::find(&text.folded[from..to], text.original(from, to), from) {
                    results.push(ResultItem {
                        section: section.no,
                        target,
                    });
                }
            }
        }
    }
    let span = match (lines.first(), body_lines.last()) {
        (Some(first), Some(last)) => Span::new(first.start, last.end),
        _ => Span::default(),
    };
    Document {
        kind: bounds.kind,
        title,
        issuers: meta.issuers,
        year,
        doc_number: meta.doc_number,
        issue_date: meta.issue_date,
        general_requirement: meta.general_requirement,
        sections: structure
            .sections
            .iter()
            .map(|s| Section {
                no: s.no,
                title: s.title.clone(),
                span: Span::new(body_lines[s.line].start, body_lines[s.line].end),
            })
            .collect(),
        tasks,
        results,
        warnings,
        span,
    }
}

/// A section as found: its number, title, heading line and where its text ends.
struct SectionBlock {
    no: u32,
    title: String,
    line: usize,
    end_byte: usize,
}

/// A task as found: number, section, heading line, and the byte range of its text.
struct TaskBlock {
    no: u32,
    section: u32,
    line: usize,
    body_start: usize,
    end: usize,
}

struct Structure {
    sections: Vec<SectionBlock>,
    tasks: Vec<TaskBlock>,
    first_heading: Option<usize>,
    /// Byte ranges of text that belongs to no task (preamble, section introductions).
    outside: Vec<(usize, usize)>,
}

impl Structure {
    fn read(text: &Text<'_>, lines: &[Line<'_>], warnings: &mut Vec<Warning>) -> Structure {
        let markers: Vec<Option<Marker>> = lines.iter().map(|l| marker(l.folded)).collect();
        let first_section = markers
            .iter()
            .position(|m| m.is_some_and(|m| m.level == Level::Section && m.no == 1));
        let task_level = markers
            .iter()
            .skip(first_section.unwrap_or(0))
            .flatten()
            .find(|m| m.level != Level::Section && m.no == 1)
            .map(|m| m.level)
            .unwrap_or(Level::Arabic);
        let mut sections: Vec<SectionBlock> = Vec::new();
        let mut tasks: Vec<TaskBlock> = Vec::new();
        let mut first_heading = None;
        let mut last_task_no = 0;
        let mut task_section = 0;
        let end_of = |i: usize| {
            lines
                .get(i)
                .map(|l| l.start)
                .unwrap_or_else(|| lines.last().map_or(0, |l| l.end))
        };
        for (i, m) in markers.iter().enumerate() {
            let Some(m) = m else { continue };
            let expected_section = sections.last().map_or(1, |s| s.no + 1);
            let accepted_section = m.level == Level::Section
                && first_section.is_some_and(|f| i >= f)
                && (m.no == expected_section
                    || (m.no > expected_section && m.no <= expected_section + 1));
            if accepted_section {
                if m.no != expected_section {
                    warnings.push(gap_warning("一级标题", expected_section, m.no, &lines[i]));
                }
                if let Some(last) = sections.last_mut() {
                    last.end_byte = lines[i].start;
                }
                if let Some(task) = tasks.last_mut()
                    && task.end > lines[i].start
                {
                    task.end = lines[i].start;
                }
                first_heading.get_or_insert(i);
                sections.push(SectionBlock {
                    no: m.no,
                    title: heading(text, &lines[i], m.body),
                    line: i,
                    end_byte: end_of(lines.len()),
                });
                continue;
            }
            if m.level != task_level || lines[i].folded[m.body..].trim().is_empty() {
                continue;
            }
            let section_no = sections.last().map_or(0, |s| s.no);
            let restart = m.no == 1 && section_no != task_section;
            let next = last_task_no + 1;
            let in_sequence = m.no == next || restart;
            let small_gap = m.no > next && m.no <= next + 2;
            if !(in_sequence || small_gap) {
                continue;
            }
            if small_gap && !restart {
                warnings.push(gap_warning("任务", next, m.no, &lines[i]));
            }
            if let Some(task) = tasks.last_mut() {
                task.end = task.end.min(lines[i].start);
            }
            first_heading.get_or_insert(i);
            tasks.push(TaskBlock {
                no: m.no,
                section: section_no,
                line: i,
                body_start: lines[i].start + m.body,
                end: end_of(lines.len()),
            });
            last_task_no = m.no;
            task_section = section_no;
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

    /// Targets stated outside every numbered task (主要目标 blocks, section introductions).
    fn outside_tasks(&self, text: &Text<'_>) -> Vec<Target> {
        if self.tasks.is_empty() {
            return Vec::new();
        }
        let mut found = Vec::new();
        for &(from, to) in &self.outside {
            let folded = &text.folded[from..to];
            if !folded.contains("目标") {
                continue;
            }
            found.extend(targets::find(folded, text.original(from, to), from));
        }
        found
    }
}

fn gap_warning(what: &str, expected: u32, found: u32, line: &Line<'_>) -> Warning {
    Warning {
        code: WarningCode::NumberingGap,
        message: format!("{what}编号不连续：应为{expected}，实为{found}"),
        span: Some(Span::new(line.start, line.end)),
    }
}

fn task(text: &Text<'_>, lines: &[Line<'_>], block: &TaskBlock, year: Option<i32>) -> Task {
    let line = &lines[block.line];
    let marker_body = block.body_start - line.start;
    let title = heading(text, line, marker_body);
    let (from, to) = (block.body_start, block.end.max(block.body_start));
    let folded = &text.folded[from..to];
    let original = text.original(from, to);
    let labelled = |label: &Regex| -> Option<String> {
        let m = label.find(folded)?;
        let rest = &folded[m.end()..];
        let stop = LABEL_ANY
            .find(rest)
            .map(|n| n.start())
            .unwrap_or(rest.len());
        let value = original[m.end()..m.end() + stop].trim();
        (!value.is_empty()).then(|| value.to_string())
    };
    let objective = labelled(&LABEL_OBJECTIVE);
    let measures = labelled(&LABEL_MEASURES);
    let mut units = Vec::new();
    let mut lead_units = Vec::new();
    let mut co_units = Vec::new();
    for list in units::find(folded, original) {
        for unit in list.units {
            let unit = strip_role_note(&unit);
            let role = if unit.1 { Role::Lead } else { list.role };
            let name = unit.0;
            if !units.contains(&name) {
                units.push(name.clone());
            }
            match role {
                Role::Lead => lead_units.push(name),
                Role::Co => co_units.push(name),
                Role::Responsible => {}
            }
        }
    }
    if lead_units.is_empty() {
        lead_units = units
            .iter()
            .filter(|u| !co_units.contains(u))
            .cloned()
            .collect();
    }
    Task {
        no: block.no,
        section: block.section,
        title,
        objective,
        measures,
        units,
        lead_units,
        co_units,
        deadlines: deadlines::find(folded, original, from, year),
        targets: targets::find(folded, original, from),
        body: original.trim_end().to_string(),
        span: Span::new(line.start, to),
    }
}

/// "基教科（牵头）" → ("基教科", true): the note is a role, not part of the name.
fn strip_role_note(unit: &str) -> (String, bool) {
    for note in ["（牵头）", "(牵头)", "（牽頭）", "(牽頭)"] {
        if let Some(name) = unit.strip_suffix(note) {
            return (name.to_string(), true);
        }
    }
    (unit.to_string(), false)
}

/// Flags tasks without units when most tasks of the document have them.
fn unit_warnings(tasks: &[Task], warnings: &mut Vec<Warning>) {
    let numbered: Vec<&Task> = tasks.iter().filter(|t| t.no > 0).collect();
    let with_units = numbered.iter().filter(|t| !t.units.is_empty()).count();
    if with_units * 2 <= numbered.len() {
        return;
    }
    for task in numbered.iter().filter(|t| t.units.is_empty()) {
        warnings.push(Warning {
            code: WarningCode::MissingUnits,
            message: format!("第{}项任务“{}”未写明责任单位", task.no, task.title),
            span: Some(task.span),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warnings_of(text: &str) -> Vec<(WarningCode, String)> {
        let parsed = crate::parse_text("t.txt", text);
        parsed.documents[0]
            .warnings
            .iter()
            .map(|w| (w.code, w.message.clone()))
            .collect()
    }

    #[test]
    fn warns_about_gaps_and_missing_units() {
        let text = "某县教育局2025年工作要点\n一、加强党建\n1.强化学习。责任单位：办公室\n2.加强组织。责任单位：人事股\n4.严明纪律。纪律教育常态化。\n";
        let warnings = warnings_of(text);
        assert!(
            warnings.contains(&(
                WarningCode::NumberingGap,
                "任务编号不连续：应为3，实为4".into()
            )),
            "{warnings:?}"
        );
        assert!(
            warnings
                .iter()
                .any(|(c, m)| *c == WarningCode::MissingUnits && m.contains("严明纪律")),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_body_year_overrides_a_wrong_title_year() {
        let text = "某市教育局2021年工作要点\n2020年是全面建成小康社会的决胜之年，全市教育工作要坚持稳中求进。\n一、加强党建\n1.强化学习。\n";
        let parsed = crate::parse_text("t.txt", text);
        assert_eq!(parsed.documents[0].year, Some(2020));
        assert!(
            warnings_of(text)
                .iter()
                .any(|(c, _)| *c == WarningCode::YearMismatch)
        );
    }

    #[test]
    fn a_stray_number_inside_a_sentence_is_not_a_task() {
        let text = "一、总体安排\n1.抓好开学工作。\n各校要在开学前做好准备，\n3、4月份开展专项检查。\n2.加强安全管理。\n";
        let parsed = crate::parse_text("t.txt", text);
        let numbers: Vec<u32> = parsed.documents[0].tasks.iter().map(|t| t.no).collect();
        assert_eq!(numbers, vec![1, 2]);
    }
}
