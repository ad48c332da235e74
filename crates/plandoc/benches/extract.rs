//! Plain-text extraction throughput: the seed corpus one file at a time, and the seeds
//! concatenated to about 10 MB to show that cost grows linearly with size; then shapes
//! built to be hard (thousands of tasks all numbered （一）, one huge line, deep brackets,
//! thousands of sections) at 1 and 4 MB, whose cost must grow linearly too.
//! Goal: at least 50 MB/s on one core. Run with `cargo bench -p luoshi-plandoc`.

use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn seeds() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/seeds");
    let mut texts: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    if texts.is_empty() {
        // Without the shared corpus, fall back to the project's own fixtures.
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        texts = std::fs::read_dir(fixtures)
            .expect("fixtures exist")
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
    }
    texts
}

fn throughput(c: &mut Criterion) {
    let texts = seeds();
    let mut group = c.benchmark_group("plain_text");
    let total: usize = texts.iter().map(String::len).sum();
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("seed_corpus", |b| {
        b.iter(|| {
            for text in &texts {
                std::hint::black_box(luoshi_plandoc::parse_text("seed.txt", text));
            }
        })
    });
    for target_mb in [1usize, 10] {
        let mut large = String::new();
        while large.len() < target_mb * 1024 * 1024 {
            for text in &texts {
                large.push_str(text);
                large.push('\n');
            }
        }
        group.throughput(Throughput::Bytes(large.len() as u64));
        group.sample_size(10);
        group.bench_with_input(
            BenchmarkId::new("concatenated_mb", target_mb),
            &large,
            |b, large| {
                b.iter(|| std::hint::black_box(luoshi_plandoc::parse_text("large.txt", large)))
            },
        );
    }
    group.finish();
}

/// A text of about `mb` megabytes made by repeating `unit`.
fn repeated(unit: &str, mb: usize) -> String {
    let mut text = String::from("某县教育局2025年工作要点\n");
    while text.len() < mb * 1024 * 1024 {
        text.push_str(unit);
    }
    text
}

fn adversarial(c: &mut Criterion) {
    let shapes: [(&str, &str); 4] = [
        (
            "same_number",
            "（一）推进学前教育普惠发展。新建幼儿园2所，新增学位360个。（责任单位：基础教育股）\n",
        ),
        (
            "one_line",
            "1.推进学前教育普惠发展，新建幼儿园2所，新增学位360个，基础教育股负责，",
        ),
        ("deep_brackets", "（（（（（（（（（（基础教育股、"),
        (
            "many_sections",
            "一、加强党建\n1.强化理论学习。全年集中学习12次。（责任单位：办公室）\n",
        ),
    ];
    let mut group = c.benchmark_group("adversarial");
    group.sample_size(10);
    for (name, unit) in shapes {
        for mb in [1usize, 4] {
            let text = repeated(unit, mb);
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(BenchmarkId::new(name, mb), &text, |b, text| {
                b.iter(|| std::hint::black_box(luoshi_plandoc::parse_text("hard.txt", text)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, throughput, adversarial);
criterion_main!(benches);
