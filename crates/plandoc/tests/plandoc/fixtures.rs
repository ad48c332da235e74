//! Data-driven tests: every document in `tests/fixtures` is parsed and its projection
//! compared with `NAME.expected.json` beside it. The fixtures are the project's own
//! documents written in the genre (varied numbering, unit notations, target phrasings,
//! traditional characters, page noise). After an intended change, review the diff of
//! `LUOSHI_BLESS=1 cargo test -p luoshi-plandoc fixtures` before committing it.

use std::path::{Path, PathBuf};

use crate::support::project;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn fixtures_match_their_expected_output() {
    let bless = std::env::var_os("LUOSHI_BLESS").is_some();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file() && !p.to_string_lossy().ends_with(".expected.json"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 4, "fixtures are missing");
    let mut failures = Vec::new();
    for input in &inputs {
        let bytes = std::fs::read(input).expect("read fixture");
        let name = input.file_name().unwrap().to_string_lossy().to_string();
        let parsed = luoshi_plandoc::parse(&name, &bytes).unwrap_or_else(|e| panic!("{e}"));
        let actual = serde_json::to_string_pretty(&project(&parsed)).unwrap() + "\n";
        let expected_path = input.with_file_name(format!(
            "{}.expected.json",
            input.file_stem().unwrap().to_string_lossy()
        ));
        if bless {
            std::fs::write(&expected_path, &actual).expect("write expected");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{} has no expected file; run with LUOSHI_BLESS=1", name));
        // Compared as JSON values: object key order depends on serde_json's features, which
        // other crates in the workspace may switch on.
        let same = serde_json::from_str::<serde_json::Value>(&expected)
            .is_ok_and(|value| value == project(&parsed));
        if !same {
            failures.push(format!(
                "{name}:\n--- expected\n{expected}\n--- actual\n{actual}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
