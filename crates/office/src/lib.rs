//! The files bureau work moves in: Excel ledgers and Word documents laid out the way
//! bureaus expect, rendered from the records, and a decomposition table read back into a
//! draft plan. Pure: no storage here; the use-case layer gathers a [`Book`].
//!
//! The renderers in [`xlsx`] and [`docx`] turn a book into bytes; [`read_plan_file`] reads an
//! upload (a document through the extractor, a 责任分解表 workbook through [`import`]).

pub mod docx;
pub mod import;
pub mod period_sheet;
pub mod workbook;
pub mod xlsx;

use chrono::NaiveDate;
use luoshi_domain::DomainError;
use luoshi_domain::period::{Cycle, Period};
use luoshi_domain::record::{
    Dashboard, Notice, Organization, Plan, Report, Section, TaskWithLight, Unit,
};
use luoshi_domain::report::ReportState;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum OfficeError {
    /// What a file was asked for is not in the book (a 督办单 or task id that is not the plan's).
    #[error("{0}不存在")]
    NotFound(&'static str),
    /// A period key that does not fit the plan's cycle.
    #[error(transparent)]
    Period(#[from] DomainError),
    #[error("writing the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("writing the document: {0}")]
    Docx(String),
    /// A file that cannot be read as a decomposition table; the message names why, in Chinese.
    #[error("{0}")]
    Unreadable(String),
}

pub type Result<T, E = OfficeError> = std::result::Result<T, E>;

/// Everything a plan's files are made from, read once.
#[derive(Clone, Debug)]
pub struct Book {
    pub organization: Organization,
    pub plan: Plan,
    pub cycle: Cycle,
    pub sections: Vec<Section>,
    pub tasks: Vec<TaskWithLight>,
    /// Every report of the plan, newest period first.
    pub reports: Vec<Report>,
    pub notices: Vec<Notice>,
    pub units: Vec<Unit>,
    pub dashboard: Dashboard,
    pub today: NaiveDate,
}

impl Book {
    /// The section heading of a task, as printed (一、…).
    pub fn section_title(&self, section_id: Option<i64>) -> String {
        self.sections
            .iter()
            .find(|s| Some(s.id) == section_id)
            .map(|s| s.title.clone())
            .unwrap_or_default()
    }

    /// The report that stands for a task's period ([`Report::replaces`]).
    pub fn report_for(&self, task_id: i64, period: &str) -> Option<&Report> {
        luoshi_domain::record::standing_reports(
            self.reports
                .iter()
                .filter(|r| r.task_id == task_id && r.period == period),
        )
        .into_values()
        .next()
    }

    /// The latest accepted report of a task, any period.
    pub fn latest_accepted(&self, task_id: i64) -> Option<&Report> {
        self.reports
            .iter()
            .filter(|r| r.task_id == task_id && r.state == ReportState::Accepted)
            .max_by(|a, b| a.period.cmp(&b.period).then(a.version.cmp(&b.version)))
    }

    pub fn unit_name(&self, id: i64) -> String {
        self.units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| format!("单位{id}"))
    }

    /// Periods owed so far, oldest first.
    pub fn owed_periods(&self) -> Vec<Period> {
        luoshi_domain::record::owed_periods(&self.plan, self.cycle, self.today)
    }

    /// The period a bulletin is about: the one given, else the latest whose due day passed.
    pub fn period_or_latest(&self, period: Option<&str>) -> Result<Period> {
        match period {
            Some(key) => Period::parse(self.cycle, key).map_err(OfficeError::from),
            None => Ok(self
                .owed_periods()
                .into_iter()
                .rev()
                .find(|p| p.due(self.plan.due_day as u32) <= self.today)
                .unwrap_or_else(|| Period::containing(self.cycle, self.today))),
        }
    }
}

/// 一, 二 … for section and item numbers.
pub fn chinese_number(n: usize) -> String {
    luoshi_plandoc::numerals::to_chinese(n as u32)
}

/// The files a plan can be exported as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// 责任分解表 (.xlsx).
    Decomposition,
    /// 进展台账 (.xlsx).
    Ledger,
    /// 单位统计 (.xlsx).
    Units,
    /// 月度进展通报 (.docx).
    Bulletin,
    /// 督办单 (.docx).
    Notice,
    /// 工作总结 draft (.docx).
    Summary,
}

impl ExportKind {
    pub fn parse(text: &str) -> Option<ExportKind> {
        Some(match text {
            "decomposition" => ExportKind::Decomposition,
            "ledger" => ExportKind::Ledger,
            "units" => ExportKind::Units,
            "bulletin" => ExportKind::Bulletin,
            "notice" => ExportKind::Notice,
            "summary" => ExportKind::Summary,
            _ => return None,
        })
    }

    /// `xlsx` or `docx`: each file exists in the one format bureaus use for it.
    pub fn format(self) -> &'static str {
        match self {
            ExportKind::Decomposition | ExportKind::Ledger | ExportKind::Units => "xlsx",
            ExportKind::Bulletin | ExportKind::Notice | ExportKind::Summary => "docx",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            ExportKind::Decomposition => "责任分解表",
            ExportKind::Ledger => "进展台账",
            ExportKind::Units => "单位统计",
            ExportKind::Bulletin => "进展通报",
            ExportKind::Notice => "督办单",
            ExportKind::Summary => "工作总结",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self.format() {
            "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _ => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    }
}

/// Renders one export; `period` is for the bulletin, `notice` for the 督办单.
pub fn render(
    book: &Book,
    kind: ExportKind,
    period: Option<&str>,
    notice: Option<i64>,
) -> Result<Vec<u8>> {
    match kind {
        ExportKind::Decomposition => xlsx::decomposition(book),
        ExportKind::Ledger => xlsx::ledger(book),
        ExportKind::Units => xlsx::units(book),
        ExportKind::Bulletin => docx::bulletin(book, period),
        ExportKind::Notice => {
            let id = notice
                .or_else(|| book.notices.iter().map(|n| n.id).max())
                .ok_or_else(|| OfficeError::Unreadable("该计划还没有督办单".into()))?;
            docx::notice(book, id)
        }
        ExportKind::Summary => docx::summary(book),
    }
}

/// A plan file read for import: a published document through the extractor, or a
/// decomposition workbook through [`import`].
#[derive(Clone, Debug)]
pub struct PlanFile {
    pub draft: luoshi_domain::import::DraftPlan,
    /// The text spans point into (empty for workbooks).
    pub text: String,
    /// True for a decomposition workbook: importing it again updates the same draft.
    pub from_table: bool,
}

/// Reads a plan upload of any supported kind; errors are worded for the uploader (Chinese)
/// and name the file.
pub fn read_plan_file(
    file_name: &str,
    bytes: &[u8],
    max_bytes: u64,
    year: i32,
) -> Result<PlanFile> {
    let workbook = file_name.to_ascii_lowercase().ends_with(".xlsx") && bytes.starts_with(b"PK");
    if workbook {
        let table = import::decomposition(file_name, bytes)?;
        return Ok(PlanFile {
            draft: table.plan,
            text: String::new(),
            from_table: true,
        });
    }
    let parsed =
        luoshi_plandoc::parse_with(file_name, bytes, &luoshi_plandoc::Options { max_bytes })
            .map_err(|e| OfficeError::Unreadable(format!("“{}”：{}", e.file, e.kind.zh())))?;
    let draft = luoshi_domain::import::draft_from(&parsed, year)
        .map_err(|e| OfficeError::Unreadable(e.to_string()))?;
    Ok(PlanFile {
        draft,
        text: parsed.text,
        from_table: false,
    })
}
