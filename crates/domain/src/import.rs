//! An extracted plan document turned into the draft a reviewer corrects before publishing.
//! The extractor's output is kept close to as-is; what changes is what tracking needs: a
//! deadline as a date, lead and co-units told apart, a target's annual value as a number.

use chrono::NaiveDate;
use luoshi_plandoc::model::{Comparator, DocumentKind, ParsedFile, Quantity};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::light::trim_number;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftPlan {
    pub title: String,
    pub year: i32,
    pub doc_number: Option<String>,
    pub issuers: Vec<String>,
    pub sections: Vec<DraftSection>,
    pub tasks: Vec<DraftTask>,
    /// Messages for the reviewer (numbering gaps, tasks without units …).
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftSection {
    pub number: u32,
    pub title: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftTask {
    /// The section's number; 0 for tasks outside every section.
    pub section: u32,
    pub number: u32,
    pub heading: String,
    pub body: String,
    pub objective: Option<String>,
    pub measures: Option<String>,
    pub lead_units: Vec<String>,
    pub co_units: Vec<String>,
    pub deadline: Option<NaiveDate>,
    pub deadline_text: Option<String>,
    pub targets: Vec<DraftTarget>,
    /// Byte range of the task in the source text, for the review screen.
    pub span: [usize; 2],
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftTarget {
    pub indicator: String,
    pub unit: String,
    pub comparator: Comparator,
    /// The committed value as written in numbers (`20`, `92`, `3-5` for a range).
    pub value_text: String,
    /// The annual value a trajectory runs to; none for ranges and ratios.
    pub annual_value: Option<f64>,
    pub source_text: String,
    pub span: [usize; 2],
}

fn last_day(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// The first plan document with tasks in the file, as a draft. `today_year` stands in for a plan whose
/// year the extractor could not read.
pub fn draft_from(parsed: &ParsedFile, today_year: i32) -> Result<DraftPlan, DomainError> {
    let document = parsed
        .documents
        .iter()
        .find(|d| d.kind == DocumentKind::Plan && !d.tasks.is_empty())
        .ok_or_else(|| {
            DomainError::invalid(
                "file",
                format!(
                    "“{}”中没有识别到带编号任务的工作要点，请确认上传的是工作要点原文",
                    parsed.file
                ),
            )
        })?;
    let year = document.year.unwrap_or(today_year);
    let tasks = document
        .tasks
        .iter()
        .map(|task| {
            let lead_units = if task.lead_units.is_empty() {
                task.units.clone()
            } else {
                task.lead_units.clone()
            };
            let deadline = task
                .deadlines
                .iter()
                .filter_map(|d| last_day(d.year.unwrap_or(year), d.month?))
                .max();
            DraftTask {
                section: task.section,
                number: task.no,
                heading: task.title.clone(),
                body: task.body.clone(),
                objective: task.objective.clone(),
                measures: task.measures.clone(),
                lead_units,
                co_units: task.co_units.clone(),
                deadline,
                deadline_text: task.deadlines.first().map(|d| d.text.clone()),
                targets: task
                    .targets
                    .iter()
                    .map(|target| {
                        let (value_text, annual_value) = match target.value {
                            Quantity::Single(v) => (trim_number(v), Some(v)),
                            Quantity::Pair(a, b) => {
                                (format!("{}-{}", trim_number(a), trim_number(b)), None)
                            }
                        };
                        DraftTarget {
                            indicator: target.indicator.clone(),
                            unit: target.unit.clone(),
                            comparator: target.cmp,
                            value_text,
                            annual_value,
                            source_text: target.text.clone(),
                            span: [target.span.start, target.span.end],
                        }
                    })
                    .collect(),
                span: [task.span.start, task.span.end],
            }
        })
        .collect();
    Ok(DraftPlan {
        title: document
            .title
            .clone()
            .unwrap_or_else(|| format!("{year}年工作要点")),
        year,
        doc_number: document.doc_number.clone(),
        issuers: document.issuers.clone(),
        sections: document
            .sections
            .iter()
            .map(|s| DraftSection {
                number: s.no,
                title: s.title.clone(),
            })
            .collect(),
        tasks,
        warnings: document
            .warnings
            .iter()
            .map(|w| w.message.clone())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = "某县教育局2026年工作要点\n\
        一、推进学前教育普及\n\
        1.扩大普惠资源。新改扩建幼儿园20所，学前三年毛入园率达到92%以上。6月底前完成。（牵头单位：基础教育科；配合单位：计划财务科）\n\
        2.提升保教质量。开展保教质量评估。（责任单位：基础教育科）\n";

    #[test]
    fn a_plan_becomes_a_draft_with_dates_units_and_numbers() {
        let parsed = luoshi_plandoc::parse_text("plan.txt", PLAN);
        let draft = draft_from(&parsed, 2000).unwrap();
        assert_eq!(draft.year, 2026);
        assert_eq!(draft.sections.len(), 1);
        assert_eq!(draft.tasks.len(), 2);
        let first = &draft.tasks[0];
        assert_eq!(first.lead_units, vec!["基础教育科"]);
        assert_eq!(first.co_units, vec!["计划财务科"]);
        assert_eq!(first.deadline, NaiveDate::from_ymd_opt(2026, 6, 30));
        let values: Vec<(Comparator, Option<f64>)> = first
            .targets
            .iter()
            .map(|t| (t.comparator, t.annual_value))
            .collect();
        assert_eq!(
            values,
            vec![(Comparator::Eq, Some(20.0)), (Comparator::Ge, Some(92.0))]
        );
        assert_eq!(draft.tasks[1].lead_units, vec!["基础教育科"]);
        assert_eq!(draft.tasks[1].deadline, None);
    }

    #[test]
    fn a_file_without_a_plan_is_refused_by_name() {
        let parsed = luoshi_plandoc::parse_text("empty.txt", "");
        let err = draft_from(&parsed, 2026).unwrap_err();
        assert!(err.to_string().contains("empty.txt"));
    }
}
