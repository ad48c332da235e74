//! Scores extracted plans against gold files, as `shared/corpus/SPEC.md` defines it.
//!
//! Documents are paired in order. Tasks pair by number (by section and number where a
//! document's numbers repeat); a task is found when the titles agree after whitespace and
//! punctuation are removed, or one contains the other and they share 80% of characters.
//! Units are compared per task as multisets; targets per task by value, unit and
//! comparator, each gold target matched at most once; results likewise per section.

use std::collections::HashMap;
use std::ops::AddAssign;

use crate::model::{Document, ParsedFile, Quantity, Target};

/// True positives and the sizes of both sides.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub matched: usize,
    pub predicted: usize,
    pub gold: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.predicted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.gold)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Both sides empty counts as perfect: nothing to find, nothing wrongly found.
fn ratio(matched: usize, total: usize) -> f64 {
    if total == 0 {
        1.0
    } else {
        matched as f64 / total as f64
    }
}

impl AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.matched += other.matched;
        self.predicted += other.predicted;
        self.gold += other.gold;
    }
}

/// The metrics `luoshi eval` reports, in a fixed order.
pub const METRICS: [&str; 6] = ["titles", "years", "tasks", "units", "targets", "results"];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Score {
    pub titles: Counts,
    pub years: Counts,
    pub tasks: Counts,
    pub units: Counts,
    pub targets: Counts,
    pub results: Counts,
}

impl Score {
    pub fn metric(&self, name: &str) -> Option<Counts> {
        Some(match name {
            "titles" => self.titles,
            "years" => self.years,
            "tasks" => self.tasks,
            "units" => self.units,
            "targets" => self.targets,
            "results" => self.results,
            _ => return None,
        })
    }

    /// Mean F1 over the metrics this file has gold for; ranks the worst documents.
    pub fn mean_f1(&self) -> f64 {
        let present: Vec<f64> = METRICS
            .iter()
            .filter_map(|m| self.metric(m))
            .filter(|c| c.gold > 0 || c.predicted > 0)
            .map(|c| c.f1())
            .collect();
        if present.is_empty() {
            1.0
        } else {
            present.iter().sum::<f64>() / present.len() as f64
        }
    }
}

impl AddAssign for Score {
    fn add_assign(&mut self, o: Score) {
        self.titles += o.titles;
        self.years += o.years;
        self.tasks += o.tasks;
        self.units += o.units;
        self.targets += o.targets;
        self.results += o.results;
    }
}

pub fn score_file(predicted: &ParsedFile, gold: &ParsedFile) -> Score {
    let mut score = Score::default();
    for (i, gold_doc) in gold.documents.iter().enumerate() {
        let empty;
        let doc = match predicted.documents.get(i) {
            Some(doc) => doc,
            None => {
                empty = Document {
                    kind: gold_doc.kind,
                    title: None,
                    issuers: Vec::new(),
                    year: None,
                    doc_number: None,
                    issue_date: None,
                    general_requirement: None,
                    sections: Vec::new(),
                    tasks: Vec::new(),
                    results: Vec::new(),
                    warnings: Vec::new(),
                    span: Default::default(),
                };
                &empty
            }
        };
        score += score_document(doc, gold_doc);
    }
    for extra in predicted.documents.iter().skip(gold.documents.len()) {
        score.tasks.predicted += extra.tasks.len();
        score.results.predicted += extra.results.len();
    }
    score
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn strip_punctuation(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric() && !c.is_whitespace())
        .collect()
}

/// The title rule of SPEC.md.
pub fn titles_match(predicted: &str, gold: &str) -> bool {
    let (p, g) = (strip_punctuation(predicted), strip_punctuation(gold));
    if p == g {
        return true;
    }
    let (short, long) = if p.chars().count() <= g.chars().count() {
        (&p, &g)
    } else {
        (&g, &p)
    };
    !short.is_empty()
        && long.contains(short.as_str())
        && short.chars().count() * 100 >= long.chars().count() * 80
}

