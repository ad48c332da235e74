//! Metamorphic tests: rewrites of a document that must not change what is read from it.
//!
//! Every document of the shared corpus and of the project's fixtures is parsed once; its
//! normalized text is then rewritten the way plans reach a bureau in other shapes (another
//! task marker, lines joined as on pages that lost their paragraphs, sections dropped, an
//! excerpt without the first tasks, units in another notation, other punctuation widths,
//! web furniture, traditional characters) and parsed again. The second reading, scored
//! against the first with the corpus scorer, must agree on tasks, units and targets.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;
use luoshi_plandoc::model::{ParsedFile, Target};
use luoshi_plandoc::score::{Score, score_file};
use regex::Regex;

/// A document's normalized text and what was read from it.
struct Base {
    name: String,
    text: String,
    parsed: ParsedFile,
}

fn inputs() -> Vec<Base> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dirs = [
        manifest.join("../../../shared/corpus/seeds"),
        manifest.join("tests/fixtures"),
        manifest.join("tests/fixtures/genre"),
    ];
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        files.extend(
            entries
                .map(|e| e.expect("entry").path())
                .filter(|p| p.is_file() && !p.to_string_lossy().ends_with(".json")),
        );
    }
    files.sort();
    assert!(files.len() >= 40, "documents are missing");
    files
        .iter()
        .filter_map(|path| {
            let name = path.file_name()?.to_string_lossy().to_string();
            let first = luoshi_plandoc::parse(&name, &std::fs::read(path).ok()?).ok()?;
            // Rewrites work on the normalized text, one paragraph a line.
            let parsed = luoshi_plandoc::parse_text(&name, &first.text);
            let text = parsed.text.clone();
            Some(Base { name, text, parsed })
        })
        .collect()
}

/// The readings made comparable: simplified characters, one width of punctuation, and
/// (where a rewrite changes them by design) titles and sections left out.
fn comparable(parsed: &ParsedFile, keep_titles: bool, keep_sections: bool) -> ParsedFile {
    static T2S: LazyLock<OpenCC> =
        LazyLock::new(|| OpenCC::from_config(BuiltinConfig::T2s).expect("t2s dictionary"));
    let mut parsed = parsed.clone();
    let fold = |s: &str| narrow(&T2S.convert(s));
    for doc in &mut parsed.documents {
        doc.title = None;
        doc.year = None;
        doc.results.clear();
        for task in &mut doc.tasks {
            task.title = if keep_titles {
                fold(&task.title)
            } else {
                String::new()
            };
            if !keep_sections {
                task.section = 0;
            }
            task.units = task.units.iter().map(|u| fold(u)).collect();
            for target in &mut task.targets {
                fold_target(target, &fold);
            }
        }
    }
    parsed
}

fn fold_target(target: &mut Target, fold: &impl Fn(&str) -> String) {
    target.unit = fold(&target.unit);
}

fn narrow(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '，' => ',',
            '：' => ':',
            '；' => ';',
            c => c,
        })
        .collect()
}

/// Scores every rewritten document against its first reading; fails with the worst ones
/// when tasks, units or targets fall below `bar`.
fn holds(
    what: &str,
    bar: f64,
    keep_titles: bool,
    keep_sections: bool,
    rewrite: impl Fn(&Base) -> Option<(String, ParsedFile)>,
) {
    let mut total = Score::default();
    let mut per_doc = Vec::new();
    for base in inputs() {
        let Some((text, expected)) = rewrite(&base) else {
            continue;
        };
        let again = luoshi_plandoc::parse_text(&base.name, &text);
        let score = score_file(
            &comparable(&again, keep_titles, keep_sections),
            &comparable(&expected, keep_titles, keep_sections),
        );
        total += score;
        per_doc.push((base.name.clone(), score));
    }
    per_doc.sort_by(|a, b| a.1.mean_f1().total_cmp(&b.1.mean_f1()));
    let worst: Vec<String> = per_doc
        .iter()
        .take(6)
        .map(|(name, s)| {
            format!(
                "{name}: tasks {:.2} units {:.2} targets {:.2}",
                s.tasks.f1(),
                s.units.f1(),
                s.targets.f1()
            )
        })
        .collect();
    let report = format!(
        "{what} over {} documents: tasks {:.3} units {:.3} targets {:.3}\n  {}",
        per_doc.len(),
        total.tasks.f1(),
        total.units.f1(),
        total.targets.f1(),
        worst.join("\n  ")
    );
    println!("{report}");
    assert!(
        per_doc.len() >= 10,
        "{what}: too few documents apply\n{report}"
    );
    for (metric, counts) in [
        ("tasks", total.tasks),
        ("units", total.units),
        ("targets", total.targets),
    ] {
        assert!(counts.f1() >= bar, "{what}: {metric} below {bar}\n{report}");
    }
}

fn same(base: &Base, text: String) -> Option<(String, ParsedFile)> {
    Some((text, base.parsed.clone()))
}

/// Plans only: summaries have no tasks to compare.
fn has_tasks(base: &Base) -> bool {
    base.parsed
        .documents
        .iter()
        .any(|d| d.tasks.iter().filter(|t| t.no > 0).count() >= 3)
}

