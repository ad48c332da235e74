//! Keeps the architecture honest: a crate may depend only on crates below it, and the
//! plan-document library, the domain rules and the office renderers stay pure (no database,
//! HTTP, async runtime).

use std::path::Path;

/// Each workspace crate and the workspace crates it may import (ARCHITECTURE.md): every
/// crate depends only on crates below it, and the office renderers sit beside the store,
/// not above it.
const LAYERS: &[(&str, &[&str])] = &[
    ("luoshi-plandoc", &[]),
    // Test support only: a dev-dependency of the crates whose tests need a database.
    ("luoshi-testing", &[]),
    ("luoshi-domain", &["luoshi-plandoc"]),
    ("luoshi-store", &["luoshi-domain", "luoshi-plandoc"]),
    ("luoshi-office", &["luoshi-domain", "luoshi-plandoc"]),
    (
        "luoshi-app",
        &[
            "luoshi-office",
            "luoshi-store",
            "luoshi-domain",
            "luoshi-plandoc",
        ],
    ),
    (
        "luoshi-web",
        &[
            "luoshi-app",
            "luoshi-store",
            "luoshi-domain",
            "luoshi-plandoc",
        ],
    ),
    (
        "luoshi-cli",
        &[
            "luoshi-web",
            "luoshi-app",
            "luoshi-store",
            "luoshi-domain",
            "luoshi-plandoc",
        ],
    ),
];

/// Crates that do no I/O of their own: bytes and records in, records and bytes out.
const PURE: &[&str] = &["luoshi-plandoc", "luoshi-domain", "luoshi-office"];

const IMPURE: &[&str] = &[
    "tokio", "sqlx", "sea-orm", "axum", "hyper", "reqwest", "rusqlite", "postgres", "tower",
];

#[test]
fn crates_depend_only_downward() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let workspace: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("Cargo.toml")).unwrap()).unwrap();
    let members = workspace["workspace"]["members"]
        .as_array()
        .expect("members");
    assert!(!members.is_empty());
    for member in members {
        let dir = root.join(member.as_str().unwrap());
        let manifest: toml::Table =
            toml::from_str(&std::fs::read_to_string(dir.join("Cargo.toml")).unwrap()).unwrap();
        let name = manifest["package"]["name"].as_str().unwrap().to_string();
        let allowed = LAYERS
            .iter()
            .find(|(layer, _)| *layer == name)
            .map(|(_, allowed)| *allowed)
            .unwrap_or_else(|| {
                panic!("{name} is not placed in a layer; add it to LAYERS and ARCHITECTURE.md")
            });
        let dependencies = manifest
            .get("dependencies")
            .and_then(|d| d.as_table())
            .cloned()
            .unwrap_or_default();
        for dependency in dependencies.keys() {
            if dependency.starts_with("luoshi-") {
                assert!(
                    allowed.contains(&dependency.as_str()),
                    "{name} must not depend on {dependency}: it is not below it"
                );
            }
            if PURE.contains(&name.as_str()) {
                assert!(
                    !IMPURE.contains(&dependency.as_str()),
                    "{name} must stay pure, found {dependency}"
                );
            }
        }
    }
}