fn score_document(doc: &Document, gold: &Document) -> Score {
    let mut score = Score {
        titles: Counts {
            matched: usize::from(
                doc.title.as_deref().map(squeeze) == gold.title.as_deref().map(squeeze),
            ),
            predicted: 1,
            gold: 1,
        },
        years: Counts {
            matched: usize::from(doc.year == gold.year),
            predicted: 1,
            gold: 1,
        },
        ..Score::default()
    };
    let mut seen = HashMap::new();
    let repeats = gold.tasks.iter().any(|t| seen.insert(t.no, ()).is_some());
    let key = |section: u32, no: u32| if repeats { (section, no) } else { (0, no) };
    let predicted: HashMap<(u32, u32), &crate::model::Task> = doc
        .tasks
        .iter()
        .map(|t| (key(t.section, t.no), t))
        .collect();
    score.tasks.predicted = doc.tasks.len();
    score.tasks.gold = gold.tasks.len();
    for gold_task in &gold.tasks {
        score.units.gold += gold_task.units.len();
        score.targets.gold += gold_task.targets.len();
        let Some(task) = predicted.get(&key(gold_task.section, gold_task.no)) else {
            continue;
        };
        if titles_match(&task.title, &gold_task.title) || gold_task.no == 0 {
            score.tasks.matched += 1;
        }
        score.units.matched += multiset_overlap(
            task.units.iter().map(|u| squeeze(u)).collect(),
            gold_task.units.iter().map(|u| squeeze(u)).collect(),
        );
        score.targets.matched += target_overlap(&task.targets, &gold_task.targets);
    }
    score.units.predicted = doc.tasks.iter().map(|t| t.units.len()).sum();
    score.targets.predicted = doc.tasks.iter().map(|t| t.targets.len()).sum();
    let mut by_section: HashMap<u32, (Vec<Target>, Vec<Target>)> = HashMap::new();
    for r in &doc.results {
        by_section
            .entry(r.section)
            .or_default()
            .0
            .push(r.target.clone());
    }
    for r in &gold.results {
        by_section
            .entry(r.section)
            .or_default()
            .1
            .push(r.target.clone());
    }
    score.results.predicted = doc.results.len();
    score.results.gold = gold.results.len();
    for (predicted, gold) in by_section.values() {
        score.results.matched += target_overlap(predicted, gold);
    }
    score
}

fn multiset_overlap(mut predicted: Vec<String>, gold: Vec<String>) -> usize {
    let mut matched = 0;
    for g in gold {
        if let Some(at) = predicted.iter().position(|p| *p == g) {
            predicted.swap_remove(at);
            matched += 1;
        }
    }
    matched
}

fn same_value(a: Quantity, b: Quantity) -> bool {
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0);
    match (a, b) {
        (Quantity::Single(x), Quantity::Single(y)) => close(x, y),
        (Quantity::Pair(x1, x2), Quantity::Pair(y1, y2)) => close(x1, y1) && close(x2, y2),
        _ => false,
    }
}

fn target_overlap(predicted: &[Target], gold: &[Target]) -> usize {
    let mut used = vec![false; gold.len()];
    let mut matched = 0;
    for p in predicted {
        let hit = gold.iter().enumerate().position(|(i, g)| {
            !used[i] && same_value(p.value, g.value) && p.unit == g.unit && p.cmp == g.cmp
        });
        if let Some(i) = hit {
            used[i] = true;
            matched += 1;
        }
    }
    matched
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_rule_follows_the_spec() {
        assert!(titles_match("强化政治理论学习", "强化政治 理论学习。"));
        assert!(titles_match(
            "推进“县管校聘”管理体制改革",
            "推进县管校聘管理体制改革"
        ));
        assert!(titles_match(
            "加强劳动教育和家庭教育工作",
            "加强劳动教育和家庭教育"
        ));
        assert!(!titles_match("加强劳动教育", "加强劳动教育和家庭教育工作"));
    }

    #[test]
    fn f1_of_partial_counts() {
        let c = Counts {
            matched: 3,
            predicted: 4,
            gold: 6,
        };
        assert!((c.precision() - 0.75).abs() < 1e-12);
        assert!((c.recall() - 0.5).abs() < 1e-12);
        assert!((c.f1() - 0.6).abs() < 1e-12);
        assert_eq!(Counts::default().f1(), 1.0);
    }
}
