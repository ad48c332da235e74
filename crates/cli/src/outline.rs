//! The human-readable outline printed by `luoshi parse --format text`.

use std::fmt::Write;

use luoshi_plandoc::model::{Comparator, DocumentKind, ParsedFile, Quantity, Target};

pub fn render(parsed: &ParsedFile) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", parsed.file);
    for doc in &parsed.documents {
        let kind = match doc.kind {
            DocumentKind::Plan => "工作要点",
            DocumentKind::Summary => "工作总结",
        };
        let _ = writeln!(
            out,
            "\n[{kind}] {}  年度: {}  文号: {}",
            doc.title.as_deref().unwrap_or("(无标题)"),
            doc.year.map_or("?".into(), |y| y.to_string()),
            doc.doc_number.as_deref().unwrap_or("-"),
        );
        if !doc.issuers.is_empty() {
            let _ = writeln!(out, "发文单位: {}", doc.issuers.join("、"));
        }
        for section in &doc.sections {
            let _ = writeln!(
                out,
                "\n{}、{}",
                luoshi_plandoc::numerals::to_chinese(section.no),
                section.title
            );
            for task in doc.tasks.iter().filter(|t| t.section == section.no) {
                let _ = writeln!(out, "  {}. {}", task.no, task.title);
                if !task.units.is_empty() {
                    let _ = writeln!(out, "     责任单位: {}", task.units.join("、"));
                }
                for deadline in &task.deadlines {
                    let _ = writeln!(out, "     时限: {}", deadline.text);
                }
                for target in &task.targets {
                    let _ = writeln!(out, "     目标: {}", target_line(target));
                }
            }
            for result in doc.results.iter().filter(|r| r.section == section.no) {
                let _ = writeln!(out, "  成效: {}", target_line(&result.target));
            }
        }
        for task in doc.tasks.iter().filter(|t| t.section == 0) {
            let _ = writeln!(out, "\n  {}. {}", task.no, task.title);
            for target in &task.targets {
                let _ = writeln!(out, "     目标: {}", target_line(target));
            }
        }
        for warning in &doc.warnings {
            let _ = writeln!(out, "! {}", warning.message);
        }
    }
    out
}

fn target_line(target: &Target) -> String {
    let value = match target.value {
        Quantity::Single(v) => format!("{v}"),
        Quantity::Pair(a, b) => format!("{a}–{b}"),
    };
    let cmp = match target.cmp {
        Comparator::Eq => "=",
        Comparator::Ge => "≥",
        Comparator::Le => "≤",
        Comparator::Gt => ">",
        Comparator::Lt => "<",
        Comparator::Approx => "≈",
    };
    format!(
        "{}  [{} {cmp} {value}{}]",
        target.text, target.indicator, target.unit
    )
}
