//! What the documents promise, read from them, so that tests can compare it with what they cover:
//! the client operations of `docs/protocol.md` and the REST commands of `docs/rest-api.md`.

use std::path::PathBuf;

/// The repository's `docs/` directory.
pub fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs")
}

/// The client operations in the table of `docs/protocol.md`'s "Operations" section, in order.
pub fn documented_ops() -> Vec<String> {
    let text = std::fs::read_to_string(docs_dir().join("protocol.md")).expect("docs/protocol.md");
    let section = text.split("\n## Operations\n").nth(1).expect("an Operations section");
    let table = section.split("\n#").next().unwrap_or_default();
    table.lines().filter_map(|line| line.strip_prefix("| `")?.split_once('`').map(|(op, _)| op.to_owned())).collect()
}

/// The REST commands of `docs/rest-api.md` as `(service, command)`: one `####` heading per
/// command under its service's `###` heading, and tincan's own commands in their table.
pub fn documented_rest_commands() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(docs_dir().join("rest-api.md")).expect("docs/rest-api.md");
    let section = text.split("\n## Commands\n").nth(1).expect("a Commands section");
    let section = section.split("\n## ").next().unwrap_or_default();
    let mut service = String::new();
    let mut commands = Vec::new();
    for line in section.lines() {
        let quoted = |rest: &str| rest.strip_prefix('`')?.split_once('`').map(|(name, _)| name.to_owned());
        if let Some(name) = line.strip_prefix("### ").and_then(quoted) {
            service = name;
        } else if let Some(command) = line.strip_prefix("#### ").and_then(quoted) {
            commands.push((service.clone(), command));
        } else if let Some(command) = line.strip_prefix("| `tincan/").and_then(|rest| rest.split_once('`')) {
            commands.push(("tincan".to_owned(), command.0.to_owned()));
        }
    }
    commands
}
