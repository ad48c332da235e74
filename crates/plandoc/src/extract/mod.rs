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
mod structure;
pub mod targets;
pub mod units;

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::model::{
    Confidence, Document, DocumentKind, ResultItem, Rule, Section, Span, Target, Task, Warning,
    WarningCode,
};
use structure::{Structure, Style, TaskBlock, marker};
use units::Role;

/// One line of the text with its byte range (newline excluded) and the marker it opens
/// with, read once.
#[derive(Clone, Copy)]
struct Line<'a> {
    start: usize,
    end: usize,
    folded: &'a str,
    marker: Option<structure::Marker>,
}

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
            marker: marker(&folded[start..end]),
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
    /// The issuer printed on the line above a title that starts with its year
    /// (某县教育局 / 2024年工作要点): byte range of that line.
    title_issuer: Option<(usize, usize)>,
    kind: DocumentKind,
}

/// A title line that starts with its year, so its issuer may stand on the line above.
static YEAR_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:19|20)[0-9]{2}|[一二〇零][〇零一二三四五六七八九]{3})\s*年")
        .expect("valid regex")
});

/// A title a PDF printed twice over, piece by piece (县教育局县教育局20222022年工作总结年工作总结):
/// the single copy, when every piece of the line is doubled.
fn undouble(title: &str) -> Option<String> {
    let chars: Vec<char> = title.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let left = chars.len() - i;
        let k = (2..=left / 2)
            .rev()
            .find(|&k| chars[i..i + k] == chars[i + k..i + 2 * k])?;
        out.extend(&chars[i..i + k]);
        i += 2 * k;
    }
    (!out.is_empty()).then_some(out)
}

/// A line holding only an issuing body's name (某县教育局, 中共某市委教育工委 某市教育局).
fn issuer_line(line: &str) -> bool {
    let line = line.trim();
    let count = line.chars().count();
    (3..=40).contains(&count)
        && !line.contains(|c: char| c.is_ascii_digit() || "。，；：:、".contains(c))
        && ["局", "委", "厅", "委员会", "政府", "党委", "工委", "党组"]
            .iter()
            .any(|s| line.ends_with(s))
}

