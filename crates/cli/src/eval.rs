//! `luoshi eval`: parse a folder of documents and score them against gold files.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use luoshi_plandoc::model::ParsedFile;
use luoshi_plandoc::score::{self, METRICS, Score};

/// Minimum F1 per metric name.
pub type Bars = BTreeMap<String, f64>;

pub fn parse_bars(text: &str) -> Result<Bars, String> {
    let mut bars = Bars::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, value) = part
            .split_once('=')
            .ok_or_else(|| format!("'{part}' is not metric=value"))?;
        if !METRICS.contains(&name) {
            return Err(format!(
                "unknown metric '{name}' (known: {})",
                METRICS.join(", ")
            ));
        }
        let value: f64 = value
            .parse()
            .map_err(|_| format!("'{value}' is not a number"))?;
        bars.insert(name.to_string(), value);
    }
    Ok(bars)
}

/// The gold file for a document: its name with the last extension replaced by `.json`.
fn gold_path(gold_dir: &Path, doc: &Path) -> Option<std::path::PathBuf> {
    let stem = doc.file_stem()?.to_str()?;
    Some(gold_dir.join(format!("{stem}.json")))
}

/// Prints the report; Ok(false) when a bar was missed.
pub fn run(docs: &Path, gold: &Path, bars: Option<&Bars>, worst: usize) -> Result<bool> {
    let mut entries: Vec<_> = std::fs::read_dir(docs)
        .with_context(|| format!("cannot read {}", docs.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    let mut total = Score::default();
    let mut per_file: Vec<(String, Score)> = Vec::new();
    for path in &entries {
        let Some(gold_file) = gold_path(gold, path).filter(|g| g.is_file()) else {
            println!("skipped (no gold): {}", path.display());
            continue;
        };
        let gold: ParsedFile = serde_json::from_slice(
            &std::fs::read(&gold_file)
                .with_context(|| format!("cannot read {}", gold_file.display()))?,
        )
        .with_context(|| format!("{}: not a gold file", gold_file.display()))?;
        let name = path.display().to_string();
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {name}"))?;
        let score = match luoshi_plandoc::parse(&name, &bytes) {
            Ok(parsed) => score::score_file(&parsed, &gold),
            Err(error) => {
                println!("failed: {error}");
                score::score_file(
                    &ParsedFile {
                        file: name.clone(),
                        format: None,
                        traditional: false,
                        documents: Vec::new(),
                        text: String::new(),
                    },
                    &gold,
                )
            }
        };
        total += score;
        per_file.push((name, score));
    }
    if per_file.is_empty() {
        bail!(
            "no document in {} has a gold file in {}",
            docs.display(),
            gold.display()
        );
    }
    println!("\n{} documents scored\n", per_file.len());
    println!(
        "{:<8} {:>9} {:>9} {:>9}   matched/predicted/gold",
        "metric", "precision", "recall", "F1"
    );
    for metric in METRICS {
        let c = total.metric(metric).expect("known metric");
        println!(
            "{metric:<8} {:>9.4} {:>9.4} {:>9.4}   {}/{}/{}",
            c.precision(),
            c.recall(),
            c.f1(),
            c.matched,
            c.predicted,
            c.gold
        );
    }
    per_file.sort_by(|a, b| a.1.mean_f1().total_cmp(&b.1.mean_f1()));
    println!("\nworst documents (mean F1; tasks / units / targets / results F1):");
    for (name, s) in per_file.iter().take(worst) {
        println!(
            "  {:.3}  {name}  ({:.3} / {:.3} / {:.3} / {:.3}; title {}, year {})",
            s.mean_f1(),
            s.tasks.f1(),
            s.units.f1(),
            s.targets.f1(),
            s.results.f1(),
            if s.titles.matched == s.titles.gold {
                "ok"
            } else {
                "WRONG"
            },
            if s.years.matched == s.years.gold {
                "ok"
            } else {
                "WRONG"
            },
        );
    }
    let mut passed = true;
    for (metric, bar) in bars.into_iter().flatten() {
        let f1 = total.metric(metric).expect("validated metric").f1();
        if f1 + 1e-12 < *bar {
            println!("BAR MISSED: {metric} F1 {f1:.4} < {bar}");
            passed = false;
        }
    }
    if bars.is_some() && passed {
        println!("all bars met");
    }
    Ok(passed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_parse_and_reject_unknown_metrics() {
        let bars = parse_bars("tasks=0.99, units=0.98").unwrap();
        assert_eq!(bars.get("tasks"), Some(&0.99));
        assert!(parse_bars("speed=1").is_err());
        assert!(parse_bars("tasks").is_err());
    }
}
