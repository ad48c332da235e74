//! The project's own check of the extractor on the genre: original documents written after
//! a study of published plans (GENRE.md), each with a gold file made by hand from the
//! document as SPEC.md says, scored the way `luoshi eval` scores. The shared corpus is held
//! to its CI bars here too, so a change that helps one hurts neither unnoticed.

use std::path::{Path, PathBuf};

use luoshi_plandoc::model::ParsedFile;
use luoshi_plandoc::score::{METRICS, Score, score_file};

/// Documents of `docs` with a gold file `gold/NAME.json`, scored one by one.
pub fn score_dir(docs: &Path, gold: &Path) -> Vec<(String, Score)> {
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(docs)
        .unwrap_or_else(|e| panic!("{}: {e}", docs.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .collect();
    inputs.sort();
    let mut scores = Vec::new();
    for input in inputs {
        let stem = input.file_stem().unwrap().to_string_lossy().to_string();
        let gold_path = gold.join(format!("{stem}.json"));
        if !gold_path.is_file() {
            continue;
        }
        let gold: ParsedFile = serde_json::from_slice(&std::fs::read(&gold_path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", gold_path.display()));
        let name = input.file_name().unwrap().to_string_lossy().to_string();
        let parsed = luoshi_plandoc::parse(&name, &std::fs::read(&input).unwrap())
            .unwrap_or_else(|e| panic!("{e}"));
        scores.push((name, score_file(&parsed, &gold)));
    }
    scores
}

/// Fails with a table of the totals and the five worst documents when a bar is missed.
pub fn assert_bars(what: &str, scores: &[(String, Score)], bars: &[(&str, f64)]) {
    let mut total = Score::default();
    for (_, s) in scores {
        total += *s;
    }
    let mut report = format!("{what}: {} documents\n", scores.len());
    for metric in METRICS {
        let c = total.metric(metric).unwrap();
        report += &format!(
            "  {metric:8} P {:.3} R {:.3} F1 {:.3} ({} / {} / {})\n",
            c.precision(),
            c.recall(),
            c.f1(),
            c.matched,
            c.predicted,
            c.gold
        );
    }
    let mut worst: Vec<&(String, Score)> = scores.iter().collect();
    worst.sort_by(|a, b| a.1.mean_f1().total_cmp(&b.1.mean_f1()));
    for (name, s) in worst.iter().take(8) {
        let line: Vec<String> = METRICS
            .iter()
            .map(|m| format!("{m} {:.2}", s.metric(m).unwrap().f1()))
            .collect();
        report += &format!("  worst: {name}: {}\n", line.join(", "));
    }
    println!("{report}");
    let missed: Vec<String> = bars
        .iter()
        .filter(|(m, bar)| total.metric(m).unwrap().f1() < *bar)
        .map(|(m, bar)| format!("{m} below {bar}"))
        .collect();
    assert!(missed.is_empty(), "{}\n{report}", missed.join(", "));
}

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn genre_fixtures_meet_the_goals() {
    let dir = manifest().join("tests/fixtures/genre");
    let scores = score_dir(&dir, &dir.join("gold"));
    assert!(scores.len() >= 30, "only {} genre fixtures", scores.len());
    assert_bars(
        "genre fixtures",
        &scores,
        &[
            ("tasks", 0.95),
            ("units", 0.90),
            ("targets", 0.88),
            ("results", 0.85),
            ("titles", 0.92),
            ("years", 0.95),
        ],
    );
}

#[test]
fn the_shared_corpus_meets_its_bars() {
    let corpus = manifest().join("../../../shared/corpus");
    let bars = [
        ("tasks", 0.99),
        ("units", 0.98),
        ("targets", 0.90),
        ("results", 0.80),
        ("titles", 1.0),
        ("years", 1.0),
    ];
    let seeds = score_dir(&corpus.join("seeds"), &corpus.join("gold"));
    assert_eq!(seeds.len(), 5, "the shared corpus is missing");
    assert_bars("seeds", &seeds, &bars);
    let formats = score_dir(&corpus.join("formats"), &corpus.join("formats/gold"));
    assert_bars("formats", &formats, &bars);
}