static ARABIC_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^(\d{1,3})\s*([.．、﹒])").expect("valid regex"));

#[test]
fn another_task_marker_style_reads_the_same() {
    holds("marker style", 0.98, true, true, |base| {
        let text = ARABIC_MARKER.replace_all(&base.text, |c: &regex::Captures<'_>| {
            let other = if &c[2] == "、" { "．" } else { "、" };
            format!("{}{other}", &c[1])
        });
        same(base, text.into_owned())
    });
}

#[test]
fn a_page_that_lost_its_paragraphs_reads_the_same() {
    holds("all lines joined", 0.9, false, true, |base| {
        has_tasks(base).then(|| same(base, base.text.replace('\n', "")))?
    });
}

#[test]
fn sections_on_one_line_each_read_the_same() {
    holds("each section on one line", 0.93, false, true, |base| {
        if !has_tasks(base) {
            return None;
        }
        let starts: Vec<usize> = base
            .parsed
            .documents
            .iter()
            .flat_map(|d| d.sections.iter().map(|s| s.span.start))
            .collect();
        if starts.len() < 2 {
            return None;
        }
        let mut text = String::with_capacity(base.text.len());
        for (at, c) in base.text.char_indices() {
            let before_section = starts.contains(&(at + 1));
            if c != '\n' || before_section || at < starts[0] {
                text.push(c);
            }
        }
        same(base, text)
    });
}

#[test]
fn dropping_the_section_headings_keeps_the_tasks() {
    holds("sections dropped", 0.95, true, false, |base| {
        let doc = base
            .parsed
            .documents
            .iter()
            .find(|d| d.sections.len() >= 2)?;
        let numbers: Vec<u32> = doc.tasks.iter().map(|t| t.no).collect();
        let unique = numbers.windows(2).all(|w| w[1] > w[0]);
        if !unique || base.parsed.documents.len() != 1 || numbers.len() < 3 {
            return None;
        }
        let mut text = base.text.clone();
        for section in doc.sections.iter().rev() {
            let end = text[section.span.end..]
                .find('\n')
                .map_or(text.len(), |i| section.span.end + i + 1);
            text.replace_range(section.span.start..end, "");
        }
        same(base, text)
    });
}

#[test]
fn an_excerpt_without_the_first_tasks_keeps_the_rest() {
    holds("first two tasks dropped", 0.97, true, true, |base| {
        if base.parsed.documents.len() != 1 {
            return None;
        }
        let doc = &base.parsed.documents[0];
        let numbered: Vec<usize> = (0..doc.tasks.len())
            .filter(|&i| doc.tasks[i].no > 0)
            .collect();
        if numbered.len() < 5 {
            return None;
        }
        let (first, third) = (&doc.tasks[numbered[0]], &doc.tasks[numbered[2]]);
        // Only where the first two tasks stand in one section with the third.
        if first.section != third.section || first.no != 1 {
            return None;
        }
        let mut text = base.text.clone();
        text.replace_range(first.span.start..third.span.start, "");
        let mut expected = base.parsed.clone();
        expected.documents[0]
            .tasks
            .retain(|t| t.no == 0 || !(t.section == first.section && t.no < third.no));
        Some((text, expected))
    });
}

static LABELLED_BRACKET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[（(](?:责任单位|责任科室|责任处室|责任股室)[：:]([^（）()]+)[）)]")
        .expect("valid regex")
});
static LEAD_CO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[（(]牵头单位[：:]([^；;（）()]+)[；;]\s*配合单位[：:]([^（）()]+)[）)]")
        .expect("valid regex")
});

#[test]
fn units_in_another_notation_read_the_same() {
    holds("units as brackets of names", 0.97, true, true, |base| {
        if !LABELLED_BRACKET.is_match(&base.text) && !LEAD_CO.is_match(&base.text) {
            return None;
        }
        let text = LABELLED_BRACKET.replace_all(&base.text, "（$1）");
        let text = LEAD_CO.replace_all(&text, "（${1}牵头，${2}配合）");
        same(base, text.into_owned())
    });
}

#[test]
fn half_width_punctuation_reads_the_same() {
    holds("punctuation widths swapped", 0.97, true, true, |base| {
        same(base, narrow(&base.text))
    });
}

#[test]
fn web_furniture_around_the_text_changes_nothing() {
    holds("web furniture added", 0.98, true, true, |base| {
        let mut text = String::from(
            "首页 > 政务公开 > 计划总结\n分享到：微信 微博 QQ空间\n【字体：大 中 小】 打印本页\n",
        );
        text.push_str(&base.text);
        text.push_str("分享到：微信 微博\n上一篇：关于做好假期安全工作的通知\n版权所有：某某教育局 网站标识码：0000000000\n");
        same(base, text)
    });
}

#[test]
fn traditional_characters_read_the_same() {
    let converter = OpenCC::from_config(BuiltinConfig::S2t).expect("s2t dictionary");
    holds("traditional characters", 0.97, true, true, |base| {
        if base.parsed.traditional {
            return None;
        }
        same(base, converter.convert(&base.text))
    });
}
