//! The structured plan handed back to callers.
//!
//! The JSON form of [`ParsedFile`] is the schema of `shared/corpus/SPEC.md` (the gold files)
//! plus extra fields (spans, bodies, deadlines, warnings) that the review screen needs.
//! Every [`Span`] is a byte range into [`ParsedFile::text`], the normalized text the
//! extractor read, so a UI can highlight where a task or target came from.

use serde::{Deserialize, Serialize};

/// A byte range `[start, end)` into [`ParsedFile::text`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "[usize; 2]", into = "[usize; 2]")]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

impl From<[usize; 2]> for Span {
    fn from([start, end]: [usize; 2]) -> Self {
        Span { start, end }
    }
}

impl From<Span> for [usize; 2] {
    fn from(span: Span) -> Self {
        [span.start, span.end]
    }
}

/// How the bytes reached us; decides which reader produced [`ParsedFile::text`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SourceFormat {
    /// Plain text; `encoding` is the WHATWG name of the detected encoding.
    Text {
        encoding: String,
    },
    Html {
        encoding: String,
    },
    Docx,
    Pdf {
        pages: usize,
    },
}

/// Everything read from one file: it may hold several documents (a 工作总结 followed by a
/// 工作要点 is common).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParsedFile {
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<SourceFormat>,
    /// True when the document is written in traditional characters (工作要點).
    #[serde(default)]
    pub traditional: bool,
    pub documents: Vec<Document>,
    /// The normalized text every span points into.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

/// Whether a document commits to work (plan) or reports on it (summary).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 工作要点 / 工作计划.
    Plan,
    /// 工作总结.
    Summary,
}

/// One logical document inside a file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub kind: DocumentKind,
    pub title: Option<String>,
    #[serde(default)]
    pub issuers: Vec<String>,
    pub year: Option<i32>,
    #[serde(default)]
    pub doc_number: Option<String>,
    /// 成文日期 as `YYYY-MM-DD`, where the text prints one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<String>,
    /// 总体要求 / 总体思路: the paragraph that frames the year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub general_requirement: Option<String>,
    #[serde(default)]
    pub sections: Vec<Section>,
    #[serde(default)]
    pub tasks: Vec<Task>,
    /// Quantified achievements a summary reports (empty for plans).
    #[serde(default)]
    pub results: Vec<ResultItem>,
    /// What a reviewer should look at before publishing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
    #[serde(default)]
    pub span: Span,
}

/// A top-level heading (一、二、…).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub no: u32,
    pub title: String,
    #[serde(default)]
    pub span: Span,
}

/// A numbered work item: the unit of assignment and tracking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub no: u32,
    /// Number of the section the task stands in; 0 for targets stated outside every section.
    pub section: u32,
    pub title: String,
    /// 目标任务 / 任务目标.
    #[serde(default)]
    pub objective: Option<String>,
    /// 工作措施 / 工作举措.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measures: Option<String>,
    /// Every responsible body, lead units first, as written.
    #[serde(default)]
    pub units: Vec<String>,
    /// 牵头单位 where the text tells lead and co-units apart; otherwise all of `units`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lead_units: Vec<String>,
    /// 配合单位 / 协办单位.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub co_units: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deadlines: Vec<Deadline>,
    #[serde(default)]
    pub targets: Vec<Target>,
    /// The whole task text after its number.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    #[serde(default)]
    pub span: Span,
    /// Why the item was read as a task, and whether a person should check it first.
    #[serde(default)]
    pub confidence: Confidence,
    /// How the units were found; `None` when the task names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units_confidence: Option<Confidence>,
}

/// Why the extractor read a part as it did (which rule) and whether it is sure: the review
/// screen and the import summary put the uncertain ones first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confidence {
    pub rule: Rule,
    /// True when a person should look at this before publishing (需核对).
    #[serde(default)]
    pub check: bool,
}

/// The rules behind each reading.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The only numbered level below the sections holds the tasks.
    #[default]
    OnlyLevel,
    /// Tasks are the level where the responsible units are written.
    LevelWithUnits,
    /// No units to go by: the level directly below the sections.
    FirstLevelBelowSections,
    /// Items numbered across their group headings were read as the tasks.
    NumberedAcrossGroups,
    /// The document has one numbered level: each item is a task.
    TopLevelOnly,
    /// Targets stated before or between the tasks (主要目标), gathered as task 0.
    OutsideTasks,
    /// Units after a label (责任单位：…).
    LabelledUnits,
    /// Units as a bracket of names closing the task's text (（基教科牵头，财务科配合）).
    BracketOfNames,
    /// Units written once for the whole section.
    SectionUnits,
    /// A number with its unit and the phrase that names what is counted.
    StatedTarget,
}

