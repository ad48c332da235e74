//! Plans laid out as a table (序号 | 工作任务 | 责任单位 | 完成时限 …) turned into the
//! running text the structure parser reads: a section line when the section column
//! changes, then `N.task`, `目标任务：…`, `责任单位：…` lines for each row.
//! A table without a recognizable header is kept as tab-separated lines.

use crate::numerals;

/// Stands for a cell merged with the one above it (Word's `vMerge` continuation).
pub const CONTINUED: &str = "\u{1}continued";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Column {
    Number,
    Section,
    Task,
    Objective,
    Measures,
    Units,
    LeadUnits,
    CoUnits,
    Deadline,
    Other,
}

fn classify(header: &str) -> Column {
    let h: String = header.chars().filter(|c| !c.is_whitespace()).collect();
    let has = |words: &[&str]| words.iter().any(|w| h.contains(w));
    if h.chars().count() <= 4 && has(&["序号", "编号", "序"]) {
        Column::Number
    } else if has(&["领导", "责任人", "联系人", "电话"]) {
        // 责任领导 / 分管领导 name people, not units.
        Column::Other
    } else if has(&["配合", "协办", "协同", "参与"]) {
        Column::CoUnits
    } else if has(&["牵头"]) {
        Column::LeadUnits
    } else if has(&["责任", "主责", "承办", "单位", "科室", "处室"]) {
        Column::Units
    } else if has(&["时限", "时间", "节点", "期限"]) {
        Column::Deadline
    } else if has(&["措施", "举措", "路径"]) {
        Column::Measures
    } else if has(&["目标"]) {
        Column::Objective
    } else if has(&["任务", "内容", "事项", "工作"]) {
        Column::Task
    } else if has(&["类别", "领域", "板块", "方面", "部分", "项目"]) {
        Column::Section
    } else {
        Column::Other
    }
}

/// Lays out `rows` (cells as text) as plan text; `sections_before` is how many sections the
/// document has already numbered, so that the table's sections continue that numbering.
pub fn layout(rows: &[Vec<String>], sections_before: u32) -> String {
    let header_at = rows.iter().take(3).position(|row| {
        let kinds: Vec<Column> = row.iter().map(|c| classify(c)).collect();
        kinds
            .iter()
            .any(|k| matches!(k, Column::Task | Column::Objective | Column::Measures))
            && kinds
                .iter()
                .any(|k| matches!(k, Column::Units | Column::LeadUnits | Column::Number))
    });
    let Some(header_at) = header_at else {
        return plain(rows);
    };
    let columns: Vec<Column> = rows[header_at].iter().map(|c| classify(c)).collect();
    let mut out = String::new();
    let mut carried: Vec<String> = vec![String::new(); columns.len()];
    let mut section = String::new();
    let mut section_count = sections_before;
    let mut task_count = 0u32;
    for row in &rows[header_at + 1..] {
        let mut cells: Vec<String> = Vec::with_capacity(columns.len());
        for (i, _) in columns.iter().enumerate() {
            let cell = row.get(i).map(String::as_str).unwrap_or("");
            let value = if cell == CONTINUED {
                carried[i].clone()
            } else {
                cell.trim().to_string()
            };
            carried[i] = value.clone();
            cells.push(value);
        }
        let get = |kind: Column| {
            columns
                .iter()
                .zip(&cells)
                .filter(|(k, v)| **k == kind && !v.is_empty())
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join("；")
        };
        let task = get(Column::Task);
        let section_cell = get(Column::Section);
        if !section_cell.is_empty() && section_cell != section {
            section = section_cell.clone();
            section_count += 1;
            if numerals::starts_with_section_numeral(&section) {
                out.push_str(&section);
            } else {
                out.push_str(&format!(
                    "{}、{}",
                    numerals::to_chinese(section_count),
                    section
                ));
            }
            out.push('\n');
        }
        if task.is_empty() {
            let line = cells.join("\t");
            if !line.trim().is_empty() && section_cell.is_empty() {
                out.push_str(line.trim());
                out.push('\n');
            }
            continue;
        }
        task_count += 1;
        let number = get(Column::Number);
        let number: String = number.chars().filter(char::is_ascii_digit).collect();
        let no = number.parse::<u32>().unwrap_or(task_count);
        if task.starts_with(|c: char| c.is_ascii_digit()) {
            out.push_str(&task);
        } else {
            out.push_str(&format!("{no}.{task}"));
        }
        out.push('\n');
        for (kind, label) in [
            (Column::Objective, "目标任务"),
            (Column::Measures, "工作措施"),
            (Column::LeadUnits, "牵头单位"),
            (Column::Units, "责任单位"),
            (Column::CoUnits, "配合单位"),
            (Column::Deadline, "完成时限"),
        ] {
            let value = get(kind);
            if !value.is_empty() {
                out.push_str(&format!("{label}：{}\n", value.replace('\n', "")));
            }
        }
    }
    out
}

fn plain(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<&str> = row
            .iter()
            .map(|c| if c == CONTINUED { "" } else { c.trim() })
            .filter(|c| !c.is_empty())
            .collect();
        if !cells.is_empty() {
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn decomposition_table_becomes_plan_text() {
        let rows = vec![
            row(&[
                "类别",
                "序号",
                "重点任务",
                "牵头单位",
                "配合单位",
                "完成时限",
            ]),
            row(&[
                "党的建设",
                "1",
                "强化理论学习。组织集中学习12次。",
                "办公室",
                "各科室",
                "12月底前",
            ]),
            row(&[CONTINUED, "2", "加强基层党建", "机关党委", "", "年内"]),
            row(&[
                "学前教育",
                "3",
                "新建幼儿园5所",
                "基教科",
                "规划科、财务科",
                "9月",
            ]),
        ];
        let text = layout(&rows, 0);
        let expected = "一、党的建设\n1.强化理论学习。组织集中学习12次。\n牵头单位：办公室\n配合单位：各科室\n完成时限：12月底前\n\
                        2.加强基层党建\n牵头单位：机关党委\n完成时限：年内\n\
                        二、学前教育\n3.新建幼儿园5所\n牵头单位：基教科\n配合单位：规划科、财务科\n完成时限：9月\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn a_column_of_leaders_is_not_a_column_of_units() {
        let rows = vec![
            row(&["序号", "重点任务", "责任领导", "牵头单位", "配合单位"]),
            row(&["1", "新建幼儿园5所", "张某", "基教科", "财务科"]),
        ];
        let text = layout(&rows, 0);
        assert_eq!(
            text,
            "1.新建幼儿园5所\n牵头单位：基教科\n配合单位：财务科\n"
        );
    }

    #[test]
    fn table_without_header_stays_tabular() {
        let rows = vec![row(&["发文机关", "某市教育局"]), row(&["日期", CONTINUED])];
        assert_eq!(layout(&rows, 0), "发文机关\t某市教育局\n日期\n");
    }
}
