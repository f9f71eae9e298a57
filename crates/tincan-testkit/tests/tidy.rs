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
    section_dependencies(krate, "[dependencies]")
}

/// The dependencies a crate's Cargo.toml declares in `section`.
fn section_dependencies(krate: &str, section: &str) -> Vec<String> {
    let manifest = std::fs::read_to_string(workspace().join("crates").join(krate).join("Cargo.toml")).unwrap();
    let mut in_section = false;
    let mut names = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_section = line == section;
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
        // Ownership and forwarding in a cluster: the store only through its interface, NATS as
        // the transport, nothing of the engine or the network edge.
        (
            "tincan-cluster",
            &[
                "async-nats",
                "bytes",
                "futures-util",
                "serde",
                "serde_json",
                "tincan-core",
                "tincan-proto",
                "tincan-store",
                "thiserror",
                "tokio",
                "tracing",
            ],
        ),
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
            !["axum", "tincan-server", "tincan-sdk", "tincan-cluster"].contains(&dependency.as_str()),
            "the engine may not depend on {dependency}"
        );
    }
    // The edge runs a cluster's node through `tincan-cluster`, on whatever store the program
    // opened: it names no backend.
    for dependency in dependencies("tincan-server") {
        assert!(
            !["tincan-store-sqlite", "tincan-store-postgres", "tincan-sdk"].contains(&dependency.as_str()),
            "the server may not depend on {dependency}"
        );
    }
}

#[test]
fn the_engine_knows_the_store_interface_and_no_backend() {
    // The program that runs the engine opens the backend and hands it in; the engine, its tests
    // included, never names one (its tests use the in-memory store of `tincan-store`).
    for section in ["[dependencies]", "[dev-dependencies]"] {
        for dependency in section_dependencies("tincan-engine", section) {
            assert!(
                !dependency.starts_with("tincan-store-") && dependency != "rusqlite",
                "the engine may not depend on the backend {dependency} ({section})"
            );
        }
    }
    let mut files = Vec::new();
    rust_files(&workspace().join("crates/tincan-engine"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("tincan_store_sqlite"), "{} names the SQLite backend", file.display());
    }
}

#[test]
fn the_engine_derives_no_wire_format() {
    // Only tincan-proto derives serialization for what clients read, and the REST layer keeps
    // its own shapes; the engine's one encoding is the webhook queue's, which it stores itself.
    let mut files = Vec::new();
    rust_files(&workspace().join("crates/tincan-engine/src"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let derives = text.lines().any(|line| line.trim_start().starts_with("#[derive(") && line.contains("Serialize"));
        let is_webhook_queue = file.ends_with("webhooks/mod.rs");
        assert!(!derives || is_webhook_queue, "{} derives Serialize or Deserialize", file.display());
    }
}

#[test]
fn the_domain_rules_take_from_the_protocol_only_its_vocabulary() {
    // tincan-core uses identifiers, error codes, TIM's enumerations and the limits of
    // tincan-proto, and none of its wire types (operations, frames, pushes, objects, messages).
    let mut files = Vec::new();
    rust_files(&workspace().join("crates/tincan-core/src"), &mut files);
    let allowed = ["tincan_proto::{", "tincan_proto::enums", "tincan_proto::limits", "tincan_proto::ErrorCode"];
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines().filter(|line| line.contains("tincan_proto::")) {
            let at = line.find("tincan_proto::").unwrap_or_default();
            let path = &line[at..];
            assert!(
                allowed.iter().any(|prefix| path.starts_with(prefix)),
                "{}: {} reaches past the protocol's vocabulary",
                file.display(),
                line.trim()
            );
            if let Some(list) = path.strip_prefix("tincan_proto::{") {
                for item in list.trim_end_matches(['}', ';']).split(',') {
                    let item = item.trim();
                    assert!(
                        ["ApiError", "ErrorCode", "GroupId", "UserId", "limits", "enums", ""].contains(&item)
                            || item.starts_with("enums::"),
                        "{}: imports {item} from tincan-proto",
                        file.display()
                    );
                }
            }
        }
    }
}