impl Rule {
    /// The reviewer's words for the rule.
    pub fn zh(self) -> &'static str {
        match self {
            Rule::OnlyLevel => "按编号层级识别",
            Rule::LevelWithUnits => "按写有责任单位的层级识别",
            Rule::FirstLevelBelowSections => "文中未写责任单位，按一级标题下的第一层编号识别",
            Rule::NumberedAcrossGroups => "按跨小标题连续编号的层级识别",
            Rule::TopLevelOnly => "全文只有一层编号，每项按一项任务识别",
            Rule::OutsideTasks => "写在任务之外的目标，归入“主要目标”",
            Rule::LabelledUnits => "按“责任单位”等标注识别",
            Rule::BracketOfNames => "按句末括号内的单位名称识别",
            Rule::SectionUnits => "本部分统一写明的责任单位，适用于其中各项任务",
            Rule::StatedTarget => "按数字、计量单位和指标名称识别",
        }
    }
}

/// A time limit written in the text (年内, 6月底前, 秋季学期).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub text: String,
    /// The month by whose end the work is due, where the phrase implies one.
    pub month: Option<u32>,
    /// The year, when written, else the document's year.
    pub year: Option<i32>,
    pub span: Span,
}

/// How an actual figure is to be compared with the committed value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparator {
    Eq,
    /// 以上 / 不低于 / 不少于 / 至少.
    Ge,
    /// 以内 / 以下 / 不超过 / 控制在.
    Le,
    /// 超过 / 突破 / 余 / 多.
    Gt,
    /// 低于 / 不足.
    Lt,
    /// 左右 / 约.
    Approx,
}

impl Comparator {
    pub const ALL: [Comparator; 6] = [
        Comparator::Eq,
        Comparator::Ge,
        Comparator::Le,
        Comparator::Gt,
        Comparator::Lt,
        Comparator::Approx,
    ];

    /// The code it is stored and sent as.
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::Eq => "eq",
            Comparator::Ge => "ge",
            Comparator::Le => "le",
            Comparator::Gt => "gt",
            Comparator::Lt => "lt",
            Comparator::Approx => "approx",
        }
    }

    /// The word a table writes before the value: 达到 20所, 不低于 92%.
    pub fn zh(self) -> &'static str {
        match self {
            Comparator::Eq => "达到",
            Comparator::Ge => "不低于",
            Comparator::Le => "不超过",
            Comparator::Gt => "超过",
            Comparator::Lt => "低于",
            Comparator::Approx => "约",
        }
    }

    pub fn parse(text: &str) -> Result<Comparator, UnknownComparator> {
        Comparator::ALL
            .into_iter()
            .find(|c| c.as_str() == text)
            .ok_or_else(|| UnknownComparator(text.to_string()))
    }

    /// Whether a smaller actual is the better one (控制在…以内).
    pub fn is_upper_bound(self) -> bool {
        matches!(self, Comparator::Le | Comparator::Lt)
    }
}

/// A comparator code that is none of [`Comparator::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("比较方式“{0}”应为 eq、ge、le、gt、lt、approx 之一")]
pub struct UnknownComparator(pub String);

/// A committed number: a single value, or a pair for ranges (3—5所) and ratios (4：6).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Quantity {
    #[serde(with = "number")]
    Single(f64),
    #[serde(with = "pair")]
    Pair(f64, f64),
}

/// A quantified commitment (目标) of a task, or a quantified result of a summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The clause that holds the number, whitespace removed.
    pub text: String,
    /// What is counted or measured (新改扩建幼儿园).
    pub indicator: String,
    pub value: Quantity,
    /// Measure word or unit as written, multiplier taken off (所, %, 元).
    pub unit: String,
    pub cmp: Comparator,
    #[serde(default)]
    pub span: Span,
    /// Why this was read as a target and whether to check it (no clear indicator, say).
    #[serde(default)]
    pub confidence: Confidence,
}

/// A quantified result reported by a summary, under its section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultItem {
    pub section: u32,
    #[serde(flatten)]
    pub target: Target,
}

/// Something the reviewer should check; `code` is stable for programs, `message` is for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub code: WarningCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    /// Task numbers skip or repeat.
    NumberingGap,
    /// A task names no responsible unit while most others do.
    MissingUnits,
    /// A number with a unit that could not be read as a target or ignored with confidence.
    UnclassifiedNumber,
    /// No numbered tasks were found in a plan.
    NoTasks,
    /// The year in the title and the year the body is about differ.
    YearMismatch,
    /// A reading the extractor is unsure of: a person should check it first.
    NeedsCheck,
}

/// Serializes whole numbers without a fraction (8640, not 8640.0) so output reads like the gold.
mod number {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        if value.fract() == 0.0 && value.abs() < 9.0e15 {
            serializer.serialize_i64(*value as i64)
        } else {
            serializer.serialize_f64(*value)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        f64::deserialize(deserializer)
    }
}

mod pair {
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serializer};

    struct Whole(f64);

    impl serde::Serialize for Whole {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            super::number::serialize(&self.0, serializer)
        }
    }

    pub fn serialize<S: Serializer>(a: &f64, b: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(2))?;
        seq.serialize_element(&Whole(*a))?;
        seq.serialize_element(&Whole(*b))?;
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<(f64, f64), D::Error> {
        <(f64, f64)>::deserialize(deserializer)
    }
}
