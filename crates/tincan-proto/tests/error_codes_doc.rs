//! `docs/error-codes.md` is generated from `ErrorCode::ALL`; this test keeps it current.
//!
//! Run with `UPDATE_DOCS=1` to rewrite the file after adding a code.

use tincan_proto::ErrorCode;

fn render() -> String {
    let mut doc = String::from(
        "# Error codes\n\nThis page is generated from `ErrorCode::ALL` in `crates/tincan-proto/src/error.rs`; a test keeps it current.\n\
         Where TIM defines a code for a condition, tincan uses TIM's number.\n\
         tincan's own codes are in 65000–65999, a range TIM does not use.\n\
         Codes are never renumbered or reused.\n\n| code | name | meaning |\n|---|---|---|\n",
    );
    for (code, name, meaning) in ErrorCode::ALL {
        doc.push_str(&format!("| {} | `{}` | {} |\n", code.0, name, meaning.trim()));
    }
    doc
}

#[test]
fn error_codes_doc_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/error-codes.md");
    let expected = render();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/error-codes.md is out of date; run UPDATE_DOCS=1 cargo test -p tincan-proto --test error_codes_doc"
    );
}