#[test]
fn every_workspace_crate_the_manifest_names_exists() {
    let manifest = std::fs::read_to_string(workspace().join("Cargo.toml")).unwrap();
    for line in manifest.lines().filter(|line| line.contains("path = \"crates/")) {
        let path = line.split("path = \"").nth(1).and_then(|rest| rest.split('"').next()).unwrap_or_default();
        assert!(workspace().join(path).join("Cargo.toml").is_file(), "Cargo.toml names {path}, which does not exist");
    }
}

/// The text of a file before its test module (`#[cfg(test)]` then `mod ...`, at the file's top
/// level).
fn without_test_module(text: &str) -> &str {
    let mut offset = 0;
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        if line.trim_end() == "#[cfg(test)]" && lines.peek().is_some_and(|next| next.starts_with("mod ")) {
            return &text[..offset];
        }
        offset += line.len();
    }
    text
}

#[test]
fn without_test_module_keeps_what_only_looks_like_tests() {
    let text = "fn a() {}\n    #[cfg(test)]\n    fn b() {}\nfn c() {}\n#[cfg(test)]\nmod tests {\n    fn d() {}\n}\n";
    let kept = without_test_module(text);
    assert!(kept.contains("fn b()") && kept.contains("fn c()"), "{kept}");
    assert!(!kept.contains("fn d()"), "{kept}");
}

#[test]
fn the_engine_and_the_server_take_identifiers_parsed() {
    // Requests carry their identifiers parsed from deserialization on (tincan-proto reads them
    // with the request, and REST bodies with theirs), so the engine and the server never parse
    // one from a request's text. These are the edges that remain, each with the number of calls
    // it may make.
    let edges: &[(&str, &str, usize)] = &[
        // `login` checks the SDKAppID before the identifier, as TIM does, so the identifier stays
        // text until the engine has found the app.
        ("crates/tincan-engine/src/ops/session.rs", "UserId::parse(", 1),
        // Receipt calls name their conversation inside TIM's message objects, which keep
        // `message_conv_id` as the text TIM gives it.
        ("crates/tincan-engine/src/ops/receipts.rs", "Conv::parse(", 3),
        // `msg_modify` names its conversation inside TIM's message object, as the receipt calls
        // do, and `msg_find` has a conversation only when it is given locators.
        ("crates/tincan-engine/src/ops/lifecycle.rs", "Conv::parse(", 2),
        // The extension calls name their message, and so its conversation, inside TIM's message
        // object, as `msg_modify` does.
        ("crates/tincan-engine/src/ops/extensions.rs", "Conv::parse(", 1),
        // The media endpoints take the uploader and a download URL's conversation from the query
        // string, and read the uploader back from an upload's stored description.
        ("crates/tincan-server/src/media/mod.rs", "UserId::parse(", 3),
        ("crates/tincan-server/src/media/mod.rs", "GroupId::parse(", 1),
    ];
    let parsers = [
        "UserId::parse(",
        "GroupId::parse(",
        "Conv::parse(",
        "ConvScope::parse(",
        "ConvSelector::parse(",
        "ListedId::parse(",
    ];
    let mut files = Vec::new();
    rust_files(&workspace().join("crates/tincan-engine/src"), &mut files);
    rust_files(&workspace().join("crates/tincan-server/src"), &mut files);
    assert!(files.len() > 30, "found only {} files", files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let code = without_test_module(&text);
        let relative = file.strip_prefix(workspace()).unwrap().to_string_lossy().replace('\\', "/");
        for parser in parsers {
            let calls = code.matches(parser).count();
            let allowed = edges
                .iter()
                .find(|(path, edge, _)| *path == relative && *edge == parser)
                .map_or(0, |(_, _, calls)| *calls);
            assert!(
                calls <= allowed,
                "{relative} calls {parser} {calls} times outside its tests; the request should carry it parsed"
            );
        }
    }
}
