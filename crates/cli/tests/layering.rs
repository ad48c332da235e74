//! Keeps the architecture honest: a crate may depend only on crates below it, and the
//! plan-document library and the domain rules stay pure (no database, HTTP, async runtime).

use std::path::Path;

/// Workspace crates from the bottom layer up (ARCHITECTURE.md).
const LAYERS: &[&str] = &[
    "luoshi-plandoc",
    "luoshi-domain",
    "luoshi-store",
    "luoshi-office",
    "luoshi-web",
    "luoshi-cli",
];

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
        let rank = LAYERS.iter().position(|l| *l == name).unwrap_or_else(|| {
            panic!("{name} is not placed in a layer; add it to LAYERS and ARCHITECTURE.md")
        });
        let dependencies = manifest
            .get("dependencies")
            .and_then(|d| d.as_table())
            .cloned()
            .unwrap_or_default();
        for dependency in dependencies.keys() {
            if let Some(other) = LAYERS.iter().position(|l| l == dependency) {
                assert!(
                    other < rank,
                    "{name} must not depend on {dependency}: it is not below it"
                );
            }
            if name == "luoshi-plandoc" || name == "luoshi-domain" {
                assert!(
                    !IMPURE.contains(&dependency.as_str()),
                    "{name} must stay pure, found {dependency}"
                );
            }
        }
    }
}