static TITLE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"工作要点|工作计划|工作总结|工作安排|任务分解表|任务清单|重点工作|办实事项目|要点$")
        .expect("valid regex")
});
static TITLE_EXCLUDED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[。；《》>＞»›|｜]|[：:]$|如下|关于|印发|通知|^(?:上一篇|下一篇|相关|附件[：:]|来源|当前位置|【(?:应急|相关))")
        .expect("valid regex")
});
/// What document libraries add after a title: its file name's extension (…工作要点.docx)
/// or a bracketed decoration (（最新范文）, （精选3篇）, 【通用】).
static FILE_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\.(?:docx?|pdf|wps|txt)|[（(【\[][^）)】\]]{0,10}(?:范文|精选|最新|通用|篇|完整|模板|优选|大全|参考|全文|下载|word|Word)[^）)】\]]{0,6}[）)】\]])$")
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
    let line = FILE_SUFFIX.replace(&line, "");
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
    let issuer_above = |i: usize| {
        (i > 0 && YEAR_FIRST.is_match(lines[i].folded.trim()) && issuer_line(lines[i - 1].folded))
            .then(|| (lines[i - 1].start, lines[i - 1].end))
    };
    let mut bounds: Vec<Bounds> = Vec::new();
    let mut has_section = false;
    // Numbered lines since the current title: a later title-like line replaces the
    // current one only while the body has not begun (a notice's 1、2、 do not count).
    let mut numbered = 0;
    for (i, line) in lines.iter().enumerate() {
        if let Some(m) = line.marker {
            has_section |= m.style <= Style::ParenChinese;
            numbered += usize::from(m.style <= Style::ArabicDot);
            continue;
        }
        let Some(kind) = title_kind(line.folded) else {
            continue;
        };
        let opens = |styles: &dyn Fn(Style) -> bool| {
            lines[i + 1..]
                .iter()
                .take(6)
                .take_while(|l| title_kind(l.folded).is_none())
                .any(|l| l.marker.is_some_and(|m| styles(m.style)))
        };
        let opens_sections = opens(&|s| matches!(s, Style::Section | Style::Part));
        let opens_body = opens(&|s| s <= Style::ArabicDot);
        let starts_new = match bounds.last_mut() {
            Some(current) if !has_section && (numbered < 3 || opens_body) => {
                numbered = 0;
                current.title_line = Some(i);
                current.title_issuer = issuer_above(i);
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
            numbered = 0;
            bounds.push(Bounds {
                start: i,
                end: lines.len(),
                title_line: Some(i),
                title_issuer: issuer_above(i),
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
            title_issuer: None,
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

/// Enough unclassified-number warnings to send the reviewer looking, not a flood.
const MAX_NUMBER_WARNINGS: usize = 20;

/// Verbs that open a new clause in this genre; where a heading has lost its full stop,
/// the first of them after the heading's opening words marks where it really ended.
static CLAUSE_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"开展|加强|推进|深化|完善|健全|落实|实施|建立|提高|提升|推动|强化|巩固|组织|坚持|加快|做好|抓好|扩大|促进|构建|优化|打造|探索|规范|严格|持续|稳步|大力|进一步")
        .expect("valid regex")
});

/// Headings in this genre are short phrases; a longer first clause ran into the body.
const LONGEST_HEADING: usize = 25;

/// Text of a heading line as SPEC.md reads it: after the marker, up to the first full
/// stop or the end of the line (a heading alone on its line is the whole line). Where the
/// full stop was lost in scraping, a first clause far longer than a heading runs on into
/// the body that follows on the line; then the heading ends where it turns to a new verb.
fn heading(text: &Text<'_>, line: &Line<'_>, body: usize) -> String {
    heading_read(text, line, body).0
}

/// The heading, and whether it was cut where a lost full stop was guessed.
fn heading_read(text: &Text<'_>, line: &Line<'_>, body: usize) -> (String, bool) {
    let rest = &line.folded[body..];
    let mut cut = rest.find(['。', '！', '？']).unwrap_or(rest.len());
    let alone = rest[cut..]
        .trim_start_matches(['。', '！', '？'])
        .trim()
        .is_empty();
    let clause = rest[..cut].find(['，', ',', '；', ';']).unwrap_or(cut);
    if !alone && rest[..clause].chars().count() > LONGEST_HEADING {
        let opening = rest.char_indices().nth(6).map_or(clause, |(i, _)| i);
        cut = CLAUSE_VERB
            .find_at(&rest[..clause], opening.min(clause))
            .map_or(clause, |m| m.start());
    }
    let original = text.original(line.start + body, line.start + body + cut);
    let title = original
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .trim_end_matches(['；', ';', '：', ':', '，'])
        .to_string();
    let guessed = !alone && cut < rest.find(['。', '！', '？']).unwrap_or(rest.len());
    (title, guessed)
}

/// Targets stated outside every numbered task (主要目标 blocks, section introductions).
fn outside_targets(structure: &Structure, text: &Text<'_>) -> Vec<Target> {
    if structure.tasks.is_empty() {
        return Vec::new();
    }
    let mut found = Vec::new();
    for &(from, to) in &structure.outside {
        // From the line that announces the targets (主要目标 / 主要指标) on: what comes
        // before it looks back at last year.
        let folded = &text.folded[from..to];
        let Some(at) = folded.find("目标").or_else(|| folded.find("指标")) else {
            continue;
        };
        let from = from + folded[..at].rfind('\n').map_or(0, |i| i + 1);
        let folded = &text.folded[from..to];
        found.extend(targets::find(folded, text.original(from, to), from));
    }
    found
}

fn document(text: &Text<'_>, front: &[Line<'_>], lines: &[Line<'_>], bounds: &Bounds) -> Document {
    let body_lines = match bounds.title_line {
        Some(_) => &lines[1..],
        None => lines,
    };
    // Page furniture ends the body only once the body has begun (share bars and
    // breadcrumbs also stand above an article whose title was not found).
    let body_begins = body_lines
        .iter()
        .position(|l| l.marker.is_some())
        .unwrap_or(0);
    let end = body_lines[body_begins..]
        .iter()
        .position(|l| l.folded.len() < 200 && FOOTER.is_match(l.folded.trim()))
        .map_or(body_lines.len(), |p| body_begins + p);
    let body_lines = &body_lines[..end];
    let title_original = bounds.title_line.map(|_| {
        let title = BRACKET_PREFIX.replace(text.original(lines[0].start, lines[0].end).trim(), "");
        let title = FILE_SUFFIX.replace(&title, "");
        match bounds.title_issuer {
            Some((from, to)) => format!("{}{title}", text.original(from, to).trim()),
            None => title.into_owned(),
        }
    });
    let title = title_original.as_deref().map(|t| {
        let bare: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        undouble(&bare).unwrap_or(bare)
    });
    let mut warnings = Vec::new();
    let structure = Structure::read(
        text,
        body_lines,
        &mut warnings,
        bounds.kind == DocumentKind::Summary,
        |line, body| heading(text, line, body),
    );
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
            let outside = outside_targets(&structure, text);
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
                    confidence: Confidence {
                        rule: Rule::OutsideTasks,
                        check: false,
                    },
                    units_confidence: None,
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
            inherit_section_units(text, body_lines, &structure, &mut tasks);
            unit_warnings(&tasks, &mut warnings);
            let checks = check_warnings(&tasks, &structure);
            warnings.splice(0..0, checks);
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

fn task(text: &Text<'_>, lines: &[Line<'_>], block: &TaskBlock, year: Option<i32>) -> Task {
    let line = &lines[block.line];
    let marker_body = block.body_start - line.start;
    let (title, guessed_stop) = heading_read(text, line, marker_body);
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
    let Responsibles {
        units,
        lead_units,
        co_units,
        confidence: units_confidence,
    } = responsibles(folded, original);
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
        confidence: Confidence {
            rule: block.rule,
            check: block.irregular || guessed_stop,
        },
        units_confidence,
    }
}

/// A unit list written once for a whole section (in its heading, the lines before its
/// first task, or 以上…责任单位 after its last) holds for each of its tasks that names none
/// of its own.
fn inherit_section_units(
    text: &Text<'_>,
    lines: &[Line<'_>],
    structure: &Structure,
    tasks: &mut [Task],
) {
    // Tasks by section, found once: documents may hold thousands of both.
    let mut blocks: HashMap<u32, Vec<&TaskBlock>> = HashMap::new();
    for block in &structure.tasks {
        blocks.entry(block.section).or_default().push(block);
    }
    let mut read: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, task) in tasks.iter().enumerate() {
        if task.no > 0 {
            read.entry(task.section).or_default().push(i);
        }
    }
    for section in &structure.sections {
        let own = blocks.get(&section.no).map_or(&[][..], Vec::as_slice);
        let from = lines[section.line].start;
        let to = own
            .iter()
            .find(|t| t.line > section.line)
            .map_or(section.end_byte, |t| lines[t.line].start);
        let intro = (to > from
            && !units::find(&text.folded[from..to], text.original(from, to)).is_empty())
        .then_some((from, to));
        // 以上工作责任单位：… written after the section's last task.
        let trailing = || {
            let last = own.last()?;
            let (from, to) = (last.body_start, last.end);
            if !text.folded[from..to].contains("以上") {
                return None;
            }
            units::find(&text.folded[from..to], text.original(from, to))
                .into_iter()
                .find(|l| l.covers_above)
                .map(|l| (from + l.start, to))
        };
        let Some((from, to)) = intro.or_else(trailing) else {
            continue;
        };
        let shared = responsibles(&text.folded[from..to], text.original(from, to));
        for &i in read.get(&section.no).map_or(&[][..], Vec::as_slice) {
            let t = &mut tasks[i];
            if !t.units.is_empty() {
                continue;
            }
            t.units = shared.units.clone();
            t.lead_units = shared.lead_units.clone();
            t.co_units = shared.co_units.clone();
            t.units_confidence = Some(Confidence {
                rule: Rule::SectionUnits,
                check: true,
            });
        }
    }
}

/// The bodies a text makes responsible, lead and co-units told apart.
struct Responsibles {
    units: Vec<String>,
    lead_units: Vec<String>,
    co_units: Vec<String>,
    confidence: Option<Confidence>,
}

fn responsibles(folded: &str, original: &str) -> Responsibles {
    let mut units = Vec::new();
    let mut lead_units = Vec::new();
    let mut co_units = Vec::new();
    let mut confidence = None;
    for list in units::find(folded, original) {
        confidence.get_or_insert(Confidence {
            rule: match list.notation {
                units::Notation::Labelled => Rule::LabelledUnits,
                units::Notation::Bracket => Rule::BracketOfNames,
            },
            check: false,
        });
        for (unit, own_role) in list.units {
            let (name, noted_lead) = strip_role_note(&unit);
            let role = if noted_lead {
                Role::Lead
            } else {
                own_role.unwrap_or(list.role)
            };
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
    Responsibles {
        units,
        lead_units,
        co_units,
        confidence,
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

/// What a person should check first, in the order of the document: how the task level
/// was chosen where the text left it open, then each task, unit list and target read by a
/// less certain rule.
fn check_warnings(tasks: &[Task], structure: &Structure) -> Vec<Warning> {
    let mut checks = Vec::new();
    let open_rule = structure.tasks.first().map(|t| t.rule).filter(|r| {
        matches!(
            r,
            Rule::FirstLevelBelowSections | Rule::NumberedAcrossGroups | Rule::TopLevelOnly
        )
    });
    if let Some(rule) = open_rule {
        checks.push(Warning {
            code: WarningCode::NeedsCheck,
            message: format!("任务层级：{}，请核对任务划分是否正确", rule.zh()),
            span: None,
        });
    }
    for task in tasks {
        if task.confidence.check {
            checks.push(Warning {
                code: WarningCode::NeedsCheck,
                message: format!(
                    "第{}项任务的编号或标题不规范，请核对：{}",
                    task.no, task.title
                ),
                span: Some(task.span),
            });
        }
        if let Some(units) = task.units_confidence.filter(|c| c.check) {
            checks.push(Warning {
                code: WarningCode::NeedsCheck,
                message: format!("第{}项任务的责任单位：{}，请核对", task.no, units.rule.zh()),
                span: Some(task.span),
            });
        }
        for target in task.targets.iter().filter(|t| t.confidence.check) {
            checks.push(Warning {
                code: WarningCode::NeedsCheck,
                message: format!(
                    "第{}项任务的目标“{}”未能确定指标名称，请核对",
                    task.no, target.text
                ),
                span: Some(target.span),
            });
        }
    }
    checks
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
    fn a_title_printed_twice_over_is_read_once() {
        assert_eq!(
            undouble("县教育局县教育局20222022年工作总结年工作总结").as_deref(),
            Some("县教育局2022年工作总结")
        );
        assert_eq!(undouble("某县教育局2022年工作总结"), None);
    }

    #[test]
    fn a_stray_number_inside_a_sentence_is_not_a_task() {
        let text = "一、总体安排\n1.抓好开学工作。\n各校要在开学前做好准备，\n3、4月份开展专项检查。\n2.加强安全管理。\n";
        let parsed = crate::parse_text("t.txt", text);
        let numbers: Vec<u32> = parsed.documents[0].tasks.iter().map(|t| t.no).collect();
        assert_eq!(numbers, vec![1, 2]);
    }
}
