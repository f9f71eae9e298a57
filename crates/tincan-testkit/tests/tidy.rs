//! Tidy checks that run as ordinary tests: file headers, banned macros, and the crate graph.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name == "target" || name == "node_modules") {
                continue;
            }
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn every_rust_file_opens_with_a_module_doc_and_uses_no_banned_macro() {
    let mut files = Vec::new();
    rust_files(&workspace().join("crates"), &mut files);
    assert!(files.len() > 30, "found only {} files", files.len());
    let banned = [
        concat!("dbg", "!("),
        concat!("todo", "!("),
        concat!("unimplemented", "!("),
        concat!("#[", "ignore"),
        concat!("#[", "should_panic"),
    ];
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.starts_with("//!"), "{} must open with a //! module doc", file.display());
        for pattern in banned {
            assert!(!text.contains(pattern), "{} contains {pattern}", file.display());
        }
    }
}

/// The dependencies a crate's Cargo.toml declares under `[dependencies]`.
fn dependencies(krate: &str) -> Vec<String> {
    let manifest = std::fs::read_to_string(workspace().join("crates").join(krate).join("Cargo.toml")).unwrap();
    let mut in_section = false;
    let mut names = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_section = line == "[dependencies]";
            continue;
        }
        if in_section
            && let Some((name, _)) = line.split_once(['=', '.'])
            && !name.trim().is_empty()
            && !name.starts_with('#')
        {
            names.push(name.trim().to_owned());
        }
    }
    names
}

#[test]
fn the_crate_graph_keeps_its_boundaries() {
    let allowed: &[(&str, &[&str])] = &[
        ("tincan-proto", &["serde", "serde_json", "serde_path_to_error"]),
        ("tincan-usersig", &["base64", "flate2", "hmac", "serde_json", "sha2", "thiserror"]),
        ("tincan-core", &["roaring", "tincan-proto"]),
        ("tincan-store", &["tincan-core", "tincan-proto", "thiserror"]),
        ("tincan-store-sqlite", &["rusqlite", "tincan-core", "tincan-proto", "tincan-store"]),
    ];
    for (krate, permitted) in allowed {
        for dependency in dependencies(krate) {
            assert!(permitted.contains(&dependency.as_str()), "{krate} may not depend on {dependency}");
        }
    }
    for dependency in dependencies("tincan-sdk") {
        assert!(
            !["tincan-server", "tincan-engine", "tincan-core", "tincan-store", "tincan-store-sqlite"]
                .contains(&dependency.as_str()),
            "the SDK may not depend on {dependency}"
        );
    }
    // The Node addon converts between TIM's Electron shapes and the SDK; it reaches the server
    // only through the SDK and holds no domain rules.
    for dependency in dependencies("tincan-node") {
        assert!(
            !dependency.starts_with("tincan-") || ["tincan-proto", "tincan-sdk"].contains(&dependency.as_str()),
            "the Node addon may not depend on {dependency}"
        );
    }
    for dependency in dependencies("tincan-engine") {
        assert!(
            !["axum", "tincan-server", "tincan-sdk"].contains(&dependency.as_str()),
            "the engine may not depend on {dependency}"
        );
    }
}
